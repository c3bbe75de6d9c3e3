/* Progression within the prescription (src/engine/progression.h), on a
 * virtual clock and made-up histories: each rule, the clamps at both ends
 * of a range for any history, and the sentence the coach says. */
#include "fc_error.h"
#include "progression.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define DAY_S (24 * 60 * 60)
#define NOW ((int64_t)1767225600) /* 2026-01-01, the virtual clock */
#define SENTENCE_MAX 256
#define GENERATED_HISTORIES 20000
#define GENERATED_SESSIONS_MAX 6

static const progression_range HOLD = {PROGRESSION_HOLD_SECONDS, 15, 30,
                                       PROGRESSION_STEP_SECONDS};
static const progression_range HOLDS = {PROGRESSION_HOLDS, 3, 5, PROGRESSION_STEP_COUNT};
static const progression_range REPS = {PROGRESSION_REPS, 15, 20, PROGRESSION_STEP_COUNT};

/* A session `days` before NOW. */
static progression_outcome good(int days, int dose)
{
    return (progression_outcome){NOW - (int64_t)days * DAY_S, dose, true, false};
}

static progression_outcome hurt(int days, int dose)
{
    return (progression_outcome){NOW - (int64_t)days * DAY_S, dose, false, true};
}

static progression_outcome unfinished(int days, int dose)
{
    return (progression_outcome){NOW - (int64_t)days * DAY_S, dose, false, false};
}

static progression_decision decide(const progression_range *r, const progression_outcome *h,
                                   size_t n)
{
    progression_decision d = {-1, PROGRESSION_STEADY, -1};
    fc_error err = {0};
    int rc = progression_decide(r, h, n, NOW, &d, &err);
    if (rc != FC_OK)
        fail_msg("progression_decide: %s", fc_error_message(&err));
    return d;
}

static void assert_decision(progression_decision d, int dose, progression_reason reason)
{
    if (d.dose != dose || d.reason != reason)
        fail_msg("decided %d (%s), wanted %d (%s)", d.dose, progression_reason_name(d.reason),
                 dose, progression_reason_name(reason));
}

static void test_start_and_fixed(void **state)
{
    (void)state;
    assert_decision(decide(&HOLD, NULL, 0), 15, PROGRESSION_START);
    assert_decision(decide(&REPS, NULL, 0), 15, PROGRESSION_START);
    /* One number: no progression, whatever the history. */
    const progression_range fixed = {PROGRESSION_HOLD_SECONDS, 20, 20, PROGRESSION_STEP_SECONDS};
    const progression_outcome h[] = {good(1, 20), good(2, 20), good(3, 20)};
    assert_decision(decide(&fixed, h, 3), 20, PROGRESSION_FIXED);
    const progression_outcome p[] = {hurt(1, 20)};
    assert_decision(decide(&fixed, p, 1), 20, PROGRESSION_FIXED);
}

static void test_step_up_after_two_good(void **state)
{
    (void)state;
    const progression_outcome h[] = {good(2, 15), good(4, 15)};
    assert_decision(decide(&HOLD, h, 2), 20, PROGRESSION_PROGRESS);
    const progression_outcome r[] = {good(1, 17), good(3, 17), hurt(5, 18)};
    assert_decision(decide(&REPS, r, 3), 18, PROGRESSION_PROGRESS);
    const progression_outcome n[] = {good(1, 3), good(2, 3)};
    assert_decision(decide(&HOLDS, n, 2), 4, PROGRESSION_PROGRESS);
}

