#include "room.h"

#include "fc_clock.h"
#include "fc_error.h"
#include "fc_parse.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DELAY_MS 500
/* What --echo and --noise accept: an echo from nearly nothing to far
 * louder than the coach, noise from far below the voice to above it. */
#define ECHO_GAIN_MIN_DB -60
#define ECHO_GAIN_MAX_DB 20
#define NOISE_SNR_MIN_DB -20
#define NOISE_SNR_MAX_DB 60
#define MAX_REFLECTION_MS 100
#define HISTORY FC_MS(MAX_DELAY_MS + MAX_REFLECTION_MS) /* delay plus the reflections */
#define NOISE_BLOCK 1600 /* noise is read from its file this many samples at a time */

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
    /* The noise is streamed, not loaded: an hours-long recording must not
     * cost its length in memory. */
    audio_reader_t *noise;
    int16_t noise_block[NOISE_BLOCK];
    size_t noise_n, noise_pos; /* samples in noise_block, and the next one */
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
    char text[32];
    double gain;
    long delay = cfg->echo_delay_ms;
    if (snprintf(text, sizeof text, "%s", spec) >= (int)sizeof text)
        return FC_ERR_ARG;
    char *at = strchr(text, '@');
    if (at) {
        *at = '\0';
        if (fc_parse_long(at + 1, 0, MAX_DELAY_MS, &delay) < 0)
            return FC_ERR_ARG;
    }
    if (fc_parse_double(text, ECHO_GAIN_MIN_DB, ECHO_GAIN_MAX_DB, &gain) < 0)
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
        double snr;
        if (fc_parse_double(at + 1, NOISE_SNR_MIN_DB, NOISE_SNR_MAX_DB, &snr) < 0)
            return FC_ERR_ARG;
        cfg->noise_snr_db = snr;
        *at = '\0';
    }
    if (!path[0])
        return FC_ERR_ARG;
    memcpy(cfg->noise_file, path, sizeof path);
    return FC_OK;
}

/* The next block of the noise loop; at the file's end, round again. */
static void next_noise_block(room_t *r)
{
    r->noise_pos = 0;
    r->noise_n = audio_reader_read(r->noise, r->noise_block, NOISE_BLOCK);
    if (r->noise_n == 0 && audio_reader_rewind(r->noise, NULL) == FC_OK)
        r->noise_n = audio_reader_read(r->noise, r->noise_block, NOISE_BLOCK);
}

/* Opens the noise and measures its level over the whole file, once. */
static int open_noise(room_t *r, fc_error *err)
{
    const char *path = r->cfg.noise_file;
    int rc = audio_reader_open(path, 0, &r->noise, err);
    if (rc < 0)
        return rc;
    double sum = 0;
    size_t total = 0, got;
    while ((got = audio_reader_read(r->noise, r->noise_block, NOISE_BLOCK)) > 0) {
        for (size_t i = 0; i < got; i++)
            sum += (double)r->noise_block[i] * r->noise_block[i];
        total += got;
    }
    double rms = total ? sqrt(sum / (double)total) : 0;
    if (rms < 1)
        return fc_fail(err, FC_ERR_FORMAT, "%s: the noise file is silent", path);
    r->noise_gain = ROOM_SPEECH_RMS / pow(10, r->cfg.noise_snr_db / 20) / rms;
    fc_error why = {0};
    if ((rc = audio_reader_rewind(r->noise, &why)) < 0)
        return fc_fail(err, rc, "%s: %s", path, fc_error_message(&why));
    next_noise_block(r);
    return FC_OK;
}

int room_create(const room_config *cfg, room_t **out, fc_error *err)
{
    int rc = FC_ERR_NOMEM;
    room_t *r = calloc(1, sizeof *r);
    *out = NULL;
    if (!r)
        return fc_fail(err, rc, "out of memory building the simulated room");
    r->cfg = *cfg;
    r->echo_gain = pow(10, cfg->echo_gain_db / 20);
    r->delay = (int)FC_MS(cfg->echo_delay_ms);
    if (!(r->history = calloc(HISTORY, sizeof *r->history))) {
        fc_fail(err, rc, "out of memory building the simulated room");
        goto fail;
    }
    if (cfg->noise_file[0] && (rc = open_noise(r, err)) < 0)
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
    audio_reader_destroy(r->noise);
    free(r);
}


static double past(const room_t *r, size_t back)
{
    return r->history[(r->hist_pos + HISTORY - back) % HISTORY];
}

static void apply(void *ctx, const int16_t *played, int16_t *mic, size_t n)
{
    room_t *r = ctx;
    for (size_t i = 0; i < n; i++) {
        r->history[r->hist_pos] = played[i];
        double v = mic[i];
        if (r->cfg.echo) {
            double e = past(r, (size_t)r->delay);
            if (r->cfg.reverb)
                for (size_t k = 0; k < sizeof REFLECTIONS / sizeof REFLECTIONS[0]; k++)
                    e += REFLECTIONS[k].gain * past(r, (size_t)r->delay + (size_t)FC_MS(REFLECTIONS[k].ms));
            v += r->echo_gain * e;
        }
        if (r->noise) {
            if (r->noise_pos == r->noise_n)
                next_noise_block(r);
            if (r->noise_pos < r->noise_n)
                v += r->noise_gain * r->noise_block[r->noise_pos++];
        }
        mic[i] = (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : lrint(v));
        r->hist_pos = (r->hist_pos + 1) % HISTORY;
    }
}

audio_mic_filter room_filter(room_t *r)
{
    audio_mic_filter f = {apply, r, r->cfg.echo};
    return f;
}
