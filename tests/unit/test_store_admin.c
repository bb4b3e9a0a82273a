/* Unit tests for administrations in the store: saving, reading back with
 * filters, duplicates and --replace, transactions, amendments, the audit
 * trail. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pwd.h>
#include <unistd.h>

#include "store.h"
#include "store_fixture.h"

/* The answer columns of the test instruments. */
static const char *const test_cols[] = { "a", "b", "c", "y", "z" };

static long psq1, psq2, other1;

/* A study with two therapists in two cohorts, one client and instruments. */
static store *seed(const fixture *f)
{
    at_err err;
    long v;
    int added;
    store *s = open_ok(f->db, STORE_CREATE);
    assert_int_equal(store_therapist_add(s, "T1", "A", &err), AT_OK);
    assert_int_equal(store_therapist_add(s, "T2", "B", &err), AT_OK);
    assert_int_equal(store_client_add(s, "C01", "T1", &err), AT_OK);
    assert_int_equal(store_instrument_add(s, "psq_client", "one", NULL, test_cols, 5, &psq1, &v, &added, &err), AT_OK);
    assert_int_equal(store_instrument_add(s, "psq_client", "two", NULL, test_cols, 5, &psq2, &v, &added, &err), AT_OK);
    assert_int_equal(v, 2);
    assert_int_equal(store_instrument_add(s, "other", "one", NULL, test_cols, 5, &other1, &v, &added, &err), AT_OK);
    return s;
}

typedef struct save_args {
    const char *client, *therapist;
    long session;
    const char *date, *modality;
    long instrument;
    const char *rater, *code, *status;
    const char *answers;   /* "field=value;field=value" */
} save_args;

static at_status save(store *s, save_args a, int replace, long *id, long *session, at_err *err)
{
    const char *values[5] = { NULL, NULL, NULL, NULL, NULL };
    char buf[256], *save_ptr = NULL;
    snprintf(buf, sizeof buf, "%s", a.answers ? a.answers : "");
    for (char *tok = strtok_r(buf, ";", &save_ptr); tok; tok = strtok_r(NULL, ";", &save_ptr)) {
        char *eq = strchr(tok, '=');
        assert_non_null(eq);
        *eq = '\0';
        size_t k = 0;
        while (k < 5 && strcmp(test_cols[k], tok) != 0)
            k++;
        assert_true(k < 5);
        values[k] = eq + 1;
    }
    admin_rec r = {
        .client = a.client, .therapist = a.therapist, .session = a.session, .date = a.date,
        .modality = a.modality, .instrument_id = a.instrument ? a.instrument : psq1,
        .rater = a.rater ? a.rater : "client", .rater_code = a.code,
        .status = a.status ? a.status : "complete", .source = "import",
        .values = values, .n = 5,
    };
    long dummy_id, dummy_session;
    return store_admin_save(s, &r, replace, "alice", id ? id : &dummy_id,
                            session ? session : &dummy_session, err);
}

static void save_ok(store *s, save_args a, long *id)
{
    at_err err;
    if (save(s, a, 0, id, NULL, &err) != AT_OK)
        fail_msg("save: %s", err.msg);
}

typedef struct listing {
    sbuf text;
    int stop_after;
    int seen;
} listing;

static int list_admin(const admin_view *v, void *ctx)
{
    listing *l = ctx;
    sbuf_addf(&l->text, "%s|%s|%s|%ld|%s|%s|%s v%ld|%s|%s|%s|%s:", v->client, v->therapist,
              v->cohort, v->session, v->date, v->modality, v->instrument, v->version,
              v->rater, v->rater_code, v->status, v->source);
    for (size_t i = 0; i < v->n; i++)
        if (v->values[i])
            sbuf_addf(&l->text, " %s=%s", v->fields[i], v->values[i]);
    sbuf_addc(&l->text, '\n');
    if (!*v->started_at || !*v->finished_at)
        sbuf_adds(&l->text, "(no times)\n");
    return l->stop_after && ++l->seen >= l->stop_after;
}

static void check_each(store *s, admin_filter flt, const char *want)
{
    listing l = { SBUF_INIT, 0, 0 };
    at_err err;
    assert_int_equal(store_admin_each(s, &flt, list_admin, &l, &err), AT_OK);
    assert_string_equal(sbuf_str(&l.text), want);
    sbuf_release(&l.text);
}

