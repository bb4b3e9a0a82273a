/* test_mixed.c: the growth models of lib/stats/mixed.c against lme4.
 *
 * The studies (tests/data/growth/NAME_answers.csv) and the references
 * (tests/data/growth/reference/NAME.csv, analyze growth's tidy layout, and
 * NAME_ranef.csv) were made once by tests/data/growth/reference.R with lme4
 * 1.1-31 (bobyqa, rhoend 1e-12, so the reference is the optimum itself).
 * Fixed effects and their SEs must agree to 1e-6 relative; variance
 * components and the predicted client lines to 1e-5 (1e-4 for the
 * singular fit); the criterion, logLik, AIC and BIC to 1e-9. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_num.h"
#include "csvio.h"
#include "mixed.h"
#include "stats.h"

/* ---- the study ---------------------------------------------------------- */

typedef struct study {
    char client[64][8], therapist_code[16][8];
    size_t nclients, ntherapists;
    size_t therapist[64];
    double x[64][16], y[64][16];
    size_t n[64];
    long first_day[64];
    int week;
    int header_seen;
} study;

static size_t code_index(char (*codes)[8], size_t *n, const char *code)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(codes[i], code) == 0)
            return i;
    snprintf(codes[*n], 8, "%s", code);
    return (*n)++;
}

static int study_row(const csvrow *row, void *ctx)
{
    study *s = ctx;
    if (row->index == 0)
        return 0;
    /* client,therapist,session,date,modality,rater,rater_code,score */
    if (!row->fields[7][0])
        return 0;
    size_t c = code_index(s->client, &s->nclients, row->fields[0]);
    size_t t = code_index(s->therapist_code, &s->ntherapists, row->fields[1]);
    long day = util_iso_date_days(row->fields[3]);
    if (s->n[c] == 0)
        s->first_day[c] = day;
    s->therapist[c] = t;
    s->x[c][s->n[c]] = s->week ? (double)(day - s->first_day[c]) / 7 : strtod(row->fields[2], NULL);
    s->y[c][s->n[c]] = strtod(row->fields[7], NULL);
    s->n[c]++;
    return 0;
}

static char *data_path(const char *name)
{
    const char *dir = getenv("ATTUNE_TEST_DATA");
    static char buf[1024];
    snprintf(buf, sizeof buf, "%s/growth/%s", dir ? dir : "tests/data", name);
    return buf;
}

static mixed_data *load(const char *file, int week, char (*clients)[8])
{
    study *s = calloc(1, sizeof *s);
    s->week = week;
    at_err err;
    assert_int_equal(csvin_read_file(data_path(file), study_row, s, &err), AT_OK);
    mixed_data *d = mixed_data_new();
    for (size_t c = 0; c < s->nclients; c++) {
        assert_int_equal(mixed_data_add(d, s->therapist[c], s->x[c], s->y[c], s->n[c]), (long)c);
        if (clients)
            memcpy(clients[c], s->client[c], 8);
    }
    free(s);
    return d;
}

/* ---- the references ----------------------------------------------------- */

typedef struct ref {
    char group[16][16], term[16][32];
    double est[16], se[16];
    size_t n;
} ref;

static int ref_row(const csvrow *row, void *ctx)
{
    ref *r = ctx;
    if (row->index == 0)
        return 0;
    snprintf(r->group[r->n], 16, "%s", row->fields[5]);
    snprintf(r->term[r->n], 32, "%s", row->fields[6]);
    r->est[r->n] = row->fields[7][0] ? strtod(row->fields[7], NULL) : NAN;
    r->se[r->n] = row->fields[8][0] ? strtod(row->fields[8], NULL) : NAN;
    r->n++;
    return 0;
}

static double ref_get(const ref *r, const char *group, const char *term, int se)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->group[i], group) == 0 && strcmp(r->term[i], term) == 0)
            return se ? r->se[i] : r->est[i];
    fail_msg("no reference row %s %s", group, term);
    return NAN;
}

static void load_ref(const char *name, ref *r)
{
    char file[64];
    at_err err;
    memset(r, 0, sizeof *r);
    snprintf(file, sizeof file, "reference/%s.csv", name);
    assert_int_equal(csvin_read_file(data_path(file), ref_row, r, &err), AT_OK);
}

typedef struct ranef_ref {
    char client[64][8];
    double icept[64], slope[64];
    size_t n;
} ranef_ref;

static int ranef_row(const csvrow *row, void *ctx)
{
    ranef_ref *r = ctx;
    if (row->index == 0)
        return 0;
    snprintf(r->client[r->n], 8, "%s", row->fields[0]);
    r->icept[r->n] = strtod(row->fields[2], NULL);
    r->slope[r->n] = strtod(row->fields[3], NULL);
    r->n++;
    return 0;
}

/* ---- the cases ---------------------------------------------------------- */

typedef struct fcase {
    const char *ref, *data;
    mixed_spec spec;
    int week;
    double vc_tol;          /* variance components and the criterion */
} fcase;

