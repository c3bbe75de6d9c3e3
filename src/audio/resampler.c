#include "resampler.h"

#include "fc_error.h"

#include <speex/speex_resampler.h>
#include <stdlib.h>
#include <string.h>

struct resampler {
    SpeexResamplerState *st; /* NULL when the rates are equal */
    int in_rate, out_rate;
};

int resampler_create(int in_rate, int out_rate, int quality, resampler_t **out)
{
    *out = NULL;
    if (in_rate <= 0 || out_rate <= 0)
        return FC_ERR_ARG;
    resampler_t *r = calloc(1, sizeof *r);
    if (!r)
        return FC_ERR_NOMEM;
    r->in_rate = in_rate;
    r->out_rate = out_rate;
    if (in_rate != out_rate) {
        int err = 0;
        r->st = speex_resampler_init(1, (spx_uint32_t)in_rate, (spx_uint32_t)out_rate, quality,
                                     &err);
        if (!r->st) {
            resampler_destroy(r);
            return err == RESAMPLER_ERR_ALLOC_FAILED ? FC_ERR_NOMEM : FC_ERR_ARG;
        }
        /* Without this the first output samples are the filter's ramp-up
         * delay, which would shift every prompt by a few milliseconds. */
        speex_resampler_skip_zeros(r->st);
    }
    *out = r;
    return FC_OK;
}

void resampler_destroy(resampler_t *r)
{
    if (!r)
        return;
    if (r->st)
        speex_resampler_destroy(r->st);
    free(r);
}

size_t resampler_max_output(const resampler_t *r, size_t n)
{
    return (size_t)((uint64_t)n * (uint64_t)r->out_rate / (uint64_t)r->in_rate) + 16;
}

size_t resampler_process(resampler_t *r, const int16_t *in, size_t n, int16_t *out, size_t cap)
{
    if (!r->st) {
        size_t m = n < cap ? n : cap;
        memcpy(out, in, m * sizeof *in);
        return m;
    }
    size_t done_in = 0, done_out = 0;
    while (done_in < n && done_out < cap) {
        spx_uint32_t in_len = (spx_uint32_t)(n - done_in);
        spx_uint32_t out_len = (spx_uint32_t)(cap - done_out);
        speex_resampler_process_int(r->st, 0, in + done_in, &in_len, out + done_out, &out_len);
        if (in_len == 0 && out_len == 0)
            break;
        done_in += in_len;
        done_out += out_len;
    }
    return done_out;
}
