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

/* The summary by lookup: each row's codes (1..4, or missing as 0) form a
 * number in base 5, whose summary was made once by mr_summarise_patients()
 * itself (the same code on the same codes, so the same result). */
ptrdiff_t mr_summary_table_size(int n_symptoms)
{
    if (n_symptoms < 1 || n_symptoms > MR_SUMMARY_TABLE_SYMPTOMS) return 0;
    ptrdiff_t size = 1;
    for (int s = 0; s < n_symptoms; s++) size *= 5;
    return size;
}

void mr_summary_table_fill(int n_symptoms, ptrdiff_t size, int *scratch,
                           int *table)
{
    int *columns[MR_SUMMARY_TABLE_SYMPTOMS];
    for (int s = 0; s < n_symptoms; s++) {
        columns[s] = scratch + (ptrdiff_t) s * size;
        ptrdiff_t step = 1;
        for (int r = 0; r < s; r++) step *= 5;
        for (ptrdiff_t k = 0; k < size; k++) {
            int digit = (int) ((k / step) % 5);
            columns[s][k] = digit == 0 ? MR_NA_CODE : digit;
        }
    }
    mr_summarise_patients((const int *const *) columns, n_symptoms, 0, size,
                          table, table + size, table + 2 * size);
}

#if defined(__GNUC__)
#define MR_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define MR_ALWAYS_INLINE inline
#endif

static MR_ALWAYS_INLINE void
summary_rows(const int *const *codes, int n_symptoms, const int *table,
             ptrdiff_t size, ptrdiff_t from, ptrdiff_t to, int *patient_class,
             int *any_alleviated, int *primary)
{
    const int *column[MR_SUMMARY_TABLE_SYMPTOMS];
    for (int s = 0; s < n_symptoms; s++) column[s] = codes[s];
    for (ptrdiff_t i = from; i < to; i++) {
        unsigned key = 0;
        for (int s = n_symptoms - 1; s >= 0; s--) {
            /* mr_summarise_patients() counts a code other than 1..4 as
             * nothing, as it does NA: digit 0 */
            unsigned digit = (unsigned) column[s][i];
            digit = digit - 1u <= 3u ? digit : 0u;
            key = key * 5u + digit;
        }
        patient_class[i] = table[key];
        any_alleviated[i] = table[size + key];
        primary[i] = table[2 * size + key];
    }
}

void mr_summarise_patients_table(const int *const *codes, int n_symptoms,
                                 const int *table, ptrdiff_t size,
                                 ptrdiff_t from, ptrdiff_t to,
                                 int *patient_class, int *any_alleviated,
                                 int *primary)
{
    /* the loop over symptoms unrolled for each count */
    switch (n_symptoms) {
    case 1: summary_rows(codes, 1, table, size, from, to, patient_class,
                         any_alleviated, primary); break;
    case 2: summary_rows(codes, 2, table, size, from, to, patient_class,
                         any_alleviated, primary); break;
    case 3: summary_rows(codes, 3, table, size, from, to, patient_class,
                         any_alleviated, primary); break;
    case 4: summary_rows(codes, 4, table, size, from, to, patient_class,
                         any_alleviated, primary); break;
    case 5: summary_rows(codes, 5, table, size, from, to, patient_class,
                         any_alleviated, primary); break;
    default: summary_rows(codes, n_symptoms, table, size, from, to,
                          patient_class, any_alleviated, primary);
    }
}
