/* scan.c: one reading of the store, fed to every analysis at once.
 *
 * Rows arrive in client, session, rater, rater code order.  For each
 * administration the scan fills the answer array and scores it with the
 * scoring model of lib/score.h (pointing at the stored strings; calc
 * columns computed only when a score reads one), adds the alliance score
 * to the client's series, and calls each analysis.
 * When the client changes, each analysis gets the finished client. */
#include "analyze.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct an_forms {
    struct form_entry *e;
    size_t n, cap;
};

typedef struct scan {
    const an_ctx *cx;
    const an_analysis *const *a;
    void *const *st;
    size_t n;
    const char **vals;
    size_t vcap;
    score_result res;
    an_client client;
    int have_client;
    int failed;
    at_err err;
} scan;

/* ---- instrument versions ------------------------------------------------ */

/* A version's model, and whether the store's columns for it are the
 * instrument's own (answers then taken by position), found at its first
 * administration (-1 until then). */
typedef struct form_entry {
    an_form *f;
    int match;
} form_entry;

an_forms *forms_new(void)
{
    return xcalloc(1, sizeof(an_forms));
}

void forms_free(an_forms *fs)
{
    if (!fs)
        return;
    for (size_t i = 0; i < fs->n; i++)
        score_form_free(fs->e[i].f);
    free(fs->e);
    free(fs);
}

static form_entry *forms_entry(const an_ctx *cx, long id, at_err *err)
{
    an_forms *fs = cx->forms;
    for (size_t i = 0; i < fs->n; i++)
        if (fs->e[i].f->id == id)
            return &fs->e[i];
    const instrument *in = catalog_get(cx->cat, id, err);
    if (!in)
        return NULL;
    if (fs->n == fs->cap) {
        fs->cap = fs->cap ? 2 * fs->cap : 4;
        fs->e = xrealloc(fs->e, fs->cap * sizeof *fs->e);
    }
    const an_opts *o = cx->o;
    fs->e[fs->n].f = score_form_build(in, id, o->has_resolved_at ? &o->resolved_at : NULL);
    fs->e[fs->n].match = -1;
    return &fs->e[fs->n++];
}

const an_form *forms_get(const an_ctx *cx, long id, at_err *err)
{
    form_entry *e = forms_entry(cx, id, err);
    return e ? e->f : NULL;
}

static const an_form *scan_form(scan *sc, const admin_view *v, int *match)
{
    form_entry *e = forms_entry(sc->cx, v->instrument_id, &sc->err);
    if (!e)
        return NULL;
    const instrument *in = e->f->in;
    if (e->match < 0)
        e->match = score_columns_match(in, v);
    *match = e->match;
    if (in->ncols > sc->vcap) {
        sc->vals = xrealloc(sc->vals, in->ncols * sizeof *sc->vals);
        for (size_t i = sc->vcap; i < in->ncols; i++)
            sc->vals[i] = NULL;
        sc->vcap = in->ncols;
    }
    return e->f;
}

size_t an_terms(const an_row *r, size_t si, double *out)
{
    const field *fd = &r->form->in->fields[r->form->scales[si].field];
    const double *v = r->scale_terms[si];
    size_t answered = 0;
    for (size_t t = 0; t < fd->nterms; t++) {
        out[t] = v[t];
        if (!isnan(out[t]))
            answered++;
    }
    return answered;
}

/* ---- the client's series ------------------------------------------------ */

static size_t client_therapist(an_client *c, const char *code)
{
    for (size_t i = 0; i < c->ntherapists; i++)
        if (strcmp(c->therapists[i], code) == 0)
            return i;
    if (c->ntherapists == c->tcap) {
        c->tcap = c->tcap ? 2 * c->tcap : 2;
        c->therapists = xrealloc(c->therapists, c->tcap * sizeof *c->therapists);
    }
    c->therapists[c->ntherapists] = xstrdup(code);
    return c->ntherapists++;
}

static an_series *client_series(an_client *c, const char *instrument, const char *scale,
                                const char *rater, int rater_ok)
{
    size_t at = 0;
    for (; at < c->nseries; at++) {
        an_series *s = &c->series[at];
        int cmp = strcmp(s->instrument, instrument);
        if (cmp == 0)
            cmp = strcmp(s->rater, rater);
        if (cmp == 0)
            return s;
        if (cmp > 0)
            break;
    }
    if (c->nseries == c->scap) {
        c->scap = c->scap ? 2 * c->scap : 2;
        c->series = xrealloc(c->series, c->scap * sizeof *c->series);
    }
    memmove(&c->series[at + 1], &c->series[at], (c->nseries - at) * sizeof *c->series);
    c->nseries++;
    an_series *s = &c->series[at];
    memset(s, 0, sizeof *s);
    s->instrument = instrument;
    s->scale = scale;
    s->rater = xstrdup(rater);
    s->rater_ok = rater_ok;
    return s;
}

