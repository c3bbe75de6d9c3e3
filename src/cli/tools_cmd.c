/* floorcoach check, say, listen, calibrate and devices: their options into
 * the app's configs, and their results into exit codes. Main thread. */
#include "calibrate_session.h"
#include "cli.h"
#include "datapath.h"
#include "listen.h"
#include "say.h"
#include "setup.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int cmd_check(int argc, char **argv)
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

int cmd_say(int argc, char **argv)
{
    static const struct option opts[] = {
        {"voice", required_argument, 0, 'v'}, {"out", required_argument, 0, 'o'},
        {"output", required_argument, 0, 'O'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0},
    };
    const char *voice = NULL, *out_file = NULL, *out_dev = NULL;
    audio_config acfg = audio_config_default();
    fc_error err = {0};
    int c;
    while ((c = cli_getopt("floorcoach say", argc, argv, opts)) != -1) {
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

int cmd_listen(int argc, char **argv)
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
    while ((c = cli_getopt("floorcoach listen", argc, argv, opts)) != -1) {
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
    const named_file files[] = {{"--mic", cfg.audio.in.kind == AUDIO_FILE ? cfg.audio.in.name
                                                                          : NULL},
                                {"--events", cfg.events_path}};
    if (distinct_files("floorcoach listen", files, 2))
        return EXIT_BAD_INPUT;
    cfg.audio.in.channel = channel;
    setup_grammar_dir(grammars, sizeof grammars);
    cfg.grammar_dir = grammars;
    if (setup_calibration(calibration, use_saved, calib_buf, sizeof calib_buf, &cfg.calibration,
                          &err) < 0)
        return fail("floorcoach", &err);
    cfg.interrupted = &interrupted;
    catch_signals();
    if (app_listen(&cfg, &err) < 0)
        return fail("floorcoach", &err);
    return interrupted ? EXIT_INTERRUPTED : 0;
}

int cmd_calibrate(int argc, char **argv)
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
    while ((c = cli_getopt("floorcoach calibrate", argc, argv, opts)) != -1) {
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
    const named_file files[] = {{"--mic", mic}, {"--out", out_file}, {"--events",
                                cfg.events_path}, {"--save", no_save ? NULL : save}};
    if (distinct_files("floorcoach calibrate", files, sizeof files / sizeof files[0]))
        return EXIT_BAD_INPUT;
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
        cfg.save_make_folder = save == NULL;
    }
    if (setup_voice(voice, &cfg.voice, &err) < 0)
        return fail("floorcoach", &err);
    cfg.audio.out = out_file ? audio_file(out_file) : audio_device(out_dev);
    cfg.audio.in = mic ? audio_file(mic) : audio_device(in_dev);
    setup_grammar_dir(grammars, sizeof grammars);
    cfg.grammar_dir = grammars;

    calib_result res;
    cfg.interrupted = &interrupted;
    catch_signals();
    int rc = calib_run(&cfg, &res, &err);
    if (rc < 0) {
        fail("floorcoach calibrate", &err);
        return rc == FC_ERR_INTERRUPTED ? EXIT_INTERRUPTED : EXIT_BAD_INPUT;
    }
    printf("bias: stop %g, pain %g, next %g, repeat %g nats\n", res.bias[FC_CMD_STOP],
           res.bias[FC_CMD_PAIN], res.bias[FC_CMD_NEXT], res.bias[FC_CMD_REPEAT]);
    if (res.silent > 0)
        printf("%d take%s had no speech in them and were left out.\n", res.silent,
               res.silent == 1 ? "" : "s");
    if (cfg.save_path)
        printf("saved to %s\n", cfg.save_path);
    return 0;
}

int cmd_devices(int argc, char **argv)
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
