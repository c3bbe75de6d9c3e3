/* resampler: one second in is one second out. */
#include "fc_error.h"
#include "resampler.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static void test_resampler_rate(void **state)
{
    (void)state;
    resampler_t *r = NULL;
    assert_int_equal(resampler_create(48000, 16000, 4, &r), FC_OK);
    static int16_t in[48000], out[20000];
    size_t total = 0;
    for (int k = 0; k < 10; k++)
        total += resampler_process(r, in + k * 4800, 4800, out + total, sizeof out / 2 - total);
    /* One second in, one second out, give or take the filter's delay. */
    assert_true(total > 15900 && total <= 16000);
    resampler_destroy(r);
    assert_int_equal(resampler_create(0, 16000, 4, &r), FC_ERR_ARG);
    resampler_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resampler_rate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
