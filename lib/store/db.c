/* db.c: the parts of db.h that are not inline, for both backends. */
#include "db.h"

#include <stdio.h>
#include <stdlib.h>

#include "util.h"

char *db_batch_head(const char *sql, int k, char mark)
{
    const char *v = strstr(sql, " VALUES (");
    if (strncmp(sql, "INSERT INTO ", 12) != 0 || !v || k < 1)
        return NULL;
    sbuf want = SBUF_INIT;
    sbuf_adds(&want, " VALUES (");
    for (int i = 1; i <= k; i++)
        sbuf_addf(&want, i > 1 ? ", %c%d" : "%c%d", mark, i);
    sbuf_addc(&want, ')');
    int same = strcmp(v, want.buf) == 0;
    sbuf_release(&want);
    return same ? xstrndup(sql, (size_t)(v - sql) + 8) : NULL;
}

/* ---- SQLite's rows waiting ---------------------------------------------- */

/* The rows of a DB_BATCH statement go in INSERTs of 64, 32, ..., 1 rows,
 * each prepared when first needed: a batch cut short by another statement
 * takes a few statements, not one a row. */
enum { BATCH_SIZES = 7, BATCH_ROWS = 1 << (BATCH_SIZES - 1) };
enum { DB_UNDO = 1 << 12 };   /* a ROLLBACK: forgets the rows waiting */

typedef struct batch_val {
    int kind;                  /* 0 NULL, 1 integer, 2 text */
    long long i;
    size_t off, len;           /* text: in the batch's text */
} batch_val;

struct db_batch {
    db_conn *c;
    char *head;                /* the SQL up to its VALUES list */
    int k;                     /* parameters a row */
    int n;                     /* rows waiting; row n is the one being bound */
    batch_val *vals;           /* BATCH_ROWS + 1 rows of k */
    sbuf text;
    sqlite3_stmt *multi[BATCH_SIZES];   /* 1 << j rows */
    db_batch *next;            /* in c->waiting */
    int listed;                /* 0: not there; DB_BATCH_PARENT or 1: there, as a parent's or not */
};

static batch_val *bound(db_stmt *st, int i)
{
    db_batch *b = st->batch;
    if (i < 1 || i > b->k)
        return NULL;
    return &b->vals[(size_t)b->n * (size_t)b->k + (size_t)(i - 1)];
}

void dblite_bind_int64(db_stmt *st, int i, long long v)
{
    batch_val *bv = bound(st, i);
    if (bv)
        *bv = (batch_val){ .kind = 1, .i = v };
}

void dblite_bind_textn(db_stmt *st, int i, const char *v, size_t n)
{
    batch_val *bv = bound(st, i);
    if (!bv)
        return;
    if (!v) {
        *bv = (batch_val){ .kind = 0 };
        return;
    }
    db_batch *b = st->batch;
    *bv = (batch_val){ .kind = 2, .off = b->text.len, .len = n };
    sbuf_add(&b->text, v, n);
}

static sqlite3_stmt *multi_stmt(db_batch *b, int j)
{
    if (b->multi[j])
        return b->multi[j];
    /* OR FAIL: a refused row leaves the rows before it in, as one statement
     * a row would, so SQLite keeps no statement journal for the rest */
    sbuf q = SBUF_INIT;
    sbuf_adds(&q, "INSERT OR FAIL INTO ");
    sbuf_adds(&q, b->head + strlen("INSERT INTO "));
    for (int r = 0; r < 1 << j; r++) {
        sbuf_adds(&q, r ? ", (" : "(");
        for (int i = 0; i < b->k; i++)
            sbuf_adds(&q, i ? ", ?" : "?");
        sbuf_addc(&q, ')');
    }
    if (sqlite3_prepare_v3(b->c->lite, q.buf, (int)q.len, SQLITE_PREPARE_PERSISTENT,
                           &b->multi[j], NULL) != SQLITE_OK)
        b->multi[j] = NULL;
    sbuf_release(&q);
    return b->multi[j];
}

/* Inserts b's rows waiting; an SQLite result code (SQLITE_OK when all went). */
static int send_rows(db_batch *b)
{
    int rc = SQLITE_OK;
    const char *text = b->text.buf ? b->text.buf : "";
    for (int done = 0; done < b->n && rc == SQLITE_OK;) {
        int j = BATCH_SIZES - 1;
        while ((1 << j) > b->n - done)
            j--;
        sqlite3_stmt *m = multi_stmt(b, j);
        if (!m)
            return sqlite3_errcode(b->c->lite);
        const batch_val *v = &b->vals[(size_t)done * (size_t)b->k];
        for (int p = 1; p <= (1 << j) * b->k; p++, v++) {
            if (v->kind == 1)
                sqlite3_bind_int64(m, p, v->i);
            else if (v->kind == 2)
                sqlite3_bind_text(m, p, text + v->off, (int)v->len, SQLITE_STATIC);
            else
                sqlite3_bind_null(m, p);
        }
        rc = sqlite3_step(m);
        rc = rc == SQLITE_DONE ? sqlite3_reset(m) : (sqlite3_reset(m), rc);
        done += 1 << j;
    }
    return rc;
}

/* Forgets the rows waiting; the row being bound becomes row 0, with its
 * texts moved to the start of the batch's text. */
