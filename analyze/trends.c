/* trends.c: ruptures and repair per client, therapist or cohort, and the
 * slopes of resolution and alliance over sessions or weeks of training.
 *
 * Counted: the sessions with an administration (of the chosen rater) of an
 * instrument with a @ROLE=rupture field.  The unit is the session: when
 * several questionnaires rate one session (rater codes, or raters under
 * --rater all), each value of the session is the mean of theirs.  The
 * slopes of a therapist or cohort come from the mixed model
 * y ~ x + (1 | client) (REML, lib/stats/mixed.c), so a client's sessions are not
 * taken as independent and the slope is the change within clients; a
 * client's own row, and a group with one client, has that client's OLS
 * line.  Client rows are written as each client ends; therapist and cohort
 * rows, which gather many clients, at the end. */
#include "analyze.h"
#include "mixed.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One session of the current client, its ratings gathered. */
typedef struct tsess {
    long session;
    double x;                   /* session number or weeks; NaN when undated */
    size_t therapist, cohort;   /* in the client's names */
    const char *instrument;     /* of its first questionnaire (owned by the catalog) */
    int mixed;                  /* questionnaires of different instruments */
    long questionnaires;
    double rup, addr, res, ten, resol, alli;        /* sums */
    long rup_n, addr_n, res_n, ten_n, resol_n, alli_n;
} tsess;

typedef struct grp {
    char *id, *cohort;
    long sessions, questionnaires, rup_n, addr_n, res_n, ten_n, resol_n;
    double ruptures, addr, res, ten, resol;
    mixed_data *resol_d, *alli_d;
    /* whether some client's resolution (alliance) values change between its
     * sessions, and whether some client's x does (over the points with a value) */
    int resol_varies, alli_varies, resol_x_varies, alli_x_varies;
    /* the OLS line (slope, SE) of the first client with points, which is
     * the slope of a group that has no other */
    ols_result resol_ols, alli_ols;
    const char *instrument;
    int mixed;                  /* values of more than one instrument */
} grp;

typedef struct trends {
    const an_opts *o;
    csvout w;
    unsigned by;
    tsess *s;                   /* the current client's sessions */
    size_t ns, scap;
    char **names;               /* the client's therapist and cohort codes, each once */
    size_t nnames, namecap;
    grp *t, *c;                 /* therapist and cohort groups */
    size_t nt, tcap, nc, ccap;
    long rows;
    int noted_mixed;
} trends;

static void grp_release(grp *g)
{
    free(g->id);
    free(g->cohort);
    mixed_data_free(g->resol_d);
    mixed_data_free(g->alli_d);
    memset(g, 0, sizeof *g);
}

static void grp_init(grp *g, const char *id, const char *cohort)
{
    memset(g, 0, sizeof *g);
    g->id = xstrdup(id ? id : "");
    g->cohort = xstrdup(cohort ? cohort : "");
    g->resol_d = mixed_data_new();
    g->alli_d = mixed_data_new();
    g->resol_ols.slope = g->resol_ols.slope_se = NAN;
    g->alli_ols.slope = g->alli_ols.slope_se = NAN;
}

static grp *grp_find(grp **list, size_t *n, size_t *cap, const char *id, const char *cohort)
{
    for (size_t i = *n; i-- > 0;)
        if (strcmp((*list)[i].id, id) == 0)
            return &(*list)[i];
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 8;
        *list = xrealloc(*list, *cap * sizeof **list);
    }
    grp_init(&(*list)[*n], id, cohort);
    return &(*list)[(*n)++];
}

/* x of a session: its number, or its date as days since 1970-01-01 / 7:
 * a fixed origin, so a slope per week depends on no one else's dates (and
 * with an intercept in the model, on no origin at all). */
static double row_x(const trends *t, const admin_view *v)
{
    if (!t->o->over_week)
        return (double)v->session;
    if (!v->date || !util_valid_iso_date(v->date))
        return NAN;
    return (double)util_iso_date_days(v->date) / 7;
}

