#include "session.h"

#include "fc_clock.h"
#include "fc_error.h"
#include "internal/plan.h"
#include "internal/session_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The session walks its plan (internal/plan.h): commands are jumps in it,
 * and lines said out of it (pain, repeats, the closing) interject. */


session_config session_config_default(void)
{
    session_config c = {FC_RATE, DEFAULT_GAP_MS, DEFAULT_ANSWER_TIMEOUT_S, NULL, false, 0};
    return c;
}

const char *session_end_reason_name(session_end_reason r)
{
    static const char *const names[] = {"completed", "stopped", "interrupted", "error",
                                        "not_cleared"};
    return (unsigned)r < sizeof names / sizeof names[0] ? names[r] : "error";
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
    /* Nothing before the start is handed out; the first line is due then. */
    s->now = s->next_at = s->t0 = s->cfg.start_at > 0 ? s->cfg.start_at : 0;
    s->done = calloc(routine->n_exercises + 1, sizeof *s->done);
    s->pained = calloc(routine->n_exercises + 1, sizeof *s->pained);
    s->rated = calloc(routine->n_exercises + 1, sizeof *s->rated);
    if (!s->done || !s->pained || !s->rated)
        goto fail;
    s->rx = s->cfg.prescription;
    if (!s->rx) {
        prescription_t *mine = NULL;
        if ((rc = prescription_default(routine, &mine)) < 0)
            goto fail;
        s->rx = mine;
        s->own_rx = true;
    }
    if ((rc = plan_create(routine, s->rx, !s->cfg.cleared, &s->plan)) < 0)
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
    plan_destroy(s->plan);
    if (s->own_rx)
        prescription_destroy((prescription_t *)s->rx);
    free(s->done);
    free(s->pained);
    free(s->rated);
    free(s);
}

/* ---- actions ---- */

const plan_item *ses_current(const session_t *s) { return plan_at(s->plan, s->pc); }

session_action *ses_push(session_t *s, session_action_kind kind, int64_t at)
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

/* An action with audio: nothing more happens until session_said() tells
 * how long it lasts. */
static session_action *push_audio(session_t *s, session_action_kind kind, int64_t at,
                                  const char *text)
{
    session_action *a = ses_push(s, kind, at);
    a->text = text;
    s->awaiting_said = 1;
    s->audio_at = at;
    return a;
}

static void push_end(session_t *s, int64_t at, session_end_reason reason)
{
    session_action *a = ses_push(s, SESSION_ACT_END, at);
    a->reason = reason;
    s->mode = MODE_ENDED;
}

/* Seconds on the session clock, which runs at cfg.sample_rate. */
static int64_t secs(const session_t *s, double seconds)
{
    return (int64_t)(seconds * s->cfg.sample_rate + 0.5);
}

static int64_t gap(const session_t *s) { return secs(s, s->cfg.gap_ms / 1000.0); }

void ses_interject(session_t *s, int64_t at, after_t after)
{
    s->mode = MODE_INTERJECT;
    s->line_idx = 0;
    s->after = after;
    s->next_at = at;
}

void ses_add_line(session_t *s, const char *line)
{
    if (s->n_lines < MAX_LINES)
        s->lines[s->n_lines++] = line;
}

/* first: PLAN_LINE_COUNT for none. Without clearance nothing ran, so
 * there is nothing to sum up. */
void ses_closing(session_t *s, int64_t at, session_end_reason reason, plan_line first)
{
    s->n_lines = 0;
    s->end_reason = reason;
    plan_summary(s->plan, s->done, s->pained, s->rated, s->summary, sizeof s->summary);
    if (first < PLAN_LINE_COUNT)
        ses_add_line(s, plan_line_text(first));
    if (reason != SESSION_END_NOT_CLEARED)
        ses_add_line(s, s->summary);
    ses_interject(s, at, AFTER_END);
}

/* The current exercise ran to its end (one left after pain has no current
 * exercise any more, so it is not counted). */
static void leave_exercise(session_t *s)
{
    if (s->cur_exercise >= 0)
        s->done[s->cur_exercise] = 1;
}

void ses_enter(session_t *s, int pc, int64_t at)
{
    s->mode = MODE_PLAN;
    s->pc = pc;
    s->next_at = at;
    s->started = 0;
    s->sub = 0;
    s->hold_seconds = 0;
    s->reminded = false;
}

void ses_cut(session_t *s, int64_t at)
{
    ses_push(s, SESSION_ACT_CUT, at);
    s->audio_end = at;
    s->hold_seconds = 0;
}

/* Ends the session at `at`: with the closing lines when speak, else at
 * once. */
