/* scan.c: one reading of the store, fed to every analysis at once.
 *
 * Rows arrive in client, session, rater, rater code order.  For each
 * administration the scan fills the answer array and scores it with the
 * scoring model of lib/score/score.h (pointing at the stored strings; calc
 * columns computed only when a score reads one), adds the alliance score
 * to the client's series, and calls each analysis.
 * When the client changes, each analysis gets the finished client. */
#include "analyze.h"
#include "handoff.h"

#include <math.h>
#include <pthread.h>
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
    int all_scales;         /* an analysis reads every scale (AN_ALL_SCALES) */
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
    const dict_instrument *in = record_catalog_get(cx->cat, id, err);
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
    const dict_instrument *in = e->f->in;
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
    const dict_field *fd = &r->form->in->fields[r->form->scales[si].field];
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
    const dict_instrument *in = r->form->in;
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

/* What the analyses get for one administration, once it is read and
 * scored: the rows' order and values are the same whether the reading runs
 * on this thread or on another. */
static void consume(scan *sc, const an_row *r)
{
    if (sc->have_client && strcmp(sc->client.code, r->v->client) != 0)
        client_flush(sc);
    if (!sc->have_client) {
        sc->client.code = xstrdup(r->v->client);
        sc->have_client = 1;
    }
    if (!isnan(r->alliance) && r->form->role[ROLE_ALLIANCE] >= 0)
        series_add(&sc->client, r);
    for (size_t i = 0; i < sc->n; i++)
        if (sc->a[i]->row)
            sc->a[i]->row(sc->st[i], r);
}

/* Reads and scores one administration into r (valid until the next call). */
static const an_form *produce(scan *sc, const admin_view *v, an_row *r)
{
    const an_opts *o = sc->cx->o;
    int match = 0;
    const an_form *f = scan_form(sc, v, &match);
    if (!f)
        return NULL;
    score_fill(f->in, match, v, sc->vals, NULL);
    score_compute(f, sc->vals);
    /* only the alliance scale, unless an analysis reads the others */
    score_eval_only(f, sc->vals, &sc->res, sc->all_scales ? -1 : f->alliance_scale);
    r->v = v;
    r->form = f;
    r->vals = sc->vals;
    r->rater_ok = !o->rater || strcmp(v->rater, o->rater) == 0;
    r->scale_score = sc->res.score;
    r->scale_answered = sc->res.answered;
    r->scale_terms = (const double *const *)sc->res.terms;
    memcpy(r->role, sc->res.role, sizeof r->role);
    r->alliance = sc->res.alliance;
    return f;
}

static int on_admin(const admin_view *v, void *ctx)
{
    scan *sc = ctx;
    an_row r;
    const an_form *f = produce(sc, v, &r);
    if (!f) {
        sc->failed = 1;
        return 1;
    }
    consume(sc, &r);
    score_uncompute(f, sc->vals);
    return 0;
}

/* ---- reading on a second thread ------------------------------------------ */

/* With --threads 2 the store is read and every row scored on a thread of its
 * own, which hands the rows over in batches; the analyses run here on the
 * rows in the same order, so their output is the same bytes.  A batch keeps
 * copies of everything a row holds (its strings as offsets into one
 * buffer, its numbers in another), so the store may move on. */
enum { BATCH_ROWS = 512, NBATCH = 4 };

enum { S_CLIENT, S_THERAPIST, S_COHORT, S_DATE, S_MODALITY, S_INSTRUMENT, S_RATER,
       S_RATER_CODE, S_STATUS, S_SOURCE, S_STARTED, S_FINISHED, NSTR };

typedef struct rec {
    long id, session, instrument_id, version;
    size_t str[NSTR];           /* offsets into the batch's text */
    const an_form *form;
    int rater_ok;
    double alliance, role[ROLE_STRATEGY + 1];
    size_t vals, nums, counts;  /* first entries in valoff, nums and counts */
} rec;

typedef struct batch {
    handoff_item link;          /* first: the handoff's */
    rec *rows;
    size_t n;
    sbuf text;
    size_t *valoff;             /* offset + 1 into text, 0 for blank */
    size_t nvo, cvo;
    double *nums;               /* per row: its scale scores, then their terms */
    size_t nnum, cnum;
    size_t *counts;             /* per row: answered terms per scale */
    size_t ncnt, ccnt;
} batch;

