/* PortAudio devices. The real-time callbacks only move samples between the
 * devices and two lock-free rings; resampling and everything else happens on
 * the engine thread in audio_pa_exchange(). When the engine must wait for
 * the device (no room for output, no capture yet), it blocks on a
 * semaphore that the callbacks post while it waits: it never polls. */
#define _POSIX_C_SOURCE 200809L
#include "fc_error.h"
#include "internal/audio_backend.h"
#include "queue.h"
#include "resampler.h"

#include <alsa/asoundlib.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pa_linux_alsa.h>
#include <portaudio.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A speaker that takes no samples for this long has died or been unplugged
 * (PulseAudio's null sink was seen to hiccup for over a second on a loaded
 * machine: 1 s took that for a loss). */
#define STALL_NS 3000000000LL
/* Before its first callback a stream gets this much longer: a sound server
 * starting, or a loaded machine, can take seconds to begin. */
#define START_GRACE_NS 3000000000LL
/* Queued output is given this long to play out when the stream closes. */
#define DRAIN_NS 1000000000LL
/* Cheap and good enough for the microphone and the speaker. */
#define RESAMPLE_QUALITY 4
#define DEFAULT_LEAD_MS 60
#define DROP_CHUNK 1024
/* Headroom so that the resampler's output never overruns the 16 kHz fifo. */
#define FIFO_SLACK 16
/* A wait for the device wakes at least this often to see whether it has
 * stalled (a callback wakes it as soon as there is something to do). */
#define WAIT_SLICE_NS 100000000L

typedef struct {
    int initialized;
    /* Two streams, not one duplex stream: PortAudio's ALSA duplex streams
     * through the PulseAudio plugin fail after a few buffers (Debian 12).
     * Both count samples from their start; the echo canceller measures and
     * tracks the offset between them. */
    PaStream *out_stream, *in_stream;
    int rate;
    queue_t *out_ring, *in_ring; /* int16 frames at the device rate */
    int in_channels;   /* as opened: 1, or what a mic-array HAT needs */
    int in_channel;    /* audio_endpoint.channel: 0 mixes them */
    int16_t *in_frames; /* interleaved capture scratch */
    resampler_t *to_dev, *from_dev;
    int16_t *dev_buf;  /* device-rate scratch */
    size_t dev_cap;
    int16_t *in_fifo;  /* 16 kHz capture not yet handed out */
    size_t in_pos, in_n, in_cap;
    bool started;      /* the first exchange has happened */
    bool out_lost;     /* the speaker stalled: output is dropped (engine thread) */
    int64_t due_ns;    /* with no speaker to pace it, when the next block is due */
    PaStreamParameters out_params; /* to reopen a lost speaker */
    char out_name[256];
    PaStreamParameters in_params; /* to reopen a lost microphone */
    char in_name[256];
    sem_t wake;        /* posted by a callback while the engine waits */
    bool wake_made;
    _Atomic int waiting; /* the engine is about to wait, or waits, on wake */
    _Atomic uint64_t underruns; /* output callbacks the ring could not fill */
    _Atomic uint64_t overflows; /* capture the ring had no room for */
    /* Silence the output callback played in place of samples, once the
     * stream had been given its first: each frame of it delays the echo of
     * all that follows (see take_gap). */
    _Atomic uint64_t dry_frames;
    _Atomic bool fed;   /* the callback has played a sample of this stream */
    uint64_t dry_seen;  /* engine thread: dry_frames as last accounted */
    int64_t dry_rem;    /* its remainder, in device frames x FC_RATE */
    int64_t gap;        /* session samples of it not yet taken */
    _Atomic unsigned long last_frames;
} audio_pa;

/* ALSA reports every underrun and recovery on stderr ("ALSA lib pcm.c:...
 * underrun occurred"): on a loaded machine thousands of lines that bury
 * the status line and reach the journal. They are counted instead, and
 * the session logs the count (FLOORCOACH_DEBUG=1 lets them through). The
 * handler may run on a real-time thread: it only counts. */
