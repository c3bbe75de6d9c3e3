/* kws_frontend: the converted front end loads from where `make deps` put
 * it; its frames match a float64 numpy reference made from the ONNX
 * initializers (data/make_mel_ref.py); they do not depend on how the audio
 * is cut into calls; a missing, truncated or corrupt file is an error that
 * names the file and the command that installs it. */
#include "fc_clock.h"
#include "fc_error.h"
#include "kws_frontend.h"
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

#define DATA_DIR FC_SOURCE_DIR "/tests/recog/data"
#define REF_INPUT DATA_DIR "/mel_input.raw"
#define REF_FRAMES DATA_DIR "/mel_ref.txt"
/* Largest difference allowed from the float64 reference, in output units
 * (dB / 10): the C code multiplies float32 weights in double. */
#define REF_TOLERANCE 1e-4
/* Digital silence between two copies of the input, so that the clamp is
 * active in the chunking test. */
#define SILENCE_SAMPLES (FC_RATE * 3 / 2)

/* Fails the test, saying how to install it, when the set-up has not run. */
static kws_frontend *load_default(void)
{
    kws_frontend *fe = NULL;
    fc_error err = { 0 };
    int rc = kws_frontend_create(NULL, &fe, &err);
    if (rc != FC_OK)
        fail_msg("%s", fc_error_message(&err)); /* it says to run make deps */
    return fe;
}

