/* Kernel: the columns of an alleviation table gathered from its cells'
 * counts, in the table's row order, without intermediate copies. */
#include <math.h>
#include "kernels.h"

void mr_gather_doubles(const double *column, const int *rows, ptrdiff_t from,
                       ptrdiff_t to, double *out)
{
    if (rows) {
        for (ptrdiff_t r = from; r < to; r++) out[r] = column[rows[r] - 1];
    } else {
        for (ptrdiff_t r = from; r < to; r++) out[r] = column[r];
    }
}

void mr_gather_ints(const int *column, const int *rows, ptrdiff_t from,
                    ptrdiff_t to, int *out)
{
    if (rows) {
        for (ptrdiff_t r = from; r < to; r++) out[r] = column[rows[r] - 1];
    } else {
        for (ptrdiff_t r = from; r < to; r++) out[r] = column[r];
    }
}

void mr_gather_ints_as_doubles(const int *column, const int *rows,
                               ptrdiff_t from, ptrdiff_t to, double *out)
{
    if (rows) {
        for (ptrdiff_t r = from; r < to; r++) out[r] = column[rows[r] - 1];
    } else {
        for (ptrdiff_t r = from; r < to; r++) out[r] = column[r];
    }
}

double mr_int_column_total(const int *column, ptrdiff_t n)
{
    long double total = 0;
    for (ptrdiff_t i = 0; i < n; i++) total += column[i];
    return (double) total;
}

double mr_column_total(const double *column, ptrdiff_t n)
{
    long double total = 0;
    for (ptrdiff_t i = 0; i < n; i++) total += column[i];
    return (double) total;
}

/* Wilson score intervals and rates of table rows, each step as R's
 * proportion_interval() and wilson_bounds() compute it (same operations in
 * the same order, so the same doubles, bit for bit): rows without
 * evaluable patients get x / NA_real_ (na) for the rate, NA_real_ for both
 * bounds, as in R. */
void mr_wilson_rows(const double *x, const double *n, ptrdiff_t from,
                    ptrdiff_t to, double z, double na, double *estimate,
                    double *lower, double *upper)
{
    double zz = z * z;
    for (ptrdiff_t i = from; i < to; i++) {
        double ni = n[i];
        if (ni == 0 || isnan(ni) || isnan(x[i])) {
            /* R divides by n set to NA: the same operation gives the same
             * NaN bits (the quieted NA) */
            estimate[i] = x[i] / na;
            lower[i] = upper[i] = na;
            continue;
        }
        double p = x[i] / ni;
        double z22n = zz / (2 * ni);
        double centre = p + z22n;
        double half = z * sqrt(p * (1 - p) / ni + z22n / (2 * ni));
        double lo = (centre - half) / (1 + 2 * z22n);
        double up = (centre + half) / (1 + 2 * z22n);
        if (p <= 0) lo = 0;
        if (p >= 1) up = 1;
        lo = lo > 0 ? lo : 0;          /* pmax(0, lower) */
        up = up < 1 ? up : 1;          /* pmin(1, upper) */
        if (lo > up) lo = up = (lo + up) / 2;
        estimate[i] = p;
        lower[i] = lo;
        upper[i] = up;
    }
}
