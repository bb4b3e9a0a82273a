/* Unit tests for listing therapists, clients and sessions and for changing
 * them: a client's move to another therapist, a therapist's cohort, a
 * session's date and modality, each kept in the audit trail. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_int.h"
#include "store_fixture.h"

static const char *const cols[] = { "a", "b" };
static long instr;

static void give(store *s, const char *client, long session, const char *date,
                 const char *rater, const char *code, const char *finished)
{
    at_err err;
    const char *values[] = { "1", "2" };
    admin_rec r = { .client = client, .session = session, .date = date,
                    .instrument_id = instr, .rater = rater, .rater_code = code,
                    .status = "complete", .source = "import", .started_at = finished,
                    .finished_at = finished, .values = values, .n = 2 };
    at_status st = store_admin_save(s, &r, 0, NULL, NULL, NULL, &err);
    if (st != AT_OK)
        fail_msg("save: %s", err.msg);
}

/* T1 (cohort A) sees C01 (sessions 1-3, a client's and T1's questionnaire
 * in session 2), T2 has no one; C02 has no therapist and no session. */
static store *seed(const fixture *f)
{
    at_err err;
    long v, n;
    int added;
    store *s = open_ok(f->db, STORE_CREATE);
    assert_int_equal(store_therapist_add(s, "T1", "A", &err), AT_OK);
    assert_int_equal(store_therapist_add(s, "T2", NULL, &err), AT_OK);
    assert_int_equal(store_client_add(s, "C01", "T1", &err), AT_OK);
    assert_int_equal(store_client_add(s, "C02", NULL, &err), AT_OK);
    assert_int_equal(store_instrument_add(s, "form", "text", NULL, cols, 2, &instr, &v, &added,
                                          &err), AT_OK);
    assert_int_equal(store_session_add(s, "C01", NULL, 1, "2026-03-02", "in-person", &n, &err),
                     AT_OK);
    give(s, "C01", 2, "2026-03-09", "client", "", "2026-03-09T18:00:00Z");
    give(s, "C01", 2, "2026-03-09", "therapist", "T1", "2026-03-10T08:00:00Z");
    assert_int_equal(store_session_add(s, "C01", NULL, 3, "2026-03-16", NULL, &n, &err), AT_OK);
    return s;
}

/* ---- lists ---------------------------------------------------------------- */

static int add_therapist(const therapist_view *v, void *ctx)
{
    sbuf *sb = ctx;
    sbuf_addf(sb, "%s/%s/%ld/%ld;", v->code, v->cohort, v->clients, v->sessions);
    return 0;
}

static int add_client(const client_view *v, void *ctx)
{
    sbuf *sb = ctx;
    sbuf_addf(sb, "%s/%s/%ld/%s/%ld;", v->code, v->therapist, v->sessions, v->last_date,
              v->administrations);
    return 0;
}

static int add_session(const session_view *v, void *ctx)
{
    sbuf *sb = ctx;
    sbuf_addf(sb, "%s/%ld/%s/%s/%s/%ld;", v->client, v->number, v->date, v->therapist,
              v->modality, v->administrations);
    return 0;
}

static int stop_at_first(const session_view *v, void *ctx)
{
    (void)v;
    (*(int *)ctx)++;
    return 1;
}

static void test_lists(void **state)
{
    fixture *f = *state;
    store *s = seed(f);
    at_err err;
    sbuf sb = SBUF_INIT;
    assert_int_equal(store_therapist_list(s, add_therapist, &sb, &err), AT_OK);
    assert_string_equal(sbuf_str(&sb), "T1/A/1/3;T2//0/0;");
    sbuf_reset(&sb);
    assert_int_equal(store_client_list(s, add_client, &sb, &err), AT_OK);
    assert_string_equal(sbuf_str(&sb), "C01/T1/3/2026-03-16/2;C02//0//0;");
    sbuf_reset(&sb);
    assert_int_equal(store_session_list(s, NULL, add_session, &sb, &err), AT_OK);
    assert_string_equal(sbuf_str(&sb), "C01/1/2026-03-02/T1/in-person/0;"
                                       "C01/2/2026-03-09/T1//2;C01/3/2026-03-16/T1//0;");
    sbuf_reset(&sb);
    assert_int_equal(store_session_list(s, "C02", add_session, &sb, &err), AT_OK);
    assert_string_equal(sbuf_str(&sb), "");
    assert_int_equal(store_session_list(s, "C99", add_session, &sb, &err), AT_ENOTFOUND);
    assert_non_null(strstr(err.msg, "'C99'"));
    int calls = 0;
    assert_int_equal(store_session_list(s, "C01", stop_at_first, &calls, &err), AT_OK);
    assert_int_equal(calls, 1);
    long uses = -1;
    assert_int_equal(store_instrument_uses(s, instr, &uses, &err), AT_OK);
    assert_int_equal(uses, 2);
    assert_int_equal(store_instrument_uses(s, instr + 100, &uses, &err), AT_OK);
    assert_int_equal(uses, 0);
    sbuf_release(&sb);
    store_close(s);
}

