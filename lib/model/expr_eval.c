/* expr_eval.c: walking a parsed tree: binding references to columns,
 * evaluating with REDCap's blank rules, and finding a scale's terms.
 * Evaluation allocates nothing: strings in results point into the answers
 * or the tree, and numbers are turned into text in stack buffers. */
#include "expr_impl.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static xval string(const char *s)
{
    xval v = { XV_STR, 0.0, s };
    return v;
}

/* A plain decimal number: optional sign, digits with an optional point,
 * optional exponent, spaces around allowed.  Refuses hex, inf and nan,
 * which strtod would take.  Answers are mostly short: up to 15 digits and no
 * exponent, the digits as a whole number (exact below 2^53) divided by an
 * exact power of ten give the correctly rounded value, the one strtod gives,
 * without its cost; anything longer goes to strtod. */
static int decimal_text_any(const char *s, double *out)
{
    static const double tens[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
                                   1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15 };
    const char *p = s;
    while (isspace((unsigned char)*p))
        p++;
    int neg = *p == '-';
    if (*p == '+' || *p == '-')
        p++;
    int digits = 0, decimals = 0, exponent = 0;
    uint64_t whole = 0;   /* the digits without the point, while at most 15 */
    while (isdigit((unsigned char)*p)) {
        if (++digits <= 15)
            whole = whole * 10 + (uint64_t)(*p - '0');
        p++;
    }
    if (*p == '.') {
        p++;
        while (isdigit((unsigned char)*p)) {
            if (++digits <= 15)
                whole = whole * 10 + (uint64_t)(*p - '0');
            decimals++;
            p++;
        }
    }
    if (!digits)
        return 0;
    if (*p == 'e' || *p == 'E') {
        exponent = 1;
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!isdigit((unsigned char)*p))
            return 0;
        while (isdigit((unsigned char)*p))
            p++;
    }
    while (isspace((unsigned char)*p))
        p++;
    if (*p)
        return 0;
    if (!exponent && digits <= 15) {
        double x = (double)whole / tens[decimals];
        *out = neg ? -x : x;
        return 1;
    }
    return util_parse_double(s, out);
}

/* decimal_text_any, with a code 0-9 (most answers) read where it is met */
static inline int decimal_text(const char *s, double *out)
{
    if (s[0] >= '0' && s[0] <= '9' && s[1] == '\0') {
        *out = s[0] - '0';
        return 1;
    }
    return decimal_text_any(s, out);
}

int xval_number(xval v, double *out)
{
    if (v.kind == XV_NUM) {
        *out = v.num;
        return 1;
    }
    if (v.kind == XV_STR)
        return decimal_text(v.str, out);
    return 0;
}

static const char *as_text(xval v, char buf[64])
{
    if (v.kind == XV_STR)
        return v.str;
    return xval_format(v, buf);
}

int xval_truthy(xval v)
{
    double x;
    switch (v.kind) {
    case XV_BLANK:
        return 0;
    case XV_NUM:
        return v.num != 0.0;
    case XV_STR:
        if (decimal_text(v.str, &x))
            return x != 0.0;
        return strcasecmp(v.str, "true") == 0;
    }
    return 0;
}

const char *xval_format(xval v, char buf[64])
{
    switch (v.kind) {
    case XV_BLANK:
        buf[0] = '\0';
        break;
    case XV_NUM:
        if (v.num == 0.0)            /* no "-0" */
            snprintf(buf, 64, "0");
        else if (isfinite(v.num))
            fmt_num(v.num, buf);     /* what %.15g writes, without printf's cost */
        else
            snprintf(buf, 64, "%.15g", v.num);
        break;
    case XV_STR:
        snprintf(buf, 64, "%s", v.str);
        break;
    }
    return buf;
}

/* = : blank equals only blank; numbers compare as numbers when both sides
 * are numbers, otherwise the texts are compared. */
static int values_equal(xval a, xval b)
{
    if (a.kind == XV_BLANK || b.kind == XV_BLANK)
        return a.kind == b.kind;
    double x, y;
    if (xval_number(a, &x) && xval_number(b, &y))
        return x == y;
    char ba[64], bb[64];
    return strcmp(as_text(a, ba), as_text(b, bb)) == 0;
}

static xval compare(nkind op, xval a, xval b)
{
    if (a.kind == XV_BLANK || b.kind == XV_BLANK)
        return xv_blank();
    double x, y;
    int c;
    if (xval_number(a, &x) && xval_number(b, &y)) {
        c = (x > y) - (x < y);
    } else {
        char ba[64], bb[64];
        c = strcmp(as_text(a, ba), as_text(b, bb));
    }
    switch (op) {
    case N_LT: return xv_truth(c < 0);
    case N_LE: return xv_truth(c <= 0);
    case N_GT: return xv_truth(c > 0);
    default:   return xv_truth(c >= 0);
    }
}

