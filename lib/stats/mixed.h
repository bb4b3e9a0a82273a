/* mixed.h: linear mixed models of a score on time, with clients (and
 * optionally therapists) as random effects, fitted as lme4 fits them.
 *
 * The model for observation j of client i (with therapist t(i)):
 *   y_ij = b0 + b1 x_ij + u_i0 + u_i1 x_ij + v_t(i) + e_ij
 * with (u_i0, u_i1) ~ N(0, Sigma) per client (u_i1 left out when the model
 * has a random intercept only), v_t ~ N(0, tau^2) per therapist when the
 * model has the therapist level, and e_ij ~ N(0, sigma^2).  Clients are
 * nested in therapists: each client belongs to one therapist.
 *
 * The fit follows Bates, Maechler, Bolker & Walker (2015, J Stat Softw
 * 67(1)): the random effects' covariance is sigma^2 Lambda Lambda' with
 * Lambda lower triangular (its entries theta); for a given theta the fixed
 * effects, the conditional modes and sigma^2 are found in closed form from
 * the penalized least squares problem, which leaves the REML criterion (or
 * the ML deviance) a function of theta alone.  That profiled criterion is
 * minimized with GSL's Nelder-Mead simplex, then refined by Newton steps on
 * finite-difference derivatives; convergence is judged by the gradient.
 * One evaluation costs a fixed amount per client: the data enter through
 * each client's sums only, so the model never holds a matrix of the size
 * of the data.
 *
 * Nothing here prints or exits; failures come back as a status and a
 * message in the caller's at_err. */
#ifndef ATTUNE_MIXED_H
#define ATTUNE_MIXED_H

#include <stddef.h>

#include "util.h"

typedef enum mixed_center {
    MIXED_CENTER_NONE,     /* x as given */
    MIXED_CENTER_GRAND,    /* x minus the mean of every observation's x */
    MIXED_CENTER_CLIENT    /* x minus the client's own mean of x */
} mixed_center;

typedef struct mixed_spec {
    int random_slope;      /* 1: (x | client); 0: (1 | client) */
    int therapist_level;   /* 1: + (1 | therapist) */
    int reml;              /* 1: REML (lme4's default); 0: maximum likelihood */
    mixed_center center;
    size_t max_evaluations; /* of the criterion before giving up; 0: 100,000 */
} mixed_spec;

/* The data: clients added one at a time.  The caller owns the model and
 * frees it with mixed_free (NULL is a no-op). */
typedef struct mixed_data mixed_data;
mixed_data *mixed_data_new(void);
void mixed_data_free(mixed_data *d);
/* Adds a client with n observations (x[j], y[j]) (pairs with a NaN are left
 * out; a client left with none is not added) belonging to therapist number
 * therapist (0, 1, ...; only read by models with the therapist level).
 * Returns the client's index (0, 1, ... in the order added), or -1 when
 * nothing was added.  Nothing of x and y is kept. */
long mixed_data_add(mixed_data *d, size_t therapist, const double *x, const double *y,
                    size_t n);
size_t mixed_data_nobs(const mixed_data *d);
size_t mixed_data_nclients(const mixed_data *d);

typedef struct mixed_result {
    size_t nobs, nclients, ntherapists;
    double beta[2];        /* intercept, slope of x */
    double beta_se[2];     /* sqrt(diag(sigma^2 (X'V^-1 X)^-1)), as lme4's vcov */
    double beta_t[2];      /* beta / beta_se */
    double sd_intercept;   /* of the clients' intercepts */
    double sd_slope;       /* of the clients' slopes; NaN without random slope */
    double cor;            /* of the two; NaN without random slope or when undefined */
    double sd_therapist;   /* NaN without the therapist level */
    double sigma;          /* residual SD */
    double theta[4];       /* the relative covariance factor's entries, as lme4's getME(, "theta") */
    size_t ntheta;
    double criterion;      /* the REML criterion (REMLcrit) or the deviance (-2 logLik) */
    double loglik, aic, bic;
    size_t npar;           /* parameters counted by AIC: 2 + ntheta + 1 */
    double x_shift;        /* what was subtracted from x (grand mean; 0 otherwise) */
    int converged;         /* the minimizer converged and the gradient is small */
    int singular;          /* a variance at 0 or a correlation at +-1 (theta on its bound) */
    double gradient;       /* the criterion's gradient at the optimum, as lme4 checks it:
                              the largest over theta of the smaller of |g| and |R^-1 g|
                              (H = R'R the Hessian); converged needs it under 0.002 */
    size_t evaluations;    /* of the profiled criterion */
    double *ranef;         /* when asked: 2 per client, its predicted intercept and slope
                              (fixed effects plus the client's conditional modes, plus its
                              therapist's when the model has that level); owned by the
                              result, freed by mixed_result_release */
    double *ranef_therapist; /* when asked and with the therapist level: each therapist's
                              conditional mode */
} mixed_result;

/* Fits the model.  want_ranef asks for out->ranef (and ranef_therapist).
 * Returns AT_OK when fitted (read converged and singular: a fit may be
 * either), AT_EINVAL with a message when the model cannot be fitted to the
 * data (too few clients or observations for the random effects, x constant,
 * a therapist index out of range). */
at_status mixed_fit(const mixed_data *d, const mixed_spec *spec, int want_ranef,
                    mixed_result *out, at_err *err);
void mixed_result_release(mixed_result *r);

#endif
