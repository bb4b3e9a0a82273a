/* db_pg.c: db.h's statements on a PostgreSQL server, through libpq.
 *
 * A statement is sent when first stepped, its parameters as text (the
 * server parses them by the type it infers), and its rows come back as
 * text, with the types they were bound as (text or bigint).  A DB_PERSIST
 * statement is prepared on the server once, by name; others go as one
 * unnamed extended-protocol query.  A DB_STREAM statement
 * inside a transaction is read through a cursor, a batch of rows at a time,
 * so a large read holds one batch in memory; other statements may run
 * between its batches.  An INSERT flagged DB_INSERT_ID gets "RETURNING id",
 * whose row is taken by the step, not shown to the caller.  Inside a
 * transaction the rows of a DB_BATCH INSERT are kept and sent 200 to one
 * INSERT, in libpq's pipeline mode, before any other statement runs (rows
 * others refer to first); their results are read back at the next
 * statement that needs an answer.  A link to the server that broke while
 * no transaction was open is made again, with the connection's settings,
 * and the statement sent once more. */
#include "db.h"
#include "db_pg.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define FETCH_ROWS 4000
/* statements sent before their results are read back: few enough that
 * those results fit in the socket's buffers */
#define PIPELINE_MAX 256
/* rows of one multi-row INSERT: the server parses a statement's
 * constraints once per statement, not once per row */
#define BATCH_ROWS 200

struct db_pg {
    PGconn *conn;
    char *err;               /* the last error's message */
    char state[6];           /* its SQLSTATE; "" for none, "08000" when the link failed */
    long long last_id;
    long changes;
    unsigned long serial;    /* names for prepared statements and cursors */
    int pending;             /* statements sent in the pipeline, their results not yet read */
    db_pgstmt *batches;      /* statements with rows waiting, parents first */
    db_pgstmt *kept;         /* the DB_PERSIST statements, prepared on the server */
    char *setup;             /* the connection's settings, made again on a new link */
    int txn;                 /* a transaction was open after the last command */
};

struct db_pgstmt {
    db_pg *c;
    char *sql;               /* with $N parameters */
    int flags, nparams;
    char **vals;             /* bound values (copies), NULL for NULL */
    Oid *types;              /* their types as bound (text, bigint, or 0: the server's guess) */
    char name[32];           /* the server-side name, once prepared */
    int prepared, ran, cursor, more;
    PGresult *res;
    int row, nrows;
    /* DB_BATCH: rows waiting to go as one multi-row INSERT */
    char *head;              /* the SQL up to its VALUES list; NULL: not batched */
    char **rows;             /* BATCH_ROWS rows of nparams values */
    int nbatched, listed;
    char bname[32];          /* the full batch, prepared on the server */
    int bprepared;
    db_pgstmt *next_batch;
    db_pgstmt *next_kept, **prev_kept;
};

static void set_err(db_pg *c, const char *msg, const char *state)
{
    free(c->err);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        n--;
    c->err = xmalloc(n + 1);
    memcpy(c->err, msg, n);
    c->err[n] = '\0';
    snprintf(c->state, sizeof c->state, "%s", state ? state : "");
}

/* Takes the error of res (or of the connection when res says nothing). */
static void res_err(db_pg *c, const PGresult *res)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (PQstatus(c->conn) == CONNECTION_BAD)
        set_err(c, PQerrorMessage(c->conn), "08000");
    else if (msg)
        set_err(c, msg, state);
    else
        set_err(c, PQerrorMessage(c->conn), state);
}

static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

int dbpg_connect(const char *url, db_pg **out, char **msg)
{
    *out = NULL;
    *msg = NULL;
    PGconn *conn = PQconnectdb(url);
    if (!conn) {
        *msg = xstrdup("out of memory");
        return 1;
    }
    if (PQstatus(conn) != CONNECTION_OK) {
        const char *m = PQerrorMessage(conn);
        size_t n = strlen(m);
        while (n && (m[n - 1] == '\n' || m[n - 1] == ' '))
            n--;
        *msg = xmalloc(n + 1);
        memcpy(*msg, m, n);
        (*msg)[n] = '\0';
        PQfinish(conn);
        return 1;
    }
    PQsetNoticeProcessor(conn, quiet, NULL);
    db_pg *c = xcalloc(1, sizeof *c);
    c->conn = conn;
    *out = c;
    return 0;
}