static xval arith(nkind op, xval a, xval b)
{
    double x, y;
    if (!xval_number(a, &x) || !xval_number(b, &y))
        return xv_blank();
    switch (op) {
    case N_ADD: return xv_number(x + y);
    case N_SUB: return xv_number(x - y);
    case N_MUL: return xv_number(x * y);
    case N_DIV: return y == 0.0 ? xv_blank() : xv_number(x / y);
    default:    return xv_number(pow(x, y));
    }
}

/* Rounds x to d decimal places (d may be negative): mode 0 half away from
 * zero, 1 up (towards +infinity), -1 down.  x * 10^d is first taken to 15
 * significant digits, so that 2.675 rounds to 2.68 as a person expects
 * although the double closest to 2.675 lies just below it. */
static double round_places(double x, double d, int mode)
{
    if (!isfinite(x) || !isfinite(d))
        return NAN;
    d = trunc(d);
    if (d > 15)
        d = 15;
    if (d < -15)
        d = -15;
    double scale = pow(10.0, fabs(d));
    double y = d >= 0 ? x * scale : x / scale;
    char buf[64];
    snprintf(buf, sizeof buf, "%.15g", y);
    y = strtod(buf, NULL);
    y = mode > 0 ? ceil(y) : mode < 0 ? floor(y) : round(y);
    return d >= 0 ? y / scale : y * scale;
}

/* The value of a leaf: a number, a string or a reference. */
static xval leaf(const expr *e, const char *const *vals)
{
    if (e->kind == N_NUM)
        return xv_number(e->num);
    if (e->kind == N_STR)
        return e->str[0] ? string(e->str) : xv_blank();
    const char *s = e->col >= 0 && vals ? vals[e->col] : NULL;
    if (!s || !*s)
        /* an unticked checkbox option is 0 in REDCap, never blank */
        return e->code ? xv_number(0.0) : xv_blank();
    return string(s);
}

static xval binary_value(nkind kind, xval a, xval b)
{
    switch (kind) {
    case N_EQ:
        return xv_truth(values_equal(a, b));
    case N_NE:
        return xv_truth(!values_equal(a, b));
    case N_LT:
    case N_LE:
    case N_GT:
    case N_GE:
        return compare(kind, a, b);
    default:
        return arith(kind, a, b);
    }
}

/* Evaluation walks the tree with a stack of its own rather than by
 * recursion, so the C stack it needs does not grow with the tree: a frame
 * per level of the node being evaluated, at most EXPR_MAX_HEIGHT + 1, in an
 * array on the stack (no allocation).  A frame's step counts the operands
 * evaluated so far; the value of the last one is in v. */
typedef struct frame {
    const expr *e;
    size_t step;
    xval a;          /* a binary operator's left operand */
    double acc;      /* sum, mean, min, max: the running value; round: x */
    size_t n;        /* sum, mean, min, max: numbers met */
    xval *args;      /* functions from F_MEDIAN on: the arguments so far */
} frame;

enum { EVAL_STACK = EXPR_MAX_HEIGHT + 1 };

/* One step of frame f, whose operand number f->step - 1 (if any) has value
 * v: either sets *push to the operand to evaluate next, or stores the
 * node's value in *v. */
