/* collect therapist, client and session: the people and sessions of a
 * study, by pseudonymous code.  add is here; list and set are in
 * people_list.c and people_set.c. */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "people.h"

int people_code_ok(const char *cmd, const char *what, const char *code)
{
    const char *why = store_code_problem(code);
    if (!why)
        return 1;
    if (strlen(code) > STORE_CODE_MAX)
        cli_usage(cmd, "%s '%.20s...': %s", what, code, why);
    else if (!*code)
        cli_usage(cmd, "%s is empty", what);
    else
        cli_usage(cmd, "%s '%s': %s", what, code, why);
    return 0;
}

int people_date_ok(const char *date)
{
    int shape = strlen(date) == 10 && date[4] == '-' && date[7] == '-';
    for (size_t i = 0; shape && i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)date[i]))
            shape = 0;
    if (!shape)
        return cli_usage("session", "date '%s': write dates as YYYY-MM-DD", date), 0;
    if (!util_valid_iso_date(date))
        return cli_usage("session", "date '%s': there is no such day", date), 0;
    return 1;
}

int people_modality_ok(const char *cmd, const char *modality)
{
    if (store_is_modality(modality))
        return 1;
    cli_usage(cmd, "modality '%s': use in-person or telehealth", modality);
    return 0;
}

/* Which subcommand argv[1] is: 'a' add, 'l' list, 's' set, or 0 after
 * printing the usage error. */
static int subcommand(const char *cmd, int argc, char **argv)
{
    if (argc < 2)
        return cli_usage(cmd, "'%s' needs a subcommand: add, list or set", cmd), 0;
    if (strcmp(argv[1], "add") == 0)
        return 'a';
    if (strcmp(argv[1], "list") == 0)
        return 'l';
    if (strcmp(argv[1], "set") == 0)
        return 's';
    return cli_usage(cmd, "'%s %s' is not a command", cmd, argv[1]), 0;
}

/* ---- the options of every subcommand ----------------------------------- */

#define TEXT_OF(f) offsetof(people_args, f), 0
#define FLAG_OF(f) 0, offsetof(people_args, f) + 1

static const struct people_opt {
    const char *kind;          /* "client" */
    int sub;                   /* 'a', 'l', 's' */
    const char *name, *metavar, *help;
    size_t text, flag;         /* offset of the value, or of the flag + 1 */
} people_table[] = {
    { "therapist", 'a', "--cohort", "NAME", "the cohort of a training program (e.g. 2026a), for "
      "'analyze trends --by cohort'", TEXT_OF(cohort) },
    { "therapist", 's', "--cohort", "NAME", "the new cohort (\"\" removes it)", TEXT_OF(cohort) },
    { "client", 'a', "--therapist", "T", "the client's therapist (added first)",
      TEXT_OF(therapist) },
    { "client", 's', "--therapist", "T", "the therapist the client moves to", TEXT_OF(therapist) },
    { "client", 's', "--from-session", "N", "the recorded sessions numbered N or more move too "
      "(default: only sessions still to come)", TEXT_OF(from) },
    { "session", 'a', "--client", "C", "the client (required)", TEXT_OF(client) },
    { "session", 'a', "--therapist", "T", "default the client's therapist", TEXT_OF(therapist) },
    { "session", 'a', "--number", "N", "default the client's next number", TEXT_OF(number) },
    { "session", 'a', "--date", "YYYY-MM-DD", "default today", TEXT_OF(date) },
    { "session", 'a', "--modality", "M", "in-person or telehealth (default none recorded)",
      TEXT_OF(modality) },
    { "session", 'l', "--client", "C", "one client's sessions", TEXT_OF(client) },
    { "session", 's', "--client", "C", "the client (required)", TEXT_OF(client) },
    { "session", 's', "--session", "N", "the session's number (required)", TEXT_OF(session) },
    { "session", 's', "--date", "YYYY-MM-DD", "the corrected date", TEXT_OF(date) },
    { "session", 's', "--modality", "M", "in-person or telehealth", TEXT_OF(modality) },
    { NULL, 'l', "--csv", NULL, "CSV, whatever standard output is", FLAG_OF(csv) },
    { NULL, 'l', "--text", NULL, "aligned text, whatever standard output is", FLAG_OF(text) },
    { NULL, 's', "--reason", "TEXT", "why, kept in the audit trail", TEXT_OF(reason) },
};

