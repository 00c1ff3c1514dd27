/* Kernel: one counting pass over patients, symptoms and strata cells. */
#include "kernels.h"

/* Category slot of a class code; -1 when the code is not a valid class. */
static inline int category_of(int code)
{
    if (code == MR_NA_CODE) return MR_N_CATEGORIES - 1;
    if (code >= MR_ALLEVIATED && code <= MR_ABSENT) return code - 1;
    return -1;
}

ptrdiff_t mr_tabulate_range(const mr_strata *strata,
                            const int *const *symptom_codes, int n_symptoms,
                            const int *any_alleviated,
                            ptrdiff_t from, ptrdiff_t to, double *counts)
{
    const ptrdiff_t columns = n_symptoms + 1;
    for (ptrdiff_t i = from; i < to; i++) {
        /* Fold the strata codes into one cell index, first stratum
         * fastest (the order of expand.grid()). */
        ptrdiff_t cell = 0, stride = 1;
        for (int j = 0; j < strata->n_strata; j++) {
            int code = strata->codes[j][i], n_levels = strata->n_levels[j];
            int slot;
            if (code == MR_NA_CODE) slot = n_levels;
            else if (code >= 1 && code <= n_levels) slot = code - 1;
            else return i;
            cell += slot * stride;
            stride *= n_levels + 1;
        }
        double *row = counts + cell * columns * MR_N_CATEGORIES;
        for (int s = 0; s < n_symptoms; s++) {
            int category = category_of(symptom_codes[s][i]);
            if (category < 0) return i;
            row[s * MR_N_CATEGORIES + category] += 1;
        }
        int any = any_alleviated[i];
        int category = any == 1 ? 0 : (any == 0 ? 1 : MR_N_CATEGORIES - 1);
        if (any != 1 && any != 0 && any != MR_NA_CODE) return i;
        row[n_symptoms * MR_N_CATEGORIES + category] += 1;
    }
    return -1;
}
