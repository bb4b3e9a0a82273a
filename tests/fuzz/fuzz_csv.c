/* libFuzzer harness for the CSV reader and writer: any bytes as a CSV file.
 * What the reader accepts must survive a round trip: every row written
 * with csvout and read back gives the same cells.  (A row of one empty
 * cell is written as an empty line, which reads as no row: such rows are
 * left out of the comparison.) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvio.h"

typedef struct table {
    char ***rows;
    size_t *ncells;
    size_t n, cap;
} table;

static int keep_row(const csvrow *row, void *ctx)
{
    table *t = ctx;
    if (row->n == 1 && !row->fields[0][0])
        return 0;
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 16;
        t->rows = xrealloc(t->rows, t->cap * sizeof *t->rows);
        t->ncells = xrealloc(t->ncells, t->cap * sizeof *t->ncells);
    }
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
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    table first = { 0 }, second = { 0 };
    at_err err;
    if (csvin_read_mem("fuzz.csv", (const char *)data, size, keep_row, &first, &err) == AT_OK) {
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
        if (second.n != first.n) {
            fprintf(stderr, "%zu rows read, %zu after writing them out\n", first.n, second.n);
            abort();
        }
        for (size_t r = 0; r < first.n; r++) {
            if (first.ncells[r] != second.ncells[r]) {
                fprintf(stderr, "row %zu: %zu cells, %zu after writing\n", r, first.ncells[r],
                        second.ncells[r]);
                abort();
            }
            for (size_t i = 0; i < first.ncells[r]; i++)
                if (strcmp(first.rows[r][i], second.rows[r][i]) != 0) {
                    fprintf(stderr, "row %zu cell %zu: '%s' reads back as '%s'\n", r, i,
                            first.rows[r][i], second.rows[r][i]);
                    abort();
                }
        }
        sbuf_release(&out);
    }
    table_release(&first);
    table_release(&second);
    return 0;
}
