/* agreement.c: client and therapist views of the same sessions (or, with
 * --pair observer,therapist, the observer's and the therapist's): the 2x2
 * of rupture reported by each, Cohen's kappa with its large-sample SE, its
 * test of kappa = 0 and 95% interval, and the correlation of their alliance
 * scores; per therapist and overall.
 *
 * Each side of a session is the rater's administration of an instrument
 * with a @ROLE=rupture item (the instruments may differ: the client's
 * questionnaire and the therapist's).  Of several therapists' ratings of a
 * session (a co-therapist's beside the session's therapist's), the session
 * therapist's own is used (by rater code), even with its rupture item blank,
 * else the first rater code's; when a rater filled in several such
 * instruments, the one whose name sorts first is used, its rupture answer
 * and its alliance score (an_side_first; the report chooses alike). */
#include "analyze.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct side {
    int present;
    int own;                    /* the therapist side: by the session's own therapist */
    const char *instrument;     /* owned by the catalog */
    double rupture, alliance;
} side;

typedef struct tally {
    char *id;
    long both, client_only, therapist_only, neither;
    stats_corr alliance;        /* the pairs' alliance scores */
} tally;

typedef struct agree {
    const an_opts *o;
    csvout w;
    const char *first;          /* the first side's rater: client or observer */
    long session;
    int in_session;
    char *therapist;            /* of the current session */
    side cl, th;
    tally *t;
    size_t nt, tcap;
    size_t tlast;               /* the tally found last: tried first */
    tally all;
} agree;

static const char *const columns[] = { "level", "id", "pairs", "both", "client_only",
                                       "therapist_only", "neither", "kappa", "kappa_se",
                                       "alliance_r", "kappa_se0", "kappa_z", "kappa_p",
                                       "kappa_ci_lower", "kappa_ci_upper", NULL };

static void *agree_start(const an_ctx *cx, FILE *out, FILE *extra)
{
    (void)extra;
    const char *head[sizeof columns / sizeof columns[0]];
    memcpy(head, columns, sizeof head);
    agree *a = xcalloc(1, sizeof *a);
    a->o = cx->o;
    a->first = cx->o->pair_observer ? "observer" : "client";
    if (cx->o->pair_observer)
        head[4] = "observer_only";   /* --pair observer,therapist */
    a->all.id = xstrdup("all");
    csvout_init_file(&a->w, out);
    csvout_row(&a->w, head, an_ncolumns(head));
    return a;
}

static tally *tally_get(agree *a, const char *id)
{
    if (a->tlast < a->nt && strcmp(a->t[a->tlast].id, id) == 0)
        return &a->t[a->tlast];
    for (size_t i = 0; i < a->nt; i++)
        if (strcmp(a->t[i].id, id) == 0) {
            a->tlast = i;
            return &a->t[i];
        }
    if (a->nt == a->tcap) {
        a->tcap = a->tcap ? 2 * a->tcap : 8;
        a->t = xrealloc(a->t, a->tcap * sizeof *a->t);
    }
    a->tlast = a->nt;
    tally *t = &a->t[a->nt++];
    memset(t, 0, sizeof *t);
    t->id = xstrdup(id);
    return t;
}

static void tally_add(tally *t, const side *c, const side *h)
{
    if (!isnan(c->rupture) && !isnan(h->rupture)) {
        int cy = c->rupture == 1, ty = h->rupture == 1;
        if (cy && ty)
            t->both++;
        else if (cy)
            t->client_only++;
        else if (ty)
            t->therapist_only++;
        else
            t->neither++;
    }
    if (!isnan(c->alliance) && !isnan(h->alliance))
        stats_corr_add(&t->alliance, c->alliance, h->alliance);
}

static void session_end(agree *a)
{
    if (a->in_session && a->cl.present && a->th.present) {
        tally_add(tally_get(a, a->therapist ? a->therapist : ""), &a->cl, &a->th);
        tally_add(&a->all, &a->cl, &a->th);
    }
    a->in_session = 0;
    memset(&a->cl, 0, sizeof a->cl);
    memset(&a->th, 0, sizeof a->th);
    free(a->therapist);
    a->therapist = NULL;
}

static void agree_row(void *st, const an_row *r)
{
    agree *a = st;
    const admin_view *v = r->v;
    if (r->form->role[ROLE_RUPTURE] < 0)
        return;
    side *s = strcmp(v->rater, a->first) == 0     ? &a->cl
              : strcmp(v->rater, "therapist") == 0 ? &a->th
                                                   : NULL;
    if (a->in_session && v->session != a->session)
        session_end(a);
    if (!a->in_session) {
        a->in_session = 1;
        a->session = v->session;
        a->therapist = xstrdup(v->therapist ? v->therapist : "");
    }
    if (!s)
        return;
    /* the session therapist's own rating before a co-therapist's */
    int own = s != &a->th || an_session_therapists(v);
    if (!an_side_first(own, r->form->in->name, s->own, s->present ? s->instrument : NULL))
        return;
    s->present = 1;
    s->own = own;
    s->instrument = r->form->in->name;
    s->rupture = r->role[ROLE_RUPTURE];
    s->alliance = r->alliance;
}

