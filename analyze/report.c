/* report.c: the clinician's list before the next session: for each client,
 * the alerts of the latest session the rater (default the client) rated,
 * what changed since the rater's questionnaire before it, and the latest
 * rupture the rater reported.  Written as text blocks, CSV rows, an HTML
 * page or PDF pages (report_text.c, report_page.c). */
#include "report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* What a row's alerts are made of, kept until its client ends: only the
 * latest two rated sessions' alerts are ever written, so their words are
 * put together then, not for every row. */
typedef struct arow {
    const an_form *form;
    double role[ROLE_STRATEGY + 1];
    double alliance;
    size_t answered;            /* of the alliance scale's items */
    int partial;
    int resolved;               /* role_resolved */
    const char *by;             /* the rater, when the report reads every rater's (else NULL) */
} arow;

typedef struct arows {
    arow *a;
    size_t n, cap;
} arows;

/* The latest rupture the rater reported up to some session: the first
 * questionnaire of its session that reported it, or a later one of the
 * session whose rupture is open where the first's is not. */
typedef struct rthread {
    int have;
    long session;
    arow row;
} rthread;

typedef struct report {
    const an_ctx *cx;
    FILE *fp;
    csvout w;
    int format;
    int width;
    long printed;
    rpage *page;
    sbuf quiet;                 /* text and pages: the clients without alerts */
    long rated_clients;         /* clients with a questionnaire of the rater */
    /* clients whose sessions hold other raters' questionnaires only: their
     * codes (text, pages) or their rows (CSV), told at the end when the rater has
     * answered for some client, so that a rater the study does not use
     * gives no alert for every client */
    sbuf never, never_csv;
    /* the session being read */
    long session;
    int in_session, rated;
    int latest_client_only, prev_client_only;
    int latest_client_rupture;  /* the client reported a rupture at the latest */
    char *date, *therapist;
    /* each side's rupture answer (NaN blank) and the instrument it is from
     * (NULL when the side has none; owned by the catalog), chosen as
     * agreement chooses (an_side_first) */
    double client_rupture, therapist_rupture;
    const char *client_from, *therapist_from;
    int therapist_own;          /* therapist_rupture is the session therapist's own */
    arows pending;              /* the session being read */
    /* the latest session the rater rated, and the one before */
    int have_latest;
    long latest, prev;
    char *latest_date, *latest_therapist;
    arows found_rows, before_rows;
    /* the latest rupture up to the session being read, the latest rated
     * session and the one before */
    rthread pending_rup, latest_rup, before_rup;
    alerts found, before;       /* made from those at the client's end */
    /* the highest session any row showed, its date and therapist */
    long last_seen;
    char *last_seen_date, *last_seen_therapist;
    rlatest rup;
    chart_gather g;
} report;

/* x with `dec` decimals at most, no trailing zeros. */
static const char *nice_dec(double x, int dec, char buf[32])
{
    if (!isfinite(x))
        return "blank";
    snprintf(buf, 32, "%.*f", dec, x);
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

/* A number for people: at most 2 decimals, no trailing zeros. */
static const char *nice(double x, char buf[32])
{
    return nice_dec(x, 2, buf);
}

/* A value and the threshold it is compared with, for a sentence that says
 * one is more (or less) than the other: 2 decimals, more when the two
 * differ but read the same, up to 6; so 0.6333 and 0.6331 are not both
 * "0.63". */
static void nice_pair(double x, double y, char bx[32], char by[32])
{
    for (int dec = 2;; dec++) {
        nice_dec(x, dec, bx);
        nice_dec(y, dec, by);
        if (dec == 6 || x == y || strcmp(bx, by) != 0)
            return;
    }
}

/* Adds an alert about instrument and rater (either may be NULL). */
static void alerts_add(alerts *l, const char *code, const char *instrument, const char *rater,
                       sbuf *detail)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 4;
        l->a = xrealloc(l->a, l->cap * sizeof *l->a);
    }
    l->a[l->n].code = code;
    l->a[l->n].instrument = instrument;
    l->a[l->n].rater = rater;
    l->a[l->n].detail = sbuf_detach(detail);
    l->n++;
}

