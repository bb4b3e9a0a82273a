/* collect export: answers out as wide, long or REDCap CSV. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "opt.h"

typedef enum { FMT_WIDE, FMT_LONG, FMT_REDCAP } out_format;

/* --format wide: a version some administration was given with, and where
 * its columns go among the file's answer columns. */
typedef struct wide_version {
    long instrument_id;
    long version;
    const dict_instrument *in;
    long *col;               /* the file's answer column j -> this version's column, -1 */
} wide_version;

typedef struct exporter {
    record_catalog *cat;
    const dict_instrument *latest;
    out_format format;
    unsigned ids;            /* CLI_EXPORT_IDENTIFIERS, CLI_EXPORT_FREE_TEXT */
    const char *rater_code;  /* NULL: every rater code; a therapist's blank code is the
                                session therapist's (the store's rule) */
    csvout w;
    char **vals;
    size_t nvals;
    size_t written;          /* administrations written */
    size_t dropped;          /* answers with no column in the latest version */
    at_err err;
    int failed;
    /* --format wide: the answer columns (the latest version's, then those only
     * earlier versions have), the versions given, and the two optional
     * leading columns, written when some administration needs them */
    const char **cols;
    size_t ncols;
    wide_version *vers;
    size_t nvers;
    int with_version, with_status;
    /* --format redcap: the previous administration, to find two in one instance */
    char *prev_client, *prev_code;
    long prev_session;
} exporter;

static void usage(void)
{
    fputs("usage: collect [--db STUDY] export INSTRUMENT [--format wide|long|redcap]\n"
          "                [-o FILE] [--include-free-text] [--include-identifiers]\n"
          "                [--rater R] [--rater-code X]\n"
          "\n"
          "Writes the answers given to INSTRUMENT (every version) as CSV, on standard\n"
          "output or into FILE.  Administrations come in client, session, rater and\n"
          "rater code order.\n"
          "\n"
          "  wide    the layout 'collect import' reads: attune.client, attune.therapist,\n"
          "          attune.session, attune.date, attune.modality, attune.rater,\n"
          "          attune.rater_code (names no field can have, so a field may be called\n"
          "          date or client), then attune.version when some administration was\n"
          "          given with an earlier version of the instrument and attune.status\n"
          "          when one is partial, then the latest version's columns in dictionary\n"
          "          order (a checkbox as name___code columns, calc fields with their\n"
          "          values recomputed), then those of earlier versions that it has not;\n"
          "          one row per administration.  Answers given with an earlier version\n"
          "          go in by column name, with the calc values of the version they were\n"
          "          given with, computed by its formulas (blank for a calc that version\n"
          "          does not have).  Exporting with --include-identifiers, importing\n"
          "          into a new study with the same versions and exporting again gives\n"
          "          the same bytes.\n"
          "  long    client, therapist, session, date, modality, rater, rater_code,\n"
          "          instrument, version, field, value: one row per non-blank answer,\n"
          "          calc values included, each administration in its own version.\n"
          "  redcap  REDCap's import layout with sessions as a repeating instrument:\n"
          "          record_id (the client code), redcap_repeat_instrument (the form),\n"
          "          redcap_repeat_instance (the session number), attune_date (the\n"
          "          session date) and attune_therapist (the therapist code), the answer\n"
          "          columns of the latest version (calc fields left out: REDCap\n"
          "          computes them) and\n"
          "          <form>_complete (2 complete, 0 partial).  REDCap takes the two\n"
          "          attune_ columns once the project has those fields: 'collect\n"
          "          instrument export NAME --session-fields' writes the dictionary with\n"
          "          them.  An instance holds one rater's answers, so this format takes\n"
          "          one rater (--rater, default client) and fails when a session has\n"
          "          answers from two rater codes (choose with --rater-code).\n"
          "\n"
          "Free-form text (notes fields and text fields without a validation) is left\n"
          "out unless --include-free-text is given, and fields marked Identifier unless\n"
          "--include-identifiers is given (which includes free-form text too), as\n"
          "REDCap's de-identified export does.  --rater and --rater-code keep only that\n"
          "rater's administrations.  -o writes FILE whole or not at all, readable only\n"
          "by you (answers about therapy are health data even without identifiers);\n"
          "it may not be the study file or its -wal/-shm.\n",
          stdout);
}

