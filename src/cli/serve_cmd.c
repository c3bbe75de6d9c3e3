/* floorcoach serve: settings from floorcoach.conf (the system's, then the
 * user's, or --config), then the command line over them. */
#include "cli.h"
#include "coach.h"
#include "notify.h"
#include "serve.h"
#include "serve_conf.h"
#include "setup.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage_serve(FILE *fp)
{
    fprintf(fp,
            "usage: floorcoach serve [OPTIONS]\n"
            "\n"
            "Waits, listening, for a start phrase (\"" SERVE_CONF_DEFAULT_PHRASE "\"), answers, runs\n"
            "its routine exactly as 'run' does, and waits again; the service runs this.\n"
            "Settings come from " SERVE_CONF_SYSTEM ", then the user's\n"
            "~/.config/floorcoach/floorcoach.conf (README: The service); options win.\n"
            "\n"
            "  --config FILE      read FILE instead of the user's settings file\n"
            "  --routine NAME     what \"" SERVE_CONF_DEFAULT_PHRASE "\" starts (default fai)\n"
            "  --phrase 'WORDS=>ROUTINE'  a start phrase and its routine; repeat for more\n"
            "                     (replaces the settings files' phrases)\n"
            "  --prescription FILE  the therapist's doses for that routine\n"
            "  --cleared          clearance given beforehand: not asked\n"
            "  --voice NAME       voice profile;  --volume N  1-200 (100 normal)\n"
            "  --output DEV, --input DEV  devices by name (see 'floorcoach devices')\n"
            "  --channel N|mix    a mic-array's channel to listen to (1-8), or mix them\n"
            "  --events FILE      add every session to this JSON Lines record\n"
            "  --history FILE, --no-history, --no-progression  as for run\n"
            "  --calibration FILE, --no-calibration  as for run\n"
            "\n"
            "Files, for tests and benchmarks (the session clock runs as fast as the CPU\n"
            "allows; serve ends once the microphone file has ended and it is idle):\n"
            "  --mic FILE.wav, --out FILE.wav\n"
            "  --echo, --noise, --reverb  a simulated room, as for run\n"
            "  --drop-mic AT:SECONDS  lose the microphone AT seconds in, for SECONDS\n"
            "  --drop-speaker AT:SECONDS  the same for the speaker\n");
}

typedef struct {
    serve_conf conf;
    const char *config, *mic, *out_file, *calibration, *history;
    bool no_history, no_progression;
    bool use_saved, use_room, first_cli_phrase;
    room_config room;
    audio_fault drop, drop_speaker;
} serve_args;

static int parse_drop(const char *opt, const char *arg, audio_fault *f)
{
    double at, len;
    char tail;
    if (sscanf(arg, "%lf:%lf%c", &at, &len, &tail) != 2 || !(at >= 0 && at < 1e7) ||
        !(len > 0 && len < 1e7)) {
        fprintf(stderr, "floorcoach serve: --%s %s: give AT:SECONDS, e.g. 30:5\n", opt, arg);
        return EXIT_BAD_INPUT;
    }
    *f = (audio_fault){(int64_t)(at * FC_RATE), (int64_t)(len * FC_RATE)};
    return 0;
}

/* An option that is also a setting: the same checks as in the file. The
 * first --phrase replaces the files' phrases. */
static int set_option(serve_args *a, const char *key, const char *value)
{
    char where[64];
    fc_error err = {0};
    snprintf(where, sizeof where, "floorcoach serve: --%s", key);
    if (!strcmp(key, "channel"))
        key = "input_channel";
    if (serve_conf_set(&a->conf, key, value, &a->first_cli_phrase, where, &err) < 0) {
        fprintf(stderr, "%s\n", fc_error_message(&err));
        return EXIT_BAD_INPUT;
    }
    return 0;
}

/* The settings files: the system's, then the user's (or --config). */
static int read_settings(serve_args *a)
{
    char user[PATH_MAX];
    fc_error err = {0};
    int rc = serve_conf_read(&a->conf, SERVE_CONF_SYSTEM, true, &err);
    if (rc == FC_OK && a->config)
        rc = serve_conf_read(&a->conf, a->config, false, &err);
    else if (rc == FC_OK && serve_conf_user_path(user, sizeof user) == FC_OK)
        rc = serve_conf_read(&a->conf, user, true, &err);
    return rc < 0 ? fail("floorcoach serve", &err) : 0;
}

