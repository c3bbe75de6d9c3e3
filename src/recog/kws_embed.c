/* kws_embed: the speech embedding as an XNNPACK subgraph (see kws_embed.h).
 * The network is the table LAYERS below, which is grammars/README.md's
 * table and packaging/convert-kws-models.py's EMBEDDING_LAYERS (the
 * converter refuses a model that differs from it). Tensors are NHWC with
 * N = 1, H = time (frames), W = the mel bins, C = channels. */
#include "kws_embed.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xnnpack.h>

/* The activation after every conv but the last: LeakyRelu(KWS_LEAKY_SLOPE)
 * then max(x, KWS_ACT_FLOOR), as in the ONNX graph. */
#define KWS_LEAKY_SLOPE 0.2f
#define KWS_ACT_FLOOR -0.4f

/* The two values the caller's data goes through (the subgraph's external
 * value ids; every other value gets an internal id). */
enum { KWS_ID_IN = 0, KWS_ID_OUT = 1, KWS_N_EXTERNAL = 2 };

typedef enum { KWS_CONV, KWS_POOL } kws_layer_kind;

typedef struct {
    kws_layer_kind kind;
    uint32_t out_ch; /* conv: output channels (a pool keeps its input's) */
    uint32_t kh, kw; /* kernel (conv) or window and stride (pool): time x mel */
    uint32_t pad_w;  /* conv: zeros on each side of the mel axis; time is never padded */
    bool bias_act;   /* conv: has a bias and is followed by the activation */
} kws_layer;

#define CONV(ch, kh, kw, pad) { KWS_CONV, (ch), (kh), (kw), (pad), true }
#define POOL(kh, kw) { KWS_POOL, 0, (kh), (kw), 0, false }
/* conv19: no bias, no activation; its output is the embedding. */
#define LAST_CONV(ch, kh, kw) { KWS_CONV, (ch), (kh), (kw), 0, false }

static const kws_layer LAYERS[] = {
    CONV(24, 3, 3, 1), CONV(24, 1, 3, 1), CONV(24, 3, 1, 0), POOL(2, 2),
    CONV(48, 1, 3, 1), CONV(48, 3, 1, 0), CONV(48, 1, 3, 1), CONV(48, 3, 1, 0), POOL(1, 2),
    CONV(72, 1, 3, 1), CONV(72, 3, 1, 0), CONV(72, 1, 3, 1), CONV(72, 3, 1, 0), POOL(2, 2),
    CONV(96, 1, 3, 1), CONV(96, 3, 1, 0), CONV(96, 1, 3, 1), CONV(96, 3, 1, 0), POOL(1, 2),
    CONV(96, 1, 3, 1), CONV(96, 3, 1, 0), CONV(96, 1, 3, 1), CONV(96, 3, 1, 0), POOL(2, 2),
    LAST_CONV(KWS_EMBED_DIM, 3, 1),
};
#define KWS_N_LAYERS (sizeof LAYERS / sizeof LAYERS[0])

/* XNNPACK may read up to XNN_EXTRA_BYTES past the end of a tensor. */
#define KWS_SLACK (XNN_EXTRA_BYTES / sizeof(float))
#define KWS_IN_VALUES ((size_t)KWS_EMBED_FRAMES * KWS_MEL_BINS)

struct kws_embed {
    bool initialized; /* xnn_initialize succeeded: deinitialize once */
    xnn_runtime_t runtime;
    /* Per conv layer, its filter in XNNPACK's OHWI order then its bias;
     * NULL for pools. The runtime may use them until it is deleted. */
    float *weights[KWS_N_LAYERS];
    /* The runtime's input and output, bound once by xnn_setup_runtime:
     * run copies through them rather than binding the caller's buffers,
     * which need not have XNNPACK's slack past their end. */
    float in[KWS_IN_VALUES + KWS_SLACK];
    float out[KWS_EMBED_DIM + KWS_SLACK];
};

