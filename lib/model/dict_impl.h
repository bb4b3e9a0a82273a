/* dict_impl.h: what the dictionary reader's files share (dict.c reads the
 * file and groups forms, dict_field.c builds fields, dict_form.c lays out
 * a form's columns and binds its expressions, field.c checks values,
 * answers.c evaluates answer sets).  Not part of the public interface.
 * field_parse.c reads numbers, dates and times. */
#ifndef ATTUNE_DICT_IMPL_H
#define ATTUNE_DICT_IMPL_H

#include "dict.h"

/* Where problems found while loading go. */
typedef struct dict_ctx {
    const char *file;          /* the name used in messages */
    at_msgs *problems;
    at_msgs *warnings;         /* what loads but may not do what the file's author meant */
    const char *const *names;  /* every field name in the file ... */
    const char *const *forms;  /* ... and its form, for messages about references */
    size_t nnames;
} dict_ctx;

/* Adds "'FILE' line N: ..." to the problems. */
void dict_problem(dict_ctx *c, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Interprets a field's raw cells (f->cols and f->type already set):
 * choices, validation and its bounds, flags and annotation tags. */
void dict_field_setup(dict_ctx *c, dict_field *f);

/* Lays out the columns and parses, binds and orders the expressions of an
 * instrument whose fields are set up; checks scales and roles. */
void dict_instrument_setup(dict_ctx *c, dict_instrument *in);

void dict_field_release(dict_field *f);
void dict_instrument_release(dict_instrument *in);

/* Looks up a text validation by REDCap's name (and the legacy int, float,
 * date, datetime, datetime_seconds); returns 0 when unknown. */
int field_valid_lookup(const char *name, field_valid *out);

/* Whether validation v takes a min and max. */
int field_valid_ordered(field_valid v);

/* Parses a Text Validation Min/Max cell for validation v into the number
 * that answers are compared with (dates as days, times as seconds; "today"
 * and "now" allowed for dates and datetimes).  Returns 0 with a reason. */
int field_bound(field_valid v, const char *cell, double *out, char *why, size_t whysz);

/* Parses an answer for an ordered validation (integer, numbers, dates,
 * datetimes, times): its sort key into *key (dates as days, times as
 * seconds) and the form it is stored in into norm.  Returns 0 with a reason
 * in why (may be NULL) when it does not fit. */
int field_parse_value(field_valid v, const char *s, double *key, char *norm, size_t normsz,
                      char *why, size_t whysz);

/* Writes a printf-style reason into why; nothing when why is NULL or whysz 0. */
void field_why(char *why, size_t whysz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The number of decimal digits at the start of s. */
size_t field_ndigits(const char *s);

/* Trims spaces at both ends of s in place; returns s. */
char *dict_trim(char *s);

#endif