void people_opts(const char *kind, int sub, people_args *a, opt_spec *specs)
{
    size_t n = 0;
    for (size_t i = 0; i < sizeof people_table / sizeof people_table[0]; i++) {
        const struct people_opt *o = &people_table[i];
        if (o->sub != sub || (o->kind && strcmp(o->kind, kind) != 0) || n == PEOPLE_MAXOPTS)
            continue;
        char *base = (char *)a;
        specs[n++] = (opt_spec){ o->name, o->metavar, o->help,
                                 o->flag ? NULL : (const char **)(void *)(base + o->text),
                                 o->flag ? (int *)(void *)(base + o->flag - 1) : NULL };
    }
    specs[n] = (opt_spec){ NULL, NULL, NULL, NULL, NULL };
}

int people_parse(const char *kind, int sub, int argc, char **argv, people_args *a,
                 opt_args *args)
{
    opt_spec specs[PEOPLE_MAXOPTS + 1];
    people_opts(kind, sub, a, specs);
    return opt_parse(kind, argc, argv, 2, specs, args);
}

/* The options of each subcommand of kind, for its help. */
static void people_help(const char *kind)
{
    static const struct { int sub; const char *name; } subs[] = { { 'a', "add" },
                                                                  { 'l', "list" },
                                                                  { 's', "set" } };
    people_args dummy;
    opt_spec specs[PEOPLE_MAXOPTS + 1];
    for (size_t i = 0; i < 3; i++) {
        people_opts(kind, subs[i].sub, &dummy, specs);
        if (!specs[0].name)
            continue;
        printf("\n%s %s:\n", kind, subs[i].name);
        opt_help(stdout, specs);
    }
}

/* "KIND SUB --complete-options": the options, for the bash completion. */
static int people_complete(const char *kind, int sub, int argc, char **argv)
{
    people_args dummy;
    opt_spec specs[PEOPLE_MAXOPTS + 1];
    people_opts(kind, sub, &dummy, specs);
    return opt_complete(argc, argv, 2, specs);
}

/* ---- therapist add, client add ----------------------------------------- */

static void therapist_usage(void)
{
    fputs("usage: collect therapist add CODE [--cohort NAME]\n"
          "       collect therapist list [--csv|--text]\n"
          "       collect therapist set CODE --cohort NAME [--reason TEXT]\n"
          "\n"
          "add   adds a therapist (or trainee) by code; no names are kept.  --cohort\n"
          "      groups trainees of a training program (e.g. 2026a) for 'analyze trends\n"
          "      --by cohort'.  A code or cohort is up to 64 of the letters a-z and\n"
          "      A-Z, digits, '-', '_' and '.'.\n"
          "list  therapist,cohort,clients,sessions: each therapist, the clients whose\n"
          "      therapist they are and the sessions they held.  Aligned text when\n"
          "      standard output is a terminal, CSV when it is not; --csv and --text\n"
          "      choose.\n"
          "set   gives the therapist another cohort (--cohort \"\" removes it); the old\n"
          "      and new cohort, who and the reason go into the audit trail.\n",
          stdout);
    people_help("therapist");
}

static void client_usage(void)
{
    fputs("usage: collect client add CODE [--therapist CODE]\n"
          "       collect client list [--csv|--text]\n"
          "       collect client set CODE --therapist CODE [--from-session N]\n"
          "                          [--reason TEXT]\n"
          "\n"
          "add   adds a client by code (a pseudonym; no names are kept), seen by the\n"
          "      given therapist, who must have been added first.  New sessions of the\n"
          "      client go to that therapist unless said otherwise.  A code is up to 64\n"
          "      of the letters a-z and A-Z, digits, '-', '_' and '.'.\n"
          "list  client,therapist,sessions,last_date,questionnaires: each client, their\n"
          "      therapist, how many sessions are recorded, the date of the latest and\n"
          "      how many questionnaires were given.  Aligned text when standard output\n"
          "      is a terminal, CSV when it is not; --csv and --text choose.\n"
          "set   moves the client to another therapist: the client's new sessions go to\n"
          "      that therapist, and with --from-session N so do the recorded sessions\n"
          "      numbered N or more.  A session holding a therapist's questionnaire\n"
          "      given by another therapist is not moved (the command is refused).\n"
          "      Each change is kept in the audit trail with who and the reason.\n",
          stdout);
    people_help("client");
}