static void grow_vals(exporter *ex, size_t n)
{
    if (n <= ex->nvals)
        return;
    ex->vals = xrealloc(ex->vals, n * sizeof *ex->vals);
    for (size_t i = ex->nvals; i < n; i++)
        ex->vals[i] = NULL;
    ex->nvals = n;
}

/* Whether column c goes out in REDCap's layout: not a calc (REDCap computes
 * those), and not attune_date or attune_therapist, which a dictionary taken
 * back from REDCap may define and which hold the session's own values. */
static int redcap_col(const dict_instrument *in, size_t c)
{
    return in->fields[in->cols[c].field].type != FT_CALC &&
           strcmp(in->cols[c].name, CLI_REDCAP_DATE) != 0 &&
           strcmp(in->cols[c].name, CLI_REDCAP_THERAPIST) != 0;
}

static void write_header(exporter *ex)
{
    const dict_instrument *in = ex->latest;
    csvout *w = &ex->w;
    if (ex->format == FMT_LONG) {
        static const char *const cols[] = { "client", "therapist", "session", "date",
                                            "modality", "rater", "rater_code", "instrument",
                                            "version", "field", "value" };
        csvout_row(w, cols, sizeof cols / sizeof cols[0]);
        return;
    }
    if (ex->format == FMT_REDCAP) {
        csvout_field(w, in->record_id ? in->record_id : "record_id");
        csvout_field(w, "redcap_repeat_instrument");
        csvout_field(w, "redcap_repeat_instance");
        csvout_field(w, CLI_REDCAP_DATE);
        csvout_field(w, CLI_REDCAP_THERAPIST);
    } else {
        for (size_t l = 0; l < 7; l++)
            csvout_field(w, cli_wide_lead[l]);
        if (ex->with_version)
            csvout_field(w, CLI_WIDE_VERSION);
        if (ex->with_status)
            csvout_field(w, CLI_WIDE_STATUS);
        for (size_t j = 0; j < ex->ncols; j++)
            csvout_field(w, ex->cols[j]);
        csvout_end(w);
        return;
    }
    for (size_t c = 0; c < in->ncols; c++) {
        if (!cli_col_exported(in, c, ex->ids))
            continue;
        if (ex->format == FMT_REDCAP && !redcap_col(in, c))
            continue;
        csvout_field(w, in->cols[c].name);
    }
    if (ex->format == FMT_REDCAP) {
        sbuf sb = SBUF_INIT;
        sbuf_addf(&sb, "%s_complete", in->name);
        csvout_field(w, sbuf_str(&sb));
        sbuf_release(&sb);
    }
    csvout_end(w);
}

static void write_lead(csvout *w, const admin_view *v)
{
    csvout_field(w, v->client);
    csvout_field(w, v->therapist);
    csvout_int(w, v->session);
    csvout_field(w, v->date);
    csvout_field(w, v->modality);
    csvout_field(w, v->rater);
    csvout_field(w, v->rater_code);
}

/* v's answers in the latest version's columns, its calc values those of the
 * version it was given with. */
static int fill_latest(exporter *ex, const admin_view *v)
{
    const dict_instrument *own = record_catalog_get(ex->cat, v->instrument_id, &ex->err);
    if (!own)
        return -1;
    size_t unknown = 0;
    record_fill_as(ex->latest, own, v, ex->vals, &unknown);
    ex->dropped += unknown;
    return 0;
}

/* ---- --format wide: every version's answers, each in its own version ---- */

/* The first pass: which versions the administrations were given with, and
 * whether any is partial. */
static int on_survey(const admin_view *v, void *ctx)
{
    exporter *ex = ctx;
    if (strcmp(v->status, "complete") != 0)
        ex->with_status = 1;
    for (size_t k = 0; k < ex->nvers; k++)
        if (ex->vers[k].instrument_id == v->instrument_id)
            return 0;
    const dict_instrument *in = record_catalog_get(ex->cat, v->instrument_id, &ex->err);
    if (!in) {
        ex->failed = 1;
        return 1;
    }
    ex->vers = xrealloc(ex->vers, (ex->nvers + 1) * sizeof *ex->vers);
    ex->vers[ex->nvers++] = (wide_version){ v->instrument_id, v->version, in, NULL };
    return 0;
}

