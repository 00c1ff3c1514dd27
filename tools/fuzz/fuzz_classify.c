/* libFuzzer harness for the classification kernel: any rule, any values,
 * double and integer inputs. Checks that every code is a class or NA, that
 * the loop agrees with the per-pair rule, and that invalid values are
 * reported at the first one. */
#include <assert.h>
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_bytes in = { data, size };
    mr_rule rule = take_rule(&in);
    mr_prepared_rule prepared = mr_prepare_rule(&rule);
    int integers = take_byte(&in) % 4;      /* which inputs are integer */
    ptrdiff_t n = take_byte(&in) % 64;
    double *pre_d = malloc(sizeof(double) * (n + 1)), *post_d = malloc(sizeof(double) * (n + 1));
    int *pre_i = malloc(sizeof(int) * (n + 1)), *post_i = malloc(sizeof(int) * (n + 1));
    int *out = malloc(sizeof(int) * (n + 1));
    for (ptrdiff_t i = 0; i < n; i++) {
        pre_d[i] = take_double(&in); post_d[i] = take_double(&in);
        pre_i[i] = take_int(&in); post_i[i] = take_int(&in);
    }
    mr_column pre = (integers & 1) ? (mr_column) { NULL, pre_i } : (mr_column) { pre_d, NULL };
    mr_column post = (integers & 2) ? (mr_column) { NULL, post_i } : (mr_column) { post_d, NULL };
    mr_bad_value bad;
    mr_classify_range(&prepared, pre, post, 0, n, out, 1, &bad);
    ptrdiff_t first_bad = -1;
    for (ptrdiff_t i = 0; i < n; i++) {
        double p = mr_column_value(pre, i), q = mr_column_value(post, i);
        double tol = mr_pair_tolerance(p, q);
        if (mr_invalid(&prepared, p, tol) || mr_invalid(&prepared, q, tol)) { first_bad = i; break; }
        int code = out[i];
        assert(code == MR_NA_CODE || (code >= MR_ALLEVIATED && code <= MR_ABSENT));
        assert(code == mr_classify_pair(&prepared, p, q));
        assert((code == MR_NA_CODE) == (isnan(p) || isnan(q)));
    }
    assert(bad.index == first_bad);
    free(pre_d); free(post_d); free(pre_i); free(post_i); free(out);
    return 0;
}
