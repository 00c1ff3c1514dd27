/* Kernel: one counting pass over patients, symptoms and strata cells. */
#include <float.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include "kernels.h"

/* Counter slots per symptom and cell, from class_slot(): the four classes
 * at 2, 4, 6 and 8, NA at 1, every other code at 0, 3, 5, 7 or 9 (an
 * invalid code, found by checking those counters once at the end). */
#define SLOTS 10

/* Rows a thread takes at a time from the shared range (a multiple of the
 * lanes). Small enough that a thread descheduled in the middle of a block
 * leaves little for the others to wait for at the end, large enough that
 * handing blocks out costs nothing measurable (one atomic per block). */
#define BLOCK_ROWS ((ptrdiff_t) 1 << 14)

/* Loops over [from, to) shorter than this run on one thread whatever the
 * caller asks for: waking a second thread would cost more than it saves. */
#define MIN_PARALLEL_ROWS (4 * BLOCK_ROWS)

ptrdiff_t mr_weighted_combos(ptrdiff_t n_cells, int n_symptoms)
{
    double keys = (double) n_cells;
    for (int s = 0; s < n_symptoms; s++) keys *= MR_N_CATEGORIES;
    return keys <= MR_COMBO_KEYS ? (ptrdiff_t) keys : 0;
}

/* Counters per copy: one per key (see count_keys_plain()) when the keys
 * are few, else SLOTS per cell and symptom. */
ptrdiff_t mr_tabulate_block_size(ptrdiff_t n_cells, int n_symptoms)
{
    ptrdiff_t n_keys = mr_weighted_combos(n_cells, n_symptoms);
    return n_keys ? n_keys : n_cells * n_symptoms * SLOTS;
}

/* Counters per copy of the weighted pass per symptom. */
ptrdiff_t mr_weighted_block_size(ptrdiff_t n_cells, int n_symptoms)
{
    return n_cells * n_symptoms * SLOTS;
}

/* The slot of a class code, without branches (classes come in random
 * order) and in three instructions: rotated left by one bit, the codes
 * 1..4 become 2, 4, 6, 8 and NA (INT_MIN, the top bit alone) becomes 1;
 * rotation is one-to-one, so every other code becomes another number,
 * which the minimum with 9 keeps within the symptom's slots. */
static inline unsigned class_slot(int code)
{
    unsigned u = (unsigned) code;
    unsigned rotated = (u << 1) | (u >> 31);
    return rotated < SLOTS - 1 ? rotated : SLOTS - 1;
}

/* The slot of category c (0..3 the classes, 4 missing). */
static inline int category_slot(int c)
{
    return c < MR_N_CATEGORIES - 1 ? 2 * (c + 1) : 1;
}

/* The slot of a stratum code: 1..n_levels -> 0..n_levels - 1, anything
 * else -> n_levels (NA's slot); valid_stratum() tells NA from an invalid
 * code. */
static inline unsigned stratum_slot(int code, unsigned n_levels)
{
    unsigned slot = (unsigned) code - 1u;
    return slot < n_levels ? slot : n_levels;
}

/* The category of a slot, or -1 for the slots of invalid codes. */
static inline int category_of_slot(unsigned slot)
{
    return slot == 1 ? MR_N_CATEGORIES - 1
        : (slot % 2 == 0 && slot >= 2 && slot <= 8) ? (int) slot / 2 - 1 : -1;
}

static inline unsigned valid_stratum(int code, unsigned n_levels)
{
    return ((unsigned) code - 1u < n_levels) | (code == MR_NA_CODE);
}

/* What one pass needs besides the rows: strides of the strata in counters
 * (cell-major, each stratum's levels then NA, first stratum fastest), and
 * the lanes: row i counts in copy (i & lane_mask) of the counters, `block`
 * counters apart, so that consecutive rows never wait for each other's
 * increment of one counter. */
typedef struct {
    const mr_strata *strata;
    const int *const *symptom_codes;
    int n_symptoms;
    ptrdiff_t stride[MR_MAX_STRATA];
    ptrdiff_t lane_mask, block;
    /* the weighted pass by key (count_keys()): cells times combinations
     * of categories */
    ptrdiff_t n_keys;
} pass;

/*
 * Rows [from, to) into counters: one plain loop over rows, each row adding
 * one to one counter per symptom. An invalid class code counts in its own
 * slot (checked once at the end, no test per value); an invalid stratum
 * code clears the returned flag (a slot of its own would multiply the
 * counters by each stratum's extra slot).
 *
 * Weighted tabulation has loops of its own (count_keys(),
 * count_weighted() below), so that this one stays as it was.
 *
 * Inlined with n_strata and n_symptoms as constants (up to MAX_FIXED
 * strata and symptoms) for the common shapes, so that the inner loops
 * unroll and the columns, levels and strides stay in registers; `restrict`
 * tells the compiler that counting (unsigned) does not change the codes
 * (int), which it must otherwise assume and reload.
 */
#define MAX_FIXED 5
/* GCC unrolls loops of a constant trip count completely only when told
 * (at R's -O2) */
#if defined(__GNUC__) && !defined(__clang__)
#define MR_UNROLL _Pragma("GCC unroll 8")
#else
#define MR_UNROLL
#endif

