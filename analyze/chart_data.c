/* chart_data.c: what the charts show, gathered from the scan's rows and
 * finished clients.  No drawing here. */
#include "chart.h"
#include "mixed.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- client charts ------------------------------------------------------ */

void gather_init(chart_gather *g, const an_ctx *cx)
{
    memset(g, 0, sizeof *g);
    g->cx = cx;
}

static chart_session *session_at(chart_client *ch, long session)
{
    if (ch->n && ch->s[ch->n - 1].session == session)
        return &ch->s[ch->n - 1];
    for (size_t i = 0; i < ch->n; i++)
        if (ch->s[i].session == session)
            return &ch->s[i];
    if (ch->n == ch->cap) {
        ch->cap = ch->cap ? 2 * ch->cap : 16;
        ch->s = xrealloc(ch->s, ch->cap * sizeof *ch->s);
    }
    /* rows come in session order, so appending keeps the list sorted */
    chart_session *s = &ch->s[ch->n++];
    memset(s, 0, sizeof *s);
    s->session = session;
    s->score = s->therapist_score = s->tension = NAN;
    s->reported = s->resolved = -1;
    s->alert_below = NAN;
    return s;
}

void gather_row(chart_gather *g, const an_row *r)
{
    chart_client *ch = &g->cur;
    const admin_view *v = r->v;
    const an_form *f = r->form;
    if (f->role[ROLE_ALLIANCE] < 0 && f->role[ROLE_RUPTURE] < 0)
        return;
    if (!ch->client)
        ch->client = xstrdup(v->client);
    chart_session *s = session_at(ch, v->session);
    if (!s->date[0] && v->date && strlen(v->date) == 10)
        memcpy(s->date, v->date, 11);
    if (!r->rater_ok)
        return;
    if (v->therapist && v->therapist[0]) {
        free(ch->therapist);   /* the therapist of the latest session */
        ch->therapist = xstrdup(v->therapist);
    }
    if (f->role[ROLE_RUPTURE] >= 0 && s->reported < 0 && !isnan(r->role[ROLE_RUPTURE])) {
        s->reported = r->role[ROLE_RUPTURE] == 1;
        s->tension = r->role[ROLE_TENSION];
        s->resolved = role_resolved(r);
    }
    if (f->role[ROLE_ALLIANCE] >= 0) {
        if (g->ngiven == g->givencap) {
            g->givencap = g->givencap ? 2 * g->givencap : 16;
            g->given = xrealloc(g->given, g->givencap * sizeof *g->given);
        }
        chart_given *gv = &g->given[g->ngiven++];
        gv->instrument = f->in->name;
        snprintf(gv->rater, sizeof gv->rater, "%s", v->rater ? v->rater : "");
        gv->session = v->session;
        gv->version = v->version;
        gv->form = f;
        gv->scored = !isnan(r->alliance);
        gv->answered = -1;
        gv->nterms = gv->needed = 0;
        if (f->alliance_scale >= 0) {
            const dict_field *fd = &f->in->fields[f->scales[f->alliance_scale].field];
            gv->answered = (long)r->scale_answered[f->alliance_scale];
            gv->nterms = (long)fd->nterms;
            gv->needed = fd->minitems;
        }
    }
}

/* The alliance field of a version; NULL when it has none. */
static const dict_field *alliance_field(const an_form *f)
{
    return f->role[ROLE_ALLIANCE] >= 0 ? &f->in->fields[f->role[ROLE_ALLIANCE]] : NULL;
}

