#include "fc_parse.h"

#include "fc_error.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>

/* strtol and strtod accept leading spaces and '+', and strtod accepts
 * "nan", "inf" and hexadecimal: the first character decides. */
static int starts_like_a_number(const char *s)
{
    if (s[0] == '-')
        s++;
    return isdigit((unsigned char)s[0]) || (s[0] == '.' && isdigit((unsigned char)s[1]));
}

static int is_hex(const char *s)
{
    if (s[0] == '-')
        s++;
    return s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
}

int fc_parse_long(const char *s, long lo, long hi, long *out)
{
    char *end = NULL;
    if (!s || !starts_like_a_number(s))
        return FC_ERR_FORMAT;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (*end)
        return FC_ERR_FORMAT;
    if (errno == ERANGE || v < lo || v > hi)
        return FC_ERR_ARG;
    *out = v;
    return FC_OK;
}

int fc_parse_double(const char *s, double lo, double hi, double *out)
{
    char *end = NULL;
    if (!s || !starts_like_a_number(s) || is_hex(s))
        return FC_ERR_FORMAT;
    errno = 0;
    double v = strtod(s, &end);
    if (*end)
        return FC_ERR_FORMAT;
    if (errno == ERANGE || !isfinite(v) || !(v >= lo && v <= hi))
        return FC_ERR_ARG;
    *out = v;
    return FC_OK;
}
