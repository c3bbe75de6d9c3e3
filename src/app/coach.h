/* coach: runs one session. It wires the pure session engine to the real
 * world: synthesis (tts), the playback timeline (mixer), the audio backend
 * (and the simulated room, when asked), the event log, keys and, when
 * listening, the recogniser, all on the runner's exchange loop. The sample
 * count exchanged with the audio backend is the only clock. */
#ifndef FLOORCOACH_COACH_H
#define FLOORCOACH_COACH_H

#include "audio.h"
#include "fc_error.h"
#include "prescription.h"
#include "room.h"
#include "routine.h"
#include "session.h"
#include "voice.h"

#include <signal.h>
#include <stdbool.h>

typedef struct {
    const routine_t *routine;
    const prescription_t *prescription; /* the therapist's doses; NULL: the routine's own */
    bool cleared;               /* clearance given beforehand (--cleared): not asked */
    voice_profile voice;
    audio_config audio;
    const room_config *room;    /* simulate a room on a non-device microphone; NULL: none */
    const char *events_path;    /* "-" for stdout, NULL for none */
    bool events_append;         /* add to an earlier record at events_path (else refused) */
    int keys_fd;                /* read n/r/p/s from this fd; -1 for none */
    bool show_status;           /* draw the status line on stderr if it is a terminal */
    const char *grammar_dir;    /* recogniser data; NULL: do not listen */
    const char *calibration;    /* the user's calibration file (asr_config.user_conf); NULL: none */
    volatile sig_atomic_t *interrupted; /* set by a signal handler; may be NULL */
    double limit_s;             /* > 0: end as interrupted at this session time (benches) */
} coach_config;

/* Any thread. */
coach_config coach_config_default(void);

/* Engine thread (the caller's). Runs the routine to its end. Returns 0 with
 * *reason set, or a negative fc_err with one line for the user in err; the
 * event log then ends with `end` `error` and the same detail. */
int coach_run(const coach_config *cfg, session_end_reason *reason, fc_error *err);

#endif
