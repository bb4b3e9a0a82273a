/* test_db.c: the statement layer under the store (lib/store/db.h), on both
 * backends.  The SQLite half always runs; the PostgreSQL half needs a
 * server, its socket folder in $ATTUNE_TEST_PGHOST (tests/pg/server.sh),
 * and is skipped without one. */
#define _DEFAULT_SOURCE   /* usleep */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "db.h"
#include "db_pg.h"

/* ---- SQLite ----------------------------------------------------------- */

static long count(db_conn *c, const char *sql)
{
    db_stmt *st = NULL;
    assert_int_equal(db_prepare(c, sql, 0, &st), 0);
    assert_int_equal(db_step(st), DB_ROW);
    long n = (long)db_column_int64(st, 0);
    db_finalize(st);
    return n;
}

/* The first column of a prepared one-row query, run once more. */
static long rerun(db_stmt *st)
{
    assert_int_equal(db_step(st), DB_ROW);
    long n = (long)db_column_int64(st, 0);
    db_reset(st);
    return n;
}

static int put_kid(db_stmt *k, long id, long par, const char *v)
{
    db_bind_int64(k, 1, id);
    db_bind_int64(k, 2, par);
    db_bind_text(k, 3, v);
    int rc = db_step(k);
    db_reset(k);
    return rc;
}


static void lite_faults(void **state)
{
    (void)state;
    db_conn c = { 0 };
    assert_int_equal(sqlite3_open(":memory:", &c.lite), SQLITE_OK);
    assert_int_equal(db_exec(&c, "CREATE TABLE t(id INTEGER PRIMARY KEY, code TEXT UNIQUE)"), 0);
    assert_int_equal(db_fault_of(&c), DB_FAULT_NONE);

    db_stmt *st = NULL;
    assert_int_equal(db_prepare(&c, "INSERT INTO t(code) VALUES (?1)", DB_PERSIST, &st), 0);
    db_bind_text(st, 1, "A");
    assert_int_equal(db_step(st), DB_DONE);
    db_reset(st);
    assert_int_equal(db_last_id(&c), 1);
    assert_int_equal(db_changes(&c), 1);
    /* the same code again: a unique constraint, told as such */
    assert_int_not_equal(db_step(st), DB_DONE);
    db_reset(st);
    assert_int_equal(db_fault_of(&c), DB_FAULT_UNIQUE);
    db_finalize(st);

    /* a syntax error is another fault, with SQLite's message */
    assert_int_not_equal(db_prepare(&c, "SELEKT 1", 0, &st), 0);
    assert_null(st);
    assert_int_equal(db_fault_of(&c), DB_FAULT_OTHER);
    assert_non_null(strstr(db_errmsg(&c), "syntax error"));

    /* text of a given length, and NULL in both places */
    assert_int_equal(db_prepare(&c, "SELECT ?1, ?2, ?3, length(?1)", 0, &st), 0);
    db_bind_textn(st, 1, "abcdef", 3);
    db_bind_null(st, 2);
    db_bind_null_int64(st, 3);
    assert_int_equal(db_step(st), DB_ROW);
    assert_string_equal(db_column_text(st, 0), "abc");
    assert_int_equal(db_column_bytes(st, 0), 3);
    assert_true(db_column_isnull(st, 1));
    assert_true(db_column_isnull(st, 2));
    assert_int_equal(db_column_int64(st, 3), 3);
    db_finalize(st);
    db_finalize(NULL);
    sqlite3_close(c.lite);
}

static void lite_busy(void **state)
{
    (void)state;
    char path[] = "/tmp/attune-db-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    db_conn a = { 0 }, b = { 0 };
    assert_int_equal(sqlite3_open(path, &a.lite), SQLITE_OK);
    assert_int_equal(sqlite3_open(path, &b.lite), SQLITE_OK);
    assert_int_equal(db_exec(&a, "CREATE TABLE t(x); BEGIN IMMEDIATE; INSERT INTO t VALUES (1)"), 0);
    /* another writer holds the file: busy, at once (no busy handler here) */
    assert_int_not_equal(db_exec(&b, "BEGIN IMMEDIATE"), 0);
    assert_int_equal(db_fault_of(&b), DB_FAULT_BUSY);
    assert_int_equal(db_exec(&a, "COMMIT"), 0);
    sqlite3_close(a.lite);
    sqlite3_close(b.lite);
    unlink(path);
}

