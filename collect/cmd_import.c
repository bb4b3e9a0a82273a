/* collect import: answers from a wide CSV file, all rows or none.
 *
 * One pass over the file, read as a stream.  Each row is checked (its seven
 * leading cells, each answer against the dictionary, branching and required
 * answers, its session and administration against the store) and saved
 * inside one transaction, so the rows before it are in the store when it is
 * checked.  At the end the transaction is committed when there was no
 * problem at all (and the run is not --dry-run), and rolled back otherwise,
 * so a bad row anywhere means nothing is imported; the checking goes on to
 * the end so that every problem is reported. */
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "import.h"
#include "strmap.h"

/* What a CSV column is: a leading column, a column to skip (a calc column,
 * as calc values are recomputed, or one already reported as a problem), or
 * an answer column of the instrument. */
enum { COL_LEAD = -2, COL_SKIP = -1 };

#define MAX_SHOWN 50

static void usage(void)
{
    fputs("usage: collect [--db FILE] import INSTRUMENT FILE.csv [--dry-run] [--replace]\n"
          "\n"
          "Imports answers to INSTRUMENT (its latest version) from a wide CSV file, the\n"
          "layout 'collect export' writes: the columns client, therapist, session, date,\n"
          "modality, rater, rater_code, then the instrument's answer columns by name (a\n"
          "checkbox as name___code columns holding 0 or 1).  Answer columns may come in\n"
          "any order and may be left out (blank); a column the instrument does not have is\n"
          "an error.  Calc columns are ignored: scores are recomputed from the answers.\n"
          "\n"
          "Each row needs a client code and a session number; therapist, date (YYYY-MM-DD,\n"
          "today for a new session when blank), modality (in-person or telehealth) and\n"
          "rater_code may be blank; a blank rater means client.  Clients, therapists and\n"
          "sessions that are not in the study yet are created.  Every answer is checked\n"
          "against the dictionary: codes, ranges, validation, required answers and\n"
          "branching (an answer to a question its branching hides is an error).  Spaces\n"
          "around a cell are ignored, and so are rows whose cells are all blank.\n"
          "\n"
          "Nothing is imported when any row is bad: every problem is reported as\n"
          "'FILE' line N: 'column': reason (the first 50, then a count).  A session that\n"
          "exists with another therapist, date or modality is an error, and so is an\n"
          "administration (client, session, rater, rater code) given twice in the file.\n"
          "\n"
          "  --dry-run   check everything and say what would be imported; nothing is\n"
          "              kept (the rows are checked inside a transaction that is undone,\n"
          "              so the study must be writable)\n"
          "  --replace   replace administrations already in the study (kept in the audit\n"
          "              trail) instead of refusing them\n", stdout);
}

static void note_calc_ref(long col, void *ctx)
{
    importer *im = ctx;
    if (col >= 0 && im->in->fields[im->in->cols[col].field].type == FT_CALC)
        im->branch_on_calc = 1;
}

/* Calc values are not saved (they are recomputed whenever they are read), so
 * a row needs them only when a branching logic reads one. */
static void find_branch_on_calc(importer *im)
{
    for (size_t i = 0; i < im->in->nfields; i++)
        if (im->in->fields[i].branching)
            expr_each_ref(im->in->fields[i].branching, note_calc_ref, im);
}

/* ---- the header ---------------------------------------------------------- */

static void read_header(importer *im, const csvrow *row)
{
    const instrument *in = im->in;
    im->ncsv = row->n;
    im->map = xmalloc((row->n ? row->n : 1) * sizeof *im->map);
    for (int l = 0; l < NLEAD; l++)
        im->lead[l] = -1;
    strmap seen = STRMAP_INIT;

    for (size_t i = 0; i < row->n; i++) {
        const char *name = import_trim(row->fields[i]);
        int added;
        strmap_put(&seen, name, &added);
        if (!added) {
            import_problem(im, row->line, name, "the column appears twice");
            im->map[i] = COL_SKIP;
            continue;
        }
        int lead = -1;
        for (int l = 0; l < NLEAD; l++)
            if (strcmp(name, cli_wide_lead[l]) == 0)
                lead = l;
        if (lead >= 0) {
            im->lead[lead] = (long)i;
            im->map[i] = COL_LEAD;
            continue;
        }
        long c = instrument_col(in, name);
        if (c < 0) {
            if (in->record_id && strcmp(name, in->record_id) == 0)
                import_problem(im, row->line, name, "the record identifier has no column "
                               "here: the client column holds it");
            else if (*name == '\0')
                import_problem(im, row->line, name, "a column without a name (column %zu)",
                               i + 1);
            else
                import_problem(im, row->line, name, "not a column of '%s'", in->name);
            im->map[i] = COL_SKIP;
            continue;
        }
        im->map[i] = in->fields[in->cols[c].field].type == FT_CALC ? COL_SKIP : c;
    }
    for (int l = 0; l < NLEAD; l++)
        if (im->lead[l] < 0)
            import_problem(im, row->line, cli_wide_lead[l], "the column is missing");
    strmap_release(&seen, NULL);
    im->header_bad = im->problems.n > 0;
}

