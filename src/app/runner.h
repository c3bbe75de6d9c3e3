/* runner: the one exchange loop that every command runs on (run,
 * calibrate, say, listen). Block by block on the session clock it lets the
 * caller schedule what is due, renders the mixer's timeline, exchanges a
 * block with the audio backend, and hands what was captured to the
 * listener and to the caller. A block is one FC_FRAME, so a command heard
 * or typed takes effect at the next 10 ms boundary. */
#ifndef FLOORCOACH_RUNNER_H
#define FLOORCOACH_RUNNER_H

#include "audio.h"
#include "fc_error.h"
#include "listener.h"
#include "mixer.h"

#include <stdbool.h>
#include <stdint.h>

/* Where the loop stands: the next output sample, and the next captured one
 * (a device's capture count lags its output). */
typedef struct {
    int64_t now;
    int64_t mic_at;
} runner_clock;

typedef struct {
    /* Before each block: put on the mixer whatever is due before
     * clock->now + FC_FRAME. Returns 0 or a negative fc_err (detail in err). */
    int (*schedule)(void *ctx, const runner_clock *clock, fc_error *err);
    /* After each exchange: mic[0..n) captured from session sample `at`. May be NULL. */
    int (*captured)(void *ctx, int64_t at, const int16_t *mic, size_t n, fc_error *err);
    /* Before each block: true to stop. */
    bool (*done)(void *ctx, const runner_clock *clock);
    void *ctx;
} runner_hooks;

typedef struct {
    audio_t *audio;
    mixer_t *mixer;
    listener_t *listener; /* hears the microphone against what was played; NULL: none */
    runner_hooks hooks;
} runner_config;

/* Engine thread. Runs blocks until hooks.done says stop. *clock (which the
 * caller zeroes) is kept current, so after a failure it says where the
 * session stood. Returns 0 or the first negative fc_err, with its detail. */
int runner_run(const runner_config *cfg, runner_clock *clock, fc_error *err);

/* Engine thread. Plays pcm[0..n) on audio from its start, in whole blocks,
 * and returns when the last block has been handed over. */
int runner_play(audio_t *audio, const int16_t *pcm, size_t n, fc_error *err);

#endif
