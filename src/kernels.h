/*
 * Pure-C kernels of myelorelief.
 *
 * Nothing here knows about R: kernels take raw pointers and lengths, fill
 * buffers owned by the caller and report problems through return values.
 * They never allocate R objects, never signal errors and never write to
 * their inputs, so they can be tested and fuzzed outside R (tools/fuzz/).
 *
 * Conventions shared with R (asserted at load time in init.c):
 *   - a missing integer code is INT_MIN (R's NA_INTEGER);
 *   - a missing double is any NaN (R's NA_real_ is a NaN);
 *   - indices are ptrdiff_t, the type of R_xlen_t.
 */
#ifndef MYELORELIEF_KERNELS_H
#define MYELORELIEF_KERNELS_H

#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#define MR_NA_CODE INT_MIN

/* OpenMP pragmas that vanish when the compiler has no OpenMP. */
#ifdef _OPENMP
#include <omp.h>
#define MR_OMP(directive) _Pragma(#directive)
static inline int mr_thread_num(void) { return omp_get_thread_num(); }
static inline int mr_thread_total(void) { return omp_get_num_threads(); }
#else
#define MR_OMP(directive)
static inline int mr_thread_num(void) { return 0; }
static inline int mr_thread_total(void) { return 1; }
#endif

/* Rows per call of a parallel kernel (one OpenMP region, threads taking
 * blocks as they come), for the glue to check for a user interrupt between
 * calls: a 10^7-row call is one region. Regions of 2^20 rows cost two
 * threads up to twice the time of one on a busy machine (bench/NOTES.md,
 * issue 21), since each region's end waits for a thread that may not be
 * running; 2^24 rows are still well under a second of work. */
#define MR_SPAN ((ptrdiff_t) 1 << 24)

/* The end of the work of a parallel region, waited for without spinning:
 * each thread marks itself finished in *finished (0 at the region's start)
 * and then sleeps in short steps until every thread of the team has, so
 * that the region's closing barrier, where GNU OpenMP would spin (its
 * default wait policy, fixed when R starts), finds everyone there. On a
 * busy machine a thread spinning there holds a core that the thread it
 * waits for may need. */
#if defined(_OPENMP) && !defined(_WIN32)
#include <time.h>
#endif
static inline void mr_team_wait(int *finished, int n_threads)
{
#ifdef _OPENMP
    MR_OMP(omp atomic update)
    (*finished)++;
    for (int polls = 0;; polls++) {
        int done;
        MR_OMP(omp atomic read)
        done = *finished;
        if (done >= n_threads) return;
#ifndef _WIN32
        if (polls >= 64) {
            struct timespec pause = { 0, 20000 };
            nanosleep(&pause, NULL);
        }
#endif
    }
#else
    (void) finished;
    (void) n_threads;
#endif
}

/* [from, to) split into n_parts nearly equal blocks: the bounds of one
 * (each thread of a parallel region takes the block of its number). */
static inline void mr_block_of(ptrdiff_t from, ptrdiff_t to, int part,
                               int n_parts, ptrdiff_t *block_from,
                               ptrdiff_t *block_to)
{
    ptrdiff_t n = to - from;
    *block_from = from + n * part / n_parts;
    *block_to = from + n * (part + 1) / n_parts;
}

/* Parallel counting: thread 0 counts into `counts`, thread t > 0 into
 * scratch + (t - 1) * size, which the caller zeroes; mr_add_scratch() adds
 * the copies into counts (and zeroes them again). Counts are whole numbers
 * in doubles, so the sums are exact whatever the number of threads. */
static inline double *mr_thread_counts(double *counts, double *scratch,
                                       ptrdiff_t size)
{
    int t = mr_thread_num();
    return t == 0 ? counts : scratch + (ptrdiff_t) (t - 1) * size;
}

static inline void mr_add_scratch(double *counts, double *scratch,
                                  ptrdiff_t size, int n_threads)
{
    for (int t = 1; t < n_threads; t++) {
        double *copy = scratch + (ptrdiff_t) (t - 1) * size;
        for (ptrdiff_t k = 0; k < size; k++) {
            counts[k] += copy[k];
            copy[k] = 0;
        }
    }
}

/* Classes of classify_alleviation(), as 1-based factor codes. */
enum { MR_ALLEVIATED = 1, MR_UNCHANGED = 2, MR_WORSENED = 3, MR_ABSENT = 4 };

/*
 * One tolerance for every comparison in the judgement of a pair.
 *
 * Two numbers a, b are treated as equal when |a - b| <= MR_TOL * M, where M
 * is the largest FINITE magnitude among the pair's pre, post and the
 * threshold involved (|t| for an absolute threshold, |t * pre| for a
 * relative one, |absent_at|, the range bound). Infinite values (Inf walking
 * distance, absent_at = Inf, range up to Inf) and missing ones do not enter
 * M, so post = Inf still gives an infinite change. Because M follows the
 * magnitude of the values, multiplying scores, thresholds, absent_at and
 * range by 10^k changes no class: 7 -> 4.9 (0.29999999999999993 of
 * baseline in binary) meets 30%, 0.3 vs 0.1 + 0.2 are equal, on a 0..10
 * scale as on a 0..1e-6 one.
 *
 * The helpers are selects and comparisons only (no fmax(), which GCC
 * would call from libm, and no branches), so that the classification loop
 * stays vectorised.
 */
#define MR_TOL 1e-9

/* |x| when finite, else 0 (Inf and NaN take no part in M). */
static inline double mr_finite_abs(double x)
{
    double a = fabs(x);
    return a < INFINITY ? a : 0.0;
}

/* a > b ? a : b. With b NaN the result is NaN, which makes the comparison
 * using it false (a threshold that takes no part under "any", see below). */
static inline double mr_max(double a, double b) { return a > b ? a : b; }

/* The tolerance from the pair's own values: MR_TOL * max(|pre|, |post|)
 * over the finite values (a missing double is NaN and takes no part; an
 * integer NA, INT_MIN as a double, does in the classifier loop, but the
 * pair is NA then and the loop checks the range without the tolerance).
 *
 * Each comparison below uses MR_TOL * max(m, |other|) as
 * max(MR_TOL * m, MR_TOL * |other|): the same double (rounding is
 * monotone), but computed without a conditional multiplication, which
 * GCC would not if-convert (a multiplication "could trap") and so would
 * not vectorise the loop. */
static inline double mr_pair_tolerance(double pre, double post)
{
    return MR_TOL * mr_max(mr_finite_abs(pre), mr_finite_abs(post));
}

