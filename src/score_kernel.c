/* Kernel: the statistics of score_change() per cell. Rows are bucketed by
 * cell with a counting sort (count, then scatter the pairs with both values
 * into contiguous slices), then each slice is summarised: moments in long
 * double (two passes, as R's mean() and var()), quartiles by selection
 * (quickselect, no full sort), and the Wilcoxon signed-rank statistic from
 * the sorted magnitudes of the positive and negative changes (a radix sort
 * on the doubles' bits). */
#include <string.h>
#include "kernels.h"

ptrdiff_t mr_score_count(mr_column pre, mr_column post, const int *cell,
                         int n_cells, ptrdiff_t from, ptrdiff_t to, double lo,
                         double hi, double *counts, int *which)
{
    for (ptrdiff_t i = from; i < to; i++) {
        int c = 0;
        if (cell) {
            c = cell[i];
            if (c == MR_NA_CODE) continue;
            if (c < 0 || c >= n_cells) {
                *which = 2;
                return i;
            }
        }
        double a = mr_column_value(pre, i), b = mr_column_value(post, i);
        if (!isnan(a) && (a < lo || a > hi)) {
            *which = 0;
            return i;
        }
        if (!isnan(b) && (b < lo || b > hi)) {
            *which = 1;
            return i;
        }
        double *k = counts + (ptrdiff_t) c * 3;
        if (isnan(a) || isnan(b)) k[1] += 1;
        else if (isinf(a) || isinf(b)) k[2] += 1;
        else k[0] += 1;
    }
    return -1;
}

void mr_score_scatter(mr_column pre, mr_column post, const int *cell,
                      ptrdiff_t from, ptrdiff_t to, ptrdiff_t *next,
                      double *x0, double *x1)
{
    for (ptrdiff_t i = from; i < to; i++) {
        int c = 0;
        if (cell) {
            c = cell[i];
            if (c == MR_NA_CODE) continue;
        }
        double a = mr_column_value(pre, i), b = mr_column_value(post, i);
        if (!isfinite(a) || !isfinite(b)) continue;
        ptrdiff_t at = next[c]++;
        x0[at] = a;
        x1[at] = b;
    }
}

/* ---- selection ---------------------------------------------------------- */

static inline void swap_d(double *a, double *b)
{
    double t = *a;
    *a = *b;
    *b = t;
}

/* Rearrange x[0, m) so that x[k] is the k-th smallest, smaller or equal
 * values before it, greater or equal after (Hoare partition around a
 * median of three, which keeps runs of equal values balanced). */
static void select_k(double *x, ptrdiff_t m, ptrdiff_t k)
{
    ptrdiff_t lo = 0, hi = m - 1;
    while (hi > lo) {
        if (hi - lo < 16) {               /* insertion sort of the rest */
            for (ptrdiff_t i = lo + 1; i <= hi; i++) {
                double v = x[i];
                ptrdiff_t j = i - 1;
                while (j >= lo && x[j] > v) {
                    x[j + 1] = x[j];
                    j--;
                }
                x[j + 1] = v;
            }
            return;
        }
        ptrdiff_t mid = lo + (hi - lo) / 2;
        if (x[mid] < x[lo]) swap_d(x + mid, x + lo);
        if (x[hi] < x[lo]) swap_d(x + hi, x + lo);
        if (x[hi] < x[mid]) swap_d(x + hi, x + mid);
        double pivot = x[mid];
        ptrdiff_t i = lo - 1, j = hi + 1;
        for (;;) {
            do i++; while (x[i] < pivot);
            do j--; while (x[j] > pivot);
            if (i >= j) break;
            swap_d(x + i, x + j);
        }
        /* x[lo..j] <= pivot <= x[j+1..hi] */
        if (k <= j) hi = j;
        else lo = j + 1;
    }
}

static double min_of(const double *x, ptrdiff_t m)
{
    double v = x[0];
    for (ptrdiff_t i = 1; i < m; i++) if (x[i] < v) v = x[i];
    return v;
}

/* quantile(type = 7) at probability p from the order statistics at
 * 0-based positions j and j + 1, as R computes it. */
static double type7(double x_lo, double x_hi, double index, ptrdiff_t j)
{
    double h = index - (double) j;
    if (h > 0 && x_hi != x_lo) return (1 - h) * x_lo + h * x_hi;
    return x_lo;
}

