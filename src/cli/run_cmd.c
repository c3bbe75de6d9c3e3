/* floorcoach run: its options, and the coach they configure. Main thread. */
#include "cli.h"
#include "coach.h"
#include "setup.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

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
            "  --history FILE     keep the session in this history (SQLite; default\n"
            "                     $XDG_DATA_HOME/floorcoach/history.sqlite3);\n"
            "                     --no-history: keep none\n"
            "  --no-progression   keep the prescribed doses: do not step them within their\n"
            "                     ranges from the history\n"
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

/* What `run` was asked for, before anything is looked up. */
typedef struct {
    const char *voice, *calibration, *out_file, *mic, *in_dev, *out_dev, *events;
    const char *prescription, *history;
    bool no_history, no_progression;
    bool use_saved, listen, use_room, cleared, append;
    int keys; /* 1 --keys, 0 --no-keys, -1: when stdin is a terminal */
    int channel; /* --channel: 0 mixes */
    room_config room;
} run_args;

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
        {"history", required_argument, 0, 'H'}, {"no-history", no_argument, 0, 'n'},
        {"no-progression", no_argument, 0, 'G'},
        {"help", no_argument, 0, 'h'},        {0, 0, 0, 0},
    };
    int c;
    while ((c = cli_getopt("floorcoach run", argc, argv, opts)) != -1) {
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
        case 'H': a->history = optarg; break;
        case 'n': a->no_history = true; break;
        case 'G': a->no_progression = true; break;
        case 'i':
            if (parse_channel("floorcoach run", optarg, &a->channel))
                return EXIT_BAD_INPUT;
            break;
        case 'h': usage_run(stdout); return 0;
        default: usage_run(stderr); return EXIT_BAD_INPUT;
        }
    }
    if (argc - optind > 1) {
        fprintf(stderr, "floorcoach run: give at most one routine (got %s and %s); an option's "
                "value may be missing\n", argv[optind], argv[optind + 1]);
        return EXIT_BAD_INPUT;
    }
    const named_file files[] = {{"--out", a->out_file}, {"--events", a->events},
                                {"--mic", a->mic}, {"--history", a->history}, {"--noise", a->room.noise_file[0] ?
                                                    a->room.noise_file : NULL}};
    return distinct_files("floorcoach run", files, sizeof files / sizeof files[0]) ? EXIT_BAD_INPUT
                                                                                  : -1;
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

/* One line on what a render made, so a silent success is not mistaken
 * for nothing happening. On stderr: stdout may be the event log. */
static void say_written(const char *path)
{
    double s = 0;
    if (audio_file_seconds(path, &s, NULL) == FC_OK)
        fprintf(stderr, "floorcoach: wrote %s (%d:%02d of audio)\n", path, (int)(s / 60),
                (int)s % 60);
}

int cmd_run(int argc, char **argv)
{
    run_args a = {.use_saved = true, .listen = true, .keys = -1, .room = room_config_default()};
    int code = parse_run(argc, argv, &a);
    if (code >= 0)
        return code;
    coach_config cfg = coach_config_default();
    char calib_buf[PATH_MAX], grammars[PATH_MAX], history[PATH_MAX];
    fc_error err = {0};
    if (choose_history("floorcoach run", a.history, a.no_history, history, sizeof history,
                       &cfg.history_path, &cfg.history_make_folder))
        return EXIT_BAD_INPUT;
    cfg.events_path = a.events;
    cfg.events_append = a.append;
    cfg.progression = !a.no_progression;
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
    if (rc == FC_ERR_INTERRUPTED)
        return EXIT_INTERRUPTED;
    if (rc < 0)
        return fail("floorcoach", &err);
    if (a.out_file)
        say_written(a.out_file);
    return reason == SESSION_END_INTERRUPTED ? EXIT_INTERRUPTED : 0;
}
