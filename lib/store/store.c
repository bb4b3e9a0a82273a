/* store.c: opening a study file, its schema and migrations, transactions,
 * the statement cache, therapists, clients, sessions and instruments.
 * Administrations, responses and the audit trail are in store_admin.c. */
#include "store_int.h"
#include "db_pg.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <nettle/sha2.h>
#include <pwd.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Migration steps: step n takes a store from version n to n + 1, inside
 * one transaction.  Version 1 is the first schema, and a new store is made
 * by running every step, so a new store and a migrated one are the same.
 * The meta table and its 'application' row keep their shape in every
 * version, as they are how a file is recognised. */
static const char schema_1[] =
    "CREATE TABLE meta("
    "  key TEXT PRIMARY KEY,"
    "  value TEXT NOT NULL"
    ") STRICT;"
    "CREATE TABLE therapists("
    "  id INTEGER PRIMARY KEY,"
    "  code TEXT NOT NULL UNIQUE CHECK (code <> ''),"
    "  cohort TEXT"
    ") STRICT;"
    "CREATE TABLE clients("
    "  id INTEGER PRIMARY KEY,"
    "  code TEXT NOT NULL UNIQUE CHECK (code <> ''),"
    "  therapist_id INTEGER REFERENCES therapists(id)"
    ") STRICT;"
    "CREATE TABLE sessions("
    "  id INTEGER PRIMARY KEY,"
    "  client_id INTEGER NOT NULL REFERENCES clients(id),"
    "  therapist_id INTEGER REFERENCES therapists(id),"
    "  number INTEGER NOT NULL CHECK (number > 0),"
    "  date TEXT NOT NULL,"
    "  modality TEXT CHECK (modality IS NULL OR modality IN ('in-person', 'telehealth')),"
    "  UNIQUE (client_id, number)"
    ") STRICT;"
    "CREATE TABLE instruments("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL CHECK (name <> ''),"
    "  version INTEGER NOT NULL CHECK (version > 0),"
    "  sha256 TEXT NOT NULL,"
    "  dictionary TEXT NOT NULL,"
    "  record_id TEXT,"
    "  added_at TEXT NOT NULL,"
    "  UNIQUE (name, version),"
    "  UNIQUE (name, sha256)"
    ") STRICT;"
    "CREATE TABLE administrations("
    "  id INTEGER PRIMARY KEY,"
    "  session_id INTEGER NOT NULL REFERENCES sessions(id),"
    "  instrument_id INTEGER NOT NULL REFERENCES instruments(id),"
    /* an OR chain, not IN: SQLite builds a lookup table for an IN list of
     * three or more values on every insert */
    "  rater TEXT NOT NULL"
    "    CHECK (rater = 'client' OR rater = 'therapist' OR rater = 'observer'),"
    "  rater_code TEXT NOT NULL DEFAULT '',"
    "  status TEXT NOT NULL CHECK (status IN ('complete', 'partial')),"
    "  started_at TEXT NOT NULL,"
    "  finished_at TEXT NOT NULL,"
    "  source TEXT NOT NULL CHECK (source IN ('interactive', 'import'))"
    ") STRICT;"
    "CREATE INDEX administrations_by_session"
    "  ON administrations(session_id, rater, rater_code, id);"
    "CREATE TABLE responses("
    "  administration_id INTEGER NOT NULL REFERENCES administrations(id) ON DELETE CASCADE,"
    "  field TEXT NOT NULL,"
    "  value TEXT NOT NULL CHECK (value <> ''),"
    "  PRIMARY KEY (administration_id, field)"
    ") STRICT, WITHOUT ROWID;"
    "CREATE TABLE audit("
    "  id INTEGER PRIMARY KEY,"
    "  at TEXT NOT NULL,"
    "  who TEXT NOT NULL,"
    "  action TEXT NOT NULL CHECK (action IN ('amend', 'replace')),"
    "  administration_id INTEGER,"
    "  field TEXT,"
    "  old TEXT,"
    "  new TEXT,"
    "  reason TEXT"
    ") STRICT;"
    "CREATE INDEX audit_by_administration ON audit(administration_id);"
    "INSERT INTO meta(key, value) VALUES ('application', 'attune');";

static at_status exec_sql(store *s, const char *sql, at_err *err);
static at_status pg_write_begin(store *s, at_err *err);

static at_status migrate_1(store *s, at_err *err)
{
    return exec_sql(s, schema_1, err);
}

static at_status (*const migrations[])(store *s, at_err *err) = {
    migrate_1,
    store_migrate_2,
    store_migrate_3,
};

_Static_assert(sizeof migrations / sizeof migrations[0] == STORE_SCHEMA_VERSION,
               "one migration step per schema version");

/* The study's write turn on PostgreSQL: an advisory lock keyed by the
 * schema's name (1635021941 is "attu" in ASCII, apart from other users of
 * advisory locks). */
#define PG_TURN "(1635021941, hashtext(current_schema()))"

