/* The session engine on a virtual clock: no audio, no eSpeak. Every spoken
 * line "lasts" a fixed time, so expected sample positions are exact. */
#include "fc_clock.h"
#include "fc_error.h"
#include "routine.h"
#include "session.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define SAY_LEN FC_RATE          /* every line lasts 1 s */
#define COUNT_LEN (FC_RATE / 4)  /* every count lasts 250 ms */
#define BLOCK 160

typedef struct {
    session_action a[4096];
    char text[4096][256]; /* wide enough for every line of the test routines */
    int n;
    int64_t now;
} trace;

/* Advances the virtual clock block by block until sample `until` or the end. */
static void run_until(session_t *s, trace *tr, int64_t until)
{
    while (tr->now < until) {
        session_action a;
        int got;
        while ((got = session_poll(s, tr->now + BLOCK, &a)) == 1) {
            assert_true(tr->n < 4096);
            assert_true(a.at >= tr->now - BLOCK); /* never in the past */
            tr->a[tr->n] = a;
            snprintf(tr->text[tr->n], sizeof tr->text[0], "%s", a.text ? a.text : "");
            tr->n++;
            if (a.kind == SESSION_ACT_SAY)
                assert_int_equal(session_said(s, SAY_LEN), FC_OK);
            else if (a.kind == SESSION_ACT_COUNT || a.kind == SESSION_ACT_REP)
                assert_int_equal(session_said(s, COUNT_LEN), FC_OK);
            if (a.kind == SESSION_ACT_END)
                return;
        }
        assert_int_equal(got, 0);
        tr->now += BLOCK;
    }
}

static int find(const trace *tr, session_action_kind kind, int from)
{
    for (int i = from; i < tr->n; i++)
        if (tr->a[i].kind == kind)
            return i;
    return -1;
}

static int find_text(const trace *tr, const char *needle, int from)
{
    for (int i = from; i < tr->n; i++)
        if (strstr(tr->text[i], needle))
            return i;
    return -1;
}

static const session_action *last(const trace *tr) { return &tr->a[tr->n - 1]; }

/* Every test gets a routine, a session on it and an empty trace, and
 * loses them after, even when an assertion fails half way. The "in hold"
 * fixtures run the session to the first hold's 3rd count. */
typedef struct {
    routine_t *routine;
    session_t *s;
    trace *tr;
    int hold; /* in hold: index of the HOLD action */
} fixture;

static int setup_session(void **state, const char *name, const session_config *cfg)
{
    char path[512];
    routine_report rep = {0};
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    *state = f;
    f->tr = calloc(1, sizeof *f->tr);
    assert_non_null(f->tr);
    snprintf(path, sizeof path, "%s/%s", TEST_ROUTINES, name);
    int rc = routine_load(path, &f->routine, &rep, NULL);
    for (size_t i = 0; i < rep.n; i++)
        fprintf(stderr, "%s\n", rep.lines[i]);
    routine_report_clear(&rep);
    assert_int_equal(rc, FC_OK);
    assert_int_equal(session_create(f->routine, cfg, &f->s), FC_OK);
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    session_destroy(f->s);
    routine_destroy(f->routine);
    free(f->tr);
    free(f);
    return 0;
}

static int setup_mini(void **state) { return setup_session(state, "mini.yaml", NULL); }
static int setup_longwait(void **state) { return setup_session(state, "longwait.yaml", NULL); }

/* A clock at half the rate, and no pause after lines. */
static int setup_mini_slow_clock(void **state)
{
    session_config cfg = session_config_default();
    cfg.sample_rate = FC_RATE / 2;
    cfg.gap_ms = 0;
    return setup_session(state, "mini.yaml", &cfg);
}

static void run_into_hold(fixture *f)
{
    for (;;) {
        run_until(f->s, f->tr, f->tr->now + BLOCK);
        int h = find(f->tr, SESSION_ACT_HOLD, 0);
        if (h >= 0 && f->tr->n > h + 3) {
            f->hold = h;
            return;
        }
        assert_true(f->tr->now < FC_RATE * 600);
    }
}

static int setup_mini_in_hold(void **state)
{
    setup_mini(state);
    run_into_hold(*state);
    return 0;
}

static int setup_position_in_hold(void **state)
{
    setup_session(state, "position.yaml", NULL);
    run_into_hold(*state);
    return 0;
}

/* Every line the session said, but the summary, is one of its prompts, so
 * a real-time caller that synthesized them all ahead has each one ready. */
static void assert_said_lines_are_prompts(const fixture *f)
{
    size_t n = session_prompt_count(f->s);
    assert_null(session_prompt(f->s, n));
    for (int i = 0; i < f->tr->n; i++) {
        if (f->tr->a[i].kind != SESSION_ACT_SAY || strstr(f->tr->text[i], "You completed"))
            continue;
        size_t k = 0;
        while (k < n && strcmp(session_prompt(f->s, k), f->tr->text[i]))
            k++;
        if (k == n)
            fail_msg("said but not a prompt: %s", f->tr->text[i]);
    }
}

/* "next" now, while paused in the fixture's hold: that hold begins again,
 * the same repetition, counted from one. */
static void assert_next_resumes_the_hold(fixture *f)
{
    trace *tr = f->tr;
    int asked = tr->n;
    session_post_command(f->s, FC_CMD_NEXT, tr->now);
    run_until(f->s, tr, tr->now + FC_RATE * 12);
    int h2 = find(tr, SESSION_ACT_HOLD, asked);
    assert_true(h2 > asked);
    assert_int_equal(tr->a[h2].n, tr->a[f->hold].n);
    assert_int_equal(tr->a[h2 + 1].kind, SESSION_ACT_COUNT);
    assert_int_equal(tr->a[h2 + 1].n, 1);
}

/* The question after pain or a pause waits answer_timeout_s (default
 * 120 s) for an answer; then the session says so and ends, stopped. */
static void assert_ends_unanswered(const fixture *f)
{
    const trace *tr = f->tr;
    assert_int_equal(last(tr)->kind, SESSION_ACT_END);
    assert_int_equal(last(tr)->reason, SESSION_END_STOPPED);
    int w = find(tr, SESSION_ACT_WAIT, f->hold);
    if (w >= 0 && !strcmp(tr->text[w], "rating")) /* after pain: its rating first */
        w = find(tr, SESSION_ACT_WAIT, w + 1);
    int no_answer = find_text(tr, "did not hear an answer", 0);
    assert_true(w > 0 && no_answer > w);
    assert_true(tr->a[no_answer].at == tr->a[w].at + 120 * FC_RATE);
}

