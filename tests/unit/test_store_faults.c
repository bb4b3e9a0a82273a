/* The store's failure paths, exercised for real through a fault-injecting
 * SQLite VFS: the default VFS with every file operation passed on, except
 * that after a countdown of writes (or syncs) one fails as a full disk or
 * an I/O error would, and opens can be refused as a folder without
 * permission would refuse them.  Whatever fails, the store reports it with
 * the file's name, and what was committed before is all there is. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_fixture.h"

/* ---- the VFS ------------------------------------------------------------ */

static sqlite3_vfs *real;
static sqlite3_vfs faulty;
static int countdown = -1;      /* writes and syncs left before one fails; -1: none */
static int fail_code = SQLITE_FULL;
static int refuse_open;         /* opens of the main database file fail */
static int read_countdown = -1; /* reads left before one fails; -1: none */
static int fired;               /* a fault was returned */

typedef struct ffile {
    sqlite3_file base;          /* first: what SQLite sees */
    sqlite3_file *under;        /* the default VFS's file, allocated after */
} ffile;

static int tick(void)
{
    if (countdown < 0)
        return 0;
    if (countdown == 0) {
        fired = 1;
        return 1;
    }
    countdown--;
    return 0;
}

static int f_close(sqlite3_file *f)
{
    ffile *p = (ffile *)f;
    int rc = p->under->pMethods ? p->under->pMethods->xClose(p->under) : SQLITE_OK;
    return rc;
}
static int f_read(sqlite3_file *f, void *b, int n, sqlite3_int64 o)
{
    if (read_countdown == 0) {
        fired = 1;
        return SQLITE_IOERR_READ;
    }
    if (read_countdown > 0)
        read_countdown--;
    return ((ffile *)f)->under->pMethods->xRead(((ffile *)f)->under, b, n, o);
}
static int f_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 o)
{
    if (tick())
        return fail_code == SQLITE_FULL ? SQLITE_FULL : SQLITE_IOERR_WRITE;
    return ((ffile *)f)->under->pMethods->xWrite(((ffile *)f)->under, b, n, o);
}
static int f_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    return ((ffile *)f)->under->pMethods->xTruncate(((ffile *)f)->under, size);
}
static int f_sync(sqlite3_file *f, int flags)
{
    if (tick())
        return SQLITE_IOERR_FSYNC;
    return ((ffile *)f)->under->pMethods->xSync(((ffile *)f)->under, flags);
}
static int f_size(sqlite3_file *f, sqlite3_int64 *size)
{
    return ((ffile *)f)->under->pMethods->xFileSize(((ffile *)f)->under, size);
}
static int f_lock(sqlite3_file *f, int l)
{
    return ((ffile *)f)->under->pMethods->xLock(((ffile *)f)->under, l);
}
static int f_unlock(sqlite3_file *f, int l)
{
    return ((ffile *)f)->under->pMethods->xUnlock(((ffile *)f)->under, l);
}
static int f_check(sqlite3_file *f, int *out)
{
    return ((ffile *)f)->under->pMethods->xCheckReservedLock(((ffile *)f)->under, out);
}
static int f_control(sqlite3_file *f, int op, void *arg)
{
    return ((ffile *)f)->under->pMethods->xFileControl(((ffile *)f)->under, op, arg);
}
static int f_sector(sqlite3_file *f)
{
    return ((ffile *)f)->under->pMethods->xSectorSize(((ffile *)f)->under);
}
static int f_device(sqlite3_file *f)
{
    return ((ffile *)f)->under->pMethods->xDeviceCharacteristics(((ffile *)f)->under);
}
static int f_shm_map(sqlite3_file *f, int pg, int sz, int ext, void volatile **pp)
{
    return ((ffile *)f)->under->pMethods->xShmMap(((ffile *)f)->under, pg, sz, ext, pp);
}
static int f_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
    return ((ffile *)f)->under->pMethods->xShmLock(((ffile *)f)->under, off, n, flags);
}
static void f_shm_barrier(sqlite3_file *f)
{
    ((ffile *)f)->under->pMethods->xShmBarrier(((ffile *)f)->under);
}
static int f_shm_unmap(sqlite3_file *f, int del)
{
    return ((ffile *)f)->under->pMethods->xShmUnmap(((ffile *)f)->under, del);
}

