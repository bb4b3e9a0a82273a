/* stats.c: least squares, agreement and small summaries, with GSL (Cronbach's
 * alpha is in alpha.c).
 *
 * Every function here treats a non-finite input value (NaN, and also an
 * infinity) as missing, and gives NaN, never an infinity, for a result it
 * cannot compute. */
#include "stats.h"

#include <math.h>

#include <gsl/gsl_cdf.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_statistics_double.h>

#include "util.h"

void stats_init(void)
{
    gsl_set_error_handler_off();
}

/* ---- least squares ---------------------------------------------------- */

int stats_ols(const double *x, const double *y, size_t n, size_t min_n, ols_result *out)
{
    out->n = 0;
    out->intercept = out->slope = out->slope_se = out->r2 = NAN;
    if (!x || !y)
        return -1;

    double *xs = xmalloc(n * sizeof *xs);
    double *ys = xmalloc(n * sizeof *ys);
    size_t m = 0;
    int rc = -1;
    for (size_t i = 0; i < n; i++) {
        if (isfinite(x[i]) && isfinite(y[i])) {
            xs[m] = x[i];
            ys[m] = y[i];
            m++;
        }
    }
    out->n = m;
    if (m < 2 || m < min_n)
        goto done;
    /* gsl_fit_linear reports success on a constant x: check it here */
    size_t i = 1;
    while (i < m && xs[i] == xs[0])
        i++;
    if (i == m)
        goto done;

    double c0, c1, cov00, cov01, cov11, sse;
    if (gsl_fit_linear(xs, 1, ys, 1, m, &c0, &c1, &cov00, &cov01, &cov11, &sse) != GSL_SUCCESS)
        goto done;
    if (!isfinite(c0) || !isfinite(c1))
        goto done;
    out->intercept = c0;
    out->slope = c1;
    /* the residual variance has n - 2 degrees of freedom */
    out->slope_se = m > 2 && isfinite(cov11) && cov11 >= 0 ? sqrt(cov11) : NAN;
    double sst = gsl_stats_tss(ys, 1, m);
    /* 1 - SSE / SST can round to just below 0 for a flat fit (SSE = SST);
     * r2 is kept within its range 0..1 */
    out->r2 = sst > 0 ? fmin(fmax(1 - sse / sst, 0), 1) : NAN;
    rc = 0;
done:
    free(xs);
    free(ys);
    return rc;
}

/* ---- Cohen's kappa ---------------------------------------------------- */

/* Rows are rater a (yes, no), columns rater b (yes, no):
 *   p11 = both, p12 = a_only, p21 = b_only, p22 = neither (as shares of N).
 * po = p11 + p22, pe = p1. p.1 + p2. p.2, kappa = (po - pe) / (1 - pe).
 * Large-sample variance, not assuming kappa = 0 (Fleiss, Cohen & Everitt
 * 1969, Psychological Bulletin 72:323-327):
 *   var = ( sum_i p_ii [1 - (p_i. + p_.i)(1 - kappa)]^2
 *         + (1 - kappa)^2 sum_{i != j} p_ij (p_.i + p_j.)^2
 *         - [kappa - pe (1 - kappa)]^2 ) / (N (1 - pe)^2)
 * which is also the var.kappa that R's psych::cohen.kappa reports. */
