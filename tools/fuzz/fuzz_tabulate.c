/* libFuzzer harness for the tabulation kernel: random strata, levels and
 * codes, valid or not, one or several lanes. Checks that valid input is
 * counted completely and into the right cells (against a plain loop), and
 * that invalid input is reported at its first row. */
#include <assert.h>
#include "fuzz_input.h"

static int valid_code(int code, int n_levels)
{
    return code == MR_NA_CODE || (code >= 1 && code <= n_levels);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_bytes in = { data, size };
    int n_strata = take_byte(&in) % 4, n_symptoms = take_byte(&in) % 4;
    int n_levels[3];
    ptrdiff_t n_cells = 1;
    for (int j = 0; j < n_strata; j++) {
        n_levels[j] = take_byte(&in) % 5;
        n_cells *= n_levels[j] + 1;
    }
    int n_lanes = (take_byte(&in) & 1) ? 4 : 1;
    ptrdiff_t n = take_byte(&in) % 200;
    int *codes[3], *symptoms[3], *any = malloc(sizeof(int) * (n + 1));
    for (int j = 0; j < 3; j++) {
        codes[j] = malloc(sizeof(int) * (n + 1));
        symptoms[j] = malloc(sizeof(int) * (n + 1));
    }
    int mostly_valid = take_byte(&in) & 1;
    for (ptrdiff_t i = 0; i < n; i++) {
        for (int j = 0; j < n_strata; j++) {
            int c = take_int(&in);
            codes[j][i] = mostly_valid && !valid_code(c, n_levels[j]) ? MR_NA_CODE : c;
        }
        for (int s = 0; s < n_symptoms; s++) {
            int c = take_int(&in);
            symptoms[s][i] = mostly_valid && !valid_code(c, 4) ? 1 + (i % 4) : c;
        }
        int a = take_int(&in);
        any[i] = mostly_valid && a != 0 && a != 1 && a != MR_NA_CODE ? 0 : a;
    }
    ptrdiff_t size_counts = mr_tabulate_block_size(n_cells, n_symptoms);
    double *counts = calloc((size_t) size_counts + 1, sizeof(double));
    unsigned *scratch = calloc((size_t) size_counts * n_lanes + 1, sizeof(unsigned));
    mr_strata strata = { n_strata, (const int *const *) codes, n_levels };
    ptrdiff_t bad = mr_tabulate_range(&strata, (const int *const *) symptoms,
                                      n_symptoms, any, 0, n, 1, n_lanes,
                                      counts, n_cells, scratch);
    /* The plain loop: first invalid row, and counts of the valid ones. */
    ptrdiff_t first_bad = -1;
    double *expected = calloc((size_t) size_counts + 1, sizeof(double));
    for (ptrdiff_t i = 0; i < n && first_bad < 0; i++) {
        ptrdiff_t cell = 0, stride = 1;
        int ok = any[i] == 0 || any[i] == 1 || any[i] == MR_NA_CODE;
        for (int j = 0; j < n_strata; j++) {
            int c = codes[j][i];
            ok &= valid_code(c, n_levels[j]);
            cell += (c == MR_NA_CODE ? n_levels[j] : c - 1) * stride;
            stride *= n_levels[j] + 1;
        }
        for (int s = 0; s < n_symptoms; s++) ok &= valid_code(symptoms[s][i], 4);
        if (!ok) { first_bad = i; break; }
        double *row = expected + cell * (n_symptoms + 1) * MR_N_CATEGORIES;
        for (int s = 0; s < n_symptoms; s++) {
            int c = symptoms[s][i];
            row[s * MR_N_CATEGORIES + (c == MR_NA_CODE ? 4 : c - 1)] += 1;
        }
        row[n_symptoms * MR_N_CATEGORIES + (any[i] == 1 ? 0 : any[i] == 0 ? 1 : 4)] += 1;
    }
    assert(bad == first_bad);
    if (bad < 0)
        for (ptrdiff_t k = 0; k < size_counts; k++) assert(counts[k] == expected[k]);
    for (ptrdiff_t k = 0; k < size_counts * n_lanes; k++) assert(scratch[k] == 0);
    for (int j = 0; j < 3; j++) { free(codes[j]); free(symptoms[j]); }
    free(any); free(counts); free(scratch); free(expected);
    return 0;
}
