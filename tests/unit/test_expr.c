/* Unit tests for the expression engine: a table of expressions evaluated
 * against one fixed answer set, a table of syntax errors with positions,
 * binding, and scale terms.  Every expected value was worked out by hand
 * from REDCap's rules (precedence ^, unary -, * /, + -, comparisons, not,
 * and, or; blanks as described in expr.h); the comment beside a case says
 * how when it is not obvious. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "expr.h"

/* The answer set every case is evaluated against. */
static const struct {
    const char *field, *code, *value;
} answers[] = {
    { "a", NULL, "3" },
    { "b", NULL, "4" },
    { "c", NULL, "-2.5" },
    { "z", NULL, NULL },          /* blank */
    { "e", NULL, "" },            /* blank too */
    { "t", NULL, "abc" },
    { "n", NULL, "007" },
    { "d", NULL, "2026-03-01" },
    { "kind", "1", "1" },         /* checkbox kind: option 1 ticked, */
    { "kind", "2", "0" },         /* option 2 not, */
    { "kind", "x", NULL },        /* option x blank (reads as 0) */
};
#define NANSWERS (sizeof answers / sizeof answers[0])

static long resolve(const char *field, const char *code, void *ctx)
{
    (void)ctx;
    for (size_t i = 0; i < NANSWERS; i++) {
        if (strcmp(answers[i].field, field) != 0)
            continue;
        if (!code && !answers[i].code)
            return (long)i;
        if (code && answers[i].code && strcasecmp(answers[i].code, code) == 0)
            return (long)i;
    }
    return -1;
}

static const char *vals[NANSWERS];

static int setup(void **state)
{
    (void)state;
    for (size_t i = 0; i < NANSWERS; i++)
        vals[i] = answers[i].value;
    return 0;
}

static expr *compile(const char *src)
{
    expr *e = NULL;
    size_t pos = 0;
    at_err err;
    if (expr_parse(src, &e, &pos, &err) != AT_OK)
        fail_msg("'%s' did not parse: %s", src, err.msg);
    if (expr_bind(e, resolve, NULL, &err) != AT_OK)
        fail_msg("'%s' did not bind: %s", src, err.msg);
    return e;
}

