/* audio: the backend table through the public interface, on files: what is
 * played is what the file holds, a file microphone is read in lock-step, a
 * filter changes only a lock-step microphone, and every failure names the
 * file. (The device backend is tested on a PulseAudio null sink by
 * tests/app/test_portaudio.sh.) */
#include "audio.h"
#include "fc_error.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sndfile.h>

#define BLOCKS 25

typedef struct {
    char dir[32];
    char wav[64];
} files;

static int make_dir(void **state)
{
    files *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/fc_audio_XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->wav, sizeof f->wav, "%s/a.wav", f->dir);
    *state = f;
    return 0;
}

static int remove_dir(void **state)
{
    files *f = *state;
    unlink(f->wav);
    rmdir(f->dir);
    free(f);
    return 0;
}

/* Plays a ramp into f->wav, one block at a time, with a silent microphone. */
static void play_ramp(const char *wav)
{
    audio_config cfg = audio_config_default();
    cfg.out = audio_file(wav);
    audio_t *a = NULL;
    assert_int_equal(audio_open(&cfg, &a, NULL), FC_OK);
    assert_false(audio_is_realtime(a));
    assert_false(audio_has_echo(a));
    int16_t out[FC_FRAME], in[FC_FRAME];
    for (int b = 0; b < BLOCKS; b++) {
        for (int i = 0; i < FC_FRAME; i++)
            out[i] = (int16_t)(b * FC_FRAME + i);
        size_t got = 99;
        assert_int_equal(audio_exchange(a, out, FC_FRAME, in, FC_FRAME, &got, NULL), FC_OK);
        assert_int_equal(got, FC_FRAME); /* lock-step silence */
        for (int i = 0; i < FC_FRAME; i++)
            assert_int_equal(in[i], 0);
    }
    audio_close(a);
}

static void test_file_out_then_in(void **state)
{
    files *f = *state;
    play_ramp(f->wav);
    audio_config cfg = audio_config_default();
    cfg.in = audio_file(f->wav);
    audio_t *a = NULL;
    assert_int_equal(audio_open(&cfg, &a, NULL), FC_OK);
    int16_t silence[FC_FRAME] = {0}, in[FC_FRAME];
    for (int b = 0; b < BLOCKS; b++) {
        size_t got = 0;
        assert_false(audio_input_ended(a));
        assert_int_equal(audio_exchange(a, silence, FC_FRAME, in, FC_FRAME, &got, NULL), FC_OK);
        assert_int_equal(got, FC_FRAME);
        for (int i = 0; i < FC_FRAME; i++)
            assert_int_equal(in[i], b * FC_FRAME + i);
    }
    /* Past its end the microphone is silence. */
    size_t got = 0;
    assert_int_equal(audio_exchange(a, silence, FC_FRAME, in, FC_FRAME, &got, NULL), FC_OK);
    assert_int_equal(in[0], 0);
    assert_true(audio_input_ended(a));
    audio_close(a);
    audio_close(NULL);
}

static void add_played(void *ctx, const int16_t *played, int16_t *mic, size_t n)
{
    int *calls = ctx;
    ++*calls;
    for (size_t i = 0; i < n; i++)
        mic[i] = (int16_t)(mic[i] + played[i]);
}

static void test_filter_hears_what_is_played(void **state)
{
    (void)state;
    int calls = 0;
    audio_config cfg = audio_config_default();
    cfg.filter = (audio_mic_filter){add_played, &calls, true};
    audio_t *a = NULL;
    assert_int_equal(audio_open(&cfg, &a, NULL), FC_OK);
    assert_true(audio_has_echo(a));
    int16_t out[FC_FRAME], in[FC_FRAME];
    for (int i = 0; i < FC_FRAME; i++)
        out[i] = (int16_t)(i * 3);
    size_t got = 0;
    assert_int_equal(audio_exchange(a, out, FC_FRAME, in, FC_FRAME, &got, NULL), FC_OK);
    assert_int_equal(calls, 1);
    assert_memory_equal(in, out, sizeof out);
    /* The capture buffer must hold a whole block. */
    fc_error err = {0};
    assert_int_equal(audio_exchange(a, out, FC_FRAME, in, FC_FRAME / 2, &got, &err), FC_ERR_ARG);
    audio_close(a);
}

