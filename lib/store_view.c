/* store_view.c: reading administrations and the audit trail back. */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

/* One joined query walks clients by code, their sessions by number, each
 * session's administrations by rater, rater code and id, and each
 * administration's responses by field: the indexes give that order, so
 * nothing is sorted and rows stream.  Only the current administration's
 * answers are held in memory. */
static const char admin_sql[] =
    "SELECT a.id, c.code, coalesce(t.code, ''), coalesce(t.cohort, ''), se.number, se.date,"
    " coalesce(se.modality, ''), i.name, i.id, i.version, a.rater, a.rater_code, a.status,"
    " a.source, a.started_at, a.finished_at, r.field, r.value"
    " FROM clients c"
    " CROSS JOIN sessions se ON se.client_id = c.id"
    " CROSS JOIN administrations a ON a.session_id = se.id"
    " JOIN instruments i ON i.id = a.instrument_id"
    " LEFT JOIN therapists t ON t.id = se.therapist_id"
    " LEFT JOIN responses r ON r.administration_id = a.id"
    " WHERE (?1 IS NULL OR i.name = ?1) AND (?2 IS NULL OR c.code = ?2)"
    " AND (?3 IS NULL OR t.code = ?3) AND (?4 IS NULL OR t.cohort = ?4)"
    " AND (?5 IS NULL OR a.rater = ?5) AND (?6 IS NULL OR se.date >= ?6)"
    " AND (?7 IS NULL OR se.date <= ?7) AND (?8 IS NULL OR se.number = ?8)"
    " ORDER BY c.code, se.number, a.rater, a.rater_code, a.id, r.field";

/* Text columns of admin_sql kept per administration, in view order. */
enum { COL_CLIENT = 1, COL_THERAPIST, COL_COHORT, COL_DATE = 5, COL_MODALITY, COL_INSTRUMENT,
       COL_RATER = 10, COL_RATER_CODE, COL_STATUS, COL_SOURCE, COL_STARTED, COL_FINISHED,
       COL_FIELD, COL_VALUE };
static const int text_cols[] = { COL_CLIENT, COL_THERAPIST, COL_COHORT, COL_DATE, COL_MODALITY,
                                 COL_INSTRUMENT, COL_RATER, COL_RATER_CODE, COL_STATUS,
                                 COL_SOURCE, COL_STARTED, COL_FINISHED };
#define N_TEXT (sizeof text_cols / sizeof text_cols[0])

typedef struct current {
    sbuf arena;              /* every string of the administration, NUL-separated */
    size_t text[N_TEXT];     /* offsets of the header strings */
    size_t *offs;            /* field, value, field, value, ... offsets */
    const char **ptrs;       /* the same as pointers, made when handed out */
    size_t n, cap;
    admin_view v;
} current;

static size_t arena_put(sbuf *a, sqlite3_stmt *st, int col)
{
    size_t off = a->len;
    const unsigned char *t = sqlite3_column_text(st, col);
    sbuf_add(a, t ? (const char *)t : "", t ? (size_t)sqlite3_column_bytes(st, col) : 0);
    sbuf_addc(a, '\0');
    return off;
}

static void current_start(current *c, sqlite3_stmt *st)
{
    sbuf_reset(&c->arena);
    c->n = 0;
    for (size_t k = 0; k < N_TEXT; k++)
        c->text[k] = arena_put(&c->arena, st, text_cols[k]);
    c->v.id = (long)sqlite3_column_int64(st, 0);
    c->v.session = (long)sqlite3_column_int64(st, 4);
    c->v.instrument_id = (long)sqlite3_column_int64(st, 8);
    c->v.version = (long)sqlite3_column_int64(st, 9);
}

static void current_answer(current *c, sqlite3_stmt *st)
{
    if (sqlite3_column_type(st, COL_FIELD) == SQLITE_NULL)
        return;
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 32;
        c->offs = xrealloc(c->offs, 2 * c->cap * sizeof *c->offs);
        c->ptrs = xrealloc(c->ptrs, 2 * c->cap * sizeof *c->ptrs);
    }
    c->offs[2 * c->n] = arena_put(&c->arena, st, COL_FIELD);
    c->offs[2 * c->n + 1] = arena_put(&c->arena, st, COL_VALUE);
    c->n++;
}

static int current_emit(current *c, int (*fn)(const admin_view *v, void *ctx), void *ctx)
{
    const char *base = c->arena.buf;
    const char **hdr[N_TEXT] = { &c->v.client, &c->v.therapist, &c->v.cohort, &c->v.date,
                                 &c->v.modality, &c->v.instrument, &c->v.rater,
                                 &c->v.rater_code, &c->v.status, &c->v.source,
                                 &c->v.started_at, &c->v.finished_at };
    for (size_t k = 0; k < N_TEXT; k++)
        *hdr[k] = base + c->text[k];
    /* fields first, then values, so each is one contiguous array */
    for (size_t i = 0; i < c->n; i++) {
        c->ptrs[i] = base + c->offs[2 * i];
        c->ptrs[c->cap + i] = base + c->offs[2 * i + 1];
    }
    c->v.n = c->n;
    c->v.fields = c->n ? c->ptrs : NULL;
    c->v.values = c->n ? c->ptrs + c->cap : NULL;
    return fn(&c->v, ctx);
}

