/* listener: the recogniser beside the session (see listener.h). The
 * engine side keeps what was played (the echo reference) and assembles
 * 10 ms frames; each frame goes through the echo gate (echo_gate.h) and
 * the recogniser, inline or on the listener's own thread, and the words
 * that pass the gate come back through a queue. */
#define _POSIX_C_SOURCE 200809L

#include "listener.h"

#include "echo_gate.h"
#include "energy.h"
#include "fc_clock.h"
#include "fc_error.h"
#include "priority.h"
#include "queue.h"

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEARD_SLOTS 64     /* heard words waiting for the engine */
#define AUDIO_SLOTS 400    /* 4 s of audio the recogniser may fall behind by (rounded up) */
#define HEARD_PER_FRAME 8  /* words one frame can settle, at most */
#define REF_HISTORY 32768  /* samples of played output kept: 2 s, a power of two */
/* Output this loud (energy_db: 30 dB above digital silence, about -60
 * dBFS) is the coach talking; for as long as the keyword detector's
 * context (2 s) after it, its echo may be in what it judges. */
#define TALK_DB 30.0
#define TALK_HOLD (2 * FC_RATE)

/* One frame of audio on its way to the recogniser. Each carries its own
 * session time, so audio dropped when the recogniser falls behind never
 * shifts the times of what it hears afterwards. */
typedef struct {
    int64_t at;
    int16_t mic[FC_FRAME];
    int16_t ref[FC_FRAME];
} slot;

/* The numbers of a pain rating, as PocketSphinx's dictionary spells them. */
static const char *const NUMBERS[] = {"one", "two", "three", "four", "five",
                                      "six", "seven", "eight", "nine", "ten"};
#define N_NUMBERS ((int)(sizeof NUMBERS / sizeof NUMBERS[0]))

struct listener {
    hearing_t *hearing;
    asr_t *numbers;             /* NULL: no rating by voice; the recogniser's */
    asr_config numbers_cfg;     /* what it is made from */
    _Atomic bool numbers_on;    /* listener_expect_numbers, engine -> recogniser */
    bool numbers_live;          /* the recogniser's side of it */
    echo_gate_t *gate; /* NULL: the microphone goes to the recogniser as it is */
    int64_t talked;    /* the last frame the coach was heard talking in, -1: none */
    /* Engine side: played output by session sample, and the microphone
     * frame being filled. */
    int16_t ref_hist[REF_HISTORY]; /* by speaker sample: session sample + ref_late */
    int64_t ref_end;  /* one past the last played sample recorded */
    int64_t ref_late; /* silence the speaker played unasked (listener_speaker_gap) */
    int ref_advance;  /* see listener_create() */
    slot part;
    size_t part_n;
    bool debug; /* FLOORCOACH_DEBUG: explain what the gate refused on stderr */
    bool threaded;
    queue_t *heard_q; /* asr_heard, recogniser -> engine */
    /* Threaded mode only. */
    queue_t *audio_q;  /* slot, engine -> recogniser */
    sem_t work;        /* posted once per slot written, and once to quit */
    bool work_made;
    pthread_mutex_t lock; /* guards done, for listener_flush */
    bool lock_made;
    pthread_cond_t drained; /* signalled as done grows */
    bool drained_made;
    uint64_t done;     /* slots the thread has finished with */
    pthread_t thread;
    bool thread_started;
    _Atomic bool quit;
    _Atomic uint64_t dropped;
    _Atomic int error;
};

/* While a rating is asked for: the numbers in the cleaned frame that pass
 * the gate, appended to heard[*kept]. Each turn on starts a fresh stream. */
static int hear_numbers(listener_t *l, int64_t at, const int16_t *mic, asr_heard *heard,
                        int *kept)
{
    bool on = atomic_load(&l->numbers_on);
    if (on && !l->numbers_live)
        asr_reset(l->numbers);
    l->numbers_live = on;
    if (!on)
        return FC_OK;
    asr_heard got[HEARD_PER_FRAME];
    int n = asr_process(l->numbers, at, mic, FC_FRAME, got, HEARD_PER_FRAME - *kept);
    for (int i = 0; i < n; i++) {
        if (got[i].phrase < 0 || got[i].phrase >= N_NUMBERS ||
            (l->gate != NULL && !echo_gate_passes(l->gate, got[i].start, got[i].end)))
            continue;
        got[i].number = got[i].phrase + 1;
        heard[(*kept)++] = got[i];
    }
    return n < 0 ? n : FC_OK;
}