static const sqlite3_io_methods methods = {
    2, f_close, f_read, f_write, f_truncate, f_sync, f_size, f_lock, f_unlock, f_check,
    f_control, f_sector, f_device, f_shm_map, f_shm_lock, f_shm_barrier, f_shm_unmap,
    NULL, NULL
};

static int v_open(sqlite3_vfs *v, const char *name, sqlite3_file *f, int flags, int *out)
{
    (void)v;
    ffile *p = (ffile *)f;
    p->base.pMethods = NULL;
    if (refuse_open && (flags & SQLITE_OPEN_MAIN_DB)) {
        errno = EACCES;
        return SQLITE_CANTOPEN;
    }
    p->under = (sqlite3_file *)(p + 1);
    int rc = real->xOpen(real, name, p->under, flags, out);
    if (rc == SQLITE_OK)
        p->base.pMethods = &methods;
    return rc;
}
static int v_delete(sqlite3_vfs *v, const char *name, int sync)
{
    (void)v;
    return real->xDelete(real, name, sync);
}
static int v_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
    (void)v;
    return real->xAccess(real, name, flags, out);
}
static int v_full(sqlite3_vfs *v, const char *name, int n, char *out)
{
    (void)v;
    return real->xFullPathname(real, name, n, out);
}
static int v_random(sqlite3_vfs *v, int n, char *out)
{
    (void)v;
    return real->xRandomness(real, n, out);
}
static int v_sleep(sqlite3_vfs *v, int us)
{
    (void)v;
    return real->xSleep(real, us);
}
static int v_time(sqlite3_vfs *v, double *t)
{
    (void)v;
    return real->xCurrentTime(real, t);
}
static int v_error(sqlite3_vfs *v, int n, char *out)
{
    (void)v;
    return real->xGetLastError(real, n, out);
}
static int v_time64(sqlite3_vfs *v, sqlite3_int64 *t)
{
    (void)v;
    return real->xCurrentTimeInt64(real, t);
}

static int install(void **state)
{
    (void)state;
    real = sqlite3_vfs_find(NULL);
    faulty = (sqlite3_vfs){ 2, (int)sizeof(ffile) + real->szOsFile, real->mxPathname, NULL,
                            "attune-faulty", NULL, v_open, v_delete, v_access, v_full,
                            NULL, NULL, NULL, NULL, v_random, v_sleep, v_time, v_error,
                            v_time64, NULL, NULL, NULL };
    return sqlite3_vfs_register(&faulty, 1) == SQLITE_OK ? 0 : -1;
}

static void arm(int after, int code)
{
    countdown = after;
    fail_code = code;
    fired = 0;
}

static void disarm(void)
{
    countdown = -1;
    read_countdown = -1;
    refuse_open = 0;
}

/* ---- the tests ---------------------------------------------------------- */

/* Removes the study and its -wal and -shm files, for the next round. */
static void remove_study(const fixture *f)
{
    char side[160];
    unlink(f->db);
    snprintf(side, sizeof side, "%s-wal", f->db);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", f->db);
    unlink(side);
}

static const char *const cols[] = { "a", "b" };

/* A study with one saved administration, made with no fault. */
static store *seeded(const fixture *f, long *iid)
{
    at_err err;
    long v;
    int added;
    disarm();
    store *s = open_ok(f->db, STORE_CREATE);
    assert_int_equal(store_instrument_add(s, "psq", "text", NULL, cols, 2, iid, &v, &added,
                                          &err), AT_OK);
    return s;
}

static at_status save_one(store *s, long iid, const char *client, long session, at_err *err)
{
    const char *vals[] = { "1", "2" };
    admin_rec r = { .client = client, .session = session, .date = "2026-01-05",
                    .instrument_id = iid, .rater = "client", .status = "complete",
                    .source = "import", .values = vals, .n = 2 };
    return store_admin_save(s, &r, 0, NULL, NULL, NULL, err);
}

/* A write that meets a full disk or an I/O error at any point of a bulk
 * import fails with the file named, and the study keeps exactly what was
 * committed before it. */