static void alerts_clear(alerts *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->a[i].detail);
    l->n = 0;
}

static void rlatest_clear(rlatest *r)
{
    free(r->date);
    r->date = NULL;
    sbuf_reset(&r->kinds);
    for (size_t i = 0; i < r->nnotes; i++) {
        free(r->notes[i].label);
        free(r->notes[i].text);
    }
    r->nnotes = 0;
    r->have = 0;
}

/* --format csv */
static const char *const csv_head[] = { "client", "therapist", "session", "date", "alert",
                                        "detail", NULL };

static void *report_start(const an_ctx *cx, FILE *out, FILE *extra)
{
    (void)extra;
    report *r = xcalloc(1, sizeof *r);
    r->cx = cx;
    r->fp = out;
    r->format = cx->o->format_csv ? FMT_CSV : cx->o->format;
    r->width = rtext_width(out);
    r->client_rupture = r->therapist_rupture = NAN;
    gather_init(&r->g, cx);
    if (r->format == FMT_CSV) {
        csvout_init_file(&r->w, out);
        csvout_row(&r->w, csv_head, an_ncolumns(csv_head));
    } else if (r->format == FMT_HTML || r->format == FMT_PDF) {
        r->page = rpage_start(out, r->format == FMT_PDF, cx->o);
    }
    return r;
}

/* The rater of r as a word that lives as long as the report, when the
 * report reads every rater's questionnaires (--rater all), else NULL: a
 * rupture's alert then says whose questionnaire reported it. */
static const char *row_by(const report *rp, const an_row *r)
{
    static const char *const raters[] = { "client", "therapist", "observer" };
    if (rp->cx->o->rater)
        return NULL;
    for (size_t i = 0; i < sizeof raters / sizeof raters[0]; i++)
        if (strcmp(r->v->rater, raters[i]) == 0)
            return raters[i];
    return NULL;
}

static void arow_keep(arows *l, const an_row *r, const char *by)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 4;
        l->a = xrealloc(l->a, l->cap * sizeof *l->a);
    }
    arow *k = &l->a[l->n++];
    const an_form *f = r->form;
    k->form = f;
    memcpy(k->role, r->role, sizeof k->role);
    k->alliance = r->alliance;
    k->answered = f->alliance_scale >= 0 ? r->scale_answered[f->alliance_scale] : 0;
    k->partial = r->v->status && strcmp(r->v->status, "partial") == 0;
    k->resolved = role_resolved(r);
    k->by = by;
}

/* The alliance score could not be computed: how many items were answered. */
static void unscored_alert(const arow *k, alerts *to)
{
    const an_form *f = k->form;
    const dict_field *af = &f->in->fields[f->role[ROLE_ALLIANCE]];
    sbuf sb = SBUF_INIT;
    sbuf_addf(&sb, "the questionnaire (%s) was %s and its alliance score could not be computed",
              f->in->name, k->partial ? "left partial" : "not answered in full");
    if (f->alliance_scale >= 0) {
        sbuf_addf(&sb, " (%zu of %zu items answered", k->answered, af->nterms);
        if (af->minitems > 0)
            sbuf_addf(&sb, ", %d needed", af->minitems);
        sbuf_addc(&sb, ')');
    }
    alerts_add(to, "unscored", f->in->name, k->by, &sb);
}

/* Whether the administration reported a rupture that is not resolved: its
 * resolution rated under @RESOLVED-AT, or not rated at all. */
static int rupture_open(const arow *k)
{
    return k->role[ROLE_RUPTURE] == 1 &&
           (k->resolved == 0 || (k->resolved < 0 && isnan(k->role[ROLE_RESOLUTION]) &&
                                 k->form->role[ROLE_RESOLUTION] >= 0));
}

/* "(tension T, resolution R; X or more counts as resolved)" for an open rupture. */
static void open_terms(const arow *k, sbuf *sb)
{
    char b1[32], b2[32], b3[32];
    sbuf_addc(sb, '(');
    if (!isnan(k->role[ROLE_TENSION]))
        sbuf_addf(sb, "tension %s, ", nice(k->role[ROLE_TENSION], b1));
    if (k->resolved == 0) {
        nice_pair(k->role[ROLE_RESOLUTION], k->form->resolved_at, b2, b3);
        sbuf_addf(sb, "resolution %s; %s or more counts as resolved)", b2, b3);
    } else {
        sbuf_adds(sb, "resolution not rated)");
    }
}

