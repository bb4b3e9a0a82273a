/* dict.h: instruments read from REDCap data dictionaries.
 *
 * A dictionary file may hold several forms; each Form Name is one
 * instrument.  Headers are mapped by name (18 columns, or 17 without Field
 * Annotation, with header variants such as "Choices OR Calculations").
 *
 * The answer model: an instrument has a flat list of *columns*, the cells of
 * the wide CSV after the seven leading columns (client, therapist, session,
 * date, modality, rater, rater_code): each non-descriptive field in
 * dictionary order, a checkbox as one column per option ("name___code", code
 * lower-cased), calc fields included, the record identifier left out.  An
 * answer set is an array `char *vals[ncols]`, NULL for blank.  Expressions
 * are bound to these column indexes.
 *
 * Ownership: dict_parse fills a dictionary the caller releases with
 * dict_release; everything inside belongs to it. */
#ifndef ATTUNE_DICT_H
#define ATTUNE_DICT_H

#include <stddef.h>
#include "expr.h"
#include "util.h"

typedef enum field_type {
    FT_TEXT, FT_NOTES, FT_RADIO, FT_DROPDOWN, FT_YESNO, FT_TRUEFALSE,
    FT_CHECKBOX, FT_SLIDER, FT_DESCRIPTIVE, FT_CALC
} field_type;

typedef enum field_valid {
    FV_NONE, FV_INTEGER, FV_NUMBER,
    FV_NUMBER_1DP, FV_NUMBER_2DP, FV_NUMBER_3DP, FV_NUMBER_4DP,
    FV_NUMBER_COMMA, FV_NUMBER_1DP_COMMA, FV_NUMBER_2DP_COMMA,
    FV_NUMBER_3DP_COMMA, FV_NUMBER_4DP_COMMA,
    FV_DATE_YMD, FV_DATE_MDY, FV_DATE_DMY,
    FV_DATETIME_YMD, FV_DATETIME_MDY, FV_DATETIME_DMY,
    FV_DATETIME_SECONDS_YMD, FV_DATETIME_SECONDS_MDY, FV_DATETIME_SECONDS_DMY,
    FV_TIME, FV_TIME_MM_SS, FV_TIME_HH_MM_SS,
    FV_EMAIL, FV_ALPHA_ONLY, FV_PHONE, FV_ZIPCODE,
    FV_MRN_10D, FV_MRN_GENERIC, FV_VMRN, FV_SSN, FV_PHONE_AUSTRALIA,
    FV_POSTALCODE_AUSTRALIA, FV_POSTALCODE_CANADA, FV_POSTALCODE_FRENCH, FV_POSTALCODE_GERMANY
} field_valid;

typedef enum field_role {
    ROLE_NONE, ROLE_ALLIANCE, ROLE_RUPTURE, ROLE_TENSION, ROLE_ADDRESSED,
    ROLE_RESOLUTION, ROLE_FOLLOWUP, ROLE_RUPTURE_KIND, ROLE_MARKER, ROLE_STRATEGY
} field_role;

typedef struct dict_choice {
    char *code;
    char *label;
} dict_choice;

/* The 18 standard dictionary columns, in REDCap's order. */
enum {
    DC_NAME, DC_FORM, DC_SECTION, DC_TYPE, DC_LABEL, DC_CHOICES, DC_NOTE,
    DC_VALIDATION, DC_MIN, DC_MAX, DC_IDENTIFIER, DC_BRANCHING, DC_REQUIRED,
    DC_ALIGNMENT, DC_QUESTION_NUMBER, DC_MATRIX_GROUP, DC_MATRIX_RANKING,
    DC_ANNOTATION, DC_NCOLS
};

