/* Kernel: ROC analysis of a change score against a two-class anchor, for
 * estimate_mcid().
 *
 * The changes of the improved and of the other patients are sorted (one
 * LSD radix sort of each class's keys, passes that would not move anything
 * skipped) and merged into groups of equal change: values within the
 * package's tolerance (MR_TOL times their magnitude) of a group's first,
 * smallest value join that group, so decimal round-off (7 - 4.9 against
 * 2.1) makes no spurious cut-off. Everything after works on the groups:
 * one pass gives sensitivity and specificity at every cut-off, the Youden
 * optimum and the Mann-Whitney AUC; a second short pass the DeLong variance.
 *
 * Bootstrap resamples are counts per group and class, never copies of the
 * data: either the multinomial cell counts drawn as a chain of binomials
 * (cost per cell, for data with few distinct changes such as 0-10 scores)
 * or n draws of a patient (cost per patient, for many distinct changes).
 * The random numbers come from callbacks, so the kernel knows nothing of R.
 *
 * Exact comparisons: Youden's J at a cut-off is compared as the integer
 * TP * N0 + TN * N1 (= (J + 1) * N1 * N0), so ties are ties and the smallest
 * cut-off of a tie wins whatever the rounding of J. The caller keeps n below
 * 2^32, so the products fit in 64 bits. */
#include <string.h>
#include "kernels.h"

/* The order of doubles as the order of unsigned integers (NaN excluded):
 * flip every bit of a negative number, only the sign bit of a positive one. */
static inline uint64_t key_of(double x)
{
    uint64_t u;
    x += 0.0;                               /* -0 becomes +0 */
    memcpy(&u, &x, sizeof u);
    return (u >> 63) ? ~u : (u | ((uint64_t) 1 << 63));
}

