/* listener: the same words heard inline and on its own thread; flush
 * waits for everything pushed; destroy never hangs; the echo delay comes
 * from the gate (tests/echo/test_echo_gate.c tests its tracking). */
#include "aec.h"
#include "asr.h"
#include "fc_clock.h"
#include "listener.h"
#include "support.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define LEAD FC_RATE /* silence before each word: the detector learns the room */
#define BLOCK 256    /* pushed in blocks that are not whole frames */
#define WORDS 3

typedef struct {
    int16_t *mic; /* "stop" WORDS times, a second apart */
    size_t n;
} fixture;

static int group_setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    size_t n = 0;
    int16_t *word = support_synth("stop", &n);
    size_t each = LEAD + n;
    fx->n = WORDS * each + FC_RATE;
    fx->mic = calloc(fx->n, sizeof *fx->mic);
    for (int k = 0; k < WORDS; k++)
        memcpy(fx->mic + k * each + LEAD, word, n * sizeof *word);
    free(word);
    *state = fx;
    return 0;
}

static int group_teardown(void **state)
{
    fixture *fx = *state;
    free(fx->mic);
    free(fx);
    return 0;
}

static listener_t *new_listener(bool threaded, const aec_config *aec)
{
    hearing_config hcfg = hearing_config_default();
    hcfg.asr.grammar_dir = FC_SOURCE_DIR "/grammars";
    listener_t *l = NULL;
    fc_error err = {0};
    if (listener_create(&hcfg, aec, threaded, 0, &l, &err) < 0)
        fail_msg("%s", fc_error_message(&err));
    return l;
}

/* Pushes the whole microphone (with silence played), flushing every
 * second so that the thread never falls 4 s behind and drops audio, then
 * collects what was heard. */
static int hear_all(listener_t *l, const fixture *fx, asr_heard *h, int max)
{
    static const int16_t silence[BLOCK];
    int n = 0;
    for (size_t off = 0; off < fx->n; off += BLOCK) {
        size_t m = fx->n - off < BLOCK ? fx->n - off : BLOCK;
        listener_played(l, (int64_t)off, silence, m);
        assert_int_equal(listener_push(l, (int64_t)off, fx->mic + off, m), 0);
        if ((off / BLOCK) % (FC_RATE / BLOCK) == 0)
            listener_flush(l);
    }
    listener_flush(l);
    while (n < max && listener_poll(l, &h[n]))
        n++;
    return n;
}

static void test_threaded_hears_what_inline_hears(void **state)
{
    fixture *fx = *state;
    asr_heard inl[8], thr[8];
    listener_t *l = new_listener(false, NULL);
    int n_inline = hear_all(l, fx, inl, 8);
    listener_destroy(l);
    l = new_listener(true, NULL);
    int n_thread = hear_all(l, fx, thr, 8);
    /* Flushed: nothing more arrives afterwards. */
    asr_heard late;
    assert_int_equal(listener_poll(l, &late), 0);
    listener_destroy(l);
    assert_int_equal(n_inline, WORDS);
    assert_int_equal(n_thread, n_inline);
    for (int i = 0; i < n_inline; i++) {
        assert_int_equal(thr[i].word, FC_CMD_STOP);
        assert_int_equal(thr[i].word, inl[i].word);
        assert_int_equal(thr[i].start, inl[i].start);
        assert_int_equal(thr[i].end, inl[i].end);
        assert_int_equal(thr[i].t, inl[i].t);
    }
}

static void test_threaded_flush_and_destroy_never_hang(void **state)
{
    (void)state;
    /* Nothing pushed: flush returns at once; destroy wakes the thread. */
    listener_t *l = new_listener(true, NULL);
    listener_flush(l);
    listener_destroy(l);
    /* Destroyed with audio still queued: the thread finishes it and quits. */
    static int16_t mic[FC_RATE];
    l = new_listener(true, NULL);
    assert_int_equal(listener_push(l, 0, mic, FC_RATE), 0);
    listener_destroy(l);
    listener_destroy(NULL);
}

static void test_echo_delay_comes_from_the_gate(void **state)
{
    (void)state;
    listener_t *l = new_listener(false, NULL);
    assert_int_equal(listener_echo_delay_ms(l), 0); /* no canceller: nothing to align */
    listener_destroy(l);
    aec_config ecfg = aec_config_default();
    ecfg.ref_delay = -1; /* measure it, as on a device */
    l = new_listener(false, &ecfg);
    assert_int_equal(listener_echo_delay_ms(l), -1);
    listener_destroy(l);
    ecfg.ref_delay = (int)FC_MS(40);
    l = new_listener(false, &ecfg);
    assert_int_equal(listener_echo_delay_ms(l), 40);
    listener_destroy(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threaded_hears_what_inline_hears),
        cmocka_unit_test(test_threaded_flush_and_destroy_never_hang),
        cmocka_unit_test(test_echo_delay_comes_from_the_gate),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
