/* Kernel: the statistics of score_change() per cell. Rows are bucketed by
 * cell with a counting sort (count, then scatter the pairs with both values
 * into contiguous slices), then each slice is summarised: moments in long
 * double (two passes, as R's mean() and var()), quartiles by selection
 * (quickselect, no full sort), and the Wilcoxon signed-rank statistic from
 * the sorted magnitudes of the positive and negative changes (a radix sort
 * on the doubles' bits). */
#include <string.h>
#include "kernels.h"

ptrdiff_t mr_score_count(mr_column pre, mr_column post, const int *cell,
                         int n_cells, ptrdiff_t from, ptrdiff_t to, double lo,
                         double hi, double *counts, int *which)
{
    for (ptrdiff_t i = from; i < to; i++) {
        int c = 0;
        if (cell) {
            c = cell[i];
            if (c == MR_NA_CODE) continue;
            if (c < 0 || c >= n_cells) {
                *which = 2;
                return i;
            }
        }
        double a = mr_column_value(pre, i), b = mr_column_value(post, i);
        if (!isnan(a) && (a < lo || a > hi)) {
            *which = 0;
            return i;
        }
        if (!isnan(b) && (b < lo || b > hi)) {
            *which = 1;
            return i;
        }
        double *k = counts + (ptrdiff_t) c * 3;
        if (isnan(a) || isnan(b)) k[1] += 1;
        else if (isinf(a) || isinf(b)) k[2] += 1;
        else k[0] += 1;
    }
    return -1;
}

void mr_score_scatter(mr_column pre, mr_column post, const int *cell,
                      ptrdiff_t from, ptrdiff_t to, ptrdiff_t *next,
                      double *x0, double *x1)
{
    for (ptrdiff_t i = from; i < to; i++) {
        int c = 0;
        if (cell) {
            c = cell[i];
            if (c == MR_NA_CODE) continue;
        }
        double a = mr_column_value(pre, i), b = mr_column_value(post, i);
        if (!isfinite(a) || !isfinite(b)) continue;
        ptrdiff_t at = next[c]++;
        x0[at] = a;
        x1[at] = b;
    }
}

/* ---- moments ------------------------------------------------------------ */

/* Mean as R's mean(): a long double sum, refined by the mean deviation. */
static double mean_of(const double *x, ptrdiff_t m)
{
    long double s = 0;
    for (ptrdiff_t i = 0; i < m; i++) s += x[i];
    s /= m;
    if (isfinite((double) s)) {
        long double t = 0;
        for (ptrdiff_t i = 0; i < m; i++) t += x[i] - s;
        s += t / m;
    }
    return (double) s;
}

static double sd_of(const double *x, ptrdiff_t m, double mean)
{
    if (m < 2) return NAN;
    long double ss = 0;
    for (ptrdiff_t i = 0; i < m; i++) {
        long double d = x[i] - (long double) mean;
        ss += d * d;
    }
    return sqrt((double) (ss / (m - 1)));
}

/* ---- selection ---------------------------------------------------------- */

static inline void swap_d(double *a, double *b)
{
    double t = *a;
    *a = *b;
    *b = t;
}

/* Rearrange x[0, m) so that x[k] is the k-th smallest, smaller or equal
 * values before it, greater or equal after (Hoare partition around a
 * median of three, which keeps runs of equal values balanced). */
static void select_k(double *x, ptrdiff_t m, ptrdiff_t k)
{
    ptrdiff_t lo = 0, hi = m - 1;
    while (hi > lo) {
        if (hi - lo < 16) {               /* insertion sort of the rest */
            for (ptrdiff_t i = lo + 1; i <= hi; i++) {
                double v = x[i];
                ptrdiff_t j = i - 1;
                while (j >= lo && x[j] > v) {
                    x[j + 1] = x[j];
                    j--;
                }
                x[j + 1] = v;
            }
            return;
        }
        ptrdiff_t mid = lo + (hi - lo) / 2;
        if (x[mid] < x[lo]) swap_d(x + mid, x + lo);
        if (x[hi] < x[lo]) swap_d(x + hi, x + lo);
        if (x[hi] < x[mid]) swap_d(x + hi, x + mid);
        double pivot = x[mid];
        ptrdiff_t i = lo - 1, j = hi + 1;
        for (;;) {
            do i++; while (x[i] < pivot);
            do j--; while (x[j] > pivot);
            if (i >= j) break;
            swap_d(x + i, x + j);
        }
        /* x[lo..j] <= pivot <= x[j+1..hi] */
        if (k <= j) hi = j;
        else lo = j + 1;
    }
}

