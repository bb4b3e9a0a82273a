/* Unit tests for the questionnaire flow (lib/answering/flow.c): the order of
 * questions with branching re-applied on every change, typed and posted
 * answers, back, skip, clear, the review and changing one answer from it,
 * texts above a question and the closing text, the position, the status,
 * keeping the place in a string, and saving in one transaction. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "dict_fixture.h"
#include "store_fixture.h"

static const char header[] = HEADER18;

/* fields: 0 intro, 1 q1, 2 hard, 3 what, 4 how, 5 kinds, 6 more, 7 total, 8 bye */
static const char rows[] =
    "intro,f,,descriptive,Hello there.,,,,,,,,,,,,,\n"
    "q1,f,,radio,How was it?,\"1, bad | 2, fair | 3, good\",,,,,,,y,,,,,\n"
    "hard,f,,yesno,Was there a hard moment?,,,,,,,,,,,,,\n"
    "what,f,,descriptive,About that moment.,,,,,,,[hard] = '1',,,,,,\n"
    "how,f,,text,How hard (1-5)?,,,integer,1,5,,[hard] = '1',,,,,,\n"
    "kinds,f,,checkbox,Which kinds?,\"1, one | 2, two | 3, three\",,,,,,,,,,,,\n"
    "more,f,,notes,Anything else?,,,,,,,,,,,,,\n"
    "total,f,,calc,Total,\"sum([q1], [how])\",,,,,,,,,,,,\n"
    "bye,f,,descriptive,Thanks for your time.,,,,,,,,,,,,,\n";

enum { F_INTRO, F_Q1, F_HARD, F_WHAT, F_HOW, F_KINDS, F_MORE, F_TOTAL, F_BYE };

static dict_file dict;
static const dict_instrument *in;

static int group_setup(void **state)
{
    (void)state;
    sbuf t = SBUF_INIT;
    at_msgs problems = AT_MSGS_INIT;
    at_err err;
    sbuf_adds(&t, header);
    sbuf_adds(&t, rows);
    at_status st = dict_parse("f.csv", t.buf, t.len, NULL, &dict, &problems, &err);
    sbuf_release(&t);
    if (st != AT_OK) {
        fprintf(stderr, "%s: %s\n", err.msg, problems.n ? problems.items[0] : "");
        return -1;
    }
    msgs_release(&problems);
    in = &dict.forms[0];
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    dict_release(&dict);
    return 0;
}

static const char *val(const flow *fl, const char *col)
{
    long c = instrument_col(in, col);
    assert_true(c >= 0);
    return flow_values(fl)[c];
}

static void typed(flow *fl, const char *a)
{
    char why[256];
    if (!flow_answer_typed(fl, a, why, sizeof why))
        fail_msg("'%s' refused: %s", a, why);
    if (!flow_next(fl, why, sizeof why))
        fail_msg("next refused: %s", why);
}

