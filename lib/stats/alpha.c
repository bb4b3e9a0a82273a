/* alpha.c: Cronbach's alpha and its item statistics, from running moments.
 *
 * The accumulator keeps O(k^2) numbers whatever the number of rows:
 *
 *   complete cases   the count of complete rows, each item's mean over them
 *                    and the co-moment matrix sum (x_i - mean_i)(x_j - mean_j),
 *                    and the running mean and M2 of the row sum;
 *   pairwise         for each pair i < j the count of rows with both present,
 *                    the mean of i and the mean of j over those rows (as R's
 *                    cov(use = "pairwise") centres each pair on its own rows)
 *                    and their co-moment; for each item its own count, mean
 *                    and M2 (the diagonal); the count of rows with any value
 *                    and the running mean and M2 of those rows' sum and of
 *                    their mean over the answered terms.
 *
 * Every update is Welford's (B. P. Welford, Technometrics 4:419-420, 1962,
 * and its co-moment form): when row x is the n-th to reach a set of means,
 *   d_i = x_i - mean_i,  mean_i += d_i / n,  C_ij += d_i (x_j - mean_j),
 * the last factor taken with the updated mean.  Unlike sums of squares this
 * loses no digits when the values sit far from 0 (1e6 + noise, say).  The
 * values are also shifted by each item's first value (each score's first
 * value), so the running means stay near 0 and are rounded finely: the
 * rounding of a mean near 1e6 would otherwise leave about 1e-11 relative
 * error in a variance of 1.
 *
 * Non-finite values (NaN, and infinities too) are missing. */
#include "stats.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_matrix.h>

#include "util.h"

/* Running mean and M2 (sum of squared deviations) of one quantity, its
 * values shifted by the first. */
typedef struct moments1 {
    size_t n;
    double shift, mean, m2;
} moments1;

static void moments1_add(moments1 *m, double v)
{
    if (m->n++ == 0)
        m->shift = v;
    v -= m->shift;
    double d = v - m->mean;
    m->mean += d / (double)m->n;
    m->m2 += d * (v - m->mean);
}

static double moments1_mean(const moments1 *m)
{
    return m->shift + m->mean;
}

static double moments1_sd(const moments1 *m)
{
    return m->n >= 2 ? sqrt(m->m2 / (double)(m->n - 1)) : NAN;
}

struct alpha_acc {
    size_t k;
    int pairwise;       /* the pairwise counts are kept */
    double *shift;      /* k: each item's first value, taken off all its values */
    unsigned char *shifted;   /* k: the item's first value was met */
    double *y;          /* k: scratch, the current row shifted */
    /* complete cases (of the shifted values) */
    size_t nc;
    double *cmean;      /* k: item means over the complete rows */
    double *cco;        /* k x k, upper triangle: co-moments over the complete rows */
    double *dev;        /* k: scratch, the current row's deviations */
    moments1 csum;      /* the row sum over the complete rows */
    /* pairwise (of the shifted values) */
    size_t *pn;         /* k x k, upper triangle and diagonal: rows with both present */
    double *pmean;      /* k x k: [i * k + j] mean of item i over the rows with i and j */
    double *pco;        /* k x k, upper triangle and diagonal: pairwise co-moments */
    size_t *present;    /* k: scratch, the current row's answered items */
    moments1 psum;      /* the sum of the answered terms, rows with any */
    moments1 pavg;      /* their mean, the same rows */
};

alpha_acc *alpha_acc_new_as(size_t k, int pairwise)
{
    alpha_acc *a = xcalloc(1, sizeof *a);
    a->k = k;
    a->pairwise = pairwise;
    a->shift = xcalloc(k, sizeof *a->shift);
    a->shifted = xcalloc(k ? k : 1, 1);
    a->y = xcalloc(k, sizeof *a->y);
    a->cmean = xcalloc(k, sizeof *a->cmean);
    a->cco = xcalloc(k * k, sizeof *a->cco);
    a->dev = xcalloc(k, sizeof *a->dev);
    a->pn = xcalloc(k * k, sizeof *a->pn);
    a->pmean = xcalloc(k * k, sizeof *a->pmean);
    a->pco = xcalloc(k * k, sizeof *a->pco);
    a->present = xcalloc(k, sizeof *a->present);
    return a;
}

alpha_acc *alpha_acc_new(size_t k)
{
    return alpha_acc_new_as(k, 1);
}

void alpha_acc_free(alpha_acc *a)
{
    if (!a)
        return;
    free(a->shift);
    free(a->shifted);
    free(a->y);
    free(a->cmean);
    free(a->cco);
    free(a->dev);
    free(a->pn);
    free(a->pmean);
    free(a->pco);
    free(a->present);
    free(a);
}

static void add_complete(alpha_acc *a, const double *y, double sum)
{
    size_t k = a->k;
    double n = (double)++a->nc;
    for (size_t i = 0; i < k; i++) {
        a->dev[i] = y[i] - a->cmean[i];
        a->cmean[i] += a->dev[i] / n;
    }
    for (size_t i = 0; i < k; i++) {
        double *co = a->cco + i * k;
        double di = a->dev[i];
        for (size_t j = i; j < k; j++)
            co[j] += di * (y[j] - a->cmean[j]);
    }
    moments1_add(&a->csum, sum);
}

