/* scan_int.h: the two halves of a scan, shared by scan.c (the analyses'
 * side, and reading on one thread) and scan_read.c (reading on two).
 *
 * A reader reads administrations with one store connection and scores
 * each into an an_row (produce); the consumer hands the rows to the
 * analyses in the order they come and closes each client (consume).  A
 * reader's buffers are its own, so two readers can run on two threads;
 * the forms they meet are shared, under the forms' lock. */
#ifndef ANALYZE_SCAN_INT_H
#define ANALYZE_SCAN_INT_H

#include "analyze.h"

/* A version a reader has met: its model and whether the store's columns
 * for it are the instrument's own (answers then taken by position). */
typedef struct scan_seen {
    long id;
    const an_form *f;
    int match;
} scan_seen;

typedef struct scan_reader {
    const an_ctx *cx;
    store *s;                   /* this reader's connection */
    int all_scales;             /* an analysis reads every scale (AN_ALL_SCALES) */
    const char **vals;
    size_t vcap;
    score_result res;
    scan_seen *seen;            /* versions met, so the shared forms are locked once each */
    size_t nseen;
    int failed;                 /* produce failed: err says why */
    at_err err;
} scan_reader;

typedef struct scan {
    const an_ctx *cx;
    const an_analysis *const *a;
    void *const *st;
    size_t n;
    an_client client;
    int have_client;
} scan;

void scan_reader_init(scan_reader *rd, const an_ctx *cx, store *s, int all_scales);
void scan_reader_release(scan_reader *rd);

/* Reads and scores one administration into r (valid until the next call,
 * and until score_uncompute(form, rd->vals)); NULL with rd->failed and
 * rd->err set when its version does not load. */
const an_form *scan_produce(scan_reader *rd, const admin_view *v, an_row *r);
/* Gives r to the analyses, closing the previous client when r begins
 * another. */
void scan_consume(scan *sc, const an_row *r);

/* Reads the rows flt selects on two threads, with the connections cx->s
 * and cx->s2, and consumes them in the order of one reading.  *ran is 0
 * when the threads could not be started (nothing is consumed then).
 * Returns a failing reading's status, with its message in err. */
at_status scan_two_readers(scan *sc, const admin_filter *flt, int all_scales, int *ran,
                           at_err *err);

#endif
