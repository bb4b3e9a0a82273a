/* store_invite.c: web links (the invitations table of schema 3).
 *
 * A link is one administration waiting to be answered on the client's own
 * device.  The store keeps only the sha256 of its token and of its access
 * code.  While the respondent answers, the answers so far and the flow's
 * state string are kept on the link's row; the final save writes the
 * administration and marks the link answered in one transaction, the mark
 * taken first (an UPDATE that only an open link matches), so of two saves
 * racing for one link exactly one writes an administration. */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

/* The state a link reads as at time now (?2): past its expiry an open link
 * is expired. */
#define STATE_NOW STORE_INVITE_STATE

#define OPEN_AT(now) "state IN ('pending', 'started') AND expires_at > " now

static int is_hash(const char *h)
{
    if (!h || strlen(h) != 64)
        return 0;
    for (; *h; h++)
        if (!((*h >= '0' && *h <= '9') || (*h >= 'a' && *h <= 'f')))
            return 0;
    return 1;
}

/* Runs st (bound) to its end; *changed the rows it changed. */
static at_status step_changes(store *s, db_stmt *st, int *changed, at_err *err)
{
    int rc = db_step(st);
    *changed = db_changes(&s->conn);
    return rc == DB_DONE ? AT_OK : store_dberr(s, err);
}

