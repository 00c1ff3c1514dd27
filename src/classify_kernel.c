/* Kernel: classify paired before/after values under one alleviation rule.
 * The per-pair rule is mr_classify_pair() in kernels.h; this file prepares
 * the rule and runs the loop, branch-free and parallel, one specialised loop
 * per combination of double and integer inputs. */
#include <float.h>
#include "kernels.h"

/* {change, relative} thresholds with the markers of a threshold that takes
 * no part; see mr_prepared_rule. */
static void prepare_thresholds(double change, double relative,
                               int combine_any, double out[2])
{
    int any_given = !isnan(change) || !isnan(relative);
    out[0] = !isnan(change) ? change : (combine_any ? NAN : -INFINITY);
    out[1] = !isnan(relative) ? relative : (combine_any ? NAN : -DBL_MAX);
    if (!any_given) out[0] = out[1] = NAN;
}

mr_prepared_rule mr_prepare_rule(const mr_rule *rule)
{
    mr_prepared_rule r;
    r.sign = rule->increase ? -1.0 : 1.0;
    r.absent_signed = r.sign * rule->absent_at;
    r.absent_tol = MR_TOL * mr_finite_abs(rule->absent_at);
    r.combine_any = rule->combine_any;
    prepare_thresholds(rule->min_change, rule->min_relative,
                       rule->combine_any, r.alleviate);
    prepare_thresholds(rule->worsen_change, rule->worsen_relative,
                       rule->combine_any, r.worsen);
    r.lo = rule->range_lo;
    r.hi = rule->range_hi;
    r.lo_tol = MR_TOL * mr_finite_abs(rule->range_lo);
    r.hi_tol = MR_TOL * mr_finite_abs(rule->range_hi);
    r.inf_exempt = rule->increase ? INFINITY : NAN;
    r.strict = rule->strict != 0;
    r.bound_sign = r.strict ? 1.0 : -1.0;
    return r;
}

/* How each input type marks a missing value, tested on the value already
 * converted to double: NaN for doubles, INT_MIN (exact as a double) for
 * integers. Converting first keeps the loop in one vector width. (The
 * integer marker enters the pair's tolerance in the loop, harmlessly: the
 * pair is then NA, and the range is checked without tolerance there.) */
static inline int missing_dbl(double x) { return x != x; }
static inline int missing_int(double x) { return x == (double) MR_NA_CODE; }

/* The hot loop, one function per pair of input types and combine setting.
 * Every setting is copied to a local scalar and combine_any is a constant,
 * which is what lets GCC vectorise it (see kernels.h). Values outside the
 * range are only counted here, in a double for the same reason, without the
 * tolerance (cheaper, and true for every invalid value); mr_find_invalid()
 * then locates the first invalid one with the tolerance, if any, so the loop
 * has no early exit. */
#define DEFINE_CLASSIFY_LOOP(NAME, PRE_TYPE, PRE_MISSING, POST_TYPE,          \
                             POST_MISSING, ANY)                               \
    static double NAME(const mr_prepared_rule *rule, const PRE_TYPE *pre,     \
                       const POST_TYPE *post, ptrdiff_t from, ptrdiff_t to,   \
                       int *restrict out)                                     \
    {                                                                         \
        const double sign = rule->sign, absent = rule->absent_signed;         \
        const double absent_tol = rule->absent_tol;                           \
        const double a_change = rule->alleviate[0];                           \
        const double a_relative = rule->alleviate[1];                         \
        const double w_change = rule->worsen[0];                              \
        const double w_relative = rule->worsen[1];                            \
        const double lo = rule->lo, hi = rule->hi, exempt = rule->inf_exempt; \
        const double bound_sign = rule->bound_sign;                           \
        const int strict = rule->strict;                                      \
        double outside = 0;                                                   \
        MR_OMP(omp simd reduction(+:outside))                                 \
        for (ptrdiff_t i = from; i < to; i++) {                               \
            double p = pre[i], q = post[i];                                   \
            int pre_missing = PRE_MISSING(p), post_missing = POST_MISSING(q); \
            double tol = mr_pair_tolerance(p, q);                             \
            outside += ((!pre_missing) & mr_value_outside(p, lo, hi, exempt)) | \
                       ((!post_missing) & mr_value_outside(q, lo, hi, exempt))  \
                       ? 1.0 : 0.0;                                           \
            out[i] = mr_classify_values(p, q, pre_missing | post_missing, tol, \
                                        sign, absent, absent_tol, a_change,   \
                                        a_relative, w_change, w_relative,     \
                                        ANY, bound_sign, strict);             \
        }                                                                     \
        return outside;                                                       \
    }

