#include "internal/report_page.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SWATCH 12.0
#define LABEL_CHARS 34

#define COLOR_SESSIONS "#1f6fb2"
#define COLOR_ZERO "#b0b0b0"
#define COLOR_RX "#c62828"
#define COLOR_DONE "#2e7d32"
#define COLOR_PRESCRIBED "#555555"

/* ---- sessions per week ------------------------------------------------- */

/* At most this many bars: beyond ten years each bar holds several weeks
 * (and shows their average), so a bar never gets thinner than the print. */
#define WEEKS_MAX_BARS 520
#define WEEKS_H 330.0
#define WEEKS_X0 56.0
#define WEEKS_X1 985.0
#define WEEKS_TOP 40.0
#define WEEKS_BASE 290.0
#define WEEKS_MAX_Y_TICKS 8
#define WEEKS_MAX_X_LABELS 8
#define WEEKS_GAP 0.2       /* of a bar's slot, when it is wide enough */
#define WEEKS_GAP_MIN_W 4.0 /* thinner slots have no gap */
#define WEEKS_ZERO_H 2.0    /* a week without sessions is a thin grey mark */
#define WEEKS_RX_LEGEND_X 300.0
#define WEEKS_RX_LEGEND_W 30.0
#define DAILY_PER_WEEK 7.0
#define EVERY_OTHER_DAY_PER_WEEK 3.5
#define NO_RX (-1.0)

typedef struct {
    int64_t first_monday;
    int64_t weeks; /* in one bar */
    size_t n;
    int *count;    /* sessions in each bar */
    double *rx;    /* prescribed sessions a week in force, or NO_RX */
    double max_per_week;
    bool daily, every_other_day, without; /* the frequencies met */
} week_bars;

static double per_week(const char *frequency)
{
    if (frequency && !strcmp(frequency, "daily"))
        return DAILY_PER_WEEK;
    if (frequency && !strcmp(frequency, "every other day"))
        return EVERY_OTHER_DAY_PER_WEEK;
    return NO_RX;
}

static int count_weeks(const report_page *p, week_bars *b)
{
    const history_summary *s = p->s;
    b->first_monday = rp_monday(p->first_day);
    int64_t span = (rp_monday(p->last_day) - b->first_monday) / RP_DAYS_PER_WEEK + 1;
    b->weeks = (span + WEEKS_MAX_BARS - 1) / WEEKS_MAX_BARS;
    b->n = (size_t)((span + b->weeks - 1) / b->weeks);
    b->count = calloc(b->n, sizeof *b->count);
    b->rx = malloc(b->n * sizeof *b->rx);
    if (!b->count || !b->rx)
        return FC_ERR_NOMEM;
    for (size_t i = 0; i < b->n; i++)
        b->rx[i] = NO_RX;
    for (size_t i = 0; i < s->n_sessions; i++) {
        int64_t week = (rp_monday(p->session_day[i]) - b->first_monday) / RP_DAYS_PER_WEEK;
        size_t bar = (size_t)(week / b->weeks);
        double rx = per_week(s->sessions[i].frequency);
        b->count[bar]++;
        /* Sessions are oldest first: the bar keeps its last prescription. */
        b->rx[bar] = rx;
        b->daily |= rx == DAILY_PER_WEEK;
        b->every_other_day |= rx == EVERY_OTHER_DAY_PER_WEEK;
        b->without |= rx == NO_RX;
    }
    /* A week without sessions is still under the last prescription. */
    for (size_t i = 1; i < b->n; i++)
        if (b->count[i] == 0)
            b->rx[i] = b->rx[i - 1];
    for (size_t i = 0; i < b->n; i++) {
        double v = (double)b->count[i] / (double)b->weeks;
        b->max_per_week = fmax(b->max_per_week, fmax(v, b->rx[i]));
    }
    return FC_OK;
}

static const char *rx_legend(const week_bars *b)
{
    if (b->daily && b->every_other_day)
        return "Prescribed: daily (7 a week) or every other day (3.5), as it changed";
    if (b->daily)
        return "Prescribed: daily (7 a week)";
    if (b->every_other_day)
        return "Prescribed: every other day (3.5 a week)";
    return "No frequency was prescribed, so there is no line";
}

