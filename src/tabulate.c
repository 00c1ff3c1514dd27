/* .Call glue: the counting pass of tabulate_cohort(), and the grouping of
 * rows by stratum combination it shares with combine_tables(). */
#include <stdlib.h>
#include <string.h>
#include "glue.h"

/* A full grid of at most this many cells (each stratum's levels and NA) is
 * counted directly by cell index, the fastest way for a few hospitals or
 * sexes; beyond it rows are grouped by the combinations present first. */
#define MR_DIRECT_CELLS 16384


typedef struct {
    int n_strata;
    const int **codes;
    const int *n_levels;
} strata_input;

static strata_input read_strata(SEXP strata_codes, SEXP n_levels, R_xlen_t n)
{
    strata_input in;
    in.codes = mr_integer_columns(strata_codes, n, "by");
    in.n_strata = (int) XLENGTH(strata_codes);
    if (TYPEOF(n_levels) != INTSXP || XLENGTH(n_levels) != in.n_strata)
        Rf_error("internal error: one level count per stratum expected.");
    if (in.n_strata > MR_MAX_STRATA)
        Rf_error("`by` may name at most %d columns.", MR_MAX_STRATA);
    in.n_levels = INTEGER_RO(n_levels);
    for (int j = 0; j < in.n_strata; j++)
        if (in.n_levels[j] < 0) Rf_error("internal error: negative level count.");
    return in;
}

/* Scratch of the grouping: from R_alloc() (freed when the .Call returns),
 * or, for the grouped counting of tabulate_cohort(), from malloc(), freed
 * on every way out through R_UnwindProtect(): on sparse strata the ~36 MB
 * of ids, first rows and hash per million rows put on R's heap brought
 * forward the garbage collections (each marks every string of the
 * session), which cost more than the grouping. */
#define MR_SCRATCH_BLOCKS (MR_MAX_STRATA + 8)
typedef struct {
    int use_malloc, n;
    void *blocks[MR_SCRATCH_BLOCKS];
} scratch_arena;

static void *arena_alloc(scratch_arena *a, size_t count, size_t size)
{
    if (count == 0) count = 1;
    if (!a || !a->use_malloc) return R_alloc(count, size);
    if (a->n == MR_SCRATCH_BLOCKS)
        Rf_error("internal error: too many scratch blocks.");
    void *p = malloc(count * size);
    if (!p) Rf_error("cannot allocate %.0f MB to group the strata.",
                     (double) count * (double) size / 1048576.0);
    a->blocks[a->n++] = p;
    return p;
}

/* Free a block early (the last one allocated; otherwise kept to the end). */
static void arena_release(scratch_arena *a, void *p)
{
    if (!a || !a->use_malloc || a->n == 0 || a->blocks[a->n - 1] != p) return;
    free(p);
    a->blocks[--a->n] = NULL;
}

static void arena_free(void *data, Rboolean jump)
{
    (void) jump;
    scratch_arena *a = (scratch_arena *) data;
    while (a->n > 0) {
        free(a->blocks[--a->n]);
        a->blocks[a->n] = NULL;
    }
}

/* Dense 0-based group ids of the n rows in ids (caller-owned), in order of
 * first appearance; the first row of each group in *first_row (from the
 * arena; NULL: R_alloc'd). Returns the number of groups. */
