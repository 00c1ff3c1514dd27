/* libFuzzer harness for the cell statistics of score_change(): any pairs
 * (NaN, Inf, -0, ties, raw bits), run as one cell straight from the columns
 * (radix selection) and as the caller's copies (selection in place), each
 * pass split into two chunks. Checks the counts, the quartiles against a
 * full sort (type 7), the signed-rank statistic against ranks computed by
 * brute force, and that the means lie within the data.
 * Without libFuzzer: cc -DFUZZ_MAIN -fsanitize=address,undefined -I../../src
 *   fuzz_score.c ../../src/score_kernel.c -lm && ./a.out */
#include <assert.h>
#include <stdio.h>
#include "fuzz_input.h"

static int compare(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

static double type7(const double *sorted, ptrdiff_t m, double p)
{
    double index = (double) (m - 1) * p;
    ptrdiff_t lo = (ptrdiff_t) floor(index);
    double h = index - (double) lo;
    if (h > 0 && sorted[lo + 1] != sorted[lo])
        return (1 - h) * sorted[lo] + h * sorted[lo + 1];
    return sorted[lo];
}

static void check_quartiles(const double *values, ptrdiff_t m, const double *out)
{
    double *sorted = malloc((size_t) m * sizeof(double));
    memcpy(sorted, values, (size_t) m * sizeof(double));
    qsort(sorted, (size_t) m, sizeof(double), compare);
    assert(out[0] == type7(sorted, m, 0.5));
    assert(out[1] == type7(sorted, m, 0.25));
    assert(out[2] == type7(sorted, m, 0.75));
    free(sorted);
}

static void run(const double *a, const double *b, ptrdiff_t n, int increase,
                int own)
{
    double *x0 = malloc((size_t) (n + 1) * sizeof(double));
    double *x1 = malloc((size_t) (n + 1) * sizeof(double));
    double *change = malloc((size_t) (n + 1) * sizeof(double));
    ptrdiff_t m = 0, missing = 0, infinite = 0;
    for (ptrdiff_t i = 0; i < n; i++) {
        if (isfinite(a[i]) && isfinite(b[i])) {
            x0[m] = a[i];
            x1[m] = b[i];
            change[m] = increase ? b[i] - a[i] : a[i] - b[i];
            m++;
        } else if (isnan(a[i]) || isnan(b[i])) {
            missing++;
        } else {
            infinite++;
        }
    }
    double *c0 = NULL, *c1 = NULL;
    mr_column p = { a, NULL }, q = { b, NULL };
    ptrdiff_t to = n;
    if (own) {
        c0 = malloc((size_t) (m + 1) * sizeof(double));
        c1 = malloc((size_t) (m + 1) * sizeof(double));
        memcpy(c0, x0, (size_t) m * sizeof(double));
        memcpy(c1, x1, (size_t) m * sizeof(double));
        p.dbl = c0;
        q.dbl = c1;
        to = m;
    }
    mr_score_scratch s;
    s.hist = malloc(2 * MR_SCORE_BUCKETS * sizeof(ptrdiff_t));
    s.gather = malloc((size_t) (2 * n + 2) * sizeof(double));
    s.change = malloc((size_t) (n + 1) * sizeof(double));
    s.tmp = malloc((size_t) (n + 1) * sizeof(double));
    mr_score_state st;
    int which = 0;
    mr_score_start(&st, increase, !(own && to < MR_SCORE_BUCKETS), -INFINITY,
                   INFINITY, &s, 1);
    ptrdiff_t half = to / 2;
    assert(mr_score_first(&st, p, q, 0, half, &which) < 0);
    assert(mr_score_first(&st, p, q, half, to, &which) < 0);
    mr_score_plan(&st);
    mr_score_second(&st, p, q, 0, half);
    mr_score_second(&st, p, q, half, to);
    if (mr_score_third_needed(&st)) {
        mr_score_third(&st, p, q, 0, half);
        mr_score_third(&st, p, q, half, to);
    }
    double out[MR_SCORE_STATS];
    mr_score_finish(&st, c0, c1, out);
    assert(out[0] == (double) m);
    if (!own) {
        assert(out[1] == (double) missing);
        assert(out[2] == (double) infinite);
    }
    if (m > 0) {
        check_quartiles(x0, m, out + 5);
        check_quartiles(x1, m, out + 10);
        /* brute-force signed ranks of the nonzero changes */
        double v = 0, tie_sum = 0;
        ptrdiff_t nonzero = 0;
        int ties = 0, zeros = 0;
        for (ptrdiff_t i = 0; i < m; i++) {
            double d = fabs(change[i]);
            if (d == 0) {
                zeros = 1;
                continue;
            }
            nonzero++;
            ptrdiff_t less = 0, equal = 0;
            for (ptrdiff_t j = 0; j < m; j++) {
                double e = fabs(change[j]);
                if (e == 0) continue;
                if (e < d) less++;
                else if (e == d) equal++;
            }
            if (equal > 1) {
                ties = 1;
                tie_sum += ((double) equal * equal * equal - (double) equal) / (double) equal;
            }
            if (change[i] > 0) v += (double) less + ((double) equal + 1) / 2;
        }
        assert(out[15] == v);
        assert(out[16] == (double) nonzero);
        assert(out[17] == ties);
        assert(out[18] == zeros);
        assert(fabs(out[19] - tie_sum) <= 1e-9 * (1 + tie_sum));
        /* finite data give means within their range (when the sums do not
         * overflow) */
        double lo = x0[0], hi = x0[0];
        for (ptrdiff_t i = 1; i < m; i++) {
            if (x0[i] < lo) lo = x0[i];
            if (x0[i] > hi) hi = x0[i];
        }
        if (fabs(lo) < 1e300 && fabs(hi) < 1e300 && isfinite(out[3]))
            assert(out[3] >= lo - 1e-9 * fabs(lo) && out[3] <= hi + 1e-9 * fabs(hi));
    }
    free(x0); free(x1); free(change); free(c0); free(c1);
    free(s.hist); free(s.gather); free(s.change); free(s.tmp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_bytes in = { data, size };
    int increase = take_byte(&in) & 1;
    ptrdiff_t n = take_byte(&in) % 128;
    double *a = malloc((size_t) (n + 1) * sizeof(double));
    double *b = malloc((size_t) (n + 1) * sizeof(double));
    for (ptrdiff_t i = 0; i < n; i++) {
        a[i] = take_double(&in);
        b[i] = take_double(&in);
    }
    run(a, b, n, increase, 0);
    run(a, b, n, increase, 1);
    free(a);
    free(b);
    return 0;
}

#ifdef FUZZ_MAIN
int main(void)
{
    uint8_t buffer[4096];
    srand(2026);
    for (int iter = 0; iter < 5000; iter++) {
        size_t size = (size_t) (rand() % (int) sizeof buffer);
        for (size_t k = 0; k < size; k++) buffer[k] = (uint8_t) rand();
        LLVMFuzzerTestOneInput(buffer, size);
    }
    puts("fuzz_score: 5000 random inputs, no failure");
    return 0;
}
#endif