static void agree_client(void *st, const an_client *c)
{
    (void)c;
    session_end(st);
}

static void tally_write(csvout *w, const char *level, const tally *t)
{
    kappa_result k;
    long pairs = t->both + t->client_only + t->therapist_only + t->neither;
    stats_kappa(t->both, t->client_only, t->therapist_only, t->neither, &k);   /* NaN when undefined */
    /* One side gave the same answer in every pair (always the case with a
     * single pair): observed agreement is then chance agreement whatever the
     * other side said, so kappa is 0 by construction (0 / 0, blank, when
     * both sides gave one and the same answer), and both large-sample
     * variances are 0 by their formulas (or a rounding error away from it)
     * because kappa cannot move, not because agreement was measured; and
     * 0 / 0 is no test: the SEs, the test and the interval are left blank. */
    long first_yes = t->both + t->client_only, other_yes = t->both + t->therapist_only;
    if (pairs > 0 && (first_yes == 0 || first_yes == pairs || other_yes == 0 ||
                      other_yes == pairs))
        k.se = k.se0 = k.z = k.p = k.lo = k.hi = NAN;
    csvout_field(w, level);
    csvout_field(w, t->id);
    csvout_int(w, pairs);
    csvout_int(w, t->both);
    csvout_int(w, t->client_only);
    csvout_int(w, t->therapist_only);
    csvout_int(w, t->neither);
    csvout_num(w, k.kappa);
    csvout_num(w, k.se);
    csvout_num(w, stats_corr_r(&t->alliance));
    csvout_num(w, k.se0);
    csvout_num(w, k.z);
    csvout_num(w, k.p);
    csvout_num(w, k.lo);
    csvout_num(w, k.hi);
    csvout_end(w);
}

static int by_id(const void *a, const void *b)
{
    return strcmp(((const tally *)a)->id, ((const tally *)b)->id);
}

static int agree_finish(void *st)
{
    agree *a = st;
    if (a->nt)
        qsort(a->t, a->nt, sizeof *a->t, by_id);
    for (size_t i = 0; i < a->nt; i++)
        tally_write(&a->w, "therapist", &a->t[i]);
    if (a->nt)
        tally_write(&a->w, "all", &a->all);
    else
        an_note("agreement: no session in the selection has both %s and a therapist's "
                "questionnaire with a @ROLE=rupture item; the table is empty%s",
                a->o->pair_observer ? "an observer's" : "a client's",
                a->o->pair_observer ? "" : " (--pair observer,therapist pairs the observer's)");
    return 0;
}

static void tally_release(tally *t)
{
    free(t->id);
}

static void agree_free(void *st)
{
    agree *a = st;
    if (!a)
        return;
    for (size_t i = 0; i < a->nt; i++)
        tally_release(&a->t[i]);
    tally_release(&a->all);
    free(a->t);
    free(a->therapist);
    free(a);
}

static unsigned agree_flags(const an_opts *o)
{
    (void)o;
    return AN_ALL_RATERS | AN_OWN_NOTE;
}

const an_analysis an_agreement = {
    .name = "agreement",
    .summary = "client-therapist agreement on ruptures (kappa) and alliance (r)",
    .help =
        "Pairs the client's and the therapist's administrations of the same session\n"
        "(each side: the rater's instrument with a @ROLE=rupture item; the first by\n"
        "name when there are several; of several therapists' ratings, the session\n"
        "therapist's own) and counts, over sessions where both answered\n"
        "the rupture question: both reported a rupture, the client only, the therapist\n"
        "only, neither.  With --pair observer,therapist the observer's questionnaire\n"
        "takes the client's place (observer_only replaces client_only): does a trainee\n"
        "notice the strains a supervisor sees?  kappa is Cohen's kappa; kappa_se its\n"
        "large-sample SE (Fleiss, Cohen & Everitt 1969), which gives the 95% interval\n"
        "kappa_ci_lower, kappa_ci_upper; kappa_se0 the SE under kappa = 0, which gives\n"
        "kappa_z = kappa / kappa_se0 and its two-sided p value kappa_p.  When one side\n"
        "gave the same answer in every pair (as with a single pair), kappa is 0 by\n"
        "construction and the SEs, the test and the interval are left blank; when\n"
        "both sides gave one and the same answer throughout, kappa (0 / 0) is blank\n"
        "too.\n"
        "alliance_r is the Pearson correlation of the two alliance scores over\n"
        "sessions where both have one.  One row per therapist (of the session), then\n"
        "level all.  --rater does not apply: both sides are read; --instrument limits\n"
        "both sides to that one instrument.\n"
        "\n"
        "  --pair client,therapist|observer,therapist   the two sides (default client)\n"
        "\n"
        "columns: level,id,pairs,both,client_only,therapist_only,neither,kappa,kappa_se,\n"
        "         alliance_r,kappa_se0,kappa_z,kappa_p,kappa_ci_lower,kappa_ci_upper\n",
    .options = OPT_PAIR,
    .flags = agree_flags,
    .start = agree_start,
    .columns = columns,
    .row = agree_row,
    .client_end = agree_client,
    .finish = agree_finish,
    .free = agree_free,
};
