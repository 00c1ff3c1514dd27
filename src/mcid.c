/* .Call glue: estimate_mcid(), ROC method. R's generator draws the
 * bootstrap resamples (between GetRNGstate() and PutRNGstate()), so they
 * follow set.seed() and RNGkind(). */
#include <string.h>
#include "glue.h"
#include <Rmath.h>

static double r_binomial(void *state, double size, double prob)
{
    (void) state;
    return rbinom(size, prob);
}

static double r_uniform_index(void *state, double n)
{
    (void) state;
    return R_unif_index(n);
}

static SEXP doubles_from(const double *x, R_xlen_t n)
{
    SEXP out = Rf_allocVector(REALSXP, n);
    if (n > 0) memcpy(REAL(out), x, (size_t) n * sizeof(double));
    return out;
}

/* change: doubles without NaN; improved: logical without NA, as long;
 * boot: resamples (a whole number >= 0); by_patient: NA to choose how to
 * draw resamples, TRUE or FALSE to force it (tests). */
SEXP C_mcid_roc(SEXP change, SEXP improved, SEXP boot, SEXP by_patient)
{
    if (TYPEOF(change) != REALSXP)
        Rf_error("internal error: `change` must be doubles.");
    R_xlen_t n = XLENGTH(change);
    if (TYPEOF(improved) != LGLSXP || XLENGTH(improved) != n)
        Rf_error("internal error: `improved` must be logical, as long as `change`.");
    if ((double) n > (double) UINT32_MAX)
        Rf_error("estimate_mcid() handles at most %.0f patients, not %.0f.",
                 (double) UINT32_MAX, (double) n);
    double n_boot = Rf_asReal(boot);
    if (!R_FINITE(n_boot) || n_boot < 0 || n_boot != floor(n_boot) ||
        n_boot > (double) R_XLEN_T_MAX)
        Rf_error("internal error: `boot` must be a whole number >= 0.");
    int force = Rf_asLogical(by_patient);
    const double *x = REAL_RO(change);
    const int *imp = LOGICAL_RO(improved);
    for (R_xlen_t i = 0; i < n; i++) {
        if (ISNAN(x[i]) || imp[i] == NA_LOGICAL)
            Rf_error("internal error: missing value at position %.0f.",
                     (double) i + 1);
    }

    size_t room = n > 0 ? (size_t) n : 1;
    uint64_t *keys = (uint64_t *) R_alloc(room, sizeof(uint64_t));
    uint64_t *buffer = (uint64_t *) R_alloc(room, sizeof(uint64_t));
    double *value = (double *) R_alloc(room, sizeof(double));
    double *n1 = (double *) R_alloc(room, sizeof(double));
    double *n0 = (double *) R_alloc(room, sizeof(double));
    ptrdiff_t k_groups = mr_roc_group(x, imp, n, keys, buffer, value, n1, n0);

    const char *names[] = { "value", "n_improved", "n_other", "sensitivity",
                            "specificity", "best", "auc", "auc_var", "boot",
                            "by_patient" };
    int n_out = (int) (sizeof names / sizeof names[0]);
    SEXP out = PROTECT(Rf_allocVector(VECSXP, n_out));
    SEXP out_names = Rf_allocVector(STRSXP, n_out);
    Rf_setAttrib(out, R_NamesSymbol, out_names);
    for (int j = 0; j < n_out; j++) SET_STRING_ELT(out_names, j, Rf_mkChar(names[j]));
    SET_VECTOR_ELT(out, 0, doubles_from(value, k_groups));
    SET_VECTOR_ELT(out, 1, doubles_from(n1, k_groups));
    SET_VECTOR_ELT(out, 2, doubles_from(n0, k_groups));
    SEXP sens = Rf_allocVector(REALSXP, k_groups);
    SET_VECTOR_ELT(out, 3, sens);
    SEXP spec = Rf_allocVector(REALSXP, k_groups);
    SET_VECTOR_ELT(out, 4, spec);
    mr_roc_result res;
    mr_roc_sweep(n1, n0, k_groups, REAL(sens), REAL(spec), &res);
    SET_VECTOR_ELT(out, 5, Rf_ScalarReal(res.best >= 0 ? (double) res.best + 1 : NA_REAL));
    SET_VECTOR_ELT(out, 6, Rf_ScalarReal(ISNAN(res.auc) ? NA_REAL : res.auc));
    SET_VECTOR_ELT(out, 7, Rf_ScalarReal(ISNAN(res.auc_var) ? NA_REAL : res.auc_var));

    /* No resamples, and no use of the generator, when there is no estimate. */
    R_xlen_t n_resamples = res.best >= 0 ? (R_xlen_t) n_boot : 0;
    SEXP cutoffs = Rf_allocVector(REALSXP, n_resamples);
    SET_VECTOR_ELT(out, 8, cutoffs);
    int patient_draws = 0;
    if (n_resamples > 0) {
        ptrdiff_t cells = mr_roc_cells(n1, n0, k_groups);
        patient_draws = force == NA_LOGICAL ? mr_roc_boot_by_patient(cells, n)
                                            : force;
        uint32_t *group_of = NULL;
        unsigned char *draws = NULL;
        if (patient_draws) {
            group_of = (uint32_t *) R_alloc(room, sizeof(uint32_t));
            mr_roc_boot_layout(n1, n0, k_groups, group_of);
            draws = (unsigned char *) R_alloc(room, 1);
            memset(draws, 0, room);
        }
        double *counts = mr_zeroed_doubles(2 * (R_xlen_t) k_groups);
        mr_rng rng = { r_binomial, r_uniform_index, NULL };
        double *cut = REAL(cutoffs);
        double per_resample = (patient_draws ? (double) n : (double) cells) +
                              (double) k_groups, work = 0;
        GetRNGstate();
        for (R_xlen_t b = 0; b < n_resamples; b++) {
            double c = mr_roc_resample(value, n1, n0, k_groups, n, group_of,
                                       draws, rng, counts);
            cut[b] = ISNAN(c) ? NA_REAL : c;
            work += per_resample;
            if (work >= (double) MR_CHUNK) {
                work = 0;
                R_CheckUserInterrupt();
            }
        }
        PutRNGstate();
    }
    SET_VECTOR_ELT(out, 9, Rf_ScalarLogical(patient_draws));
    UNPROTECT(1);
    return out;
}
