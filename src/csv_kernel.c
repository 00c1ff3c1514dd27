/* The CSV tokenizer of tabulate_source(): records and fields of a byte
 * buffer, split as utils::read.csv(quote = "\"") splits them (R's scan()
 * and count.fields(), which agree):
 *   - fields are separated by ',', records by a line end outside quotes;
 *     "\r\n" and a lone "\r" are line ends like "\n", also inside quotes,
 *     where they stand for "\n" in the value (as readLines() reads them);
 *   - a quote anywhere in a field opens a quoted part, closed by the next
 *     quote; inside it, a doubled quote is one quote; the quotes themselves
 *     are not part of the value (`Clinic "North"` is `Clinic North`);
 *   - an empty line between records is skipped; an empty line inside a
 *     quoted part is part of the value;
 *   - a nul byte, or a quoted part the end of the file leaves open, is an
 *     error.
 * Pure C: see kernels.h. */
#include <string.h>
#include "kernels.h"

/* Byte classes: 0 ordinary, and the bytes that end or change a field. */
enum { C_PLAIN = 0, C_COMMA, C_LF, C_CR, C_QUOTE, C_NUL, C_HIGH };

static unsigned char byte_class[256];
static int classes_ready = 0;

static void init_classes(void)
{
    if (classes_ready) return;
    for (int c = 0; c < 256; c++)
        byte_class[c] = c >= 0x80 ? C_HIGH : C_PLAIN;
    byte_class[','] = C_COMMA;
    byte_class['\n'] = C_LF;
    byte_class['\r'] = C_CR;
    byte_class['"'] = C_QUOTE;
    byte_class[0] = C_NUL;
    classes_ready = 1;
}

void mr_csv_init(void) { init_classes(); }

ptrdiff_t mr_csv_count_line_ends(const unsigned char *buf, ptrdiff_t from,
                                 ptrdiff_t to)
{
    ptrdiff_t lf = 0, cr = 0;
    const unsigned char *p = buf + from, *end = buf + to;
    while (p < end && (p = memchr(p, '\n', (size_t) (end - p))) != NULL) {
        lf++;
        p++;
    }
    p = buf + from;
    while (p < end && (p = memchr(p, '\r', (size_t) (end - p))) != NULL) {
        cr++;
        p++;
    }
    /* CRLF files count their lines twice: one of the two */
    return lf > cr ? lf : cr;
}

