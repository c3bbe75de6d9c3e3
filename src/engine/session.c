#include "session.h"

#include "fc_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The routine is flattened into a plan: a list of simple items walked by a
 * program counter. "next", "repeat" and "pain" then become jumps within it,
 * which is far easier to get right than nested loops with flags. */
typedef enum {
    P_EXERCISE, /* marker: an exercise (or one side of it) begins */
    P_SAY,      /* a narrated line */
    P_WAIT,     /* wait point: wait for "next", up to `seconds` */
    P_HOLD,     /* a counted hold of `seconds`, repetition rep of `of` */
    P_REST,     /* silence between holds */
    P_REPS,     /* `of` repetitions counted every `tempo` seconds */
    P_SUMMARY,  /* what was done, said at the end */
    P_END,
} plan_kind;

typedef struct {
    plan_kind kind;
    char *text;        /* P_SAY: owned */
    const char *again; /* P_HOLD/P_REPS: the instruction said again on "repeat" */
    int seconds, rep, of;
    double tempo;
    int exercise;      /* -1 outside exercises */
    const char *side;
    int block_start;   /* first item of this exercise side (its P_EXERCISE) */
    int exercise_end;  /* first item after this exercise, all sides */
} plan_item;

typedef enum { MODE_PLAN, MODE_INTERJECT, MODE_PAIN_WAIT, MODE_ENDED } mode_t_;
typedef enum { AFTER_RESUME, AFTER_ASK, AFTER_END } after_t;

#define MAX_LINES 12
#define MAX_CMDS 32
#define MAX_ACTIONS 8

struct session {
    session_config cfg;
    const routine_t *routine;
    plan_item *plan;
    int n_plan, cap_plan;

    mode_t_ mode;
    int pc;
    int64_t next_at;   /* when the current item, or its next sub-event, is due */
    int started;       /* current item has begun (HOLD/REPS/WAIT/REST) */
    int sub;           /* HOLD: next count; REPS: next rep */
    int64_t t0;        /* HOLD/REPS: start; WAIT/REST/PAIN_WAIT: deadline */
    int64_t now;       /* everything before this has been handed out */
    int awaiting_said;
    int64_t audio_at;  /* start of the audio awaiting session_said() */
    int64_t audio_end; /* end of the latest audio scheduled */

    /* Lines said out of the plan (pain guidance, repeats, the summary). */
    const char *lines[MAX_LINES];
    int n_lines, line_idx;
    after_t after;
    int resume_pc;
    session_end_reason end_reason;

    struct { fc_command cmd; int64_t t; } cmds[MAX_CMDS];
    int n_cmds;
    session_action actions[MAX_ACTIONS];
    int act_head, act_n;

    int cur_exercise;
    const char *cur_side;
    int *done;         /* per exercise: finished (1), or not (yet, or left after pain) */
    int *pained;
    int hold_rep, hold_of, hold_seconds;
    char text[64];
    char summary[512];
    char pain_names[256];
};

session_config session_config_default(void)
{
    session_config c = {16000, 500, 120};
    return c;
}

const char *session_end_reason_name(session_end_reason r)
{
    static const char *names[] = {"completed", "stopped", "interrupted", "error"};
    return (unsigned)r < 4 ? names[r] : "error";
}

static const char PAIN_GENERIC_1[] =
    "Come back slowly to a comfortable starting position.";
static const char PAIN_GENERIC_2[] =
    "Mild discomfort should settle once you are back there. If the pain is strong or "
    "does not go away, end the session and contact your physical therapist.";
static const char ASK_AFTER_PAIN[] =
    "When you are ready, say next to skip this exercise, repeat to try it again, "
    "or stop to finish.";
static const char NO_ANSWER[] = "I did not hear an answer, so we will finish here.";
static const char STOPPING[] = "Stopping here.";
static const char FINISHING[] = "Finishing here.";

/* ---- plan building ---- */

