/* A microphone, or a speaker, lost in the middle of a hold, from files with
 * a fault injected in the audio layer (audio_fault): the coach pauses
 * within a second, says so, logs the device, counts nothing while it cannot
 * hear (or be heard), brings the device back by itself, and goes on only
 * after "next". */
#include "support.h"

#include <setjmp.h>
#include <stdbool.h>
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

/* What differs between the two devices. */
typedef struct {
    const char *name;      /* the device event's and the pause's word */
    const char *lost_says, *back_says;
    double notice_s;       /* how soon the loss must be logged */
    bool speaker;
} device_case;

/* Loses the device LOSE_AFTER_HOLD_S into the first hold for LOST_FOR_S;
 * the user says "next" once while it is gone (refused: nothing may go on),
 * then "next" and "stop" after it is back. */
static void lose_in_a_hold(const device_case *d)
{
    rendered plain;
    support_run(ROUTINE, "default", NULL, NULL, &plain);
    int h = ev_find(&plain, "hold", 0);
    assert_true(h > 0);
    double lose_at = ev_t(plain.ev[h]) + LOSE_AFTER_HOLD_S;
    int rep = (int)ev_num(plain.ev[h], "rep");
    support_release(&plain);

    double back_at = lose_at + LOST_FOR_S;
    const char *words[] = {"next", "next", "stop"};
    double at[] = {lose_at + 1.0, back_at + NEXT_AFTER_BACK_S,
                   back_at + NEXT_AFTER_BACK_S + STOP_AFTER_NEXT_S};
    int64_t from = (int64_t)(lose_at * FC_RATE), len = (int64_t)(LOST_FOR_S * FC_RATE);
    (d->speaker ? support_set_speaker_fault : support_set_fault)(from, len);
    rendered r;
    support_run_words(ROUTINE, words, at, 3, NULL, &r);
    (d->speaker ? support_set_speaker_fault : support_set_fault)(0, 0);

    int lost = first(&r, "device", "state", "lost", 0);
    assert_true(lost > 0);
    assert_string_equal(ev_str(r.ev[lost], "device"), d->name);
    assert_true(ev_t(r.ev[lost]) >= lose_at && ev_t(r.ev[lost]) <= lose_at + d->notice_s);
    int pause = first(&r, "pause", "word", d->name, lost);
    assert_true(pause > lost);
    assert_true(ev_t(r.ev[pause]) - ev_t(r.ev[lost]) < 0.05);
    assert_non_null(strstr(ev_str(r.ev[ev_find(&r, "say", pause)], "text"), d->lost_says));

    int back = first(&r, "device", "state", "back", lost);
    assert_true(back > lost);
    assert_string_equal(ev_str(r.ev[back], "device"), d->name);
    assert_true(ev_t(r.ev[back]) >= back_at && ev_t(r.ev[back]) <= back_at + 2.1);
    assert_non_null(strstr(ev_str(r.ev[ev_find(&r, "say", back)], "text"), d->back_says));
    /* Between the loss and the answer after it is back, nothing was
     * counted or held, whatever was said meanwhile. */
    int heard = first(&r, "heard", "word", "next", back);
    assert_true(heard > back);
    for (int i = lost; i < heard; i++) {
        assert_string_not_equal(ev_name(r.ev[i]), "count");
        assert_string_not_equal(ev_name(r.ev[i]), "hold");
    }
    int resumed = ev_find(&r, "hold", heard);
    assert_true(resumed > heard);
    assert_int_equal((int)ev_num(r.ev[resumed], "rep"), rep);
    assert_true(ev_find(&r, "count", resumed) > resumed);
    int end = ev_find(&r, "end", heard);
    assert_string_equal(ev_str(r.ev[end], "reason"), "stopped");
    support_release(&r);
}

static void test_lost_microphone_pauses_and_resumes_on_next(void **state)
{
    (void)state;
    device_case d = {"microphone", "can't hear you", "can hear you again", 1.0, false};
    lose_in_a_hold(&d);
}

/* The speaker: its own words, said in case it comes back; a fault is
 * noticed at once. */
static void test_lost_speaker_pauses_and_resumes_on_next(void **state)
{
    (void)state;
    device_case d = {"speaker", "speaker stopped", "working again", 0.1, true};
    lose_in_a_hold(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lost_microphone_pauses_and_resumes_on_next),
        cmocka_unit_test(test_lost_speaker_pauses_and_resumes_on_next),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
