/* stats.c: reliability, least squares, agreement and small summaries, with GSL.
 *
 * Every function here treats a non-finite input value (NaN, and also an
 * infinity) as missing, and gives NaN, never an infinity, for a result it
 * cannot compute. */
#include "stats.h"

#include <math.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_statistics_double.h>

#include "util.h"

void stats_init(void)
{
    gsl_set_error_handler_off();
}

/* A sum of variances counts as zero when it is not above this share of the
 * items' own variances: rounding can leave 1e-16 where the truth is 0. */
#define ZERO_SHARE 1e-12

static int positive_total(double total, double trace)
{
    return total > 0 && total > ZERO_SHARE * trace;
}

/* ---- Cronbach's alpha ------------------------------------------------- */

static void alpha_blank(alpha_result *out, alpha_item *items, size_t k)
{
    out->alpha = out->alpha_std = out->average_r = NAN;
    out->mean = out->sd = NAN;
    if (items)
        for (size_t j = 0; j < k; j++)
            items[j].mean = items[j].sd = items[j].r_drop = items[j].alpha_if_deleted = NAN;
}

/* Complete cases: copies the rows with every item present into a matrix and
 * takes the sample covariances (n - 1), item means and SDs and the scale
 * score's mean and SD over those rows.  *rows receives the number of rows
 * used; returns 0, or -1 when they are fewer than 3. */
static int moments_complete(const double *x, size_t n, size_t k, int is_mean,
                            gsl_matrix *cov, alpha_result *out, alpha_item *items, size_t *rows)
{
    double *buf = xmalloc(n * k * sizeof *buf);
    double *score = xmalloc(n * sizeof *score);
    size_t m = 0;
    int rc = -1;

    for (size_t r = 0; r < n; r++) {
        const double *row = x + r * k;
        size_t j = 0;
        while (j < k && isfinite(row[j]))
            j++;
        if (j < k)
            continue;
        double sum = 0;
        for (j = 0; j < k; j++) {
            buf[m * k + j] = row[j];
            sum += row[j];
        }
        score[m++] = is_mean ? sum / (double)k : sum;
    }
    *rows = m;
    if (m < 3)
        goto done;
    rc = 0;

    gsl_matrix_view data = gsl_matrix_view_array(buf, m, k);
    for (size_t i = 0; i < k; i++) {
        gsl_vector_view ci = gsl_matrix_column(&data.matrix, i);
        for (size_t j = i; j < k; j++) {
            gsl_vector_view cj = gsl_matrix_column(&data.matrix, j);
            double c = gsl_stats_covariance(ci.vector.data, ci.vector.stride,
                                            cj.vector.data, cj.vector.stride, m);
            gsl_matrix_set(cov, i, j, c);
            gsl_matrix_set(cov, j, i, c);
        }
        if (items) {
            items[i].mean = gsl_stats_mean(ci.vector.data, ci.vector.stride, m);
            items[i].sd = gsl_stats_sd(ci.vector.data, ci.vector.stride, m);
        }
    }
    out->mean = gsl_stats_mean(score, 1, m);
    out->sd = gsl_stats_sd(score, 1, m);
done:
    free(score);
    free(buf);
    return rc;
}

/* Pairwise: each covariance from the rows where both items are present, as
 * R's cov(x, use = "pairwise"); item means and SDs from each item's own
 * values; the scale score of a row is the mean (or the sum) of the terms
 * answered in it, rows with none left out.  *rows receives the number of
 * rows with any value; returns 0, or -1 when some pair of items (or an item
 * with itself) shares fewer than 3 rows. */
static int moments_pairwise(const double *x, size_t n, size_t k, int is_mean,
                            gsl_matrix *cov, alpha_result *out, alpha_item *items, size_t *rows)
{
    double *a = xmalloc(n * sizeof *a);
    double *b = xmalloc(n * sizeof *b);
    double *score = xmalloc(n * sizeof *score);
    size_t nscore = 0;
    int rc = -1;

    for (size_t r = 0; r < n; r++) {
        double sum = 0;
        size_t answered = 0;
        for (size_t j = 0; j < k; j++) {
            double v = x[r * k + j];
            if (isfinite(v)) {
                sum += v;
                answered++;
            }
        }
        if (answered)
            score[nscore++] = is_mean ? sum / (double)answered : sum;
    }
    *rows = nscore;

    for (size_t i = 0; i < k; i++) {
        for (size_t j = i; j < k; j++) {
            size_t m = 0;
            for (size_t r = 0; r < n; r++) {
                double u = x[r * k + i], v = x[r * k + j];
                if (isfinite(u) && isfinite(v)) {
                    a[m] = u;
                    b[m] = v;
                    m++;
                }
            }
            if (m < 3)
                goto done;
            double c = gsl_stats_covariance(a, 1, b, 1, m);
            gsl_matrix_set(cov, i, j, c);
            gsl_matrix_set(cov, j, i, c);
            if (i == j && items) {
                items[i].mean = gsl_stats_mean(a, 1, m);
                items[i].sd = gsl_stats_sd(a, 1, m);
            }
        }
    }
    out->mean = gsl_stats_mean(score, 1, nscore);
    out->sd = gsl_stats_sd(score, 1, nscore);
    rc = 0;
done:
    free(score);
    free(a);
    free(b);
    return rc;
}

