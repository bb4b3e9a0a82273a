/* scan.c: one reading of the store, fed to every analysis at once.
 *
 * Rows arrive in client, session, rater, rater code order.  For each
 * administration the scan fills the answer array (pointing at the stored
 * strings; calc columns computed only when an analysis reads one), scores
 * every scale once, reads the alliance score and the rupture roles,
 * adds the alliance score to the client's series, and calls each analysis.
 * When the client changes, each analysis gets the finished client. */
#include "analyze.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct an_forms {
    an_form **f;
    size_t n, cap;
};

typedef struct scan {
    const an_ctx *cx;
    const an_analysis *const *a;
    void *const *st;
    size_t n;
    char **vals;
    size_t vcap;
    double *score;
    size_t *answered;
    double **terms;         /* per scale, into termvals */
    size_t scap;
    double *termvals;       /* every scale's term values, one after another */
    size_t tcap;
    an_client client;
    int have_client;
    int failed;
    at_err err;
} scan;

/* ---- instrument versions ------------------------------------------------ */

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
static char *term_name(const instrument *in, const expr *t, size_t i, const char **scratch)
{
    refs r = { { -1, -1 }, 0 };
    expr_each_ref(t, count_ref, &r);
    if (r.n != 1) {
        sbuf sb = SBUF_INIT;
        sbuf_addf(&sb, "term %zu", i + 1);
        return sbuf_detach(&sb);
    }
    long c = r.col[0];
    scratch[c] = "1";
    double lo = eval_num(t, scratch);
    scratch[c] = "2";
    double hi = eval_num(t, scratch);
    scratch[c] = NULL;
    sbuf sb = SBUF_INIT;
    sbuf_adds(&sb, in->cols[c].name);
    if (hi < lo)
        sbuf_addc(&sb, '-');
    return sbuf_detach(&sb);
}

static int by_col_name(const void *a, const void *b)
{
    return strcasecmp(((const an_colname *)a)->name, ((const an_colname *)b)->name);
}

static int by_exact_name(const void *a, const void *b)
{
    return strcmp(((const an_colname *)a)->name, ((const an_colname *)b)->name);
}

static int is_calc_col(const instrument *in, long col)
{
    return col >= 0 && in->fields[in->cols[col].field].type == FT_CALC;
}

static void ref_calc(long col, void *ctx)
{
    const void **c = ctx;
    if (is_calc_col(c[0], col))
        c[1] = c[0];
}

/* Whether a value the analyses read is a calc column's: then the calc
 * columns are computed for every administration; otherwise they are not
 * needed (scale scores are evaluated from their terms). */
static int needs_calc(const instrument *in, const an_form *f)
{
    for (int r = ROLE_ALLIANCE; r <= ROLE_STRATEGY; r++) {
        if (f->role[r] < 0)
            continue;
        const field *fd = &in->fields[f->role[r]];
        if (fd->type == FT_CALC && !(r == ROLE_ALLIANCE && f->alliance_scale >= 0))
            return 1;
    }
    for (size_t i = 0; i < f->nscales; i++) {
        const field *fd = &in->fields[f->scales[i].field];
        for (size_t t = 0; t < fd->nterms; t++) {
            const void *ctx[2] = { in, NULL };
            expr_each_ref(fd->terms[t], ref_calc, ctx);
            if (ctx[1])
                return 1;
        }
    }
    return 0;
}

