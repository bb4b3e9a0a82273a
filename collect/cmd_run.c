/* collect run: give an instrument in the terminal and save the answers as
 * one administration. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "opt.h"
#include "people.h"
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
          "not required, - clears an answer, < or b goes back one question, ? shows the\n"
          "keys.  On a question with a choice coded b (in any case), b is that choice\n"
          "and < goes back.  Questions hidden by branching are not asked and are saved\n"
          "blank.  At the end every answer is listed: type its number to change it, y\n"
          "to save, or q to stop.  q or the end of piped input before y saves nothing\n"
          "(exit 1).  Ctrl-C, SIGTERM or the terminal closing save nothing in the study\n"
          "either, but keep the answers given so far in\n"
          "attune-unsaved-INSTRUMENT-TIME.csv (readable only by you, in the current\n"
          "folder, else the home folder, else shown on the screen), as a finished\n"
          "questionnaire that the study is too busy to take is kept: import it later\n"
          "(a questionnaire stopped before its end comes in as partial, its\n"
          "attune.status column saying so).  Yes/no questions also take y, yes, n, no.\n"
          "Answers can be piped in.  Text is wrapped to the terminal's width ($COLUMNS,\n"
          "or 80, when not a terminal).\n"
          "\n"
          "Without --session, the client's session of today when one is recorded (a\n"
          "second questionnaire after the same session), else a new session with the\n"
          "next number; a session given that does not exist is created (today, the\n"
          "client's therapist).  A session dated later than today is refused before any\n"
          "question: a questionnaire is not saved into a session dated later than the\n"
          "day it is saved ('collect session set --date' corrects a wrong date).  A\n"
          "client's own rating always has the client's code.\n"
          "Without --rater, a form the study holds from therapists or observers only\n"
          "(never from a client) is refused: say who answers.\n"
          "The administration is saved as complete when every question shown has an\n"
          "answer (free-text notes fields aside), else as partial.  A form marked\n"
          "@TEMPLATE (its licensed wording still to be pasted in) is refused.\n", stdout);
}

struct run_args {
    const char *instrument, *client, *session, *rater, *rater_code;
    int quiet;
    int rater_given;          /* --rater was given (else client) */
};

static int parse_args(int argc, char **argv, const opt_spec *opts, struct run_args *a)
{
    opt_args args = { .noun = "instrument", .max = 1 };
    if (opt_parse("run", argc, argv, 1, opts, &args) != EXIT_OK)
        return EXIT_USAGE;
    a->instrument = args.n ? args.v[0] : NULL;
    if (!a->instrument)
        return cli_usage("run", "'run' needs an INSTRUMENT");
    if (!a->client)
        return cli_usage("run", "'run' needs --client");
    a->rater_given = a->rater != NULL;
    if (!a->rater)
        a->rater = "client";
    return EXIT_OK;
}

