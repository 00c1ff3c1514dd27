/* .Call glue: durability() and the layout check it starts with. */
#include <string.h>
#include "glue.h"

/* TRUE when rows are in the layout classify_visits() makes: n_visits blocks
 * of n / n_visits rows, block v holding visit v + 1, and the patient key
 * of row v * n_patients + p equal to that of row p. Strings compare by
 * their cached CHARSXP (equal pointers are equal strings; a difference
 * only sends durability() down its general path). */
SEXP C_visits_canonical(SEXP key, SEXP visit, SEXP n_visits_)
{
    int n_visits = Rf_asInteger(n_visits_);
    R_xlen_t n = XLENGTH(visit);
    if (TYPEOF(visit) != INTSXP || n_visits < 1 || n % n_visits != 0 ||
        XLENGTH(key) != n)
        return Rf_ScalarLogical(0);
    R_xlen_t n_patients = n / n_visits;
    const int *v = INTEGER_RO(visit);
    /* visit by visit: row v * n_patients + p against row p, without a
     * division per row; differences are counted, not branched on */
    int differ = 0;
    for (int b = 0; b < n_visits && !differ; b++) {
        const int *vb = v + (R_xlen_t) b * n_patients;
        for (R_xlen_t p = 0; p < n_patients; p++) differ |= vb[p] != b + 1;
    }
    if (differ) return Rf_ScalarLogical(0);
    switch (TYPEOF(key)) {
    case INTSXP: case LGLSXP: {
        const int *k = TYPEOF(key) == INTSXP ? INTEGER_RO(key) : LOGICAL_RO(key);
        for (int b = 1; b < n_visits && !differ; b++) {
            const int *kb = k + (R_xlen_t) b * n_patients;
            for (R_xlen_t p = 0; p < n_patients; p++) differ |= kb[p] != k[p];
        }
        break;
    }
    case REALSXP: {
        const double *k = REAL_RO(key);
        for (int b = 1; b < n_visits && !differ; b++) {
            const double *kb = k + (R_xlen_t) b * n_patients;
            for (R_xlen_t p = 0; p < n_patients; p++) {
                double x = kb[p], y = k[p];
                differ |= !(x == y || (ISNAN(x) && ISNAN(y)));
            }
        }
        break;
    }
    case STRSXP: {
        const SEXP *k = STRING_PTR_RO(key);
        for (int b = 1; b < n_visits && !differ; b++) {
            const SEXP *kb = k + (R_xlen_t) b * n_patients;
            for (R_xlen_t p = 0; p < n_patients; p++) differ |= kb[p] != k[p];
        }
        break;
    }
    default:
        differ = 1;
    }
    return Rf_ScalarLogical(!differ);
}

/* Patients per block of the durability pass, and codes (patients x
 * visits) per parallel region at most. */
#define MR_DURABILITY_BLOCK ((R_xlen_t) 1 << 13)
#define MR_REGION_CODES ((R_xlen_t) 1 << 26)

typedef struct {
    const int **columns;          /* class codes, one column per symptom */
    const ptrdiff_t *index;       /* NULL: the layout of classify_visits() */
    R_xlen_t n_patients;
    int n_visits, n_symptoms;
    R_xlen_t blocks_per_symptom;
    const mr_course *table;       /* NULL: patient by patient */
    double *counts;               /* per thread and symptom, counts_size */
    R_xlen_t counts_size, states_size;
    int *visit_state;             /* per thread, n_visits */
    mr_durability_out out;        /* of the first symptom; n_patients each */
    int *symptom;                 /* the symptom of each result row */
} durability_work;

/* Blocks [first, last) (block b: symptom b / blocks_per_symptom), shared
 * dynamically among the threads of the region it is called in, or all on
 * the calling thread outside a region. Plain C: no R API. */
static int durability_blocks(const durability_work *w, R_xlen_t first,
                             R_xlen_t last)
{
    int failed = 0, t = mr_thread_num();
    MR_OMP(omp for schedule(dynamic, 1))
    for (R_xlen_t b = first; b < last; b++) {
        int s = (int) (b / w->blocks_per_symptom);
        R_xlen_t from = (b % w->blocks_per_symptom) * MR_DURABILITY_BLOCK;
        R_xlen_t to = w->n_patients - from > MR_DURABILITY_BLOCK
            ? from + MR_DURABILITY_BLOCK : w->n_patients;
        R_xlen_t offset = (R_xlen_t) s * w->n_patients;
        mr_durability_out res = {
            w->out.first + offset, w->out.n_alleviated + offset,
            w->out.n_judged + offset, w->out.course + offset,
            w->out.sustained + offset, w->out.relapsed + offset
        };
        for (R_xlen_t p = from; p < to; p++) w->symptom[offset + p] = s + 1;
        double *own = w->counts +
            ((R_xlen_t) t * w->n_symptoms + s) * w->counts_size;
        if (w->table) {
            failed |= mr_durability_pattern_range(
                w->columns[s], w->index, w->n_patients, w->n_visits, from, to,
                w->table, &res, own);
        } else {
            failed |= mr_durability_range(
                w->columns[s], w->index, w->n_patients, w->n_visits, from, to,
                &res, w->visit_state + (ptrdiff_t) t * w->n_visits, own,
                own + w->states_size);
        }
    }
    return failed;
}

