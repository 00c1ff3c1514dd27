/* Kernel: classify paired before/after values under one alleviation rule.
 * The numbered steps follow ?classify_alleviation. */
#include "kernels.h"

int mr_passes(double change, double relative, double min_change,
              double min_relative, int combine_any)
{
    int use_change = !isnan(min_change), use_relative = !isnan(min_relative);
    if (!use_change && !use_relative) return 0;
    int meets_change = use_change && mr_meets(change, min_change);
    int meets_relative = use_relative && mr_meets(relative, min_relative);
    if (combine_any) return meets_change || meets_relative;
    return (!use_change || meets_change) && (!use_relative || meets_relative);
}

void mr_change(const mr_rule *rule, double pre, double post,
               double *change, double *relative)
{
    /* post = Inf (walks without limit) gives change Inf for "increase". */
    double d = rule->increase ? post - pre : pre - post;
    *change = d;
    if (pre != 0) *relative = d / fabs(pre);
    else *relative = d > 0 ? INFINITY : (d < 0 ? -INFINITY : 0.0);
}

int mr_out_of_range(const mr_rule *rule, double x)
{
    if (isnan(x)) return 0;
    if (x == INFINITY) return !rule->increase;   /* unlimited distance only */
    if (x == -INFINITY) return 1;
    return x < rule->range_lo || x > rule->range_hi;
}

int mr_classify_one(const mr_rule *rule, double pre, double post)
{
    if (isnan(pre) || isnan(post)) return MR_NA_CODE;          /* step 1 */
    if (mr_is_absent(rule, pre)) return MR_ABSENT;              /* step 2 */
    double change, relative;
    mr_change(rule, pre, post, &change, &relative);             /* step 3 */
    if (change > 0 &&                                           /* step 4 */
        mr_passes(change, relative, rule->min_change, rule->min_relative,
                  rule->combine_any))
        return MR_ALLEVIATED;
    if (change < 0 &&                                           /* step 5 */
        mr_passes(-change, -relative, rule->worsen_change,
                  rule->worsen_relative, rule->combine_any))
        return MR_WORSENED;
    return MR_UNCHANGED;                                        /* step 6 */
}

void mr_classify_range(const mr_rule *rule, mr_column pre, mr_column post,
                       ptrdiff_t from, ptrdiff_t to, int *out,
                       mr_bad_value *bad)
{
    bad->index = -1;
    for (ptrdiff_t i = from; i < to; i++) {
        double p = mr_column_value(pre, i), q = mr_column_value(post, i);
        if (mr_out_of_range(rule, p)) {
            bad->index = i; bad->which = 0; bad->value = p;
            return;
        }
        if (mr_out_of_range(rule, q)) {
            bad->index = i; bad->which = 1; bad->value = q;
            return;
        }
        out[i] = mr_classify_one(rule, p, q);
    }
}
