#include "audio.h"

#include "fc_error.h"
#include "internal/audio_backend.h"

#include <stdlib.h>
#include <string.h>

#define N_KINDS (AUDIO_DEVICE + 1)

/* By endpoint kind; opened in this order (files before devices, so a bad
 * file is reported before a device is started). */
static const audio_backend *const backends[N_KINDS] = {
    [AUDIO_FILE] = &audio_file_backend,
    [AUDIO_DEVICE] = &audio_pa_backend,
};

struct audio {
    audio_config cfg;
    void *state[N_KINDS]; /* an open backend's handle, by kind */
};

audio_config audio_config_default(void)
{
    audio_config c;
    memset(&c, 0, sizeof c);
    c.lead_ms = 60;
    return c;
}

audio_endpoint audio_file(const char *path) { return (audio_endpoint){AUDIO_FILE, path}; }

audio_endpoint audio_device(const char *name) { return (audio_endpoint){AUDIO_DEVICE, name}; }

int audio_open(const audio_config *cfg, audio_t **out, fc_error *err)
{
    int rc = FC_OK;
    audio_t *a = calloc(1, sizeof *a);
    *out = NULL;
    if (!a)
        return fc_fail(err, FC_ERR_NOMEM, "out of memory opening audio");
    a->cfg = *cfg;
    for (int k = 0; k < N_KINDS && rc == FC_OK; k++) {
        const audio_endpoint *o = cfg->out.kind == (audio_kind)k ? &cfg->out : NULL;
        const audio_endpoint *i = cfg->in.kind == (audio_kind)k ? &cfg->in : NULL;
        if (backends[k] && (o || i))
            rc = backends[k]->open(o, i, cfg->lead_ms, &a->state[k], err);
    }
    if (rc < 0) {
        audio_close(a);
        return rc;
    }
    *out = a;
    return FC_OK;
}

void audio_close(audio_t *a)
{
    if (!a)
        return;
    for (int k = N_KINDS - 1; k >= 0; k--)
        if (backends[k] && a->state[k])
            backends[k]->close(a->state[k]);
    free(a);
}

bool audio_is_realtime(const audio_t *a)
{
    for (int k = 0; k < N_KINDS; k++)
        if (a->state[k] && backends[k]->realtime)
            return true;
    return false;
}

bool audio_has_echo(const audio_t *a)
{
    bool device_pair = a->cfg.out.kind == AUDIO_DEVICE && a->cfg.in.kind == AUDIO_DEVICE;
    bool filtered = a->cfg.in.kind != AUDIO_DEVICE && a->cfg.filter.apply && a->cfg.filter.echo;
    return device_pair || filtered;
}

bool audio_input_ended(const audio_t *a)
{
    audio_kind k = a->cfg.in.kind;
    return k != AUDIO_NONE && backends[k]->input_ended(a->state[k]);
}

int audio_exchange(audio_t *a, const int16_t *out, size_t n, int16_t *in, size_t cap,
                   size_t *got, fc_error *err)
{
    *got = 0;
    if (cap < n)
        return fc_fail(err, FC_ERR_ARG, "audio: capture buffer smaller than the block");
    for (int k = 0; k < N_KINDS; k++) {
        if (!a->state[k])
            continue;
        size_t captured = 0;
        int rc = backends[k]->exchange(a->state[k], a->cfg.out.kind == (audio_kind)k ? out : NULL,
                                       n, a->cfg.in.kind == (audio_kind)k ? in : NULL, cap,
                                       &captured, err);
        if (rc < 0)
            return rc;
        if (a->cfg.in.kind == (audio_kind)k)
            *got = captured;
    }
    if (a->cfg.in.kind == AUDIO_DEVICE)
        return FC_OK; /* the device's capture, as it arrived */
    /* Lock-step microphone: a file, or silence, then the filter. */
    if (a->cfg.in.kind == AUDIO_NONE)
        memset(in, 0, n * sizeof *in);
    if (a->cfg.filter.apply)
        a->cfg.filter.apply(a->cfg.filter.ctx, out, in, n);
    *got = n;
    return FC_OK;
}

int audio_list_devices(FILE *fp) { return audio_pa_list(fp); }
