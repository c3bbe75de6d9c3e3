/* runner: the one exchange loop. It asks for what is due before each block,
 * numbers what was captured on the session clock, stops when told, and
 * plays a clip in whole blocks. */
#include "audio.h"
#include "fc_clock.h"
#include "fc_error.h"
#include "mixer.h"
#include "runner.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sndfile.h>
#include <cmocka.h>

typedef struct {
    mixer_t *mixer;
    int16_t tone[FC_FRAME * 3];
    int scheduled, blocks;
    int64_t last_at, mic_total;
    int fail_at; /* block on which schedule fails; -1: never */
} loop;

static int schedule(void *ctx, const runner_clock *clock, fc_error *err)
{
    loop *l = ctx;
    assert_int_equal(clock->now, (int64_t)l->scheduled * FC_FRAME);
    if (l->scheduled == l->fail_at)
        return fc_fail(err, FC_ERR_IO, "cannot write the event log");
    /* A clip due in the block is put on the mixer before it renders. */
    if (clock->now == 2 * FC_FRAME)
        assert_int_equal(mixer_add(l->mixer, clock->now + 7, l->tone, FC_FRAME * 3, false), 0);
    l->scheduled++;
    return FC_OK;
}

static int captured(void *ctx, int64_t at, const int16_t *mic, size_t n, fc_error *err)
{
    (void)mic;
    (void)err;
    loop *l = ctx;
    assert_int_equal(at, l->mic_total);
    l->mic_total += (int64_t)n;
    l->blocks++;
    return FC_OK;
}

static bool ten_blocks(void *ctx, const runner_clock *clock)
{
    (void)ctx;
    return clock->now >= 10 * FC_FRAME;
}

static int16_t *read_wav(const char *path, size_t *n)
{
    SF_INFO info;
    memset(&info, 0, sizeof info);
    SNDFILE *sf = sf_open(path, SFM_READ, &info);
    assert_non_null(sf);
    int16_t *pcm = calloc((size_t)info.frames + 1, sizeof *pcm);
    *n = (size_t)sf_read_short(sf, pcm, info.frames);
    sf_close(sf);
    return pcm;
}

static void run_loop(const char *wav, loop *l, runner_clock *clock, int expect)
{
    audio_config cfg = audio_config_default();
    cfg.out = audio_file(wav);
    audio_t *a = NULL;
    assert_int_equal(audio_open(&cfg, &a, NULL), FC_OK);
    assert_int_equal(mixer_create(&l->mixer), 0);
    for (int i = 0; i < FC_FRAME * 3; i++)
        l->tone[i] = 1000;
    runner_config rc = {a, l->mixer, NULL, {schedule, captured, ten_blocks, l}};
    fc_error err = {0};
    assert_int_equal(runner_run(&rc, clock, &err), expect);
    if (expect < 0)
        assert_string_equal(err.detail, "cannot write the event log");
    mixer_destroy(l->mixer);
    audio_close(a);
}

static void test_blocks_on_the_clock(void **state)
{
    (void)state;
    char wav[64];
    snprintf(wav, sizeof wav, "/tmp/fc_runner_%d.wav", (int)getpid());
    loop l = {.fail_at = -1};
    runner_clock clock = {0, 0};
    run_loop(wav, &l, &clock, FC_OK);
    assert_int_equal(l.scheduled, 10);
    assert_int_equal(l.blocks, 10);
    assert_int_equal(clock.now, 10 * FC_FRAME);
    assert_int_equal(clock.mic_at, 10 * FC_FRAME); /* a lock-step microphone */
    size_t n;
    int16_t *pcm = read_wav(wav, &n);
    assert_int_equal(n, 10 * FC_FRAME);
    for (size_t i = 0; i < n; i++) /* on its exact sample */
        assert_int_equal(pcm[i], i >= 2 * FC_FRAME + 7 && i < 5 * FC_FRAME + 7 ? 1000 : 0);
    free(pcm);
    unlink(wav);
}

static void test_failure_stops_and_says_where(void **state)
{
    (void)state;
    char wav[64];
    snprintf(wav, sizeof wav, "/tmp/fc_runner_f_%d.wav", (int)getpid());
    loop l = {.fail_at = 4};
    runner_clock clock = {0, 0};
    run_loop(wav, &l, &clock, FC_ERR_IO);
    assert_int_equal(clock.now, 4 * FC_FRAME);
    assert_int_equal(l.blocks, 4);
    unlink(wav);
}

static void test_play_whole_blocks(void **state)
{
    (void)state;
    char wav[64];
    snprintf(wav, sizeof wav, "/tmp/fc_runner_p_%d.wav", (int)getpid());
    audio_config cfg = audio_config_default();
    cfg.out = audio_file(wav);
    audio_t *a = NULL;
    assert_int_equal(audio_open(&cfg, &a, NULL), FC_OK);
    int16_t clip[FC_FRAME * 2 + 5];
    for (size_t i = 0; i < sizeof clip / sizeof clip[0]; i++)
        clip[i] = (int16_t)(i + 1);
    assert_int_equal(runner_play(a, clip, sizeof clip / sizeof clip[0], NULL), FC_OK);
    audio_close(a);
    size_t n;
    int16_t *pcm = read_wav(wav, &n);
    assert_int_equal(n, 3 * FC_FRAME);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(pcm[i], i < sizeof clip / sizeof clip[0] ? (int)i + 1 : 0);
    free(pcm);
    unlink(wav);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blocks_on_the_clock),
        cmocka_unit_test(test_failure_stops_and_says_where),
        cmocka_unit_test(test_play_whole_blocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
