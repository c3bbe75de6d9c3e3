/* tts: eSpeak NG behind one file: trimmed clips, a cache that counts can
 * rely on, counts squeezed into their second, and a clear error for a voice
 * eSpeak NG does not have. */
#include "fc_clock.h"
#include "fc_error.h"
#include "tts.h"
#include "voice.h"

#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static int start(void **state)
{
    voice_profile v = voice_profile_default();
    tts_t *tts = NULL;
    if (tts_create(&v, &tts, NULL) < 0)
        return -1;
    *state = tts;
    return 0;
}

static int stop(void **state)
{
    tts_destroy(*state);
    tts_destroy(NULL);
    return 0;
}

static void test_render_is_trimmed_speech(void **state)
{
    int16_t *pcm = NULL;
    size_t n = 0;
    assert_int_equal(tts_render(*state, "Hold that position.", TTS_STYLE_NARRATION, &pcm, &n), 0);
    assert_true(n > FC_RATE / 2 && n < 3 * FC_RATE);
    /* Trimmed: it starts and ends close to the voice, not in silence. */
    int peak = 0;
    for (size_t i = 0; i < n; i++)
        peak = abs(pcm[i]) > peak ? abs(pcm[i]) : peak;
    assert_true(peak > 1000);
    assert_true(abs(pcm[0]) < peak && abs(pcm[n - 1]) < peak);
    free(pcm);
}

/* A signal's flag stops synthesis mid-line; with the flag clear, or none,
 * the same text renders. */
static void test_synthesis_is_interruptible(void **state)
{
    static volatile sig_atomic_t flag;
    int16_t *pcm = NULL;
    size_t n = 0;
    tts_set_interrupt(*state, &flag);
    flag = 1;
    assert_int_equal(tts_render(*state, "Hold that position.", TTS_STYLE_NARRATION, &pcm, &n),
                     FC_ERR_INTERRUPTED);
    assert_null(pcm);
    tts_clip clip;
    assert_int_equal(tts_get(*state, "Hold it.", TTS_STYLE_NARRATION, 0, &clip),
                     FC_ERR_INTERRUPTED);
    flag = 0;
    assert_int_equal(tts_get(*state, "Hold it.", TTS_STYLE_NARRATION, 0, &clip), FC_OK);
    assert_true(clip.n > 0);
    tts_set_interrupt(*state, NULL);
    assert_int_equal(tts_render(*state, "Hold that position.", TTS_STYLE_NARRATION, &pcm, &n),
                     FC_OK);
    assert_true(n > 0);
    free(pcm);
}

static void test_cache_and_fit(void **state)
{
    tts_clip a, b, cue;
    assert_int_equal(tts_get(*state, "seventeen", TTS_STYLE_NARRATION, 0, &a), 0);
    assert_int_equal(tts_get(*state, "seventeen", TTS_STYLE_NARRATION, 0, &b), 0);
    assert_ptr_equal(a.pcm, b.pcm); /* rendered once */
    assert_int_equal(tts_get(*state, "seventeen", TTS_STYLE_CUE, 0, &cue), 0);
    assert_ptr_not_equal(cue.pcm, a.pcm); /* another pitch is another clip */
    /* A count must end before the next second: asked to fit, it does. */
    size_t max = a.n * 2 / 3;
    tts_clip fit;
    assert_int_equal(tts_get(*state, "seventeen", TTS_STYLE_NARRATION, max, &fit), 0);
    assert_true(fit.n <= max);
}

static void test_unknown_voice_is_named(void **state)
{
    (void)state;
    voice_profile v = voice_profile_default();
    strcpy(v.espeak_voice, "xx-nowhere");
    tts_t *tts = NULL;
    fc_error err = {0};
    assert_int_equal(tts_create(&v, &tts, &err), FC_ERR_MODEL);
    assert_null(tts);
    assert_non_null(strstr(err.detail, "'xx-nowhere'"));
}

/* Every count of a 30 s hold fits its 0.9 s at the voice's one count
 * pace, in every shipped voice: none is sped up (the calm voice used to
 * rush "twenty-one" to "twenty-nine"). Each voice gets its own handle, one
 * at a time. */
