/* setup: finding a routine, a voice and the user's calibration, and saying
 * exactly what is wrong when they are not there or broken. */
#include "fc_error.h"
#include "setup.h"

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

static void test_routines_by_name_or_file(void **state)
{
    (void)state;
    routine_t *r = NULL;
    routine_report rep = {0};
    fc_error err = {0};
    assert_int_equal(setup_routine("fai-stretches", &r, &rep, &err), FC_OK);
    assert_non_null(r);
    routine_destroy(r);
    assert_int_equal(setup_routine("no-such-routine", &r, &rep, &err), FC_ERR_IO);
    assert_null(r);
    assert_non_null(strstr(err.detail, "no-such-routine: no such routine"));

    char path[64];
    snprintf(path, sizeof path, "/tmp/fc_setup_%d.yaml", (int)getpid());
    support_write_file(path, "title: T\nintro: [Hi]\nexercises: 3\n");
    assert_int_equal(setup_routine(path, &r, &rep, &err), FC_ERR_FORMAT);
    assert_true(rep.n >= 1);
    assert_non_null(strstr(rep.lines[0], path));
    assert_non_null(strstr(err.detail, "is not a valid routine; 'floorcoach check"));
    routine_report_clear(&rep);
    unlink(path);
}

static void test_voices(void **state)
{
    (void)state;
    voice_profile v;
    fc_error err = {0};
    assert_int_equal(setup_voice(NULL, &v, &err), FC_OK);
    assert_string_equal(v.name, "default");
    assert_int_equal(setup_voice("calm", &v, &err), FC_OK);
    assert_string_equal(v.name, "calm");
    assert_int_equal(setup_voice("shouty", &v, &err), FC_ERR_IO);
    assert_non_null(strstr(err.detail, "no voice profile 'shouty'"));
}

static void test_calibration_choice(void **state)
{
    (void)state;
    char buf[256], path[64];
    const char *chosen = "unset";
    fc_error err = {0};
    snprintf(path, sizeof path, "/tmp/fc_setup_%d.conf", (int)getpid());
    unlink(path);
    setenv("FLOORCOACH_CALIBRATION", path, 1);
    /* None saved: run untuned, quietly. */
    assert_int_equal(setup_calibration(NULL, true, buf, sizeof buf, &chosen, &err), FC_OK);
    assert_null(chosen);
    support_write_file(path, "bias.stop = 5\n");
    assert_int_equal(setup_calibration(NULL, true, buf, sizeof buf, &chosen, &err), FC_OK);
    assert_string_equal(chosen, path);
    assert_int_equal(setup_calibration(NULL, false, buf, sizeof buf, &chosen, &err), FC_OK);
    assert_null(chosen);
    /* Saved but broken: an error with file and line, never a silent default. */
    support_write_file(path, "bias.stop = 5\nbias.stop = loud\n");
    assert_int_equal(setup_calibration(NULL, true, buf, sizeof buf, &chosen, &err),
                     FC_ERR_FORMAT);
    assert_null(chosen);
    char where[96];
    snprintf(where, sizeof where, "calibration %s:2:", path);
    assert_non_null(strstr(err.detail, where));
    /* Given on the command line but missing: an error too. */
    assert_true(setup_calibration("/nonexistent.conf", true, buf, sizeof buf, &chosen, &err) < 0);
    assert_non_null(strstr(err.detail, "/nonexistent.conf"));
    unlink(path);
    unsetenv("FLOORCOACH_CALIBRATION");
    assert_int_equal(setup_calibration_path(buf, sizeof buf), FC_OK);
    assert_non_null(strstr(buf, "floorcoach/calibration.conf"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_routines_by_name_or_file),
        cmocka_unit_test(test_voices),
        cmocka_unit_test(test_calibration_choice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