/* A change meets threshold x (x = t for an absolute threshold, t * |pre|
 * for a relative one): change >= x, or equal within the tolerance,
 * MR_TOL * max(m, x), where tol = MR_TOL * m is the pair's tolerance
 * (x >= 0 for a real threshold; the markers of a threshold that takes no
 * part are -Inf, -DBL_MAX * |pre| or NaN, which leave the tolerance at tol
 * or make the test false). Shared by the classifier and the curve, so that
 * both decide every pair identically, bit for bit.
 *
 * Monotone in x, which the curve's binary search relies on: the lowered
 * threshold x - max(tol, MR_TOL * x) is x - tol for MR_TOL * x <= tol and
 * x - MR_TOL * x above; both are increasing in x in real arithmetic, by far
 * more than the rounding of MR_TOL * x can undo (one step of x is an ulp of
 * x, the rounding of MR_TOL * x ~1e-9 of one), and rounding to double is
 * monotone; so a larger threshold is never easier to meet. */
static inline int mr_meets(double change, double x, double tol)
{
    return change >= x - mr_max(tol, MR_TOL * x);
}

/* The test of a rule with its boundary: mr_meets() for an inclusive rule
 * (strict = 0, bound_sign = -1: change >= x - m, bit for bit the same
 * double, since x + (-1) * m is x - m exactly), or, for a strict rule
 * (strict = 1, bound_sign = +1, the reliable change of Jacobson and Truax:
 * |RCI| > z), change > x + m: the change must exceed the threshold by more
 * than the tolerance m = MR_TOL * max(m_pair, x), so that a change equal
 * to the threshold on paper (0.3 - 0.1 vs 0.2) does not count. Written
 * with arithmetic and comparisons only, so that the loop stays
 * vectorised. Monotone in x as mr_meets() is (x + max(tol, MR_TOL * x)
 * increases with x), which the curve's binary search relies on. */
static inline int mr_meets_bound(double change, double x, double tol,
                                 double bound_sign, int strict)
{
    double bound = x + bound_sign * mr_max(tol, MR_TOL * x);
    return (change > bound) | ((!strict) & (change == bound));
}

/* The change is a real improvement (positive beyond the tolerance) or a
 * real deterioration; within the tolerance it is no change, whatever the
 * thresholds (also 0). */
static inline int mr_positive(double change, double tol)
{
    return change > tol;
}

static inline int mr_negative(double change, double tol)
{
    return change < -tol;
}

/* One alleviation rule, unpacked from R's alleviation_rule object.
 * A threshold of NaN takes no part. */
typedef struct {
    int increase;            /* 1 when higher is better (walking distance) */
    int combine_any;         /* 1: any given threshold suffices; 0: all */
    double min_change, min_relative;
    double worsen_change, worsen_relative;
    double absent_at;        /* absent at baseline beyond this value */
    double range_lo, range_hi;
    int strict;              /* 1: a change must exceed a threshold (one
                              * equal to it does not count); 0: reaching it
                              * suffices */
} mr_rule;

/*
 * The same rule prepared for a branch-free, vectorisable loop
 * (mr_prepare_rule()):
 *   change   = sign * (pre - post)      (pre - post, or post - pre)
 *   absent  <=> sign * pre <= absent_signed, within the tolerance
 * Each threshold pair holds the {change, relative} thresholds as given. The
 * relative test "change / |pre| >= t" is evaluated as "change >= t * |pre|":
 * no division, and at pre = 0 it gives what the relative change of +-Inf
 * gives. A threshold that takes no part is always met under "all" (-Inf
 * for change, -DBL_MAX for relative, so that -DBL_MAX * 0 is still <= 0)
 * and never met under "any" (NaN); a pair with no threshold at all (no
 * worsening) is NaN in both. The *_tol fields are MR_TOL times the finite
 * magnitudes of absent_at and the range bounds (0 when infinite).
 */
typedef struct {
    double sign, absent_signed, absent_tol;
    int combine_any;
    double alleviate[2], worsen[2];
    double lo, hi, lo_tol, hi_tol;  /* valid range and its tolerances */
    double inf_exempt;       /* Inf for "increase" (unlimited is valid), else NaN */
    int strict;              /* the boundary, see mr_meets_bound() */
    double bound_sign;       /* +1 when strict, else -1 */
} mr_prepared_rule;

mr_prepared_rule mr_prepare_rule(const mr_rule *rule);

/* The per-pair rules below take scalars rather than the struct so that the
 * hot loop can keep every setting in a register: GCC vectorises it only
 * then (and only with combine_any a compile-time constant). */

/* 1 when a change passes thresholds {t_change, t_relative} (see
 * mr_meets_bound(); bound_sign and strict are the rule's boundary);
 * `magnitude` is |pre|, tol the pair's tolerance. */
static inline int mr_passes(double change, double magnitude, double tol,
                            double t_change, double t_relative,
                            int combine_any, double bound_sign, int strict)
{
    int by_change = mr_meets_bound(change, t_change, tol, bound_sign, strict);
    int by_relative = mr_meets_bound(change, t_relative * magnitude, tol,
                                     bound_sign, strict);
    return combine_any ? (by_change | by_relative) : (by_change & by_relative);
}

/* 1 when a value is invalid for the measure: below lo beyond the tolerance,
 * -Inf, above hi beyond the tolerance or +Inf (unless it is the exempt
 * +Inf). NaN (missing) is valid. tol is the tolerance of x's pair. */
static inline int mr_value_invalid(double x, double tol, double lo,
                                   double lo_tol, double hi, double hi_tol,
                                   double inf_exempt)
{
    int below = x < lo - mr_max(tol, lo_tol);
    int above = (x > hi + mr_max(tol, hi_tol)) | (x == INFINITY);
    return below | (x == -INFINITY) | (above & (x != inf_exempt));
}

/* 1 when a value is outside the range without any tolerance (or -Inf, or a
 * non-exempt +Inf): a cheap filter for the hot loop, true for every invalid
 * value (the tolerance only widens the range) and for the rare valid value
 * within the tolerance beyond a bound; mr_find_invalid() then decides. */
static inline int mr_value_outside(double x, double lo, double hi,
                                   double inf_exempt)
{
    return (x < lo) | (x == -INFINITY) |
           (((x > hi) | (x == INFINITY)) & (x != inf_exempt));
}

/* Symptom absent at baseline: sign * pre <= absent_signed, within the
 * tolerance (absent_signed = -Inf for absent_at = Inf under "increase":
 * only pre = Inf is absent then). */
static inline int mr_absent(double signed_pre, double absent_signed,
                            double absent_tol, double tol)
{
    return signed_pre <= absent_signed + mr_max(tol, absent_tol);
}

/* Class code of one pair, following ?classify_alleviation, computed in
 * doubles with selects rather than branches (random classes would defeat
 * the branch predictor); the NA code INT_MIN is exact as a double.
 * `missing` says that either value is missing (the caller knows how its
 * input type marks it); tol is the pair's tolerance (mr_pair_tolerance()). */