static plan_item *plan_add(session_t *s, plan_kind kind)
{
    if (s->n_plan == s->cap_plan) {
        int cap = s->cap_plan ? s->cap_plan * 2 : 128;
        plan_item *grown = realloc(s->plan, (size_t)cap * sizeof *grown);
        if (!grown)
            return NULL;
        s->plan = grown;
        s->cap_plan = cap;
    }
    plan_item *it = &s->plan[s->n_plan++];
    memset(it, 0, sizeof *it);
    it->kind = kind;
    it->exercise = -1;
    return it;
}

static int plan_say(session_t *s, const char *fmt, ...)
{
    plan_item *it = plan_add(s, P_SAY);
    if (!it)
        return FC_ERR_NOMEM;
    va_list ap;
    va_start(ap, fmt);
    int rc = vasprintf(&it->text, fmt, ap);
    va_end(ap);
    if (rc < 0) {
        it->text = NULL;
        s->n_plan--;
        return FC_ERR_NOMEM;
    }
    return FC_OK;
}

static int plan_step(session_t *s, const char *text, const char *side, const char **expanded)
{
    plan_item *it = plan_add(s, P_SAY);
    if (!it)
        return FC_ERR_NOMEM;
    it->text = routine_expand_side(text, side);
    if (!it->text) {
        s->n_plan--;
        return FC_ERR_NOMEM;
    }
    *expanded = it->text;
    return FC_OK;
}

static int plan_side(session_t *s, int e, const char *side, int first_side)
{
    const routine_exercise *ex = &s->routine->exercises[e];
    int block = s->n_plan;
    const char *last_step = ex->name;
    int rc;

    plan_item *it = plan_add(s, P_EXERCISE);
    if (!it)
        return FC_ERR_NOMEM;
    it->side = side;
    if (side)
        rc = plan_say(s, "%s, %s side.", ex->name, side);
    else
        rc = plan_say(s, "%s.", ex->name);
    if (rc < 0)
        return rc;
    if (first_side && (rc = plan_say(s, "%s", ex->purpose)) < 0)
        return rc;
    const char *position = NULL;
    for (size_t i = 0; i < ex->n_steps; i++) {
        if ((rc = plan_step(s, ex->steps[i].text, side, &last_step)) < 0)
            return rc;
        if (ex->steps[i].position)
            position = last_step;
        if (ex->steps[i].wait_seconds) {
            if (!(it = plan_add(s, P_WAIT)))
                return FC_ERR_NOMEM;
            it->seconds = ex->steps[i].wait_seconds;
        }
    }
    for (size_t i = 0; first_side && i < ex->n_avoid; i++)
        if ((rc = plan_say(s, "%s", ex->avoid[i])) < 0)
            return rc;

    if (ex->kind == ROUTINE_HOLD) {
        for (int rep = 1; rep <= ex->repetitions; rep++) {
            if (rep == 1)
                rc = plan_say(s, "Hold for %d seconds.", ex->hold_seconds);
            else
                rc = plan_say(s, "Round %d of %d. Hold for %d seconds.", rep, ex->repetitions,
                              ex->hold_seconds);
            if (rc < 0 || !(it = plan_add(s, P_HOLD)))
                return rc < 0 ? rc : FC_ERR_NOMEM;
            it->seconds = ex->hold_seconds;
            it->rep = rep;
            it->of = ex->repetitions;
            it->again = position ? position : last_step;
            if (rep < ex->repetitions && ex->rest_seconds > 0) {
                if ((rc = plan_say(s, "Rest for %d seconds.", ex->rest_seconds)) < 0)
                    return rc;
                if (!(it = plan_add(s, P_REST)))
                    return FC_ERR_NOMEM;
                it->seconds = ex->rest_seconds;
            }
        }
    } else {
        if ((rc = plan_say(s, "%d repetitions. Follow my count.", ex->repetitions)) < 0)
            return rc;
        if (!(it = plan_add(s, P_REPS)))
            return FC_ERR_NOMEM;
        it->of = ex->repetitions;
        it->tempo = ex->rep_seconds;
        it->again = position ? position : last_step;
    }
    for (int i = block; i < s->n_plan; i++) {
        s->plan[i].exercise = e;
        s->plan[i].side = side;
        s->plan[i].block_start = block;
    }
    return FC_OK;
}

