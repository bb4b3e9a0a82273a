/* episodes.c: rupture-repair episodes in each client's alliance series, by
 * the rules of DESIGN.md (sd, rci, abs, sudden); the arithmetic is
 * episodes_find's. */
#include "analyze.h"

#include <math.h>
#include <stdlib.h>

unsigned episodes_flags(const an_opts *o)
{
    if (o->ep.rule == RULE_RCI || (o->ep.rule == RULE_SUDDEN && !o->has_cutoff))
        return AN_PREP;
    return 0;
}

int episodes_params(const an_ctx *cx, const an_series *s, episode_params *p, char *rule,
                    size_t rulesz)
{
    const an_opts *o = cx->o;
    *p = o->ep;
    double shown = NAN;
    if (o->ep.rule == RULE_RCI || (o->ep.rule == RULE_SUDDEN && !o->has_cutoff)) {
        const an_prep_entry *e = prep_find(cx->prep, s->instrument, s->rater);
        if (!e || isnan(e->cutoff))
            return -1;
        p->cutoff = e->cutoff;
        shown = o->ep.rule == RULE_RCI ? e->r : e->cutoff;
    } else if (o->ep.rule == RULE_SUDDEN) {
        shown = o->ep.cutoff;
    }
    opts_rule_text(o, shown, rule, rulesz);
    return 0;
}

typedef struct epi {
    const an_ctx *cx;
    csvout w;
    const an_client *c;
    const an_series *s;
    char rule[96];
} epi;

static const char *const head[] = {
    "instrument", "scale", "rater", "client", "therapist", "rule", "rupture_session",
    "pre_score", "rupture_score", "drop", "threshold", "repair_session", "repaired",
    "sessions_to_repair", "censored", NULL
};

static void *epi_start(const an_ctx *cx, FILE *out, FILE *extra)
{
    (void)extra;
    epi *e = xcalloc(1, sizeof *e);
    e->cx = cx;
    csvout_init_file(&e->w, out);
    csvout_row(&e->w, head, an_ncolumns(head));
    return e;
}

const char *series_therapist(const an_client *c, const an_series *s, long session)
{
    for (size_t j = 0; j < s->n; j++)
        if (s->session[j] == session)
            return c->therapists[s->therapist[j]];
    return "";
}

static void epi_found(const episode *ep, void *ctx)
{
    epi *e = ctx;
    csvout *w = &e->w;
    csvout_field(w, e->s->instrument);
    csvout_field(w, e->s->scale);
    csvout_field(w, e->s->rater);
    csvout_field(w, e->c->code);
    csvout_field(w, series_therapist(e->c, e->s, ep->rupture_session));
    csvout_field(w, e->rule);
    csvout_int(w, ep->rupture_session);
    csvout_num(w, ep->pre_score);
    csvout_num(w, ep->rupture_score);
    csvout_num(w, ep->drop);
    csvout_num(w, ep->threshold);
    if (ep->repaired)
        csvout_int(w, ep->repair_session);
    else
        csvout_field(w, NULL);
    csvout_int(w, ep->repaired ? 1 : 0);
    if (ep->repaired)
        csvout_int(w, ep->sessions_to_repair);
    else
        csvout_field(w, NULL);
    csvout_int(w, ep->censored ? 1 : 0);
    csvout_end(w);
}

static void epi_client(void *st, const an_client *c)
{
    epi *e = st;
    for (size_t i = 0; i < c->nseries; i++) {
        const an_series *s = &c->series[i];
        episode_params p;
        if (!s->rater_ok || s->n < 2)
            continue;
        if (episodes_params(e->cx, s, &p, e->rule, sizeof e->rule) != 0)
            continue;
        e->c = c;
        e->s = s;
        episodes_find(s->session, s->score, s->n, &p, epi_found, e);
    }
}

static int epi_finish(void *st)
{
    (void)st;
    return 0;
}

static void epi_free(void *st)
{
    free(st);
}

const an_analysis an_episodes = {
    .name = "episodes",
    .summary = "rupture-repair episodes in the alliance scores (sd, rci, abs, sudden rules)",
    .help =
        "Finds ruptures in each client's series of alliance scores (one instrument and\n"
        "rater, by session number; sessions without a score left out) and whether and\n"
        "when each was repaired.  A rupture is a drop from the previous scored session\n"
        "greater than the rule's threshold; each drop is judged on its own.  Repair:\n"
        "the first of the next W scored sessions whose score is at least the pre-drop\n"
        "score.  censored = 1 when no repair was found and fewer than W sessions\n"
        "followed.  The rule column holds the rule and its parameters, e.g.\n"
        "\"sd k=1 w=3\", \"rci r=0.85 w=3\", \"abs cutoff=0.5 w=3\", \"sudden cutoff=0.62 w=3\";\n"
        "threshold is the number each drop was compared with.\n"
        "\n"
        "columns: instrument,scale,rater,client,therapist,rule,rupture_session,pre_score,\n"
        "         rupture_score,drop,threshold,repair_session,repaired,\n"
        "         sessions_to_repair,censored\n",
    .options = OPT_EPISODE,
    .flags = episodes_flags,
    .start = epi_start,
    .columns = head,
    .client_end = epi_client,
    .finish = epi_finish,
    .free = epi_free,
};