static int16_t *read_input(size_t *n)
{
    FILE *f = fopen(REF_INPUT, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long bytes = ftell(f);
    fseek(f, 0, SEEK_SET);
    assert_true(bytes > 0);
    int16_t *pcm = malloc((size_t)bytes);
    assert_non_null(pcm);
    *n = (size_t)bytes / sizeof *pcm;
    assert_int_equal(fread(pcm, sizeof *pcm, *n, f), *n);
    fclose(f);
    return pcm;
}

/* All frames of pcm, fed in pieces of the given sizes (cycled). */
static float *run(kws_frontend *fe, const int16_t *pcm, size_t n, const size_t *pieces,
                  int n_pieces, size_t *frames)
{
    float *out = malloc(KWS_FRAMES_FOR(n) * KWS_MEL_BINS * sizeof *out);
    assert_non_null(out);
    float *tmp = NULL;
    *frames = 0;
    kws_frontend_reset(fe);
    for (size_t at = 0, i = 0; at < n; i++) {
        size_t take = pieces[i % (size_t)n_pieces];
        take = take < n - at ? take : n - at;
        tmp = realloc(tmp, KWS_FRAMES_FOR(take) * KWS_MEL_BINS * sizeof *tmp);
        assert_non_null(tmp);
        int got = kws_frontend_push(fe, pcm + at, take, tmp, KWS_FRAMES_FOR(take));
        assert_true(got >= 0);
        memcpy(out + *frames * KWS_MEL_BINS, tmp, (size_t)got * KWS_MEL_BINS * sizeof *tmp);
        *frames += (size_t)got;
        at += take;
    }
    free(tmp);
    return out;
}

static void test_matches_reference(void **state)
{
    (void)state;
    kws_frontend *fe = load_default();
    size_t n, frames;
    int16_t *pcm = read_input(&n);
    size_t whole = n;
    float *out = run(fe, pcm, n, &whole, 1, &frames);
    assert_int_equal(frames, (n - KWS_WINDOW) / FC_FRAME + 1);
    FILE *f = fopen(REF_FRAMES, "r");
    assert_non_null(f);
    double worst = 0.0;
    for (size_t i = 0; i < frames * KWS_MEL_BINS; i++) {
        double ref;
        assert_int_equal(fscanf(f, "%lf", &ref), 1);
        double d = fabs(ref - out[i]);
        worst = d > worst ? d : worst;
    }
    double extra;
    assert_int_equal(fscanf(f, "%lf", &extra), EOF); /* as many frames as the reference */
    fclose(f);
    print_message("%zu frames: largest difference from the reference %.3g\n", frames, worst);
    assert_true(worst <= REF_TOLERANCE);
    free(out);
    free(pcm);
    kws_frontend_destroy(fe);
}

static void test_chunking_invariant(void **state)
{
    (void)state;
    kws_frontend *fe = load_default();
    size_t n_in, n_ref, n_hop, n_odd;
    int16_t *in = read_input(&n_in);
    /* input, digital silence, input: the silence sits at the clamp. */
    size_t n = 2 * n_in + SILENCE_SAMPLES;
    int16_t *pcm = calloc(n, sizeof *pcm);
    assert_non_null(pcm);
    memcpy(pcm, in, n_in * sizeof *pcm);
    memcpy(pcm + n_in + SILENCE_SAMPLES, in, n_in * sizeof *pcm);
    size_t whole = n, hop = FC_FRAME;
    static const size_t odd[] = { 1, 37, 513, 160, 2, 1000, 319 };
    float *a = run(fe, pcm, n, &whole, 1, &n_ref);
    float *b = run(fe, pcm, n, &hop, 1, &n_hop);
    float *c = run(fe, pcm, n, odd, (int)(sizeof odd / sizeof odd[0]), &n_odd);
    assert_int_equal(n_ref, (n - KWS_WINDOW) / FC_FRAME + 1);
    assert_int_equal(n_hop, n_ref);
    assert_int_equal(n_odd, n_ref);
    assert_memory_equal(a, b, n_ref * KWS_MEL_BINS * sizeof *a);
    assert_memory_equal(a, c, n_ref * KWS_MEL_BINS * sizeof *a);
    /* The clamp acted as defined: the first silent frame is floored at the
     * loud frames' peak less KWS_CLAMP_DB (well above silence's own
     * 10*log10(1e-10) = -100 dB, -8 once scaled); KWS_CLAMP_FRAMES later
     * the loud frames have left the window and silence is -8. */
    size_t first_silent = (n_in + FC_FRAME - 1) / FC_FRAME;
    const float *clamped = a + first_silent * KWS_MEL_BINS;
    const float *free_run = a + (first_silent + KWS_CLAMP_FRAMES) * KWS_MEL_BINS;
    for (int m = 0; m < KWS_MEL_BINS; m++) {
        assert_true(clamped[m] == clamped[0] && clamped[0] > 0.0f);
        assert_true(free_run[m] == -8.0f);
    }
    free(a);
    free(b);
    free(c);
    free(pcm);
    free(in);
    kws_frontend_destroy(fe);
}

static void test_api_edges(void **state)
{
    (void)state;
    kws_frontend_destroy(NULL);
    kws_frontend *fe = load_default();
    int16_t pcm[2 * FC_FRAME] = { 0 };
    float out[KWS_MEL_BINS];
    /* 320 samples may complete two frames: room for one is refused. */
    assert_int_equal(kws_frontend_push(fe, pcm, 2 * FC_FRAME, out, 1), FC_ERR_ARG);
    int nd;
    uint32_t dims[KWS_TENSOR_MAX_DIMS];
    assert_non_null(kws_frontend_tensor(fe, "emb.conv00.weight", &nd, dims));
    assert_int_equal(nd, 4);
    assert_int_equal(dims[0], 24);
    assert_int_equal(dims[3], 3);
    assert_non_null(kws_frontend_tensor(fe, "emb.conv19.weight", NULL, NULL));
    assert_null(kws_frontend_tensor(fe, "emb.conv19.bias", NULL, NULL));
    kws_frontend_destroy(fe);
}

#define DEPS_HINT "run 'make deps'"

/* The real file, damaged as support_write_damaged() says, into path. */
static void write_damaged(const char *path, size_t len, size_t at, const void *poke,
                          size_t poke_len)
{
    char src[1024];
    snprintf(src, sizeof src, "%s/%s/%s", FC_SOURCE_DIR, KWS_FRONTEND_SUBDIR, KWS_FRONTEND_FILE);
    support_write_damaged(src, DEPS_HINT, path, len, at, poke, poke_len);
}

static void expect_error(const char *path, int code)
{
    kws_frontend *fe = (kws_frontend *)&fe; /* must come back NULL */
    fc_error err = { 0 };
    assert_int_equal(kws_frontend_create(path, &fe, &err), code);
    assert_null(fe);
    print_message("%s\n", fc_error_message(&err));
    assert_non_null(strstr(fc_error_message(&err), path));
    assert_non_null(strstr(fc_error_message(&err), "make deps"));
}

/* Offsets in the file (format in packaging/convert-kws-models.py). */
#define AT_MAGIC 0
#define AT_VERSION 8
#define AT_NAME_LEN 16 /* the first tensor's */
/* The first tensor's data: header 16, name length 4, "mel.stft_real"
 * padded to 16, rank 4, three dims 12. */
#define AT_FIRST_DATA 52
#define PART_SIZE 1000000 /* inside the first tensor's data */

static void test_bad_files(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof path, "/tmp/fc_kws_frontend_%d.bin", (int)getpid());
    unlink(path);
    expect_error(path, FC_ERR_MODEL);
    static const uint32_t nine = 9, huge_name = 255;
    static const float not_finite = INFINITY;
    write_damaged(path, 10, 0, NULL, 0);
    expect_error(path, FC_ERR_FORMAT); /* truncated in the header */
    write_damaged(path, PART_SIZE, 0, NULL, 0);
    expect_error(path, FC_ERR_FORMAT); /* truncated in the data */
    write_damaged(path, SUPPORT_WHOLE, AT_MAGIC, "X", 1);
    expect_error(path, FC_ERR_FORMAT); /* no magic */
    write_damaged(path, SUPPORT_WHOLE, AT_VERSION, &nine, sizeof nine);
    expect_error(path, FC_ERR_FORMAT); /* unknown version */
    write_damaged(path, SUPPORT_WHOLE, AT_NAME_LEN, &huge_name, sizeof huge_name);
    expect_error(path, FC_ERR_FORMAT); /* a name longer than allowed */
    write_damaged(path, SUPPORT_WHOLE, AT_FIRST_DATA, &not_finite, sizeof not_finite);
    expect_error(path, FC_ERR_FORMAT); /* a weight that is not finite */
    unlink(path);
}

static void test_trailing_bytes(void **state)
{
    (void)state;
    char path[64], src[1024];
    snprintf(path, sizeof path, "/tmp/fc_kws_frontend_t%d.bin", (int)getpid());
    snprintf(src, sizeof src, "%s/%s/%s", FC_SOURCE_DIR, KWS_FRONTEND_SUBDIR, KWS_FRONTEND_FILE);
    size_t size;
    free(support_read_file(src, DEPS_HINT, &size));
    static const uint32_t junk = 0;
    write_damaged(path, SUPPORT_WHOLE, size, &junk, sizeof junk);
    expect_error(path, FC_ERR_FORMAT);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matches_reference),
        cmocka_unit_test(test_chunking_invariant),
        cmocka_unit_test(test_api_edges),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_trailing_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