typedef struct dict_field {
    char *cols[DC_NCOLS];   /* the raw cells ("" when absent) */
    const char *name;       /* = cols[DC_NAME] */
    char *label;            /* cols[DC_LABEL] as text (html_to_text: REDCap's rich text
                               without its tags) */
    char *section, *note;   /* cols[DC_SECTION] and cols[DC_NOTE] as text, likewise */
    field_type type;
    field_valid valid;
    dict_choice *choices;        /* radio, dropdown, checkbox; yesno/truefalse get theirs filled in */
    size_t nchoices;
    int has_min, has_max;
    double min, max;        /* numeric bounds; dates compare as days, times as seconds */
    int required;
    int identifier;
    expr *branching;        /* NULL when always shown */
    expr *calc;             /* calc fields */
    const expr **terms;     /* scale terms (borrowed from calc), NULL when not a scale */
    size_t nterms;
    int scale_is_mean;
    expr_item *items;       /* per scale term, compiled when it is [q] or (K - [q]) (col -1:
                               evaluated as an expression); NULL when not a scale */
    expr_scale_form calc_form;  /* how the calc follows from its terms' values */
    field_role role;
    int minitems;           /* 0 when not given */
    int has_alert_below, has_resolved_at;
    double alert_below, resolved_at;
    int template_mark;      /* @TEMPLATE in its annotation */
    const char *matrix;     /* = cols[DC_MATRIX_GROUP], trimmed: its matrix group, "" none */
    int matrix_ranked;      /* Matrix Ranking? y: in its group no two fields have one answer */
    long line;              /* line of the dictionary file */
    size_t col;             /* first column of this field in the answer array */
    size_t ncol;            /* columns it spans: nchoices for a checkbox, 0 descriptive, else 1 */
} dict_field;

typedef struct dict_column {
    char *name;             /* "tension" or "kind___2" */
    size_t field;           /* index into fields */
    long choice;            /* checkbox option index, -1 otherwise */
} dict_column;

typedef struct dict_instrument {
    char *name;             /* the Form Name */
    dict_field *fields;          /* in dictionary order, record identifier excluded */
    size_t nfields;
    dict_column *cols;
    size_t ncols;
    char *record_id;        /* name of the record identifier field, NULL when none */
    char *record_id_row[DC_NCOLS]; /* its raw row, kept for writing the form back out */
    size_t *calc_order;     /* indexes of calc fields in evaluation order */
    size_t ncalc;
    int is_template;        /* a field carries @TEMPLATE: the form's wording is still to be
                               pasted in, so it is not given to anyone (run, web links) */
    size_t *col_index;      /* column indexes ordered by name, case ignored, for
                               instrument_col; NULL: it looks through cols in order */
} dict_instrument;

typedef struct dict_file {
    dict_instrument *forms;
    size_t nforms;
    at_msgs warnings;       /* e.g. "line 9: 'consent_sig' is a signature field, left out" */
} dict_file;

/* Parses a data dictionary.  name is the file name used in messages.
 * record_id names the record identifier (NULL = "record_id"): when the first
 * field has that name it is taken as the identifier and never asked.
 * Checks everything before returning: every problem is added to problems as
 * "'FILE' line N: reason" and the result is AT_EINVAL with err summarising
 * (e.g. "'x.csv': 3 problems").  On success problems is untouched. */
at_status dict_parse(const char *name, const char *text, size_t len, const char *record_id,
                     dict_file *out, at_msgs *problems, at_err *err);

/* dict_parse for a dictionary a study already holds (as dict_write_form
 * wrote it when it was added).  Rules added to the reader since then must
 * not make a study's answers unreadable: what they would refuse is kept in
 * out->warnings and the dictionary loads, as the attune that stored it
 * loaded it.  A text that yields no form at all is refused as by
 * dict_parse. */
at_status dict_parse_stored(const char *name, const char *text, size_t len,
                            const char *record_id, dict_file *out, at_msgs *problems,
                            at_err *err);

void dict_release(dict_file *d);

/* Writes one form as a complete 18-column dictionary (header, the record
 * identifier row if any, then its fields) into out.  Parsing that text gives
 * the same instrument; its bytes are what the store hashes. */
void dict_write_form(const dict_instrument *in, sbuf *out);

/* Looks up a column by name; returns -1 when absent. */
long instrument_col(const dict_instrument *in, const char *name);
/* Looks up a field by name; returns -1 when absent. */
long instrument_field(const dict_instrument *in, const char *name);
/* Index of the first field with the role, -1 when none. */
long instrument_role(const dict_instrument *in, field_role role);

/* Checks and normalises one cell of field f (for a checkbox, one option
 * column, which takes "0" or "1").  On success returns 1 and stores in *out
 * a new string the caller frees: the value as REDCap stores it (dates and
 * datetimes as Y-M-D whatever order the validation names, which is also
 * accepted on input; surrounding spaces trimmed), or NULL for blank.  On
 * failure (text that is not UTF-8 among them) returns 0 and writes a reason
 * without the field name into why,
 * e.g. "is 7, allowed 1-5", "'x' is not a number", "2026-02-30 is not a
 * date".  Blank is valid here: required answers are checked apart.  An
 * answer holds at most FIELD_MAX_ANSWER bytes, the longest cell attune
 * reads from a CSV file (CSVIN_MAX_CELL), so whatever is saved by any face
 * can be exported and imported again. */
