/* Kernel: durability of alleviation over visits, for durability(). See
 * kernels.h for the layout and ?durability for the rules. */
#include "kernels.h"

/* Visit states of the transition table. */
enum { ST_ALLEVIATED = 0, ST_NOT = 1, ST_MISSING = 2 };

ptrdiff_t mr_visits_index(const int *patient, const int *visit,
                          ptrdiff_t n_rows, ptrdiff_t n_patients,
                          int n_visits, ptrdiff_t *index, int *duplicate)
{
    ptrdiff_t cells = n_patients * (ptrdiff_t) n_visits;
    for (ptrdiff_t k = 0; k < cells; k++) index[k] = -1;
    *duplicate = 0;
    for (ptrdiff_t i = 0; i < n_rows; i++) {
        int p = patient[i], v = visit[i];
        if (p < 1 || p > n_patients || v < 1 || v > n_visits) return i;
        ptrdiff_t cell = (ptrdiff_t) (p - 1) * n_visits + (v - 1);
        if (index[cell] >= 0) { *duplicate = 1; return i; }
        index[cell] = i;
    }
    return -1;
}

int mr_durability_range(const int *codes, const ptrdiff_t *index,
                        ptrdiff_t n_patients, int n_visits, ptrdiff_t from,
                        ptrdiff_t to, const mr_durability_out *out,
                        int *visit_state, double *states,
                        double *transitions)
{
    for (ptrdiff_t p = from; p < to; p++) {
        int first = MR_NA_CODE, n_alleviated = 0, n_judged = 0;
        int absent = 0, relapsed = 0, judged_after = 0;
        for (int v = 0; v < n_visits; v++) {
            ptrdiff_t row = index ? index[p * n_visits + v]
                                  : (ptrdiff_t) v * n_patients + p;
            int code = row >= 0 ? codes[row] : MR_NA_CODE;
            int state = ST_MISSING, column = 3;
            if (code == MR_ALLEVIATED) {
                state = ST_ALLEVIATED;
                column = 0;
                n_alleviated++;
                n_judged++;
                if (first == MR_NA_CODE) first = v + 1;
                else judged_after = 1;
            } else if (code == MR_UNCHANGED || code == MR_WORSENED) {
                state = ST_NOT;
                column = 1;
                n_judged++;
                if (first != MR_NA_CODE) { relapsed = 1; judged_after = 1; }
            } else if (code == MR_ABSENT) {
                column = 2;
                absent = 1;
            } else if (code != MR_NA_CODE) {
                return 1;            /* not a class code */
            }
            states[(ptrdiff_t) v * 4 + column] += 1;
            visit_state[v] = state;
        }
        /* Patients without the symptom at baseline have no course. */
        if (!absent) {
            for (int v = 0; v + 1 < n_visits; v++) {
                transitions[(ptrdiff_t) v * 9 + visit_state[v] * 3 +
                            visit_state[v + 1]] += 1;
            }
        }
        int course;
        if (absent) course = MR_COURSE_ABSENT;
        else if (n_judged == 0) course = MR_COURSE_NOT_JUDGED;
        else if (first == MR_NA_CODE) course = MR_COURSE_NEVER;
        else if (relapsed) course = MR_COURSE_RELAPSED;
        else if (judged_after) course = MR_COURSE_SUSTAINED;
        else course = MR_COURSE_UNKNOWN;
        out->first[p] = first;
        out->n_alleviated[p] = n_alleviated;
        out->n_judged[p] = n_judged;
        out->course[p] = course;
        out->sustained[p] = course == MR_COURSE_SUSTAINED ? 1 :
            (course == MR_COURSE_RELAPSED || course == MR_COURSE_NEVER) ? 0 :
            MR_NA_CODE;
        out->relapsed[p] = course == MR_COURSE_RELAPSED ? 1 :
            (course == MR_COURSE_SUSTAINED || course == MR_COURSE_NEVER ||
             course == MR_COURSE_UNKNOWN) ? 0 : MR_NA_CODE;
    }
    return 0;
}

void mr_durability_patterns(int n_visits, mr_course *table)
{
    static const int code_of_digit[4] = { MR_ALLEVIATED, MR_UNCHANGED,
                                          MR_ABSENT, MR_NA_CODE };
    int codes[MR_PATTERN_VISITS], visit_state[MR_PATTERN_VISITS];
    double states[MR_PATTERN_VISITS * 4], transitions[MR_PATTERN_VISITS * 9];
    ptrdiff_t n_patterns = (ptrdiff_t) 1 << (2 * n_visits);
    for (ptrdiff_t k = 0; k < n_patterns; k++) {
        for (int v = 0; v < n_visits; v++)
            codes[v] = code_of_digit[(k >> (2 * v)) & 3];
        mr_course *c = table + k;
        mr_durability_out one = { &c->first, &c->n_alleviated, &c->n_judged,
                                  &c->course, &c->sustained, &c->relapsed };
        /* one patient, so row v * 1 + 0 of codes is visit v */
        mr_durability_range(codes, NULL, 1, n_visits, 0, 1, &one, visit_state,
                            states, transitions);
    }
}

/* A class code as a pattern digit (see kernels.h): 1 -> 0, 2 and 3 -> 1,
 * 4 -> 2, anything else 3, and *bad set unless that was MR_NA_CODE. */
