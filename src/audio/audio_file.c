/* WAV files through libsndfile, resampled to and from the session clock. */
#include "datapath.h"
#include "fc_error.h"
#include "internal/audio_backend.h"
#include "resampler.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <sndfile.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK 4096
/* libsndfile reads any rate; this is the range a microphone recording has. */
#define MIN_RATE 4000
#define MAX_RATE 384000
#define RESAMPLE_QUALITY 5
/* libsndfile's float for a 16-bit sample is sample / 32768. */
#define FULL_SCALE 32768.0f

/* The output is created at its first write, so a run that fails before
 * any sound (a bad --events, a missing model) leaves no empty WAV behind.
 * It is RF64 that libsndfile writes as a plain WAV while it is under 4 GB
 * (a 37-hour session), and its header is rewritten every second of audio,
 * so a killed process leaves a file that says how long it is. */
typedef struct {
    SNDFILE *sf;
    char *path;
    size_t since_header; /* samples written since the header was */
} file_out;

typedef struct {
    SNDFILE *sf;
    int channels;
    int channel; /* audio_endpoint.channel */
    resampler_t *rs;
    int ended;
    /* Resampled samples not yet handed out. */
    int16_t *fifo;
    size_t fifo_pos, fifo_n, fifo_cap;
    /* Read as floats: libsndfile reads a float file as shorts unscaled
     * (silence), or with SFC_SET_SCALE_FLOAT_INT_READ scaled to its own
     * peak (a quiet file made loud); floats are exact for 8-24 bit PCM. */
    float *floats;
    int16_t *frames; /* interleaved, converted from floats */
    int16_t *mono;
} file_in;

typedef struct {
    file_out *out;
    file_in *in;
} file_pair;

/* What opening will meet: a folder we can write in, and no directory in
 * the way. Checked at open, so the error comes before the session. */
static int out_check(const char *path, fc_error *err)
{
    struct stat st;
    char folder[PATH_MAX];
    if (datapath_folder(path, folder, sizeof folder) < 0 || access(folder, W_OK) < 0)
        return fc_fail(err, FC_ERR_IO, "%s: cannot write audio file: %s; check the folder "
                       "exists and is writable", path, strerror(errno));
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return fc_fail(err, FC_ERR_IO, "%s: cannot write audio file: it is a folder; give a "
                       "file name", path);
    return FC_OK;
}

static int out_open(const char *path, file_out **out, fc_error *err)
{
    file_out *f = calloc(1, sizeof *f);
    *out = NULL;
    if (!f || !(f->path = strdup(path))) {
        free(f);
        return fc_fail(err, FC_ERR_NOMEM, "out of memory opening %s", path);
    }
    int rc = out_check(path, err);
    if (rc < 0) {
        free(f->path);
        free(f);
        return rc;
    }
    *out = f;
    return FC_OK;
}

static int out_create(file_out *f, fc_error *err)
{
    SF_INFO info = {.samplerate = FC_RATE, .channels = 1,
                    .format = SF_FORMAT_RF64 | SF_FORMAT_PCM_16};
    f->sf = sf_open(f->path, SFM_WRITE, &info);
    if (!f->sf)
        return fc_fail(err, FC_ERR_IO, "%s: cannot write audio file: %s; check the folder "
                       "exists and is writable", f->path, sf_strerror(NULL));
    sf_command(f->sf, SFC_RF64_AUTO_DOWNGRADE, NULL, SF_TRUE);
    return FC_OK;
}

static int out_write(file_out *f, const int16_t *pcm, size_t n, fc_error *err)
{
    int rc;
    if (!f->sf && (rc = out_create(f, err)) < 0)
        return rc;
    if (sf_write_short(f->sf, pcm, (sf_count_t)n) != (sf_count_t)n)
        return fc_fail(err, FC_ERR_IO, "%s: write failed: %s (disk full?)", f->path,
                       sf_strerror(f->sf));
    f->since_header += n;
    if (f->since_header >= FC_RATE) {
        sf_command(f->sf, SFC_UPDATE_HEADER_NOW, NULL, 0);
        f->since_header = 0;
    }
    return FC_OK;
}

static void out_close(file_out *f)
{
    if (!f)
        return;
    if (f->sf)
        sf_close(f->sf);
    free(f->path);
    free(f);
}

static void in_close(file_in *f);

