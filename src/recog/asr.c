/* asr: command-word recogniser on PocketSphinx 5prealpha.
 *
 * Design (details and the reasons for the numbers: grammars/README.md):
 *  - An adaptive energy VAD cuts the endless stream into short segments.
 *    We use our own VAD rather than pocketsphinx's because its silence
 *    removal drops frames, which would break the mapping from decoder
 *    frames to the session clock, and its end-of-speech hangover is fixed.
 *    Its floor never stays below the quietest frame of the last
 *    vad_floor_window_ms, so a louder background is absorbed quickly; a
 *    segment ends after vad_hangover_ms near the floor or far below the
 *    segment's peak.  A segment longer than max_segment_ms is continuous
 *    sound (TV, a tap, a sentence), not a lone command, and is dropped
 *    undecoded.
 *  - When the VAD closes a segment it is decoded in one go (so batch CMN
 *    normalises it by its own mean) with a one-word JSGF grammar in which
 *    the four commands compete with ~1000 frequent English words and the
 *    common words one phone away from them ("top", "neck", "plain"), at a
 *    low weight: whatever else is said is explained by one of those.  Each
 *    command's weight is scaled by its bias (asr.conf, the user's
 *    calibration); the acoustic model can be adapted with an MLLR
 *    transform (grammars/en-us-rooms.mllr).
 *  - Optionally (verify = 1) a command that wins is verified against a free
 *    phone loop over the same frames: the per-frame log-likelihood ratio
 *    must reach the word's min_llr from asr.conf.
 */
#define _POSIX_C_SOURCE 200809L

#include "asr.h"
#include "fc_error.h"

#include <pocketsphinx.h>
#include <sphinxbase/jsgf.h>

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef ASR_DEFAULT_MODEL
#define ASR_DEFAULT_MODEL "/usr/share/pocketsphinx/model/en-us/en-us"
#endif
#ifndef ASR_DEFAULT_GRAMMAR_DIR
#define ASR_DEFAULT_GRAMMAR_DIR "grammars"
#endif

#define ASR_RATE 16000
#define FRAME 160            /* 10 ms: the decoder's frame shift, so VAD and decoder agree */
#define MAX_PREROLL 64       /* frames */
#define MAX_PENDING 32
#define MAX_FLOOR_WIN 300    /* frames of energy history for the floor's minimum */
#define MAX_PS_ARGS 32

struct asr {
    ps_decoder_t *ps;

    /* Settings from asr.conf (times already in frames). */
    double on_db, off_db, floor_min_db, floor_rise_db, floor_fall;
    double off_peak_db;        /* 0, or: quiet also means this far below the segment's peak */
    int start_frames, hangover_frames, preroll_frames;
    int min_seg_frames, max_seg_frames;
    int min_word_frames, max_word_frames;
    int floor_win;             /* frames; 0: no window minimum */
    int verify;                /* phone-loop verification on/off */
    double min_llr[FC_CMD_COUNT];   /* per-word verification threshold */
    double bias[FC_CMD_COUNT];      /* nats added to each command's grammar weight */
    char *gram_text;           /* the grammar as shipped; biases are applied to a copy */
    int debug;

    /* Stream state. */
    int64_t next_sample;     /* session sample expected next; -1 before the first call */
    int16_t part[FRAME];     /* incomplete frame carried between calls */
    int part_n;
    double floor_db;
    int floor_set;
    float hist[MAX_FLOOR_WIN];  /* recent frame energies, dB */
    int hist_head, hist_n;
    int above, below;

    int16_t ring[MAX_PREROLL][FRAME];  /* recent non-speech frames, fed at segment start */
    int ring_head, ring_n;

    int in_seg;
    int64_t seg_start;       /* session sample of the decoder's frame 0 */
    int seg_frames;
    int seg_voiced;          /* frames above the start threshold: tells a click from a word */
    double seg_peak_db;      /* loudest frame so far */
    int overlong;            /* segment outgrew max_segment_ms: no lone command */
    int16_t *seg_buf;        /* the segment's audio, decoded when it closes */

    asr_heard pend[MAX_PENDING];
    int npend;
};

asr_config asr_config_default(void)
{
    asr_config c;
    c.model_dir = NULL;
    c.grammar_dir = ASR_DEFAULT_GRAMMAR_DIR;
    c.user_conf = NULL;
    c.sample_rate = ASR_RATE;
    return c;
}

