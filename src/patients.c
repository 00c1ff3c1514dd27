/* .Call glue: patient-level summary for classify_cohort(). */
#include "glue.h"

/* list(patient class, any_alleviated, primary_symptom); the class is a
 * factor with class_levels, the primary symptom with primary_levels. */
SEXP C_summarise_patients(SEXP codes, SEXP n_rows, SEXP primary_levels,
                          SEXP class_levels)
{
    /* Converting a double outside R_xlen_t's range (Inf, 1e300) to it is
     * undefined behaviour: refuse it, and fractions, first. */
    if (!Rf_isReal(n_rows) || XLENGTH(n_rows) != 1 ||
        !(REAL(n_rows)[0] >= 0 && REAL(n_rows)[0] <= (double) R_XLEN_T_MAX) ||
        REAL(n_rows)[0] != floor(REAL(n_rows)[0]))
        Rf_error("internal error: `n_rows` must be one whole number between "
                 "0 and R_XLEN_T_MAX.");
    R_xlen_t n = (R_xlen_t) REAL(n_rows)[0];
    const int **columns = mr_integer_columns(codes, n, "codes");
    int n_symptoms = (int) XLENGTH(codes);
    if (TYPEOF(primary_levels) != STRSXP ||
        XLENGTH(primary_levels) != n_symptoms)
        Rf_error("internal error: one primary level per symptom expected.");
    if (TYPEOF(class_levels) != STRSXP || XLENGTH(class_levels) != 4)
        Rf_error("internal error: four class levels expected.");

    SEXP patient = PROTECT(Rf_allocVector(INTSXP, n));
    SEXP any = PROTECT(Rf_allocVector(LGLSXP, n));
    SEXP primary = PROTECT(Rf_allocVector(INTSXP, n));
    for (R_xlen_t from = 0; from < n; from += MR_CHUNK) {
        R_xlen_t to = n - from > MR_CHUNK ? from + MR_CHUNK : n;
        mr_summarise_patients(columns, n_symptoms, from, to,
                              INTEGER(patient), LOGICAL(any), INTEGER(primary));
        R_CheckUserInterrupt();
    }
    Rf_setAttrib(primary, R_LevelsSymbol, primary_levels);
    Rf_setAttrib(primary, R_ClassSymbol, mr_factor_class);
    Rf_setAttrib(patient, R_LevelsSymbol, class_levels);
    Rf_setAttrib(patient, R_ClassSymbol, mr_factor_class);

    SEXP out = PROTECT(Rf_allocVector(VECSXP, 3));
    SET_VECTOR_ELT(out, 0, patient);
    SET_VECTOR_ELT(out, 1, any);
    SET_VECTOR_ELT(out, 2, primary);
    UNPROTECT(4);
    return out;
}