void dbpg_close(db_pg *c)
{
    if (!c)
        return;
    PQfinish(c->conn);
    free(c->err);
    free(c->setup);
    free(c);
}

void dbpg_set_setup(db_pg *c, const char *sql)
{
    free(c->setup);
    c->setup = sql ? xstrdup(sql) : NULL;
}

static void drop_batches(db_pg *c);

/* Makes the link to the server again, with the connection's settings; what
 * was prepared on the old one is prepared again when next used. */
static int revive(db_pg *c)
{
    PQreset(c->conn);
    if (PQstatus(c->conn) != CONNECTION_OK) {
        set_err(c, PQerrorMessage(c->conn), "08000");
        return 1;
    }
    PQsetNoticeProcessor(c->conn, quiet, NULL);
    c->pending = 0;
    c->txn = 0;
    drop_batches(c);
    for (db_pgstmt *st = c->kept; st; st = st->next_kept) {
        st->prepared = st->bprepared = 0;
        st->cursor = st->more = 0;
    }
    if (c->setup) {
        PGresult *r = PQexec(c->conn, c->setup);
        int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
        if (!ok)
            res_err(c, r);
        PQclear(r);
        if (!ok)
            return 1;
    }
    return 0;
}

int dbpg_reconnect(db_pg *c)
{
    if (PQstatus(c->conn) == CONNECTION_OK)
        return 0;
    return revive(c);
}

/* After a command: whether it failed only because the link broke while no
 * transaction was open, and the link is made again (then the command may
 * be sent once more). */
static int lost_idle(db_pg *c, int txn_before)
{
    return PQstatus(c->conn) == CONNECTION_BAD && !txn_before && revive(c) == 0;
}

