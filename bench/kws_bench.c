/* The learned keyword detector's front end on this machine: the mel frames'
 * cost per audio second, the XNNPACK embedding's time per window, peak
 * memory, and the share of one core both take at openWakeWord's rate (one
 * embedding every KWS_EMBED_STEP frames: 12.5 a second). Figures only.
 * usage: kws_bench [--runs N] [--seconds S]
 * Needs `make deps` (grammars/kws/kws-frontend.bin). Issue 10's budget for
 * the whole listening pipeline: <= 8% of one core, <= 64 MB. */
#include "fc_clock.h"
#include "fc_error.h"
#include "kws_embed.h"
#include "kws_frontend.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define DEFAULT_RUNS 200
#define DEFAULT_SECONDS 10
#define WARMUP_RUNS 20 /* untimed embeddings first: caches, page faults */
#define MEL_PASSES 5   /* the mel figure is the median of this many passes */
/* The synthetic input: a tone sweeping 200-4000 Hz in noise, loud enough
 * that no mel value sits at the clamp. */
#define TONE_AMPLITUDE 6000.0
#define NOISE_AMPLITUDE 600
#define SWEEP_LO_HZ 200.0
#define SWEEP_HI_HZ 4000.0

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sorts v and returns its value at quantile q. */
static double quantile(double *v, int n, double q)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return v[(int)(q * (n - 1) + 0.5)];
}

/* The current resident set, in MB (from /proc/self/status), or -1. */
static double rss_mb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[128];
    long kb = -1;
    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "VmRSS: %ld", &kb) == 1)
            break;
    if (f != NULL)
        fclose(f);
    return kb < 0 ? -1.0 : kb / 1024.0;
}

static int16_t *make_audio(size_t n)
{
    int16_t *pcm = malloc(n * sizeof *pcm);
    if (pcm == NULL)
        return NULL;
    uint32_t rng = 1; /* fixed: every run hears the same audio */
    double seconds = (double)n / FC_RATE, phase = 0.0;
    for (size_t i = 0; i < n; i++) {
        double t = (double)i / FC_RATE;
        double hz = SWEEP_LO_HZ + (SWEEP_HI_HZ - SWEEP_LO_HZ) * fmod(t, seconds) / seconds;
        phase += 2.0 * M_PI * hz / FC_RATE;
        rng = rng * 1664525u + 1013904223u;
        int noise = (int)(rng >> 16) % (2 * NOISE_AMPLITUDE + 1) - NOISE_AMPLITUDE;
        pcm[i] = (int16_t)(TONE_AMPLITUDE * sin(phase) + noise);
    }
    return pcm;
}

/* Pushes the audio in FC_FRAME blocks, as the listener will; returns the
 * median CPU ms per audio second and leaves the frames in mel. */
static double time_mel(kws_frontend *fe, const int16_t *pcm, size_t n, float *mel,
                       size_t *frames)
{
    double pass[MEL_PASSES];
    for (int p = 0; p < MEL_PASSES; p++) {
        kws_frontend_reset(fe);
        *frames = 0;
        double t0 = cpu_s();
        for (size_t at = 0; at + FC_FRAME <= n; at += FC_FRAME) {
            int got = kws_frontend_push(fe, pcm + at, FC_FRAME, mel + *frames * KWS_MEL_BINS,
                                        KWS_FRAMES_FOR(FC_FRAME));
            *frames += got > 0 ? (size_t)got : 0;
        }
        pass[p] = (cpu_s() - t0) * 1e3 / ((double)n / FC_RATE);
    }
    return quantile(pass, MEL_PASSES, 0.5);
}

/* Runs the embedding on the windows of mel in turn (at openWakeWord's
 * step), untimed WARMUP_RUNS times then runs times, each timed in wall and
 * CPU ms. */
