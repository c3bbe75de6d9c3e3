/* rating_eval: how well the pain rating's number recogniser (the one the
 * listener runs while a rating is asked for, asr_create_words) hears a
 * number said alone, and how often it takes another word or speech for
 * one, on the shared corpus's real recordings.
 *
 * usage: rating_eval CORPUS_DIR [--split dev|test|all] [--grammars DIR] [--conf FILE]
 *
 * Numbers are the corpus's distractors one ... nine (Speech Commands has
 * no "ten"); everything else in distractors/ and speech/ must give no
 * number. Each clip is fed alone, with half a second of silence before and
 * one after, on a fresh stream. Prints, per split: numbers right, wrong
 * and missed (no answer); other clips taken for a number. Exit 0 when it
 * ran, 1 on usage or I/O errors, 77 when the corpus is absent. */
#define _DEFAULT_SOURCE /* rand_r, M_PI */

#include "asr.h"
#include "fc_clock.h"

#include <sndfile.h>

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAD_BEFORE (FC_RATE / 2)
#define PAD_AFTER FC_RATE
#define MAX_HEARD 16
#define LINE_MAX 4096
#define N_NUMBERS 10
#define N_SPLITS 2
#define BACKGROUND_PART 10 /* the quietest tenth of a clip's frames */

static const char *const NUMBERS[N_NUMBERS] = {"one", "two", "three", "four", "five",
                                               "six", "seven", "eight", "nine", "ten"};

typedef struct {
    int right, wrong, missed, others, taken;
} tally;

/* The number category/word names (1-10), or 0. */
static int number_of(const char *word)
{
    for (int i = 0; i < N_NUMBERS; i++)
        if (!strcmp(word, NUMBERS[i]))
            return i + 1;
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The clip's background: the RMS of its quietest tenth of frames. */
static double background_rms(const int16_t *x, size_t n)
{
    size_t nf = n / FC_FRAME, k = 0;
    double *rms = nf ? malloc(nf * sizeof *rms) : NULL, bg = 1.0;
    for (size_t f = 0; rms && f < nf; f++) {
        double e = 0;
        for (size_t i = 0; i < FC_FRAME; i++)
            e += (double)x[f * FC_FRAME + i] * x[f * FC_FRAME + i];
        rms[k++] = sqrt(e / FC_FRAME);
    }
    if (k) {
        qsort(rms, k, sizeof *rms, cmp_double);
        bg = rms[k / BACKGROUND_PART];
    }
    free(rms);
    return bg;
}

/* Padding as the room sounds: Gaussian noise at the clip's background
 * level (digital zeros would put a step from silence into every clip,
 * which no microphone makes, and the voice detector takes it for a
 * click). A fixed seed: the same figures every run. */
static void pad_noise(int16_t *x, size_t n, double rms, unsigned *seed)
{
    for (size_t i = 0; i < n; i++) {
        double u = (rand_r(seed) + 1.0) / ((double)RAND_MAX + 2.0);
        double v = (rand_r(seed) + 1.0) / ((double)RAND_MAX + 2.0);
        x[i] = (int16_t)(rms * sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v));
    }
}

/* The clip at path, at 16 kHz mono, padded; NULL on error. */
static int16_t *read_clip(const char *path, size_t *n)
{
    SF_INFO info = {0};
    SNDFILE *f = sf_open(path, SFM_READ, &info);
    if (!f || info.samplerate != FC_RATE || info.channels != 1) {
        if (f)
            sf_close(f);
        return NULL;
    }
    *n = PAD_BEFORE + (size_t)info.frames + PAD_AFTER;
    int16_t *pcm = calloc(*n, sizeof *pcm);
    static unsigned seed = 1;
    if (pcm) {
        sf_readf_short(f, pcm + PAD_BEFORE, info.frames);
        double bg = background_rms(pcm + PAD_BEFORE, (size_t)info.frames);
        pad_noise(pcm, PAD_BEFORE, bg, &seed);
        pad_noise(pcm + PAD_BEFORE + info.frames, PAD_AFTER, bg, &seed);
    }
    sf_close(f);
    return pcm;
}

