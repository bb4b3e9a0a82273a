/* stats.h: the statistics of attune's analyses, on plain arrays, with GSL.
 *
 * Missing values are NaN.  No function prints or aborts, provided the
 * program has called stats_init first (GSL's default handler aborts, and
 * switching it off is a process-wide choice the library leaves to the
 * program); a result that cannot be computed is NaN and the caller writes
 * it as an empty cell. */
#ifndef ATTUNE_STATS_H
#define ATTUNE_STATS_H

#include <stddef.h>

/* Turns GSL's abort-on-error handler off; call once at start-up (idempotent). */
void stats_init(void);

/* Cronbach's alpha over an n x k matrix x (row-major, row stride k, NaN
 * missing).  Complete cases (rows with no NaN) unless pairwise, in which case
 * covariances and correlations use pairwise-complete observations, as R's
 * psych::alpha does.  is_mean says whether the scale score is the mean of
 * its terms (else the sum); it sets the scale's mean and sd.
 *
 * Everything comes from the item covariance matrix C (sample, n - 1):
 *   alpha     = k / (k - 1) * (1 - trace(C) / sum(C))
 *   average_r = mean off-diagonal entry of R = cov2cor(C)
 *   alpha_std = k * average_r / (1 + (k - 1) * average_r)
 *   r_drop    = cov(item, sum of the others) / sqrt(var(item) var(others' sum))
 *   alpha_if_deleted = alpha of C without the item's row and column
 * Complete cases: C, item and scale statistics over the complete rows (what
 * psych::alpha(na.omit(x)) reports).  Pairwise: C as R's cov(x, use =
 * "pairwise"), R = cov2cor(C) as psych::alpha (not cor(x, use = "pairwise"),
 * whose variances differ per pair); item mean and sd over each item's own
 * values; the scale score of a row is the mean (is_mean) or the sum of the
 * terms answered in it (psych's rowMeans / rowSums with na.rm = TRUE), rows
 * with none answered left out.  Every pair of items, and every item, needs 3
 * or more rows in common in pairwise mode.
 * NaN where a value is undefined: alpha_std, average_r and that item's r_drop
 * when an item has no variance; alpha_if_deleted when k = 2 (one item left
 * has no alpha; psych prints a covariance ratio there). */
typedef struct alpha_result {
    size_t n;            /* complete cases (pairwise: rows with any value) */
    size_t k;
    double alpha;        /* raw alpha, from covariances */
    double alpha_std;    /* standardized alpha, from correlations */
    double average_r;    /* mean inter-item correlation */
    double mean, sd;     /* of the scale score */
} alpha_result;

typedef struct alpha_item {
    double mean, sd;
    double r_drop;           /* correlation of the item with the sum of the others */
    double alpha_if_deleted; /* raw alpha of the others */
} alpha_item;

/* items may be NULL; else it receives k entries.  Returns 0 when computed,
 * -1 when k < 2, fewer than 3 usable cases, or the total variance sum(C) is
 * not above 0 (values then NaN, but for the last case the means and SDs of
 * the scale and its items, which are known; n still says how many rows
 * were usable). */
int stats_alpha(const double *x, size_t n, size_t k, int pairwise, int is_mean,
                alpha_result *out, alpha_item *items);

/* The same statistics from a stream of rows, in O(k^2) memory whatever the
 * number of rows: the accumulator keeps running counts, means and co-moments
 * (Welford's updates) for the complete rows and for every pair of items, so
 * one accumulator answers for both missing-data modes.  stats_alpha is this
 * accumulator fed the rows of x in order.
 *
 * alpha_acc_new returns an empty accumulator for rows of k values (k may be
 * 0 or 1; its result is then -1); the caller owns it and frees it with
 * alpha_acc_free (NULL is a no-op).  alpha_acc_add reads k values from row
 * (NaN or any non-finite value = missing) and keeps no pointer to them.
 * alpha_acc_result fills out and items (may be NULL; else k entries) as
 * stats_alpha does, returns the same 0 or -1, and leaves the accumulator as
 * it was, so rows may be added after it and the result asked again; out->n
 * counts the usable rows (complete rows, or with pairwise rows with any
 * value) for any k. */
typedef struct alpha_acc alpha_acc;
alpha_acc *alpha_acc_new(size_t k);
/* The same with pairwise 0: an accumulator for complete cases only, which
 * keeps no pairwise counts (their updates are most of a row's cost, k^2
 * per row); its pairwise result is -1. */
alpha_acc *alpha_acc_new_as(size_t k, int pairwise);
void alpha_acc_add(alpha_acc *a, const double *row);
int alpha_acc_result(const alpha_acc *a, int pairwise, int is_mean,
                     alpha_result *out, alpha_item *items);
void alpha_acc_free(alpha_acc *a);