/* ---- asr.conf -------------------------------------------------------- */

typedef struct {
    char dict[256], grammar[256], phone_lm[256], mllr[256];
    char ps_key[MAX_PS_ARGS][40];
    char ps_val[MAX_PS_ARGS][64];
    int n_ps;
} asr_files;

static char *asr_trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

static int asr_parse_double(const char *v, double *out)
{
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (errno != 0 || end == v || *asr_trim(end) != '\0')
        return FC_ERR_FORMAT;
    *out = d;
    return FC_OK;
}

static int asr_ms_to_frames(double ms)
{
    return (int)lround(ms / 10.0);
}

static int asr_copy(char *dst, size_t cap, const char *src)
{
    if (strlen(src) >= cap)
        return FC_ERR_FORMAT;
    memcpy(dst, src, strlen(src) + 1);
    return FC_OK;
}

/* One `key = value` line.  Unknown keys are errors so that a typo in a
 * threshold can never silently fall back to a default. */
static int asr_set(asr_t *a, asr_files *f, const char *key, const char *val)
{
    double d = 0.0;
    if (strcmp(key, "dict") == 0)
        return asr_copy(f->dict, sizeof f->dict, val);
    if (strcmp(key, "grammar") == 0)
        return asr_copy(f->grammar, sizeof f->grammar, val);
    if (strcmp(key, "phone_lm") == 0)
        return asr_copy(f->phone_lm, sizeof f->phone_lm, val);
    if (strcmp(key, "mllr") == 0)
        return asr_copy(f->mllr, sizeof f->mllr, val);
    if (strncmp(key, "ps.", 3) == 0) {
        if (f->n_ps >= MAX_PS_ARGS)
            return FC_ERR_FORMAT;
        if (asr_copy(f->ps_key[f->n_ps] + 1, sizeof f->ps_key[0] - 1, key + 3) < 0 ||
            asr_copy(f->ps_val[f->n_ps], sizeof f->ps_val[0], val) < 0)
            return FC_ERR_FORMAT;
        f->ps_key[f->n_ps][0] = '-';
        f->n_ps++;
        return FC_OK;
    }
    if (asr_parse_double(val, &d) < 0)
        return FC_ERR_FORMAT;
    if (strncmp(key, "bias.", 5) == 0) {
        fc_command w = fc_command_from_name(key + 5);
        if (w == FC_CMD_NONE || !(d >= ASR_BIAS_MIN && d <= ASR_BIAS_MAX))
            return FC_ERR_FORMAT;
        a->bias[w] = d;
        return FC_OK;
    }
    if (strncmp(key, "min_llr.", 8) == 0) {
        fc_command w = fc_command_from_name(key + 8);
        if (w == FC_CMD_NONE)
            return FC_ERR_FORMAT;
        a->min_llr[w] = d;
        return FC_OK;
    }
    static const struct { const char *k; size_t off; } dbl[] = {
        { "vad_on_db", offsetof(asr_t, on_db) },
        { "vad_off_db", offsetof(asr_t, off_db) },
        { "vad_floor_min_db", offsetof(asr_t, floor_min_db) },
        { "vad_off_below_peak_db", offsetof(asr_t, off_peak_db) },
    };
    for (size_t i = 0; i < sizeof dbl / sizeof dbl[0]; i++)
        if (strcmp(key, dbl[i].k) == 0) {
            *(double *)((char *)a + dbl[i].off) = d;
            return FC_OK;
        }
    static const struct { const char *k; size_t off; int lo, hi; } ms[] = {
        { "vad_start_ms", offsetof(asr_t, start_frames), 1, 20 },
        { "vad_hangover_ms", offsetof(asr_t, hangover_frames), 1, 100 },
        { "vad_preroll_ms", offsetof(asr_t, preroll_frames), 0, MAX_PREROLL },
        { "min_segment_ms", offsetof(asr_t, min_seg_frames), 0, 100 },
        { "max_segment_ms", offsetof(asr_t, max_seg_frames), 50, 3000 },
        { "min_word_ms", offsetof(asr_t, min_word_frames), 0, 200 },
        { "max_word_ms", offsetof(asr_t, max_word_frames), 10, 500 },
        { "vad_floor_window_ms", offsetof(asr_t, floor_win), 0, MAX_FLOOR_WIN },
    };
    for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++)
        if (strcmp(key, ms[i].k) == 0) {
            int fr = asr_ms_to_frames(d);
            if (fr < ms[i].lo || fr > ms[i].hi)
                return FC_ERR_FORMAT;
            *(int *)((char *)a + ms[i].off) = fr;
            return FC_OK;
        }
    if (strcmp(key, "vad_floor_rise_db_per_s") == 0) {
        a->floor_rise_db = d / 100.0;
        return FC_OK;
    }
    if (strcmp(key, "verify") == 0) {
        a->verify = d != 0.0;
        return FC_OK;
    }
    if (strcmp(key, "debug") == 0) {
        a->debug = d != 0.0;
        return FC_OK;
    }
    return FC_ERR_FORMAT;
}

