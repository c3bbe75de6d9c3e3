/* history_bench: the history over years of daily sessions (issue 14).
 *
 * usage: history_bench SESSION.jsonl DIR [--years N]
 *
 * SESSION.jsonl is one real session's event log (bench/history_bench.sh
 * renders the default routine for it). The bench then:
 *  1. records that session once as a live session does, each event in its
 *     own synced transaction, into DIR/live.sqlite3, and prints the time
 *     one event costs the engine thread (mean, 99th percentile, worst);
 *  2. builds DIR/years.sqlite3: N years (default 5) of daily sessions made
 *     from it through the same history_record(), dated a day apart; every
 *     7th has a pain event and its rating, every 30th is stopped half way,
 *     every 90th has no end (killed); committed in bulk (history_bulk);
 *  3. times what `history`, `history --json` and `report --html` read and
 *     write (history_read, history_json, report_html), and every event
 *     read back (the CSV's work), and prints the database's size.
 * Prints figures; exits 0 when it ran, 1 on errors. */
#define _DEFAULT_SOURCE /* timegm, gmtime_r */

#include "history.h"
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define LINE_MAX_BYTES 8192
#define MAX_EVENTS 20000
#define DAY_S (24 * 60 * 60)
#define DEFAULT_YEARS 5
#define DAYS_PER_YEAR 365
#define PAIN_EVERY 7
#define STOPPED_EVERY 30
#define KILLED_EVERY 90
#define PAIN_AT 400 /* the event the pain follows */
#define PATH_BYTES 4096
#define PERCENTILE_99 0.99
#define START_HOUR_S (8 * 60 * 60)
#define RATING_CYCLE 10

typedef struct {
    char *line[MAX_EVENTS];
    double t[MAX_EVENTS];
    char event[MAX_EVENTS][32];
    int n;
} session_log;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Each line's t and event name, as eventlog writes them. */
static int load(const char *path, session_log *log)
{
    char buf[LINE_MAX_BYTES];
    FILE *fp = fopen(path, "r");
    if (!fp)
        return -1;
    while (log->n < MAX_EVENTS && fgets(buf, sizeof buf, fp)) {
        buf[strcspn(buf, "\n")] = '\0';
        if (sscanf(buf, "{\"t\":%lf,\"event\":\"%31[^\"]\"", &log->t[log->n],
                   log->event[log->n]) != 2)
            continue;
        log->line[log->n++] = strdup(buf);
    }
    fclose(fp);
    return log->n > 0 ? 0 : -1;
}

/* line with its "date" (if any) set to date; into out. */
static void redate(const char *line, const char *date, char *out, size_t cap)
{
    const char *d = strstr(line, "\"date\":\"");
    if (!d) {
        snprintf(out, cap, "%s", line);
        return;
    }
    d += strlen("\"date\":\"");
    const char *end = strchr(d, '"');
    snprintf(out, cap, "%.*s%s%s", (int)(d - line), line, date, end ? end : "\"");
}

static int record(history_t *h, double t, const char *event, const char *json)
{
    fc_error err = {0};
    int rc = history_record(h, (int64_t)(t * 1000.0 + 0.5), event, json, &err);
    if (rc < 0)
        fprintf(stderr, "history_bench: %s\n", fc_error_message(&err));
    return rc;
}