static R_xlen_t group_rows_in(const strata_input *in, R_xlen_t n, int *ids,
                              ptrdiff_t **first_row, scratch_arena *arena)
{
    *first_row = (ptrdiff_t *) arena_alloc(arena, (size_t) n, sizeof(ptrdiff_t));
    if (in->n_strata == 0) {
        memset(ids, 0, (size_t) n * sizeof(int));
        if (n > 0) (*first_row)[0] = 0;
        return n > 0 ? 1 : 0;
    }
    ptrdiff_t capacity = mr_group_hash_capacity(n);
    uint64_t *hash_keys = NULL;
    int *hash_ids = NULL;
    R_xlen_t n_groups = 1;
    for (int j = 0; j < in->n_strata; j++) {
        mr_group_step step;
        double n_keys = (double) n_groups * ((double) in->n_levels[j] + 1);
        int *table = NULL;
        if (mr_group_use_table((ptrdiff_t) fmin(n_keys, 1e18), n)) {
            table = (int *) arena_alloc(arena, (size_t) n_keys, sizeof(int));
        } else if (!hash_keys) {
            hash_keys = (uint64_t *) arena_alloc(arena, (size_t) capacity,
                                                 sizeof(uint64_t));
            hash_ids = (int *) arena_alloc(arena, (size_t) capacity, sizeof(int));
        }
        mr_group_start(&step, n_groups, in->n_levels[j], n, table, hash_keys,
                       hash_ids);
        for (R_xlen_t from = 0; from < n; from += MR_CHUNK) {
            R_xlen_t to = n - from > MR_CHUNK ? from + MR_CHUNK : n;
            ptrdiff_t bad = mr_group_range(&step, j ? ids : NULL, in->codes[j],
                                           from, to, ids, *first_row);
            if (bad >= 0)
                Rf_error("`by` column %d, row %.0f: code outside its levels.",
                         j + 1, (double) bad + 1);
            R_CheckUserInterrupt();
        }
        if (table) arena_release(arena, table);
        n_groups = step.n_groups;
        if (n_groups > INT_MAX - 1) Rf_error("`by` has too many strata.");
    }
    return n == 0 ? 0 : n_groups;
}

/* As group_rows_in(), all scratch R_alloc'd. */
static R_xlen_t group_rows(const strata_input *in, R_xlen_t n, int *ids,
                           ptrdiff_t **first_row)
{
    return group_rows_in(in, n, ids, first_row, NULL);
}

/* The codes (1-based, NA) of each stratum at the first row of each group. */
static SEXP group_codes(const strata_input *in, const ptrdiff_t *first_row,
                        R_xlen_t n_groups)
{
    SEXP out = PROTECT(Rf_allocVector(VECSXP, in->n_strata));
    for (int j = 0; j < in->n_strata; j++) {
        SEXP codes = Rf_allocVector(INTSXP, n_groups);
        SET_VECTOR_ELT(out, j, codes);
        int *c = INTEGER(codes);
        for (R_xlen_t g = 0; g < n_groups; g++) c[g] = in->codes[j][first_row[g]];
    }
    UNPROTECT(1);
    return out;
}

/* Counts laid out cell by cell (cell_major[(g * n_symptoms + s) * 5 +
 * category], as the kernels count) into an R matrix with one row per cell
 * and one column per category and symptom (column category * n_symptoms +
 * s): each column of the R table is then a slice, not a transpose. */
static SEXP counts_by_cell(const double *cell_major, R_xlen_t n_cells,
                           int n_symptoms)
{
    int width = n_symptoms;
    SEXP out = PROTECT(Rf_allocMatrix(REALSXP, (int) n_cells,
                                      width * MR_N_CATEGORIES));
    double *o = REAL(out);
    for (R_xlen_t g = 0; g < n_cells; g++)
        for (int s = 0; s < width; s++)
            for (int k = 0; k < MR_N_CATEGORIES; k++)
                o[g + n_cells * (k * width + s)] =
                    cell_major[(g * width + s) * MR_N_CATEGORIES + k];
    UNPROTECT(1);
    return out;
}

static SEXP pair(SEXP a, SEXP b)
{
    PROTECT(a);
    PROTECT(b);
    SEXP out = PROTECT(Rf_allocVector(VECSXP, 2));
    SET_VECTOR_ELT(out, 0, a);
    SET_VECTOR_ELT(out, 1, b);
    UNPROTECT(3);
    return out;
}