static void test_save_and_read(void **state)
{
    fixture *f = *state;
    at_err err;
    char *t = NULL;
    long sess;
    store *s = seed(f);
    /* saved out of order; C02 and T3 do not exist yet and are created */
    save_ok(s, (save_args){ "C02", "T3", 1, "2026-01-10", "telehealth", 0, 0, 0, "partial",
                            "b=2;a=1;c=" }, NULL);
    save_ok(s, (save_args){ "C01", "T1", 2, "2026-01-08", 0, 0, "therapist", 0, 0, "a=4" }, NULL);
    save_ok(s, (save_args){ "C01", "T1", 1, "2026-01-01", 0, 0, 0, 0, 0, "a=3;b=" }, NULL);
    save_ok(s, (save_args){ "C01", NULL, 1, NULL, 0, 0, "therapist", "", 0, "a=5" }, NULL);
    save_ok(s, (save_args){ "C01", "T1", 1, "2026-01-01", 0, 0, "observer", "S2", 0, "z=1;y=2" }, NULL);
    save_ok(s, (save_args){ "C01", "T1", 1, "2026-01-01", 0, 0, "observer", "S1", 0, "a=2" }, NULL);
    save_ok(s, (save_args){ "C01", "T1", 1, "2026-01-01", 0, other1, 0, 0, 0, "y=7" }, NULL);
    save_ok(s, (save_args){ "C01", "T1", 2, 0, 0, psq2, 0, 0, 0, "" }, NULL);
    assert_int_equal(store_client_find(s, "C02", &t, NULL), AT_OK);
    assert_string_equal(t, "T3");
    free(t);

    const char *c01s1 =
        "C01|T1|A|1|2026-01-01||psq_client v1|client|C01|complete|import: a=3\n"
        "C01|T1|A|1|2026-01-01||other v1|client|C01|complete|import: y=7\n"
        "C01|T1|A|1|2026-01-01||psq_client v1|observer|S1|complete|import: a=2\n"
        "C01|T1|A|1|2026-01-01||psq_client v1|observer|S2|complete|import: y=2 z=1\n"
        "C01|T1|A|1|2026-01-01||psq_client v1|therapist||complete|import: a=5\n";
    const char *c01s2 =
        "C01|T1|A|2|2026-01-08||psq_client v2|client|C01|complete|import:\n"
        "C01|T1|A|2|2026-01-08||psq_client v1|therapist||complete|import: a=4\n";
    const char *c02 = "C02|T3||1|2026-01-10|telehealth|psq_client v1|client|C02|partial|import: a=1 b=2\n";
    char all[2048];
    snprintf(all, sizeof all, "%s%s%s", c01s1, c01s2, c02);
    check_each(s, (admin_filter){ 0 }, all);

    check_each(s, (admin_filter){ .instrument = "other" },
               "C01|T1|A|1|2026-01-01||other v1|client|C01|complete|import: y=7\n");
    check_each(s, (admin_filter){ .client = "C02" }, c02);
    check_each(s, (admin_filter){ .therapist = "T3" }, c02);
    check_each(s, (admin_filter){ .cohort = "A", .session = 2 }, c01s2);
    check_each(s, (admin_filter){ .cohort = "B" }, "");
    check_each(s, (admin_filter){ .rater = "observer" },
               "C01|T1|A|1|2026-01-01||psq_client v1|observer|S1|complete|import: a=2\n"
               "C01|T1|A|1|2026-01-01||psq_client v1|observer|S2|complete|import: y=2 z=1\n");
    snprintf(all, sizeof all, "%s%s", c01s2, c02);
    check_each(s, (admin_filter){ .from_date = "2026-01-08" }, all);
    check_each(s, (admin_filter){ .from_date = "2026-01-02", .to_date = "2026-01-09" }, c01s2);
    check_each(s, (admin_filter){ .client = "C01", .rater = "therapist", .instrument = "psq_client",
                                  .to_date = "2026-01-01" },
               "C01|T1|A|1|2026-01-01||psq_client v1|therapist||complete|import: a=5\n");
    listing l = { SBUF_INIT, 2, 0 };   /* a non-zero return stops the walk */
    assert_int_equal(store_admin_each(s, NULL, list_admin, &l, &err), AT_OK);
    assert_int_equal(l.seen, 2);
    sbuf_release(&l.text);

    /* session 0 is the client's next session, created with today's date */
    char today[11];
    util_today_iso(today);
    assert_int_equal(save(s, (save_args){ "C01", NULL, 0, 0, 0, 0, 0, 0, 0, "a=1" }, 0, NULL,
                          &sess, &err), AT_OK);
    assert_int_equal(sess, 3);
    session_info si;
    assert_int_equal(store_session_get(s, "C01", 3, &si, &err), AT_OK);
    assert_string_equal(si.date, today);
    assert_string_equal(si.therapist, "T1");
    session_info_release(&si);
    store_close(s);
}