static void eval_step(frame *f, xval *v, const expr **push)
{
    const expr *e = f->e;
    double x, d;
    *push = NULL;
    if (f->step == 0 && e->nkids > 0 && e->kind != N_CALL) {
        *push = e->kids[0];
        return;
    }
    switch (e->kind) {
    case N_NUM:
    case N_STR:
    case N_REF:
        return;      /* leaves are valued before their frame is pushed */
    case N_NEG:
        *v = xval_number(*v, &x) ? xv_number(-x) : xv_blank();
        return;
    case N_NOT:
        *v = xv_truth(!xval_truthy(*v));
        return;
    case N_AND:
    case N_OR:
        if (f->step == 1 && xval_truthy(*v) == (e->kind == N_AND)) {
            *push = e->kids[1];      /* the left side does not decide */
            return;
        }
        *v = xv_truth(xval_truthy(*v));
        return;
    case N_CALL:
        break;
    default:
        if (f->step == 1) {
            f->a = *v;
            *push = e->kids[1];
            return;
        }
        *v = binary_value(e->kind, f->a, *v);
        return;
    }

    if (e->fn >= F_MEDIAN) {           /* every argument first, then the value */
        if (f->step == 0)
            f->args = expr_scratch(e->nkids * sizeof *f->args);
        else
            f->args[f->step - 1] = *v;
        if (f->step < e->nkids)
            *push = e->kids[f->step];
        else
            *v = expr_apply(e->fn, f->args, e->nkids);
        return;
    }
    switch (e->fn) {
    case F_IF:
        if (f->step == 0)
            *push = e->kids[0];
        else if (f->step == 1)
            *push = e->kids[xval_truthy(*v) ? 1 : 2];
        /* step 2: the chosen branch's value is the value */
        return;
    case F_SUM:
    case F_MEAN:
    case F_MIN:
    case F_MAX:
        if (f->step > 0 && xval_number(*v, &x)) {   /* blanks (and text) are skipped */
            if (f->n == 0)
                f->acc = e->fn == F_MIN || e->fn == F_MAX ? x : 0.0;
            if (e->fn == F_MIN)
                f->acc = x < f->acc ? x : f->acc;
            else if (e->fn == F_MAX)
                f->acc = x > f->acc ? x : f->acc;
            else
                f->acc += x;
            f->n++;
        }
        if (f->step < e->nkids) {
            *push = e->kids[f->step];
            return;
        }
        if (f->n == 0)
            *v = xv_blank();
        else
            *v = xv_number(e->fn == F_MEAN ? f->acc / (double)f->n : f->acc);
        return;
    case F_ABS:
    case F_SQRT:
        if (f->step == 0) {
            *push = e->kids[0];
            return;
        }
        if (!xval_number(*v, &x) || (e->fn == F_SQRT && x < 0.0))
            *v = xv_blank();
        else
            *v = xv_number(e->fn == F_ABS ? fabs(x) : sqrt(x));
        return;
    default: {   /* round, roundup, rounddown */
        int mode = e->fn == F_ROUND ? 0 : e->fn == F_ROUNDUP ? 1 : -1;
        if (f->step == 0) {
            *push = e->kids[0];
            return;
        }
        if (f->step == 1) {
            if (!xval_number(*v, &x)) {
                *v = xv_blank();
                return;
            }
            f->acc = x;
            if (e->nkids > 1) {
                *push = e->kids[1];
                return;
            }
            *v = xv_number(round_places(x, 0.0, mode));
            return;
        }
        *v = xval_number(*v, &d) ? xv_number(round_places(f->acc, d, mode)) : xv_blank();
        return;
    }
    }
}

xval expr_eval(const expr *root, const char *const *vals)
{
    frame st[EVAL_STACK];
    size_t top = 0;
    xval v = xv_blank();
    if (root->nkids == 0)
        return leaf(root, vals);
    expr_scratch_reset();
    st[0] = (frame){ .e = root };
    for (;;) {
        const expr *kid;
        eval_step(&st[top], &v, &kid);
        if (kid) {
            st[top].step++;
            if (kid->nkids == 0) {
                v = leaf(kid, vals);          /* a leaf needs no frame */
                continue;
            }
            if (top + 1 >= EVAL_STACK)        /* deeper than the parser allows */
                return xv_blank();
            st[++top] = (frame){ .e = kid };
            continue;
        }
        if (top == 0)
            return v;
        top--;                                 /* v is the operand the parent asked for */
    }
}

at_status expr_bind(expr *e, expr_resolve_fn resolve, void *ctx, at_err *err)
{
    if (e->kind == N_REF) {
        e->col = resolve(e->str, e->code, ctx);
        if (e->col < 0) {
            if (e->code)
                return at_fail(err, AT_EINVAL, "unknown field '%s(%s)'", e->str, e->code);
            return at_fail(err, AT_EINVAL, "unknown field '%s'", e->str);
        }
    }
    for (size_t i = 0; i < e->nkids; i++) {
        at_status st = expr_bind(e->kids[i], resolve, ctx, err);
        if (st != AT_OK)
            return st;
    }
    return AT_OK;
}

void expr_each_ref(const expr *e, void (*fn)(long col, void *ctx), void *ctx)
{
    if (e->kind == N_REF)
        fn(e->col, ctx);
    for (size_t i = 0; i < e->nkids; i++)
        expr_each_ref(e->kids[i], fn, ctx);
}

/* Whether every reference in e names the same field (and checkbox option);
 * *seen holds the first reference met, NULL before. */
static int one_field(const expr *e, const expr **seen)
{
    if (e->kind == N_REF) {
        if (!*seen) {
            *seen = e;
            return 1;
        }
        const char *c1 = (*seen)->code ? (*seen)->code : "", *c2 = e->code ? e->code : "";
        return strcasecmp((*seen)->str, e->str) == 0 && strcasecmp(c1, c2) == 0;
    }
    for (size_t i = 0; i < e->nkids; i++)
        if (!one_field(e->kids[i], seen))
            return 0;
    return 1;
}

/* An item term scores exactly one field: [q], (6 - [q]), [x(2)]. */
static int item_term(const expr *e)
{
    const expr *seen = NULL;
    return one_field(e, &seen) && seen != NULL;
}

