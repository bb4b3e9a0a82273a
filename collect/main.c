/* collect: post-session questionnaires into a study store.
 *
 * Adding a command: write collect/cmd_NAME.c with int cmd_NAME(int, char **,
 * const char *), declare it in commands.h, add a row to the table below, a
 * test in tests/cli/, and a paragraph in README.md. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

static const struct command {
    const char *name;
    cmd_fn fn;
    const char *summary;
} commands[] = {
    { "init", cmd_init, "create a new study file" },
    { "instrument", cmd_instrument, "add, list or show instruments (REDCap data dictionaries)" },
    { "therapist", cmd_therapist, "add, list or change therapists (codes and cohorts)" },
    { "client", cmd_client, "add, list or move clients (codes and their therapist)" },
    { "session", cmd_session, "add, list or correct a client's sessions" },
    { "run", cmd_run, "give a questionnaire in the terminal and save the answers" },
    { "import", cmd_import, "import answers from a wide CSV file" },
    { "export", cmd_export, "export answers as wide, long or REDCap CSV" },
    { "amend", cmd_amend, "change saved answers, with a reason kept in the audit trail" },
    { "log", cmd_log, "print the audit trail as CSV" },
};

static void usage(FILE *fp)
{
    fputs("usage: collect [--db FILE] [--who NAME] COMMAND [ARGS] | --version | --help\n"
          "\n"
          "Gives post-session rupture-and-repair questionnaires and keeps every answer\n"
          "in a study file (SQLite; default ./attune.db or $ATTUNE_DB), with an audit trail.\n"
          "The audit trail names the operating-system account that made each change;\n"
          "--who NAME records a name beside it (for a shared account), never instead.\n"
          "\n"
          "The study file is SQLite, schema 2: tables therapists, clients, sessions,\n"
          "instruments, instrument_columns (each version's answer columns in order),\n"
          "administrations (each with its answers as one JSON array in that order) and\n"
          "audit, and the view responses (administration_id, field, value) giving one\n"
          "row per answer.  A study of attune 0.1.0 (schema 1) is brought up to schema 2,\n"
          "keeping everything, by 'collect init' or the first command that writes.\n"
          "\n"
          "commands:\n", fp);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(fp, "  %-11s %s\n", commands[i].name, commands[i].summary);
    fputs("\n'collect COMMAND --help' tells more about a command.\n", fp);
}

int main(int argc, char **argv)
{
    const char *db = NULL;
    int i = 1;
    say_tool("collect");
    while (i < argc && argv[i][0] == '-') {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return EXIT_OK;
        }
        if (strcmp(argv[i], "--version") == 0) {
            printf("collect %s\n", version_text());
            return EXIT_OK;
        }
        const char *who = NULL;
        int r = opt_value(argc, argv, &i, "--db", &db);
        if (r < 0)
            return cli_usage(NULL, "'--db' needs a file name");
        if (r == 0) {
            r = opt_value(argc, argv, &i, "--who", &who);
            if (r < 0 || (r > 0 && !*who))
                return cli_usage(NULL, "'--who' needs a name");
            if (r > 0)
                cli_set_who(who);
        }
        if (r == 0)
            return cli_usage(NULL, "unknown option '%s'", argv[i]);
    }
    if (i >= argc)
        return cli_usage(NULL, "no command given");
    for (size_t c = 0; c < sizeof commands / sizeof commands[0]; c++)
        if (strcmp(argv[i], commands[c].name) == 0)
            return commands[c].fn(argc - i, argv + i, db);
    return cli_usage(NULL, "'%s' is not a command", argv[i]);
}
