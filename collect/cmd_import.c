/* collect import: answers from a wide CSV file, all rows or none.
 *
 * One pass over the file.  Each row is checked (its seven leading cells, each
 * answer against the dictionary, branching and required answers, its session
 * and administration against the store and against the rows before it), and
 * while no problem has been found it is saved inside one transaction.  At the
 * end the transaction is committed when there was no problem at all, and
 * rolled back otherwise, so a bad row anywhere means nothing is imported; the
 * checking goes on to the end so that every problem is reported. */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "strmap.h"

enum { LEAD_CLIENT, LEAD_THERAPIST, LEAD_SESSION, LEAD_DATE, LEAD_MODALITY, LEAD_RATER,
       LEAD_RATER_CODE, NLEAD };

/* What a CSV column is: a leading column, a calc column (ignored: calc
 * values are recomputed), or an answer column of the instrument. */
enum { COL_LEAD = -2, COL_CALC = -1 };

#define MAX_SHOWN 50

/* A session as the file and the store together say it is. */
typedef struct sess {
    char *therapist;   /* NULL: none */
    char *date;
    char *modality;    /* NULL: none recorded */
    long line;         /* first line naming it; 0 when it came from the store */
    int in_store;
} sess;

/* A client: whether the store has it, and its therapist (NULL: none). */
typedef struct client_ent {
    char *therapist;
    int in_store;
} client_ent;

typedef struct importer {
    const char *path;
    store *s;
    const instrument *in;
    long instrument_id;
    long version;
    int dry_run, replace;

    size_t ncsv;          /* cells per row, from the header */
    long lead[NLEAD];     /* CSV index of each leading column */
    long *map;            /* CSV index -> instrument column, COL_LEAD or COL_CALC */
    int header_bad;

    char **vals;          /* in->ncols answers of the current row */
    const char **names;   /* answer columns to save, parallel with values */
    const char **values;
    sbuf key, prefix;
    char today[11];

    strmap clients, sessions, admins, therapists;
    at_msgs problems;
    size_t admins_ok, replaced;
    const char *who;
} importer;

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
          "branching (an answer to a question its branching hides is an error).\n"
          "\n"
          "Nothing is imported when any row is bad: every problem is reported as\n"
          "'FILE' line N: 'column': reason (the first 50, then a count).  A session that\n"
          "exists with another therapist, date or modality is an error, and so is an\n"
          "administration (client, session, rater, rater code) given twice in the file.\n"
          "\n"
          "  --dry-run   check everything and say what would be imported; write nothing\n"
          "  --replace   replace administrations already in the study (kept in the audit\n"
          "              trail) instead of refusing them\n", stdout);
}

static void sess_free(void *p)
{
    sess *x = p;
    if (!x)
        return;
    free(x->therapist);
    free(x->date);
    free(x->modality);
    free(x);
}

static void client_free(void *p)
{
    client_ent *c = p;
    if (!c)
        return;
    free(c->therapist);
    free(c);
}

static const char *prefix(importer *im, long line)
{
    sbuf_reset(&im->prefix);
    sbuf_addf(&im->prefix, "'%s' line %ld: ", im->path, line);
    return sbuf_str(&im->prefix);
}

static void problem(importer *im, long line, const char *col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void problem(importer *im, long line, const char *col, const char *fmt, ...)
{
    sbuf sb = SBUF_INIT;
    va_list ap;
    sbuf_addf(&sb, "'%s' line %ld: '%s': ", im->path, line, col);
    va_start(ap, fmt);
    sbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    msgs_addf(&im->problems, "%s", sbuf_str(&sb));
    sbuf_release(&sb);
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
        const char *name = row->fields[i];
        int added;
        strmap_put(&seen, name, &added);
        if (!added) {
            problem(im, row->line, name, "the column appears twice");
            im->map[i] = COL_CALC;
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
                problem(im, row->line, name,
                        "the record identifier has no column here: the client column holds it");
            else if (*name == '\0')
                problem(im, row->line, name, "a column without a name (column %zu)", i + 1);
            else
                problem(im, row->line, name, "not a column of '%s'", in->name);
            im->map[i] = COL_CALC;
            continue;
        }
        im->map[i] = in->fields[in->cols[c].field].type == FT_CALC ? COL_CALC : c;
    }
    for (int l = 0; l < NLEAD; l++)
        if (im->lead[l] < 0)
            problem(im, row->line, cli_wide_lead[l], "the column is missing");
    strmap_release(&seen, NULL);
    im->header_bad = im->problems.n > 0;
}