static void check_fit(const fcase *fc)
{
    char clients[64][8];
    mixed_data *d = load(fc->data, fc->week, clients);
    mixed_result r;
    at_err err;
    assert_int_equal(mixed_fit(d, &fc->spec, 1, &r, &err), AT_OK);
    ref R;
    load_ref(fc->ref, &R);
    check_close(r.beta[0], ref_get(&R, "", "(Intercept)", 0), 1e-6);
    check_close(r.beta[1], ref_get(&R, "", "time", 0), 1e-6);
    check_close(r.beta_se[0], ref_get(&R, "", "(Intercept)", 1), 1e-6);
    check_close(r.beta_se[1], ref_get(&R, "", "time", 1), 1e-6);
    double tol = fc->vc_tol;
    check_close(r.sd_intercept, ref_get(&R, "client", "sd__(Intercept)", 0), tol);
    if (fc->spec.random_slope) {
        check_close(r.sd_slope, ref_get(&R, "client", "sd__time", 0), tol);
        check_close(r.cor, ref_get(&R, "client", "cor__(Intercept).time", 0), tol);
    } else {
        check_nan(r.sd_slope);
    }
    if (fc->spec.therapist_level)
        check_close(r.sd_therapist, ref_get(&R, "therapist", "sd__(Intercept)", 0), tol);
    check_close(r.sigma, ref_get(&R, "Residual", "sd__Observation", 0), tol);
    check_close(r.criterion, ref_get(&R, "", fc->spec.reml ? "REMLcrit" : "deviance", 0),
                1e-9);
    check_close(r.loglik, ref_get(&R, "", "logLik", 0), 1e-9);
    check_close(r.aic, ref_get(&R, "", "AIC", 0), 1e-9);
    check_close(r.bic, ref_get(&R, "", "BIC", 0), 1e-9);
    assert_int_equal((double)r.nobs, ref_get(&R, "", "nobs", 0));
    assert_int_equal((double)r.nclients, ref_get(&R, "client", "ngroups", 0));
    assert_int_equal(r.singular, (int)ref_get(&R, "", "singular", 0));
    assert_true(r.converged);

    ranef_ref *rr = calloc(1, sizeof *rr);
    char file[64];
    snprintf(file, sizeof file, "reference/%s_ranef.csv", fc->ref);
    assert_int_equal(csvin_read_file(data_path(file), ranef_row, rr, &err), AT_OK);
    assert_int_equal(rr->n, r.nclients);
    for (size_t i = 0; i < rr->n; i++) {
        size_t c = 0;
        while (c < r.nclients && strcmp(clients[c], rr->client[i]) != 0)
            c++;
        assert_true(c < r.nclients);
        check_close(r.ranef[2 * c], rr->icept[i], tol);
        check_close(r.ranef[2 * c + 1], rr->slope[i], fmax(tol, 1e-5));
    }
    free(rr);
    mixed_result_release(&r);
    mixed_data_free(d);
}

static const fcase cases[] = {
    { "reml", "growth_answers.csv", { 1, 0, 1, MIXED_CENTER_NONE, 0 }, 0, 1e-5 },
    { "ml", "growth_answers.csv", { 1, 0, 0, MIXED_CENTER_NONE, 0 }, 0, 1e-5 },
    { "reml_therapist", "growth_answers.csv", { 1, 1, 1, MIXED_CENTER_NONE, 0 }, 0, 1e-5 },
    { "ml_therapist", "growth_answers.csv", { 1, 1, 0, MIXED_CENTER_NONE, 0 }, 0, 1e-5 },
    { "reml_week", "growth_answers.csv", { 1, 0, 1, MIXED_CENTER_NONE, 0 }, 1, 1e-5 },
    { "reml_grand", "growth_answers.csv", { 1, 0, 1, MIXED_CENTER_GRAND, 0 }, 0, 1e-5 },
    { "reml_client", "growth_answers.csv", { 1, 0, 1, MIXED_CENTER_CLIENT, 0 }, 0, 1e-5 },
    { "reml_intercept", "growth_answers.csv", { 0, 0, 1, MIXED_CENTER_NONE, 0 }, 0, 1e-5 },
    { "flat", "flat_answers.csv", { 1, 0, 1, MIXED_CENTER_NONE, 0 }, 0, 1e-4 },
};

static void test_fit(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        print_message("case %s\n", cases[i].ref);
        check_fit(&cases[i]);
    }
}

/* The singular fit sits on the bound: a correlation of -1 (theta[2] = 0). */
static void test_singular_on_bound(void **state)
{
    (void)state;
    mixed_data *d = load("flat_answers.csv", 0, NULL);
    mixed_spec sp = { 1, 0, 1, MIXED_CENTER_NONE, 0 };
    mixed_result r;
    at_err err;
    assert_int_equal(mixed_fit(d, &sp, 0, &r, &err), AT_OK);
    assert_true(r.singular);
    assert_true(r.converged);
    check_abs(r.theta[2], 0, 1e-12);
    check_close(r.cor, -1, 1e-12);
    mixed_result_release(&r);
    mixed_data_free(d);
}