static inline int mr_classify_values(double pre, double post, int missing,
                                     double tol, double sign,
                                     double absent_signed, double absent_tol,
                                     double a_change, double a_relative,
                                     double w_change, double w_relative,
                                     int combine_any, double bound_sign,
                                     int strict)
{
    double change = sign * (pre - post);
    double magnitude = fabs(pre);
    double code = MR_UNCHANGED;
    code = mr_positive(change, tol) &
           mr_passes(change, magnitude, tol, a_change, a_relative, combine_any,
                     bound_sign, strict)
           ? MR_ALLEVIATED : code;
    code = mr_negative(change, tol) &
           mr_passes(-change, magnitude, tol, w_change, w_relative, combine_any,
                     bound_sign, strict)
           ? MR_WORSENED : code;
    code = mr_absent(sign * pre, absent_signed, absent_tol, tol)
           ? MR_ABSENT : code;
    code = missing ? (double) MR_NA_CODE : code;
    return (int) code;
}

/* x invalid, tol being the tolerance of the pair x belongs to. */
static inline int mr_invalid(const mr_prepared_rule *r, double x, double tol)
{
    return mr_value_invalid(x, tol, r->lo, r->lo_tol, r->hi, r->hi_tol,
                            r->inf_exempt);
}

/* Pair values as doubles, NaN for missing. */
static inline int mr_classify_pair(const mr_prepared_rule *r, double pre,
                                   double post)
{
    return mr_classify_values(pre, post, isnan(pre) | isnan(post),
                              mr_pair_tolerance(pre, post), r->sign,
                              r->absent_signed, r->absent_tol,
                              r->alleviate[0], r->alleviate[1], r->worsen[0],
                              r->worsen[1], r->combine_any, r->bound_sign,
                              r->strict);
}

/* A numeric input column: exactly one of dbl / int is non-NULL. */
typedef struct {
    const double *dbl;
    const int *int_;
} mr_column;

static inline double mr_column_value(mr_column c, ptrdiff_t i)
{
    if (c.dbl) return c.dbl[i];
    return c.int_[i] == MR_NA_CODE ? NAN : (double) c.int_[i];
}

/* The first invalid value: index (-1 when none), which input, value. */
typedef struct {
    ptrdiff_t index;
    int which;               /* 0 = pre, 1 = post */
    double value;
} mr_bad_value;

/* ---- classify_kernel.c ------------------------------------------------ */

/* Classify pairs [from, to) into out[from, to) on n_threads threads.
 * When a value is invalid, *bad says which (index -1 when none) and out is
 * then incomplete. */
void mr_classify_range(const mr_prepared_rule *rule, mr_column pre,
                       mr_column post, ptrdiff_t from, ptrdiff_t to, int *out,
                       int n_threads, mr_bad_value *bad);

/* The first invalid value in [from, to), for error messages. */
mr_bad_value mr_find_invalid(const mr_prepared_rule *rule, mr_column pre,
                             mr_column post, ptrdiff_t from, ptrdiff_t to);

/* Classification by lookup of integer pairs on a small whole-number range
 * (classify_kernel.c). mr_class_table_width(): the width of the table of
 * the rule (its range's values and a slot for missing), or 0 when its
 * range is not of whole numbers or spans more than MR_CLASS_TABLE_VALUES.
 * mr_class_table_fill(): codes (mr_class_table_size(width) of them) from
 * the classifier itself, with pre and post scratch of as many each;
 * returns 0 if it cannot be used.
 * mr_classify_table_range(): out[from, to) by lookup; returns 0 when a
 * value is outside the range (out is then incomplete, and the caller
 * classifies the rows with mr_classify_range()). */
#define MR_CLASS_TABLE_VALUES 101
int mr_class_table_width(const mr_prepared_rule *rule);
ptrdiff_t mr_class_table_size(int width);
int mr_class_table_fill(const mr_prepared_rule *rule, int width, int *pre,
                        int *post, int *codes);
int mr_classify_table_range(const int *codes, int width, int lo,
                            const int *pre, const int *post, ptrdiff_t from,
                            ptrdiff_t to, int *out);

/* ---- patients_kernel.c ------------------------------------------------ */

/* Patient-level summary of n_symptoms class-code columns for rows
 * [from, to): the patient's class (a class code: alleviated if any symptom
 * was; else worsened if any was; else absent if every symptom was absent;
 * else unchanged if any could be judged; else MR_NA_CODE), any_alleviated
 * (1, 0 or MR_NA_CODE: the class is alleviated, another class, missing)
 * and primary (1-based index of the first alleviated symptom, or
 * MR_NA_CODE). */
void mr_summarise_patients(const int *const *codes, int n_symptoms,
                           ptrdiff_t from, ptrdiff_t to, int *patient_class,
                           int *any_alleviated, int *primary);

/* The same by lookup, for up to MR_SUMMARY_TABLE_SYMPTOMS symptoms:
 * mr_summary_table_size() (5^n_symptoms, or 0 beyond), the table (3 *
 * size ints) made by mr_summary_table_fill() with scratch of n_symptoms *
 * size ints, and the pass (a code other than 1..4 counts as NA, as in
 * mr_summarise_patients()). */
#define MR_SUMMARY_TABLE_SYMPTOMS 6
ptrdiff_t mr_summary_table_size(int n_symptoms);
void mr_summary_table_fill(int n_symptoms, ptrdiff_t size, int *scratch,
                           int *table);
void mr_summarise_patients_table(const int *const *codes, int n_symptoms,
                                 const int *table, ptrdiff_t size,
                                 ptrdiff_t from, ptrdiff_t to,
                                 int *patient_class, int *any_alleviated,
                                 int *primary);

/* ---- tabulate_kernel.c ------------------------------------------------ */

/* Number of count categories per cell: the four classes, then missing. */
#define MR_N_CATEGORIES 5

/* The category of a class code (1..4 -> 0..3, MR_NA_CODE -> 4, missing),
 * or -1 for any other code: the check of the passes per group
 * (mr_count_groups() and its weighted twin). */
static inline int mr_category(int code)
{
    unsigned slot = (unsigned) code - 1u;
    return slot < 4u ? (int) slot : code == MR_NA_CODE ? 4 : -1;
}

/* Strata as 1-based integer codes with MR_NA_CODE for missing. Stratum j
 * has n_levels[j] levels plus one more slot, last, for NA: no patient is
 * dropped for a missing stratum, and the caller drops NA slots that stay
 * empty. */
#define MR_MAX_STRATA 64

typedef struct {
    int n_strata;            /* at most MR_MAX_STRATA */
    const int *const *codes;
    const int *n_levels;
} mr_strata;

