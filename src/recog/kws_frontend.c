/* kws_frontend: kws-frontend.bin and the streaming log-mel front end (see
 * kws_frontend.h; the file format is defined in
 * packaging/convert-kws-models.py). */
#include "kws_frontend.h"

#include "datapath.h"
#include "internal/kws_file.h"

#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KWS_MAGIC "FCKWSFE" /* plus its NUL: 8 bytes */
#define KWS_MAGIC_LEN 8
#define KWS_VERSION 1u
#define KWS_MAX_TENSORS 64
#define KWS_NAME_MAX 63
#define KWS_FFT_BINS 257 /* rows of the STFT kernels and of the filterbank */
/* Where a mel value's power is floored before the log, as in the graph. */
#define KWS_LOG_FLOOR 1e-10
/* openWakeWord's transform between the mel graph and the embedding model
 * (openwakeword/utils.py, _get_melspectrogram: x / 10 + 2). */
#define KWS_OWW_SCALE 10.0
#define KWS_OWW_OFFSET 2.0
#define KWS_INSTALL_HINT "run 'make deps' (packaging/fetch-models.sh)"

typedef struct {
    char name[KWS_NAME_MAX + 1];
    int ndim;
    uint32_t dims[KWS_TENSOR_MAX_DIMS];
    const float *data;
} kws_tensor;

struct kws_frontend {
    void *file; /* the whole file; tensors point into it */
    kws_tensor tensors[KWS_MAX_TENSORS];
    int n_tensors;
    const float *real, *imag; /* KWS_FFT_BINS x KWS_WINDOW */
    const float *melw;        /* KWS_FFT_BINS x KWS_MEL_BINS */
    /* Only FFT bins [bin_lo, bin_hi) reach a mel bin and only taps
     * [tap_lo, tap_hi) of the kernels are not zero (a 400-point window in
     * 512): skipping the rest saves 60 % of the work and changes nothing. */
    int bin_lo, bin_hi, tap_lo, tap_hi;
    float buf[KWS_WINDOW]; /* the stream's last samples; frame starts at buf[0] */
    int fill;
    double peaks[KWS_CLAMP_FRAMES]; /* each recent frame's largest dB value */
    int64_t frames;                 /* frames produced since the stream began */
};

/* One record; false (with why) when it does not fit or makes no sense. */
static bool parse_tensor(kws_reader *r, kws_tensor *t, const char **why)
{
    uint32_t name_len, ndim;
    if (!kws_read_u32(r, &name_len) || name_len == 0 || name_len > KWS_NAME_MAX) {
        *why = "bad tensor name length";
        return false;
    }
    size_t padded = (name_len + 3u) & ~(size_t)3u;
    if (r->left < padded) {
        *why = "truncated in a tensor name";
        return false;
    }
    memcpy(t->name, r->p, name_len);
    t->name[name_len] = '\0';
    for (uint32_t i = 0; i < name_len; i++)
        if (t->name[i] < '!' || t->name[i] > '~') {
            *why = "bad tensor name";
            return false;
        }
    r->p += padded;
    r->left -= padded;
    if (!kws_read_u32(r, &ndim) || ndim == 0 || ndim > KWS_TENSOR_MAX_DIMS) {
        *why = "bad tensor rank";
        return false;
    }
    t->ndim = (int)ndim;
    size_t count = 1;
    for (uint32_t i = 0; i < ndim; i++) {
        if (!kws_read_u32(r, &t->dims[i]) || t->dims[i] == 0 || count > SIZE_MAX / 4 / t->dims[i]) {
            *why = "bad tensor shape";
            return false;
        }
        count *= t->dims[i];
    }
    return kws_read_floats(r, count, &t->data, why);
}

static int parse_file(kws_frontend *fe, const char *path, size_t len, fc_error *err)
{
    kws_reader r = { fe->file, len };
    uint32_t version, n;
    const char *why = NULL;
    if (len < KWS_MAGIC_LEN || memcmp(r.p, KWS_MAGIC, KWS_MAGIC_LEN) != 0)
        why = "no FCKWSFE magic";
    else {
        r.p += KWS_MAGIC_LEN;
        r.left -= KWS_MAGIC_LEN;
        if (!kws_read_u32(&r, &version) || !kws_read_u32(&r, &n))
            why = "truncated header";
        else if (version != KWS_VERSION)
            why = "unknown version";
        else if (n == 0 || n > KWS_MAX_TENSORS)
            why = "bad tensor count";
    }
    for (uint32_t i = 0; why == NULL && i < n; i++)
        if (parse_tensor(&r, &fe->tensors[i], &why))
            fe->n_tensors++;
    if (why == NULL && r.left != 0)
        why = "trailing bytes";
    if (why != NULL)
        return fc_fail(err, FC_ERR_FORMAT, "%s: corrupt keyword front end (%s): %s", path, why,
                       KWS_INSTALL_HINT);
    return FC_OK;
}