/* Median, Q1, Q3 of x[0, m) (m >= 1), rearranging x: one selection for the
 * median, then the quartiles within the halves it leaves. */
static void quartiles(double *x, ptrdiff_t m, double *out)
{
    const double probs[3] = { 0.5, 0.25, 0.75 };
    ptrdiff_t pos[3];
    double index[3];
    for (int q = 0; q < 3; q++) {
        index[q] = (double) (m - 1) * probs[q];
        pos[q] = (ptrdiff_t) floor(index[q]);
    }
    ptrdiff_t km = pos[0];
    select_k(x, m, km);
    /* x[0..km) <= x[km] <= x[km+1..m) */
    double med_lo = x[km];
    double med_hi = km + 1 < m ? min_of(x + km + 1, m - km - 1) : med_lo;
    out[0] = type7(med_lo, med_hi, index[0], km);
    /* Q1 in the lower part */
    ptrdiff_t k1 = pos[1];
    double q1_lo, q1_hi;
    if (k1 == km) {
        q1_lo = med_lo;
        q1_hi = med_hi;
    } else {
        select_k(x, km, k1);
        q1_lo = x[k1];
        q1_hi = k1 + 1 < km ? min_of(x + k1 + 1, km - k1 - 1) : med_lo;
    }
    out[1] = type7(q1_lo, q1_hi, index[1], k1);
    /* Q3 in the upper part */
    ptrdiff_t k3 = pos[2];
    double q3_lo, q3_hi;
    if (k3 == km) {
        q3_lo = med_lo;
        q3_hi = med_hi;
    } else {
        double *upper = x + km + 1;
        ptrdiff_t mu = m - km - 1, ku = k3 - km - 1;
        select_k(upper, mu, ku);
        q3_lo = upper[ku];
        q3_hi = ku + 1 < mu ? min_of(upper + ku + 1, mu - ku - 1) : q3_lo;
    }
    out[2] = type7(q3_lo, q3_hi, index[2], k3);
}

/* The order-preserving unsigned key of a double (finite or not). */
static inline uint64_t key_of(double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return (u >> 63) ? ~u : u | ((uint64_t) 1 << 63);
}

/* Radix selection of quartiles without rearranging the data: a histogram
 * of the top 16 bits of the keys (filled by the caller's first pass) finds
 * the buckets holding the six order statistics type 7 needs; the caller's
 * second pass notes whether each of those buckets holds a single value
 * (then it is the statistic), and only if not, a third pass gathers the
 * buckets' values (the map sends a bucket to its slot, -1 for the
 * others), and each statistic is selected within its bucket. */

static void plan_quartiles(mr_quartile_plan *plan, ptrdiff_t *hist, ptrdiff_t m,
                           double *gather)
{
    const double probs[3] = { 0.25, 0.5, 0.75 };
    ptrdiff_t bucket[6], *slot_bucket = plan->slot_bucket;
    for (int q = 0; q < 3; q++) {
        plan->index[q] = (double) (m - 1) * probs[q];
        plan->rank[2 * q] = (ptrdiff_t) floor(plan->index[q]);
        plan->rank[2 * q + 1] = plan->rank[2 * q] + 1 < m ? plan->rank[2 * q] + 1
                                                          : plan->rank[2 * q];
    }
    for (int r = 0; r < 6; r++) {
        ptrdiff_t cum = 0, b = 0;
        while (cum + hist[b] <= plan->rank[r]) cum += hist[b++];
        bucket[r] = b;
        plan->below[r] = cum;
    }
    plan->n_slots = 0;
    ptrdiff_t offset = 0;
    for (int r = 0; r < 6; r++) {
        int s = -1;
        for (int k = 0; k < plan->n_slots; k++) if (slot_bucket[k] == bucket[r]) s = k;
        if (s < 0) {
            s = plan->n_slots++;
            slot_bucket[s] = bucket[r];
            plan->slot_size[s] = hist[bucket[r]];
            plan->slot_start[s] = plan->next[s] = offset;
            plan->seen[s] = plan->differs[s] = 0;
            offset += plan->slot_size[s];
        }
        plan->slot_of[r] = s;
    }
    for (ptrdiff_t b = 0; b < MR_SCORE_BUCKETS; b++) hist[b] = -1;
    for (int k = 0; k < plan->n_slots; k++) hist[slot_bucket[k]] = k;
    plan->map = hist;
    plan->gather = gather;
}

