/* kws: the streaming keyword detector (see kws.h). Mel frames go into a
 * ring one embedding window long; every KWS_EMBED_STEP frames the window is
 * embedded and the embedding goes into a second ring one head context long;
 * once that is full, every embedding gives a score. */
#include "kws.h"

#include "fc_clock.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Samples handed to the front end at once, so its output fits a fixed
 * buffer (KWS_FRAMES_FOR of it). */
#define PIECE (4 * FC_FRAME)

struct kws {
    kws_frontend *fe;
    kws_embed *embed;
    kws_head *head;
    int context;           /* embeddings the head takes */
    bool started;          /* the stream's origin is known (and primed) */
    int64_t origin;        /* session sample of the primed stream's first */
    uint64_t frames;       /* mel frames so far */
    uint64_t embeddings;   /* embeddings so far */
    float mel[KWS_EMBED_FRAMES][KWS_MEL_BINS]; /* ring, by frame index */
    float window[KWS_EMBED_FRAMES * KWS_MEL_BINS]; /* the window, oldest first */
    float *emb;            /* ring of context x KWS_EMBED_DIM, by embedding index */
    float *ctx;            /* the context, oldest first */
    float piece_out[KWS_FRAMES_FOR(PIECE) * KWS_MEL_BINS];
};

kws_config kws_config_default(void)
{
    kws_config c = { NULL };
    return c;
}

int kws_create(const kws_config *cfg, kws_t **out, fc_error *err)
{
    int rc = FC_ERR_NOMEM;
    kws_config def = kws_config_default();
    kws_t *k = calloc(1, sizeof *k);
    if (out == NULL)
        return fc_fail(err, FC_ERR_ARG, "kws_create: no handle to fill");
    *out = NULL;
    if (cfg == NULL)
        cfg = &def;
    if (k == NULL)
        goto fail;
    char fe_path[4096], head_path[4096];
    if (cfg->dir != NULL) {
        snprintf(fe_path, sizeof fe_path, "%s/%s", cfg->dir, KWS_FRONTEND_FILE);
        snprintf(head_path, sizeof head_path, "%s/%s", cfg->dir, KWS_HEAD_FILE);
    }
    if ((rc = kws_frontend_create(cfg->dir ? fe_path : NULL, &k->fe, err)) < 0 ||
        (rc = kws_head_create(cfg->dir ? head_path : NULL, &k->head, err)) < 0 ||
        (rc = kws_embed_create(k->fe, &k->embed, err)) < 0)
        goto fail;
    rc = FC_ERR_NOMEM;
    k->context = kws_head_context(k->head);
    k->emb = calloc((size_t)k->context * KWS_EMBED_DIM, sizeof *k->emb);
    k->ctx = calloc((size_t)k->context * KWS_EMBED_DIM, sizeof *k->ctx);
    if (k->emb == NULL || k->ctx == NULL)
        goto fail;
    *out = k;
    return FC_OK;
fail:
    fc_fail_default(err, rc, "the keyword detector could not start: %s", fc_strerror(rc));
    kws_destroy(k);
    return rc;
}

void kws_destroy(kws_t *k)
{
    if (k == NULL)
        return;
    kws_embed_destroy(k->embed);
    kws_head_destroy(k->head);
    kws_frontend_destroy(k->fe);
    free(k->emb);
    free(k->ctx);
    free(k);
}

void kws_reset(kws_t *k)
{
    kws_frontend_reset(k->fe);
    k->started = false;
    k->frames = 0;
    k->embeddings = 0;
}

/* Copies the last `len` rows of a ring of `slots` rows of `width` floats,
 * whose next row to write is `count` % slots, oldest first. */
static void unroll(const float *ring, uint64_t count, size_t slots, size_t len, size_t width,
                   float *dst)
{
    for (size_t i = 0; i < len; i++) {
        size_t row = (size_t)((count - len + i) % slots);
        memcpy(dst + i * width, ring + row * width, width * sizeof *dst);
    }
}

/* One mel frame in; a score out when it completes a decision point.
 * Returns 1 (score written), 0, or FC_ERR_STATE. */
static int take_frame(kws_t *k, const float *frame, kws_score *score)
{
    memcpy(k->mel[k->frames % KWS_EMBED_FRAMES], frame, sizeof k->mel[0]);
    k->frames++;
    if (k->frames < KWS_EMBED_FRAMES || (k->frames - KWS_EMBED_FRAMES) % KWS_EMBED_STEP != 0)
        return 0;
    unroll(&k->mel[0][0], k->frames, KWS_EMBED_FRAMES, KWS_EMBED_FRAMES, KWS_MEL_BINS, k->window);
    size_t slot = (size_t)(k->embeddings % (uint64_t)k->context);
    if (kws_embed_run(k->embed, k->window, k->emb + slot * KWS_EMBED_DIM) < 0)
        return FC_ERR_STATE;
    k->embeddings++;
    if (k->embeddings < (uint64_t)k->context)
        return 0;
    unroll(k->emb, k->embeddings, (size_t)k->context, (size_t)k->context, KWS_EMBED_DIM, k->ctx);
    kws_head_run(k->head, k->ctx, score->p);
    /* The last frame, k->frames - 1, ends KWS_WINDOW samples after it starts. */
    score->t = k->origin + (int64_t)(k->frames - 1) * FC_FRAME + KWS_WINDOW;
    return 1;
}

/* Feeds n samples; the scores go to out (room for KWS_SCORES_FOR(n)). */
static int feed(kws_t *k, const int16_t *pcm, size_t n, kws_score *out)
{
    size_t got = 0;
    for (size_t off = 0; off < n; off += PIECE) {
        size_t m = n - off < PIECE ? n - off : PIECE;
        int frames = kws_frontend_push(k->fe, pcm + off, m, k->piece_out,
                                       KWS_FRAMES_FOR(PIECE));
        for (int f = 0; f < frames; f++) {
            int rc = take_frame(k, k->piece_out + (size_t)f * KWS_MEL_BINS, &out[got]);
            if (rc < 0)
                return rc;
            got += (size_t)rc;
        }
    }
    return (int)got;
}

/* A new stream is taken to follow silence: as much digital silence as
 * fills the head's whole context but one step, so the first decision
 * point is KWS_STEP_SAMPLES into the stream and a word at its very start
 * is judged like any other. Its scores are dropped. */
static int prime(kws_t *k, int64_t at)
{
    static const int16_t zeros[KWS_STEP_SAMPLES];
    size_t span = (size_t)(k->context - 1) * KWS_STEP_SAMPLES +
                  (KWS_EMBED_FRAMES - 1) * FC_FRAME + KWS_WINDOW - KWS_STEP_SAMPLES;
    kws_score dropped[KWS_SCORES_FOR(KWS_STEP_SAMPLES)];
    k->origin = at - (int64_t)span;
    k->started = true;
    for (size_t off = 0; off < span; off += KWS_STEP_SAMPLES) {
        size_t m = span - off < KWS_STEP_SAMPLES ? span - off : KWS_STEP_SAMPLES;
        int rc = feed(k, zeros, m, dropped);
        if (rc < 0)
            return rc;
    }
    return FC_OK;
}

int kws_push(kws_t *k, int64_t at, const int16_t *pcm, size_t n, kws_score *out, size_t cap)
{
    int rc;
    if (k == NULL || (pcm == NULL && n > 0) || cap < KWS_SCORES_FOR(n))
        return FC_ERR_ARG;
    if (!k->started && (rc = prime(k, at)) < 0)
        return rc;
    return feed(k, pcm, n, out);
}
