/* asr: command-word recogniser on PocketSphinx 5prealpha, the only file
 * that includes it.
 *
 * Design (details and the reasons for the numbers: grammars/README.md):
 *  - The energy VAD (vad.c) cuts the endless stream into short segments.
 *  - When it closes a segment, the segment is decoded in one go (so batch
 *    CMN normalises it by its own mean) with a one-word JSGF grammar in
 *    which the four commands compete with ~1000 frequent English words and
 *    the common words one phone away from them ("top", "neck", "plain"), at
 *    a low weight: whatever else is said is explained by one of those.
 *    Each command's weight is scaled by its bias (asr.conf, the user's
 *    calibration); the acoustic model can be adapted with an MLLR transform
 *    (grammars/en-us-rooms.mllr).
 *  - A command that wins is then put to the verifier (verifier.h), if one
 *    is installed. The one built in (verify = 1) is a free phone loop over
 *    the same frames: the per-frame log-likelihood ratio must reach the
 *    word's min_llr from asr.conf.
 */
#define _POSIX_C_SOURCE 200809L

#include "asr.h"
#include "fc_clock.h"
#include "fc_error.h"
#include "internal/asr_conf.h"
#include "internal/asr_text.h"
#include "internal/vad.h"

#include <pocketsphinx.h>
#include <sphinxbase/ckd_alloc.h>
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

#define ASR_STR(x) #x
#define ASR_XSTR(x) ASR_STR(x)

#define MAX_PENDING 32   /* results not yet collected by asr_process's caller */
#define PATH_MAX_BYTES 1024
/* A decoder frame's 25.6 ms window is centred 12.8 ms after its start;
 * each frame's 10 ms slice is placed around that centre, in samples:
 * 12.8 ms - 5 ms from the first frame's start, 12.8 ms + 5 ms from the
 * last one's, rounded. */
#define WORD_START_OFFSET 125
#define WORD_END_OFFSET 285
/* Pocketsphinx scores are log base 1.0001 shifted right by 10 bits: undo
 * the shift, then ln(1.0001) ~ 1e-4 turns them into natural-log units. */
#define PS_SCORE_SHIFT 1024.0
#define PS_LOG_BASE_NATS 1e-4
/* Phrases: an utterance may last this long, and hold pauses between words
 * this long, before the voice detector closes it. */
#define PHRASE_MAX_SEGMENT_MS 3500
#define PHRASE_HANGOVER_MS 300

struct asr {
    ps_decoder_t *ps;
    asr_settings set;  /* asr.conf, then the user's calibration */
    char *gram_text;   /* the grammar as shipped; biases are applied to a copy */
    vad_t *vad;
    verifier verifier; /* check NULL: none */

    /* Stream state. */
    int64_t next_sample;    /* session sample expected next; -1 before the first call */
    int16_t part[FC_FRAME]; /* incomplete frame carried between calls */
    int part_n;
    asr_heard pend[MAX_PENDING];
    int npend;

    /* A recogniser of phrases (asr_create_phrases): the phrases, each
     * lower case with single spaces, as the decoder's hypothesis spells it. */
    int n_phrases;
    bool words;   /* asr_create_words: single words, fillers the only other */
    char phrase[ASR_PHRASES_MAX][ASR_PHRASE_MAX];
};

/* The files a recogniser is built from, resolved against their directories. */
typedef struct {
    char conf[PATH_MAX_BYTES], dict[PATH_MAX_BYTES], gram[PATH_MAX_BYTES];
    char plm[PATH_MAX_BYTES], mllr[PATH_MAX_BYTES]; /* mllr "": none */
} asr_paths;

asr_config asr_config_default(void)
{
    asr_config c;
    c.model_dir = NULL;
    c.grammar_dir = ASR_DEFAULT_GRAMMAR_DIR;
    c.user_conf = NULL;
    c.sample_rate = FC_RATE;
    return c;
}

/* ---- building the decoder -------------------------------------------- */

