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
    /* one parallel region per MR_SPAN pairs (kernels.h) */
    for (R_xlen_t from = 0; from < n; from += MR_SPAN) {
        R_xlen_t to = n - from > MR_SPAN ? from + MR_SPAN : n;
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

/* The first position (1-based, as a double) where the classes of pre and
 * post under the rule differ from `codes` (a factor's codes), or 0 when
 * they agree everywhere; an invalid value is the classifier's error. The
 * classes go chunk by chunk through one reused buffer, so a check of 10^7
 * pairs allocates 4 MB, not a new 40 MB factor (whose first-touch page
 * faults alone would cost more than classifying it). */
static mr_column shifted(mr_column c, R_xlen_t from)
{
    if (c.dbl) c.dbl += from;
    else c.int_ += from;
    return c;
}

SEXP C_check_classes(SEXP pre, SEXP post, SEXP params, SEXP codes)
{
    mr_column pre_col, post_col;
    R_xlen_t n = mr_paired_columns(pre, post, &pre_col, &post_col);
    mr_prepared_rule rule = mr_rule_from_params(params);
    if (TYPEOF(codes) != INTSXP || XLENGTH(codes) != n)
        Rf_error("internal error: `codes` must be integer codes, one per pair.");
    const int *expected = INTEGER_RO(codes);
    int n_threads = mr_thread_count(n);
    R_xlen_t size = n < MR_CHUNK ? n : MR_CHUNK;
    int *buffer = (int *) R_alloc(size > 0 ? (size_t) size : 1, sizeof(int));
    for (R_xlen_t from = 0; from < n; from += MR_CHUNK) {
        R_xlen_t to = n - from > MR_CHUNK ? from + MR_CHUNK : n;
        mr_bad_value bad;
        /* the chunk's pairs as columns of their own, classified into
         * buffer[0, to - from) */
        mr_column p = shifted(pre_col, from), q = shifted(post_col, from);
        mr_classify_range(&rule, p, q, 0, to - from, buffer, n_threads, &bad);
        if (bad.index >= 0) {
            bad.index += from;
            mr_stop_bad_value(params, &bad);
        }
        for (R_xlen_t i = from; i < to; i++)
            if (buffer[i - from] != expected[i])
                return Rf_ScalarReal((double) i + 1);
        R_CheckUserInterrupt();
    }
    return Rf_ScalarReal(0);
}
