#include "fc_error.h"

#include <stdarg.h>
#include <stdio.h>

const char *fc_strerror(int code)
{
    switch (code) {
    case FC_OK: return "success";
    case FC_ERR_NOMEM: return "out of memory";
    case FC_ERR_IO: return "file could not be read or written";
    case FC_ERR_FORMAT: return "invalid file content";
    case FC_ERR_MODEL: return "speech model or voice data missing or unusable";
    case FC_ERR_ARG: return "invalid argument";
    case FC_ERR_DEVICE: return "audio device missing, busy or failing";
    case FC_ERR_STATE: return "operation not valid in the current state";
    case FC_ERR_FULL: return "queue or buffer full";
    case FC_ERR_INTERRUPTED: return "interrupted";
    default: return "unknown error";
    }
}

/* Sets *err to code and the detail, unless keep and it has one already. */
static int vfail(fc_error *err, int code, int keep, const char *fmt, va_list ap)
{
    if (err == NULL)
        return code;
    err->code = code;
    if (!keep || err->detail[0] == '\0')
        vsnprintf(err->detail, sizeof err->detail, fmt, ap);
    return code;
}

int fc_fail(fc_error *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(err, code, 0, fmt, ap);
    va_end(ap);
    return code;
}

int fc_fail_default(fc_error *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(err, code, 1, fmt, ap);
    va_end(ap);
    return code;
}

const char *fc_error_message(const fc_error *err)
{
    if (err == NULL)
        return fc_strerror(FC_OK);
    return err->detail[0] != '\0' ? err->detail : fc_strerror(err->code);
}

void fc_error_clear(fc_error *err)
{
    if (err == NULL)
        return;
    err->code = FC_OK;
    err->detail[0] = '\0';
}