/* Sets the "cmd" search from JSGF text. */
static int asr_set_grammar(asr_t *a, const char *text)
{
    jsgf_t *jsgf = NULL;
    jsgf_rule_t *rule = NULL;
    fsg_model_t *fsg = NULL;
    /* Built here rather than with ps_set_jsgf_string(), which in this
     * pocketsphinx never frees the parsed grammar: that leaked ~100 kB per
     * recogniser, and calibration rebuilds the grammar dozens of times. */
    int rc = FC_ERR_FORMAT;
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
    return rc;
}

/* Sets the "cmd" search from the grammar with the current biases. */
static int asr_load_grammar(asr_t *a)
{
    char *text = NULL;
    int rc = asr_biased_grammar(a->gram_text, a->set.bias, &text);
    if (rc == FC_OK)
        rc = asr_set_grammar(a, text);
    free(text);
    return rc;
}

static int asr_path(char *dst, size_t cap, const char *dir, const char *name)
{
    int n = name[0] == '/' ? snprintf(dst, cap, "%s", name)
                           : snprintf(dst, cap, "%s/%s", dir, name);
    return n < 0 || (size_t)n >= cap ? FC_ERR_ARG : FC_OK;
}

/* The grammar directory's asr.conf, then the user's over it. */
static int asr_read_settings(asr_t *a, const asr_config *cfg, const char *gdir,
                             asr_paths *p, fc_error *err)
{
    int rc;
    if ((rc = asr_path(p->conf, sizeof p->conf, gdir, "asr.conf")) < 0)
        return rc;
    if ((rc = asr_conf_read(&a->set, p->conf, err)) < 0)
        return rc;
    /* The shipped file's own names are the install's, not a user's line. */
    a->set.dict_from[0] = a->set.grammar_from[0] = '\0';
    if (cfg->user_conf != NULL && (rc = asr_conf_read(&a->set, cfg->user_conf, err)) < 0)
        return rc;
    return FC_OK;
}

/* Resolves the files the settings name and checks that each can be opened:
 * pocketsphinx reports a missing file only in its log, which we silence. */
static int asr_resolve_files(const asr_settings *s, const char *gdir, const char *mdir,
                             asr_paths *p, fc_error *err)
{
    int rc;
    if ((rc = asr_path(p->dict, sizeof p->dict, gdir, s->dict)) < 0 ||
        (rc = asr_path(p->gram, sizeof p->gram, gdir, s->grammar)) < 0)
        return rc;
    /* The phone LM ships beside the acoustic model directory. */
    if (s->phone_lm[0] != '\0')
        rc = asr_path(p->plm, sizeof p->plm, gdir, s->phone_lm);
    else
        rc = asr_path(p->plm, sizeof p->plm, mdir, "../en-us-phone.lm.bin");
    if (rc < 0)
        return rc;
    p->mllr[0] = '\0';
    if (s->mllr[0] != '\0' && (rc = asr_path(p->mllr, sizeof p->mllr, gdir, s->mllr)) < 0)
        return rc;
    const char *need[] = { p->dict, p->gram, p->plm, p->mllr[0] ? p->mllr : p->dict };
    const char *from[] = { s->dict_from, s->grammar_from, "", "" };
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++) {
        FILE *fp = fopen(need[i], "r");
        if (fp == NULL)
            return fc_fail(err, FC_ERR_IO, "%s%s%s: cannot open (%s)", from[i],
                           from[i][0] ? ": the file it names, " : "", need[i], strerror(errno));
        fclose(fp);
    }
    return FC_OK;
}

/* The most entries asr_start_decoder sets before asr.conf's ps. keys: nine
 * key-value pairs, -mllr and -logfn included. */
#define ASR_OWN_ARGS 18

