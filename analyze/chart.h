/* chart.h: what a chart shows, gathered from the scan, and the drawing of
 * it on a canvas (canvas.h).
 *
 * A client chart is one client's alliance scores by session for one
 * instrument and rater, with the episodes the rule found, the ruptures the
 * client reported, and the therapist's own alliance score.  A repair chart
 * is, for each therapist of a selection, the rupture rate and resolved rate
 * of the reported ruptures by week.  A chart_fit is a line drawn over a
 * picture: a least-squares line today; a growth model's prediction can be
 * handed in the same way. */
#ifndef ANALYZE_CHART_H
#define ANALYZE_CHART_H

#include "analyze.h"
#include "canvas.h"

/* A straight line y = intercept + slope * x, and what it is called in the legend. */
typedef struct chart_fit {
    int has;
    double intercept, slope;
    char label[64];
} chart_fit;

typedef struct chart_session {
    long session;
    char date[11];          /* "" when unknown */
    double score;           /* NaN when not scored */
    double therapist_score; /* the therapist's alliance score, NaN when none */
    /* the rupture the rater reported in this session */
    int reported;           /* 1 yes, 0 no, -1 not answered or no such item */
    double tension;
    int resolved;           /* 1, 0, -1 unknown */
    /* the version of the drawn series' instrument this session's score was
     * given with (0 when the session has none: then that of the session
     * before, or of the first one after), and that version's @ALERT-BELOW */
    long version;
    int has_alert;
    double alert_below;
    /* a questionnaire of the drawn series without a score (too few items
     * answered): the items its alliance score has, answered and needed
     * (@MINITEMS, 0 when not given); answered -1 when the score is not a scale */
    int unscored;
    long answered, nterms, needed;
} chart_session;

/* Where the drawn series' instrument changes version: from session
 * `session` on, version `version`; what says how the alliance score and
 * its cut-off differ from the version before ("4 terms, not 6; alert
 * under 4.5, not 3.5"). */
typedef struct chart_change {
    long session, version;
    char what[96];
} chart_change;

typedef struct chart_client {
    char *client, *therapist;
    char *instrument, *rater;   /* the series drawn */
    char *therapist_instrument; /* the therapist's series, NULL when none */
    int therapist_elsewhere;    /* the therapist's scores are on another scale: not drawn */
    chart_session *s;
    size_t n, cap;
    episode *ep;
    size_t nep, epcap;
    char rule[96];
    int has_alert;          /* some session has an alert cut-off (chart_session) */
    chart_change change[4]; /* the first version changes */
    size_t nchange;
    chart_fit fit;          /* over the client's scores */
} chart_client;

/* The version of an instrument one of the client's administrations of the
 * rater asked for was given with, by session (gathered until the drawn
 * series is known). */
typedef struct chart_given {
    const char *instrument;     /* owned by the catalog */
    char rater[16];
    long session;
    long version;
    const an_form *form;        /* kept for the run */
    int scored;                 /* its alliance score could be worked out */
    long answered, nterms, needed;  /* as in chart_session */
} chart_given;

/* Per-client gathering for charts: fed each row, then the finished client. */
typedef struct chart_gather {
    const an_ctx *cx;
    chart_client cur;       /* rows of the client being read */
    chart_given *given;     /* the client's administrations with an alliance score */
    size_t ngiven, givencap;
    /* The line drawn over a client's scores: when fit_for is set and gives a
     * line (returns 1; for example a growth model's prediction for the
     * client, with its label), that one; else the scores' least-squares line. */
    int (*fit_for)(void *ctx, const char *client, const an_series *s, chart_fit *out);
    void *fit_ctx;
} chart_gather;

void gather_init(chart_gather *g, const an_ctx *cx);
void gather_row(chart_gather *g, const an_row *r);
/* Completes the client's chart from c (episodes, fit); returns 1 when it
 * has anything to draw, 0 when not.  The chart stays valid until the next
 * gather_row or gather_release. */
int gather_client(chart_gather *g, const an_client *c);
/* Forgets the client (called after each client's chart was used). */
void gather_reset(chart_gather *g);
void gather_release(chart_gather *g);

/* The repair picture of one therapist: weekly counts. */
typedef struct chart_week {
    long week;
    long answered, ruptures, rated, resolved;
} chart_week;

typedef struct chart_panel {
    char *therapist, *cohort;
    long first_day;             /* days since 1970 of the first session seen */
    struct { long day; int rupture, resolved; long client; } *pt;   /* one per questionnaire;
                                   client: its client's number, in the order met */
    char *last_client;          /* the client of the latest point */
    long nclients;
    size_t npt, ptcap;
    chart_week *w;
    size_t nw;
    chart_fit fit_rupture, fit_resolved;   /* the growth model's lines (a random intercept per
                                              client, as trends fits), else least squares */
    size_t undated;             /* its questionnaires left out: their session has no date */
} chart_panel;

typedef struct chart_repair {
    char *title;
    char *rater;
    chart_panel *p;
    size_t n, cap;
    size_t undated;     /* questionnaires with rupture items left out: their session has no date */
    struct { char *therapist; size_t n; } *und;   /* of them, those whose rupture
                                                     item is answered, by therapist */
    size_t nund, undcap;
    size_t undated_alone;   /* of them, those of therapists without a panel (after repair_finish) */
} chart_repair;

void repair_row(chart_repair *rp, const an_row *r);
/* Bins each panel's questionnaires into weeks and fits the lines. */
void repair_finish(chart_repair *rp);
void repair_release(chart_repair *rp);

/* chart_draw.c: sizes in points, and the drawing of each kind. */
enum { CHART_W = 720, CHART_H = 420, PANEL_H = 300 };
double repair_height(const chart_repair *rp);
void draw_client(canvas *cv, const chart_client *ch, double x0, double y0, double w, double h);
void draw_repair(canvas *cv, const chart_repair *rp, double x0, double y0, double w);

/* chart_out.c: writes a drawing whole to out as svg, png or pdf. */
typedef enum chart_format { CF_SVG, CF_PNG, CF_PDF } chart_format;
/* The format named by a file's extension; -1 when none of the three. */
int chart_format_of(const char *path);
typedef void (*chart_paint_fn)(canvas *cv, const void *what);
/* Draws paint(what) on a w x h drawing into out; -1 after printing an error. */
int chart_write(FILE *out, const char *name, chart_format f, double w, double h,
                chart_paint_fn paint, const void *what);
/* An SVG element into sb, ids beginning with prefix (for a page that holds several). */
void chart_svg(sbuf *sb, const char *prefix, double w, double h, chart_paint_fn paint,
               const void *what);
/* Fixes a PDF surface's metadata (no dates) so that the same data give the same bytes. */
void chart_pdf_fixed(cairo_surface_t *s);
void paint_client(canvas *cv, const void *chart_client_p);
void paint_repair(canvas *cv, const void *chart_repair_p);

#endif