SEXP C_durability(SEXP codes, SEXP patient, SEXP n_patients_, SEXP visit,
                  SEXP n_visits_, SEXP levels)
{
    if (TYPEOF(codes) != VECSXP || TYPEOF(visit) != INTSXP ||
        TYPEOF(levels) != VECSXP || XLENGTH(levels) != 3 ||
        TYPEOF(VECTOR_ELT(levels, 0)) != STRSXP ||
        TYPEOF(VECTOR_ELT(levels, 1)) != STRSXP ||
        TYPEOF(VECTOR_ELT(levels, 2)) != STRSXP ||
        XLENGTH(VECTOR_ELT(levels, 0)) != XLENGTH(codes) ||
        !Rf_isReal(n_patients_) || XLENGTH(n_patients_) != 1 ||
        !(REAL(n_patients_)[0] >= 0 &&
          REAL(n_patients_)[0] <= (double) R_XLEN_T_MAX) ||
        !Rf_isInteger(n_visits_) || XLENGTH(n_visits_) != 1 ||
        INTEGER(n_visits_)[0] < 1)
        Rf_error("internal error: bad arguments to C_durability.");
    R_xlen_t n_rows = XLENGTH(visit);
    R_xlen_t n_patients = (R_xlen_t) REAL(n_patients_)[0];
    int n_visits = INTEGER(n_visits_)[0];
    int n_symptoms = (int) XLENGTH(codes);
    const int **columns = mr_integer_columns(codes, n_rows, "x");

    const ptrdiff_t *index = NULL;
    if (!Rf_isNull(patient)) {
        if (TYPEOF(patient) != INTSXP || XLENGTH(patient) != n_rows)
            Rf_error("internal error: bad patient codes.");
        ptrdiff_t *built = (ptrdiff_t *) R_alloc(
            n_patients * n_visits > 0 ? (size_t) (n_patients * n_visits) : 1,
            sizeof(ptrdiff_t));
        int duplicate;
        ptrdiff_t bad = mr_visits_index(INTEGER_RO(patient), INTEGER_RO(visit),
                                        n_rows, n_patients, n_visits, built,
                                        &duplicate);
        if (bad >= 0) {
            if (duplicate)
                Rf_error("`x` has more than one row for one patient and visit "
                         "(row %.0f).", (double) bad + 1);
            Rf_error("`x$visit` is missing at row %.0f.", (double) bad + 1);
        }
        index = built;
    } else if (n_rows != n_patients * n_visits) {
        Rf_error("internal error: rows are not in the layout of "
                 "classify_visits().");
    }

    R_xlen_t n_out = n_patients * n_symptoms;
    const char *names[] = { "first", "n_alleviated", "n_judged", "course",
                            "sustained", "relapsed", "states",
                            "transitions", "symptom", "" };
    SEXP out = PROTECT(Rf_mkNamed(VECSXP, names));
    for (int k = 0; k < 4; k++)
        SET_VECTOR_ELT(out, k, Rf_allocVector(INTSXP, n_out));
    SET_VECTOR_ELT(out, 4, Rf_allocVector(LGLSXP, n_out));
    SET_VECTOR_ELT(out, 5, Rf_allocVector(LGLSXP, n_out));
    R_xlen_t states_size = (R_xlen_t) n_visits * 4;
    R_xlen_t transitions_size = (R_xlen_t) (n_visits - 1) * 9;
    SET_VECTOR_ELT(out, 6, Rf_allocVector(REALSXP, states_size * n_symptoms));
    SET_VECTOR_ELT(out, 7, Rf_allocVector(REALSXP,
                                          transitions_size * n_symptoms));
    SET_VECTOR_ELT(out, 8, Rf_allocVector(INTSXP, n_out));
    double *all_states = REAL(VECTOR_ELT(out, 6));
    double *all_transitions = REAL(VECTOR_ELT(out, 7));
    for (R_xlen_t k = 0; k < states_size * n_symptoms; k++) all_states[k] = 0;
    for (R_xlen_t k = 0; k < transitions_size * n_symptoms; k++)
        all_transitions[k] = 0;

    /* One parallel region per call (per MR_REGION_CODES codes on very
     * large cohorts, so that a user can still interrupt): the threads take
     * blocks of MR_DURABILITY_BLOCK patients of one symptom at a time
     * (dynamic, so that a descheduled thread holds up one block, not a
     * share), each counting into its own copy, added in thread order after
     * the region. Every patient's results depend on its own rows only and
     * the counts are whole numbers, so the results do not depend on the
     * number of threads. */
    int by_pattern = n_visits <= MR_PATTERN_VISITS;
    mr_course *table = NULL;
    R_xlen_t counts_size = states_size + transitions_size;
    if (by_pattern) {
        counts_size = (R_xlen_t) 1 << (2 * n_visits);
        table = (mr_course *) R_alloc((size_t) counts_size, sizeof(mr_course));
        mr_durability_patterns(n_visits, table);
    }
    int n_threads = mr_thread_count(n_out);
    double *counts = mr_zeroed_doubles((R_xlen_t) n_threads * n_symptoms *
                                       counts_size);
    int *visit_state = (int *) R_alloc((size_t) n_threads * n_visits,
                                       sizeof(int));
    durability_work work = {
        columns, index, n_patients, n_visits, n_symptoms,
        n_patients > 0 ? (n_patients + MR_DURABILITY_BLOCK - 1) /
                         MR_DURABILITY_BLOCK : 0,
        table, counts, counts_size, states_size, visit_state,
        { INTEGER(VECTOR_ELT(out, 0)), INTEGER(VECTOR_ELT(out, 1)),
          INTEGER(VECTOR_ELT(out, 2)), INTEGER(VECTOR_ELT(out, 3)),
          LOGICAL(VECTOR_ELT(out, 4)), LOGICAL(VECTOR_ELT(out, 5)) },
        INTEGER(VECTOR_ELT(out, 8))
    };
    R_xlen_t n_items = work.blocks_per_symptom * n_symptoms;
    R_xlen_t items_per_region = MR_REGION_CODES /
        ((R_xlen_t) MR_DURABILITY_BLOCK * n_visits);
    if (items_per_region < 1) items_per_region = 1;
    for (R_xlen_t first = 0; first < n_items; first += items_per_region) {
        R_xlen_t last = n_items - first > items_per_region
            ? first + items_per_region : n_items;
        int failed = 0;
        if (n_threads <= 1) {
            failed = durability_blocks(&work, first, last);
        } else {
            MR_OMP(omp parallel num_threads(n_threads) reduction(|:failed))
            failed |= durability_blocks(&work, first, last);
        }
        if (failed)
            Rf_error("`x` holds a class code that is not a class; it was "
                     "changed after classify_visits().");
        R_CheckUserInterrupt();
    }
    for (int s = 0; s < n_symptoms; s++) {
        double *states = all_states + s * states_size;
        double *transitions = all_transitions + s * transitions_size;
        for (int t = 0; t < n_threads; t++) {
            const double *own = counts +
                ((R_xlen_t) t * n_symptoms + s) * counts_size;
            if (by_pattern) {
                mr_durability_add_patterns(n_visits, own, states, transitions);
            } else {
                for (R_xlen_t k = 0; k < states_size; k++)
                    states[k] += own[k];
                for (R_xlen_t k = 0; k < transitions_size; k++)
                    transitions[k] += own[states_size + k];
            }
        }
    }
    /* factors made here: attributes set in R would copy the columns */
    const int factors[] = { 8, 0, 3 };   /* symptom, first, course */
    for (int k = 0; k < 3; k++) {
        SEXP column = VECTOR_ELT(out, factors[k]);
        Rf_setAttrib(column, R_LevelsSymbol, VECTOR_ELT(levels, k));
        Rf_setAttrib(column, R_ClassSymbol, mr_factor_class);
    }
    UNPROTECT(1);
    return out;
}