at_status store_admin_each(store *s, const admin_filter *flt,
                           int (*fn)(const admin_view *v, void *ctx), void *ctx, at_err *err)
{
    static const admin_filter none = { 0 };
    sqlite3_stmt *st = NULL;
    current c = { .arena = SBUF_INIT };
    at_status rc = AT_OK;
    if (!flt)
        flt = &none;
    if (sqlite3_prepare_v2(s->db, admin_sql, -1, &st, NULL) != SQLITE_OK) {
        rc = store_dberr(s, err);
        goto out;
    }
    const char *texts[] = { flt->instrument, flt->client, flt->therapist, flt->cohort,
                            flt->rater, flt->from_date, flt->to_date };
    for (int k = 0; k < 7; k++)
        store_bind_str(st, k + 1, texts[k]);
    if (flt->session)
        sqlite3_bind_int64(st, 8, flt->session);
    long cur = 0;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        long id = (long)sqlite3_column_int64(st, 0);
        if (id != cur) {
            if (cur && current_emit(&c, fn, ctx))
                goto out;
            current_start(&c, st);
            cur = id;
        }
        current_answer(&c, st);
    }
    if (step != SQLITE_DONE) {
        rc = store_dberr(s, err);
        goto out;
    }
    if (cur)
        current_emit(&c, fn, ctx);
out:
    sqlite3_finalize(st);
    sbuf_release(&c.arena);
    free(c.offs);
    free(c.ptrs);
    return rc;
}

at_status store_admin_find(store *s, const char *instrument, const char *client, long session,
                           const char *rater, const char *rater_code, long *admin_id,
                           long *instrument_id, at_err *err)
{
    sqlite3_stmt *st = NULL;
    at_status rc = AT_OK;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT a.id, a.instrument_id FROM clients c"
                           " JOIN sessions se ON se.client_id = c.id"
                           " JOIN administrations a ON a.session_id = se.id"
                           " JOIN instruments i ON i.id = a.instrument_id"
                           " WHERE c.code = ?1 AND se.number = ?2 AND i.name = ?3"
                           " AND (?4 IS NULL OR a.rater = ?4)"
                           " AND (?5 IS NULL OR a.rater_code = ?5)"
                           " ORDER BY a.id LIMIT 2", -1, &st, NULL) != SQLITE_OK) {
        rc = store_dberr(s, err);
        goto out;
    }
    store_bind_str(st, 1, client ? client : "");
    sqlite3_bind_int64(st, 2, session);
    store_bind_str(st, 3, instrument ? instrument : "");
    store_bind_str(st, 4, rater);
    store_bind_str(st, 5, rater_code);
    int step = sqlite3_step(st);
    if (step == SQLITE_DONE) {
        rc = at_fail(err, AT_ENOTFOUND, "client '%s' session %ld has no %s%srating of '%s'",
                     client ? client : "", session, rater ? rater : "", rater ? " " : "",
                     instrument ? instrument : "");
        goto out;
    }
    if (step != SQLITE_ROW) {
        rc = store_dberr(s, err);
        goto out;
    }
    *admin_id = (long)sqlite3_column_int64(st, 0);
    if (instrument_id)
        *instrument_id = (long)sqlite3_column_int64(st, 1);
    step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        rc = at_fail(err, AT_EINVAL,
                     "client '%s' session %ld has several %s%sratings of '%s'"
                     " (give the rater and rater code)", client, session, rater ? rater : "",
                     rater ? " " : "", instrument);
    else if (step != SQLITE_DONE)
        rc = store_dberr(s, err);
out:
    sqlite3_finalize(st);
    return rc;
}

at_status store_audit_each(store *s, int (*fn)(const audit_view *v, void *ctx), void *ctx,
                           at_err *err)
{
    sqlite3_stmt *st = NULL;
    at_status rc = AT_OK;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT au.id, au.at, au.who, au.action, i.name, c.code, se.number,"
                           " a.rater, a.rater_code, au.field, au.old, au.new, au.reason"
                           " FROM audit au"
                           " LEFT JOIN administrations a ON a.id = au.administration_id"
                           " LEFT JOIN sessions se ON se.id = a.session_id"
                           " LEFT JOIN clients c ON c.id = se.client_id"
                           " LEFT JOIN instruments i ON i.id = a.instrument_id"
                           " ORDER BY au.id", -1, &st, NULL) != SQLITE_OK) {
        rc = store_dberr(s, err);
        goto out;
    }
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        audit_view v = {
            .id = (long)sqlite3_column_int64(st, 0),
            .at = store_col(st, 1),
            .who = store_col(st, 2),
            .action = store_col(st, 3),
            .instrument = store_col(st, 4),
            .client = store_col(st, 5),
            .session = (long)sqlite3_column_int64(st, 6),
            .rater = store_col(st, 7),
            .rater_code = store_col(st, 8),
            .field = store_col(st, 9),
            .old_value = store_col(st, 10),
            .new_value = store_col(st, 11),
            .reason = store_col(st, 12),
        };
        if (fn(&v, ctx))
            goto out;
    }
    if (step != SQLITE_DONE)
        rc = store_dberr(s, err);
out:
    sqlite3_finalize(st);
    return rc;
}
