/* dict_field.c: interpreting a dictionary row (choices, validation, flags,
 * annotation tags); dict_form.c puts a form's fields together. */
#include "dict_impl.h"
#include "html.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void add_choice(dict_field *f, const char *code, const char *label)
{
    f->choices = xrealloc(f->choices, (f->nchoices + 1) * sizeof *f->choices);
    f->choices[f->nchoices].code = xstrdup(code);
    f->choices[f->nchoices].label = html_to_text(label);
    f->nchoices++;
}

/* Letters, digits, '_', '-' and '.', as REDCap takes a choice's code; a
 * checkbox code may be negative as well (-99 for "unknown"), its column
 * then named as REDCap names it (layout_columns). */
static int good_code(const char *s)
{
    for (; *s; s++) {
        if (isalnum((unsigned char)*s) || *s == '_' || *s == '-' || *s == '.')
            continue;
        return 0;
    }
    return 1;
}

/* "code, label | code, label": a '|' (or a line break) between choices, the
 * first comma between code and label. */
static void parse_choices(dict_ctx *c, dict_field *f)
{
    const char *text = f->cols[DC_CHOICES];
    char *all = xstrdup(text);
    if (!*dict_trim(all)) {
        dict_problem(c, f->line, "'%s': a %s field needs choices", f->name, field_type_name(f->type));
        goto out;
    }
    size_t k = 0;
    for (char *p = all;; k++) {
        size_t len = strcspn(p, "|\n");
        char sep = p[len];
        p[len] = '\0';
        char *piece = dict_trim(p);
        char *comma = strchr(piece, ',');
        if (!*piece) {
            dict_problem(c, f->line, "'%s': choice %zu is empty", f->name, k + 1);
        } else if (!comma) {
            dict_problem(c, f->line, "'%s': choice '%s' has no comma between code and label",
                         f->name, piece);
        } else {
            *comma = '\0';
            char *code = dict_trim(piece), *label = dict_trim(comma + 1);
            if (!*code) {
                dict_problem(c, f->line, "'%s': choice %zu has no code", f->name, k + 1);
            } else if (!good_code(code)) {
                dict_problem(c, f->line, "'%s': choice code '%s' may hold only letters, digits, "
                             "underscores, '.' and '-'", f->name, code);
            } else {
                int dup = 0;
                for (size_t i = 0; i < f->nchoices && !dup; i++)
                    dup = strcasecmp(f->choices[i].code, code) == 0;
                if (dup)
                    dict_problem(c, f->line, "'%s': choice code '%s' appears twice", f->name, code);
                else
                    add_choice(f, code, label);
            }
        }
        if (!sep)
            break;
        p += len + 1;
        /* a line break right after '|' (or "\r\n") is one separator */
        if (sep == '|' || sep == '\n') {
            char *q = p;
            while (*q == ' ' || *q == '\t' || *q == '\r')
                q++;
            if (*q == '\n' || (sep == '\n' && *q == '|'))
                p = q + 1;
        }
    }
out:
    free(all);
}

static void set_bound(dict_ctx *c, dict_field *f, int which)
{
    const char *cell = f->cols[which];
    const char *what = which == DC_MIN ? "Text Validation Min" : "Text Validation Max";
    char *t = dict_trim(xstrdup(cell));
    double v;
    char why[256];
    if (!*t)
        goto out;
    if (f->type == FT_SLIDER) {
        if (!util_parse_double(t, &v)) {
            dict_problem(c, f->line, "'%s': slider %s '%s' is not a number", f->name,
                         which == DC_MIN ? "minimum" : "maximum", t);
            goto out;
        }
    } else if (!field_valid_ordered(f->valid)) {
        dict_problem(c, f->line, "'%s': %s is given, but %s", f->name, what,
                     f->valid == FV_NONE ? "the field has no validation"
                                         : "its validation takes no range");
        goto out;
    } else if (!field_bound(f->valid, t, &v, why, sizeof why)) {
        dict_problem(c, f->line, "'%s': %s: %s", f->name, what, why);
        goto out;
    }
    if (which == DC_MIN) {
        f->has_min = 1;
        f->min = v;
    } else {
        f->has_max = 1;
        f->max = v;
    }
out:
    free(t);
}