static void test_no_step_up_after_one(void **state)
{
    (void)state;
    const progression_outcome one[] = {good(2, 20)};
    assert_decision(decide(&HOLD, one, 1), 20, PROGRESSION_STEADY);
    /* Just stepped up: the new dose has gone well once, not twice. */
    const progression_outcome stepped[] = {good(2, 20), good(4, 15)};
    assert_decision(decide(&HOLD, stepped, 2), 20, PROGRESSION_STEADY);
    /* Pain before the last good one. */
    const progression_outcome after_pain[] = {good(2, 15), hurt(4, 20)};
    assert_decision(decide(&HOLD, after_pain, 2), 15, PROGRESSION_STEADY);
    /* Not completed: neither up nor down. */
    const progression_outcome partial[] = {unfinished(1, 20), good(3, 20)};
    assert_decision(decide(&HOLD, partial, 2), 20, PROGRESSION_STEADY);
    /* The one before is older than the window: one recent good session. */
    const progression_outcome old[] = {good(3, 20), good(20, 20)};
    assert_decision(decide(&HOLD, old, 2), 20, PROGRESSION_STEADY);
}

static void test_step_back_after_pain(void **state)
{
    (void)state;
    const progression_outcome h[] = {hurt(1, 25), good(3, 25), good(5, 25)};
    assert_decision(decide(&HOLD, h, 3), 20, PROGRESSION_PAIN);
    const progression_outcome r[] = {hurt(1, 18)};
    assert_decision(decide(&REPS, r, 1), 17, PROGRESSION_PAIN);
    /* Pain that also completed every hold still steps back. */
    progression_outcome done = good(1, 4);
    done.pain = true;
    assert_decision(decide(&HOLDS, &done, 1), 3, PROGRESSION_PAIN);
}

static void test_clamp_at_max_and_min(void **state)
{
    (void)state;
    const progression_outcome top[] = {good(1, 30), good(2, 30)};
    assert_decision(decide(&HOLD, top, 2), 30, PROGRESSION_AT_TOP);
    const progression_outcome near_top[] = {good(1, 28), good(2, 28)};
    assert_decision(decide(&HOLD, near_top, 2), 30, PROGRESSION_PROGRESS);
    const progression_outcome bottom[] = {hurt(1, 15)};
    assert_decision(decide(&HOLD, bottom, 1), 15, PROGRESSION_PAIN);
    const progression_outcome near_bottom[] = {hurt(1, 17)};
    assert_decision(decide(&HOLD, near_bottom, 1), 15, PROGRESSION_PAIN);
    const progression_outcome reps_top[] = {good(1, 20), good(2, 20)};
    assert_decision(decide(&REPS, reps_top, 2), 20, PROGRESSION_AT_TOP);
}

static void test_break_after_a_long_gap(void **state)
{
    (void)state;
    const progression_outcome h[] = {good(15, 25), good(16, 25)};
    assert_decision(decide(&HOLD, h, 2), 15, PROGRESSION_BREAK);
    /* Exactly the window is still recent. */
    progression_outcome edge[] = {good(0, 25), good(0, 25)};
    edge[0].start = edge[1].start = NOW - PROGRESSION_RECENT_S;
    assert_decision(decide(&HOLD, edge, 2), 30, PROGRESSION_PROGRESS);
    edge[0].start = edge[1].start = NOW - PROGRESSION_RECENT_S - 1;
    assert_decision(decide(&HOLD, edge, 2), 15, PROGRESSION_BREAK);
    /* A break wins over pain: the bottom is the gentler of the two. */
    const progression_outcome p[] = {hurt(30, 30)};
    assert_decision(decide(&HOLD, p, 1), 15, PROGRESSION_BREAK);
}

/* The therapist changed the range since the last session. */
static void test_changed_range(void **state)
{
    (void)state;
    const progression_outcome above[] = {good(1, 30), good(2, 30)};
    const progression_range lower = {PROGRESSION_HOLD_SECONDS, 10, 20, PROGRESSION_STEP_SECONDS};
    assert_decision(decide(&lower, above, 2), 10, PROGRESSION_CHANGED);
    const progression_outcome below[] = {hurt(1, 3)};
    const progression_range higher = {PROGRESSION_HOLDS, 4, 6, PROGRESSION_STEP_COUNT};
    assert_decision(decide(&higher, below, 1), 4, PROGRESSION_CHANGED);
}