/* "the therapist's questionnaire: " before an alert about a rupture, when
 * the report reads every rater's. */
static void by_prefix(const arow *k, sbuf *sb)
{
    if (k->by)
        sbuf_addf(sb, "the %s's questionnaire: ", k->by);
}

/* The alerts of one administration of the rater, added to `to`. */
static void row_alerts(const arow *k, alerts *to)
{
    const an_form *f = k->form;
    const double *role = k->role;
    sbuf sb = SBUF_INIT;
    char b1[32], b2[32];
    double rupture = role[ROLE_RUPTURE];
    if (rupture_open(k)) {
        by_prefix(k, &sb);
        sbuf_adds(&sb, "rupture not resolved ");
        open_terms(k, &sb);
        alerts_add(to, "unresolved_rupture", f->in->name, k->by, &sb);
    }
    if (role[ROLE_FOLLOWUP] == 1) {
        by_prefix(k, &sb);
        sbuf_adds(&sb, "wants to talk about it next time");
        alerts_add(to, "wants_to_talk", f->in->name, k->by, &sb);
    }
    if (rupture == 1 && role[ROLE_ADDRESSED] == 0) {
        by_prefix(k, &sb);
        sbuf_adds(&sb, "the rupture was not talked about in the session");
        alerts_add(to, "not_talked_about", f->in->name, k->by, &sb);
    }
    if (f->has_alert_below && !isnan(k->alliance) && k->alliance < f->alert_below) {
        nice_pair(k->alliance, f->alert_below, b1, b2);
        sbuf_addf(&sb, "alliance %s on %s, under %s", b1, f->in->name, b2);
        alerts_add(to, "low_alliance", f->in->name, k->by, &sb);
    }
    if (f->role[ROLE_ALLIANCE] >= 0 && isnan(k->alliance))
        unscored_alert(k, to);
    sbuf_release(&sb);
}

/* The alerts of a session's kept rows, in their order. */
static void arows_alerts(const arows *l, alerts *to)
{
    for (size_t i = 0; i < l->n; i++)
        row_alerts(&l->a[i], to);
}

/* A rupture reported before session `at` and not resolved, when the
 * questionnaires since have reported none: a questionnaire that says
 * nothing of a rupture does not say it was resolved, so it stays in view
 * until a later one reports a rupture (then that one counts). */
static void earlier_alert(const rthread *t, long at, alerts *to)
{
    if (!t->have || t->session == at || !rupture_open(&t->row))
        return;
    sbuf sb = SBUF_INIT;
    by_prefix(&t->row, &sb);
    sbuf_addf(&sb, "rupture reported at session %ld still not known to be resolved ",
              t->session);
    open_terms(&t->row, &sb);
    long since = at - t->session;
    if (since > 1)
        sbuf_addf(&sb, ": no questionnaire of the %ld sessions since says it was", since);
    else
        sbuf_adds(&sb, ": no questionnaire of the session after it says it was");
    alerts_add(to, "earlier_unresolved_rupture", t->row.form->in->name, t->row.by,
               &sb);
}