static void collect_plus(const expr *e, const expr ***terms, size_t *n, size_t *cap)
{
    if (e->kind == N_ADD) {
        collect_plus(e->kids[0], terms, n, cap);
        collect_plus(e->kids[1], terms, n, cap);
        return;
    }
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        *terms = xrealloc(*terms, *cap * sizeof **terms);
    }
    (*terms)[(*n)++] = e;
}

size_t expr_scale_terms(const expr *e, const expr ***terms, int *is_mean)
{
    const expr **t = NULL;
    size_t n = 0, cap = 0;
    int mean = 0;
    *terms = NULL;
    if (is_mean)
        *is_mean = 0;
    if (e->kind == N_CALL && (e->fn == F_SUM || e->fn == F_MEAN)) {
        mean = e->fn == F_MEAN;
        n = e->nkids;
        t = xmalloc(n * sizeof *t);
        for (size_t i = 0; i < n; i++)
            t[i] = e->kids[i];
    } else if (e->kind == N_ADD) {
        collect_plus(e, &t, &n, &cap);
    } else {
        return 0;
    }
    /* every term must be one item's score */
    for (size_t i = 0; i < n; i++) {
        if (!item_term(t[i])) {
            free(t);
            return 0;
        }
    }
    *terms = t;
    if (is_mean)
        *is_mean = mean;
    return n;
}

expr_scale_form expr_scale_form_of(const expr *e)
{
    if (e->kind == N_CALL && (e->fn == F_SUM || e->fn == F_MEAN) && e->nkids > 0)
        return e->fn == F_SUM ? EXPR_SCALE_SUM : EXPR_SCALE_MEAN;
    if (e->kind != N_ADD)
        return EXPR_SCALE_OTHER;
    /* collect_plus lists the terms from the left; they are added in that
     * order only when no right operand is itself a sum */
    for (; e->kind == N_ADD; e = e->kids[0])
        if (e->kids[1]->kind == N_ADD)
            return EXPR_SCALE_OTHER;
    return EXPR_SCALE_PLUS;
}

int expr_scale_value(expr_scale_form form, const double *x, const unsigned char *ok, size_t n,
                     double *out)
{
    double acc = 0.0;
    size_t k = 0;
    if (form == EXPR_SCALE_PLUS) {
        /* arith: blank on a blank operand or a sum that is not finite, and a
         * blank stays blank to the end of the chain */
        for (size_t i = 0; i < n; i++) {
            if (!ok[i])
                return 0;
            acc = i ? acc + x[i] : x[i];
            if (!isfinite(acc))
                return 0;
        }
        *out = acc;
        return n > 0;
    }
    /* eval_step's sum and mean: the running value starts at 0.0 (so a
     * lone -0 gives 0), numbers only */
    for (size_t i = 0; i < n; i++) {
        if (ok[i]) {
            acc += x[i];
            k++;
        }
    }
    if (k == 0)
        return 0;
    double v = form == EXPR_SCALE_MEAN ? acc / (double)k : acc;
    if (!isfinite(v))
        return 0;
    *out = v;
    return 1;
}

int expr_item_compile(const expr *e, expr_item *out)
{
    const expr *ref = e;
    memset(out, 0, sizeof *out);
    out->e = e;
    out->col = -1;
    /* a constant that is not finite reads as blank: left to expr_eval */
    if (e->kind == N_SUB && e->kids[0]->kind == N_NUM && isfinite(e->kids[0]->num))
        ref = e->kids[1];
    if (ref->kind != N_REF || ref->col < 0)
        return 0;
    if (ref != e) {
        out->reverse = 1;
        out->k = e->kids[0]->num;
    }
    out->col = ref->col;
    out->checkbox = ref->code != NULL;
    return 1;
}

/* A compiled item term's value (col >= 0). */
static int item_number(const expr_item *it, const char *const *vals, double *out)
{
    const char *s = vals ? vals[it->col] : NULL;
    double y;
    if (!s || !*s) {
        if (!it->checkbox)          /* leaf(): blank, and arithmetic on it blank */
            return 0;
        y = 0.0;                    /* an unticked option */
    } else if (!decimal_text(s, &y)) {
        return 0;                   /* text is no number, and K - text is blank */
    }
    if (!it->reverse) {
        *out = y;
        return 1;
    }
    double d = it->k - y;           /* arith(N_SUB), blank when not finite */
    if (!isfinite(d))
        return 0;
    *out = d;
    return 1;
}

size_t expr_items_number(const expr_item *items, size_t n, const char *const *vals, double *x,
                         unsigned char *ok)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const expr_item *it = &items[i];
        double y = NAN;
        int is = it->col >= 0 ? item_number(it, vals, &y)
                              : xval_number(expr_eval(it->e, vals), &y);
        x[i] = is ? y : NAN;
        ok[i] = (unsigned char)is;
        k += (size_t)is;
    }
    return k;
}
