/* store_view.c: reading administrations and the audit trail back. */
#include "store_int.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* One statement reads administrations: it walks clients by code, their
 * sessions by number and each session's administrations by rater, rater
 * code and id, one row per administration with its packed answers: the
 * indexes give that order, so nothing is sorted, rows stream, and each row
 * is read once.  The few therapists and instrument versions are read first
 * into tables by row id, so the walk joins nothing more.  The view's header
 * strings point into the statement's row and those tables; the answers are
 * unpacked from a copy, in place. */
#define ADMIN_FROM                                                                        \
    " FROM clients c"                                                                     \
    " CROSS JOIN sessions se ON se.client_id = c.id"                                      \
    " CROSS JOIN administrations a ON a.session_id = se.id"

#define ADMIN_SELECT(times)                                                               \
    "SELECT a.id, c.code, se.therapist_id, se.number, se.date, coalesce(se.modality, ''),"  \
    " a.instrument_id, a.rater, a.rater_code, a.status, " times ", a.answers"
#define ADMIN_TIMES "a.source, a.started_at, a.finished_at"
#define ADMIN_NO_TIMES "NULL, NULL, NULL"

/* A filter's conditions, each with its one parameter.  Only those the
 * filter gives are written: the walk tests every row against each
 * condition written, and a "?1 IS NULL OR" form costs a test a row even
 * when it is not used.  The client range is written as plain comparisons,
 * so that both SQLite and PostgreSQL walk just that part of the clients'
 * index.  An undated session (date '') is in no date range. */
enum { NCOND = 11, COND_SESSION = 7 };   /* the one number among them */

/* each with "?" where its parameter's number goes (the one parameter may
 * be read at several places) */
static const char *const conds[NCOND] = {
    "a.instrument_id IN (SELECT id FROM instruments WHERE name = ?)",
    "c.code = ?",
    "se.therapist_id IN (SELECT id FROM therapists WHERE code = ?)",
    "se.therapist_id IN (SELECT id FROM therapists WHERE cohort = ?)",
    "a.rater = ?",
    "se.date >= ?",
    "se.date <> '' AND se.date <= ?",   /* '' is no date, and sorts first */
    "se.number = ?",
    "c.code >= ?",
    "c.code < ?",
    STORE_SAME_RATER_CODE("a", "(SELECT t.code FROM therapists t WHERE t.id = se.therapist_id)",
                          "?"),
};

/* The text of condition k's value in flt, NULL when flt does not give it;
 * the session number is given as *num. */
static const char *cond_value(const admin_filter *flt, int k, long *num)
{
    *num = 0;
    switch (k) {
    case 0: return flt->instrument;
    case 1: return flt->client;
    case 2: return flt->therapist;
    case 3: return flt->cohort;
    case 4: return flt->rater;
    case 5: return flt->from_date;
    case 6: return flt->to_date;
    case COND_SESSION:
        *num = flt->session;
        return flt->session ? "" : NULL;
    case 8:   /* codes are not "": "" bounds nothing */
        return flt->client_from || flt->client_to ? (flt->client_from ? flt->client_from : "")
                                                  : NULL;
    case 9: return flt->client_to;
    default: return flt->rater_code;
    }
}

/* The statement for flt: head, the tables, the filter's conditions
 * (parameters numbered from 1 in order) and tail. */
static void admin_sql(sbuf *q, const char *head, const admin_filter *flt, const char *tail)
{
    int at = 0;
    sbuf_adds(q, head);
    sbuf_adds(q, ADMIN_FROM);
    for (int k = 0; k < NCOND; k++) {
        long num;
        if (!cond_value(flt, k, &num))
            continue;
        sbuf_adds(q, at ? " AND " : " WHERE ");
        ++at;
        for (const char *c = conds[k]; *c; c++)
            if (*c == '?')
                sbuf_addf(q, "?%d", at);
            else
                sbuf_addc(q, *c);
    }
    sbuf_adds(q, tail);
}