/* Keeps the rupture of r (the rater's, reported) as the latest one. */
static void keep_rupture(report *rp, const an_row *r)
{
    rlatest *l = &rp->rup;
    const dict_instrument *in = r->form->in;
    rlatest_clear(l);
    l->have = 1;
    l->session = r->v->session;
    l->date = xstrdup(r->v->date ? r->v->date : "");
    l->tension = r->role[ROLE_TENSION];
    l->resolution = r->role[ROLE_RESOLUTION];
    l->resolved = role_resolved(r);
    l->by = row_by(rp, r);
    long kf = r->form->role[ROLE_RUPTURE_KIND];
    if (kf >= 0 && in->fields[kf].type == FT_CHECKBOX) {
        const dict_field *f = &in->fields[kf];
        for (size_t i = 0; i < f->nchoices && i < f->ncol; i++) {
            const char *v = r->vals[f->col + i];
            if (v && strcmp(v, "1") == 0)
                sbuf_addf(&l->kinds, "%s%s", l->kinds.len ? "; " : "", f->choices[i].label);
        }
    }
    /* the client's own words: free-text answers that are not personal data */
    for (size_t i = 0; i < in->nfields; i++) {
        const dict_field *f = &in->fields[i];
        if (f->identifier || f->ncol != 1 ||
            !(f->type == FT_NOTES || (f->type == FT_TEXT && f->valid == FV_NONE)))
            continue;
        const char *v = r->vals[f->col];
        if (!v || !v[0])
            continue;
        if (l->nnotes == l->ncap) {
            l->ncap = l->ncap ? 2 * l->ncap : 2;
            l->notes = xrealloc(l->notes, l->ncap * sizeof *l->notes);
        }
        l->notes[l->nnotes].label = xstrdup(f->label && f->label[0] ? f->label : f->name);
        l->notes[l->nnotes].text = xstrdup(v);
        l->nnotes++;
    }
}

static void session_end(report *rp)
{
    if (rp->in_session && rp->rated) {
        rp->prev_client_only = rp->latest_client_only;
        rp->latest_client_only = rp->client_rupture == 1 && rp->therapist_rupture == 0;
        rp->latest_client_rupture = rp->client_rupture == 1;
        rp->before_rup = rp->latest_rup;
        if (rp->pending_rup.have)
            rp->latest_rup = rp->pending_rup;
        arows old = rp->before_rows;
        rp->before_rows = rp->found_rows;
        rp->found_rows = rp->pending;
        rp->pending = old;
        rp->prev = rp->have_latest ? rp->latest : 0;
        rp->have_latest = 1;
        rp->latest = rp->session;
        free(rp->latest_date);
        free(rp->latest_therapist);
        rp->latest_date = rp->date;
        rp->latest_therapist = rp->therapist;
        rp->date = rp->therapist = NULL;
    }
    rp->pending.n = 0;
    rp->pending_rup.have = 0;
    free(rp->date);
    free(rp->therapist);
    rp->date = rp->therapist = NULL;
    rp->in_session = rp->rated = rp->therapist_own = 0;
    rp->client_rupture = rp->therapist_rupture = NAN;
    rp->client_from = rp->therapist_from = NULL;
}

static void report_row(void *st, const an_row *r)
{
    report *rp = st;
    const admin_view *v = r->v;
    if (rp->page)
        gather_row(&rp->g, r);
    if (rp->in_session && v->session != rp->session)
        session_end(rp);
    if (!rp->in_session) {
        rp->in_session = 1;
        rp->session = v->session;
    }
    if (v->session > rp->last_seen) {
        rp->last_seen = v->session;
        free(rp->last_seen_date);
        free(rp->last_seen_therapist);
        rp->last_seen_date = xstrdup(v->date ? v->date : "");
        rp->last_seen_therapist = xstrdup(v->therapist ? v->therapist : "");
    }
    if (r->form->role[ROLE_RUPTURE] >= 0) {
        const char *name = r->form->in->name;
        if (strcmp(v->rater, "client") == 0) {
            if (an_side_first(1, name, 1, rp->client_from)) {
                rp->client_rupture = r->role[ROLE_RUPTURE];
                rp->client_from = name;
            }
        } else if (strcmp(v->rater, "therapist") == 0) {
            int own = an_session_therapists(v);
            if (an_side_first(own, name, rp->therapist_own, rp->therapist_from)) {
                rp->therapist_rupture = r->role[ROLE_RUPTURE];
                rp->therapist_from = name;
                rp->therapist_own = own;
            }
        }
    }
    if (!r->rater_ok)
        return;
    if (!rp->rated) {
        rp->rated = 1;
        rp->date = xstrdup(v->date);
        rp->therapist = xstrdup(v->therapist ? v->therapist : "");
    }
    arow_keep(&rp->pending, r, row_by(rp, r));
    const arow *kept = &rp->pending.a[rp->pending.n - 1];
    /* the session's rupture, carried forward and shown as the latest: the
     * first reported, or a later questionnaire's of the session (another
     * rater's, with --rater all) that is open where the first is not */
    if (r->role[ROLE_RUPTURE] == 1 &&
        (!rp->pending_rup.have || (!rupture_open(&rp->pending_rup.row) && rupture_open(kept)))) {
        rp->pending_rup.have = 1;
        rp->pending_rup.session = v->session;
        rp->pending_rup.row = *kept;
        keep_rupture(rp, r);
    }
}

