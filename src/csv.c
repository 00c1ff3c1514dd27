/* .Call glue of tabulate_source()'s CSV reader: records of a byte buffer
 * (csv_kernel.c) made into the columns a chunk needs. Measurements become
 * doubles by as.numeric()'s rule (R's own R_strtod(), so the doubles are
 * those as.numeric() gives on the same text); a field that is not plain
 * ASCII, or not a number, goes back to R as text ("odd"), for R's rule to
 * decide. Strata become text, "" and "NA" missing. */
#include <string.h>
#include <R_ext/Utils.h>
#include "glue.h"

/* Records converted per kernel call (a few hundred kB of field index). */
#define CSV_BATCH ((ptrdiff_t) 16384)

/* Distinct strings of a text column, so that each costs one mkChar. */
typedef struct {
    SEXP *chars;
    unsigned *hashes;
    size_t size, used;
} string_table;

static void table_init(string_table *t, size_t size)
{
    t->size = size;
    t->used = 0;
    t->chars = (SEXP *) R_alloc(size, sizeof(SEXP));
    t->hashes = (unsigned *) R_alloc(size, sizeof(unsigned));
    for (size_t i = 0; i < size; i++) t->chars[i] = NULL;
}

static unsigned hash_bytes(const char *s, ptrdiff_t n)
{
    unsigned h = 2166136261u;
    for (ptrdiff_t i = 0; i < n; i++) {
        h ^= (unsigned char) s[i];
        h *= 16777619u;
    }
    return h;
}

static void table_grow(string_table *t)
{
    string_table bigger;
    table_init(&bigger, t->size * 2);
    for (size_t i = 0; i < t->size; i++) {
        if (t->chars[i] == NULL) continue;
        size_t j = t->hashes[i] & (bigger.size - 1);
        while (bigger.chars[j] != NULL) j = (j + 1) & (bigger.size - 1);
        bigger.chars[j] = t->chars[i];
        bigger.hashes[j] = t->hashes[i];
    }
    bigger.used = t->used;
    *t = bigger;
}

/* The CHARSXP of s[0, n) (native encoding, as read.csv() marks it). The
 * caller stores it in a protected vector at once. */
static SEXP table_char(string_table *t, const char *s, ptrdiff_t n)
{
    unsigned h = hash_bytes(s, n);
    size_t j = h & (t->size - 1);
    while (t->chars[j] != NULL) {
        SEXP c = t->chars[j];
        if (t->hashes[j] == h && LENGTH(c) == n && memcmp(CHAR(c), s, (size_t) n) == 0)
            return c;
        j = (j + 1) & (t->size - 1);
    }
    SEXP c = Rf_mkCharLenCE(s, (int) n, CE_NATIVE);
    t->chars[j] = c;
    t->hashes[j] = h;
    t->used++;
    if (t->used * 2 > t->size) table_grow(t);
    return c;
}

/* Scratch for a field's value, NUL-terminated (R_alloc: freed by R). */
typedef struct {
    char *bytes;
    ptrdiff_t size;
} scratch_buffer;

static char *scratch_for(scratch_buffer *s, ptrdiff_t n)
{
    if (n + 1 > s->size) {
        s->size = 2 * (n + 1) > 256 ? 2 * (n + 1) : 256;
        s->bytes = R_alloc((size_t) s->size, 1);
    }
    return s->bytes;
}

/* A field's text and length: in place, or unquoted (and its CRs made
 * newlines) into the scratch buffer. */
static const char *field_text(const unsigned char *bytes,
                              const mr_csv_field *f, scratch_buffer *scratch,
                              ptrdiff_t *n)
{
    *n = f->end - f->start;
    if (!(f->flags & (MR_CSV_QUOTED | MR_CSV_CR)))
        return (const char *) bytes + f->start;
    char *value = scratch_for(scratch, *n);
    *n = mr_csv_unquote(bytes + f->start, *n, value);
    return value;
}

/* Fields that R decides (not ASCII, or not a number): slot, row, line,
 * text; grown as needed. */
typedef struct {
    SEXP list;          /* list(slot, row, line, text), protected */
    PROTECT_INDEX index;
    R_xlen_t used, size;
} odd_fields;