static int time_embed(kws_embed *e, const float *mel, size_t frames, int runs, double *ms,
                      double *cpu)
{
    size_t n_windows = (frames - KWS_EMBED_FRAMES) / KWS_EMBED_STEP + 1;
    float emb[KWS_EMBED_DIM];
    for (int r = -WARMUP_RUNS; r < runs; r++) {
        size_t window = (size_t)(r + WARMUP_RUNS) % n_windows;
        double w0 = wall_s(), c0 = cpu_s();
        int rc = kws_embed_run(e, mel + window * KWS_EMBED_STEP * KWS_MEL_BINS, emb);
        if (rc != FC_OK)
            return rc;
        if (r >= 0) {
            ms[r] = (wall_s() - w0) * 1e3;
            cpu[r] = (cpu_s() - c0) * 1e3;
        }
    }
    return FC_OK;
}

/* CPU ms per second of audio as a share of one core, in percent. */
static double core_percent(double ms_per_s)
{
    return ms_per_s / 1e3 * 100.0;
}

/* Sorts ms and cpu (runs values each) to print them. */
static void print_figures(int seconds, int runs, double mel_ms, double *ms, double *cpu,
                          double rss0, double rss_fe, double rss_emb)
{
    double rate = (double)FC_RATE / FC_FRAME / KWS_EMBED_STEP; /* embeddings a second */
    double cpu_med = quantile(cpu, runs, 0.5), med = quantile(ms, runs, 0.5);
    double p95 = quantile(ms, runs, 0.95), best = ms[0]; /* ms is sorted now */
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("keyword front end, one thread, %d s of audio, %d embeddings\n", seconds, runs);
    printf("  mel frames               %.3f ms CPU per audio second (%.2f%% of one core)\n",
           mel_ms, core_percent(mel_ms));
    printf("  embedding                %.3f ms median wall (min %.3f, p95 %.3f), %.3f ms CPU\n",
           med, best, p95, cpu_med);
    printf("  at %.1f embeddings/s     %.2f%% of one core (embedding), %.2f%% with the mel\n",
           rate, core_percent(rate * cpu_med), core_percent(rate * cpu_med + mel_ms));
    printf("  RSS                      %.1f MB at start, %.1f MB with the front end, "
           "%.1f MB with the embedding\n", rss0, rss_fe, rss_emb);
    printf("  peak RSS                 %.1f MB\n", ru.ru_maxrss / 1024.0);
}

int main(int argc, char **argv)
{
    int runs = DEFAULT_RUNS, seconds = DEFAULT_SECONDS;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--runs"))
            runs = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--seconds"))
            seconds = atoi(argv[i + 1]);
    }
    if (runs < 1 || seconds < 1) {
        fprintf(stderr, "usage: kws_bench [--runs N] [--seconds S]\n");
        return 2;
    }
    fc_error err = { 0 };
    kws_frontend *fe = NULL;
    kws_embed *e = NULL;
    size_t n = (size_t)seconds * FC_RATE, frames = 0;
    int16_t *pcm = make_audio(n);
    float *mel = malloc(KWS_FRAMES_FOR(n) * KWS_MEL_BINS * sizeof *mel);
    double *ms = malloc((size_t)runs * sizeof *ms), *cpu = malloc((size_t)runs * sizeof *cpu);
    int status = 1;
    if (pcm == NULL || mel == NULL || ms == NULL || cpu == NULL) {
        fprintf(stderr, "kws_bench: out of memory\n");
        goto out;
    }
    double rss0 = rss_mb();
    if (kws_frontend_create(NULL, &fe, &err) != FC_OK)
        goto fail;
    double rss_fe = rss_mb();
    if (kws_embed_create(fe, &e, &err) != FC_OK)
        goto fail;
    double rss_emb = rss_mb();
    double mel_ms = time_mel(fe, pcm, n, mel, &frames);
    if (frames < KWS_EMBED_FRAMES) {
        fprintf(stderr, "kws_bench: %d s gives too few frames for a window\n", seconds);
        goto out;
    }
    if (time_embed(e, mel, frames, runs, ms, cpu) != FC_OK) {
        fprintf(stderr, "kws_bench: the embedding failed to run\n");
        goto out;
    }
    print_figures(seconds, runs, mel_ms, ms, cpu, rss0, rss_fe, rss_emb);
    status = 0;
    goto out;
fail:
    fprintf(stderr, "kws_bench: %s\n", fc_error_message(&err));
out:
    kws_embed_destroy(e);
    kws_frontend_destroy(fe);
    free(cpu);
    free(ms);
    free(mel);
    free(pcm);
    return status;
}