static int plan_build(session_t *s)
{
    const routine_t *r = s->routine;
    int rc;
    if ((rc = plan_say(s, "%s.", r->title)) < 0)
        return rc;
    for (size_t i = 0; i < r->n_intro; i++)
        if ((rc = plan_say(s, "%s", r->intro[i])) < 0)
            return rc;
    for (size_t e = 0; e < r->n_exercises; e++) {
        int start = s->n_plan;
        if (r->exercises[e].both_sides) {
            if ((rc = plan_side(s, (int)e, "left", 1)) < 0 ||
                (rc = plan_side(s, (int)e, "right", 0)) < 0)
                return rc;
        } else if ((rc = plan_side(s, (int)e, NULL, 1)) < 0) {
            return rc;
        }
        for (int i = start; i < s->n_plan; i++)
            s->plan[i].exercise_end = s->n_plan;
    }
    for (size_t i = 0; i < r->n_closing; i++)
        if ((rc = plan_say(s, "%s", r->closing[i])) < 0)
            return rc;
    if (!plan_add(s, P_SUMMARY) || !plan_add(s, P_END))
        return FC_ERR_NOMEM;
    return FC_OK;
}

int session_create(const routine_t *routine, const session_config *cfg, session_t **out)
{
    int rc = FC_ERR_NOMEM;
    session_t *s = calloc(1, sizeof *s);
    *out = NULL;
    if (!s)
        return FC_ERR_NOMEM;
    s->cfg = cfg ? *cfg : session_config_default();
    s->routine = routine;
    s->cur_exercise = -1;
    s->done = calloc(routine->n_exercises + 1, sizeof *s->done);
    s->pained = calloc(routine->n_exercises + 1, sizeof *s->pained);
    if (!s->done || !s->pained)
        goto fail;
    if ((rc = plan_build(s)) < 0)
        goto fail;
    s->mode = MODE_PLAN;
    *out = s;
    return FC_OK;
fail:
    session_destroy(s);
    return rc;
}

void session_destroy(session_t *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->n_plan; i++)
        free(s->plan[i].text);
    free(s->plan);
    free(s->done);
    free(s->pained);
    free(s);
}

/* ---- actions ---- */

static session_action *push(session_t *s, session_action_kind kind, int64_t at)
{
    /* The queue only ever holds the few actions one event produces. */
    session_action *a = &s->actions[(s->act_head + s->act_n) % MAX_ACTIONS];
    if (s->act_n < MAX_ACTIONS)
        s->act_n++;
    memset(a, 0, sizeof *a);
    a->kind = kind;
    a->at = at;
    a->exercise = s->cur_exercise;
    a->side = s->cur_side;
    return a;
}

static void push_say(session_t *s, int64_t at, const char *text)
{
    session_action *a = push(s, SESSION_ACT_SAY, at);
    a->text = text;
    s->awaiting_said = 1;
    s->audio_at = at;
}

static int64_t secs(const session_t *s, double seconds)
{
    return (int64_t)(seconds * s->cfg.sample_rate + 0.5);
}

static int64_t gap(const session_t *s) { return secs(s, s->cfg.gap_ms / 1000.0); }

static void build_summary(session_t *s)
{
    int n = (int)s->routine->n_exercises, done = 0;
    for (int e = 0; e < n; e++)
        done += s->done[e];
    s->pain_names[0] = '\0';
    for (int e = 0, first = 1; e < n; e++) {
        if (!s->pained[e])
            continue;
        size_t len = strlen(s->pain_names);
        snprintf(s->pain_names + len, sizeof s->pain_names - len, "%s%s", first ? "" : ", ",
                 s->routine->exercises[e].name);
        first = 0;
    }
    int len = snprintf(s->summary, sizeof s->summary, "You completed %d of %d exercises.", done,
                       n);
    if (s->pain_names[0] && len > 0 && (size_t)len < sizeof s->summary)
        snprintf(s->summary + len, sizeof s->summary - (size_t)len,
                 " You reported pain during: %s. Please tell your physical therapist.",
                 s->pain_names);
}

static void interject(session_t *s, int64_t at, after_t after)
{
    s->mode = MODE_INTERJECT;
    s->line_idx = 0;
    s->after = after;
    s->next_at = at;
}

