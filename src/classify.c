/* .Call glue: classify_alleviation(). */
#include "glue.h"

SEXP C_classify_alleviation(SEXP pre, SEXP post, SEXP params)
{
    mr_column pre_col, post_col;
    R_xlen_t n = mr_paired_columns(pre, post, &pre_col, &post_col);
    mr_prepared_rule rule = mr_rule_from_params(params);
    int n_threads = mr_thread_count(n);

    SEXP out = PROTECT(Rf_allocVector(INTSXP, n));
    int *codes = INTEGER(out);
    for (R_xlen_t from = 0; from < n; from += MR_CHUNK) {
        R_xlen_t to = n - from > MR_CHUNK ? from + MR_CHUNK : n;
        mr_bad_value bad;
        mr_classify_range(&rule, pre_col, post_col, from, to, codes,
                          n_threads, &bad);
        if (bad.index >= 0) mr_stop_bad_value(params, &bad);
        R_CheckUserInterrupt();
    }
    Rf_setAttrib(out, R_LevelsSymbol, mr_class_levels);
    Rf_setAttrib(out, R_ClassSymbol, mr_factor_class);
    SEXP names = Rf_getAttrib(pre, R_NamesSymbol);
    if (!Rf_isNull(names)) Rf_setAttrib(out, R_NamesSymbol, names);
    UNPROTECT(1);
    return out;
}
