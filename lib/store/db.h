/* db.h: the statement layer under the store, with two backends: an SQLite
 * file (sqlite3, the default) and a PostgreSQL server (libpq).  The store's
 * files speak only this interface once a connection is open; opening, the
 * schema and the few statements whose SQL differs are chosen by backend in
 * store.c and db_pg.c.
 *
 * The interface follows SQLite's statement model: prepare once, bind
 * parameters (?N in the SQL text, numbered from 1), step to each row, read
 * its columns, reset to run again.  On SQLite every call is SQLite's own; on
 * PostgreSQL a statement runs when first stepped (parameters sent as text),
 * its rows are read whole, or in batches through a cursor for a statement
 * prepared with DB_STREAM inside a transaction, and ?N becomes $N.  Column
 * values are text on PostgreSQL; integers are parsed from it, and a boolean
 * reads as 1 or 0.
 *
 * A DB_BATCH statement's rows wait, on either backend, inside a transaction:
 * they go many to one INSERT when enough have come, and before any other
 * statement's first step (a statement already running goes on without
 * them), any db_exec, and a COMMIT; a ROLLBACK forgets them.  On SQLite a
 * statement prepared with DB_APART does not send them either. */
#ifndef ATTUNE_DB_H
#define ATTUNE_DB_H

#include <sqlite3.h>
#include <stddef.h>
#include <string.h>

enum { DB_ROW = SQLITE_ROW, DB_DONE = SQLITE_DONE };

/* db_prepare's flags */
enum {
    DB_PERSIST = 1,   /* kept for the connection's life (prepared once on the server) */
    DB_STREAM = 2,    /* may return many rows: read in batches, not whole */
    DB_INSERT_ID = 4, /* an INSERT into a table with an id: db_last_id gives it */
    DB_BATCH = 8,     /* an "INSERT ... VALUES (?1, ..., ?k)" whose rows, inside a
                         transaction, may go many to one statement and later:
                         a failure is reported by a later call, at the latest
                         the commit; db_changes is not known */
    DB_BATCH_PARENT = 16, /* a DB_BATCH whose rows others refer to: sent first */
    DB_APART = 32,    /* reads and writes no table that a DB_BATCH statement
                         writes: on SQLite, rows waiting stay waiting */
};

/* What went wrong with the last call (db_fault). */
typedef enum {
    DB_FAULT_NONE,
    DB_FAULT_BUSY,     /* another writer held the study too long */
    DB_FAULT_UNIQUE,   /* a unique constraint refused a row */
    DB_FAULT_IO,       /* the file, the disk or the network */
    DB_FAULT_OTHER,
} db_fault;

typedef struct db_pg db_pg;
typedef struct db_pgstmt db_pgstmt;
typedef struct db_batch db_batch;   /* SQLite's rows waiting (db.c) */

/* A connection: exactly one of lite and pg is set. */
typedef struct db_conn {
    sqlite3 *lite;
    db_pg *pg;
    db_batch *waiting;   /* SQLite: the statements with rows waiting, parents first */
} db_conn;

typedef struct db_stmt {
    sqlite3_stmt *lite;
    db_pgstmt *pg;
    db_conn *c;          /* SQLite: the connection; NULL for a bare statement */
    db_batch *batch;     /* SQLite, DB_BATCH: its rows, bound here rather than to lite */
    int flags;
} db_stmt;

/* PostgreSQL's half (db_pg.c). */
int dbpg_prepare(db_pg *c, const char *sql, int flags, db_pgstmt **out);
int dbpg_step(db_pgstmt *st);
void dbpg_reset(db_pgstmt *st);
void dbpg_finalize(db_pgstmt *st);
void dbpg_bind_int64(db_pgstmt *st, int i, long long v);
void dbpg_bind_text(db_pgstmt *st, int i, const char *v);
void dbpg_bind_textn(db_pgstmt *st, int i, const char *v, size_t n);
void dbpg_bind_null(db_pgstmt *st, int i, int integer);
long long dbpg_column_int64(db_pgstmt *st, int i);
const char *dbpg_column_text(db_pgstmt *st, int i);
int dbpg_column_bytes(db_pgstmt *st, int i);
int dbpg_exec(db_pg *c, const char *sql);
long long dbpg_last_id(db_pg *c);
long dbpg_changes(db_pg *c);
const char *dbpg_errmsg(db_pg *c);
db_fault dbpg_fault(db_pg *c);

