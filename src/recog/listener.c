#include "listener.h"

#include "echo_delay.h"
#include "fc_error.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define QUEUE 64          /* heard words waiting for the engine */
#define BLOCK FC_FRAME   /* samples per audio slot: the engine's block */
#define SLOTS 400         /* 4 s of audio the recogniser may fall behind by */
#define HISTORY 1024      /* frames of energy kept: 10 s */
/* The echo gate. While the coach talks, a word is only believed if the
 * cleaned microphone carried at least a share of the energy the speaker
 * played over the same stretch (at the echo path's delay). A user who speaks
 * over the coach stays within about 10 dB of it; the canceller's residual
 * sits at minus its current echo return loss enhancement (ERLE), which starts
 * near 0 dB and grows to 30-50 dB as it converges. So the line is drawn
 * GATE_MARGIN_DB above the residual, and never lower than GATE_MIN_DB nor
 * higher than GATE_MAX_DB: strict while the canceller learns, then open. */
#define GATE_MARGIN_DB 8.0
#define GATE_MIN_DB (-20.0)
#define GATE_MAX_DB (-3.0)
#define ERLE_SMOOTHING 0.02 /* per frame: a time constant of 0.5 s */
#define GATE_SPREAD 5     /* frames either side of the echo delay (reverberation, jitter) */
/* Echo delay measurement on devices: over the first MEASURE_FRAMES frames of
 * narration, lags up to MAX_LAG frames; until it is known, no word spoken
 * while the coach talks is believed (the canceller may not be aligned). */
#define MEASURE_FRAMES 200
#define MAX_LAG 100
#define MIN_CONFIDENCE 0.6
/* Then it is tracked: re-estimated over every further MEASURE_FRAMES of
 * narration, because it can change mid-session (PulseAudio moving a stream
 * to another device, a Bluetooth speaker renegotiating, an underrun that
 * shifts the capture against the playback).  Envelope estimates jitter by a
 * few frames, so a change counts only beyond RETRACK_TOLERANCE frames and
 * when two estimates in a row agree on it: the user talking over the coach
 * can spoil one. */
#define RETRACK_TOLERANCE 3
/* The canceller's 200 ms filter (20 frames) is centred on the delay; it is
 * only rebuilt when the echo drifts this many frames past its first half,
 * or this close to its start, since rebuilding forgets all it has learnt. */
#define FILTER_EDGE 3
#define QUIET_REF 1.0e4   /* mean square below this (-50 dBFS): the coach is silent */
#define REF_HISTORY 32768 /* samples of played output kept: 2 s, a power of two */

/* Indices of a single-producer single-consumer queue of fixed slots. Each
 * slot carries its own session time, so audio dropped when the recogniser
 * falls behind never shifts the times of what it hears afterwards. */
typedef struct {
    _Atomic uint32_t head; /* written by the producer */
    _Atomic uint32_t tail; /* written by the consumer */
} spsc;

static int spsc_slot_to_write(spsc *q, uint32_t cap, uint32_t *slot)
{
    uint32_t head = atomic_load_explicit(&q->head, memory_order_relaxed);
    if (head - atomic_load_explicit(&q->tail, memory_order_acquire) == cap)
        return 0;
    *slot = head % cap;
    return 1;
}

static void spsc_written(spsc *q)
{
    atomic_store_explicit(&q->head, atomic_load_explicit(&q->head, memory_order_relaxed) + 1,
                          memory_order_release);
}

static int spsc_slot_to_read(spsc *q, uint32_t cap, uint32_t *slot)
{
    uint32_t tail = atomic_load_explicit(&q->tail, memory_order_relaxed);
    if (tail == atomic_load_explicit(&q->head, memory_order_acquire))
        return 0;
    *slot = tail % cap;
    return 1;
}

static void spsc_read(spsc *q)
{
    atomic_store_explicit(&q->tail, atomic_load_explicit(&q->tail, memory_order_relaxed) + 1,
                          memory_order_release);
}

typedef struct {
    int64_t at;
    int16_t mic[BLOCK];
    int16_t ref[BLOCK];
} slot;

