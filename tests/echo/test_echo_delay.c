/* echo_delay: the lag between what was played and what was heard. */
#include "echo_delay.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static void test_echo_delay_finds_lag(void **state)
{
    (void)state;
    enum { N = 400, LAG = 17 };
    static double ref[N], mic[N];
    srand(7);
    for (int i = 0; i < N; i++)
        ref[i] = (i / 13) % 3 ? 60 + rand() % 20 : 20; /* words and pauses, in dB */
    for (int i = 0; i < N; i++)
        mic[i] = (i >= LAG ? ref[i - LAG] - 6 : 20) + (rand() % 100) / 100.0;
    double conf;
    assert_int_equal(echo_delay_estimate(mic, ref, N, 100, &conf), LAG);
    assert_true(conf > 0.9);
    /* A flat reference (silence) cannot place anything. */
    for (int i = 0; i < N; i++)
        ref[i] = 0;
    assert_int_equal(echo_delay_estimate(mic, ref, N, 100, &conf), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_echo_delay_finds_lag),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
