/* Kernel: alleviation counts for many values of one threshold in one pass.
 *
 * Whether a pair meets threshold t is monotone in t (for t >= 0; see
 * mr_meets() and mr_meets_bound() in kernels.h for why the tolerance
 * keeps it so, for inclusive and strict rules alike), so for
 * each pair a binary search over the sorted thresholds finds how many of
 * them it meets; a histogram of those counts, summed from the top, gives
 * the alleviated count at every threshold: O(n log k + k), no pass over the
 * data per threshold and no sort of the n changes. */
#include "kernels.h"

/* How many of the ascending thresholds a positive change meets (they form
 * a prefix). The test is the classifier's, mr_meets_bound(change,
 * t * magnitude, tol, ...) with the rule's boundary, with magnitude 1 for an absolute threshold (t * 1.0 is t exactly) or
 * |pre| for a relative one, so that curve and classifier agree to the last
 * bit. t * magnitude is nondecreasing in t (magnitude >= 0, rounding is
 * monotone) and mr_meets_bound() is monotone in it, hence the prefix. */
static int thresholds_met(double change, double magnitude, double tol,
                          const double *thresholds, int n_thr,
                          double bound_sign, int strict)
{
    int lo = 0, hi = n_thr;            /* answer in [lo, hi] */
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (mr_meets_bound(change, thresholds[mid] * magnitude, tol,
                           bound_sign, strict))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Pairs a thread takes at a time. */
#define CURVE_BLOCK 8192

void mr_curve_range(const mr_prepared_rule *rule, int vary_relative,
                    mr_column pre, mr_column post, ptrdiff_t from,
                    ptrdiff_t to, const double *thresholds_sorted, int n_thr,
                    int n_threads, double *bins, double *scratch,
                    double *evaluable, mr_bad_value *bad)
{
    /* The fixed threshold, prepared: -Inf (always met) under "all" and NaN
     * (never met) under "any" when the rule leaves it out. */
    const double other_threshold = rule->alleviate[vary_relative ? 0 : 1];
    int invalid = 0;
    double judged = 0;
    (void) n_threads;
    /* One region for the whole range; threads take blocks of pairs as
     * they come and wait for each other without spinning at its end. The
     * bins are whole numbers, so their sums do not depend on who counted
     * what. */
    int finished = 0;
    if (to - from < 2 * CURVE_BLOCK) n_threads = 1;
    MR_OMP(omp parallel num_threads(n_threads)
           reduction(|:invalid) reduction(+:judged))
    {
    double *my_bins = mr_thread_counts(bins, scratch, n_thr + 1);
    MR_OMP(omp for schedule(dynamic, CURVE_BLOCK) nowait)
    for (ptrdiff_t i = from; i < to; i++) {
        double p = mr_column_value(pre, i), q = mr_column_value(post, i);
        double tol = mr_pair_tolerance(p, q);
        invalid |= mr_invalid(rule, p, tol) | mr_invalid(rule, q, tol);
        int code = mr_classify_pair(rule, p, q);
        if (code == MR_NA_CODE || code == MR_ABSENT) continue;
        judged += 1;
        double change = rule->sign * (p - q);
        if (!mr_positive(change, tol)) continue;
        double magnitude = fabs(p);
        int other_met = vary_relative
            ? mr_meets_bound(change, other_threshold, tol, rule->bound_sign,
                             rule->strict)
            : mr_meets_bound(change, other_threshold * magnitude, tol,
                             rule->bound_sign, rule->strict);
        int met = thresholds_met(change, vary_relative ? magnitude : 1.0, tol,
                                 thresholds_sorted, n_thr, rule->bound_sign,
                                 rule->strict);
        if (rule->combine_any) met = other_met ? n_thr : met;
        else met = other_met ? met : 0;
        my_bins[met] += 1;
    }
    mr_team_wait(&finished, mr_thread_total());
    }
    mr_add_scratch(bins, scratch, n_thr + 1, n_threads);
    *evaluable += judged;
    bad->index = -1;
    if (invalid) *bad = mr_find_invalid(rule, pre, post, from, to);
}

void mr_curve_finish(const double *bins, int n_thr, double *alleviated)
{
    /* alleviated[j] = pairs meeting more than j thresholds. */
    double above = 0;
    for (int j = n_thr - 1; j >= 0; j--) {
        above += bins[j + 1];
        alleviated[j] = above;
    }
}
