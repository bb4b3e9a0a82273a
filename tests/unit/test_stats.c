/* Unit tests for stats: OLS, kappa, summaries and the RCI cutoff (alpha is
 * in test_alpha.c, the episode rules in test_episodes.c).
 *
 * Reference values were computed once in R 4 or by hand and are kept here as
 * numbers; the code or arithmetic that made each set is in the comment above
 * it.  Where the arithmetic is the same the tolerance is 1e-9 relative. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>

#include "stats.h"

#include "check_num.h"

/* ---- OLS -----------------------------------------------------------------
 * NIST StRD Norris (linear least squares, lower difficulty), 36 observations,
 * certified values: B0 -0.262323073774029, B1 1.00211681802045,
 * SD(B1) 0.429796848199937E-03, R-squared 0.999993745883712. */
static const double NORRIS_X[36] = {
    0.2, 337.4, 118.2, 884.6, 10.1, 226.5, 666.3, 996.3, 448.6, 777.0, 558.2, 0.4,
    0.6, 775.5, 666.9, 338.0, 447.5, 11.6, 556.0, 228.1, 995.8, 887.6, 120.2, 0.3,
    0.3, 556.8, 339.1, 887.2, 999.0, 779.0, 11.1, 118.3, 229.2, 669.1, 448.9, 0.5,
};
static const double NORRIS_Y[36] = {
    0.1, 338.8, 118.1, 888.0, 9.2, 228.1, 668.5, 998.5, 449.1, 778.9, 559.2, 0.3,
    0.1, 778.1, 668.8, 339.3, 448.9, 10.8, 557.7, 228.3, 998.0, 888.8, 119.6, 0.3,
    0.6, 557.6, 339.3, 888.0, 998.5, 778.9, 10.2, 117.6, 228.9, 668.4, 449.2, 0.2,
};

static void test_ols_norris(void **state)
{
    (void)state;
    ols_result o;
    assert_int_equal(stats_ols(NORRIS_X, NORRIS_Y, 36, 3, &o), 0);
    assert_int_equal(o.n, 36);
    check_close(o.intercept, -0.262323073774029, REL);
    check_close(o.slope, 1.00211681802045, REL);
    check_close(o.slope_se, 0.429796848199937e-03, REL);
    check_close(o.r2, 0.999993745883712, REL);
}

/* Sessions with gaps and one blank score; R:
 *   s <- c(1,2,4,5,7,8); y <- c(5.2,4.9,4.1,4.4,3.6,3.9); f <- summary(lm(y ~ s))
 *   coef(f): intercept 5.26800000000000601, slope -0.20400000000000057,
 *   slope se 0.044301993935563201; f$r.squared 0.84129380053908276 */
static void test_ols_lm(void **state)
{
    (void)state;
    double s[7] = { 1, 2, 3, 4, 5, 7, 8 };
    double y[7] = { 5.2, 4.9, NA, 4.1, 4.4, 3.6, 3.9 };
    ols_result o;
    assert_int_equal(stats_ols(s, y, 7, 3, &o), 0);
    assert_int_equal(o.n, 6);
    check_close(o.intercept, 5.26800000000000601, REL);
    check_close(o.slope, -0.20400000000000057, REL);
    check_close(o.slope_se, 0.044301993935563201, REL);
    check_close(o.r2, 0.84129380053908276, REL);
    /* too few pairs for the caller's minimum */
    assert_int_equal(stats_ols(s, y, 7, 7, &o), -1);
    assert_int_equal(o.n, 6);
    check_nan(o.slope);
    check_nan(o.intercept);
    check_nan(o.slope_se);
    check_nan(o.r2);
}