static SEXP odd_make(R_xlen_t size)
{
    SEXP list = PROTECT(Rf_allocVector(VECSXP, 4));
    SET_VECTOR_ELT(list, 0, Rf_allocVector(INTSXP, size));
    SET_VECTOR_ELT(list, 1, Rf_allocVector(INTSXP, size));
    SET_VECTOR_ELT(list, 2, Rf_allocVector(REALSXP, size));
    SET_VECTOR_ELT(list, 3, Rf_allocVector(STRSXP, size));
    UNPROTECT(1);
    return list;
}

static void odd_add(odd_fields *odd, int slot, R_xlen_t row, double line,
                    const char *s, ptrdiff_t n)
{
    if (odd->used == odd->size) {
        R_xlen_t size = odd->size * 2;
        SEXP list = PROTECT(odd_make(size));
        for (int k = 0; k < 4; k++) {
            SEXP from = VECTOR_ELT(odd->list, k), to = VECTOR_ELT(list, k);
            for (R_xlen_t i = 0; i < odd->used; i++) {
                switch (TYPEOF(from)) {
                case INTSXP: INTEGER(to)[i] = INTEGER(from)[i]; break;
                case REALSXP: REAL(to)[i] = REAL(from)[i]; break;
                default: SET_STRING_ELT(to, i, STRING_ELT(from, i));
                }
            }
        }
        REPROTECT(odd->list = list, odd->index);
        UNPROTECT(1);
        odd->size = size;
    }
    R_xlen_t i = odd->used++;
    INTEGER(VECTOR_ELT(odd->list, 0))[i] = slot + 1;
    INTEGER(VECTOR_ELT(odd->list, 1))[i] = (int) (row + 1);
    REAL(VECTOR_ELT(odd->list, 2))[i] = line;
    SET_STRING_ELT(VECTOR_ELT(odd->list, 3), i,
                   Rf_mkCharLenCE(s, (int) n, CE_NATIVE));
}

/* A measurement's value by as.numeric()'s rule: 1 with *value (NA_real_
 * for missing text), 0 when R must decide. */
static int measurement_value(const char *s, ptrdiff_t n, int flags,
                             scratch_buffer *scratch, double *value)
{
    if (flags & MR_CSV_HIGH) return 0;
    if (n == 0) {
        *value = NA_REAL;
        return 1;
    }
    if (mr_csv_plain_integer(s, n, value)) return 1;
    /* what R_strtod() reads "Inf" and "-Inf" as, without the copy */
    if (n == 3 && memcmp(s, "Inf", 3) == 0) {
        *value = R_PosInf;
        return 1;
    }
    if (n == 4 && memcmp(s, "-Inf", 4) == 0) {
        *value = R_NegInf;
        return 1;
    }
    if (mr_csv_blank(s, n)) {
        *value = NA_REAL;
        return 1;
    }
    char *text = scratch_for(scratch, n);
    if (text != s) memcpy(text, s, (size_t) n);
    text[n] = '\0';
    char *end;
    double x = R_strtod(text, &end);
    if (mr_csv_blank(end, n - (end - text))) {
        *value = x;
        return 1;
    }
    if (mr_csv_blank_na(text, n)) {
        *value = NA_REAL;
        return 1;
    }
    return 0;
}

static SEXP shorten(SEXP x, R_xlen_t n)
{
    return XLENGTH(x) == n ? x : Rf_xlengthgets(x, n);
}

/* Records of buf[pos, ...): at most `want`, of length(slot) fields; field
 * j goes to column slot[j] (0-based, -1: not read), a number when
 * kinds[slot] is 1, else text. `line`: the lines before pos. Returns
 * list(pos, line, status, n, columns, odd = list(slot, row, line, text),
 * fields found, text of the first line of a bad record). */