/* A minimizer stopped early is reported as not converged, with the
 * gradient that shows it. */
static void test_not_converged(void **state)
{
    (void)state;
    mixed_data *d = load("growth_answers.csv", 0, NULL);
    mixed_spec sp = { 1, 1, 1, MIXED_CENTER_NONE, 40 };
    mixed_result r;
    at_err err;
    assert_int_equal(mixed_fit(d, &sp, 0, &r, &err), AT_OK);
    assert_false(r.converged);
    assert_true(r.evaluations >= 40);
    sp.max_evaluations = 0;
    assert_int_equal(mixed_fit(d, &sp, 0, &r, &err), AT_OK);
    assert_true(r.converged);
    assert_true(r.gradient < 1e-5);
    mixed_result_release(&r);
    mixed_data_free(d);
}

/* A criterion with two minima: three clients, five scores
 * (y ~ x + (1 | client), REML).  From lme4's start theta = 1 the nearer
 * minimum is at theta near 1 (REMLcrit 14.3296 there); the lower one, which
 * lme4 1.1-31 finds (bobyqa, rhoend 1e-12), is at theta 4.0946:
 *   fixef 2.448756331068046, 0.276130779938303
 *   SE    1.47443843544294,  0.20107186423070
 *   REMLcrit 14.2415432237098 */
static void test_two_minima(void **state)
{
    (void)state;
    const double x[3][2] = { { 1 }, { 6, 7 }, { 4, 7 } };
    const double y[3][2] = { { 5 }, { 3, 4 }, { 2, 3 } };
    const size_t n[3] = { 1, 2, 2 };
    mixed_data *d = mixed_data_new();
    for (size_t c = 0; c < 3; c++)
        assert_int_equal(mixed_data_add(d, 0, x[c], y[c], n[c]), (long)c);
    mixed_spec sp = { 0, 0, 1, MIXED_CENTER_NONE, 0 };
    mixed_result r;
    at_err err;
    assert_int_equal(mixed_fit(d, &sp, 0, &r, &err), AT_OK);
    check_close(r.criterion, 14.2415432237098, 1e-9);
    check_close(r.theta[0], 4.09460021407889, 1e-5);
    check_close(r.beta[0], 2.448756331068046, 1e-6);
    check_close(r.beta[1], 0.276130779938303, 1e-6);
    check_close(r.beta_se[0], 1.47443843544294, 1e-6);
    check_close(r.beta_se[1], 0.20107186423070, 1e-6);
    assert_true(r.converged);
    mixed_result_release(&r);
    mixed_data_free(d);
}

/* Models that cannot be fitted say why. */
static void test_refusals(void **state)
{
    (void)state;
    at_err err;
    mixed_result r;
    mixed_spec sp = { 1, 0, 1, MIXED_CENTER_NONE, 0 };
    mixed_data *d = mixed_data_new();
    double x[3] = { 1, 2, 3 }, y[3] = { 4, 5, 7 }, same[3] = { 2, 2, 2 };
    mixed_data_add(d, 0, x, y, 3);
    assert_int_equal(mixed_fit(d, &sp, 0, &r, &err), AT_EINVAL);
    assert_non_null(strstr(err.msg, "1 client"));
    mixed_data_add(d, 0, x, y, 2);
    /* 5 observations, 4 random effects: fine for (time | client) */
    assert_int_equal(mixed_fit(d, &sp, 0, &r, &err), AT_OK);
    mixed_result_release(&r);
    mixed_spec tl = { 1, 1, 1, MIXED_CENTER_NONE, 0 };
    assert_int_equal(mixed_fit(d, &tl, 0, &r, &err), AT_EINVAL);
    assert_non_null(strstr(err.msg, "therapist"));
    mixed_data_free(d);

    d = mixed_data_new();
    mixed_data_add(d, 0, same, y, 3);
    mixed_data_add(d, 1, same, x, 3);
    assert_int_equal(mixed_fit(d, &sp, 0, &r, &err), AT_EINVAL);
    assert_non_null(strstr(err.msg, "does not vary"));
    mixed_data_free(d);

    d = mixed_data_new();
    double nan2[2] = { NAN, NAN };
    assert_int_equal(mixed_data_add(d, 0, nan2, y, 2), -1);
    assert_int_equal(mixed_data_nclients(d), 0);
    mixed_data_add(d, 0, x, y, 2);
    mixed_data_add(d, 1, x, y, 2);
    assert_int_equal(mixed_data_nobs(d), 4);
    /* 4 observations for 4 random effects */
    assert_int_equal(mixed_fit(d, &sp, 0, &r, &err), AT_EINVAL);
    assert_non_null(strstr(err.msg, "4 observations"));
    mixed_data_free(d);
}

int main(void)
{
    stats_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fit),
        cmocka_unit_test(test_singular_on_bound),
        cmocka_unit_test(test_not_converged),
        cmocka_unit_test(test_two_minima),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
