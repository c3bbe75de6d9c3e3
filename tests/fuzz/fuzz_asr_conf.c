/* fuzz_asr_conf: the recogniser's settings files, grammars/asr.conf and the
 * user's calibration (calib_save's output), which share one format and one
 * parser (asr_conf_check). */
#include "asr.h"
#include "fuzz_input.h"

const fuzz_target fuzz_this = {.file_name = "asr.conf", .init = NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fc_error err = {0};
    int rc = asr_conf_check(fuzz_input_write(data, size), &err);
    FUZZ_CHECK(rc == FC_OK || rc == FC_ERR_IO || rc == FC_ERR_FORMAT);
    FUZZ_CHECK(rc == FC_OK || err.code == rc);
    return 0;
}
