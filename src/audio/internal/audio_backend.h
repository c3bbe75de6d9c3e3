/* Internal to src/audio: the backend table behind audio.h. */
#ifndef FLOORCOACH_AUDIO_BACKEND_H
#define FLOORCOACH_AUDIO_BACKEND_H

#include "audio.h"

typedef struct {
    const char *name;
    bool realtime; /* its own clock paces the exchange */
    /* Opens the directions whose endpoint is given (the other is NULL):
     * out and in are this backend's kind. */
    int (*open)(const audio_endpoint *out, const audio_endpoint *in, int lead_ms, void **state,
                fc_error *err);
    /* Plays out[0..n) when opened for output; captures into in (NULL when
     * not opened for input): a lock-step backend exactly n samples, a
     * real-time one what has arrived, at most cap. */
    int (*exchange)(void *state, const int16_t *out, size_t n, int16_t *in, size_t cap,
                    size_t *got, fc_error *err);
    bool (*input_ended)(const void *state);
    /* Opens the input again after it was lost; NULL: nothing to reopen. */
    int (*reopen_input)(void *state, fc_error *err);
    /* The output device stopped taking samples; NULL: it never does. */
    bool (*output_lost)(const void *state);
    /* Opens the output again after it was lost; NULL: nothing to reopen. */
    int (*reopen_output)(void *state, fc_error *err);
    /* Session samples of silence the speaker played unasked since the last
     * call (audio_take_output_gap); NULL: a lock-step backend plays none. */
    int64_t (*take_output_gap)(void *state);
    /* Real-time trouble so far; NULL: a lock-step backend has none. */
    void (*xruns)(const void *state, audio_xruns *x);
    void (*close)(void *state); /* accepts NULL */
} audio_backend;

extern const audio_backend audio_file_backend;
extern const audio_backend audio_pa_backend;

int audio_pa_list(FILE *fp);

/* Any thread. One mono sample per frame of `channels` interleaved samples:
 * the mean of them all (channel 0) or channel `channel` (from 1). */
void audio_downmix(const int16_t *frames, size_t n, int channels, int channel, int16_t *mono);

#endif