/* A clock behind the history (a board without a real-time clock) judges
 * nothing: no break, no step up; pain still steps back. */
static void test_history_from_the_future(void **state)
{
    (void)state;
    const progression_outcome h[] = {good(-3, 20), good(-2, 20)};
    assert_decision(decide(&HOLD, h, 2), 20, PROGRESSION_STEADY);
    const progression_outcome p[] = {hurt(-1, 20)};
    assert_decision(decide(&HOLD, p, 1), 15, PROGRESSION_PAIN);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    progression_decision d;
    fc_error err = {0};
    const progression_range reversed = {PROGRESSION_HOLD_SECONDS, 30, 15, 5};
    assert_int_equal(progression_decide(&reversed, NULL, 0, NOW, &d, &err), FC_ERR_ARG);
    assert_non_null(strstr(err.detail, "30-15"));
    const progression_range no_step = {PROGRESSION_HOLD_SECONDS, 15, 30, 0};
    assert_int_equal(progression_decide(&no_step, NULL, 0, NOW, &d, NULL), FC_ERR_ARG);
    const progression_outcome oldest_first[] = {good(5, 15), good(1, 15)};
    assert_int_equal(progression_decide(&HOLD, oldest_first, 2, NOW, &d, &err), FC_ERR_ARG);
    assert_non_null(strstr(err.detail, "newest first"));
    assert_int_equal(progression_decide(&HOLD, NULL, 1, NOW, &d, NULL), FC_ERR_ARG);
}

/* A small deterministic generator, so that a failure repeats. */
static uint32_t next_random(uint32_t *seed)
{
    *seed = *seed * 1664525u + 1013904223u;
    return *seed >> 8;
}

static int between(uint32_t *seed, int lo, int hi)
{
    return lo + (int)(next_random(seed) % (uint32_t)(hi - lo + 1));
}

/* Any range and any history, even one whose doses lie far outside the
 * range or whose dates are odd: today's dose is inside the range. */
static void test_never_leaves_the_range(void **state)
{
    (void)state;
    uint32_t seed = 12345;
    progression_outcome h[GENERATED_SESSIONS_MAX];
    for (int k = 0; k < GENERATED_HISTORIES; k++) {
        progression_range r = {(progression_quantity)between(&seed, 0, 2), 0, 0, 0};
        r.min = between(&seed, 0, 60);
        r.max = r.min + between(&seed, 0, 40);
        r.step = between(&seed, 1, 10);
        size_t n = (size_t)between(&seed, 0, GENERATED_SESSIONS_MAX);
        int64_t t = NOW + between(&seed, -2, 1) * DAY_S;
        for (size_t i = 0; i < n; i++) {
            t -= (int64_t)between(&seed, 0, 20) * DAY_S / 2;
            h[i] = (progression_outcome){t, between(&seed, -5, 110), next_random(&seed) & 1,
                                         (next_random(&seed) % 4) == 0};
        }
        progression_decision d = decide(&r, h, n);
        if (d.dose < r.min || d.dose > r.max)
            fail_msg("history %d: %d outside %d-%d (%s)", k, d.dose, r.min, r.max,
                     progression_reason_name(d.reason));
        if (d.reason == PROGRESSION_PROGRESS && d.dose - d.last_dose > r.step)
            fail_msg("history %d: a step of %d, more than %d", k, d.dose - d.last_dose,
                     r.step);
    }
}

/* Session after session of a simulated user, a day apart: 15, 15, 20, 20,
 * 25, 25, 30, 30, 30; pain at the top steps back to 25, and two good
 * sessions there climb again. */