static int newest_first(const void *a, const void *b)
{
    const wide_version *x = a, *y = b;
    return (x->version < y->version) - (x->version > y->version);
}

/* Whether the column name goes out: in every version that has it (a field
 * free-form text or an Identifier in one version stays out of the whole file
 * unless asked for, so that its column is never there blank for the rows
 * of that version, which an import with --replace would then clear). */
static int col_exported(const exporter *ex, const char *name)
{
    for (size_t k = 0; k < ex->nvers; k++) {
        long c = instrument_col(ex->vers[k].in, name);
        if (c >= 0 && !cli_col_exported(ex->vers[k].in, (size_t)c, ex->ids))
            return 0;
    }
    return 1;
}

static int have_col(const exporter *ex, const char *name)
{
    for (size_t j = 0; j < ex->ncols; j++)
        if (strcmp(ex->cols[j], name) == 0)
            return 1;
    return 0;
}

/* The file's answer columns: the latest version's in dictionary order, then
 * each earlier version's (newest first) that no later one has, so that an
 * answer given with any version has its column; and where each version's
 * columns go among them. */
static void plan_wide(exporter *ex, long latest_id)
{
    int latest_given = 0;
    for (size_t k = 0; k < ex->nvers; k++) {
        latest_given |= ex->vers[k].instrument_id == latest_id;
        ex->with_version |= ex->vers[k].instrument_id != latest_id;
    }
    if (!latest_given) {
        ex->vers = xrealloc(ex->vers, (ex->nvers + 1) * sizeof *ex->vers);
        ex->vers[ex->nvers++] = (wide_version){ latest_id, 0, ex->latest, NULL };
    }
    for (size_t k = 0; k < ex->nvers; k++)
        if (ex->vers[k].instrument_id == latest_id)
            ex->vers[k].version = LONG_MAX;   /* first, whatever its number */
    qsort(ex->vers, ex->nvers, sizeof *ex->vers, newest_first);
    size_t room = 0;
    for (size_t k = 0; k < ex->nvers; k++)
        room += ex->vers[k].in->ncols;
    ex->cols = xmalloc((room ? room : 1) * sizeof *ex->cols);
    for (size_t k = 0; k < ex->nvers; k++) {
        const dict_instrument *in = ex->vers[k].in;
        for (size_t c = 0; c < in->ncols; c++)
            if (!have_col(ex, in->cols[c].name) && col_exported(ex, in->cols[c].name))
                ex->cols[ex->ncols++] = in->cols[c].name;
    }
    size_t most = 0;
    for (size_t k = 0; k < ex->nvers; k++) {
        wide_version *wv = &ex->vers[k];
        wv->col = xmalloc((ex->ncols ? ex->ncols : 1) * sizeof *wv->col);
        for (size_t j = 0; j < ex->ncols; j++) {
            wv->col[j] = instrument_col(wv->in, ex->cols[j]);
        }
        if (wv->in->ncols > most)
            most = wv->in->ncols;
    }
    grow_vals(ex, most);
}

static int write_wide(exporter *ex, const admin_view *v)
{
    const wide_version *wv = NULL;
    for (size_t k = 0; k < ex->nvers && !wv; k++)
        if (ex->vers[k].instrument_id == v->instrument_id)
            wv = &ex->vers[k];
    if (!wv) {   /* given while the export ran: not in the first pass */
        at_fail(&ex->err, AT_EINVAL, "the study changed while it was exported; export again");
        return -1;
    }
    record_fill(wv->in, v, ex->vals, NULL);
    write_lead(&ex->w, v);
    if (ex->with_version)
        csvout_int(&ex->w, v->version);
    if (ex->with_status)
        csvout_field(&ex->w, v->status);
    for (size_t j = 0; j < ex->ncols; j++)
        csvout_field(&ex->w, wv->col[j] >= 0 ? ex->vals[wv->col[j]] : NULL);
    csvout_end(&ex->w);
    record_clear(ex->vals, wv->in->ncols);
    return 0;
}

