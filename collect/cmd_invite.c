/* collect invite: private web links for questionnaires answered on the
 * respondent's own device, their list, and revoking one. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "opt.h"
#include "people.h"
#include "qr.h"
#include "serve/serve.h"
#include "table.h"
#include "weblink.h"

struct invite_args {
    const char *instrument, *client, *session, *rater, *rater_code, *expires, *base, *qr;
    int rater_given;          /* --rater was given (else client) */
};

static void usage(void)
{
    fputs("usage: collect invite INSTRUMENT --client C [--session N]\n"
          "                     [--rater client|therapist|observer] [--rater-code X]\n"
          "                     [--expires DURATION] [--base-url URL] [--qr FILE.png|FILE.svg]\n"
          "       collect invite list [--csv|--text]\n"
          "       collect invite revoke ID\n"
          "\n"
          "Makes one private link through which the latest version of INSTRUMENT is\n"
          "answered once, on the respondent's own phone or computer, with 'collect serve'\n"
          "running.  Prints the link on a line of its own, an access code to type at\n"
          "BASE/code instead, and, when the output is a terminal, the link as a QR code\n"
          "to scan.  Only a hash of the link and of the code is kept in the study: copy\n"
          "them now, they cannot be shown again (make a new link if one is lost).  With\n"
          "--qr, the file is written before the link is kept: a FILE that cannot be\n"
          "written refuses the link, and no link, session or file is made.\n"
          "\n"
          "Without --session, the link is for the client's session of today when one is\n"
          "recorded, else the next number; the session is recorded now (today, the\n"
          "client's therapist) when it is not in the study yet.  A link may be made for\n"
          "a session dated later than today (next week's), but its answers are saved\n"
          "only from that day on: a save before it is refused with a page asking to\n"
          "try again after the session, and the answers stay with the link.  Without\n"
          "--rater, a form the study holds from therapists or observers only (never\n"
          "from a client) is refused: say who answers.  So is a form with a field named\n"
          "action, the name of the web form's buttons.\n"
          "\n"
          "'invite list' prints every link: id, instrument, client, session, rater,\n"
          "created, expires, state (pending, started, answered, expired or revoked); never\n"
          "a link or a code: as aligned text on a terminal and as CSV otherwise (or as\n"
          "--csv or --text say).  'invite revoke ID' closes a link that is not answered\n"
          "yet: it then answers as closed, and the answers typed so far are dropped.\n",
          stdout);
}

/* The options of 'collect invite INSTRUMENT', filled into a. */
static void invite_opts(struct invite_args *a, opt_spec *o)
{
    const opt_spec specs[] = {
        { "--client", "C", "the client (must exist: see 'collect client add')", &a->client,
          NULL },
        { "--session", "N", "session N of the client", &a->session, NULL },
        { "--rater", "R", "who answers: client (default), therapist or observer", &a->rater,
          NULL },
        { "--rater-code", "X", "which therapist or observer answers; a therapist's link "
                               "without it is for the session's therapist",
          &a->rater_code, NULL },
        { "--expires", "D", "how long the link stays open: 7d (default), 48h, 30m, 1d12h "
          "(from now, or for a session dated later than today from the end of its day)",
          &a->expires, NULL },
        { "--base-url", "URL", "where 'collect serve' is reached from the respondent's device "
                               "(default " SERVE_DEFAULT_BASE ")", &a->base, NULL },
        { "--qr", "FILE", "also write the QR code to FILE.png or FILE.svg (to print)", &a->qr,
          NULL },
        { NULL, NULL, NULL, NULL, NULL } };
    memcpy(o, specs, sizeof specs);
}


#define INVITE_NOPTS 8

