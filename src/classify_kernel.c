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

/* The hot loop, one function per pair of input types, combine setting and
 * boundary. Every setting is copied to a local scalar and combine_any is a
 * constant, which is what lets GCC vectorise it (see kernels.h); so is the
 * boundary (STRICT), which keeps the inclusive loop as short as it was
 * before strict rules existed (a run-time flag cost 6% more instructions,
 * callgrind, bench/NOTES.md). Values outside the
 * range are only counted here, in a double for the same reason, without the
 * tolerance (cheaper, and true for every invalid value); mr_find_invalid()
 * then locates the first invalid one with the tolerance, if any, so the loop
 * has no early exit. */
#define DEFINE_CLASSIFY_LOOP(NAME, PRE_TYPE, PRE_MISSING, POST_TYPE,          \
                             POST_MISSING, ANY, STRICT)                       \
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
        const double bound_sign = STRICT ? 1.0 : -1.0;                        \
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
                                        ANY, bound_sign, STRICT);             \
        }                                                                     \
        return outside;                                                       \
    }

/* The four input-type loops of one combine setting and boundary. */
#define DEFINE_CLASSIFY_LOOPS(PREFIX, ANY, STRICT)                            \
    DEFINE_CLASSIFY_LOOP(PREFIX##_dbl_dbl, double, missing_dbl, double,       \
                         missing_dbl, ANY, STRICT)                            \
    DEFINE_CLASSIFY_LOOP(PREFIX##_dbl_int, double, missing_dbl, int,          \
                         missing_int, ANY, STRICT)                            \
    DEFINE_CLASSIFY_LOOP(PREFIX##_int_dbl, int, missing_int, double,          \
                         missing_dbl, ANY, STRICT)                            \
    DEFINE_CLASSIFY_LOOP(PREFIX##_int_int, int, missing_int, int,             \
                         missing_int, ANY, STRICT)

DEFINE_CLASSIFY_LOOPS(all, 0, 0)
DEFINE_CLASSIFY_LOOPS(any, 1, 0)
DEFINE_CLASSIFY_LOOPS(all_strict, 0, 1)
DEFINE_CLASSIFY_LOOPS(any_strict, 1, 1)

typedef double (*classify_dd)(const mr_prepared_rule *, const double *,
                              const double *, ptrdiff_t, ptrdiff_t, int *);
typedef double (*classify_di)(const mr_prepared_rule *, const double *,
                              const int *, ptrdiff_t, ptrdiff_t, int *);
typedef double (*classify_id)(const mr_prepared_rule *, const int *,
                              const double *, ptrdiff_t, ptrdiff_t, int *);
typedef double (*classify_ii)(const mr_prepared_rule *, const int *,
                              const int *, ptrdiff_t, ptrdiff_t, int *);

/* Loops indexed by [strict][combine_any]. */
static const classify_dd loops_dd[2][2] = {
    { all_dbl_dbl, any_dbl_dbl }, { all_strict_dbl_dbl, any_strict_dbl_dbl } };
static const classify_di loops_di[2][2] = {
    { all_dbl_int, any_dbl_int }, { all_strict_dbl_int, any_strict_dbl_int } };
static const classify_id loops_id[2][2] = {
    { all_int_dbl, any_int_dbl }, { all_strict_int_dbl, any_strict_int_dbl } };
static const classify_ii loops_ii[2][2] = {
    { all_int_int, any_int_int }, { all_strict_int_int, any_strict_int_int } };