/* Starts PocketSphinx on the acoustic model with our settings. */
static int asr_start_decoder(asr_t *a, const char *mdir, const asr_paths *p, fc_error *err)
{
    const char *argv[ASR_OWN_ARGS + 2 * ASR_CONF_MAX_PS_ARGS];
    int argc = 0;
    argv[argc++] = "-hmm";       argv[argc++] = mdir;
    argv[argc++] = "-dict";      argv[argc++] = p->dict;
    argv[argc++] = "-samprate";  argv[argc++] = ASR_XSTR(FC_RATE);
    /* The acoustic model adapted to real rooms and microphones (grammars/
     * README.md): one global transform of its means, applied at load. */
    if (p->mllr[0] != '\0') {
        argv[argc++] = "-mllr"; argv[argc++] = p->mllr;
    }
    /* Our VAD already cut the audio; pocketsphinx's would drop frames. */
    argv[argc++] = "-remove_silence"; argv[argc++] = "no";
    /* The verification compares scores of two searches; only when every
     * senone is scored are they normalised by the same best senone. */
    argv[argc++] = "-compallsen"; argv[argc++] = a->set.verify && !a->n_phrases ? "yes" : "no";
    argv[argc++] = "-bestpath";  argv[argc++] = "no";
    /* Context-dependent allphone search costs ~100x more (seconds per
     * second of speech); the CI loop is a weaker but adequate reference. */
    argv[argc++] = "-allphone_ci"; argv[argc++] = "yes";
    if (!a->set.debug) {
        argv[argc++] = "-logfn"; argv[argc++] = "/dev/null";
    }
    for (int i = 0; i < a->set.n_ps; i++) {
        argv[argc++] = a->set.ps_key[i];
        argv[argc++] = a->set.ps_val[i];
    }
    cmd_ln_t *cl = cmd_ln_parse_r(NULL, ps_args(), argc, (char **)argv, FALSE);
    if (cl == NULL)
        return fc_fail(err, FC_ERR_FORMAT, "%s: PocketSphinx refused its ps. settings", p->conf);
    a->ps = ps_init(cl);
    /* ps_init holds its own reference to the config. */
    cmd_ln_free_r(cl);
    if (a->ps == NULL)
        return fc_fail(err, FC_ERR_MODEL, "%s: PocketSphinx could not load this acoustic "
                       "model with %s", mdir, p->dict);
    return FC_OK;
}

static int phone_loop_check(void *ctx, const verifier_input *in, verifier_verdict *out);

/* The command grammar, the phone loop when verifying, and the VAD. */
static int asr_load_searches(asr_t *a, const asr_paths *p, fc_error *err)
{
    int rc;
    if ((rc = asr_slurp(p->gram, &a->gram_text)) < 0 || (rc = asr_load_grammar(a)) < 0)
        return fc_fail(err, rc, "%s%s%s: the command grammar could not be read or built%s%s%s",
                       a->set.grammar_from, a->set.grammar_from[0] ? ": " : "", p->gram,
                       a->set.dict_from[0] ? "; is each of its words in the dictionary set at "
                                           : "", a->set.dict_from,
                       a->set.dict_from[0] ? "?" : "");
    if (a->set.verify) {
        if (ps_set_allphone_file(a->ps, "phone", p->plm) < 0)
            return fc_fail(err, FC_ERR_MODEL, "%s: the phone loop could not be loaded", p->plm);
        a->verifier = (verifier){ .check = phone_loop_check, .ctx = a };
    }
    if ((rc = vad_create(&a->set.vad, &a->vad)) < 0)
        return fc_fail(err, rc, "%s: the voice detector could not start: %s", p->conf,
                       fc_strerror(rc));
    return FC_OK;
}

/* ---- phrases ---- */

/* Every word of every phrase in the decoder's dictionary. */
static int asr_phrase_words(asr_t *a, const char *mdir, fc_error *err)
{
    for (int i = 0; i < a->n_phrases; i++) {
        char copy[ASR_PHRASE_MAX], phones[256];
        strcpy(copy, a->phrase[i]);
        for (char *save = NULL, *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
            /* The decoder hands back a copy of the pronunciation. */
            char *pron = ps_lookup_word(a->ps, w);
            int known = pron != NULL;
            ckd_free(pron);
            if (known)
                continue;
            if (asr_model_pron(mdir, w, phones, sizeof phones) < 0 ||
                ps_add_word(a->ps, w, phones, TRUE) < 0)
                return fc_fail(err, FC_ERR_FORMAT, "start phrase \"%s\": PocketSphinx does not "
                               "know the word \"%s\"; choose another", a->phrase[i], w);
        }
    }
    return FC_OK;
}