typedef struct pipeline {
    scan *sc;
    const admin_filter *flt;
    handoff *h;
    batch *cur;                 /* the reader's batch being filled */
    at_status status;
} pipeline;

static size_t keep_str(batch *b, const char *s)
{
    size_t at = b->text.len;
    sbuf_adds(&b->text, s ? s : "");
    sbuf_addc(&b->text, '\0');
    return at;
}

#define GROW(arr, n, cap, need)                                                   \
    do {                                                                          \
        if ((n) + (need) > (cap)) {                                               \
            (cap) = ((n) + (need)) * 2;                                           \
            (arr) = xrealloc((arr), (cap) * sizeof *(arr));                       \
        }                                                                         \
    } while (0)

/* Copies a produced row into b. */
static void batch_add(batch *b, const an_row *r)
{
    const admin_view *v = r->v;
    const an_form *f = r->form;
    const dict_instrument *in = f->in;
    rec *x = &b->rows[b->n++];
    x->id = v->id;
    x->session = v->session;
    x->instrument_id = v->instrument_id;
    x->version = v->version;
    const char *strs[NSTR] = { v->client, v->therapist, v->cohort, v->date, v->modality,
                               v->instrument, v->rater, v->rater_code, v->status, v->source,
                               v->started_at, v->finished_at };
    for (int k = 0; k < NSTR; k++)
        x->str[k] = keep_str(b, strs[k]);
    x->form = f;
    x->rater_ok = r->rater_ok;
    x->alliance = r->alliance;
    memcpy(x->role, r->role, sizeof x->role);
    GROW(b->valoff, b->nvo, b->cvo, in->ncols);
    x->vals = b->nvo;
    for (size_t c = 0; c < in->ncols; c++)
        b->valoff[b->nvo++] = r->vals[c] ? keep_str(b, r->vals[c]) + 1 : 0;
    GROW(b->nums, b->nnum, b->cnum, f->nscales + f->nterms);
    x->nums = b->nnum;
    if (f->nscales)
        memcpy(b->nums + b->nnum, r->scale_score, f->nscales * sizeof *b->nums);
    b->nnum += f->nscales;
    for (size_t i = 0; i < f->nscales; i++) {
        size_t k = in->fields[f->scales[i].field].nterms;
        if (k)
            memcpy(b->nums + b->nnum, r->scale_terms[i], k * sizeof *b->nums);
        b->nnum += k;
    }
    GROW(b->counts, b->ncnt, b->ccnt, f->nscales);
    x->counts = b->ncnt;
    if (f->nscales)
        memcpy(b->counts + b->ncnt, r->scale_answered, f->nscales * sizeof *b->counts);
    b->ncnt += f->nscales;
}

static void batch_reset(batch *b)
{
    b->n = 0;
    sbuf_reset(&b->text);
    b->nvo = b->nnum = b->ncnt = 0;
}

static void batch_free(batch *b)
{
    free(b->rows);
    sbuf_release(&b->text);
    free(b->valoff);
    free(b->nums);
    free(b->counts);
    free(b);
}

/* Sends the reader's batch (when it holds rows). */
static void send_batch(pipeline *p)
{
    if (p->cur && p->cur->n)
        handoff_send(p->h, &p->cur->link);
    else if (p->cur)
        handoff_give(p->h, &p->cur->link);
    p->cur = NULL;
}

static int pipe_admin(const admin_view *v, void *ctx)
{
    pipeline *p = ctx;
    scan *sc = p->sc;
    if (!p->cur) {
        p->cur = (batch *)handoff_take(p->h);
        if (!p->cur)
            return 1;
        batch_reset(p->cur);
    }
    an_row r;
    const an_form *f = produce(sc, v, &r);
    if (!f) {
        sc->failed = 1;
        return 1;
    }
    batch_add(p->cur, &r);
    score_uncompute(f, sc->vals);
    if (p->cur->n == BATCH_ROWS)
        send_batch(p);
    return 0;
}

static void *reader_main(void *arg)
{
    pipeline *p = arg;
    p->status = store_admin_each(p->sc->cx->s, p->flt, pipe_admin, p, &p->sc->err);
    send_batch(p);
    handoff_finish(p->h);
    return NULL;
}

