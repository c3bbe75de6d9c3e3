/* What a physical therapist signs off (issue 11), through whole sessions in
 * file mode, with a microphone file where a voice is needed:
 *  - a routine that requires clearance runs nothing without it, runs with
 *    --cleared, and with a spoken "next" to its question;
 *  - once the user is in position (the position line said), the count
 *    starts within seconds, on every hold of the default routine;
 *  - the default routine runs one piriformis version; a prescription
 *    chooses the other, sets its doses (a range starts at its bottom),
 *    and a dose outside the routine's range is refused with file:line;
 *  - the start of the record says when, which version, which files, the
 *    doses and how clearance was given;
 *  - the default render leaves 1 dB of headroom. */
#include "fc_clock.h"
#include "fc_error.h"
#include "prescription.h"
#include "routine.h"
#include "support.h"

#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#define FUNCTIONAL FC_SOURCE_DIR "/scripts/fai-functional.yaml"
#define DEFAULT_ROUTINE FC_SOURCE_DIR "/scripts/fai.yaml"
#define MAX_IN_POSITION_S 6.0  /* from the end of the position line to the count */
#define PEAK_LIMIT 29204       /* -1 dBFS */

static int count_events(const rendered *r, const char *name)
{
    int n = 0;
    for (int i = ev_find(r, name, 0); i >= 0; i = ev_find(r, name, i + 1))
        n++;
    return n;
}

static const json_t *start_event(const rendered *r)
{
    assert_true(r->n_ev > 0);
    assert_string_equal(ev_name(r->ev[0]), "start");
    return r->ev[0];
}

static void test_clearance_refused_runs_nothing(void **state)
{
    (void)state;
    rendered r;
    support_set_prescription(NULL, false);
    support_run(FUNCTIONAL, "default", NULL, NULL, &r);
    assert_int_equal(r.reason, SESSION_END_NOT_CLEARED);
    assert_int_equal(count_events(&r, "rep") + count_events(&r, "hold"), 0);
    assert_int_equal(count_events(&r, "exercise"), 0);
    assert_string_equal(ev_str(start_event(&r), "clearance"), "asked");
    int w = ev_find(&r, "waited", 0);
    assert_true(w > 0);
    assert_string_equal(ev_str(r.ev[w], "by"), "timeout");
    support_release(&r);
}

static void test_cleared_beforehand_runs(void **state)
{
    (void)state;
    rendered r;
    support_set_prescription(NULL, true);
    support_run(FUNCTIONAL, "default", NULL, NULL, &r);
    support_set_prescription(NULL, false);
    assert_int_equal(r.reason, SESSION_END_COMPLETED);
    assert_true(count_events(&r, "rep") > 0);
    assert_string_equal(ev_str(start_event(&r), "clearance"), "given beforehand");
    assert_int_equal(ev_find(&r, "clearance", 0), -1); /* nothing asked */
    support_release(&r);
}

/* The question is asked after the introduction; a spoken "next" answers
 * it, and the record says the clearance came by voice. A "stop" later
 * keeps the session short. */
static void test_clearance_by_voice(void **state)
{
    (void)state;
    rendered r;
    support_set_prescription(NULL, false);
    support_run(FUNCTIONAL, "default", NULL, NULL, &r);
    int w = ev_find(&r, "wait", 0);
    assert_true(w > 0);
    assert_string_equal(ev_str(r.ev[w], "for"), "clearance");
    double asked = ev_t(r.ev[w]);
    support_release(&r);

    const char *words[] = {"next", "stop"};
    const double at[] = {asked + 0.5, asked + 90};
    support_run_words(FUNCTIONAL, words, at, 2, NULL, &r);
    int c = ev_find(&r, "clearance", 0);
    assert_true(c > 0);
    assert_string_equal(ev_str(r.ev[c], "by"), "voice");
    assert_true(ev_find(&r, "rep", c) > c);
    assert_int_equal(r.reason, SESSION_END_STOPPED);
    support_release(&r);
}

/* Every hold of the default routine begins within MAX_IN_POSITION_S of the
 * end of the last line that put the user in position. */
static void test_count_starts_soon_after_position(void **state)
{
    (void)state;
    rendered r;
    support_set_prescription(NULL, false);
    support_run(DEFAULT_ROUTINE, "default", NULL, NULL, &r);
    double in_position = -1, worst = 0;
    int holds = 0;
    for (size_t i = 0; i < r.n_ev; i++) {
        const char *name = ev_name(r.ev[i]);
        if (!strcmp(name, "say") && json_is_true(json_object_get(r.ev[i], "position")))
            in_position = ev_num(r.ev[i], "until");
        if (strcmp(name, "hold"))
            continue;
        assert_true(in_position >= 0);
        double wait = ev_t(r.ev[i]) - in_position;
        if (wait > worst)
            worst = wait;
        holds++;
    }
    fprintf(stderr, "  %d holds, at most %.2f s in position before the count\n", holds, worst);
    assert_true(holds > 10);
    assert_true(worst <= MAX_IN_POSITION_S);
    assert_true(support_peak(&r, 0, r.n) <= PEAK_LIMIT);
    support_release(&r);
}

static int ran(const rendered *r, const char *exercise)
{
    for (int i = ev_find(r, "exercise", 0); i >= 0; i = ev_find(r, "exercise", i + 1))
        if (!strcmp(ev_str(r->ev[i], "name"), exercise))
            return 1;
    return 0;
}

