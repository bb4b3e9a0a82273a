/* import.h: what collect import's files share (cmd_import.c reads the file
 * and saves; import_check.c checks a row's leading cells, its session and its
 * administration against the store and the rows before it). */
#ifndef COLLECT_IMPORT_H
#define COLLECT_IMPORT_H

#include "cli.h"
#include "strmap.h"

enum { LEAD_CLIENT, LEAD_THERAPIST, LEAD_SESSION, LEAD_DATE, LEAD_MODALITY, LEAD_RATER,
       LEAD_RATER_CODE, NLEAD };

/* A session as the file and the store together say it is. */
typedef struct sess {
    char *therapist;   /* NULL: none */
    char *date;
    char *modality;    /* NULL: none recorded */
    long line;         /* first line naming it; 0 when it came from the store */
    int in_store;
} sess;

/* A client: whether the store has it, and its therapist (NULL: none). */
typedef struct client_ent {
    char *therapist;
    int in_store;
} client_ent;

/* One import: the file, the store, and what the rows so far have said. */
typedef struct importer {
    const char *path;
    store *s;
    const instrument *in;
    long instrument_id;
    long version;
    int dry_run, replace;

    size_t ncsv;          /* cells per row, from the header */
    long lead[NLEAD];     /* CSV index of each leading column */
    long *map;            /* CSV index -> instrument column, COL_LEAD or COL_SKIP */
    int header_bad;
    int branch_on_calc;   /* some branching logic reads a calc field */

    char **vals;          /* in->ncols answers of the current row */
    const char **names;   /* answer columns to save, parallel with values */
    const char **values;
    sbuf key, prefix;
    char today[11];

    strmap clients, sessions, admins, therapists;
    at_msgs problems;
    size_t admins_ok, replaced;
    const char *who;
} importer;

/* The leading cells of a row, NULL for blank (rater: "client" when blank). */
typedef struct lead_vals {
    const char *client, *therapist, *date, *modality, *rater, *rater_code;
    long session;
} lead_vals;

/* Cuts the spaces and tabs around s, in place; returns its new start. */
char *import_trim(char *s);

/* Whether every cell of a row is blank (a spreadsheet's empty row). */
int import_blank_row(const csvrow *row);

/* "'FILE' line N: ", the start of every message about a row; valid until
 * the next call. */
const char *import_prefix(importer *im, long line);

/* Adds "'FILE' line N: 'COLUMN': reason" to the problems. */
void import_problem(importer *im, long line, const char *col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Checks the leading cells into *lv; returns the number of problems found. */
size_t import_check_lead(importer *im, const csvrow *row, lead_vals *lv);

/* Finds or makes the session a row names (as the store has it or will make
 * it) and reports where the row disagrees with it. */
sess *import_check_session(importer *im, const lead_vals *lv, long line);

/* Reports an administration given twice in the file, or already in the
 * store without --replace; sets *replaces when it replaces one. */
void import_check_admin(importer *im, const lead_vals *lv, const sess *x, long line,
                        int *replaces);

/* Frees the maps' values and the maps. */
void import_release_maps(importer *im);

#endif
