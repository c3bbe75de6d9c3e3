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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_room_parses_and_delays),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
