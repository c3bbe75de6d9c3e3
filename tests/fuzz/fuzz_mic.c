/* fuzz_mic: a WAV file as the microphone (audio_open with a file input,
 * then audio_exchange in session frames to its end), as file-mode sessions
 * and the tests use it.
 *
 * Input: one byte that picks the channel (byte % (AUDIO_CHANNELS_MAX + 1):
 * 0 mixes them all), then the WAV file. */
#include "audio.h"
#include "fuzz_input.h"

const fuzz_target fuzz_this = {.file_name = "mic.wav", .init = NULL};

static void drain(audio_t *a)
{
    int16_t in[FC_FRAME];
    size_t got = 0;
    fc_error err = {0};
    while (!audio_input_ended(a)) {
        FUZZ_CHECK(audio_exchange(a, NULL, FC_FRAME, in, FC_FRAME, &got, &err) == FC_OK);
        FUZZ_CHECK(got == FC_FRAME); /* a file microphone is lock-step */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    audio_config cfg = audio_config_default();
    cfg.in = audio_file(fuzz_input_write(data + 1, size - 1));
    cfg.in.channel = data[0] % (AUDIO_CHANNELS_MAX + 1);
    audio_t *a = NULL;
    fc_error err = {0};
    if (audio_open(&cfg, &a, &err) == FC_OK)
        drain(a);
    audio_close(a);
    return 0;
}