static inline unsigned pattern_digit(int code, int *bad)
{
    unsigned u = (unsigned) code - 1u;
    *bad |= u > 3u && code != MR_NA_CODE;
    return u <= 3u ? (0x2110u >> (4u * u)) & 15u : 3u;
}

/* The patients of [from, to) in the layout of classify_visits() (visit v
 * of patient p at row v * n_patients + p), n_visits a constant where the
 * caller makes it one, so that the loop over visits unrolls. */
static inline int pattern_rows(const int *codes, ptrdiff_t n_patients,
                               int n_visits, ptrdiff_t from, ptrdiff_t to,
                               const mr_course *table,
                               const mr_durability_out *out,
                               double *pattern_counts)
{
    int bad = 0;
    int *restrict first = out->first, *restrict n_alleviated = out->n_alleviated;
    int *restrict n_judged = out->n_judged, *restrict course = out->course;
    int *restrict sustained = out->sustained, *restrict relapsed = out->relapsed;
    for (ptrdiff_t p = from; p < to; p++) {
        unsigned pattern = 0;
        for (int v = 0; v < n_visits; v++)
            pattern |= pattern_digit(codes[(ptrdiff_t) v * n_patients + p],
                                     &bad) << (2 * v);
        const mr_course *c = table + pattern;
        first[p] = c->first;
        n_alleviated[p] = c->n_alleviated;
        n_judged[p] = c->n_judged;
        course[p] = c->course;
        sustained[p] = c->sustained;
        relapsed[p] = c->relapsed;
        pattern_counts[pattern] += 1;
    }
    return bad;
}

int mr_durability_pattern_range(const int *codes, const ptrdiff_t *index,
                                ptrdiff_t n_patients, int n_visits,
                                ptrdiff_t from, ptrdiff_t to,
                                const mr_course *table,
                                const mr_durability_out *out,
                                double *pattern_counts)
{
    if (!index) {
        switch (n_visits) {
        case 2: return pattern_rows(codes, n_patients, 2, from, to, table,
                                    out, pattern_counts);
        case 3: return pattern_rows(codes, n_patients, 3, from, to, table,
                                    out, pattern_counts);
        case 4: return pattern_rows(codes, n_patients, 4, from, to, table,
                                    out, pattern_counts);
        case 5: return pattern_rows(codes, n_patients, 5, from, to, table,
                                    out, pattern_counts);
        case 6: return pattern_rows(codes, n_patients, 6, from, to, table,
                                    out, pattern_counts);
        default: return pattern_rows(codes, n_patients, n_visits, from, to,
                                     table, out, pattern_counts);
        }
    }
    int bad = 0;
    for (ptrdiff_t p = from; p < to; p++) {
        unsigned pattern = 0;
        const ptrdiff_t *rows = index + p * n_visits;
        for (int v = 0; v < n_visits; v++) {
            int code = rows[v] >= 0 ? codes[rows[v]] : MR_NA_CODE;
            pattern |= pattern_digit(code, &bad) << (2 * v);
        }
        const mr_course *c = table + pattern;
        out->first[p] = c->first;
        out->n_alleviated[p] = c->n_alleviated;
        out->n_judged[p] = c->n_judged;
        out->course[p] = c->course;
        out->sustained[p] = c->sustained;
        out->relapsed[p] = c->relapsed;
        pattern_counts[pattern] += 1;
    }
    return bad;
}

void mr_durability_add_patterns(int n_visits, const double *pattern_counts,
                                double *states, double *transitions)
{
    ptrdiff_t n_patterns = (ptrdiff_t) 1 << (2 * n_visits);
    for (ptrdiff_t k = 0; k < n_patterns; k++) {
        double count = pattern_counts[k];
        if (count == 0) continue;
        int absent = 0;
        for (int v = 0; v < n_visits; v++) {
            int digit = (int) (k >> (2 * v)) & 3;
            states[(ptrdiff_t) v * 4 + digit] += count;
            absent |= digit == 2;
        }
        if (absent) continue;   /* no course: no transitions */
        for (int v = 0; v + 1 < n_visits; v++) {
            int a = (int) (k >> (2 * v)) & 3, b = (int) (k >> (2 * v + 2)) & 3;
            /* missing (digit 3) is state ST_MISSING (2) */
            transitions[(ptrdiff_t) v * 9 + (a == 3 ? ST_MISSING : a) * 3 +
                        (b == 3 ? ST_MISSING : b)] += count;
        }
    }
}

void mr_int_range(const int *x, ptrdiff_t from, ptrdiff_t to, int *lo,
                  int *hi)
{
    int a = *lo, b = *hi;
    for (ptrdiff_t i = from; i < to; i++) {
        a = x[i] < a ? x[i] : a;
        b = x[i] > b ? x[i] : b;
    }
    *lo = a;
    *hi = b;
}

int mr_mark_distinct(const int *x, ptrdiff_t from, ptrdiff_t to, int lo,
                     unsigned char *bitmap)
{
    for (ptrdiff_t i = from; i < to; i++) {
        uint32_t bit = (uint32_t) ((int64_t) x[i] - lo);
        unsigned char mask = (unsigned char) (1u << (bit & 7u));
        if (bitmap[bit >> 3] & mask) return 0;
        bitmap[bit >> 3] |= mask;
    }
    return 1;
}
