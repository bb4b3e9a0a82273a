/* Unit tests for Cronbach's alpha: stats_alpha on a matrix and the
 * accumulator fed row by row.
 *
 * Reference values were computed once in R 4 with psych 2.2.9 and are kept
 * here as numbers; the R code that made each set is in the comment above it.
 * Where the arithmetic is the same the tolerance is 1e-9 relative. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_statistics_double.h>

#include "stats.h"

#include "check_num.h"

/* ---- alpha ---------------------------------------------------------------
 * The data set, 14 rows x 4 items, NA for a blank:
 *   xp <- matrix(c(4,5,4,3, 3,3,NA,3, 5,5,4,5, 2,2,3,1, NA,3,4,4, 1,2,1,2,
 *                  3,4,3,NA, 5,4,5,4, 2,NA,2,NA, 4,4,5,5, 3,2,3,2, 5,NA,5,4,
 *                  NA,NA,NA,NA, 4,4,3,5), ncol = 4, byrow = TRUE)
 * 8 rows are complete; row 13 is all blank. */
static const double XP[14 * 4] = {
    4, 5, 4, 3,    3, 3, NA, 3,   5, 5, 4, 5,    2, 2, 3, 1,
    NA, 3, 4, 4,   1, 2, 1, 2,    3, 4, 3, NA,   5, 4, 5, 4,
    2, NA, 2, NA,  4, 4, 5, 5,    3, 2, 3, 2,    5, NA, 5, 4,
    NA, NA, NA, NA, 4, 4, 3, 5,
};

typedef struct alpha_ref {
    size_t n;
    double alpha, alpha_std, average_r, mean, sd;
    double item_mean[4], item_sd[4], r_drop[4], alpha_drop[4];
} alpha_ref;

static void check_alpha(int pairwise, int is_mean, const alpha_ref *ref)
{
    alpha_result a;
    alpha_item it[4];
    assert_int_equal(stats_alpha(XP, 14, 4, pairwise, is_mean, &a, it), 0);
    assert_int_equal(a.n, ref->n);
    assert_int_equal(a.k, 4);
    check_close(a.alpha, ref->alpha, REL);
    check_close(a.alpha_std, ref->alpha_std, REL);
    check_close(a.average_r, ref->average_r, REL);
    check_close(a.mean, ref->mean, REL);
    check_close(a.sd, ref->sd, REL);
    for (int j = 0; j < 4; j++) {
        check_close(it[j].mean, ref->item_mean[j], REL);
        check_close(it[j].sd, ref->item_sd[j], REL);
        check_close(it[j].r_drop, ref->r_drop[j], REL);
        check_close(it[j].alpha_if_deleted, ref->alpha_drop[j], REL);
    }
}

/* a <- psych::alpha(na.omit(xp)); a$total, a$item.stats[c("r.drop","mean","sd")],
 * a$alpha.drop$raw_alpha; for the sum scale alpha(na.omit(xp), cumulative = TRUE) */
static void test_alpha_complete(void **state)
{
    (void)state;
    alpha_ref ref = {
        8, 0.92144667127390001, 0.92432003573238219, 0.75329257113313053,
        3.46875, 1.2708089380952816,
        { 3.5, 3.5, 3.5, 3.375 },
        { 1.4142135623730951, 1.3093073414159542, 1.3093073414159542, 1.5979898086569353 },
        { 0.93200703324407408, 0.84771293887050392, 0.74392281113069780, 0.77651043786372709 },
        { 0.85823754789272022, 0.88991888760139048, 0.92206366630076841, 0.91836734693877553 },
    };
    check_alpha(0, 1, &ref);
    ref.mean = 13.875;
    ref.sd = 5.0832357523811265;
    check_alpha(0, 0, &ref);
}

/* a <- psych::alpha(xp) (its default use = "pairwise": C = cov(xp, use =
 * "pairwise"), R = cov2cor(C), which differs from cor(xp, use = "pairwise"):
 * average r 0.7780 here against 0.7391).  Scale score: rowMeans(na.rm = TRUE).
 * Sum scale: alpha(xp[-13, ], cumulative = TRUE), i.e. the sum of the answered
 * terms, without the all-blank row (psych would count it as a 0). */