static int asr_read_conf(asr_t *a, asr_files *f, const char *path, fc_error *err)
{
    FILE *fp = fopen(path, "r");
    if (fp == NULL)
        return fc_fail(err, FC_ERR_IO, "%s: cannot open", path);
    char line[512];
    int rc = FC_OK, lineno = 0;
    while (rc == FC_OK && fgets(line, sizeof line, fp) != NULL) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash != NULL)
            *hash = '\0';
        char *s = asr_trim(line);
        if (*s == '\0')
            continue;
        char *eq = strchr(s, '=');
        if (eq == NULL) {
            rc = FC_ERR_FORMAT;
            break;
        }
        *eq = '\0';
        rc = asr_set(a, f, asr_trim(s), asr_trim(eq + 1));
    }
    if (rc == FC_OK && ferror(fp))
        rc = FC_ERR_IO;
    if (rc < 0)
        fc_fail(err, rc, "%s:%d: not a valid `key = value` setting", path, lineno);
    if (rc < 0 && a->debug)
        fprintf(stderr, "asr: %s:%d: bad setting\n", path, lineno);
    fclose(fp);
    return rc;
}

static void asr_defaults(asr_t *a)
{
    a->on_db = 9.0;
    a->off_db = 6.0;
    a->floor_min_db = 20.0;
    a->floor_rise_db = 3.0 / 100.0;
    a->floor_fall = 0.2;
    a->start_frames = 3;
    a->hangover_frames = 15;
    a->preroll_frames = 25;
    a->min_seg_frames = 15;
    a->max_seg_frames = 300;
    a->min_word_frames = 15;
    a->max_word_frames = 150;
    a->floor_win = 0;
    a->verify = 1;
    for (int i = 0; i < FC_CMD_COUNT; i++)
        a->min_llr[i] = -1.0;
    a->next_sample = -1;
}

static int asr_slurp(const char *path, char **out)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    long n;
    int rc = FC_ERR_IO;
    if (fp == NULL)
        return FC_ERR_IO;
    if (fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) != 0)
        goto fail;
    if ((buf = malloc((size_t)n + 1)) == NULL) {
        rc = FC_ERR_NOMEM;
        goto fail;
    }
    if (fread(buf, 1, (size_t)n, fp) != (size_t)n)
        goto fail;
    buf[n] = '\0';
    *out = buf;
    buf = NULL;
    rc = FC_OK;
fail:
    free(buf);
    fclose(fp);
    return rc;
}

/* Sets the "cmd" search from the grammar with each command's weight
 * multiplied by e^bias.  The generated grammar gives each command exactly
 * one alternative of the form `/WEIGHT/ word` (gen_grammar.py); a grammar
 * without one for a biased word is an error rather than a silent no-op. */