static void note_txn(db_pg *c)
{
    PGTransactionStatusType t = PQtransactionStatus(c->conn);
    c->txn = t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

int dbpg_lost(db_pg *c)
{
    return PQstatus(c->conn) != CONNECTION_OK;
}

int dbpg_has_option(const char *url, const char *key, char **value, char **msg)
{
    *value = NULL;
    *msg = NULL;
    char *perr = NULL;
    PQconninfoOption *opts = PQconninfoParse(url, &perr);
    if (!opts) {
        if (perr) {
            size_t n = strlen(perr);
            while (n && (perr[n - 1] == '\n' || perr[n - 1] == ' '))
                perr[--n] = '\0';
            *msg = xstrdup(perr);
            PQfreemem(perr);
        } else {
            *msg = xstrdup("out of memory");
        }
        return -1;
    }
    int found = 0;
    for (PQconninfoOption *o = opts; o->keyword; o++)
        if (strcmp(o->keyword, key) == 0 && o->val && *o->val) {
            *value = xstrdup(o->val);
            found = 1;
        }
    PQconninfoFree(opts);
    return found;
}

/* ---- rows sent without waiting --------------------------------------- */

/* Reads back the results of the statements sent without waiting (libpq's
 * pipeline mode) and leaves that mode; nonzero, with the first failure's
 * error, when one failed (the open transaction is then undone by the
 * server). */
static int flush(db_pg *c)
{
    if (PQpipelineStatus(c->conn) == PQ_PIPELINE_OFF)
        return 0;
    int rc = 0, failed = 0;
    if (c->pending && PQpipelineSync(c->conn) != 1) {
        set_err(c, PQerrorMessage(c->conn), "08000");
        rc = 1;
    }
    while (c->pending && !rc) {
        PGresult *r = PQgetResult(c->conn);
        if (!r) {
            if (PQstatus(c->conn) == CONNECTION_BAD) {
                set_err(c, PQerrorMessage(c->conn), "08000");
                rc = 1;
            }
            continue;
        }
        ExecStatusType rs = PQresultStatus(r);
        if (rs == PGRES_PIPELINE_SYNC) {
            c->pending = 0;
        } else if (rs != PGRES_COMMAND_OK && rs != PGRES_TUPLES_OK) {
            if (rs != PGRES_PIPELINE_ABORTED && !c->err)
                res_err(c, r);
            failed = 1;
        }
        PQclear(r);
    }
    c->pending = 0;
    if (PQexitPipelineMode(c->conn) != 1 && !rc) {
        set_err(c, PQerrorMessage(c->conn), "08000");
        rc = 1;
    }
    return rc || failed;
}

/* Sends the rows waiting in st as one INSERT, without waiting. */
static int send_batch(db_pgstmt *st)
{
    db_pg *c = st->c;
    int k = st->nparams, n = st->nbatched;
    sbuf q = SBUF_INIT;
    sbuf_adds(&q, st->head);
    for (int r = 0; r < n; r++) {
        sbuf_adds(&q, r ? ", (" : "(");
        for (int i = 0; i < k; i++)
            sbuf_addf(&q, i ? ", $%d" : "$%d", r * k + i + 1);
        sbuf_addc(&q, ')');
    }
    Oid *types = xmalloc((size_t)(n * k) * sizeof *types);
    for (int r = 0; r < n; r++)
        memcpy(types + r * k, st->types, (size_t)k * sizeof *types);
    const char *const *vals = (const char *const *)st->rows;
    int ok = 1;
    if (PQpipelineStatus(c->conn) == PQ_PIPELINE_OFF && PQenterPipelineMode(c->conn) != 1)
        ok = 0;
    if (ok && n == BATCH_ROWS) {
        if (!st->bprepared) {
            snprintf(st->bname, sizeof st->bname, "attune_b%lu", ++c->serial);
            ok = PQsendPrepare(c->conn, st->bname, q.buf, n * k, types);
            c->pending++;
            st->bprepared = ok;
        }
        if (ok)
            ok = PQsendQueryPrepared(c->conn, st->bname, n * k, vals, NULL, NULL, 0);
    } else if (ok) {
        ok = PQsendQueryParams(c->conn, q.buf, n * k, types, vals, NULL, NULL, 0);
    }
    c->pending += ok;
    for (int i = 0; i < n * k; i++) {
        free(st->rows[i]);
        st->rows[i] = NULL;
    }
    st->nbatched = 0;
    free(types);
    sbuf_release(&q);
    if (!ok) {
        set_err(c, PQerrorMessage(c->conn), "08000");
        return 1;
    }
    return 0;
}

/* Sends every statement's waiting rows, parents first; nonzero on failure. */
static int send_batches(db_pg *c)
{
    int rc = 0;
    while (c->batches) {
        db_pgstmt *st = c->batches;
        c->batches = st->next_batch;
        st->next_batch = NULL;
        st->listed = 0;
        if (st->nbatched && !rc)
            rc = send_batch(st);
        st->nbatched = 0;
    }
    if (!rc && c->pending >= PIPELINE_MAX)
        rc = flush(c);
    return rc;
}

/* Forgets the rows waiting (the transaction is being undone). */
static void drop_batches(db_pg *c)
{
    while (c->batches) {
        db_pgstmt *st = c->batches;
        c->batches = st->next_batch;
        st->next_batch = NULL;
        st->listed = 0;
        for (int i = 0; i < st->nbatched * st->nparams; i++) {
            free(st->rows[i]);
            st->rows[i] = NULL;
        }
        st->nbatched = 0;
    }
}

/* Keeps the bound row of a DB_BATCH statement for a later multi-row INSERT. */
static int add_row(db_pgstmt *st)
{
    db_pg *c = st->c;
    int k = st->nparams;
    for (int i = 0; i < k; i++) {
        st->rows[st->nbatched * k + i] = st->vals[i] ? xstrdup(st->vals[i]) : NULL;
    }
    st->nbatched++;
    st->ran = 1;
    c->changes = 1;
    if (!st->listed) {
        db_pgstmt **at = &c->batches;
        if (st->flags & DB_BATCH_PARENT)
            while (*at && ((*at)->flags & DB_BATCH_PARENT))
                at = &(*at)->next_batch;
        else
            while (*at)
                at = &(*at)->next_batch;
        st->next_batch = *at;
        *at = st;
        st->listed = 1;
    }
    if (st->nbatched == BATCH_ROWS && send_batches(c))
        return SQLITE_ERROR;
    return DB_DONE;
}

/* ---- statements ------------------------------------------------------- */

/* sql with ?N (and bare ?, numbered in turn) as $N, outside quotes, and
 * SQLite's CROSS JOIN ... ON as JOIN; *n the largest number. */
static char *dollar_params(const char *sql, int *n)
{
    sbuf b = SBUF_INIT;
    int next = 0, top = 0;
    char quote = 0;
    for (const char *p = sql; *p; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
            sbuf_addc(&b, *p);
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
            sbuf_addc(&b, *p);
        } else if (strncmp(p, "CROSS JOIN ", 11) == 0 && strncmp(p + 11, "LATERAL", 7) != 0) {
            /* SQLite's join-order hint (CROSS JOIN ... ON), a plain join here */
            sbuf_adds(&b, "JOIN ");
            p += 10;
        } else if (*p == '?') {
            int k;
            if (p[1] >= '0' && p[1] <= '9') {
                k = 0;
                while (p[1] >= '0' && p[1] <= '9')
                    k = 10 * k + (*++p - '0');
            } else {
                k = ++next;
            }
            if (k > top)
                top = k;
            sbuf_addf(&b, "$%d", k);
        } else {
            sbuf_addc(&b, *p);
        }
    }
    *n = top;
    return sbuf_detach(&b);
}