SEXP C_csv_chunk(SEXP buf, SEXP pos_, SEXP eof_, SEXP want_, SEXP slot_,
                 SEXP kinds_, SEXP line_)
{
    if (TYPEOF(buf) != RAWSXP) Rf_error("`buf` must be a raw vector.");
    if (TYPEOF(slot_) != INTSXP || TYPEOF(kinds_) != INTSXP)
        Rf_error("`slot` and `kinds` must be integer vectors.");
    const unsigned char *bytes = RAW(buf);
    ptrdiff_t len = XLENGTH(buf);
    ptrdiff_t pos = (ptrdiff_t) Rf_asReal(pos_);
    int eof = Rf_asLogical(eof_) == 1;
    double want = Rf_asReal(want_), line = Rf_asReal(line_);
    int n_fields = LENGTH(slot_), n_slots = LENGTH(kinds_);
    const int *slot = INTEGER(slot_), *kinds = INTEGER(kinds_);
    if (pos < 0 || pos > len || ISNAN(want) || want < 1 || ISNAN(line))
        Rf_error("`pos`, `want` and `line` must be positions in `buf`.");
    for (int j = 0; j < n_fields; j++)
        if (slot[j] >= n_slots) Rf_error("`slot` names a column not in `kinds`.");
    mr_csv_init();

    ptrdiff_t ends = mr_csv_count_line_ends(bytes, pos, len);
    double bound = (double) ends + (eof ? 1 : 0);
    R_xlen_t cap = (R_xlen_t) (want < bound ? want : bound);

    SEXP columns = PROTECT(Rf_allocVector(VECSXP, n_slots));
    for (int s = 0; s < n_slots; s++)
        SET_VECTOR_ELT(columns, s, Rf_allocVector(kinds[s] == 1 ? REALSXP : STRSXP, cap));
    odd_fields odd;
    odd.used = 0;
    odd.size = 16;
    PROTECT_WITH_INDEX(odd.list = odd_make(odd.size), &odd.index);

    string_table *tables = (string_table *) R_alloc((size_t) (n_slots ? n_slots : 1),
                                                    sizeof(string_table));
    for (int s = 0; s < n_slots; s++)
        if (kinds[s] != 1) table_init(&tables[s], 1024);
    scratch_buffer scratch = { NULL, 0 };
    mr_csv_field *fields = (mr_csv_field *) R_alloc((size_t) (CSV_BATCH * (n_slots ? n_slots : 1)),
                                                    sizeof(mr_csv_field));
    double *rec_line = (double *) R_alloc((size_t) CSV_BATCH, sizeof(double));

    R_xlen_t done = 0;
    int status = MR_CSV_OK, found = 0;
    while (done < cap) {
        ptrdiff_t batch = cap - done < CSV_BATCH ? cap - done : CSV_BATCH, n_rec = 0;
        status = mr_csv_records(bytes, len, eof, n_fields, slot, n_slots, batch,
                                &pos, &line, fields, rec_line, &n_rec, &found);
        for (int s = 0; s < n_slots; s++) {
            SEXP column = VECTOR_ELT(columns, s);
            if (kinds[s] == 1) {
                double *out = REAL(column) + done;
                for (ptrdiff_t r = 0; r < n_rec; r++) {
                    const mr_csv_field *f = fields + r * n_slots + s;
                    ptrdiff_t n;
                    const char *text = field_text(bytes, f, &scratch, &n);
                    if (!measurement_value(text, n, f->flags, &scratch, out + r)) {
                        out[r] = NA_REAL;
                        odd_add(&odd, s, done + r, rec_line[r], text, n);
                    }
                }
            } else {
                for (ptrdiff_t r = 0; r < n_rec; r++) {
                    const mr_csv_field *f = fields + r * n_slots + s;
                    ptrdiff_t n;
                    const char *text = field_text(bytes, f, &scratch, &n);
                    SEXP c = (n == 0 || (n == 2 && text[0] == 'N' && text[1] == 'A'))
                        ? NA_STRING : table_char(&tables[s], text, n);
                    SET_STRING_ELT(column, done + r, c);
                }
            }
        }
        done += n_rec;
        if (status != MR_CSV_OK || n_rec < batch) break;
        R_CheckUserInterrupt();
    }

    for (int s = 0; s < n_slots; s++)
        SET_VECTOR_ELT(columns, s, shorten(VECTOR_ELT(columns, s), done));
    SEXP odd_list = PROTECT(Rf_allocVector(VECSXP, 4));
    for (int k = 0; k < 4; k++)
        SET_VECTOR_ELT(odd_list, k, shorten(VECTOR_ELT(odd.list, k), odd.used));

    /* the first line of a record of the wrong number of fields */
    SEXP bad_line = R_NilValue;
    if (status == MR_CSV_FIELDS) {
        ptrdiff_t end = pos;
        while (end < len && end - pos < 1000 && bytes[end] != '\n' && bytes[end] != '\r')
            end++;
        bad_line = Rf_mkCharLenCE((const char *) bytes + pos, (int) (end - pos), CE_NATIVE);
    }
    PROTECT(bad_line = Rf_ScalarString(bad_line == R_NilValue ? NA_STRING : bad_line));

    SEXP out = PROTECT(Rf_allocVector(VECSXP, 8));
    SET_VECTOR_ELT(out, 0, Rf_ScalarReal((double) pos));
    SET_VECTOR_ELT(out, 1, Rf_ScalarReal(line));
    SET_VECTOR_ELT(out, 2, Rf_ScalarInteger(status));
    SET_VECTOR_ELT(out, 3, Rf_ScalarReal((double) done));
    SET_VECTOR_ELT(out, 4, columns);
    SET_VECTOR_ELT(out, 5, odd_list);
    SET_VECTOR_ELT(out, 6, Rf_ScalarInteger(found));
    SET_VECTOR_ELT(out, 7, bad_line);
    UNPROTECT(5);
    return out;
}

