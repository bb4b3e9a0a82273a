/* store_admin.c: administrations and their responses, amendments and the
 * audit trail. */
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <limits.h>

static int one_of(const char *v, const char *const *set)
{
    for (; v && *set; set++)
        if (strcmp(v, *set) == 0)
            return 1;
    return 0;
}

const char *const store_raters[] = { "client", "therapist", "observer", NULL };
const char *const store_modalities[] = { "in-person", "telehealth", NULL };

int store_is_rater(const char *word)
{
    return one_of(word, store_raters);
}

int store_is_modality(const char *word)
{
    return one_of(word, store_modalities);
}

const char *store_rater_article(const char *rater)
{
    return rater && *rater && strchr("aeiouAEIOU", *rater) ? "an" : "a";
}

static const char *const statuses[] = { "complete", "partial", NULL };
static const char *const sources[] = { "interactive", "import", "web", NULL };

const char *store_rater_code(const char *rater, const char *client, const char *code)
{
    if (!code)
        code = "";
    if (!rater || strcmp(rater, "client") != 0)
        return code;
    if (!*code || (client && strcmp(code, client) == 0))
        return client ? client : "";
    return NULL;
}

at_status store_check_rater_code(const char *rater, const char *client, const char *code,
                                 const char **out, at_err *err)
{
    *out = store_rater_code(rater, client, code);
    if (!*out)
        return at_fail(err, AT_EINVAL, "a client's own rating takes the client's code ('%s') "
                       "as its rater code, not '%s'", client, code);
    return **out ? store_check_code("rater", *out, err) : AT_OK;
}

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
    if (!one_of(r->rater, store_raters))
        return at_fail(err, AT_EINVAL, "'%s' is not a rater (client, therapist or observer)",
                       r->rater ? r->rater : "");
    const char *code;
    if ((rc = store_check_rater_code(r->rater, r->client, r->rater_code, &code, err)) != AT_OK)
        return rc;
    if (!one_of(r->status, statuses))
        return at_fail(err, AT_EINVAL, "'%s' is not a status (complete or partial)",
                       r->status ? r->status : "");
    if (!one_of(r->source, sources))
        return at_fail(err, AT_EINVAL, "'%s' is not a source (interactive, import or web)",
                       r->source ? r->source : "");
    return AT_OK;
}

/* The time now as now_iso writes it, and today's date (local time),
 * formatted at most once a second (an import saves many administrations
 * in one). */
static const char *clock_now(store *s)
{
    time_t t = time(NULL);
    if (!s->clock.text[0] || t != s->clock.at) {
        util_now_iso(s->clock.text);
        util_today_iso(s->clock.day);
        s->clock.at = t;
    }
    return s->clock.text;
}

static const char *clock_today(store *s)
{
    clock_now(s);
    return s->clock.day;
}

/* "'T01'", or "none" for id 0 (buf holds the text). */
static const char *therapist_code(store *s, long id, char *buf, size_t size)
{
    db_stmt *st = id ? store_stmt(s, ST_THERAPIST_CODE, NULL) : NULL;
    snprintf(buf, size, "%s", "");
    if (st) {
        db_bind_int64(st, 1, id);
        if (db_step(st) == DB_ROW)
            snprintf(buf, size, "'%s'", store_col(st, 0));
        db_reset(st);
    }
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
    s->session.none_by = 0;
}

/* Makes the session cache hold client cid's session number, when it
 * exists; s->session.id is 0 when it does not. */