static an_form *form_build(const instrument *in, long id, const an_opts *o)
{
    an_form *f = xcalloc(1, sizeof *f);
    f->id = id;
    f->in = in;
    f->alliance_scale = -1;
    for (int r = 0; r <= ROLE_STRATEGY; r++)
        f->role[r] = r == ROLE_NONE ? -1 : instrument_role(in, (field_role)r);
    f->has_rupture_roles = 0;
    for (int r = ROLE_RUPTURE; r <= ROLE_RUPTURE_KIND; r++)
        if (f->role[r] >= 0)
            f->has_rupture_roles = 1;

    const char **scratch = xcalloc(in->ncols ? in->ncols : 1, sizeof *scratch);
    for (size_t i = 0; i < in->nfields; i++) {
        const field *fd = &in->fields[i];
        if (fd->type != FT_CALC || !fd->terms || fd->nterms == 0)
            continue;
        f->scales = xrealloc(f->scales, (f->nscales + 1) * sizeof *f->scales);
        an_scale *sc = &f->scales[f->nscales];
        sc->field = i;
        sc->items = xcalloc(fd->nterms, sizeof *sc->items);
        for (size_t t = 0; t < fd->nterms; t++)
            sc->items[t] = term_name(in, fd->terms[t], t, scratch);
        if (f->role[ROLE_ALLIANCE] == (long)i)
            f->alliance_scale = (long)f->nscales;
        f->nscales++;
    }
    free(scratch);

    f->by_name = xcalloc(in->ncols ? in->ncols : 1, sizeof *f->by_name);
    for (size_t c = 0; c < in->ncols; c++) {
        f->by_name[c].name = in->cols[c].name;
        f->by_name[c].col = c;
    }
    if (in->ncols)
        qsort(f->by_name, in->ncols, sizeof *f->by_name, by_col_name);
    f->names_distinct = 1;
    for (size_t c = 1; c < in->ncols; c++)
        if (by_col_name(&f->by_name[c - 1], &f->by_name[c]) == 0)
            f->names_distinct = 0;
    if (f->names_distinct && in->ncols) {
        f->by_exact = xmalloc(in->ncols * sizeof *f->by_exact);
        memcpy(f->by_exact, f->by_name, in->ncols * sizeof *f->by_exact);
        qsort(f->by_exact, in->ncols, sizeof *f->by_exact, by_exact_name);
    }
    f->need_compute = needs_calc(in, f);

    if (f->role[ROLE_ALLIANCE] >= 0) {
        const field *a = &in->fields[f->role[ROLE_ALLIANCE]];
        f->has_alert_below = a->has_alert_below;
        f->alert_below = a->alert_below;
    }
    if (o->has_resolved_at) {
        f->has_resolved_at = 1;
        f->resolved_at = o->resolved_at;
    } else if (f->role[ROLE_RESOLUTION] >= 0) {
        const field *rf = &in->fields[f->role[ROLE_RESOLUTION]];
        f->has_resolved_at = rf->has_resolved_at;
        f->resolved_at = rf->resolved_at;
    }
    return f;
}

static void form_free(an_form *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->nscales; i++) {
        const field *fd = &f->in->fields[f->scales[i].field];
        for (size_t t = 0; t < fd->nterms; t++)
            free(f->scales[i].items[t]);
        free(f->scales[i].items);
    }
    free(f->scales);
    free(f->by_name);
    free(f->by_exact);
    free(f);
}

an_forms *forms_new(void)
{
    return xcalloc(1, sizeof(an_forms));
}

void forms_free(an_forms *fs)
{
    if (!fs)
        return;
    for (size_t i = 0; i < fs->n; i++)
        form_free(fs->f[i]);
    free(fs->f);
    free(fs);
}

const an_form *forms_get(const an_ctx *cx, long id, at_err *err)
{
    an_forms *fs = cx->forms;
    for (size_t i = 0; i < fs->n; i++)
        if (fs->f[i]->id == id)
            return fs->f[i];
    const instrument *in = catalog_get(cx->cat, id, err);
    if (!in)
        return NULL;
    if (fs->n == fs->cap) {
        fs->cap = fs->cap ? 2 * fs->cap : 4;
        fs->f = xrealloc(fs->f, fs->cap * sizeof *fs->f);
    }
    fs->f[fs->n] = form_build(in, id, cx->o);
    return fs->f[fs->n++];
}


/* The answer array of v: pointers to v's strings (valid during the call,
 * nothing copied), blank for a column without a response; a stored value
 * under a column that is a calc in this version is ignored (calcs are
 * recomputed, never read); the calc columns computed when needed. */