/* Runs one frame through the gate and the recogniser, and posts what passes. */
static int recognise(listener_t *l, int64_t at, int16_t *mic, const int16_t *ref)
{
    asr_heard heard[HEARD_PER_FRAME];
    if (l->gate != NULL) {
        echo_gate_frame(l->gate, at, mic, ref, mic);
        /* Without an echo path the microphone never hears the coach. */
        if (energy_db(energy_mean_square(ref, FC_FRAME, false)) > TALK_DB)
            l->talked = at;
        hearing_set_talking(l->hearing, l->talked >= 0 && at - l->talked < TALK_HOLD);
    }
    int got = hearing_process(l->hearing, at, mic, FC_FRAME, heard, HEARD_PER_FRAME);
    if (got < 0)
        return got;
    int kept = 0;
    for (int i = 0; i < got; i++) {
        if (l->gate == NULL || echo_gate_passes(l->gate, heard[i].start, heard[i].end))
            heard[kept++] = heard[i];
        else if (l->debug)
            fprintf(stderr, "listener: '%s' at %.3f s taken for the coach's own voice "
                    "(gate %.1f dB)\n", fc_command_name(heard[i].word),
                    heard[i].t / (double)FC_RATE, echo_gate_threshold_db(l->gate));
    }
    int rc = l->numbers ? hear_numbers(l, at, mic, heard, &kept) : FC_OK;
    /* A full queue means the engine stopped polling; nothing useful to do. */
    queue_write(l->heard_q, heard, (size_t)kept);
    return rc;
}

static void wait_for_work(listener_t *l)
{
    while (sem_wait(&l->work) != 0 && errno == EINTR)
        ; /* a signal, not work */
}

/* The numbers' recogniser, from numbers_cfg. */
static int make_numbers(listener_t *l, fc_error *err)
{
    return asr_create_words(&l->numbers_cfg, NUMBERS, N_NUMBERS, &l->numbers, err);
}

static void *run(void *arg)
{
    listener_t *l = arg;
    slot s;
    fc_priority_raise(); /* where permitted; else it runs as it is */
    /* Failing here (out of memory: the model is the commands' own) leaves
     * the rating to the keys; the commands are heard as ever. */
    if (make_numbers(l, NULL) < 0)
        l->numbers = NULL;
    for (;;) {
        wait_for_work(l);
        if (queue_read(l->audio_q, &s, 1) == 1) {
            int rc = recognise(l, s.at, s.mic, s.ref);
            if (rc < 0)
                atomic_store(&l->error, rc);
            pthread_mutex_lock(&l->lock);
            l->done++;
            pthread_cond_broadcast(&l->drained);
            pthread_mutex_unlock(&l->lock);
        } else if (atomic_load(&l->quit)) {
            /* Every slot is posted before quit is, so all were seen. */
            break;
        }
    }
    return NULL;
}

/* Threaded mode: the audio queue, the thread and what it waits on. Each
 * piece is flagged as made, so that listener_destroy() undoes exactly what
 * was. */
static int start_thread(listener_t *l)
{
    if (!(l->audio_q = queue_create(sizeof(slot), AUDIO_SLOTS)))
        return FC_ERR_NOMEM;
    if (sem_init(&l->work, 0, 0) != 0)
        return FC_ERR_NOMEM;
    l->work_made = true;
    if (pthread_mutex_init(&l->lock, NULL) != 0)
        return FC_ERR_NOMEM;
    l->lock_made = true;
    if (pthread_cond_init(&l->drained, NULL) != 0)
        return FC_ERR_NOMEM;
    l->drained_made = true;
    if (pthread_create(&l->thread, NULL, run, l) != 0)
        return FC_ERR_NOMEM;
    l->thread_started = true;
    return FC_OK;
}

static int start(listener_t *l, const hearing_config *cfg, const aec_config *aec, fc_error *err)
{
    int rc;
    hearing_config def = hearing_config_default();
    if ((rc = hearing_create(cfg, &l->hearing, err)) < 0)
        return rc;
    /* Made before any pain comes: loading it takes the recogniser long
     * enough to miss a "stop". With a thread, the thread makes it as it
     * starts, so that the engine, which feeds a running speaker by now,
     * does not wait for it. */
    l->numbers_cfg = cfg ? cfg->asr : def.asr;
    if (!l->threaded && (rc = make_numbers(l, err)) < 0)
        return rc;
    if (aec && (rc = echo_gate_create(aec, &l->gate)) < 0)
        return rc;
    if (!(l->heard_q = queue_create(sizeof(asr_heard), HEARD_SLOTS)))
        return FC_ERR_NOMEM;
    return l->threaded ? start_thread(l) : FC_OK;
}

