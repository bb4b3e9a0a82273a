/* store_admin.c: administrations and their responses, amendments and the
 * audit trail. */
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int one_of(const char *v, const char *const *set)
{
    for (; v && *set; set++)
        if (strcmp(v, *set) == 0)
            return 1;
    return 0;
}

static const char *const raters[] = { "client", "therapist", "observer", NULL };
static const char *const statuses[] = { "complete", "partial", NULL };
static const char *const sources[] = { "interactive", "import", NULL };

static at_status check_rec(const admin_rec *r, at_err *err)
{
    at_status rc = store_check_code("client", r->client, err);
    if (rc == AT_OK && r->therapist && *r->therapist)
        rc = store_check_code("therapist", r->therapist, err);
    if (rc != AT_OK)
        return rc;
    if (r->session < 0)
        return at_fail(err, AT_EINVAL, "session number %ld is not a positive number",
                       r->session);
    if ((rc = store_check_date(r->date, err)) != AT_OK ||
        (rc = store_check_modality(r->modality, err)) != AT_OK)
        return rc;
    if (!one_of(r->rater, raters))
        return at_fail(err, AT_EINVAL, "'%s' is not a rater (client, therapist or observer)",
                       r->rater ? r->rater : "");
    if (!one_of(r->status, statuses))
        return at_fail(err, AT_EINVAL, "'%s' is not a status (complete or partial)",
                       r->status ? r->status : "");
    if (!one_of(r->source, sources))
        return at_fail(err, AT_EINVAL, "'%s' is not a source (interactive or import)",
                       r->source ? r->source : "");
    for (size_t i = 0; i < r->n; i++)
        if (!r->fields[i] || !*r->fields[i])
            return at_fail(err, AT_EINVAL, "answer %zu has no field name", i + 1);
    return AT_OK;
}

static const char *therapist_code(store *s, long id, char *buf, size_t size)
{
    sqlite3_stmt *st = NULL;
    snprintf(buf, size, "%s", "");
    if (id && sqlite3_prepare_v2(s->db, "SELECT code FROM therapists WHERE id = ?1", -1, &st,
                                 NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, id);
        if (sqlite3_step(st) == SQLITE_ROW)
            snprintf(buf, size, "'%s'", store_col(st, 0));
    }
    sqlite3_finalize(st);
    return *buf ? buf : "none";
}

static void cache_session(store *s, long id, long client_id, long number, long therapist_id,
                          const char *date, const char *modality)
{
    free(s->session.date);
    free(s->session.modality);
    s->session.id = id;
    s->session.client_id = client_id;
    s->session.number = number;
    s->session.therapist_id = therapist_id;
    s->session.date = xstrdup(date);
    s->session.modality = modality && *modality ? xstrdup(modality) : NULL;
}

/* Finds or creates the session of a save; *fresh = 1 when created. */
static at_status resolve_session(store *s, const admin_rec *r, long cid, long tid,
                                 long *number, int *fresh, at_err *err)
{
    int have_therapist = r->therapist && *r->therapist;
    int have_modality = r->modality && *r->modality;
    *fresh = 0;
    /* a client made in this transaction has only the sessions made since */
    int known_new = r->session && cid == s->made.client_id && r->session > s->made.top;
    if (known_new)
        s->session.id = 0;
    if (r->session && !known_new && !(s->session.id && s->session.client_id == cid &&
                                      s->session.number == r->session)) {
        sqlite3_stmt *st = store_stmt(s, ST_SESSION_GET, err);
        if (!st)
            return err ? err->code : AT_EDB;
        sqlite3_bind_int64(st, 1, cid);
        sqlite3_bind_int64(st, 2, r->session);
        int step = sqlite3_step(st);
        if (step == SQLITE_ROW)
            cache_session(s, (long)sqlite3_column_int64(st, 0), cid, r->session,
                          (long)sqlite3_column_int64(st, 1), store_col(st, 2),
                          sqlite3_column_type(st, 3) == SQLITE_NULL ? NULL : store_col(st, 3));
        sqlite3_reset(st);
        if (step != SQLITE_ROW && step != SQLITE_DONE)
            return store_dberr(s, err);
        if (step == SQLITE_DONE)
            s->session.id = 0;
    }
    if (r->session && s->session.id && s->session.client_id == cid &&
        s->session.number == r->session) {
        char buf[300];
        *number = r->session;
        if (have_therapist && s->session.therapist_id != tid)
            return at_fail(err, AT_EINVAL,
                           "session %ld of client '%s' exists with therapist %s, not '%s'",
                           r->session, r->client,
                           therapist_code(s, s->session.therapist_id, buf, sizeof buf),
                           r->therapist);
        if (r->date && strcmp(r->date, s->session.date) != 0)
            return at_fail(err, AT_EINVAL,
                           "session %ld of client '%s' exists with date %s, not %s",
                           r->session, r->client, s->session.date, r->date);
        if (have_modality && s->session.modality &&
            strcmp(r->modality, s->session.modality) != 0)
            return at_fail(err, AT_EINVAL,
                           "session %ld of client '%s' exists with modality %s, not %s",
                           r->session, r->client, s->session.modality, r->modality);
        if (have_modality && !s->session.modality) {
            sqlite3_stmt *st = store_stmt(s, ST_SESSION_SET_MODALITY, err);
            if (!st)
                return err ? err->code : AT_EDB;
            sqlite3_bind_int64(st, 1, s->session.id);
            store_bind_str(st, 2, r->modality);
            at_status rc = store_step_done(s, st, NULL, err);
            if (rc != AT_OK)
                return rc;
            s->session.modality = xstrdup(r->modality);
        }
        return AT_OK;
    }
    at_status rc = AT_OK;
    *number = r->session;
    if (!*number && (rc = store_session_next(s, cid, number, err)) != AT_OK)
        return rc;
    char today[11];
    const char *date = r->date;
    if (!date) {
        today_iso(today);
        date = today;
    }
    long sid = 0;
    rc = store_session_insert(s, cid, tid, *number, date, r->modality, &sid, err);
    if (rc == AT_OK) {
        cache_session(s, sid, cid, *number, tid, date, r->modality);
        *fresh = 1;
    }
    return rc;
}