static _Atomic uint64_t alsa_messages;

static void count_alsa_message(const char *file, int line, const char *function, int err,
                               const char *fmt, ...)
{
    (void)file;
    (void)line;
    (void)function;
    (void)err;
    (void)fmt;
    atomic_fetch_add_explicit(&alsa_messages, 1, memory_order_relaxed);
}

/* ALSA prints pages of probing noise on stderr while PortAudio starts;
 * none of it is actionable for the user, so it is hidden for that moment. */
static int init_quietly(void)
{
    fflush(stderr);
    int saved = dup(2);
    int devnull = open("/dev/null", O_WRONLY);
    if (saved >= 0 && devnull >= 0)
        dup2(devnull, 2);
    PaError e = Pa_Initialize();
    if (!getenv("FLOORCOACH_DEBUG"))
        snd_lib_error_set_handler(count_alsa_message);
    if (saved >= 0) {
        dup2(saved, 2);
        close(saved);
    }
    if (devnull >= 0)
        close(devnull);
    return e;
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Callback side: wakes the engine if it waits. sem_post neither blocks
 * nor allocates, so it is safe in a real-time callback. */
static void wake_engine(audio_pa *p)
{
    if (atomic_load(&p->waiting))
        sem_post(&p->wake);
}

/* Engine side: blocks until a callback ran or `slice` ns (at most
 * WAIT_SLICE_NS) passed. The caller has set waiting and checked its
 * condition again after setting it, so a callback that came in between has
 * posted (seq_cst atomics: one of the two sees the other). */
static void wait_for_device(audio_pa *p, int64_t slice)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += slice > 0 && slice < WAIT_SLICE_NS ? (long)slice : WAIT_SLICE_NS;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    while (sem_timedwait(&p->wake, &ts) != 0 && errno == EINTR)
        ; /* a signal: keep waiting, until the deadline */
}

static int same_text_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] && tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return 1;
    }
    return 0;
}

static PaDeviceIndex find_device(const char *spec, int output)
{
    int count = Pa_GetDeviceCount();
    if (!spec)
        return output ? Pa_GetDefaultOutputDevice() : Pa_GetDefaultInputDevice();
    char *end = NULL;
    long idx = strtol(spec, &end, 10);
    if (*spec && !*end) {
        if (idx < 0 || idx >= count)
            return paNoDevice;
        const PaDeviceInfo *d = Pa_GetDeviceInfo((PaDeviceIndex)idx);
        return d && (output ? d->maxOutputChannels : d->maxInputChannels) > 0
                   ? (PaDeviceIndex)idx : paNoDevice;
    }
    for (int i = 0; i < count; i++) {
        const PaDeviceInfo *d = Pa_GetDeviceInfo(i);
        if (d && (output ? d->maxOutputChannels : d->maxInputChannels) > 0 &&
            same_text_ci(d->name, spec))
            return i;
    }
    return paNoDevice;
}

static int on_output(const void *input, void *output, unsigned long frames,
                     const PaStreamCallbackTimeInfo *time, PaStreamCallbackFlags flags, void *user)
{
    (void)input;
    (void)time;
    audio_pa *p = user;
    atomic_store_explicit(&p->last_frames, frames, memory_order_relaxed);
    if (flags & paOutputUnderflow)
        atomic_fetch_add_explicit(&p->underruns, 1, memory_order_relaxed);
    int16_t *o = output;
    size_t got = queue_read(p->out_ring, o, frames);
    if (got > 0)
        atomic_store_explicit(&p->fed, true, memory_order_relaxed);
    if (got < frames) {
        memset(o + got, 0, (frames - got) * sizeof *o);
        atomic_fetch_add_explicit(&p->underruns, 1, memory_order_relaxed);
        if (atomic_load_explicit(&p->fed, memory_order_relaxed))
            atomic_fetch_add_explicit(&p->dry_frames, frames - got, memory_order_relaxed);
    }
    wake_engine(p); /* there is room now */
    return paContinue;
}