int listener_create(const hearing_config *cfg, const aec_config *aec, bool threaded,
                    int ref_advance, listener_t **out, fc_error *err)
{
    int rc = FC_ERR_NOMEM;
    listener_t *l = calloc(1, sizeof *l);
    *out = NULL;
    if (!l)
        return fc_fail(err, rc, "out of memory starting the listener");
    l->threaded = threaded;
    l->ref_advance = ref_advance;
    l->talked = -1;
    l->debug = getenv("FLOORCOACH_DEBUG") != NULL;
    if ((rc = start(l, cfg, aec, err)) < 0) {
        fc_fail_default(err, rc, "the listener could not start: %s", fc_strerror(rc));
        listener_destroy(l);
        return rc;
    }
    *out = l;
    return FC_OK;
}

void listener_destroy(listener_t *l)
{
    if (!l)
        return;
    if (l->thread_started) {
        atomic_store(&l->quit, true);
        sem_post(&l->work);
        pthread_join(l->thread, NULL);
    }
    if (l->debug && atomic_load(&l->dropped))
        fprintf(stderr, "listener: %llu samples dropped: the recogniser fell behind\n",
                (unsigned long long)atomic_load(&l->dropped));
    if (l->drained_made)
        pthread_cond_destroy(&l->drained);
    if (l->lock_made)
        pthread_mutex_destroy(&l->lock);
    if (l->work_made)
        sem_destroy(&l->work);
    queue_destroy(l->audio_q);
    queue_destroy(l->heard_q);
    echo_gate_destroy(l->gate);
    hearing_destroy(l->hearing);
    asr_destroy(l->numbers);
    free(l);
}

void listener_expect_numbers(listener_t *l, bool on)
{
    atomic_store(&l->numbers_on, on);
}

int listener_echo_delay_ms(const listener_t *l)
{
    /* Without a canceller there is nothing to align: no delay. */
    return l->gate != NULL ? echo_gate_delay_ms(l->gate) : 0;
}

void listener_played(listener_t *l, int64_t at, const int16_t *out, size_t n)
{
    int64_t from = at + l->ref_late;
    for (size_t i = 0; i < n; i++)
        l->ref_hist[(uint64_t)(from + (int64_t)i) % REF_HISTORY] = out[i];
    l->ref_end = from + (int64_t)n;
}

void listener_speaker_gap(listener_t *l, int64_t n)
{
    /* The silence goes into the reference where the speaker played it, so
     * the echo's delay on the capture count stays what was measured. */
    for (int64_t i = 0; i < n && i < REF_HISTORY; i++)
        l->ref_hist[(uint64_t)(l->ref_end + i) % REF_HISTORY] = 0;
    l->ref_end += n;
    l->ref_late += n;
}

/* The reference for a full frame: what was played at the same samples, or
 * silence where nothing was (before the start, or not yet recorded). */
static void fill_ref(const listener_t *l, slot *sl)
{
    for (int i = 0; i < FC_FRAME; i++) {
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
    if (queue_write(l->audio_q, &l->part, 1) != 1) {
        atomic_fetch_add(&l->dropped, FC_FRAME);
        return FC_OK;
    }
    sem_post(&l->work);
    return FC_OK;
}

int listener_push(listener_t *l, int64_t at, const int16_t *mic, size_t n)
{
    for (size_t off = 0; off < n;) {
        if (l->part_n == 0)
            l->part.at = at + (int64_t)off;
        size_t take = FC_FRAME - l->part_n < n - off ? FC_FRAME - l->part_n : n - off;
        memcpy(l->part.mic + l->part_n, mic + off, take * sizeof *mic);
        l->part_n += take;
        off += take;
        if (l->part_n == FC_FRAME) {
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
    return queue_read(l->heard_q, out, 1) == 1;
}

void listener_flush(listener_t *l)
{
    if (!l->threaded)
        return;
    /* Everything written so far; what was dropped was never written. */
    uint64_t target = queue_total_written(l->audio_q);
    pthread_mutex_lock(&l->lock);
    while (l->done < target)
        pthread_cond_wait(&l->drained, &l->lock);
    pthread_mutex_unlock(&l->lock);
}
