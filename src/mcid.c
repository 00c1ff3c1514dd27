/* .Call glue: estimate_mcid(), ROC method. Resamples drawn as cell counts
 * (few distinct changes) use R's generator, between GetRNGstate() and
 * PutRNGstate(); resamples drawn patient by patient use the package's
 * private generator (xoshiro256++), one stream per resample, seeded from
 * R's generator: both follow set.seed(), and the resamples' results do not
 * depend on the number of threads. */
#include <string.h>
#include <stdlib.h>
#include "glue.h"
#include <Rmath.h>

static double r_binomial(void *state, double size, double prob)
{
    (void) state;
    return rbinom(size, prob);
}

static SEXP doubles_from(const double *x, R_xlen_t n)
{
    SEXP out = Rf_allocVector(REALSXP, n);
    if (n > 0) memcpy(REAL(out), x, (size_t) n * sizeof(double));
    return out;
}

/* Draws per parallel region when resampling patient by patient: about a
 * quarter of a second of work on one core between two checks for an
 * interrupt (outside the region), and few enough regions that the wait at
 * each region's end costs under 1%. */
#define MR_BOOT_DRAWS_PER_REGION ((double) ((R_xlen_t) 1 << 27))

/* A 64-bit seed from R's generator: two uniform 32-bit draws. */
static uint64_t seed_from_r(void)
{
    GetRNGstate();
    uint64_t hi = (uint64_t) R_unif_index(4294967296.0);
    uint64_t lo = (uint64_t) R_unif_index(4294967296.0);
    PutRNGstate();
    return (hi << 32) | lo;
}

/* The resamples' cut-offs, drawn patient by patient on up to n_threads
 * threads; resample b uses stream b of seed. */
static void boot_by_patient(const double *value, const double *n1,
                            const double *n0, ptrdiff_t k, R_xlen_t n,
                            int stratified, const mr_roc_options *opt,
                            unsigned spill_at, uint64_t seed, R_xlen_t n_boot,
                            double *cut, double *auc, double *mic,
                            double *mic_adj)
{
    size_t room = n > 0 ? (size_t) n : 1;
    uint32_t *group_of = (uint32_t *) R_alloc(room, sizeof(uint32_t));
    mr_roc_boot_layout(n1, n0, k, group_of);
    R_xlen_t cells = 2 * (R_xlen_t) k;
    size_t cell_room = (size_t) (cells > 0 ? cells : 1);
    R_xlen_t total1 = 0;
    for (ptrdiff_t j = 0; j < k; j++) total1 += (R_xlen_t) n1[j];
    /* Without the predictive MICs, each resample's cell counts are summed
     * into its sweep as it goes (mr_roc_boot_patient_stats()), from cell
     * sizes as bytes; with them, folded into counts first. */
    uint32_t *size = NULL, *big = NULL;
    unsigned char *size8 = NULL;
    if (opt->predictive) {
        size = (uint32_t *) R_alloc(cell_room, sizeof(uint32_t));
        for (ptrdiff_t j = 0; j < k; j++) {
            size[2 * j] = (uint32_t) n0[j];
            size[2 * j + 1] = (uint32_t) n1[j];
        }
    } else {
        size8 = (unsigned char *) R_alloc(cell_room, 1);
        big = (uint32_t *) R_alloc(cell_room, sizeof(uint32_t));
        mr_roc_boot_sizes(n1, n0, k, size8, big);
    }
    int n_threads = mr_thread_count((R_xlen_t) fmin((double) n * (double) n_boot,
                                                    (double) R_XLEN_T_MAX));
    if ((R_xlen_t) n_threads > n_boot) n_threads = (int) n_boot;
    if (n_threads < 1) n_threads = 1;
    /* each thread's n bytes and 16 to spare (read, never counted) */
    size_t stride = room + 16;
    unsigned char *draws = (unsigned char *) R_alloc((size_t) n_threads * stride, 1);
    memset(draws, 0, (size_t) n_threads * stride);
    uint32_t *counts = (uint32_t *) R_alloc((size_t) n_threads * (size_t) cells + 1,
                                            sizeof(uint32_t));
    memset(counts, 0, ((size_t) n_threads * (size_t) cells + 1) * sizeof(uint32_t));
    R_xlen_t per_region = (R_xlen_t) fmax(1.0, MR_BOOT_DRAWS_PER_REGION / (double) room);
    if (per_region < n_threads) per_region = n_threads;
    for (R_xlen_t start = 0; start < n_boot; start += per_region) {
        R_xlen_t end = n_boot - start > per_region ? start + per_region : n_boot;
        MR_OMP(omp parallel for num_threads(n_threads) schedule(dynamic, 1))
        for (R_xlen_t b = start; b < end; b++) {
            int t = mr_thread_num();
            mr_xoshiro g;
            mr_xoshiro_stream(&g, seed, (uint64_t) b);
            uint32_t *my_counts = counts + (size_t) t * (size_t) cells;
            unsigned char *my_draws = draws + (size_t) t * stride;
            mr_roc_boot_stats st;
            if (opt->predictive) {
                mr_roc_draw_patients(size, k, n, total1, stratified, group_of,
                                     spill_at, my_draws, &g, my_counts);
                mr_roc_stats(value, k, my_counts, opt, &st);
            } else {
                mr_roc_boot_patient_stats(value, k, size8, big, n, total1,
                                          stratified, group_of, spill_at,
                                          my_draws, &g, my_counts, opt, &st);
            }
            cut[b] = st.cutoff;
            auc[b] = st.auc;
            mic[b] = st.mic_predictive;
            mic_adj[b] = st.mic_adjusted;
        }
        R_CheckUserInterrupt();
    }
}