static void test_save_refusals(void **state)
{
    fixture *f = *state;
    at_err err;
    store *s = seed(f);
    save_ok(s, (save_args){ "C01", "T1", 1, "2026-01-01", 0, 0, 0, 0, 0, "a=1" }, NULL);
    long admins = db_long(s, "SELECT count(*) FROM administrations");
    assert_int_equal(save(s, (save_args){ "C01", "T2", 1, 0, 0, 0, "therapist", 0, 0, "a=1" },
                          0, NULL, NULL, &err), AT_EINVAL);
    assert_string_equal(err.msg, "session 1 of client 'C01' is with therapist 'T1' (in the study), not 'T2'");
    assert_int_equal(save(s, (save_args){ "C01", 0, 1, "2026-01-02", 0, 0, "therapist", 0, 0,
                                          "a=1" }, 0, NULL, NULL, &err), AT_EINVAL);
    assert_string_equal(err.msg, "session 1 of client 'C01' is dated 2026-01-01 (in the study), not 2026-01-02");
    assert_int_equal(save(s, (save_args){ "C01", 0, 1, 0, 0, 0, "supervisor", 0, 0, "a=1" }, 0,
                          NULL, NULL, &err), AT_EINVAL);
    assert_int_equal(save(s, (save_args){ "C01", 0, 1, 0, 0, 0, 0, 0, "done", "a=1" }, 0, NULL,
                          NULL, &err), AT_EINVAL);
    assert_int_equal(save(s, (save_args){ "C01", 0, 2, "2026-13-01", 0, 0, 0, 0, 0, "a=1" }, 0,
                          NULL, NULL, &err), AT_EINVAL);
    assert_int_equal(save(s, (save_args){ "C01", 0, 2, 0, "video", 0, 0, 0, 0, "a=1" }, 0, NULL,
                          NULL, &err), AT_EINVAL);
    assert_int_equal(save(s, (save_args){ "C01", 0, 2, 0, 0, 999, 0, 0, 0, "a=1" }, 0, NULL,
                          NULL, &err), AT_ENOTFOUND);
    /* a code is a pseudonym: a name, an address or an accented letter is not one */
    assert_int_equal(save(s, (save_args){ "Jane Doe", 0, 1, 0, 0, 0, 0, 0, 0, "a=1" }, 0, NULL,
                          NULL, &err), AT_EINVAL);
    assert_string_equal(err.msg, "client code 'Jane Doe': use only the letters a-z and A-Z "
                                 "(no accents), digits, '-', '_' and '.'");
    assert_int_equal(save(s, (save_args){ "C02", "Dr.Smith, MD", 1, 0, 0, 0, 0, 0, 0, "a=1" }, 0,
                          NULL, NULL, &err), AT_EINVAL);
    assert_int_equal(save(s, (save_args){ "C01", 0, 2, 0, 0, 0, "observer", "j.doe@clinic.org", 0,
                                          "a=1" }, 0, NULL, NULL, &err), AT_EINVAL);
    assert_int_equal(save(s, (save_args){ "Zo\xc3\xab", 0, 1, 0, 0, 0, 0, 0, 0, "a=1" }, 0, NULL,
                          NULL, &err), AT_EINVAL);
    assert_int_equal(store_client_add(s, "C 3", NULL, &err), AT_EINVAL);
    assert_int_equal(db_long(s, "SELECT count(*) FROM administrations"), admins);
    assert_int_equal(db_long(s, "SELECT count(*) FROM sessions"), 1);
    assert_int_equal(db_long(s, "SELECT count(*) FROM clients"), 1);
    assert_int_equal(db_long(s, "SELECT count(*) FROM therapists"), 2);
    /* a modality is filled in when the session had none, and then holds */
    save_ok(s, (save_args){ "C01", 0, 1, 0, "telehealth", 0, "therapist", 0, 0, "a=1" }, NULL);
    assert_int_equal(save(s, (save_args){ "C01", 0, 1, 0, "in-person", 0, "observer", 0, 0,
                                          "a=1" }, 0, NULL, NULL, &err), AT_EINVAL);
    assert_non_null(strstr(err.msg, "is telehealth (in the study), not in-person"));
    store_close(s);
}

/* "who" with the account running the test shown as "me". */
static const char *who_text(const char *who, char *buf, size_t n)
{
    struct passwd *pw = getpwuid(geteuid());
    size_t len = pw ? strlen(pw->pw_name) : 0;
    if (len && strncmp(who, pw->pw_name, len) == 0 && (who[len] == '\0' || who[len] == ' '))
        snprintf(buf, n, "me%s", who + len);
    else
        snprintf(buf, n, "%s", who);
    return buf;
}

static int list_audit(const audit_view *v, void *ctx)
{
    char who[128];
    sbuf_addf(ctx, "%s|%s|%s|%s|%ld|%s|%s|%s|%s|%s|%s\n", v->action,
              who_text(v->who, who, sizeof who), v->instrument,
              v->client, v->session, v->rater, v->rater_code, v->field, v->old_value,
              v->new_value, v->reason);
    if (strlen(v->at) != 20)
        sbuf_adds(ctx, "(bad time)\n");
    return 0;
}

static void check_audit(store *s, const char *want)
{
    sbuf out = SBUF_INIT;
    at_err err;
    assert_int_equal(store_audit_each(s, list_audit, &out, &err), AT_OK);
    assert_string_equal(sbuf_str(&out), want);
    sbuf_release(&out);
}