/* kind: 'B' blank, 'N' number, 'S' string; want: xval_format of the result */
static const struct {
    const char *src;
    char kind;
    const char *want;
} cases[] = {
    /* precedence and associativity */
    { "1 + 2 * 3", 'N', "7" },
    { "(1 + 2) * 3", 'N', "9" },
    { "10 - 4 - 3", 'N', "3" },            /* left to right: (10-4)-3 */
    { "12 / 4 / 3", 'N', "1" },            /* (12/4)/3 */
    { "7 / 2", 'N', "3.5" },
    { "2 ^ 3 ^ 2", 'N', "512" },           /* right to left: 2^(3^2) = 2^9 */
    { "-2 ^ 2", 'N', "-4" },               /* ^ binds tighter than unary minus: -(2^2) */
    { "2 ^ -1", 'N', "0.5" },
    { "2 * (3 + 4) ^ 2", 'N', "98" },      /* 2 * 49 */
    { "2 ^ 3 * 4", 'N', "32" },            /* operators after a power: (2^3) * 4 */
    { "1 + 2 ^ 2 * 3 - 1", 'N', "12" },    /* 1 + (4 * 3) - 1 */
    { "-2 ^ 2 + 5", 'N', "1" },            /* -(2^2) + 5 */
    { "2 ^ 3 = 8 and not 1 > 2 or 0", 'N', "1" },  /* ((2^3 = 8) and not (1 > 2)) or 0 */
    { "not not 1 = 1", 'N', "1" },
    { "1 - 2 - 3", 'N', "-4" },            /* left to right */
    { "12 / 2 / 3", 'N', "2" },
    { "- - 3", 'N', "3" },
    { ".5 + .25", 'N', "0.75" },
    { "1 + 2 = 3", 'N', "1" },             /* comparison looser than +: (1+2) = 3 */
    { "3 > 2 and 2 > 3", 'N', "0" },
    { "1 = 1 or 1 = 2 and 1 = 3", 'N', "1" },   /* and first: true or (false and false) */
    { "(1 = 1 or 1 = 2) and 1 = 3", 'N', "0" },
    { "not 1 = 2", 'N', "1" },             /* not looser than =: not (1 = 2) */
    { "not [a] = 3 and [b] = 4", 'N', "0" },    /* (not (3 = 3)) and (4 = 4) = false and true */
    { "NOT [a] = 4 AnD [b] = 4", 'N', "1" },    /* keywords in any case */
    /* references and arithmetic */
    { "[a] * [b]", 'N', "12" },
    { "[c] * 2", 'N', "-5" },
    { "[n] + 1", 'N', "8" },               /* "007" is the number 7 */
    { "[a] - [b] * [c]", 'N', "13" },      /* 3 - (4 * -2.5) = 3 + 10 */
    { "1 / 0", 'B', "" },                  /* division by zero is blank */
    { "sqrt(-1)", 'B', "" },
    /* blanks */
    { "[a] + [z]", 'B', "" },              /* arithmetic on a blank is blank */
    { "[e] * 2", 'B', "" },                /* "" is blank */
    { "-[z]", 'B', "" },
    { "[t] + 1", 'B', "" },                /* text is not a number */
    { "[z] = ''", 'N', "1" },
    { "[e] = \"\"", 'N', "1" },
    { "[a] = ''", 'N', "0" },
    { "[z] <> ''", 'N', "0" },
    { "[z] = 0", 'N', "0" },               /* blank is not 0 */
    { "[z] != 0", 'N', "1" },
    { "[z] > 1", 'B', "" },                /* ordering with a blank is blank */
    { "[z] <= 1", 'B', "" },
    { "if([z] > 1, 'yes', 'no')", 'S', "no" },  /* a blank condition is false */
    { "not [z] > 1", 'N', "1" },           /* not (blank) = not false */
    { "[z] > 1 or [a] = 3", 'N', "1" },
    { "sum([a], [z], [b])", 'N', "7" },    /* blanks skipped: 3 + 4 */
    { "mean([a], [z], [b])", 'N', "3.5" }, /* (3 + 4) / 2, not / 3 */
    { "min([a], [z], [c])", 'N', "-2.5" },
    { "max([a], [e], [b])", 'N', "4" },
    { "max([z], [e])", 'B', "" },          /* every argument blank */
    { "sum([z])", 'B', "" },
    { "mean([a], [t])", 'N', "3" },        /* text skipped like a blank */
    /* strings */
    { "[t] = 'abc'", 'N', "1" },
    { "[t] = \"abc\"", 'N', "1" },
    { "[t] = 'ABC'", 'N', "0" },           /* case matters */
    { "[n] = 7", 'N', "1" },               /* both numbers: 7 = 7 */
    { "[n] = '7'", 'N', "1" },
    { "[a] = '3.0'", 'N', "1" },
    { "'10' < '9'", 'N', "0" },            /* both numbers, so 10 < 9 is false */
    { "'b' > 'a10'", 'N', "1" },           /* text order */
    { "'abc' < 'abd'", 'N', "1" },
    { "[d] = '2026-03-01'", 'N', "1" },
    { "[d] > '2026-02-28'", 'N', "1" },    /* ISO dates order as text */
    { "if([a] = 3, 'three', 'other')", 'S', "three" },
    { "if([t], 1, 2)", 'N', "2" },         /* 'abc' is not true */
    /* checkbox options */
    { "[kind(1)] = '1'", 'N', "1" },
    { "[kind(2)] = '1'", 'N', "0" },
    { "[kind(2)] = 0", 'N', "1" },
    { "[kind(x)] = 0", 'N', "1" },         /* an unticked (blank) option reads as 0 */
    { "[kind(X)] = '0'", 'N', "1" },       /* codes match in any case */
    { "[kind(x)] = ''", 'N', "0" },
    { "[kind(1)] + [kind(2)] + [kind(x)]", 'N', "1" },
    /* functions */
    { "abs(-3)", 'N', "3" },
    { "ABS([c])", 'N', "2.5" },
    { "abs([z])", 'B', "" },
    { "sqrt(16)", 'N', "4" },
    { "if(1, 2, 3)", 'N', "2" },
    { "IF(0, 2, 3)", 'N', "3" },
    { "if([a] > 2, [a] * 10, [z])", 'N', "30" },
    { "max(1, 5, 3)", 'N', "5" },
    { "mean(1, 2)", 'N', "1.5" },
    { "sum([a], [b]) / 2", 'N', "3.5" },
    { "round(2.5)", 'N', "3" },            /* half away from zero, as PHP's round */
    { "round(-2.5)", 'N', "-3" },
    { "round(2.4)", 'N', "2" },
    { "round(2.675, 2)", 'N', "2.68" },    /* the double nearest 2.675 is 2.67499999..., a person expects 2.68 */
    { "round(1.005, 2)", 'N', "1.01" },    /* same: 1.00499999... */
    { "round(1234.5678, -2)", 'N', "1200" },
    { "round(1 / 3, 4)", 'N', "0.3333" },
    { "roundup(1.21, 1)", 'N', "1.3" },
    { "roundup(2.3, 1)", 'N', "2.3" },     /* 2.3 * 10 is 23.000000000000004 in doubles: still 23 */
    { "roundup(1.1)", 'N', "2" },
    { "roundup(-1.25, 1)", 'N', "-1.2" },  /* up = towards +infinity */
    { "rounddown(1.29, 1)", 'N', "1.2" },
    { "rounddown(-1.21, 1)", 'N', "-1.3" },/* down = towards -infinity */
    { "rounddown(7)", 'N', "7" },
    { "round([z], 2)", 'B', "" },
    { "0.1 + 0.2", 'N', "0.3" },           /* written with 15 significant digits */
    { "2 / 3", 'N', "0.666666666666667" },
    { "0 * -1", 'N', "0" },                /* no "-0" */
};

