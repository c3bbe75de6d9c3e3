/* Echo benchmark (issue 5): the coach hearing itself.
 *
 *   echo_bench [--noise FILE.wav] [--trials N] [--routine NAME] [--grammars DIR]
 *              [--barge-in-only] [--barge-in-echo GAIN_DB@DELAY_MS]
 *              [--barge-in-window SECONDS]
 *
 * Prints, for a simulated room (echo at 0 dB / 20 ms and +6 dB / 35 ms, with
 * and without reverberation, and with noise when a file is given):
 *  - self-triggers: `heard` events while playing the whole routine into its
 *    own microphone, per hour of session and per hour of narration;
 *  - ERLE after convergence: echo return loss enhancement of the canceller
 *    (and of canceller plus residual suppression) on the routine's output;
 *  - barge-in: a user's "stop" or "pain" (eSpeak NG voices unlike the
 *    coach's) spoken over narration or counting at echo 0 dB: how often
 *    the coach goes quiet on it (the word heard, or paused on), and the
 *    reaction (end of word to the coach's reply) median and max; each trial
 *    replays the routine up to its word, so --barge-in-window keeps the
 *    words within the first SECONDS (a shorter, faster run);
 *  - cost: CPU seconds per audio second of the listening pipeline.
 * Figures, not pass/fail. */
#include "aec.h"
#include "coach.h"
#include "datapath.h"
#include "fc_clock.h"
#include "room.h"
#include "routine.h"
#include "tts.h"
#include "voice.h"

#include <jansson.h>
#include <stdbool.h>
#include <limits.h>
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>


typedef struct {
    json_t **ev;
    size_t n;
} events;

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void events_load(const char *path, events *e)
{
    char line[8192];
    FILE *fp = fopen(path, "r");
    e->ev = NULL;
    e->n = 0;
    while (fp && fgets(line, sizeof line, fp)) {
        e->ev = realloc(e->ev, (e->n + 1) * sizeof *e->ev);
        e->ev[e->n++] = json_loads(line, 0, NULL);
    }
    if (fp)
        fclose(fp);
}

static void events_free(events *e)
{
    for (size_t i = 0; i < e->n; i++)
        json_decref(e->ev[i]);
    free(e->ev);
}

static const char *name(json_t *o) { return json_string_value(json_object_get(o, "event")); }
static double num(json_t *o, const char *k) { return json_number_value(json_object_get(o, k)); }

static routine_t *routine;
/* A barge-in trial ends this long after the word (the reply comes within
 * a second): a miss costs seconds, not the rest of the routine. */
#define TRIAL_AFTER_S 4.0
static voice_profile coach_voice;
static char wav[64], log_path[64];
static const char *grammar_dir; /* NULL: the data folder's grammars/ */

/* Runs the routine (to its end, or to limit_s seconds when > 0); returns
 * 0 and fills *ev, or -1. */
static int run(const char *mic, const room_config *room, double limit_s, events *ev,
               double *cpu)
{
    fc_error err = {0};
    coach_config cfg = coach_config_default();
    cfg.routine = routine;
    cfg.voice = coach_voice;
    cfg.audio.out = audio_file(wav);
    if (mic)
        cfg.audio.in = audio_file(mic);
    cfg.room = room;
    cfg.limit_s = limit_s;
    cfg.events_path = log_path;
    unlink(log_path); /* each run makes a new record */
    static char grammars[PATH_MAX];
    snprintf(grammars, sizeof grammars, "%s/grammars", datapath_dir());
    cfg.grammar_dir = mic || room ? (grammar_dir ? grammar_dir : grammars) : NULL;
    session_end_reason reason;
    double t0 = cpu_now();
    if (coach_run(&cfg, &reason, &err) < 0) {
        fprintf(stderr, "echo_bench: %s\n", fc_error_message(&err));
        return -1;
    }
    if (cpu)
        *cpu = cpu_now() - t0;
    events_load(log_path, ev);
    return 0;
}

static double session_length(const events *ev) { return num(ev->ev[ev->n - 1], "t"); }

static double narration_length(const events *ev)
{
    double sum = 0;
    for (size_t i = 0; i < ev->n; i++)
        if (!strcmp(name(ev->ev[i]), "say"))
            sum += num(ev->ev[i], "until") - num(ev->ev[i], "t");
    return sum;
}

static int count_heard(const events *ev)
{
    int n = 0;
    for (size_t i = 0; i < ev->n; i++)
        n += !strcmp(name(ev->ev[i]), "heard");
    return n;
}

/* ERLE of the canceller alone and with residual suppression, on the output
 * of a rendered session, after the first 10 s. */