/*
 * Add rows [from, to) to counts, n_cells * n_symptoms * MR_N_CATEGORIES
 * doubles laid out as
 *   counts[(cell * n_symptoms + s) * MR_N_CATEGORIES + category].
 * Every column holds class codes 1..4 or MR_NA_CODE (counted as missing);
 * the patient-level class, when there is one, is simply the last column.
 *
 * The rows are first counted in 32-bit integer counters in scratch, zeroed:
 * n_threads * n_lanes blocks of mr_tabulate_block_size() counters, one set
 * of n_lanes per thread; row i counts in lane i % n_lanes (a power of two,
 * at most 4), so that consecutive rows hitting the same counter need not
 * wait for each other. When the table has few combinations of cells and
 * categories (mr_weighted_combos() > 0) a block holds one counter per
 * combination (a key, each row adding one to one key; the counts per
 * symptom are recovered from the keys at the end); otherwise a few slots
 * per cell and symptom, more than the categories (invalid codes count in
 * slots of their own). One parallel region covers [from, to): threads take
 * blocks of rows as they come, so the counts, exact integer sums, do not
 * depend on the threads. The blocks are then added into counts and zeroed
 * again. to - from must stay below 2^31; the caller checks for interrupts
 * between calls.
 *
 * Returns -1 on success, or the first row whose codes are out of range
 * (counts are then incomplete).
 */
ptrdiff_t mr_tabulate_block_size(ptrdiff_t n_cells, int n_symptoms);
/* Counters per copy of the weighted pass per symptom (see
 * mr_tabulate_range_weighted()). */
ptrdiff_t mr_weighted_block_size(ptrdiff_t n_cells, int n_symptoms);

ptrdiff_t mr_tabulate_range(const mr_strata *strata,
                            const int *const *symptom_codes, int n_symptoms,
                            ptrdiff_t from, ptrdiff_t to, int n_threads,
                            int n_lanes, double *counts, ptrdiff_t n_cells,
                            unsigned *scratch);

/* ---- weighted counting (tabulate_kernel.c) ---------------------------- */

/*
 * Sums of weights, the same bits whatever the order of the rows (issue 23).
 *
 * Each weight w (a finite double >= 0, at most max) becomes the integer
 * q = floor(w * 2^scale), below 2^62: mr_weight_scale() picks the scale
 * from the largest weight so that 2^61 <= max * 2^scale < 2^62. So each
 * weight is kept to within 2^-scale <= 2^-61 times the largest weight
 * (dyadic fractions and whole numbers of up to 61 bits below the largest's
 * leading bit exactly: weights all 1 give the counts). Its square is taken
 * from the same integer, exactly in 128 bits, and summed in two halves:
 * the high 64 bits, floor(q^2 / 2^64), at scale 2 * scale - 64, and the low
 * 64 bits, q^2 mod 2^64, at scale 2 * scale; so the squares of the kept
 * weights are summed exactly, however small a weight is beside the
 * largest. These integers are added in 128 bits:
 * integer addition is associative, so the sums are the same bits whatever
 * the threads, lanes, row order or chunking, and they are converted to
 * double once, at the end (rounded to nearest), then scaled back. A sum of
 * n weights is within n * 2^-61 * max of the sum of the weights as given.
 */
#if defined(__SIZEOF_INT128__)
__extension__ typedef unsigned __int128 mr_wide;
#else
typedef struct { uint64_t lo, hi; } mr_wide;
#endif

/* Largest of weights[from, to) in *max (with several threads when
 * n_threads > 1); returns -1, or the first row whose weight is negative,
 * NaN or infinite. */
ptrdiff_t mr_weights_max(const double *weights, ptrdiff_t from, ptrdiff_t to,
                         int n_threads, double *max);

/* The scale (a power of two's exponent) of weights whose largest is max
 * (0, or between 1e-150 and 1e154, as the glue requires: 2^scale is then a
 * normal double, and so are the squares' scale factors); the squares'
 * scale is 2 * scale - 64. */
int mr_weight_scale(double max);
#define MR_SQUARE_SCALE(scale) (2 * (scale) - 64)
#define MR_SQUARE_LOW_SCALE(scale) (2 * (scale))
/* Wide sums per counter: the weights, the high and the low halves of their
 * squares. */
#define MR_WIDE_SUMS 3

/* A wide sum as a double: sum * 2^-scale, rounded once. */
double mr_wide_to_double(mr_wide sum, int scale);

/* a += b */
void mr_wide_add(mr_wide *a, mr_wide b);

/* Keys of the weighted pass by key: at most this many (cells times
 * 5^n_symptoms; 2 wide sums each, per lane and thread). */
#define MR_COMBO_KEYS ((ptrdiff_t) 1 << 15)

/* The number of keys of the pass by key of n_cells cells and n_symptoms
 * symptoms, or 0 when there would be more than MR_COMBO_KEYS. */
ptrdiff_t mr_weighted_combos(ptrdiff_t n_cells, int n_symptoms);

/*
 * As mr_tabulate_range(), and in the same pass the weights, fixed-point at
 * the scale `scale` (squares at MR_SQUARE_SCALE(scale)), summed in one of
 * two ways:
 *  - key_scratch NULL: with each 32-bit counter of scratch (same layout,
 *    same lanes and threads) go two wide sums in wide_scratch (2 *
 *    n_threads * n_lanes * mr_weighted_block_size(), zeroed): the weights
 *    and their squares, at 2 * k and 2 * k + 1 for counter k;
 *  - key_scratch (2 * n_threads * n_lanes * mr_weighted_combos() wide sums,
 *    zeroed; scratch and wide_scratch unused): per thread and lane, per key
 *    (a cell and the categories of all its symptoms) the weights, and their
 *    squares with the patients, each row adding to one key (two wide
 *    additions per row rather than two per symptom and a count per
 *    symptom).
 * After the pass the sums are added into wide_totals (2 * n_cells *
 * n_symptoms * MR_N_CATEGORIES, the layout of counts with a weight and a
 * square per category) and the scratch is zeroed again. Returns as
 * mr_tabulate_range().
 */
ptrdiff_t mr_tabulate_range_weighted(const mr_strata *strata,
                                     const int *const *symptom_codes,
                                     int n_symptoms, const double *weights,
                                     int scale, ptrdiff_t from, ptrdiff_t to,
                                     int n_threads, int n_lanes,
                                     double *counts, ptrdiff_t n_cells,
                                     unsigned *scratch, mr_wide *wide_scratch,
                                     mr_wide *key_scratch,
                                     mr_wide *wide_totals);

/* Add rows [from, to) of groups to double counts laid out group by group
 * (counts[(g * n_symptoms + s) * MR_N_CATEGORIES + c]; not the column
 * layout of mr_count_groups()), and the weights and their squares into
 * wide_totals (laid out as in mr_tabulate_range_weighted()). */
