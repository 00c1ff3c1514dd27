/* .Call glue: the per-cell statistics of score_change(). */
#include "glue.h"

static void stop_out_of_range(mr_column pre, mr_column post, ptrdiff_t row,
                              int which, double lo, double hi)
{
    double value = mr_column_value(which ? post : pre, row);
    Rf_error("`%s` has %g outside the rule's range [%g, %g] at row %.0f.",
             which ? "post" : "pre", value, lo, hi, (double) row + 1);
}

/* The statistics of one cell, rows [from, to) of pre and post, each pass
 * in chunks of MR_CHUNK rows between checks for a user interrupt. */
static void score_cell(mr_column pre, mr_column post, R_xlen_t from,
                       R_xlen_t to, int increase, int ranks, double lo,
                       double hi, double *own_pre, double *own_post,
                       const mr_score_scratch *scratch, double *out)
{
    mr_score_state st;
    int quartiles_too = !(own_pre && own_post && to - from < MR_SCORE_BUCKETS);
    mr_score_start(&st, increase, quartiles_too, lo, hi, scratch, ranks);
    for (R_xlen_t at = from; at < to; at += MR_CHUNK) {
        R_xlen_t end = to - at > MR_CHUNK ? at + MR_CHUNK : to;
        int which = 0;
        ptrdiff_t bad = mr_score_first(&st, pre, post, at, end, &which);
        if (bad >= 0) stop_out_of_range(pre, post, bad, which, lo, hi);
        if (to - from > MR_CHUNK) R_CheckUserInterrupt();
    }
    mr_score_plan(&st);
    for (R_xlen_t at = from; at < to; at += MR_CHUNK) {
        R_xlen_t end = to - at > MR_CHUNK ? at + MR_CHUNK : to;
        mr_score_second(&st, pre, post, at, end);
        if (to - from > MR_CHUNK) R_CheckUserInterrupt();
    }
    if (mr_score_third_needed(&st)) {
        for (R_xlen_t at = from; at < to; at += MR_CHUNK) {
            R_xlen_t end = to - at > MR_CHUNK ? at + MR_CHUNK : to;
            mr_score_third(&st, pre, post, at, end);
            if (to - from > MR_CHUNK) R_CheckUserInterrupt();
        }
    }
    mr_score_finish(&st, own_pre ? own_pre + from : NULL,
                    own_post ? own_post + from : NULL, out);
}

/* pre, post: numeric, one length; cell: NULL (one cell) or 0-based integer
 * codes with NA for rows left out; n_cells; increase: TRUE/FALSE; range:
 * the rule's c(lower, upper); ranks: FALSE to leave out the signed ranks
 * (their statistics are then 0; for benchmarks of the rest). Returns a
 * list of MR_SCORE_STATS double vectors, n_cells long, in the order of R's
 * score_stat_names. */