static void weeks_axes(FILE *out, const week_bars *b, int y_max, int step)
{
    double slot = (WEEKS_X1 - WEEKS_X0) / (double)b->n;
    for (int v = 0; v <= y_max; v += step) {
        double y = WEEKS_BASE - (WEEKS_BASE - WEEKS_TOP) * v / y_max;
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>"
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%d</text>\n",
                WEEKS_X0, y, WEEKS_X1, y, v ? RP_COLOR_GRID : RP_COLOR_AXIS, WEEKS_X0 - 6,
                y + RP_TEXT_DY, v);
    }
    size_t every = (b->n + WEEKS_MAX_X_LABELS - 1) / WEEKS_MAX_X_LABELS;
    for (size_t i = 0; i < b->n; i += every) {
        char day[RP_DAY_LEN];
        rp_day_string(b->first_monday + (int64_t)i * b->weeks * RP_DAYS_PER_WEEK, day);
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
                WEEKS_X0 + slot * ((double)i + 0.5), WEEKS_BASE + 18, day);
    }
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
            (WEEKS_X0 + WEEKS_X1) / 2, WEEKS_H - 4,
            b->weeks == 1 ? "week, by its Monday" : "weeks, by the first Monday of each bar");
}

static void weeks_bars(FILE *out, const week_bars *b, int y_max)
{
    double slot = (WEEKS_X1 - WEEKS_X0) / (double)b->n;
    double gap = slot >= WEEKS_GAP_MIN_W ? slot * WEEKS_GAP : 0;
    double scale = (WEEKS_BASE - WEEKS_TOP) / y_max;
    for (size_t i = 0; i < b->n; i++) {
        double v = (double)b->count[i] / (double)b->weeks;
        double h = b->count[i] ? v * scale : WEEKS_ZERO_H;
        char day[RP_DAY_LEN];
        rp_day_string(b->first_monday + (int64_t)i * b->weeks * RP_DAYS_PER_WEEK, day);
        fprintf(out, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\">"
                "<title>%s %s: %d session%s", WEEKS_X0 + slot * (double)i + gap / 2,
                WEEKS_BASE - h, slot - gap, h, b->count[i] ? COLOR_SESSIONS : COLOR_ZERO,
                b->weeks == 1 ? "Week of" : "Weeks from", day, b->count[i],
                b->count[i] == 1 ? "" : "s");
        if (b->weeks > 1)
            fprintf(out, ", %.1f a week", v);
        fputs("</title></rect>\n", out);
    }
    if (!b->daily && !b->every_other_day)
        return; /* no prescribed frequency: no line */
    /* The prescription as a dashed step line, broken where there is none. */
    bool down = false;
    fputs("<path fill=\"none\" stroke=\"" COLOR_RX "\" stroke-width=\"2.5\" "
          "stroke-dasharray=\"8 5\" d=\"", out);
    for (size_t i = 0; i < b->n; i++) {
        if (b->rx[i] == NO_RX) {
            down = false;
            continue;
        }
        double y = WEEKS_BASE - b->rx[i] * scale;
        if (!down)
            fprintf(out, "M%.2f %.1f", WEEKS_X0 + slot * (double)i, y);
        else if (b->rx[i] != b->rx[i - 1])
            fprintf(out, "V%.1f", y);
        fprintf(out, "H%.2f", WEEKS_X0 + slot * (double)(i + 1));
        down = true;
    }
    fputs("\"/>\n", out);
}