static void series_add(an_client *c, const an_row *r)
{
    const admin_view *v = r->v;
    const instrument *in = r->form->in;
    an_series *s = client_series(c, in->name, in->fields[r->form->role[ROLE_ALLIANCE]].name,
                                 v->rater, r->rater_ok);
    if (s->n && s->session[s->n - 1] == v->session) {
        s->score[s->n - 1] += r->alliance;   /* a sum until the client ends */
        s->count[s->n - 1]++;
        return;
    }
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 8;
        s->session = xrealloc(s->session, s->cap * sizeof *s->session);
        s->score = xrealloc(s->score, s->cap * sizeof *s->score);
        s->therapist = xrealloc(s->therapist, s->cap * sizeof *s->therapist);
        s->count = xrealloc(s->count, s->cap * sizeof *s->count);
    }
    s->session[s->n] = v->session;
    s->score[s->n] = r->alliance;
    s->therapist[s->n] = client_therapist(c, v->therapist ? v->therapist : "");
    s->count[s->n] = 1;
    s->n++;
}

static void client_reset(an_client *c)
{
    free(c->code);
    c->code = NULL;
    for (size_t i = 0; i < c->ntherapists; i++)
        free(c->therapists[i]);
    c->ntherapists = 0;
    for (size_t i = 0; i < c->nseries; i++) {
        an_series *s = &c->series[i];
        free(s->rater);
        free(s->session);
        free(s->score);
        free(s->therapist);
        free(s->count);
    }
    c->nseries = 0;
}

static void client_release(an_client *c)
{
    client_reset(c);
    free(c->therapists);
    free(c->series);
    memset(c, 0, sizeof *c);
}

static void client_flush(scan *sc)
{
    if (!sc->have_client)
        return;
    an_client *c = &sc->client;
    for (size_t i = 0; i < c->nseries; i++) {
        an_series *s = &c->series[i];
        for (size_t j = 0; j < s->n; j++)
            if (s->count[j] > 1)
                s->score[j] /= (double)s->count[j];
    }
    for (size_t i = 0; i < sc->n; i++)
        if (sc->a[i]->client_end)
            sc->a[i]->client_end(sc->st[i], c);
    client_reset(c);
    sc->have_client = 0;
}

/* ---- the stream --------------------------------------------------------- */

static int on_admin(const admin_view *v, void *ctx)
{
    scan *sc = ctx;
    const an_opts *o = sc->cx->o;
    if (sc->have_client && strcmp(sc->client.code, v->client) != 0)
        client_flush(sc);
    if (!sc->have_client) {
        sc->client.code = xstrdup(v->client);
        sc->have_client = 1;
    }
    int match = 0;
    const an_form *f = scan_form(sc, v, &match);
    if (!f) {
        sc->failed = 1;
        return 1;
    }
    score_fill(f->in, match, v, sc->vals, NULL);
    score_compute(f, sc->vals);
    const char *const *vals = sc->vals;
    score_eval(f, vals, &sc->res);

    an_row r;
    r.v = v;
    r.form = f;
    r.vals = vals;
    r.rater_ok = !o->rater || strcmp(v->rater, o->rater) == 0;
    r.scale_score = sc->res.score;
    r.scale_answered = sc->res.answered;
    r.scale_terms = (const double *const *)sc->res.terms;
    memcpy(r.role, sc->res.role, sizeof r.role);
    r.alliance = sc->res.alliance;
    if (!isnan(r.alliance) && f->role[ROLE_ALLIANCE] >= 0)
        series_add(&sc->client, &r);

    for (size_t i = 0; i < sc->n; i++)
        if (sc->a[i]->row)
            sc->a[i]->row(sc->st[i], &r);
    score_uncompute(f, sc->vals);
    return 0;
}

int scan_run(const an_ctx *cx, const an_analysis *const *a, void *const *st, size_t n,
             int use_client_filter)
{
    const an_opts *o = cx->o;
    scan sc;
    memset(&sc, 0, sizeof sc);
    sc.cx = cx;
    sc.a = a;
    sc.st = st;
    sc.n = n;

    int all_raters = 0;
    for (size_t i = 0; i < n; i++)
        if (a[i]->flags && (a[i]->flags(o) & AN_ALL_RATERS))
            all_raters = 1;
    admin_filter flt;
    memset(&flt, 0, sizeof flt);
    flt.instrument = o->instrument;
    flt.client = use_client_filter ? o->client : NULL;
    flt.therapist = o->therapist;
    flt.cohort = o->cohort;
    flt.rater = all_raters ? NULL : o->rater;
    flt.from_date = o->from;
    flt.to_date = o->to;

    at_status st_code = store_admin_each(cx->s, &flt, on_admin, &sc, &sc.err);
    int rc = 0;
    if (sc.failed || st_code != AT_OK) {
        an_fail("%s", sc.err.msg);
        rc = -1;
    } else {
        client_flush(&sc);
    }

    client_release(&sc.client);
    free(sc.vals);   /* its strings were borrowed, or freed by score_uncompute */
    score_result_release(&sc.res);
    return rc;
}
