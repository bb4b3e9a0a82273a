/* table.h: what the list commands print: a table gathered row by row, then
 * written as aligned text for a person or as CSV for a program. */
#ifndef COLLECT_TABLE_H
#define COLLECT_TABLE_H

#include <stdio.h>
#include "util.h"

typedef struct table {
    size_t ncols;
    at_msgs cells;      /* the header, then each row, ncols cells each */
} table;

/* Starts a table with ncols columns named head[0..ncols). */
void table_init(table *t, const char *const *head, size_t ncols);
/* Adds the next cell (NULL is empty); rows fill in order. */
void table_cell(table *t, const char *text);
void table_long(table *t, long n);
void table_release(table *t);

/* How a list is written: TABLE_AUTO is aligned text when standard output
 * is a terminal, else CSV. */
typedef enum table_style { TABLE_AUTO, TABLE_TEXT, TABLE_CSV } table_style;

/* Writes t to fp: CSV (one header row), or text with each column as wide
 * as its widest cell, columns of whole numbers aligned on the right, and
 * empty as "-" ("(none)" alone under the header for a table without rows). */
void table_write(const table *t, FILE *fp, table_style style);

#endif