/* How version b's alliance score and cut-off differ from a's, into what. */
static void change_words(const an_form *a, const an_form *b, char *what, size_t n)
{
    const dict_field *fa = alliance_field(a), *fb = alliance_field(b);
    char n1[32], n2[32];
    size_t len = 0;
    what[0] = '\0';
    if (fa && fb && (strcmp(fa->cols[DC_CHOICES], fb->cols[DC_CHOICES]) != 0 ||
                     strcmp(fa->cols[DC_TYPE], fb->cols[DC_TYPE]) != 0 ||
                     fa->minitems != fb->minitems)) {
        if (fa->terms && fb->terms && fa->nterms != fb->nterms)
            len += (size_t)snprintf(what, n, "the alliance score of %zu terms, not %zu",
                                    fb->nterms, fa->nterms);
        else
            len += (size_t)snprintf(what, n, "the alliance score worked out differently");
    }
    if (a->has_alert_below != b->has_alert_below ||
        (a->has_alert_below && a->alert_below != b->alert_below)) {
        const char *sep = len ? "; " : "";
        if (len < n && b->has_alert_below && a->has_alert_below)
            len += (size_t)snprintf(what + len, n - len, "%salert under %s, not %s", sep,
                                    an_fmt(b->alert_below, n1), an_fmt(a->alert_below, n2));
        else if (len < n && b->has_alert_below)
            len += (size_t)snprintf(what + len, n - len, "%salert under %s, none before", sep,
                                    an_fmt(b->alert_below, n1));
        else if (len < n)
            len += (size_t)snprintf(what + len, n - len, "%sno alert cut-off, under %s before",
                                    sep, an_fmt(a->alert_below, n2));
    }
    if (len == 0)
        snprintf(what, n, "the alliance score and its cut-off as before");
}

/* Each session's version of the drawn series (m) and its cut-off; the
 * sessions where the version changes. */
static void session_versions(chart_gather *g, chart_client *ch, const char *instrument,
                             const char *rater)
{
    const an_form **form = xcalloc(ch->n ? ch->n : 1, sizeof *form);
    for (size_t k = 0; k < g->ngiven; k++) {
        const chart_given *gv = &g->given[k];
        if (strcmp(gv->instrument, instrument) != 0 || strcmp(gv->rater, rater) != 0)
            continue;
        for (size_t i = 0; i < ch->n; i++) {
            chart_session *s = &ch->s[i];
            if (s->session != gv->session)
                continue;
            if (!form[i]) {
                form[i] = gv->form;
                s->version = gv->version;
            }
            if (!gv->scored && isnan(s->score) && !s->unscored) {
                s->unscored = 1;
                s->answered = gv->answered;
                s->nterms = gv->nterms;
                s->needed = gv->needed;
            }
        }
    }
    /* a session without one takes the session before's, the first ones
     * the first session's with one */
    const an_form *last = NULL;
    long last_version = 0;
    for (size_t i = 0; i < ch->n && !last; i++)
        if (form[i])
            last = form[i], last_version = ch->s[i].version;
    for (size_t i = 0; i < ch->n; i++) {
        chart_session *s = &ch->s[i];
        if (!form[i]) {
            s->version = 0;
            form[i] = last;
        } else if (last && s->version != last_version) {
            if (ch->nchange < sizeof ch->change / sizeof ch->change[0]) {
                chart_change *c = &ch->change[ch->nchange++];
                c->session = s->session;
                c->version = s->version;
                change_words(last, form[i], c->what, sizeof c->what);
            }
            last_version = s->version;
        }
        if (form[i]) {
            last = form[i];
            s->has_alert = form[i]->has_alert_below;
            s->alert_below = form[i]->has_alert_below ? form[i]->alert_below : NAN;
            ch->has_alert |= s->has_alert;
        }
    }
    free(form);
}

/* The series drawn: the first (by instrument name) of the rater asked for,
 * the client's when every rater was asked for. */
static const an_series *main_series(const an_client *c)
{
    const an_series *first = NULL;
    for (size_t i = 0; i < c->nseries; i++) {
        const an_series *s = &c->series[i];
        if (!s->rater_ok)
            continue;
        if (strcmp(s->rater, "client") == 0)
            return s;
        if (!first)
            first = s;
    }
    return first;
}

/* The least-squares line of a series' scores on session number (3 or more). */
static void least_squares(const an_series *m, chart_fit *f)
{
    double *x = xmalloc((m->n ? m->n : 1) * sizeof *x);
    for (size_t j = 0; j < m->n; j++)
        x[j] = (double)m->session[j];
    ols_result fit;
    memset(f, 0, sizeof *f);
    if (stats_ols(x, m->score, m->n, 3, &fit) == 0) {
        f->has = 1;
        f->intercept = fit.intercept;
        f->slope = fit.slope;
        snprintf(f->label, sizeof f->label, "least-squares line");
    }
    free(x);
}

/* Whether two series can share an axis: the same instrument, or scores
 * whose ranges overlap (a 1-5 mean and a 0-40 sum do not). */
