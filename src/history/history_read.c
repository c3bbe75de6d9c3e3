/* history: what the commands read back (history, report) and forgetting.
 * The sessions since a date, with their work done against prescribed
 * computed from the sets and doses that history.c recorded. */
#include "history.h"

#include "internal/history_db.h"

#include <stdlib.h>
#include <string.h>

/* Every session in the period, oldest first. done and prescribed count
 * holds and repetitions; a set done beyond its dose ("repeat" restarts a
 * hold) counts as its dose, so the share never passes 100 %. */
#define SESSIONS_SQL                                                                       \
    "SELECT s.id, s.date, s.end_date, s.start_unix, s.routine, s.frequency, s.seconds,"    \
    " (SELECT coalesce(sum(min(t.done, coalesce(t.prescribed, t.done))), 0) FROM sets t"   \
    "  WHERE t.session = s.id) AS done,"                                                   \
    " (SELECT coalesce(sum(d.repetitions * d.sides), 0) FROM doses d"                      \
    "  WHERE d.session = s.id) AS prescribed,"                                             \
    " (SELECT count(*) FROM pain p WHERE p.session = s.id) AS pains,"                      \
    " s.end_reason, s.end_detail FROM sessions s WHERE s.start_unix >= :since"             \
    " ORDER BY s.start_unix, s.id"

/* Each set that ran, then each side of a dose that never ran (the session
 * ended first), by session and in the order they came. */
#define SETS_SQL                                                                           \
    "SELECT x.session, x.exercise, x.side, x.ran, x.hold_seconds, x.prescribed, x.done,"   \
    " x.held FROM (SELECT session, exercise, side, 1 AS ran, coalesce(hold_seconds, 0)"    \
    "  AS hold_seconds, coalesce(prescribed, 0) AS prescribed, done, held_seconds AS held," \
    "  t, position FROM sets"                                                              \
    " UNION ALL SELECT d.session, d.exercise, NULL, 0, coalesce(d.hold_seconds, 0),"       \
    "  d.repetitions, 0, 0, NULL, d.position FROM doses d"                                 \
    "  JOIN (SELECT 1 AS k UNION ALL SELECT 2) n ON n.k <= d.sides -"                      \
    "  (SELECT count(*) FROM sets t WHERE t.session = d.session AND t.exercise = d.exercise)"\
    " ) x JOIN sessions s ON s.id = x.session WHERE s.start_unix >= :since"                \
    " ORDER BY s.start_unix, s.id, x.ran DESC, x.t, x.position"

#define PAINS_SQL                                                                          \
    "SELECT p.session, s.date, p.t, p.exercise, p.side, coalesce(p.rep, 0),"               \
    " coalesce(p.second, 0), coalesce(p.rating, 0) FROM pain p"                            \
    " JOIN sessions s ON s.id = p.session WHERE s.start_unix >= :since"                    \
    " ORDER BY s.start_unix, s.id, p.t, p.id"

/* With the fields a spreadsheet wants as columns; data keeps the rest. */
#define EVENTS_SQL                                                                         \
    "SELECT e.session, s.date, s.routine, e.t, e.event, e.data,"                           \
    " coalesce(json_extract(e.data, '$.exercise'), json_extract(e.data, '$.name')),"        \
    " json_extract(e.data, '$.side'), json_extract(e.data, '$.word'),"                     \
    " json_extract(e.data, '$.source'), json_extract(e.data, '$.score'),"                  \
    " coalesce(json_extract(e.data, '$.n'), json_extract(e.data, '$.rep'),"                \
    "  json_extract(e.data, '$.rating')),"                                                 \
    " coalesce(json_extract(e.data, '$.text'), json_extract(e.data, '$.reason'),"          \
    "  json_extract(e.data, '$.for'), json_extract(e.data, '$.by'),"                       \
    "  json_extract(e.data, '$.state')) FROM events e"                                     \
    " JOIN sessions s ON s.id = e.session WHERE s.start_unix >= :since"                    \
    " ORDER BY s.start_unix, s.id, e.id"

