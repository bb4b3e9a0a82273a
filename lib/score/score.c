/* score.c: the scoring model of an instrument version (score.h). */
#include "score.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- the model ------------------------------------------------------------ */

typedef struct refs {
    long col[2];
    size_t n;
} refs;

static void count_ref(long col, void *ctx)
{
    refs *r = ctx;
    for (size_t i = 0; i < r->n && i < 2; i++)
        if (r->col[i] == col)
            return;
    if (r->n < 2)
        r->col[r->n] = col;
    r->n++;
}

/* A term's value as the scale's own sum or mean takes it; NaN when blank. */
static double eval_num(const expr *e, const char *const *vals)
{
    double x;
    return xval_number(expr_eval(e, vals), &x) ? x : NAN;
}

/* The name of a scale term: the column it scores, with "-" when a higher
 * answer gives a lower term (reverse-keyed), else "term N". */
static char *term_name(const dict_instrument *in, const expr *t, size_t i, const char **scratch)
{
    refs r = { { -1, -1 }, 0 };
    expr_each_ref(t, count_ref, &r);
    sbuf sb = SBUF_INIT;
    if (r.n != 1) {
        sbuf_addf(&sb, "term %zu", i + 1);
        return sbuf_detach(&sb);
    }
    long c = r.col[0];
    scratch[c] = "1";
    double lo = eval_num(t, scratch);
    scratch[c] = "2";
    double hi = eval_num(t, scratch);
    scratch[c] = NULL;
    sbuf_adds(&sb, in->cols[c].name);
    if (hi < lo)
        sbuf_addc(&sb, '-');
    return sbuf_detach(&sb);
}

static int is_calc_col(const dict_instrument *in, long col)
{
    return col >= 0 && in->fields[in->cols[col].field].type == FT_CALC;
}

static void ref_calc(long col, void *ctx)
{
    const void **c = ctx;
    if (is_calc_col(c[0], col))
        c[1] = c[0];
}

/* Whether a value scoring reads is a calc column's: then the calc columns
 * are computed for every administration; otherwise they are not needed
 * (scale scores are evaluated from their terms). */
static int needs_calc(const dict_instrument *in, const score_form *f)
{
    for (int r = ROLE_ALLIANCE; r <= ROLE_STRATEGY; r++) {
        if (f->role[r] < 0)
            continue;
        const dict_field *fd = &in->fields[f->role[r]];
        if (fd->type == FT_CALC && !(r == ROLE_ALLIANCE && f->alliance_scale >= 0))
            return 1;
    }
    for (size_t i = 0; i < f->nscales; i++) {
        const dict_field *fd = &in->fields[f->scales[i].field];
        for (size_t t = 0; t < fd->nterms; t++) {
            const void *ctx[2] = { in, NULL };
            expr_each_ref(fd->terms[t], ref_calc, ctx);
            if (ctx[1])
                return 1;
        }
    }
    return 0;
}

score_form *score_form_build(const dict_instrument *in, long id, const double *resolved_at)
{
    score_form *f = xcalloc(1, sizeof *f);
    f->id = id;
    f->in = in;
    f->alliance_scale = -1;
    for (int r = 0; r <= ROLE_STRATEGY; r++)
        f->role[r] = r == ROLE_NONE ? -1 : instrument_role(in, (field_role)r);
    for (int r = ROLE_RUPTURE; r <= ROLE_RUPTURE_KIND; r++)
        if (f->role[r] >= 0)
            f->has_rupture_roles = 1;

    const char **scratch = xcalloc(in->ncols ? in->ncols : 1, sizeof *scratch);
    for (size_t i = 0; i < in->nfields; i++) {
        const dict_field *fd = &in->fields[i];
        if (fd->type != FT_CALC || !fd->terms || fd->nterms == 0)
            continue;
        f->scales = xrealloc(f->scales, (f->nscales + 1) * sizeof *f->scales);
        score_scale *sc = &f->scales[f->nscales];
        sc->field = i;
        sc->items = xcalloc(fd->nterms, sizeof *sc->items);
        for (size_t t = 0; t < fd->nterms; t++)
            sc->items[t] = term_name(in, fd->terms[t], t, scratch);
        if (f->role[ROLE_ALLIANCE] == (long)i)
            f->alliance_scale = (long)f->nscales;
        f->nterms += fd->nterms;
        f->nscales++;
    }
    free(scratch);
    f->need_compute = needs_calc(in, f);

    if (f->role[ROLE_ALLIANCE] >= 0) {
        const dict_field *a = &in->fields[f->role[ROLE_ALLIANCE]];
        f->has_alert_below = a->has_alert_below;
        f->alert_below = a->alert_below;
    }
    if (resolved_at) {
        f->has_resolved_at = 1;
        f->resolved_at = *resolved_at;
    } else if (f->role[ROLE_RESOLUTION] >= 0) {
        const dict_field *rf = &in->fields[f->role[ROLE_RESOLUTION]];
        f->has_resolved_at = rf->has_resolved_at;
        f->resolved_at = rf->resolved_at;
    }
    return f;
}

