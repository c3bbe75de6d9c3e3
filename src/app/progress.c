#include "progress.h"

#include "events.h"
#include "progression.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The sessions of an exercise the rules look at: the last two decide, a
 * few more let them see past a session dated after now. */
#define OUTCOMES_MAX 8
/* Room for the sentences about one exercise's doses. */
#define NOTE_MAX 400

/* One ranged quantity decided. */
typedef struct {
    size_t exercise;
    progression_quantity quantity;
    progression_range range;
    progression_decision decision;
} decided;

struct progress {
    const routine_t *routine;
    prescription_t rx;
    routine_dose *doses;
    char **notes;    /* one per exercise, NULL: nothing to say */
    decided *decisions;
    size_t n_decisions;
    bool has_rx;
};

static const char *quantity_name(progression_quantity q)
{
    switch (q) {
    case PROGRESSION_HOLD_SECONDS: return "hold_seconds";
    case PROGRESSION_HOLDS: return "holds";
    default: return "repetitions";
    }
}

/* The history of one quantity, from the exercise's sessions. */
static size_t outcomes_of(const history_outcome *h, size_t n, progression_quantity q,
                          progression_outcome *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (progression_outcome){
            .start = h[i].start_unix,
            .dose = q == PROGRESSION_HOLD_SECONDS ? h[i].hold_seconds : h[i].repetitions,
            .completed = h[i].completed,
            .pain = h[i].pain,
        };
    return n;
}

/* Decides quantity q of exercise e, when the therapist wrote a range for
 * it; false when it is fixed. */
static bool decide(progress_t *p, size_t e, progression_quantity q, const history_outcome *h,
                   size_t n, int64_t now, decided *out)
{
    const routine_dose *d = &p->doses[e];
    int min = q == PROGRESSION_HOLD_SECONDS ? d->hold_min : d->rep_min;
    int max = q == PROGRESSION_HOLD_SECONDS ? d->hold_max : d->rep_max;
    progression_outcome past[OUTCOMES_MAX];
    if (min >= max)
        return false;
    *out = (decided){.exercise = e, .quantity = q,
                     .range = {.quantity = q, .min = min, .max = max,
                               .step = progression_step(q)}};
    size_t k = outcomes_of(h, n, q, past);
    /* The history is read newest first, as the rules want: it cannot be
     * refused; were it, the bottom of the range is the safe dose. */
    if (progression_decide(&out->range, past, k, now, &out->decision, NULL) < 0)
        out->decision = (progression_decision){.dose = min, .reason = PROGRESSION_START};
    return true;
}

/* Appends the sentence about one decision to the exercise's note. */
static void add_sentence(char *note, const decided *x, const char *name)
{
    char one[NOTE_MAX];
    size_t len = strlen(note);
    if (progression_sentence(&x->decision, x->quantity, name, one, sizeof one) > 0)
        snprintf(note + len, NOTE_MAX - len, "%s%s", len ? " " : "", one);
}

/* Both quantities of exercise e: a hold builds its seconds first. */
static int plan_exercise(progress_t *p, history_t *history, size_t e, int64_t now)
{
    const routine_exercise *ex = &p->routine->exercises[e];
    routine_dose *d = &p->doses[e];
    history_outcome h[OUTCOMES_MAX];
    size_t n = 0;
    if (history && history_outcomes(history, ex->name, h, OUTCOMES_MAX, &n, NULL) < 0)
        n = 0; /* unreadable: as no history, the bottom of each range */
    decided seconds, count;
    bool has_seconds = ex->kind == ROUTINE_HOLD &&
                       decide(p, e, PROGRESSION_HOLD_SECONDS, h, n, now, &seconds);
    bool has_count = decide(p, e, ex->kind == ROUTINE_HOLD ? PROGRESSION_HOLDS
                                                           : PROGRESSION_REPS, h, n, now, &count);
    if (!has_seconds && !has_count)
        return FC_OK;
    if (has_seconds && has_count)
        progression_hold_first(&seconds.decision, &count.decision);
    char *note = calloc(1, NOTE_MAX);
    if (!note)
        return FC_ERR_NOMEM;
    if (has_seconds) {
        d->hold_seconds = seconds.decision.dose;
        add_sentence(note, &seconds, ex->name);
        p->decisions[p->n_decisions++] = seconds;
    }
    if (has_count) {
        d->repetitions = count.decision.dose;
        add_sentence(note, &count, ex->name);
        p->decisions[p->n_decisions++] = count;
    }
    p->notes[e] = note;
    d->note = *note ? note : NULL;
    return FC_OK;
}

int progress_plan(history_t *history, const routine_t *r, const prescription_t *rx,
                  bool enabled, int64_t now, progress_t **out, fc_error *err)
{
    progress_t *p = calloc(1, sizeof *p);
    size_t n = r->n_exercises;
    int rc = FC_OK;
    *out = NULL;
    if (p) {
        p->routine = r; /* before anything progress_destroy() frees */
        p->has_rx = rx != NULL;
    }
    if (!p || (rx && (!(p->doses = calloc(n, sizeof *p->doses)) ||
                      !(p->notes = calloc(n, sizeof *p->notes)) ||
                      !(p->decisions = calloc(2 * n, sizeof *p->decisions))))) {
        rc = FC_ERR_NOMEM;
        goto done;
    }
    if (!rx)
        goto done;
    p->rx = *rx;
    memcpy(p->doses, rx->doses, n * sizeof *p->doses);
    p->rx.doses = p->doses;
    for (size_t e = 0; enabled && rc == FC_OK && e < n; e++)
        if (p->doses[e].run)
            rc = plan_exercise(p, history, e, now);
done:
    if (rc < 0) {
        progress_destroy(p);
        return fc_fail(err, rc, "out of memory planning today's doses");
    }
    *out = p;
    return FC_OK;
}

const prescription_t *progress_prescription(const progress_t *p)
{
    return p->has_rx ? &p->rx : NULL;
}

int progress_log(const progress_t *p, eventlog_t *log, int64_t at)
{
    int rc = FC_OK;
    for (size_t i = 0; rc == FC_OK && i < p->n_decisions; i++) {
        const decided *x = &p->decisions[i];
        events_dose_decision d = {
            .exercise = p->routine->exercises[x->exercise].name,
            .quantity = quantity_name(x->quantity),
            .dose = x->decision.dose,
            .last = x->decision.last_dose,
            .min = x->range.min,
            .max = x->range.max,
            .reason = progression_reason_name(x->decision.reason),
        };
        rc = events_progression(log, at, &d);
    }
    return rc;
}

void progress_destroy(progress_t *p)
{
    if (!p)
        return;
    for (size_t e = 0; p->notes && e < p->routine->n_exercises; e++)
        free(p->notes[e]);
    free(p->notes);
    free(p->doses);
    free(p->decisions);
    free(p);
}