static void test_duplicate_and_replace(void **state)
{
    fixture *f = *state;
    at_err err;
    long id1, id2, idx;
    char want[512];
    store *s = seed(f);
    save_ok(s, (save_args){ "C01", "T1", 1, "2026-01-01", 0, 0, 0, 0, "partial", "a=1" }, &id1);
    check_audit(s, "");   /* a first save is not a change */
    assert_int_equal(store_amend(s, id1, "a", "2", "typo", "bob", &err), AT_OK);
    assert_int_equal(save(s, (save_args){ "C01", 0, 1, 0, 0, 0, 0, 0, 0, "a=9" }, 0, NULL, NULL,
                          &err), AT_EEXIST);
    assert_string_equal(err.msg, "client 'C01' session 1 already has a client rating by 'C01' "
                                 "of 'psq_client'");
    /* the client's own code is the same rating as a blank one; another code is refused */
    assert_int_equal(save(s, (save_args){ "C01", 0, 1, 0, 0, 0, 0, "C01", 0, "a=9" }, 0, NULL,
                          NULL, &err), AT_EEXIST);
    assert_int_equal(save(s, (save_args){ "C01", 0, 1, 0, 0, 0, 0, "X", 0, "a=9" }, 0, NULL,
                          NULL, &err), AT_EINVAL);
    assert_string_equal(err.msg, "a client's own rating takes the client's code ('C01') as its "
                                 "rater code, not 'X'");
    /* another version of the same instrument is the same questionnaire */
    assert_int_equal(save(s, (save_args){ "C01", 0, 1, 0, 0, psq2, 0, 0, 0, "a=9" }, 0, NULL,
                          NULL, &err), AT_EEXIST);
    /* a different rater code is a different rating (for observers) */
    save_ok(s, (save_args){ "C01", 0, 1, 0, 0, 0, "observer", "X", 0, "a=5" }, &idx);
    assert_int_equal(save(s, (save_args){ "C01", 0, 1, 0, 0, 0, "observer", "X", 0, "a=5" }, 0,
                          NULL, NULL, &err), AT_EEXIST);
    assert_non_null(strstr(err.msg, "an observer rating by 'X' of 'psq_client'"));
    /* a replacement that fails leaves the old one as it was */
    assert_int_equal(save(s, (save_args){ "C01", 0, 1, "2026-02-02", 0, psq2, 0, 0, 0, "a=3" },
                          1, NULL, NULL, &err), AT_EINVAL);
    check_each(s, (admin_filter){ 0 },
               "C01|T1|A|1|2026-01-01||psq_client v1|client|C01|partial|import: a=2\n"
               "C01|T1|A|1|2026-01-01||psq_client v1|observer|X|complete|import: a=5\n");

    assert_int_equal(save(s, (save_args){ "C01", 0, 1, 0, 0, psq2, 0, 0, 0, "a=3;b=4" }, 1,
                          &id2, NULL, &err), AT_OK);
    assert_int_not_equal(id2, id1);
    check_each(s, (admin_filter){ 0 },
               "C01|T1|A|1|2026-01-01||psq_client v2|client|C01|complete|import: a=3 b=4\n"
               "C01|T1|A|1|2026-01-01||psq_client v1|observer|X|complete|import: a=5\n");
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM responses WHERE administration_id = %ld", id1);
    assert_int_equal(db_long(s, sql), 0);
    /* the amendment stays on record, now under the rating that replaced it */
    snprintf(want, sizeof want,
             "amend|me (bob)|psq_client|C01|1|client|C01|a|1|2|typo\n"
             "replace|me (alice)|psq_client|C01|1|client|C01||administration %ld (partial)|"
             "administration %ld (complete)|import --replace\n"
             "replace|me (alice)|psq_client|C01|1|client|C01|a|2|3|import --replace\n"
             "replace|me (alice)|psq_client|C01|1|client|C01|b||4|import --replace\n", id1, id2);
    check_audit(s, want);
    store_close(s);
}