struct listener {
    asr_t *asr;
    aec_t *aec;
    /* Engine side: played output by session sample, and the microphone
     * frame being filled. */
    int16_t ref_hist[REF_HISTORY];
    int64_t ref_end;  /* one past the last played sample recorded */
    int ref_advance;  /* see listener_create() */
    slot part;
    size_t part_n;
    bool gate;
    /* Mean square per frame of the cleaned mic, the raw mic and the
     * reference, by session frame number modulo HISTORY. */
    double mic_e[HISTORY], raw_e[HISTORY], ref_e[HISTORY];
    int64_t last_frame;
    /* Echo delay in frames; -1 while it is being measured. */
    aec_config aec_cfg;
    int lag;
    int candidate;           /* a changed delay seen once, awaiting confirmation; -1: none */
    int aec_offset;          /* frames: the canceller's delay line (its filter starts there) */
    int64_t measured_frames; /* narration frames since the last estimate */
    /* Smoothed energy of the microphone before and after the canceller, over
     * frames where the coach's echo is arriving: their ratio is the ERLE. */
    double echo_raw, echo_clean;
    double env_mic[MEASURE_FRAMES + MAX_LAG], env_ref[MEASURE_FRAMES + MAX_LAG];
    bool tracking; /* the echo delay is measured and tracked (devices) */
    bool debug; /* FLOORCOACH_DEBUG: explain echo decisions on stderr */
    bool threaded;
    asr_heard heard[QUEUE];
    spsc heard_q;
    /* Threaded mode only. */
    slot *slots;
    spsc audio_q;
    pthread_t thread;
    bool thread_started;
    _Atomic bool quit;
    _Atomic bool busy;
    _Atomic uint64_t dropped;
    _Atomic int error;
};

static void post(listener_t *l, const asr_heard *h, int n)
{
    uint32_t i;
    /* A full queue means the engine stopped polling; nothing useful to do. */
    for (int k = 0; k < n && spsc_slot_to_write(&l->heard_q, QUEUE, &i); k++) {
        l->heard[i] = h[k];
        spsc_written(&l->heard_q);
    }
}

static double mean_square(const int16_t *x)
{
    double sum = 0;
    for (int i = 0; i < BLOCK; i++)
        sum += (double)x[i] * x[i];
    return sum / BLOCK;
}

static double db(double mean_square) { return 10 * log10(mean_square + 1.0); }

/* The share of played energy (as a power ratio) that a frame or a word must
 * reach after echo cancelling to count as the user, for the current ERLE. */
static double gate_ratio(const listener_t *l)
{
    double erle = l->echo_clean > 0 ? 10 * log10(l->echo_raw / l->echo_clean) : 0;
    double gate = -erle + GATE_MARGIN_DB;
    gate = gate < GATE_MIN_DB ? GATE_MIN_DB : gate > GATE_MAX_DB ? GATE_MAX_DB : gate;
    return pow(10, gate / 10);
}

static void track_erle(listener_t *l, int64_t frame)
{
    int64_t echo_frame = frame - (l->lag < 0 ? 0 : l->lag);
    if (l->lag < 0 || echo_frame < 0 || l->ref_e[echo_frame % HISTORY] < 10 * QUIET_REF)
        return;
    double raw = l->raw_e[frame % HISTORY], clean = l->mic_e[frame % HISTORY];
    /* The user talking over the coach makes this frame's ratio look like no
     * cancelling at all; learning from it would close the gate on them. */
    if (l->echo_clean > 0 && clean * l->echo_raw > 4 * raw * l->echo_clean)
        return;
    l->echo_raw += ERLE_SMOOTHING * (raw - l->echo_raw);
    l->echo_clean += ERLE_SMOOTHING * (clean - l->echo_clean);
}

/* Is the word louder, after echo cancelling, than the coach's own residual
 * could be? Always true while the coach is silent. */
