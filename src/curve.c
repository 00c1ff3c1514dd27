/* .Call glue: alleviation_curve(). */
#include "glue.h"

SEXP C_alleviation_curve(SEXP pre, SEXP post, SEXP params, SEXP vary_relative,
                         SEXP thresholds_sorted)
{
    mr_column pre_col, post_col;
    R_xlen_t n = mr_paired_columns(pre, post, &pre_col, &post_col);
    mr_prepared_rule rule = mr_rule_from_params(params);
    if (TYPEOF(thresholds_sorted) != REALSXP || XLENGTH(thresholds_sorted) > INT_MAX)
        Rf_error("internal error: `thresholds` must be doubles.");
    int n_thr = (int) XLENGTH(thresholds_sorted);
    int vary = Rf_asLogical(vary_relative) == TRUE;

    int n_threads = mr_thread_count(n);
    double *bins = mr_zeroed_doubles((R_xlen_t) n_thr + 1);
    double *scratch = mr_scratch_counts(n_threads, (R_xlen_t) n_thr + 1);
    double evaluable = 0;
    /* one parallel region per MR_SPAN pairs (kernels.h) */
    for (R_xlen_t from = 0; from < n; from += MR_SPAN) {
        R_xlen_t to = n - from > MR_SPAN ? from + MR_SPAN : n;
        mr_bad_value bad;
        mr_curve_range(&rule, vary, pre_col, post_col, from, to,
                       REAL_RO(thresholds_sorted), n_thr, n_threads, bins,
                       scratch, &evaluable, &bad);
        if (bad.index >= 0) mr_stop_bad_value(params, &bad);
        R_CheckUserInterrupt();
    }
    SEXP out = PROTECT(Rf_allocVector(VECSXP, 2));
    SEXP alleviated = Rf_allocVector(REALSXP, n_thr);
    SET_VECTOR_ELT(out, 0, alleviated);
    mr_curve_finish(bins, n_thr, REAL(alleviated));
    SET_VECTOR_ELT(out, 1, Rf_ScalarReal(evaluable));
    UNPROTECT(1);
    return out;
}
