/* flow.c: the questionnaire flow shared by the terminal and the web form. */
#include "flow.h"
#include "record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct flow {
    const dict_instrument *in;
    char **vals;              /* in->ncols answers, NULL blank */
    unsigned char *done;      /* per field: answered (moved on from) in this pass */
    size_t *hist;             /* the questions reached before the one on screen */
    size_t nhist;
    size_t cur;               /* the field on screen at FLOW_QUESTION */
    flow_screen where;
    int changing;             /* a change made from the review is being walked */
    int not_client;           /* answered by a therapist or an observer */
};

int flow_is_question(const dict_field *f)
{
    return f->type != FT_CALC && f->type != FT_DESCRIPTIVE;
}

static int shown(const flow *fl, size_t i)
{
    return instrument_shown(fl->in, i, (const char *const *)fl->vals);
}

int flow_answered(const flow *fl, size_t field)
{
    const struct dict_field *f = &fl->in->fields[field];
    for (size_t c = f->col; c < f->col + f->ncol; c++)
        if (fl->vals[c])
            return 1;
    return 0;
}

static void clear_field(flow *fl, const dict_field *f)
{
    record_clear(fl->vals + f->col, f->ncol);
}

/* Recomputes calc columns and clears every hidden question, until nothing
 * changes (clearing one answer may hide another question). */
static void apply_branching(flow *fl)
{
    const dict_instrument *in = fl->in;
    for (size_t pass = 0; pass <= in->nfields; pass++) {
        int changed = 0;
        instrument_compute(in, fl->vals);
        for (size_t i = 0; i < in->nfields; i++) {
            const dict_field *f = &in->fields[i];
            if (f->type == FT_CALC || shown(fl, i))
                continue;
            fl->done[i] = 0;
            if (flow_answered(fl, i)) {
                clear_field(fl, f);
                changed = 1;
            }
        }
        if (!changed)
            break;
    }
}

/* The first shown question after field `after` (-1: from the start) not
 * answered in this pass; -1 when there is none. */
static long next_open(const flow *fl, long after)
{
    for (size_t i = (size_t)(after + 1); i < fl->in->nfields; i++)
        if (flow_is_question(&fl->in->fields[i]) && !fl->done[i] && shown(fl, i))
            return (long)i;
    return -1;
}

/* Goes to the next open question after `after`, or, when there is none
 * (any open one earlier included), to the review. */
static void advance(flow *fl, long after)
{
    long nx = next_open(fl, after);
    if (nx < 0)
        nx = next_open(fl, -1);
    if (nx < 0) {
        fl->where = FLOW_REVIEW;
        fl->nhist = 0;
        fl->changing = 0;
        return;
    }
    fl->where = FLOW_QUESTION;
    fl->cur = (size_t)nx;
}

flow *flow_new(const dict_instrument *in)
{
    flow *fl = xcalloc(1, sizeof *fl);
    fl->in = in;
    fl->vals = xcalloc(in->ncols ? in->ncols : 1, sizeof *fl->vals);
    fl->done = xcalloc(in->nfields ? in->nfields : 1, 1);
    fl->hist = xmalloc((in->nfields + 1) * sizeof *fl->hist);
    apply_branching(fl);
    advance(fl, -1);
    return fl;
}

void flow_free(flow *fl)
{
    if (!fl)
        return;
    record_clear(fl->vals, fl->in->ncols);
    free(fl->vals);
    free(fl->done);
    free(fl->hist);
    free(fl);
}

const dict_instrument *flow_instrument(const flow *fl)
{
    return fl->in;
}

flow_screen flow_where(const flow *fl)
{
    return fl->where;
}

size_t flow_field(const flow *fl)
{
    return fl->cur;
}

const char *const *flow_values(const flow *fl)
{
    return (const char *const *)fl->vals;
}

/* Shown descriptive fields in [from, to), at most max into idx. */
static size_t texts_between(const flow *fl, size_t from, size_t to, size_t *idx, size_t max)
{
    size_t n = 0;
    for (size_t i = from; i < to; i++) {
        if (fl->in->fields[i].type != FT_DESCRIPTIVE || !shown(fl, i))
            continue;
        if (n < max)
            idx[n] = i;
        n++;
    }
    return n;
}