static void add_line(session_t *s, const char *line)
{
    if (s->n_lines < MAX_LINES)
        s->lines[s->n_lines++] = line;
}

/* The current exercise ran to its end (one left after pain has no current
 * exercise any more, so it is not counted). */
static void leave_exercise(session_t *s)
{
    if (s->cur_exercise >= 0)
        s->done[s->cur_exercise] = 1;
}

static void enter(session_t *s, int pc, int64_t at)
{
    s->mode = MODE_PLAN;
    s->pc = pc;
    s->next_at = at;
    s->started = 0;
    s->sub = 0;
    s->hold_seconds = 0;
}

static void cut(session_t *s, int64_t at)
{
    push(s, SESSION_ACT_CUT, at);
    s->audio_end = at;
    s->hold_seconds = 0;
}

static void finish(session_t *s, int64_t at, session_end_reason reason, int speak)
{
    cut(s, at);
    s->n_lines = 0;
    s->end_reason = reason;
    if (speak) {
        build_summary(s);
        add_line(s, reason == SESSION_END_STOPPED ? STOPPING : FINISHING);
        add_line(s, s->summary);
        interject(s, at, AFTER_END);
    } else {
        session_action *a = push(s, SESSION_ACT_END, at);
        a->reason = reason;
        s->mode = MODE_ENDED;
    }
}

static void on_pain(session_t *s, int64_t at)
{
    const plan_item *it = &s->plan[s->pc];
    int e = s->mode == MODE_PLAN || s->mode == MODE_INTERJECT ? it->exercise : s->cur_exercise;
    session_action *a;
    int holding = s->mode == MODE_PLAN && it->kind == P_HOLD && s->started;

    cut(s, at);
    a = push(s, SESSION_ACT_PAIN, at);
    a->exercise = e;
    a->n = holding || (s->mode == MODE_PLAN && it->kind == P_REPS && s->started) ? s->hold_rep : 0;
    a->of = s->hold_of;
    a->seconds = holding ? (int)((at - s->t0) / s->cfg.sample_rate) : 0;
    s->n_lines = 0;
    if (e >= 0) {
        const routine_exercise *ex = &s->routine->exercises[e];
        s->pained[e] = 1;
        for (size_t i = 0; i < ex->n_pain; i++)
            add_line(s, ex->pain[i]);
    } else {
        add_line(s, PAIN_GENERIC_1);
        add_line(s, PAIN_GENERIC_2);
    }
    add_line(s, ASK_AFTER_PAIN);
    s->resume_pc = e >= 0 ? it->block_start : s->pc;
    interject(s, at, AFTER_ASK);
}

static void on_next(session_t *s, int64_t at)
{
    const plan_item *it = &s->plan[s->pc];
    switch (s->mode) {
    case MODE_PAIN_WAIT:
        /* The pained exercise is skipped entirely, every side of it, and
         * does not count as done. */
        s->cur_exercise = -1;
        s->cur_side = NULL;
        enter(s, it->exercise >= 0 ? it->exercise_end : s->pc, at);
        return;
    case MODE_INTERJECT:
        if (s->after == AFTER_END)
            return; /* the closing line is short and must be heard */
        cut(s, at);
        if (s->after == AFTER_ASK) {
            s->line_idx = s->n_lines - 1; /* jump to the question */
            s->next_at = at;
        } else {
            enter(s, s->resume_pc, at);
        }
        return;
    case MODE_PLAN:
        if (it->kind == P_SUMMARY || it->kind == P_END)
            return;
        if (s->awaiting_said || it->kind == P_SAY || it->kind == P_HOLD || it->kind == P_REPS)
            cut(s, at);
        enter(s, s->pc + 1, at);
        return;
    case MODE_ENDED:
        return;
    }
}

