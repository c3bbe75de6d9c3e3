#include "queue.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_LINE 64

struct queue {
    size_t mask;
    size_t elem;
    unsigned char *buf;
    /* Separate cache lines so producer and consumer do not false-share. */
    _Alignas(CACHE_LINE) _Atomic uint64_t head; /* written by the producer */
    _Alignas(CACHE_LINE) _Atomic uint64_t tail; /* written by the consumer */
};

queue_t *queue_create(size_t elem_size, size_t capacity)
{
    size_t cap = 1;
    while (cap < capacity)
        cap <<= 1;
    if (elem_size == 0)
        return NULL;
    queue_t *q = aligned_alloc(CACHE_LINE, sizeof *q);
    if (!q)
        return NULL;
    memset(q, 0, sizeof *q);
    q->mask = cap - 1;
    q->elem = elem_size;
    atomic_init(&q->head, 0);
    atomic_init(&q->tail, 0);
    if (!(q->buf = calloc(cap, elem_size))) {
        queue_destroy(q);
        return NULL;
    }
    return q;
}

void queue_destroy(queue_t *q)
{
    if (!q)
        return;
    free(q->buf);
    free(q);
}

size_t queue_capacity(const queue_t *q) { return q->mask + 1; }

size_t queue_readable(const queue_t *q)
{
    uint64_t head = atomic_load_explicit(&q->head, memory_order_acquire);
    uint64_t tail = atomic_load_explicit(&q->tail, memory_order_acquire);
    return (size_t)(head - tail);
}

size_t queue_writable(const queue_t *q) { return queue_capacity(q) - queue_readable(q); }

uint64_t queue_total_written(const queue_t *q)
{
    return atomic_load_explicit(&q->head, memory_order_acquire);
}

uint64_t queue_total_read(const queue_t *q)
{
    return atomic_load_explicit(&q->tail, memory_order_acquire);
}

/* Where element `pos` lives, and how many of n fit before the buffer wraps. */
static unsigned char *slot(const queue_t *q, uint64_t pos, size_t n, size_t *first)
{
    size_t off = (size_t)pos & q->mask;
    *first = queue_capacity(q) - off < n ? queue_capacity(q) - off : n;
    return q->buf + off * q->elem;
}

size_t queue_write(queue_t *q, const void *src, size_t n)
{
    uint64_t head = atomic_load_explicit(&q->head, memory_order_relaxed);
    uint64_t tail = atomic_load_explicit(&q->tail, memory_order_acquire);
    size_t space = queue_capacity(q) - (size_t)(head - tail);
    if (n > space)
        n = space;
    size_t first;
    const unsigned char *in = src;
    unsigned char *at = slot(q, head, n, &first);
    memcpy(at, in, first * q->elem);
    memcpy(q->buf, in + first * q->elem, (n - first) * q->elem);
    atomic_store_explicit(&q->head, head + n, memory_order_release);
    return n;
}

size_t queue_read(queue_t *q, void *dst, size_t n)
{
    uint64_t tail = atomic_load_explicit(&q->tail, memory_order_relaxed);
    uint64_t head = atomic_load_explicit(&q->head, memory_order_acquire);
    size_t avail = (size_t)(head - tail);
    if (n > avail)
        n = avail;
    size_t first;
    unsigned char *out = dst;
    const unsigned char *at = slot(q, tail, n, &first);
    memcpy(out, at, first * q->elem);
    memcpy(out + first * q->elem, q->buf, (n - first) * q->elem);
    atomic_store_explicit(&q->tail, tail + n, memory_order_release);
    return n;
}