int stats_kappa(long both, long a_only, long b_only, long neither, kappa_result *out)
{
    out->kappa = out->se = out->se0 = out->z = out->p = out->lo = out->hi = NAN;
    if (both < 0 || a_only < 0 || b_only < 0 || neither < 0)
        return -1;
    double N = (double)both + (double)a_only + (double)b_only + (double)neither;
    if (N <= 0)
        return -1;
    /* pe is 1 exactly when both raters gave one and the same answer throughout */
    if (a_only == 0 && b_only == 0 && (both == 0 || neither == 0))
        return -1;

    double p11 = both / N, p12 = a_only / N, p21 = b_only / N, p22 = neither / N;
    double a_yes = p11 + p12, a_no = p21 + p22;   /* row shares */
    double b_yes = p11 + p21, b_no = p12 + p22;   /* column shares */
    double po = p11 + p22;
    double pe = a_yes * b_yes + a_no * b_no;
    if (!(1 - pe > 0))
        return -1;
    double kappa = (po - pe) / (1 - pe);
    double q = 1 - kappa;

    double diag = p11 * pow(1 - (a_yes + b_yes) * q, 2)
                + p22 * pow(1 - (a_no + b_no) * q, 2);
    double off = q * q * (p12 * pow(b_yes + a_no, 2) + p21 * pow(b_no + a_yes, 2));
    double var = (diag + off - pow(kappa - pe * q, 2)) / (N * (1 - pe) * (1 - pe));
    out->kappa = kappa;
    out->se = var > 0 ? sqrt(var) : 0;   /* a rounding error below 0 is 0 */
    double zc = gsl_cdf_ugaussian_Pinv(0.975);
    out->lo = fmax(kappa - zc * out->se, -1);   /* kappa's range, as psych clips it */
    out->hi = fmin(kappa + zc * out->se, 1);
    double chance = a_yes * b_yes * (a_yes + b_yes) + a_no * b_no * (a_no + b_no);
    double var0 = (pe + pe * pe - chance) / (N * (1 - pe) * (1 - pe));
    if (var0 > 0) {
        out->se0 = sqrt(var0);
        out->z = kappa / out->se0;
        out->p = 2 * gsl_cdf_ugaussian_Q(fabs(out->z));
    }
    return 0;
}

/* ---- small summaries -------------------------------------------------- */

/* Copies the finite values of x into a new array; *m receives their count. */
static double *finite_values(const double *x, size_t n, size_t *m)
{
    double *v = xmalloc(n * sizeof *v);
    *m = 0;
    for (size_t i = 0; i < n; i++)
        if (x && isfinite(x[i]))
            v[(*m)++] = x[i];
    return v;
}

static int is_constant(const double *v, size_t m)
{
    for (size_t i = 1; i < m; i++)
        if (v[i] != v[0])
            return 0;
    return 1;
}

double stats_pearson(const double *x, const double *y, size_t n)
{
    if (!x || !y)
        return NAN;
    double *xs = xmalloc(n * sizeof *xs);
    double *ys = xmalloc(n * sizeof *ys);
    size_t m = 0;
    double r = NAN;
    for (size_t i = 0; i < n; i++) {
        if (isfinite(x[i]) && isfinite(y[i])) {
            xs[m] = x[i];
            ys[m] = y[i];
            m++;
        }
    }
    if (m >= 3 && !is_constant(xs, m) && !is_constant(ys, m)) {
        r = gsl_stats_correlation(xs, 1, ys, 1, m);
        if (!isfinite(r))
            r = NAN;
    }
    free(xs);
    free(ys);
    return r;
}

void stats_corr_add(stats_corr *c, double x, double y)
{
    if (!isfinite(x) || !isfinite(y))
        return;
    if (c->n == 0) {
        c->mean_x = x;
        c->mean_y = y;
        c->n = 1;
        return;
    }
    double k = (double)c->n;
    double w = k / (k + 1.0);
    double dx = x - c->mean_x, dy = y - c->mean_y;
    c->sxx += dx * dx * w;
    c->syy += dy * dy * w;
    c->sxy += dx * dy * w;
    c->mean_x += dx / (k + 1.0);
    c->mean_y += dy / (k + 1.0);
    c->n++;
}

double stats_corr_r(const stats_corr *c)
{
    if (c->n < 3 || c->sxx == 0 || c->syy == 0)
        return NAN;
    double r = c->sxy / (sqrt(c->sxx) * sqrt(c->syy));
    return isfinite(r) ? r : NAN;
}

/* stat (a GSL statistic) of the finite values of x; NAN when there are
 * fewer than min of them. */
static double finite_stat(const double *x, size_t n, size_t min,
                          double (*stat)(const double data[], size_t stride, size_t n))
{
    size_t m;
    double *v = finite_values(x, n, &m);
    double r = m >= min ? stat(v, 1, m) : NAN;
    free(v);
    return r;
}

double stats_sd(const double *x, size_t n)
{
    return finite_stat(x, n, 2, gsl_stats_sd);
}

double stats_mean(const double *x, size_t n)
{
    return finite_stat(x, n, 1, gsl_stats_mean);
}

double stats_rci_cutoff(double sd0, double r)
{
    if (!isfinite(sd0) || !isfinite(r) || sd0 < 0 || r > 1)
        return NAN;
    return 1.96 * sd0 * sqrt(2 * (1 - r));
}