static at_status instrument_name(store *s, long id, const char **name, at_err *err)
{
    if (s->instrument.name && s->instrument.id == id) {
        *name = s->instrument.name;
        return AT_OK;
    }
    sqlite3_stmt *st = store_stmt(s, ST_INSTR_NAME, err);
    if (!st)
        return err ? err->code : AT_EDB;
    sqlite3_bind_int64(st, 1, id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        free(s->instrument.name);
        s->instrument.name = xstrdup(store_col(st, 0));
        s->instrument.id = id;
        *name = s->instrument.name;
    }
    sqlite3_reset(st);
    if (step == SQLITE_DONE)
        return at_fail(err, AT_ENOTFOUND, "no instrument version has id %ld", id);
    return step == SQLITE_ROW ? AT_OK : store_dberr(s, err);
}

static at_status audit_add(store *s, const char *who, const char *action, long admin_id,
                           const char *field, const char *old, const char *new_value,
                           const char *reason, at_err *err)
{
    char now[21];
    sqlite3_stmt *st = store_stmt(s, ST_AUDIT_INS, err);
    if (!st)
        return err ? err->code : AT_EDB;
    now_iso(now);
    store_bind_str(st, 1, now);
    store_bind_str(st, 2, who && *who ? who : "unknown");
    store_bind_str(st, 3, action);
    sqlite3_bind_int64(st, 4, admin_id);
    store_bind_str(st, 5, field);
    store_bind_str(st, 6, old);
    store_bind_str(st, 7, new_value);
    store_bind_str(st, 8, reason);
    return store_step_done(s, st, NULL, err);
}

static at_status bind_step_id(store *s, enum store_stmt which, long id, at_err *err)
{
    sqlite3_stmt *st = store_stmt(s, which, err);
    if (!st)
        return err ? err->code : AT_EDB;
    sqlite3_bind_int64(st, 1, id);
    return store_step_done(s, st, NULL, err);
}

/* Drops the administration old_id that new_id replaces: its audit history
 * moves to new_id, so the trail stays attached to the rating it is about. */
static at_status replace_old(store *s, const admin_rec *r, long old_id, const char *old_status,
                             long new_id, const char *who, at_err *err)
{
    char old[64], now[64];
    sqlite3_stmt *st = store_stmt(s, ST_AUDIT_REPOINT, err);
    if (!st)
        return err ? err->code : AT_EDB;
    sqlite3_bind_int64(st, 1, old_id);
    sqlite3_bind_int64(st, 2, new_id);
    at_status rc = store_step_done(s, st, NULL, err);
    if (rc == AT_OK)
        rc = bind_step_id(s, ST_RESP_DEL_ALL, old_id, err);
    if (rc == AT_OK)
        rc = bind_step_id(s, ST_ADMIN_DEL, old_id, err);
    snprintf(old, sizeof old, "administration %ld (%s)", old_id, old_status);
    snprintf(now, sizeof now, "administration %ld (%s)", new_id, r->status);
    if (rc == AT_OK)
        rc = audit_add(s, who, "replace", new_id, NULL, old, now,
                       strcmp(r->source, "import") == 0 ? "import --replace" : "replace", err);
    return rc;
}

