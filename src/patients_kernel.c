/* Kernel: patient-level summary across symptoms (any_alleviated and the
 * primary symptom, the first alleviated one in the rules' order). */
#include "kernels.h"

void mr_summarise_patients(const int *const *codes, int n_symptoms,
                           ptrdiff_t from, ptrdiff_t to,
                           int *any_alleviated, int *primary)
{
    for (ptrdiff_t i = from; i < to; i++) {
        int first = MR_NA_CODE, evaluable = 0, absent = 0;
        for (int s = 0; s < n_symptoms; s++) {
            int code = codes[s][i];
            if (code == MR_ALLEVIATED) { first = s + 1; break; }
            if (code == MR_UNCHANGED || code == MR_WORSENED) evaluable++;
            else if (code == MR_ABSENT) absent++;
        }
        primary[i] = first;
        if (first != MR_NA_CODE) any_alleviated[i] = 1;
        /* Not alleviated: a judgement exists when some symptom could be
         * judged, or when the patient had none of the symptoms at all. */
        else if (evaluable > 0 || absent == n_symptoms) any_alleviated[i] = 0;
        else any_alleviated[i] = MR_NA_CODE;
    }
}
