/* store_pg.c: a study on a PostgreSQL server: the URL, the connection's
 * settings, and the schema.
 *
 * The study lives in one PostgreSQL schema, "attune" unless the URL's
 * options set a search_path (then its first schema).  Its tables are
 * SQLite's schema 3, table for table and column for column, with three
 * differences that keep every command's output the same on both: text
 * columns compare and sort by byte (COLLATE "C", as SQLite does); a new
 * row's id is one more than the table's largest, as SQLite's rowid is (a
 * trigger gives it, and writers take turns, so two never get the same);
 * and the schema's version is kept in the table schema_version, since
 * PostgreSQL has no user_version.  The responses view unpacks the same
 * JSON arrays with json_array_elements_text. */
#include "store_int.h"
#include "db_pg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "C": byte order, as SQLite compares text */
#define T "text COLLATE \"C\""
#define RATER_CHECK "CHECK (rater IN ('client', 'therapist', 'observer'))"

static const char schema_3[] =
    "CREATE TABLE meta(key " T " PRIMARY KEY, value " T " NOT NULL);"
    "CREATE TABLE schema_version(version integer NOT NULL);"
    "CREATE TABLE therapists("
    "  id bigint PRIMARY KEY,"
    "  code " T " NOT NULL UNIQUE CHECK (code <> ''),"
    "  cohort " T ");"
    "CREATE TABLE clients("
    "  id bigint PRIMARY KEY,"
    "  code " T " NOT NULL UNIQUE CHECK (code <> ''),"
    "  therapist_id bigint REFERENCES therapists(id));"
    "CREATE TABLE sessions("
    "  id bigint PRIMARY KEY,"
    "  client_id bigint NOT NULL REFERENCES clients(id),"
    "  therapist_id bigint REFERENCES therapists(id),"
    "  number bigint NOT NULL CHECK (number > 0),"
    "  date " T " NOT NULL,"
    "  modality " T " CHECK (modality IS NULL OR modality IN ('in-person', 'telehealth')),"
    "  UNIQUE (client_id, number));"
    "CREATE TABLE instruments("
    "  id bigint PRIMARY KEY,"
    "  name " T " NOT NULL CHECK (name <> ''),"
    "  version bigint NOT NULL CHECK (version > 0),"
    "  sha256 " T " NOT NULL,"
    "  dictionary " T " NOT NULL,"
    "  record_id " T ","
    "  added_at " T " NOT NULL,"
    "  UNIQUE (name, version),"
    "  UNIQUE (name, sha256));"
    "CREATE TABLE instrument_columns("
    "  instrument_id bigint NOT NULL REFERENCES instruments(id),"
    "  position bigint NOT NULL CHECK (position >= 0),"
    "  name " T " NOT NULL CHECK (name <> ''),"
    "  PRIMARY KEY (instrument_id, position),"
    "  UNIQUE (instrument_id, name));"
    "CREATE TABLE administrations("
    "  id bigint PRIMARY KEY,"
    "  session_id bigint NOT NULL REFERENCES sessions(id),"
    "  instrument_id bigint NOT NULL REFERENCES instruments(id),"
    "  rater " T " NOT NULL " RATER_CHECK ","
    "  rater_code " T " NOT NULL DEFAULT '',"
    "  status " T " NOT NULL CHECK (status IN ('complete', 'partial')),"
    "  started_at " T " NOT NULL,"
    "  finished_at " T " NOT NULL,"
    "  source " T " NOT NULL CHECK (source IN ('interactive', 'import', 'web')),"
    "  answers " T " NOT NULL DEFAULT '[]');"
    "CREATE INDEX administrations_by_session"
    "  ON administrations(session_id, rater, rater_code, id);"
    "CREATE TABLE audit("
    "  id bigint PRIMARY KEY,"
    "  at " T " NOT NULL,"
    "  who " T " NOT NULL,"
    "  action " T " NOT NULL CHECK (action IN ('amend', 'replace')),"
    "  administration_id bigint,"
    "  field " T ","
    "  old " T ","
    "  new " T ","
    "  reason " T ","
    "  who_name " T ");"
    "CREATE INDEX audit_by_administration ON audit(administration_id);"
    "CREATE TABLE invitations("
    "  id bigint PRIMARY KEY,"
    "  token_hash " T " NOT NULL UNIQUE CHECK (length(token_hash) = 64),"
    "  code_hash " T " NOT NULL UNIQUE CHECK (length(code_hash) = 64),"
    "  session_id bigint NOT NULL REFERENCES sessions(id),"
    "  instrument_id bigint NOT NULL REFERENCES instruments(id),"
    "  rater " T " NOT NULL " RATER_CHECK ","
    "  rater_code " T " NOT NULL DEFAULT '',"
    "  created_at " T " NOT NULL,"
    "  expires_at " T " NOT NULL,"
    "  state " T " NOT NULL DEFAULT 'pending'"
    "    CHECK (state IN ('pending', 'started', 'answered', 'expired', 'revoked')),"
    "  answers " T " NOT NULL DEFAULT '[]',"
    "  flow_state " T ","
    "  changed_at " T ","
    "  administration_id bigint);"
    "CREATE INDEX invitations_by_session ON invitations(session_id, instrument_id, rater);"
    "CREATE VIEW responses(administration_id, field, value) AS"
    " SELECT a.id, c.name, j.value"
    " FROM administrations a"
    " CROSS JOIN LATERAL json_array_elements_text(a.answers::json) WITH ORDINALITY AS j(value, n)"
    " JOIN instrument_columns c ON c.instrument_id = a.instrument_id AND c.position = j.n - 1"
    " WHERE j.value IS NOT NULL AND j.value <> '';"
    "INSERT INTO meta(key, value) VALUES ('application', 'attune');";