static void test_eval_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        expr *e = compile(cases[i].src);
        xval v = expr_eval(e, vals);
        char buf[64];
        const char *got = xval_format(v, buf);
        char kind = v.kind == XV_BLANK ? 'B' : v.kind == XV_NUM ? 'N' : 'S';
        if (kind != cases[i].kind || strcmp(got, cases[i].want) != 0)
            fail_msg("'%s': got %c '%s', want %c '%s'", cases[i].src, kind, got,
                     cases[i].kind, cases[i].want);
        expr_free(e);
    }
}

/* Syntax errors: the message and the 1-based character position. */
static const struct {
    const char *src;
    size_t pos;
    const char *msg;
} errors[] = {
    { "([a] + 1", 9, "expected ')' at position 9" },
    { "[a] + ", 7, "unexpected end of expression at position 7" },
    { "1 +* 2", 4, "unexpected '*' at position 4" },
    { "foo(1)", 1, "unknown function 'foo' at position 1" },
    { "1 + if(1, 2)", 5, "if() takes 3 arguments, not 2 at position 5" },
    { "round(1, 2, 3)", 1, "round() takes 1 or 2 arguments, not 3 at position 1" },
    { "sum()", 1, "sum() takes at least 1 argument at position 1" },
    { "[a] = 'abc", 7, "string is not closed at position 7" },
    { "[a", 3, "expected ']' at position 3" },
    { "[] = 1", 2, "expected a field name after '[' at position 2" },
    { "[kind(] = 1", 7, "expected a checkbox code after '(' at position 7" },
    { "[kind(1] = 1", 8, "expected ')' after the checkbox code at position 8" },
    { "[a] & [b]", 5, "unexpected character '&' at position 5" },
    { "[a] = 1 [b]", 9, "unexpected '[b]' at position 9" },
    { "sum(1 2)", 7, "expected ',' or ')' but found '2' at position 7" },
    { "yes = 1", 1, "unexpected 'yes' (field names go in square brackets) at position 1" },
    { "", 1, "expression is empty at position 1" },
    { "   ", 4, "expression is empty at position 4" },
    { "[a] = 1 and", 12, "unexpected end of expression at position 12" },
    { "[a] == 1", 6, "unexpected '=' at position 6" },
    /* positions count characters, not bytes: 'é' is two bytes */
    { "'é' = [a", 9, "expected ']' at position 9" },
};