SEXP C_group_rows(SEXP strata_codes, SEXP n_levels, SEXP n_rows)
{
    if (!Rf_isReal(n_rows) || XLENGTH(n_rows) != 1 || !(REAL(n_rows)[0] >= 0) ||
        REAL(n_rows)[0] > (double) R_XLEN_T_MAX)
        Rf_error("internal error: `n_rows` must be one non-negative double.");
    R_xlen_t n = (R_xlen_t) REAL(n_rows)[0];
    strata_input in = read_strata(strata_codes, n_levels, n);
    SEXP group = PROTECT(Rf_allocVector(INTSXP, n));
    ptrdiff_t *first_row;
    R_xlen_t n_groups = group_rows(&in, n, INTEGER(group), &first_row);
    int *g = INTEGER(group);
    for (R_xlen_t i = 0; i < n; i++) g[i] += 1;
    SEXP first = PROTECT(Rf_allocVector(REALSXP, n_groups));
    for (R_xlen_t k = 0; k < n_groups; k++) REAL(first)[k] = (double) first_row[k] + 1;
    UNPROTECT(2);
    return pair(group, first);
}

/* The cells holding patients (every cell without strata): every patient
 * is counted once in each symptom's column, so in the first. */
static ptrdiff_t *kept_cells(const strata_input *in, const double *counts,
                             ptrdiff_t n_cells, ptrdiff_t cell_size,
                             R_xlen_t *n_kept)
{
    ptrdiff_t *kept = (ptrdiff_t *) R_alloc((size_t) n_cells, sizeof(ptrdiff_t));
    R_xlen_t n = 0;
    for (ptrdiff_t cell = 0; cell < n_cells; cell++) {
        const double *first_column = counts + cell * cell_size;
        double patients = 0;
        for (int k = 0; k < MR_N_CATEGORIES; k++) patients += first_column[k];
        if (patients > 0 || in->n_strata == 0) kept[n++] = cell;
    }
    *n_kept = n;
    return kept;
}

/* The kept cells' counts moved to the front of `counts`, as R's matrix. */
static SEXP compact_counts(double *counts, const ptrdiff_t *kept,
                           R_xlen_t n_kept, int n_symptoms)
{
    ptrdiff_t cell_size = (ptrdiff_t) n_symptoms * MR_N_CATEGORIES;
    for (R_xlen_t k = 0; k < n_kept; k++)
        if (kept[k] != k)
            memcpy(counts + k * cell_size, counts + kept[k] * cell_size,
                   (size_t) cell_size * sizeof(double));
    return counts_by_cell(counts, n_kept, n_symptoms);
}

/* Per stratum, the codes of the kept cells (from their grid index). */
static SEXP kept_codes(const strata_input *in, const ptrdiff_t *kept,
                       R_xlen_t n_kept)
{
    SEXP codes = PROTECT(Rf_allocVector(VECSXP, in->n_strata));
    ptrdiff_t step = 1;
    for (int j = 0; j < in->n_strata; j++) {
        SEXP column = Rf_allocVector(INTSXP, n_kept);
        SET_VECTOR_ELT(codes, j, column);
        ptrdiff_t width = (ptrdiff_t) in->n_levels[j] + 1;
        for (R_xlen_t k = 0; k < n_kept; k++) {
            ptrdiff_t slot = kept[k] / step % width;
            INTEGER(column)[k] = slot == in->n_levels[j] ? NA_INTEGER : (int) slot + 1;
        }
        step *= width;
    }
    UNPROTECT(1);
    return codes;
}

/* Counts of every cell of the full grid, by cell index (the fast path);
 * then only the cells holding patients (all of them without strata). */