static const char *const stmt_sql[ST_COUNT] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_PG_LOCK] = "SELECT pg_try_advisory_xact_lock" PG_TURN,
    [ST_THERAPIST_ID] = "SELECT id FROM therapists WHERE code = ?1",
    [ST_THERAPIST_INS] = "INSERT INTO therapists(code, cohort) VALUES (?1, ?2)",
    [ST_CLIENT_GET] = "SELECT id, therapist_id FROM clients WHERE code = ?1",
    [ST_CLIENT_THERAPIST] = "SELECT t.code FROM clients c"
                            " LEFT JOIN therapists t ON t.id = c.therapist_id WHERE c.code = ?1",
    [ST_CLIENT_INS] = "INSERT INTO clients(code, therapist_id) VALUES (?1, ?2)",
    [ST_SESSION_GET] = "SELECT id, therapist_id, date, modality FROM sessions"
                       " WHERE client_id = ?1 AND number = ?2",
    [ST_SESSION_NEXT] = "SELECT coalesce(max(number), 0) + 1 FROM sessions WHERE client_id = ?1",
    [ST_SESSION_INS] = "INSERT INTO sessions(client_id, therapist_id, number, date, modality)"
                       " VALUES (?1, ?2, ?3, ?4, ?5)",
    [ST_SESSION_INS_ID] = "INSERT INTO sessions(client_id, therapist_id, number, date, modality, id)"
                          " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [ST_SESSION_SET_MODALITY] = "UPDATE sessions SET modality = ?2 WHERE id = ?1",
    [ST_SESSION_SET_DATE] = "UPDATE sessions SET date = ?2 WHERE id = ?1",
    [ST_INSTR_NAME] = "SELECT name FROM instruments WHERE id = ?1",
    [ST_ADMIN_DUP] = "SELECT a.id, a.status FROM administrations a"
                     " JOIN instruments i ON i.id = a.instrument_id"
                     " WHERE a.session_id = ?1 AND a.rater = ?2"
                     " AND (?2 = 'client' AND a.rater_code = '' OR "
                     STORE_SAME_RATER_CODE("a", "(SELECT t.code FROM sessions se JOIN therapists t"
                                                " ON t.id = se.therapist_id WHERE se.id = ?1)",
                                           "?3") ")"
                     " AND i.name = ?4 ORDER BY a.id LIMIT 1",
    [ST_ADMIN_INS] = "INSERT INTO administrations(session_id, instrument_id, rater, rater_code,"
                     " status, started_at, finished_at, source, answers)"
                     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [ST_ADMIN_INS_ID] = "INSERT INTO administrations(session_id, instrument_id, rater, rater_code,"
                        " status, started_at, finished_at, source, answers, id)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    [ST_ADMIN_DEL] = "DELETE FROM administrations WHERE id = ?1",
    [ST_ADMIN_ANSWERS] = "SELECT instrument_id, answers FROM administrations WHERE id = ?1",
    [ST_ADMIN_SET_ANSWERS] = "UPDATE administrations SET answers = ?2 WHERE id = ?1",
    [ST_ADMIN_STATUS] = "SELECT status FROM administrations WHERE id = ?1",
    [ST_ADMIN_SET_STATUS] = "UPDATE administrations SET status = ?2 WHERE id = ?1",
    [ST_AUDIT_INS] = "INSERT INTO audit(at, who, action, administration_id, field, old, new,"
                     " reason, who_name) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [ST_AUDIT_REPOINT] = "UPDATE audit SET administration_id = ?2 WHERE administration_id = ?1",
    [ST_INVITE_REPOINT] = "UPDATE invitations SET administration_id = ?2"
                          " WHERE administration_id = ?1",
    [ST_COLS_GET] = "SELECT name FROM instrument_columns WHERE instrument_id = ?1"
                    " ORDER BY position",
    [ST_COLS_INS] = "INSERT INTO instrument_columns(instrument_id, position, name)"
                    " VALUES (?1, ?2, ?3)",
    [ST_THERAPIST_CODE] = "SELECT code FROM therapists WHERE id = ?1",
    [ST_SESSION_BY_CODE] = "SELECT se.id, t.code, se.date, se.modality FROM sessions se"
                           " JOIN clients c ON c.id = se.client_id"
                           " LEFT JOIN therapists t ON t.id = se.therapist_id"
                           " WHERE c.code = ?1 AND se.number = ?2",
    [ST_SESSION_AFTER] = "SELECT se.id, t.code, se.date, se.modality, se.number FROM sessions se"
                         " JOIN clients c ON c.id = se.client_id"
                         " LEFT JOIN therapists t ON t.id = se.therapist_id"
                         " WHERE c.code = ?1 AND se.number > ?2 ORDER BY se.number LIMIT 1",
    [ST_SESSION_WALK] = "SELECT se.number, se.id, se.therapist_id, se.date, se.modality,"
                        " EXISTS (SELECT 1 FROM administrations a"
                        "   WHERE a.session_id = se.id AND a.rater = ?3)"
                        " FROM sessions se WHERE se.client_id = ?1 AND se.number >= ?2"
                        " ORDER BY se.number",
    [ST_MAX_IDS] = "SELECT (SELECT coalesce(max(id), 0) FROM administrations),"
                   " (SELECT coalesce(max(id), 0) FROM sessions),"
                   " (SELECT coalesce(max(id), 0) FROM clients)",
    [ST_INVITE_BY_TOKEN] = STORE_INVITE_VIEW " WHERE i.token_hash = ?1",
    [ST_INVITE_BY_CODE] = STORE_INVITE_VIEW " WHERE i.code_hash = ?1",
    [ST_INVITE_PROGRESS] = "UPDATE invitations SET answers = ?2, flow_state = ?3,"
                           " state = 'started', changed_at = ?4 WHERE id = ?1"
                           " AND state IN ('pending', 'started') AND expires_at > ?4",
    /* rows made since the transaction began whose parent row is missing */
    [ST_ORPHANS] = "SELECT (SELECT count(*) FROM administrations a"
                   "   LEFT JOIN sessions se ON se.id = a.session_id"
                   "   LEFT JOIN instruments i ON i.id = a.instrument_id"
                   "   WHERE a.id > ?1 AND (se.id IS NULL OR i.id IS NULL))"
                   " + (SELECT count(*) FROM sessions se"
                   "   LEFT JOIN clients c ON c.id = se.client_id"
                   "   LEFT JOIN therapists t ON t.id = se.therapist_id"
                   "   WHERE se.id > ?2 AND (c.id IS NULL"
                   "     OR (se.therapist_id IS NOT NULL AND t.id IS NULL)))"
                   " + (SELECT count(*) FROM clients c LEFT JOIN therapists t ON t.id = c.therapist_id"
                   "   WHERE c.id > ?3 AND c.therapist_id IS NOT NULL AND t.id IS NULL)",
};