static inline __attribute__((always_inline))
unsigned count_fixed(const pass *p, const int n_strata, const int n_symptoms,
                     ptrdiff_t from, ptrdiff_t to, unsigned *restrict counters)
{
    const int *strata[MAX_FIXED], *symptoms[MAX_FIXED];
    unsigned levels[MAX_FIXED];
    ptrdiff_t stride[MAX_FIXED];
    for (int j = 0; j < n_strata; j++) {
        strata[j] = p->strata->codes[j];
        levels[j] = (unsigned) p->strata->n_levels[j];
        /* the first stride is a constant here */
        stride[j] = j == 0 ? (ptrdiff_t) n_symptoms * SLOTS : p->stride[j];
    }
    for (int s = 0; s < n_symptoms; s++) symptoms[s] = p->symptom_codes[s];
    const ptrdiff_t lane_mask = p->lane_mask, block = p->block;
    unsigned valid = 1;
    for (ptrdiff_t i = from; i < to; i++) {
        ptrdiff_t cell = (i & lane_mask) * block;
        MR_UNROLL
        for (int j = 0; j < n_strata; j++) {
            int code = strata[j][i];
            valid &= valid_stratum(code, levels[j]);
            cell += (ptrdiff_t) stratum_slot(code, levels[j]) * stride[j];
        }
        unsigned *restrict row = counters + cell;
        MR_UNROLL
        for (int s = 0; s < n_symptoms; s++)
            row[s * SLOTS + class_slot(symptoms[s][i])] += 1;
    }
    return valid;
}

/* The same for any shape. */
static unsigned count_any(const pass *p, ptrdiff_t from, ptrdiff_t to,
                          unsigned *restrict counters)
{
    const int *const *strata = p->strata->codes;
    const int *levels = p->strata->n_levels;
    const int *const *symptoms = p->symptom_codes;
    const int n_strata = p->strata->n_strata, n_symptoms = p->n_symptoms;
    unsigned valid = 1;
    for (ptrdiff_t i = from; i < to; i++) {
        ptrdiff_t cell = (i & p->lane_mask) * p->block;
        for (int j = 0; j < n_strata; j++) {
            int code = strata[j][i];
            unsigned n_levels = (unsigned) levels[j];
            valid &= valid_stratum(code, n_levels);
            cell += (ptrdiff_t) stratum_slot(code, n_levels) * p->stride[j];
        }
        unsigned *restrict row = counters + cell;
        for (int s = 0; s < n_symptoms; s++)
            row[s * SLOTS + class_slot(symptoms[s][i])] += 1;
    }
    return valid;
}

static unsigned count_rows(const pass *p, ptrdiff_t from, ptrdiff_t to,
                           unsigned *counters)
{
    int n_strata = p->strata->n_strata, n_symptoms = p->n_symptoms;
    /* the shapes of tabulate_cohort(): one to four symptoms and "any" */
#define MR_SHAPE(J, S)                                                       \
    if (n_strata == J && n_symptoms == S)                                    \
        return count_fixed(p, J, S, from, to, counters)
    MR_SHAPE(0, 1); MR_SHAPE(0, 3); MR_SHAPE(0, 4); MR_SHAPE(0, 5);
    MR_SHAPE(1, 1); MR_SHAPE(1, 3); MR_SHAPE(1, 4); MR_SHAPE(1, 5);
    MR_SHAPE(2, 1); MR_SHAPE(2, 3); MR_SHAPE(2, 4); MR_SHAPE(2, 5);
#undef MR_SHAPE
    return count_any(p, from, to, counters);
}

/*
 * The pass by key (tables of few combinations, the usual ones: up to
 * MR_COMBO_KEYS keys): a row's key is its cell and the categories of all
 * its symptoms,
 *   key = cell * 5^n_symptoms + sum over s of category_s * 5^s,
 * so that the row adds one to one key (and its weight, once, in the
 * weighted pass) rather than once per symptom; the counts (and sums) per
 * symptom and category are recovered from the keys' at the end. The keys
 * of KEY_ROWS rows are made first, column by column (plain loops over a few hundred rows, which the
 * compiler vectorises). No code is checked there, and no key leaves the
 * table: a stratum code outside 1..n_levels goes to the NA slot and a class
 * code outside 1..4 to the missing category, and the codes that are NA are
 * counted; the pass is valid when the NA slots and missing categories hold
 * exactly those (checked once, on the keys).
 */
#define KEY_ROWS 256

/* Keys of rows [from, from + m) into keys; returns the number of NA codes
 * among them (strata and symptoms). */
static inline __attribute__((always_inline))
ptrdiff_t row_keys(const pass *p, const int n_strata, const int n_symptoms,
                   ptrdiff_t from, const ptrdiff_t m, uint32_t *restrict keys)
{
    unsigned nas = 0;
    for (ptrdiff_t i = 0; i < m; i++) keys[i] = 0;
    for (int j = n_strata - 1; j >= 0; j--) {
        const int *restrict codes = p->strata->codes[j] + from;
        const unsigned n_levels = (unsigned) p->strata->n_levels[j],
            width = n_levels + 1;
        for (ptrdiff_t i = 0; i < m; i++) {
            int code = codes[i];
            unsigned slot = (unsigned) code - 1u;
            nas += code == MR_NA_CODE;
            slot = slot < n_levels ? slot : n_levels;
            keys[i] = keys[i] * width + slot;
        }
    }
    for (int s = n_symptoms - 1; s >= 0; s--) {
        const int *restrict codes = p->symptom_codes[s] + from;
        for (ptrdiff_t i = 0; i < m; i++) {
            int code = codes[i];
            unsigned category = (unsigned) code - 1u;
            nas += code == MR_NA_CODE;
            category = category < 4u ? category : 4u;
            keys[i] = keys[i] * MR_N_CATEGORIES + category;
        }
    }
    return nas;
}

