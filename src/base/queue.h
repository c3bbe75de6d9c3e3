/* queue: the lock-free single-producer single-consumer queue every stage
 * shares: samples between an audio callback and the engine, 10 ms frames
 * from the engine to the recogniser's thread, heard words back.
 *
 * Elements are fixed-size and copied in and out. Capacity is a power of two
 * and the counters are 64-bit, so they never wrap in practice. Neither side
 * ever blocks, allocates or locks: safe in a real-time audio callback. */
#ifndef FLOORCOACH_QUEUE_H
#define FLOORCOACH_QUEUE_H

#include <stddef.h>
#include <stdint.h>

typedef struct queue queue_t;

/* Any thread, before the queue is shared. Capacity (in elements) is rounded
 * up to a power of two. Returns NULL when out of memory. */
queue_t *queue_create(size_t elem_size, size_t capacity);

/* Any thread, after both sides stopped using it. Accepts NULL. */
void queue_destroy(queue_t *q);

/* Producer thread only. Copies up to n elements in; returns how many fitted. */
size_t queue_write(queue_t *q, const void *src, size_t n);

/* Consumer thread only. Copies up to n elements out; returns how many there were. */
size_t queue_read(queue_t *q, void *dst, size_t n);

/* Either side; the answer may be stale by the time it is used, but only in
 * the safe direction for the caller's own side. */
size_t queue_readable(const queue_t *q);
size_t queue_writable(const queue_t *q);
size_t queue_capacity(const queue_t *q);

/* Either side. Elements ever written / read. */
uint64_t queue_total_written(const queue_t *q);
uint64_t queue_total_read(const queue_t *q);

#endif
