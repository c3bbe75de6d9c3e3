/* events: the log's schema. Each event has the fields the README's table
 * promises, with times in session seconds. */
#include "events.h"
#include "fc_clock.h"
#include "fc_error.h"

#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

typedef struct {
    char path[32];
    eventlog_t *log;
} logfile;

static int open_log(void **state)
{
    logfile *f = calloc(1, sizeof *f);
    snprintf(f->path, sizeof f->path, "/tmp/fc_events_XXXXXX");
    int fd = mkstemp(f->path);
    if (fd < 0)
        return -1;
    close(fd);
    *state = f;
    return eventlog_open(f->path, false, &f->log, NULL);
}

static int remove_log(void **state)
{
    logfile *f = *state;
    eventlog_close(f->log);
    unlink(f->path);
    free(f);
    return 0;
}

/* Closes the log and returns its lines as JSON objects. */
static int read_back(logfile *f, json_t **ev, int max)
{
    eventlog_close(f->log);
    f->log = NULL;
    FILE *fp = fopen(f->path, "r");
    char line[1024];
    int n = 0;
    while (n < max && fgets(line, sizeof line, fp)) {
        ev[n] = json_loads(line, 0, NULL);
        assert_non_null(ev[n]);
        n++;
    }
    fclose(fp);
    return n;
}

static const char *str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static double num(json_t *o, const char *key)
{
    return json_number_value(json_object_get(o, key));
}

static void test_session_events(void **state)
{
    logfile *f = *state;
    asr_heard h = {FC_CMD_STOP, FC_RATE * 2, FC_RATE * 2 + 4000, FC_RATE * 3, 1.23456, false, -1, 0};
    assert_int_equal(events_say(f->log, FC_RATE, "Hold.", FC_RATE + 8000, false), 0);
    assert_int_equal(events_pain(f->log, FC_RATE * 2, "Bridge", NULL, 2, 7), 0);
    assert_int_equal(events_heard(f->log, &h), 0);
    assert_int_equal(events_end(f->log, FC_RATE * 4, "stopped", NULL), 0);
    assert_int_equal(events_end(f->log, FC_RATE * 4, "error", "the device died"), 0);
    h.unsure = true;
    assert_int_equal(events_heard(f->log, &h), 0);
    assert_int_equal(events_pause(f->log, FC_RATE * 3, "stop"), 0);
    json_t *ev[8];
    assert_int_equal(read_back(f, ev, 8), 7);
    assert_string_equal(str(ev[0], "event"), "say");
    assert_true(num(ev[0], "t") == 1.0 && num(ev[0], "until") == 1.5);
    assert_string_equal(str(ev[1], "exercise"), "Bridge");
    assert_true(json_is_null(json_object_get(ev[1], "side")));
    assert_true(num(ev[1], "rep") == 2 && num(ev[1], "second") == 7);
    assert_string_equal(str(ev[2], "word"), "stop");
    assert_true(num(ev[2], "t") == 3.0 && num(ev[2], "start") == 2.0 && num(ev[2], "end") == 2.25);
    assert_true(num(ev[2], "score") == 1.235);
    assert_string_equal(str(ev[3], "reason"), "stopped");
    assert_null(json_object_get(ev[3], "detail"));
    assert_string_equal(str(ev[4], "detail"), "the device died");
    assert_string_equal(str(ev[5], "event"), "unsure");
    assert_string_equal(str(ev[5], "word"), "stop");
    assert_true(num(ev[5], "score") == 1.235);
    assert_string_equal(str(ev[6], "event"), "pause");
    assert_string_equal(str(ev[6], "word"), "stop");
    for (int i = 0; i < 7; i++)
        json_decref(ev[i]);
}

/* A loaded machine's gaps: totals, in the record. */
static void test_xrun_event(void **state)
{
    logfile *f = *state;
    audio_xruns x = {.underruns = 3, .overflows = 1, .driver_messages = 5000000000ULL,
                     .gap_ms = 45};
    assert_int_equal(events_xruns(f->log, FC_RATE * 10, &x), 0);
    json_t *ev[1];
    assert_int_equal(read_back(f, ev, 1), 1);
    assert_string_equal(str(ev[0], "event"), "xrun");
    assert_true(num(ev[0], "t") == 10.0);
    assert_int_equal(json_integer_value(json_object_get(ev[0], "underruns")), 3);
    assert_int_equal(json_integer_value(json_object_get(ev[0], "overflows")), 1);
    assert_true(json_integer_value(json_object_get(ev[0], "driver_messages")) == 5000000000LL);
    assert_int_equal(json_integer_value(json_object_get(ev[0], "gap_ms")), 45);
    json_decref(ev[0]);
}

static void test_calibrated_event(void **state)
{
    logfile *f = *state;
    calib_result r;
    memset(&r, 0, sizeof r);
    r.bias[FC_CMD_STOP] = 5;
    r.bias[FC_CMD_NEXT] = -5;
    r.before.commands = r.after.commands = 12;
    r.before.heard = 6;
    r.after.heard = 9;
    r.silent = 1;
    assert_int_equal(events_calibrated(f->log, FC_RATE, &r, NULL), 0);
    json_t *ev[2];
    assert_int_equal(read_back(f, ev, 2), 1);
    json_t *bias = json_object_get(ev[0], "bias");
    assert_true(num(bias, "stop") == 5 && num(bias, "next") == -5 && num(bias, "pain") == 0);
    assert_true(num(json_object_get(ev[0], "before"), "heard") == 6);
    assert_true(num(json_object_get(ev[0], "after"), "heard") == 9);
    assert_true(num(ev[0], "silent") == 1);
    assert_true(json_is_null(json_object_get(ev[0], "saved")));
    json_decref(ev[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_session_events, open_log, remove_log),
        cmocka_unit_test_setup_teardown(test_xrun_event, open_log, remove_log),
        cmocka_unit_test_setup_teardown(test_calibrated_event, open_log, remove_log),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
