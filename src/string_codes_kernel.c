/* Kernel: codes for a character vector by the identity of its strings.
 *
 * R keeps one copy of each string in its global cache, so two elements hold
 * the same text exactly when they point to the same CHARSXP (for strings
 * in one encoding, as R's own match() assumes for cached ASCII and UTF-8
 * strings). Hashing the pointers numbers the distinct strings in one pass,
 * without reading a character: a tenth of the time of duplicated() plus
 * match() on a million distinct strings. The caller checks the encodings
 * and falls back to R where they are mixed. */
#include <string.h>
#include "kernels.h"

static inline size_t pointer_slot(uintptr_t key, int bits)
{
    return (size_t) (((uint64_t) key * UINT64_C(0x9E3779B97F4A7C15)) >> (64 - bits));
}

ptrdiff_t mr_string_codes(const void *const *strings, ptrdiff_t n,
                          const void *na, int bits, uintptr_t *keys, int *ids,
                          int *codes, ptrdiff_t *first)
{
    size_t mask = ((size_t) 1 << bits) - 1;
    ptrdiff_t n_distinct = 0;
    memset(keys, 0, ((size_t) 1 << bits) * sizeof(uintptr_t));
    for (ptrdiff_t i = 0; i < n; i++) {
        const void *s = strings[i];
        if (s == na) { codes[i] = MR_NA_CODE; continue; }
        uintptr_t key = (uintptr_t) s;
        size_t slot = pointer_slot(key, bits);
        while (keys[slot] != 0 && keys[slot] != key) slot = (slot + 1) & mask;
        if (keys[slot] == 0) {
            keys[slot] = key;
            ids[slot] = (int) n_distinct;
            first[n_distinct++] = i;
        }
        codes[i] = ids[slot] + 1;
    }
    return n_distinct;
}
