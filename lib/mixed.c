/* mixed.c: the profiled REML criterion (or ML deviance) of a growth model
 * over the relative covariance factor, and its minimum (see mixed.h).
 *
 * For a given theta the penalized least squares system in the spherical
 * random effects u (Bates et al. 2015, eq. 17-19)
 *     [ Lambda'Z'Z Lambda + I   Lambda'Z'X ] [u]   [Lambda'Z'y]
 *     [ X'Z Lambda              X'X        ] [b] = [X'y       ]
 * is solved by eliminating one block at a time: each client's q x q block
 * (q = 1 or 2), which couples only to its therapist's single random effect
 * and to the two fixed effects; then each therapist's scalar, which couples
 * only to the fixed effects; then the 2 x 2 fixed-effect block.  The log
 * determinant of the random-effect part is the sum of the logs of the
 * pivots' determinants, the fixed-effect block left at the end is R_X'R_X,
 * and the penalized residual sum of squares is y'y minus the sum, over the
 * pivots, of reduced right-hand side' pivot^-1 reduced right-hand side. */
#include "mixed.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A client's data: its count, means and centred sums of squares and
 * products, so any shift of x is exact. */
typedef struct cstat {
    size_t therapist;
    double n, mx, my, sxx, sxy, syy;
} cstat;

struct mixed_data {
    cstat *c;
    size_t n, cap, nobs;
};

/* A client's sums at the fit's shift of x and y:
 * n, sum x, sum x^2, sum y, sum xy, sum y^2. */
typedef struct csum {
    size_t therapist;
    double n, sx, sxx, sy, sxy, syy;
} csum;

typedef struct fitwork {
    const mixed_spec *sp;
    csum *c;
    size_t nc, nt, nobs;
    int q;                    /* random effects per client */
    size_t ntheta;
    double yy;                /* sum of squares of the shifted y */
    double *stt, *stb, *rt;   /* per therapist: pivot, coupling to b (2), rhs */
    size_t evals, max_evals;
    /* filled by an evaluation asked for detail */
    double beta[2], sbb[3], r2;
} fitwork;

mixed_data *mixed_data_new(void)
{
    return xcalloc(1, sizeof(mixed_data));
}

void mixed_data_free(mixed_data *d)
{
    if (!d)
        return;
    free(d->c);
    free(d);
}

long mixed_data_add(mixed_data *d, size_t therapist, const double *x, const double *y,
                    size_t n)
{
    double k = 0, sx = 0, sy = 0;
    for (size_t j = 0; j < n; j++)
        if (!isnan(x[j]) && !isnan(y[j])) {
            k++;
            sx += x[j];
            sy += y[j];
        }
    if (k == 0)
        return -1;
    cstat s = { therapist, k, sx / k, sy / k, 0, 0, 0 };
    for (size_t j = 0; j < n; j++)
        if (!isnan(x[j]) && !isnan(y[j])) {
            double dx = x[j] - s.mx, dy = y[j] - s.my;
            s.sxx += dx * dx;
            s.sxy += dx * dy;
            s.syy += dy * dy;
        }
    if (d->n == d->cap) {
        d->cap = d->cap ? 2 * d->cap : 64;
        d->c = xrealloc(d->c, d->cap * sizeof *d->c);
    }
    d->c[d->n] = s;
    d->nobs += (size_t)k;
    return (long)d->n++;
}

size_t mixed_data_nobs(const mixed_data *d)
{
    return d ? d->nobs : 0;
}

size_t mixed_data_nclients(const mixed_data *d)
{
    return d ? d->n : 0;
}

