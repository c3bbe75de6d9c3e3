/* echo_delay: finds how long the coach's own voice takes to come back
 * through the room (speaker, air, microphone, and every buffer between).
 *
 * On a real device pair the capture and playback streams run on the same
 * clock but start at different moments and buffer differently, so the echo
 * canceller's reference must be delayed by an amount nobody reports exactly.
 * It is measured from the narration itself: the energy envelope of what was
 * played is cross-correlated with the envelope of what the microphone heard.
 * Pure computation; any thread. */
#ifndef FLOORCOACH_ECHO_DELAY_H
#define FLOORCOACH_ECHO_DELAY_H

#include <stddef.h>

/* mic_db[i] and ref_db[i] are frame energies in dB of the same frame index.
 * Returns the lag in frames (0..max_lag) at which the microphone best
 * follows the reference, and sets *confidence to the normalised correlation
 * there (-1..1); returns -1 if the reference is too flat to tell (silence). */
int echo_delay_estimate(const double *mic_db, const double *ref_db, size_t n, int max_lag,
                        double *confidence);

#endif