static int asr_load_phrases(asr_t *a, const char *mdir, const asr_paths *p, fc_error *err)
{
    char *text = NULL;
    int rc = asr_phrase_words(a, mdir, err);
    if (rc < 0)
        return rc;
    if ((rc = asr_phrase_grammar((const char (*)[ASR_PHRASE_MAX])a->phrase, a->n_phrases,
                                 a->words ? NULL : p->dict, &text)) == FC_OK)
        rc = asr_set_grammar(a, text);
    free(text);
    if (rc < 0)
        return fc_fail(err, rc, "%s: the start phrases' grammar could not be built", p->dict);
    vad_config v = a->set.vad;
    v.max_seg_frames = PHRASE_MAX_SEGMENT_MS * FC_FRAMES_PER_SECOND / 1000;
    v.hangover_frames = PHRASE_HANGOVER_MS * FC_FRAMES_PER_SECOND / 1000;
    if ((rc = vad_create(&v, &a->vad)) < 0)
        return fc_fail(err, rc, "the voice detector could not start: %s", fc_strerror(rc));
    return FC_OK;
}

const asr_settings *asr_settings_of(const asr_t *a)
{
    return &a->set;
}

/* Both kinds of recogniser: the settings, the decoder, then the searches
 * (the command grammar, or the phrases when a->n_phrases). */
static int asr_build(const asr_config *cfg, asr_t *a, fc_error *err)
{
    asr_config def = asr_config_default();
    asr_paths paths;
    int rc;
    if (cfg == NULL)
        cfg = &def;
    if (cfg->sample_rate != FC_RATE)
        return fc_fail(err, FC_ERR_ARG, "asr: the recogniser takes %d Hz, not %d", FC_RATE,
                       cfg->sample_rate);
    const char *gdir = cfg->grammar_dir ? cfg->grammar_dir : def.grammar_dir;
    const char *mdir = cfg->model_dir ? cfg->model_dir : ASR_DEFAULT_MODEL;
    a->set = asr_settings_default();
    a->next_sample = -1;
    if ((rc = asr_read_settings(a, cfg, gdir, &paths, err)) < 0 ||
        (rc = asr_resolve_files(&a->set, gdir, mdir, &paths, err)) < 0 ||
        (rc = asr_start_decoder(a, mdir, &paths, err)) < 0 ||
        (rc = a->n_phrases ? asr_load_phrases(a, mdir, &paths, err)
                           : asr_load_searches(a, &paths, err)) < 0)
        return fc_fail_default(err, rc, "%s: the recogniser could not start", gdir);
    return FC_OK;
}

/* Either kind: the command recogniser (n 0), or one of n phrases. */
static int asr_open(const asr_config *cfg, const char *const *phrases, int n, bool words,
                    asr_t **out, fc_error *err)
{
    *out = NULL;
    asr_t *a = calloc(1, sizeof *a);
    if (a == NULL)
        return fc_fail(err, FC_ERR_NOMEM, "out of memory starting the recogniser");
    int rc = FC_OK;
    for (int i = 0; i < n && rc == FC_OK; i++)
        if (asr_normalise_phrase(phrases[i], a->phrase[i], sizeof a->phrase[i]) < 0)
            rc = fc_fail(err, FC_ERR_FORMAT, "start phrase \"%s\": give up to %d letters in "
                         "words", phrases[i], ASR_PHRASE_MAX - 1);
    a->n_phrases = n;
    a->words = words;
    if (rc == FC_OK)
        rc = asr_build(cfg, a, err);
    if (rc < 0) {
        asr_destroy(a);
        return rc;
    }
    *out = a;
    return FC_OK;
}

int asr_create(const asr_config *cfg, asr_t **out, fc_error *err)
{
    if (out == NULL)
        return fc_fail(err, FC_ERR_ARG, "asr: no handle to fill");
    return asr_open(cfg, NULL, 0, false, out, err);
}