/* What differs between adding a therapist and adding a client. */
typedef struct person_kind {
    const char *name;          /* "therapist": the command and the messages */
    const char *opt_noun;      /* its option's value in messages, "cohort" */
    const char *opt_code;      /* the value is checked as a code with this name, or NULL */
    at_status (*add)(store *s, const char *code, const char *opt, at_err *err);
} person_kind;

static const person_kind therapist_kind = { "therapist", "cohort", "cohort name",
                                            store_therapist_add };
static const person_kind client_kind = { "client", "therapist", NULL, store_client_add };

/* therapist add CODE [--cohort NAME], client add CODE [--therapist CODE] */
static int add_person(const person_kind *k, int argc, char **argv, const char *db)
{
    people_args a = { 0 };
    opt_args args = { .noun = "code", .max = 1 };
    char what[32];
    int rc;
    if (people_parse(k->name, 'a', argc, argv, &a, &args) != EXIT_OK)
        return EXIT_USAGE;
    if (!args.n)
        return cli_usage(k->name, "'%s add' needs a CODE", k->name);
    const char *code = args.v[0];
    const char *opt = k == &client_kind ? a.therapist : a.cohort;
    snprintf(what, sizeof what, "%s code", k->name);
    if (!people_code_ok(k->name, what, code) ||
        (opt && k->opt_code && !people_code_ok(k->name, k->opt_code, opt)))
        return EXIT_USAGE;

    store *s = cli_open(db, STORE_WRITE);
    if (!s)
        return EXIT_FAIL;
    at_err err;
    case_watch twins = CASE_WATCH_INIT;
    people_case_start(s, &twins);
    at_status st = k->add(s, code, opt, &err);
    rc = EXIT_OK;
    if (st == AT_EEXIST)
        rc = cli_fail("%s '%s': already exists", k->name, code);
    else if (st == AT_ENOTFOUND && k == &client_kind)
        rc = cli_fail("therapist '%s': no such therapist; add it first with "
                      "'collect therapist add %s'", opt, opt);
    else if (st != AT_OK)
        rc = cli_fail("%s", err.msg);
    else if (opt)
        printf("added %s %s (%s %s)\n", k->name, code, k->opt_noun, opt);
    else
        printf("added %s %s\n", k->name, code);
    if (st == AT_OK)
        people_case_report(s, &twins, NULL);
    people_case_release(&twins);
    store_close(s);
    return rc;
}

int cmd_therapist(int argc, char **argv, const char *db)
{
    if (cli_wants_help(argc, argv)) {
        therapist_usage();
        return EXIT_OK;
    }
    int sub = subcommand("therapist", argc, argv);
    if (sub && people_complete("therapist", sub, argc, argv))
        return EXIT_OK;
    switch (sub) {
    case 'a': return add_person(&therapist_kind, argc, argv, db);
    case 'l': return people_list("therapist", argc, argv, db);
    case 's': return therapist_set(argc, argv, db);
    default: return EXIT_USAGE;
    }
}

int cmd_client(int argc, char **argv, const char *db)
{
    if (cli_wants_help(argc, argv)) {
        client_usage();
        return EXIT_OK;
    }
    int sub = subcommand("client", argc, argv);
    if (sub && people_complete("client", sub, argc, argv))
        return EXIT_OK;
    switch (sub) {
    case 'a': return add_person(&client_kind, argc, argv, db);
    case 'l': return people_list("client", argc, argv, db);
    case 's': return client_set(argc, argv, db);
    default: return EXIT_USAGE;
    }
}

/* ---- session add ------------------------------------------------------- */