static void erle(const room_config *room, double *aec_db, double *total_db)
{
    SF_INFO info = {0};
    SNDFILE *sf = sf_open(wav, SFM_READ, &info);
    int16_t *out = malloc((size_t)info.frames * sizeof *out);
    sf_count_t n = sf_read_short(sf, out, info.frames);
    sf_close(sf);
    room_t *rm = NULL;
    room_create(room, &rm, NULL);
    audio_mic_filter echo = room_filter(rm);
    aec_config c1 = aec_config_default(), c2 = aec_config_default();
    c1.suppress = false;
    c2.denoise = false;
    aec_t *a1 = NULL, *a2 = NULL;
    aec_create(&c1, &a1);
    aec_create(&c2, &a2);
    double e_mic = 0, e1 = 0, e2 = 0;
    int16_t mic[FC_FRAME], o1[FC_FRAME], o2[FC_FRAME];
    for (sf_count_t k = 0; k + FC_FRAME <= n; k += FC_FRAME) {
        memset(mic, 0, sizeof mic);
        echo.apply(echo.ctx, out + k, mic, FC_FRAME);
        aec_process(a1, mic, out + k, o1);
        aec_process(a2, mic, out + k, o2);
        if (k < 10 * FC_RATE)
            continue;
        for (int i = 0; i < FC_FRAME; i++) {
            e_mic += (double)mic[i] * mic[i];
            e1 += (double)o1[i] * o1[i];
            e2 += (double)o2[i] * o2[i];
        }
    }
    *aec_db = 10 * log10(e_mic / (e1 + 1));
    *total_db = 10 * log10(e_mic / (e2 + 1));
    aec_destroy(a1);
    aec_destroy(a2);
    room_destroy(rm);
    free(out);
}

