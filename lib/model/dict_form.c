/* dict_form.c: a form's fields together: the columns they lay out, their
 * expressions (branching and calc fields, bound to the columns and put in
 * the order they are computed), scales, roles and matrix groups. */
#include "dict_impl.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Resolving [name] and [name(code)] against one instrument's columns. */
typedef struct resolver {
    dict_ctx *c;
    const dict_instrument *in;
    const char *what;          /* "branching logic" or "calculation", for messages */
    char why[640];
} resolver;

static long resolve(const char *name, const char *code, void *ctx)
{
    resolver *r = ctx;
    long fi = instrument_field(r->in, name);
    r->why[0] = '\0';
    if (fi < 0) {
        for (size_t i = 0; i < r->c->nnames; i++) {
            if (strcasecmp(r->c->names[i], name) == 0) {
                if (r->in->record_id && strcasecmp(r->in->record_id, name) == 0)
                    snprintf(r->why, sizeof r->why, "'%s' is the record identifier, which has no "
                             "answer to test", name);
                else if (strcmp(r->c->forms[i], r->in->name) != 0)
                    /* REDCap allows it, but a questionnaire holds one form's
                     * answers, so the reference could never be evaluated */
                    snprintf(r->why, sizeof r->why, "'%s' is on form '%s', not on '%s': a form "
                             "sees only its own answers (a questionnaire holds one form), so "
                             "'%s' cannot be added with this %s; leave form '%s' out of the "
                             "file (or the reference out of the %s) to add the other forms",
                             name, r->c->forms[i], r->in->name, r->in->name, r->what,
                             r->in->name, r->what);
                else
                    snprintf(r->why, sizeof r->why, "'%s' has no answer (it is left out)", name);
                break;
            }
        }
        return -1;
    }
    const dict_field *f = &r->in->fields[fi];
    if (code) {
        if (f->type != FT_CHECKBOX) {
            snprintf(r->why, sizeof r->why, "'%s' is not a checkbox, so [%s(%s)] has no meaning",
                     name, name, code);
            return -1;
        }
        for (size_t i = 0; i < f->nchoices; i++)
            if (strcasecmp(f->choices[i].code, code) == 0)
                return (long)(f->col + i);
        snprintf(r->why, sizeof r->why, "checkbox '%s' has no option '%s'", name, code);
        return -1;
    }
    if (f->type == FT_CHECKBOX) {
        snprintf(r->why, sizeof r->why, "'%s' is a checkbox: name one option, as [%s(code)]", name, name);
        return -1;
    }
    if (f->type == FT_DESCRIPTIVE) {
        snprintf(r->why, sizeof r->why, "'%s' is descriptive text and has no answer", name);
        return -1;
    }
    return (long)f->col;
}

static expr *load_expr(dict_ctx *c, dict_instrument *in, dict_field *f, const char *src, const char *what)
{
    expr *e = NULL;
    at_err err;
    size_t pos;
    resolver r = { .c = c, .in = in, .what = what };
    char *t = dict_trim(xstrdup(src));
    if (!*t)
        goto out;
    if (expr_parse(t, &e, &pos, &err) != AT_OK) {
        dict_problem(c, f->line, "'%s': %s: %s", f->name, what, err.msg);
        goto out;
    }
    if (expr_bind(e, resolve, &r, &err) != AT_OK) {
        dict_problem(c, f->line, "'%s': %s: %s", f->name, what, r.why[0] ? r.why : err.msg);
        expr_free(e);
        e = NULL;
    }
out:
    free(t);
    return e;
}

