/* fc_error: the one way a failure's detail travels; command: the four words. */
#include "command.h"
#include "fc_error.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

static void test_fail_sets_code_and_detail(void **state)
{
    (void)state;
    fc_error err = {0};
    assert_int_equal(fc_fail(&err, FC_ERR_IO, "%s:%d: bad", "x.yaml", 3), FC_ERR_IO);
    assert_int_equal(err.code, FC_ERR_IO);
    assert_string_equal(err.detail, "x.yaml:3: bad");
    assert_string_equal(fc_error_message(&err), "x.yaml:3: bad");
    /* Nobody asked for the detail: the code still comes back. */
    assert_int_equal(fc_fail(NULL, FC_ERR_ARG, "ignored"), FC_ERR_ARG);
}

static void test_default_never_hides_the_precise_detail(void **state)
{
    (void)state;
    fc_error err = {0};
    fc_fail(&err, FC_ERR_IO, "commands.dict: cannot open");
    assert_int_equal(fc_fail_default(&err, FC_ERR_MODEL, "could not start"), FC_ERR_MODEL);
    assert_string_equal(err.detail, "commands.dict: cannot open");
    assert_int_equal(err.code, FC_ERR_MODEL);
    fc_error_clear(&err);
    assert_int_equal(err.code, FC_OK);
    fc_fail_default(&err, FC_ERR_MODEL, "could not start");
    assert_string_equal(err.detail, "could not start");
    fc_error_clear(NULL);
}

static void test_message_falls_back_to_the_code(void **state)
{
    (void)state;
    fc_error err = {0};
    err.code = FC_ERR_NOMEM;
    assert_string_equal(fc_error_message(&err), "out of memory");
    assert_string_equal(fc_error_message(NULL), "success");
    assert_string_equal(fc_strerror(-1000), "unknown error");
}

static void test_long_detail_is_cut_not_overrun(void **state)
{
    (void)state;
    char path[3 * FC_ERROR_DETAIL_MAX];
    memset(path, 'a', sizeof path - 1);
    path[sizeof path - 1] = '\0';
    fc_error err = {0};
    fc_fail(&err, FC_ERR_IO, "%s: cannot open", path);
    assert_int_equal(strlen(err.detail), FC_ERROR_DETAIL_MAX - 1);
}

static void test_command_names(void **state)
{
    (void)state;
    static const char *const names[] = {"next", "repeat", "pain", "stop"};
    for (int i = 0; i < 4; i++) {
        fc_command c = fc_command_from_name(names[i]);
        assert_int_equal(c, FC_CMD_NEXT + i);
        assert_string_equal(fc_command_name(c), names[i]);
    }
    assert_int_equal(fc_command_from_name("stopped"), FC_CMD_NONE);
    assert_int_equal(fc_command_from_name(NULL), FC_CMD_NONE);
    assert_string_equal(fc_command_name((fc_command)99), "none");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fail_sets_code_and_detail),
        cmocka_unit_test(test_default_never_hides_the_precise_detail),
        cmocka_unit_test(test_message_falls_back_to_the_code),
        cmocka_unit_test(test_long_detail_is_cut_not_overrun),
        cmocka_unit_test(test_command_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