static int parse_args(int argc, char **argv, const opt_spec *opts, struct invite_args *a)
{
    opt_args args = { .noun = "instrument", .max = 1 };
    if (opt_parse("invite", argc, argv, 1, opts, &args) != EXIT_OK)
        return EXIT_USAGE;
    a->instrument = args.n ? args.v[0] : NULL;
    if (!a->instrument)
        return cli_usage("invite", "'invite' needs an INSTRUMENT (or list, or revoke ID)");
    if (!a->client)
        return cli_usage("invite", "'invite' needs --client");
    a->rater_given = a->rater != NULL;
    if (!a->rater)
        a->rater = "client";
    return EXIT_OK;
}

static int list_row(const invite_view *v, void *ctx)
{
    table *t = ctx;
    table_long(t, v->id);
    table_cell(t, v->instrument);
    table_cell(t, v->client);
    table_long(t, v->session);
    table_cell(t, v->rater);
    table_cell(t, v->created_at);
    table_cell(t, v->expires_at);
    table_cell(t, v->state);
    return 0;
}

/* The options of 'collect invite list', setting *csv and *text. */
static void list_opts(int *csv, int *text, opt_spec *o)
{
    const opt_spec specs[] = {
        { "--csv", NULL, "CSV, whatever standard output is", NULL, csv },
        { "--text", NULL, "aligned text, whatever standard output is", NULL, text },
        { NULL, NULL, NULL, NULL, NULL } };
    memcpy(o, specs, sizeof specs);
}

static int invite_list(int argc, char **argv, const char *db)
{
    int csv = 0, text = 0;
    opt_spec opts[3];
    list_opts(&csv, &text, opts);
    if (opt_complete(argc, argv, 2, opts))
        return EXIT_OK;
    opt_args args = { .noun = "invite list" };
    if (opt_parse("invite", argc, argv, 2, opts, &args) != EXIT_OK)
        return EXIT_USAGE;
    if (csv && text)
        return cli_usage("invite", "'--csv' or '--text', not both");
    table_style style = csv ? TABLE_CSV : text ? TABLE_TEXT : TABLE_AUTO;
    store *s = cli_open(db, STORE_READ);
    if (!s)
        return EXIT_FAIL;
    table t;
    at_err err;
    static const char *const head[] = { "id", "instrument", "client", "session", "rater",
                                        "created", "expires", "state" };
    table_init(&t, head, 8);
    int rc = EXIT_OK;
    if (store_invite_each(s, list_row, &t, &err) == AT_OK)
        table_write(&t, stdout, style);
    else
        rc = cli_fail("%s", err.msg);
    table_release(&t);
    store_close(s);
    if (fflush(stdout) != 0)
        rc = cli_fail("standard output: cannot write");
    return rc;
}

static int invite_revoke(int argc, char **argv, const char *db)
{
    long id = 0;
    if (argc != 3 || !util_parse_long(argv[2], &id) || id < 1)
        return cli_usage("invite", "'invite revoke' needs one link ID (see 'collect invite list')");
    store *s = cli_open(db, STORE_WRITE);
    if (!s)
        return EXIT_FAIL;
    at_err err;
    int rc = EXIT_OK;
    if (store_invite_revoke(s, id, &err) == AT_OK)
        printf("revoked link %ld\n", id);
    else if (err.code == AT_ENOTFOUND)
        rc = cli_fail("%s ('collect invite list' shows the links)", err.msg);
    else
        rc = cli_fail("%s", err.msg);
    store_close(s);
    return rc;
}

/* The session a link is for: given, else today's, else the next. */
static int pick_session(store *s, const struct invite_args *a, long *session)
{
    at_err err;
    if (a->session)
        return cli_session_number("invite", a->session, session) ? EXIT_OK : EXIT_USAGE;
    if (store_session_today(s, a->client, session, &err) != AT_OK)
        return cli_fail("%s", err.msg);
    if (!*session && store_session_next_number(s, a->client, session, &err) != AT_OK)
        return cli_fail("client '%s': %s", a->client, err.msg);
    return EXIT_OK;
}

