/* store_people.c: listing therapists, clients and sessions, and changing
 * what is recorded about them (a client's therapist, a therapist's cohort,
 * a session's date and modality), each change kept in the audit trail.
 *
 * These changes are audit rows of action 'amend' without an administration;
 * their field names the thing changed and its subject (store.h). */
#define _DEFAULT_SOURCE   /* timegm */
#include "store_int.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* ---- the audit rows of these changes ------------------------------------ */

static at_status note(store *s, const char *field, const char *old, const char *new_value,
                      const char *reason, const char *who, at_err *err)
{
    db_stmt *st = NULL;
    char now[21];
    at_status rc = store_prepare(s,
                                 "INSERT INTO audit(at, who, action, administration_id, field,"
                                 " old, new, reason, who_name)"
                                 " VALUES (?1, ?2, 'amend', NULL, ?3, ?4, ?5, ?6, ?7)",
                                 &st, err);
    if (rc != AT_OK)
        return rc;
    util_now_iso(now);
    store_bind_str(st, 1, now);
    store_bind_str(st, 2, store_account(s));
    store_bind_str(st, 3, field);
    store_bind_str(st, 4, old && *old ? old : NULL);
    store_bind_str(st, 5, new_value && *new_value ? new_value : NULL);
    store_bind_str(st, 6, reason && *reason ? reason : NULL);
    store_bind_str(st, 7, who && *who ? who : NULL);
    rc = store_step_done(s, st, NULL, err);
    db_finalize(st);
    return rc;
}

void store_audit_subject(const char *stored, char *field, size_t size, const char **client,
                         const char **therapist, long *session)
{
    *client = *therapist = NULL;
    *session = 0;
    snprintf(field, size, "%s", stored);
    char *colon = strchr(field, ':');
    if (!colon)
        return;
    *colon = '\0';
    char *code = colon + 1;
    if (strncmp(field, "therapist.", 10) == 0) {
        *therapist = code;
    } else if (strncmp(field, "client.", 7) == 0) {
        *client = code;
    } else if (strncmp(field, "session.", 8) == 0) {
        char *last = strrchr(code, ':');
        long n;
        if (last && util_parse_long(last + 1, &n) && n > 0) {
            *last = '\0';
            *client = code;
            *session = n;
        }
    }
}

/* "session.date:C01:3" and its kin into sb. */
static const char *subject(sbuf *sb, const char *what, const char *code, long session)
{
    sbuf_reset(sb);
    sbuf_addf(sb, "%s:%s", what, code);
    if (session)
        sbuf_addf(sb, ":%ld", session);
    return sbuf_str(sb);
}

/* ---- listing ------------------------------------------------------------ */

static at_status each_row(store *s, db_stmt *st, int (*row)(db_stmt *st, void *ctx),
                          void *ctx, at_err *err)
{
    int step;
    while ((step = db_step(st)) == DB_ROW && !row(st, ctx))
        ;
    return step == DB_ROW || step == DB_DONE ? AT_OK : store_dberr(s, err);
}

struct therapist_walk {
    int (*fn)(const therapist_view *v, void *ctx);
    void *ctx;
};

static int therapist_row(db_stmt *st, void *ctx)
{
    struct therapist_walk *w = ctx;
    therapist_view v = { store_col(st, 0), store_col(st, 1), (long)db_column_int64(st, 2),
                         (long)db_column_int64(st, 3) };
    return w->fn(&v, w->ctx);
}

at_status store_therapist_list(store *s, int (*fn)(const therapist_view *v, void *ctx),
                               void *ctx, at_err *err)
{
    struct therapist_walk w = { fn, ctx };
    return store_query_each(s,
                            "SELECT t.code, coalesce(t.cohort, ''),"
                            " (SELECT count(*) FROM clients c WHERE c.therapist_id = t.id),"
                            " (SELECT count(*) FROM sessions se WHERE se.therapist_id = t.id)"
                            " FROM therapists t ORDER BY t.code",
                            therapist_row, &w, err);
}

struct client_walk {
    int (*fn)(const client_view *v, void *ctx);
    void *ctx;
};