/* Binds a filter's values to the parameters of admin_sql's statement. */
static void bind_filter(db_stmt *st, const admin_filter *flt)
{
    int at = 0;
    for (int k = 0; k < NCOND; k++) {
        long num;
        const char *v = cond_value(flt, k, &num);
        if (!v)
            continue;
        if (k == COND_SESSION)
            db_bind_int64(st, ++at, num);
        else
            store_bind_str(st, ++at, v);
    }
}

/* The one number of the statement admin_sql makes of head, flt and tail. */
static at_status admin_number(store *s, const admin_filter *flt, const char *head,
                              const char *tail, long *out, at_err *err)
{
    static const admin_filter none = { 0 };
    db_stmt *st = NULL;
    sbuf q = SBUF_INIT;
    *out = 0;
    if (!flt)
        flt = &none;
    admin_sql(&q, head, flt, tail);
    at_status rc = store_prepare(s, q.buf, &st, err);
    if (rc == AT_OK) {
        bind_filter(st, flt);
        rc = store_step_ints(s, st, out, 1, err);
    }
    db_finalize(st);
    sbuf_release(&q);
    return rc;
}

at_status store_admin_count(store *s, const admin_filter *flt, long *count, at_err *err)
{
    return admin_number(s, flt, "SELECT count(*)", "", count, err);
}

at_status store_admin_any(store *s, const admin_filter *flt, int *any, at_err *err)
{
    long n = 0;
    at_status rc = admin_number(s, flt, "SELECT count(*) FROM (SELECT 1", " LIMIT 1) AS one", &n,
                                err);
    *any = n > 0;
    return rc;
}

/* Rows of a small table by row id: two strings and a number each. */
typedef struct by_id {
    char **a, **b;
    long *num;
    size_t n;                /* ids 0 .. n-1 */
} by_id;

static void by_id_release(by_id *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->a[i]);
        free(t->b[i]);
    }
    free(t->a);
    free(t->b);
    free(t->num);
    memset(t, 0, sizeof *t);
}

/* Reads sql's rows (id, text, text or number) into t. */
static at_status by_id_load(store *s, const char *sql, int third_is_num, by_id *t, at_err *err)
{
    db_stmt *st = NULL;
    at_status rc = store_prepare(s, sql, &st, err);
    int step;
    while (rc == AT_OK && (step = db_step(st)) == DB_ROW) {
        long id = (long)db_column_int64(st, 0);
        if (id < 0 || id > 10000000)
            continue;
        if ((size_t)id >= t->n) {
            size_t n = (size_t)id + 1;
            t->a = xrealloc(t->a, n * sizeof *t->a);
            t->b = xrealloc(t->b, n * sizeof *t->b);
            t->num = xrealloc(t->num, n * sizeof *t->num);
            for (size_t k = t->n; k < n; k++) {
                t->a[k] = t->b[k] = NULL;
                t->num[k] = 0;
            }
            t->n = n;
        }
        t->a[id] = xstrdup(store_col(st, 1));
        if (third_is_num)
            t->num[id] = (long)db_column_int64(st, 2);
        else
            t->b[id] = xstrdup(store_col(st, 2));
    }
    if (rc == AT_OK && step != DB_DONE)
        rc = store_dberr(s, err);
    db_finalize(st);
    return rc;
}

static const char *by_id_text(const by_id *t, char **col, long id)
{
    return id > 0 && (size_t)id < t->n && col[id] ? col[id] : "";
}

/* The view of the administration statement's current row. */
static void view_header(admin_view *v, db_stmt *st, const by_id *ther, const by_id *instr)
{
    long tid = (long)db_column_int64(st, 2);
    v->id = (long)db_column_int64(st, 0);
    v->client = store_col(st, 1);
    v->therapist = by_id_text(ther, ther->a, tid);
    v->cohort = by_id_text(ther, ther->b, tid);
    v->session = (long)db_column_int64(st, 3);
    v->date = store_col(st, 4);
    v->modality = store_col(st, 5);
    v->instrument_id = (long)db_column_int64(st, 6);
    v->instrument = by_id_text(instr, instr->a, v->instrument_id);
    v->version = v->instrument_id > 0 && (size_t)v->instrument_id < instr->n
                     ? instr->num[v->instrument_id] : 0;
    v->rater = store_col(st, 7);
    v->rater_code = store_col(st, 8);
    v->status = store_col(st, 9);
    v->source = store_col(st, 10);
    v->started_at = store_col(st, 11);
    v->finished_at = store_col(st, 12);
}