static void trends_free(void *st);

/* The index of name in the client's names, added when new. */
static size_t name_of(trends *t, const char *name)
{
    return util_code_index(&t->names, &t->nnames, &t->namecap, name ? name : "");
}

static void names_clear(trends *t)
{
    for (size_t i = 0; i < t->nnames; i++)
        free(t->names[i]);
    t->nnames = 0;
}

static const char *const head[] = {
    "level", "id", "cohort", "sessions", "ruptures", "rupture_rate", "addressed_rate",
    "resolved_rate", "mean_tension", "mean_resolution", "resolution_slope",
    "resolution_slope_se", "alliance_slope", "alliance_slope_se", "questionnaires", NULL
};

static void *trends_start(const an_ctx *cx, FILE *out, FILE *extra)
{
    (void)extra;
    trends *t = xcalloc(1, sizeof *t);
    t->o = cx->o;
    t->by = cx->o->by;
    csvout_init_file(&t->w, out);
    csvout_row(&t->w, head, an_ncolumns(head));
    return t;
}

static void add(double *sum, long *n, double v)
{
    if (!isnan(v)) {
        *sum += v;
        (*n)++;
    }
}

static void trends_row(void *st, const an_row *r)
{
    trends *t = st;
    const admin_view *v = r->v;
    if (!r->rater_ok || r->form->role[ROLE_RUPTURE] < 0)
        return;
    tsess *s = t->ns ? &t->s[t->ns - 1] : NULL;
    if (!s || s->session != v->session) {
        if (t->ns == t->scap) {
            t->scap = t->scap ? 2 * t->scap : 16;
            t->s = xrealloc(t->s, t->scap * sizeof *t->s);
        }
        s = &t->s[t->ns++];
        memset(s, 0, sizeof *s);
        s->session = v->session;
        s->x = row_x(t, v);
        s->therapist = name_of(t, v->therapist);
        s->cohort = name_of(t, v->cohort);
        s->instrument = r->form->in->name;
    } else if (strcmp(s->instrument, r->form->in->name) != 0) {
        s->mixed = 1;
    }
    s->questionnaires++;
    double rupture = r->role[ROLE_RUPTURE];
    add(&s->rup, &s->rup_n, rupture == 1 ? 1 : rupture == 0 ? 0 : NAN);
    if (rupture == 1) {
        double a = r->role[ROLE_ADDRESSED];
        add(&s->addr, &s->addr_n, isnan(a) ? NAN : a == 1);
        int res = role_resolved(r);
        add(&s->res, &s->res_n, res < 0 ? NAN : res);
    }
    add(&s->ten, &s->ten_n, r->role[ROLE_TENSION]);
    add(&s->resol, &s->resol_n, r->role[ROLE_RESOLUTION]);
    add(&s->alli, &s->alli_n, r->alliance);
}

static double mean_of(double sum, long n)
{
    return n ? sum / (double)n : NAN;
}

/* Adds the session's means to the group's counts. */
static void grp_add(grp *g, const tsess *s)
{
    g->sessions++;
    g->questionnaires += s->questionnaires;
    if (s->rup_n) {
        g->rup_n++;
        g->ruptures += mean_of(s->rup, s->rup_n);
    }
    if (s->addr_n) {
        g->addr_n++;
        g->addr += mean_of(s->addr, s->addr_n);
    }
    if (s->res_n) {
        g->res_n++;
        g->res += mean_of(s->res, s->res_n);
    }
    if (s->ten_n) {
        g->ten_n++;
        g->ten += mean_of(s->ten, s->ten_n);
    }
    if (s->resol_n) {
        g->resol_n++;
        g->resol += mean_of(s->resol, s->resol_n);
    }
    if (s->mixed || (g->instrument && strcmp(g->instrument, s->instrument) != 0))
        g->mixed = 1;
    if (!g->instrument)
        g->instrument = s->instrument;
}

