/* A microphone, or a speaker, lost in the middle of a hold, from files with
 * a fault injected in the audio layer (audio_fault): the coach pauses
 * within a second, says so, logs the device, counts nothing while it cannot
 * hear (or be heard), brings the device back by itself, and goes on only
 * after "next". */
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

#define ROUTINE TEST_ROUTINES "/mini.yaml"
#define LOSE_AFTER_HOLD_S 2.0 /* into the first hold */
#define LOST_FOR_S 3.0
#define NEXT_AFTER_BACK_S 8.0 /* once "I can hear you again" has been said */
#define STOP_AFTER_NEXT_S 10.0

static int first(const rendered *r, const char *name, const char *key, const char *value,
                 int from)
{
    for (int i = from; (i = ev_find(r, name, i)) >= 0; i++)
        if (!key || (ev_str(r->ev[i], key) && !strcmp(ev_str(r->ev[i], key), value)))
            return i;
    return -1;
}

static void test_lost_microphone_pauses_and_resumes_on_next(void **state)
{
    (void)state;
    rendered plain;
    support_run(ROUTINE, "default", NULL, NULL, &plain);
    int h = ev_find(&plain, "hold", 0);
    assert_true(h > 0);
    double lose_at = ev_t(plain.ev[h]) + LOSE_AFTER_HOLD_S;
    support_release(&plain);

    double back_at = lose_at + LOST_FOR_S;
    const char *words[] = {"next", "stop"};
    double at[] = {back_at + NEXT_AFTER_BACK_S, back_at + NEXT_AFTER_BACK_S + STOP_AFTER_NEXT_S};
    support_set_fault((int64_t)(lose_at * FC_RATE), (int64_t)(LOST_FOR_S * FC_RATE));
    rendered r;
    support_run_words(ROUTINE, words, at, 2, NULL, &r);
    support_set_fault(0, 0);

    int lost = first(&r, "device", "state", "lost", 0);
    assert_true(lost > 0);
    assert_string_equal(ev_str(r.ev[lost], "device"), "microphone");
    assert_true(ev_t(r.ev[lost]) >= lose_at && ev_t(r.ev[lost]) <= lose_at + 1.0);
    int pause = first(&r, "pause", "word", "microphone", lost);
    assert_true(pause > lost);
    assert_true(ev_t(r.ev[pause]) - ev_t(r.ev[lost]) < 0.05);
    int told = ev_find(&r, "say", pause);
    assert_non_null(strstr(ev_str(r.ev[told], "text"), "can't hear you"));

    int back = first(&r, "device", "state", "back", lost);
    assert_true(back > lost);
    assert_true(ev_t(r.ev[back]) >= back_at && ev_t(r.ev[back]) <= back_at + 2.1);
    int again = ev_find(&r, "say", back);
    assert_non_null(strstr(ev_str(r.ev[again], "text"), "can hear you again"));
    int heard = first(&r, "heard", "word", "next", back);
    assert_true(heard > back);
    /* Between the loss and the answer nothing was counted or held. */
    for (int i = lost; i < heard; i++) {
        assert_string_not_equal(ev_name(r.ev[i]), "count");
        assert_string_not_equal(ev_name(r.ev[i]), "hold");
    }
    int resumed = ev_find(&r, "hold", heard);
    assert_true(resumed > heard);
    assert_int_equal((int)ev_num(r.ev[resumed], "rep"), (int)ev_num(r.ev[h], "rep"));
    assert_true(ev_find(&r, "count", resumed) > resumed);
    int end = ev_find(&r, "end", heard);
    assert_string_equal(ev_str(r.ev[end], "reason"), "stopped");
    support_release(&r);
}

/* The speaker: the same pause, its own words, and "next" while it is gone
 * does not resume the count nobody would hear. */
static void test_lost_speaker_pauses_and_resumes_on_next(void **state)
{
    (void)state;
    rendered plain;
    support_run(ROUTINE, "default", NULL, NULL, &plain);
    int h = ev_find(&plain, "hold", 0);
    assert_true(h > 0);
    double lose_at = ev_t(plain.ev[h]) + LOSE_AFTER_HOLD_S;
    support_release(&plain);

    double back_at = lose_at + LOST_FOR_S;
    const char *words[] = {"next", "next", "stop"};
    double at[] = {lose_at + 1.0, back_at + NEXT_AFTER_BACK_S,
                   back_at + NEXT_AFTER_BACK_S + STOP_AFTER_NEXT_S};
    support_set_speaker_fault((int64_t)(lose_at * FC_RATE), (int64_t)(LOST_FOR_S * FC_RATE));
    rendered r;
    support_run_words(ROUTINE, words, at, 3, NULL, &r);
    support_set_speaker_fault(0, 0);

    int lost = first(&r, "device", "state", "lost", 0);
    assert_true(lost > 0);
    assert_string_equal(ev_str(r.ev[lost], "device"), "speaker");
    assert_true(ev_t(r.ev[lost]) >= lose_at && ev_t(r.ev[lost]) <= lose_at + 0.1);
    int pause = first(&r, "pause", "word", "speaker", lost);
    assert_true(pause > lost);
    assert_true(ev_t(r.ev[pause]) - ev_t(r.ev[lost]) < 0.05);
    assert_non_null(strstr(ev_str(r.ev[ev_find(&r, "say", pause)], "text"), "speaker stopped"));
    int back = first(&r, "device", "state", "back", lost);
    assert_true(back > lost);
    assert_string_equal(ev_str(r.ev[back], "device"), "speaker");
    assert_true(ev_t(r.ev[back]) >= back_at && ev_t(r.ev[back]) <= back_at + 2.1);
    assert_non_null(strstr(ev_str(r.ev[ev_find(&r, "say", back)], "text"), "working again"));
    /* The first "next" came while it was gone; only the second resumes. */
    int heard = first(&r, "heard", "word", "next", back);
    assert_true(heard > back);
    for (int i = lost; i < heard; i++) {
        assert_string_not_equal(ev_name(r.ev[i]), "count");
        assert_string_not_equal(ev_name(r.ev[i]), "hold");
    }
    int resumed = ev_find(&r, "hold", heard);
    assert_true(resumed > heard);
    assert_int_equal((int)ev_num(r.ev[resumed], "rep"), (int)ev_num(r.ev[h], "rep"));
    int end = ev_find(&r, "end", heard);
    assert_string_equal(ev_str(r.ev[end], "reason"), "stopped");
    support_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lost_microphone_pauses_and_resumes_on_next),
        cmocka_unit_test(test_lost_speaker_pauses_and_resumes_on_next),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
