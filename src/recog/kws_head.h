/* kws_head: the learned keyword detector's classifier. Loads head.bin
 * (written by training/train_head.py, whose docstring defines the model and
 * the format, version 1; `make train` builds it, see training/README.md)
 * and turns the last kws_head_context() embeddings from kws_embed into
 * KWS_HEAD_CLASSES probabilities, exactly as the trained model computes
 * them at inference (no dropout): LayerNorm over each embedding with the
 * shared gamma/beta, flatten, Linear + ReLU, Linear + ReLU, Linear,
 * softmax. The arithmetic is in double on the file's float32 weights. */
#ifndef FLOORCOACH_KWS_HEAD_H
#define FLOORCOACH_KWS_HEAD_H

#include "fc_error.h"
#include "kws_embed.h"

/* The classes, in the order of the probabilities. */
enum {
    KWS_HEAD_NEXT = 0,
    KWS_HEAD_REPEAT = 1,
    KWS_HEAD_PAIN = 2,
    KWS_HEAD_STOP = 3,
    KWS_HEAD_OTHER = 4,
    KWS_HEAD_CLASSES = 5 /* probabilities kws_head_run writes */
};

/* The default file, under the data directory (datapath_dir()). */
#define KWS_HEAD_SUBDIR "grammars/kws"
#define KWS_HEAD_FILE "head.bin"

typedef struct kws_head kws_head;

/* Any thread. Loads path (NULL: KWS_HEAD_SUBDIR/KWS_HEAD_FILE under the data
 * directory) and checks it entirely (magic, version, dimensions, size,
 * every value finite, nothing after the last): a missing file is
 * FC_ERR_MODEL, a truncated, corrupt or wrong-version one FC_ERR_FORMAT,
 * both with a detail that names the file and says how to build it. The
 * embeddings must be KWS_EMBED_DIM long and the classes KWS_HEAD_CLASSES.
 * FC_ERR_ARG when out is NULL. *out is NULL on failure. */
int kws_head_create(const char *path, kws_head **out, fc_error *err);

/* Any thread, once the handle is no longer used. Accepts NULL. */
void kws_head_destroy(kws_head *h);

/* Any thread. Embeddings one input holds (16 for the trained head). */
int kws_head_context(const kws_head *h);

/* The thread that owns h (one call at a time per handle: it reuses its
 * buffers). emb holds kws_head_context(h) x KWS_EMBED_DIM values, oldest
 * embedding first, as kws_embed_run gives them; probs receives
 * KWS_HEAD_CLASSES values that sum to 1. Returns FC_OK, or FC_ERR_ARG
 * when an argument is NULL. Allocates nothing. */
int kws_head_run(kws_head *h, const float *emb, float *probs);

#endif
