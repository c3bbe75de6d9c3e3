/* prescription: the physical therapist's choices within a routine (YAML,
 * see scripts/README.md, "Prescriptions"): the hold seconds and the
 * repetitions of each exercise, inside the ranges the routine allows; which
 * of a group of alternatives runs; whether an exercise's progression is
 * offered; how often the routine is meant to be done.
 *
 * Without a file, prescription_default() gives the routine's own doses and
 * the first exercise of every group of alternatives. A loaded prescription
 * is immutable, and every problem is "file:line:col: message", like a
 * routine's. Any thread.
 *
 * `hold_seconds` and `repetitions` may each be a range MIN-MAX (the
 * routine's range syntax), which must lie inside the routine's
 * hold_range / repetition_range. */
#ifndef FLOORCOACH_PRESCRIPTION_H
#define FLOORCOACH_PRESCRIPTION_H

#include "fc_error.h"
#include "routine.h"

#include <stdbool.h>
#include <stddef.h>

/* One exercise's doses. Where the therapist wrote a range (`hold_seconds:
 * 15-30`), hold_seconds is where it starts, the range's bottom, and
 * hold_min..hold_max is how far progression (progression.h) may move it;
 * a single number, or an exercise the file does not name, is a fixed dose:
 * min == max == the dose. Progression happens only where a therapist wrote
 * a range, never inside the routine's own wider one. */
typedef struct {
    bool run;          /* in the session: false for an alternative not chosen */
    int hold_seconds;  /* hold only: the starting dose */
    int hold_min, hold_max; /* hold only: the range prescribed (0 for reps) */
    int repetitions;   /* holds, or reps: the starting dose */
    int rep_min, rep_max;   /* the range prescribed */
    bool progression;  /* the exercise's progression lines are said */
    bool prescribed;   /* the file named this exercise (else: the routine's dose) */
    /* Said after the exercise's name, on its first side: why today's dose
     * is what it is (app/progress.h); NULL: nothing. */
    const char *note;
} routine_dose;

typedef struct {
    const char *path;       /* NULL: the routine's defaults */
    const char *frequency;  /* "daily", "every other day", or NULL: not said */
    const routine_dose *doses; /* one per exercise of the routine */
    size_t n_doses;
} prescription_t;

/* The routine's own doses. Returns 0 or FC_ERR_NOMEM. */
int prescription_default(const routine_t *r, prescription_t **out);

/* Reads path, checked against the routine it is for. Returns 0, or
 * FC_ERR_IO (unreadable) or FC_ERR_FORMAT (invalid: err has the first
 * problem, report, when not NULL, every one; routine_report_clear() frees
 * it). */
int prescription_load(const char *path, const routine_t *r, prescription_t **out,
                      routine_report *report, fc_error *err);

/* Accepts NULL. */
void prescription_destroy(prescription_t *p);

/* The number of exercises the session runs. */
size_t prescription_exercises_run(const prescription_t *p);

#endif
