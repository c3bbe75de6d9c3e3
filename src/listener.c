#include "listener.h"

#include "fc_error.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define QUEUE 64          /* heard words waiting for the engine */
#define BLOCK AEC_FRAME   /* samples per audio slot: the engine's block */
#define SLOTS 400         /* 4 s of audio the recogniser may fall behind by */
#define HISTORY 512       /* frames of energy kept for the echo gate: 5.1 s */
/* The echo gate. While the coach talks, a word is only believed if the
 * cleaned microphone carried at least this share of the energy the speaker
 * played over the same stretch (plus the echo path's delay). The canceller
 * leaves its own voice some 30 dB down, while a user who speaks over it stays
 * within about 10 dB of it, so -20 dB splits the two with margin both ways. */
#define GATE_DB (-20.0)
#define GATE_LOOKBACK 25  /* frames (250 ms): the longest echo path considered */
#define QUIET_REF 1.0e4   /* mean square below this (-50 dBFS): the coach is silent */

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
    bool gate;
    /* Mean square per frame of the cleaned mic and of the reference, by
     * session frame number modulo HISTORY. */
    double mic_e[HISTORY], ref_e[HISTORY];
    int64_t last_frame;
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

/* Is the word louder, after echo cancelling, than the coach's own residual
 * could be? Always true while the coach is silent. */
static bool passes_gate(const listener_t *l, const asr_heard *h)
{
    int64_t first = h->start / BLOCK, last = (h->end - 1) / BLOCK;
    if (last < first)
        last = first;
    if (l->last_frame - first >= HISTORY - GATE_LOOKBACK || last > l->last_frame)
        return true; /* outside what we remember: do not second-guess */
    double mic = 0, ref = 0;
    for (int64_t f = first; f <= last; f++)
        mic += l->mic_e[f % HISTORY];
    for (int64_t f = first - GATE_LOOKBACK; f <= last; f++)
        ref += f >= 0 ? l->ref_e[f % HISTORY] : 0;
    mic /= (double)(last - first + 1);
    ref /= (double)(last - first + 1 + GATE_LOOKBACK);
    return ref < QUIET_REF || mic >= ref * pow(10, GATE_DB / 10);
}

static int recognise(listener_t *l, int64_t at, int16_t *mic, const int16_t *ref)
{
    asr_heard heard[8];
    if (l->aec)
        aec_process(l->aec, mic, ref, mic);
    int64_t frame = at / BLOCK;
    l->mic_e[frame % HISTORY] = mean_square(mic);
    l->ref_e[frame % HISTORY] = mean_square(ref);
    l->last_frame = frame;
    int got = asr_process(l->asr, at, mic, BLOCK, heard, 8);
    if (got < 0)
        return got;
    int kept = 0;
    for (int i = 0; i < got; i++)
        if (!l->gate || passes_gate(l, &heard[i]))
            heard[kept++] = heard[i];
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
                    listener_t **out)
{
    int rc = FC_ERR_NOMEM;
    listener_t *l = calloc(1, sizeof *l);
    *out = NULL;
    if (!l)
        return rc;
    l->threaded = threaded;
    if ((rc = asr_create(cfg, &l->asr)) < 0)
        goto fail;
    if (aec && (rc = aec_create(aec, &l->aec)) < 0)
        goto fail;
    l->gate = aec && aec->echo;
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
    free(l->slots);
    aec_destroy(l->aec);
    asr_destroy(l->asr);
    free(l);
}

int listener_push(listener_t *l, int64_t at, const int16_t *mic, const int16_t *ref, size_t n)
{
    for (size_t off = 0; off < n; off += BLOCK) {
        uint32_t i = 0;
        slot inline_slot;
        slot *sl = &inline_slot;
        if (l->threaded) {
            if (!spsc_slot_to_write(&l->audio_q, SLOTS, &i)) {
                atomic_fetch_add(&l->dropped, BLOCK);
                continue;
            }
            sl = &l->slots[i];
        }
        sl->at = at + (int64_t)off;
        memcpy(sl->mic, mic + off, sizeof sl->mic);
        if (ref)
            memcpy(sl->ref, ref + off, sizeof sl->ref);
        else
            memset(sl->ref, 0, sizeof sl->ref);
        if (!l->threaded) {
            int rc = recognise(l, sl->at, sl->mic, sl->ref);
            if (rc < 0)
                return rc;
            continue;
        }
        spsc_written(&l->audio_q);
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

uint64_t listener_dropped(const listener_t *l) { return atomic_load(&l->dropped); }
