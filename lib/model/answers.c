/* answers.c: an answer set against its instrument: branching, calc fields,
 * checks and scale scores. */
#include "dict_impl.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int blank_cell(const char *s)
{
    if (!s)
        return 1;
    while (isspace((unsigned char)*s))
        s++;
    return *s == '\0';
}

int instrument_shown(const dict_instrument *in, size_t i, const char *const *vals)
{
    const dict_field *f = &in->fields[i];
    return !f->branching || xval_truthy(expr_eval(f->branching, vals));
}

long instrument_rank_taken(const dict_instrument *in, size_t i, const char *value,
                           const char *const *vals)
{
    const dict_field *f = &in->fields[i];
    if (!f->matrix_ranked || blank_cell(value))
        return -1;
    for (size_t j = 0; j < in->nfields; j++) {
        const dict_field *g = &in->fields[j];
        if (j == i || !g->matrix_ranked || strcmp(g->matrix, f->matrix) != 0)
            continue;
        const char *v = vals[g->col];
        if (v && strcmp(v, value) == 0 && instrument_shown(in, j, vals))
            return (long)j;
    }
    return -1;
}

/* Scales of up to this many terms are valued with buffers on the stack;
 * a longer one term by term. */
enum { SCALE_FAST_TERMS = 64 };

/* A calc's value with @MINITEMS honoured; counts the answered terms and
 * stores their values in terms (when not NULL; NaN for a blank term).
 * Each term is valued once, an item term [q] or (K - [q]) from its
 * compiled form, and a sum, mean or + chain of the terms from their
 * values, which is what evaluating the calc would give (expr.h). */
static xval calc_value(const dict_field *f, const char *const *vals, size_t *answered,
                       double *terms)
{
    xval blank = { XV_BLANK, 0.0, NULL };
    double x[SCALE_FAST_TERMS];
    unsigned char ok[SCALE_FAST_TERMS];
    size_t k = 0, n = f->nterms;
    int short_scale = n <= SCALE_FAST_TERMS;
    if (short_scale) {
        k = expr_items_number(f->items, n, vals, terms ? terms : x, ok);
    } else {
        for (size_t i = 0; i < n; i++) {
            double y;
            k += expr_items_number(&f->items[i], 1, vals, &y, ok);
            if (terms)
                terms[i] = y;
        }
    }
    if (answered)
        *answered = k;
    if (!f->calc || (f->minitems > 0 && k < (size_t)f->minitems))
        return blank;
    if (short_scale && f->calc_form != EXPR_SCALE_OTHER) {
        xval v = { XV_NUM, 0.0, NULL };
        return expr_scale_value(f->calc_form, terms ? terms : x, ok, n, &v.num) ? v : blank;
    }
    return expr_eval(f->calc, vals);
}

double instrument_scale(const dict_instrument *in, const dict_field *f, const char *const *vals,
                        size_t *answered)
{
    return instrument_scale_terms(in, f, vals, answered, NULL);
}

double instrument_scale_terms(const dict_instrument *in, const dict_field *f, const char *const *vals,
                              size_t *answered, double *terms)
{
    (void)in;
    double x;
    return xval_number(calc_value(f, vals, answered, terms), &x) ? x : NAN;
}

void instrument_compute(const dict_instrument *in, char **vals)
{
    for (size_t k = 0; k < in->ncalc; k++) {
        const dict_field *f = &in->fields[in->calc_order[k]];
        xval v = calc_value(f, (const char *const *)vals, NULL, NULL);
        char buf[64];
        char *s = NULL;
        if (v.kind == XV_STR)
            s = xstrdup(v.str);
        else if (v.kind == XV_NUM)
            s = xstrdup(xval_format(v, buf));
        free(vals[f->col]);
        vals[f->col] = s;
    }
}

size_t instrument_check(const dict_instrument *in, const char *const *vals, const char *prefix,
                        at_msgs *problems)
{
    return instrument_check_known(in, vals, NULL, prefix, problems);
}

size_t instrument_check_known(const dict_instrument *in, const char *const *vals,
                              const unsigned char *valid, const char *prefix, at_msgs *problems)
{
    return instrument_check_as(in, vals, valid, 0, prefix, problems);
}

/* Whether field f of in has an answer in vals: a cell that is not blank,
 * and for a checkbox an option ticked.  Cells c with valid[c] set are
 * taken as normalised; any other is normalised here, and one that does not
 * normalise sets *invalid and, when problems is given, adds its reason. */
static int field_answered(const dict_instrument *in, const dict_field *f,
                          const char *const *vals, const unsigned char *valid,
                          const char *prefix, at_msgs *problems, int *invalid)
{
    int answered = 0;
    *invalid = 0;
    for (size_t k = 0; k < f->ncol; k++) {
        const char *v = vals[f->col + k];
        if (blank_cell(v))
            continue;
        if (valid && valid[f->col + k]) {
            if (f->type != FT_CHECKBOX || strcmp(v, "1") == 0)
                answered = 1;
            continue;
        }
        char *norm, why[512];
        if (!field_normalize(f, v, &norm, why, sizeof why)) {
            if (problems)
                msgs_addf(problems, "%s'%s': %s", prefix, in->cols[f->col + k].name, why);
            *invalid = 1;
            continue;
        }
        /* an unticked checkbox option is not an answer */
        if (f->type != FT_CHECKBOX || strcmp(norm, "1") == 0)
            answered = 1;
        free(norm);
    }
    return answered;
}

size_t instrument_required_blank(const dict_instrument *in, const char *const *vals,
                                 const unsigned char *valid, size_t *first)
{
    size_t n = 0;
    for (size_t i = 0; i < in->nfields; i++) {
        const dict_field *f = &in->fields[i];
        int invalid;
        if (!f->required || f->type == FT_DESCRIPTIVE || f->type == FT_CALC ||
            field_answered(in, f, vals, valid, NULL, NULL, &invalid) || invalid ||
            !instrument_shown(in, i, vals))
            continue;
        if (n++ == 0 && first)
            *first = i;
    }
    return n;
}

size_t instrument_check_as(const dict_instrument *in, const char *const *vals,
                           const unsigned char *valid, int partial, const char *prefix,
                           at_msgs *problems)
{
    size_t before = problems->n;
    if (!prefix)
        prefix = "";
    for (size_t i = 0; i < in->nfields; i++) {
        const dict_field *f = &in->fields[i];
        if (f->type == FT_DESCRIPTIVE || f->type == FT_CALC)
            continue;
        int invalid;
        int answered = field_answered(in, f, vals, valid, prefix, problems, &invalid);
        int shown = instrument_shown(in, i, vals);
        long other;
        if (!shown && answered)
            msgs_addf(problems, "%s'%s': is answered but hidden by its branching logic", prefix, f->name);
        else if (shown && f->required && !answered && !invalid && !partial)
            msgs_addf(problems, "%s'%s': is required", prefix, f->name);
        else if (shown && answered && !invalid &&
                 (other = instrument_rank_taken(in, i, vals[f->col], vals)) >= 0 && (size_t)other < i)
            msgs_addf(problems, "%s'%s': %s is the answer to '%s' already (matrix '%s' ranks: "
                      "each choice goes to one field)", prefix, f->name, vals[f->col],
                      in->fields[other].name, f->matrix);
    }
    return problems->n - before;
}