static void test_alpha_pairwise(void **state)
{
    (void)state;
    alpha_ref ref = {
        13, 0.93267993971102325, 0.9334140071421505, 0.77800191689654985,
        3.4166666666666665, 1.1231981455086517,
        { 3.4166666666666665, 3.4545454545454546, 3.5, 3.4545454545454546 },
        { 1.3113721705515067, 1.1281521496355325, 1.2431631210161220, 1.3684762594679065 },
        { 0.98996070442284301, 0.80396786223528915, 0.77632458363513568, 0.81564386421097479 },
        { 0.86044803525523306, 0.92557876905702996, 0.93275232599222702, 0.92287928745771430 },
    };
    check_alpha(1, 1, &ref);
    ref.mean = 12.23076923076923;
    ref.sd = 4.9185676464096426;
    check_alpha(1, 0, &ref);
}

/* No alpha (nor r_drop, alpha_if_deleted), but the scale's and the items'
 * means and SDs as given. */
static void check_moments_only(const alpha_result *a, const alpha_item *it, size_t k,
                               double mean, double sd, const double *item_mean,
                               const double *item_sd)
{
    check_nan(a->alpha);
    check_nan(a->alpha_std);
    check_nan(a->average_r);
    assert_true(fabs(a->mean - mean) < 1e-12);
    assert_true(fabs(a->sd - sd) < 1e-12);
    for (size_t j = 0; j < k; j++) {
        assert_true(fabs(it[j].mean - item_mean[j]) < 1e-12);
        assert_true(fabs(it[j].sd - item_sd[j]) < 1e-12);
        check_nan(it[j].r_drop);
        check_nan(it[j].alpha_if_deleted);
    }
}

static void check_alpha_blank(const alpha_result *a, const alpha_item *it, size_t k)
{
    check_nan(a->alpha);
    check_nan(a->alpha_std);
    check_nan(a->average_r);
    check_nan(a->mean);
    check_nan(a->sd);
    for (size_t j = 0; j < k; j++) {
        check_nan(it[j].mean);
        check_nan(it[j].sd);
        check_nan(it[j].r_drop);
        check_nan(it[j].alpha_if_deleted);
    }
}

/* Two items: cc <- na.omit(xp); alpha(cc[, 1:2]) gives raw 0.91666666666666652,
 * std 0.91814022829672015, average_r 0.8486684247915055 (= cor(cc[,1], cc[,2]),
 * which is also each item's r.drop).  psych reports C12/C22 as "alpha if
 * deleted" here; one item has no alpha, so attune gives NaN. */
static void test_alpha_two_items(void **state)
{
    (void)state;
    double x[14 * 2];
    for (int r = 0; r < 14; r++) {
        x[r * 2] = XP[r * 4];
        x[r * 2 + 1] = isnan(XP[r * 4 + 2]) || isnan(XP[r * 4 + 3]) ? NA : XP[r * 4 + 1];
    }
    alpha_result a;
    alpha_item it[2];
    assert_int_equal(stats_alpha(x, 14, 2, 0, 1, &a, it), 0);
    assert_int_equal(a.n, 8);
    check_close(a.alpha, 0.91666666666666652, REL);
    check_close(a.alpha_std, 0.91814022829672015, REL);
    check_close(a.average_r, 0.8486684247915055, REL);
    check_close(it[0].r_drop, 0.84866842479150528, REL);
    check_close(it[1].r_drop, 0.84866842479150528, REL);
    check_nan(it[0].alpha_if_deleted);
    check_nan(it[1].alpha_if_deleted);
    /* items may be NULL */
    assert_int_equal(stats_alpha(x, 14, 2, 0, 1, &a, NULL), 0);
    check_close(a.alpha, 0.91666666666666652, REL);
}

/* An item that never varies: raw alpha is still defined,
 * z <- cbind(na.omit(xp), 3); C <- cov(z); 5/4 * (1 - sum(diag(C)) / sum(C))
 * = 0.86385625431928126; correlations with it are not, so alpha_std,
 * average_r and its r_drop are NaN. */
