/* table.c: lists as aligned text or CSV. */
#include "table.h"

#include <stdlib.h>
#include <unistd.h>

#include "csvio.h"

void table_init(table *t, const char *const *head, size_t ncols)
{
    t->ncols = ncols;
    t->cells = (at_msgs)AT_MSGS_INIT;
    for (size_t c = 0; c < ncols; c++)
        table_cell(t, head[c]);
}

void table_cell(table *t, const char *text)
{
    msgs_addf(&t->cells, "%s", text ? text : "");
}

void table_long(table *t, long n)
{
    msgs_addf(&t->cells, "%ld", n);
}

void table_release(table *t)
{
    msgs_release(&t->cells);
}

/* The width of a UTF-8 string in characters (each counts one column). */
static size_t width(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            n++;
    return n;
}

static int whole_number(const char *s)
{
    long n;
    return util_parse_long(s, &n);
}

void table_write(const table *t, FILE *fp, table_style style)
{
    size_t rows = t->ncols ? t->cells.n / t->ncols : 0;
    if (style == TABLE_AUTO)
        style = isatty(fileno(fp)) ? TABLE_TEXT : TABLE_CSV;
    if (style == TABLE_CSV) {
        csvout w;
        csvout_init_file(&w, fp);
        for (size_t r = 0; r < rows; r++)
            csvout_row(&w, (const char *const *)t->cells.items + r * t->ncols, t->ncols);
        return;
    }
    size_t *wide = xcalloc(t->ncols, sizeof *wide);
    int *right = xcalloc(t->ncols, sizeof *right);
    for (size_t c = 0; c < t->ncols; c++) {
        right[c] = rows > 1;
        for (size_t r = 0; r < rows; r++) {
            const char *cell = t->cells.items[r * t->ncols + c];
            size_t w = *cell ? width(cell) : 1;
            if (w > wide[c])
                wide[c] = w;
            if (r && *cell && !whole_number(cell))
                right[c] = 0;
        }
    }
    for (size_t r = 0; r < rows; r++) {
        sbuf line = SBUF_INIT;
        for (size_t c = 0; c < t->ncols; c++) {
            const char *cell = t->cells.items[r * t->ncols + c];
            if (r && !*cell)
                cell = "-";
            size_t pad = wide[c] - width(cell);
            if (c)
                sbuf_adds(&line, "  ");
            if (right[c])
                for (size_t k = 0; k < pad; k++)
                    sbuf_addc(&line, ' ');
            sbuf_adds(&line, cell);
            if (!right[c])
                for (size_t k = 0; k < pad; k++)
                    sbuf_addc(&line, ' ');
        }
        while (line.len && line.buf[line.len - 1] == ' ')
            line.buf[--line.len] = '\0';
        fprintf(fp, "%s\n", sbuf_str(&line));
        sbuf_release(&line);
    }
    if (rows == 1)
        fputs("(none)\n", fp);
    free(wide);
    free(right);
}
