#include "report.h"

#include "internal/report_page.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_TITLE "floorcoach: exercise report"
#define ISO_DATE_LEN 10
#define SECONDS_PER_HOUR 3600
#define SECONDS_PER_MINUTE 60

/* Inline, like everything on the page: it must print and mail as one file.
 * System fonts only; on paper a chart, a heading and a table row are never
 * split across pages, and table headings repeat on each page. */
static const char PAGE_CSS[] =
    ":root{color-scheme:light}\n"
    "body{font:15px/1.45 system-ui,sans-serif;color:#222;background:#fff;"
    "max-width:62em;margin:1.5em auto;padding:0 1em}\n"
    "h1{font-size:1.6em;margin:0 0 .2em}\n"
    "h2{font-size:1.2em;margin:1.6em 0 .4em;border-bottom:1px solid #ccc}\n"
    ".summary{font-size:1.05em}\n"
    ".empty{font-size:1.2em;font-weight:bold;margin:2em 0}\n"
    "figure.chart{margin:1em 0}\n"
    "figure.chart svg{display:block;width:100%;height:auto}\n"
    "svg text{font:13px system-ui,sans-serif;fill:#222}\n"
    "svg text.mark{font-size:11px;font-weight:bold;fill:#fff}\n"
    "svg text.mark.dark{fill:#000}\n"
    "figcaption{font-size:.9em;color:#444;margin-top:.3em}\n"
    "table{border-collapse:collapse;width:100%;font-size:.9em}\n"
    "th,td{border-bottom:1px solid #ddd;padding:.25em .5em;text-align:left;"
    "vertical-align:top}\n"
    "thead th{border-bottom:2px solid #888}\n"
    ".n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    "@page{margin:15mm}\n"
    "@media print{\n"
    "body{margin:0;max-width:none;font-size:10.5pt}\n"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    "figure.chart,tr{break-inside:avoid;page-break-inside:avoid}\n"
    "h2{break-after:avoid;page-break-after:avoid}\n"
    "thead{display:table-header-group}\n"
    "}\n";

report_options report_options_default(void)
{
    return (report_options){.title = DEFAULT_TITLE};
}

static bool ended_early(const history_session *ss)
{
    return !ss->end_reason || strcmp(ss->end_reason, "completed") != 0;
}

/* The end reason in the README's words; one not known is shown as it is. */
static void write_reason(FILE *out, const char *reason)
{
    static const struct {
        const char *reason, *text;
    } known[] = {
        {"stopped", "stopped: the user said stop"},
        {"interrupted", "interrupted (Ctrl-C, or the system shut the coach down)"},
        {"error", "an error"},
        {"not_cleared", "not cleared: the therapist's clearance was not confirmed"},
    };
    if (!reason) {
        fputs("no end recorded (the coach was killed or lost power)", out);
        return;
    }
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        if (!strcmp(reason, known[i].reason)) {
            fputs(known[i].text, out);
            return;
        }
    }
    rp_text(out, reason);
}

/* The first ten characters (the date) of an ISO 8601 date, escaped. */
static void write_day(FILE *out, const char *iso)
{
    char day[ISO_DATE_LEN + 1];
    snprintf(day, sizeof day, "%s", iso ? iso : "");
    rp_text(out, day);
}

static void write_total_time(FILE *out, double seconds)
{
    long long s = seconds > 0 ? (long long)(seconds + 0.5) : 0;
    long long h = s / SECONDS_PER_HOUR, m = s % SECONDS_PER_HOUR / SECONDS_PER_MINUTE;
    if (h)
        fprintf(out, "%lld h %02lld min", h, m);
    else
        fprintf(out, "%lld min %02lld s", m, s % SECONDS_PER_MINUTE);
}