static void test_transactions(void **state)
{
    fixture *f = *state;
    at_err err;
    store *s = seed(f);
    long admins = db_long(s, "SELECT count(*) FROM administrations");

    assert_int_equal(store_begin(s, &err), AT_OK);
    assert_int_equal(store_begin(s, &err), AT_EINVAL);
    save_ok(s, (save_args){ "C05", "T5", 1, 0, 0, 0, 0, 0, 0, "a=1" }, NULL);
    /* a save refused for its arguments touches nothing: the transaction goes on */
    assert_int_equal(save(s, (save_args){ "C05", "T5", 2, 0, 0, 0, "judge", 0, 0, "a=1" }, 0,
                          NULL, NULL, &err), AT_EINVAL);
    save_ok(s, (save_args){ "C05", "T5", 2, 0, 0, 0, 0, 0, 0, "a=1" }, NULL);
    /* fails after creating its therapist (session 1 is with T5): that undoes
     * the whole transaction, the earlier saves with it */
    assert_int_equal(save(s, (save_args){ "C05", "T6", 1, 0, 0, 0, "observer", 0, 0, "a=1" }, 0,
                          NULL, NULL, &err), AT_EINVAL);
    assert_string_equal(err.msg, "session 1 of client 'C05' is with therapist 'T5' (in the "
                        "study), not 'T6'");
    assert_int_equal(store_client_find(s, "C06", NULL, NULL), AT_ENOTFOUND);
    assert_int_equal(store_client_find(s, "C05", NULL, NULL), AT_ENOTFOUND);
    assert_int_equal(db_long(s, "SELECT count(*) FROM therapists WHERE code IN ('T5', 'T6')"), 0);
    assert_int_equal(db_long(s, "SELECT count(*) FROM administrations"), admins);
    /* later writes are refused, not committed one by one */
    assert_int_equal(save(s, (save_args){ "C07", 0, 1, 0, 0, 0, 0, 0, 0, "a=1" }, 0, NULL, NULL,
                          &err), AT_EINVAL);
    assert_non_null(strstr(err.msg, "undone after an earlier error"));
    assert_int_equal(store_therapist_add(s, "T7", NULL, &err), AT_EINVAL);
    assert_int_equal(store_begin(s, &err), AT_EINVAL);
    assert_int_equal(store_commit(s, &err), AT_EDB);
    assert_non_null(strstr(err.msg, "nothing was saved"));
    assert_int_equal(store_commit(s, &err), AT_EINVAL);
    store_rollback(s);   /* harmless once commit has ended it */
    assert_int_equal(store_client_find(s, "C07", NULL, NULL), AT_ENOTFOUND);
    assert_int_equal(db_long(s, "SELECT count(*) FROM therapists WHERE code = 'T7'"), 0);
    assert_int_equal(db_long(s, "SELECT count(*) FROM administrations"), admins);

    /* the caches forget what was undone: the same rows save cleanly */
    assert_int_equal(store_begin(s, &err), AT_OK);
    save_ok(s, (save_args){ "C05", "T5", 1, 0, 0, 0, 0, 0, 0, "a=1" }, NULL);
    save_ok(s, (save_args){ "C06", "T6", 1, 0, 0, 0, 0, 0, 0, "a=1" }, NULL);
    assert_int_equal(store_commit(s, &err), AT_OK);
    assert_int_equal(store_commit(s, &err), AT_EINVAL);
    assert_int_equal(store_client_find(s, "C05", NULL, NULL), AT_OK);
    assert_int_equal(db_long(s, "SELECT count(*) FROM administrations"), admins + 2);

    /* a failed save followed by a rollback also leaves the store writable */
    assert_int_equal(store_begin(s, &err), AT_OK);
    assert_int_equal(save(s, (save_args){ "C05", "T5", 1, 0, 0, 0, 0, 0, 0, "a=2" }, 0, NULL,
                          NULL, &err), AT_EEXIST);
    store_rollback(s);
    assert_int_equal(store_therapist_add(s, "T7", NULL, &err), AT_OK);
    assert_int_equal(db_long(s, "SELECT count(*) FROM therapists WHERE code = 'T7'"), 1);

    assert_int_equal(store_begin(s, &err), AT_OK);
    save_ok(s, (save_args){ "C07", 0, 1, 0, 0, 0, 0, 0, 0, "a=1" }, NULL);
    assert_int_equal(store_therapist_add(s, "T8", NULL, &err), AT_OK);
    store_rollback(s);
    assert_int_equal(store_client_find(s, "C07", NULL, NULL), AT_ENOTFOUND);
    assert_int_equal(db_long(s, "SELECT count(*) FROM therapists WHERE code = 'T8'"), 0);
    assert_int_equal(db_long(s, "SELECT count(*) FROM administrations"), admins + 2);
    /* after a rollback, cached ids of the undone rows are not reused */
    assert_int_equal(store_begin(s, &err), AT_OK);
    save_ok(s, (save_args){ "C07", 0, 1, 0, 0, 0, 0, 0, 0, "a=1" }, NULL);
    assert_int_equal(store_commit(s, &err), AT_OK);
    assert_int_equal(store_client_find(s, "C07", NULL, NULL), AT_OK);

    /* without store_begin, a failing save leaves nothing either: the
     * therapist it made before meeting C07's session is gone */
    assert_int_equal(save(s, (save_args){ "C07", "T9", 1, 0, 0, 0, "observer", 0, 0, "a=1" }, 0,
                          NULL, NULL, &err), AT_EINVAL);
    assert_int_equal(db_long(s, "SELECT count(*) FROM therapists WHERE code = 'T9'"), 0);
    store_close(s);

    /* a transaction left open at close is undone */
    s = open_ok(f->db, STORE_WRITE);
    assert_int_equal(store_begin(s, &err), AT_OK);
    assert_int_equal(store_therapist_add(s, "T10", NULL, &err), AT_OK);
    store_close(s);
    s = open_ok(f->db, STORE_READ);
    assert_int_equal(db_long(s, "SELECT count(*) FROM therapists WHERE code = 'T10'"), 0);
    store_close(s);
}

static void test_amend(void **state)
{
    fixture *f = *state;
    at_err err;
    long id;
    store *s = seed(f);
    save_ok(s, (save_args){ "C01", "T1", 1, "2026-01-01", 0, 0, 0, 0, 0, "a=1;b=2" }, &id);
    assert_int_equal(store_amend(s, id, "a", "3", "typed from paper wrongly", "bob", &err), AT_OK);
    assert_int_equal(store_amend(s, id, "a", "3", "again", "bob", &err), AT_OK);   /* no change */
    assert_int_equal(store_amend(s, id, "b", "", "not answered", "carol", &err), AT_OK);
    assert_int_equal(store_amend(s, id, "b", NULL, "still not", "carol", &err), AT_OK);
    assert_int_equal(store_amend(s, id, "c", "5", NULL, "", &err), AT_OK);
    assert_int_equal(store_amend(s, id + 100, "a", "1", "x", "bob", &err), AT_ENOTFOUND);
    assert_int_equal(store_amend(s, id, "", "1", "x", "bob", &err), AT_EINVAL);
    check_each(s, (admin_filter){ 0 },
               "C01|T1|A|1|2026-01-01||psq_client v1|client|C01|complete|import: a=3 c=5\n");
    check_audit(s, "amend|me (bob)|psq_client|C01|1|client|C01|a|1|3|typed from paper wrongly\n"
                   "amend|me (carol)|psq_client|C01|1|client|C01|b|2||not answered\n"
                   "amend|me|psq_client|C01|1|client|C01|c||5|\n");
    store_close(s);
    s = open_ok(f->db, STORE_READ);
    assert_int_equal(store_amend(s, id, "a", "4", "x", "bob", &err), AT_EINVAL);
    store_close(s);
}