static void test_counts_land_on_exact_marks(void **state)
{
    fixture *f = *state;
    session_t *s = f->s;
    trace *tr = f->tr;
    run_until(s, tr, (int64_t)FC_RATE * 600);

    int holds = 0;
    for (int i = find(tr, SESSION_ACT_HOLD, 0); i >= 0; i = find(tr, SESSION_ACT_HOLD, i + 1)) {
        const session_action *h = &tr->a[i];
        holds++;
        assert_int_equal(h->seconds, 5);
        for (int n = 1; n <= h->seconds; n++) {
            const session_action *c = &tr->a[i + n];
            assert_int_equal(c->kind, SESSION_ACT_COUNT);
            assert_int_equal(c->n, n);
            assert_true(c->at == h->at + (int64_t)n * FC_RATE);
            /* The last three counts are the distinct cue, and only they. */
            assert_int_equal(c->cue, n > h->seconds - 3);
            if (n < h->seconds)
                assert_true(c->max_samples > 0 && c->max_samples < FC_RATE);
        }
        assert_non_null(strstr(tr->text[i + h->seconds], "release"));
    }
    /* mini.yaml: a two-sided hold exercise of 2 holds, and a one-sided one of 1. */
    assert_int_equal(holds, 2 * 2 + 1);
    assert_int_equal(last(tr)->kind, SESSION_ACT_END);
    assert_int_equal(last(tr)->reason, SESSION_END_COMPLETED);
    session_progress p = session_get_progress(s);
    assert_int_equal(p.exercises_done, 3);
    assert_true(p.ended);
    assert_said_lines_are_prompts(f);
}

static void test_sequence_and_sides(void **state)
{
    fixture *f = *state;
    session_t *s = f->s;
    trace *tr = f->tr;
    run_until(s, tr, (int64_t)FC_RATE * 600);

    /* Each line is followed by the default half-second pause. */
    session_config def = session_config_default();
    assert_int_equal(def.sample_rate, FC_RATE);
    assert_int_equal(def.gap_ms, 500);
    assert_int_equal(tr->a[0].kind, SESSION_ACT_SAY);
    assert_int_equal(tr->a[1].kind, SESSION_ACT_SAY);
    assert_true(tr->a[1].at == tr->a[0].at + SAY_LEN + FC_RATE / 2);

    int e1 = find(tr, SESSION_ACT_EXERCISE, 0);
    int e2 = find(tr, SESSION_ACT_EXERCISE, e1 + 1);
    int e3 = find(tr, SESSION_ACT_EXERCISE, e2 + 1);
    int e4 = find(tr, SESSION_ACT_EXERCISE, e3 + 1);
    assert_true(e1 > 0 && e2 > e1 && e3 > e2 && e4 > e3);
    assert_string_equal(tr->a[e1].side, "left");
    assert_string_equal(tr->a[e2].side, "right");
    assert_null(tr->a[e3].side);
    assert_int_equal(tr->a[e3].exercise, 1);
    /* {side} expands in steps. */
    assert_true(find_text(tr, "your left leg", e1) > e1);
    assert_true(find_text(tr, "your right leg", e2) > e2);
    /* The wait point times out after its 3 s when nobody says next. */
    int w = find(tr, SESSION_ACT_WAIT, 0);
    assert_true(w > 0);
    assert_string_equal(tr->text[w], "next");
    assert_true(tr->a[w + 1].at == tr->a[w].at + 3 * FC_RATE);
    /* Reps are counted at the tempo: 2 s apart. */
    int rep1 = find(tr, SESSION_ACT_REP, 0);
    assert_true(rep1 > 0);
    for (int n = 1; n < 4; n++) {
        assert_int_equal(tr->a[rep1 + n].kind, SESSION_ACT_REP);
        assert_int_equal(tr->a[rep1 + n].n, n + 1);
        assert_int_equal(tr->a[rep1 + n].of, 4);
        assert_true(tr->a[rep1 + n].at == tr->a[rep1].at + (int64_t)n * 2 * FC_RATE);
    }
}

static void test_stop_cuts_at_once_and_ends(void **state)
{
    fixture *f = *state;
    session_t *s = f->s;
    trace *tr = f->tr;
    int64_t said_at = tr->now - 5; /* heard in the block just played */
    int before = tr->n;
    session_post_command(s, FC_CMD_STOP, said_at);
    run_until(s, tr, tr->now + FC_RATE * 60);

    assert_int_equal(tr->a[before].kind, SESSION_ACT_CUT);
    /* Never before what was already handed out, and at the next block. */
    assert_true(tr->a[before].at >= said_at && tr->a[before].at <= said_at + BLOCK);
    assert_int_equal(find(tr, SESSION_ACT_COUNT, before), -1);
    int say = find(tr, SESSION_ACT_SAY, before);
    assert_true(say > before);
    assert_true(tr->a[say].at == tr->a[before].at); /* the closing line starts at once */
    assert_true(find_text(tr, "completed 0 of 3", before) > 0);
    assert_int_equal(last(tr)->kind, SESSION_ACT_END);
    assert_int_equal(last(tr)->reason, SESSION_END_STOPPED);
}

