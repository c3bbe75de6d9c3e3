/* floorcoach: command-line entry. Picks the command (run_cmd.c, tools_cmd.c,
 * serve_cmd.c parse its arguments into the app's configs) and holds what
 * they share. Exit codes: 0 success, 1 problems found by `check`, 2 bad
 * input or a failure the user can act on, 130 interrupted. */
#include "cli.h"
#include "coach.h"
#include "setup.h"

#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

void catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    /* A closed terminal or ssh session: end as cleanly as Ctrl-C does. */
    sigaction(SIGHUP, &sa, NULL);
}

static void usage_main(FILE *fp)
{
    fprintf(fp,
            "usage: floorcoach COMMAND [OPTIONS]\n"
            "\n"
            "A hands-free voice coach for hip (FAI) physical-therapy routines.\n"
            "\n"
            "commands:\n"
            "  run [ROUTINE]     run a routine aloud (default: scripts/fai.yaml)\n"
            "  serve             wait for \"start my exercises\", run the routine, wait again\n"
            "  check ROUTINE...  validate routine scripts\n"
            "  say TEXT          speak TEXT with a voice profile\n"
            "  listen            recognise commands only, printing heard events\n"
            "  calibrate         tune the recogniser to your voice and room\n"
            "  devices           list audio devices\n"
            "  history           list the sessions kept in your history\n"
            "  report            write the history for your physical therapist\n"
            "\n"
            "'floorcoach COMMAND --help' describes each command; 'floorcoach --version'\n"
            "prints the version.\n");
}

int is_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return 1;
    return 0;
}

/* Tells the user what went wrong: one line, naming the file or device. */
int fail(const char *who, const fc_error *err)
{
    fprintf(stderr, "%s: %s\n", who, fc_error_message(err));
    return EXIT_BAD_INPUT;
}

/* Prints a loader's problems, one per line. */
void print_report(FILE *fp, routine_report *report)
{
    for (size_t i = 0; i < report->n; i++)
        fprintf(fp, "%s\n", report->lines[i]);
    routine_report_clear(report);
}

/* NULL path: the routine's own doses. NULL on failure, having said why. */
prescription_t *load_prescription(const char *path, const routine_t *r)
{
    prescription_t *rx = NULL;
    routine_report report = {0};
    fc_error err = {0};
    int rc = path ? prescription_load(path, r, &rx, &report, &err)
                  : prescription_default(r, &rx);
    if (rc < 0) {
        print_report(stderr, &report);
        if (!path)
            fc_fail(&err, rc, "out of memory");
        fail("floorcoach", &err);
    }
    routine_report_clear(&report);
    return rx;
}

routine_t *load_routine(const char *name)
{
    routine_t *r = NULL;
    routine_report report = {0};
    fc_error err = {0};
    if (setup_routine(name, &r, &report, &err) < 0) {
        print_report(stderr, &report);
        fail("floorcoach", &err);
    }
    routine_report_clear(&report);
    return r;
}

/* --echo and --noise; returns 0 or EXIT_BAD_INPUT after saying why. */
int parse_room(int c, const char *arg, room_config *room)
{
    if (c == 'E' && room_parse_echo(arg, room) < 0) {
        fprintf(stderr, "floorcoach: --echo %s: give GAIN_DB[@DELAY_MS], e.g. 0@20 or "
                "6@35 (gain -60 to 20 dB, delay 0 to 500 ms)\n", arg);
        return EXIT_BAD_INPUT;
    }
    if (c == 'N' && room_parse_noise(arg, room) < 0) {
        fprintf(stderr, "floorcoach: --noise %s: give FILE.wav[@SNR_DB], e.g. "
                "kitchen.wav@10\n", arg);
        return EXIT_BAD_INPUT;
    }
    return 0;
}

/* Two of the files a command writes or reads are one file: the same name,
 * or the same inode under two names. */
static bool same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (!strcmp(a, b))
        return true;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

int distinct_files(const char *cmd, const named_file *files, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (files[i].path && files[j].path && strcmp(files[i].path, "-") &&
                same_file(files[i].path, files[j].path)) {
                fprintf(stderr, "%s: %s and %s are both %s; give each its own file\n", cmd,
                        files[i].option, files[j].option, files[i].path);
                return EXIT_BAD_INPUT;
            }
    return 0;
}

int cli_getopt(const char *cmd, int argc, char **argv, const struct option *opts)
{
    int idx = -1;
    int c = getopt_long(argc, argv, "h", opts, &idx);
    if (c != -1 && c != '?' && idx >= 0 && opts[idx].has_arg == required_argument &&
        optarg && !strncmp(optarg, "--", 2)) {
        fprintf(stderr, "%s: --%s needs a value, but the next word is the option %s\n", cmd,
                opts[idx].name, optarg);
        return '?';
    }
    return c;
}

int parse_channel(const char *cmd, const char *arg, int *channel)
{
    if (audio_parse_channel(arg, channel) == FC_OK)
        return 0;
    fprintf(stderr, "%s: --channel %s: give mix, or a channel from 1 to %d\n", cmd, arg,
            AUDIO_CHANNELS_MAX);
    return EXIT_BAD_INPUT;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage_main(stderr);
        return EXIT_BAD_INPUT;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage_main(stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
        printf("floorcoach %s\n", FC_VERSION);
        return 0;
    }
    argc--;
    argv++;
    if (!strcmp(cmd, "run"))
        return cmd_run(argc, argv);
    if (!strcmp(cmd, "check"))
        return cmd_check(argc, argv);
    if (!strcmp(cmd, "serve"))
        return cmd_serve(argc, argv);
    if (!strcmp(cmd, "say"))
        return cmd_say(argc, argv);
    if (!strcmp(cmd, "devices"))
        return cmd_devices(argc, argv);
    if (!strcmp(cmd, "listen"))
        return cmd_listen(argc, argv);
    if (!strcmp(cmd, "calibrate"))
        return cmd_calibrate(argc, argv);
    if (!strcmp(cmd, "history"))
        return cmd_history(argc, argv);
    if (!strcmp(cmd, "report"))
        return cmd_report(argc, argv);
    fprintf(stderr, "floorcoach: unknown command '%s'\n", cmd);
    usage_main(stderr);
    return EXIT_BAD_INPUT;
}
