/* ruptures.c: the self-reported rupture items of every administration in
 * one tidy table. */
#include "analyze.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *role_text(const an_row *r, field_role role)
{
    long fi = r->form->role[role];
    if (fi < 0)
        return "";
    const dict_field *f = &r->form->in->fields[fi];
    if (f->ncol != 1)
        return "";
    /* a yes/no role's "rather not say" is no answer, as the scoring reads it */
    if ((role == ROLE_RUPTURE || role == ROLE_ADDRESSED || role == ROLE_FOLLOWUP) &&
        isnan(r->role[role]))
        return "";
    const char *s = r->vals[f->col];
    return s ? s : "";
}

int role_resolved(const an_row *r)
{
    double res = r->role[ROLE_RESOLUTION];
    if (isnan(res) || !r->form->has_resolved_at)
        return -1;
    return res >= r->form->resolved_at;
}

void role_kinds(const an_row *r, sbuf *sb)
{
    long fi = r->form->role[ROLE_RUPTURE_KIND];
    if (fi < 0)
        return;
    const dict_field *f = &r->form->in->fields[fi];
    if (f->type != FT_CHECKBOX) {
        const char *s = r->vals[f->col];
        if (s)
            sbuf_adds(sb, s);
        return;
    }
    int first = 1;
    for (size_t i = 0; i < f->nchoices && i < f->ncol; i++) {
        const char *s = r->vals[f->col + i];
        if (s && strcmp(s, "1") == 0) {
            if (!first)
                sbuf_addc(sb, ';');
            sbuf_adds(sb, f->choices[i].code);
            first = 0;
        }
    }
}

typedef struct rup {
    csvout w;
    sbuf kinds;
} rup;

static const char *const head[] = { "instrument", "client", "therapist", "session", "date",
                                    "rater", "rupture", "tension", "addressed", "resolution",
                                    "resolved", "followup", "kinds", NULL };

static void *rup_start(const an_ctx *cx, FILE *out, FILE *extra)
{
    (void)cx;
    (void)extra;
    rup *u = xcalloc(1, sizeof *u);
    csvout_init_file(&u->w, out);
    csvout_row(&u->w, head, an_ncolumns(head));
    return u;
}

static void rup_row(void *st, const an_row *r)
{
    rup *u = st;
    const admin_view *v = r->v;
    if (!r->rater_ok || !r->form->has_rupture_roles)
        return;
    csvout_field(&u->w, r->form->in->name);
    csvout_field(&u->w, v->client);
    csvout_field(&u->w, v->therapist);
    csvout_int(&u->w, v->session);
    csvout_field(&u->w, v->date);
    csvout_field(&u->w, v->rater);
    csvout_field(&u->w, role_text(r, ROLE_RUPTURE));
    csvout_field(&u->w, role_text(r, ROLE_TENSION));
    csvout_field(&u->w, role_text(r, ROLE_ADDRESSED));
    csvout_field(&u->w, role_text(r, ROLE_RESOLUTION));
    int res = role_resolved(r);
    if (res < 0)
        csvout_field(&u->w, NULL);
    else
        csvout_int(&u->w, res);
    csvout_field(&u->w, role_text(r, ROLE_FOLLOWUP));
    sbuf_reset(&u->kinds);
    role_kinds(r, &u->kinds);
    csvout_field(&u->w, sbuf_str(&u->kinds));
    csvout_end(&u->w);
}

static int rup_finish(void *st)
{
    (void)st;
    return 0;
}

static void rup_free(void *st)
{
    rup *u = st;
    if (u)
        sbuf_release(&u->kinds);
    free(u);
}

const an_analysis an_ruptures = {
    .name = "ruptures",
    .summary = "the rupture items of every administration in one table",
    .help =
        "One row per administration of an instrument with rupture items (@ROLE=\n"
        "rupture, tension, addressed, resolution, followup, rupture-kind), with the\n"
        "answers as stored (blank when not answered; a yes/no item's answer that is\n"
        "neither yes nor no, such as 9 for \"I'd rather not say\", is blank too, as\n"
        "every analysis reads it as no answer).  resolved is 1 when the resolution\n"
        "rating is at least the field's @RESOLVED-AT (or --resolved-at), 0 when\n"
        "under it, blank when there is no rating or no threshold.  kinds lists the\n"
        "codes of the checked rupture kinds, joined by ';' (e.g. \"1;3\").\n"
        "\n"
        "  --resolved-at X     a resolution of X or more counts as resolved\n"
        "\n"
        "columns: instrument,client,therapist,session,date,rater,rupture,tension,\n"
        "         addressed,resolution,resolved,followup,kinds\n",
    .options = OPT_RESOLVED,
    .start = rup_start,
    .columns = head,
    .row = rup_row,
    .finish = rup_finish,
    .free = rup_free,
};