static bool passes_gate(const listener_t *l, const asr_heard *h)
{
    int64_t first = h->start / BLOCK, last = (h->end - 1) / BLOCK;
    if (last < first)
        last = first;
    /* Where the echo of the word's stretch was played: at the measured delay,
     * or anywhere in the last MAX_LAG frames while it is unknown. */
    int64_t ref_first = first - (l->lag < 0 ? MAX_LAG : l->lag + GATE_SPREAD);
    int64_t ref_last = last - (l->lag < 0 ? 0 : l->lag - GATE_SPREAD);
    if (l->last_frame - ref_first >= HISTORY || last > l->last_frame)
        return true; /* outside what we remember: do not second-guess */
    double mic = 0, ref = 0;
    for (int64_t f = first; f <= last; f++)
        mic += l->mic_e[f % HISTORY];
    for (int64_t f = ref_first; f <= ref_last; f++)
        ref += f >= 0 ? l->ref_e[f % HISTORY] : 0;
    mic /= (double)(last - first + 1);
    ref /= (double)(ref_last - ref_first + 1);
    if (ref < QUIET_REF)
        return true;
    return l->lag >= 0 && mic >= ref * gate_ratio(l);
}

/* The canceller leaves the coach's voice some 30 dB down, which on a quiet
 * microphone is still loud enough to open the recogniser's voice detector
 * and to swallow a real command into one long segment of "speech". A frame
 * whose energy is what residual echo could be (under the gate, relative to
 * what was played around the echo delay) is attenuated a further 30 dB; the
 * user's voice over the coach stays above that line and passes untouched. */
static void suppress_residual(listener_t *l, int64_t frame, int16_t *mic)
{
    int lag = l->lag < 0 ? MAX_LAG : l->lag;
    int spread = l->lag < 0 ? MAX_LAG : 2 * GATE_SPREAD;
    double loudest = 0;
    for (int64_t f = frame - lag - spread; f <= frame - (l->lag < 0 ? 0 : l->lag); f++)
        if (f >= 0 && l->ref_e[f % HISTORY] > loudest)
            loudest = l->ref_e[f % HISTORY];
    if (loudest < QUIET_REF || l->mic_e[frame % HISTORY] >= loudest * gate_ratio(l))
        return;
    for (int i = 0; i < BLOCK; i++)
        mic[i] = (int16_t)(mic[i] / 32);
    l->mic_e[frame % HISTORY] /= 1024;
}

/* Rebuilds the canceller with its filter centred on `lag`, unless the
 * filter already covers it. */
static void align_canceller(listener_t *l, int lag)
{
    int filter = (int)(l->aec_cfg.filter_ms / 10);
    /* The direct echo must land early enough in the filter to leave room
     * for the room's reverberation after it. */
    if (lag >= l->aec_offset + FILTER_EDGE && lag <= l->aec_offset + filter / 2 + FILTER_EDGE)
        return; /* keep what it has learnt */
    int offset = lag > filter / 2 ? lag - filter / 2 : 0;
    if (offset == l->aec_offset)
        return;
    aec_config cfg = l->aec_cfg;
    cfg.ref_delay = offset * BLOCK;
    aec_t *aligned = NULL;
    if (aec_create(&cfg, &aligned) < 0)
        return; /* keep the old one; the next estimate tries again */
    aec_destroy(l->aec);
    l->aec = aligned;
    l->aec_offset = offset;
    /* The new filter has learnt nothing yet: the gate must not keep
     * trusting the old one's echo return loss. */
    l->echo_raw = l->echo_clean = 0;
}

/* On a device pair: once enough narration has been played, find the echo
 * delay and align the canceller to it; then keep checking it. */
