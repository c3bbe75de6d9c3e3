/* report: the therapist's page, from summaries built by hand. */
#include "report.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#define DAY 86400
#define MONDAY_2024_03_04 1709510400LL /* 2024-03-04T00:00:00Z */
/* The 5-year summary must render in well under a second; a bound loose
 * enough for the sanitizers' build. */
#define LARGE_SECONDS_MAX 1.0
#define LARGE_DAYS (5 * 365 + 1)
#define LARGE_SETS_PER_SESSION 20

/* The page for s, as one string (free it). Through a real file, as the
 * command writes it. */
static char *render(const history_summary *s, const report_options *o)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    fc_error err = {0};
    int rc = report_html(s, o, f, &err);
    if (rc != 0)
        fail_msg("report_html: %d %s", rc, err.detail);
    long len = ftell(f);
    assert_true(len > 0);
    char *page = malloc((size_t)len + 1);
    assert_non_null(page);
    rewind(f);
    assert_int_equal(fread(page, 1, (size_t)len, f), (size_t)len);
    page[len] = '\0';
    fclose(f);
    return page;
}

/* Nothing loaded from anywhere, nothing run. */
static void assert_self_contained(const char *html)
{
    static const char *const banned[] = {"http", "src=", "<script", "@import", "url(",
                                         "<link", "<img", "<iframe", "href="};
    for (size_t i = 0; i < sizeof banned / sizeof banned[0]; i++)
        if (strstr(html, banned[i]))
            fail_msg("the page holds \"%s\"", banned[i]);
    assert_true(strncmp(html, "<!DOCTYPE html>", strlen("<!DOCTYPE html>")) == 0);
    assert_non_null(strstr(html, "</html>\n"));
}

static void assert_has(const char *html, const char *what)
{
    if (!strstr(html, what))
        fail_msg("the page lacks \"%s\"", what);
}

static void assert_lacks(const char *html, const char *what)
{
    if (strstr(html, what))
        fail_msg("the page holds \"%s\"", what);
}

/* The part of html from the first `from` to the next `to` after it (free it). */
static char *between(const char *html, const char *from, const char *to)
{
    const char *a = strstr(html, from);
    if (!a)
        fail_msg("the page lacks \"%s\"", from);
    const char *b = strstr(a, to);
    assert_non_null(b);
    return strndup(a, (size_t)(b - a));
}

static size_t count(const char *html, const char *what)
{
    size_t n = 0;
    for (const char *p = html; (p = strstr(p, what)); p += strlen(what))
        n++;
    return n;
}

static void test_empty(void **state)
{
    (void)state;
    history_summary s = {0};
    report_options o = report_options_default();
    o.since = "2024-01-01";
    char *html = render(&s, &o);
    assert_self_contained(html);
    assert_has(html, "No sessions recorded in this period");
    assert_has(html, "Period: 2024-01-01");
    assert_lacks(html, "<svg");
    assert_lacks(html, "<table");
    free(html);
    html = render(&s, NULL); /* no options at all */
    assert_has(html, "<h1>floorcoach: exercise report</h1>");
    assert_has(html, "Period: all sessions");
    free(html);
}

/* Two sessions of "Hips and back", a week apart: the first completed, the
 * second ended by pain in "Piriformis stretch" (rated 7) before its right
 * side and the bridge ran. */
static history_session two_sessions[2];
static history_set two_sets[6];
static history_pain two_pains[1];

