/* .Call glue: durability() and the layout check it starts with. */
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
    for (R_xlen_t i = 0; i < n; i++)
        if (v[i] != (int) (i / (n_patients > 0 ? n_patients : 1)) + 1)
            return Rf_ScalarLogical(0);
    int same = 1;
    switch (TYPEOF(key)) {
    case INTSXP: case LGLSXP: {
        const int *k = TYPEOF(key) == INTSXP ? INTEGER_RO(key) : LOGICAL_RO(key);
        for (R_xlen_t i = n_patients; i < n && same; i++)
            same = k[i] == k[i % n_patients];
        break;
    }
    case REALSXP: {
        const double *k = REAL_RO(key);
        for (R_xlen_t i = n_patients; i < n && same; i++) {
            double a = k[i], b = k[i % n_patients];
            same = a == b || (ISNAN(a) && ISNAN(b));
        }
        break;
    }
    case STRSXP: {
        const SEXP *k = STRING_PTR_RO(key);
        for (R_xlen_t i = n_patients; i < n && same; i++)
            same = k[i] == k[i % n_patients];
        break;
    }
    default:
        same = 0;
    }
    return Rf_ScalarLogical(same);
}

SEXP C_durability(SEXP codes, SEXP patient, SEXP n_patients_, SEXP visit,
                  SEXP n_visits_)
{
    if (TYPEOF(codes) != VECSXP || TYPEOF(visit) != INTSXP ||
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
                            "transitions", "" };
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
    double *all_states = REAL(VECTOR_ELT(out, 6));
    double *all_transitions = REAL(VECTOR_ELT(out, 7));
    for (R_xlen_t k = 0; k < states_size * n_symptoms; k++) all_states[k] = 0;
    for (R_xlen_t k = 0; k < transitions_size * n_symptoms; k++)
        all_transitions[k] = 0;

    int n_threads = mr_thread_count(n_patients);
    R_xlen_t counts_size = states_size + transitions_size;
    double *scratch = mr_scratch_counts(n_threads, counts_size);
    int *visit_state = (int *) R_alloc((size_t) n_threads * n_visits,
                                       sizeof(int));
    for (int s = 0; s < n_symptoms; s++) {
        R_xlen_t offset = (R_xlen_t) s * n_patients;
        mr_durability_out res = {
            INTEGER(VECTOR_ELT(out, 0)) + offset,
            INTEGER(VECTOR_ELT(out, 1)) + offset,
            INTEGER(VECTOR_ELT(out, 2)) + offset,
            INTEGER(VECTOR_ELT(out, 3)) + offset,
            LOGICAL(VECTOR_ELT(out, 4)) + offset,
            LOGICAL(VECTOR_ELT(out, 5)) + offset
        };
        double *states = all_states + s * states_size;
        double *transitions = all_transitions + s * transitions_size;
        for (R_xlen_t from = 0; from < n_patients; from += MR_CHUNK) {
            R_xlen_t to = n_patients - from > MR_CHUNK ? from + MR_CHUNK
                                                       : n_patients;
            int failed = 0;
            if (n_threads <= 1) {
                failed = mr_durability_range(columns[s], index, n_patients,
                                             n_visits, from, to, &res,
                                             visit_state, states, transitions);
            } else {
                MR_OMP(omp parallel num_threads(n_threads) reduction(|:failed))
                {
                    int t = mr_thread_num();
                    ptrdiff_t block_from, block_to;
                    mr_block_of(from, to, t, mr_thread_total(), &block_from,
                                &block_to);
                    double *own = t == 0 ? NULL
                        : scratch + (ptrdiff_t) (t - 1) * counts_size;
                    failed |= mr_durability_range(
                        columns[s], index, n_patients, n_visits, block_from,
                        block_to, &res, visit_state + (ptrdiff_t) t * n_visits,
                        own ? own : states,
                        own ? own + states_size : transitions);
                }
                for (int t = 1; t < n_threads; t++) {
                    double *own = scratch + (ptrdiff_t) (t - 1) * counts_size;
                    for (R_xlen_t k = 0; k < states_size; k++) {
                        states[k] += own[k];
                        own[k] = 0;
                    }
                    for (R_xlen_t k = 0; k < transitions_size; k++) {
                        transitions[k] += own[states_size + k];
                        own[states_size + k] = 0;
                    }
                }
            }
            if (failed)
                Rf_error("`x` holds a class code that is not a class; it was "
                         "changed after classify_visits().");
            R_CheckUserInterrupt();
        }
    }
    UNPROTECT(1);
    return out;
}
