#include "room.h"

#include "audio_backend.h"
#include "fc_error.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DELAY_MS 500
#define HISTORY (16000 * (MAX_DELAY_MS + 100) / 1000) /* delay plus the reflections */

/* Light reverberation: a few reflections after the direct echo, each
 * quieter, like a small furnished room. */
static const struct {
    int ms;
    double gain;
} REFLECTIONS[] = {{7, 0.35}, {17, 0.22}, {31, 0.14}, {53, 0.08}, {79, 0.05}};

struct room {
    room_config cfg;
    double echo_gain;
    int delay;
    int16_t *history; /* the last HISTORY played samples */
    size_t hist_pos;
    int16_t *noise;
    size_t noise_n, noise_pos;
    double noise_gain;
};

room_config room_config_default(void)
{
    room_config c;
    memset(&c, 0, sizeof c);
    c.echo_delay_ms = 20;
    c.noise_snr_db = 10;
    return c;
}

int room_parse_echo(const char *spec, room_config *cfg)
{
    char *end = NULL;
    double gain = strtod(spec, &end);
    long delay = cfg->echo_delay_ms;
    if (end == spec || gain < -60 || gain > 20)
        return FC_ERR_ARG;
    if (*end == '@') {
        const char *d = end + 1;
        delay = strtol(d, &end, 10);
        if (end == d || delay < 0 || delay > MAX_DELAY_MS)
            return FC_ERR_ARG;
    }
    if (*end)
        return FC_ERR_ARG;
    cfg->echo = true;
    cfg->echo_gain_db = gain;
    cfg->echo_delay_ms = (int)delay;
    return FC_OK;
}

int room_parse_noise(const char *spec, room_config *cfg)
{
    char path[sizeof cfg->noise_file];
    if (snprintf(path, sizeof path, "%s", spec) >= (int)sizeof path)
        return FC_ERR_ARG;
    char *at = strrchr(path, '@');
    if (at) {
        char *end = NULL;
        double snr = strtod(at + 1, &end);
        if (end == at + 1 || *end || snr < -20 || snr > 60)
            return FC_ERR_ARG;
        cfg->noise_snr_db = snr;
        *at = '\0';
    }
    if (!path[0])
        return FC_ERR_ARG;
    memcpy(cfg->noise_file, path, sizeof path);
    return FC_OK;
}

static int load_noise(room_t *r, char *err, size_t errlen)
{
    audio_file_in *f = NULL;
    int rc = audio_file_in_open(r->cfg.noise_file, &f, err, errlen);
    if (rc < 0)
        return rc;
    size_t cap = 16000;
    r->noise = malloc(cap * sizeof *r->noise);
    rc = FC_ERR_NOMEM;
    if (!r->noise)
        goto done;
    while (!audio_file_in_ended(f)) {
        if (r->noise_n + 1600 > cap) {
            int16_t *grown = realloc(r->noise, cap * 2 * sizeof *grown);
            if (!grown)
                goto done;
            r->noise = grown;
            cap *= 2;
        }
        audio_file_in_read(f, r->noise + r->noise_n, 1600, err, errlen);
        r->noise_n += 1600;
    }
    double sum = 0;
    for (size_t i = 0; i < r->noise_n; i++)
        sum += (double)r->noise[i] * r->noise[i];
    double rms = r->noise_n ? sqrt(sum / (double)r->noise_n) : 0;
    if (rms < 1) {
        snprintf(err, errlen, "%s: the noise file is silent", r->cfg.noise_file);
        rc = FC_ERR_FORMAT;
        goto done;
    }
    r->noise_gain = ROOM_SPEECH_RMS / pow(10, r->cfg.noise_snr_db / 20) / rms;
    rc = FC_OK;
done:
    audio_file_in_close(f);
    return rc;
}

int room_create(const room_config *cfg, room_t **out, char *err, size_t errlen)
{
    int rc = FC_ERR_NOMEM;
    room_t *r = calloc(1, sizeof *r);
    *out = NULL;
    if (!r)
        return rc;
    r->cfg = *cfg;
    r->echo_gain = pow(10, cfg->echo_gain_db / 20);
    r->delay = 16000 * cfg->echo_delay_ms / 1000;
    if (!(r->history = calloc(HISTORY, sizeof *r->history)))
        goto fail;
    if (cfg->noise_file[0] && (rc = load_noise(r, err, errlen)) < 0)
        goto fail;
    *out = r;
    return FC_OK;
fail:
    room_destroy(r);
    return rc;
}

void room_destroy(room_t *r)
{
    if (!r)
        return;
    free(r->history);
    free(r->noise);
    free(r);
}

bool room_has_echo(const room_t *r) { return r->cfg.echo; }

static double past(const room_t *r, size_t back)
{
    return r->history[(r->hist_pos + HISTORY - back) % HISTORY];
}

void room_apply(room_t *r, const int16_t *played, int16_t *mic, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        r->history[r->hist_pos] = played[i];
        double v = mic[i];
        if (r->cfg.echo) {
            double e = past(r, (size_t)r->delay);
            if (r->cfg.reverb)
                for (size_t k = 0; k < sizeof REFLECTIONS / sizeof REFLECTIONS[0]; k++)
                    e += REFLECTIONS[k].gain * past(r, (size_t)r->delay + (size_t)REFLECTIONS[k].ms * 16);
            v += r->echo_gain * e;
        }
        if (r->noise_n) {
            v += r->noise_gain * r->noise[r->noise_pos];
            r->noise_pos = (r->noise_pos + 1) % r->noise_n;
        }
        mic[i] = (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : lrint(v));
        r->hist_pos = (r->hist_pos + 1) % HISTORY;
    }
}