enum { FIELD_MAX_ANSWER = 1 << 20 };
int field_normalize(const dict_field *f, const char *value, char **out, char *why, size_t whysz);

/* The text field_normalize stores for value when value is exactly one of
 * f's choice codes (a checkbox column's "0" or "1"), without a copy: the
 * dictionary's own string, or a constant, valid as long as f.  NULL for
 * any other value or field type (field_normalize then decides). */
const char *field_choice_exact(const dict_field *f, const char *value);

/* The code a word typed for field f stands for: for yes/no y, yes, n, no
 * and for true/false t, true, f, false (any case) give "1" or "0"; for a
 * radio or dropdown a choice's label typed whole gives its code, and
 * y/yes/n/no the codes of its choices labelled Yes and No (as in a
 * question that offers a third answer), while a choice's code is left as
 * it is.  The dictionary's own string or a constant, valid as long as f;
 * NULL when a is no such word (field_normalize then decides).  Answers
 * typed in 'collect run' and values given to 'collect amend' are both read
 * with it. */
const char *field_word_code(const dict_field *f, const char *a);

/* Whether field i is shown for the given answers (its branching is true or
 * absent). */
int instrument_shown(const dict_instrument *in, size_t i, const char *const *vals);

/* For field i of a ranked matrix group (Matrix Ranking? y), the index of
 * another field of the group, shown for vals, whose answer is value (a
 * code); -1 when there is none or the field is not ranked. */
long instrument_rank_taken(const dict_instrument *in, size_t i, const char *value,
                           const char *const *vals);

/* Recomputes every calc column into vals: frees the old strings there and
 * stores new ones (NULL for blank).  The caller owns vals' strings.  Calcs
 * are computed in calc_order, so one calc may use another; a scale with
 * fewer answered terms than its @MINITEMS is blank here too. */
void instrument_compute(const dict_instrument *in, char **vals);

/* Checks a complete answer set: each cell valid, required shown fields
 * answered, hidden fields blank.  Each problem is added to problems as
 * "PREFIX'field': reason" (prefix e.g. "'a.csv' line 4: ").  Returns the
 * number of problems added. */
size_t instrument_check(const dict_instrument *in, const char *const *vals, const char *prefix,
                        at_msgs *problems);
/* The same, taking the cells c with valid[c] nonzero as already normalised
 * by field_normalize (so not checked again); valid NULL checks every cell. */
size_t instrument_check_known(const dict_instrument *in, const char *const *vals,
                              const unsigned char *valid, const char *prefix, at_msgs *problems);
/* The same for a partial administration when partial is nonzero: required
 * answers may be missing (the rest is checked as ever). */
size_t instrument_check_as(const dict_instrument *in, const char *const *vals,
                           const unsigned char *valid, int partial, const char *prefix,
                           at_msgs *problems);

/* The shown required fields without an answer in vals (cells blank, or a
 * checkbox with no option ticked), as instrument_check would name them;
 * the first one's index into in->fields goes to *first (may be NULL).  A
 * cell that does not normalise counts as an answer (the check names it). */
size_t instrument_required_blank(const dict_instrument *in, const char *const *vals,
                                 const unsigned char *valid, size_t *first);

/* A scale score: evaluates field f's calc with @MINITEMS honoured.  Stores
 * the number of answered terms in *answered (may be NULL) and returns the
 * score, or NaN when it is blank or has too few answered terms. */
double instrument_scale(const dict_instrument *in, const dict_field *f, const char *const *vals,
                        size_t *answered);
/* The same, also storing each term's value in terms[0..f->nterms) (NaN
 * when the term is blank or not a number), so a caller that needs both
 * evaluates the terms once; terms may be NULL. */
double instrument_scale_terms(const dict_instrument *in, const dict_field *f, const char *const *vals,
                              size_t *answered, double *terms);

/* What a respondent is told to type for validation v, in plain words
 * ("a date, YYYY-MM-DD", "a 10-digit medical record number"); every
 * validation has one.  A static string. */
const char *field_valid_hint(field_valid v);

const char *field_type_name(field_type t);
const char *field_role_name(field_role r);

#endif