static int flag(dict_ctx *c, dict_field *f, int which, const char *what)
{
    char *t = dict_trim(xstrdup(f->cols[which]));
    int v = 0;
    if (strcasecmp(t, "y") == 0)
        v = 1;
    else if (*t && strcasecmp(t, "n") != 0)
        dict_problem(c, f->line, "'%s': %s is '%s', expected y or nothing", f->name, what, t);
    free(t);
    return v;
}

enum { TAG_ROLE, TAG_MINITEMS, TAG_ALERT, TAG_RESOLVED, TAG_TEMPLATE, NTAGS };
static const char *const tag_names[NTAGS] = { "ROLE", "MINITEMS", "ALERT-BELOW", "RESOLVED-AT",
                                              "TEMPLATE" };

static void set_tag(dict_ctx *c, dict_field *f, int tag, const char *value)
{
    double x;
    long n;
    switch (tag) {
    case TAG_ROLE:
        for (int r = ROLE_ALLIANCE; r <= ROLE_STRATEGY; r++) {
            if (strcasecmp(value, field_role_name((field_role)r)) == 0) {
                f->role = (field_role)r;
                return;
            }
        }
        dict_problem(c, f->line, "'%s': @ROLE=%s is not a role (alliance, rupture, tension, "
                     "addressed, resolution, followup, rupture-kind, marker, strategy)", f->name, value);
        return;
    case TAG_MINITEMS:
        if (!util_parse_long(value, &n) || n < 1 || n > 100000) {
            dict_problem(c, f->line, "'%s': @MINITEMS=%s is not a positive whole number", f->name, value);
            return;
        }
        f->minitems = (int)n;
        return;
    default:
        if (!util_parse_double(value, &x)) {
            dict_problem(c, f->line, "'%s': @%s=%s is not a number", f->name, tag_names[tag], value);
            return;
        }
        if (tag == TAG_ALERT) {
            f->has_alert_below = 1;
            f->alert_below = x;
        } else {
            f->has_resolved_at = 1;
            f->resolved_at = x;
        }
    }
}

/* REDCap's action tags that keep a field from being asked there: attune
 * keeps them in the file but asks the field, so the file's author hears
 * of it. */
static void redcap_tag(dict_ctx *c, dict_field *f, const char *nm, size_t nl)
{
    static const struct {
        const char *tag, *what;
    } unasked[] = {
        { "HIDDEN", "hides it" }, { "HIDDEN-SURVEY", "hides it in surveys" },
        { "READONLY", "lets nobody answer it" }, { "READONLY-SURVEY", "lets no respondent answer it" },
        { "CALCTEXT", "computes it" }, { "CALCDATE", "computes it" },
    };
    if (f->type == FT_CALC || !c->warnings)
        return;
    for (size_t i = 0; i < sizeof unasked / sizeof unasked[0]; i++)
        if (strlen(unasked[i].tag) == nl && strncasecmp(nm, unasked[i].tag, nl) == 0)
            msgs_addf(c->warnings, "'%s' line %ld: '%s': @%s %s in REDCap, but attune %s it "
                      "(of the action tags, attune follows only its own)", c->file, f->line,
                      f->name, unasked[i].tag, unasked[i].what,
                      f->type == FT_DESCRIPTIVE ? "shows" : "asks");
}

/* Finds attune's tags among the annotation's action tags; REDCap's own
 * (@HIDDEN, @DEFAULT='...') are left alone, quoted values skipped. */