/* The activation flowing between layers. */
typedef struct {
    size_t h, w, c;
    uint32_t id;
} kws_value;

static int xnn_fail(fc_error *err, enum xnn_status st, const char *what, int layer)
{
    if (st == xnn_status_out_of_memory)
        return fc_fail(err, FC_ERR_NOMEM, "keyword embedding: out of memory (%s)", what);
    return fc_fail(err, FC_ERR_MODEL,
                   "keyword embedding: XNNPACK refused %s at layer %d (status %d)", what, layer,
                   (int)st);
}

/* A new value of shape 1 x h x w x c (an internal one unless ext_id). */
static enum xnn_status define_value(xnn_subgraph_t sg, size_t h, size_t w, size_t c,
                                    uint32_t ext_id, uint32_t flags, kws_value *v)
{
    const size_t dims[4] = { 1, h, w, c };
    v->h = h;
    v->w = w;
    v->c = c;
    return xnn_define_tensor_value(sg, xnn_datatype_fp32, 4, dims, NULL, ext_id, flags, &v->id);
}

/* A tensor of fe with exactly the given shape, or NULL. */
static const float *tensor_of(const kws_frontend *fe, const char *name, int ndim,
                              const uint32_t *want)
{
    int nd = 0;
    uint32_t dims[KWS_TENSOR_MAX_DIMS];
    const float *t = kws_frontend_tensor(fe, name, &nd, dims);
    if (t == NULL || nd != ndim)
        return NULL;
    for (int i = 0; i < ndim; i++)
        if (dims[i] != want[i])
            return NULL;
    return t;
}

/* Layer L's weights, conv number conv of the file, for in_ch input
 * channels: the filter turned from the file's OIHW into XNNPACK's OHWI,
 * followed by the bias when the layer has one. */
static int load_weights(const kws_frontend *fe, const kws_layer *L, int conv, size_t in_ch,
                        float **out, fc_error *err)
{
    char wname[32], bname[32];
    const uint32_t wdims[4] = { L->out_ch, (uint32_t)in_ch, L->kh, L->kw };
    snprintf(wname, sizeof wname, "emb.conv%02d.weight", conv);
    snprintf(bname, sizeof bname, "emb.conv%02d.bias", conv);
    const float *w = tensor_of(fe, wname, 4, wdims);
    const float *b = L->bias_act ? tensor_of(fe, bname, 1, &L->out_ch) : NULL;
    if (w == NULL || (L->bias_act && b == NULL))
        return fc_fail(err, FC_ERR_FORMAT,
                       "keyword front end: %s is missing or not %u x %zu x %u x %u%s%s: "
                       "run 'make deps'", wname, L->out_ch, in_ch, L->kh, L->kw,
                       L->bias_act ? ", or has no bias " : "", L->bias_act ? bname : "");
    size_t taps = (size_t)L->kh * L->kw, per_out = taps * in_ch;
    float *dst = malloc(((size_t)L->out_ch * per_out + L->out_ch) * sizeof *dst);
    if (dst == NULL)
        return fc_fail(err, FC_ERR_NOMEM, "keyword embedding: out of memory");
    for (size_t o = 0; o < L->out_ch; o++)
        for (size_t i = 0; i < in_ch; i++)
            for (size_t k = 0; k < taps; k++) /* k = y * kw + x, the same in both orders */
                dst[o * per_out + k * in_ch + i] = w[o * per_out + i * taps + k];
    if (L->bias_act)
        memcpy(dst + L->out_ch * per_out, b, L->out_ch * sizeof *dst);
    *out = dst;
    return FC_OK;
}