static int on_input(const void *input, void *output, unsigned long frames,
                    const PaStreamCallbackTimeInfo *time, PaStreamCallbackFlags flags, void *user)
{
    (void)output;
    (void)time;
    audio_pa *p = user;
    /* A full ring drops: the reader fell behind. Counted, as the driver's
     * own overflows are. */
    if (queue_write(p->in_ring, input, frames) < frames || (flags & paInputOverflow))
        atomic_fetch_add_explicit(&p->overflows, 1, memory_order_relaxed);
    wake_engine(p);
    return paContinue;
}

/* Opens and starts one direction at the shared rate. */
static int start_stream(audio_pa *p, PaStream **stream, const PaStreamParameters *in,
                        const PaStreamParameters *out, const char *name, fc_error *err)
{
    PaError e = Pa_OpenStream(stream, in, out, p->rate, paFramesPerBufferUnspecified, paNoFlag,
                              out ? on_output : on_input, p);
    const PaStreamParameters *sp = out ? out : in;
    const PaDeviceInfo *dev = e == paNoError ? Pa_GetDeviceInfo(sp->device) : NULL;
    const PaHostApiInfo *api = dev ? Pa_GetHostApiInfo(dev->hostApi) : NULL;
    /* On plain ALSA (a Pi without a sound server) the callback thread asks
     * for SCHED_FIFO; where RLIMIT_RTPRIO forbids it, PortAudio keeps the
     * normal policy. PulseAudio and PipeWire schedule their own. */
    if (api && api->type == paALSA)
        PaAlsa_EnableRealtimeScheduling(*stream, 1);
    if (e == paNoError)
        e = Pa_StartStream(*stream);
    if (e != paNoError)
        return fc_fail(err, FC_ERR_DEVICE, "cannot open audio device '%s': %s; is another "
                       "program using it? ('floorcoach devices' lists devices)", name,
                       Pa_GetErrorText(e));
    return FC_OK;
}

static void pa_close(void *state);

/* Drops whatever a ring holds (frames of up to AUDIO_CHANNELS_MAX samples). */
static void discard(queue_t *ring)
{
    int16_t drop[DROP_CHUNK * AUDIO_CHANNELS_MAX];
    while (queue_read(ring, drop, DROP_CHUNK) > 0) {
    }
}

/* A lost direction's stream aborted and closed, and whatever was queued
 * for or from it dropped, before it is started again. */
static void abort_stream(PaStream **stream, queue_t *ring)
{
    if (*stream) {
        Pa_AbortStream(*stream);
        Pa_CloseStream(*stream);
        *stream = NULL;
    }
    discard(ring);
}

/* One direction's stream parameters: mono 16-bit on the named device (NULL:
 * the default one). */
static int pick_device(const char *name, bool output, PaStreamParameters *sp,
                       const PaDeviceInfo **info, fc_error *err)
{
    memset(sp, 0, sizeof *sp);
    sp->device = find_device(name, output);
    if (sp->device == paNoDevice) {
        if (output && name)
            return fc_fail(err, FC_ERR_DEVICE, "no audio output device matches '%s'; run "
                           "'floorcoach devices' to list them, or render to a file with --out "
                           "FILE.wav", name);
        if (output)
            return fc_fail(err, FC_ERR_DEVICE, "no audio output device found on this machine; "
                           "render to a file instead: floorcoach run --out session.wav");
        if (name)
            return fc_fail(err, FC_ERR_DEVICE, "no audio input device matches '%s'; run "
                           "'floorcoach devices' to list them, or use a file with --mic "
                           "FILE.wav", name);
        return fc_fail(err, FC_ERR_DEVICE, "no microphone found on this machine; plug one in, "
                       "use a recording with --mic FILE.wav, or run with --no-listen (the keys "
                       "n, r, p and s still work)");
    }
    *info = Pa_GetDeviceInfo(sp->device);
    sp->channelCount = 1;
    sp->sampleFormat = paInt16;
    sp->suggestedLatency = output ? (*info)->defaultHighOutputLatency
                                  : (*info)->defaultHighInputLatency;
    return FC_OK;
}