typedef struct drop_ctx {
    long at;
    const episode *hit;
    episode copy;
} drop_ctx;

static void on_episode(const episode *e, void *ctx)
{
    drop_ctx *d = ctx;
    if (e->rupture_session == d->at) {
        d->copy = *e;
        d->hit = &d->copy;
    }
}

/* An alliance drop at session `at` that the episode rule counts; with
 * `untested`, a note where the score fell but the fall could not be judged, as
 * the sd rule needs more scores than the series has up to `at`. */
static void drop_alerts(report *rp, const an_client *c, long at, int untested, alerts *to)
{
    char rule[96], b1[32], b2[32], b3[32], b4[32];
    for (size_t i = 0; i < c->nseries; i++) {
        const an_series *s = &c->series[i];
        episode_params p;
        if (!s->rater_ok || s->n < 2)
            continue;
        size_t k = 0;
        while (k < s->n && s->session[k] != at)
            k++;
        if (k == s->n || episodes_params(rp->cx, s, &p, rule, sizeof rule) != 0)
            continue;
        if (untested && p.rule == RULE_SD && k + 1 < 3 && k > 0 && s->score[k] < s->score[k - 1]) {
            sbuf sb = SBUF_INIT;
            sbuf_addf(&sb, "alliance drop not checked on %s: %zu scores, the rule %s needs 3 "
                           "(the score went from %s to %s)",
                      s->instrument, k + 1, rule, nice(s->score[k - 1], b1), nice(s->score[k], b2));
            alerts_add(to, "drop_not_checked", s->instrument, rp->cx->o->rater ? NULL : s->rater,
                       &sb);
            continue;
        }
        drop_ctx d = { at, NULL, { 0 } };
        episodes_find(s->session, s->score, k + 1, &p, on_episode, &d);
        if (!d.hit)
            continue;
        sbuf sb = SBUF_INIT;
        nice_pair(d.hit->drop, d.hit->threshold, b3, b4);
        sbuf_addf(&sb, "alliance fell from %s to %s on %s (drop %s, more than %s by the rule %s)",
                  nice(d.hit->pre_score, b1), nice(d.hit->rupture_score, b2), s->instrument,
                  b3, b4, rule);
        alerts_add(to, "alliance_drop", s->instrument, rp->cx->o->rater ? NULL : s->rater, &sb);
    }
}

static void client_only_alert(alerts *to)
{
    sbuf sb = SBUF_INIT;
    sbuf_adds(&sb, "the client reported a rupture that the therapist's questionnaire "
                   "does not record");
    alerts_add(to, "client_only_rupture", NULL, NULL, &sb);
}

/* The sessions after the latest one the rater rated, already held (dated
 * no later than today and --to) and in the selection, with no
 * questionnaire of the rater: the sessions recorded after the latest
 * rated one, asked of the store in turn (up to the first not held or not
 * recorded), and the latest the scan saw (other raters' questionnaires)
 * where that lookup stopped before it.  The alert names them all (two in a
 * row unanswered say more than one); when the rater rated none of the
 * client's sessions, it says so. */