static void test_errors_name_the_file(void **state)
{
    files *f = *state;
    fc_error err = {0};
    audio_t *a = NULL;
    audio_config cfg = audio_config_default();
    cfg.in = audio_file("/nonexistent/mic.wav");
    cfg.out = audio_file(f->wav);
    assert_int_equal(audio_open(&cfg, &a, &err), FC_ERR_IO);
    assert_null(a);
    assert_non_null(strstr(err.detail, "/nonexistent/mic.wav"));
    /* The microphone is checked first: the output file was not created. */
    assert_int_equal(access(f->wav, F_OK), -1);

    cfg = audio_config_default();
    cfg.out = audio_file("/nonexistent/dir/out.wav");
    assert_int_equal(audio_open(&cfg, &a, &err), FC_ERR_IO);
    assert_non_null(strstr(err.detail, "/nonexistent/dir/out.wav"));
    assert_non_null(strstr(err.detail, "writable"));
}

static void test_file_load_pads_to_blocks(void **state)
{
    files *f = *state;
    play_ramp(f->wav);
    int16_t *pcm = NULL;
    size_t n = 0;
    assert_int_equal(audio_file_load(f->wav, 1600, &pcm, &n, NULL), FC_OK);
    assert_int_equal(n % 1600, 0);
    assert_true(n >= BLOCKS * FC_FRAME);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(pcm[i], i < BLOCKS * FC_FRAME ? (int)i : 0);
    free(pcm);
    fc_error err = {0};
    assert_int_equal(audio_file_load("/nonexistent.wav", 1600, &pcm, &n, &err), FC_ERR_IO);
    assert_null(pcm);
    assert_non_null(strstr(err.detail, "/nonexistent.wav"));
}

/* A float WAV (what many editors write) is read at its level, not as
 * silence: libsndfile must be told to scale floats to shorts. */
static void test_float_wav_is_heard(void **state)
{
    files *f = *state;
    enum { FRAMES = FC_FRAME * 4 };
    SF_INFO info = {.samplerate = FC_RATE, .channels = 1,
                    .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT};
    SNDFILE *sf = sf_open(f->wav, SFM_WRITE, &info);
    assert_non_null(sf);
    static float x[FRAMES];
    for (int i = 0; i < FRAMES; i++)
        x[i] = i % 2 ? 0.25f : -0.25f;
    assert_int_equal(sf_writef_float(sf, x, FRAMES), FRAMES);
    sf_close(sf);
    int16_t *pcm = NULL;
    size_t n = 0;
    assert_int_equal(audio_file_load(f->wav, 1, &pcm, &n, NULL), FC_OK);
    assert_int_equal(n, FRAMES);
    assert_int_equal(abs(pcm[FRAMES / 2]), 32768 / 4);
    free(pcm);
}

/* The streaming reader gives the file, then says it has ended; after a
 * rewind it gives the same samples again. */
static void test_reader_reads_and_rewinds(void **state)
{
    files *f = *state;
    play_ramp(f->wav);
    audio_reader_t *r = NULL;
    static int16_t got[BLOCKS * FC_FRAME + 100];
    for (int round = 0; round < 2; round++) {
        if (round == 0)
            assert_int_equal(audio_reader_open(f->wav, 0, &r, NULL), FC_OK);
        else
            assert_int_equal(audio_reader_rewind(r, NULL), FC_OK);
        assert_int_equal(audio_reader_read(r, got, 100), 100);
        size_t rest = BLOCKS * FC_FRAME - 100;
        assert_int_equal(audio_reader_read(r, got + 100, rest + 100), rest);
        for (size_t i = 0; i < BLOCKS * FC_FRAME + 100; i++)
            assert_int_equal(got[i], i < BLOCKS * FC_FRAME ? (int)i : 0);
        assert_int_equal(audio_reader_read(r, got, 10), 0);
    }
    audio_reader_destroy(r);
    audio_reader_destroy(NULL);
    fc_error err = {0};
    assert_int_equal(audio_reader_open("/nonexistent.wav", 0, &r, &err), FC_ERR_IO);
    assert_null(r);
    assert_non_null(strstr(err.detail, "/nonexistent.wav"));
}

