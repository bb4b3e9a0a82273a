/* collect run: give an instrument in the terminal and save the answers as
 * one administration. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "score.h"
#include "run_prompt.h"

static void usage(void)
{
    fputs("usage: collect run INSTRUMENT --client C [--session N]\n"
          "                  [--rater client|therapist|observer] [--rater-code X] [--quiet]\n"
          "\n"
          "Gives the latest version of INSTRUMENT one question at a time and saves the\n"
          "answers.  Type a code, a number or text and Enter; a checkbox takes several\n"
          "codes separated by commas or spaces.  Enter alone skips a question that is\n"
          "not required, - clears an answer, b goes back one question, ? shows the keys.\n"
          "Questions hidden by branching are not asked and are saved blank.  At the end\n"
          "every answer is listed: type its number to change it, or y to save.  End of\n"
          "input or Ctrl-C before y saves nothing (exit 1).  Answers can be piped in.\n"
          "\n"
          "  --client C      the client (must exist: see 'collect client add')\n"
          "  --session N     session N of the client, created (today, the client's\n"
          "                  therapist) when missing; without it the client's session\n"
          "                  of today when one is recorded (a second questionnaire after\n"
          "                  the same session), else a new session with the next number\n"
          "  --rater R       who answers: client (default), therapist or observer\n"
          "  --rater-code X  which therapist or observer answers (e.g. a supervisor code);\n"
          "                  a client's own rating always has the client's code\n"
          "  --quiet         do not print the scale scores after saving (for a client\n"
          "                  answering on the clinician's screen)\n"
          "\n"
          "The administration is saved as complete when every question shown has an\n"
          "answer (free-text notes fields aside), else as partial.\n", stdout);
}

struct run_args {
    const char *instrument, *client, *session, *rater, *rater_code;
    int quiet;
};

static int parse_args(int argc, char **argv, struct run_args *a)
{
    int i = 1;
    while (i < argc) {
        const cli_optval opts[] = { { "--client", &a->client }, { "--session", &a->session },
                                    { "--rater", &a->rater }, { "--rater-code", &a->rater_code },
                                    { NULL, NULL } };
        int r = cli_opts("run", argc, argv, &i, opts);
        if (r < 0)
            return EXIT_USAGE;
        if (r > 0)
            continue;
        if (strcmp(argv[i], "--quiet") == 0) {
            a->quiet = 1;
            i++;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_usage("run", "unknown option '%s'", argv[i]);
        } else if (a->instrument) {
            return cli_usage("run", "one instrument at a time ('%s' and '%s')", a->instrument,
                             argv[i]);
        } else {
            a->instrument = argv[i++];
        }
    }
    if (!a->instrument)
        return cli_usage("run", "'run' needs an INSTRUMENT");
    if (!a->client)
        return cli_usage("run", "'run' needs --client");
    if (!a->rater)
        a->rater = "client";
    return EXIT_OK;
}

/* complete: every shown question other than a notes field has an answer */
static const char *status_of(const instrument *in, char *const *vals)
{
    for (size_t i = 0; i < in->nfields; i++) {
        const field *f = &in->fields[i];
        if (!run_is_question(f) || f->type == FT_NOTES ||
            !instrument_shown(in, i, (const char *const *)vals))
            continue;
        int any = 0;
        for (size_t c = f->col; c < f->col + f->ncol; c++)
            any |= vals[c] != NULL;
        if (!any)
            return "partial";
    }
    return "complete";
}

/* The scores of the answers just saved, by the scoring model analyze uses. */
static void print_scores(const instrument *in, char *const *vals)
{
    score_form *sf = score_form_build(in, 0, NULL);
    score_result res = { 0 };
    score_eval(sf, (const char *const *)vals, &res);
    if (sf->nscales)
        puts("scores:");
    for (size_t k = 0; k < sf->nscales; k++) {
        const field *f = &in->fields[sf->scales[k].field];
        size_t answered = res.answered[k];
        double x = res.score[k];
        if (isnan(x))
            printf("  %-16s -     (%zu of %zu items answered: too few to score)\n", f->name,
                   answered, f->nterms);
        else
            printf("  %-16s %-5.2f (%zu of %zu items)%s\n", f->name, x, answered, f->nterms,
                   f->has_alert_below && x < f->alert_below ? "  below the alert cutoff" : "");
    }
    score_result_release(&res);
    score_form_free(sf);
}

