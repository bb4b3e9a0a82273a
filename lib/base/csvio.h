/* csvio.h: CSV in and out through libcsv.
 *
 * Reading streams rows to a callback with the physical line each row starts
 * on, so messages can name file and line.  The row and its strings belong to
 * the reader and are valid only during the callback: copy what you keep.
 *
 * Writing quotes a field only when it needs it (comma, quote, CR, LF, a
 * leading or trailing space or tab, or a leading U+FEFF, which would read as
 * a byte order mark at the start of a file), using libcsv's writer for the
 * quoted form. */
#ifndef ATTUNE_CSVIO_H
#define ATTUNE_CSVIO_H

#include <stdio.h>
#include "util.h"

typedef struct csvrow {
    char **fields;   /* n NUL-terminated strings */
    size_t n;
    long line;       /* 1-based line on which the row starts */
    size_t index;    /* 0-based row number (0 = header) */
    int semicolons;  /* read as separated by semicolons (CSVIN_SEMICOLONS) */
} csvrow;

/* Return 0 to go on, non-zero to stop reading (csvin_* then return AT_OK). */
typedef int (*csvin_row_fn)(const csvrow *row, void *ctx);

/* The longest cell read: 1 MB. */
enum { CSVIN_MAX_CELL = 1 << 20 };

/* Parses the CSV in data[0..len); name is used in messages.  A UTF-8 byte
 * order mark is skipped.  Unbalanced quotes are an error naming the line.
 * The text must be UTF-8: a file in UTF-16 or UTF-32 (told by its byte
 * order mark or its zero bytes) is refused with a message saying how to
 * convert it, and a cell that is not well-formed UTF-8, holds a NUL byte or
 * is longer than CSVIN_MAX_CELL is an error naming the line and the column
 * ("'f.csv' line 4: 'client': ..."; "column N" in the header row).  Rows
 * before such a cell have already gone to fn. */
at_status csvin_read_mem(const char *name, const char *data, size_t len,
                         csvin_row_fn fn, void *ctx, at_err *err);

/* Same for a file ("-" reads standard input). */
at_status csvin_read_file(const char *path, csvin_row_fn fn, void *ctx, at_err *err);
/* The same with flags: CSVIN_SEMICOLONS reads a file whose header line has
 * semicolons and no comma outside quotes as separated by semicolons (as
 * spreadsheets save CSV in many locales; the rows say so). */
enum { CSVIN_SEMICOLONS = 1 };
at_status csvin_read_file_as(const char *path, unsigned flags, csvin_row_fn fn, void *ctx,
                             at_err *err);

/* A row is gathered in the writer and goes out whole at csvout_end: one
 * write per row to a file (a row longer than the writer's room goes out in
 * pieces, in order), or appended to buf.  Finish every row with csvout_end
 * (or csvout_row) before writing to fp by other means or closing it. */
enum { CSVOUT_ROOM = 4096 };

typedef struct csvout {
    FILE *fp;      /* when NULL, output goes to buf */
    sbuf *buf;
    int nfields;   /* fields written on the current row */
    size_t len;    /* bytes of the current row held in row (file output) */
    char row[CSVOUT_ROOM];
} csvout;

void csvout_init_file(csvout *w, FILE *fp);
void csvout_init_buf(csvout *w, sbuf *buf);
/* NULL and "" both write an empty cell. */
void csvout_field(csvout *w, const char *s);
/* NaN and infinities write an empty cell; otherwise %.15g. */
void csvout_num(csvout *w, double x);
void csvout_int(csvout *w, long x);
/* Appends n fields already written as CSV, text[0..len): what a writer on a
 * buffer (csvout_init_buf) wrote for a row's fields, without the "\n".  A
 * row's fields that repeat on many rows are formatted once that way and
 * appended with this; the comma before them is added when the row already
 * has fields.  n = 0 appends nothing. */
void csvout_fields(csvout *w, const char *text, size_t len, int n);
/* Ends the row with "\n". */
void csvout_end(csvout *w);
/* Writes a whole row of n fields. */
void csvout_row(csvout *w, const char *const *fields, size_t n);

#endif