ptrdiff_t mr_count_groups_weighted(const int *group,
                                   const int *const *symptom_codes,
                                   int n_symptoms, const double *weights,
                                   int scale, ptrdiff_t from, ptrdiff_t to,
                                   double *counts, mr_wide *wide_totals);

/* ---- curve_kernel.c --------------------------------------------------- */

/*
 * Alleviation counts of one rule while one threshold takes each of the
 * n_thr values in thresholds_sorted (ascending), the others fixed.
 * vary_relative: 1 to vary min_relative, 0 to vary min_change.
 * bins must hold n_thr + 1 doubles, zeroed before the first range, and
 * scratch (n_threads - 1) * (n_thr + 1) zeroed doubles; the ranges add to
 * bins and *evaluable. mr_curve_finish() turns bins into the alleviated
 * count per threshold. Invalid values are reported in *bad.
 */
void mr_curve_range(const mr_prepared_rule *rule, int vary_relative,
                    mr_column pre, mr_column post, ptrdiff_t from,
                    ptrdiff_t to, const double *thresholds_sorted, int n_thr,
                    int n_threads, double *bins, double *scratch,
                    double *evaluable, mr_bad_value *bad);

void mr_curve_finish(const double *bins, int n_thr, double *alleviated);

/* ---- mcid_kernel.c ---------------------------------------------------- */

/* Binomial draws for bootstrap resamples, from the caller's generator. */
typedef struct {
    double (*binomial)(void *state, double size, double prob);
    void *state;
} mr_rng;

typedef struct {
    ptrdiff_t best;          /* group of the Youden optimum, -1 if undefined */
    double n_improved, n_other;
    double auc;              /* Mann-Whitney, ties half; NaN if a class is empty */
    double auc_var;          /* DeLong; NaN if a class has fewer than 2 */
} mr_roc_result;

/*
 * The n changes (no NaN; -0 counts as 0) of patients improved (nonzero) or
 * not by the anchor, sorted and merged into groups of equal change: a value
 * within MR_TOL of its magnitude of a group's first value joins the group.
 * Fills value (each group's first, smallest change, ascending), n_improved
 * and n_other (counts per group), each with room for n, and returns the
 * number of groups. keys and buffer are scratch of n each. n < 2^32.
 */
ptrdiff_t mr_roc_group(const double *change, const int *improved, ptrdiff_t n,
                       uint64_t *keys, uint64_t *buffer, double *value,
                       double *n_improved, double *n_other);

/* Sensitivity P(change >= cut-off | improved) and specificity
 * P(change < cut-off | other) at each group's value, the Youden optimum
 * (the smallest cut-off of a tie), the AUC and its DeLong variance. */
void mr_roc_sweep(const double *n_improved, const double *n_other,
                  ptrdiff_t n_groups, double *sensitivity, double *specificity,
                  mr_roc_result *out);

/* ---- the private generator of bootstrap resamples (mcid_kernel.c) ----
 * xoshiro256++ (Blackman & Vigna), seeded by SplitMix64; bounded draws by
 * Lemire's nearly divisionless method (Lemire 2019, ACM TOMS 29:3), exact:
 * every value below the bound equally likely. */
typedef struct {
    uint64_t s[4];
} mr_xoshiro;