static void layout_columns(dict_ctx *c, dict_instrument *in)
{
    size_t n = 0;
    for (size_t i = 0; i < in->nfields; i++) {
        dict_field *f = &in->fields[i];
        f->col = n;
        f->ncol = f->type == FT_DESCRIPTIVE ? 0 : f->type == FT_CHECKBOX ? f->nchoices : 1;
        n += f->ncol;
    }
    in->cols = xcalloc(n, sizeof *in->cols);
    in->ncols = n;
    for (size_t i = 0; i < in->nfields; i++) {
        dict_field *f = &in->fields[i];
        for (size_t k = 0; k < f->ncol; k++) {
            dict_column *col = &in->cols[f->col + k];
            col->field = i;
            col->choice = f->type == FT_CHECKBOX ? (long)k : -1;
            if (f->type == FT_CHECKBOX) {
                /* as REDCap names it: name___code, the code lower-cased and
                 * any '-' or '.' in it written '_' (code -99: name____99) */
                sbuf sb = SBUF_INIT;
                sbuf_addf(&sb, "%s___", f->name);
                for (const char *p = f->choices[k].code; *p; p++)
                    sbuf_addc(&sb, isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '_');
                col->name = sbuf_detach(&sb);
            } else {
                col->name = xstrdup(f->name);
            }
        }
    }
    /* a checkbox option column must not take another field's name */
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < i; j++) {
            const dict_column *a = &in->cols[i], *b = &in->cols[j];
            if ((a->choice < 0 && b->choice < 0) || strcasecmp(a->name, b->name) != 0)
                continue;
            const dict_column *box = a->choice >= 0 ? a : b, *other = box == a ? b : a;
            const dict_field *bf = &in->fields[box->field];
            if (a->field == b->field)
                dict_problem(c, bf->line, "'%s': choice codes '%s' and '%s' give the same "
                             "column '%s'", bf->name, bf->choices[b->choice].code,
                             bf->choices[a->choice].code, a->name);
            else
                dict_problem(c, bf->line, "'%s': column '%s' clashes with the field on line %ld",
                             bf->name, box->name, in->fields[other->field].line);
            break;
        }
    }
}

/* Depth-first topological order of the calc fields; reports cycles. */
typedef struct order_state {
    dict_ctx *c;
    dict_instrument *in;
    int *mark;          /* 0 new, 1 on the path, 2 done */
    size_t *path;
    size_t depth;
    size_t from;        /* the calc whose references are being listed */
} order_state;

typedef struct deplist {
    const dict_instrument *in;
    size_t *items;
    size_t n, cap;
} deplist;

static void note_dep(long col, void *ctx)
{
    deplist *d = ctx;
    size_t fi = d->in->cols[col].field;
    if (d->in->fields[fi].type != FT_CALC)
        return;
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 8;
        d->items = xrealloc(d->items, d->cap * sizeof *d->items);
    }
    d->items[d->n++] = fi;
}

static void visit(order_state *s, size_t fi)
{
    dict_field *f = &s->in->fields[fi];
    if (s->mark[fi] == 2)
        return;
    if (s->mark[fi] == 1) {
        sbuf sb = SBUF_INIT;
        size_t k = s->depth;
        while (k > 0 && s->path[k - 1] != fi)
            k--;
        for (size_t i = k ? k - 1 : 0; i < s->depth; i++)
            sbuf_addf(&sb, "%s -> ", s->in->fields[s->path[i]].name);
        sbuf_adds(&sb, f->name);
        dict_problem(s->c, f->line, "'%s': calculations refer to each other in a circle: %s",
                     f->name, sbuf_str(&sb));
        sbuf_release(&sb);
        return;
    }
    s->mark[fi] = 1;
    s->path[s->depth++] = fi;
    if (f->calc) {
        deplist d = { .in = s->in };
        expr_each_ref(f->calc, note_dep, &d);
        size_t *mine = d.items, n = d.n;
        for (size_t i = 0; i < n; i++) {
            if (mine[i] == fi) {
                dict_problem(s->c, f->line, "'%s': the calculation refers to '%s' itself", f->name, f->name);
                break;
            }
        }
        for (size_t i = 0; i < n; i++)
            if (mine[i] != fi)
                visit(s, mine[i]);
        free(mine);
    }
    s->depth--;
    s->mark[fi] = 2;
    s->in->calc_order[s->in->ncalc++] = fi;
}

static int numeric_codes(const dict_field *f)
{
    double x;
    for (size_t i = 0; i < f->nchoices; i++)
        if (!util_parse_double(f->choices[i].code, &x))
            return 0;
    return f->nchoices > 0;
}