static void test_order_and_branching(void **state)
{
    (void)state;
    flow *fl = flow_new(in);
    char why[256];
    size_t idx[8], k, n;
    int exact;
    assert_int_equal(flow_where(fl), FLOW_QUESTION);
    assert_int_equal(flow_field(fl), F_Q1);
    assert_int_equal(flow_texts(fl, idx, 8), 1);
    assert_int_equal(idx[0], F_INTRO);
    flow_position(fl, &k, &n, &exact);
    assert_int_equal(k, 1);
    assert_int_equal(n, 4);              /* q1 hard kinds more; how is hidden */
    assert_false(exact);                 /* how may still appear */
    assert_int_equal(flow_most(fl), 5);
    char pos[64];
    size_t of = 0;
    flow_position_text(fl, pos, sizeof pos, &of);
    assert_string_equal(pos, "Question 1 of at most 5");
    assert_int_equal(of, 5);
    assert_false(flow_can_back(fl));

    /* required: no moving on without an answer, and a bad code refused */
    assert_false(flow_next(fl, why, sizeof why));
    assert_string_equal(why, "this question needs an answer");
    assert_false(flow_skip(fl, why, sizeof why));
    assert_false(flow_answer_typed(fl, "7", why, sizeof why));
    assert_non_null(strstr(why, "not one of"));
    assert_false(flow_answer_typed(fl, "  ", why, sizeof why));
    typed(fl, "2");
    assert_string_equal(val(fl, "q1"), "2");
    assert_string_equal(val(fl, "total"), "2");   /* calc computed as answers change */

    /* yes/no takes words; yes shows 'how' and its text */
    assert_int_equal(flow_field(fl), F_HARD);
    assert_int_equal(flow_texts(fl, idx, 8), 0);
    typed(fl, "YES");
    assert_string_equal(val(fl, "hard"), "1");
    assert_int_equal(flow_field(fl), F_HOW);
    assert_int_equal(flow_texts(fl, idx, 8), 1);
    assert_int_equal(idx[0], F_WHAT);
    flow_position(fl, &k, &n, &exact);
    assert_int_equal(k, 3);
    assert_int_equal(n, 5);
    assert_true(exact);                  /* nothing after 'how' branches */
    assert_int_equal(flow_most(fl), 5);
    flow_position_text(fl, pos, sizeof pos, NULL);
    assert_string_equal(pos, "Question 3 of 5");
    assert_true(flow_can_back(fl));
    assert_false(flow_answer_typed(fl, "9", why, sizeof why));
    assert_string_equal(why, "the answer is 9, allowed 1-5");
    typed(fl, "4");
    assert_string_equal(val(fl, "total"), "6");

    /* back to 'hard', answer no: 'how' is hidden and its answer cleared */
    assert_int_equal(flow_field(fl), F_KINDS);
    assert_true(flow_back(fl));
    assert_int_equal(flow_field(fl), F_HOW);
    assert_true(flow_back(fl));
    assert_int_equal(flow_field(fl), F_HARD);
    assert_true(flow_answer_typed(fl, "n", why, sizeof why));
    assert_null(val(fl, "how"));
    assert_string_equal(val(fl, "total"), "2");
    assert_true(flow_next(fl, why, sizeof why));
    assert_int_equal(flow_field(fl), F_KINDS);
    /* back skips what branching has hidden since */
    assert_true(flow_back(fl));
    assert_int_equal(flow_field(fl), F_HARD);
    assert_true(flow_back(fl));
    assert_int_equal(flow_field(fl), F_Q1);
    assert_false(flow_can_back(fl));
    assert_false(flow_back(fl));         /* nothing before the first */
    assert_int_equal(flow_field(fl), F_Q1);
    flow_free(fl);
}

static void test_checkbox_skip_and_review(void **state)
{
    (void)state;
    flow *fl = flow_new(in);
    char why[256];
    size_t idx[8];
    typed(fl, "3");
    typed(fl, "no");
    assert_int_equal(flow_field(fl), F_KINDS);
    assert_false(flow_answer_typed(fl, "1, 4", why, sizeof why));
    assert_non_null(strstr(why, "'4' is not one of the codes (1, 2, 3)"));
    typed(fl, "1 3");
    assert_string_equal(val(fl, "kinds___1"), "1");
    assert_string_equal(val(fl, "kinds___2"), "0");
    assert_string_equal(val(fl, "kinds___3"), "1");
    assert_int_equal(flow_field(fl), F_MORE);
    assert_string_equal(flow_status(fl), "complete");   /* notes may stay blank */
    assert_true(flow_skip(fl, why, sizeof why));
    assert_int_equal(flow_where(fl), FLOW_REVIEW);
    assert_int_equal(flow_closing(fl, idx, 8), 1);
    assert_int_equal(idx[0], F_BYE);

    /* the review lists what is shown; changing 'hard' to yes walks 'how' */
    assert_int_equal(flow_review_list(fl, idx, 8), 4);
    assert_int_equal(idx[1], F_HARD);
    assert_false(flow_change(fl, 5));
    assert_true(flow_change(fl, 2));
    assert_int_equal(flow_field(fl), F_HARD);
    assert_true(flow_can_back(fl));      /* back to the review */
    assert_true(flow_back(fl));
    assert_int_equal(flow_where(fl), FLOW_REVIEW);   /* back from a change: the review */
    assert_true(flow_change(fl, 2));
    typed(fl, "y");
    assert_int_equal(flow_field(fl), F_HOW);
    assert_string_equal(flow_status(fl), "partial");  /* 'how' has no answer yet */
    typed(fl, "5");
    assert_int_equal(flow_where(fl), FLOW_REVIEW);    /* then straight back */
    assert_string_equal(flow_status(fl), "complete");

    /* answers as a form posts them */
    assert_true(flow_change(fl, 4));
    assert_int_equal(flow_field(fl), F_KINDS);
    const char *posted[3] = { NULL, "1", NULL };
    assert_true(flow_answer_columns(fl, posted, why, sizeof why));
    assert_string_equal(val(fl, "kinds___1"), "0");
    assert_string_equal(val(fl, "kinds___2"), "1");
    const char *none[3] = { NULL, "0", "" };
    assert_true(flow_answer_columns(fl, none, why, sizeof why));
    assert_null(val(fl, "kinds___2"));                /* nothing ticked: no answer */
    flow_to_review(fl);
    assert_true(flow_change(fl, 1));
    const char *bad[1] = { "5" };
    assert_false(flow_answer_columns(fl, bad, why, sizeof why));
    assert_string_equal(val(fl, "q1"), "3");
    const char *blank[1] = { "" };
    assert_true(flow_answer_columns(fl, blank, why, sizeof why));
    assert_null(val(fl, "q1"));
    assert_false(flow_next(fl, why, sizeof why));     /* required */
    flow_free(fl);
}

