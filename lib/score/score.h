/* score.h: the scoring model, shared by collect and analyze.
 *
 * What scoring needs from one instrument version is worked out once into a
 * score_form: its scales (calc fields that are sums or means of item terms)
 * with a name for each term, the field of each role, the alliance scale,
 * and the alert and resolution cut-offs.  score_fill turns a stored
 * administration into the version's answer array (by position when the
 * administration was given with that version, by name otherwise), and
 * score_eval scores it: every scale once, its terms, the alliance score and
 * the roles' numeric answers.
 *
 * Ownership: a score_form belongs to whoever built it (score_form_free); it
 * borrows the instrument, which must outlive it.  score_fill stores
 * pointers to the view's strings in vals (valid while the view is), and
 * score_eval's results live in the score_result until the next call. */
#ifndef ATTUNE_SCORE_H
#define ATTUNE_SCORE_H

#include "dict.h"
#include "store.h"

typedef struct score_scale {
    size_t field;               /* index into in->fields */
    char **items;               /* a name per term: the column it scores, "-" appended
                                   when reverse-keyed (as psych does), else "term N" */
} score_scale;

typedef struct score_form {
    long id;                    /* the version's row id */
    const dict_instrument *in;
    score_scale *scales;
    size_t nscales;
    long role[ROLE_STRATEGY + 1];   /* field index for each role, -1 when none */
    long alliance_scale;        /* index into scales of the alliance field, -1 */
    int has_rupture_roles;      /* rupture, tension, addressed, resolution, followup or kind */
    int has_resolved_at;        /* from @RESOLVED-AT, or the override given to build */
    double resolved_at;
    int has_alert_below;
    double alert_below;
    int need_compute;           /* a role reads a calc other than a scale, or a term does */
    size_t nterms;              /* the terms of every scale together */
} score_form;

/* Builds the model of version id of in.  resolved_at, when not NULL,
 * replaces the instrument's @RESOLVED-AT. */
score_form *score_form_build(const dict_instrument *in, long id, const double *resolved_at);
void score_form_free(score_form *f);    /* NULL is fine */

/* Whether v's columns begin with in's, in order: then its answers are taken
 * by position.  A caller reading many administrations of one version asks
 * once per version (the store gives every view of a version the same
 * column names). */
int score_columns_match(const dict_instrument *in, const admin_view *v);

/* Fills vals (in->ncols pointers) from v: pointers to v's strings, NULL for
 * blank, by position when match (score_columns_match) and by name
 * otherwise; a value under a column that is a calc of in is left out (calcs
 * are recomputed, never read).  Answers whose column in does not have are
 * counted into *unknown when not NULL. */
void score_fill(const dict_instrument *in, int match, const admin_view *v, const char **vals,
                size_t *unknown);

/* Scores of one administration. */
typedef struct score_result {
    double *score;              /* per scale, NaN when blank (@MINITEMS honoured) */
    size_t *answered;           /* per scale, terms answered */
    double **terms;             /* per scale, its term values (NaN blank) */
    double role[ROLE_STRATEGY + 1]; /* numeric answer of single-column roles, NaN blank;
                                       rupture, addressed and followup are 1, 0 or NaN
                                       (a code other than 1 and 0 declines to say) */
    double alliance;            /* NaN when none */
    size_t cap, tcap;
    double *termvals;
} score_result;

void score_result_release(score_result *r);

/* Scores vals (already filled, calc columns computed when f->need_compute). */
void score_eval(const score_form *f, const char *const *vals, score_result *r);
/* The same for one scale only (only: its index; -1 every scale): the
 * others are left NaN with no term answered. */
void score_eval_only(const score_form *f, const char *const *vals, score_result *r, long only);

/* Computes f's calc columns into vals when the scores need them; they are
 * owned strings then, which score_uncompute frees. */
void score_compute(const score_form *f, const char **vals);
void score_uncompute(const score_form *f, const char **vals);

#endif
