#include "aec.h"

#include "fc_error.h"

#include <speex/speex_echo.h>
#include <speex/speex_preprocess.h>
#include <stdlib.h>
#include <string.h>

struct aec {
    aec_config cfg;
    SpeexEchoState *echo;
    SpeexPreprocessState *pre;
    int16_t *delay;  /* ring of the last ref_delay reference samples */
    size_t delay_pos;
};

aec_config aec_config_default(void)
{
    aec_config c;
    memset(&c, 0, sizeof c);
    c.sample_rate = FC_RATE;
    c.filter_ms = 200;
    c.echo = true;
    c.suppress = true;
    c.denoise = true;
    c.noise_suppress_db = -25;
    c.echo_suppress_db = -50;
    c.echo_suppress_active_db = -20;
    return c;
}

int aec_create(const aec_config *cfg, aec_t **out)
{
    aec_t *a = calloc(1, sizeof *a);
    *out = NULL;
    if (!a)
        return FC_ERR_NOMEM;
    a->cfg = *cfg;
    int rate = cfg->sample_rate;
    if (cfg->echo) {
        int tail = cfg->sample_rate * cfg->filter_ms / 1000;
        a->echo = speex_echo_state_init(FC_FRAME, tail);
        if (!a->echo)
            goto fail;
        speex_echo_ctl(a->echo, SPEEX_ECHO_SET_SAMPLING_RATE, &rate);
        if (cfg->ref_delay > 0 && !(a->delay = calloc((size_t)cfg->ref_delay, sizeof *a->delay)))
            goto fail;
    }
    if (!cfg->suppress) {
        *out = a;
        return FC_OK;
    }
    a->pre = speex_preprocess_state_init(FC_FRAME, rate);
    if (!a->pre)
        goto fail;
    int on = 1, off = 0, v;
    speex_preprocess_ctl(a->pre, SPEEX_PREPROCESS_SET_DENOISE, cfg->denoise ? &on : &off);
    /* No AGC: it would raise the residual echo and the room's noise exactly
     * when nobody speaks, which is when false commands come from. */
    speex_preprocess_ctl(a->pre, SPEEX_PREPROCESS_SET_AGC, &off);
    v = cfg->noise_suppress_db;
    speex_preprocess_ctl(a->pre, SPEEX_PREPROCESS_SET_NOISE_SUPPRESS, &v);
    if (a->echo) {
        speex_preprocess_ctl(a->pre, SPEEX_PREPROCESS_SET_ECHO_STATE, a->echo);
        v = cfg->echo_suppress_db;
        speex_preprocess_ctl(a->pre, SPEEX_PREPROCESS_SET_ECHO_SUPPRESS, &v);
        v = cfg->echo_suppress_active_db;
        speex_preprocess_ctl(a->pre, SPEEX_PREPROCESS_SET_ECHO_SUPPRESS_ACTIVE, &v);
    }
    *out = a;
    return FC_OK;
fail:
    aec_destroy(a);
    return FC_ERR_NOMEM;
}

void aec_destroy(aec_t *a)
{
    if (!a)
        return;
    if (a->echo)
        speex_echo_state_destroy(a->echo);
    if (a->pre)
        speex_preprocess_state_destroy(a->pre);
    free(a->delay);
    free(a);
}

void aec_process(aec_t *a, const int16_t *mic, const int16_t *ref, int16_t *out)
{
    int16_t cleaned[FC_FRAME];
    if (a->echo) {
        int16_t delayed[FC_FRAME];
        const int16_t *r = ref;
        if (a->delay) {
            size_t d = (size_t)a->cfg.ref_delay;
            for (size_t i = 0; i < FC_FRAME; i++) {
                delayed[i] = a->delay[a->delay_pos];
                a->delay[a->delay_pos] = ref[i];
                a->delay_pos = (a->delay_pos + 1) % d;
            }
            r = delayed;
        }
        speex_echo_cancellation(a->echo, mic, r, cleaned);
    } else {
        memcpy(cleaned, mic, sizeof cleaned);
    }
    if (a->pre)
        speex_preprocess_run(a->pre, cleaned);
    memcpy(out, cleaned, sizeof cleaned);
}