static int asr_load_grammar(asr_t *a)
{
    size_t len = strlen(a->gram_text);
    char *text = malloc(len + FC_CMD_COUNT * 48 + 1);
    jsgf_t *jsgf = NULL;
    jsgf_rule_t *rule = NULL;
    fsg_model_t *fsg = NULL;
    int rc = FC_ERR_NOMEM;
    if (text == NULL)
        return rc;
    char *o = text;
    const char *p = a->gram_text;
    int seen[FC_CMD_COUNT] = { 0 };
    while (*p != '\0') {
        const char *q = strchr(p, '/');
        if (q == NULL) {
            strcpy(o, p);
            o += strlen(p);
            break;
        }
        memcpy(o, p, (size_t)(q - p));
        o += q - p;
        /* `/weight/ word` */
        char *end;
        double wgt = strtod(q + 1, &end);
        fc_command w = FC_CMD_NONE;
        size_t wl = 0;
        if (end > q + 1 && *end == '/') {
            const char *ws = end + 1;
            while (*ws == ' ')
                ws++;
            wl = strspn(ws, "abcdefghijklmnopqrstuvwxyz");
            char name[16];
            if (wl > 0 && wl < sizeof name && (ws[wl] == '\0' || !isalnum((unsigned char)ws[wl]))) {
                memcpy(name, ws, wl);
                name[wl] = '\0';
                w = fc_command_from_name(name);
            }
        }
        if (w != FC_CMD_NONE && !seen[w]) {
            seen[w] = 1;
            /* Plain decimals: the JSGF lexer takes no exponents. */
            o += sprintf(o, "/%.12f/", wgt * exp(a->bias[w]));
            p = end + 1;
        } else {
            *o++ = '/';
            p = q + 1;
        }
    }
    *o = '\0';
    for (int w = 1; w < FC_CMD_COUNT; w++)
        if (!seen[w] && a->bias[w] != 0.0) {
            rc = FC_ERR_FORMAT;
            goto fail;
        }
    /* Built here rather than with ps_set_jsgf_string(), which in this
     * pocketsphinx never frees the parsed grammar: that leaked ~100 kB per
     * recogniser, and calibration rebuilds the grammar dozens of times. */
    rc = FC_ERR_FORMAT;
    if ((jsgf = jsgf_parse_string(text, NULL)) == NULL ||
        (rule = jsgf_get_public_rule(jsgf)) == NULL)
        goto fail;
    fsg = jsgf_build_fsg(jsgf, rule, ps_get_logmath(a->ps),
                         (float)cmd_ln_float32_r(ps_get_config(a->ps), "-lw"));
    if (fsg == NULL || ps_set_fsg(a->ps, "cmd", fsg) < 0)
        goto fail;
    rc = FC_OK;
fail:
    /* The search keeps its own reference to the FSG. */
    if (fsg != NULL)
        fsg_model_free(fsg);
    if (jsgf != NULL)
        jsgf_grammar_free(jsgf);
    free(text);
    return rc;
}

static int asr_path(char *dst, size_t cap, const char *dir, const char *name)
{
    int n = name[0] == '/' ? snprintf(dst, cap, "%s", name)
                           : snprintf(dst, cap, "%s/%s", dir, name);
    return n < 0 || (size_t)n >= cap ? FC_ERR_ARG : FC_OK;
}

