/* expr.c: parsing REDCap expressions into a tree.
 *
 * Grammar, loosest binding first (REDCap's precedence):
 *   or    := and ('or' and)*
 *   and   := not ('and' not)*
 *   not   := 'not' not | cmp
 *   cmp   := add (('=' | '<>' | '!=' | '<' | '<=' | '>' | '>=') add)*
 *   add   := mul (('+' | '-') mul)*
 *   mul   := unary (('*' | '/') unary)*
 *   unary := ('-' | '+') unary | pow
 *   pow   := primary ('^' unary)?          right-associative: 2^3^2 = 2^9
 *   primary := number | string | [field] | [field(code)] | name '(' args ')' | '(' or ')'
 * Binding, evaluation and scale terms live in expr_eval.c. */
#include "expr_impl.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The tree is walked by recursion (binding, evaluating, freeing), so its
 * height is bounded: parentheses, calls, unary operators and ^ may nest
 * MAX_DEPTH deep, and the tree, which a chain of binary operators such as
 * 1 + 2 + ... grows by one level per operator, may be MAX_HEIGHT levels
 * high.  At these bounds every walk fits in a 256 KB stack, with room to
 * spare even under AddressSanitizer (tests/unit/test_expr_stack.c checks
 * it).  A long sum is written sum(...), whose arguments are walked by a
 * loop. */
#define MAX_DEPTH 100
#define MAX_HEIGHT 100

const struct expr_func expr_funcs[] = {
    { "if", F_IF, 3, 3 },
    { "sum", F_SUM, 1, -1 },
    { "mean", F_MEAN, 1, -1 },
    { "min", F_MIN, 1, -1 },
    { "max", F_MAX, 1, -1 },
    { "abs", F_ABS, 1, 1 },
    { "round", F_ROUND, 1, 2 },
    { "roundup", F_ROUNDUP, 1, 2 },
    { "rounddown", F_ROUNDDOWN, 1, 2 },
    { "sqrt", F_SQRT, 1, 1 },
};
const size_t expr_nfuncs = sizeof expr_funcs / sizeof expr_funcs[0];

typedef enum tkind {
    T_END, T_NUM, T_STR, T_REF, T_NAME, T_LPAREN, T_RPAREN, T_COMMA, T_OP
} tkind;

typedef struct token {
    tkind kind;
    size_t pos, len;          /* byte range in the source */
    nkind op;                 /* T_OP */
    size_t a, alen, b, blen;  /* T_STR: text; T_REF: field name (a) and code (b) */
} token;

typedef struct parser {
    const char *src;
    size_t len;
    size_t next;              /* where the next token starts */
    token tok;                /* current token */
    int depth;
    int failed;
    size_t errpos;            /* byte offset of the first error */
    at_err *err;
} parser;

