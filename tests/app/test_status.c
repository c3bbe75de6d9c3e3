/* status: the terminal's one-line progress. */
#include "fc_clock.h"
#include "session.h"
#include "status.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

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
    status_format(&p, FC_RATE * 12, FC_RATE, buf, sizeof buf);
    assert_string_equal(buf, "Hip flexor stretch | left | rep 2/3 | [########------------] 18s left");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
