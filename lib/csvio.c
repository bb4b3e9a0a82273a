/* csvio.c: CSV reading and writing on top of libcsv. */
#include "csvio.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct reader {
    csvin_row_fn fn;
    void *ctx;
    sbuf cells;       /* the current row's fields, each NUL-terminated */
    size_t *offs;     /* where each starts in cells */
    char **fields;
    size_t n, cap;
    long line;        /* physical line being fed */
    long row_line;    /* line the current row started on */
    int in_row;
    size_t index;
    int stop;
    int started;      /* past the start of the input (and its byte order mark) */
} reader;

/* Fields are copied into one buffer per row (the parser owns its own), so a
 * row costs no allocation once the buffer has grown to the widest row. */
static void on_field(void *s, size_t len, void *data)
{
    reader *r = data;
    if (r->stop)
        return;
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 32;
        r->offs = xrealloc(r->offs, r->cap * sizeof *r->offs);
        r->fields = xrealloc(r->fields, r->cap * sizeof *r->fields);
    }
    r->offs[r->n++] = r->cells.len;
    sbuf_add(&r->cells, s ? (const char *)s : "", s ? len : 0);
    sbuf_addc(&r->cells, '\0');
}

static void on_row(int c, void *data)
{
    (void)c;
    reader *r = data;
    if (!r->stop) {
        for (size_t i = 0; i < r->n; i++)
            r->fields[i] = r->cells.buf + r->offs[i];
        csvrow row = { r->fields, r->n, r->row_line, r->index++ };
        if (r->fn(&row, r->ctx))
            r->stop = 1;
    }
    r->n = 0;
    sbuf_reset(&r->cells);
    r->in_row = 0;
}

static int is_blank_line(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != '\n' && s[i] != '\r')
            return 0;
    return 1;
}

/* Feeds data[0..len) to the parser a physical line at a time, so that each
 * row knows the line it starts on; data ends at a line's end, or is the
 * input's last piece. */
static at_status feed(struct csv_parser *p, reader *r, const char *name, const char *data,
                      size_t len, at_err *err)
{
    if (!r->started) {
        r->started = 1;
        if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
            data += 3;
            len -= 3;
        }
    }
    size_t pos = 0;
    while (pos < len && !r->stop) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) + 1 : len;
        r->line++;
        if (!r->in_row && !is_blank_line(data + pos, end - pos)) {
            r->in_row = 1;
            r->row_line = r->line;
        }
        if (csv_parse(p, data + pos, end - pos, on_field, on_row, r) != end - pos)
            return at_fail(err, AT_EINVAL, "'%s' line %ld: %s", name, r->row_line,
                           csv_error(p) == CSV_EPARSE
                               ? "malformed CSV (a quote is misplaced or not closed)"
                               : csv_strerror(csv_error(p)));
        pos = end;
    }
    return AT_OK;
}

