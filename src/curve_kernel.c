/* Kernel: alleviation counts for many values of one threshold in one pass.
 *
 * Whether a pair meets threshold t is monotone in t (for t >= 0), so for
 * each pair a binary search over the sorted thresholds finds how many of
 * them it meets; a histogram of those counts, summed from the top, gives
 * the alleviated count at every threshold: O(n log k + k), no re-sweep of
 * the data per threshold and no sort of the n changes. */
#include "kernels.h"

/* How many of the ascending thresholds x meets (they form a prefix). */
static int thresholds_met(double x, const double *thresholds, int n_thr)
{
    int lo = 0, hi = n_thr;            /* answer in [lo, hi] */
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (mr_meets(x, thresholds[mid])) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

void mr_curve_range(const mr_rule *rule, int vary_relative,
                    mr_column pre, mr_column post, ptrdiff_t from,
                    ptrdiff_t to, const double *thresholds_sorted, int n_thr,
                    double *bins, double *evaluable, mr_bad_value *bad)
{
    const double other_threshold =
        vary_relative ? rule->min_change : rule->min_relative;
    const int other_given = !isnan(other_threshold);
    bad->index = -1;
    for (ptrdiff_t i = from; i < to; i++) {
        double p = mr_column_value(pre, i), q = mr_column_value(post, i);
        if (mr_out_of_range(rule, p) || mr_out_of_range(rule, q)) {
            int post_bad = !mr_out_of_range(rule, p);
            bad->index = i; bad->which = post_bad; bad->value = post_bad ? q : p;
            return;
        }
        if (isnan(p) || isnan(q) || mr_is_absent(rule, p)) continue;
        *evaluable += 1;
        double change, relative;
        mr_change(rule, p, q, &change, &relative);
        if (!(change > 0)) continue;
        double varied = vary_relative ? relative : change;
        double other = vary_relative ? change : relative;
        int other_met = other_given && mr_meets(other, other_threshold);
        int met;
        if (rule->combine_any)
            met = other_met ? n_thr : thresholds_met(varied, thresholds_sorted, n_thr);
        else
            met = (other_given && !other_met) ? 0
                : thresholds_met(varied, thresholds_sorted, n_thr);
        bins[met] += 1;
    }
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
