/* prep.c: the whole-sample values the rci and sudden rules need before any
 * episode can be judged, per instrument and rater: SD0, the sample SD of
 * every client's first alliance score, and r, the alliance scale's
 * complete-case alpha (or --reliability).  Threshold = 1.96 SD0 sqrt(2(1-r)). */
#include "analyze.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct acc {
    const char *instrument;
    char *rater;
    double *first;              /* each client's first score */
    size_t nfirst, fcap;
    size_t k;                   /* terms of the alliance scale, 0 when not a scale */
    int is_mean, mixed;
    alpha_acc *terms;           /* running moments of the alliance terms */
} acc;

typedef struct prep {
    const an_opts *o;
    acc *a;
    size_t n, cap;
    double *row;
    size_t rowcap;
    an_prep out;
} prep;

static acc *acc_get(prep *p, const char *instrument, const char *rater)
{
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->a[i].instrument, instrument) == 0 && strcmp(p->a[i].rater, rater) == 0)
            return &p->a[i];
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 4;
        p->a = xrealloc(p->a, p->cap * sizeof *p->a);
    }
    acc *a = &p->a[p->n++];
    memset(a, 0, sizeof *a);
    a->instrument = instrument;
    a->rater = xstrdup(rater);
    return a;
}

static void *prep_start(const an_ctx *cx, FILE *out, FILE *extra)
{
    (void)out;
    (void)extra;
    prep *p = xcalloc(1, sizeof *p);
    p->o = cx->o;
    return p;
}

static void prep_row(void *st, const an_row *r)
{
    prep *p = st;
    const an_form *f = r->form;
    if (!r->rater_ok || f->role[ROLE_ALLIANCE] < 0)
        return;
    acc *a = acc_get(p, f->in->name, r->v->rater);
    if (p->o->has_reliability || f->alliance_scale < 0 || a->mixed)
        return;
    const dict_field *fd = &f->in->fields[f->scales[f->alliance_scale].field];
    if (!a->terms) {
        a->k = fd->nterms;
        a->is_mean = fd->scale_is_mean;
        a->terms = alpha_acc_new_as(a->k, 0);   /* complete cases only */
    } else if (a->k != fd->nterms) {
        a->mixed = 1;   /* versions disagree on the scale: no single alpha */
        return;
    }
    if (p->rowcap < a->k) {
        p->rowcap = a->k;
        p->row = xrealloc(p->row, p->rowcap * sizeof *p->row);
    }
    if (an_terms(r, (size_t)f->alliance_scale, p->row) < a->k)
        return;   /* complete cases only */
    alpha_acc_add(a->terms, p->row);
}

static void prep_client(void *st, const an_client *c)
{
    prep *p = st;
    for (size_t i = 0; i < c->nseries; i++) {
        const an_series *s = &c->series[i];
        if (!s->rater_ok || s->n == 0)
            continue;
        acc *a = acc_get(p, s->instrument, s->rater);
        if (a->nfirst == a->fcap) {
            a->fcap = a->fcap ? 2 * a->fcap : 16;
            a->first = xrealloc(a->first, a->fcap * sizeof *a->first);
        }
        a->first[a->nfirst++] = s->score[0];
    }
}

static int prep_finish(void *st)
{
    prep *p = st;
    const an_opts *o = p->o;
    p->out.e = xcalloc(p->n ? p->n : 1, sizeof *p->out.e);
    for (size_t i = 0; i < p->n; i++) {
        acc *a = &p->a[i];
        an_prep_entry *e = &p->out.e[p->out.n++];
        e->instrument = a->instrument;
        e->rater = xstrdup(a->rater);
        e->nclients = a->nfirst;
        e->sd0 = stats_sd(a->first, a->nfirst);
        e->r = o->has_reliability ? o->reliability : NAN;
        alpha_result res = { 0 };
        if (!o->has_reliability && a->k >= 2 && !a->mixed &&
            alpha_acc_result(a->terms, 0, a->is_mean, &res, NULL) == 0)
            e->r = res.alpha;
        e->cutoff = stats_rci_cutoff(e->sd0, e->r);
        if (isnan(e->sd0))
            an_note("'%s' rater %s: the RCI threshold needs the first scores of 2 or more "
                    "clients (%zu found); no %s episodes", a->instrument, a->rater, a->nfirst,
                    o->ep.rule == RULE_SUDDEN ? "sudden" : "rci");
        else if (isnan(e->r))
            an_note("'%s' rater %s: the alliance scale's alpha cannot be computed (%s); "
                    "give --reliability", a->instrument, a->rater,
                    a->mixed ? "its versions have different terms"
                    : a->k < 2 ? "it is not a scale of 2 or more terms"
                    : res.n < 3 ? "fewer than 3 complete cases"
                                : "the scale score does not vary");
        else if (e->r < 0) {
            /* a negative alpha says the terms do not hang together; it is
             * no reliability to judge change by */
            char b[32];
            an_note("'%s' rater %s: the alliance scale's alpha is %s, below 0, so it gives no "
                    "RCI threshold; no %s episodes (give --reliability)", a->instrument, a->rater,
                    an_fmt(e->r, b), o->ep.rule == RULE_SUDDEN ? "sudden" : "rci");
            e->cutoff = NAN;
        } else if (e->cutoff == 0) {
            /* as the sd rule needs SD > 0: a threshold of 0 would make
             * every drop, however small, a rupture */
            an_note("'%s' rater %s: the RCI threshold is 0 (%s); no %s episodes", a->instrument,
                    a->rater, e->sd0 == 0 ? "every client's first score is the same"
                                          : "a reliability of 1",
                    o->ep.rule == RULE_SUDDEN ? "sudden" : "rci");
            e->cutoff = NAN;
        } else if (!isfinite(e->cutoff))
            e->cutoff = NAN;
    }
    return 0;
}

static void prep_free(void *st)
{
    prep *p = st;
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++) {
        free(p->a[i].rater);
        free(p->a[i].first);
        alpha_acc_free(p->a[i].terms);
    }
    free(p->a);
    free(p->row);
    prep_release(&p->out);
    free(p);
}

void prep_take(void *st, an_prep *out)
{
    prep *p = st;
    *out = p->out;
    memset(&p->out, 0, sizeof p->out);
}

void prep_release(an_prep *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->e[i].rater);
    free(p->e);
    memset(p, 0, sizeof *p);
}

const an_prep_entry *prep_find(const an_prep *p, const char *instrument, const char *rater)
{
    if (!p)
        return NULL;
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->e[i].instrument, instrument) == 0 && strcmp(p->e[i].rater, rater) == 0)
            return &p->e[i];
    return NULL;
}

const an_analysis an_prep_pass = {
    .name = "prep",
    .start = prep_start,
    .row = prep_row,
    .client_end = prep_client,
    .finish = prep_finish,
    .free = prep_free,
};
