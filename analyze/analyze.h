/* analyze.h: what the analyses of the analyze tool share.
 *
 * Every analysis is a consumer of one stream of administrations, read from
 * the store in client, session, rater, rater code order.  The scan (scan.c)
 * turns each stored administration into an an_row (answers with calc
 * columns recomputed, scale scores, the alliance score, the rupture roles'
 * values) and hands it to every consumer; when a client's last row has been
 * seen it hands each consumer the client's alliance series.  A consumer
 * keeps per-client state only, plus whatever summary it must write at the
 * end.  This is how `analyze all` computes every table from one reading of
 * the store.
 *
 * Adding an analysis: write analyze/NAME.c defining an an_analysis, declare
 * it below, add it to the table in main.c (and to all.c if `all` should
 * write it), a test in tests/cli/cases/, and a paragraph in the README. */
#ifndef ANALYZE_H
#define ANALYZE_H

#include <stdio.h>

#include "csvio.h"
#include "dict.h"
#include "record.h"
#include "score.h"
#include "stats.h"
#include "store.h"

#include "say.h"   /* exit codes and the messages both tools share */

/* Prints "analyze: <message>" on stderr; returns EXIT_FAIL. */
int an_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "analyze: <message>" and "try 'analyze CMD --help'"; returns EXIT_USAGE. */
int an_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints "analyze: note: <message>" on stderr: a result left blank, and why. */
void an_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Levels of `trends --by`, as bits (`all` may ask for several). */
enum { BY_CLIENT = 1, BY_THERAPIST = 2, BY_COHORT = 4 };

typedef struct an_opts {
    const char *cmd;
    const char *db;
    const char *instrument, *client, *therapist, *cohort, *from, *to;
    const char *rater;          /* NULL: every rater ("--rater all") */
    const char *out;            /* -o FILE, NULL: stdout */
    const char *out_dir;        /* all --out-dir */
    int pairwise, items;        /* reliability */
    episode_params ep;          /* rule, k, cutoff (abs/sudden), window */
    int has_cutoff, has_reliability, rule_given;
    double reliability;
    int has_resolved_at;
    double resolved_at;
    unsigned by;                /* BY_* bits */
    int by_given;
    int over_week;
    int format_csv;             /* report */
    int threads;                /* 1, or 2: the reading and scoring on two threads of their
                                   own, each reading half the clients */
    int format;                 /* FMT_*: report and chart --format */
    int all;                    /* chart --all */
    const char *scale;          /* growth --scale: a scale's field name, NULL: the alliance */
    const char *ranef;          /* growth --ranef FILE */
    int ml, time_week, therapist_level;
    int center;                 /* growth --center: a mixed_center */
    int pair_observer;          /* agreement --pair observer,therapist */
} an_opts;

/* The words of --format: report takes text, csv, html, pdf; chart svg, png, pdf. */
enum { FMT_TEXT, FMT_CSV, FMT_HTML, FMT_PDF, FMT_SVG, FMT_PNG };

/* What the analyses need from one instrument version: the scoring model
 * of lib/score/score.h, worked out once per version. */
typedef score_scale an_scale;
typedef score_form an_form;

/* One administration as the consumers see it; valid during the call. */
typedef struct an_row {
    const admin_view *v;
    const an_form *form;
    const char *const *vals;    /* in->ncols answers (calc columns recomputed when an
                                   analysis reads one) */
    const double *scale_score;  /* per form scale, NaN when blank (@MINITEMS honoured) */
    const size_t *scale_answered;
    const double *const *scale_terms; /* per form scale, its term values (NaN blank) */
    int rater_ok;               /* the rater is the one asked for with --rater */
    double alliance;            /* NaN when none */
    double role[ROLE_STRATEGY + 1]; /* numeric answer of single-column roles, NaN blank */
} an_row;

/* A client's alliance scores for one instrument and rater, by session.
 * When several administrations of the same session qualify (different
 * rater codes), the session's score is their mean. */
typedef struct an_series {
    const char *instrument;     /* names owned by the catalog */
    const char *scale;
    char *rater;
    int rater_ok;
    long *session;
    double *score;
    size_t *therapist;          /* index into an_client.therapists */
    size_t *count;
    size_t n, cap;
} an_series;