/* The tables whose rows get an id, each by a trigger of its own. */
static const char *const id_tables[] = {
    "therapists", "clients", "sessions", "instruments", "administrations", "audit", "invitations",
};

int store_pg_url(const char *path)
{
    return path && (strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0);
}

/* url without a password, for messages. */
static char *redacted(const char *url)
{
    sbuf b = SBUF_INIT;
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    sbuf_add(&b, url, (size_t)(p - url));
    const char *end = p + strcspn(p, "/?");
    const char *at = memchr(p, '@', (size_t)(end - p));
    if (at) {
        const char *colon = memchr(p, ':', (size_t)(at - p));
        sbuf_add(&b, p, (size_t)((colon ? colon : at) - p));
        p = at;
    }
    /* a password=... query parameter goes too */
    while (*p) {
        if ((p[0] == '?' || p[0] == '&') && strncmp(p + 1, "password=", 9) == 0) {
            const char *next = strchr(p + 1, '&');
            if (p[0] == '?' && next) {
                sbuf_addc(&b, '?');
                p = next + 1;
            } else {
                p = next ? next : p + strlen(p);
            }
            continue;
        }
        sbuf_addc(&b, *p++);
    }
    return sbuf_detach(&b);
}

/* The first schema of the connection's search_path, unquoted. */
static at_status first_schema(store *s, char **name, at_err *err)
{
    db_stmt *st = NULL;
    at_status rc = store_prepare(s, "SELECT current_setting('search_path')", &st, err);
    if (rc != AT_OK)
        return rc;
    if (db_step(st) != DB_ROW) {
        rc = store_dberr(s, err);
    } else {
        const char *v = store_col(st, 0);
        v += strspn(v, " ");
        size_t n = strcspn(v, ",");
        while (n && v[n - 1] == ' ')
            n--;
        if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
            v++;
            n -= 2;
        }
        if (n == 0 || (n == 5 && strncmp(v, "$user", 5) == 0))
            rc = at_fail(err, AT_EINVAL, "'%s': the search_path names no schema for the study",
                         s->path);
        else
            *name = xstrndup(v, n);
    }
    db_finalize(st);
    return rc;
}

static at_status exec(store *s, const char *sql, at_err *err)
{
    return db_exec(&s->conn, sql) == 0 ? AT_OK : store_dberr(s, err);
}

/* The connection's settings: the study's schema first in the search_path
 * (unless the URL chose one), no notices, and a read-only store that
 * cannot write. */
static at_status session_setup(store *s, at_err *err)
{
    char *value = NULL, *msg = NULL;
    int chosen = dbpg_has_option(s->path, "options", &value, &msg) == 1 && value &&
                 strstr(value, "search_path");
    free(value);
    free(msg);
    sbuf q = SBUF_INIT;
    /* named in pg_stat_activity, for whoever watches the server */
    sbuf_adds(&q, "SET client_min_messages = warning; SET application_name = 'attune';");
    if (!chosen)
        sbuf_adds(&q, "SET search_path = attune;");
    if (s->mode == STORE_READ)
        sbuf_adds(&q, "SET default_transaction_read_only = on;");
    dbpg_set_setup(s->conn.pg, q.buf);
    at_status rc = exec(s, q.buf, err);
    sbuf_release(&q);
    return rc;
}

