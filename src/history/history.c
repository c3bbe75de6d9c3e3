/* history: opening the database (mode, marks, schema and its migrations)
 * and recording a session's events as they happen. The queries are in
 * history_read.c. */
#include "history.h"

#include "datapath.h"
#include "internal/history_db.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Health data: only its owner may read it (its folder: DATAPATH_FOLDER_MODE). */
#define HISTORY_FILE_MODE 0600
/* "floc": marks the file as floorcoach's, so that another program's SQLite
 * database given by mistake is refused rather than written into. */
#define HISTORY_APPLICATION_ID 0x666c6f63
/* How long a session's write waits for another writer (a second session,
 * a forget) before giving up: short, since it waits on the engine thread,
 * and the session goes on without the history rather than stall. */
#define HISTORY_BUSY_MS 50
/* The commands that only read wait longer: nobody is counting meanwhile. */
#define HISTORY_READ_BUSY_MS 2000

/* Schema version N is reached by running MIGRATIONS[N - 1] on version
 * N - 1; a file at version 0 is new. Never edit a shipped migration: add
 * one. Sessions, their doses, each exercise and side (a set), pain events
 * and every event in full. Times t and seconds are session seconds. */
static const char *const MIGRATIONS[] = {
    "CREATE TABLE sessions(id INTEGER PRIMARY KEY, log_id TEXT, date TEXT NOT NULL,"
    " start_unix INTEGER NOT NULL, end_date TEXT, seconds REAL NOT NULL DEFAULT 0,"
    " routine TEXT NOT NULL, routine_file TEXT, routine_sha256 TEXT, prescription TEXT,"
    " prescription_sha256 TEXT, frequency TEXT, voice TEXT, version TEXT, calibration TEXT,"
    " clearance TEXT, end_reason TEXT, end_detail TEXT);"
    "CREATE INDEX sessions_by_start ON sessions(start_unix);"
    "CREATE TABLE doses(session INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,"
    " position INTEGER NOT NULL, exercise TEXT NOT NULL, hold_seconds INTEGER,"
    " repetitions INTEGER NOT NULL, sides INTEGER NOT NULL, progression INTEGER,"
    " PRIMARY KEY(session, position));"
    "CREATE TABLE sets(id INTEGER PRIMARY KEY,"
    " session INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,"
    " exercise TEXT NOT NULL, side TEXT, position INTEGER, t REAL NOT NULL,"
    " hold_seconds INTEGER, prescribed INTEGER, done INTEGER NOT NULL DEFAULT 0,"
    " held_seconds INTEGER NOT NULL DEFAULT 0, current_hold INTEGER);"
    "CREATE INDEX sets_by_session ON sets(session);"
    "CREATE TABLE pain(id INTEGER PRIMARY KEY,"
    " session INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,"
    " set_id INTEGER REFERENCES sets(id) ON DELETE CASCADE, t REAL NOT NULL, exercise TEXT,"
    " side TEXT, rep INTEGER, second INTEGER, rating INTEGER, rated_by TEXT);"
    "CREATE INDEX pain_by_session ON pain(session);"
    "CREATE TABLE events(id INTEGER PRIMARY KEY,"
    " session INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,"
    " t REAL NOT NULL, event TEXT NOT NULL, data TEXT NOT NULL);"
    "CREATE INDEX events_by_session ON events(session);",
};
#define HISTORY_SCHEMA_VERSION ((int)(sizeof MIGRATIONS / sizeof MIGRATIONS[0]))

/* What each event does to the tables, in order, inside the event's one
 * transaction. Parameters: :data the event's JSON, :event its name, :t its
 * session seconds, :session and :set the rows under way. */
typedef enum {
    THEN_NOTHING,
    THEN_SESSION, /* the row inserted is the session under way */
    THEN_SET,     /* ... the exercise and side under way */
} rule_then;

typedef struct {
    const char *event; /* NULL: every event of a session */
    rule_then then;
    const char *sql;
} rule;