static int client_row(db_stmt *st, void *ctx)
{
    struct client_walk *w = ctx;
    client_view v = { store_col(st, 0), store_col(st, 1), (long)db_column_int64(st, 2),
                      store_col(st, 3), (long)db_column_int64(st, 4) };
    return w->fn(&v, w->ctx);
}

at_status store_client_list(store *s, int (*fn)(const client_view *v, void *ctx), void *ctx,
                            at_err *err)
{
    struct client_walk w = { fn, ctx };
    return store_query_each(s,
                            "SELECT c.code, coalesce(t.code, ''),"
                            " (SELECT count(*) FROM sessions se WHERE se.client_id = c.id),"
                            " coalesce((SELECT se.date FROM sessions se WHERE se.client_id = c.id"
                            "   ORDER BY se.number DESC LIMIT 1), ''),"
                            " (SELECT count(*) FROM sessions se JOIN administrations a"
                            "   ON a.session_id = se.id WHERE se.client_id = c.id)"
                            " FROM clients c LEFT JOIN therapists t ON t.id = c.therapist_id"
                            " ORDER BY c.code",
                            client_row, &w, err);
}

struct session_walk {
    int (*fn)(const session_view *v, void *ctx);
    void *ctx;
};

static int session_row(db_stmt *st, void *ctx)
{
    struct session_walk *w = ctx;
    session_view v = { store_col(st, 0), (long)db_column_int64(st, 1), store_col(st, 2),
                       store_col(st, 3), store_col(st, 4), (long)db_column_int64(st, 5) };
    return w->fn(&v, w->ctx);
}

at_status store_session_list(store *s, const char *client,
                             int (*fn)(const session_view *v, void *ctx), void *ctx,
                             at_err *err)
{
    at_status found = client ? store_client_find(s, client, NULL, err) : AT_OK;
    if (found == AT_ENOTFOUND)
        return at_fail(err, AT_ENOTFOUND, "client '%s' does not exist", client);
    if (found != AT_OK)
        return found;
    db_stmt *st = NULL;
    struct session_walk w = { fn, ctx };
    at_status rc = store_prepare(s,
                                 "SELECT c.code, se.number, se.date, coalesce(t.code, ''),"
                                 " coalesce(se.modality, ''),"
                                 " (SELECT count(*) FROM administrations a"
                                 "   WHERE a.session_id = se.id)"
                                 " FROM clients c JOIN sessions se ON se.client_id = c.id"
                                 " LEFT JOIN therapists t ON t.id = se.therapist_id"
                                 " WHERE ?1 IS NULL OR c.code = ?1"
                                 " ORDER BY c.code, se.number", &st, err);
    if (rc == AT_OK) {
        store_bind_str(st, 1, client);
        rc = each_row(s, st, session_row, &w, err);
    }
    db_finalize(st);
    return rc;
}

at_status store_instrument_uses(store *s, long instrument_id, long *count, at_err *err)
{
    db_stmt *st = NULL;
    at_status rc = store_prepare(s, "SELECT count(*) FROM administrations WHERE instrument_id = ?1",
                                 &st, err);
    if (rc == AT_OK) {
        db_bind_int64(st, 1, instrument_id);
        rc = store_step_ints(s, st, count, 1, err);
    }
    db_finalize(st);
    return rc;
}

/* ---- a client moves to another therapist -------------------------------- */

const char *store_local_day(const char *utc, char day[11])
{
    struct tm tm = { 0 };
    day[0] = '\0';
    if (utc && *utc && sscanf(utc, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon,
                              &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) == 6) {
        tm.tm_year -= 1900;
        tm.tm_mon -= 1;
        time_t t = timegm(&tm);
        struct tm local;
        if (localtime_r(&t, &local))
            strftime(day, 11, "%Y-%m-%d", &local);
    }
    return day;
}