static int same_scale(const an_series *a, const an_series *b)
{
    if (strcmp(a->instrument, b->instrument) == 0 || a->n == 0 || b->n == 0)
        return 1;
    double alo = a->score[0], ahi = alo, blo = b->score[0], bhi = blo;
    for (size_t i = 1; i < a->n; i++) {
        alo = alo < a->score[i] ? alo : a->score[i];
        ahi = ahi > a->score[i] ? ahi : a->score[i];
    }
    for (size_t i = 1; i < b->n; i++) {
        blo = blo < b->score[i] ? blo : b->score[i];
        bhi = bhi > b->score[i] ? bhi : b->score[i];
    }
    return alo <= bhi && blo <= ahi;
}

static void on_episode(const episode *e, void *ctx)
{
    chart_client *ch = ctx;
    if (ch->nep == ch->epcap) {
        ch->epcap = ch->epcap ? 2 * ch->epcap : 4;
        ch->ep = xrealloc(ch->ep, ch->epcap * sizeof *ch->ep);
    }
    ch->ep[ch->nep++] = *e;
}

int gather_client(chart_gather *g, const an_client *c)
{
    chart_client *ch = &g->cur;
    const an_series *m = main_series(c);
    if (!ch->client)
        ch->client = xstrdup(c->code);
    int any_report = 0;
    for (size_t i = 0; i < ch->n; i++)
        if (ch->s[i].reported >= 0)
            any_report = 1;
    /* without a score, the questionnaires that could not be scored: the
     * client's first, as main_series chooses */
    const chart_given *unscored = NULL;
    for (size_t k = 0; k < g->ngiven && !m; k++)
        if (!unscored || (strcmp(g->given[k].rater, "client") == 0 &&
                          strcmp(unscored->rater, "client") != 0))
            unscored = &g->given[k];
    if (!m && !any_report && !unscored)
        return 0;
    if (m) {
        ch->instrument = xstrdup(m->instrument);
        ch->rater = xstrdup(m->rater);
        for (size_t j = 0; j < m->n; j++)
            session_at(ch, m->session[j])->score = m->score[j];
        session_versions(g, ch, m->instrument, m->rater);
        episode_params p;
        if (m->n >= 2 && episodes_params(g->cx, m, &p, ch->rule, sizeof ch->rule) == 0)
            episodes_find(m->session, m->score, m->n, &p, on_episode, ch);
        if (!(g->fit_for && g->fit_for(g->fit_ctx, ch->client, m, &ch->fit) == 1 && ch->fit.has))
            least_squares(m, &ch->fit);
        if (strcmp(m->rater, "therapist") != 0) {
            for (size_t i = 0; i < c->nseries; i++) {
                const an_series *t = &c->series[i];
                if (strcmp(t->rater, "therapist") != 0)
                    continue;
                if (!same_scale(m, t)) {
                    ch->therapist_elsewhere = 1;
                    break;
                }
                ch->therapist_instrument = xstrdup(t->instrument);
                for (size_t j = 0; j < t->n; j++)
                    session_at(ch, t->session[j])->therapist_score = t->score[j];
                break;
            }
        }
    } else if (unscored) {
        ch->instrument = xstrdup(unscored->instrument);
        ch->rater = xstrdup(unscored->rater);
        session_versions(g, ch, ch->instrument, ch->rater);
    } else {
        ch->rater = xstrdup(g->cx->o->rater ? g->cx->o->rater : "client");
    }
    return 1;
}

void gather_reset(chart_gather *g)
{
    chart_client *ch = &g->cur;
    free(ch->client);
    free(ch->therapist);
    free(ch->instrument);
    free(ch->rater);
    free(ch->therapist_instrument);
    ch->client = ch->therapist = ch->instrument = ch->rater = ch->therapist_instrument = NULL;
    ch->n = ch->nep = 0;
    ch->rule[0] = '\0';
    ch->has_alert = 0;
    ch->nchange = 0;
    ch->therapist_elsewhere = 0;
    g->ngiven = 0;
    memset(&ch->fit, 0, sizeof ch->fit);
}

void gather_release(chart_gather *g)
{
    gather_reset(g);
    free(g->cur.s);
    free(g->cur.ep);
    free(g->given);
    memset(g, 0, sizeof *g);
}

/* ---- repair by week ----------------------------------------------------- */

