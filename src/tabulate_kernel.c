/* Kernel: one counting pass over patients, symptoms and strata cells. */
#include "kernels.h"

/* Count slot of a class code: the class, MR_N_CATEGORIES - 1 for NA, or -1
 * when the code is not a valid class. */
static inline int category_of(int code)
{
    if (code == MR_NA_CODE) return MR_N_CATEGORIES - 1;
    if (code >= MR_ALLEVIATED && code <= MR_ABSENT) return code - 1;
    return -1;
}

/* Slot of a patient-level any_alleviated value: TRUE as alleviated, FALSE
 * as unchanged, NA as missing; -1 when invalid. */
static inline int any_category_of(int any)
{
    if (any == 1) return 0;
    if (any == 0) return 1;
    return any == MR_NA_CODE ? MR_N_CATEGORIES - 1 : -1;
}

/* The cell of row i, strata folded first-fastest (the order of
 * expand.grid()); -1 when a code is out of range. */
static inline ptrdiff_t cell_of(const mr_strata *strata, ptrdiff_t i)
{
    ptrdiff_t cell = 0, stride = 1;
    for (int j = 0; j < strata->n_strata; j++) {
        int code = strata->codes[j][i], n_levels = strata->n_levels[j];
        if (code == MR_NA_CODE) code = n_levels + 1;     /* the NA slot */
        else if (code < 1 || code > n_levels) return -1;
        cell += (ptrdiff_t) (code - 1) * stride;
        stride *= n_levels + 1;
    }
    return cell;
}

/* Row i's codes are all valid. */
static int row_is_valid(const mr_strata *strata,
                        const int *const *symptom_codes, int n_symptoms,
                        const int *any_alleviated, ptrdiff_t i)
{
    if (cell_of(strata, i) < 0 || any_category_of(any_alleviated[i]) < 0)
        return 0;
    for (int s = 0; s < n_symptoms; s++)
        if (category_of(symptom_codes[s][i]) < 0) return 0;
    return 1;
}

ptrdiff_t mr_tabulate_range(const mr_strata *strata,
                            const int *const *symptom_codes, int n_symptoms,
                            const int *any_alleviated,
                            ptrdiff_t from, ptrdiff_t to, int n_threads,
                            double *counts, ptrdiff_t n_counts,
                            double *scratch)
{
    const ptrdiff_t columns = n_symptoms + 1;
    int invalid = 0;
    (void) n_threads;
    MR_OMP(omp parallel num_threads(n_threads) reduction(|:invalid))
    {
        double *mine = mr_thread_counts(counts, scratch, n_counts);
        MR_OMP(omp for schedule(static))
        for (ptrdiff_t i = from; i < to; i++) {
            ptrdiff_t cell = cell_of(strata, i);
            int any = any_category_of(any_alleviated[i]);
            if (cell < 0 || any < 0) { invalid = 1; continue; }
            double *row = mine + cell * columns * MR_N_CATEGORIES;
            for (int s = 0; s < n_symptoms; s++) {
                int category = category_of(symptom_codes[s][i]);
                if (category < 0) { invalid = 1; category = 0; }
                row[s * MR_N_CATEGORIES + category] += 1;
            }
            row[n_symptoms * MR_N_CATEGORIES + any] += 1;
        }
    }
    mr_add_scratch(counts, scratch, n_counts, n_threads);
    if (!invalid) return -1;
    for (ptrdiff_t i = from; i < to; i++)
        if (!row_is_valid(strata, symptom_codes, n_symptoms, any_alleviated, i))
            return i;
    return -1;
}
