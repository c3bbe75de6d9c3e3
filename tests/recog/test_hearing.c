/* hearing: the fused decision, with the shipped grammar and the trained
 * keyword head.
 *  - Commands synthesized in voices no part of the recogniser was trained
 *    or tuned on (festival's, synthesized by data/make_unseen.sh before the
 *    test runs; the head holds festival out entirely) are heard.
 *  - The coach's own narration with household-like noise running under it
 *    never makes a command; look-alike words in several voices must not
 *    either (not met yet: run apart, expected to fail).
 *  - A stop heard less clearly while the coach talks pauses, not ignored.
 *  - A missing keyword model stops the recogniser with an error that names
 *    the file and the command that installs it. */
#include "fc_clock.h"
#include "fc_error.h"
#include "hearing.h"
#include "support.h"
#include "tts.h"
#include "voice.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sndfile.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#define GRAMMARS FC_SOURCE_DIR "/grammars"
#define UNSEEN UNSEEN_DIR /* made by data/make_unseen.sh (CTest fixture) */
#define LEAD (2 * FC_RATE)  /* before a word: the session has been running */
#define TAIL (3 * FC_RATE / 2)
#define MAX_HEARD 64
#define NOISE_DB 10.0       /* speech this far above the noise */

static hearing_t *open_hearing(void)
{
    hearing_config cfg = hearing_config_default();
    cfg.asr.grammar_dir = GRAMMARS;
    hearing_t *h = NULL;
    fc_error err = { 0 };
    if (hearing_create(&cfg, &h, &err) != FC_OK)
        fail_msg("%s", fc_error_message(&err));
    return h;
}

/* Runs x through h from session sample 0 in 10 ms calls. */
static int hear(hearing_t *h, const int16_t *x, size_t n, asr_heard *out, int max)
{
    int got = 0;
    for (size_t off = 0; off < n; off += FC_FRAME) {
        size_t m = n - off < FC_FRAME ? n - off : FC_FRAME;
        int rc = hearing_process(h, (int64_t)off, x + off, m, out + got, max - got);
        assert_true(rc >= 0);
        got += rc;
    }
    return got;
}

static int16_t *read_wav(const char *path, size_t *n)
{
    SF_INFO info;
    memset(&info, 0, sizeof info);
    SNDFILE *sf = sf_open(path, SFM_READ, &info);
    if (sf == NULL)
        fail_msg("%s: cannot open (data/make_unseen.sh makes it)", path);
    assert_int_equal(info.samplerate, FC_RATE);
    assert_int_equal(info.channels, 1);
    int16_t *x = malloc((size_t)info.frames * sizeof *x);
    assert_non_null(x);
    *n = (size_t)sf_read_short(sf, x, info.frames);
    sf_close(sf);
    return x;
}

/* A faint steady hiss, as any microphone gives (deterministic). */
static void hiss(int16_t *x, size_t n, double rms)
{
    uint32_t seed = 7;
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1664525u + 1013904223u;
        double u = ((double)(seed >> 8) / 16777216.0 - 0.5) * sqrt(12.0);
        x[i] = (int16_t)lrint(u * rms);
    }
}

static void test_unseen_voices_heard(void **state)
{
    (void)state;
    static const char *const voices[] = { "kal_diphone", "ked_diphone", "cmu_us_slt_arctic_hts" };
    static const char *const words[] = { "stop", "pain", "next", "repeat" };
    hearing_t *h = open_hearing();
    int missed = 0;
    for (size_t v = 0; v < sizeof voices / sizeof voices[0]; v++)
        for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
            char path[512];
            snprintf(path, sizeof path, "%s/%s_%s.wav", UNSEEN, voices[v], words[w]);
            size_t n;
            int16_t *clip = read_wav(path, &n);
            size_t total = LEAD + n + TAIL;
            int16_t *x = malloc(total * sizeof *x);
            assert_non_null(x);
            hiss(x, total, 30.0);
            for (size_t i = 0; i < n; i++)
                x[LEAD + i] = (int16_t)(x[LEAD + i] + clip[i]);
            asr_heard got[MAX_HEARD];
            hearing_reset(h);
            int k = hear(h, x, total, got, MAX_HEARD), right = 0, wrong = 0;
            for (int i = 0; i < k; i++) {
                right += !got[i].unsure && !strcmp(fc_command_name(got[i].word), words[w]);
                wrong += !got[i].unsure && strcmp(fc_command_name(got[i].word), words[w]);
            }
            if (right != 1 || wrong != 0) {
                fprintf(stderr, "  %s: '%s' heard %d times, %d other commands\n", voices[v],
                        words[w], right, wrong);
                missed++;
            }
            free(x);
            free(clip);
        }
    hearing_destroy(h);
    assert_int_equal(missed, 0);
}

