/* .Call glue: the count and stratum columns of an alleviation table, built
 * straight from the cells' counts (see build_alleviation_table()). */
#include <stdlib.h>
#include <string.h>
#include "glue.h"

typedef struct {
    SEXP codes, n_levels;
    int *buffer;
    size_t *counts;
} order_work;

static void free_order_work(void *data, Rboolean jump)
{
    (void) jump;
    order_work *w = (order_work *) data;
    free(w->buffer); free(w->counts);
    w->buffer = NULL; w->counts = NULL;
}

static SEXP cell_order(void *data)
{
    order_work *w = (order_work *) data;
    int n_strata = (int) XLENGTH(w->codes);
    R_xlen_t n = XLENGTH(VECTOR_ELT(w->codes, 0));
    const int *levels = INTEGER_RO(w->n_levels);
    int most = 0;
    for (int j = 0; j < n_strata; j++) if (levels[j] > most) most = levels[j];
    SEXP out = PROTECT(Rf_allocVector(INTSXP, n));
    w->counts = (size_t *) malloc(((size_t) most + 1) * sizeof(size_t));
    w->buffer = n_strata > 1 ? (int *) malloc((n > 0 ? (size_t) n : 1) * sizeof(int)) : NULL;
    if (!w->counts || (n_strata > 1 && !w->buffer))
        Rf_error("cannot allocate the memory to order %.0f cells.", (double) n);
    /* the last pass (the last stratum, the most significant) writes out */
    const int *from = NULL;
    for (int j = 0; j < n_strata; j++) {
        int *to = (n_strata - 1 - j) % 2 == 0 ? INTEGER(out) : w->buffer;
        ptrdiff_t bad = mr_order_cells_by(INTEGER_RO(VECTOR_ELT(w->codes, j)),
                                          levels[j], from, n, w->counts, to);
        if (bad >= 0)
            Rf_error("internal error: cell %.0f has a code outside the levels of stratum %d.",
                     (double) bad + 1, j + 1);
        from = to;
        R_CheckUserInterrupt();
    }
    int *o = INTEGER(out);
    for (R_xlen_t i = 0; i < n; i++) o[i] += 1;
    UNPROTECT(1);
    return out;
}

/* The table order of cells (1-based), as order() of the strata codes with
 * the last stratum first, NA last, method = "radix" gives it: the first
 * stratum varies fastest. codes: per stratum an integer vector of codes
 * 1..n_levels[j] or NA, all of one length. One counting-sort pass per
 * stratum, O(cells + levels) each. */
SEXP C_cell_order(SEXP codes, SEXP n_levels)
{
    if (TYPEOF(codes) != VECSXP || XLENGTH(codes) < 1)
        Rf_error("internal error: a list of codes expected.");
    int n_strata = (int) XLENGTH(codes);
    if (TYPEOF(n_levels) != INTSXP || XLENGTH(n_levels) != n_strata)
        Rf_error("internal error: one level count per stratum expected.");
    R_xlen_t n = XLENGTH(VECTOR_ELT(codes, 0));
    if (n >= INT_MAX) Rf_error("internal error: too many cells to order.");
    for (int j = 0; j < n_strata; j++) {
        SEXP c = VECTOR_ELT(codes, j);
        if (TYPEOF(c) != INTSXP || XLENGTH(c) != n)
            Rf_error("internal error: one integer code per cell expected.");
        if (INTEGER(n_levels)[j] < 0 || INTEGER(n_levels)[j] == INT_MAX)
            Rf_error("internal error: a level count out of range.");
    }
    order_work w = { codes, n_levels, NULL, NULL };
    SEXP cont = PROTECT(R_MakeUnwindCont());
    SEXP out = R_UnwindProtect(cell_order, &w, free_order_work, &w, cont);
    UNPROTECT(1);
    return out;
}

/* Rows of the table: per symptom, the cells in the order `rows` gives (a
 * permutation, 1-based; NULL: as they are), then, with margins, one overall
 * row (the cells' totals, coded margin_codes[j] in stratum j).
 *   counts: n_cells x (5 * n_symptoms) doubles or integers, column
 *           k * n_symptoms + s holding category k of symptom s;
 *   codes:  per stratum, the n_cells cells' codes.
 * Returns list(n, alleviated, unchanged, worsened, absent, missing,
 * evaluable, codes), codes a list with one integer vector per stratum. */