static void test_pain_protocol_then_next(void **state)
{
    fixture *f = *state;
    session_t *s = f->s;
    trace *tr = f->tr;
    int before = tr->n;
    int64_t t = tr->now;
    session_post_command(s, FC_CMD_PAIN, t);
    run_until(s, tr, tr->now + FC_RATE * 30);

    assert_int_equal(tr->a[before].kind, SESSION_ACT_CUT);
    assert_true(tr->a[before].at == t);
    const session_action *p = &tr->a[before + 1];
    assert_int_equal(p->kind, SESSION_ACT_PAIN);
    assert_int_equal(p->exercise, 0);
    assert_string_equal(p->side, "left");
    assert_int_equal(p->n, 1);
    assert_int_equal(p->seconds, 3);
    /* The exercise's own pain guidance, then how strong it is; no answer in
     * 8 s is recorded as none; then the question, then a wait. */
    int guide = find_text(tr, "Come back slowly", before);
    int rate = find_text(tr, "How strong is it, from one to ten?", before);
    assert_true(guide > before && rate > guide);
    int rw = find(tr, SESSION_ACT_WAIT, before);
    assert_true(rw > rate);
    assert_string_equal(tr->text[rw], "rating");
    int r = find(tr, SESSION_ACT_RATING, rw);
    assert_true(r > rw);
    assert_int_equal(tr->a[r].n, 0);
    assert_true(tr->a[r].at == tr->a[rw].at + 8 * FC_RATE);
    int ask = find_text(tr, "say next", r);
    assert_true(ask > r);
    int w = find(tr, SESSION_ACT_WAIT, ask);
    assert_true(w > ask);
    assert_string_equal(tr->text[w], "command");
    assert_int_equal(find(tr, SESSION_ACT_COUNT, before), -1);

    /* "next" skips the rest of this exercise, both sides. */
    int mark = tr->n;
    session_post_command(s, FC_CMD_NEXT, tr->now);
    run_until(s, tr, tr->now + FC_RATE * 600);
    int ex = find(tr, SESSION_ACT_EXERCISE, mark);
    assert_true(ex > 0);
    assert_int_equal(tr->a[ex].exercise, 1);
    assert_int_equal(last(tr)->reason, SESSION_END_COMPLETED);
    /* The summary names the painful exercise, which is not counted as done. */
    assert_true(find_text(tr, "pain during: Test stretch", mark) > 0);
    assert_true(find_text(tr, "completed 2 of 3", mark) > 0);
}

static void test_pain_then_repeat_restarts_exercise(void **state)
{
    fixture *f = *state;
    session_t *s = f->s;
    trace *tr = f->tr;
    session_post_command(s, FC_CMD_PAIN, tr->now);
    run_until(s, tr, tr->now + FC_RATE * 30);
    int mark = tr->n;
    session_post_command(s, FC_CMD_REPEAT, tr->now);
    run_until(s, tr, tr->now + FC_RATE * 20);
    int ex = find(tr, SESSION_ACT_EXERCISE, mark);
    assert_true(ex >= mark);
    assert_int_equal(tr->a[ex].exercise, 0);
    assert_string_equal(tr->a[ex].side, "left");
}

static void test_pain_without_answer_ends_session(void **state)
{
    fixture *f = *state;
    session_t *s = f->s;
    trace *tr = f->tr;
    session_post_command(s, FC_CMD_PAIN, tr->now);
    run_until(s, tr, tr->now + FC_RATE * 400);
    assert_ends_unanswered(f);
    assert_said_lines_are_prompts(f);
}

static void test_next_ends_hold_early(void **state)
{
    fixture *f = *state;
    session_t *s = f->s;
    trace *tr = f->tr;
    int before = tr->n;
    session_post_command(s, FC_CMD_NEXT, tr->now);
    run_until(s, tr, tr->now + FC_RATE * 8);
    assert_int_equal(tr->a[before].kind, SESSION_ACT_CUT);
    /* No more counts of that hold: the next thing is the rest line. */
    int say = find(tr, SESSION_ACT_SAY, before);
    assert_true(say > before);
    assert_non_null(strstr(tr->text[say], "Rest"));
    for (int i = before; i < say; i++)
        assert_true(tr->a[i].kind != SESSION_ACT_COUNT);
}

static void test_repeat_in_hold_says_again_and_restarts_count(void **state)
{
    fixture *f = *state;
    session_t *s = f->s;
    trace *tr = f->tr;
    int before = tr->n;
    session_post_command(s, FC_CMD_REPEAT, tr->now);
    run_until(s, tr, tr->now + FC_RATE * 12);
    assert_int_equal(tr->a[before].kind, SESSION_ACT_CUT);
    int say = find(tr, SESSION_ACT_SAY, before);
    assert_non_null(strstr(tr->text[say], "Lean gently")); /* the last step again */
    int h2 = find(tr, SESSION_ACT_HOLD, before);
    assert_true(h2 > say);
    assert_int_equal(tr->a[h2].n, 1); /* same repetition, restarted */
    assert_int_equal(tr->a[h2 + 1].kind, SESSION_ACT_COUNT);
    assert_int_equal(tr->a[h2 + 1].n, 1);
}

/* A routine can name the step that describes the position: "repeat" then
 * says that one, not the exercise's last step. */
static void test_repeat_in_hold_says_the_position_step(void **state)
{
    fixture *f = *state;
    session_t *s = f->s;
    trace *tr = f->tr;
    int before = tr->n;
    session_post_command(s, FC_CMD_REPEAT, tr->now);
    run_until(s, tr, tr->now + FC_RATE * 5);
    int say = find(tr, SESSION_ACT_SAY, before);
    assert_true(say >= 0);
    assert_string_equal(tr->text[say], "Lie on your back with your knees bent.");
}

static void test_next_at_wait_point_continues(void **state)
{
    fixture *f = *state;
    session_t *s = f->s;
    trace *tr = f->tr;
    while (find(tr, SESSION_ACT_WAIT, 0) < 0)
        run_until(s, tr, tr->now + BLOCK);
    int w = find(tr, SESSION_ACT_WAIT, 0);
    int64_t t = tr->now + FC_RATE / 2;
    run_until(s, tr, t);
    session_post_command(s, FC_CMD_NEXT, t);
    run_until(s, tr, t + FC_RATE);
    assert_true(tr->n > w + 2);
    /* The record says how the wait ended, then the session goes on. */
    assert_int_equal(tr->a[w + 1].kind, SESSION_ACT_WAITED);
    assert_string_equal(tr->text[w + 1], "next");
    assert_int_equal(tr->a[w + 2].kind, SESSION_ACT_SAY);
    assert_true(tr->a[w + 2].at == t); /* not 3 s later */
}

static void test_repeat_during_line_says_it_again(void **state)
{
    fixture *f = *state;
    session_t *s = f->s;
    trace *tr = f->tr;
    run_until(s, tr, FC_RATE / 2); /* in the middle of the title */
    assert_int_equal(tr->a[0].kind, SESSION_ACT_SAY);
    session_post_command(s, FC_CMD_REPEAT, tr->now);
    run_until(s, tr, tr->now + BLOCK);
    assert_int_equal(tr->a[1].kind, SESSION_ACT_CUT);
    assert_int_equal(tr->a[2].kind, SESSION_ACT_SAY);
    assert_string_equal(tr->text[2], tr->text[0]);
}

