/* eventlog: the JSON Lines sink of the event log (events.h is the schema).
 * One object per line, each written whole in one write() as it happens, so
 * a crash loses nothing already logged and a full disk never leaves half a
 * line. New files are mode 0600 (health data). Every object starts with "t" (seconds on the session's
 * audio clock, millisecond resolution) and "event". */
#ifndef FLOORCOACH_EVENTLOG_H
#define FLOORCOACH_EVENTLOG_H

#include "fc_error.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct eventlog eventlog_t;

/* Engine thread. path "-" is standard output; NULL gives a log that
 * discards everything. A regular file that already holds something is an
 * earlier record: it is refused (FC_ERR_IO, saying so) unless append, which
 * adds to its end. Returns 0, FC_ERR_IO or FC_ERR_NOMEM (detail in err). */
int eventlog_open(const char *path, bool append, eventlog_t **out, fc_error *err);
/* Engine thread. From now on every object also carries "session": id, so
 * that sessions appended to one file can be told apart. id is copied; NULL
 * ends it (events between sessions). */
int eventlog_set_session(eventlog_t *log, const char *id);
/* Engine thread. Accepts NULL. */
void eventlog_close(eventlog_t *log);

/* Engine thread. From now on every event is also recorded in history (not
 * owned; NULL: none), each committed as it is written. A failed commit is
 * not the session's failure: it is told on stderr and in the log (an
 * event "history", state "lost", with the detail), and the history rests
 * until the next "start". */
struct history;
void eventlog_set_history(eventlog_t *log, struct history *history);
/* Engine thread. Tells that the history is lost for this session (it
 * could not be opened, or a write failed): stderr and the log, at t. */
void eventlog_history_lost(eventlog_t *log, int64_t t, const char *detail);

/* Engine thread. Writes {"t":..., "event": event, ...fields}, where fields
 * follow jansson's json_pack() format for an object's members without the
 * braces, e.g. eventlog_write(log, t, "count", "s:i", "n", 3). fields may be
 * NULL. Returns 0 or FC_ERR_IO. */
int eventlog_write(eventlog_t *log, int64_t t, const char *event, const char *fields, ...);

/* Engine thread. The user's line for a failed eventlog_write (rc): the
 * file and the reason ("No space left on device"). Returns FC_ERR_IO (or
 * rc when out of memory). */
int eventlog_fail(const eventlog_t *log, int rc, fc_error *err);

/* A list of objects, for a field that is one (a start's doses). Any
 * thread. Passed to eventlog_write with "s:o", which takes it over. */
typedef struct json_t eventlog_list;
/* NULL when out of memory. */
eventlog_list *eventlog_list_new(void);
/* Appends one object of fields (as eventlog_write's). Returns 0 or
 * FC_ERR_NOMEM. */
int eventlog_list_add(eventlog_list *list, const char *fields, ...);
/* A list not handed to eventlog_write. Accepts NULL. */
void eventlog_list_free(eventlog_list *list);

#endif