static int write_long(exporter *ex, const admin_view *v)
{
    const dict_instrument *in = record_catalog_get(ex->cat, v->instrument_id, &ex->err);
    if (!in)
        return -1;
    grow_vals(ex, in->ncols);
    record_fill(in, v, ex->vals, NULL);
    for (size_t c = 0; c < in->ncols; c++) {
        if (!ex->vals[c] || !cli_col_exported(in, c, ex->ids))
            continue;
        write_lead(&ex->w, v);
        csvout_field(&ex->w, v->instrument);
        csvout_int(&ex->w, v->version);
        csvout_field(&ex->w, in->cols[c].name);
        csvout_field(&ex->w, ex->vals[c]);
        csvout_end(&ex->w);
    }
    record_clear(ex->vals, in->ncols);
    return 0;
}

static int write_redcap(exporter *ex, const admin_view *v)
{
    const dict_instrument *in = ex->latest;
    if (fill_latest(ex, v) != 0)
        return -1;
    csvout_field(&ex->w, v->client);
    csvout_field(&ex->w, in->name);
    csvout_int(&ex->w, v->session);
    csvout_field(&ex->w, v->date);
    csvout_field(&ex->w, v->therapist);
    for (size_t c = 0; c < in->ncols; c++)
        if (cli_col_exported(in, c, ex->ids) && redcap_col(in, c))
            csvout_field(&ex->w, ex->vals[c]);
    csvout_field(&ex->w, strcmp(v->status, "complete") == 0 ? "2" : "0");
    csvout_end(&ex->w);
    record_clear(ex->vals, in->ncols);
    return 0;
}

static int on_admin(const admin_view *v, void *ctx)
{
    exporter *ex = ctx;
    int r = ex->format == FMT_WIDE  ? write_wide(ex, v)
          : ex->format == FMT_LONG  ? write_long(ex, v)
                                    : write_redcap(ex, v);
    if (r != 0) {
        ex->failed = 1;
        return 1;
    }
    ex->written++;
    return 0;
}

/* --format redcap: a REDCap instance (client, session) holds one set of
 * answers; finds the first session with two administrations left after
 * filtering. */
static int on_instance(const admin_view *v, void *ctx)
{
    exporter *ex = ctx;
    if (ex->prev_client && strcmp(ex->prev_client, v->client) == 0 &&
        ex->prev_session == v->session) {
        at_fail(&ex->err, AT_EINVAL,
                "session %ld of client '%s' has two %s ratings (rater codes '%s' and '%s'); a "
                "REDCap instance holds one: choose one with --rater-code", v->session, v->client,
                v->rater, ex->prev_code, v->rater_code);
        ex->failed = 1;
        return 1;
    }
    free(ex->prev_client);
    free(ex->prev_code);
    ex->prev_client = xstrdup(v->client);
    ex->prev_code = xstrdup(v->rater_code);
    ex->prev_session = v->session;
    return 0;
}

static int parse_format(const char *s, out_format *f)
{
    if (strcmp(s, "wide") == 0)
        *f = FMT_WIDE;
    else if (strcmp(s, "long") == 0)
        *f = FMT_LONG;
    else if (strcmp(s, "redcap") == 0)
        *f = FMT_REDCAP;
    else
        return 0;
    return 1;
}