/* When a link's time starts: now, or for a session dated later than
 * today the end of its day (UTC), so that a link made ahead for next
 * week's session is open for as long after it as --expires says (the
 * client answers after the session; a Save before its day waits). */
static time_t link_opens(store *s, const char *client, long session)
{
    time_t now = time(NULL);
    session_info si = { 0 };
    at_err err;
    char today[11];
    util_today_iso(today);
    if (store_session_get(s, client, session, &si, &err) == AT_OK && si.date &&
        util_valid_iso_date(si.date) && strcmp(si.date, today) > 0) {
        time_t end = (time_t)(util_iso_date_days(si.date) + 1) * 86400;
        if (end > now)
            now = end;
    }
    session_info_release(&si);
    return now;
}

static int invite_make(struct invite_args *a, const char *db)
{
    long expires = a->expires ? weblink_duration(a->expires) : 7L * 86400;
    if (!expires)
        return cli_usage("invite", "'--expires' takes a duration such as 7d, 48h or 30m "
                         "(1 minute to 366 days), not '%s'", a->expires);
    if (!cli_rater_ok("invite", a->rater))
        return EXIT_USAGE;
    if (a->rater_code && !people_code_ok("invite", "rater code", a->rater_code))
        return EXIT_USAGE;
    if (a->rater_code && !store_rater_code(a->rater, a->client, a->rater_code))
        return cli_usage("invite", "a client's own rating takes the client's code ('%s') as "
                         "its rater code, not '%s'", a->client, a->rater_code);
    if (a->qr && !qr_file_kind_ok(a->qr))
        return cli_usage("invite", "'--qr' writes a .png or .svg file, not '%s'", a->qr);
    char *base = NULL, why[256];
    if (!serve_base_url(a->base, &base, why, sizeof why))
        return cli_usage("invite", "%s", why);

    int rc = EXIT_FAIL;
    store *s = cli_open(db, STORE_WRITE);
    record_catalog *cat = s ? record_catalog_new(s) : NULL;
    sbuf url = SBUF_INIT;
    char *own_code = NULL;
    outfile qr = OUTFILE_INIT;
    at_err err;
    if (!s)
        goto out;
    at_status found = store_client_find(s, a->client, NULL, &err);
    if (found == AT_ENOTFOUND) {
        cli_no_client(a->client);
        goto out;
    }
    if (found != AT_OK) {
        cli_fail("%s", err.msg);
        goto out;
    }
    long iid = 0, session = 0, id = 0;
    const dict_instrument *in = cli_instrument_latest(cat, a->instrument, &iid);
    if (!in)
        goto out;
    if (in->is_template) {
        cli_fail("instrument '%s' is a template: its licensed wording is still to be pasted "
                 "in (see instruments/README.md), so it is not given to anyone", a->instrument);
        goto out;
    }
    for (size_t i = 0; i < in->nfields; i++)
        if (strcmp(in->fields[i].name, FORM_ACTION) == 0) {
            cli_fail("instrument '%s': its field '%s' has the name the web form gives its "
                     "buttons, so the form could not tell an answer from a press; rename the "
                     "field in the dictionary to give it on the web ('collect run' and "
                     "'collect import' take it as it is)", a->instrument, FORM_ACTION);
            goto out;
        }
    if (!a->rater_given && !cli_default_rater_ok(s, "invite", a->instrument))
        goto out;
    if ((rc = pick_session(s, a, &session)) != EXIT_OK)
        goto out;
    rc = EXIT_FAIL;
    /* a therapist's link is for the session therapist unless --rater-code
     * says whose */
    own_code = cli_therapist_code(s, a->rater, a->rater_code, a->client, session);
    if (own_code)
        a->rater_code = own_code;

    char tok[WEBLINK_TOKEN_LEN + 1], code[WEBLINK_CODE_LEN + 2], th[65], ch[65], until[21];
    if (weblink_new(tok, code, &err) != AT_OK) {
        cli_fail("%s", err.msg);
        goto out;
    }
    weblink_token_hash(tok, strlen(tok), th);
    weblink_code_hash(code, ch);
    weblink_time_iso(link_opens(s, a->client, session) + expires, until);
    sbuf_addf(&url, "%s/s/%s", base, tok);
    /* all or nothing: the QR file is written (beside its place, under a
     * temporary name) before the link is kept, so a folder that cannot be
     * written refuses the link, and put in its place once the link is made */
    if (a->qr && qr_file_begin(&qr, url.buf, a->qr, &err) != AT_OK) {
        cli_fail("%s; no link was made", err.msg);
        goto out;
    }
    session_info had = { 0 };
    at_status known = store_session_get(s, a->client, session, &had, &err);
    session_info_release(&had);
    invite_rec r = { .client = a->client, .session = session, .instrument_id = iid,
                     .rater = a->rater, .rater_code = a->rater_code, .token_hash = th,
                     .code_hash = ch, .expires_at = until };
    if (store_invite_add(s, &r, &id, &err) != AT_OK) {
        cli_fail("%s", err.msg);
        goto out;
    }
    if (a->qr && outfile_commit(&qr, &err) != AT_OK) {
        /* the file could not take its place after all: the link goes too */
        at_err rerr;
        if (store_invite_revoke(s, id, &rerr) == AT_OK)
            cli_fail("%s; link %ld is revoked", err.msg, id);
        else
            cli_fail("%s; link %ld is made but its QR file is not: %s", err.msg, id, rerr.msg);
        goto out;
    }
    if (known == AT_ENOTFOUND) {
        session_info made = { 0 };
        if (store_session_get(s, a->client, session, &made, &err) == AT_OK)
            people_warn_session_order(s, a->client, &made);
        session_info_release(&made);
    }
    printf("link %ld: %s for client %s, session %ld, rater %s%s%s; open until %.10s %.5s UTC\n",
           id, a->instrument, a->client, session, a->rater, a->rater_code ? " " : "",
           a->rater_code ? a->rater_code : "", until, until + 11);
    printf("%s\n", url.buf);
    printf("access code: %s (at %s/code)\n", code, base);
    if (isatty(STDOUT_FILENO) && qr_terminal(url.buf, stdout, &err) != AT_OK)
        cli_fail("%s", err.msg);
    if (a->qr)
        printf("QR code written to %s\n", a->qr);
    rc = fflush(stdout) == 0 ? EXIT_OK : cli_fail("standard output: cannot write");
out:
    outfile_release(&qr);
    free(own_code);
    sbuf_release(&url);
    record_catalog_free(cat);
    store_close(s);
    free(base);
    return rc;
}

int cmd_invite(int argc, char **argv, const char *db)
{
    struct invite_args a = { 0 };
    opt_spec opts[INVITE_NOPTS];
    invite_opts(&a, opts);
    if (opt_complete(argc, argv, 1, opts))
        return EXIT_OK;
    if (cli_wants_help(argc, argv)) {
        int csv = 0, text = 0;
        opt_spec lopts[3];
        list_opts(&csv, &text, lopts);
        size_t wide = opt_width(opts) > opt_width(lopts) ? opt_width(opts) : opt_width(lopts);
        usage();
        fputc('\n', stdout);
        opt_help_at(stdout, opts, wide);
        fputs("\n'invite list' options:\n", stdout);
        opt_help_at(stdout, lopts, wide);
        return EXIT_OK;
    }
    if (argc >= 2 && strcmp(argv[1], "list") == 0)
        return invite_list(argc, argv, db);
    if (argc >= 2 && strcmp(argv[1], "revoke") == 0)
        return invite_revoke(argc, argv, db);
    int rc = parse_args(argc, argv, opts, &a);
    return rc == EXIT_OK ? invite_make(&a, db) : rc;
}