/* The rows of batch b, one by one, to the analyses. */
static void consume_batch(scan *sc, const batch *b, const char ***vals, size_t *vcap,
                          const double ***terms, size_t *tcap)
{
    for (size_t i = 0; i < b->n; i++) {
        const rec *x = &b->rows[i];
        const an_form *f = x->form;
        const dict_instrument *in = f->in;
        const char *t = b->text.buf;
        admin_view v = { 0 };
        v.id = x->id;
        v.session = x->session;
        v.instrument_id = x->instrument_id;
        v.version = x->version;
        const char **strs[NSTR] = { &v.client, &v.therapist, &v.cohort, &v.date, &v.modality,
                                    &v.instrument, &v.rater, &v.rater_code, &v.status,
                                    &v.source, &v.started_at, &v.finished_at };
        for (int k = 0; k < NSTR; k++)
            *strs[k] = t + x->str[k];
        GROW(*vals, 0, *vcap, in->ncols ? in->ncols : 1);
        for (size_t c = 0; c < in->ncols; c++) {
            size_t o = b->valoff[x->vals + c];
            (*vals)[c] = o ? t + o - 1 : NULL;
        }
        GROW(*terms, 0, *tcap, f->nscales ? f->nscales : 1);
        const double *nums = b->nums ? b->nums + x->nums : NULL;   /* no scale: no numbers */
        for (size_t s = 0, at = f->nscales; s < f->nscales; s++) {
            (*terms)[s] = nums + at;
            at += in->fields[f->scales[s].field].nterms;
        }
        an_row r;
        r.v = &v;
        r.form = f;
        r.vals = *vals;
        r.rater_ok = x->rater_ok;
        r.scale_score = nums;
        r.scale_answered = b->counts ? b->counts + x->counts : NULL;
        r.scale_terms = *terms;
        memcpy(r.role, x->role, sizeof r.role);
        r.alliance = x->alliance;
        consume(sc, &r);
    }
}

static at_status scan_piped(scan *sc, const admin_filter *flt)
{
    pipeline p;
    memset(&p, 0, sizeof p);
    p.sc = sc;
    p.flt = flt;
    p.h = handoff_new();
    for (int k = 0; k < NBATCH; k++) {
        batch *b = xcalloc(1, sizeof *b);
        b->rows = xcalloc(BATCH_ROWS, sizeof *b->rows);
        handoff_give(p.h, &b->link);
    }
    pthread_t reader;
    int threaded = pthread_create(&reader, NULL, reader_main, &p) == 0;
    if (!threaded) {
        /* no second thread: everything here */
        p.status = store_admin_each(sc->cx->s, flt, on_admin, sc, &sc->err);
        handoff_finish(p.h);
    }
    const char **vals = NULL;
    const double **terms = NULL;
    size_t vcap = 0, tcap = 0;
    batch *b;
    while ((b = (batch *)handoff_receive(p.h))) {
        consume_batch(sc, b, &vals, &vcap, &terms, &tcap);
        handoff_give(p.h, &b->link);
    }
    if (threaded)
        pthread_join(reader, NULL);
    free(vals);
    free(terms);
    while ((b = (batch *)handoff_drain(p.h)))
        batch_free(b);
    handoff_free(p.h);
    return p.status;
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
    for (size_t i = 0; i < n; i++) {
        unsigned fl = a[i]->flags ? a[i]->flags(o) : 0;
        if (fl & AN_ALL_RATERS)
            all_raters = 1;
        if (fl & AN_ALL_SCALES)
            sc.all_scales = 1;
    }
    admin_filter flt;
    memset(&flt, 0, sizeof flt);
    flt.instrument = o->instrument;
    flt.client = use_client_filter ? o->client : NULL;
    flt.therapist = o->therapist;
    flt.cohort = o->cohort;
    flt.rater = all_raters ? NULL : o->rater;
    flt.from_date = o->from;
    flt.to_date = o->to;

    at_status st_code = o->threads > 1 ? scan_piped(&sc, &flt)
                                       : store_admin_each(cx->s, &flt, on_admin, &sc, &sc.err);
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