static at_status session_lookup(store *s, long cid, long number, const char *rater,
                                at_err *err)
{
    if (!rater)
        rater = "";
    if (s->session.id && s->session.client_id == cid && s->session.number == number)
        return AT_OK;
    /* a client made in this transaction has only the sessions made since */
    if (cid == s->made.client_id && number > s->made.top) {
        s->session.id = 0;
        return AT_OK;
    }
    /* the client's sessions are walked in number order: the next one asked
     * for is usually the next row, a step rather than a search */
    db_stmt *st = store_stmt(s, ST_SESSION_WALK, err);
    if (!st)
        return err ? err->code : AT_EDB;
    int step = DB_ROW;
    if (!s->walk.on || s->walk.client_id != cid || number < s->walk.at ||
        strcmp(s->walk.rater, rater) != 0) {
        store_walk_stop(s);
        db_bind_int64(st, 1, cid);
        db_bind_int64(st, 2, number);
        store_bind_str(st, 3, rater);
        s->walk.on = 1;
        s->walk.client_id = cid;
        util_copy(s->walk.rater, sizeof s->walk.rater, rater);
        step = db_step(st);
        s->walk.at = step == DB_ROW ? (long)db_column_int64(st, 0) : LONG_MAX;
    }
    while (step == DB_ROW && s->walk.at < number) {
        step = db_step(st);
        s->walk.at = step == DB_ROW ? (long)db_column_int64(st, 0) : LONG_MAX;
    }
    if (step != DB_ROW && step != DB_DONE) {
        store_walk_stop(s);
        return store_dberr(s, err);
    }
    if (step == DB_ROW && s->walk.at == number) {
        cache_session(s, (long)db_column_int64(st, 1), cid, number,
                      (long)db_column_int64(st, 2), store_col(st, 3),
                      db_column_isnull(st, 4) ? NULL : store_col(st, 4));
        s->session.none_by = db_column_int64(st, 5) == 0;
        util_copy(s->session.rater, sizeof s->session.rater, rater);
    } else
        s->session.id = 0;
    return AT_OK;
}

/* The session rule, in one place: where the cached session and a save's
 * therapist (its id, 0 when that code is not in the study), date and
 * modality disagree (a session without a date or modality takes any). */
static unsigned session_conflicts(const store *s, const char *therapist, long tid,
                                  const char *date, const char *modality)
{
    unsigned bits = 0;
    if (therapist && *therapist && (!tid || tid != s->session.therapist_id))
        bits |= SESSION_THERAPIST;
    /* an undated session (its date unknown) disagrees with no date */
    if (date && *date && *s->session.date && strcmp(date, s->session.date) != 0)
        bits |= SESSION_DATE;
    if (modality && *modality && s->session.modality && strcmp(modality, s->session.modality) != 0)
        bits |= SESSION_MODALITY;
    return bits;
}

void store_session_reason(store *s, unsigned bit, const char *client, long number,
                          const char *given, const char *where, char *buf, size_t size)
{
    char tbuf[300];
    switch (bit) {
    case SESSION_THERAPIST:
        if (s->session.therapist_id)
            snprintf(buf, size, "session %ld of client '%s' is with therapist %s (%s), not '%s'",
                     number, client, therapist_code(s, s->session.therapist_id, tbuf, sizeof tbuf),
                     where, given);
        else
            snprintf(buf, size, "session %ld of client '%s' has no therapist (%s), not '%s'",
                     number, client, where, given);
        break;
    case SESSION_DATE:
        snprintf(buf, size, "session %ld of client '%s' is dated %s (%s), not %s", number, client,
                 s->session.date ? s->session.date : "", where, given);
        break;
    case SESSION_LATER:
        if (given && *given && store_session_later(given, clock_today(s)))
            snprintf(buf, size, "session %ld of client '%s' cannot be dated %s, later than today "
                     "(%s): a questionnaire is not saved into a session dated later than the "
                     "day it is saved", number, client, given, clock_today(s));
        else
            snprintf(buf, size, "session %ld of client '%s' is dated %s (%s), later than today "
                     "(%s): a questionnaire is not saved into a session dated later than the "
                     "day it is saved", number, client, s->session.date ? s->session.date : "",
                     where, clock_today(s));
        break;
    default:
        snprintf(buf, size, "session %ld of client '%s' is %s (%s), not %s", number, client,
                 s->session.modality ? s->session.modality : "", where, given);
        break;
    }
}