/* How long a connection waits for another program's write to end, and who
 * is told that it waits (store_wait_defaults). */
static struct {
    long max_ms, notice_ms;
    void (*notice)(const char *path, long max_ms, void *ctx);
    void *ctx;
    const volatile sig_atomic_t *stop;
} waiting = { 60000, 1000, NULL, NULL, NULL };

const char *store_default_path(void)
{
    const char *p = getenv("ATTUNE_DB");
    return p && *p ? p : "attune.db";
}

long store_migrated_from(const store *s)
{
    return s->migrated_from;
}

const char *store_path(const store *s)
{
    return s ? s->path : NULL;
}

const char *store_account(store *s)
{
    if (!s->account) {
        struct passwd *pw = getpwuid(geteuid());
        if (pw && pw->pw_name && *pw->pw_name) {
            s->account = xstrdup(pw->pw_name);
        } else {
            char num[32];
            snprintf(num, sizeof num, "uid %ld", (long)geteuid());
            s->account = xstrdup(num);
        }
    }
    return s->account;
}

/* The study stayed busy for the whole wait. */
static at_status busy_fail(const store *s, at_err *err)
{
    return at_fail(err, AT_EBUSY, "'%s' is busy: another program has been writing to it for "
                   "longer than the %ld s this waits", s->path, waiting.max_ms / 1000);
}

at_status store_dberr(store *s, at_err *err)
{
    if (s->conn.pg) {
        switch (db_fault_of(&s->conn)) {
        case DB_FAULT_BUSY:
            return busy_fail(s, err);
        case DB_FAULT_IO:
            return at_fail(err, AT_EIO, "'%s': %s", s->path, db_errmsg(&s->conn));
        default:
            return at_fail(err, AT_EDB, "'%s': %s", s->path, db_errmsg(&s->conn));
        }
    }
    sqlite3 *db = s->conn.lite;
    int rc = sqlite3_errcode(db);
    int sys = sqlite3_system_errno(db);
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return busy_fail(s, err);
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_FULL:
        if (sys)
            return at_fail(err, AT_EIO, "'%s': %s", s->path, strerror(sys));
        break;
    default:
        break;
    }
    return at_fail(err, AT_EDB, "'%s': %s", s->path, sqlite3_errmsg(db));
}

/* The statements whose inserted row's id is asked for. */
static int stmt_flags(enum store_stmt id)
{
    switch (id) {
    case ST_THERAPIST_INS:
    case ST_CLIENT_INS:
        return DB_PERSIST | DB_INSERT_ID | DB_APART;
    case ST_THERAPIST_ID:
    case ST_THERAPIST_CODE:
    case ST_CLIENT_GET:
    case ST_CLIENT_THERAPIST:
    case ST_INSTR_NAME:
        return DB_PERSIST | DB_APART;
    case ST_SESSION_INS:
    case ST_ADMIN_INS:
    case ST_AUDIT_INS:
        return DB_PERSIST | DB_INSERT_ID;
    case ST_SESSION_INS_ID:
        return DB_PERSIST | DB_BATCH | DB_BATCH_PARENT;
    case ST_ADMIN_INS_ID:
        return DB_PERSIST | DB_BATCH;
    default:
        return DB_PERSIST;
    }
}

db_stmt *store_stmt(store *s, enum store_stmt id, at_err *err)
{
    if (!s->st[id] && db_prepare(&s->conn, stmt_sql[id], stmt_flags(id), &s->st[id]) != 0) {
        store_dberr(s, err);
        return NULL;
    }
    return s->st[id];
}

at_status store_exec(store *s, enum store_stmt id, at_err *err)
{
    if (s->conn.pg && (id == ST_BEGIN || id == ST_COMMIT || id == ST_ROLLBACK)) {
        if (id == ST_BEGIN)
            return pg_write_begin(s, err);
        if (db_exec(&s->conn, id == ST_COMMIT ? "COMMIT" : "ROLLBACK") != 0)
            return store_dberr(s, err);
        return AT_OK;
    }
    db_stmt *st = store_stmt(s, id, err);
    if (!st)
        return err ? err->code : AT_EDB;
    return store_step_done(s, st, NULL, err);
}

void store_walk_stop(store *s)
{
    if (s->walk.on && s->st[ST_SESSION_WALK])
        db_reset(s->st[ST_SESSION_WALK]);
    s->walk.on = 0;
}

void store_cache_reset(store *s)
{
    store_walk_stop(s);
    free(s->therapist.code);
    free(s->client.code);
    free(s->session.date);
    free(s->session.modality);
    free(s->instrument.name);
    free(s->dup.key);
    memset(&s->dup, 0, sizeof s->dup);
    memset(&s->therapist, 0, sizeof s->therapist);
    memset(&s->client, 0, sizeof s->client);
    memset(&s->session, 0, sizeof s->session);
    memset(&s->instrument, 0, sizeof s->instrument);
    memset(&s->made, 0, sizeof s->made);
}

/* ---- a busy study ----------------------------------------------------- */

void store_wait_defaults(long max_ms, long notice_ms,
                         void (*notice)(const char *path, long max_ms, void *ctx), void *ctx)
{
    waiting.max_ms = max_ms;
    waiting.notice_ms = notice_ms;
    waiting.notice = notice;
    waiting.ctx = ctx;
}

void store_wait_stop(const volatile sig_atomic_t *flag)
{
    waiting.stop = flag;
}

static long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* SQLite's busy handler: waits in growing steps (1 ms to 100 ms) until the
 * other writer is done or the bound is reached, telling once that it waits. */
