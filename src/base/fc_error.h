/* fc_error: the error codes shared by every module, and the one way a
 * failure's detail travels up to whoever tells the user (the command line
 * prints it, a service sends it to its log).
 *
 * 0 is success and every failure is a negative FC_ERR_* code. A function
 * that can fail for a reason the user can act on takes an `fc_error *err`
 * (which may be NULL) and fills it with the code and one line that names
 * the file and line, or the device, and says what to do; it still returns
 * the code, so `return fc_fail(err, FC_ERR_IO, "%s: cannot open", path);`
 * is the usual way out. */
#ifndef FLOORCOACH_FC_ERROR_H
#define FLOORCOACH_FC_ERROR_H

enum {
    FC_OK = 0,
    FC_ERR_NOMEM = -1,  /* out of memory */
    FC_ERR_IO = -2,     /* a file could not be read or written */
    FC_ERR_FORMAT = -3, /* a file was read but its content is invalid */
    FC_ERR_MODEL = -4,  /* speech model, grammar or voice data missing or unusable */
    FC_ERR_ARG = -5,    /* invalid argument */
    FC_ERR_DEVICE = -6, /* audio device missing, busy or failing */
    FC_ERR_STATE = -7,  /* call not valid in the object's current state */
    FC_ERR_FULL = -8,   /* a bounded queue or buffer is full */
    FC_ERR_INTERRUPTED = -9, /* stopped by a signal (Ctrl-C, SIGTERM, SIGHUP) */
};

/* Long enough for two paths and the advice that follows them. */
#define FC_ERROR_DETAIL_MAX 1024

typedef struct {
    int code;                         /* FC_OK or a negative FC_ERR_* */
    char detail[FC_ERROR_DETAIL_MAX]; /* one line for the user; "" when none */
} fc_error;

#if defined(__GNUC__)
#define FC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define FC_PRINTF(f, a)
#endif

/* Any thread. Never returns NULL. */
const char *fc_strerror(int code);

/* Any thread. Sets *err (when err is not NULL) to code and the formatted
 * detail, and returns code. */
int fc_fail(fc_error *err, int code, const char *fmt, ...) FC_PRINTF(3, 4);

/* Any thread. Like fc_fail, but only when err carries no detail yet: a
 * caller's fallback text never hides the precise one from below. */
int fc_fail_default(fc_error *err, int code, const char *fmt, ...) FC_PRINTF(3, 4);

/* Any thread. The detail, or fc_strerror(code) when there is none. Never
 * returns NULL; accepts NULL (then "success"). */
const char *fc_error_message(const fc_error *err);

/* Any thread. Back to FC_OK with no detail. Accepts NULL. */
void fc_error_clear(fc_error *err);

#endif