int store_session_later(const char *date, const char *day)
{
    char today[11];
    if (!date || !*date)
        return 0;   /* an undated session takes any day */
    if (!day) {
        util_today_iso(today);
        day = today;
    }
    if (!*day)
        return 0;
    /* a day's leeway: the date a clinician gives is their local day, which
     * may be a day ahead of this machine's (a server kept in UTC, a clinic
     * east of it), so only a date past the next day is later */
    if (!util_valid_iso_date(date) || !util_valid_iso_date(day))
        return strcmp(date, day) > 0;   /* ISO dates compare as text */
    return util_iso_date_days(date) > util_iso_date_days(day) + 1;
}

/* The first session of client_id numbered from on whose therapist's
 * questionnaire was given by someone other than code (a blank rater code
 * is the session's therapist): its number and rater code, or 0. */
/* who gave a therapist's questionnaire: its rater code, else the session's
 * therapist */
#define RATED_BY STORE_RATED_BY("a", "t.code")

static at_status rated_elsewhere(store *s, long client_id, long from, const char *code,
                                 long *number, char **by, at_err *err)
{
    db_stmt *st = NULL;
    *number = 0;
    *by = NULL;
    at_status rc = store_prepare(s,
                                 "SELECT se.number, " RATED_BY
                                 " FROM sessions se JOIN administrations a ON a.session_id = se.id"
                                 " LEFT JOIN therapists t ON t.id = se.therapist_id"
                                 " WHERE se.client_id = ?1 AND se.number >= ?2"
                                 " AND a.rater = 'therapist' AND " RATED_BY " <> ?3"
                                 " ORDER BY se.number LIMIT 1", &st, err);
    if (rc != AT_OK)
        return rc;
    db_bind_int64(st, 1, client_id);
    db_bind_int64(st, 2, from);
    store_bind_str(st, 3, code);
    int step = db_step(st);
    if (step == DB_ROW) {
        *number = (long)db_column_int64(st, 0);
        *by = xstrdup(store_col(st, 1));
    } else if (step != DB_DONE) {
        rc = store_dberr(s, err);
    }
    db_finalize(st);
    return rc;
}

static at_status move_body(store *s, const char *client, const char *therapist, long from,
                           const char *reason, const char *who, store_change *out, at_err *err)
{
    long cid, old_tid, tid;
    char *by = NULL;
    db_stmt *st = NULL;
    sbuf field = SBUF_INIT, old = SBUF_INIT;
    at_status rc = store_client_id(s, client, &cid, &old_tid, err);
    if (rc == AT_OK)
        rc = store_therapist_id(s, therapist, 0, &tid, err);
    if (rc != AT_OK)
        goto out;
    if (from == 0 && (rc = store_session_next(s, cid, &from, err)) != AT_OK)
        goto out;
    long clash;
    if ((rc = rated_elsewhere(s, cid, from, therapist, &clash, &by, err)) != AT_OK)
        goto out;
    if (clash) {
        rc = at_fail(err, AT_EINVAL,
                     "session %ld of client '%s' holds a therapist's questionnaire given by "
                     "%s%s%s; it stays with that therapist (move the client from a later "
                     "session on)", clash, client, *by ? "'" : "", *by ? by : "no one named",
                     *by ? "'" : "");
        goto out;
    }
    /* the sessions that change, each kept in the trail with its old therapist */
    if ((rc = store_prepare(s,
                            "SELECT se.id, se.number, coalesce(t.code, '') FROM sessions se"
                            " LEFT JOIN therapists t ON t.id = se.therapist_id"
                            " WHERE se.client_id = ?1 AND se.number >= ?2"
                            " AND se.therapist_id IS DISTINCT FROM ?3 ORDER BY se.number",
                            &st, err)) != AT_OK)
        goto out;
    db_bind_int64(st, 1, cid);
    db_bind_int64(st, 2, from);
    db_bind_int64(st, 3, tid);
    int step;
    while ((step = db_step(st)) == DB_ROW) {
        sbuf_reset(&old);
        sbuf_adds(&old, store_col(st, 2));
        rc = note(s, subject(&field, "session.therapist", client, db_column_int64(st, 1)),
                  sbuf_str(&old), therapist, reason, who, err);
        if (rc != AT_OK)
            goto out;
        out->sessions++;
    }
    if (step != DB_DONE) {
        rc = store_dberr(s, err);
        goto out;
    }
    db_finalize(st);
    st = NULL;
    if ((rc = store_prepare(s, "UPDATE sessions SET therapist_id = ?3 WHERE client_id = ?1"
                               " AND number >= ?2", &st, err)) != AT_OK)
        goto out;
    db_bind_int64(st, 1, cid);
    db_bind_int64(st, 2, from);
    db_bind_int64(st, 3, tid);
    if ((rc = store_step_done(s, st, NULL, err)) != AT_OK)
        goto out;
    db_finalize(st);
    st = NULL;
    if (old_tid == tid)
        goto out;
    char *was = NULL;
    if ((rc = store_client_find(s, client, &was, err)) == AT_OK)
        rc = note(s, subject(&field, "client.therapist", client, 0), was, therapist, reason, who,
                  err);
    free(was);
    if (rc == AT_OK && (rc = store_prepare(s, "UPDATE clients SET therapist_id = ?2 WHERE id = ?1",
                                           &st, err)) == AT_OK) {
        db_bind_int64(st, 1, cid);
        db_bind_int64(st, 2, tid);
        rc = store_step_done(s, st, NULL, err);
    }
    out->client = rc == AT_OK;
out:
    db_finalize(st);
    sbuf_release(&field);
    sbuf_release(&old);
    free(by);
    return rc;
}