/* The passes by key (count_rows_keyed*()), on x86-64 Linux with GCC, are
 * compiled twice (glibc's ifunc: not on musl), for the baseline (SSE2) and for AVX2, and the
 * one the processor runs chosen when the library loads: the key loops of
 * row_keys() then handle 8 rows per instruction, with the unsigned minimum
 * SSE2 lacks (the same arithmetic, the same keys and sums either way). */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && \
    defined(__linux__) && defined(__GLIBC__) && !defined(MR_NO_CLONES)
#define MR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define MR_CLONES
#endif
/* Rows [from, to) into counters (n_lanes copies of n_keys, row i in copy
 * i % n_lanes); returns the number of NA codes seen. */
static inline __attribute__((always_inline))
ptrdiff_t count_keys_plain(const pass *p, const int n_strata,
                           const int n_symptoms, ptrdiff_t from, ptrdiff_t to,
                           unsigned *restrict counters)
{
    uint32_t keys[KEY_ROWS];
    unsigned *restrict lane[4];
    for (int l = 0; l < 4; l++) lane[l] = counters + (l & p->lane_mask) * p->n_keys;
    ptrdiff_t nas = 0;
    for (ptrdiff_t start = from; start < to; start += KEY_ROWS) {
        ptrdiff_t m = to - start;
        if (m >= KEY_ROWS) {
            m = KEY_ROWS;
            nas += row_keys(p, n_strata, n_symptoms, start, KEY_ROWS, keys);
        } else {
            nas += row_keys(p, n_strata, n_symptoms, start, m, keys);
        }
        for (ptrdiff_t i = 0; i < m; i++) lane[i & 3][keys[i]] += 1;
    }
    return nas;
}

MR_CLONES
static ptrdiff_t count_rows_keyed_plain(const pass *p, ptrdiff_t from,
                                        ptrdiff_t to, unsigned *counters)
{
    int n_strata = p->strata->n_strata, n_symptoms = p->n_symptoms;
#define MR_SHAPE(J, S)                                                       \
    if (n_strata == J && n_symptoms == S)                                    \
        return count_keys_plain(p, J, S, from, to, counters)
    MR_SHAPE(0, 1); MR_SHAPE(0, 3); MR_SHAPE(0, 4); MR_SHAPE(0, 5);
    MR_SHAPE(1, 1); MR_SHAPE(1, 3); MR_SHAPE(1, 4); MR_SHAPE(1, 5);
    MR_SHAPE(2, 1); MR_SHAPE(2, 3); MR_SHAPE(2, 4); MR_SHAPE(2, 5);
#undef MR_SHAPE
    return count_keys_plain(p, n_strata, n_symptoms, from, to, counters);
}

/* The number of NA slots (of strata) in each cell. */
static inline int na_strata_of(const mr_strata *strata, ptrdiff_t cell)
{
    int na = 0;
    for (int j = 0; j < strata->n_strata; j++) {
        ptrdiff_t width = (ptrdiff_t) strata->n_levels[j] + 1;
        na += cell % width == width - 1;
        cell /= width;
    }
    return na;
}

/* The counts of the keys of one copy into counts (per cell, symptom and
 * category), the keys zeroed again. Returns the number of NA slots and
 * missing categories the keys held. */
static double expand_plain_keys(unsigned *keys, const mr_strata *strata,
                                ptrdiff_t n_cells, int n_symptoms,
                                ptrdiff_t n_combos, double *counts)
{
    double missing = 0;
    for (ptrdiff_t cell = 0; cell < n_cells; cell++) {
        int na_strata = na_strata_of(strata, cell);
        for (ptrdiff_t combo = 0; combo < n_combos; combo++) {
            unsigned *at = keys + cell * n_combos + combo;
            if (*at == 0) continue;
            double patients = *at;
            ptrdiff_t digits = combo;
            int na = na_strata;
            for (int s = 0; s < n_symptoms; s++) {
                int c = (int) (digits % MR_N_CATEGORIES);
                digits /= MR_N_CATEGORIES;
                na += c == MR_N_CATEGORIES - 1;
                counts[(cell * n_symptoms + s) * MR_N_CATEGORIES + c] += patients;
            }
            missing += na * patients;
            *at = 0;
        }
    }
    return missing;
}

/* First row of [from, to) with an invalid code, or -1. */
static ptrdiff_t first_invalid_row(const mr_strata *strata,
                                   const int *const *symptom_codes,
                                   int n_symptoms, ptrdiff_t from, ptrdiff_t to)
{
    for (ptrdiff_t i = from; i < to; i++) {
        unsigned valid = 1;
        for (int j = 0; j < strata->n_strata; j++)
            valid &= valid_stratum(strata->codes[j][i],
                                   (unsigned) strata->n_levels[j]);
        for (int s = 0; s < n_symptoms; s++)
            valid &= category_of_slot(class_slot(symptom_codes[s][i])) >= 0;
        if (!valid) return i;
    }
    return -1;
}