/* LeakyRelu then the floor, on *cur in place of it. */
static enum xnn_status add_activation(xnn_subgraph_t sg, kws_value *cur)
{
    kws_value leaky, floored;
    enum xnn_status st = define_value(sg, cur->h, cur->w, cur->c, XNN_INVALID_VALUE_ID, 0, &leaky);
    if (st == xnn_status_success)
        st = xnn_define_leaky_relu(sg, KWS_LEAKY_SLOPE, cur->id, leaky.id, 0);
    if (st == xnn_status_success)
        st = define_value(sg, cur->h, cur->w, cur->c, XNN_INVALID_VALUE_ID, 0, &floored);
    if (st == xnn_status_success)
        st = xnn_define_clamp(sg, KWS_ACT_FLOOR, INFINITY, leaky.id, floored.id, 0);
    *cur = floored;
    return st;
}

/* Conv layer li (conv number conv) on *cur, which becomes its output: the
 * embedding itself, an external output, for the last layer. */
static int add_conv(kws_embed *e, xnn_subgraph_t sg, const kws_frontend *fe, size_t li, int conv,
                    kws_value *cur, fc_error *err)
{
    const kws_layer *L = &LAYERS[li];
    bool last = li + 1 == KWS_N_LAYERS;
    /* The table is fixed, so these only guard against a wrong edit of it. */
    if (cur->h < L->kh || cur->w + 2 * L->pad_w < L->kw)
        return fc_fail(err, FC_ERR_MODEL, "keyword embedding: layer %zu does not fit", li);
    size_t oh = cur->h - L->kh + 1, ow = cur->w + 2 * L->pad_w - L->kw + 1;
    if (last && (oh != 1 || ow != 1 || L->out_ch != KWS_EMBED_DIM))
        return fc_fail(err, FC_ERR_MODEL, "keyword embedding: layer %zu does not fit", li);
    int rc = load_weights(fe, L, conv, cur->c, &e->weights[li], err);
    if (rc != FC_OK)
        return rc;
    const float *filter = e->weights[li];
    const size_t fdims[4] = { L->out_ch, L->kh, L->kw, cur->c };
    uint32_t fid, bid = XNN_INVALID_VALUE_ID;
    kws_value out;
    enum xnn_status st = xnn_define_tensor_value(sg, xnn_datatype_fp32, 4, fdims, filter,
                                                 XNN_INVALID_VALUE_ID, 0, &fid);
    if (st == xnn_status_success && L->bias_act) {
        const size_t bdims[1] = { L->out_ch };
        st = xnn_define_tensor_value(sg, xnn_datatype_fp32, 1, bdims,
                                     filter + L->out_ch * L->kh * L->kw * cur->c,
                                     XNN_INVALID_VALUE_ID, 0, &bid);
    }
    if (st == xnn_status_success)
        st = define_value(sg, oh, ow, L->out_ch, last ? KWS_ID_OUT : XNN_INVALID_VALUE_ID,
                          last ? XNN_VALUE_FLAG_EXTERNAL_OUTPUT : 0, &out);
    if (st == xnn_status_success)
        st = xnn_define_convolution_2d(sg, 0, L->pad_w, 0, L->pad_w, L->kh, L->kw, 1, 1, 1, 1, 1,
                                       cur->c, L->out_ch, -INFINITY, INFINITY, cur->id, fid, bid,
                                       out.id, 0);
    *cur = out;
    if (st == xnn_status_success && L->bias_act)
        st = add_activation(sg, cur);
    return st == xnn_status_success ? FC_OK : xnn_fail(err, st, "a convolution", (int)li);
}

/* Max-pool layer li on *cur (window = stride, no padding, as ONNX's
 * MaxPool with the remainder dropped). */
static int add_pool(xnn_subgraph_t sg, size_t li, kws_value *cur, fc_error *err)
{
    const kws_layer *L = &LAYERS[li];
    kws_value out;
    enum xnn_status st = define_value(sg, cur->h / L->kh, cur->w / L->kw, cur->c,
                                      XNN_INVALID_VALUE_ID, 0, &out);
    if (st == xnn_status_success)
        st = xnn_define_max_pooling_2d(sg, 0, 0, 0, 0, L->kh, L->kw, L->kh, L->kw, 1, 1, -INFINITY,
                                       INFINITY, cur->id, out.id, 0);
    *cur = out;
    return st == xnn_status_success ? FC_OK : xnn_fail(err, st, "a max-pool", (int)li);
}

