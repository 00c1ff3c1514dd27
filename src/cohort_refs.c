/* References a cohort keeps to the vectors it was classified from, so that
 * a `data` given beside it (tabulate_cohort(x, by, data = d)) is proven
 * aligned by identical() on the same vectors, without reading them.
 *
 * The cohort holds a key, an external pointer (its address NULL, its tag a
 * slot number). The slot of a registry held by the package holds a weak
 * reference from that key to the list of vectors:
 *   - the weak reference keeps the list alive while the key is reachable
 *     (while some object holds the cohort's attribute), and counts as a
 *     reference to each vector, so R copies a vector before any change
 *     (copy-on-modify): the vectors seen through it are those the classes
 *     were made from. When the cohort is gone, the list is released;
 *   - the key is compared by its address in memory: a key read back from a
 *     file (saveRDS()), or a slot reused since, finds nothing, and `data`
 *     is then checked in full;
 *   - identical() compares external pointers by their address field (all
 *     NULL), so two cohorts classified alike stay identical(); serialize()
 *     and object.size() see only the key (the vectors are not saved or
 *     counted with the cohort: they belong to the data). */
#include "glue.h"

static SEXP registry = NULL;   /* a list of weak references, preserved */

static R_xlen_t free_slot(void)
{
    static R_xlen_t cursor = 0;
    R_xlen_t size = registry == NULL ? 0 : XLENGTH(registry);
    for (R_xlen_t k = 0; k < size; k++) {
        R_xlen_t i = (cursor + k) % size;
        SEXP w = VECTOR_ELT(registry, i);
        if (w == R_NilValue || R_WeakRefKey(w) == R_NilValue) {
            cursor = (i + 1) % size;
            return i;
        }
    }
    /* every slot in use: twice the room */
    R_xlen_t bigger = size ? 2 * size : 64;
    SEXP grown = PROTECT(Rf_allocVector(VECSXP, bigger));
    for (R_xlen_t i = 0; i < size; i++) SET_VECTOR_ELT(grown, i, VECTOR_ELT(registry, i));
    R_PreserveObject(grown);
    if (registry != NULL) R_ReleaseObject(registry);
    registry = grown;
    UNPROTECT(1);
    cursor = size + 1;
    return size;
}

SEXP C_keep_refs(SEXP values)
{
    if (TYPEOF(values) != VECSXP) Rf_error("`values` must be a list.");
    R_xlen_t n = XLENGTH(values);
    /* a list of its own, so R_MakeWeakRef() has no reason to duplicate it
     * (it copies a value that is referenced elsewhere) */
    SEXP fresh = PROTECT(Rf_allocVector(VECSXP, n));
    for (R_xlen_t i = 0; i < n; i++) SET_VECTOR_ELT(fresh, i, VECTOR_ELT(values, i));
    SEXP names = Rf_getAttrib(values, R_NamesSymbol);
    if (names != R_NilValue) Rf_setAttrib(fresh, R_NamesSymbol, names);
    R_xlen_t slot = free_slot();
    SEXP tag = PROTECT(Rf_ScalarReal((double) slot));
    SEXP key = PROTECT(R_MakeExternalPtr(NULL, tag, R_NilValue));
    SEXP ref = PROTECT(R_MakeWeakRef(key, fresh, R_NilValue, FALSE));
    SET_VECTOR_ELT(registry, slot, ref);
    UNPROTECT(4);
    return key;
}

/* The list kept by C_keep_refs() for this key, or NULL: not such a key, a
 * key read back from a file, or a slot reused. */
SEXP C_kept_refs(SEXP key)
{
    if (registry == NULL || TYPEOF(key) != EXTPTRSXP || R_ExternalPtrAddr(key) != NULL)
        return R_NilValue;
    SEXP tag = R_ExternalPtrTag(key);
    if (TYPEOF(tag) != REALSXP || XLENGTH(tag) != 1) return R_NilValue;
    double slot = REAL(tag)[0];
    if (!(slot >= 0 && slot < (double) XLENGTH(registry))) return R_NilValue;
    SEXP ref = VECTOR_ELT(registry, (R_xlen_t) slot);
    if (TYPEOF(ref) != WEAKREFSXP || R_WeakRefKey(ref) != key) return R_NilValue;
    SEXP value = R_WeakRefValue(ref);
    return TYPEOF(value) == VECSXP ? value : R_NilValue;
}
