/* Unit tests for REDCap's special functions beyond the arithmetic ones:
 * statistics, logarithms, type tests, datediff and the date parts, the text
 * functions, their blank rules and bad arguments, and what is refused at
 * load time (smart variables, other events, a wrong datediff unit).
 * Expected values were worked out by hand; where arithmetic is involved the
 * comment gives it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"

static const struct {
    const char *field, *value;
} answers[] = {
    { "a", "3" },
    { "b", "4" },
    { "z", NULL },                    /* blank */
    { "dob", "1990-07-15" },
    { "visit", "2026-03-01 14:30" },
    { "t", "  Rupture and Repair  " },
    { "name", "Chloé" },
};
#define NANSWERS (sizeof answers / sizeof answers[0])

static const char *vals[NANSWERS];

static long resolve(const char *field, const char *code, void *ctx)
{
    (void)ctx;
    if (code)
        return -1;
    for (size_t i = 0; i < NANSWERS; i++)
        if (strcmp(answers[i].field, field) == 0)
            return (long)i;
    return -1;
}

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

/* kind: 'B' blank, 'N' number, 'S' text; want: xval_format of the result */
static const struct {
    const char *src;
    char kind;
    const char *want;
} cases[] = {
    /* statistics: blanks and text are skipped, as by sum */
    { "median(5, 1, 3)", 'N', "3" },
    { "median(4, 1, 3, 2)", 'N', "2.5" },             /* (2 + 3) / 2 */
    { "median([z], 'x', 7)", 'N', "7" },
    { "median([z])", 'B', "" },
    { "stdev(2, 4, 4, 4, 5, 5, 7, 9)", 'N', "2.1380899352994" },  /* sqrt(32 / 7) */
    { "stdev(1, [z], 3)", 'N', "1.4142135623731" },  /* sqrt(2) */
    { "stdev(3)", 'B', "" },                          /* one number: no sample SD */
    { "stdev([z], 'x')", 'B', "" },
    /* logarithms */
    { "log(100, 10)", 'N', "2" },
    { "log(8, 2)", 'N', "3" },
    { "log(exponential(2))", 'N', "2" },
    { "exponential(0)", 'N', "1" },
    { "log(0)", 'B', "" },
    { "log(-1)", 'B', "" },
    { "log(10, 1)", 'B', "" },                         /* no base 1 */
    { "log(8, 'x')", 'B', "" },
    { "log([z])", 'B', "" },
    { "exponential([z])", 'B', "" },
    /* type tests: always 0 or 1 */
    { "isnumber('12.5')", 'N', "1" },
    { "isnumber([a])", 'N', "1" },
    { "isnumber('abc')", 'N', "0" },
    { "isnumber([z])", 'N', "0" },
    { "isinteger('12')", 'N', "1" },
    { "isinteger(' -3 ')", 'N', "1" },
    { "isinteger('12.5')", 'N', "0" },
    { "isinteger('1.0')", 'N', "0" },                  /* written with a point */
    { "isinteger(8 / 2)", 'N', "1" },
    { "isinteger(7 / 2)", 'N', "0" },
    { "isinteger('abc')", 'N', "0" },
    { "isinteger([z])", 'N', "0" },
    { "isblankormissingcode([z])", 'N', "1" },
    { "isblankormissingcode('')", 'N', "1" },
    { "isblankormissingcode([a])", 'N', "0" },
    /* datediff: d2 - d1, absolute unless signed; years of 365.2425 days,
     * months of 30.44 */
    { "datediff('2020-01-01', '2021-01-01', 'y')", 'N', "1.00207396455779" },  /* 366 days */
    { "datediff('2021-01-01', '2020-01-01', 'd')", 'N', "366" },
    { "datediff('2021-01-01', '2020-01-01', 'd', true)", 'N', "-366" },
    { "datediff('2021-01-01', '2020-01-01', 'd', 'ymd', true)", 'N', "-366" },
    { "datediff('2020-01-02', '2020-01-01', 'd', false)", 'N', "1" },
    { "datediff('2020-01-01', '2020-03-01', 'M')", 'N', "1.97109067017083" },  /* 60 / 30.44 */
    { "datediff('2020-01-01', '2020-01-01 12:00', 'h')", 'N', "12" },
    { "datediff('2020-01-01 00:00:00', '2020-01-01 00:00:30', 's')", 'N', "30" },
    { "datediff('10:00', '11:30', 'm')", 'N', "90" },
    { "datediff('01-31-2020', '03-01-2020', 'd', 'mdy')", 'N', "30" },  /* leap year */
    { "datediff('31-01-2020', '01-03-2020', 'd', 'dmy', true)", 'N', "30" },
    { "datediff('2020/01/31', '01-03-2020', 'd', 'dmy')", 'N', "30" },    /* Y-M-D always read */
    { "datediff([dob], [visit], 'y') > 35", 'N', "1" },
    { "rounddown(datediff([dob], '2026-07-14', 'y'))", 'N', "35" },      /* a day short of 36 */
    { "rounddown(datediff([dob], '2026-07-15', 'y'))", 'N', "36" },      /* 13149 days */
    { "datediff([dob], [visit], 'd') = datediff([visit], [dob], 'd')", 'N', "1" },
    { "datediff('today', 'today', 'd')", 'N', "0" },
    { "datediff('now', 'now', 'h') < 0.01", 'N', "1" },
    { "datediff([z], '2020-01-01', 'd')", 'B', "" },
    { "datediff('2020-02-30', '2020-03-01', 'd')", 'B', "" },  /* no such day */
    { "datediff('2020-01-01', 'soon', 'd')", 'B', "" },
    { "datediff('2020-01-01', '2020-01-02 25:00', 'd')", 'B', "" },
    { "datediff('2020-01-01', '2020-01-02', [a])", 'B', "" },  /* '3' is no unit */
    { "datediff('2020-01-01', '2020-01-02', 'd', [a], true)", 'B', "" },  /* nor a format */
    /* date parts */
    { "year([dob])", 'N', "1990" },
    { "month([dob])", 'N', "7" },
    { "day([visit])", 'N', "1" },
    { "year('2026-02-30')", 'B', "" },
    { "month('March')", 'B', "" },
    { "day([z])", 'B', "" },
    /* text tests: ASCII case ignored */
    { "contains([t], 'REPAIR')", 'N', "1" },
    { "contains([t], 'ruptured')", 'N', "0" },
    { "contains([t], '')", 'N', "0" },
    { "contains([z], 'a')", 'N', "0" },
    { "not_contain([t], 'xyz')", 'N', "1" },
    { "not_contain([t], 'and')", 'N', "0" },
    { "starts_with('abcdef', 'ABC')", 'N', "1" },
    { "starts_with('ab', 'abc')", 'N', "0" },
    { "ends_with('abcdef', 'DEF')", 'N', "1" },
    { "ends_with('abcdef', 'abc')", 'N', "0" },
    /* cutting text, counted in characters */
    { "left('abcdef', 2)", 'S', "ab" },
    { "left('abc', 10)", 'S', "abc" },
    { "left('abc', 0)", 'B', "" },
    { "left('abc', 'x')", 'B', "" },
    { "left([name], 5)", 'S', "Chloé" },
    { "left([name], 4)", 'S', "Chlo" },
    { "right('abcdef', 2)", 'S', "ef" },
    { "right([name], 1)", 'S', "é" },
    { "right('ab', 5)", 'S', "ab" },
    { "mid('abcdef', 2, 3)", 'S', "bcd" },
    { "mid('abcdef', 0, 2)", 'S', "a" },             /* position 0 is before the text */
    { "mid('abcdef', -3, 2)", 'B', "" },
    { "mid('abcdef', 7, 2)", 'B', "" },
    { "mid('abcdef', 'x', 2)", 'B', "" },
    { "mid([a], 1, 1)", 'S', "3" },                  /* a number is its text */
    { "length([name])", 'N', "5" },
    { "length([z])", 'N', "0" },
    { "length(12.50)", 'N', "4" },                   /* written 12.5 */
    { "find('b', 'abc')", 'N', "2" },
    { "find('B', 'abc')", 'N', "2" },
    { "find('z', 'abc')", 'N', "0" },
    { "find('', 'abc')", 'N', "0" },
    { "find('o', [name])", 'N', "4" },
    { "find('e', 'éte')", 'N', "3" },                /* characters, not bytes */
    { "replace_text('a-b-c', '-', ' + ')", 'S', "a + b + c" },
    { "replace_text('aaa', 'a', '')", 'B', "" },
    { "replace_text('abc', '', 'x')", 'S', "abc" },
    { "replace_text('ABC', 'b', 'x')", 'S', "ABC" },   /* exact case */
    { "replace_text([z], 'a', 'b')", 'B', "" },
    { "upper('Rupture 2')", 'S', "RUPTURE 2" },
    { "lower([name])", 'S', "chloé" },
    { "upper([z])", 'B', "" },
    { "trim([t])", 'S', "Rupture and Repair" },
    { "trim('   ')", 'B', "" },
    { "concat('a', [z], 'b', 1)", 'S', "ab1" },
    { "concat([z])", 'B', "" },
    { "concat_ws(', ', 'x', [z], 'y')", 'S', "x, y" },
    { "concat_ws('-', [a], [b], 5 / 2)", 'S', "3-4-2.5" },
    { "concat_ws('-', [z])", 'B', "" },
    { "upper(concat(left([t], 9), '!')) = '  RUPTURE!'", 'N', "1" },
    { "if(contains([t], 'repair'), length(trim([t])), -1)", 'N', "18" },
    /* the rounding functions with the figures REDCap's help uses */
    { "round(14.384, 1)", 'N', "14.4" },
    { "roundup(14.384, 1)", 'N', "14.4" },
    { "rounddown(14.384, 1)", 'N', "14.3" },
    { "round(datediff('2000-01-01', '2026-01-01', 'y'), 1)", 'N', "26" },  /* 9497 days */
    /* comments, as REDCap allows them in logic */
    { "# the mean of two items\nif([a] = '3',\n// both answered\nmean([a], [b]), 0) // done", 'N', "3.5" },
    { "  # indented\n[a] * 2", 'N', "6" },
    { "[a] // 1 +\n + 1", 'N', "4" },
    { "'a // b'", 'S', "a // b" },
    { "'#x' = concat('#', 'x')", 'N', "1" },
    /* function names in any case, as REDCap takes them */
    { "UPPER('x')", 'S', "X" },
    { "Median(1, 2)", 'N', "1.5" },
};