/* One exercise's sessions, newest first: where it ran at all. */
#define OUTCOMES_SQL                                                                       \
    "SELECT s.start_unix, coalesce(d.hold_seconds, 0), d.repetitions,"                     \
    " (SELECT count(*) FROM sets t WHERE t.session = s.id AND t.exercise = d.exercise"     \
    "  AND t.done >= t.prescribed) >= d.sides,"                                            \
    " EXISTS (SELECT 1 FROM pain p WHERE p.session = s.id AND p.exercise = d.exercise)"    \
    " FROM doses d JOIN sessions s ON s.id = d.session WHERE d.exercise = :exercise"       \
    " AND EXISTS (SELECT 1 FROM sets t WHERE t.session = s.id AND t.exercise = d.exercise)"\
    " ORDER BY s.start_unix DESC, s.id DESC LIMIT :cap"

/* history --json: each session with its exercises and pain events. */
#define JSON_SQL                                                                           \
    "SELECT json_group_array(json_object('id', q.id, 'date', q.date, 'end_date',"          \
    " q.end_date, 'routine', q.routine, 'frequency', q.frequency, 'seconds', q.seconds,"   \
    " 'done', q.done, 'prescribed', q.prescribed, 'pain_events', q.pains, 'end_reason',"   \
    " q.end_reason, 'end_detail', q.end_detail,"                                           \
    " 'exercises', (SELECT json_group_array(json_object('exercise', t.exercise, 'side',"   \
    "  t.side, 'hold_seconds', t.hold_seconds, 'prescribed', t.prescribed, 'done', t.done,"\
    "  'held_seconds', t.held_seconds)) FROM sets t WHERE t.session = q.id),"             \
    " 'pain', (SELECT json_group_array(json_object('t', p.t, 'exercise', p.exercise,"      \
    "  'side', p.side, 'rep', p.rep, 'second', p.second, 'rating', p.rating))"             \
    "  FROM pain p WHERE p.session = q.id))) FROM (" SESSIONS_SQL ") q"

/* A column's text, copied; NULL for SQL NULL (and when out of memory:
 * *oom is then set). */
static char *dup_text(sqlite3_stmt *st, int col, bool *oom)
{
    const unsigned char *s = sqlite3_column_text(st, col);
    char *copy = s ? strdup((const char *)s) : NULL;
    if (s && !copy)
        *oom = true;
    return copy;
}

