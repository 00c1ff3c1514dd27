/* .Call glue: codes of a character vector by string identity, for strata. */
#include <stdlib.h>
#include "glue.h"

#if defined(__GNUC__)
#define MR_PREFETCH_READ(address) __builtin_prefetch((address), 0, 3)
#else
#define MR_PREFETCH_READ(address) ((void) 0)
#endif

/* Distinct strings read ahead of the one checked (their CHARSXPs are
 * scattered through the heap: each is a cache miss otherwise). */
#define MR_STRING_AHEAD 16

static int is_ascii(const char *s)
{
    for (; *s; s++) if ((unsigned char) *s >= 0x80) return 0;
    return 1;
}

/* Scratch from malloc(), freed on every way out of the call (an error, an
 * interrupt, the end): R_alloc() would put ~55 MB per million strings on
 * R's heap, and the garbage collections it triggers (each one marking every
 * string of the session) cost more than the coding itself. */
typedef struct {
    SEXP x;
    uintptr_t *keys;
    int *ids, *first, *order, *scratch;
    const char **text;
    uint64_t *sort_keys;
} codes_work;

static void *checked_malloc(size_t count, size_t size)
{
    void *p = malloc((count > 0 ? count : 1) * size);
    if (!p) Rf_error("cannot allocate %.0f MB to code a text stratum.",
                     (double) count * (double) size / 1048576.0);
    return p;
}

static void free_work(void *data, Rboolean jump)
{
    (void) jump;
    codes_work *w = (codes_work *) data;
    free(w->keys); free(w->ids); free(w->first); free(w->order);
    free(w->scratch); free(w->text); free(w->sort_keys);
    w->keys = NULL; w->ids = w->first = w->order = w->scratch = NULL;
    w->text = NULL; w->sort_keys = NULL;
}

static SEXP string_codes(void *data)
{
    codes_work *w = (codes_work *) data;
    SEXP x = w->x;
    R_xlen_t n = XLENGTH(x);
    const SEXP *strings = STRING_PTR_RO(x);
    int bits = 6;
    while (((R_xlen_t) 1 << bits) < 2 * n) bits++;
    size_t capacity = (size_t) 1 << bits;
    /* calloc: fresh zeroed pages, no pass to clear them */
    w->keys = (uintptr_t *) calloc(capacity, sizeof(uintptr_t));
    if (!w->keys) Rf_error("cannot allocate %.0f MB to code a text stratum.",
                           (double) capacity * sizeof(uintptr_t) / 1048576.0);
    w->ids = (int *) checked_malloc(capacity, sizeof(int));
    w->first = (int *) checked_malloc((size_t) n, sizeof(int));
    SEXP codes = PROTECT(Rf_allocVector(INTSXP, n));
    int *c = INTEGER(codes);
    ptrdiff_t k = 0;
    for (R_xlen_t from = 0; from < n; from += MR_CHUNK) {
        R_xlen_t to = n - from > MR_CHUNK ? from + MR_CHUNK : n;
        k = mr_string_codes((const void *const *) strings, from, to, NA_STRING,
                            bits, w->keys, w->ids, c, w->first, k);
        R_CheckUserInterrupt();
    }
    free(w->keys); w->keys = NULL;
    free(w->ids); w->ids = NULL;
    /* the distinct strings, checked and sorted (their prefixes read while
     * the string is in cache for its encoding) */
    w->text = (const char **) checked_malloc((size_t) k, sizeof(char *));
    w->sort_keys = (uint64_t *) checked_malloc(2 * (size_t) k, sizeof(uint64_t));
    const int *first = w->first;
    for (ptrdiff_t j = 0; j < k; j++) {
        if (j + MR_STRING_AHEAD < k) {
            /* the header and the text: two cache lines */
            uintptr_t ahead = (uintptr_t) strings[first[j + MR_STRING_AHEAD]];
            MR_PREFETCH_READ((const void *) ahead);
            MR_PREFETCH_READ((const void *) (ahead + 64));
        }
        SEXP s = strings[first[j]];
        cetype_t ce = Rf_getCharCE(s);
        const char *t = CHAR(s);
        w->text[j] = t;
        w->sort_keys[j] = mr_string_prefix(t);
        if (ce != CE_UTF8 && (ce != CE_NATIVE || !is_ascii(t))) {
            UNPROTECT(1);
            return R_NilValue;
        }
    }
    w->order = (int *) checked_malloc((size_t) k, sizeof(int));
    w->scratch = (int *) checked_malloc((size_t) k, sizeof(int));
    mr_sort_strings(w->text, k, w->order, w->sort_keys, w->sort_keys + k,
                    w->scratch);
    R_CheckUserInterrupt();
    /* rank of each string (1-based) in scratch, then the codes as ranks */
    SEXP first_index = PROTECT(Rf_allocVector(INTSXP, k));
    /* the distinct strings themselves, sorted (x[first] without R's
     * subsetting of a second index vector) */
    SEXP values = PROTECT(Rf_allocVector(STRSXP, k));
    int *fi = INTEGER(first_index), *rank = w->scratch;
    const int *order = w->order;
    for (ptrdiff_t r = 0; r < k; r++) {
        rank[order[r]] = (int) r + 1;
        fi[r] = first[order[r]] + 1;
        SET_STRING_ELT(values, r, strings[fi[r] - 1]);
    }
    for (R_xlen_t from = 0; from < n; from += MR_CHUNK) {
        R_xlen_t to = n - from > MR_CHUNK ? from + MR_CHUNK : n;
        for (R_xlen_t i = from; i < to; i++)
            if (c[i] != NA_INTEGER) c[i] = rank[c[i] - 1];
        R_CheckUserInterrupt();
    }
    SEXP out = PROTECT(Rf_allocVector(VECSXP, 3));
    SET_VECTOR_ELT(out, 0, codes);
    SET_VECTOR_ELT(out, 1, first_index);
    SET_VECTOR_ELT(out, 2, values);
    UNPROTECT(4);
    return out;
}

/* list(codes, first, values): integer codes 1..k of the distinct strings
 * in byte order (NA for NA), the 1-based first index of each distinct
 * string, in that order, and those strings (values is x[first], without
 * attributes), so values[codes] is x. NULL when the strings are not all ASCII or UTF-8,
 * where the same text can be two CHARSXPs (R's match() then compares
 * translated text instead). The encodings are checked on the distinct
 * strings only, after numbering by identity: reading every element's
 * string costs more than the numbering. */
SEXP C_string_codes(SEXP x)
{
    if (TYPEOF(x) != STRSXP) Rf_error("internal error: a character vector expected.");
    if (XLENGTH(x) >= INT_MAX) return R_NilValue;
    codes_work w = { x, NULL, NULL, NULL, NULL, NULL, NULL, NULL };
    SEXP cont = PROTECT(R_MakeUnwindCont());
    SEXP out = R_UnwindProtect(string_codes, &w, free_work, &w, cont);
    UNPROTECT(1);
    return out;
}