/* A finished questionnaire the study could not take (busy past the wait, a
 * full disk) is never thrown away: it goes to a file in the import layout,
 * readable only by its owner, to import later. */
static void keep_unsaved(store *s, const instrument *in, const struct run_args *a, long session,
                         char *const *vals)
{
    char stamp[21], name[160], today[11];
    at_err err;
    now_iso(stamp);
    today_iso(today);
    for (char *p = stamp; *p; p++)
        if (*p == ':')
            *p = '-';
    snprintf(name, sizeof name, "attune-unsaved-%s-%s.csv", a->instrument, stamp);
    if (!session && store_session_next_number(s, a->client, &session, &err) != AT_OK)
        session = 0;
    outfile o = OUTFILE_INIT;
    if (outfile_open(&o, name, &err) != AT_OK) {
        cli_fail("%s; the answers could not be kept", err.msg);
        return;
    }
    csvout w;
    csvout_init_file(&w, o.fp);
    for (int k = 0; k < 7; k++)
        csvout_field(&w, cli_wide_lead[k]);
    for (size_t c = 0; c < in->ncols; c++)
        csvout_field(&w, in->cols[c].name);
    csvout_end(&w);
    csvout_field(&w, a->client);
    csvout_field(&w, "");
    if (session)
        csvout_int(&w, session);
    else
        csvout_field(&w, "");
    csvout_field(&w, today);
    csvout_field(&w, "");
    csvout_field(&w, a->rater);
    csvout_field(&w, a->rater_code ? a->rater_code : "");
    for (size_t c = 0; c < in->ncols; c++)
        csvout_field(&w, in->fields[in->cols[c].field].type == FT_CALC ? NULL : vals[c]);
    csvout_end(&w);
    if (outfile_commit(&o, &err) != AT_OK) {
        cli_fail("%s; the answers could not be kept", err.msg);
    } else {
        fprintf(stderr, "collect: the answers are kept in '%s' (readable only by you); "
                "import them later with:\n  collect import %s %s\n", name, a->instrument,
                name);
    }
    outfile_release(&o);
}

/* Refuses a second administration of the same session, instrument and rater
 * before any question is asked. */
static int already_given(store *s, const struct run_args *a, long session)
{
    long aid, iid;
    at_err err;
    /* a client's own rating under any code it was stored with */
    int own = strcmp(a->rater, "client") == 0;
    at_status st = store_admin_find(s, a->instrument, a->client, session, a->rater,
                                    own ? NULL : a->rater_code ? a->rater_code : "", &aid, &iid,
                                    &err);
    if (st == AT_EINVAL && own)
        st = AT_OK;   /* several: given already all the same */
    if (st == AT_ENOTFOUND)
        return 0;
    if (st != AT_OK)
        return cli_fail("%s", err.msg), 1;
    cli_fail("client '%s' session %ld: %s was already given to rater %s%s%s; "
             "change answers with 'collect amend'", a->client, session, a->instrument, a->rater,
             a->rater_code && *a->rater_code ? " " : "", a->rater_code ? a->rater_code : "");
    return 1;
}

