/* collect amend: change saved answers with a reason. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "opt.h"
#include "flow.h"

struct amend_args {
    const char *instrument, *client, *session, *rater, *rater_code, *reason;
    const char **assign;
    size_t nassign;
};

static void amend_opts(struct amend_args *a, opt_spec *specs);

static void amend_usage(void)
{
    fputs("usage: collect amend INSTRUMENT --client C --session N [--rater R]\n"
          "                    [--rater-code X] FIELD=VALUE... --reason TEXT\n"
          "\n"
          "Changes answers of a saved administration (rater client unless --rater) and\n"
          "keeps who, when, the old and new value and the reason in the audit trail\n"
          "('collect log').  Each value is checked as if it had been typed in 'run'.\n"
          "FIELD= (nothing after '=') clears an answer; a checkbox option is changed\n"
          "by its column, e.g. rupture_kind___2=1 (the other options of a checkbox\n"
          "left blank become 0, not ticked: the question is answered).  Calculated\n"
          "fields are never stored: they follow from the answers.  All changes are\n"
          "saved together or not at all; a change that would leave an answer on a\n"
          "question hidden by branching, or a required question blank, is refused.\n"
          "The status follows the answers: answering the last question a partial\n"
          "administration left blank makes it complete, clearing a shown answer of a\n"
          "complete one partial (kept in the trail as attune.status).\n"
          "\n", stdout);
    struct amend_args dummy;
    opt_spec specs[6];
    amend_opts(&dummy, specs);
    opt_help(stdout, specs);
}

static void amend_opts(struct amend_args *a, opt_spec *specs)
{
    const opt_spec opts[] = {
        { "--client", "C", "the client (required)", &a->client, NULL },
        { "--session", "N", "the session's number (required)", &a->session, NULL },
        { "--rater", "R", "client (default), therapist or observer", &a->rater, NULL },
        { "--rater-code", "X", "the rater's code, when the session has several ratings by "
                               "that rater (a therapist's rating stored without a code is "
                               "the session therapist's: give that code)", &a->rater_code, NULL },
        { "--reason", "TEXT", "why the answers change (required), kept in the audit trail",
          &a->reason, NULL },
        { NULL, NULL, NULL, NULL, NULL } };
    memcpy(specs, opts, sizeof opts);
}

static int parse_args(int argc, char **argv, struct amend_args *a)
{
    opt_spec specs[6];
    amend_opts(a, specs);
    /* the instrument, then FIELD=VALUE assignments */
    const char **words = xcalloc((size_t)argc, sizeof *words);
    opt_args args = { .noun = "instrument", .max = argc, .into = words };
    int rc = opt_parse("amend", argc, argv, 1, specs, &args);
    for (int k = 0; rc == EXIT_OK && k < args.n; k++) {
        if (k == 0)
            a->instrument = words[0];
        else if (!strchr(words[k], '='))
            rc = cli_usage("amend", "'%s' is not FIELD=VALUE", words[k]);
        else
            a->assign[a->nassign++] = words[k];
    }
    free(words);
    if (rc != EXIT_OK)
        return rc;
    if (!a->instrument)
        return cli_usage("amend", "'amend' needs an INSTRUMENT");
    if (!a->client || !a->session)
        return cli_usage("amend", "'amend' needs --client and --session");
    if (!a->nassign)
        return cli_usage("amend", "'amend' needs at least one FIELD=VALUE");
    if (!a->reason || !*a->reason)
        return cli_usage("amend", "'amend' needs --reason: say why the answers change");
    if (!a->rater)
        a->rater = "client";
    return EXIT_OK;
}

struct find_ctx {
    long id;
    const dict_instrument *in;
    char **vals;
    int found;
    char status[16];
};

static int take_admin(const admin_view *v, void *vctx)
{
    struct find_ctx *c = vctx;
    if (v->id != c->id)
        return 0;
    record_fill(c->in, v, c->vals, NULL);
    snprintf(c->status, sizeof c->status, "%s", v->status ? v->status : "");
    c->found = 1;
    return 1;
}

static int has_msg(const at_msgs *m, const char *s)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->items[i], s) == 0)
            return 1;
    return 0;
}

