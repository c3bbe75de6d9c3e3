/* WAV files through libsndfile, resampled to and from the 16 kHz clock. */
#include "audio_backend.h"
#include "fc_error.h"
#include "resampler.h"

#include <sndfile.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK 4096

struct audio_file_out {
    SNDFILE *sf;
    char *path;
};

struct audio_file_in {
    SNDFILE *sf;
    int channels;
    resampler_t *rs;
    int ended;
    /* Resampled samples not yet handed out. */
    int16_t *fifo;
    size_t fifo_pos, fifo_n, fifo_cap;
    int16_t *frames; /* interleaved read buffer */
    int16_t *mono;
};

int audio_file_out_open(const char *path, audio_file_out **out, char *err, size_t errlen)
{
    SF_INFO info = {.samplerate = AUDIO_RATE, .channels = 1,
                    .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
    audio_file_out *f = calloc(1, sizeof *f);
    *out = NULL;
    if (!f)
        return FC_ERR_NOMEM;
    f->sf = sf_open(path, SFM_WRITE, &info);
    if (!f->sf) {
        snprintf(err, errlen, "%s: cannot write audio file: %s; check the folder exists and is "
                 "writable", path, sf_strerror(NULL));
        free(f);
        return FC_ERR_IO;
    }
    f->path = strdup(path);
    *out = f;
    return FC_OK;
}

int audio_file_out_write(audio_file_out *f, const int16_t *pcm, size_t n, char *err,
                         size_t errlen)
{
    if (sf_write_short(f->sf, pcm, (sf_count_t)n) != (sf_count_t)n) {
        snprintf(err, errlen, "%s: write failed: %s (disk full?)", f->path ? f->path : "output",
                 sf_strerror(f->sf));
        return FC_ERR_IO;
    }
    return FC_OK;
}

void audio_file_out_close(audio_file_out *f)
{
    if (!f)
        return;
    if (f->sf)
        sf_close(f->sf);
    free(f->path);
    free(f);
}

int audio_file_in_open(const char *path, audio_file_in **out, char *err, size_t errlen)
{
    int rc = FC_ERR_NOMEM;
    SF_INFO info;
    memset(&info, 0, sizeof info);
    audio_file_in *f = calloc(1, sizeof *f);
    *out = NULL;
    if (!f)
        return rc;
    f->sf = sf_open(path, SFM_READ, &info);
    if (!f->sf) {
        snprintf(err, errlen, "%s: cannot read audio file: %s; give a WAV file (any rate)", path,
                 sf_strerror(NULL));
        rc = FC_ERR_IO;
        goto fail;
    }
    if (info.channels < 1 || info.samplerate < 4000 || info.samplerate > 384000) {
        snprintf(err, errlen, "%s: unsupported audio (%d channels at %d Hz)", path,
                 info.channels, info.samplerate);
        rc = FC_ERR_FORMAT;
        goto fail;
    }
    f->channels = info.channels;
    if ((rc = resampler_create(info.samplerate, AUDIO_RATE, 5, &f->rs)) < 0)
        goto fail;
    f->frames = malloc((size_t)CHUNK * (size_t)info.channels * sizeof *f->frames);
    f->mono = malloc(CHUNK * sizeof *f->mono);
    f->fifo_cap = resampler_max_output(f->rs, CHUNK) + CHUNK;
    f->fifo = malloc(f->fifo_cap * sizeof *f->fifo);
    rc = FC_ERR_NOMEM;
    if (!f->frames || !f->mono || !f->fifo)
        goto fail;
    *out = f;
    return FC_OK;
fail:
    audio_file_in_close(f);
    return rc;
}

static void refill(audio_file_in *f)
{
    f->fifo_pos = f->fifo_n = 0;
    sf_count_t got = sf_readf_short(f->sf, f->frames, CHUNK);
    if (got <= 0) {
        f->ended = 1;
        return;
    }
    for (sf_count_t i = 0; i < got; i++) {
        int32_t sum = 0;
        for (int c = 0; c < f->channels; c++)
            sum += f->frames[i * f->channels + c];
        f->mono[i] = (int16_t)(sum / f->channels);
    }
    f->fifo_n += resampler_process(f->rs, f->mono, (size_t)got, f->fifo + f->fifo_n,
                                   f->fifo_cap - f->fifo_n);
}

int audio_file_in_read(audio_file_in *f, int16_t *pcm, size_t n, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    size_t done = 0;
    while (done < n) {
        if (f->fifo_pos == f->fifo_n && !f->ended)
            refill(f);
        size_t avail = f->fifo_n - f->fifo_pos;
        if (avail == 0) {
            memset(pcm + done, 0, (n - done) * sizeof *pcm);
            break;
        }
        size_t take = avail < n - done ? avail : n - done;
        memcpy(pcm + done, f->fifo + f->fifo_pos, take * sizeof *pcm);
        f->fifo_pos += take;
        done += take;
    }
    return FC_OK;
}

bool audio_file_in_ended(const audio_file_in *f) { return f->ended && f->fifo_pos == f->fifo_n; }

void audio_file_in_close(audio_file_in *f)
{
    if (!f)
        return;
    if (f->sf)
        sf_close(f->sf);
    resampler_destroy(f->rs);
    free(f->frames);
    free(f->mono);
    free(f->fifo);
    free(f);
}
