/* What the report's files share (report.c: the page and its tables,
 * report_chart.c: the SVG charts, report_util.c: escaping, dates and
 * grouping). Not part of the history stage's interface. */
#ifndef FLOORCOACH_REPORT_PAGE_H
#define FLOORCOACH_REPORT_PAGE_H

#include "history.h"
#include "report.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define RP_SECONDS_PER_DAY 86400
#define RP_DAYS_PER_WEEK 7
/* "YYYY-MM-DD" and its terminator. */
#define RP_DAY_LEN 11
/* Every chart is drawn on a canvas this wide (its viewBox); the page
 * scales it to its own width, on screen and on paper, so a chart's size
 * never depends on how much it shows. */
#define RP_CHART_W 1000.0
#define RP_LEGEND_Y 18.0
#define RP_TEXT_DY 4.0 /* lifts 13 px text onto the middle of its line */
#define RP_COLOR_AXIS "#333333"
#define RP_COLOR_GRID "#dddddd"
/* A chart draws at most this many rows (exercises); the tables list all. */
#define RP_MAX_ROWS 50

/* One page being written. Days are counted from 1970-01-01 in the
 * sessions' own time zone (the offset of their date), so that a session
 * falls in the week its date names. */
typedef struct {
    FILE *out;
    const history_summary *s;
    const report_options *o;
    int64_t *session_day; /* the local day of each session */
    int64_t first_day;    /* the period the charts span, both included */
    int64_t last_day;
} report_page;

/* Items grouped by a name (exercise), the groups in the order their first
 * item comes. */
typedef struct {
    size_t n;      /* groups */
    size_t *of;    /* the group of each item */
    size_t *first; /* each group's first item */
} rp_groups;

/* The name of item i of items; NULL is a name of its own. */
typedef const char *(*rp_name_fn)(const void *items, size_t i);

/* report_util.c. Each is called only by the thread writing the page. */

/* Writes s (NULL: nothing) escaped for HTML text and attribute values;
 * control characters are dropped. */
void rp_text(FILE *out, const char *s);
/* Like rp_text, cut to max_chars characters (UTF-8) ending in "…". */
void rp_text_max(FILE *out, const char *s, size_t max_chars);
/* "YYYY-MM-DD HH:MM" of an ISO 8601 date (escaped as it is when it is not
 * one); "–" for NULL. */
void rp_datetime(FILE *out, const char *iso);
/* The day a "YYYY-MM-DD..." string names. false when it names none. */
bool rp_parse_day(const char *s, int64_t *day);
/* The session's local day: its start_unix moved by its date's offset. */
int64_t rp_session_day(const history_session *ss);
/* The Monday that begins day's ISO week. */
int64_t rp_monday(int64_t day);
/* day as "YYYY-MM-DD" into buf. */
void rp_day_string(int64_t day, char buf[RP_DAY_LEN]);
/* "m:ss" of seconds into buf (minutes past 59 go on: "75:03"). */
void rp_length(double seconds, char *buf, size_t cap);
/* done as a whole percentage of prescribed, rounded down so that 100
 * means everything was done; -1 when nothing was prescribed. */
int rp_percent(int64_t done, int64_t prescribed);
/* Groups n items by name(items, i) in O(n log n). Returns 0 or
 * FC_ERR_NOMEM; rp_groups_free() after either. */
int rp_group(const void *items, size_t n, rp_name_fn name, rp_groups *g);
void rp_groups_free(rp_groups *g);

/* report_chart.c: each writes one <figure> with its caption. Return 0 or
 * FC_ERR_NOMEM. */
int rp_chart_weeks(const report_page *p);
int rp_chart_exercises(const report_page *p);
int rp_chart_pains(const report_page *p);

#endif
