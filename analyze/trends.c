/* trends.c: ruptures and repair per client, therapist or cohort, and the
 * slopes of resolution and alliance over sessions or weeks of training.
 *
 * Counted: administrations (of the chosen rater) of instruments with a
 * @ROLE=rupture field.  Client rows are written as each client ends;
 * therapist and cohort rows, which gather many clients, at the end. */
#include "analyze.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct pts {
    double *x, *y;
    size_t n, cap;
} pts;

typedef struct grp {
    char *id, *cohort;
    long sessions, answered, ruptures, addr_n, addr_yes, res_n, res_yes;
    long tension_n, resol_n;
    double tension_sum, resol_sum;
    pts resol, alliance;
} grp;

typedef struct first_date {
    char *therapist;
    long days;
} first_date;

typedef struct trends {
    const an_opts *o;
    csvout w;
    unsigned by;
    grp client;
    int have_client;
    grp *t, *c;                 /* therapist and cohort groups */
    size_t nt, tcap, nc, ccap;
    size_t tlast, clast;        /* the group found last in each list */
    first_date *first;          /* --over week: each therapist's first session */
    size_t nfirst, firstcap;
} trends;

static void pts_add(pts *p, double x, double y)
{
    if (isnan(x) || isnan(y))
        return;
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 16;
        p->x = xrealloc(p->x, p->cap * sizeof *p->x);
        p->y = xrealloc(p->y, p->cap * sizeof *p->y);
    }
    p->x[p->n] = x;
    p->y[p->n] = y;
    p->n++;
}

static void grp_release(grp *g)
{
    free(g->id);
    free(g->cohort);
    free(g->resol.x);
    free(g->resol.y);
    free(g->alliance.x);
    free(g->alliance.y);
    memset(g, 0, sizeof *g);
}

static void grp_init(grp *g, const char *id, const char *cohort)
{
    memset(g, 0, sizeof *g);
    g->id = xstrdup(id ? id : "");
    g->cohort = xstrdup(cohort ? cohort : "");
}

/* The group of id in list, added when new.  *last is the index found the
 * time before: a client's sessions mostly come in a row with one therapist,
 * so it is tried first. */
static grp *grp_find(grp **list, size_t *n, size_t *cap, size_t *last, const char *id,
                     const char *cohort)
{
    if (*last < *n && strcmp((*list)[*last].id, id) == 0)
        return &(*list)[*last];
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*list)[i].id, id) == 0) {
            *last = i;
            return &(*list)[i];
        }
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 8;
        *list = xrealloc(*list, *cap * sizeof **list);
    }
    grp_init(&(*list)[*n], id, cohort);
    *last = *n;
    return &(*list)[(*n)++];
}

static int by_first(const void *a, const void *b)
{
    return strcmp(((const first_date *)a)->therapist, ((const first_date *)b)->therapist);
}

static int add_first(const char *code, const char *date, void *ctx)
{
    trends *t = ctx;
    if (!valid_iso_date(date))
        return 0;
    if (t->nfirst == t->firstcap) {
        t->firstcap = t->firstcap ? 2 * t->firstcap : 16;
        t->first = xrealloc(t->first, t->firstcap * sizeof *t->first);
    }
    t->first[t->nfirst].therapist = xstrdup(code);
    t->first[t->nfirst].days = iso_date_days(date);
    t->nfirst++;
    return 0;
}

/* Each therapist's first session date in the whole study: week 0 of training. */
static int load_first_dates(trends *t, store *s)
{
    at_err err;
    if (store_therapist_first_dates(s, add_first, t, &err) != AT_OK) {
        an_fail("reading the therapists' first session dates: %s", err.msg);
        return -1;
    }
    if (t->nfirst)
        qsort(t->first, t->nfirst, sizeof *t->first, by_first);
    return 0;
}

static double row_x(const trends *t, const admin_view *v)
{
    if (!t->o->over_week)
        return (double)v->session;
    if (!v->therapist || !v->therapist[0] || !v->date || !valid_iso_date(v->date))
        return NAN;
    first_date key = { (char *)v->therapist, 0 };
    const first_date *f = bsearch(&key, t->first, t->nfirst, sizeof *t->first, by_first);
    if (!f)
        return NAN;
    long d = iso_date_days(v->date) - f->days;
    return d < 0 ? NAN : (double)(d / 7);
}

static void trends_free(void *st);

static void *trends_start(const an_ctx *cx, FILE *out, FILE *extra)
{
    (void)extra;
    static const char *const head[] = {
        "level", "id", "cohort", "sessions", "ruptures", "rupture_rate", "addressed_rate",
        "resolved_rate", "mean_tension", "mean_resolution", "resolution_slope",
        "resolution_slope_se", "alliance_slope", "alliance_slope_se"
    };
    trends *t = xcalloc(1, sizeof *t);
    t->o = cx->o;
    t->by = cx->o->by;
    if (cx->o->over_week && load_first_dates(t, cx->s) != 0) {
        trends_free(t);
        return NULL;
    }
    csvout_init_file(&t->w, out);
    csvout_row(&t->w, head, sizeof head / sizeof head[0]);
    return t;
}

