/* history: every coaching session, kept in one SQLite database per user
 * for the user and their physical therapist (README, "History").
 *
 * The event log (app/events.h) is the one schema: each event a session
 * logs is also handed here whole (history_record), and is committed in its
 * own transaction before the call returns, so that a SIGKILL or a power
 * cut loses nothing already recorded. From the events the history keeps
 * what a therapist asks: each session (wall-clock start and end, routine
 * and sha256, prescription and doses, voice, version, end reason), each
 * exercise and side with its holds and repetitions done against
 * prescribed, and each pain event with its rating; every event stays in
 * full beside them (commands with their source and scores, pauses, device
 * events).
 *
 * The file is mode 0600, in WAL mode, marked as floorcoach's (a SQLite
 * file of another program's is refused, never written), and carries a
 * schema version that history_open() migrates forward.
 *
 * A history handle belongs to one thread at a time: the engine thread for
 * a session, the main thread for the commands that read it. */
#ifndef FLOORCOACH_HISTORY_H
#define FLOORCOACH_HISTORY_H

#include "fc_error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct history history_t;

/* Any thread. The user's file: $XDG_DATA_HOME/floorcoach/history.sqlite3,
 * else $HOME/.local/share/floorcoach/history.sqlite3. Returns 0, or
 * FC_ERR_ARG when neither variable is set or the path does not fit. */
int history_default_path(char *dst, size_t cap);

typedef enum {
    HISTORY_READ,   /* the file must exist; nothing is written */
    HISTORY_WRITE,  /* created (mode 0600) when missing; migrated */
} history_mode;

/* Opens path. A missing folder is created (mode 0700) only when
 * make_folder (the default path). Returns 0, or FC_ERR_IO (cannot be
 * opened, read-only, locked, not floorcoach's, made by a newer
 * floorcoach) or FC_ERR_FORMAT (damaged), with the file and what to do in
 * err. */
int history_open(const char *path, history_mode mode, bool make_folder, history_t **out,
                 fc_error *err);
/* Accepts NULL. */
void history_close(history_t *h);
/* The file it was opened on. */
const char *history_path(const history_t *h);

/* One event of the log, as written: its session time in milliseconds, its
 * name and its whole JSON object. A coaching session's "start" (one with a
 * "date") begins a session, its "end" closes it; events outside a session
 * are not kept. Returns 0, or FC_ERR_IO with the file and the reason (full
 * disk, read-only, locked) in err: nothing of that event was kept. */
int history_record(history_t *h, int64_t t_ms, const char *event, const char *json,
                   fc_error *err);

/* Between history_bulk(h, true) and history_bulk(h, false) the events
 * recorded are committed together, at the end: an import or a benchmark's
 * years of sessions, never a live session (whose events must each be
 * committed as they happen). Returns 0 or FC_ERR_IO. */
int history_bulk(history_t *h, bool on, fc_error *err);

/* ---- reading (history, report) ---------------------------------------- */

typedef struct {
    int64_t id;
    char *date;        /* wall-clock start, ISO 8601 with its offset */
    char *end_date;    /* NULL: no end was recorded (killed, power cut) */
    int64_t start_unix;
    char *routine;     /* its title */
    char *frequency;   /* the prescription's, or NULL */
    double seconds;    /* session time of its last event */
    int done, prescribed; /* holds and repetitions, over every exercise and side */
    int pains;
    char *end_reason;  /* NULL: no end recorded */
    char *end_detail;
} history_session;

/* One exercise on one side in one session, or one prescribed that never
 * ran (ran false: the session ended first). */
typedef struct {
    int64_t session;
    char *exercise;
    char *side;        /* NULL: not sided */
    bool ran;
    int hold_seconds;  /* 0: a repetitions exercise */
    int prescribed, done; /* holds held to the end, or repetitions counted */
    int held_seconds;  /* seconds counted in its holds */
} history_set;

typedef struct {
    int64_t session;
    char *date;        /* the session's */
    double t;          /* session time */
    char *exercise;    /* NULL: between exercises */
    char *side;
    int rep, second;
    int rating;        /* 1-10, or 0: no answer */
} history_pain;

typedef struct {
    history_session *sessions; size_t n_sessions; /* oldest first */
    history_set *sets; size_t n_sets;             /* by session, in order */
    history_pain *pains; size_t n_pains;          /* oldest first */
} history_summary;

/* The sessions that started at or after since_unix (0: all), with their
 * sets and pain events. Returns 0, FC_ERR_NOMEM or FC_ERR_IO. */
int history_read(history_t *h, int64_t since_unix, history_summary **out, fc_error *err);
/* Accepts NULL. */
void history_summary_free(history_summary *s);

/* The same sessions as one JSON array (history --json), malloc'd into
 * *out. Returns 0, FC_ERR_NOMEM or FC_ERR_IO. */
int history_json(history_t *h, int64_t since_unix, char **out, fc_error *err);

/* Every event of those sessions, oldest first: cb(ctx, row) for each;
 * a non-zero return stops and is returned. */
typedef struct {
    int64_t session;
    const char *date;     /* the session's start */
    const char *routine;
    double t;
    const char *event;
    const char *json;     /* the whole event */
    /* Its fields a spreadsheet wants as columns, as text; NULL when the
     * event has none: the exercise (name), side, heard word, source (voice
     * or key), score, a number (count, repetition or rating), and a text
     * (what was said, the end's reason, what a wait was for, ...). */
    const char *exercise, *side, *word, *source, *score, *number, *text;
} history_event_row;
int history_each_event(history_t *h, int64_t since_unix,
                       int (*cb)(void *ctx, const history_event_row *row), void *ctx,
                       fc_error *err);

/* How one earlier session went for one exercise: the doses it used, all
 * its holds or repetitions done on every side, a pain event in it. */
typedef struct {
    int64_t start_unix;
    int hold_seconds; /* 0: a repetitions exercise */
    int repetitions;
    bool completed;
    bool pain;
} history_outcome;

/* The sessions in which the exercise named exercise ran, newest first, at
 * most cap of them into out (*n of them). Returns 0 or FC_ERR_IO. */
int history_outcomes(history_t *h, const char *exercise, history_outcome *out, size_t cap,
                     size_t *n, fc_error *err);

/* Deletes every session, overwriting what they held (secure_delete) and
 * shrinking the file. Returns 0 or FC_ERR_IO. */
int history_forget(history_t *h, fc_error *err);

#endif
