/* Registration of the .Call entry points, and load-time checks of the
 * assumptions the kernels make about R's representation. */
#include <stdint.h>
#include "glue.h"
#include <R_ext/Rdynload.h>
#include <R_ext/Visibility.h>

SEXP C_classify_alleviation(SEXP, SEXP, SEXP);
SEXP C_check_classes(SEXP, SEXP, SEXP, SEXP);
SEXP C_summarise_patients(SEXP, SEXP, SEXP, SEXP);
SEXP C_tabulate_cohort(SEXP, SEXP, SEXP, SEXP);
SEXP C_tabulate_weighted(SEXP, SEXP, SEXP, SEXP, SEXP, SEXP);
SEXP C_weights_max(SEXP);
SEXP C_alleviation_curve(SEXP, SEXP, SEXP, SEXP, SEXP);
SEXP C_group_rows(SEXP, SEXP, SEXP);
SEXP C_copy_columns(SEXP);
SEXP C_myelorelief_threads(SEXP);
SEXP C_string_codes(SEXP);
SEXP C_table_columns(SEXP, SEXP, SEXP, SEXP, SEXP);
SEXP C_wilson_columns(SEXP, SEXP, SEXP);
SEXP C_cell_order(SEXP, SEXP);
SEXP C_classify_visits(SEXP, SEXP, SEXP);
SEXP C_classify_visits_all(SEXP, SEXP, SEXP, SEXP, SEXP, SEXP);
SEXP C_visits_canonical(SEXP, SEXP, SEXP);
SEXP C_durability(SEXP, SEXP, SEXP, SEXP, SEXP, SEXP);
SEXP C_ids_distinct(SEXP, SEXP);
SEXP C_mcid_roc(SEXP, SEXP, SEXP, SEXP, SEXP, SEXP);
SEXP C_mcid_rng(SEXP, SEXP, SEXP, SEXP);
SEXP C_score_cells(SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP);
SEXP C_csv_chunk(SEXP, SEXP, SEXP, SEXP, SEXP, SEXP, SEXP);
SEXP C_csv_first_record(SEXP, SEXP, SEXP);
SEXP C_csv_line_ends(SEXP, SEXP);
SEXP C_csv_join(SEXP, SEXP, SEXP);
SEXP C_keep_refs(SEXP);
SEXP C_kept_refs(SEXP);

SEXP mr_class_levels = NULL;
SEXP mr_factor_class = NULL;

/* Through void (*)(void), the generic function type, so that -Wextra does
 * not warn about the cast to DL_FUNC. */
#define CALLDEF(name, n) { #name, (DL_FUNC) (void (*)(void)) &name, n }
static const R_CallMethodDef call_methods[] = {
    CALLDEF(C_classify_alleviation, 3),
    CALLDEF(C_check_classes, 4),
    CALLDEF(C_summarise_patients, 4),
    CALLDEF(C_tabulate_cohort, 4),
    CALLDEF(C_tabulate_weighted, 6),
    CALLDEF(C_weights_max, 1),
    CALLDEF(C_alleviation_curve, 5),
    CALLDEF(C_group_rows, 3),
    CALLDEF(C_copy_columns, 1),
    CALLDEF(C_myelorelief_threads, 1),
    CALLDEF(C_string_codes, 1),
    CALLDEF(C_table_columns, 5),
    CALLDEF(C_wilson_columns, 3),
    CALLDEF(C_cell_order, 2),
    CALLDEF(C_classify_visits, 3),
    CALLDEF(C_classify_visits_all, 6),
    CALLDEF(C_visits_canonical, 3),
    CALLDEF(C_durability, 6),
    CALLDEF(C_ids_distinct, 2),
    CALLDEF(C_mcid_roc, 6),
    CALLDEF(C_mcid_rng, 4),
    CALLDEF(C_score_cells, 7),
    CALLDEF(C_csv_chunk, 7),
    CALLDEF(C_csv_first_record, 3),
    CALLDEF(C_csv_line_ends, 2),
    CALLDEF(C_csv_join, 3),
    CALLDEF(C_keep_refs, 1),
    CALLDEF(C_kept_refs, 1),
    { NULL, NULL, 0 }
};

static void check_assumptions(void)
{
    if (NA_INTEGER != MR_NA_CODE || NA_LOGICAL != MR_NA_CODE)
        Rf_error("myelorelief assumes NA_INTEGER == INT_MIN.");
    if (sizeof(R_xlen_t) != sizeof(ptrdiff_t))
        Rf_error("myelorelief assumes R_xlen_t is ptrdiff_t-sized.");
    if (!isnan(NA_REAL)) Rf_error("myelorelief assumes NA_real_ is a NaN.");
}

void attribute_visible R_init_myelorelief(DllInfo *dll)
{
    check_assumptions();
    const char *levels[] = { "alleviated", "unchanged", "worsened", "absent" };
    mr_class_levels = Rf_allocVector(STRSXP, 4);
    R_PreserveObject(mr_class_levels);
    MARK_NOT_MUTABLE(mr_class_levels);   /* shared by every result */
    for (int i = 0; i < 4; i++)
        SET_STRING_ELT(mr_class_levels, i, Rf_mkChar(levels[i]));
    mr_factor_class = Rf_mkString("factor");
    R_PreserveObject(mr_factor_class);
    MARK_NOT_MUTABLE(mr_factor_class);

    mr_register_fork_handler();

    R_registerRoutines(dll, NULL, call_methods, NULL, NULL);
    R_useDynamicSymbols(dll, FALSE);
    R_forceSymbols(dll, TRUE);
}
