/* collect therapist, client and session: the people and sessions of a
 * study, by pseudonymous code.  add is here; list and set are in
 * people_list.c and people_set.c. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "people.h"

int people_code_ok(const char *cmd, const char *what, const char *code)
{
    size_t n = strlen(code);
    if (n == 0)
        return cli_usage(cmd, "%s is empty", what), 0;
    if (n > 64)
        return cli_usage(cmd, "%s '%.20s...': longer than 64 characters", what, code), 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)code[i];
        if (!isalnum(c) && c != '-' && c != '_' && c != '.')
            return cli_usage(cmd, "%s '%s': use only letters, digits, '-', '_' and '.'", what,
                             code),
                   0;
    }
    return 1;
}

int people_date_ok(const char *date)
{
    int shape = strlen(date) == 10 && date[4] == '-' && date[7] == '-';
    for (size_t i = 0; shape && i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)date[i]))
            shape = 0;
    if (!shape)
        return cli_usage("session", "date '%s': write dates as YYYY-MM-DD", date), 0;
    if (!valid_iso_date(date))
        return cli_usage("session", "date '%s': there is no such day", date), 0;
    return 1;
}

int people_modality_ok(const char *cmd, const char *modality)
{
    if (strcmp(modality, "in-person") == 0 || strcmp(modality, "telehealth") == 0)
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

/* ---- therapist add, client add ----------------------------------------- */

static void therapist_usage(void)
{
    fputs("usage: collect therapist add CODE [--cohort NAME]\n"
          "       collect therapist list [--csv|--text]\n"
          "       collect therapist set CODE --cohort NAME [--reason TEXT]\n"
          "\n"
          "add   adds a therapist (or trainee) by code; no names are kept.  --cohort\n"
          "      groups trainees of a training program (e.g. 2026a) for 'analyze trends\n"
          "      --by cohort'.\n"
          "list  therapist,cohort,clients,sessions: each therapist, the clients whose\n"
          "      therapist they are and the sessions they held.  Aligned text when\n"
          "      standard output is a terminal, CSV when it is not; --csv and --text\n"
          "      choose.\n"
          "set   gives the therapist another cohort (--cohort \"\" removes it); the old\n"
          "      and new cohort, who and the reason go into the audit trail.\n",
          stdout);
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
          "      client go to that therapist unless said otherwise.\n"
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
}

/* What differs between adding a therapist and adding a client. */
typedef struct person_kind {
    const char *name;          /* "therapist": the command and the messages */
    const char *opt;           /* its option, "--cohort" */
    const char *opt_noun;      /* the option's value in messages, "cohort" */
    const char *opt_code;      /* the value is checked as a code with this name, or NULL */
    void (*usage)(void);
    at_status (*add)(store *s, const char *code, const char *opt, at_err *err);
} person_kind;

static const person_kind therapist_kind = { "therapist", "--cohort", "cohort", "cohort name",
                                            therapist_usage, store_therapist_add };
static const person_kind client_kind = { "client", "--therapist", "therapist", NULL,
                                         client_usage, store_client_add };

/* therapist add CODE [--cohort NAME], client add CODE [--therapist CODE] */
static int add_person(const person_kind *k, int argc, char **argv, const char *db)
{
    const char *code = NULL, *opt = NULL;
    char what[32];
    int rc;
    if ((rc = cli_one_arg(argc, argv, k->opt, &opt, "code", "a CODE", &code)) != EXIT_OK)
        return rc;
    snprintf(what, sizeof what, "%s code", k->name);
    if (!people_code_ok(k->name, what, code) ||
        (opt && k->opt_code && !people_code_ok(k->name, k->opt_code, opt)))
        return EXIT_USAGE;

    store *s = cli_open(db, STORE_WRITE);
    if (!s)
        return EXIT_FAIL;
    at_err err;
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
    store_close(s);
    return rc;
}

int cmd_therapist(int argc, char **argv, const char *db)
{
    if (cli_wants_help(argc, argv)) {
        therapist_usage();
        return EXIT_OK;
    }
    switch (subcommand("therapist", argc, argv)) {
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
    switch (subcommand("client", argc, argv)) {
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
          "      after the day its first questionnaire was saved is refused.\n",
          stdout);
}

int cmd_session(int argc, char **argv, const char *db)
{
    if (cli_wants_help(argc, argv)) {
        session_usage();
        return EXIT_OK;
    }
    switch (subcommand("session", argc, argv)) {
    case 'a': break;
    case 'l': return people_list("session", argc, argv, db);
    case 's': return session_set(argc, argv, db);
    default: return EXIT_USAGE;
    }
    int i = 2;
    const char *client = NULL, *therapist = NULL, *number = NULL, *date = NULL,
               *modality = NULL;
    while (i < argc) {
        const cli_optval opts[] = { { "--client", &client }, { "--therapist", &therapist },
                                    { "--number", &number }, { "--date", &date },
                                    { "--modality", &modality }, { NULL, NULL } };
        int r = cli_opts("session", argc, argv, &i, opts);
        if (r < 0)
            return EXIT_USAGE;
        if (r > 0)
            continue;
        if (argv[i][0] == '-')
            return cli_usage("session", "unknown option '%s'", argv[i]);
        return cli_usage("session", "unexpected argument '%s'", argv[i]);
    }
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
        rc = cli_fail("%s", err.msg);
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
out:
    session_info_release(&si);
    store_close(s);
    return rc;
}
