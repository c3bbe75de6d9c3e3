#include "audio.h"

#include "audio_backend.h"
#include "fc_error.h"

#include <stdlib.h>
#include <string.h>

struct audio {
    room_t *room;
    bool device_echo;
    audio_file_out *file_out;
    audio_file_in *file_in;
    audio_pa *pa;
    int16_t *scratch;
    size_t scratch_n;
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
    free(a->scratch);
    free(a);
}

bool audio_is_realtime(const audio_t *a) { return a->pa != NULL; }

bool audio_has_echo(const audio_t *a)
{
    return a->device_echo || (a->room && room_has_echo(a->room));
}

int audio_echo_delay(const audio_t *a) { return a->pa ? audio_pa_latency(a->pa) : 0; }

bool audio_input_ended(const audio_t *a) { return a->file_in && audio_file_in_ended(a->file_in); }

int audio_exchange(audio_t *a, const int16_t *out, int16_t *in, size_t n, char *err,
                   size_t errlen)
{
    int rc;
    if (a->file_out && (rc = audio_file_out_write(a->file_out, out, n, err, errlen)) < 0)
        return rc;
    if (a->pa) {
        /* A microphone file still needs the device to pace it, so the
         * device's own capture goes to scratch and is dropped. */
        int16_t *dev_in = in;
        if (a->file_in) {
            if (a->scratch_n < n) {
                int16_t *grown = realloc(a->scratch, n * sizeof *grown);
                if (!grown)
                    return FC_ERR_NOMEM;
                a->scratch = grown;
                a->scratch_n = n;
            }
            dev_in = a->scratch;
        }
        if ((rc = audio_pa_exchange(a->pa, a->file_out ? NULL : out, dev_in, n, err, errlen)) < 0)
            return rc;
    }
    if (a->file_in && (rc = audio_file_in_read(a->file_in, in, n, err, errlen)) < 0)
        return rc;
    if (!a->file_in && !a->pa)
        memset(in, 0, n * sizeof *in);
    if (a->room && !a->device_echo)
        room_apply(a->room, out, in, n);
    return FC_OK;
}

int audio_list_devices(FILE *fp) { return audio_pa_list(fp); }
