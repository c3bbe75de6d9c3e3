/* Whole sessions rendered to files through the real narrator: the event
 * log's structure, and hold timing measured on the audio itself.
 * (Bit-exact reproducibility is checked across processes by test_cli.sh:
 * eSpeak NG carries state from one utterance to the next, so it only holds
 * for a whole session in a fresh process.) */
#include "coach.h"
#include "datapath.h"
#include "fc_error.h"
#include "routine.h"
#include "voice.h"

#include <jansson.h>
#include <setjmp.h>
#include <sndfile.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#define RATE 16000
/* An onset is the first 1 ms window whose peak passes this (about -34 dBFS). */
#define ONSET_LEVEL 600

typedef struct {
    int16_t *pcm;
    sf_count_t n;
    json_t **ev;
    size_t n_ev;
} rendered;

static routine_t *load(const char *path)
{
    routine_t *r = NULL;
    routine_report rep = {0};
    assert_int_equal(routine_load(path, &r, &rep), FC_OK);
    routine_report_clear(&rep);
    return r;
}

static void render(const char *routine_path, const char *voice, rendered *out, const char *tag)
{
    char wav[256], log[256], vpath[512], err[512];
    snprintf(wav, sizeof wav, "/tmp/fc_render_%d_%s.wav", (int)getpid(), tag);
    snprintf(log, sizeof log, "/tmp/fc_render_%d_%s.jsonl", (int)getpid(), tag);
    routine_t *r = load(routine_path);
    coach_config cfg = coach_config_default();
    cfg.routine = r;
    snprintf(vpath, sizeof vpath, "%s/voices/%s.yaml", FC_SOURCE_DIR, voice);
    assert_int_equal(voice_load(vpath, &cfg.voice, err, sizeof err), FC_OK);
    cfg.audio.out_file = wav;
    cfg.events_path = log;
    session_end_reason reason;
    int rc = coach_run(&cfg, &reason, err, sizeof err);
    if (rc < 0)
        fprintf(stderr, "%s\n", err);
    assert_int_equal(rc, FC_OK);
    assert_int_equal(reason, SESSION_END_COMPLETED);
    routine_destroy(r);

    SF_INFO info;
    memset(&info, 0, sizeof info);
    SNDFILE *sf = sf_open(wav, SFM_READ, &info);
    assert_non_null(sf);
    assert_int_equal(info.samplerate, RATE);
    assert_int_equal(info.channels, 1);
    out->pcm = malloc((size_t)info.frames * sizeof *out->pcm);
    out->n = sf_read_short(sf, out->pcm, info.frames);
    assert_true(out->n == info.frames);
    sf_close(sf);

    FILE *fp = fopen(log, "r");
    assert_non_null(fp);
    char line[4096];
    out->ev = NULL;
    out->n_ev = 0;
    while (fgets(line, sizeof line, fp)) {
        json_error_t jerr;
        json_t *o = json_loads(line, 0, &jerr);
        assert_non_null(o); /* every line is one JSON object */
        out->ev = realloc(out->ev, (out->n_ev + 1) * sizeof *out->ev);
        out->ev[out->n_ev++] = o;
    }
    fclose(fp);
    unlink(wav);
    unlink(log);
}

static void release(rendered *r)
{
    for (size_t i = 0; i < r->n_ev; i++)
        json_decref(r->ev[i]);
    free(r->ev);
    free(r->pcm);
}

static const char *ev_name(json_t *o) { return json_string_value(json_object_get(o, "event")); }
static double ev_t(json_t *o) { return json_number_value(json_object_get(o, "t")); }

static int64_t onset(const rendered *r, int64_t from, int64_t to)
{
    for (int64_t i = from < 0 ? 0 : from; i < to && i < r->n; i++)
        if (abs(r->pcm[i]) >= ONSET_LEVEL)
            return i;
    return -1;
}

static int peak(const rendered *r, int64_t from, int64_t to)
{
    int p = 0;
    for (int64_t i = from; i < to && i < r->n; i++)
        if (abs(r->pcm[i]) > p)
            p = abs(r->pcm[i]);
    return p;
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
        int64_t mark = (int64_t)(t * RATE + 0.5);
        int64_t on = onset(r, mark - RATE / 10, mark + RATE / 2);
        assert_true(on >= 0);
        assert_true(llabs(on - mark) <= RATE / 100);
        /* ...the 100 ms before it are silent, so it is not smeared into the
         * previous count... */
        assert_true(peak(r, mark - RATE / 10, mark - 16) < ONSET_LEVEL);
        /* ...and it has ended before the next mark (the log's millisecond
         * times place a mark within 8 samples). */
        if (n < hold_s)
            assert_int_equal(peak(r, mark + RATE - RATE / 50, mark + RATE - 16), 0);
        counts++;
    }
    assert_true(counts > 0);
}

static void test_mini_routine_log_and_timing(void **state)
{
    (void)state;
    rendered r;
    render(TEST_ROUTINES "/mini.yaml", "default", &r, "mini");
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
            int64_t at = (int64_t)(ev_t(r.ev[i]) * RATE + 0.5);
            assert_true(until > ev_t(r.ev[i]));
            assert_true(peak(&r, at, (int64_t)(until * RATE)) >= ONSET_LEVEL);
        }
    }
    /* The session audio is as long as the session. */
    assert_true(r.n >= (sf_count_t)(prev * RATE));
    check_timing(&r);
    release(&r);
}

static void test_default_routine_timing_every_voice(void **state)
{
    (void)state;
    const char *voices[] = {"default", "calm", "british"};
    for (size_t v = 0; v < 3; v++) {
        rendered r;
        render(FC_SOURCE_DIR "/scripts/fai-stretches.yaml", voices[v], &r, voices[v]);
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