/* Channel counts to try for capture: mono where the device (or ALSA's
 * plug or PulseAudio) mixes for us, else as many as the HAT has, up to
 * AUDIO_CHANNELS_MAX; a chosen channel needs at least that many. */
static int channel_choices(const PaDeviceInfo *id, int channel, int choice[2])
{
    int most = id->maxInputChannels < AUDIO_CHANNELS_MAX ? id->maxInputChannels
                                                         : AUDIO_CHANNELS_MAX;
    int n = 0;
    choice[n++] = channel > 0 ? channel : 1;
    if (most > choice[0])
        choice[n++] = most;
    return n;
}

static bool rate_works(const PaStreamParameters *op, PaStreamParameters *ip,
                       const PaDeviceInfo *id, int channel, double rate)
{
    if (op && Pa_IsFormatSupported(NULL, op, rate) != paFormatIsSupported)
        return false;
    if (!ip)
        return true;
    int choice[2], n = channel_choices(id, channel, choice);
    for (int i = 0; i < n; i++) {
        ip->channelCount = choice[i];
        if (Pa_IsFormatSupported(ip, NULL, rate) == paFormatIsSupported)
            return true;
    }
    return false;
}

/* The device's own rate: a 16 kHz stream through ALSA's PulseAudio plugin
 * was seen to stall, and many USB microphones offer nothing else. Sets the
 * capture's channel count too. */
static int pick_rate(const PaStreamParameters *op, const PaDeviceInfo *od,
                     PaStreamParameters *ip, const PaDeviceInfo *id, int channel, fc_error *err)
{
    double rates[] = {od ? od->defaultSampleRate : id->defaultSampleRate, 48000, 44100};
    if (ip && channel > id->maxInputChannels)
        return fc_fail(err, FC_ERR_DEVICE, "audio input '%s' has %d channels, so there is no "
                       "channel %d; choose 1 to %d, or mix them", id->name,
                       id->maxInputChannels, channel, id->maxInputChannels);
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++)
        if (rate_works(op, ip, id, channel, rates[i]))
            return (int)rates[i];
    return fc_fail(err, FC_ERR_DEVICE, "audio device '%s' supports none of %g, 48000 or "
                   "44100 Hz 16-bit", od ? od->name : id->name, rates[0]);
}

/* The queues between the callbacks and the engine, and the resamplers. */
static int make_buffers(audio_pa *p, bool want_out, bool want_in, int lead_ms)
{
    size_t lead = (size_t)p->rate * (size_t)(lead_ms > 0 ? lead_ms : DEFAULT_LEAD_MS) / 1000;
    if (want_out && (!(p->out_ring = queue_create(sizeof(int16_t), lead)) ||
                     resampler_create(FC_RATE, p->rate, RESAMPLE_QUALITY, &p->to_dev) < 0))
        return FC_ERR_NOMEM;
    size_t frame = sizeof(int16_t) * (size_t)p->in_channels;
    if (want_in && (!(p->in_ring = queue_create(frame, (size_t)p->rate)) ||
                    resampler_create(p->rate, FC_RATE, RESAMPLE_QUALITY, &p->from_dev) < 0))
        return FC_ERR_NOMEM;
    p->dev_cap = (size_t)p->rate;
    p->dev_buf = malloc(p->dev_cap * sizeof *p->dev_buf);
    if (want_in && !(p->in_frames = malloc(p->dev_cap * frame)))
        return FC_ERR_NOMEM;
    p->in_cap = FC_RATE;
    p->in_fifo = malloc(p->in_cap * sizeof *p->in_fifo);
    return p->dev_buf && p->in_fifo ? FC_OK : FC_ERR_NOMEM;
}