/* The first field after the shown question before field `at`. */
static size_t after_previous_question(const flow *fl, size_t at)
{
    size_t i = at;
    while (i > 0) {
        const dict_field *f = &fl->in->fields[i - 1];
        if (flow_is_question(f) && shown(fl, i - 1))
            break;
        i--;
    }
    return i;
}

size_t flow_texts(const flow *fl, size_t *idx, size_t max)
{
    if (fl->where != FLOW_QUESTION)
        return 0;
    return texts_between(fl, after_previous_question(fl, fl->cur), fl->cur, idx, max);
}

size_t flow_closing(const flow *fl, size_t *idx, size_t max)
{
    size_t end = fl->in->nfields;
    return texts_between(fl, after_previous_question(fl, end), end, idx, max);
}

void flow_set_rater(flow *fl, const char *rater)
{
    fl->not_client = rater && strcmp(rater, "client") != 0;
}

const char *flow_closing_default(const flow *fl)
{
    if (fl->not_client)
        return "Thank you. Your answers are saved in the study.";
    return "Thank you. Your answers are saved. They are read by the people who look after "
           "your care or run this study, and no one else.";
}

void flow_position(const flow *fl, size_t *k, size_t *n, int *exact)
{
    *k = *n = 0;
    *exact = 1;
    for (size_t i = 0; i < fl->in->nfields; i++) {
        const dict_field *f = &fl->in->fields[i];
        if (!flow_is_question(f))
            continue;
        if (i > fl->cur && f->branching)
            *exact = 0;
        if (!shown(fl, i))
            continue;
        (*n)++;
        if (fl->where == FLOW_QUESTION && i == fl->cur)
            *k = *n;
    }
}

size_t flow_most(const flow *fl)
{
    size_t n = 0;
    for (size_t i = 0; i < fl->in->nfields; i++)
        if (flow_is_question(&fl->in->fields[i]) &&
            (shown(fl, i) || (fl->where == FLOW_QUESTION && i > fl->cur)))
            n++;
    return n;
}

void flow_position_text(const flow *fl, char *buf, size_t size, size_t *of)
{
    size_t k, n;
    int exact;
    flow_position(fl, &k, &n, &exact);
    if (exact)
        snprintf(buf, size, "Question %zu of %zu", k, n);
    else
        snprintf(buf, size, "Question %zu of at most %zu", k, n = flow_most(fl));
    if (of)
        *of = n;
}

/* ---- answering --------------------------------------------------------- */

static int at_question(const flow *fl, char *why, size_t whysz)
{
    if (fl->where == FLOW_QUESTION)
        return 1;
    snprintf(why, whysz, "there is no question to answer now");
    return 0;
}

static void set_answer(flow *fl, size_t col, char *v)
{
    free(fl->vals[col]);
    fl->vals[col] = v;
}

static void list_codes(const dict_field *f, sbuf *sb)
{
    for (size_t c = 0; c < f->nchoices; c++)
        sbuf_addf(sb, "%s%s", c ? ", " : "", f->choices[c].code);
}

/* Checkbox codes separated by commas or spaces (case does not matter). */
static int typed_checkbox(flow *fl, const dict_field *f, const char *a, char *why, size_t whysz)
{
    unsigned char *tick = xcalloc(f->nchoices ? f->nchoices : 1, 1);
    char *copy = xstrdup(a);
    int ok = 0, any = 0;
    for (char *tok = copy; *tok;) {
        size_t n = strcspn(tok, ", \t;");
        if (n == 0) {
            tok++;
            continue;
        }
        char save = tok[n];
        tok[n] = '\0';
        size_t k = 0;
        while (k < f->nchoices && strcasecmp(f->choices[k].code, tok) != 0)
            k++;
        if (k == f->nchoices) {
            sbuf codes = SBUF_INIT;
            list_codes(f, &codes);
            snprintf(why, whysz, "'%s' is not one of the codes (%s)", tok, sbuf_str(&codes));
            sbuf_release(&codes);
            goto out;
        }
        tick[k] = 1;
        any = 1;
        tok[n] = save;
        tok += n;
    }
    if (!any) {
        snprintf(why, whysz, "type one or more of the codes");
        goto out;
    }
    for (size_t k = 0; k < f->nchoices; k++)
        set_answer(fl, f->col + k, xstrdup(tick[k] ? "1" : "0"));
    ok = 1;
out:
    free(copy);
    free(tick);
    return ok;
}