static void test_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        expr *e = compile(cases[i].src);
        xval v = expr_eval(e, vals);
        char buf[64];
        const char *got = xval_format(v, buf);
        char kind = v.kind == XV_BLANK ? 'B' : v.kind == XV_NUM ? 'N' : 'S';
        if (kind != cases[i].kind || strcmp(got, cases[i].want) != 0)
            fail_msg("'%s': got %c '%s', want %c '%s'", cases[i].src, kind, got, cases[i].kind,
                     cases[i].want);
        expr_free(e);
    }
}

/* Load-time refusals: the reason and position each names. */
static const struct {
    const char *src;
    const char *msg;
} refused[] = {
    { "[event-name] = 'baseline_arm_1'",
      "'[event-name]' is a REDCap smart variable, which needs the REDCap project around the "
      "form (events, other records, users or labels); attune cannot evaluate it at position 1" },
    { "[a] + [aggregate-sum:b]",
      "'[aggregate-sum:b]' is a REDCap smart variable, which needs the REDCap project around "
      "the form (events, other records, users or labels); attune cannot evaluate it at position 7" },
    { "[a:label] = 'x'",
      "'[a:label]' is a REDCap smart variable, which needs the REDCap project around the form "
      "(events, other records, users or labels); attune cannot evaluate it at position 1" },
    { "[visit_1_arm_1][a] > 1",
      "'[visit_1_arm_1][a]' reads a field of another event or instance; attune evaluates one "
      "form's answers only at position 1" },
    { "sum([a][2], 1)",
      "'[a][2]' reads a field of another event or instance; attune evaluates one form's "
      "answers only at position 5" },
    { "datediff([dob], 'today', 'w')",
      "datediff() unit 'w' is not one of y, M, d, h, m, s at position 26" },
    { "datediff([dob], 'today', 'D')",
      "datediff() unit 'D' is not one of y, M, d, h, m, s at position 26" },
    { "datediff([dob], 'today', 'd', 'iso')",
      "datediff() date format 'iso' is not ymd, mdy or dmy at position 31" },
    { "datediff([dob], 'today', 'd', 'true', true)",
      "datediff() date format 'true' is not ymd, mdy or dmy at position 31" },
    { "datediff([dob], 'today')", "datediff() takes 3 to 5 arguments, not 2 at position 1" },
    { "left('abc')", "left() takes 2 arguments, not 1 at position 1" },
    { "mid('abc', 1)", "mid() takes 3 arguments, not 2 at position 1" },
    { "concat_ws(',')", "concat_ws() takes at least 2 arguments at position 1" },
    { "log()", "log() takes 1 or 2 arguments, not 0 at position 1" },
    { "getdata([a])", "unknown function 'getdata' at position 1" },
    { "true + maybe", "unexpected 'maybe' (field names go in square brackets) at position 8" },
    { "[a] # not a comment here", "unexpected character '#' at position 5" },
    { "// only a comment", "expression is empty at position 18" },
};