static history_summary two(void)
{
    two_sessions[0] = (history_session){
        .id = 1, .date = "2024-03-04T08:30:00+01:00", .end_date = "2024-03-04T08:44:10+01:00",
        .start_unix = MONDAY_2024_03_04 + 7 * 3600 + 1800, .routine = "Hips and back",
        .frequency = "daily", .seconds = 850.4, .done = 16, .prescribed = 16, .pains = 0,
        .end_reason = "completed"};
    two_sessions[1] = (history_session){
        .id = 2, .date = "2024-03-13T18:05:00+01:00", .end_date = "2024-03-13T18:09:31+01:00",
        .start_unix = MONDAY_2024_03_04 + 9 * DAY + 17 * 3600 + 300, .routine = "Hips and back",
        .frequency = "daily", .seconds = 271, .done = 1, .prescribed = 16, .pains = 1,
        .end_reason = "pain", .end_detail = "sharp pain on the left side"};
    two_sets[0] = (history_set){1, "Piriformis stretch", "left", true, 30, 3, 3, 90};
    two_sets[1] = (history_set){1, "Piriformis stretch", "right", true, 30, 3, 3, 90};
    two_sets[2] = (history_set){1, "Bridge", NULL, true, 0, 10, 10, 0};
    two_sets[3] = (history_set){2, "Piriformis stretch", "left", true, 30, 3, 1, 44};
    two_sets[4] = (history_set){2, "Piriformis stretch", "right", false, 30, 3, 0, 0};
    /* A set that never ran counts as prescribed and not done, whatever it
     * says it did. */
    two_sets[5] = (history_set){2, "Bridge", NULL, false, 0, 10, 7, 0};
    two_pains[0] = (history_pain){2, "2024-03-13T18:05:00+01:00", 190.5, "Piriformis stretch",
                                  "left", 2, 14, 7};
    return (history_summary){two_sessions, 2, two_sets, 6, two_pains, 1};
}

static void test_two_sessions(void **state)
{
    (void)state;
    history_summary s = two();
    report_options o = report_options_default();
    o.generated = "2024-03-20T10:00:00+01:00";
    char *html = render(&s, &o);
    assert_self_contained(html);
    assert_has(html, "<strong>2 sessions</strong>, total time 18 min 41 s");
    assert_has(html, "Period: 2024-03-04 to 2024-03-20");
    assert_has(html, "1 ended early; 1 pain event.");

    /* Weeks: 4 March, 11 March and 18 March (none), against daily. */
    assert_has(html, "2 sessions in 3 weeks, from the week of 2024-03-04 to the week of "
                     "2024-03-18");
    assert_has(html, "Week of 2024-03-04: 1 session<");
    assert_has(html, "Week of 2024-03-11: 1 session<");
    assert_has(html, "Week of 2024-03-18: 0 sessions<");
    assert_has(html, "Prescribed: daily (7 a week)");
    assert_has(html, "stroke-dasharray=\"8 5\" d=\"M");

    /* Done against prescribed, sides together. */
    assert_has(html, ">7 of 12 holds</text>");
    assert_has(html, ">10 of 20 repetitions</text>");
    assert_has(html, "Piriformis stretch: 7 of 12 holds done (58%)");

    /* The pain chart and table. */
    char *chart = between(html, "<svg viewBox=\"0 0 1000", "</figure>\n<table class=\"pains\">");
    char *pain_chart = between(chart + 1, "aria-labelledby=\"pain-t", "</svg>");
    assert_has(pain_chart, ">Piriformis stretch</text>");
    assert_has(pain_chart, "2024-03-13 18:05, Piriformis stretch, left, repetition 2, second 14: "
                           "rated 7 of 10");
    assert_has(pain_chart, ">7</text>");
    free(pain_chart);
    free(chart);
    char *pains = between(html, "<table class=\"pains\">", "</table>");
    assert_has(pains, "<tr><td>2024-03-13 18:05</td><td>Piriformis stretch</td><td>left</td>"
                      "<td class=\"n\">2</td><td class=\"n\">14</td><td class=\"n\">7</td></tr>");
    free(pains);

    /* Ended early: the pain session and why, not the completed one. */
    char *ended = between(html, "<table class=\"ended\">", "</table>");
    assert_has(ended, "2024-03-13 18:05");
    assert_has(ended, "<td>pain</td><td>sharp pain on the left side</td>");
    assert_has(ended, "<td class=\"n\">4:31</td>");
    assert_lacks(ended, "2024-03-04");
    free(ended);

    /* Every session, with its share done (rounded down) and its pains. */
    char *all = between(html, "<table class=\"sessions\">", "</table>");
    assert_has(all, "<td>2024-03-04 08:30</td><td>Hips and back</td><td class=\"n\">14:10</td>"
                    "<td class=\"n\">100% (16 of 16)</td><td class=\"n\">0</td>");
    assert_has(all, "<td>2024-03-13 18:05</td><td>Hips and back</td><td class=\"n\">4:31</td>"
                    "<td class=\"n\">6% (1 of 16)</td><td class=\"n\">1</td>");
    free(all);
    free(html);
}