/* ---- the leading cells --------------------------------------------------- */

static int has_control(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return 1;
    return 0;
}

typedef struct lead_vals {
    const char *client, *therapist, *date, *modality, *rater, *rater_code;  /* NULL: blank */
    long session;
} lead_vals;

static const char *cell(const csvrow *row, long i)
{
    const char *v = row->fields[i];
    return *v ? v : NULL;
}

/* Checks the leading cells; returns the number of problems found. */
static size_t check_lead(importer *im, const csvrow *row, lead_vals *lv)
{
    size_t before = im->problems.n;
    long line = row->line;
    lv->client = cell(row, im->lead[LEAD_CLIENT]);
    lv->therapist = cell(row, im->lead[LEAD_THERAPIST]);
    lv->date = cell(row, im->lead[LEAD_DATE]);
    lv->modality = cell(row, im->lead[LEAD_MODALITY]);
    lv->rater = cell(row, im->lead[LEAD_RATER]);
    lv->rater_code = cell(row, im->lead[LEAD_RATER_CODE]);
    const char *session = cell(row, im->lead[LEAD_SESSION]);

    if (!lv->client)
        problem(im, line, "client", "a client code is required");
    else if (has_control(lv->client))
        problem(im, line, "client", "the code has a control character");
    if (lv->therapist && has_control(lv->therapist))
        problem(im, line, "therapist", "the code has a control character");
    if (lv->rater_code && has_control(lv->rater_code))
        problem(im, line, "rater_code", "the code has a control character");

    lv->session = 0;
    if (!session)
        problem(im, line, "session", "a session number is required");
    else if (!parse_long(session, &lv->session) || lv->session < 1)
        problem(im, line, "session", "'%s' is not a session number (1, 2, 3, ...)", session);

    if (lv->date && !valid_iso_date(lv->date))
        problem(im, line, "date", "'%s' is not a date (YYYY-MM-DD)", lv->date);
    if (lv->modality && strcmp(lv->modality, "in-person") != 0 &&
        strcmp(lv->modality, "telehealth") != 0)
        problem(im, line, "modality", "'%s' is not in-person or telehealth", lv->modality);
    if (!lv->rater)
        lv->rater = "client";
    else if (strcmp(lv->rater, "client") != 0 && strcmp(lv->rater, "therapist") != 0 &&
             strcmp(lv->rater, "observer") != 0)
        problem(im, line, "rater", "'%s' is not client, therapist or observer", lv->rater);
    return im->problems.n - before;
}

/* ---- the answers --------------------------------------------------------- */

/* Normalises the row's answers into im->vals and checks them as a whole;
 * returns the number of problems found. */
static size_t check_answers(importer *im, const csvrow *row)
{
    const instrument *in = im->in;
    size_t before = im->problems.n;
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
    instrument_compute(in, im->vals);
    instrument_check(in, (const char *const *)im->vals, prefix(im, row->line), &im->problems);
    return im->problems.n - before;
}

/* ---- sessions and administrations ---------------------------------------- */

static client_ent *client_get(importer *im, const char *code, const char *therapist)
{
    int added;
    void **slot = strmap_put(&im->clients, code, &added);
    if (added) {
        client_ent *c = xcalloc(1, sizeof *c);
        char *t = NULL;
        c->in_store = store_client_exists(im->s, code, &t);
        /* a new client gets the therapist of the first row that names it */
        c->therapist = c->in_store ? t : xstrdup(therapist);
        if (!c->in_store)
            free(t);
        *slot = c;
    }
    return *slot;
}

static void session_key(importer *im, const char *client, long number)
{
    sbuf_reset(&im->key);
    sbuf_addf(&im->key, "%s\x1f%ld", client, number);
}

static const char *where(const sess *x, char buf[32])
{
    if (x->in_store)
        return "in the study";
    snprintf(buf, 32, "on line %ld", x->line);
    return buf;
}

static int same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Finds or makes the session a row names and checks that the row agrees
 * with it.  Returns the session, or NULL when the store could not be read. */
