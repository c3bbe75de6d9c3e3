#include "internal/plan.h"

#include "fc_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Items to make room for at first: enough for a typical routine, so the
 * list seldom grows. */
#define PLAN_INITIAL_CAP 128
/* Room for the names of the exercises that hurt, in the summary. */
#define PAIN_NAMES_MAX 256

/* How long the coach waits for a confirmation of clearance. */
#define CLEARANCE_WAIT_S 60

struct plan {
    const routine_t *routine;
    const prescription_t *rx;
    plan_item *items;
    int n, cap;
};

static const char *const LINES[PLAN_LINE_COUNT] = {
    [PLAN_LINE_PAIN_COME_BACK] = "Come back slowly to a comfortable starting position.",
    [PLAN_LINE_PAIN_ADVICE] =
        "Mild discomfort should settle once you are back there. If the pain is strong or "
        "does not go away, end the session and contact your physical therapist.",
    [PLAN_LINE_ASK_AFTER_PAIN] =
        "Rest for as long as you need. When you are ready, say next to skip this exercise, "
        "or stop to finish. Only if the pain was mild and has gone, you may say repeat to "
        "try it again, gently.",
    [PLAN_LINE_NO_ANSWER] = "I did not hear an answer, so we will finish here.",
    [PLAN_LINE_STOPPING] = "Stopping here.",
    [PLAN_LINE_FINISHING] = "Finishing here.",
    [PLAN_LINE_PAUSED] = "I paused. Say next to go on, or stop to end.",
    [PLAN_LINE_ASK_AFTER_PAIN_INTRO] = "When you are ready, say next to go on, or stop to finish.",
    [PLAN_LINE_ASK_CLEARANCE] =
        "These exercises are only for you if your physical therapist has cleared you for "
        "them. If they have, say next. If not, say stop.",
    [PLAN_LINE_NOT_CLEARED] =
        "I did not hear that you are cleared, so we will not start these exercises. Please "
        "check with your physical therapist first.",
    [PLAN_LINE_ASK_IF_HURT] = "If something hurt, say pain.",
    [PLAN_LINE_WAIT_REMINDER] = "Take your time. Say next when you are ready.",
    [PLAN_LINE_DEAF] = "I can't hear you any more, so I've paused. Stay where you are "
                       "comfortable; I will tell you when I can hear you again.",
    [PLAN_LINE_HEARING_BACK] = "I can hear you again. Say next to go on, or stop to end.",
    [PLAN_LINE_MUTE] = "The speaker stopped working, so I've paused.",
    [PLAN_LINE_SPEAKER_BACK] = "The speaker is working again. Say next to go on, or stop "
                               "to end.",
};

const char *plan_line_text(plan_line line)
{
    return (unsigned)line < PLAN_LINE_COUNT ? LINES[line] : NULL;
}

/* ---- building ---- */

static plan_item *plan_add(plan_t *p, plan_kind kind)
{
    if (p->n == p->cap) {
        int cap = p->cap ? p->cap * 2 : PLAN_INITIAL_CAP;
        plan_item *grown = realloc(p->items, (size_t)cap * sizeof *grown);
        if (!grown)
            return NULL;
        p->items = grown;
        p->cap = cap;
    }
    plan_item *it = &p->items[p->n++];
    memset(it, 0, sizeof *it);
    it->kind = kind;
    it->exercise = -1;
    return it;
}

static int plan_say(plan_t *p, const char *fmt, ...) FC_PRINTF(2, 3);

static int plan_say(plan_t *p, const char *fmt, ...)
{
    plan_item *it = plan_add(p, PLAN_SAY);
    if (!it)
        return FC_ERR_NOMEM;
    va_list ap;
    va_start(ap, fmt);
    int rc = vasprintf(&it->text, fmt, ap);
    va_end(ap);
    if (rc < 0) {
        it->text = NULL;
        p->n--;
        return FC_ERR_NOMEM;
    }
    return FC_OK;
}

/* A step, with {side} filled in, and its wait point; *expanded is its text
 * in the plan. */
static int plan_step(plan_t *p, const routine_step *step, const char *side,
                     const char **expanded)
{
    plan_item *it = plan_add(p, PLAN_SAY);
    if (!it)
        return FC_ERR_NOMEM;
    it->text = routine_expand_side(step->text, side);
    if (!it->text) {
        p->n--;
        return FC_ERR_NOMEM;
    }
    it->position = step->position;
    *expanded = it->text;
    if (step->wait_seconds) {
        if (!(it = plan_add(p, PLAN_WAIT)))
            return FC_ERR_NOMEM;
        it->seconds = step->wait_seconds;
    }
    return FC_OK;
}

static int plan_lines(plan_t *p, const char *const *lines, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int rc = plan_say(p, "%s", lines[i]);
        if (rc < 0)
            return rc;
    }
    return FC_OK;
}

/* The step the user gets into position with, or n_steps when none is. */
static size_t position_step(const routine_exercise *ex)
{
    size_t i = 0;
    while (i < ex->n_steps && !ex->steps[i].position)
        i++;
    return i;
}