static int busy_wait(void *arg, int count)
{
    store *s = arg;
    long now = now_ms();
    if (count == 0) {
        s->busy_since = now;
        s->busy_told = 0;
    }
    long waited = now - s->busy_since;
    if (waited >= waiting.max_ms || (waiting.stop && *waiting.stop))
        return 0;
    if (!s->busy_told && waited >= waiting.notice_ms && waiting.notice) {
        waiting.notice(s->path, waiting.max_ms, waiting.ctx);
        s->busy_told = 1;
    }
    long step = count < 7 ? 1L << count : 100;
    struct timespec t = { step / 1000, (step % 1000) * 1000000 };
    nanosleep(&t, NULL);
    return 1;
}

enum { PG_WAIT_SLICE_MS = 250 };   /* the longest wait in the server between looks at a stop */

/* On PostgreSQL, writers take turns as they do on SQLite: a write
 * transaction first holds the study's advisory lock (by its schema's name),
 * waited for as SQLite's busy handler waits, so rules that span rows (one
 * client rating per session, an access code used once) hold between
 * machines as they do between programs on one file.  A connection lost
 * since the last transaction is made again first. */
static at_status pg_write_begin(store *s, at_err *err)
{
    at_status rc = store_pg_reconnect(s, err);
    if (rc != AT_OK)
        return rc;
    /* (a link that broke while idle shows only now: the driver makes it
     * again and sends BEGIN once more) */
    if (db_exec(&s->conn, "BEGIN ISOLATION LEVEL READ COMMITTED") != 0)
        return store_dberr(s, err);
    long got = 0;
    db_stmt *st = store_stmt(s, ST_PG_LOCK, err);
    rc = st ? store_step_ints(s, st, &got, 1, err) : (err ? err->code : AT_EDB);
    if (rc == AT_OK && got)
        return AT_OK;
    if (rc == AT_OK) {
        /* another writer has it: waited for in the server, which wakes
         * this one the moment it is free, a slice at a time, so that the
         * wait is told once past the notice's time and a stop (Ctrl-C)
         * ends it within a slice, as on SQLite */
        rc = AT_EBUSY;
        int told = 0;
        long since = now_ms();
        if (db_exec(&s->conn, "SAVEPOINT attune_wait") != 0) {
            rc = store_dberr(s, err);
            goto out;
        }
        for (;;) {
            long waited = now_ms() - since, slice = waiting.max_ms - waited;
            if (!told && waiting.notice && waited >= waiting.notice_ms) {
                waiting.notice(s->path, waiting.max_ms, waiting.ctx);
                told = 1;
            }
            if (slice <= 0 || (waiting.stop && *waiting.stop))
                break;
            if (slice > PG_WAIT_SLICE_MS)
                slice = PG_WAIT_SLICE_MS;
            if (!told && waiting.notice && waiting.notice_ms - waited < slice)
                slice = waiting.notice_ms - waited > 0 ? waiting.notice_ms - waited : 1;
            char q[160];
            snprintf(q, sizeof q, "SET LOCAL lock_timeout = %ld; SELECT pg_advisory_xact_lock"
                     PG_TURN, slice);
            if (db_exec(&s->conn, q) == 0) {
                rc = AT_OK;
                break;
            }
            if (db_fault_of(&s->conn) != DB_FAULT_BUSY ||
                db_exec(&s->conn, "ROLLBACK TO SAVEPOINT attune_wait") != 0) {
                rc = store_dberr(s, err);
                goto out;
            }
        }
        if (rc == AT_OK && db_exec(&s->conn, "SET LOCAL lock_timeout = DEFAULT") == 0)
            return AT_OK;
        if (rc == AT_EBUSY)
            rc = busy_fail(s, err);
        else
            rc = store_dberr(s, err);
    } else if (rc == AT_ENOTFOUND) {
        rc = store_dberr(s, err);
    }
out:
    db_exec(&s->conn, "ROLLBACK");
    return rc;
}

/* ---- opening ---------------------------------------------------------- */

/* Runs sql that returns one integer; -1 on error. */
static long query_long(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    long v = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* FILE_SHUT: a store in write-ahead mode whose folder is read-only, so
 * SQLite cannot make the shared-memory file it reads through. */
enum file_kind { FILE_EMPTY, FILE_ATTUNE, FILE_SHUT };

/* A URI opening path as immutable: read without locks or shared memory,
 * for a store in a folder that cannot be written.  Caller frees. */
static char *immutable_uri(const char *path)
{
    sbuf u = SBUF_INIT;
    sbuf_adds(&u, path[0] == '/' ? "file://" : "file:");
    for (const char *p = path; *p; p++) {
        if (*p == '%' || *p == '?' || *p == '#')
            sbuf_addf(&u, "%%%02x", (unsigned char)*p);
        else
            sbuf_addc(&u, *p);
    }
    sbuf_adds(&u, "?immutable=1");
    return sbuf_detach(&u);
}

/* Connections are opened without SQLite's per-call locking (NOMUTEX): a
 * store is used from one thread, and reading a large study makes millions
 * of calls. */
static int open_ro(const char *path, int immutable, sqlite3 **db)
{
    char *uri = immutable ? immutable_uri(path) : NULL;
    int rc = sqlite3_open_v2(uri ? uri : path, db,
                             SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX |
                                 (uri ? SQLITE_OPEN_URI : 0), NULL);
    free(uri);
    return rc;
}

/* Looks at an existing file through a read-only connection, so that a file
 * which is refused is never written. */
static at_status inspect(const char *path, int immutable, enum file_kind *kind, at_err *err)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    at_status rc = AT_OK;
    if (open_ro(path, immutable, &db) != SQLITE_OK) {
        rc = at_fail(err, AT_EIO, "'%s': cannot open: %s", path,
                     db ? sqlite3_errmsg(db) : "out of memory");
        goto out;
    }
    sqlite3_busy_timeout(db, (int)(waiting.max_ms < 5000 ? waiting.max_ms : 5000));
    int prc = sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_schema", -1, &st, NULL);
    if (prc == SQLITE_OK)
        prc = sqlite3_step(st) == SQLITE_ROW ? SQLITE_OK : sqlite3_errcode(db);
    if (!immutable && ((prc & 0xff) == SQLITE_READONLY || (prc & 0xff) == SQLITE_CANTOPEN)) {
        *kind = FILE_SHUT;
        goto out;
    }
    if ((prc & 0xff) == SQLITE_NOTADB) {
        rc = at_fail(err, AT_ENOTSTORE,
                     "'%s' is not an attune study file (it is not an SQLite database)", path);
        goto out;
    }
    if (prc != SQLITE_OK) {
        rc = at_fail(err, AT_EDB, "'%s': cannot read: %s", path, sqlite3_errmsg(db));
        goto out;
    }
    long objects = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    st = NULL;
    if (objects == 0) {
        *kind = FILE_EMPTY;
        goto out;
    }
    int marked = 0;
    if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'application'", -1, &st,
                           NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char *v = sqlite3_column_text(st, 0);
        marked = v && strcmp((const char *)v, "attune") == 0;
    }
    long version = query_long(db, "PRAGMA user_version");
    if (!marked || version < 1) {
        rc = at_fail(err, AT_ENOTSTORE,
                     "'%s' is not an attune study file (it is an SQLite database of "
                     "another program)", path);
        goto out;
    }
    if (version > STORE_SCHEMA_VERSION) {
        rc = at_fail(err, AT_EVERSION,
                     "'%s' was made by a newer attune (schema %ld, this one reads up to %d)",
                     path, version, STORE_SCHEMA_VERSION);
        goto out;
    }
    *kind = FILE_ATTUNE;
