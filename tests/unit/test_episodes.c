/* Unit tests for the episode rules (lib/stats/episodes.c): hand-made series that
 * sit just above and just below each threshold, ties, missing sessions,
 * the repair window's edge, censoring, one-session and constant series, and
 * sudden-loss cases where each criterion fails alone.  Each expected result
 * is worked out in the comment beside it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "check_num.h"
#include "stats.h"

typedef struct found {
    int n;
    episode e[16];
} found;

static void keep(const episode *e, void *ctx)
{
    found *f = ctx;
    if (f->n < 16)
        f->e[f->n] = *e;
    f->n++;
}

static int run(const long *sess, const double *score, size_t n, episode_rule rule,
               double k, double cutoff, int window, found *f)
{
    episode_params p = { rule, k, cutoff, window };
    memset(f, 0, sizeof *f);
    int rc = episodes_find(sess, score, n, &p, keep, f);
    if (rc >= 0)
        assert_int_equal(rc, f->n);
    return rc;
}

static const long S1[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };

/* sd(c(5,5,5,3,5,5)) in R is 0.81649658092772603 (= sqrt(2/3)); the one drop
 * is 2, so it is a rupture for k < 2 / sd = sqrt(6) = 2.44949 and not above. */
static void test_episodes_sd(void **state)
{
    (void)state;
    const double y[6] = { 5, 5, 5, 3, 5, 5 };
    found f;
    assert_int_equal(run(S1, y, 6, RULE_SD, 1, NAN, 3, &f), 1);
    check_close(f.e[0].threshold, 0.81649658092772603, REL);
    assert_int_equal(f.e[0].rupture_session, 4);
    check_close(f.e[0].pre_score, 5, REL);
    check_close(f.e[0].rupture_score, 3, REL);
    check_close(f.e[0].drop, 2, REL);
    assert_int_equal(f.e[0].repaired, 1);
    assert_int_equal(f.e[0].repair_session, 5);
    assert_int_equal(f.e[0].sessions_to_repair, 1);
    assert_int_equal(f.e[0].censored, 0);

    assert_int_equal(run(S1, y, 6, RULE_SD, 2.4494, NAN, 3, &f), 1);
    assert_int_equal(run(S1, y, 6, RULE_SD, 2.4495, NAN, 3, &f), 0);

    /* cannot apply: one or two scores, a constant series, a bad k */
    assert_int_equal(run(S1, y, 1, RULE_SD, 1, NAN, 3, &f), -1);
    assert_int_equal(run(S1, y + 2, 2, RULE_SD, 1, NAN, 3, &f), -1);
    const double flat[4] = { 4, 4, 4, 4 };
    assert_int_equal(run(S1, flat, 4, RULE_SD, 1, NAN, 3, &f), -1);
    assert_int_equal(run(S1, y, 6, RULE_SD, NAN, NAN, 3, &f), -1);
    assert_int_equal(f.n, 0);
}

/* A drop equal to the threshold is not a rupture; consecutive drops each
 * count; the rci rule takes its cutoff as given. */
static void test_episodes_abs_rci(void **state)
{
    (void)state;
    found f;
    const double tie[2] = { 10, 8 };
    assert_int_equal(run(S1, tie, 2, RULE_ABS, 0, 2, 3, &f), 0);
    assert_int_equal(run(S1, tie, 2, RULE_ABS, 0, 1.999, 3, &f), 1);
    assert_int_equal(f.e[0].censored, 1);     /* nothing followed */
    assert_int_equal(f.e[0].repair_session, 0);
    assert_int_equal(f.e[0].sessions_to_repair, 0);
    /* a one-session series has no drop at all */
    assert_int_equal(run(S1, tie, 1, RULE_ABS, 0, 1, 3, &f), 0);

    const double stairs[5] = { 10, 7, 4, 4, 9 };
    assert_int_equal(run(S1, stairs, 5, RULE_ABS, 0, 2, 3, &f), 2);
    assert_int_equal(f.e[0].rupture_session, 2);
    assert_int_equal(f.e[1].rupture_session, 3);
    check_close(f.e[1].pre_score, 7, REL);
    assert_int_equal(f.e[0].repaired, 0);     /* 10 never comes back */
    assert_int_equal(f.e[0].censored, 0);     /* 3 sessions followed */
    assert_int_equal(f.e[1].repaired, 1);     /* 9 >= 7 at session 5 */
    assert_int_equal(f.e[1].repair_session, 5);
    assert_int_equal(f.e[1].sessions_to_repair, 2);

    /* R: 1.96 * 10.5 * sqrt(2 * (1 - 0.961)) is 5.7476812020152979 */
    double cut = stats_rci_cutoff(10.5, 0.961);
    check_close(cut, 5.7476812020152979, REL);
    const double rci[4] = { 20, 14.25, 20, 14.26 };
    assert_int_equal(run(S1, rci, 4, RULE_RCI, 0, cut, 3, &f), 1);
    assert_int_equal(f.e[0].rupture_session, 2);
    check_close(f.e[0].threshold, cut, REL);
    assert_int_equal(f.e[0].repair_session, 3);

    assert_int_equal(run(S1, rci, 4, RULE_RCI, 0, NAN, 3, &f), -1);
    assert_int_equal(run(S1, rci, 4, RULE_ABS, 0, NAN, 3, &f), -1);
    assert_int_equal(run(S1, rci, 4, RULE_SUDDEN, 0, NAN, 3, &f), -1);
    assert_int_equal(run(S1, rci, 4, RULE_ABS, 0, 1, 0, &f), -1);   /* window 0 */
}