/* Whether the schema holds table name. */
static at_status has_table(store *s, const char *schema, const char *name, int *yes, at_err *err)
{
    db_stmt *st = NULL;
    at_status rc = store_prepare(s, "SELECT count(*) FROM pg_catalog.pg_tables"
                                 " WHERE schemaname = ?1 AND tablename = ?2", &st, err);
    if (rc != AT_OK)
        return rc;
    db_bind_text(st, 1, schema);
    db_bind_text(st, 2, name);
    long n = 0;
    rc = store_step_ints(s, st, &n, 1, err);
    db_finalize(st);
    *yes = n > 0;
    return rc == AT_ENOTFOUND ? store_dberr(s, err) : rc;
}

/* The identifier name, quoted; caller frees. */
static char *ident(const char *name)
{
    sbuf b = SBUF_INIT;
    sbuf_addc(&b, '"');
    for (const char *p = name; *p; p++) {
        if (*p == '"')
            sbuf_addc(&b, '"');
        sbuf_addc(&b, *p);
    }
    sbuf_addc(&b, '"');
    return sbuf_detach(&b);
}

/* Makes the schema and its tables in one transaction, unless another
 * program made them first (then nothing). */
static at_status create(store *s, const char *schema, at_err *err)
{
    sbuf q = SBUF_INIT;
    char *quoted = ident(schema);
    at_status rc = exec(s, "BEGIN", err);
    if (rc == AT_OK)
        rc = exec(s, "SELECT pg_advisory_xact_lock(1635021941, hashtext(current_setting('search_path')))",
                  err);
    int made = 0;
    if (rc == AT_OK)
        rc = has_table(s, schema, "meta", &made, err);
    if (rc == AT_OK && !made) {
        sbuf_addf(&q, "CREATE SCHEMA IF NOT EXISTS %s; SET LOCAL search_path = %s;", quoted,
                  quoted);
        sbuf_adds(&q, schema_3);
        for (size_t i = 0; i < sizeof id_tables / sizeof id_tables[0]; i++)
            sbuf_addf(&q,
                      "CREATE FUNCTION %s.%s_id() RETURNS trigger LANGUAGE plpgsql AS $f$"
                      " BEGIN SELECT coalesce(max(id), 0) + 1 INTO NEW.id FROM %s.%s;"
                      " RETURN NEW; END $f$;"
                      "CREATE TRIGGER %s_id BEFORE INSERT ON %s.%s FOR EACH ROW"
                      " WHEN (NEW.id IS NULL) EXECUTE FUNCTION %s.%s_id();",
                      quoted, id_tables[i], quoted, id_tables[i], id_tables[i], quoted,
                      id_tables[i], quoted, id_tables[i]);
        sbuf_addf(&q, "INSERT INTO %s.schema_version(version) VALUES (%d);", quoted,
                  STORE_SCHEMA_VERSION);
        rc = exec(s, q.buf, err);
    }
    if (rc == AT_OK)
        rc = exec(s, "COMMIT", err);
    else
        db_exec(&s->conn, "ROLLBACK");
    sbuf_release(&q);
    free(quoted);
    return rc;
}

/* Checks the schema is an attune study this program reads. */
static at_status check(store *s, const char *schema, at_err *err)
{
    db_stmt *st = NULL;
    at_status rc = store_prepare(s, "SELECT (SELECT value FROM meta WHERE key = 'application'),"
                                 " (SELECT max(version) FROM schema_version)", &st, err);
    if (rc != AT_OK)
        return rc;
    if (db_step(st) != DB_ROW) {
        rc = db_fault_of(&s->conn) == DB_FAULT_IO
                 ? store_dberr(s, err)
                 : at_fail(err, AT_ENOTSTORE, "'%s': schema \"%s\" is not an attune study (%s)",
                           s->path, schema, db_errmsg(&s->conn));
    } else if (strcmp(store_col(st, 0), "attune") != 0) {
        rc = at_fail(err, AT_ENOTSTORE, "'%s': schema \"%s\" is not an attune study", s->path,
                     schema);
    } else if (db_column_int64(st, 1) > STORE_SCHEMA_VERSION) {
        rc = at_fail(err, AT_EVERSION,
                     "'%s' was made by a newer attune (schema %lld, this one reads up to %d)",
                     s->path, db_column_int64(st, 1), STORE_SCHEMA_VERSION);
    } else if (db_column_int64(st, 1) < STORE_SCHEMA_VERSION) {
        rc = at_fail(err, AT_EVERSION, "'%s': schema \"%s\" has an unknown version %lld",
                     s->path, schema, db_column_int64(st, 1));
    }
    db_finalize(st);
    return rc;
}

