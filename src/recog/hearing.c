/* hearing: the fused decision of the two detectors (see hearing.h). */
#include "hearing.h"

#include "fc_clock.h"
#include "internal/asr_conf.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The keyword models' folder inside a grammars/ folder. */
#define KWS_MODELS_IN_GRAMMARS "kws"
#define HISTORY 64          /* detector scores kept: 5.1 s */
#define PENDING 8           /* decoder results waiting for the detector */
#define SCORES_AT_ONCE 16   /* scores from one piece of audio */
#define PIECE ((SCORES_AT_ONCE - 1) * KWS_STEP_SAMPLES) /* so they fit */
#define ASR_AT_ONCE 8       /* decoder results from one piece */
/* Where the detector's evidence for a word the decoder heard lies: its
 * decision points from shortly before the decoder's word end (the decoder
 * places ends a little late) to after the detector's firing span. */
#define CONFIRM_BEFORE (FC_RATE / 10)        /* 100 ms */
#define CONFIRM_AFTER (FC_RATE * 4 / 10)     /* 400 ms */
/* The detector fires 30-300 ms after the word's end: its report places the
 * word this far before the decision point, for the echo gate. */
#define KWS_END_LAG (FC_RATE * 15 / 100)     /* 150 ms */
#define KWS_WORD_LEN (FC_RATE / 2)           /* 500 ms */
/* Reports of one word this close (by word end) are one utterance. */
#define REFRACTORY FC_RATE                   /* 1 s */
/* The stretch the decoder is asked about when the detector points at a
 * word: its decision point and the 1.5 s before, which holds any command
 * word with its lead-in (the head's firing span is 30-300 ms after it). */
#define PROBE_SAMPLES (FC_RATE * 3 / 2)
/* With FLOORCOACH_DEBUG, a stop or pain the detector gives at least this
 * without acting on it is shown: a missed word is then explained. */
#define DEBUG_WEAK 0.5

struct hearing {
    hearing_mode mode;
    hearing_tuning set[ASR_KWS_SETS]; /* quiet, talking (internal/asr_conf.h's order) */
    bool debug;                 /* FLOORCOACH_DEBUG: explain each decision on stderr */
    FILE *trace;                /* FLOORCOACH_TRACE=FILE: both detectors' raw output */
    asr_t *asr;                 /* NULL in HEARING_KWS */
    kws_t *kws;                 /* NULL in HEARING_ASR */
    int64_t next_sample;        /* expected at of the next call, -1: none yet */
    kws_score hist[HISTORY];    /* ring of the latest scores */
    uint64_t n_hist;
    asr_heard pend[PENDING];
    int n_pend;
    /* The last report, against which repeats are told apart. */
    fc_command last_word;
    bool last_sure;
    int64_t last_end;
    /* The latest audio, for the decoder's probes: probe_audio[i % size]
     * is session sample i, for i in [probe_end - probe_have, probe_end). */
    int16_t probe_audio[PROBE_SAMPLES];
    int64_t probe_end, probe_have;
    int16_t probe_buf[PROBE_SAMPLES];
    /* Per word, while its probability stays at or above the probe line:
     * asked already, and the decoder said no. */
    bool probed[FC_CMD_COUNT], denied[FC_CMD_COUNT];
    double weak[FC_CMD_COUNT];   /* the detector's peak below its lines (debug) */
    int64_t weak_at[FC_CMD_COUNT]; /* and when */
    bool talking;               /* hearing_set_talking */
    bool probing;               /* some probe line is on: keep the audio for it */
    /* Results of the current call. */
    asr_heard *out;
    int n_out, max_out;
};

