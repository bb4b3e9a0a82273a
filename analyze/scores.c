/* scores.c: every scale of every administration, one row each. */
#include "analyze.h"

#include <stdlib.h>

typedef struct scores {
    csvout w;
    sbuf lead;      /* the administration's first 8 columns, as CSV */
} scores;

static const char *const head[] = { "instrument", "client", "therapist", "session", "date",
                                    "modality", "rater", "rater_code", "scale", "score",
                                    "items_answered", "items_total", NULL };

static void *scores_start(const an_ctx *cx, FILE *out, FILE *extra)
{
    (void)cx;
    (void)extra;
    scores *s = xcalloc(1, sizeof *s);
    csvout_init_file(&s->w, out);
    csvout_row(&s->w, head, an_ncolumns(head));
    return s;
}

static void scores_row(void *st, const an_row *r)
{
    scores *s = st;
    const admin_view *v = r->v;
    const dict_instrument *in = r->form->in;
    if (!r->rater_ok || !r->form->nscales)
        return;
    /* the columns every scale row of this administration repeats */
    csvout lw;
    sbuf_reset(&s->lead);
    csvout_init_buf(&lw, &s->lead);
    csvout_field(&lw, in->name);
    csvout_field(&lw, v->client);
    csvout_field(&lw, v->therapist);
    csvout_int(&lw, v->session);
    csvout_field(&lw, v->date);
    csvout_field(&lw, v->modality);
    csvout_field(&lw, v->rater);
    csvout_field(&lw, v->rater_code);
    for (size_t i = 0; i < r->form->nscales; i++) {
        const dict_field *f = &in->fields[r->form->scales[i].field];
        csvout_fields(&s->w, s->lead.buf, s->lead.len, lw.nfields);
        csvout_field(&s->w, f->name);
        csvout_num(&s->w, r->scale_score[i]);
        csvout_int(&s->w, (long)r->scale_answered[i]);
        csvout_int(&s->w, (long)f->nterms);
        csvout_end(&s->w);
    }
}

static int scores_finish(void *st)
{
    (void)st;
    return 0;
}

static void scores_free(void *st)
{
    scores *s = st;
    if (s)
        sbuf_release(&s->lead);
    free(s);
}

static unsigned scores_flags(const an_opts *o)
{
    (void)o;
    return AN_ALL_SCALES;
}

const an_analysis an_scores = {
    .name = "scores",
    .flags = scores_flags,
    .summary = "every scale score of every administration",
    .help =
        "Scores every scale (a calc field whose expression is sum(...) or mean(...) of\n"
        "item terms) of every administration, as the instrument defines it.  A scale\n"
        "with fewer answered terms than its @MINITEMS is left blank; items_answered\n"
        "says how many were answered.\n"
        "\n"
        "columns: instrument,client,therapist,session,date,modality,rater,rater_code,\n"
        "         scale,score,items_answered,items_total\n",
    .start = scores_start,
    .columns = head,
    .row = scores_row,
    .finish = scores_finish,
    .free = scores_free,
};