out:
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rc;
}

static at_status exec_sql(store *s, const char *sql, at_err *err)
{
    if (db_exec(&s->conn, sql) != 0)
        return store_dberr(s, err);
    return AT_OK;
}

/* Brings the schema forward one step at a time, each step a transaction. */
static at_status migrate(store *s, at_err *err)
{
    long version = query_long(s->conn.lite, "PRAGMA user_version");
    if (version < 0)
        return store_dberr(s, err);
    long from = version;
    while (version < STORE_SCHEMA_VERSION) {
        char bump[48];
        snprintf(bump, sizeof bump, "PRAGMA user_version = %ld", version + 1);
        at_status rc = exec_sql(s, "BEGIN IMMEDIATE", err);
        if (rc == AT_OK)
            rc = migrations[version](s, err);
        if (rc == AT_OK)
            rc = exec_sql(s, bump, err);
        if (rc == AT_OK)
            rc = exec_sql(s, "COMMIT", err);
        if (rc != AT_OK) {
            db_exec(&s->conn, "ROLLBACK");
            return rc;
        }
        version++;
    }
    if (from > 0 && from < STORE_SCHEMA_VERSION)
        s->migrated_from = from;
    return store_retext_3(s, err);
}

/* Why path cannot be written: the OS reason for the file or its folder. */
static at_status unwritable(const char *path, at_err *err)
{
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    const char *folder = slash ? (slash == dir ? "/" : (*slash = '\0', dir)) : ".";
    at_status rc;
    if (access(folder, W_OK) != 0)
        rc = at_fail(err, AT_EIO, "'%s': cannot write in its folder: %s", path,
                     strerror(errno));
    else if (access(path, W_OK) != 0)
        rc = at_fail(err, AT_EIO, "'%s': cannot write: %s", path, strerror(errno));
    else
        rc = at_fail(err, AT_EIO, "'%s': cannot write: %s", path, strerror(EACCES));
    free(dir);
    return rc;
}

static at_status connect(store *s, int immutable, at_err *err)
{
    int rc0 = s->mode == STORE_READ ? open_ro(s->path, immutable, &s->conn.lite)
                                    : sqlite3_open_v2(s->path, &s->conn.lite,
                                                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                                                      NULL);
    if (rc0 != SQLITE_OK)
        return s->conn.lite ? store_dberr(s, err) : at_fail(err, AT_ENOMEM, "out of memory");
    sqlite3_busy_handler(s->conn.lite, busy_wait, s);
    at_status rc = exec_sql(s, "PRAGMA foreign_keys = ON", err);
    if (rc != AT_OK || s->mode == STORE_READ)
        return rc;
    if (sqlite3_db_readonly(s->conn.lite, "main") == 1)
        return unwritable(s->path, err);
    sqlite3_stmt *st = NULL;
    /* Leaving a rollback journal for the log needs the file to itself, and
     * SQLite does not call the busy handler for it: a study another program
     * is writing is waited for here, as any other write waits. */
    int step = SQLITE_ERROR;
    if (sqlite3_prepare_v2(s->conn.lite, "PRAGMA journal_mode = WAL", -1, &st, NULL) == SQLITE_OK)
        for (int count = 0;
             (step = sqlite3_step(st)) == SQLITE_BUSY && busy_wait(s, count); count++)
            sqlite3_reset(st);
    if (step != SQLITE_ROW) {
        rc = store_dberr(s, err);
    } else if (strcmp((const char *)sqlite3_column_text(st, 0), "wal") != 0) {
        rc = at_fail(err, AT_EIO, "'%s': cannot switch to write-ahead logging", s->path);
    }
    sqlite3_finalize(st);
    /* synchronous NORMAL is safe with write-ahead logging (a power cut may
     * lose the last commits, never corrupt); statement journals stay in
     * memory instead of a temporary file */
    if (rc == AT_OK)
        rc = exec_sql(s, "PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY", err);
    if (rc == AT_OK)
        rc = migrate(s, err);
    return rc;
}

/* The folder path would be in, when that folder is missing (path names
 * one); NULL otherwise.  Free it. */