static inline uint64_t mr_rotl64(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* The reference xoshiro256plusplus.c's next(). */
static inline uint64_t mr_xoshiro_next(mr_xoshiro *g)
{
    uint64_t *s = g->s;
    uint64_t result = mr_rotl64(s[0] + s[3], 23) + s[0];
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = mr_rotl64(s[3], 45);
    return result;
}

/* Uniform on [0, bound), bound >= 1, from the upper 32 bits of outputs:
 * the product x * bound, its high word the draw; low words below
 * 2^32 mod bound are rejected (rarely: with probability < bound / 2^32). */
static inline uint32_t mr_xoshiro_below(mr_xoshiro *g, uint32_t bound)
{
    uint64_t m = (mr_xoshiro_next(g) >> 32) * (uint64_t) bound;
    uint32_t low = (uint32_t) m;
    if (low < bound) {
        uint32_t threshold = (uint32_t) (0u - bound) % bound;
        while (low < threshold) {
            m = (mr_xoshiro_next(g) >> 32) * (uint64_t) bound;
            low = (uint32_t) m;
        }
    }
    return (uint32_t) (m >> 32);
}

/* SplitMix64: advances *x and returns its next output. */
uint64_t mr_splitmix64(uint64_t *x);

/* The state of stream `stream` of `seed`: SplitMix64's outputs
 * 4 * stream .. 4 * stream + 3 from seed (never all zero). */
void mr_xoshiro_stream(mr_xoshiro *g, uint64_t seed, uint64_t stream);

/* Non-empty (group, class) cells, and whether resamples should draw
 * patient by patient (1) rather than cell counts by binomials (0). */
ptrdiff_t mr_roc_cells(const double *n_improved, const double *n_other,
                       ptrdiff_t n_groups);
int mr_roc_boot_by_patient(ptrdiff_t n_cells, ptrdiff_t n);

/* For drawing patient by patient: the group of each of the n patients,
 * improved ones first, each class in group order. */
void mr_roc_boot_layout(const double *n_improved, const double *n_other,
                        ptrdiff_t n_groups, uint32_t *group_of);

/* One bootstrap resample as counts per cell: counts[2k] other patients,
 * counts[2k + 1] improved ones of group k (2 * n_groups zeroed counters on
 * entry; n < 2^32). Resampling all n patients, or (stratified) n1 among
 * the improved and n0 among the others.
 * mr_roc_draw_cells(): Binomial(draws left, cell / patients left) for the
 * cells in group order, improved before other, empty cells skipped, the
 * last non-empty cell taking the draws left (stratified: one chain per
 * class, improved first), from the caller's generator.
 * mr_roc_draw_patients(): n draws of mr_xoshiro_below(n) pick patient
 * positions in the layout of mr_roc_boot_layout() (stratified: n1 draws of
 * below(n1), then n0 of n1 + below(n0)), g advanced past them. size[2k]
 * and size[2k + 1]: the other and improved patients of group k (the
 * layout's cells); n1 the improved patients; group_of from the layout;
 * spill_at (1..255, 255 but in tests) the count at which a position's byte
 * is added to its cell; draws n zeroed bytes and 16 more (left zeroed). */
void mr_roc_draw_cells(const double *n_improved, const double *n_other,
                       ptrdiff_t n_groups, int stratified, mr_rng rng,
                       uint32_t *counts);
void mr_roc_draw_patients(const uint32_t *size, ptrdiff_t n_groups,
                          ptrdiff_t n, ptrdiff_t n1, int stratified,
                          const uint32_t *group_of, unsigned spill_at,
                          unsigned char *draws, mr_xoshiro *g,
                          uint32_t *counts);

/* For mr_roc_boot_patient_stats(): the cell sizes as bytes, size8[2k]
 * the other and size8[2k + 1] the improved patients of group k; a size of
 * 255 or more is 255 there and its value is next in big (room for
 * 2 * n_groups), in the order group by group, improved before other. */
void mr_roc_boot_sizes(const double *n_improved, const double *n_other,
                       ptrdiff_t n_groups, unsigned char *size8, uint32_t *big);

/* The best cut-off's criterion (pROC's best.method and best.weights):
 * Youden's J; se + r sp; closeness to (0, 1), -((1 - se)^2 + r (1 - sp)^2);
 * r = (1 - prevalence) / (cost * prevalence). Ties go to the smallest
 * cut-off, or the largest with `largest`. `predictive`: also the
 * predictive MICs. */
enum { MR_BEST_YOUDEN = 0, MR_BEST_CLOSEST = 1, MR_BEST_WEIGHTED = 2 };
typedef struct {
    int criterion;
    double r;
    int largest;
    int predictive;
} mr_roc_options;

typedef struct {
    ptrdiff_t best;          /* the chosen group, -1 without both classes */
    double cutoff;           /* its value, NaN without both classes */
    double auc;              /* Mann-Whitney, ties half */
    double mic_predictive;   /* Terluin 2015; NaN if the fit fails */
    double mic_adjusted;     /* Terluin 2017 */
} mr_roc_boot_stats;

/* The statistics of counts per cell (as above; the full sample's or a
 * resample's): the best cut-off among the groups with patients, the AUC,
 * and with opt->predictive the MIC of a logistic regression of the class
 * on the change, (ln(N1 / N0) - intercept) / slope, and that MIC adjusted
 * for the proportion improved, minus (0.090 + 0.103 r) SD ln(N1 / N0) with
 * r the point-biserial correlation and SD the change's standard deviation.
 * Clears the counts. */
void mr_roc_stats(const double *value, ptrdiff_t n_groups, uint32_t *counts,
                  const mr_roc_options *opt, mr_roc_boot_stats *out);

/* One resample drawn patient by patient as mr_roc_draw_patients() draws
 * it (the same stream, the same counts) and its statistics as
 * mr_roc_stats() gives them without the predictive MICs (opt->predictive
 * is ignored), in one pass: each cell's count is summed from its
 * patients' bytes when the sweep reaches it, never stored. size8 and big
 * from mr_roc_boot_sizes(); draws n zeroed bytes and 16 more (left
 * zeroed); counts 2 * n_groups zeroed counters for spills (left zeroed). */
void mr_roc_boot_patient_stats(const double *value, ptrdiff_t n_groups,
                               const unsigned char *size8, const uint32_t *big,
                               ptrdiff_t n, ptrdiff_t n1, int stratified,
                               const uint32_t *group_of, unsigned spill_at,
                               unsigned char *draws, mr_xoshiro *g,
                               uint32_t *counts, const mr_roc_options *opt,
                               mr_roc_boot_stats *out);

/* ---- group_kernel.c --------------------------------------------------- */

/* One step of grouping rows by their strata: the ids so far (n_prev groups)
 * combined with one more column of codes (1..n_levels or MR_NA_CODE) into
 * dense ids 0..n_groups-1, in order of first appearance. The caller owns
 * the buffers: a direct table of n_prev * (n_levels + 1) ints when
 * mr_group_use_table() says so, else a hash of
 * mr_group_hash_capacity(n_rows) keys and ids. */
typedef struct {
    ptrdiff_t n_groups;      /* ids handed out so far */
    ptrdiff_t n_keys;        /* n_prev * (n_levels + 1) */
    int n_levels;
    int *table;              /* direct table, or NULL for the hash */
    uint64_t *hash_keys;     /* key + 1; 0 = empty */
    int *hash_ids;
    int bits;                /* log2 of the hash capacity */
} mr_group_step;

int mr_group_use_table(ptrdiff_t n_keys, ptrdiff_t n_rows);
ptrdiff_t mr_group_hash_capacity(ptrdiff_t n_rows);
void mr_group_start(mr_group_step *step, ptrdiff_t n_prev, int n_levels,
                    ptrdiff_t n_rows, int *table, uint64_t *hash_keys,
                    int *hash_ids);

/* Ids of rows [from, to) into ids (which may be prev itself; prev NULL for
 * the first column); first_row[id] gets the first row of each new id.
 * Returns -1, or the first row whose code is out of range. */
ptrdiff_t mr_group_range(mr_group_step *step, const int *prev,
                         const int *codes, ptrdiff_t from, ptrdiff_t to,
                         int *ids, ptrdiff_t *first_row);

/* One pass of a stable counting sort of n cells (0-based; from == NULL:
 * 0..n-1) by their code in one stratum, 1..n_levels then MR_NA_CODE, into
 * to; counts: n_levels + 1 scratch. Passes from the first stratum to the
 * last give the table order (the first stratum varying fastest). Returns
 * -1, or the first cell with a code outside its levels. */
ptrdiff_t mr_order_cells_by(const int *codes, int n_levels, const int *from,
                            ptrdiff_t n, size_t *counts, int *to);

/* Add rows [from, to) to counts laid out group by column, as the R matrix
 * of one row per group that tabulate_cohort() returns: the count of group
 * g (= group[i], 0-based), category c and symptom s at
 * counts[(c * n_symptoms + s) * n_groups + g]. Returns -1, or the first
 * row with an invalid class code. Integer counts (half the memory) while
 * the rows fit in an int; the double twin beyond. */
ptrdiff_t mr_count_groups(const int *group, const int *const *symptom_codes,
                          int n_symptoms, ptrdiff_t from, ptrdiff_t to,
                          ptrdiff_t n_groups, int *counts);
ptrdiff_t mr_count_groups_double(const int *group,
                                 const int *const *symptom_codes,
                                 int n_symptoms, ptrdiff_t from, ptrdiff_t to,
                                 ptrdiff_t n_groups, double *counts);

/* ---- durability_kernel.c ---------------------------------------------- */

/* Courses of alleviation over visits, 1-based factor codes (?durability). */
enum { MR_COURSE_SUSTAINED = 1, MR_COURSE_RELAPSED = 2, MR_COURSE_UNKNOWN = 3,
       MR_COURSE_NEVER = 4, MR_COURSE_ABSENT = 5, MR_COURSE_NOT_JUDGED = 6 };

/* Per patient results of one symptom, n_patients each, caller-owned:
 * first alleviated visit (1-based or MR_NA_CODE), visits alleviated,
 * visits judged, course code, sustained and relapsed (1, 0, MR_NA_CODE). */
typedef struct {
    int *first, *n_alleviated, *n_judged, *course, *sustained, *relapsed;
} mr_durability_out;

/* Row of each patient (1-based codes in patient) and visit (1-based codes
 * in visit) into index[(p - 1) * n_visits + (v - 1)], -1 where absent.
 * Returns -1, or the first row with a code out of range (*duplicate 0) or
 * a patient and visit already seen (*duplicate 1). */
ptrdiff_t mr_visits_index(const int *patient, const int *visit,
                          ptrdiff_t n_rows, ptrdiff_t n_patients,
                          int n_visits, ptrdiff_t *index, int *duplicate);

/* One symptom's class codes for patients [from, to): the row of patient p
 * (0-based) at visit v is index[p * n_visits + v] (-1: missing), or
 * v * n_patients + p when index is NULL (the layout classify_visits()
 * makes). Fills out[p] and adds to states (n_visits * 4: alleviated, not
 * alleviated, absent, missing per visit) and transitions ((n_visits - 1) *
 * 9: from visit v to v + 1, [v * 9 + from * 3 + to] over the states
 * alleviated, not alleviated, missing; patients absent at baseline left
 * out). visit_state is scratch of n_visits ints. Returns 1 on a code that
 * is not a class (then out is incomplete), else 0. */
int mr_durability_range(const int *codes, const ptrdiff_t *index,
                        ptrdiff_t n_patients, int n_visits, ptrdiff_t from,
                        ptrdiff_t to, const mr_durability_out *out,
                        int *visit_state, double *states,
                        double *transitions);

/* The pass by visit patterns, for at most MR_PATTERN_VISITS visits. A
 * patient's pattern holds 2 bits per visit (visit v at bits 2v, 2v + 1):
 * 0 alleviated, 1 not alleviated (unchanged or worsened), 2 absent, 3
 * missing, so there are 4^n_visits patterns. */
#define MR_PATTERN_VISITS 6

/* A pattern's results, as mr_durability_range() gives them for a patient
 * with those classes. */
typedef struct {
    int first, n_alleviated, n_judged, course, sustained, relapsed;
} mr_course;

/* Fill table[4^n_visits] by running mr_durability_range() on one patient
 * of each pattern (so both passes follow the same rules). */
void mr_durability_patterns(int n_visits, mr_course *table);

/* As mr_durability_range(), but the results are looked up in table by the
 * patient's pattern, and only pattern_counts (4^n_visits, the patients of
 * each pattern) is added to. Returns 1 on a code that is not a class. */
int mr_durability_pattern_range(const int *codes, const ptrdiff_t *index,
                                ptrdiff_t n_patients, int n_visits,
                                ptrdiff_t from, ptrdiff_t to,
                                const mr_course *table,
                                const mr_durability_out *out,
                                double *pattern_counts);

/* Add the states and transitions of the patients counted by pattern in
 * pattern_counts to states and transitions (laid out as for
 * mr_durability_range()). */
void mr_durability_add_patterns(int n_visits, const double *pattern_counts,
                                double *states, double *transitions);

/* Distinct integer ids, for the checks of classify_visits() and
 * durability(): the smallest and largest of x[from, to) (into *lo, *hi,
 * which the caller starts at INT_MAX and INT_MIN; MR_NA_CODE is INT_MIN);
 * then, for a bitmap of hi - lo + 1 zeroed bits, mr_mark_distinct() sets
 * bit x[i] - lo for i in [from, to) and returns 0 as soon as one was
 * already set (a value repeats), else 1. */
void mr_int_range(const int *x, ptrdiff_t from, ptrdiff_t to, int *lo,
                  int *hi);
int mr_mark_distinct(const int *x, ptrdiff_t from, ptrdiff_t to, int lo,
                     unsigned char *bitmap);

/* ---- string_codes_kernel.c ------------------------------------------- */

/* Codes 1..k for strings (pointers) from..to-1, numbered in order of first
 * appearance, MR_NA_CODE where the pointer is `na`; first[j] gets the first
 * index of string j. keys and ids hold 2^bits slots, with 2^bits > n, keys
 * all zero before the first range. n_distinct: strings numbered so
 * far (0 on the first range). Returns the new number of distinct strings. */
ptrdiff_t mr_string_codes(const void *const *strings, ptrdiff_t from,
                          ptrdiff_t to, const void *na, int bits,
                          uintptr_t *keys, int *ids, int *codes,
                          int *first, ptrdiff_t n_distinct);

/* The first 8 bytes of a NUL-terminated string as a big-endian number,
 * zeros past its end: prefixes compare as the strings' starts do. */
uint64_t mr_string_prefix(const char *s);

/* order[0..n): the indices of the n NUL-terminated strings in ascending
 * order of their bytes compared unsigned (strcmp()'s order; equal strings
 * in any order). keys: on entry keys[i] = mr_string_prefix(strings[i]);
 * then scratch, as keys2 and order2, all of n. */
void mr_sort_strings(const char *const *strings, ptrdiff_t n, int *order,
                     uint64_t *keys, uint64_t *keys2, int *order2);

/* ---- table_columns_kernel.c ------------------------------------------ */

/* out[r] = column[rows[r] - 1] (rows 1-based; NULL: column[r]) for r in
 * from..to-1. */
void mr_gather_doubles(const double *column, const int *rows, ptrdiff_t from,
                       ptrdiff_t to, double *out);
void mr_gather_ints(const int *column, const int *rows, ptrdiff_t from,
                    ptrdiff_t to, int *out);

/* As mr_gather_doubles(), from integer counts. */
void mr_gather_ints_as_doubles(const int *column, const int *rows,
                               ptrdiff_t from, ptrdiff_t to, double *out);

/* The sum of n doubles, accumulated in long double (as colSums()). */
double mr_column_total(const double *column, ptrdiff_t n);
/* The same of integer counts (exact: the same double as of their doubles). */
double mr_int_column_total(const int *column, ptrdiff_t n);

/* Rates x / n and Wilson score bounds for rows from..to-1, the operations
 * of R's proportion_interval(, "wilson") in its order; na (NA_real_) where
 * n is 0 or a value is NaN. */
void mr_wilson_rows(const double *x, const double *n, ptrdiff_t from,
                    ptrdiff_t to, double z, double na, double *estimate,
                    double *lower, double *upper);

/* ---- score_kernel.c --------------------------------------------------- */

/* Statistics per cell of score_change(), in the order of R's
 * score_stat_names: n, n_missing, n_infinite, then
 * mean, sd, median, q1, q3 of pre; the same of post; mean and sd of the
 * change; the signed-rank V, nonzero changes, ties, zeros, sum t^3 - t. */
#define MR_SCORE_STATS 20

/* Counts per cell (counts[3 * cell + 0..2]: both values finite, one or
 * both missing, an infinite value) of rows [from, to); cell NULL for one
 * cell, MR_NA_CODE rows skipped. Returns -1, or the first row with a value
 * outside [lo, hi] (*which 0 for pre, 1 for post) or a cell code outside
 * 0..n_cells-1 (*which 2). */
ptrdiff_t mr_score_count(mr_column pre, mr_column post, const int *cell,
                         int n_cells, ptrdiff_t from, ptrdiff_t to, double lo,
                         double hi, double *counts, int *which);

/* The finite pairs of rows [from, to) into x0/x1 at next[cell]++ (the
 * cells' start offsets, a counting sort). */
void mr_score_scatter(mr_column pre, mr_column post, const int *cell,
                      ptrdiff_t from, ptrdiff_t to, ptrdiff_t *next,
                      double *x0, double *x1);

/* Buckets of the radix selection of quartiles (the top 16 bits). */
#define MR_SCORE_BUCKETS 65536

/* Caller-owned scratch of the cell statistics: hist, 2 * MR_SCORE_BUCKETS
 * counts; gather, room for 2 * m values (only the few buckets holding the
 * quartiles are written, so most of it is never touched); change and tmp,
 * m doubles each, only with ranks. */
typedef struct {
    ptrdiff_t *hist;
    double *gather, *change, *tmp;
} mr_score_scratch;

/* Radix selection of the quartiles of one column (score_kernel.c). */
typedef struct {
    double index[3];
    ptrdiff_t rank[6], below[6];
    int slot_of[6], n_slots;
    ptrdiff_t slot_start[6], slot_size[6], next[6], slot_bucket[6];
    double first[6];         /* a slot's first value seen */
    int seen[6], differs[6]; /* whether a slot holds other values too */
    ptrdiff_t *map;          /* the histogram, turned into the map */
    double *gather;
} mr_quartile_plan;

/* The statistics of one cell, accumulated over its rows in passes that
 * may each run over consecutive chunks of the rows [from, to):
 *   mr_score_start();
 *   mr_score_first() over the rows (counts, range check, sums, histograms;
 *     returns -1 or the first row with a value outside [lo, hi], *which
 *     0 for pre, 1 for post);
 *   mr_score_plan();
 *   mr_score_second() over the rows (deviations, quartile buckets, and the
 *     changes with ranks);
 *   if (mr_score_third_needed()) mr_score_third() over the rows;
 *   mr_score_finish(): MR_SCORE_STATS values into out, NaN where undefined.
 * Pairs count as used (both values finite), missing (one or both NaN) or
 * infinite. change = post - pre when increase, else pre - post. The
 * signed-rank statistics (V, nonzero, ties, zeros, sum t^3 - t) only with
 * ranks (else 0). quartiles_too = 0 for a cell whose values the caller
 * owns as contiguous copies own_pre, own_post (all pairs finite):
 * mr_score_finish() then selects within them, rearranging them. */
typedef struct {
    int increase, quartiles_too, ranks, g0, g1;
    double lo, hi;
    const mr_score_scratch *scratch;
    double s0, s1, m0, m1, mc, t0, t1, tc, q0, q1, qc;
    ptrdiff_t used, missing, infinite, n_change;
    mr_quartile_plan p0, p1;
} mr_score_state;

void mr_score_start(mr_score_state *st, int increase, int quartiles_too,
                    double lo, double hi, const mr_score_scratch *scratch,
                    int ranks);
ptrdiff_t mr_score_first(mr_score_state *st, mr_column pre, mr_column post,
                         ptrdiff_t from, ptrdiff_t to, int *which);
void mr_score_plan(mr_score_state *st);
void mr_score_second(mr_score_state *st, mr_column pre, mr_column post,
                     ptrdiff_t from, ptrdiff_t to);
int mr_score_third_needed(mr_score_state *st);
void mr_score_third(mr_score_state *st, mr_column pre, mr_column post,
                    ptrdiff_t from, ptrdiff_t to);
void mr_score_finish(mr_score_state *st, double *own_pre, double *own_post,
                     double *out);

/* ---- csv_kernel.c (tabulate_source()'s CSV reader) ------------------- */

/* One field of a record: bytes [start, end) of the buffer, quotes
 * included, and what reading its value needs. */
enum { MR_CSV_QUOTED = 1, MR_CSV_CR = 2, MR_CSV_HIGH = 4 };
typedef struct {
    ptrdiff_t start, end;
    int flags;
} mr_csv_field;

/* Outcomes of mr_csv_records(). */
enum { MR_CSV_OK = 0, MR_CSV_MORE, MR_CSV_FIELDS, MR_CSV_OPEN_QUOTE,
       MR_CSV_NUL };

void mr_csv_init(void);

/* Line ends in buf[from, to) ("\n", or "\r" where there are more). */
ptrdiff_t mr_csv_count_line_ends(const unsigned char *buf, ptrdiff_t from,
                                 ptrdiff_t to);

/* Up to max_rec records of buf[*pos, len), each of n_fields fields; field j
 * is stored in fields[record * n_slots + slot[j]] when slot[j] >= 0, and
 * rec_line[record] is the line the record starts on. *line counts the
 * lines before *pos. Without eof, stops before a record the buffer ends
 * in (MR_CSV_MORE). Stops at a record of another number of fields
 * (MR_CSV_FIELDS, their number in *found_fields), an open quote at the
 * end (MR_CSV_OPEN_QUOTE) or a nul byte (MR_CSV_NUL), with *pos and *line
 * at the start of that record. *n_rec: the records read. */
int mr_csv_records(const unsigned char *buf, ptrdiff_t len, int eof,
                   int n_fields, const int *slot, int n_slots,
                   ptrdiff_t max_rec, ptrdiff_t *pos, double *line,
                   mr_csv_field *fields, double *rec_line, ptrdiff_t *n_rec,
                   int *found_fields);

/* The value of a field's n bytes (quotes undone, "\r\n" and "\r" inside
 * quotes read as "\n") into dst (n bytes at most); its length. */
ptrdiff_t mr_csv_unquote(const unsigned char *src, ptrdiff_t n, char *dst);

/* 1 and *value when s[0, n) is [+-]?[0-9]{1,15}: the double R_strtod()
 * gives (digits summed exactly, times the sign). */
int mr_csv_plain_integer(const char *s, ptrdiff_t n, double *value);

/* 1 when s[0, n) is ASCII white space only (empty too); 1 when it is
 * white space, "NA", white space (the missing text of a measurement). */
int mr_csv_blank(const char *s, ptrdiff_t n);
int mr_csv_blank_na(const char *s, ptrdiff_t n);

#endif