static void fill(scan *sc, const an_form *f, const admin_view *v)
{
    const instrument *in = f->in;
    memset(sc->vals, 0, in->ncols * sizeof *sc->vals);
    /* The store gives the answers in field name order, so a walk along the
     * columns in the same order finds most of them; a name it misses (other
     * case, another version's field, another order) is looked up.  With
     * distinct names both ways find the same column. */
    const an_colname *walk = f->by_exact;
    size_t j = 0, ncols = walk ? in->ncols : 0;
    for (size_t i = 0; i < v->n; i++) {
        an_colname key = { v->fields[i], 0 };
        const an_colname *hit = NULL;
        int c = 1;
        while (j < ncols && (c = strcmp(walk[j].name, key.name)) < 0)
            j++;
        if (j < ncols && c == 0)
            hit = &walk[j];
        else if (in->ncols)
            hit = bsearch(&key, f->by_name, in->ncols, sizeof *f->by_name, by_col_name);
        if (!hit || is_calc_col(in, (long)hit->col) || !v->values[i] || !v->values[i][0])
            continue;
        sc->vals[hit->col] = (char *)v->values[i];   /* borrowed; never freed */
    }
    if (f->need_compute)
        instrument_compute(in, sc->vals);
}

/* Frees what instrument_compute put in the calc columns. */
static void unfill(scan *sc, const an_form *f)
{
    const instrument *in = f->in;
    if (!f->need_compute)
        return;
    for (size_t k = 0; k < in->ncalc; k++) {
        size_t col = in->fields[in->calc_order[k]].col;
        free(sc->vals[col]);
        sc->vals[col] = NULL;
    }
}

static const an_form *scan_form(scan *sc, long id)
{
    const an_form *f = forms_get(sc->cx, id, &sc->err);
    if (!f)
        return NULL;
    const instrument *in = f->in;
    if (in->ncols > sc->vcap) {
        sc->vals = xrealloc(sc->vals, in->ncols * sizeof *sc->vals);
        for (size_t i = sc->vcap; i < in->ncols; i++)
            sc->vals[i] = NULL;
        sc->vcap = in->ncols;
    }
    if (f->nscales > sc->scap) {
        sc->scap = f->nscales;
        sc->score = xrealloc(sc->score, sc->scap * sizeof *sc->score);
        sc->answered = xrealloc(sc->answered, sc->scap * sizeof *sc->answered);
        sc->terms = xrealloc(sc->terms, sc->scap * sizeof *sc->terms);
    }
    size_t nterms = 0;
    for (size_t i = 0; i < f->nscales; i++)
        nterms += in->fields[f->scales[i].field].nterms;
    if (nterms > sc->tcap) {
        sc->tcap = nterms;
        sc->termvals = xrealloc(sc->termvals, sc->tcap * sizeof *sc->termvals);
    }
    for (size_t i = 0, at = 0; i < f->nscales; i++) {
        sc->terms[i] = sc->termvals + at;
        at += in->fields[f->scales[i].field].nterms;
    }
    return f;
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
    const an_form *f = scan_form(sc, v->instrument_id);
    if (!f) {
        sc->failed = 1;
        return 1;
    }
    const instrument *in = f->in;
    fill(sc, f, v);
    const char *const *vals = (const char *const *)sc->vals;

    an_row r;
    r.v = v;
    r.form = f;
    r.vals = vals;
    r.rater_ok = !o->rater || strcmp(v->rater, o->rater) == 0;
    for (size_t i = 0; i < f->nscales; i++)
        sc->score[i] = instrument_scale_terms(in, &in->fields[f->scales[i].field], vals,
                                              &sc->answered[i], sc->terms[i]);
    r.scale_score = sc->score;
    r.scale_answered = sc->answered;
    r.scale_terms = (const double *const *)sc->terms;
    for (int k = 0; k <= ROLE_STRATEGY; k++) {
        r.role[k] = NAN;
        if (f->role[k] >= 0) {
            const field *fd = &in->fields[f->role[k]];
            if (fd->ncol == 1)
                r.role[k] = an_num(vals[fd->col]);
        }
    }
    r.alliance = f->alliance_scale >= 0 ? sc->score[f->alliance_scale] : r.role[ROLE_ALLIANCE];
    if (!isnan(r.alliance) && f->role[ROLE_ALLIANCE] >= 0)
        series_add(&sc->client, &r);

    for (size_t i = 0; i < sc->n; i++)
        if (sc->a[i]->row)
            sc->a[i]->row(sc->st[i], &r);
    unfill(sc, f);
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
    free(sc.vals);   /* its strings were borrowed, or freed by unfill */
    free(sc.score);
    free(sc.answered);
    free(sc.terms);
    free(sc.termvals);
    return rc;
}