static int16_t *synth(const char *voice, const char *word, size_t *n)
{
    voice_profile v = voice_profile_default();
    snprintf(v.espeak_voice, sizeof v.espeak_voice, "%s", voice);
    v.rate = 150;
    tts_t *tts = NULL;
    int16_t *pcm = NULL;
    if (tts_create(&v, &tts, NULL) == 0)
        tts_render(tts, word, TTS_STYLE_NARRATION, &pcm, n);
    tts_destroy(tts);
    return pcm;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    const char *noise = NULL, *routine_name = "fai";
    int trials = 40, rooms = 1;
    const char *barge_echo = "0@20";
    double window = 1e9; /* barge-in words within the routine's first `window` seconds */
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--noise") && i + 1 < argc)
            noise = argv[++i];
        else if (!strcmp(argv[i], "--trials") && i + 1 < argc)
            trials = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--routine") && i + 1 < argc)
            routine_name = argv[++i];
        else if (!strcmp(argv[i], "--grammars") && i + 1 < argc)
            grammar_dir = argv[++i];
        else if (!strcmp(argv[i], "--barge-in-only"))
            rooms = 0;
        else if (!strcmp(argv[i], "--barge-in-echo") && i + 1 < argc)
            barge_echo = argv[++i];
        else if (!strcmp(argv[i], "--barge-in-window") && i + 1 < argc)
            window = atof(argv[++i]);
        else {
            fprintf(stderr, "usage: echo_bench [--noise FILE.wav] [--trials N] [--routine NAME] "
                    "[--grammars DIR] [--barge-in-only] [--barge-in-echo GAIN_DB@DELAY_MS] "
                    "[--barge-in-window SECONDS]\n");
            return 2;
        }
    }
    char rpath[PATH_MAX], vpath[PATH_MAX];
    routine_report rep = {0};
    if (datapath_find("scripts", routine_name, rpath, sizeof rpath) < 0 ||
        routine_load(rpath, &routine, &rep, NULL) < 0 ||
        datapath_find("voices", "default", vpath, sizeof vpath) < 0 ||
        voice_load(vpath, &coach_voice, NULL) < 0) {
        fprintf(stderr, "echo_bench: cannot load the routine or the default voice\n");
        return 2;
    }
    snprintf(wav, sizeof wav, "/tmp/echo_bench_%d.wav", (int)getpid());
    snprintf(log_path, sizeof log_path, "/tmp/echo_bench_%d.jsonl", (int)getpid());

    /* The baseline: the routine without listening, for the pipeline's cost. */
    events ev;
    double cpu_base, cpu;
    if (run(NULL, NULL, 0, &ev, &cpu_base) < 0)
        return 2;
    double length = session_length(&ev), narration = narration_length(&ev);
    events_free(&ev);
    printf("routine %s: session %.0f s, narration %.0f s\n\n", rpath, length, narration);

    printf("%-22s %10s %12s %14s %10s %10s %10s\n", "room", "heard", "per hour", "per narr. h",
           "ERLE aec", "ERLE +res", "CPU s/s");
    const char *echoes[] = {"0@20", "6@35"};
    for (int withnoise = 0; rooms && withnoise <= (noise ? 1 : 0); withnoise++)
        for (int e = 0; e < 2; e++)
            for (int reverb = 0; reverb <= 1; reverb++) {
                room_config room = room_config_default();
                room_parse_echo(echoes[e], &room);
                room.reverb = reverb;
                char label[64];
                snprintf(label, sizeof label, "echo %s%s%s", echoes[e], reverb ? " reverb" : "",
                         withnoise ? " noise" : "");
                if (withnoise && room_parse_noise(noise, &room) < 0)
                    return 2;
                if (run(NULL, &room, 0, &ev, &cpu) < 0)
                    return 2;
                int heard = count_heard(&ev);
                double l = session_length(&ev);
                events_free(&ev);
                double aec_db, total_db;
                room_config echo_only = room;
                echo_only.noise_file[0] = '\0';
                erle(&echo_only, &aec_db, &total_db);
                printf("%-22s %10d %12.2f %14.2f %9.1f %10.1f %10.4f\n", label, heard,
                       heard / (l / 3600), heard / (narration / 3600), aec_db, total_db,
                       (cpu - cpu_base) / l);
            }

    /* Barge-in: over narration and over counting, at echo 0 dB. */
    if (run(NULL, NULL, 0, &ev, NULL) < 0)
        return 2;
    const char *voices[] = {"en-us+m3", "en-us+f2", "en-us+f4", "en-gb-x-rp", "en+f3"};
    const char *words[] = {"stop", "pain"};
    int detected = 0, paused = 0, over_count = 0, done = 0;
    double *reaction = calloc((size_t)trials, sizeof *reaction);
    srand(12345);
    char mic[64];
    snprintf(mic, sizeof mic, "/tmp/echo_bench_mic_%d.wav", (int)getpid());
    /* Candidate times: inside a spoken line, or on a count. */
    for (int k = 0; k < trials; k++) {
        int on_count = k % 2;
        double at = -1;
        while (at < 0) {
            json_t *o = ev.ev[(size_t)rand() % ev.n];
            if (num(o, "t") > window)
                continue; /* a trial replays the routine up to its word */
            if (!on_count && !strcmp(name(o), "say") && num(o, "until") - num(o, "t") > 1.5 &&
                num(o, "t") > 8)
                at = num(o, "t") + 0.3;
            else if (on_count && !strcmp(name(o), "count"))
                at = num(o, "t") - 0.1;
        }
        const char *word = words[k % 2 == 0 ? (k / 2) % 2 : ((k + 1) / 2) % 2];
        size_t n = 0;
        int16_t *pcm = synth(voices[k % 5], word, &n);
        if (!pcm) {
            fprintf(stderr, "echo_bench: eSpeak NG has no voice %s\n", voices[k % 5]);
            return 2;
        }
        size_t total = (size_t)((at + 4) * FC_RATE);
        int16_t *buf = calloc(total, sizeof *buf);
        int64_t pos = (int64_t)(at * FC_RATE);
        memcpy(buf + pos, pcm, n * sizeof *pcm);
        free(pcm);
        SF_INFO info = {.samplerate = FC_RATE, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
        SNDFILE *sf = sf_open(mic, SFM_WRITE, &info);
        sf_write_short(sf, buf, (sf_count_t)total);
        sf_close(sf);
        free(buf);
        double end = (double)(pos + (int64_t)n) / FC_RATE;
        room_config room = room_config_default();
        if (room_parse_echo(barge_echo, &room) < 0) {
            fprintf(stderr, "echo_bench: --barge-in-echo %s: give GAIN_DB@DELAY_MS\n", barge_echo);
            return 2;
        }
        events tr;
        if (run(mic, &room, end + TRIAL_AFTER_S, &tr, NULL) < 0)
            return 2;
        done++;
        over_count += on_count;
        /* The first command after the word began: the word itself (heard,
         * or paused on: the coach goes quiet either way), or not. */
        for (size_t i = 0; i < tr.n; i++) {
            bool unsure = !strcmp(name(tr.ev[i]), "unsure");
            if (strcmp(name(tr.ev[i]), "heard") && !unsure)
                continue;
            if (num(tr.ev[i], "t") < end - 1.5)
                continue; /* a self-trigger before the word, counted above */
            const char *w = json_string_value(json_object_get(tr.ev[i], "word"));
            if (!strcmp(w, word)) {
                paused += unsure;
                for (size_t j = i; j < tr.n; j++)
                    if (!strcmp(name(tr.ev[j]), "say")) {
                        reaction[detected++] = num(tr.ev[j], "t") - end;
                        break;
                    }
            }
            break;
        }
        events_free(&tr);
    }
    events_free(&ev);
    unlink(mic);
    qsort(reaction, (size_t)detected, sizeof *reaction, cmp_double);
    printf("\nbarge-in at echo %s: %d/%d quiet (%.1f%%: %d heard, %d paused on; "
           "%d over counting, %d over narration)\n",
           barge_echo, detected, done, 100.0 * detected / (done ? done : 1), detected - paused,
           paused, over_count, done - over_count);
    if (detected)
        printf("reaction, end of word to reply: median %.0f ms, max %.0f ms\n",
               1000 * reaction[detected / 2], 1000 * reaction[detected - 1]);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS %.1f MB\n", ru.ru_maxrss / 1024.0);
    free(reaction);
    unlink(wav);
    unlink(log_path);
    routine_destroy(routine);
    return 0;
}