/* One FIELD=VALUE: its column and normalised value, or an error printed. */
static int check_assign(const dict_instrument *in, const char *assign, long *col, char **value)
{
    const char *eq = strchr(assign, '=');
    char *name = xstrndup(assign, (size_t)(eq - assign));
    int ok = 0;
    *col = instrument_col(in, name);
    long fi = *col >= 0 ? (long)in->cols[*col].field : instrument_field(in, name);
    if (fi < 0) {
        cli_fail("'%s': no such field in %s", name, in->name);
        goto out;
    }
    const dict_field *f = &in->fields[fi];
    if (f->type == FT_CALC) {
        cli_fail("'%s': a calculated field; change the answers it is calculated from", name);
        goto out;
    }
    if (*col < 0 && f->type == FT_CHECKBOX) {
        cli_fail("'%s': a checkbox; change one option at a time, e.g. %s=1", name,
                 in->cols[f->col].name);
        goto out;
    }
    if (*col < 0) {
        cli_fail("'%s': text shown to the person, not an answer", name);
        goto out;
    }
    char why[512];
    const char *not_utf8 = cli_not_utf8(eq + 1);
    if (not_utf8) {
        cli_fail("'%s': %s", name, not_utf8);
        goto out;
    }
    /* the words run takes (y, no, a choice's label) stand for their codes */
    char *word = xstrdup(eq + 1);
    const char *code = field_word_code(f, util_trim(word));
    int good = field_normalize(f, code ? code : eq + 1, value, why, sizeof why);
    free(word);
    if (!good) {
        cli_fail("'%s': %s", name, why);
        goto out;
    }
    ok = 1;
out:
    free(name);
    return ok;
}

/* A checkbox left blank (never answered, or hidden before) whose option an
 * assignment sets is answered now: its other blank options become 0, not
 * ticked, as a questionnaire answered in 'run' keeps them.  Adds their
 * columns to cols after the first n; returns how many. */
static size_t answer_checkboxes(const dict_instrument *in, char **newv, long *cols, size_t n)
{
    size_t added = 0;
    for (size_t k = 0; k < n; k++) {
        const dict_column *dc = &in->cols[cols[k]];
        if (dc->choice < 0 || !newv[cols[k]])
            continue;
        for (size_t c = 0; c < in->ncols; c++) {
            if (in->cols[c].field != dc->field || newv[c])
                continue;
            newv[c] = xstrdup("0");
            cols[n + added++] = (long)c;
        }
    }
    return added;
}

/* The client, the instrument and the session named exist; else says which
 * does not, and returns 0. */
static int known(store *s, record_catalog *cat, const struct amend_args *a, long session)
{
    at_err err;
    long iid = 0;
    session_info si = { 0 };
    at_status st = store_client_find(s, a->client, NULL, &err);
    if (st == AT_ENOTFOUND)
        return cli_no_client(a->client), 0;
    if (st == AT_OK && !record_catalog_latest(cat, a->instrument, &iid, &err)) {
        if (err.code == AT_ENOTFOUND)
            return cli_no_instrument(a->instrument), 0;
        st = err.code;
    }
    if (st == AT_OK)
        st = store_session_get(s, a->client, session, &si, &err);
    session_info_release(&si);
    if (st == AT_ENOTFOUND)
        return cli_no_session(a->client, session), 0;
    if (st != AT_OK)
        return cli_fail("%s", err.msg), 0;
    return 1;
}