/* The second pass only notes whether a slot holds one value (the usual
 * case for scores on a few points: then nothing needs gathering). */
static inline void note_value(mr_quartile_plan *plan, double v)
{
    ptrdiff_t k = plan->map[key_of(v) >> 48];
    if (k >= 0) {
        if (!plan->seen[k]) {
            plan->seen[k] = 1;
            plan->first[k] = v;
        } else if (v != plan->first[k]) {
            plan->differs[k] = 1;
        }
    }
}

/* Whether a third pass must gather values; the map then keeps only the
 * slots that hold several values. */
static int needs_gather(mr_quartile_plan *plan)
{
    int any = 0;
    for (int k = 0; k < plan->n_slots; k++) {
        if (plan->differs[k]) any = 1;
        else plan->map[plan->slot_bucket[k]] = -1;
    }
    return any;
}

static inline void gather_value(mr_quartile_plan *plan, double v)
{
    ptrdiff_t k = plan->map[key_of(v) >> 48];
    if (k >= 0) plan->gather[plan->next[k]++] = v;
}

/* out: median, Q1, Q3 */
static void finish_quartiles(mr_quartile_plan *plan, double *out)
{
    double value[6];
    for (int r = 0; r < 6; r++) {
        int k = plan->slot_of[r];
        if (!plan->differs[k]) {
            value[r] = plan->first[k];
            continue;
        }
        double *region = plan->gather + plan->slot_start[k];
        ptrdiff_t size = plan->slot_size[k], local = plan->rank[r] - plan->below[r];
        select_k(region, size, local);
        value[r] = region[local];
    }
    out[0] = type7(value[2], value[3], plan->index[1], plan->rank[2]);
    out[1] = type7(value[0], value[1], plan->index[0], plan->rank[0]);
    out[2] = type7(value[4], value[5], plan->index[2], plan->rank[4]);
}

/* ---- sorting of positive doubles ---------------------------------------- */

static void insertion_sort(double *x, ptrdiff_t m)
{
    for (ptrdiff_t i = 1; i < m; i++) {
        double v = x[i];
        ptrdiff_t j = i - 1;
        while (j >= 0 && x[j] > v) {
            x[j + 1] = x[j];
            j--;
        }
        x[j + 1] = v;
    }
}

/* Ascending sort of m positive finite doubles, whose bit patterns order as
 * unsigned integers: an LSD radix sort by bytes through tmp (m doubles),
 * skipping the bytes all values share. */
static void sort_positive(double *x, ptrdiff_t m, double *tmp)
{
    if (m < 64) {
        insertion_sort(x, m);
        return;
    }
    double *src = x, *dst = tmp;
    /* the counts of every byte in one read */
    static const int n_bytes = 8;
    ptrdiff_t count[8][256];
    memset(count, 0, sizeof(count));
    for (ptrdiff_t i = 0; i < m; i++) {
        uint64_t u;
        memcpy(&u, src + i, sizeof u);
        for (int byte = 0; byte < n_bytes; byte++)
            count[byte][(u >> (8 * byte)) & 0xFF]++;
    }
    for (int byte = 0; byte < n_bytes; byte++) {
        int shift = byte * 8;
        ptrdiff_t *c = count[byte];
        int trivial = 0;
        for (int b = 0; b < 256; b++) if (c[b] == m) trivial = 1;
        if (trivial) continue;
        ptrdiff_t at = 0;
        for (int b = 0; b < 256; b++) {
            ptrdiff_t k = c[b];
            c[b] = at;
            at += k;
        }
        for (ptrdiff_t i = 0; i < m; i++) {
            uint64_t u;
            memcpy(&u, src + i, sizeof u);
            dst[c[(u >> shift) & 0xFF]++] = src[i];
        }
        double *t = src;
        src = dst;
        dst = t;
    }
    if (src != x) memcpy(x, src, (size_t) m * sizeof(double));
}

/* The signed-rank statistic of the m changes in change[] (finite,
 * rearranged): V = the sum of the ranks of |change| (ties averaged) of the
 * positive changes, zeros dropped; out[0..4] = V, nonzero count, ties
 * (0/1), zeros (0/1), sum over tied groups of t^3 - t. */
