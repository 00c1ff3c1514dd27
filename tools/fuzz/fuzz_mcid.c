/* libFuzzer harness for the ROC kernel of estimate_mcid(): any changes (no
 * NaN, as the R wrapper guarantees) and classes. Checks the groups, the
 * sweep, the AUC and DeLong's variance against brute force over all
 * patients and pairs, and that bootstrap resamples (with a toy generator)
 * keep their invariants. */
#include <assert.h>
#include "fuzz_input.h"

static uint64_t lcg_state;
static double toy_unif(void)
{
    lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double) (lcg_state >> 11) / 9007199254740992.0;
}
static double toy_binomial(void *s, double size, double prob)
{
    (void) s;
    double x = 0;
    for (double i = 0; i < size; i++) x += toy_unif() < prob;
    return x;
}

/* Group of a change: the last group whose value is <= x. */
static ptrdiff_t group_of_change(const double *value, ptrdiff_t k, double x)
{
    ptrdiff_t g = -1;
    for (ptrdiff_t j = 0; j < k; j++) if (value[j] <= x) g = j;
    return g;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_bytes in = { data, size };
    ptrdiff_t n = take_byte(&in) % 64;
    double change[64];
    int improved[64];
    for (ptrdiff_t i = 0; i < n; i++) {
        double x = take_double(&in);
        change[i] = isnan(x) ? 0 : x;
        improved[i] = take_byte(&in) & 1;
    }
    uint64_t keys[64], buffer[64];
    double value[64], n1[64], n0[64], sens[64], spec[64];
    ptrdiff_t k = mr_roc_group(change, improved, n, keys, buffer, value, n1, n0);
    assert(k >= (n > 0) && k <= n);

    /* groups ascending; every change in exactly the group the rule says */
    double t1 = 0, t0 = 0, c1[64] = { 0 }, c0[64] = { 0 };
    for (ptrdiff_t j = 1; j < k; j++) assert(value[j - 1] < value[j]);
    for (ptrdiff_t i = 0; i < n; i++) {
        ptrdiff_t g = group_of_change(value, k, change[i]);
        assert(g >= 0);
        double first = value[g], x = change[i];
        double m = fmax(fabs(first), fabs(x));
        assert(x == first || (isfinite(x) && isfinite(first) && x - first <= MR_TOL * m));
        if (improved[i]) { c1[g]++; t1++; } else { c0[g]++; t0++; }
    }
    for (ptrdiff_t j = 0; j < k; j++) {
        assert(c1[j] == n1[j] && c0[j] == n0[j]);
        assert(n1[j] + n0[j] > 0);
    }

    mr_roc_result res;
    mr_roc_sweep(n1, n0, k, sens, spec, &res);
    assert(res.n_improved == t1 && res.n_other == t0);
    double best_score = -1;
    ptrdiff_t best = -1;
    for (ptrdiff_t j = 0; j < k; j++) {
        double tp = 0, tn = 0;
        for (ptrdiff_t i = 0; i < n; i++) {
            if (improved[i]) tp += change[i] >= value[j];
            else tn += change[i] < value[j];
        }
        if (t1 > 0) assert(sens[j] == tp / t1);
        if (t0 > 0) assert(spec[j] == tn / t0);
        double score = tp * t0 + tn * t1;
        if (t1 > 0 && t0 > 0 && score > best_score) {
            best_score = score;
            best = j;
        }
    }
    assert(res.best == best);
    if (t1 > 0 && t0 > 0) {
        /* Mann-Whitney and DeLong over all pairs; ties are one group */
        double v10[64] = { 0 }, v01[64] = { 0 }, sum = 0;
        for (ptrdiff_t i = 0; i < n; i++) {
            if (!improved[i]) continue;
            for (ptrdiff_t j = 0; j < n; j++) {
                if (improved[j]) continue;
                ptrdiff_t gi = group_of_change(value, k, change[i]);
                ptrdiff_t gj = group_of_change(value, k, change[j]);
                double psi = gi > gj ? 1 : gi == gj ? 0.5 : 0;
                v10[i] += psi / t0;
                v01[j] += psi / t1;
                sum += psi;
            }
        }
        double auc = sum / (t1 * t0);
        assert(fabs(res.auc - auc) <= 1e-12);
        if (t1 > 1 && t0 > 1) {
            double s10 = 0, s01 = 0;
            for (ptrdiff_t i = 0; i < n; i++) {
                if (improved[i]) s10 += (v10[i] - auc) * (v10[i] - auc);
                else s01 += (v01[i] - auc) * (v01[i] - auc);
            }
            double var = s10 / (t1 - 1) / t1 + s01 / (t0 - 1) / t0;
            assert(fabs(res.auc_var - var) <= 1e-12 * (1 + var));
        } else {
            assert(isnan(res.auc_var));
        }
    } else {
        assert(isnan(res.auc) && res.best == -1);
    }

    /* resamples, both ways, whole or stratified: per class the drawn
     * patients add up to what was drawn; a group's value or NaN; scratch
     * left zeroed */
    if (n > 0) {
        lcg_state = (uint64_t) n * 2654435761u + (uint64_t) k;
        mr_rng rng = { toy_binomial, NULL };
        mr_xoshiro g;
        mr_xoshiro_stream(&g, lcg_state, (uint64_t) k);
        uint32_t counts[128] = { 0 }, size[128];
        uint32_t layout[64];
        for (ptrdiff_t j = 0; j < k; j++) {
            size[2 * j] = (uint32_t) n0[j];
            size[2 * j + 1] = (uint32_t) n1[j];
        }
        unsigned char draws[64 + 8] = { 0 };
        mr_roc_boot_layout(n1, n0, k, layout);
        for (int way = 0; way < 4; way++) {
            int stratified = way >= 2;
            for (int b = 0; b < 3; b++) {
                if (way % 2) {
                    /* a spill at 2 draws exercises the spilling */
                    mr_roc_draw_patients(size, k, n, (ptrdiff_t) t1, stratified,
                                         layout, 1 + (unsigned) (b % 2), draws,
                                         &g, counts);
                } else {
                    mr_roc_draw_cells(n1, n0, k, stratified, rng, counts);
                }
                double d1 = 0, d0 = 0;
                for (ptrdiff_t j = 0; j < k; j++) {
                    assert(counts[2 * j] >= 0 && counts[2 * j + 1] >= 0);
                    if (n1[j] == 0) assert(counts[2 * j + 1] == 0);
                    if (n0[j] == 0) assert(counts[2 * j] == 0);
                    d1 += counts[2 * j + 1];
                    d0 += counts[2 * j];
                }
                assert(d1 + d0 == (double) n);
                if (stratified) assert(d1 == t1 && d0 == t0);
                mr_roc_options opt = { b % 3, 1.0 + b, b % 2, 1 };
                mr_roc_boot_stats st;
                mr_roc_stats(value, k, counts, &opt, &st);
                double c = st.cutoff;
                if (!isnan(c)) assert(group_of_change(value, k, c) >= 0 &&
                                      value[group_of_change(value, k, c)] == c);
                for (ptrdiff_t j = 0; j < 2 * k; j++) assert(counts[j] == 0);
                for (ptrdiff_t i = 0; i < n; i++) assert(draws[i] == 0);
            }
        }
    }
    return 0;
}