int cmd_amend(int argc, char **argv, const char *db)
{
    struct amend_args a = { 0 };
    opt_spec specs[6];
    amend_opts(&a, specs);
    if (opt_complete(argc, argv, 1, specs))
        return EXIT_OK;
    if (cli_wants_help(argc, argv)) {
        amend_usage();
        return EXIT_OK;
    }
    a.assign = xcalloc((size_t)argc, sizeof *a.assign);
    int rc = parse_args(argc, argv, &a);
    if (rc != EXIT_OK) {
        free(a.assign);
        return rc;
    }
    rc = EXIT_FAIL;
    long session = 0;
    store *s = NULL;
    record_catalog *cat = NULL;
    char **vals = NULL, **newv = NULL;
    long *cols = NULL;   /* the columns changed: the assignments', then those they imply */
    size_t ncols = 0;
    at_msgs before = AT_MSGS_INIT, after = AT_MSGS_INIT;
    const dict_instrument *in = NULL;
    at_err err;
    int bad = 0, open_tx = 0, found = 0;

    if (!cli_session_number("amend", a.session, &session) || !cli_rater_ok("amend", a.rater)) {
        rc = EXIT_USAGE;
        goto out;
    }
    if (!(s = cli_open(db, STORE_WRITE)))
        goto out;
    cat = record_catalog_new(s);
    long aid = 0, iid = 0;
    if (!known(s, cat, &a, session))
        goto out;
    /* a therapist's rating stored without a code is the session therapist's:
     * that code finds it (the store's rule, as run and import take it) */
    at_status st = store_admin_find(s, a.instrument, a.client, session, a.rater, a.rater_code,
                                    &aid, &iid, &err);
    int coded = a.rater_code && *a.rater_code;
    if (st == AT_ENOTFOUND) {
        cli_fail("client '%s' session %ld: no %s answered by the %s%s%s (see 'collect "
                 "session list --client %s')", a.client, session, a.instrument, a.rater,
                 coded ? " " : "", coded ? a.rater_code : "", a.client);
        goto out;
    }
    if (st != AT_OK || !(in = record_catalog_get(cat, iid, &err))) {
        cli_fail("%s", err.msg);
        goto out;
    }

    vals = xcalloc(in->ncols ? in->ncols : 1, sizeof *vals);
    newv = xcalloc(in->ncols ? in->ncols : 1, sizeof *newv);
    struct find_ctx fc = { aid, in, vals, 0, "" };
    admin_filter flt = { .instrument = a.instrument, .client = a.client, .session = session,
                         .rater = a.rater };
    if (store_admin_each(s, &flt, take_admin, &fc, &err) != AT_OK || !fc.found) {
        cli_fail("%s", fc.found ? err.msg : "the administration could not be read back");
        goto out;
    }
    found = 1;   /* from here on, a failure says that nothing was changed */

    /* check every assignment, then the answer set as a whole */
    for (size_t c = 0; c < in->ncols; c++)
        newv[c] = xstrdup(vals[c]);
    cols = xcalloc(a.nassign + in->ncols, sizeof *cols);
    ncols = a.nassign;
    for (size_t k = 0; k < a.nassign; k++) {
        char *v = NULL;
        if (!check_assign(in, a.assign[k], &cols[k], &v)) {
            bad = 1;
            continue;
        }
        for (size_t j = 0; j < k; j++)
            if (cols[j] == cols[k]) {
                cli_fail("'%s': changed twice", in->cols[cols[k]].name);
                bad = 1;
            }
        free(newv[cols[k]]);
        newv[cols[k]] = v;
    }
    if (bad)
        goto out;
    ncols += answer_checkboxes(in, newv, cols, ncols);
    instrument_compute(in, newv);
    instrument_check(in, (const char *const *)vals, "", &before);
    instrument_check(in, (const char *const *)newv, "", &after);
    for (size_t i = 0; i < after.n; i++)
        if (!has_msg(&before, after.items[i])) {
            cli_fail("after the change, %s", after.items[i]);
            bad = 1;
        }
    if (bad)
        goto out;

    /* the status follows the answers when the change moves it as a
     * questionnaire saved with them would be (a partial one now answered
     * in full, a complete one with a shown question cleared); a status
     * that was not the answers' own (a REDCap form left unverified) stays */
    const char *was = flow_status_of(in, (const char *const *)vals);
    const char *now = flow_status_of(in, (const char *const *)newv);
    const char *status = strcmp(was, now) != 0 && strcmp(fc.status, was) == 0 ? now : NULL;

    if (store_begin(s, &err) != AT_OK) {
        cli_fail("%s", err.msg);
        goto out;
    }
    open_tx = 1;
    size_t changed = 0;
    for (size_t k = 0; k < ncols; k++) {
        const char *old = vals[cols[k]], *nv = newv[cols[k]];
        if ((!old && !nv) || (old && nv && strcmp(old, nv) == 0))
            continue;
        if (store_amend(s, aid, in->cols[cols[k]].name, nv, a.reason, cli_who(), &err) != AT_OK) {
            cli_fail("%s", err.msg);
            goto out;
        }
        changed++;
    }
    if (status && store_admin_set_status(s, aid, status, a.reason, cli_who(), &err) != AT_OK) {
        cli_fail("%s", err.msg);
        goto out;
    }
    if (store_commit(s, &err) != AT_OK) {
        cli_fail("%s", err.msg);
        goto out;
    }
    open_tx = 0;
    printf("%s, client %s, session %ld, rater %s%s%s:\n", a.instrument, a.client, session,
           a.rater, coded ? " " : "", coded ? a.rater_code : "");
    for (size_t k = 0; k < ncols; k++) {
        const char *old = vals[cols[k]], *nv = newv[cols[k]];
        int same = (!old && !nv) || (old && nv && strcmp(old, nv) == 0);
        printf("  %s: %s -> %s%s\n", in->cols[cols[k]].name, old ? old : "(blank)",
               nv ? nv : "(blank)",
               same ? " (unchanged)" : k >= a.nassign ? " (not ticked: the question is "
                                                        "answered now)" : "");
    }
    if (status)
        printf("  status: %s -> %s (%s)\n", fc.status, status,
               strcmp(status, "complete") == 0 ? "every question shown is answered now"
                                                : "a question shown is unanswered now");
    printf("%zu answer%s changed\n", changed, changed == 1 ? "" : "s");
    rc = EXIT_OK;
out:
    if (open_tx)
        store_rollback(s);
    if (rc != EXIT_OK && found)
        cli_fail("nothing was changed");
    if (in) {
        record_clear(vals, in->ncols);
        record_clear(newv, in->ncols);
    }
    free(vals);
    free(newv);
    free(cols);
    msgs_release(&before);
    msgs_release(&after);
    record_catalog_free(cat);
    store_close(s);
    free(a.assign);
    return rc;
}