ptrdiff_t mr_tabulate_range(const mr_strata *strata,
                            const int *const *symptom_codes, int n_symptoms,
                            ptrdiff_t from, ptrdiff_t to, int n_threads,
                            int n_lanes, double *counts, ptrdiff_t n_cells,
                            unsigned *scratch)
{
    pass p;
    p.strata = strata;
    p.symptom_codes = symptom_codes;
    p.n_symptoms = n_symptoms;
    p.lane_mask = n_lanes - 1;
    ptrdiff_t n_combos = 1;
    for (int s = 0; s < n_symptoms; s++) n_combos *= MR_N_CATEGORIES;
    p.n_keys = mr_weighted_combos(n_cells, n_symptoms);
    const int keyed = p.n_keys > 0;
    p.block = mr_tabulate_block_size(n_cells, n_symptoms);
    ptrdiff_t step = (ptrdiff_t) n_symptoms * SLOTS;
    for (int j = 0; j < strata->n_strata; j++) {
        p.stride[j] = step;
        step *= (ptrdiff_t) strata->n_levels[j] + 1;
    }
    if (to - from < MIN_PARALLEL_ROWS) n_threads = 1;
    unsigned valid = 1;
    double nas = 0;
    if (n_threads <= 1) {
        if (keyed)
            nas = (double) count_rows_keyed_plain(&p, from, to, scratch);
        else
            valid = count_rows(&p, from, to, scratch);
    } else {
        /* One parallel region for the whole range: threads take blocks of
         * rows as they come (a thread that starts late, or is descheduled on
         * a busy machine, simply takes fewer), each counting into its own
         * counters; no barrier until the end. */
        ptrdiff_t n_blocks = (to - from + BLOCK_ROWS - 1) / BLOCK_ROWS;
        int finished = 0;
        MR_OMP(omp parallel num_threads(n_threads) reduction(&:valid) reduction(+:nas))
        {
            int me = mr_thread_num();
            unsigned *mine = scratch + (ptrdiff_t) me * n_lanes * p.block;
            MR_OMP(omp for schedule(dynamic, 1) nowait)
            for (ptrdiff_t b = 0; b < n_blocks; b++) {
                ptrdiff_t start = from + b * BLOCK_ROWS;
                ptrdiff_t end = to - start > BLOCK_ROWS ? start + BLOCK_ROWS : to;
                if (keyed)
                    nas += (double) count_rows_keyed_plain(&p, start, end, mine);
                else
                    valid &= count_rows(&p, start, end, mine);
            }
            mr_team_wait(&finished, mr_thread_total());
        }
    }
    /* Add the counters into counts; whole numbers below 2^53 add exactly,
     * so the totals do not depend on the number of threads or lanes. */
    ptrdiff_t n_copies = (ptrdiff_t) (n_threads > 1 ? n_threads : 1) * n_lanes;
    if (keyed) {
        /* every NA code in an NA slot or missing category, and nothing else
         * there: then no code was invalid */
        double missing = 0;
        for (ptrdiff_t b = 0; b < n_copies; b++)
            missing += expand_plain_keys(scratch + b * p.block, strata, n_cells,
                                         n_symptoms, n_combos, counts);
        valid = missing == nas;
    } else {
        /* any row with an invalid class code left a count in its slot */
        for (ptrdiff_t b = 0; b < n_copies; b++) {
            unsigned *copy = scratch + b * p.block;
            for (ptrdiff_t k = 0; k < p.block; k += SLOTS) {
                double *out = counts + k / SLOTS * MR_N_CATEGORIES;
                unsigned counted = 0;
                for (int c = 0; c < MR_N_CATEGORIES; c++) {
                    out[c] += copy[k + category_slot(c)];
                    counted += copy[k + category_slot(c)];
                }
                unsigned all = 0;
                for (int c = 0; c < SLOTS; c++) {
                    all += copy[k + c];
                    copy[k + c] = 0;
                }
                valid &= all == counted;
            }
        }
    }
    if (valid) return -1;
    return first_invalid_row(strata, symptom_codes, n_symptoms, from, to);
}

/* ---- weighted counting ------------------------------------------------- */

/* The 128-bit arithmetic the weighted pass needs: addition, conversion
 * to double. With a compiler's unsigned __int128 these are single
 * instructions or a library call; otherwise two 64-bit limbs. */
#if defined(__SIZEOF_INT128__)
static inline mr_wide wide_zero(void) { return 0; }
static inline void wide_add(mr_wide *a, mr_wide b) { *a += b; }
static inline double wide_double(mr_wide a) { return (double) a; }
#else
static inline mr_wide wide_zero(void) { mr_wide z = { 0, 0 }; return z; }
static inline void wide_add(mr_wide *a, mr_wide b)
{
    uint64_t lo = a->lo + b.lo;
    a->hi += b.hi + (lo < b.lo);
    a->lo = lo;
}
/* (two roundings here: the high limb's 64 bits and the sum; the result can
 * differ from the correctly rounded one in its last bit, the same way
 * whatever the row order) */
static inline double wide_double(mr_wide a)
{
    return ldexp((double) a.hi, 64) + (double) a.lo;
}
#endif

void mr_wide_add(mr_wide *a, mr_wide b) { wide_add(a, b); }

double mr_wide_to_double(mr_wide sum, int scale)
{
    return ldexp(wide_double(sum), -scale);
}

/* The fixed point of a weight: floor(w * 2^scale) for 0 <= w <= max, with
 * 2^61 <= max * 2^scale < 2^62 (mr_weight_scale()): one multiply by factor
 * = 2^scale (a normal double for the weights the glue accepts) and one
 * conversion, exact up to the truncation. */
static inline uint64_t fixed_point(double w, double factor)
{
    return (uint64_t) (int64_t) (w * factor);
}