static void test_find(void **state)
{
    fixture *f = *state;
    at_err err;
    long a, b, c, id, instr;
    store *s = seed(f);
    save_ok(s, (save_args){ "C01", "T1", 1, 0, 0, psq2, 0, 0, 0, "a=1" }, &a);
    save_ok(s, (save_args){ "C01", "T1", 1, 0, 0, 0, "observer", "S1", 0, "a=1" }, &b);
    save_ok(s, (save_args){ "C01", "T1", 1, 0, 0, 0, "observer", "S2", 0, "a=1" }, &c);
    assert_int_equal(store_admin_find(s, "psq_client", "C01", 1, "client", NULL, &id, &instr,
                                      &err), AT_OK);
    assert_int_equal(id, a);
    assert_int_equal(instr, psq2);
    assert_int_equal(store_admin_find(s, "psq_client", "C01", 1, "observer", "S2", &id, &instr,
                                      &err), AT_OK);
    assert_int_equal(id, c);
    assert_int_equal(store_admin_find(s, "psq_client", "C01", 1, "observer", NULL, &id, &instr,
                                      &err), AT_EINVAL);
    assert_int_equal(store_admin_find(s, "psq_client", "C01", 2, "client", NULL, &id, &instr,
                                      &err), AT_ENOTFOUND);
    assert_int_equal(store_admin_find(s, "other", "C01", 1, "client", NULL, &id, &instr, &err),
                     AT_ENOTFOUND);
    assert_non_null(strstr(err.msg, "has no client rating of 'other'"));
    assert_int_equal(store_admin_find(s, "psq_client", "C01", 1, "observer", NULL, &id, &instr,
                                      &err), AT_EINVAL);
    assert_non_null(strstr(err.msg, "several observer ratings of 'psq_client', by 'S1' and 'S2'"));
    assert_int_equal(store_admin_find(s, "psq_client", "C01", 1, NULL, NULL, &id, &instr, &err),
                     AT_EINVAL);
    assert_non_null(strstr(err.msg, "by client 'C01', observer 'S1' and observer 'S2' (give the "
                                    "rater and rater code)"));

    /* a therapist's rating without a code is the session therapist's (T1):
     * that code finds it and "" finds one under T1's code, not another's */
    long t, u;
    save_ok(s, (save_args){ "C01", "T1", 1, 0, 0, 0, "therapist", "", 0, "a=1" }, &t);
    save_ok(s, (save_args){ "C01", "T1", 1, 0, 0, 0, "therapist", "T2", 0, "a=1" }, &u);
    save_ok(s, (save_args){ "C01", "T1", 2, 0, 0, 0, "therapist", "T1", 0, "a=1" }, &c);
    assert_int_equal(store_admin_find(s, "psq_client", "C01", 1, "therapist", "T1", &id, &instr,
                                      &err), AT_OK);
    assert_int_equal(id, t);
    assert_int_equal(store_admin_find(s, "psq_client", "C01", 1, "therapist", "T2", &id, &instr,
                                      &err), AT_OK);
    assert_int_equal(id, u);
    assert_int_equal(store_admin_find(s, "psq_client", "C01", 1, "therapist", NULL, &id, &instr,
                                      &err), AT_EINVAL);
    assert_non_null(strstr(err.msg, "several therapist ratings of 'psq_client', by 'T1' and 'T2'"));
    assert_int_equal(store_admin_find(s, "psq_client", "C01", 2, "therapist", "", &id, &instr,
                                      &err), AT_OK);
    assert_int_equal(id, c);
    assert_int_equal(store_admin_find(s, "psq_client", "C01", 2, "therapist", "T2", &id, &instr,
                                      &err), AT_ENOTFOUND);
    /* an observer's blank code stands for no one */
    assert_int_equal(store_admin_find(s, "psq_client", "C01", 1, "observer", "T1", &id, &instr,
                                      &err), AT_ENOTFOUND);

    /* the same rule filters a reading */
    long count = 0;
    assert_int_equal(store_admin_count(s, &(admin_filter){ .rater_code = "T1" }, &count, &err),
                     AT_OK);
    assert_int_equal(count, 2);
    assert_int_equal(store_admin_count(s, &(admin_filter){ .rater_code = "" }, &count, &err),
                     AT_OK);
    assert_int_equal(count, 2);
    assert_int_equal(store_admin_count(s, &(admin_filter){ .rater = "observer",
                                                           .rater_code = "S2" }, &count, &err),
                     AT_OK);
    assert_int_equal(count, 1);
    (void)b;
    store_close(s);
}

typedef struct order_check {
    char last[64];
    long count, answers;
    int bad;
} order_check;

/* Each administration's answers are its own: z holds "client/session". */
static int check_order(const admin_view *v, void *ctx)
{
    order_check *o = ctx;
    char key[64], own[64];
    snprintf(key, sizeof key, "%s|%04ld", v->client, v->session);
    if (strcmp(key, o->last) < 0)
        o->bad = 1;
    for (size_t i = 1; i < v->n; i++)
        if (strcmp(v->fields[i - 1], v->fields[i]) >= 0)
            o->bad = 1;
    snprintf(own, sizeof own, "%s/%ld", v->client, v->session);
    for (size_t i = 0; i < v->n; i++) {
        if (!v->values[i])
            continue;
        if (strcmp(v->fields[i], "z") == 0 && strcmp(v->values[i], own) != 0)
            o->bad = 1;
        o->answers++;
    }
    snprintf(o->last, sizeof o->last, "%s", key);
    o->count++;
    return 0;
}