static chart_panel *panel_of(chart_repair *rp, const char *therapist, const char *cohort)
{
    for (size_t i = rp->n; i-- > 0;)
        if (strcmp(rp->p[i].therapist, therapist) == 0)
            return &rp->p[i];
    if (rp->n == rp->cap) {
        rp->cap = rp->cap ? 2 * rp->cap : 4;
        rp->p = xrealloc(rp->p, rp->cap * sizeof *rp->p);
    }
    chart_panel *p = &rp->p[rp->n++];
    memset(p, 0, sizeof *p);
    p->therapist = xstrdup(therapist);
    p->cohort = xstrdup(cohort);
    return p;
}

void repair_row(chart_repair *rp, const an_row *r)
{
    const admin_view *v = r->v;
    if (!r->rater_ok || r->form->role[ROLE_RUPTURE] < 0)
        return;
    if (!v->date || !util_valid_iso_date(v->date)) {
        rp->undated++;
        if (isnan(r->role[ROLE_RUPTURE]))
            return;     /* not counted among the questionnaires either way */
        const char *t = v->therapist ? v->therapist : "";
        size_t i = rp->nund;
        while (i-- > 0 && strcmp(rp->und[i].therapist, t) != 0)
            ;
        if (i == (size_t)-1) {
            if (rp->nund == rp->undcap) {
                rp->undcap = rp->undcap ? 2 * rp->undcap : 4;
                rp->und = xrealloc(rp->und, rp->undcap * sizeof *rp->und);
            }
            i = rp->nund++;
            rp->und[i].therapist = xstrdup(t);
            rp->und[i].n = 0;
        }
        rp->und[i].n++;
        return;
    }
    chart_panel *p = panel_of(rp, v->therapist ? v->therapist : "", v->cohort ? v->cohort : "");
    if (p->npt == p->ptcap) {
        p->ptcap = p->ptcap ? 2 * p->ptcap : 32;
        p->pt = xrealloc(p->pt, p->ptcap * sizeof *p->pt);
    }
    double rup = r->role[ROLE_RUPTURE];
    if (!p->last_client || strcmp(p->last_client, v->client) != 0) {
        free(p->last_client);
        p->last_client = xstrdup(v->client);
        p->nclients++;
    }
    p->pt[p->npt].client = p->nclients;
    p->pt[p->npt].day = util_iso_date_days(v->date);
    p->pt[p->npt].rupture = isnan(rup) ? -1 : rup == 1;
    p->pt[p->npt].resolved = rup == 1 ? role_resolved(r) : -1;
    p->npt++;
}

static int by_therapist(const void *a, const void *b)
{
    return strcmp(((const chart_panel *)a)->therapist, ((const chart_panel *)b)->therapist);
}

static void fit_line(chart_fit *f, const double *x, const double *y, size_t n, const char *what)
{
    ols_result res;
    memset(f, 0, sizeof *f);
    if (stats_ols(x, y, n, 3, &res) != 0)
        return;
    f->has = 1;
    f->intercept = res.intercept;
    f->slope = res.slope;
    snprintf(f->label, sizeof f->label, "least-squares line of the %s", what);
}

/* The line of a panel's questionnaires (which: 0 the rupture rate, 1 the
 * resolved rate) from the growth model trends fits, y ~ week + (1 | client)
 * by REML over the questionnaires themselves (1 for a rupture, 0 for none),
 * so each client counts as one client and not by its number of sessions.
 * Returns 0 when fitted, -1 when the model cannot be (fewer than 3 clients,
 * or fewer questionnaires than clients + 2). */
