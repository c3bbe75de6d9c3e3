/* asr_eval: measure the command recogniser on the shared speech corpus.
 *
 *   asr_eval CORPUS_DIR [--split dev|test|all] [--snr DB [--continuous]] [--grammars DIR]
 *            [--model DIR] [--dump FILE] [--detector fused|asr|kws] [--tune RULE[.WORD]=P]
 *   asr_eval --synth DIR [--grammars DIR] [--model DIR] [--dump FILE] [...]
 *
 * Every clip listed in CORPUS_DIR/MANIFEST.tsv (of the chosen split) is
 * streamed through one recogniser (hearing.h: both detectors and their
 * decision, as the coach runs them) in 10 ms chunks (FC_FRAME) on one
 * session clock, as the live listener would. --detector asr runs
 * PocketSphinx alone, --detector kws the learned detector alone, so each
 * part's gain shows; --tune sets one of the decision's thresholds
 * (hearing_tuning: fire, confirm, unsure, doubt), for one word or all, as
 * asr.conf's kws.RULE.WORD keys do. A result marked unsure is a pause:
 * it counts toward "quiet" (the coach stopped or paused) and toward the
 * false pauses, never toward detection or false commands.  With --synth, every DIR/NAME_WORD.wav
 * (16 kHz mono) is a clip instead: a command clip when WORD is one of the
 * four commands, else a distractor. For voices the recogniser was never
 * tuned on, e.g. espeak-ng's, made by
 *
 *   for v in en-us+f3 en-us+f2 en-us+m3 en-us+f4 en+f3 en-gb+f3 en-gb-x-rp
 *            en-us+klatt; do for w in stop next pain repeat; do
 *     espeak-ng -v $v -s 150 -w /tmp/w.wav $w
 *     sox -q /tmp/w.wav -r 16000 DIR/syn_${v}_$w.wav pad 0.5 0.5; done; done
 *  Each clip gets 0.5 s of padding before
 * and 1 s after so the VAD opens and closes as it would around a real word.
 * The padding is Gaussian noise at the clip's own background level: digital
 * zeros would make every clip start with a step from silence to room noise,
 * which no microphone ever produces.
 *
 * With --snr DB, the household noise recordings of the same split (noise/:
 * dishes, tap, exercise bike, crowd, music, typing) are looped under every
 * word clip and its padding, scaled so that the clip's active speech level
 * (mean power of its frames within 20 dB of its loudest) is DB above the
 * noise. Speech and noise streams are then run as they are.
 *
 * With --snr DB --continuous, the noise runs under the whole stream instead,
 * as in a living room: one gain for everything (word clips, their padding,
 * running speech and the noise recordings too), set so that the split's
 * mean active speech level over all word clips is DB above the noise. A
 * quiet word then sits deeper in the noise than a loud one, which is what
 * per-clip scaling hides.
 *
 * With --denoise, speexdsp's noise suppressor (as in src/aec.c) runs in
 * front of the recogniser.
 *
 * With --whole, each clip is decided on its own: a gap in the clock after
 * it closes the open segment.  Given a grammar dir whose asr.conf keeps the
 * VAD open (bench/oracle-vad.conf), that measures the decoder alone, each
 * clip one segment: the ceiling any VAD could reach with that grammar.
 *
 * Exit status: 0 when it ran (whatever the figures), 1 on usage or I/O
 * errors, 77 when the corpus is absent (the usual "skipped" code). */
#define _POSIX_C_SOURCE 200809L

#include "aec.h"
#include "asr.h"
#include "hearing.h"
#include "fc_clock.h"

#include <sndfile.h>

#include <ctype.h>
#include <dirent.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define CHUNK FC_FRAME
#define PAD_BEFORE (FC_RATE / 2)
#define PAD_AFTER FC_RATE
#define MAX_DET 64

enum kind { K_COMMAND, K_DISTRACTOR, K_NEAR, K_SPEECH, K_NOISE, K_OTHER };

typedef struct {
    int n, hit, wrong;
    int quiet; /* the coach went quiet: a sure stop or pain, or a pause */
} word_stat;