static sess *check_session(importer *im, const lead_vals *lv, long line)
{
    client_ent *c = client_get(im, lv->client, lv->therapist);
    session_key(im, lv->client, lv->session);
    int added;
    void **slot = strmap_put(&im->sessions, sbuf_str(&im->key), &added);
    if (added) {
        sess *x = xcalloc(1, sizeof *x);
        session_info si = { 0 };
        at_err err;
        if (c->in_store && store_session_get(im->s, lv->client, lv->session, &si, &err) == AT_OK) {
            x->in_store = 1;
            x->therapist = si.therapist;
            x->date = si.date;
            x->modality = si.modality;
            si.therapist = si.date = si.modality = NULL;
        } else {
            x->line = line;
            x->therapist = xstrdup(lv->therapist ? lv->therapist : c->therapist);
            x->date = xstrdup(lv->date ? lv->date : im->today);
            x->modality = xstrdup(lv->modality);
        }
        session_info_release(&si);
        *slot = x;
        return x;
    }
    sess *x = *slot;
    char buf[32];
    if (lv->therapist && !same(lv->therapist, x->therapist)) {
        if (x->therapist)
            problem(im, line, "therapist", "session %ld of client '%s' is with therapist '%s' (%s)",
                    lv->session, lv->client, x->therapist, where(x, buf));
        else
            problem(im, line, "therapist", "session %ld of client '%s' has no therapist (%s)",
                    lv->session, lv->client, where(x, buf));
    }
    if (lv->date && strcmp(lv->date, x->date) != 0)
        problem(im, line, "date", "session %ld of client '%s' is dated %s (%s)", lv->session,
                lv->client, x->date, where(x, buf));
    if (lv->modality && x->modality && strcmp(lv->modality, x->modality) != 0)
        problem(im, line, "modality", "session %ld of client '%s' is %s (%s)", lv->session,
                lv->client, x->modality, where(x, buf));
    else if (lv->modality && !x->modality)
        x->modality = xstrdup(lv->modality);   /* the store records it then */
    return x;
}

static void rater_words(sbuf *sb, const lead_vals *lv)
{
    sbuf_addf(sb, "a %s rating", lv->rater);
    if (lv->rater_code)
        sbuf_addf(sb, " by '%s'", lv->rater_code);
}

/* Checks that the administration a row gives is new (or may replace one in
 * the store).  Sets *replaces when it replaces one. */
static void check_admin(importer *im, const lead_vals *lv, const sess *x, long line,
                        int *replaces)
{
    *replaces = 0;
    sbuf_reset(&im->key);
    sbuf_addf(&im->key, "%s\x1f%ld\x1f%s\x1f%s", lv->client, lv->session, lv->rater,
              lv->rater_code ? lv->rater_code : "");
    int added;
    void **slot = strmap_put(&im->admins, sbuf_str(&im->key), &added);
    sbuf what = SBUF_INIT;
    rater_words(&what, lv);
    if (!added) {
        problem(im, line, "session", "%s for session %ld of client '%s' is already on line %ld",
                sbuf_str(&what), lv->session, lv->client, (long)(intptr_t)*slot);
        goto out;
    }
    *slot = (void *)(intptr_t)line;
    if (!x->in_store)
        goto out;
    long admin_id = 0, instrument_id = 0;
    at_err err;
    at_status st = store_admin_find(im->s, im->in->name, lv->client, lv->session, lv->rater,
                                    lv->rater_code ? lv->rater_code : "", &admin_id,
                                    &instrument_id, &err);
    if (st == AT_OK) {
        if (im->replace)
            *replaces = 1;
        else
            problem(im, line, "session",
                    "session %ld of client '%s' already has %s of '%s' in the study "
                    "(--replace replaces it)", lv->session, lv->client, sbuf_str(&what),
                    im->in->name);
    } else if (st != AT_ENOTFOUND) {
        problem(im, line, "session", "%s", err.msg);
    }
out:
    sbuf_release(&what);
}

/* ---- saving -------------------------------------------------------------- */

