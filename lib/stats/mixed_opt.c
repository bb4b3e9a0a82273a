/* mixed_opt.c: minimizing the profiled criterion of mixed.c over theta:
 * GSL's Nelder-Mead simplex, then Newton steps on central-difference
 * derivatives, and the convergence check lme4 makes. */
#include "mixed_int.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <math.h>
#include <string.h>

static double nm_f(const gsl_vector *v, void *ctx)
{
    fitwork *w = ctx;
    double th[4];
    for (size_t i = 0; i < w->ntheta; i++)
        th[i] = gsl_vector_get(v, i);
    double f = mixed_criterion(w, th);
    return isfinite(f) ? f : GSL_POSINF;
}

/* Whether theta[i] is a diagonal entry (bounded below by 0 in lme4). */
int mixed_is_diag(const fitwork *w, size_t i)
{
    return !(w->q == 2 && i == 1);
}

/* Nelder-Mead from th with initial steps step; returns 1 when the simplex
 * shrank below the tolerance. */
int mixed_simplex(fitwork *w, double *th, double step, double tol)
{
    size_t p = w->ntheta;
    gsl_multimin_function fn = { nm_f, p, w };
    gsl_vector *x = gsl_vector_alloc(p), *ss = gsl_vector_alloc(p);
    for (size_t i = 0; i < p; i++) {
        gsl_vector_set(x, i, th[i]);
        gsl_vector_set(ss, i, step);
    }
    gsl_multimin_fminimizer *m =
        gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, p);
    int done = 0;
    if (gsl_multimin_fminimizer_set(m, &fn, x, ss) == GSL_SUCCESS) {
        for (int it = 0; it < 5000; it++) {
            if (w->evals >= w->max_evals || gsl_multimin_fminimizer_iterate(m) != GSL_SUCCESS)
                break;
            if (gsl_multimin_test_size(gsl_multimin_fminimizer_size(m), tol) == GSL_SUCCESS) {
                done = 1;
                break;
            }
        }
        for (size_t i = 0; i < p; i++)
            th[i] = gsl_vector_get(m->x, i);
    }
    gsl_multimin_fminimizer_free(m);
    gsl_vector_free(x);
    gsl_vector_free(ss);
    return done;
}

static double fd_step(double t)
{
    return 1e-4 * fmax(fabs(t), 0.05);
}

/* Central-difference gradient (and Hessian when H is not NULL) over the
 * free entries of theta. */
void mixed_derivs(fitwork *w, const double *th, const int *fixed, double f0, double *gr,
                  double *H)
{
    size_t p = w->ntheta;
    double t[4];
    for (size_t i = 0; i < p; i++) {
        gr[i] = 0;
        if (H)
            for (size_t j = 0; j < p; j++)
                H[i * p + j] = i == j;
    }
    for (size_t i = 0; i < p; i++) {
        if (fixed[i])
            continue;
        double hi = fd_step(th[i]);
        memcpy(t, th, p * sizeof *t);
        t[i] = th[i] + hi;
        double fp = mixed_criterion(w, t);
        t[i] = th[i] - hi;
        double fm = mixed_criterion(w, t);
        gr[i] = (fp - fm) / (2 * hi);
        if (!H)
            continue;
        H[i * p + i] = (fp - 2 * f0 + fm) / (hi * hi);
        for (size_t j = 0; j < i; j++) {
            if (fixed[j])
                continue;
            double hj = fd_step(th[j]), s = 0;
            for (int a = -1; a <= 1; a += 2)
                for (int b = -1; b <= 1; b += 2) {
                    memcpy(t, th, p * sizeof *t);
                    t[i] += a * hi;
                    t[j] += b * hj;
                    s += a * b * mixed_criterion(w, t);
                }
            H[i * p + j] = H[j * p + i] = s / (4 * hi * hj);
        }
    }
}

/* The lower Cholesky factor Lm (row stride 4) of H (p x p, p <= 4);
 * returns -1 when H is not positive definite. */
static int cholesky(const double *H, size_t p, double *Lm)
{
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j <= i; j++) {
            double s = H[i * p + j];
            for (size_t k = 0; k < j; k++)
                s -= Lm[i * 4 + k] * Lm[j * 4 + k];
            if (i == j) {
                if (!(s > 0))
                    return -1;
                Lm[i * 4 + i] = sqrt(s);
            } else {
                Lm[i * 4 + j] = s / Lm[j * 4 + j];
            }
        }
    return 0;
}

/* Solves H d = -g; returns 0, or -1 when H is not positive definite. */
static int newton_dir(const double *H, const double *gr, size_t p, double *d)
{
    double Lm[16] = { 0 }, z[4];
    if (cholesky(H, p, Lm) != 0)
        return -1;
    for (size_t i = 0; i < p; i++) {
        double s = -gr[i];
        for (size_t k = 0; k < i; k++)
            s -= Lm[i * 4 + k] * z[k];
        z[i] = s / Lm[i * 4 + i];
    }
    for (size_t i = p; i-- > 0;) {
        double s = z[i];
        for (size_t k = i + 1; k < p; k++)
            s -= Lm[k * 4 + i] * d[k];
        d[i] = s / Lm[i * 4 + i];
    }
    return 0;
}