at_status store_session_check(store *s, const char *client, long number, const char *rater,
                              const char *therapist, const char *date, const char *modality,
                              session_check *out, at_err *err)
{
    long cid = 0, ctid = 0, tid = 0;
    memset(out, 0, sizeof *out);
    /* a date given later than today: whether the session exists or not */
    if (store_session_later(date, clock_today(s)))
        out->conflicts |= SESSION_LATER;
    at_status rc = store_client_id(s, client, &cid, &ctid, NULL);
    if (rc == AT_ENOTFOUND)
        return AT_OK;
    if (rc != AT_OK)
        return store_dberr(s, err);
    if ((rc = session_lookup(s, cid, number, rater, err)) != AT_OK || !s->session.id)
        return rc;
    if (therapist && *therapist) {
        rc = store_therapist_id(s, therapist, 0, &tid, NULL);
        if (rc != AT_OK && rc != AT_ENOTFOUND)
            return store_dberr(s, err);
    }
    out->exists = 1;
    out->id = s->session.id;
    out->seq = s->in_txn && s->session.id > s->session0 ? s->session.id - s->session0 : 0;
    out->conflicts |= session_conflicts(s, therapist, tid, date, modality);
    if (store_session_later(s->session.date, clock_today(s)))
        out->conflicts |= SESSION_LATER;
    return AT_OK;
}

/* Sets the cached session's date or modality (which), in the study and in
 * the cache. */
static at_status session_fill(store *s, enum store_stmt which, const char *value, at_err *err)
{
    store_walk_stop(s);
    db_stmt *st = store_stmt(s, which, err);
    if (!st)
        return err ? err->code : AT_EDB;
    db_bind_int64(st, 1, s->session.id);
    store_bind_str(st, 2, value);
    at_status rc = store_step_done(s, st, NULL, err);
    if (rc != AT_OK)
        return rc;
    char **field = which == ST_SESSION_SET_DATE ? &s->session.date : &s->session.modality;
    free(*field);
    *field = xstrdup(value);
    return AT_OK;
}

