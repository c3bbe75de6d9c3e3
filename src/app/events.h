/* events: the schema of the event log, in one place. Every event any
 * command writes has its function here, so its name and fields are defined
 * once (the README's table lists them). Each writes one JSON Lines object
 * through eventlog, flushed as it happens. All functions: engine thread;
 * `at` is a session sample; they return 0 or FC_ERR_IO. */
#ifndef FLOORCOACH_EVENTS_H
#define FLOORCOACH_EVENTS_H

#include "asr.h"
#include "audio.h"
#include "calibrate.h"
#include "eventlog.h"
#include "prescription.h"
#include "routine.h"
#include "session.h"

#include <stdbool.h>
#include <stdint.h>

/* What the start of a session records, for the therapist reading it. */
typedef struct {
    const routine_t *routine;
    const prescription_t *prescription; /* the doses used (path NULL: the routine's own) */
    const char *voice;        /* the voice profile's name */
    const char *calibration;  /* the user's file, or NULL */
    const char *clearance;    /* "not required", "asked" or "given beforehand" */
    int64_t at;               /* session sample it starts at (serve: after earlier ones) */
} events_session;

/* Now as unix seconds: $SOURCE_DATE_EPOCH when set (as for the dates the
 * log writes), else the wall clock. Any thread. */
int64_t events_now(void);

/* Room for events_session_id(). */
#define EVENTS_SESSION_ID_MAX 48
/* An id for a session appended to a record: its start (as the start
 * event's date, compact) and the process. Returns buf. */
const char *events_session_id(char *buf, size_t cap);

/* A coaching session began: also the wall-clock date (ISO 8601 with its
 * offset; $SOURCE_DATE_EPOCH, when set, stands for now, so that two runs
 * give the same record), the program's version and the files' sha256. */
int events_start_session(eventlog_t *log, const events_session *s);
int events_exercise(eventlog_t *log, int64_t at, const char *name, const char *side, int index);
/* A line spoken from at to until; position: the exercise's position step. */
int events_say(eventlog_t *log, int64_t at, const char *text, int64_t until, bool position);
/* What was playing is cut at `at` (a command came): its real end. */
int events_cut(eventlog_t *log, int64_t at);
int events_hold(eventlog_t *log, int64_t at, int seconds, int rep, int of);
int events_count(eventlog_t *log, int64_t at, int n);
int events_rep(eventlog_t *log, int64_t at, int n, int of);
int events_wait(eventlog_t *log, int64_t at, const char *what);
/* A wait point ended: how ("next", "timeout"). */
int events_waited(eventlog_t *log, int64_t at, const char *how);
/* The user confirmed the therapist's clearance, by voice or key. */
int events_clearance(eventlog_t *log, int64_t at, session_source by);
/* A command typed on the keyboard (heard ones: events_heard). */
int events_key(eventlog_t *log, int64_t at, fc_command word);
int events_pain(eventlog_t *log, int64_t at, const char *exercise, const char *side, int rep,
                int second);
/* A command the recogniser heard: `heard`, or `unsure` for a safety word
 * it could not confirm (asr_heard.unsure), with the same fields, at the
 * recogniser's decision (h->t, also `decided`). */
int events_heard(eventlog_t *log, const asr_heard *h);
/* The same, at `at` when that is later: when the session takes it, so that
 * a log written in real time stays in time order (the recogniser reports
 * a word after what the session scheduled meanwhile). */
int events_heard_at(eventlog_t *log, int64_t at, const asr_heard *h);
/* The device's underruns, overflows, driver complaints and the silence
 * its underruns played (gap_ms) so far: totals, written when they grew. */
int events_xruns(eventlog_t *log, int64_t at, const audio_xruns *x);
/* A device changed: which ("microphone", "speaker"), its state ("lost",
 * "back") and, when not NULL, the detail (why it is lost, how many tries
 * brought it back). Any time, in a session or idle. */
int events_device(eventlog_t *log, int64_t at, const char *device, const char *state,
                  const char *detail);
/* The session paused on an unsure "stop" or "pain" (word), or on losing
 * the microphone ("microphone"). */
int events_pause(eventlog_t *log, int64_t at, const char *word);
/* Today's dose of a ranged quantity, and why (app/progress.h). */
typedef struct {
    const char *exercise;
    const char *quantity; /* "hold_seconds", "holds", "repetitions" */
    int dose, last;       /* today's, and the one used last (0: none) */
    int min, max;         /* the range the therapist wrote */
    const char *reason;   /* progression_reason_name() */
} events_dose_decision;
int events_progression(eventlog_t *log, int64_t at, const events_dose_decision *d);
/* The end, and why; detail (may be NULL) says what went wrong. */
int events_end(eventlog_t *log, int64_t at, const char *reason, const char *detail);

/* Calibration (floorcoach calibrate). */
int events_start_calibration(eventlog_t *log, const char *voice, int takes);
int events_prompt(eventlog_t *log, int64_t at, const char *text);
int events_recorded(eventlog_t *log, int64_t at, const char *word, bool command, int64_t start,
                    int64_t end);
int events_calibrated(eventlog_t *log, int64_t at, const calib_result *r, const char *saved);

#endif