static void on_repeat(session_t *s, int64_t at)
{
    const plan_item *it = &s->plan[s->pc];
    switch (s->mode) {
    case MODE_PAIN_WAIT:
        enter(s, s->resume_pc, at);
        return;
    case MODE_INTERJECT:
        if (s->after == AFTER_END)
            return;
        cut(s, at);
        s->line_idx = 0;
        s->next_at = at;
        return;
    case MODE_PLAN:
        break;
    case MODE_ENDED:
        return;
    }
    cut(s, at);
    switch (it->kind) {
    case P_SAY:
        enter(s, s->pc, at);
        return;
    case P_WAIT:
        enter(s, s->pc - 1, at); /* the step before a wait point is its instruction */
        return;
    case P_HOLD:
    case P_REPS:
        /* Say the position again, then restart this hold from its
         * announcement, so the count begins again at one. */
        s->n_lines = 0;
        add_line(s, it->again);
        s->resume_pc = s->pc - 1;
        interject(s, at, AFTER_RESUME);
        return;
    case P_REST:
        /* A rest always follows its hold and the line announcing the rest. */
        s->n_lines = 0;
        add_line(s, s->plan[s->pc - 2].again);
        s->resume_pc = s->pc + 1;
        interject(s, at, AFTER_RESUME);
        return;
    default:
        enter(s, s->pc, at);
        return;
    }
}

static void handle_command(session_t *s, fc_command cmd, int64_t at)
{
    if (s->mode == MODE_ENDED)
        return;
    if (s->mode == MODE_INTERJECT && s->after == AFTER_END)
        return; /* already closing: nothing more to do */
    switch (cmd) {
    case FC_CMD_STOP:
        finish(s, at, SESSION_END_STOPPED, 1);
        break;
    case FC_CMD_PAIN:
        on_pain(s, at);
        break;
    case FC_CMD_NEXT:
        on_next(s, at);
        break;
    case FC_CMD_REPEAT:
        on_repeat(s, at);
        break;
    case FC_CMD_NONE:
        break; /* not a command */
    }
}

/* ---- time ---- */

/* The earliest sample at which the session acts without any new input, or
 * INT64_MAX when it only waits for input. */
static int64_t session_next_due(const session_t *s)
{
    if (s->mode == MODE_ENDED)
        return INT64_MAX;
    if (s->mode == MODE_PAIN_WAIT)
        return s->t0;
    if (s->mode == MODE_PLAN && s->started) {
        const plan_item *it = &s->plan[s->pc];
        if (it->kind == P_HOLD)
            return s->t0 + (int64_t)s->sub * s->cfg.sample_rate;
        if (it->kind == P_REPS)
            return s->t0 + secs(s, it->tempo * (s->sub - 1));
        return s->t0; /* WAIT and REST deadlines */
    }
    return s->next_at;
}

static void step_plan(session_t *s, int64_t due)
{
    plan_item *it = &s->plan[s->pc];
    session_action *a;
    switch (it->kind) {
    case P_EXERCISE:
        if (it->exercise != s->cur_exercise)
            leave_exercise(s);
        s->cur_exercise = it->exercise;
        s->cur_side = it->side;
        a = push(s, SESSION_ACT_EXERCISE, due);
        a->n = it->exercise;
        s->pc++;
        s->next_at = due;
        break;
    case P_SAY:
        if (!s->started)
            push_say(s, due, it->text);
        else
            enter(s, s->pc + 1, due);
        break;
    case P_WAIT:
        if (!s->started) {
            a = push(s, SESSION_ACT_WAIT, due);
            a->text = "next";
            s->started = 1;
            s->t0 = due + secs(s, it->seconds);
        } else {
            enter(s, s->pc + 1, due);
        }
        break;
    case P_REST:
        if (!s->started) {
            s->started = 1;
            s->t0 = due + secs(s, it->seconds);
        } else {
            enter(s, s->pc + 1, due);
        }
        break;
    case P_HOLD:
        if (!s->started) {
            s->started = 1;
            s->t0 = due;
            s->sub = 1;
            s->hold_rep = it->rep;
            s->hold_of = it->of;
            s->hold_seconds = it->seconds;
            a = push(s, SESSION_ACT_HOLD, due);
            a->seconds = it->seconds;
            a->n = it->rep;
            a->of = it->of;
            break;
        }
        a = push(s, SESSION_ACT_COUNT, due);
        a->n = s->sub;
        /* The last three seconds and the release sound different, so the
         * end of a hold is clear without counting along. */
        a->cue = s->sub > it->seconds - 3;
        if (s->sub == it->seconds) {
            snprintf(s->text, sizeof s->text, "%d, release.", s->sub);
        } else {
            snprintf(s->text, sizeof s->text, "%d", s->sub);
            a->max_samples = secs(s, 0.9);
        }
        a->text = s->text;
        s->awaiting_said = 1;
        s->audio_at = due;
        break;
    case P_REPS:
        if (!s->started) {
            s->started = 1;
            s->t0 = due;
            s->sub = 1;
            s->hold_rep = 1;
            s->hold_of = it->of;
        }
        a = push(s, SESSION_ACT_REP, due);
        a->n = s->sub;
        a->of = it->of;
        s->hold_rep = s->sub;
        if (s->sub == it->of) {
            snprintf(s->text, sizeof s->text, "%d, and relax.", s->sub);
            a->cue = 1;
        } else {
            snprintf(s->text, sizeof s->text, "%d", s->sub);
            a->max_samples = secs(s, it->tempo) - secs(s, 0.1);
        }
        a->text = s->text;
        s->awaiting_said = 1;
        s->audio_at = due;
        break;
    case P_SUMMARY:
        leave_exercise(s);
        s->cur_exercise = -1;
        s->cur_side = NULL;
        build_summary(s);
        push_say(s, due, s->summary);
        break;
    case P_END:
        a = push(s, SESSION_ACT_END, due);
        a->reason = SESSION_END_COMPLETED;
        s->mode = MODE_ENDED;
        break;
    }
}

