/* dict.c: reading a REDCap data dictionary (CSV) into instruments, writing
 * one form back out, and looking things up in an instrument.  Fields are
 * interpreted in dict_field.c and put together into forms in dict_form.c. */
#include "dict_impl.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csvio.h"

/* REDCap's header names, in its order.  A header also matches when it
 * starts with the given prefix (files from other REDCap versions word a few
 * of them differently, e.g. "Choices OR Calculations"). */
static const struct {
    const char *name;
    const char *prefix;
} headers[DC_NCOLS] = {
    [DC_NAME] = { "Variable / Field Name", "variable" },
    [DC_FORM] = { "Form Name", NULL },
    [DC_SECTION] = { "Section Header", NULL },
    [DC_TYPE] = { "Field Type", NULL },
    [DC_LABEL] = { "Field Label", NULL },
    [DC_CHOICES] = { "Choices, Calculations, OR Slider Labels", "choices" },
    [DC_NOTE] = { "Field Note", NULL },
    [DC_VALIDATION] = { "Text Validation Type OR Show Slider Number", "text validation type" },
    [DC_MIN] = { "Text Validation Min", NULL },
    [DC_MAX] = { "Text Validation Max", NULL },
    [DC_IDENTIFIER] = { "Identifier?", NULL },
    [DC_BRANCHING] = { "Branching Logic (Show field only if...)", "branching logic" },
    [DC_REQUIRED] = { "Required Field?", NULL },
    [DC_ALIGNMENT] = { "Custom Alignment", NULL },
    [DC_QUESTION_NUMBER] = { "Question Number (surveys only)", "question number" },
    [DC_MATRIX_GROUP] = { "Matrix Group Name", NULL },
    [DC_MATRIX_RANKING] = { "Matrix Ranking?", NULL },
    [DC_ANNOTATION] = { "Field Annotation", NULL },
};

static const char *const type_names[] = {
    [FT_TEXT] = "text", [FT_NOTES] = "notes", [FT_RADIO] = "radio",
    [FT_DROPDOWN] = "dropdown", [FT_YESNO] = "yesno", [FT_TRUEFALSE] = "truefalse",
    [FT_CHECKBOX] = "checkbox", [FT_SLIDER] = "slider", [FT_DESCRIPTIVE] = "descriptive",
    [FT_CALC] = "calc",
};

static const char *const role_names[] = {
    [ROLE_NONE] = "", [ROLE_ALLIANCE] = "alliance", [ROLE_RUPTURE] = "rupture",
    [ROLE_TENSION] = "tension", [ROLE_ADDRESSED] = "addressed",
    [ROLE_RESOLUTION] = "resolution", [ROLE_FOLLOWUP] = "followup",
    [ROLE_RUPTURE_KIND] = "rupture-kind", [ROLE_MARKER] = "marker",
    [ROLE_STRATEGY] = "strategy",
};

const char *field_type_name(field_type t)
{
    return (size_t)t < sizeof type_names / sizeof type_names[0] ? type_names[t] : "";
}

const char *field_role_name(field_role r)
{
    return (size_t)r < sizeof role_names / sizeof role_names[0] ? role_names[r] : "";
}

char *dict_trim(char *s)
{
    size_t n = strlen(s), a = 0;
    while (a < n && isspace((unsigned char)s[a]))
        a++;
    while (n > a && isspace((unsigned char)s[n - 1]))
        n--;
    memmove(s, s + a, n - a);
    s[n - a] = '\0';
    return s;
}

void dict_problem(dict_ctx *c, long line, const char *fmt, ...)
{
    sbuf sb = SBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    sbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    msgs_addf(c->problems, "'%s' line %ld: %s", c->file, line, sbuf_str(&sb));
    sbuf_release(&sb);
}

/* One data row: its cells by dictionary column. */
typedef struct rawrow {
    char *c[DC_NCOLS];
    long line;
} rawrow;

typedef struct reader {
    dict_ctx *ctx;
    int *map;            /* header cell -> DC_* column, -1 to ignore */
    size_t nmap;
    size_t need;         /* cells a row must have: up to the header's last known column */
    int saw_header, bad_header;
    long header_line;
    rawrow *rows;
    size_t n, cap;
} reader;