/* floor(q^2 / 2^64) for q < 2^62: the high half of the exact square, the
 * weight's square in fixed point at scale 2 * scale - 64 (one `mul` with a
 * compiler's 128-bit integers). */
static inline uint64_t square_high(uint64_t q)
{
#if defined(__SIZEOF_INT128__)
    return (uint64_t) (((mr_wide) q * q) >> 64);
#else
    uint64_t lo = q & 0xFFFFFFFFu, hi = q >> 32;   /* hi < 2^30 */
    uint64_t ll = lo * lo, mid = 2 * lo * hi;       /* mid < 2^63 */
    uint64_t low = ll + (mid << 32);
    return hi * hi + (mid >> 32) + (low < ll);
#endif
}

/* q^2 mod 2^64: the low half of the exact square, at scale 2 * scale. With
 * the high halves it sums every square exactly, whatever the spread of the
 * weights (the high halves alone lost the squares of weights below about
 * 2^-29 of the largest, and so the intervals of strata of small weights). */
static inline uint64_t square_low(uint64_t q)
{
    return q * q;
}

static inline mr_wide wide_of(uint64_t x)
{
#if defined(__SIZEOF_INT128__)
    return (mr_wide) x;
#else
    mr_wide w = { x, 0 };
    return w;
#endif
}

/* The largest of weights[from, to) into *top_out, and whether one is
 * negative, NaN or infinite. On x86-64, SSE2 (part of the architecture)
 * takes two doubles an instruction: maxima and minima in four running
 * lanes, NaN caught by an unordered compare (max/min would drop it), about
 * 2.5 instructions a weight against 9 for the loop over the bits below. */
static int scan_weights(const double *weights, ptrdiff_t from, ptrdiff_t to,
                        double *top_out)
{
    ptrdiff_t i = from;
    double top = 0, low = 0;
    int unordered = 0;
#if defined(__SSE2__)
    __m128d top0 = _mm_setzero_pd(), top1 = top0, low0 = top0, low1 = top0,
        nan = top0;
    for (; i + 4 <= to; i += 4) {
        __m128d a = _mm_loadu_pd(weights + i), b = _mm_loadu_pd(weights + i + 2);
        top0 = _mm_max_pd(top0, a);
        top1 = _mm_max_pd(top1, b);
        low0 = _mm_min_pd(low0, a);
        low1 = _mm_min_pd(low1, b);
        nan = _mm_or_pd(nan, _mm_cmpunord_pd(a, b));
    }
    double lanes[2];
    _mm_storeu_pd(lanes, _mm_max_pd(top0, top1));
    top = lanes[0] > lanes[1] ? lanes[0] : lanes[1];
    _mm_storeu_pd(lanes, _mm_min_pd(low0, low1));
    low = lanes[0] < lanes[1] ? lanes[0] : lanes[1];
    unordered = _mm_movemask_pd(nan) != 0;
#endif
    for (; i < to; i++) {
        double w = weights[i];
        unordered |= w != w;
        top = w > top ? w : top;
        low = w < low ? w : low;
    }
    *top_out = top;
    return unordered || low < 0 || top > DBL_MAX;
}

ptrdiff_t mr_weights_max(const double *weights, ptrdiff_t from, ptrdiff_t to,
                         int n_threads, double *max)
{
    if (to - from < MIN_PARALLEL_ROWS) n_threads = 1;
    double top = 0;
    int bad = 0;
    MR_OMP(omp parallel for num_threads(n_threads) reduction(max:top) reduction(|:bad) if(n_threads > 1))
    for (ptrdiff_t block = from; block < to; block += BLOCK_ROWS) {
        double block_top;
        bad |= scan_weights(weights, block, to - block > BLOCK_ROWS ? block + BLOCK_ROWS : to,
                            &block_top);
        top = block_top > top ? block_top : top;
    }
    if (!bad) {
        *max = top + 0.0;   /* (all weights -0: +0) */
        return -1;
    }
    *max = 0;
    for (ptrdiff_t i = from; i < to; i++)
        if (!(weights[i] >= 0) || !(weights[i] <= DBL_MAX)) return i;
    return -1;
}

int mr_weight_scale(double max)
{
    if (!(max > 0)) return 0;
    int e;
    frexp(max, &e);                 /* 2^(e - 1) <= max < 2^e */
    return 62 - e;                  /* 2^61 <= max * 2^scale < 2^62 */
}

/* The weighted twin of count_fixed() for tables with too many combinations
 * for keys (see count_keys()): the same loop, and with each count a weight
 * and its square added at the same place in wide counters. */