static int plan_cautions(plan_t *p, const routine_exercise *ex, const routine_dose *dose)
{
    int rc = plan_lines(p, ex->avoid, ex->n_avoid);
    if (rc == FC_OK && dose->progression)
        rc = plan_lines(p, ex->progression, ex->n_progression);
    return rc;
}

/* What the user hears before the counting starts: the name (and side), and
 * on the first side only the purpose, what to avoid and the progression (if
 * prescribed), since saying them again for the right side would only delay
 * it. They come before the position step, so that once the user is in
 * position the count starts within seconds. Sets *again to the step
 * "repeat" says again: the position step, else the last one. */
static int plan_instructions(plan_t *p, const routine_exercise *ex, const routine_dose *dose,
                             const char *side, bool first_side, const char **again)
{
    const char *last_step = ex->name;
    const char *position = NULL;
    size_t pos = position_step(ex);
    int rc = side ? plan_say(p, "%s, %s side.", ex->name, side) : plan_say(p, "%s.", ex->name);
    if (rc < 0)
        return rc;
    if (first_side && dose->note && *dose->note && (rc = plan_say(p, "%s", dose->note)) < 0)
        return rc;
    if (first_side && (rc = plan_say(p, "%s", ex->purpose)) < 0)
        return rc;
    for (size_t i = 0; i <= ex->n_steps; i++) {
        if (i == pos && first_side && (rc = plan_cautions(p, ex, dose)) < 0)
            return rc;
        if (i < ex->n_steps && (rc = plan_step(p, &ex->steps[i], side, &last_step)) < 0)
            return rc;
        if (i == pos)
            position = last_step;
    }
    *again = pos < ex->n_steps ? position : last_step;
    return FC_OK;
}

/* Each hold is announced, then counted; a rest sits between two holds.
 * After a rest the user is told the position again (the step marked
 * position), since they came out of it. */
static int plan_holds(plan_t *p, const routine_exercise *ex, const routine_dose *dose,
                      const char *again, bool has_position)
{
    for (int rep = 1; rep <= dose->repetitions; rep++) {
        int rc = FC_OK;
        if (rep > 1 && has_position) {
            if ((rc = plan_say(p, "Round %d of %d.", rep, dose->repetitions)) < 0 ||
                (rc = plan_say(p, "%s", again)) < 0)
                return rc;
            p->items[p->n - 1].position = true;
        }
        if (rep > 1 && !has_position)
            rc = plan_say(p, "Round %d of %d. Hold for %d seconds.", rep, dose->repetitions,
                          dose->hold_seconds);
        else
            rc = plan_say(p, "Hold for %d seconds.", dose->hold_seconds);
        if (rc < 0)
            return rc;
        plan_item *it = plan_add(p, PLAN_HOLD);
        if (!it)
            return FC_ERR_NOMEM;
        it->seconds = dose->hold_seconds;
        it->rep = rep;
        it->of = dose->repetitions;
        it->again = again;
        if (rep < dose->repetitions && ex->rest_seconds > 0) {
            if ((rc = plan_say(p, "Rest for %d seconds.", ex->rest_seconds)) < 0)
                return rc;
            if (!(it = plan_add(p, PLAN_REST)))
                return FC_ERR_NOMEM;
            it->seconds = ex->rest_seconds;
        }
    }
    return FC_OK;
}

static int plan_reps(plan_t *p, const routine_exercise *ex, const routine_dose *dose,
                     const char *again)
{
    int rc = plan_say(p, "%d repetitions. Follow my count.", dose->repetitions);
    if (rc < 0)
        return rc;
    plan_item *it = plan_add(p, PLAN_REPS);
    if (!it)
        return FC_ERR_NOMEM;
    it->of = dose->repetitions;
    it->tempo = ex->rep_seconds;
    it->again = again;
    return FC_OK;
}

/* One side of exercise e (or the whole of a one-sided one): every item of
 * it knows the exercise, the side and where this side began, the target of
 * "repeat" after pain. */
static int plan_side(plan_t *p, int e, const char *side, bool first_side)
{
    const routine_exercise *ex = &p->routine->exercises[e];
    const routine_dose *dose = &p->rx->doses[e];
    int block = p->n;
    const char *again = NULL;
    int rc;

    if (!plan_add(p, PLAN_EXERCISE))
        return FC_ERR_NOMEM;
    if ((rc = plan_instructions(p, ex, dose, side, first_side, &again)) < 0)
        return rc;
    rc = ex->kind == ROUTINE_HOLD
             ? plan_holds(p, ex, dose, again, position_step(ex) < ex->n_steps)
             : plan_reps(p, ex, dose, again);
    if (rc < 0)
        return rc;
    for (int i = block; i < p->n; i++) {
        p->items[i].exercise = e;
        p->items[i].side = side;
        p->items[i].block_start = block;
    }
    return FC_OK;
}

/* A two-sided exercise is done whole for the left side, then the right;
 * every item of it knows where it ends, the target of "next" after pain. */
