/* floorcoach: command-line entry. Parses arguments into the app's configs,
 * runs the command and maps its result to an exit code; nothing else. Exit codes: 0 success, 1 problems
 * found by `check`, 2 bad input or a failure the user can act on. */
#include "calibrate_session.h"
#include "cli.h"
#include "coach.h"
#include "datapath.h"
#include "fc_error.h"
#include "listen.h"
#include "say.h"
#include "setup.h"

#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXIT_PROBLEMS 1

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
            "\n"
            "'floorcoach COMMAND --help' describes each command.\n");
}

static void usage_run(FILE *fp)
{
    fprintf(fp,
            "usage: floorcoach run [ROUTINE] [OPTIONS]\n"
            "\n"
            "Runs ROUTINE (a file, or a name from the scripts folder; default fai).\n"
            "\n"
            "  --voice NAME       voice profile (default, calm, british, or a file)\n"
            "  --out FILE.wav     render the session to a WAV file instead of the speaker\n"
            "  --mic FILE.wav     read the microphone from a WAV file (any rate)\n"
            "  --events FILE|-    write the JSON Lines event log (- for stdout); a file that\n"
            "                     holds an earlier record is refused, unless --append\n"
            "  --append           add this session to the end of that record (each of its\n"
            "                     events then carries \"session\": an id)\n"
            "  --output DEV       output device, by name or index (see 'floorcoach devices')\n"
            "  --input DEV        input device, by name or index\n"
            "  --channel N|mix    of a microphone with several channels (a mic-array\n"
            "                     HAT): listen to channel N (1-8), or mix them (default)\n"
            "  --keys             read n/r/p/s commands from stdin even if it is not a terminal\n"
            "  --no-keys          never read commands from stdin\n"
            "  --no-listen        do not listen for voice commands\n"
            "  --calibration FILE use this calibration ('floorcoach calibrate') instead of\n"
            "                     the saved one; --no-calibration: use neither\n"
            "  --prescription FILE  the therapist's doses and choices for this routine\n"
            "                     (scripts/README.md); default: the routine's own\n"
            "  --cleared          the therapist has cleared you for a routine that asks\n"
            "                     for it: do not ask (without it, the coach asks and waits\n"
            "                     for \"next\", and runs no exercise without one)\n"
            "\n"
            "Simulated room (for testing without a speaker and microphone):\n"
            "  --echo GAIN_DB[@DELAY_MS]  add the coach's own output to the microphone,\n"
            "                     at GAIN_DB relative to the output, DELAY_MS later (20)\n"
            "  --reverb           add light reverberation to that echo\n"
            "  --noise FILE[@SNR_DB]  mix in looped noise, SNR_DB (10) below speech at -26 dBFS\n"
            "\n"
            "It listens for \"next\", \"repeat\", \"pain\" and \"stop\" on the microphone\n"
            "(the default input device when playing to a speaker, or --mic / --input).\n"
            "Keys (when stdin is a terminal): n next, r repeat, p pain, s stop.\n");
}

static void usage_calibrate(FILE *fp)
{
    fprintf(fp,
            "usage: floorcoach calibrate [OPTIONS]\n"
            "\n"
            "Tunes the recogniser to your voice and room. It asks you to stay quiet for\n"
            "a moment, to say each command a few times, and then a few words it should\n"
            "ignore; it tunes how readily it takes each command, tells you how many of\n"
            "your words it caught before and after, and saves the result, which 'run'\n"
            "and 'listen' then use. Takes about two minutes.\n"
            "\n"
            "  --takes N          times each command is asked for (default 3, 1-10)\n"
            "  --voice NAME       voice profile for the prompts\n"
            "  --input DEV        input device; --output DEV: output device\n"
            "  --mic FILE.wav     read the microphone from a WAV file (for tests)\n"
            "  --out FILE.wav     write the prompts to a WAV file instead of the speaker\n"
            "  --events FILE|-    write the JSON Lines event log\n"
            "  --save FILE        where to save (default %s)\n"
            "  --no-save          only report the figures\n",
            "$XDG_CONFIG_HOME/floorcoach/calibration.conf");
}

