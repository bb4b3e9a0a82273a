/* import.h: what collect import's files share (cmd_import.c reads the file
 * and saves; import_check.c checks a row's leading cells, its session and its
 * administration against the store and the rows before it). */
#ifndef COLLECT_IMPORT_H
#define COLLECT_IMPORT_H

#include "cli.h"
#include "strmap.h"
#include <stdint.h>

/* What a column of the file is (im->map): a leading column, a column to
 * skip (another form's, REDCap's own, or one already reported as a
 * problem), a column of another version of the instrument than the row's
 * (blank in the row's), or else the instrument's answer or calc column of
 * that index. */
enum { COL_OTHER = -3, COL_LEAD = -2, COL_SKIP = -1 };

enum { LEAD_CLIENT, LEAD_THERAPIST, LEAD_SESSION, LEAD_DATE, LEAD_MODALITY, LEAD_RATER,
       LEAD_RATER_CODE, NLEAD };

/* Lines of the file, indexed by the place of a row among those saved, kept
 * as runs of rows the same number of lines apart: the rows of a plain file
 * are one run, so what an import keeps does not grow with the file (a file
 * whose rows are spaced unevenly takes at most 6 bytes a row). */
typedef struct line_run {
    uint32_t seq;         /* the run's first row (1 for the first saved) */
    uint32_t line;        /* its line */
    uint32_t step;        /* lines from one row of the run to the next */
} line_run;

typedef struct line_list {
    line_run *run;
    size_t nrun, cap;
    size_t n;             /* rows in all */
    uint32_t last;        /* the line of the last row */
} line_list;

/* Where one side of an import puts its messages: the reading side (header,
 * leading cells, answers) works on a thread of its own, and the saving side
 * (the store) on the main one. */
typedef struct import_side {
    at_msgs *msgs;
    sbuf prefix;
} import_side;

/* A version of the instrument the rows may be given with: the latest
 * (vers[0]) and, in a wide file with an attune.version column, each
 * earlier one.  Set before the reading starts, and then only read, except
 * for the saving side's own (absent, admins). */
typedef struct import_version {
    const dict_instrument *in;
    long instrument_id;
    long version;
    long *map;            /* CSV index -> this version's column, as im->map */
    long *absent;         /* the answer columns the file has none of (made at the
                             first row of this version that replaces: --replace keeps
                             no answer of them), nabsent of them */
    size_t nabsent;
    int absent_made;
    size_t admins;        /* administrations saved with it */
} import_version;

/* One import: the file, the store, and what the rows so far have said.
 * The rows are saved as they come, inside one transaction, so the store
 * itself answers what earlier rows said (their sessions and
 * administrations); the importer keeps only the line each saved
 * administration and each session it made came from, for messages. */
typedef struct importer {
    const char *path;     /* the file as messages name it */
    const char *path_arg; /* as given ("-": standard input) */
    store *s;
    /* the reading side's version: that of the row being read (the latest,
     * but for a row whose attune.version names another); the saving side
     * reads vers[] by the row's index instead */
    const dict_instrument *in;
    long instrument_id;
    long *map;            /* CSV index -> instrument column, COL_LEAD or COL_SKIP */
    size_t row_ver;       /* the row's index in vers */
    int row_version_bad;  /* the row's attune.version names no version */
    import_version *vers; /* every version of the instrument, the latest first */
    size_t nvers;
    size_t maxcols;       /* the most columns of any of them */
    long version_col;     /* the wide file's attune.version column, -1 when it has none */
    char **other_names;   /* ncsv names, NULL but for a column some version has not */
    int dry_run, replace;

    /* --format redcap and its options (see import_redcap.c) */
    int redcap;
    const char *opt_record_id, *opt_events, *opt_therapist, *opt_date;
    const char *opt_rater, *opt_rater_code;  /* every row's, NULL: client, blank */
    long opt_session;     /* 0: session 1 */
    struct redcap_map *rc;

    size_t ncsv;          /* cells per row, from the header (a REDCap file's rows are
                             turned into NLEAD leading cells and then the file's own) */
    const char *lead_name[NLEAD]; /* each leading cell's column, for messages */
    long lead[NLEAD];     /* CSV index of each leading column */
    int header_bad;
    int branch_on_calc;   /* some branching logic reads a calc field */

    int has_calc_cols;    /* the file has calc columns: compared with attune's values */
    const char **calc_in; /* in->ncols: the file's calc values in the row being read */
    at_msgs warnings;     /* calc values that differ (reading side; shown at the end) */
    at_msgs save_warnings; /* what a replacement drops (saving side; shown at the end) */
    at_msgs notes;        /* what the reading side has to say (shown at the end) */
    int row_partial;      /* the row being read is a partial administration */
    long status_col;      /* the wide file's attune.status column, -1 when it has none */
    int blank_date_unknown; /* a blank date leaves a new session undated (REDCap files and
                               the attune.* layout); files of the layout before make it
                               today's, as they always did */

    char **vals;          /* in->ncols answers of the row being read (room for maxcols) */
    unsigned char *borrowed; /* vals that are the dictionary's text, not owned */
    unsigned char *valid; /* the cells field_normalize took (not checked again) */
    at_msgs row_msgs;     /* the problems of the row being read */
    import_side reading, saving;
    int threads;
    int semicolons;       /* the file is separated by semicolons (set by the reading side) */

    const char **pack_vals; /* the reading side's: the answers of the row it packs */

    line_list admin_lines, session_lines;
    at_msgs problems;
    size_t admins_ok, replaced;
    int db_failed;        /* the store failed: nothing more can be checked */
    const char *who;
} importer;

