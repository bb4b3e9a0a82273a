/* reliability.c: Cronbach's alpha of every scale over its terms, with the
 * item statistics (--items).
 *
 * Each scale has an alpha accumulator (lib/stats/stats.h): the term values of an
 * administration are added to it and not kept, so memory grows with the
 * number of scales and terms, not of administrations.  Scales are grouped
 * by instrument name and scale name over all versions; a version whose
 * scale has a different number of terms is left out with a note. */
#include "analyze.h"

#include <gsl/gsl_rstat.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct acc {
    const char *instrument;
    const char *scale;
    size_t order;               /* field index, for dictionary order */
    size_t k;
    int is_mean;
    char *const *items;         /* term names, owned by the form */
    alpha_acc *moments;         /* running moments of the term values */
    gsl_rstat_workspace **term; /* with --pairwise, each term's own answers: its mean and
                                   SD when no covariance matrix can be had (R's mean and
                                   sd with na.rm = TRUE) */
    int mixed_noted;
} acc;

typedef struct formmap {
    const an_form *f;
    size_t *acc;                /* acc index per form scale */
} formmap;

typedef struct rel {
    const an_opts *o;
    csvout w, wi;
    int want_scales, want_items;
    acc *a;
    size_t n, cap;
    formmap *fm;
    size_t nfm;
    double *row;
    size_t rowcap;
} rel;

static const char *const head[] = { "instrument", "scale", "n", "k", "alpha", "alpha_std",
                                    "average_r", "mean", "sd", NULL };
static const char *const item_head[] = { "instrument", "scale", "item", "mean", "sd", "r_drop",
                                         "alpha_if_deleted", NULL };

static void *rel_start(const an_ctx *cx, FILE *out, FILE *extra)
{
    rel *r = xcalloc(1, sizeof *r);
    r->o = cx->o;
    if (cx->o->items && !extra) {   /* reliability --items: the item table alone */
        extra = out;
        out = NULL;
    }
    if (out) {
        csvout_init_file(&r->w, out);
        csvout_row(&r->w, head, an_ncolumns(head));
        r->want_scales = 1;
    }
    if (extra) {
        csvout_init_file(&r->wi, extra);
        csvout_row(&r->wi, item_head, an_ncolumns(item_head));
        r->want_items = 1;
    }
    return r;
}

static size_t acc_find(rel *r, const an_form *f, size_t si)
{
    const dict_field *fd = &f->in->fields[f->scales[si].field];
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->a[i].instrument, f->in->name) == 0 && strcmp(r->a[i].scale, fd->name) == 0)
            return i;
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 8;
        r->a = xrealloc(r->a, r->cap * sizeof *r->a);
    }
    acc *a = &r->a[r->n];
    memset(a, 0, sizeof *a);
    a->instrument = f->in->name;
    a->scale = fd->name;
    a->order = f->scales[si].field;
    a->k = fd->nterms;
    a->is_mean = fd->scale_is_mean;
    a->items = f->scales[si].items;
    a->moments = alpha_acc_new_as(a->k, r->o->pairwise);
    if (r->o->pairwise) {
        a->term = xcalloc(a->k ? a->k : 1, sizeof *a->term);
        for (size_t t = 0; t < a->k; t++)
            a->term[t] = gsl_rstat_alloc();
    }
    if (r->rowcap < a->k) {
        r->rowcap = a->k;
        r->row = xrealloc(r->row, r->rowcap * sizeof *r->row);
    }
    return r->n++;
}

static const formmap *map_get(rel *r, const an_form *f)
{
    for (size_t i = 0; i < r->nfm; i++)
        if (r->fm[i].f == f)
            return &r->fm[i];
    r->fm = xrealloc(r->fm, (r->nfm + 1) * sizeof *r->fm);
    formmap *m = &r->fm[r->nfm++];
    m->f = f;
    m->acc = xcalloc(f->nscales ? f->nscales : 1, sizeof *m->acc);
    for (size_t i = 0; i < f->nscales; i++)
        m->acc[i] = acc_find(r, f, i);
    return m;
}

static void rel_row(void *st, const an_row *row)
{
    rel *r = st;
    if (!row->rater_ok || row->form->nscales == 0)
        return;
    const formmap *m = map_get(r, row->form);
    for (size_t i = 0; i < row->form->nscales; i++) {
        acc *a = &r->a[m->acc[i]];
        const dict_field *fd = &row->form->in->fields[row->form->scales[i].field];
        if (fd->nterms != a->k) {
            if (!a->mixed_noted)
                an_note("'%s' scale '%s': version %ld has %zu terms, not %zu; its "
                        "administrations are left out of the reliability",
                        a->instrument, a->scale, row->v->version, fd->nterms, a->k);
            a->mixed_noted = 1;
            continue;
        }
        size_t got = an_terms(row, i, r->row);
        if (got == 0 || (!r->o->pairwise && got < a->k))
            continue;
        alpha_acc_add(a->moments, r->row);
        for (size_t t = 0; a->term && t < a->k; t++)
            if (isfinite(r->row[t]))
                gsl_rstat_add(r->row[t], a->term[t]);
    }
}

static int by_order(const void *pa, const void *pb)
{
    const acc *a = *(const acc *const *)pa, *b = *(const acc *const *)pb;
    int c = strcmp(a->instrument, b->instrument);
    if (c)
        return c;
    return a->order < b->order ? -1 : a->order > b->order;
}