/* Notes in *varies whether the values y (of the points with an x) change
 * within this client, and in *x_varies whether their x does. */
static void within(const double *x, const double *y, size_t n, int *varies, int *x_varies)
{
    size_t first = n;
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i]) || isnan(y[i]))
            continue;
        if (first == n) {
            first = i;
            continue;
        }
        if (y[i] != y[first])
            *varies = 1;
        if (x[i] != x[first])
            *x_varies = 1;
    }
}

/* Adds the client's sessions that belong to group g (all of them when
 * which is NULL; else those whose therapist or cohort is g->id) as one
 * client of the group's slope models. */
static void grp_add_client(grp *g, trends *t, size_t (*which)(const tsess *), size_t name)
{
    size_t n = 0;
    double *x = xmalloc(t->ns * sizeof *x), *yr = xmalloc(t->ns * sizeof *yr),
           *ya = xmalloc(t->ns * sizeof *ya);
    for (size_t i = 0; i < t->ns; i++) {
        const tsess *s = &t->s[i];
        if (which && which(s) != name)
            continue;
        grp_add(g, s);
        x[n] = s->x;
        yr[n] = mean_of(s->resol, s->resol_n);
        ya[n] = mean_of(s->alli, s->alli_n);
        n++;
    }
    within(x, yr, n, &g->resol_varies, &g->resol_x_varies);
    within(x, ya, n, &g->alli_varies, &g->alli_x_varies);
    /* from the points themselves (GSL), not from the model's sums, whose
     * SSE = Syy - b Sxy loses the digits of an SE near 0 */
    if (mixed_data_nclients(g->resol_d) == 0)
        stats_ols(x, yr, n, 3, &g->resol_ols);
    if (mixed_data_nclients(g->alli_d) == 0)
        stats_ols(x, ya, n, 3, &g->alli_ols);
    mixed_data_add(g->resol_d, 0, x, yr, n);
    mixed_data_add(g->alli_d, 0, x, ya, n);
    free(x);
    free(yr);
    free(ya);
}

static void rate(csvout *w, double num, long den)
{
    csvout_num(w, den > 0 ? num / (double)den : NAN);
}

/* A row as a note names it: "cohort 'A'"; a row with an empty id (the
 * sessions whose therapist has no cohort, or that have no therapist) is
 * named by what it holds. */
static void row_name(const char *level, const char *id, sbuf *out)
{
    if (id[0])
        sbuf_addf(out, "%s '%s'", level, id);
    else if (strcmp(level, "cohort") == 0)
        sbuf_adds(out, "the sessions without a cohort, in the cohort row with an empty id");
    else if (strcmp(level, "therapist") == 0)
        sbuf_adds(out, "the sessions without a therapist, in the therapist row with an empty id");
    else
        sbuf_addf(out, "the %s row with an empty id", level);
}

/* The slope and its SE: the client's own OLS line for one client, else the
 * random-intercept model's fixed slope; blank with fewer than 3 points or
 * x constant, and when the values come from several instruments.  When no
 * client's value changes between its sessions while some client's x does,
 * the slope within clients is 0 and fits every point exactly: the REML
 * criterion then falls without bound as the residual variance goes to 0,
 * and the model's slope and SE go to 0 and 0, which are written (as the OLS
 * line of one such client has them) rather than where a minimizer stopped. */