static char *missing_folder(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash || slash == path)
        return NULL;
    char *dir = xstrndup(path, (size_t)(slash - path));
    struct stat sb;
    if (stat(dir, &sb) != 0 && errno == ENOENT)
        return dir;
    free(dir);
    return NULL;
}

at_status store_open(const char *path, store_mode mode, store **out, at_err *err)
{
    at_status rc = AT_OK;
    store *s = NULL;
    *out = NULL;
    if (!path || !*path)
        path = store_default_path();

    if (store_pg_url(path)) {
        s = xcalloc(1, sizeof *s);
        s->path = xstrdup(path);
        s->mode = mode;
        if ((rc = store_pg_open(s, err)) != AT_OK) {
            store_close(s);
            return rc;
        }
        *out = s;
        return AT_OK;
    }

    enum file_kind kind = FILE_EMPTY;
    int created = 0, immutable = 0;
    struct stat sb;
    if (stat(path, &sb) != 0) {
        if (errno != ENOENT)
            return at_fail(err, AT_EIO, "'%s': cannot open: %s", path, strerror(errno));
        if (mode != STORE_CREATE)
            return at_fail(err, AT_ENOTFOUND,
                           "'%s' does not exist (run 'collect init' to create a study file)",
                           path);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        char *dir = fd < 0 && errno == ENOENT ? missing_folder(path) : NULL;
        if (dir) {
            rc = at_fail(err, AT_EIO, "'%s': cannot create: the folder '%s' does not exist",
                         path, dir);
            free(dir);
            return rc;
        }
        if (fd < 0)
            return at_fail(err, AT_EIO, "'%s': cannot create: %s", path, strerror(errno));
        close(fd);
        created = 1;
    } else if (S_ISDIR(sb.st_mode)) {
        return at_fail(err, AT_EIO, "'%s': cannot open: it is a directory", path);
    } else {
        rc = inspect(path, 0, &kind, err);
        if (rc == AT_OK && kind == FILE_SHUT) {
            char wal[PATH_MAX + 8];
            snprintf(wal, sizeof wal, "%s-wal", path);
            if (mode != STORE_READ)
                return unwritable(path, err);
            if (stat(wal, &sb) == 0 && sb.st_size > 0)
                return at_fail(err, AT_EIO, "'%s': cannot read: its folder is read-only and "
                               "'%s' holds changes not yet merged into it", path, wal);
            immutable = 1;
            rc = inspect(path, 1, &kind, err);
        }
        if (rc != AT_OK)
            return rc;
        if (kind == FILE_EMPTY && mode != STORE_CREATE)
            return at_fail(err, AT_ENOTSTORE,
                           "'%s' is not an attune study file (it is empty; run 'collect init')",
                           path);
        if (kind == FILE_EMPTY && chmod(path, 0600) != 0)
            return at_fail(err, AT_EIO, "'%s': cannot set its mode: %s", path,
                           strerror(errno));
    }

    s = xcalloc(1, sizeof *s);
    s->path = xstrdup(path);
    s->mode = mode;
    rc = connect(s, immutable, err);
    if (rc == AT_OK && mode == STORE_READ &&
        query_long(s->conn.lite, "PRAGMA user_version") < STORE_SCHEMA_VERSION)
        rc = at_fail(err, AT_EVERSION,
                     "'%s' has the schema of an older attune; 'collect init' (or any command that "
                     "writes) brings it up to schema %d, keeping everything",
                     path, STORE_SCHEMA_VERSION);
    if (rc != AT_OK) {
        store_close(s);
        if (created)
            unlink(path);
        return rc;
    }
    *out = s;
    return AT_OK;
}

void store_close(store *s)
{
    if (!s)
        return;
    if (s->in_txn)
        store_rollback(s);
    store_read_end(s);
    store_walk_stop(s);   /* a walk left open by a lookup outside a transaction */
    for (int i = 0; i < ST_COUNT; i++)
        db_finalize(s->st[i]);
    if (s->conn.pg)
        dbpg_close(s->conn.pg);
    else
        sqlite3_close(s->conn.lite);
    store_cache_reset(s);
    store_cols_forget(s);
    free(s->cols);
    for (int k = 0; k < 3; k++)
        free(s->touched[k].bits);
    sbuf_release(&s->pack);
    free(s->account);
    free(s->path);
    free(s);
}

/* ---- transactions ------------------------------------------------------- */

/* The page cache of a bulk transaction, in KiB.  SQLite's default (2 MB)
 * is smaller than what an import keeps touching once the study's B-trees
 * are a few levels deep: the cache then writes pages out to the log to make
 * room and reads and writes them again a moment later, a cost per row that
 * grows with the study (half as many log writes again as the study has
 * pages at 680,000 administrations, a third at 50,000).  16 MB holds that
 * working set at any size of study, so each page is written once; it is a
 * bound, not a share of the file, and is given back when the transaction
 * ends. */
enum { BULK_CACHE_KIB = 16384 };

/* Foreign keys and the page cache back as they were after a bulk
 * transaction (a no-op otherwise). */
static void keys_on(store *s)
{
    if (s->bulk && s->conn.lite) {
        char cache[48];
        snprintf(cache, sizeof cache, "PRAGMA cache_size = %ld", s->cache_before);
        db_exec(&s->conn, "PRAGMA foreign_keys = ON");
        db_exec(&s->conn, cache);
    }
    s->bulk = 0;
}

static at_status check_writable(store *s, at_err *err)
{
    if (s->mode == STORE_READ)
        return at_fail(err, AT_EINVAL, "'%s' is open read-only", s->path);
    return AT_OK;
}