static double classify_part(const mr_prepared_rule *rule, mr_column pre,
                            mr_column post, ptrdiff_t from, ptrdiff_t to,
                            int *out)
{
    int any = rule->combine_any != 0, strict = rule->strict != 0;
    if (pre.dbl && post.dbl)
        return loops_dd[strict][any](rule, pre.dbl, post.dbl, from, to, out);
    if (pre.dbl)
        return loops_di[strict][any](rule, pre.dbl, post.int_, from, to, out);
    if (post.dbl)
        return loops_id[strict][any](rule, pre.int_, post.dbl, from, to, out);
    return loops_ii[strict][any](rule, pre.int_, post.int_, from, to, out);
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

/* ---- classification by lookup, for integer scores on a small range ----
 *
 * With both columns integer and a rule whose range is a few whole numbers
 * (0-10 pain scores), every pair the classifier can see is one of at most
 * (span + 1)^2 pairs of values, missing included. The table holds the
 * class of each, made by the classifier's own integer loop (the same code
 * on the same values, so the same class, bit for bit), and the pass reads
 * it: a few instructions per pair instead of the classifier's 66. A value
 * outside the range (an invalid one, or one within the tolerance of a
 * bound) is not looked up: the range reports it and the caller classifies
 * those rows with mr_classify_range(), which decides them as always. */

int mr_class_table_width(const mr_prepared_rule *rule)
{
    double lo = rule->lo, hi = rule->hi;
    if (!(lo >= -1e9 && hi <= 1e9 && lo <= hi) || lo != floor(lo) ||
        hi != floor(hi) || hi - lo + 1 > MR_CLASS_TABLE_VALUES)
        return 0;
    return (int) (hi - lo) + 2;
}

/* Rows of the table are 2^shift codes apart (the smallest power of two
 * not below width), so that a pair's place is a shift and an or, which
 * vectorise. */
static int table_shift(int width)
{
    int shift = 0;
    while ((1 << shift) < width) shift++;
    return shift;
}

ptrdiff_t mr_class_table_size(int width)
{
    return (ptrdiff_t) width << table_shift(width);
}

int mr_class_table_fill(const mr_prepared_rule *rule, int width, int *pre,
                        int *post, int *codes)
{
    int lo = (int) rule->lo, shift = table_shift(width);
    ptrdiff_t size = mr_class_table_size(width);
    for (int a = 0; a < width; a++) {
        for (int b = 0; b < (1 << shift); b++) {
            ptrdiff_t k = ((ptrdiff_t) a << shift) | b;
            pre[k] = a < width - 1 ? lo + a : MR_NA_CODE;
            /* b >= width: never looked up; missing */
            post[k] = b < width - 1 ? lo + b : MR_NA_CODE;
        }
    }
    mr_column pre_col = { NULL, pre }, post_col = { NULL, post };
    /* Whole-number bounds: no value of the table is outside the range. */
    return classify_part(rule, pre_col, post_col, 0, size, codes) == 0;
}

/* Pairs whose places are found (vectorised) before they are looked up. */
#define TABLE_STEP 512

int mr_classify_table_range(const int *codes, int width, int lo,
                            const int *pre, const int *post, ptrdiff_t from,
                            ptrdiff_t to, int *out)
{
    /* slots 0 .. width - 2 hold the range's values, width - 1 missing;
     * a value outside the range takes the missing slot and is reported */
    const unsigned na_slot = (unsigned) width - 1, base = (unsigned) lo;
    const unsigned na_offset = (unsigned) MR_NA_CODE - base;
    const unsigned shift = (unsigned) table_shift(width);
    unsigned place[TABLE_STEP];
    unsigned outside = 0;
    for (ptrdiff_t start = from; start < to; start += TABLE_STEP) {
        ptrdiff_t n = to - start < TABLE_STEP ? to - start : TABLE_STEP;
        const int *p = pre + start, *q = post + start;
        MR_OMP(omp simd reduction(|:outside))
        for (ptrdiff_t i = 0; i < n; i++) {
            /* unsigned: a value below lo wraps to a large offset */
            unsigned a = (unsigned) p[i] - base, b = (unsigned) q[i] - base;
            outside |= ((a >= na_slot) & (a != na_offset)) |
                       ((b >= na_slot) & (b != na_offset));
            a = a < na_slot ? a : na_slot;
            b = b < na_slot ? b : na_slot;
            place[i] = (a << shift) | b;
        }
        int *o = out + start;
        for (ptrdiff_t i = 0; i < n; i++) o[i] = codes[place[i]];
    }
    return outside == 0;
}