/* 1-based character position of a byte offset (UTF-8 aware). */
static size_t char_pos(const char *s, size_t off)
{
    size_t n = 1;
    for (size_t i = 0; i < off; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

static void fail(parser *p, size_t off, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void fail(parser *p, size_t off, const char *fmt, ...)
{
    if (p->failed)
        return;
    char reason[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    p->failed = 1;
    p->errpos = off;
    at_fail(p->err, AT_EINVAL, "%s at position %zu", reason, char_pos(p->src, off));
}

static int is_name_char(int c)
{
    return isalnum(c) || c == '_';
}

/* Reads the token at p->next into p->tok; once an error has been found,
 * the token is always T_END. */
static void lex(parser *p)
{
    const char *s = p->src;
    size_t i = p->next;
    while (i < p->len && isspace((unsigned char)s[i]))
        i++;
    token t = { .kind = T_END, .pos = i, .len = 0 };
    if (i >= p->len) {
        p->tok = t;
        p->next = i;
        return;
    }
    unsigned char c = (unsigned char)s[i];
    size_t j = i + 1;
    if (isdigit(c) || (c == '.' && i + 1 < p->len && isdigit((unsigned char)s[i + 1]))) {
        j = i;
        while (j < p->len && isdigit((unsigned char)s[j]))
            j++;
        if (j < p->len && s[j] == '.') {
            j++;
            while (j < p->len && isdigit((unsigned char)s[j]))
                j++;
        }
        t.kind = T_NUM;
    } else if (c == '\'' || c == '"') {
        while (j < p->len && s[j] != (char)c)
            j++;
        if (j >= p->len)
            fail(p, i, "string is not closed");
        t.kind = T_STR;
        t.a = i + 1;
        t.alen = j - i - 1;
        j++;
    } else if (c == '[') {
        t.kind = T_REF;
        t.a = j;
        while (j < p->len && is_name_char((unsigned char)s[j]))
            j++;
        t.alen = j - t.a;
        if (t.alen == 0) {
            fail(p, j, "expected a field name after '['");
        } else if (j < p->len && s[j] == '(') {
            j++;
            t.b = j;
            while (j < p->len && (is_name_char((unsigned char)s[j]) || s[j] == '-' || s[j] == '.'))
                j++;
            t.blen = j - t.b;
            if (t.blen == 0)
                fail(p, j, "expected a checkbox code after '('");
            else if (j >= p->len || s[j] != ')')
                fail(p, j, "expected ')' after the checkbox code");
            else
                j++;
        }
        if (!p->failed && (j >= p->len || s[j] != ']'))
            fail(p, j, "expected ']'");
        j++;
    } else if (isalpha(c) || c == '_') {
        while (j < p->len && is_name_char((unsigned char)s[j]))
            j++;
        t.kind = T_NAME;
    } else if (c == '(') {
        t.kind = T_LPAREN;
    } else if (c == ')') {
        t.kind = T_RPAREN;
    } else if (c == ',') {
        t.kind = T_COMMA;
    } else {
        t.kind = T_OP;
        char d = j < p->len ? s[j] : '\0';
        switch (c) {
        case '+': t.op = N_ADD; break;
        case '-': t.op = N_SUB; break;
        case '*': t.op = N_MUL; break;
        case '/': t.op = N_DIV; break;
        case '^': t.op = N_POW; break;
        case '=': t.op = N_EQ; break;
        case '<':
            if (d == '>') { t.op = N_NE; j++; }
            else if (d == '=') { t.op = N_LE; j++; }
            else t.op = N_LT;
            break;
        case '>':
            if (d == '=') { t.op = N_GE; j++; }
            else t.op = N_GT;
            break;
        case '!':
            if (d == '=') { t.op = N_NE; j++; break; }
            /* fall through */
        default:
            if (c >= 0x80)
                fail(p, i, "unexpected character");
            else
                fail(p, i, "unexpected character '%c'", c);
            break;
        }
    }
    if (p->failed) {           /* after an error the input ends here */
        t.kind = T_END;
        j = p->len;
    }
    t.len = j - i;
    p->tok = t;
    p->next = j;
}

static int is_keyword(const parser *p, const char *kw)
{
    size_t n = strlen(kw);
    return p->tok.kind == T_NAME && p->tok.len == n && strncasecmp(p->src + p->tok.pos, kw, n) == 0;
}

static void unexpected(parser *p)
{
    if (p->tok.kind == T_END)
        fail(p, p->tok.pos, "unexpected end of expression");
    else if (p->tok.kind == T_NAME)
        fail(p, p->tok.pos, "unexpected '%.*s' (field names go in square brackets)",
             (int)p->tok.len, p->src + p->tok.pos);
    else
        fail(p, p->tok.pos, "unexpected '%.*s'", (int)p->tok.len, p->src + p->tok.pos);
}

/* Enters one more level of nesting; fails past MAX_DEPTH, so that deep
 * input is refused instead of overflowing the stack.  The caller leaves the
 * level with p->depth-- once it is parsed. */
static int deeper(parser *p, size_t pos)
{
    if (++p->depth <= MAX_DEPTH)
        return 1;
    fail(p, pos, "expression is nested too deeply");
    return 0;
}

static expr *node_new(nkind kind, size_t pos)
{
    expr *e = xcalloc(1, sizeof *e);
    e->kind = kind;
    e->pos = pos;
    e->col = -1;
    return e;
}

static void node_add(expr *e, expr *kid)
{
    e->kids = xrealloc(e->kids, (e->nkids + 1) * sizeof *e->kids);
    e->kids[e->nkids++] = kid;
    if (kid->height + 1 > e->height)
        e->height = kid->height + 1;
}

/* Refuses a node that makes the tree higher than MAX_HEIGHT (and frees it);
 * returns e otherwise. */
static expr *bounded(parser *p, expr *e)
{
    if (!e || e->height <= MAX_HEIGHT)
        return e;
    fail(p, e->pos, "expression is too long or nested too deeply (more than %d levels of "
         "operators and calls; write a long sum as sum(...))", MAX_HEIGHT);
    expr_free(e);
    return NULL;
}

static expr *binary(nkind kind, size_t pos, expr *l, expr *r)
{
    expr *e = node_new(kind, pos);
    node_add(e, l);
    node_add(e, r);
    return e;
}

void expr_free(expr *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->nkids; i++)
        expr_free(e->kids[i]);
    free(e->kids);
    free(e->str);
    free(e->code);
    free(e);
}

static expr *parse_or(parser *p);
static expr *parse_unary(parser *p);

static expr *parse_call(parser *p)
{
    token name = p->tok;
    const struct expr_func *fn = NULL;
    for (size_t i = 0; i < expr_nfuncs; i++)
        if (strlen(expr_funcs[i].name) == name.len &&
            strncasecmp(expr_funcs[i].name, p->src + name.pos, name.len) == 0)
            fn = &expr_funcs[i];
    if (!fn) {
        fail(p, name.pos, "unknown function '%.*s'", (int)name.len, p->src + name.pos);
        return NULL;
    }
    lex(p); /* the '(' */
    lex(p);
    expr *e = node_new(N_CALL, name.pos);
    e->fn = fn->id;
    if (p->tok.kind != T_RPAREN) {
        for (;;) {
            expr *arg = parse_or(p);
            if (!arg)
                goto bad;
            node_add(e, arg);
            if (p->tok.kind == T_COMMA) {
                lex(p);
                continue;
            }
            if (p->tok.kind == T_RPAREN)
                break;
            if (p->tok.kind == T_END)
                fail(p, p->tok.pos, "expected ')'");
            else
                fail(p, p->tok.pos, "expected ',' or ')' but found '%.*s'",
                     (int)p->tok.len, p->src + p->tok.pos);
            goto bad;
        }
    }
    if ((int)e->nkids < fn->minargs || (fn->maxargs >= 0 && (int)e->nkids > fn->maxargs)) {
        if (fn->minargs == fn->maxargs)
            fail(p, name.pos, "%s() takes %d argument%s, not %zu", fn->name, fn->minargs,
                 fn->minargs == 1 ? "" : "s", e->nkids);
        else if (fn->maxargs < 0)
            fail(p, name.pos, "%s() takes at least %d argument", fn->name, fn->minargs);
        else
            fail(p, name.pos, "%s() takes %d or %d arguments, not %zu", fn->name, fn->minargs,
                 fn->maxargs, e->nkids);
        goto bad;
    }
    lex(p); /* past ')' */
    return bounded(p, e);
bad:
    expr_free(e);
    return NULL;
}

static expr *parse_primary(parser *p)
{
    token t = p->tok;
    expr *e = NULL;
    switch (t.kind) {
    case T_NUM: {
        char buf[64];
        if (t.len >= sizeof buf) {
            fail(p, t.pos, "number is too long");
            return NULL;
        }
        memcpy(buf, p->src + t.pos, t.len);
        buf[t.len] = '\0';
        e = node_new(N_NUM, t.pos);
        if (!parse_double(buf, &e->num)) {
            expr_free(e);
            fail(p, t.pos, "'%s' is not a number", buf);
            return NULL;
        }
        lex(p);
        return e;
    }
    case T_STR:
        e = node_new(N_STR, t.pos);
        e->str = xstrndup(p->src + t.a, t.alen);
        lex(p);
        return e;
    case T_REF:
        e = node_new(N_REF, t.pos);
        e->str = xstrndup(p->src + t.a, t.alen);
        if (t.blen)
            e->code = xstrndup(p->src + t.b, t.blen);
        lex(p);
        return e;
    case T_NAME:
        if (p->next < p->len) {
            size_t k = p->next;
            while (k < p->len && isspace((unsigned char)p->src[k]))
                k++;
            if (k < p->len && p->src[k] == '(')
                return parse_call(p);
        }
        unexpected(p);
        return NULL;
    case T_LPAREN:
        lex(p);
        e = parse_or(p);
        if (!e)
            return NULL;
        if (p->tok.kind != T_RPAREN) {
            fail(p, p->tok.pos, "expected ')'");
            expr_free(e);
            return NULL;
        }
        lex(p);
        return e;
    default:
        unexpected(p);
        return NULL;
    }
}

static expr *parse_pow(parser *p)
{
    expr *l = parse_primary(p);
    if (!l || p->tok.kind != T_OP || p->tok.op != N_POW)
        return l;
    size_t pos = p->tok.pos;
    if (!deeper(p, pos)) {      /* ^ groups right to left, by recursion */
        expr_free(l);
        return NULL;
    }
    lex(p);
    expr *r = parse_unary(p);
    p->depth--;
    if (!r) {
        expr_free(l);
        return NULL;
    }
    return bounded(p, binary(N_POW, pos, l, r));
}

static expr *parse_unary(parser *p)
{
    if (p->tok.kind == T_OP && (p->tok.op == N_SUB || p->tok.op == N_ADD)) {
        token t = p->tok;
        if (!deeper(p, t.pos))
            return NULL;
        lex(p);
        expr *x = parse_unary(p);
        p->depth--;
        if (!x || t.op == N_ADD)
            return x;
        expr *e = node_new(N_NEG, t.pos);
        node_add(e, x);
        return bounded(p, e);
    }
    return parse_pow(p);
}

/* The binary operator at the current token when it lies in [lo, hi], or
 * -1; the words "and" and "or" are the operators N_AND and N_OR. */
static int chain_op(const parser *p, nkind lo, nkind hi)
{
    nkind op;
    if (p->tok.kind == T_OP)
        op = p->tok.op;
    else if (is_keyword(p, "and"))
        op = N_AND;
    else if (is_keyword(p, "or"))
        op = N_OR;
    else
        return -1;
    return op >= lo && op <= hi ? (int)op : -1;
}

/* Left-associative chain of operators in [lo, hi] over sub-expressions. */
static expr *parse_chain(parser *p, expr *(*sub)(parser *), nkind lo, nkind hi)
{
    expr *l = sub(p);
    int op;
    while (l && (op = chain_op(p, lo, hi)) >= 0) {
        size_t pos = p->tok.pos;
        lex(p);
        expr *r = sub(p);
        if (!r) {
            expr_free(l);
            return NULL;
        }
        l = bounded(p, binary((nkind)op, pos, l, r));
    }
    return l;
}

static expr *parse_mul(parser *p)
{
    return parse_chain(p, parse_unary, N_MUL, N_DIV);
}

static expr *parse_add(parser *p)
{
    return parse_chain(p, parse_mul, N_ADD, N_SUB);
}

static expr *parse_cmp(parser *p)
{
    return parse_chain(p, parse_add, N_EQ, N_GE);
}

static expr *parse_not(parser *p)
{
    if (is_keyword(p, "not")) {
        size_t pos = p->tok.pos;
        if (!deeper(p, pos))
            return NULL;
        lex(p);
        expr *x = parse_not(p);
        p->depth--;
        if (!x)
            return NULL;
        expr *e = node_new(N_NOT, pos);
        node_add(e, x);
        return bounded(p, e);
    }
    return parse_cmp(p);
}

static expr *parse_and(parser *p)
{
    return parse_chain(p, parse_not, N_AND, N_AND);
}

static expr *parse_or(parser *p)
{
    if (!deeper(p, p->tok.pos))
        return NULL;
    expr *l = parse_chain(p, parse_and, N_OR, N_OR);
    p->depth--;
    return l;
}

at_status expr_parse(const char *src, expr **out, size_t *errpos, at_err *err)
{
    parser p = { .src = src, .len = strlen(src), .err = err };
    *out = NULL;
    lex(&p);
    expr *e = NULL;
    if (!p.failed && p.tok.kind == T_END)
        fail(&p, p.tok.pos, "expression is empty");
    if (!p.failed)
        e = parse_or(&p);
    if (e && !p.failed && p.tok.kind != T_END)
        unexpected(&p);
    if (p.failed) {
        expr_free(e);
        if (errpos)
            *errpos = char_pos(src, p.errpos);
        return AT_EINVAL;
    }
    *out = e;
    return AT_OK;
}