static void test_write_faults(void **state)
{
    fixture *f = *state;
    int codes[] = { SQLITE_FULL, SQLITE_IOERR };
    int seen_fault = 0;
    for (int c = 0; c < 2; c++) {
        for (int after = 0; after < 40; after++) {
            long iid;
            at_err err;
            store *s = seeded(f, &iid);
            assert_int_equal(save_one(s, iid, "K0", 1, &err), AT_OK);
            arm(after, codes[c]);
            at_status rc = store_begin_bulk(s, &err);
            for (int k = 1; rc == AT_OK && k <= 200; k++) {
                char code[16];
                snprintf(code, sizeof code, "K%d", k);
                rc = save_one(s, iid, code, 1, &err);
            }
            if (rc == AT_OK)
                rc = store_commit(s, &err);
            else
                store_rollback(s);
            int hit = fired;
            disarm();
            if (hit) {
                seen_fault = 1;
                assert_int_not_equal(rc, AT_OK);
                assert_non_null(strstr(err.msg, f->db));
            }
            store_close(s);
            /* reopened without faults: whole, and all or nothing */
            s = open_ok(f->db, STORE_WRITE);
            assert_int_equal(db_long(s, "SELECT count(*) FROM pragma_integrity_check"
                                        " WHERE integrity_check <> 'ok'"), 0);
            long n = db_long(s, "SELECT count(*) FROM administrations");
            assert_true(n == 1 || n == 201);
            if (rc == AT_OK)
                assert_int_equal(n, 201);
            else if (hit && fail_code == SQLITE_FULL)
                assert_int_equal(n, 1);   /* a full disk never commits half */
            store_close(s);
            remove_study(f);
        }
    }
    assert_true(seen_fault);
}

/* A single save that meets a fault leaves nothing, and says why. */
static void test_save_fault(void **state)
{
    fixture *f = *state;
    long iid;
    at_err err;
    store *s = seeded(f, &iid);
    arm(0, SQLITE_FULL);
    at_status rc = save_one(s, iid, "C1", 1, &err);
    int hit = fired;
    disarm();
    assert_true(hit);
    assert_int_not_equal(rc, AT_OK);
    assert_non_null(strstr(err.msg, f->db));
    assert_int_equal(db_long(s, "SELECT count(*) FROM administrations"), 0);
    assert_int_equal(store_client_find(s, "C1", NULL, &err), AT_ENOTFOUND);
    /* and the next save, with the disk back, goes through */
    assert_int_equal(save_one(s, iid, "C1", 1, &err), AT_OK);
    store_close(s);
}

/* A file that cannot be opened (as a folder without permission refuses it)
 * is reported with its name, for reading and for writing. */
static void test_open_refused(void **state)
{
    fixture *f = *state;
    long iid;
    store *s = seeded(f, &iid);
    store_close(s);
    for (int m = STORE_READ; m <= STORE_WRITE; m++) {
        at_err err;
        refuse_open = 1;
        at_status rc = store_open(f->db, (store_mode)m, &s, &err);
        disarm();
        assert_int_not_equal(rc, AT_OK);
        assert_null(s);
        assert_non_null(strstr(err.msg, f->db));
    }
}

/* Every store operation, with a read or a write failing at each point it
 * reaches: each either succeeds or reports an error naming the study, and
 * the study reopened is whole. */
typedef at_status (*store_op)(store *s, long iid, at_err *err);

static int count_view(const admin_view *v, void *ctx)
{
    (void)v;
    (*(long *)ctx)++;
    return 0;
}

static int count_audit(const audit_view *v, void *ctx)
{
    (void)v;
    (*(long *)ctx)++;
    return 0;
}

static int count_pair(const char *a, const char *b, void *ctx)
{
    (void)a;
    (void)b;
    (*(long *)ctx)++;
    return 0;
}

static at_status op_people(store *s, long iid, at_err *err)
{
    (void)iid;
    at_status rc = store_therapist_add(s, "T9", "fall", err);
    if (rc == AT_OK)
        rc = store_client_add(s, "C9", "T9", err);
    long n = 0;
    if (rc == AT_OK)
        rc = store_session_add(s, "C9", NULL, 0, "2026-02-01", "telehealth", &n, err);
    return rc;
}