static void write_heading(const report_page *p)
{
    FILE *out = p->out;
    const history_summary *s = p->s;
    fputs("<header>\n<h1>", out);
    rp_text(out, p->o->title ? p->o->title : DEFAULT_TITLE);
    fputs("</h1>\n<p class=\"period\">Period: ", out);
    if (p->o->since)
        rp_text(out, p->o->since);
    else if (s->n_sessions)
        write_day(out, s->sessions[0].date);
    else
        fputs("all sessions", out);
    if (p->o->generated || s->n_sessions) {
        fputs(" to ", out);
        /* The period runs to the day the page was made, or else to the
         * last session. */
        if (p->o->generated)
            write_day(out, p->o->generated);
        else
            write_day(out, s->sessions[s->n_sessions - 1].date);
    }
    if (p->o->generated) {
        fputs(". Made on ", out);
        rp_datetime(out, p->o->generated);
    }
    fputs(".</p>\n", out);
    if (!s->n_sessions) {
        fputs("</header>\n<p class=\"empty\">No sessions recorded in this period.</p>\n", out);
        return;
    }
    double seconds = 0;
    size_t early = 0;
    for (size_t i = 0; i < s->n_sessions; i++) {
        seconds += s->sessions[i].seconds > 0 ? s->sessions[i].seconds : 0;
        early += ended_early(&s->sessions[i]);
    }
    fprintf(out, "<p class=\"summary\"><strong>%zu session%s</strong>, total time ",
            s->n_sessions, s->n_sessions == 1 ? "" : "s");
    write_total_time(out, seconds);
    fprintf(out, ". %zu ended early; %zu pain event%s.</p>\n</header>\n", early, s->n_pains,
            s->n_pains == 1 ? "" : "s");
}

static void table_pains(const report_page *p)
{
    FILE *out = p->out;
    const history_summary *s = p->s;
    fputs("<table class=\"pains\">\n<thead><tr><th>Date</th><th>Exercise</th><th>Side</th>"
          "<th class=\"n\">Repetition</th><th class=\"n\">Second</th><th class=\"n\">Rating"
          "</th></tr></thead>\n<tbody>\n", out);
    for (size_t i = 0; i < s->n_pains; i++) {
        const history_pain *pn = &s->pains[i];
        fputs("<tr><td>", out);
        rp_datetime(out, pn->date);
        fputs("</td><td>", out);
        rp_text(out, pn->exercise ? pn->exercise : "between exercises");
        fputs("</td><td>", out);
        rp_text(out, pn->side ? pn->side : "–");
        if (pn->rep > 0)
            fprintf(out, "</td><td class=\"n\">%d", pn->rep);
        else
            fputs("</td><td class=\"n\">–", out);
        if (pn->exercise)
            fprintf(out, "</td><td class=\"n\">%d", pn->second);
        else
            fputs("</td><td class=\"n\">–", out);
        if (pn->rating > 0)
            fprintf(out, "</td><td class=\"n\">%d</td></tr>\n", pn->rating);
        else
            fputs("</td><td class=\"n\">no answer</td></tr>\n", out);
    }
    fputs("</tbody>\n</table>\n", out);
}

static void session_cells(FILE *out, const history_session *ss)
{
    char length[32];
    rp_length(ss->seconds, length, sizeof length);
    fputs("<td>", out);
    rp_datetime(out, ss->date);
    fputs("</td><td>", out);
    rp_text(out, ss->routine ? ss->routine : "–");
    fprintf(out, "</td><td class=\"n\">%s</td>", length);
}

static void table_ended(const report_page *p)
{
    FILE *out = p->out;
    const history_summary *s = p->s;
    size_t early = 0;
    for (size_t i = 0; i < s->n_sessions; i++)
        early += ended_early(&s->sessions[i]);
    if (!early) {
        fputs("<p>Every session ran to its end.</p>\n", out);
        return;
    }
    fputs("<table class=\"ended\">\n<thead><tr><th>Date</th><th>Routine</th>"
          "<th class=\"n\">Length</th><th>Why it ended</th><th>Detail</th></tr></thead>\n"
          "<tbody>\n", out);
    for (size_t i = 0; i < s->n_sessions; i++) {
        const history_session *ss = &s->sessions[i];
        if (!ended_early(ss))
            continue;
        fputs("<tr>", out);
        session_cells(out, ss);
        fputs("<td>", out);
        write_reason(out, ss->end_reason);
        fputs("</td><td>", out);
        rp_text(out, ss->end_detail && *ss->end_detail ? ss->end_detail : "–");
        fputs("</td></tr>\n", out);
    }
    fputs("</tbody>\n</table>\n", out);
}