static void step_interject(session_t *s, int64_t due)
{
    if (s->line_idx < s->n_lines) {
        push_say(s, due, s->lines[s->line_idx]);
        return;
    }
    session_action *a;
    switch (s->after) {
    case AFTER_RESUME:
        enter(s, s->resume_pc, due);
        break;
    case AFTER_ASK:
        a = push(s, SESSION_ACT_WAIT, due);
        a->text = "command";
        s->mode = MODE_PAIN_WAIT;
        s->t0 = due + secs(s, s->cfg.answer_timeout_s);
        break;
    case AFTER_END:
        a = push(s, SESSION_ACT_END, due);
        a->reason = s->end_reason;
        s->mode = MODE_ENDED;
        break;
    }
}

static void step(session_t *s, int64_t due)
{
    switch (s->mode) {
    case MODE_PLAN:
        step_plan(s, due);
        break;
    case MODE_INTERJECT:
        step_interject(s, due);
        break;
    case MODE_PAIN_WAIT:
        /* Nobody answered: ending is the safe choice after pain. */
        s->n_lines = 0;
        s->end_reason = SESSION_END_STOPPED;
        build_summary(s);
        add_line(s, NO_ANSWER);
        add_line(s, s->summary);
        interject(s, due, AFTER_END);
        break;
    case MODE_ENDED:
        break;
    }
}

int session_said(session_t *s, int64_t samples)
{
    if (!s->awaiting_said)
        return FC_ERR_STATE;
    s->awaiting_said = 0;
    int64_t end = s->audio_at + samples;
    if (end > s->audio_end)
        s->audio_end = end;
    if (s->mode == MODE_INTERJECT) {
        s->line_idx++;
        s->next_at = end + gap(s);
        return FC_OK;
    }
    plan_item *it = &s->plan[s->pc];
    switch (it->kind) {
    case P_SAY:
        /* The line stays current until its pause is over, so "repeat"
         * while it plays says this line again, not the one after. */
        s->started = 1;
        s->t0 = end + gap(s);
        break;
    case P_SUMMARY:
        enter(s, s->pc + 1, end + gap(s));
        break;
    case P_HOLD:
        if (s->sub == it->seconds) {
            enter(s, s->pc + 1, end + gap(s));
        } else {
            s->sub++;
        }
        break;
    case P_REPS:
        if (s->sub == it->of) {
            int64_t tempo_end = s->t0 + secs(s, it->tempo * it->of);
            enter(s, s->pc + 1, (end + gap(s) > tempo_end ? end + gap(s) : tempo_end));
        } else {
            s->sub++;
        }
        break;
    default:
        break;
    }
    return FC_OK;
}