static double now_s(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double percentile(double *v, int n, double p)
{
    if (n == 0)
        return NAN;
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    int i = (int)ceil(p * n) - 1;
    if (i < 0)
        i = 0;
    if (i >= n)
        i = n - 1;
    return v[i];
}

/* Deterministic Gaussian noise, so runs are reproducible. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static double gauss(void)
{
    double u[2];
    for (int k = 0; k < 2; k++) {
        rng_state ^= rng_state << 13;
        rng_state ^= rng_state >> 7;
        rng_state ^= rng_state << 17;
        u[k] = ((rng_state >> 11) + 0.5) / 9007199254740992.0;
    }
    return sqrt(-2.0 * log(u[0])) * cos(6.283185307179586 * u[1]);
}

static double frame_db(const int16_t *x, int n)
{
    double m = 0, e = 0;
    for (int i = 0; i < n; i++)
        m += x[i];
    m /= n;
    for (int i = 0; i < n; i++)
        e += (x[i] - m) * (x[i] - m);
    return 10.0 * log10(e / n + 1.0);
}

/* Background level (10th percentile of 10 ms frame energies, in dB) and the
 * end of the last frame clearly above it: our estimate of the word's end. */
static void clip_levels(const int16_t *x, long n, double *bg_db, long *speech_end)
{
    long nf = n / CHUNK;
    *bg_db = 0;
    *speech_end = n;
    if (nf < 3)
        return;
    double *db = malloc((size_t)nf * sizeof *db);
    double *sorted = malloc((size_t)nf * sizeof *sorted);
    if (db == NULL || sorted == NULL) {
        free(db);
        free(sorted);
        return;
    }
    double peak = 0;
    for (long f = 0; f < nf; f++) {
        db[f] = sorted[f] = frame_db(x + f * CHUNK, CHUNK);
        if (db[f] > peak)
            peak = db[f];
    }
    *bg_db = percentile(sorted, (int)nf, 0.10);
    /* Above the background by 10 dB, and no more than 40 dB below the peak
     * so that a very clean clip's breath noise does not count as speech. */
    double thr = fmax(*bg_db + 10.0, peak - 40.0);
    for (long f = nf - 1; f >= 0; f--)
        if (db[f] > thr) {
            *speech_end = (f + 1) * CHUNK;
            break;
        }
    free(db);
    free(sorted);
}

static int16_t *read_wav(const char *path, long *n_out)
{
    SF_INFO info;
    memset(&info, 0, sizeof info);
    SNDFILE *sf = sf_open(path, SFM_READ, &info);
    if (sf == NULL)
        return NULL;
    if (info.samplerate != FC_RATE || info.channels != 1) {
        fprintf(stderr, "%s: not 16 kHz mono\n", path);
        sf_close(sf);
        return NULL;
    }
    int16_t *x = malloc((size_t)(info.frames + 1) * sizeof *x);
    if (x == NULL) {
        sf_close(sf);
        return NULL;
    }
    *n_out = (long)sf_readf_short(sf, x, info.frames);
    sf_close(sf);
    return x;
}

/* Does the description's quoted text contain `word` as a whole word? */
static int says_word(const char *desc, const char *word)
{
    const char *q = strchr(desc, '"');
    if (q == NULL)
        return 0;
    size_t wl = strlen(word);
    for (const char *p = q; (p = strstr(p, word)) != NULL; p++) {
        int before = p == desc || !isalpha((unsigned char)p[-1]);
        int after = !isalpha((unsigned char)p[wl]);
        if (before && after)
            return 1;
    }
    return 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: asr_eval CORPUS_DIR [--split dev|test|all] [--snr DB [--continuous]] "
                    "[--denoise] [--whole] [--grammars DIR] [--model DIR] [--dump FILE]\n"
                    "                [--detector fused|asr|kws] [--tune RULE[.WORD]=P ...]\n"
                    "       asr_eval --synth DIR [--grammars DIR] [--model DIR] "
                    "[--dump FILE]\n");
}

/* Everything counted over one run. */
typedef struct {
    hearing_t *hear;
    FILE *dump;
    int16_t *pad;
    int64_t clock;
    word_stat ws[5];
    int n_dis, fa_dis, pause_dis, n_near, det_near;
    double hours[2];                     /* speech, noise */
    int fa_cont[2], pause_cont[2], excused;
    double *lat_e, *lat_a, *lat_c;
    int n_lat, cap_lat;
    double cpu_total, audio_total, cpu_cont, audio_cont, worst_call;
    int files;
    /* --snr: noise looped under the word clips. */
    double snr_db;                       /* NAN: no added noise */
    int16_t *noise;
    long noise_n, noise_pos;
    double noise_rms;
    aec_t *denoiser;                     /* --denoise: speexdsp in front */
    int whole;                           /* --whole: each clip closes its own segment */
    int continuous;                      /* --continuous: one noise gain for the stream */
    double stream_gain;                  /* --continuous: that gain */
} eval;