at_status store_admin_each(store *s, const admin_filter *flt,
                           int (*fn)(const admin_view *v, void *ctx), void *ctx, at_err *err)
{
    static const admin_filter none = { 0 };
    db_stmt *st = NULL;
    sbuf text = SBUF_INIT;
    const char **vals = NULL;
    size_t vcap = 0;
    by_id ther = { 0 }, instr = { 0 };
    sbuf q = SBUF_INIT;
    at_status rc = AT_OK;
    if (!flt)
        flt = &none;
    admin_sql(&q, flt->brief ? ADMIN_SELECT(ADMIN_NO_TIMES) : ADMIN_SELECT(ADMIN_TIMES), flt,
              " ORDER BY c.code, se.number, a.rater, a.rater_code, a.id");
    if ((rc = by_id_load(s, "SELECT id, code, coalesce(cohort, '') FROM therapists", 0, &ther,
                         err)) != AT_OK ||
        (rc = by_id_load(s, "SELECT id, name, version FROM instruments", 1, &instr,
                         err)) != AT_OK ||
        (rc = store_prepare_many(s, q.buf, &st, err)) != AT_OK)
        goto out;
    bind_filter(st, flt);
    int step;
    const store_cols *cols = NULL;
    while ((step = db_step(st)) == DB_ROW) {
        admin_view v;
        view_header(&v, st, &ther, &instr);
        if (!cols || cols->id != v.instrument_id) {
            if (!(cols = store_cols_get(s, v.instrument_id, err))) {
                rc = err ? err->code : AT_EDB;
                goto out;
            }
            if (cols->n > vcap) {
                vcap = cols->n;
                vals = xrealloc(vals, vcap * sizeof *vals);
            }
        }
        const char *packed = db_column_text(st, 13);
        sbuf_reset(&text);
        sbuf_add(&text, packed ? packed : "[]",
                 packed ? (size_t)db_column_bytes(st, 13) : 2);
        if (!store_unpack(text.buf, vals, cols->n)) {
            rc = at_fail(err, AT_EDB, "'%s': the answers of administration %ld are not "
                         "readable", s->path, v.id);
            goto out;
        }
        v.n = cols->n;
        v.fields = (const char *const *)cols->names;
        v.values = vals;
        v.text = text.buf;
        v.text_len = text.len + 1;   /* with the NUL that ends the last value */
        if (fn(&v, ctx))
            goto out;
    }
    if (step != DB_DONE)
        rc = store_dberr(s, err);
out:
    db_finalize(st);
    sbuf_release(&q);
    sbuf_release(&text);
    free(vals);
    by_id_release(&ther);
    by_id_release(&instr);
    return rc;
}

