/* kws_head: head.bin and the keyword classifier (see kws_head.h; the model
 * and the file format are defined in training/train_head.py). */
#include "kws_head.h"

#include "datapath.h"
#include "internal/kws_file.h"

#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Weights are used in place, as the host's floats. */
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "kws_head reads little-endian float32 in place: port the loader first"
#endif

#define HEAD_MAGIC "FCKWSHD" /* plus its NUL: 8 bytes */
#define HEAD_MAGIC_LEN 8
#define HEAD_VERSION 1u
#define HEAD_LAYERS 3 /* linear layers; ReLU after all but the last */
/* Bounds that no sensible head reaches (the trained one: 16, 64). */
#define HEAD_CONTEXT_MAX 256
#define HEAD_HIDDEN_MAX 4096
#define HEAD_INSTALL_HINT                                                                      \
    "it ships with floorcoach: reinstall it, or rebuild it with 'make train' "                   \
    "(training/README.md)"

struct kws_head {
    void *file; /* the whole file; the weights point into it */
    int context;
    uint32_t dims[HEAD_LAYERS + 1]; /* dims[0] = context x KWS_EMBED_DIM */
    double eps;
    const float *gamma, *beta;     /* KWS_EMBED_DIM each */
    const float *w[HEAD_LAYERS];   /* dims[l + 1] x dims[l], row-major */
    const float *b[HEAD_LAYERS];   /* dims[l + 1] */
    double *act[HEAD_LAYERS];      /* each layer's input: dims[l] values */
    double logits[KWS_HEAD_CLASSES];
};

/* The fixed header up to the dims; NULL when fine, else why not. */
static const char *parse_header(kws_head *h, kws_reader *r)
{
    uint32_t version, context, emb_dim, n_classes, n_layers;
    if (r->left < HEAD_MAGIC_LEN || memcmp(r->p, HEAD_MAGIC, HEAD_MAGIC_LEN) != 0)
        return "no FCKWSHD magic";
    r->p += HEAD_MAGIC_LEN;
    r->left -= HEAD_MAGIC_LEN;
    if (!kws_read_u32(r, &version) || !kws_read_u32(r, &context) || !kws_read_u32(r, &emb_dim) ||
        !kws_read_u32(r, &n_classes) || !kws_read_u32(r, &n_layers))
        return "truncated header";
    if (version != HEAD_VERSION)
        return "unknown version";
    if (context == 0 || context > HEAD_CONTEXT_MAX)
        return "bad context";
    if (emb_dim != KWS_EMBED_DIM)
        return "embedding size is not that of the embedding model";
    if (n_classes != KWS_HEAD_CLASSES)
        return "wrong number of classes";
    if (n_layers != HEAD_LAYERS)
        return "wrong number of layers";
    for (int l = 0; l <= HEAD_LAYERS; l++)
        if (!kws_read_u32(r, &h->dims[l]))
            return "truncated header";
    if (h->dims[0] != context * emb_dim || h->dims[HEAD_LAYERS] != n_classes)
        return "layer sizes do not match the header";
    for (int l = 1; l < HEAD_LAYERS; l++)
        if (h->dims[l] == 0 || h->dims[l] > HEAD_HIDDEN_MAX)
            return "bad hidden layer size";
    h->context = (int)context;
    return NULL;
}

/* ln_eps, gamma, beta and the layers; NULL when fine, else why not. */
static const char *parse_weights(kws_head *h, kws_reader *r)
{
    const char *why = NULL;
    const float *eps;
    if (!kws_read_floats(r, 1, &eps, &why))
        return "truncated header";
    if (!(*eps > 0.0f))
        return "LayerNorm epsilon is not positive";
    h->eps = *eps;
    if (!kws_read_floats(r, KWS_EMBED_DIM, &h->gamma, &why) ||
        !kws_read_floats(r, KWS_EMBED_DIM, &h->beta, &why))
        return why;
    for (int l = 0; l < HEAD_LAYERS; l++)
        if (!kws_read_floats(r, (size_t)h->dims[l + 1] * h->dims[l], &h->w[l], &why) ||
            !kws_read_floats(r, h->dims[l + 1], &h->b[l], &why))
            return why;
    if (r->left != 0)
        return "trailing bytes";
    return NULL;
}

static int parse_file(kws_head *h, const char *path, size_t len, fc_error *err)
{
    kws_reader r = { h->file, len };
    const char *why = parse_header(h, &r);
    if (why == NULL)
        why = parse_weights(h, &r);
    if (why != NULL)
        return fc_fail(err, FC_ERR_FORMAT, "%s: corrupt keyword head (%s): %s", path, why,
                       HEAD_INSTALL_HINT);
    return FC_OK;
}