static at_status op_save_replace(store *s, long iid, at_err *err)
{
    const char *vals[] = { "3", "4" };
    admin_rec r = { .client = "K0", .session = 1, .date = "2026-01-05", .instrument_id = iid,
                    .rater = "client", .status = "partial", .source = "interactive",
                    .values = vals, .n = 2 };
    return store_admin_save(s, &r, 1, "pat", NULL, NULL, err);
}

static at_status op_amend(store *s, long iid, at_err *err)
{
    long id = 0, got = 0;
    at_status rc = store_admin_find(s, "psq", "K0", 1, "client", NULL, &id, &got, err);
    (void)iid;
    if (rc == AT_OK)
        rc = store_amend(s, id, "a", "5", "typed wrongly", "pat", err);
    return rc;
}

static at_status op_instrument(store *s, long iid, at_err *err)
{
    long id, v;
    int added;
    (void)iid;
    return store_instrument_add(s, "other", "other text", "record_id", cols, 2, &id, &v, &added,
                                err);
}

static at_status op_read(store *s, long iid, at_err *err)
{
    long n = 0;
    session_info si;
    instrument_info ii;
    (void)iid;
    at_status rc = store_admin_each(s, NULL, count_view, &n, err);
    if (rc == AT_OK)
        rc = store_audit_each(s, count_audit, &n, err);
    if (rc == AT_OK)
        rc = store_therapist_each(s, count_pair, &n, err);
    if (rc == AT_OK)
        rc = store_client_each(s, count_pair, &n, err);
    if (rc == AT_OK && (rc = store_session_get(s, "K0", 1, &si, err)) == AT_OK)
        session_info_release(&si);
    if (rc == AT_OK && (rc = store_instrument_get(s, "psq", 0, &ii, err)) == AT_OK)
        instrument_info_release(&ii);
    if (rc == AT_OK)
        rc = store_client_find(s, "K0", NULL, err);
    if (rc == AT_OK)
        rc = store_session_next_number(s, "K0", &n, err);
    if (rc == AT_OK)
        rc = store_session_today(s, "K0", &n, err);
    return rc;
}

static at_status op_check(store *s, long iid, at_err *err)
{
    session_check sc;
    long id, seq;
    size_t counts[4];
    at_status rc = store_begin_bulk(s, err);
    if (rc == AT_OK)
        rc = store_session_check(s, "K0", 1, "client", NULL, "2026-01-05", NULL, &sc, err);
    if (rc == AT_OK && sc.exists)
        rc = store_admin_dup(s, sc.id, iid, "client", "K0", &id, &seq, err);
    if (rc == AT_OK)
        rc = save_one(s, iid, "K1", 1, err);
    if (rc == AT_OK)
        rc = store_txn_counts(s, counts, err);
    if (rc == AT_OK)
        return store_commit(s, err);
    store_rollback(s);
    return rc;
}

static int count_therapist(const therapist_view *v, void *ctx)
{
    (void)v;
    (*(long *)ctx)++;
    return 0;
}

static int count_client(const client_view *v, void *ctx)
{
    (void)v;
    (*(long *)ctx)++;
    return 0;
}

static int count_session(const session_view *v, void *ctx)
{
    (void)v;
    (*(long *)ctx)++;
    return 0;
}

/* Lists, and changes to a client, a therapist and a session. */
static at_status op_edit(store *s, long iid, at_err *err)
{
    long n = 0;
    store_change ch;
    at_status rc = store_therapist_add(s, "T9", NULL, err);
    if (rc == AT_OK)
        rc = store_client_move(s, "K0", "T9", 1, "moved", "pat", &ch, err);
    if (rc == AT_OK)
        rc = store_therapist_set_cohort(s, "T9", "fall", "joined", "pat", &ch, err);
    if (rc == AT_OK)
        rc = store_session_set(s, "K0", 1, "2026-01-04", "telehealth", "typo", "pat", &ch, err);
    if (rc == AT_OK)
        rc = store_therapist_list(s, count_therapist, &n, err);
    if (rc == AT_OK)
        rc = store_client_list(s, count_client, &n, err);
    if (rc == AT_OK)
        rc = store_session_list(s, "K0", count_session, &n, err);
    if (rc == AT_OK)
        rc = store_instrument_uses(s, iid, &n, err);
    if (rc == AT_OK)
        rc = store_admin_count(s, NULL, &n, err);
    return rc;
}