/* Rows of a DB_BATCH INSERT on SQLite: they wait, go parents first and
 * many to a statement, and are sent before another statement's first step,
 * a db_exec and the commit; not for a DB_APART statement or a statement
 * already running; forgotten by a rollback. */
static void lite_batches(void **state)
{
    (void)state;
    db_conn c = { 0 };
    assert_int_equal(sqlite3_open(":memory:", &c.lite), SQLITE_OK);
    assert_int_equal(db_exec(&c, "PRAGMA foreign_keys = ON;"
                             " CREATE TABLE par(id INTEGER PRIMARY KEY);"
                             " CREATE TABLE kid(id INTEGER PRIMARY KEY,"
                             " par INTEGER NOT NULL REFERENCES par(id), v TEXT CHECK (v <> 'bad'))"),
                     0);
    db_stmt *p = NULL, *k = NULL, *apart = NULL, *plain = NULL, *undo = NULL, *walk = NULL;
    assert_int_equal(db_prepare(&c, "INSERT INTO kid(id, par, v) VALUES (?1, ?2, ?3)",
                                DB_PERSIST | DB_BATCH, &k), 0);
    assert_int_equal(db_prepare(&c, "INSERT INTO par(id) VALUES (?1)",
                                DB_PERSIST | DB_BATCH | DB_BATCH_PARENT, &p), 0);
    assert_int_equal(db_prepare(&c, "SELECT count(*) FROM kid", DB_APART, &apart), 0);
    assert_int_equal(db_prepare(&c, "SELECT count(*) FROM kid", 0, &plain), 0);
    assert_int_equal(db_prepare(&c, "ROLLBACK", 0, &undo), 0);
    assert_int_equal(db_exec(&c, "INSERT INTO par VALUES (1)"), 0);
    assert_int_equal(db_exec(&c, "BEGIN"), 0);
    /* each round: a child of a parent already there, a new parent and its
     * child; with foreign keys on, a child sent before its parent fails */
    for (int i = 2; i <= 451; i++) {
        assert_int_equal(put_kid(k, i, 1, i % 3 == 0 ? "" : i % 2 ? "odd" : NULL), DB_DONE);
        db_bind_int64(p, 1, i);
        assert_int_equal(db_step(p), DB_DONE);
        db_reset(p);
        assert_int_equal(put_kid(k, 10000 + i, i, "new"), DB_DONE);
    }
    /* 900 rows in batches of 64 have gone; the last 4 still wait */
    assert_int_equal(rerun(apart), 896);
    assert_int_equal(rerun(plain), 900);
    assert_int_equal(count(&c, "SELECT count(*) FROM kid WHERE v IS NULL"), 150);
    assert_int_equal(count(&c, "SELECT count(*) FROM kid WHERE v = ''"), 150);
    assert_int_equal(count(&c, "SELECT count(*) FROM kid WHERE v = 'new' AND par = id - 10000"),
                     450);
    assert_int_equal(count(&c, "SELECT count(*) FROM par"), 451);
    /* a statement already running goes on without the rows waiting */
    assert_int_equal(db_prepare(&c, "SELECT id FROM par ORDER BY id", 0, &walk), 0);
    assert_int_equal(db_step(walk), DB_ROW);
    assert_int_equal(put_kid(k, 20000, 1, "late"), DB_DONE);
    assert_int_equal(db_step(walk), DB_ROW);
    assert_int_equal(db_column_int64(walk, 0), 2);
    db_finalize(walk);
    assert_int_equal(rerun(apart), 900);
    /* a row half bound when another statement sends the rows waiting keeps
     * what was bound, and a row's values stay bound for the next, as on
     * SQLite's own statements */
    db_bind_int64(k, 1, 20001);
    db_bind_int64(k, 2, 2);
    assert_int_equal(rerun(plain), 901);
    db_bind_text(k, 3, "kept");
    assert_int_equal(db_step(k), DB_DONE);
    db_reset(k);
    db_bind_int64(k, 1, 20002);
    assert_int_equal(db_step(k), DB_DONE);
    db_reset(k);
    assert_int_equal(db_exec(&c, "COMMIT"), 0);
    assert_int_equal(count(&c, "SELECT count(*) FROM kid WHERE v = 'late'"), 1);
    assert_int_equal(count(&c, "SELECT count(*) FROM kid WHERE v = 'kept' AND par = 2"
                               " AND id IN (20001, 20002)"), 2);

    /* a refused row among a batch: told by the call that sends it */
    assert_int_equal(db_exec(&c, "BEGIN"), 0);
    int refused = 0;
    char msg[256] = "";
    for (int i = 501; i <= 750; i++) {
        if (put_kid(k, i, 1, i == 550 ? "bad" : "ok") != DB_DONE && !refused++)
            snprintf(msg, sizeof msg, "%s", db_errmsg(&c));
    }
    assert_int_equal(refused, 1);
    assert_non_null(strstr(msg, "CHECK constraint failed"));
    assert_int_equal(db_exec(&c, "ROLLBACK"), 0);
    assert_int_equal(count(&c, "SELECT count(*) FROM kid"), 903);

    /* rows still waiting when the transaction is undone are not sent, by
     * db_exec or by a prepared ROLLBACK */
    for (int way = 0; way < 2; way++) {
        assert_int_equal(db_exec(&c, "BEGIN"), 0);
        assert_int_equal(put_kid(k, 999, 999999, "ok"), DB_DONE);   /* no such parent */
        if (way) {
            assert_int_equal(db_step(undo), DB_DONE);
            db_reset(undo);
        } else {
            assert_int_equal(db_exec(&c, "ROLLBACK"), 0);
        }
        assert_int_equal(count(&c, "SELECT count(*) FROM kid"), 903);
    }

    /* rows waiting when their statement is finalized go first */
    assert_int_equal(db_exec(&c, "BEGIN"), 0);
    assert_int_equal(put_kid(k, 1000, 1, "last"), DB_DONE);
    db_finalize(k);
    assert_int_equal(db_exec(&c, "COMMIT"), 0);
    assert_int_equal(count(&c, "SELECT count(*) FROM kid WHERE v = 'last'"), 1);
    /* outside a transaction a row goes at once */
    db_bind_int64(p, 1, 5000);
    assert_int_equal(db_step(p), DB_DONE);
    db_reset(p);
    assert_int_equal(db_step(apart), DB_ROW);
    db_reset(apart);
    assert_int_equal(count(&c, "SELECT count(*) FROM par WHERE id = 5000"), 1);
    db_finalize(p);
    db_finalize(apart);
    db_finalize(plain);
    db_finalize(undo);
    sqlite3_close(c.lite);
}