/* A lost microphone: from the fault on the capture is thrown away; after
 * AUDIO_INPUT_LOST_AFTER it is reported lost and gives silence in step with
 * the output; it cannot be reopened while the fault lasts, and once it can
 * the file's own samples come through again. */
static void test_lost_input_is_reported_and_recovered(void **state)
{
    files *f = *state;
    enum { LEN = 300, FAULT_AT = 50, FAULT_LEN = 100 };
    audio_config cfg = audio_config_default();
    cfg.out = audio_file(f->wav);
    audio_t *a = NULL;
    int16_t tone[FC_FRAME], in[FC_FRAME];
    for (int i = 0; i < FC_FRAME; i++)
        tone[i] = 1000;
    size_t got = 0;
    assert_int_equal(audio_open(&cfg, &a, NULL), FC_OK);
    for (int b = 0; b < LEN; b++)
        assert_int_equal(audio_exchange(a, tone, FC_FRAME, in, FC_FRAME, &got, NULL), FC_OK);
    audio_close(a);

    cfg = audio_config_default();
    cfg.in = audio_file(f->wav);
    cfg.lose_input = (audio_fault){FAULT_AT * FC_FRAME, FAULT_LEN * FC_FRAME};
    assert_int_equal(audio_open(&cfg, &a, NULL), FC_OK);
    int16_t silence[FC_FRAME] = {0};
    int lost_at = -1, back_at = -1;
    for (int b = 0; b < LEN; b++) {
        if (audio_input_lost(a) && lost_at < 0)
            lost_at = b;
        if (audio_input_lost(a)) {
            fc_error err = {0};
            int rc = audio_recover_input(a, &err);
            if (b < FAULT_AT + FAULT_LEN) {
                assert_int_equal(rc, FC_ERR_DEVICE);
                assert_non_null(strstr(fc_error_message(&err), "microphone"));
            } else {
                assert_int_equal(rc, FC_OK);
                back_at = b;
            }
        }
        assert_int_equal(audio_exchange(a, silence, FC_FRAME, in, FC_FRAME, &got, NULL), FC_OK);
        assert_int_equal(got, FC_FRAME);
        bool heard = b < FAULT_AT || (back_at >= 0 && b >= back_at);
        assert_int_equal(in[FC_FRAME / 2], heard ? 1000 : 0);
    }
    assert_int_equal(lost_at, FAULT_AT + AUDIO_INPUT_LOST_AFTER / FC_FRAME);
    assert_int_equal(back_at, FAULT_AT + FAULT_LEN);
    assert_false(audio_input_lost(a));
    audio_close(a);
}

static void hear_the_speaker(void *ctx, const int16_t *played, int16_t *mic, size_t n)
{
    (void)ctx;
    memcpy(mic, played, n * sizeof *mic);
}

/* The speaker_gap fault, what a late engine does to a device: the room
 * hears the output late by the gap from the fault's block on, silence
 * first, and audio_take_output_gap() reports it once, at that block. */
static void test_speaker_gap_delays_what_the_room_hears(void **state)
{
    (void)state;
    enum { LEN = 40, GAP_AT = 10, GAP = FC_FRAME * 3 + 7 };
    audio_config cfg = audio_config_default();
    cfg.filter = (audio_mic_filter){hear_the_speaker, NULL, true};
    cfg.speaker_gap = (audio_fault){GAP_AT * FC_FRAME, GAP};
    audio_t *a = NULL;
    assert_int_equal(audio_open(&cfg, &a, NULL), FC_OK);
    int16_t out[FC_FRAME], in[FC_FRAME];
    size_t got = 0;
    for (int b = 0; b < LEN; b++) {
        for (int i = 0; i < FC_FRAME; i++)
            out[i] = (int16_t)(b * FC_FRAME + i); /* its own session sample */
        assert_int_equal(audio_exchange(a, out, FC_FRAME, in, FC_FRAME, &got, NULL), FC_OK);
        assert_int_equal(audio_take_output_gap(a), b == GAP_AT ? GAP : 0);
        for (int i = 0; i < FC_FRAME; i++) {
            int at = b * FC_FRAME + i, heard = b < GAP_AT ? at : at - GAP;
            assert_int_equal(in[i], heard < GAP_AT * FC_FRAME && b >= GAP_AT ? 0 : heard);
        }
    }
    audio_close(a);
}

