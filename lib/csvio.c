/* csvio.c: CSV reading and writing on top of libcsv. */
#include "csvio.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

typedef struct reader {
    csvin_row_fn fn;
    void *ctx;
    char **fields;
    size_t n, cap;
    long line;        /* physical line being fed */
    long row_line;    /* line the current row started on */
    int in_row;
    size_t index;
    int stop;
} reader;

static void on_field(void *s, size_t len, void *data)
{
    reader *r = data;
    if (r->stop)
        return;
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 32;
        r->fields = xrealloc(r->fields, r->cap * sizeof *r->fields);
    }
    r->fields[r->n++] = xstrndup(s ? s : "", s ? len : 0);
}

static void clear_fields(reader *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->fields[i]);
    r->n = 0;
}

static void on_row(int c, void *data)
{
    (void)c;
    reader *r = data;
    if (!r->stop) {
        csvrow row = { r->fields, r->n, r->row_line, r->index++ };
        if (r->fn(&row, r->ctx))
            r->stop = 1;
    }
    clear_fields(r);
    r->in_row = 0;
}

static int is_blank_line(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != '\n' && s[i] != '\r')
            return 0;
    return 1;
}

at_status csvin_read_mem(const char *name, const char *data, size_t len,
                         csvin_row_fn fn, void *ctx, at_err *err)
{
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
        return at_fail(err, AT_ENOMEM, "'%s': cannot start the CSV parser", name);
    reader r = { .fn = fn, .ctx = ctx, .line = 0 };
    at_status st = AT_OK;

    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
    }
    size_t pos = 0;
    while (pos < len && !r.stop) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) + 1 : len;
        r.line++;
        if (!r.in_row && !is_blank_line(data + pos, end - pos)) {
            r.in_row = 1;
            r.row_line = r.line;
        }
        if (csv_parse(&p, data + pos, end - pos, on_field, on_row, &r) != end - pos) {
            st = at_fail(err, AT_EINVAL, "'%s' line %ld: %s", name, r.row_line,
                         csv_error(&p) == CSV_EPARSE ? "malformed CSV (a quote is misplaced or not closed)"
                                                     : csv_strerror(csv_error(&p)));
            goto out;
        }
        pos = end;
    }
    if (!r.stop && csv_fini(&p, on_field, on_row, &r) != 0) {
        st = at_fail(err, AT_EINVAL, "'%s' line %ld: malformed CSV (a quoted field is not closed)",
                     name, r.row_line);
        goto out;
    }
out:
    clear_fields(&r);
    free(r.fields);
    csv_free(&p);
    return st;
}

at_status csvin_read_file(const char *path, csvin_row_fn fn, void *ctx, at_err *err)
{
    char *data = NULL;
    size_t len = 0;
    at_status st;
    if (strcmp(path, "-") == 0) {
        path = "<stdin>";
        st = read_stream(stdin, path, &data, &len, err);
    } else {
        st = read_file(path, &data, &len, err);
    }
    if (st != AT_OK)
        return st;
    st = csvin_read_mem(path, data, len, fn, ctx, err);
    free(data);
    return st;
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
