/* store_sql.c: preparing and stepping statements, shared by the store's
 * files. */
#include "store_int.h"

at_status store_prepare(store *s, const char *sql, sqlite3_stmt **st, at_err *err)
{
    if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) == SQLITE_OK)
        return AT_OK;
    *st = NULL;
    return store_dberr(s, err);
}

at_status store_step_done(store *s, sqlite3_stmt *st, long *rowid, at_err *err)
{
    int step = sqlite3_step(st);
    sqlite3_reset(st);
    if (step != SQLITE_DONE)
        return store_dberr(s, err);
    if (rowid)
        *rowid = (long)sqlite3_last_insert_rowid(s->db);
    return AT_OK;
}

at_status store_step_ints(store *s, sqlite3_stmt *st, long *out, int n, at_err *err)
{
    int step = sqlite3_step(st);
    for (int k = 0; k < n; k++)
        out[k] = step == SQLITE_ROW ? (long)sqlite3_column_int64(st, k) : 0;
    sqlite3_reset(st);
    if (step == SQLITE_ROW)
        return AT_OK;
    return step == SQLITE_DONE ? AT_ENOTFOUND : store_dberr(s, err);
}

at_status store_query_each(store *s, const char *sql,
                           int (*row)(sqlite3_stmt *st, void *ctx), void *ctx, at_err *err)
{
    sqlite3_stmt *st;
    at_status rc = store_prepare(s, sql, &st, err);
    if (rc != AT_OK)
        return rc;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW && !row(st, ctx))
        ;
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = store_dberr(s, err);
    sqlite3_finalize(st);
    return rc;
}
