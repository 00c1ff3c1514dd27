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
 * The binomials come from a callback (R's generator), so the kernel knows
 * nothing of R; the patient draws from the kernel's own generator
 * (xoshiro256++, one stream per resample), so resamples can run on any
 * thread. One function, mr_roc_stats(), gives the statistics of the full
 * sample and of every resample drawn as cell counts: the best cut-off, the
 * AUC, and the predictive MICs. A resample drawn patient by patient
 * without the predictive MICs is counted per patient in bytes and swept
 * as it is summed (mr_roc_boot_patient_stats()), so its cell counts are
 * never stored; the same draws give the same statistics.
 *
 * Exact comparisons: Youden's J at a cut-off is compared as the integer
 * TP * N0 + TN * N1 (= (J + 1) * N1 * N0), so ties are ties and the smallest
 * (or, asked, the largest) cut-off of a tie wins whatever the rounding of
 * J; the weighted criteria are compared in doubles, as pROC does. The
 * caller keeps n below 2^32, so the products fit in 64 bits. */
#include <float.h>
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

/* ---- the private generator --------------------------------------------
 * xoshiro256++ (Blackman & Vigna 2021, "Scrambled linear pseudorandom
 * number generators", ACM TOMS 47:36), its state seeded by SplitMix64
 * (Steele, Lea & Flood 2014), the seeding its authors recommend. Stream s of
 * a seed takes SplitMix64's outputs 4s .. 4s + 3 from that seed: the streams
 * of one seed start from distinct states, and which stream a resample uses
 * depends on the resample's number only, never on a thread. */

uint64_t mr_splitmix64(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

void mr_xoshiro_stream(mr_xoshiro *g, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed + 4 * stream * UINT64_C(0x9e3779b97f4a7c15);
    for (int j = 0; j < 4; j++) g->s[j] = mr_splitmix64(&x);
}

/* ---- bootstrap resamples ------------------------------------------------ */

/* Measured on one thread at 10^6 patients: drawing patient by patient with
 * the private generator costs about 4 ns per patient and resample (draw,
 * count, fold), the chain of binomials with R's generator about 100 ns per
 * non-empty cell; the cheaper one is chosen. (About 3 ns per patient since
 * the fold joined the sweep; the rule is kept as it was, since the choice
 * decides which draws, and so which results, a seed gives.) */
int mr_roc_boot_by_patient(ptrdiff_t n_cells, ptrdiff_t n)
{
    return (double) n_cells * 25.0 > (double) n;
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

void mr_roc_draw_cells(const double *n_improved, const double *n_other,
                       ptrdiff_t n_groups, int stratified, mr_rng rng,
                       uint32_t *counts)
{
    /* Multinomial counts as a chain of binomials: each cell gets
     * Binomial(draws left, its patients / patients left); stratified, one
     * chain per class (improved first). */
    double total1 = 0, total0 = 0;
    for (ptrdiff_t k = 0; k < n_groups; k++) {
        total1 += n_improved[k];
        total0 += n_other[k];
    }
    for (int pass = 0; pass < (stratified ? 2 : 1); pass++) {
        double draws_left = stratified ? (pass == 0 ? total1 : total0)
                                       : total1 + total0;
        double pool_left = draws_left;
        for (ptrdiff_t k = 0; k < n_groups && draws_left > 0; k++) {
            for (int cls = 1; cls >= 0; cls--) {
                if (stratified && cls != (pass == 0)) continue;
                double m = cls ? n_improved[k] : n_other[k];
                if (m <= 0 || draws_left <= 0) continue;
                double x = m >= pool_left ? draws_left
                    : rng.binomial(rng.state, draws_left, m / pool_left);
                counts[2 * k + cls] = (uint32_t) x;
                draws_left -= x;
                pool_left -= m;
            }
        }
    }
}

#ifndef MR_DRAW_BATCH
#define MR_DRAW_BATCH 64
#endif
#if defined(__GNUC__) && !defined(__clang__)
#define MR_UNROLL _Pragma("GCC unroll 4")
#else
#define MR_UNROLL
#endif
#if defined(__GNUC__)
#define MR_PREFETCH(address) __builtin_prefetch((address), 1, 3)
#else
#define MR_PREFETCH(address) ((void) 0)
#endif

/* The sum of the bytes d[0, c), eight at a time: the bytes of a word added
 * pairwise into 16-bit lanes, the lanes by one multiplication; the last
 * word masked to its c % 8 bytes. Reads up to 7 bytes past d + c (the
 * caller's buffer has 8 bytes to spare). */
static inline uint32_t byte_sum(const unsigned char *d, uint32_t c)
{
    const uint64_t lanes = UINT64_C(0x00ff00ff00ff00ff);
    uint64_t sum = 0;
    uint32_t j = 0;
    for (; j + 8 <= c; j += 8) {
        uint64_t w;
        memcpy(&w, d + j, 8);
        w = (w & lanes) + ((w >> 8) & lanes);
        sum += (w * UINT64_C(0x0001000100010001)) >> 48;
    }
    if (j < c) {
        uint64_t w;
        memcpy(&w, d + j, 8);
        w &= ~UINT64_C(0) >> (8 * (8 - (c - j)));
        w = (w & lanes) + ((w >> 8) & lanes);
        sum += (w * UINT64_C(0x0001000100010001)) >> 48;
    }
    return (uint32_t) sum;
}

/* The n (or n1 and n - n1) draws of a resample, counted per patient
 * position in the bytes of draws; a byte that reaches spill_at spills into
 * its cell of counts, sets *spilled and, for an improved patient (position
 * below n1), adds to *spilled_improved. */
static void draw_positions(ptrdiff_t n, ptrdiff_t n1, int stratified,
                           const uint32_t *group_of, unsigned spill_at,
                           unsigned char *draws, mr_xoshiro *g,
                           uint32_t *counts, uint64_t *spilled_improved,
                           int *spilled)
{
    /* The generator's state is a local copy, so that the byte stores
     * (which may alias anything) do not force it to memory. */
    mr_xoshiro local = *g;
    ptrdiff_t from[2] = { 0, n1 }, m[2] = { n, 0 };
    if (stratified) {
        m[0] = n1;
        m[1] = n - n1;
    }
    unsigned char limit = (unsigned char) spill_at;
    uint64_t spill1 = 0;
    int spill = 0;
    /* Positions are drawn in batches and fetched ahead of their count:
     * the bytes are out of the first-level cache, and the generator is
     * faster than a miss. */
    uint32_t batch[MR_DRAW_BATCH];
    for (int part = 0; part < 2; part++) {
        if (m[part] <= 0) continue;
        unsigned char *base = draws + from[part];
        uint32_t bound = (uint32_t) m[part];
        for (ptrdiff_t i = 0; i < m[part]; i += MR_DRAW_BATCH) {
            int size_b = m[part] - i < MR_DRAW_BATCH ? (int) (m[part] - i)
                                                     : MR_DRAW_BATCH;
            if (size_b == MR_DRAW_BATCH) {
                /* a whole batch: a loop of known length, unrolled */
                MR_UNROLL
                for (int j = 0; j < MR_DRAW_BATCH; j++) {
                    batch[j] = mr_xoshiro_below(&local, bound);
                    MR_PREFETCH(base + batch[j]);
                }
            } else {
                for (int j = 0; j < size_b; j++) {
                    batch[j] = mr_xoshiro_below(&local, bound);
                    MR_PREFETCH(base + batch[j]);
                }
            }
            MR_UNROLL
            for (int j = 0; j < size_b; j++) {
                uint32_t p = batch[j];
                if (++base[p] == limit) {
                    ptrdiff_t q = from[part] + (ptrdiff_t) p;
                    counts[2 * (ptrdiff_t) group_of[q] + (q < n1)] += limit;
                    base[p] = 0;
                    spill = 1;
                    if (q < n1) spill1 += limit;
                }
            }
        }
    }
    *g = local;
    *spilled = spill;
    *spilled_improved = spill1;
}

void mr_roc_draw_patients(const uint32_t *size, ptrdiff_t n_groups,
                          ptrdiff_t n, ptrdiff_t n1, int stratified,
                          const uint32_t *group_of, unsigned spill_at,
                          unsigned char *draws, mr_xoshiro *g,
                          uint32_t *counts)
{
    /* Draws per patient position in bytes (n of them fit in cache where
     * n counters per cell would not). */
    int spilled;
    uint64_t spilled_improved;
    draw_positions(n, n1, stratified, group_of, spill_at, draws, g, counts,
                   &spilled_improved, &spilled);
    /* The bytes into the cells: size[2k + cls] patients of group k and class
     * cls, improved ones (cls 1) first in the layout. */
    const unsigned char *d = draws;
    for (int cls = 1; cls >= 0; cls--) {
        for (ptrdiff_t k = 0; k < n_groups; k++) {
            uint32_t c = size[2 * k + cls];
            counts[2 * k + cls] += byte_sum(d, c);
            d += c;
        }
    }
    memset(draws, 0, (size_t) n);
}

void mr_roc_boot_sizes(const double *n_improved, const double *n_other,
                       ptrdiff_t n_groups, unsigned char *size8, uint32_t *big)
{
    ptrdiff_t b = 0;
    for (ptrdiff_t k = 0; k < n_groups; k++) {
        for (int cls = 1; cls >= 0; cls--) {
            double m = cls ? n_improved[k] : n_other[k];
            if (m >= 255) {
                size8[2 * k + cls] = 255;
                big[b++] = (uint32_t) m;
            } else {
                size8[2 * k + cls] = (unsigned char) m;
            }
        }
    }
}

#if defined(__SSE2__) && defined(__x86_64__)   /* (_mm_cvtsi128_si64: x86-64 only) */
#include <emmintrin.h>
/* 16 bytes of ones then 16 of zeros: mask_bytes + 16 - c keeps c bytes. */
static const unsigned char mask_bytes[32] = {
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
};
/* The sum of the bytes d[0, c) by sums of absolute differences from zero
 * (psadbw), 16 bytes at a time, the last 16 masked to the c % 16 left.
 * Reads up to 15 bytes past d + c (the caller's buffer has 16 to spare). */
static inline uint32_t cell_sum(const unsigned char *d, uint32_t c)
{
    const __m128i zero = _mm_setzero_si128();
    __m128i acc = zero;
    for (; c >= 16; c -= 16, d += 16)
        acc = _mm_add_epi64(acc, _mm_sad_epu8(
            _mm_loadu_si128((const __m128i *) (const void *) d), zero));
    __m128i v = _mm_and_si128(
        _mm_loadu_si128((const __m128i *) (const void *) d),
        _mm_loadu_si128((const __m128i *) (const void *) (mask_bytes + 16 - c)));
    acc = _mm_add_epi64(acc, _mm_sad_epu8(v, zero));
    return (uint32_t) _mm_cvtsi128_si32(acc) +
        (uint32_t) _mm_cvtsi128_si32(_mm_unpackhi_epi64(acc, acc));
}
/* The sum of the bytes d[0, n). */
static uint64_t bytes_total(const unsigned char *d, ptrdiff_t n)
{
    const __m128i zero = _mm_setzero_si128();
    __m128i acc = zero;
    ptrdiff_t i = 0;
    for (; i + 16 <= n; i += 16)
        acc = _mm_add_epi64(acc, _mm_sad_epu8(
            _mm_loadu_si128((const __m128i *) (const void *) (d + i)), zero));
    uint64_t sum = (uint64_t) _mm_cvtsi128_si64(acc) +
        (uint64_t) _mm_cvtsi128_si64(_mm_unpackhi_epi64(acc, acc));
    for (; i < n; i++) sum += d[i];
    return sum;
}

/* Two cells of at most 8 patients each at once: the 8 bytes at d1 (c1 of
 * them counted) and at d0 (c0 of them) side by side, masked, summed by one
 * psadbw. pair_mask[9 c1 + c0] keeps c1 bytes of the low and c0 bytes of
 * the high half. */
static const union {
    unsigned char byte[81][16];
    __m128i align;
} pair_mask = { {
    { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
    { 0, 0, 0, 0, 0, 0, 0, 0, 255, 0, 0, 0, 0, 0, 0, 0 },
    { 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 0, 0, 0, 0, 0, 0 },
    { 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 0, 0, 0, 0, 0 },
    { 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 0 },
    { 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 0, 0, 0 },
    { 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0 },
    { 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 0 },
    { 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255 },
    { 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
    { 255, 0, 0, 0, 0, 0, 0, 0, 255, 0, 0, 0, 0, 0, 0, 0 },
    { 255, 0, 0, 0, 0, 0, 0, 0, 255, 255, 0, 0, 0, 0, 0, 0 },
    { 255, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 0, 0, 0, 0, 0 },
    { 255, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 0 },
    { 255, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 0, 0, 0 },
    { 255, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0 },
    { 255, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 0 },
    { 255, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255 },
    { 255, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
    { 255, 255, 0, 0, 0, 0, 0, 0, 255, 0, 0, 0, 0, 0, 0, 0 },
    { 255, 255, 0, 0, 0, 0, 0, 0, 255, 255, 0, 0, 0, 0, 0, 0 },
    { 255, 255, 0, 0, 0, 0, 0, 0, 255, 255, 255, 0, 0, 0, 0, 0 },
    { 255, 255, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 0 },
    { 255, 255, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 0, 0, 0 },
    { 255, 255, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0 },
    { 255, 255, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 0 },
    { 255, 255, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255 },
    { 255, 255, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
    { 255, 255, 255, 0, 0, 0, 0, 0, 255, 0, 0, 0, 0, 0, 0, 0 },
    { 255, 255, 255, 0, 0, 0, 0, 0, 255, 255, 0, 0, 0, 0, 0, 0 },
    { 255, 255, 255, 0, 0, 0, 0, 0, 255, 255, 255, 0, 0, 0, 0, 0 },
    { 255, 255, 255, 0, 0, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 0 },
    { 255, 255, 255, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 0, 0, 0 },
    { 255, 255, 255, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0 },
    { 255, 255, 255, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 0 },
    { 255, 255, 255, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255 },
    { 255, 255, 255, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
    { 255, 255, 255, 255, 0, 0, 0, 0, 255, 0, 0, 0, 0, 0, 0, 0 },
    { 255, 255, 255, 255, 0, 0, 0, 0, 255, 255, 0, 0, 0, 0, 0, 0 },
    { 255, 255, 255, 255, 0, 0, 0, 0, 255, 255, 255, 0, 0, 0, 0, 0 },
    { 255, 255, 255, 255, 0, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 0 },
    { 255, 255, 255, 255, 0, 0, 0, 0, 255, 255, 255, 255, 255, 0, 0, 0 },
    { 255, 255, 255, 255, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0 },
    { 255, 255, 255, 255, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 0 },
    { 255, 255, 255, 255, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255 },
    { 255, 255, 255, 255, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
    { 255, 255, 255, 255, 255, 0, 0, 0, 255, 0, 0, 0, 0, 0, 0, 0 },
    { 255, 255, 255, 255, 255, 0, 0, 0, 255, 255, 0, 0, 0, 0, 0, 0 },
    { 255, 255, 255, 255, 255, 0, 0, 0, 255, 255, 255, 0, 0, 0, 0, 0 },
    { 255, 255, 255, 255, 255, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 0 },
    { 255, 255, 255, 255, 255, 0, 0, 0, 255, 255, 255, 255, 255, 0, 0, 0 },
    { 255, 255, 255, 255, 255, 0, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0 },
    { 255, 255, 255, 255, 255, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 0 },
    { 255, 255, 255, 255, 255, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255 },
    { 255, 255, 255, 255, 255, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
    { 255, 255, 255, 255, 255, 255, 0, 0, 255, 0, 0, 0, 0, 0, 0, 0 },
    { 255, 255, 255, 255, 255, 255, 0, 0, 255, 255, 0, 0, 0, 0, 0, 0 },
    { 255, 255, 255, 255, 255, 255, 0, 0, 255, 255, 255, 0, 0, 0, 0, 0 },
    { 255, 255, 255, 255, 255, 255, 0, 0, 255, 255, 255, 255, 0, 0, 0, 0 },
    { 255, 255, 255, 255, 255, 255, 0, 0, 255, 255, 255, 255, 255, 0, 0, 0 },
    { 255, 255, 255, 255, 255, 255, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0 },
    { 255, 255, 255, 255, 255, 255, 0, 0, 255, 255, 255, 255, 255, 255, 255, 0 },
    { 255, 255, 255, 255, 255, 255, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255 },
    { 255, 255, 255, 255, 255, 255, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
    { 255, 255, 255, 255, 255, 255, 255, 0, 255, 0, 0, 0, 0, 0, 0, 0 },
    { 255, 255, 255, 255, 255, 255, 255, 0, 255, 255, 0, 0, 0, 0, 0, 0 },
    { 255, 255, 255, 255, 255, 255, 255, 0, 255, 255, 255, 0, 0, 0, 0, 0 },
    { 255, 255, 255, 255, 255, 255, 255, 0, 255, 255, 255, 255, 0, 0, 0, 0 },
    { 255, 255, 255, 255, 255, 255, 255, 0, 255, 255, 255, 255, 255, 0, 0, 0 },
    { 255, 255, 255, 255, 255, 255, 255, 0, 255, 255, 255, 255, 255, 255, 0, 0 },
    { 255, 255, 255, 255, 255, 255, 255, 0, 255, 255, 255, 255, 255, 255, 255, 0 },
    { 255, 255, 255, 255, 255, 255, 255, 0, 255, 255, 255, 255, 255, 255, 255, 255 },
    { 255, 255, 255, 255, 255, 255, 255, 255, 0, 0, 0, 0, 0, 0, 0, 0 },
    { 255, 255, 255, 255, 255, 255, 255, 255, 255, 0, 0, 0, 0, 0, 0, 0 },
    { 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 0, 0, 0, 0, 0, 0 },
    { 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 0, 0, 0, 0, 0 },
    { 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 0, 0, 0, 0 },
    { 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 0, 0, 0 },
    { 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 0, 0 },
    { 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 0 },
    { 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255 }
} };

static inline void pair_sum(const unsigned char *d1, uint32_t c1,
                            const unsigned char *d0, uint32_t c0,
                            uint64_t *sum1, uint64_t *sum0)
{
    __m128i v = _mm_unpacklo_epi64(
        _mm_loadl_epi64((const __m128i *) (const void *) d1),
        _mm_loadl_epi64((const __m128i *) (const void *) d0));
    v = _mm_and_si128(v, _mm_load_si128((const __m128i *) (const void *)
                                        pair_mask.byte[9 * c1 + c0]));
    v = _mm_sad_epu8(v, _mm_setzero_si128());
    *sum1 = (uint64_t) _mm_cvtsi128_si32(v);
    *sum0 = (uint64_t) _mm_cvtsi128_si32(_mm_unpackhi_epi64(v, v));
}
#else
static inline uint32_t cell_sum(const unsigned char *d, uint32_t c)
{
    return c ? byte_sum(d, c) : 0;
}

static uint64_t bytes_total(const unsigned char *d, ptrdiff_t n)
{
    uint64_t sum = 0;
    for (ptrdiff_t i = 0; i < n; i++) sum += d[i];
    return sum;
}
static inline void pair_sum(const unsigned char *d1, uint32_t c1,
                            const unsigned char *d0, uint32_t c0,
                            uint64_t *sum1, uint64_t *sum0)
{
    *sum1 = cell_sum(d1, c1);
    *sum0 = cell_sum(d0, c0);
}
#endif

/* Criterion of a cut-off at which tp improved and tn other patients are
 * classified right: larger is better. Youden's J unweighted is compared as
 * the integer TP * N0 + TN * N1; the weighted forms as pROC computes them,
 * se + r sp and -((1 - se)^2 + r (1 - sp)^2), in doubles. */
static inline double criterion(const mr_roc_options *opt, uint64_t tp,
                               uint64_t tn, uint64_t total1, uint64_t total0)
{
    if (opt->criterion == MR_BEST_YOUDEN)
        return (double) (tp * total0 + tn * total1);
    double se = (double) tp / (double) total1, sp = (double) tn / (double) total0;
    if (opt->criterion == MR_BEST_WEIGHTED) return se + opt->r * sp;
    return -((1 - se) * (1 - se) + opt->r * (1 - sp) * (1 - sp));
}

/* Logistic regression of the class on the change over the groups present
 * (weights: their patients), by Fisher scoring on the centred change as
 * glm() does it, from the intercept-only fit; converged when the deviance
 * changes by less than 1e-10 of itself (glm's test with a tighter epsilon).
 * Fills intercept and slope on the change's own scale; returns 0, or -1
 * when the fit does not converge in 100 steps or is separated (a slope
 * growing without bound: every fitted probability 0 or 1). */
static int logistic_fit(const double *value, ptrdiff_t k, const uint32_t *counts,
                        double total1, double total0, double *intercept,
                        double *slope)
{
    double total = total1 + total0, mean = 0;
    for (ptrdiff_t j = 0; j < k; j++) {
        double m = (double) counts[2 * j] + (double) counts[2 * j + 1];
        if (m > 0) mean += m * value[j];
    }
    mean /= total;
    double a = log(total1 / total0), b = 0, deviance_old = INFINITY;
    for (int step = 0; step < 100; step++) {
        /* weighted least squares of the working response on x - mean */
        double sw = 0, swx = 0, swz = 0, swxx = 0, swxz = 0, deviance = 0;
        for (ptrdiff_t j = 0; j < k; j++) {
            double c0 = (double) counts[2 * j], c1 = (double) counts[2 * j + 1];
            double m = c0 + c1;
            if (m == 0) continue;
            double x = value[j] - mean, eta = a + b * x;
            double p = 1 / (1 + exp(-eta));
            if (p < DBL_EPSILON) p = DBL_EPSILON;
            if (p > 1 - DBL_EPSILON) p = 1 - DBL_EPSILON;
            double w = m * p * (1 - p);
            double z = eta + (c1 - m * p) / (m * p * (1 - p));
            sw += w;
            swx += w * x;
            swz += w * z;
            swxx += w * x * x;
            swxz += w * x * z;
            if (c1 > 0) deviance -= 2 * c1 * log(p);
            if (c0 > 0) deviance -= 2 * c0 * log(1 - p);
        }
        if (fabs(deviance - deviance_old) < 1e-10 * (fabs(deviance) + 0.1)) {
            *slope = b;
            *intercept = a - b * mean;
            /* separation: the fit drives probabilities to 0 and 1 */
            return deviance < 1e-6 ? -1 : 0;
        }
        deviance_old = deviance;
        double sxx = swxx - swx * swx / sw;
        if (!(sxx > 0)) return -1;
        b = (swxz - swx * swz / sw) / sxx;
        a = (swz - b * swx) / sw;
        if (!isfinite(a) || !isfinite(b)) return -1;
    }
    return -1;
}

void mr_roc_stats(const double *value, ptrdiff_t n_groups, uint32_t *counts,
                  const mr_roc_options *opt, mr_roc_boot_stats *out)
{
    /* counts[2k] other, counts[2k + 1] improved; cleared here */
    uint64_t total1 = 0, total0 = 0;
    for (ptrdiff_t k = 0; k < n_groups; k++) {
        total0 += counts[2 * k];
        total1 += counts[2 * k + 1];
    }
    out->best = -1;
    out->cutoff = NAN;
    out->auc = NAN;
    out->mic_predictive = NAN;
    out->mic_adjusted = NAN;
    int defined = total1 > 0 && total0 > 0;
    if (defined && opt->predictive) {
        double a, b;
        double t1 = (double) total1, t0 = (double) total0, t = t1 + t0;
        if (logistic_fit(value, n_groups, counts, t1, t0, &a, &b) == 0) {
            double log_odds = log(t1 / t0);
            out->mic_predictive = (log_odds - a) / b;
            /* SD of the change and its point-biserial correlation with
             * the class, from centred sums */
            double mean = 0, mean1 = 0;
            for (ptrdiff_t k = 0; k < n_groups; k++) {
                mean += ((double) counts[2 * k] + (double) counts[2 * k + 1]) * value[k];
                mean1 += (double) counts[2 * k + 1] * value[k];
            }
            mean /= t;
            mean1 /= t1;
            double ss = 0;
            for (ptrdiff_t k = 0; k < n_groups; k++) {
                double d = value[k] - mean;
                ss += ((double) counts[2 * k] + (double) counts[2 * k + 1]) * d * d;
            }
            double sd = t > 1 ? sqrt(ss / (t - 1)) : NAN;
            /* r = cov(x, y) / (sd_x sd_y), population moments */
            double q = t1 / t;
            double r = ss > 0 ? (mean1 - mean) * q / sqrt(ss / t * q * (1 - q)) : NAN;
            out->mic_adjusted = out->mic_predictive -
                (0.090 + 0.103 * r) * sd * log_odds;
        }
    }
    /* The sweep over the cut-offs present (the groups with patients), the
     * Mann-Whitney AUC beside it. */
    uint64_t below1 = 0, below0 = 0, twice_u = 0;
    double best_score = 0;
    for (ptrdiff_t k = 0; k < n_groups; k++) {
        uint64_t c0 = counts[2 * k], c1 = counts[2 * k + 1];
        counts[2 * k] = 0;
        counts[2 * k + 1] = 0;
        if (c0 + c1 == 0 || !defined) continue;
        double score = criterion(opt, total1 - below1, below0, total1, total0);
        if (out->best < 0 || score > best_score ||
            (opt->largest && score == best_score)) {
            out->best = k;
            best_score = score;
        }
        twice_u += c1 * (2 * below0 + c0);
        below1 += c1;
        below0 += c0;
    }
    if (!defined) return;
    out->cutoff = value[out->best];
    out->auc = (double) twice_u / 2.0 / ((double) total1 * (double) total0);
}

/* The cells' counts summed from the bytes as the sweep reaches them (see
 * mr_roc_boot_patient_stats()); `exact`: Youden's J compared as the
 * integer TP * N0 + TN * N1, valid when every such score is below 2^53
 * (then the comparison of the same scores as doubles, as criterion()
 * makes them, orders them identically), without a branch on the empty
 * groups; `spilled`: add (and clear) the spilled counts. */
#if defined(__GNUC__)
#define MR_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define MR_ALWAYS_INLINE inline
#endif
static MR_ALWAYS_INLINE
void fold_sweep(const double *value, ptrdiff_t n_groups,
                const unsigned char *size8, const uint32_t *big,
                const unsigned char *d1, const unsigned char *d0,
                uint64_t total1, uint64_t total0, uint32_t *counts,
                const mr_roc_options *opt, int exact, int spilled,
                mr_roc_boot_stats *out)
{
    uint64_t below1 = 0, below0 = 0, twice_u = 0, best_exact = 0;
    ptrdiff_t best = -1, b = 0;
    double best_score = 0;
    uint64_t largest = opt->largest != 0;
    for (ptrdiff_t k = 0; k < n_groups; k++) {
        uint32_t s1 = size8[2 * k + 1], s0 = size8[2 * k];
        uint64_t c1, c0;
        if (s1 <= 8 && s0 <= 8) {
            pair_sum(d1, s1, d0, s0, &c1, &c0);
        } else {
            if (s1 == 255) s1 = big[b++];
            if (s0 == 255) s0 = big[b++];
            c1 = cell_sum(d1, s1);
            c0 = cell_sum(d0, s0);
        }
        d1 += s1;
        d0 += s0;
        if (spilled) {
            c0 += counts[2 * k];
            c1 += counts[2 * k + 1];
            counts[2 * k] = 0;
            counts[2 * k + 1] = 0;
        }
        if (exact) {
            /* the first group with patients scores N1 N0 > 0, so wins */
            uint64_t score = (total1 - below1) * total0 + below0 * total1;
            uint64_t better = (uint64_t) (c0 + c1 != 0) &
                ((uint64_t) (score > best_exact) |
                 (largest & (uint64_t) (score == best_exact)));
            best_exact = better ? score : best_exact;
            best = better ? k : best;
        } else {
            if (c0 + c1 == 0) continue;
            double score = criterion(opt, total1 - below1, below0, total1, total0);
            if (best < 0 || score > best_score ||
                (opt->largest && score == best_score)) {
                best = k;
                best_score = score;
            }
        }
        twice_u += c1 * (2 * below0 + c0);
        below1 += c1;
        below0 += c0;
    }
    out->best = best;
    out->cutoff = value[best];
    out->auc = (double) twice_u / 2.0 / ((double) total1 * (double) total0);
}

void mr_roc_boot_patient_stats(const double *value, ptrdiff_t n_groups,
                               const unsigned char *size8, const uint32_t *big,
                               ptrdiff_t n, ptrdiff_t n1, int stratified,
                               const uint32_t *group_of, unsigned spill_at,
                               unsigned char *draws, mr_xoshiro *g,
                               uint32_t *counts, const mr_roc_options *opt,
                               mr_roc_boot_stats *out)
{
    int spilled;
    uint64_t total1;
    draw_positions(n, n1, stratified, group_of, spill_at, draws, g, counts,
                   &total1, &spilled);
    /* the draws on improved patients: their bytes and their spills */
    total1 += bytes_total(draws, n1);
    uint64_t total0 = (uint64_t) n - total1;
    out->best = -1;
    out->cutoff = NAN;
    out->auc = NAN;
    out->mic_predictive = NAN;
    out->mic_adjusted = NAN;
    if (total1 > 0 && total0 > 0) {
        /* As mr_roc_stats() without the predictive MICs, each cell's count
         * summed from its patients' bytes as the sweep reaches it: the
         * improved patients' bytes from the front of draws, the others'
         * from n1 on, both in group order. The scores are below
         * 2 N1 N0 <= n^2 / 2. */
        int exact = opt->criterion == MR_BEST_YOUDEN &&
            (double) n * (double) n / 2 < 9007199254740992.0;
        const unsigned char *d1 = draws, *d0 = draws + n1;
        if (exact && !spilled)
            fold_sweep(value, n_groups, size8, big, d1, d0, total1, total0,
                       counts, opt, 1, 0, out);
        else if (exact)
            fold_sweep(value, n_groups, size8, big, d1, d0, total1, total0,
                       counts, opt, 1, 1, out);
        else if (!spilled)
            fold_sweep(value, n_groups, size8, big, d1, d0, total1, total0,
                       counts, opt, 0, 0, out);
        else
            fold_sweep(value, n_groups, size8, big, d1, d0, total1, total0,
                       counts, opt, 0, 1, out);
    } else if (spilled) {
        memset(counts, 0, 2 * (size_t) n_groups * sizeof *counts);
    }
    memset(draws, 0, (size_t) n);
}
