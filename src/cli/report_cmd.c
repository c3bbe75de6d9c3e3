/* floorcoach report: the therapist's page (--html) and a spreadsheet's
 * table (--csv) of the history. Main thread. Nothing leaves the device but
 * through these files, written where the user says. */
#define _XOPEN_SOURCE 700 /* localtime_r */

#include "cli.h"
#include "history.h"
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The first line of the CSV (the page's is REPORT_HTML_MARK): a file that
 * starts with it is an earlier report, replaced; any other is refused. */
#define REPORT_FILE_MODE 0600
#define REPORT_CSV_HEAD "session,date,routine,t,event,exercise,side,word,source,score,number,text"

typedef struct {
    const char *history, *html, *csv, *since_arg;
    int64_t since;
} report_args;

static void usage_report(FILE *fp)
{
    fprintf(fp,
            "usage: floorcoach report (--html FILE | --csv FILE)... [--since YYYY-MM-DD]\n"
            "                         [--history FILE]\n"
            "\n"
            "Writes the history for your physical therapist: --html one printable page\n"
            "with charts (sessions a week against the prescription, holds and repetitions\n"
            "done against prescribed, pain events with their ratings) and tables (every\n"
            "pain event, the sessions ended early); --csv every event of every session,\n"
            "one a row. An existing file is replaced only if it is an earlier report.\n"
            "\n"
            "  --history FILE     the history to read (default:\n"
            "                     $XDG_DATA_HOME/floorcoach/history.sqlite3)\n"
            "  --since DATE       only sessions from that day on\n");
}

/* True when path is missing, empty, or starts with mark. */
static bool ours_to_replace(const char *path, const char *mark)
{
    char head[128] = "";
    FILE *fp = fopen(path, "r");
    if (!fp)
        return errno == ENOENT;
    size_t n = fread(head, 1, sizeof head - 1, fp);
    fclose(fp);
    head[n] = '\0';
    return n == 0 || strncmp(head, mark, strlen(mark)) == 0;
}

/* A CSV field: quoted, with its quotes doubled (RFC 4180). */
static void csv_field(FILE *fp, const char *s, bool last)
{
    if (s) {
        fputc('"', fp);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', fp);
            fputc(*s, fp);
        }
        fputc('"', fp);
    }
    fputc(last ? '\n' : ',', fp);
}

static int csv_row(void *ctx, const history_event_row *r)
{
    FILE *fp = ctx;
    fprintf(fp, "%lld,", (long long)r->session);
    csv_field(fp, r->date, false);
    csv_field(fp, r->routine, false);
    fprintf(fp, "%.3f,", r->t);
    const char *rest[] = {r->event, r->exercise, r->side, r->word, r->source, r->score,
                          r->number, r->text};
    size_t n = sizeof rest / sizeof rest[0];
    for (size_t i = 0; i < n; i++)
        csv_field(fp, rest[i], i + 1 == n);
    return ferror(fp) ? FC_ERR_IO : FC_OK;
}

/* Writes path through path.part, renamed over it once whole: a failed
 * report never leaves half a page where the last good one was. */
typedef int (*report_writer)(history_t *h, const report_args *a, FILE *fp, fc_error *err);

static int write_file(history_t *h, const report_args *a, const char *path, const char *mark,
                      report_writer write, fc_error *err)
{
    char part[PATH_MAX];
    if (!ours_to_replace(path, mark))
        return fc_fail(err, FC_ERR_IO, "%s already holds something that is not a floorcoach "
                       "report; give a new file, or remove that one", path);
    if (snprintf(part, sizeof part, "%s.part", path) >= (int)sizeof part)
        return fc_fail(err, FC_ERR_ARG, "%s: the name is too long", path);
    /* Health data: the owner's only, as the history is, until the user
     * chooses to share it. */
    int fd = open(part, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, REPORT_FILE_MODE);
    FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!fp && fd >= 0)
        close(fd);
    if (!fp)
        return fc_fail(err, FC_ERR_IO, "%s: cannot write the report (%s); check the folder "
                       "exists and is writable", part, strerror(errno));
    int rc = write(h, a, fp, err);
    if (fclose(fp) != 0 && rc == FC_OK)
        rc = fc_fail(err, FC_ERR_IO, "%s: cannot write the report (%s)", part, strerror(errno));
    if (rc == FC_OK && rename(part, path) != 0)
        rc = fc_fail(err, FC_ERR_IO, "%s: cannot write the report (%s)", path, strerror(errno));
    if (rc < 0)
        unlink(part);
    return rc;
}