/* Choices that answer yes (1) or no (0), and perhaps decline to say either
 * (any other code, such as 9 "I'd rather not say", which the scoring reads
 * as no answer): 0 and 1 must both be there. */
static int yes_no_codes(const dict_field *f)
{
    int yes = 0, no = 0;
    for (size_t i = 0; i < f->nchoices; i++) {
        yes |= strcmp(f->choices[i].code, "1") == 0;
        no |= strcmp(f->choices[i].code, "0") == 0;
    }
    return yes && no;
}

static void check_roles(dict_ctx *c, dict_instrument *in)
{
    for (size_t i = 0; i < in->nfields; i++) {
        dict_field *f = &in->fields[i];
        const char *role = field_role_name(f->role);
        int ok = 1;
        switch (f->role) {
        case ROLE_NONE:
            break;
        case ROLE_ALLIANCE:
        case ROLE_TENSION:
        case ROLE_RESOLUTION:
            ok = f->type == FT_CALC || f->type == FT_SLIDER ||
                 (f->type == FT_TEXT && f->valid >= FV_INTEGER && f->valid <= FV_NUMBER_4DP_COMMA) ||
                 ((f->type == FT_RADIO || f->type == FT_DROPDOWN) && numeric_codes(f));
            if (!ok)
                dict_problem(c, f->line, "'%s': @ROLE=%s needs a number: a calc, slider, number "
                             "field, or choices with number codes", f->name, role);
            break;
        case ROLE_RUPTURE:
        case ROLE_ADDRESSED:
        case ROLE_FOLLOWUP:
            ok = f->type == FT_YESNO || f->type == FT_TRUEFALSE ||
                 ((f->type == FT_RADIO || f->type == FT_DROPDOWN) && yes_no_codes(f));
            if (!ok)
                dict_problem(c, f->line, "'%s': @ROLE=%s needs a yesno field, or choices with "
                             "the codes 1 (yes) and 0 (no)", f->name, role);
            break;
        default:
            ok = f->type == FT_CHECKBOX;
            if (!ok)
                dict_problem(c, f->line, "'%s': @ROLE=%s needs a checkbox field", f->name, role);
            break;
        }
        if (ok && f->role != ROLE_NONE && f->role < ROLE_RUPTURE_KIND) {
            for (size_t j = 0; j < i; j++) {
                if (in->fields[j].role == f->role) {
                    dict_problem(c, f->line, "'%s': @ROLE=%s is already on '%s' (line %ld)", f->name,
                                 role, in->fields[j].name, in->fields[j].line);
                    break;
                }
            }
        }
        if (f->has_alert_below && f->role != ROLE_ALLIANCE)
            dict_problem(c, f->line, "'%s': @ALERT-BELOW belongs on the @ROLE=alliance field", f->name);
        if (f->has_resolved_at && f->role != ROLE_RESOLUTION)
            dict_problem(c, f->line, "'%s': @RESOLVED-AT belongs on the @ROLE=resolution field", f->name);
        if (f->minitems && !f->terms)
            dict_problem(c, f->line, "'%s': @MINITEMS is for a scale (a calc that is a sum, mean "
                         "or + of items)", f->name);
        else if (f->minitems && (size_t)f->minitems > f->nterms)
            dict_problem(c, f->line, "'%s': @MINITEMS=%d is more than the scale's %zu items",
                         f->name, f->minitems, f->nterms);
    }
}

static int same_choices(const dict_field *a, const dict_field *b)
{
    if (a->nchoices != b->nchoices)
        return 0;
    for (size_t i = 0; i < a->nchoices; i++)
        if (strcmp(a->choices[i].code, b->choices[i].code) != 0 ||
            strcmp(a->choices[i].label, b->choices[i].label) != 0)
            return 0;
    return 1;
}

/* A matrix group, as REDCap draws it: adjacent fields, all radio or all
 * checkbox, with the same choices; ranking (each choice given to one field
 * at most) is for radio fields and holds for the whole group. */
