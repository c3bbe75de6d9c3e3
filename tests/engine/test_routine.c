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

/* Each test's temporary script, routine and report, freed after it even
 * when an assertion fails half way. */
typedef struct {
    char *path;        /* the temporary script, or NULL */
    routine_t *r;
    routine_report rep;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    *state = f;
    return 0;
}

/* Drops the last load's script, routine and report. */
static void forget(fixture *f)
{
    if (f->path)
        unlink(f->path);
    free(f->path);
    f->path = NULL;
    routine_destroy(f->r);
    f->r = NULL;
    routine_report_clear(&f->rep);
}

static int teardown(void **state)
{
    forget(*state);
    free(*state);
    return 0;
}

/* Loads the script at path; returns routine_load's code. */
static int load_file(fixture *f, const char *path)
{
    routine_destroy(f->r);
    f->r = NULL;
    routine_report_clear(&f->rep);
    int rc = routine_load(path, &f->r, &f->rep, NULL);
    for (size_t i = 0; i < f->rep.n; i++)
        fprintf(stderr, "  %s\n", f->rep.lines[i]);
    return rc;
}

/* Writes text to a temporary script and loads it. */
static int load_text(fixture *f, const char *text)
{
    forget(f);
    f->path = strdup("/tmp/fc_routine_XXXXXX");
    assert_non_null(f->path);
    int fd = mkstemp(f->path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return load_file(f, f->path);
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
static void expect_problem(fixture *f, const char *text, int line, const char *needle)
{
    assert_int_equal(load_text(f, text), FC_ERR_FORMAT);
    assert_null(f->r);
    char prefix[600];
    snprintf(prefix, sizeof prefix, "%s:%d:", f->path, line);
    int found = 0;
    for (size_t i = 0; i < f->rep.n; i++)
        if (!strncmp(f->rep.lines[i], prefix, strlen(prefix)) && strstr(f->rep.lines[i], needle))
            found = 1;
    assert_true(found);
}

/* The same with GOOD changed from `from` to `to`. */
static void expect_variant(fixture *f, const char *from, const char *to, int line,
                           const char *needle)
{
    char *t = variant(from, to);
    expect_problem(f, t, line, needle);
    free(t);
}

/* Loads GOOD changed; expects exactly these problems, in this order, each
 * "PATH:" and then the given text. */
static void expect_exactly(fixture *f, const char *from, const char *to, const char *const *want,
                           size_t n)
{
    char *t = variant(from, to);
    int rc = load_text(f, t);
    free(t);
    assert_int_equal(rc, FC_ERR_FORMAT);
    assert_int_equal(f->rep.n, n);
    for (size_t i = 0; i < n; i++) {
        char line[700];
        snprintf(line, sizeof line, "%s:%s", f->path, want[i]);
        assert_string_equal(f->rep.lines[i], line);
    }
}

static void test_good_routine_loads(void **state)
{
    fixture *f = *state;
    assert_int_equal(load_text(f, GOOD), FC_OK);
    assert_int_equal(f->rep.n, 0);
    const routine_t *r = f->r;
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
}

static void test_shipped_routines_load(void **state)
{
    fixture *f = *state;
    const char *names[] = {"fai.yaml", "fai-stretches.yaml", "fai-functional.yaml"};
    for (size_t i = 0; i < 3; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/scripts/%s", FC_SOURCE_DIR, names[i]);
        assert_int_equal(load_file(f, path), FC_OK);
        assert_int_equal(f->rep.n, 0);
        assert_true(f->r->n_exercises > 0);
    }
}

static void test_default_routine_is_faithful(void **state)
{
    fixture *f = *state;
    char path[512];
    snprintf(path, sizeof path, "%s/scripts/fai.yaml", FC_SOURCE_DIR);
    assert_int_equal(load_file(f, path), FC_OK);
    const routine_t *r = f->r;
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
}

static void test_syntax_error_has_line(void **state)
{
    fixture *f = *state;
    expect_variant(f, "    kind: hold\n", "    kind: [hold\n", 7, "syntax");
}

static void test_missing_key(void **state)
{
    fixture *f = *state;
    expect_variant(f, "    purpose: Loosens.\n", "", 4, "no 'purpose'");
}

static void test_unknown_key(void **state)
{
    fixture *f = *state;
    expect_variant(f, "    hold_seconds: 30\n", "    hold_secnds: 30\n", 7,
                   "unknown key 'hold_secnds'");
}

static void test_hold_outside_range(void **state)
{
    fixture *f = *state;
    expect_variant(f, "hold_seconds: 30", "hold_seconds: 45", 7,
                   "outside the prescribed range 15-30");
}

static void test_reps_outside_range(void **state)
{
    fixture *f = *state;
    expect_variant(f, "repetitions: 3", "repetitions: 9", 9, "outside the prescribed range 3-5");
}

static void test_bad_kind_and_sides(void **state)
{
    fixture *f = *state;
    expect_variant(f, "kind: hold", "kind: stretch", 6, "'hold' or 'reps'");
    expect_variant(f, "sides: both", "sides: left", 11, "'both' or 'none'");
}

static void test_bad_wait_and_range(void **state)
{
    fixture *f = *state;
    expect_variant(f, "wait: 20", "wait: 900", 14, "between 1 and 300");
    expect_variant(f, "hold_range: 15-30", "hold_range: thirty", 8, "MIN-MAX");
}

static void test_position_step(void **state)
{
    fixture *f = *state;
    /* One position step per exercise; a second is named by its line. */
    expect_variant(f, "        wait: 20\n      - Lean forward.\n",
                   "        wait: 20\n        position: true\n"
                   "      - {say: Lean forward., position: true}\n",
                   16, "only one step");
    expect_variant(f, "        wait: 20\n", "        wait: 20\n        position: maybe\n", 15,
                   "'position' must be true or false");
}

static void test_empty_text(void **state)
{
    fixture *f = *state;
    expect_variant(f, "      - Lean forward.\n", "      - \"  \"\n", 15, "empty");
}

static void test_clearance_needs_therapist(void **state)
{
    fixture *f = *state;
    expect_variant(f, "intro: [Be careful.]\n", "requires_clearance: true\nintro: [Be careful.]\n",
                   2, "therapist");
}

static void test_missing_file_and_empty_file(void **state)
{
    fixture *f = *state;
    assert_int_equal(load_file(f, "/nonexistent/x.yaml"), FC_ERR_IO);
    assert_null(f->r);
    assert_int_equal(f->rep.n, 1);
    assert_string_equal(f->rep.lines[0],
                        "/nonexistent/x.yaml: cannot open: No such file or directory");
    expect_problem(f, "", 1, "empty");
    expect_problem(f, "- just\n- a list\n", 1, "mapping");
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

/* A key of the other kind of exercise is refused, by the line and column
 * of the key. */
static void test_keys_of_the_other_kind(void **state)
{
    fixture *f = *state;
    static const char *const on_hold[] = {"9:5: 'rep_seconds' is for 'reps' exercises only"};
    expect_exactly(f, "    repetitions: 3\n", "    rep_seconds: 2\n    repetitions: 3\n", on_hold,
                   1);
    static const char *const on_reps[] = {
        "4:5: exercise 'Stretch' has no 'rep_seconds'",
        "7:5: 'hold_seconds' is for 'hold' exercises only",
        "8:5: 'hold_range' is for 'hold' exercises only",
    };
    expect_exactly(f, "kind: hold", "kind: reps", on_reps, 3);
    static const char *const rest[] = {"7:19: 'rest_seconds' is 500; it must be between 0 and 120"};
    expect_exactly(f, "    hold_seconds: 30\n", "    rest_seconds: 500\n    hold_seconds: 30\n",
                   rest, 1);
}

/* Numbers are read strictly: NaN, infinity, a '+' or spaces inside quotes
 * are refused with their line, never counted (a NaN tempo counted every
 * repetition at one instant). */
static void test_numbers_are_strict(void **state)
{
    fixture *f = *state;
    static const char *const nan[] = {
        "7:18: 'rep_seconds' must be a number",
        "8:5: 'hold_seconds' is for 'hold' exercises only",
        "9:5: 'hold_range' is for 'hold' exercises only",
    };
    static const char *const bad_tempo[] = {"nan", ".nan", "inf", "-inf", "1e999", "0x2", "+2",
                                            "\" 2\"", "2s"};
    for (size_t i = 0; i < sizeof bad_tempo / sizeof bad_tempo[0]; i++) {
        char to[64];
        snprintf(to, sizeof to, "kind: reps\n    rep_seconds: %s", bad_tempo[i]);
        expect_exactly(f, "kind: hold", to, nan, 3);
    }
    expect_variant(f, "hold_seconds: 30", "hold_seconds: +30", 7, "must be a whole number");
    expect_variant(f, "hold_seconds: 30", "hold_seconds: \" 30\"", 7, "must be a whole number");
    expect_variant(f, "hold_seconds: 30", "hold_seconds: 99999999999999999999", 7,
                   "'hold_seconds' is 99999999999999999999; it must be between");
    expect_variant(f, "hold_range: 15-30", "hold_range: +15-30", 8, "MIN-MAX");
    expect_variant(f, "hold_range: 15-30", "hold_range: 15- 30", 8, "MIN-MAX");
    expect_variant(f, "hold_range: 15-30", "hold_range: 30-15", 8, "MIN-MAX");
}

/* Text that would reach the terminal as an escape sequence, or is too long
 * to say as one line (a pasted document hung the coach), is refused with
 * its line; the longest allowed line loads. */
static void test_text_is_bounded_and_printable(void **state)
{
    fixture *f = *state;
    expect_variant(f, "title: T", "title: \"T\\e]0;owned\\a\"", 1,
                   "'title' holds a control character (byte 0x1b, at character 2)");
    expect_variant(f, "- name: Stretch", "- name: \"Stretch\\x9b2J\"", 4,
                   "'name' holds a control character (byte 0xc2");
    expect_variant(f, "Lean forward.", "\"Lean\\x7fforward.\"", 15, "control character");
    char *big = malloc(ROUTINE_TEXT_MAX + 20);
    assert_non_null(big);
    memset(big, 'a', ROUTINE_TEXT_MAX + 1);
    big[ROUTINE_TEXT_MAX + 1] = '\0';
    expect_variant(f, "Loosens.", big, 5, "'purpose' is 1001 characters long; a line can "
                   "have at most 1000");
    big[ROUTINE_TEXT_MAX] = '\0';
    char *t = variant("Loosens.", big);
    assert_int_equal(load_text(f, t), FC_OK);
    free(t);
    free(big);
}

/* A list with an item that is not text is refused, and nothing reads the
 * hole it leaves (the fuzzer found check crashing on it). */
static void test_list_item_not_text(void **state)
{
    fixture *f = *state;
    expect_problem(f, "title: T\nrequires_clearance: true\nintro:\n  - [a]\nexercises: []\n", 4,
                   "'intro' must be text");
}

/* Every problem is reported at once, in file order, so `check` lists them
 * all; the error names the first and points to `check`. */
static void test_every_problem_is_reported(void **state)
{
    fixture *f = *state;
    static const char *const want[] = {
        "6:11: 'kind' must be 'hold' or 'reps'",
        "9:18: 'repetitions' is 0; it must be between 1 and 100",
        "11:12: 'sides' must be 'both' or 'none'",
    };
    char *t = variant("kind: hold\n    hold_seconds: 30\n    hold_range: 15-30\n"
                      "    repetitions: 3\n    repetition_range: 3-5\n    sides: both\n",
                      "kind: held\n    hold_seconds: 30\n    hold_range: 15-30\n"
                      "    repetitions: 0\n    repetition_range: 3-5\n    sides: one\n");
    int rc = load_text(f, t);
    free(t);
    assert_int_equal(rc, FC_ERR_FORMAT);
    assert_int_equal(f->rep.n, 3);
    for (size_t i = 0; i < 3; i++) {
        char line[700];
        snprintf(line, sizeof line, "%s:%s", f->path, want[i]);
        assert_string_equal(f->rep.lines[i], line);
    }
    fc_error err = {0};
    routine_t *r = NULL;
    assert_int_equal(routine_load(f->path, &r, NULL, &err), FC_ERR_FORMAT);
    assert_null(r);
    char first[800];
    snprintf(first, sizeof first, "%s:%s (and more: 'floorcoach check' lists every problem)",
             f->path, want[0]);
    assert_string_equal(err.detail, first);
}

int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_good_routine_loads),
        T(test_shipped_routines_load),
        T(test_default_routine_is_faithful),
        T(test_syntax_error_has_line),
        T(test_missing_key),
        T(test_unknown_key),
        T(test_hold_outside_range),
        T(test_reps_outside_range),
        T(test_bad_kind_and_sides),
        T(test_bad_wait_and_range),
        T(test_position_step),
        T(test_empty_text),
        T(test_clearance_needs_therapist),
        T(test_missing_file_and_empty_file),
        T(test_expand_side),
        T(test_keys_of_the_other_kind),
        T(test_numbers_are_strict),
        T(test_text_is_bounded_and_printable),
        T(test_list_item_not_text),
        T(test_every_problem_is_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
