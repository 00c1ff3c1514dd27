/* Kernel: one counting pass over patients, symptoms and strata cells. */
#include "kernels.h"

/* Rows handled column by column at a time (their cells fit in L1). */
#define ROWS_PER_RUN 1024

ptrdiff_t mr_tabulate_block_size(ptrdiff_t n_cells, int n_symptoms)
{
    return n_cells * n_symptoms * MR_N_CATEGORIES;
}

/* Slots from codes without branches (classes and NA come in random order)
 * and always in bounds: a 1-based code becomes code - 1, and NA (INT_MIN)
 * wraps, as unsigned, past every level and is clamped to the NA slot just
 * after them. Invalid codes would land in bounds too (counted as NA), which
 * is why valid_code() is checked on every value as well. */
static inline unsigned slot_of(int code, unsigned n_levels)
{
    unsigned slot = (unsigned) code - 1u;
    return slot < n_levels ? slot : n_levels;
}

/* 1 unless code is neither a level (1..n_levels) nor NA. */
static inline unsigned valid_code(int code, unsigned n_levels)
{
    return ((unsigned) code - 1u < n_levels) | (code == MR_NA_CODE);
}

/* All codes of x[from, to) valid (1..n_levels or NA). Loops of their own,
 * so that they vectorise, over values the counting loops then find in L1. */
static inline unsigned valid_codes(const int *x, ptrdiff_t from, ptrdiff_t to,
                                   unsigned n_levels)
{
    unsigned valid = 1;
    MR_OMP(omp simd reduction(&:valid))
    for (ptrdiff_t i = from; i < to; i++) valid &= valid_code(x[i], n_levels);
    return valid;
}

/* The cell of row i, strata folded first-fastest (the order of
 * expand.grid()), NA in the slot after the levels; *valid is cleared when a
 * code is out of range. */
static inline ptrdiff_t cell_of(const mr_strata *strata, const ptrdiff_t *stride,
                                ptrdiff_t i, unsigned *valid)
{
    ptrdiff_t cell = 0;
    for (int j = 0; j < strata->n_strata; j++) {
        int code = strata->codes[j][i];
        unsigned n_levels = (unsigned) strata->n_levels[j];
        *valid &= valid_code(code, n_levels);
        cell += (ptrdiff_t) slot_of(code, n_levels) * stride[j];
    }
    return cell;
}

/* First row of [from, to) with an invalid code, or -1. */
static ptrdiff_t first_invalid_row(const mr_strata *strata,
                                   const ptrdiff_t *stride,
                                   const int *const *symptom_codes,
                                   int n_symptoms, ptrdiff_t from, ptrdiff_t to)
{
    for (ptrdiff_t i = from; i < to; i++) {
        unsigned valid = 1;
        cell_of(strata, stride, i, &valid);
        for (int s = 0; s < n_symptoms; s++)
            valid &= valid_code(symptom_codes[s][i], 4u);
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
    const ptrdiff_t cell_size = (ptrdiff_t) n_symptoms * MR_N_CATEGORIES;
    const ptrdiff_t block = mr_tabulate_block_size(n_cells, n_symptoms);
    const ptrdiff_t lane_mask = n_lanes - 1;
    ptrdiff_t stride[MR_MAX_STRATA];
    ptrdiff_t step = cell_size;
    for (int j = 0; j < strata->n_strata; j++) {
        stride[j] = step;
        step *= (ptrdiff_t) strata->n_levels[j] + 1;
    }
    int invalid = 0;
    (void) n_threads;
    MR_OMP(omp parallel num_threads(n_threads) reduction(|:invalid))
    {
        unsigned *mine = scratch + (ptrdiff_t) mr_thread_num() * n_lanes * block;
        ptrdiff_t my_from, my_to;
        mr_block_of(from, to, mr_thread_num(), mr_thread_total(), &my_from,
                    &my_to);
        /* Rows go in runs of ROWS_PER_RUN, and each run column by column:
         * the strata add up the cells (offsets into the thread's counters),
         * then each symptom counts. Short loops per column take fewer
         * instructions than all columns row by row (callgrind, 2 strata and
         * 4 symptoms: 105 instead of 150 per row), and every value is
         * checked in a vectorised loop of its own. */
        ptrdiff_t cells[ROWS_PER_RUN];
        unsigned valid = 1;
        for (ptrdiff_t run = my_from; run < my_to; run += ROWS_PER_RUN) {
            ptrdiff_t end = my_to - run > ROWS_PER_RUN ? run + ROWS_PER_RUN : my_to;
            for (ptrdiff_t i = run; i < end; i++)
                cells[i - run] = (i & lane_mask) * block;
            for (int j = 0; j < strata->n_strata; j++) {
                const int *codes = strata->codes[j];
                unsigned n_levels = (unsigned) strata->n_levels[j];
                valid &= valid_codes(codes, run, end, n_levels);
                for (ptrdiff_t i = run; i < end; i++)
                    cells[i - run] += (ptrdiff_t) slot_of(codes[i], n_levels) * stride[j];
            }
            for (int s = 0; s < n_symptoms; s++) {
                const int *codes = symptom_codes[s];
                unsigned *column = mine + s * MR_N_CATEGORIES;
                valid &= valid_codes(codes, run, end, 4u);
                for (ptrdiff_t i = run; i < end; i++)
                    column[cells[i - run] + slot_of(codes[i], 4u)] += 1;
            }
        }
        if (!valid) invalid = 1;
    }
    /* Add the blocks into counts; whole numbers below 2^53 add exactly, so
     * the totals do not depend on the number of threads or lanes. */
    for (ptrdiff_t b = 0; b < (ptrdiff_t) n_threads * n_lanes; b++) {
        unsigned *copy = scratch + b * block;
        for (ptrdiff_t k = 0; k < block; k++) {
            counts[k] += copy[k];
            copy[k] = 0;
        }
    }
    if (!invalid) return -1;
    for (int j = 0; j < strata->n_strata; j++) stride[j] /= cell_size;
    return first_invalid_row(strata, stride, symptom_codes, n_symptoms,
                             from, to);
}
