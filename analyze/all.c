/* all.c: every table of the study into one folder, from one reading of the
 * store (two when the episode rule needs whole-sample values first), with a
 * README.txt saying what each file holds, its columns and the parameters
 * used. */
#include "analyze.h"
#include "meter.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

const char *const all_help =
    "Writes every table into the folder DIR (created when absent; files of the\n"
    "same names are replaced, and left as they were when the tables cannot be\n"
    "made): scores.csv, reliability.csv, reliability_items.csv, trajectories.csv,\n"
    "growth.csv, episodes.csv, ruptures.csv, trends.csv, agreement.csv,\n"
    "report.csv, and README.txt, which says what each file holds, lists its\n"
    "columns and gives the parameters used.  Each table is what the command of\n"
    "the same name writes with its defaults; trends holds the client, therapist\n"
    "and cohort levels unless --by is given.  Files are readable only by you.  A\n"
    "study file (or its -wal/-shm) of one of those names is never replaced:\n"
    "nothing is written then.\n"
    "\n"
    "  --out-dir DIR       the folder (required)\n"
    "  --pairwise          reliability on pairwise-complete covariances\n"
    "  --by, --over        as for trends\n"
    "  --resolved-at X     as for ruptures, trends and report\n";

typedef struct table {
    const an_analysis *a;
    const char *file, *extra;
    const char *about, *extra_about;
    outfile out, xout;          /* the table and its extra table (extra != NULL) */
    void *st;
    unsigned flags;
} table;

static table tables[] = {
    { .a = &an_scores, .file = "scores.csv",
      .about = "every scale score of every administration (blank below @MINITEMS)" },
    { .a = &an_reliability, .file = "reliability.csv", .extra = "reliability_items.csv",
      .about = "each scale's alpha (raw, standardized), average r, mean, SD",
      .extra_about = "mean, SD, r_drop and alpha if deleted of each term" },
    { .a = &an_trajectories, .file = "trajectories.csv",
      .about = "each client's OLS line of alliance on session (3+ sessions)" },
    { .a = &an_growth, .file = "growth.csv",
      .about = "score ~ time + (time | client) by REML, broom.mixed's layout" },
    { .a = &an_episodes, .file = "episodes.csv",
      .about = "alliance rupture-repair episodes, one row per rupture" },
    { .a = &an_ruptures, .file = "ruptures.csv",
      .about = "the self-reported rupture items of every administration" },
    { .a = &an_trends, .file = "trends.csv",
      .about = "ruptures, repair rates and slopes per client, therapist and cohort" },
    { .a = &an_agreement, .file = "agreement.csv",
      .about = "client-therapist agreement: 2x2 of ruptures, kappa, alliance r" },
    { .a = &an_report, .file = "report.csv",
      .about = "the clinician's alerts of each client's latest session" },
};
enum { NTABLES = sizeof tables / sizeof tables[0] };

/* Opens DIR/FILE as an outfile; -1 after printing the error. */
static int open_in(outfile *o, const an_run *run, const char *file)
{
    sbuf path = SBUF_INIT;
    sbuf_addf(&path, "%s/%s", run->o->out_dir, file);
    int rc = an_open_out(o, path.buf, store_path(run->s));
    sbuf_release(&path);
    return rc;
}

int an_make_dir(const char *dir)
{
    struct stat sb;
    if (mkdir(dir, 0700) == 0)   /* like every file written in it: its owner's only */
        return 0;
    if (errno == EEXIST && stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode))
        return 0;
    an_fail("'%s': cannot make the folder: %s", dir, errno == EEXIST ? "a file has that name"
                                                                     : strerror(errno));
    return -1;
}

/* "    columns: a, b, ..." wrapped to 78 columns, the header a table's
 * analysis writes. */
static void readme_columns(FILE *fp, const char *const *columns)
{
    const char *head = "    columns: ", *indent = "      ";
    size_t at = strlen(head);
    fputs(head, fp);
    for (size_t i = 0; columns && columns[i]; i++) {
        size_t w = strlen(columns[i]) + (columns[i + 1] ? 1 : 0);
        if (i && at + 1 + w > 78) {
            fprintf(fp, "\n%s", indent);
            at = strlen(indent);
        } else if (i) {
            fputc(' ', fp);
            at++;
        }
        fprintf(fp, "%s%s", columns[i], columns[i + 1] ? "," : "");
        at += w;
    }
    fputc('\n', fp);
}