/* The whole network, from the external input to the external output. */
static int build(kws_embed *e, xnn_subgraph_t sg, const kws_frontend *fe, fc_error *err)
{
    kws_value cur;
    enum xnn_status st = define_value(sg, KWS_EMBED_FRAMES, KWS_MEL_BINS, 1, KWS_ID_IN,
                                      XNN_VALUE_FLAG_EXTERNAL_INPUT, &cur);
    if (st != xnn_status_success)
        return xnn_fail(err, st, "the input", 0);
    int rc = FC_OK, conv = 0;
    for (size_t li = 0; li < KWS_N_LAYERS && rc == FC_OK; li++)
        rc = LAYERS[li].kind == KWS_CONV ? add_conv(e, sg, fe, li, conv++, &cur, err)
                                         : add_pool(sg, li, &cur, err);
    return rc;
}

int kws_embed_create(const kws_frontend *fe, kws_embed **out, fc_error *err)
{
    if (out != NULL)
        *out = NULL;
    if (out == NULL || fe == NULL)
        return fc_fail(err, FC_ERR_ARG, "kws_embed_create: NULL argument");
    kws_embed *e = calloc(1, sizeof *e);
    if (e == NULL)
        return fc_fail(err, FC_ERR_NOMEM, "keyword embedding: out of memory");
    xnn_subgraph_t sg = NULL;
    int rc = FC_OK;
    enum xnn_status st = xnn_initialize(NULL);
    if (st != xnn_status_success) {
        rc = fc_fail(err, FC_ERR_MODEL,
                     "keyword embedding: XNNPACK cannot run here (status %d: a CPU without "
                     "SSE2 or NEON?)", (int)st);
        goto out;
    }
    e->initialized = true;
    st = xnn_create_subgraph(KWS_N_EXTERNAL, 0, &sg);
    if (st != xnn_status_success) {
        rc = xnn_fail(err, st, "the subgraph", 0);
        goto out;
    }
    rc = build(e, sg, fe, err);
    if (rc != FC_OK)
        goto out;
    /* No thread pool: one embedding every 80 ms is a few ms of one core,
     * and the listener's thread is where it belongs. */
    st = xnn_create_runtime_v2(sg, NULL, 0, &e->runtime);
    if (st == xnn_status_success) {
        const struct xnn_external_value io[KWS_N_EXTERNAL] = { { KWS_ID_IN, e->in },
                                                               { KWS_ID_OUT, e->out } };
        st = xnn_setup_runtime(e->runtime, KWS_N_EXTERNAL, io);
    }
    if (st != xnn_status_success)
        rc = xnn_fail(err, st, "the runtime", (int)KWS_N_LAYERS);
out:
    if (sg != NULL)
        xnn_delete_subgraph(sg); /* the runtime does not need it */
    if (rc != FC_OK) {
        kws_embed_destroy(e);
        return rc;
    }
    *out = e;
    return FC_OK;
}

void kws_embed_destroy(kws_embed *e)
{
    if (e == NULL)
        return;
    if (e->runtime != NULL)
        xnn_delete_runtime(e->runtime);
    for (size_t i = 0; i < KWS_N_LAYERS; i++)
        free(e->weights[i]);
    if (e->initialized)
        xnn_deinitialize();
    free(e);
}

int kws_embed_run(kws_embed *e, const float *mel, float *out)
{
    memcpy(e->in, mel, KWS_IN_VALUES * sizeof *mel);
    if (xnn_invoke_runtime(e->runtime) != xnn_status_success) {
        memset(out, 0, KWS_EMBED_DIM * sizeof *out);
        return FC_ERR_STATE;
    }
    memcpy(out, e->out, KWS_EMBED_DIM * sizeof *out);
    return FC_OK;
}