/* ---- the audit rows, as store_audit_each gives them back ------------------ */

static int add_audit(const audit_view *v, void *ctx)
{
    sbuf *sb = ctx;
    sbuf_addf(sb, "%s|%s|%s|%s|%ld|%s|%s|%s|%s;", v->action, v->instrument, v->client,
              v->therapist, v->session, v->field, v->old_value, v->new_value, v->reason);
    return 0;
}

static char *audit_text(store *s)
{
    at_err err;
    sbuf sb = SBUF_INIT;
    assert_int_equal(store_audit_each(s, add_audit, &sb, &err), AT_OK);
    return sbuf_detach(&sb);
}

static long audit_rows(const fixture *f)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    long n = -1;
    assert_int_equal(sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM audit"
                                            " WHERE administration_id IS NULL", -1, &st, NULL),
                     SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        n = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* ---- a client's move ------------------------------------------------------ */

static void test_client_move(void **state)
{
    fixture *f = *state;
    store *s = seed(f);
    at_err err;
    store_change ch;
    char *therapist = NULL;
    sbuf sb = SBUF_INIT;

    /* T1's own questionnaire in session 2 keeps sessions 1 and 2 with T1 */
    assert_int_equal(store_client_move(s, "C01", "T2", 1, NULL, NULL, &ch, &err), AT_EINVAL);
    assert_non_null(strstr(err.msg, "session 2 of client 'C01'"));
    assert_non_null(strstr(err.msg, "'T1'"));
    assert_int_equal(ch.sessions, 0);
    assert_int_equal(store_client_move(s, "C01", "T2", 2, NULL, NULL, &ch, &err), AT_EINVAL);
    assert_int_equal(audit_rows(f), 0);

    /* from session 3 on: session 3 and the client move, with a reason and a name */
    assert_int_equal(store_client_move(s, "C01", "T2", 3, "moved clinics", "Ana", &ch, &err),
                     AT_OK);
    assert_int_equal(ch.client, 1);
    assert_int_equal(ch.sessions, 1);
    assert_int_equal(store_client_find(s, "C01", &therapist, &err), AT_OK);
    assert_string_equal(therapist, "T2");
    free(therapist);
    assert_int_equal(store_session_list(s, "C01", add_session, &sb, &err), AT_OK);
    assert_string_equal(sbuf_str(&sb), "C01/1/2026-03-02/T1/in-person/0;"
                                       "C01/2/2026-03-09/T1//2;C01/3/2026-03-16/T2//0;");
    char *log = audit_text(s);
    assert_string_equal(log, "amend||C01||3|session.therapist|T1|T2|moved clinics;"
                             "amend||C01||0|client.therapist|T1|T2|moved clinics;");
    free(log);

    /* again: nothing to change, nothing written */
    assert_int_equal(store_client_move(s, "C01", "T2", 3, NULL, NULL, &ch, &err), AT_OK);
    assert_int_equal(ch.client + ch.sessions, 0);
    assert_int_equal(audit_rows(f), 2);

    /* back to T1 from the next session (0): no recorded session moves */
    assert_int_equal(store_client_move(s, "C01", "T1", 0, NULL, NULL, &ch, &err), AT_OK);
    assert_int_equal(ch.client, 1);
    assert_int_equal(ch.sessions, 0);
    long n;
    assert_int_equal(store_session_add(s, "C01", NULL, 0, "2026-03-23", NULL, &n, &err), AT_OK);
    session_info si = { 0 };
    assert_int_equal(store_session_get(s, "C01", 4, &si, &err), AT_OK);
    assert_string_equal(si.therapist, "T1");
    session_info_release(&si);

    /* a client without a therapist gets one; unknown names are refused */
    assert_int_equal(store_client_move(s, "C02", "T2", 0, NULL, NULL, &ch, &err), AT_OK);
    assert_int_equal(ch.client, 1);
    log = audit_text(s);
    assert_non_null(strstr(log, "amend||C02||0|client.therapist||T2|;"));
    free(log);
    assert_int_equal(store_client_move(s, "C09", "T2", 0, NULL, NULL, &ch, &err), AT_ENOTFOUND);
    assert_int_equal(store_client_move(s, "C01", "T9", 0, NULL, NULL, &ch, &err), AT_ENOTFOUND);
    assert_int_equal(store_client_move(s, "C01", "T2", -1, NULL, NULL, &ch, &err), AT_EINVAL);
    sbuf_release(&sb);
    store_close(s);
}

