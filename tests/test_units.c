/* Small modules: the SPSC ring across two threads, the mixer's timeline and
 * cuts, the event log's JSON, and the resampler's rate. */
#include "aec.h"
#include "echo_delay.h"
#include "eventlog.h"
#include "fc_error.h"
#include "listener.h"
#include "mixer.h"
#include "resampler.h"
#include "queue.h"
#include "room.h"
#include "status.h"

#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#define TOTAL 2000000

static void *producer(void *arg)
{
    queue_t *r = arg;
    int16_t buf[97];
    uint32_t next = 0;
    while (next < TOTAL) {
        size_t n = 0;
        while (n < 97 && next + n < TOTAL) {
            buf[n] = (int16_t)(next + n);
            n++;
        }
        size_t w = queue_write(r, buf, n);
        next += (uint32_t)w;
    }
    return NULL;
}

static void test_ring_two_threads_in_order(void **state)
{
    (void)state;
    queue_t *r = queue_create(sizeof(int16_t), 1000);
    assert_non_null(r);
    assert_int_equal(queue_capacity(r), 1024);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, producer, r), 0);
    uint32_t expect = 0;
    int16_t buf[61];
    while (expect < TOTAL) {
        size_t n = queue_read(r, buf, 61);
        for (size_t i = 0; i < n; i++, expect++)
            if (buf[i] != (int16_t)expect)
                fail_msg("sample %u: got %d", expect, buf[i]);
    }
    pthread_join(th, NULL);
    assert_int_equal(queue_readable(r), 0);
    assert_true(queue_total_read(r) == TOTAL && queue_total_written(r) == TOTAL);
    queue_destroy(r);
    queue_destroy(NULL);
}

static void test_ring_full_and_empty(void **state)
{
    (void)state;
    queue_t *r = queue_create(sizeof(int16_t), 8);
    int16_t in[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, out[10];
    assert_int_equal(queue_write(r, in, 10), 8);
    assert_int_equal(queue_writable(r), 0);
    assert_int_equal(queue_read(r, out, 10), 8);
    assert_memory_equal(in, out, 8 * sizeof *in);
    assert_int_equal(queue_read(r, out, 10), 0);
    queue_destroy(r);
}

static void test_mixer_places_and_cuts(void **state)
{
    (void)state;
    mixer_t *m = NULL;
    assert_int_equal(mixer_create(&m), FC_OK);
    int16_t clip[400];
    for (int i = 0; i < 400; i++)
        clip[i] = 1000;
    assert_int_equal(mixer_add(m, 250, clip, 400, false), FC_OK);
    assert_int_equal(mixer_add(m, 500, clip, 400, false), FC_OK); /* overlaps: sums */
    assert_true(mixer_end(m) == 900);
    int16_t out[1000];
    mixer_render(m, 0, out, 160);
    for (int i = 0; i < 160; i++)
        assert_int_equal(out[i], 0);
    mixer_render(m, 160, out, 160);
    for (int i = 0; i < 160; i++)
        assert_int_equal(out[i], 160 + i < 250 ? 0 : 1000); /* exact first sample */
    mixer_render(m, 320, out, 320);
    assert_int_equal(out[500 - 320 - 1], 1000);
    assert_int_equal(out[500 - 320], 2000);
    /* A cut at 700 fades within 5 ms and drops nothing before it. */
    mixer_cut(m, 700);
    mixer_render(m, 640, out, 160);
    assert_int_equal(out[59], 1000); /* only the second clip is still playing */
    assert_true(abs(out[60]) <= 1000);
    for (int i = 60 + 80; i < 160; i++)
        assert_int_equal(out[i], 0);
    assert_true(mixer_end(m) <= 700 + 80);
    /* A clip scheduled after the cut point is dropped entirely. */
    assert_int_equal(mixer_add(m, 2000, clip, 400, false), FC_OK);
    mixer_cut(m, 1900);
    assert_true(mixer_end(m) <= 1900);
    /* Owned clips are freed when played, cut or destroyed (ASan checks). */
    int16_t *owned = malloc(400 * sizeof *owned);
    memcpy(owned, clip, sizeof clip);
    assert_int_equal(mixer_add(m, 3000, owned, 400, true), FC_OK);
    mixer_render(m, 3000, out, 200);
    mixer_cut(m, 3200);
    mixer_render(m, 3200, out, 200);
    assert_true(mixer_end(m) == 0);
    owned = malloc(400 * sizeof *owned);
    assert_int_equal(mixer_add(m, 5000, owned, 400, true), FC_OK);
    mixer_destroy(m);
    mixer_destroy(NULL);
}

static void test_eventlog_is_json_lines(void **state)
{
    (void)state;
    char path[] = "/tmp/fc_log_XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    eventlog_t *log = NULL;
    assert_int_equal(eventlog_open(path, &log, NULL), FC_OK);
    assert_int_equal(eventlog_write(log, 16000 * 3 + 8, "say", "s:s", "text",
                                    "He said \"stop\"\n\tand left \xc3\xa9"), FC_OK);
    assert_int_equal(eventlog_write(log, 0, "start", NULL), FC_OK);
    assert_int_equal(eventlog_write(log, 24000, "exercise", "s:s?", "side", NULL), FC_OK);
    eventlog_close(log);
    FILE *fp = fopen(path, "r");
    char line[512];
    assert_non_null(fgets(line, sizeof line, fp));
    const char *head = "{\"t\":3.001,\"event\":\"say\",";
    assert_true(!strncmp(line, head, strlen(head)));
    json_t *o = json_loads(line, 0, NULL);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "text")),
                        "He said \"stop\"\n\tand left \xc3\xa9");
    json_decref(o);
    assert_non_null(fgets(line, sizeof line, fp));
    assert_string_equal(line, "{\"t\":0.000,\"event\":\"start\"}\n");
    assert_non_null(fgets(line, sizeof line, fp));
    assert_string_equal(line, "{\"t\":1.500,\"event\":\"exercise\",\"side\":null}\n");
    assert_null(fgets(line, sizeof line, fp));
    fclose(fp);
    unlink(path);
    eventlog_close(NULL);
}