/* Finds or creates the session of a save; *fresh = 1 when created. */
static at_status resolve_session(store *s, const admin_rec *r, long cid, long tid,
                                 long *number, int *fresh, at_err *err)
{
    *fresh = 0;
    at_status rc = AT_OK;
    if (r->session && (rc = session_lookup(s, cid, r->session, r->rater, err)) != AT_OK)
        return rc;
    if (r->session && s->session.id) {
        *number = r->session;
        unsigned bits = session_conflicts(s, r->therapist, tid, r->date, r->modality);
        for (unsigned bit = 1; bit <= SESSION_MODALITY; bit <<= 1) {
            if (!(bits & bit))
                continue;
            char why[400];
            store_session_reason(s, bit, r->client, r->session,
                                 bit == SESSION_THERAPIST ? r->therapist
                                 : bit == SESSION_DATE ? r->date : r->modality,
                                 "in the study", why, sizeof why);
            return at_fail(err, AT_EINVAL, "%s", why);
        }
        /* what the session lacks (its date unknown, its modality not
         * given) is filled in from the save, as the rule lets it take any */
        if (r->date && *r->date && !*s->session.date &&
            (rc = session_fill(s, ST_SESSION_SET_DATE, r->date, err)) != AT_OK)
            return rc;
        if (r->modality && *r->modality && !s->session.modality &&
            (rc = session_fill(s, ST_SESSION_SET_MODALITY, r->modality, err)) != AT_OK)
            return rc;
        return AT_OK;
    }
    *number = r->session;
    if (!*number && (rc = store_session_next(s, cid, number, err)) != AT_OK)
        return rc;
    char today[11];
    const char *date = r->date;
    if (!date && r->date_unknown) {
        date = "";
    } else if (!date) {
        util_today_iso(today);
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
    db_stmt *st = store_stmt(s, ST_INSTR_NAME, err);
    if (!st)
        return err ? err->code : AT_EDB;
    db_bind_int64(st, 1, id);
    int step = db_step(st);
    if (step == DB_ROW) {
        free(s->instrument.name);
        s->instrument.name = xstrdup(store_col(st, 0));
        s->instrument.id = id;
        *name = s->instrument.name;
    }
    db_reset(st);
    if (step == DB_DONE)
        return at_fail(err, AT_ENOTFOUND, "no instrument version has id %ld", id);
    return step == DB_ROW ? AT_OK : store_dberr(s, err);
}

static at_status audit_add(store *s, const char *who, const char *action, long admin_id,
                           const char *field, const char *old, const char *new_value,
                           const char *reason, at_err *err)
{
    char now[21];
    db_stmt *st = store_stmt(s, ST_AUDIT_INS, err);
    if (!st)
        return err ? err->code : AT_EDB;
    util_now_iso(now);
    store_bind_str(st, 1, now);
    store_bind_str(st, 2, store_account(s));
    store_bind_str(st, 3, action);
    db_bind_int64(st, 4, admin_id);
    store_bind_str(st, 5, field);
    store_bind_str(st, 6, old && *old ? old : NULL);
    store_bind_str(st, 7, new_value && *new_value ? new_value : NULL);
    store_bind_str(st, 8, reason);
    store_bind_str(st, 9, who && *who ? who : NULL);
    return store_step_done(s, st, NULL, err);
}

static at_status bind_step_id(store *s, enum store_stmt which, long id, at_err *err)
{
    db_stmt *st = store_stmt(s, which, err);
    if (!st)
        return err ? err->code : AT_EDB;
    db_bind_int64(st, 1, id);
    return store_step_done(s, st, NULL, err);
}

/* An administration's stored answers: its version's columns and the values
 * unpacked into vals (grown as needed, pointers into *text, which the
 * caller frees). */
typedef struct stored_answers {
    const store_cols *cols;
    char *text;
    const char **vals;
} stored_answers;

static void stored_release(stored_answers *a)
{
    free(a->text);
    free(a->vals);
    memset(a, 0, sizeof *a);
}

/* Unpacks a->text, n answers, into a new a->vals; 0 when it is not packed
 * as the store packs answers. */
static int stored_unpack(stored_answers *a, size_t n)
{
    a->vals = xcalloc(n ? n : 1, sizeof *a->vals);
    return store_unpack(a->text, a->vals, n);
}

static at_status stored_read(store *s, long admin_id, stored_answers *a, at_err *err)
{
    memset(a, 0, sizeof *a);
    db_stmt *st = store_stmt(s, ST_ADMIN_ANSWERS, err);
    if (!st)
        return err ? err->code : AT_EDB;
    db_bind_int64(st, 1, admin_id);
    int step = db_step(st);
    long iid = 0;
    if (step == DB_ROW) {
        iid = (long)db_column_int64(st, 0);
        a->text = xstrdup(store_col(st, 1));
    }
    db_reset(st);
    if (step == DB_DONE)
        return at_fail(err, AT_ENOTFOUND, "administration %ld does not exist", admin_id);
    if (step != DB_ROW)
        return store_dberr(s, err);
    if (!(a->cols = store_cols_get(s, iid, err))) {
        stored_release(a);
        return err ? err->code : AT_EDB;
    }
    if (!stored_unpack(a, a->cols->n)) {
        stored_release(a);
        return at_fail(err, AT_EDB, "'%s': the answers of administration %ld are not readable",
                       s->path, admin_id);
    }
    return AT_OK;
}

static int same_value(const char *a, const char *b)
{
    int ea = !a || !*a, eb = !b || !*b;
    return ea || eb ? ea == eb : strcmp(a, b) == 0;
}

/* Drops the administration old_id that new_id replaces: its audit history
 * moves to new_id, so the trail stays attached to the rating it is about,
 * and every answer the replacement changes is recorded with its old and new
 * value, so nothing replaced is lost. */
static at_status replace_old(store *s, const admin_rec *r, const store_cols *cols, long old_id,
                             const char *old_status, long new_id, const char *who, at_err *err)
{
    char old[64], now[64];
    const char *reason = strcmp(r->source, "import") == 0 ? "import --replace" : "replace";
    stored_answers prev;
    at_status rc = stored_read(s, old_id, &prev, err);
    if (rc != AT_OK)
        return rc;
    /* a save given only its packed answers: unpacked here, for the trail */
    const char *const *values = r->values;
    stored_answers given = { .cols = cols };
    if (!values) {
        given.text = xstrndup(r->packed, r->packed_len);
        if (!stored_unpack(&given, r->n)) {
            rc = at_fail(err, AT_EINVAL, "the answers given are not packed as the store packs them");
            goto out;
        }
        values = given.vals;
    }
    /* the trail's rows and the web link that made the replaced one now
     * name the one replacing it */
    static const int repoint[] = { ST_AUDIT_REPOINT, ST_INVITE_REPOINT };
    for (size_t k = 0; k < sizeof repoint / sizeof repoint[0]; k++) {
        db_stmt *st = store_stmt(s, repoint[k], err);
        if (!st) {
            rc = err ? err->code : AT_EDB;
            goto out;
        }
        db_bind_int64(st, 1, old_id);
        db_bind_int64(st, 2, new_id);
        if ((rc = store_step_done(s, st, NULL, err)) != AT_OK)
            goto out;
    }
    if ((rc = bind_step_id(s, ST_ADMIN_DEL, old_id, err)) != AT_OK)
        goto out;
    snprintf(old, sizeof old, "administration %ld (%s)", old_id, old_status);
    snprintf(now, sizeof now, "administration %ld (%s)", new_id, r->status);
    if ((rc = audit_add(s, who, "replace", new_id, NULL, old, now, reason, err)) != AT_OK)
        goto out;
    for (size_t i = 0; i < cols->n && rc == AT_OK; i++) {
        long at = prev.cols == cols ? (long)i : store_cols_find(prev.cols, cols->names[i]);
        const char *was = at >= 0 ? prev.vals[at] : NULL;
        const char *is = i < r->n ? values[i] : NULL;
        if (!same_value(was, is))
            rc = audit_add(s, who, "replace", new_id, cols->names[i], was, is, reason, err);
    }
    /* answers under columns the new version does not have */
    for (size_t i = 0; prev.cols != cols && i < prev.cols->n && rc == AT_OK; i++)
        if (prev.vals[i] && store_cols_find(cols, prev.cols->names[i]) < 0)
            rc = audit_add(s, who, "replace", new_id, prev.cols->names[i], prev.vals[i], NULL,
                           reason, err);
out:
    stored_release(&given);
    stored_release(&prev);
    return rc;
}

/* The duplicate check, cached: store_admin_dup and then store_admin_save
 * for the same administration ask once. */
static at_status dup_find(store *s, long session_id, const char *iname, const char *rater,
                          const char *code, long *found, char status[16], at_err *err)
{
    if (s->session.id == session_id && s->session.none_by &&
        strcmp(s->session.rater, rater) == 0) {
        /* the walk read that the session holds nothing by this rater */
        *found = 0;
        status[0] = '\0';
        return AT_OK;
    }
    sbuf key = SBUF_INIT;
    sbuf_adds(&key, iname);
    sbuf_addc(&key, '\x1f');
    sbuf_adds(&key, rater);
    sbuf_addc(&key, '\x1f');
    sbuf_adds(&key, code);
    if (s->dup.key && s->dup.session_id == session_id && strcmp(s->dup.key, key.buf) == 0) {
        sbuf_release(&key);
        *found = s->dup.found;
        memcpy(status, s->dup.status, 16);
        return AT_OK;
    }
    db_stmt *st = store_stmt(s, ST_ADMIN_DUP, err);
    if (!st) {
        sbuf_release(&key);
        return err ? err->code : AT_EDB;
    }
    db_bind_int64(st, 1, session_id);
    store_bind_str(st, 2, rater);
    store_bind_str(st, 3, code);
    store_bind_str(st, 4, iname);
    int step = db_step(st);
    *found = 0;
    status[0] = '\0';
    if (step == DB_ROW) {
        *found = (long)db_column_int64(st, 0);
        snprintf(status, 16, "%s", store_col(st, 1));
    }
    db_reset(st);
    if (step != DB_ROW && step != DB_DONE) {
        sbuf_release(&key);
        return store_dberr(s, err);
    }
    free(s->dup.key);
    s->dup.key = sbuf_detach(&key);
    s->dup.session_id = session_id;
    s->dup.found = *found;
    memcpy(s->dup.status, status, 16);
    return AT_OK;
}

at_status store_admin_dup(store *s, long session_id, long instrument_id, const char *rater,
                          const char *rater_code, long *admin_id, long *seq, at_err *err)
{
    const char *iname = NULL;
    char status[16];
    *admin_id = 0;
    *seq = 0;
    at_status rc = instrument_name(s, instrument_id, &iname, err);
    if (rc == AT_OK)
        rc = dup_find(s, session_id, iname, rater ? rater : "", rater_code ? rater_code : "",
                      admin_id, status, err);
    if (rc == AT_OK && s->in_txn && *admin_id > s->admin0)
        *seq = *admin_id - s->admin0;
    return rc;
}

/* Marks row id of kind k (0 session, 1 client, 2 therapist) as touched by
 * the open transaction. */
static void touch(store *s, int k, long id)
{
    if (id <= 0)
        return;
    size_t byte = (size_t)id / 8;
    if (byte >= s->touched[k].cap) {
        size_t cap = s->touched[k].cap ? s->touched[k].cap : 1024;
        while (cap <= byte)
            cap *= 2;
        s->touched[k].bits = xrealloc(s->touched[k].bits, cap);
        memset(s->touched[k].bits + s->touched[k].cap, 0, cap - s->touched[k].cap);
        s->touched[k].cap = cap;
    }
    unsigned char bit = (unsigned char)(1u << (id % 8));
    if (!(s->touched[k].bits[byte] & bit)) {
        s->touched[k].bits[byte] |= bit;
        s->touched[k].count++;
    }
}

at_status store_txn_counts(store *s, size_t out[4], at_err *err)
{
    (void)err;
    out[0] = s->in_txn ? s->txn_saves : 0;
    for (int k = 0; k < 3; k++)
        out[k == 0 ? 3 : k] = s->in_txn ? s->touched[k].count : 0;
    return AT_OK;
}

static at_status save_body(store *s, const admin_rec *r, int replace, const char *who,
                           long *admin_id, long *session_out, at_err *err)
{
    long tid = 0, cid = 0, ctid = 0, number = 0, old_id = 0;
    char old_status[16] = "";
    int fresh = 0;
    const char *iname = NULL;
    const char *code = store_rater_code(r->rater, r->client, r->rater_code);
    at_status rc = instrument_name(s, r->instrument_id, &iname, err);
    if (rc != AT_OK)
        return rc;
    const store_cols *cols = store_cols_get(s, r->instrument_id, err);
    if (!cols)
        return err ? err->code : AT_EDB;
    if (r->n > cols->n)
        return at_fail(err, AT_EINVAL, "%zu answers given, but version %ld of '%s' has %zu "
                       "columns", r->n, r->instrument_id, iname, cols->n);
    if (r->therapist && *r->therapist)
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
    /* a session comes before its questionnaires: none is saved into a
     * session dated later than the day it is answered */
    char day[11];
    const char *on = r->finished_at ? store_local_day(r->finished_at, day) : clock_today(s);
    if (store_session_later(s->session.date, on))
        return at_fail(err, AT_EINVAL, "session %ld of client '%s' is dated %s, later than %s%s: "
                       "a questionnaire is not saved into a session dated later than the day "
                       "it is saved", number, r->client, s->session.date,
                       r->finished_at ? "the day it was answered, " : "today, ", on);

    if (!fresh) {
        if ((rc = dup_find(s, s->session.id, iname, r->rater, code, &old_id, old_status,
                           err)) != AT_OK)
            return rc;
        if (old_id && !replace)
            return at_fail(err, AT_EEXIST,
                           "client '%s' session %ld already has %s %s rating%s%s%s of '%s'",
                           r->client, number, store_rater_article(r->rater), r->rater,
                           *code ? " by '" : "", code, *code ? "'" : "", iname);
    }

    int given = store_ids_given(s);
    db_stmt *st = store_stmt(s, given ? ST_ADMIN_INS_ID : ST_ADMIN_INS, err);
    if (!st)
        return err ? err->code : AT_EDB;
    const char *now = r->started_at && r->finished_at ? NULL : clock_now(s);
    const char *packed = r->packed;
    size_t packed_len = r->packed_len;
    if (!packed) {
        store_pack(&s->pack, r->values, r->n);
        packed = s->pack.buf;
        packed_len = s->pack.len;
    }
    db_bind_int64(st, 1, s->session.id);
    db_bind_int64(st, 2, r->instrument_id);
    store_bind_str(st, 3, r->rater);
    store_bind_str(st, 4, code);
    store_bind_str(st, 5, r->status);
    store_bind_str(st, 6, r->started_at ? r->started_at : now);
    store_bind_str(st, 7, r->finished_at ? r->finished_at : now);
    store_bind_str(st, 8, r->source);
    db_bind_textn(st, 9, packed, packed_len);
    long id = 0;
    if (given)
        db_bind_int64(st, 10, s->admin_top + 1);
    if ((rc = store_step_done(s, st, given ? NULL : &id, err)) != AT_OK)
        return rc;
    if (given)
        id = ++s->admin_top;
    /* the checks are stale now: the next one finds the new row */
    free(s->dup.key);
    s->dup.key = NULL;
    s->session.none_by = 0;
    /* a study from before one client rating per session may hold two under
     * one key: the replacement replaces each */
    while (old_id && old_id != id) {
        if ((rc = replace_old(s, r, cols, old_id, old_status, id, who, err)) != AT_OK ||
            (rc = dup_find(s, s->session.id, iname, r->rater, code, &old_id, old_status,
                           err)) != AT_OK)
            return rc;
        free(s->dup.key);
        s->dup.key = NULL;
    }
    if (s->in_txn) {
        touch(s, 0, s->session.id);
        touch(s, 1, cid);
        touch(s, 2, s->session.therapist_id);
        s->txn_saves++;
    }
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

at_status store_admin_answers(store *s, long admin_id,
                              void (*fn)(size_t n, const char *const *names,
                                         const char *const *values, void *ctx),
                              void *ctx, at_err *err)
{
    stored_answers a;
    at_status rc = stored_read(s, admin_id, &a, err);
    if (rc != AT_OK)
        return rc;
    fn(a.cols->n, (const char *const *)a.cols->names, a.vals, ctx);
    stored_release(&a);
    return AT_OK;
}

static at_status amend_body(store *s, long admin_id, const char *field, const char *value,
                            const char *reason, const char *who, at_err *err)
{
    stored_answers a;
    at_status rc = stored_read(s, admin_id, &a, err);
    if (rc != AT_OK)
        return rc;
    long pos = store_cols_find(a.cols, field);
    if (pos < 0) {
        rc = at_fail(err, AT_ENOTFOUND, "administration %ld has no column '%s'", admin_id, field);
        goto out;
    }
    const char *old = a.vals[pos];
    if (same_value(old, value))
        goto out;
    /* the audit row first: it copies old before the values array changes */
    rc = audit_add(s, who, "amend", admin_id, field, old, value,
                   reason && *reason ? reason : NULL, err);
    if (rc != AT_OK)
        goto out;
    a.vals[pos] = value && *value ? value : NULL;
    store_pack(&s->pack, a.vals, a.cols->n);
    db_stmt *st = store_stmt(s, ST_ADMIN_SET_ANSWERS, err);
    if (!st) {
        rc = err ? err->code : AT_EDB;
        goto out;
    }
    db_bind_int64(st, 1, admin_id);
    db_bind_textn(st, 2, s->pack.buf, s->pack.len);
    rc = store_step_done(s, st, NULL, err);
out:
    stored_release(&a);
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

static at_status status_body(store *s, long admin_id, const char *status, const char *reason,
                             const char *who, at_err *err)
{
    db_stmt *st = store_stmt(s, ST_ADMIN_STATUS, err);
    if (!st)
        return err ? err->code : AT_EDB;
    db_bind_int64(st, 1, admin_id);
    int step = db_step(st);
    char old[16] = "";
    if (step == DB_ROW)
        snprintf(old, sizeof old, "%s", store_col(st, 0));
    db_reset(st);
    if (step == DB_DONE)
        return at_fail(err, AT_ENOTFOUND, "administration %ld does not exist", admin_id);
    if (step != DB_ROW)
        return store_dberr(s, err);
    if (strcmp(old, status) == 0)
        return AT_OK;
    at_status rc = audit_add(s, who, "amend", admin_id, "attune.status", old, status,
                             reason && *reason ? reason : NULL, err);
    if (rc != AT_OK || !(st = store_stmt(s, ST_ADMIN_SET_STATUS, err)))
        return rc != AT_OK ? rc : err ? err->code : AT_EDB;
    db_bind_int64(st, 1, admin_id);
    store_bind_str(st, 2, status);
    return store_step_done(s, st, NULL, err);
}

at_status store_admin_set_status(store *s, long admin_id, const char *status,
                                 const char *reason, const char *who, at_err *err)
{
    if (!status || (strcmp(status, "complete") != 0 && strcmp(status, "partial") != 0))
        return at_fail(err, AT_EINVAL, "a status is complete or partial, not '%s'",
                       status ? status : "");
    at_status rc = store_wbegin(s, err);
    if (rc != AT_OK)
        return rc;
    return store_wend(s, status_body(s, admin_id, status, reason, who, err), err);
}
