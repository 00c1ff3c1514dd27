/* libFuzzer harness for the tabulation kernel: random strata, levels and
 * codes, valid or not, one or several lanes, with and without weights.
 * Checks that valid input is counted completely and into the right cells
 * (against a plain loop), that invalid input is reported at its first row,
 * that the weighted pass counts as the unweighted one and sums the weights
 * (dyadic, so that the plain loop's double sums are exact) and their
 * squares into the same cells, and that the weight checks find the first
 * bad weight. */
#include <assert.h>
#include "fuzz_input.h"

static int valid_code(int code, int n_levels)
{
    return code == MR_NA_CODE || (code >= 1 && code <= n_levels);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_bytes in = { data, size };
    int n_strata = take_byte(&in) % 4, n_symptoms = 1 + take_byte(&in) % 6;
    int n_levels[3];
    ptrdiff_t n_cells = 1;
    for (int j = 0; j < n_strata; j++) {
        n_levels[j] = take_byte(&in) % 5;
        n_cells *= n_levels[j] + 1;
    }
    int n_lanes = (take_byte(&in) & 1) ? 4 : 1;
    ptrdiff_t n = take_byte(&in) % 200;
    int *codes[3], *symptoms[6];
    double *weights = malloc(sizeof(double) * (n + 1));
    for (int j = 0; j < 3; j++) codes[j] = malloc(sizeof(int) * (n + 1));
    for (int s = 0; s < 6; s++) symptoms[s] = malloc(sizeof(int) * (n + 1));
    int mostly_valid = take_byte(&in) & 1, dyadic = 1;
    for (ptrdiff_t i = 0; i < n; i++) {
        for (int j = 0; j < n_strata; j++) {
            int c = take_int(&in);
            codes[j][i] = mostly_valid && !valid_code(c, n_levels[j]) ? MR_NA_CODE : c;
        }
        for (int s = 0; s < n_symptoms; s++) {
            int c = take_int(&in);
            symptoms[s][i] = mostly_valid && !valid_code(c, 4) ? 1 + (int) (i % 4) : c;
        }
        /* dyadic weights 0 .. 31.875; now and then a bad one */
        uint8_t b = take_byte(&in);
        weights[i] = b / 8.0;
        if (!mostly_valid && b == 255) {
            weights[i] = take_double(&in);
            dyadic = 0;
        }
    }
    ptrdiff_t block = mr_tabulate_block_size(n_cells, n_symptoms);
    ptrdiff_t size_counts = n_cells * n_symptoms * MR_N_CATEGORIES;
    double *counts = calloc((size_t) size_counts + 1, sizeof(double));
    unsigned *scratch = calloc((size_t) (block * n_lanes) + 1, sizeof(unsigned));
    mr_strata strata = { n_strata, (const int *const *) codes, n_levels };
    ptrdiff_t bad = mr_tabulate_range(&strata, (const int *const *) symptoms,
                                      n_symptoms, 0, n, 1, n_lanes,
                                      counts, n_cells, scratch);
    /* The plain loop: first invalid row, and counts and sums of the valid
     * ones. */
    ptrdiff_t first_bad = -1;
    double *expected = calloc((size_t) size_counts + 1, sizeof(double));
    double *expected_w = calloc((size_t) size_counts + 1, sizeof(double));
    double *expected_w2 = calloc((size_t) size_counts + 1, sizeof(double));
    for (ptrdiff_t i = 0; i < n && first_bad < 0; i++) {
        ptrdiff_t cell = 0, stride = 1;
        int ok = 1;
        for (int j = 0; j < n_strata; j++) {
            int c = codes[j][i];
            ok &= valid_code(c, n_levels[j]);
            cell += (c == MR_NA_CODE ? n_levels[j] : c - 1) * stride;
            stride *= n_levels[j] + 1;
        }
        for (int s = 0; s < n_symptoms; s++) ok &= valid_code(symptoms[s][i], 4);
        if (!ok) { first_bad = i; break; }
        for (int s = 0; s < n_symptoms; s++) {
            int c = symptoms[s][i];
            ptrdiff_t k = (cell * n_symptoms + s) * MR_N_CATEGORIES +
                (c == MR_NA_CODE ? 4 : c - 1);
            expected[k] += 1;
            expected_w[k] += weights[i];
            expected_w2[k] += weights[i] * weights[i];
        }
    }
    assert(bad == first_bad);
    if (bad < 0)
        for (ptrdiff_t k = 0; k < size_counts; k++) assert(counts[k] == expected[k]);
    for (ptrdiff_t k = 0; k < block * n_lanes; k++) assert(scratch[k] == 0);

    /* weights: the first bad one, then (when all are good) the weighted pass */
    double max = -1;
    ptrdiff_t bad_weight = mr_weights_max(weights, 0, n, 1, &max), first_bad_weight = -1;
    double plain_max = 0;
    for (ptrdiff_t i = 0; i < n; i++) {
        if (!(weights[i] >= 0 && weights[i] <= 1.7976931348623157e308)) {
            first_bad_weight = i;
            break;
        }
        if (weights[i] > plain_max) plain_max = weights[i];
    }
    assert(bad_weight == first_bad_weight);
    /* (the glue refuses weights whose largest is outside 1e-150 .. 1e154,
     * the range the kernel's scales are made for) */
    if (bad_weight < 0 && (max == 0 || (max >= 1e-150 && max <= 1e154))) {
        assert(max == plain_max);
        int scale = mr_weight_scale(max), scale2 = MR_SQUARE_SCALE(scale);
        double *counts2 = calloc((size_t) size_counts + 1, sizeof(double));
        ptrdiff_t wblock = mr_weighted_block_size(n_cells, n_symptoms);
        mr_wide *wide = calloc((size_t) (MR_WIDE_SUMS * wblock * n_lanes) + 1, sizeof(mr_wide));
        unsigned *wscratch = calloc((size_t) (wblock * n_lanes) + 1, sizeof(unsigned));
        /* by combination of categories when the keys are few, now and then */
        ptrdiff_t n_keys = mr_weighted_combos(n_cells, n_symptoms);
        mr_wide *combos = n_keys && (take_byte(&in) & 1) ?
            calloc((size_t) (MR_WIDE_SUMS * n_lanes * n_keys) + 1, sizeof(mr_wide)) : NULL;
        mr_wide *totals = calloc((size_t) (MR_WIDE_SUMS * size_counts) + 1, sizeof(mr_wide));
        ptrdiff_t bad2 = mr_tabulate_range_weighted(
            &strata, (const int *const *) symptoms, n_symptoms, weights, scale,
            0, n, 1, n_lanes, counts2, n_cells, wscratch, wide, combos,
            totals);
        assert(bad2 == first_bad);
        if (bad2 < 0) {
            for (ptrdiff_t k = 0; k < size_counts; k++) {
                assert(counts2[k] == expected[k]);
                double got = mr_wide_to_double(totals[MR_WIDE_SUMS * k], scale);
                double got2 = mr_wide_to_double(totals[MR_WIDE_SUMS * k + 1], scale2) +
                    mr_wide_to_double(totals[MR_WIDE_SUMS * k + 2],
                                      MR_SQUARE_LOW_SCALE(scale));
                if (dyadic) {
                    /* k / 8 and their squares: every sum exact both ways */
                    assert(got == expected_w[k] && got2 == expected_w2[k]);
                } else {
                    /* the plain loop rounds at each step; the kernel only
                     * truncates each weight below 2^-scale (and so each
                     * square by less than 2 * max * 2^-scale) */
                    assert(fabs(got - expected_w[k]) <=
                           1e-12 * expected_w[k] + n * ldexp(1, -scale));
                    assert(fabs(got2 - expected_w2[k]) <=
                           1e-12 * expected_w2[k] + 2 * n * max * ldexp(1, -scale));
                }
            }
        }
        for (ptrdiff_t k = 0; k < wblock * n_lanes; k++) assert(wscratch[k] == 0);
        if (combos) {
            for (ptrdiff_t k = 0; k < MR_WIDE_SUMS * n_lanes * n_keys; k++)
                assert(mr_wide_to_double(combos[k], 0) == 0);
            free(combos);
        }
        free(counts2); free(wide); free(totals); free(wscratch);
    }
    for (int j = 0; j < 3; j++) free(codes[j]);
    for (int s = 0; s < 6; s++) free(symptoms[s]);
    free(weights); free(counts); free(scratch); free(expected);
    free(expected_w); free(expected_w2);
    return 0;
}
