/* floorcoach: command-line entry. Parses arguments, wires modules, maps
 * results to exit codes; nothing else. Exit codes: 0 success, 1 problems
 * found by `check`, 2 bad input or a failure the user can act on. */
#include "asr.h"
#include "audio.h"
#include "calibrate.h"
#include "coach.h"
#include "datapath.h"
#include "eventlog.h"
#include "fc_error.h"
#include "listener.h"
#include "routine.h"
#include "tts.h"
#include "voice.h"

#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXIT_PROBLEMS 1
#define EXIT_BAD_INPUT 2

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

static void catch_signals(void)
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
            "  --events FILE|-    write the JSON Lines event log (- for stdout)\n"
            "  --output DEV       output device, by name or index (see 'floorcoach devices')\n"
            "  --input DEV        input device, by name or index\n"
            "  --keys             read n/r/p/s commands from stdin even if it is not a terminal\n"
            "  --no-keys          never read commands from stdin\n"
            "  --no-listen        do not listen for voice commands\n"
            "  --calibration FILE use this calibration ('floorcoach calibrate') instead of\n"
            "                     the saved one; --no-calibration: use neither\n"
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
            "usage: floorcoach listen [--mic FILE.wav | --input DEV] [--events FILE|-]\n"
            "                         [--calibration FILE | --no-calibration]\n"
            "\n"
            "Runs recognition only and writes a heard event for every command word\n"
            "(default: to stdout). For checking a microphone, and for benchmarks.\n"
            "With a file it ends at the file's end; with a device, on Ctrl-C.\n");
}

