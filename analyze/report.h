/* report.h: the clinician's report, between the reading of the alerts
 * (report.c) and the ways it is written (report_text.c: text blocks;
 * report_page.c: the HTML page and the PDF pages). */
#ifndef ANALYZE_REPORT_H
#define ANALYZE_REPORT_H

#include "chart.h"

/* An alert, with what it is about: the instrument whose questionnaire or
 * score gave it and, when the report reads every rater's (--rater all),
 * the rater; NULL for an alert about neither (a session without a
 * questionnaire, a rupture only the client reported).  Both names live as
 * long as the client's block. */
typedef struct alert {
    const char *code;
    const char *instrument, *rater;
    char *detail;
} alert;

typedef struct alerts {
    alert *a;
    size_t n, cap;
} alerts;

/* A free-text answer of the latest reported rupture's questionnaire. */
typedef struct rnote {
    char *label, *text;
} rnote;

/* The latest rupture the rater reported, with its kinds and notes. */
typedef struct rlatest {
    int have;
    long session;
    char *date;
    double tension, resolution;
    int resolved;               /* 1, 0, -1 unknown */
    const char *by;             /* the rater whose questionnaire reported it, when the
                                   report reads every rater's (--rater all); else NULL */
    sbuf kinds;                 /* the checked kinds' labels joined by "; " */
    rnote *notes;
    size_t nnotes, ncap;
} rlatest;

/* One client's block. */
typedef struct rblock {
    const char *client, *therapist, *date;
    long session;
    const alerts *now;
    const char *changes;        /* what changed since session `since`; NULL when none before */
    long since;
    const rlatest *rupture;     /* NULL when the client reported none */
    const chart_client *chart;  /* NULL when there is nothing to draw */
} rblock;

/* What the latest session's questionnaires of the rater answered, for
 * telling an alert that is over from one they had nothing to say about. */
typedef struct rfacts {
    int rupture;                /* one reported a rupture */
    int client_rupture;         /* the client's questionnaire reported one */
    int scored;                 /* one has an alliance score */
} rfacts;

/* report_changes.c: appends to out what changed from the alerts before to
 * those now: "new: ...; no longer: ...; not reported this time: ...", the
 * last for alerts the latest questionnaires could not have repeated (no
 * rupture reported, no alliance score), or a sentence when nothing did. */
void rchanges(const alerts *now, const alerts *before, const rfacts *facts, sbuf *out);

/* report_text.c: the block as text wrapped to width columns. */
void rtext_block(FILE *fp, const rblock *b, int width);
/* A paragraph wrapped to width columns, its first line after first, the
 * others after rest; control characters in s are shown as '?'. */
void rtext_para(FILE *fp, const char *s, int width, const char *first, const char *rest);
/* The terminal's width when fp is one, else 80. */
int rtext_width(FILE *fp);
/* Splits s into lines no wider than width (measured by wfn) at spaces;
 * calls line for each.  A word wider than width (a long code, an address
 * pasted into a note) is cut between characters, as many as fit on each
 * line (at least one), so that no line runs past the width. */
void wrap_text(const char *s, double width, double (*wfn)(const char *s, size_t n, void *ctx),
               void *wctx, void (*line)(const char *s, size_t n, void *ctx), void *lctx);

/* report_page.c: the page formats.  A page is opened by start, gets each
 * block, then the codes of the clients without alerts; end writes it out
 * (the PDF is drawn page by page into out). */
typedef struct rpage rpage;
rpage *rpage_start(FILE *out, int pdf, const an_opts *o);
void rpage_block(rpage *p, const rblock *b);
/* Ends the page with the codes of the clients without alerts (quiet) and of
 * those whose sessions hold no questionnaire of the rater (never), each
 * ", "-joined, "" for none.  Returns 0, or -1 after printing an error. */
int rpage_end(rpage *p, const char *quiet, const char *never);
void rpage_free(rpage *p);   /* NULL is fine */

#endif
