/* kws_embed: the XNNPACK embedding matches a float64 numpy run of the ONNX
 * graph (data/make_emb_ref.py) on two windows; it gives the same answer
 * when run again, and after the front end is gone; its argument checks.
 * (A missing or misshapen tensor cannot reach it: kws_frontend_create
 * refuses such a file, see test_kws_frontend.c.) */
#include "fc_error.h"
#include "kws_embed.h"
#include "kws_frontend.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define DATA_DIR FC_SOURCE_DIR "/tests/recog/data"
#define MEL_FRAMES_FILE DATA_DIR "/mel_ref.txt" /* window A, repeated to 76 frames */
#define WINDOW_B_FILE DATA_DIR "/emb_input.raw"
#define REF_FILE DATA_DIR "/emb_ref.txt"
#define N_WINDOWS 2
#define WINDOW_VALUES (KWS_EMBED_FRAMES * KWS_MEL_BINS)
/* Largest difference allowed from the float64 reference, in the
 * embedding's units (its values reach +-60): float32 through 20 layers. */
#define REF_TOLERANCE 1e-4
/* mel_ref.txt has this many frames (0.6 s of audio). */
#define MEL_REF_FRAMES 57

/* Fails the test, saying how to install it, when the set-up has not run. */
static kws_frontend *load_default(void)
{
    kws_frontend *fe = NULL;
    fc_error err = { 0 };
    if (kws_frontend_create(NULL, &fe, &err) != FC_OK)
        fail_msg("%s", fc_error_message(&err)); /* it says to run make deps */
    return fe;
}

static kws_embed *make_embed(const kws_frontend *fe)
{
    kws_embed *e = NULL;
    fc_error err = { 0 };
    if (kws_embed_create(fe, &e, &err) != FC_OK)
        fail_msg("%s", fc_error_message(&err));
    return e;
}

/* The two windows of the reference, one after the other. */
static void read_windows(float *w)
{
    FILE *f = fopen(MEL_FRAMES_FILE, "r");
    assert_non_null(f);
    float mel[MEL_REF_FRAMES * KWS_MEL_BINS];
    for (size_t i = 0; i < MEL_REF_FRAMES * KWS_MEL_BINS; i++)
        assert_int_equal(fscanf(f, "%f", &mel[i]), 1);
    fclose(f);
    for (size_t t = 0; t < KWS_EMBED_FRAMES; t++)
        memcpy(w + t * KWS_MEL_BINS, mel + (t % MEL_REF_FRAMES) * KWS_MEL_BINS,
               KWS_MEL_BINS * sizeof *w);
    f = fopen(WINDOW_B_FILE, "rb");
    assert_non_null(f);
    assert_int_equal(fread(w + WINDOW_VALUES, sizeof *w, WINDOW_VALUES, f), WINDOW_VALUES);
    fclose(f);
}

static void read_refs(double *ref)
{
    FILE *f = fopen(REF_FILE, "r");
    assert_non_null(f);
    for (size_t i = 0; i < N_WINDOWS * KWS_EMBED_DIM; i++)
        assert_int_equal(fscanf(f, "%lf", &ref[i]), 1);
    double extra;
    assert_int_equal(fscanf(f, "%lf", &extra), EOF);
    fclose(f);
}

static double worst_difference(const float *out, const double *ref)
{
    double worst = 0.0;
    for (size_t i = 0; i < KWS_EMBED_DIM; i++) {
        double d = fabs(ref[i] - out[i]);
        worst = d > worst || isnan(d) ? d : worst;
    }
    return worst;
}

static void test_matches_reference(void **state)
{
    (void)state;
    kws_frontend *fe = load_default();
    kws_embed *e = make_embed(fe);
    kws_frontend_destroy(fe); /* the embedding keeps its own weights */
    static float windows[N_WINDOWS * WINDOW_VALUES];
    double ref[N_WINDOWS * KWS_EMBED_DIM];
    read_windows(windows);
    read_refs(ref);
    float out[KWS_EMBED_DIM], again[KWS_EMBED_DIM];
    for (int k = 0; k < N_WINDOWS; k++) {
        assert_int_equal(kws_embed_run(e, windows + k * WINDOW_VALUES, out), FC_OK);
        double worst = worst_difference(out, ref + k * KWS_EMBED_DIM);
        print_message("window %c: largest difference from the reference %.3g\n", 'A' + k, worst);
        assert_true(worst <= REF_TOLERANCE);
    }
    /* Same input, same output, whatever ran in between. */
    assert_int_equal(kws_embed_run(e, windows, again), FC_OK);
    assert_int_equal(kws_embed_run(e, windows + WINDOW_VALUES, again), FC_OK);
    assert_memory_equal(out, again, sizeof out);
    kws_embed_destroy(e);
}

static void test_api_edges(void **state)
{
    (void)state;
    kws_embed_destroy(NULL);
    kws_embed *e = (kws_embed *)&e; /* must be reset to NULL on failure */
    fc_error err = { 0 };
    assert_int_equal(kws_embed_create(NULL, &e, &err), FC_ERR_ARG);
    assert_null(e);
    kws_frontend *fe = load_default();
    assert_int_equal(kws_embed_create(fe, NULL, &err), FC_ERR_ARG);
    /* Two handles at once (XNNPACK is initialised once per handle). */
    kws_embed *a = make_embed(fe), *b = make_embed(fe);
    kws_embed_destroy(a);
    kws_embed_destroy(b);
    kws_frontend_destroy(fe);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matches_reference),
        cmocka_unit_test(test_api_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