static void usage_check(FILE *fp)
{
    fprintf(fp,
            "usage: floorcoach check ROUTINE...\n"
            "\n"
            "Validates routine scripts. Prints file:line:col: message for each problem\n"
            "and exits 1 if there is any, 0 if all are valid.\n");
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

static int load_voice(const char *name, voice_profile *out)
{
    char path[PATH_MAX], err[512];
    if (!name)
        name = "default";
    if (datapath_find("voices", name, path, sizeof path) < 0) {
        fprintf(stderr, "floorcoach: no voice profile '%s' (looked for %s); the voices folder "
                "has default, calm and british\n", name, path);
        return -1;
    }
    if (voice_load(path, out, err, sizeof err) < 0) {
        fprintf(stderr, "floorcoach: %s\n", err);
        return -1;
    }
    return 0;
}

/* The user's calibration file: $FLOORCOACH_CALIBRATION, else
 * $XDG_CONFIG_HOME/floorcoach/calibration.conf, else under ~/.config.
 * Returns 0, or -1 when no home is known. */
static int calibration_path(char *dst, size_t cap)
{
    const char *env = getenv("FLOORCOACH_CALIBRATION"), *xdg = getenv("XDG_CONFIG_HOME"),
               *home = getenv("HOME");
    int n;
    if (env && *env)
        n = snprintf(dst, cap, "%s", env);
    else if (xdg && *xdg)
        n = snprintf(dst, cap, "%s/floorcoach/calibration.conf", xdg);
    else if (home && *home)
        n = snprintf(dst, cap, "%s/.config/floorcoach/calibration.conf", home);
    else
        return -1;
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* Picks the calibration for run and listen: `given` (--calibration), or the
 * saved one if there is one, or none (use_saved false, or no file).  A file
 * that is there but broken is an error: silently running untuned would
 * surprise the user who calibrated.  Returns 0 with *out set (NULL: none),
 * or -1 after telling the user. */
static int pick_calibration(const char *given, bool use_saved, char *buf, size_t cap,
                            const char **out)
{
    char err[600];
    *out = NULL;
    if (given != NULL) {
        snprintf(buf, cap, "%s", given);
    } else {
        if (!use_saved || calibration_path(buf, cap) < 0 || access(buf, F_OK) != 0)
            return 0;
    }
    if (asr_conf_check(buf, err, sizeof err) < 0) {
        fprintf(stderr, "floorcoach: calibration %s; run 'floorcoach calibrate' again, or "
                "delete the file to use the defaults\n", err);
        return -1;
    }
    *out = buf;
    return 0;
}

static routine_t *load_routine(const char *name)
{
    char path[PATH_MAX];
    routine_t *r = NULL;
    routine_report report = {0};
    if (datapath_find("scripts", name, path, sizeof path) < 0) {
        fprintf(stderr, "floorcoach: %s: no such routine; give a file, or a name from %s/scripts\n",
                name, datapath_dir());
        return NULL;
    }
    if (routine_load(path, &r, &report) < 0) {
        for (size_t i = 0; i < report.n; i++)
            fprintf(stderr, "%s\n", report.lines[i]);
        fprintf(stderr, "floorcoach: %s is not a valid routine; 'floorcoach check %s' lists "
                "every problem\n", path, path);
    }
    routine_report_clear(&report);
    return r;
}

static int cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {
        {"voice", required_argument, 0, 'v'}, {"out", required_argument, 0, 'o'},
        {"mic", required_argument, 0, 'm'},   {"events", required_argument, 0, 'e'},
        {"output", required_argument, 0, 'O'}, {"input", required_argument, 0, 'I'},
        {"keys", no_argument, 0, 'k'},        {"no-keys", no_argument, 0, 'K'},
        {"no-listen", no_argument, 0, 'L'},   {"echo", required_argument, 0, 'E'},
        {"noise", required_argument, 0, 'N'}, {"reverb", no_argument, 0, 'R'},
        {"calibration", required_argument, 0, 'C'}, {"no-calibration", no_argument, 0, 'X'},
        {"help", no_argument, 0, 'h'},        {0, 0, 0, 0},
    };
    const char *calibration = NULL;
    bool use_saved = true;
    char calib_buf[PATH_MAX];
    room_config room = room_config_default();
    bool use_room = false;
    coach_config cfg = coach_config_default();
    const char *voice = NULL;
    int keys = -1; /* -1: when stdin is a terminal */
    bool listen = true;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'v': voice = optarg; break;
        case 'o': cfg.audio.out_file = optarg; break;
        case 'm': cfg.audio.in_file = optarg; break;
        case 'e': cfg.events_path = optarg; break;
        case 'O': cfg.audio.out_device = optarg; break;
        case 'I': cfg.audio.in_device = optarg; break;
        case 'k': keys = 1; break;
        case 'K': keys = 0; break;
        case 'L': listen = false; break;
        case 'E':
            if (room_parse_echo(optarg, &room) < 0) {
                fprintf(stderr, "floorcoach: --echo %s: give GAIN_DB[@DELAY_MS], e.g. 0@20 or "
                        "6@35 (gain -60 to 20 dB, delay 0 to 500 ms)\n", optarg);
                return EXIT_BAD_INPUT;
            }
            use_room = true;
            break;
        case 'N':
            if (room_parse_noise(optarg, &room) < 0) {
                fprintf(stderr, "floorcoach: --noise %s: give FILE.wav[@SNR_DB], e.g. "
                        "kitchen.wav@10\n", optarg);
                return EXIT_BAD_INPUT;
            }
            use_room = true;
            break;
        case 'R': room.reverb = true; break;
        case 'C': calibration = optarg; break;
        case 'X': use_saved = false; break;
        case 'h': usage_run(stdout); return 0;
        default: usage_run(stderr); return EXIT_BAD_INPUT;
        }
    }
    if (argc - optind > 1) {
        fprintf(stderr, "floorcoach run: give at most one routine\n");
        return EXIT_BAD_INPUT;
    }
    if (use_room)
        cfg.audio.room = &room;
    if (pick_calibration(calibration, use_saved, calib_buf, sizeof calib_buf,
                         &cfg.calibration) < 0)
        return EXIT_BAD_INPUT;
    routine_t *routine = load_routine(optind < argc ? argv[optind] : "fai");
    if (!routine)
        return EXIT_BAD_INPUT;
    if (load_voice(voice, &cfg.voice) < 0) {
        routine_destroy(routine);
        return EXIT_BAD_INPUT;
    }
    cfg.routine = routine;
    cfg.interrupted = &interrupted;
    cfg.show_status = true;
    if (keys == 1 || (keys == -1 && isatty(STDIN_FILENO)))
        cfg.keys_fd = STDIN_FILENO;
    /* Rendering to a file has no microphone unless one is given or simulated. */
    char grammars[PATH_MAX];
    snprintf(grammars, sizeof grammars, "%s/grammars", datapath_dir());
    if (listen && (cfg.audio.in_file || cfg.audio.in_device || !cfg.audio.out_file || use_room)) {
        cfg.grammar_dir = grammars;
        /* A device microphone, unless the microphone is a file or simulated. */
        cfg.audio.want_input = !cfg.audio.in_file && (cfg.audio.in_device || !cfg.audio.out_file);
    }
    catch_signals();

    char err[512] = "";
    session_end_reason reason;
    int rc = coach_run(&cfg, &reason, err, sizeof err);
    routine_destroy(routine);
    if (rc < 0) {
        fprintf(stderr, "floorcoach: %s\n", err[0] ? err : fc_strerror(rc));
        return EXIT_BAD_INPUT;
    }
    return reason == SESSION_END_INTERRUPTED ? 130 : 0;
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
    int problems = 0;
    for (int i = 1; i < argc; i++) {
        routine_t *r = NULL;
        routine_report report = {0};
        char path[PATH_MAX];
        if (datapath_find("scripts", argv[i], path, sizeof path) < 0)
            snprintf(path, sizeof path, "%s", argv[i]); /* let the loader say what is wrong */
        if (routine_load(path, &r, &report) < 0) {
            problems = 1;
            for (size_t j = 0; j < report.n; j++)
                printf("%s\n", report.lines[j]);
        } else {
            printf("%s: ok (%zu exercises)\n", path, r->n_exercises);
        }
        routine_report_clear(&report);
        routine_destroy(r);
    }
    return problems ? EXIT_PROBLEMS : 0;
}