static at_status start(struct csv_parser *p, reader *r, const char *name, csvin_row_fn fn,
                       void *ctx, at_err *err)
{
    memset(r, 0, sizeof *r);
    r->fn = fn;
    r->ctx = ctx;
    if (csv_init(p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
        return at_fail(err, AT_ENOMEM, "'%s': cannot start the CSV parser", name);
    return AT_OK;
}

static at_status finish(struct csv_parser *p, reader *r, const char *name, at_status st,
                        at_err *err)
{
    if (st == AT_OK && !r->stop && csv_fini(p, on_field, on_row, r) != 0)
        st = at_fail(err, AT_EINVAL,
                     "'%s' line %ld: malformed CSV (a quoted field is not closed)", name,
                     r->row_line);
    sbuf_release(&r->cells);
    free(r->offs);
    free(r->fields);
    csv_free(p);
    return st;
}

at_status csvin_read_mem(const char *name, const char *data, size_t len,
                         csvin_row_fn fn, void *ctx, at_err *err)
{
    struct csv_parser p;
    reader r;
    at_status st = start(&p, &r, name, fn, ctx, err);
    if (st != AT_OK)
        return st;
    return finish(&p, &r, name, feed(&p, &r, name, data, len, err), err);
}

/* The file is read in pieces; each piece is fed up to its last line end,
 * and the rest goes before the next piece, so memory stays the size of a
 * piece and a line, whatever the file's size. */
enum { READ_PIECE = 1 << 16 };

at_status csvin_read_file(const char *path, csvin_row_fn fn, void *ctx, at_err *err)
{
    const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!fp)
        return at_fail(err, AT_EIO, "'%s': %s", name, strerror(errno));
    struct csv_parser p;
    reader r;
    at_status st = start(&p, &r, name, fn, ctx, err);
    sbuf buf = SBUF_INIT;
    while (st == AT_OK && !r.stop) {
        sbuf_grow(&buf, READ_PIECE);
        size_t got = fread(buf.buf + buf.len, 1, READ_PIECE, fp);
        buf.len += got;
        if (got == 0) {
            if (ferror(fp))
                st = at_fail(err, AT_EIO, "'%s': read error", name);
            else if (buf.len)
                st = feed(&p, &r, name, buf.buf, buf.len, err);
            break;
        }
        const char *last = NULL;
        for (size_t i = buf.len; i > buf.len - got; i--)
            if (buf.buf[i - 1] == '\n') {
                last = buf.buf + i;
                break;
            }
        if (!last)
            continue;   /* a line longer than the piece: read on */
        size_t whole = (size_t)(last - buf.buf);
        st = feed(&p, &r, name, buf.buf, whole, err);
        memmove(buf.buf, buf.buf + whole, buf.len - whole);
        buf.len -= whole;
    }
    sbuf_release(&buf);
    if (fp != stdin)
        fclose(fp);
    return finish(&p, &r, name, st, err);
}

void csvout_init_file(csvout *w, FILE *fp)
{
    w->fp = fp;
    w->buf = NULL;
    w->nfields = 0;
    w->len = 0;
}

void csvout_init_buf(csvout *w, sbuf *buf)
{
    w->fp = NULL;
    w->buf = buf;
    w->nfields = 0;
    w->len = 0;
}

static void flush_row(csvout *w)
{
    if (w->len)
        fwrite(w->row, 1, w->len, w->fp);
    w->len = 0;
}

static void put(csvout *w, const char *s, size_t n)
{
    if (!w->fp) {
        sbuf_add(w->buf, s, n);
        return;
    }
    if (n > sizeof w->row - w->len) {
        flush_row(w);
        if (n > sizeof w->row) {
            fwrite(s, 1, n, w->fp);
            return;
        }
    }
    memcpy(w->row + w->len, s, n);
    w->len += n;
}

static void put_comma(csvout *w)
{
    if (w->nfields++)
        put(w, ",", 1);
}

/* The characters that make a field need quotes anywhere in it. */
static const unsigned char quote_char[256] = { [','] = 1, ['"'] = 1, ['\r'] = 1, ['\n'] = 1 };

void csvout_field(csvout *w, const char *s)
{
    put_comma(w);
    if (!s || !*s)
        return;
    /* its length and whether it needs quotes, in one pass over short cells */
    size_t n = 0;
    unsigned char special = 0;
    for (; s[n]; n++)
        special |= quote_char[(unsigned char)s[n]];
    if (!special && s[0] != ' ' && s[n - 1] != ' ') {
        put(w, s, n);
        return;
    }
    /* csv_write: quoted form, inner quotes doubled; worst case 2n + 2 bytes */
    size_t cap = 2 * n + 2;
    char stackbuf[512];
    char *dst = cap <= sizeof stackbuf ? stackbuf : xmalloc(cap);
    size_t m = csv_write(dst, cap, s, n);
    put(w, dst, m);
    if (dst != stackbuf)
        free(dst);
}

void csvout_num(csvout *w, double x)
{
    /* %.15g writes digits, '-', '.', 'e' and '+', which never need quotes;
     * only a locale with a decimal comma would make a field that does */
    char buf[32];
    size_t n = strlen(fmt_num(x, buf));
    if (memchr(buf, ',', n)) {
        csvout_field(w, buf);
        return;
    }
    put_comma(w);
    put(w, buf, n);
}

void csvout_int(csvout *w, long x)
{
    /* digits and a sign never need quotes */
    char buf[32];
    size_t n = fmt_int(x, buf);
    put_comma(w);
    put(w, buf, n);
}

void csvout_fields(csvout *w, const char *text, size_t len, int n)
{
    if (n <= 0)
        return;
    if (w->nfields)
        put(w, ",", 1);
    w->nfields += n;
    put(w, text, len);
}

void csvout_end(csvout *w)
{
    put(w, "\n", 1);
    w->nfields = 0;
    if (w->fp)
        flush_row(w);
}

void csvout_row(csvout *w, const char *const *fields, size_t n)
{
    for (size_t i = 0; i < n; i++)
        csvout_field(w, fields[i]);
    csvout_end(w);
}