SEXP C_table_columns(SEXP counts, SEXP rows, SEXP codes, SEXP margin_codes,
                     SEXP n_symptoms_)
{
    if (!(Rf_isReal(counts) || TYPEOF(counts) == INTSXP) || !Rf_isMatrix(counts))
        Rf_error("internal error: a matrix of counts expected.");
    if (TYPEOF(n_symptoms_) != INTSXP || XLENGTH(n_symptoms_) != 1 ||
        INTEGER(n_symptoms_)[0] < 1)
        Rf_error("internal error: one positive symptom count expected.");
    int n_symptoms = INTEGER(n_symptoms_)[0];
    R_xlen_t n_cells = Rf_nrows(counts);
    if (Rf_ncols(counts) != MR_N_CATEGORIES * n_symptoms)
        Rf_error("internal error: one count column per category and symptom expected.");
    const int *order = NULL;
    if (!Rf_isNull(rows)) {
        if (TYPEOF(rows) != INTSXP || XLENGTH(rows) != n_cells)
            Rf_error("internal error: one row per cell expected.");
        order = INTEGER_RO(rows);
        for (R_xlen_t i = 0; i < n_cells; i++)
            if (order[i] < 1 || order[i] > n_cells)
                Rf_error("internal error: a row outside the cells.");
    }
    if (TYPEOF(codes) != VECSXP) Rf_error("internal error: a list of codes expected.");
    int n_strata = (int) XLENGTH(codes);
    for (int j = 0; j < n_strata; j++) {
        SEXP c = VECTOR_ELT(codes, j);
        if (TYPEOF(c) != INTSXP || XLENGTH(c) != n_cells)
            Rf_error("internal error: one code per cell expected.");
    }
    int margin = !Rf_isNull(margin_codes);
    if (margin && (TYPEOF(margin_codes) != INTSXP || XLENGTH(margin_codes) != n_strata))
        Rf_error("internal error: one margin code per stratum expected.");
    R_xlen_t block = n_cells + margin;               /* rows per symptom */
    R_xlen_t n_rows = block * n_symptoms;
    /* double counts, or integer counts (the grouped path of
     * C_tabulate_cohort()) made doubles as they are gathered */
    const double *count = Rf_isReal(counts) ? REAL_RO(counts) : NULL;
    const int *int_count = count ? NULL : INTEGER_RO(counts);

    SEXP out = PROTECT(Rf_allocVector(VECSXP, MR_N_CATEGORIES + 3));
    double *column[MR_N_CATEGORIES];
    for (int k = 0; k < MR_N_CATEGORIES; k++) {
        SET_VECTOR_ELT(out, k + 1, Rf_allocVector(REALSXP, n_rows));
        column[k] = REAL(VECTOR_ELT(out, k + 1));
    }
    for (int s = 0; s < n_symptoms; s++) {
        for (int k = 0; k < MR_N_CATEGORIES; k++) {
            R_xlen_t offset = n_cells * ((R_xlen_t) k * n_symptoms + s);
            double *to = column[k] + block * s;
            for (R_xlen_t at = 0; at < n_cells; at += MR_CHUNK) {
                R_xlen_t end = n_cells - at > MR_CHUNK ? at + MR_CHUNK : n_cells;
                if (count) mr_gather_doubles(count + offset, order, at, end, to);
                else mr_gather_ints_as_doubles(int_count + offset, order, at,
                                               end, to);
                R_CheckUserInterrupt();
            }
            if (margin)
                to[n_cells] = count ? mr_column_total(count + offset, n_cells)
                                    : mr_int_column_total(int_count + offset,
                                                          n_cells);
        }
    }
    /* n and evaluable, added in the order R added them: ((a + u) + w) ... */
    SEXP n = Rf_allocVector(REALSXP, n_rows);
    SET_VECTOR_ELT(out, 0, n);
    SEXP evaluable = Rf_allocVector(REALSXP, n_rows);
    SET_VECTOR_ELT(out, MR_N_CATEGORIES + 1, evaluable);
    double *pn = REAL(n), *pe = REAL(evaluable);
    for (R_xlen_t i = 0; i < n_rows; i++) {
        double e = column[0][i] + column[1][i] + column[2][i];
        pe[i] = e;
        pn[i] = e + column[3][i] + column[4][i];
        if ((i & (MR_CHUNK - 1)) == MR_CHUNK - 1) R_CheckUserInterrupt();
    }
    SEXP strata = Rf_allocVector(VECSXP, n_strata);
    SET_VECTOR_ELT(out, MR_N_CATEGORIES + 2, strata);
    for (int j = 0; j < n_strata; j++) {
        SET_VECTOR_ELT(strata, j, Rf_allocVector(INTSXP, n_rows));
        int *to = INTEGER(VECTOR_ELT(strata, j));
        const int *from = INTEGER_RO(VECTOR_ELT(codes, j));
        for (R_xlen_t at = 0; at < n_cells; at += MR_CHUNK) {
            R_xlen_t end = n_cells - at > MR_CHUNK ? at + MR_CHUNK : n_cells;
            mr_gather_ints(from, order, at, end, to);
            R_CheckUserInterrupt();
        }
        if (margin) to[n_cells] = INTEGER_RO(margin_codes)[j];
        for (int s = 1; s < n_symptoms; s++)
            memcpy(to + block * s, to, (size_t) block * sizeof(int));
    }
    UNPROTECT(1);
    return out;
}

/* list(estimate, lower, upper): the rate alleviated / evaluable and its
 * Wilson score interval for every row, as proportion_interval(x, n,
 * conf_level, "wilson") gives them (z from conf_level, computed in R). */
SEXP C_wilson_columns(SEXP x, SEXP n, SEXP z)
{
    if (!Rf_isReal(x) || !Rf_isReal(n) || XLENGTH(x) != XLENGTH(n))
        Rf_error("internal error: two double vectors of one length expected.");
    if (!Rf_isReal(z) || XLENGTH(z) != 1 || !R_FINITE(REAL(z)[0]))
        Rf_error("internal error: one finite z expected.");
    R_xlen_t rows = XLENGTH(x);
    SEXP out = PROTECT(Rf_allocVector(VECSXP, 3));
    for (int k = 0; k < 3; k++) SET_VECTOR_ELT(out, k, Rf_allocVector(REALSXP, rows));
    for (R_xlen_t at = 0; at < rows; at += MR_CHUNK) {
        R_xlen_t end = rows - at > MR_CHUNK ? at + MR_CHUNK : rows;
        mr_wilson_rows(REAL_RO(x), REAL_RO(n), at, end, REAL(z)[0], NA_REAL,
                       REAL(VECTOR_ELT(out, 0)), REAL(VECTOR_ELT(out, 1)),
                       REAL(VECTOR_ELT(out, 2)));
        R_CheckUserInterrupt();
    }
    UNPROTECT(1);
    return out;
}
