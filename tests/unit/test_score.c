/* Unit tests for the scoring model (lib/score/score.c) and the catalog of stored
 * versions (lib/score/record.c): term names (reverse keying, terms of several
 * items), answers filled by position or by name, one scale or all scored,
 * calc columns computed when a score reads one, an older version's
 * administration in a later version's columns with its own calc values,
 * and stored dictionaries that do not load refused with the version named. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "score.h"
#include "dict_fixture.h"
#include "store_fixture.h"

static const char header[] = HEADER18;

/* q1..q3 items 1-5; bond = mean of q1 and the reverse of q2; both = sum of
 * q3 and q2; alliance = a calc on bond (so scoring needs the calc columns). */
static const char rows[] =
    "q1,f,,radio,One,\"1, a | 2, b | 3, c | 4, d | 5, e\",,,,,,,,,,,,\n"
    "q2,f,,radio,Two,\"1, a | 2, b | 3, c | 4, d | 5, e\",,,,,,,,,,,,\n"
    "q3,f,,radio,Three,\"1, a | 2, b | 3, c | 4, d | 5, e\",,,,,,,,,,,,\n"
    "bond,f,,calc,Bond,\"mean([q1], (6 - [q2]))\",,,,,,,,,,,,\n"
    "both,f,,calc,Both,\"sum([q3], [q2])\",,,,,,,,,,,,\n"
    "alliance,f,,calc,Alliance,\"sum([bond])\",,,,,,,,,,,,@ROLE=alliance @ALERT-BELOW=2\n";

static void load(dict_file *d)
{
    sbuf t = SBUF_INIT;
    at_msgs problems = AT_MSGS_INIT;
    at_err err;
    sbuf_adds(&t, header);
    sbuf_adds(&t, rows);
    if (dict_parse("f.csv", t.buf, t.len, NULL, d, &problems, &err) != AT_OK)
        fail_msg("%s: %s", err.msg, problems.n ? problems.items[0] : "");
    msgs_release(&problems);
    sbuf_release(&t);
}

static void test_model(void **state)
{
    (void)state;
    dict_file d = { 0 };
    load(&d);
    const dict_instrument *in = &d.forms[0];
    score_form *f = score_form_build(in, 7, NULL);
    assert_int_equal(f->nscales, 3);
    assert_string_equal(f->scales[0].items[0], "q1");
    assert_string_equal(f->scales[0].items[1], "q2-");      /* reverse-keyed */
    assert_string_equal(f->scales[1].items[0], "q3");
    assert_string_equal(f->scales[1].items[1], "q2");
    assert_int_equal(f->alliance_scale, 2);
    assert_int_equal(f->need_compute, 1);                   /* alliance's term is a calc */
    assert_int_equal(f->has_alert_below, 1);

    /* a view of the same version: by position; of another: by name */
    const char *names[] = { "q1", "q2", "q3", "bond", "both", "alliance", "old" };
    const char *values[] = { "4", "2", NULL, "9", NULL, NULL, "x" };
    admin_view v = { .instrument_id = 7, .n = 7, .fields = names, .values = values };
    assert_int_equal(score_columns_match(in, &v), 1);
    const char *vals[6];
    size_t unknown = 0;
    score_fill(in, 1, &v, vals, &unknown);
    assert_string_equal(vals[0], "4");
    assert_null(vals[3]);                                    /* a stored calc is not read */
    assert_int_equal(unknown, 1);                            /* "old" */
    const char *other[] = { "q3", "q1" }, *ov[] = { "5", "1" };
    admin_view w = { .instrument_id = 8, .n = 2, .fields = other, .values = ov };
    assert_int_equal(score_columns_match(in, &w), 0);
    score_fill(in, 0, &w, vals, NULL);
    assert_string_equal(vals[0], "1");
    assert_string_equal(vals[2], "5");

    /* every scale, or only the alliance one */
    score_fill(in, 1, &v, vals, NULL);
    score_compute(f, vals);
    score_result r = { 0 };
    score_eval(f, vals, &r);
    assert_true(fabs(r.score[0] - 4.0) < 1e-12);             /* mean(4, 6 - 2) */
    assert_true(fabs(r.alliance - 4.0) < 1e-12);
    assert_true(fabs(r.score[1] - 2.0) < 1e-12);             /* sum skips the blank q3 */
    assert_int_equal(r.answered[1], 1);
    score_eval_only(f, vals, &r, f->alliance_scale);
    assert_true(isnan(r.score[0]));
    assert_int_equal(r.answered[0], 0);
    assert_true(fabs(r.score[2] - 4.0) < 1e-12);
    score_uncompute(f, vals);
    assert_null(vals[3]);
    score_result_release(&r);

    /* a resolution cut-off given by the analysis replaces the dictionary's */
    double at = 3;
    score_form *g = score_form_build(in, 7, &at);
    assert_int_equal(g->has_resolved_at, 1);
    score_form_free(g);
    score_form_free(f);
    score_form_free(NULL);
    dict_release(&d);
}