static int rel_finish(void *st)
{
    rel *r = st;
    acc **sorted = xcalloc(r->n ? r->n : 1, sizeof *sorted);
    for (size_t i = 0; i < r->n; i++)
        sorted[i] = &r->a[i];
    if (r->n)
        qsort(sorted, r->n, sizeof *sorted, by_order);
    for (size_t i = 0; i < r->n; i++) {
        acc *a = sorted[i];
        alpha_result res;
        alpha_item *items = xcalloc(a->k, sizeof *items);
        int ok = alpha_acc_result(a->moments, r->o->pairwise, a->is_mean, &res, items);
        /* pairwise without a covariance matrix (some pair of terms seldom
         * answered together): each term's mean and SD from its own answers */
        for (size_t t = 0; a->term && a->k >= 2 && t < a->k; t++)
            if (isnan(items[t].mean)) {
                size_t m = gsl_rstat_n(a->term[t]);
                items[t].mean = m >= 1 ? gsl_rstat_mean(a->term[t]) : NAN;
                items[t].sd = m >= 2 ? gsl_rstat_sd(a->term[t]) : NAN;
            }
        if (a->k < 2)
            an_note("'%s' scale '%s' has %zu term; reliability needs 2 or more, left blank",
                    a->instrument, a->scale, a->k);
        else if (ok != 0 && res.n < 3)
            an_note("'%s' scale '%s' has %zu %s; reliability needs 3 or more, left blank",
                    a->instrument, a->scale, res.n,
                    r->o->pairwise ? (res.n == 1 ? "case with answers" : "cases with answers")
                                   : (res.n == 1 ? "complete case" : "complete cases"));
        else if (ok != 0)
            an_note("'%s' scale '%s': alpha is undefined (%s), left blank", a->instrument,
                    a->scale, r->o->pairwise
                                  ? "the scale score does not vary, or some pair of terms is "
                                    "answered together fewer than 3 times"
                                  : "the scale score does not vary");
        for (size_t t = 0; ok == 0 && t < a->k; t++)
            if (items[t].sd == 0)
                an_note("'%s' scale '%s': the term %s does not vary; alpha keeps it, as "
                        "Cronbach's formula does (psych::alpha and SPSS leave such a term out, "
                        "which gives a higher alpha); alpha_std and average_r, which need every "
                        "term's correlations, are left blank", a->instrument, a->scale, a->items[t]);
        if (r->want_scales) {
            csvout_field(&r->w, a->instrument);
            csvout_field(&r->w, a->scale);
            csvout_int(&r->w, (long)res.n);
            csvout_int(&r->w, (long)a->k);
            csvout_num(&r->w, res.alpha);
            csvout_num(&r->w, res.alpha_std);
            csvout_num(&r->w, res.average_r);
            csvout_num(&r->w, res.mean);
            csvout_num(&r->w, res.sd);
            csvout_end(&r->w);
        }
        for (size_t t = 0; r->want_items && t < a->k; t++) {
            csvout_field(&r->wi, a->instrument);
            csvout_field(&r->wi, a->scale);
            csvout_field(&r->wi, a->items[t]);
            csvout_num(&r->wi, items[t].mean);
            csvout_num(&r->wi, items[t].sd);
            csvout_num(&r->wi, items[t].r_drop);
            csvout_num(&r->wi, items[t].alpha_if_deleted);
            csvout_end(&r->wi);
        }
        free(items);
    }
    free(sorted);
    return 0;
}

static void rel_free(void *st)
{
    rel *r = st;
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++) {
        alpha_acc_free(r->a[i].moments);
        for (size_t t = 0; r->a[i].term && t < r->a[i].k; t++)
            gsl_rstat_free(r->a[i].term[t]);
        free(r->a[i].term);
    }
    for (size_t i = 0; i < r->nfm; i++)
        free(r->fm[i].acc);
    free(r->a);
    free(r->fm);
    free(r->row);
    free(r);
}

static unsigned reliability_flags(const an_opts *o)
{
    (void)o;
    return AN_ALL_SCALES;
}

const an_analysis an_reliability = {
    .name = "reliability",
    .flags = reliability_flags,
    .summary = "Cronbach's alpha of every scale, and item statistics",
    .help =
        "Cronbach's alpha of each scale over its terms (each term is one keyed item\n"
        "score, so a reverse-keyed item counts as keyed), raw and standardized, the\n"
        "average inter-item correlation, and the mean and SD of the scale score.\n"
        "Complete cases by default (administrations with every term answered);\n"
        "--pairwise uses pairwise-complete covariances and correlations, as R's\n"
        "psych::alpha does, and n counts administrations with any term answered.\n"
        "A scale with fewer than 2 terms or 3 cases gets blank values and a note; one\n"
        "whose score does not vary gets a note and no alpha, but its mean and SD.\n"
        "\n"
        "  --pairwise          pairwise-complete instead of complete cases\n"
        "  --items             the item table instead: the mean and SD of each term,\n"
        "                      its correlation with the sum of the others (r_drop) and\n"
        "                      alpha without it; reverse-keyed terms end in '-'\n"
        "\n"
        "columns: instrument,scale,n,k,alpha,alpha_std,average_r,mean,sd\n"
        "--items: instrument,scale,item,mean,sd,r_drop,alpha_if_deleted\n",
    .options = OPT_PAIRWISE | OPT_ITEMS,
    .start = rel_start,
    .columns = head,
    .extra_columns = item_head,
    .row = rel_row,
    .finish = rel_finish,
    .free = rel_free,
};