/* change: doubles without NaN; improved: logical without NA, as long;
 * boot: resamples (a whole number >= 0); by_patient: NA to choose how to
 * draw resamples, TRUE or FALSE to force it (tests); stratified: TRUE to
 * resample the improved and the other patients separately; options:
 * c(criterion (MR_BEST_*), r, largest, predictive), checked in R, and
 * optionally (tests) the spill count of the patient draws' bytes. */
SEXP C_mcid_roc(SEXP change, SEXP improved, SEXP boot, SEXP by_patient,
                SEXP stratified, SEXP options)
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
    int strata = Rf_asLogical(stratified);
    if (strata == NA_LOGICAL)
        Rf_error("internal error: `stratified` must be TRUE or FALSE.");
    if (TYPEOF(options) != REALSXP || (XLENGTH(options) != 4 && XLENGTH(options) != 5))
        Rf_error("internal error: `options` must be 4 or 5 doubles.");
    const double *o = REAL_RO(options);
    mr_roc_options opt = { (int) o[0], o[1], o[2] != 0, o[3] != 0 };
    if (opt.criterion < 0 || opt.criterion > 2 || !(opt.r > 0) || !R_FINITE(opt.r))
        Rf_error("internal error: bad `options`.");
    /* a 5th option (tests only): the count at which a patient's byte of
     * draws spills into its cell, 1 to 255 (255 otherwise) */
    unsigned spill_at = 255;
    if (XLENGTH(options) == 5) {
        if (!(o[4] >= 1 && o[4] <= 255 && o[4] == floor(o[4])))
            Rf_error("internal error: bad `options`.");
        spill_at = (unsigned) o[4];
    }
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
                            "by_patient", "boot_auc", "boot_predictive",
                            "boot_adjusted", "predictive", "adjusted" };
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
    /* the chosen cut-off and the predictive MICs by the shared code of the
     * resamples */
    size_t n_counts = 2 * (size_t) k_groups + 1;
    uint32_t *counts = (uint32_t *) R_alloc(n_counts, sizeof(uint32_t));
    memset(counts, 0, n_counts * sizeof(uint32_t));
    for (ptrdiff_t j = 0; j < k_groups; j++) {
        counts[2 * j] = (uint32_t) n0[j];
        counts[2 * j + 1] = (uint32_t) n1[j];
    }
    mr_roc_boot_stats full;
    mr_roc_stats(value, k_groups, counts, &opt, &full);
    SET_VECTOR_ELT(out, 5, Rf_ScalarReal(full.best >= 0 ? (double) full.best + 1 : NA_REAL));
    SET_VECTOR_ELT(out, 13, Rf_ScalarReal(ISNAN(full.mic_predictive) ? NA_REAL : full.mic_predictive));
    SET_VECTOR_ELT(out, 14, Rf_ScalarReal(ISNAN(full.mic_adjusted) ? NA_REAL : full.mic_adjusted));
    SET_VECTOR_ELT(out, 6, Rf_ScalarReal(ISNAN(res.auc) ? NA_REAL : res.auc));
    SET_VECTOR_ELT(out, 7, Rf_ScalarReal(ISNAN(res.auc_var) ? NA_REAL : res.auc_var));

    /* No resamples, and no use of the generator, when there is no estimate. */
    R_xlen_t n_resamples = full.best >= 0 ? (R_xlen_t) n_boot : 0;
    SEXP cutoffs = Rf_allocVector(REALSXP, n_resamples);
    SET_VECTOR_ELT(out, 8, cutoffs);
    SEXP aucs = Rf_allocVector(REALSXP, n_resamples);
    SET_VECTOR_ELT(out, 10, aucs);
    SEXP mics = Rf_allocVector(REALSXP, n_resamples);
    SET_VECTOR_ELT(out, 11, mics);
    SEXP mics_adj = Rf_allocVector(REALSXP, n_resamples);
    SET_VECTOR_ELT(out, 12, mics_adj);
    int patient_draws = 0;
    if (n_resamples > 0) {
        ptrdiff_t cells = mr_roc_cells(n1, n0, k_groups);
        patient_draws = force == NA_LOGICAL ? mr_roc_boot_by_patient(cells, n)
                                            : force;
        double *cut = REAL(cutoffs), *auc = REAL(aucs), *mic = REAL(mics),
               *mic_adj = REAL(mics_adj);
        if (patient_draws) {
            boot_by_patient(value, n1, n0, k_groups, n, strata, &opt,
                            spill_at, seed_from_r(), n_resamples, cut, auc, mic, mic_adj);
        } else {
            mr_rng rng = { r_binomial, NULL };
            double per_resample = (double) cells + (double) k_groups, work = 0;
            GetRNGstate();
            for (R_xlen_t b = 0; b < n_resamples; b++) {
                mr_roc_draw_cells(n1, n0, k_groups, strata, rng, counts);
                mr_roc_boot_stats st;
                mr_roc_stats(value, k_groups, counts, &opt, &st);
                cut[b] = st.cutoff;
                auc[b] = st.auc;
                mic[b] = st.mic_predictive;
                mic_adj[b] = st.mic_adjusted;
                work += per_resample;
                if (work >= (double) MR_CHUNK) {
                    work = 0;
                    R_CheckUserInterrupt();
                }
            }
            PutRNGstate();
        }
        for (R_xlen_t b = 0; b < n_resamples; b++) {
            if (ISNAN(cut[b])) cut[b] = NA_REAL;
            if (ISNAN(auc[b])) auc[b] = NA_REAL;
            if (ISNAN(mic[b])) mic[b] = NA_REAL;
            if (ISNAN(mic_adj[b])) mic_adj[b] = NA_REAL;
        }
    }
    SET_VECTOR_ELT(out, 9, Rf_ScalarLogical(patient_draws));
    UNPROTECT(1);
    return out;
}