static const char *opt_name(const struct option *opts, int val)
{
    while (opts->name && opts->val != val)
        opts++;
    return opts->name;
}

/* Returns -1 to go on, else the exit code. */
static int parse_serve(int argc, char **argv, serve_args *a)
{
    static const struct option opts[] = {
        {"config", required_argument, 0, 'F'},  {"routine", required_argument, 0, 'r'},
        {"phrase", required_argument, 0, 'p'},  {"prescription", required_argument, 0, 'P'},
        {"cleared", no_argument, 0, 'c'},       {"voice", required_argument, 0, 'v'},
        {"volume", required_argument, 0, 'V'},  {"output", required_argument, 0, 'O'},
        {"input", required_argument, 0, 'I'},   {"channel", required_argument, 0, 'i'},
        {"events", required_argument, 0, 'e'},
        {"calibration", required_argument, 0, 'C'}, {"no-calibration", no_argument, 0, 'X'},
        {"mic", required_argument, 0, 'm'},     {"out", required_argument, 0, 'o'},
        {"echo", required_argument, 0, 'E'},    {"noise", required_argument, 0, 'N'},
        {"reverb", no_argument, 0, 'R'},        {"drop-mic", required_argument, 0, 'D'},
        {"drop-speaker", required_argument, 0, 'S'},
        {"history", required_argument, 0, 'H'}, {"no-history", no_argument, 0, 'n'},
        {"no-progression", no_argument, 0, 'G'},
        {"help", no_argument, 0, 'h'},          {0, 0, 0, 0},
    };
    /* The settings files first, so that options override them. */
    for (int i = 1; i + 1 < argc; i++)
        if (!strcmp(argv[i], "--config"))
            a->config = argv[i + 1];
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage_serve(stdout);
            return 0;
        }
    if (read_settings(a))
        return EXIT_BAD_INPUT;
    int c, code = 0;
    while (code == 0 && (c = cli_getopt("floorcoach serve", argc, argv, opts)) != -1) {
        switch (c) {
        case 'F': break;
        case 'r':
        case 'p':
        case 'P':
        case 'v':
        case 'V':
        case 'O':
        case 'I':
        case 'i':
        case 'e': code = set_option(a, opt_name(opts, c), optarg); break;
        case 'c': code = set_option(a, "cleared", "yes"); break;
        case 'C': a->calibration = optarg; break;
        case 'X': a->use_saved = false; break;
        case 'm': a->mic = optarg; break;
        case 'o': a->out_file = optarg; break;
        case 'H': a->history = optarg; break;
        case 'n': a->no_history = true; break;
        case 'G': a->no_progression = true; break;
        case 'E':
        case 'N':
            code = parse_room(c, optarg, &a->room);
            a->use_room = true;
            break;
        case 'R': a->room.reverb = true; break;
        case 'D': code = parse_drop("drop-mic", optarg, &a->drop); break;
        case 'S': code = parse_drop("drop-speaker", optarg, &a->drop_speaker); break;
        default: usage_serve(stderr); return EXIT_BAD_INPUT;
        }
    }
    if (code == 0 && optind < argc) {
        fprintf(stderr, "floorcoach serve: unexpected '%s' (serve takes no routine: use "
                "--routine or --phrase)\n", argv[optind]);
        code = EXIT_BAD_INPUT;
    }
    return code ? code : -1;
}

/* The routines and prescriptions the phrases name, loaded once. */
typedef struct {
    routine_t *routine[SERVE_STARTS_MAX];
    prescription_t *rx[SERVE_STARTS_MAX];
} loaded;

static void unload(loaded *l, int n)
{
    for (int i = 0; i < n; i++) {
        prescription_destroy(l->rx[i]);
        routine_destroy(l->routine[i]);
    }
}

/* The therapist's prescription goes with the main routine; a phrase
 * for another routine runs that routine's own doses. Returns how many were
 * loaded; cfg->n_starts is set only once all of them are. */