static SEXP tabulate_direct(const strata_input *in, const int **symptoms,
                            int n_symptoms, R_xlen_t n, ptrdiff_t n_cells)
{
    ptrdiff_t cell_size = (ptrdiff_t) n_symptoms * MR_N_CATEGORIES;
    double n_counts = (double) n_cells * (double) cell_size;
    double *counts = mr_zeroed_doubles((R_xlen_t) n_counts);
    mr_strata spec = { in->n_strata, in->codes, in->n_levels };
    /* Integer counters per thread and lane (see mr_tabulate_range()); extra
     * copies only while the counts are small, since every span adds them
     * all up. */
    int n_threads = n_counts <= (1 << 16) ? mr_thread_count(n) : 1;
    /* (lanes pay for themselves on long runs only: every copy is added up
     * and zeroed at the end) */
    int n_lanes = n_counts <= (1 << 14) && n >= (1 << 16) ? 4 : 1;
    size_t n_scratch = (size_t) n_threads * n_lanes *
        (size_t) mr_tabulate_block_size(n_cells, n_symptoms);
    unsigned *scratch = (unsigned *) R_alloc(n_scratch, sizeof(unsigned));
    memset(scratch, 0, n_scratch * sizeof(unsigned));
    /* one parallel region per MR_SPAN rows (kernels.h); the kernel's 32-bit
     * counters hold any span below 2^31 rows */
    for (R_xlen_t from = 0; from < n; from += MR_SPAN) {
        R_xlen_t to = n - from > MR_SPAN ? from + MR_SPAN : n;
        ptrdiff_t bad = mr_tabulate_range(&spec, symptoms, n_symptoms,
                                          from, to, n_threads, n_lanes,
                                          counts, n_cells, scratch);
        if (bad >= 0)
            Rf_error("`x` row %.0f holds a code outside its factor's levels.",
                     (double) bad + 1);
        R_CheckUserInterrupt();
    }
    R_xlen_t n_kept;
    ptrdiff_t *kept = kept_cells(in, counts, n_cells, cell_size, &n_kept);
    SEXP out_counts = PROTECT(compact_counts(counts, kept, n_kept, n_symptoms));
    SEXP codes = PROTECT(kept_codes(in, kept, n_kept));
    UNPROTECT(2);
    return pair(out_counts, codes);
}

/* Rows grouped by the combinations present, then counted per group. */
typedef struct {
    const strata_input *in;
    const int **symptoms;
    int n_symptoms;
    R_xlen_t n;
    scratch_arena *arena;
} grouped_input;

static SEXP tabulate_grouped_body(void *data)
{
    const grouped_input *g = (const grouped_input *) data;
    const strata_input *in = g->in;
    R_xlen_t n = g->n;
    int n_symptoms = g->n_symptoms;
    int *ids = (int *) arena_alloc(g->arena, (size_t) n, sizeof(int));
    ptrdiff_t *first_row;
    R_xlen_t n_groups = group_rows_in(in, n, ids, &first_row, g->arena);
    /* counted straight into the R matrix (one row per group, see
     * counts_by_cell()): no cell-major scratch and no transpose; integers
     * while no count can pass INT_MAX (C_table_columns() makes the table's
     * doubles of them) */
    int as_int = n < INT_MAX;
    SEXP out_counts = PROTECT(Rf_allocMatrix(as_int ? INTSXP : REALSXP,
                                             (int) n_groups,
                                             n_symptoms * MR_N_CATEGORIES));
    if (as_int)
        memset(INTEGER(out_counts), 0, (size_t) XLENGTH(out_counts) * sizeof(int));
    else
        memset(REAL(out_counts), 0, (size_t) XLENGTH(out_counts) * sizeof(double));
    for (R_xlen_t from = 0; from < n; from += MR_CHUNK) {
        R_xlen_t to = n - from > MR_CHUNK ? from + MR_CHUNK : n;
        ptrdiff_t bad = as_int ?
            mr_count_groups(ids, g->symptoms, n_symptoms, from, to, n_groups,
                            INTEGER(out_counts)) :
            mr_count_groups_double(ids, g->symptoms, n_symptoms, from, to,
                                   n_groups, REAL(out_counts));
        if (bad >= 0)
            Rf_error("`x` row %.0f holds a code outside its factor's levels.",
                     (double) bad + 1);
        R_CheckUserInterrupt();
    }
    SEXP codes = group_codes(in, first_row, n_groups);
    UNPROTECT(1);
    return pair(out_counts, codes);
}

