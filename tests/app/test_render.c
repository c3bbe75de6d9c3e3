/* Whole sessions rendered to files through the real narrator: the event
 * log's structure, and hold timing measured on the audio itself.
 * (Bit-exact reproducibility is checked across processes by test_cli.sh:
 * eSpeak NG carries state from one utterance to the next, so it only holds
 * for a whole session in a fresh process.) */
#include "support.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

/* An onset is the first 1 ms window whose peak passes this (about -34 dBFS). */
#define ONSET_LEVEL 600

static void render(const char *routine_path, const char *voice, rendered *out)
{
    support_run(routine_path, voice, NULL, NULL, out);
    assert_int_equal(out->reason, SESSION_END_COMPLETED);
}

static void release(rendered *r) { support_release(r); }

static int64_t onset(const rendered *r, int64_t from, int64_t to)
{
    for (int64_t i = from < 0 ? 0 : from; i < to && i < r->n; i++)
        if (abs(r->pcm[i]) >= ONSET_LEVEL)
            return i;
    return -1;
}

static void check_timing(const rendered *r)
{
    double hold_t = -1;
    int hold_s = 0, counts = 0;
    for (size_t i = 0; i < r->n_ev; i++) {
        const char *name = ev_name(r->ev[i]);
        if (!strcmp(name, "hold")) {
            hold_t = ev_t(r->ev[i]);
            hold_s = (int)json_integer_value(json_object_get(r->ev[i], "seconds"));
        }
        if (strcmp(name, "count"))
            continue;
        int n = (int)json_integer_value(json_object_get(r->ev[i], "n"));
        double t = ev_t(r->ev[i]);
        /* In the log: count n exactly n seconds after the hold began. */
        assert_true(hold_t >= 0);
        assert_true(t - (hold_t + n) < 0.0015 && (hold_t + n) - t < 0.0015);
        /* In the audio: the word starts within 10 ms of its mark... */
        int64_t mark = (int64_t)(t * FC_RATE + 0.5);
        int64_t on = onset(r, mark - FC_RATE / 10, mark + FC_RATE / 2);
        assert_true(on >= 0);
        assert_true(llabs(on - mark) <= FC_RATE / 100);
        /* ...the 100 ms before it are silent, so it is not smeared into the
         * previous count... */
        assert_true(support_peak(r, mark - FC_RATE / 10, mark - 16) < ONSET_LEVEL);
        /* ...and it has ended before the next mark (the log's millisecond
         * times place a mark within 8 samples). */
        if (n < hold_s)
            assert_int_equal(support_peak(r, mark + FC_RATE - FC_RATE / 50, mark + FC_RATE - 16), 0);
        counts++;
    }
    assert_true(counts > 0);
}

static void test_mini_routine_log_and_timing(void **state)
{
    (void)state;
    rendered r;
    render(TEST_ROUTINES "/mini.yaml", "default", &r);
    const char *seen[] = {"start", "exercise", "say", "hold", "count", "rep", "wait", "end"};
    for (size_t k = 0; k < sizeof seen / sizeof seen[0]; k++) {
        int found = 0;
        for (size_t i = 0; i < r.n_ev; i++)
            found |= !strcmp(ev_name(r.ev[i]), seen[k]);
        if (!found)
            fprintf(stderr, "no '%s' event\n", seen[k]);
        assert_true(found);
    }
    assert_string_equal(ev_name(r.ev[0]), "start");
    assert_string_equal(ev_name(r.ev[r.n_ev - 1]), "end");
    assert_string_equal(json_string_value(json_object_get(r.ev[r.n_ev - 1], "reason")),
                        "completed");
    double prev = 0;
    for (size_t i = 0; i < r.n_ev; i++) {
        assert_true(ev_t(r.ev[i]) >= prev); /* the log is in time order */
        prev = ev_t(r.ev[i]);
        if (!strcmp(ev_name(r.ev[i]), "say")) {
            /* The spoken line really is in the audio where the log says. */
            double until = json_number_value(json_object_get(r.ev[i], "until"));
            int64_t at = (int64_t)(ev_t(r.ev[i]) * FC_RATE + 0.5);
            assert_true(until > ev_t(r.ev[i]));
            assert_true(support_peak(&r, at, (int64_t)(until * FC_RATE)) >= ONSET_LEVEL);
        }
    }
    /* The session audio is as long as the session. */
    assert_true(r.n >= (int64_t)(prev * FC_RATE));
    check_timing(&r);
    release(&r);
}

static void test_default_routine_timing_every_voice(void **state)
{
    (void)state;
    const char *voices[] = {"default", "calm", "british"};
    for (size_t v = 0; v < 3; v++) {
        rendered r;
        render(FC_SOURCE_DIR "/scripts/fai-stretches.yaml", voices[v], &r);
        check_timing(&r);
        release(&r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mini_routine_log_and_timing),
        cmocka_unit_test(test_default_routine_timing_every_voice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
