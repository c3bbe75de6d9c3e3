/* events: the schema of the event log, in one place. Every event any
 * command writes has its function here, so its name and fields are defined
 * once (the README's table lists them). Each writes one JSON Lines object
 * through eventlog, flushed as it happens. All functions: engine thread;
 * `at` is a session sample; they return 0 or FC_ERR_IO. */
#ifndef FLOORCOACH_EVENTS_H
#define FLOORCOACH_EVENTS_H

#include "asr.h"
#include "calibrate.h"
#include "eventlog.h"
#include "routine.h"
#include "session.h"

#include <stdbool.h>
#include <stdint.h>

/* A coaching session began. calibration: the user's file, or NULL. */
int events_start_session(eventlog_t *log, const routine_t *routine, const char *calibration);
int events_exercise(eventlog_t *log, int64_t at, const char *name, const char *side, int index);
/* A line spoken from at to until. */
int events_say(eventlog_t *log, int64_t at, const char *text, int64_t until);
int events_hold(eventlog_t *log, int64_t at, int seconds, int rep, int of);
int events_count(eventlog_t *log, int64_t at, int n);
int events_rep(eventlog_t *log, int64_t at, int n, int of);
int events_wait(eventlog_t *log, int64_t at, const char *what);
int events_pain(eventlog_t *log, int64_t at, const char *exercise, const char *side, int rep,
                int second);
/* A command the recogniser heard: `heard`, or `unsure` for a safety word
 * it could not confirm (asr_heard.unsure), with the same fields. */
int events_heard(eventlog_t *log, const asr_heard *h);
/* The session paused on an unsure "stop" or "pain" (word). */
int events_pause(eventlog_t *log, int64_t at, const char *word);
/* The end, and why; detail (may be NULL) says what went wrong. */
int events_end(eventlog_t *log, int64_t at, const char *reason, const char *detail);

/* Calibration (floorcoach calibrate). */
int events_start_calibration(eventlog_t *log, const char *voice, int takes);
int events_prompt(eventlog_t *log, int64_t at, const char *text);
int events_recorded(eventlog_t *log, int64_t at, const char *word, bool command, int64_t start,
                    int64_t end);
int events_calibrated(eventlog_t *log, int64_t at, const calib_result *r, const char *saved);

#endif