static void usage_listen(FILE *fp)
{
    fprintf(fp,
            "usage: floorcoach listen [--mic FILE.wav | --input DEV] [--channel N|mix]\n"
            "                         [--events FILE|-] [--calibration FILE | --no-calibration]\n"
            "\n"
            "Runs recognition only and writes a heard event for every command word\n"
            "(default: to stdout). For checking a microphone, and for benchmarks.\n"
            "With a file it ends at the file's end; with a device, on Ctrl-C.\n");
}

static void usage_check(FILE *fp)
{
    fprintf(fp,
            "usage: floorcoach check ROUTINE... [--prescription FILE]\n"
            "\n"
            "Validates routine scripts, and a prescription against them. Prints\n"
            "file:line:col: message for each problem and exits 1 if there is any, 0 if\n"
            "all are valid.\n");
}

static void usage_say(FILE *fp)
{
    fprintf(fp,
            "usage: floorcoach say TEXT [--voice NAME] [--out FILE.wav]\n"
            "\n"
            "Speaks TEXT with a voice profile, to the speaker or to a WAV file.\n");
}

static void usage_devices(FILE *fp)
{
    fprintf(fp,
            "usage: floorcoach devices\n"
            "\n"
            "Lists audio devices with their index, name, channels and default rate.\n"
            "Pass a name (or part of it) or an index to --input / --output.\n");
}

static int is_help(int argc, char **argv)
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
static void print_report(FILE *fp, routine_report *report)
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

/* What `run` was asked for, before anything is looked up. */
typedef struct {
    const char *voice, *calibration, *out_file, *mic, *in_dev, *out_dev, *events;
    const char *prescription;
    bool use_saved, listen, use_room, cleared, append;
    int keys; /* 1 --keys, 0 --no-keys, -1: when stdin is a terminal */
    int channel; /* --channel: 0 mixes */
    room_config room;
} run_args;

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

static int parse_channel(const char *cmd, const char *arg, int *channel)
{
    if (audio_parse_channel(arg, channel) == FC_OK)
        return 0;
    fprintf(stderr, "%s: --channel %s: give mix, or a channel from 1 to %d\n", cmd, arg,
            AUDIO_CHANNELS_MAX);
    return EXIT_BAD_INPUT;
}

/* Returns -1 to go on, else the exit code. */
static int parse_run(int argc, char **argv, run_args *a)
{
    static const struct option opts[] = {
        {"voice", required_argument, 0, 'v'}, {"out", required_argument, 0, 'o'},
        {"mic", required_argument, 0, 'm'},   {"events", required_argument, 0, 'e'},
        {"output", required_argument, 0, 'O'}, {"input", required_argument, 0, 'I'},
        {"keys", no_argument, 0, 'k'},        {"no-keys", no_argument, 0, 'K'},
        {"no-listen", no_argument, 0, 'L'},   {"echo", required_argument, 0, 'E'},
        {"noise", required_argument, 0, 'N'}, {"reverb", no_argument, 0, 'R'},
        {"calibration", required_argument, 0, 'C'}, {"no-calibration", no_argument, 0, 'X'},
        {"prescription", required_argument, 0, 'P'}, {"cleared", no_argument, 0, 'c'},
        {"append", no_argument, 0, 'A'},      {"channel", required_argument, 0, 'i'},
        {"help", no_argument, 0, 'h'},        {0, 0, 0, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'v': a->voice = optarg; break;
        case 'o': a->out_file = optarg; break;
        case 'm': a->mic = optarg; break;
        case 'e': a->events = optarg; break;
        case 'O': a->out_dev = optarg; break;
        case 'I': a->in_dev = optarg; break;
        case 'k': a->keys = 1; break;
        case 'K': a->keys = 0; break;
        case 'L': a->listen = false; break;
        case 'E':
        case 'N':
            if (parse_room(c, optarg, &a->room))
                return EXIT_BAD_INPUT;
            a->use_room = true;
            break;
        case 'R': a->room.reverb = true; break;
        case 'C': a->calibration = optarg; break;
        case 'X': a->use_saved = false; break;
        case 'P': a->prescription = optarg; break;
        case 'c': a->cleared = true; break;
        case 'A': a->append = true; break;
        case 'i':
            if (parse_channel("floorcoach run", optarg, &a->channel))
                return EXIT_BAD_INPUT;
            break;
        case 'h': usage_run(stdout); return 0;
        default: usage_run(stderr); return EXIT_BAD_INPUT;
        }
    }
    if (argc - optind > 1) {
        fprintf(stderr, "floorcoach run: give at most one routine\n");
        return EXIT_BAD_INPUT;
    }
    return -1;
}