/* Ordinary least squares of y on x (NaN pairs skipped), gsl_fit_linear.
 * slope_se = sqrt(s^2 / Sxx) with s^2 = SSE / (n - 2), NaN when n = 2;
 * r2 = 1 - SSE / SST kept within 0..1 (rounding can take it just below 0),
 * NaN when y is constant (SST = 0; R's lm gives NaN too), the line then
 * being flat with slope_se 0. */
typedef struct ols_result {
    size_t n;
    double intercept, slope, slope_se, r2;
} ols_result;
/* Returns 0 when fitted (n >= min_n, n >= 2 and x not constant), -1
 * otherwise (NaN out; out->n still says how many pairs there were). */
int stats_ols(const double *x, const double *y, size_t n, size_t min_n, ols_result *out);

/* Cohen's kappa on a 2x2 table: both, a_only, b_only, neither.  se is the
 * large-sample standard error (Fleiss, Cohen & Everitt 1969), not assuming
 * kappa = 0; with p_ij the table as shares of N (rows rater a, columns b),
 * p_i. and p_.j its margins, po and pe observed and chance agreement:
 *   var = ( sum_i p_ii [1 - (p_i. + p_.i)(1 - kappa)]^2
 *         + (1 - kappa)^2 sum_{i != j} p_ij (p_.i + p_j.)^2
 *         - [kappa - pe (1 - kappa)]^2 ) / (N (1 - pe)^2),
 * the var.kappa of R's psych::cohen.kappa, for confidence intervals:
 * lo, hi = kappa -/+ z(.975) se, kept within -1..1 (as psych does).  For the test of kappa = 0 the variance
 * under that hypothesis (Fleiss, Cohen & Everitt 1969; Fleiss, Levin & Paik
 * 2003, eq. 18.17):
 *   var0 = (pe + pe^2 - sum_i p_i. p_.i (p_i. + p_.i)) / (N (1 - pe)^2),
 * z = kappa / se0 and p its two-sided normal p value.  Returns -1 with NaN
 * when undefined (no pairs, a negative count, or expected agreement 1). */
typedef struct kappa_result {
    double kappa, se;
    double se0, z, p;      /* the test of kappa = 0 */
    double lo, hi;         /* the 95% confidence interval, from se */
} kappa_result;
int stats_kappa(long both, long a_only, long b_only, long neither, kappa_result *out);

/* Pearson correlation over pairs with both present; NaN with fewer than 3 or
 * zero variance. */
double stats_pearson(const double *x, const double *y, size_t n);

/* Pearson correlation gathered one pair at a time, in constant memory, by
 * one-pass (Welford) updates of the means and co-moments, which are as
 * stable as two passes; it equals stats_pearson's up to the last digits.
 * Pairs with a non-finite value are skipped. */
typedef struct stats_corr {
    size_t n;
    double mean_x, mean_y, sxx, syy, sxy;
} stats_corr;
void stats_corr_add(stats_corr *c, double x, double y);
/* NaN with fewer than 3 pairs or zero variance. */
double stats_corr_r(const stats_corr *c);

/* Sample SD (n - 1) of the non-NaN values; NaN with fewer than 2. */
double stats_sd(const double *x, size_t n);
double stats_mean(const double *x, size_t n);   /* NaN when none */

/* Reliable change cutoff 1.96 * sd0 * sqrt(2 * (1 - r)) (Jacobson & Truax). */
double stats_rci_cutoff(double sd0, double r);

/* Rupture-repair episodes in one series (sessions ascending, no NaN). */
typedef enum episode_rule { RULE_SD, RULE_RCI, RULE_ABS, RULE_SUDDEN } episode_rule;

typedef struct episode_params {
    episode_rule rule;
    double k;          /* sd rule: threshold = k * sd of the series */
    double cutoff;     /* rci (the computed RCI cutoff), abs, sudden (drop cutoff) */
    int window;        /* repair window W in scored sessions */
} episode_params;

typedef struct episode {
    long rupture_session;
    double pre_score, rupture_score, drop, threshold;
    long repair_session;     /* 0 when none */
    int repaired;
    long sessions_to_repair; /* repair_session - rupture_session, 0 when none */
    int censored;
} episode;

/* Finds every rupture of the series per DESIGN.md's episode rules and calls
 * fn (may be NULL) for each, in session order.  A rupture is a drop
 * (previous minus current score) strictly greater than the threshold; the
 * sudden rule adds Tang & DeRubeis' criteria (episodes.c says exactly how).
 * Returns the number found, or -1 when the rule cannot be applied to this
 * series (sd rule with fewer than 3 scores, SD 0 or k not above 0; a
 * non-finite cutoff; window < 1; a non-finite score or sessions not strictly
 * ascending). */
int episodes_find(const long *session, const double *score, size_t n,
                  const episode_params *p, void (*fn)(const episode *e, void *ctx), void *ctx);

const char *episode_rule_name(episode_rule r);

#endif