static void draw_weeks(const report_page *p, const week_bars *b)
{
    FILE *out = p->out;
    int y_max = (int)ceil(fmax(b->max_per_week, 1));
    int step = (y_max + WEEKS_MAX_Y_TICKS - 1) / WEEKS_MAX_Y_TICKS;
    y_max = (y_max + step - 1) / step * step;
    char from[RP_DAY_LEN], to[RP_DAY_LEN];
    rp_day_string(b->first_monday, from);
    rp_day_string(rp_monday(p->last_day), to);
    int64_t n_weeks = (rp_monday(p->last_day) - b->first_monday) / RP_DAYS_PER_WEEK + 1;
    const char *rx = rx_legend(b);

    fprintf(out, "<figure class=\"chart\">\n<svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
            "aria-labelledby=\"weeks-t weeks-d\"><title id=\"weeks-t\">Sessions per week"
            "</title><desc id=\"weeks-d\">%zu sessions in %lld weeks, from the week of %s "
            "to the week of %s, %.1f a week on average. %s.</desc>\n",
            RP_CHART_W, WEEKS_H, p->s->n_sessions, (long long)n_weeks, from, to,
            (double)p->s->n_sessions / (double)n_weeks, rx);
    fprintf(out, "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" fill=\"%s\"/>"
            "<text x=\"%.0f\" y=\"%.0f\">Sessions in the week</text>\n",
            WEEKS_X0, RP_LEGEND_Y - SWATCH + 2, SWATCH, SWATCH, COLOR_SESSIONS,
            WEEKS_X0 + SWATCH + 6, RP_LEGEND_Y);
    if (b->daily || b->every_other_day)
        fprintf(out, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"%s\" "
                "stroke-width=\"2.5\" stroke-dasharray=\"8 5\"/>", WEEKS_RX_LEGEND_X,
                RP_LEGEND_Y - RP_TEXT_DY, WEEKS_RX_LEGEND_X + WEEKS_RX_LEGEND_W, RP_LEGEND_Y - RP_TEXT_DY,
                COLOR_RX);
    fprintf(out, "<text x=\"%.0f\" y=\"%.0f\">%s</text>\n",
            WEEKS_RX_LEGEND_X + WEEKS_RX_LEGEND_W + 8, RP_LEGEND_Y, rx);
    weeks_axes(out, b, y_max, step);
    weeks_bars(out, b, y_max);
    fprintf(out, "</svg>\n<figcaption>Sessions in each week (ISO weeks, Monday to Sunday), "
            "from the week of %s to the week of %s; a grey mark is a week without any.",
            from, to);
    if (b->weeks > 1)
        fprintf(out, " Each bar is %lld weeks and shows their sessions per week on average.",
                (long long)b->weeks);
    fprintf(out, " %s", rx);
    if (b->without && (b->daily || b->every_other_day))
        fputs("; the line is missing where the sessions had no prescribed frequency", out);
    fputs(".</figcaption>\n</figure>\n", out);
}

int rp_chart_weeks(const report_page *p)
{
    week_bars b = {0};
    int rc = count_weeks(p, &b);
    if (rc == FC_OK)
        draw_weeks(p, &b);
    free(b.count);
    free(b.rx);
    return rc;
}

/* ---- done against prescribed, per exercise ------------------------------ */

#define WORK_LABEL_X 290.0
#define WORK_BAR_X 300.0
#define WORK_BAR_W 470.0
#define WORK_TOP 36.0
#define WORK_ROW 30.0
#define WORK_BAR_H 18.0
#define WORK_BOTTOM 10.0
#define WORK_LEGEND_STEP 80.0

typedef struct {
    int64_t done, prescribed;
    bool holds, reps;
} work_total;

static const char *set_exercise(const void *items, size_t i)
{
    return ((const history_set *)items)[i].exercise;
}

static const char *work_unit(const work_total *w)
{
    return w->holds && w->reps ? "holds and repetitions" : w->holds ? "holds" : "repetitions";
}

static void work_row(FILE *out, const char *name, const work_total *w, double y, double most)
{
    int pc = rp_percent(w->done, w->prescribed);
    fputs("<g><title>", out);
    rp_text(out, name ? name : "(no name)");
    fprintf(out, ": %lld of %lld %s done", (long long)w->done, (long long)w->prescribed,
            work_unit(w));
    if (pc >= 0)
        fprintf(out, " (%d%%)", pc);
    fprintf(out, "</title><text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">", WORK_LABEL_X,
            y + WORK_BAR_H / 2 + RP_TEXT_DY);
    rp_text_max(out, name ? name : "(no name)", LABEL_CHARS);
    double wp = WORK_BAR_W * (double)w->prescribed / most;
    double wd = WORK_BAR_W * (double)w->done / most;
    fprintf(out, "</text><rect x=\"%.0f\" y=\"%.1f\" width=\"%.1f\" height=\"%.0f\" "
            "fill=\"%s\"/><rect x=\"%.0f\" y=\"%.1f\" width=\"%.1f\" height=\"%.0f\" "
            "fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"/>", WORK_BAR_X, y, wd,
            WORK_BAR_H, COLOR_DONE, WORK_BAR_X, y, wp, WORK_BAR_H, COLOR_PRESCRIBED);
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\">%lld of %lld %s</text></g>\n",
            WORK_BAR_X + fmax(wp, wd) + 8, y + WORK_BAR_H / 2 + RP_TEXT_DY, (long long)w->done,
            (long long)w->prescribed, work_unit(w));
}