static int pa_open(const audio_endpoint *out_ep, const audio_endpoint *in_ep, int lead_ms,
                   void **state, fc_error *err)
{
    int rc = FC_ERR_DEVICE;
    PaStreamParameters op, ip;
    const PaDeviceInfo *od = NULL, *id = NULL;
    audio_pa *p = calloc(1, sizeof *p);
    *state = NULL;
    if (!p || sem_init(&p->wake, 0, 0) != 0) {
        free(p);
        return fc_fail(err, FC_ERR_NOMEM, "out of memory opening the audio device");
    }
    p->wake_made = true;
    PaError e = init_quietly();
    if (e != paNoError) {
        fc_fail(err, rc, "PortAudio could not start: %s", Pa_GetErrorText(e));
        goto fail;
    }
    p->initialized = 1;
    if ((out_ep && (rc = pick_device(out_ep->name, true, &op, &od, err)) < 0) ||
        (in_ep && (rc = pick_device(in_ep->name, false, &ip, &id, err)) < 0))
        goto fail;
    const PaStreamParameters *opp = out_ep ? &op : NULL, *ipp = in_ep ? &ip : NULL;
    PaStreamParameters *ipw = in_ep ? &ip : NULL;
    p->in_channel = in_ep ? in_ep->channel : 0;
    if ((rc = p->rate = pick_rate(opp, od, ipw, id, p->in_channel, err)) < 0)
        goto fail;
    p->in_channels = in_ep ? ip.channelCount : 1;
    if ((rc = make_buffers(p, out_ep != NULL, in_ep != NULL, lead_ms)) < 0)
        goto fail;
    /* Capture first: the output stream starting is what starts the clock
     * that everything else follows. */
    if (ipp) {
        p->in_params = ip;
        snprintf(p->in_name, sizeof p->in_name, "%s", id->name);
    }
    if (opp) {
        p->out_params = op;
        snprintf(p->out_name, sizeof p->out_name, "%s", od->name);
    }
    if ((ipp && (rc = start_stream(p, &p->in_stream, ipp, NULL, id->name, err)) < 0) ||
        (opp && (rc = start_stream(p, &p->out_stream, NULL, opp, od->name, err)) < 0))
        goto fail;
    *state = p;
    return FC_OK;
fail:
    fc_fail_default(err, rc, "out of memory opening the audio device");
    pa_close(p);
    return rc;
}

/* Hands out[0..n) to the output callback, waiting for room: the device's
 * clock paces the session here. A speaker that takes nothing for STALL_NS
 * is lost (audio_output_lost): the rest is dropped. */
static void play(audio_pa *p, const int16_t *out, size_t n)
{
    size_t len = resampler_process(p->to_dev, out, n, p->dev_buf, p->dev_cap);
    size_t done = 0;
    int64_t since = now_ns();
    bool running = atomic_load_explicit(&p->last_frames, memory_order_relaxed) > 0;
    int64_t limit = running ? STALL_NS : STALL_NS + START_GRACE_NS;
    while (done < len) {
        size_t w = queue_write(p->out_ring, p->dev_buf + done, len - done);
        if (w == 0) {
            atomic_store(&p->waiting, 1);
            if ((w = queue_write(p->out_ring, p->dev_buf + done, len - done)) == 0)
                wait_for_device(p, WAIT_SLICE_NS);
            atomic_store(&p->waiting, 0);
        }
        done += w;
        if (w) {
            since = now_ns();
        } else if (now_ns() - since >= limit) {
            p->out_lost = true;
            return;
        }
    }
}

/* With no speaker to pace it (none, or lost), the microphone is the clock:
 * waits for capture, but no longer than one block of real time (the
 * monotonic clock then paces it, so that a lost microphone is noticed). */
static void wait_paced(audio_pa *p, size_t n)
{
    int64_t block = (int64_t)n * 1000000000LL / FC_RATE, now = now_ns();
    if (p->due_ns < now)
        p->due_ns = now;
    p->due_ns += block;
    atomic_store(&p->waiting, 1);
    while ((!p->in_ring || queue_readable(p->in_ring) == 0) && (now = now_ns()) < p->due_ns)
        wait_for_device(p, p->due_ns - now);
    atomic_store(&p->waiting, 0);
}