/* ---- PostgreSQL --------------------------------------------------------- */

typedef struct pg_fixture {
    char url[512];
    db_conn c;
} pg_fixture;

/* A connection to the server's postgres database, in a schema of this
 * run's own (dropped at the end). */
static int pg_setup(void **state)
{
    const char *host = getenv("ATTUNE_TEST_PGHOST");
    if (!host || !*host) {
        *state = NULL;
        return 0;
    }
    pg_fixture *f = calloc(1, sizeof *f);
    snprintf(f->url, sizeof f->url, "postgresql:///postgres?host=%s", host);
    char *msg = NULL;
    if (dbpg_connect(f->url, &f->c.pg, &msg) != 0) {
        fprintf(stderr, "cannot connect: %s\n", msg);
        free(msg);
        free(f);
        return -1;
    }
    char q[256];
    snprintf(q, sizeof q, "SET client_min_messages = warning; DROP SCHEMA IF EXISTS dbt%d CASCADE;"
             " CREATE SCHEMA dbt%d; SET search_path = dbt%d", (int)getpid(), (int)getpid(),
             (int)getpid());
    if (db_exec(&f->c, q) != 0)
        return -1;
    snprintf(q, sizeof q, "SET client_min_messages = warning; SET search_path = dbt%d",
             (int)getpid());
    dbpg_set_setup(f->c.pg, q);
    *state = f;
    return 0;
}

static int pg_teardown(void **state)
{
    pg_fixture *f = *state;
    if (!f)
        return 0;
    char q[128];
    snprintf(q, sizeof q, "DROP SCHEMA IF EXISTS dbt%d CASCADE", (int)getpid());
    db_exec(&f->c, "ROLLBACK");
    db_exec(&f->c, q);
    dbpg_close(f->c.pg);
    free(f);
    return 0;
}

#define PG_OR_SKIP(f)                 \
    pg_fixture *f = *state;           \
    if (!f) {                         \
        skip();                       \
        return;                       \
    }