static void test_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
        expr *e = NULL;
        size_t pos = 0;
        at_err err;
        at_status st = expr_parse(errors[i].src, &e, &pos, &err);
        if (st != AT_EINVAL)
            fail_msg("'%s' parsed", errors[i].src);
        assert_null(e);
        if (pos != errors[i].pos || strcmp(err.msg, errors[i].msg) != 0)
            fail_msg("'%s': got %zu '%s', want %zu '%s'", errors[i].src, pos, err.msg,
                     errors[i].pos, errors[i].msg);
    }
}

/* "1" followed by n copies of unit, parsed: the status, the error (cleared
 * when it parses) and the value when it parses. */
static at_status parse_repeated(const char *unit, int n, at_err *err, char *value)
{
    size_t ul = strlen(unit);
    char *src = xmalloc(2 + (size_t)n * ul);
    size_t k = 0;
    src[k++] = '1';
    for (int i = 0; i < n; i++, k += ul)
        memcpy(src + k, unit, ul);
    src[k] = '\0';
    expr *e = NULL;
    at_status st = expr_parse(src, &e, NULL, err);
    if (st == AT_OK)
        at_err_clear(err);
    value[0] = '\0';
    if (st == AT_OK)
        xval_format(expr_eval(e, vals), value);
    expr_free(e);
    free(src);
    return st;
}

static void test_nesting_limit(void **state)
{
    (void)state;
    /* 63 levels of parentheses parse (64 with the whole expression); 64
     * and 1000 are refused, not a stack overflow */
    char src[2100];
    for (int depth = 63; depth <= 1000; depth += depth == 63 ? 1 : 936) {
        size_t k = 0;
        for (int i = 0; i < depth; i++)
            src[k++] = '(';
        src[k++] = '1';
        for (int i = 0; i < depth; i++)
            src[k++] = ')';
        src[k] = '\0';
        expr *e = NULL;
        at_err err;
        at_status st = expr_parse(src, &e, NULL, &err);
        if (depth == 63) {
            assert_int_equal(st, AT_OK);
            assert_string_equal(xval_format(expr_eval(e, vals), (char[64]){ 0 }), "1");
        } else {
            assert_int_equal(st, AT_EINVAL);
            assert_non_null(strstr(err.msg, "nested too deeply"));
        }
        expr_free(e);
    }

    at_err perr;
    char value[64];
    /* ^ nests to the right: 1^1^1^...: 63 levels are fine, 64 too deep */
    assert_int_equal(parse_repeated("^1", 63, &perr, value), AT_OK);
    assert_string_equal(value, "1");
    assert_int_equal(parse_repeated("^1", 64, &perr, value), AT_EINVAL);
    assert_non_null(strstr(perr.msg, "nested too deeply"));
    /* a chain of + is a tree one level higher per operator, walked by
     * recursion: 1 + 1 + ... with 100 operators is 101; one more is
     * refused, and so is a chain of 100000, instead of a stack overflow */
    assert_int_equal(parse_repeated(" + 1", 100, &perr, value), AT_OK);
    assert_string_equal(value, "101");
    assert_int_equal(parse_repeated(" + 1", 101, &perr, value), AT_EINVAL);
    assert_string_equal(perr.msg, "expression is too long or nested too deeply (more than 100 "
                                  "levels of operators and calls; write a long sum as sum(...)) "
                                  "at position 403");
    assert_int_equal(parse_repeated("*1", 100000, &perr, value), AT_EINVAL);
    assert_non_null(strstr(perr.msg, "too long"));
    assert_int_equal(parse_repeated(" or 1", 100000, &perr, value), AT_EINVAL);
    assert_non_null(strstr(perr.msg, "too long"));
    /* the same terms as arguments of sum() are one level, however many */
    sbuf sb = SBUF_INIT;
    sbuf_adds(&sb, "sum(1");
    for (int i = 0; i < 5000; i++)
        sbuf_adds(&sb, ", 1");
    sbuf_adds(&sb, ")");
    expr *e = NULL;
    assert_int_equal(expr_parse(sb.buf, &e, NULL, &perr), AT_OK);
    assert_string_equal(xval_format(expr_eval(e, vals), value), "5001");
    expr_free(e);
    sbuf_release(&sb);
}