static int in_open(const char *path, int channel, file_in **out, fc_error *err)
{
    int rc = FC_ERR_NOMEM;
    SF_INFO info;
    memset(&info, 0, sizeof info);
    file_in *f = calloc(1, sizeof *f);
    *out = NULL;
    if (!f)
        return fc_fail(err, rc, "out of memory opening %s", path);
    f->sf = sf_open(path, SFM_READ, &info);
    if (!f->sf) {
        rc = fc_fail(err, FC_ERR_IO, "%s: cannot read audio file: %s; give a WAV file (any "
                     "rate)", path, sf_strerror(NULL));
        goto fail;
    }
    if (info.channels < 1 || info.samplerate < MIN_RATE || info.samplerate > MAX_RATE) {
        rc = fc_fail(err, FC_ERR_FORMAT, "%s: unsupported audio (%d channels at %d Hz)", path,
                     info.channels, info.samplerate);
        goto fail;
    }
    if (channel > info.channels) {
        rc = fc_fail(err, FC_ERR_ARG, "%s: has %d channel%s, so there is no channel %d", path,
                     info.channels, info.channels == 1 ? "" : "s", channel);
        goto fail;
    }
    f->channels = info.channels;
    f->channel = channel;
    if ((rc = resampler_create(info.samplerate, FC_RATE, RESAMPLE_QUALITY, &f->rs)) < 0)
        goto fail;
    f->frames = malloc((size_t)CHUNK * (size_t)info.channels * sizeof *f->frames);
    f->floats = malloc((size_t)CHUNK * (size_t)info.channels * sizeof *f->floats);
    f->mono = malloc(CHUNK * sizeof *f->mono);
    f->fifo_cap = resampler_max_output(f->rs, CHUNK) + CHUNK;
    f->fifo = malloc(f->fifo_cap * sizeof *f->fifo);
    rc = FC_ERR_NOMEM;
    if (!f->frames || !f->floats || !f->mono || !f->fifo)
        goto fail;
    *out = f;
    return FC_OK;
fail:
    fc_fail_default(err, rc, "out of memory opening %s", path);
    in_close(f);
    return rc;
}

/* Clipped, as a sound card would; a NaN in a float file is silence. */
static int16_t to_short(float x)
{
    float v = x * FULL_SCALE;
    if (isnan(v))
        return 0;
    if (v >= INT16_MAX)
        return INT16_MAX;
    if (v <= INT16_MIN)
        return INT16_MIN;
    return (int16_t)lrintf(v);
}

static void refill(file_in *f)
{
    f->fifo_pos = f->fifo_n = 0;
    sf_count_t got = sf_readf_float(f->sf, f->floats, CHUNK);
    if (got <= 0) {
        f->ended = 1;
        return;
    }
    for (size_t i = 0; i < (size_t)got * (size_t)f->channels; i++)
        f->frames[i] = to_short(f->floats[i]);
    audio_downmix(f->frames, (size_t)got, f->channels, f->channel, f->mono);
    f->fifo_n += resampler_process(f->rs, f->mono, (size_t)got, f->fifo + f->fifo_n,
                                   f->fifo_cap - f->fifo_n);
}

/* Always fills n samples: silence once the file has ended. Returns how
 * many came from the file. */
static size_t in_read(file_in *f, int16_t *pcm, size_t n)
{
    size_t done = 0;
    while (done < n) {
        if (f->fifo_pos == f->fifo_n) {
            if (f->ended)
                break;
            refill(f); /* may yield nothing yet while the resampler fills */
            continue;
        }
        size_t avail = f->fifo_n - f->fifo_pos;
        size_t take = avail < n - done ? avail : n - done;
        memcpy(pcm + done, f->fifo + f->fifo_pos, take * sizeof *pcm);
        f->fifo_pos += take;
        done += take;
    }
    memset(pcm + done, 0, (n - done) * sizeof *pcm);
    return done;
}

static bool in_ended(const file_in *f) { return f->ended && f->fifo_pos == f->fifo_n; }

static void in_close(file_in *f)
{
    if (!f)
        return;
    if (f->sf)
        sf_close(f->sf);
    resampler_destroy(f->rs);
    free(f->frames);
    free(f->floats);
    free(f->mono);
    free(f->fifo);
    free(f);
}

static void pair_close(void *state)
{
    file_pair *p = state;
    if (!p)
        return;
    out_close(p->out);
    in_close(p->in);
    free(p);
}