/* Where the sound goes and comes from, and whether anyone listens.
 * Rendering to a file has no microphone unless one is given or simulated. */
static void run_audio(const run_args *a, char *grammars, size_t cap, coach_config *cfg)
{
    cfg->audio.out = a->out_file ? audio_file(a->out_file) : audio_device(a->out_dev);
    if (a->mic)
        cfg->audio.in = audio_file(a->mic); /* read even when nobody listens */
    if (a->listen && (a->mic || a->in_dev || !a->out_file || a->use_room)) {
        setup_grammar_dir(grammars, cap);
        cfg->grammar_dir = grammars;
        /* A device microphone, unless the microphone is a file or simulated. */
        if (!a->mic && (a->in_dev || !a->out_file))
            cfg->audio.in = audio_device(a->in_dev);
    }
    cfg->audio.in.channel = a->channel;
}

static int cmd_run(int argc, char **argv)
{
    run_args a = {.use_saved = true, .listen = true, .keys = -1, .room = room_config_default()};
    int code = parse_run(argc, argv, &a);
    if (code >= 0)
        return code;
    coach_config cfg = coach_config_default();
    char calib_buf[PATH_MAX], grammars[PATH_MAX];
    fc_error err = {0};
    cfg.events_path = a.events;
    cfg.events_append = a.append;
    cfg.room = a.use_room ? &a.room : NULL;
    if (setup_calibration(a.calibration, a.use_saved, calib_buf, sizeof calib_buf,
                          &cfg.calibration, &err) < 0)
        return fail("floorcoach", &err);
    routine_t *routine = load_routine(optind < argc ? argv[optind] : "fai");
    if (!routine)
        return EXIT_BAD_INPUT;
    prescription_t *rx = load_prescription(a.prescription, routine);
    if (!rx) {
        routine_destroy(routine);
        return EXIT_BAD_INPUT;
    }
    if (setup_voice(a.voice, &cfg.voice, &err) < 0) {
        prescription_destroy(rx);
        routine_destroy(routine);
        return fail("floorcoach", &err);
    }
    cfg.routine = routine;
    cfg.prescription = rx;
    cfg.cleared = a.cleared;
    cfg.interrupted = &interrupted;
    cfg.show_status = true;
    if (a.keys == 1 || (a.keys == -1 && isatty(STDIN_FILENO)))
        cfg.keys_fd = STDIN_FILENO;
    run_audio(&a, grammars, sizeof grammars, &cfg);
    catch_signals();

    session_end_reason reason;
    int rc = coach_run(&cfg, &reason, &err);
    prescription_destroy(rx);
    routine_destroy(routine);
    if (rc < 0)
        return fail("floorcoach", &err);
    return reason == SESSION_END_INTERRUPTED ? 130 : 0;
}

/* One routine, and the prescription (may be NULL) against it; prints
 * every problem to stdout. Returns 1 when there is one. */
static int check_one(const char *name, const char *rx_path)
{
    routine_t *r = NULL;
    prescription_t *rx = NULL;
    routine_report report = {0};
    char path[PATH_MAX];
    int problems = 0;
    if (datapath_find("scripts", name, path, sizeof path) < 0)
        snprintf(path, sizeof path, "%s", name); /* let the loader say what is wrong */
    if (routine_load(path, &r, &report, NULL) < 0) {
        problems = 1;
        print_report(stdout, &report);
    } else {
        printf("%s: ok (%zu exercises)\n", path, r->n_exercises);
    }
    if (r && rx_path) {
        if (prescription_load(rx_path, r, &rx, &report, NULL) < 0) {
            problems = 1;
            print_report(stdout, &report);
        } else {
            printf("%s: ok for %s (%zu exercises run)\n", rx_path, path,
                   prescription_exercises_run(rx));
        }
    }
    prescription_destroy(rx);
    routine_destroy(r);
    return problems;
}