/* Mean power of the frames within 20 dB of the loudest: the level of the
 * word itself, whatever silence surrounds it. */
static double active_rms(const int16_t *x, long n)
{
    double peak = 0, sum = 0;
    long frames = 0;
    for (long off = 0; off + CHUNK <= n; off += CHUNK) {
        double p = 0;
        for (int i = 0; i < CHUNK; i++)
            p += (double)x[off + i] * x[off + i];
        if (p > peak)
            peak = p;
    }
    for (long off = 0; off + CHUNK <= n; off += CHUNK) {
        double p = 0;
        for (int i = 0; i < CHUNK; i++)
            p += (double)x[off + i] * x[off + i];
        if (p >= peak / 100) {
            sum += p / CHUNK;
            frames++;
        }
    }
    return frames ? sqrt(sum / (double)frames) : 0;
}

/* Adds the looped noise at `gain` to x[0..n). */
static void add_noise(eval *ev, int16_t *x, long n, double gain)
{
    for (long i = 0; i < n; i++) {
        double v = x[i] + gain * ev->noise[ev->noise_pos];
        ev->noise_pos = (ev->noise_pos + 1) % ev->noise_n;
        x[i] = (int16_t)fmax(-32768.0, fmin(32767.0, lrint(v)));
    }
}

static int count_sure(const asr_heard *det, int nd)
{
    int n = 0;
    for (int j = 0; j < nd; j++)
        n += !det[j].unsure;
    return n;
}

/* Streams one clip (with its padding) through the recogniser and counts
 * what it heard.  Returns 0, or -1 on a fatal error. */