static int cmd_say(int argc, char **argv)
{
    static const struct option opts[] = {
        {"voice", required_argument, 0, 'v'}, {"out", required_argument, 0, 'o'},
        {"output", required_argument, 0, 'O'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0},
    };
    const char *voice = NULL;
    audio_config acfg = audio_config_default();
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'v': voice = optarg; break;
        case 'o': acfg.out_file = optarg; break;
        case 'O': acfg.out_device = optarg; break;
        case 'h': usage_say(stdout); return 0;
        default: usage_say(stderr); return EXIT_BAD_INPUT;
        }
    }
    if (optind >= argc) {
        usage_say(stderr);
        return EXIT_BAD_INPUT;
    }
    voice_profile vp;
    if (load_voice(voice, &vp) < 0)
        return EXIT_BAD_INPUT;

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

    int status = EXIT_BAD_INPUT;
    char err[512] = "";
    tts_t *tts = NULL;
    audio_t *audio = NULL;
    tts_clip clip;
    int rc = tts_create(&vp, &tts);
    if (rc < 0) {
        fprintf(stderr, "floorcoach: %s\n", tts_last_error());
        goto done;
    }
    if ((rc = tts_get(tts, text, TTS_STYLE_NARRATION, 0, &clip)) < 0) {
        fprintf(stderr, "floorcoach: could not synthesize: %s\n", fc_strerror(rc));
        goto done;
    }
    if ((rc = audio_open(&acfg, &audio, err, sizeof err)) < 0) {
        fprintf(stderr, "floorcoach: %s\n", err);
        goto done;
    }
    int16_t in[160], block[160];
    for (size_t off = 0; off < clip.n; off += 160) {
        size_t n = clip.n - off < 160 ? clip.n - off : 160;
        memset(block, 0, sizeof block);
        memcpy(block, clip.pcm + off, n * sizeof *block);
        size_t got;
        if ((rc = audio_exchange(audio, block, 160, in, 160, &got, err, sizeof err)) < 0) {
            fprintf(stderr, "floorcoach: %s\n", err);
            goto done;
        }
    }
    status = 0;
done:
    audio_close(audio);
    tts_destroy(tts);
    free(text);
    return status;
}

static void print_heard(listener_t *listener, eventlog_t *log)
{
    asr_heard h;
    while (listener_poll(listener, &h) == 1)
        coach_log_heard(log, &h);
}

