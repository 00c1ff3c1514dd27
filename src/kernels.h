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

#define MR_NA_CODE INT_MIN

/* Classes of classify_alleviation(), as 1-based factor codes. */
enum { MR_ALLEVIATED = 1, MR_UNCHANGED = 2, MR_WORSENED = 3, MR_ABSENT = 4 };

/* Threshold comparisons are inclusive and forgive decimal round-off:
 * x meets t when x >= t - MR_TOL * max(1, |t|). 7 -> 4.9 is 30% on paper
 * but 0.29999999999999993 in binary; the tolerance makes it count. */
#define MR_TOL 1e-9

static inline int mr_meets(double x, double t)
{
    return x >= t - MR_TOL * fmax(1.0, fabs(t));
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
} mr_rule;

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

/* Where a value broke the rule's range: index, which input, and why. */
typedef struct {
    ptrdiff_t index;         /* -1 when every value is valid */
    int which;               /* 0 = pre, 1 = post */
    double value;
} mr_bad_value;

/* ---- classify_kernel.c ------------------------------------------------ */

/* 1 when `change` (and its `relative` share of baseline) passes the given
 * thresholds under the rule's combine setting; 0 when no threshold is set. */
int mr_passes(double change, double relative, double min_change,
              double min_relative, int combine_any);

/* Change in the better direction and its share of |pre|; pre is finite. */
void mr_change(const mr_rule *rule, double pre, double post,
               double *change, double *relative);

/* 1 when the baseline means the symptom was absent. */
static inline int mr_is_absent(const mr_rule *rule, double pre)
{
    return rule->increase ? pre >= rule->absent_at : pre <= rule->absent_at;
}

/* 1 when a non-missing value is outside what the rule's measure allows. */
int mr_out_of_range(const mr_rule *rule, double x);

/* Class code of one pair (MR_NA_CODE when either is missing); the values
 * must already have passed mr_out_of_range(). */
int mr_classify_one(const mr_rule *rule, double pre, double post);

/* Classify pairs [from, to) into out[from, to). Returns the first invalid
 * value in *bad (index -1 when none); out is then incomplete. */
void mr_classify_range(const mr_rule *rule, mr_column pre, mr_column post,
                       ptrdiff_t from, ptrdiff_t to, int *out,
                       mr_bad_value *bad);

/* ---- patients_kernel.c ------------------------------------------------ */

/* Patient-level summary of n_symptoms class-code columns for rows
 * [from, to): any_alleviated (1, 0 or MR_NA_CODE) and primary (1-based
 * index of the first alleviated symptom, or MR_NA_CODE). */
void mr_summarise_patients(const int *const *codes, int n_symptoms,
                           ptrdiff_t from, ptrdiff_t to,
                           int *any_alleviated, int *primary);

/* ---- tabulate_kernel.c ------------------------------------------------ */

/* Number of count categories per cell: the four classes, then missing. */
#define MR_N_CATEGORIES 5

/* Strata as 1-based integer codes with MR_NA_CODE for missing. Stratum j
 * has n_levels[j] levels plus one more slot, last, for NA: no patient is
 * dropped for a missing stratum, and the caller drops NA slots that stay
 * empty. */
typedef struct {
    int n_strata;
    const int *const *codes;
    const int *n_levels;
} mr_strata;

/*
 * Add rows [from, to) to counts, laid out as
 *   counts[(cell * (n_symptoms + 1) + s) * MR_N_CATEGORIES + category],
 * with s = n_symptoms for the patient-level "any" column (TRUE counted as
 * alleviated, FALSE as unchanged, NA as missing).
 * Returns -1 on success, or the first row whose codes are out of range.
 */
ptrdiff_t mr_tabulate_range(const mr_strata *strata,
                            const int *const *symptom_codes, int n_symptoms,
                            const int *any_alleviated,
                            ptrdiff_t from, ptrdiff_t to, double *counts);

/* ---- curve_kernel.c --------------------------------------------------- */

/*
 * Alleviation counts of one rule while one threshold takes each of the
 * n_thr values in thresholds_sorted (ascending), the others fixed.
 * vary_relative: 1 to vary min_relative, 0 to vary min_change.
 * bins must hold n_thr + 1 zeroed doubles; on return alleviated[j] holds
 * the count for thresholds_sorted[j] and *evaluable the judged pairs.
 * Returns the first invalid value in *bad (index -1 when none).
 */
void mr_curve_range(const mr_rule *rule, int vary_relative,
                    mr_column pre, mr_column post, ptrdiff_t from,
                    ptrdiff_t to, const double *thresholds_sorted, int n_thr,
                    double *bins, double *evaluable, mr_bad_value *bad);

void mr_curve_finish(const double *bins, int n_thr, double *alleviated);

#endif
