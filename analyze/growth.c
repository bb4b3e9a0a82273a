/* growth.c: the linear mixed model of a scale's score on time, with a
 * random intercept and slope per client (and an intercept per therapist),
 * fitted by REML or ML as lme4 fits it (lib/stats/mixed.c), one model per
 * instrument, scale and rater, written in broom.mixed's tidy layout.
 *
 * Each client's scores are gathered from the rows as they come (several
 * ratings of one session count as their mean) and handed to the model when
 * the client ends, so memory holds one client's scores plus a few sums per
 * client already seen. */
#include "analyze.h"
#include "mixed.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct gsess {
    long session, day;          /* day: days since 1970-01-01, -1 when undated */
    double sum;
    size_t count;
} gsess;

/* One client's scores of one instrument, scale and rater. */
typedef struct gseries {
    const char *instrument, *scale;   /* owned by the catalog */
    char *rater;
    gsess *s;
    size_t n, cap;
    char *first_ther, *last_ther;   /* of the first and the latest session */
    int crossed;                /* sessions with more than one therapist */
} gseries;

typedef struct gmodel {
    const char *instrument, *scale;
    char *rater;
    mixed_data *d;
    char **client, **ther;      /* per client index: code, therapist of the latest session */
    size_t nclients, ccap;
    char **tcode;               /* the therapist codes met, in order: model indices */
    size_t ntcode, tcap;
    long undated;               /* sessions left out under --time week */
    char *crossed;              /* a client seen with two therapists (first met) */
} gmodel;

typedef struct growth {
    const an_opts *o;
    csvout w, rw;
    int want_ranef;
    outfile rout;               /* --ranef FILE when run on its own */
    gseries *cs;                /* the current client's series */
    size_t ncs, cscap;
    gmodel *m;
    size_t nm, mcap;
    int scale_found;
} growth;

static const char *const head[] = { "instrument", "scale", "rater", "model", "effect",
                                    "group", "term", "estimate", "std_error", "statistic", NULL };
static const char *const rhead[] = { "instrument", "scale", "rater", "client", "therapist",
                                     "intercept", "slope", NULL };

static void growth_free(void *st);

static void *growth_start(const an_ctx *cx, FILE *out, FILE *extra)
{
    growth *g = xcalloc(1, sizeof *g);
    g->o = cx->o;
    csvout_init_file(&g->w, out);
    csvout_row(&g->w, head, an_ncolumns(head));
    if (!extra && cx->o->ranef) {
        if (an_open_out(&g->rout, cx->o->ranef, store_path(cx->s)) != 0) {
            growth_free(g);
            return NULL;
        }
        extra = g->rout.fp;
    }
    if (extra) {
        g->want_ranef = 1;
        csvout_init_file(&g->rw, extra);
        csvout_row(&g->rw, rhead, an_ncolumns(rhead));
    }
    return g;
}

/* The score the model is of: --scale's, else the alliance score. */
static double row_score(growth *g, const an_row *r, const char **scale)
{
    const an_form *f = r->form;
    const dict_instrument *in = f->in;
    if (!g->o->scale) {
        if (f->role[ROLE_ALLIANCE] < 0)
            return NAN;
        *scale = in->fields[f->role[ROLE_ALLIANCE]].name;
        return r->alliance;
    }
    for (size_t i = 0; i < f->nscales; i++) {
        const char *name = in->fields[f->scales[i].field].name;
        if (strcmp(name, g->o->scale) == 0) {
            g->scale_found = 1;
            *scale = name;
            return r->scale_score[i];
        }
    }
    return NAN;
}

static gseries *client_series(growth *g, const char *instrument, const char *scale,
                              const char *rater)
{
    for (size_t i = 0; i < g->ncs; i++) {
        gseries *s = &g->cs[i];
        if (!strcmp(s->instrument, instrument) && !strcmp(s->scale, scale) &&
            !strcmp(s->rater, rater))
            return s;
    }
    if (g->ncs == g->cscap) {
        g->cscap = g->cscap ? 2 * g->cscap : 4;
        g->cs = xrealloc(g->cs, g->cscap * sizeof *g->cs);
    }
    gseries *s = &g->cs[g->ncs++];
    memset(s, 0, sizeof *s);
    s->instrument = instrument;
    s->scale = scale;
    s->rater = xstrdup(rater);
    return s;
}

