/* asr: command-word recogniser (PocketSphinx 5prealpha behind one file).
 *
 * Takes 16 kHz mono int16 audio on the session clock and reports the four
 * command words with where they lie in the audio. It is synchronous and
 * single-threaded on purpose: file-mode sessions feed it in lock-step with
 * the output for bit-exact reproducibility; the real-time path runs it in
 * a listener thread (see listener.h). */
#ifndef FLOORCOACH_ASR_H
#define FLOORCOACH_ASR_H

#include "command.h"
#include "fc_error.h"
#include "verifier.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    fc_command word;
    int64_t start;   /* first sample of the word, session clock (16 kHz) */
    int64_t end;     /* one past its last sample */
    int64_t t;       /* sample at which it was recognised (>= end) */
    double score;    /* confidence, higher is surer; scale is the recogniser's */
    bool unsure;     /* "stop" or "pain" the verifier could not confirm nor rule
                        out: grounds for a pause, not for acting (verifier.h) */
    int phrase;      /* a recogniser of phrases (asr_create_phrases): which one */
    int number;      /* 1-10: a number said for a pain rating (listener.h), word
                        FC_CMD_NONE; 0: none */
} asr_heard;

typedef struct {
    const char *model_dir;    /* acoustic model; NULL: the pocketsphinx-en-us default */
    const char *grammar_dir;  /* floorcoach's grammars/ directory (dictionary, grammar, thresholds) */
    const char *user_conf;    /* the user's calibration (asr.conf keys, read after the
                                 grammar dir's); NULL: none */
    int sample_rate;          /* must be FC_RATE (16000) */
} asr_config;

/* How far a calibration may move a word's bias either way, in nats. */
#define ASR_BIAS_MIN (-20.0)
#define ASR_BIAS_MAX 30.0

typedef struct asr asr_t;

/* Any thread. */
asr_config asr_config_default(void);

/* Any thread; the handle is then owned by one thread at a time.
 * Returns 0, or a negative fc_err with the detail (which file is missing
 * or wrong) in err. */
int asr_create(const asr_config *cfg, asr_t **out, fc_error *err);
/* Accepts NULL. */
void asr_destroy(asr_t *asr);

/* The most start phrases one recogniser listens for, and their length. */
#define ASR_PHRASES_MAX 16
#define ASR_PHRASE_MAX 128

/* Any thread, as asr_create. A recogniser of whole phrases (serve's start
 * phrases, "start my exercises"), each of which must be an utterance by
 * itself: asr_process() reports the phrase in `phrase` (word FC_CMD_NONE).
 * Every other utterance is explained by a loop of the command grammar's
 * competing words. A word that PocketSphinx's dictionary lacks is an error
 * that names it (FC_ERR_FORMAT). */
int asr_create_phrases(const asr_config *cfg, const char *const *phrases, int n,
                       asr_t **out, fc_error *err);

/* Any thread, as asr_create. A recogniser of single words each said alone
 * (a pain rating's numbers): as phrases, but what is not one of them is
 * explained by a few fillers ("mm", "I don't know") rather than by the
 * whole dictionary, whose look-alikes would take most real words, and a
 * word may be short. */
int asr_create_words(const asr_config *cfg, const char *const *words, int n, asr_t **out,
                     fc_error *err);

/* Owner thread. Feeds audio whose first sample is at session sample `at`
 * (consecutive calls are contiguous). Fills up to `max` results heard while
 * processing this audio; returns how many (>= 0), or a negative fc_err. */
int asr_process(asr_t *asr, int64_t at, const int16_t *pcm, size_t n,
                asr_heard *heard, int max);

/* Owner thread. The decoder's word for n_frames whole frames of pcm taken
 * as one utterance, whatever the voice detector made of them: the other
 * detector's way to ask "is this a command?" about a stretch it points
 * at (hearing.c). *word is the command the grammar explains it with, or
 * FC_CMD_NONE (another word, or a command outside the length bounds).
 * Leaves the stream's own segmentation untouched. Returns 0, FC_ERR_ARG or
 * FC_ERR_MODEL. */
int asr_decode_window(asr_t *asr, const int16_t *pcm, int n_frames, fc_command *word);

/* Any thread. Reads a settings file (asr.conf syntax) without starting a
 * recogniser, so a broken one is reported by file and line: 0, FC_ERR_IO
 * or FC_ERR_FORMAT, with one line in err. */
int asr_conf_check(const char *path, fc_error *err);

/* Owner thread. A command's bias, in nats, is added to its log weight
 * against every other word in the grammar: positive finds it more often and
 * takes more other words for it.  0 keeps the grammar's own weights;
 * grammars/asr.conf and then the user's calibration set it with
 * `bias.WORD = NATS`.  Returns 0, or
 * FC_ERR_ARG outside [ASR_BIAS_MIN, ASR_BIAS_MAX], or FC_ERR_MODEL. */
int asr_set_bias(asr_t *asr, fc_command w, double nats);
double asr_get_bias(const asr_t *asr, fc_command w);

/* Owner thread. Every command the decoder finds is then put to v (see
 * verifier.h), which confirms it with a score or rejects it; the verifier
 * is copied, its ctx is not. NULL: no verification, every command is
 * reported with score 0. asr_create() installs the phone-loop verifier
 * when asr.conf says `verify = 1`, none otherwise (as shipped). Returns 0
 * or FC_ERR_ARG (no asr, or a verifier without a check). */
int asr_set_verifier(asr_t *asr, const verifier *v);

/* Owner thread. Forgets the stream (background level, any open segment and
 * undelivered results) as if just created, so that the same audio always
 * gives the same result. */
void asr_reset(asr_t *asr);

#endif