/* Words a careless detector takes for a command, and narration without one. */
static const char *const lookalikes[] = {
    "top", "shop", "step", "stock", "stopped", "spot", "neck", "text", "nest",
    "necks", "pen", "plain", "rain", "paint", "repeal", "report", "repair",
};
static const char *const narration[] = {
    "Kneel on your left knee, with your other foot planted ahead of you.",
    "Now ease your body slowly forward until you feel a gentle stretch.",
    "Lie face up with both knees bent and your feet resting on the floor.",
    "Hold it there, and keep breathing slowly.",
    "Rest for a moment, then we will do the other side.",
};
#define VOICES_PER_WORD 3 /* test user voices (support_synth_candidate) per look-alike */
#define GAP (FC_RATE * 6 / 5)

/* Appends clip at the end of the stream *x (of *n samples), after GAP. */
static void append(int16_t **x, size_t *n, const int16_t *clip, size_t len)
{
    int16_t *grown = realloc(*x, (*n + GAP + len) * sizeof *grown);
    assert_non_null(grown);
    memset(grown + *n, 0, GAP * sizeof *grown);
    memcpy(grown + *n + GAP, clip, len * sizeof *clip);
    *x = grown;
    *n += GAP + len;
}

/* Noise with most of its power at low frequencies, like a fan, a tap or
 * an exercise bike: white noise through a one-pole low-pass. */
static void add_rumble(int16_t *x, size_t n, double rms)
{
    uint32_t seed = 11;
    double y = 0, sum = 0;
    double *v = malloc(n * sizeof *v);
    assert_non_null(v);
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1664525u + 1013904223u;
        y = 0.95 * y + ((double)(seed >> 8) / 16777216.0 - 0.5);
        v[i] = y;
        sum += y * y;
    }
    double gain = rms / sqrt(sum / (double)n);
    for (size_t i = 0; i < n; i++)
        x[i] = (int16_t)fmax(-32768.0, fmin(32767.0, x[i] + gain * v[i]));
    free(v);
}

static double rms_of(const int16_t *x, size_t n)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += (double)x[i] * x[i];
    return n ? sqrt(sum / (double)n) : 0;
}

/* Runs x (n samples, speech at `speech` RMS) with rumble NOISE_DB below
 * it through the recogniser; returns the commands acted on (pauses are
 * printed but allowed: they cost a "next", not an action). */
static int acted_on(int16_t *x, size_t n, double speech)
{
    add_rumble(x, n, speech / pow(10.0, NOISE_DB / 20.0));
    hearing_t *h = open_hearing();
    asr_heard got[MAX_HEARD];
    int k = hear(h, x, n, got, MAX_HEARD), sure = 0;
    for (int i = 0; i < k; i++) {
        fprintf(stderr, "  %s '%s' at %.2f s (p %.2f)\n", got[i].unsure ? "pause for" : "heard",
                fc_command_name(got[i].word), got[i].t / (double)FC_RATE, got[i].score);
        sure += !got[i].unsure;
    }
    hearing_destroy(h);
    return sure;
}

static void test_narration_in_noise(void **state)
{
    (void)state;
    int16_t *x = NULL, *clip;
    size_t n = 0, len;
    double speech = 0;
    voice_profile coach;
    tts_t *tts = NULL;
    assert_int_equal(voice_load(FC_SOURCE_DIR "/voices/default.yaml", &coach, NULL), 0);
    assert_int_equal(tts_create(&coach, &tts, NULL), 0);
    for (size_t i = 0; i < sizeof narration / sizeof narration[0]; i++) {
        assert_int_equal(tts_render(tts, narration[i], TTS_STYLE_NARRATION, &clip, &len), 0);
        speech += rms_of(clip, len) / (sizeof narration / sizeof narration[0]);
        append(&x, &n, clip, len);
        free(clip);
    }
    tts_destroy(tts);
    int sure = acted_on(x, n, speech);
    free(x);
    assert_int_equal(sure, 0);
}

