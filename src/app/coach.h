/* coach: runs one session. It wires the pure session engine to the real
 * world: synthesis (tts), the playback timeline (mixer), the audio backend
 * (and the simulated room, when asked), the event log, keys and, when
 * listening, the recogniser, all on the runner's exchange loop. The sample
 * count exchanged with the audio backend is the only clock. */
#ifndef FLOORCOACH_COACH_H
#define FLOORCOACH_COACH_H

#include "audio.h"
#include "eventlog.h"
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
    const char *history_path;   /* the history (SQLite) each event also goes to; NULL: none */
    bool history_make_folder;   /* create its folder when missing (the default path) */
    /* Step doses within the prescription's ranges from the history
     * (app/progress.h); false (--no-progression): the prescribed doses. */
    bool progression;
    int keys_fd;                /* read n/r/p/s from this fd; -1 for none */
    bool show_status;           /* draw the status line on stderr if it is a terminal */
    const char *grammar_dir;    /* recogniser data; NULL: do not listen */
    const char *calibration;    /* the user's calibration file (asr_config.user_conf); NULL: none */
    volatile sig_atomic_t *interrupted; /* set by a signal handler; may be NULL */
    double limit_s;             /* > 0: end as interrupted at this session time (benches) */
    /* Called about once a second of session time, in sessions and between
     * them: the service's watchdog (systemd). NULL: none. */
    void (*alive)(void *ctx);
    void *alive_ctx;
    /* A device that cannot be opened at the start (busy, not plugged in
     * yet, no sound server yet) is tried again after 1, 2, 4 ... 30 s of
     * real time until it opens or a signal comes (the service), rather
     * than being an error (a user at a terminal). */
    bool wait_for_devices;
} coach_config;

/* Any thread. */
coach_config coach_config_default(void);

/* Engine thread (the caller's). Runs the routine to its end. Returns 0 with
 * *reason set, or a negative fc_err with one line for the user in err; the
 * event log then ends with `end` `error` and the same detail. */
int coach_run(const coach_config *cfg, session_end_reason *reason, fc_error *err);

/* ---- many sessions on one stream (serve) -------------------------------
 * A coach holds what sessions share: the voice, the playback timeline, the
 * audio (and simulated room), the event log, keys and the status line, and
 * the session clock, which runs on from one session to the next. All of
 * these are for the engine thread. */
typedef struct coach coach_t;

/* cfg's routine, prescription and cleared are not used (each session names
 * its own); cfg must outlive the coach. Nothing is opened yet. */
int coach_create(const coach_config *cfg, coach_t **out, fc_error *err);
/* Accepts NULL and a coach that never started. Drains the speaker. */
void coach_destroy(coach_t *c);

/* Before coach_start(): synthesizes every fixed line of the routine when
 * the speaker is a device (coach_run does it for its own routine), so that
 * no line is rendered late once the device runs. */
int coach_prepare(coach_t *c, const routine_t *routine, const prescription_t *rx,
                  fc_error *err);
/* Opens the audio and the event log. */
int coach_start(coach_t *c, fc_error *err);

/* Says text from now (after anything still playing), logs it, and returns. */
int coach_say(coach_t *c, const char *text, fc_error *err);

/* What a caller listens for between sessions. */
typedef struct {
    /* Each block captured while waiting: mic[0..n) from session sample at. */
    int (*captured)(void *ctx, int64_t at, const int16_t *mic, size_t n, fc_error *err);
    /* Before each block: true to stop waiting. */
    bool (*done)(void *ctx, int64_t now, bool input_ended);
    void *ctx;
} coach_waiter;

/* Runs the clock with nothing said but w's business, until w.done, a
 * signal or the limit: it logs a lost microphone and brings it back
 * (with back-off) meanwhile. Returns 0 or a negative fc_err. */
int coach_wait(coach_t *c, const coach_waiter *w, fc_error *err);

/* One session of routine (with rx, NULL: its own doses) from the clock's
 * now, with the recogniser started afresh; id names it in the log (NULL:
 * none). As coach_run, but the coach stays open. */
int coach_session(coach_t *c, const routine_t *routine, const prescription_t *rx,
                  bool cleared, const char *id, session_end_reason *reason, fc_error *err);

/* The session clock: the next output sample. */
int64_t coach_now(const coach_t *c);
/* True when interrupted (the config's flag, or the limit reached). */
bool coach_interrupted(const coach_t *c);
/* The event log, for the caller's own events. */
eventlog_t *coach_log(coach_t *c);

#endif
