/* The report's pain chart: each pain event by date, one row per exercise
 * that ever had pain, its rating on the marker. */
#include "internal/report_page.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LABEL_CHARS 30

#define PAIN_LABEL_X 260.0
#define PAIN_X0 280.0
#define PAIN_X1 975.0
#define PAIN_TOP 40.0
#define PAIN_ROW 36.0
#define PAIN_AXIS_H 34.0
#define PAIN_R 10.0
/* A marker that would cover the one before it on its row is set beside it,
 * so that both numbers stay readable (two events of one session), unless
 * that moves it by more than a marker from its date or off the chart (a
 * dense stretch of years): then it covers it, and the table has it. */
#define PAIN_GAP 2.0
#define PAIN_MAX_SHIFT (2 * PAIN_R + PAIN_GAP)
#define PAIN_MAX_X_LABELS 6
#define PAIN_LEGEND_X 280.0
#define PAIN_LEGEND_STEP 110.0

#define RATING_MIN 1
#define RATING_MILD_MAX 3
#define RATING_MODERATE_MAX 6
#define RATING_MAX 10

#define COLOR_MILD "#f9a825"
#define COLOR_MODERATE "#ef6c00"
#define COLOR_SEVERE "#b71c1c"
#define COLOR_NO_ANSWER "#8a8a8a"

#define SECONDS_PER_HOUR 3600
#define SECONDS_PER_MINUTE 60
#define ISO_HOUR_AT 11
#define ISO_MINUTE_AT 14

static const char *pain_exercise(const void *items, size_t i)
{
    return ((const history_pain *)items)[i].exercise;
}

static const char *rating_color(int rating)
{
    if (rating < RATING_MIN)
        return COLOR_NO_ANSWER;
    if (rating <= RATING_MILD_MAX)
        return COLOR_MILD;
    if (rating <= RATING_MODERATE_MAX)
        return COLOR_MODERATE;
    return COLOR_SEVERE;
}

/* The day of a pain event, with the time of day as its fraction: the
 * session's local start plus the event's session time. false when its
 * date is not one. */
static bool pain_when(const history_pain *pn, double *day)
{
    int64_t d;
    if (!rp_parse_day(pn->date, &d))
        return false;
    double secs = 0;
    const char *iso = pn->date;
    if (strlen(iso) > ISO_MINUTE_AT + 1 && iso[ISO_HOUR_AT - 1] == 'T')
        secs = atoi(iso + ISO_HOUR_AT) * SECONDS_PER_HOUR +
               atoi(iso + ISO_MINUTE_AT) * SECONDS_PER_MINUTE;
    if (pn->t > 0)
        secs += pn->t;
    *day = (double)d + secs / RP_SECONDS_PER_DAY;
    return true;
}

static double pain_x(const report_page *p, double day)
{
    double span = (double)(p->last_day - p->first_day + 1);
    double x = PAIN_X0 + (day - (double)p->first_day) / span * (PAIN_X1 - PAIN_X0);
    return fmin(fmax(x, PAIN_X0), PAIN_X1);
}

static void pain_axes(const report_page *p, FILE *out, size_t rows)
{
    double bottom = PAIN_TOP + PAIN_ROW * (double)rows;
    for (size_t r = 0; r < rows; r++) {
        double y = PAIN_TOP + PAIN_ROW * ((double)r + 0.5);
        fprintf(out, "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"%s\"/>\n",
                PAIN_X0, y, PAIN_X1, y, RP_COLOR_GRID);
    }
    int64_t span = p->last_day - p->first_day + 1;
    int64_t labels = span < PAIN_MAX_X_LABELS ? span : PAIN_MAX_X_LABELS;
    for (int64_t k = 0; k < labels; k++) {
        int64_t day = p->first_day + k * span / labels;
        char text[RP_DAY_LEN];
        rp_day_string(day, text);
        double x = pain_x(p, (double)day);
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>"
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n", x, PAIN_TOP, x,
                bottom + 4, RP_COLOR_GRID, x, bottom + 18, text);
    }
    fprintf(out, "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"%s\"/>\n",
            PAIN_X0, bottom, PAIN_X1, bottom, RP_COLOR_AXIS);
}

static void pain_legend(FILE *out)
{
    static const struct {
        int rating;
        const char *text;
    } keys[] = {{RATING_MIN, "rated 1-3"}, {RATING_MILD_MAX + 1, "rated 4-6"},
                {RATING_MODERATE_MAX + 1, "rated 7-10"}, {0, "– no answer"}};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        double x = PAIN_LEGEND_X + PAIN_LEGEND_STEP * (double)k;
        fprintf(out, "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"%.0f\" fill=\"%s\"/>"
                "<text x=\"%.0f\" y=\"%.0f\">%s</text>\n", x, RP_LEGEND_Y - RP_TEXT_DY, PAIN_R / 2,
                rating_color(keys[k].rating), x + PAIN_R, RP_LEGEND_Y, keys[k].text);
    }
}