static int cmd_listen(int argc, char **argv)
{
    static const struct option opts[] = {
        {"mic", required_argument, 0, 'm'}, {"input", required_argument, 0, 'I'},
        {"events", required_argument, 0, 'e'}, {"help", no_argument, 0, 'h'},
        {"calibration", required_argument, 0, 'C'}, {"no-calibration", no_argument, 0, 'X'},
        {0, 0, 0, 0},
    };
    audio_config acfg = audio_config_default();
    const char *events = "-", *calibration = NULL;
    bool use_saved = true;
    char calib_buf[PATH_MAX];
    int c;
    acfg.no_output = true;
    acfg.want_input = true;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'm': acfg.in_file = optarg; break;
        case 'I': acfg.in_device = optarg; break;
        case 'e': events = optarg; break;
        case 'C': calibration = optarg; break;
        case 'X': use_saved = false; break;
        case 'h': usage_listen(stdout); return 0;
        default: usage_listen(stderr); return EXIT_BAD_INPUT;
        }
    }
    if (optind < argc) {
        usage_listen(stderr);
        return EXIT_BAD_INPUT;
    }
    int status = EXIT_BAD_INPUT, rc;
    char err[512] = "", grammars[PATH_MAX];
    audio_t *audio = NULL;
    listener_t *listener = NULL;
    eventlog_t *log = NULL;
    asr_config cfg = asr_config_default();
    snprintf(grammars, sizeof grammars, "%s/grammars", datapath_dir());
    cfg.grammar_dir = grammars;
    if (pick_calibration(calibration, use_saved, calib_buf, sizeof calib_buf,
                         &cfg.user_conf) < 0)
        return EXIT_BAD_INPUT;

    if ((rc = audio_open(&acfg, &audio, err, sizeof err)) < 0) {
        fprintf(stderr, "floorcoach: %s\n", err);
        goto done;
    }
    if ((rc = listener_create(&cfg, NULL, audio_is_realtime(audio), 0, &listener)) < 0) {
        fprintf(stderr, "floorcoach: the recogniser could not start (%s); check %s and that "
                "the pocketsphinx-en-us package is installed\n", fc_strerror(rc), grammars);
        goto done;
    }
    if (eventlog_open(events, AUDIO_RATE, &log) < 0) {
        fprintf(stderr, "floorcoach: %s: cannot write the event log\n", events);
        goto done;
    }
    catch_signals();
    int16_t silence[160] = {0}, in[4096];
    int64_t now = 0, tail = 0;
    /* A file is followed by a second of silence so its last word ends. */
    while (!interrupted && tail < AUDIO_RATE) {
        size_t got;
        if ((rc = audio_exchange(audio, silence, 160, in, 4096, &got, err, sizeof err)) < 0) {
            fprintf(stderr, "floorcoach: %s\n", err);
            goto done;
        }
        if (audio_input_ended(audio))
            tail += 160;
        if ((rc = listener_push(listener, now, in, got)) < 0) {
            fprintf(stderr, "floorcoach: the recogniser failed: %s\n", fc_strerror(rc));
            goto done;
        }
        now += (int64_t)got;
        print_heard(listener, log);
    }
    listener_flush(listener);
    print_heard(listener, log);
    status = 0;
done:
    eventlog_close(log);
    listener_destroy(listener);
    audio_close(audio);
    return status;
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
    const char *voice = NULL, *save = NULL;
    bool no_save = false;
    char grammars[PATH_MAX], path[PATH_MAX], err[1024] = "", *end;
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
        case 'I': cfg.audio.in_device = optarg; break;
        case 'O': cfg.audio.out_device = optarg; break;
        case 'm': cfg.audio.in_file = optarg; break;
        case 'o': cfg.audio.out_file = optarg; break;
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
    if (cfg.audio.out_file != NULL && cfg.audio.in_file == NULL) {
        fprintf(stderr, "floorcoach calibrate: --out writes the prompts to a file, so nobody "
                "hears them; give the answers with --mic FILE.wav too\n");
        return EXIT_BAD_INPUT;
    }
    if (!no_save) {
        if (save == NULL && calibration_path(path, sizeof path) < 0) {
            fprintf(stderr, "floorcoach calibrate: no HOME or XDG_CONFIG_HOME to save in; "
                    "give --save FILE or --no-save\n");
            return EXIT_BAD_INPUT;
        }
        cfg.save_path = save ? save : path;
    }
    if (load_voice(voice, &cfg.voice) < 0)
        return EXIT_BAD_INPUT;
    snprintf(grammars, sizeof grammars, "%s/grammars", datapath_dir());
    cfg.grammar_dir = grammars;

    calib_result res;
    int rc = calib_run(&cfg, &res, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "floorcoach calibrate: %s\n", err[0] ? err : fc_strerror(rc));
        return EXIT_BAD_INPUT;
    }
    printf("bias: stop %g, pain %g, next %g, repeat %g nats\n", res.bias[ASR_WORD_STOP],
           res.bias[ASR_WORD_PAIN], res.bias[ASR_WORD_NEXT], res.bias[ASR_WORD_REPEAT]);
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