static void track_delay(listener_t *l, int64_t frame)
{
    if (l->ref_e[frame % HISTORY] >= QUIET_REF)
        l->measured_frames++;
    if (l->measured_frames < MEASURE_FRAMES || frame < MEASURE_FRAMES + MAX_LAG ||
        frame % 50 != 0)
        return;
    size_t n = MEASURE_FRAMES + MAX_LAG;
    for (size_t i = 0; i < n; i++) {
        int64_t f = frame - (int64_t)n + 1 + (int64_t)i;
        l->env_mic[i] = db(l->raw_e[f % HISTORY]);
        l->env_ref[i] = db(l->ref_e[f % HISTORY]);
    }
    double confidence;
    int lag = echo_delay_estimate(l->env_mic, l->env_ref, n, MAX_LAG, &confidence);
    if (l->debug)
        fprintf(stderr, "listener: echo delay candidate %d ms (correlation %.2f)\n", lag * 10,
                confidence);
    if (lag < 0 || confidence < MIN_CONFIDENCE)
        return; /* try again at the next check */
    l->measured_frames = 0;
    if (l->lag >= 0) {
        if (abs(lag - l->lag) <= RETRACK_TOLERANCE) {
            l->candidate = -1;
            return;
        }
        if (l->candidate < 0 || abs(lag - l->candidate) > RETRACK_TOLERANCE) {
            l->candidate = lag;
            return;
        }
    }
    l->candidate = -1;
    align_canceller(l, lag);
    if (l->debug)
        fprintf(stderr, "listener: echo delay %s%d ms (correlation %.2f)\n",
                l->lag >= 0 ? "changed to " : "", lag * 10, confidence);
    l->lag = lag;
}

static int recognise(listener_t *l, int64_t at, int16_t *mic, const int16_t *ref)
{
    asr_heard heard[8];
    int64_t frame = at / BLOCK;
    l->raw_e[frame % HISTORY] = mean_square(mic);
    l->ref_e[frame % HISTORY] = mean_square(ref);
    if (l->tracking)
        track_delay(l, frame);
    if (l->aec)
        aec_process(l->aec, mic, ref, mic);
    l->mic_e[frame % HISTORY] = mean_square(mic);
    l->last_frame = frame;
    if (l->gate) {
        track_erle(l, frame);
        suppress_residual(l, frame, mic);
        if (l->debug && frame % 200 == 0)
            fprintf(stderr, "listener: %.0f s: echo return loss enhancement %.1f dB\n",
                    frame / 100.0, l->echo_clean > 0 ? db(l->echo_raw) - db(l->echo_clean) : 0);
    }
    int got = asr_process(l->asr, at, mic, BLOCK, heard, 8);
    if (got < 0)
        return got;
    int kept = 0;
    for (int i = 0; i < got; i++) {
        if (!l->gate || passes_gate(l, &heard[i]))
            heard[kept++] = heard[i];
        else if (l->debug)
            fprintf(stderr, "listener: '%s' at %.3f s taken for the coach's own voice "
                    "(gate %.1f dB)\n", fc_command_name(heard[i].word), heard[i].t / 16000.0,
                    10 * log10(gate_ratio(l)));
    }
    post(l, heard, kept);
    return FC_OK;
}

static void nap(void)
{
    struct timespec ts = {0, 2000000};
    nanosleep(&ts, NULL);
}

static void *run(void *arg)
{
    listener_t *l = arg;
    uint32_t i;
    for (;;) {
        atomic_store(&l->busy, true);
        if (spsc_slot_to_read(&l->audio_q, SLOTS, &i)) {
            int rc = recognise(l, l->slots[i].at, l->slots[i].mic, l->slots[i].ref);
            if (rc < 0)
                atomic_store(&l->error, rc);
            spsc_read(&l->audio_q);
            continue;
        }
        atomic_store(&l->busy, false);
        if (atomic_load(&l->quit))
            break;
        nap(); /* waiting for audio, not keeping time */
    }
    return NULL;
}