/* A 4-channel recording (a mic-array HAT's) with channel c at (c+1)*1000:
 * each channel can be chosen alone, by default they are mixed, and a
 * channel the file does not have is refused, naming the file. */
static void test_channels_are_mixed_or_chosen(void **state)
{
    files *f = *state;
    enum { CHANNELS = 4, FRAMES = FC_FRAME * 4 };
    SF_INFO info = {.samplerate = FC_RATE, .channels = CHANNELS,
                    .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
    SNDFILE *sf = sf_open(f->wav, SFM_WRITE, &info);
    assert_non_null(sf);
    static int16_t frames[FRAMES * CHANNELS];
    for (int i = 0; i < FRAMES; i++)
        for (int c = 0; c < CHANNELS; c++)
            frames[i * CHANNELS + c] = (int16_t)((c + 1) * 1000);
    assert_int_equal(sf_writef_short(sf, frames, FRAMES), FRAMES);
    sf_close(sf);
    /* channel 0 mixes: the mean of 1000..4000 */
    int expect[] = {2500, 1000, 2000, 3000, 4000};
    for (int ch = 0; ch <= CHANNELS; ch++) {
        audio_config cfg = audio_config_default();
        cfg.in = audio_file(f->wav);
        cfg.in.channel = ch;
        audio_t *a = NULL;
        int16_t out[FC_FRAME] = {0}, in[FC_FRAME];
        size_t got = 0;
        assert_int_equal(audio_open(&cfg, &a, NULL), FC_OK);
        assert_int_equal(audio_exchange(a, out, FC_FRAME, in, FC_FRAME, &got, NULL), FC_OK);
        assert_int_equal(in[FC_FRAME / 2], expect[ch]);
        audio_close(a);
    }
    fc_error err = {0};
    audio_t *a = NULL;
    audio_config cfg = audio_config_default();
    cfg.in = audio_file(f->wav);
    cfg.in.channel = CHANNELS + 1;
    assert_int_equal(audio_open(&cfg, &a, &err), FC_ERR_ARG);
    assert_null(a);
    assert_non_null(strstr(err.detail, f->wav));
    assert_non_null(strstr(err.detail, "4 channels"));
    cfg.in.channel = AUDIO_CHANNELS_MAX + 1;
    assert_int_equal(audio_open(&cfg, &a, &err), FC_ERR_ARG);
    int ch = -1;
    assert_int_equal(audio_parse_channel("mix", &ch), FC_OK);
    assert_int_equal(ch, 0);
    assert_int_equal(audio_parse_channel("3", &ch), FC_OK);
    assert_int_equal(ch, 3);
    assert_int_equal(audio_parse_channel("0", &ch), FC_ERR_ARG);
    assert_int_equal(audio_parse_channel("9", &ch), FC_ERR_ARG);
    assert_int_equal(audio_parse_channel("2x", &ch), FC_ERR_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_file_out_then_in, make_dir, remove_dir),
        cmocka_unit_test(test_filter_hears_what_is_played),
        cmocka_unit_test_setup_teardown(test_errors_name_the_file, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_file_load_pads_to_blocks, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_channels_are_mixed_or_chosen, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_float_wav_is_heard, make_dir, remove_dir),
        cmocka_unit_test(test_speaker_gap_delays_what_the_room_hears),
        cmocka_unit_test_setup_teardown(test_reader_reads_and_rewinds, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_lost_input_is_reported_and_recovered, make_dir,
                                        remove_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
