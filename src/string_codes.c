/* .Call glue: codes of a character vector by string identity, for strata. */
#include "glue.h"

static int is_ascii(const char *s)
{
    for (; *s; s++) if ((unsigned char) *s >= 0x80) return 0;
    return 1;
}

/* list(codes, first): integer codes 1..k in order of first appearance (NA
 * for NA), and the 1-based first index of each distinct string; NULL when
 * the strings are not all ASCII or all UTF-8, where the same text can be
 * two CHARSXPs (R's match() then compares translated text instead). */
SEXP C_string_codes(SEXP x)
{
    if (TYPEOF(x) != STRSXP) Rf_error("internal error: a character vector expected.");
    R_xlen_t n = XLENGTH(x);
    if (n >= INT_MAX) return R_NilValue;
    const SEXP *strings = STRING_PTR_RO(x);
    for (R_xlen_t i = 0; i < n; i++) {
        SEXP s = strings[i];
        if (s == NA_STRING) continue;
        cetype_t ce = Rf_getCharCE(s);
        if (ce == CE_UTF8) continue;
        if (ce != CE_NATIVE || !is_ascii(CHAR(s))) return R_NilValue;
    }
    int bits = 6;
    while (((R_xlen_t) 1 << bits) < 2 * n) bits++;
    size_t capacity = (size_t) 1 << bits;
    uintptr_t *keys = (uintptr_t *) R_alloc(capacity, sizeof(uintptr_t));
    int *ids = (int *) R_alloc(capacity, sizeof(int));
    ptrdiff_t *first = (ptrdiff_t *) R_alloc(n > 0 ? (size_t) n : 1, sizeof(ptrdiff_t));
    SEXP codes = PROTECT(Rf_allocVector(INTSXP, n));
    ptrdiff_t k = mr_string_codes((const void *const *) strings, n, NA_STRING,
                                  bits, keys, ids, INTEGER(codes), first);
    SEXP first_index = PROTECT(Rf_allocVector(INTSXP, k));
    for (ptrdiff_t j = 0; j < k; j++) INTEGER(first_index)[j] = (int) first[j] + 1;
    SEXP out = PROTECT(Rf_allocVector(VECSXP, 2));
    SET_VECTOR_ELT(out, 0, codes);
    SET_VECTOR_ELT(out, 1, first_index);
    UNPROTECT(3);
    return out;
}