/* Lower-cased, trimmed, without a trailing '?' and inner runs of spaces. */
static void header_key(const char *s, char *out, size_t outsz)
{
    size_t k = 0;
    int space = 0;
    while (isspace((unsigned char)*s))
        s++;
    for (; *s && k + 1 < outsz; s++) {
        if (isspace((unsigned char)*s)) {
            space = 1;
            continue;
        }
        if (space && k)
            out[k++] = ' ';
        space = 0;
        if (k + 1 < outsz)
            out[k++] = (char)tolower((unsigned char)*s);
    }
    if (k && out[k - 1] == '?')
        k--;
    out[k] = '\0';
}

static int header_column(const char *cell)
{
    char key[256], want[256];
    header_key(cell, key, sizeof key);
    for (int i = 0; i < DC_NCOLS; i++) {
        header_key(headers[i].name, want, sizeof want);
        if (strcmp(key, want) == 0)
            return i;
        if (headers[i].prefix && strncmp(key, headers[i].prefix, strlen(headers[i].prefix)) == 0)
            return i;
    }
    return -1;
}

static void read_header(reader *r, const csvrow *row)
{
    int seen[DC_NCOLS] = { 0 };
    size_t known = 0;
    r->saw_header = 1;
    r->header_line = row->line;
    r->nmap = row->n;
    r->map = xmalloc(row->n * sizeof *r->map);
    for (size_t i = 0; i < row->n; i++)
        known += header_column(row->fields[i]) >= 0;
    if (known == 0) {
        dict_problem(r->ctx, row->line, "not a REDCap data dictionary (unknown column '%s')",
                     row->fields[0]);
        r->bad_header = 1;
        return;
    }
    for (size_t i = 0; i < row->n; i++) {
        char key[256];
        header_key(row->fields[i], key, sizeof key);
        r->map[i] = -1;
        if (!key[0])
            continue;
        int col = header_column(row->fields[i]);
        if (col < 0) {
            dict_problem(r->ctx, row->line, "unknown column '%s'", row->fields[i]);
            r->bad_header = 1;
        } else if (seen[col]) {
            dict_problem(r->ctx, row->line, "column '%s' appears twice", headers[col].name);
            r->bad_header = 1;
        } else {
            seen[col] = 1;
            r->map[i] = col;
            r->need = i + 1;
        }
    }
    for (int col = 0; col < DC_ANNOTATION; col++) {
        if (!seen[col]) {
            dict_problem(r->ctx, row->line, "missing column '%s'", headers[col].name);
            r->bad_header = 1;
        }
    }
}

static int on_row(const csvrow *row, void *ctx)
{
    reader *r = ctx;
    if (!r->saw_header) {
        int empty = 1;
        for (size_t i = 0; i < row->n && empty; i++)
            if (*row->fields[i])
                empty = 0;
        if (!empty)
            read_header(r, row);
        return 0;
    }
    if (r->bad_header)
        return 0;
    rawrow rr = { .line = row->line };
    int empty = 1, extra = 0;
    for (size_t i = 0; i < row->n; i++) {
        const char *cell = row->fields[i];
        int blank = 1;
        for (const char *q = cell; *q && blank; q++)
            blank = isspace((unsigned char)*q) != 0;
        if (!blank)
            empty = 0;
        if (i >= r->nmap) {
            extra |= !blank;
            continue;
        }
        if (r->map[i] >= 0)
            rr.c[r->map[i]] = xstrdup(cell);
    }
    for (int k = 0; k < DC_NCOLS; k++)
        if (!rr.c[k])
            rr.c[k] = xstrdup("");
    if (extra)
        dict_problem(r->ctx, row->line, "the row has %zu cells, the header %zu", row->n, r->nmap);
    else if (!empty && row->n < r->need)
        /* a cell left out shifts the ones after it into the wrong columns */
        dict_problem(r->ctx, row->line, "the row has %zu cells, the header %zu (a cell is "
                     "missing: every row has one for each column, blank or not)",
                     row->n, r->need);
    if (empty) {
        for (int k = 0; k < DC_NCOLS; k++)
            free(rr.c[k]);
        return 0;
    }
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 32;
        r->rows = xrealloc(r->rows, r->cap * sizeof *r->rows);
    }
    r->rows[r->n++] = rr;
    return 0;
}

static int lookup_type(const char *s, field_type *out)
{
    for (size_t i = 0; i < sizeof type_names / sizeof type_names[0]; i++) {
        if (strcasecmp(s, type_names[i]) == 0) {
            *out = (field_type)i;
            return 1;
        }
    }
    return 0;
}