int listener_create(const asr_config *cfg, const aec_config *aec, bool threaded,
                    int ref_advance, listener_t **out, fc_error *err)
{
    int rc = FC_ERR_NOMEM;
    listener_t *l = calloc(1, sizeof *l);
    *out = NULL;
    if (!l)
        return fc_fail(err, rc, "out of memory starting the listener");
    l->threaded = threaded;
    l->ref_advance = ref_advance;
    l->debug = getenv("FLOORCOACH_DEBUG") != NULL;
    if ((rc = asr_create(cfg, &l->asr, err)) < 0)
        goto fail;
    if (aec && (rc = aec_create(aec, &l->aec)) < 0)
        goto fail;
    l->gate = aec && aec->echo;
    if (aec)
        l->aec_cfg = *aec;
    /* A negative reference delay asks for it to be measured and tracked;
     * the canceller then starts with no delay line. */
    l->tracking = aec && aec->echo && aec->ref_delay < 0;
    l->lag = l->tracking ? -1 : 0;
    l->candidate = -1;
    if (aec && aec->ref_delay > 0)
        l->lag = l->aec_offset = aec->ref_delay / BLOCK;
    if (threaded) {
        rc = FC_ERR_NOMEM;
        if (!(l->slots = calloc(SLOTS, sizeof *l->slots)))
            goto fail;
        if (pthread_create(&l->thread, NULL, run, l) != 0)
            goto fail;
        l->thread_started = true;
    }
    *out = l;
    return FC_OK;
fail:
    fc_fail_default(err, rc, "the listener could not start: %s", fc_strerror(rc));
    listener_destroy(l);
    return rc;
}

void listener_destroy(listener_t *l)
{
    if (!l)
        return;
    if (l->thread_started) {
        atomic_store(&l->quit, true);
        pthread_join(l->thread, NULL);
    }
    if (l->debug && atomic_load(&l->dropped))
        fprintf(stderr, "listener: %llu samples dropped: the recogniser fell behind\n",
                (unsigned long long)atomic_load(&l->dropped));
    free(l->slots);
    aec_destroy(l->aec);
    asr_destroy(l->asr);
    free(l);
}

int listener_echo_delay_ms(const listener_t *l)
{
    return l->lag < 0 ? -1 : l->lag * 10;
}

void listener_played(listener_t *l, int64_t at, const int16_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        l->ref_hist[(uint64_t)(at + (int64_t)i) % REF_HISTORY] = out[i];
    l->ref_end = at + (int64_t)n;
}

/* The reference for a full frame: what was played at the same samples, or
 * silence where nothing was (before the start, or not yet recorded). */
static void fill_ref(const listener_t *l, slot *sl)
{
    for (int i = 0; i < BLOCK; i++) {
        int64_t t = sl->at + i + l->ref_advance;
        bool known = t >= 0 && t < l->ref_end && l->ref_end - t <= REF_HISTORY;
        sl->ref[i] = known ? l->ref_hist[(uint64_t)t % REF_HISTORY] : 0;
    }
}

static int frame_ready(listener_t *l)
{
    fill_ref(l, &l->part);
    if (!l->threaded)
        return recognise(l, l->part.at, l->part.mic, l->part.ref);
    uint32_t i;
    if (!spsc_slot_to_write(&l->audio_q, SLOTS, &i)) {
        atomic_fetch_add(&l->dropped, BLOCK);
        return FC_OK;
    }
    l->slots[i] = l->part;
    spsc_written(&l->audio_q);
    return FC_OK;
}

int listener_push(listener_t *l, int64_t at, const int16_t *mic, size_t n)
{
    for (size_t off = 0; off < n;) {
        if (l->part_n == 0)
            l->part.at = at + (int64_t)off;
        size_t take = BLOCK - l->part_n < n - off ? BLOCK - l->part_n : n - off;
        memcpy(l->part.mic + l->part_n, mic + off, take * sizeof *mic);
        l->part_n += take;
        off += take;
        if (l->part_n == BLOCK) {
            l->part_n = 0;
            int rc = frame_ready(l);
            if (rc < 0)
                return rc;
        }
    }
    return atomic_load(&l->error);
}

int listener_poll(listener_t *l, asr_heard *out)
{
    uint32_t i;
    if (!spsc_slot_to_read(&l->heard_q, QUEUE, &i))
        return 0;
    *out = l->heard[i];
    spsc_read(&l->heard_q);
    return 1;
}

void listener_flush(listener_t *l)
{
    uint32_t i;
    if (!l->threaded)
        return;
    while (spsc_slot_to_read(&l->audio_q, SLOTS, &i) || atomic_load(&l->busy))
        nap();
}