static void test_escaping(void **state)
{
    (void)state;
    history_summary s = two();
    history_session sessions[2] = {two_sessions[0], two_sessions[1]};
    history_set sets[6];
    memcpy(sets, two_sets, sizeof sets);
    history_pain pain = two_pains[0];
    const char *evil = "<script>alert(\"x\")</script> & 'Co'";
    sessions[0].routine = "Hips <&\"> knees";
    sessions[1].end_reason = "<b>odd</b>";
    sessions[1].end_detail = "file \"a<b>.yaml\" & more";
    sets[0].exercise = sets[1].exercise = sets[3].exercise = sets[4].exercise = (char *)evil;
    pain.exercise = (char *)evil;
    s.sessions = sessions;
    s.sets = sets;
    s.pains = &pain;
    report_options o = report_options_default();
    o.title = "Report for <Ann> & \"Bob\"";
    char *html = render(&s, &o);
    assert_self_contained(html);
    assert_has(html, "<title>Report for &lt;Ann&gt; &amp; &quot;Bob&quot;</title>");
    assert_has(html, "<h1>Report for &lt;Ann&gt; &amp; &quot;Bob&quot;</h1>");
    assert_has(html, "<td>Hips &lt;&amp;&quot;&gt; knees</td>");
    const char *escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Co&#39;";
    assert_has(html, escaped);
    /* In both charts' labels and in the table. */
    assert_true(count(html, escaped) >= 4);
    assert_has(html, "<td>&lt;b&gt;odd&lt;/b&gt;</td><td>file &quot;a&lt;b&gt;.yaml&quot; "
                     "&amp; more</td>");
    assert_lacks(html, "Hips <&");
    assert_lacks(html, "<b>");
    free(html);
}

static void test_no_end_no_frequency(void **state)
{
    (void)state;
    history_session one = {.id = 9, .date = "2024-05-01T07:00:00Z", .start_unix = 1714546800,
                           .routine = "Neck", .seconds = 65, .done = 0, .prescribed = 0};
    history_pain unanswered = {9, "2024-05-01T07:00:00Z", 40, NULL, NULL, 0, 0, 0};
    history_summary s = {&one, 1, NULL, 0, &unanswered, 1};
    char *html = render(&s, NULL);
    assert_self_contained(html);
    assert_has(html, "<strong>1 session</strong>, total time 1 min 05 s");
    assert_has(html, "1 sessions in 1 weeks"); /* the desc's plain count */
    assert_has(html, "No frequency was prescribed, so there is no line");
    assert_lacks(html, "stroke-dasharray");
    assert_has(html, "No exercises were recorded in these sessions.");
    char *ended = between(html, "<table class=\"ended\">", "</table>");
    assert_has(ended, "no end recorded (the coach was killed or lost power)");
    free(ended);
    char *pains = between(html, "<table class=\"pains\">", "</table>");
    assert_has(pains, "<td>between exercises</td><td>–</td><td class=\"n\">–</td>"
                      "<td class=\"n\">–</td><td class=\"n\">no answer</td>");
    free(pains);
    assert_has(html, ">Between exercises</text>");
    assert_has(html, ": no answer</title>");
    assert_has(html, "text-anchor=\"middle\">–</text>");
    /* Nothing prescribed: no share, not a division by zero. */
    assert_has(html, "<td class=\"n\">1:05</td><td class=\"n\">–</td>");
    free(html);
}

/* Daily sessions for five years: 1826 sessions, 36,520 sets, a pain every
 * tenth day. Returned arrays are static. */
