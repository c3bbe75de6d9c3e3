#include "fc_error.h"

const char *fc_strerror(int err)
{
    switch (err) {
    case FC_OK: return "success";
    case FC_ERR_NOMEM: return "out of memory";
    case FC_ERR_IO: return "file could not be read or written";
    case FC_ERR_FORMAT: return "invalid file content";
    case FC_ERR_MODEL: return "speech model or voice data missing or unusable";
    case FC_ERR_ARG: return "invalid argument";
    case FC_ERR_DEVICE: return "audio device missing, busy or failing";
    case FC_ERR_STATE: return "operation not valid in the current state";
    case FC_ERR_FULL: return "queue or buffer full";
    default: return "unknown error";
    }
}