static void growth_row(void *st, const an_row *r)
{
    growth *g = st;
    const admin_view *v = r->v;
    const char *scale = NULL;
    if (!r->rater_ok)
        return;
    double y = row_score(g, r, &scale);
    if (isnan(y))
        return;
    gseries *s = client_series(g, r->form->in->name, scale, v->rater);
    if (s->n && s->s[s->n - 1].session == v->session) {
        s->s[s->n - 1].sum += y;
        s->s[s->n - 1].count++;
        return;
    }
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        s->s = xrealloc(s->s, s->cap * sizeof *s->s);
    }
    gsess *e = &s->s[s->n];
    e->session = v->session;
    e->day = v->date && util_valid_iso_date(v->date) ? util_iso_date_days(v->date) : -1;
    e->sum = y;
    e->count = 1;
    const char *ther = v->therapist ? v->therapist : "";
    if (!s->n) {
        s->first_ther = xstrdup(ther);
        s->last_ther = xstrdup(ther);
    } else if (strcmp(s->last_ther, ther) != 0) {
        s->crossed = 1;
        free(s->last_ther);
        s->last_ther = xstrdup(ther);
    }
    s->n++;
}

static gmodel *model_of(growth *g, const gseries *s)
{
    for (size_t i = 0; i < g->nm; i++) {
        gmodel *m = &g->m[i];
        if (!strcmp(m->instrument, s->instrument) && !strcmp(m->scale, s->scale) &&
            !strcmp(m->rater, s->rater))
            return m;
    }
    if (g->nm == g->mcap) {
        g->mcap = g->mcap ? 2 * g->mcap : 4;
        g->m = xrealloc(g->m, g->mcap * sizeof *g->m);
    }
    gmodel *m = &g->m[g->nm++];
    memset(m, 0, sizeof *m);
    m->instrument = s->instrument;
    m->scale = s->scale;
    m->rater = xstrdup(s->rater);
    m->d = mixed_data_new();
    return m;
}

static size_t therapist_index(gmodel *m, const char *code)
{
    return util_code_index(&m->tcode, &m->ntcode, &m->tcap, code);
}

/* Hands one finished series to its model: time is the session number, or
 * the days since the client's first dated scored session of the series
 * divided by 7. */
static void series_done(growth *g, const char *client, gseries *s)
{
    gmodel *m = model_of(g, s);
    double *x = xmalloc(s->n * sizeof *x), *y = xmalloc(s->n * sizeof *y);
    long first = -1;
    for (size_t j = 0; j < s->n; j++)
        if (s->s[j].day >= 0 && (first < 0 || s->s[j].day < first))
            first = s->s[j].day;
    for (size_t j = 0; j < s->n; j++) {
        y[j] = s->s[j].sum / (double)s->s[j].count;
        if (!g->o->time_week)
            x[j] = (double)s->s[j].session;
        else if (s->s[j].day >= 0)
            x[j] = (double)(s->s[j].day - first) / 7;
        else {
            x[j] = NAN;
            m->undated++;
        }
    }
    if (s->crossed && !m->crossed)
        m->crossed = xstrdup(client);
    size_t t = therapist_index(m, s->first_ther);
    long ci = mixed_data_add(m->d, t, x, y, s->n);
    if (ci >= 0) {
        if (m->nclients == m->ccap) {
            m->ccap = m->ccap ? 2 * m->ccap : 64;
            m->client = xrealloc(m->client, m->ccap * sizeof *m->client);
            m->ther = xrealloc(m->ther, m->ccap * sizeof *m->ther);
        }
        m->client[m->nclients] = xstrdup(client);
        m->ther[m->nclients] = xstrdup(s->last_ther);
        m->nclients++;
    }
    free(x);
    free(y);
}

static void series_release(gseries *s)
{
    free(s->first_ther);
    free(s->last_ther);
    free(s->s);
    free(s->rater);
}

static void growth_client(void *st, const an_client *c)
{
    growth *g = st;
    for (size_t i = 0; i < g->ncs; i++) {
        if (g->cs[i].n)
            series_done(g, c->code, &g->cs[i]);
        series_release(&g->cs[i]);
    }
    g->ncs = 0;
}

static void model_text(const an_opts *o, char *buf, size_t n)
{
    snprintf(buf, n, "score ~ time + (time | client)%s; %s",
             o->therapist_level ? " + (1 | therapist)" : "", o->ml ? "ML" : "REML");
}