/* The microphone file first: a wrong --mic is reported before the output
 * file is created. */
static int pair_open(const audio_endpoint *out, const audio_endpoint *in, int lead_ms,
                     void **state, fc_error *err)
{
    (void)lead_ms;
    int rc = FC_OK;
    file_pair *p = calloc(1, sizeof *p);
    *state = NULL;
    if (!p)
        return fc_fail(err, FC_ERR_NOMEM, "out of memory opening audio files");
    if ((in && (rc = in_open(in->name, in->channel, &p->in, err)) < 0) ||
        (out && (rc = out_open(out->name, &p->out, err)) < 0)) {
        pair_close(p);
        return rc;
    }
    *state = p;
    return FC_OK;
}

static int pair_exchange(void *state, const int16_t *out, size_t n, int16_t *in, size_t cap,
                         size_t *got, fc_error *err)
{
    (void)cap;
    file_pair *p = state;
    int rc;
    if (out && (rc = out_write(p->out, out, n, err)) < 0)
        return rc;
    if (in)
        in_read(p->in, in, n);
    *got = in ? n : 0;
    return FC_OK;
}

static bool pair_input_ended(const void *state)
{
    const file_pair *p = state;
    return p->in && in_ended(p->in);
}

const audio_backend audio_file_backend = {
    .name = "file",
    .realtime = false,
    .open = pair_open,
    .exchange = pair_exchange,
    .input_ended = pair_input_ended,
    .close = pair_close,
};

/* The reader is the microphone file's reader; only its name is public. */
struct audio_reader {
    file_in in;
};

int audio_reader_open(const char *path, int channel, audio_reader_t **out, fc_error *err)
{
    file_in *f = NULL;
    int rc = in_open(path, channel, &f, err);
    *out = (audio_reader_t *)f;
    return rc;
}

size_t audio_reader_read(audio_reader_t *r, int16_t *pcm, size_t n)
{
    return in_read(&r->in, pcm, n);
}

int audio_reader_rewind(audio_reader_t *r, fc_error *err)
{
    file_in *f = &r->in;
    if (sf_seek(f->sf, 0, SEEK_SET) < 0)
        return fc_fail(err, FC_ERR_IO, "cannot go back to the start of an audio file: %s",
                       sf_strerror(f->sf));
    f->ended = 0;
    f->fifo_pos = f->fifo_n = 0;
    return FC_OK;
}

void audio_reader_destroy(audio_reader_t *r)
{
    in_close(r ? &r->in : NULL);
}

int audio_file_seconds(const char *path, double *seconds, fc_error *err)
{
    SF_INFO info;
    memset(&info, 0, sizeof info);
    SNDFILE *sf = sf_open(path, SFM_READ, &info);
    if (!sf)
        return fc_fail(err, FC_ERR_IO, "%s: cannot read audio file: %s", path,
                       sf_strerror(NULL));
    *seconds = info.samplerate > 0 ? (double)info.frames / info.samplerate : 0;
    sf_close(sf);
    return FC_OK;
}

int audio_file_load(const char *path, size_t multiple, int16_t **pcm, size_t *n, fc_error *err)
{
    file_in *f = NULL;
    int16_t *buf = NULL;
    size_t len = 0, cap = FC_RATE;
    *pcm = NULL;
    *n = 0;
    if (multiple == 0 || multiple > cap)
        return fc_fail(err, FC_ERR_ARG, "%s: read in blocks of 1 to %zu samples", path, cap);
    int rc = in_open(path, 0, &f, err);
    if (rc < 0)
        goto done;
    rc = FC_ERR_NOMEM;
    if (!(buf = malloc(cap * sizeof *buf)))
        goto done;
    for (size_t got = multiple; got == multiple;) {
        if (len + multiple > cap) {
            int16_t *grown = realloc(buf, cap * 2 * sizeof *grown);
            if (!grown)
                goto done;
            buf = grown;
            cap *= 2;
        }
        got = in_read(f, buf + len, multiple);
        if (got > 0)
            len += multiple; /* the rest of a short last block is silence */
    }
    *pcm = buf;
    *n = len;
    buf = NULL;
    rc = FC_OK;
done:
    if (rc == FC_ERR_NOMEM)
        fc_fail(err, rc, "%s: out of memory reading it", path);
    free(buf);
    in_close(f);
    return rc;
}
