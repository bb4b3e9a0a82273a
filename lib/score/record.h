/* record.h: from stored administrations to answer arrays.
 *
 * A catalog parses each instrument version of a store once, on first use,
 * and keeps it until record_catalog_free.  record_fill turns an administration's
 * stored responses into the column array of an instrument (possibly another
 * version of the same instrument: answers are matched by column name, and
 * columns the version lacks stay blank), then recomputes the calc columns;
 * record_fill_as takes the calc values from the administration's own
 * version instead. */
#ifndef ATTUNE_RECORD_H
#define ATTUNE_RECORD_H

#include "dict.h"
#include "store.h"

typedef struct record_catalog record_catalog;

record_catalog *record_catalog_new(store *s);
void record_catalog_free(record_catalog *c);      /* NULL is fine */

/* The instrument of a stored version (by instruments.id); the catalog owns it. */
const dict_instrument *record_catalog_get(record_catalog *c, long instrument_id, at_err *err);
/* The same, a version the catalog does not hold yet read with s, another
 * connection to the catalog's study (one thread's own, seeing the same
 * snapshot).  A catalog has no lock of its own: callers on several threads
 * share one under a lock of theirs. */
const dict_instrument *record_catalog_get_with(record_catalog *c, store *s, long instrument_id,
                                               at_err *err);
/* The latest version of a named instrument; its id into *id when not NULL. */
const dict_instrument *record_catalog_latest(record_catalog *c, const char *name, long *id, at_err *err);

/* Frees the n strings of vals and sets them to NULL. */
void record_clear(char **vals, size_t n);

/* Fills vals (in->ncols entries, cleared first) from v's responses and
 * recomputes calc columns.  Responses whose field is not a column of in are
 * ignored; the count of those goes to *unknown when not NULL. */
void record_fill(const dict_instrument *in, const admin_view *v, char **vals, size_t *unknown);

/* record_fill into the columns of in for an administration given with own
 * (another version of the same instrument, or in itself): the answers go in
 * by column name, and each calc column of in holds the value own gives the
 * column of that name (blank when own has none), as calc values are those
 * of the version an administration was given with, never recomputed with a
 * later version's formula. */
void record_fill_as(const dict_instrument *in, const dict_instrument *own, const admin_view *v,
                    char **vals, size_t *unknown);

#endif
