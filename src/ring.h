/* ring: single-producer single-consumer ring of int16 samples.
 *
 * Wait-free on both sides (C11 atomics), so the real-time audio callback can
 * use it without locks or allocation. Counters only grow; they are 64-bit and
 * never wrap in practice, which also makes them usable as sample clocks. */
#ifndef FLOORCOACH_RING_H
#define FLOORCOACH_RING_H

#include <stddef.h>
#include <stdint.h>

typedef struct ring ring_t;

/* Any thread, before the ring is shared. Capacity is rounded up to a power of
 * two. Returns NULL on allocation failure. */
ring_t *ring_create(size_t capacity);
/* Any thread, after both sides stopped using it. Accepts NULL. */
void ring_destroy(ring_t *r);

/* Producer thread only. Writes up to n samples; returns how many fitted. */
size_t ring_write(ring_t *r, const int16_t *src, size_t n);
/* Consumer thread only. Reads up to n samples; returns how many there were. */
size_t ring_read(ring_t *r, int16_t *dst, size_t n);

/* Either side; the answer may be stale by the time it is used, but only in
 * the safe direction for the calling side. */
size_t ring_readable(const ring_t *r);
size_t ring_writable(const ring_t *r);
size_t ring_capacity(const ring_t *r);
/* Total samples ever written / read. */
uint64_t ring_total_written(const ring_t *r);
uint64_t ring_total_read(const ring_t *r);

#endif