static void table_sessions(const report_page *p)
{
    FILE *out = p->out;
    const history_summary *s = p->s;
    fputs("<table class=\"sessions\">\n<thead><tr><th>Date</th><th>Routine</th>"
          "<th class=\"n\">Length</th><th class=\"n\">Done of prescribed</th>"
          "<th class=\"n\">Pain events</th></tr></thead>\n<tbody>\n", out);
    for (size_t i = 0; i < s->n_sessions; i++) {
        const history_session *ss = &s->sessions[i];
        int pc = rp_percent(ss->done, ss->prescribed);
        fputs("<tr>", out);
        session_cells(out, ss);
        if (pc >= 0)
            fprintf(out, "<td class=\"n\">%d%% (%d of %d)</td>", pc, ss->done < 0 ? 0 : ss->done,
                    ss->prescribed);
        else
            fputs("<td class=\"n\">–</td>", out);
        fprintf(out, "<td class=\"n\">%d</td></tr>\n", ss->pains);
    }
    fputs("</tbody>\n</table>\n", out);
}

/* Each session's local day, and the days the charts span: from since (or
 * the first session) to generated (or the last session), always taking in
 * every session. */
static int prepare(report_page *p)
{
    const history_summary *s = p->s;
    p->session_day = malloc((s->n_sessions ? s->n_sessions : 1) * sizeof *p->session_day);
    if (!p->session_day)
        return FC_ERR_NOMEM;
    for (size_t i = 0; i < s->n_sessions; i++) {
        int64_t d = rp_session_day(&s->sessions[i]);
        p->session_day[i] = d;
        if (i == 0 || d < p->first_day)
            p->first_day = d;
        if (i == 0 || d > p->last_day)
            p->last_day = d;
    }
    int64_t d;
    if (p->o->since && rp_parse_day(p->o->since, &d) && d < p->first_day)
        p->first_day = d;
    if (p->o->generated && rp_parse_day(p->o->generated, &d) && d > p->last_day)
        p->last_day = d;
    return FC_OK;
}

static int write_body(const report_page *p)
{
    FILE *out = p->out;
    const history_summary *s = p->s;
    int rc = FC_OK;
    write_heading(p);
    if (!s->n_sessions)
        return FC_OK;
    fputs("<section>\n<h2>Sessions per week</h2>\n", out);
    rc = rp_chart_weeks(p);
    fputs("</section>\n<section>\n<h2>Holds and repetitions</h2>\n", out);
    if (rc == FC_OK && s->n_sets)
        rc = rp_chart_exercises(p);
    else if (rc == FC_OK)
        fputs("<p>No exercises were recorded in these sessions.</p>\n", out);
    fputs("</section>\n<section>\n<h2>Pain</h2>\n", out);
    if (rc == FC_OK && s->n_pains) {
        rc = rp_chart_pains(p);
        table_pains(p);
    } else {
        fputs("<p>No pain was reported in this period.</p>\n", out);
    }
    fputs("</section>\n<section>\n<h2>Sessions ended early</h2>\n", out);
    table_ended(p);
    fputs("</section>\n<section>\n<h2>All sessions</h2>\n", out);
    table_sessions(p);
    fputs("<p>Done of prescribed: the holds and repetitions done, as a share of those "
          "prescribed, rounded down (100% means all of them).</p>\n</section>\n", out);
    return rc;
}

int report_html(const history_summary *s, const report_options *o, FILE *out, fc_error *err)
{
    report_options defaults = report_options_default();
    report_page p = {.out = out, .s = s, .o = o ? o : &defaults};
    const char *file = p.o->file ? p.o->file : "the report";
    if (!s || !out)
        return fc_fail(err, FC_ERR_ARG, "report_html: no summary or no file to write");
    int rc = prepare(&p);
    if (rc == FC_OK) {
        fputs(REPORT_HTML_MARK "\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
              "<title>", out);
        rp_text(out, p.o->title ? p.o->title : DEFAULT_TITLE);
        fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n", PAGE_CSS);
        rc = write_body(&p);
        fputs("</main>\n</body>\n</html>\n", out);
    }
    free(p.session_day);
    if (rc == FC_ERR_NOMEM)
        return fc_fail(err, rc, "out of memory writing %s", file);
    /* Writes are checked once, at the end: the stream remembers a failure. */
    int e = fflush(out) ? errno : 0;
    if (ferror(out))
        return fc_fail(err, FC_ERR_IO, "%s: cannot write the report: %s%s", file,
                       strerror(e ? e : EIO), e == ENOSPC ? "; free some space" : "");
    return FC_OK;
}