static void test_ols_edges(void **state)
{
    (void)state;
    ols_result o;
    /* constant x: gsl_fit_linear would report success; stats_ols refuses */
    double cx[4] = { 3, 3, 3, 3 }, cy[4] = { 1, 2, 4, 3 };
    assert_int_equal(stats_ols(cx, cy, 4, 3, &o), -1);
    check_nan(o.slope);
    check_nan(o.slope_se);
    check_nan(o.r2);
    /* constant y: a flat line fitted exactly; r2 is 0/0, NaN as in R's
     * summary(lm(c(3,3,3,3) ~ c(1,2,3,4)))$r.squared */
    double x[4] = { 1, 2, 3, 4 }, fy[4] = { 3, 3, 3, 3 };
    assert_int_equal(stats_ols(x, fy, 4, 3, &o), 0);
    check_abs(o.slope, 0, 1e-15);
    check_close(o.intercept, 3, REL);
    check_abs(o.slope_se, 0, 1e-15);
    check_nan(o.r2);
    /* two points: the line is defined, its SE is not (no residual df) */
    double x2[2] = { 1, 3 }, y2[2] = { 2, 6 };
    assert_int_equal(stats_ols(x2, y2, 2, 2, &o), 0);
    check_close(o.slope, 2, REL);
    check_abs(o.intercept, 0, 1e-15);
    check_nan(o.slope_se);
    check_close(o.r2, 1, REL);
    /* a flat fit through scores that vary: 1 - SSE/SST rounds to -2.2e-16
     * here; R's summary(lm(c(5,4,5) ~ c(1,2,3)))$r.squared is 1.2e-30 */
    double x3[3] = { 1, 2, 3 }, y3[3] = { 5, 4, 5 };
    assert_int_equal(stats_ols(x3, y3, 3, 3, &o), 0);
    check_abs(o.slope, 0, 1e-15);
    assert_true(o.r2 >= 0);
    check_abs(o.r2, 0, 1e-12);
    /* fewer than 2 pairs whatever min_n says */
    assert_int_equal(stats_ols(x2, y2, 1, 0, &o), -1);
    assert_int_equal(stats_ols(x2, y2, 0, 0, &o), -1);
}

/* ---- kappa ---------------------------------------------------------------
 * Hand computation for both 20, a_only 5, b_only 10, neither 15 (N 50):
 *   p11 .4, p12 .1, p21 .2, p22 .3; a says yes .5, b says yes .6
 *   po = .7, pe = .5 * .6 + .5 * .4 = .5, kappa = .2 / .5 = .4
 *   Fleiss, Cohen & Everitt (1969), 1 - kappa = .6:
 *   diagonal  .4 (1 - 1.1 * .6)^2 + .3 (1 - .9 * .6)^2        = .10972
 *   off       .36 (.1 (.6 + .5)^2 + .2 (.4 + .5)^2) = .36 * .283 = .10188
 *   minus     (.4 - .5 * .6)^2                                = .01
 *   var = .2016 / (50 * .25) = .016128, se = 0.12699606293110036
 * R: psych::cohen.kappa(matrix(c(20,5,10,15), 2, byrow = TRUE)) gives
 * kappa 0.4 and var.kappa 0.016128000000000003: psych uses the same formula.
 * Putting the off-diagonal marginals the other way round (p_i. + p_.j)
 * would give .323 in place of .283.
 * Under kappa = 0: sum p_i. p_.i (p_i. + p_.i) = .5 * .6 * 1.1 + .5 * .4 * .9
 * = .51, var0 = (.5 + .25 - .51) / (50 * .25) = .0192, se0 = 0.13856406460551018,
 * z = .4 / se0 = 2.886751345948129; R: 2 * pnorm(-z) = 0.0038924171227786254;
 * the 95% interval .4 -/+ qnorm(.975) * se = 0.15109229047666117,
 * 0.64890770952333887. */
static void test_kappa(void **state)
{
    (void)state;
    kappa_result k;
    assert_int_equal(stats_kappa(20, 5, 10, 15, &k), 0);
    check_close(k.kappa, 0.4, REL);
    check_close(k.se, 0.12699606293110036, REL);
    check_close(k.se0, 0.13856406460551018, REL);
    check_close(k.z, 2.886751345948129, REL);
    check_close(k.p, 0.0038924171227786254, 1e-7);
    check_close(k.lo, 0.15109229047666117, REL);
    check_close(k.hi, 0.64890770952333887, REL);
    /* swapping the raters gives the same kappa and se */
    assert_int_equal(stats_kappa(20, 10, 5, 15, &k), 0);
    check_close(k.kappa, 0.4, REL);
    check_close(k.se, 0.12699606293110036, REL);

    /* worse than chance: both 2, a_only 8, b_only 6, neither 4 (N 20):
     * po .3, pe .5, kappa -.4; 1 - kappa = 1.4:
     * .1 (1 - .9 * 1.4)^2 + .2 (1 - 1.1 * 1.4)^2 = .06508,
     * 1.96 (.4 (.4 + .5)^2 + .3 (.6 + .5)^2) = 1.34652, minus (-.4 - .7)^2 = 1.21,
     * var = .2016 / (20 * .25) = .04032; psych::cohen.kappa(matrix(c(2,8,6,4), 2,
     * byrow = TRUE)): sqrt(var.kappa) = 0.20079840636817836 */
    assert_int_equal(stats_kappa(2, 8, 6, 4, &k), 0);
    check_close(k.kappa, -0.4, REL);
    check_close(k.se, 0.20079840636817836, REL);

    /* full agreement using both answers: kappa 1, variance 0 (up to the
     * rounding of a difference of terms near 1) */
    assert_int_equal(stats_kappa(10, 0, 0, 5, &k), 0);
    check_close(k.kappa, 1, REL);
    check_abs(k.se, 0, 1e-7);
    /* the interval stays within kappa's range */
    assert_true(k.hi <= 1);

    /* undefined: no pairs; expected agreement 1 (one answer throughout) */
    assert_int_equal(stats_kappa(0, 0, 0, 0, &k), -1);
    check_nan(k.kappa);
    check_nan(k.se);
    assert_int_equal(stats_kappa(7, 0, 0, 0, &k), -1);
    check_nan(k.kappa);
    assert_int_equal(stats_kappa(0, 0, 0, 9, &k), -1);
    check_nan(k.se);
    assert_int_equal(stats_kappa(-1, 2, 3, 4, &k), -1);
}

