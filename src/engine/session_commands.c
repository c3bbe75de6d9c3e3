/* session_commands: what next, repeat, pain and stop do, in every mode of
 * the session (internal/session_impl.h). */
#include "internal/session_impl.h"

#include <string.h>

/* ---- commands ---- */

/* Where in its exercise the session is: the repetition being held or
 * counted, and the seconds into a hold (0 and 0 elsewhere). */
static void step_context(const session_t *s, int64_t at, int *rep, int *seconds)
{
    const plan_item *it = ses_current(s);
    int counting = s->mode == MODE_PLAN && s->started;
    int holding = counting && it->kind == PLAN_HOLD;
    *rep = holding || (counting && it->kind == PLAN_REPS) ? s->hold_rep : 0;
    *seconds = holding ? (int)((at - s->t0) / s->cfg.sample_rate) : 0;
}

/* Where a pain or a stop at `at` struck: after a pause, where the pause
 * cut in (the step was silenced there). */
static void cut_in_context(const session_t *s, int64_t at, int *rep, int *seconds)
{
    if (s->paused) {
        *rep = s->pause_rep;
        *seconds = s->pause_seconds;
    } else {
        step_context(s, at, rep, seconds);
    }
}

static void on_pain(session_t *s, int64_t at)
{
    const plan_item *it = ses_current(s);
    int e = s->mode == MODE_PLAN || s->mode == MODE_INTERJECT ? it->exercise : s->cur_exercise;
    int rep, seconds;

    cut_in_context(s, at, &rep, &seconds);
    s->paused = false;
    ses_cut(s, at);
    session_action *a = ses_push(s, SESSION_ACT_PAIN, at);
    a->exercise = e;
    a->n = rep;
    a->of = s->hold_of;
    a->seconds = seconds;
    s->n_lines = 0;
    if (e >= 0) {
        const routine_exercise *ex = &s->routine->exercises[e];
        s->pained[e] = 1;
        for (size_t i = 0; i < ex->n_pain; i++)
            ses_add_line(s, ex->pain[i]);
    } else {
        ses_add_line(s, plan_line_text(PLAN_LINE_PAIN_COME_BACK));
        ses_add_line(s, plan_line_text(PLAN_LINE_PAIN_ADVICE));
    }
    /* Then how strong it is; what to do next is asked after the answer. */
    ses_add_line(s, plan_line_text(PLAN_LINE_ASK_RATING));
    s->rating_due = true;
    s->rate_exercise = e;
    s->resume_pc = e >= 0 ? it->block_start : s->pc;
    ses_interject(s, at, AFTER_RATE);
}

void ses_rated(session_t *s, int rating, session_source source, int64_t at)
{
    if (!s->rating_due)
        return;
    s->rating_due = false;
    session_action *a = ses_push(s, SESSION_ACT_RATING, at);
    a->n = rating;
    a->source = source;
    a->exercise = s->rate_exercise;
    if (rating > 0)
        s->rated[s->rate_exercise >= 0 ? (size_t)s->rate_exercise : s->routine->n_exercises] =
            rating;
}

void ses_ask_after_pain(session_t *s, int64_t at, const char *first)
{
    if (s->rate_closes) { /* the pain came after "stop": the closing, then */
        s->rate_closes = false;
        ses_closing(s, at, SESSION_END_STOPPED, PLAN_LINE_COUNT);
        if (first && s->n_lines < MAX_LINES) {
            memmove(s->lines + 1, s->lines, (size_t)s->n_lines * sizeof s->lines[0]);
            s->lines[0] = first;
            s->n_lines++;
        }
        return;
    }
    s->n_lines = 0;
    if (first)
        ses_add_line(s, first);
    /* Before any exercise there is none to skip or to try again. */
    ses_add_line(s, plan_line_text(s->rate_exercise >= 0 ? PLAN_LINE_ASK_AFTER_PAIN
                                                         : PLAN_LINE_ASK_AFTER_PAIN_INTRO));
    ses_interject(s, at, AFTER_ASK);
}

/* Pain's guidance and its rating question are being said, or the coach
 * waits for the rating. */
static bool rating_asked(const session_t *s)
{
    return s->mode == MODE_RATE_WAIT || (s->mode == MODE_INTERJECT && s->after == AFTER_RATE);
}

void ses_handle_rating(session_t *s, int rating, session_source source, int64_t start,
                       int64_t at)
{
    /* Deaf, a spoken number cannot come; a key still can. */
    if (!rating_asked(s) || (ses_device_lost(s) && source == SESSION_SOURCE_VOICE))
        return;
    /* A key may answer early; a spoken number only once the question has
     * been said, so that its echo ("... one to ten?") never answers it. */
    if (source == SESSION_SOURCE_VOICE && (s->mode != MODE_RATE_WAIT || start < s->rate_from))
        return;
    ses_cut(s, at);
    ses_rated(s, rating, source, at);
    ses_ask_after_pain(s, at, plan_rated_text(rating));
}