/* Missing sessions: sessions_to_repair counts session numbers, the window
 * counts scored sessions. */
static void test_episodes_gaps(void **state)
{
    (void)state;
    found f;
    const long sess[5] = { 1, 2, 5, 9, 10 };
    const double y[5] = { 30, 20, 25, 31, 32 };
    assert_int_equal(run(sess, y, 5, RULE_ABS, 0, 5, 3, &f), 1);
    assert_int_equal(f.e[0].rupture_session, 2);
    assert_int_equal(f.e[0].repaired, 1);
    assert_int_equal(f.e[0].repair_session, 9);
    assert_int_equal(f.e[0].sessions_to_repair, 7);
    /* window 1: only session 5 is looked at */
    assert_int_equal(run(sess, y, 5, RULE_ABS, 0, 5, 1, &f), 1);
    assert_int_equal(f.e[0].repaired, 0);
    assert_int_equal(f.e[0].censored, 0);

    /* sessions out of order or a blank score are refused */
    const long back[3] = { 1, 3, 2 };
    assert_int_equal(run(back, y, 3, RULE_ABS, 0, 5, 3, &f), -1);
    const double blank[3] = { 30, NA, 25 };
    assert_int_equal(run(sess, blank, 3, RULE_ABS, 0, 5, 3, &f), -1);
}

/* The repair window edge and censoring, W = 3, cutoff 5. */
static void test_episodes_window(void **state)
{
    (void)state;
    found f;
    /* back to exactly the pre-drop score at the 3rd session after: repaired */
    const double at3[5] = { 30, 20, 22, 24, 30 };
    assert_int_equal(run(S1, at3, 5, RULE_ABS, 0, 5, 3, &f), 1);
    assert_int_equal(f.e[0].repaired, 1);
    assert_int_equal(f.e[0].repair_session, 5);
    assert_int_equal(f.e[0].sessions_to_repair, 3);
    assert_int_equal(f.e[0].censored, 0);
    /* just under the pre-drop score there: not repaired, not censored */
    const double under[5] = { 30, 20, 22, 24, 29.999 };
    assert_int_equal(run(S1, under, 5, RULE_ABS, 0, 5, 3, &f), 1);
    assert_int_equal(f.e[0].repaired, 0);
    assert_int_equal(f.e[0].censored, 0);
    /* at the 4th session after: outside the window */
    const double at4[6] = { 30, 20, 22, 24, 26, 31 };
    assert_int_equal(run(S1, at4, 6, RULE_ABS, 0, 5, 3, &f), 1);
    assert_int_equal(f.e[0].repaired, 0);
    assert_int_equal(f.e[0].repair_session, 0);
    assert_int_equal(f.e[0].censored, 0);
    /* only 2 sessions followed and no repair: censored */
    const double short2[4] = { 30, 20, 22, 24 };
    assert_int_equal(run(S1, short2, 4, RULE_ABS, 0, 5, 3, &f), 1);
    assert_int_equal(f.e[0].repaired, 0);
    assert_int_equal(f.e[0].censored, 1);
    /* only 2 followed but repaired: not censored */
    const double rep2[4] = { 30, 20, 22, 31 };
    assert_int_equal(run(S1, rep2, 4, RULE_ABS, 0, 5, 3, &f), 1);
    assert_int_equal(f.e[0].repaired, 1);
    assert_int_equal(f.e[0].censored, 0);
    /* fn may be NULL: the count is still returned */
    episode_params p = { RULE_ABS, 0, 5, 3 };
    assert_int_equal(episodes_find(S1, rep2, 4, &p, NULL, NULL), 1);
}

