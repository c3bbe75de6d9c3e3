/* floorcoach.conf: values, the user's file over the system's, phrases that
 * a later file replaces, and errors by file:line. */
#include "serve_conf.h"

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

static void test_user_file_over_system_file(void **state)
{
    (void)state;
    char sys[64], user[64];
    snprintf(sys, sizeof sys, "/tmp/fc_conf_%d_sys", (int)getpid());
    snprintf(user, sizeof user, "/tmp/fc_conf_%d_user", (int)getpid());
    support_write_file(sys, "# the system's\nroutine = fai\nvoice = calm\nvolume = 120\n"
                    "input = USB Audio  # by name\nphrase = start my exercises => fai\n"
                    "phrase = start my stretches => fai-stretches\ncleared = no\n");
    support_write_file(user, "voice = british\nphrase = begin my routine => fai\ncleared = yes\n"
                     "input_channel = 3\n");
    serve_conf c = serve_conf_default();
    fc_error err = {0};
    assert_int_equal(serve_conf_read(&c, sys, false, &err), FC_OK);
    assert_int_equal(c.n_starts, 2);
    assert_string_equal(c.starts[1].phrase, "start my stretches");
    assert_string_equal(c.starts[1].routine, "fai-stretches");
    assert_int_equal(serve_conf_read(&c, user, false, &err), FC_OK);
    assert_string_equal(c.voice, "british");
    assert_string_equal(c.input, "USB Audio");
    assert_int_equal(c.volume, 120);
    assert_true(c.cleared);
    assert_int_equal(c.input_channel, 3);
    assert_int_equal(c.n_starts, 1); /* the user's phrases replace the system's */
    assert_string_equal(c.starts[0].phrase, "begin my routine");
    /* A missing optional file changes nothing; a missing given one is an error. */
    assert_int_equal(serve_conf_read(&c, "/nowhere/floorcoach.conf", true, &err), FC_OK);
    assert_int_equal(serve_conf_read(&c, "/nowhere/floorcoach.conf", false, &err), FC_ERR_IO);
    unlink(sys);
    unlink(user);
}

static void test_errors_name_file_and_line(void **state)
{
    (void)state;
    const char *bad[][2] = {
        {"voice = calm\nvolum = 3\n", ":2: unknown setting 'volum'"},
        {"volume = 0\n", ":1: volume must be"},
        {"volume = +5\n", ":1: volume must be"},
        {"\n\nphrase = start my exercises\n", ":3: give phrase = WORDS => ROUTINE"},
        {"cleared = maybe\n", ":1: give yes or no"},
        {"routine\n", ":1: give KEY = VALUE"},
        {"input_channel = 9\n", ":1: input_channel must be mix or a channel from 1 to 8"},
    };
    char path[64];
    snprintf(path, sizeof path, "/tmp/fc_conf_%d_bad", (int)getpid());
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        support_write_file(path, bad[i][0]);
        serve_conf c = serve_conf_default();
        fc_error err = {0};
        assert_int_equal(serve_conf_read(&c, path, false, &err), FC_ERR_FORMAT);
        if (!strstr(fc_error_message(&err), path) || !strstr(fc_error_message(&err), bad[i][1]))
            fail_msg("%s: got \"%s\"", bad[i][1], fc_error_message(&err));
    }
    unlink(path);
}

/* An option goes through the same checks as a line of the file, and its
 * message names the option; the first phrase from a source replaces the
 * ones before it, the next ones add to it. */
static void test_options_are_checked_as_settings(void **state)
{
    (void)state;
    serve_conf c = serve_conf_default();
    fc_error err = {0};
    bool first = true;
    assert_int_equal(serve_conf_set(&c, "phrase", "start my exercises=>fai", &first, "--phrase",
                                    &err), FC_OK);
    assert_int_equal(serve_conf_set(&c, "phrase", "start my stretches => fai-stretches", &first,
                                    "--phrase", &err), FC_OK);
    assert_int_equal(c.n_starts, 2);
    assert_string_equal(c.starts[0].routine, "fai");
    assert_int_equal(serve_conf_set(&c, "volume", "300", &first, "--volume", &err),
                     FC_ERR_FORMAT);
    assert_non_null(strstr(fc_error_message(&err), "--volume: volume must be"));
    assert_int_equal(serve_conf_set(&c, "input_channel", "mix", &first, "--channel", &err),
                     FC_OK);
    assert_int_equal(c.input_channel, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_user_file_over_system_file),
        cmocka_unit_test(test_errors_name_file_and_line),
        cmocka_unit_test(test_options_are_checked_as_settings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
