/* scan.c: one reading of the store, fed to every analysis at once.
 *
 * Rows arrive in client, session, rater, rater code order.  For each
 * administration the scan fills the answer array and scores it with the
 * scoring model of lib/score/score.h (pointing at the stored strings; calc
 * columns computed only when a score reads one), adds the alliance score
 * to the client's series, and calls each analysis.
 * When the client changes, each analysis gets the finished client.  With
 * --threads 2 the reading and scoring run on two threads (scan_read.c). */
#include "scan_int.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- instrument versions ------------------------------------------------ */

/* A version's model, and whether the store's columns for it are the
 * instrument's own, found at its first administration (-1 until then). */
typedef struct form_entry {
    an_form *f;
    int match;
} form_entry;

struct an_forms {
    pthread_mutex_t mu;         /* held by a reader looking up or building an entry */
    form_entry *e;
    size_t n, cap;
};

an_forms *forms_new(void)
{
    an_forms *fs = xcalloc(1, sizeof(an_forms));
    pthread_mutex_init(&fs->mu, NULL);
    return fs;
}

void forms_free(an_forms *fs)
{
    if (!fs)
        return;
    for (size_t i = 0; i < fs->n; i++)
        score_form_free(fs->e[i].f);
    free(fs->e);
    pthread_mutex_destroy(&fs->mu);
    free(fs);
}

/* The entry of v's version, built on first use with the reader's own
 * connection (the catalog is only used here, under the lock). */
static int forms_find(scan_reader *rd, const admin_view *v, scan_seen *out)
{
    const an_ctx *cx = rd->cx;
    an_forms *fs = cx->forms;
    long id = v->instrument_id;
    form_entry *e = NULL;
    pthread_mutex_lock(&fs->mu);
    for (size_t i = 0; i < fs->n && !e; i++)
        if (fs->e[i].f->id == id)
            e = &fs->e[i];
    const dict_instrument *in = e ? e->f->in : record_catalog_get_with(cx->cat, rd->s, id,
                                                                       &rd->err);
    if (!e && in) {
        if (fs->n == fs->cap) {
            fs->cap = fs->cap ? 2 * fs->cap : 4;
            fs->e = xrealloc(fs->e, fs->cap * sizeof *fs->e);
        }
        const an_opts *o = cx->o;
        e = &fs->e[fs->n++];
        e->f = score_form_build(in, id, o->has_resolved_at ? &o->resolved_at : NULL);
        e->match = -1;
    }
    if (e) {
        if (e->match < 0)
            e->match = score_columns_match(e->f->in, v);
        out->id = id;
        out->f = e->f;
        out->match = e->match;
    }
    pthread_mutex_unlock(&fs->mu);
    return e != NULL;
}

static const an_form *scan_form(scan_reader *rd, const admin_view *v, int *match)
{
    const scan_seen *seen = NULL;
    for (size_t i = 0; i < rd->nseen && !seen; i++)
        if (rd->seen[i].id == v->instrument_id)
            seen = &rd->seen[i];
    if (!seen) {
        scan_seen found;
        if (!forms_find(rd, v, &found))
            return NULL;
        rd->seen = xrealloc(rd->seen, (rd->nseen + 1) * sizeof *rd->seen);
        rd->seen[rd->nseen] = found;
        seen = &rd->seen[rd->nseen++];
    }
    const dict_instrument *in = seen->f->in;
    *match = seen->match;
    if (in->ncols > rd->vcap) {
        rd->vals = xrealloc(rd->vals, in->ncols * sizeof *rd->vals);
        for (size_t i = rd->vcap; i < in->ncols; i++)
            rd->vals[i] = NULL;
        rd->vcap = in->ncols;
    }
    return seen->f;
}

int an_session_therapists(const admin_view *v)
{
    return strcmp(v->rater, "therapist") == 0 && v->therapist &&
           (!v->rater_code || !v->rater_code[0] || strcmp(v->rater_code, v->therapist) == 0);
}