/* A therapist's questionnaire with a blank rater code is the session's
 * therapist's; one by the therapist the client moves to may move. */
static void test_client_move_rater_codes(void **state)
{
    fixture *f = *state;
    store *s = seed(f);
    at_err err;
    store_change ch;
    give(s, "C01", 3, "2026-03-16", "therapist", "", "2026-03-16T12:00:00Z");
    assert_int_equal(store_client_move(s, "C01", "T2", 3, NULL, NULL, &ch, &err), AT_EINVAL);
    assert_non_null(strstr(err.msg, "session 3"));
    assert_non_null(strstr(err.msg, "given by 'T1'"));
    long n;
    assert_int_equal(store_session_add(s, "C01", NULL, 4, "2026-03-23", NULL, &n, &err), AT_OK);
    give(s, "C01", 4, "2026-03-23", "therapist", "T2", "2026-03-23T12:00:00Z");
    assert_int_equal(store_client_move(s, "C01", "T2", 4, NULL, NULL, &ch, &err), AT_OK);
    assert_int_equal(ch.sessions, 1);
    /* a session without a therapist, rated with a blank code: by no one named */
    assert_int_equal(store_session_add(s, "C02", NULL, 1, "2026-03-03", NULL, &n, &err), AT_OK);
    give(s, "C02", 1, "2026-03-03", "therapist", "", "2026-03-03T12:00:00Z");
    assert_int_equal(store_client_move(s, "C02", "T2", 1, NULL, NULL, &ch, &err), AT_EINVAL);
    assert_non_null(strstr(err.msg, "given by no one named"));
    store_close(s);
}

/* ---- a therapist's cohort -------------------------------------------------- */

static void test_cohort(void **state)
{
    fixture *f = *state;
    store *s = seed(f);
    at_err err;
    store_change ch;
    sbuf sb = SBUF_INIT;
    assert_int_equal(store_therapist_set_cohort(s, "T2", "B", "joined late", NULL, &ch, &err),
                     AT_OK);
    assert_int_equal(ch.therapist, 1);
    assert_int_equal(store_therapist_set_cohort(s, "T2", "B", NULL, NULL, &ch, &err), AT_OK);
    assert_int_equal(ch.therapist, 0);
    assert_int_equal(store_therapist_set_cohort(s, "T1", NULL, NULL, NULL, &ch, &err), AT_OK);
    assert_int_equal(ch.therapist, 1);
    assert_int_equal(store_therapist_set_cohort(s, "T1", "", NULL, NULL, &ch, &err), AT_OK);
    assert_int_equal(ch.therapist, 0);
    assert_int_equal(store_therapist_set_cohort(s, "T7", "B", NULL, NULL, &ch, &err),
                     AT_ENOTFOUND);
    assert_non_null(strstr(err.msg, "'T7'"));
    assert_int_equal(store_therapist_list(s, add_therapist, &sb, &err), AT_OK);
    assert_string_equal(sbuf_str(&sb), "T1//1/3;T2/B/0/0;");
    char *log = audit_text(s);
    assert_string_equal(log, "amend|||T2|0|therapist.cohort||B|joined late;"
                             "amend|||T1|0|therapist.cohort|A||;");
    free(log);
    sbuf_release(&sb);
    store_close(s);
}

/* ---- a session's date and modality ---------------------------------------- */