/* The statement inserting k answers of one administration: ?1 is its id,
 * then field and value for each row. */
static sqlite3_stmt *answers_stmt(store *s, size_t k, at_err *err)
{
    if (s->resp_ins[k])
        return s->resp_ins[k];
    sbuf sql = SBUF_INIT;
    sbuf_adds(&sql, "INSERT INTO responses(administration_id, field, value) VALUES ");
    for (size_t i = 0; i < k; i++)
        sbuf_addf(&sql, "%s(?1, ?%zu, ?%zu)", i ? ", " : "", 2 * i + 2, 2 * i + 3);
    if (sqlite3_prepare_v3(s->db, sbuf_str(&sql), -1, SQLITE_PREPARE_PERSISTENT,
                           &s->resp_ins[k], NULL) != SQLITE_OK)
        store_dberr(s, err);
    sbuf_release(&sql);
    return s->resp_ins[k];
}

static at_status duplicate_field(const admin_rec *r, at_err *err)
{
    for (size_t i = 0; i < r->n; i++)
        for (size_t j = 0; j < i; j++)
            if (r->values[i] && *r->values[i] && r->values[j] && *r->values[j] &&
                strcmp(r->fields[i], r->fields[j]) == 0)
                return at_fail(err, AT_EINVAL, "field '%s' is answered twice", r->fields[i]);
    return AT_EINVAL;
}

/* Inserts the non-blank answers, many rows per statement. */
static at_status insert_answers(store *s, const admin_rec *r, long id, at_err *err)
{
    size_t i = 0;
    while (i < r->n) {
        size_t idx[STORE_RESP_BATCH], k = 0;
        for (; i < r->n && k < STORE_RESP_BATCH; i++)
            if (r->values[i] && *r->values[i])
                idx[k++] = i;
        if (!k)
            break;
        sqlite3_stmt *st = answers_stmt(s, k, err);
        if (!st)
            return err ? err->code : AT_EDB;
        sqlite3_bind_int64(st, 1, id);
        for (size_t j = 0; j < k; j++) {
            store_bind_str(st, (int)(2 * j + 2), r->fields[idx[j]]);
            store_bind_str(st, (int)(2 * j + 3), r->values[idx[j]]);
        }
        int step = sqlite3_step(st);
        sqlite3_reset(st);
        if (step == SQLITE_CONSTRAINT)
            return duplicate_field(r, err);
        if (step != SQLITE_DONE)
            return store_dberr(s, err);
    }
    return AT_OK;
}

/* The time now as now_iso writes it, formatted at most once a second (an
 * import saves many administrations in one). */
static const char *clock_now(store *s)
{
    time_t t = time(NULL);
    if (!s->clock.text[0] || t != s->clock.at) {
        now_iso(s->clock.text);
        s->clock.at = t;
    }
    return s->clock.text;
}

static at_status save_body(store *s, const admin_rec *r, int replace, const char *who,
                           long *admin_id, long *session_out, at_err *err)
{
    long tid = 0, cid = 0, ctid = 0, number = 0, old_id = 0;
    char old_status[16] = "";
    int fresh = 0;
    const char *iname = NULL;
    const char *code = r->rater_code ? r->rater_code : "";
    at_status rc = instrument_name(s, r->instrument_id, &iname, err);
    if (rc == AT_OK && r->therapist && *r->therapist)
        rc = store_therapist_id(s, r->therapist, 1, &tid, err);
    if (rc != AT_OK)
        return rc;
    rc = store_client_id(s, r->client, &cid, &ctid, NULL);
    if (rc == AT_ENOTFOUND)
        rc = store_client_insert(s, r->client, tid, &cid, err);
    else if (rc != AT_OK)
        return store_dberr(s, err);
    else if (!tid)
        tid = ctid;
    if (rc == AT_OK)
        rc = resolve_session(s, r, cid, tid, &number, &fresh, err);
    if (rc != AT_OK)
        return rc;

    sqlite3_stmt *st;
    int step;
    if (!fresh) {
        if (!(st = store_stmt(s, ST_ADMIN_DUP, err)))
            return err ? err->code : AT_EDB;
        sqlite3_bind_int64(st, 1, s->session.id);
        store_bind_str(st, 2, r->rater);
        store_bind_str(st, 3, code);
        store_bind_str(st, 4, iname);
        step = sqlite3_step(st);
        if (step == SQLITE_ROW) {
            old_id = (long)sqlite3_column_int64(st, 0);
            snprintf(old_status, sizeof old_status, "%s", store_col(st, 1));
        }
        sqlite3_reset(st);
        if (step != SQLITE_ROW && step != SQLITE_DONE)
            return store_dberr(s, err);
        if (old_id && !replace)
            return at_fail(err, AT_EEXIST,
                           "client '%s' session %ld already has a %s rating%s%s%s of '%s'"
                           " (use --replace)", r->client, number, r->rater,
                           *code ? " by '" : "", code, *code ? "'" : "", iname);
    }

    if (!(st = store_stmt(s, ST_ADMIN_INS, err)))
        return err ? err->code : AT_EDB;
    const char *now = r->started_at && r->finished_at ? NULL : clock_now(s);
    sqlite3_bind_int64(st, 1, s->session.id);
    sqlite3_bind_int64(st, 2, r->instrument_id);
    store_bind_str(st, 3, r->rater);
    store_bind_str(st, 4, code);
    store_bind_str(st, 5, r->status);
    store_bind_str(st, 6, r->started_at ? r->started_at : now);
    store_bind_str(st, 7, r->finished_at ? r->finished_at : now);
    store_bind_str(st, 8, r->source);
    long id = 0;
    if ((rc = store_step_done(s, st, &id, err)) != AT_OK)
        return rc;

    if ((rc = insert_answers(s, r, id, err)) != AT_OK)
        return rc;
    if (old_id && (rc = replace_old(s, r, old_id, old_status, id, who, err)) != AT_OK)
        return rc;
    *admin_id = id;
    *session_out = number;
    return AT_OK;
}