/* TRUE when the first n values of the integer vector x are distinct and
 * none is NA, proven with a bitmap over their range; FALSE otherwise
 * (a repeat, an NA, another type, or a range wider than 32 bits per value),
 * when the R code checks them with anyDuplicated() and names a duplicate.
 * A quicker check of integer ids for classify_visits() and durability(). */
SEXP C_ids_distinct(SEXP x, SEXP n_)
{
    if (!Rf_isReal(n_) || XLENGTH(n_) != 1 || !(REAL(n_)[0] >= 0))
        Rf_error("internal error: bad arguments to C_ids_distinct.");
    if (TYPEOF(x) != INTSXP || (double) XLENGTH(x) < REAL(n_)[0])
        return Rf_ScalarLogical(0);
    R_xlen_t n = (R_xlen_t) REAL(n_)[0];
    const int *k = INTEGER_RO(x);
    int lo = INT_MAX, hi = INT_MIN;
    for (R_xlen_t from = 0; from < n; from += MR_CHUNK) {
        R_xlen_t to = n - from > MR_CHUNK ? from + MR_CHUNK : n;
        mr_int_range(k, from, to, &lo, &hi);
        R_CheckUserInterrupt();
    }
    if (n == 0) return Rf_ScalarLogical(1);
    if (lo == NA_INTEGER) return Rf_ScalarLogical(0);
    double bits = (double) hi - (double) lo + 1;
    if (bits > 32.0 * (double) n + 64) return Rf_ScalarLogical(0);
    size_t bytes = (size_t) (bits / 8) + 1;
    unsigned char *bitmap = (unsigned char *) R_alloc(bytes, 1);
    memset(bitmap, 0, bytes);
    for (R_xlen_t from = 0; from < n; from += MR_CHUNK) {
        R_xlen_t to = n - from > MR_CHUNK ? from + MR_CHUNK : n;
        if (!mr_mark_distinct(k, from, to, lo, bitmap))
            return Rf_ScalarLogical(0);
        R_CheckUserInterrupt();
    }
    return Rf_ScalarLogical(1);
}
