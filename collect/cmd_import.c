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
#include <unistd.h>
#include <string.h>

#include "commands.h"
#include "import.h"
#include "strmap.h"
#include "handoff.h"
#include "meter.h"

#include <pthread.h>

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
          "around a cell are ignored, and so are rows whose cells are all blank.  The\n"
          "file must be UTF-8 text (a UTF-16 or UTF-32 file is refused with the command\n"
          "that converts it); a cell holds at most 1 MB.\n"
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
          "              trail, every changed answer with its old and new value)\n"
          "              instead of refusing them\n"
          "  --threads N 2 (the default on a machine with two or more cores): the file\n"
          "              is read and checked on a second thread while rows are saved;\n"
          "              1: one thread.  Messages and the study are the same either way\n", stdout);
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
            import_problem(im, &im->reading, row->line, name, "the column appears twice");
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
                import_problem(im, &im->reading, row->line, name, "the record identifier has no column "
                               "here: the client column holds it");
            else if (*name == '\0')
                import_problem(im, &im->reading, row->line, name, "a column without a name (column %zu)",
                               i + 1);
            else
                import_problem(im, &im->reading, row->line, name, "not a column of '%s'", in->name);
            im->map[i] = COL_SKIP;
            continue;
        }
        im->map[i] = in->fields[in->cols[c].field].type == FT_CALC ? COL_SKIP : c;
    }
    for (int l = 0; l < NLEAD; l++)
        if (im->lead[l] < 0)
            import_problem(im, &im->reading, row->line, cli_wide_lead[l], "the column is missing");
    strmap_release(&seen, NULL);
    im->header_bad = im->reading.msgs->n > 0;
}

/* ---- the answers --------------------------------------------------------- */

/* Normalises the row's answers into im->vals and checks them as a whole. */
static void check_answers(importer *im, const csvrow *row)
{
    const instrument *in = im->in;
    char why[256];
    record_clear(im->vals, in->ncols);
    memset(im->valid, 0, in->ncols);
    for (size_t i = 0; i < im->ncsv; i++) {
        long c = im->map[i];
        const char *raw = row->fields[i];
        if (c < 0 || !*raw)
            continue;
        const field *f = &in->fields[in->cols[c].field];
        char *out = NULL;
        if (field_normalize(f, raw, &out, why, sizeof why)) {
            im->vals[c] = out;
            im->valid[c] = 1;
        } else {
            /* keep the raw text: the check below names it with its reason */
            im->vals[c] = xstrdup(raw);
        }
    }
    if (im->branch_on_calc)
        instrument_compute(in, im->vals);
    instrument_check_known(in, (const char *const *)im->vals, im->valid,
                           import_prefix(im, &im->reading, row->line), im->reading.msgs);
}

/* ---- rows read, handed to the saving side ---------------------------------- */

/* A row as the reading side leaves it: its problems, and when its leading
 * cells are sound, what the saving side checks against the store and saves.
 * Strings are offsets into the batch's text (plus one; 0 for none). */
typedef struct read_row {
    long line;
    int to_store;                /* leading cells sound */
    int bad;                     /* a problem already */
    size_t probs, nprobs;        /* its problems: entries in offs */
    size_t lead[6];              /* client, therapist, date, modality, rater, rater_code */
    long session;
    size_t vals;                 /* in->ncols entries in offs */
} read_row;

enum { ROWS_PER_BATCH = 256, NBATCHES = 4 };

typedef struct row_batch {
    handoff_item link;           /* first: the handoff's */
    read_row rows[ROWS_PER_BATCH];
    size_t n;
    sbuf text;
    size_t *offs;
    size_t noffs, coffs;
} row_batch;

static size_t keep(row_batch *b, const char *s)
{
    if (!s)
        return 0;
    size_t at = b->text.len;
    sbuf_adds(&b->text, s);
    sbuf_addc(&b->text, '\0');
    return at + 1;
}

static void add_off(row_batch *b, size_t off)
{
    if (b->noffs == b->coffs) {
        b->coffs = b->coffs ? 2 * b->coffs : 1024;
        b->offs = xrealloc(b->offs, b->coffs * sizeof *b->offs);
    }
    b->offs[b->noffs++] = off;
}

static const char *text_at(const row_batch *b, size_t off)
{
    return off ? b->text.buf + off - 1 : NULL;
}