/* One marker; *last_x is where its row's last one was drawn. */
static void pain_marker(const report_page *p, const history_pain *pn, double y, double *last_x)
{
    FILE *out = p->out;
    double day;
    if (!pain_when(pn, &day))
        return;
    double x = pain_x(p, day), beside = *last_x + 2 * PAIN_R + PAIN_GAP;
    if (x < beside && beside - x <= PAIN_MAX_SHIFT && beside <= PAIN_X1)
        x = beside;
    *last_x = x;
    fputs("<g><title>", out);
    rp_datetime(out, pn->date);
    fputs(", ", out);
    rp_text(out, pn->exercise ? pn->exercise : "between exercises");
    if (pn->side) {
        fputs(", ", out);
        rp_text(out, pn->side);
    }
    if (pn->rep > 0)
        fprintf(out, ", repetition %d", pn->rep);
    if (pn->exercise)
        fprintf(out, ", second %d", pn->second);
    if (pn->rating >= RATING_MIN)
        fprintf(out, ": rated %d of %d", pn->rating, RATING_MAX);
    else
        fputs(": no answer", out);
    fprintf(out, "</title><circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.0f\" fill=\"%s\"/>"
            "<text class=\"mark%s\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", x, y,
            PAIN_R, rating_color(pn->rating), pn->rating <= RATING_MILD_MAX ? " dark" : "", x,
            y + RP_TEXT_DY);
    if (pn->rating >= RATING_MIN)
        fprintf(out, "%d", pn->rating);
    else
        fputs("–", out);
    fputs("</text></g>\n", out);
}

static int draw_pains(const report_page *p, const rp_groups *g)
{
    FILE *out = p->out;
    const history_summary *s = p->s;
    size_t rows = g->n < RP_MAX_ROWS ? g->n : RP_MAX_ROWS;
    double *last_x = malloc((rows ? rows : 1) * sizeof *last_x);
    if (!last_x)
        return FC_ERR_NOMEM;
    size_t answered = 0;
    for (size_t i = 0; i < s->n_pains; i++)
        answered += s->pains[i].rating >= RATING_MIN;
    fprintf(out, "<figure class=\"chart\">\n<svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
            "aria-labelledby=\"pain-t pain-d\"><title id=\"pain-t\">Pain events per exercise, "
            "by date, with their ratings</title><desc id=\"pain-d\">%zu pain events on %zu "
            "exercises; %zu rated, %zu without an answer.</desc>\n", RP_CHART_W,
            PAIN_TOP + PAIN_ROW * (double)rows + PAIN_AXIS_H, s->n_pains, g->n, answered,
            s->n_pains - answered);
    pain_legend(out);
    pain_axes(p, out, rows);
    for (size_t r = 0; r < rows; r++) {
        const char *name = s->pains[g->first[r]].exercise;
        last_x[r] = -RP_CHART_W;
        fprintf(out, "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">", PAIN_LABEL_X,
                PAIN_TOP + PAIN_ROW * ((double)r + 0.5) + RP_TEXT_DY);
        rp_text_max(out, name ? name : "Between exercises", LABEL_CHARS);
        fputs("</text>\n", out);
    }
    for (size_t i = 0; i < s->n_pains; i++) {
        size_t r = g->of[i];
        if (r < rows)
            pain_marker(p, &s->pains[i], PAIN_TOP + PAIN_ROW * ((double)r + 0.5), &last_x[r]);
    }
    fputs("</svg>\n<figcaption>Each pain event by date, on the row of the exercise it came "
          "in; the number on it is the rating the user gave, from 1 to 10, and – means they "
          "gave none; events close together are set side by side. The table below lists "
          "every event.", out);
    if (rows < g->n)
        fprintf(out, " The first %zu of %zu exercises are drawn.", rows, g->n);
    fputs("</figcaption>\n</figure>\n", out);
    free(last_x);
    return FC_OK;
}

int rp_chart_pains(const report_page *p)
{
    rp_groups g;
    int rc = rp_group(p->s->pains, p->s->n_pains, pain_exercise, &g);
    if (rc == FC_OK)
        rc = draw_pains(p, &g);
    rp_groups_free(&g);
    return rc;
}
