/* trajectories.c: each client's straight line of the alliance score over
 * session number (ordinary least squares), for 3 or more scored sessions. */
#include "analyze.h"

#include <stdlib.h>

typedef struct traj {
    csvout w;
    double *x;
    size_t cap;
} traj;

static const char *const head[] = { "instrument", "scale", "rater", "client", "therapist",
                                    "n", "intercept", "slope", "slope_se", "r2", NULL };

static void *traj_start(const an_ctx *cx, FILE *out, FILE *extra)
{
    (void)cx;
    (void)extra;
    traj *t = xcalloc(1, sizeof *t);
    csvout_init_file(&t->w, out);
    csvout_row(&t->w, head, an_ncolumns(head));
    return t;
}

static void traj_client(void *st, const an_client *c)
{
    traj *t = st;
    for (size_t i = 0; i < c->nseries; i++) {
        const an_series *s = &c->series[i];
        if (!s->rater_ok || s->n < 3)
            continue;
        if (t->cap < s->n) {
            t->cap = s->n;
            t->x = xrealloc(t->x, t->cap * sizeof *t->x);
        }
        for (size_t j = 0; j < s->n; j++)
            t->x[j] = (double)s->session[j];
        ols_result res;
        if (stats_ols(t->x, s->score, s->n, 3, &res) != 0)
            continue;
        csvout_field(&t->w, s->instrument);
        csvout_field(&t->w, s->scale);
        csvout_field(&t->w, s->rater);
        csvout_field(&t->w, c->code);
        csvout_field(&t->w, c->therapists[s->therapist[s->n - 1]]);
        csvout_int(&t->w, (long)s->n);
        csvout_num(&t->w, res.intercept);
        csvout_num(&t->w, res.slope);
        csvout_num(&t->w, res.slope_se);
        csvout_num(&t->w, res.r2);
        csvout_end(&t->w);
    }
}

static int traj_finish(void *st)
{
    (void)st;
    return 0;
}

static void traj_free(void *st)
{
    traj *t = st;
    if (t)
        free(t->x);
    free(t);
}

const an_analysis an_trajectories = {
    .name = "trajectories",
    .summary = "each client's linear trend of the alliance score",
    .help =
        "For each client with 3 or more scored sessions: the ordinary least squares\n"
        "line of the alliance score (the @ROLE=alliance field) on session number, per\n"
        "instrument and rater.  Sessions without a score are left out; several\n"
        "ratings of one session (different rater codes) count as their mean.\n"
        "therapist is the therapist of the client's latest scored session.\n"
        "\n"
        "columns: instrument,scale,rater,client,therapist,n,intercept,slope,slope_se,r2\n",
    .start = traj_start,
    .columns = head,
    .client_end = traj_client,
    .finish = traj_finish,
    .free = traj_free,
};