static void signed_rank(double *change, ptrdiff_t m, double *tmp, double *out)
{
    /* positives to the front, |negatives| to the back, zeros dropped */
    ptrdiff_t n_pos = 0, n_neg = 0;
    int zeros = 0;
    for (ptrdiff_t i = 0; i < m; i++) {
        double d = change[i];
        if (d > 0) change[n_pos++] = d;
        else if (d < 0) tmp[n_neg++] = -d;
        else zeros = 1;
    }
    double *neg = change + n_pos;
    memcpy(neg, tmp, (size_t) n_neg * sizeof(double));
    sort_positive(change, n_pos, tmp);
    sort_positive(neg, n_neg, tmp);
    double v = 0, tie_sum = 0;
    int ties = 0;
    ptrdiff_t i = 0, j = 0, rank = 0;   /* ranks 1..rank used so far */
    while (i < n_pos || j < n_neg) {
        double value = i < n_pos && (j >= n_neg || change[i] <= neg[j])
            ? change[i] : neg[j];
        ptrdiff_t cp = 0, cn = 0;
        while (i < n_pos && change[i] == value) { i++; cp++; }
        while (j < n_neg && neg[j] == value) { j++; cn++; }
        double t = (double) (cp + cn);
        double average = (double) rank + (t + 1) / 2;
        v += (double) cp * average;
        if (t > 1) {
            ties = 1;
            tie_sum += t * t * t - t;
        }
        rank += cp + cn;
    }
    out[0] = v;
    out[1] = (double) (n_pos + n_neg);
    out[2] = ties;
    out[3] = zeros;
    out[4] = tie_sum;
}

/* ---- one cell ----------------------------------------------------------- */

/* Means and SDs in two passes: the sums give provisional means, then the
 * deviations from them give each mean's correction (as R's mean() refines
 * its sum) and the sum of squares about it. The first pass also counts,
 * checks the range and fills the quartile histograms; the second notes the
 * quartile buckets' values and (with ranks) writes the changes; a third,
 * only when a quartile bucket holds several values, gathers them. Each
 * pass may be run over consecutive chunks of the rows. */
void mr_score_start(mr_score_state *st, int increase, int quartiles_too,
                    double lo, double hi, const mr_score_scratch *scratch,
                    int ranks)
{
    memset(st, 0, sizeof *st);
    st->increase = increase;
    st->quartiles_too = quartiles_too;
    st->lo = lo;
    st->hi = hi;
    st->scratch = scratch;
    st->ranks = ranks;
    if (quartiles_too)
        memset(scratch->hist, 0, 2 * MR_SCORE_BUCKETS * sizeof(ptrdiff_t));
}

ptrdiff_t mr_score_first(mr_score_state *st, mr_column pre, mr_column post,
                         ptrdiff_t from, ptrdiff_t to, int *which)
{
    ptrdiff_t *h0 = st->scratch->hist, *h1 = st->scratch->hist + MR_SCORE_BUCKETS;
    const double lo = st->lo, hi = st->hi;
    const int quartiles_too = st->quartiles_too;
    double s0 = st->s0, s1 = st->s1;
    ptrdiff_t used = st->used, missing = st->missing, infinite = st->infinite;
    ptrdiff_t bad = -1;
    for (ptrdiff_t i = from; i < to; i++) {
        double a = mr_column_value(pre, i), b = mr_column_value(post, i);
        if (!(isfinite(a) && isfinite(b))) {
            if (isnan(a) || isnan(b)) missing++;
            else infinite++;
            if ((!isnan(a) && (a < lo || a > hi)) || (!isnan(b) && (b < lo || b > hi))) {
                *which = !isnan(a) && (a < lo || a > hi) ? 0 : 1;
                bad = i;
                break;
            }
            continue;
        }
        if (a < lo || a > hi || b < lo || b > hi) {
            *which = a < lo || a > hi ? 0 : 1;
            bad = i;
            break;
        }
        used++;
        s0 += a;
        s1 += b;
        if (quartiles_too) {
            h0[key_of(a) >> 48]++;
            h1[key_of(b) >> 48]++;
        }
    }
    st->s0 = s0;
    st->s1 = s1;
    st->used = used;
    st->missing = missing;
    st->infinite = infinite;
    return bad;
}

