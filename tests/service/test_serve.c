/* serve from files: two starts in one microphone file. Idle, it hears look-
 * alike phrases and running speech and starts nothing; on the start phrase
 * it answers and runs the routine, which the user's "stop" ends; then it is
 * idle again, and the same once more; it exits once the file has ended.
 * And the microphone and the speaker lost while idle: serve waits for them
 * and starts as before once they are back.
 * The start phrase and the distractors are flite's slt voice (PocketSphinx
 * hears eSpeak NG's voices poorly: grammars/README.md), "stop" is a user
 * voice the recognisers hear (support_synth). */
#include "serve.h"
#include "support.h"

#include "audio.h"
#include "fc_error.h"

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
#define PHRASE "start my exercises"
#define STOP_AFTER_S 8.0   /* into the session: the coach is talking or counting */
#define STOP_AGAIN_S 3.0   /* a second stop: for a coach that only paused on the first */
/* After the stops: the session has closed, even one that paused on both
 * (it ends, stopped, when no answer comes: session.h). */
#define IDLE_GAP_S 140.0
#define MAX_CLIPS 16

/* text in flite's slt voice, at 16 kHz; malloc'd. */
static int16_t *flite(const char *text, size_t *n)
{
    char raw[128], cmd[512];
    snprintf(raw, sizeof raw, "/tmp/fc_serve_%d_raw.wav", (int)getpid());
    snprintf(cmd, sizeof cmd, "flite -voice slt -t '%s' -o %s", text, raw);
    if (system(cmd) != 0)
        fail_msg("flite is missing: run 'make deps'");
    int16_t *pcm = NULL;
    fc_error err = {0};
    if (audio_file_load(raw, 1, &pcm, n, &err) < 0)
        fail_msg("%s", fc_error_message(&err));
    unlink(raw);
    return pcm;
}

typedef struct {
    const int16_t *clip[MAX_CLIPS];
    size_t len[MAX_CLIPS];
    int64_t at[MAX_CLIPS];
    int n;
    double t; /* seconds: the end of the last clip */
} mic;

static double place(mic *m, const int16_t *pcm, size_t n, double at)
{
    m->clip[m->n] = pcm;
    m->len[m->n] = n;
    m->at[m->n++] = (int64_t)(at * FC_RATE);
    m->t = at + (double)n / FC_RATE;
    return m->t;
}

/* serve on the microphone m (the test routine for the start phrase), with
 * faults[0] on the microphone and faults[1] on the speaker (NULL: none);
 * returns how many sessions it ran, with the log in *ev. */
static int serve_file(const mic *m, const audio_fault *faults, rendered *ev)
{
    char wav[64], out[64], log[64];
    snprintf(wav, sizeof wav, "/tmp/fc_serve_%d_mic.wav", (int)getpid());
    snprintf(out, sizeof out, "/tmp/fc_serve_%d_out.wav", (int)getpid());
    snprintf(log, sizeof log, "/tmp/fc_serve_%d.jsonl", (int)getpid());
    support_write_mic(wav, m->t, m->clip, m->len, m->at, m->n);
    unlink(log);
    routine_t *r = NULL;
    assert_int_equal(routine_load(ROUTINE, &r, NULL, NULL), FC_OK);
    serve_config cfg = serve_config_default();
    cfg.coach.audio.in = audio_file(wav);
    cfg.coach.audio.out = audio_file(out);
    if (faults) {
        cfg.coach.audio.lose_input = faults[0];
        cfg.coach.audio.lose_output = faults[1];
    }
    cfg.coach.grammar_dir = FC_SOURCE_DIR "/grammars";
    cfg.coach.events_path = log;
    cfg.coach.events_append = true;
    cfg.starts[0] = (serve_start){PHRASE, r, NULL, NULL};
    cfg.n_starts = 1;
    int sessions = -1;
    fc_error err = {0};
    if (serve_run(&cfg, &sessions, &err) < 0)
        fail_msg("%s", fc_error_message(&err));
    support_read_log(log, ev);
    routine_destroy(r);
    if (!getenv("FC_TEST_KEEP")) {
        unlink(wav);
        unlink(out);
        unlink(log);
    }
    return sessions;
}