SEXP C_score_cells(SEXP pre, SEXP post, SEXP cell, SEXP n_cells_, SEXP increase_,
                   SEXP range, SEXP ranks_)
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
        INTEGER(n_cells_)[0] < 1 || (!cells && INTEGER(n_cells_)[0] != 1))
        Rf_error("internal error: `n_cells` must be one positive integer.");
    int n_cells = INTEGER(n_cells_)[0];
    if (TYPEOF(increase_) != LGLSXP || XLENGTH(increase_) != 1 ||
        LOGICAL(increase_)[0] == NA_LOGICAL)
        Rf_error("internal error: `increase` must be TRUE or FALSE.");
    int increase = LOGICAL(increase_)[0];
    if (TYPEOF(range) != REALSXP || XLENGTH(range) != 2)
        Rf_error("internal error: `range` must be two doubles.");
    double lo = REAL(range)[0], hi = REAL(range)[1];
    if (TYPEOF(ranks_) != LGLSXP || XLENGTH(ranks_) != 1)
        Rf_error("internal error: `ranks` must be TRUE or FALSE.");
    int ranks = LOGICAL(ranks_)[0] != 0;

    SEXP out = PROTECT(Rf_allocVector(VECSXP, MR_SCORE_STATS));
    double *column[MR_SCORE_STATS];
    for (int k = 0; k < MR_SCORE_STATS; k++) {
        SET_VECTOR_ELT(out, k, Rf_allocVector(REALSXP, n_cells));
        column[k] = REAL(VECTOR_ELT(out, k));
    }
    double stats[MR_SCORE_STATS];
    mr_score_scratch scratch;
    scratch.hist = (ptrdiff_t *) R_alloc(2 * MR_SCORE_BUCKETS, sizeof(ptrdiff_t));
    int which = 0;

    if (!cells) {
        /* One cell: the columns as they are, counted, checked and summed in
         * the kernel's first pass. Scratch for all rows: pages never
         * written are never touched (gather is mostly left alone; change
         * and tmp are written only with ranks). */
        size_t room = n > 0 ? (size_t) n : 1;
        scratch.gather = (double *) R_alloc(2 * room, sizeof(double));
        scratch.change = ranks ? (double *) R_alloc(room, sizeof(double)) : NULL;
        scratch.tmp = ranks ? (double *) R_alloc(room, sizeof(double)) : NULL;
        score_cell(pre_col, post_col, 0, n, increase, ranks, lo, hi, NULL, NULL,
                   &scratch, stats);
        for (int k = 0; k < MR_SCORE_STATS; k++) column[k][0] = stats[k];
        UNPROTECT(1);
        return out;
    }

    /* Several cells: count, then a counting sort of the finite pairs into
     * one slice per cell, copies the kernel may rearrange. */
    double *counts = mr_zeroed_doubles((R_xlen_t) n_cells * 3);
    for (R_xlen_t from = 0; from < n; from += MR_CHUNK) {
        R_xlen_t to = n - from > MR_CHUNK ? from + MR_CHUNK : n;
        ptrdiff_t bad = mr_score_count(pre_col, post_col, cells, n_cells, from,
                                       to, lo, hi, counts, &which);
        if (bad >= 0) {
            if (which == 2)
                Rf_error("internal error: cell code out of range at row %.0f.",
                         (double) bad + 1);
            stop_out_of_range(pre_col, post_col, bad, which, lo, hi);
        }
        R_CheckUserInterrupt();
    }
    ptrdiff_t *start = (ptrdiff_t *) R_alloc((size_t) n_cells + 1, sizeof(ptrdiff_t));
    ptrdiff_t *next = (ptrdiff_t *) R_alloc((size_t) n_cells, sizeof(ptrdiff_t));
    start[0] = 0;
    ptrdiff_t largest = 0;
    for (int c = 0; c < n_cells; c++) {
        start[c + 1] = start[c] + (ptrdiff_t) counts[3 * c];
        next[c] = start[c];
        if (start[c + 1] - start[c] > largest) largest = start[c + 1] - start[c];
    }
    size_t room = largest > 0 ? (size_t) largest : 1;
    scratch.gather = (double *) R_alloc(2 * room, sizeof(double));
    scratch.change = ranks ? (double *) R_alloc(room, sizeof(double)) : NULL;
    scratch.tmp = ranks ? (double *) R_alloc(room, sizeof(double)) : NULL;
    ptrdiff_t used = start[n_cells];
    size_t size = used > 0 ? (size_t) used : 1;
    double *x0 = (double *) R_alloc(size, sizeof(double));
    double *x1 = (double *) R_alloc(size, sizeof(double));
    for (R_xlen_t from = 0; from < n; from += MR_CHUNK) {
        R_xlen_t to = n - from > MR_CHUNK ? from + MR_CHUNK : n;
        mr_score_scatter(pre_col, post_col, cells, from, to, next, x0, x1);
        R_CheckUserInterrupt();
    }
    mr_column a = { x0, NULL }, b = { x1, NULL };
    for (int c = 0; c < n_cells; c++) {
        score_cell(a, b, start[c], start[c + 1], increase, ranks, lo, hi, x0, x1,
                   &scratch, stats);
        stats[1] = counts[3 * c + 1];
        stats[2] = counts[3 * c + 2];
        for (int k = 0; k < MR_SCORE_STATS; k++) column[k][c] = stats[k];
        if ((c & 1023) == 1023) R_CheckUserInterrupt();
    }
    UNPROTECT(1);
    return out;
}