/* The SQL of "INSERT ... VALUES (M1, ..., Mk)" up to its VALUES list, its
 * parameters written with mark M ('?' or '$') and numbered in order; NULL
 * for any other SQL. */
char *db_batch_head(const char *sql, int k, char mark);

/* SQLite's half for DB_BATCH statements and the rows waiting (db.c). */
int dblite_step(db_stmt *st);
void dblite_bind_int64(db_stmt *st, int i, long long v);
void dblite_bind_textn(db_stmt *st, int i, const char *v, size_t n);   /* v NULL: NULL */

/* Prepares sql; 0 on success (then *out is set), else nonzero with the
 * error on the connection. */
int db_prepare(db_conn *c, const char *sql, int flags, db_stmt **out);
void db_finalize(db_stmt *st);
/* Runs sql (one or more statements, no parameters, no rows wanted); 0 on
 * success. */
int db_exec(db_conn *c, const char *sql);
const char *db_errmsg(db_conn *c);
db_fault db_fault_of(db_conn *c);
long long db_last_id(db_conn *c);
long db_changes(db_conn *c);

static inline int db_step(db_stmt *st)
{
    if (!st->lite)
        return dbpg_step(st->pg);
    if (st->batch || (st->c && st->c->waiting && !sqlite3_stmt_busy(st->lite)))
        return dblite_step(st);
    return sqlite3_step(st->lite);
}

static inline void db_reset(db_stmt *st)
{
    if (st->lite)
        sqlite3_reset(st->lite);
    else
        dbpg_reset(st->pg);
}

static inline void db_bind_int64(db_stmt *st, int i, long long v)
{
    if (st->batch)
        dblite_bind_int64(st, i, v);
    else if (st->lite)
        sqlite3_bind_int64(st->lite, i, v);
    else
        dbpg_bind_int64(st->pg, i, v);
}

/* v NULL binds NULL; on SQLite v must stay as it is until the statement is
 * reset (PostgreSQL copies it). */
static inline void db_bind_text(db_stmt *st, int i, const char *v)
{
    if (st->batch)
        dblite_bind_textn(st, i, v, v ? strlen(v) : 0);
    else if (st->lite)
        v ? sqlite3_bind_text(st->lite, i, v, -1, SQLITE_STATIC) : sqlite3_bind_null(st->lite, i);
    else
        dbpg_bind_text(st->pg, i, v);
}

/* The same, for v of n bytes. */
static inline void db_bind_textn(db_stmt *st, int i, const char *v, size_t n)
{
    if (st->batch)
        dblite_bind_textn(st, i, v, n);
    else if (st->lite)
        sqlite3_bind_text(st->lite, i, v, (int)n, SQLITE_STATIC);
    else
        dbpg_bind_textn(st->pg, i, v, n);
}

/* NULL in a text's place, and in an integer's. */
static inline void db_bind_null(db_stmt *st, int i)
{
    db_bind_text(st, i, NULL);
}

static inline void db_bind_null_int64(db_stmt *st, int i)
{
    if (st->batch)
        dblite_bind_textn(st, i, NULL, 0);
    else if (st->lite)
        sqlite3_bind_null(st->lite, i);
    else
        dbpg_bind_null(st->pg, i, 1);
}

static inline long long db_column_int64(db_stmt *st, int i)
{
    return st->lite ? sqlite3_column_int64(st->lite, i) : dbpg_column_int64(st->pg, i);
}

/* A text column; NULL for NULL. */
static inline const char *db_column_text(db_stmt *st, int i)
{
    return st->lite ? (const char *)sqlite3_column_text(st->lite, i) : dbpg_column_text(st->pg, i);
}

static inline int db_column_isnull(db_stmt *st, int i)
{
    return st->lite ? sqlite3_column_type(st->lite, i) == SQLITE_NULL
                    : dbpg_column_text(st->pg, i) == NULL;
}

/* The length of a text column read with db_column_text. */
static inline int db_column_bytes(db_stmt *st, int i)
{
    return st->lite ? sqlite3_column_bytes(st->lite, i) : dbpg_column_bytes(st->pg, i);
}

#endif