static int eval_clip(eval *ev, const int16_t *x, long n, enum kind k, fc_command expect,
                     const char *file, const char *cat, const char *sp, const char *desc)
{
    double bg_db;
    long speech_end;
    clip_levels(x, n, &bg_db, &speech_end);
    double bg_rms = sqrt(pow(10.0, bg_db / 10.0) - 1.0);
    /* The noise gain is set from the clean clip, then the clip is mixed. */
    double noise_gain = 0;
    int16_t *mixed = NULL;
    if (!isnan(ev->snr_db) && ev->noise_n > 0 &&
        (ev->continuous || (k != K_SPEECH && k != K_NOISE))) {
        noise_gain = ev->continuous ? ev->stream_gain
                                    : active_rms(x, n) / ev->noise_rms / pow(10.0, ev->snr_db / 20.0);
        mixed = malloc((size_t)n * sizeof *mixed);
        if (mixed == NULL)
            return -1;
        memcpy(mixed, x, (size_t)n * sizeof *mixed);
        add_noise(ev, mixed, n, noise_gain);
        x = mixed;
    }

    asr_heard det[MAX_DET];
    double det_cost[MAX_DET];
    int nd = 0;
    int64_t clip_at = ev->clock + PAD_BEFORE;
    double c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
    for (int part = 0; part < 3; part++) {
        const int16_t *src;
        long len;
        if (part == 1) {
            src = x;
            len = n;
        } else {
            len = part == 0 ? PAD_BEFORE : PAD_AFTER;
            for (long i = 0; i < len; i++) {
                double v = bg_rms * gauss();
                ev->pad[i] = (int16_t)fmax(-32768.0, fmin(32767.0, lrint(v)));
            }
            if (noise_gain > 0)
                add_noise(ev, ev->pad, len, noise_gain);
            src = ev->pad;
        }
        for (long off = 0; off < len; off += CHUNK) {
            size_t m = (size_t)(len - off < CHUNK ? len - off : CHUNK);
            asr_heard h[8];
            double w0 = now_s(CLOCK_MONOTONIC);
            int16_t clean[CHUNK];
            const int16_t *in = src + off;
            if (ev->denoiser != NULL && m == CHUNK) {
                aec_process(ev->denoiser, in, in, clean);
                in = clean;
            }
            int got = hearing_process(ev->hear, ev->clock, in, m, h, 8);
            double w = now_s(CLOCK_MONOTONIC) - w0;
            if (w > ev->worst_call)
                ev->worst_call = w;
            ev->clock += (int64_t)m;
            if (got < 0) {
                fprintf(stderr, "asr_eval: hearing_process failed (%d)\n", got);
                free(mixed);
                return -1;
            }
            for (int j = 0; j < got && nd < MAX_DET; j++) {
                det_cost[nd] = w;
                det[nd++] = h[j];
            }
        }
    }
    if (ev->whole) {
        /* A one-sample gap in the clock closes whatever segment is open, so
         * the clip is decided on its own (with a grammar dir whose VAD opens
         * at once and never closes, that is the decoder without the VAD). */
        asr_heard h[8];
        ev->clock += 1;
        int got = hearing_process(ev->hear, ev->clock, NULL, 0, h, 8);
        for (int j = 0; j < got && nd < MAX_DET; j++) {
            det_cost[nd] = 0;
            det[nd++] = h[j];
        }
    }
    free(mixed);
    double cpu = now_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
    double secs = (double)(n + PAD_BEFORE + PAD_AFTER) / FC_RATE;
    ev->cpu_total += cpu;
    ev->audio_total += secs;
    ev->files++;

    if (ev->dump != NULL) {
        fprintf(ev->dump, "%s\t%s\t%s\t@%lld:%ld", file, cat, sp, (long long)clip_at, n);
        for (int j = 0; j < nd; j++)
            fprintf(ev->dump, "\t%s%s:%.4f:%.3f:%.3f:%.3f", det[j].unsure ? "?" : "",
                    fc_command_name(det[j].word),
                    det[j].score, (det[j].start - clip_at) / (double)FC_RATE,
                    (det[j].end - clip_at) / (double)FC_RATE,
                    (det[j].t - clip_at) / (double)FC_RATE);
        fputc('\n', ev->dump);
    }

    switch (k) {
    case K_COMMAND: {
        int hit = -1, wrong = 0, quiet = 0;
        for (int j = 0; j < nd; j++) {
            quiet |= det[j].unsure || det[j].word == FC_CMD_STOP || det[j].word == FC_CMD_PAIN;
            if (det[j].unsure)
                continue; /* a pause, not an action */
            if (det[j].word == expect) {
                if (hit < 0)
                    hit = j;
            } else {
                wrong = 1;
            }
        }
        ev->ws[expect].n++;
        ev->ws[expect].hit += hit >= 0;
        ev->ws[expect].wrong += wrong;
        ev->ws[expect].quiet += quiet;
        if (hit >= 0) {
            if (ev->n_lat == ev->cap_lat) {
                ev->cap_lat = ev->cap_lat ? 2 * ev->cap_lat : 256;
                ev->lat_e = realloc(ev->lat_e, (size_t)ev->cap_lat * sizeof *ev->lat_e);
                ev->lat_a = realloc(ev->lat_a, (size_t)ev->cap_lat * sizeof *ev->lat_a);
                ev->lat_c = realloc(ev->lat_c, (size_t)ev->cap_lat * sizeof *ev->lat_c);
                if (ev->lat_e == NULL || ev->lat_a == NULL || ev->lat_c == NULL) {
                    fprintf(stderr, "asr_eval: out of memory\n");
                    return -1;
                }
            }
            double t = (double)(det[hit].t - clip_at);
            double cost = det_cost[hit] * 1000.0;
            ev->lat_e[ev->n_lat] = (t - speech_end) / FC_RATE * 1000.0 + cost;
            ev->lat_a[ev->n_lat] = (double)(det[hit].t - det[hit].end) / FC_RATE * 1000.0 + cost;
            ev->lat_c[ev->n_lat] = cost;
            ev->n_lat++;
        }
        break;
    }
    case K_DISTRACTOR:
        ev->n_dis++;
        ev->fa_dis += count_sure(det, nd) > 0;
        ev->pause_dis += count_sure(det, nd) == 0 && nd > 0;
        break;
    case K_NEAR:
        ev->n_near++;
        ev->det_near += nd > 0;
        break;
    case K_SPEECH:
    case K_NOISE: {
        int c = k == K_NOISE;
        ev->hours[c] += (double)n / FC_RATE / 3600.0;
        ev->cpu_cont += cpu;
        ev->audio_cont += secs;
        for (int j = 0; j < nd; j++) {
            /* A command really spoken inside the sentence is no false alarm. */
            if (says_word(desc, fc_command_name(det[j].word)))
                ev->excused++;
            else if (det[j].unsure)
                ev->pause_cont[c]++;
            else
                ev->fa_cont[c]++;
        }
        break;
    }
    default:
        break;
    }
    return 0;
}

