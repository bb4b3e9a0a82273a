/* csvio.c: CSV reading and writing on top of libcsv. */
/* fwrite_unlocked (glibc's, and the BSDs'): the tables are written by one
 * thread each, and a locked fwrite per row costs a tenth of writing it */
#define _DEFAULT_SOURCE
#include "csvio.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct reader {
    const char *name;
    csvin_row_fn fn;
    void *ctx;
    sbuf cells;       /* the current row's fields, each NUL-terminated */
    size_t *offs;     /* where each starts in cells */
    char **fields;
    size_t n, cap;
    char **head;      /* the header row, for naming columns in messages */
    size_t nhead;
    long line;        /* physical line being fed */
    long row_line;    /* line the current row started on */
    int in_row;
    int mid_line;     /* the last piece fed ended inside a line */
    size_t index;
    int stop;
    int started;      /* past the start of the input (and its byte order mark) */
    int semicolons;   /* the file is separated by semicolons */
    int sniff;        /* look at the header for semicolons (CSVIN_SEMICOLONS) */
    char eol;         /* the byte lines end with: '\n' (also after '\r'), or '\r' in a
                         file whose lines end with it alone (classic Mac OS, and
                         spreadsheets' "CSV (Macintosh)") */
    at_status st;     /* a cell that cannot be read stops the reading */
    at_err *err;
} reader;

/* The column of field number i of the current row, for messages: the
 * header's name when there is one, else "column N". */
static void column_name(const reader *r, size_t i, char *buf, size_t n)
{
    if (r->index > 0 && i < r->nhead && r->head[i][0])
        snprintf(buf, n, "'%.200s'", r->head[i]);
    else
        snprintf(buf, n, "column %zu", i + 1);
}

/* Stops the reading with a message about the current field of the row. */
static void cell_fail(reader *r, long line, const char *why)
{
    char col[224];
    column_name(r, r->n, col, sizeof col);
    r->st = at_fail(r->err, AT_EINVAL, "'%s' line %ld: %s: %s", r->name, line, col, why);
    r->stop = 1;
}

/* The line of byte off of the cell s[0..len) that ended on the line being
 * fed. */
static long line_at(const reader *r, const char *s, size_t len, size_t off)
{
    long line = r->line;
    for (size_t k = off; k < len; k++)
        line -= s[k] == r->eol;
    return line;
}

static const char too_long[] = "the cell is longer than 1 MB (1048576 bytes), the most attune "
                               "reads in one cell";

/* A cell must be UTF-8 text without NUL bytes, at most CSVIN_MAX_CELL bytes
 * (a cell still being read is also checked for length as it grows). */
static int cell_ok(reader *r, const char *s, size_t len)
{
    char why[256];
    /* most cells are short ASCII text: one pass tells */
    size_t k = 0;
    while (k < len && (unsigned char)(s[k] - 1) < 0x7F)
        k++;
    if (k == len && len <= CSVIN_MAX_CELL)
        return 1;
    if (len > CSVIN_MAX_CELL) {
        cell_fail(r, line_at(r, s, len, 0), too_long);
        return 0;
    }
    const char *nul = memchr(s, '\0', len);
    if (nul) {
        cell_fail(r, line_at(r, s, len, (size_t)(nul - s)),
                  "the cell holds a NUL byte (a zero byte), which text never has: the file is "
                  "damaged or not a text file");
        return 0;
    }
    size_t bad = utf8_check(s, len);
    if (bad < len) {
        snprintf(why, sizeof why, "not UTF-8 text (byte %zu of the cell is 0x%02X); attune "
                 "reads UTF-8 only: save the file as UTF-8 (e.g. 'CSV UTF-8'), or convert it "
                 "with iconv, e.g. 'iconv -f WINDOWS-1252 -t UTF-8'", bad + 1,
                 (unsigned char)s[bad]);
        cell_fail(r, line_at(r, s, len, bad), why);
        return 0;
    }
    return 1;
}

/* Fields are copied into one buffer per row (the parser owns its own), so a
 * row costs no allocation once the buffer has grown to the widest row. */
static void on_field(void *s, size_t len, void *data)
{
    reader *r = data;
    if (r->stop)
        return;
    if (s && !cell_ok(r, s, len))
        return;
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 32;
        r->offs = xrealloc(r->offs, r->cap * sizeof *r->offs);
        r->fields = xrealloc(r->fields, r->cap * sizeof *r->fields);
    }
    r->offs[r->n++] = r->cells.len;
    if (!s)
        len = 0;
    sbuf_grow(&r->cells, len + 1);
    if (len)
        memcpy(r->cells.buf + r->cells.len, s, len);
    r->cells.len += len + 1;
    r->cells.buf[r->cells.len - 1] = '\0';
    r->cells.buf[r->cells.len] = '\0';
}

