/* asr: command-word recogniser (PocketSphinx 5prealpha behind one file).
 *
 * Takes 16 kHz mono int16 audio on the session clock and reports the four
 * command words with where they lie in the audio. It is synchronous and
 * single-threaded on purpose: file-mode sessions feed it in lock-step with
 * the output for bit-exact reproducibility; the real-time path runs it in
 * a listener thread (see listener.h). */
#ifndef FLOORCOACH_ASR_H
#define FLOORCOACH_ASR_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    ASR_WORD_NONE = 0,
    ASR_WORD_NEXT,
    ASR_WORD_REPEAT,
    ASR_WORD_PAIN,
    ASR_WORD_STOP,
} asr_word;

typedef struct {
    asr_word word;
    int64_t start;   /* first sample of the word, session clock (16 kHz) */
    int64_t end;     /* one past its last sample */
    int64_t t;       /* sample at which it was recognised (>= end) */
    double score;    /* confidence, higher is surer; scale is the recogniser's */
} asr_heard;

typedef struct {
    const char *model_dir;    /* acoustic model; NULL: the pocketsphinx-en-us default */
    const char *grammar_dir;  /* floorcoach's grammars/ directory (dictionary, grammar, thresholds) */
    int sample_rate;          /* must be 16000 */
} asr_config;

typedef struct asr asr_t;

/* Any thread. */
asr_config asr_config_default(void);
const char *asr_word_name(asr_word w);
asr_word asr_word_from_name(const char *name);

/* Any thread; the handle is then owned by one thread at a time.
 * Returns 0 or a negative fc_err code. */
int asr_create(const asr_config *cfg, asr_t **out);
/* Accepts NULL. */
void asr_destroy(asr_t *asr);

/* Owner thread. Feeds audio whose first sample is at session sample `at`
 * (consecutive calls are contiguous). Fills up to `max` results heard while
 * processing this audio; returns how many (>= 0), or a negative fc_err. */
int asr_process(asr_t *asr, int64_t at, const int16_t *pcm, size_t n,
                asr_heard *heard, int max);

#endif