static at_status add_body(store *s, const invite_rec *r, const char *code, long *id,
                          at_err *err)
{
    long cid = 0, ctid = 0, sid = 0, dup = 0, seq = 0;
    char now[21], today[11];
    util_now_iso(now);
    util_today_iso(today);
    at_status rc = store_client_id(s, r->client, &cid, &ctid, NULL);
    if (rc == AT_ENOTFOUND)
        return at_fail(err, AT_ENOTFOUND, "there is no client '%s'", r->client);
    if (rc != AT_OK)
        return store_dberr(s, err);
    db_stmt *st = NULL;
    if ((rc = store_prepare(s, "SELECT id FROM sessions WHERE client_id = ?1 AND number = ?2",
                            &st, err)) != AT_OK)
        return rc;
    db_bind_int64(st, 1, cid);
    db_bind_int64(st, 2, r->session);
    rc = store_step_ints(s, st, &sid, 1, err);
    db_finalize(st);
    if (rc == AT_ENOTFOUND)
        rc = store_session_insert(s, cid, ctid, r->session, today, NULL, &sid, err);
    if (rc != AT_OK)
        return rc;
    if ((rc = store_admin_dup(s, sid, r->instrument_id, r->rater, code, &dup, &seq, err)) !=
        AT_OK)
        return rc;
    if (dup)
        return at_fail(err, AT_EEXIST, "client '%s' session %ld already has this %s rating",
                       r->client, r->session, r->rater);
    if ((rc = store_prepare(s,
                            "SELECT i.id FROM invitations i"
                            " JOIN instruments a ON a.id = i.instrument_id"
                            " JOIN instruments b ON b.name = a.name AND b.id = ?2"
                            " WHERE i.session_id = ?1 AND i.rater = ?3 AND i.rater_code = ?4"
                            " AND i.state IN ('pending', 'started') AND i.expires_at > ?5"
                            " ORDER BY i.id LIMIT 1", &st, err)) != AT_OK)
        return rc;
    db_bind_int64(st, 1, sid);
    db_bind_int64(st, 2, r->instrument_id);
    store_bind_str(st, 3, r->rater);
    store_bind_str(st, 4, code);
    store_bind_str(st, 5, now);
    rc = store_step_ints(s, st, &dup, 1, err);
    db_finalize(st);
    if (rc == AT_OK)
        return at_fail(err, AT_EEXIST, "client '%s' session %ld already has an open link for "
                       "this rating (link %ld; 'collect invite revoke %ld' closes it, then make "
                       "another)", r->client, r->session, dup, dup);
    if (rc != AT_ENOTFOUND)
        return rc;
    if ((rc = store_prepare_insert(s,
                            "INSERT INTO invitations(token_hash, code_hash, session_id,"
                            " instrument_id, rater, rater_code, created_at, expires_at)"
                            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", &st, err)) != AT_OK)
        return rc;
    store_bind_str(st, 1, r->token_hash);
    store_bind_str(st, 2, r->code_hash);
    db_bind_int64(st, 3, sid);
    db_bind_int64(st, 4, r->instrument_id);
    store_bind_str(st, 5, r->rater);
    store_bind_str(st, 6, code);
    store_bind_str(st, 7, now);
    store_bind_str(st, 8, r->expires_at);
    int step = db_step(st);
    if (step == DB_DONE)
        *id = (long)db_last_id(&s->conn);
    else if (db_fault_of(&s->conn) == DB_FAULT_UNIQUE)
        rc = at_fail(err, AT_EEXIST, "a link with this token or access code exists already");
    else
        rc = store_dberr(s, err);
    db_finalize(st);
    return rc;
}

at_status store_invite_add(store *s, const invite_rec *r, long *id, at_err *err)
{
    char now[21];
    util_now_iso(now);
    at_status rc = store_check_code("client", r->client, err);
    if (rc != AT_OK)
        return rc;
    if (r->session < 1)
        return at_fail(err, AT_EINVAL, "session number %ld is not a positive number",
                       r->session);
    if (!store_is_rater(r->rater))
        return at_fail(err, AT_EINVAL, "'%s' is not a rater (client, therapist or observer)",
                       r->rater ? r->rater : "");
    const char *code;
    if ((rc = store_check_rater_code(r->rater, r->client, r->rater_code, &code, err)) != AT_OK)
        return rc;
    if (!is_hash(r->token_hash) || !is_hash(r->code_hash))
        return at_fail(err, AT_EINVAL, "a link needs the sha256 of its token and access code");
    if (!r->expires_at || strlen(r->expires_at) != 20 || strcmp(r->expires_at, now) <= 0)
        return at_fail(err, AT_EINVAL, "a link's expiry must be a time after now");
    if ((rc = store_wbegin(s, err)) != AT_OK)
        return rc;
    return store_wend(s, add_body(s, r, code, id, err), err);
}

/* ---- reading ------------------------------------------------------------ */

static const char view_sql[] = STORE_INVITE_VIEW;

static void view_fill(db_stmt *st, invite_view *v)
{
    memset(v, 0, sizeof *v);
    v->id = (long)db_column_int64(st, 0);
    v->instrument = store_col(st, 1);
    v->instrument_id = (long)db_column_int64(st, 2);
    v->version = (long)db_column_int64(st, 3);
    v->client = store_col(st, 4);
    v->session = (long)db_column_int64(st, 5);
    v->rater = store_col(st, 6);
    v->rater_code = store_col(st, 7);
    v->created_at = store_col(st, 8);
    v->expires_at = store_col(st, 9);
    v->state = store_col(st, 10);
    v->flow_state = db_column_isnull(st, 11) ? NULL : store_col(st, 11);
}

at_status store_invite_find(store *s, const char *hash, int by_code,
                            int (*fn)(const invite_view *v, void *ctx), void *ctx, at_err *err)
{
    char now[21];
    util_now_iso(now);
    /* a cached statement: a server asks this for every request */
    db_stmt *st = store_stmt(s, by_code ? ST_INVITE_BY_CODE : ST_INVITE_BY_TOKEN, err);
    if (!st)
        return err ? err->code : AT_EDB;
    at_status rc = AT_OK;
    store_bind_str(st, 1, hash ? hash : "");
    store_bind_str(st, 2, now);
    int step = db_step(st);
    if (step == DB_ROW) {
        invite_view v;
        view_fill(st, &v);
        const store_cols *cols = store_cols_get(s, v.instrument_id, err);
        char *text = xstrdup(store_col(st, 12));
        const char **vals = NULL;
        if (!cols) {
            rc = err ? err->code : AT_EDB;
        } else {
            vals = xcalloc(cols->n ? cols->n : 1, sizeof *vals);
            if (!store_unpack(text, vals, cols->n)) {
                rc = at_fail(err, AT_EDB, "'%s': the answers kept for link %ld are not readable",
                             s->path, v.id);
            } else {
                v.n = cols->n;
                v.values = vals;
                fn(&v, ctx);
            }
        }
        free(vals);
        free(text);
    } else if (step == DB_DONE) {
        rc = AT_ENOTFOUND;
    } else {
        rc = store_dberr(s, err);
    }
    db_reset(st);
    return rc;
}

at_status store_invite_each(store *s, int (*fn)(const invite_view *v, void *ctx), void *ctx,
                            at_err *err)
{
    char now[21];
    sbuf sql = SBUF_INIT;
    db_stmt *st = NULL;
    util_now_iso(now);
    sbuf_adds(&sql, view_sql);
    /* ?1 unused: the same SELECT as find, without its filter */
    sbuf_adds(&sql, " WHERE ?1 IS NULL ORDER BY i.id");
    at_status rc = store_prepare(s, sql.buf, &st, err);
    sbuf_release(&sql);
    if (rc != AT_OK)
        return rc;
    db_bind_null(st, 1);
    store_bind_str(st, 2, now);
    int step;
    while ((step = db_step(st)) == DB_ROW) {
        invite_view v;
        view_fill(st, &v);
        v.flow_state = NULL;
        if (fn(&v, ctx))
            break;
    }
    if (step != DB_ROW && step != DB_DONE)
        rc = store_dberr(s, err);
    db_finalize(st);
    return rc;
}

/* ---- writing ------------------------------------------------------------ */

/* Why link id is not open: AT_ENOTFOUND or AT_EEXIST with its state. */
static at_status not_open(store *s, long id, at_err *err)
{
    char now[21];
    db_stmt *st = NULL;
    util_now_iso(now);
    at_status rc = store_prepare(s, "SELECT " STATE_NOW " FROM invitations i WHERE i.id = ?1",
                                 &st, err);
    if (rc != AT_OK)
        return rc;
    db_bind_int64(st, 1, id);
    store_bind_str(st, 2, now);
    int step = db_step(st);
    if (step == DB_ROW)
        rc = at_fail(err, AT_EEXIST, "link %ld is %s", id, store_col(st, 0));
    else if (step == DB_DONE)
        rc = at_fail(err, AT_ENOTFOUND, "there is no link %ld", id);
    else
        rc = store_dberr(s, err);
    db_finalize(st);
    return rc;
}

static at_status progress_body(store *s, long id, const char *const *values, size_t n,
                               const char *flow_state, at_err *err)
{
    char now[21];
    util_now_iso(now);
    db_stmt *st = store_stmt(s, ST_INVITE_PROGRESS, err);
    if (!st)
        return err ? err->code : AT_EDB;
    at_status rc = AT_OK;
    store_pack(&s->pack, values, n);
    db_bind_int64(st, 1, id);
    db_bind_textn(st, 2, s->pack.buf, s->pack.len);
    store_bind_str(st, 3, flow_state);
    store_bind_str(st, 4, now);
    int changed = 0;
    rc = step_changes(s, st, &changed, err);
    db_reset(st);
    if (rc == AT_OK && !changed)
        rc = not_open(s, id, err);
    return rc;
}

at_status store_invite_progress(store *s, long id, const char *const *values, size_t n,
                                const char *flow_state, at_err *err)
{
    /* On PostgreSQL this is one UPDATE of one row, whose condition (the
     * link still open) the server checks again under the row's lock, so a
     * save of the same link is ordered against it: it does not wait its
     * turn behind an import. */
    if (s->conn.pg && !s->in_txn && s->mode != STORE_READ)
        return progress_body(s, id, values, n, flow_state, err);
    at_status rc = store_wbegin(s, err);
    if (rc != AT_OK)
        return rc;
    return store_wend(s, progress_body(s, id, values, n, flow_state, err), err);
}

static at_status revoke_body(store *s, long id, at_err *err)
{
    char now[21];
    db_stmt *st = NULL;
    util_now_iso(now);
    /* an expired link may be revoked too: it then reads as revoked */
    at_status rc = store_prepare(s, "UPDATE invitations SET state = 'revoked', changed_at = ?2,"
                                 " answers = '[]', flow_state = NULL"
                                 " WHERE id = ?1 AND state IN ('pending', 'started')", &st, err);
    if (rc != AT_OK)
        return rc;
    db_bind_int64(st, 1, id);
    store_bind_str(st, 2, now);
    int changed = 0;
    rc = step_changes(s, st, &changed, err);
    db_finalize(st);
    if (rc == AT_OK && !changed)
        rc = not_open(s, id, err);
    return rc;
}

at_status store_invite_revoke(store *s, long id, at_err *err)
{
    at_status rc = store_wbegin(s, err);
    if (rc != AT_OK)
        return rc;
    return store_wend(s, revoke_body(s, id, err), err);
}

/* What the link is for, read inside the final save's transaction. */
static at_status link_target(store *s, long id, char **client, long *session, long *iid,
                             char rater[16], char **rater_code, at_err *err)
{
    db_stmt *st = NULL;
    at_status rc = store_prepare(s, "SELECT c.code, se.number, i.instrument_id, i.rater,"
                                 " i.rater_code FROM invitations i"
                                 " JOIN sessions se ON se.id = i.session_id"
                                 " JOIN clients c ON c.id = se.client_id WHERE i.id = ?1",
                                 &st, err);
    if (rc != AT_OK)
        return rc;
    db_bind_int64(st, 1, id);
    int step = db_step(st);
    if (step == DB_ROW) {
        *client = xstrdup(store_col(st, 0));
        *session = (long)db_column_int64(st, 1);
        *iid = (long)db_column_int64(st, 2);
        snprintf(rater, 16, "%s", store_col(st, 3));
        *rater_code = xstrdup(store_col(st, 4));
    } else {
        rc = step == DB_DONE ? at_fail(err, AT_ENOTFOUND, "there is no link %ld", id)
                                 : store_dberr(s, err);
    }
    db_finalize(st);
    return rc;
}

static at_status answer_body(store *s, long id, const admin_rec *rec, const char *who,
                             long *admin_id, at_err *err)
{
    char now[21], rater[16] = "";
    char *client = NULL, *rater_code = NULL;
    long session = 0, iid = 0, aid = 0, used = 0;
    db_stmt *st = NULL;
    util_now_iso(now);
    /* the mark first: a second save of the link finds it no longer open */
    at_status rc = store_prepare(s, "UPDATE invitations SET state = 'answered', changed_at = ?2,"
                                 " answers = '[]', flow_state = NULL"
                                 " WHERE id = ?1 AND " OPEN_AT("?2"), &st, err);
    if (rc != AT_OK)
        return rc;
    db_bind_int64(st, 1, id);
    store_bind_str(st, 2, now);
    int changed = 0;
    rc = step_changes(s, st, &changed, err);
    db_finalize(st);
    st = NULL;
    if (rc == AT_OK && !changed)
        rc = not_open(s, id, err);
    if (rc == AT_OK)
        rc = link_target(s, id, &client, &session, &iid, rater, &rater_code, err);
    if (rc == AT_OK) {
        admin_rec r = *rec;
        r.client = client;
        r.therapist = NULL;
        r.session = session;
        r.date = NULL;
        r.instrument_id = iid;
        r.rater = rater;
        r.rater_code = rater_code;
        r.source = "web";
        rc = store_admin_save(s, &r, 0, who, &aid, &used, err);
        /* the rating was recorded another way since the link was made (run,
         * import): not a second use of the link, which stays open */
        if (rc == AT_EEXIST)
            rc = at_fail(err, AT_EINVAL, "link %ld: %s", id, err ? err->msg : "");
    }
    if (rc == AT_OK)
        rc = store_prepare(s, "UPDATE invitations SET administration_id = ?2 WHERE id = ?1",
                           &st, err);
    if (rc == AT_OK) {
        db_bind_int64(st, 1, id);
        db_bind_int64(st, 2, aid);
        rc = step_changes(s, st, &changed, err);
        db_finalize(st);
    }
    if (rc == AT_OK && admin_id)
        *admin_id = aid;
    free(client);
    free(rater_code);
    return rc;
}

at_status store_invite_answer(store *s, long id, const admin_rec *rec, const char *who,
                              long *admin_id, at_err *err)
{
    /* store_begin's transaction, so that store_admin_save joins it */
    at_status rc = store_begin(s, err);
    if (rc != AT_OK)
        return rc;
    rc = answer_body(s, id, rec, who, admin_id, err);
    if (rc != AT_OK) {
        store_rollback(s);
        return rc;
    }
    return store_commit(s, err);
}