int asr_create(const asr_config *cfg, asr_t **out, fc_error *err)
{
    asr_config def = asr_config_default();
    asr_files files;
    char conf[1024], dict[1024], gram[1024], plm[1024], mllr[1024];
    cmd_ln_t *cl = NULL;
    asr_t *a = NULL;
    int rc;

    if (out == NULL)
        return fc_fail(err, FC_ERR_ARG, "asr: no handle to fill");
    *out = NULL;
    if (cfg == NULL)
        cfg = &def;
    if (cfg->sample_rate != ASR_RATE)
        return fc_fail(err, FC_ERR_ARG, "asr: the recogniser takes %d Hz, not %d", ASR_RATE,
                       cfg->sample_rate);
    const char *gdir = cfg->grammar_dir ? cfg->grammar_dir : def.grammar_dir;
    const char *mdir = cfg->model_dir ? cfg->model_dir : ASR_DEFAULT_MODEL;

    a = calloc(1, sizeof *a);
    if (a == NULL)
        return fc_fail(err, FC_ERR_NOMEM, "out of memory starting the recogniser");
    asr_defaults(a);
    memset(&files, 0, sizeof files);
    strcpy(files.dict, "commands.dict");
    strcpy(files.grammar, "commands.gram");

    if ((rc = asr_path(conf, sizeof conf, gdir, "asr.conf")) < 0)
        goto fail;
    if ((rc = asr_read_conf(a, &files, conf, err)) < 0)
        goto fail;
    if (cfg->user_conf != NULL &&
        (rc = asr_read_conf(a, &files, cfg->user_conf, err)) < 0)
        goto fail;
    if ((rc = asr_path(dict, sizeof dict, gdir, files.dict)) < 0 ||
        (rc = asr_path(gram, sizeof gram, gdir, files.grammar)) < 0)
        goto fail;
    /* The phone LM ships beside the acoustic model directory. */
    if (files.phone_lm[0] != '\0')
        rc = asr_path(plm, sizeof plm, gdir, files.phone_lm);
    else
        rc = asr_path(plm, sizeof plm, mdir, "../en-us-phone.lm.bin");
    if (rc < 0)
        goto fail;
    mllr[0] = '\0';
    if (files.mllr[0] != '\0' && (rc = asr_path(mllr, sizeof mllr, gdir, files.mllr)) < 0)
        goto fail;

    /* Check the files ourselves: pocketsphinx reports a missing file only
     * in its log, which we silence. */
    const char *need[] = { dict, gram, plm, mllr[0] ? mllr : dict };
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++) {
        FILE *fp = fopen(need[i], "r");
        if (fp == NULL) {
            rc = fc_fail(err, FC_ERR_IO, "%s: cannot open (%s)", need[i], strerror(errno));
            goto fail;
        }
        fclose(fp);
    }

    const char *argv[16 + 2 * MAX_PS_ARGS];
    int argc = 0;
    argv[argc++] = "-hmm";       argv[argc++] = mdir;
    argv[argc++] = "-dict";      argv[argc++] = dict;
    argv[argc++] = "-samprate";  argv[argc++] = "16000";
    /* The acoustic model adapted to real rooms and microphones (grammars/
     * README.md): one global transform of its means, applied at load. */
    if (mllr[0] != '\0') {
        argv[argc++] = "-mllr"; argv[argc++] = mllr;
    }
    /* Our VAD already cut the audio; pocketsphinx's would drop frames. */
    argv[argc++] = "-remove_silence"; argv[argc++] = "no";
    /* The verification compares scores of two searches; only when every
     * senone is scored are they normalised by the same best senone. */
    argv[argc++] = "-compallsen"; argv[argc++] = a->verify ? "yes" : "no";
    argv[argc++] = "-bestpath";  argv[argc++] = "no";
    /* Context-dependent allphone search costs ~100x more (seconds per
     * second of speech); the CI loop is a weaker but adequate reference. */
    argv[argc++] = "-allphone_ci"; argv[argc++] = "yes";
    if (!a->debug) {
        argv[argc++] = "-logfn"; argv[argc++] = "/dev/null";
    }
    for (int i = 0; i < files.n_ps; i++) {
        argv[argc++] = files.ps_key[i];
        argv[argc++] = files.ps_val[i];
    }
    cl = cmd_ln_parse_r(NULL, ps_args(), argc, (char **)argv, FALSE);
    if (cl == NULL) {
        rc = fc_fail(err, FC_ERR_FORMAT, "%s: PocketSphinx refused its ps. settings", conf);
        goto fail;
    }
    a->ps = ps_init(cl);
    if (a->ps == NULL) {
        rc = fc_fail(err, FC_ERR_MODEL, "%s: PocketSphinx could not load this acoustic model "
                     "with %s", mdir, dict);
        goto fail;
    }
    /* ps_init holds its own reference to the config. */
    cmd_ln_free_r(cl);
    cl = NULL;
    if ((rc = asr_slurp(gram, &a->gram_text)) < 0 || (rc = asr_load_grammar(a)) < 0) {
        fc_fail(err, rc, "%s: the command grammar could not be read or built", gram);
        goto fail;
    }
    if (a->verify && ps_set_allphone_file(a->ps, "phone", plm) < 0) {
        rc = fc_fail(err, FC_ERR_MODEL, "%s: the phone loop could not be loaded", plm);
        goto fail;
    }
    a->seg_buf = malloc((size_t)(a->max_seg_frames + MAX_PREROLL) * FRAME *
                        sizeof *a->seg_buf);
    if (a->seg_buf == NULL) {
        rc = fc_fail(err, FC_ERR_NOMEM, "out of memory starting the recogniser");
        goto fail;
    }
    *out = a;
    return FC_OK;

fail:
    fc_fail_default(err, rc, "%s: the recogniser could not start", gdir);
    if (cl != NULL)
        cmd_ln_free_r(cl);
    asr_destroy(a);
    return rc;
}

void asr_destroy(asr_t *asr)
{
    if (asr == NULL)
        return;
    if (asr->ps != NULL)
        ps_free(asr->ps);
    free(asr->seg_buf);
    free(asr->gram_text);
    free(asr);
}

