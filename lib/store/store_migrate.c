/* store_migrate.c: schema 1 to schema 2, and schema 2 to schema 3.
 *
 * Schema 1 kept one row of a responses table per answer.  Schema 2 keeps
 * an administration's answers in one packed value of its own row, in the
 * column order of its instrument version, which instrument_columns records;
 * responses becomes a view giving the same rows.  The step runs inside the
 * transaction migrate() opened, so it happens whole or not at all.
 *
 * A version's columns come from its stored dictionary.  An answer stored
 * under a name that is not one of them (nothing attune wrote does that, but
 * a file may have been edited by hand) gets a column of its own after the
 * dictionary's, so the migration loses nothing. */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

#include "dict.h"

static const char schema_2[] =
    "CREATE TABLE instrument_columns("
    "  instrument_id INTEGER NOT NULL REFERENCES instruments(id),"
    "  position INTEGER NOT NULL CHECK (position >= 0),"
    "  name TEXT NOT NULL CHECK (name <> ''),"
    "  PRIMARY KEY (instrument_id, position),"
    "  UNIQUE (instrument_id, name)"
    ") STRICT, WITHOUT ROWID;"
    "ALTER TABLE administrations ADD COLUMN answers TEXT NOT NULL DEFAULT '[]';"
    "ALTER TABLE audit ADD COLUMN who_name TEXT;";

/* The responses view (made by schema 2, made again by schema 3).  CROSS
 * JOIN keeps this order (administration, its answers, the name of each by
 * its position): any other reads every answer once per column. */
#define RESPONSES_VIEW                                                    \
    "CREATE VIEW responses(administration_id, field, value) AS"           \
    " SELECT a.id, c.name, j.value"                                       \
    " FROM administrations a CROSS JOIN json_each(a.answers) j"           \
    " CROSS JOIN instrument_columns c"                                    \
    " ON c.instrument_id = a.instrument_id AND c.position = j.key"        \
    " WHERE j.value IS NOT NULL AND j.value <> '';"

static const char responses_view[] = "DROP TABLE responses;" RESPONSES_VIEW;

static at_status exec(store *s, const char *sql, at_err *err)
{
    if (db_exec(&s->conn, sql) != 0)
        return store_dberr(s, err);
    return AT_OK;
}

static at_status add_col(store *s, long id, long pos, const char *name, at_err *err)
{
    db_stmt *st = store_stmt(s, ST_COLS_INS, err);
    if (!st)
        return err ? err->code : AT_EDB;
    db_bind_int64(st, 1, id);
    db_bind_int64(st, 2, pos);
    store_bind_str(st, 3, name);
    return store_step_done(s, st, NULL, err);
}

/* The columns of one version: its dictionary's, then any other name its
 * stored answers use. */
static at_status version_cols(store *s, long id, const char *name, const char *text,
                              const char *record_id, at_err *err)
{
    dict_file d = { 0 };
    at_msgs problems = AT_MSGS_INIT;
    at_err perr;
    long pos = 0;
    at_status rc = AT_OK;
    if (dict_parse_stored(name, text, strlen(text), record_id, &d, &problems, &perr) == AT_OK &&
        d.nforms == 1)
        for (size_t c = 0; c < d.forms[0].ncols && rc == AT_OK; c++)
            rc = add_col(s, id, pos++, d.forms[0].cols[c].name, err);
    dict_release(&d);
    msgs_release(&problems);
    if (rc != AT_OK)
        return rc;
    db_stmt *st = NULL;
    if ((rc = store_prepare(s,
                            "SELECT DISTINCT r.field FROM responses r"
                            " JOIN administrations a ON a.id = r.administration_id"
                            " WHERE a.instrument_id = ?1 AND NOT EXISTS (SELECT 1 FROM"
                            " instrument_columns c WHERE c.instrument_id = ?1 AND c.name = r.field)"
                            " ORDER BY r.field", &st, err)) != AT_OK)
        return rc;
    db_bind_int64(st, 1, id);
    /* the new names are gathered first: inserting while the query runs would
     * change what it reads */
    char **extra = NULL;
    size_t n = 0, cap = 0;
    int step;
    while ((step = db_step(st)) == DB_ROW) {
        if (n == cap) {
            cap = cap ? 2 * cap : 4;
            extra = xrealloc(extra, cap * sizeof *extra);
        }
        extra[n++] = xstrdup(store_col(st, 0));
    }
    if (step != DB_DONE)
        rc = store_dberr(s, err);
    db_finalize(st);
    for (size_t i = 0; i < n; i++) {
        if (rc == AT_OK)
            rc = add_col(s, id, pos++, extra[i], err);
        free(extra[i]);
    }
    free(extra);
    return rc;
}