/* The number the recogniser hears in the clip (0: none). */
static int hear(asr_t *asr, const int16_t *pcm, size_t n)
{
    asr_heard h[MAX_HEARD];
    int number = 0;
    asr_reset(asr);
    for (size_t off = 0; off < n; off += FC_FRAME) {
        size_t m = n - off < FC_FRAME ? n - off : FC_FRAME;
        int got = asr_process(asr, (int64_t)off, pcm + off, m, h, MAX_HEARD);
        for (int i = 0; i < got; i++)
            if (h[i].phrase >= 0 && !number)
                number = h[i].phrase + 1;
    }
    int got = asr_process(asr, (int64_t)n + FC_RATE, NULL, 0, h, MAX_HEARD); /* a gap: settle */
    for (int i = 0; i < got; i++)
        if (h[i].phrase >= 0 && !number)
            number = h[i].phrase + 1;
    return number;
}

/* One MANIFEST row: file, category, ..., split (fifth column). */
static void count(asr_t *asr, const char *corpus, char *line, const char *want_split,
                  tally *t)
{
    char *cols[5] = {0};
    char *save = NULL, *tok = strtok_r(line, "\t", &save);
    for (int i = 0; tok && i < 5; i++, tok = strtok_r(NULL, "\t", &save))
        cols[i] = tok;
    if (!cols[4] || (strcmp(want_split, "all") && strcmp(cols[4], want_split)))
        return;
    bool distractor = !strncmp(cols[1], "distractors/", 12);
    if (!distractor && strcmp(cols[1], "speech"))
        return;
    int want = distractor ? number_of(cols[1] + 12) : 0;
    char path[LINE_MAX];
    size_t n = 0;
    snprintf(path, sizeof path, "%s/%s", corpus, cols[0]);
    int16_t *pcm = read_clip(path, &n);
    if (!pcm)
        return;
    int got = hear(asr, pcm, n);
    free(pcm);
    if (want) {
        t->right += got == want;
        t->wrong += got && got != want;
        t->missed += !got;
    } else {
        t->others++;
        t->taken += got != 0;
    }
}

static int run_split(asr_t *asr, const char *corpus, const char *split)
{
    char path[LINE_MAX], line[LINE_MAX];
    tally t = {0};
    snprintf(path, sizeof path, "%s/MANIFEST.tsv", corpus);
    FILE *fp = fopen(path, "r");
    if (!fp)
        return 77;
    while (fgets(line, sizeof line, fp))
        count(asr, corpus, line, split, &t);
    fclose(fp);
    int numbers = t.right + t.wrong + t.missed;
    printf("%-5s numbers %d: right %d (%.1f%%), wrong %d (%.1f%%), no answer %d (%.1f%%); "
           "other words and speech %d: taken for a number %d (%.1f%%)\n", split, numbers,
           t.right, 100.0 * t.right / (numbers ? numbers : 1), t.wrong,
           100.0 * t.wrong / (numbers ? numbers : 1), t.missed,
           100.0 * t.missed / (numbers ? numbers : 1), t.others, t.taken,
           100.0 * t.taken / (t.others ? t.others : 1));
    return 0;
}

int main(int argc, char **argv)
{
    const char *split = NULL, *grammars = FC_SOURCE_DIR "/grammars", *conf = NULL;
    if (argc < 2) {
        fprintf(stderr, "usage: rating_eval CORPUS_DIR [--split dev|test|all] [--grammars DIR] "
                "[--conf FILE]\n");
        return 1;
    }
    for (int i = 2; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--split"))
            split = argv[i + 1];
        else if (!strcmp(argv[i], "--grammars"))
            grammars = argv[i + 1];
        else if (!strcmp(argv[i], "--conf"))
            conf = argv[i + 1];
    }
    asr_config cfg = asr_config_default();
    cfg.grammar_dir = grammars;
    cfg.user_conf = conf; /* asr.conf keys over the grammar dir's (debug = 1) */
    asr_t *asr = NULL;
    fc_error err = {0};
    if (asr_create_words(&cfg, NUMBERS, N_NUMBERS, &asr, &err) < 0) {
        fprintf(stderr, "rating_eval: %s\n", fc_error_message(&err));
        return 1;
    }
    const char *splits[N_SPLITS] = {"dev", "test"};
    int rc = 0;
    for (int i = 0; i < N_SPLITS && rc == 0; i++)
        if (!split || !strcmp(split, splits[i]) || !strcmp(split, "all"))
            rc = run_split(asr, argv[1], splits[i]);
    asr_destroy(asr);
    if (rc == 77)
        fprintf(stderr, "rating_eval: no corpus at %s\n", argv[1]);
    return rc;
}