static int model_line(const chart_panel *p, int which, chart_fit *f, const char *what)
{
    mixed_data *d = mixed_data_new();
    double *x = xmalloc((p->npt ? p->npt : 1) * sizeof *x);
    double *y = xmalloc((p->npt ? p->npt : 1) * sizeof *y);
    size_t i = 0;
    while (i < p->npt) {
        size_t n = 0;
        long client = p->pt[i].client;
        for (; i < p->npt && p->pt[i].client == client; i++) {
            int v = which ? (p->pt[i].rupture == 1 ? p->pt[i].resolved : -1) : p->pt[i].rupture;
            if (v < 0)
                continue;
            x[n] = (double)((p->pt[i].day - p->first_day) / 7);
            y[n++] = (double)v;
        }
        if (n)
            mixed_data_add(d, 0, x, y, n);
    }
    free(x);
    free(y);
    mixed_spec spec = { 0, 0, 1, MIXED_CENTER_NONE, 0 };
    mixed_result res;
    at_err err;
    memset(&res, 0, sizeof res);
    /* as trends does: with fewer points than clients + 2 the slope is not
     * determined (the criterion is flat in the clients' variance) */
    int rc = mixed_data_nclients(d) >= 3 &&
                     mixed_data_nobs(d) >= mixed_data_nclients(d) + 2 &&
                     mixed_fit(d, &spec, 0, &res, &err) == AT_OK &&
                     isfinite(res.beta[0]) && isfinite(res.beta[1])
                 ? 0
                 : -1;
    if (rc == 0) {
        memset(f, 0, sizeof *f);
        f->has = 1;
        f->intercept = res.beta[0];
        f->slope = res.beta[1];
        snprintf(f->label, sizeof f->label, "growth model of the %s", what);
    }
    mixed_result_release(&res);
    mixed_data_free(d);
    return rc;
}

static void panel_finish(chart_panel *p)
{
    long first = 0, last = 0;
    for (size_t i = 0; i < p->npt; i++) {
        if (i == 0 || p->pt[i].day < first)
            first = p->pt[i].day;
        if (i == 0 || p->pt[i].day > last)
            last = p->pt[i].day;
    }
    p->first_day = first;
    p->nw = p->npt ? (size_t)((last - first) / 7 + 1) : 0;
    p->w = xcalloc(p->nw ? p->nw : 1, sizeof *p->w);
    for (size_t k = 0; k < p->nw; k++)
        p->w[k].week = (long)k;
    for (size_t i = 0; i < p->npt; i++) {
        chart_week *w = &p->w[(p->pt[i].day - first) / 7];
        if (p->pt[i].rupture < 0)
            continue;
        w->answered++;
        if (p->pt[i].rupture) {
            w->ruptures++;
            if (p->pt[i].resolved >= 0) {
                w->rated++;
                w->resolved += p->pt[i].resolved;
            }
        }
    }
    double *x = xmalloc((p->nw ? p->nw : 1) * sizeof *x);
    double *y = xmalloc((p->nw ? p->nw : 1) * sizeof *y);
    size_t n = 0;
    for (size_t k = 0; k < p->nw; k++)
        if (p->w[k].answered) {
            x[n] = (double)k;
            y[n++] = (double)p->w[k].ruptures / (double)p->w[k].answered;
        }
    if (model_line(p, 0, &p->fit_rupture, "rupture rate") != 0)
        fit_line(&p->fit_rupture, x, y, n, "rupture rate");
    n = 0;
    for (size_t k = 0; k < p->nw; k++)
        if (p->w[k].rated) {
            x[n] = (double)k;
            y[n++] = (double)p->w[k].resolved / (double)p->w[k].rated;
        }
    if (model_line(p, 1, &p->fit_resolved, "resolved rate") != 0)
        fit_line(&p->fit_resolved, x, y, n, "resolved rate");
    free(x);
    free(y);
}

void repair_finish(chart_repair *rp)
{
    if (rp->n > 1)
        qsort(rp->p, rp->n, sizeof *rp->p, by_therapist);
    for (size_t i = 0; i < rp->n; i++)
        panel_finish(&rp->p[i]);
    rp->undated_alone = 0;
    for (size_t k = 0; k < rp->nund; k++) {
        size_t i = 0;
        while (i < rp->n && strcmp(rp->p[i].therapist, rp->und[k].therapist) != 0)
            i++;
        if (i < rp->n)
            rp->p[i].undated = rp->und[k].n;
        else
            rp->undated_alone += rp->und[k].n;
    }
}

void repair_release(chart_repair *rp)
{
    for (size_t i = 0; i < rp->n; i++) {
        free(rp->p[i].therapist);
        free(rp->p[i].cohort);
        free(rp->p[i].pt);
        free(rp->p[i].last_client);
        free(rp->p[i].w);
    }
    free(rp->p);
    for (size_t k = 0; k < rp->nund; k++)
        free(rp->und[k].therapist);
    free(rp->und);
    free(rp->title);
    free(rp->rater);
    memset(rp, 0, sizeof *rp);
}