static void session_usage(void)
{
    fputs("usage: collect session add --client C [--therapist T] [--number N]\n"
          "                           [--date YYYY-MM-DD] [--modality in-person|telehealth]\n"
          "       collect session list [--client C] [--csv|--text]\n"
          "       collect session set --client C --session N [--date YYYY-MM-DD]\n"
          "                           [--modality in-person|telehealth] [--reason TEXT]\n"
          "\n"
          "add   adds a session for a client.  Defaults: the client's next session\n"
          "      number, today's date, the client's therapist, no modality recorded.\n"
          "      'collect run' and 'collect import' also create sessions as they need\n"
          "      them.\n"
          "list  client,session,date,therapist,modality,questionnaires: every session\n"
          "      (or one client's) and how many questionnaires it holds.  Aligned text\n"
          "      when standard output is a terminal, CSV when it is not; --csv and\n"
          "      --text choose.\n"
          "set   corrects a session's date or modality, kept in the audit trail with\n"
          "      who and the reason.  A session comes before its questionnaires: a date\n"
          "      after the day its first questionnaire was saved is refused; and no\n"
          "      questionnaire is saved into a session dated after the day it is saved\n"
          "      (run and import refuse it, a web link's save waits for that day), so a\n"
          "      session added ahead is answered once its day has come.\n",
          stdout);
    people_help("session");
}

void people_warn_session_order(store *s, const char *client, const session_info *si)
{
    for (int k = -1; k <= 1; k += 2) {
        session_info o = { 0 };
        at_err err;
        if (si->date && *si->date &&
            store_session_get(s, client, si->number + k, &o, &err) == AT_OK && o.date &&
            *o.date && (k < 0 ? strcmp(si->date, o.date) < 0 : strcmp(si->date, o.date) > 0))
            fprintf(stderr, "collect: warning: session %ld is dated %s, %s session %ld (%s): "
                    "the analyses take sessions in the order of their numbers; 'collect "
                    "session set --client %s --session N --date YYYY-MM-DD' corrects a date\n",
                    si->number, si->date, k < 0 ? "before" : "after", o.number, o.date, client);
        session_info_release(&o);
    }
}

int cmd_session(int argc, char **argv, const char *db)
{
    if (cli_wants_help(argc, argv)) {
        session_usage();
        return EXIT_OK;
    }
    int sub = subcommand("session", argc, argv);
    if (sub && people_complete("session", sub, argc, argv))
        return EXIT_OK;
    switch (sub) {
    case 'a': break;
    case 'l': return people_list("session", argc, argv, db);
    case 's': return session_set(argc, argv, db);
    default: return EXIT_USAGE;
    }
    people_args a = { 0 };
    if (people_parse("session", 'a', argc, argv, &a, NULL) != EXIT_OK)
        return EXIT_USAGE;
    const char *client = a.client, *therapist = a.therapist, *number = a.number,
               *date = a.date, *modality = a.modality;
    if (!client)
        return cli_usage("session", "'session add' needs --client");

    long n = 0;
    if (number && !cli_session_number("session", number, &n))
        return EXIT_USAGE;
    if (date && !people_date_ok(date))
        return EXIT_USAGE;
    if (modality && !people_modality_ok("session", modality))
        return EXIT_USAGE;

    store *s = cli_open(db, STORE_WRITE);
    if (!s)
        return EXIT_FAIL;
    int rc = EXIT_OK;
    at_err err;
    session_info si = { 0 };
    long used = 0;
    at_status found = store_client_find(s, client, NULL, &err);
    if (found == AT_ENOTFOUND) {
        rc = cli_no_client(client);
        goto out;
    }
    if (found != AT_OK) {
        rc = cli_fail("%s", err.msg);
        goto out;
    }
    at_status st = store_session_add(s, client, therapist, n, date, modality, &used, &err);
    if (st == AT_EEXIST) {
        rc = cli_fail("client '%s' session %ld: already exists", client, n);
        goto out;
    }
    if (st == AT_ENOTFOUND && therapist) {
        rc = cli_fail("therapist '%s': no such therapist; add it first with "
                      "'collect therapist add %s'", therapist, therapist);
        goto out;
    }
    if (st != AT_OK) {
        rc = n ? cli_fail("%s", err.msg) : cli_fail("client '%s': %s", client, err.msg);
        goto out;
    }
    if (store_session_get(s, client, used, &si, &err) != AT_OK) {
        rc = cli_fail("%s", err.msg);
        goto out;
    }
    printf("added session %ld for client %s (%s", si.number, client, si.date);
    if (si.therapist)
        printf(", therapist %s", si.therapist);
    if (si.modality)
        printf(", %s", si.modality);
    fputs(")\n", stdout);
    people_warn_session_order(s, client, &si);
out:
    session_info_release(&si);
    store_close(s);
    return rc;
}
