/* asr: the verifier seam. Every command the decoder finds is put to the
 * installed verifier with the segment and the word's frames; one that
 * rejects silences it, one that confirms it sets its score, and an error
 * stops the recogniser. */
#include "asr.h"
#include "fc_clock.h"
#include "fc_error.h"
#include "support.h"
#include "verifier.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#define LEAD FC_RATE /* silence before the word: the detector learns the room */

typedef struct {
    int16_t *audio; /* silence, "stop", silence */
    size_t n;
    asr_t *asr;
} fixture;

/* A fake verifier: counts calls, keeps the last input, answers as told. */
typedef struct {
    int calls;
    verifier_input last;
    bool accept, unsure;
    double score;
    int rc;
} fake;

static int fake_check(void *ctx, const verifier_input *in, verifier_verdict *out)
{
    fake *f = ctx;
    f->calls++;
    f->last = *in;
    f->last.pcm = NULL; /* not to be kept */
    out->accept = f->accept;
    out->unsure = f->unsure;
    out->score = f->score;
    return f->rc;
}

static int group_setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    size_t n = 0;
    int16_t *word = support_synth("stop", &n);
    fx->n = LEAD + n + FC_RATE;
    fx->audio = calloc(fx->n, sizeof *fx->audio);
    memcpy(fx->audio + LEAD, word, n * sizeof *word);
    free(word);
    *state = fx;
    return 0;
}

static int group_teardown(void **state)
{
    fixture *fx = *state;
    free(fx->audio);
    free(fx);
    return 0;
}

static int new_asr(void **state)
{
    fixture *fx = *state;
    asr_config cfg = asr_config_default();
    cfg.grammar_dir = FC_SOURCE_DIR "/grammars";
    return asr_create(&cfg, &fx->asr, NULL);
}

static int free_asr(void **state)
{
    fixture *fx = *state;
    asr_destroy(fx->asr);
    fx->asr = NULL;
    return 0;
}

/* Feeds the clip in frames; returns how many words were heard (the first
 * in *h), or the first error. */
static int hear(fixture *fx, asr_heard *first)
{
    int heard = 0;
    asr_heard h[8];
    asr_reset(fx->asr);
    for (size_t off = 0; off + FC_FRAME <= fx->n; off += FC_FRAME) {
        int got = asr_process(fx->asr, (int64_t)off, fx->audio + off, FC_FRAME, h, 8);
        if (got < 0)
            return got;
        if (got > 0 && heard == 0)
            *first = h[0];
        heard += got;
    }
    return heard;
}

static void test_without_verifier_heard_with_score_zero(void **state)
{
    fixture *fx = *state;
    asr_heard h = {0};
    /* As shipped (verify = 0) there is none; installing none changes nothing. */
    assert_int_equal(asr_set_verifier(fx->asr, NULL), FC_OK);
    assert_int_equal(hear(fx, &h), 1);
    assert_int_equal(h.word, FC_CMD_STOP);
    assert_true(h.score == 0.0);
    assert_true(h.start >= LEAD - FC_MS(100) && h.end > h.start && h.t >= h.end);
}

static void test_rejecting_verifier_silences_the_word(void **state)
{
    fixture *fx = *state;
    fake f = { .accept = false };
    verifier v = { .check = fake_check, .ctx = &f };
    asr_heard h = {0};
    assert_int_equal(asr_set_verifier(fx->asr, &v), FC_OK);
    assert_int_equal(hear(fx, &h), 0);
    assert_int_equal(f.calls, 1);
    /* It was asked about the word the decoder found, inside the segment. */
    assert_int_equal(f.last.word, FC_CMD_STOP);
    assert_true(f.last.n_frames > 0);
    assert_true(f.last.first_frame >= 0 && f.last.first_frame <= f.last.last_frame);
    assert_true(f.last.last_frame < f.last.n_frames);
    assert_true(f.last.start <= LEAD && f.last.start >= 0);
}

