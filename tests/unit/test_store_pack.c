/* Unit tests for the packed answers of schema 2 (store_pack.c), read back
 * both by the store's own reader and by SQLite's JSON functions (which the
 * responses view uses), and for the bulk transaction's check that every
 * row it made has its parents. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_fixture.h"
#include "store_int.h"

static char *pack(const char *const *vals, size_t n)
{
    sbuf sb = SBUF_INIT;
    store_pack(&sb, vals, n);
    return sbuf_detach(&sb);
}

/* The JSON as text, and what json_each (SQLite's own reading) makes of it. */
static void check_sqlite_reads(const char *json, const char *const *vals, size_t n)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT key, value FROM json_each(?1)", -1, &st,
                                        NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
    size_t seen = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        size_t k = (size_t)sqlite3_column_int64(st, 0);
        assert_true(k < n);
        const unsigned char *v = sqlite3_column_text(st, 1);
        if (vals[k] && *vals[k]) {
            assert_non_null(v);
            assert_string_equal((const char *)v, vals[k]);
        } else {
            assert_null(v);
        }
        seen++;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    /* trailing blanks are left out, nothing else */
    size_t last = n;
    while (last && !(vals[last - 1] && *vals[last - 1]))
        last--;
    assert_int_equal(seen, last);
}

static void round_trip(const char *const *vals, size_t n)
{
    char *json = pack(vals, n);
    check_sqlite_reads(json, vals, n);
    const char *back[16];
    assert_true(n <= 16);
    assert_int_equal(store_unpack(json, back, n), 1);
    for (size_t i = 0; i < n; i++) {
        if (vals[i] && *vals[i])
            assert_string_equal(back[i], vals[i]);
        else
            assert_null(back[i]);
    }
    free(json);
}

static void test_pack_shapes(void **state)
{
    (void)state;
    const char *plain[] = { "4", "5", NULL, "2" };
    char *json = pack(plain, 4);
    assert_string_equal(json, "[\"4\",\"5\",null,\"2\"]");
    free(json);
    const char *trailing[] = { "1", "", NULL };
    json = pack(trailing, 3);
    assert_string_equal(json, "[\"1\"]");
    free(json);
    const char *none[] = { NULL, "" };
    json = pack(none, 2);
    assert_string_equal(json, "[]");
    free(json);
    round_trip(plain, 4);
    round_trip(trailing, 3);
    round_trip(none, 2);
}

static void test_pack_escapes(void **state)
{
    (void)state;
    const char *hard[] = { "say \"no\"", "back\\slash", "two\nlines\r\n", "tab\there",
                           "bell\x07", "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x99\x82", "[1,2]",
                           "null", " spaced " };
    size_t n = sizeof hard / sizeof hard[0];
    char *json = pack(hard, n);
    assert_non_null(strstr(json, "\\\"no\\\""));
    assert_non_null(strstr(json, "\\u0007"));
    assert_null(strchr(json, '\n'));
    free(json);
    round_trip(hard, n);
}

static void test_unpack_foreign(void **state)
{
    (void)state;
    /* what a person may write with sqlite3: numbers, spaces, \u escapes */
    char text[] = " [ 3 , \"a\\u00e9\\ud83d\\ude42\" ,null, 4.5 ] ";
    const char *v[5];
    assert_int_equal(store_unpack(text, v, 5), 1);
    assert_string_equal(v[0], "3");
    assert_string_equal(v[1], "a\xc3\xa9\xf0\x9f\x99\x82");
    assert_null(v[2]);
    assert_string_equal(v[3], "4.5");
    assert_null(v[4]);
    /* tabs and line ends around bare values; an escaped NUL becomes U+FFFD */
    char spaced[] = "[\t7\t,\n8\n,\"a\\u0000b\"]";
    assert_int_equal(store_unpack(spaced, v, 3), 1);
    assert_string_equal(v[0], "7");
    assert_string_equal(v[1], "8");
    assert_string_equal(v[2], "a\xef\xbf\xbd" "b");
    /* more values than columns: the rest is ignored */
    char more[] = "[\"1\",\"2\",\"3\"]";
    assert_int_equal(store_unpack(more, v, 2), 1);
    assert_string_equal(v[1], "2");
    /* not an array of answers */
    const char *bad[] = { "", "{}", "[\"open", "[1 2]", "[\"\\x\"]", "[,]" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *t = xstrdup(bad[i]);
        assert_int_equal(store_unpack(t, v, 5), 0);
        free(t);
    }
}

