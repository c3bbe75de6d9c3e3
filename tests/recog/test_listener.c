/* listener: measures the echo delay itself, and follows it when it jumps. */
#include "aec.h"
#include "asr.h"
#include "listener.h"

#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* Plays `seconds` of word-like bursts and hears them back `delay_ms` later
 * at -3 dB, through a listener that measures the delay itself. */
static void play_bursts(listener_t *l, int64_t *at, double seconds, int delay_ms, int16_t *line,
                        size_t line_n)
{
    int64_t end = *at + (int64_t)(seconds * 16000);
    for (; *at < end; *at += FC_FRAME) {
        int16_t ref[FC_FRAME], mic[FC_FRAME];
        int64_t word = *at / 4800; /* 300 ms words... */
        bool on = (*at % 4800) < 3200 && word % 4 != 3; /* ...with pauses */
        double amp = on ? 3000.0 * (1 + (word * 7919 % 5)) : 0;
        for (int i = 0; i < FC_FRAME; i++) {
            int64_t t = *at + i;
            ref[i] = (int16_t)(amp * ((rand() % 2001) - 1000) / 1000.0);
            line[(uint64_t)t % line_n] = ref[i];
            int64_t src = t - delay_ms * 16;
            mic[i] = (int16_t)((src >= 0 ? line[(uint64_t)src % line_n] * 0.7 : 0) +
                               rand() % 21 - 10);
        }
        listener_played(l, *at, ref, FC_FRAME);
        assert_int_equal(listener_push(l, *at, mic, FC_FRAME), 0);
    }
}

static void test_listener_tracks_echo_delay(void **state)
{
    (void)state;
    asr_config acfg = asr_config_default();
    acfg.grammar_dir = FC_SOURCE_DIR "/grammars";
    aec_config ecfg = aec_config_default();
    ecfg.denoise = false;
    ecfg.ref_delay = -1; /* measure it, as on a device */
    listener_t *l = NULL;
    assert_int_equal(listener_create(&acfg, &ecfg, false, 0, &l, NULL), 0);
    assert_int_equal(listener_echo_delay_ms(l), -1);
    static int16_t line[16000];
    int64_t at = 0;
    srand(11);
    play_bursts(l, &at, 12, 120, line, 16000);
    int first = listener_echo_delay_ms(l);
    /* The stream moves (another device, an underrun): the echo now comes
     * 200 ms later, past the canceller's filter. */
    play_bursts(l, &at, 15, 320, line, 16000);
    int second = listener_echo_delay_ms(l);
    fprintf(stderr, "  echo delay %d ms, then %d ms\n", first, second);
    assert_true(abs(first - 120) <= 30);
    assert_true(abs(second - 320) <= 30);
    listener_destroy(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_listener_tracks_echo_delay),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