int asr_conf_check(const char *path, fc_error *err)
{
    asr_t *a = calloc(1, sizeof *a);
    asr_files files;
    if (a == NULL)
        return fc_fail(err, FC_ERR_NOMEM, "out of memory reading %s", path);
    asr_defaults(a);
    memset(&files, 0, sizeof files);
    int rc = asr_read_conf(a, &files, path, err);
    free(a);
    return rc;
}

int asr_set_bias(asr_t *asr, fc_command w, double nats)
{
    if (asr == NULL || w <= FC_CMD_NONE || (int)w >= FC_CMD_COUNT ||
        !(nats >= ASR_BIAS_MIN && nats <= ASR_BIAS_MAX))
        return FC_ERR_ARG;
    double old = asr->bias[w];
    asr->bias[w] = nats;
    int rc = asr_load_grammar(asr);
    if (rc < 0) {
        asr->bias[w] = old;
        return rc == FC_ERR_NOMEM ? rc : FC_ERR_MODEL;
    }
    return FC_OK;
}

double asr_get_bias(const asr_t *asr, fc_command w)
{
    if (asr == NULL || w <= FC_CMD_NONE || (int)w >= FC_CMD_COUNT)
        return 0.0;
    return asr->bias[w];
}

void asr_reset(asr_t *asr)
{
    if (asr == NULL)
        return;
    asr->next_sample = -1;
    asr->part_n = 0;
    asr->floor_set = 0;
    asr->floor_db = 0.0;
    asr->hist_head = asr->hist_n = 0;
    asr->above = asr->below = 0;
    asr->ring_head = asr->ring_n = 0;
    asr->in_seg = 0;
    asr->npend = 0;
}

/* ---- streaming ------------------------------------------------------- */

static double asr_frame_db(const int16_t *x)
{
    /* Remove the frame's DC: some sound cards carry an offset that would
     * otherwise look like a constant loud floor. */
    double mean = 0.0, e = 0.0;
    for (int i = 0; i < FRAME; i++)
        mean += x[i];
    mean /= FRAME;
    for (int i = 0; i < FRAME; i++) {
        double v = x[i] - mean;
        e += v * v;
    }
    return 10.0 * log10(e / FRAME + 1.0);
}

static void asr_push(asr_t *a, const asr_heard *h)
{
    if (a->npend == MAX_PENDING) {
        /* Cannot happen with sane callers; keep the newest. */
        memmove(a->pend, a->pend + 1, (MAX_PENDING - 1) * sizeof a->pend[0]);
        a->npend--;
    }
    a->pend[a->npend++] = *h;
}

static fc_command asr_base_word(const char *w)
{
    char buf[32];
    size_t n = strcspn(w, "(");
    if (n >= sizeof buf)
        return FC_CMD_NONE;
    memcpy(buf, w, n);
    buf[n] = '\0';
    return fc_command_from_name(buf);
}

/* Decode the buffered segment with search `name`. */
static int asr_decode(asr_t *a, const char *name)
{
    /* Pocketsphinx applies batch CMN only to a whole utterance given in
     * one call; the segment's own mean copes with a new voice or room at
     * once, where live CMN needs a few utterances to settle.  Restarting
     * the stream makes frame 0 the segment's first frame. */
    if (ps_set_search(a->ps, name) < 0 || ps_start_stream(a->ps) < 0 ||
        ps_start_utt(a->ps) < 0 ||
        ps_process_raw(a->ps, a->seg_buf, (size_t)a->seg_frames * FRAME,
                       FALSE, TRUE) < 0 ||
        ps_end_utt(a->ps) < 0)
        return FC_ERR_MODEL;
    return FC_OK;
}

/* Acoustic score of the phone loop's best path over frames sf..ef; phones
 * straddling the edges count in proportion to their overlap. */
static double asr_phone_score(asr_t *a, int sf, int ef)
{
    double sum = 0.0;
    for (ps_seg_t *s = ps_seg_iter(a->ps); s != NULL; s = ps_seg_next(s)) {
        int psf, pef;
        int32 ascr, lscr, lback;
        ps_seg_frames(s, &psf, &pef);
        ps_seg_prob(s, &ascr, &lscr, &lback);
        int lo = psf > sf ? psf : sf, hi = pef < ef ? pef : ef;
        if (hi >= lo)
            sum += (double)ascr * (hi - lo + 1) / (pef - psf + 1);
    }
    return sum;
}

/* Decide on the segment just closed; `now` is the session sample at which
 * the decision is taken. */