typedef struct id_list {
    long id[512];
    size_t n;
    char first[16], last[16];
} id_list;

static int list_ids(const admin_view *v, void *ctx)
{
    id_list *l = ctx;
    if (l->n == 0)
        snprintf(l->first, sizeof l->first, "%s", v->client);
    snprintf(l->last, sizeof l->last, "%s", v->client);
    if (l->n < 512)
        l->id[l->n] = v->id;
    l->n++;
    return 0;
}

/* Saved in scrambled order (administration ids do not follow client order)
 * and read back in client order, each with its own answers; every seventh
 * has none. */
static void test_many_in_order(void **state)
{
    fixture *f = *state;
    at_err err;
    store *s = seed(f);
    long blank = 0;
    assert_int_equal(store_begin(s, &err), AT_OK);
    for (long k = 0; k < 400; k++) {
        long perm = (k * 157) % 400;   /* 157 is prime to 400: every pair once, scrambled */
        char client[16], answers[160];
        snprintf(client, sizeof client, "K%02ld", perm % 40);
        /* fields written in reverse order; a is blank */
        if (k % 7 == 3) {
            snprintf(answers, sizeof answers, "a=");
            blank++;
        } else {
            snprintf(answers, sizeof answers, "z=%s/%ld;c=1;b=2;a=;y=3", client,
                     perm / 40 + 1);
        }
        save_ok(s, (save_args){ client, "T1", perm / 40 + 1, "2026-03-01", 0, 0, 0, 0, 0,
                                answers }, NULL);
    }
    assert_int_equal(store_commit(s, &err), AT_OK);
    order_check o = { "", 0, 0, 0 };
    assert_int_equal(store_admin_each(s, NULL, check_order, &o, &err), AT_OK);
    assert_int_equal(o.bad, 0);
    assert_int_equal(o.count, 400);
    assert_int_equal(o.answers, 4 * (400 - blank));
    /* one client's administrations alone, and a stop part way */
    order_check one = { "", 0, 0, 0 };
    assert_int_equal(store_admin_each(s, &(admin_filter){ .client = "K07" }, check_order, &one,
                                      &err), AT_OK);
    assert_int_equal(one.bad, 0);
    assert_int_equal(one.count, 10);
    order_check late = { "", 0, 0, 0 };
    assert_int_equal(store_admin_each(s, &(admin_filter){ .session = 7 }, check_order, &late,
                                      &err), AT_OK);
    assert_int_equal(late.bad, 0);
    assert_int_equal(late.count, 40);

    /* read in runs of clients, the runs one after the other are the whole
     * reading, row for row; a bound is the first code of the next run */
    id_list whole = { 0 };
    assert_int_equal(store_admin_each(s, NULL, list_ids, &whole, &err), AT_OK);
    const char *cut[] = { NULL, "K10", "K105", "K27", "K39", NULL };
    id_list parts = { 0 };
    for (int k = 0; k + 1 < 6; k++) {
        admin_filter flt = { .client_from = cut[k], .client_to = cut[k + 1] };
        id_list run = { 0 };
        assert_int_equal(store_admin_each(s, &flt, list_ids, &run, &err), AT_OK);
        long n = 0;
        assert_int_equal(store_admin_count(s, &flt, &n, &err), AT_OK);
        assert_int_equal(n, (long)run.n);
        if (cut[k])   /* "K105" is no client: the run begins at the next code */
            assert_string_equal(run.first, strcmp(cut[k], "K105") == 0 ? "K11" : cut[k]);
        if (cut[k + 1])
            assert_true(strcmp(run.last, cut[k + 1]) < 0);
        for (size_t i = 0; i < run.n; i++)
            parts.id[parts.n++] = run.id[i];
    }
    assert_int_equal(parts.n, 400);
    assert_memory_equal(parts.id, whole.id, 400 * sizeof *whole.id);
    /* with the other filters: K07 is before K10, so outside the run */
    id_list none = { 0 };
    assert_int_equal(store_admin_each(s, &(admin_filter){ .client = "K07", .client_from = "K10" },
                                      list_ids, &none, &err), AT_OK);
    assert_int_equal(none.n, 0);
    id_list seventh = { 0 };
    assert_int_equal(store_admin_each(s, &(admin_filter){ .session = 7, .client_to = "K20" },
                                      list_ids, &seventh, &err), AT_OK);
    assert_int_equal(seventh.n, 20);
    assert_string_equal(seventh.last, "K19");
    store_close(s);
}

/* Sessions of a client made in the same transaction: a save skips the
 * session lookup only for a number above every session made for it, so
 * sessions made out of order, or by store_session_add, are still found. */
