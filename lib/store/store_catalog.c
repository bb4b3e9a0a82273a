/* store_catalog.c: therapists, clients, sessions and instrument versions. */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- lookups shared with the save path ----------------------------------- */

at_status store_therapist_id(store *s, const char *code, int create, long *id, at_err *err)
{
    if (s->therapist.code && strcmp(s->therapist.code, code) == 0) {
        *id = s->therapist.id;
        return AT_OK;
    }
    db_stmt *st = store_stmt(s, ST_THERAPIST_ID, err);
    if (!st)
        return err ? err->code : AT_EDB;
    store_bind_str(st, 1, code);
    at_status rc = store_step_ints(s, st, id, 1, err);
    if (rc == AT_ENOTFOUND) {
        if (!create)
            return at_fail(err, AT_ENOTFOUND, "therapist '%s' does not exist", code);
        if ((rc = store_check_code("therapist", code, err)) != AT_OK)
            return rc;
        if (!(st = store_stmt(s, ST_THERAPIST_INS, err)))
            return err ? err->code : AT_EDB;
        store_bind_str(st, 1, code);
        db_bind_null(st, 2);
        rc = store_step_done(s, st, id, err);
    }
    if (rc != AT_OK)
        return rc;
    free(s->therapist.code);
    s->therapist.code = xstrdup(code);
    s->therapist.id = *id;
    return AT_OK;
}

at_status store_client_id(store *s, const char *code, long *id, long *therapist_id,
                          at_err *err)
{
    if (s->client.code && strcmp(s->client.code, code) == 0) {
        *id = s->client.id;
        *therapist_id = s->client.therapist_id;
        return AT_OK;
    }
    db_stmt *st = store_stmt(s, ST_CLIENT_GET, err);
    if (!st)
        return err ? err->code : AT_EDB;
    store_bind_str(st, 1, code);
    long row[2];
    at_status rc = store_step_ints(s, st, row, 2, err);
    if (rc == AT_ENOTFOUND)
        return at_fail(err, AT_ENOTFOUND, "client '%s' does not exist", code);
    if (rc != AT_OK)
        return rc;
    free(s->client.code);
    s->client.code = xstrdup(code);
    s->client.id = *id = row[0];
    s->client.therapist_id = *therapist_id = row[1];
    return AT_OK;
}

at_status store_client_insert(store *s, const char *code, long therapist_id, long *id,
                              at_err *err)
{
    at_status ast = store_check_code("client", code, err);
    if (ast != AT_OK)
        return ast;
    db_stmt *st = store_stmt(s, ST_CLIENT_INS, err);
    if (!st)
        return err ? err->code : AT_EDB;
    store_bind_str(st, 1, code);
    store_bind_id(st, 2, therapist_id);
    if ((ast = store_step_done(s, st, id, err)) != AT_OK)
        return ast;
    free(s->client.code);
    s->client.code = xstrdup(code);
    s->client.id = *id;
    s->client.therapist_id = therapist_id;
    s->made.client_id = *id;
    s->made.top = 0;
    return AT_OK;
}

at_status store_session_next(store *s, long client_id, long *number, at_err *err)
{
    db_stmt *st = store_stmt(s, ST_SESSION_NEXT, err);
    if (!st)
        return err ? err->code : AT_EDB;
    db_bind_int64(st, 1, client_id);
    at_status rc = store_step_ints(s, st, number, 1, err);
    if (rc == AT_OK && *number > STORE_SESSION_MAX)
        return at_fail(err, AT_EINVAL, "no session comes after session %ld, the highest "
                       "number a session may have: give the new session a free number below "
                       "it ('session add --number N', or '--session N' of run and invite)",
                       *number - 1);
    return rc == AT_ENOTFOUND ? store_dberr(s, err) : rc;
}