static void missing_alert(report *rp, const char *client)
{
    const an_opts *o = rp->cx->o;
    char today[11];
    util_today_iso(today);
    const char *upto = o->to && strcmp(o->to, today) < 0 ? o->to : today;
    long *miss = NULL;
    size_t n = 0, cap = 0;
    char *best_date = NULL;
    for (long k = rp->latest;;) {
        session_info si;
        at_err err;
        /* the next session recorded, whatever numbers lie between (the lookup
         * connection: the scan's own belongs to the reading thread) */
        if (store_session_after(rp->cx->lookup, client, k, &si, &err) != AT_OK)
            break;
        k = si.number;
        int held = si.date && strcmp(si.date, upto) <= 0;
        int in_sel = !o->therapist || (si.therapist && strcmp(si.therapist, o->therapist) == 0);
        if (held && in_sel) {
            if (n == cap) {
                cap = cap ? 2 * cap : 8;
                miss = xrealloc(miss, cap * sizeof *miss);
            }
            miss[n++] = k;
            free(best_date);
            best_date = xstrdup(si.date);
        }
        session_info_release(&si);
        if (!held)
            break;
    }
    if (rp->last_seen > rp->latest && rp->last_seen_date && strcmp(rp->last_seen_date, upto) <= 0 &&
        (n == 0 || miss[n - 1] < rp->last_seen)) {
        if (n == cap) {
            cap = cap ? 2 * cap : 8;
            miss = xrealloc(miss, cap * sizeof *miss);
        }
        miss[n++] = rp->last_seen;
        free(best_date);
        best_date = xstrdup(rp->last_seen_date);
    }
    if (n) {
        sbuf sb = SBUF_INIT, list = SBUF_INIT;
        const char *who = o->rater ? o->rater : "rater";
        const char *on = best_date && best_date[0] ? " on " : "";
        long best = miss[n - 1];
        /* "7 and 8", "6 to 9", "3, 5 and 6" */
        if (n > 2 && miss[n - 1] - miss[0] == (long)n - 1)
            sbuf_addf(&list, "%ld to %ld", miss[0], best);
        else
            for (size_t i = 0; i < n; i++)
                sbuf_addf(&list, "%s%ld", i == 0 ? "" : i + 1 == n ? " and " : ", ", miss[i]);
        if (rp->have_latest && n == 1)
            sbuf_addf(&sb, "no questionnaire from the %s for session %ld%s%s, the latest "
                           "session recorded",
                      who, best, on, best_date ? best_date : "");
        else if (rp->have_latest)
            sbuf_addf(&sb, "no questionnaire from the %s for the last %zu sessions recorded "
                           "(%s, the latest%s%s)",
                      who, n, list.buf, on, best_date ? best_date : "");
        else if (n == 1)
            sbuf_addf(&sb, "no questionnaire from the %s for any session yet; the latest "
                           "session recorded is %ld%s%s",
                      who, best, on, best_date ? best_date : "");
        else
            sbuf_addf(&sb, "no questionnaire from the %s for any of the %zu sessions recorded "
                           "yet (%s, the latest%s%s)",
                      who, n, list.buf, on, best_date ? best_date : "");
        sbuf_release(&list);
        alerts_add(&rp->found, "no_questionnaire", NULL, NULL, &sb);
    }
    free(miss);
    free(best_date);
}

static void write_block(report *rp, const an_client *c)
{
    sbuf what = SBUF_INIT;
    if (rp->prev) {
        rfacts now = { 0, rp->latest_client_rupture, 0 };
        for (size_t i = 0; i < rp->found_rows.n; i++) {
            const arow *k = &rp->found_rows.a[i];
            now.rupture |= k->role[ROLE_RUPTURE] == 1;
            now.scored |= k->form->role[ROLE_ALLIANCE] >= 0 && !isnan(k->alliance);
        }
        rchanges(&rp->found, &rp->before, &now, &what);
    }
    int drawn = rp->page && gather_client(&rp->g, c);
    rblock b = { c->code, rp->latest_therapist, rp->latest_date, rp->latest, &rp->found,
                 rp->prev ? what.buf : NULL, rp->prev, rp->rup.have ? &rp->rup : NULL,
                 drawn ? &rp->g.cur : NULL };
    if (rp->page)
        rpage_block(rp->page, &b);
    else
        rtext_block(rp->fp, &b, rp->width);
    sbuf_release(&what);
}