int session_post_command(session_t *s, fc_command cmd, int64_t t)
{
    if (s->n_cmds == MAX_CMDS)
        return FC_ERR_FULL;
    s->cmds[s->n_cmds].cmd = cmd;
    s->cmds[s->n_cmds].t = t;
    s->n_cmds++;
    return FC_OK;
}

static int64_t effective(const session_t *s, int64_t t) { return t > s->now ? t : s->now; }

int session_post_interrupt(session_t *s, int64_t t)
{
    if (s->mode != MODE_ENDED) {
        s->awaiting_said = 0;
        s->act_n = 0;
        finish(s, effective(s, t), SESSION_END_INTERRUPTED, 0);
    }
    return FC_OK;
}

int session_post_error(session_t *s, int64_t t)
{
    if (s->mode != MODE_ENDED) {
        s->awaiting_said = 0;
        s->act_n = 0;
        finish(s, effective(s, t), SESSION_END_ERROR, 0);
    }
    return FC_OK;
}

int session_poll(session_t *s, int64_t until, session_action *out)
{
    for (;;) {
        if (s->act_n > 0) {
            *out = s->actions[s->act_head];
            s->act_head = (s->act_head + 1) % MAX_ACTIONS;
            s->act_n--;
            return 1;
        }
        if (s->awaiting_said)
            return FC_ERR_STATE;
        if (s->n_cmds > 0 && effective(s, s->cmds[0].t) < until) {
            fc_command cmd = s->cmds[0].cmd;
            int64_t at = effective(s, s->cmds[0].t);
            memmove(s->cmds, s->cmds + 1, (size_t)(s->n_cmds - 1) * sizeof s->cmds[0]);
            s->n_cmds--;
            handle_command(s, cmd, at);
            continue;
        }
        if (s->mode == MODE_ENDED)
            break;
        int64_t due = session_next_due(s);
        if (due >= until)
            break;
        step(s, due);
    }
    if (until > s->now)
        s->now = until;
    return 0;
}

static const char *const FIXED_LINES[] = {PAIN_GENERIC_1, PAIN_GENERIC_2, ASK_AFTER_PAIN,
                                          NO_ANSWER, STOPPING, FINISHING};
#define N_FIXED (sizeof FIXED_LINES / sizeof FIXED_LINES[0])

static size_t n_pain_lines(const session_t *s)
{
    size_t n = 0;
    for (size_t e = 0; e < s->routine->n_exercises; e++)
        n += s->routine->exercises[e].n_pain;
    return n;
}

size_t session_prompt_count(const session_t *s)
{
    size_t says = 0;
    for (int i = 0; i < s->n_plan; i++)
        says += s->plan[i].kind == P_SAY;
    return says + n_pain_lines(s) + N_FIXED;
}

const char *session_prompt(const session_t *s, size_t i)
{
    for (int k = 0; k < s->n_plan; k++)
        if (s->plan[k].kind == P_SAY && i-- == 0)
            return s->plan[k].text;
    for (size_t e = 0; e < s->routine->n_exercises; e++) {
        const routine_exercise *ex = &s->routine->exercises[e];
        if (i < ex->n_pain)
            return ex->pain[i];
        i -= ex->n_pain;
    }
    return i < N_FIXED ? FIXED_LINES[i] : NULL;
}

session_progress session_get_progress(const session_t *s)
{
    session_progress p;
    memset(&p, 0, sizeof p);
    p.exercise = s->cur_exercise;
    p.name = s->cur_exercise >= 0 ? s->routine->exercises[s->cur_exercise].name : NULL;
    p.side = s->cur_side;
    p.rep = s->hold_rep;
    p.of = s->hold_of;
    p.hold_seconds = s->hold_seconds;
    p.hold_start = s->t0;
    for (size_t e = 0; e < s->routine->n_exercises; e++)
        p.exercises_done += s->done[e];
    p.exercises_total = (int)s->routine->n_exercises;
    p.ended = s->mode == MODE_ENDED;
    return p;
}