static void write_readme(FILE *fp, const an_run *run)
{
    const an_opts *o = run->o;
    char rule[96];
    fputs("attune analyze all: the tables of one study\n\n", fp);
    fprintf(fp, "study file: %s (read-only)\n", store_path(run->s));
    fprintf(fp, "instrument: %s\n", o->instrument ? o->instrument : "every instrument");
    fprintf(fp, "rater: %s (agreement and report also read the therapist's side)\n",
            o->rater ? o->rater : "every rater");
    if (o->client)
        fprintf(fp, "client: %s\n", o->client);
    if (o->therapist)
        fprintf(fp, "therapist: %s\n", o->therapist);
    if (o->cohort)
        fprintf(fp, "cohort: %s\n", o->cohort);
    if (o->from || o->to)
        fprintf(fp, "sessions from %s to %s\n", o->from ? o->from : "the first",
                o->to ? o->to : "the last");
    fputs("\nparameters:\n", fp);
    fprintf(fp, "  reliability: %s\n",
            o->pairwise ? "pairwise-complete covariances (as psych::alpha)" : "complete cases");
    if (o->ep.rule == RULE_RCI)
        fputs("  episodes: rule rci, r and threshold per instrument and rater in each row\n", fp);
    else if (o->ep.rule == RULE_SUDDEN && !o->has_cutoff)
        fputs("  episodes: rule sudden, cutoff (the RCI threshold) per instrument and rater "
              "in each row\n", fp);
    else {
        opts_rule_text(o, o->ep.cutoff, rule, sizeof rule);
        fprintf(fp, "  episodes: rule %s\n", rule);
    }
    fprintf(fp, "  repair window: %d scored sessions\n", o->ep.window);
    if (o->has_resolved_at) {
        char b[32];
        fprintf(fp, "  resolved: a resolution of %s or more\n", an_fmt(o->resolved_at, b));
    } else {
        fputs("  resolved: each resolution field's @RESOLVED-AT\n", fp);
    }
    fprintf(fp, "  trends: levels%s%s%s, slopes over %s\n", (o->by & BY_CLIENT) ? " client" : "",
            (o->by & BY_THERAPIST) ? " therapist" : "", (o->by & BY_COHORT) ? " cohort" : "",
            o->over_week ? "weeks (dates as days since 1970-01-01 / 7)" : "session number");
    fputs("  growth: score ~ time + (time | client) by REML, time = session number\n", fp);
    fputs("\nfiles (CSV, one header row, an empty cell is missing; 'analyze CMD --help'\n"
          "tells more of each):\n", fp);
    for (size_t i = 0; i < NTABLES; i++) {
        const table *t = &tables[i];
        fprintf(fp, "  %s: %s\n", t->file, t->about);
        readme_columns(fp, t->a->columns);
        if (t->extra) {
            fprintf(fp, "  %s: %s\n", t->extra, t->extra_about);
            readme_columns(fp, t->a->extra_columns);
        }
    }
    fputs("\nin R: read.csv(\"scores.csv\", na.strings = \"\") (a blank cell is NA in text\n"
          "columns too); in pandas: pandas.read_csv(\"scores.csv\")\n", fp);
}

/* The progress line (standard error, at a terminal only): the
 * administrations read in each pass over the study. */
static struct {
    meter m;
    long total, rows;
    int pass;
} progress_of;

/* The tables go to disk while the run goes on (outfile_writeback), so
 * that committing them at the end waits for little. */
static void start_writeback(void)
{
    for (size_t i = 0; i < NTABLES; i++) {
        outfile_writeback(&tables[i].out);
        outfile_writeback(&tables[i].xout);
    }
}

static void progress_row(void *st, const an_row *r)
{
    (void)st;
    (void)r;
    progress_of.rows++;
    meter_step(&progress_of.m, progress_of.rows, progress_of.rows);
    if (progress_of.rows % 16384 == 0)
        start_writeback();
}

static const an_analysis an_progress = { .name = "progress", .row = progress_row };

/* One reading of the store for the tables whose AN_PREP flag is want_prep
 * (and the whole-sample pass with them when with_prep_pass); count, when
 * not NULL, receives the administrations of the rater asked for. */
