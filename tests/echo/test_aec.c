/* aec: the canceller takes a synthetic echo down by over 20 dB. */
#include "fc_clock.h"
#include "aec.h"
#include "fc_error.h"
#include "room.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static void test_aec_removes_echo(void **state)
{
    (void)state;
    /* A noise-like "voice" played and heard back 20 ms later at 0 dB: after
     * 5 s the canceller alone must take it down by at least 20 dB. */
    aec_config cfg = aec_config_default();
    cfg.suppress = false;
    aec_t *a = NULL;
    assert_int_equal(aec_create(&cfg, &a), 0);
    room_config e = room_config_default();
    assert_int_equal(room_parse_echo("0@20", &e), 0);
    room_t *r = NULL;
    assert_int_equal(room_create(&e, &r, NULL), 0);
    audio_mic_filter f = room_filter(r);
    srand(3);
    double in_e = 0, out_e = 0;
    for (int k = 0; k < FC_RATE * 8 / FC_FRAME; k++) {
        int16_t ref[FC_FRAME], mic[FC_FRAME] = {0}, clean[FC_FRAME];
        for (int i = 0; i < FC_FRAME; i++)
            ref[i] = (int16_t)((rand() % 8000 - 4000) * (1 + sin(k * 0.05)));
        f.apply(f.ctx, ref, mic, FC_FRAME);
        aec_process(a, mic, ref, clean);
        if (k < FC_RATE * 5 / FC_FRAME)
            continue;
        for (int i = 0; i < FC_FRAME; i++) {
            in_e += (double)mic[i] * mic[i];
            out_e += (double)clean[i] * clean[i];
        }
    }
    double erle = 10 * log10(in_e / (out_e + 1));
    fprintf(stderr, "  ERLE %.1f dB\n", erle);
    assert_true(erle > 20);
    aec_destroy(a);
    aec_destroy(NULL);
    room_destroy(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_aec_removes_echo),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