static inline __attribute__((always_inline))
unsigned count_weighted(const pass *p, const int n_strata, const int n_symptoms,
                        const double *restrict weights, double factor,
                        ptrdiff_t from, ptrdiff_t to,
                        unsigned *restrict counters, mr_wide *restrict wide)
{
    const int *strata[MR_MAX_STRATA], *symptoms[MAX_FIXED];
    unsigned levels[MR_MAX_STRATA];
    ptrdiff_t stride[MR_MAX_STRATA];
    for (int j = 0; j < n_strata; j++) {
        strata[j] = p->strata->codes[j];
        levels[j] = (unsigned) p->strata->n_levels[j];
        stride[j] = p->stride[j];
    }
    const int *const *all_symptoms = p->symptom_codes;
    for (int s = 0; s < n_symptoms && s < MAX_FIXED; s++)
        symptoms[s] = all_symptoms[s];
    const ptrdiff_t lane_mask = p->lane_mask, block = p->block;
    unsigned valid = 1;
    for (ptrdiff_t i = from; i < to; i++) {
        ptrdiff_t cell = (i & lane_mask) * block;
        MR_UNROLL
        for (int j = 0; j < n_strata; j++) {
            int code = strata[j][i];
            valid &= valid_stratum(code, levels[j]);
            cell += (ptrdiff_t) stratum_slot(code, levels[j]) * stride[j];
        }
        uint64_t q = fixed_point(weights[i], factor);
        mr_wide wq = wide_of(q), wq2 = wide_of(square_high(q)),
            wq2_low = wide_of(square_low(q));
        unsigned *restrict row = counters + cell;
        mr_wide *restrict wrow = wide + MR_WIDE_SUMS * cell;
        MR_UNROLL
        for (int s = 0; s < n_symptoms; s++) {
            int code = n_symptoms <= MAX_FIXED ? symptoms[s][i]
                                               : all_symptoms[s][i];
            ptrdiff_t k = s * SLOTS + class_slot(code);
            row[k] += 1;
            wide_add(&wrow[MR_WIDE_SUMS * k], wq);
            wide_add(&wrow[MR_WIDE_SUMS * k + 1], wq2);
            wide_add(&wrow[MR_WIDE_SUMS * k + 2], wq2_low);
        }
    }
    return valid;
}

/* Per key: the weights' fixed-point sum; in one more wide sum the high
 * halves of their squares (bits 0..95) and the rows (bits 96..127): one
 * 128-bit addition adds both. Below 2^31 rows per pass (MR_SPAN), the high
 * halves' sum (each below 2^60) stays below 2^91 and the count below 2^32.
 * And the low halves of the squares (each below 2^64). */
#define COUNT_BIT 96

/* The same sums as 64-bit words (low word first), which the pass adds
 * with explicit carries (add_words()): GCC's 128-bit additions of a
 * table's entries went through the stack (bench/NOTES.md, evening of
 * 2 Dec 2026). */
typedef struct { uint64_t w[2], w2[2], w2_low[2]; } key_words;

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && \
    !defined(MR_NO_ASM)
/* add and adc on the table's words in place: the compilers' 128-bit
 * additions (and _addcarry_u64) of table entries went through the stack,
 * with two 8-byte stores read back by one 16-byte load, which cannot be
 * forwarded and stalls */
static inline void add_words(uint64_t *restrict a, uint64_t lo, uint64_t hi)
{
    __asm__("addq %2, %0\n\tadcq %3, %1"
            : "+m"(a[0]), "+m"(a[1])
            : "r"(lo), "r"(hi)
            : "cc");
}
#else
static inline void add_words(uint64_t *restrict a, uint64_t lo, uint64_t hi)
{
    uint64_t r0 = a[0] + lo;
    a[1] += hi + (r0 < lo);
    a[0] = r0;
}
#endif

static inline mr_wide wide_of_words(const uint64_t *a)
{
#if defined(__SIZEOF_INT128__)
    return ((mr_wide) a[1] << 64) | a[0];
#else
    mr_wide w = { a[0], a[1] };
    return w;
#endif
}


static inline uint64_t count_of(mr_wide w2)
{
#if defined(__SIZEOF_INT128__)
    return (uint64_t) (w2 >> COUNT_BIT);
#else
    return w2.hi >> (COUNT_BIT - 64);
#endif
}

static inline mr_wide squares_of(mr_wide w2)
{
#if defined(__SIZEOF_INT128__)
    return w2 & (((mr_wide) 1 << COUNT_BIT) - 1);
#else
    mr_wide w = { w2.lo, w2.hi & (((uint64_t) 1 << (COUNT_BIT - 64)) - 1) };
    return w;
#endif
}

/* The weighted pass makes its keys 32 rows at a time, not KEY_ROWS: the
 * loads of the next rows' codes (the key loops, which wait on memory) then
 * overlap with the additions of the previous rows' weights, which at 256
 * rows a block alternated with them (bench/NOTES.md, evening of 2 Dec
 * 2026: 61 -> 52-55 ms at 10^7 rows by hospital on one thread, the same
 * sums; 64 rows 55, 16 rows 66). A multiple of 4, as the lanes need. */
#define WEIGHTED_KEY_ROWS 32

/* Rows [from, to) into sums (n_lanes copies of n_keys, row i in copy
 * i % n_lanes); returns the number of NA codes seen. */
static inline __attribute__((always_inline))
ptrdiff_t count_keys(const pass *p, const int n_strata, const int n_symptoms,
                     const double *restrict weights, double factor,
                     ptrdiff_t from, ptrdiff_t to, key_words *restrict sums)
{
    uint32_t keys[WEIGHTED_KEY_ROWS];
    const ptrdiff_t lane_mask = p->lane_mask, n_keys = p->n_keys;
    /* the copies of rows 4k, 4k + 1, 4k + 2 and 4k + 3 (lanes 1, 2 or 4) */
    key_words *restrict lane[4];
    for (int l = 0; l < 4; l++) lane[l] = sums + (l & lane_mask) * n_keys;
    ptrdiff_t nas = 0;
    for (ptrdiff_t start = from; start < to; start += WEIGHTED_KEY_ROWS) {
        ptrdiff_t m = to - start;
        if (m >= WEIGHTED_KEY_ROWS) {
            m = WEIGHTED_KEY_ROWS;
            nas += row_keys(p, n_strata, n_symptoms, start, WEIGHTED_KEY_ROWS,
                            keys);
        } else {
            nas += row_keys(p, n_strata, n_symptoms, start, m, keys);
        }
        const double *restrict w = weights + start;
        /* (start - from is a multiple of WEIGHTED_KEY_ROWS, so of 4: row start + i
         * is in lane i % n_lanes of the pass) */
        for (ptrdiff_t i = 0; i < m; i++) {
            uint64_t q = fixed_point(w[i], factor);
            key_words *at = lane[i & 3] + keys[i];
            add_words(at->w, q, 0);
            add_words(at->w2, square_high(q), (uint64_t) 1 << (COUNT_BIT - 64));
            add_words(at->w2_low, square_low(q), 0);
        }
    }
    return nas;
}