static int run_pass(an_run *run, unsigned want_prep, int with_prep_pass, int client_filter,
                    long *count)
{
    const an_analysis *list[NTABLES + 3];
    void *sts[NTABLES + 3];
    size_t n = 0;
    void *pst = NULL;
    if (with_prep_pass) {
        pst = an_prep_pass.start(&run->cx, NULL, NULL);
        list[n] = &an_prep_pass;
        sts[n++] = pst;
    }
    for (size_t i = 0; i < NTABLES; i++)
        if ((tables[i].flags & AN_PREP) == want_prep) {
            list[n] = tables[i].a;
            sts[n++] = tables[i].st;
        }
    if (count) {
        list[n] = &an_count;
        sts[n++] = count;
    }
    list[n] = &an_progress;
    sts[n++] = NULL;
    progress_of.rows = 0;
    meter_stage(&progress_of.m, ++progress_of.pass, progress_of.total);
    int rc = n ? scan_run(&run->cx, list, sts, n, client_filter) : 0;
    if (pst) {
        if (rc == 0)
            rc = an_prep_pass.finish(pst);
        if (rc == 0) {
            prep_take(pst, &run->prep);
            run->cx.prep = &run->prep;
        }
        an_prep_pass.free(pst);
    }
    return rc;
}

int an_run_all(int argc, char **argv, const char *db)
{
    an_opts o;
    an_run run;
    int done = 0, rc, bad = -1;
    o.db = db;
    rc = opts_parse(argc, argv,
                    OPT_PAIRWISE | OPT_EPISODE | OPT_RESOLVED | OPT_BY | OPT_OVER | OPT_OUTDIR,
                    "usage: analyze all --out-dir DIR [OPTIONS]\n\n", all_help, &o, &done);
    if (rc != EXIT_OK || done)
        return rc;
    if (!o.by_given)
        o.by = BY_CLIENT | BY_THERAPIST | BY_COHORT;
    o.items = 1;
    o.format_csv = 1;
    if (an_make_dir(o.out_dir) != 0)
        return EXIT_FAIL;
    if (run_open(&run, &o) != 0)
        return EXIT_FAIL;

    unsigned need = 0;
    long count = 0;
    for (size_t i = 0; i < NTABLES; i++) {
        table *t = &tables[i];
        t->flags = t->a->flags ? t->a->flags(&o) : 0;
        need |= t->flags;
        if (open_in(&t->out, &run, t->file) != 0)
            goto out;
        if (t->extra && open_in(&t->xout, &run, t->extra) != 0)
            goto out;
        if (!(t->st = t->a->start(&run.cx, t->out.fp, t->extra ? t->xout.fp : NULL)))
            goto out;
    }

    meter_start(&progress_of.m, "analyze", "administrations", need & AN_PREP ? 2 : 1, 0);
    if (progress_of.m.on) {
        admin_filter flt = { .instrument = o.instrument, .client = o.client,
                             .therapist = o.therapist, .cohort = o.cohort,
                             .rater = need & AN_ALL_RATERS ? NULL : o.rater,
                             .from_date = o.from, .to_date = o.to };
        at_err err;
        if (store_admin_count(run.s, &flt, &progress_of.total, &err) != AT_OK)
            progress_of.total = 0;
    }
    if (!(need & AN_PREP)) {
        bad = run_pass(&run, 0, 0, 1, &count);
    } else if (run_selects(&o)) {
        /* the whole-sample values must not be limited to the selection */
        bad = run_prepare(&run, AN_PREP);
        if (bad == 0)
            bad = run_pass(&run, 0, 0, 1, &count);
        if (bad == 0)
            bad = run_pass(&run, AN_PREP, 0, 1, NULL);
    } else {
        bad = run_pass(&run, 0, 1, 1, &count);
        if (bad == 0)
            bad = run_pass(&run, AN_PREP, 0, 1, NULL);
    }
    meter_end(&progress_of.m);
    if (bad == 0)
        run_note_empty(&o, count, 1);
    for (size_t i = 0; i < NTABLES && bad == 0; i++)
        bad = tables[i].a->finish(tables[i].st);
    if (bad == 0) {
        outfile readme = OUTFILE_INIT;
        bad = open_in(&readme, &run, "README.txt");
        if (bad == 0) {
            write_readme(readme.fp, &run);
            bad = an_close_out(&readme, 1);
        }
    }

out:
    /* every file is replaced, or none when anything failed */
    for (size_t i = 0; i < NTABLES; i++) {
        table *t = &tables[i];
        if (t->st)
            t->a->free(t->st);
        t->st = NULL;
        if (an_close_out(&t->out, bad == 0) != 0)
            bad = -1;
        if (an_close_out(&t->xout, bad == 0) != 0)
            bad = -1;
    }
    run_close(&run);
    return bad ? EXIT_FAIL : EXIT_OK;
}
