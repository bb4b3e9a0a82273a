/* Unit tests for the study store: opening and refusing files, people,
 * sessions, instrument versions, saving and reading administrations,
 * transactions, amendments and the audit trail. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"
#include "store_fixture.h"

/* The answer columns of the test instruments. */
static const char *const test_cols[] = { "a", "b", "c", "y", "z" };
#include "store_int.h"   /* the connection itself, to prove what it refuses */

/* Opening with mode must fail with code and leave the file's bytes alone. */
static void check_refused(const char *path, store_mode mode, at_status code, const char *msg)
{
    size_t n0, n1;
    char *before = slurp(path, &n0);
    store *s = NULL;
    at_err err;
    assert_int_equal(store_open(path, mode, &s, &err), code);
    assert_null(s);
    if (!strstr(err.msg, msg))
        fail_msg("message '%s' lacks '%s'", err.msg, msg);
    char *after = slurp(path, &n1);
    assert_int_equal(n0, n1);
    assert_memory_equal(before, after, n0);
    free(before);
    free(after);
}

static void test_sha256_known(void **state)
{
    (void)state;
    /* FIPS 180-2 appendix B.1 and B.2 message digests; the empty string's
     * digest as published in NIST's example values. */
    static const struct { const char *in, *hex; } cases[] = {
        { "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
        { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
        { "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char hex[65];
        store_sha256(cases[i].in, strlen(cases[i].in), hex);
        assert_string_equal(hex, cases[i].hex);
    }
}

static void test_create_reopen(void **state)
{
    fixture *f = *state;
    struct stat sb;
    at_err err;
    store *s = open_ok(f->db, STORE_CREATE);
    assert_string_equal(store_path(s), f->db);
    assert_int_equal(stat(f->db, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_int_equal(db_long(s, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    assert_int_equal(conn_long(s->conn.lite, "PRAGMA foreign_keys"), 1);
    assert_int_equal(db_long(s, "SELECT count(*) FROM meta WHERE key = 'application'"
                                " AND value = 'attune'"), 1);
    assert_int_equal(db_long(s, "SELECT count(*) FROM pragma_table_list"
                                " WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%'"
                                " AND strict = 0"), 0);
    assert_int_equal(store_therapist_add(s, "T1", "spring", &err), AT_OK);
    /* the write-ahead log and shared memory files are private too */
    char side[160];
    snprintf(side, sizeof side, "%s-wal", f->db);
    assert_int_equal(stat(side, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    snprintf(side, sizeof side, "%s-shm", f->db);
    assert_int_equal(stat(side, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    /* STRICT: a word in an integer column is refused by SQLite itself */
    assert_int_not_equal(sqlite3_exec(s->conn.lite, "INSERT INTO sessions(client_id, number, date)"
                                      " VALUES (1, 'three', '2026-01-01')", NULL, NULL, NULL),
                         SQLITE_OK);
    /* CHECK constraints hold against direct SQL as well */
    assert_int_not_equal(sqlite3_exec(s->conn.lite, "INSERT INTO clients(code) VALUES ('C1');"
                                      "INSERT INTO sessions(client_id, number, date, modality)"
                                      " VALUES (1, 1, '2026-01-01', 'phone')", NULL, NULL, NULL),
                         SQLITE_OK);
    store_close(s);

    char *mine = NULL;
    s = open_ok(f->db, STORE_WRITE);
    assert_int_equal(store_therapist_add(s, "T1", NULL, &err), AT_EEXIST);
    store_close(s);
    s = open_ok(f->db, STORE_CREATE);   /* an existing store opens as it is */
    assert_int_equal(store_client_add(s, "C01", "T1", &err), AT_OK);
    store_close(s);
    s = open_ok(f->db, STORE_READ);
    assert_int_equal(store_client_find(s, "C01", &mine, NULL), AT_OK);
    assert_string_equal(mine, "T1");
    free(mine);
    char *mode = db_text(s, "PRAGMA journal_mode");
    assert_string_equal(mode, "wal");
    free(mode);
    store_close(s);
    assert_int_equal(stat(f->db, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
}

static void test_default_path(void **state)
{
    (void)state;
    setenv("ATTUNE_DB", "/somewhere/study.db", 1);
    assert_string_equal(store_default_path(), "/somewhere/study.db");
    setenv("ATTUNE_DB", "", 1);
    assert_string_equal(store_default_path(), "attune.db");
    unsetenv("ATTUNE_DB");
    assert_string_equal(store_default_path(), "attune.db");
}

static void test_missing_and_unwritable(void **state)
{
    fixture *f = *state;
    store *s = NULL;
    at_err err;
    struct stat sb;
    assert_int_equal(store_open(f->db, STORE_WRITE, &s, &err), AT_ENOTFOUND);
    assert_non_null(strstr(err.msg, "collect init"));
    assert_int_equal(store_open(f->db, STORE_READ, &s, &err), AT_ENOTFOUND);
    assert_int_not_equal(stat(f->db, &sb), 0);   /* nothing was created */

    char path[200];
    snprintf(path, sizeof path, "%s/no-such-dir/study.db", f->dir);
    assert_int_equal(store_open(path, STORE_CREATE, &s, &err), AT_EIO);
    /* the missing folder is named */
    char missing[220];
    snprintf(missing, sizeof missing, "the folder '%s/no-such-dir' does not exist", f->dir);
    assert_non_null(strstr(err.msg, missing));
    assert_int_equal(store_open(f->dir, STORE_CREATE, &s, &err), AT_EIO);
    if (geteuid() != 0) {   /* root may write anywhere */
        char other[160];
        snprintf(other, sizeof other, "%s/other.db", f->dir);
        s = open_ok(other, STORE_CREATE);
        assert_int_equal(store_therapist_add(s, "T1", NULL, &err), AT_OK);
        store_close(s);
        assert_int_equal(chmod(f->dir, 0500), 0);
        assert_int_equal(store_open(f->db, STORE_CREATE, &s, &err), AT_EIO);
        assert_non_null(strstr(err.msg, strerror(EACCES)));
        /* an existing store in a read-only folder can be read, not written */
        assert_int_equal(store_open(other, STORE_WRITE, &s, &err), AT_EIO);
        assert_non_null(strstr(err.msg, strerror(EACCES)));
        s = open_ok(other, STORE_READ);
        assert_int_equal(db_long(s, "SELECT count(*) FROM therapists"), 1);
        store_close(s);
        chmod(f->dir, 0700);
    }
}

static void test_refuse_foreign_files(void **state)
{
    fixture *f = *state;
    char wal[160];
    struct stat sb;
    snprintf(wal, sizeof wal, "%s-wal", f->db);

    /* a text file */
    write_text(f->db, "client,session\nC01,1\n");
    for (int m = STORE_READ; m <= STORE_CREATE; m++)
        check_refused(f->db, (store_mode)m, AT_ENOTSTORE, "is not an attune study file");
    assert_int_not_equal(stat(wal, &sb), 0);
    unlink(f->db);

    /* an SQLite database of another program */
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE notes(x); INSERT INTO notes VALUES (1);"
                                  " PRAGMA user_version = 3", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    for (int m = STORE_READ; m <= STORE_CREATE; m++)
        check_refused(f->db, (store_mode)m, AT_ENOTSTORE, "is not an attune study file");
    assert_int_not_equal(stat(wal, &sb), 0);
    unlink(f->db);

    /* an empty file is taken by init only */
    write_text(f->db, "");
    check_refused(f->db, STORE_WRITE, AT_ENOTSTORE, "is not an attune study file");
    store_close(open_ok(f->db, STORE_CREATE));
    store_close(open_ok(f->db, STORE_READ));
}

static void test_refuse_newer(void **state)
{
    fixture *f = *state;
    store *s = open_ok(f->db, STORE_CREATE);
    assert_int_equal(sqlite3_exec(s->conn.lite, "PRAGMA user_version = 7", NULL, NULL, NULL),
                     SQLITE_OK);
    store_close(s);
    for (int m = STORE_READ; m <= STORE_CREATE; m++)
        check_refused(f->db, (store_mode)m, AT_EVERSION,
                      "was made by a newer attune (schema 7, this one reads up to 3)");
}

static void test_read_only(void **state)
{
    fixture *f = *state;
    at_err err;
    store *s = open_ok(f->db, STORE_CREATE);
    assert_int_equal(store_therapist_add(s, "T1", NULL, &err), AT_OK);
    store_close(s);
    size_t n0, n1;
    char *before = slurp(f->db, &n0);
    s = open_ok(f->db, STORE_READ);
    assert_int_equal(store_therapist_add(s, "T2", NULL, &err), AT_EINVAL);
    assert_non_null(strstr(err.msg, "read-only"));
    assert_int_equal(store_begin(s, &err), AT_EINVAL);
    /* the connection itself is read-only, not only the functions */
    assert_int_equal(sqlite3_exec(s->conn.lite, "INSERT INTO therapists(code) VALUES ('T3')",
                                  NULL, NULL, NULL) & 0xff, SQLITE_READONLY);
    assert_int_equal(db_long(s, "SELECT count(*) FROM therapists"), 1);
    store_close(s);
    char *after = slurp(f->db, &n1);
    assert_int_equal(n0, n1);
    assert_memory_equal(before, after, n0);
    free(before);
    free(after);
}

static int list_pairs(const char *a, const char *b, void *ctx)
{
    sbuf_addf(ctx, "%s:%s;", a, b);
    return 0;
}

static void test_people(void **state)
{
    fixture *f = *state;
    at_err err;
    char *t = NULL;
    sbuf out = SBUF_INIT;
    store *s = open_ok(f->db, STORE_CREATE);
    assert_int_equal(store_therapist_add(s, "T2", "autumn", &err), AT_OK);
    assert_int_equal(store_therapist_add(s, "T1", "", &err), AT_OK);
    assert_int_equal(store_therapist_add(s, "T1", "spring", &err), AT_EEXIST);
    assert_string_equal(err.msg, "therapist 'T1' already exists");
    assert_int_equal(store_therapist_add(s, "", NULL, &err), AT_EINVAL);
    assert_int_equal(store_client_add(s, "C02", "T9", &err), AT_ENOTFOUND);
    assert_non_null(strstr(err.msg, "'T9'"));
    assert_int_equal(store_client_find(s, "C02", NULL, NULL), AT_ENOTFOUND);
    assert_int_equal(store_client_add(s, "C02", "T2", &err), AT_OK);
    assert_int_equal(store_client_add(s, "C01", NULL, &err), AT_OK);
    assert_int_equal(store_client_add(s, "C01", "T1", &err), AT_EEXIST);
    assert_string_equal(err.msg, "client 'C01' already exists");
    assert_int_equal(store_client_find(s, "C01", &t, NULL), AT_OK);
    assert_null(t);
    assert_int_equal(store_client_find(s, "C02", &t, NULL), AT_OK);
    assert_string_equal(t, "T2");
    free(t);
    assert_int_equal(store_therapist_each(s, list_pairs, &out, &err), AT_OK);
    assert_string_equal(sbuf_str(&out), "T1:;T2:autumn;");
    sbuf_reset(&out);
    assert_int_equal(store_client_each(s, list_pairs, &out, &err), AT_OK);
    assert_string_equal(sbuf_str(&out), "C01:;C02:T2;");
    sbuf_release(&out);
    store_close(s);
}

static void test_sessions(void **state)
{
    fixture *f = *state;
    at_err err;
    long num = 0;
    session_info si;
    char today[11];
    util_today_iso(today);
    store *s = open_ok(f->db, STORE_CREATE);
    assert_int_equal(store_therapist_add(s, "T1", NULL, &err), AT_OK);
    assert_int_equal(store_therapist_add(s, "T2", NULL, &err), AT_OK);
    assert_int_equal(store_client_add(s, "C01", "T1", &err), AT_OK);
    assert_int_equal(store_client_add(s, "C02", NULL, &err), AT_OK);

    assert_int_equal(store_session_add(s, "C01", NULL, 0, "2026-01-05", "telehealth", &num, &err), AT_OK);
    assert_int_equal(num, 1);
    assert_int_equal(store_session_add(s, "C01", "T2", 0, NULL, NULL, &num, &err), AT_OK);
    assert_int_equal(num, 2);
    assert_int_equal(store_session_add(s, "C01", NULL, 5, "2026-02-02", "in-person", &num, &err), AT_OK);
    assert_int_equal(num, 5);
    assert_int_equal(store_session_add(s, "C01", NULL, 0, NULL, NULL, &num, &err), AT_OK);
    assert_int_equal(num, 6);
    assert_int_equal(store_session_add(s, "C02", NULL, 0, NULL, NULL, &num, &err), AT_OK);
    assert_int_equal(num, 1);   /* numbering is per client */
    assert_int_equal(store_session_add(s, "C01", NULL, 5, NULL, NULL, &num, &err), AT_EEXIST);
    assert_string_equal(err.msg, "client 'C01' already has session 5");
    assert_int_equal(store_session_add(s, "C01", NULL, 7, "2026-02-30", NULL, &num, &err), AT_EINVAL);
    assert_non_null(strstr(err.msg, "'2026-02-30'"));
    assert_int_equal(store_session_add(s, "C01", NULL, 7, "2026-2-3", NULL, &num, &err), AT_EINVAL);
    assert_int_equal(store_session_add(s, "C01", NULL, 7, NULL, "phone", &num, &err), AT_EINVAL);
    assert_non_null(strstr(err.msg, "'phone'"));
    assert_int_equal(store_session_add(s, "C01", NULL, -1, NULL, NULL, &num, &err), AT_EINVAL);
    assert_int_equal(store_session_add(s, "C09", NULL, 0, NULL, NULL, &num, &err), AT_ENOTFOUND);
    assert_int_equal(store_session_add(s, "C01", "T9", 0, NULL, NULL, &num, &err), AT_ENOTFOUND);
    assert_int_equal(db_long(s, "SELECT count(*) FROM sessions"), 5);

    assert_int_equal(store_session_get(s, "C01", 1, &si, &err), AT_OK);
    assert_string_equal(si.therapist, "T1");   /* the client's therapist */
    assert_string_equal(si.date, "2026-01-05");
    assert_string_equal(si.modality, "telehealth");
    session_info_release(&si);
    assert_int_equal(store_session_get(s, "C01", 2, &si, &err), AT_OK);
    assert_string_equal(si.therapist, "T2");
    assert_string_equal(si.date, today);
    assert_null(si.modality);
    session_info_release(&si);
    assert_int_equal(store_session_get(s, "C02", 1, &si, &err), AT_OK);
    assert_null(si.therapist);
    session_info_release(&si);
    assert_int_equal(store_session_get(s, "C01", 3, &si, &err), AT_ENOTFOUND);
    store_close(s);
}

static int list_instr(const instrument_info *ii, void *ctx)
{
    sbuf_addf(ctx, "%s v%ld %.8s;", ii->name, ii->version, ii->sha256);
    return 0;
}

static void test_instrument_versions(void **state)
{
    fixture *f = *state;
    at_err err;
    long id1, v1, id2, v2, id, v;
    int added;
    char hex[65];
    instrument_info ii;
    const char *a = "record_id,psq,text,Record\n", *b = "record_id,psq,text,Record ID\n";
    store *s = open_ok(f->db, STORE_CREATE);
    assert_int_equal(store_instrument_add(s, "psq", a, "record_id", test_cols, 5, &id1, &v1, &added, &err), AT_OK);
    assert_int_equal(v1, 1);
    assert_int_equal(added, 1);
    assert_int_equal(store_instrument_add(s, "psq", a, NULL, test_cols, 5, &id, &v, &added, &err), AT_OK);
    assert_int_equal(id, id1);
    assert_int_equal(v, 1);
    assert_int_equal(added, 0);
    assert_int_equal(store_instrument_add(s, "psq", b, NULL, test_cols, 5, &id2, &v2, &added, &err), AT_OK);
    assert_int_not_equal(id2, id1);
    assert_int_equal(v2, 2);
    assert_int_equal(added, 1);
    assert_int_equal(store_instrument_add(s, "other", a, NULL, test_cols, 5, &id, &v, &added, &err), AT_OK);
    assert_int_equal(v, 1);   /* versions count per name */

    assert_int_equal(store_instrument_get(s, "psq", 0, &ii, &err), AT_OK);
    assert_int_equal(ii.version, 2);
    assert_string_equal(ii.dictionary, b);
    store_sha256(b, strlen(b), hex);
    assert_string_equal(ii.sha256, hex);
    assert_int_equal(strlen(ii.added_at), 20);
    assert_null(ii.record_id);
    instrument_info_release(&ii);
    assert_int_equal(store_instrument_get(s, "psq", 1, &ii, &err), AT_OK);
    assert_string_equal(ii.dictionary, a);
    assert_string_equal(ii.record_id, "record_id");
    instrument_info_release(&ii);
    assert_int_equal(store_instrument_by_id(s, id1, &ii, &err), AT_OK);
    assert_int_equal(ii.version, 1);
    assert_string_equal(ii.name, "psq");
    instrument_info_release(&ii);
    assert_int_equal(store_instrument_get(s, "psq", 3, &ii, &err), AT_ENOTFOUND);
    assert_int_equal(store_instrument_get(s, "nope", 0, &ii, &err), AT_ENOTFOUND);
    assert_int_equal(store_instrument_by_id(s, 999, &ii, &err), AT_ENOTFOUND);

    sbuf out = SBUF_INIT;
    assert_int_equal(store_instrument_each(s, list_instr, &out, &err), AT_OK);
    char want[200];
    char ha[65];
    store_sha256(a, strlen(a), ha);
    snprintf(want, sizeof want, "other v1 %.8s;psq v1 %.8s;psq v2 %.8s;", ha, ha, hex);
    assert_string_equal(sbuf_str(&out), want);
    sbuf_release(&out);
    /* the text kept may be the file the form came from; the version is the form's */
    const char *file_a = "\xEF\xBB\xBFrecord_id,psq,text,Record\r\n";
    assert_int_equal(store_instrument_add_as(s, "psq", a, file_a, NULL, test_cols, 5, &id, &v,
                                             &added, &err), AT_OK);
    assert_int_equal(id, id1);          /* the same form as version 1: unchanged */
    assert_int_equal(added, 0);
    assert_int_equal(store_instrument_add_as(s, "kept", a, file_a, NULL, test_cols, 5, &id, &v,
                                             &added, &err), AT_OK);
    assert_int_equal(added, 1);
    assert_int_equal(store_instrument_get(s, "kept", 0, &ii, &err), AT_OK);
    assert_string_equal(ii.dictionary, file_a);
    store_sha256(a, strlen(a), hex);
    assert_string_equal(ii.sha256, hex);
    instrument_info_release(&ii);
    store_close(s);
}

static int notices;

static void count_notice(const char *path, long max_ms, void *ctx)
{
    (void)path;
    (void)max_ms;
    (void)ctx;
    notices++;
}

typedef struct holder {
    sqlite3 *db;
    long hold_ms;
} holder;

static void *release_later(void *arg)
{
    holder *h = arg;
    struct timespec t = { h->hold_ms / 1000, (h->hold_ms % 1000) * 1000000 };
    nanosleep(&t, NULL);
    sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL);
    return NULL;
}

/* A study another program is writing to is waited for, within a bound,
 * with one notice; past the bound the write fails as busy and leaves
 * nothing. */
static void test_busy_wait(void **state)
{
    fixture *f = *state;
    at_err err;
    store *s = open_ok(f->db, STORE_CREATE);
    store_close(s);
    store_wait_defaults(400, 100, count_notice, NULL);
    s = open_ok(f->db, STORE_WRITE);
    sqlite3 *other = db_open(s, 1);
    assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    notices = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(store_therapist_add(s, "T1", NULL, &err), AT_EBUSY);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    assert_true(ms >= 400);
    assert_int_equal(notices, 1);
    assert_non_null(strstr(err.msg, "is busy"));
    /* the other writer finishes while this one waits: the write goes through */
    store_wait_defaults(20000, 100, count_notice, NULL);
    store_close(s);
    s = open_ok(f->db, STORE_WRITE);
    holder h = { other, 300 };
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, release_later, &h), 0);
    notices = 0;
    assert_int_equal(store_therapist_add(s, "T1", NULL, &err), AT_OK);
    pthread_join(th, NULL);
    assert_int_equal(notices, 1);
    assert_int_equal(db_long(s, "SELECT count(*) FROM therapists"), 1);
    sqlite3_close(other);
    store_close(s);
    store_wait_defaults(60000, 1000, NULL, NULL);
}

/* Three connections reading one snapshot: what others commit afterwards is
 * seen by none until its reading ends. */
static void test_read_together(void **state)
{
    fixture *f = *state;
    at_err err;
    store *w = open_ok(f->db, STORE_CREATE);
    assert_int_equal(store_therapist_add(w, "T1", NULL, &err), AT_OK);
    store *r[3];
    for (int i = 0; i < 3; i++)
        r[i] = open_ok(f->db, STORE_READ);
    assert_int_equal(store_read_together(r, 3, &err), AT_OK);
    assert_int_equal(store_therapist_add(w, "T2", NULL, &err), AT_OK);
    for (int i = 0; i < 3; i++)
        assert_int_equal(conn_long(r[i]->conn.lite, "SELECT count(*) FROM therapists"), 1);
    store_read_end(r[0]);
    assert_int_equal(conn_long(r[0]->conn.lite, "SELECT count(*) FROM therapists"), 2);
    assert_int_equal(conn_long(r[1]->conn.lite, "SELECT count(*) FROM therapists"), 1);
    assert_int_equal(conn_long(r[2]->conn.lite, "SELECT count(*) FROM therapists"), 1);
    /* r[2] is still reading, so it cannot begin again: the others are not
     * left reading (else they could not begin now) */
    store_read_end(r[1]);
    assert_int_not_equal(store_read_together(r, 3, &err), AT_OK);
    assert_int_equal(store_read_together(r, 2, &err), AT_OK);
    assert_int_equal(conn_long(r[1]->conn.lite, "SELECT count(*) FROM therapists"), 2);
    for (int i = 0; i < 3; i++)
        store_close(r[i]);
    store_close(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256_known),
        cmocka_unit_test(test_default_path),
        cmocka_unit_test_setup_teardown(test_create_reopen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_and_unwritable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refuse_foreign_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refuse_newer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_people, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sessions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_instrument_versions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_busy_wait, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_together, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
