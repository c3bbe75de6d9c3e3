/* The plan a routine flattens into (src/engine/internal/plan.h): the order
 * of what is said and counted, and the jump targets the session uses for
 * "repeat" and "pain". */
#include "fc_error.h"
#include "internal/plan.h"
#include "routine.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

typedef struct {
    routine_t *routine;
    prescription_t *rx;
    plan_t *plan;
} fixture;

static int setup_routine(void **state, const char *name)
{
    char path[512];
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    *state = f;
    snprintf(path, sizeof path, "%s/%s", TEST_ROUTINES, name);
    assert_int_equal(routine_load(path, &f->routine, NULL, NULL), FC_OK);
    assert_int_equal(prescription_default(f->routine, &f->rx), FC_OK);
    assert_int_equal(plan_create(f->routine, f->rx, true, &f->plan), FC_OK);
    return 0;
}

static int setup_mini(void **state) { return setup_routine(state, "mini.yaml"); }
static int setup_position(void **state) { return setup_routine(state, "position.yaml"); }

static int teardown(void **state)
{
    fixture *f = *state;
    plan_destroy(f->plan);
    prescription_destroy(f->rx);
    routine_destroy(f->routine);
    free(f);
    return 0;
}

typedef struct {
    plan_kind kind;
    const char *text; /* PLAN_SAY's line; PLAN_HOLD/PLAN_REPS: what "repeat" says */
    int seconds, rep, of;
    int exercise;
    const char *side;
} expected;

#define SAY(t, e, s) {PLAN_SAY, t, 0, 0, 0, e, s}

/* tests/routines/mini.yaml, flattened. */
static const expected MINI[] = {
    SAY("Test routine.", -1, NULL),
    SAY("This is a test.", -1, NULL),
    /* A two-sided hold: all of it for the left side, then for the right,
     * where the purpose is not said again. */
    {PLAN_EXERCISE, NULL, 0, 0, 0, 0, "left"},
    SAY("Test stretch, left side.", 0, "left"),
    SAY("Exercises both sides and a wait point.", 0, "left"),
    SAY("Lie down on your left side.", 0, "left"),
    {PLAN_WAIT, NULL, 3, 0, 0, 0, "left"},
    SAY("Lean gently toward your left leg.", 0, "left"),
    SAY("Hold for 5 seconds.", 0, "left"),
    {PLAN_HOLD, "Lean gently toward your left leg.", 5, 1, 2, 0, "left"},
    SAY("Rest for 2 seconds.", 0, "left"),
    {PLAN_REST, NULL, 2, 0, 0, 0, "left"},
    SAY("Round 2 of 2. Hold for 5 seconds.", 0, "left"),
    {PLAN_HOLD, "Lean gently toward your left leg.", 5, 2, 2, 0, "left"},
    {PLAN_EXERCISE, NULL, 0, 0, 0, 0, "right"},
    SAY("Test stretch, right side.", 0, "right"),
    SAY("Lie down on your right side.", 0, "right"),
    {PLAN_WAIT, NULL, 3, 0, 0, 0, "right"},
    SAY("Lean gently toward your right leg.", 0, "right"),
    SAY("Hold for 5 seconds.", 0, "right"),
    {PLAN_HOLD, "Lean gently toward your right leg.", 5, 1, 2, 0, "right"},
    SAY("Rest for 2 seconds.", 0, "right"),
    {PLAN_REST, NULL, 2, 0, 0, 0, "right"},
    SAY("Round 2 of 2. Hold for 5 seconds.", 0, "right"),
    {PLAN_HOLD, "Lean gently toward your right leg.", 5, 2, 2, 0, "right"},
    /* Repetitions. */
    {PLAN_EXERCISE, NULL, 0, 0, 0, 1, NULL},
    SAY("Test reps.", 1, NULL),
    SAY("Counts at a tempo.", 1, NULL),
    SAY("Lift and lower.", 1, NULL),
    SAY("4 repetitions. Follow my count.", 1, NULL),
    {PLAN_REPS, "Lift and lower.", 0, 0, 4, 1, NULL},
    /* A single hold: no rest after it. */
    {PLAN_EXERCISE, NULL, 0, 0, 0, 2, NULL},
    SAY("Test balance.", 2, NULL),
    SAY("One hold.", 2, NULL),
    SAY("Stand on one foot.", 2, NULL),
    SAY("Hold for 5 seconds.", 2, NULL),
    {PLAN_HOLD, "Stand on one foot.", 5, 1, 1, 2, NULL},
    {PLAN_SUMMARY, NULL, 0, 0, 0, -1, NULL},
    {PLAN_END, NULL, 0, 0, 0, -1, NULL},
};
#define N_MINI (int)(sizeof MINI / sizeof MINI[0])

