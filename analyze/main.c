/* analyze: scores, reliability, rupture-repair episodes, repair trends,
 * client-therapist agreement and the clinician's report, from a study store.
 *
 * Adding an analysis: write analyze/NAME.c defining an an_analysis (see
 * analyze.h), add a row to the table below (and to all.c), a test in
 * tests/cli/, and a paragraph in the README. */
#include <stdio.h>
#include <string.h>

#include "analyze.h"
#include "canvas.h"
#include "opt.h"
#include "stop.h"

static const an_analysis *const analyses[] = {
    &an_scores, &an_reliability, &an_trajectories, &an_growth, &an_episodes,
    &an_ruptures, &an_trends, &an_agreement, &an_report, &an_chart,
};
enum { NANALYSES = sizeof analyses / sizeof analyses[0] };

static void usage(FILE *fp, const opt_spec *opts)
{
    fputs("usage: analyze [--db STUDY] COMMAND [OPTIONS] | --version | --help\n"
          "\n"
          "Scores and analyses the answers of a study (read-only; an SQLite file or a\n"
          "postgresql:// URL, default $ATTUNE_DB, else ./attune.db) and writes CSV to\n"
          "standard output or -o FILE.  It reads one consistent snapshot, also while\n"
          "collection goes on.\n"
          "\n"
          "commands:\n", fp);
    for (size_t i = 0; i < NANALYSES; i++)
        fprintf(fp, "  %-13s %s\n", analyses[i]->name, analyses[i]->summary);
    fprintf(fp, "  %-13s %s\n", "all", "every table into a folder (--out-dir DIR), with a README");
    fputs("\noptions:\n", fp);
    opt_help(fp, opts);
    fputs("\n'analyze COMMAND --help' tells more about a command and its options.\n", fp);
}

int main(int argc, char **argv)
{
    const char *db = NULL;
    int help = 0, version = 0;
    const opt_spec opts[] = {
        { "--db", "STUDY", "the study: an SQLite file or a postgresql:// URL (default "
          "$ATTUNE_DB, else ./attune.db)", &db, NULL },
        { "--help", NULL, "this help", NULL, &help },
        { "-h", NULL, NULL, NULL, &help },
        { "--version", NULL, "the version, and the checkout it was built from", NULL,
          &version },
        { NULL, NULL, NULL, NULL, NULL } };
    say_tool("analyze");
    stop_discard_outputs();
    stats_init();
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
        printf("analyze %s\n", version_text());
        return EXIT_OK;
    }
    if (!command.n)
        return an_usage(NULL, "no command given");
    int i = command.next;
    if (strcmp(argv[i], "all") == 0)
        return an_run_all(argc - i, argv + i, db);
    for (size_t c = 0; c < NANALYSES; c++)
        if (strcmp(argv[i], analyses[c]->name) == 0) {
            int rc = an_run_single(analyses[c], argc - i, argv + i, db);
            canvas_cleanup();
            return rc;
        }
    return an_usage(NULL, "'%s' is not a command", argv[i]);
}
