/* routine: loads and validates routine scripts (YAML, see scripts/README.md).
 *
 * A loaded routine is immutable, so the session engine and the narrator can
 * share it without copying. Every problem found is reported as
 * "file:line:col: message" so a script author can jump straight to it. */
#ifndef FLOORCOACH_ROUTINE_H
#define FLOORCOACH_ROUTINE_H

#include "fc_error.h"

#include <stdbool.h>
#include <stddef.h>

/* The longest text said as one line, in bytes. The shipped routines' longest
 * is about 150; a line far longer is a mistake (a pasted document), and
 * would take eSpeak NG seconds and megabytes to synthesize. */
#define ROUTINE_TEXT_MAX 1000

typedef enum { ROUTINE_HOLD, ROUTINE_REPS } routine_kind;

typedef struct {
    const char *text;
    int wait_seconds; /* 0: no wait point; else wait up to this long for "next" */
    bool position;    /* what "repeat" says again during a hold or repetitions
                         (at most one per exercise; default: the last step) */
} routine_step;

typedef struct {
    const char *name;
    const char *purpose;
    routine_kind kind;
    int hold_seconds, hold_min, hold_max;   /* hold only */
    int repetitions, rep_min, rep_max;
    double rep_seconds;                     /* reps only: tempo */
    int rest_seconds;                       /* hold only: between holds */
    bool both_sides;
    const routine_step *steps;
    size_t n_steps;
    const char *const *pain;
    size_t n_pain;
    const char *const *avoid;
    size_t n_avoid;
    const char *const *progression;         /* harder variants, said only when prescribed */
    size_t n_progression;
    int alternative_to;                     /* index of the exercise this may replace, -1: none */
    int line;                               /* where it starts in the file */
} routine_exercise;

typedef struct {
    const char *path;
    const char *title;
    const char *const *intro;
    size_t n_intro;
    const char *const *closing;
    size_t n_closing;
    bool requires_clearance;
    const routine_exercise *exercises;
    size_t n_exercises;
} routine_t;

/* Problems found while loading: each line is "file:line:col: message". */
typedef struct {
    char **lines;
    size_t n;
} routine_report;

/* Any thread. Returns 0 and a routine, or FC_ERR_IO (unreadable) or
 * FC_ERR_FORMAT (invalid). On failure *out is NULL, err has the first
 * problem, and report (when not NULL) every one of them, for `check`; the
 * caller clears it with routine_report_clear(). */
int routine_load(const char *path, routine_t **out, routine_report *report, fc_error *err);
/* Any thread. Accepts NULL. */
void routine_destroy(routine_t *r);
/* Any thread. */
void routine_report_clear(routine_report *report);

/* Any thread. Replaces "{side}" in text by side (may be NULL: no change).
 * Returns a malloc'd string or NULL when out of memory. */
char *routine_expand_side(const char *text, const char *side);

#endif