static void test_alpha_constant_item(void **state)
{
    (void)state;
    double x[14 * 5];
    for (int r = 0; r < 14; r++) {
        memcpy(x + r * 5, XP + r * 4, 4 * sizeof(double));
        x[r * 5 + 4] = 3;
    }
    alpha_result a;
    alpha_item it[5];
    assert_int_equal(stats_alpha(x, 14, 5, 0, 1, &a, it), 0);
    check_close(a.alpha, 0.86385625431928126, REL);
    check_nan(a.alpha_std);
    check_nan(a.average_r);
    check_nan(it[4].r_drop);
    check_abs(it[4].sd, 0, 0);
    /* without the constant item the others give the 4-item alpha */
    check_close(it[4].alpha_if_deleted, 0.92144667127390001, REL);
    assert_true(isfinite(it[0].r_drop));
}

static void test_alpha_undefined(void **state)
{
    (void)state;
    alpha_result a;
    alpha_item it[4];

    /* one item */
    assert_int_equal(stats_alpha(XP, 56, 1, 0, 1, &a, it), -1);
    check_alpha_blank(&a, it, 1);
    /* two complete rows (rows 1 and 3 of xp) */
    assert_int_equal(stats_alpha(XP, 3, 4, 0, 1, &a, it), -1);
    assert_int_equal(a.n, 2);
    check_alpha_blank(&a, it, 4);
    /* pairwise: the same rows give each pair only 2 shared values */
    assert_int_equal(stats_alpha(XP, 3, 4, 1, 1, &a, it), -1);
    check_alpha_blank(&a, it, 4);
    /* no rows */
    assert_int_equal(stats_alpha(XP, 0, 4, 0, 1, &a, it), -1);
    check_alpha_blank(&a, it, 4);

    /* zero total variance: every item constant.  No alpha, but the means
     * and SDs are known: the scale's mean is 2 (mean of items) or 6 (sum),
     * every SD 0 */
    double flat[5 * 3] = { 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2 };
    static const double flat_mean[3] = { 2, 2, 2 }, flat_sd[3] = { 0, 0, 0 };
    assert_int_equal(stats_alpha(flat, 5, 3, 0, 1, &a, it), -1);
    check_moments_only(&a, it, 3, 2, 0, flat_mean, flat_sd);
    assert_int_equal(stats_alpha(flat, 5, 3, 1, 0, &a, it), -1);
    check_moments_only(&a, it, 3, 6, 0, flat_mean, flat_sd);

    /* the items vary but their sum does not: total variance 0; items 1..4
     * and 5..2 have means 2.5 and 3.5 and SD sqrt(5/3), their sum is 6 */
    double opposed[4 * 2] = { 1, 5, 2, 4, 3, 3, 4, 2 };
    static const double opp_mean[2] = { 2.5, 3.5 };
    const double opp_sd[2] = { sqrt(5.0 / 3), sqrt(5.0 / 3) };
    assert_int_equal(stats_alpha(opposed, 4, 2, 0, 0, &a, it), -1);
    check_moments_only(&a, it, 2, 6, 0, opp_mean, opp_sd);

    /* pairwise: items 1 and 2 answered together in only 2 rows */
    double sparse[6 * 2] = { 1, 2, 2, 3, 3, NA, 4, NA, NA, 4, NA, 5 };
    assert_int_equal(stats_alpha(sparse, 6, 2, 1, 1, &a, it), -1);
    check_alpha_blank(&a, it, 2);
}

/* ---- the alpha accumulator -----------------------------------------------
 * stats_alpha above is checked against psych; here the accumulator is fed
 * rows one at a time and must give the same numbers in any order, with its
 * result asked for midway and the stream then continued. */
static void check_same_alpha(const alpha_result *a, const alpha_item *ai,
                             const alpha_result *b, const alpha_item *bi, size_t k, double rel)
{
    assert_int_equal(a->n, b->n);
    assert_int_equal(a->k, b->k);
    check_close(a->alpha, b->alpha, rel);
    check_close(a->alpha_std, b->alpha_std, rel);
    check_close(a->average_r, b->average_r, rel);
    check_close(a->mean, b->mean, rel);
    check_close(a->sd, b->sd, rel);
    for (size_t j = 0; j < k; j++) {
        check_close(ai[j].mean, bi[j].mean, rel);
        check_close(ai[j].sd, bi[j].sd, rel);
        check_close(ai[j].r_drop, bi[j].r_drop, rel);
        check_close(ai[j].alpha_if_deleted, bi[j].alpha_if_deleted, rel);
    }
}