int mixed_data_ols(const mixed_data *d, double *slope, double *slope_se)
{
    *slope = *slope_se = NAN;
    if (!d || d->nobs < 3)
        return -1;
    double N = (double)d->nobs, xm = 0, ym = 0, sxx = 0, sxy = 0, syy = 0;
    for (size_t i = 0; i < d->n; i++) {
        xm += d->c[i].n * d->c[i].mx;
        ym += d->c[i].n * d->c[i].my;
    }
    xm /= N;
    ym /= N;
    for (size_t i = 0; i < d->n; i++) {
        const cstat *c = &d->c[i];
        double dx = c->mx - xm, dy = c->my - ym;
        sxx += c->sxx + c->n * dx * dx;
        sxy += c->sxy + c->n * dx * dy;
        syy += c->syy + c->n * dy * dy;
    }
    if (!(sxx > 0))
        return -1;
    double b = sxy / sxx, sse = fmax(syy - b * sxy, 0);
    *slope = b;
    *slope_se = sqrt(sse / (N - 2) / sxx);
    return 0;
}

/* The client factor Lambda_c (lower triangular, row-major q x q) and the
 * therapist factor g from theta; diagonal entries are taken by absolute
 * value, which leaves Lambda Lambda' unchanged up to the sign of the
 * correlation and lets an unconstrained minimizer work on theta. */
static void lambda_of(const fitwork *w, const double *th, double L[4], double *g)
{
    if (w->q == 2) {
        L[0] = fabs(th[0]);
        L[1] = 0;
        L[2] = th[1];
        L[3] = fabs(th[2]);
    } else {
        L[0] = fabs(th[0]);
    }
    *g = w->sp->therapist_level ? fabs(th[w->ntheta - 1]) : 0;
}

/* One client's pivot: A = L'Z'ZL + I, C = L'Z'X, r = L'Z'y, and A^-1 C,
 * A^-1 r; returns log det A. */
typedef struct cblock {
    double Ai[4], C[4], r[2], AiC[4], Air[2];
} cblock;

static double client_block(const fitwork *w, const csum *s, const double L[4], cblock *b)
{
    if (w->q == 1) {
        double a = L[0];
        double A = a * a * s->n + 1;
        b->Ai[0] = 1 / A;
        b->C[0] = a * s->n;
        b->C[1] = a * s->sx;
        b->r[0] = a * s->sy;
        b->AiC[0] = b->C[0] / A;
        b->AiC[1] = b->C[1] / A;
        b->Air[0] = b->r[0] / A;
        return log(A);
    }
    /* M = Z'Z = X'X = [[n, sx], [sx, sxx]]; L' = [[l0, l2], [0, l3]] */
    double l0 = L[0], l2 = L[2], l3 = L[3];
    double m00 = s->n, m01 = s->sx, m11 = s->sxx;
    /* C = L'M (2 x 2, row-major) */
    b->C[0] = l0 * m00 + l2 * m01;
    b->C[1] = l0 * m01 + l2 * m11;
    b->C[2] = l3 * m01;
    b->C[3] = l3 * m11;
    /* A = C L + I */
    double a00 = b->C[0] * l0 + b->C[1] * l2 + 1;
    double a01 = b->C[1] * l3;
    double a11 = b->C[3] * l3 + 1;
    double det = a00 * a11 - a01 * a01;
    b->Ai[0] = a11 / det;
    b->Ai[1] = -a01 / det;
    b->Ai[2] = -a01 / det;
    b->Ai[3] = a00 / det;
    b->r[0] = l0 * s->sy + l2 * s->sxy;
    b->r[1] = l3 * s->sxy;
    for (int i = 0; i < 2; i++) {
        for (int k = 0; k < 2; k++)
            b->AiC[2 * i + k] = b->Ai[2 * i] * b->C[k] + b->Ai[2 * i + 1] * b->C[2 + k];
        b->Air[i] = b->Ai[2 * i] * b->r[0] + b->Ai[2 * i + 1] * b->r[1];
    }
    return log(det);
}

/* The profiled criterion at theta; with detail, leaves beta, R_X'R_X
 * (sbb: [0,0], [0,1], [1,1]) and the penalized RSS in w. */