at_status store_session_insert(store *s, long client_id, long therapist_id, long number,
                               const char *date, const char *modality, long *id,
                               at_err *err)
{
    at_status rc = store_check_session(number, 0, err);   /* a new session's number */
    if (rc != AT_OK)
        return rc;
    store_walk_stop(s);   /* an open read of sessions must not see the table change */
    int given = store_ids_given(s);
    db_stmt *st = store_stmt(s, given ? ST_SESSION_INS_ID : ST_SESSION_INS, err);
    if (!st)
        return err ? err->code : AT_EDB;
    db_bind_int64(st, 1, client_id);
    store_bind_id(st, 2, therapist_id);
    db_bind_int64(st, 3, number);
    store_bind_str(st, 4, date);
    store_bind_str(st, 5, modality && *modality ? modality : NULL);
    if (given)
        db_bind_int64(st, 6, s->session_top + 1);
    rc = store_step_done(s, st, given ? NULL : id, err);
    if (rc == AT_OK && given)
        *id = ++s->session_top;
    if (rc != AT_OK)
        return rc;
    if (client_id == s->made.client_id && number > s->made.top)
        s->made.top = number;
    return AT_OK;
}

/* ---- people ---------------------------------------------------------------- */

at_status store_therapist_add(store *s, const char *code, const char *cohort, at_err *err)
{
    at_status rc = store_check_code("therapist", code, err);
    if (rc != AT_OK || (rc = store_wbegin(s, err)) != AT_OK)
        return rc;
    long id = 0;
    at_status found = store_therapist_id(s, code, 0, &id, NULL);
    if (found == AT_OK) {
        rc = at_fail(err, AT_EEXIST, "therapist '%s' already exists", code);
    } else {
        db_stmt *st = store_stmt(s, ST_THERAPIST_INS, err);
        if (!st) {
            rc = err ? err->code : AT_EDB;
        } else {
            store_bind_str(st, 1, code);
            store_bind_str(st, 2, cohort && *cohort ? cohort : NULL);
            rc = store_step_done(s, st, NULL, err);
        }
    }
    return store_wend(s, rc, err);
}

at_status store_client_add(store *s, const char *code, const char *therapist, at_err *err)
{
    at_status rc = store_check_code("client", code, err);
    if (rc != AT_OK || (rc = store_wbegin(s, err)) != AT_OK)
        return rc;
    long id = 0, tid = 0;
    if (store_client_id(s, code, &id, &tid, NULL) == AT_OK)
        rc = at_fail(err, AT_EEXIST, "client '%s' already exists", code);
    else if (therapist && *therapist)
        rc = store_therapist_id(s, therapist, 0, &tid, err);
    if (rc == AT_OK)
        rc = store_client_insert(s, code, tid, &id, err);
    return store_wend(s, rc, err);
}

at_status store_client_find(store *s, const char *code, char **therapist, at_err *err)
{
    if (therapist)
        *therapist = NULL;
    if (!code)
        return AT_ENOTFOUND;
    db_stmt *st = store_stmt(s, ST_CLIENT_THERAPIST, err);
    if (!st)
        return err ? err->code : AT_EDB;
    store_bind_str(st, 1, code);
    int step = db_step(st);
    if (step == DB_ROW && therapist && !db_column_isnull(st, 0))
        *therapist = xstrdup(store_col(st, 0));
    db_reset(st);
    if (step == DB_ROW)
        return AT_OK;
    return step == DB_DONE ? AT_ENOTFOUND : store_dberr(s, err);
}

struct pair_walk {
    int (*fn)(const char *a, const char *b, void *ctx);
    void *ctx;
};

static int pair_row(db_stmt *st, void *ctx)
{
    struct pair_walk *w = ctx;
    return w->fn(store_col(st, 0), store_col(st, 1), w->ctx);
}

/* Runs a listing query with two text columns. */
static at_status each_pair(store *s, const char *sql,
                           int (*fn)(const char *a, const char *b, void *ctx), void *ctx,
                           at_err *err)
{
    struct pair_walk w = { fn, ctx };
    return store_query_each(s, sql, pair_row, &w, err);
}

at_status store_therapist_each(store *s, int (*fn)(const char *code, const char *cohort, void *ctx),
                               void *ctx, at_err *err)
{
    return each_pair(s, "SELECT code, cohort FROM therapists ORDER BY code", fn, ctx, err);
}