static void test_interrupt_ends_immediately(void **state)
{
    fixture *f = *state;
    session_t *s = f->s;
    trace *tr = f->tr;
    int before = tr->n;
    session_post_interrupt(s, tr->now);
    run_until(s, tr, tr->now + FC_RATE);
    assert_int_equal(tr->a[before].kind, SESSION_ACT_CUT);
    assert_int_equal(tr->a[before + 1].kind, SESSION_ACT_END);
    assert_int_equal(tr->a[before + 1].reason, SESSION_END_INTERRUPTED);
    assert_int_equal(tr->n, before + 2);
}

static void test_poll_refuses_to_run_ahead_of_said(void **state)
{
    fixture *f = *state;
    session_t *s = f->s;
    session_action a;
    assert_int_equal(session_poll(s, BLOCK, &a), 1);
    assert_int_equal(a.kind, SESSION_ACT_SAY);
    assert_int_equal(session_poll(s, BLOCK, &a), FC_ERR_STATE);
    assert_int_equal(session_said(s, 100), FC_OK);
    assert_int_equal(session_said(s, 100), FC_ERR_STATE);
    session_destroy(NULL);
}

/* The session's clock runs at cfg.sample_rate: a count a second is
 * sample_rate samples apart, and so is every other time. */
static void test_clock_follows_sample_rate(void **state)
{
    fixture *f = *state;
    trace *tr = f->tr;
    const int64_t rate = FC_RATE / 2;
    run_until(f->s, tr, rate * 600);
    /* gap_ms 0: the next line starts as soon as the last one ends. */
    assert_true(tr->a[1].at == tr->a[0].at + SAY_LEN);
    int h = find(tr, SESSION_ACT_HOLD, 0);
    assert_true(h > 0);
    for (int n = 1; n <= 5; n++) {
        assert_int_equal(tr->a[h + n].kind, SESSION_ACT_COUNT);
        assert_true(tr->a[h + n].at == tr->a[h].at + n * rate);
    }
    int w = find(tr, SESSION_ACT_WAIT, 0);
    assert_true(tr->a[w + 1].at == tr->a[w].at + 3 * rate);
    int rep1 = find(tr, SESSION_ACT_REP, 0);
    assert_true(tr->a[rep1 + 1].at == tr->a[rep1].at + 2 * rate);
    assert_int_equal(last(tr)->reason, SESSION_END_COMPLETED);
}

static void test_progress_during_hold(void **state)
{
    fixture *f = *state;
    session_progress p = session_get_progress(f->s);
    assert_int_equal(p.exercise, 0);
    assert_string_equal(p.name, "Test stretch");
    assert_string_equal(p.side, "left");
    assert_int_equal(p.rep, 1);
    assert_int_equal(p.of, 2);
    assert_int_equal(p.hold_seconds, 5);
    assert_true(p.hold_start == f->tr->a[f->hold].at);
    assert_int_equal(p.exercises_done, 0);
    assert_int_equal(p.exercises_total, 3);
    assert_false(p.ended);
}

/* Pain during repetitions names the repetition, not a time into a hold. */
static void test_pain_during_reps(void **state)
{
    fixture *f = *state;
    trace *tr = f->tr;
    int rep1;
    while ((rep1 = find(tr, SESSION_ACT_REP, 0)) < 0 || tr->n < rep1 + 2)
        run_until(f->s, tr, tr->now + BLOCK);
    int before = tr->n;
    session_post_command(f->s, FC_CMD_PAIN, tr->now);
    run_until(f->s, tr, tr->now + FC_RATE * 10);
    const session_action *p = &tr->a[before + 1];
    assert_int_equal(p->kind, SESSION_ACT_PAIN);
    assert_int_equal(p->exercise, 1);
    assert_int_equal(p->n, 2);
    assert_int_equal(p->of, 4);
    assert_int_equal(p->seconds, 0);
    assert_true(find_text(tr, "Ease off.", before) > before);
}

/* Pain, then its rating question: runs until the coach waits for the
 * rating and returns that WAIT's index. */
static int run_to_rating(fixture *f)
{
    session_post_command(f->s, FC_CMD_PAIN, f->tr->now);
    for (int guard = 0; guard < 100; guard++) {
        run_until(f->s, f->tr, f->tr->now + FC_RATE / 4);
        int w = find(f->tr, SESSION_ACT_WAIT, f->hold);
        if (w >= 0 && !strcmp(f->tr->text[w], "rating"))
            return w;
    }
    fail_msg("no rating question after pain");
    return -1;
}

/* A number said after the question is taken, said back, recorded and
 * named in the summary; one that began while the question was said (its
 * own "one to ten" in the microphone) is not. */
static void test_pain_rated_by_voice(void **state)
{
    fixture *f = *state;
    trace *tr = f->tr;
    int w = run_to_rating(f);
    int64_t asked = tr->a[w].at;
    int question = find_text(tr, "How strong is it", f->hold);
    /* An echo: it began inside the question, and is heard after it. */
    session_post_rating(f->s, 10, SESSION_SOURCE_VOICE, tr->a[question].at, tr->now);
    run_until(f->s, tr, tr->now + FC_RATE);
    assert_int_equal(find(tr, SESSION_ACT_RATING, w), -1);
    session_post_rating(f->s, 7, SESSION_SOURCE_VOICE, tr->now, tr->now + FC_RATE / 2);
    run_until(f->s, tr, tr->now + FC_RATE * 5);
    int r = find(tr, SESSION_ACT_RATING, w);
    assert_true(r > w);
    assert_int_equal(tr->a[r].n, 7);
    assert_int_equal(tr->a[r].source, SESSION_SOURCE_VOICE);
    assert_int_equal(tr->a[r].exercise, 0);
    assert_true(tr->a[r].at > asked && tr->a[r].at < asked + 8 * FC_RATE);
    assert_true(find_text(tr, "Noted: 7 out of 10.", r) > r);
    int ask = find_text(tr, "say next", r);
    assert_true(ask > r);
    assert_int_equal(session_post_rating(f->s, 11, SESSION_SOURCE_KEY, tr->now, tr->now),
                     FC_ERR_ARG);
    /* A rating now is too late: the question is over; next goes on. */
    session_post_rating(f->s, 3, SESSION_SOURCE_KEY, tr->now, tr->now);
    session_post_command(f->s, FC_CMD_NEXT, tr->now + FC_RATE * 20);
    run_until(f->s, tr, tr->now + FC_RATE * 600);
    assert_int_equal(find(tr, SESSION_ACT_RATING, r + 1), -1);
    assert_true(find_text(tr, "pain during: Test stretch (7 out of 10)", r) > r);
    assert_said_lines_are_prompts(f);
}

