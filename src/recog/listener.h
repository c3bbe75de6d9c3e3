/* listener: cleans the microphone (aec) and runs the recogniser (hearing.h:
 * both detectors and their decision) beside the session.
 *
 * In real time it owns a thread: the engine pushes each captured block into
 * a lock-free ring and goes on, the thread runs hearing_process() and posts what
 * it heard into a lock-free queue that the engine polls. With files it runs
 * the recogniser inline instead, block by block, so a session from files
 * stays a pure function of its inputs. */
#ifndef FLOORCOACH_LISTENER_H
#define FLOORCOACH_LISTENER_H

#include "aec.h"
#include "hearing.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct listener listener_t;

/* Engine thread. aec: echo cancelling and noise suppression in front of the
 * recogniser, or NULL for none. threaded: run both in their own thread.
 * ref_advance: the microphone's sample i is cancelled against the output's
 * sample i + ref_advance. A capture device counts its samples only as they
 * are delivered, after its own buffering, so its count lags and the echo of
 * an output sample can arrive "before" it; the advance makes that delay
 * positive again, which is the only kind a canceller can model.
 * Returns 0 or a negative fc_err (FC_ERR_MODEL: a model or the grammar
 * missing, named in err). */
int listener_create(const hearing_config *cfg, const aec_config *aec, bool threaded,
                    int ref_advance, listener_t **out, fc_error *err);
/* Engine thread. Accepts NULL. Stops and joins the thread. */
void listener_destroy(listener_t *l);

/* Engine thread. out: what the speaker plays at session samples
 * [at, at + n). Kept for a few seconds as the echo canceller's reference. */
void listener_played(listener_t *l, int64_t at, const int16_t *out, size_t n);
/* Engine thread. The speaker ran dry: after what it was last given, it
 * played n samples of silence (audio_take_output_gap), so the echo of
 * everything played from now on comes n samples later on the capture
 * count. The reference is shifted to match, and the canceller keeps its
 * measured delay instead of losing the echo for seconds. */
void listener_speaker_gap(listener_t *l, int64_t n);
/* Engine thread. mic: audio captured at session samples [at, at + n), any
 * n; calls are contiguous. Its reference is what listener_played() was given
 * for the same samples. Never blocks; in threaded mode, audio that finds the
 * queue full is dropped and counted (the recogniser is falling behind). */
int listener_push(listener_t *l, int64_t at, const int16_t *mic, size_t n);
/* Engine thread. From now on (on) the cleaned microphone also goes to a
 * recogniser of the numbers one to ten, for a pain's rating, until it is
 * turned off; each number heard comes out of listener_poll() as an
 * asr_heard with `number` set (word FC_CMD_NONE), and only if it passes
 * the echo gate. The commands are heard meanwhile as ever. */
void listener_expect_numbers(listener_t *l, bool on);
/* Engine thread. Returns 1 and a heard word, or 0 when none is waiting. */
int listener_poll(listener_t *l, asr_heard *out);
/* Recogniser thread (or the engine thread when not threaded): the echo
 * delay now believed, in ms, or -1 while it is still being measured. */
int listener_echo_delay_ms(const listener_t *l);
/* Engine thread. Blocks until everything pushed so far has been
 * recognised (tests and end of file input). */
void listener_flush(listener_t *l);

#endif