/* Sudden losses, cutoff 5 unless said.  The base case meets all three
 * criteria: pre 30 31 30, post 20 21 20; drop 10 > 5, 10 >= 7.5,
 * means 30.333 - 20.333 = 10 > 2.776 * 0.577 (pooled SD).  Each case below
 * fails one criterion alone. */
static void test_episodes_sudden(void **state)
{
    (void)state;
    found f;
    const double base[6] = { 30, 31, 30, 20, 21, 20 };
    assert_int_equal(run(S1, base, 6, RULE_SUDDEN, 0, 5, 3, &f), 1);
    assert_int_equal(f.e[0].rupture_session, 4);
    check_close(f.e[0].threshold, 5, REL);
    check_close(f.e[0].drop, 10, REL);
    assert_int_equal(f.e[0].repaired, 0);
    assert_int_equal(f.e[0].censored, 1);     /* 2 sessions followed, W = 3 */

    /* (1) alone fails: drop 10 equal to the cutoff; just under it passes */
    assert_int_equal(run(S1, base, 6, RULE_SUDDEN, 0, 10, 3, &f), 0);
    assert_int_equal(run(S1, base, 6, RULE_SUDDEN, 0, 9.99, 3, &f), 1);

    /* (2) alone fails: drop 10 < 25% of 50 = 12.5, while (1) and (3) hold */
    const double big[6] = { 50, 51, 50, 40, 41, 40 };
    assert_int_equal(run(S1, big, 6, RULE_SUDDEN, 0, 5, 3, &f), 0);
    assert_int_equal(run(S1, big, 6, RULE_ABS, 0, 5, 3, &f), 1);
    /* (2) at exactly 25% (10 of 40) passes */
    const double quarter[6] = { 40, 41, 40, 30, 31, 30 };
    assert_int_equal(run(S1, quarter, 6, RULE_SUDDEN, 0, 5, 3, &f), 1);

    /* (3) alone fails: noisy around the drops.  40 -> 30 (10 >= 25% of 40)
     * and 30 -> 20 meet (1) and (2); for the second, pre 20 40 30 (mean 30)
     * and post 20 35 33 (mean 29.33) differ by 0.67, far under 2.776 times
     * their pooled SD 8.6; the first fails the same way with df 3 */
    const double noisy[6] = { 20, 40, 30, 20, 35, 33 };
    assert_int_equal(run(S1, noisy, 6, RULE_SUDDEN, 0, 5, 3, &f), 0);
    assert_int_equal(run(S1, noisy, 6, RULE_ABS, 0, 5, 3, &f), 2);

    /* the critical value follows the counts: 3 and 3 (df 4, 2.776) with
     * means 33 and 24, pooled SD 3, ratio 3.0: a loss */
    const double df4[6] = { 30, 33, 36, 21, 24, 27 };
    assert_int_equal(run(S1, df4, 6, RULE_SUDDEN, 0, 5, 3, &f), 1);
    assert_int_equal(f.e[0].rupture_session, 4);
    /* 2 and 2 (df 2, t = 4.303 in R's qt(.975, 2)): means 34 and 24, pooled
     * SD 2.83, ratio 3.54, above 2.776 but under 4.303: not a loss */
    const double df2[4] = { 36, 32, 22, 26 };
    assert_int_equal(run(S1, df2, 4, RULE_SUDDEN, 0, 5, 3, &f), 0);
    assert_int_equal(run(S1, df2, 4, RULE_ABS, 0, 5, 3, &f), 1);
    /* the same with each side closer together: pooled SD 1.41, ratio 7.07 */
    const double df2b[4] = { 35, 33, 23, 25 };
    assert_int_equal(run(S1, df2b, 4, RULE_SUDDEN, 0, 5, 3, &f), 1);

    /* the windows hold 3 scores each side when there are 3: a third score
     * far off spoils criterion (3), which the 2 nearest alone would meet */
    const double far_post[6] = { 30, 31, 30, 20, 21, 35 };
    assert_int_equal(run(S1, far_post, 6, RULE_SUDDEN, 0, 5, 3, &f), 0);
    assert_int_equal(run(S1, far_post, 6, RULE_ABS, 0, 5, 3, &f), 1);
    const double far_pre[6] = { 10, 30, 31, 20, 21, 20 };
    assert_int_equal(run(S1, far_pre, 6, RULE_SUDDEN, 0, 5, 3, &f), 0);
    assert_int_equal(run(S1, far_pre, 6, RULE_ABS, 0, 5, 3, &f), 1);
    /* but a fourth score back does not count */
    const double fourth[7] = { 10, 30, 31, 30, 20, 21, 20 };
    assert_int_equal(run(S1, fourth, 7, RULE_SUDDEN, 0, 5, 3, &f), 1);
    assert_int_equal(f.e[0].rupture_session, 5);

    /* fewer than 2 scores before or after the drop: never sudden */
    const double first[4] = { 30, 20, 21, 20 };
    assert_int_equal(run(S1, first, 4, RULE_SUDDEN, 0, 5, 3, &f), 0);
    assert_int_equal(run(S1, first, 4, RULE_ABS, 0, 5, 3, &f), 1);
    const double last[4] = { 30, 31, 30, 20 };
    assert_int_equal(run(S1, last, 4, RULE_SUDDEN, 0, 5, 3, &f), 0);
    assert_int_equal(run(S1, last, 4, RULE_ABS, 0, 5, 3, &f), 1);
}

