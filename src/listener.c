#include "listener.h"

#include "fc_error.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define QUEUE 64          /* heard words waiting for the engine */
#define BLOCK 160         /* samples per audio slot: the engine's block */
#define SLOTS 400         /* 4 s of audio the recogniser may fall behind by */

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
    size_t n;
    int16_t pcm[BLOCK];
} slot;

struct listener {
    asr_t *asr;
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

static int recognise(listener_t *l, int64_t at, const int16_t *pcm, size_t n)
{
    asr_heard heard[8];
    int got = asr_process(l->asr, at, pcm, n, heard, 8);
    if (got > 0)
        post(l, heard, got);
    return got < 0 ? got : FC_OK;
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
            int rc = recognise(l, l->slots[i].at, l->slots[i].pcm, l->slots[i].n);
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

int listener_create(const asr_config *cfg, bool threaded, listener_t **out)
{
    int rc = FC_ERR_NOMEM;
    listener_t *l = calloc(1, sizeof *l);
    *out = NULL;
    if (!l)
        return rc;
    l->threaded = threaded;
    if ((rc = asr_create(cfg, &l->asr)) < 0)
        goto fail;
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
    asr_destroy(l->asr);
    free(l);
}

int listener_push(listener_t *l, int64_t at, const int16_t *pcm, size_t n)
{
    if (!l->threaded)
        return recognise(l, at, pcm, n);
    for (size_t off = 0; off < n; off += BLOCK) {
        size_t len = n - off < BLOCK ? n - off : BLOCK;
        uint32_t i;
        if (!spsc_slot_to_write(&l->audio_q, SLOTS, &i)) {
            atomic_fetch_add(&l->dropped, len);
            continue;
        }
        l->slots[i].at = at + (int64_t)off;
        l->slots[i].n = len;
        memcpy(l->slots[i].pcm, pcm + off, len * sizeof *pcm);
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