static int cmd_check(int argc, char **argv)
{
    if (is_help(argc, argv)) {
        usage_check(stdout);
        return 0;
    }
    if (argc < 2) {
        usage_check(stderr);
        return EXIT_BAD_INPUT;
    }
    const char *rx_path = NULL;
    int problems = 0, routines = 0;
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--prescription") && i + 1 < argc)
            rx_path = argv[++i];
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--prescription") && i + 1 < argc) {
            i++;
            continue;
        }
        routines++;
        problems |= check_one(argv[i], rx_path);
    }
    if (routines == 0) {
        usage_check(stderr);
        return EXIT_BAD_INPUT;
    }
    return problems ? EXIT_PROBLEMS : 0;
}

static int cmd_say(int argc, char **argv)
{
    static const struct option opts[] = {
        {"voice", required_argument, 0, 'v'}, {"out", required_argument, 0, 'o'},
        {"output", required_argument, 0, 'O'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0},
    };
    const char *voice = NULL, *out_file = NULL, *out_dev = NULL;
    audio_config acfg = audio_config_default();
    fc_error err = {0};
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'v': voice = optarg; break;
        case 'o': out_file = optarg; break;
        case 'O': out_dev = optarg; break;
        case 'h': usage_say(stdout); return 0;
        default: usage_say(stderr); return EXIT_BAD_INPUT;
        }
    }
    if (optind >= argc) {
        usage_say(stderr);
        return EXIT_BAD_INPUT;
    }
    voice_profile vp;
    if (setup_voice(voice, &vp, &err) < 0)
        return fail("floorcoach", &err);
    acfg.out = out_file ? audio_file(out_file) : audio_device(out_dev);

    /* Join the remaining words, so quoting is optional. */
    size_t len = 1;
    for (int i = optind; i < argc; i++)
        len += strlen(argv[i]) + 1;
    char *text = calloc(len, 1);
    if (!text)
        return EXIT_BAD_INPUT;
    for (int i = optind; i < argc; i++) {
        strcat(text, argv[i]);
        if (i + 1 < argc)
            strcat(text, " ");
    }
    int rc = app_say(&vp, &acfg, text, &err);
    free(text);
    return rc < 0 ? fail("floorcoach", &err) : 0;
}

static int cmd_listen(int argc, char **argv)
{
    static const struct option opts[] = {
        {"mic", required_argument, 0, 'm'}, {"input", required_argument, 0, 'I'},
        {"events", required_argument, 0, 'e'}, {"help", no_argument, 0, 'h'},
        {"calibration", required_argument, 0, 'C'}, {"no-calibration", no_argument, 0, 'X'},
        {"channel", required_argument, 0, 'i'}, {0, 0, 0, 0},
    };
    listen_config cfg = listen_config_default();
    int channel = 0;
    const char *calibration = NULL;
    bool use_saved = true;
    char calib_buf[PATH_MAX], grammars[PATH_MAX];
    fc_error err = {0};
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'm': cfg.audio.in = audio_file(optarg); break;
        case 'I': cfg.audio.in = audio_device(optarg); break;
        case 'e': cfg.events_path = optarg; break;
        case 'C': calibration = optarg; break;
        case 'X': use_saved = false; break;
        case 'i':
            if (parse_channel("floorcoach listen", optarg, &channel))
                return EXIT_BAD_INPUT;
            break;
        case 'h': usage_listen(stdout); return 0;
        default: usage_listen(stderr); return EXIT_BAD_INPUT;
        }
    }
    if (optind < argc) {
        usage_listen(stderr);
        return EXIT_BAD_INPUT;
    }
    cfg.audio.in.channel = channel;
    setup_grammar_dir(grammars, sizeof grammars);
    cfg.grammar_dir = grammars;
    if (setup_calibration(calibration, use_saved, calib_buf, sizeof calib_buf, &cfg.calibration,
                          &err) < 0)
        return fail("floorcoach", &err);
    cfg.interrupted = &interrupted;
    catch_signals();
    return app_listen(&cfg, &err) < 0 ? fail("floorcoach", &err) : 0;
}

