/* store_pack.c: an administration's answers as one value, and each
 * version's column names.
 *
 * The value is a JSON array in the version's column order: a string per
 * answer, null for a blank, trailing blanks left out ("[\"4\",null,\"2\"]").
 * JSON because SQLite reads it without help (json_each), so the responses
 * view and anyone with sqlite3 or R's DBI can unpack it by name. */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

static const char hexdig[] = "0123456789abcdef";

void store_pack(sbuf *out, const char *const *values, size_t n)
{
    sbuf_reset(out);
    store_pack_append(out, values, n);
}

void store_pack_append(sbuf *out, const char *const *values, size_t n)
{
    size_t last = n;
    while (last > 0 && !(values[last - 1] && values[last - 1][0]))
        last--;
    sbuf_grow(out, 2);
    char *w = out->buf + out->len;
    *w++ = '[';
    for (size_t i = 0; i < last; i++) {
        const char *v = values[i];
        size_t len = v ? strlen(v) : 0;
        /* room for a comma, the value with each byte escaped in at most 6,
         * its quotes and the closing bracket */
        out->len = (size_t)(w - out->buf);
        sbuf_grow(out, 6 * len + 5);
        w = out->buf + out->len;
        if (i)
            *w++ = ',';
        if (!len) {
            memcpy(w, "null", 4);
            w += 4;
            continue;
        }
        *w++ = '"';
        for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
            unsigned char c = *p;
            if (c >= 0x20 && c != '"' && c != '\\') {
                *w++ = (char)c;
            } else if (c == '"' || c == '\\') {
                *w++ = '\\';
                *w++ = (char)c;
            } else if (c == '\n' || c == '\t' || c == '\r') {
                *w++ = '\\';
                *w++ = c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
            } else {
                memcpy(w, "\\u00", 4);
                w[4] = hexdig[c >> 4];
                w[5] = hexdig[c & 15];
                w += 6;
            }
        }
        *w++ = '"';
    }
    *w++ = ']';
    out->len = (size_t)(w - out->buf);
    *w = '\0';
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int read_hex4(const char *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(p[i]);
        if (h < 0)
            return 0;
        v = v * 16 + (unsigned)h;
    }
    *out = v;
    return 1;
}

/* Unescapes the string that starts after the quote at *pp, in place (the
 * text never grows); returns its start, NUL-terminated, with *pp after the
 * closing quote, or NULL when it is not a JSON string. */
static char *unescape(char **pp)
{
    char *r = *pp, *w = *pp, *start = *pp;
    for (;;) {
        char c = *r;
        if (c == '"') {
            *w = '\0';
            *pp = r + 1;
            return start;
        }
        if (c == '\0')
            return NULL;
        if (c != '\\') {
            *w++ = *r++;
            continue;
        }
        r++;
        switch (*r) {
        case '"': case '\\': case '/':
            *w++ = *r++;
            break;
        case 'b': *w++ = '\b'; r++; break;
        case 'f': *w++ = '\f'; r++; break;
        case 'n': *w++ = '\n'; r++; break;
        case 'r': *w++ = '\r'; r++; break;
        case 't': *w++ = '\t'; r++; break;
        case 'u': {
            unsigned cp, lo;
            if (!read_hex4(r + 1, &cp))
                return NULL;
            r += 5;
            if (cp >= 0xD800 && cp < 0xDC00 && r[0] == '\\' && r[1] == 'u' &&
                read_hex4(r + 2, &lo) && lo >= 0xDC00 && lo < 0xE000) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                r += 6;
            }
            if (cp == 0)
                cp = 0xFFFD;   /* a NUL cannot be in an answer: shown as the replacement mark */
            w = utf8_put(w, cp);
            break;
        }
        default:
            return NULL;
        }
    }
}

static char *skip_space(char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return p;
}

int store_unpack(char *text, const char **vals, size_t n)
{
    for (size_t i = 0; i < n; i++)
        vals[i] = NULL;
    char *p = skip_space(text);
    if (*p++ != '[')
        return 0;
    p = skip_space(p);
    if (*p == ']')
        return 1;
    for (size_t i = 0;; i++) {
        p = skip_space(p);
        const char *v = NULL;
        if (*p == '"') {
            p++;
            if (!(v = unescape(&p)))
                return 0;
        } else if (p[0] == 'n' && p[1] == 'u' && p[2] == 'l' && p[3] == 'l') {
            /* (compared by hand: strncmp's call costs more than the rest of a
             * blank answer's reading) */
            p += 4;
        } else {
            /* a number or literal someone wrote by hand: its text */
            char *start = p;
            while (*p && *p != ',' && *p != ']' && *p != ' ' && *p != '\t' && *p != '\n' &&
                   *p != '\r')
                p++;
            if (p == start)
                return 0;
            v = start;
        }
        char *sep = skip_space(p);
        char c = *sep;
        if (c != ',' && c != ']')
            return 0;
        if (v)
            *p = '\0';   /* ends a bare value (the separator is kept in c) */
        if (v && *v && i < n)
            vals[i] = v;
        if (c == ']')
            return 1;
        p = sep + 1;
    }
}

/* ---- column names of versions --------------------------------------------- */

const store_cols *store_cols_get(store *s, long instrument_id, at_err *err)
{
    for (size_t i = 0; i < s->ncols; i++)
        if (s->cols[i]->id == instrument_id)
            return s->cols[i];
    db_stmt *st = store_stmt(s, ST_COLS_GET, err);
    if (!st)
        return NULL;
    db_bind_int64(st, 1, instrument_id);
    store_cols c = { instrument_id, 0, NULL };
    size_t cap = 0;
    int step;
    while ((step = db_step(st)) == DB_ROW) {
        if (c.n == cap) {
            cap = cap ? 2 * cap : 16;
            c.names = xrealloc(c.names, cap * sizeof *c.names);
        }
        c.names[c.n++] = xstrdup(store_col(st, 0));
    }
    db_reset(st);
    if (step != DB_DONE) {
        for (size_t k = 0; k < c.n; k++)
            free(c.names[k]);
        free(c.names);
        store_dberr(s, err);
        return NULL;
    }
    if (s->ncols == s->colscap) {
        s->colscap = s->colscap ? 2 * s->colscap : 4;
        s->cols = xrealloc(s->cols, s->colscap * sizeof *s->cols);
    }
    s->cols[s->ncols] = xmalloc(sizeof c);
    *s->cols[s->ncols] = c;
    return s->cols[s->ncols++];
}

void store_cols_forget(store *s)
{
    for (size_t i = 0; i < s->ncols; i++) {
        for (size_t k = 0; k < s->cols[i]->n; k++)
            free(s->cols[i]->names[k]);
        free(s->cols[i]->names);
        free(s->cols[i]);
    }
    s->ncols = 0;
}

long store_cols_find(const store_cols *c, const char *name)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->names[i], name) == 0)
            return (long)i;
    return -1;
}
