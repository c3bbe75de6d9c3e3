#include "audio.h"

#include "fc_error.h"
#include "fc_parse.h"
#include "internal/audio_backend.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define N_KINDS (AUDIO_DEVICE + 1)
/* Beyond AUDIO_INPUT_LOST_AFTER, how long a device may take to start. */
#define FIRST_CAPTURE_GRACE FC_MS(1500)

/* By endpoint kind; opened in this order (files before devices, so a bad
 * file is reported before a device is started). */
static const audio_backend *const backends[N_KINDS] = {
    [AUDIO_FILE] = &audio_file_backend,
    [AUDIO_DEVICE] = &audio_pa_backend,
};

struct audio {
    audio_config cfg;
    void *state[N_KINDS]; /* an open backend's handle, by kind */
    int64_t out_at;       /* output samples exchanged so far: the session clock */
    int64_t heard_at;     /* the clock when the microphone last delivered */
    bool lost;            /* the microphone is lost (audio_input_lost) */
    bool out_faulted;     /* the speaker is lost to a fault */
    int16_t *quiet;       /* silence played in place of the output in a fault */
    size_t quiet_cap;
    /* The speaker_gap fault: what the room has yet to hear of the output,
     * late by the gap once it has begun. */
    int16_t *late;
    size_t late_n, late_cap;
    bool gap_begun;
    int64_t gap_pending; /* for audio_take_output_gap */
};

audio_config audio_config_default(void)
{
    audio_config c;
    memset(&c, 0, sizeof c);
    c.lead_ms = 60;
    return c;
}

int audio_parse_channel(const char *text, int *channel)
{
    long n = 0;
    if (strcmp(text, "mix") && fc_parse_long(text, 1, AUDIO_CHANNELS_MAX, &n) < 0)
        return FC_ERR_ARG;
    *channel = (int)n;
    return FC_OK;
}

audio_endpoint audio_file(const char *path) { return (audio_endpoint){AUDIO_FILE, path, 0}; }

audio_endpoint audio_device(const char *name) { return (audio_endpoint){AUDIO_DEVICE, name, 0}; }