static int plan_exercise(plan_t *p, int e)
{
    int start = p->n;
    int rc;
    if (p->routine->exercises[e].both_sides) {
        if ((rc = plan_side(p, e, "left", true)) < 0 || (rc = plan_side(p, e, "right", false)) < 0)
            return rc;
    } else if ((rc = plan_side(p, e, NULL, true)) < 0) {
        return rc;
    }
    for (int i = start; i < p->n; i++)
        p->items[i].exercise_end = p->n;
    return FC_OK;
}

/* The question, then a wait that only "next" ends well (session.c). */
static int plan_clearance(plan_t *p)
{
    int rc = plan_say(p, "%s", LINES[PLAN_LINE_ASK_CLEARANCE]);
    if (rc < 0)
        return rc;
    plan_item *it = plan_add(p, PLAN_CLEARANCE);
    if (!it)
        return FC_ERR_NOMEM;
    it->seconds = CLEARANCE_WAIT_S;
    return FC_OK;
}

static int plan_build(plan_t *p, bool ask_clearance)
{
    const routine_t *r = p->routine;
    int rc;
    if ((rc = plan_say(p, "%s.", r->title)) < 0 ||
        (rc = plan_lines(p, r->intro, r->n_intro)) < 0)
        return rc;
    if (ask_clearance && r->requires_clearance && (rc = plan_clearance(p)) < 0)
        return rc;
    for (size_t e = 0; e < r->n_exercises; e++)
        if (p->rx->doses[e].run && (rc = plan_exercise(p, (int)e)) < 0)
            return rc;
    if ((rc = plan_lines(p, r->closing, r->n_closing)) < 0)
        return rc;
    if (!plan_add(p, PLAN_SUMMARY) || !plan_add(p, PLAN_END))
        return FC_ERR_NOMEM;
    return FC_OK;
}

int plan_create(const routine_t *routine, const prescription_t *rx, bool ask_clearance,
                plan_t **out)
{
    int rc = FC_ERR_NOMEM;
    plan_t *p = calloc(1, sizeof *p);
    *out = NULL;
    if (!p)
        goto fail;
    p->routine = routine;
    p->rx = rx;
    if ((rc = plan_build(p, ask_clearance)) < 0)
        goto fail;
    *out = p;
    return FC_OK;
fail:
    plan_destroy(p);
    return rc;
}

void plan_destroy(plan_t *p)
{
    if (!p)
        return;
    for (int i = 0; i < p->n; i++)
        free(p->items[i].text);
    free(p->items);
    free(p);
}

/* ---- reading ---- */

int plan_length(const plan_t *p) { return p->n; }

const plan_item *plan_at(const plan_t *p, int i) { return &p->items[i]; }

static size_t n_pain_lines(const routine_t *r)
{
    size_t n = 0;
    for (size_t e = 0; e < r->n_exercises; e++)
        n += r->exercises[e].n_pain;
    return n;
}

size_t plan_prompt_count(const plan_t *p)
{
    size_t says = 0;
    for (int i = 0; i < p->n; i++)
        says += p->items[i].kind == PLAN_SAY;
    return says + n_pain_lines(p->routine) + PLAN_LINE_COUNT;
}

const char *plan_prompt(const plan_t *p, size_t i)
{
    for (int k = 0; k < p->n; k++)
        if (p->items[k].kind == PLAN_SAY && i-- == 0)
            return p->items[k].text;
    for (size_t e = 0; e < p->routine->n_exercises; e++) {
        const routine_exercise *ex = &p->routine->exercises[e];
        if (i < ex->n_pain)
            return ex->pain[i];
        i -= ex->n_pain;
    }
    return i < PLAN_LINE_COUNT ? LINES[i] : NULL;
}

const char *plan_count_text(const plan_item *it, int n, char *buf, size_t len)
{
    if (it->kind == PLAN_HOLD && n == it->seconds)
        snprintf(buf, len, "%d, release.", n);
    else if (it->kind == PLAN_REPS && n == it->of)
        snprintf(buf, len, "%d, and relax.", n);
    else
        snprintf(buf, len, "%d", n);
    return buf;
}

void plan_summary(const plan_t *p, const int *done, const int *pained, char *buf, size_t len)
{
    const routine_t *r = p->routine;
    int n = (int)r->n_exercises, n_done = 0, n_run = (int)prescription_exercises_run(p->rx);
    char names[PAIN_NAMES_MAX] = "";
    for (int e = 0; e < n; e++)
        n_done += done[e];
    for (int e = 0, first = 1; e < n; e++) {
        if (!pained[e])
            continue;
        size_t used = strlen(names);
        snprintf(names + used, sizeof names - used, "%s%s", first ? "" : ", ",
                 r->exercises[e].name);
        first = 0;
    }
    int used = snprintf(buf, len, "You completed %d of %d exercises.", n_done, n_run);
    if (used < 0 || (size_t)used >= len)
        return;
    if (names[0])
        snprintf(buf + used, len - (size_t)used,
                 " You reported pain during: %s. Please tell your physical therapist.", names);
    else if (pained[n])
        snprintf(buf + used, len - (size_t)used,
                 " You reported pain. Please tell your physical therapist.");
}