at_status store_admin_find(store *s, const char *instrument, const char *client, long session,
                           const char *rater, const char *rater_code, long *admin_id,
                           long *instrument_id, at_err *err)
{
    db_stmt *st = NULL;
    sbuf by = SBUF_INIT;
    at_status rc = AT_OK;
    if ((rc = store_prepare(s,
                            "SELECT a.id, a.instrument_id, a.rater, " STORE_RATED_BY("a", "t.code")
                            " FROM clients c"
                            " JOIN sessions se ON se.client_id = c.id"
                            " LEFT JOIN therapists t ON t.id = se.therapist_id"
                            " JOIN administrations a ON a.session_id = se.id"
                            " JOIN instruments i ON i.id = a.instrument_id"
                            " WHERE c.code = ?1 AND se.number = ?2 AND i.name = ?3"
                            " AND (?4 IS NULL OR a.rater = ?4)"
                            " AND (?5 IS NULL OR " STORE_SAME_RATER_CODE("a", "t.code", "?5") ")"
                            " ORDER BY a.rater, a.rater_code, a.id", &st, err)) != AT_OK)
        goto out;
    store_bind_str(st, 1, client ? client : "");
    db_bind_int64(st, 2, session);
    store_bind_str(st, 3, instrument ? instrument : "");
    store_bind_str(st, 4, rater);
    store_bind_str(st, 5, rater_code);
    int step = db_step(st);
    if (step == DB_DONE) {
        rc = at_fail(err, AT_ENOTFOUND, "client '%s' session %ld has no %s%srating of '%s'",
                     client ? client : "", session, rater ? rater : "", rater ? " " : "",
                     instrument ? instrument : "");
        goto out;
    }
    /* several: who gave each, the codes to choose from ("'T1', 'T2' and 'T3'") */
    size_t n = 0, last = 0;
    for (; step == DB_ROW; step = db_step(st), n++) {
        if (n == 0) {
            *admin_id = (long)db_column_int64(st, 0);
            if (instrument_id)
                *instrument_id = (long)db_column_int64(st, 1);
        }
        last = by.len;
        sbuf_adds(&by, n ? ", " : "");
        if (!rater)
            sbuf_addf(&by, "%s ", store_col(st, 2));
        sbuf_addf(&by, "'%s'", store_col(st, 3));
    }
    if (n > 1) {
        sbuf tail = SBUF_INIT;
        sbuf_adds(&tail, sbuf_str(&by) + last + 2);
        by.len = last;
        by.buf[last] = '\0';
        sbuf_addf(&by, " and %s", sbuf_str(&tail));
        sbuf_release(&tail);
    }
    if (step != DB_DONE)
        rc = store_dberr(s, err);
    else if (n > 1)
        rc = at_fail(err, AT_EINVAL,
                     "client '%s' session %ld has several %s%sratings of '%s', by %s"
                     " (give the %srater code)", client ? client : "", session,
                     rater ? rater : "", rater ? " " : "", instrument ? instrument : "",
                     sbuf_str(&by), rater ? "" : "rater and ");
out:
    sbuf_release(&by);
    db_finalize(st);
    return rc;
}

struct audit_walk {
    int (*fn)(const audit_view *v, void *ctx);
    void *ctx;
};

static int audit_row(db_stmt *st, void *ctx)
{
    struct audit_walk *w = ctx;
    audit_view v = {
        .id = (long)db_column_int64(st, 0),
        .at = store_col(st, 1),
        .who = store_col(st, 2),
        .action = store_col(st, 3),
        .instrument = store_col(st, 4),
        .client = store_col(st, 5),
        .session = (long)db_column_int64(st, 6),
        .rater = store_col(st, 7),
        .rater_code = store_col(st, 8),
        .field = store_col(st, 9),
        .old_value = store_col(st, 10),
        .new_value = store_col(st, 11),
        .reason = store_col(st, 12),
        .therapist = store_col(st, 13),
    };
    if (!db_column_isnull(st, 14))
        return w->fn(&v, w->ctx);
    /* a change to a client, therapist or session: its subject is in the field */
    size_t n = strlen(v.field) + 1;
    char *field = xmalloc(n);
    const char *client, *therapist;
    store_audit_subject(v.field, field, n, &client, &therapist, &v.session);
    v.field = field;
    v.client = client ? client : "";
    v.therapist = therapist ? therapist : "";
    int stop = w->fn(&v, w->ctx);
    free(field);
    return stop;
}

at_status store_audit_each(store *s, int (*fn)(const audit_view *v, void *ctx), void *ctx,
                           at_err *err)
{
    struct audit_walk w = { fn, ctx };
    return store_query_each(s,
                            "SELECT au.id, au.at, au.who || coalesce(' (' || au.who_name || ')', ''), au.action, i.name, c.code, se.number,"
                            " a.rater, a.rater_code, au.field, au.old, au.new, au.reason,"
                            " t.code, au.administration_id"
                            " FROM audit au"
                            " LEFT JOIN administrations a ON a.id = au.administration_id"
                            " LEFT JOIN sessions se ON se.id = a.session_id"
                            " LEFT JOIN clients c ON c.id = se.client_id"
                            " LEFT JOIN therapists t ON t.id = se.therapist_id"
                            " LEFT JOIN instruments i ON i.id = a.instrument_id"
                            " ORDER BY au.id", audit_row, &w, err);
}