int cmd_export(int argc, char **argv, const char *db)
{
    exporter ex = { .format = FMT_WIDE };
    const char *path = NULL, *rater = NULL, *format = NULL;
    int with_ids = 0, with_text = 0;
    const opt_spec opts[] = {
        { "--format", "F", "wide (default), long or redcap", &format, NULL },
        { "-o", "FILE", "write FILE (whole or not at all, readable only by you; not the study "
                        "file or its -wal/-shm)", &path, NULL },
        { "--output", "FILE", "the same as -o", &path, NULL },
        { "--include-free-text", NULL, "with free-form text (notes, and text fields without a "
                                       "validation)", NULL, &with_text },
        { "--include-identifiers", NULL, "with fields marked Identifier, and free-form text",
          NULL, &with_ids },
        { "--rater", "R", "only client, therapist or observer ratings (redcap: default client)",
          &rater, NULL },
        { "--rater-code", "X", "only the ratings with this rater code (a therapist's rating "
                               "stored without a code is the session therapist's)",
          &ex.rater_code, NULL },
        { NULL, NULL, NULL, NULL, NULL } };
    if (cli_help_or_complete(argc, argv, opts, usage))
        return EXIT_OK;
    opt_args args = { .noun = "instrument", .max = 1 };
    if (opt_parse("export", argc, argv, 1, opts, &args) != EXIT_OK)
        return EXIT_USAGE;
    const char *name = args.n ? args.v[0] : NULL;
    ex.ids = (with_ids ? CLI_EXPORT_IDENTIFIERS : 0) | (with_text ? CLI_EXPORT_FREE_TEXT : 0);
    if (format && !parse_format(format, &ex.format))
        return cli_usage("export", "'%s' is not a format (wide, long or redcap)", format);
    if (rater && !store_is_rater(rater))
        return cli_usage("export", "'%s' is not a rater (client, therapist or observer)", rater);
    if (!name)
        return cli_usage("export", "'export' needs an INSTRUMENT");
    if (ex.format == FMT_REDCAP && !rater)
        rater = "client";

    int rc = EXIT_FAIL;
    outfile out = OUTFILE_INIT;
    store *s = cli_open(db, STORE_READ);
    if (!s)
        goto done;
    ex.cat = record_catalog_new(s);
    long latest_id = 0;
    ex.latest = record_catalog_latest(ex.cat, name, &latest_id, &ex.err);
    if (!ex.latest) {
        if (ex.err.code == AT_ENOTFOUND)
            cli_no_instrument(name);
        else
            cli_fail("%s", ex.err.msg);
        goto done;
    }
    grow_vals(&ex, ex.latest->ncols);
    admin_filter flt = { .instrument = name, .rater = rater, .rater_code = ex.rater_code };

    if (ex.format != FMT_LONG) {
        at_status st = store_admin_each(s, &flt, ex.format == FMT_WIDE ? on_survey
                                                                        : on_instance,
                                        &ex, &ex.err);
        if (st != AT_OK || ex.failed) {
            cli_fail("%s", ex.err.msg);
            goto done;
        }
    }
    if (ex.format == FMT_WIDE)
        plan_wide(&ex, latest_id);

    if (cli_open_out(&out, path, s) != 0)
        goto done;
    if (out.fp == stdout) {
        static char buf[1 << 16];
        setvbuf(stdout, buf, _IOFBF, sizeof buf);
    }
    csvout_init_file(&ex.w, out.fp);
    write_header(&ex);
    at_status st = store_admin_each(s, &flt, on_admin, &ex, &ex.err);
    if (st != AT_OK || ex.failed || outfile_commit(&out, &ex.err) != AT_OK) {
        cli_fail("%s", ex.err.msg);
        goto done;
    }
    if (ex.dropped)
        fprintf(stderr,
                "collect: warning: %zu answer%s from older versions of '%s' %s no column in the "
                "latest version and %s left out (REDCap's layout has the latest version's "
                "columns only; '--format wide' and '--format long' keep them)\n",
                ex.dropped, ex.dropped == 1 ? "" : "s", name, ex.dropped == 1 ? "has" : "have",
                ex.dropped == 1 ? "is" : "are");
    if (path && strcmp(path, "-") != 0)
        printf("wrote %zu administration%s of '%s' to '%s'\n", ex.written,
               ex.written == 1 ? "" : "s", name, path);
    rc = EXIT_OK;
done:
    outfile_release(&out);
    if (ex.vals)
        record_clear(ex.vals, ex.nvals);
    free(ex.vals);
    free(ex.prev_client);
    free(ex.prev_code);
    for (size_t k = 0; k < ex.nvers; k++)
        free(ex.vers[k].col);
    free(ex.vers);
    free(ex.cols);
    record_catalog_free(ex.cat);
    store_close(s);
    return rc;
}