/* The leading cells of a row, NULL for blank (rater: "client" when blank). */
typedef struct lead_vals {
    const char *client, *therapist, *date, *modality, *rater, *rater_code;
    long session;
    int partial;          /* status partial (REDCap's incomplete and unverified) */
    int version_bad;      /* attune.version names no version (a problem already) */
} lead_vals;

/* Whether a header's column name was seen before in seen (names are
 * matched to fields without regard to case, so "bond_1" and "BOND_1" are
 * one column); reports it as a problem of the header row when it was. */
int import_column_again(importer *im, strmap *seen, long line, const char *name);

/* A wide row's attune.status cell: "partial" makes im->row_partial; blank
 * and "complete" leave it; anything else is a problem of the row. */
void import_read_status(importer *im, const csvrow *row);

/* A wide row's attune.version cell: sets the reading side's version (im->in,
 * im->map, im->instrument_id, im->row_ver) to the one it names, the latest
 * when blank or when the file has no such column; another value is a
 * problem of the row. */
void import_read_version(importer *im, const csvrow *row);

/* Whether every cell of a row is blank (a spreadsheet's empty row). */
int import_blank_row(const csvrow *row);

/* "'FILE' line N: ", the start of every message about a row; valid until
 * the next call on that side. */
const char *import_prefix(importer *im, import_side *sd, long line);

/* Adds "'FILE' line N: 'COLUMN': reason" to the side's messages. */
void import_problem(importer *im, import_side *sd, long line, const char *col,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Checks the leading cells into *lv (reading side); returns the number of
 * problems found. */
size_t import_check_lead(importer *im, const csvrow *row, lead_vals *lv);

/* Checks the row's session and administration against the store (which
 * holds every row saved before it); returns the number of problems found.
 * *exists says whether the session exists yet; *replaces whether the row
 * replaces an administration of the study. */
size_t import_check_store(importer *im, import_version *v, const lead_vals *lv, long line,
                          int *exists, int *replaces);

/* Records that the row on line saved an administration (and made its
 * session when made_session). */
void import_saved(importer *im, long line, int made_session);

void import_release_lines(importer *im);

/* ---- the header and the answers (import_row.c) ---- */

/* Notes whether a branching logic reads a calc field (the rows then need
 * their calc values computed before they are checked). */
void import_find_branch_on_calc(importer *im);

/* Reads a wide file's header (attune.client ... or the names before):
 * sets im->map, im->lead, im->lead_name and im->ncsv (and each version's
 * map when the file has an attune.version column), and reports what is
 * wrong with it. */
void import_read_header(importer *im, const csvrow *row);

/* Empties im->vals, freeing the strings it owns. */
void import_clear_vals(importer *im);

/* Normalises the row's answers into im->vals and checks them as a whole;
 * calc values in the file that differ from attune's go to im->warnings. */
void import_check_answers(importer *im, const csvrow *row);

/* ---- --format redcap (import_redcap.c) ---- */

/* Reads a REDCap export's header: sets im->map (for the NLEAD leading cells
 * and then the file's columns), im->lead, im->lead_name and im->ncsv, and
 * reports what is wrong with it. */
void redcap_header(importer *im, const csvrow *row);

/* Turns a row of a REDCap export into the leading cells and the file's
 * cells in out (whose fields array has room for im->ncsv cells and whose
 * buffers the importer owns).  Returns 0 when the row holds nothing of the
 * instrument (another form's row, or one without answers; a problem of the
 * file found on it, in im->reading, is reported all the same), 1 when out is
 * the row to check, -1 when it is one with problems already reported (its
 * answers are checked all the same; it is not saved). */
int redcap_row(importer *im, const csvrow *row, csvrow *out);

/* What the REDCap reading leaves to say at the end (the event order it
 * chose, columns of other forms), added to im->notes; and frees its state. */
void redcap_finish(importer *im);
void redcap_release(importer *im);

#endif
