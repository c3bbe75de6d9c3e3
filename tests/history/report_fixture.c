/* Writes the report page of one fixed, known summary to a file, for
 * test_report_page.sh to draw in a browser.
 * usage: report_fixture OUT.html */
#include "report.h"

#include <stdio.h>
#include <string.h>

#define DAY 86400
#define MONDAY_2024_03_04 1709510400LL /* 2024-03-04T00:00:00Z */
#define N_SESSIONS 12
#define N_EXERCISES 4
#define HOLD_SECONDS 30
#define HOLDS 3
#define REPS 10

/* Four weeks, every other day or so; session 5 stopped by pain, session 8
 * with no end (killed), session 10 stopped by the user. */
static const int session_day[N_SESSIONS] = {0, 2, 4, 7, 9, 11, 14, 16, 18, 21, 23, 25};
static const char *const exercises[N_EXERCISES] = {"Piriformis stretch", "Bridge",
                                                   "Cat-cow", "Hip flexor stretch"};

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: report_fixture OUT.html\n");
        return 2;
    }
    static history_session sessions[N_SESSIONS];
    static history_set sets[N_SESSIONS * N_EXERCISES];
    static char dates[N_SESSIONS][40];
    history_pain pains[3];
    size_t n_sets = 0;
    for (int i = 0; i < N_SESSIONS; i++) {
        int d = session_day[i];
        snprintf(dates[i], sizeof dates[i], "2024-03-%02dT08:00:00+01:00", 4 + d);
        bool pain = i == 4, killed = i == 7, stopped = i == 9;
        int ran = pain ? 1 : killed ? 2 : stopped ? 3 : N_EXERCISES;
        int done = 0, prescribed = 0;
        for (int e = 0; e < N_EXERCISES; e++) {
            bool hold = e != 1;
            int want = hold ? HOLDS : REPS;
            int did = e >= ran ? 0 : e == ran - 1 && ran < N_EXERCISES ? want / 2 : want;
            sets[n_sets++] = (history_set){i + 1, (char *)exercises[e], NULL, e < ran,
                                           hold ? HOLD_SECONDS : 0, want, did,
                                           hold ? did * HOLD_SECONDS : 0};
            done += did;
            prescribed += want;
        }
        sessions[i] = (history_session){
            .id = i + 1, .date = dates[i], .start_unix = MONDAY_2024_03_04 + d * DAY + 7 * 3600,
            .routine = "Hips and back", .frequency = "every other day",
            .seconds = 600.0 * ran / N_EXERCISES + 42, .done = done, .prescribed = prescribed,
            .pains = pain ? 2 : i == 10, .end_reason = pain ? "pain" : killed ? NULL
                                                      : stopped ? "stopped" : "completed",
            .end_detail = pain ? "sharp pain in the left buttock" : NULL};
    }
    pains[0] = (history_pain){5, dates[4], 95, "Piriformis stretch", "left", 2, 14, 7};
    pains[1] = (history_pain){5, dates[4], 130, "Piriformis stretch", "left", 3, 5, 0};
    pains[2] = (history_pain){11, dates[10], 300, "Bridge", NULL, 6, 0, 3};
    history_summary s = {sessions, N_SESSIONS, sets, n_sets, pains, 3};

    report_options o = report_options_default();
    o.title = "Exercise report: A. Patient";
    o.generated = "2024-04-01T09:00:00+02:00";
    o.since = "2024-03-01";
    o.file = argv[1];
    FILE *f = fopen(argv[1], "w");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    fc_error err = {0};
    int rc = report_html(&s, &o, f, &err);
    if (fclose(f) != 0 && rc == 0)
        rc = FC_ERR_IO;
    if (rc) {
        fprintf(stderr, "report_fixture: %s\n", fc_error_message(&err));
        return 1;
    }
    return 0;
}