/* The CSV rows of a client's alerts, under the session they belong to. */
static void alert_rows(csvout *w, const char *client, const char *therapist, long session,
                       const char *date, const alerts *a)
{
    for (size_t i = 0; i < a->n; i++) {
        csvout_field(w, client);
        csvout_field(w, therapist);
        csvout_int(w, session);
        csvout_field(w, date);
        csvout_field(w, a->a[i].code);
        csvout_field(w, a->a[i].detail);
        csvout_end(w);
    }
}

/* Adds a client's code to a ", "-joined list. */
static void codes_add(sbuf *list, const char *code)
{
    sbuf_addf(list, "%s%s", list->len ? ", " : "", code);
}

/* The client's alerts in the report's format, or the client among those
 * without alerts. */
static void client_alerts_out(report *rp, const an_client *c)
{
    if (rp->found.n && rp->format == FMT_CSV)
        alert_rows(&rp->w, c->code, rp->latest_therapist, rp->latest, rp->latest_date,
                   &rp->found);
    else if (rp->found.n)
        write_block(rp, c);
    else if (rp->format != FMT_CSV)
        codes_add(&rp->quiet, c->code);
    rp->printed += (long)rp->found.n;
}

static void report_client(void *st, const an_client *c)
{
    report *rp = st;
    session_end(rp);
    if (rp->have_latest) {
        earlier_alert(&rp->latest_rup, rp->latest, &rp->found);
        arows_alerts(&rp->found_rows, &rp->found);
        if (rp->prev)
            earlier_alert(&rp->before_rup, rp->prev, &rp->before);
        arows_alerts(&rp->before_rows, &rp->before);   /* none without a session before */
        drop_alerts(rp, c, rp->latest, 1, &rp->found);
        if (rp->latest_client_only)
            client_only_alert(&rp->found);
        missing_alert(rp, c->code);
        if (rp->prev) {
            drop_alerts(rp, c, rp->prev, 0, &rp->before);
            if (rp->prev_client_only)
                client_only_alert(&rp->before);
        }
        client_alerts_out(rp, c);
        rp->rated_clients++;
    } else if (rp->last_seen) {
        missing_alert(rp, c->code);
        if (rp->found.n && rp->format == FMT_CSV) {
            csvout w;
            csvout_init_buf(&w, &rp->never_csv);
            alert_rows(&w, c->code, rp->last_seen_therapist, rp->last_seen, rp->last_seen_date,
                       &rp->found);
        } else if (rp->found.n) {
            codes_add(&rp->never, c->code);
        }
    }
    gather_reset(&rp->g);
    rp->found_rows.n = rp->before_rows.n = 0;
    alerts_clear(&rp->found);
    alerts_clear(&rp->before);
    rlatest_clear(&rp->rup);
    free(rp->latest_date);
    free(rp->latest_therapist);
    free(rp->last_seen_date);
    free(rp->last_seen_therapist);
    rp->latest_date = rp->latest_therapist = rp->last_seen_date = rp->last_seen_therapist = NULL;
    rp->have_latest = 0;
    rp->latest = rp->prev = rp->last_seen = 0;
    rp->latest_client_only = rp->prev_client_only = rp->latest_client_rupture = 0;
    rp->latest_rup.have = rp->before_rup.have = 0;
}

/* A text line "head: list", wrapped to the report's width. */
static void text_list(report *rp, const char *head, const char *list)
{
    sbuf line = SBUF_INIT;
    sbuf_addf(&line, "%s: %s", head, list);
    rtext_para(rp->fp, line.buf, rp->width, "", "  ");
    sbuf_release(&line);
}

static int report_finish(void *st)
{
    report *rp = st;
    if (rp->page)
        return rpage_end(rp->page, sbuf_str(&rp->quiet), sbuf_str(&rp->never));
    if (rp->format == FMT_CSV && rp->rated_clients && rp->never_csv.len)
        fwrite(rp->never_csv.buf, 1, rp->never_csv.len, rp->fp);
    if (rp->format != FMT_TEXT)
        return 0;
    const char *who = rp->cx->o->rater ? rp->cx->o->rater : "rater";
    if (!rp->rated_clients) {
        /* no client had a questionnaire of the rater: nothing was looked at */
        fprintf(rp->fp, "no questionnaires from the %s to report on\n", who);
    } else if (rp->quiet.len) {
        text_list(rp, "no alerts", rp->quiet.buf);
    }
    if (rp->rated_clients && rp->never.len) {
        sbuf head = SBUF_INIT;
        sbuf_addf(&head, "no questionnaire from the %s yet", who);
        text_list(rp, head.buf, rp->never.buf);
        sbuf_release(&head);
    }
    return 0;
}

