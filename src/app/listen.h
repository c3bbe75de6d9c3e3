/* listen: recognition only (floorcoach listen): the microphone through the
 * listener, a `heard` event for every command word. For checking a
 * microphone, and for benchmarks. */
#ifndef FLOORCOACH_LISTEN_H
#define FLOORCOACH_LISTEN_H

#include "audio.h"
#include "fc_error.h"

#include <signal.h>

typedef struct {
    audio_config audio;       /* in: the microphone; out: normally AUDIO_NONE */
    const char *grammar_dir;  /* recogniser data */
    const char *calibration;  /* the user's calibration file; NULL: none */
    const char *events_path;  /* "-" for stdout */
    volatile sig_atomic_t *interrupted; /* set by a signal handler; may be NULL */
} listen_config;

/* Any thread. Listens on the default input device, writes to stdout. */
listen_config listen_config_default(void);

/* Engine thread. With a file it ends a second after the file's end, so its
 * last word ends; with a device, when *interrupted is set. Returns 0 or a
 * negative fc_err with one line for the user. */
int app_listen(const listen_config *cfg, fc_error *err);

#endif