static int good_name(const char *s)
{
    if (!islower((unsigned char)s[0]))
        return 0;
    for (; *s; s++)
        if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_')
            return 0;
    return 1;
}

enum { ROW_FIELD, ROW_SKIP, ROW_LEFT_OUT, ROW_RECORD_ID };

/* Turns checked rows into instruments. */
/* Orders the columns by name (case ignored), equal names by position, for
 * instrument_col.  qsort has no context argument: a small insertion sort
 * does, and forms have tens of columns, not thousands. */
static void index_cols(dict_instrument *in)
{
    in->col_index = xmalloc((in->ncols ? in->ncols : 1) * sizeof *in->col_index);
    for (size_t i = 0; i < in->ncols; i++) {
        size_t j = i;
        while (j > 0 && strcasecmp(in->cols[in->col_index[j - 1]].name, in->cols[i].name) > 0) {
            in->col_index[j] = in->col_index[j - 1];
            j--;
        }
        in->col_index[j] = i;
    }
}

static void build(dict_ctx *c, reader *r, const char *record_id, dict_file *out)
{
    size_t n = r->n;
    int *kind = xcalloc(n, sizeof *kind);
    field_type *type = xcalloc(n, sizeof *type);
    const char **names = xcalloc(n, sizeof *names);
    const char **forms = xcalloc(n, sizeof *forms);
    long *form_of = xcalloc(n, sizeof *form_of);
    rawrow *rid = NULL;

    c->warnings = &out->warnings;
    for (size_t i = 0; i < n; i++) {
        rawrow *row = &r->rows[i];
        char *name = dict_trim(row->c[DC_NAME]);
        char *form = dict_trim(row->c[DC_FORM]);
        char *tname = dict_trim(row->c[DC_TYPE]);
        dict_trim(row->c[DC_VALIDATION]);
        names[i] = name;
        forms[i] = form;
        if (!*name) {
            dict_problem(c, row->line, "the row has no variable name");
            kind[i] = ROW_SKIP;
            continue;
        }
        if (i == 0 && strcasecmp(name, record_id) == 0) {
            kind[i] = ROW_RECORD_ID;
            rid = row;
            continue;
        }
        if (!good_name(name))
            dict_problem(c, row->line, "'%s': a variable name is lower-case letters, digits and "
                         "underscores, starting with a letter", name);
        if (!*form)
            dict_problem(c, row->line, "'%s': no form name", name);
        if (!*form) {
            kind[i] = ROW_SKIP;
        } else if (strcasecmp(tname, "file") == 0 || strcasecmp(tname, "signature") == 0 ||
                   strcasecmp(tname, "sql") == 0) {
            const char *what = strcasecmp(tname, "sql") == 0 ? "an sql"
                             : strcasecmp(tname, "signature") == 0 ||
                               strcasecmp(row->c[DC_VALIDATION], "signature") == 0 ? "a signature"
                             : "a file upload";
            msgs_addf(&out->warnings, "'%s' line %ld: '%s' is %s field, left out", c->file,
                      row->line, name, what);
            kind[i] = ROW_LEFT_OUT;
        } else if (!lookup_type(tname, &type[i])) {
            if (*tname)
                dict_problem(c, row->line, "'%s': unknown field type '%s'", name, tname);
            else
                dict_problem(c, row->line, "'%s': no field type", name);
            kind[i] = ROW_SKIP;
        }
    }
    /* variable names are unique across the whole file */
    for (size_t i = 1; i < n; i++) {
        if (!*names[i])
            continue;
        for (size_t j = 0; j < i; j++) {
            if (strcasecmp(names[i], names[j]) == 0) {
                dict_problem(c, r->rows[i].line, "'%s': the variable name is already used on line %ld",
                             names[i], r->rows[j].line);
                break;
            }
        }
    }
    /* forms in order of first appearance; a form's rows are adjacent, as
     * REDCap requires (a row out of place has a mistaken form name, or
     * belongs elsewhere) */
    long prev = -1;
    size_t prev_row = 0;
    for (size_t i = 0; i < n; i++) {
        form_of[i] = -1;
        if (kind[i] != ROW_FIELD)
            continue;
        size_t k;
        for (k = 0; k < out->nforms; k++)
            if (strcmp(out->forms[k].name, forms[i]) == 0)
                break;
        if (k < out->nforms && (long)k != prev)
            dict_problem(c, r->rows[i].line, "'%s': form '%s' has rows above, and form '%s' "
                         "(line %ld) comes between: a form's fields are adjacent rows",
                         names[i], forms[i], forms[prev_row], r->rows[prev_row].line);
        prev = (long)k;
        prev_row = i;
        if (k == out->nforms) {
            out->forms = xrealloc(out->forms, (k + 1) * sizeof *out->forms);
            memset(&out->forms[k], 0, sizeof out->forms[k]);
            out->forms[k].name = xstrdup(forms[i]);
            out->nforms++;
        }
        form_of[i] = (long)k;
        out->forms[k].nfields++;
    }
    /* the names of the columns REDCap adds to its exports and imports */
    for (size_t i = 0; i < n; i++) {
        static const char *const own[] = { "redcap_event_name", "redcap_repeat_instrument",
                                           "redcap_repeat_instance", "redcap_data_access_group",
                                           "redcap_survey_identifier" };
        const char *why = NULL;
        for (size_t j = 0; j < sizeof own / sizeof own[0] && !why; j++)
            if (strcasecmp(names[i], own[j]) == 0)
                why = "a column REDCap's exports and imports hold";
        for (size_t k = 0; k < out->nforms && !why; k++) {
            size_t fl = strlen(out->forms[k].name), nl = strlen(names[i]);
            if (nl > fl && strncasecmp(names[i], out->forms[k].name, fl) == 0) {
                if (strcasecmp(names[i] + fl, "_complete") == 0)
                    why = "the column of a form's status in REDCap's exports";
                else if (strcasecmp(names[i] + fl, "_timestamp") == 0)
                    why = "the column of a survey's time in REDCap's exports";
            }
        }
        if (why && kind[i] != ROW_SKIP)
            dict_problem(c, r->rows[i].line, "'%s': the name is %s, so a field cannot have it",
                         names[i], why);
    }
    for (size_t k = 0; k < out->nforms; k++) {
        dict_instrument *in = &out->forms[k];
        in->fields = xcalloc(in->nfields, sizeof *in->fields);
        in->nfields = 0;
        if (rid) {
            in->record_id = xstrdup(rid->c[DC_NAME]);
            for (int d = 0; d < DC_NCOLS; d++)
                in->record_id_row[d] = xstrdup(d == DC_FORM ? in->name : rid->c[d]);
        }
    }
    c->names = names;
    c->forms = forms;
    c->nnames = n;
    for (size_t i = 0; i < n; i++) {
        if (form_of[i] < 0)
            continue;
        dict_instrument *in = &out->forms[form_of[i]];
        dict_field *f = &in->fields[in->nfields++];
        for (int d = 0; d < DC_NCOLS; d++) {
            f->cols[d] = r->rows[i].c[d];
            r->rows[i].c[d] = NULL;
        }
        f->type = type[i];
        f->line = r->rows[i].line;
        dict_field_setup(c, f);
    }
    for (size_t k = 0; k < out->nforms; k++) {
        dict_instrument_setup(c, &out->forms[k]);
        index_cols(&out->forms[k]);
    }
    c->names = c->forms = NULL;
    c->nnames = 0;
    free(kind);
    free(type);
    free(names);
    free(forms);
    free(form_of);
}