/* A MANIFEST.tsv line of the split (split "all": any): its file and
 * category, cut out in place; false for a short line or another split. */
static bool row_in_split(char *line, const char *split, char **file, char **cat)
{
    *file = strtok(line, "\t");
    *cat = strtok(NULL, "\t");
    strtok(NULL, "\t"); /* description */
    strtok(NULL, "\t"); /* speaker */
    char *sp = strtok(NULL, "\t");
    return *file && *cat && sp && (!strcmp(split, "all") || !strcmp(sp, split));
}

/* The corpus clip `file`, or NULL (a path too long is said). */
static int16_t *read_clip(const char *corpus, const char *file, long *n)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%s", corpus, file) >= (int)sizeof path) {
        fprintf(stderr, "asr_eval: path too long: %s/%s\n", corpus, file);
        return NULL;
    }
    return read_wav(path, n);
}

/* --snr: reads every noise recording of the split into one loop, then
 * rewinds the manifest to just after its header. */
static int load_noise(eval *ev, const char *corpus, const char *split, FILE *man)
{
    char line[8192], *file, *cat;
    long header_end = ftell(man);
    double sum = 0;
    while (fgets(line, sizeof line, man) != NULL) {
        if (!row_in_split(line, split, &file, &cat) || strcmp(cat, "noise"))
            continue;
        long n = 0;
        int16_t *x = read_clip(corpus, file, &n);
        if (x == NULL)
            continue;
        int16_t *grown = realloc(ev->noise, (size_t)(ev->noise_n + n) * sizeof *grown);
        if (grown == NULL) {
            free(x);
            return -1;
        }
        ev->noise = grown;
        memcpy(ev->noise + ev->noise_n, x, (size_t)n * sizeof *x);
        for (long i = 0; i < n; i++)
            sum += (double)x[i] * x[i];
        ev->noise_n += n;
        free(x);
    }
    fseek(man, header_end, SEEK_SET);
    if (ev->noise_n == 0) {
        fprintf(stderr, "asr_eval: no noise recordings in split %s\n", split);
        return -1;
    }
    ev->noise_rms = sqrt(sum / (double)ev->noise_n);
    return 0;
}

/* --continuous: the mean active speech power over the split's word clips
 * (commands, distractors, near words) sets one noise gain for the stream;
 * then rewinds the manifest to where it was. */
static int stream_gain(eval *ev, const char *corpus, const char *split, FILE *man)
{
    char line[8192], *file, *cat;
    long start = ftell(man), clips = 0;
    double power = 0;
    while (fgets(line, sizeof line, man) != NULL) {
        if (!row_in_split(line, split, &file, &cat) ||
            (strncmp(cat, "commands/", 9) && strncmp(cat, "distractors/", 12) &&
             strncmp(cat, "near/", 5)))
            continue;
        long n = 0;
        int16_t *x = read_clip(corpus, file, &n);
        if (x != NULL) {
            double rms = active_rms(x, n);
            power += rms * rms;
            clips++;
        }
        free(x);
    }
    fseek(man, start, SEEK_SET);
    if (clips == 0) {
        fprintf(stderr, "asr_eval: no word clips in split %s\n", split);
        return -1;
    }
    ev->stream_gain = sqrt(power / (double)clips) / ev->noise_rms / pow(10.0, ev->snr_db / 20.0);
    return 0;
}

/* The corpus: every clip of the split in MANIFEST.tsv.  Returns 0, 1 on
 * errors, 77 when there is no corpus. */