static void pg_values(void **state)
{
    PG_OR_SKIP(f);
    db_stmt *st = NULL;
    /* ?N and bare ?, a ? inside quotes left alone, booleans as 1 and 0 */
    assert_int_equal(db_prepare(&f->c, "SELECT ?2::bigint + ?1, 'a?b', ? IS NULL, true, false,"
                                " length(?3)", DB_PERSIST, &st), 0);
    db_bind_int64(st, 1, 40);
    db_bind_int64(st, 2, 2);
    db_bind_textn(st, 3, "xyzzy", 2);
    assert_int_equal(db_step(st), DB_ROW);
    assert_int_equal(db_column_int64(st, 0), 42);
    assert_string_equal(db_column_text(st, 1), "a?b");
    assert_int_equal(db_column_bytes(st, 1), 3);
    assert_int_equal(db_column_int64(st, 2), 0);   /* bare ? is ?1 here: 40 is not NULL */
    assert_int_equal(db_column_int64(st, 3), 1);
    assert_int_equal(db_column_int64(st, 4), 0);
    assert_int_equal(db_column_int64(st, 5), 2);
    assert_false(db_column_isnull(st, 0));
    assert_null(db_column_text(st, 9));            /* past the last column */
    assert_int_equal(db_step(st), DB_DONE);
    assert_int_equal(db_step(st), DB_DONE);
    db_reset(st);
    /* run again after a reset, with the bindings kept */
    assert_int_equal(db_step(st), DB_ROW);
    assert_int_equal(db_column_int64(st, 0), 42);
    db_finalize(st);

    /* a parameter seen twice, bound as NULL text: no guess left to the server */
    assert_int_equal(db_exec(&f->c, "CREATE TABLE p(code text, n bigint)"), 0);
    assert_int_equal(db_prepare(&f->c, "SELECT count(*) FROM p WHERE (?1 IS NULL OR code = ?1)"
                                " AND (?2 IS NULL OR n = ?2)", 0, &st), 0);
    db_bind_null(st, 1);
    db_bind_null_int64(st, 2);
    assert_int_equal(db_step(st), DB_ROW);
    assert_int_equal(db_column_int64(st, 0), 0);
    db_finalize(st);

    /* SQLite's CROSS JOIN ... ON becomes a join PostgreSQL takes */
    assert_int_equal(count(&f->c, "SELECT count(*) FROM p a CROSS JOIN p b ON a.n = b.n"), 0);
}

static void pg_faults(void **state)
{
    PG_OR_SKIP(f);
    assert_int_equal(db_exec(&f->c, "CREATE TABLE u(id bigint PRIMARY KEY, code text UNIQUE)"), 0);
    db_stmt *st = NULL;
    assert_int_equal(db_prepare(&f->c, "INSERT INTO u(id, code) VALUES (?1, ?2)",
                                DB_INSERT_ID, &st), 0);
    db_bind_int64(st, 1, 7);
    db_bind_text(st, 2, "A");
    assert_int_equal(db_step(st), DB_DONE);
    assert_int_equal(db_last_id(&f->c), 7);
    assert_int_equal(db_changes(&f->c), 1);
    db_reset(st);
    db_bind_int64(st, 1, 8);
    assert_int_not_equal(db_step(st), DB_DONE);
    assert_int_equal(db_fault_of(&f->c), DB_FAULT_UNIQUE);
    assert_non_null(strstr(db_errmsg(&f->c), "unique"));
    db_finalize(st);
    assert_int_not_equal(db_exec(&f->c, "SELEKT 1"), 0);
    assert_int_equal(db_fault_of(&f->c), DB_FAULT_OTHER);
    assert_int_equal(db_exec(&f->c, "SELECT 1"), 0);
    assert_int_equal(db_fault_of(&f->c), DB_FAULT_NONE);
    assert_string_equal(dbpg_errmsg(f->c.pg), "no error");

    /* URLs: options read, a password seen, a URL that is not one refused */
    char *value = NULL, *msg = NULL;
    assert_int_equal(dbpg_has_option("postgresql://u:pw@h/db?sslmode=require", "password", &value,
                                     &msg), 1);
    assert_string_equal(value, "pw");
    free(value);
    assert_int_equal(dbpg_has_option("postgresql://h/db?sslmode=require", "password", &value, &msg),
                     0);
    assert_null(value);
    assert_int_equal(dbpg_has_option("postgresql://h/db?nosuch=1", "password", &value, &msg), -1);
    assert_non_null(msg);
    free(msg);
    db_pg *none = NULL;
    assert_int_not_equal(dbpg_connect("postgresql:///x?host=/nonexistent/folder", &none, &msg), 0);
    assert_null(none);
    assert_non_null(strstr(msg, "/nonexistent/folder"));
    free(msg);
}

/* Rows past one batch of the cursor come back in order, with other
 * statements run between the steps. */