static void test_default_runs_one_piriformis(void **state)
{
    (void)state;
    rendered r;
    support_set_prescription(NULL, false);
    support_run(DEFAULT_ROUTINE, "default", NULL, NULL, &r);
    assert_true(ran(&r, "Piriformis stretch"));
    assert_false(ran(&r, "Piriformis stretch, alternative version"));
    const json_t *s = start_event(&r);
    regex_t iso;
    assert_int_equal(regcomp(&iso, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
                                   "[+-][0-9]{2}:[0-9]{2}$", REG_EXTENDED | REG_NOSUB), 0);
    assert_int_equal(regexec(&iso, ev_str(s, "date"), 0, NULL, 0), 0);
    regfree(&iso);
    assert_true(strlen(ev_str(s, "version")) > 0);
    assert_int_equal(strlen(ev_str(s, "sha256")), 64);
    assert_string_equal(ev_str(s, "voice"), "default");
    assert_string_equal(ev_str(s, "clearance"), "not required");
    assert_true(json_is_null(json_object_get(s, "prescription")));
    json_t *doses = json_object_get(s, "doses");
    assert_int_equal(json_array_size(doses), 8); /* 9 exercises, one an alternative */
    assert_int_equal(json_integer_value(json_object_get(json_array_get(doses, 0),
                                                        "hold_seconds")), 30);
    support_release(&r);
}

/* The therapist chooses the alternative piriformis stretch, shorter and
 * more holds of the hip flexor stretch (a range of hold seconds: the
 * session starts at its bottom), and the balance progression. */
static void test_prescription_applies(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof path, "/tmp/fc_rx_%d.yaml", (int)getpid());
    support_write_file(path, "routine: Hip impingement home routine\n"
                     "frequency: every other day\n"
                     "exercises:\n"
                     "  - {name: Hip flexor stretch, hold_seconds: 20-25, repetitions: 4}\n"
                     "  - {name: \"Piriformis stretch, alternative version\", use: true}\n"
                     "  - {name: Single leg balance, progression: true}\n");
    rendered r;
    support_set_prescription(path, false);
    support_run(DEFAULT_ROUTINE, "default", NULL, NULL, &r);
    support_set_prescription(NULL, false);
    assert_false(ran(&r, "Piriformis stretch"));
    assert_true(ran(&r, "Piriformis stretch, alternative version"));
    int first = ev_find(&r, "hold", 0);
    assert_int_equal((int)ev_num(r.ev[first], "seconds"), 20);
    assert_int_equal((int)ev_num(r.ev[first], "of"), 4);
    const json_t *s = start_event(&r);
    assert_string_equal(ev_str(s, "prescription"), path);
    assert_string_equal(ev_str(s, "frequency"), "every other day");
    assert_int_equal(strlen(ev_str(s, "prescription_sha256")), 64);
    int said = 0;
    for (int i = ev_find(&r, "say", 0); i >= 0; i = ev_find(&r, "say", i + 1))
        said += strstr(ev_str(r.ev[i], "text"), "close your eyes while you balance") != NULL;
    assert_int_equal(said, 1); /* the progression, once, on the first side */
    support_release(&r);
    unlink(path);
}

/* Doses outside the routine's ranges, unknown names and two alternatives
 * at once are refused, each with its file and line. */
static void test_prescription_outside_range_refused(void **state)
{
    (void)state;
    char path[64];
    routine_t *routine = NULL;
    routine_report rep = {0};
    prescription_t *rx = NULL;
    snprintf(path, sizeof path, "/tmp/fc_rx_bad_%d.yaml", (int)getpid());
    support_write_file(path, "routine: Hip impingement home routine\n"
                     "exercises:\n"
                     "  - name: Hip flexor stretch\n"
                     "    hold_seconds: 40\n"
                     "  - {name: Bridges, repetitions: 25}\n"
                     "  - {name: No such stretch}\n"
                     "  - {name: Piriformis stretch, use: true}\n"
                     "  - {name: \"Piriformis stretch, alternative version\", use: true}\n");
    assert_int_equal(routine_load(DEFAULT_ROUTINE, &routine, NULL, NULL), FC_OK);
    assert_int_equal(prescription_load(path, routine, &rx, &rep, NULL), FC_ERR_FORMAT);
    assert_null(rx);
    const char *want[] = {":4:19: hold_seconds 40 is outside the range 15-30",
                          ":5:34: repetitions 25 is outside the range 15-20",
                          ":6:12: ", "are alternatives: use one"};
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        int found = 0;
        for (size_t i = 0; i < rep.n; i++)
            found |= strncmp(rep.lines[i], path, strlen(path)) == 0 &&
                     strstr(rep.lines[i], want[k]) != NULL;
        if (!found) {
            for (size_t i = 0; i < rep.n; i++)
                fprintf(stderr, "  %s\n", rep.lines[i]);
            fail_msg("no problem reported like '%s'", want[k]);
        }
    }
    routine_report_clear(&rep);
    routine_destroy(routine);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clearance_refused_runs_nothing),
        cmocka_unit_test(test_cleared_beforehand_runs),
        cmocka_unit_test(test_clearance_by_voice),
        cmocka_unit_test(test_count_starts_soon_after_position),
        cmocka_unit_test(test_default_runs_one_piriformis),
        cmocka_unit_test(test_prescription_applies),
        cmocka_unit_test(test_prescription_outside_range_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
