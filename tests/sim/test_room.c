/* room: parsing the room's options, and an echo at its delay and gain. */
#include "fc_clock.h"
#include "fc_error.h"
#include "room.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sndfile.h>
#include <unistd.h>

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
    /* NaN compares false with every bound, so it must be refused by name */
    const char *bad_echo[] = {"nan", "inf", "0@nan", "+3", " 3", "3 ", "0@", "@20", "0@20x",
                              "0x10"};
    for (size_t i = 0; i < sizeof bad_echo / sizeof bad_echo[0]; i++)
        assert_int_equal(room_parse_echo(bad_echo[i], &c), FC_ERR_ARG);
    assert_int_equal(room_parse_noise("tap.wav@nan", &c), FC_ERR_ARG);
    assert_int_equal(room_parse_noise("tap.wav@-inf", &c), FC_ERR_ARG);
    assert_int_equal(room_parse_noise("tap.wav@", &c), FC_ERR_ARG);
    assert_true(c.noise_snr_db == 5 && c.echo_gain_db == -3 && c.echo_delay_ms == 35);

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

static void write_noise(const char *path, int n, int level)
{
    SF_INFO info = {.samplerate = FC_RATE, .channels = 1,
                    .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
    SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
    assert_non_null(sf);
    for (int i = 0; i < n; i++) {
        short v = (short)((i % 7 - 3) * level);
        assert_int_equal(sf_write_short(sf, &v, 1), 1);
    }
    sf_close(sf);
}

/* The noise is streamed from its file and loops on its exact length (not
 * padded to a block), at the level asked for; a silent file is refused by
 * name. */
static void test_noise_loops_on_its_length(void **state)
{
    (void)state;
    enum { LEN = 1000, N = 3500 };
    char path[] = "/tmp/fc_room_XXXXXX.wav";
    int fd = mkstemps(path, 4);
    assert_true(fd >= 0);
    close(fd);
    write_noise(path, LEN, 1000);
    room_config c = room_config_default();
    assert_int_equal(room_parse_noise(path, &c), 0);
    room_t *r = NULL;
    assert_int_equal(room_create(&c, &r, NULL), 0);
    audio_mic_filter f = room_filter(r);
    static int16_t out[N], mic[N];
    f.apply(f.ctx, out, mic, N);
    int loud = 0;
    for (int i = 0; i + LEN < N; i++) {
        assert_int_equal(mic[i + LEN], mic[i]);
        loud |= mic[i] != 0;
    }
    assert_true(loud);
    room_destroy(r);

    write_noise(path, LEN, 0);
    fc_error err = {0};
    assert_int_equal(room_create(&c, &r, &err), FC_ERR_FORMAT);
    assert_null(r);
    assert_non_null(strstr(err.detail, path));
    assert_non_null(strstr(err.detail, "silent"));
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_room_parses_and_delays),
        cmocka_unit_test(test_noise_loops_on_its_length),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