static SEXP tabulate_grouped(const strata_input *in, const int **symptoms,
                             int n_symptoms, R_xlen_t n)
{
    scratch_arena arena;
    memset(&arena, 0, sizeof arena);
    arena.use_malloc = 1;
    grouped_input g = { in, symptoms, n_symptoms, n, &arena };
    SEXP cont = PROTECT(R_MakeUnwindCont());
    SEXP out = R_UnwindProtect(tabulate_grouped_body, &g, arena_free, &arena,
                               cont);
    UNPROTECT(1);
    return out;
}

/* list(counts, codes): a matrix of counts, one row per cell holding
 * patients and one column per category and class column (see
 * counts_by_cell()), and per stratum the cells' codes. The counts are
 * doubles, or integers from the grouped path of fewer than INT_MAX rows. The class columns
 * (the symptoms, then the patient class when there are several) are
 * factor codes 1..4 or NA, all n_rows long. */
SEXP C_tabulate_cohort(SEXP strata_codes, SEXP n_levels, SEXP symptom_codes,
                       SEXP n_rows)
{
    if (!Rf_isReal(n_rows) || XLENGTH(n_rows) != 1 || !(REAL(n_rows)[0] >= 0) ||
        REAL(n_rows)[0] > (double) R_XLEN_T_MAX)
        Rf_error("internal error: `n_rows` must be one non-negative double.");
    if (XLENGTH(symptom_codes) < 1)
        Rf_error("internal error: at least one class column expected.");
    R_xlen_t n = (R_xlen_t) REAL(n_rows)[0];
    const int **symptoms = mr_integer_columns(symptom_codes, n, "symptoms");
    int n_symptoms = (int) XLENGTH(symptom_codes);
    strata_input in = read_strata(strata_codes, n_levels, n);
    double n_cells = 1;
    for (int j = 0; j < in.n_strata; j++) n_cells *= (double) in.n_levels[j] + 1;
    if (n_cells <= MR_DIRECT_CELLS)
        return tabulate_direct(&in, symptoms, n_symptoms, n, (ptrdiff_t) n_cells);
    return tabulate_grouped(&in, symptoms, n_symptoms, n);
}

/* A deep copy of a list of columns, for data that may be modified in place
 * later (data.table's set* functions reorder and assign by reference, which
 * would reach a cohort sharing their vectors). */
SEXP C_copy_columns(SEXP columns)
{
    if (TYPEOF(columns) != VECSXP) Rf_error("internal error: a list expected.");
    return Rf_duplicate(columns);
}

/* ---- weighted tabulation (issue 23) -------------------------------------- */

/* The largest weight, or -(first bad row, 1-based) when a weight is
 * negative, NaN or infinite: tabulate_cohort() checks its weights with this
 * one pass (on threads) and gives the result to C_tabulate_weighted(). */
SEXP C_weights_max(SEXP weights)
{
    if (TYPEOF(weights) != REALSXP)
        Rf_error("internal error: `weights` must be doubles here.");
    R_xlen_t n = XLENGTH(weights);
    const double *w = REAL_RO(weights);
    double max = 0;
    for (R_xlen_t from = 0; from < n; from += MR_SPAN) {
        R_xlen_t to = n - from > MR_SPAN ? from + MR_SPAN : n;
        double span_max;
        ptrdiff_t bad = mr_weights_max(w, from, to, mr_thread_count(to - from),
                                       &span_max);
        if (bad >= 0) return Rf_ScalarReal(-((double) bad + 1));
        if (span_max > max) max = span_max;
        R_CheckUserInterrupt();
    }
    return Rf_ScalarReal(max);
}

typedef struct {
    const double *weights;
    int scale, scale2, scale_low;
} weights_input;

/* The weighted columns of the cells kept (kept NULL: all n_cells), from the
 * exact sums wide (MR_WIDE_SUMS per category, cell and symptom: the
 * weights, the high and the low halves of their squares): a matrix with one row
 * per cell and one column per quantity and symptom (column q * n_symptoms
 * + s), the quantities weighted_n, weighted_alleviated, weighted_evaluable,
 * sum_w2_alleviated and sum_w2_evaluable, each the exact integer sum
 * converted once. With totals, the same quantities over all cells (the
 * overall rows) in a vector of 5 * n_symptoms. */
