#include "audio.h"

#include "audio_backend.h"
#include "fc_error.h"

#include <stdlib.h>
#include <string.h>

struct audio {
    room_t *room;
    bool device_echo;
    bool pa_input;
    audio_file_out *file_out;
    audio_file_in *file_in;
    audio_pa *pa;
};

audio_config audio_config_default(void)
{
    audio_config c;
    memset(&c, 0, sizeof c);
    c.lead_ms = 60;
    return c;
}

int audio_open(const audio_config *cfg, audio_t **out, char *err, size_t errlen)
{
    int rc = FC_ERR_NOMEM;
    audio_t *a = calloc(1, sizeof *a);
    *out = NULL;
    if (!a) {
        snprintf(err, errlen, "out of memory opening audio");
        return rc;
    }
    if (cfg->in_file && (rc = audio_file_in_open(cfg->in_file, &a->file_in, err, errlen)) < 0)
        goto fail;
    if (cfg->room && (rc = room_create(cfg->room, &a->room, err, errlen)) < 0)
        goto fail;
    if (cfg->out_file && (rc = audio_file_out_open(cfg->out_file, &a->file_out, err, errlen)) < 0)
        goto fail;
    bool dev_out = !cfg->out_file && !cfg->no_output;
    bool dev_in = !cfg->in_file && cfg->want_input;
    if ((dev_out || dev_in) &&
        (rc = audio_pa_open(cfg->out_device, dev_out, cfg->in_device, dev_in, cfg->lead_ms, &a->pa,
                            err, errlen)) < 0)
        goto fail;
    a->device_echo = dev_out && dev_in;
    a->pa_input = dev_in;
    *out = a;
    return FC_OK;
fail:
    audio_close(a);
    return rc;
}

void audio_close(audio_t *a)
{
    if (!a)
        return;
    audio_pa_close(a->pa);
    room_destroy(a->room);
    audio_file_out_close(a->file_out);
    audio_file_in_close(a->file_in);
    free(a);
}

bool audio_is_realtime(const audio_t *a) { return a->pa != NULL; }

bool audio_has_echo(const audio_t *a)
{
    return a->device_echo || (a->room && room_has_echo(a->room));
}

bool audio_input_ended(const audio_t *a) { return a->file_in && audio_file_in_ended(a->file_in); }

int audio_exchange(audio_t *a, const int16_t *out, size_t n, int16_t *in, size_t cap,
                   size_t *got, char *err, size_t errlen)
{
    int rc;
    *got = 0;
    if (cap < n)
        return FC_ERR_ARG;
    if (a->file_out && (rc = audio_file_out_write(a->file_out, out, n, err, errlen)) < 0)
        return rc;
    if (a->pa && (rc = audio_pa_exchange(a->pa, a->file_out ? NULL : out, n, in, cap, got, err,
                                         errlen)) < 0)
        return rc;
    if (a->pa && a->pa_input)
        return FC_OK; /* the device's capture, as it arrived */
    /* Lock-step microphone: a file, or silence, plus the simulated room. */
    if (a->file_in && (rc = audio_file_in_read(a->file_in, in, n, err, errlen)) < 0)
        return rc;
    if (!a->file_in)
        memset(in, 0, n * sizeof *in);
    if (a->room)
        room_apply(a->room, out, in, n);
    *got = n;
    return FC_OK;
}

int audio_list_devices(FILE *fp) { return audio_pa_list(fp); }