/* Scores in quarters whose sample SD is exactly 1 (sum of squares 11 about
 * the mean 2.75, n - 1 = 11), which GSL computes as 0.99999999999999989:
 * the drops 3.75 -> 2.75 (session 8) and 3.5 -> 2.5 are equal to the
 * threshold k x SD = 1, not above it, so the only rupture is 4.5 -> 1 at
 * session 2.  With k = 0.5 the drops of exactly 0.5 (3.5 -> 3, 3 -> 2.5)
 * tie too, and the ruptures are sessions 2, 6 (0.75), 8 (1) and 12 (0.75).
 * The abs rule with cutoff 0.3 over tenths: 1.1 - 0.8 is 0.30000000000000004
 * in binary, a tie all the same: no rupture; 1.1 - 0.79999 is one. */
static void test_episodes_ties(void **state)
{
    (void)state;
    const double y[12] = { 4.5, 1, 1.5, 2.5, 3.5, 2.75, 3.75, 2.75, 3.5, 3, 2.5, 1.75 };
    found f;
    assert_int_equal(run(S1, y, 12, RULE_SD, 1, NAN, 3, &f), 1);
    assert_int_equal(f.e[0].rupture_session, 2);
    check_close(f.e[0].threshold, 1, 1e-15);
    assert_int_equal(run(S1, y, 12, RULE_SD, 0.5, NAN, 3, &f), 4);
    assert_int_equal(f.e[0].rupture_session, 2);
    assert_int_equal(f.e[1].rupture_session, 6);
    assert_int_equal(f.e[2].rupture_session, 8);
    assert_int_equal(f.e[3].rupture_session, 12);
    const double t[2] = { 1.1, 0.8 };
    assert_int_equal(run(S1, t, 2, RULE_ABS, 0, 0.3, 3, &f), 0);
    const double u[2] = { 1.1, 0.79999 };
    assert_int_equal(run(S1, u, 2, RULE_ABS, 0, 0.3, 3, &f), 1);
}

static void test_rule_names(void **state)
{
    (void)state;
    assert_string_equal(episode_rule_name(RULE_SD), "sd");
    assert_string_equal(episode_rule_name(RULE_RCI), "rci");
    assert_string_equal(episode_rule_name(RULE_ABS), "abs");
    assert_string_equal(episode_rule_name(RULE_SUDDEN), "sudden");
}

int main(void)
{
    stats_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_episodes_sd),
        cmocka_unit_test(test_episodes_abs_rci),
        cmocka_unit_test(test_episodes_gaps),
        cmocka_unit_test(test_episodes_window),
        cmocka_unit_test(test_episodes_sudden),
        cmocka_unit_test(test_episodes_ties),
        cmocka_unit_test(test_rule_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