hearing_config hearing_config_default(void)
{
    hearing_config c;
    memset(&c, 0, sizeof c);
    c.asr = asr_config_default();
    c.kws = kws_config_default();
    c.mode = HEARING_FUSED;
    /* Chosen on the dev split, quiet and with noise continuous at 10 and
     * 5 dB (bench/README.md, "Tuning the decision"). */
    for (int w = FC_CMD_NEXT; w < FC_CMD_COUNT; w++) {
        c.tuning.fire[w] = 0.9;
        c.tuning.probe[w] = 2.0; /* off: bench/README.md, "Probing the decoder" */
        c.tuning.confirm[w] = 0.4;
        c.tuning.unsure[w] = 2.0;
        c.tuning.doubt[w] = 2.0;
    }
    c.tuning.unsure[FC_CMD_STOP] = c.tuning.unsure[FC_CMD_PAIN] = 0.8;
    c.tuning.doubt[FC_CMD_STOP] = c.tuning.doubt[FC_CMD_PAIN] = 0.1;
    /* Chosen on the whole routine with its echo at 0 dB and each dev
     * noise recording (bench/README.md, "While the coach talks"): the
     * decoder hears "stop" and "pain" in the residual echo plus noise with
     * the detector below 0.4, so while the coach talks that is no evidence;
     * a decoded word needs 0.8 to act on, and one the detector gave
     * 0.4-0.8 (a user talking over the coach, heard less clearly) pauses:
     * never ignored. The detector alone gives 0.8-0.9 to the coach's own
     * "say pain" in total echo (test_portaudio), so while it talks the
     * detector alone pauses on nothing below its line for acting. */
    c.talking = c.tuning;
    for (int w = FC_CMD_NEXT; w < FC_CMD_COUNT; w++) {
        c.talking.confirm[w] = 0.8;
        c.talking.unsure[w] = 2.0;
    }
    c.talking.doubt[FC_CMD_STOP] = c.tuning.confirm[FC_CMD_STOP];
    c.talking.doubt[FC_CMD_PAIN] = c.tuning.confirm[FC_CMD_PAIN];
    return c;
}

/* The thresholds asr.conf and the user's calibration set
 * (kws.[talking.]RULE.WORD) replace the given ones of that set. */
static void take_file_tuning(hearing_tuning *t, const double kws[ASR_KWS_RULES][FC_CMD_COUNT])
{
    double *rule[ASR_KWS_RULES] = { t->fire, t->confirm, t->unsure, t->doubt, t->probe };
    for (int r = 0; r < ASR_KWS_RULES; r++)
        for (int w = FC_CMD_NEXT; w < FC_CMD_COUNT; w++)
            if (!isnan(kws[r][w]))
                rule[r][w] = kws[r][w];
}

int hearing_create(const hearing_config *cfg, hearing_t **out, fc_error *err)
{
    int rc = FC_ERR_NOMEM;
    hearing_config def = hearing_config_default();
    hearing_t *h = calloc(1, sizeof *h);
    if (out == NULL)
        return fc_fail(err, FC_ERR_ARG, "hearing_create: no handle to fill");
    *out = NULL;
    if (cfg == NULL)
        cfg = &def;
    if (h == NULL)
        goto fail;
    h->mode = cfg->mode;
    h->set[ASR_KWS_QUIET] = cfg->tuning;
    h->set[ASR_KWS_TALKING] = cfg->talking;
    h->next_sample = -1;
    h->debug = getenv("FLOORCOACH_DEBUG") != NULL;
    /* For tuning the decision offline (bench/README.md): every detector
     * score ("k T P_NEXT P_REPEAT P_PAIN P_STOP") and every decoder result
     * ("a WORD START END T"), in session samples. */
    const char *trace = getenv("FLOORCOACH_TRACE");
    if (trace != NULL && *trace && (h->trace = fopen(trace, "w")) == NULL) {
        rc = fc_fail(err, FC_ERR_IO, "%s (FLOORCOACH_TRACE): cannot write", trace);
        goto fail;
    }
    if (cfg->mode != HEARING_KWS && (rc = asr_create(&cfg->asr, &h->asr, err)) < 0)
        goto fail;
    for (int set = 0; set < ASR_KWS_SETS && h->asr != NULL; set++)
        take_file_tuning(&h->set[set], asr_settings_of(h->asr)->kws[set]);
    for (int set = 0; set < ASR_KWS_SETS; set++)
        for (int w = FC_CMD_NEXT; w < FC_CMD_COUNT; w++)
            h->probing |= h->set[set].probe[w] <= 1.0;
    kws_config kcfg = cfg->kws;
    char dir[4096];
    if (kcfg.dir == NULL && cfg->asr.grammar_dir != NULL) {
        /* The keyword models sit beside the decoder's grammar. */
        snprintf(dir, sizeof dir, "%s/%s", cfg->asr.grammar_dir, KWS_MODELS_IN_GRAMMARS);
        kcfg.dir = dir;
    }
    if (cfg->mode != HEARING_ASR && (rc = kws_create(&kcfg, &h->kws, err)) < 0)
        goto fail;
    *out = h;
    return FC_OK;
fail:
    fc_fail_default(err, rc, "the recogniser could not start: %s", fc_strerror(rc));
    hearing_destroy(h);
    return rc;
}