static at_status begin(store *s, int bulk, at_err *err)
{
    at_status rc = check_writable(s, err);
    if (rc != AT_OK)
        return rc;
    if (s->in_txn)
        return at_fail(err, AT_EINVAL, "a transaction is already open on '%s'", s->path);
    store_cache_reset(s);
    s->txn_lost = 0;
    /* the setting holds only outside a transaction */
    if (bulk && s->conn.lite) {
        char cache[48];
        snprintf(cache, sizeof cache, "PRAGMA cache_size = -%d", BULK_CACHE_KIB);
        if ((rc = exec_sql(s, "PRAGMA foreign_keys = OFF", err)) != AT_OK)
            return rc;
        s->cache_before = query_long(s->conn.lite, "PRAGMA cache_size");
        s->bulk = 1;
        if ((rc = exec_sql(s, cache, err)) != AT_OK) {
            keys_on(s);
            return rc;
        }
    }
    s->bulk = bulk;
    rc = store_exec(s, ST_BEGIN, err);
    long ids[3];
    db_stmt *st = rc == AT_OK ? store_stmt(s, ST_MAX_IDS, err) : NULL;
    if (rc == AT_OK && !st)
        rc = err ? err->code : AT_EDB;
    if (rc == AT_OK && (rc = store_step_ints(s, st, ids, 3, err)) == AT_ENOTFOUND)
        rc = store_dberr(s, err);
    if (rc != AT_OK) {
        store_exec(s, ST_ROLLBACK, NULL);
        keys_on(s);
        return rc;
    }
    s->admin0 = s->admin_top = ids[0];
    s->session0 = s->session_top = ids[1];
    s->client0 = ids[2];
    for (int k = 0; k < 3; k++) {
        if (s->touched[k].bits)
            memset(s->touched[k].bits, 0, s->touched[k].cap);
        s->touched[k].count = 0;
    }
    s->txn_saves = 0;
    s->in_txn = 1;
    return AT_OK;
}

at_status store_begin(store *s, at_err *err)
{
    return begin(s, 0, err);
}

at_status store_begin_bulk(store *s, at_err *err)
{
    return begin(s, 1, err);
}

/* Every row made in a bulk transaction has its parents: checked once at
 * the end instead of by SQLite on each insert. */
static at_status check_orphans(store *s, at_err *err)
{
    db_stmt *st = store_stmt(s, ST_ORPHANS, err);
    if (!st)
        return err ? err->code : AT_EDB;
    db_bind_int64(st, 1, s->admin0);
    db_bind_int64(st, 2, s->session0);
    db_bind_int64(st, 3, s->client0);
    long n = 0;
    at_status rc = store_step_ints(s, st, &n, 1, err);
    if (rc == AT_ENOTFOUND)
        return store_dberr(s, err);
    if (rc == AT_OK && n)
        rc = at_fail(err, AT_EDB, "nothing was saved in '%s': %ld new rows would refer to "
                     "rows that do not exist", s->path, n);
    return rc;
}

at_status store_commit(store *s, at_err *err)
{
    if (!s->in_txn)
        return at_fail(err, AT_EINVAL, "no transaction is open on '%s'", s->path);
    at_status rc;
    store_walk_stop(s);
    if (s->txn_lost) {
        rc = at_fail(err, AT_EDB, "nothing was saved in '%s': the transaction was undone "
                     "after an earlier error", s->path);
    } else if ((s->bulk && s->conn.lite && (rc = check_orphans(s, err)) != AT_OK) ||
               (rc = store_exec(s, ST_COMMIT, err)) != AT_OK) {
        store_exec(s, ST_ROLLBACK, NULL);
        store_cols_forget(s);
    }
    s->in_txn = 0;
    s->txn_lost = 0;
    store_cache_reset(s);
    keys_on(s);
    return rc;
}

void store_rollback(store *s)
{
    if (!s || !s->in_txn)
        return;
    store_walk_stop(s);
    if (!s->txn_lost)
        store_exec(s, ST_ROLLBACK, NULL);
    store_cols_forget(s);
    s->in_txn = 0;
    s->txn_lost = 0;
    store_cache_reset(s);
    keys_on(s);
}

at_status store_wbegin(store *s, at_err *err)
{
    at_status rc = check_writable(s, err);
    if (rc != AT_OK)
        return rc;
    if (s->in_txn)
        return s->txn_lost ? at_fail(err, AT_EINVAL, "'%s': the transaction was undone after "
                                     "an earlier error; nothing more is written until it is "
                                     "rolled back", s->path)
                           : AT_OK;
    store_cache_reset(s);
    return store_exec(s, ST_BEGIN, err);
}

at_status store_wend(store *s, at_status st, at_err *err)
{
    if (!s->in_txn || st != AT_OK)
        store_walk_stop(s);
    if (st == AT_OK && !s->in_txn)
        st = store_exec(s, ST_COMMIT, err);
    if (st == AT_OK)
        return AT_OK;
    /* inside store_begin's transaction there is no savepoint to go back to
     * (one per call costs more than the writes of a small call): the whole
     * transaction is undone now, and it stays marked until commit or rollback */
    if (!(s->in_txn && s->txn_lost))
        store_exec(s, ST_ROLLBACK, NULL);
    store_cols_forget(s);
    if (s->in_txn)
        s->txn_lost = 1;
    store_cache_reset(s);
    return st;
}

/* ---- reading one snapshot ------------------------------------------------- */

at_status store_read_begin(store *s, at_err *err)
{
    if (s->in_txn)
        return at_fail(err, AT_EINVAL, "a transaction is already open on '%s'", s->path);
    /* the snapshot is taken at the first read, not at BEGIN */
    at_status rc = exec_sql(s, s->conn.pg ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;"
                                            " SELECT count(*) FROM meta"
                                          : "BEGIN; SELECT count(*) FROM meta", err);
    if (rc == AT_OK)
        s->reading = 1;
    return rc;
}

void store_read_end(store *s)
{
    if (s && s->reading) {
        db_exec(&s->conn, "COMMIT");
        s->reading = 0;
    }
}

/* What the study holds, as far as a commit can change it: the largest row
 * ids and the count of administrations (a replacement deletes one). */