static void check_matrices(dict_ctx *c, dict_instrument *in)
{
    for (size_t i = 0; i < in->nfields; i++) {
        dict_field *f = &in->fields[i];
        if (!*f->matrix)
            continue;
        size_t first = i;
        while (first > 0 && strcmp(in->fields[first - 1].matrix, f->matrix) == 0)
            first--;
        const dict_field *head = &in->fields[first];
        if (first == i) {
            for (size_t j = 0; j < first; j++) {
                if (strcmp(in->fields[j].matrix, f->matrix) == 0) {
                    dict_problem(c, f->line, "'%s': matrix group '%s' is on line %ld already, "
                                 "with other fields between: a group's fields are adjacent",
                                 f->name, f->matrix, in->fields[j].line);
                    break;
                }
            }
        }
        if (f->type != FT_RADIO && f->type != FT_CHECKBOX)
            dict_problem(c, f->line, "'%s': a field in matrix group '%s' is radio or checkbox, "
                         "not %s", f->name, f->matrix, field_type_name(f->type));
        else if (first != i && head->type != f->type &&
                 (head->type == FT_RADIO || head->type == FT_CHECKBOX))
            dict_problem(c, f->line, "'%s': matrix group '%s' is of %s fields (line %ld), not %s",
                         f->name, f->matrix, field_type_name(head->type), head->line,
                         field_type_name(f->type));
        else if (first != i && !same_choices(head, f))
            dict_problem(c, f->line, "'%s': the choices differ from those of '%s' (line %ld): "
                         "the fields of matrix group '%s' share their choices", f->name,
                         head->name, head->line, f->matrix);
        if (f->matrix_ranked && f->type == FT_CHECKBOX)
            dict_problem(c, f->line, "'%s': Matrix Ranking? is for radio fields, not checkboxes",
                         f->name);
    }
    /* a group is ranked when any of its fields says so */
    for (size_t i = 0; i < in->nfields; i++) {
        dict_field *f = &in->fields[i];
        for (size_t j = 0; j < in->nfields && *f->matrix && !f->matrix_ranked; j++)
            if (in->fields[j].matrix_ranked && strcmp(in->fields[j].matrix, f->matrix) == 0)
                f->matrix_ranked = 1;
    }
}

void dict_instrument_setup(dict_ctx *c, dict_instrument *in)
{
    layout_columns(c, in);
    size_t ncalc = 0;
    for (size_t i = 0; i < in->nfields; i++) {
        dict_field *f = &in->fields[i];
        in->is_template |= f->template_mark;
        f->branching = load_expr(c, in, f, f->cols[DC_BRANCHING], "branching logic");
        if (f->type == FT_CALC) {
            ncalc++;
            f->calc = load_expr(c, in, f, f->cols[DC_CHOICES], "calculation");
            if (f->calc)
                f->nterms = expr_scale_terms(f->calc, &f->terms, &f->scale_is_mean);
            if (f->nterms) {
                f->calc_form = expr_scale_form_of(f->calc);
                f->items = xmalloc(f->nterms * sizeof *f->items);
                for (size_t t = 0; t < f->nterms; t++)
                    expr_item_compile(f->terms[t], &f->items[t]);
            }
        }
    }
    in->calc_order = xmalloc((ncalc ? ncalc : 1) * sizeof *in->calc_order);
    order_state s = { .c = c, .in = in };
    s.mark = xcalloc(in->nfields, sizeof *s.mark);
    s.path = xmalloc((in->nfields + 1) * sizeof *s.path);
    for (size_t i = 0; i < in->nfields; i++)
        if (in->fields[i].type == FT_CALC)
            visit(&s, i);
    free(s.mark);
    free(s.path);
    check_roles(c, in);
    check_matrices(c, in);
}

void dict_instrument_release(dict_instrument *in)
{
    for (size_t i = 0; i < in->nfields; i++)
        dict_field_release(&in->fields[i]);
    free(in->fields);
    for (size_t i = 0; i < in->ncols; i++)
        free(in->cols[i].name);
    free(in->cols);
    free(in->name);
    free(in->record_id);
    for (int d = 0; d < DC_NCOLS; d++)
        free(in->record_id_row[d]);
    free(in->calc_order);
    memset(in, 0, sizeof *in);
}
