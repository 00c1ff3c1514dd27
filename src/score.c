/* .Call glue: the per-cell statistics of score_change(). */
#include "glue.h"

/* pre, post: numeric, one length; cell: NULL (one cell) or 0-based integer
 * codes with NA for rows left out; n_cells; increase: TRUE/FALSE; range:
 * the rule's c(lower, upper). Returns a list of MR_SCORE_STATS doubles
 * vectors, n_cells long. */
SEXP C_score_cells(SEXP pre, SEXP post, SEXP cell, SEXP n_cells_, SEXP increase_,
                   SEXP range)
{
    mr_column pre_col, post_col;
    R_xlen_t n = mr_paired_columns(pre, post, &pre_col, &post_col);
    const int *cells = NULL;
    if (!Rf_isNull(cell)) {
        if (TYPEOF(cell) != INTSXP || XLENGTH(cell) != n)
            Rf_error("internal error: `cell` must be integer codes, one per row.");
        cells = INTEGER_RO(cell);
    }
    if (TYPEOF(n_cells_) != INTSXP || XLENGTH(n_cells_) != 1 ||
        INTEGER(n_cells_)[0] < 1 || (Rf_isNull(cell) && INTEGER(n_cells_)[0] != 1))
        Rf_error("internal error: `n_cells` must be one positive integer.");
    int n_cells = INTEGER(n_cells_)[0];
    if (TYPEOF(increase_) != LGLSXP || XLENGTH(increase_) != 1 ||
        LOGICAL(increase_)[0] == NA_LOGICAL)
        Rf_error("internal error: `increase` must be TRUE or FALSE.");
    int increase = LOGICAL(increase_)[0];
    if (TYPEOF(range) != REALSXP || XLENGTH(range) != 2)
        Rf_error("internal error: `range` must be two doubles.");
    double lo = REAL(range)[0], hi = REAL(range)[1];

    double *counts = mr_zeroed_doubles((R_xlen_t) n_cells * 3);
    for (R_xlen_t from = 0; from < n; from += MR_CHUNK) {
        R_xlen_t to = n - from > MR_CHUNK ? from + MR_CHUNK : n;
        int which = 0;
        ptrdiff_t bad = mr_score_count(pre_col, post_col, cells, n_cells, from,
                                       to, lo, hi, counts, &which);
        if (bad >= 0) {
            if (which == 2)
                Rf_error("internal error: cell code out of range at row %.0f.",
                         (double) bad + 1);
            double value = mr_column_value(which ? post_col : pre_col, bad);
            Rf_error("`%s` has %g outside the rule's range [%g, %g] at row %.0f.",
                     which ? "post" : "pre", value, lo, hi, (double) bad + 1);
        }
        R_CheckUserInterrupt();
    }
    /* counting sort of the finite pairs into slices per cell */
    ptrdiff_t *start = (ptrdiff_t *) R_alloc((size_t) n_cells + 1, sizeof(ptrdiff_t));
    ptrdiff_t *next = (ptrdiff_t *) R_alloc((size_t) n_cells, sizeof(ptrdiff_t));
    start[0] = 0;
    for (int c = 0; c < n_cells; c++) {
        start[c + 1] = start[c] + (ptrdiff_t) counts[3 * c];
        next[c] = start[c];
    }
    ptrdiff_t used = start[n_cells];
    size_t room = used > 0 ? (size_t) used : 1;
    double *x0 = (double *) R_alloc(room, sizeof(double));
    double *x1 = (double *) R_alloc(room, sizeof(double));
    double *change = (double *) R_alloc(room, sizeof(double));
    for (R_xlen_t from = 0; from < n; from += MR_CHUNK) {
        R_xlen_t to = n - from > MR_CHUNK ? from + MR_CHUNK : n;
        mr_score_scatter(pre_col, post_col, cells, from, to, next, x0, x1);
        R_CheckUserInterrupt();
    }

    SEXP out = PROTECT(Rf_allocVector(VECSXP, MR_SCORE_STATS));
    double *column[MR_SCORE_STATS];
    for (int k = 0; k < MR_SCORE_STATS; k++) {
        SET_VECTOR_ELT(out, k, Rf_allocVector(REALSXP, n_cells));
        column[k] = REAL(VECTOR_ELT(out, k));
    }
    double stats[MR_SCORE_STATS];
    for (int c = 0; c < n_cells; c++) {
        ptrdiff_t at = start[c], m = start[c + 1] - start[c];
        stats[0] = counts[3 * c];
        stats[1] = counts[3 * c + 1];
        stats[2] = counts[3 * c + 2];
        mr_score_cell(x0 + at, x1 + at, m, increase, change + at, stats + 3);
        for (int k = 0; k < MR_SCORE_STATS; k++) column[k][c] = stats[k];
        if ((c & 1023) == 1023 || m > (1 << 20)) R_CheckUserInterrupt();
    }
    UNPROTECT(1);
    return out;
}