/* Prepares sql with :since bound. */
static int prepare_since(history_t *h, const char *sql, int64_t since, sqlite3_stmt **st,
                         fc_error *err)
{
    int rc = sqlite3_prepare_v2(h->db, sql, -1, st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(*st, sqlite3_bind_parameter_index(*st, ":since"), since);
    return rc == SQLITE_OK ? FC_OK : history_db_fail(h, rc, "read", err);
}

/* Room for one more of size each in *items (count n, capacity *cap). */
static int grow(void **items, size_t n, size_t *cap, size_t each)
{
    if (n < *cap)
        return FC_OK;
    size_t want = *cap ? *cap * 2 : 16;
    void *p = realloc(*items, want * each);
    if (!p)
        return FC_ERR_NOMEM;
    *items = p;
    *cap = want;
    return FC_OK;
}

static void read_session(sqlite3_stmt *st, void *item, bool *oom)
{
    history_session *s = item;
    s->id = sqlite3_column_int64(st, 0);
    s->date = dup_text(st, 1, oom);
    s->end_date = dup_text(st, 2, oom);
    s->start_unix = sqlite3_column_int64(st, 3);
    s->routine = dup_text(st, 4, oom);
    s->frequency = dup_text(st, 5, oom);
    s->seconds = sqlite3_column_double(st, 6);
    s->done = sqlite3_column_int(st, 7);
    s->prescribed = sqlite3_column_int(st, 8);
    s->pains = sqlite3_column_int(st, 9);
    s->end_reason = dup_text(st, 10, oom);
    s->end_detail = dup_text(st, 11, oom);
}

static void read_set(sqlite3_stmt *st, void *item, bool *oom)
{
    history_set *s = item;
    s->session = sqlite3_column_int64(st, 0);
    s->exercise = dup_text(st, 1, oom);
    s->side = dup_text(st, 2, oom);
    s->ran = sqlite3_column_int(st, 3) != 0;
    s->hold_seconds = sqlite3_column_int(st, 4);
    s->prescribed = sqlite3_column_int(st, 5);
    s->done = sqlite3_column_int(st, 6);
    s->held_seconds = sqlite3_column_int(st, 7);
}

static void read_pain(sqlite3_stmt *st, void *item, bool *oom)
{
    history_pain *p = item;
    p->session = sqlite3_column_int64(st, 0);
    p->date = dup_text(st, 1, oom);
    p->t = sqlite3_column_double(st, 2);
    p->exercise = dup_text(st, 3, oom);
    p->side = dup_text(st, 4, oom);
    p->rep = sqlite3_column_int(st, 5);
    p->second = sqlite3_column_int(st, 6);
    p->rating = sqlite3_column_int(st, 7);
}

/* Runs sql and reads each row into a new item of *items with read(). */
typedef void (*read_row)(sqlite3_stmt *st, void *item, bool *oom);
static int read_all(history_t *h, const char *sql, int64_t since, read_row read, size_t each,
                    void **items, size_t *n, fc_error *err)
{
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    bool oom = false;
    int rc = prepare_since(h, sql, since, &st, err), src = SQLITE_OK;
    while (rc == FC_OK && !oom && (src = sqlite3_step(st)) == SQLITE_ROW) {
        if (grow(items, *n, &cap, each) < 0) {
            oom = true;
            break;
        }
        void *item = (char *)*items + *n * each;
        memset(item, 0, each);
        read(st, item, &oom);
        (*n)++;
    }
    if (rc == FC_OK && oom)
        rc = fc_fail(err, FC_ERR_NOMEM, "out of memory reading the history");
    else if (rc == FC_OK && src != SQLITE_DONE)
        rc = history_db_fail(h, src, "read", err);
    sqlite3_finalize(st);
    return rc;
}

int history_read(history_t *h, int64_t since_unix, history_summary **out, fc_error *err)
{
    history_summary *s = calloc(1, sizeof *s);
    int rc = s ? FC_OK : fc_fail(err, FC_ERR_NOMEM, "out of memory reading the history");
    *out = NULL;
    /* One read transaction: the three lists agree even while a session is
     * being recorded beside them. */
    if (rc == FC_OK)
        sqlite3_exec(h->db, "BEGIN", NULL, NULL, NULL);
    if (rc == FC_OK)
        rc = read_all(h, SESSIONS_SQL, since_unix, read_session, sizeof *s->sessions,
                      (void **)&s->sessions, &s->n_sessions, err);
    if (rc == FC_OK)
        rc = read_all(h, SETS_SQL, since_unix, read_set, sizeof *s->sets,
                      (void **)&s->sets, &s->n_sets, err);
    if (rc == FC_OK)
        rc = read_all(h, PAINS_SQL, since_unix, read_pain, sizeof *s->pains,
                      (void **)&s->pains, &s->n_pains, err);
    if (s)
        sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL);
    if (rc < 0)
        history_summary_free(s);
    else
        *out = s;
    return rc;
}

void history_summary_free(history_summary *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_sessions; i++) {
        history_session *x = &s->sessions[i];
        free(x->date), free(x->end_date), free(x->routine), free(x->frequency);
        free(x->end_reason), free(x->end_detail);
    }
    for (size_t i = 0; i < s->n_sets; i++)
        free(s->sets[i].exercise), free(s->sets[i].side);
    for (size_t i = 0; i < s->n_pains; i++)
        free(s->pains[i].date), free(s->pains[i].exercise), free(s->pains[i].side);
    free(s->sessions);
    free(s->sets);
    free(s->pains);
    free(s);
}

