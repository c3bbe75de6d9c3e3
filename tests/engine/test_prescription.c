/* The prescription loader against the shipped routine (scripts/fai.yaml):
 * doses and ranges a therapist writes, and every problem with its
 * file:line:col. Whole sessions with a prescription are in
 * tests/app/test_therapist.c. */
#include "fc_error.h"
#include "prescription.h"
#include "routine.h"
#include "support.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#define ROUTINE FC_SOURCE_DIR "/scripts/fai.yaml"
#define HEAD "routine: Hip impingement home routine\nexercises:\n"

/* Indices of scripts/fai.yaml's exercises. */
enum { HIP_FLEXOR = 0, PIRIFORMIS = 1, BRIDGES = 4, BALANCE = 8 };

typedef struct {
    routine_t *routine;
    prescription_t *rx;
    routine_report rep;
    char path[64];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    *state = f;
    assert_int_equal(routine_load(ROUTINE, &f->routine, NULL, NULL), FC_OK);
    snprintf(f->path, sizeof f->path, "/tmp/fc_test_rx_%d.yaml", (int)getpid());
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    prescription_destroy(f->rx);
    routine_report_clear(&f->rep);
    routine_destroy(f->routine);
    unlink(f->path);
    free(f);
    return 0;
}

/* Loads text as the prescription; returns prescription_load's code. */
static int load(fixture *f, const char *text)
{
    prescription_destroy(f->rx);
    f->rx = NULL;
    routine_report_clear(&f->rep);
    support_write_file(f->path, text);
    int rc = prescription_load(f->path, f->routine, &f->rx, &f->rep, NULL);
    for (size_t i = 0; i < f->rep.n; i++)
        fprintf(stderr, "  %s\n", f->rep.lines[i]);
    return rc;
}

/* The report holds a line of this file with want in it. */
static void assert_reported(const fixture *f, const char *want)
{
    for (size_t i = 0; i < f->rep.n; i++)
        if (!strncmp(f->rep.lines[i], f->path, strlen(f->path)) &&
            strstr(f->rep.lines[i], want))
            return;
    fail_msg("no problem reported like '%s'", want);
}

static void assert_dose(const routine_dose *d, int hold, int hold_min, int hold_max, int reps,
                        int rep_min, int rep_max)
{
    assert_int_equal(d->hold_seconds, hold);
    assert_int_equal(d->hold_min, hold_min);
    assert_int_equal(d->hold_max, hold_max);
    assert_int_equal(d->repetitions, reps);
    assert_int_equal(d->rep_min, rep_min);
    assert_int_equal(d->rep_max, rep_max);
}

/* Without a file every dose is the routine's, fixed: no range to move in. */
static void test_default_is_fixed(void **state)
{
    fixture *f = *state;
    assert_int_equal(prescription_default(f->routine, &f->rx), FC_OK);
    assert_int_equal(f->rx->n_doses, f->routine->n_exercises);
    assert_dose(&f->rx->doses[HIP_FLEXOR], 30, 30, 30, 3, 3, 3);
    assert_dose(&f->rx->doses[BRIDGES], 0, 0, 0, 15, 15, 15);
    assert_false(f->rx->doses[HIP_FLEXOR].prescribed);
}

/* A range inside the routine's starts at its bottom; a single number is
 * fixed; an exercise not named keeps the routine's dose, fixed. */
static void test_range_inside(void **state)
{
    fixture *f = *state;
    assert_int_equal(load(f, HEAD "  - {name: Hip flexor stretch, hold_seconds: 15-30, "
                             "repetitions: 3-5}\n"
                             "  - {name: Bridges, repetitions: 16-18}\n"
                             "  - {name: Piriformis stretch, hold_seconds: 20}\n"
                             "  - {name: Single leg balance, repetitions: 2-2}\n"),
                     FC_OK);
    assert_dose(&f->rx->doses[HIP_FLEXOR], 15, 15, 30, 3, 3, 5);
    assert_dose(&f->rx->doses[BRIDGES], 0, 0, 0, 16, 16, 18);
    assert_dose(&f->rx->doses[PIRIFORMIS], 20, 20, 20, 3, 3, 3);
    assert_dose(&f->rx->doses[BALANCE], 30, 30, 30, 2, 2, 2);
    assert_dose(&f->rx->doses[BRIDGES + 1], 0, 0, 0, 15, 15, 15); /* clamshells: not named */
    assert_true(f->rx->doses[BRIDGES].prescribed);
}

/* A range reaching outside the routine's is refused at its value, naming
 * the routine's range and line, like a single number outside it. */
static void test_range_outside(void **state)
{
    fixture *f = *state;
    assert_int_equal(load(f, HEAD "  - name: Hip flexor stretch\n"
                             "    hold_seconds: 10-30\n"
                             "  - {name: Bridges, repetitions: 15-25}\n"
                             "  - {name: Piriformis stretch, hold_seconds: 40}\n"),
                     FC_ERR_FORMAT);
    assert_null(f->rx);
    assert_reported(f, ":4:19: hold_seconds 10-30 is outside the range 15-30 that the "
                       "routine allows for 'Hip flexor stretch' (" ROUTINE ":26)");
    assert_reported(f, ":5:34: repetitions 15-25 is outside the range 15-20");
    assert_reported(f, ":6:46: hold_seconds 40 is outside the range 15-30");
    assert_int_equal(f->rep.n, 3);
}

/* 30-15 is refused, saying which way round a range goes; other text is
 * neither a number nor a range. */
static void test_range_reversed_and_malformed(void **state)
{
    fixture *f = *state;
    assert_int_equal(load(f, HEAD "  - {name: Hip flexor stretch, hold_seconds: 30-15}\n"
                             "  - {name: Bridges, repetitions: 15 to 20}\n"
                             "  - {name: Clamshells, repetitions: 15-}\n"
                             "  - {name: Pelvic tilts, repetitions: -16}\n"),
                     FC_ERR_FORMAT);
    assert_reported(f, ":3:46: 'hold_seconds' 30-15 runs from high to low: a range MIN-MAX "
                       "starts with its smaller number (15-30)");
    assert_reported(f, ":4:34: 'repetitions' must be a whole number or a range MIN-MAX");
    assert_reported(f, ":5:37: 'repetitions' must be a range MIN-MAX");
    assert_reported(f, ":6:39: 'repetitions' is -16; it must be between 0 and 1000");
    assert_int_equal(f->rep.n, 4);
}

/* A range for a reps exercise's hold is refused as a single number is. */
static void test_range_of_the_wrong_kind(void **state)
{
    fixture *f = *state;
    assert_int_equal(load(f, HEAD "  - {name: Bridges, hold_seconds: 15-30}\n"), FC_ERR_FORMAT);
    assert_reported(f, "'Bridges' counts repetitions: it has no hold_seconds");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_default_is_fixed),
        T(test_range_inside),
        T(test_range_outside),
        T(test_range_reversed_and_malformed),
        T(test_range_of_the_wrong_kind),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
