/* expr.c: parsing REDCap expressions into a tree.
 *
 * Comments are skipped as REDCap skips them: '//' to the end of a line, and
 * lines starting with '#'.  The functions are REDCap's special functions
 * (expr_funcs below); a smart
 * variable ([event-name], [aggregate-sum:x], ...) or a reference into
 * another event or instance ([visit_1_arm_1][x], [x][2]) is refused with its
 * name, as attune evaluates one form's answers without the REDCap project
 * around them.
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
 * parsed by precedence climbing (parse_expr), so that each level of nesting
 * costs one call, not one per precedence level.  Binding, evaluation and
 * scale terms live in expr_eval.c. */
#include "expr_impl.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Parsing recurses once per level of nesting (parentheses, calls, unary
 * operators, not, ^ and operators of stronger binding on the right of
 * weaker ones), at most MAX_DEPTH levels; binding and freeing walk the
 * tree by recursion, so its height is bounded too: a chain of binary
 * operators such as 1 + 2 + ... grows it by one level per operator, up to
 * MAX_HEIGHT (evaluation keeps its own stack of that size).  At these
 * bounds everything fits in a 256 KB stack even under AddressSanitizer
 * (tests/unit/test_expr_stack.c checks it).  A long sum is written
 * sum(...), whose arguments are walked by a loop. */
#define MAX_DEPTH 64
#define MAX_HEIGHT EXPR_MAX_HEIGHT


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

/* The end of the bracketed name starting at i ('['): the offset of its ']'
 * or of the end of the input. */
static size_t bracket_end(const parser *p, size_t i)
{
    size_t j = i + 1;
    while (j < p->len && p->src[j] != ']' && p->src[j] != '[')
        j++;
    return j;
}

/* REDCap's smart variables ([event-name], [previous-event-name],
 * [aggregate-sum:x], [user-name], [x:label], ...) read the project around
 * a form: its events, records, users or labels.  attune evaluates one
 * form's answers, so they are refused by name. */
static void smart_variable(parser *p, size_t i)
{
    size_t j = bracket_end(p, i);
    fail(p, i, "'%.*s]' is a REDCap smart variable, which needs the REDCap project around "
         "the form (events, other records, users or labels); attune cannot evaluate it",
         (int)(j - i), p->src + i);
}

/* [event][field] and [field][instance] read another event or instance. */
static void other_event(parser *p, size_t i, size_t j)
{
    size_t k = bracket_end(p, j);
    fail(p, i, "'%.*s%.*s]' reads a field of another event or instance; attune evaluates "
         "one form's answers only", (int)(j - i), p->src + i, (int)(k - j), p->src + j);
}

/* Whether offset i begins its line, spaces aside. */
static int line_start(const parser *p, size_t i)
{
    while (i > 0 && (p->src[i - 1] == ' ' || p->src[i - 1] == '\t'))
        i--;
    return i == 0 || p->src[i - 1] == '\n' || p->src[i - 1] == '\r';
}

/* Skips spaces and comments from offset i, as REDCap allows them in logic:
 * '//' to the end of the line, and a line that starts with '#'. */
static size_t skip_blank(const parser *p, size_t i)
{
    for (;;) {
        while (i < p->len && isspace((unsigned char)p->src[i]))
            i++;
        int slashes = i + 1 < p->len && p->src[i] == '/' && p->src[i + 1] == '/';
        if (!slashes && !(i < p->len && p->src[i] == '#' && line_start(p, i)))
            return i;
        while (i < p->len && p->src[i] != '\n')
            i++;
    }
}

/* Reads the token at p->next into p->tok; once an error has been found,
 * the token is always T_END. */