void score_form_free(score_form *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->nscales; i++) {
        const dict_field *fd = &f->in->fields[f->scales[i].field];
        for (size_t t = 0; t < fd->nterms; t++)
            free(f->scales[i].items[t]);
        free(f->scales[i].items);
    }
    free(f->scales);
    free(f);
}

/* ---- answers -------------------------------------------------------------- */

int score_columns_match(const dict_instrument *in, const admin_view *v)
{
    if (v->n < in->ncols)
        return 0;
    for (size_t i = 0; i < in->ncols; i++)
        if (strcmp(v->fields[i], in->cols[i].name) != 0)
            return 0;
    return 1;
}

void score_fill(const dict_instrument *in, int match, const admin_view *v, const char **vals,
                size_t *unknown)
{
    size_t miss = 0;
    memset(vals, 0, in->ncols * sizeof *vals);
    for (size_t i = 0; i < v->n; i++) {
        const char *x = v->values[i];
        if (!x || !*x)
            continue;
        long col = match ? (i < in->ncols ? (long)i : -1) : instrument_col(in, v->fields[i]);
        if (col < 0)
            miss++;
        else if (!is_calc_col(in, col))
            vals[col] = x;
    }
    if (unknown)
        *unknown = miss;
}

void score_compute(const score_form *f, const char **vals)
{
    if (f->need_compute)
        instrument_compute(f->in, (char **)vals);
}

void score_uncompute(const score_form *f, const char **vals)
{
    const dict_instrument *in = f->in;
    if (!f->need_compute)
        return;
    for (size_t k = 0; k < in->ncalc; k++) {
        size_t col = in->fields[in->calc_order[k]].col;
        free((char *)vals[col]);
        vals[col] = NULL;
    }
}

/* ---- scores --------------------------------------------------------------- */

/* The numeric value of an answer as expressions read it: NaN when blank or
 * not a number. */
static double num(const char *s)
{
    double x;
    xval v = { XV_STR, 0.0, s };
    return s && xval_number(v, &x) ? x : NAN;
}

void score_result_release(score_result *r)
{
    free(r->score);
    free(r->answered);
    free(r->terms);
    free(r->termvals);
    memset(r, 0, sizeof *r);
}

void score_eval(const score_form *f, const char *const *vals, score_result *r)
{
    score_eval_only(f, vals, r, -1);
}

void score_eval_only(const score_form *f, const char *const *vals, score_result *r, long only)
{
    const dict_instrument *in = f->in;
    if (f->nscales > r->cap) {
        r->cap = f->nscales;
        r->score = xrealloc(r->score, r->cap * sizeof *r->score);
        r->answered = xrealloc(r->answered, r->cap * sizeof *r->answered);
        r->terms = xrealloc(r->terms, r->cap * sizeof *r->terms);
    }
    if (f->nterms > r->tcap) {
        r->tcap = f->nterms;
        r->termvals = xrealloc(r->termvals, r->tcap * sizeof *r->termvals);
    }
    for (size_t i = 0, at = 0; i < f->nscales; i++) {
        const dict_field *fd = &in->fields[f->scales[i].field];
        r->terms[i] = r->termvals + at;
        at += fd->nterms;
        if (only >= 0 && (size_t)only != i) {
            r->score[i] = NAN;
            r->answered[i] = 0;
            for (size_t t = 0; t < fd->nterms; t++)
                r->terms[i][t] = NAN;
            continue;
        }
        r->score[i] = instrument_scale_terms(in, fd, vals, &r->answered[i], r->terms[i]);
    }
    for (int k = 0; k <= ROLE_STRATEGY; k++) {
        r->role[k] = NAN;
        if (f->role[k] >= 0) {
            const dict_field *fd = &in->fields[f->role[k]];
            if (fd->ncol == 1)
                r->role[k] = num(vals[fd->col]);
            /* a yes/no role is 1 or 0; another code ("I'd rather not say") is no answer */
            if ((k == ROLE_RUPTURE || k == ROLE_ADDRESSED || k == ROLE_FOLLOWUP) &&
                r->role[k] != 0 && r->role[k] != 1)
                r->role[k] = NAN;
        }
    }
    r->alliance = f->alliance_scale >= 0 ? r->score[f->alliance_scale] : r->role[ROLE_ALLIANCE];
}