static void test_bind(void **state)
{
    (void)state;
    expr *e = NULL;
    at_err err;
    assert_int_equal(expr_parse("[a] = 1 and [sesion] > 2", &e, NULL, &err), AT_OK);
    assert_int_equal(expr_bind(e, resolve, NULL, &err), AT_EINVAL);
    assert_string_equal(err.msg, "unknown field 'sesion'");
    expr_free(e);
    assert_int_equal(expr_parse("[kind(9)] = 1", &e, NULL, &err), AT_OK);
    assert_int_equal(expr_bind(e, resolve, NULL, &err), AT_EINVAL);
    assert_string_equal(err.msg, "unknown field 'kind(9)'");
    expr_free(e);
}

static void add_col(long col, void *ctx)
{
    sbuf *sb = ctx;
    sbuf_addf(sb, "%ld,", col);
}

static void test_each_ref(void **state)
{
    (void)state;
    expr *e = compile("[a] + if([kind(2)] = 1, [b], [a])");
    sbuf sb = SBUF_INIT;
    expr_each_ref(e, add_col, &sb);
    /* a = column 0, kind(2) = 9, b = 1, a again */
    assert_string_equal(sbuf_str(&sb), "0,9,1,0,");
    sbuf_release(&sb);
    expr_free(e);
}

static void test_scale_terms(void **state)
{
    (void)state;
    static const struct {
        const char *src;
        size_t n;
        int mean;
        const char *term_values;   /* each term evaluated, joined by '|' */
    } scales[] = {
        { "sum([a], [b], (6 - [c]))", 3, 0, "3|4|8.5" },   /* 6 - -2.5 = 8.5 */
        { "MEAN([a], [b])", 2, 1, "3|4" },
        { "[a] + [b] + (6 - [c])", 3, 0, "3|4|8.5" },
        { "[a] + [z]", 2, 0, "3|" },
        { "sum([a])", 1, 0, "3" },
        { "([a] + [b]) / 2", 0, 0, "" },
        { "sum([a], 1)", 0, 0, "" },                        /* a constant is not an item */
        { "[a]", 0, 0, "" },
        { "[a] - [b]", 0, 0, "" },
        { "if([a] = 1, sum([a], [b]), 0)", 0, 0, "" },
        /* a term is one item's score: a term over two fields is not an item */
        { "sum([a], [b]) + [c]", 0, 0, "" },
        { "[a] * [b] + [c]", 0, 0, "" },
        { "mean([a] + [b], [c])", 0, 0, "" },
        { "[a] * [a] + sqrt(abs([b]))", 2, 0, "9|2" },       /* one field used twice */
    };
    for (size_t i = 0; i < sizeof scales / sizeof scales[0]; i++) {
        expr *e = compile(scales[i].src);
        const expr **terms = (const expr **)&e;   /* must be replaced */
        int mean = -1;
        size_t n = expr_scale_terms(e, &terms, &mean);
        if (n != scales[i].n)
            fail_msg("'%s': %zu terms, want %zu", scales[i].src, n, scales[i].n);
        sbuf sb = SBUF_INIT;
        for (size_t k = 0; k < n; k++) {
            char buf[64];
            sbuf_addf(&sb, "%s%s", k ? "|" : "", xval_format(expr_eval(terms[k], vals), buf));
        }
        assert_string_equal(sbuf_str(&sb), scales[i].term_values);
        if (n) {
            assert_int_equal(mean, scales[i].mean);
        } else {
            assert_null(terms);
        }
        free(terms);
        sbuf_release(&sb);
        expr_free(e);
    }
}