static void lead(growth *g, const gmodel *m, const char *model, const char *effect,
                 const char *group, const char *term)
{
    csvout_field(&g->w, m->instrument);
    csvout_field(&g->w, m->scale);
    csvout_field(&g->w, m->rater);
    csvout_field(&g->w, model);
    csvout_field(&g->w, effect);
    csvout_field(&g->w, group);
    csvout_field(&g->w, term);
}

static void par(growth *g, const gmodel *m, const char *model, const char *effect,
                const char *group, const char *term, double est, double se, double stat)
{
    lead(g, m, model, effect, group, term);
    csvout_num(&g->w, est);
    csvout_num(&g->w, se);
    csvout_num(&g->w, stat);
    csvout_end(&g->w);
}

static void fitrow(growth *g, const gmodel *m, const char *model, const char *group,
                   const char *term, double value)
{
    par(g, m, model, "fit", group, term, value, NAN, NAN);
}

static void write_model(growth *g, const gmodel *m, const mixed_result *r)
{
    const an_opts *o = g->o;
    char model[96];
    model_text(o, model, sizeof model);
    par(g, m, model, "fixed", "", "(Intercept)", r->beta[0], r->beta_se[0], r->beta_t[0]);
    par(g, m, model, "fixed", "", "time", r->beta[1], r->beta_se[1], r->beta_t[1]);
    par(g, m, model, "ran_pars", "client", "sd__(Intercept)", r->sd_intercept, NAN, NAN);
    par(g, m, model, "ran_pars", "client", "cor__(Intercept).time", r->cor, NAN, NAN);
    par(g, m, model, "ran_pars", "client", "sd__time", r->sd_slope, NAN, NAN);
    if (o->therapist_level)
        par(g, m, model, "ran_pars", "therapist", "sd__(Intercept)", r->sd_therapist, NAN, NAN);
    par(g, m, model, "ran_pars", "Residual", "sd__Observation", r->sigma, NAN, NAN);
    fitrow(g, m, model, "", "nobs", (double)r->nobs);
    fitrow(g, m, model, "client", "ngroups", (double)r->nclients);
    if (o->therapist_level)
        fitrow(g, m, model, "therapist", "ngroups", (double)r->ntherapists);
    fitrow(g, m, model, "", "logLik", r->loglik);
    fitrow(g, m, model, "", o->ml ? "deviance" : "REMLcrit", r->criterion);
    fitrow(g, m, model, "", "AIC", r->aic);
    fitrow(g, m, model, "", "BIC", r->bic);
    fitrow(g, m, model, "", "converged", r->converged);
    fitrow(g, m, model, "", "singular", r->singular);
    if (!g->want_ranef)
        return;
    for (size_t i = 0; i < m->nclients; i++) {
        csvout_field(&g->rw, m->instrument);
        csvout_field(&g->rw, m->scale);
        csvout_field(&g->rw, m->rater);
        csvout_field(&g->rw, m->client[i]);
        csvout_field(&g->rw, m->ther[i]);
        csvout_num(&g->rw, r->ranef[2 * i]);
        csvout_num(&g->rw, r->ranef[2 * i + 1]);
        csvout_end(&g->rw);
    }
}

static int by_model(const void *a, const void *b)
{
    const gmodel *x = a, *y = b;
    int c = strcmp(x->instrument, y->instrument);
    if (!c)
        c = strcmp(x->scale, y->scale);
    return c ? c : strcmp(x->rater, y->rater);
}

static void fit_one(growth *g, const gmodel *m)
{
    const an_opts *o = g->o;
    char what[256];
    snprintf(what, sizeof what, "growth of '%s' in %s, rater %s", m->scale, m->instrument,
             m->rater);
    if (m->undated)
        an_note("%s: %ld session%s without a date left out of --time week", what, m->undated,
                m->undated == 1 ? "" : "s");
    if (o->therapist_level && m->crossed) {
        an_note("%s: client '%s' has sessions with more than one therapist; the therapist "
                "level needs each client with one therapist (try --therapist T); no model",
                what, m->crossed);
        return;
    }
    mixed_spec sp = { 1, o->therapist_level, !o->ml, (mixed_center)o->center, 0 };
    mixed_result r;
    at_err err;
    if (mixed_fit(m->d, &sp, g->want_ranef, &r, &err) != AT_OK) {
        an_note("%s: %s; no model", what, err.msg);
        return;
    }
    write_model(g, m, &r);
    if (!r.converged)
        an_note("%s: did not converge (largest gradient %g after %zu evaluations); read "
                "the estimates with care", what, r.gradient, r.evaluations);
    if (r.singular)
        an_note("%s: singular fit (a variance at 0 or a correlation at +-1): the random "
                "effects are more than the data support", what);
    mixed_result_release(&r);
}