void hearing_destroy(hearing_t *h)
{
    if (h == NULL)
        return;
    asr_destroy(h->asr);
    kws_destroy(h->kws);
    if (h->trace != NULL)
        fclose(h->trace);
    free(h);
}

void hearing_set_talking(hearing_t *h, bool talking)
{
    h->talking = talking;
}

void hearing_reset(hearing_t *h)
{
    if (h->asr != NULL)
        asr_reset(h->asr);
    if (h->kws != NULL)
        kws_reset(h->kws);
    h->next_sample = -1;
    h->n_hist = 0;
    h->n_pend = 0;
    h->last_word = FC_CMD_NONE;
    h->probe_have = 0;
    memset(h->probed, 0, sizeof h->probed);
    memset(h->denied, 0, sizeof h->denied);
    memset(h->weak, 0, sizeof h->weak);
}

/* Reports r unless it repeats the last report: the same word, ending
 * within REFRACTORY of it, and no surer than it was. */
static void report(hearing_t *h, const asr_heard *r)
{
    int64_t gap = r->end - h->last_end;
    if (h->last_word == r->word && gap < REFRACTORY && gap > -REFRACTORY &&
        (r->unsure || h->last_sure))
        return;
    h->last_word = r->word;
    h->last_sure = !r->unsure;
    h->last_end = r->end;
    if (h->n_out < h->max_out)
        h->out[h->n_out++] = *r;
}

/* The thresholds that apply now. */
static const hearing_tuning *tuning(const hearing_t *h)
{
    return &h->set[h->talking ? ASR_KWS_TALKING : ASR_KWS_QUIET];
}

static double prob(const kws_score *s, fc_command w)
{
    return s->p[w - FC_CMD_NEXT];
}

static void keep_audio(hearing_t *h, int64_t at, const int16_t *pcm, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h->probe_audio[(uint64_t)(at + (int64_t)i) % PROBE_SAMPLES] = pcm[i];
    h->probe_end = at + (int64_t)n;
    h->probe_have += (int64_t)n;
    if (h->probe_have > PROBE_SAMPLES)
        h->probe_have = PROBE_SAMPLES;
}

/* Asks the decoder what the audio up to decision point t says. Returns 0
 * with *word (FC_CMD_NONE without a decoder), or FC_ERR_MODEL. */
static int probe(hearing_t *h, int64_t t, fc_command *word)
{
    int64_t from = h->probe_end - h->probe_have, to = t < h->probe_end ? t : h->probe_end;
    int64_t start = to - PROBE_SAMPLES > from ? to - PROBE_SAMPLES : from;
    int frames = (int)((to - start) / FC_FRAME);
    *word = FC_CMD_NONE;
    if (h->asr == NULL || frames <= 0)
        return FC_OK;
    start = to - (int64_t)frames * FC_FRAME;
    for (int64_t i = start; i < to; i++)
        h->probe_buf[i - start] = h->probe_audio[(uint64_t)i % PROBE_SAMPLES];
    return asr_decode_window(h->asr, h->probe_buf, frames, word);
}