/* A reason from field_normalize may leave out its subject ("is 7, ..."). */
static void normalize_why(char *why, size_t whysz)
{
    if (strncmp(why, "is ", 3) != 0)
        return;
    char tmp[512];
    snprintf(tmp, sizeof tmp, "the answer %s", why);
    snprintf(why, whysz, "%s", tmp);
}

static int take_value(flow *fl, const dict_field *f, const char *a, char *why, size_t whysz)
{
    char *out = NULL;
    if (!field_normalize(f, a, &out, why, whysz)) {
        normalize_why(why, whysz);
        return 0;
    }
    long other = instrument_rank_taken(fl->in, fl->cur, out, (const char *const *)fl->vals);
    if (other >= 0) {
        snprintf(why, whysz, "%s is already the answer to another question of this group: "
                 "each choice goes to one question only", out);
        free(out);
        return 0;
    }
    set_answer(fl, f->col, out);
    apply_branching(fl);
    return 1;
}

int flow_answer_typed(flow *fl, const char *typed, char *why, size_t whysz)
{
    if (!at_question(fl, why, whysz))
        return 0;
    const dict_field *f = &fl->in->fields[fl->cur];
    size_t lead = strspn(typed, " \t");
    if (!typed[lead]) {
        snprintf(why, whysz, "type an answer");
        return 0;
    }
    if (f->type == FT_CHECKBOX) {
        if (!typed_checkbox(fl, f, typed, why, whysz))
            return 0;
        apply_branching(fl);
        return 1;
    }
    const char *w = field_word_code(f, typed + lead);
    return take_value(fl, f, w ? w : typed, why, whysz);
}

int flow_answer_columns(flow *fl, const char *const *vals, char *why, size_t whysz)
{
    if (!at_question(fl, why, whysz))
        return 0;
    const dict_field *f = &fl->in->fields[fl->cur];
    if (f->type != FT_CHECKBOX) {
        if (!vals[0] || !vals[0][strspn(vals[0], " \t\r\n")]) {
            flow_clear(fl);
            return 1;
        }
        return take_value(fl, f, vals[0], why, whysz);
    }
    int any = 0;
    for (size_t k = 0; k < f->ncol; k++)
        any |= vals[k] && vals[k][0] && strcmp(vals[k], "0") != 0;
    if (!any) {
        flow_clear(fl);
        return 1;
    }
    for (size_t k = 0; k < f->ncol; k++)
        set_answer(fl, f->col + k,
                   xstrdup(vals[k] && vals[k][0] && strcmp(vals[k], "0") != 0 ? "1" : "0"));
    apply_branching(fl);
    return 1;
}

void flow_clear(flow *fl)
{
    if (fl->where != FLOW_QUESTION)
        return;
    clear_field(fl, &fl->in->fields[fl->cur]);
    apply_branching(fl);
}

/* ---- moving ------------------------------------------------------------ */

int flow_next(flow *fl, char *why, size_t whysz)
{
    if (fl->where != FLOW_QUESTION)
        return 1;
    size_t cur = fl->cur;
    if (fl->in->fields[cur].required && !flow_answered(fl, cur)) {
        snprintf(why, whysz, "this question needs an answer");
        return 0;
    }
    fl->done[cur] = 1;
    apply_branching(fl);
    fl->hist[fl->nhist++] = cur;
    advance(fl, (long)cur);
    return 1;
}

int flow_back(flow *fl)
{
    if (fl->where != FLOW_QUESTION)
        return 0;
    while (fl->nhist && !shown(fl, fl->hist[fl->nhist - 1]))
        fl->nhist--;
    if (!fl->nhist) {
        if (!fl->changing)
            return 0;
        /* back from the answer being changed: the review again */
        flow_to_review(fl);
        return 1;
    }
    fl->done[fl->cur] = 0;
    fl->cur = fl->hist[--fl->nhist];
    fl->done[fl->cur] = 0;
    return 1;
}

