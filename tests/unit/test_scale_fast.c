/* Unit tests for how scale scores are computed without evaluating each
 * calc in full (lib/model/answers.c, expr_eval.c): item terms [q] and
 * (K - [q]) read from their compiled form, and a sum, mean or + chain
 * computed from the terms' values.  Each scale is scored for every answer
 * set drawn from blanks, numbers, -0, text, numbers near overflow and
 * checkbox options, and must give the same bits (term values, answered
 * count, score, the calc's stored text) as evaluating the expressions
 * tree by tree. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dict_fixture.h"
#include "dict_impl.h"

/* q1..q3 free text (any answer reaches the expressions), c a checkbox
 * with options 1 and 2.  Each scale is one shape the fast paths take or
 * must leave alone. */
static const char rows[] =
    "q1,f,,text,One,,,,,,,,,,,,,\n"
    "q2,f,,text,Two,,,,,,,,,,,,,\n"
    "q3,f,,text,Three,,,,,,,,,,,,,\n"
    "c,f,,checkbox,Kinds,\"1, a | 2, b\",,,,,,,,,,,,\n"
    /* sum of an item, a reverse-keyed one and another */
    "s_sum,f,,calc,S,\"sum([q1], (6 - [q2]), [q3])\",,,,,,,,,,,,\n"
    /* mean with K = 0 (0 - 0 and 0 - -0), checkbox terms, @MINITEMS */
    "s_mean,f,,calc,M,\"mean([q1], (0 - [q2]), [c(1)], (6 - [c(2)]))\",,,,,,,,,,,,@MINITEMS=2\n"
    /* a + chain, added from the left */
    "s_plus,f,,calc,P,\"[q1] + (6 - [q2]) + [q3]\",,,,,,,,,,,,\n"
    /* a + chain added from the right: the calc is evaluated whole */
    "s_right,f,,calc,R,\"[q1] + ([q2] + [q3])\",,,,,,,,,,,,\n"
    /* terms that are not [q] or K - [q]: evaluated as expressions */
    "s_other,f,,calc,O,\"mean([q1] * 2, (-6 - [q2]), ([q3] - 1), ([c(1)] * 3))\",,,,,,,,,,,,\n"
    /* every term needed */
    "s_all,f,,calc,A,\"sum([q1], [q2], [q3])\",,,,,,,,,,,,@MINITEMS=3\n"
    /* a + chain of checkbox options, unticked ones reading 0 */
    "s_box,f,,calc,B,\"[c(1)] + [c(2)]\",,,,,,,,,,,,\n";

static dict_file d;

static int setup(void **state)
{
    (void)state;
    sbuf t = SBUF_INIT;
    at_msgs problems = AT_MSGS_INIT;
    at_err err;
    sbuf_adds(&t, HEADER18);
    sbuf_adds(&t, rows);
    /* longer than the scales valued with buffers on the stack (64 terms) */
    sbuf_adds(&t, "s_long,f,,calc,L,\"mean(");
    static const char *const kinds[] = { "[q1]", "(6 - [q2])", "[c(2)]" };
    for (int i = 0; i < 66; i++)
        sbuf_addf(&t, "%s%s", i ? ", " : "", kinds[i % 3]);
    sbuf_adds(&t, ")\",,,,,,,,,,,,@MINITEMS=30\n");
    at_status st = dict_parse("f.csv", t.buf, t.len, NULL, &d, &problems, &err);
    if (st != AT_OK)
        print_error("%s: %s\n", err.msg, problems.n ? problems.items[0] : "");
    msgs_release(&problems);
    sbuf_release(&t);
    return st == AT_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    dict_release(&d);
    return 0;
}

/* The score as the expressions give it, term by term and then the whole
 * calc, with @MINITEMS honoured. */
static double generic_scale(const dict_field *f, const char *const *vals, size_t *answered,
                            double *terms, xval *calc)
{
    size_t k = 0;
    double x;
    for (size_t i = 0; i < f->nterms; i++) {
        int ok = xval_number(expr_eval(f->terms[i], vals), &x);
        terms[i] = ok ? x : NAN;
        k += (size_t)ok;
    }
    *answered = k;
    calc->kind = XV_BLANK;
    if (f->minitems > 0 && k < (size_t)f->minitems)
        return NAN;
    *calc = expr_eval(f->calc, vals);
    return xval_number(*calc, &x) ? x : NAN;
}

