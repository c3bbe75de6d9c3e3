/* eventlog: JSON Lines with three-decimal times, escaping, nulls. */
#include "fc_clock.h"
#include "eventlog.h"
#include "fc_error.h"

#include <jansson.h>
#include <unistd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static void test_eventlog_is_json_lines(void **state)
{
    (void)state;
    char path[] = "/tmp/fc_log_XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    eventlog_t *log = NULL;
    assert_int_equal(eventlog_open(path, false, &log, NULL), FC_OK);
    assert_int_equal(eventlog_write(log, FC_RATE * 3 + 8, "say", "s:s", "text",
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eventlog_is_json_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
