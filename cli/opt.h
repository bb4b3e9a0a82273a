/* opt.h: a command's options as one table, which parses its command line,
 * writes its help lines and lists its options for the bash completion.
 *
 *     const char *client = NULL;
 *     int csv = 0;
 *     const opt_spec opts[] = {
 *         { "--client", "C", "the client", &client, NULL },
 *         { "--csv", NULL, "CSV whatever standard output is", NULL, &csv },
 *         { NULL, NULL, NULL, NULL, NULL } };
 *
 * A value option is written NAME VALUE or NAME=VALUE; a flag takes no value.
 * "--" ends the options.  Messages are say_usage's, for the command cmd. */
#ifndef ATTUNE_CLI_OPT_H
#define ATTUNE_CLI_OPT_H

#include <stddef.h>
#include <stdio.h>

typedef struct opt_spec {
    const char *name;        /* "--client" or "-o"; NULL ends a table */
    const char *metavar;     /* "C": the option takes a value; NULL: a flag */
    const char *help;        /* its line in the help; NULL: not listed there (an
                                alias, or explained in the command's own text) */
    const char **value;      /* where a value goes */
    int *flag;               /* set to 1 when a flag is given */
} opt_spec;

/* The arguments that are not options, as opt_parse collects them. */
typedef struct opt_args {
    const char *noun;        /* what one is, for messages: "code"; with max 0,
                                the command that takes none: "client list" */
    int max;                 /* how many may be given (0: none) */
    const char **into;       /* room for max of them; NULL: v, for up to 8 */
    int stop;                /* 1: the first of them ends the options and the parsing
                                (a tool's command): it is v[0], at argv[next] */
    int next;
    int n;                   /* how many were given */
    const char *v[8];
} opt_args;

/* Parses argv[first..argc) against specs; arguments that are not options
 * go to args (NULL: none allowed; into, or v, then holds them, n of them).  Returns EXIT_OK, or EXIT_USAGE after
 * printing what is wrong: an unknown option, a missing value, a value given
 * to a flag, too many arguments. */
int opt_parse(const char *cmd, int argc, char **argv, int first, const opt_spec *specs,
              opt_args *args);

/* Writes one line per option: the name and metavar, then its help, the
 * helps lined up after the longest name. */
void opt_help(FILE *fp, const opt_spec *specs);
/* The same with the helps starting after a name column wide characters
 * wide (several lists lined up alike), and that width for a list. */
void opt_help_at(FILE *fp, const opt_spec *specs, size_t wide);
size_t opt_width(const opt_spec *specs);

/* When argv[at] is "--complete-options" (the bash completion asks so),
 * prints each option's name and metavar, one per line ("--client C"), and
 * returns 1; else 0. */
int opt_complete(int argc, char **argv, int at, const opt_spec *specs);

#endif