static void test_session_set(void **state)
{
    fixture *f = *state;
    store *s = seed(f);
    at_err err;
    store_change ch;
    sbuf sb = SBUF_INIT;

    /* session 2's first questionnaire was saved on 2026-03-09 (TZ is UTC here) */
    assert_int_equal(store_session_set(s, "C01", 2, "2026-03-10", NULL, NULL, NULL, &ch, &err),
                     AT_EINVAL);
    assert_non_null(strstr(err.msg, "answered on 2026-03-09"));
    assert_int_equal(ch.date, 0);
    assert_int_equal(store_session_set(s, "C01", 2, "2026-03-09", "telehealth", "typed late",
                                       NULL, &ch, &err), AT_OK);
    assert_int_equal(ch.date, 0);
    assert_int_equal(ch.modality, 1);
    assert_int_equal(store_session_set(s, "C01", 2, "2026-03-08", NULL, NULL, "Ana", &ch, &err),
                     AT_OK);
    assert_int_equal(ch.date, 1);
    /* a session without questionnaires may take any date */
    assert_int_equal(store_session_set(s, "C01", 3, "2027-01-04", "in-person", NULL, NULL, &ch,
                                       &err), AT_OK);
    assert_int_equal(ch.date + ch.modality, 2);
    assert_int_equal(store_session_set(s, "C01", 3, "", "in-person", NULL, NULL, &ch, &err),
                     AT_OK);
    assert_int_equal(ch.date + ch.modality, 0);

    assert_int_equal(store_session_set(s, "C01", 9, "2026-03-08", NULL, NULL, NULL, &ch, &err),
                     AT_ENOTFOUND);
    assert_non_null(strstr(err.msg, "no session 9"));
    assert_int_equal(store_session_set(s, "C09", 1, "2026-03-08", NULL, NULL, NULL, &ch, &err),
                     AT_ENOTFOUND);
    assert_int_equal(store_session_set(s, "C01", 1, "2026-02-30", NULL, NULL, NULL, &ch, &err),
                     AT_EINVAL);
    assert_int_equal(store_session_set(s, "C01", 1, NULL, "zoom", NULL, NULL, &ch, &err),
                     AT_EINVAL);
    assert_int_equal(store_session_set(s, "C01", 1, NULL, "", NULL, NULL, &ch, &err),
                     AT_EINVAL);
    assert_non_null(strstr(err.msg, "not removed"));

    assert_int_equal(store_session_list(s, "C01", add_session, &sb, &err), AT_OK);
    assert_string_equal(sbuf_str(&sb), "C01/1/2026-03-02/T1/in-person/0;"
                                       "C01/2/2026-03-08/T1/telehealth/2;"
                                       "C01/3/2027-01-04/T1/in-person/0;");
    char *log = audit_text(s);
    assert_string_equal(log, "amend||C01||2|session.modality||telehealth|typed late;"
                             "amend||C01||2|session.date|2026-03-09|2026-03-08|;"
                             "amend||C01||3|session.date|2026-03-16|2027-01-04|;"
                             "amend||C01||3|session.modality||in-person|;");
    free(log);
    sbuf_release(&sb);
    store_close(s);
}

/* A change is one transaction: refused on a read-only store, and undone
 * whole inside a transaction that is rolled back. */
static void test_transactions(void **state)
{
    fixture *f = *state;
    store *s = seed(f);
    at_err err;
    store_change ch;
    char *therapist = NULL;
    assert_int_equal(store_begin(s, &err), AT_OK);
    assert_int_equal(store_client_move(s, "C01", "T2", 3, NULL, NULL, &ch, &err), AT_OK);
    assert_int_equal(store_therapist_set_cohort(s, "T2", "B", NULL, NULL, &ch, &err), AT_OK);
    store_rollback(s);
    assert_int_equal(store_client_find(s, "C01", &therapist, &err), AT_OK);
    assert_string_equal(therapist, "T1");
    free(therapist);
    assert_int_equal(audit_rows(f), 0);
    store_close(s);

    s = open_ok(f->db, STORE_READ);
    assert_int_equal(store_client_move(s, "C01", "T2", 3, NULL, NULL, &ch, &err), AT_EINVAL);
    assert_int_equal(store_therapist_set_cohort(s, "T2", "B", NULL, NULL, &ch, &err), AT_EINVAL);
    assert_int_equal(store_session_set(s, "C01", 1, "2026-03-01", NULL, NULL, NULL, &ch, &err),
                     AT_EINVAL);
    assert_non_null(strstr(err.msg, "read-only"));
    store_close(s);
}