/* Debug only: the peak of a stop or pain the detector alone heard below
 * the lines it acts on, shown once it has passed. */
static void note_weak(hearing_t *h, fc_command w, double p, int64_t t)
{
    if (!h->debug || (w != FC_CMD_STOP && w != FC_CMD_PAIN))
        return;
    if (p >= DEBUG_WEAK && p > h->weak[w]) {
        h->weak[w] = p;
        h->weak_at[w] = t;
    } else if (p < DEBUG_WEAK && h->weak[w] > 0) {
        fprintf(stderr, "hearing: detector alone gave '%s' %.2f at %.2f s, below its lines "
                "(%s)\n", fc_command_name(w), h->weak[w], h->weak_at[w] / (double)FC_RATE,
                h->talking ? "the coach talks" : "the coach is quiet");
        h->weak[w] = 0;
    }
}

/* The detector's score: past a word's fire line it is heard; past the
 * probe line the decoder is asked once about the stretch, and its yes is
 * enough; when it says no, a stop or pain past the unsure line pauses. */
static int judge_score(hearing_t *h, const kws_score *s)
{
    for (int w = FC_CMD_NEXT; w < FC_CMD_COUNT; w++) {
        double p = prob(s, (fc_command)w);
        const hearing_tuning *t = tuning(h);
        const double fire = t->fire[w], line = t->probe[w];
        asr_heard r = { .word = (fc_command)w, .end = s->t - KWS_END_LAG, .t = s->t,
                        .score = p, .unsure = false };
        r.start = r.end - KWS_WORD_LEN;
        if (p < fire && p < line && p < t->unsure[w]) {
            h->probed[w] = h->denied[w] = false;
            note_weak(h, (fc_command)w, p, s->t);
            continue;
        }
        if (p < fire && p >= line && !h->probed[w]) {
            fc_command said;
            int rc = probe(h, s->t, &said);
            if (rc < 0)
                return rc;
            if (h->trace != NULL)
                fprintf(h->trace, "p %lld %s %s\n", (long long)s->t,
                        fc_command_name((fc_command)w), fc_command_name(said));
            h->probed[w] = true;
            h->denied[w] = said != (fc_command)w;
        }
        if (p >= fire || (h->probed[w] && !h->denied[w])) {
            report(h, &r);
        } else if (p >= t->unsure[w]) {
            r.unsure = true;
            report(h, &r);
        }
    }
    return FC_OK;
}

/* The detector's strongest p(w) around a decoded word's end, and whether
 * it has decided on all of that stretch yet. */
static double evidence(const hearing_t *h, const asr_heard *r, bool *complete)
{
    double best = 0;
    int64_t lo = r->end - CONFIRM_BEFORE, hi = r->end + CONFIRM_AFTER;
    uint64_t first = h->n_hist > HISTORY ? h->n_hist - HISTORY : 0;
    *complete = false;
    for (uint64_t i = first; i < h->n_hist; i++) {
        const kws_score *s = &h->hist[i % HISTORY];
        if (s->t >= hi)
            *complete = true;
        if (s->t >= lo && s->t <= hi && prob(s, r->word) > best)
            best = prob(s, r->word);
    }
    return best;
}

/* Decides on a decoder result when the detector has spoken to it (or
 * `now`, when no more evidence will come). Returns true when settled. */
