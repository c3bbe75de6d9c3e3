/* kws: the streaming detector gives the same scores however the audio is
 * cut into calls, decides every 80 ms from the stream's start, and refuses missing or damaged models by name. Uses the
 * installed front end and the trained grammars/kws/head.bin. */
#include "fc_clock.h"
#include "fc_error.h"
#include "kws.h"
#include "support.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#define KWS_DIR FC_SOURCE_DIR "/grammars/kws"
#define HINT "run 'make deps' (front end) and 'make train' (head)"
#define STREAM (3 * FC_RATE)
#define WORD_AT (FC_RATE * 22 / 10)
#define ORIGIN 1000 /* session sample of the stream's first */
#define MAX_SCORES (STREAM / KWS_STEP_SAMPLES + 1)

static kws_t *open_kws(void)
{
    kws_config cfg = kws_config_default();
    cfg.dir = KWS_DIR;
    kws_t *k = NULL;
    fc_error err = { 0 };
    if (kws_create(&cfg, &k, &err) != FC_OK)
        fail_msg("%s", fc_error_message(&err));
    return k;
}

/* "stop" in the test user's voice at WORD_AT, over a faint deterministic
 * hiss, so every frame has something to say. */
static int16_t *stream(void)
{
    size_t n;
    int16_t *word = support_say("stop", 150, &n);
    int16_t *x = calloc(STREAM, sizeof *x);
    assert_non_null(x);
    uint32_t seed = 1;
    for (size_t i = 0; i < STREAM; i++) {
        seed = seed * 1664525u + 1013904223u;
        x[i] = (int16_t)((int32_t)(seed >> 24) - 128);
    }
    for (size_t i = 0; i < n && WORD_AT + i < STREAM; i++)
        x[WORD_AT + i] = (int16_t)(x[WORD_AT + i] + word[i] / 2);
    free(word);
    return x;
}

/* Pushes x in calls of `chunk` samples; returns the scores written. */
static int push_all(kws_t *k, const int16_t *x, size_t chunk, kws_score *s)
{
    int got = 0;
    for (size_t off = 0; off < STREAM; off += chunk) {
        size_t m = STREAM - off < chunk ? STREAM - off : chunk;
        int rc = kws_push(k, ORIGIN + (int64_t)off, x + off, m, s + got,
                          (size_t)(MAX_SCORES - got));
        assert_true(rc >= 0);
        got += rc;
    }
    return got;
}

static void test_chunking(void **state)
{
    (void)state;
    int16_t *x = stream();
    kws_t *k = open_kws();
    static kws_score ref[MAX_SCORES], s[MAX_SCORES];
    int n = push_all(k, x, STREAM, ref);
    static const size_t chunks[] = { 1, 7, FC_FRAME, 1000, KWS_STEP_SAMPLES + 3 };
    for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
        kws_reset(k);
        memset(s, 0, sizeof s);
        assert_int_equal(push_all(k, x, chunks[c], s), n);
        assert_memory_equal(s, ref, (size_t)n * sizeof *s);
    }
    kws_destroy(k);
    free(x);
}

static void test_timing(void **state)
{
    (void)state;
    int16_t *x = stream();
    kws_t *k = open_kws();
    static kws_score s[MAX_SCORES];
    int n = push_all(k, x, FC_FRAME, s);
    /* A stream follows silence: the first decision is one step in. */
    int64_t first = ORIGIN + KWS_STEP_SAMPLES;
    assert_int_equal(n, STREAM / KWS_STEP_SAMPLES);
    for (int i = 0; i < n; i++) {
        assert_int_equal(s[i].t, first + (int64_t)i * KWS_STEP_SAMPLES);
        double sum = 0;
        for (int c = 0; c < KWS_HEAD_CLASSES; c++)
            sum += s[i].p[c];
        assert_float_equal(sum, 1.0, 1e-5);
    }
    /* Too little room for what n samples can complete: nothing consumed. */
    assert_int_equal(kws_push(k, ORIGIN + STREAM, x, KWS_STEP_SAMPLES * 2, s, 1), FC_ERR_ARG);
    kws_destroy(k);
    free(x);
}

static void expect_refusal(const char *dir, int code, const char *names)
{
    kws_config cfg = kws_config_default();
    cfg.dir = dir;
    kws_t *k = (kws_t *)1;
    fc_error err = { 0 };
    assert_int_equal(kws_create(&cfg, &k, &err), code);
    assert_null(k);
    const char *msg = fc_error_message(&err);
    if (strstr(msg, names) == NULL || strstr(msg, "make ") == NULL)
        fail_msg("the error does not name %s and the command: %s", names, msg);
}

static void test_missing_and_damaged(void **state)
{
    (void)state;
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/fc_kws_%d", (int)getpid());
    assert_int_equal(mkdir(dir, 0700), 0);
    char fe[128], head[128];
    snprintf(fe, sizeof fe, "%s/%s", dir, KWS_FRONTEND_FILE);
    snprintf(head, sizeof head, "%s/%s", dir, KWS_HEAD_FILE);
    expect_refusal(dir, FC_ERR_MODEL, fe);
    /* The front end, but no head. */
    support_write_damaged(KWS_DIR "/" KWS_FRONTEND_FILE, HINT, fe, SUPPORT_WHOLE, 0, NULL, 0);
    expect_refusal(dir, FC_ERR_MODEL, head);
    /* A head cut short. */
    support_write_damaged(KWS_DIR "/" KWS_HEAD_FILE, HINT, head, 1000, 0, NULL, 0);
    expect_refusal(dir, FC_ERR_FORMAT, head);
    /* A front end with a flipped magic. */
    support_write_damaged(KWS_DIR "/" KWS_HEAD_FILE, HINT, head, SUPPORT_WHOLE, 0, NULL, 0);
    support_write_damaged(KWS_DIR "/" KWS_FRONTEND_FILE, HINT, fe, SUPPORT_WHOLE, 0, "X", 1);
    expect_refusal(dir, FC_ERR_FORMAT, fe);
    unlink(fe);
    unlink(head);
    rmdir(dir);
    kws_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chunking),
        cmocka_unit_test(test_timing),
        cmocka_unit_test(test_missing_and_damaged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