int flow_can_back(const flow *fl)
{
    if (fl->where != FLOW_QUESTION)
        return 0;
    if (fl->changing)
        return 1;
    for (size_t i = fl->nhist; i > 0; i--)
        if (shown(fl, fl->hist[i - 1]))
            return 1;
    return 0;
}

int flow_skip(flow *fl, char *why, size_t whysz)
{
    if (fl->where != FLOW_QUESTION)
        return 1;
    if (fl->in->fields[fl->cur].required) {
        snprintf(why, whysz, "this question needs an answer");
        return 0;
    }
    flow_clear(fl);
    return flow_next(fl, why, whysz);
}

size_t flow_review_list(const flow *fl, size_t *idx, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < fl->in->nfields; i++) {
        if (!flow_is_question(&fl->in->fields[i]) || !shown(fl, i))
            continue;
        if (n < max)
            idx[n] = i;
        n++;
    }
    return n;
}

int flow_change(flow *fl, size_t k)
{
    if (fl->where == FLOW_DONE || k == 0)
        return 0;
    for (size_t i = 0; i < fl->in->nfields; i++) {
        if (!flow_is_question(&fl->in->fields[i]) || !shown(fl, i) || --k)
            continue;
        fl->where = FLOW_QUESTION;
        fl->cur = i;
        fl->nhist = 0;
        fl->changing = 1;
        return 1;
    }
    return 0;
}

void flow_to_review(flow *fl)
{
    if (fl->where == FLOW_DONE)
        return;
    fl->where = FLOW_REVIEW;
    fl->nhist = 0;
    fl->changing = 0;
}

const char *flow_status_of(const dict_instrument *in, const char *const *vals)
{
    for (size_t i = 0; i < in->nfields; i++) {
        const dict_field *f = &in->fields[i];
        if (!flow_is_question(f) || f->type == FT_NOTES || !instrument_shown(in, i, vals))
            continue;
        int answered = 0;
        for (size_t c = f->col; c < f->col + f->ncol && !answered; c++)
            answered = vals[c] != NULL;
        if (!answered)
            return "partial";
    }
    return "complete";
}

const char *flow_status(const flow *fl)
{
    return flow_status_of(fl->in, (const char *const *)fl->vals);
}

void flow_answer_text(const dict_instrument *in, const dict_field *f, const char *const *vals, sbuf *out)
{
    (void)in;
    int any = 0, ticked = 0;
    for (size_t c = f->col; c < f->col + f->ncol; c++)
        any |= vals[c] != NULL;
    if (!any) {
        sbuf_adds(out, "(skipped)");
        return;
    }
    if (f->type == FT_CHECKBOX) {
        for (size_t k = 0; k < f->nchoices; k++) {
            const char *v = vals[f->col + k];
            if (v && strcmp(v, "1") == 0) {
                sbuf_addf(out, "%s%s %s", ticked ? "; " : "", f->choices[k].code,
                          f->choices[k].label);
                ticked = 1;
            }
        }
        if (!ticked)
            sbuf_adds(out, "(none ticked)");
        return;
    }
    const char *v = vals[f->col];
    for (size_t k = 0; k < f->nchoices; k++)
        if (strcmp(f->choices[k].code, v) == 0) {
            sbuf_addf(out, "%s %s", v, f->choices[k].label);
            return;
        }
    sbuf_adds(out, v);
}

/* ---- saving ------------------------------------------------------------ */

at_status flow_save(flow *fl, store *s, admin_rec *rec, int replace, const char *who,
                    long *admin_id, long *session_out, at_err *err)
{
    apply_branching(fl);
    for (size_t i = 0; i < fl->in->nfields; i++) {
        const dict_field *f = &fl->in->fields[i];
        if (flow_is_question(f) && f->required && shown(fl, i) && !flow_answered(fl, i)) {
            fl->where = FLOW_QUESTION;
            fl->cur = i;
            fl->nhist = 0;
            fl->changing = 1;
            return at_fail(err, AT_EINVAL, "'%s' needs an answer before saving", f->name);
        }
    }
    /* calc columns are stored blank: they are recomputed whenever read */
    const dict_instrument *in = fl->in;
    const char **values = xcalloc(in->ncols ? in->ncols : 1, sizeof *values);
    for (size_t c = 0; c < in->ncols; c++)
        if (in->fields[in->cols[c].field].type != FT_CALC)
            values[c] = fl->vals[c];
    rec->values = values;
    rec->n = in->ncols;
    rec->status = flow_status(fl);
    at_status st = store_admin_save(s, rec, replace, who, admin_id, session_out, err);
    rec->values = NULL;
    rec->n = 0;
    free(values);
    if (st == AT_OK)
        flow_mark_saved(fl);
    return st;
}

