/* collect: post-session questionnaires into a study store.
 *
 * Adding a command: write collect/cmd_NAME.c with int cmd_NAME(int, char **,
 * const char *), declare it in commands.h, add a row to the table below, a
 * test in tests/cli/, and a paragraph in README.md. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "opt.h"
#include "stop.h"

static const struct command {
    const char *name;
    cmd_fn fn;
    const char *summary;
} commands[] = {
    { "init", cmd_init, "create a new study file" },
    { "instrument", cmd_instrument, "add, list, show or export instruments (REDCap data dictionaries)" },
    { "therapist", cmd_therapist, "add, list or change therapists (codes and cohorts)" },
    { "client", cmd_client, "add, list or move clients (codes and their therapist)" },
    { "session", cmd_session, "add, list or correct a client's sessions" },
    { "run", cmd_run, "give a questionnaire in the terminal and save the answers" },
    { "import", cmd_import, "import answers from a wide CSV file or a REDCap export" },
    { "export", cmd_export, "export answers as wide, long or REDCap CSV" },
    { "amend", cmd_amend, "change saved answers, with a reason kept in the audit trail" },
    { "log", cmd_log, "print the audit trail as CSV" },
    { "invite", cmd_invite, "make a private web link for a questionnaire; list or revoke links" },
    { "serve", cmd_serve, "serve the questionnaires of the web links to browsers" },
};

static void usage(FILE *fp, const opt_spec *opts)
{
    fputs("usage: collect [--db STUDY] [--who NAME] COMMAND [ARGS] | --version | --help\n"
          "\n"
          "Gives post-session rupture-and-repair questionnaires and keeps every answer\n"
          "in a study (an SQLite file, default ./attune.db or $ATTUNE_DB, or a schema on a\n"
          "PostgreSQL server given as a postgresql:// URL), with an audit trail.\n"
          "The audit trail names the operating-system account that made each change;\n"
          "--who NAME records a name beside it (for a shared account), never instead.\n"
          "\n"
          "The study file is SQLite, schema 3: tables therapists, clients, sessions,\n"
          "instruments, instrument_columns (each version's answer columns in order),\n"
          "administrations (each with its answers as one JSON array in that order),\n"
          "invitations (web links: only hashes of their tokens and codes) and audit, and\n"
          "the view responses (administration_id, field, value) giving one row per\n"
          "answer.  A study of an earlier attune (schema 1 or 2) is brought up to schema 3,\n"
          "keeping everything, by 'collect init' or the first command that writes.\n"
          "On PostgreSQL the same tables and view live in the schema 'attune', with the\n"
          "version in the table schema_version; passwords come from ~/.pgpass, a service\n"
          "file or PGPASSWORD, never from the URL.\n"
          "\n"
          "commands:\n", fp);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(fp, "  %-11s %s\n", commands[i].name, commands[i].summary);
    fputs("\noptions:\n", fp);
    opt_help(fp, opts);
    fputs("\n'collect COMMAND --help' tells more about a command.\n", fp);
}

int main(int argc, char **argv)
{
    const char *db = NULL, *who = NULL;
    int help = 0, version = 0;
    const opt_spec opts[] = {
        { "--db", "STUDY", "the study: an SQLite file or a postgresql:// URL (default "
          "$ATTUNE_DB, else ./attune.db)", &db, NULL },
        { "--who", "NAME", "a name recorded beside the account in the audit trail", &who,
          NULL },
        { "--help", NULL, "this help", NULL, &help },
        { "-h", NULL, NULL, NULL, &help },
        { "--version", NULL, "the version, and the checkout it was built from", NULL,
          &version },
        { NULL, NULL, NULL, NULL, NULL } };
    say_tool("collect");
    stop_discard_outputs();
    if (opt_complete(argc, argv, 1, opts))
        return EXIT_OK;
    opt_args command = { .stop = 1 };
    if (opt_parse(NULL, argc, argv, 1, opts, &command) != EXIT_OK)
        return EXIT_USAGE;
    if (help) {
        usage(stdout, opts);
        return EXIT_OK;
    }
    if (version) {
        printf("collect %s\n", version_text());
        return EXIT_OK;
    }
    if (who && !*who)
        return cli_usage(NULL, "'--who' needs a name");
    if (who)
        cli_set_who(who);
    if (!command.n)
        return cli_usage(NULL, "no command given");
    int i = command.next;
    for (size_t c = 0; c < sizeof commands / sizeof commands[0]; c++)
        if (strcmp(argv[i], commands[c].name) == 0)
            return commands[c].fn(argc - i, argv + i, db);
    return cli_usage(NULL, "'%s' is not a command", argv[i]);
}