/* ---- pearson, sd, mean ---------------------------------------------------
 * R: s <- c(1,2,4,5,7,8); y <- c(5.2,4.9,4.1,4.4,3.6,3.9)
 *   cor(s, y) -0.91722069347517621; sd(y) 0.60909769331364261; mean(y) 4.35 */
static void test_summaries(void **state)
{
    (void)state;
    double s[8] = { 1, 2, 3, 4, 5, NA, 7, 8 };
    double y[8] = { 5.2, 4.9, NA, 4.1, 4.4, 9.9, 3.6, 3.9 };
    check_close(stats_pearson(s, y, 8), -0.91722069347517621, REL);
    /* the same pairs one at a time, in constant memory */
    stats_corr c = { 0 };
    for (int i = 0; i < 8; i++)
        stats_corr_add(&c, s[i], y[i]);
    assert_int_equal(c.n, 6);
    check_close(stats_corr_r(&c), -0.91722069347517621, REL);
    stats_corr few = { 0 }, level = { 0 };
    stats_corr_add(&few, 1, 2);
    stats_corr_add(&few, 2, 3);
    check_nan(stats_corr_r(&few));
    for (int i = 0; i < 4; i++)
        stats_corr_add(&level, 2, i);
    check_nan(stats_corr_r(&level));
    double y6[7] = { 5.2, NA, 4.9, 4.1, 4.4, 3.6, 3.9 };
    check_close(stats_sd(y6, 7), 0.60909769331364261, REL);
    check_close(stats_mean(y6, 7), 4.35, REL);

    /* fewer than 3 pairs, or no variance: NaN */
    check_nan(stats_pearson(s, y, 2));
    double flat[4] = { 2, 2, 2, 2 }, up[4] = { 1, 2, 3, 4 };
    check_nan(stats_pearson(flat, up, 4));
    check_nan(stats_pearson(up, flat, 4));
    double one[3] = { NA, 4, NA };
    check_nan(stats_sd(one, 3));
    check_close(stats_mean(one, 3), 4, REL);
    double none[2] = { NA, NA };
    check_nan(stats_mean(none, 2));
    check_nan(stats_sd(none, 2));
    check_nan(stats_mean(none, 0));
    check_abs(stats_sd(flat, 4), 0, 0);
}

/* ---- reliable change -----------------------------------------------------
 * DOMAIN.md's known answers (Jacobson & Truax 1991), to their printed
 * precision: SD 10.5, r .961 -> 5.747681; SD 6.396073, r .931 -> 4.65703. */
static void test_rci(void **state)
{
    (void)state;
    check_abs(stats_rci_cutoff(10.5, 0.961), 5.747681, 5e-7);
    check_abs(stats_rci_cutoff(6.396073, 0.931), 4.65703, 5e-6);
    check_abs(stats_rci_cutoff(4, 1), 0, 0);
    check_nan(stats_rci_cutoff(NAN, 0.8));
    check_nan(stats_rci_cutoff(10, NAN));
    check_nan(stats_rci_cutoff(10, 1.2));
    check_nan(stats_rci_cutoff(-1, 0.8));
}

int main(void)
{
    stats_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ols_norris),
        cmocka_unit_test(test_ols_lm),
        cmocka_unit_test(test_ols_edges),
        cmocka_unit_test(test_kappa),
        cmocka_unit_test(test_summaries),
        cmocka_unit_test(test_rci),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