void ses_finish(session_t *s, int64_t at, session_end_reason reason, int speak)
{
    ses_cut(s, at);
    if (speak) {
        ses_closing(s, at, reason,
                    reason == SESSION_END_STOPPED ? PLAN_LINE_STOPPING : PLAN_LINE_FINISHING);
    } else {
        s->n_lines = 0;
        s->end_reason = reason;
        push_end(s, at, reason);
    }
}

/* ---- time ---- */

/* The earliest sample at which the session acts without any new input, or
 * INT64_MAX when it only waits for input. */
static int64_t session_next_due(const session_t *s)
{
    if (s->mode == MODE_ENDED)
        return INT64_MAX;
    if (s->mode == MODE_PAIN_WAIT && ses_device_lost(s))
        return INT64_MAX; /* no answer can come: wait for the device */
    if (s->mode == MODE_PAIN_WAIT || s->mode == MODE_HURT_WAIT || s->mode == MODE_RATE_WAIT)
        return s->t0;
    if (s->mode == MODE_PLAN && s->started) {
        const plan_item *it = ses_current(s);
        if (it->kind == PLAN_HOLD)
            return s->t0 + (int64_t)s->sub * s->cfg.sample_rate;
        if (it->kind == PLAN_REPS)
            return s->t0 + secs(s, it->tempo * (s->sub - 1));
        if (it->kind == PLAN_WAIT && !s->reminded && it->seconds > REMIND_AFTER_S)
            return s->t0 - secs(s, it->seconds - REMIND_AFTER_S);
        return s->t0; /* WAIT, REST and CLEARANCE deadlines */
    }
    return s->next_at;
}

static void step_exercise(session_t *s, const plan_item *it, int64_t due)
{
    if (it->exercise != s->cur_exercise)
        leave_exercise(s);
    s->cur_exercise = it->exercise;
    s->cur_side = it->side;
    session_action *a = ses_push(s, SESSION_ACT_EXERCISE, due);
    a->n = it->exercise;
    s->pc++;
    s->next_at = due;
}

/* A wait point or a rest: it begins, then its deadline (or "next") ends it.
 * A long wait point reminds the user once what to say. */
static void step_pause(session_t *s, const plan_item *it, int64_t due)
{
    if (s->started && due < s->t0) {
        s->reminded = true;
        push_audio(s, SESSION_ACT_SAY, due, plan_line_text(PLAN_LINE_WAIT_REMINDER));
        return;
    }
    if (s->started) {
        if (it->kind == PLAN_WAIT)
            ses_push(s, SESSION_ACT_WAITED, due)->text = "timeout";
        ses_enter(s, s->pc + 1, due);
        return;
    }
    if (it->kind == PLAN_WAIT)
        ses_push(s, SESSION_ACT_WAIT, due)->text = "next";
    s->started = 1;
    s->t0 = due + secs(s, it->seconds);
}

/* The clearance question has been asked: a "next" goes on
 * (session_commands.c); silence until the deadline ends the session. */
static void step_clearance(session_t *s, const plan_item *it, int64_t due)
{
    if (s->started) {
        ses_push(s, SESSION_ACT_WAITED, due)->text = "timeout";
        ses_closing(s, due, SESSION_END_NOT_CLEARED, PLAN_LINE_NOT_CLEARED);
        return;
    }
    ses_push(s, SESSION_ACT_WAIT, due)->text = "clearance";
    s->started = 1;
    s->t0 = due + secs(s, it->seconds);
}

/* A hold begins, then counts once a second: session_said() moves to the
 * next count. */
static void step_hold(session_t *s, const plan_item *it, int64_t due)
{
    session_action *a;
    if (!s->started) {
        s->started = 1;
        s->t0 = due;
        s->sub = 1;
        s->hold_rep = it->rep;
        s->hold_of = it->of;
        s->hold_seconds = it->seconds;
        a = ses_push(s, SESSION_ACT_HOLD, due);
        a->seconds = it->seconds;
        a->n = it->rep;
        a->of = it->of;
        return;
    }
    a = push_audio(s, SESSION_ACT_COUNT, due, plan_count_text(it, s->sub, s->text, sizeof s->text));
    a->n = s->sub;
    /* The last seconds and the release sound different, so the end of a
     * hold is clear without counting along. */
    a->cue = s->sub > it->seconds - CUE_SECONDS;
    a->last = s->sub == it->seconds;
    if (s->sub != it->seconds)
        a->max_samples = secs(s, COUNT_MAX_SECONDS);
}

/* Repetitions count at the tempo from the first: session_said() moves to
 * the next. */
