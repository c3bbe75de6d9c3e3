/* echo_gate: everything between the raw microphone and the recogniser when
 * the coach's own voice may be in it. It owns the echo canceller (aec.h)
 * and adds the policy around it:
 *  - on a device pair, the echo delay is measured from the narration and
 *    tracked (echo_delay.h), and the canceller rebuilt when it moves;
 *  - the canceller's echo return loss enhancement (ERLE) is followed, and
 *    frames no louder than its residual echo could be are attenuated
 *    further (so the residual cannot open the recogniser's voice detector);
 *  - the gate: while the coach talks, a word is believed only when the
 *    cleaned microphone carried enough of the energy played over the same
 *    stretch.
 *
 * It knows nothing of the recogniser: words are asked about as ranges of
 * session samples. Used by one thread at a time (the listener's); frames
 * come on the session clock, FC_FRAME samples each, in order. */
#ifndef FLOORCOACH_ECHO_GATE_H
#define FLOORCOACH_ECHO_GATE_H

#include "aec.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct echo_gate echo_gate_t;

/* Any thread; the handle is then owned by one thread at a time. cfg: the
 * canceller's settings. With cfg->echo false only the preprocessor (noise
 * suppression) runs and every word passes. cfg->ref_delay < 0 asks for the
 * echo delay to be measured and tracked (devices); otherwise it is known
 * to be ref_delay samples. Returns 0, FC_ERR_ARG or FC_ERR_NOMEM (or the
 * canceller's error). */
int echo_gate_create(const aec_config *cfg, echo_gate_t **out);
/* Owner thread. Accepts NULL and half-built gates. */
void echo_gate_destroy(echo_gate_t *g);

/* Owner thread. One frame: mic captured at session samples
 * [at, at + FC_FRAME), ref what was played at the same samples. Writes the
 * cleaned microphone to out (may alias mic). */
void echo_gate_frame(echo_gate_t *g, int64_t at, const int16_t *mic, const int16_t *ref,
                     int16_t *out);

/* Owner thread. Does a word heard at session samples [start, end) pass the
 * gate, i.e. is it louder, after cancelling, than the coach's residual
 * echo could be? Always true while the coach is silent, and when the
 * stretch is not (or no longer) remembered; never while the coach talks
 * and the delay is still unknown. */
bool echo_gate_passes(const echo_gate_t *g, int64_t start, int64_t end);

/* Owner thread. The gate's current threshold: the cleaned microphone's
 * energy relative to what was played, in dB (for explaining decisions). */
double echo_gate_threshold_db(const echo_gate_t *g);

/* Owner thread. The echo delay now believed, in ms, or -1 while it is
 * still being measured. */
int echo_gate_delay_ms(const echo_gate_t *g);

#endif