int asr_create_phrases(const asr_config *cfg, const char *const *phrases, int n,
                       asr_t **out, fc_error *err)
{
    if (out == NULL || phrases == NULL || n <= 0 || n > ASR_PHRASES_MAX)
        return fc_fail(err, FC_ERR_ARG, "asr: give 1 to %d phrases", ASR_PHRASES_MAX);
    return asr_open(cfg, phrases, n, false, out, err);
}

int asr_create_words(const asr_config *cfg, const char *const *words, int n, asr_t **out,
                     fc_error *err)
{
    if (out == NULL || words == NULL || n <= 0 || n > ASR_PHRASES_MAX)
        return fc_fail(err, FC_ERR_ARG, "asr: give 1 to %d words", ASR_PHRASES_MAX);
    return asr_open(cfg, words, n, true, out, err);
}

/* The phone loop keeps its last best path (a list built by ps_seg_iter)
 * until its next backtrace, and ps_free never frees it: LeakSanitizer and
 * valgrind report it. An empty utterance's backtrace frees it and builds
 * nothing. */
static void release_phone_segments(asr_t *a)
{
    if (!a->set.verify || ps_set_search(a->ps, "phone") < 0 || ps_start_utt(a->ps) < 0 ||
        ps_end_utt(a->ps) < 0)
        return;
    ps_seg_t *seg = ps_seg_iter(a->ps);
    if (seg)
        ps_seg_free(seg);
}

void asr_destroy(asr_t *asr)
{
    if (asr == NULL)
        return;
    if (asr->ps != NULL) {
        release_phone_segments(asr);
        ps_free(asr->ps);
    }
    vad_destroy(asr->vad);
    free(asr->gram_text);
    free(asr);
}

int asr_set_bias(asr_t *asr, fc_command w, double nats)
{
    if (asr == NULL || w <= FC_CMD_NONE || (int)w >= FC_CMD_COUNT ||
        !(nats >= ASR_BIAS_MIN && nats <= ASR_BIAS_MAX))
        return FC_ERR_ARG;
    double old = asr->set.bias[w];
    asr->set.bias[w] = nats;
    int rc = asr_load_grammar(asr);
    if (rc < 0) {
        asr->set.bias[w] = old;
        return rc == FC_ERR_NOMEM ? rc : FC_ERR_MODEL;
    }
    return FC_OK;
}

double asr_get_bias(const asr_t *asr, fc_command w)
{
    if (asr == NULL || w <= FC_CMD_NONE || (int)w >= FC_CMD_COUNT)
        return 0.0;
    return asr->set.bias[w];
}

int asr_set_verifier(asr_t *asr, const verifier *v)
{
    if (asr == NULL || (v != NULL && v->check == NULL))
        return FC_ERR_ARG;
    asr->verifier = v != NULL ? *v : (verifier){ .check = NULL, .ctx = NULL };
    return FC_OK;
}

void asr_reset(asr_t *asr)
{
    if (asr == NULL)
        return;
    asr->next_sample = -1;
    asr->part_n = 0;
    vad_reset(asr->vad);
    asr->npend = 0;
}

/* ---- decoding -------------------------------------------------------- */

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