/* Capture arrives in the device's own bursts: moves what is there to the
 * 16 kHz fifo, never waiting for more, or the output would starve. */
static void take_capture(audio_pa *p)
{
    size_t avail = queue_readable(p->in_ring);
    while (avail > 0) {
        size_t take = avail < p->dev_cap ? avail : p->dev_cap;
        size_t room = p->in_cap - p->in_n;
        size_t fits = room * (size_t)p->rate / FC_RATE;
        if (fits <= FIFO_SLACK)
            break;
        if (take > fits - FIFO_SLACK)
            take = fits - FIFO_SLACK;
        take = queue_read(p->in_ring, p->in_frames, take);
        audio_downmix(p->in_frames, take, p->in_channels, p->in_channel, p->dev_buf);
        p->in_n += resampler_process(p->from_dev, p->dev_buf, take, p->in_fifo + p->in_n, room);
        avail -= take;
    }
}

/* Gives the caller up to cap samples of the fifo. */
static size_t give_capture(audio_pa *p, int16_t *in, size_t cap)
{
    size_t have = p->in_n - p->in_pos;
    size_t give = have < cap ? have : cap;
    memcpy(in, p->in_fifo + p->in_pos, give * sizeof *in);
    p->in_pos += give;
    if (p->in_pos == p->in_n)
        p->in_pos = p->in_n = 0;
    else if (p->in_pos > p->in_cap / 2) {
        memmove(p->in_fifo, p->in_fifo + p->in_pos, (p->in_n - p->in_pos) * sizeof *in);
        p->in_n -= p->in_pos;
        p->in_pos = 0;
    }
    return give;
}

/* The silence the speaker played since the last look, in session samples:
 * looked at before each block is queued, so it all came before that block
 * (the ring had run dry: everything queued earlier had played). */
static void take_gap(audio_pa *p)
{
    uint64_t dry = atomic_load_explicit(&p->dry_frames, memory_order_relaxed);
    int64_t scaled = p->dry_rem + (int64_t)(dry - p->dry_seen) * FC_RATE;
    p->dry_seen = dry;
    p->gap += scaled / p->rate;
    p->dry_rem = scaled % p->rate;
}

static int pa_exchange(void *state, const int16_t *out, size_t n, int16_t *in, size_t cap,
                       size_t *got, fc_error *err)
{
    audio_pa *p = state;
    (void)err;
    *got = 0;
    if (!p->started && p->in_ring) {
        /* Capture that arrived while the output was still opening belongs
         * to no output sample: drop it, so both count from here and the
         * echo of output sample i arrives at capture sample i plus the
         * playback and capture latencies, a small positive delay. */
        discard(p->in_ring);
    }
    p->started = true;
    bool speaker = p->out_ring && !p->out_lost;
    if (speaker && out) {
        take_gap(p);
        play(p, out, n);
    }
    if (p->in_ring)
        take_capture(p);
    if ((!speaker || !out) && p->in_n == p->in_pos) {
        /* Input only, whatever the caller passes as out: wait for it. */
        wait_paced(p, n);
        if (p->in_ring)
            take_capture(p);
    } else if (p->in_n > p->in_pos) {
        p->due_ns = now_ns(); /* the capture is the clock */
    }
    if (p->in_ring)
        *got = give_capture(p, in, cap);
    return FC_OK;
}

/* The same microphone, opened again: ALSA (and PortAudio over it) opens
 * a device by its name, so one that comes back under that name is found. */
static int pa_reopen_input(void *state, fc_error *err)
{
    audio_pa *p = state;
    if (!p->in_ring)
        return FC_OK;
    p->in_pos = p->in_n = 0;
    abort_stream(&p->in_stream, p->in_ring);
    return start_stream(p, &p->in_stream, &p->in_params, NULL, p->in_name, err);
}

static int64_t pa_take_output_gap(void *state)
{
    audio_pa *p = state;
    int64_t gap = p->gap;
    p->gap = 0;
    return gap;
}

static bool pa_output_lost(const void *state)
{
    const audio_pa *p = state;
    return p->out_ring && p->out_lost;
}