#define J(field) "json_extract(:data,'$." field "')"
static const rule RULES[] = {
    {"start", THEN_SESSION,
     "INSERT INTO sessions(log_id, date, start_unix, routine, routine_file, routine_sha256,"
     " prescription, prescription_sha256, frequency, voice, version, calibration, clearance)"
     " VALUES(" J("session") "," J("date") ", coalesce(unixepoch(" J("date") "), 0),"
     J("routine") "," J("file") "," J("sha256") "," J("prescription") ","
     J("prescription_sha256") "," J("frequency") "," J("voice") "," J("version") ","
     J("calibration") "," J("clearance") ")"},
    {"start", THEN_NOTHING,
     "INSERT INTO doses(session, position, exercise, hold_seconds, repetitions, sides,"
     " progression) SELECT :session, key, json_extract(value,'$.exercise'),"
     " json_extract(value,'$.hold_seconds'), json_extract(value,'$.repetitions'),"
     " coalesce(json_extract(value,'$.sides'), 1), json_extract(value,'$.progression')"
     " FROM json_each(:data,'$.doses')"},
    {NULL, THEN_NOTHING,
     "INSERT INTO events(session, t, event, data) VALUES(:session, :t, :event, :data)"},
    {NULL, THEN_NOTHING, "UPDATE sessions SET seconds = :t WHERE id = :session"},
    {"exercise", THEN_SET,
     "INSERT INTO sets(session, exercise, side, position, t, hold_seconds, prescribed)"
     " SELECT :session," J("name") "," J("side") "," J("index") ", :t,"
     " (SELECT hold_seconds FROM doses WHERE session = :session AND exercise = " J("name") "),"
     " (SELECT repetitions FROM doses WHERE session = :session AND exercise = " J("name") ")"},
    {"hold", THEN_NOTHING, "UPDATE sets SET current_hold = " J("seconds") " WHERE id = :set"},
    /* A hold is done when its count reaches its length. */
    {"count", THEN_NOTHING,
     "UPDATE sets SET held_seconds = held_seconds + 1,"
     " done = done + (" J("n") " = current_hold) WHERE id = :set"},
    /* A repetition is done when the coach counts it. */
    {"rep", THEN_NOTHING, "UPDATE sets SET done = max(done, " J("n") ") WHERE id = :set"},
    {"pain", THEN_NOTHING,
     "INSERT INTO pain(session, set_id, t, exercise, side, rep, second)"
     " VALUES(:session, nullif(:set, 0), :t," J("exercise") "," J("side") "," J("rep") ","
     J("second") ")"},
    {"rating", THEN_NOTHING,
     "UPDATE pain SET rating = " J("rating") ", rated_by = " J("by")
     " WHERE id = (SELECT max(id) FROM pain WHERE session = :session)"},
    {"end", THEN_NOTHING,
     "UPDATE sessions SET end_date = " J("date") ", end_reason = " J("reason") ","
     " end_detail = " J("detail") " WHERE id = :session"},
};
#undef J
#define N_RULES (sizeof RULES / sizeof RULES[0])
_Static_assert(N_RULES <= HISTORY_MAX_RULES, "room for every rule's statement");

int history_default_path(char *dst, size_t cap)
{
    const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    int n = -1;
    if (xdg && *xdg)
        n = snprintf(dst, cap, "%s/floorcoach/history.sqlite3", xdg);
    else if (home && *home)
        n = snprintf(dst, cap, "%s/.local/share/floorcoach/history.sqlite3", home);
    return n > 0 && (size_t)n < cap ? FC_OK : FC_ERR_ARG;
}

int history_db_fail(const history_t *h, int rc, const char *doing, fc_error *err)
{
    const char *path = h && h->path ? h->path : "history";
    int sys = !h || !h->db ? 0 : h->sys_errno ? h->sys_errno : sqlite3_system_errno(h->db);
    const char *why = h && h->db ? sqlite3_errmsg(h->db) : sqlite3_errstr(rc);
    switch (rc & 0xff) {
    case SQLITE_NOMEM:
        return fc_fail(err, FC_ERR_NOMEM, "out of memory %s the history", doing);
    case SQLITE_FULL:
        return fc_fail(err, FC_ERR_IO, "%s: cannot %s: the disk is full; free some space",
                       path, doing);
    case SQLITE_READONLY:
        return fc_fail(err, FC_ERR_IO, "%s: cannot %s: the file or its folder is read-only; "
                       "check their permissions, or give another file with --history", path,
                       doing);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return fc_fail(err, FC_ERR_IO, "%s: cannot %s: another program is writing it (another "
                       "floorcoach session?); try again when it is done", path, doing);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return fc_fail(err, FC_ERR_FORMAT, "%s: cannot %s: it is damaged or not a database (%s); "
                       "move it aside and floorcoach starts a new history", path, doing, why);
    case SQLITE_IOERR:
        /* SQLite keeps no reliable errno of a failed write (a file size
         * limit's EFBIG shows as a plain I/O error): say what it may be. */
        return fc_fail(err, FC_ERR_IO, "%s: cannot %s: a write failed (%s%s%s); the disk may "
                       "be full or failing: free some space, or check the disk", path, doing,
                       why, sys ? ": " : "", sys ? strerror(sys) : "");
    default:
        return fc_fail(err, FC_ERR_IO, "%s: cannot %s: %s", path, doing, why);
    }
}

