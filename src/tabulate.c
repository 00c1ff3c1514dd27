/* .Call glue: the counting pass of tabulate_cohort(). */
#include <string.h>
#include "glue.h"

/* Cells beyond this are refused: the counts would not fit in memory. */
#define MR_MAX_COUNTS 1e9

SEXP C_tabulate_cohort(SEXP strata_codes, SEXP n_levels, SEXP symptom_codes,
                       SEXP any_alleviated)
{
    if (TYPEOF(any_alleviated) != LGLSXP)
        Rf_error("internal error: `any_alleviated` must be logical.");
    R_xlen_t n = XLENGTH(any_alleviated);
    const int **symptoms = mr_integer_columns(symptom_codes, n, "symptoms");
    const int **strata = mr_integer_columns(strata_codes, n, "by");
    int n_symptoms = (int) XLENGTH(symptom_codes);
    int n_strata = (int) XLENGTH(strata_codes);
    if (TYPEOF(n_levels) != INTSXP || XLENGTH(n_levels) != n_strata)
        Rf_error("internal error: one level count per stratum expected.");
    if (n_strata > MR_MAX_STRATA)
        Rf_error("`by` may name at most %d columns.", MR_MAX_STRATA);

    /* Each stratum has its levels plus a slot for NA. */
    double n_cells = 1;
    for (int j = 0; j < n_strata; j++) {
        int levels = INTEGER(n_levels)[j];
        if (levels < 0) Rf_error("internal error: negative level count.");
        n_cells *= (double) levels + 1;
    }
    double n_counts = n_cells * (n_symptoms + 1) * MR_N_CATEGORIES;
    if (n_counts > MR_MAX_COUNTS)
        Rf_error("`by` has too many combinations of levels (%.0f strata).",
                 n_cells);

    SEXP counts = PROTECT(Rf_allocVector(REALSXP, (R_xlen_t) n_counts));
    memset(REAL(counts), 0, sizeof(double) * (size_t) n_counts);
    mr_strata spec = { n_strata, strata, INTEGER_RO(n_levels) };
    /* Integer counters per thread and lane (see mr_tabulate_range()); extra
     * copies only while the counts are small, since every chunk adds them
     * all up. */
    int n_threads = n_counts <= (1 << 16) ? mr_thread_count(n) : 1;
    int n_lanes = n_counts <= (1 << 14) ? 4 : 1;
    size_t n_scratch = (size_t) n_threads * n_lanes *
        (size_t) mr_tabulate_block_size((ptrdiff_t) n_cells, n_symptoms);
    unsigned *scratch = (unsigned *) R_alloc(n_scratch, sizeof(unsigned));
    memset(scratch, 0, n_scratch * sizeof(unsigned));
    for (R_xlen_t from = 0; from < n; from += MR_CHUNK) {
        R_xlen_t to = n - from > MR_CHUNK ? from + MR_CHUNK : n;
        ptrdiff_t bad = mr_tabulate_range(&spec, symptoms, n_symptoms,
                                          LOGICAL_RO(any_alleviated), from,
                                          to, n_threads, n_lanes,
                                          REAL(counts), (ptrdiff_t) n_cells,
                                          scratch);
        if (bad >= 0)
            Rf_error("`x` row %.0f holds a code outside its factor's levels.",
                     (double) bad + 1);
        R_CheckUserInterrupt();
    }
    UNPROTECT(1);
    return counts;
}