static void pg_stream(void **state)
{
    PG_OR_SKIP(f);
    assert_int_equal(db_exec(&f->c, "BEGIN"), 0);
    db_stmt *st = NULL, *other = NULL;
    assert_int_equal(db_prepare(&f->c, "SELECT g, 'r' || g FROM generate_series(1, ?1) g ORDER BY g",
                                DB_STREAM, &st), 0);
    assert_int_equal(db_prepare(&f->c, "SELECT ?1::bigint * 2", DB_PERSIST, &other), 0);
    db_bind_int64(st, 1, 9001);
    long n = 0, sum = 0;
    int step;
    while ((step = db_step(st)) == DB_ROW) {
        n++;
        assert_int_equal(db_column_int64(st, 0), n);
        if (n % 3000 == 0) {
            db_bind_int64(other, 1, n);
            assert_int_equal(db_step(other), DB_ROW);
            sum += (long)db_column_int64(other, 0);
            db_reset(other);
        }
    }
    assert_int_equal(step, DB_DONE);
    assert_int_equal(n, 9001);
    assert_int_equal(sum, 2 * (3000 + 6000 + 9000));
    /* reset before the end closes the cursor; the statement runs again */
    db_reset(st);
    assert_int_equal(db_step(st), DB_ROW);
    assert_string_equal(db_column_text(st, 1), "r1");
    db_reset(st);
    assert_int_equal(db_exec(&f->c, "COMMIT"), 0);
    /* outside a transaction the rows come whole */
    db_bind_int64(st, 1, 5);
    for (n = 0; db_step(st) == DB_ROW; n++)
        ;
    assert_int_equal(n, 5);
    db_finalize(st);
    db_finalize(other);
}

/* One row of the kid table through k; what its step gave (a batched row
 * is only kept until it is sent). */
/* Rows of a DB_BATCH INSERT: parents first, many to a statement, a failure
 * told by a later statement, and rows waiting forgotten by a rollback. */
static void pg_batches(void **state)
{
    PG_OR_SKIP(f);
    assert_int_equal(db_exec(&f->c, "CREATE TABLE par(id bigint PRIMARY KEY);"
                             " CREATE TABLE kid(id bigint PRIMARY KEY,"
                             " par bigint NOT NULL REFERENCES par(id), v text CHECK (v <> 'bad'))"),
                     0);
    db_stmt *p = NULL, *k = NULL;
    assert_int_equal(db_prepare(&f->c, "INSERT INTO kid(id, par, v) VALUES (?1, ?2, ?3)",
                                DB_PERSIST | DB_BATCH, &k), 0);
    assert_int_equal(db_prepare(&f->c, "INSERT INTO par(id) VALUES (?1)",
                                DB_PERSIST | DB_BATCH | DB_BATCH_PARENT, &p), 0);
    assert_int_equal(db_exec(&f->c, "INSERT INTO par VALUES (1)"), 0);
    assert_int_equal(db_exec(&f->c, "BEGIN"), 0);
    /* each round begins with a child of a parent already there, then a new
     * parent and its child: the new parents are sent first all the same */
    for (int i = 2; i <= 451; i++) {
        assert_int_equal(put_kid(k, i, 1, i % 2 ? "odd" : NULL), DB_DONE);
        db_bind_int64(p, 1, i);
        assert_int_equal(db_step(p), DB_DONE);
        db_reset(p);
        assert_int_equal(put_kid(k, 10000 + i, i, "new"), DB_DONE);
    }
    assert_int_equal(count(&f->c, "SELECT count(*) FROM kid WHERE v IS NULL"), 225);
    assert_int_equal(count(&f->c, "SELECT count(*) FROM kid WHERE v = 'new' AND par = id - 10000"), 450);
    assert_int_equal(count(&f->c, "SELECT count(*) FROM par"), 451);
    assert_int_equal(db_exec(&f->c, "COMMIT"), 0);

    /* a refused row inside a full batch: told at the next statement, and the
     * transaction is undone whole */
    assert_int_equal(db_exec(&f->c, "BEGIN"), 0);
    for (int i = 501; i <= 750; i++) {
        put_kid(k, i, 1, i == 550 ? "bad" : "ok");
    }
    assert_int_not_equal(db_exec(&f->c, "SELECT 1"), 0);
    assert_non_null(strstr(db_errmsg(&f->c), "kid_v_check"));
    assert_int_equal(db_exec(&f->c, "ROLLBACK"), 0);
    assert_int_equal(count(&f->c, "SELECT count(*) FROM kid"), 900);

    /* rows still waiting when the transaction is undone are not sent */
    assert_int_equal(db_exec(&f->c, "BEGIN"), 0);
    /* no such parent: would be refused if sent */
    assert_int_equal(put_kid(k, 999, 999999, "ok"), DB_DONE);
    assert_int_equal(db_exec(&f->c, "ROLLBACK"), 0);
    assert_int_equal(count(&f->c, "SELECT count(*) FROM kid"), 900);

    /* rows waiting when their statement is finalized go first */
    assert_int_equal(db_exec(&f->c, "BEGIN"), 0);
    db_bind_int64(k, 1, 1000);
    db_bind_int64(k, 2, 1);
    db_bind_text(k, 3, "last");
    assert_int_equal(db_step(k), DB_DONE);
    db_finalize(k);
    assert_int_equal(db_exec(&f->c, "COMMIT"), 0);
    assert_int_equal(count(&f->c, "SELECT count(*) FROM kid WHERE v = 'last'"), 1);
    /* outside a transaction a row goes at once */
    db_bind_int64(p, 1, 5000);
    assert_int_equal(db_step(p), DB_DONE);
    db_reset(p);
    assert_int_equal(count(&f->c, "SELECT count(*) FROM par WHERE id = 5000"), 1);
    db_finalize(p);
}

