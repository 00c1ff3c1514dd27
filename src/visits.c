/* .Call glue: classify_visits(). Each visit's column is classified against
 * the baseline by the kernel of classify_alleviation(), into its block of
 * one factor of n_patients * n_visits codes (visit-major: the block of
 * visit v holds every patient's class at v). */
#include <string.h>
#include "glue.h"

SEXP C_classify_visits(SEXP pre, SEXP posts, SEXP params)
{
    if (TYPEOF(posts) != VECSXP)
        Rf_error("internal error: `posts` must be a list.");
    R_xlen_t n_visits = XLENGTH(posts);
    mr_column pre_col = mr_numeric_column(pre, "pre");
    R_xlen_t n = XLENGTH(pre);
    mr_column *post_cols =
        (mr_column *) R_alloc(n_visits > 0 ? (size_t) n_visits : 1,
                              sizeof(mr_column));
    for (R_xlen_t v = 0; v < n_visits; v++) {
        SEXP post = VECTOR_ELT(posts, v);
        post_cols[v] = mr_numeric_column(post, "post");
        if (XLENGTH(post) != n)
            Rf_error("`post` must have the same length as `pre` (%.0f), not "
                     "%.0f.", (double) n, (double) XLENGTH(post));
    }
    mr_prepared_rule rule = mr_rule_from_params(params);
    int n_threads = mr_thread_count(n);

    SEXP out = PROTECT(Rf_allocVector(INTSXP, n * n_visits));
    for (R_xlen_t v = 0; v < n_visits; v++) {
        int *codes = INTEGER(out) + v * n;
        for (R_xlen_t from = 0; from < n; from += MR_CHUNK) {
            R_xlen_t to = n - from > MR_CHUNK ? from + MR_CHUNK : n;
            mr_bad_value bad;
            mr_classify_range(&rule, pre_col, post_cols[v], from, to, codes,
                              n_threads, &bad);
            /* The R wrapper finds which visit, for its message. */
            if (bad.index >= 0) mr_stop_bad_value(params, &bad);
            R_CheckUserInterrupt();
        }
    }
    Rf_setAttrib(out, R_LevelsSymbol, mr_class_levels);
    Rf_setAttrib(out, R_ClassSymbol, mr_factor_class);
    UNPROTECT(1);
    return out;
}

/* Rows per block of the fused pass, and pairs (rows x symptoms) per
 * parallel region at most, so that a user can interrupt a very large
 * cohort between regions. */
#define MR_VISITS_BLOCK ((R_xlen_t) 1 << 13)
#define MR_VISITS_REGION_PAIRS ((R_xlen_t) 1 << 26)

typedef struct {
    int n_symptoms, n_visits;
    R_xlen_t n, blocks_per_visit;
    const mr_prepared_rule *rules;   /* per symptom */
    const mr_column *pre;            /* per symptom */
    const mr_column *post;           /* [s * n_visits + v] */
    int *const *codes;               /* per symptom, n * n_visits */
    int *patient_class, *any_alleviated, *primary;
    /* per symptom: the lookup table of its classes (NULL: none), width */
    int *const *class_tables;
    const int *table_widths;
    const int *summary_table;        /* NULL: none */
    ptrdiff_t summary_size;
    /* the visit column (n * n_visits codes), and the patient key repeated
     * for each visit: from key_int or key_dbl, or row numbers when both
     * are NULL; key_out_int / key_out_dbl NULL: made in R */
    int *visit;
    const int *key_int;
    const double *key_dbl;
    int *key_out_int;
    double *key_out_dbl;
} visits_work;

/* Blocks [first, last) of rows (block b: visit b / blocks_per_visit),
 * shared dynamically among the threads of the region it is called in, or
 * all on the calling thread outside one: every symptom of the block is
 * classified, then its patients summarised while the codes are in cache.
 * Returns 1 when a value was refused (the R code then finds which). */
