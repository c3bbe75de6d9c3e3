/* kws_head: a small random head in head.bin's format (data/head_small.bin,
 * made with data/make_head_ref.py) gives the probabilities of a float64
 * numpy reference of train_head.py's model; a missing, truncated or corrupt
 * file is an error that names the file and says how to build it. The
 * trained grammars/kws/head.bin is not used. */
#include "fc_error.h"
#include "kws_embed.h"
#include "kws_head.h"
#include "support.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#define WHOLE SUPPORT_WHOLE   /* write_damaged: the whole file */
#define SHORT ((size_t)-2) /* test_bad_files: all but the last float */
#define REF_HINT "tests/recog/data/make_head_ref.py makes it"
#define DATA_DIR FC_SOURCE_DIR "/tests/recog/data"
#define REF_HEAD DATA_DIR "/head_small.bin"
#define REF_INPUT DATA_DIR "/head_input.raw"
#define REF_PROBS DATA_DIR "/head_ref.txt"
#define REF_CONTEXT 16 /* make_head_ref.py's head */
/* Largest difference allowed from the float64 reference: the C code
 * computes in double and rounds the probabilities to float. */
#define REF_TOLERANCE 1e-5
#define SUM_TOLERANCE 1e-6

static kws_head *load_ref(void)
{
    kws_head *h = NULL;
    fc_error err = { 0 };
    if (kws_head_create(REF_HEAD, &h, &err) != FC_OK)
        fail_msg("%s", fc_error_message(&err));
    return h;
}

static void test_matches_reference(void **state)
{
    (void)state;
    kws_head *h = load_ref();
    assert_int_equal(kws_head_context(h), REF_CONTEXT);
    size_t len;
    float *emb = support_read_file(REF_INPUT, REF_HINT, &len);
    assert_int_equal(len, REF_CONTEXT * KWS_EMBED_DIM * sizeof *emb);
    double ref[KWS_HEAD_CLASSES];
    FILE *f = fopen(REF_PROBS, "r");
    assert_non_null(f);
    for (int c = 0; c < KWS_HEAD_CLASSES; c++)
        assert_int_equal(fscanf(f, "%lf", &ref[c]), 1);
    fclose(f);
    float probs[KWS_HEAD_CLASSES];
    assert_int_equal(kws_head_run(h, emb, probs), FC_OK);
    double worst = 0.0, sum = 0.0;
    for (int c = 0; c < KWS_HEAD_CLASSES; c++) {
        double d = fabs(probs[c] - ref[c]);
        worst = d > worst ? d : worst;
        sum += probs[c];
    }
    print_message("max |diff| vs %s = %.3g, sum of probabilities - 1 = %.3g\n", REF_PROBS, worst,
                  sum - 1.0);
    assert_true(worst <= REF_TOLERANCE);
    assert_true(fabs(sum - 1.0) <= SUM_TOLERANCE);
    float again[KWS_HEAD_CLASSES];
    assert_int_equal(kws_head_run(h, emb, again), FC_OK); /* no state between calls */
    assert_memory_equal(probs, again, sizeof probs);
    free(emb);
    kws_head_destroy(h);
}

static void test_api_edges(void **state)
{
    (void)state;
    kws_head_destroy(NULL);
    fc_error err = { 0 };
    assert_int_equal(kws_head_create(REF_HEAD, NULL, &err), FC_ERR_ARG);
    kws_head *h = load_ref();
    float emb[REF_CONTEXT * KWS_EMBED_DIM] = { 0 }, probs[KWS_HEAD_CLASSES];
    assert_int_equal(kws_head_run(NULL, emb, probs), FC_ERR_ARG);
    assert_int_equal(kws_head_run(h, NULL, probs), FC_ERR_ARG);
    assert_int_equal(kws_head_run(h, emb, NULL), FC_ERR_ARG);
    /* All-equal embeddings: LayerNorm's variance is zero, eps keeps it finite. */
    assert_int_equal(kws_head_run(h, emb, probs), FC_OK);
    for (int c = 0; c < KWS_HEAD_CLASSES; c++)
        assert_true(isfinite(probs[c]) && probs[c] >= 0.0f);
    kws_head_destroy(h);
}

/* The reference head, damaged as support_write_damaged() says, into path. */
static void write_damaged(const char *path, size_t len, size_t at, const void *poke,
                          size_t poke_len)
{
    support_write_damaged(REF_HEAD, REF_HINT, path, len, at, poke, poke_len);
}

static void expect_error(const char *path, int code)
{
    kws_head *h = (kws_head *)&h; /* must come back NULL */
    fc_error err = { 0 };
    assert_int_equal(kws_head_create(path, &h, &err), code);
    assert_null(h);
    print_message("%s\n", fc_error_message(&err));
    assert_non_null(strstr(fc_error_message(&err), path));
    assert_non_null(strstr(fc_error_message(&err), "rebuild it with 'make train' (training/README.md)"));
}

/* Offsets in the file (format in training/train_head.py). */
#define AT_MAGIC 0
#define AT_VERSION 8
#define AT_EMB_DIM 16
#define AT_HIDDEN 32 /* dims[1] */
#define AT_EPS 44
#define AT_GAMMA 48 /* the header's end */
#define AT_W1 (AT_GAMMA + 2 * KWS_EMBED_DIM * (int)sizeof(float))

static void test_bad_files(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof path, "/tmp/fc_kws_head_%d.bin", (int)getpid());
    unlink(path);
    expect_error(path, FC_ERR_MODEL); /* missing */
    size_t size;
    free(support_read_file(REF_HEAD, REF_HINT, &size));
    static const uint32_t nine = 9, zero = 0, emb_dim = KWS_EMBED_DIM + 1;
    static const float not_finite = NAN, negative = -1.0f, junk = 0.0f;
    static const struct {
        size_t len, at;
        const void *poke;
        size_t poke_len;
    } bad[] = {
        { 10, 0, NULL, 0 },                             /* truncated in the header */
        { SHORT, 0, NULL, 0 },                          /* truncated in the last bias */
        { WHOLE, AT_MAGIC, "X", 1 },                    /* no magic */
        { WHOLE, AT_VERSION, &nine, sizeof nine },      /* unknown version */
        { WHOLE, AT_EMB_DIM, &emb_dim, sizeof emb_dim }, /* embedding size */
        { WHOLE, AT_HIDDEN, &zero, sizeof zero },       /* no hidden unit */
        { WHOLE, AT_EPS, &negative, sizeof negative },  /* epsilon */
        { WHOLE, AT_GAMMA, &not_finite, sizeof not_finite },
        { WHOLE, AT_W1, &not_finite, sizeof not_finite },
        { WHOLE, WHOLE, &junk, sizeof junk },           /* trailing bytes */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t len = bad[i].len == SHORT ? size - sizeof(float) : bad[i].len;
        size_t at = bad[i].at == WHOLE ? size : bad[i].at;
        write_damaged(path, len, at, bad[i].poke, bad[i].poke_len);
        expect_error(path, FC_ERR_FORMAT);
    }
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matches_reference),
        cmocka_unit_test(test_api_edges),
        cmocka_unit_test(test_bad_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