static void slope(trends *t, const grp *g, const char *level, const char *what,
                  const mixed_data *d, const ols_result *ols, int varies, int x_varies)
{
    double b = NAN, se = NAN;
    sbuf name = SBUF_INIT;
    row_name(level, g->id, &name);
    if (g->mixed) {
        if (!t->noted_mixed)
            an_note("trends: slopes are left blank where a row's values come from more "
                    "than one instrument, whose scales differ (first: the %s of %s); "
                    "give --instrument, or one --rater", what, name.buf);
        t->noted_mixed = 1;
    } else if (mixed_data_nclients(d) == 1) {
        b = ols->slope;
        se = ols->slope_se;
    } else if (mixed_data_nclients(d) == 0 || mixed_data_nobs(d) < 3) {
        /* no points, or fewer than 3 */
    } else if (mixed_data_nobs(d) < mixed_data_nclients(d) + 2) {
        /* one point within clients beyond the slope, or none: the REML
         * criterion is flat in the clients' variance and the slope is not
         * determined */
    } else if (!varies && x_varies) {
        b = 0;
        se = 0;
    } else {
        mixed_spec sp = { 0, 0, 1, MIXED_CENTER_NONE, 0 };
        mixed_result r;
        at_err err;
        if (mixed_fit(d, &sp, 0, &r, &err) == AT_OK) {
            b = r.beta[1];
            se = r.beta_se[1];
            if (!r.converged)
                an_note("trends: %s: the %s slope's model did not converge (gradient "
                        "%g); read it with care", name.buf, what, r.gradient);
        }
        mixed_result_release(&r);
    }
    sbuf_release(&name);
    csvout_num(&t->w, b);
    csvout_num(&t->w, se);
}

static void grp_write(trends *t, const char *level, const grp *g)
{
    csvout *w = &t->w;
    csvout_field(w, level);
    csvout_field(w, g->id);
    csvout_field(w, g->cohort);
    csvout_int(w, g->sessions);
    csvout_num(w, g->ruptures);
    rate(w, g->ruptures, g->rup_n);
    rate(w, g->addr, g->addr_n);
    rate(w, g->res, g->res_n);
    csvout_num(w, mean_of(g->ten, g->ten_n));
    csvout_num(w, mean_of(g->resol, g->resol_n));
    slope(t, g, level, "resolution", g->resol_d, &g->resol_ols, g->resol_varies,
          g->resol_x_varies);
    slope(t, g, level, "alliance", g->alli_d, &g->alli_ols, g->alli_varies, g->alli_x_varies);
    csvout_int(w, g->questionnaires);
    csvout_end(w);
    t->rows++;
}

static size_t sess_therapist(const tsess *s)
{
    return s->therapist;
}

static size_t sess_cohort(const tsess *s)
{
    return s->cohort;
}

static void trends_client(void *st, const an_client *c)
{
    trends *t = st;
    if (!t->ns)
        return;
    if (t->by & BY_CLIENT) {
        grp g;
        /* the cohort of the client's latest session */
        grp_init(&g, c->code, t->names[t->s[t->ns - 1].cohort]);
        grp_add_client(&g, t, NULL, 0);
        grp_write(t, "client", &g);
        grp_release(&g);
    }
    for (size_t i = 0; i < t->ns; i++) {
        const tsess *s = &t->s[i];
        /* each group once per client, at the client's first session in it */
        const char *ther = t->names[s->therapist], *coh = t->names[s->cohort];
        if (t->by & BY_THERAPIST) {
            int seen = 0;
            for (size_t j = 0; j < i && !seen; j++)
                seen = t->s[j].therapist == s->therapist;
            if (!seen)
                grp_add_client(grp_find(&t->t, &t->nt, &t->tcap, ther, coh), t,
                               sess_therapist, s->therapist);
        }
        if (t->by & BY_COHORT) {
            int seen = 0;
            for (size_t j = 0; j < i && !seen; j++)
                seen = t->s[j].cohort == s->cohort;
            if (!seen)
                grp_add_client(grp_find(&t->c, &t->nc, &t->ccap, coh, coh), t, sess_cohort,
                               s->cohort);
        }
    }
    names_clear(t);
    t->ns = 0;
}

static int by_id(const void *a, const void *b)
{
    return strcmp(((const grp *)a)->id, ((const grp *)b)->id);
}