static at_status content_mark(store *s, long mark[7], at_err *err)
{
    db_stmt *st = NULL;
    at_status rc = store_prepare(s,
                                 "SELECT (SELECT coalesce(max(id), 0) FROM administrations),"
                                 " (SELECT count(*) FROM administrations),"
                                 " (SELECT coalesce(max(id), 0) FROM sessions),"
                                 " (SELECT coalesce(max(id), 0) FROM clients),"
                                 " (SELECT coalesce(max(id), 0) FROM therapists),"
                                 " (SELECT coalesce(max(id), 0) FROM instruments),"
                                 " (SELECT coalesce(max(id), 0) FROM audit)", &st, err);
    if (rc == AT_OK)
        rc = store_step_ints(s, st, mark, 7, err);
    db_finalize(st);
    return rc == AT_ENOTFOUND ? store_dberr(s, err) : rc;
}

/* Ends the readings of s[0..n). */
static void read_end_all(store *const *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        store_read_end(s[i]);
}

/* On PostgreSQL the other connections read the first one's snapshot
 * (exported), so they all agree however busy the study is. */
static at_status pg_read_together(store *const *s, size_t n, at_err *err)
{
    at_status rc = store_read_begin(s[0], err);
    if (rc != AT_OK)
        return rc;
    db_stmt *st = NULL;
    char *snap = NULL;
    if (n > 1 && (rc = store_prepare(s[0], "SELECT pg_export_snapshot()", &st, err)) == AT_OK) {
        if (db_step(st) == DB_ROW)
            snap = xstrdup(store_col(st, 0));
        else
            rc = store_dberr(s[0], err);
        db_finalize(st);
    }
    sbuf q = SBUF_INIT;
    if (rc == AT_OK && snap)
        sbuf_addf(&q, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;"
                  " SET TRANSACTION SNAPSHOT '%s'", snap);
    for (size_t i = 1; rc == AT_OK && i < n; i++) {
        if (strchr(snap, '\'') || db_exec(&s[i]->conn, q.buf) != 0)
            rc = store_dberr(s[i], err);
        else
            s[i]->reading = 1;
    }
    sbuf_release(&q);
    free(snap);
    if (rc != AT_OK)
        read_end_all(s, n);
    return rc;
}

at_status store_read_together(store *const *s, size_t n, at_err *err)
{
    if (n == 0)
        return AT_OK;
    int pg = 1;
    for (size_t i = 0; i < n; i++)
        pg = pg && s[i]->conn.pg;
    if (pg)
        return pg_read_together(s, n, err);
    for (int attempt = 0; attempt < 20; attempt++) {
        long first[7], mark[7];
        at_status rc = AT_OK;
        size_t begun = 0;
        while (rc == AT_OK && begun < n && (rc = store_read_begin(s[begun], err)) == AT_OK)
            begun++;
        int same = 1;
        if (rc == AT_OK)
            rc = content_mark(s[0], first, err);
        for (size_t i = 1; rc == AT_OK && same && i < n; i++)
            if ((rc = content_mark(s[i], mark, err)) == AT_OK)
                same = memcmp(first, mark, sizeof first) == 0;
        if (rc == AT_OK && same)
            return AT_OK;
        read_end_all(s, begun);
        if (rc != AT_OK)
            return rc;
    }
    return at_fail(err, AT_EBUSY, "'%s' kept changing while it was opened; try again",
                   s[0]->path);
}

/* ---- checks ------------------------------------------------------------- */

const char *store_code_problem(const char *code)
{
    size_t n = code ? strlen(code) : 0;
    if (n == 0)
        return "it is empty";
    if (n > STORE_CODE_MAX)
        return "it is longer than 64 characters";
    for (size_t i = 0; i < n; i++) {
        char c = code[i];
        if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') &&
            c != '-' && c != '_' && c != '.')
            return "use only the letters a-z and A-Z (no accents), digits, '-', '_' and '.'";
    }
    return NULL;
}

at_status store_check_code(const char *what, const char *code, at_err *err)
{
    if (!code || !*code)
        return at_fail(err, AT_EINVAL, "a %s code must not be empty", what);
    const char *why = store_code_problem(code);
    if (why)
        return at_fail(err, AT_EINVAL, "%s code '%.64s%s': %s", what, code,
                       strlen(code) > STORE_CODE_MAX ? "..." : "", why);
    return AT_OK;
}

at_status store_check_session(long number, int zero_ok, at_err *err)
{
    if (number < (zero_ok ? 0 : 1))
        return at_fail(err, AT_EINVAL, "session number %ld is not a positive number", number);
    if (number > STORE_SESSION_MAX)
        return at_fail(err, AT_EINVAL, "session number %ld is more than %ld, the highest a "
                       "session may have", number, STORE_SESSION_MAX);
    return AT_OK;
}

at_status store_check_date(const char *date, at_err *err)
{
    if (date && !util_valid_iso_date(date))
        return at_fail(err, AT_EINVAL, "'%s' is not a valid date (YYYY-MM-DD)", date);
    return AT_OK;
}

at_status store_check_modality(const char *modality, at_err *err)
{
    if (modality && *modality && !store_is_modality(modality))
        return at_fail(err, AT_EINVAL, "'%s' is not a modality (in-person or telehealth)",
                       modality);
    return AT_OK;
}

void store_sha256(const char *text, size_t len, char hex[65])
{
    struct sha256_ctx ctx;
    uint8_t digest[SHA256_DIGEST_SIZE];
    static const char digits[] = "0123456789abcdef";
    sha256_init(&ctx);
    sha256_update(&ctx, len, (const uint8_t *)text);
    sha256_digest(&ctx, SHA256_DIGEST_SIZE, digest);
    for (size_t i = 0; i < SHA256_DIGEST_SIZE; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 15];
    }
    hex[64] = '\0';
}