static inline double double_of(uint64_t k)
{
    uint64_t u = (k >> 63) ? (k & ~((uint64_t) 1 << 63)) : ~k;
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* LSD radix sort of keys[0, n), 8 bits per pass; a pass in which every key
 * has the same byte is skipped (small whole numbers as doubles differ only
 * in their top two or three bytes). buffer holds n keys. */
static void radix_sort(uint64_t *keys, uint64_t *buffer, ptrdiff_t n)
{
    if (n < 2) return;
    static const int n_passes = 8;
    ptrdiff_t count[8][256];
    memset(count, 0, sizeof count);
    for (ptrdiff_t i = 0; i < n; i++) {
        uint64_t k = keys[i];
        for (int b = 0; b < n_passes; b++) count[b][(k >> (8 * b)) & 255]++;
    }
    uint64_t *from = keys, *to = buffer;
    for (int b = 0; b < n_passes; b++) {
        int shift = 8 * b;
        if (count[b][(from[0] >> shift) & 255] == n) continue;
        ptrdiff_t offset[256], sum = 0;
        for (int d = 0; d < 256; d++) {
            offset[d] = sum;
            sum += count[b][d];
        }
        for (ptrdiff_t i = 0; i < n; i++) {
            uint64_t k = from[i];
            to[offset[(k >> shift) & 255]++] = k;
        }
        uint64_t *swap = from;
        from = to;
        to = swap;
    }
    if (from != keys) memcpy(keys, from, (size_t) n * sizeof *keys);
}

/* v (>= first) belongs to the group that starts at first. */
static inline int same_change(double first, double v)
{
    if (v == first) return 1;
    if (!isfinite(first) || !isfinite(v)) return 0;
    double m = fabs(first) > fabs(v) ? fabs(first) : fabs(v);
    return v - first <= MR_TOL * m;
}

ptrdiff_t mr_roc_group(const double *change, const int *improved, ptrdiff_t n,
                       uint64_t *keys, uint64_t *buffer, double *value,
                       double *n_improved, double *n_other)
{
    /* improved patients' keys at the front, the others' at the back */
    ptrdiff_t front = 0, back = n;
    for (ptrdiff_t i = 0; i < n; i++) {
        if (improved[i]) keys[front++] = key_of(change[i]);
        else keys[--back] = key_of(change[i]);
    }
    ptrdiff_t n1 = front;
    radix_sort(keys, buffer, n1);
    radix_sort(keys + n1, buffer, n - n1);

    ptrdiff_t a = 0, b = n1, k = -1;
    double first = 0;
    while (a < n1 || b < n) {
        int from_improved = b >= n || (a < n1 && keys[a] <= keys[b]);
        double v = double_of(from_improved ? keys[a++] : keys[b++]);
        if (k < 0 || !same_change(first, v)) {
            k++;
            value[k] = first = v;
            n_improved[k] = 0;
            n_other[k] = 0;
        }
        if (from_improved) n_improved[k] += 1;
        else n_other[k] += 1;
    }
    return k + 1;
}

void mr_roc_sweep(const double *n_improved, const double *n_other,
                  ptrdiff_t n_groups, double *sensitivity, double *specificity,
                  mr_roc_result *out)
{
    uint64_t total1 = 0, total0 = 0;
    for (ptrdiff_t k = 0; k < n_groups; k++) {
        total1 += (uint64_t) n_improved[k];
        total0 += (uint64_t) n_other[k];
    }
    out->n_improved = (double) total1;
    out->n_other = (double) total0;
    out->best = -1;
    out->auc = NAN;
    out->auc_var = NAN;
    int defined = total1 > 0 && total0 > 0;

    /* Cut-off at group k: a patient is "positive" when its change is at
     * least the group's value, i.e. belongs to group k or above. */
    uint64_t below1 = 0, below0 = 0, best_score = 0, twice_u = 0;
    for (ptrdiff_t k = 0; k < n_groups; k++) {
        uint64_t c1 = (uint64_t) n_improved[k], c0 = (uint64_t) n_other[k];
        uint64_t tp = total1 - below1, tn = below0;
        sensitivity[k] = total1 ? (double) tp / (double) total1 : NAN;
        specificity[k] = total0 ? (double) tn / (double) total0 : NAN;
        uint64_t score = tp * total0 + tn * total1;
        if (defined && (out->best < 0 || score > best_score)) {
            out->best = k;
            best_score = score;
        }
        /* Mann-Whitney: each improved patient of this group beats the other
         * patients below it and ties (half) with those of its own group. */
        twice_u += c1 * (2 * below0 + c0);
        below1 += c1;
        below0 += c0;
    }
    if (!defined) return;
    double pairs = (double) total1 * (double) total0;
    out->auc = (double) twice_u / 2.0 / pairs;

    /* DeLong et al. (1988): the variance of the AUC from the placement
     * values, V10 of each improved patient (the share of other patients it
     * exceeds, ties counted half) and V01 of each other patient (the share
     * of improved patients that exceed it); all patients of a group share
     * their placement value. */
    if (total1 < 2 || total0 < 2) return;
    double s10 = 0, s01 = 0;
    double d1 = (double) total1, d0 = (double) total0;
    below1 = 0;
    below0 = 0;
    for (ptrdiff_t k = 0; k < n_groups; k++) {
        double c1 = n_improved[k], c0 = n_other[k];
        double above1 = d1 - (double) below1 - c1;
        double v10 = ((double) below0 + 0.5 * c0) / d0;
        double v01 = (above1 + 0.5 * c1) / d1;
        s10 += c1 * (v10 - out->auc) * (v10 - out->auc);
        s01 += c0 * (v01 - out->auc) * (v01 - out->auc);
        below1 += (uint64_t) c1;
        below0 += (uint64_t) c0;
    }
    out->auc_var = s10 / (d1 - 1) / d1 + s01 / (d0 - 1) / d0;
}

/* Measured with R's generator (10^6 patients): drawing patient by patient
 * costs about 33 ns per patient and resample, the chain of binomials about
 * 100 ns per non-empty cell; the cheaper one is chosen. */
int mr_roc_boot_by_patient(ptrdiff_t n_cells, ptrdiff_t n)
{
    return (double) n_cells * 3.0 > (double) n;
}

ptrdiff_t mr_roc_cells(const double *n_improved, const double *n_other,
                       ptrdiff_t n_groups)
{
    ptrdiff_t cells = 0;
    for (ptrdiff_t k = 0; k < n_groups; k++)
        cells += (n_improved[k] > 0) + (n_other[k] > 0);
    return cells;
}

void mr_roc_boot_layout(const double *n_improved, const double *n_other,
                        ptrdiff_t n_groups, uint32_t *group_of)
{
    ptrdiff_t p = 0;
    for (ptrdiff_t k = 0; k < n_groups; k++)
        for (ptrdiff_t c = (ptrdiff_t) n_improved[k]; c > 0; c--)
            group_of[p++] = (uint32_t) k;
    for (ptrdiff_t k = 0; k < n_groups; k++)
        for (ptrdiff_t c = (ptrdiff_t) n_other[k]; c > 0; c--)
            group_of[p++] = (uint32_t) k;
}

double mr_roc_resample(const double *value, const double *n_improved,
                       const double *n_other, ptrdiff_t n_groups, ptrdiff_t n,
                       const uint32_t *group_of, unsigned char *draws,
                       mr_rng rng, double *counts)
{
    /* counts[2k] other, counts[2k + 1] improved; zero on entry and exit */
    uint64_t total1 = 0, total0 = 0;
    if (group_of) {
        /* Draws per patient position in bytes (n of them fit in cache where
         * n doubles would not), then one sequential pass adds them into the
         * cells; a byte that would overflow spills its 255 into the cell. */
        ptrdiff_t n1 = 0;
        for (ptrdiff_t k = 0; k < n_groups; k++) n1 += (ptrdiff_t) n_improved[k];
        for (ptrdiff_t i = 0; i < n; i++) {
            ptrdiff_t p = (ptrdiff_t) rng.uniform_index(rng.state, (double) n);
            if (++draws[p] == 255) {
                counts[2 * (ptrdiff_t) group_of[p] + (p < n1)] += 255;
                draws[p] = 0;
            }
        }
        ptrdiff_t p = 0;
        for (int cls = 1; cls >= 0; cls--) {
            const double *size = cls ? n_improved : n_other;
            for (ptrdiff_t k = 0; k < n_groups; k++) {
                double sum = counts[2 * k + cls];
                for (ptrdiff_t end = p + (ptrdiff_t) size[k]; p < end; p++) {
                    sum += draws[p];
                    draws[p] = 0;
                }
                counts[2 * k + cls] = sum;
                if (cls) total1 += (uint64_t) sum;
            }
        }
        total0 = (uint64_t) n - total1;
    } else {
        /* Multinomial counts as a chain of binomials: each cell gets
         * Binomial(draws left, its patients / patients left). */
        double draws_left = (double) n, pool_left = (double) n;
        for (ptrdiff_t k = 0; k < n_groups && draws_left > 0; k++) {
            for (int cls = 1; cls >= 0; cls--) {
                double m = cls ? n_improved[k] : n_other[k];
                if (m <= 0 || draws_left <= 0) continue;
                double x = m >= pool_left ? draws_left
                    : rng.binomial(rng.state, draws_left, m / pool_left);
                counts[2 * k + cls] = x;
                draws_left -= x;
                pool_left -= m;
                if (cls) total1 += (uint64_t) x;
                else total0 += (uint64_t) x;
            }
        }
    }
    /* The sweep over the cut-offs present in the resample (clearing the
     * counts as it goes). */
    ptrdiff_t best = -1;
    uint64_t best_score = 0, below1 = 0, below0 = 0;
    int defined = total1 > 0 && total0 > 0;
    for (ptrdiff_t k = 0; k < n_groups; k++) {
        uint64_t c0 = (uint64_t) counts[2 * k], c1 = (uint64_t) counts[2 * k + 1];
        counts[2 * k] = 0;
        counts[2 * k + 1] = 0;
        if (c0 + c1 == 0) continue;
        uint64_t score = (total1 - below1) * total0 + below0 * total1;
        if (best < 0 || score > best_score) {
            best = k;
            best_score = score;
        }
        below1 += c1;
        below0 += c0;
    }
    return defined && best >= 0 ? value[best] : NAN;
}