static int trends_finish(void *st)
{
    trends *t = st;
    if (t->nt)
        qsort(t->t, t->nt, sizeof *t->t, by_id);
    if (t->nc)
        qsort(t->c, t->nc, sizeof *t->c, by_id);
    for (size_t i = 0; i < t->nt; i++)
        grp_write(t, "therapist", &t->t[i]);
    for (size_t i = 0; i < t->nc; i++)
        grp_write(t, "cohort", &t->c[i]);
    if (!t->rows)
        an_note("trends: no %s%squestionnaire with a @ROLE=rupture item in the selection; the "
                "table is empty%s", t->o->rater ? t->o->rater : "", t->o->rater ? " " : "",
                t->o->rater && !strcmp(t->o->rater, "client")
                    ? " (the default rater is client; --rater chooses another)"
                    : "");
    return 0;
}

static void trends_free(void *st)
{
    trends *t = st;
    if (!t)
        return;
    names_clear(t);
    free(t->names);
    for (size_t i = 0; i < t->nt; i++)
        grp_release(&t->t[i]);
    for (size_t i = 0; i < t->nc; i++)
        grp_release(&t->c[i]);
    free(t->s);
    free(t->t);
    free(t->c);
    free(t);
}

static unsigned trends_flags(const an_opts *o)
{
    (void)o;
    return AN_OWN_NOTE;
}

const an_analysis an_trends = {
    .name = "trends",
    .summary = "ruptures, repair and their slopes per client, therapist or cohort",
    .help =
        "Per client, therapist or cohort, over the sessions with a questionnaire\n"
        "(of the rater asked for) of an instrument with a @ROLE=rupture item; each\n"
        "session counts once, and when several questionnaires rate it (rater codes,\n"
        "or raters under --rater all) each of its values is their mean:\n"
        "  sessions        sessions counted; questionnaires: the questionnaires\n"
        "  ruptures        sessions with a rupture (a session counts the share of its\n"
        "                  questionnaires that report one); rupture_rate: of the\n"
        "                  sessions with a rupture answer\n"
        "  addressed_rate, resolved_rate   of the sessions with a rupture and that answer\n"
        "  mean_tension, mean_resolution   means over sessions\n"
        "  resolution_slope, alliance_slope (with SE)   change per session (or per week)\n"
        "                  of resolution and of the alliance score.  A therapist's or\n"
        "                  cohort's slope is the fixed slope of the mixed model\n"
        "                  y ~ x + (1 | client) by REML (as lme4's lmer), so each\n"
        "                  client keeps its own level and the slope is the change\n"
        "                  within clients; a client's own row (and a group with one\n"
        "                  client) has the client's OLS line.  Blank with fewer than\n"
        "                  3 points, x constant, fewer points than clients + 2 (the\n"
        "                  slope is then not determined), or values of several\n"
        "                  instruments (scales differ: give --instrument or one --rater).\n"
        "                  0 with SE 0 when no client's value changes between its\n"
        "                  sessions (the limit of the model's fit).\n"
        "x is the session number, or with --over week the session's date as days\n"
        "since 1970-01-01 / 7, so a slope is per week of calendar time and depends\n"
        "on no other client's dates; a training program follows each trainee\n"
        "(--by therapist --over week) and each cohort.\n"
        "\n"
        "  --by client|therapist|cohort   the level of each row (default client)\n"
        "  --over session|week            the x of the slopes (default session)\n"
        "  --resolved-at X                a resolution of X or more counts as resolved\n"
        "\n"
        "columns: level,id,cohort,sessions,ruptures,rupture_rate,addressed_rate,\n"
        "         resolved_rate,mean_tension,mean_resolution,resolution_slope,\n"
        "         resolution_slope_se,alliance_slope,alliance_slope_se,questionnaires\n",
    .options = OPT_BY | OPT_OVER | OPT_RESOLVED,
    .flags = trends_flags,
    .start = trends_start,
    .columns = head,
    .row = trends_row,
    .client_end = trends_client,
    .finish = trends_finish,
    .free = trends_free,
};