static void test_state_round_trip(void **state)
{
    (void)state;
    flow *fl = flow_new(in);
    typed(fl, "1");
    typed(fl, "1");
    assert_int_equal(flow_field(fl), F_HOW);
    char *st = flow_state_write(fl);
    flow *back = flow_new(in);
    assert_true(flow_state_read(back, flow_values(fl), st));
    assert_int_equal(flow_where(back), FLOW_QUESTION);
    assert_int_equal(flow_field(back), F_HOW);
    assert_string_equal(val(back, "hard"), "1");
    assert_true(flow_back(back));                   /* the history came along */
    assert_int_equal(flow_field(back), F_HARD);
    char *again = flow_state_write(back);
    assert_string_not_equal(st, again);
    free(again);

    /* strings that do not fit: start over with the answers kept */
    const char *bad[] = { "", "flow1 q 99 0 H: D:", "flow1 q 2 0 H:0 D:", "flow1 x 2 0 H: D:",
                          "flow1 q 2 0 H:1,2 D:1 junk", "flow2 q 2 0 H: D:" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        flow *g = flow_new(in);
        assert_false(flow_state_read(g, flow_values(fl), bad[i]));
        assert_int_equal(flow_where(g), FLOW_QUESTION);
        assert_int_equal(flow_field(g), F_HOW);     /* first question without an answer */
        assert_string_equal(val(g, "q1"), "1");
        flow_free(g);
    }
    free(st);
    flow_free(back);
    flow_free(fl);
}

static void test_save(void **state)
{
    fixture *fx = *state;
    store *s = open_ok(fx->db, STORE_CREATE);
    at_err err;
    long id, v, admin = 0, session = 0;
    int added;
    const char **cols = malloc(in->ncols * sizeof *cols);
    for (size_t c = 0; c < in->ncols; c++)
        cols[c] = in->cols[c].name;
    assert_int_equal(store_client_add(s, "C1", NULL, &err), AT_OK);
    assert_int_equal(store_instrument_add(s, "f", "text", NULL, cols, in->ncols, &id, &v, &added,
                                          &err), AT_OK);
    flow *fl = flow_new(in);
    admin_rec rec = { .client = "C1", .instrument_id = id, .rater = "client", .source = "interactive" };
    /* a required question without an answer: nothing saved, the flow goes there */
    assert_int_equal(flow_save(fl, s, &rec, 0, NULL, &admin, &session, &err), AT_EINVAL);
    assert_non_null(strstr(err.msg, "'q1' needs an answer"));
    assert_int_equal(flow_field(fl), F_Q1);
    typed(fl, "2");
    typed(fl, "y");
    assert_int_equal(flow_save(fl, s, &rec, 0, NULL, &admin, &session, &err), AT_OK);
    assert_int_equal(flow_where(fl), FLOW_DONE);
    assert_int_equal(session, 1);
    long found = 0, iid = 0;
    assert_int_equal(store_admin_find(s, "f", "C1", 1, "client", NULL, &found, &iid, &err), AT_OK);
    assert_int_equal(found, admin);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(fx->db, &db), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT status, answers FROM administrations", -1,
                                        &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "partial");   /* how, kinds */
    assert_string_equal((const char *)sqlite3_column_text(st, 1), "[\"2\",\"1\"]");
    sqlite3_finalize(st);
    sqlite3_close(db);
    flow_free(fl);
    free(cols);
    store_close(s);
}