int dbpg_prepare(db_pg *c, const char *sql, int flags, db_pgstmt **out)
{
    db_pgstmt *st = xcalloc(1, sizeof *st);
    st->c = c;
    st->flags = flags;
    char *text = dollar_params(sql, &st->nparams);
    if (flags & DB_INSERT_ID) {
        size_t n = strlen(text);
        while (n && (text[n - 1] == ';' || text[n - 1] == ' '))
            text[--n] = '\0';
        sbuf b = SBUF_INIT;
        sbuf_adds(&b, text);
        sbuf_adds(&b, " RETURNING id");
        free(text);
        text = sbuf_detach(&b);
    }
    st->sql = text;
    st->vals = st->nparams ? xcalloc((size_t)st->nparams, sizeof *st->vals) : NULL;
    st->types = st->nparams ? xcalloc((size_t)st->nparams, sizeof *st->types) : NULL;
    if (flags & DB_PERSIST) {
        st->next_kept = c->kept;
        if (c->kept)
            c->kept->prev_kept = &st->next_kept;
        st->prev_kept = &c->kept;
        c->kept = st;
    }
    if ((flags & DB_BATCH) && (st->head = db_batch_head(text, st->nparams, '$')))
        st->rows = xcalloc((size_t)(BATCH_ROWS * st->nparams), sizeof *st->rows);
    *out = st;
    return 0;
}

static void drop_result(db_pgstmt *st)
{
    PQclear(st->res);
    st->res = NULL;
    st->nrows = st->row = 0;
}

static void close_cursor(db_pgstmt *st)
{
    if (st->cursor && !send_batches(st->c) && !flush(st->c) && PQstatus(st->c->conn) == CONNECTION_OK &&
        PQtransactionStatus(st->c->conn) == PQTRANS_INTRANS) {
        char q[64];
        snprintf(q, sizeof q, "CLOSE %s", st->name);
        PQclear(PQexec(st->c->conn, q));
    }
    st->cursor = st->more = 0;
}

void dbpg_reset(db_pgstmt *st)
{
    drop_result(st);
    close_cursor(st);
    st->ran = 0;
}

void dbpg_finalize(db_pgstmt *st)
{
    if (!st)
        return;
    /* a statement prepared on the server lives as long as the connection:
     * only the store's own cached statements are, and they are finalized
     * when it closes; rows still waiting are sent first */
    if (st->nbatched && PQstatus(st->c->conn) == CONNECTION_OK)
        send_batches(st->c);
    if (st->listed)
        drop_batches(st->c);
    dbpg_reset(st);
    if (st->prev_kept) {
        *st->prev_kept = st->next_kept;
        if (st->next_kept)
            st->next_kept->prev_kept = st->prev_kept;
    }
    for (int i = 0; i < st->nparams; i++)
        free(st->vals[i]);
    free(st->vals);
    free(st->types);
    free(st->rows);
    free(st->head);
    free(st->sql);
    free(st);
}

/* The types sent with the values: a parameter the server sees in two
 * places (?1 IS NULL OR code = ?1) must not be left for it to guess. */
#define TEXT_OID 25
#define INT8_OID 20