at_status store_client_each(store *s, int (*fn)(const char *code, const char *therapist, void *ctx),
                            void *ctx, at_err *err)
{
    return each_pair(s,
                     "SELECT c.code, t.code FROM clients c"
                     " LEFT JOIN therapists t ON t.id = c.therapist_id ORDER BY c.code",
                     fn, ctx, err);
}

/* ---- sessions -------------------------------------------------------------- */

at_status store_session_add(store *s, const char *client, const char *therapist, long number,
                            const char *date, const char *modality, long *number_out,
                            at_err *err)
{
    if (date && !*date)
        date = NULL;
    at_status rc = store_check_code("client", client, err);
    if (rc == AT_OK)
        rc = store_check_session(number, 1, err);
    if (rc == AT_OK)
        rc = store_check_date(date, err);
    if (rc == AT_OK)
        rc = store_check_modality(modality, err);
    if (rc != AT_OK || (rc = store_wbegin(s, err)) != AT_OK)
        return rc;
    long cid = 0, tid = 0, sid = 0;
    char today[11];
    rc = store_client_id(s, client, &cid, &tid, err);
    if (rc == AT_OK && therapist && *therapist)
        rc = store_therapist_id(s, therapist, 0, &tid, err);
    if (rc == AT_OK && number == 0)
        rc = store_session_next(s, cid, &number, err);
    else if (rc == AT_OK) {
        db_stmt *st = store_stmt(s, ST_SESSION_GET, err);
        if (!st) {
            rc = err ? err->code : AT_EDB;
        } else {
            db_bind_int64(st, 1, cid);
            db_bind_int64(st, 2, number);
            rc = store_step_ints(s, st, NULL, 0, err);
            if (rc == AT_OK)
                rc = at_fail(err, AT_EEXIST, "client '%s' already has session %ld", client,
                             number);
            else if (rc == AT_ENOTFOUND)
                rc = AT_OK;
        }
    }
    if (rc == AT_OK && !date) {
        util_today_iso(today);
        date = today;
    }
    if (rc == AT_OK)
        rc = store_session_insert(s, cid, tid, number, date, modality, &sid, err);
    if (rc == AT_OK && number_out)
        *number_out = number;
    return store_wend(s, rc, err);
}

at_status store_session_today(store *s, const char *client, long *number, at_err *err)
{
    db_stmt *st = NULL;
    char today[11];
    util_today_iso(today);
    *number = 0;
    at_status rc = store_prepare(s, "SELECT coalesce(max(se.number), 0) FROM sessions se"
                                 " JOIN clients c ON c.id = se.client_id"
                                 " WHERE c.code = ?1 AND se.date = ?2", &st, err);
    if (rc != AT_OK)
        return rc;
    store_bind_str(st, 1, client);
    store_bind_str(st, 2, today);
    rc = store_step_ints(s, st, number, 1, err);
    db_finalize(st);
    return rc == AT_ENOTFOUND ? AT_OK : rc;
}

at_status store_session_next_number(store *s, const char *client, long *number, at_err *err)
{
    long cid = 0, tid = 0;
    *number = 1;
    at_status rc = store_client_id(s, client, &cid, &tid, NULL);
    if (rc == AT_ENOTFOUND)
        return AT_OK;
    if (rc != AT_OK)
        return store_dberr(s, err);
    return store_session_next(s, cid, number, err);
}

/* store_session_get and store_session_after: one session by number, or the
 * first numbered after it. */