static void test_fault_sweep(void **state)
{
    fixture *f = *state;
    store_op ops[] = { op_people, op_save_replace, op_amend, op_instrument, op_read, op_check,
                       op_edit };
    int faults = 0;
    for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++) {
        for (int reads = 0; reads < 2; reads++) {
            for (int after = 0; after < 30; after++) {
                long iid;
                at_err err;
                store *s = seeded(f, &iid);
                assert_int_equal(save_one(s, iid, "K0", 1, &err), AT_OK);
                /* a fresh connection, so reads reach the file */
                store_close(s);
                s = open_ok(f->db, STORE_WRITE);
                if (reads)
                    read_countdown = after;
                else
                    arm(after, after % 2 ? SQLITE_IOERR : SQLITE_FULL);
                fired = 0;
                at_status rc = ops[o](s, iid, &err);
                int hit = fired;
                disarm();
                if (rc != AT_OK && rc != AT_ENOTFOUND && hit) {
                    faults++;
                    assert_non_null(strstr(err.msg, "study.db"));
                }
                store_close(s);
                s = open_ok(f->db, STORE_WRITE);
                assert_int_equal(db_long(s, "SELECT count(*) FROM pragma_integrity_check"
                                            " WHERE integrity_check <> 'ok'"), 0);
                store_close(s);
                remove_study(f);
            }
        }
    }
    assert_true(faults > 20);
}

static void copy_file(const char *from, const char *to)
{
    size_t len;
    char *data = slurp(from, &len);
    FILE *fp = fopen(to, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    fclose(fp);
    chmod(to, 0600);
    free(data);
}

/* A migration meets a read or a write failing at each point: each step
 * (1 to 2, 2 to 3) is undone whole, so the file is at the schema it had or
 * a later one, with every answer and the audit trail.  From schema 1 the
 * faults fall in both steps, from schema 2 in the step to schema 3. */
static void migration_faults(fixture *f, const char *fixture_dir, long first, long answers,
                             long audit)
{
    const char *data = getenv("ATTUNE_TEST_DATA");
    char from[512];
    snprintf(from, sizeof from, "%s/%s/study.db", data ? data : "tests/data", fixture_dir);
    int failed = 0, done = 0;
    for (int reads = 0; reads < 2; reads++) {
        for (int after = 0; after < 90; after += reads ? 3 : 1) {
            copy_file(from, f->db);
            if (reads)
                read_countdown = after;
            else
                arm(after, after % 2 ? SQLITE_IOERR : SQLITE_FULL);
            fired = 0;
            store *s = NULL;
            at_err err;
            at_status rc = store_open(f->db, STORE_WRITE, &s, &err);
            int hit = fired;
            disarm();
            store_close(s);
            if (rc != AT_OK) {
                assert_true(hit);
                assert_non_null(strstr(err.msg, "study.db"));
                failed++;
            } else {
                done++;
            }
            sqlite3 *db = NULL;
            assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
            long version = conn_long(db, "PRAGMA user_version");
            assert_true(version >= first && version <= STORE_SCHEMA_VERSION);
            assert_true(rc != AT_OK || version == STORE_SCHEMA_VERSION);
            assert_int_equal(conn_long(db, "SELECT count(*) FROM responses"), answers);
            assert_int_equal(conn_long(db, "SELECT count(*) FROM audit"), audit);
            if (version == 3)
                assert_int_equal(conn_long(db, "SELECT count(*) FROM invitations"), 0);
            sqlite3_close(db);
            remove_study(f);
        }
    }
    assert_true(failed > 5);
    assert_true(done > 0);
}

static void test_migration_faults(void **state)
{
    migration_faults(*state, "schema1", 1, 881, 3);
}

static void test_migration3_faults(void **state)
{
    migration_faults(*state, "schema2", 2, 853, 19);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_write_faults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_save_fault, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fault_sweep, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migration_faults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migration3_faults, setup, teardown),
    };
    return cmocka_run_group_tests(tests, install, NULL);
}