static at_status all_version_cols(store *s, at_err *err)
{
    db_stmt *st = NULL;
    at_status rc = store_prepare(s, "SELECT id, name, dictionary, record_id FROM instruments"
                                 " ORDER BY id", &st, err);
    if (rc != AT_OK)
        return rc;
    int step;
    while (rc == AT_OK && (step = db_step(st)) == DB_ROW) {
        char *name = xstrdup(store_col(st, 1)), *text = xstrdup(store_col(st, 2));
        char *rid = db_column_isnull(st, 3) ? NULL : xstrdup(store_col(st, 3));
        rc = version_cols(s, (long)db_column_int64(st, 0), name, text, rid, err);
        free(name);
        free(text);
        free(rid);
    }
    if (rc == AT_OK && step != DB_DONE)
        rc = store_dberr(s, err);
    db_finalize(st);
    return rc;
}

/* Writes the packed answers of administration id from vals (ncols). */
static at_status write_packed(store *s, long id, const char **vals, size_t n, at_err *err)
{
    db_stmt *st = store_stmt(s, ST_ADMIN_SET_ANSWERS, err);
    if (!st)
        return err ? err->code : AT_EDB;
    store_pack(&s->pack, vals, n);
    db_bind_int64(st, 1, id);
    db_bind_textn(st, 2, s->pack.buf, s->pack.len);
    return store_step_done(s, st, NULL, err);
}

/* The instrument version of administration id into *iid. */
static at_status admin_version(store *s, long id, long *iid, at_err *err)
{
    db_stmt *st = store_stmt(s, ST_ADMIN_ANSWERS, err);
    if (!st)
        return err ? err->code : AT_EDB;
    db_bind_int64(st, 1, id);
    at_status rc = store_step_ints(s, st, iid, 1, err);
    /* schema 1 deleted answers with their administration; rows without one
     * come from editing the file by hand, and the person who did can say
     * whether to keep them */
    return rc == AT_ENOTFOUND
               ? at_fail(err, AT_EDB, "'%s': answers are stored for administration %ld, "
                         "which does not exist (the file was edited by hand?); nothing was "
                         "changed.  To drop such answers: sqlite3 '%s' \"DELETE FROM "
                         "responses WHERE administration_id NOT IN (SELECT id FROM "
                         "administrations)\", then run 'collect init' again",
                         s->path, id, s->path)
               : rc;
}

/* Packs every administration's answers, reading the responses table once in
 * its own order (administration, field); only administrations are written
 * meanwhile, so what the reading sees does not change. */
