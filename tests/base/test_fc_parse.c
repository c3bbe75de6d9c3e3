/* fc_parse: what every file format and option accepts as a number. */
#include "fc_error.h"
#include "fc_parse.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

static void test_whole_numbers(void **state)
{
    (void)state;
    long v = 7;
    assert_int_equal(fc_parse_long("42", 0, 100, &v), FC_OK);
    assert_int_equal(v, 42);
    assert_int_equal(fc_parse_long("-3", -5, 5, &v), FC_OK);
    assert_int_equal(v, -3);
    const char *bad[] = {"", " 5", "5 ", "+5", "5x", "x", "5.0", "-", "0x10", "nan", NULL};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        v = 7;
        assert_int_equal(fc_parse_long(bad[i], -100, 100, &v), FC_ERR_FORMAT);
        assert_int_equal(v, 7);
    }
    assert_int_equal(fc_parse_long("101", 0, 100, &v), FC_ERR_ARG);
    assert_int_equal(fc_parse_long("99999999999999999999999", 0, 100, &v), FC_ERR_ARG);
    assert_int_equal(v, 7);
}

static void test_decimal_numbers(void **state)
{
    (void)state;
    double v = 7;
    assert_int_equal(fc_parse_double("2.5", 0, 10, &v), FC_OK);
    assert_true(v == 2.5);
    assert_int_equal(fc_parse_double("-.5", -1, 1, &v), FC_OK);
    assert_true(v == -0.5);
    assert_int_equal(fc_parse_double("1e1", 0, 10, &v), FC_OK);
    assert_true(v == 10);
    const char *bad[] = {"nan", "NaN", "-nan", "inf", "-inf", "infinity", " 1", "1 ", "+1",
                         "0x1p3", "1,5", "", ".", NULL};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        v = 7;
        assert_int_equal(fc_parse_double(bad[i], -100, 100, &v), FC_ERR_FORMAT);
        assert_true(v == 7);
    }
    assert_int_equal(fc_parse_double("10.01", 0, 10, &v), FC_ERR_ARG);
    assert_int_equal(fc_parse_double("1e999", 0, 1e308, &v), FC_ERR_ARG);
    assert_true(v == 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_numbers),
        cmocka_unit_test(test_decimal_numbers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
