/* Hands-free sessions: command words placed at known times in a microphone
 * file drive whole sessions through the real recogniser. Commands are
 * synthesized with eSpeak NG in a voice other than the coach's; one test
 * uses a real person's recording from the shared corpus when it is there. */
#include "support.h"

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

#define MINI TEST_ROUTINES "/mini.yaml"
/* From the end of the word to the coach's reaction on the output. */
#define MAX_REACTION 0.300

/* The start of the first hold in the mini routine, from a run without a
 * microphone: commands are placed relative to it. */
static double first_hold(void)
{
    static double t = -1;
    if (t < 0) {
        rendered r;
        support_run(MINI, "default", NULL, NULL, &r);
        int h = ev_find(&r, "hold", 0);
        assert_true(h > 0);
        t = ev_t(r.ev[h]);
        support_release(&r);
    }
    return t;
}

/* The first `heard` event, checked for word and recogniser latency. */
static int expect_heard(const rendered *r, const char *word, double word_end, int from)
{
    int h = ev_find(r, "heard", from);
    assert_true(h >= 0);
    assert_string_equal(ev_str(r->ev[h], "word"), word);
    double latency = ev_t(r->ev[h]) - word_end;
    fprintf(stderr, "  heard '%s' %.3f s after the word ended\n", word, latency);
    /* The recogniser may decide just before the word's weak last sound. */
    assert_true(latency >= -0.1 && latency <= MAX_REACTION);
    return h;
}

/* The first `say` at or after event h: it must start within the reaction
 * time, contain `text`, and really be in the output audio there. */
static int expect_reply(const rendered *r, int h, double word_end, const char *text)
{
    int s = ev_find(r, "say", h);
    assert_true(s > h);
    fprintf(stderr, "  reply '%s' %.3f s after the word ended\n", ev_str(r->ev[s], "text"),
            ev_t(r->ev[s]) - word_end);
    assert_true(ev_t(r->ev[s]) - word_end <= MAX_REACTION);
    assert_non_null(strstr(ev_str(r->ev[s], "text"), text));
    int64_t at = (int64_t)(ev_t(r->ev[s]) * FC_RATE);
    assert_true(support_peak(r, at, at + FC_RATE / 5) > 1000);
    return s;
}

static void no_count_between(const rendered *r, int from, int to)
{
    for (int i = from; i < to; i++)
        assert_string_not_equal(ev_name(r->ev[i]), "count");
}

static void test_stop_during_hold(void **state)
{
    (void)state;
    const char *words[] = {"stop"};
    double at[] = {first_hold() + 1.5};
    rendered r;
    double end = support_run_words(MINI, words, at, 1, NULL, &r);
    int h = expect_heard(&r, "stop", end, 0);
    int s = expect_reply(&r, h, end, "Stopping");
    no_count_between(&r, h, (int)r.n_ev);
    /* The output is quiet between the cut and the closing line. */
    int64_t cut = (int64_t)(ev_t(r.ev[h]) * FC_RATE) + FC_RATE / 100;
    assert_true(support_peak(&r, cut, (int64_t)(ev_t(r.ev[s]) * FC_RATE)) < 100 ||
                ev_t(r.ev[s]) - ev_t(r.ev[h]) < 0.02);
    assert_string_equal(ev_name(r.ev[r.n_ev - 1]), "end");
    assert_string_equal(ev_str(r.ev[r.n_ev - 1], "reason"), "stopped");
    assert_int_equal(r.reason, SESSION_END_STOPPED);
    support_release(&r);
}

static void test_pain_during_hold_runs_protocol(void **state)
{
    (void)state;
    const char *words[] = {"pain", "next"};
    double hold = first_hold();
    /* The rating question's wait (8 s, unanswered) comes before the one
     * for next. */
    double at[] = {hold + 1.5, hold + 40};
    rendered r;
    double end = support_run_words(MINI, words, at, 2, NULL, &r);
    int h = expect_heard(&r, "pain", end, 0);
    int p = ev_find(&r, "pain", h);
    assert_true(p > h);
    assert_string_equal(ev_str(r.ev[p], "exercise"), "Test stretch");
    assert_string_equal(ev_str(r.ev[p], "side"), "left");
    assert_int_equal((int)ev_num(r.ev[p], "rep"), 1);
    int second = (int)ev_num(r.ev[p], "second");
    assert_true(second >= 1 && second <= 3);
    int s = expect_reply(&r, p, end, "Come back slowly");
    /* The hold stopped counting, the guidance was given, then the rating
     * question (no answer: none recorded), then what to do now. */
    int rw = ev_find(&r, "wait", s);
    assert_true(rw > s);
    assert_string_equal(ev_str(r.ev[rw], "for"), "rating");
    int rated = ev_find(&r, "rating", rw);
    assert_true(rated > rw);
    int w = ev_find(&r, "wait", rated);
    assert_true(w > rated);
    assert_string_equal(ev_str(r.ev[w], "for"), "command");
    no_count_between(&r, h, w);
    /* "next" skips the painful exercise, both sides. */
    int h2 = ev_find(&r, "heard", w);
    assert_true(h2 > w);
    assert_string_equal(ev_str(r.ev[h2], "word"), "next");
    int ex = ev_find(&r, "exercise", h2);
    assert_true(ex > h2);
    assert_string_equal(ev_str(r.ev[ex], "name"), "Test reps");
    /* The painful exercise is named in the closing summary. */
    int found = 0;
    for (size_t i = (size_t)ex; i < r.n_ev; i++)
        if (!strcmp(ev_name(r.ev[i]), "say") &&
            strstr(ev_str(r.ev[i], "text"), "pain during: Test stretch"))
            found = 1;
    assert_true(found);
    assert_string_equal(ev_str(r.ev[r.n_ev - 1], "reason"), "completed");
    support_release(&r);
}