static void report_free(void *st)
{
    report *rp = st;
    if (!rp)
        return;
    rpage_free(rp->page);
    alerts_clear(&rp->found);
    alerts_clear(&rp->before);
    free(rp->pending.a);
    free(rp->found_rows.a);
    free(rp->before_rows.a);
    free(rp->found.a);
    free(rp->before.a);
    rlatest_clear(&rp->rup);
    sbuf_release(&rp->rup.kinds);
    free(rp->rup.notes);
    sbuf_release(&rp->quiet);
    sbuf_release(&rp->never);
    sbuf_release(&rp->never_csv);
    gather_release(&rp->g);
    free(rp->date);
    free(rp->therapist);
    free(rp->latest_date);
    free(rp->latest_therapist);
    free(rp->last_seen_date);
    free(rp->last_seen_therapist);
    free(rp);
}

static unsigned report_flags(const an_opts *o)
{
    return AN_ALL_RATERS | episodes_flags(o);
}

const an_analysis an_report = {
    .name = "report",
    .summary = "alerts before the next sessions: text, csv, html or pdf",
    .help =
        "For each client, the alerts of the latest session the rater (default the\n"
        "client) filled in a questionnaire for, in plain words, as a block per client\n"
        "(then a line naming the clients without alerts, and one naming those whose\n"
        "sessions have other raters' questionnaires only; when no client has a\n"
        "questionnaire of the rater, a line saying there is nothing to report on):\n"
        "  - a rupture that is not resolved (resolution under @RESOLVED-AT, or not rated)\n"
        "  - such a rupture reported at an earlier session, when the questionnaires\n"
        "    since report no rupture: none of them says it was resolved, so it stays\n"
        "    until a later questionnaire reports a rupture again\n"
        "  - the client wants to talk about it next time (followup)\n"
        "  - the rupture was not talked about in the session (addressed = no)\n"
        "  - an alliance score under the instrument's @ALERT-BELOW\n"
        "  - an alliance drop since the previous session that the episode rule counts\n"
        "    as a rupture (default sd k=1; see the episode options)\n"
        "  - the client reported a rupture and the therapist's questionnaire did not\n"
        "  - the questionnaire was partial and its alliance score could not be computed\n"
        "  - a later session (dated today or before, or undated) has no questionnaire\n"
        "    of the rater\n"
        "Each block also says which alerts are new or gone since the rater's\n"
        "questionnaire before (\"not reported this time\" for one the latest could not\n"
        "have repeated: no rupture reported, or no alliance score), and shows the\n"
        "latest reported rupture: its kinds and the free-text answers of that\n"
        "questionnaire (fields not marked Identifier).\n"
        "\n"
        "  --format text|csv|html|pdf\n"
        "                      text: wrapped to the terminal (80 columns otherwise);\n"
        "                      csv: client,therapist,session,date,alert,detail, one row\n"
        "                      per alert (alert: unresolved_rupture,\n"
        "                      earlier_unresolved_rupture, wants_to_talk,\n"
        "                      not_talked_about, low_alliance, alliance_drop,\n"
        "                      client_only_rupture, unscored, no_questionnaire,\n"
        "                      drop_not_checked: too few scores for the sd rule);\n"
        "                      html: one self-contained page with each client's chart;\n"
        "                      pdf (needs -o FILE): the same as pages for printing\n"
        "  --resolved-at X     a resolution of X or more counts as resolved\n",
    .options = OPT_FORMAT | OPT_EPISODE | OPT_RESOLVED,
    .flags = report_flags,
    .start = report_start,
    .columns = csv_head,
    .row = report_row,
    .client_end = report_client,
    .finish = report_finish,
    .free = report_free,
};
