#include "ring.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct ring {
    size_t mask;
    int16_t *buf;
    /* Separate cache lines so producer and consumer do not false-share. */
    _Alignas(64) _Atomic uint64_t head; /* written by producer */
    _Alignas(64) _Atomic uint64_t tail; /* written by consumer */
};

ring_t *ring_create(size_t capacity)
{
    size_t cap = 1;
    while (cap < capacity)
        cap <<= 1;
    ring_t *r = aligned_alloc(64, sizeof *r);
    if (!r)
        return NULL;
    memset(r, 0, sizeof *r);
    r->mask = cap - 1;
    r->buf = calloc(cap, sizeof *r->buf);
    if (!r->buf)
        goto fail;
    atomic_init(&r->head, 0);
    atomic_init(&r->tail, 0);
    return r;
fail:
    ring_destroy(r);
    return NULL;
}

void ring_destroy(ring_t *r)
{
    if (!r)
        return;
    free(r->buf);
    free(r);
}

size_t ring_capacity(const ring_t *r) { return r->mask + 1; }

size_t ring_readable(const ring_t *r)
{
    uint64_t head = atomic_load_explicit(&r->head, memory_order_acquire);
    uint64_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
    return (size_t)(head - tail);
}

size_t ring_writable(const ring_t *r) { return ring_capacity(r) - ring_readable(r); }

uint64_t ring_total_written(const ring_t *r)
{
    return atomic_load_explicit(&r->head, memory_order_acquire);
}

uint64_t ring_total_read(const ring_t *r)
{
    return atomic_load_explicit(&r->tail, memory_order_acquire);
}

size_t ring_write(ring_t *r, const int16_t *src, size_t n)
{
    uint64_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    uint64_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
    size_t space = ring_capacity(r) - (size_t)(head - tail);
    if (n > space)
        n = space;
    size_t off = (size_t)head & r->mask;
    size_t first = ring_capacity(r) - off;
    if (first > n)
        first = n;
    memcpy(r->buf + off, src, first * sizeof *src);
    memcpy(r->buf, src + first, (n - first) * sizeof *src);
    atomic_store_explicit(&r->head, head + n, memory_order_release);
    return n;
}

size_t ring_read(ring_t *r, int16_t *dst, size_t n)
{
    uint64_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    uint64_t head = atomic_load_explicit(&r->head, memory_order_acquire);
    size_t avail = (size_t)(head - tail);
    if (n > avail)
        n = avail;
    size_t off = (size_t)tail & r->mask;
    size_t first = ring_capacity(r) - off;
    if (first > n)
        first = n;
    memcpy(dst, r->buf + off, first * sizeof *dst);
    memcpy(dst + first, r->buf, (n - first) * sizeof *dst);
    atomic_store_explicit(&r->tail, tail + n, memory_order_release);
    return n;
}
