/* progress: today's doses, stepped within the ranges the therapist wrote
 * from how the history says each exercise went (engine/progression.h has
 * the rules), with the sentence the coach says about each change and the
 * decisions for the log. Engine thread. */
#ifndef FLOORCOACH_PROGRESS_H
#define FLOORCOACH_PROGRESS_H

#include "eventlog.h"
#include "fc_error.h"
#include "history.h"
#include "prescription.h"
#include "routine.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct progress progress_t;

/* Today's doses for r under rx (NULL: the routine's own, which have no
 * ranges) at now (unix seconds). history NULL: no history (each ranged
 * dose starts at its bottom); one that cannot be read counts as none.
 * enabled false (--no-progression): rx's doses as they are. Returns 0 or
 * FC_ERR_NOMEM. */
int progress_plan(history_t *history, const routine_t *r, const prescription_t *rx,
                  bool enabled, int64_t now, progress_t **out, fc_error *err);
/* The prescription with today's doses and their notes (NULL when rx was
 * NULL); it lives as long as p. */
const prescription_t *progress_prescription(const progress_t *p);
/* One "progression" event per ranged dose decided, at `at`. Returns 0 or
 * FC_ERR_IO. */
int progress_log(const progress_t *p, eventlog_t *log, int64_t at);
/* Accepts NULL. */
void progress_destroy(progress_t *p);

#endif