static int asr_finish(asr_t *a, int64_t now)
{
    a->in_seg = 0;
    if (a->seg_voiced < a->min_seg_frames || a->overlong) {
        /* A click, or continuous sound that is no lone command (asr_frame). */
        if (a->debug)
            fprintf(stderr, "asr: seg %.2f-%.2f s: %s\n", a->seg_start / (double)ASR_RATE,
                    now / (double)ASR_RATE, a->overlong ? "overlong" : "click");
        return FC_OK;
    }
    if (asr_decode(a, "cmd") < 0)
        return FC_ERR_MODEL;
    fc_command w = FC_CMD_NONE;
    int sf = 0, ef = -1;
    double word_score = 0.0;
    for (ps_seg_t *s = ps_seg_iter(a->ps); s != NULL; s = ps_seg_next(s)) {
        fc_command sw = asr_base_word(ps_seg_word(s));
        if (sw != FC_CMD_NONE) {
            int32 ascr, lscr, lback;
            w = sw;
            ps_seg_frames(s, &sf, &ef);
            ps_seg_prob(s, &ascr, &lscr, &lback);
            word_score = ascr;
        }
    }
    if (a->debug) {
        int32 score;
        const char *hyp = ps_get_hyp(a->ps, &score);
        fprintf(stderr, "asr: seg %.2f-%.2f s: %s\n",
                a->seg_start / (double)ASR_RATE, now / (double)ASR_RATE,
                hyp ? hyp : "(none)");
    }
    int dur = ef - sf + 1;
    if (w == FC_CMD_NONE || dur < a->min_word_frames || dur > a->max_word_frames)
        return FC_OK;

    /* Verification: how much better does a free phone loop explain the
     * same audio?  For the real word hardly at all; for another word, a
     * cough or a voice on the TV the loop wins by a lot.  Both decodes
     * score every senone (-compallsen) so their scores share one scale. */
    double llr = 0.0;
    if (a->verify) {
        if (asr_decode(a, "phone") < 0)
            return FC_ERR_MODEL;
        /* Per word frame, in natural-log units: pocketsphinx scores are
         * log base 1.0001 shifted right by 10 bits. */
        llr = (word_score - asr_phone_score(a, sf, ef)) / dur * 1024.0 * 1e-4;
        if (a->debug)
            fprintf(stderr, "asr:   %s %d-%d llr %.3f\n", fc_command_name(w), sf, ef, llr);
        if (llr < a->min_llr[w])
            return FC_OK;
    }

    asr_heard h;
    h.word = w;
    /* A decoder frame's 25.6 ms window is centred 12.8 ms after its
     * start; place each frame's 10 ms slice around that centre. */
    h.start = a->seg_start + (int64_t)sf * FRAME + 125;
    h.end = a->seg_start + (int64_t)ef * FRAME + 285;
    h.t = now > h.end ? now : h.end;
    h.score = llr;
    asr_push(a, &h);
    return FC_OK;
}

static int asr_begin(asr_t *a, int64_t first_sample)
{
    a->in_seg = 1;
    a->seg_start = first_sample;
    a->seg_frames = 0;
    a->seg_voiced = 0;
    a->seg_peak_db = 0.0;
    a->overlong = 0;
    a->below = 0;
    return FC_OK;
}

static int asr_feed(asr_t *a, const int16_t *x)
{
    if (a->overlong)
        return FC_OK;
    memcpy(a->seg_buf + (size_t)a->seg_frames * FRAME, x, FRAME * sizeof *x);
    a->seg_frames++;
    return FC_OK;
}