/* Rows [from, to) by key: the number of NA codes seen. */
MR_CLONES
static ptrdiff_t count_rows_keyed(const pass *p, const double *weights,
                                  double factor, ptrdiff_t from, ptrdiff_t to,
                                  key_words *sums)
{
    int n_strata = p->strata->n_strata, n_symptoms = p->n_symptoms;
#define MR_SHAPE(J, S)                                                       \
    if (n_strata == J && n_symptoms == S)                                    \
        return count_keys(p, J, S, weights, factor, from, to, sums)
    MR_SHAPE(0, 1); MR_SHAPE(0, 3); MR_SHAPE(0, 4); MR_SHAPE(0, 5);
    MR_SHAPE(1, 1); MR_SHAPE(1, 3); MR_SHAPE(1, 4); MR_SHAPE(1, 5);
    MR_SHAPE(2, 1); MR_SHAPE(2, 3); MR_SHAPE(2, 4); MR_SHAPE(2, 5);
#undef MR_SHAPE
    return count_keys(p, n_strata, n_symptoms, weights, factor, from, to, sums);
}

/* Rows [from, to) per symptom: 1 when every code was valid. */
static unsigned count_rows_weighted(const pass *p, const double *weights,
                                    double factor, ptrdiff_t from,
                                    ptrdiff_t to, unsigned *counters,
                                    mr_wide *wide)
{
    int n_strata = p->strata->n_strata, n_symptoms = p->n_symptoms;
#define MR_SHAPE(J, S)                                                       \
    if (n_strata == J && n_symptoms == S)                                    \
        return count_weighted(p, J, S, weights, factor, from, to, counters,  \
                              wide)
    MR_SHAPE(0, 1); MR_SHAPE(0, 5);
    MR_SHAPE(1, 1); MR_SHAPE(1, 5);
    MR_SHAPE(2, 1); MR_SHAPE(2, 5);
#undef MR_SHAPE
    return count_weighted(p, n_strata, n_symptoms, weights, factor, from, to,
                          counters, wide);
}


/* The sums and counts of the keys of one copy into wide_totals and counts
 * (per cell, symptom and category), the keys zeroed again. Returns the
 * number of NA slots and missing categories the keys held (each row's
 * strata in NA slots and symptoms in the missing category). */
static double expand_keys(key_words *sums, const mr_strata *strata,
                          ptrdiff_t n_cells, int n_symptoms,
                          ptrdiff_t n_combos, mr_wide *wide_totals,
                          double *counts)
{
    double missing = 0;
    for (ptrdiff_t cell = 0; cell < n_cells; cell++) {
        int na_strata = na_strata_of(strata, cell);
        for (ptrdiff_t combo = 0; combo < n_combos; combo++) {
            key_words *at = sums + cell * n_combos + combo;
            mr_wide w = wide_of_words(at->w), w2 = wide_of_words(at->w2),
                w2_low = wide_of_words(at->w2_low);
            uint64_t patients = count_of(w2);
            if (patients == 0) continue;
            mr_wide squares = squares_of(w2);
            ptrdiff_t digits = combo;
            int na = na_strata;
            for (int s = 0; s < n_symptoms; s++) {
                int c = (int) (digits % MR_N_CATEGORIES);
                digits /= MR_N_CATEGORIES;
                na += c == MR_N_CATEGORIES - 1;
                ptrdiff_t k = (cell * n_symptoms + s) * MR_N_CATEGORIES + c;
                wide_add(&wide_totals[MR_WIDE_SUMS * k], w);
                wide_add(&wide_totals[MR_WIDE_SUMS * k + 1], squares);
                wide_add(&wide_totals[MR_WIDE_SUMS * k + 2], w2_low);
                counts[k] += (double) patients;
            }
            missing += (double) na * (double) patients;
            memset(at, 0, sizeof *at);
        }
    }
    return missing;
}

