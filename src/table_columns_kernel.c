/* Kernel: the columns of an alleviation table gathered from its cells'
 * counts, in the table's row order, without intermediate copies. */
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

double mr_column_total(const double *column, ptrdiff_t n)
{
    long double total = 0;
    for (ptrdiff_t i = 0; i < n; i++) total += column[i];
    return (double) total;
}