static int write_csv(history_t *h, const report_args *a, FILE *fp, fc_error *err)
{
    fprintf(fp, "%s\n", REPORT_CSV_HEAD);
    int rc = history_each_event(h, a->since, csv_row, fp, err);
    if (rc == FC_ERR_IO && err->code == FC_OK)
        rc = fc_fail(err, FC_ERR_IO, "%s: cannot write the report: %s", a->csv, strerror(errno));
    return rc;
}

static int write_html(history_t *h, const report_args *a, FILE *fp, fc_error *err)
{
    history_summary *s = NULL;
    char today[32];
    time_t now = time(NULL);
    struct tm tm;
    strftime(today, sizeof today, "%Y-%m-%d", localtime_r(&now, &tm));
    int rc = history_read(h, a->since, &s, err);
    if (rc == FC_OK) {
        report_options o = report_options_default();
        o.generated = today;
        o.since = a->since_arg;
        o.file = a->html;
        rc = report_html(s, &o, fp, err);
    }
    history_summary_free(s);
    return rc;
}

static int parse_report(int argc, char **argv, report_args *a)
{
    static const struct option opts[] = {
        {"history", required_argument, 0, 'H'}, {"since", required_argument, 0, 's'},
        {"html", required_argument, 0, 'w'},    {"csv", required_argument, 0, 'c'},
        {"help", no_argument, 0, 'h'},          {0, 0, 0, 0},
    };
    int c;
    while ((c = cli_getopt("floorcoach report", argc, argv, opts)) != -1) {
        switch (c) {
        case 'H': a->history = optarg; break;
        case 's': a->since_arg = optarg; break;
        case 'w': a->html = optarg; break;
        case 'c': a->csv = optarg; break;
        case 'h': usage_report(stdout); return 0;
        default: usage_report(stderr); return EXIT_BAD_INPUT;
        }
    }
    if (optind < argc || (!a->html && !a->csv)) {
        fprintf(stderr, "floorcoach report: give --html FILE, --csv FILE or both\n");
        return EXIT_BAD_INPUT;
    }
    if (a->since_arg && parse_since("floorcoach report", a->since_arg, &a->since))
        return EXIT_BAD_INPUT;
    const named_file files[] = {{"--history", a->history}, {"--html", a->html},
                                {"--csv", a->csv}};
    return distinct_files("floorcoach report", files, sizeof files / sizeof files[0])
               ? EXIT_BAD_INPUT
               : -1;
}

int cmd_report(int argc, char **argv)
{
    report_args a = {0};
    int code = parse_report(argc, argv, &a);
    if (code >= 0)
        return code;
    history_t *h = NULL;
    fc_error err = {0};
    if ((code = open_history_to_read("floorcoach report", a.history, HISTORY_READ, &h)) != 0)
        return code;
    int rc = FC_OK;
    if (a.html)
        rc = write_file(h, &a, a.html, REPORT_HTML_MARK, write_html, &err);
    if (rc == FC_OK && a.csv)
        rc = write_file(h, &a, a.csv, REPORT_CSV_HEAD, write_csv, &err);
    history_close(h);
    if (rc < 0)
        return fail("floorcoach report", &err);
    if (a.html)
        fprintf(stderr, "floorcoach report: wrote %s\n", a.html);
    if (a.csv)
        fprintf(stderr, "floorcoach report: wrote %s\n", a.csv);
    return 0;
}