static bool shape_is(const kws_frontend *fe, const char *name, int ndim, const uint32_t *dims,
                     const float **out)
{
    int nd;
    uint32_t d[KWS_TENSOR_MAX_DIMS];
    *out = kws_frontend_tensor(fe, name, &nd, d);
    return *out != NULL && nd == ndim && memcmp(d, dims, (size_t)ndim * sizeof *d) == 0;
}

/* The mel tensors, and the parts of them that are not zero. */
static int bind_mel(kws_frontend *fe, const char *path, fc_error *err)
{
    static const uint32_t stft_dims[] = { KWS_FFT_BINS, 1, KWS_WINDOW };
    static const uint32_t mel_dims[] = { KWS_FFT_BINS, KWS_MEL_BINS };
    if (!shape_is(fe, "mel.stft_real", 3, stft_dims, &fe->real) ||
        !shape_is(fe, "mel.stft_imag", 3, stft_dims, &fe->imag) ||
        !shape_is(fe, "mel.filterbank", 2, mel_dims, &fe->melw))
        return fc_fail(err, FC_ERR_FORMAT,
                       "%s: corrupt keyword front end (mel tensors missing or misshapen): %s",
                       path, KWS_INSTALL_HINT);
    fe->bin_lo = KWS_FFT_BINS;
    fe->bin_hi = 0;
    for (int k = 0; k < KWS_FFT_BINS; k++)
        for (int m = 0; m < KWS_MEL_BINS; m++)
            if (fe->melw[k * KWS_MEL_BINS + m] != 0.0f) {
                fe->bin_lo = k < fe->bin_lo ? k : fe->bin_lo;
                fe->bin_hi = k + 1;
            }
    fe->tap_lo = KWS_WINDOW;
    fe->tap_hi = 0;
    for (int k = fe->bin_lo; k < fe->bin_hi; k++)
        for (int j = 0; j < KWS_WINDOW; j++)
            if (fe->real[k * KWS_WINDOW + j] != 0.0f || fe->imag[k * KWS_WINDOW + j] != 0.0f) {
                fe->tap_lo = j < fe->tap_lo ? j : fe->tap_lo;
                fe->tap_hi = j + 1 > fe->tap_hi ? j + 1 : fe->tap_hi;
            }
    if (fe->bin_lo >= fe->bin_hi || fe->tap_lo >= fe->tap_hi)
        return fc_fail(err, FC_ERR_FORMAT, "%s: corrupt keyword front end (mel weights all zero): %s",
                       path, KWS_INSTALL_HINT);
    return FC_OK;
}

int kws_frontend_create(const char *path, kws_frontend **out, fc_error *err)
{
    char found[PATH_MAX];
    *out = NULL;
    path = kws_file_path(path, KWS_FRONTEND_SUBDIR, KWS_FRONTEND_FILE, found, sizeof found);
    kws_frontend *fe = calloc(1, sizeof *fe);
    if (fe == NULL)
        return fc_fail(err, FC_ERR_NOMEM, "out of memory");
    size_t len = 0;
    int rc = kws_file_load(path, "front end", KWS_INSTALL_HINT, &fe->file, &len, err);
    if (rc == FC_OK)
        rc = parse_file(fe, path, len, err);
    if (rc == FC_OK)
        rc = bind_mel(fe, path, err);
    if (rc != FC_OK) {
        kws_frontend_destroy(fe);
        return rc;
    }
    kws_frontend_reset(fe);
    *out = fe;
    return FC_OK;
}

void kws_frontend_destroy(kws_frontend *fe)
{
    if (fe == NULL)
        return;
    free(fe->file);
    free(fe);
}

void kws_frontend_reset(kws_frontend *fe)
{
    fe->fill = 0;
    fe->frames = 0;
}

