/* libFuzzer harness for the CSV readers and the writer: any bytes as a CSV
 * file.  The file reader, which reads in pieces, must give the same rows
 * (cells and line numbers) and the same outcome as the reader of a buffer;
 * an input starting with byte 1 is repeated to over 300 KB first (byte 2:
 * 140 KB), so that rows, cells and long lines cross the file reader's
 * pieces.  What the readers accept
 * must survive a round trip: every row written with csvout and read back
 * gives the same cells.  (A row of one empty cell is written as an empty
 * line, which reads as no row: such rows are left out of the comparison.) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvio.h"

typedef struct table {
    char ***rows;
    size_t *ncells;
    long *lines;
    size_t n, cap;
} table;

static char file_path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    snprintf(file_path, sizeof file_path, "/tmp/attune-fuzz-csv.XXXXXX");
    int fd = mkstemp(file_path);
    if (fd < 0)
        abort();
    close(fd);
    return 0;
}

static int keep_row(const csvrow *row, void *ctx)
{
    table *t = ctx;
    if (row->n == 1 && !row->fields[0][0])
        return 0;
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 16;
        t->rows = xrealloc(t->rows, t->cap * sizeof *t->rows);
        t->ncells = xrealloc(t->ncells, t->cap * sizeof *t->ncells);
        t->lines = xrealloc(t->lines, t->cap * sizeof *t->lines);
    }
    t->lines[t->n] = row->line;
    t->rows[t->n] = xcalloc(row->n, sizeof **t->rows);
    for (size_t i = 0; i < row->n; i++)
        t->rows[t->n][i] = xstrdup(row->fields[i]);
    t->ncells[t->n++] = row->n;
    return 0;
}

static void table_release(table *t)
{
    for (size_t r = 0; r < t->n; r++) {
        for (size_t i = 0; i < t->ncells[r]; i++)
            free(t->rows[r][i]);
        free(t->rows[r]);
    }
    free(t->rows);
    free(t->ncells);
    free(t->lines);
}

/* Whether two readings gave the same rows; prints the first difference. */
static int same_rows(const table *a, const table *b, int lines)
{
    if (a->n != b->n) {
        fprintf(stderr, "%zu rows, then %zu\n", a->n, b->n);
        return 0;
    }
    for (size_t r = 0; r < a->n; r++) {
        if (a->ncells[r] != b->ncells[r] || (lines && a->lines[r] != b->lines[r])) {
            fprintf(stderr, "row %zu: %zu cells on line %ld, then %zu on line %ld\n", r,
                    a->ncells[r], a->lines[r], b->ncells[r], b->lines[r]);
            return 0;
        }
        for (size_t i = 0; i < a->ncells[r]; i++)
            if (strcmp(a->rows[r][i], b->rows[r][i]) != 0) {
                fprintf(stderr, "row %zu cell %zu: '%s', then '%s'\n", r, i, a->rows[r][i],
                        b->rows[r][i]);
                return 0;
            }
    }
    return 1;
}

/* Reads data[0..len) as a file, through csvin_read_file. */
static at_status read_as_file(const char *data, size_t len, table *t, at_err *err)
{
    FILE *fp = fopen(file_path, "wb");
    if (!fp || fwrite(data, 1, len, fp) != len || fclose(fp) != 0)
        abort();
    return csvin_read_file(file_path, keep_row, t, err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    table first = { 0 }, second = { 0 }, infile = { 0 };
    at_err err, ferr;
    const char *text = (const char *)data;
    size_t len = size;
    char *big = NULL;
    if (size > 1 && (data[0] == 1 || data[0] == 2)) {
        size_t times = (data[0] == 1 ? 300000 : 140000) / (size - 1) + 1;
        big = xmalloc(times * (size - 1));
        for (size_t k = 0; k < times; k++)
            memcpy(big + k * (size - 1), data + 1, size - 1);
        text = big;
        len = times * (size - 1);
    }
    at_status st = csvin_read_mem("fuzz.csv", text, len, keep_row, &first, &err);
    at_status fst = read_as_file(text, len, &infile, &ferr);
    if (st != fst || (st == AT_OK && !same_rows(&first, &infile, 1))) {
        fprintf(stderr, "reading a buffer: %d %s; reading a file: %d %s\n", st,
                st ? err.msg : "", fst, fst ? ferr.msg : "");
        abort();
    }
    if (st == AT_OK) {
        sbuf out = SBUF_INIT;
        csvout w;
        csvout_init_buf(&w, &out);
        for (size_t r = 0; r < first.n; r++)
            csvout_row(&w, (const char *const *)first.rows[r], first.ncells[r]);
        if (csvin_read_mem("again.csv", sbuf_str(&out), out.len, keep_row, &second, &err) !=
            AT_OK) {
            fprintf(stderr, "what csvout wrote does not read back: %s\n", err.msg);
            abort();
        }
        if (!same_rows(&first, &second, 0)) {
            fprintf(stderr, "(rows read, then after writing them out)\n");
            abort();
        }
        sbuf_release(&out);
    }
    table_release(&first);
    table_release(&second);
    table_release(&infile);
    free(big);
    return 0;
}