/* One line per item, so a mismatch names the item and shows it whole. */
static void describe(char *buf, size_t len, int i, plan_kind kind, const char *text, int seconds,
                     int rep, int of, int exercise, const char *side)
{
    snprintf(buf, len, "%d: kind %d '%s' seconds %d rep %d of %d exercise %d side %s", i,
             (int)kind, text ? text : "-", seconds, rep, of, exercise, side ? side : "-");
}

static void test_two_sided_hold_flattens_in_order(void **state)
{
    fixture *f = *state;
    char got[256], want[256];
    assert_int_equal(plan_length(f->plan), N_MINI);
    for (int i = 0; i < N_MINI; i++) {
        const plan_item *it = plan_at(f->plan, i);
        const expected *x = &MINI[i];
        const char *text = it->kind == PLAN_HOLD || it->kind == PLAN_REPS ? it->again : it->text;
        describe(got, sizeof got, i, it->kind, text, it->seconds, it->rep, it->of, it->exercise,
                 it->side);
        describe(want, sizeof want, i, x->kind, x->text, x->seconds, x->rep, x->of, x->exercise,
                 x->side);
        assert_string_equal(got, want);
    }
    assert_true(plan_at(f->plan, 30)->tempo == 2.0);
}

/* "repeat" after pain goes back to where this side began, "next" after
 * pain to the first item after every side of the exercise. */
static void test_jump_targets(void **state)
{
    fixture *f = *state;
    for (int i = 0; i < N_MINI; i++) {
        const plan_item *it = plan_at(f->plan, i);
        int block = i < 2 ? 0 : i < 14 ? 2 : i < 25 ? 14 : i < 31 ? 25 : i < 37 ? 31 : 0;
        int end = i < 2 ? 0 : i < 25 ? 25 : i < 31 ? 31 : i < 37 ? 37 : 0;
        char got[64], want[64];
        snprintf(got, sizeof got, "%d: block %d end %d", i, it->block_start, it->exercise_end);
        snprintf(want, sizeof want, "%d: block %d end %d", i, block, end);
        assert_string_equal(got, want);
    }
}

static void test_position_step_is_said_again(void **state)
{
    fixture *f = *state;
    int holds = 0;
    for (int i = 0; i < plan_length(f->plan); i++) {
        const plan_item *it = plan_at(f->plan, i);
        if (it->kind != PLAN_HOLD)
            continue;
        holds++;
        /* Not the last step ("Hold still while I count."). */
        assert_string_equal(it->again, "Lie on your back with your knees bent.");
    }
    assert_int_equal(holds, 1);
}

static void test_count_texts(void **state)
{
    fixture *f = *state;
    char buf[PLAN_COUNT_MAX];
    const plan_item *hold = plan_at(f->plan, 9), *reps = plan_at(f->plan, 30);
    assert_string_equal(plan_count_text(hold, 1, buf, sizeof buf), "1");
    assert_string_equal(plan_count_text(hold, 4, buf, sizeof buf), "4");
    assert_string_equal(plan_count_text(hold, 5, buf, sizeof buf), "5, release.");
    assert_string_equal(plan_count_text(reps, 3, buf, sizeof buf), "3");
    assert_string_equal(plan_count_text(reps, 4, buf, sizeof buf), "4, and relax.");
}