static void test_new_client_sessions(void **state)
{
    fixture *f = *state;
    at_err err;
    long number;
    store *s = seed(f);
    assert_int_equal(store_begin(s, &err), AT_OK);
    save_ok(s, (save_args){ "N1", "T1", 3, "2026-04-15", 0, 0, 0, 0, 0, "a=1" }, NULL);
    save_ok(s, (save_args){ "N1", "T1", 1, "2026-04-01", 0, 0, 0, 0, 0, "a=2" }, NULL);
    assert_int_equal(store_session_add(s, "N1", NULL, 5, "2026-04-29", NULL, &number, &err),
                     AT_OK);
    /* session 1 exists (below the highest made): its date is checked */
    assert_int_equal(save(s, (save_args){ "N1", "T1", 1, "2026-04-02", 0, 0, "therapist", 0, 0,
                                          "a=1" }, 0, NULL, NULL, &err), AT_EINVAL);
    assert_string_equal(err.msg, "session 1 of client 'N1' is dated 2026-04-01 (in the study), "
                        "not 2026-04-02");
    store_rollback(s);

    assert_int_equal(store_begin(s, &err), AT_OK);
    save_ok(s, (save_args){ "N2", "T1", 1, "2026-04-01", 0, 0, 0, 0, 0, "a=1" }, NULL);
    assert_int_equal(store_session_add(s, "N2", NULL, 4, "2026-04-22", NULL, &number, &err),
                     AT_OK);
    /* session 4 was made by store_session_add, not by a save */
    assert_int_equal(save(s, (save_args){ "N2", "T1", 4, "2026-04-23", 0, 0, 0, 0, 0, "a=1" },
                          0, NULL, NULL, &err), AT_EINVAL);
    assert_string_equal(err.msg, "session 4 of client 'N2' is dated 2026-04-22 (in the study), "
                        "not 2026-04-23");
    store_rollback(s);

    assert_int_equal(store_begin(s, &err), AT_OK);
    save_ok(s, (save_args){ "N3", "T1", 2, "2026-04-08", 0, 0, 0, 0, 0, "a=1" }, NULL);
    save_ok(s, (save_args){ "N3", "T1", 2, 0, 0, 0, "therapist", 0, 0, "a=2" }, NULL);
    save_ok(s, (save_args){ "N3", "T1", 1, "2026-04-01", 0, 0, 0, 0, 0, "a=3" }, NULL);
    /* the same rating twice is found, though N3 is new */
    assert_int_equal(save(s, (save_args){ "N3", "T1", 2, 0, 0, 0, 0, 0, 0, "a=4" }, 0, NULL,
                          NULL, &err), AT_EEXIST);
    store_rollback(s);
    assert_int_equal(store_begin(s, &err), AT_OK);
    save_ok(s, (save_args){ "N3", "T1", 2, "2026-04-08", 0, 0, 0, 0, 0, "a=1" }, NULL);
    save_ok(s, (save_args){ "N3", "T1", 3, "2026-04-15", 0, 0, 0, 0, 0, "a=1" }, NULL);
    save_ok(s, (save_args){ "N3", "T1", 1, "2026-04-01", 0, 0, 0, 0, 0, "a=1" }, NULL);
    assert_int_equal(store_commit(s, &err), AT_OK);
    assert_int_equal(db_long(s, "SELECT count(*) FROM sessions se JOIN clients c"
                                " ON c.id = se.client_id WHERE c.code = 'N3'"), 3);
    assert_int_equal(store_client_find(s, "N1", NULL, NULL), AT_ENOTFOUND);
    assert_int_equal(store_client_find(s, "N2", NULL, NULL), AT_ENOTFOUND);
    store_close(s);
}

/* A session a save makes without a date: dated today, or left undated
 * when the date is unknown (a REDCap export without one). */
static void test_unknown_date(void **state)
{
    fixture *f = *state;
    at_err err;
    store *s = seed(f);
    const char *values[5] = { "1", NULL, NULL, NULL, NULL };
    admin_rec r = { .client = "U1", .session = 1, .instrument_id = psq1, .rater = "client",
                    .status = "partial", .source = "import", .values = values, .n = 5,
                    .date_unknown = 1 };
    long id, session;
    assert_int_equal(store_admin_save(s, &r, 0, "alice", &id, &session, &err), AT_OK);
    r.client = "U2";
    r.date_unknown = 0;
    assert_int_equal(store_admin_save(s, &r, 0, "alice", &id, &session, &err), AT_OK);
    char today[11];
    util_today_iso(today);
    assert_int_equal(db_long(s, "SELECT count(*) FROM sessions se JOIN clients c ON c.id = "
                                "se.client_id WHERE c.code = 'U1' AND se.date = ''"), 1);
    sbuf q = SBUF_INIT;
    sbuf_addf(&q, "SELECT count(*) FROM sessions se JOIN clients c ON c.id = se.client_id "
                  "WHERE c.code = 'U2' AND se.date = '%s'", today);
    assert_int_equal(db_long(s, sbuf_str(&q)), 1);
    sbuf_release(&q);
    /* an undated session takes the date of a later save that gives one, and
     * then refuses another date */
    r.client = "U1";
    r.instrument_id = other1;
    r.date = "2026-05-01";
    assert_int_equal(store_admin_save(s, &r, 0, "alice", &id, &session, &err), AT_OK);
    assert_int_equal(db_long(s, "SELECT count(*) FROM sessions se JOIN clients c ON c.id = "
                                "se.client_id WHERE c.code = 'U1' AND se.date = '2026-05-01'"), 1);
    r.rater = "therapist";
    r.date = "2026-05-02";
    assert_int_equal(store_admin_save(s, &r, 0, "alice", &id, &session, &err), AT_EINVAL);
    assert_non_null(strstr(err.msg, "is dated 2026-05-01"));
    store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_save_and_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_save_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_and_replace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transactions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_amend, setup, teardown),
        cmocka_unit_test_setup_teardown(test_find, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_new_client_sessions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_date, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
