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
    /* Per-thread copies of the counts only while they stay small. */
    int n_threads = n_counts <= (1 << 20) ? mr_thread_count(n) : 1;
    double *scratch = mr_scratch_counts(n_threads, (R_xlen_t) n_counts);
    for (R_xlen_t from = 0; from < n; from += MR_CHUNK) {
        R_xlen_t to = n - from > MR_CHUNK ? from + MR_CHUNK : n;
        ptrdiff_t bad = mr_tabulate_range(&spec, symptoms, n_symptoms,
                                          LOGICAL_RO(any_alleviated), from,
                                          to, n_threads, REAL(counts),
                                          (ptrdiff_t) n_counts, scratch);
        if (bad >= 0)
            Rf_error("`x` row %.0f holds a code outside its factor's levels.",
                     (double) bad + 1);
        R_CheckUserInterrupt();
    }
    UNPROTECT(1);
    return counts;
}
