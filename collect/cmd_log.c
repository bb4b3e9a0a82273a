/* collect log: the audit trail as CSV, with the values of identifying and
 * free-text fields hidden unless asked for, as in exports. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "opt.h"

static const char hidden[] = "(hidden)";

static void log_usage(const opt_spec *opts)
{
    fputs("usage: collect log [-o FILE] [--include-identifiers]\n"
          "\n"
          "Prints the audit trail, every change made after answers were first saved,\n"
          "oldest first, as CSV:\n"
          "at,who,action,instrument,client,therapist,session,rater,rater_code,field,old,\n"
          "new,reason\n"
          "A change to answers names the instrument, the client, the session's\n"
          "therapist, the session, the rater and the field.  A change made by 'client\n"
          "set', 'therapist set' or 'session set' has no instrument: its field is\n"
          "client.therapist, session.therapist, session.date, session.modality or\n"
          "therapist.cohort, of the client, session or therapist named beside it.\n"
          "The old and new values of free-form text (notes, and text fields without a\n"
          "validation), of fields marked Identifier and of fields the latest version\n"
          "of the instrument no longer has read '(hidden)', as exports leave them\n"
          "out, unless --include-identifiers is given.\n"
          "\n", stdout);
    opt_help(stdout, opts);
}

typedef struct logger {
    csvout w;
    record_catalog *cat;
    int ids;          /* --include-identifiers */
} logger;

/* Whether the values of an amended or replaced field may be shown: the
 * field is a column of the instrument's latest version that exports keep.
 * A row without a field (a replacement's own line, naming the two
 * administrations) holds no answer, nor does a change of status. */
static int shown(logger *lg, const audit_view *v)
{
    if (lg->ids || !v->field[0] || !v->instrument[0] || strcmp(v->field, "attune.status") == 0)
        return 1;
    at_err err;
    const dict_instrument *in = record_catalog_latest(lg->cat, v->instrument, NULL, &err);
    long col = in ? instrument_col(in, v->field) : -1;
    return col >= 0 && cli_col_exported(in, (size_t)col, 0);
}

static int log_row(const audit_view *v, void *ctx)
{
    logger *lg = ctx;
    csvout *w = &lg->w;
    int show = shown(lg, v);
    csvout_field(w, v->at);
    csvout_field(w, v->who);
    csvout_field(w, v->action);
    csvout_field(w, v->instrument);
    csvout_field(w, v->client);
    csvout_field(w, v->therapist);
    if (v->session)
        csvout_int(w, v->session);
    else
        csvout_field(w, "");
    csvout_field(w, v->rater);
    csvout_field(w, v->rater_code);
    csvout_field(w, v->field);
    csvout_field(w, show || !v->old_value[0] ? v->old_value : hidden);
    csvout_field(w, show || !v->new_value[0] ? v->new_value : hidden);
    csvout_field(w, v->reason);
    csvout_end(w);
    return 0;
}

int cmd_log(int argc, char **argv, const char *db)
{
    const char *path = NULL;
    logger lg = { .ids = 0 };
    const opt_spec opts[] = {
        { "-o", "FILE", "write FILE (whole or not at all, readable only by you; not the "
                        "study file or its -wal/-shm)", &path, NULL },
        { "--output", "FILE", "the same as -o", &path, NULL },
        { "--include-identifiers", NULL, "show the values of notes and Identifier fields",
          NULL, &lg.ids },
        { NULL, NULL, NULL, NULL, NULL } };
    if (opt_complete(argc, argv, 1, opts))
        return EXIT_OK;
    if (cli_wants_help(argc, argv)) {
        log_usage(opts);
        return EXIT_OK;
    }
    opt_args none = { .noun = "log" };
    if (opt_parse("log", argc, argv, 1, opts, &none) != EXIT_OK)
        return EXIT_USAGE;
    store *s = cli_open(db, STORE_READ);
    if (!s)
        return EXIT_FAIL;
    int rc = EXIT_FAIL;
    outfile out = OUTFILE_INIT;
    at_err err;
    lg.cat = record_catalog_new(s);
    if (cli_open_out(&out, path, s) != 0)
        goto out;
    csvout_init_file(&lg.w, out.fp);
    static const char *const head[] = { "at", "who", "action", "instrument", "client",
                                        "therapist", "session", "rater", "rater_code", "field", "old",
                                        "new", "reason" };
    csvout_row(&lg.w, head, 13);
    if (store_audit_each(s, log_row, &lg, &err) != AT_OK || outfile_commit(&out, &err) != AT_OK) {
        cli_fail("%s", err.msg);
        goto out;
    }
    rc = EXIT_OK;
out:
    outfile_release(&out);
    record_catalog_free(lg.cat);
    store_close(s);
    return rc;
}