static at_status session_fetch(store *s, int after, const char *client, long number,
                               session_info *out, at_err *err)
{
    memset(out, 0, sizeof *out);
    db_stmt *st = store_stmt(s, after ? ST_SESSION_AFTER : ST_SESSION_BY_CODE, err);
    if (!st)
        return err ? err->code : AT_EDB;
    store_bind_str(st, 1, client);
    db_bind_int64(st, 2, number);
    int step = db_step(st);
    if (step == DB_ROW) {
        out->id = (long)db_column_int64(st, 0);
        out->number = after ? (long)db_column_int64(st, 4) : number;
        out->therapist = db_column_isnull(st, 1) ? NULL
                                                                   : xstrdup(store_col(st, 1));
        out->date = xstrdup(store_col(st, 2));
        out->modality = db_column_isnull(st, 3) ? NULL
                                                                  : xstrdup(store_col(st, 3));
    }
    db_reset(st);
    if (step == DB_DONE)
        return at_fail(err, AT_ENOTFOUND, "client '%s' has no session %ld%s",
                       client ? client : "", number, after ? " or after it" : "");
    return step == DB_ROW ? AT_OK : store_dberr(s, err);
}

at_status store_session_get(store *s, const char *client, long number, session_info *out,
                            at_err *err)
{
    return session_fetch(s, 0, client, number, out, err);
}

at_status store_session_after(store *s, const char *client, long number, session_info *out,
                              at_err *err)
{
    return session_fetch(s, 1, client, number, out, err);
}

void session_info_release(session_info *si)
{
    if (!si)
        return;
    free(si->therapist);
    free(si->date);
    free(si->modality);
    memset(si, 0, sizeof *si);
}

/* ---- instruments ----------------------------------------------------------- */

#define INSTR_COLS \
    "SELECT id, name, version, sha256, dictionary, added_at, record_id FROM instruments "

static void instrument_fill(db_stmt *st, instrument_info *ii)
{
    ii->id = (long)db_column_int64(st, 0);
    ii->name = xstrdup(store_col(st, 1));
    ii->version = (long)db_column_int64(st, 2);
    ii->sha256 = xstrdup(store_col(st, 3));
    ii->dictionary = xstrdup(store_col(st, 4));
    ii->added_at = xstrdup(store_col(st, 5));
    ii->record_id = db_column_isnull(st, 6) ? NULL : xstrdup(store_col(st, 6));
}

at_status store_instrument_add(store *s, const char *name, const char *text,
                               const char *record_id, const char *const *cols, size_t ncols,
                               long *id, long *version, int *added, at_err *err)
{
    return store_instrument_add_as(s, name, text, NULL, record_id, cols, ncols, id, version,
                                   added, err);
}

at_status store_instrument_add_as(store *s, const char *name, const char *text,
                                  const char *stored, const char *record_id,
                                  const char *const *cols, size_t ncols, long *id,
                                  long *version, int *added, at_err *err)
{
    if (!name || !*name)
        return at_fail(err, AT_EINVAL, "an instrument name must not be empty");
    if (!text)
        return at_fail(err, AT_EINVAL, "instrument '%s' has no dictionary text", name);
    for (size_t i = 0; i < ncols; i++) {
        if (!cols[i] || !*cols[i])
            return at_fail(err, AT_EINVAL, "instrument '%s': column %zu has no name", name,
                           i + 1);
        for (size_t j = 0; j < i; j++)
            if (strcmp(cols[i], cols[j]) == 0)
                return at_fail(err, AT_EINVAL, "instrument '%s': column '%s' appears twice",
                               name, cols[i]);
    }
    char hex[65], now[21];
    store_sha256(text, strlen(text), hex);
    at_status rc = store_wbegin(s, err);
    if (rc != AT_OK)
        return rc;
    db_stmt *st = NULL;
    *added = 0;
    if ((rc = store_prepare(s,
                            "SELECT id, version FROM instruments WHERE name = ?1 AND sha256 = ?2",
                            &st, err)) != AT_OK)
        goto out;
    store_bind_str(st, 1, name);
    store_bind_str(st, 2, hex);
    int step = db_step(st);
    if (step == DB_ROW) {
        *id = (long)db_column_int64(st, 0);
        *version = (long)db_column_int64(st, 1);
        goto out;
    }
    if (step != DB_DONE) {
        rc = store_dberr(s, err);
        goto out;
    }
    db_finalize(st);
    if ((rc = store_prepare(s,
                            "INSERT INTO instruments(name, version, sha256, dictionary, added_at, record_id)"
                            " SELECT ?1, coalesce(max(version), 0) + 1, ?2, ?3, ?4, ?5"
                            " FROM instruments WHERE name = ?1 RETURNING id, version",
                            &st, err)) != AT_OK)
        goto out;
    util_now_iso(now);
    store_bind_str(st, 1, name);
    store_bind_str(st, 2, hex);
    store_bind_str(st, 3, stored ? stored : text);
    store_bind_str(st, 4, now);
    if (record_id)
        store_bind_str(st, 5, record_id);
    else
        db_bind_null(st, 5);
    if (db_step(st) != DB_ROW) {
        rc = store_dberr(s, err);
        goto out;
    }
    *id = (long)db_column_int64(st, 0);
    *version = (long)db_column_int64(st, 1);
    *added = 1;
    if (db_step(st) != DB_DONE) {
        rc = store_dberr(s, err);
        goto out;
    }
    for (size_t i = 0; i < ncols && rc == AT_OK; i++) {
        db_stmt *ins = store_stmt(s, ST_COLS_INS, err);
        if (!ins) {
            rc = err ? err->code : AT_EDB;
            break;
        }
        db_bind_int64(ins, 1, *id);
        db_bind_int64(ins, 2, (long)i);
        store_bind_str(ins, 3, cols[i]);
        rc = store_step_done(s, ins, NULL, err);
    }
out:
    db_finalize(st);
    return store_wend(s, rc, err);
}

