/* Kernel: patient-level summary across symptoms: the patient's class,
 * any_alleviated, and the primary symptom (the first alleviated one in the
 * rules' order). */
#include "kernels.h"

void mr_summarise_patients(const int *const *codes, int n_symptoms,
                           ptrdiff_t from, ptrdiff_t to, int *patient_class,
                           int *any_alleviated, int *primary)
{
    for (ptrdiff_t i = from; i < to; i++) {
        int first = MR_NA_CODE, worsened = 0, unchanged = 0, absent = 0;
        for (int s = 0; s < n_symptoms; s++) {
            int code = codes[s][i];
            if (code == MR_ALLEVIATED) { first = s + 1; break; }
            worsened += code == MR_WORSENED;
            unchanged += code == MR_UNCHANGED;
            absent += code == MR_ABSENT;
        }
        primary[i] = first;
        /* Alleviated if any symptom was; else worsened if any was; else
         * absent when every symptom was absent at baseline; else unchanged
         * when one could be judged; else nothing could be judged. */
        int class_code = first != MR_NA_CODE ? MR_ALLEVIATED
            : worsened ? MR_WORSENED
            : absent == n_symptoms ? MR_ABSENT
            : unchanged ? MR_UNCHANGED : MR_NA_CODE;
        patient_class[i] = class_code;
        any_alleviated[i] = class_code == MR_NA_CODE ? MR_NA_CODE
            : class_code == MR_ALLEVIATED;
    }
}
