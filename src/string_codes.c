/* .Call glue: codes of a character vector by string identity, for strata. */
#include "glue.h"

static int is_ascii(const char *s)
{
    for (; *s; s++) if ((unsigned char) *s >= 0x80) return 0;
    return 1;
}

/* list(codes, first): integer codes 1..k of the distinct strings in byte
 * order (NA for NA), and the 1-based first index of each distinct string,
 * in that order; so x[first] are the sorted distinct strings and
 * x[first][codes] is x. NULL when the strings are not all ASCII or UTF-8,
 * where the same text can be two CHARSXPs (R's match() then compares
 * translated text instead). The encodings are checked on the distinct
 * strings only, after numbering by identity: reading every element's
 * string costs more than the numbering. */
SEXP C_string_codes(SEXP x)
{
    if (TYPEOF(x) != STRSXP) Rf_error("internal error: a character vector expected.");
    R_xlen_t n = XLENGTH(x);
    if (n >= INT_MAX) return R_NilValue;
    const SEXP *strings = STRING_PTR_RO(x);
    int bits = 6;
    while (((R_xlen_t) 1 << bits) < 2 * n) bits++;
    size_t capacity = (size_t) 1 << bits;
    uintptr_t *keys = (uintptr_t *) R_alloc(capacity, sizeof(uintptr_t));
    int *ids = (int *) R_alloc(capacity, sizeof(int));
    int *first = (int *) R_alloc(n > 0 ? (size_t) n : 1, sizeof(int));
    SEXP codes = PROTECT(Rf_allocVector(INTSXP, n));
    int *c = INTEGER(codes);
    mr_string_codes_start(bits, keys);
    ptrdiff_t k = 0;
    for (R_xlen_t from = 0; from < n; from += MR_CHUNK) {
        R_xlen_t to = n - from > MR_CHUNK ? from + MR_CHUNK : n;
        k = mr_string_codes((const void *const *) strings, from, to, NA_STRING,
                            bits, keys, ids, c, first, k);
        R_CheckUserInterrupt();
    }
    /* the distinct strings, checked and sorted (their prefixes read while
     * the string is in cache for its encoding) */
    const char **text = (const char **) R_alloc(k > 0 ? (size_t) k : 1, sizeof(char *));
    uint64_t *sort_keys = (uint64_t *) R_alloc(k > 0 ? 2 * (size_t) k : 1,
                                               sizeof(uint64_t));
    for (ptrdiff_t j = 0; j < k; j++) {
        SEXP s = strings[first[j]];
        cetype_t ce = Rf_getCharCE(s);
        text[j] = CHAR(s);
        sort_keys[j] = mr_string_prefix(text[j]);
        if (ce != CE_UTF8 && (ce != CE_NATIVE || !is_ascii(text[j]))) {
            UNPROTECT(1);
            return R_NilValue;
        }
    }
    int *order = (int *) R_alloc(k > 0 ? (size_t) k : 1, sizeof(int));
    int *scratch = (int *) R_alloc(k > 0 ? (size_t) k : 1, sizeof(int));
    mr_sort_strings(text, k, order, sort_keys, sort_keys + k, scratch);
    R_CheckUserInterrupt();
    /* rank of each string (1-based) in scratch, then the codes as ranks */
    SEXP first_index = PROTECT(Rf_allocVector(INTSXP, k));
    int *fi = INTEGER(first_index);
    for (ptrdiff_t r = 0; r < k; r++) {
        scratch[order[r]] = (int) r + 1;
        fi[r] = (int) first[order[r]] + 1;
    }
    for (R_xlen_t from = 0; from < n; from += MR_CHUNK) {
        R_xlen_t to = n - from > MR_CHUNK ? from + MR_CHUNK : n;
        for (R_xlen_t i = from; i < to; i++)
            if (c[i] != NA_INTEGER) c[i] = scratch[c[i] - 1];
        R_CheckUserInterrupt();
    }
    SEXP out = PROTECT(Rf_allocVector(VECSXP, 2));
    SET_VECTOR_ELT(out, 0, codes);
    SET_VECTOR_ELT(out, 1, first_index);
    UNPROTECT(3);
    return out;
}