/* A key answers at once, even while the guidance is said. */
static void test_pain_rated_by_key_early(void **state)
{
    fixture *f = *state;
    trace *tr = f->tr;
    int before = tr->n;
    session_post_command(f->s, FC_CMD_PAIN, tr->now);
    run_until(f->s, tr, tr->now + FC_RATE / 2);
    session_post_rating(f->s, 4, SESSION_SOURCE_KEY, tr->now, tr->now);
    run_until(f->s, tr, tr->now + FC_RATE * 10);
    int r = find(tr, SESSION_ACT_RATING, before);
    assert_true(r > before);
    assert_int_equal(tr->a[r].n, 4);
    assert_int_equal(tr->a[r].source, SESSION_SOURCE_KEY);
    assert_int_equal(tr->a[r - 1].kind, SESSION_ACT_CUT); /* the guidance stops for it */
    assert_int_equal(find_text(tr, "How strong is it", before), -1);
    assert_true(find_text(tr, "say next", r) > r);
}

/* While the rating is asked: pain again (a "nine" heard as pain) is the
 * pain already dealt with; stop ends, with no rating (never a guess). */
static void test_stop_while_rating_is_asked(void **state)
{
    fixture *f = *state;
    trace *tr = f->tr;
    int w = run_to_rating(f);
    session_post_command(f->s, FC_CMD_PAIN, tr->now);
    session_post_unsure(f->s, FC_CMD_STOP, tr->now);
    run_until(f->s, tr, tr->now + FC_RATE);
    assert_int_equal(find(tr, SESSION_ACT_PAIN, w), -1);
    assert_int_equal(find(tr, SESSION_ACT_PAUSE, w), -1);
    session_post_command(f->s, FC_CMD_STOP, tr->now);
    run_until(f->s, tr, tr->now + FC_RATE * 60);
    int r = find(tr, SESSION_ACT_RATING, w);
    assert_true(r > w);
    assert_int_equal(tr->a[r].n, 0);
    assert_int_equal(last(tr)->kind, SESSION_ACT_END);
    assert_int_equal(last(tr)->reason, SESSION_END_STOPPED);
    assert_int_equal(find_text(tr, "out of 10", w), -1);
}

/* Pain before any exercise: the generic guidance, and "repeat" goes on
 * from the line it interrupted. */
static void test_pain_outside_exercise(void **state)
{
    fixture *f = *state;
    trace *tr = f->tr;
    run_until(f->s, tr, FC_RATE / 2); /* in the middle of the title */
    session_post_command(f->s, FC_CMD_PAIN, tr->now);
    run_until(f->s, tr, tr->now + FC_RATE * 20); /* guidance, rating (none), question */
    const session_action *p = &tr->a[2];
    assert_int_equal(p->kind, SESSION_ACT_PAIN);
    assert_int_equal(p->exercise, -1);
    assert_int_equal(p->n, 0);
    int come_back = find_text(tr, "comfortable starting position", 2);
    int ask = find_text(tr, "say next", 2);
    assert_true(come_back > 2 && ask > come_back);
    /* Before any exercise there is no exercise to skip or try again. */
    assert_int_equal(find_text(tr, "skip this exercise", 2), -1);
    assert_int_equal(find_text(tr, "try it again", 2), -1);
    int mark = tr->n;
    session_post_command(f->s, FC_CMD_REPEAT, tr->now);
    run_until(f->s, tr, tr->now + FC_RATE);
    int say = find(tr, SESSION_ACT_SAY, mark);
    assert_true(say >= mark);
    assert_string_equal(tr->text[say], tr->text[0]);
    assert_said_lines_are_prompts(f);
}

/* "stop" heard without certainty: the coach goes quiet at once, holds the
 * count, says it paused, and waits; "next" then takes the hold again from
 * one. It neither ignores the word nor acts on it. */
static void test_unsure_stop_pauses_and_next_resumes(void **state)
{
    fixture *f = *state;
    session_t *s = f->s;
    trace *tr = f->tr;
    int before = tr->n;
    int64_t heard = tr->now;
    session_post_unsure(s, FC_CMD_STOP, heard);
    run_until(s, tr, tr->now + FC_RATE * 30);
    assert_int_equal(tr->a[before].kind, SESSION_ACT_CUT);
    assert_true(tr->a[before].at <= heard + BLOCK);
    int p = find(tr, SESSION_ACT_PAUSE, before);
    assert_int_equal(p, before + 1);
    assert_string_equal(tr->text[p], "stop");
    int said = find_text(tr, "I paused", p);
    assert_int_equal(said, p + 1);
    int w = find(tr, SESSION_ACT_WAIT, said);
    assert_string_equal(tr->text[w], "command");
    assert_int_equal(find(tr, SESSION_ACT_COUNT, before), -1); /* silence never resumes */
    assert_true(last(tr)->kind == SESSION_ACT_WAIT);

    assert_int_equal(tr->a[f->hold].n, 1);
    assert_next_resumes_the_hold(f);
    assert_said_lines_are_prompts(f);
}

/* Nobody answers a pause: like after pain, the session ends. */
static void test_pause_without_answer_ends_session(void **state)
{
    fixture *f = *state;
    session_t *s = f->s;
    trace *tr = f->tr;
    session_post_unsure(s, FC_CMD_PAIN, tr->now);
    run_until(s, tr, tr->now + FC_RATE * 400);
    assert_ends_unanswered(f);
    assert_int_equal(find(tr, SESSION_ACT_PAIN, f->hold), -1); /* a pause is not a pain report */
}

/* While paused, a sure "stop" ends the session; an unsure "next" or a second
 * unsure "stop" change nothing. */
static void test_pause_then_stop_and_unsure_others(void **state)
{
    fixture *f = *state;
    session_t *s = f->s;
    trace *tr = f->tr;
    int before = tr->n;
    session_post_unsure(s, FC_CMD_NEXT, tr->now);
    run_until(s, tr, tr->now + FC_RATE * 3);
    assert_int_equal(find(tr, SESSION_ACT_CUT, before), -1);
    assert_true(find(tr, SESSION_ACT_COUNT, before) > 0); /* still counting */
    session_post_unsure(s, FC_CMD_STOP, tr->now);
    run_until(s, tr, tr->now + FC_RATE * 10);
    int p = find(tr, SESSION_ACT_PAUSE, before);
    assert_true(p > 0);
    session_post_unsure(s, FC_CMD_STOP, tr->now);
    run_until(s, tr, tr->now + FC_RATE * 5);
    assert_int_equal(find(tr, SESSION_ACT_PAUSE, p + 1), -1);
    session_post_command(s, FC_CMD_STOP, tr->now);
    run_until(s, tr, tr->now + FC_RATE * 60);
    assert_int_equal(last(tr)->kind, SESSION_ACT_END);
    assert_int_equal(last(tr)->reason, SESSION_END_STOPPED);
}

