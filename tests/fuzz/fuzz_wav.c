/* fuzz_wav: whole WAV files (audio_file_load, as the simulated room reads
 * its noise): any format libsndfile opens, resampled to FC_RATE mono. */
#include "audio.h"
#include "fuzz_input.h"

const fuzz_target fuzz_this = {.file_name = "input.wav", .init = NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int16_t *pcm = NULL;
    size_t n = 0;
    fc_error err = {0};
    int rc = audio_file_load(fuzz_input_write(data, size), FC_FRAME, &pcm, &n, &err);
    FUZZ_CHECK(rc != FC_OK || (pcm != NULL && n % FC_FRAME == 0));
    FUZZ_CHECK(rc == FC_OK || (pcm == NULL && n == 0));
    free(pcm);
    return 0;
}