static void add_pairwise(alpha_acc *a, const double *y, size_t m, double sum)
{
    size_t k = a->k;
    for (size_t p = 0; p < m; p++) {
        size_t i = a->present[p];
        double xi = y[i];
        for (size_t q = p; q < m; q++) {
            size_t j = a->present[q];
            double xj = y[j];
            size_t ij = i * k + j, ji = j * k + i;
            double n = (double)++a->pn[ij];
            double di = xi - a->pmean[ij];
            a->pmean[ij] += di / n;
            if (i == j) {
                a->pco[ij] += di * (xi - a->pmean[ij]);
                continue;
            }
            double dj = xj - a->pmean[ji];
            a->pmean[ji] += dj / n;
            a->pco[ij] += di * (xj - a->pmean[ji]);
        }
    }
    moments1_add(&a->psum, sum);
    moments1_add(&a->pavg, sum / (double)m);
}

void alpha_acc_add(alpha_acc *a, const double *row)
{
    size_t k = a->k, m = 0;
    double sum = 0;
    for (size_t j = 0; j < k; j++) {
        if (!isfinite(row[j]))
            continue;
        if (!a->shifted[j]) {   /* the item's first value */
            a->shift[j] = row[j];
            a->shifted[j] = 1;
        }
        a->y[j] = row[j] - a->shift[j];
        a->present[m++] = j;
        sum += row[j];
    }
    if (m == k)
        add_complete(a, a->y, sum);
    if (m > 0 && a->pairwise)
        add_pairwise(a, a->y, m, sum);
}

/* A sum of variances counts as zero when it is not above this share of the
 * items' own variances: rounding can leave 1e-16 where the truth is 0. */
#define ZERO_SHARE 1e-12

static int positive_total(double total, double trace)
{
    return total > 0 && total > ZERO_SHARE * trace;
}

static void alpha_blank(alpha_result *out, alpha_item *items, size_t k)
{
    out->alpha = out->alpha_std = out->average_r = NAN;
    out->mean = out->sd = NAN;
    if (items)
        for (size_t j = 0; j < k; j++)
            items[j].mean = items[j].sd = items[j].r_drop = items[j].alpha_if_deleted = NAN;
}

/* Complete cases: C = co-moments / (n - 1); item and scale statistics over
 * the complete rows.  Returns 0, or -1 with fewer than 3 complete rows. */
static int cov_complete(const alpha_acc *a, int is_mean, gsl_matrix *cov,
                        alpha_result *out, alpha_item *items)
{
    size_t k = a->k;
    out->n = a->nc;
    if (a->nc < 3)
        return -1;
    double df = (double)(a->nc - 1);
    for (size_t i = 0; i < k; i++) {
        for (size_t j = i; j < k; j++) {
            double c = a->cco[i * k + j] / df;
            gsl_matrix_set(cov, i, j, c);
            gsl_matrix_set(cov, j, i, c);
        }
        if (items) {
            items[i].mean = a->shift[i] + a->cmean[i];
            items[i].sd = sqrt(gsl_matrix_get(cov, i, i));
        }
    }
    double scale = is_mean ? (double)k : 1;   /* every complete row has k terms */
    out->mean = moments1_mean(&a->csum) / scale;
    out->sd = moments1_sd(&a->csum) / scale;
    return 0;
}

/* Pairwise: C_ij = co-moment of the pair / (its rows - 1); item mean and sd
 * over the item's own rows; the scale over the rows with any value.
 * Returns 0, or -1 when some pair (or item) has fewer than 3 rows. */
static int cov_pairwise(const alpha_acc *a, int is_mean, gsl_matrix *cov,
                        alpha_result *out, alpha_item *items)
{
    size_t k = a->k;
    out->n = a->psum.n;
    for (size_t i = 0; i < k; i++) {
        for (size_t j = i; j < k; j++) {
            size_t n = a->pn[i * k + j];
            if (n < 3)
                return -1;
            double c = a->pco[i * k + j] / (double)(n - 1);
            gsl_matrix_set(cov, i, j, c);
            gsl_matrix_set(cov, j, i, c);
        }
        if (items) {
            items[i].mean = a->shift[i] + a->pmean[i * k + i];
            items[i].sd = sqrt(gsl_matrix_get(cov, i, i));
        }
    }
    const moments1 *s = is_mean ? &a->pavg : &a->psum;
    out->mean = moments1_mean(s);
    out->sd = moments1_sd(s);
    return 0;
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

int alpha_acc_result(const alpha_acc *a, int pairwise, int is_mean,
                     alpha_result *out, alpha_item *items)
{
    size_t k = a->k;
    out->k = k;
    out->n = pairwise ? a->psum.n : a->nc;
    alpha_blank(out, items, k);
    if (k < 2 || (pairwise && !a->pairwise))
        return -1;

    double *cbuf = xcalloc(k * k, sizeof *cbuf);
    gsl_matrix_view cov = gsl_matrix_view_array(cbuf, k, k);
    int rc = pairwise ? cov_pairwise(a, is_mean, &cov.matrix, out, items)
                      : cov_complete(a, is_mean, &cov.matrix, out, items);
    /* too few cases: nothing is known; a scale that does not vary has no
     * alpha, but its mean and SD and its items' are what they are */
    if (rc == 0)
        rc = alpha_from_cov(&cov.matrix, k, out, items);
    else
        alpha_blank(out, items, k);
    free(cbuf);
    return rc;
}

int stats_alpha(const double *x, size_t n, size_t k, int pairwise, int is_mean,
                alpha_result *out, alpha_item *items)
{
    out->n = 0;
    out->k = k;
    alpha_blank(out, items, k);
    if (k < 2 || !x)
        return -1;
    alpha_acc *a = alpha_acc_new(k);
    for (size_t r = 0; r < n; r++)
        alpha_acc_add(a, x + r * k);
    int rc = alpha_acc_result(a, pairwise, is_mean, out, items);
    alpha_acc_free(a);
    return rc;
}