/* An unsure "pain" pauses; the same pain heard surely a moment later is
 * reported where the pause cut in (the hold's repetition and second), not
 * as pain in the pause itself. */
static void test_pain_confirmed_during_pause(void **state)
{
    fixture *f = *state;
    session_t *s = f->s;
    trace *tr = f->tr;
    int before = tr->n;
    int64_t t = tr->now;
    session_post_unsure(s, FC_CMD_PAIN, t);
    run_until(s, tr, t + FC_RATE / 20);
    assert_true(find(tr, SESSION_ACT_PAUSE, before) > before);
    session_post_command(s, FC_CMD_PAIN, tr->now);
    run_until(s, tr, tr->now + FC_RATE * 30);
    int p = find(tr, SESSION_ACT_PAIN, before);
    assert_true(p > before);
    assert_int_equal(tr->a[p].exercise, 0);
    assert_int_equal(tr->a[p].n, 1);
    assert_int_equal(tr->a[p].seconds, 3);
    assert_true(find_text(tr, "Come back slowly", p) > p);
}

/* After "stop" the coach asks once whether something hurt: a "pain" then
 * is recorded against the exercise and the repetition that were running,
 * and named in the summary. */
static void test_stop_then_pain_is_recorded(void **state)
{
    fixture *f = *state;
    session_t *s = f->s;
    trace *tr = f->tr;
    int from = tr->n;
    session_post_command(s, FC_CMD_STOP, tr->now);
    while (find(tr, SESSION_ACT_WAIT, from) < 0 && find(tr, SESSION_ACT_END, from) < 0)
        run_until(s, tr, tr->now + BLOCK);
    int w = find(tr, SESSION_ACT_WAIT, from);
    assert_true(w > find_text(tr, "If something hurt, say pain.", from));
    assert_string_equal(tr->text[w], "pain");
    session_post_command(s, FC_CMD_PAIN, tr->now + FC_RATE);
    run_until(s, tr, tr->now + 30 * FC_RATE);
    int p = find(tr, SESSION_ACT_PAIN, w);
    assert_true(p > w);
    assert_int_equal(tr->a[p].exercise, 0);
    assert_int_equal(tr->a[p].n, 1); /* the first hold, where stop cut in */
    assert_true(find_text(tr, "You reported pain during: Test stretch", p) > p);
    assert_int_equal(last(tr)->kind, SESSION_ACT_END);
    assert_int_equal(last(tr)->reason, SESSION_END_STOPPED);
}

/* A pain said after "stop" is rated as any pain is, then the session
 * closes: the rating said back and named in the summary. */
static void test_stop_then_pain_is_rated(void **state)
{
    fixture *f = *state;
    session_t *s = f->s;
    trace *tr = f->tr;
    int from = tr->n;
    session_post_command(s, FC_CMD_STOP, tr->now);
    while (find(tr, SESSION_ACT_WAIT, from) < 0)
        run_until(s, tr, tr->now + BLOCK);
    session_post_command(s, FC_CMD_PAIN, tr->now);
    int p = -1, w = -1;
    while ((p = find(tr, SESSION_ACT_PAIN, from)) < 0 || (w = find(tr, SESSION_ACT_WAIT, p)) < 0)
        run_until(s, tr, tr->now + BLOCK);
    assert_string_equal(tr->text[w], "rating");
    session_post_rating(s, 6, SESSION_SOURCE_VOICE, tr->now, tr->now);
    run_until(s, tr, tr->now + 30 * FC_RATE);
    int r = find(tr, SESSION_ACT_RATING, w);
    assert_true(r > w);
    assert_int_equal(tr->a[r].n, 6);
    int noted = find_text(tr, "Noted: 6 out of 10.", r);
    assert_true(noted > r);
    assert_true(find_text(tr, "pain during: Test stretch (6 out of 10)", noted) > noted);
    assert_int_equal(find_text(tr, "say next", from), -1); /* it closes: nothing to go on to */
    assert_int_equal(last(tr)->kind, SESSION_ACT_END);
    assert_int_equal(last(tr)->reason, SESSION_END_STOPPED);
}

/* Silence after the question changes nothing: no pain, and the summary. */
static void test_stop_then_silence_records_no_pain(void **state)
{
    fixture *f = *state;
    session_t *s = f->s;
    trace *tr = f->tr;
    int from = tr->n;
    session_post_command(s, FC_CMD_STOP, tr->now);
    run_until(s, tr, tr->now + 60 * FC_RATE);
    assert_int_equal(find(tr, SESSION_ACT_PAIN, from), -1);
    assert_true(find_text(tr, "You completed", from) > find_text(tr, "If something hurt", from));
    assert_int_equal(find_text(tr, "reported pain", from), -1);
    assert_int_equal(last(tr)->reason, SESSION_END_STOPPED);
}

/* "repeat" while the summary is said leaves it whole. */
static void test_repeat_during_summary_leaves_it_whole(void **state)
{
    fixture *f = *state;
    session_t *s = f->s;
    trace *tr = f->tr;
    while (find_text(tr, "You completed", 0) < 0)
        run_until(s, tr, tr->now + BLOCK);
    int sum = find_text(tr, "You completed", 0);
    session_post_command(s, FC_CMD_REPEAT, tr->a[sum].at + FC_RATE / 2);
    run_until(s, tr, tr->now + 30 * FC_RATE);
    assert_int_equal(find(tr, SESSION_ACT_CUT, sum), -1);
    assert_int_equal(find_text(tr, "You completed", sum + 1), -1);
    assert_int_equal(last(tr)->kind, SESSION_ACT_END);
    assert_int_equal(last(tr)->reason, SESSION_END_COMPLETED);
}

/* A routine that requires clearance asks, and only "next" (here from a
 * key, which the record keeps) lets the exercises begin. */