static void test_a_run_of_sessions(void **state)
{
    (void)state;
    static const int want[] = {15, 15, 20, 20, 25, 25, 30, 30, 30, 25, 25, 30, 30};
    enum { SESSIONS = sizeof want / sizeof want[0], PAINFUL = 8 };
    progression_outcome h[SESSIONS];
    for (size_t s = 0; s < SESSIONS; s++) {
        progression_decision d = {0, PROGRESSION_STEADY, 0};
        int64_t now = NOW + (int64_t)s * DAY_S;
        assert_int_equal(progression_decide(&HOLD, h, s, now, &d, NULL), FC_OK);
        if (d.dose != want[s])
            fail_msg("session %zu: %d, wanted %d", s + 1, d.dose, want[s]);
        /* Newest first: move the older ones down. */
        memmove(&h[1], &h[0], s * sizeof h[0]);
        h[0] = (progression_outcome){now, d.dose, s != PAINFUL, s == PAINFUL};
    }
}

static void test_hold_first(void **state)
{
    (void)state;
    progression_decision seconds = {20, PROGRESSION_PROGRESS, 15};
    progression_decision holds = {4, PROGRESSION_PROGRESS, 3};
    progression_hold_first(&seconds, &holds);
    assert_decision(holds, 3, PROGRESSION_STEADY);
    seconds = (progression_decision){30, PROGRESSION_AT_TOP, 30};
    holds = (progression_decision){4, PROGRESSION_PROGRESS, 3};
    progression_hold_first(&seconds, &holds);
    assert_decision(holds, 4, PROGRESSION_PROGRESS);
    seconds = (progression_decision){20, PROGRESSION_FIXED, 20};
    progression_hold_first(&seconds, &holds);
    assert_decision(holds, 4, PROGRESSION_PROGRESS);
    /* A step down is never held back. */
    seconds = (progression_decision){20, PROGRESSION_PROGRESS, 15};
    holds = (progression_decision){3, PROGRESSION_PAIN, 4};
    progression_hold_first(&seconds, &holds);
    assert_decision(holds, 3, PROGRESSION_PAIN);
}

static void assert_sentence(progression_decision d, progression_quantity q, const char *name,
                            const char *want)
{
    char buf[SENTENCE_MAX];
    int len = progression_sentence(&d, q, name, buf, sizeof buf);
    assert_string_equal(buf, want);
    assert_int_equal(len, (int)strlen(want));
}

static void test_sentences(void **state)
{
    (void)state;
    const char *name = "Piriformis stretch";
    assert_sentence((progression_decision){15, PROGRESSION_PAIN, 20}, PROGRESSION_HOLD_SECONDS,
                    name, "Last time the piriformis stretch hurt, so we'll hold for 15 seconds "
                    "today.");
    assert_sentence((progression_decision){15, PROGRESSION_PAIN, 15}, PROGRESSION_HOLD_SECONDS,
                    name, "Last time the piriformis stretch hurt, so we'll stay at 15 seconds "
                    "today.");
    assert_sentence((progression_decision){20, PROGRESSION_PROGRESS, 15},
                    PROGRESSION_HOLD_SECONDS, name, "The piriformis stretch went well the last "
                    "two times, so we'll hold for 20 seconds today.");
    assert_sentence((progression_decision){15, PROGRESSION_BREAK, 25}, PROGRESSION_HOLD_SECONDS,
                    name, "It has been a while since the last piriformis stretch, so we'll "
                    "start gently, at 15 seconds.");
    assert_sentence((progression_decision){10, PROGRESSION_CHANGED, 30},
                    PROGRESSION_HOLD_SECONDS, name, "The prescription for the piriformis "
                    "stretch has changed, so we'll start at 10 seconds today.");
    assert_sentence((progression_decision){16, PROGRESSION_PROGRESS, 15}, PROGRESSION_REPS,
                    "Bridges", "The bridges went well the last two times, so we'll do 16 "
                    "repetitions today.");
    assert_sentence((progression_decision){4, PROGRESSION_PROGRESS, 3}, PROGRESSION_HOLDS,
                    "Hip flexor stretch", "The hip flexor stretch went well the last two "
                    "times, so we'll do 4 rounds today.");
    assert_sentence((progression_decision){1, PROGRESSION_BREAK, 2}, PROGRESSION_HOLDS,
                    "Single leg balance", "It has been a while since the last single leg "
                    "balance, so we'll start gently, with 1 round.");
    assert_sentence((progression_decision){15, PROGRESSION_CHANGED, 20}, PROGRESSION_REPS,
                    "Bridges", "The prescription for the bridges has changed, so we'll start "
                    "with 15 repetitions today.");
}

