/* fc_parse: numbers from text, strictly. Every file format and option of
 * the project reads its numbers here, so that all of them agree on what a
 * number is: digits with an optional minus (and, for decimals, a point and
 * an exponent); no sign '+', no spaces around, no trailing text, no
 * overflow, and never NaN or infinity (which compare false against every
 * bound and would slip past range checks). Any thread. */
#ifndef FLOORCOACH_FC_PARSE_H
#define FLOORCOACH_FC_PARSE_H

/* Returns 0 with *out set, or FC_ERR_FORMAT (not a whole number) or
 * FC_ERR_ARG (outside lo..hi); *out is unchanged on failure. */
int fc_parse_long(const char *s, long lo, long hi, long *out);

/* The same for a finite decimal number. */
int fc_parse_double(const char *s, double lo, double hi, double *out);

#endif
