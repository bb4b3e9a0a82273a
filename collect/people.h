/* people.h: what the therapist, client and session commands share (add in
 * cmd_people.c, list in people_list.c, set in people_set.c). */
#ifndef COLLECT_PEOPLE_H
#define COLLECT_PEOPLE_H

/* Codes are pseudonyms typed on command lines and kept in CSV files:
 * letters, digits, '-', '_' and '.', at most 64 characters.  A code that is
 * not one is a usage error of cmd (printed; returns 0). */
int people_code_ok(const char *cmd, const char *what, const char *code);
/* A session date: YYYY-MM-DD, and a day that exists (else a usage error). */
int people_date_ok(const char *date);
/* in-person or telehealth (else a usage error of cmd). */
int people_modality_ok(const char *cmd, const char *modality);

#include "opt.h"
#include "store.h"
#include "strmap.h"

/* A warning on stderr when session si of client is dated before the
 * session numbered just before it, or after the one just after: the
 * analyses take sessions in the order of their numbers, so such a date is
 * most likely mistyped (session add, and the session run and invite
 * create). */
void people_warn_session_order(store *s, const char *client, const session_info *si);

/* Codes that differ only in case ("C01", "c01") are two people to the
 * analyses.  people_case_start notes the study's client and therapist codes;
 * people_case_report, after the command made its people (in its open
 * transaction, or after it), warns on stderr of each new code that differs
 * only in case from another, after cmd and ": " (the file an import read;
 * NULL: nothing). */
typedef struct case_watch {
    strmap before[2];        /* clients, therapists */
    int failed;              /* the codes could not be read: nothing is said */
} case_watch;
#define CASE_WATCH_INIT { { STRMAP_INIT, STRMAP_INIT }, 0 }
void people_case_start(store *s, case_watch *w);
void people_case_report(store *s, case_watch *w, const char *cmd);
void people_case_release(case_watch *w);

/* The option values of every therapist, client and session subcommand. */
typedef struct people_args {
    const char *therapist, *cohort, *client, *number, *session, *date, *modality, *from,
        *reason;
    int csv, text;
} people_args;

/* The options of "KIND SUB" (sub 'a' add, 'l' list, 's' set) into specs
 * (room for PEOPLE_MAXOPTS and the end), their values going into a: one
 * table (cmd_people.c) gives the parsing, the help and the completion. */
enum { PEOPLE_MAXOPTS = 8 };
void people_opts(const char *kind, int sub, people_args *a, opt_spec *specs);
/* Parses "KIND SUB ..." from argv[2] on; the arguments that are not
 * options into args.  EXIT_OK or EXIT_USAGE (printed). */
int people_parse(const char *kind, int sub, int argc, char **argv, people_args *a,
                 opt_args *args);

/* therapist list, client list, session list [--client C] */
int people_list(const char *kind, int argc, char **argv, const char *db);
/* therapist set, client set, session set */
int therapist_set(int argc, char **argv, const char *db);
int client_set(int argc, char **argv, const char *db);
int session_set(int argc, char **argv, const char *db);

#endif