static void test_clearance_by_key(void **state)
{
    fixture *f = *state;
    session_t *s = f->s;
    trace *tr = f->tr;
    while (find(tr, SESSION_ACT_WAIT, 0) < 0)
        run_until(s, tr, tr->now + BLOCK);
    int w = find(tr, SESSION_ACT_WAIT, 0);
    assert_string_equal(tr->text[w], "clearance");
    assert_true(find_text(tr, "physical therapist has cleared you", 0) < w);
    assert_int_equal(find(tr, SESSION_ACT_EXERCISE, 0), -1);
    session_post_key(s, FC_CMD_NEXT, tr->now + FC_RATE);
    run_until(s, tr, tr->now + 2 * FC_RATE);
    int c = find(tr, SESSION_ACT_CLEARANCE, w);
    assert_true(c > w);
    assert_int_equal(tr->a[c].source, SESSION_SOURCE_KEY);
    assert_true(find(tr, SESSION_ACT_EXERCISE, c) > c);
}

/* Without an answer the session ends before any exercise. */
static void test_no_clearance_runs_nothing(void **state)
{
    fixture *f = *state;
    run_until(f->s, f->tr, 600 * (int64_t)FC_RATE);
    assert_int_equal(find(f->tr, SESSION_ACT_EXERCISE, 0), -1);
    assert_int_equal(find(f->tr, SESSION_ACT_REP, 0), -1);
    assert_int_equal(last(f->tr)->reason, SESSION_END_NOT_CLEARED);
}

/* A wait point of more than 20 s reminds the user once what to say, 20 s
 * in, then times out (and the record says so). */
static void test_long_wait_reminds(void **state)
{
    fixture *f = *state;
    session_t *s = f->s;
    trace *tr = f->tr;
    while (find(tr, SESSION_ACT_WAIT, 0) < 0)
        run_until(s, tr, tr->now + BLOCK);
    session_post_key(s, FC_CMD_NEXT, tr->now); /* cleared */
    run_until(s, tr, tr->now + BLOCK);
    while (find(tr, SESSION_ACT_WAITED, find(tr, SESSION_ACT_CLEARANCE, 0) + 1) < 0)
        run_until(s, tr, tr->now + BLOCK);
    int c = find(tr, SESSION_ACT_CLEARANCE, 0);
    int w = find(tr, SESSION_ACT_WAIT, c);
    int r = find_text(tr, "Say next when you are ready", w);
    int done = find(tr, SESSION_ACT_WAITED, w);
    assert_true(r > w && done > r);
    assert_true(tr->a[r].at == tr->a[w].at + 20 * (int64_t)FC_RATE);
    assert_true(tr->a[done].at == tr->a[w].at + 30 * (int64_t)FC_RATE);
    assert_string_equal(tr->text[done], "timeout");
    assert_int_equal(find_text(tr, "Say next when you are ready", r + 1), -1);
}

/* "next" while the reminder is said cuts it, and goes on at once. */
static void test_next_cuts_the_reminder(void **state)
{
    fixture *f = *state;
    session_t *s = f->s;
    trace *tr = f->tr;
    while (find(tr, SESSION_ACT_WAIT, 0) < 0)
        run_until(s, tr, tr->now + BLOCK);
    session_post_key(s, FC_CMD_NEXT, tr->now); /* cleared */
    while (find_text(tr, "Say next when you are ready", 0) < 0)
        run_until(s, tr, tr->now + BLOCK);
    int r = find_text(tr, "Say next when you are ready", 0);
    int64_t t = tr->a[r].at + FC_RATE / 2;
    run_until(s, tr, t);
    session_post_command(s, FC_CMD_NEXT, t);
    run_until(s, tr, t + FC_RATE);
    int cut = find(tr, SESSION_ACT_CUT, r);
    assert_true(cut > r);
    assert_true(tr->a[cut].at == t);
}


/* The microphone is lost in a hold: the coach goes quiet at once, says so,
 * counts nothing and refuses next (a key too) for as long as it is gone,
 * however long; once it is back it says so and waits for next, which goes
 * on with the same repetition from one. */
static void test_deaf_pauses_until_hearing_and_next(void **state)
{
    fixture *f = *state;
    session_t *s = f->s;
    trace *tr = f->tr;
    int before = tr->n;
    int64_t lost = tr->now;
    assert_int_equal(session_post_deaf(s, lost), FC_OK);
    run_until(s, tr, tr->now + FC_RATE * 5);
    assert_int_equal(tr->a[before].kind, SESSION_ACT_CUT);
    assert_true(tr->a[before].at <= lost + BLOCK);
    int p = find(tr, SESSION_ACT_PAUSE, before);
    assert_int_equal(p, before + 1);
    assert_string_equal(tr->text[p], "microphone");
    assert_int_equal(find_text(tr, "can't hear you", p), p + 1);
    session_post_key(s, FC_CMD_NEXT, tr->now);
    session_post_command(s, FC_CMD_REPEAT, tr->now);
    run_until(s, tr, tr->now + FC_RATE * 600); /* longer than any answer timeout */
    assert_int_equal(find(tr, SESSION_ACT_COUNT, before), -1);
    assert_int_equal(find(tr, SESSION_ACT_HOLD, before), -1);
    assert_int_equal(find(tr, SESSION_ACT_END, before), -1);
    assert_int_equal(last(tr)->kind, SESSION_ACT_WAIT);

    int back = tr->n;
    assert_int_equal(session_post_hearing(s, tr->now), FC_OK);
    run_until(s, tr, tr->now + FC_RATE * 5);
    assert_true(find_text(tr, "can hear you again", back) > back);
    assert_int_equal(find(tr, SESSION_ACT_COUNT, back), -1); /* still waits for next */
    assert_next_resumes_the_hold(f);
    assert_said_lines_are_prompts(f);
}

/* Both devices lost in a hold, one after the other: one pause; the
 * microphone back while the speaker is still gone changes nothing (next
 * still refused); the speaker back last says so, and next goes on with the
 * same repetition. */
