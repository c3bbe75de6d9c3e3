/* The routine loader on the shipped scripts and on broken ones: every
 * problem must name file:line:col. */
#include "fc_error.h"
#include "routine.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

static const char GOOD[] =
    "title: T\n"                            /* 1 */
    "intro: [Be careful.]\n"                /* 2 */
    "exercises:\n"                          /* 3 */
    "  - name: Stretch\n"                   /* 4 */
    "    purpose: Loosens.\n"               /* 5 */
    "    kind: hold\n"                      /* 6 */
    "    hold_seconds: 30\n"                /* 7 */
    "    hold_range: 15-30\n"               /* 8 */
    "    repetitions: 3\n"                  /* 9 */
    "    repetition_range: 3-5\n"           /* 10 */
    "    sides: both\n"                     /* 11 */
    "    steps:\n"                          /* 12 */
    "      - say: Kneel on your {side} knee.\n" /* 13 */
    "        wait: 20\n"                    /* 14 */
    "      - Lean forward.\n"               /* 15 */
    "    pain: [Come back slowly.]\n";      /* 16 */

static char *write_temp(const char *text)
{
    char *path = strdup("/tmp/fc_routine_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

/* Replaces the first occurrence of `from` in GOOD by `to`. */
static char *variant(const char *from, const char *to)
{
    const char *hit = strstr(GOOD, from);
    assert_non_null(hit);
    char *out = malloc(sizeof GOOD + strlen(to));
    size_t pre = (size_t)(hit - GOOD);
    memcpy(out, GOOD, pre);
    strcpy(out + pre, to);
    strcat(out, hit + strlen(from));
    return out;
}

/* Loads text; expects failure with a problem at `line` mentioning `needle`. */
static void expect_problem(const char *text, int line, const char *needle)
{
    char *path = write_temp(text);
    routine_t *r = NULL;
    routine_report rep = {0};
    int rc = routine_load(path, &r, &rep, NULL);
    assert_int_equal(rc, FC_ERR_FORMAT);
    assert_null(r);
    char prefix[600];
    snprintf(prefix, sizeof prefix, "%s:%d:", path, line);
    int found = 0;
    for (size_t i = 0; i < rep.n; i++) {
        fprintf(stderr, "  %s\n", rep.lines[i]);
        if (!strncmp(rep.lines[i], prefix, strlen(prefix)) && strstr(rep.lines[i], needle))
            found = 1;
    }
    assert_true(found);
    routine_report_clear(&rep);
    unlink(path);
    free(path);
}

static void test_good_routine_loads(void **state)
{
    (void)state;
    char *path = write_temp(GOOD);
    routine_t *r = NULL;
    routine_report rep = {0};
    assert_int_equal(routine_load(path, &r, &rep, NULL), FC_OK);
    assert_int_equal(rep.n, 0);
    assert_string_equal(r->title, "T");
    assert_int_equal(r->n_exercises, 1);
    const routine_exercise *ex = &r->exercises[0];
    assert_int_equal(ex->kind, ROUTINE_HOLD);
    assert_int_equal(ex->hold_seconds, 30);
    assert_int_equal(ex->hold_min, 15);
    assert_int_equal(ex->hold_max, 30);
    assert_int_equal(ex->repetitions, 3);
    assert_true(ex->both_sides);
    assert_int_equal(ex->n_steps, 2);
    assert_int_equal(ex->steps[0].wait_seconds, 20);
    assert_int_equal(ex->steps[1].wait_seconds, 0);
    assert_string_equal(ex->pain[0], "Come back slowly.");
    assert_int_equal(ex->rest_seconds, 5); /* the default */
    routine_destroy(r);
    unlink(path);
    free(path);
}

static void test_shipped_routines_load(void **state)
{
    (void)state;
    const char *names[] = {"fai.yaml", "fai-stretches.yaml", "fai-functional.yaml"};
    for (size_t i = 0; i < 3; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/scripts/%s", FC_SOURCE_DIR, names[i]);
        routine_t *r = NULL;
        routine_report rep = {0};
        int rc = routine_load(path, &r, &rep, NULL);
        for (size_t j = 0; j < rep.n; j++)
            fprintf(stderr, "%s\n", rep.lines[j]);
        assert_int_equal(rc, FC_OK);
        routine_report_clear(&rep);
        routine_destroy(r);
    }
}

static void test_default_routine_is_faithful(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/scripts/fai.yaml", FC_SOURCE_DIR);
    routine_t *r = NULL;
    routine_report rep = {0};
    assert_int_equal(routine_load(path, &r, &rep, NULL), FC_OK);
    int stretches = 0, core = 0, balance = 0;
    for (size_t i = 0; i < r->n_exercises; i++) {
        const routine_exercise *ex = &r->exercises[i];
        if (ex->kind == ROUTINE_HOLD && ex->hold_max == 30 && ex->hold_min == 15) {
            /* The seed's stretches: 15-30 s, 3-5 times. */
            stretches++;
            assert_int_equal(ex->rep_min, 3);
            assert_int_equal(ex->rep_max, 5);
        }
        if (ex->kind == ROUTINE_REPS) {
            core++;
            assert_true(ex->repetitions >= 15 && ex->repetitions <= 20);
        }
        if (strstr(ex->name, "alance")) {
            balance++;
            assert_int_equal(ex->hold_seconds, 30);
            assert_true(ex->both_sides);
        }
        assert_true(ex->n_pain > 0);
    }
    assert_true(stretches >= 4); /* hip flexor, piriformis x2, groin */
    assert_true(core >= 3);
    assert_int_equal(balance, 1);
    assert_false(r->requires_clearance);
    routine_destroy(r);
}

static void test_syntax_error_has_line(void **state)
{
    (void)state;
    char *t = variant("    kind: hold\n", "    kind: [hold\n");
    expect_problem(t, 7, "syntax");
    free(t);
}

static void test_missing_key(void **state)
{
    (void)state;
    char *t = variant("    purpose: Loosens.\n", "");
    expect_problem(t, 4, "no 'purpose'");
    free(t);
}

static void test_unknown_key(void **state)
{
    (void)state;
    char *t = variant("    hold_seconds: 30\n", "    hold_secnds: 30\n");
    expect_problem(t, 7, "unknown key 'hold_secnds'");
    free(t);
}

static void test_hold_outside_range(void **state)
{
    (void)state;
    char *t = variant("hold_seconds: 30", "hold_seconds: 45");
    expect_problem(t, 7, "outside the prescribed range 15-30");
    free(t);
}

static void test_reps_outside_range(void **state)
{
    (void)state;
    char *t = variant("repetitions: 3", "repetitions: 9");
    expect_problem(t, 9, "outside the prescribed range 3-5");
    free(t);
}

static void test_bad_kind_and_sides(void **state)
{
    (void)state;
    char *t = variant("kind: hold", "kind: stretch");
    expect_problem(t, 6, "'hold' or 'reps'");
    free(t);
    t = variant("sides: both", "sides: left");
    expect_problem(t, 11, "'both' or 'none'");
    free(t);
}

static void test_bad_wait_and_range(void **state)
{
    (void)state;
    char *t = variant("wait: 20", "wait: 900");
    expect_problem(t, 14, "between 1 and 300");
    free(t);
    t = variant("hold_range: 15-30", "hold_range: thirty");
    expect_problem(t, 8, "MIN-MAX");
    free(t);
}

static void test_position_step(void **state)
{
    (void)state;
    /* One position step per exercise; a second is named by its line. */
    char *t = variant("        wait: 20\n      - Lean forward.\n",
                      "        wait: 20\n        position: true\n"
                      "      - {say: Lean forward., position: true}\n");
    expect_problem(t, 16, "only one step");
    free(t);
    t = variant("        wait: 20\n", "        wait: 20\n        position: maybe\n");
    expect_problem(t, 15, "'position' must be true or false");
    free(t);
}

static void test_empty_text(void **state)
{
    (void)state;
    char *t = variant("      - Lean forward.\n", "      - \"  \"\n");
    expect_problem(t, 15, "empty");
    free(t);
}

static void test_clearance_needs_therapist(void **state)
{
    (void)state;
    char *t = variant("intro: [Be careful.]\n", "requires_clearance: true\nintro: [Be careful.]\n");
    expect_problem(t, 2, "therapist");
    free(t);
}

static void test_missing_file_and_empty_file(void **state)
{
    (void)state;
    routine_t *r = NULL;
    routine_report rep = {0};
    assert_int_equal(routine_load("/nonexistent/x.yaml", &r, &rep, NULL), FC_ERR_IO);
    assert_int_equal(rep.n, 1);
    assert_non_null(strstr(rep.lines[0], "/nonexistent/x.yaml"));
    routine_report_clear(&rep);
    expect_problem("", 1, "empty");
    expect_problem("- just\n- a list\n", 1, "mapping");
}

static void test_expand_side(void **state)
{
    (void)state;
    char *s = routine_expand_side("Lift your {side} leg, {side}!", "left");
    assert_string_equal(s, "Lift your left leg, left!");
    free(s);
    s = routine_expand_side("No side here.", "right");
    assert_string_equal(s, "No side here.");
    free(s);
    routine_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_routine_loads),
        cmocka_unit_test(test_shipped_routines_load),
        cmocka_unit_test(test_default_routine_is_faithful),
        cmocka_unit_test(test_syntax_error_has_line),
        cmocka_unit_test(test_missing_key),
        cmocka_unit_test(test_unknown_key),
        cmocka_unit_test(test_hold_outside_range),
        cmocka_unit_test(test_reps_outside_range),
        cmocka_unit_test(test_bad_kind_and_sides),
        cmocka_unit_test(test_bad_wait_and_range),
        cmocka_unit_test(test_position_step),
        cmocka_unit_test(test_empty_text),
        cmocka_unit_test(test_clearance_needs_therapist),
        cmocka_unit_test(test_missing_file_and_empty_file),
        cmocka_unit_test(test_expand_side),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