/* One buffer for every layer's input. */
static int alloc_work(kws_head *h)
{
    size_t total = 0;
    for (int l = 0; l < HEAD_LAYERS; l++)
        total += h->dims[l];
    double *work = malloc(total * sizeof *work);
    if (work == NULL)
        return FC_ERR_NOMEM;
    for (int l = 0; l < HEAD_LAYERS; l++) {
        h->act[l] = work;
        work += h->dims[l];
    }
    return FC_OK;
}

int kws_head_create(const char *path, kws_head **out, fc_error *err)
{
    char found[PATH_MAX];
    if (out == NULL)
        return fc_fail(err, FC_ERR_ARG, "kws_head_create: no output handle");
    *out = NULL;
    path = kws_file_path(path, KWS_HEAD_SUBDIR, KWS_HEAD_FILE, found, sizeof found);
    kws_head *h = calloc(1, sizeof *h);
    if (h == NULL)
        return fc_fail(err, FC_ERR_NOMEM, "out of memory");
    size_t len = 0;
    int rc = kws_file_load(path, "head", HEAD_INSTALL_HINT, &h->file, &len, err);
    if (rc == FC_OK)
        rc = parse_file(h, path, len, err);
    if (rc == FC_OK && alloc_work(h) != FC_OK)
        rc = fc_fail(err, FC_ERR_NOMEM, "%s: out of memory", path);
    if (rc != FC_OK) {
        kws_head_destroy(h);
        return rc;
    }
    *out = h;
    return FC_OK;
}

void kws_head_destroy(kws_head *h)
{
    if (h == NULL)
        return;
    free(h->act[0]);
    free(h->file);
    free(h);
}

int kws_head_context(const kws_head *h)
{
    return h->context;
}

/* LayerNorm of each embedding (mean, biased variance, as torch's), with the
 * shared gamma/beta, into out, embedding after embedding. */
static void layer_norm(const kws_head *h, const float *emb, double *out)
{
    for (int t = 0; t < h->context; t++) {
        const float *x = emb + (size_t)t * KWS_EMBED_DIM;
        double *y = out + (size_t)t * KWS_EMBED_DIM;
        double mean = 0.0, var = 0.0;
        for (int i = 0; i < KWS_EMBED_DIM; i++)
            mean += x[i];
        mean /= KWS_EMBED_DIM;
        for (int i = 0; i < KWS_EMBED_DIM; i++)
            var += (x[i] - mean) * (x[i] - mean);
        var /= KWS_EMBED_DIM;
        double scale = 1.0 / sqrt(var + h->eps);
        for (int i = 0; i < KWS_EMBED_DIM; i++)
            y[i] = (x[i] - mean) * scale * h->gamma[i] + h->beta[i];
    }
}

/* out = W in + b for layer l, then ReLU unless it is the last. */
static void linear(const kws_head *h, int l, const double *in, double *out)
{
    uint32_t n_in = h->dims[l], n_out = h->dims[l + 1];
    for (uint32_t o = 0; o < n_out; o++) {
        const float *w = h->w[l] + (size_t)o * n_in;
        double sum = h->b[l][o];
        for (uint32_t i = 0; i < n_in; i++)
            sum += w[i] * in[i];
        out[o] = l + 1 < HEAD_LAYERS && sum < 0.0 ? 0.0 : sum;
    }
}

static void softmax(const double *logits, float *probs)
{
    double top = logits[0], sum = 0.0, e[KWS_HEAD_CLASSES];
    for (int c = 1; c < KWS_HEAD_CLASSES; c++)
        top = logits[c] > top ? logits[c] : top;
    for (int c = 0; c < KWS_HEAD_CLASSES; c++) {
        e[c] = exp(logits[c] - top);
        sum += e[c];
    }
    for (int c = 0; c < KWS_HEAD_CLASSES; c++)
        probs[c] = (float)(e[c] / sum);
}

int kws_head_run(kws_head *h, const float *emb, float *probs)
{
    if (h == NULL || emb == NULL || probs == NULL)
        return FC_ERR_ARG;
    layer_norm(h, emb, h->act[0]);
    for (int l = 0; l < HEAD_LAYERS; l++)
        linear(h, l, h->act[l], l + 1 < HEAD_LAYERS ? h->act[l + 1] : h->logits);
    softmax(h->logits, probs);
    return FC_OK;
}
