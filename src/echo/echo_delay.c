#include "echo_delay.h"

#include <math.h>

int echo_delay_estimate(const double *mic_db, const double *ref_db, size_t n, int max_lag,
                        double *confidence)
{
    int best = -1;
    double best_r = -2;
    *confidence = 0;
    if (n <= (size_t)max_lag + 10)
        return -1;
    for (int lag = 0; lag <= max_lag; lag++) {
        /* Pair mic frame i with reference frame i - lag. */
        size_t m = n - (size_t)lag;
        double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        for (size_t i = 0; i < m; i++) {
            double x = ref_db[i], y = mic_db[i + (size_t)lag];
            sx += x;
            sy += y;
            sxx += x * x;
            syy += y * y;
            sxy += x * y;
        }
        double vx = sxx - sx * sx / (double)m, vy = syy - sy * sy / (double)m;
        /* A reference without variation (silence, a steady tone) cannot
         * place anything in time. */
        if (vx < 1e-6 * (double)m || vy < 1e-6 * (double)m)
            return -1;
        double r = (sxy - sx * sy / (double)m) / sqrt(vx * vy);
        if (r > best_r) {
            best_r = r;
            best = lag;
        }
    }
    *confidence = best_r;
    return best;
}