static void parse_tags(dict_ctx *c, dict_field *f)
{
    const char *s = f->cols[DC_ANNOTATION], *p = s;
    int seen[NTAGS] = { 0 };
    while (*p) {
        if (*p == '\'' || *p == '"') {
            const char *q = strchr(p + 1, *p);
            p = q ? q + 1 : p + strlen(p);
            continue;
        }
        if (*p != '@' || (p > s && !isspace((unsigned char)p[-1]))) {
            p++;
            continue;
        }
        const char *nm = ++p;
        while (isalnum((unsigned char)*p) || *p == '-' || *p == '_')
            p++;
        size_t nl = (size_t)(p - nm);
        int tag = -1;
        for (int t = 0; t < NTAGS; t++)
            if (strlen(tag_names[t]) == nl && strncasecmp(nm, tag_names[t], nl) == 0)
                tag = t;
        if (tag < 0) {
            redcap_tag(c, f, nm, nl);
            continue;
        }
        char value[128] = "";
        if (*p == '=') {
            p++;
            const char *v = p;
            size_t vl;
            if (*p == '\'' || *p == '"') {
                const char *q = strchr(p + 1, *p);
                v = p + 1;
                vl = q ? (size_t)(q - v) : strlen(v);
                p = q ? q + 1 : v + vl;
            } else {
                while (*p && !isspace((unsigned char)*p))
                    p++;
                vl = (size_t)(p - v);
            }
            snprintf(value, sizeof value, "%.*s", (int)vl, v);
        }
        if (seen[tag]++)
            dict_problem(c, f->line, "'%s': @%s is given twice", f->name, tag_names[tag]);
        else if (tag == TAG_TEMPLATE) {
            if (value[0])
                dict_problem(c, f->line, "'%s': @TEMPLATE takes no value", f->name);
            f->template_mark = 1;
        } else if (!value[0])
            dict_problem(c, f->line, "'%s': @%s needs a value (@%s=...)", f->name, tag_names[tag],
                         tag_names[tag]);
        else
            set_tag(c, f, tag, value);
    }
}

void dict_field_setup(dict_ctx *c, dict_field *f)
{
    f->name = f->cols[DC_NAME];
    f->label = html_to_text(f->cols[DC_LABEL]);
    f->section = html_to_text(f->cols[DC_SECTION]);
    f->note = html_to_text(f->cols[DC_NOTE]);
    switch (f->type) {
    case FT_RADIO:
    case FT_DROPDOWN:
    case FT_CHECKBOX:
        parse_choices(c, f);
        break;
    case FT_YESNO:
        add_choice(f, "1", "Yes");
        add_choice(f, "0", "No");
        break;
    case FT_TRUEFALSE:
        add_choice(f, "1", "True");
        add_choice(f, "0", "False");
        break;
    case FT_SLIDER:
        f->has_min = f->has_max = 1;
        f->min = 0;
        f->max = 100;
        set_bound(c, f, DC_MIN);
        set_bound(c, f, DC_MAX);
        break;
    case FT_TEXT:
        if (*f->cols[DC_VALIDATION] && !field_valid_lookup(f->cols[DC_VALIDATION], &f->valid))
            dict_problem(c, f->line, "'%s': unknown validation '%s'", f->name, f->cols[DC_VALIDATION]);
        else {
            set_bound(c, f, DC_MIN);
            set_bound(c, f, DC_MAX);
        }
        break;
    case FT_CALC: {
        char *t = dict_trim(xstrdup(f->cols[DC_CHOICES]));
        if (!*t)
            dict_problem(c, f->line, "'%s': a calc field needs a calculation", f->name);
        free(t);
        break;
    }
    default:
        break;
    }
    if (f->has_min && f->has_max && f->min > f->max)
        dict_problem(c, f->line, "'%s': the minimum is above the maximum", f->name);
    f->required = flag(c, f, DC_REQUIRED, "Required Field?");
    f->identifier = flag(c, f, DC_IDENTIFIER, "Identifier?");
    f->matrix = dict_trim(f->cols[DC_MATRIX_GROUP]);
    f->matrix_ranked = flag(c, f, DC_MATRIX_RANKING, "Matrix Ranking?");
    if (f->matrix[strspn(f->matrix, "abcdefghijklmnopqrstuvwxyz0123456789_")] != '\0')
        dict_problem(c, f->line, "'%s': matrix group name '%s' is not lower-case letters, digits "
                     "and underscores", f->name, f->matrix);
    if (f->matrix_ranked && !*f->matrix)
        dict_problem(c, f->line, "'%s': Matrix Ranking? is y, but the field is in no matrix group",
                     f->name);
    parse_tags(c, f);
}

void dict_field_release(dict_field *f)
{
    for (int d = 0; d < DC_NCOLS; d++)
        free(f->cols[d]);
    free(f->label);
    free(f->section);
    free(f->note);
    for (size_t i = 0; i < f->nchoices; i++) {
        free(f->choices[i].code);
        free(f->choices[i].label);
    }
    free(f->choices);
    expr_free(f->branching);
    expr_free(f->calc);
    free(f->terms);
    free(f->items);
    memset(f, 0, sizeof *f);
}