static double criterion(fitwork *w, const double *th)
{
    double L[4], g;
    lambda_of(w, th, L, &g);
    int q = w->q;
    double logdet = 0, quad = 0;
    double sbb[3] = { 0, 0, 0 }, rb[2] = { 0, 0 };
    int tl = w->sp->therapist_level;
    if (tl)
        for (size_t t = 0; t < w->nt; t++) {
            w->stt[t] = 1;
            w->stb[2 * t] = w->stb[2 * t + 1] = 0;
            w->rt[t] = 0;
        }
    w->evals++;
    for (size_t i = 0; i < w->nc; i++) {
        const csum *s = &w->c[i];
        cblock b;
        logdet += client_block(w, s, L, &b);
        /* X'X - C'A^-1 C and X'y - C'A^-1 r */
        double c0r = 0, c1r = 0, cc00 = 0, cc01 = 0, cc11 = 0;
        for (int k = 0; k < q; k++) {
            c0r += b.C[q * k] * b.Air[k];
            c1r += b.C[q * k + 1] * b.Air[k];
            cc00 += b.C[q * k] * b.AiC[q * k];
            cc01 += b.C[q * k] * b.AiC[q * k + 1];
            cc11 += b.C[q * k + 1] * b.AiC[q * k + 1];
            quad += b.r[k] * b.Air[k];
        }
        sbb[0] += s->n - cc00;
        sbb[1] += s->sx - cc01;
        sbb[2] += s->sxx - cc11;
        rb[0] += s->sy - c0r;
        rb[1] += s->sxy - c1r;
        if (tl) {
            /* the client's coupling to its therapist's effect is
             * B = g L'Z_i'1 = g C[:, 0]; w = A^-1 B */
            size_t t = s->therapist;
            double wb = 0, wc0 = 0, wc1 = 0, wr = 0;
            for (int k = 0; k < q; k++) {
                double wk = g * b.AiC[q * k];       /* (A^-1 B)_k */
                wb += g * b.C[q * k] * wk;
                wc0 += wk * b.C[q * k];
                wc1 += wk * b.C[q * k + 1];
                wr += wk * b.r[k];
            }
            w->stt[t] += g * g * s->n - wb;
            w->stb[2 * t] += g * s->n - wc0;
            w->stb[2 * t + 1] += g * s->sx - wc1;
            w->rt[t] += g * s->sy - wr;
        }
    }
    if (tl)
        for (size_t t = 0; t < w->nt; t++) {
            double p = w->stt[t], b0 = w->stb[2 * t], b1 = w->stb[2 * t + 1], r = w->rt[t];
            logdet += log(p);
            sbb[0] -= b0 * b0 / p;
            sbb[1] -= b0 * b1 / p;
            sbb[2] -= b1 * b1 / p;
            rb[0] -= b0 * r / p;
            rb[1] -= b1 * r / p;
            quad += r * r / p;
        }
    double det = sbb[0] * sbb[2] - sbb[1] * sbb[1];
    double beta0 = (sbb[2] * rb[0] - sbb[1] * rb[1]) / det;
    double beta1 = (sbb[0] * rb[1] - sbb[1] * rb[0]) / det;
    quad += beta0 * rb[0] + beta1 * rb[1];
    double r2 = w->yy - quad;
    if (!(r2 > 0) || !(det > 0))
        return INFINITY;
    w->beta[0] = beta0;
    w->beta[1] = beta1;
    memcpy(w->sbb, sbb, sizeof sbb);
    w->r2 = r2;
    double n = (double)w->nobs;
    if (w->sp->reml) {
        double df = n - 2;
        return logdet + log(det) + df * (1 + log(2 * M_PI * r2 / df));
    }
    return logdet + n * (1 + log(2 * M_PI * r2 / n));
}

static double nm_f(const gsl_vector *v, void *ctx)
{
    fitwork *w = ctx;
    double th[4];
    for (size_t i = 0; i < w->ntheta; i++)
        th[i] = gsl_vector_get(v, i);
    double f = criterion(w, th);
    return isfinite(f) ? f : GSL_POSINF;
}

/* Whether theta[i] is a diagonal entry (bounded below by 0 in lme4). */
static int is_diag(const fitwork *w, size_t i)
{
    return !(w->q == 2 && i == 1);
}

/* Nelder-Mead from th with initial steps step; returns 1 when the simplex
 * shrank below the tolerance. */
