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
#include "mixed_int.h"

#include <gsl/gsl_math.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
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
 * A^-1 r; returns det A (at least 1, as A - I is positive semidefinite). */
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
        return A;
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
    return det;
}

/* The profiled criterion at theta; with detail, leaves beta, R_X'R_X
 * (sbb: [0,0], [0,1], [1,1]) and the penalized RSS in w. */
double mixed_criterion(fitwork *w, const double *th)
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
    for (size_t gi = 0; gi < w->ng; gi++) {
        const cgroup *grp = &w->g[gi];
        const csum *s = &grp->s;
        double m = grp->m;
        cblock b;
        logdet += m * log(client_block(w, s, L, &b));
        /* X'X - C'A^-1 C and X'y - C'A^-1 r: the first per client (times m),
         * the second linear in r, so taken at the group's summed r */
        double c0r = 0, c1r = 0, cc00 = 0, cc01 = 0, cc11 = 0;
        for (int k = 0; k < q; k++) {
            c0r += b.C[q * k] * b.Air[k];
            c1r += b.C[q * k + 1] * b.Air[k];
            cc00 += b.C[q * k] * b.AiC[q * k];
            cc01 += b.C[q * k] * b.AiC[q * k + 1];
            cc11 += b.C[q * k + 1] * b.AiC[q * k + 1];
        }
        /* r'A^-1 r summed over the clients, r = T u with u = (sy, sxy):
         * the trace of T'A^-1 T with the sum of u u' */
        if (q == 2) {
            double l0 = L[0], l2 = L[2], l3 = L[3];
            double p00 = b.Ai[0] * l0, p01 = b.Ai[0] * l2 + b.Ai[1] * l3;
            double p10 = b.Ai[2] * l0, p11 = b.Ai[2] * l2 + b.Ai[3] * l3;
            double m00 = l0 * p00, m01 = l0 * p01, m10 = l2 * p00 + l3 * p10,
                   m11 = l2 * p01 + l3 * p11;
            quad += m00 * grp->uu[0] + (m01 + m10) * grp->uu[1] + m11 * grp->uu[2];
        } else {
            quad += L[0] * L[0] * b.Ai[0] * grp->uu[0];
        }
        sbb[0] += m * (s->n - cc00);
        sbb[1] += m * (s->sx - cc01);
        sbb[2] += m * (s->sxx - cc11);
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
            w->stt[t] += m * (g * g * s->n - wb);
            w->stb[2 * t] += m * (g * s->n - wc0);
            w->stb[2 * t + 1] += m * (g * s->sx - wc1);
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

/* Orders clients by design (therapist, n, sum x, sum x^2), so the clients
 * of one design are neighbours. */
static int design_cmp(const void *pa, const void *pb)
{
    const csum *a = pa, *b = pb;
    if (a->therapist != b->therapist)
        return a->therapist < b->therapist ? -1 : 1;
    if (a->n != b->n)
        return a->n < b->n ? -1 : 1;
    if (a->sx != b->sx)
        return a->sx < b->sx ? -1 : 1;
    if (a->sxx != b->sxx)
        return a->sxx < b->sxx ? -1 : 1;
    return 0;
}

/* Groups the clients of w->c by design into w->g: an evaluation of the
 * criterion then costs one pivot per design, not per client (sessions 1 to
 * 10 for most clients of a study make few designs). */
static void group_designs(fitwork *w)
{
    csum *sorted = xmalloc((w->nc ? w->nc : 1) * sizeof *sorted);
    memcpy(sorted, w->c, w->nc * sizeof *sorted);
    if (!w->sp->therapist_level)
        for (size_t i = 0; i < w->nc; i++)
            sorted[i].therapist = 0;     /* not a level: not part of the design */
    qsort(sorted, w->nc, sizeof *sorted, design_cmp);
    w->g = xmalloc((w->nc ? w->nc : 1) * sizeof *w->g);
    w->ng = 0;
    for (size_t i = 0; i < w->nc; i++) {
        const csum *c = &sorted[i];
        cgroup *g = w->ng ? &w->g[w->ng - 1] : NULL;
        if (!g || design_cmp(&g->s, c) != 0) {
            g = &w->g[w->ng++];
            g->s = *c;
            g->s.sy = g->s.sxy = g->s.syy = 0;
            g->m = 0;
            g->uu[0] = g->uu[1] = g->uu[2] = 0;
        }
        g->m++;
        g->s.sy += c->sy;
        g->s.sxy += c->sxy;
        g->uu[0] += c->sy * c->sy;
        g->uu[1] += c->sy * c->sxy;
        g->uu[2] += c->sxy * c->sxy;
    }
    free(sorted);
}

/* The minimum of the criterion from th, left in th: the simplex finds the
 * basin, Newton steps go the last digits; when they cannot (the Hessian
 * not positive definite there), a finer simplex from where it stopped, and
 * Newton again.  *ok: the simplex converged; *gmax: lme4's gradient
 * measure there. */
static double minimize(fitwork *w, double *th, int *ok, double *gmax)
{
    int fixed[4];
    double f = INFINITY, gr[4], H[16];
    *ok = mixed_simplex(w, th, 0.25, 1e-3);
    *gmax = INFINITY;
    for (int round = 0; round < 2; round++) {
        if (round)
            *ok = mixed_simplex(w, th, 0.01, 1e-6);
        mixed_polish(w, th, fixed);
        for (size_t i = 0; i < w->ntheta; i++)
            if (mixed_is_diag(w, i))
                th[i] = fabs(th[i]);
        f = mixed_criterion(w, th);
        mixed_derivs(w, th, fixed, f, gr, H);
        *gmax = mixed_gradient_measure(H, gr, w->ntheta);
        if (*gmax < 1e-4)
            break;
    }
    return f;
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
    int varies = 0;
    for (size_t i = 0; i < d->n && !varies; i++)
        varies = d->c[i].syy > 0 || d->c[i].my != ym;
    if (!varies)
        return at_fail(err, AT_EINVAL, "the scores do not vary (every one is %g): a model "
                       "has nothing to fit", ym);
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
    group_designs(&w);
    if (w.nt) {
        w.stt = xmalloc(w.nt * sizeof *w.stt);
        w.stb = xmalloc(2 * w.nt * sizeof *w.stb);
        w.rt = xmalloc(w.nt * sizeof *w.rt);
    }

    /* lme4's start: the diagonal of Lambda at 1, the rest 0 */
    double th[4] = { 1, 0, 1, 1 };
    if (!sp->random_slope)
        th[1] = 1;
    double gmax;
    int ok;
    double f = minimize(&w, th, &ok, &gmax);
    /* The criterion may have more than one minimum (few clients, few
     * sessions): where a point of a coarse grid lies below the one found,
     * the search goes again from there, and the lower minimum is kept. */
    double other[4];
    if (mixed_scan(&w, other) < f - 1e-9 * fmax(1, fabs(f))) {
        double ogmax;
        int ook;
        double of = minimize(&w, other, &ook, &ogmax);
        if (of < f) {
            f = of;
            ok = ook;
            gmax = ogmax;
            memcpy(th, other, sizeof th);
        }
    }
    f = mixed_criterion(&w, th);      /* leaves beta and the pivots at the optimum */

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
        free(w.g);
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
        double slope_rel = sqrt(th[1] * th[1] + th[2] * th[2]);
        out->sd_slope = sigma * slope_rel;
        if (th[0] > 0 && slope_rel > 0)
            out->cor = th[1] / slope_rel;
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
        if (mixed_is_diag(&w, i) && th[i] < 1e-4)
            out->singular = 1;
    out->evaluations = w.evals;
    if (want_ranef)
        modes(&w, th, ym - w.beta[1] * c, out);
    free(w.g);
    free(w.c);
    free(w.stt);
    free(w.stb);
    free(w.rt);
    return AT_OK;
}
