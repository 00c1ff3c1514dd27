/* Kernel: group rows by the combination of their stratum codes, one column
 * at a time, so that cost and memory follow the rows and the combinations
 * actually present, never the product of the columns' levels.
 *
 * Each step combines the group id a row has so far with its code in one
 * more column: key = id * (levels + 1) + slot, slot = code - 1 or, for NA,
 * levels. Keys get new dense ids in order of first appearance, through a
 * direct table when the key space is small, else through an open-addressing
 * hash of the keys seen (at most one per row). */
#include <string.h>
#include "kernels.h"

/* Fibonacci hashing: the top bits of key * 2^64 / phi. */
static inline size_t hash_slot(uint64_t key, int bits)
{
    return (size_t) ((key * UINT64_C(0x9E3779B97F4A7C15)) >> (64 - bits));
}

int mr_group_use_table(ptrdiff_t n_keys, ptrdiff_t n_rows)
{
    ptrdiff_t limit = n_rows > 4096 ? 2 * n_rows : 8192;
    return n_keys <= limit;
}

ptrdiff_t mr_group_hash_capacity(ptrdiff_t n_rows)
{
    ptrdiff_t capacity = 64;
    while (capacity < 2 * n_rows) capacity *= 2;
    return capacity;
}

void mr_group_start(mr_group_step *step, ptrdiff_t n_prev, int n_levels,
                    ptrdiff_t n_rows, int *table, uint64_t *hash_keys,
                    int *hash_ids)
{
    step->n_groups = 0;
    step->n_levels = n_levels;
    step->n_keys = n_prev * ((ptrdiff_t) n_levels + 1);
    step->table = mr_group_use_table(step->n_keys, n_rows) ? table : NULL;
    step->hash_keys = hash_keys;
    step->hash_ids = hash_ids;
    step->bits = 0;
    if (step->table) {
        for (ptrdiff_t k = 0; k < step->n_keys; k++) table[k] = -1;
    } else {
        ptrdiff_t capacity = mr_group_hash_capacity(n_rows);
        while (((ptrdiff_t) 1 << step->bits) < capacity) step->bits++;
        memset(hash_keys, 0, (size_t) capacity * sizeof(uint64_t));
    }
}

/* The dense id of key, a new one (recorded with its first row) if unseen. */
static inline int id_of(mr_group_step *step, uint64_t key, ptrdiff_t row,
                        ptrdiff_t *first_row)
{
    if (step->table) {
        int *id = step->table + key;
        if (*id < 0) {
            first_row[step->n_groups] = row;
            *id = (int) step->n_groups++;
        }
        return *id;
    }
    size_t mask = ((size_t) 1 << step->bits) - 1;
    size_t at = hash_slot(key, step->bits);
    uint64_t stored = key + 1;          /* 0 marks an empty slot */
    for (;;) {
        if (step->hash_keys[at] == stored) return step->hash_ids[at];
        if (step->hash_keys[at] == 0) {
            step->hash_keys[at] = stored;
            first_row[step->n_groups] = row;
            step->hash_ids[at] = (int) step->n_groups;
            return (int) step->n_groups++;
        }
        at = (at + 1) & mask;
    }
}

ptrdiff_t mr_group_range(mr_group_step *step, const int *prev,
                         const int *codes, ptrdiff_t from, ptrdiff_t to,
                         int *ids, ptrdiff_t *first_row)
{
    unsigned n_levels = (unsigned) step->n_levels;
    uint64_t width = (uint64_t) n_levels + 1;
    for (ptrdiff_t i = from; i < to; i++) {
        int code = codes[i];
        unsigned slot = (unsigned) code - 1u;
        if (slot >= n_levels) {
            if (code != MR_NA_CODE) return i;
            slot = n_levels;
        }
        uint64_t before = prev ? (uint64_t) prev[i] : 0;
        ids[i] = id_of(step, before * width + slot, i, first_row);
    }
    return -1;
}

/* column (category c, symptom s) starts at (c * n_symptoms + s) *
 * n_groups: a row's increment is one cache line either way, and the
 * result needs no transpose */
#define MR_COUNT_GROUPS_BODY                                                 \
    for (ptrdiff_t i = from; i < to; i++) {                                  \
        ptrdiff_t g = group[i];                                              \
        for (int s = 0; s < n_symptoms; s++) {                               \
            int c = mr_category(symptom_codes[s][i]);                        \
            if (c < 0) return i;                                             \
            counts[((ptrdiff_t) c * n_symptoms + s) * n_groups + g] += 1;    \
        }                                                                    \
    }                                                                        \
    return -1;

ptrdiff_t mr_count_groups(const int *group, const int *const *symptom_codes,
                          int n_symptoms, ptrdiff_t from, ptrdiff_t to,
                          ptrdiff_t n_groups, int *counts)
{
    MR_COUNT_GROUPS_BODY
}

ptrdiff_t mr_count_groups_double(const int *group,
                                 const int *const *symptom_codes,
                                 int n_symptoms, ptrdiff_t from, ptrdiff_t to,
                                 ptrdiff_t n_groups, double *counts)
{
    MR_COUNT_GROUPS_BODY
}

/* One pass of a least-significant-first counting sort of cells: the
 * n entries of `from` (0-based cells; NULL: 0..n-1) stably sorted by the
 * cell's code in one stratum (1..n_levels, MR_NA_CODE after them) into
 * `to`. counts: n_levels + 1 scratch slots. Returns -1, or the first cell
 * whose code is outside its levels (nothing is then written). */
ptrdiff_t mr_order_cells_by(const int *codes, int n_levels, const int *from,
                            ptrdiff_t n, size_t *counts, int *to)
{
    unsigned levels = (unsigned) n_levels;
    memset(counts, 0, ((size_t) levels + 1) * sizeof(size_t));
    for (ptrdiff_t i = 0; i < n; i++) {
        int code = codes[i];
        unsigned slot = (unsigned) code - 1u;
        if (slot >= levels) {
            if (code != MR_NA_CODE) return i;
            slot = levels;
        }
        counts[slot]++;
    }
    size_t at = 0;
    for (size_t d = 0; d <= levels; d++) { size_t m = counts[d]; counts[d] = at; at += m; }
    for (ptrdiff_t i = 0; i < n; i++) {
        int cell = from ? from[i] : (int) i;
        int code = codes[cell];
        unsigned slot = code == MR_NA_CODE ? levels : (unsigned) code - 1u;
        to[counts[slot]++] = cell;
    }
    return -1;
}