static void on_row(int c, void *data)
{
    (void)c;
    reader *r = data;
    if (!r->stop) {
        for (size_t i = 0; i < r->n; i++)
            r->fields[i] = r->cells.buf + r->offs[i];
        if (r->index == 0) {
            r->head = xcalloc(r->n ? r->n : 1, sizeof *r->head);
            for (size_t i = 0; i < r->n; i++)
                r->head[i] = xstrdup(r->fields[i]);
            r->nhead = r->n;
        }
        csvrow row = { r->fields, r->n, r->row_line, r->index++, r->semicolons };
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

/* Text in UTF-16 or UTF-32, told by its byte order mark or, without one, by
 * the zero bytes around the first character (a CSV file starts with ASCII
 * text): its name for iconv, NULL when the data is none of them. */
static const char *wide_encoding(const unsigned char *d, size_t len)
{
    if (len >= 4 && d[0] == 0 && d[1] == 0 && d[2] == 0xFE && d[3] == 0xFF)
        return "UTF-32BE";
    if (len >= 4 && d[0] == 0xFF && d[1] == 0xFE && d[2] == 0 && d[3] == 0)
        return "UTF-32LE";
    if (len >= 2 && d[0] == 0xFE && d[1] == 0xFF)
        return "UTF-16BE";
    if (len >= 2 && d[0] == 0xFF && d[1] == 0xFE)
        return "UTF-16LE";
    /* no mark: ASCII text with zero bytes between (the first two characters) */
    if (len >= 8 && d[0] && !d[1] && !d[2] && !d[3] && d[4] && !d[5] && !d[6] && !d[7])
        return "UTF-32LE";
    if (len >= 8 && !d[0] && !d[1] && !d[2] && d[3] && !d[4] && !d[5] && !d[6] && d[7])
        return "UTF-32BE";
    if (len >= 4 && d[0] && !d[1] && d[2] && !d[3])
        return "UTF-16LE";
    if (len >= 4 && !d[0] && d[1] && !d[2] && d[3])
        return "UTF-16BE";
    return NULL;
}

/* Feeds at most this much to libcsv at a time, so that an overlong cell is
 * found after reading a little more than the limit, not all of it; libcsv
 * also grows a cell's buffer by this much at a time (128 bytes by default,
 * which makes a long cell slow to read). */
enum { FEED_MAX = 1 << 16 };

/* Whether the first line is separated by semicolons, as spreadsheets in
 * many European locales save CSV: it has a semicolon and no comma outside
 * quotes. */
static int semicolon_header(const char *data, size_t len)
{
    int quoted = 0, semi = 0;
    for (size_t i = 0; i < len && (quoted || (data[i] != '\n' && data[i] != '\r')); i++) {
        if (data[i] == '"')
            quoted = !quoted;
        else if (!quoted && data[i] == ',')
            return 0;
        else if (!quoted && data[i] == ';')
            semi = 1;
    }
    return semi;
}

/* Whether the first line of data ends with a carriage return alone. */
static int cr_lines(const char *data, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (data[i] == '\n')
            return 0;
        else if (data[i] == '\r')
            return i + 1 < len && data[i + 1] != '\n';
    return 0;
}

/* Feeds data[0..len) to the parser a physical line at a time, so that each
 * row knows the line it starts on; data may end inside a line, which the
 * next piece goes on with.  Returns the first error: malformed CSV, or a
 * cell that cannot be read (r->st). */
static at_status feed(struct csv_parser *p, reader *r, const char *data, size_t len,
                      at_err *err)
{
    if (!r->started) {
        r->started = 1;
        const char *wide = wide_encoding((const unsigned char *)data, len);
        if (wide)
            return at_fail(err, AT_EINVAL, "'%s': the file is %s text, and attune reads UTF-8 "
                           "only: convert it with 'iconv -f %s -t UTF-8 \"%s\" > new.csv', or "
                           "save it from the spreadsheet as 'CSV UTF-8'", r->name, wide, wide,
                           r->name);
        if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
            data += 3;
            len -= 3;
        }
        if (r->sniff && semicolon_header(data, len)) {
            csv_set_delim(p, ';');
            r->semicolons = 1;
        }
        r->eol = cr_lines(data, len) ? '\r' : '\n';
    }
    size_t pos = 0;
    while (pos < len && !r->stop) {
        const char *nl = memchr(data + pos, r->eol, len - pos);
        size_t end = nl ? (size_t)(nl - data) + 1 : len;
        if (!r->mid_line)
            r->line++;
        if (!r->in_row && !is_blank_line(data + pos, end - pos)) {
            r->in_row = 1;
            r->row_line = r->line;
        }
        for (size_t at = pos; at < end && !r->stop;) {
            size_t n = end - at > FEED_MAX ? FEED_MAX : end - at;   /* a long line in pieces */
            if (csv_parse(p, data + at, n, on_field, on_row, r) != n)
                return at_fail(err, AT_EINVAL, "'%s' line %ld: %s", r->name, r->row_line,
                               csv_error(p) == CSV_EPARSE
                                   ? "malformed CSV (a quote is misplaced or not closed)"
                                   : csv_strerror(csv_error(p)));
            if (!r->stop && p->entry_pos > CSVIN_MAX_CELL)
                cell_fail(r, r->row_line, too_long);
            at += n;
        }
        r->mid_line = !nl;
        pos = end;
    }
    return r->st;
}

static at_status start(struct csv_parser *p, reader *r, const char *name, csvin_row_fn fn,
                       void *ctx, at_err *err)
{
    memset(r, 0, sizeof *r);
    r->name = name;
    r->fn = fn;
    r->ctx = ctx;
    r->st = AT_OK;
    r->err = err;
    if (csv_init(p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
        return at_fail(err, AT_ENOMEM, "'%s': cannot start the CSV parser", name);
    csv_set_blk_size(p, FEED_MAX);
    return AT_OK;
}

static at_status finish(struct csv_parser *p, reader *r, at_status st, at_err *err)
{
    if (st == AT_OK && !r->stop && csv_fini(p, on_field, on_row, r) != 0)
        st = at_fail(err, AT_EINVAL,
                     "'%s' line %ld: malformed CSV (a quoted field is not closed)", r->name,
                     r->row_line);
    if (st == AT_OK)
        st = r->st;
    sbuf_release(&r->cells);
    free(r->offs);
    free(r->fields);
    for (size_t i = 0; i < r->nhead; i++)
        free(r->head[i]);
    free(r->head);
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
    return finish(&p, &r, feed(&p, &r, data, len, err), err);
}

/* The file is read in pieces; each piece is fed up to its last line end,
 * and the rest goes before the next piece, so memory stays the size of a
 * piece and a line, whatever the file's size.  A line longer than
 * LONG_LINE is fed in parts as it comes, so that an overlong cell is
 * refused before all of it has been read. */
enum { READ_PIECE = 1 << 16, LONG_LINE = 1 << 18 };

at_status csvin_read_file(const char *path, csvin_row_fn fn, void *ctx, at_err *err)
{
    return csvin_read_file_as(path, 0, fn, ctx, err);
}

at_status csvin_read_file_as(const char *path, unsigned flags, csvin_row_fn fn, void *ctx,
                             at_err *err)
{
    const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!fp)
        return at_fail(err, AT_EIO, "'%s': %s", name, strerror(errno));
    struct csv_parser p;
    reader r;
    at_status st = start(&p, &r, name, fn, ctx, err);
    r.sniff = (flags & CSVIN_SEMICOLONS) != 0;
    sbuf buf = SBUF_INIT;
    while (st == AT_OK && !r.stop) {
        sbuf_grow(&buf, READ_PIECE);
        errno = 0;
        size_t got = fread(buf.buf + buf.len, 1, READ_PIECE, fp);
        buf.len += got;
        if (got == 0) {
            if (ferror(fp))
                st = at_fail(err, AT_EIO, "'%s': cannot read: %s", name,
                             errno ? strerror(errno) : "read error");
            else if (buf.len)
                st = feed(&p, &r, buf.buf, buf.len, err);
            break;
        }
        const char *last = NULL;
        char eol = r.started ? r.eol : '\n';
        for (size_t i = buf.len; i > buf.len - got; i--)
            if (buf.buf[i - 1] == eol) {
                last = buf.buf + i;
                break;
            }
        if (!last && buf.len < LONG_LINE)
            continue;   /* a line longer than the piece: read on */
        size_t whole = last ? (size_t)(last - buf.buf) : buf.len;
        st = feed(&p, &r, buf.buf, whole, err);
        memmove(buf.buf, buf.buf + whole, buf.len - whole);
        buf.len -= whole;
    }
    sbuf_release(&buf);
    if (fp != stdin)
        fclose(fp);
    return finish(&p, &r, st, err);
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

#if defined(__GLIBC__) || defined(__FreeBSD__) || defined(__NetBSD__) || defined(__OpenBSD__)
#define row_write fwrite_unlocked
#else
#define row_write fwrite
#endif

static void flush_row(csvout *w)
{
    if (w->len)
        row_write(w->row, 1, w->len, w->fp);
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
            row_write(s, 1, n, w->fp);
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

void csvout_field(csvout *w, const char *s)
{
    put_comma(w);
    if (!s || !*s)
        return;
    /* the run without a character that needs quotes: the whole cell, its
     * length, when it needs none (strcspn reads many bytes a step) */
    size_t n = strcspn(s, ",\"\r\n");
    unsigned char special = s[n] != '\0';
    if (special)
        n += strlen(s + n);
    /* libcsv drops spaces and tabs around a cell that is not quoted, and a
     * reader drops a byte order mark at the start of a file */
    if (!special && s[0] != ' ' && s[0] != '\t' && s[n - 1] != ' ' && s[n - 1] != '\t' &&
        !(n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)) {
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
