/* aec: cleans the microphone before recognition: speexdsp's acoustic echo
 * canceller (the coach's own output is the reference), its residual-echo
 * suppressor and its noise suppressor.
 *
 * Mic and reference come in equal frames on the session clock. The echo of
 * reference sample i reaches the microphone some delay later; the canceller's
 * adaptive filter finds and tracks that delay as long as it lies between
 * ref_delay and ref_delay + filter_ms. Used by one thread at a time (the
 * listener's). */
#ifndef FLOORCOACH_AEC_H
#define FLOORCOACH_AEC_H

#include "fc_clock.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


typedef struct {
    int sample_rate;     /* FC_RATE */
    int filter_ms;       /* echo tail the filter covers, after ref_delay */
    int ref_delay;       /* samples the reference is delayed before use;
                            the listener treats -1 as "measure it" */
    bool echo;           /* cancel echo (needs a reference) */
    bool suppress;       /* run the preprocessor: residual echo and noise suppression */
    bool denoise;        /* speexdsp noise suppression */
    int noise_suppress_db;     /* e.g. -25 */
    int echo_suppress_db;      /* residual echo, e.g. -45 */
    int echo_suppress_active_db; /* residual echo while the user talks, e.g. -15 */
} aec_config;

typedef struct aec aec_t;

aec_config aec_config_default(void);
/* Returns 0 or a negative fc_err. */
int aec_create(const aec_config *cfg, aec_t **out);
/* Accepts NULL. */
void aec_destroy(aec_t *a);
/* Cleans one FC_FRAME of mic against the reference played at the same
 * session samples; writes the result to out (may alias mic). */
void aec_process(aec_t *a, const int16_t *mic, const int16_t *ref, int16_t *out);

#endif
