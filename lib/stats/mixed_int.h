/* mixed_int.h: what the two halves of lib/mixed (the profiled criterion in
 * mixed.c, its minimization in mixed_opt.c) share; not for other callers. */
#ifndef ATTUNE_MIXED_INT_H
#define ATTUNE_MIXED_INT_H

#include "mixed.h"

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

/* Clients of one design: the same therapist (with the therapist level) and
 * the same n, sum x and sum x^2, so the same pivot for every theta.  s holds
 * that design with sy and sxy summed over the m clients; uu their second
 * moments: sum sy^2, sum sy sxy, sum sxy^2. */
typedef struct cgroup {
    csum s;
    double m, uu[3];
} cgroup;

typedef struct fitwork {
    const mixed_spec *sp;
    csum *c;
    size_t nc, nt, nobs;
    cgroup *g;                /* the clients by design: the criterion works on these */
    size_t ng;
    int q;                    /* random effects per client */
    size_t ntheta;
    double yy;                /* sum of squares of the shifted y */
    double *stt, *stb, *rt;   /* per therapist: pivot, coupling to b (2), rhs */
    size_t evals, max_evals;
    /* filled by an evaluation asked for detail */
    double beta[2], sbb[3], r2;
} fitwork;

/* mixed.c: the profiled criterion at theta (INFINITY where it cannot be
 * evaluated); leaves beta, R_X'R_X and the penalized RSS in w. */
double mixed_criterion(fitwork *w, const double *th);

/* mixed_opt.c */
/* Whether theta[i] is a diagonal entry of Lambda (bounded below by 0). */
int mixed_is_diag(const fitwork *w, size_t i);
/* Nelder-Mead from th with initial steps step; 1 when the simplex shrank
 * below tol. */
int mixed_simplex(fitwork *w, double *th, double step, double tol);
/* Puts diagonal entries at the bound on it (fixed[i] = 1), then damped
 * Newton steps on the others; returns the criterion at th. */
double mixed_polish(fitwork *w, double *th, int *fixed);
/* Central-difference gradient, and Hessian (p x p) when H is not NULL. */
void mixed_derivs(fitwork *w, const double *th, const int *fixed, double f0, double *gr,
                  double *H);
/* lme4's convergence measure from the gradient and Hessian. */
double mixed_gradient_measure(const double *H, const double *gr, size_t p);
/* The criterion on a coarse grid of theta (diagonal entries from 0 to
 * 100, spaced by ratios, and off-diagonal ones of either sign), for a
 * basin the search from lme4's start did not reach: the lowest point's
 * criterion, its theta in th. */
double mixed_scan(fitwork *w, double *th);

#endif
