/* Test support: run a whole session from files and read back its audio and
 * event log. */
#ifndef FLOORCOACH_TEST_SUPPORT_H
#define FLOORCOACH_TEST_SUPPORT_H

#include "session.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define RATE 16000

typedef struct {
    int16_t *pcm;   /* the session's output audio */
    int64_t n;
    json_t **ev;    /* the event log, one object per line */
    size_t n_ev;
    session_end_reason reason;
} rendered;

/* Runs routine_path with voices/VOICE.yaml, the microphone from mic (NULL:
 * none) and listening on when mic is given. Fails the test on error. */
void support_run(const char *routine_path, const char *voice, const char *mic, rendered *out);
void support_release(rendered *r);

const char *ev_name(const json_t *o);
double ev_t(const json_t *o);
double ev_num(const json_t *o, const char *key);
const char *ev_str(const json_t *o, const char *key);
/* Index of the first event named `name` at index >= from, or -1. */
int ev_find(const rendered *r, const char *name, int from);

/* Peak absolute sample in [from, to). */
int support_peak(const rendered *r, int64_t from, int64_t to);

/* Writes a 16 kHz mono WAV of `seconds` of silence with clips placed at the
 * given sample positions. */
void support_write_mic(const char *path, double seconds, const int16_t *const *clips,
                       const size_t *lens, const int64_t *at, int n);

#endif
