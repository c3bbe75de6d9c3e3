/* fc_clock: the session clock. Time everywhere is a count of samples at
 * FC_RATE exchanged with the audio backend; nothing measures time any other
 * way. Work happens in frames of FC_FRAME samples: the engine reacts at
 * the next frame boundary, the echo canceller, the VAD and the decoder all
 * step by one frame, so they agree on every frame's first sample. */
#ifndef FLOORCOACH_FC_CLOCK_H
#define FLOORCOACH_FC_CLOCK_H

#include <stdint.h>

#define FC_RATE 16000                    /* samples per second */
#define FC_FRAME 160                     /* 10 ms */
#define FC_FRAMES_PER_SECOND (FC_RATE / FC_FRAME)

/* Milliseconds to samples. */
#define FC_MS(ms) ((int64_t)(ms) * FC_RATE / 1000)

/* Any thread. Seconds for a sample count, rounded to the millisecond, as
 * every time in the event log is written. */
static inline double fc_seconds(int64_t samples)
{
    return (double)((samples * 1000 + FC_RATE / 2) / FC_RATE) / 1000.0;
}

#endif