at_status store_client_move(store *s, const char *client, const char *therapist, long from,
                            const char *reason, const char *who, store_change *out,
                            at_err *err)
{
    memset(out, 0, sizeof *out);
    if (from < 0)
        return at_fail(err, AT_EINVAL, "session number %ld is not a positive number", from);
    at_status rc = store_wbegin(s, err);
    if (rc != AT_OK)
        return rc;
    rc = store_wend(s, move_body(s, client, therapist, from, reason, who, out, err), err);
    if (rc != AT_OK)
        memset(out, 0, sizeof *out);
    return rc;
}

/* ---- a therapist's cohort ---------------------------------------------- */

static at_status cohort_body(store *s, const char *code, const char *cohort, const char *reason,
                             const char *who, store_change *out, at_err *err)
{
    db_stmt *st = NULL;
    sbuf field = SBUF_INIT;
    char *was = NULL;
    at_status rc = store_prepare(s, "SELECT id, coalesce(cohort, '') FROM therapists"
                                    " WHERE code = ?1", &st, err);
    if (rc != AT_OK)
        return rc;
    store_bind_str(st, 1, code);
    int step = db_step(st);
    if (step == DB_DONE) {
        rc = at_fail(err, AT_ENOTFOUND, "therapist '%s' does not exist", code);
        goto out;
    }
    if (step != DB_ROW) {
        rc = store_dberr(s, err);
        goto out;
    }
    long id = (long)db_column_int64(st, 0);
    was = xstrdup(store_col(st, 1));
    db_finalize(st);
    st = NULL;
    if (strcmp(was, cohort) == 0)
        goto out;
    if ((rc = note(s, subject(&field, "therapist.cohort", code, 0), was, cohort, reason, who,
                   err)) != AT_OK ||
        (rc = store_prepare(s, "UPDATE therapists SET cohort = ?2 WHERE id = ?1", &st,
                            err)) != AT_OK)
        goto out;
    db_bind_int64(st, 1, id);
    store_bind_str(st, 2, *cohort ? cohort : NULL);
    if ((rc = store_step_done(s, st, NULL, err)) == AT_OK)
        out->therapist = 1;
out:
    db_finalize(st);
    sbuf_release(&field);
    free(was);
    return rc;
}

at_status store_therapist_set_cohort(store *s, const char *code, const char *cohort,
                                     const char *reason, const char *who, store_change *out,
                                     at_err *err)
{
    memset(out, 0, sizeof *out);
    at_status rc = store_wbegin(s, err);
    if (rc != AT_OK)
        return rc;
    rc = store_wend(s, cohort_body(s, code, cohort ? cohort : "", reason, who, out, err), err);
    if (rc != AT_OK)
        memset(out, 0, sizeof *out);
    return rc;
}