/* A command while pain's rating is asked for. Stop ends; next goes on
 * without a rating (to what to do now); repeat asks again; pain again
 * (or a "nine" taken for it) is the pain already being dealt with. */
static void rating_command(session_t *s, fc_command cmd, session_source source, int64_t at)
{
    switch (cmd) {
    case FC_CMD_STOP:
        ses_rated(s, 0, source, at);
        if (s->rate_closes) { /* stopping already: on to the summary */
            ses_cut(s, at);
            ses_ask_after_pain(s, at, NULL);
        } else {
            ses_finish(s, at, SESSION_END_STOPPED, 1);
        }
        return;
    case FC_CMD_NEXT:
        ses_cut(s, at);
        ses_rated(s, 0, source, at);
        ses_ask_after_pain(s, at, NULL);
        return;
    case FC_CMD_REPEAT:
        ses_cut(s, at);
        s->n_lines = 0;
        ses_add_line(s, plan_line_text(PLAN_LINE_ASK_RATING));
        ses_interject(s, at, AFTER_RATE);
        return;
    default:
        return;
    }
}

/* "next" answers the clearance question, while it is asked or after. */
static bool clearance_answer(session_t *s, session_source source, int64_t at)
{
    const plan_item *it = ses_current(s);
    int wait = it->kind == PLAN_CLEARANCE ? s->pc : s->pc + 1;
    if (s->mode != MODE_PLAN || wait >= plan_length(s->plan) ||
        plan_at(s->plan, wait)->kind != PLAN_CLEARANCE)
        return false;
    ses_cut(s, at);
    if (it->kind == PLAN_CLEARANCE)
        ses_push(s, SESSION_ACT_WAITED, at)->text = "next";
    ses_push(s, SESSION_ACT_CLEARANCE, at)->source = source;
    ses_enter(s, wait + 1, at);
    return true;
}

static void on_next(session_t *s, session_source source, int64_t at)
{
    const plan_item *it = ses_current(s);
    if (ses_device_lost(s))
        return; /* nothing goes on while the coach cannot hear a stop, or be heard */
    if (clearance_answer(s, source, at))
        return;
    switch (s->mode) {
    case MODE_PAIN_WAIT:
        if (s->paused) {
            ses_enter(s, s->resume_pc, at); /* go on where it paused */
            return;
        }
        /* The pained exercise is skipped entirely, every side of it, and
         * does not count as done. */
        s->cur_exercise = -1;
        s->cur_side = NULL;
        ses_enter(s, it->exercise >= 0 ? it->exercise_end : s->pc, at);
        return;
    case MODE_INTERJECT:
        if (s->after == AFTER_END)
            return; /* the closing line is short and must be heard */
        ses_cut(s, at);
        if (s->after == AFTER_ASK && s->paused) {
            ses_enter(s, s->resume_pc, at); /* the answer came before the question ended */
        } else if (s->after == AFTER_ASK) {
            s->line_idx = s->n_lines - 1; /* jump to the question */
            s->next_at = at;
        } else {
            ses_enter(s, s->resume_pc, at);
        }
        return;
    case MODE_PLAN:
        if (it->kind == PLAN_SUMMARY || it->kind == PLAN_END)
            return;
        /* A wait point may be saying its reminder. */
        if (s->awaiting_said || it->kind == PLAN_SAY || it->kind == PLAN_HOLD ||
            it->kind == PLAN_REPS || (it->kind == PLAN_WAIT && s->reminded))
            ses_cut(s, at);
        if (it->kind == PLAN_WAIT && s->started)
            ses_push(s, SESSION_ACT_WAITED, at)->text = "next";
        ses_enter(s, s->pc + 1, at);
        return;
    case MODE_HURT_WAIT: /* handled in ses_handle_command */
    case MODE_RATE_WAIT: /* the same (rating_command) */
    case MODE_ENDED:
        return;
    }
}

/* Says `line` again, then goes on at plan item resume_pc. */
static void say_again(session_t *s, int64_t at, const char *line, int resume_pc)
{
    s->n_lines = 0;
    ses_add_line(s, line);
    s->resume_pc = resume_pc;
    ses_interject(s, at, AFTER_RESUME);
}