static void test_speaker_and_microphone_lost_together(void **state)
{
    fixture *f = *state;
    session_t *s = f->s;
    trace *tr = f->tr;
    int before = tr->n;
    assert_int_equal(session_post_mute(s, tr->now), FC_OK);
    run_until(s, tr, tr->now + FC_RATE * 2);
    int p = find(tr, SESSION_ACT_PAUSE, before);
    assert_true(p > before);
    assert_string_equal(tr->text[p], "speaker");
    assert_true(find_text(tr, "speaker stopped", p) > p);
    session_post_deaf(s, tr->now);
    run_until(s, tr, tr->now + FC_RATE * 2);
    session_post_hearing(s, tr->now);
    run_until(s, tr, tr->now + FC_RATE * 2);
    int mic_back = tr->n;
    session_post_command(s, FC_CMD_NEXT, tr->now);
    run_until(s, tr, tr->now + FC_RATE * 300);
    assert_int_equal(find(tr, SESSION_ACT_COUNT, before), -1);
    assert_int_equal(find(tr, SESSION_ACT_END, before), -1);
    assert_int_equal(find_text(tr, "can hear you again", mic_back), -1);

    int back = tr->n;
    assert_int_equal(session_post_unmute(s, tr->now), FC_OK);
    run_until(s, tr, tr->now + FC_RATE * 8);
    assert_true(find_text(tr, "speaker is working again", back) > back);
    assert_int_equal(find(tr, SESSION_ACT_COUNT, back), -1);
    assert_next_resumes_the_hold(f);
    assert_said_lines_are_prompts(f);
}

/* Deaf, the stop key still stops, and a pain key is still recorded. */
static void test_deaf_still_takes_stop_and_pain_keys(void **state)
{
    fixture *f = *state;
    session_t *s = f->s;
    trace *tr = f->tr;
    session_post_deaf(s, tr->now);
    run_until(s, tr, tr->now + FC_RATE * 5);
    int before = tr->n;
    session_post_key(s, FC_CMD_PAIN, tr->now);
    run_until(s, tr, tr->now + FC_RATE / 2);
    /* Deaf, a spoken rating cannot come, a digit key can. */
    session_post_rating(s, 5, SESSION_SOURCE_VOICE, tr->now, tr->now);
    run_until(s, tr, tr->now + FC_RATE / 2);
    assert_int_equal(find(tr, SESSION_ACT_RATING, before), -1);
    session_post_rating(s, 5, SESSION_SOURCE_KEY, tr->now, tr->now);
    run_until(s, tr, tr->now + FC_RATE * 20);
    assert_true(find(tr, SESSION_ACT_PAIN, before) >= before);
    int r = find(tr, SESSION_ACT_RATING, before);
    assert_true(r > before);
    assert_int_equal(tr->a[r].n, 5);
    session_post_key(s, FC_CMD_STOP, tr->now);
    run_until(s, tr, tr->now + FC_RATE * 60);
    assert_int_equal(last(tr)->kind, SESSION_ACT_END);
    assert_int_equal(last(tr)->reason, SESSION_END_STOPPED);
}

/* A session that joins a stream at sample T (serve) does exactly what one
 * started at 0 does, T later, and hands out nothing before T. */
static void test_start_at_shifts_everything(void **state)
{
    fixture *f = *state;
    const int64_t T = (int64_t)FC_RATE * 3600 + 37;
    session_config cfg = session_config_default();
    cfg.start_at = T;
    session_t *late = NULL;
    assert_int_equal(session_create(f->routine, &cfg, &late), FC_OK);
    trace *t2 = calloc(1, sizeof *t2);
    assert_non_null(t2);
    t2->now = T - (T % BLOCK);
    run_until(f->s, f->tr, FC_RATE * 120);
    run_until(late, t2, t2->now + FC_RATE * 120);
    assert_true(f->tr->n > 10);
    for (int i = 0; i < f->tr->n && i < t2->n; i++) {
        assert_int_equal(t2->a[i].kind, f->tr->a[i].kind);
        assert_int_equal(t2->a[i].at, f->tr->a[i].at + T);
        assert_string_equal(t2->text[i], f->tr->text[i]);
    }
    free(t2);
    session_destroy(late);
}

int main(void)
{
#define IN_HOLD(t) cmocka_unit_test_setup_teardown(t, setup_mini_in_hold, teardown)
#define FROM_START(t) cmocka_unit_test_setup_teardown(t, setup_mini, teardown)
    const struct CMUnitTest tests[] = {
        FROM_START(test_counts_land_on_exact_marks),
        FROM_START(test_sequence_and_sides),
        IN_HOLD(test_stop_cuts_at_once_and_ends),
        IN_HOLD(test_pain_protocol_then_next),
        IN_HOLD(test_pain_rated_by_voice),
        IN_HOLD(test_pain_rated_by_key_early),
        IN_HOLD(test_stop_while_rating_is_asked),
        IN_HOLD(test_stop_then_pain_is_rated),
        IN_HOLD(test_pain_then_repeat_restarts_exercise),
        IN_HOLD(test_pain_without_answer_ends_session),
        IN_HOLD(test_next_ends_hold_early),
        IN_HOLD(test_repeat_in_hold_says_again_and_restarts_count),
        cmocka_unit_test_setup_teardown(test_repeat_in_hold_says_the_position_step,
                                        setup_position_in_hold, teardown),
        FROM_START(test_next_at_wait_point_continues),
        FROM_START(test_repeat_during_line_says_it_again),
        IN_HOLD(test_interrupt_ends_immediately),
        FROM_START(test_poll_refuses_to_run_ahead_of_said),
        cmocka_unit_test_setup_teardown(test_clock_follows_sample_rate, setup_mini_slow_clock,
                                        teardown),
        IN_HOLD(test_progress_during_hold),
        FROM_START(test_pain_during_reps),
        FROM_START(test_pain_outside_exercise),
        IN_HOLD(test_unsure_stop_pauses_and_next_resumes),
        IN_HOLD(test_pause_without_answer_ends_session),
        IN_HOLD(test_pause_then_stop_and_unsure_others),
        IN_HOLD(test_pain_confirmed_during_pause),
        IN_HOLD(test_stop_then_pain_is_recorded),
        IN_HOLD(test_stop_then_silence_records_no_pain),
        FROM_START(test_repeat_during_summary_leaves_it_whole),
        cmocka_unit_test_setup_teardown(test_clearance_by_key, setup_longwait, teardown),
        cmocka_unit_test_setup_teardown(test_no_clearance_runs_nothing, setup_longwait, teardown),
        cmocka_unit_test_setup_teardown(test_long_wait_reminds, setup_longwait, teardown),
        cmocka_unit_test_setup_teardown(test_next_cuts_the_reminder, setup_longwait, teardown),
        IN_HOLD(test_deaf_pauses_until_hearing_and_next),
        IN_HOLD(test_deaf_still_takes_stop_and_pain_keys),
        IN_HOLD(test_speaker_and_microphone_lost_together),
        FROM_START(test_start_at_shifts_everything),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
