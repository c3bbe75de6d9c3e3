/* mixer: exact placement, overlaps, cuts with a fade, owned clips. */
#include "fc_error.h"
#include "mixer.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static void test_mixer_places_and_cuts(void **state)
{
    (void)state;
    mixer_t *m = NULL;
    assert_int_equal(mixer_create(&m), FC_OK);
    int16_t clip[400];
    for (int i = 0; i < 400; i++)
        clip[i] = 1000;
    assert_int_equal(mixer_add(m, 250, clip, 400, false), FC_OK);
    assert_int_equal(mixer_add(m, 500, clip, 400, false), FC_OK); /* overlaps: sums */
    assert_true(mixer_end(m) == 900);
    int16_t out[1000];
    mixer_render(m, 0, out, 160);
    for (int i = 0; i < 160; i++)
        assert_int_equal(out[i], 0);
    mixer_render(m, 160, out, 160);
    for (int i = 0; i < 160; i++)
        assert_int_equal(out[i], 160 + i < 250 ? 0 : 1000); /* exact first sample */
    mixer_render(m, 320, out, 320);
    assert_int_equal(out[500 - 320 - 1], 1000);
    assert_int_equal(out[500 - 320], 2000);
    /* A cut at 700 fades within 5 ms and drops nothing before it. */
    mixer_cut(m, 700);
    mixer_render(m, 640, out, 160);
    assert_int_equal(out[59], 1000); /* only the second clip is still playing */
    assert_true(abs(out[60]) <= 1000);
    for (int i = 60 + 80; i < 160; i++)
        assert_int_equal(out[i], 0);
    assert_true(mixer_end(m) <= 700 + 80);
    /* A clip scheduled after the cut point is dropped entirely. */
    assert_int_equal(mixer_add(m, 2000, clip, 400, false), FC_OK);
    mixer_cut(m, 1900);
    assert_true(mixer_end(m) <= 1900);
    /* Owned clips are freed when played, cut or destroyed (ASan checks). */
    int16_t *owned = malloc(400 * sizeof *owned);
    memcpy(owned, clip, sizeof clip);
    assert_int_equal(mixer_add(m, 3000, owned, 400, true), FC_OK);
    mixer_render(m, 3000, out, 200);
    mixer_cut(m, 3200);
    mixer_render(m, 3200, out, 200);
    assert_true(mixer_end(m) == 0);
    owned = malloc(400 * sizeof *owned);
    assert_int_equal(mixer_add(m, 5000, owned, 400, true), FC_OK);
    mixer_destroy(m);
    mixer_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mixer_places_and_cuts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