/* Alpha, standardized alpha, average r and the item statistics, all from
 * the covariance matrix C (psych::alpha works the same way: R = cov2cor(C),
 * r.drop and alpha.drop from C).  Returns 0, or -1 when sum(C) is not
 * positive. */
static int alpha_from_cov(const gsl_matrix *cov, size_t k, alpha_result *out, alpha_item *items)
{
    double total = 0, trace = 0;
    for (size_t i = 0; i < k; i++) {
        trace += gsl_matrix_get(cov, i, i);
        for (size_t j = 0; j < k; j++)
            total += gsl_matrix_get(cov, i, j);
    }
    if (!positive_total(total, trace))
        return -1;
    double kd = (double)k;
    out->alpha = kd / (kd - 1) * (1 - trace / total);

    /* correlations (R = cov2cor(C)) need every item to vary */
    int all_vary = 1;
    for (size_t i = 0; i < k; i++)
        if (!(gsl_matrix_get(cov, i, i) > 0))
            all_vary = 0;
    if (all_vary) {
        double rsum = 0;
        for (size_t i = 0; i < k; i++)
            for (size_t j = i + 1; j < k; j++)
                rsum += gsl_matrix_get(cov, i, j)
                        / sqrt(gsl_matrix_get(cov, i, i) * gsl_matrix_get(cov, j, j));
        double rbar = rsum / (kd * (kd - 1) / 2);
        double denom = 1 + (kd - 1) * rbar;
        out->average_r = rbar;
        out->alpha_std = denom != 0 ? kd * rbar / denom : NAN;
    }

    if (!items)
        return 0;
    for (size_t i = 0; i < k; i++) {
        double vi = gsl_matrix_get(cov, i, i);
        double with_rest = 0;   /* covariance of item i with the sum of the others */
        for (size_t j = 0; j < k; j++)
            if (j != i)
                with_rest += gsl_matrix_get(cov, i, j);
        double rest_total = total - 2 * with_rest - vi;   /* variance of the rest's sum */
        double rest_trace = trace - vi;
        items[i].r_drop = vi > 0 && positive_total(rest_total, rest_trace)
                              ? with_rest / sqrt(vi * rest_total) : NAN;
        if (k > 2 && positive_total(rest_total, rest_trace))
            items[i].alpha_if_deleted = (kd - 1) / (kd - 2) * (1 - rest_trace / rest_total);
        else
            items[i].alpha_if_deleted = NAN;
    }
    return 0;
}

int stats_alpha(const double *x, size_t n, size_t k, int pairwise, int is_mean,
                alpha_result *out, alpha_item *items)
{
    out->n = 0;
    out->k = k;
    alpha_blank(out, items, k);
    if (k < 2 || !x)
        return -1;

    double *cbuf = xcalloc(k * k, sizeof *cbuf);
    gsl_matrix_view cov = gsl_matrix_view_array(cbuf, k, k);
    int rc;

    if (pairwise)
        rc = moments_pairwise(x, n, k, is_mean, &cov.matrix, out, items, &out->n);
    else
        rc = moments_complete(x, n, k, is_mean, &cov.matrix, out, items, &out->n);
    if (rc == 0)
        rc = alpha_from_cov(&cov.matrix, k, out, items);
    if (rc != 0)
        alpha_blank(out, items, k);
    free(cbuf);
    return rc;
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
    out->r2 = sst > 0 ? 1 - sse / sst : NAN;
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
    out->kappa = out->se = NAN;
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

double stats_sd(const double *x, size_t n)
{
    size_t m;
    double *v = finite_values(x, n, &m);
    double sd = m >= 2 ? gsl_stats_sd(v, 1, m) : NAN;
    free(v);
    return sd;
}

double stats_mean(const double *x, size_t n)
{
    size_t m;
    double *v = finite_values(x, n, &m);
    double mean = m >= 1 ? gsl_stats_mean(v, 1, m) : NAN;
    free(v);
    return mean;
}

double stats_rci_cutoff(double sd0, double r)
{
    if (!isfinite(sd0) || !isfinite(r) || sd0 < 0 || r > 1)
        return NAN;
    return 1.96 * sd0 * sqrt(2 * (1 - r));
}