/* A link that the server ends is made again with the connection's settings,
 * and a prepared statement prepared again; inside a transaction it is not. */
static void pg_revive(void **state)
{
    PG_OR_SKIP(f);
    db_stmt *st = NULL;
    assert_int_equal(db_exec(&f->c, "CREATE TABLE r(x bigint)"), 0);
    assert_int_equal(db_prepare(&f->c, "SELECT count(*) FROM r", DB_PERSIST, &st), 0);
    assert_int_equal(db_step(st), DB_ROW);
    db_reset(st);
    assert_false(dbpg_lost(f->c.pg));
    /* a second connection ends this one */
    char *msg = NULL;
    db_conn killer = { 0 };
    assert_int_equal(dbpg_connect(f->url, &killer.pg, &msg), 0);
    long pid = count(&f->c, "SELECT pg_backend_pid()");
    char q[96];
    snprintf(q, sizeof q, "SELECT pg_terminate_backend(%ld)", pid);
    assert_int_equal(db_exec(&killer, q), 0);
    usleep(100000);
    /* the table is found (the search_path set again) through the same statement */
    assert_int_equal(db_step(st), DB_ROW);
    assert_int_equal(db_column_int64(st, 0), 0);
    db_reset(st);
    assert_int_equal(count(&f->c, "SELECT count(*) FROM r"), 0);
    assert_int_not_equal(count(&f->c, "SELECT pg_backend_pid()"), pid);

    /* ended inside a transaction: the failure is told, nothing is sent again */
    assert_int_equal(db_exec(&f->c, "BEGIN; INSERT INTO r VALUES (1)"), 0);
    pid = count(&f->c, "SELECT pg_backend_pid()");
    snprintf(q, sizeof q, "SELECT pg_terminate_backend(%ld)", pid);
    assert_int_equal(db_exec(&killer, q), 0);
    usleep(100000);
    assert_int_not_equal(db_step(st), DB_ROW);
    assert_int_equal(db_fault_of(&f->c), DB_FAULT_IO);
    assert_true(dbpg_lost(f->c.pg));
    db_reset(st);
    assert_int_equal(dbpg_reconnect(f->c.pg), 0);
    assert_int_equal(count(&f->c, "SELECT count(*) FROM r"), 0);
    assert_int_equal(dbpg_reconnect(f->c.pg), 0);   /* nothing to do */
    db_finalize(st);
    dbpg_close(killer.pg);
}

int main(void)
{
    const struct CMUnitTest lite[] = {
        cmocka_unit_test(lite_faults),
        cmocka_unit_test(lite_busy),
        cmocka_unit_test(lite_batches),
    };
    const struct CMUnitTest pg[] = {
        cmocka_unit_test(pg_values),
        cmocka_unit_test(pg_faults),
        cmocka_unit_test(pg_stream),
        cmocka_unit_test(pg_batches),
        cmocka_unit_test(pg_revive),
    };
    int failed = cmocka_run_group_tests(lite, NULL, NULL);
    return failed + cmocka_run_group_tests(pg, pg_setup, pg_teardown);
}