static void unlist(db_batch *b)
{
    batch_val *row = &b->vals[(size_t)b->n * (size_t)b->k];
    sbuf keep = SBUF_INIT;
    for (int i = 0; i < b->k; i++)
        if (row[i].kind == 2) {
            size_t off = keep.len;
            sbuf_add(&keep, b->text.buf + row[i].off, row[i].len);
            row[i].off = off;
        }
    memmove(b->vals, row, (size_t)b->k * sizeof *b->vals);
    sbuf_reset(&b->text);
    if (keep.len)
        sbuf_add(&b->text, keep.buf, keep.len);
    sbuf_release(&keep);
    b->n = 0;
    b->listed = 0;
    b->next = NULL;
}

/* Sends every statement's rows waiting, parents first; an SQLite result
 * code, the first failure's. */
static int send_waiting(db_conn *c)
{
    int rc = SQLITE_OK;
    while (c->waiting) {
        db_batch *b = c->waiting;
        c->waiting = b->next;
        if (rc == SQLITE_OK)
            rc = send_rows(b);
        unlist(b);
    }
    return rc;
}

static void drop_waiting(db_conn *c)
{
    while (c->waiting) {
        db_batch *b = c->waiting;
        c->waiting = b->next;
        unlist(b);
    }
}

/* Keeps the row bound to a DB_BATCH statement; inserted at once outside a
 * transaction. */
static int add_row(db_stmt *st)
{
    db_batch *b = st->batch;
    db_conn *c = b->c;
    b->n++;
    /* the next row starts with this one's values, as SQLite's bindings stay */
    memcpy(&b->vals[(size_t)b->n * (size_t)b->k], &b->vals[(size_t)(b->n - 1) * (size_t)b->k],
           (size_t)b->k * sizeof *b->vals);
    if (!b->listed) {
        db_batch **at = &c->waiting;
        if (st->flags & DB_BATCH_PARENT)
            while (*at && (*at)->listed == DB_BATCH_PARENT)
                at = &(*at)->next;
        else
            while (*at)
                at = &(*at)->next;
        b->next = *at;
        *at = b;
        b->listed = (st->flags & DB_BATCH_PARENT) ? DB_BATCH_PARENT : 1;
    }
    if (b->n < BATCH_ROWS && !sqlite3_get_autocommit(c->lite))
        return SQLITE_DONE;
    int rc = send_waiting(c);
    return rc == SQLITE_OK ? SQLITE_DONE : rc;
}

int dblite_step(db_stmt *st)
{
    if (st->batch)
        return add_row(st);
    if (st->c->waiting && !(st->flags & DB_APART) && !sqlite3_stmt_busy(st->lite)) {
        if (st->flags & DB_UNDO) {
            drop_waiting(st->c);
        } else {
            int rc = send_waiting(st->c);
            if (rc != SQLITE_OK)
                return rc;
        }
    }
    return sqlite3_step(st->lite);
}

static db_batch *batch_new(db_conn *c, sqlite3_stmt *one, const char *sql)
{
    int k = sqlite3_bind_parameter_count(one);
    char *head = db_batch_head(sql, k, '?');
    if (!head)
        return NULL;
    db_batch *b = xcalloc(1, sizeof *b);
    b->c = c;
    b->head = head;
    b->k = k;
    b->vals = xcalloc((size_t)(BATCH_ROWS + 1) * (size_t)k, sizeof *b->vals);
    return b;
}

static void batch_free(db_batch *b)
{
    if (!b)
        return;
    if (b->listed)
        send_waiting(b->c);   /* the rows waiting go first */
    for (int j = 0; j < BATCH_SIZES; j++)
        sqlite3_finalize(b->multi[j]);
    sbuf_release(&b->text);
    free(b->vals);
    free(b->head);
    free(b);
}

/* ---- both backends ------------------------------------------------------ */

int db_prepare(db_conn *c, const char *sql, int flags, db_stmt **out)
{
    db_stmt *st = xcalloc(1, sizeof *st);
    int rc;
    st->flags = flags;
    if (c->lite) {
        st->c = c;
        if (strncmp(sql, "ROLLBACK", 8) == 0)
            st->flags |= DB_UNDO;
        rc = sqlite3_prepare_v3(c->lite, sql, -1,
                                (flags & DB_PERSIST) ? SQLITE_PREPARE_PERSISTENT : 0, &st->lite,
                                NULL);
        if (rc == SQLITE_OK && (flags & DB_BATCH))
            st->batch = batch_new(c, st->lite, sql);
    } else {
        rc = dbpg_prepare(c->pg, sql, flags, &st->pg);
    }
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
    batch_free(st->batch);
    if (st->lite)
        sqlite3_finalize(st->lite);
    else if (st->pg)
        dbpg_finalize(st->pg);
    free(st);
}

int db_exec(db_conn *c, const char *sql)
{
    if (!c->lite)
        return dbpg_exec(c->pg, sql);
    if (c->waiting) {
        if (strncmp(sql, "ROLLBACK", 8) == 0) {
            drop_waiting(c);
        } else {
            int rc = send_waiting(c);
            if (rc != SQLITE_OK)
                return rc;
        }
    }
    return sqlite3_exec(c->lite, sql, NULL, NULL, NULL);
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