static void test_acc_rows(void **state)
{
    (void)state;
    alpha_acc *acc = alpha_acc_new(4);
    alpha_result a, m;
    alpha_item ai[4], mi[4];
    /* the last 7 rows of xp, backwards: 4 complete rows so far */
    for (int r = 13; r >= 7; r--)
        alpha_acc_add(acc, XP + r * 4);
    assert_int_equal(alpha_acc_result(acc, 0, 1, &a, ai), 0);
    assert_int_equal(stats_alpha(XP + 7 * 4, 7, 4, 0, 1, &m, mi), 0);
    assert_int_equal(a.n, 4);
    check_same_alpha(&a, ai, &m, mi, 4, 1e-12);
    /* the first 7, backwards too: the whole of xp, in another order */
    for (int r = 6; r >= 0; r--)
        alpha_acc_add(acc, XP + r * 4);
    for (int pairwise = 0; pairwise <= 1; pairwise++) {
        for (int is_mean = 0; is_mean <= 1; is_mean++) {
            assert_int_equal(alpha_acc_result(acc, pairwise, is_mean, &a, ai), 0);
            assert_int_equal(stats_alpha(XP, 14, 4, pairwise, is_mean, &m, mi), 0);
            check_same_alpha(&a, ai, &m, mi, 4, 1e-12);
        }
    }
    /* psych's pairwise alpha (test_alpha_pairwise) straight from the stream */
    assert_int_equal(alpha_acc_result(acc, 1, 1, &a, NULL), 0);
    check_close(a.alpha, 0.93267993971102325, REL);
    alpha_acc_free(acc);
    alpha_acc_free(NULL);
}

/* A complete-cases accumulator gives the complete-case figures of the full
 * one, to the bit, from the same rows (incomplete ones among them), and no
 * pairwise result. */
static void test_acc_complete_only(void **state)
{
    (void)state;
    alpha_acc *full = alpha_acc_new(4), *only = alpha_acc_new_as(4, 0);
    /* backwards, so the first values taken off (the shifts) come from an
     * incomplete row for some items */
    for (int r = 13; r >= 0; r--) {
        alpha_acc_add(full, XP + r * 4);
        alpha_acc_add(only, XP + r * 4);
    }
    for (int is_mean = 0; is_mean <= 1; is_mean++) {
        alpha_result a, b;
        alpha_item ai[4], bi[4];
        assert_int_equal(alpha_acc_result(full, 0, is_mean, &a, ai), 0);
        assert_int_equal(alpha_acc_result(only, 0, is_mean, &b, bi), 0);
        assert_int_equal(a.n, b.n);
        assert_memory_equal(&a.alpha, &b.alpha, sizeof a.alpha);
        assert_memory_equal(&a.alpha_std, &b.alpha_std, sizeof a.alpha_std);
        assert_memory_equal(&a.mean, &b.mean, sizeof a.mean);
        assert_memory_equal(&a.sd, &b.sd, sizeof a.sd);
        for (int j = 0; j < 4; j++) {
            assert_memory_equal(&ai[j].mean, &bi[j].mean, sizeof ai[j].mean);
            assert_memory_equal(&ai[j].r_drop, &bi[j].r_drop, sizeof ai[j].r_drop);
            assert_memory_equal(&ai[j].alpha_if_deleted, &bi[j].alpha_if_deleted,
                                sizeof ai[j].alpha_if_deleted);
        }
        assert_int_equal(alpha_acc_result(full, 1, is_mean, &a, NULL), 0);
        assert_int_equal(alpha_acc_result(only, 1, is_mean, &b, NULL), -1);
        check_alpha_blank(&b, NULL, 0);
    }
    alpha_acc_free(full);
    alpha_acc_free(only);
}