static SEXP weighted_columns(const mr_wide *wide, const ptrdiff_t *kept,
                             R_xlen_t n_kept, int n_symptoms,
                             const weights_input *w, R_xlen_t n_all_cells,
                             SEXP *totals)
{
    SEXP out = PROTECT(Rf_allocMatrix(REALSXP, (int) n_kept,
                                      n_symptoms * MR_N_CATEGORIES));
    double *o = REAL(out);
    mr_wide *total = (mr_wide *) R_alloc((size_t) MR_WIDE_SUMS * n_symptoms * MR_N_CATEGORIES,
                                         sizeof(mr_wide));
    memset(total, 0, (size_t) MR_WIDE_SUMS * n_symptoms * MR_N_CATEGORIES * sizeof(mr_wide));
    /* the five quantities of one cell and symptom from its categories */
    #define MR_QUANTITIES(SUMS, OUT, STEP)                                    \
    do {                                                                     \
        /* q[3], q[4]: high halves of the squares; q[5], q[6]: low */     \
        mr_wide q[7];                                                        \
        memset(q, 0, sizeof q);                                              \
        for (int c = 0; c < MR_N_CATEGORIES; c++) {                          \
            mr_wide_add(&q[0], (SUMS)[MR_WIDE_SUMS * c]);                    \
            if (c < 3) {                                                     \
                mr_wide_add(&q[2], (SUMS)[MR_WIDE_SUMS * c]);                \
                mr_wide_add(&q[4], (SUMS)[MR_WIDE_SUMS * c + 1]);            \
                mr_wide_add(&q[6], (SUMS)[MR_WIDE_SUMS * c + 2]);            \
            }                                                                \
        }                                                                    \
        q[1] = (SUMS)[0];                                                    \
        q[3] = (SUMS)[1];                                                    \
        q[5] = (SUMS)[2];                                                    \
        for (int k = 0; k < 3; k++)                                          \
            (OUT)[(R_xlen_t) k * (STEP)] = mr_wide_to_double(q[k], w->scale); \
        for (int k = 3; k < 5; k++)                                          \
            (OUT)[(R_xlen_t) k * (STEP)] =                                   \
                mr_wide_to_double(q[k], w->scale2) +                         \
                mr_wide_to_double(q[k + 2], w->scale_low);                   \
    } while (0)
    for (R_xlen_t g = 0; g < n_kept; g++) {
        ptrdiff_t cell = kept ? kept[g] : g;
        for (int s = 0; s < n_symptoms; s++) {
            const mr_wide *sums = wide + MR_WIDE_SUMS * ((cell * n_symptoms + s) * MR_N_CATEGORIES);
            MR_QUANTITIES(sums, o + g + n_kept * s, n_kept * n_symptoms);
        }
    }
    if (totals) {
        for (R_xlen_t cell = 0; cell < n_all_cells; cell++)
            for (int s = 0; s < n_symptoms; s++)
                for (int c = 0; c < MR_WIDE_SUMS * MR_N_CATEGORIES; c++)
                    mr_wide_add(&total[s * MR_WIDE_SUMS * MR_N_CATEGORIES + c],
                                wide[MR_WIDE_SUMS * (cell * n_symptoms + s) * MR_N_CATEGORIES + c]);
        *totals = PROTECT(Rf_allocVector(REALSXP, n_symptoms * MR_N_CATEGORIES));
        double *t = REAL(*totals);
        for (int s = 0; s < n_symptoms; s++)
            MR_QUANTITIES(total + s * MR_WIDE_SUMS * MR_N_CATEGORIES, t + s, n_symptoms);
        UNPROTECT(1);
    }
    #undef MR_QUANTITIES
    UNPROTECT(1);
    return out;
}

