/* report: the therapist's page (floorcoach report --html FILE), rendered
 * from a history_summary alone, so that it needs no database and can be
 * tested from structs built by hand.
 *
 * The page is one printable HTML5 file that stands on its own: its CSS and
 * its SVG charts are inline, and it has no scripts and loads nothing (no
 * address, font or image from anywhere), so it can be mailed, opened
 * offline and printed as it is. Every text that comes from the user's files
 * (routine titles, exercise names, end details) is escaped.
 *
 * It shows: the period, the number of sessions and their total time; the
 * sessions of each week against the prescribed frequency; each exercise's
 * holds and repetitions done against prescribed; each pain event by date
 * and exercise with its rating; then tables of every pain event, of the
 * sessions that ended early and why, and of every session (README,
 * "The report page"). */
#ifndef FLOORCOACH_REPORT_H
#define FLOORCOACH_REPORT_H

#include "fc_error.h"
#include "history.h"

#include <stdio.h>

/* The page's first line: a file that starts with it is an earlier report,
 * which floorcoach report may replace; any other file is the user's. */
#define REPORT_HTML_MARK "<!DOCTYPE html><!-- floorcoach report -->"

typedef struct {
    const char *title;     /* the page's heading */
    const char *generated; /* when it was made, "YYYY-MM-DD..." (NULL: not said) */
    const char *since;     /* the period's start, "YYYY-MM-DD..." (NULL: all sessions) */
    const char *file;      /* named in a write error's detail (NULL: "the report") */
} report_options;

/* Any thread. The heading "floorcoach: exercise report", nothing else set. */
report_options report_options_default(void);

/* Any thread (s and out are only read and written by this call). Writes the
 * page for s to out; o NULL is report_options_default(). The weeks run from
 * the week of since (else of the first session) to the week of generated
 * (else of the last session); when generated is not a date or comes before
 * the last session, the last session's week ends them. Returns 0, or
 * FC_ERR_ARG (s or out NULL), FC_ERR_NOMEM, or FC_ERR_IO when out could not
 * be written (with o->file and the reason in err); out may then hold part
 * of a page. */
int report_html(const history_summary *s, const report_options *o, FILE *out, fc_error *err);

#endif
