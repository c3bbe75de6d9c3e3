/* energy: the one frame-level helper every stage uses. */
#include "energy.h"
#include "fc_clock.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

static void test_levels(void **state)
{
    (void)state;
    int16_t x[FC_FRAME] = {0};
    assert_true(energy_mean_square(x, FC_FRAME, false) == 0.0);
    assert_true(energy_db(0.0) == 0.0); /* silence is finite */
    /* A full-scale square wave: mean square 32767^2, about 90.3 dB. */
    for (int i = 0; i < FC_FRAME; i++)
        x[i] = (int16_t)(i % 2 ? 32767 : -32767);
    assert_true(energy_mean_square(x, FC_FRAME, false) == 32767.0 * 32767.0);
    assert_true(fabs(energy_db(32767.0 * 32767.0) - 90.309) < 0.001);
}

static void test_dc_offset_is_not_loudness(void **state)
{
    (void)state;
    int16_t x[FC_FRAME];
    for (int i = 0; i < FC_FRAME; i++)
        x[i] = (int16_t)(2000 + (i % 2 ? 10 : -10));
    assert_true(energy_mean_square(x, FC_FRAME, false) > 2000.0 * 2000.0);
    assert_true(fabs(energy_mean_square(x, FC_FRAME, true) - 100.0) < 1e-9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_levels),
        cmocka_unit_test(test_dc_offset_is_not_loudness),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