at_status store_admin_save(store *s, const admin_rec *rec, int replace, const char *who,
                           long *admin_id, long *session_out, at_err *err)
{
    long id = 0, number = 0;
    admin_rec r = *rec;
    if (r.date && !*r.date)
        r.date = NULL;
    at_status rc = check_rec(&r, err);
    if (rc != AT_OK || (rc = store_wbegin(s, err)) != AT_OK)
        return rc;
    rc = store_wend(s, save_body(s, &r, replace, who, &id, &number, err), err);
    if (rc == AT_OK) {
        if (admin_id)
            *admin_id = id;
        if (session_out)
            *session_out = number;
    }
    return rc;
}

static at_status amend_body(store *s, long admin_id, const char *field, const char *value,
                            const char *reason, const char *who, at_err *err)
{
    sqlite3_stmt *st = NULL;
    char *old = NULL;
    at_status rc = AT_OK;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT r.value FROM administrations a LEFT JOIN responses r"
                           " ON r.administration_id = a.id AND r.field = ?2 WHERE a.id = ?1",
                           -1, &st, NULL) != SQLITE_OK) {
        rc = store_dberr(s, err);
        goto out;
    }
    sqlite3_bind_int64(st, 1, admin_id);
    store_bind_str(st, 2, field);
    int step = sqlite3_step(st);
    if (step == SQLITE_DONE) {
        rc = at_fail(err, AT_ENOTFOUND, "administration %ld does not exist", admin_id);
        goto out;
    }
    if (step != SQLITE_ROW) {
        rc = store_dberr(s, err);
        goto out;
    }
    if (sqlite3_column_type(st, 0) != SQLITE_NULL)
        old = xstrdup(store_col(st, 0));
    sqlite3_finalize(st);
    st = NULL;
    if (!value || !*value)
        value = NULL;
    if ((!old && !value) || (old && value && strcmp(old, value) == 0))
        goto out;
    const char *sql = value ? "INSERT INTO responses(administration_id, field, value)"
                              " VALUES (?1, ?2, ?3) ON CONFLICT (administration_id, field)"
                              " DO UPDATE SET value = excluded.value"
                            : "DELETE FROM responses WHERE administration_id = ?1 AND field = ?2";
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
        rc = store_dberr(s, err);
        goto out;
    }
    sqlite3_bind_int64(st, 1, admin_id);
    store_bind_str(st, 2, field);
    if (value)
        store_bind_str(st, 3, value);
    if (sqlite3_step(st) != SQLITE_DONE) {
        rc = store_dberr(s, err);
        goto out;
    }
    rc = audit_add(s, who, "amend", admin_id, field, old, value,
                   reason && *reason ? reason : NULL, err);
out:
    sqlite3_finalize(st);
    free(old);
    return rc;
}

at_status store_amend(store *s, long admin_id, const char *field, const char *value,
                      const char *reason, const char *who, at_err *err)
{
    if (!field || !*field)
        return at_fail(err, AT_EINVAL, "an amendment needs a field name");
    at_status rc = store_wbegin(s, err);
    if (rc != AT_OK)
        return rc;
    return store_wend(s, amend_body(s, admin_id, field, value, reason, who, err), err);
}