static int visits_blocks(const visits_work *w, R_xlen_t first, R_xlen_t last)
{
    int failed = 0;
    MR_OMP(omp for schedule(dynamic, 1))
    for (R_xlen_t b = first; b < last; b++) {
        int v = (int) (b / w->blocks_per_visit);
        R_xlen_t from = (b % w->blocks_per_visit) * MR_VISITS_BLOCK;
        R_xlen_t to = w->n - from > MR_VISITS_BLOCK ? from + MR_VISITS_BLOCK
                                                    : w->n;
        R_xlen_t offset = (R_xlen_t) v * w->n;
        for (int s = 0; s < w->n_symptoms && !failed; s++) {
            mr_column post = w->post[(R_xlen_t) s * w->n_visits + v];
            /* by lookup when it can; otherwise, or when a value is outside
             * the table, by the classifier */
            if (w->class_tables[s] &&
                mr_classify_table_range(w->class_tables[s],
                                        w->table_widths[s],
                                        (int) w->rules[s].lo,
                                        w->pre[s].int_, post.int_, from, to,
                                        w->codes[s] + offset))
                continue;
            mr_bad_value bad;
            mr_classify_range(w->rules + s, w->pre[s], post, from, to,
                              w->codes[s] + offset, 1, &bad);
            failed |= bad.index >= 0;
        }
        for (R_xlen_t i = from; i < to; i++) w->visit[offset + i] = v + 1;
        if (w->key_out_dbl) {
            memcpy(w->key_out_dbl + offset + from, w->key_dbl + from,
                   (size_t) (to - from) * sizeof(double));
        } else if (w->key_out_int && w->key_int) {
            memcpy(w->key_out_int + offset + from, w->key_int + from,
                   (size_t) (to - from) * sizeof(int));
        } else if (w->key_out_int) {
            for (R_xlen_t i = from; i < to; i++)
                w->key_out_int[offset + i] = (int) i + 1;
        }
        if (failed) continue;
        if (w->summary_table)
            mr_summarise_patients_table(
                (const int *const *) w->codes, w->n_symptoms,
                w->summary_table, w->summary_size, offset + from,
                offset + to, w->patient_class, w->any_alleviated, w->primary);
        else
            mr_summarise_patients((const int *const *) w->codes, w->n_symptoms,
                                  offset + from, offset + to,
                                  w->patient_class, w->any_alleviated,
                                  w->primary);
    }
    return failed;
}

/* Every symptom at every visit in one pass: pres, a list of n_symptoms
 * baselines; posts, a list of n_symptoms lists of n_visits follow-up
 * columns; params, a list of n_symptoms rule_params(). Returns the
 * n_symptoms class factors (visit-major, as C_classify_visits()), then the
 * patient class, any_alleviated and the primary symptom (factor with
 * primary_levels) of C_summarise_patients(), the visit (factor with
 * visit_levels) and the patient key repeated for each visit (key a plain
 * integer or double vector, or NULL for row numbers; otherwise NULL in its
 * place, and R repeats the key). A refused value is an error without
 * detail: the R code classifies symptom by symptom to name it. */