/* The line a problem names ("'NAME' line N: ..."); 0 for one of the whole file. */
static long problem_line(const char *msg, size_t prefix)
{
    if (strlen(msg) < prefix + 5 || strncmp(msg + prefix, "line ", 5) != 0)
        return 0;
    return strtol(msg + prefix + 5, NULL, 10);
}

typedef struct numbered {
    long line;
    size_t seq;
    char *msg;
} numbered;

static int by_line(const void *a, const void *b)
{
    const numbered *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Puts problems[from..] in the order of their lines, keeping the order
 * found among those of one line (the checks run in passes over the file,
 * so a person would otherwise read line 7 before line 2). */
static void problems_by_line(at_msgs *p, size_t from, const char *name)
{
    size_t prefix = strlen(name) + 3;   /* 'NAME' and a space */
    size_t n = p->n - from;
    numbered *v = xmalloc((n ? n : 1) * sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = (numbered){ problem_line(p->items[from + i], prefix), i, p->items[from + i] };
    qsort(v, n, sizeof *v, by_line);
    for (size_t i = 0; i < n; i++)
        p->items[from + i] = v[i].msg;
    free(v);
}

static at_status parse(const char *name, const char *text, size_t len, const char *record_id,
                       int stored, dict_file *out, at_msgs *problems, at_err *err)
{
    at_msgs local = AT_MSGS_INIT;
    at_msgs *probs = problems ? problems : &local;
    size_t before = probs->n;
    dict_ctx c = { .file = name, .problems = probs };
    reader r = { .ctx = &c };
    at_err cerr;
    memset(out, 0, sizeof *out);

    if (csvin_read_mem(name, text, len, on_row, &r, &cerr) != AT_OK) {
        msgs_addf(probs, "%s", cerr.msg);
        goto out;
    }
    if (!r.saw_header) {
        dict_problem(&c, 1, "the file is empty");
        goto out;
    }
    if (r.bad_header)
        goto out;
    if (r.n == 0) {
        dict_problem(&c, r.header_line, "the dictionary has a header but no fields");
        goto out;
    }
    build(&c, &r, record_id ? record_id : "record_id", out);
    if (out->nforms == 0 && probs->n == before)
        dict_problem(&c, r.header_line, "the dictionary has no fields to ask");
out:
    for (size_t i = 0; i < r.n; i++)
        for (int k = 0; k < DC_NCOLS; k++)
            free(r.rows[i].c[k]);
    free(r.rows);
    free(r.map);
    if (probs->n > before && stored && out->nforms > 0) {
        /* kept as warnings: the attune that stored the dictionary took it */
        problems_by_line(probs, before, name);
        for (size_t i = before; i < probs->n; i++)
            msgs_addf(&out->warnings, "%s", probs->items[i]);
        while (probs->n > before)
            free(probs->items[--probs->n]);
    }
    if (probs->n > before) {
        size_t nprob = probs->n - before;
        problems_by_line(probs, before, name);
        dict_release(out);
        msgs_release(&local);
        return at_fail(err, AT_EINVAL, "'%s': %zu problem%s", name, nprob, nprob == 1 ? "" : "s");
    }
    at_err_clear(err);
    return AT_OK;
}

at_status dict_parse(const char *name, const char *text, size_t len, const char *record_id,
                     dict_file *out, at_msgs *problems, at_err *err)
{
    return parse(name, text, len, record_id, 0, out, problems, err);
}

at_status dict_parse_stored(const char *name, const char *text, size_t len,
                            const char *record_id, dict_file *out, at_msgs *problems,
                            at_err *err)
{
    return parse(name, text, len, record_id, 1, out, problems, err);
}

void dict_release(dict_file *d)
{
    if (!d)
        return;
    for (size_t k = 0; k < d->nforms; k++) {
        free(d->forms[k].col_index);
        dict_instrument_release(&d->forms[k]);
    }
    free(d->forms);
    msgs_release(&d->warnings);
    memset(d, 0, sizeof *d);
}

void dict_write_form(const dict_instrument *in, sbuf *out)
{
    csvout w;
    csvout_init_buf(&w, out);
    for (int d = 0; d < DC_NCOLS; d++)
        csvout_field(&w, headers[d].name);
    csvout_end(&w);
    if (in->record_id)
        csvout_row(&w, (const char *const *)in->record_id_row, DC_NCOLS);
    for (size_t i = 0; i < in->nfields; i++)
        csvout_row(&w, (const char *const *)in->fields[i].cols, DC_NCOLS);
}

long instrument_col(const dict_instrument *in, const char *name)
{
    if (!in->col_index) {
        for (size_t i = 0; i < in->ncols; i++)
            if (strcasecmp(in->cols[i].name, name) == 0)
                return (long)i;
        return -1;
    }
    /* the first of the names equal to name, as the search in order finds */
    size_t lo = 0, hi = in->ncols;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcasecmp(in->cols[in->col_index[mid]].name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < in->ncols && strcasecmp(in->cols[in->col_index[lo]].name, name) == 0)
        return (long)in->col_index[lo];
    return -1;
}

long instrument_field(const dict_instrument *in, const char *name)
{
    for (size_t i = 0; i < in->nfields; i++)
        if (strcasecmp(in->fields[i].name, name) == 0)
            return (long)i;
    return -1;
}

long instrument_role(const dict_instrument *in, field_role role)
{
    for (size_t i = 0; i < in->nfields; i++)
        if (in->fields[i].role == role)
            return (long)i;
    return -1;
}