static at_status instrument_one(store *s, const char *sql, const char *name, long num,
                                instrument_info *out, at_err *err)
{
    db_stmt *st = NULL;
    at_status rc = AT_OK;
    memset(out, 0, sizeof *out);
    if ((rc = store_prepare(s, sql, &st, err)) != AT_OK)
        goto out;
    if (name)
        store_bind_str(st, 1, name);
    db_bind_int64(st, name ? 2 : 1, num);
    int step = db_step(st);
    if (step == DB_ROW)
        instrument_fill(st, out);
    else if (step != DB_DONE)
        rc = store_dberr(s, err);
    else if (!name)
        rc = at_fail(err, AT_ENOTFOUND, "no instrument version has id %ld", num);
    else if (num)
        rc = at_fail(err, AT_ENOTFOUND, "instrument '%s' has no version %ld", name, num);
    else
        rc = at_fail(err, AT_ENOTFOUND, "instrument '%s': not in the study", name);
out:
    db_finalize(st);
    return rc;
}

at_status store_instrument_get(store *s, const char *name, long version, instrument_info *out,
                               at_err *err)
{
    if (!name)
        name = "";
    return instrument_one(s,
                          INSTR_COLS "WHERE name = ?1 AND (?2 = 0 OR version = ?2)"
                          " ORDER BY version DESC LIMIT 1",
                          name, version, out, err);
}

at_status store_instrument_by_id(store *s, long id, instrument_info *out, at_err *err)
{
    return instrument_one(s, INSTR_COLS "WHERE id = ?1", NULL, id, out, err);
}

void instrument_info_release(instrument_info *ii)
{
    if (!ii)
        return;
    free(ii->name);
    free(ii->sha256);
    free(ii->dictionary);
    free(ii->added_at);
    free(ii->record_id);
    memset(ii, 0, sizeof *ii);
}

struct instrument_walk {
    int (*fn)(const instrument_info *ii, void *ctx);
    void *ctx;
};

static int instrument_row(db_stmt *st, void *ctx)
{
    struct instrument_walk *w = ctx;
    instrument_info ii;
    instrument_fill(st, &ii);
    int stop = w->fn(&ii, w->ctx);
    instrument_info_release(&ii);
    return stop;
}

at_status store_instrument_each(store *s, int (*fn)(const instrument_info *ii, void *ctx),
                                void *ctx, at_err *err)
{
    struct instrument_walk w = { fn, ctx };
    return store_query_each(s, INSTR_COLS "ORDER BY name, version", instrument_row, &w, err);
}
