/* .Call glue: classify_visits(). Each visit's column is classified against
 * the baseline by the kernel of classify_alleviation(), into its block of
 * one factor of n_patients * n_visits codes (visit-major: the block of
 * visit v holds every patient's class at v). */
#include "glue.h"

SEXP C_classify_visits(SEXP pre, SEXP posts, SEXP params)
{
    if (TYPEOF(posts) != VECSXP)
        Rf_error("internal error: `posts` must be a list.");
    R_xlen_t n_visits = XLENGTH(posts);
    mr_column pre_col = mr_numeric_column(pre, "pre");
    R_xlen_t n = XLENGTH(pre);
    mr_column *post_cols =
        (mr_column *) R_alloc(n_visits > 0 ? (size_t) n_visits : 1,
                              sizeof(mr_column));
    for (R_xlen_t v = 0; v < n_visits; v++) {
        SEXP post = VECTOR_ELT(posts, v);
        post_cols[v] = mr_numeric_column(post, "post");
        if (XLENGTH(post) != n)
            Rf_error("`post` must have the same length as `pre` (%.0f), not "
                     "%.0f.", (double) n, (double) XLENGTH(post));
    }
    mr_prepared_rule rule = mr_rule_from_params(params);
    int n_threads = mr_thread_count(n);

    SEXP out = PROTECT(Rf_allocVector(INTSXP, n * n_visits));
    for (R_xlen_t v = 0; v < n_visits; v++) {
        int *codes = INTEGER(out) + v * n;
        for (R_xlen_t from = 0; from < n; from += MR_CHUNK) {
            R_xlen_t to = n - from > MR_CHUNK ? from + MR_CHUNK : n;
            mr_bad_value bad;
            mr_classify_range(&rule, pre_col, post_cols[v], from, to, codes,
                              n_threads, &bad);
            /* The R wrapper finds which visit, for its message. */
            if (bad.index >= 0) mr_stop_bad_value(params, &bad);
            R_CheckUserInterrupt();
        }
    }
    Rf_setAttrib(out, R_LevelsSymbol, mr_class_levels);
    Rf_setAttrib(out, R_ClassSymbol, mr_factor_class);
    UNPROTECT(1);
    return out;
}