static int run_manifest(eval *ev, const char *corpus, const char *split)
{
    char path[4096], line[8192];
    snprintf(path, sizeof path, "%s/MANIFEST.tsv", corpus);
    FILE *man = fopen(path, "r");
    if (man == NULL) {
        fprintf(stderr, "asr_eval: no corpus at %s: skipped\n", corpus);
        return 77;
    }
    if (fgets(line, sizeof line, man) == NULL) { /* header */
        fprintf(stderr, "asr_eval: empty manifest\n");
        fclose(man);
        return 1;
    }
    int rc = 0;
    if (!isnan(ev->snr_db) &&
        (load_noise(ev, corpus, split, man) < 0 ||
         (ev->continuous && stream_gain(ev, corpus, split, man) < 0))) {
        fclose(man);
        return 1;
    }
    while (rc == 0 && fgets(line, sizeof line, man) != NULL) {
        char *col[9] = { 0 };
        int nc = 0;
        char *s = line;
        line[strcspn(line, "\r\n")] = '\0';
        while (nc < 9) {
            col[nc++] = s;
            s = strchr(s, '\t');
            if (s == NULL)
                break;
            *s++ = '\0';
        }
        if (nc < 9)
            continue;
        const char *file = col[0], *cat = col[1], *desc = col[2], *sp = col[4];
        if (strcmp(split, "all") != 0 && strcmp(sp, split) != 0)
            continue;

        enum kind k = K_OTHER;
        fc_command expect = FC_CMD_NONE;
        if (strncmp(cat, "commands/", 9) == 0) {
            k = K_COMMAND;
            expect = fc_command_from_name(cat + 9);
        } else if (strncmp(cat, "distractors/", 12) == 0) {
            k = K_DISTRACTOR;
        } else if (strncmp(cat, "near/", 5) == 0) {
            k = K_NEAR;
        } else if (strcmp(cat, "speech") == 0) {
            k = K_SPEECH;
        } else if (strcmp(cat, "noise") == 0) {
            k = K_NOISE;
        }
        if (k == K_OTHER || (k == K_COMMAND && expect == FC_CMD_NONE))
            continue;

        if (snprintf(path, sizeof path, "%s/%s", corpus, file) >= (int)sizeof path) {
            fprintf(stderr, "asr_eval: path too long: %s/%s\n", corpus, file);
            rc = 1;
            continue;
        }
        long n = 0;
        int16_t *x = read_wav(path, &n);
        if (x == NULL) {
            fprintf(stderr, "asr_eval: cannot read %s\n", path);
            continue;
        }
        if (eval_clip(ev, x, n, k, expect, file, cat, sp, desc) < 0)
            rc = 1;
        free(x);
    }
    fclose(man);
    return rc;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* --synth: every DIR/NAME_WORD.wav is a command clip.  Returns 0 or 1. */
static int run_synth(eval *ev, const char *dir)
{
    struct dirent **ent;
    int ne = scandir(dir, &ent, NULL, by_name);
    if (ne < 0) {
        perror(dir);
        return 1;
    }
    int rc = 0;
    for (int i = 0; i < ne; i++) {
        const char *name = ent[i]->d_name;
        size_t len = strlen(name);
        const char *us = strrchr(name, '_');
        char word[32];
        if (rc == 0 && len > 4 && strcmp(name + len - 4, ".wav") == 0 && us != NULL &&
            (size_t)(name + len - 4 - us - 1) < sizeof word) {
            size_t wl = (size_t)(name + len - 4 - us - 1);
            memcpy(word, us + 1, wl);
            word[wl] = '\0';
            fc_command expect = fc_command_from_name(word);
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", dir, name);
            long n = 0;
            int16_t *x = read_wav(path, &n);
            if (x != NULL) {
                /* Any other word is a distractor: it must not be heard. */
                char cat[64];
                snprintf(cat, sizeof cat, "synth/%s", word);
                if (eval_clip(ev, x, n, expect != FC_CMD_NONE ? K_COMMAND : K_DISTRACTOR,
                              expect, name, cat, "synth", "") < 0)
                    rc = 1;
                free(x);
            } else {
                fprintf(stderr, "asr_eval: cannot read %s\n", path);
            }
        }
        free(ent[i]);
    }
    free(ent);
    return rc;
}

static void report(eval *ev, const char *what)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);

    printf("asr_eval: %s, %d files, %.1f s of audio streamed\n",
           what, ev->files, ev->audio_total);
    int cmd_n = 0, cmd_wrong = 0;
    for (int w = 1; w < 5; w++) {
        const word_stat *s = &ev->ws[w];
        if (s->n == 0) {
            printf("  detect %-7s   no clips\n", fc_command_name((fc_command)w));
            continue;
        }
        printf("  detect %-7s %6.1f%%  (%d/%d)  wrong command %d  quiet (stopped or paused) "
               "%.1f%% (%d)\n", fc_command_name((fc_command)w), 100.0 * s->hit / s->n, s->hit,
               s->n, s->wrong, 100.0 * s->quiet / s->n, s->quiet);
        cmd_n += s->n;
        cmd_wrong += s->wrong;
    }
    printf("  wrong-command rate       %6.2f%%  (%d/%d command clips)\n",
           cmd_n ? 100.0 * cmd_wrong / cmd_n : 0.0, cmd_wrong, cmd_n);
    if (ev->n_dis + ev->n_near > 0 || ev->hours[0] + ev->hours[1] > 0) {
        printf("  distractor false accept  %6.2f%%  (%d/%d); paused on %d\n",
               ev->n_dis ? 100.0 * ev->fa_dis / ev->n_dis : 0.0, ev->fa_dis, ev->n_dis,
               ev->pause_dis);
        printf("  near words fired         %d/%d (acceptable either way)\n",
               ev->det_near, ev->n_near);
        printf("  false commands / hour    speech %.2f (%d in %.3f h), noise %.2f (%d in %.3f h)"
               "; %d real commands inside sentences not counted\n",
               ev->hours[0] > 0 ? ev->fa_cont[0] / ev->hours[0] : 0.0, ev->fa_cont[0],
               ev->hours[0],
               ev->hours[1] > 0 ? ev->fa_cont[1] / ev->hours[1] : 0.0, ev->fa_cont[1],
               ev->hours[1], ev->excused);
        printf("  false pauses / hour      speech %.2f (%d), noise %.2f (%d)\n",
               ev->hours[0] > 0 ? ev->pause_cont[0] / ev->hours[0] : 0.0, ev->pause_cont[0],
               ev->hours[1] > 0 ? ev->pause_cont[1] / ev->hours[1] : 0.0, ev->pause_cont[1]);
    }
    int nl = ev->n_lat;
    double med_e = percentile(ev->lat_e, nl, 0.5), p95_e = percentile(ev->lat_e, nl, 0.95);
    double med_a = percentile(ev->lat_a, nl, 0.5), p95_a = percentile(ev->lat_a, nl, 0.95);
    double p95_c = percentile(ev->lat_c, nl, 0.95);
    printf("  reaction (ms, incl. compute) from energy word end: median %.0f p95 %.0f;"
           " from asr word end: median %.0f p95 %.0f; compute of deciding call p95 %.1f;"
           " slowest call %.1f ms\n",
           med_e, p95_e, med_a, p95_a, p95_c, ev->worst_call * 1000.0);
    printf("  CPU                      %.4f s/s overall (%.2f%% of a core); "
           "%.4f s/s on speech+noise streams\n",
           ev->audio_total > 0 ? ev->cpu_total / ev->audio_total : 0.0,
           ev->audio_total > 0 ? 100.0 * ev->cpu_total / ev->audio_total : 0.0,
           ev->audio_cont > 0 ? ev->cpu_cont / ev->audio_cont : 0.0);
    printf("  peak RSS                 %.1f MB\n", ru.ru_maxrss / 1024.0);
}

