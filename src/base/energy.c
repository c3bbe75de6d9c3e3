#include "energy.h"

#include <math.h>

double energy_mean_square(const int16_t *x, size_t n, bool remove_dc)
{
    double mean = 0.0, sum = 0.0;
    if (remove_dc) {
        for (size_t i = 0; i < n; i++)
            mean += x[i];
        mean /= (double)n;
    }
    for (size_t i = 0; i < n; i++) {
        double v = remove_dc ? x[i] - mean : (double)x[i];
        sum += v * v;
    }
    return sum / (double)n;
}

double energy_db(double mean_square)
{
    return 10.0 * log10(mean_square + 1.0);
}