static history_summary large(void)
{
    static history_session sessions[LARGE_DAYS];
    static history_set sets[LARGE_DAYS * LARGE_SETS_PER_SESSION];
    static history_pain pains[LARGE_DAYS / 10 + 1];
    static char dates[LARGE_DAYS][32];
    static char names[LARGE_SETS_PER_SESSION][32];
    size_t n_pains = 0;
    for (int e = 0; e < LARGE_SETS_PER_SESSION; e++)
        snprintf(names[e], sizeof names[e], "Exercise %02d", e / 2);
    for (int d = 0; d < LARGE_DAYS; d++) {
        time_t t = (time_t)(MONDAY_2024_03_04 + (int64_t)d * DAY + 8 * 3600);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(dates[d], sizeof dates[d], "%Y-%m-%dT%H:%M:%SZ", &tm);
        bool pain = d % 10 == 0;
        sessions[d] = (history_session){
            .id = d + 1, .date = dates[d], .start_unix = t, .routine = "Hips and back",
            .frequency = d < LARGE_DAYS / 2 ? "daily" : "every other day", .seconds = 900,
            .done = 55, .prescribed = 60, .pains = pain, .end_reason = pain ? "stopped" : "completed"};
        for (int e = 0; e < LARGE_SETS_PER_SESSION; e++)
            sets[d * LARGE_SETS_PER_SESSION + e] = (history_set){
                d + 1, names[e], e % 2 ? "right" : "left", !pain || e < 10, e < 10 ? 30 : 0,
                3, e == 3 ? 2 : 3, 0};
        if (pain)
            pains[n_pains++] = (history_pain){d + 1, dates[d], 300, names[d % 20], "left", 1,
                                              12, d % 11};
    }
    return (history_summary){sessions, LARGE_DAYS, sets, LARGE_DAYS * LARGE_SETS_PER_SESSION,
                             pains, n_pains};
}

static void test_large(void **state)
{
    (void)state;
    history_summary s = large();
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    char *html = render(&s, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double took = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    print_message("5 years (%zu sessions, %zu sets, %zu pains): %.3f s, %zu bytes\n",
                  s.n_sessions, s.n_sets, s.n_pains, took, strlen(html));
    assert_true(took < LARGE_SECONDS_MAX);
    assert_self_contained(html);
    assert_has(html, "1826 sessions in 261 weeks");
    /* One bar a week, each drawn once: the chart's size is bounded by the
     * weeks, not by the sessions. */
    assert_int_equal(count(html, "<title>Week of "), 261);
    assert_has(html, "Prescribed: daily (7 a week) or every other day (3.5), as it changed");
    /* Exercise 01 is sets 2 and 3: set 3 does 2 of 3, and pain sessions
     * (183 of them) stop before sets 10-19. */
    assert_has(html, ">9130 of 10956 holds</text>");
    /* 55 of 60 is 91.7%: rounded down, as "100%" must mean all of it. */
    assert_has(html, "<td class=\"n\">91% (55 of 60)</td>");
    assert_has(html, ">9858 of 10956 repetitions</text>");
    /* Every row: 183 pain events, the 183 sessions stopped by them, all
     * 1826 sessions, and the three tables' headings. */
    assert_int_equal(count(html, "<tr>"), 183 + 183 + 1826 + 3);
    free(html);
}

/* Twelve years of weekly sessions: more weeks than bars, so each bar is
 * two weeks. */
static void test_many_weeks(void **state)
{
    (void)state;
    enum { WEEKS = 12 * 52 };
    static history_session sessions[WEEKS];
    for (int w = 0; w < WEEKS; w++)
        sessions[w] = (history_session){.id = w, .date = "2010-01-04T08:00:00Z",
                                        .start_unix = 1262592000LL + (int64_t)w * 7 * DAY,
                                        .routine = "R", .end_reason = "completed"};
    history_summary s = {sessions, WEEKS, NULL, 0, NULL, 0};
    char *html = render(&s, NULL);
    assert_has(html, "Each bar is 2 weeks and shows their sessions per week on average.");
    assert_int_equal(count(html, "<title>Weeks from "), WEEKS / 2);
    assert_has(html, ": 2 sessions, 1.0 a week</title>");
    free(html);
}

static void test_write_failure(void **state)
{
    (void)state;
    history_summary s = two();
    FILE *full = fopen("/dev/full", "w");
    assert_non_null(full);
    report_options o = report_options_default();
    o.file = "/dev/full";
    fc_error err = {0};
    assert_int_equal(report_html(&s, &o, full, &err), FC_ERR_IO);
    fclose(full);
    assert_int_equal(err.code, FC_ERR_IO);
    assert_non_null(strstr(err.detail, "/dev/full: cannot write the report"));
    assert_non_null(strstr(err.detail, "free some space"));
    assert_int_equal(report_html(NULL, &o, stdout, &err), FC_ERR_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_two_sessions),
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_no_end_no_frequency),
        cmocka_unit_test(test_large),
        cmocka_unit_test(test_many_weeks),
        cmocka_unit_test(test_write_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