static int parse_detector(const char *s, hearing_mode *m)
{
    static const char *const names[] = { "fused", "asr", "kws" };
    for (int i = 0; i < 3; i++)
        if (strcmp(s, names[i]) == 0) {
            *m = (hearing_mode)i;
            return 0;
        }
    return -1;
}

/* --tune RULE[.WORD]=P: one of hearing_tuning's thresholds, for one word
 * or (no .WORD) all four. */
static int parse_tune(const char *s, hearing_tuning *t)
{
    char rule[32], word[32] = "";
    double p;
    if (sscanf(s, "%31[a-z].%31[a-z]=%lf", rule, word, &p) != 3 &&
        sscanf(s, "%31[a-z]=%lf", rule, &p) != 2)
        return -1;
    double *v = !strcmp(rule, "fire")      ? t->fire
                : !strcmp(rule, "confirm") ? t->confirm
                : !strcmp(rule, "unsure")  ? t->unsure
                : !strcmp(rule, "doubt")   ? t->doubt
                : !strcmp(rule, "probe")   ? t->probe
                                           : NULL;
    fc_command w = fc_command_from_name(word);
    if (v == NULL || (*word && w == FC_CMD_NONE))
        return -1;
    for (int i = FC_CMD_NEXT; i < FC_CMD_COUNT; i++)
        if (!*word || i == (int)w)
            v[i] = p;
    return 0;
}