static int simplex(fitwork *w, double *th, double step, double tol)
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
static void derivs(fitwork *w, const double *th, const int *fixed, double f0, double *gr,
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
        double fp = criterion(w, t);
        t[i] = th[i] - hi;
        double fm = criterion(w, t);
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
                    s += a * b * criterion(w, t);
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
static double gradient_measure(const double *H, const double *gr, size_t p)
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
static double polish(fitwork *w, double *th, int *fixed)
{
    size_t p = w->ntheta;
    double f = criterion(w, th), t[4];
    for (size_t i = 0; i < p; i++) {
        fixed[i] = 0;
        if (!is_diag(w, i) || fabs(th[i]) >= 1e-3)
            continue;
        memcpy(t, th, p * sizeof *t);
        t[i] = 0;
        double f0 = criterion(w, t);
        if (f0 <= f + 1e-10 * fabs(f)) {
            th[i] = 0;
            f = f0;
            fixed[i] = 1;
        }
    }
    for (int it = 0; it < 8 && w->evals < w->max_evals; it++) {
        double gr[4], H[16], d[4] = { 0 };
        derivs(w, th, fixed, f, gr, H);
        if (newton_dir(H, gr, p, d) != 0)
            break;
        double step = 1, moved = 0;
        int better = 0;
        for (int half = 0; half < 30 && !better; half++, step /= 2) {
            for (size_t i = 0; i < p; i++)
                t[i] = th[i] + step * d[i];
            double ft = criterion(w, t);
            if (ft <= f + 1e-14 * fabs(f)) {   /* flat to rounding: still nearer the root of the gradient */
                better = 1;
                for (size_t i = 0; i < p; i++)
                    moved = fmax(moved, fabs(t[i] - th[i]));
                memcpy(th, t, p * sizeof *t);
                f = ft;
            }
        }
        if (!better || moved < 1e-12)
            break;
    }
    return f;
}

void mixed_result_release(mixed_result *r)
{
    if (!r)
        return;
    free(r->ranef);
    free(r->ranef_therapist);
    r->ranef = r->ranef_therapist = NULL;
}

/* The conditional modes at theta (after an evaluation there): each
 * therapist's v_t = g u_t and each client's b_i = L u_i. */
static void modes(fitwork *w, const double *th, double offset, mixed_result *out)
{
    double L[4], g;
    lambda_of(w, th, L, &g);
    int q = w->q;
    double *ut = NULL;
    if (w->sp->therapist_level) {
        ut = xcalloc(w->nt ? w->nt : 1, sizeof *ut);
        out->ranef_therapist = xcalloc(w->nt ? w->nt : 1, sizeof *out->ranef_therapist);
        for (size_t t = 0; t < w->nt; t++) {
            ut[t] = (w->rt[t] - w->stb[2 * t] * w->beta[0] - w->stb[2 * t + 1] * w->beta[1]) /
                    w->stt[t];
            out->ranef_therapist[t] = g * ut[t];
        }
    }
    out->ranef = xcalloc(2 * (w->nc ? w->nc : 1), sizeof *out->ranef);
    for (size_t i = 0; i < w->nc; i++) {
        cblock b;
        client_block(w, &w->c[i], L, &b);
        double rhs[2], u[2] = { 0, 0 };
        for (int k = 0; k < q; k++) {
            rhs[k] = b.r[k] - b.C[q * k] * w->beta[0] - b.C[q * k + 1] * w->beta[1];
            if (ut)
                rhs[k] -= g * b.C[q * k] * ut[w->c[i].therapist];
        }
        for (int k = 0; k < q; k++)
            for (int j = 0; j < q; j++)
                u[k] += b.Ai[q * k + j] * rhs[j];
        double b0, b1 = 0;
        if (q == 2) {
            b0 = L[0] * u[0];
            b1 = L[2] * u[0] + L[3] * u[1];
        } else {
            b0 = L[0] * u[0];
        }
        double v = ut ? g * ut[w->c[i].therapist] : 0;
        out->ranef[2 * i] = w->beta[0] + offset + b0 + v;
        out->ranef[2 * i + 1] = w->beta[1] + b1;
    }
    free(ut);
}

static at_status check_data(const mixed_data *d, const mixed_spec *sp, fitwork *w, at_err *err)
{
    size_t q = sp->random_slope ? 2 : 1;
    if (d->n < 2)
        return at_fail(err, AT_EINVAL, "%zu client%s: the model needs 2 or more", d->n,
                       d->n == 1 ? "" : "s");
    if (d->nobs <= q * d->n)
        return at_fail(err, AT_EINVAL,
                       "%zu observations for %zu random effects of the clients: the model "
                       "needs more observations than that", d->nobs, q * d->n);
    if (sp->therapist_level) {
        size_t used = 0;
        char *seen = xcalloc(w->nt ? w->nt : 1, 1);
        for (size_t i = 0; i < d->n; i++)
            if (!seen[d->c[i].therapist]) {
                seen[d->c[i].therapist] = 1;
                used++;
            }
        free(seen);
        if (used < 2)
            return at_fail(err, AT_EINVAL, "%zu therapist%s: the therapist level needs 2 or more",
                           used, used == 1 ? "" : "s");
    }
    double sxx = 0;
    for (size_t i = 0; i < d->n; i++)
        sxx += d->c[i].sxx;
    double gm = 0;
    for (size_t i = 0; i < d->n; i++)
        gm += d->c[i].n * d->c[i].mx;
    gm /= (double)d->nobs;
    double between = 0;
    for (size_t i = 0; i < d->n; i++)
        between += d->c[i].n * (d->c[i].mx - gm) * (d->c[i].mx - gm);
    if (sp->center == MIXED_CENTER_CLIENT ? !(sxx > 0) : !(sxx + between > 0))
        return at_fail(err, AT_EINVAL, "time does not vary%s",
                       sp->center == MIXED_CENTER_CLIENT ? " within clients" : "");
    return AT_OK;
}

at_status mixed_fit(const mixed_data *d, const mixed_spec *sp, int want_ranef,
                    mixed_result *out, at_err *err)
{
    memset(out, 0, sizeof *out);
    fitwork w;
    memset(&w, 0, sizeof w);
    w.sp = sp;
    w.q = sp->random_slope ? 2 : 1;
    w.ntheta = (sp->random_slope ? 3 : 1) + (sp->therapist_level ? 1 : 0);
    w.nobs = d->nobs;
    w.nc = d->n;
    w.max_evals = sp->max_evaluations ? sp->max_evaluations : 100000;
    for (size_t i = 0; i < d->n; i++)
        if (d->c[i].therapist + 1 > w.nt)
            w.nt = d->c[i].therapist + 1;
    if (!sp->therapist_level)
        w.nt = 0;
    at_status st = check_data(d, sp, &w, err);
    if (st != AT_OK)
        return st;

    double N = (double)d->nobs, xm = 0, ym = 0;
    for (size_t i = 0; i < d->n; i++) {
        xm += d->c[i].n * d->c[i].mx;
        ym += d->c[i].n * d->c[i].my;
    }
    xm /= N;
    ym /= N;
    double shift = sp->center == MIXED_CENTER_GRAND ? xm : 0;
    /* With a random intercept only, shifting x changes nothing but the
     * intercept, so x is centred inside the fit for the conditioning of
     * X'X (x may be a date in weeks) and the intercept moved back after. */
    double inner = sp->center == MIXED_CENTER_NONE && !sp->random_slope ? xm : shift;
    w.c = xmalloc(d->n * sizeof *w.c);
    for (size_t i = 0; i < d->n; i++) {
        const cstat *s = &d->c[i];
        double dx = sp->center == MIXED_CENTER_CLIENT ? 0 : s->mx - inner, dy = s->my - ym;
        csum *c = &w.c[i];
        c->therapist = s->therapist;
        c->n = s->n;
        c->sx = s->n * dx;
        c->sxx = s->sxx + s->n * dx * dx;
        c->sy = s->n * dy;
        c->sxy = s->sxy + s->n * dx * dy;
        c->syy = s->syy + s->n * dy * dy;
        w.yy += c->syy;
    }
    if (w.nt) {
        w.stt = xmalloc(w.nt * sizeof *w.stt);
        w.stb = xmalloc(2 * w.nt * sizeof *w.stb);
        w.rt = xmalloc(w.nt * sizeof *w.rt);
    }

    /* lme4's start: the diagonal of Lambda at 1, the rest 0 */
    double th[4] = { 1, 0, 1, 1 };
    if (!sp->random_slope)
        th[1] = 1;
    /* The simplex finds the basin, Newton steps go the last digits; when
     * they cannot (the Hessian not positive definite there), a finer
     * simplex from where it stopped, and Newton again. */
    int ok = simplex(&w, th, 0.25, 1e-3);
    int fixed[4];
    double f, gr[4], H[16], gmax = INFINITY;
    for (int round = 0; round < 2; round++) {
        if (round)
            ok = simplex(&w, th, 0.01, 1e-6);
        f = polish(&w, th, fixed);
        for (size_t i = 0; i < w.ntheta; i++)
            if (is_diag(&w, i))
                th[i] = fabs(th[i]);
        f = criterion(&w, th);
        derivs(&w, th, fixed, f, gr, H);
        gmax = gradient_measure(H, gr, w.ntheta);
        if (gmax < 1e-4)
            break;
    }
    f = criterion(&w, th);      /* leaves beta and the pivots at the optimum */

    out->nobs = d->nobs;
    out->nclients = d->n;
    if (sp->therapist_level) {
        char *seen = xcalloc(w.nt, 1);
        for (size_t i = 0; i < d->n; i++)
            if (!seen[w.c[i].therapist]) {
                seen[w.c[i].therapist] = 1;
                out->ntherapists++;
            }
        free(seen);
    }
    if (!isfinite(f)) {
        free(w.c);
        free(w.stt);
        free(w.stb);
        free(w.rt);
        return at_fail(err, AT_EINVAL, "the criterion could not be evaluated at the optimum");
    }
    double df = sp->reml ? N - 2 : N;
    double s2 = w.r2 / df, sigma = sqrt(s2);
    double det = w.sbb[0] * w.sbb[2] - w.sbb[1] * w.sbb[1];
    /* vcov = s2 (R_X'R_X)^-1, the intercept moved from x = inner to x = shift */
    double c = inner - shift;
    double v0 = s2 * w.sbb[2] / det, v01 = -s2 * w.sbb[1] / det, v1 = s2 * w.sbb[0] / det;
    out->beta[0] = w.beta[0] + ym - w.beta[1] * c;
    out->beta[1] = w.beta[1];
    out->beta_se[0] = sqrt(v0 - 2 * c * v01 + c * c * v1);
    out->beta_se[1] = sqrt(v1);
    for (int k = 0; k < 2; k++)
        out->beta_t[k] = out->beta[k] / out->beta_se[k];
    out->sigma = sigma;
    out->ntheta = w.ntheta;
    memcpy(out->theta, th, sizeof th);
    out->sd_intercept = sigma * th[0];
    out->sd_slope = out->cor = out->sd_therapist = NAN;
    if (sp->random_slope) {
        double v1 = sqrt(th[1] * th[1] + th[2] * th[2]);
        out->sd_slope = sigma * v1;
        if (th[0] > 0 && v1 > 0)
            out->cor = th[1] / v1;
    }
    if (sp->therapist_level)
        out->sd_therapist = sigma * th[w.ntheta - 1];
    out->criterion = f;
    out->npar = 2 + w.ntheta + 1;
    out->loglik = -f / 2;
    out->aic = f + 2 * (double)out->npar;
    out->bic = f + (double)out->npar * log(N);
    out->x_shift = shift;
    out->gradient = gmax;
    out->converged = ok && gmax < 0.002 && w.evals < w.max_evals;
    out->singular = 0;
    for (size_t i = 0; i < w.ntheta; i++)
        if (is_diag(&w, i) && th[i] < 1e-4)
            out->singular = 1;
    out->evaluations = w.evals;
    if (want_ranef)
        modes(&w, th, ym - w.beta[1] * c, out);
    free(w.c);
    free(w.stt);
    free(w.stb);
    free(w.rt);
    return AT_OK;
}
