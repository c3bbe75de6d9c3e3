/* status: the one-line terminal status (exercise, side, rep, hold bar).
 * Engine thread only. Draws only when its stream is a terminal. */
#ifndef FLOORCOACH_STATUS_H
#define FLOORCOACH_STATUS_H

#include "session.h"

#include <stdbool.h>
#include <stdio.h>

typedef struct status status_t;

/* Returns NULL when fp is not a terminal (nothing to draw) or out of memory. */
status_t *status_create(FILE *fp);
/* Accepts NULL. Ends the line so later output starts clean. */
void status_destroy(status_t *st);
/* Redraws if what it shows has changed. Accepts NULL. */
void status_update(status_t *st, const session_progress *p, int64_t now, int sample_rate);
/* Formats the line (without control codes) into buf; used by status_update
 * and testable on its own. */
void status_format(const session_progress *p, int64_t now, int sample_rate, char *buf,
                   size_t len);

#endif