static const char *const cols[] = { "q1", "q2" };

/* A stored version whose text is not one form of a dictionary is refused
 * with its name and version, and the catalog keeps working. */
/* The yes/no roles read 1 and 0; a third code (declining to say) and a
 * blank are no answer, never "no". */
static void test_yes_no_roles(void **state)
{
    (void)state;
    static const char text[] =
        "rupture,f,,radio,Strain?,\"1, Yes | 0, No | 9, I'd rather not say\",,,,,,,,,,,,@ROLE=rupture\n"
        "tension,f,,radio,How strong?,\"1, a | 2, b | 3, c\",,,,,,,,,,,,@ROLE=tension\n"
        "addressed,f,,yesno,Talked?,,,,,,,,,,,,,@ROLE=addressed\n"
        "followup,f,,dropdown,Next time?,\"0, No | 1, Yes | x, Not sure\",,,,,,,,,,,,@ROLE=followup\n";
    sbuf t = SBUF_INIT;
    at_msgs problems = AT_MSGS_INIT;
    at_err err;
    dict_file d = { 0 };
    sbuf_adds(&t, header);
    sbuf_adds(&t, text);
    if (dict_parse("f.csv", t.buf, t.len, NULL, &d, &problems, &err) != AT_OK)
        fail_msg("%s: %s", err.msg, problems.n ? problems.items[0] : "");
    score_form *f = score_form_build(&d.forms[0], 1, NULL);
    assert_int_equal(f->has_rupture_roles, 1);
    score_result r = { 0 };
    static const struct {
        const char *vals[4];
        double rupture, tension, addressed, followup;   /* -1: NaN */
    } cases[] = {
        { { "1", "3", "0", "1" }, 1, 3, 0, 1 },
        { { "0", NULL, NULL, "0" }, 0, -1, -1, 0 },
        { { "9", "2", "1", "x" }, -1, 2, 1, -1 },
        { { NULL, NULL, NULL, NULL }, -1, -1, -1, -1 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        score_eval(f, cases[i].vals, &r);
        const double want[] = { cases[i].rupture, cases[i].tension, cases[i].addressed,
                                cases[i].followup };
        const field_role roles[] = { ROLE_RUPTURE, ROLE_TENSION, ROLE_ADDRESSED, ROLE_FOLLOWUP };
        for (int k = 0; k < 4; k++) {
            if (want[k] < 0)
                assert_true(isnan(r.role[roles[k]]));
            else
                assert_true(r.role[roles[k]] == want[k]);
        }
    }
    score_result_release(&r);
    score_form_free(f);
    dict_release(&d);
    msgs_release(&problems);
    sbuf_release(&t);
}

static void test_catalog_refusals(void **state)
{
    fixture *f = *state;
    at_err err;
    long id1, id2, v;
    int added;
    store *s = open_ok(f->db, STORE_CREATE);
    assert_int_equal(store_instrument_add(s, "junk", "not a dictionary", NULL, cols, 2, &id1, &v,
                                          &added, &err), AT_OK);
    sbuf two = SBUF_INIT;
    sbuf_adds(&two, header);
    sbuf_adds(&two, "a,one,,radio,A,\"1, x | 2, y\",,,,,,,,,,,,\n"
                    "b,two,,radio,B,\"1, x | 2, y\",,,,,,,,,,,,\n");
    assert_int_equal(store_instrument_add(s, "pair", two.buf, NULL, cols, 2, &id2, &v, &added,
                                          &err), AT_OK);
    record_catalog *c = record_catalog_new(s);
    assert_null(record_catalog_get(c, id1, &err));
    assert_non_null(strstr(err.msg, "stored instrument 'junk' version 1 does not load"));
    assert_null(record_catalog_get(c, id2, &err));
    assert_non_null(strstr(err.msg, "holds 2 forms"));
    assert_null(record_catalog_latest(c, "nothing", NULL, &err));
    record_catalog_free(c);
    record_catalog_free(NULL);
    sbuf_release(&two);

    /* the store's refusals of arguments, before touching the file */
    const char *dup[] = { "q1", "q1" }, *empty[] = { "q1", "" };
    assert_int_equal(store_instrument_add(s, "", "t", NULL, cols, 2, &id1, &v, &added, &err),
                     AT_EINVAL);
    assert_int_equal(store_instrument_add(s, "x", NULL, NULL, cols, 2, &id1, &v, &added, &err),
                     AT_EINVAL);
    assert_int_equal(store_instrument_add(s, "x", "t", NULL, dup, 2, &id1, &v, &added, &err),
                     AT_EINVAL);
    assert_non_null(strstr(err.msg, "appears twice"));
    assert_int_equal(store_instrument_add(s, "x", "t", NULL, empty, 2, &id1, &v, &added, &err),
                     AT_EINVAL);
    assert_int_equal(store_client_find(s, NULL, NULL, &err), AT_ENOTFOUND);
    long n = 0;
    assert_int_equal(store_session_next_number(s, "nobody", &n, &err), AT_OK);
    assert_int_equal(n, 1);
    instrument_info ii = { 0 };
    assert_int_equal(store_instrument_get(s, NULL, 0, &ii, &err), AT_ENOTFOUND);
    instrument_info_release(NULL);
    session_info_release(NULL);
    store_close(s);
}

/* An administration given with an older version, put in a later one's
 * columns: answers by name, each calc as the older version computes it
 * (blank for a calc it does not have), never the later formula's value. */
static void test_fill_as_own_version(void **state)
{
    (void)state;
    static const char v1_rows[] =
        "a,f,,text,A,,,integer,,,,,,,,,,\n"
        "b,f,,text,B,,,integer,,,,,,,,,,\n"
        "tot,f,,calc,Total,\"sum([a], [b])\",,,,,,,,,,,,\n";
    static const char v2_rows[] =
        "b,f,,text,B,,,integer,,,,,,,,,,\n"
        "tot,f,,calc,Total,\"sum([b])\",,,,,,,,,,,,\n"
        "twice,f,,calc,Twice,\"[b] * 2\",,,,,,,,,,,,\n";
    dict_file d1 = { 0 }, d2 = { 0 };
    const char *const rows_of[2] = { v1_rows, v2_rows };
    dict_file *into[2] = { &d1, &d2 };
    for (int k = 0; k < 2; k++) {
        sbuf t = SBUF_INIT;
        at_msgs problems = AT_MSGS_INIT;
        at_err err;
        sbuf_adds(&t, header);
        sbuf_adds(&t, rows_of[k]);
        if (dict_parse("f.csv", t.buf, t.len, NULL, into[k], &problems, &err) != AT_OK)
            fail_msg("%s: %s", err.msg, problems.n ? problems.items[0] : "");
        msgs_release(&problems);
        sbuf_release(&t);
    }
    const dict_instrument *v1 = &d1.forms[0], *v2 = &d2.forms[0];
    /* as the store gives it: version 1's columns and answers, a stale calc */
    const char *fields[] = { "a", "b", "tot" };
    const char *values[] = { "5", "2", "99" };
    admin_view v = { .n = 3, .fields = fields, .values = values };
    char *vals[3] = { NULL, NULL, NULL };
    size_t unknown = 0;

    record_fill(v2, &v, vals, &unknown);        /* the later formulas */
    assert_string_equal(vals[1], "2");
    assert_string_equal(vals[2], "4");
    record_fill_as(v2, v1, &v, vals, &unknown); /* the administration's own */
    assert_int_equal(unknown, 1);               /* a has no column in version 2 */
    assert_string_equal(vals[0], "2");
    assert_string_equal(vals[1], "7");
    assert_null(vals[2]);
    record_fill_as(v2, v2, &v, vals, NULL);     /* its own version: record_fill */
    assert_string_equal(vals[1], "2");
    assert_string_equal(vals[2], "4");
    record_clear(vals, 3);
    dict_release(&d1);
    dict_release(&d2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model),
        cmocka_unit_test(test_yes_no_roles),
        cmocka_unit_test(test_fill_as_own_version),
        cmocka_unit_test_setup_teardown(test_catalog_refusals, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