static void sum_work(const history_summary *s, const rp_groups *g, work_total *t)
{
    for (size_t i = 0; i < s->n_sets; i++) {
        const history_set *set = &s->sets[i];
        work_total *w = &t[g->of[i]];
        /* A set the session ended before was prescribed and not done. */
        w->prescribed += set->prescribed > 0 ? set->prescribed : 0;
        w->done += set->ran && set->done > 0 ? set->done : 0;
        w->holds |= set->hold_seconds > 0;
        w->reps |= set->hold_seconds <= 0;
    }
}

static void draw_work(const report_page *p, const rp_groups *g, const work_total *t)
{
    FILE *out = p->out;
    const history_summary *s = p->s;
    size_t rows = g->n < RP_MAX_ROWS ? g->n : RP_MAX_ROWS;
    double most = 1;
    int64_t done = 0, prescribed = 0;
    for (size_t r = 0; r < g->n; r++) {
        if (r < rows)
            most = fmax(most, fmax((double)t[r].done, (double)t[r].prescribed));
        done += t[r].done;
        prescribed += t[r].prescribed;
    }
    int pc = rp_percent(done, prescribed);
    fprintf(out, "<figure class=\"chart\">\n<svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
            "aria-labelledby=\"work-t work-d\"><title id=\"work-t\">Holds and repetitions "
            "done against prescribed, per exercise</title><desc id=\"work-d\">%zu exercises; "
            "%lld of %lld holds and repetitions done",
            RP_CHART_W, WORK_TOP + WORK_ROW * (double)rows + WORK_BOTTOM, g->n, (long long)done,
            (long long)prescribed);
    if (pc >= 0)
        fprintf(out, " (%d%%)", pc);
    fprintf(out, ".</desc>\n<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" "
            "fill=\"%s\"/><text x=\"%.0f\" y=\"%.0f\">Done</text><rect x=\"%.0f\" y=\"%.0f\" "
            "width=\"%.0f\" height=\"%.0f\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"/>"
            "<text x=\"%.0f\" y=\"%.0f\">Prescribed</text>\n", WORK_BAR_X,
            RP_LEGEND_Y - SWATCH + 2, SWATCH, SWATCH, COLOR_DONE, WORK_BAR_X + SWATCH + 6,
            RP_LEGEND_Y, WORK_BAR_X + WORK_LEGEND_STEP, RP_LEGEND_Y - SWATCH + 2, SWATCH, SWATCH,
            COLOR_PRESCRIBED, WORK_BAR_X + WORK_LEGEND_STEP + SWATCH + 6, RP_LEGEND_Y);
    for (size_t r = 0; r < rows; r++)
        work_row(out, s->sets[g->first[r]].exercise, &t[r], WORK_TOP + WORK_ROW * (double)r,
                 most);
    fputs("</svg>\n<figcaption>Each exercise's holds and repetitions over the period, both "
          "sides together: the outline is what was prescribed, the green bar what was done. "
          "An exercise that a session ended before counts as prescribed and not done.", out);
    if (rows < g->n)
        fprintf(out, " The first %zu of %zu exercises are drawn.", rows, g->n);
    fputs("</figcaption>\n</figure>\n", out);
}

int rp_chart_exercises(const report_page *p)
{
    rp_groups g;
    work_total *t = NULL;
    int rc = rp_group(p->s->sets, p->s->n_sets, set_exercise, &g);
    if (rc == FC_OK && !(t = calloc(g.n ? g.n : 1, sizeof *t)))
        rc = FC_ERR_NOMEM;
    if (rc == FC_OK) {
        sum_work(p->s, &g, t);
        draw_work(p, &g, t);
    }
    free(t);
    rp_groups_free(&g);
    return rc;
}