typedef struct an_client {
    char *code;
    char **therapists;          /* distinct therapist codes seen */
    size_t ntherapists, tcap;
    an_series *series;          /* sorted by instrument name, then rater */
    size_t nseries, scap;
} an_client;

/* Values that need the whole sample before episodes can be judged: the rci
 * rule's SD of every client's first score and the alliance scale's
 * complete-case alpha, per instrument and rater. */
typedef struct an_prep_entry {
    const char *instrument;
    char *rater;
    double sd0, r, cutoff;      /* cutoff: the RCI threshold, NaN when undefined */
    size_t nclients;
} an_prep_entry;

typedef struct an_prep {
    an_prep_entry *e;
    size_t n;
} an_prep;

typedef struct an_forms an_forms;

typedef struct an_ctx {
    const an_opts *o;
    store *s;                   /* the scan's: used by the thread reading the study */
    store *s2;                  /* with --threads 2, the second reading thread's (NULL
                                   with one thread) */
    store *lookup;              /* another read-only connection, for what an analysis
                                   asks of the store while the scan runs */
    record_catalog *cat;
    an_forms *forms;            /* an_form of each version met, kept for the run */
    const an_prep *prep;        /* NULL until computed */
} an_ctx;

enum {
    AN_ALL_RATERS = 1,          /* reads every rater, whatever --rater says */
    AN_PREP = 2,                /* needs an_prep (rci and sudden rules) */
    AN_OWN_NOTE = 4,            /* says itself why its table is empty */
    AN_ALL_SCALES = 8           /* reads every scale's score (else only the alliance
                                   scale is scored, the others left NaN) */
};

typedef struct an_analysis {
    const char *name;
    const char *summary;
    const char *help;           /* the text after the usage line */
    unsigned options;           /* OPT_* bits accepted besides the common ones */
    unsigned (*flags)(const an_opts *o);
    /* Opens the analysis, writing the header(s); out and extra may be NULL
     * when that table is not wanted.  Returns NULL on failure (printed). */
    void *(*start)(const an_ctx *cx, FILE *out, FILE *extra);
    /* The header of the table (of the extra table), NULL-terminated: what
     * start writes, and what analyze all's README.txt lists; NULL for an
     * analysis that writes no CSV table. */
    const char *const *columns, *const *extra_columns;
    void (*row)(void *st, const an_row *r);
    void (*client_end)(void *st, const an_client *c);
    /* Writes what is left; returns 0, or -1 after printing an error. */
    int (*finish)(void *st);
    void (*free)(void *st);
} an_analysis;

/* Option bits beyond the common ones. */
enum {
    OPT_PAIRWISE = 1 << 0, OPT_ITEMS = 1 << 1, OPT_EPISODE = 1 << 2,
    OPT_RESOLVED = 1 << 3, OPT_BY = 1 << 4, OPT_OVER = 1 << 5,
    OPT_FORMAT = 1 << 6, OPT_OUTDIR = 1 << 7, OPT_ALL = 1 << 8, OPT_GROWTH = 1 << 9,
    OPT_PAIR = 1 << 10
};

/* The number of names in a NULL-terminated column list. */
size_t an_ncolumns(const char *const *columns);

extern const an_analysis an_scores, an_reliability, an_trajectories, an_episodes,
    an_ruptures, an_trends, an_agreement, an_report, an_chart, an_prep_pass, an_growth;

/* episodes.c: what the episode rule needs (AN_PREP for rci, and for sudden
 * without --cutoff); the parameters and rule text for one series, or -1
 * when its threshold is undefined (noted by the whole-sample pass). */
unsigned episodes_flags(const an_opts *o);
int episodes_params(const an_ctx *cx, const an_series *s, episode_params *p, char *rule,
                    size_t rulesz);
/* The therapist of a series' session ("" when unknown). */
const char *series_therapist(const an_client *c, const an_series *s, long session);

/* ruptures.c: the raw answer of a role ("" when blank or no such field),
 * whether a rupture was resolved (1, 0, -1 unknown), and the checked
 * rupture-kind codes joined by ";" into sb. */
const char *role_text(const an_row *r, field_role role);
int role_resolved(const an_row *r);
void role_kinds(const an_row *r, sbuf *sb);

/* opts.c: parses a command's options into o (defaults first).  Returns
 * EXIT_OK, or the exit code after printing help (EXIT_OK with *done set) or
 * a usage error. */