int history_json(history_t *h, int64_t since_unix, char **out, fc_error *err)
{
    sqlite3_stmt *st = NULL;
    bool oom = false;
    *out = NULL;
    int rc = prepare_since(h, JSON_SQL, since_unix, &st, err);
    int src = rc == FC_OK ? sqlite3_step(st) : SQLITE_OK;
    if (rc == FC_OK && src == SQLITE_ROW)
        *out = dup_text(st, 0, &oom);
    else if (rc == FC_OK)
        rc = history_db_fail(h, src, "read", err);
    if (rc == FC_OK && (oom || !*out))
        rc = fc_fail(err, FC_ERR_NOMEM, "out of memory reading the history");
    sqlite3_finalize(st);
    return rc;
}

int history_each_event(history_t *h, int64_t since_unix,
                       int (*cb)(void *ctx, const history_event_row *row), void *ctx,
                       fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = prepare_since(h, EVENTS_SQL, since_unix, &st, err), src = SQLITE_DONE;
    while (rc == FC_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
        history_event_row row = {
            .session = sqlite3_column_int64(st, 0),
            .date = (const char *)sqlite3_column_text(st, 1),
            .routine = (const char *)sqlite3_column_text(st, 2),
            .t = sqlite3_column_double(st, 3),
            .event = (const char *)sqlite3_column_text(st, 4),
            .json = (const char *)sqlite3_column_text(st, 5),
            .exercise = (const char *)sqlite3_column_text(st, 6),
            .side = (const char *)sqlite3_column_text(st, 7),
            .word = (const char *)sqlite3_column_text(st, 8),
            .source = (const char *)sqlite3_column_text(st, 9),
            .score = (const char *)sqlite3_column_text(st, 10),
            .number = (const char *)sqlite3_column_text(st, 11),
            .text = (const char *)sqlite3_column_text(st, 12),
        };
        rc = cb(ctx, &row);
    }
    if (rc == FC_OK && src != SQLITE_DONE)
        rc = history_db_fail(h, src, "read", err);
    sqlite3_finalize(st);
    return rc;
}

int history_outcomes(history_t *h, const char *exercise, history_outcome *out, size_t cap,
                     size_t *n, fc_error *err)
{
    sqlite3_stmt *st = NULL;
    *n = 0;
    int rc = sqlite3_prepare_v2(h->db, OUTCOMES_SQL, -1, &st, NULL), src = SQLITE_DONE;
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":exercise"), exercise, -1,
                               SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":cap"), (int64_t)cap);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(st);
        return history_db_fail(h, rc, "read", err);
    }
    while (*n < cap && (src = sqlite3_step(st)) == SQLITE_ROW) {
        history_outcome *o = &out[(*n)++];
        o->start_unix = sqlite3_column_int64(st, 0);
        o->hold_seconds = sqlite3_column_int(st, 1);
        o->repetitions = sqlite3_column_int(st, 2);
        o->completed = sqlite3_column_int(st, 3) != 0;
        o->pain = sqlite3_column_int(st, 4) != 0;
    }
    rc = src == SQLITE_ROW || src == SQLITE_DONE ? FC_OK : history_db_fail(h, src, "read", err);
    sqlite3_finalize(st);
    return rc;
}

int history_forget(history_t *h, fc_error *err)
{
    /* secure_delete overwrites the freed pages; VACUUM rebuilds the file
     * without them, and the checkpoint empties the write-ahead log of its
     * copies. */
    if (!h->writable)
        return fc_fail(err, FC_ERR_STATE, "%s: opened to read", h->path);
    int rc = sqlite3_exec(h->db, "PRAGMA secure_delete = ON; DELETE FROM sessions; VACUUM;"
                          " PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
    return rc == SQLITE_OK ? FC_OK : history_db_fail(h, rc, "forget", err);
}