ptrdiff_t mr_tabulate_range_weighted(const mr_strata *strata,
                                     const int *const *symptom_codes,
                                     int n_symptoms, const double *weights,
                                     int scale, ptrdiff_t from, ptrdiff_t to,
                                     int n_threads, int n_lanes,
                                     double *counts, ptrdiff_t n_cells,
                                     unsigned *scratch, mr_wide *wide_scratch,
                                     mr_wide *key_scratch,
                                     mr_wide *wide_totals)
{
    pass p;
    p.strata = strata;
    p.symptom_codes = symptom_codes;
    p.n_symptoms = n_symptoms;
    p.lane_mask = n_lanes - 1;
    p.block = mr_weighted_block_size(n_cells, n_symptoms);
    ptrdiff_t step = (ptrdiff_t) n_symptoms * SLOTS;
    ptrdiff_t n_combos = 1;
    for (int s = 0; s < n_symptoms; s++) n_combos *= MR_N_CATEGORIES;
    p.n_keys = n_cells * n_combos;
    for (int j = 0; j < strata->n_strata; j++) {
        p.stride[j] = step;
        step *= (ptrdiff_t) strata->n_levels[j] + 1;
    }
    const double factor = ldexp(1, scale);
    /* (key_words are MR_WIDE_SUMS wide sums: key_scratch holds as many per
     * key, lane and thread) */
    key_words *keyed = (key_words *) (void *) key_scratch;
    if (to - from < MIN_PARALLEL_ROWS) n_threads = 1;
    unsigned valid = 1;
    double nas = 0;
    if (n_threads <= 1) {
        if (keyed)
            nas = (double) count_rows_keyed(&p, weights, factor, from, to, keyed);
        else
            valid = count_rows_weighted(&p, weights, factor, from, to, scratch,
                                        wide_scratch);
    } else {
        /* as in mr_tabulate_range(): blocks of rows as they come, each
         * thread into counters of its own; integer sums, so the totals are
         * the same however the blocks fall */
        ptrdiff_t n_blocks = (to - from + BLOCK_ROWS - 1) / BLOCK_ROWS;
        int finished = 0;
        MR_OMP(omp parallel num_threads(n_threads) reduction(&:valid) reduction(+:nas))
        {
            int me = mr_thread_num();
            ptrdiff_t offset = (ptrdiff_t) me * n_lanes * p.block;
            key_words *keys_mine = keyed ?
                keyed + (ptrdiff_t) me * n_lanes * p.n_keys : NULL;
            MR_OMP(omp for schedule(dynamic, 1) nowait)
            for (ptrdiff_t b = 0; b < n_blocks; b++) {
                ptrdiff_t start = from + b * BLOCK_ROWS;
                ptrdiff_t end = to - start > BLOCK_ROWS ? start + BLOCK_ROWS : to;
                if (keyed)
                    nas += (double) count_rows_keyed(&p, weights, factor, start,
                                                     end, keys_mine);
                else
                    valid &= count_rows_weighted(&p, weights, factor, start, end,
                                                 scratch + offset,
                                                 wide_scratch + MR_WIDE_SUMS * offset);
            }
            mr_team_wait(&finished, mr_thread_total());
        }
    }
    int n_teams = n_threads > 1 ? n_threads : 1;
    if (keyed) {
        /* every NA code in an NA slot or missing category, and nothing else
         * there: then no code was invalid */
        double missing = 0;
        for (ptrdiff_t copy = 0; copy < (ptrdiff_t) n_teams * n_lanes; copy++)
            missing += expand_keys(keyed + copy * p.n_keys, strata, n_cells,
                                   n_symptoms, n_combos, wide_totals, counts);
        valid = missing == nas;
    } else {
        ptrdiff_t n_copies = (ptrdiff_t) n_teams * n_lanes;
        for (ptrdiff_t b = 0; b < n_copies; b++) {
            unsigned *copy = scratch + b * p.block;
            mr_wide *wide_copy = wide_scratch + MR_WIDE_SUMS * b * p.block;
            for (ptrdiff_t k = 0; k < p.block; k += SLOTS) {
                ptrdiff_t at = k / SLOTS * MR_N_CATEGORIES;
                unsigned counted = 0;
                for (int c = 0; c < MR_N_CATEGORIES; c++) {
                    ptrdiff_t slot = k + category_slot(c);
                    counts[at + c] += copy[slot];
                    counted += copy[slot];
                    for (int part = 0; part < MR_WIDE_SUMS; part++)
                        wide_add(&wide_totals[MR_WIDE_SUMS * (at + c) + part],
                                 wide_copy[MR_WIDE_SUMS * slot + part]);
                }
                unsigned all = 0;
                for (int c = 0; c < SLOTS; c++) {
                    all += copy[k + c];
                    copy[k + c] = 0;
                    for (int part = 0; part < MR_WIDE_SUMS; part++)
                        wide_copy[MR_WIDE_SUMS * (k + c) + part] = wide_zero();
                }
                valid &= all == counted;
            }
        }
    }
    if (valid) return -1;
    return first_invalid_row(strata, symptom_codes, n_symptoms, from, to);
}

ptrdiff_t mr_count_groups_weighted(const int *group,
                                   const int *const *symptom_codes,
                                   int n_symptoms, const double *weights,
                                   int scale, ptrdiff_t from, ptrdiff_t to,
                                   double *counts, mr_wide *wide_totals)
{
    const ptrdiff_t cell_size = (ptrdiff_t) n_symptoms * MR_N_CATEGORIES;
    const double factor = ldexp(1, scale);
    for (ptrdiff_t i = from; i < to; i++) {
        ptrdiff_t at = (ptrdiff_t) group[i] * cell_size;
        uint64_t q = fixed_point(weights[i], factor);
        mr_wide wq = wide_of(q), wq2 = wide_of(square_high(q)),
            wq2_low = wide_of(square_low(q));
        for (int s = 0; s < n_symptoms; s++) {
            int c = mr_category(symptom_codes[s][i]);
            if (c < 0) return i;
            ptrdiff_t k = at + s * MR_N_CATEGORIES + c;
            counts[k] += 1;
            wide_add(&wide_totals[MR_WIDE_SUMS * k], wq);
            wide_add(&wide_totals[MR_WIDE_SUMS * k + 1], wq2);
            wide_add(&wide_totals[MR_WIDE_SUMS * k + 2], wq2_low);
        }
    }
    return -1;
}
