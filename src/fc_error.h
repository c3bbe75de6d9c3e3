/* fc_error: floorcoach's error codes (0 or negative). */
#ifndef FLOORCOACH_FC_ERROR_H
#define FLOORCOACH_FC_ERROR_H

enum {
    FC_OK = 0,
    FC_ERR_NOMEM = -1,
    FC_ERR_IO = -2,
    FC_ERR_FORMAT = -3,
    FC_ERR_MODEL = -4,
    FC_ERR_ARG = -5,
    FC_ERR_DEVICE = -6,
    FC_ERR_STATE = -7,
    FC_ERR_FULL = -8
};

const char *fc_strerror(int err);

#endif
