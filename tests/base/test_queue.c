/* queue: the SPSC queue across two threads, full and empty. */
#include "queue.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define TOTAL 2000000

static void *producer(void *arg)
{
    queue_t *r = arg;
    int16_t buf[97];
    uint32_t next = 0;
    while (next < TOTAL) {
        size_t n = 0;
        while (n < 97 && next + n < TOTAL) {
            buf[n] = (int16_t)(next + n);
            n++;
        }
        size_t w = queue_write(r, buf, n);
        next += (uint32_t)w;
    }
    return NULL;
}

static void test_queue_two_threads_in_order(void **state)
{
    (void)state;
    queue_t *r = queue_create(sizeof(int16_t), 1000);
    assert_non_null(r);
    assert_int_equal(queue_capacity(r), 1024);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, producer, r), 0);
    uint32_t expect = 0;
    int16_t buf[61];
    while (expect < TOTAL) {
        size_t n = queue_read(r, buf, 61);
        for (size_t i = 0; i < n; i++, expect++)
            if (buf[i] != (int16_t)expect)
                fail_msg("sample %u: got %d", expect, buf[i]);
    }
    pthread_join(th, NULL);
    assert_int_equal(queue_readable(r), 0);
    assert_true(queue_total_read(r) == TOTAL && queue_total_written(r) == TOTAL);
    queue_destroy(r);
    queue_destroy(NULL);
}

static void test_queue_full_and_empty(void **state)
{
    (void)state;
    queue_t *r = queue_create(sizeof(int16_t), 8);
    int16_t in[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, out[10];
    assert_int_equal(queue_write(r, in, 10), 8);
    assert_int_equal(queue_writable(r), 0);
    assert_int_equal(queue_read(r, out, 10), 8);
    assert_memory_equal(in, out, 8 * sizeof *in);
    assert_int_equal(queue_read(r, out, 10), 0);
    queue_destroy(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_queue_two_threads_in_order),
        cmocka_unit_test(test_queue_full_and_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
