/* store_sql.c: preparing and stepping statements, shared by the store's
 * files. */
#include "store_int.h"

static at_status prepare(store *s, const char *sql, int flags, db_stmt **st, at_err *err)
{
    if (db_prepare(&s->conn, sql, flags, st) == 0)
        return AT_OK;
    *st = NULL;
    return store_dberr(s, err);
}

at_status store_prepare(store *s, const char *sql, db_stmt **st, at_err *err)
{
    return prepare(s, sql, 0, st, err);
}

at_status store_prepare_insert(store *s, const char *sql, db_stmt **st, at_err *err)
{
    return prepare(s, sql, DB_INSERT_ID, st, err);
}

at_status store_prepare_many(store *s, const char *sql, db_stmt **st, at_err *err)
{
    return prepare(s, sql, DB_STREAM, st, err);
}

at_status store_step_done(store *s, db_stmt *st, long *rowid, at_err *err)
{
    int step = db_step(st);
    db_reset(st);
    if (step != DB_DONE)
        return store_dberr(s, err);
    if (rowid)
        *rowid = (long)db_last_id(&s->conn);
    return AT_OK;
}

at_status store_step_ints(store *s, db_stmt *st, long *out, int n, at_err *err)
{
    int step = db_step(st);
    for (int k = 0; k < n; k++)
        out[k] = step == DB_ROW ? (long)db_column_int64(st, k) : 0;
    db_reset(st);
    if (step == DB_ROW)
        return AT_OK;
    return step == DB_DONE ? AT_ENOTFOUND : store_dberr(s, err);
}

at_status store_query_each(store *s, const char *sql,
                           int (*row)(db_stmt *st, void *ctx), void *ctx, at_err *err)
{
    db_stmt *st;
    at_status rc = store_prepare_many(s, sql, &st, err);
    if (rc != AT_OK)
        return rc;
    int step;
    while ((step = db_step(st)) == DB_ROW && !row(st, ctx))
        ;
    if (step != DB_ROW && step != DB_DONE)
        rc = store_dberr(s, err);
    db_finalize(st);
    return rc;
}