static void test_acc_edges(void **state)
{
    (void)state;
    alpha_result a;
    alpha_item it[4];
    alpha_acc *acc = alpha_acc_new(4);
    /* no rows */
    assert_int_equal(alpha_acc_result(acc, 0, 1, &a, it), -1);
    assert_int_equal(a.n, 0);
    assert_int_equal(a.k, 4);
    check_alpha_blank(&a, it, 4);
    /* an infinity is missing: the row counts for pairwise only */
    double inf_row[4] = { 1, INFINITY, 2, 3 };
    alpha_acc_add(acc, inf_row);
    alpha_acc_add(acc, XP);
    alpha_acc_add(acc, XP + 8);
    assert_int_equal(alpha_acc_result(acc, 0, 1, &a, it), -1);
    assert_int_equal(a.n, 2);
    assert_int_equal(alpha_acc_result(acc, 1, 1, &a, it), -1);
    assert_int_equal(a.n, 3);   /* rows with any value; item 2 has only 2 values */
    check_alpha_blank(&a, it, 4);
    alpha_acc_free(acc);

    /* one item: no alpha, but n says how many rows had it */
    acc = alpha_acc_new(1);
    double one[3] = { 2, NA, 4 };
    for (int r = 0; r < 3; r++)
        alpha_acc_add(acc, one + r);
    assert_int_equal(alpha_acc_result(acc, 0, 0, &a, it), -1);
    assert_int_equal(a.n, 2);
    check_alpha_blank(&a, it, 1);
    alpha_acc_free(acc);
    acc = alpha_acc_new(0);
    alpha_acc_add(acc, one);
    assert_int_equal(alpha_acc_result(acc, 1, 0, &a, NULL), -1);
    alpha_acc_free(acc);
}

/* Two-pass moments of a long series, the reference for the accumulator:
 * means first, then the sums of products of deviations (GSL's). */
static double two_pass_cov(const double *x, const double *y, size_t n, size_t stride,
                           double *xbuf, double *ybuf, size_t *used)
{
    size_t m = 0;
    for (size_t r = 0; r < n; r++) {
        if (isnan(x[r * stride]) || isnan(y[r * stride]))
            continue;
        xbuf[m] = x[r * stride];
        ybuf[m++] = y[r * stride];
    }
    *used = m;
    return gsl_stats_covariance_m(xbuf, 1, ybuf, 1, m, gsl_stats_mean(xbuf, 1, m),
                                  gsl_stats_mean(ybuf, 1, m));
}

/* 100,000 rows of 4 items at 1e6 + a common factor + noise (GSL's MT19937,
 * seed 20240611), every value missing with probability .03.  A one-pass sum
 * of squares gets the variances wrong in the third digit here (checked
 * below); the accumulator must agree with the two-pass computation to 1e-12,
 * well inside the 1e-9 kept against R (it agrees to about 1e-14; plain
 * Welford updates without the shift by the first value drift to 1e-11). */
