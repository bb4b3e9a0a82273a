/* cli.h: what collect's commands share: the command signature, messages,
 * opening the store, loading instruments, the wide CSV's columns. */
#ifndef COLLECT_CLI_H
#define COLLECT_CLI_H

#include <stdio.h>
#include "csvio.h"
#include "dict.h"
#include "record.h"
#include "store.h"

#include "say.h"   /* exit codes and the messages both tools share */
#include "opt.h"

/* A command gets its own arguments (argv[0] is the command name) and the
 * store path given with --db (NULL: the default). */
typedef int (*cmd_fn)(int argc, char **argv, const char *db);

/* say_fail and say_usage, as collect's commands call them: prints
 * "collect: <message>" on stderr; returns EXIT_FAIL. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "collect: <message>" and "try 'collect CMD --help'"; returns EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "collect: KIND: MSG" (KIND NULL: none) on stderr, control bytes shown as \xNN */
void cli_print_msg(const char *kind, const char *msg);
/* Prints every message of a list (the first max, then a count) on stderr. */
void cli_print_msgs(const at_msgs *m, size_t max);

/* True when argv has -h or --help before any "--". */
int cli_wants_help(int argc, char **argv);

/* Opens the store; prints the error and returns NULL on failure. */
store *cli_open(const char *db, store_mode mode);

/* Opens -o FILE (NULL or "-": standard output) as an outfile, refusing a
 * path that is the study of s or its -wal/-shm; prints the error and
 * returns -1 on failure. */
int cli_open_out(outfile *o, const char *path, const store *s);

/* Why an answer typed at the terminal or given on the command line is
 * refused when its bytes are not UTF-8 (the terminal sends another
 * encoding); NULL when they are. */
const char *cli_not_utf8(const char *answer);

/* How long a collect command waits for a study another program is writing
 * to before it gives up (a finished questionnaire is then kept in a file). */
#define CLI_BUSY_WAIT_MS (5L * 60 * 1000)

/* That wait in milliseconds: $ATTUNE_WAIT seconds when set (0 to a day),
 * else default_ms. */
long cli_wait_ms(long default_ms);

/* Ctrl-C (SIGINT), SIGTERM and SIGHUP (the terminal closed) set a flag
 * instead of ending the program, so a command can stop cleanly and keep or
 * undo what it was doing; a read in progress returns (no SA_RESTART) and a
 * wait for a busy study ends (store_wait_stop).  A signal ignored when the
 * program started (nohup, a background job) stays ignored.  cli_stop_signal() is the
 * signal received, 0 before any. */
void cli_catch_stop(void);
int cli_stop_signal(void);
/* What stopped a command, in the person's words ("interrupted", "the
 * terminal was closed", ...). */
const char *cli_stop_words(int sig);

/* The name given with --who (NULL: none), recorded in the audit trail
 * beside the operating-system account the store takes itself. */
const char *cli_who(void);
void cli_set_who(const char *name);

/* A command's --complete-options or --help, answered from its option table
 * (the help: usage(), a blank line, then the table's lines); 1 when one
 * of them was asked for and answered, so the command returns EXIT_OK. */
int cli_help_or_complete(int argc, char **argv, const opt_spec *opts, void (*usage)(void));

/* What an export includes beyond the default: fields marked Identifier
 * (and everything else), or free-form text. */
enum { CLI_EXPORT_IDENTIFIERS = 1, CLI_EXPORT_FREE_TEXT = 2 };

/* Whether f holds free-form text: notes, or text without a validation. */
int cli_free_text(const dict_field *f);

/* Whether wide column c of in is exported: free-form text only with
 * CLI_EXPORT_FREE_TEXT or CLI_EXPORT_IDENTIFIERS in include, fields marked
 * Identifier only with CLI_EXPORT_IDENTIFIERS. */
int cli_col_exported(const dict_instrument *in, size_t c, unsigned include);

/* The first scale (a field scored from items) of in at or after field *i,
 * with *i moved past it; NULL when there is none. */
const dict_field *cli_next_scale(const dict_instrument *in, size_t *i);

/* The seven leading columns of the wide CSV: attune.client ... attune.rater_code,
 * names no field can have (a REDCap variable name has no '.'); and the names
 * files written before had (client ... rater_code), still read. */
extern const char *const cli_wide_lead[7];
extern const char *const cli_wide_lead_old[7];
/* Columns the wide layout may add after them (import reads them; export
 * writes them when some administration needs them, and the file collect run
 * keeps when stopped has the status): the instrument version an
 * administration was given with, and its status, partial letting required
 * answers be blank. */
#define CLI_WIDE_VERSION "attune.version"
#define CLI_WIDE_STATUS "attune.status"

/* The columns that carry the session date and the therapist in REDCap's
 * layout (export --format redcap writes them, import --format redcap reads
 * them when present), and the dictionary rows that define them. */
#define CLI_REDCAP_DATE "attune_date"
#define CLI_REDCAP_THERAPIST "attune_therapist"

/* Parses a session number given on the command line of cmd (a whole number
 * of 1 or more); prints the usage error and returns 0 when it is not one. */
int cli_session_number(const char *cmd, const char *text, long *out);

/* The rater code a therapist's questionnaire takes when none is given: the
 * therapist of the client's session number session (the client's
 * therapist when that session is not recorded yet), so that it is the
 * session therapist's own and a second one of the session is refused.
 * Returns a code to free, or NULL when the rater is not a therapist, a code
 * was given, or no therapist is recorded. */
char *cli_therapist_code(store *s, const char *rater, const char *rater_code,
                         const char *client, long session);

/* Whether the client may answer instrument when the command was not told
 * who answers (rater client by default): not when the study holds its
 * administrations by therapists or observers only (a therapist's form
 * given without --rater would be stored as the client's rating, and the
 * analyses would read it as such).  Prints why and returns 0 then. */
int cli_default_rater_ok(store *s, const char *cmd, const char *instrument);

/* Prints that there is no client with this code, and how to add one;
 * returns EXIT_FAIL. */
int cli_no_client(const char *code);

/* Prints that the study has no instrument of this name, and how to add one;
 * returns EXIT_FAIL. */
int cli_no_instrument(const char *name);

/* The latest version of instrument name (its id into *iid when iid is not
 * NULL), or NULL after saying why: no such instrument (cli_no_instrument),
 * or the store's error. */
const dict_instrument *cli_instrument_latest(record_catalog *cat, const char *name, long *iid);

/* Prints that the client has no session of this number, and where the
 * client's sessions are listed; returns EXIT_FAIL. */
int cli_no_session(const char *client, long number);

/* Checks a rater given on the command line of cmd ("client", "therapist"
 * or "observer"); prints the usage error and returns 0 when it is not one. */
int cli_rater_ok(const char *cmd, const char *rater);

#endif