static void step_reps(session_t *s, const plan_item *it, int64_t due)
{
    if (!s->started) {
        s->started = 1;
        s->t0 = due;
        s->sub = 1;
        s->hold_rep = 1;
        s->hold_of = it->of;
    }
    session_action *a =
        push_audio(s, SESSION_ACT_REP, due, plan_count_text(it, s->sub, s->text, sizeof s->text));
    a->n = s->sub;
    a->of = it->of;
    s->hold_rep = s->sub;
    if (s->sub == it->of)
        a->cue = a->last = 1;
    else
        a->max_samples = secs(s, it->tempo) - secs(s, REP_MARGIN_SECONDS);
}

static void step_plan(session_t *s, int64_t due)
{
    const plan_item *it = ses_current(s);
    switch (it->kind) {
    case PLAN_EXERCISE:
        step_exercise(s, it, due);
        break;
    case PLAN_SAY:
        /* Said; once its pause is over (session_said), on to the next. */
        if (!s->started)
            push_audio(s, SESSION_ACT_SAY, due, it->text)->position = it->position;
        else
            ses_enter(s, s->pc + 1, due);
        break;
    case PLAN_WAIT:
    case PLAN_REST:
        step_pause(s, it, due);
        break;
    case PLAN_CLEARANCE:
        step_clearance(s, it, due);
        break;
    case PLAN_HOLD:
        step_hold(s, it, due);
        break;
    case PLAN_REPS:
        step_reps(s, it, due);
        break;
    case PLAN_SUMMARY:
        leave_exercise(s);
        s->cur_exercise = -1;
        s->cur_side = NULL;
        plan_summary(s->plan, s->done, s->pained, s->rated, s->summary, sizeof s->summary);
        push_audio(s, SESSION_ACT_SAY, due, s->summary);
        break;
    case PLAN_END:
        push_end(s, due, SESSION_END_COMPLETED);
        break;
    }
}

static void step_interject(session_t *s, int64_t due)
{
    if (s->line_idx < s->n_lines) {
        push_audio(s, SESSION_ACT_SAY, due, s->lines[s->line_idx]);
        return;
    }
    session_action *a;
    switch (s->after) {
    case AFTER_RESUME:
        ses_enter(s, s->resume_pc, due);
        break;
    case AFTER_ASK:
        a = ses_push(s, SESSION_ACT_WAIT, due);
        a->text = "command";
        s->mode = MODE_PAIN_WAIT;
        s->t0 = due + secs(s, s->cfg.answer_timeout_s);
        break;
    case AFTER_RATE:
        ses_push(s, SESSION_ACT_WAIT, due)->text = "rating";
        s->mode = MODE_RATE_WAIT;
        s->t0 = due + secs(s, RATE_WAIT_S);
        /* A number heard from before the question ended is its own echo
         * ("... one to ten?"), never the answer. */
        s->rate_from = s->audio_end;
        break;
    case AFTER_HURT:
        ses_push(s, SESSION_ACT_WAIT, due)->text = "pain";
        s->mode = MODE_HURT_WAIT;
        s->t0 = due + secs(s, HURT_WAIT_S);
        break;
    case AFTER_END:
        push_end(s, due, s->end_reason);
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
        ses_closing(s, due, SESSION_END_STOPPED, PLAN_LINE_NO_ANSWER);
        break;
    case MODE_RATE_WAIT:
        /* No answer is recorded as none, never as a guess. */
        ses_rated(s, 0, SESSION_SOURCE_VOICE, due);
        ses_ask_after_pain(s, due, NULL);
        break;
    case MODE_HURT_WAIT:
        /* Silence: the stop was only a stop. */
        ses_closing(s, due, s->end_reason, PLAN_LINE_COUNT);
        break;
    case MODE_ENDED:
        break;
    }
}

/* The audio of a plan item ends at `end`: its next sub-event, or the next
 * item, is due. */
static void plan_audio_ended(session_t *s, int64_t end)
{
    const plan_item *it = ses_current(s);
    switch (it->kind) {
    case PLAN_SAY:
        /* The line stays current until its pause is over, so "repeat"
         * while it plays says this line again, not the one after. */
        s->started = 1;
        s->t0 = end + gap(s);
        break;
    case PLAN_SUMMARY:
        ses_enter(s, s->pc + 1, end + gap(s));
        break;
    case PLAN_HOLD:
        if (s->sub == it->seconds)
            ses_enter(s, s->pc + 1, end + gap(s));
        else
            s->sub++;
        break;
    case PLAN_REPS:
        if (s->sub == it->of) {
            /* The last count may run past the tempo, but never ends the
             * set before the tempo does. */
            int64_t tempo_end = s->t0 + secs(s, it->tempo * it->of);
            ses_enter(s, s->pc + 1, end + gap(s) > tempo_end ? end + gap(s) : tempo_end);
        } else {
            s->sub++;
        }
        break;
    default:
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
    } else {
        plan_audio_ended(s, end);
    }
    return FC_OK;
}

