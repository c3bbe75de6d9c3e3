/* fuzz_voice: voice profiles (voice_load); a loaded one must keep to the
 * ranges voice.h gives. */
#include "fuzz_input.h"
#include "voice.h"

/* voice.h's ranges. */
#define RATE_MIN 80
#define RATE_MAX 450
#define PITCH_MAX 100

const fuzz_target fuzz_this = {.file_name = "voice.yaml", .init = NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    voice_profile v;
    fc_error err = {0};
    if (voice_load(fuzz_input_write(data, size), &v, &err) != FC_OK)
        return 0;
    FUZZ_CHECK(v.rate >= RATE_MIN && v.rate <= RATE_MAX);
    FUZZ_CHECK(v.pitch >= 0 && v.pitch <= PITCH_MAX);
    FUZZ_CHECK(v.volume >= 0 && v.volume <= VOICE_VOLUME_MAX);
    FUZZ_CHECK(v.cue_pitch >= 0 && v.cue_pitch <= PITCH_MAX);
    FUZZ_CHECK(voice_count_rate(&v) > 0);
    return 0;
}
