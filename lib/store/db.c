/* db.c: the parts of db.h that are not inline, for both backends. */
#include "db.h"

#include <stdlib.h>

#include "util.h"

int db_prepare(db_conn *c, const char *sql, int flags, db_stmt **out)
{
    db_stmt *st = xcalloc(1, sizeof *st);
    int rc;
    if (c->lite)
        rc = sqlite3_prepare_v3(c->lite, sql, -1,
                                (flags & DB_PERSIST) ? SQLITE_PREPARE_PERSISTENT : 0, &st->lite,
                                NULL);
    else
        rc = dbpg_prepare(c->pg, sql, flags, &st->pg);
    if (rc != 0) {
        db_finalize(st);
        *out = NULL;
        return rc;
    }
    *out = st;
    return 0;
}

void db_finalize(db_stmt *st)
{
    if (!st)
        return;
    if (st->lite)
        sqlite3_finalize(st->lite);
    else if (st->pg)
        dbpg_finalize(st->pg);
    free(st);
}

int db_exec(db_conn *c, const char *sql)
{
    return c->lite ? sqlite3_exec(c->lite, sql, NULL, NULL, NULL) : dbpg_exec(c->pg, sql);
}

const char *db_errmsg(db_conn *c)
{
    return c->lite ? sqlite3_errmsg(c->lite) : dbpg_errmsg(c->pg);
}

db_fault db_fault_of(db_conn *c)
{
    if (!c->lite)
        return dbpg_fault(c->pg);
    switch (sqlite3_extended_errcode(c->lite)) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
        return DB_FAULT_UNIQUE;
    default:
        break;
    }
    switch (sqlite3_errcode(c->lite)) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
        return DB_FAULT_NONE;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return DB_FAULT_BUSY;
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_FULL:
        return DB_FAULT_IO;
    default:
        return DB_FAULT_OTHER;
    }
}

long long db_last_id(db_conn *c)
{
    return c->lite ? sqlite3_last_insert_rowid(c->lite) : dbpg_last_id(c->pg);
}

long db_changes(db_conn *c)
{
    return c->lite ? sqlite3_changes(c->lite) : dbpg_changes(c->pg);
}