at_status store_pg_open(store *s, at_err *err)
{
    char *value = NULL, *msg = NULL;
    int pw = dbpg_has_option(s->path, "password", &value, &msg);
    free(value);
    if (pw != 0) {
        char *shown = redacted(s->path);
        free(s->path);
        s->path = shown;
        at_status rc = pw < 0 ? at_fail(err, AT_EINVAL, "'%s': not a connection URL: %s",
                                        s->path, msg)
                              : at_fail(err, AT_EINVAL,
                                        "'%s': a password in the URL is refused; keep it in "
                                        "~/.pgpass, a service file or PGPASSWORD", s->path);
        free(msg);
        return rc;
    }
    if (dbpg_connect(s->path, &s->conn.pg, &msg) != 0) {
        at_status rc = at_fail(err, AT_EIO, "'%s': cannot connect: %s", s->path, msg);
        free(msg);
        return rc;
    }
    char *schema = NULL;
    int made = 0;
    at_status rc = session_setup(s, err);
    if (rc == AT_OK)
        rc = first_schema(s, &schema, err);
    if (rc == AT_OK)
        rc = has_table(s, schema, "meta", &made, err);
    if (rc == AT_OK && !made) {
        if (s->mode != STORE_CREATE)
            rc = at_fail(err, AT_ENOTFOUND, "'%s' holds no attune study in schema \"%s\" "
                         "(run 'collect init' to make one)", s->path, schema);
        else
            rc = create(s, schema, err);
    }
    if (rc == AT_OK)
        rc = check(s, schema, err);
    free(schema);
    return rc;
}

/* What the web server reads: links, instruments and whom a link is for,
 * and of administrations only what tells whether a rating exists. */
static const char serve_grants[] =
    "GRANT SELECT ON meta, schema_version, therapists, clients, sessions, instruments,"
    " instrument_columns, invitations TO %1$s;"
    "GRANT SELECT (id, session_id, instrument_id, rater, rater_code, status)"
    " ON administrations TO %1$s;"
    "GRANT INSERT ON administrations TO %1$s;"
    "GRANT UPDATE (state, changed_at, answers, flow_state, administration_id)"
    " ON invitations TO %1$s;";

at_status store_roles(store *s, char **schema_out, at_err *err)
{
    *schema_out = NULL;
    if (!s->conn.pg)
        return at_fail(err, AT_EINVAL, "'%s': roles are for a study on a PostgreSQL server; "
                       "an SQLite study file is private to its owner (mode 0600)", s->path);
    char *schema = NULL;
    at_status rc = first_schema(s, &schema, err);
    if (rc != AT_OK)
        return rc;
    static const char *const kinds[] = { "read", "collect", "serve" };
    char *q_schema = ident(schema);
    char *role[3];
    sbuf q = SBUF_INIT;
    sbuf_adds(&q, "BEGIN;");
    for (int k = 0; k < 3; k++) {
        sbuf name = SBUF_INIT;
        sbuf_addf(&name, "%s_%s", schema, kinds[k]);
        role[k] = ident(name.buf);
        /* the role made when missing, its grants given again either way */
        sbuf_addf(&q, "DO $r$ BEGIN IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles"
                  " WHERE rolname = '%s') THEN CREATE ROLE %s NOLOGIN; END IF; END $r$;",
                  name.buf, role[k]);
        sbuf_release(&name);
        sbuf_addf(&q, "REVOKE ALL ON ALL TABLES IN SCHEMA %s FROM %s;", q_schema, role[k]);
        sbuf_addf(&q, "GRANT USAGE ON SCHEMA %s TO %s;", q_schema, role[k]);
    }
    sbuf_addf(&q, "GRANT SELECT ON ALL TABLES IN SCHEMA %s TO %s;", q_schema, role[0]);
    sbuf_addf(&q, "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %s TO %s;",
              q_schema, role[1]);
    sbuf_addf(&q, serve_grants, role[2]);
    sbuf_adds(&q, "COMMIT;");
    /* a role name is checked against what is already there before any SQL
     * runs: a schema name with a quote is not turned into roles */
    if (strchr(schema, '\'') || strchr(schema, '"'))
        rc = at_fail(err, AT_EINVAL, "schema \"%s\": no roles are made for a name with quotes",
                     schema);
    else if (db_exec(&s->conn, q.buf) != 0) {
        rc = store_dberr(s, err);
        db_exec(&s->conn, "ROLLBACK");
    }
    sbuf_release(&q);
    for (int k = 0; k < 3; k++)
        free(role[k]);
    free(q_schema);
    if (rc == AT_OK)
        *schema_out = schema;
    else
        free(schema);
    return rc;
}

at_status store_pg_reconnect(store *s, at_err *err)
{
    if (!dbpg_lost(s->conn.pg))
        return AT_OK;
    if (dbpg_reconnect(s->conn.pg) != 0)
        return at_fail(err, AT_EIO, "'%s': the connection was lost and cannot be made again: %s",
                       s->path, db_errmsg(&s->conn));
    return AT_OK;
}