#define LONG_N 100000
#define LONG_K 4
#define LONG_REL 1e-12
static void test_acc_large_offset(void **state)
{
    (void)state;
    double *x = malloc(LONG_N * LONG_K * sizeof *x);
    double *ba = malloc(LONG_N * sizeof *ba), *bb = malloc(LONG_N * sizeof *bb);
    double *score = malloc(LONG_N * sizeof *score), *avg = malloc(LONG_N * sizeof *avg);
    assert_non_null(avg);
    assert_non_null(x);
    assert_non_null(ba);
    assert_non_null(bb);
    assert_non_null(score);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 20240611);
    alpha_acc *acc = alpha_acc_new(LONG_K);
    for (size_t r = 0; r < LONG_N; r++) {
        double t = gsl_ran_gaussian(rng, 1.0);
        for (size_t j = 0; j < LONG_K; j++) {
            double v = 1e6 + t + gsl_ran_gaussian(rng, 0.5 + 0.25 * (double)j);
            x[r * LONG_K + j] = gsl_rng_uniform(rng) < 0.03 ? NA : v;
        }
        alpha_acc_add(acc, x + r * LONG_K);
    }

    /* pairwise reference: C from each pair's own rows, R = cov2cor(C) */
    double c[LONG_K][LONG_K], total = 0, trace = 0, rsum = 0;
    size_t used, nsum = 0;
    for (size_t i = 0; i < LONG_K; i++)
        for (size_t j = 0; j < LONG_K; j++)
            c[i][j] = two_pass_cov(x + i, x + j, LONG_N, LONG_K, ba, bb, &used);
    for (size_t i = 0; i < LONG_K; i++) {
        trace += c[i][i];
        for (size_t j = 0; j < LONG_K; j++) {
            total += c[i][j];
            if (j > i)
                rsum += c[i][j] / sqrt(c[i][i] * c[j][j]);
        }
    }
    for (size_t r = 0; r < LONG_N; r++) {
        double sum = 0;
        size_t got = 0;
        for (size_t j = 0; j < LONG_K; j++)
            if (!isnan(x[r * LONG_K + j])) {
                sum += x[r * LONG_K + j];
                got++;
            }
        if (got) {
            score[nsum] = sum;
            avg[nsum++] = sum / (double)got;
        }
    }
    alpha_result a;
    alpha_item it[LONG_K];
    assert_int_equal(alpha_acc_result(acc, 1, 0, &a, it), 0);
    assert_int_equal(a.n, nsum);
    check_close(a.alpha, LONG_K / (LONG_K - 1.0) * (1 - trace / total), LONG_REL);
    check_close(a.average_r, rsum / (LONG_K * (LONG_K - 1) / 2.0), LONG_REL);
    check_close(a.mean, gsl_stats_mean(score, 1, nsum), LONG_REL);
    check_close(a.sd, gsl_stats_sd(score, 1, nsum), LONG_REL);
    for (size_t i = 0; i < LONG_K; i++) {
        double with_rest = 0;
        for (size_t j = 0; j < LONG_K; j++)
            with_rest += j != i ? c[i][j] : 0;
        check_close(it[i].sd, sqrt(c[i][i]), LONG_REL);
        check_close(it[i].r_drop,
                    with_rest / sqrt(c[i][i] * (total - 2 * with_rest - c[i][i])), LONG_REL);
    }
    assert_int_equal(alpha_acc_result(acc, 1, 1, &a, NULL), 0);
    check_close(a.mean, gsl_stats_mean(avg, 1, nsum), LONG_REL);
    check_close(a.sd, gsl_stats_sd(avg, 1, nsum), LONG_REL);

    /* complete cases: the same over the complete rows only */
    size_t nc = 0;
    for (size_t r = 0; r < LONG_N; r++) {
        size_t j = 0;
        while (j < LONG_K && !isnan(x[r * LONG_K + j]))
            j++;
        if (j == LONG_K)
            memmove(x + nc++ * LONG_K, x + r * LONG_K, LONG_K * sizeof *x);
    }
    total = trace = 0;
    for (size_t i = 0; i < LONG_K; i++)
        for (size_t j = 0; j < LONG_K; j++) {
            c[i][j] = two_pass_cov(x + i, x + j, nc, LONG_K, ba, bb, &used);
            total += c[i][j];
            trace += i == j ? c[i][j] : 0;
        }
    assert_int_equal(alpha_acc_result(acc, 0, 1, &a, it), 0);
    assert_int_equal(a.n, nc);
    check_close(a.alpha, LONG_K / (LONG_K - 1.0) * (1 - trace / total), LONG_REL);
    check_close(a.sd, sqrt(total) / LONG_K, LONG_REL);   /* var(sum) = sum(C) */
    for (size_t i = 0; i < LONG_K; i++) {
        check_close(it[i].mean, gsl_stats_mean(x + i, LONG_K, nc), LONG_REL);
        check_close(it[i].sd, sqrt(c[i][i]), LONG_REL);
    }

    /* the data are hard: sum of squares minus n mean^2 misses item 1's variance */
    double s1 = 0, s2 = 0;
    for (size_t r = 0; r < nc; r++) {
        s1 += x[r * LONG_K];
        s2 += x[r * LONG_K] * x[r * LONG_K];
    }
    double naive = (s2 - s1 * s1 / (double)nc) / (double)(nc - 1);
    assert_true(fabs(naive - c[0][0]) > 1e-6 * c[0][0]);

    alpha_acc_free(acc);
    gsl_rng_free(rng);
    free(x);
    free(ba);
    free(bb);
    free(score);
    free(avg);
}

int main(void)
{
    stats_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alpha_complete),
        cmocka_unit_test(test_alpha_pairwise),
        cmocka_unit_test(test_alpha_two_items),
        cmocka_unit_test(test_alpha_constant_item),
        cmocka_unit_test(test_alpha_undefined),
        cmocka_unit_test(test_acc_rows),
        cmocka_unit_test(test_acc_complete_only),
        cmocka_unit_test(test_acc_edges),
        cmocka_unit_test(test_acc_large_offset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