static void test_resampler_rate(void **state)
{
    (void)state;
    resampler_t *r = NULL;
    assert_int_equal(resampler_create(48000, 16000, 4, &r), FC_OK);
    static int16_t in[48000], out[20000];
    size_t total = 0;
    for (int k = 0; k < 10; k++)
        total += resampler_process(r, in + k * 4800, 4800, out + total, sizeof out / 2 - total);
    /* One second in, one second out, give or take the filter's delay. */
    assert_true(total > 15900 && total <= 16000);
    resampler_destroy(r);
    assert_int_equal(resampler_create(0, 16000, 4, &r), FC_ERR_ARG);
    resampler_destroy(NULL);
}

static void test_status_line(void **state)
{
    (void)state;
    session_progress p = {0};
    p.exercise = 0;
    p.name = "Hip flexor stretch";
    p.side = "left";
    p.rep = 2;
    p.of = 3;
    p.hold_seconds = 30;
    p.hold_start = 0;
    char buf[256];
    status_format(&p, 16000 * 12, 16000, buf, sizeof buf);
    assert_string_equal(buf, "Hip flexor stretch | left | rep 2/3 | [########------------] 18s left");
}

static void test_echo_delay_finds_lag(void **state)
{
    (void)state;
    enum { N = 400, LAG = 17 };
    static double ref[N], mic[N];
    srand(7);
    for (int i = 0; i < N; i++)
        ref[i] = (i / 13) % 3 ? 60 + rand() % 20 : 20; /* words and pauses, in dB */
    for (int i = 0; i < N; i++)
        mic[i] = (i >= LAG ? ref[i - LAG] - 6 : 20) + (rand() % 100) / 100.0;
    double conf;
    assert_int_equal(echo_delay_estimate(mic, ref, N, 100, &conf), LAG);
    assert_true(conf > 0.9);
    /* A flat reference (silence) cannot place anything. */
    for (int i = 0; i < N; i++)
        ref[i] = 0;
    assert_int_equal(echo_delay_estimate(mic, ref, N, 100, &conf), -1);
}

static void test_room_parses_and_delays(void **state)
{
    (void)state;
    room_config c = room_config_default();
    assert_int_equal(room_parse_echo("6@35", &c), 0);
    assert_true(c.echo && c.echo_gain_db == 6 && c.echo_delay_ms == 35);
    assert_int_equal(room_parse_echo("-3", &c), 0);
    assert_true(c.echo_gain_db == -3 && c.echo_delay_ms == 35);
    assert_int_equal(room_parse_echo("loud", &c), FC_ERR_ARG);
    assert_int_equal(room_parse_echo("0@900", &c), FC_ERR_ARG);
    assert_int_equal(room_parse_noise("tap.wav@5", &c), 0);
    assert_string_equal(c.noise_file, "tap.wav");
    assert_true(c.noise_snr_db == 5);
    assert_int_equal(room_parse_noise("@5", &c), FC_ERR_ARG);

    /* An impulse played comes back exactly delay later, at the gain. */
    room_config e = room_config_default();
    assert_int_equal(room_parse_echo("0@20", &e), 0);
    room_t *r = NULL;
    assert_int_equal(room_create(&e, &r, NULL), 0);
    audio_mic_filter f = room_filter(r);
    int16_t out[640] = {0}, mic[640] = {0};
    out[10] = 10000;
    f.apply(f.ctx, out, mic, 640);
    for (int i = 0; i < 640; i++)
        assert_int_equal(mic[i], i == 10 + 320 ? 10000 : 0);
    room_destroy(r);
    room_destroy(NULL);
}