static void test_next_ends_hold_early(void **state)
{
    (void)state;
    const char *words[] = {"next"};
    double at[] = {first_hold() + 1.5};
    rendered r;
    double end = support_run_words(MINI, words, at, 1, NULL, &r);
    int h = expect_heard(&r, "next", end, 0);
    int s = expect_reply(&r, h, end, "Rest");
    no_count_between(&r, h, s);
    /* The first hold ended early: the next hold is the second repetition. */
    int hold = ev_find(&r, "hold", s);
    assert_int_equal((int)ev_num(r.ev[hold], "rep"), 2);
    assert_string_equal(ev_str(r.ev[r.n_ev - 1], "reason"), "completed");
    support_release(&r);
}

static void test_repeat_says_instruction_again(void **state)
{
    (void)state;
    const char *words[] = {"repeat"};
    double at[] = {first_hold() + 1.5};
    rendered r;
    double end = support_run_words(MINI, words, at, 1, NULL, &r);
    int h = expect_heard(&r, "repeat", end, 0);
    int s = expect_reply(&r, h, end, "Lean gently toward your left leg");
    /* ...then the same hold starts again from one. */
    int hold = ev_find(&r, "hold", s);
    assert_int_equal((int)ev_num(r.ev[hold], "rep"), 1);
    assert_int_equal((int)ev_num(r.ev[ev_find(&r, "count", hold)], "n"), 1);
    assert_string_equal(ev_str(r.ev[r.n_ev - 1], "reason"), "completed");
    support_release(&r);
}

static void test_silence_and_narration_are_not_commands(void **state)
{
    (void)state;
    /* A microphone that hears nothing must never produce a command. */
    char mic[128];
    snprintf(mic, sizeof mic, "/tmp/fc_mic_quiet_%d.wav", (int)getpid());
    support_write_mic(mic, 10, NULL, NULL, NULL, 0);
    rendered r;
    support_run(MINI, "default", mic, NULL, &r);
    unlink(mic);
    assert_int_equal(ev_find(&r, "heard", 0), -1);
    assert_string_equal(ev_str(r.ev[r.n_ev - 1], "reason"), "completed");
    support_release(&r);
}

/* A "stop" whose evidence is real but below the line for acting: the coach
 * goes quiet and holds the count, says it paused, and waits; "next" takes
 * the same hold again from one. The calibration moves the lines so that no
 * "stop" is ever sure (kws.fire and kws.confirm above 1) and any evidence
 * of one is grounds for a pause: the pipeline, not the engine alone, must
 * carry the doubt through. */
static void test_unsure_stop_pauses_and_next_resumes(void **state)
{
    (void)state;
    char conf[128];
    snprintf(conf, sizeof conf, "/tmp/fc_unsure_%d.conf", (int)getpid());
    FILE *f = fopen(conf, "w");
    assert_non_null(f);
    fputs("kws.fire.stop = 2\nkws.confirm.stop = 2\nkws.unsure.stop = 0.3\n"
          "kws.doubt.stop = 0\n", f);
    fclose(f);
    support_set_calibration(conf);
    const char *words[] = {"stop", "next"};
    double hold = first_hold();
    double at[] = {hold + 1.5, hold + 8};
    rendered r;
    double end = support_run_words(MINI, words, at, 2, NULL, &r);
    support_set_calibration(NULL);
    unlink(conf);
    int u = ev_find(&r, "unsure", 0);
    assert_true(u >= 0);
    assert_string_equal(ev_str(r.ev[u], "word"), "stop");
    assert_true(ev_t(r.ev[u]) - end <= MAX_REACTION);
    int p = ev_find(&r, "pause", u);
    assert_true(p > u);
    assert_true(ev_find(&r, "heard", 0) > p); /* nothing was acted on before */
    int s = expect_reply(&r, p, end, "I paused");
    int h = ev_find(&r, "heard", s);
    assert_true(h > s);
    assert_string_equal(ev_str(r.ev[h], "word"), "next");
    no_count_between(&r, u, h);
    int hold2 = ev_find(&r, "hold", h);
    assert_true(hold2 > h);
    assert_int_equal((int)ev_num(r.ev[hold2], "rep"), 1); /* the same repetition */
    assert_int_equal((int)ev_num(r.ev[ev_find(&r, "count", hold2)], "n"), 1);
    assert_string_equal(ev_str(r.ev[r.n_ev - 1], "reason"), "completed");
    support_release(&r);
}

