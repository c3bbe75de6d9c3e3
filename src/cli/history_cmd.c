/* floorcoach history and floorcoach report: reading the history back, and
 * forgetting it; and --history / --no-history for the commands that write
 * it. Main thread. */
#define _XOPEN_SOURCE 700 /* strptime */

#include "cli.h"
#include "datapath.h"
#include "history.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* What the user types to confirm forgetting. */
#define FORGET_WORD "forget"
#define SECONDS_PER_MINUTE 60
#define PERCENT 100

int choose_history(const char *cmd, const char *given, bool off, char *buf, size_t cap,
                   const char **path, bool *make_folder)
{
    *path = NULL;
    *make_folder = false;
    if (off)
        return 0;
    if (given) {
        char folder[PATH_MAX];
        if (datapath_folder(given, folder, sizeof folder) < 0 || access(folder, W_OK) != 0) {
            fprintf(stderr, "%s: --history %s: its folder %s does not exist or cannot be "
                    "written; create it, or give another file\n", cmd, given, folder);
            return EXIT_BAD_INPUT;
        }
        *path = given;
        return 0;
    }
    if (history_default_path(buf, cap) < 0) {
        fprintf(stderr, "%s: no history is kept: neither XDG_DATA_HOME nor HOME is set; "
                "give --history FILE, or --no-history\n", cmd);
        return 0; /* the session itself needs no history */
    }
    *path = buf;
    *make_folder = true;
    return 0;
}

int parse_since(const char *cmd, const char *arg, int64_t *out)
{
    struct tm tm = {0};
    const char *end = arg ? strptime(arg, "%Y-%m-%d", &tm) : NULL;
    if (!end || *end) {
        fprintf(stderr, "%s: --since %s: give a date as YYYY-MM-DD, e.g. 2026-11-01\n", cmd,
                arg);
        return EXIT_BAD_INPUT;
    }
    tm.tm_isdst = -1;
    *out = (int64_t)mktime(&tm);
    return 0;
}

int open_history_to_read(const char *cmd, const char *given, history_mode mode, history_t **h)
{
    char buf[PATH_MAX];
    fc_error err = {0};
    if (!given && history_default_path(buf, sizeof buf) < 0) {
        fprintf(stderr, "%s: neither XDG_DATA_HOME nor HOME is set; give --history FILE\n",
                cmd);
        return EXIT_BAD_INPUT;
    }
    const char *path = given ? given : buf;
    /* Even to write (forget), only a history that exists: none is made. */
    if (mode == HISTORY_WRITE && access(path, F_OK) != 0) {
        fprintf(stderr, "%s: %s: no history there (%s)\n", cmd, path, strerror(errno));
        return EXIT_BAD_INPUT;
    }
    if (history_open(path, mode, false, h, &err) < 0)
        return fail(cmd, &err);
    return 0;
}

static void print_table(const history_summary *s)
{
    if (s->n_sessions == 0) {
        printf("No sessions recorded yet.\n");
        return;
    }
    printf("%-16s  %-28s  %6s  %5s  %4s  %s\n", "date", "routine", "length", "done", "pain",
           "ended");
    for (size_t i = 0; i < s->n_sessions; i++) {
        const history_session *x = &s->sessions[i];
        char share[8] = "-";
        if (x->prescribed > 0)
            snprintf(share, sizeof share, "%d%%", x->done * PERCENT / x->prescribed);
        int secs = (int)x->seconds;
        /* "2026-12-02T13:52:02+00:00" reads as "2026-12-02 13:52". */
        printf("%-10.10s %-5.5s  %-28.28s  %3d:%02d  %5s  %4d  %s%s%s\n", x->date,
               strlen(x->date) > 11 ? x->date + 11 : "", x->routine,
               secs / SECONDS_PER_MINUTE, secs % SECONDS_PER_MINUTE, share, x->pains,
               x->end_reason ? x->end_reason : "no end recorded",
               x->end_detail ? ": " : "", x->end_detail ? x->end_detail : "");
    }
}

/* Asks on the terminal; true only for the word itself. */
static bool confirm_forget(const char *path, size_t sessions)
{
    char line[64];
    fprintf(stderr, "This deletes all %zu sessions in %s, for good. Type '%s' to go on: ",
            sessions, path, FORGET_WORD);
    fflush(stderr);
    if (!fgets(line, sizeof line, stdin))
        return false;
    line[strcspn(line, "\r\n")] = '\0';
    return strcmp(line, FORGET_WORD) == 0;
}

static int forget(history_t *h, size_t sessions)
{
    fc_error err = {0};
    if (!confirm_forget(history_path(h), sessions)) {
        fprintf(stderr, "floorcoach history: nothing was deleted\n");
        return EXIT_BAD_INPUT;
    }
    if (history_forget(h, &err) < 0)
        return fail("floorcoach history", &err);
    fprintf(stderr, "floorcoach history: forgot %zu sessions\n", sessions);
    return 0;
}

static void usage_history(FILE *fp)
{
    fprintf(fp,
            "usage: floorcoach history [--history FILE] [--since YYYY-MM-DD] [--json]\n"
            "       floorcoach history --forget [--history FILE]\n"
            "\n"
            "Lists the sessions kept in the history: date, routine, length, the share of\n"
            "the prescribed holds and repetitions done, pain events and how each ended.\n"
            "\n"
            "  --history FILE     the history to read (default:\n"
            "                     $XDG_DATA_HOME/floorcoach/history.sqlite3)\n"
            "  --since DATE       only sessions from that day on\n"
            "  --json             the sessions, their exercises and pain events as JSON\n"
            "  --forget           delete the whole history, after you type '" FORGET_WORD
            "'\n");
}

int cmd_history(int argc, char **argv)
{
    static const struct option opts[] = {
        {"history", required_argument, 0, 'H'}, {"since", required_argument, 0, 's'},
        {"json", no_argument, 0, 'j'},          {"forget", no_argument, 0, 'F'},
        {"help", no_argument, 0, 'h'},          {0, 0, 0, 0},
    };
    const char *given = NULL;
    bool json = false, do_forget = false;
    int64_t since = 0;
    int c, code = 0;
    while ((c = cli_getopt("floorcoach history", argc, argv, opts)) != -1) {
        switch (c) {
        case 'H': given = optarg; break;
        case 's':
            if (parse_since("floorcoach history", optarg, &since))
                return EXIT_BAD_INPUT;
            break;
        case 'j': json = true; break;
        case 'F': do_forget = true; break;
        case 'h': usage_history(stdout); return 0;
        default: usage_history(stderr); return EXIT_BAD_INPUT;
        }
    }
    if (optind < argc || (do_forget && (json || since))) {
        fprintf(stderr, "floorcoach history: %s\n", optind < argc ? "takes no arguments but "
                "its options" : "--forget deletes the whole history: it takes neither --json "
                "nor --since");
        return EXIT_BAD_INPUT;
    }
    history_t *h = NULL;
    history_summary *s = NULL;
    char *text = NULL;
    fc_error err = {0};
    if ((code = open_history_to_read("floorcoach history", given,
                             do_forget ? HISTORY_WRITE : HISTORY_READ, &h)) != 0)
        return code;
    int rc = json ? history_json(h, since, &text, &err) : history_read(h, since, &s, &err);
    if (rc < 0)
        code = fail("floorcoach history", &err);
    else if (json)
        printf("%s\n", text);
    else if (do_forget)
        code = forget(h, s->n_sessions);
    else
        print_table(s);
    free(text);
    history_summary_free(s);
    history_close(h);
    return code;
}