static void test_aec_removes_echo(void **state)
{
    (void)state;
    /* A noise-like "voice" played and heard back 20 ms later at 0 dB: after
     * 5 s the canceller alone must take it down by at least 20 dB. */
    aec_config cfg = aec_config_default();
    cfg.suppress = false;
    aec_t *a = NULL;
    assert_int_equal(aec_create(&cfg, &a), 0);
    room_config e = room_config_default();
    assert_int_equal(room_parse_echo("0@20", &e), 0);
    room_t *r = NULL;
    assert_int_equal(room_create(&e, &r, NULL), 0);
    audio_mic_filter f = room_filter(r);
    srand(3);
    double in_e = 0, out_e = 0;
    for (int k = 0; k < 16000 * 8 / FC_FRAME; k++) {
        int16_t ref[FC_FRAME], mic[FC_FRAME] = {0}, clean[FC_FRAME];
        for (int i = 0; i < FC_FRAME; i++)
            ref[i] = (int16_t)((rand() % 8000 - 4000) * (1 + sin(k * 0.05)));
        f.apply(f.ctx, ref, mic, FC_FRAME);
        aec_process(a, mic, ref, clean);
        if (k < 16000 * 5 / FC_FRAME)
            continue;
        for (int i = 0; i < FC_FRAME; i++) {
            in_e += (double)mic[i] * mic[i];
            out_e += (double)clean[i] * clean[i];
        }
    }
    double erle = 10 * log10(in_e / (out_e + 1));
    fprintf(stderr, "  ERLE %.1f dB\n", erle);
    assert_true(erle > 20);
    aec_destroy(a);
    aec_destroy(NULL);
    room_destroy(r);
}

/* Plays `seconds` of word-like bursts and hears them back `delay_ms` later
 * at -3 dB, through a listener that measures the delay itself. */
static void play_bursts(listener_t *l, int64_t *at, double seconds, int delay_ms, int16_t *line,
                        size_t line_n)
{
    int64_t end = *at + (int64_t)(seconds * 16000);
    for (; *at < end; *at += FC_FRAME) {
        int16_t ref[FC_FRAME], mic[FC_FRAME];
        int64_t word = *at / 4800; /* 300 ms words... */
        bool on = (*at % 4800) < 3200 && word % 4 != 3; /* ...with pauses */
        double amp = on ? 3000.0 * (1 + (word * 7919 % 5)) : 0;
        for (int i = 0; i < FC_FRAME; i++) {
            int64_t t = *at + i;
            ref[i] = (int16_t)(amp * ((rand() % 2001) - 1000) / 1000.0);
            line[(uint64_t)t % line_n] = ref[i];
            int64_t src = t - delay_ms * 16;
            mic[i] = (int16_t)((src >= 0 ? line[(uint64_t)src % line_n] * 0.7 : 0) +
                               rand() % 21 - 10);
        }
        listener_played(l, *at, ref, FC_FRAME);
        assert_int_equal(listener_push(l, *at, mic, FC_FRAME), 0);
    }
}

static void test_listener_tracks_echo_delay(void **state)
{
    (void)state;
    asr_config acfg = asr_config_default();
    acfg.grammar_dir = FC_SOURCE_DIR "/grammars";
    aec_config ecfg = aec_config_default();
    ecfg.denoise = false;
    ecfg.ref_delay = -1; /* measure it, as on a device */
    listener_t *l = NULL;
    assert_int_equal(listener_create(&acfg, &ecfg, false, 0, &l, NULL), 0);
    assert_int_equal(listener_echo_delay_ms(l), -1);
    static int16_t line[16000];
    int64_t at = 0;
    srand(11);
    play_bursts(l, &at, 12, 120, line, 16000);
    int first = listener_echo_delay_ms(l);
    /* The stream moves (another device, an underrun): the echo now comes
     * 200 ms later, past the canceller's filter. */
    play_bursts(l, &at, 15, 320, line, 16000);
    int second = listener_echo_delay_ms(l);
    fprintf(stderr, "  echo delay %d ms, then %d ms\n", first, second);
    assert_true(abs(first - 120) <= 30);
    assert_true(abs(second - 320) <= 30);
    listener_destroy(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ring_two_threads_in_order),
        cmocka_unit_test(test_ring_full_and_empty),
        cmocka_unit_test(test_mixer_places_and_cuts),
        cmocka_unit_test(test_eventlog_is_json_lines),
        cmocka_unit_test(test_resampler_rate),
        cmocka_unit_test(test_status_line),
        cmocka_unit_test(test_echo_delay_finds_lag),
        cmocka_unit_test(test_room_parses_and_delays),
        cmocka_unit_test(test_aec_removes_echo),
        cmocka_unit_test(test_listener_tracks_echo_delay),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