static const char *const cols[] = { "a", "b" };

static void test_bulk_orphans(void **state)
{
    fixture *f = *state;
    at_err err;
    long iid, v;
    int added;
    store *s = open_ok(f->db, STORE_CREATE);
    assert_int_equal(store_instrument_add(s, "psq", "text", NULL, cols, 2, &iid, &v, &added,
                                          &err), AT_OK);
    const char *vals[] = { "1", "2" };
    admin_rec r = { .client = "C1", .session = 1, .date = "2026-01-05", .instrument_id = iid,
                    .rater = "client", .status = "complete", .source = "import",
                    .values = vals, .n = 2 };
    /* a bulk save commits when every row has its parents */
    assert_int_equal(store_begin_bulk(s, &err), AT_OK);
    assert_int_equal(store_admin_save(s, &r, 0, NULL, NULL, NULL, &err), AT_OK);
    assert_int_equal(store_commit(s, &err), AT_OK);
    assert_int_equal(db_long(s, "SELECT count(*) FROM administrations"), 1);
    assert_int_equal(db_long(s, "SELECT count(*) FROM responses"), 2);
    /* inside a bulk transaction SQLite does not check, so an orphan gets in;
     * the check before commit finds it and nothing of the transaction stays */
    assert_int_equal(store_begin_bulk(s, &err), AT_OK);
    r.client = "C2";
    assert_int_equal(store_admin_save(s, &r, 0, NULL, NULL, NULL, &err), AT_OK);
    /* through the statement layer, so C2's rows waiting in a batch go first */
    assert_int_equal(db_exec(&s->conn, "INSERT INTO administrations(session_id, instrument_id,"
                                       " rater, status, started_at, finished_at, source)"
                                       " VALUES (999, 1, 'client', 'complete', 'x', 'x',"
                                       " 'import')"), SQLITE_OK);
    assert_int_equal(store_commit(s, &err), AT_EDB);
    assert_non_null(strstr(err.msg, "1 new rows would refer to rows that do not exist"));
    assert_int_equal(db_long(s, "SELECT count(*) FROM administrations"), 1);
    assert_int_equal(store_client_find(s, "C2", NULL, NULL), AT_ENOTFOUND);
    /* a session whose client is missing is found as well */
    assert_int_equal(store_begin_bulk(s, &err), AT_OK);
    assert_int_equal(sqlite3_exec(s->conn.lite, "INSERT INTO sessions(client_id, number, date)"
                                         " VALUES (77, 1, '2026-01-01')", NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(store_commit(s, &err), AT_EDB);
    assert_int_equal(db_long(s, "SELECT count(*) FROM sessions"), 1);
    /* after a bulk transaction, foreign keys are on again for every write */
    assert_int_not_equal(sqlite3_exec(s->conn.lite, "INSERT INTO sessions(client_id, number, date)"
                                             " VALUES (77, 1, '2026-01-01')", NULL, NULL, NULL),
                         SQLITE_OK);
    store_close(s);
}

/* The responses view finds each answer's name by its position, once: a
 * plan that scanned the answers once per column would take minutes on a
 * large study. */
static void test_view_plan(void **state)
{
    fixture *f = *state;
    store *s = open_ok(f->db, STORE_CREATE);
    sqlite3 *db = db_open(s, 0);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "EXPLAIN QUERY PLAN SELECT count(*) FROM responses",
                                        -1, &st, NULL), SQLITE_OK);
    sbuf plan = SBUF_INIT;
    while (sqlite3_step(st) == SQLITE_ROW)
        sbuf_addf(&plan, "%s\n", (const char *)sqlite3_column_text(st, 3));
    sqlite3_finalize(st);
    sqlite3_close(db);
    assert_non_null(strstr(sbuf_str(&plan), "instrument_id=? AND position=?"));
    sbuf_release(&plan);
    store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pack_shapes),
        cmocka_unit_test(test_pack_escapes),
        cmocka_unit_test(test_unpack_foreign),
        cmocka_unit_test_setup_teardown(test_bulk_orphans, setup, teardown),
        cmocka_unit_test_setup_teardown(test_view_plan, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