/* For the tests of the private generator. words: 2 doubles, the 32-bit
 * halves (high, low) of a seed whose stream `stream` is used; or 8 doubles,
 * the halves of the four state words themselves. Returns list(raw = the
 * first n outputs as decimal strings, high = their upper 32 bits, bounded
 * = n draws below `bound` from the same starting state, or none when bound
 * is 0). */
SEXP C_mcid_rng(SEXP words, SEXP stream, SEXP n, SEXP bound)
{
    if (TYPEOF(words) != REALSXP || (XLENGTH(words) != 2 && XLENGTH(words) != 8))
        Rf_error("internal error: `words` must be 2 or 8 doubles.");
    const double *w = REAL_RO(words);
    R_xlen_t n_words = XLENGTH(words);
    for (R_xlen_t j = 0; j < n_words; j++)
        if (!(w[j] >= 0 && w[j] < 4294967296.0 && w[j] == floor(w[j])))
            Rf_error("internal error: `words` must be whole numbers below 2^32.");
    double s = Rf_asReal(stream), m = Rf_asReal(n), b = Rf_asReal(bound);
    if (!(s >= 0 && s < 9007199254740992.0 && s == floor(s)))
        Rf_error("internal error: `stream` must be a whole number >= 0.");
    if (!(m >= 0 && m <= 1e8 && m == floor(m)))
        Rf_error("internal error: `n` must be a whole number from 0 to 1e8.");
    if (!(b >= 0 && b < 4294967296.0 && b == floor(b)))
        Rf_error("internal error: `bound` must be a whole number below 2^32.");
    mr_xoshiro start;
    if (n_words == 2) {
        uint64_t seed = ((uint64_t) w[0] << 32) | (uint64_t) w[1];
        mr_xoshiro_stream(&start, seed, (uint64_t) s);
    } else {
        for (int j = 0; j < 4; j++)
            start.s[j] = ((uint64_t) w[2 * j] << 32) | (uint64_t) w[2 * j + 1];
    }
    R_xlen_t count = (R_xlen_t) m;
    SEXP out = PROTECT(Rf_allocVector(VECSXP, 3));
    SEXP names = Rf_allocVector(STRSXP, 3);
    Rf_setAttrib(out, R_NamesSymbol, names);
    SET_STRING_ELT(names, 0, Rf_mkChar("raw"));
    SET_STRING_ELT(names, 1, Rf_mkChar("high"));
    SET_STRING_ELT(names, 2, Rf_mkChar("bounded"));
    SEXP raw = Rf_allocVector(STRSXP, count);
    SET_VECTOR_ELT(out, 0, raw);
    SEXP high = Rf_allocVector(REALSXP, count);
    SET_VECTOR_ELT(out, 1, high);
    mr_xoshiro g = start;
    char text[32];
    for (R_xlen_t i = 0; i < count; i++) {
        uint64_t x = mr_xoshiro_next(&g);
        snprintf(text, sizeof text, "%llu", (unsigned long long) x);
        SET_STRING_ELT(raw, i, Rf_mkChar(text));
        REAL(high)[i] = (double) (x >> 32);
    }
    SEXP drawn = Rf_allocVector(REALSXP, b > 0 ? count : 0);
    SET_VECTOR_ELT(out, 2, drawn);
    if (b > 0) {
        g = start;
        double *d = REAL(drawn);
        for (R_xlen_t i = 0; i < count; i++)
            d[i] = (double) mr_xoshiro_below(&g, (uint32_t) b);
    }
    UNPROTECT(1);
    return out;
}