int an_side_first(int own, const char *name, int kept_own, const char *kept_name)
{
    if (!kept_name)
        return 1;
    if (own != kept_own)
        return own > kept_own;
    return strcmp(name, kept_name) < 0;
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
    return util_code_index(&c->therapists, &c->ntherapists, &c->tcap, code);
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
 * on this thread or on others. */
void scan_consume(scan *sc, const an_row *r)
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

void scan_reader_init(scan_reader *rd, const an_ctx *cx, store *s, int all_scales)
{
    memset(rd, 0, sizeof *rd);
    rd->cx = cx;
    rd->s = s;
    rd->all_scales = all_scales;
}

void scan_reader_release(scan_reader *rd)
{
    free(rd->vals);   /* its strings were borrowed, or freed by score_uncompute */
    score_result_release(&rd->res);
    free(rd->seen);
    memset(rd, 0, sizeof *rd);
}

const an_form *scan_produce(scan_reader *rd, const admin_view *v, an_row *r)
{
    const an_opts *o = rd->cx->o;
    int match = 0;
    const an_form *f = scan_form(rd, v, &match);
    if (!f) {
        rd->failed = 1;
        return NULL;
    }
    score_fill(f->in, match, v, rd->vals, NULL);
    score_compute(f, rd->vals);
    /* only the alliance scale, unless an analysis reads the others */
    score_eval_only(f, rd->vals, &rd->res, rd->all_scales ? -1 : f->alliance_scale);
    r->v = v;
    r->form = f;
    r->vals = rd->vals;
    r->rater_ok = !o->rater || strcmp(v->rater, o->rater) == 0;
    r->scale_score = rd->res.score;
    r->scale_answered = rd->res.answered;
    r->scale_terms = (const double *const *)rd->res.terms;
    memcpy(r->role, rd->res.role, sizeof r->role);
    r->alliance = rd->res.alliance;
    return f;
}

/* Reading and consuming on this thread. */
typedef struct one_thread {
    scan *sc;
    scan_reader rd;
} one_thread;

static int on_admin(const admin_view *v, void *ctx)
{
    one_thread *t = ctx;
    an_row r;
    const an_form *f = scan_produce(&t->rd, v, &r);
    if (!f)
        return 1;
    scan_consume(t->sc, &r);
    score_uncompute(f, t->rd.vals);
    return 0;
}

static at_status scan_one_reader(scan *sc, const admin_filter *flt, int all_scales, at_err *err)
{
    one_thread t = { sc, { 0 } };
    scan_reader_init(&t.rd, sc->cx, sc->cx->s, all_scales);
    at_status rc = store_admin_each(sc->cx->s, flt, on_admin, &t, &t.rd.err);
    if (rc == AT_OK && t.rd.failed)
        rc = t.rd.err.code != AT_OK ? t.rd.err.code : AT_EINVAL;
    if (rc != AT_OK)
        *err = t.rd.err;
    scan_reader_release(&t.rd);
    return rc;
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

    int all_raters = 0, all_scales = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned fl = a[i]->flags ? a[i]->flags(o) : 0;
        if (fl & AN_ALL_RATERS)
            all_raters = 1;
        if (fl & AN_ALL_SCALES)
            all_scales = 1;
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
    flt.brief = 1;      /* no analysis reads the source or the times */

    at_err err;
    at_status code = AT_OK;
    int ran = 0;
    if (o->threads > 1 && cx->s2)
        code = scan_two_readers(&sc, &flt, all_scales, &ran, &err);
    if (!ran)
        code = scan_one_reader(&sc, &flt, all_scales, &err);
    int rc = 0;
    if (code != AT_OK) {
        an_fail("%s", err.msg);
        rc = -1;
    } else {
        client_flush(&sc);
    }
    client_release(&sc.client);
    return rc;
}