/* The same speaker, opened again, with nothing stale queued for it. */
static int pa_reopen_output(void *state, fc_error *err)
{
    audio_pa *p = state;
    atomic_store(&p->last_frames, 0); /* the new stream's start grace */
    abort_stream(&p->out_stream, p->out_ring);
    /* The old stream's silence was the loss, not a gap to make up (the
     * echo is measured again); the new one counts from its first sample. */
    atomic_store(&p->fed, false);
    p->dry_seen = atomic_load(&p->dry_frames);
    p->dry_rem = p->gap = 0;
    int rc = start_stream(p, &p->out_stream, NULL, &p->out_params, p->out_name, err);
    if (rc == FC_OK)
        p->out_lost = false;
    return rc;
}

static void pa_xruns(const void *state, audio_xruns *x)
{
    const audio_pa *p = state;
    x->underruns = atomic_load(&p->underruns);
    x->overflows = atomic_load(&p->overflows);
    x->driver_messages = atomic_load(&alsa_messages);
    x->gap_ms = atomic_load(&p->dry_frames) * 1000 / (uint64_t)p->rate;
}

static void pa_close(void *state)
{
    audio_pa *p = state;
    if (!p)
        return;
    if (getenv("FLOORCOACH_DEBUG"))
        fprintf(stderr, "audio: %llu output underruns, %lu frames per callback\n",
                (unsigned long long)atomic_load(&p->underruns), atomic_load(&p->last_frames));
    if (p->out_stream) {
        /* Let what is queued play out, so the last word is not clipped. */
        int64_t since = now_ns();
        atomic_store(&p->waiting, 1);
        while (queue_readable(p->out_ring) > 0 && now_ns() - since < DRAIN_NS &&
               !p->out_lost)
            wait_for_device(p, WAIT_SLICE_NS);
        atomic_store(&p->waiting, 0);
        Pa_StopStream(p->out_stream);
        Pa_CloseStream(p->out_stream);
    }
    if (p->in_stream) {
        Pa_StopStream(p->in_stream);
        Pa_CloseStream(p->in_stream);
    }
    if (p->initialized)
        Pa_Terminate();
    if (p->wake_made)
        sem_destroy(&p->wake); /* the streams are closed: no callback posts now */
    queue_destroy(p->out_ring);
    queue_destroy(p->in_ring);
    resampler_destroy(p->to_dev);
    resampler_destroy(p->from_dev);
    free(p->dev_buf);
    free(p->in_fifo);
    free(p->in_frames);
    free(p);
}

static bool pa_input_ended(const void *state)
{
    (void)state;
    return false; /* a microphone never ends */
}

const audio_backend audio_pa_backend = {
    .name = "portaudio",
    .realtime = true,
    .open = pa_open,
    .exchange = pa_exchange,
    .input_ended = pa_input_ended,
    .reopen_input = pa_reopen_input,
    .take_output_gap = pa_take_output_gap,
    .output_lost = pa_output_lost,
    .reopen_output = pa_reopen_output,
    .xruns = pa_xruns,
    .close = pa_close,
};

int audio_pa_list(FILE *fp)
{
    if (init_quietly() != paNoError)
        return FC_ERR_DEVICE;
    int count = Pa_GetDeviceCount();
    PaDeviceIndex def_out = Pa_GetDefaultOutputDevice(), def_in = Pa_GetDefaultInputDevice();
    if (count <= 0)
        fprintf(fp, "no audio devices found\n");
    for (int i = 0; i < count; i++) {
        const PaDeviceInfo *d = Pa_GetDeviceInfo(i);
        if (!d)
            continue;
        fprintf(fp, "%3d  %-40s in:%-2d out:%-2d %6.0f Hz%s%s\n", i, d->name,
                d->maxInputChannels, d->maxOutputChannels, d->defaultSampleRate,
                i == def_in ? "  [default input]" : "", i == def_out ? "  [default output]" : "");
    }
    Pa_Terminate();
    return FC_OK;
}