static void test_answer_text(void **state)
{
    (void)state;
    flow *fl = flow_new(in);
    typed(fl, "3");
    typed(fl, "n");
    typed(fl, "2,3");
    sbuf sb = SBUF_INIT;
    flow_answer_text(in, &in->fields[F_Q1], flow_values(fl), &sb);
    assert_string_equal(sbuf_str(&sb), "3 good");
    sbuf_reset(&sb);
    flow_answer_text(in, &in->fields[F_KINDS], flow_values(fl), &sb);
    assert_string_equal(sbuf_str(&sb), "2 two; 3 three");
    sbuf_reset(&sb);
    flow_answer_text(in, &in->fields[F_MORE], flow_values(fl), &sb);
    assert_string_equal(sbuf_str(&sb), "(skipped)");
    sbuf_release(&sb);
    /* the closing words: a client is told who reads the answers, a
     * therapist or an observer is not spoken to about their care */
    assert_non_null(strstr(flow_closing_default(fl), "your care"));
    flow_set_rater(fl, "therapist");
    assert_null(strstr(flow_closing_default(fl), "your care"));
    assert_non_null(strstr(flow_closing_default(fl), "saved"));
    flow_set_rater(fl, "observer");
    assert_null(strstr(flow_closing_default(fl), "your care"));
    flow_set_rater(fl, "client");
    assert_non_null(strstr(flow_closing_default(fl), "your care"));
    assert_ptr_equal(flow_instrument(fl), in);
    flow_mark_saved(fl);
    assert_int_equal(flow_where(fl), FLOW_DONE);
    assert_false(flow_change(fl, 1));
    flow_free(fl);
}

/* A radio with Yes, No and a third answer takes the words, and its labels. */
static void test_radio_words(void **state)
{
    (void)state;
    static const char text[] = HEADER18
        "hard,g,,radio,Was there one?,\"1, Yes | 0, No | 9, Rather not say\",,,,,,,,,,,,\n"
        "mood,g,,dropdown,Mood?,\"a, Low | b, High\",,,,,,,,,,,,\n";
    dict_file d = { 0 };
    at_msgs problems = AT_MSGS_INIT;
    at_err err;
    assert_int_equal(dict_parse("g.csv", text, strlen(text), NULL, &d, &problems, &err), AT_OK);
    const dict_instrument *g = &d.forms[0];
    flow *fl = flow_new(g);
    char why[256];
    const char *want[][2] = { { "YES", "1" }, { "n", "0" }, { "rather not say", "9" }, { "9", "9" },
                              { "y", "1" } };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        assert_true(flow_answer_typed(fl, want[i][0], why, sizeof why));
        assert_string_equal(flow_values(fl)[0], want[i][1]);
    }
    assert_false(flow_answer_typed(fl, "maybe", why, sizeof why));
    assert_true(flow_next(fl, why, sizeof why));
    assert_false(flow_answer_typed(fl, "yes", why, sizeof why));   /* no Yes among its labels */
    assert_true(flow_answer_typed(fl, "high", why, sizeof why));
    assert_string_equal(flow_values(fl)[1], "b");
    flow_free(fl);
    dict_release(&d);
}

/* A ranked matrix (Matrix Ranking? y): each choice goes to one of its
 * fields; the flow refuses a code another field of the group holds, and
 * the answer check names both fields. */
static void test_matrix_ranking(void **state)
{
    (void)state;
    static const char text[] = HEADER18
        "first,r,,radio,Most important,\"1, Bond | 2, Goals | 3, Tasks\",,,,,,,,,,rank,y,\n"
        "second,r,,radio,Next,\"1, Bond | 2, Goals | 3, Tasks\",,,,,,,,,,rank,y,\n"
        "other,r,,radio,Unranked,\"1, Bond | 2, Goals | 3, Tasks\",,,,,,,,,,,,\n";
    dict_file d = { 0 };
    at_msgs problems = AT_MSGS_INIT;
    at_err err;
    assert_int_equal(dict_parse("r.csv", text, strlen(text), NULL, &d, &problems, &err), AT_OK);
    const dict_instrument *r = &d.forms[0];
    flow *fl = flow_new(r);
    char why[256];
    assert_true(flow_answer_typed(fl, "2", why, sizeof why));
    assert_true(flow_next(fl, why, sizeof why));
    assert_false(flow_answer_typed(fl, "2", why, sizeof why));
    assert_non_null(strstr(why, "2 is already the answer to another question of this group"));
    assert_true(flow_answer_typed(fl, "3", why, sizeof why));
    assert_true(flow_next(fl, why, sizeof why));
    assert_true(flow_answer_typed(fl, "2", why, sizeof why));    /* not in the group */

    const char *vals[] = { "2", "2", "2" };
    assert_int_equal(instrument_check(r, vals, "", &problems), 1);
    assert_string_equal(problems.items[0], "'second': 2 is the answer to 'first' already "
                        "(matrix 'rank' ranks: each choice goes to one field)");
    flow_free(fl);
    msgs_release(&problems);
    dict_release(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_and_branching),
        cmocka_unit_test(test_checkbox_skip_and_review),
        cmocka_unit_test(test_state_round_trip),
        cmocka_unit_test_setup_teardown(test_save, setup, teardown),
        cmocka_unit_test(test_answer_text),
        cmocka_unit_test(test_radio_words),
        cmocka_unit_test(test_matrix_ranking),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