static int cmd_calibrate(int argc, char **argv)
{
    static const struct option opts[] = {
        {"takes", required_argument, 0, 't'},  {"voice", required_argument, 0, 'v'},
        {"input", required_argument, 0, 'I'},  {"output", required_argument, 0, 'O'},
        {"mic", required_argument, 0, 'm'},    {"out", required_argument, 0, 'o'},
        {"events", required_argument, 0, 'e'}, {"save", required_argument, 0, 's'},
        {"no-save", no_argument, 0, 'S'},      {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    calib_config cfg = calib_config_default();
    const char *voice = NULL, *save = NULL, *mic = NULL, *out_file = NULL, *in_dev = NULL,
               *out_dev = NULL;
    bool no_save = false;
    char grammars[PATH_MAX], path[PATH_MAX], *end;
    fc_error err = {0};
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 't':
            cfg.repeats = (int)strtol(optarg, &end, 10);
            if (*end != '\0' || cfg.repeats < 1 || cfg.repeats > 10) {
                fprintf(stderr, "floorcoach calibrate: --takes %s: give a number from 1 to 10\n",
                        optarg);
                return EXIT_BAD_INPUT;
            }
            break;
        case 'v': voice = optarg; break;
        case 'I': in_dev = optarg; break;
        case 'O': out_dev = optarg; break;
        case 'm': mic = optarg; break;
        case 'o': out_file = optarg; break;
        case 'e': cfg.events_path = optarg; break;
        case 's': save = optarg; break;
        case 'S': no_save = true; break;
        case 'h': usage_calibrate(stdout); return 0;
        default: usage_calibrate(stderr); return EXIT_BAD_INPUT;
        }
    }
    if (optind < argc) {
        usage_calibrate(stderr);
        return EXIT_BAD_INPUT;
    }
    if (out_file != NULL && mic == NULL) {
        fprintf(stderr, "floorcoach calibrate: --out writes the prompts to a file, so nobody "
                "hears them; give the answers with --mic FILE.wav too\n");
        return EXIT_BAD_INPUT;
    }
    if (!no_save) {
        if (save == NULL && setup_calibration_path(path, sizeof path) < 0) {
            fprintf(stderr, "floorcoach calibrate: no HOME or XDG_CONFIG_HOME to save in; "
                    "give --save FILE or --no-save\n");
            return EXIT_BAD_INPUT;
        }
        cfg.save_path = save ? save : path;
    }
    if (setup_voice(voice, &cfg.voice, &err) < 0)
        return fail("floorcoach", &err);
    cfg.audio.out = out_file ? audio_file(out_file) : audio_device(out_dev);
    cfg.audio.in = mic ? audio_file(mic) : audio_device(in_dev);
    setup_grammar_dir(grammars, sizeof grammars);
    cfg.grammar_dir = grammars;

    calib_result res;
    if (calib_run(&cfg, &res, &err) < 0)
        return fail("floorcoach calibrate", &err);
    printf("bias: stop %g, pain %g, next %g, repeat %g nats\n", res.bias[FC_CMD_STOP],
           res.bias[FC_CMD_PAIN], res.bias[FC_CMD_NEXT], res.bias[FC_CMD_REPEAT]);
    if (res.silent > 0)
        printf("%d take%s had no speech in them and were left out.\n", res.silent,
               res.silent == 1 ? "" : "s");
    if (cfg.save_path)
        printf("saved to %s\n", cfg.save_path);
    return 0;
}

static int cmd_devices(int argc, char **argv)
{
    if (is_help(argc, argv)) {
        usage_devices(stdout);
        return 0;
    }
    if (audio_list_devices(stdout) < 0) {
        fprintf(stderr, "floorcoach: PortAudio could not start; is the sound system "
                "(ALSA or PulseAudio) installed?\n");
        return EXIT_BAD_INPUT;
    }
    return 0;
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
    fprintf(stderr, "floorcoach: unknown command '%s'\n", cmd);
    usage_main(stderr);
    return EXIT_BAD_INPUT;
}
