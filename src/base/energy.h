/* energy: the level of a stretch of samples, as every stage measures it
 * (the VAD, the echo gate, calibration's room level). */
#ifndef FLOORCOACH_ENERGY_H
#define FLOORCOACH_ENERGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Any thread. Mean square of x[0..n), n > 0. With remove_dc the stretch's
 * mean is taken out first: some sound cards carry an offset that would
 * otherwise look like a constant loud floor. */
double energy_mean_square(const int16_t *x, size_t n, bool remove_dc);

/* Any thread. A mean square in dB; +1 keeps digital silence finite (0 dB). */
double energy_db(double mean_square);

#endif