static at_status pack_all(store *s, at_err *err)
{
    db_stmt *st = NULL;
    at_status rc = store_prepare(s, "SELECT administration_id, field, value FROM responses"
                                 " ORDER BY administration_id, field", &st, err);
    if (rc != AT_OK)
        return rc;
    const char **vals = NULL;
    char **owned = NULL;
    size_t vcap = 0, nv = 0;
    long cur = 0;
    const store_cols *cols = NULL;
    int step;
    for (;;) {
        step = db_step(st);
        long id = step == DB_ROW ? (long)db_column_int64(st, 0) : 0;
        if (cur && id != cur) {
            rc = write_packed(s, cur, vals, nv, err);
            for (size_t i = 0; i < nv; i++) {
                free(owned[i]);
                owned[i] = NULL;
                vals[i] = NULL;
            }
            cur = 0;
            if (rc != AT_OK)
                break;
        }
        if (step != DB_ROW)
            break;
        if (!cur) {
            long iid = 0;
            cur = id;
            if ((rc = admin_version(s, id, &iid, err)) != AT_OK)
                break;
            if (!(cols = store_cols_get(s, iid, err))) {
                rc = err ? err->code : AT_EDB;
                break;
            }
            nv = cols->n;
            if (nv > vcap) {
                vals = xrealloc(vals, nv * sizeof *vals);
                owned = xrealloc(owned, nv * sizeof *owned);
                for (size_t i = vcap; i < nv; i++) {
                    vals[i] = NULL;
                    owned[i] = NULL;
                }
                vcap = nv;
            }
        }
        long pos = store_cols_find(cols, store_col(st, 1));
        if (pos >= 0 && !owned[pos]) {
            owned[pos] = xstrdup(store_col(st, 2));
            vals[pos] = owned[pos];
        }
    }
    if (rc == AT_OK && step != DB_DONE && step != DB_ROW)
        rc = store_dberr(s, err);
    db_finalize(st);
    for (size_t i = 0; i < vcap; i++)
        free(owned[i]);
    free(owned);
    free(vals);
    return rc;
}

at_status store_migrate_2(store *s, at_err *err)
{
    at_status rc = exec(s, schema_2, err);
    if (rc == AT_OK)
        rc = all_version_cols(s, err);
    if (rc == AT_OK)
        rc = pack_all(s, err);
    if (rc == AT_OK)
        rc = exec(s, responses_view, err);
    return rc;
}

/* The administration's source, as an OR chain, as rater's check is: SQLite
 * evaluates an IN list of three or more values by filling a small table
 * on every insert, about an eighth of an import's work.  Studies whose
 * schema 3 was made with the IN list have it rewritten (store_retext_3). */
#define SOURCE_CHECK "CHECK (source = 'interactive' OR source = 'import' OR source = 'web')"
#define SOURCE_CHECK_IN "CHECK (source IN ('interactive', 'import', 'web'))"

/* Schema 3: web links (the invitations table) and 'web' as an
 * administration's source.  SQLite cannot change a table's CHECK, so the
 * administrations table is made anew with the wider one and its rows copied
 * over as they are (same ids, same column order, same values); the view and
 * the index that name it are made again around it.  No table refers to
 * administrations by a foreign key, so nothing else moves. */
static const char schema_3[] =
    "DROP VIEW responses;"
    "CREATE TABLE administrations_3("
    "  id INTEGER PRIMARY KEY,"
    "  session_id INTEGER NOT NULL REFERENCES sessions(id),"
    "  instrument_id INTEGER NOT NULL REFERENCES instruments(id),"
    "  rater TEXT NOT NULL"
    "    CHECK (rater = 'client' OR rater = 'therapist' OR rater = 'observer'),"
    "  rater_code TEXT NOT NULL DEFAULT '',"
    "  status TEXT NOT NULL CHECK (status IN ('complete', 'partial')),"
    "  started_at TEXT NOT NULL,"
    "  finished_at TEXT NOT NULL,"
    "  source TEXT NOT NULL " SOURCE_CHECK ","
    "  answers TEXT NOT NULL DEFAULT '[]'"
    ") STRICT;"
    "INSERT INTO administrations_3(id, session_id, instrument_id, rater, rater_code, status,"
    "  started_at, finished_at, source, answers)"
    " SELECT id, session_id, instrument_id, rater, rater_code, status, started_at,"
    "  finished_at, source, answers FROM administrations ORDER BY id;"
    "DROP TABLE administrations;"
    "ALTER TABLE administrations_3 RENAME TO administrations;"
    "CREATE INDEX administrations_by_session"
    "  ON administrations(session_id, rater, rater_code, id);"
    RESPONSES_VIEW
    /* one row per link; the token and the access code are kept only as
     * their sha256, so a copy of the file opens no link.  state 'expired'
     * is never written: a pending or started link past expires_at reads as
     * expired */
    "CREATE TABLE invitations("
    "  id INTEGER PRIMARY KEY,"
    "  token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),"
    "  code_hash TEXT NOT NULL UNIQUE CHECK (length(code_hash) = 64),"
    "  session_id INTEGER NOT NULL REFERENCES sessions(id),"
    "  instrument_id INTEGER NOT NULL REFERENCES instruments(id),"
    "  rater TEXT NOT NULL"
    "    CHECK (rater = 'client' OR rater = 'therapist' OR rater = 'observer'),"
    "  rater_code TEXT NOT NULL DEFAULT '',"
    "  created_at TEXT NOT NULL,"
    "  expires_at TEXT NOT NULL,"
    "  state TEXT NOT NULL DEFAULT 'pending'"
    "    CHECK (state IN ('pending', 'started', 'answered', 'expired', 'revoked')),"
    "  answers TEXT NOT NULL DEFAULT '[]',"
    "  flow_state TEXT,"
    "  changed_at TEXT,"
    /* the administration the link saved; no foreign key, as the audit
     * trail's has none: a replacement (import --replace) deletes the row */
    "  administration_id INTEGER"
    ") STRICT;"
    "CREATE INDEX invitations_by_session ON invitations(session_id, instrument_id, rater);";