static int post_event(session_t *s, fc_command cmd, bool unsure, session_source source,
                      int hearing, int64_t t)
{
    if (s->n_cmds == MAX_CMDS)
        return FC_ERR_FULL;
    s->cmds[s->n_cmds].number = 0;
    s->cmds[s->n_cmds].start = t;
    s->cmds[s->n_cmds].cmd = cmd;
    s->cmds[s->n_cmds].unsure = unsure;
    s->cmds[s->n_cmds].source = source;
    s->cmds[s->n_cmds].hearing = hearing;
    s->cmds[s->n_cmds].t = t;
    s->n_cmds++;
    return FC_OK;
}

static int post(session_t *s, fc_command cmd, bool unsure, session_source source, int64_t t)
{
    return post_event(s, cmd, unsure, source, HEARING_SAME, t);
}

int session_post_deaf(session_t *s, int64_t t)
{
    return post_event(s, FC_CMD_NONE, false, SESSION_SOURCE_VOICE, HEARING_LOST, t);
}

int session_post_hearing(session_t *s, int64_t t)
{
    return post_event(s, FC_CMD_NONE, false, SESSION_SOURCE_VOICE, HEARING_BACK, t);
}

int session_post_mute(session_t *s, int64_t t)
{
    return post_event(s, FC_CMD_NONE, false, SESSION_SOURCE_VOICE, SPEAKER_LOST, t);
}

int session_post_unmute(session_t *s, int64_t t)
{
    return post_event(s, FC_CMD_NONE, false, SESSION_SOURCE_VOICE, SPEAKER_BACK, t);
}

int session_post_command(session_t *s, fc_command cmd, int64_t t)
{
    return post(s, cmd, false, SESSION_SOURCE_VOICE, t);
}

int session_post_key(session_t *s, fc_command cmd, int64_t t)
{
    return post(s, cmd, false, SESSION_SOURCE_KEY, t);
}

int session_post_rating(session_t *s, int rating, session_source source, int64_t start,
                        int64_t t)
{
    if (rating < 1 || rating > PLAN_RATING_MAX)
        return FC_ERR_ARG;
    int rc = post_event(s, FC_CMD_NONE, false, source, HEARING_RATING, t);
    if (rc == FC_OK) {
        s->cmds[s->n_cmds - 1].number = rating;
        s->cmds[s->n_cmds - 1].start = start;
    }
    return rc;
}

int session_post_unsure(session_t *s, fc_command word, int64_t t)
{
    return post(s, word, true, SESSION_SOURCE_VOICE, t);
}

static int64_t effective(const session_t *s, int64_t t) { return t > s->now ? t : s->now; }

/* Ends at once, dropping whatever was queued and not yet polled. */
static void end_now(session_t *s, int64_t t, session_end_reason reason)
{
    if (s->mode == MODE_ENDED)
        return;
    s->awaiting_said = 0;
    s->act_n = 0;
    ses_finish(s, effective(s, t), reason, 0);
}

int session_post_interrupt(session_t *s, int64_t t)
{
    end_now(s, t, SESSION_END_INTERRUPTED);
    return FC_OK;
}

int session_post_error(session_t *s, int64_t t)
{
    end_now(s, t, SESSION_END_ERROR);
    return FC_OK;
}

/* Takes the first posted command when it is due before `until`. */
static int take_command(session_t *s, int64_t until)
{
    if (s->n_cmds == 0 || effective(s, s->cmds[0].t) >= until)
        return 0;
    int64_t at = effective(s, s->cmds[0].t);
    if (s->cmds[0].hearing == HEARING_RATING)
        ses_handle_rating(s, s->cmds[0].number, s->cmds[0].source, s->cmds[0].start, at);
    else if (s->cmds[0].hearing != HEARING_SAME)
        ses_handle_device(s, s->cmds[0].hearing, at);
    else
        ses_handle_command(s, s->cmds[0].cmd, s->cmds[0].unsure, s->cmds[0].source, at);
    memmove(s->cmds, s->cmds + 1, (size_t)(s->n_cmds - 1) * sizeof s->cmds[0]);
    s->n_cmds--;
    return 1;
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
        if (take_command(s, until))
            continue;
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

size_t session_prompt_count(const session_t *s) { return plan_prompt_count(s->plan); }

const char *session_prompt(const session_t *s, size_t i) { return plan_prompt(s->plan, i); }

const prescription_t *session_prescription(const session_t *s) { return s->rx; }

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
    p.exercises_total = (int)prescription_exercises_run(s->rx);
    p.ended = s->mode == MODE_ENDED;
    return p;
}
