/* resampler: mono int16 sample-rate conversion (speexdsp) for devices,
 * files and eSpeak NG, which all run at rates other than the 16 kHz clock. */
#ifndef FLOORCOACH_RESAMPLER_H
#define FLOORCOACH_RESAMPLER_H

#include <stddef.h>
#include <stdint.h>

typedef struct resampler resampler_t;

/* Any thread. quality: 0 (fast) to 10 (best). Returns 0 or a negative fc_err. */
int resampler_create(int in_rate, int out_rate, int quality, resampler_t **out);
/* Accepts NULL. */
void resampler_destroy(resampler_t *r);

/* Owner thread. Converts all n input samples, appending at most cap output
 * samples to out; returns how many were written. Size out with
 * resampler_max_output(). A rate pair of equal rates copies. */
size_t resampler_process(resampler_t *r, const int16_t *in, size_t n, int16_t *out, size_t cap);
/* Any thread: an upper bound on the output for n input samples. */
size_t resampler_max_output(const resampler_t *r, size_t n);

#endif