int opts_parse(int argc, char **argv, unsigned allowed, const char *usage, const char *help,
               an_opts *o, int *done);
/* The rule column: "sd k=1 w=3", "rci r=0.85 w=3", "abs cutoff=0.5 w=3",
 * "sudden cutoff=0.62 w=3".  value is r (rci) or the cutoff (sudden) used. */
void opts_rule_text(const an_opts *o, double value, char *buf, size_t n);

/* scan.c */
/* Runs the analyses a[0..n) over one reading of the store, with states
 * st[i] from their start.  client_filter is --client (NULL for a pass that
 * must see the whole sample).  Returns 0, or -1 after printing an error. */
int scan_run(const an_ctx *cx, const an_analysis *const *a, void *const *st, size_t n,
             int use_client_filter);
/* The an_form of each instrument version a scan meets, built on first use
 * (under a lock: the reading threads share them) and kept for the run. */
an_forms *forms_new(void);
void forms_free(an_forms *fs);     /* NULL is fine */
/* The values of the terms of scale number si of r's form into out (NaN
 * blank); returns how many are answered. */
size_t an_terms(const an_row *r, size_t si, double *out);
/* Whether v is its session therapist's own rating (a therapist's whose
 * rater code is the session's therapist, or blank: a blank code stands for
 * the session's therapist, as in client set), not a co-therapist's. */
int an_session_therapists(const admin_view *v);
/* Of one side's questionnaires with a rupture item in a session (the
 * client's, or the therapists'), whether the one read now (by the session's
 * own therapist when own; always 1 for the client's side) of the instrument
 * called name takes the place of the one kept (kept_name NULL when none
 * is): the session therapist's own before a co-therapist's, then the
 * instrument whose name sorts first.  The one kept stands even when its
 * rupture item is blank. */
int an_side_first(int own, const char *name, int kept_own, const char *kept_name);

/* Looks up the prep entry of an instrument and rater; NULL when none. */
const an_prep_entry *prep_find(const an_prep *p, const char *instrument, const char *rater);
void prep_release(an_prep *p);
/* Takes the results out of a finished prep pass state. */
void prep_take(void *st, an_prep *out);

/* The numeric value of an answer, as expressions read it (xval_number):
 * NaN when blank or not a number. */
double an_num(const char *s);
/* Formats a number for text as csvout_num does (15 significant digits). */
const char *an_fmt(double x, char buf[32]);

/* run.c: a run holds the store, the catalog and the forms of one command. */
typedef struct an_run {
    an_opts *o;
    store *s, *s2, *lookup;
    record_catalog *cat;
    an_forms *forms;
    an_prep prep;
    an_ctx cx;
} an_run;
/* Opens the store read-only; returns -1 after printing an error. */
int run_open(an_run *r, an_opts *o);
/* Runs the whole-sample pass when flags has AN_PREP, over the whole study
 * whatever --client, --therapist, --cohort, --from and --to select; -1 on
 * error. */
int run_prepare(an_run *r, unsigned flags);
/* Whether o selects part of the study (--client, --therapist, --cohort,
 * --from, --to). */
int run_selects(const an_opts *o);
void run_close(an_run *r);

/* Prints the note for a selection with no administration of the rater
 * asked for when count is 0 (every: said of every table of `all`). */
void run_note_empty(const an_opts *o, long count, int every);
/* A consumer that counts the administrations of the rater asked for
 * (its state: a long). */
extern const an_analysis an_count;

/* One analysis on its own: the common driver of every command but `all`. */
int an_run_single(const an_analysis *a, int argc, char **argv, const char *db);
/* all.c */
int an_run_all(int argc, char **argv, const char *db);
/* Makes the folder dir unless it exists; -1 after printing the error. */
int an_make_dir(const char *dir);
extern const char *const all_help;

/* Opens -o FILE (NULL or "-": standard output) as an outfile, written whole
 * or not at all (util.h); a path that is the study at study (or its -wal,
 * -shm) is refused.  Returns -1 after printing the error. */
int an_open_out(outfile *o, const char *path, const char *study);
/* Commits the output when ok (returns -1 after printing a write error), or
 * discards it; either way o is released. */
int an_close_out(outfile *o, int ok);

#endif