/* ---- a session's date and modality -------------------------------------- */

static at_status session_body(store *s, const char *client, long number, const char *date,
                              const char *modality, const char *reason, const char *who,
                              store_change *out, at_err *err)
{
    db_stmt *st = NULL;
    sbuf field = SBUF_INIT;
    char *was_date = NULL, *was_modality = NULL, first[11];
    long cid, tid;
    at_status rc = store_client_id(s, client, &cid, &tid, err);
    if (rc != AT_OK)
        return rc;
    /* the session, and the day its first questionnaire was answered (local time) */
    if ((rc = store_prepare(s,
                            "SELECT se.id, se.date, coalesce(se.modality, ''),"
                            " (SELECT min(a.finished_at) FROM administrations a"
                            "   WHERE a.session_id = se.id)"
                            " FROM sessions se WHERE se.client_id = ?1 AND se.number = ?2",
                            &st, err)) != AT_OK)
        goto out;
    db_bind_int64(st, 1, cid);
    db_bind_int64(st, 2, number);
    int step = db_step(st);
    if (step == DB_DONE) {
        rc = at_fail(err, AT_ENOTFOUND, "client '%s' has no session %ld", client, number);
        goto out;
    }
    if (step != DB_ROW) {
        rc = store_dberr(s, err);
        goto out;
    }
    long sid = (long)db_column_int64(st, 0);
    was_date = xstrdup(store_col(st, 1));
    was_modality = xstrdup(store_col(st, 2));
    store_local_day(store_col(st, 3), first);
    db_finalize(st);
    st = NULL;
    /* exact: both days are this machine's (no leeway, as a save has) */
    if (date && *first && strcmp(date, first) > 0) {
        rc = at_fail(err, AT_EINVAL,
                     "session %ld of client '%s' cannot be dated %s: its first questionnaire "
                     "was answered on %s, and a session comes before its questionnaires",
                     number, client, date, first);
        goto out;
    }
    if (date && strcmp(date, was_date) != 0) {
        rc = note(s, subject(&field, "session.date", client, number), was_date, date, reason,
                  who, err);
        out->date = rc == AT_OK;
    }
    if (rc == AT_OK && modality && strcmp(modality, was_modality) != 0) {
        rc = note(s, subject(&field, "session.modality", client, number), was_modality,
                  modality, reason, who, err);
        out->modality = rc == AT_OK;
    }
    if (rc != AT_OK || !(out->date || out->modality))
        goto out;
    store_walk_stop(s);
    if ((rc = store_prepare(s, "UPDATE sessions SET date = coalesce(?2, date),"
                               " modality = coalesce(?3, modality) WHERE id = ?1",
                            &st, err)) != AT_OK)
        goto out;
    db_bind_int64(st, 1, sid);
    store_bind_str(st, 2, out->date ? date : NULL);
    store_bind_str(st, 3, out->modality ? modality : NULL);
    rc = store_step_done(s, st, NULL, err);
out:
    db_finalize(st);
    sbuf_release(&field);
    free(was_date);
    free(was_modality);
    return rc;
}

at_status store_session_set(store *s, const char *client, long number, const char *date,
                            const char *modality, const char *reason, const char *who,
                            store_change *out, at_err *err)
{
    memset(out, 0, sizeof *out);
    if (date && !*date)
        date = NULL;
    at_status rc = store_check_date(date, err);
    if (rc == AT_OK && modality && !*modality)
        rc = at_fail(err, AT_EINVAL, "a session's modality may be changed, not removed");
    if (rc == AT_OK)
        rc = store_check_modality(modality, err);
    if (rc != AT_OK || (rc = store_wbegin(s, err)) != AT_OK)
        return rc;
    rc = store_wend(s, session_body(s, client, number, date, modality, reason, who, out, err),
                    err);
    if (rc != AT_OK)
        memset(out, 0, sizeof *out);
    return rc;
}