SEXP C_classify_visits_all(SEXP pres, SEXP posts, SEXP params,
                           SEXP primary_levels, SEXP key, SEXP visit_levels)
{
    if (TYPEOF(pres) != VECSXP || TYPEOF(posts) != VECSXP ||
        TYPEOF(params) != VECSXP || XLENGTH(posts) != XLENGTH(pres) ||
        XLENGTH(params) != XLENGTH(pres) || XLENGTH(pres) < 1 ||
        XLENGTH(pres) > INT_MAX || TYPEOF(primary_levels) != STRSXP ||
        XLENGTH(primary_levels) != XLENGTH(pres) ||
        TYPEOF(visit_levels) != STRSXP)
        Rf_error("internal error: bad arguments to C_classify_visits_all.");
    int n_symptoms = (int) XLENGTH(pres);
    if (TYPEOF(VECTOR_ELT(posts, 0)) != VECSXP ||
        XLENGTH(VECTOR_ELT(posts, 0)) < 1 ||
        XLENGTH(VECTOR_ELT(posts, 0)) > INT_MAX)
        Rf_error("internal error: `posts` must hold lists of visits.");
    int n_visits = (int) XLENGTH(VECTOR_ELT(posts, 0));
    R_xlen_t n = XLENGTH(VECTOR_ELT(pres, 0));
    if (XLENGTH(visit_levels) != n_visits)
        Rf_error("internal error: one level per visit expected.");
    /* The key repeated here when it is a plain integer or double vector
     * (attributes, such as a factor's, are left to R's rep()), or row
     * numbers (key NULL, at most INT_MAX rows). */
    int key_here = Rf_isNull(key) ? n <= INT_MAX
        : (TYPEOF(key) == INTSXP || TYPEOF(key) == REALSXP) &&
          ATTRIB(key) == R_NilValue && XLENGTH(key) == n;
    mr_prepared_rule *rules = (mr_prepared_rule *) R_alloc(
        (size_t) n_symptoms, sizeof(mr_prepared_rule));
    mr_column *pre = (mr_column *) R_alloc((size_t) n_symptoms,
                                           sizeof(mr_column));
    mr_column *post = (mr_column *) R_alloc(
        (size_t) n_symptoms * (size_t) n_visits, sizeof(mr_column));
    for (int s = 0; s < n_symptoms; s++) {
        SEXP visits = VECTOR_ELT(posts, s);
        pre[s] = mr_numeric_column(VECTOR_ELT(pres, s), "pre");
        if (XLENGTH(VECTOR_ELT(pres, s)) != n || TYPEOF(visits) != VECSXP ||
            XLENGTH(visits) != n_visits)
            Rf_error("internal error: symptoms of different shapes.");
        for (int v = 0; v < n_visits; v++) {
            SEXP column = VECTOR_ELT(visits, v);
            post[(R_xlen_t) s * n_visits + v] = mr_numeric_column(column, "post");
            if (XLENGTH(column) != n)
                Rf_error("`post` must have the same length as `pre` (%.0f), "
                         "not %.0f.", (double) n, (double) XLENGTH(column));
        }
        rules[s] = mr_rule_from_params(VECTOR_ELT(params, s));
    }
    R_xlen_t n_rows = n * n_visits;
    SEXP out = PROTECT(Rf_allocVector(VECSXP, (R_xlen_t) n_symptoms + 5));
    int **codes = (int **) R_alloc((size_t) n_symptoms, sizeof(int *));
    for (int s = 0; s < n_symptoms; s++) {
        SET_VECTOR_ELT(out, s, Rf_allocVector(INTSXP, n_rows));
        codes[s] = INTEGER(VECTOR_ELT(out, s));
    }
    SET_VECTOR_ELT(out, n_symptoms, Rf_allocVector(INTSXP, n_rows));
    SET_VECTOR_ELT(out, n_symptoms + 1, Rf_allocVector(LGLSXP, n_rows));
    SET_VECTOR_ELT(out, n_symptoms + 2, Rf_allocVector(INTSXP, n_rows));
    SET_VECTOR_ELT(out, n_symptoms + 3, Rf_allocVector(INTSXP, n_rows));
    if (key_here)
        SET_VECTOR_ELT(out, n_symptoms + 4,
                       Rf_allocVector(Rf_isNull(key) ? INTSXP : TYPEOF(key),
                                      n_rows));
    SEXP key_out = VECTOR_ELT(out, n_symptoms + 4);

    /* Lookup tables, for the symptoms whose columns are all integer and
     * whose rule's range is a few whole numbers, and for the patient
     * summary; each made by the code it stands for. */
    int **class_tables = (int **) R_alloc((size_t) n_symptoms, sizeof(int *));
    int *table_widths = (int *) R_alloc((size_t) n_symptoms, sizeof(int));
    for (int s = 0; s < n_symptoms; s++) {
        int width = pre[s].int_ ? mr_class_table_width(rules + s) : 0;
        for (int v = 0; v < n_visits && width; v++)
            if (!post[(R_xlen_t) s * n_visits + v].int_) width = 0;
        class_tables[s] = NULL;
        table_widths[s] = width;
        if (width) {
            size_t cells = (size_t) mr_class_table_size(width);
            int *scratch = (int *) R_alloc(2 * cells, sizeof(int));
            int *table = (int *) R_alloc(cells, sizeof(int));
            if (mr_class_table_fill(rules + s, width, scratch, scratch + cells,
                                    table))
                class_tables[s] = table;
        }
    }
    ptrdiff_t summary_size = mr_summary_table_size(n_symptoms);
    int *summary_table = NULL;
    if (summary_size) {
        int *scratch = (int *) R_alloc((size_t) summary_size * n_symptoms,
                                       sizeof(int));
        summary_table = (int *) R_alloc(3 * (size_t) summary_size, sizeof(int));
        mr_summary_table_fill(n_symptoms, summary_size, scratch, summary_table);
    }

    visits_work work = {
        n_symptoms, n_visits, n,
        n > 0 ? (n + MR_VISITS_BLOCK - 1) / MR_VISITS_BLOCK : 0,
        rules, pre, post, codes,
        INTEGER(VECTOR_ELT(out, n_symptoms)),
        LOGICAL(VECTOR_ELT(out, n_symptoms + 1)),
        INTEGER(VECTOR_ELT(out, n_symptoms + 2)),
        class_tables, table_widths, summary_table, summary_size,
        INTEGER(VECTOR_ELT(out, n_symptoms + 3)),
        key_here && TYPEOF(key) == INTSXP ? INTEGER_RO(key) : NULL,
        key_here && TYPEOF(key) == REALSXP ? REAL_RO(key) : NULL,
        key_here && TYPEOF(key_out) == INTSXP ? INTEGER(key_out) : NULL,
        key_here && TYPEOF(key_out) == REALSXP ? REAL(key_out) : NULL
    };
    /* One parallel region per call (per MR_VISITS_REGION_PAIRS pairs on
     * very large cohorts); every row's classes depend on its own values
     * only, so the results do not depend on the number of threads. */
    int n_threads = mr_thread_count(n_rows);
    R_xlen_t n_items = work.blocks_per_visit * n_visits;
    R_xlen_t items_per_region = MR_VISITS_REGION_PAIRS /
        (MR_VISITS_BLOCK * n_symptoms);
    if (items_per_region < 1) items_per_region = 1;
    for (R_xlen_t first = 0; first < n_items; first += items_per_region) {
        R_xlen_t last = n_items - first > items_per_region
            ? first + items_per_region : n_items;
        int failed = 0;
        if (n_threads <= 1) {
            failed = visits_blocks(&work, first, last);
        } else {
            MR_OMP(omp parallel num_threads(n_threads) reduction(|:failed))
            failed |= visits_blocks(&work, first, last);
        }
        if (failed) Rf_error("a value was refused.");
        R_CheckUserInterrupt();
    }
    for (int s = 0; s < n_symptoms; s++) {
        Rf_setAttrib(VECTOR_ELT(out, s), R_LevelsSymbol, mr_class_levels);
        Rf_setAttrib(VECTOR_ELT(out, s), R_ClassSymbol, mr_factor_class);
    }
    SEXP patient = VECTOR_ELT(out, n_symptoms);
    Rf_setAttrib(patient, R_LevelsSymbol, mr_class_levels);
    Rf_setAttrib(patient, R_ClassSymbol, mr_factor_class);
    SEXP visit = VECTOR_ELT(out, n_symptoms + 3);
    Rf_setAttrib(visit, R_LevelsSymbol, visit_levels);
    Rf_setAttrib(visit, R_ClassSymbol, mr_factor_class);
    SEXP primary = VECTOR_ELT(out, n_symptoms + 2);
    Rf_setAttrib(primary, R_LevelsSymbol, primary_levels);
    Rf_setAttrib(primary, R_ClassSymbol, mr_factor_class);
    UNPROTECT(1);
    return out;
}