static void test_forms(void **state)
{
    (void)state;
    const dict_instrument *in = &d.forms[0];
    static const struct {
        const char *name;
        expr_scale_form form;
        const char *compiled;     /* per term: r [q], k (K - [q]), b [q(code)], K (K - [q(code)]),
                                     - not compiled */
    } cases[] = {
        { "s_sum", EXPR_SCALE_SUM, "rkr" },
        { "s_mean", EXPR_SCALE_MEAN, "rkbK" },
        { "s_plus", EXPR_SCALE_PLUS, "rkr" },
        { "s_right", EXPR_SCALE_OTHER, "rrr" },
        { "s_other", EXPR_SCALE_MEAN, "----" },
        { "s_all", EXPR_SCALE_SUM, "rrr" },
        { "s_box", EXPR_SCALE_PLUS, "bb" },
    };
    assert_int_equal(field_named(in, "s_long")->nterms, 66);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const dict_field *f = field_named(in, cases[i].name);
        assert_int_equal(f->calc_form, cases[i].form);
        assert_int_equal(f->nterms, strlen(cases[i].compiled));
        for (size_t t = 0; t < f->nterms; t++) {
            const expr_item *it = &f->items[t];
            char c = it->col < 0 ? '-' : it->reverse ? (it->checkbox ? 'K' : 'k')
                                                     : (it->checkbox ? 'b' : 'r');
            if (c != cases[i].compiled[t])
                fail_msg("'%s' term %zu: '%c', expected '%c'", cases[i].name, t + 1, c,
                         cases[i].compiled[t]);
        }
    }
}

static int same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* Every scale on every answer set of the three items from the values
 * below, each with one of the checkbox pairs in turn (every pair meets
 * many item sets): the fast paths against the generic evaluation, bit for
 * bit. */
static void test_same_as_generic(void **state)
{
    (void)state;
    const dict_instrument *in = &d.forms[0];
    static const char *const item_vals[] = {
        NULL, "", "3", "-0", "0", " 4 ", "2.5", "0.1", "abc", "1e308", "-1e308", "7e-1", "-2"
    };
    static const char *const box_vals[] = { NULL, "", "0", "1", "-0", "x" };
    enum { NI = sizeof item_vals / sizeof item_vals[0], NB = sizeof box_vals / sizeof box_vals[0] };
    const char *scales[] = { "s_sum", "s_mean", "s_plus", "s_right", "s_other", "s_all", "s_box",
                             "s_long" };
    long q[3] = { instrument_col(in, "q1"), instrument_col(in, "q2"), instrument_col(in, "q3") };
    long c1 = instrument_col(in, "c___1"), c2 = instrument_col(in, "c___2");
    const char **vals = xcalloc(in->ncols, sizeof *vals);
    const char *const *cv = vals;
    size_t checked = 0, scored = 0, blank_terms = 0;
    for (size_t a = 0; a < NI; a++)
        for (size_t b = 0; b < NI; b++)
            for (size_t e = 0; e < NI; e++) {
                size_t x = (a + NI * (b + NI * e)) % (NB * NB);
                vals[q[0]] = item_vals[a];
                vals[q[1]] = item_vals[b];
                vals[q[2]] = item_vals[e];
                vals[c1] = box_vals[x % NB];
                vals[c2] = box_vals[x / NB];
                for (size_t s = 0; s < sizeof scales / sizeof scales[0]; s++) {
                    const dict_field *f = field_named(in, scales[s]);
                    double t_fast[80], t_gen[80];
                    size_t n_fast = 99, n_gen = 99;
                    xval calc;
                    double fast = instrument_scale_terms(in, f, cv, &n_fast, t_fast);
                    double gen = generic_scale(f, cv, &n_gen, t_gen, &calc);
                    int same = n_fast == n_gen && same_bits(fast, gen);
                    for (size_t t = 0; t < f->nterms; t++) {
                        same = same && same_bits(t_fast[t], t_gen[t]);
                        blank_terms += isnan(t_gen[t]) != 0;
                    }
                    /* the stored text of the calc, as instrument_compute writes it */
                    char bf[64], bg[64];
                    xval vf = { XV_NUM, fast, NULL };
                    if (isnan(fast))
                        vf.kind = XV_BLANK;
                    same = same && strcmp(xval_format(vf, bf), xval_format(calc, bg)) == 0;
                    if (!same)
                        fail_msg("'%s' with q = '%s', '%s', '%s', c = '%s', '%s': %.17g (%zu) "
                                 "against %.17g (%zu)", scales[s],
                                 item_vals[a] ? item_vals[a] : "(null)",
                                 item_vals[b] ? item_vals[b] : "(null)",
                                 item_vals[e] ? item_vals[e] : "(null)",
                                 box_vals[x % NB] ? box_vals[x % NB] : "(null)",
                                 box_vals[x / NB] ? box_vals[x / NB] : "(null)",
                                 fast, n_fast, gen, n_gen);
                    checked++;
                    scored += !isnan(gen);
                }
            }
    /* the sets reach scores and blanks, blank terms and answered ones */
    assert_true(scored > checked / 4);
    assert_true(scored < checked);
    assert_true(blank_terms > 0);
    free(vals);
}