void flow_mark_saved(flow *fl)
{
    fl->where = FLOW_DONE;
    fl->nhist = 0;
    fl->changing = 0;
}

/* ---- keeping the place --------------------------------------------------- */

/* The state string: "flow1 W CUR CHANGING H:a,b,c D:x,y,z", W one of q, r,
 * d; H the history, D the fields answered in this pass. */
char *flow_state_write(const flow *fl)
{
    sbuf sb = SBUF_INIT;
    sbuf_addf(&sb, "flow1 %c %zu %d H:", "qrd"[fl->where], fl->cur, fl->changing);
    for (size_t i = 0; i < fl->nhist; i++)
        sbuf_addf(&sb, "%s%zu", i ? "," : "", fl->hist[i]);
    sbuf_adds(&sb, " D:");
    int first = 1;
    for (size_t i = 0; i < fl->in->nfields; i++)
        if (fl->done[i]) {
            sbuf_addf(&sb, "%s%zu", first ? "" : ",", i);
            first = 0;
        }
    char *out = xstrdup(sbuf_str(&sb));
    sbuf_release(&sb);
    return out;
}

/* Reads "a,b,c" (possibly empty) up to a space or the end into idx (each a
 * question field of in); returns the count, or -1 when malformed. */
static long read_list(const dict_instrument *in, const char **p, size_t *idx, size_t max)
{
    size_t n = 0;
    const char *s = *p;
    while (*s && *s != ' ') {
        char *end;
        unsigned long v = strtoul(s, &end, 10);
        if (end == s || v >= in->nfields || !flow_is_question(&in->fields[v]) || n >= max)
            return -1;
        idx[n++] = (size_t)v;
        s = end;
        if (*s == ',')
            s++;
    }
    *p = s;
    return (long)n;
}

int flow_state_read(flow *fl, const char *const *vals, const char *state)
{
    const dict_instrument *in = fl->in;
    record_clear(fl->vals, in->ncols);
    for (size_t c = 0; c < in->ncols; c++)
        fl->vals[c] = vals[c] ? xstrdup(vals[c]) : NULL;
    memset(fl->done, 0, in->nfields ? in->nfields : 1);
    fl->nhist = 0;
    fl->changing = 0;
    apply_branching(fl);

    char w;
    size_t cur;
    int changing, used = 0;
    size_t *done = xmalloc((in->nfields + 1) * sizeof *done);
    int ok = state && sscanf(state, "flow1 %c %zu %d H:%n", &w, &cur, &changing, &used) == 3 &&
             used > 0 && strchr("qrd", w) && (changing == 0 || changing == 1) &&
             cur < in->nfields && flow_is_question(&in->fields[cur]);
    long nh = -1, nd = -1;
    if (ok) {
        const char *p = state + used;
        nh = read_list(in, &p, fl->hist, in->nfields);
        ok = nh >= 0 && strncmp(p, " D:", 3) == 0;
        if (ok) {
            p += 3;
            nd = read_list(in, &p, done, in->nfields);
            ok = nd >= 0 && *p == '\0';
        }
    }
    if (!ok) {
        free(done);
        for (size_t i = 0; i < in->nfields; i++)
            fl->done[i] = flow_is_question(&in->fields[i]) && flow_answered(fl, i);
        advance(fl, -1);
        return 0;
    }
    fl->nhist = (size_t)nh;
    for (long i = 0; i < nd; i++)
        fl->done[done[i]] = 1;
    free(done);
    fl->changing = changing;
    fl->cur = cur;
    fl->where = w == 'q' ? FLOW_QUESTION : w == 'r' ? FLOW_REVIEW : FLOW_DONE;
    if (fl->where == FLOW_QUESTION && !shown(fl, cur))
        advance(fl, (long)cur);
    return 1;
}
