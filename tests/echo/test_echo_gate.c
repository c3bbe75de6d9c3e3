/* echo_gate: a word over silence passes; the coach's own residual echo
 * during loud narration does not, the user talking over it does; while
 * the delay is unknown nothing said over the coach passes; and the delay
 * is measured, then followed when it jumps. */
#include "aec.h"
#include "echo_gate.h"
#include "fc_clock.h"
#include "fc_error.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define LINE_N FC_RATE /* 1 s of what was played, for the simulated echo */

/* A simulated device pair: what the speaker plays comes back delay_ms
 * later at 0.7 (-3 dB), plus faint microphone noise and, optionally, the
 * user's own voice (independent noise). */
typedef struct {
    echo_gate_t *g;
    int64_t at;
    int delay_ms;
    int16_t line[LINE_N];
} scene;

/* Word-like bursts of narration when `narrating`, else silence; the user
 * speaks at amplitude `user` (0: silent). One frame at s->at. */
static void step(scene *s, bool narrating, double user)
{
    int16_t ref[FC_FRAME], mic[FC_FRAME], out[FC_FRAME];
    int64_t word = s->at / FC_MS(300); /* 300 ms words... */
    bool on = narrating && (s->at % FC_MS(300)) < FC_MS(200) && word % 4 != 3; /* ...with pauses */
    double amp = on ? 3000.0 * (1 + (word * 7919 % 5)) : 0;
    for (int i = 0; i < FC_FRAME; i++) {
        int64_t t = s->at + i;
        ref[i] = (int16_t)(amp * ((rand() % 2001) - 1000) / 1000.0);
        s->line[(uint64_t)t % LINE_N] = ref[i];
        int64_t src = t - FC_MS(s->delay_ms);
        double echo = src >= 0 ? s->line[(uint64_t)src % LINE_N] * 0.7 : 0;
        double voice = user * ((rand() % 2001) - 1000) / 1000.0;
        mic[i] = (int16_t)(echo + voice + rand() % 21 - 10);
    }
    echo_gate_frame(s->g, s->at, mic, ref, out);
    s->at += FC_FRAME;
}

static void run(scene *s, double seconds, bool narrating, double user)
{
    int64_t end = s->at + (int64_t)(seconds * FC_RATE);
    while (s->at < end)
        step(s, narrating, user);
}

/* delay_ms < 0: the gate measures it, as on a device. */
static scene *new_scene(int delay_ms, int known_delay_ms)
{
    scene *s = calloc(1, sizeof *s);
    assert_non_null(s);
    aec_config cfg = aec_config_default();
    cfg.denoise = false;
    cfg.ref_delay = known_delay_ms < 0 ? -1 : (int)FC_MS(known_delay_ms);
    assert_int_equal(echo_gate_create(&cfg, &s->g), 0);
    s->delay_ms = delay_ms;
    srand(11);
    return s;
}

static void free_scene(scene *s)
{
    echo_gate_destroy(s->g);
    free(s);
}

/* Does a word over the last `seconds` pass? */
static bool last_passes(const scene *s, double seconds)
{
    return echo_gate_passes(s->g, s->at - (int64_t)(seconds * FC_RATE), s->at);
}

static void test_word_over_silence_passes(void **state)
{
    (void)state;
    scene *s = new_scene(20, 0);
    run(s, 3, true, 0);  /* the coach talks, the canceller learns */
    run(s, 1, false, 0); /* then is silent; its echo dies out */
    run(s, 0.4, false, 2000);
    assert_true(last_passes(s, 0.4));
    free_scene(s);
}

static void test_residual_echo_is_refused_the_user_is_not(void **state)
{
    (void)state;
    /* The canceller's filter starts at the known delay. */
    scene *s = new_scene(20, 20);
    run(s, 8, true, 0);
    fprintf(stderr, "  gate %.1f dB\n", echo_gate_threshold_db(s->g));
    /* Converged: the gate sits at its strictest... */
    assert_true(echo_gate_threshold_db(s->g) < -15);
    /* ...and the residual of loud narration, some 30 dB down, is no word. */
    run(s, 0.4, true, 0);
    assert_false(last_passes(s, 0.4));
    /* The user talking over the coach, a little below it, passes. */
    run(s, 0.4, true, 3000);
    assert_true(last_passes(s, 0.4));
    free_scene(s);
}

static void test_nothing_over_the_coach_passes_while_the_delay_is_unknown(void **state)
{
    (void)state;
    scene *s = new_scene(120, -1);
    assert_int_equal(echo_gate_delay_ms(s->g), -1);
    run(s, 1, true, 0);
    run(s, 0.4, true, 8000); /* even loud, over the coach */
    assert_int_equal(echo_gate_delay_ms(s->g), -1);
    assert_false(last_passes(s, 0.4));
    /* Without narration there is nothing to confuse it with. */
    run(s, 1.5, false, 0);
    run(s, 0.4, false, 3000);
    assert_true(last_passes(s, 0.4));
    free_scene(s);
}

static void test_tracks_echo_delay(void **state)
{
    (void)state;
    scene *s = new_scene(120, -1);
    run(s, 12, true, 0);
    int first = echo_gate_delay_ms(s->g);
    /* The stream moves (another device, an underrun): the echo now comes
     * 200 ms later, past the canceller's filter. */
    s->delay_ms = 320;
    run(s, 15, true, 0);
    int second = echo_gate_delay_ms(s->g);
    fprintf(stderr, "  echo delay %d ms, then %d ms\n", first, second);
    assert_true(abs(first - 120) <= 30);
    assert_true(abs(second - 320) <= 30);
    free_scene(s);
}

static void test_known_delay_and_destroy(void **state)
{
    (void)state;
    aec_config cfg = aec_config_default();
    cfg.ref_delay = (int)FC_MS(50);
    echo_gate_t *g = NULL;
    assert_int_equal(echo_gate_create(&cfg, &g), 0);
    assert_int_equal(echo_gate_delay_ms(g), 50);
    echo_gate_destroy(g);
    /* Only noise suppression: nothing to gate. */
    cfg.echo = false;
    cfg.ref_delay = -1;
    assert_int_equal(echo_gate_create(&cfg, &g), 0);
    assert_int_equal(echo_gate_delay_ms(g), 0);
    assert_true(echo_gate_passes(g, 0, FC_RATE));
    echo_gate_destroy(g);
    echo_gate_destroy(NULL);
    assert_int_equal(echo_gate_create(NULL, &g), FC_ERR_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_word_over_silence_passes),
        cmocka_unit_test(test_residual_echo_is_refused_the_user_is_not),
        cmocka_unit_test(test_nothing_over_the_coach_passes_while_the_delay_is_unknown),
        cmocka_unit_test(test_tracks_echo_delay),
        cmocka_unit_test(test_known_delay_and_destroy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
