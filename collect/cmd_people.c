/* collect therapist add, client add, session add: the people and sessions
 * of a study, by pseudonymous code. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

/* Codes are pseudonyms typed on command lines and kept in CSV files:
 * letters, digits, '-', '_' and '.', at most 64 characters. */
static int code_ok(const char *what, const char *code)
{
    size_t n = strlen(code);
    if (n == 0)
        return cli_fail("%s is empty", what), 0;
    if (n > 64)
        return cli_fail("%s '%.20s...': longer than 64 characters", what, code), 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)code[i];
        if (!isalnum(c) && c != '-' && c != '_' && c != '.')
            return cli_fail("%s '%s': use only letters, digits, '-', '_' and '.'", what, code),
                   0;
    }
    return 1;
}

/* A session date: YYYY-MM-DD, and a day that exists. */
static int date_ok(const char *date)
{
    int shape = strlen(date) == 10 && date[4] == '-' && date[7] == '-';
    for (size_t i = 0; shape && i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)date[i]))
            shape = 0;
    if (!shape)
        return cli_fail("date '%s': write dates as YYYY-MM-DD", date), 0;
    if (!valid_iso_date(date))
        return cli_fail("date '%s': there is no such day", date), 0;
    return 1;
}

/* Checks that argv[1] is "add" and returns the index of the first argument
 * after it, or -1 after printing the usage error. */
static int want_add(const char *cmd, int argc, char **argv)
{
    if (argc < 2)
        return cli_usage(cmd, "'%s' needs a subcommand: add", cmd), -1;
    if (strcmp(argv[1], "add") != 0)
        return cli_usage(cmd, "'%s %s' is not a command", cmd, argv[1]), -1;
    return 2;
}

/* ---- therapist add, client add ----------------------------------------- */

static void therapist_usage(void)
{
    fputs("usage: collect therapist add CODE [--cohort NAME]\n"
          "\n"
          "Adds a therapist (or trainee) by code; no names are kept.  --cohort groups\n"
          "trainees of a training program (e.g. 2026a) for 'analyze trends --by cohort'.\n",
          stdout);
}

static void client_usage(void)
{
    fputs("usage: collect client add CODE [--therapist CODE]\n"
          "\n"
          "Adds a client by code (a pseudonym; no names are kept), seen by the given\n"
          "therapist, who must have been added first.  New sessions of the client go\n"
          "to that therapist unless said otherwise.\n", stdout);
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
    if (cli_wants_help(argc, argv)) {
        k->usage();
        return EXIT_OK;
    }
    const char *code = NULL, *opt = NULL;
    char what[32];
    int rc;
    if (want_add(k->name, argc, argv) < 0)
        return EXIT_USAGE;
    if ((rc = cli_one_arg(argc, argv, k->opt, &opt, "code", "a CODE", &code)) != EXIT_OK)
        return rc;
    snprintf(what, sizeof what, "%s code", k->name);
    if (!code_ok(what, code) || (opt && k->opt_code && !code_ok(k->opt_code, opt)))
        return EXIT_FAIL;

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
    return add_person(&therapist_kind, argc, argv, db);
}

int cmd_client(int argc, char **argv, const char *db)
{
    return add_person(&client_kind, argc, argv, db);
}

/* ---- session add ------------------------------------------------------- */

static void session_usage(void)
{
    fputs("usage: collect session add --client C [--therapist T] [--number N]\n"
          "                           [--date YYYY-MM-DD] [--modality in-person|telehealth]\n"
          "\n"
          "Adds a session for a client.  Defaults: the client's next session number,\n"
          "today's date, the client's therapist, no modality recorded.  'collect run'\n"
          "and 'collect import' also create sessions as they need them.\n", stdout);
}

int cmd_session(int argc, char **argv, const char *db)
{
    if (cli_wants_help(argc, argv)) {
        session_usage();
        return EXIT_OK;
    }
    int i = want_add("session", argc, argv);
    if (i < 0)
        return EXIT_USAGE;
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
    if (number && !cli_session_number(number, &n))
        return EXIT_FAIL;
    if (date && !date_ok(date))
        return EXIT_FAIL;
    if (modality && strcmp(modality, "in-person") != 0 && strcmp(modality, "telehealth") != 0)
        return cli_fail("modality '%s': use in-person or telehealth", modality);

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