static double min_of(const double *x, ptrdiff_t m)
{
    double v = x[0];
    for (ptrdiff_t i = 1; i < m; i++) if (x[i] < v) v = x[i];
    return v;
}

/* quantile(type = 7) at probability p from the order statistics at
 * 0-based positions j and j + 1, as R computes it. */
static double type7(double x_lo, double x_hi, double index, ptrdiff_t j)
{
    double h = index - (double) j;
    if (h > 0 && x_hi != x_lo) return (1 - h) * x_lo + h * x_hi;
    return x_lo;
}

/* Median, Q1, Q3 of x[0, m) (m >= 1), rearranging x: one selection for the
 * median, then the quartiles within the halves it leaves. */
static void quartiles(double *x, ptrdiff_t m, double *out)
{
    const double probs[3] = { 0.5, 0.25, 0.75 };
    ptrdiff_t pos[3];
    double index[3];
    for (int q = 0; q < 3; q++) {
        index[q] = (double) (m - 1) * probs[q];
        pos[q] = (ptrdiff_t) floor(index[q]);
    }
    ptrdiff_t km = pos[0];
    select_k(x, m, km);
    /* x[0..km) <= x[km] <= x[km+1..m) */
    double med_lo = x[km];
    double med_hi = km + 1 < m ? min_of(x + km + 1, m - km - 1) : med_lo;
    out[0] = type7(med_lo, med_hi, index[0], km);
    /* Q1 in the lower part */
    ptrdiff_t k1 = pos[1];
    double q1_lo, q1_hi;
    if (k1 == km) {
        q1_lo = med_lo;
        q1_hi = med_hi;
    } else {
        select_k(x, km, k1);
        q1_lo = x[k1];
        q1_hi = k1 + 1 < km ? min_of(x + k1 + 1, km - k1 - 1) : med_lo;
    }
    out[1] = type7(q1_lo, q1_hi, index[1], k1);
    /* Q3 in the upper part */
    ptrdiff_t k3 = pos[2];
    double q3_lo, q3_hi;
    if (k3 == km) {
        q3_lo = med_lo;
        q3_hi = med_hi;
    } else {
        double *upper = x + km + 1;
        ptrdiff_t mu = m - km - 1, ku = k3 - km - 1;
        select_k(upper, mu, ku);
        q3_lo = upper[ku];
        q3_hi = ku + 1 < mu ? min_of(upper + ku + 1, mu - ku - 1) : q3_lo;
    }
    out[2] = type7(q3_lo, q3_hi, index[2], k3);
}

/* ---- sorting of positive doubles ---------------------------------------- */

static void insertion_sort(double *x, ptrdiff_t m)
{
    for (ptrdiff_t i = 1; i < m; i++) {
        double v = x[i];
        ptrdiff_t j = i - 1;
        while (j >= 0 && x[j] > v) {
            x[j + 1] = x[j];
            j--;
        }
        x[j + 1] = v;
    }
}

/* Ascending sort of m positive finite doubles, whose bit patterns order as
 * unsigned integers: an LSD radix sort by bytes through tmp (m doubles),
 * skipping the bytes all values share. */
