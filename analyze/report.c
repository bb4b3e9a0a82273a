/* report.c: the clinician's list before the next session: for each client,
 * the alerts of the latest session the rater (default the client) rated. */
#include "analyze.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct alert {
    const char *code;
    char *detail;
} alert;

typedef struct alerts {
    alert *a;
    size_t n, cap;
} alerts;

typedef struct report {
    const an_ctx *cx;
    FILE *fp;
    csvout w;
    int csv;
    long printed;
    /* the session being read */
    long session;
    int in_session, rated;
    int latest_client_only;
    char *date, *therapist;
    double client_rupture, therapist_rupture;
    alerts pending;
    /* the latest session the rater rated */
    int have_latest;
    long latest;
    char *latest_date, *latest_therapist;
    alerts found;
} report;

/* A number for people: at most 2 decimals, no trailing zeros. */
static const char *nice(double x, char buf[32])
{
    if (!isfinite(x))
        return "blank";
    snprintf(buf, 32, "%.2f", x);
    char *dot = strchr(buf, '.');
    if (dot) {
        char *end = buf + strlen(buf) - 1;
        while (end > dot && *end == '0')
            *end-- = '\0';
        if (end == dot)
            *end = '\0';
    }
    if (strcmp(buf, "-0") == 0)
        strcpy(buf, "0");
    return buf;
}

static void alerts_add(alerts *l, const char *code, sbuf *detail)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 4;
        l->a = xrealloc(l->a, l->cap * sizeof *l->a);
    }
    l->a[l->n].code = code;
    l->a[l->n].detail = sbuf_detach(detail);
    l->n++;
}

static void alerts_clear(alerts *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->a[i].detail);
    l->n = 0;
}

static void *report_start(const an_ctx *cx, FILE *out, FILE *extra)
{
    (void)extra;
    report *r = xcalloc(1, sizeof *r);
    r->cx = cx;
    r->fp = out;
    r->csv = cx->o->format_csv;
    r->client_rupture = r->therapist_rupture = NAN;
    if (r->csv) {
        static const char *const head[] = { "client", "therapist", "session", "date", "alert",
                                            "detail" };
        csvout_init_file(&r->w, out);
        csvout_row(&r->w, head, sizeof head / sizeof head[0]);
    }
    return r;
}

/* Alerts read from one administration of the rater. */
static void row_alerts(report *rp, const an_row *r)
{
    const an_form *f = r->form;
    sbuf sb = SBUF_INIT;
    char b1[32], b2[32], b3[32];
    double rupture = r->role[ROLE_RUPTURE];
    if (rupture == 1) {
        int res = role_resolved(r);
        double tension = r->role[ROLE_TENSION];
        if (res == 0 || (res < 0 && isnan(r->role[ROLE_RESOLUTION]) && f->role[ROLE_RESOLUTION] >= 0)) {
            sbuf_adds(&sb, "rupture not resolved (");
            if (!isnan(tension))
                sbuf_addf(&sb, "tension %s, ", nice(tension, b1));
            if (res == 0)
                sbuf_addf(&sb, "resolution %s; %s or more counts as resolved)",
                          nice(r->role[ROLE_RESOLUTION], b2), nice(f->resolved_at, b3));
            else
                sbuf_adds(&sb, "resolution not rated)");
            alerts_add(&rp->pending, "unresolved_rupture", &sb);
        }
    }
    if (r->role[ROLE_FOLLOWUP] == 1) {
        sbuf_adds(&sb, "wants to talk about it next time");
        alerts_add(&rp->pending, "wants_to_talk", &sb);
    }
    if (rupture == 1 && r->role[ROLE_ADDRESSED] == 0) {
        sbuf_adds(&sb, "the rupture was not talked about in the session");
        alerts_add(&rp->pending, "not_talked_about", &sb);
    }
    if (f->has_alert_below && !isnan(r->alliance) && r->alliance < f->alert_below) {
        sbuf_addf(&sb, "alliance %s on %s, under %s", nice(r->alliance, b1), f->in->name,
                  nice(f->alert_below, b2));
        alerts_add(&rp->pending, "low_alliance", &sb);
    }
    sbuf_release(&sb);
}

static void session_end(report *rp)
{
    if (rp->in_session && rp->rated) {
        rp->latest_client_only = rp->client_rupture == 1 && rp->therapist_rupture == 0;
        alerts found = rp->found;
        rp->found = rp->pending;
        rp->pending = found;
        rp->have_latest = 1;
        rp->latest = rp->session;
        free(rp->latest_date);
        free(rp->latest_therapist);
        rp->latest_date = rp->date;
        rp->latest_therapist = rp->therapist;
        rp->date = rp->therapist = NULL;
    }
    alerts_clear(&rp->pending);
    free(rp->date);
    free(rp->therapist);
    rp->date = rp->therapist = NULL;
    rp->in_session = rp->rated = 0;
    rp->client_rupture = rp->therapist_rupture = NAN;
}

static void report_row(void *st, const an_row *r)
{
    report *rp = st;
    const admin_view *v = r->v;
    if (rp->in_session && v->session != rp->session)
        session_end(rp);
    if (!rp->in_session) {
        rp->in_session = 1;
        rp->session = v->session;
    }
    if (r->form->role[ROLE_RUPTURE] >= 0) {
        double *side = strcmp(v->rater, "client") == 0      ? &rp->client_rupture
                       : strcmp(v->rater, "therapist") == 0 ? &rp->therapist_rupture
                                                            : NULL;
        if (side && isnan(*side))
            *side = r->role[ROLE_RUPTURE];
    }
    if (!r->rater_ok)
        return;
    if (!rp->rated) {
        rp->rated = 1;
        rp->date = xstrdup(v->date);
        rp->therapist = xstrdup(v->therapist ? v->therapist : "");
    }
    row_alerts(rp, r);
}