static void bind(db_pgstmt *st, int i, const char *v, size_t n, Oid type)
{
    if (i < 1 || i > st->nparams)
        return;
    free(st->vals[i - 1]);
    st->vals[i - 1] = v ? xstrndup(v, n) : NULL;
    st->types[i - 1] = type;
}

void dbpg_bind_text(db_pgstmt *st, int i, const char *v)
{
    bind(st, i, v, v ? strlen(v) : 0, TEXT_OID);
}

void dbpg_bind_textn(db_pgstmt *st, int i, const char *v, size_t n)
{
    bind(st, i, v, n, TEXT_OID);
}

void dbpg_bind_int64(db_pgstmt *st, int i, long long v)
{
    char num[32];
    int n = snprintf(num, sizeof num, "%lld", v);
    bind(st, i, num, (size_t)n, INT8_OID);
}

void dbpg_bind_null(db_pgstmt *st, int i, int integer)
{
    bind(st, i, NULL, 0, integer ? INT8_OID : 0);
}

/* Reads the next batch of the cursor; DB_ROW, DB_DONE or an error. */
static int fetch(db_pgstmt *st)
{
    char q[64];
    drop_result(st);
    if (send_batches(st->c) || flush(st->c)) {
        st->more = 0;
        return SQLITE_ERROR;
    }
    snprintf(q, sizeof q, "FETCH %d FROM %s", FETCH_ROWS, st->name);
    st->res = PQexec(st->c->conn, q);
    if (PQresultStatus(st->res) != PGRES_TUPLES_OK) {
        res_err(st->c, st->res);
        drop_result(st);
        st->more = 0;
        return SQLITE_ERROR;
    }
    st->nrows = PQntuples(st->res);
    st->more = st->nrows == FETCH_ROWS;
    st->row = 0;
    return st->nrows ? DB_ROW : DB_DONE;
}

/* Whether r, a command's result, says it was done (r is cleared; the
 * error kept when not). */
static int command_done(db_pg *c, PGresult *r)
{
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        res_err(c, r);
    PQclear(r);
    return ok;
}

/* Sends st (not batched, not streamed) and takes its result. */
static int execute(db_pgstmt *st)
{
    db_pg *c = st->c;
    const char *const *vals = (const char *const *)st->vals;
    if (st->flags & DB_PERSIST) {
        if (!st->prepared) {
            snprintf(st->name, sizeof st->name, "attune_s%lu", ++c->serial);
            if (!command_done(c, PQprepare(c->conn, st->name, st->sql, st->nparams, st->types)))
                return SQLITE_ERROR;
            st->prepared = 1;
        }
        st->res = PQexecPrepared(c->conn, st->name, st->nparams, vals, NULL, NULL, 0);
    } else {
        st->res = PQexecParams(c->conn, st->sql, st->nparams, st->types, vals, NULL, NULL, 0);
    }
    ExecStatusType rs = PQresultStatus(st->res);
    if (rs != PGRES_TUPLES_OK && rs != PGRES_COMMAND_OK) {
        res_err(c, st->res);
        drop_result(st);
        return SQLITE_ERROR;
    }
    const char *changed = PQcmdTuples(st->res);
    c->changes = changed && *changed ? atol(changed) : 0;
    st->nrows = rs == PGRES_TUPLES_OK ? PQntuples(st->res) : 0;
    if ((st->flags & DB_INSERT_ID) && st->nrows == 1) {
        c->last_id = atoll(PQgetvalue(st->res, 0, 0));
        st->nrows = 0;
    }
    return st->nrows ? DB_ROW : DB_DONE;
}