/* Copies the row just read (its problems, leading cells and answers) into b. */
static void batch_row(importer *im, row_batch *b, long line, const lead_vals *lv, int to_store)
{
    read_row *r = &b->rows[b->n++];
    memset(r, 0, sizeof *r);
    r->line = line;
    r->to_store = to_store;
    r->bad = im->row_msgs.n > 0;
    r->probs = b->noffs;
    r->nprobs = im->row_msgs.n;
    for (size_t k = 0; k < im->row_msgs.n; k++)
        add_off(b, keep(b, im->row_msgs.items[k]));
    msgs_release(&im->row_msgs);
    if (!to_store)
        return;
    const char *lead[6] = { lv->client, lv->therapist, lv->date, lv->modality, lv->rater,
                            lv->rater_code };
    for (int k = 0; k < 6; k++)
        r->lead[k] = keep(b, lead[k]);
    r->session = lv->session;
    r->vals = b->noffs;
    for (size_t c = 0; c < im->in->ncols; c++)
        add_off(b, keep(b, im->vals[c]));
}

/* ---- saving ---------------------------------------------------------------- */

static int save_row(importer *im, const lead_vals *lv, long line, int made_session)
{
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
        .n = im->in->ncols,
    };
    at_err err;
    if (store_admin_save(im->s, &rec, im->replace, im->who, NULL, NULL, &err) != AT_OK) {
        msgs_addf(&im->problems, "%s%s", import_prefix(im, &im->saving, line), err.msg);
        im->db_failed = 1;
        return 1;
    }
    import_saved(im, line, made_session);
    return 0;
}

/* The saving side of one row: its problems in order, then its session and
 * administration checked against the store, and the save.  A row whose
 * answers are wrong is saved all the same (the transaction is undone at
 * the end), so that the rows after it are checked against it as they would
 * be against a correct one.  Returns nonzero when the store failed. */
static int save_read_row(importer *im, const row_batch *b, const read_row *r)
{
    for (size_t k = 0; k < r->nprobs; k++) {
        const char *m = text_at(b, b->offs[r->probs + k]);
        msgs_addf(&im->problems, "%s", m ? m : "");
    }
    if (!r->to_store)
        return 0;
    lead_vals lv = { text_at(b, r->lead[0]), text_at(b, r->lead[1]), text_at(b, r->lead[2]),
                     text_at(b, r->lead[3]), text_at(b, r->lead[4]), text_at(b, r->lead[5]),
                     r->session };
    const instrument *in = im->in;
    for (size_t c = 0; c < in->ncols; c++)
        im->values[c] = in->fields[in->cols[c].field].type == FT_CALC
                            ? NULL : text_at(b, b->offs[r->vals + c]);
    int exists = 0, replaces = 0;
    if (import_check_store(im, &lv, r->line, &exists, &replaces))
        return im->db_failed;
    if (save_row(im, &lv, r->line, !exists))
        return 1;
    if (!r->bad) {
        im->admins_ok++;
        im->replaced += (size_t)replaces;
    }
    return 0;
}

static meter progress_line;   /* on stderr, at a terminal only */

static int save_batch(importer *im, const row_batch *b)
{
    for (size_t i = 0; i < b->n; i++)
        if (save_read_row(im, b, &b->rows[i]))
            return 1;
    if (b->n)
        meter_step(&progress_line, b->rows[b->n - 1].line, b->rows[b->n - 1].line - 1);
    return 0;
}

/* ---- reading --------------------------------------------------------------- */

typedef struct reading {
    importer *im;
    handoff *h;
    row_batch *cur;
    row_batch *one;             /* with one thread: the batch saved at once */
    at_status status;
    at_err err;
} reading;

static int send_cur(reading *rd)
{
    if (!rd->cur || !rd->cur->n)
        return 0;
    if (rd->one) {
        int failed = save_batch(rd->im, rd->cur);
        rd->cur->n = 0;
        sbuf_reset(&rd->cur->text);
        rd->cur->noffs = 0;
        return failed;
    }
    handoff_send(rd->h, &rd->cur->link);
    rd->cur = NULL;
    return 0;
}

static int on_row(const csvrow *row, void *ctx)
{
    reading *rd = ctx;
    importer *im = rd->im;
    if (!rd->cur) {
        if (rd->one) {
            rd->cur = rd->one;
        } else if (!(rd->cur = (row_batch *)handoff_take(rd->h))) {
            return 1;   /* the saving side stopped */
        }
        rd->cur->n = 0;
        sbuf_reset(&rd->cur->text);
        rd->cur->noffs = 0;
    }
    lead_vals lv = { 0 };
    if (row->index == 0) {
        im->semicolons = row->semicolons;
        read_header(im, row);
        batch_row(im, rd->cur, row->line, &lv, 0);
        return im->header_bad;   /* without a usable header the rows mean nothing */
    }
    if (import_blank_row(row))
        return 0;
    if (row->n != im->ncsv) {
        msgs_addf(&im->row_msgs, "%s%zu cells, but the header has %zu",
                  import_prefix(im, &im->reading, row->line), row->n, im->ncsv);
        batch_row(im, rd->cur, row->line, &lv, 0);
    } else {
        size_t lead_bad = import_check_lead(im, row, &lv);
        check_answers(im, row);
        /* the session and administration checks need sound leading cells */
        batch_row(im, rd->cur, row->line, &lv, !lead_bad);
    }
    if (rd->cur->n == ROWS_PER_BATCH)
        return send_cur(rd);
    return 0;
}

