/* collect import: answers from a wide CSV file or a REDCap export, all rows
 * or none.
 *
 * One pass over the file, read as a stream (import_row.c reads the header
 * and checks the answers, import_redcap.c turns a REDCap export's rows into
 * the wide layout, import_check.c checks the leading cells and the store).  Each row is checked (its seven
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
#include "opt.h"
#include "import.h"
#include "people.h"
#include "handoff.h"
#include "meter.h"

#include <pthread.h>

#define MAX_SHOWN 50

static void usage(void)
{
    fputs("usage: collect [--db STUDY] import INSTRUMENT FILE.csv [--dry-run] [--replace]\n"
          "       collect [--db STUDY] import INSTRUMENT FILE.csv --format redcap\n"
          "               [--record-id F] [--events E1,E2,...] [--session N]\n"
          "               [--therapist-field F] [--date-field F] [--rater R]\n"
          "               [--rater-code X] [--dry-run] [--replace]\n"
          "\n"
          "Imports answers to INSTRUMENT (its latest version, or in a wide file the\n"
          "version each row's attune.version names) from a CSV file.\n"
          "\n"
          "--format wide (the default) reads the layout 'collect export' writes: the\n"
          "columns attune.client, attune.therapist, attune.session, attune.date,\n"
          "attune.modality, attune.rater, attune.rater_code, then the instrument's answer\n"
          "columns by name (a checkbox as name___code columns holding 0 or 1).  Files\n"
          "with the names of earlier versions (client, therapist, ...) are read too.\n"
          "Answer columns may come in any order and may be left out (blank); so may\n"
          "modality, rater and rater_code.  With --replace, a column left out that holds\n"
          "an answer of the replaced administration is an error (a default export\n"
          "leaves free-form text and Identifier fields out: export with\n"
          "--include-free-text or --include-identifiers, or add the column blank to\n"
          "clear it).  A column the instrument does not have is an\n"
          "error.  Calc values are recomputed from the answers; one in the file that\n"
          "differs from attune's (compared as numbers: 2 and 2.0 agree) is a warning\n"
          "naming the line, the field and both values.  An attune.status column (the\n"
          "file 'collect run' keeps when stopped has one) may say partial: required\n"
          "answers may be blank then, and the administration is saved as partial; blank\n"
          "or complete is the default, a complete administration.  An attune.version\n"
          "column (export writes one when some answers were given with an earlier\n"
          "version) names the version of the row's answers, blank the latest: they are\n"
          "checked against that version and saved under it, a column of another\n"
          "version being blank in the row.\n"
          "\n"
          "Each row needs a client code and a session number; therapist, date (YYYY-MM-DD;\n"
          "blank leaves a new session undated, or, in a file with the earlier names, dates\n"
          "it today; a date later than today, or a session in the study so dated, is an\n"
          "error: a questionnaire is not saved into a session dated later than the day\n"
          "it is saved), modality (in-person or telehealth) and rater_code may be blank; a\n"
          "blank rater means client, and a blank rater code the client's own or the\n"
          "session therapist's.  Client, therapist and rater codes are pseudonyms,\n"
          "as 'collect client add' takes them (up to 64 of a-z, A-Z, 0-9, '-', '_', '.'):\n"
          "a name or an e-mail address there is an error.  Clients, therapists and\n"
          "sessions that are not in the study yet are created.  Every answer is checked\n"
          "against the dictionary: codes, ranges, validation, required answers and\n"
          "branching (an answer to a question its branching hides is an error).  Spaces\n"
          "around a cell are ignored, and so are rows whose cells are all blank.  The file\n"
          "must be UTF-8 text (a UTF-16 or UTF-32 file is refused with the command that\n"
          "converts it); a cell holds at most 1 MB; a file separated by semicolons is\n"
          "read as such.  Ctrl-C, SIGTERM or a closed terminal (unless under nohup) stop\n"
          "an import before it is saved and undo it whole, and say so.\n"
          "\n"
          "--format redcap reads what REDCap's Export Data writes (raw values, variable\n"
          "names as headers).  The record identifier (the dictionary's, or the first\n"
          "column, or --record-id F) is the client.  The rows of a repeating instrument\n"
          "(redcap_repeat_instrument) or of a repeating event are its sessions, numbered\n"
          "by redcap_repeat_instance (on through a record's events when the form repeats\n"
          "at more than one); in a longitudinal project each other event\n"
          "(redcap_event_name) is a session, in the order --events gives (names with or\n"
          "without _arm_N; each arm counts on its own) or else the order events first\n"
          "appear in each arm, on any row of the file, as a note says (a record whose\n"
          "events come out of that order stops the import of a form with rows so\n"
          "numbered, and --events then gives the order, but not of one numbered by\n"
          "redcap_repeat_instance alone); otherwise a record is one administration,\n"
          "session 1 (or --session N).  Rows and columns of other forms are left out (a\n"
          "note names the columns), and so are rows without an answer of the form (an\n"
          "unticked checkbox, 0, is none).\n"
          "--therapist-field and --date-field name the fields holding the therapist code\n"
          "and the session date (attune_therapist and attune_date, which 'export\n"
          "--format redcap' writes, are read when present); a date the file does not\n"
          "hold stays unknown, and one later than today is an error, as in the wide\n"
          "layout.  A therapist field blank on a repeating instrument's row is taken\n"
          "from the record's own row at that event (no repeat instrument: where REDCap\n"
          "writes the fields of forms that do not repeat), with a note; a date field\n"
          "found only there is not (one date for the whole record, not a session's):\n"
          "those sessions stay undated, with a warning.  <form>_complete 2 (complete)\n"
          "is a complete administration, 0 (incomplete) and 1 (unverified) partial\n"
          "ones, whose required answers may be missing; a form marked 2 with a\n"
          "required answer blank (REDCap lets a user save past its prompt) is partial,\n"
          "with a warning.\n"
          "redcap_survey_identifier and <form>_timestamp are left out.  The rater is\n"
          "the client, or the one --rater names (as 'export --format redcap --rater'\n"
          "writes one rater's answers), with --rater-code the therapist's or\n"
          "observer's code (blank: the session's therapist).  A --date-field of the\n"
          "form is read as its validation reads it (date_mdy: 01/15/2026).\n"
          "\n"
          "Nothing is imported when any row is bad: every problem is reported as\n"
          "'FILE' line N: 'column': reason (the first 50, then a count).  A session that\n"
          "exists with another therapist, date or modality is an error (an undated\n"
          "session, or one without modality, takes the row's), and so is an\n"
          "administration (client, session, rater, rater code) given twice in the file.\n"
          "--dry-run checks the rows inside a transaction that is undone, so the study\n"
          "must be writable (and of this attune's schema: it does not bring up an\n"
          "earlier one).  --threads 2 (the default on a machine with two or more\n"
          "cores) reads and checks the file on a second thread while rows are saved;\n"
          "messages and the study are the same either way.\n", stdout);
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
    int partial;
    int version_bad;             /* its attune.version names none (reported) */
    size_t ver;                  /* its version: an index into the importer's vers */
    size_t packed, packed_len;   /* its answers packed for the store, in text */
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
    sbuf_add(&b->text, s, strlen(s) + 1);   /* with its NUL */
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
    r->partial = lv->partial;
    r->ver = im->row_ver;
    r->version_bad = lv->version_bad;
    const dict_instrument *in = im->in;
    for (size_t c = 0; c < in->ncols; c++)   /* calc values are not saved */
        im->pack_vals[c] = in->fields[in->cols[c].field].type == FT_CALC ? NULL : im->vals[c];
    /* the answers go packed, as the store keeps them: packed here, on the
     * reading side, which has time to spare */
    r->packed = b->text.len + 1;
    store_pack_append(&b->text, im->pack_vals, in->ncols);
    r->packed_len = b->text.len + 1 - r->packed;
    sbuf_addc(&b->text, '\0');
}