at_status store_migrate_3(store *s, at_err *err)
{
    return exec(s, schema_3, err);
}

/* A schema-3 study made with the source check as an IN list gets the same
 * rule as an OR chain, by the way SQLite's documentation gives for changing
 * a CHECK that every row already meets: the table's text in sqlite_schema
 * is rewritten and the schema cookie moved on, in one transaction; no row
 * is read or written and the version stays 3.  It is only about speed, so
 * a study busy with another writer, or one SQLite will not let rewrite its
 * schema, is left as it is (rolled back) and the command goes on. */
at_status store_retext_3(store *s, at_err *err)
{
    static const char where[] = " WHERE type = 'table' AND name = 'administrations'";
    sqlite3 *db = s->conn.lite;
    sqlite3_stmt *st = NULL;
    sbuf q = SBUF_INIT;
    long found = 0, cookie = -1;
    sbuf_addf(&q, "SELECT instr(sql, ?1) > 0 FROM sqlite_schema%s", where);
    if (sqlite3_prepare_v2(db, q.buf, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_bind_text(st, 1, SOURCE_CHECK_IN, -1, SQLITE_STATIC) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        found = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sbuf_release(&q);
    if (!found)
        return AT_OK;
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return AT_OK;      /* another writer holds the study: next time */
    if (sqlite3_prepare_v2(db, "PRAGMA schema_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        cookie = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    st = NULL;
    at_status rc = cookie < 0 ? store_dberr(s, err) : exec(s, "PRAGMA writable_schema = ON", err);
    sbuf_addf(&q, "UPDATE sqlite_schema SET sql = replace(sql, ?1, ?2)%s", where);
    if (rc == AT_OK &&
        (sqlite3_prepare_v2(db, q.buf, -1, &st, NULL) != SQLITE_OK ||
         sqlite3_bind_text(st, 1, SOURCE_CHECK_IN, -1, SQLITE_STATIC) != SQLITE_OK ||
         sqlite3_bind_text(st, 2, SOURCE_CHECK, -1, SQLITE_STATIC) != SQLITE_OK ||
         sqlite3_step(st) != SQLITE_DONE))
        rc = store_dberr(s, err);
    sqlite3_finalize(st);
    sbuf_release(&q);
    char bump[64];
    snprintf(bump, sizeof bump, "PRAGMA schema_version = %ld", cookie + 1);
    if (rc == AT_OK)
        rc = exec(s, bump, err);
    db_exec(&s->conn, "PRAGMA writable_schema = OFF");
    if (rc == AT_OK)
        rc = exec(s, "COMMIT", err);
    if (rc != AT_OK)
        db_exec(&s->conn, "ROLLBACK");   /* the study as it was: still right, only slower */
    return AT_OK;
}