static void test_refused(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        expr *e = NULL;
        size_t pos = 0;
        at_err err;
        if (expr_parse(refused[i].src, &e, &pos, &err) == AT_OK)
            fail_msg("'%s' parsed", refused[i].src);
        assert_null(e);
        if (strcmp(err.msg, refused[i].msg) != 0)
            fail_msg("'%s': got \"%s\", want \"%s\"", refused[i].src, err.msg, refused[i].msg);
    }
}

/* Text longer than one block of scratch memory, built again and again:
 * each result is whole and memory does not pile up (AddressSanitizer
 * would report what a reset forgot). */
static void test_long_text(void **state)
{
    (void)state;
    static char big[20001];
    memset(big, 'x', sizeof big - 1);
    const char *v[1] = { big };
    expr *e = NULL;
    at_err err;
    assert_int_equal(expr_parse("length(concat([a], [a], upper([a])))", &e, NULL, &err), AT_OK);
    assert_int_equal(expr_bind(e, resolve, NULL, &err), AT_OK);   /* [a] is column 0 */
    for (int k = 0; k < 50; k++) {
        xval r = expr_eval(e, v);
        assert_int_equal(r.kind, XV_NUM);
        assert_true(r.num == 60000.0);
    }
    expr_free(e);
    assert_int_equal(expr_parse("right(concat([a], 'end'), 3)", &e, NULL, &err), AT_OK);
    assert_int_equal(expr_bind(e, resolve, NULL, &err), AT_OK);
    xval r = expr_eval(e, v);
    assert_int_equal(r.kind, XV_STR);
    assert_string_equal(r.str, "end");
    expr_free(e);
}

/* Each thread has its own scratch, freed when the thread ends. */
static void *other_thread(void *arg)
{
    (void)arg;
    expr *e = NULL;
    at_err err;
    if (expr_parse("concat_ws('+', 'a', 'b')", &e, NULL, &err) != AT_OK)
        return NULL;
    xval r = expr_eval(e, NULL);
    char *copy = strdup(r.kind == XV_STR ? r.str : "");
    expr_free(e);
    return copy;
}

static void test_threads(void **state)
{
    (void)state;
    pthread_t t;
    void *out = NULL;
    assert_int_equal(pthread_create(&t, NULL, other_thread, NULL), 0);
    assert_int_equal(pthread_join(t, &out), 0);
    assert_non_null(out);
    assert_string_equal(out, "a+b");
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_table, setup),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_long_text),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