/* Nothing is said when nothing changed and nothing happened. */
static void test_silence(void **state)
{
    (void)state;
    static const progression_reason quiet[] = {PROGRESSION_FIXED, PROGRESSION_START,
                                               PROGRESSION_STEADY, PROGRESSION_AT_TOP};
    for (size_t i = 0; i < sizeof quiet / sizeof quiet[0]; i++)
        assert_sentence((progression_decision){20, quiet[i], 20}, PROGRESSION_HOLD_SECONDS,
                        "Piriformis stretch", "");
}

/* An acronym, a mixed-case or a lower-case name is said as written. */
static void test_names_kept_when_unsure(void **state)
{
    (void)state;
    progression_decision d = {20, PROGRESSION_PAIN, 25};
    assert_sentence(d, PROGRESSION_HOLD_SECONDS, "ITB stretch",
                    "Last time the ITB stretch hurt, so we'll hold for 20 seconds today.");
    assert_sentence(d, PROGRESSION_HOLD_SECONDS, "McKenzie press-up",
                    "Last time the McKenzie press-up hurt, so we'll hold for 20 seconds today.");
    assert_sentence(d, PROGRESSION_HOLD_SECONDS, "90/90 stretch",
                    "Last time the 90/90 stretch hurt, so we'll hold for 20 seconds today.");
    assert_sentence(d, PROGRESSION_HOLD_SECONDS, "Piriformis stretch, alternative version",
                    "Last time the piriformis stretch, alternative version hurt, so we'll hold "
                    "for 20 seconds today.");
}

static void test_sentence_bounds(void **state)
{
    (void)state;
    progression_decision d = {20, PROGRESSION_PAIN, 25};
    char small[16];
    assert_int_equal(progression_sentence(&d, PROGRESSION_HOLD_SECONDS, "Bridges", small,
                                          sizeof small), FC_ERR_FULL);
    assert_string_equal(small, "");
    assert_int_equal(progression_sentence(&d, PROGRESSION_HOLD_SECONDS, "", small,
                                          sizeof small), FC_ERR_ARG);
    assert_string_equal(progression_reason_name(PROGRESSION_AT_TOP), "at_top");
    assert_string_equal(progression_reason_name(PROGRESSION_PROGRESS), "progress");
    assert_int_equal(progression_step(PROGRESSION_HOLD_SECONDS), 5);
    assert_int_equal(progression_step(PROGRESSION_REPS), 1);
    assert_int_equal(progression_step(PROGRESSION_HOLDS), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_start_and_fixed),
        cmocka_unit_test(test_step_up_after_two_good),
        cmocka_unit_test(test_no_step_up_after_one),
        cmocka_unit_test(test_step_back_after_pain),
        cmocka_unit_test(test_clamp_at_max_and_min),
        cmocka_unit_test(test_break_after_a_long_gap),
        cmocka_unit_test(test_changed_range),
        cmocka_unit_test(test_history_from_the_future),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_never_leaves_the_range),
        cmocka_unit_test(test_a_run_of_sessions),
        cmocka_unit_test(test_hold_first),
        cmocka_unit_test(test_sentences),
        cmocka_unit_test(test_silence),
        cmocka_unit_test(test_names_kept_when_unsure),
        cmocka_unit_test(test_sentence_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