/* Decodes n_frames of pcm with search `name`. */
static int asr_decode(asr_t *a, const char *name, const int16_t *pcm, int n_frames)
{
    /* Pocketsphinx applies batch CMN only to a whole utterance given in
     * one call; the segment's own mean copes with a new voice or room at
     * once, where live CMN needs a few utterances to settle.  Restarting
     * the stream makes frame 0 the segment's first frame. */
    if (ps_set_search(a->ps, name) < 0 || ps_start_stream(a->ps) < 0 ||
        ps_start_utt(a->ps) < 0 ||
        ps_process_raw(a->ps, pcm, (size_t)n_frames * FC_FRAME, FALSE, TRUE) < 0 ||
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

/* The phone-loop verifier (ctx: the asr): how much better does a free
 * phone loop explain the same audio? For the real word hardly at all; for
 * another word, a cough or a voice on the TV the loop wins by a lot. Both
 * decodes score every senone (-compallsen) so their scores share one
 * scale. */
static int phone_loop_check(void *ctx, const verifier_input *in, verifier_verdict *out)
{
    asr_t *a = ctx;
    if (asr_decode(a, "phone", in->pcm, in->n_frames) < 0)
        return FC_ERR_MODEL;
    int sf = in->first_frame, ef = in->last_frame, dur = ef - sf + 1;
    /* Per word frame, in natural-log units. */
    double llr = (in->decoder_score - asr_phone_score(a, sf, ef)) / dur * PS_SCORE_SHIFT * PS_LOG_BASE_NATS;
    if (a->set.debug)
        fprintf(stderr, "asr:   %s %d-%d llr %.3f\n", fc_command_name(in->word), sf, ef, llr);
    out->accept = !(llr < a->set.min_llr[in->word]);
    out->score = llr;
    return FC_OK;
}

/* The command the "cmd" search found (FC_CMD_NONE: another word), with its
 * frames and acoustic score. */
static fc_command asr_best_command(asr_t *a, int *sf, int *ef, double *score)
{
    fc_command w = FC_CMD_NONE;
    for (ps_seg_t *s = ps_seg_iter(a->ps); s != NULL; s = ps_seg_next(s)) {
        fc_command sw = asr_base_word(ps_seg_word(s));
        if (sw != FC_CMD_NONE) {
            int32 ascr, lscr, lback;
            w = sw;
            ps_seg_frames(s, sf, ef);
            ps_seg_prob(s, &ascr, &lscr, &lback);
            *score = ascr;
        }
    }
    return w;
}

/* The shortest segment a phrase of words makes: two short words said
 * quickly (half a second) with the VAD's pre-roll and hangover. */
#define ASR_PHRASE_MIN_FRAMES (FC_FRAMES_PER_SECOND * 8 / 10)
/* And one short word ("six") said alone. */
#define ASR_WORD_MIN_FRAMES (FC_FRAMES_PER_SECOND * 3 / 10)

/* A phrase recogniser's segment: is the hypothesis one whole phrase? */
static int asr_decide_phrase(asr_t *a, const vad_segment *seg)
{
    int32 score;
    /* Too short for any phrase of words: the decoder's work would be
     * wasted (single words are most of what a room hears). */
    if (seg->n_frames < (a->words ? ASR_WORD_MIN_FRAMES : ASR_PHRASE_MIN_FRAMES))
        return FC_OK;
    if (asr_decode(a, "cmd", seg->pcm, seg->n_frames) < 0)
        return FC_ERR_MODEL;
    const char *hyp = ps_get_hyp(a->ps, &score);
    if (a->set.debug)
        fprintf(stderr, "asr: phrase seg %.2f-%.2f s: %s\n", seg->start / (double)FC_RATE,
                seg->now / (double)FC_RATE, hyp ? hyp : "(none)");
    /* Single words: the one among fillers ("uh, seven"); else the whole. */
    int only = a->words && hyp ? asr_single_word(hyp, (const char (*)[ASR_PHRASE_MAX])a->phrase,
                                                 a->n_phrases)
                               : -1;
    for (int i = 0; hyp && i < a->n_phrases; i++) {
        if (i != only && strcmp(hyp, a->phrase[i]) != 0)
            continue;
        asr_heard h = { .word = FC_CMD_NONE, .start = seg->start, .end = seg->now,
                        .t = seg->now, .phrase = i };
        asr_push(a, &h);
    }
    return FC_OK;
}

/* Decides on a segment the VAD closed. */
static int asr_decide(asr_t *a, const vad_segment *seg)
{
    if (a->n_phrases && seg->kind == VAD_SEG_SPEECH)
        return asr_decide_phrase(a, seg);
    if (seg->kind != VAD_SEG_SPEECH) {
        if (a->set.debug)
            fprintf(stderr, "asr: seg %.2f-%.2f s: %s\n", seg->start / (double)FC_RATE,
                    seg->now / (double)FC_RATE,
                    seg->kind == VAD_SEG_OVERLONG ? "overlong" : "click");
        return FC_OK;
    }
    if (asr_decode(a, "cmd", seg->pcm, seg->n_frames) < 0)
        return FC_ERR_MODEL;
    int sf = 0, ef = -1;
    double word_score = 0.0;
    fc_command w = asr_best_command(a, &sf, &ef, &word_score);
    if (a->set.debug) {
        int32 score;
        const char *hyp = ps_get_hyp(a->ps, &score);
        fprintf(stderr, "asr: seg %.2f-%.2f s: %s\n", seg->start / (double)FC_RATE,
                seg->now / (double)FC_RATE, hyp ? hyp : "(none)");
    }
    int dur = ef - sf + 1;
    if (w == FC_CMD_NONE || dur < a->set.min_word_frames || dur > a->set.max_word_frames)
        return FC_OK;

    verifier_verdict v = { .accept = true, .unsure = false, .score = 0.0 };
    if (a->verifier.check != NULL) {
        verifier_input in = { .word = w, .pcm = seg->pcm, .n_frames = seg->n_frames,
                              .start = seg->start, .first_frame = sf, .last_frame = ef,
                              .decoder_score = word_score };
        int rc = a->verifier.check(a->verifier.ctx, &in, &v);
        if (rc < 0)
            return rc;
        /* Never ignore a safety word the verifier cannot rule out. */
        if (!v.accept && !(v.unsure && (w == FC_CMD_STOP || w == FC_CMD_PAIN)))
            return FC_OK;
    }
    asr_heard h;
    h.word = w;
    h.phrase = -1;
    h.number = 0;
    h.unsure = !v.accept;
    h.start = seg->start + (int64_t)sf * FC_FRAME + WORD_START_OFFSET;
    h.end = seg->start + (int64_t)ef * FC_FRAME + WORD_END_OFFSET;
    h.t = seg->now > h.end ? seg->now : h.end;
    h.score = v.score;
    asr_push(a, &h);
    return FC_OK;
}

int asr_decode_window(asr_t *asr, const int16_t *pcm, int n_frames, fc_command *word)
{
    int sf = 0, ef = -1;
    double score = 0.0;
    if (asr == NULL || pcm == NULL || n_frames <= 0 || word == NULL)
        return FC_ERR_ARG;
    *word = FC_CMD_NONE;
    if (asr_decode(asr, "cmd", pcm, n_frames) < 0)
        return FC_ERR_MODEL;
    fc_command w = asr_best_command(asr, &sf, &ef, &score);
    int dur = ef - sf + 1;
    if (w != FC_CMD_NONE && dur >= asr->set.min_word_frames && dur <= asr->set.max_word_frames)
        *word = w;
    return FC_OK;
}

int asr_process(asr_t *asr, int64_t at, const int16_t *pcm, size_t n,
                asr_heard *heard, int max)
{
    int rc = FC_OK;
    vad_segment seg;

    if (asr == NULL || (pcm == NULL && n > 0) || (heard == NULL && max > 0) ||
        max < 0 || at < 0)
        return FC_ERR_ARG;

    if (asr->next_sample >= 0 && at != asr->next_sample) {
        /* A gap or overlap in the session clock: the pieces cannot be one
         * word, so settle the current segment and start over. */
        if (vad_break(asr->vad, asr->next_sample, &seg))
            rc = asr_decide(asr, &seg);
        asr->part_n = 0;
    }
    int64_t pos = at - asr->part_n;  /* session sample of part[0] */
    asr->next_sample = at + (int64_t)n;

    size_t i = 0;
    while (rc == FC_OK && i < n) {
        size_t take = (size_t)(FC_FRAME - asr->part_n);
        if (take > n - i)
            take = n - i;
        memcpy(asr->part + asr->part_n, pcm + i, take * sizeof *pcm);
        asr->part_n += (int)take;
        i += take;
        if (asr->part_n == FC_FRAME) {
            if (vad_frame(asr->vad, asr->part, pos, &seg))
                rc = asr_decide(asr, &seg);
            pos += FC_FRAME;
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