/* ---- saving ---------------------------------------------------------------- */

static int save_row(importer *im, const import_version *v, const lead_vals *lv, long line,
                    int made_session, const char *packed, size_t packed_len)
{
    admin_rec rec = {
        .client = lv->client,
        .therapist = lv->therapist,
        .session = lv->session,
        .date = lv->date,
        .modality = lv->modality,
        .instrument_id = v->instrument_id,
        .rater = lv->rater,
        .rater_code = lv->rater_code,
        .status = lv->partial ? "partial" : "complete",
        .source = "import",
        .date_unknown = im->blank_date_unknown,
        .n = v->in->ncols,
        .packed = packed,
        .packed_len = packed_len,
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
                     r->session, r->partial, r->version_bad };
    int exists = 0, replaces = 0;
    import_version *v = &im->vers[r->ver];
    if (import_check_store(im, v, &lv, r->line, &exists, &replaces))
        return im->db_failed;
    if (save_row(im, v, &lv, r->line, !exists, text_at(b, r->packed), r->packed_len))
        return 1;
    if (!r->bad) {
        im->admins_ok++;
        v->admins++;
        im->replaced += (size_t)replaces;
    }
    return 0;
}

static meter progress_line;   /* on stderr, at a terminal only */

static int save_batch(importer *im, const row_batch *b)
{
    if (cli_stop_signal())
        return 1;   /* Ctrl-C, SIGTERM, a closed terminal: the import is undone */
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
    char **cells;               /* --format redcap: a row turned into the wide layout */
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
    if (cli_stop_signal())
        return 1;
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
        if (im->redcap)
            redcap_header(im, row);
        else
            import_read_header(im, row);
        if (!im->vers[0].map)
            im->vers[0].map = im->map;
        batch_row(im, rd->cur, row->line, &lv, 0);
        return im->header_bad;   /* without a usable header the rows mean nothing */
    }
    if (import_blank_row(row))
        return 0;
    size_t width = im->redcap ? row->n + NLEAD : row->n;
    if (width != im->ncsv) {
        msgs_addf(&im->row_msgs, "%s%zu cells, but the header has %zu",
                  import_prefix(im, &im->reading, row->line), row->n,
                  im->redcap ? im->ncsv - NLEAD : im->ncsv);
        batch_row(im, rd->cur, row->line, &lv, 0);
    } else {
        csvrow wide = *row;
        int use = 1;
        im->row_partial = 0;
        if (im->redcap) {
            if (!rd->cells)
                rd->cells = xcalloc(im->ncsv, sizeof *rd->cells);
            wide.fields = rd->cells;
            use = redcap_row(im, row, &wide);
            if (use == 0 && !im->row_msgs.n)
                return 0;           /* nothing of this instrument in the row */
        }
        if (use == 0) {
            /* another form's row, with a problem of the file found on it
             * (its events out of their order, for a form numbered by them) */
            batch_row(im, rd->cur, row->line, &lv, 0);
        } else {
            size_t lead_bad = import_check_lead(im, &wide, &lv);
            if (!im->redcap) {
                import_read_status(im, &wide);
                import_read_version(im, &wide);
            }
            import_check_answers(im, &wide);   /* may find a complete form partial */
            lv.partial = im->row_partial;
            lv.version_bad = im->row_version_bad;
            /* the session and administration checks need sound leading cells */
            batch_row(im, rd->cur, row->line, &lv, !lead_bad && use > 0);
        }
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
        free(rd.cells);
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
    free(rd.cells);
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

/* im->vers: the latest version (im->in, im->instrument_id) and each
 * earlier one, newest first, for the rows a wide file's attune.version
 * gives another; im->maxcols the most columns of any. */
static at_status load_versions(importer *im, record_catalog *cat, at_err *err)
{
    instrument_info ii = { 0 };
    if (store_instrument_by_id(im->s, im->instrument_id, &ii, err) != AT_OK)
        return err->code;
    long latest = ii.version;
    instrument_info_release(&ii);
    im->vers = xcalloc((size_t)latest, sizeof *im->vers);
    im->vers[0] = (import_version){ .in = im->in, .instrument_id = im->instrument_id,
                                    .version = latest };
    im->nvers = 1;
    im->maxcols = im->in->ncols;
    for (long n = latest - 1; n >= 1; n--) {
        at_status st = store_instrument_get(im->s, im->in->name, n, &ii, err);
        if (st == AT_ENOTFOUND)
            continue;
        if (st != AT_OK)
            return st;
        import_version *v = &im->vers[im->nvers];
        v->instrument_id = ii.id;
        v->version = n;
        instrument_info_release(&ii);
        if (!(v->in = record_catalog_get(cat, v->instrument_id, err)))
            return err->code;
        if (v->in->ncols > im->maxcols)
            im->maxcols = v->in->ncols;
        im->nvers++;
    }
    return AT_OK;
}

static void report(const importer *im, const size_t counts[4])
{
    const import_version *one = &im->vers[0];   /* the version of every row, if one */
    for (size_t k = 1; k < im->nvers; k++)
        if (im->vers[k].admins == im->admins_ok && im->admins_ok)
            one = &im->vers[k];
    printf("%s %zu administration%s of '%s'", im->dry_run ? "would import" : "imported",
           im->admins_ok, im->admins_ok == 1 ? "" : "s", one->in->name);
    if (one->admins == im->admins_ok) {
        printf(" version %ld", one->version);
    } else {
        /* "..., 2 of version 3 and 1 of version 1": the versions rows named */
        size_t told = 0, named = 0;
        for (size_t k = 0; k < im->nvers; k++)
            named += im->vers[k].admins > 0;
        for (size_t k = 0; k < im->nvers; k++) {
            if (!im->vers[k].admins)
                continue;
            told++;
            printf("%s%zu of version %ld", told == 1 ? ", " : told == named ? " and " : ", ",
                   im->vers[k].admins, im->vers[k].version);
        }
    }
    printf(" (%zu client%s, %zu therapist%s, %zu session%s)", counts[1],
           counts[1] == 1 ? "" : "s", counts[2], counts[2] == 1 ? "" : "s", counts[3],
           counts[3] == 1 ? "" : "s");
    if (im->replaced)
        printf(", %s %zu earlier one%s", im->dry_run ? "replacing" : "replaced", im->replaced,
               im->replaced == 1 ? "" : "s");
    if (im->dry_run)
        fputs("; nothing was written", stdout);
    putchar('\n');
}

int cmd_import(int argc, char **argv, const char *db)
{
    const char *name = NULL, *path = NULL, *format = NULL, *record_id = NULL, *events = NULL,
               *therapist = NULL, *date = NULL, *threads_arg = NULL, *session_arg = NULL,
               *rater = NULL, *rater_code = NULL;
    long session = 0;
    int dry_run = 0, replace = 0;
    const opt_spec opts[] = {
        { "--format", "F", "wide (the default) or redcap", &format, NULL },
        { "--dry-run", NULL, "check everything and say what would be imported; nothing is kept",
          NULL, &dry_run },
        { "--replace", NULL, "replace administrations already in the study (kept in the audit "
                             "trail, every changed answer with its old and new value) instead "
                             "of refusing them", NULL, &replace },
        { "--record-id", "F", "redcap: the field holding the client code", &record_id, NULL },
        { "--events", "E1,E2", "redcap: the events in session order", &events, NULL },
        { "--session", "N", "redcap: the session of a form that neither repeats nor has events",
          &session_arg, NULL },
        { "--therapist-field", "F", "redcap: the field holding the therapist code", &therapist,
          NULL },
        { "--date-field", "F", "redcap: the field holding the session date", &date, NULL },
        { "--rater", "R", "redcap: whose ratings the file holds (client, the default, "
                          "therapist or observer)", &rater, NULL },
        { "--rater-code", "X", "redcap: the code of the therapist or observer who rated (blank: "
                               "the session's therapist)", &rater_code, NULL },
        { "--threads", "N", "1 or 2: read the file on a second thread while saving", &threads_arg,
          NULL },
        { NULL, NULL, NULL, NULL, NULL } };
    if (cli_help_or_complete(argc, argv, opts, usage))
        return EXIT_OK;
    const char *pos[2] = { NULL, NULL };
    opt_args args = { .noun = "argument", .max = 2, .into = pos };
    if (opt_parse("import", argc, argv, 1, opts, &args) != EXIT_OK)
        return EXIT_USAGE;
    name = pos[0];
    path = pos[1];
    long threads = sysconf(_SC_NPROCESSORS_ONLN) >= 2 ? 2 : 1;
    if (threads_arg && (!util_parse_long(threads_arg, &threads) || threads < 1 || threads > 2))
        return cli_usage("import", "'--threads' takes 1 or 2");
    if (session_arg && (!util_parse_long(session_arg, &session) || session < 1))
        return cli_usage("import", "'--session' takes a session number (1, 2, 3, ...)");
    if (!name || !path)
        return cli_usage("import", "import needs an instrument name and a CSV file");
    int redcap = format && strcmp(format, "redcap") == 0;
    if (format && !redcap && strcmp(format, "wide") != 0)
        return cli_usage("import", "'%s' is not a format (wide or redcap)", format);
    if (!redcap && (record_id || events || therapist || date || session || rater || rater_code))
        return cli_usage("import", "--record-id, --events, --session, --therapist-field, "
                         "--date-field, --rater and --rater-code go with --format redcap (a "
                         "wide file names its raters in attune.rater and attune.rater_code)");
    if (rater && !store_is_rater(rater))
        return cli_usage("import", "'%s' is not a rater (client, therapist or observer)", rater);
    if (rater_code && (!rater || strcmp(rater, "client") == 0))
        return cli_usage("import", "--rater-code goes with --rater therapist or --rater observer "
                         "(a client's own rating takes the client's code)");
    if (rater_code && store_code_problem(rater_code))
        return cli_usage("import", "'--rater-code': %s", store_code_problem(rater_code));
    if (events && session)
        return cli_usage("import", "--events and --session do not go together: the events "
                         "give the sessions");

    int rc = EXIT_FAIL;
    at_err err;
    importer im = { .path = strcmp(path, "-") == 0 ? "<stdin>" : path, .path_arg = path,
                    .dry_run = dry_run, .replace = replace, .who = cli_who(),
                    .threads = (int)threads, .redcap = redcap, .opt_record_id = record_id,
                    .opt_events = events, .opt_therapist = therapist, .opt_date = date,
                    .opt_session = session, .opt_rater = rater,
                    .opt_rater_code = rater_code, .status_col = -1, .version_col = -1 };
    im.reading.msgs = &im.row_msgs;
    im.saving.msgs = &im.problems;
    record_catalog *cat = NULL;
    case_watch twins = CASE_WATCH_INIT;
    int in_txn = 0;
    size_t counts[4] = { 0, 0, 0, 0 };

    if (dry_run) {
        /* a check changes nothing, not even an earlier attune's schema */
        store *probe = NULL;
        if (store_open(db, STORE_READ, &probe, &err) == AT_EVERSION) {
            cli_fail("%s (--dry-run leaves it as it is)", err.msg);
            goto out;
        }
        store_close(probe);
    }
    cli_catch_stop();
    im.s = cli_open(db, STORE_WRITE);
    if (!im.s)
        goto out;
    people_case_start(im.s, &twins);
    cat = record_catalog_new(im.s);
    im.in = cli_instrument_latest(cat, name, &im.instrument_id);
    if (!im.in || load_versions(&im, cat, &err) != AT_OK) {
        if (im.in)
            cli_fail("%s", err.msg);
        goto out;
    }

    import_find_branch_on_calc(&im);
    size_t room = im.maxcols ? im.maxcols : 1;
    im.vals = xcalloc(room, sizeof *im.vals);
    im.valid = xcalloc(room, 1);
    im.borrowed = xcalloc(room, 1);
    im.pack_vals = xcalloc(room, sizeof *im.pack_vals);
    im.calc_in = xcalloc(room, sizeof *im.calc_in);

    if (store_begin_bulk(im.s, &err) != AT_OK) {
        if (cli_stop_signal())
            cli_fail("%s while waiting for the study; nothing was imported",
                     cli_stop_words(cli_stop_signal()));
        else
            cli_fail("%s", err.msg);
        goto out;
    }
    in_txn = 1;
    meter_start_file(&progress_line, "collect", "rows", im.path_arg);
    at_status read_rc = read_and_save(&im, &err);
    meter_end(&progress_line);
    if (cli_stop_signal()) {
        /* before the commit: undone whole, the study as it was */
        cli_fail("%s; nothing was imported (the study is as it was)",
                 cli_stop_words(cli_stop_signal()));
        goto out;
    }
    if (im.semicolons)
        fprintf(stderr, "collect: note: '%s' is separated by semicolons (as spreadsheets "
                "save CSV in many locales); it was read so\n", im.path);
    if (im.redcap)
        redcap_finish(&im);
    for (size_t k = 0; k < im.notes.n; k++)
        cli_print_msg("note", im.notes.items[k]);

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
    for (size_t k = 0; k < im.save_warnings.n && k < MAX_SHOWN; k++)
        cli_print_msg("warning", im.save_warnings.items[k]);
    if (im.save_warnings.n > MAX_SHOWN)
        fprintf(stderr, "collect: warning: ... and %zu more replacements that drop answers\n",
                im.save_warnings.n - MAX_SHOWN);
    for (size_t k = 0; k < im.warnings.n && k < MAX_SHOWN; k++)
        cli_print_msg("warning", im.warnings.items[k]);
    if (im.warnings.n > MAX_SHOWN)
        fprintf(stderr, "collect: warning: ... and %zu more calc values that differ\n",
                im.warnings.n - MAX_SHOWN);
    sbuf quoted = SBUF_INIT;
    sbuf_addf(&quoted, "'%s'", im.path);
    people_case_report(im.s, &twins, sbuf_str(&quoted));
    sbuf_release(&quoted);
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
        import_clear_vals(&im);
    free(im.vals);
    free(im.valid);
    free(im.borrowed);
    free(im.pack_vals);
    free(im.calc_in);
    /* the header's map is the latest version's (vers[0]), and im->map the
     * last row's version's */
    if (!im.nvers || !im.vers[0].map)
        free(im.map);
    for (size_t k = 0; k < im.nvers; k++) {
        free(im.vers[k].map);
        free(im.vers[k].absent);
    }
    free(im.vers);
    if (im.other_names)
        for (size_t i = 0; i < im.ncsv; i++)
            free(im.other_names[i]);
    free(im.other_names);
    redcap_release(&im);
    msgs_release(&im.warnings);
    msgs_release(&im.save_warnings);
    msgs_release(&im.notes);
    import_release_lines(&im);
    msgs_release(&im.problems);
    msgs_release(&im.row_msgs);
    sbuf_release(&im.reading.prefix);
    sbuf_release(&im.saving.prefix);
    record_catalog_free(cat);
    people_case_release(&twins);
    store_close(im.s);
    return rc;
}