/* ---- the answers --------------------------------------------------------- */

/* Normalises the row's answers into im->vals and checks them as a whole. */
static void check_answers(importer *im, const csvrow *row)
{
    const instrument *in = im->in;
    char why[256];
    record_clear(im->vals, in->ncols);
    for (size_t i = 0; i < im->ncsv; i++) {
        long c = im->map[i];
        const char *raw = row->fields[i];
        if (c < 0 || !*raw)
            continue;
        const field *f = &in->fields[in->cols[c].field];
        char *out = NULL;
        if (field_normalize(f, raw, &out, why, sizeof why)) {
            im->vals[c] = out;
        } else {
            /* keep the raw text: the check below names it with its reason */
            im->vals[c] = xstrdup(raw);
        }
    }
    if (im->branch_on_calc)
        instrument_compute(in, im->vals);
    instrument_check(in, (const char *const *)im->vals, import_prefix(im, row->line),
                     &im->problems);
}

/* ---- saving -------------------------------------------------------------- */

static int save_row(importer *im, const lead_vals *lv, long line, int made_session)
{
    const instrument *in = im->in;
    for (size_t c = 0; c < in->ncols; c++)
        im->values[c] = in->fields[in->cols[c].field].type == FT_CALC ? NULL : im->vals[c];
    admin_rec rec = {
        .client = lv->client,
        .therapist = lv->therapist,
        .session = lv->session,
        .date = lv->date,
        .modality = lv->modality,
        .instrument_id = im->instrument_id,
        .rater = lv->rater,
        .rater_code = lv->rater_code,
        .status = "complete",
        .source = "import",
        .values = im->values,
        .n = in->ncols,
    };
    at_err err;
    if (store_admin_save(im->s, &rec, im->replace, im->who, NULL, NULL, &err) != AT_OK) {
        msgs_addf(&im->problems, "%s%s", import_prefix(im, line), err.msg);
        im->db_failed = 1;
        return 1;
    }
    import_saved(im, line, made_session);
    return 0;
}

static int on_row(const csvrow *row, void *ctx)
{
    importer *im = ctx;
    if (row->index == 0) {
        read_header(im, row);
        return im->header_bad;   /* without a usable header the rows mean nothing */
    }
    if (import_blank_row(row))
        return 0;
    if (row->n != im->ncsv) {
        msgs_addf(&im->problems, "%s%zu cells, but the header has %zu",
                  import_prefix(im, row->line), row->n, im->ncsv);
        return 0;
    }
    lead_vals lv;
    size_t lead_bad = import_check_lead(im, row, &lv);
    size_t before = im->problems.n;
    check_answers(im, row);
    if (lead_bad)
        return 0;   /* the session and administration checks need sound leading cells */
    int exists = 0, replaces = 0;
    if (import_check_store(im, &lv, row->line, &exists, &replaces))
        return im->db_failed;
    /* a row whose answers are wrong is saved all the same (the transaction
     * is undone at the end), so that the rows after it are checked against
     * it as they would be against a correct one */
    if (save_row(im, &lv, row->line, !exists))
        return 1;
    if (im->problems.n > before)
        return 0;
    im->admins_ok++;
    im->replaced += (size_t)replaces;
    return 0;
}

/* ---- the command --------------------------------------------------------- */