/* The cases the rules are about, worked out by hand. */
static void test_cases(void **state)
{
    (void)state;
    const dict_instrument *in = &d.forms[0];
    const char **vals = xcalloc(in->ncols, sizeof *vals);
    const char *const *cv = vals;
    long q1 = instrument_col(in, "q1"), q2 = instrument_col(in, "q2"),
         q3 = instrument_col(in, "q3");
    double t[8];
    size_t n;

    /* sum skips text and blanks: 2 + (6 - 1) = 7, two of three answered */
    vals[q1] = "2";
    vals[q2] = "1";
    vals[q3] = "abc";
    assert_true(instrument_scale_terms(in, field_named(in, "s_sum"), cv, &n, t) == 7.0);
    assert_int_equal(n, 2);
    assert_true(isnan(t[2]));
    /* a + chain is blank when a term is */
    assert_true(isnan(instrument_scale_terms(in, field_named(in, "s_plus"), cv, &n, t)));
    assert_int_equal(n, 2);
    /* @MINITEMS=3 of three: blank with two */
    assert_true(isnan(instrument_scale_terms(in, field_named(in, "s_all"), cv, &n, t)));

    /* mean([q1], (0 - [q2]), [c(1)], (6 - [c(2)])): both options unticked read
     * 0, so four terms: (-0 + (0 - -0) + 0 + 6) / 4 = 1.5; the term 0 - -0 is
     * +0 and q1's -0 stays -0 */
    vals[q1] = "-0";
    vals[q2] = "-0";
    vals[q3] = NULL;
    assert_true(instrument_scale_terms(in, field_named(in, "s_mean"), cv, &n, t) == 1.5);
    assert_int_equal(n, 4);
    assert_true(signbit(t[0]) && t[0] == 0.0);
    assert_true(!signbit(t[1]) && t[1] == 0.0);
    assert_true(t[2] == 0.0 && t[3] == 6.0);

    /* a sum of -0 alone is +0, as sum() starts from 0; -0 + (6 - 6) + -0 is
     * +0 too (-0 + +0 is +0), but a + chain of two -0 is -0 */
    vals[q1] = "-0";
    vals[q2] = "6";
    vals[q3] = "-0";
    double s = instrument_scale_terms(in, field_named(in, "s_sum"), cv, &n, t);
    assert_true(s == 0.0 && !signbit(s));
    s = instrument_scale_terms(in, field_named(in, "s_plus"), cv, &n, t);
    assert_true(s == 0.0 && !signbit(s));
    vals[instrument_col(in, "c___1")] = "-0";
    vals[instrument_col(in, "c___2")] = "-0";
    s = instrument_scale_terms(in, field_named(in, "s_box"), cv, &n, t);
    assert_true(s == 0.0 && signbit(s));
    free(vals);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forms),
        cmocka_unit_test(test_same_as_generic),
        cmocka_unit_test(test_cases),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