int main(int argc, char **argv)
{
    const char *corpus = NULL, *split = "dev", *dump_path = NULL, *synth = NULL;
    double snr = NAN;
    int denoise = 0, whole = 0, continuous = 0;
    hearing_config hcfg = hearing_config_default();
    asr_config cfg = asr_config_default();
    cfg.grammar_dir = "grammars";

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--split") == 0 && i + 1 < argc)
            split = argv[++i];
        else if (strcmp(argv[i], "--grammars") == 0 && i + 1 < argc)
            cfg.grammar_dir = argv[++i];
        else if (strcmp(argv[i], "--model") == 0 && i + 1 < argc)
            cfg.model_dir = argv[++i];
        else if (strcmp(argv[i], "--dump") == 0 && i + 1 < argc)
            dump_path = argv[++i];
        else if (strcmp(argv[i], "--synth") == 0 && i + 1 < argc)
            synth = argv[++i];
        else if (strcmp(argv[i], "--snr") == 0 && i + 1 < argc)
            snr = atof(argv[++i]);
        else if (strcmp(argv[i], "--denoise") == 0)
            denoise = 1;
        else if (strcmp(argv[i], "--whole") == 0)
            whole = 1;
        else if (strcmp(argv[i], "--continuous") == 0)
            continuous = 1;
        else if (strcmp(argv[i], "--detector") == 0 && i + 1 < argc) {
            if (parse_detector(argv[++i], &hcfg.mode) < 0) {
                usage();
                return 1;
            }
        } else if (strcmp(argv[i], "--tune") == 0 && i + 1 < argc) {
            if (parse_tune(argv[++i], &hcfg.tuning) < 0) {
                usage();
                return 1;
            }
        }
        else if (argv[i][0] != '-' && corpus == NULL)
            corpus = argv[i];
        else {
            usage();
            return 1;
        }
    }
    if ((corpus == NULL) == (synth == NULL) || (continuous && (isnan(snr) || synth))) {
        usage();
        return 1;
    }
    if (corpus != NULL) {
        char path[4096];
        snprintf(path, sizeof path, "%s/MANIFEST.tsv", corpus);
        FILE *man = fopen(path, "r");
        if (man == NULL) {
            fprintf(stderr, "asr_eval: no corpus at %s: skipped\n", corpus);
            return 77;
        }
        fclose(man);
    }

    eval ev;
    memset(&ev, 0, sizeof ev);
    ev.snr_db = snr;
    ev.whole = whole;
    ev.continuous = continuous;
    if (denoise) {
        aec_config acfg = aec_config_default();
        acfg.echo = false;
        if (aec_create(&acfg, &ev.denoiser) < 0)
            return 1;
    }
    if (dump_path != NULL && (ev.dump = fopen(dump_path, "w")) == NULL) {
        perror(dump_path);
        return 1;
    }
    fc_error err = {0};
    hcfg.asr = cfg;
    int rc = hearing_create(&hcfg, &ev.hear, &err);
    if (rc < 0) {
        fprintf(stderr, "asr_eval: %s\n", fc_error_message(&err));
        if (ev.dump)
            fclose(ev.dump);
        return 1;
    }
    ev.pad = malloc((size_t)(PAD_AFTER > PAD_BEFORE ? PAD_AFTER : PAD_BEFORE) *
                    sizeof *ev.pad);
    if (ev.pad == NULL)
        rc = 1;
    else
        rc = synth != NULL ? run_synth(&ev, synth) : run_manifest(&ev, corpus, split);
    if (ev.dump != NULL)
        fclose(ev.dump);
    free(ev.pad);
    free(ev.noise);
    aec_destroy(ev.denoiser);
    hearing_destroy(ev.hear);

    if (rc == 0) {
        char what[4200];
        if (synth != NULL)
            snprintf(what, sizeof what, "synthetic voices in %s", synth);
        else
            snprintf(what, sizeof what,
                     isnan(snr)   ? "split %s"
                     : continuous ? "split %s, noise continuous at %.0f dB SNR"
                                  : "split %s, noise at %.0f dB SNR",
                     split, snr);
        report(&ev, what);
    }
    free(ev.lat_e);
    free(ev.lat_a);
    free(ev.lat_c);
    return rc;
}