static void *read_main(void *arg)
{
    reading *rd = arg;
    rd->status = csvin_read_file_as(rd->im->path_arg, CSVIN_SEMICOLONS, on_row, rd, &rd->err);
    send_cur(rd);
    handoff_finish(rd->h);
    return NULL;
}

/* Reads the file and saves its rows: the reading on a second thread when
 * im->threads is 2.  Returns the reading's status (err filled). */
static at_status read_and_save(importer *im, at_err *err)
{
    reading rd = { .im = im };
    row_batch *b;
    if (im->threads < 2) {
        rd.one = xcalloc(1, sizeof *rd.one);
        rd.status = csvin_read_file_as(im->path_arg, CSVIN_SEMICOLONS, on_row, &rd, &rd.err);
        send_cur(&rd);   /* the rows read before a stop, as with two threads */
        sbuf_release(&rd.one->text);
        free(rd.one->offs);
        free(rd.one);
        *err = rd.err;
        return rd.status;
    }
    rd.h = handoff_new();
    for (int k = 0; k < NBATCHES; k++)
        handoff_give(rd.h, &((row_batch *)xcalloc(1, sizeof(row_batch)))->link);
    pthread_t reader;
    if (pthread_create(&reader, NULL, read_main, &rd) != 0) {
        /* no thread: read here, one batch at a time */
        while ((b = (row_batch *)handoff_drain(rd.h)))
            free(b);
        handoff_free(rd.h);
        im->threads = 1;
        return read_and_save(im, err);
    }
    int stopped = 0;
    while ((b = (row_batch *)handoff_receive(rd.h))) {
        if (!stopped && save_batch(im, b)) {
            stopped = 1;
            handoff_cancel(rd.h);
        }
        handoff_give(rd.h, &b->link);
    }
    pthread_join(reader, NULL);
    while ((b = (row_batch *)handoff_drain(rd.h))) {
        sbuf_release(&b->text);
        free(b->offs);
        free(b);
    }
    handoff_free(rd.h);
    *err = rd.err;
    return rd.status;
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
    long threads = sysconf(_SC_NPROCESSORS_ONLN) >= 2 ? 2 : 1;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r;
        if (strcmp(argv[i], "--dry-run") == 0)
            dry_run = 1;
        else if (strcmp(argv[i], "--replace") == 0)
            replace = 1;
        else if ((r = opt_value(argc, argv, &i, "--threads", &v)) != 0) {
            if (r < 0 || !parse_long(v, &threads) || threads < 1 || threads > 2)
                return cli_usage("import", "'--threads' takes 1 or 2");
            i--;
        }
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
    importer im = { .path = strcmp(path, "-") == 0 ? "<stdin>" : path, .path_arg = path,
                    .dry_run = dry_run, .replace = replace, .who = cli_who(),
                    .threads = (int)threads };
    im.reading.msgs = &im.row_msgs;
    im.saving.msgs = &im.problems;
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
    im.valid = xcalloc(im.in->ncols ? im.in->ncols : 1, 1);

    if (store_begin_bulk(im.s, &err) != AT_OK) {
        cli_fail("%s", err.msg);
        goto out;
    }
    in_txn = 1;
    meter_start_file(&progress_line, "collect", "rows", im.path_arg);
    at_status read_rc = read_and_save(&im, &err);
    meter_end(&progress_line);
    if (im.semicolons)
        fprintf(stderr, "collect: note: '%s' is separated by semicolons (as spreadsheets "
                "save CSV in many locales); it was read so\n", im.path);
    if (read_rc != AT_OK) {
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
    free(im.valid);
    free(im.map);
    import_release_lines(&im);
    msgs_release(&im.problems);
    msgs_release(&im.row_msgs);
    sbuf_release(&im.reading.prefix);
    sbuf_release(&im.saving.prefix);
    catalog_free(cat);
    store_close(im.s);
    return rc;
}
