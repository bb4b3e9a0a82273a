/* episodes.c: rupture-repair episodes in one client's alliance series.
 *
 * The rules are DESIGN.md's "Episode rules":
 *   sd      threshold = k * sample SD (n - 1) of the series' scores;
 *           needs 3 or more scores and SD > 0
 *   rci     threshold = the given cutoff (1.96 * SD0 * sqrt(2 * (1 - r)))
 *   abs     threshold = the given cutoff
 *   sudden  Tang & DeRubeis (1999) for a loss, as the R package suddengains
 *           checks an interval: (1) drop > cutoff; (2) drop >= 0.25 * the
 *           previous score; (3) with pre = the up to 3 scores before the
 *           drop (indexes i-3..i-1) and post = the up to 3 from the drop on
 *           (i..i+2), each with 2 or more scores,
 *             mean(pre) - mean(post) > t(.975, n1 + n2 - 2) * pooled SD,
 *             pooled SD = sqrt(((n1-1) s1^2 + (n2-1) s2^2) / (n1 + n2 - 2)),
 *           the critical value following the counts (2.776 for 3 and 3).
 *           suddengains takes criterion (1) as drop >= cutoff; attune uses
 *           the strict drop > cutoff of its other rules.
 * A rupture at index i >= 1 is drop = score[i-1] - score[i] > threshold; a
 * drop equal to the threshold is not one, and equal means equal up to
 * rounding: the drop must exceed the threshold by more than 4 units in the
 * last place of the numbers involved (for scores in quarters with an SD of
 * exactly 1, GSL's SD comes out 0.99999999999999989, and a drop of 1 would
 * otherwise count).  Each drop is judged on its own,
 * so consecutive drops are separate ruptures.  Repair: the first of the
 * next W scored sessions (indexes i+1..i+W) whose score is at least
 * score[i-1]; sessions_to_repair counts session numbers, not scored
 * sessions.  Censored: no repair and fewer than W scored sessions after
 * the rupture. */
#include "stats.h"

#include <float.h>
#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

const char *episode_rule_name(episode_rule r)
{
    switch (r) {
    case RULE_SD: return "sd";
    case RULE_RCI: return "rci";
    case RULE_ABS: return "abs";
    case RULE_SUDDEN: return "sudden";
    }
    return "unknown";
}

/* Criteria (2) and (3) of the sudden-loss rule for the drop at index i. */
static int sudden_loss(const double *score, size_t n, size_t i)
{
    double pre_score = score[i - 1];
    if (!(pre_score - score[i] >= 0.25 * pre_score))
        return 0;

    size_t lo = i >= 3 ? i - 3 : 0;
    size_t n1 = i - lo;
    size_t n2 = n - i < 3 ? n - i : 3;
    if (n1 < 2 || n2 < 2)
        return 0;

    const double *pre = score + lo, *post = score + i;
    double m1 = gsl_stats_mean(pre, 1, n1), m2 = gsl_stats_mean(post, 1, n2);
    double v1 = gsl_stats_variance_m(pre, 1, n1, m1);
    double v2 = gsl_stats_variance_m(post, 1, n2, m2);
    double df = (double)(n1 + n2 - 2);
    double pooled = sqrt(((double)(n1 - 1) * v1 + (double)(n2 - 1) * v2) / df);
    double crit = gsl_cdf_tdist_Pinv(0.975, df);
    return m1 - m2 > crit * pooled;
}

/* drop > threshold by more than rounding */
static int exceeds(double drop, double prev, double cur, double threshold)
{
    double tol = 4 * DBL_EPSILON * (fabs(prev) + fabs(cur) + fabs(threshold));
    return drop - threshold > tol;
}

static int series_valid(const long *session, const double *score, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(score[i]))
            return 0;
        if (i > 0 && session[i] <= session[i - 1])
            return 0;
    }
    return 1;
}

int episodes_find(const long *session, const double *score, size_t n,
                  const episode_params *p, void (*fn)(const episode *e, void *ctx), void *ctx)
{
    if (!p || p->window < 1 || (n > 0 && (!session || !score)))
        return -1;
    if (!series_valid(session, score, n))
        return -1;

    double threshold;
    switch (p->rule) {
    case RULE_SD: {
        if (n < 3 || !isfinite(p->k) || p->k <= 0)
            return -1;
        double sd = gsl_stats_sd(score, 1, n);
        if (!(sd > 0) || !isfinite(sd))
            return -1;
        threshold = p->k * sd;
        break;
    }
    case RULE_RCI:
    case RULE_ABS:
    case RULE_SUDDEN:
        if (!isfinite(p->cutoff))
            return -1;
        threshold = p->cutoff;
        break;
    default:
        return -1;
    }

    size_t w = (size_t)p->window;
    int found = 0;
    for (size_t i = 1; i < n; i++) {
        double drop = score[i - 1] - score[i];
        if (!exceeds(drop, score[i - 1], score[i], threshold))
            continue;
        if (p->rule == RULE_SUDDEN && !sudden_loss(score, n, i))
            continue;

        episode e = {
            .rupture_session = session[i],
            .pre_score = score[i - 1],
            .rupture_score = score[i],
            .drop = drop,
            .threshold = threshold,
        };
        size_t after = n - 1 - i;   /* scored sessions after the rupture */
        size_t last = i + (after < w ? after : w);
        for (size_t j = i + 1; j <= last; j++) {
            if (score[j] >= e.pre_score) {
                e.repaired = 1;
                e.repair_session = session[j];
                e.sessions_to_repair = session[j] - session[i];
                break;
            }
        }
        e.censored = !e.repaired && after < w;
        if (fn)
            fn(&e, ctx);
        found++;
    }
    return found;
}