/* Not met yet (issue 10; README, "Known limitations"): both detectors
 * take some of these for commands. CTest runs it as test_hearing_lookalikes
 * with WILL_FAIL, so that it is seen to fail, and turns red the day it
 * passes, when WILL_FAIL must go. */
static void test_lookalikes_in_noise(void **state)
{
    (void)state;
    int16_t *x = NULL, *clip;
    size_t n = 0, len;
    double speech = 0;
    int clips = 0;
    for (size_t w = 0; w < sizeof lookalikes / sizeof lookalikes[0]; w++)
        for (int k = 0; k < VOICES_PER_WORD; k++) {
            int cand = (int)(w + (size_t)k * 7) % support_candidates();
            assert_non_null(clip = support_synth_candidate(lookalikes[w], cand, &len));
            speech += rms_of(clip, len);
            clips++;
            append(&x, &n, clip, len);
            free(clip);
        }
    int sure = acted_on(x, n, speech / clips);
    free(x);
    assert_int_equal(sure, 0);
}

/* A test voice saying "stop" (support.c's second: the detector is least
 * sure of it, about 0.55-0.7): the decoder hears it and the detector's
 * support is enough to act on while the coach is quiet. While it talks
 * (its echo may be what the decoder heard) that is not enough to act on,
 * but a stop is never ignored: it pauses. */
#define UNSURE_STOP_VOICE 1
static void test_stop_over_the_coach_pauses(void **state)
{
    (void)state;
    size_t len;
    int16_t *clip = support_synth_candidate("stop", UNSURE_STOP_VOICE, &len);
    assert_non_null(clip);
    size_t total = LEAD + len + TAIL;
    int16_t *x = malloc(total * sizeof *x);
    assert_non_null(x);
    hiss(x, total, 30.0);
    for (size_t i = 0; i < len; i++)
        x[LEAD + i] = (int16_t)(x[LEAD + i] + clip[i]);
    hearing_t *h = open_hearing();
    asr_heard got[MAX_HEARD];
    for (int talking = 0; talking <= 1; talking++) {
        hearing_reset(h);
        hearing_set_talking(h, talking);
        int k = hear(h, x, total, got, MAX_HEARD);
        for (int i = 0; i < k; i++)
            fprintf(stderr, "  talking %d: %s '%s' at %.2f s (p %.2f)\n", talking,
                    got[i].unsure ? "pause for" : "heard", fc_command_name(got[i].word),
                    got[i].t / (double)FC_RATE, got[i].score);
        assert_int_equal(k, 1);
        assert_int_equal(got[0].word, FC_CMD_STOP);
        if (got[0].score < 0.4 || got[0].score >= 0.8)
            fail_msg("the detector gave this stop %.2f: choose a voice it is unsure of",
                     got[0].score);
        assert_int_equal(got[0].unsure, talking);
    }
    hearing_destroy(h);
    free(x);
    free(clip);
}

static void test_missing_model(void **state)
{
    (void)state;
    hearing_config cfg = hearing_config_default();
    cfg.asr.grammar_dir = GRAMMARS;
    cfg.kws.dir = "/nonexistent/kws";
    hearing_t *h = (hearing_t *)1;
    fc_error err = { 0 };
    assert_int_equal(hearing_create(&cfg, &h, &err), FC_ERR_MODEL);
    assert_null(h);
    const char *msg = fc_error_message(&err);
    if (!strstr(msg, "/nonexistent/kws/" KWS_FRONTEND_FILE) || !strstr(msg, "make deps"))
        fail_msg("the error does not name the file and 'make deps': %s", msg);
    /* The decoder alone needs no keyword model. */
    cfg.mode = HEARING_ASR;
    assert_int_equal(hearing_create(&cfg, &h, &err), FC_OK);
    hearing_destroy(h);
    hearing_destroy(NULL);
}

/* With an argument, only the tests it matches (tests/recog/CMakeLists.txt
 * runs the look-alikes apart); without, all but the look-alikes. */
int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unseen_voices_heard),
        cmocka_unit_test(test_narration_in_noise),
        cmocka_unit_test(test_lookalikes_in_noise),
        cmocka_unit_test(test_stop_over_the_coach_pauses),
        cmocka_unit_test(test_missing_model),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    else
        cmocka_set_skip_filter("test_lookalikes_in_noise");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
