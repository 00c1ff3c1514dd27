/* Helpers shared by the .Call glue files. */
#include <stdio.h>
#include <string.h>
#include "glue.h"

mr_column mr_numeric_column(SEXP x, const char *arg)
{
    mr_column col = { NULL, NULL };
    if (TYPEOF(x) == REALSXP) col.dbl = REAL_RO(x);
    else if (TYPEOF(x) == INTSXP && !Rf_isFactor(x)) col.int_ = INTEGER_RO(x);
    else Rf_error("`%s` must be a numeric vector, not of type '%s'.", arg,
                  Rf_type2char(TYPEOF(x)));
    return col;
}

int mr_thread_count(R_xlen_t n)
{
    return n < MR_PARALLEL_MIN ? 1 : mr_thread_limit();
}

double *mr_zeroed_doubles(R_xlen_t size)
{
    double *x = (double *) R_alloc(size > 0 ? (size_t) size : 1, sizeof(double));
    for (R_xlen_t k = 0; k < size; k++) x[k] = 0;
    return x;
}

double *mr_scratch_counts(int n_threads, R_xlen_t size)
{
    return mr_zeroed_doubles((R_xlen_t) (n_threads > 1 ? n_threads - 1 : 0) * size);
}

R_xlen_t mr_paired_columns(SEXP pre, SEXP post, mr_column *pre_col,
                           mr_column *post_col)
{
    *pre_col = mr_numeric_column(pre, "pre");
    *post_col = mr_numeric_column(post, "post");
    R_xlen_t n = XLENGTH(pre);
    if (XLENGTH(post) != n)
        Rf_error("`post` must have the same length as `pre` (%.0f), not %.0f.",
                 (double) n, (double) XLENGTH(post));
    return n;
}

mr_prepared_rule mr_rule_from_params(SEXP params)
{
    if (TYPEOF(params) != REALSXP || XLENGTH(params) != 10)
        Rf_error("internal error: rule parameters must be 10 doubles.");
    const double *p = REAL_RO(params);
    mr_rule rule = {
        .increase = p[0] != 0, .combine_any = p[1] != 0,
        .min_change = p[2], .min_relative = p[3],
        .worsen_change = p[4], .worsen_relative = p[5],
        .absent_at = p[6], .range_lo = p[7], .range_hi = p[8],
        .strict = p[9] != 0
    };
    return mr_prepare_rule(&rule);
}

void mr_stop_bad_value(SEXP params, const mr_bad_value *bad)
{
    const double *range = REAL_RO(params) + 7;
    const char *arg = bad->which ? "post" : "pre";
    double pos = (double) bad->index + 1;
    if (bad->value == INFINITY)
        Rf_error("`%s` is Inf at position %.0f: Inf (unlimited) is allowed "
                 "only for \"increase\" measures such as walking distance.",
                 arg, pos);
    if (bad->value == -INFINITY)
        Rf_error("`%s` is -Inf at position %.0f: no measure allows -Inf.",
                 arg, pos);
    /* Enough digits to tell the value from the bound it passed: 10 +
     * 1e-6 is not "10". A value beyond the tolerance (1e-9 relative) always
     * differs from the bound in 15 digits; %.17g, which tells any two
     * doubles apart, is a safeguard. */
    char value[32], lo[32], hi[32];
    snprintf(value, sizeof value, "%.15g", bad->value);
    snprintf(lo, sizeof lo, "%.15g", range[0]);
    snprintf(hi, sizeof hi, "%.15g", range[1]);
    if (strcmp(value, lo) == 0 || strcmp(value, hi) == 0)
        snprintf(value, sizeof value, "%.17g", bad->value);
    Rf_error("`%s` is %s at position %.0f, outside the rule's range "
             "[%s, %s].", arg, value, pos, lo, hi);
}

const int **mr_integer_columns(SEXP list, R_xlen_t n, const char *arg)
{
    if (TYPEOF(list) != VECSXP) Rf_error("`%s` must be a list.", arg);
    R_xlen_t k = XLENGTH(list);
    const int **columns = (const int **) R_alloc(k > 0 ? k : 1, sizeof(int *));
    for (R_xlen_t j = 0; j < k; j++) {
        SEXP column = VECTOR_ELT(list, j);
        if (TYPEOF(column) != INTSXP || XLENGTH(column) != n)
            Rf_error("`%s` element %.0f must be an integer vector of length "
                     "%.0f.", arg, (double) j + 1, (double) n);
        columns[j] = INTEGER_RO(column);
    }
    return columns;
}
