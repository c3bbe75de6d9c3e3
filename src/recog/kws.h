/* kws: the learned keyword detector, streaming. Chains the front end
 * (kws_frontend: a 32-bin log-mel frame per FC_FRAME), the speech embedding
 * (kws_embed: one embedding of the last KWS_EMBED_FRAMES frames every
 * KWS_EMBED_STEP frames) and the trained head (kws_head: class
 * probabilities from the last kws_head_context() embeddings). So it scans
 * the audio all the time, every 80 ms, and does not depend on a voice
 * detector to find the word.
 *
 * A score's decision point is the end of its embedding window: the last
 * sample of the mel frame that completed it. The head was trained to fire
 * 30-300 ms after the end of the word (training/make_dataset.py), so the
 * word lies before that point. Everything is a function of the samples
 * alone, whatever the chunking, like the front end.
 *
 * One thread owns a handle (the listener's); creation may happen anywhere. */
#ifndef FLOORCOACH_KWS_H
#define FLOORCOACH_KWS_H

#include "fc_error.h"
#include "kws_head.h"

#include <stddef.h>
#include <stdint.h>

/* How often the detector decides, in samples (80 ms). */
#define KWS_STEP_SAMPLES (KWS_EMBED_STEP * FC_FRAME)

typedef struct {
    /* The folder with KWS_FRONTEND_FILE and KWS_HEAD_FILE; NULL: the data
     * directory's KWS_FRONTEND_SUBDIR. */
    const char *dir;
} kws_config;

typedef struct {
    int64_t t;                   /* session sample one past the decision point */
    float p[KWS_HEAD_CLASSES];   /* next, repeat, pain, stop, other; sum 1 */
} kws_score;

typedef struct kws kws_t;

/* Any thread. */
kws_config kws_config_default(void);

/* Any thread. Loads both files (kws_frontend_create, kws_head_create: a
 * missing one is FC_ERR_MODEL, a damaged one FC_ERR_FORMAT, the detail
 * naming the file and the command that makes it) and builds the embedding
 * network. *out is NULL on failure. */
int kws_create(const kws_config *cfg, kws_t **out, fc_error *err);

/* Any thread, once the handle is no longer used. Accepts NULL and
 * half-built handles. */
void kws_destroy(kws_t *k);

/* Scores kws_push may return for n samples, at most. */
#define KWS_SCORES_FOR(n) ((size_t)(n) / KWS_STEP_SAMPLES + 1)

/* Owner thread. Appends n samples whose first is session sample at (the
 * calls are contiguous; the first after create or reset starts a stream,
 * taken to follow silence, so the first decision point is
 * KWS_STEP_SAMPLES after it) and writes a score for every decision point they complete, to
 * out, which has room for cap. Returns how many, FC_ERR_ARG (nothing
 * consumed) when cap < KWS_SCORES_FOR(n), or FC_ERR_STATE if the
 * embedding failed to run. Allocates nothing. */
int kws_push(kws_t *k, int64_t at, const int16_t *pcm, size_t n, kws_score *out, size_t cap);

/* Owner thread. Forgets the stream: the next push starts a new one. */
void kws_reset(kws_t *k);

#endif