/* The subject of an audit field, and fields that have none. */
static void test_audit_subject(void **state)
{
    (void)state;
    static const struct {
        const char *stored, *field, *client, *therapist;
        long session;
    } cases[] = {
        { "session.date:C01:4", "session.date", "C01", NULL, 4 },
        { "session.date:C:1:12", "session.date", "C:1", NULL, 12 },
        { "client.therapist:C-1.x", "client.therapist", "C-1.x", NULL, 0 },
        { "therapist.cohort:T01", "therapist.cohort", NULL, "T01", 0 },
        { "session.date:C01", "session.date", NULL, NULL, 0 },
        { "session.date:C01:0", "session.date", NULL, NULL, 0 },
        { "other.thing:X", "other.thing", NULL, NULL, 0 },
        { "tension", "tension", NULL, NULL, 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char field[64];
        const char *client = "x", *therapist = "x";
        long session = -1;
        store_audit_subject(cases[i].stored, field, sizeof field, &client, &therapist,
                            &session);
        assert_string_equal(field, cases[i].field);
        if (cases[i].client)
            assert_string_equal(client, cases[i].client);
        else
            assert_null(client);
        if (cases[i].therapist)
            assert_string_equal(therapist, cases[i].therapist);
        else
            assert_null(therapist);
        assert_int_equal(session, cases[i].session);
    }
}

/* The other side of the rule: no questionnaire is saved into a session
 * dated later than the day it is saved (or was answered), whether the
 * session is in the study or the save would make it; store_session_check
 * says so before the save. */
static void test_session_later(void **state)
{
    fixture *f = *state;
    store *s = seed(f);
    at_err err;
    long n, aid, used;
    session_check sc;
    const char *values[] = { "1", "2" };

    assert_int_equal(store_session_later("2099-12-21", "2099-12-19"), 1);
    assert_int_equal(store_session_later("2100-01-01", "2099-12-30"), 1);
    /* a day's leeway, for a clinician's day ahead of the machine's */
    assert_int_equal(store_session_later("2099-12-20", "2099-12-19"), 0);
    assert_int_equal(store_session_later("2100-01-01", "2099-12-31"), 0);
    assert_int_equal(store_session_later("2099-12-19", "2099-12-19"), 0);
    assert_int_equal(store_session_later("2026-03-08", "2099-12-19"), 0);
    assert_int_equal(store_session_later("", "2026-03-08"), 0);
    assert_int_equal(store_session_later(NULL, NULL), 0);
    assert_int_equal(store_session_later("2099-12-20", NULL), 1);

    assert_int_equal(store_session_add(s, "C01", NULL, 4, "2099-12-20", NULL, &n, &err), AT_OK);
    admin_rec r = { .client = "C01", .session = 4, .instrument_id = instr, .rater = "client",
                    .status = "complete", .source = "interactive", .values = values, .n = 2 };
    assert_int_equal(store_admin_save(s, &r, 0, NULL, &aid, &used, &err), AT_EINVAL);
    assert_non_null(strstr(err.msg, "session 4 of client 'C01' is dated 2099-12-20, later than "
                                    "today"));
    /* answered on a day after the session's: taken */
    r.started_at = r.finished_at = "2099-12-21T09:00:00Z";
    assert_int_equal(store_admin_save(s, &r, 0, NULL, &aid, &used, &err), AT_OK);
    /* a new session given a date later than the day of answering: none made
     * (the next day is within the leeway, the day after it is not) */
    r.session = 5;
    r.date = "2099-12-23";
    assert_int_equal(store_admin_save(s, &r, 0, NULL, &aid, &used, &err), AT_EINVAL);
    assert_non_null(strstr(err.msg, "later than the day it was answered, 2099-12-21"));
    assert_int_equal(store_session_check(s, "C01", 5, "client", NULL, NULL, NULL, &sc, &err),
                     AT_OK);
    assert_int_equal(sc.exists, 0);
    assert_int_equal(sc.conflicts, 0);

    /* the check before a save made now */
    assert_int_equal(store_session_check(s, "C01", 4, "client", NULL, NULL, NULL, &sc, &err),
                     AT_OK);
    assert_int_equal(sc.exists, 1);
    assert_int_equal(sc.conflicts, SESSION_LATER);
    assert_int_equal(store_session_check(s, "C01", 5, "client", NULL, "2099-01-01", NULL, &sc,
                                         &err), AT_OK);
    assert_int_equal(sc.conflicts, SESSION_LATER);
    assert_int_equal(store_session_check(s, "C09", 1, "client", NULL, "2099-01-01", NULL, &sc,
                                         &err), AT_OK);
    assert_int_equal(sc.conflicts, SESSION_LATER);
    assert_int_equal(store_session_check(s, "C01", 3, "client", NULL, "2026-03-16", NULL, &sc,
                                         &err), AT_OK);
    assert_int_equal(sc.conflicts, 0);
    store_close(s);
}

int main(void)
{
    setenv("TZ", "UTC", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_client_move, setup, teardown),
        cmocka_unit_test_setup_teardown(test_client_move_rater_codes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cohort, setup, teardown),
        cmocka_unit_test_setup_teardown(test_session_set, setup, teardown),
        cmocka_unit_test_setup_teardown(test_session_later, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transactions, setup, teardown),
        cmocka_unit_test(test_audit_subject),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