static void lex(parser *p)
{
    const char *s = p->src;
    size_t i = skip_blank(p, p->next);
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
        if (j < p->len && (s[j] == '-' || s[j] == ':')) {
            smart_variable(p, i);
        } else if (t.alen == 0) {
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
        if (!p->failed && j < p->len && s[j] == '[')
            other_event(p, i, j);
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

/* The function named by the current token, NULL when there is none. */
static const struct expr_func *find_func(const parser *p)
{
    for (size_t i = 0; i < expr_nfuncs; i++)
        if (strlen(expr_funcs[i].name) == p->tok.len &&
            strncasecmp(expr_funcs[i].name, p->src + p->tok.pos, p->tok.len) == 0)
            return &expr_funcs[i];
    return NULL;
}

/* The parser recurses through parse_expr, parse_primary, parse_group and
 * parse_call; they keep few locals, so that each level of nesting takes
 * little stack even where the compiler gives every local its own guard
 * zone (AddressSanitizer). */
/* Reports what is wrong after an argument: neither ',' nor ')'. */
static void bad_after_arg(parser *p)
{
    if (p->tok.kind == T_END)
        fail(p, p->tok.pos, "expected ')'");
    else
        fail(p, p->tok.pos, "expected ',' or ')' but found '%.*s'", (int)p->tok.len,
             p->src + p->tok.pos);
}

/* Whether a call of fn may have n arguments; reports it when not. */
static int arity_ok(parser *p, const struct expr_func *fn, size_t pos, size_t n)
{
    if ((int)n >= fn->minargs && (fn->maxargs < 0 || (int)n <= fn->maxargs))
        return 1;
    if (fn->minargs == fn->maxargs)
        fail(p, pos, "%s() takes %d argument%s, not %zu", fn->name, fn->minargs,
             fn->minargs == 1 ? "" : "s", n);
    else if (fn->maxargs < 0)
        fail(p, pos, "%s() takes at least %d argument%s", fn->name, fn->minargs,
             fn->minargs == 1 ? "" : "s");
    else
        fail(p, pos, "%s() takes %d %s %d arguments, not %zu", fn->name, fn->minargs,
             fn->maxargs == fn->minargs + 1 ? "or" : "to", fn->maxargs, n);
    return 0;
}

/* datediff()'s unit, and its date format when given, written as text in the
 * expression, are checked here so that a typing slip is found at load time. */
static int datediff_literals(parser *p, const expr *e)
{
    const expr *unit = e->kids[2];
    if (unit->kind == N_STR && (strlen(unit->str) != 1 || !strchr("yMdhms", unit->str[0]))) {
        fail(p, unit->pos, "datediff() unit '%s' is not one of y, M, d, h, m, s", unit->str);
        return 0;
    }
    if (e->nkids >= 4 && e->kids[3]->kind == N_STR) {
        const char *f = e->kids[3]->str;
        int is_order = strcasecmp(f, "ymd") == 0 || strcasecmp(f, "mdy") == 0 ||
                       strcasecmp(f, "dmy") == 0;
        int is_bool = strcasecmp(f, "true") == 0 || strcasecmp(f, "false") == 0;
        if (!is_order && !(is_bool && e->nkids == 4)) {
            fail(p, e->kids[3]->pos, "datediff() date format '%s' is not ymd, mdy or dmy", f);
            return 0;
        }
    }
    return 1;
}

static expr *parse_call(parser *p)
{
    const struct expr_func *fn = find_func(p);
    if (!fn) {
        fail(p, p->tok.pos, "unknown function '%.*s'", (int)p->tok.len, p->src + p->tok.pos);
        return NULL;
    }
    expr *e = node_new(N_CALL, p->tok.pos);
    e->fn = fn->id;
    lex(p); /* the '(' */
    lex(p);
    if (p->tok.kind != T_RPAREN) {
        for (;;) {                     /* an argument, then ',' and another, or ')' */
            expr *arg = parse_or(p);
            if (!arg)
                goto bad;
            node_add(e, arg);
            if (p->tok.kind == T_RPAREN)
                break;
            if (p->tok.kind != T_COMMA) {
                bad_after_arg(p);
                goto bad;
            }
            lex(p);
        }
    }
    if (!arity_ok(p, fn, e->pos, e->nkids))
        goto bad;
    if (fn->id == F_DATEDIFF && !datediff_literals(p, e))
        goto bad;
    lex(p); /* past ')' */
    return bounded(p, e);
bad:
    expr_free(e);
    return NULL;
}

static expr *parse_number(parser *p)
{
    token t = p->tok;
    char buf[64];
    if (t.len >= sizeof buf) {
        fail(p, t.pos, "number is too long");
        return NULL;
    }
    memcpy(buf, p->src + t.pos, t.len);
    buf[t.len] = '\0';
    expr *e = node_new(N_NUM, t.pos);
    if (!util_parse_double(buf, &e->num)) {
        expr_free(e);
        fail(p, t.pos, "'%s' is not a number", buf);
        return NULL;
    }
    lex(p);
    return e;
}

/* A string or a reference [field] or [field(code)]. */
static expr *parse_text(parser *p)
{
    token t = p->tok;
    expr *e = node_new(t.kind == T_STR ? N_STR : N_REF, t.pos);
    e->str = xstrndup(p->src + t.a, t.alen);
    if (t.kind == T_REF && t.blen)
        e->code = xstrndup(p->src + t.b, t.blen);
    lex(p);
    return e;
}

/* Whether the name at the current token is followed by '(': a call. */
static int at_call(const parser *p)
{
    size_t k = skip_blank(p, p->next);
    return k < p->len && p->src[k] == '(';
}

static expr *parse_group(parser *p)
{
    lex(p);
    expr *e = parse_or(p);
    if (!e)
        return NULL;
    if (p->tok.kind != T_RPAREN) {
        fail(p, p->tok.pos, "expected ')'");
        expr_free(e);
        return NULL;
    }
    lex(p);
    return e;
}

static expr *parse_primary(parser *p)
{
    switch (p->tok.kind) {
    case T_NUM:
        return parse_number(p);
    case T_STR:
    case T_REF:
        return parse_text(p);
    case T_NAME:
        if (at_call(p))
            return parse_call(p);
        if (is_keyword(p, "true") || is_keyword(p, "false")) {   /* datediff's signed flag */
            expr *e = node_new(N_NUM, p->tok.pos);
            e->num = is_keyword(p, "true");
            lex(p);
            return e;
        }
        break;
    case T_LPAREN:
        return parse_group(p);
    default:
        break;
    }
    unexpected(p);
    return NULL;
}

/* Binding strength of the binary operator at the current token, 0 when it
 * is none; the words "and" and "or" are the operators N_AND and N_OR.
 * 'not' (3) and unary minus (7) are prefixes between these levels. */
enum { LV_OR = 1, LV_AND = 2, LV_NOT = 3, LV_CMP = 4, LV_ADD = 5, LV_MUL = 6, LV_UNARY = 7,
       LV_POW = 8 };

static int binary_level(const parser *p, nkind *op)
{
    *op = N_NUM;   /* no operator */
    if (p->tok.kind == T_OP)
        *op = p->tok.op;
    else if (is_keyword(p, "and"))
        *op = N_AND;
    else if (is_keyword(p, "or"))
        *op = N_OR;
    else
        return 0;
    switch (*op) {
    case N_OR: return LV_OR;
    case N_AND: return LV_AND;
    case N_ADD: case N_SUB: return LV_ADD;
    case N_MUL: case N_DIV: return LV_MUL;
    case N_POW: return LV_POW;
    default: return LV_CMP;     /* = <> != < <= > >= */
    }
}

/* An expression whose operators all bind at least as strongly as level
 * min, by precedence climbing: an operand (with its prefixes), then each
 * binary operator of level min or more with its right operand, which
 * binds one level more strongly (left to right), or, for ^, at the level
 * of a unary operand (right to left: 2^3^2 = 2^9).  Each call is one level
 * of nesting, counted against MAX_DEPTH. */
static expr *parse_expr(parser *p, int min)
{
    expr *l = NULL;
    if (!deeper(p, p->tok.pos))
        return NULL;
    if (min <= LV_NOT && is_keyword(p, "not")) {
        size_t pos = p->tok.pos;
        lex(p);
        expr *x = parse_expr(p, LV_NOT);      /* not not x; not [a] = 1 is not ([a] = 1) */
        if (x) {
            l = node_new(N_NOT, pos);
            node_add(l, x);
            l = bounded(p, l);
        }
    } else if (min <= LV_UNARY && p->tok.kind == T_OP &&
               (p->tok.op == N_SUB || p->tok.op == N_ADD)) {
        int neg = p->tok.op == N_SUB;
        size_t pos = p->tok.pos;
        lex(p);
        expr *x = parse_expr(p, LV_UNARY);    /* -2^2 is -(2^2) */
        if (x && neg) {
            l = node_new(N_NEG, pos);
            node_add(l, x);
            l = bounded(p, l);
        } else {
            l = x;
        }
    } else {
        l = parse_primary(p);
    }
    nkind op;
    int lv;
    while (l && (lv = binary_level(p, &op)) >= min) {
        size_t pos = p->tok.pos;
        lex(p);
        expr *r = parse_expr(p, op == N_POW ? LV_UNARY : lv + 1);
        if (!r) {
            expr_free(l);
            l = NULL;
            break;
        }
        l = bounded(p, binary(op, pos, l, r));
    }
    p->depth--;
    return l;
}

static expr *parse_or(parser *p)
{
    return parse_expr(p, LV_OR);
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