static void on_repeat_in_plan(session_t *s, int64_t at)
{
    const plan_item *it = ses_current(s);
    ses_cut(s, at);
    switch (it->kind) {
    case PLAN_SAY:
        ses_enter(s, s->pc, at);
        return;
    case PLAN_WAIT:
        ses_enter(s, s->pc - 1, at); /* the step before a wait point is its instruction */
        return;
    case PLAN_HOLD:
    case PLAN_REPS:
        /* Say the position again, then restart this hold from its
         * announcement, so the count begins again at one. */
        say_again(s, at, it->again, s->pc - 1);
        return;
    case PLAN_REST:
        /* A rest always follows its hold and the line announcing the rest. */
        say_again(s, at, plan_at(s->plan, s->pc - 2)->again, s->pc + 1);
        return;
    default:
        ses_enter(s, s->pc, at);
        return;
    }
}

static void on_repeat(session_t *s, int64_t at)
{
    const plan_item *it = ses_current(s);
    if (ses_device_lost(s))
        return; /* as for next: the repeated step would go on unheard */
    switch (s->mode) {
    case MODE_PAIN_WAIT:
        ses_enter(s, s->resume_pc, at);
        return;
    case MODE_INTERJECT:
        if (s->after == AFTER_END || s->after == AFTER_HURT)
            return; /* the closing is short and must be heard whole */
        ses_cut(s, at);
        s->line_idx = 0;
        s->next_at = at;
        return;
    case MODE_PLAN:
        if (it->kind == PLAN_SUMMARY || it->kind == PLAN_END)
            return; /* as above: the summary is said whole */
        on_repeat_in_plan(s, at);
        return;
    case MODE_HURT_WAIT:
    case MODE_RATE_WAIT: /* handled in ses_handle_command (rating_command) */
    case MODE_ENDED:
        return;
    }
}

/* Where "next" goes on after a pause: the step it interrupted again, a
 * hold or repetitions from their announcement, so the count begins at one. */
static int resume_point(const session_t *s, const plan_item *it)
{
    if (s->mode == MODE_INTERJECT)
        return s->resume_pc; /* a line said again: go on as it would have */
    return it->kind == PLAN_HOLD || it->kind == PLAN_REPS ? s->pc - 1 : s->pc;
}

/* Quiet and asking already: after a pause or pain, or their question. */
static bool asking(const session_t *s)
{
    return s->mode == MODE_PAIN_WAIT || s->mode == MODE_RATE_WAIT ||
           (s->mode == MODE_INTERJECT && (s->after == AFTER_ASK || s->after == AFTER_RATE));
}

/* Holds the session where it is, for "next" to go on from there. */
static void hold_here(session_t *s, int64_t at)
{
    s->resume_pc = resume_point(s, ses_current(s));
    step_context(s, at, &s->pause_rep, &s->pause_seconds);
    s->paused = true;
}

/* "stop" or "pain" heard without certainty: go quiet, hold the count and
 * ask, rather than ignore it or act on it. */
static void on_pause(session_t *s, fc_command word, int64_t at)
{
    const plan_item *it = ses_current(s);
    if (asking(s))
        return; /* already quiet and asking */
    if (s->mode == MODE_PLAN && (it->kind == PLAN_SUMMARY || it->kind == PLAN_END))
        return; /* already closing */
    hold_here(s, at);
    ses_cut(s, at);
    session_action *a = ses_push(s, SESSION_ACT_PAUSE, at);
    a->text = fc_command_name(word);
    s->n_lines = 0;
    ses_add_line(s, plan_line_text(PLAN_LINE_PAUSED));
    ses_interject(s, at, AFTER_ASK);
}

/* After "stop", the closing asks once whether something hurt: a "pain"
 * then is recorded where the stop cut in, and named in the summary. */
static void on_stop(session_t *s, int64_t at)
{
    /* Right after pain was reported, the question would only repeat it. */
    bool after_pain = !s->paused && asking(s);
    if (after_pain || (s->mode == MODE_PLAN && ses_current(s)->kind == PLAN_SUMMARY)) {
        ses_finish(s, at, SESSION_END_STOPPED, 1);
        return;
    }
    s->stop_exercise = s->cur_exercise;
    s->stop_side = s->cur_side;
    cut_in_context(s, at, &s->stop_rep, &s->stop_seconds);
    ses_cut(s, at);
    s->n_lines = 0;
    s->end_reason = SESSION_END_STOPPED;
    ses_add_line(s, plan_line_text(PLAN_LINE_STOPPING));
    ses_add_line(s, plan_line_text(PLAN_LINE_ASK_IF_HURT));
    ses_interject(s, at, AFTER_HURT);
}