static SEXP four(SEXP a, SEXP b, SEXP c, SEXP d)
{
    PROTECT(a);
    PROTECT(b);
    PROTECT(c);
    PROTECT(d);
    SEXP out = PROTECT(Rf_allocVector(VECSXP, 4));
    SET_VECTOR_ELT(out, 0, a);
    SET_VECTOR_ELT(out, 1, b);
    SET_VECTOR_ELT(out, 2, c);
    SET_VECTOR_ELT(out, 3, d);
    UNPROTECT(5);
    return out;
}

static mr_wide *zeroed_wide(size_t n)
{
    mr_wide *x = (mr_wide *) R_alloc(n > 0 ? n : 1, sizeof(mr_wide));
    memset(x, 0, (n > 0 ? n : 1) * sizeof(mr_wide));
    return x;
}

static SEXP tabulate_direct_weighted(const strata_input *in, const int **symptoms,
                                     int n_symptoms, R_xlen_t n,
                                     ptrdiff_t n_cells, const weights_input *w)
{
    ptrdiff_t cell_size = (ptrdiff_t) n_symptoms * MR_N_CATEGORIES;
    double n_counts = (double) n_cells * (double) cell_size;
    double *counts = mr_zeroed_doubles((R_xlen_t) n_counts);
    mr_wide *wide = zeroed_wide((size_t) MR_WIDE_SUMS * (size_t) n_counts);
    mr_strata spec = { in->n_strata, in->codes, in->n_levels };
    /* by key (a cell and the categories of all its symptoms) when the keys
     * are few (the usual tables: a few strata, up to five symptoms): 48
     * bytes per key, lane and thread; else per symptom, as
     * tabulate_direct() with wide counters 12 times the size */
    ptrdiff_t n_keys = mr_weighted_combos(n_cells, n_symptoms);
    int n_threads, n_lanes;
    if (n_keys) {
        n_threads = mr_thread_count(n);
        n_lanes = n < (1 << 16) ? 1 : n_keys <= 4096 ? 4 : n_keys <= 16384 ? 2 : 1;
    } else {
        n_threads = n_counts <= (1 << 13) ? mr_thread_count(n) : 1;
        n_lanes = n_counts <= (1 << 11) ? 4 : 1;
    }
    size_t n_copies = (size_t) n_threads * (size_t) n_lanes;
    size_t n_scratch = n_keys ? 1 :
        n_copies * (size_t) mr_weighted_block_size(n_cells, n_symptoms);
    unsigned *scratch = (unsigned *) R_alloc(n_scratch, sizeof(unsigned));
    memset(scratch, 0, n_scratch * sizeof(unsigned));
    mr_wide *wide_scratch = n_keys ? NULL : zeroed_wide(MR_WIDE_SUMS * n_scratch);
    mr_wide *key_scratch = n_keys ?
        zeroed_wide((size_t) MR_WIDE_SUMS * n_copies * (size_t) n_keys) : NULL;
    for (R_xlen_t from = 0; from < n; from += MR_SPAN) {
        R_xlen_t to = n - from > MR_SPAN ? from + MR_SPAN : n;
        ptrdiff_t bad = mr_tabulate_range_weighted(
            &spec, symptoms, n_symptoms, w->weights, w->scale,
            from, to, n_threads, n_lanes, counts, n_cells, scratch,
            wide_scratch, key_scratch, wide);
        if (bad >= 0)
            Rf_error("`x` row %.0f holds a code outside its factor's levels.",
                     (double) bad + 1);
        R_CheckUserInterrupt();
    }
    R_xlen_t n_kept;
    ptrdiff_t *kept = kept_cells(in, counts, n_cells, cell_size, &n_kept);
    SEXP totals;
    SEXP weighted = PROTECT(weighted_columns(wide, kept, n_kept, n_symptoms, w,
                                             n_cells, &totals));
    PROTECT(totals);
    SEXP out_counts = PROTECT(compact_counts(counts, kept, n_kept, n_symptoms));
    SEXP codes = PROTECT(kept_codes(in, kept, n_kept));
    UNPROTECT(4);
    return four(out_counts, codes, weighted, totals);
}