static int run(db_pgstmt *st)
{
    db_pg *c = st->c;
    const char *const *vals = (const char *const *)st->vals;
    st->row = 0;
    c->state[0] = '\0';
    free(c->err);
    c->err = NULL;
    /* a link found broken by an earlier call, with no transaction open */
    if (PQstatus(c->conn) == CONNECTION_BAD && !c->txn && revive(c))
        return SQLITE_ERROR;
    int in_txn = PQtransactionStatus(c->conn) != PQTRANS_IDLE;
    if (st->head && in_txn)
        return add_row(st);
    if (send_batches(c))
        return SQLITE_ERROR;
    st->ran = 1;
    if (flush(c))
        return SQLITE_ERROR;
    if ((st->flags & DB_STREAM) && PQtransactionStatus(c->conn) == PQTRANS_INTRANS) {
        snprintf(st->name, sizeof st->name, "attune_c%lu", ++c->serial);
        sbuf q = SBUF_INIT;
        sbuf_addf(&q, "DECLARE %s NO SCROLL CURSOR FOR %s", st->name, st->sql);
        PGresult *r = PQexecParams(c->conn, q.buf, st->nparams, st->types, vals, NULL, NULL, 0);
        sbuf_release(&q);
        if (!command_done(c, r))
            return SQLITE_ERROR;
        st->cursor = 1;
        return fetch(st);
    }
    int txn_before = c->txn;
    int rc = execute(st);
    if (rc != DB_ROW && rc != DB_DONE && lost_idle(c, txn_before)) {
        c->state[0] = '\0';
        free(c->err);
        c->err = NULL;
        rc = execute(st);
    }
    note_txn(c);
    return rc;
}

int dbpg_step(db_pgstmt *st)
{
    if (!st->ran)
        return run(st);
    if (!st->res)
        return DB_DONE;
    if (++st->row < st->nrows)
        return DB_ROW;
    if (st->cursor && st->more)
        return fetch(st);
    return DB_DONE;
}

const char *dbpg_column_text(db_pgstmt *st, int i)
{
    if (!st->res || st->row >= st->nrows || i >= PQnfields(st->res) ||
        PQgetisnull(st->res, st->row, i))
        return NULL;
    return PQgetvalue(st->res, st->row, i);
}

long long dbpg_column_int64(db_pgstmt *st, int i)
{
    const char *v = dbpg_column_text(st, i);
    if (!v)
        return 0;
    if (v[0] == 't' && !v[1])
        return 1;
    if (v[0] == 'f' && !v[1])
        return 0;
    return strtoll(v, NULL, 10);
}

int dbpg_column_bytes(db_pgstmt *st, int i)
{
    return dbpg_column_text(st, i) ? PQgetlength(st->res, st->row, i) : 0;
}

int dbpg_exec(db_pg *c, const char *sql)
{
    c->state[0] = '\0';
    free(c->err);
    c->err = NULL;
    if (strncmp(sql, "ROLLBACK", 8) == 0) {
        /* what waits to be sent is undone too, and a failure among what was
         * sent is why the transaction is undone */
        drop_batches(c);
        flush(c);
        free(c->err);
        c->err = NULL;
        c->state[0] = '\0';
    } else if (send_batches(c) || flush(c)) {
        return SQLITE_ERROR;
    }
    if (PQstatus(c->conn) == CONNECTION_BAD && !c->txn && revive(c))
        return SQLITE_ERROR;
    int txn_before = c->txn, rc = 0;
    for (int attempt = 0; attempt < 2; attempt++) {
        PGresult *r = PQexec(c->conn, sql);
        ExecStatusType rs = PQresultStatus(r);
        rc = rs != PGRES_COMMAND_OK && rs != PGRES_TUPLES_OK;
        if (rc)
            res_err(c, r);
        PQclear(r);
        if (!rc || attempt || !lost_idle(c, txn_before))
            break;
    }
    note_txn(c);
    return rc ? SQLITE_ERROR : 0;
}

long long dbpg_last_id(db_pg *c)
{
    return c->last_id;
}

long dbpg_changes(db_pg *c)
{
    return c->changes;
}

const char *dbpg_errmsg(db_pg *c)
{
    return c->err ? c->err : "no error";
}

db_fault dbpg_fault(db_pg *c)
{
    if (!c->state[0])
        return c->err ? DB_FAULT_OTHER : DB_FAULT_NONE;
    if (strcmp(c->state, "23505") == 0)
        return DB_FAULT_UNIQUE;
    if (strcmp(c->state, "40001") == 0 || strcmp(c->state, "40P01") == 0 ||
        strcmp(c->state, "55P03") == 0)
        return DB_FAULT_BUSY;
    if (strncmp(c->state, "08", 2) == 0 || strncmp(c->state, "53", 2) == 0 ||
        strncmp(c->state, "57", 2) == 0 || strncmp(c->state, "58", 2) == 0)
        return DB_FAULT_IO;
    return DB_FAULT_OTHER;
}