static void save_row(importer *im, const lead_vals *lv, long line)
{
    const instrument *in = im->in;
    size_t n = 0;
    for (size_t c = 0; c < in->ncols; c++) {
        if (!im->vals[c] || in->fields[in->cols[c].field].type == FT_CALC)
            continue;
        im->names[n] = in->cols[c].name;
        im->values[n] = im->vals[c];
        n++;
    }
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
        .fields = im->names,
        .values = im->values,
        .n = n,
    };
    at_err err;
    if (store_admin_save(im->s, &rec, im->replace, im->who, NULL, NULL, &err) != AT_OK)
        msgs_addf(&im->problems, "%s%s", prefix(im, line), err.msg);
}

static int on_row(const csvrow *row, void *ctx)
{
    importer *im = ctx;
    if (row->index == 0) {
        read_header(im, row);
        return im->header_bad;   /* without a usable header the rows mean nothing */
    }
    if (row->n != im->ncsv) {
        msgs_addf(&im->problems, "%s%zu cells, but the header has %zu", prefix(im, row->line),
                  row->n, im->ncsv);
        return 0;
    }
    lead_vals lv;
    size_t lead_bad = check_lead(im, row, &lv);
    size_t before = im->problems.n;
    check_answers(im, row);
    if (lead_bad)
        return 0;   /* the session and administration checks need sound leading cells */
    sess *x = check_session(im, &lv, row->line);
    int replaces = 0;
    check_admin(im, &lv, x, row->line, &replaces);
    if (im->problems.n > before)
        return 0;
    if (x->therapist) {
        int added;
        strmap_put(&im->therapists, x->therapist, &added);
    }
    im->admins_ok++;
    im->replaced += (size_t)replaces;
    if (!im->dry_run && im->problems.n == 0)
        save_row(im, &lv, row->line);
    return 0;
}

/* ---- the command --------------------------------------------------------- */

static void report(const importer *im)
{
    printf("%s %zu administration%s of '%s' version %ld (%zu client%s, %zu therapist%s, "
           "%zu session%s)",
           im->dry_run ? "would import" : "imported", im->admins_ok,
           im->admins_ok == 1 ? "" : "s", im->in->name, im->version, im->clients.n,
           im->clients.n == 1 ? "" : "s", im->therapists.n, im->therapists.n == 1 ? "" : "s",
           im->sessions.n, im->sessions.n == 1 ? "" : "s");
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
    importer im = { .path = path, .dry_run = dry_run, .replace = replace, .who = cli_who() };
    sbuf_init(&im.key);
    sbuf_init(&im.prefix);
    today_iso(im.today);
    catalog *cat = NULL;
    int in_txn = 0;

    im.s = cli_open(db, dry_run ? STORE_READ : STORE_WRITE);
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

    im.vals = xcalloc(im.in->ncols, sizeof *im.vals);
    im.names = xcalloc(im.in->ncols, sizeof *im.names);
    im.values = xcalloc(im.in->ncols, sizeof *im.values);

    if (!dry_run) {
        if (store_begin(im.s, &err) != AT_OK) {
            cli_fail("%s", err.msg);
            goto out;
        }
        in_txn = 1;
    }
    if (csvin_read_file(path, on_row, &im, &err) != AT_OK) {
        cli_print_msgs(&im.problems, MAX_SHOWN);
        cli_fail("%s; nothing was imported", err.msg);
        goto out;
    }
    if (!im.map) {
        cli_fail("'%s': the file is empty (it needs a header row); nothing was imported", path);
        goto out;
    }
    if (im.problems.n) {
        cli_print_msgs(&im.problems, MAX_SHOWN);
        cli_fail("'%s': %zu problem%s; nothing was imported", path, im.problems.n,
                 im.problems.n == 1 ? "" : "s");
        goto out;
    }
    if (in_txn) {
        in_txn = 0;
        if (store_commit(im.s, &err) != AT_OK) {
            cli_fail("%s; nothing was imported", err.msg);
            goto out;
        }
    }
    report(&im);
    rc = EXIT_OK;
out:
    if (in_txn)
        store_rollback(im.s);
    if (im.vals)
        record_clear(im.vals, im.in->ncols);
    free(im.vals);
    free(im.names);
    free(im.values);
    free(im.map);
    strmap_release(&im.clients, client_free);
    strmap_release(&im.sessions, sess_free);
    strmap_release(&im.admins, NULL);
    strmap_release(&im.therapists, NULL);
    msgs_release(&im.problems);
    sbuf_release(&im.key);
    sbuf_release(&im.prefix);
    catalog_free(cat);
    store_close(im.s);
    return rc;
}