int cmd_run(int argc, char **argv, const char *db)
{
    if (cli_wants_help(argc, argv)) {
        usage();
        return EXIT_OK;
    }
    struct run_args a = { 0 };
    int rc = parse_args(argc, argv, &a);
    if (rc != EXIT_OK)
        return rc;
    long session = 0;
    if (a.session && !cli_session_number("run", a.session, &session))
        return EXIT_USAGE;
    if (!cli_rater_ok("run", a.rater))
        return EXIT_USAGE;
    if (a.rater_code && !store_rater_code(a.rater, a.client, a.rater_code))
        return cli_usage("run", "a client's own rating takes the client's code ('%s') as its "
                         "rater code, not '%s'", a.client, a.rater_code);

    rc = EXIT_FAIL;
    store *s = cli_open(db, STORE_WRITE);
    if (!s)
        return EXIT_FAIL;
    catalog *cat = catalog_new(s);
    session_info si = { 0 };
    run_dialog d = { 0 };
    const char **values = NULL;
    at_err err;

    at_status found = store_client_find(s, a.client, NULL, &err);
    if (found == AT_ENOTFOUND) {
        cli_no_client(a.client);
        goto out;
    }
    if (found != AT_OK) {
        cli_fail("%s", err.msg);
        goto out;
    }
    long iid = 0;
    const instrument *in = catalog_latest(cat, a.instrument, &iid, &err);
    if (!in) {
        if (err.code == AT_ENOTFOUND)
            cli_fail("instrument '%s': no such instrument; add it with 'collect instrument add "
                     "FILE.csv' (see 'collect instrument list')", a.instrument);
        else
            cli_fail("%s", err.msg);
        goto out;
    }
    instrument_info ii = { 0 };
    long version = 0;
    if (store_instrument_by_id(s, iid, &ii, &err) == AT_OK)
        version = ii.version;
    instrument_info_release(&ii);

    /* a second questionnaire after the same session: the session recorded
     * today, not a new one */
    int reused = 0;
    if (!session) {
        if (store_session_today(s, a.client, &session, &err) != AT_OK) {
            cli_fail("%s", err.msg);
            goto out;
        }
        reused = session != 0;
    }
    int have_session = 0;
    if (session) {
        at_status st = store_session_get(s, a.client, session, &si, &err);
        if (st != AT_OK && st != AT_ENOTFOUND) {
            cli_fail("%s", err.msg);
            goto out;
        }
        have_session = st == AT_OK;
        if (have_session && already_given(s, &a, session))
            goto out;
    }

    printf("%s (version %ld) for client %s, ", a.instrument, version, a.client);
    if (have_session && reused)
        printf("session %ld of today (recorded already; --session N for another)", session);
    else if (have_session)
        printf("session %ld of %s", session, si.date);
    else if (session)
        printf("session %ld (new, today)", session);
    else
        fputs("a new session (today)", stdout);
    printf(", rater %s%s%s\n", a.rater, a.rater_code ? " " : "",
           a.rater_code ? a.rater_code : "");

    char started[21];
    now_iso(started);
    run_catch_interrupt();
    run_dialog_init(&d, in, !isatty(STDIN_FILENO));
    run_end end = run_dialog_go(&d);
    if (end != RUN_SAVE) {
        putchar('\n');
        fflush(stdout);
        cli_fail("%s; nothing was saved",
                 end == RUN_EOF ? "end of input before saving" : "interrupted");
        goto out;
    }

    values = xcalloc(in->ncols ? in->ncols : 1, sizeof *values);
    for (size_t c = 0; c < in->ncols; c++)
        if (in->fields[in->cols[c].field].type != FT_CALC)
            values[c] = d.vals[c];
    const char *status = status_of(in, d.vals);
    admin_rec rec = {
        .client = a.client,
        .therapist = NULL,
        .session = session,
        .date = NULL,
        .modality = NULL,
        .instrument_id = iid,
        .rater = a.rater,
        .rater_code = a.rater_code,
        .status = status,
        .source = "interactive",
        .started_at = started,
        .finished_at = NULL,
        .values = values,
        .n = in->ncols,
    };
    long aid = 0, used = 0;
    if (store_admin_save(s, &rec, 0, cli_who(), &aid, &used, &err) != AT_OK) {
        cli_fail("%s", err.msg);
        fputs("collect: nothing was saved in the study\n", stderr);
        keep_unsaved(s, in, &a, session, d.vals);
        goto out;
    }
    printf("\nsaved %s for client %s, session %ld (%s)\n", a.instrument, a.client, used, status);
    if (!a.quiet)
        print_scores(in, d.vals);
    rc = EXIT_OK;
out:
    free(values);
    if (d.in)
        run_dialog_release(&d);
    session_info_release(&si);
    catalog_free(cat);
    store_close(s);
    return rc;
}
