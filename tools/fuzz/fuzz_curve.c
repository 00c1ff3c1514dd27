/* libFuzzer harness for the curve kernel: any rule, values and thresholds
 * (finite, >= 0, sorted, as the R wrapper guarantees). Checks the counts
 * against classifying with each threshold put into the rule. */
#include <assert.h>
#include "fuzz_input.h"

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_bytes in = { data, size };
    mr_rule rule = take_rule(&in);
    if (isnan(rule.min_change) && isnan(rule.min_relative)) rule.min_change = 1;
    int vary_relative = take_byte(&in) & 1;
    int n_thr = take_byte(&in) % 12;
    double thresholds[12];
    for (int j = 0; j < n_thr; j++) {
        double t = fabs(take_double(&in));
        thresholds[j] = isfinite(t) ? t : 1;
    }
    qsort(thresholds, (size_t) n_thr, sizeof(double), compare_doubles);
    ptrdiff_t n = take_byte(&in) % 48;
    double *pre = malloc(sizeof(double) * (n + 1)), *post = malloc(sizeof(double) * (n + 1));
    for (ptrdiff_t i = 0; i < n; i++) { pre[i] = take_double(&in); post[i] = take_double(&in); }
    mr_prepared_rule prepared = mr_prepare_rule(&rule);
    mr_column p = { pre, NULL }, q = { post, NULL };
    double bins[13] = { 0 }, alleviated[12], evaluable = 0;
    mr_bad_value bad;
    mr_curve_range(&prepared, vary_relative, p, q, 0, n, thresholds, n_thr, 1,
                   bins, NULL, &evaluable, &bad);
    mr_bad_value first = mr_find_invalid(&prepared, p, q, 0, n);
    assert(bad.index == first.index);
    if (bad.index >= 0) goto done;
    mr_curve_finish(bins, n_thr, alleviated);
    for (int j = 0; j < n_thr; j++) {
        mr_rule varied = rule;
        if (vary_relative) varied.min_relative = thresholds[j];
        else varied.min_change = thresholds[j];
        mr_prepared_rule r = mr_prepare_rule(&varied);
        double count = 0, judged = 0;
        for (ptrdiff_t i = 0; i < n; i++) {
            int code = mr_classify_pair(&r, pre[i], post[i]);
            count += code == MR_ALLEVIATED;
            judged += code != MR_NA_CODE && code != MR_ABSENT;
        }
        assert(alleviated[j] == count);
        assert(evaluable == judged);
    }
done:
    free(pre); free(post);
    return 0;
}