int audio_open(const audio_config *cfg, audio_t **out, fc_error *err)
{
    int rc = FC_OK;
    audio_t *a = calloc(1, sizeof *a);
    *out = NULL;
    if (!a)
        return fc_fail(err, FC_ERR_NOMEM, "out of memory opening audio");
    a->cfg = *cfg;
    if (cfg->in.channel < 0 || cfg->in.channel > AUDIO_CHANNELS_MAX) {
        free(a);
        return fc_fail(err, FC_ERR_ARG, "input channel %d: give 1 to %d, or 0 to mix them all",
                       cfg->in.channel, AUDIO_CHANNELS_MAX);
    }
    /* A device takes a moment to deliver its first capture. */
    if (cfg->in.kind == AUDIO_DEVICE)
        a->heard_at = FIRST_CAPTURE_GRACE;
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
    free(a->quiet);
    free(a->late);
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

bool audio_input_lost(const audio_t *a) { return a->lost; }

void audio_get_xruns(const audio_t *a, audio_xruns *x)
{
    memset(x, 0, sizeof *x);
    for (int k = 0; k < N_KINDS; k++)
        if (a->state[k] && backends[k] && backends[k]->xruns)
            backends[k]->xruns(a->state[k], x);
}

static bool faulted(const audio_t *a, const audio_fault *f)
{
    return f->len > 0 && a->out_at >= f->at && a->out_at < f->at + f->len;
}

static bool in_fault(const audio_t *a) { return faulted(a, &a->cfg.lose_input); }

/* The output backend itself says its device stopped taking samples. */
static bool backend_output_lost(const audio_t *a)
{
    audio_kind k = a->cfg.out.kind;
    return k != AUDIO_NONE && backends[k]->output_lost && backends[k]->output_lost(a->state[k]);
}

bool audio_output_lost(const audio_t *a) { return a->out_faulted || backend_output_lost(a); }

int audio_recover_output(audio_t *a, fc_error *err)
{
    audio_kind k = a->cfg.out.kind;
    if (faulted(a, &a->cfg.lose_output))
        return fc_fail(err, FC_ERR_DEVICE, "the speaker is still gone (a test fault)");
    a->out_faulted = false;
    return backend_output_lost(a) ? backends[k]->reopen_output(a->state[k], err) : FC_OK;
}

/* What the speaker is given: the output, or silence while a fault lasts
 * (the file still gets every sample, so its timeline holds). */
static const int16_t *played(audio_t *a, const int16_t *out, size_t n)
{
    if (faulted(a, &a->cfg.lose_output))
        a->out_faulted = true;
    if (!a->out_faulted || !out)
        return out;
    if (n > a->quiet_cap) {
        int16_t *q = realloc(a->quiet, n * sizeof *q);
        if (!q)
            return NULL; /* nothing played this block */
        a->quiet = q;
        a->quiet_cap = n;
    }
    memset(a->quiet, 0, n * sizeof *a->quiet);
    return a->quiet;
}

/* What the room hears of the speaker: the output as played, or, once a
 * speaker_gap fault has begun, the same late by its length (silence first).
 * NULL where there is no memory for it: the room hears nothing this block. */
static const int16_t *room_hears(audio_t *a, const int16_t *play, size_t n)
{
    const audio_fault *g = &a->cfg.speaker_gap;
    if (g->len <= 0 || (!a->gap_begun && a->out_at < g->at))
        return play;
    size_t need = (size_t)g->len + 2 * n;
    if (need > a->late_cap) {
        int16_t *l = realloc(a->late, need * sizeof *l);
        if (!l)
            return NULL;
        a->late = l;
        a->late_cap = need;
    }
    if (!a->gap_begun) {
        a->gap_begun = true;
        memset(a->late + a->late_n, 0, (size_t)g->len * sizeof *a->late);
        a->late_n += (size_t)g->len;
        a->gap_pending += g->len;
    }
    /* The block heard now sits after what is still waiting; it is copied
     * out past the end before the line moves up. */
    memcpy(a->late + a->late_n, play, n * sizeof *play);
    a->late_n += n;
    memcpy(a->late + a->late_n, a->late, n * sizeof *a->late);
    a->late_n -= n;
    memmove(a->late, a->late + n, a->late_n * sizeof *a->late);
    return a->late + a->late_n + n;
}

int64_t audio_take_output_gap(audio_t *a)
{
    int64_t gap = a->gap_pending;
    audio_kind k = a->cfg.out.kind;
    a->gap_pending = 0;
    if (k != AUDIO_NONE && a->state[k] && backends[k]->take_output_gap)
        gap += backends[k]->take_output_gap(a->state[k]);
    return gap;
}

int audio_recover_input(audio_t *a, fc_error *err)
{
    audio_kind k = a->cfg.in.kind;
    int rc = FC_OK;
    if (!a->lost)
        return FC_OK;
    if (in_fault(a))
        return fc_fail(err, FC_ERR_DEVICE, "the microphone is still gone (a test fault)");
    if (k != AUDIO_NONE && backends[k]->reopen_input &&
        (rc = backends[k]->reopen_input(a->state[k], err)) < 0)
        return rc;
    a->lost = false;
    a->heard_at = a->out_at;
    return FC_OK;
}

/* Watches the microphone after an exchange of n samples that captured *got:
 * a fault throws the capture away; a lost microphone is replaced by
 * silence. */
static void watch_input(audio_t *a, int16_t *in, size_t n, size_t *got, bool fault)
{
    if (fault) {
        memset(in, 0, *got * sizeof *in);
        if (a->cfg.in.kind == AUDIO_DEVICE)
            *got = 0;
    } else if (*got > 0) {
        a->heard_at = a->out_at + (int64_t)n;
    }
    a->out_at += (int64_t)n;
    if (!a->lost && a->cfg.in.kind != AUDIO_NONE &&
        a->out_at - a->heard_at >= AUDIO_INPUT_LOST_AFTER)
        a->lost = true;
    if (a->lost) {
        memset(in, 0, n * sizeof *in);
        *got = n;
    }
}

int audio_exchange(audio_t *a, const int16_t *out, size_t n, int16_t *in, size_t cap,
                   size_t *got, fc_error *err)
{
    *got = 0;
    if (cap < n)
        return fc_fail(err, FC_ERR_ARG, "audio: capture buffer smaller than the block");
    const int16_t *play = played(a, out, n);
    for (int k = 0; k < N_KINDS; k++) {
        if (!a->state[k])
            continue;
        size_t captured = 0;
        int rc = backends[k]->exchange(a->state[k], a->cfg.out.kind == (audio_kind)k ? play : NULL,
                                       n, a->cfg.in.kind == (audio_kind)k ? in : NULL, cap,
                                       &captured, err);
        if (rc < 0)
            return rc;
        if (a->cfg.in.kind == (audio_kind)k)
            *got = captured;
    }
    bool fault = in_fault(a);
    if (a->cfg.in.kind == AUDIO_DEVICE) {
        watch_input(a, in, n, got, fault); /* the device's capture, as it arrived */
        return FC_OK;
    }
    /* Lock-step microphone: a file, or silence, then the filter. */
    if (a->cfg.in.kind == AUDIO_NONE)
        memset(in, 0, n * sizeof *in);
    *got = n;
    const int16_t *heard = play ? room_hears(a, play, n) : NULL;
    watch_input(a, in, n, got, fault);
    if (a->cfg.filter.apply && heard && !a->lost && !fault)
        a->cfg.filter.apply(a->cfg.filter.ctx, heard, in, n);
    return FC_OK;
}

int audio_list_devices(FILE *fp) { return audio_pa_list(fp); }

void audio_downmix(const int16_t *frames, size_t n, int channels, int channel, int16_t *mono)
{
    for (size_t i = 0; i < n; i++) {
        const int16_t *f = frames + i * (size_t)channels;
        if (channel > 0) {
            mono[i] = f[channel - 1];
            continue;
        }
        int32_t sum = 0;
        for (int c = 0; c < channels; c++)
            sum += f[c];
        mono[i] = (int16_t)(sum / channels);
    }
}