static void report(const importer *im, const size_t counts[4])
{
    printf("%s %zu administration%s of '%s' version %ld (%zu client%s, %zu therapist%s, "
           "%zu session%s)",
           im->dry_run ? "would import" : "imported", im->admins_ok,
           im->admins_ok == 1 ? "" : "s", im->in->name, im->version, counts[1],
           counts[1] == 1 ? "" : "s", counts[2], counts[2] == 1 ? "" : "s",
           counts[3], counts[3] == 1 ? "" : "s");
    if (im->replaced)
        printf(", %s %zu earlier one%s", im->dry_run ? "replacing" : "replaced", im->replaced,
               im->replaced == 1 ? "" : "s");
    if (im->dry_run)
        fputs("; nothing was written", stdout);
    putchar('\n');
}

int cmd_import(int argc, char **argv, const char *db)
{
    if (cli_wants_help(argc, argv)) {
        usage();
        return EXIT_OK;
    }
    const char *name = NULL, *path = NULL;
    int dry_run = 0, replace = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--dry-run") == 0)
            dry_run = 1;
        else if (strcmp(argv[i], "--replace") == 0)
            replace = 1;
        else if (argv[i][0] == '-' && argv[i][1] != '\0')
            return cli_usage("import", "unknown option '%s'", argv[i]);
        else if (!name)
            name = argv[i];
        else if (!path)
            path = argv[i];
        else
            return cli_usage("import", "too many arguments ('%s')", argv[i]);
    }
    if (!name || !path)
        return cli_usage("import", "import needs an instrument name and a CSV file");

    int rc = EXIT_FAIL;
    at_err err;
    importer im = { .path = strcmp(path, "-") == 0 ? "<stdin>" : path, .dry_run = dry_run,
                    .replace = replace, .who = cli_who() };
    sbuf_init(&im.prefix);
    catalog *cat = NULL;
    int in_txn = 0;
    size_t counts[4] = { 0, 0, 0, 0 };

    im.s = cli_open(db, STORE_WRITE);
    if (!im.s)
        goto out;
    cat = catalog_new(im.s);
    im.in = catalog_latest(cat, name, &im.instrument_id, &err);
    if (!im.in) {
        cli_fail("%s", err.msg);
        goto out;
    }
    instrument_info ii = { 0 };
    if (store_instrument_by_id(im.s, im.instrument_id, &ii, &err) != AT_OK) {
        cli_fail("%s", err.msg);
        goto out;
    }
    im.version = ii.version;
    instrument_info_release(&ii);

    find_branch_on_calc(&im);
    im.vals = xcalloc(im.in->ncols ? im.in->ncols : 1, sizeof *im.vals);
    im.values = xcalloc(im.in->ncols ? im.in->ncols : 1, sizeof *im.values);

    if (store_begin(im.s, &err) != AT_OK) {
        cli_fail("%s", err.msg);
        goto out;
    }
    in_txn = 1;
    if (csvin_read_file(path, on_row, &im, &err) != AT_OK) {
        cli_print_msgs(&im.problems, MAX_SHOWN);
        cli_fail("%s; nothing was imported", err.msg);
        goto out;
    }
    if (!im.map) {
        cli_fail("'%s': the file is empty (it needs a header row); nothing was imported",
                 im.path);
        goto out;
    }
    if (im.problems.n) {
        cli_print_msgs(&im.problems, MAX_SHOWN);
        cli_fail("'%s': %zu problem%s; nothing was imported", im.path, im.problems.n,
                 im.problems.n == 1 ? "" : "s");
        goto out;
    }
    if (store_txn_counts(im.s, counts, &err) != AT_OK) {
        cli_fail("%s; nothing was imported", err.msg);
        goto out;
    }
    if (!dry_run) {
        if (store_commit(im.s, &err) != AT_OK) {
            cli_fail("%s; nothing was imported", err.msg);
            goto out;
        }
        in_txn = 0;
    }
    report(&im, counts);
    rc = EXIT_OK;
out:
    if (in_txn)
        store_rollback(im.s);
    if (im.vals)
        record_clear(im.vals, im.in->ncols);
    free(im.vals);
    free(im.values);
    free(im.map);
    import_release_lines(&im);
    msgs_release(&im.problems);
    sbuf_release(&im.prefix);
    catalog_free(cat);
    store_close(im.s);
    return rc;
}