/* The end of the first record of buf[pos, ...) (its line end included)
 * and the lines up to there; NA when the buffer ends inside it (more
 * bytes needed, unless eof). Also its status (MR_CSV_OPEN_QUOTE and
 * MR_CSV_NUL are errors). */
SEXP C_csv_first_record(SEXP buf, SEXP pos_, SEXP eof_)
{
    if (TYPEOF(buf) != RAWSXP) Rf_error("`buf` must be a raw vector.");
    ptrdiff_t len = XLENGTH(buf), pos = (ptrdiff_t) Rf_asReal(pos_), n_rec = 0;
    if (pos < 0 || pos > len) Rf_error("`pos` must be a position in `buf`.");
    double line = 0, rec_line = 0;
    int found = 0;
    mr_csv_field field;
    int status = mr_csv_records(RAW(buf), len, Rf_asLogical(eof_) == 1, -1, NULL,
                                0, 1, &pos, &line, &field, &rec_line, &n_rec,
                                &found);
    SEXP out = PROTECT(Rf_allocVector(REALSXP, 4));
    REAL(out)[0] = status == MR_CSV_MORE ? NA_REAL : (double) pos;
    REAL(out)[1] = line;
    REAL(out)[2] = status;
    REAL(out)[3] = (double) n_rec;
    UNPROTECT(1);
    return out;
}

/* Line ends in buf[pos, ...). */
SEXP C_csv_line_ends(SEXP buf, SEXP pos_)
{
    if (TYPEOF(buf) != RAWSXP) Rf_error("`buf` must be a raw vector.");
    ptrdiff_t len = XLENGTH(buf), pos = (ptrdiff_t) Rf_asReal(pos_);
    if (pos < 0 || pos > len) Rf_error("`pos` must be a position in `buf`.");
    return Rf_ScalarReal((double) mr_csv_count_line_ends(RAW(buf), pos, len));
}

/* buf[pos, ...) followed by `more`: the bytes of a record the buffer ended
 * in, then the next block. */
SEXP C_csv_join(SEXP buf, SEXP pos_, SEXP more)
{
    if (TYPEOF(buf) != RAWSXP || TYPEOF(more) != RAWSXP)
        Rf_error("`buf` and `more` must be raw vectors.");
    R_xlen_t len = XLENGTH(buf), pos = (R_xlen_t) Rf_asReal(pos_);
    if (pos < 0 || pos > len) Rf_error("`pos` must be a position in `buf`.");
    R_xlen_t left = len - pos, extra = XLENGTH(more);
    SEXP out = PROTECT(Rf_allocVector(RAWSXP, left + extra));
    if (left) memcpy(RAW(out), RAW(buf) + pos, (size_t) left);
    if (extra) memcpy(RAW(out) + left, RAW(more), (size_t) extra);
    UNPROTECT(1);
    return out;
}