static void test_two_starts_in_one_file(void **state)
{
    (void)state;
    const char *distract[] = {"start my car", "stop my exercises", "my exercises",
                              "start the exercise bike",
                              "the weather will start to clear in the afternoon"};
    int16_t *d[5], *phrase, *stop;
    size_t dn[5], pn, sn;
    mic m = {0};
    double t = 1.0, phrase_end[2];
    for (int i = 0; i < 5; i++) {
        d[i] = flite(distract[i], &dn[i]);
        t = place(&m, d[i], dn[i], t) + 1.5;
    }
    phrase = flite(PHRASE, &pn);
    stop = support_synth("stop", &sn);
    for (int s = 0; s < 2; s++) {
        phrase_end[s] = place(&m, phrase, pn, t);
        t = place(&m, stop, sn, phrase_end[s] + STOP_AFTER_S) + STOP_AGAIN_S;
        t = place(&m, stop, sn, t) + IDLE_GAP_S;
    }
    rendered ev = {0};
    assert_int_equal(serve_file(&m, NULL, &ev), 2);
    int wakes = 0, ends = 0;
    for (int i = 0; (i = ev_find(&ev, "wake", i)) >= 0; i++) {
        /* Each start is the start phrase, heard as it ends. */
        assert_true(wakes < 2);
        double at = ev_t(ev.ev[i]);
        assert_true(at >= phrase_end[wakes] - 0.2 && at <= phrase_end[wakes] + 1.5);
        assert_string_equal(ev_str(ev.ev[i], "phrase"), PHRASE);
        int end = ev_find(&ev, "end", i);
        assert_true(end > i);
        assert_string_equal(ev_str(ev.ev[end], "reason"), "stopped");
        assert_non_null(ev_str(ev.ev[end], "session"));
        assert_true(ev_find(&ev, "idle", end) > end); /* idle again */
        wakes++;
        ends++;
    }
    assert_int_equal(wakes, 2);
    assert_int_equal(ends, 2);
    support_release(&ev);
    for (int i = 0; i < 5; i++)
        free(d[i]);
    free(phrase);
    free(stop);
}

/* Both devices lost while idle: serve logs each, keeps waiting, brings them
 * back by itself, and then starts on the phrase as before. */
static void test_devices_lost_while_idle_come_back(void **state)
{
    (void)state;
    enum { LOSE_AT_S = 2, LOST_FOR_S = 5, PHRASE_AT_S = 14 };
    int16_t *phrase, *stop;
    size_t pn, sn;
    mic m = {0};
    phrase = flite(PHRASE, &pn);
    stop = support_synth("stop", &sn);
    double t = place(&m, phrase, pn, PHRASE_AT_S);
    t = place(&m, stop, sn, t + STOP_AFTER_S) + STOP_AGAIN_S;
    t = place(&m, stop, sn, t) + IDLE_GAP_S;
    audio_fault f = {LOSE_AT_S * FC_RATE, LOST_FOR_S * FC_RATE};
    audio_fault both[2] = {f, f};
    rendered ev = {0};
    assert_int_equal(serve_file(&m, both, &ev), 1);
    int wake = ev_find(&ev, "wake", 0);
    assert_true(wake > 0);
    const char *devices[] = {"microphone", "speaker"};
    for (int d = 0; d < 2; d++) {
        int lost = -1, back = -1;
        for (int i = 0; i < wake; i++) {
            const char *dev = ev_str(ev.ev[i], "device");
            if (strcmp(ev_name(ev.ev[i]), "device") || !dev || strcmp(dev, devices[d]))
                continue;
            if (!strcmp(ev_str(ev.ev[i], "state"), "lost"))
                lost = i;
            else if (lost >= 0)
                back = i;
        }
        if (lost < 0 || back < 0)
            fail_msg("%s: lost at %d, back at %d (before the wake, %d)", devices[d], lost, back,
                     wake);
        assert_true(ev_t(ev.ev[lost]) >= LOSE_AT_S && ev_t(ev.ev[lost]) <= LOSE_AT_S + 1.0);
        assert_true(ev_t(ev.ev[back]) >= LOSE_AT_S + LOST_FOR_S);
    }
    assert_string_equal(ev_str(ev.ev[ev_find(&ev, "end", wake)], "reason"), "stopped");
    support_release(&ev);
    free(phrase);
    free(stop);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_starts_in_one_file),
        cmocka_unit_test(test_devices_lost_while_idle_come_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