static bool judge_decoded(hearing_t *h, const asr_heard *r, bool now)
{
    if (h->mode == HEARING_ASR) {
        report(h, r);
        return true;
    }
    bool complete;
    double p = evidence(h, r, &complete);
    asr_heard d = *r;
    d.score = p;
    const hearing_tuning *t = tuning(h);
    if (h->debug && (complete || now || p >= t->confirm[r->word]))
        fprintf(stderr, "hearing: decoder's '%s' %.2f-%.2f s, detector p %.2f: %s\n",
                fc_command_name(r->word), r->start / (double)FC_RATE, r->end / (double)FC_RATE,
                p, p >= t->confirm[r->word] ? "confirmed"
                   : p >= t->doubt[r->word] ? "unsure" : "dropped");
    if (p >= t->confirm[r->word]) {
        report(h, &d);
        return true;
    }
    if (!complete && !now)
        return false;
    if (p >= t->doubt[r->word]) {
        d.unsure = true;
        report(h, &d);
    }
    return true;
}

/* Settles what the decoder results waiting can be settled now. */
static void settle(hearing_t *h, bool now)
{
    int kept = 0;
    for (int i = 0; i < h->n_pend; i++)
        if (!judge_decoded(h, &h->pend[i], now))
            h->pend[kept++] = h->pend[i];
    h->n_pend = kept;
}

static int run_kws(hearing_t *h, int64_t at, const int16_t *pcm, size_t n)
{
    kws_score s[SCORES_AT_ONCE];
    int rc = FC_OK, got = kws_push(h->kws, at, pcm, n, s, SCORES_AT_ONCE);
    for (int i = 0; i < got && rc == FC_OK; i++) {
        h->hist[h->n_hist++ % HISTORY] = s[i];
        if (h->trace != NULL)
            fprintf(h->trace, "k %lld %.4f %.4f %.4f %.4f\n", (long long)s[i].t, s[i].p[0],
                    s[i].p[1], s[i].p[2], s[i].p[3]);
        rc = judge_score(h, &s[i]);
    }
    return got < 0 ? got : rc;
}

static int run_asr(hearing_t *h, int64_t at, const int16_t *pcm, size_t n)
{
    asr_heard r[ASR_AT_ONCE];
    int got = asr_process(h->asr, at, pcm, n, r, ASR_AT_ONCE);
    for (int i = 0; i < got; i++) {
        if (h->trace != NULL)
            fprintf(h->trace, "a %s %lld %lld %lld\n", fc_command_name(r[i].word),
                    (long long)r[i].start, (long long)r[i].end, (long long)r[i].t);
        if (h->n_pend == PENDING)
            settle(h, true); /* no room to wait: decide on what is known */
        h->pend[h->n_pend++] = r[i];
    }
    return got < 0 ? got : FC_OK;
}

/* One piece of at most PIECE samples through both detectors. */
static int run_piece(hearing_t *h, int64_t at, const int16_t *pcm, size_t n)
{
    int rc = FC_OK;
    if (h->probing)
        keep_audio(h, at, pcm, n);
    if (h->kws != NULL && (rc = run_kws(h, at, pcm, n)) < 0)
        return rc;
    if (h->asr != NULL && (rc = run_asr(h, at, pcm, n)) < 0)
        return rc;
    settle(h, false);
    return FC_OK;
}

int hearing_process(hearing_t *h, int64_t at, const int16_t *pcm, size_t n, asr_heard *out,
                    int max)
{
    int rc = FC_OK;
    if (h == NULL || (pcm == NULL && n > 0) || (out == NULL && max > 0) || max < 0 || at < 0)
        return FC_ERR_ARG;
    h->out = out;
    h->n_out = 0;
    h->max_out = max;
    if (h->next_sample >= 0 && at != h->next_sample) {
        /* A gap: the decoder settles its segment, the detector starts over. */
        if (h->asr != NULL && (rc = run_asr(h, at, NULL, 0)) < 0)
            return rc;
        settle(h, true);
        if (h->kws != NULL)
            kws_reset(h->kws);
        h->n_hist = 0;
        h->probe_have = 0;
    }
    h->next_sample = at + (int64_t)n;
    for (size_t off = 0; off < n && rc == FC_OK; off += PIECE) {
        size_t m = n - off < PIECE ? n - off : PIECE;
        rc = run_piece(h, at + (int64_t)off, pcm + off, m);
    }
    return rc < 0 ? rc : h->n_out;
}