const float *kws_frontend_tensor(const kws_frontend *fe, const char *name, int *ndim,
                                 uint32_t *dims)
{
    for (int i = 0; i < fe->n_tensors; i++) {
        const kws_tensor *t = &fe->tensors[i];
        if (strcmp(t->name, name) != 0)
            continue;
        if (ndim)
            *ndim = t->ndim;
        if (dims)
            memcpy(dims, t->dims, sizeof t->dims);
        return t->data;
    }
    return NULL;
}

/* One kernel row against the window, in double: the real and imaginary
 * parts are small differences of large terms, and float sums would move
 * quiet bins by ~1e-3 after the log. Four sums keep the FPU busy. */
static double dot(const float *w, const float *x, int lo, int hi)
{
    double s[4] = { 0, 0, 0, 0 };
    int j = lo;
    for (; j + 4 <= hi; j += 4)
        for (int u = 0; u < 4; u++)
            s[u] += (double)w[j + u] * x[j + u];
    for (; j < hi; j++)
        s[0] += (double)w[j] * x[j];
    return (s[0] + s[1]) + (s[2] + s[3]);
}

/* The graph up to its clamp: power spectrum, filterbank, 10*log10. */
static void mel_db(const kws_frontend *fe, double db[KWS_MEL_BINS])
{
    double mel[KWS_MEL_BINS] = { 0 };
    for (int k = fe->bin_lo; k < fe->bin_hi; k++) {
        double re = dot(fe->real + k * KWS_WINDOW, fe->buf, fe->tap_lo, fe->tap_hi);
        double im = dot(fe->imag + k * KWS_WINDOW, fe->buf, fe->tap_lo, fe->tap_hi);
        double p = re * re + im * im;
        const float *row = fe->melw + k * KWS_MEL_BINS;
        for (int m = 0; m < KWS_MEL_BINS; m++)
            mel[m] += p * row[m];
    }
    for (int m = 0; m < KWS_MEL_BINS; m++)
        db[m] = 10.0 * log10(mel[m] > KWS_LOG_FLOOR ? mel[m] : KWS_LOG_FLOOR);
}

/* The frame at buf[0], clamped (KWS_CLAMP_FRAMES) and scaled for the
 * embedding model. */
static void emit_frame(kws_frontend *fe, float *out)
{
    double db[KWS_MEL_BINS], peak = -HUGE_VAL;
    mel_db(fe, db);
    for (int m = 0; m < KWS_MEL_BINS; m++)
        peak = db[m] > peak ? db[m] : peak;
    fe->peaks[fe->frames % KWS_CLAMP_FRAMES] = peak;
    int64_t seen = fe->frames + 1 < KWS_CLAMP_FRAMES ? fe->frames + 1 : KWS_CLAMP_FRAMES;
    for (int64_t i = 0; i < seen; i++)
        peak = fe->peaks[i] > peak ? fe->peaks[i] : peak;
    double floor_db = peak - KWS_CLAMP_DB;
    for (int m = 0; m < KWS_MEL_BINS; m++) {
        double v = db[m] > floor_db ? db[m] : floor_db;
        out[m] = (float)(v / KWS_OWW_SCALE + KWS_OWW_OFFSET);
    }
    fe->frames++;
}

int kws_frontend_push(kws_frontend *fe, const int16_t *pcm, size_t n, float *out, size_t cap)
{
    if (cap < KWS_FRAMES_FOR(n))
        return FC_ERR_ARG;
    int written = 0;
    while (n > 0) {
        size_t take = (size_t)(KWS_WINDOW - fe->fill);
        take = take < n ? take : n;
        /* The graph sees the int16 values as floats, unscaled. */
        for (size_t i = 0; i < take; i++)
            fe->buf[fe->fill + (int)i] = (float)pcm[i];
        fe->fill += (int)take;
        pcm += take;
        n -= take;
        if (fe->fill < KWS_WINDOW)
            break;
        emit_frame(fe, out + (size_t)written * KWS_MEL_BINS);
        written++;
        /* The next frame starts one hop later: the graph's stride is
         * FC_FRAME (160, checked by the converter). */
        memmove(fe->buf, fe->buf + FC_FRAME, (KWS_WINDOW - FC_FRAME) * sizeof *fe->buf);
        fe->fill = KWS_WINDOW - FC_FRAME;
    }
    return written;
}