/* The convergence measure lme4 uses: per entry the smaller of the absolute
 * gradient and the gradient scaled by the Hessian's Cholesky factor
 * (R^-1 g with H = R'R), whose size does not grow with the data as the
 * plain gradient does; the largest of these. */
double mixed_gradient_measure(const double *H, const double *gr, size_t p)
{
    double Lm[16] = { 0 }, z[4];
    int scaled = cholesky(H, p, Lm) == 0;
    /* R = Lm': solve R z = g from the last entry up */
    for (size_t i = p; scaled && i-- > 0;) {
        double s = gr[i];
        for (size_t k = i + 1; k < p; k++)
            s -= Lm[k * 4 + i] * z[k];
        z[i] = s / Lm[i * 4 + i];
    }
    double m = 0;
    for (size_t i = 0; i < p; i++)
        m = fmax(m, scaled ? fmin(fabs(gr[i]), fabs(z[i])) : fabs(gr[i]));
    return m;
}

/* Puts diagonal entries that sit at the bound on it, then refines the
 * free entries by damped Newton steps. */
double mixed_polish(fitwork *w, double *th, int *fixed)
{
    size_t p = w->ntheta;
    double f = mixed_criterion(w, th), t[4];
    for (size_t i = 0; i < p; i++) {
        fixed[i] = 0;
        if (!mixed_is_diag(w, i) || fabs(th[i]) >= 1e-3)
            continue;
        memcpy(t, th, p * sizeof *t);
        t[i] = 0;
        double f0 = mixed_criterion(w, t);
        if (f0 <= f + 1e-10 * fabs(f)) {
            th[i] = 0;
            f = f0;
            fixed[i] = 1;
        }
    }
    for (int it = 0; it < 8 && w->evals < w->max_evals; it++) {
        double gr[4], H[16], d[4] = { 0 };
        mixed_derivs(w, th, fixed, f, gr, H);
        if (newton_dir(H, gr, p, d) != 0)
            break;
        double step = 1, moved = 0;
        int better = 0;
        for (int half = 0; half < 30 && !better; half++, step /= 2) {
            for (size_t i = 0; i < p; i++)
                t[i] = th[i] + step * d[i];
            double ft = mixed_criterion(w, t);
            /* flat to rounding is taken too: still nearer the gradient's root */
            if (ft <= f + 1e-14 * fabs(f)) {
                better = 1;
                for (size_t i = 0; i < p; i++)
                    moved = fmax(moved, fabs(t[i] - th[i]) / fmax(fabs(th[i]), 1));
                memcpy(th, t, p * sizeof *t);
                f = ft;
            }
        }
        /* a full Newton step this small leaves theta good to about its
         * square: no need for another round of derivatives */
        if (!better || moved < 1e-7)
            break;
    }
    return f;
}

double mixed_scan(fitwork *w, double *th)
{
    /* finer where there is one parameter, coarser where the grid has
     * three or four dimensions */
    static const double diag1[] = { 0,   0.01, 0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1,
                                    1.5, 2,    3,    4,    6,   8,   12,   20,  40,   100 };
    static const double diag2[] = { 0, 0.03, 0.1, 0.3, 1, 2, 4, 10, 30 };
    static const double diag3[] = { 0.05, 0.3, 1.5, 8 };
    static const double off[] = { -1, -0.1, 0, 0.1, 1 };
    const double *vals[4];
    size_t nvals[4], idx[4] = { 0, 0, 0, 0 };
    for (size_t i = 0; i < w->ntheta; i++) {
        if (!mixed_is_diag(w, i)) {
            vals[i] = off;
            nvals[i] = sizeof off / sizeof off[0];
        } else if (w->ntheta == 1) {
            vals[i] = diag1;
            nvals[i] = sizeof diag1 / sizeof diag1[0];
        } else if (w->ntheta == 2) {
            vals[i] = diag2;
            nvals[i] = sizeof diag2 / sizeof diag2[0];
        } else {
            vals[i] = diag3;
            nvals[i] = sizeof diag3 / sizeof diag3[0];
        }
    }
    double best = INFINITY;
    for (;;) {
        double t[4];
        for (size_t i = 0; i < w->ntheta; i++)
            t[i] = vals[i][idx[i]];
        double f = mixed_criterion(w, t);
        if (f < best) {
            best = f;
            memcpy(th, t, w->ntheta * sizeof *t);
        }
        size_t i = 0;   /* the next point, the first index turning fastest */
        while (i < w->ntheta && ++idx[i] == nvals[i])
            idx[i++] = 0;
        if (i == w->ntheta)
            break;
    }
    return best;
}