static void test_summary(void **state)
{
    fixture *f = *state;
    char buf[PLAN_SUMMARY_MAX];
    /* done[] per exercise; pained[] per exercise, then outside any. */
    const int all[] = {1, 1, 1, 0}, none[] = {0, 0, 0, 0}, some[] = {1, 0, 1, 0},
              two[] = {1, 1, 0, 0}, outside[] = {0, 0, 0, 1};
    plan_summary(f->plan, all, none, NULL, buf, sizeof buf);
    assert_string_equal(buf, "You completed 3 of 3 exercises.");
    plan_summary(f->plan, all, outside, NULL, buf, sizeof buf);
    assert_string_equal(buf, "You completed 3 of 3 exercises. You reported pain. Please tell "
                             "your physical therapist.");
    plan_summary(f->plan, some, (const int[]){0, 1, 0, 0}, NULL, buf, sizeof buf);
    assert_string_equal(buf, "You completed 2 of 3 exercises. You reported pain during: "
                             "Test reps. Please tell your physical therapist.");
    plan_summary(f->plan, none, two, NULL, buf, sizeof buf);
    assert_string_equal(buf, "You completed 0 of 3 exercises. You reported pain during: "
                             "Test stretch, Test reps. Please tell your physical therapist.");
    /* A short buffer truncates, never overruns. */
    char small[12];
    plan_summary(f->plan, all, two, NULL, small, sizeof small);
    assert_string_equal(small, "You complet");
}

/* The prompts: every narrated line in plan order, the routine's pain
 * guidance, then the fixed lines; NULL past the end. */
static void test_prompts(void **state)
{
    fixture *f = *state;
    size_t says = 0, n = plan_prompt_count(f->plan);
    for (int i = 0; i < N_MINI; i++)
        says += MINI[i].kind == PLAN_SAY;
    /* mini.yaml has 2 + 1 + 1 pain lines; then each rating said back. */
    assert_int_equal(n, says + 4 + PLAN_LINE_COUNT + PLAN_RATING_MAX);
    size_t k = 0;
    for (int i = 0; i < N_MINI; i++)
        if (MINI[i].kind == PLAN_SAY)
            assert_string_equal(plan_prompt(f->plan, k++), MINI[i].text);
    assert_string_equal(plan_prompt(f->plan, k++), "Come back slowly to the start.");
    assert_string_equal(plan_prompt(f->plan, k++), "If it stays, call your therapist.");
    assert_string_equal(plan_prompt(f->plan, k++), "Ease off.");
    assert_string_equal(plan_prompt(f->plan, k++), "Put the foot down.");
    for (int l = 0; l < PLAN_LINE_COUNT; l++) {
        const char *line = plan_line_text((plan_line)l);
        assert_non_null(line);
        assert_ptr_equal(plan_prompt(f->plan, k++), line);
    }
    for (int rating = 1; rating <= PLAN_RATING_MAX; rating++)
        assert_ptr_equal(plan_prompt(f->plan, k++), plan_rated_text(rating));
    assert_string_equal(plan_rated_text(7), "Noted: 7 out of 10.");
    assert_null(plan_rated_text(0));
    assert_null(plan_rated_text(PLAN_RATING_MAX + 1));
    assert_int_equal(k, n);
    assert_null(plan_prompt(f->plan, n));
    assert_null(plan_line_text(PLAN_LINE_COUNT));
    plan_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_two_sided_hold_flattens_in_order, setup_mini,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_jump_targets, setup_mini, teardown),
        cmocka_unit_test_setup_teardown(test_position_step_is_said_again, setup_position,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_count_texts, setup_mini, teardown),
        cmocka_unit_test_setup_teardown(test_summary, setup_mini, teardown),
        cmocka_unit_test_setup_teardown(test_prompts, setup_mini, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
