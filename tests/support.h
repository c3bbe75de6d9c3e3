/* Test support: run a whole session from files and read back its audio and
 * event log. */
#ifndef FLOORCOACH_TEST_SUPPORT_H
#define FLOORCOACH_TEST_SUPPORT_H

#include "asr.h"
#include "audio.h"
#include "hearing.h"
#include "fc_clock.h"
#include "room.h"
#include "session.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


typedef struct {
    int16_t *pcm;   /* the session's output audio */
    int64_t n;
    json_t **ev;    /* the event log, one object per line */
    size_t n_ev;
    session_end_reason reason;
} rendered;

/* Runs routine_path with voices/VOICE.yaml, the microphone from mic (NULL:
 * none) and a simulated room (NULL: none); listening is on when either is
 * given. Fails the test on error. */
void support_run(const char *routine_path, const char *voice, const char *mic,
                 const room_config *room, rendered *out);
void support_release(rendered *r);
/* Reads a JSON Lines event log into out->ev (one object per line). */
void support_read_log(const char *path, rendered *out);
/* The recogniser's calibration (asr.conf keys) for the sessions support_run
 * starts from now on; NULL: none (the default). */
void support_set_calibration(const char *path);
/* The prescription (NULL: none) and whether clearance is given beforehand
 * (run --cleared), for the sessions support_run starts from now on. */
void support_set_prescription(const char *path, bool given_clearance);

/* A microphone fault (audio_fault, in session samples) for the sessions
 * support_run starts from now on; len 0: none. */
void support_set_fault(int64_t at, int64_t len);
/* The same for the speaker. */
void support_set_speaker_fault(int64_t at, int64_t len);
/* The same for the speaker running dry (audio_config.speaker_gap). */
void support_set_speaker_gap(int64_t at, int64_t len);

const char *ev_name(const json_t *o);
double ev_t(const json_t *o);
double ev_num(const json_t *o, const char *key);
const char *ev_str(const json_t *o, const char *key);
/* Index of the first event named `name` at index >= from, or -1. */
int ev_find(const rendered *r, const char *name, int from);

/* Peak absolute sample in [from, to). */
int support_peak(const rendered *r, int64_t from, int64_t to);

/* Writes text to path (a routine, a prescription, a settings file). */
void support_write_file(const char *path, const char *text);

/* Writes a 16 kHz mono WAV of `seconds` of silence with clips placed at the
 * given sample positions. */
void support_write_mic(const char *path, double seconds, const int16_t *const *clips,
                       const size_t *lens, const int64_t *at, int n);

/* Do the recogniser (both detectors, fused, as the coach runs them) and
 * PocketSphinx alone both hear `word` in the clip after `lead` samples of
 * silence? (A session from files with the same microphone hears the same.) */
int support_heard_after(const char *word, const int16_t *pcm, size_t n, size_t lead);

/* A recogniser on the shipped grammars, with the user's calibration file
 * user_conf (NULL: none); fails the test if it cannot start. */
asr_t *support_asr(const char *user_conf);

/* A command synthesized in a user's voice: eSpeak NG variants unlike the
 * coach's, tried in a fixed order until both the coach's recogniser and
 * PocketSphinx alone hear the word (support_heard_after; fails the test if
 * none is). These tests check what a session does with a command it hears; how often it hears one is measured
 * by bench/asr_eval. Returns a malloc'd clip trimmed of silence, so its last
 * sample is the end of the word. */
int16_t *support_synth(const char *word, size_t *n);

/* `word` in the test user's own voice (tests/voices/user.yaml) at `rate`
 * words per minute. Returns a malloc'd clip. */
int16_t *support_say(const char *word, int rate, size_t *n);

/* How many candidate user voices support_synth tries. */
int support_candidates(void);
/* The k-th candidate user voice (support_synth's fixed order) saying word,
 * heard or not; NULL when k is past the last. */
int16_t *support_synth_candidate(const char *word, int k, size_t *n);
/* Prints which voice candidate k is, on stderr. */
void support_describe_candidate(const char *word, int k);

/* Runs routine_path (default voice) with `words` spoken by support_synth()
 * at the given session seconds, in an optional simulated room. Returns the
 * end of the first word, in session seconds. */
double support_run_words(const char *routine_path, const char *const *words, const double *at,
                         int n, const room_config *room, rendered *out);
/* The same with every word in candidate voice k (support_synth_candidate). */
double support_run_words_voice(const char *routine_path, const char *const *words,
                               const double *at, int n, const room_config *room, int candidate,
                               rendered *out);

/* All of the file at path, for the caller to free; fails the test, with
 * `hint` (e.g. "run 'make deps'"), when it cannot be read. */
void *support_read_file(const char *path, const char *hint, size_t *len);

#define SUPPORT_WHOLE ((size_t)-1) /* support_write_damaged: the whole file */

/* Writes the first len bytes of src to dst (SUPPORT_WHOLE: all of it), with
 * poke_len bytes from poke written at offset at (which may be the end:
 * then they are appended). For the loaders' tests of broken files. */
void support_write_damaged(const char *src, const char *hint, const char *dst, size_t len,
                           size_t at, const void *poke, size_t poke_len);

#endif