static void pain_after_stop(session_t *s, int64_t at)
{
    ses_cut(s, at);
    session_action *a = ses_push(s, SESSION_ACT_PAIN, at);
    a->exercise = s->stop_exercise;
    a->side = s->stop_side;
    a->n = s->stop_rep;
    a->seconds = s->stop_seconds;
    if (s->stop_exercise >= 0)
        s->pained[s->stop_exercise] = 1;
    else
        s->pained[s->routine->n_exercises] = 1; /* before any exercise */
    /* How strong, as after any pain; then the session closes, as it
     * would have. */
    s->rating_due = true;
    s->rate_exercise = s->stop_exercise;
    s->rate_closes = true;
    s->n_lines = 0;
    ses_add_line(s, plan_line_text(PLAN_LINE_ASK_RATING));
    ses_interject(s, at, AFTER_RATE);
}

/* Closing, or asking whether a stop was pain: the session ends anyway. */
static bool closing(const session_t *s)
{
    return s->mode == MODE_ENDED || s->mode == MODE_HURT_WAIT ||
           (s->mode == MODE_INTERJECT && (s->after == AFTER_END || s->after == AFTER_HURT)) ||
           (s->mode == MODE_PLAN &&
            (ses_current(s)->kind == PLAN_SUMMARY || ses_current(s)->kind == PLAN_END));
}

/* What to say after a device's change: while the microphone is lost, that
 * (the user must not think a stop is heard); else the speaker's state, or,
 * both back, which one came back. */
static plan_line device_line(const session_t *s, int change)
{
    if (s->deaf)
        return PLAN_LINE_DEAF;
    if (s->mute)
        return PLAN_LINE_MUTE;
    return change == HEARING_BACK ? PLAN_LINE_HEARING_BACK : PLAN_LINE_SPEAKER_BACK;
}

/* A lost device: like a pause (or, after pain, the same wait), said
 * differently, and waiting with no limit. When both are back: the question
 * again, and the usual wait for an answer. */
void ses_handle_device(session_t *s, int change, int64_t at)
{
    bool was = ses_device_lost(s);
    bool mic = change == HEARING_LOST || change == HEARING_BACK;
    bool *flag = mic ? &s->deaf : &s->mute;
    bool lost = change == HEARING_LOST || change == SPEAKER_LOST;
    if (*flag == lost)
        return;
    *flag = lost;
    if (closing(s))
        return;
    if (lost)
        ses_rated(s, 0, SESSION_SOURCE_VOICE, at); /* no answer can come now */
    if (lost && s->rate_closes) { /* after a stop: the session closes anyway */
        ses_cut(s, at);
        ses_ask_after_pain(s, at, NULL);
        return;
    }
    if (lost && !was && !asking(s))
        hold_here(s, at);
    ses_cut(s, at);
    if (lost)
        ses_push(s, SESSION_ACT_PAUSE, at)->text = mic ? "microphone" : "speaker";
    s->n_lines = 0;
    ses_add_line(s, plan_line_text(device_line(s, change)));
    ses_interject(s, at, AFTER_ASK);
}

void ses_handle_command(session_t *s, fc_command cmd, bool unsure, session_source source,
                        int64_t at)
{
    if (s->mode == MODE_ENDED)
        return;
    bool hurt_ask = s->mode == MODE_HURT_WAIT ||
                    (s->mode == MODE_INTERJECT && s->after == AFTER_HURT);
    if (hurt_ask) {
        /* Only a sure pain is recorded: the question itself says "pain",
         * and its echo must not answer it. The session is ending either
         * way. A sure stop or next: on to the summary. */
        if (!unsure && cmd == FC_CMD_PAIN)
            pain_after_stop(s, at);
        else if (!unsure && (cmd == FC_CMD_STOP || cmd == FC_CMD_NEXT))
            ses_closing(s, at, SESSION_END_STOPPED, PLAN_LINE_COUNT);
        return;
    }
    if (s->mode == MODE_INTERJECT && s->after == AFTER_END)
        return; /* already closing: nothing more to do */
    if (rating_asked(s)) {
        /* Unsure words change nothing: the coach is quiet already. */
        if (!unsure)
            rating_command(s, cmd, source, at);
        return;
    }
    if (unsure) {
        if (cmd == FC_CMD_STOP || cmd == FC_CMD_PAIN)
            on_pause(s, cmd, at);
        return; /* an unsure "next" or "repeat" costs nothing to miss */
    }
    switch (cmd) {
    case FC_CMD_STOP:
        on_stop(s, at);
        break;
    case FC_CMD_PAIN:
        on_pain(s, at);
        break;
    case FC_CMD_NEXT:
        on_next(s, source, at);
        break;
    case FC_CMD_REPEAT:
        on_repeat(s, at);
        break;
    case FC_CMD_NONE:
        break; /* not a command */
    }
}