/* One 10 ms frame whose first sample is session sample `s`. */
static int asr_frame(asr_t *a, const int16_t *x, int64_t s)
{
    double e = asr_frame_db(x);
    int rc = FC_OK;

    if (!a->floor_set) {
        a->floor_db = e > a->floor_min_db ? e : a->floor_min_db;
        a->floor_set = 1;
    }
    int loud = e > a->floor_db + a->on_db;

    if (!a->in_seg) {
        a->above = loud ? a->above + 1 : 0;
        if (a->above >= a->start_frames) {
            int n = a->ring_n;
            if ((rc = asr_begin(a, s - (int64_t)n * FRAME)) < 0)
                return rc;
            for (int i = 0; i < n && rc == FC_OK; i++) {
                int idx = (a->ring_head - n + i + 2 * MAX_PREROLL) % MAX_PREROLL;
                rc = asr_feed(a, a->ring[idx]);
            }
            a->ring_n = 0;
            a->seg_voiced = a->above - 1;
            if (rc == FC_OK)
                rc = asr_feed(a, x);
            a->seg_voiced++;
        } else if (a->preroll_frames > 0) {
            memcpy(a->ring[a->ring_head], x, sizeof a->ring[0]);
            a->ring_head = (a->ring_head + 1) % MAX_PREROLL;
            if (a->ring_n < a->preroll_frames)
                a->ring_n++;
        }
    } else {
        rc = asr_feed(a, x);
        if (loud)
            a->seg_voiced++;
        a->seg_peak_db = fmax(a->seg_peak_db, e);
        /* Quiet: near the floor, or, in a noisy room whose background
         * keeps flickering above floor + off_db, far below the word. */
        double off = a->floor_db + a->off_db;
        if (a->off_peak_db > 0.0)
            off = fmax(off, a->seg_peak_db - a->off_peak_db);
        a->below = e < off ? a->below + 1 : 0;
        if (rc == FC_OK && a->below >= a->hangover_frames) {
            rc = asr_finish(a, s + FRAME);
            a->above = 0;
        } else if (a->seg_frames >= a->max_seg_frames) {
            /* Continuous sound (TV, a tap, a sentence) is not a lone
             * command: drop it undecoded, which is also what bounds the
             * decision's compute time.  The segment still runs until the
             * sound stops so that its tail is not taken for a new word. */
            a->overlong = 1;
        }
    }

    /* The floor follows quiet frames quickly and rises slowly, so steady
     * noise is absorbed within seconds while a word barely moves it. */
    if (e < a->floor_db)
        a->floor_db += a->floor_fall * (e - a->floor_db);
    else
        a->floor_db += fmin(a->floor_rise_db, e - a->floor_db);
    /* ... but never stays below the quietest frame of the last
     * floor_win frames: a step in the background (a fan switched on, a
     * louder room) is absorbed within that window instead of holding the
     * VAD open, and everything said meanwhile lost, for many seconds. */
    if (a->floor_win > 0) {
        a->hist[a->hist_head] = (float)e;
        a->hist_head = (a->hist_head + 1) % a->floor_win;
        if (a->hist_n < a->floor_win)
            a->hist_n++;
        if (a->hist_n == a->floor_win) {
            double lo = a->hist[0];
            for (int i = 1; i < a->floor_win; i++)
                lo = fmin(lo, a->hist[i]);
            if (lo > a->floor_db)
                a->floor_db = lo;
        }
    }
    if (a->floor_db < a->floor_min_db)
        a->floor_db = a->floor_min_db;
    return rc;
}

int asr_process(asr_t *asr, int64_t at, const int16_t *pcm, size_t n,
                asr_heard *heard, int max)
{
    int rc = FC_OK;

    if (asr == NULL || (pcm == NULL && n > 0) || (heard == NULL && max > 0) ||
        max < 0 || at < 0)
        return FC_ERR_ARG;

    if (asr->next_sample >= 0 && at != asr->next_sample) {
        /* A gap or overlap in the session clock: the pieces cannot be one
         * word, so settle the current segment and start over. */
        if (asr->in_seg)
            rc = asr_finish(asr, asr->next_sample);
        asr->part_n = 0;
        asr->above = 0;
        asr->ring_n = 0;
    }
    int64_t pos = at - asr->part_n;  /* session sample of part[0] */
    asr->next_sample = at + (int64_t)n;

    size_t i = 0;
    while (rc == FC_OK && i < n) {
        size_t take = (size_t)(FRAME - asr->part_n);
        if (take > n - i)
            take = n - i;
        memcpy(asr->part + asr->part_n, pcm + i, take * sizeof *pcm);
        asr->part_n += (int)take;
        i += take;
        if (asr->part_n == FRAME) {
            rc = asr_frame(asr, asr->part, pos);
            pos += FRAME;
            asr->part_n = 0;
        }
    }

    int k = asr->npend < max ? asr->npend : max;
    if (k > 0) {
        memcpy(heard, asr->pend, (size_t)k * sizeof *heard);
        memmove(asr->pend, asr->pend + k, (size_t)(asr->npend - k) * sizeof *heard);
        asr->npend -= k;
    }
    return rc < 0 ? rc : k;
}