static SEXP tabulate_grouped_weighted(const strata_input *in,
                                      const int **symptoms, int n_symptoms,
                                      R_xlen_t n, const weights_input *w)
{
    int *ids = (int *) R_alloc(n > 0 ? (size_t) n : 1, sizeof(int));
    ptrdiff_t *first_row;
    R_xlen_t n_groups = group_rows(in, n, ids, &first_row);
    ptrdiff_t cell_size = (ptrdiff_t) n_symptoms * MR_N_CATEGORIES;
    double *counts = mr_zeroed_doubles(n_groups * cell_size);
    mr_wide *wide = zeroed_wide((size_t) MR_WIDE_SUMS * (size_t) (n_groups * cell_size));
    for (R_xlen_t from = 0; from < n; from += MR_CHUNK) {
        R_xlen_t to = n - from > MR_CHUNK ? from + MR_CHUNK : n;
        ptrdiff_t bad = mr_count_groups_weighted(ids, symptoms, n_symptoms,
                                                 w->weights, w->scale,
                                                 from, to, counts, wide);
        if (bad >= 0)
            Rf_error("`x` row %.0f holds a code outside its factor's levels.",
                     (double) bad + 1);
        R_CheckUserInterrupt();
    }
    SEXP totals;
    SEXP weighted = PROTECT(weighted_columns(wide, NULL, n_groups, n_symptoms, w,
                                             n_groups, &totals));
    PROTECT(totals);
    SEXP out_counts = PROTECT(counts_by_cell(counts, n_groups, n_symptoms));
    SEXP codes = PROTECT(group_codes(in, first_row, n_groups));
    UNPROTECT(4);
    return four(out_counts, codes, weighted, totals);
}

/* C_tabulate_cohort() with weights (doubles, one per row, checked by
 * C_weights_max(), whose result is max): list(counts, codes, weighted,
 * totals), counts and codes as C_tabulate_cohort() gives them, weighted and
 * totals as weighted_columns() makes them. */
SEXP C_tabulate_weighted(SEXP strata_codes, SEXP n_levels, SEXP symptom_codes,
                         SEXP n_rows, SEXP weights, SEXP max)
{
    if (!Rf_isReal(n_rows) || XLENGTH(n_rows) != 1 || !(REAL(n_rows)[0] >= 0) ||
        REAL(n_rows)[0] > (double) R_XLEN_T_MAX)
        Rf_error("internal error: `n_rows` must be one non-negative double.");
    if (XLENGTH(symptom_codes) < 1)
        Rf_error("internal error: at least one class column expected.");
    R_xlen_t n = (R_xlen_t) REAL(n_rows)[0];
    if (TYPEOF(weights) != REALSXP || XLENGTH(weights) != n)
        Rf_error("internal error: one double weight per row expected.");
    if (!Rf_isReal(max) || XLENGTH(max) != 1 || !(REAL(max)[0] >= 0) ||
        !R_FINITE(REAL(max)[0]))
        Rf_error("internal error: `max` must be the largest weight.");
    double largest = REAL(max)[0];
    if (!R_FINITE(largest * largest))
        Rf_error("`weights` must be below 1e154: the largest, %g, squares to infinity.",
                 largest);
    int scale = mr_weight_scale(largest);
    weights_input w = { REAL_RO(weights), scale, MR_SQUARE_SCALE(scale),
                        MR_SQUARE_LOW_SCALE(scale) };
    const int **symptoms = mr_integer_columns(symptom_codes, n, "symptoms");
    int n_symptoms = (int) XLENGTH(symptom_codes);
    strata_input in = read_strata(strata_codes, n_levels, n);
    double n_cells = 1;
    for (int j = 0; j < in.n_strata; j++) n_cells *= (double) in.n_levels[j] + 1;
    if (n_cells <= MR_DIRECT_CELLS)
        return tabulate_direct_weighted(&in, symptoms, n_symptoms, n,
                                        (ptrdiff_t) n_cells, &w);
    return tabulate_grouped_weighted(&in, symptoms, n_symptoms, n, &w);
}
