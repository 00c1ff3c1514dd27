/* Reading fuzzer bytes as kernel inputs (shared by the harnesses). */
#ifndef FUZZ_INPUT_H
#define FUZZ_INPUT_H
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include "../../src/kernels.h"

typedef struct { const uint8_t *data; size_t size; } fuzz_bytes;

static uint8_t take_byte(fuzz_bytes *in)
{
    if (!in->size) return 0;
    in->size--;
    return *in->data++;
}

/* A double: mostly from a menu of awkward values (0, Inf, NaN, NA codes,
 * decimals that round badly), sometimes raw bits. */
static double take_double(fuzz_bytes *in)
{
    static const double menu[] = { 0, 1, 2, 3, 4.9, 7, 10, 0.3, 0.1, -1, 1e308,
                                   -1e308, 5e-324, INFINITY, -INFINITY, NAN,
                                   -0.0, 499.5, 500, 2.0999999999999996 };
    uint8_t pick = take_byte(in);
    if (pick < 200) return menu[pick % (sizeof menu / sizeof menu[0])];
    double x = 0;
    uint64_t bits = 0;
    for (int k = 0; k < 8; k++) bits = bits << 8 | take_byte(in);
    memcpy(&x, &bits, sizeof x);
    return x;
}

static int take_int(fuzz_bytes *in)
{
    uint8_t pick = take_byte(in);
    if (pick < 16) return pick - 3;          /* around the codes 1..4 */
    if (pick < 32) return MR_NA_CODE;
    uint32_t bits = 0;
    for (int k = 0; k < 4; k++) bits = bits << 8 | take_byte(in);
    int x;
    memcpy(&x, &bits, sizeof x);
    return x;
}

static mr_rule take_rule(fuzz_bytes *in)
{
    mr_rule rule;
    rule.increase = take_byte(in) & 1;
    rule.combine_any = take_byte(in) & 1;
    rule.min_change = take_double(in);
    rule.min_relative = take_double(in);
    rule.worsen_change = take_double(in);
    rule.worsen_relative = take_double(in);
    rule.absent_at = take_double(in);
    rule.range_lo = take_double(in);
    rule.range_hi = take_double(in);
    return rule;
}
#endif