void mr_score_plan(mr_score_state *st)
{
    ptrdiff_t m = st->used;
    if (m == 0) return;
    double n = (double) m;
    st->m0 = st->s0 / n;
    st->m1 = st->s1 / n;
    st->mc = st->increase ? st->m1 - st->m0 : st->m0 - st->m1;
    if (st->quartiles_too) {
        plan_quartiles(&st->p0, st->scratch->hist, m, st->scratch->gather);
        plan_quartiles(&st->p1, st->scratch->hist + MR_SCORE_BUCKETS, m,
                       st->scratch->gather + m);
    }
}

void mr_score_second(mr_score_state *st, mr_column pre, mr_column post,
                     ptrdiff_t from, ptrdiff_t to)
{
    if (st->used == 0) return;
    const double m0 = st->m0, m1 = st->m1, mc = st->mc;
    const int increase = st->increase, quartiles_too = st->quartiles_too;
    double t0 = st->t0, t1 = st->t1, tc = st->tc;
    double q0 = st->q0, q1 = st->q1, qc = st->qc;
    double *change = st->ranks ? st->scratch->change : NULL;
    ptrdiff_t k = st->n_change;
    for (ptrdiff_t i = from; i < to; i++) {
        double a = mr_column_value(pre, i), b = mr_column_value(post, i);
        if (!(isfinite(a) && isfinite(b))) continue;
        double c = increase ? b - a : a - b;
        double d0 = a - m0, d1 = b - m1, dc = c - mc;
        t0 += d0;
        t1 += d1;
        tc += dc;
        q0 += d0 * d0;
        q1 += d1 * d1;
        qc += dc * dc;
        if (change) change[k++] = c;
        if (quartiles_too) {
            note_value(&st->p0, a);
            note_value(&st->p1, b);
        }
    }
    st->t0 = t0;
    st->t1 = t1;
    st->tc = tc;
    st->q0 = q0;
    st->q1 = q1;
    st->qc = qc;
    st->n_change = k;
}

int mr_score_third_needed(mr_score_state *st)
{
    if (st->used == 0 || !st->quartiles_too) return 0;
    st->g0 = needs_gather(&st->p0);
    st->g1 = needs_gather(&st->p1);
    return st->g0 || st->g1;
}

void mr_score_third(mr_score_state *st, mr_column pre, mr_column post,
                    ptrdiff_t from, ptrdiff_t to)
{
    for (ptrdiff_t i = from; i < to; i++) {
        double a = mr_column_value(pre, i), b = mr_column_value(post, i);
        if (!(isfinite(a) && isfinite(b))) continue;
        if (st->g0) gather_value(&st->p0, a);
        if (st->g1) gather_value(&st->p1, b);
    }
}

void mr_score_finish(mr_score_state *st, double *own_pre, double *own_post,
                     double *out)
{
    for (int k = 3; k < MR_SCORE_STATS; k++) out[k] = NAN;
    out[16] = out[17] = out[18] = out[19] = 0;   /* no signed ranks */
    ptrdiff_t m = st->used;
    out[0] = (double) m;
    out[1] = (double) st->missing;
    out[2] = (double) st->infinite;
    if (m == 0) return;
    double n = (double) m;
    out[3] = st->m0 + st->t0 / n;
    out[4] = m > 1 ? sqrt(fmax(st->q0 - st->t0 * st->t0 / n, 0) / (n - 1)) : NAN;
    out[8] = st->m1 + st->t1 / n;
    out[9] = m > 1 ? sqrt(fmax(st->q1 - st->t1 * st->t1 / n, 0) / (n - 1)) : NAN;
    out[13] = st->mc + st->tc / n;
    out[14] = m > 1 ? sqrt(fmax(st->qc - st->tc * st->tc / n, 0) / (n - 1)) : NAN;
    if (st->quartiles_too) {
        finish_quartiles(&st->p0, out + 5);
        finish_quartiles(&st->p1, out + 10);
    } else if (own_pre && own_post) {
        quartiles(own_pre, m, out + 5);
        quartiles(own_post, m, out + 10);
    }
    if (st->ranks) signed_rank(st->scratch->change, m, st->scratch->tmp, out + 15);
}