/* The scores of the answers just saved, by the scoring model analyze uses. */
static void print_scores(const dict_instrument *in, const char *const *vals)
{
    score_form *sf = score_form_build(in, 0, NULL);
    score_result res = { 0 };
    score_eval(sf, vals, &res);
    if (sf->nscales)
        puts("scores:");
    for (size_t k = 0; k < sf->nscales; k++) {
        const dict_field *f = &in->fields[sf->scales[k].field];
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

/* Writes text to a new file in dir (NULL: the current folder) named for the
 * instrument and stamp, never over one already there (another
 * questionnaire kept in the same second); 0 with the name in *name, or the
 * errno, with no file left behind. */
static int write_kept(const char *dir, const char *instrument, const char *stamp,
                      const sbuf *text, sbuf *name)
{
    for (int k = 1; k <= 99; k++) {
        sbuf_reset(name);
        if (dir)
            sbuf_addf(name, "%s/", dir);
        sbuf_addf(name, "attune-unsaved-%s-%s", instrument, stamp);
        if (k > 1)
            sbuf_addf(name, "-%d", k);
        sbuf_adds(name, ".csv");
        int fd = open(sbuf_str(name), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0 && errno == EEXIST)
            continue;
        if (fd < 0)
            return errno;
        size_t done = 0;
        int e = 0;
        while (done < text->len && !e) {
            ssize_t n = write(fd, text->buf + done, text->len - done);
            if (n > 0)
                done += (size_t)n;
            else if (n < 0 && errno != EINTR)
                e = errno;
        }
        if (!e && fsync(fd) != 0)
            e = errno;
        if (close(fd) != 0 && !e)
            e = errno;
        if (e)
            unlink(sbuf_str(name));   /* a part of the answers is no place to keep them */
        return e;
    }
    return EEXIST;
}

/* A questionnaire the study could not take (busy past the wait, a full
 * disk), or one cut off before it was saved (Ctrl-C, SIGTERM, the terminal
 * closed), is never thrown away: what was answered goes to a file in the
 * import layout, readable only by its owner, to import later.  finished:
 * every question was gone through (the review was on screen, or y typed). */
static void keep_unsaved(store *s, const dict_instrument *in, const struct run_args *a, long session,
                         const session_info *known, const char *const *vals, int finished)
{
    char stamp[21], today[11];
    at_err err;
    util_now_iso(stamp);
    util_today_iso(today);
    for (char *p = stamp; *p; p++)
        if (*p == ':')
            *p = '-';
    if (!session && store_session_next_number(s, a->client, &session, &err) != AT_OK)
        session = 0;
    sbuf text = SBUF_INIT;
    csvout w;
    csvout_init_buf(&w, &text);
    for (int k = 0; k < 7; k++)
        csvout_field(&w, cli_wide_lead[k]);
    csvout_field(&w, CLI_WIDE_STATUS);
    for (size_t c = 0; c < in->ncols; c++)
        csvout_field(&w, in->cols[c].name);
    csvout_end(&w);
    csvout_field(&w, a->client);
    csvout_field(&w, "");
    if (session)
        csvout_int(&w, session);
    else
        csvout_field(&w, "");
    /* a session in the study keeps its own date (blank when it has none);
     * a new one is dated today, as run would have made it */
    csvout_field(&w, known ? known->date : today);
    csvout_field(&w, "");
    csvout_field(&w, a->rater);
    csvout_field(&w, a->rater_code ? a->rater_code : "");
    /* as run would have saved it; a questionnaire stopped before its end
     * is partial, so its required questions may still be blank */
    csvout_field(&w, finished ? flow_status_of(in, vals) : "partial");
    for (size_t c = 0; c < in->ncols; c++)
        csvout_field(&w, in->fields[in->cols[c].field].type == FT_CALC ? NULL : vals[c]);
    csvout_end(&w);

    /* in the current folder, else (a full disk, a folder that cannot be
     * written) in the home folder, else on the screen */
    const char *home = getenv("HOME");
    sbuf name = SBUF_INIT;
    int e = write_kept(NULL, a->instrument, stamp, &text, &name);
    if (e) {
        cli_fail("'%s': cannot write: %s", sbuf_str(&name), strerror(e));
        if (home && *home && (e = write_kept(home, a->instrument, stamp, &text, &name)) != 0)
            cli_fail("'%s': cannot write: %s", sbuf_str(&name), strerror(e));
    }
    if (e) {
        fprintf(stderr, "collect: the answers could not be kept in a file; here they are, to copy "
                "into a file and import later with 'collect import %s FILE':\n%s",
                a->instrument, sbuf_str(&text));
    } else {
        /* wrapped as the questions are; the command on a line of its own,
         * whole, to copy */
        sbuf msg = SBUF_INIT, wrapped = SBUF_INIT;
        sbuf_addf(&msg, "collect: the answers %s are kept in '%s' (readable only by you); ",
                  finished ? "typed" : "given so far", sbuf_str(&name));
        if (!finished)
            sbuf_adds(&msg, "the questionnaire was not finished, so it comes in as partial "
                      "(its attune.status column says so), or delete the file to drop the "
                      "answers; ");
        if (!session)
            sbuf_adds(&msg, "the study could not say which session this is: write its number "
                      "in the attune.session column, then ");
        sbuf_adds(&msg, "import them later with:");
        run_wrap(sbuf_str(&msg), 0, run_width(), &wrapped);
        fprintf(stderr, "%s  collect import %s %s\n", sbuf_str(&wrapped), a->instrument,
                sbuf_str(&name));
        sbuf_release(&msg);
        sbuf_release(&wrapped);
    }
    sbuf_release(&name);
    sbuf_release(&text);
}

/* How many questions have an answer (calc fields aside). */
static size_t answers_given(const dict_instrument *in, const char *const *vals)
{
    size_t n = 0;
    for (size_t c = 0; c < in->ncols; c++)
        n += in->fields[in->cols[c].field].type != FT_CALC && vals[c] && *vals[c];
    return n;
}

/* Refuses a second administration of the same session, instrument and rater
 * before any question is asked (a therapist's questionnaire stored without a
 * code is the session therapist's: the store finds it by that code too). */
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
    int coded = !own && a->rater_code && *a->rater_code;
    cli_fail("client '%s' session %ld: the %s%s%s has already answered %s; 'collect amend' "
             "changes the answers (--session N for another session)", a->client, session,
             a->rater, coded ? " " : "", coded ? a->rater_code : "", a->instrument);
    return 1;
}

int cmd_run(int argc, char **argv, const char *db)
{
    struct run_args a = { 0 };
    const opt_spec opts[] = {
        { "--client", "C", "the client (must exist: see 'collect client add')", &a.client, NULL },
        { "--session", "N", "session N of the client", &a.session, NULL },
        { "--rater", "R", "who answers: client (default), therapist or observer", &a.rater,
          NULL },
        { "--rater-code", "X", "which therapist or observer answers (e.g. a supervisor code); a "
                               "therapist's questionnaire without it is the session therapist's",
          &a.rater_code, NULL },
        { "--quiet", NULL, "do not print the scale scores after saving (for a client answering "
                           "on the clinician's screen)", NULL, &a.quiet },
        { NULL, NULL, NULL, NULL, NULL } };
    if (cli_help_or_complete(argc, argv, opts, usage))
        return EXIT_OK;
    int rc = parse_args(argc, argv, opts, &a);
    if (rc != EXIT_OK)
        return rc;
    long session = 0;
    if (a.session && !cli_session_number("run", a.session, &session))
        return EXIT_USAGE;
    if (!cli_rater_ok("run", a.rater))
        return EXIT_USAGE;
    if (a.rater_code && !people_code_ok("run", "rater code", a.rater_code))
        return EXIT_USAGE;
    if (a.rater_code && !store_rater_code(a.rater, a.client, a.rater_code))
        return cli_usage("run", "a client's own rating takes the client's code ('%s') as its "
                         "rater code, not '%s'", a.client, a.rater_code);

    rc = EXIT_FAIL;
    store *s = cli_open(db, STORE_WRITE);
    if (!s)
        return EXIT_FAIL;
    record_catalog *cat = record_catalog_new(s);
    session_info si = { 0 };
    char *own_code = NULL;
    run_dialog d = { 0 };
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
    const dict_instrument *in = cli_instrument_latest(cat, a.instrument, &iid);
    if (!in)
        goto out;
    if (in->is_template) {
        cli_fail("instrument '%s' is a template whose wording is still to be pasted in "
                 "(@TEMPLATE); paste the licensed wording into its dictionary, remove "
                 "@TEMPLATE and add it again before giving it", a.instrument);
        goto out;
    }
    if (!a.rater_given && !cli_default_rater_ok(s, "run", a.instrument))
        goto out;

    /* a second questionnaire after the same session: the session recorded
     * today, not a new one */
    int reused = 0;
    if (!session) {
        if (store_session_today(s, a.client, &session, &err) != AT_OK) {
            cli_fail("%s", err.msg);
            goto out;
        }
        reused = session != 0;
        long next;   /* the new session's number must exist: said before any question */
        if (!session && store_session_next_number(s, a.client, &next, &err) != AT_OK) {
            cli_fail("client '%s': %s", a.client, err.msg);
            goto out;
        }
    }
    /* a therapist's questionnaire is the session therapist's own unless
     * --rater-code says whose */
    own_code = cli_therapist_code(s, a.rater, a.rater_code, a.client, session);
    if (own_code)
        a.rater_code = own_code;
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
        if (!have_session && store_check_session(session, 0, &err) != AT_OK) {
            cli_fail("client '%s': %s", a.client, err.msg);   /* before any question */
            goto out;
        }
        /* a session comes before its questionnaires: refused before any
         * question, not after the answers are typed */
        if (have_session && store_session_later(si.date, NULL)) {
            cli_fail("client '%s' session %ld is dated %s, later than today: a questionnaire "
                     "is not saved into a session dated later than the day it is saved; give "
                     "it after the session, or correct the date with 'collect session set "
                     "--client %s --session %ld --date YYYY-MM-DD'", a.client, session, si.date,
                     a.client, session);
            goto out;
        }
    }

    /* what the clinician checks before handing over: no technical words */
    char said[160];
    if (have_session && reused)
        snprintf(said, sizeof said,
                 "Session %ld of today (already recorded; --session N for another)", session);
    else if (have_session)
        snprintf(said, sizeof said, "Session %ld, %s", session, si.date);
    else if (session)
        snprintf(said, sizeof said, "Session %ld (new, today)", session);
    else
        snprintf(said, sizeof said, "A new session (today)");
    run_say(said);

    char started[21];
    util_now_iso(started);
    cli_catch_stop();
    /* asked now: a terminal that is closed is no terminal afterwards */
    int on_terminal = isatty(STDIN_FILENO);
    run_dialog_init(&d, in, !on_terminal);
    flow_set_rater(d.fl, a.rater);
    run_end end = run_dialog_go(&d);
    if (end == RUN_EOF && cli_stop_signal())
        end = RUN_INTERRUPTED;   /* a closed terminal ends the input before its SIGHUP lands */
    if (end != RUN_SAVE) {
        putchar('\n');
        fflush(stdout);
        /* q is the person's choice to keep nothing; a signal, or a terminal
         * that went away, is not: what was answered is kept in a file */
        int cut = end == RUN_INTERRUPTED || (end == RUN_EOF && on_terminal);
        if (cut && answers_given(in, flow_values(d.fl))) {
            cli_fail("%s; nothing was saved in the study",
                     end == RUN_EOF ? "the terminal's input ended"
                                    : cli_stop_words(cli_stop_signal()));
            keep_unsaved(s, in, &a, session, have_session ? &si : NULL, flow_values(d.fl),
                         flow_where(d.fl) == FLOW_REVIEW);
            goto out;
        }
        cli_fail("%s; nothing was saved",
                 end == RUN_QUIT ? "stopped at the review" :
                 end == RUN_EOF ? "end of input before saving" : cli_stop_words(cli_stop_signal()));
        goto out;
    }

    admin_rec rec = {
        .client = a.client,
        .session = session,
        .instrument_id = iid,
        .rater = a.rater,
        .rater_code = a.rater_code,
        .source = "interactive",
        .started_at = started,
    };
    long aid = 0, used = 0;
    if (flow_save(d.fl, s, &rec, 0, cli_who(), &aid, &used, &err) != AT_OK) {
        if (cli_stop_signal() && isatty(STDERR_FILENO))
            fputc('\n', stderr);   /* after the ^C the terminal shows */
        if (cli_stop_signal())   /* while it waited for a busy study */
            cli_fail("%s while waiting to save", cli_stop_words(cli_stop_signal()));
        else
            cli_fail("%s", err.msg);
        fputs("collect: nothing was saved in the study\n", stderr);
        keep_unsaved(s, in, &a, session, have_session ? &si : NULL, flow_values(d.fl), 1);
        goto out;
    }
    if (!have_session) {
        session_info made = { 0 };
        if (store_session_get(s, a.client, used, &made, &err) == AT_OK)
            people_warn_session_order(s, a.client, &made);
        session_info_release(&made);
    }
    run_say_closing(&d);
    snprintf(said, sizeof said, "\nSaved as session %ld%s.", used,
             strcmp(rec.status, "partial") == 0 ? ", with some questions unanswered" : "");
    run_say(said);
    if (!a.quiet)
        print_scores(in, flow_values(d.fl));
    rc = EXIT_OK;
out:
    if (d.in)
        run_dialog_release(&d);
    free(own_code);
    session_info_release(&si);
    record_catalog_free(cat);
    store_close(s);
    return rc;
}