/* A real person saying `word`: the first dev-split recording of it in the
 * shared corpus that the recogniser hears on its own when placed `lead`
 * samples into the microphone (how many it hears is bench/asr_eval's
 * business). Skips when the corpus is not there. */
static int16_t *real_voice(const char *word, size_t lead, size_t *n)
{
    char manifest[512], line[2048], category[64];
    snprintf(manifest, sizeof manifest, "%s/MANIFEST.tsv", CORPUS_DIR);
    snprintf(category, sizeof category, "commands/%s", word);
    FILE *fp = fopen(manifest, "r");
    if (!fp) {
        fprintf(stderr, "  corpus not found at %s: skipped\n", CORPUS_DIR);
        skip();
    }
    int16_t *found = NULL;
    while (!found && fgets(line, sizeof line, fp)) {
        char *fields[5] = {0};
        char *save = NULL, *tok = strtok_r(line, "\t", &save);
        for (int k = 0; k < 5 && tok; k++, tok = strtok_r(NULL, "\t", &save))
            fields[k] = tok;
        if (!fields[4] || strcmp(fields[1], category) || strcmp(fields[4], "dev"))
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", CORPUS_DIR, fields[0]);
        SF_INFO info = {0};
        SNDFILE *sf = sf_open(path, SFM_READ, &info);
        if (!sf || info.samplerate != FC_RATE || info.channels != 1) {
            if (sf)
                sf_close(sf);
            continue;
        }
        int16_t *pcm = malloc((size_t)info.frames * sizeof *pcm);
        *n = (size_t)sf_read_short(sf, pcm, info.frames);
        sf_close(sf);
        if (support_heard_after(word, pcm, *n, lead)) {
            fprintf(stderr, "  '%s' said by a real person: %s\n", word, fields[0]);
            found = pcm;
        } else {
            free(pcm);
        }
    }
    fclose(fp);
    if (!found)
        fail_msg("the recogniser hears no dev recording of '%s'", word);
    return found;
}

/* Runs the mini routine with a real person's `word` 1 s into the first
 * hold; returns the end of the speech in the recording, in session seconds. */
static double run_real(const char *word, rendered *r)
{
    size_t n = 0;
    double hold = first_hold();
    int64_t at = (int64_t)((hold + 1.0) * FC_RATE);
    int16_t *pcm = real_voice(word, (size_t)at, &n);
    size_t last = n;
    while (last > 0 && abs(pcm[last - 1]) < 300)
        last--;
    char mic[128];
    snprintf(mic, sizeof mic, "/tmp/fc_mic_real_%d.wav", (int)getpid());
    const int16_t *clips[] = {pcm};
    support_write_mic(mic, hold + 8, clips, &n, &at, 1);
    free(pcm);
    support_run(MINI, "default", mic, NULL, r);
    unlink(mic);
    return (double)(at + (int64_t)last) / FC_RATE;
}

static void test_real_voice_stop(void **state)
{
    (void)state;
    rendered r;
    double end = run_real("stop", &r);
    int h = expect_heard(&r, "stop", end, 0);
    expect_reply(&r, h, end, "Stopping");
    assert_string_equal(ev_str(r.ev[r.n_ev - 1], "reason"), "stopped");
    support_release(&r);
}

static void test_real_voice_pain(void **state)
{
    (void)state;
    rendered r;
    double end = run_real("pain", &r);
    int h = expect_heard(&r, "pain", end, 0);
    int p = ev_find(&r, "pain", h);
    assert_true(p > h);
    int s = expect_reply(&r, p, end, "Come back slowly");
    int w = ev_find(&r, "wait", s);
    assert_true(w > s);
    no_count_between(&r, h, w);
    support_release(&r);
}

static void test_real_voice_next(void **state)
{
    (void)state;
    rendered r;
    double end = run_real("next", &r);
    int h = expect_heard(&r, "next", end, 0);
    int s = expect_reply(&r, h, end, "Rest");
    no_count_between(&r, h, s);
    support_release(&r);
}

static void test_real_voice_repeat(void **state)
{
    (void)state;
    rendered r;
    double end = run_real("repeat", &r);
    int h = expect_heard(&r, "repeat", end, 0);
    int s = expect_reply(&r, h, end, "Lean gently toward your left leg");
    int hold = ev_find(&r, "hold", s);
    assert_int_equal((int)ev_num(r.ev[hold], "rep"), 1);
    support_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stop_during_hold),
        cmocka_unit_test(test_pain_during_hold_runs_protocol),
        cmocka_unit_test(test_next_ends_hold_early),
        cmocka_unit_test(test_repeat_says_instruction_again),
        cmocka_unit_test(test_silence_and_narration_are_not_commands),
        cmocka_unit_test(test_unsure_stop_pauses_and_next_resumes),
        cmocka_unit_test(test_real_voice_stop),
        cmocka_unit_test(test_real_voice_pain),
        cmocka_unit_test(test_real_voice_next),
        cmocka_unit_test(test_real_voice_repeat),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