static void sort_positive(double *x, ptrdiff_t m, double *tmp)
{
    if (m < 64) {
        insertion_sort(x, m);
        return;
    }
    double *src = x, *dst = tmp;
    ptrdiff_t count[256];
    for (int byte = 0; byte < 8; byte++) {
        int shift = byte * 8;
        memset(count, 0, sizeof(count));
        for (ptrdiff_t i = 0; i < m; i++) {
            uint64_t u;
            memcpy(&u, src + i, sizeof u);
            count[(u >> shift) & 0xFF]++;
        }
        int trivial = 0;
        for (int b = 0; b < 256; b++) if (count[b] == m) trivial = 1;
        if (trivial) continue;
        ptrdiff_t at = 0;
        for (int b = 0; b < 256; b++) {
            ptrdiff_t c = count[b];
            count[b] = at;
            at += c;
        }
        for (ptrdiff_t i = 0; i < m; i++) {
            uint64_t u;
            memcpy(&u, src + i, sizeof u);
            dst[count[(u >> shift) & 0xFF]++] = src[i];
        }
        double *t = src;
        src = dst;
        dst = t;
    }
    if (src != x) memcpy(x, src, (size_t) m * sizeof(double));
}

/* The signed-rank statistic of the m changes in change[] (finite,
 * rearranged): V = the sum of the ranks of |change| (ties averaged) of the
 * positive changes, zeros dropped; out[0..4] = V, nonzero count, ties
 * (0/1), zeros (0/1), sum over tied groups of t^3 - t. */
static void signed_rank(double *change, ptrdiff_t m, double *tmp, double *out)
{
    /* positives to the front, |negatives| to the back, zeros dropped */
    ptrdiff_t n_pos = 0, n_neg = 0;
    int zeros = 0;
    for (ptrdiff_t i = 0; i < m; i++) {
        double d = change[i];
        if (d > 0) change[n_pos++] = d;
        else if (d < 0) tmp[n_neg++] = -d;
        else zeros = 1;
    }
    double *neg = change + n_pos;
    memcpy(neg, tmp, (size_t) n_neg * sizeof(double));
    sort_positive(change, n_pos, tmp);
    sort_positive(neg, n_neg, tmp);
    double v = 0, tie_sum = 0;
    int ties = 0;
    ptrdiff_t i = 0, j = 0, rank = 0;   /* ranks 1..rank used so far */
    while (i < n_pos || j < n_neg) {
        double value = i < n_pos && (j >= n_neg || change[i] <= neg[j])
            ? change[i] : neg[j];
        ptrdiff_t cp = 0, cn = 0;
        while (i < n_pos && change[i] == value) { i++; cp++; }
        while (j < n_neg && neg[j] == value) { j++; cn++; }
        double t = (double) (cp + cn);
        double average = (double) rank + (t + 1) / 2;
        v += (double) cp * average;
        if (t > 1) {
            ties = 1;
            tie_sum += t * t * t - t;
        }
        rank += cp + cn;
    }
    out[0] = v;
    out[1] = (double) (n_pos + n_neg);
    out[2] = ties;
    out[3] = zeros;
    out[4] = tie_sum;
}

/* ---- one cell ----------------------------------------------------------- */

void mr_score_cell(double *x0, double *x1, ptrdiff_t m, int increase,
                   double *change, double *out)
{
    for (int k = 0; k < MR_SCORE_STATS - 3; k++) out[k] = NAN;
    if (m == 0) {
        /* no Wilcoxon statistic: n = 0 */
        out[13] = 0;
        out[14] = 0;
        out[15] = 0;
        out[16] = 0;
        return;
    }
    for (ptrdiff_t i = 0; i < m; i++)
        change[i] = increase ? x1[i] - x0[i] : x0[i] - x1[i];
    out[0] = mean_of(x0, m);
    out[1] = sd_of(x0, m, out[0]);
    out[5] = mean_of(x1, m);
    out[6] = sd_of(x1, m, out[5]);
    out[10] = mean_of(change, m);
    out[11] = sd_of(change, m, out[10]);
    quartiles(x0, m, out + 2);
    quartiles(x1, m, out + 7);
    /* x0 is free now: scratch for the sort */
    signed_rank(change, m, x0, out + 12);
}