typedef struct drop_ctx {
    long latest;
    const episode *hit;
    episode copy;
} drop_ctx;

static void on_episode(const episode *e, void *ctx)
{
    drop_ctx *d = ctx;
    if (e->rupture_session == d->latest) {
        d->copy = *e;
        d->hit = &d->copy;
    }
}

/* An alliance drop at the latest session that the episode rule counts. */
static void drop_alerts(report *rp, const an_client *c)
{
    char rule[96], b1[32], b2[32], b3[32], b4[32];
    for (size_t i = 0; i < c->nseries; i++) {
        const an_series *s = &c->series[i];
        episode_params p;
        if (!s->rater_ok || s->n < 2 || s->session[s->n - 1] != rp->latest)
            continue;
        if (episodes_params(rp->cx, s, &p, rule, sizeof rule) != 0)
            continue;
        drop_ctx d = { rp->latest, NULL, { 0 } };
        episodes_find(s->session, s->score, s->n, &p, on_episode, &d);
        if (!d.hit)
            continue;
        sbuf sb = SBUF_INIT;
        sbuf_addf(&sb, "alliance fell from %s to %s on %s (drop %s, more than %s by the rule %s)",
                  nice(d.hit->pre_score, b1), nice(d.hit->rupture_score, b2), s->instrument,
                  nice(d.hit->drop, b3), nice(d.hit->threshold, b4), rule);
        alerts_add(&rp->found, "alliance_drop", &sb);
    }
}

static void report_client(void *st, const an_client *c)
{
    report *rp = st;
    session_end(rp);
    if (rp->have_latest) {
        drop_alerts(rp, c);
        if (rp->latest_client_only) {
            sbuf sb = SBUF_INIT;
            sbuf_adds(&sb, "the client reported a rupture that the therapist's questionnaire "
                           "does not record");
            alerts_add(&rp->found, "client_only_rupture", &sb);
        }
        if (rp->found.n && rp->csv) {
            for (size_t i = 0; i < rp->found.n; i++) {
                csvout_field(&rp->w, c->code);
                csvout_field(&rp->w, rp->latest_therapist);
                csvout_int(&rp->w, rp->latest);
                csvout_field(&rp->w, rp->latest_date);
                csvout_field(&rp->w, rp->found.a[i].code);
                csvout_field(&rp->w, rp->found.a[i].detail);
                csvout_end(&rp->w);
            }
        } else if (rp->found.n) {
            fprintf(rp->fp, "%s", c->code);
            if (rp->latest_therapist && rp->latest_therapist[0])
                fprintf(rp->fp, " (therapist %s)", rp->latest_therapist);
            fprintf(rp->fp, ", session %ld", rp->latest);
            if (rp->latest_date && rp->latest_date[0])
                fprintf(rp->fp, " on %s", rp->latest_date);
            fputs(":", rp->fp);
            for (size_t i = 0; i < rp->found.n; i++)
                fprintf(rp->fp, "%s %s", i ? ";" : "", rp->found.a[i].detail);
            fputc('\n', rp->fp);
        }
        rp->printed += (long)rp->found.n;
    }
    alerts_clear(&rp->found);
    free(rp->latest_date);
    free(rp->latest_therapist);
    rp->latest_date = rp->latest_therapist = NULL;
    rp->have_latest = 0;
}

static int report_finish(void *st)
{
    report *rp = st;
    if (!rp->csv && rp->printed == 0)
        fputs("no alerts\n", rp->fp);
    return 0;
}

static void report_free(void *st)
{
    report *rp = st;
    if (!rp)
        return;
    alerts_clear(&rp->pending);
    alerts_clear(&rp->found);
    free(rp->pending.a);
    free(rp->found.a);
    free(rp->date);
    free(rp->therapist);
    free(rp->latest_date);
    free(rp->latest_therapist);
    free(rp);
}

static unsigned report_flags(const an_opts *o)
{
    return AN_ALL_RATERS | episodes_flags(o);
}

const an_analysis an_report = {
    .name = "report",
    .summary = "the clinician's list of alerts for the next sessions",
    .help =
        "For each client, the alerts of the latest session the rater (default the\n"
        "client) filled in a questionnaire for, in plain words, one line per client\n"
        "with alerts (nothing for the others; \"no alerts\" when there are none):\n"
        "  - a rupture that is not resolved (resolution under @RESOLVED-AT, or not rated)\n"
        "  - the client wants to talk about it next time (followup)\n"
        "  - the rupture was not talked about in the session (addressed = no)\n"
        "  - an alliance score under the instrument's @ALERT-BELOW\n"
        "  - an alliance drop since the previous session that the episode rule counts\n"
        "    as a rupture (default sd k=1; see the episode options)\n"
        "  - the client reported a rupture and the therapist's questionnaire did not\n"
        "\n"
        "  --format text|csv   csv: client,therapist,session,date,alert,detail, one row\n"
        "                      per alert (alert: unresolved_rupture, wants_to_talk,\n"
        "                      not_talked_about, low_alliance, alliance_drop,\n"
        "                      client_only_rupture)\n"
        "  --resolved-at X     a resolution of X or more counts as resolved\n",
    .options = OPT_FORMAT | OPT_EPISODE | OPT_RESOLVED,
    .flags = report_flags,
    .start = report_start,
    .row = report_row,
    .client_end = report_client,
    .finish = report_finish,
    .free = report_free,
};
