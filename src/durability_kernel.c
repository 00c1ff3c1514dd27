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