static void test_truthy_and_format(void **state)
{
    (void)state;
    xval v = { XV_STR, 0, "TRUE" };
    assert_true(xval_truthy(v));
    v.str = "0";
    assert_false(xval_truthy(v));
    v.str = "0.5";
    assert_true(xval_truthy(v));
    v.str = "yes";
    assert_false(xval_truthy(v));
    v.kind = XV_BLANK;
    assert_false(xval_truthy(v));
    v.kind = XV_NUM;
    v.num = -1;
    assert_true(xval_truthy(v));
    char buf[64];
    v.num = 1e20;
    assert_string_equal(xval_format(v, buf), "1e+20");
    v.num = 12.5;
    assert_string_equal(xval_format(v, buf), "12.5");
    v.kind = XV_BLANK;
    assert_string_equal(xval_format(v, buf), "");
    /* xval_number: numbers, and text that is a plain decimal number */
    static const struct {
        const char *text;
        int ok;
        double want;
    } nums[] = {
        { "2.5", 1, 2.5 }, { " -3 ", 1, -3 }, { "1e3", 1, 1000 }, { "007", 1, 7 },
        { ".5", 1, 0.5 },  { "", 0, 0 },      { "0x10", 0, 0 },   { "inf", 0, 0 },
        { "nan", 0, 0 },   { "1e", 0, 0 },    { "3 4", 0, 0 },    { "abc", 0, 0 },
    };
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        xval t = { XV_STR, 0, nums[i].text };
        double x = -1;
        int ok = xval_number(t, &x);
        if (ok != nums[i].ok || (ok && x != nums[i].want))
            fail_msg("xval_number('%s') = %d (%g)", nums[i].text, ok, x);
    }
    /* short answers take a quicker way than strtod: the value must be the
     * one strtod gives, to the last bit (strtod, correctly rounded, is the
     * reference), on both sides of the 15-digit limit and with exponents */
    static const char *const same[] = {
        "0", "-0", "+0", "0.1", "-0.3", "2.675", "4.66666666666667", "123456789012345",
        "1234567890123456", "0.000000000000001", "99999999999999.9", "999999999999999.9",
        "5.", "-.25", " 1.10 ", "3.14159265358979", "1e-7", "12.5E2", "0.30000000000000004",
        "000000000000000000012", "9007199254740993", "1.7976931348623157e308",
    };
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        double got = -1;
        double want = strtod(same[i], NULL);
        assert_true(xval_number((xval){ XV_STR, 0, same[i] }, &got));
        if (memcmp(&got, &want, sizeof got) != 0)
            fail_msg("xval_number('%s') = %.17g, strtod gives %.17g", same[i], got, want);
    }
    double x = 0;
    assert_true(xval_number((xval){ XV_NUM, -4.25, NULL }, &x) && x == -4.25);
    assert_false(xval_number((xval){ XV_BLANK, 0, NULL }, &x));

    /* an answer "1e3" is a number; "0x10", "inf" and "nan" are not */
    const char *hex[] = { "0x10", "inf", "nan", "1e3" };
    expr *e = compile("[a] + 0");
    for (int i = 0; i < 4; i++) {
        const char *one[1] = { hex[i] };
        xval r = expr_eval(e, one);
        assert_int_equal(r.kind, i == 3 ? XV_NUM : XV_BLANK);
    }
    expr_free(e);
}

/* The same tree gives the right answer for many answer sets in a row. */
static void test_reuse(void **state)
{
    (void)state;
    expr *e = compile("if([a] > 2, mean([a], [b]), [a] - [b])");
    const char *set[NANSWERS] = { 0 };
    char a[16], b[16];
    for (int i = 0; i < 5; i++) {
        snprintf(a, sizeof a, "%d", i);
        snprintf(b, sizeof b, "%d", 10 * i);
        set[0] = a;
        set[1] = b;
        double want = i > 2 ? (i + 10.0 * i) / 2 : i - 10.0 * i;
        xval r = expr_eval(e, set);
        assert_int_equal(r.kind, XV_NUM);
        assert_true(fabs(r.num - want) < 1e-12);
    }
    expr_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_eval_table, setup),
        cmocka_unit_test(test_errors),
        cmocka_unit_test_setup(test_nesting_limit, setup),
        cmocka_unit_test(test_bind),
        cmocka_unit_test_setup(test_each_ref, setup),
        cmocka_unit_test_setup(test_scale_terms, setup),
        cmocka_unit_test_setup(test_truthy_and_format, setup),
        cmocka_unit_test(test_reuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
