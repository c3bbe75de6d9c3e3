/* What history.c (opening, recording) and history_read.c (the queries)
 * share: the handle, and turning SQLite's failures into the user's line.
 * Not for other stages. */
#ifndef FLOORCOACH_HISTORY_DB_H
#define FLOORCOACH_HISTORY_DB_H

#include "fc_error.h"
#include "history.h"

#include <sqlite3.h>
#include <stdbool.h>

/* The statements an event runs (history.c's rules), prepared once. */
#define HISTORY_MAX_RULES 16

struct history {
    sqlite3 *db;
    char *path;
    bool writable;
    sqlite3_stmt *rules[HISTORY_MAX_RULES];
    sqlite3_stmt *begin, *commit, *rollback;
    sqlite3_int64 session; /* the session being recorded, 0: none */
    sqlite3_int64 set;     /* its exercise (and side) under way, 0: none */
    int sys_errno;         /* of the last failed step, 0: none */
    bool bulk;             /* history_bulk: one transaction for many events */
};

/* err gets "PATH: doing: why; what to do" for SQLite's failure rc on h's
 * database; returns FC_ERR_NOMEM or FC_ERR_IO (FC_ERR_FORMAT: damaged). */
int history_db_fail(const history_t *h, int rc, const char *doing, fc_error *err);

#endif