static void grp_add(grp *g, const an_row *r, double x)
{
    double rupture = r->role[ROLE_RUPTURE];
    g->sessions++;
    if (!isnan(rupture)) {
        g->answered++;
        if (rupture == 1) {
            g->ruptures++;
            double a = r->role[ROLE_ADDRESSED];
            if (!isnan(a)) {
                g->addr_n++;
                g->addr_yes += a == 1;
            }
            int res = role_resolved(r);
            if (res >= 0) {
                g->res_n++;
                g->res_yes += res;
            }
        }
    }
    double tension = r->role[ROLE_TENSION], resol = r->role[ROLE_RESOLUTION];
    if (!isnan(tension)) {
        g->tension_n++;
        g->tension_sum += tension;
    }
    if (!isnan(resol)) {
        g->resol_n++;
        g->resol_sum += resol;
        pts_add(&g->resol, x, resol);
    }
    pts_add(&g->alliance, x, r->alliance);
}

static void trends_row(void *st, const an_row *r)
{
    trends *t = st;
    const admin_view *v = r->v;
    if (!r->rater_ok || r->form->role[ROLE_RUPTURE] < 0)
        return;
    double x = row_x(t, v);
    if (t->by & BY_CLIENT) {
        if (!t->have_client) {
            grp_init(&t->client, v->client, v->cohort);
            t->have_client = 1;
        }
        if (v->cohort && strcmp(t->client.cohort, v->cohort) != 0) {
            free(t->client.cohort);   /* the cohort of the client's latest session */
            t->client.cohort = xstrdup(v->cohort);
        }
        grp_add(&t->client, r, x);
    }
    if (t->by & BY_THERAPIST)
        grp_add(grp_find(&t->t, &t->nt, &t->tcap, &t->tlast, v->therapist ? v->therapist : "",
                         v->cohort),
                r, x);
    if (t->by & BY_COHORT)
        grp_add(grp_find(&t->c, &t->nc, &t->ccap, &t->clast, v->cohort ? v->cohort : "",
                         v->cohort),
                r, x);
}

static void rate(csvout *w, long num, long den)
{
    if (den > 0)
        csvout_num(w, (double)num / (double)den);
    else
        csvout_field(w, NULL);
}

static void slope(csvout *w, const pts *p)
{
    ols_result res;
    if (stats_ols(p->x, p->y, p->n, 3, &res) == 0) {
        csvout_num(w, res.slope);
        csvout_num(w, res.slope_se);
    } else {
        csvout_field(w, NULL);
        csvout_field(w, NULL);
    }
}

static void grp_write(csvout *w, const char *level, const grp *g)
{
    csvout_field(w, level);
    csvout_field(w, g->id);
    csvout_field(w, g->cohort);
    csvout_int(w, g->sessions);
    csvout_int(w, g->ruptures);
    rate(w, g->ruptures, g->answered);
    rate(w, g->addr_yes, g->addr_n);
    rate(w, g->res_yes, g->res_n);
    csvout_num(w, g->tension_n ? g->tension_sum / (double)g->tension_n : NAN);
    csvout_num(w, g->resol_n ? g->resol_sum / (double)g->resol_n : NAN);
    slope(w, &g->resol);
    slope(w, &g->alliance);
    csvout_end(w);
}

static void trends_client(void *st, const an_client *c)
{
    trends *t = st;
    (void)c;
    if (!t->have_client)
        return;
    grp_write(&t->w, "client", &t->client);
    grp_release(&t->client);
    t->have_client = 0;
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
        grp_write(&t->w, "therapist", &t->t[i]);
    for (size_t i = 0; i < t->nc; i++)
        grp_write(&t->w, "cohort", &t->c[i]);
    return 0;
}

static void trends_free(void *st)
{
    trends *t = st;
    if (!t)
        return;
    grp_release(&t->client);
    for (size_t i = 0; i < t->nt; i++)
        grp_release(&t->t[i]);
    for (size_t i = 0; i < t->nc; i++)
        grp_release(&t->c[i]);
    for (size_t i = 0; i < t->nfirst; i++)
        free(t->first[i].therapist);
    free(t->t);
    free(t->c);
    free(t->first);
    free(t);
}

const an_analysis an_trends = {
    .name = "trends",
    .summary = "ruptures, repair and their slopes per client, therapist or cohort",
    .help =
        "Per client, therapist or cohort: sessions (administrations of instruments\n"
        "with a @ROLE=rupture item), ruptures (rupture = 1) and rupture_rate (of the\n"
        "sessions with a rupture answer), addressed_rate and resolved_rate (of the\n"
        "ruptures with that answer), mean tension and resolution, and the OLS slopes\n"
        "(with SE) of resolution and of the alliance score over session number or\n"
        "over weeks of training (blank with fewer than 3 points or a constant x).\n"
        "A week is a whole week since the therapist's first session in the study,\n"
        "so a training program can follow each trainee (--by therapist --over week)\n"
        "and each cohort.  With --rater all, every rater's administrations count\n"
        "together.\n"
        "\n"
        "  --by client|therapist|cohort   the level of each row (default client)\n"
        "  --over session|week            the x of the slopes (default session)\n"
        "  --resolved-at X                a resolution of X or more counts as resolved\n"
        "\n"
        "columns: level,id,cohort,sessions,ruptures,rupture_rate,addressed_rate,\n"
        "         resolved_rate,mean_tension,mean_resolution,resolution_slope,\n"
        "         resolution_slope_se,alliance_slope,alliance_slope_se\n",
    .options = OPT_BY | OPT_OVER | OPT_RESOLVED,
    .start = trends_start,
    .row = trends_row,
    .client_end = trends_client,
    .finish = trends_finish,
    .free = trends_free,
};
