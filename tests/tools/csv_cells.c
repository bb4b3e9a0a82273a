/* csv_cells: prints a CSV file cell by cell, so that end-to-end cases can
 * compare two files whose columns or rows come in another order.
 *
 * usage: csv_cells [--key COL,COL...] [--only COL,COL...] [--drop COL,COL...] FILE
 *
 * Each non-blank cell of a data row becomes one line "KEY | COLUMN = VALUE",
 * KEY being the row's values in the --key columns joined by '/' (the row's
 * line number without --key); --only keeps just the columns listed,
 * --drop leaves those out.  Newlines in a value are shown as \n.  The
 * lines are printed sorted (LC_ALL=C sort order), so the order of rows and
 * columns in the file does not matter. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvio.h"

typedef struct lister {
    char **names;
    size_t nnames;
    const char *key, *only, *drop;
    long *keycols;
    size_t nkeys;
    char **lines;
    size_t nlines, cap;
} lister;

/* Whether name is in the comma-separated list. */
static int listed(const char *list, const char *name)
{
    if (!list)
        return 0;
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && strncmp(p, name, n) == 0)
            return 1;
        if (!e)
            break;
        p = e + 1;
    }
    return 0;
}

static void add_line(lister *l, char *s)
{
    if (l->nlines == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 256;
        l->lines = xrealloc(l->lines, l->cap * sizeof *l->lines);
    }
    l->lines[l->nlines++] = s;
}

static int on_row(const csvrow *row, void *ctx)
{
    lister *l = ctx;
    if (row->index == 0) {
        l->nnames = row->n;
        l->names = xcalloc(row->n ? row->n : 1, sizeof *l->names);
        for (size_t i = 0; i < row->n; i++)
            l->names[i] = xstrdup(row->fields[i]);
        for (const char *p = l->key; p && *p;) {
            const char *e = strchr(p, ',');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            long col = -1;
            for (size_t i = 0; i < row->n; i++)
                if (strlen(row->fields[i]) == len && strncmp(row->fields[i], p, len) == 0)
                    col = (long)i;
            l->keycols = xrealloc(l->keycols, (l->nkeys + 1) * sizeof *l->keycols);
            l->keycols[l->nkeys++] = col;
            if (!e)
                break;
            p = e + 1;
        }
        return 0;
    }
    sbuf key = SBUF_INIT;
    if (!l->nkeys)
        sbuf_addf(&key, "line %ld", row->line);
    for (size_t k = 0; k < l->nkeys; k++) {
        long c = l->keycols[k];
        sbuf_addf(&key, "%s%s", k ? "/" : "", c >= 0 && (size_t)c < row->n ? row->fields[c] : "");
    }
    for (size_t i = 0; i < row->n && i < l->nnames; i++) {
        if (!row->fields[i][0] || (l->only && !listed(l->only, l->names[i])) ||
            listed(l->drop, l->names[i]))
            continue;
        sbuf line = SBUF_INIT;
        sbuf_addf(&line, "%s | %s = ", sbuf_str(&key), l->names[i]);
        for (const char *p = row->fields[i]; *p; p++) {
            if (*p == '\n')
                sbuf_adds(&line, "\\n");
            else
                sbuf_addc(&line, *p);
        }
        add_line(l, sbuf_detach(&line));
    }
    sbuf_release(&key);
    return 0;
}

static int by_text(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    lister l = { 0 };
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--key") == 0 && i + 1 < argc)
            l.key = argv[++i];
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
            l.only = argv[++i];
        else if (strcmp(argv[i], "--drop") == 0 && i + 1 < argc)
            l.drop = argv[++i];
        else if (!path)
            path = argv[i];
        else
            path = NULL, i = argc;
    }
    if (!path) {
        fputs("usage: csv_cells [--key COLS] [--only COLS] [--drop COLS] FILE\n", stderr);
        return 2;
    }
    at_err err;
    if (csvin_read_file(path, on_row, &l, &err) != AT_OK) {
        fprintf(stderr, "csv_cells: %s\n", err.msg);
        return 1;
    }
    if (l.nlines)
        qsort(l.lines, l.nlines, sizeof *l.lines, by_text);
    for (size_t i = 0; i < l.nlines; i++) {
        puts(l.lines[i]);
        free(l.lines[i]);
    }
    for (size_t i = 0; i < l.nnames; i++)
        free(l.names[i]);
    free(l.names);
    free(l.lines);
    free(l.keycols);
    return 0;
}