int mr_csv_records(const unsigned char *buf, ptrdiff_t len, int eof,
                   int n_fields, const int *slot, int n_slots,
                   ptrdiff_t max_rec, ptrdiff_t *pos, double *line,
                   mr_csv_field *fields, double *rec_line, ptrdiff_t *n_rec,
                   int *found_fields)
{
    init_classes();
    ptrdiff_t at = *pos, n = 0;
    double lines = *line;
    int status = MR_CSV_OK;
    *found_fields = 0;
    while (n < max_rec) {
        /* skip empty lines between records */
        while (at < len && (buf[at] == '\n' || buf[at] == '\r')) {
            if (buf[at] == '\r') {
                if (at + 1 >= len && !eof) goto more;   /* "\r" | "\n"? */
                if (at + 1 < len && buf[at + 1] == '\n') at++;
            }
            at++;
            lines++;
        }
        if (at >= len) break;   /* every record read */
        ptrdiff_t start = at;
        double first_line = lines + 1;
        int field = 0, flags = 0, quoted = 0, done = 0;
        ptrdiff_t field_start = at;
        mr_csv_field *row = fields + n * (ptrdiff_t) n_slots;
        while (!done) {
            if (at >= len) {
                if (!eof) goto more;
                if (quoted) {
                    status = MR_CSV_OPEN_QUOTE;
                    goto problem;
                }
                done = 1;   /* the last record, without a line end */
                break;
            }
            unsigned char c = buf[at];
            int k = byte_class[c];
            if (quoted) {
                switch (k) {
                case C_QUOTE: quoted = 0; break;
                case C_LF: lines++; break;
                case C_CR:
                    if (at + 1 >= len && !eof) goto more;
                    if (at + 1 < len && buf[at + 1] == '\n') at++;
                    lines++;
                    flags |= MR_CSV_CR;
                    break;
                case C_NUL: status = MR_CSV_NUL; goto problem;
                case C_HIGH: flags |= MR_CSV_HIGH; break;
                default: break;
                }
                at++;
                continue;
            }
            if (k == C_PLAIN) {
                /* the common case: run over the ordinary bytes */
                at++;
                while (at < len && byte_class[buf[at]] == C_PLAIN) at++;
                continue;
            }
            switch (k) {
            case C_PLAIN: at++; continue;
            case C_HIGH: flags |= MR_CSV_HIGH; at++; continue;
            case C_QUOTE: quoted = 1; flags |= MR_CSV_QUOTED; at++; continue;
            case C_NUL: status = MR_CSV_NUL; goto problem;
            case C_COMMA: break;
            case C_LF: done = 1; break;
            case C_CR:
                if (at + 1 >= len && !eof) goto more;
                done = 1;
                break;
            }
            /* the end of a field, at `at` */
            if (field < n_fields && slot[field] >= 0) {
                mr_csv_field *f = row + slot[field];
                f->start = field_start;
                f->end = at;
                f->flags = flags;
            }
            field++;
            flags = 0;
            if (done) break;
            at++;
            field_start = at;
        }
        if (at >= len) {
            /* the last record, ended by the end of the file */
            if (field < n_fields && slot[field] >= 0) {
                mr_csv_field *f = row + slot[field];
                f->start = field_start;
                f->end = at;
                f->flags = flags;
            }
            field++;
        } else {
            /* a line end: "\n", "\r\n" or "\r" */
            if (buf[at] == '\r' && at + 1 < len && buf[at + 1] == '\n') at++;
            at++;
            lines++;
        }
        if (n_fields >= 0 && field != n_fields) {
            *found_fields = field;
            at = start;
            lines = first_line - 1;
            status = MR_CSV_FIELDS;
            goto problem;
        }
        rec_line[n] = first_line;
        if (n_fields < 0) *found_fields = field;
        n++;
        *pos = at;
        *line = lines;
        continue;
    problem:
        /* the record starting at `start` (line first_line) is bad */
        *pos = start;
        *line = first_line - 1;
        *n_rec = n;
        return status;
    more:
        /* the buffer ends inside a record (or between "\r" and what
         * follows): stop before it */
        *n_rec = n;
        return MR_CSV_MORE;
    }
    *pos = at;
    *line = lines;
    *n_rec = n;
    return status;
}

ptrdiff_t mr_csv_unquote(const unsigned char *src, ptrdiff_t n, char *dst)
{
    ptrdiff_t out = 0;
    int quoted = 0;
    for (ptrdiff_t i = 0; i < n; i++) {
        unsigned char c = src[i];
        if (c == '"') {
            if (quoted && i + 1 < n && src[i + 1] == '"') {
                dst[out++] = '"';
                i++;
            } else {
                quoted = !quoted;
            }
        } else if (c == '\r') {
            /* only inside quotes: a line end, read as "\n" */
            dst[out++] = '\n';
            if (i + 1 < n && src[i + 1] == '\n') i++;
        } else {
            dst[out++] = (char) c;
        }
    }
    return out;
}

int mr_csv_plain_integer(const char *s, ptrdiff_t n, double *value)
{
    ptrdiff_t i = 0;
    double sign = 1;
    if (n > 0 && (s[0] == '-' || s[0] == '+')) {
        if (s[0] == '-') sign = -1;
        i = 1;
    }
    ptrdiff_t digits = n - i;
    if (digits < 1 || digits > 15) return 0;
    int64_t v = 0;
    for (; i < n; i++) {
        unsigned d = (unsigned) ((unsigned char) s[i] - '0');
        if (d > 9) return 0;
        v = v * 10 + d;
    }
    *value = sign * (double) v;
    return 1;
}

static int ascii_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

int mr_csv_blank(const char *s, ptrdiff_t n)
{
    for (ptrdiff_t i = 0; i < n; i++)
        if (!ascii_space((unsigned char) s[i])) return 0;
    return 1;
}

int mr_csv_blank_na(const char *s, ptrdiff_t n)
{
    ptrdiff_t i = 0;
    while (i < n && ascii_space((unsigned char) s[i])) i++;
    if (i + 1 < n && s[i] == 'N' && s[i + 1] == 'A') i += 2;
    return mr_csv_blank(s + i, n - i);
}
