/* fc_error: the error codes shared by every module. 0 is success and
 * failures are negative, so `if (rc < 0)` is the one test callers need. */
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
};

/* Any thread. Never returns NULL. */
const char *fc_strerror(int err);

#endif