static int growth_finish(void *st)
{
    growth *g = st;
    if (g->o->scale && !g->scale_found) {
        an_fail("'%s': no instrument read has a scale of that name", g->o->scale);
        return -1;
    }
    if (g->nm)
        qsort(g->m, g->nm, sizeof *g->m, by_model);
    for (size_t i = 0; i < g->nm; i++)
        fit_one(g, &g->m[i]);
    if (!g->nm)
        an_note("growth: no scores in the selection; the table is empty");
    if (g->rout.fp && an_close_out(&g->rout, 1) != 0)
        return -1;
    return 0;
}

static void growth_free(void *st)
{
    growth *g = st;
    if (!g)
        return;
    for (size_t i = 0; i < g->ncs; i++)
        series_release(&g->cs[i]);
    free(g->cs);
    for (size_t i = 0; i < g->nm; i++) {
        gmodel *m = &g->m[i];
        for (size_t c = 0; c < m->nclients; c++) {
            free(m->client[c]);
            free(m->ther[c]);
        }
        for (size_t t = 0; t < m->ntcode; t++)
            free(m->tcode[t]);
        free(m->client);
        free(m->ther);
        free(m->tcode);
        free(m->rater);
        free(m->crossed);
        mixed_data_free(m->d);
    }
    free(g->m);
    an_close_out(&g->rout, 0);
    free(g);
}

static unsigned growth_flags(const an_opts *o)
{
    /* a --scale other than the alliance one needs every scale scored */
    return AN_OWN_NOTE | (o->scale ? AN_ALL_SCALES : 0);
}

const an_analysis an_growth = {
    .name = "growth",
    .summary = "multilevel growth model of a score over sessions (as lme4's lmer)",
    .help =
        "The linear mixed model score ~ time + (time | client): a fixed intercept\n"
        "and slope of time, and each client's own intercept and slope as random\n"
        "effects (correlated), one model per instrument, scale and rater; with\n"
        "--therapist-level, score ~ time + (time | client) + (1 | therapist), clients\n"
        "nested in therapists.  Fitted by REML (default) or ML from the criterion\n"
        "profiled over the relative covariance factor, as lme4 1.1 does (Bates et\n"
        "al. 2015); agrees with lmer to 1e-6 in the fixed effects.  The score is\n"
        "the alliance score unless --scale names another scale; several ratings of\n"
        "one session count as their mean.  A singular fit and a fit that did not\n"
        "converge are marked in the converged and singular rows and noted.\n"
        "\n"
        "  --scale NAME        the scale (a calc field with terms) to model\n"
        "  --ml                maximum likelihood instead of REML\n"
        "  --time session|week\n"
        "                      time is the session number (default), or the days\n"
        "                      since the client's first dated scored session / 7\n"
        "  --center none|grand|client\n"
        "                      subtract nothing (default), the mean time of every\n"
        "                      observation, or each client's own mean time\n"
        "  --therapist-level   add a random intercept per therapist\n"
        "  --ranef FILE        each client's predicted line (fixed effects plus its\n"
        "                      conditional modes, and its therapist's):\n"
        "                      instrument,scale,rater,client,therapist,intercept,slope;\n"
        "                      not where the model's table goes (- is standard\n"
        "                      output, with -o FILE for the model)\n"
        "\n"
        "columns (broom.mixed's tidy layout): instrument,scale,rater,model,effect,\n"
        "         group,term,estimate,std_error,statistic\n"
        "model: the formula, then REML or ML\n"
        "rows: fixed (Intercept) and time (std_error, statistic = t value);\n"
        "      ran_pars sd__(Intercept), cor__(Intercept).time, sd__time (client),\n"
        "      sd__(Intercept) (therapist), sd__Observation (Residual);\n"
        "      fit nobs, ngroups, logLik, REMLcrit or deviance, AIC, BIC, converged,\n"
        "      singular (1 or 0)\n",
    .options = OPT_GROWTH,
    .flags = growth_flags,
    .start = growth_start,
    .columns = head,
    .extra_columns = rhead,
    .row = growth_row,
    .client_end = growth_client,
    .finish = growth_finish,
    .free = growth_free,
};