/* One statement that returns an integer (a pragma), or -1. */
static sqlite3_int64 query_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    sqlite3_int64 v = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Refuses what is not floorcoach's history, and one too new to know. */
static int check_marks(history_t *h, int *version, fc_error *err)
{
    sqlite3_int64 app = query_int(h->db, "PRAGMA application_id");
    sqlite3_int64 tables = query_int(h->db, "SELECT count(*) FROM sqlite_schema");
    *version = (int)query_int(h->db, "PRAGMA user_version");
    if (app < 0 || tables < 0 || *version < 0)
        return history_db_fail(h, sqlite3_errcode(h->db), "read", err);
    if (app != HISTORY_APPLICATION_ID && (app != 0 || tables > 0))
        return fc_fail(err, FC_ERR_IO, "%s is not a floorcoach history (another program's "
                       "database); give another file with --history", h->path);
    if (*version > HISTORY_SCHEMA_VERSION)
        return fc_fail(err, FC_ERR_IO, "%s was written by a newer floorcoach (history schema %d; "
                       "this one knows up to %d); update floorcoach, or give another file",
                       h->path, *version, HISTORY_SCHEMA_VERSION);
    return FC_OK;
}

/* Brings the schema from version to the newest, in one transaction. */
static int migrate(history_t *h, int version, fc_error *err)
{
    char sql[64];
    int rc = sqlite3_exec(h->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    for (int v = version; rc == SQLITE_OK && v < HISTORY_SCHEMA_VERSION; v++)
        rc = sqlite3_exec(h->db, MIGRATIONS[v], NULL, NULL, NULL);
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", HISTORY_SCHEMA_VERSION);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(h->db, sql, NULL, NULL, NULL);
    snprintf(sql, sizeof sql, "PRAGMA application_id = %d", HISTORY_APPLICATION_ID);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(h->db, sql, NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        return FC_OK;
    int code = history_db_fail(h, rc, "set up", err);
    sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
    return code;
}

static int prepare_rules(history_t *h, fc_error *err)
{
    int rc = SQLITE_OK;
    for (size_t i = 0; rc == SQLITE_OK && i < N_RULES; i++)
        rc = sqlite3_prepare_v3(h->db, RULES[i].sql, -1, SQLITE_PREPARE_PERSISTENT, &h->rules[i],
                                NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(h->db, "BEGIN IMMEDIATE", -1, &h->begin, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(h->db, "COMMIT", -1, &h->commit, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(h->db, "ROLLBACK", -1, &h->rollback, NULL);
    return rc == SQLITE_OK ? FC_OK : history_db_fail(h, rc, "prepare", err);
}

/* A new file, created by us with the owner's mode only: SQLite would
 * create it (and its -wal and -shm, which copy its mode) by the umask. */
static int create_file(const char *path, bool make_folder, fc_error *err)
{
    /* A folder that cannot be made: the open below says why. */
    if (make_folder)
        datapath_make_folder(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, HISTORY_FILE_MODE);
    if (fd < 0 && errno != EEXIST)
        return fc_fail(err, FC_ERR_IO, "%s: cannot create the history (%s); check the folder "
                       "exists and is writable, or give another file with --history", path,
                       strerror(errno));
    if (fd >= 0)
        close(fd);
    return FC_OK;
}

/* The connection's settings: WAL (a reader never blocks the session's
 * writes), every commit synced to the disk (a power cut loses nothing
 * committed), foreign keys (forgetting a session forgets its rows). Only
 * once the file is known to be ours: WAL mode is written into it. */
static int configure(history_t *h, fc_error *err)
{
    int rc = sqlite3_exec(h->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
    if (rc == SQLITE_OK && h->writable)
        rc = sqlite3_exec(h->db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL", NULL,
                          NULL, NULL);
    return rc == SQLITE_OK ? FC_OK : history_db_fail(h, rc, "open", err);
}

int history_open(const char *path, history_mode mode, bool make_folder, history_t **out,
                 fc_error *err)
{
    history_t *h = calloc(1, sizeof *h);
    int rc = h && (h->path = strdup(path)) ? FC_OK : FC_ERR_NOMEM, version = 0;
    *out = NULL;
    if (rc < 0) {
        fc_fail(err, rc, "out of memory opening the history");
        goto fail;
    }
    h->writable = mode == HISTORY_WRITE;
    if (mode == HISTORY_READ && access(path, F_OK) != 0) {
        rc = fc_fail(err, FC_ERR_IO, "%s: no history there yet (%s); it is written by "
                     "'floorcoach run' unless --no-history", path, strerror(errno));
        goto fail;
    }
    if (h->writable && (rc = create_file(path, make_folder, err)) < 0)
        goto fail;
    int flags = (h->writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY) |
                SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    int src = sqlite3_open_v2(path, &h->db, flags, NULL);
    if (src != SQLITE_OK) {
        rc = history_db_fail(h, src, "open", err);
        goto fail;
    }
    if (h->writable && sqlite3_db_readonly(h->db, "main") == 1) {
        rc = history_db_fail(h, SQLITE_READONLY, "write", err);
        goto fail;
    }
    sqlite3_busy_timeout(h->db, h->writable ? HISTORY_BUSY_MS : HISTORY_READ_BUSY_MS);
    if ((rc = check_marks(h, &version, err)) < 0 || (rc = configure(h, err)) < 0)
        goto fail;
    if (version < HISTORY_SCHEMA_VERSION && !h->writable) {
        rc = fc_fail(err, FC_ERR_IO, "%s: an older history (schema %d); run a session to bring "
                     "it up to date", path, version);
        goto fail;
    }
    if (h->writable && ((rc = migrate(h, version, err)) < 0 || (rc = prepare_rules(h, err)) < 0))
        goto fail;
    *out = h;
    return FC_OK;
fail:
    history_close(h);
    return rc;
}

void history_close(history_t *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < N_RULES; i++)
        sqlite3_finalize(h->rules[i]);
    sqlite3_finalize(h->begin);
    sqlite3_finalize(h->commit);
    sqlite3_finalize(h->rollback);
    sqlite3_close(h->db); /* NULL is a no-op */
    free(h->path);
    free(h);
}

const char *history_path(const history_t *h)
{
    return h->path;
}

/* Binds what the statement names of the event. */
static void bind_event(sqlite3_stmt *st, const history_t *h, int64_t t_ms, const char *event,
                       const char *json)
{
    int i;
    if ((i = sqlite3_bind_parameter_index(st, ":data")))
        sqlite3_bind_text(st, i, json, -1, SQLITE_STATIC);
    if ((i = sqlite3_bind_parameter_index(st, ":event")))
        sqlite3_bind_text(st, i, event, -1, SQLITE_STATIC);
    if ((i = sqlite3_bind_parameter_index(st, ":t")))
        sqlite3_bind_double(st, i, (double)t_ms / 1000.0);
    if ((i = sqlite3_bind_parameter_index(st, ":session")))
        sqlite3_bind_int64(st, i, h->session);
    if ((i = sqlite3_bind_parameter_index(st, ":set")))
        sqlite3_bind_int64(st, i, h->set);
}

/* Runs st to its end and resets it; a failure's errno (a full disk's
 * EFBIG) is kept for the message, before anything else can clear it. */
static int step(history_t *h, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        h->sys_errno = sqlite3_system_errno(h->db);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

/* The event's rules, in order. */
static int apply_rules(history_t *h, int64_t t_ms, const char *event, const char *json)
{
    int rc = SQLITE_OK;
    for (size_t i = 0; rc == SQLITE_OK && i < N_RULES; i++) {
        if (RULES[i].event && strcmp(RULES[i].event, event) != 0)
            continue;
        bind_event(h->rules[i], h, t_ms, event, json);
        rc = step(h, h->rules[i]);
        if (rc == SQLITE_OK && RULES[i].then == THEN_SESSION)
            h->session = sqlite3_last_insert_rowid(h->db);
        else if (rc == SQLITE_OK && RULES[i].then == THEN_SET)
            h->set = sqlite3_last_insert_rowid(h->db);
    }
    return rc;
}

int history_record(history_t *h, int64_t t_ms, const char *event, const char *json,
                   fc_error *err)
{
    bool start = !strcmp(event, "start");
    if (!h->writable)
        return fc_fail(err, FC_ERR_STATE, "%s: opened to read", h->path);
    if (!start && h->session == 0)
        return FC_OK; /* between sessions: not the therapist's record */
    sqlite3_int64 session = h->session, set = h->set;
    if (start)
        h->session = h->set = 0;
    h->sys_errno = 0;
    int rc = h->bulk ? SQLITE_OK : step(h, h->begin);
    if (rc == SQLITE_OK)
        rc = apply_rules(h, t_ms, event, json);
    if (rc == SQLITE_OK && !h->bulk)
        rc = step(h, h->commit);
    if (rc != SQLITE_OK) {
        int code = history_db_fail(h, rc, "record the session", err);
        if (!sqlite3_get_autocommit(h->db))
            step(h, h->rollback);
        h->bulk = false; /* the rollback ended the bulk transaction too */
        h->session = start ? 0 : session; /* what was rolled back is not under way */
        h->set = start ? 0 : set;
        return code;
    }
    if (!strcmp(event, "end"))
        h->session = h->set = 0;
    return FC_OK;
}

int history_bulk(history_t *h, bool on, fc_error *err)
{
    if (!h->writable)
        return fc_fail(err, FC_ERR_STATE, "%s: opened to read", h->path);
    if (on == h->bulk)
        return FC_OK;
    int rc = step(h, on ? h->begin : h->commit);
    if (rc != SQLITE_OK)
        return history_db_fail(h, rc, on ? "start an import" : "commit an import", err);
    h->bulk = on;
    return FC_OK;
}