static void test_confirming_verifier_sets_the_score(void **state)
{
    fixture *fx = *state;
    fake f = { .accept = true, .score = 4.25 };
    verifier v = { .check = fake_check, .ctx = &f };
    asr_heard h = {0};
    assert_int_equal(asr_set_verifier(fx->asr, &v), FC_OK);
    assert_int_equal(hear(fx, &h), 1);
    assert_int_equal(f.calls, 1);
    assert_int_equal(h.word, FC_CMD_STOP);
    assert_true(h.score == 4.25);
    /* The word's frames are where the heard word is placed. */
    assert_int_equal(h.start - f.last.start - (int64_t)f.last.first_frame * FC_FRAME,
                     h.end - f.last.start - (int64_t)f.last.last_frame * FC_FRAME -
                         FC_MS(10));
}

/* A verifier that can neither confirm nor rule out "stop": it is reported,
 * marked unsure (the coach then pauses), never dropped. */
static void test_unsure_stop_is_reported_as_unsure(void **state)
{
    fixture *fx = *state;
    fake f = { .accept = false, .unsure = true, .score = 0.4 };
    verifier v = { .check = fake_check, .ctx = &f };
    asr_heard h = {0};
    assert_int_equal(asr_set_verifier(fx->asr, &v), FC_OK);
    assert_int_equal(hear(fx, &h), 1);
    assert_int_equal(h.word, FC_CMD_STOP);
    assert_true(h.unsure);
    assert_true(h.score == 0.4);
    /* A confirmed word is not unsure, whatever the flag says. */
    f.accept = true;
    assert_int_equal(hear(fx, &h), 1);
    assert_false(h.unsure);
}

static void test_verifier_error_stops_the_recogniser(void **state)
{
    fixture *fx = *state;
    fake f = { .accept = true, .rc = FC_ERR_MODEL };
    verifier v = { .check = fake_check, .ctx = &f };
    asr_heard h = {0};
    assert_int_equal(asr_set_verifier(fx->asr, &v), FC_OK);
    assert_int_equal(hear(fx, &h), FC_ERR_MODEL);
    verifier bad = { .check = NULL, .ctx = &f };
    assert_int_equal(asr_set_verifier(fx->asr, &bad), FC_ERR_ARG);
    assert_int_equal(asr_set_verifier(NULL, NULL), FC_ERR_ARG);
}

/* The built-in verifier: verify = 1 in a user's file turns the phone loop
 * on; its score is the word's log-likelihood ratio, and min_llr.WORD is
 * the line it must reach. */
static int phone_loop_heard(fixture *fx, double min_llr, asr_heard *h)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/fc_asr_verify_%d.conf", (int)getpid());
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fprintf(fp, "verify = 1\nmin_llr.stop = %.17g\n", min_llr);
    fclose(fp);
    asr_config cfg = asr_config_default();
    cfg.grammar_dir = FC_SOURCE_DIR "/grammars";
    cfg.user_conf = path;
    asr_t *shipped = fx->asr;
    assert_int_equal(asr_create(&cfg, &fx->asr, NULL), 0);
    /* PocketSphinx's phone loop keeps its last segment list past ps_free;
     * asr_destroy releases it, so LeakSanitizer (ASan build) checks this. */
    int heard = hear(fx, h);
    asr_destroy(fx->asr);
    fx->asr = shipped;
    unlink(path);
    return heard;
}

static void test_phone_loop_verifier(void **state)
{
    fixture *fx = *state;
    asr_heard h = {0};
    assert_int_equal(phone_loop_heard(fx, -1000, &h), 1);
    assert_int_equal(h.word, FC_CMD_STOP);
    assert_true(h.score != 0.0 && h.score > -1000);
    double llr = h.score;
    assert_int_equal(phone_loop_heard(fx, llr + 0.001, &h), 0);
    assert_int_equal(phone_loop_heard(fx, llr, &h), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_without_verifier_heard_with_score_zero, new_asr,
                                        free_asr),
        cmocka_unit_test_setup_teardown(test_rejecting_verifier_silences_the_word, new_asr,
                                        free_asr),
        cmocka_unit_test_setup_teardown(test_confirming_verifier_sets_the_score, new_asr,
                                        free_asr),
        cmocka_unit_test_setup_teardown(test_unsure_stop_is_reported_as_unsure, new_asr,
                                        free_asr),
        cmocka_unit_test_setup_teardown(test_verifier_error_stops_the_recogniser, new_asr,
                                        free_asr),
        cmocka_unit_test(test_phone_loop_verifier),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