#define COUNT_MAX ((size_t)(FC_RATE * 9 / 10))
static void test_counts_keep_one_pace(void **state)
{
    (void)state;
    static const char *const voices[] = {"default", "calm", "british"};
    for (size_t v = 0; v < sizeof voices / sizeof voices[0]; v++) {
        char path[512], n[8];
        voice_profile p;
        tts_t *tts = NULL;
        snprintf(path, sizeof path, "%s/voices/%s.yaml", FC_SOURCE_DIR, voices[v]);
        assert_int_equal(voice_load(path, &p, NULL), 0);
        assert_int_equal(tts_create(&p, &tts, NULL), 0);
        for (int k = 1; k < 30; k++) {
            tts_clip c;
            snprintf(n, sizeof n, "%d", k);
            assert_int_equal(tts_get(tts, n, k > 26 ? TTS_STYLE_CUE : TTS_STYLE_NARRATION,
                                     COUNT_MAX, &c), 0);
            if (c.sped)
                fail_msg("voice %s: count %d does not fit %zu samples at %d wpm", voices[v], k,
                         COUNT_MAX, voice_count_rate(&p));
        }
        tts_destroy(tts);
    }
}

/* Power of hz in x[from, from + n) (Goertzel). */
static double power_at(const int16_t *x, size_t from, size_t n, double hz)
{
    double w = 2 * M_PI * hz / FC_RATE, c = 2 * cos(w), s1 = 0, s2 = 0;
    for (size_t i = 0; i < n; i++) {
        double s0 = x[from + i] + c * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    return s1 * s1 + s2 * s2 - c * s1 * s2;
}

/* With the cue pitch made the voice's own, a cue clip is the narration
 * clip plus its tone: 880 Hz under the last counts, 660 then 990 Hz under
 * "release", from the onset (the first sample), so the count's mark holds.
 * (eSpeak NG's clips differ by a few samples from one render to the next,
 * so the tones are compared, not subtracted.) */
#define TONE (FC_RATE * 9 / 100)
#define TONE_OVER_SPEECH 10.0
static void test_cues_are_tones_on_the_onset(void **state)
{
    (void)state;
    voice_profile v = voice_profile_default();
    v.cue_pitch = v.pitch;
    tts_t *tts = NULL;
    assert_int_equal(tts_create(&v, &tts, NULL), 0);
    int16_t *plain, *cue, *rel;
    size_t n_plain, n_cue, n_rel;
    assert_int_equal(tts_render(tts, "30, release.", TTS_STYLE_NARRATION, &plain, &n_plain), 0);
    assert_int_equal(tts_render(tts, "30, release.", TTS_STYLE_CUE, &cue, &n_cue), 0);
    assert_int_equal(tts_render(tts, "30, release.", TTS_STYLE_RELEASE, &rel, &n_rel), 0);
    assert_true(n_plain > 2 * TONE && n_cue > 2 * TONE && n_rel > 2 * TONE);
    double k = TONE_OVER_SPEECH;
    assert_true(power_at(cue, 0, TONE, 880) > k * power_at(plain, 0, TONE, 880));
    assert_true(power_at(rel, 0, TONE, 660) > k * power_at(plain, 0, TONE, 660));
    assert_true(power_at(rel, TONE, TONE, 990) > k * power_at(plain, TONE, TONE, 990));
    /* The count's own tone is not the release's chime. */
    assert_true(power_at(cue, TONE, TONE, 990) < power_at(rel, TONE, TONE, 990) / k);
    free(plain);
    free(cue);
    free(rel);
    tts_destroy(tts);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_render_is_trimmed_speech),
        cmocka_unit_test(test_synthesis_is_interruptible),
        cmocka_unit_test(test_cache_and_fit),
        cmocka_unit_test(test_unknown_voice_is_named),
    };
    const struct CMUnitTest alone[] = {
        cmocka_unit_test(test_counts_keep_one_pace),
        cmocka_unit_test(test_cues_are_tones_on_the_onset),
    };
    int failed = cmocka_run_group_tests(tests, start, stop);
    return failed + cmocka_run_group_tests(alone, NULL, NULL);
}