/* One day's session: the log, dated, with that day's variation. */
static int one_day(history_t *h, const session_log *log, int day, time_t first)
{
    char date[40], line[LINE_MAX_BYTES], extra[256];
    time_t at = first + (time_t)day * DAY_S;
    struct tm tm;
    gmtime_r(&at, &tm);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
    int last = day % STOPPED_EVERY == 0 ? log->n / 2 : log->n;
    int rc = 0;
    for (int i = 0; rc == 0 && i < last; i++) {
        if (!strcmp(log->event[i], "end") && day % KILLED_EVERY == 0)
            break;
        redate(log->line[i], date, line, sizeof line);
        rc = record(h, log->t[i], log->event[i], line);
        if (rc == 0 && i == PAIN_AT && day % PAIN_EVERY == 0) {
            snprintf(extra, sizeof extra, "{\"event\":\"pain\",\"exercise\":\"Piriformis "
                     "stretch\",\"side\":\"left\",\"rep\":1,\"second\":4}");
            rc = record(h, log->t[i], "pain", extra);
            snprintf(extra, sizeof extra, "{\"event\":\"rating\",\"exercise\":\"Piriformis "
                     "stretch\",\"rating\":%d,\"by\":\"voice\"}", 1 + day % RATING_CYCLE);
            if (rc == 0)
                rc = record(h, log->t[i] + 1, "rating", extra);
        }
    }
    if (rc == 0 && last < log->n && day % KILLED_EVERY != 0) {
        snprintf(extra, sizeof extra, "{\"event\":\"end\",\"date\":\"%s\",\"reason\":"
                 "\"stopped\"}", date);
        rc = record(h, log->t[last - 1], "end", extra);
    }
    return rc;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* 1: a live session, each event committed and synced on its own. */
static int live(const session_log *log, const char *dir)
{
    char path[PATH_BYTES];
    static double cost[MAX_EVENTS];
    history_t *h = NULL;
    fc_error err = {0};
    snprintf(path, sizeof path, "%s/live.sqlite3", dir);
    remove(path);
    if (history_open(path, HISTORY_WRITE, false, &h, &err) < 0) {
        fprintf(stderr, "history_bench: %s\n", fc_error_message(&err));
        return -1;
    }
    double total = 0;
    for (int i = 0; i < log->n; i++) {
        double t0 = now_s();
        if (record(h, log->t[i], log->event[i], log->line[i]) < 0)
            break;
        cost[i] = now_s() - t0;
        total += cost[i];
    }
    history_close(h);
    qsort(cost, (size_t)log->n, sizeof cost[0], cmp_double);
    printf("live session: %d events; per event (one synced commit on the engine thread): "
           "mean %.2f ms, p99 %.2f ms, worst %.2f ms\n", log->n, 1000.0 * total / log->n,
           1000.0 * cost[(int)(PERCENTILE_99 * (log->n - 1))], 1000.0 * cost[log->n - 1]);
    return 0;
}

static int count_row(void *ctx, const history_event_row *row)
{
    (void)row;
    (*(long *)ctx)++;
    return 0;
}

/* 3: what the commands read, timed. */
static int read_back(history_t *h)
{
    history_summary *s = NULL;
    char *json = NULL;
    long rows = 0;
    fc_error err = {0};
    double t0 = now_s();
    int rc = history_read(h, 0, &s, &err);
    double t1 = now_s();
    if (rc == 0)
        rc = history_json(h, 0, &json, &err);
    double t2 = now_s();
    FILE *null = fopen("/dev/null", "w");
    if (rc == 0 && null)
        rc = report_html(s, NULL, null, &err);
    double t3 = now_s();
    if (rc == 0)
        rc = history_each_event(h, 0, count_row, &rows, &err);
    double t4 = now_s();
    if (rc == 0)
        printf("read back: %zu sessions, %zu sets, %zu pain events: history_read %.0f ms, "
               "history_json %.0f ms (%zu kB), report_html %.0f ms, every event (%ld) "
               "%.0f ms\n", s->n_sessions, s->n_sets, s->n_pains, 1000 * (t1 - t0),
               1000 * (t2 - t1), json ? strlen(json) / 1024 : 0, 1000 * (t3 - t2), rows,
               1000 * (t4 - t3));
    else
        fprintf(stderr, "history_bench: %s\n", fc_error_message(&err));
    if (null)
        fclose(null);
    free(json);
    history_summary_free(s);
    return rc;
}

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : 0;
}

int main(int argc, char **argv)
{
    static session_log log;
    int years = DEFAULT_YEARS;
    if (argc < 3) {
        fprintf(stderr, "usage: history_bench SESSION.jsonl DIR [--years N]\n");
        return 1;
    }
    if (argc >= 5 && !strcmp(argv[3], "--years"))
        years = atoi(argv[4]);
    if (load(argv[1], &log) < 0 || live(&log, argv[2]) < 0) {
        fprintf(stderr, "history_bench: cannot read %s\n", argv[1]);
        return 1;
    }
    char path[PATH_BYTES];
    snprintf(path, sizeof path, "%s/years.sqlite3", argv[2]);
    remove(path);
    history_t *h = NULL;
    fc_error err = {0};
    struct tm first = {.tm_year = 2027 - 1900, .tm_mon = 0, .tm_mday = 1};
    time_t start = timegm(&first) + START_HOUR_S;
    int days = years * DAYS_PER_YEAR, rc = history_open(path, HISTORY_WRITE, false, &h, &err);
    double t0 = now_s();
    if (rc == 0)
        rc = history_bulk(h, true, &err);
    for (int d = 0; rc == 0 && d < days; d++)
        rc = one_day(h, &log, d, start);
    if (rc == 0)
        rc = history_bulk(h, false, &err);
    double t1 = now_s();
    if (rc == 0) {
        printf("built: %d years, %d sessions of %d events, in %.1f s\n", years, days, log.n,
               t1 - t0);
        rc = read_back(h);
    } else if (err.code) {
        fprintf(stderr, "history_bench: %s\n", fc_error_message(&err));
    }
    history_close(h);
    if (rc == 0)
        printf("database: %.1f MB (%s)\n", file_size(path) / 1e6, path);
    for (int i = 0; i < log.n; i++)
        free(log.line[i]);
    return rc == 0 ? 0 : 1;
}