DEFINE_CLASSIFY_LOOP(all_dbl_dbl, double, missing_dbl, double, missing_dbl, 0)
DEFINE_CLASSIFY_LOOP(all_dbl_int, double, missing_dbl, int, missing_int, 0)
DEFINE_CLASSIFY_LOOP(all_int_dbl, int, missing_int, double, missing_dbl, 0)
DEFINE_CLASSIFY_LOOP(all_int_int, int, missing_int, int, missing_int, 0)
DEFINE_CLASSIFY_LOOP(any_dbl_dbl, double, missing_dbl, double, missing_dbl, 1)
DEFINE_CLASSIFY_LOOP(any_dbl_int, double, missing_dbl, int, missing_int, 1)
DEFINE_CLASSIFY_LOOP(any_int_dbl, int, missing_int, double, missing_dbl, 1)
DEFINE_CLASSIFY_LOOP(any_int_int, int, missing_int, int, missing_int, 1)

static double classify_part(const mr_prepared_rule *rule, mr_column pre,
                            mr_column post, ptrdiff_t from, ptrdiff_t to,
                            int *out)
{
    int any = rule->combine_any;
    if (pre.dbl && post.dbl)
        return (any ? any_dbl_dbl : all_dbl_dbl)(rule, pre.dbl, post.dbl,
                                                 from, to, out);
    if (pre.dbl)
        return (any ? any_dbl_int : all_dbl_int)(rule, pre.dbl, post.int_,
                                                 from, to, out);
    if (post.dbl)
        return (any ? any_int_dbl : all_int_dbl)(rule, pre.int_, post.dbl,
                                                 from, to, out);
    return (any ? any_int_int : all_int_int)(rule, pre.int_, post.int_,
                                             from, to, out);
}

/* Pairs a thread takes at a time from the shared range. */
#define CLASSIFY_BLOCK ((ptrdiff_t) 1 << 15)

void mr_classify_range(const mr_prepared_rule *rule, mr_column pre,
                       mr_column post, ptrdiff_t from, ptrdiff_t to, int *out,
                       int n_threads, mr_bad_value *bad)
{
    double outside = 0;
    if (n_threads <= 1 || to - from < 2 * CLASSIFY_BLOCK) {
        outside = classify_part(rule, pre, post, from, to, out);
    } else {
        /* One region for the whole range, threads taking blocks as they
         * come (a thread that starts late or is descheduled takes fewer),
         * and no spinning at its end (mr_team_wait()). */
        ptrdiff_t n_blocks = (to - from + CLASSIFY_BLOCK - 1) / CLASSIFY_BLOCK;
        int finished = 0;
        MR_OMP(omp parallel num_threads(n_threads) reduction(+:outside))
        {
            MR_OMP(omp for schedule(dynamic, 1) nowait)
            for (ptrdiff_t b = 0; b < n_blocks; b++) {
                ptrdiff_t start = from + b * CLASSIFY_BLOCK;
                ptrdiff_t end = to - start > CLASSIFY_BLOCK ? start + CLASSIFY_BLOCK : to;
                outside += classify_part(rule, pre, post, start, end, out);
            }
            mr_team_wait(&finished, mr_thread_total());
        }
    }
    /* Values outside the range may still be within its tolerance. */
    bad->index = -1;
    if (outside > 0) *bad = mr_find_invalid(rule, pre, post, from, to);
}

mr_bad_value mr_find_invalid(const mr_prepared_rule *rule, mr_column pre,
                             mr_column post, ptrdiff_t from, ptrdiff_t to)
{
    mr_bad_value bad = { -1, 0, 0 };
    for (ptrdiff_t i = from; i < to; i++) {
        double p = mr_column_value(pre, i), q = mr_column_value(post, i);
        double tol = mr_pair_tolerance(p, q);
        if (mr_invalid(rule, p, tol) || mr_invalid(rule, q, tol)) {
            bad.index = i;
            bad.which = !mr_invalid(rule, p, tol);
            bad.value = bad.which ? q : p;
            break;
        }
    }
    return bad;
}