static int load_starts(const serve_args *a, serve_config *cfg, loaded *l)
{
    int n = a->conf.n_starts ? a->conf.n_starts : 1;
    for (int i = 0; i < n; i++) {
        const char *name = a->conf.n_starts ? a->conf.starts[i].routine : a->conf.routine;
        bool main_routine = !strcmp(name, a->conf.routine);
        if (!(l->routine[i] = load_routine(name)))
            return i;
        const char *rx = main_routine && a->conf.prescription[0] ? a->conf.prescription : NULL;
        if (rx && !(l->rx[i] = load_prescription(rx, l->routine[i]))) {
            routine_destroy(l->routine[i]);
            return i;
        }
        cfg->starts[i] = (serve_start){a->conf.n_starts ? a->conf.starts[i].phrase
                                                        : SERVE_CONF_DEFAULT_PHRASE,
                                       l->routine[i], l->rx[i], NULL};
    }
    cfg->n_starts = n;
    return n;
}

static void serve_audio(const serve_args *a, serve_config *cfg)
{
    coach_config *c = &cfg->coach;
    c->audio.out = a->out_file ? audio_file(a->out_file)
                               : audio_device(a->conf.output[0] ? a->conf.output : NULL);
    c->audio.in = a->mic ? audio_file(a->mic)
                  : a->out_file ? (audio_endpoint){AUDIO_NONE, NULL, 0}
                                : audio_device(a->conf.input[0] ? a->conf.input : NULL);
    c->audio.in.channel = a->conf.input_channel;
    c->audio.lose_input = a->drop;
    c->audio.lose_output = a->drop_speaker;
    c->room = a->use_room ? &a->room : NULL;
}

int cmd_serve(int argc, char **argv)
{
    serve_args a = {.conf = serve_conf_default(), .use_saved = true, .first_cli_phrase = true,
                    .room = room_config_default()};
    int code = parse_serve(argc, argv, &a);
    if (code >= 0)
        return code;
    serve_config cfg = serve_config_default();
    char calib[PATH_MAX], grammars[PATH_MAX], history[PATH_MAX];
    fc_error err = {0};
    if (choose_history("floorcoach serve", a.history, a.no_history, history, sizeof history,
                       &cfg.coach.history_path, &cfg.coach.history_make_folder))
        return EXIT_BAD_INPUT;
    const char *given_cal = a.calibration ? a.calibration
                            : a.conf.calibration[0] ? a.conf.calibration : NULL;
    if (setup_calibration(given_cal, a.use_saved, calib, sizeof calib, &cfg.coach.calibration,
                          &err) < 0 ||
        setup_voice(a.conf.voice[0] ? a.conf.voice : NULL, &cfg.coach.voice, &err) < 0)
        return fail("floorcoach serve", &err);
    if (a.conf.volume > 0)
        cfg.coach.voice.volume = a.conf.volume;
    loaded l = {{0}, {0}};
    int n = load_starts(&a, &cfg, &l);
    if (cfg.n_starts == 0) {
        unload(&l, n);
        return EXIT_BAD_INPUT;
    }
    setup_grammar_dir(grammars, sizeof grammars);
    cfg.coach.grammar_dir = grammars;
    cfg.coach.events_path = a.conf.events[0] ? a.conf.events : NULL;
    cfg.coach.progression = !a.no_progression;
    cfg.coach.events_append = true; /* the service adds each day to one record */
    cfg.coach.interrupted = &interrupted;
    cfg.coach.alive = notify_alive;
    cfg.coach.wait_for_devices = true; /* a service outlives a busy or late device */
    cfg.cleared = a.conf.cleared;
    cfg.ready = notify_ready;
    serve_audio(&a, &cfg);
    catch_signals();

    int sessions = 0;
    int rc = serve_run(&cfg, &sessions, &err);
    notify_stopping();
    unload(&l, n);
    /* A signal while it still waited for the devices is no failure. */
    if (rc < 0 && !interrupted)
        return fail("floorcoach serve", &err);
    fprintf(stderr, "floorcoach serve: %d session%s\n", sessions, sessions == 1 ? "" : "s");
    return interrupted ? EXIT_INTERRUPTED : 0;
}
