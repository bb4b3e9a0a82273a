/* Unit tests for web links in the store (store_invite.c): making one,
 * finding it by token or code hash, keeping progress, listing, revoking,
 * expiry, and the final save, once, even from two connections at once. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_fixture.h"

static const char *const cols[] = { "a", "b", "c" };
static long iid;

static void hash_of(const char *text, char hex[65])
{
    store_sha256(text, strlen(text), hex);
}

static store *seed(const fixture *f)
{
    at_err err;
    long v;
    int added;
    store *s = open_ok(f->db, STORE_CREATE);
    assert_int_equal(store_therapist_add(s, "T1", NULL, &err), AT_OK);
    assert_int_equal(store_client_add(s, "C01", "T1", &err), AT_OK);
    assert_int_equal(store_instrument_add(s, "form", "text", NULL, cols, 3, &iid, &v, &added, &err), AT_OK);
    return s;
}

static at_status add(store *s, const char *tok, const char *code, long session,
                     const char *expires, long *id, at_err *err)
{
    char th[65], ch[65];
    hash_of(tok, th);
    hash_of(code, ch);
    invite_rec r = { .client = "C01", .session = session, .instrument_id = iid, .rater = "client",
                     .token_hash = th, .code_hash = ch,
                     .expires_at = expires ? expires : "2999-01-01T00:00:00Z" };
    return store_invite_add(s, &r, id, err);
}

typedef struct seen {
    long id, session;
    char state[16], client[16], flow[64];
    char vals[3][16];
    int calls;
} seen;

static int copy(const invite_view *v, void *ctx)
{
    seen *x = ctx;
    x->calls++;
    x->id = v->id;
    x->session = v->session;
    snprintf(x->state, sizeof x->state, "%s", v->state);
    snprintf(x->client, sizeof x->client, "%s", v->client);
    snprintf(x->flow, sizeof x->flow, "%s", v->flow_state ? v->flow_state : "(none)");
    for (size_t i = 0; i < 3 && i < v->n; i++)
        snprintf(x->vals[i], 16, "%s", v->values[i] ? v->values[i] : "(blank)");
    return 0;
}

static seen find(store *s, const char *text, int by_code, at_status want)
{
    char h[65];
    seen x = { 0 };
    at_err err;
    hash_of(text, h);
    assert_int_equal(store_invite_find(s, h, by_code, copy, &x, &err), want);
    return x;
}

static void test_add_find(void **state)
{
    fixture *f = *state;
    store *s = seed(f);
    at_err err;
    long id = 0;
    assert_int_equal(add(s, "tok1", "code1", 4, NULL, &id, &err), AT_OK);
    assert_int_equal(id, 1);
    /* the session is made with the link, with the client's therapist */
    assert_int_equal(db_long(s, "SELECT count(*) FROM sessions WHERE number = 4 AND therapist_id = 1"), 1);
    seen x = find(s, "tok1", 0, AT_OK);
    assert_int_equal(x.calls, 1);
    assert_string_equal(x.state, "pending");
    assert_string_equal(x.client, "C01");
    assert_int_equal(x.session, 4);
    assert_string_equal(x.flow, "(none)");
    assert_string_equal(x.vals[0], "(blank)");
    x = find(s, "code1", 1, AT_OK);
    assert_int_equal(x.id, 1);
    /* a token's hash is not found as a code, nor the other way */
    find(s, "tok1", 1, AT_ENOTFOUND);
    find(s, "code1", 0, AT_ENOTFOUND);
    find(s, "nothing", 0, AT_ENOTFOUND);
    /* only the hashes are stored */
    assert_int_equal(db_long(s, "SELECT count(*) FROM invitations WHERE token_hash = 'tok1' OR code_hash = 'code1'"), 0);
    /* a second open link for the same rating, a used hash, bad arguments */
    assert_int_equal(add(s, "tok2", "code2", 4, NULL, &id, &err), AT_EEXIST);
    assert_non_null(strstr(err.msg, "open link"));
    assert_int_equal(add(s, "tok1", "code3", 5, NULL, &id, &err), AT_EEXIST);
    assert_int_equal(add(s, "tok4", "code4", 5, "2000-01-01T00:00:00Z", &id, &err), AT_EINVAL);
    assert_int_equal(add(s, "tok4", "code4", 0, NULL, &id, &err), AT_EINVAL);
    char th[65], ch[65];
    hash_of("t", th);
    hash_of("c", ch);
    invite_rec r = { .client = "C99", .session = 1, .instrument_id = iid, .rater = "client",
                     .token_hash = th, .code_hash = ch, .expires_at = "2999-01-01T00:00:00Z" };
    assert_int_equal(store_invite_add(s, &r, &id, &err), AT_ENOTFOUND);
    r.client = "C01";
    r.rater = "nobody";
    assert_int_equal(store_invite_add(s, &r, &id, &err), AT_EINVAL);
    r.rater = "client";
    r.token_hash = "not a hash";
    assert_int_equal(store_invite_add(s, &r, &id, &err), AT_EINVAL);
    /* nothing of the refused ones was kept: one link, sessions 4 only */
    assert_int_equal(db_long(s, "SELECT count(*) FROM invitations"), 1);
    assert_int_equal(db_long(s, "SELECT count(*) FROM sessions"), 1);
    store_close(s);
}

static void test_progress_list_revoke(void **state)
{
    fixture *f = *state;
    store *s = seed(f);
    at_err err;
    long id = 0, id2 = 0;
    assert_int_equal(add(s, "tok1", "code1", 1, NULL, &id, &err), AT_OK);
    const char *v1[3] = { "4", NULL, "x\"y" };
    assert_int_equal(store_invite_progress(s, id, v1, 3, "flow1 q 2 0 H:0 D:0", &err), AT_OK);
    seen x = find(s, "tok1", 0, AT_OK);
    assert_string_equal(x.state, "started");
    assert_string_equal(x.vals[0], "4");
    assert_string_equal(x.vals[1], "(blank)");
    assert_string_equal(x.vals[2], "x\"y");
    assert_string_equal(x.flow, "flow1 q 2 0 H:0 D:0");
    /* packed as administrations.answers are */
    assert_int_equal(db_long(s, "SELECT count(*) FROM invitations WHERE answers = '[\"4\",null,\"x\\\"y\"]'"), 1);

    assert_int_equal(add(s, "tok2", "code2", 2, NULL, &id2, &err), AT_OK);
    assert_int_equal(store_invite_revoke(s, id2, &err), AT_OK);
    assert_int_equal(store_invite_revoke(s, id2, &err), AT_EEXIST);
    assert_non_null(strstr(err.msg, "revoked"));
    assert_int_equal(store_invite_revoke(s, 99, &err), AT_ENOTFOUND);
    assert_int_equal(store_invite_progress(s, id2, v1, 3, "x", &err), AT_EEXIST);
    assert_string_equal(find(s, "tok2", 0, AT_OK).state, "revoked");
    /* expiry: an open link past its time reads as expired and takes nothing */
    assert_int_equal(file_exec(s, "UPDATE invitations SET expires_at = '2001-01-01T00:00:00Z' WHERE id = 1"), SQLITE_OK);
    assert_string_equal(find(s, "tok1", 0, AT_OK).state, "expired");
    assert_int_equal(store_invite_progress(s, id, v1, 3, "x", &err), AT_EEXIST);
    assert_non_null(strstr(err.msg, "expired"));
    /* with the first one expired, a new link for session 1 may be made */
    long id3 = 0;
    assert_int_equal(add(s, "tok3", "code3", 1, NULL, &id3, &err), AT_OK);
    store_close(s);
}

static int list_row(const invite_view *v, void *ctx)
{
    sbuf *sb = ctx;
    sbuf_addf(sb, "%ld %s %ld %s %s %zu;", v->id, v->client, v->session, v->rater, v->state, v->n);
    return 0;
}

static void test_list(void **state)
{
    fixture *f = *state;
    store *s = seed(f);
    at_err err;
    long id;
    assert_int_equal(add(s, "t1", "c1", 1, NULL, &id, &err), AT_OK);
    assert_int_equal(add(s, "t2", "c2", 2, NULL, &id, &err), AT_OK);
    assert_int_equal(store_invite_revoke(s, 1, &err), AT_OK);
    sbuf sb = SBUF_INIT;
    assert_int_equal(store_invite_each(s, list_row, &sb, &err), AT_OK);
    assert_string_equal(sb.buf, "1 C01 1 client revoked 0;2 C01 2 client pending 0;");
    sbuf_release(&sb);
    store_close(s);
}

static void test_answer_once(void **state)
{
    fixture *f = *state;
    store *s = seed(f);
    at_err err;
    long id = 0, aid = 0;
    assert_int_equal(add(s, "tok1", "code1", 3, NULL, &id, &err), AT_OK);
    const char *v[3] = { "1", "2", NULL };
    admin_rec rec = { .client = "ignored", .rater = "observer", .status = "partial",
                      .source = "import", .values = v, .n = 3 };
    assert_int_equal(store_invite_answer(s, id, &rec, "web", &aid, &err), AT_OK);
    /* the administration is the link's: its client, session, rater; source web */
    assert_int_equal(db_long(s, "SELECT count(*) FROM administrations a JOIN sessions s ON s.id = a.session_id"
                                " WHERE s.number = 3 AND a.rater = 'client' AND a.rater_code = 'C01'"
                                " AND a.source = 'web' AND a.answers = '[\"1\",\"2\"]'"), 1);
    assert_int_equal(db_long(s, "SELECT administration_id FROM invitations WHERE id = 1"), aid);
    /* a replacement of the link's administration (import --replace) takes
     * its place in the link too: the link names no administration gone */
    const char *w[3] = { "3", "2", NULL };
    admin_rec again = { .client = "C01", .session = 3, .instrument_id = iid, .rater = "client",
                        .rater_code = "C01", .status = "complete", .source = "import",
                        .values = w, .n = 3 };
    long replaced = aid;
    assert_int_equal(store_admin_save(s, &again, 1, NULL, &aid, NULL, &err), AT_OK);
    assert_int_not_equal(aid, replaced);
    assert_int_equal(db_long(s, "SELECT administration_id FROM invitations WHERE id = 1"), aid);
    assert_int_equal(db_long(s, "SELECT count(*) FROM invitations i LEFT JOIN administrations a"
                                " ON a.id = i.administration_id"
                                " WHERE i.administration_id IS NOT NULL AND a.id IS NULL"), 0);
    assert_string_equal(find(s, "tok1", 0, AT_OK).state, "answered");
    assert_int_equal(store_invite_answer(s, id, &rec, "web", &aid, &err), AT_EEXIST);
    assert_int_equal(store_invite_progress(s, id, v, 3, "x", &err), AT_EEXIST);
    assert_int_equal(store_invite_revoke(s, id, &err), AT_EEXIST);
    assert_non_null(strstr(err.msg, "answered"));
    assert_int_equal(db_long(s, "SELECT count(*) FROM administrations"), 1);
    /* now the session holds the rating: no new link for it */
    assert_int_equal(add(s, "tok2", "code2", 3, NULL, &id, &err), AT_EEXIST);
    /* an expired link cannot be saved */
    assert_int_equal(add(s, "tok3", "code3", 4, NULL, &id, &err), AT_OK);
    assert_int_equal(file_exec(s, "UPDATE invitations SET expires_at = '2001-01-01T00:00:00Z' WHERE id = (SELECT max(id) FROM invitations)"), SQLITE_OK);
    assert_int_equal(store_invite_answer(s, id, &rec, NULL, &aid, &err), AT_EEXIST);
    assert_int_equal(db_long(s, "SELECT count(*) FROM administrations"), 1);
    /* a save that fails (more answers than the version has columns) leaves
     * the link open, and nothing saved */
    assert_int_equal(add(s, "tok5", "code5", 5, NULL, &id, &err), AT_OK);
    const char *many[4] = { "1", "2", "3", "4" };
    admin_rec bad = { .status = "complete", .values = many, .n = 4 };
    assert_int_not_equal(store_invite_answer(s, id, &bad, NULL, &aid, &err), AT_OK);
    assert_string_equal(find(s, "tok5", 0, AT_OK).state, "pending");
    assert_int_equal(db_long(s, "SELECT count(*) FROM administrations"), 1);
    assert_int_equal(store_invite_answer(s, id, &rec, NULL, &aid, &err), AT_OK);
    assert_int_equal(db_long(s, "SELECT count(*) FROM administrations"), 2);
    /* the rating recorded another way after the link was made: the save is
     * refused, the link stays open with its answers */
    assert_int_equal(add(s, "tok6", "code6", 6, NULL, &id, &err), AT_OK);
    assert_int_equal(store_invite_progress(s, id, v, 3, "flow1 r 0 0 H: D:", &err), AT_OK);
    admin_rec other = { .client = "C01", .session = 6, .instrument_id = iid, .rater = "client",
                        .status = "complete", .source = "interactive", .values = v, .n = 3 };
    assert_int_equal(store_admin_save(s, &other, 0, NULL, &aid, NULL, &err), AT_OK);
    assert_int_equal(store_invite_answer(s, id, &rec, NULL, &aid, &err), AT_EINVAL);
    assert_non_null(strstr(err.msg, "already has"));
    seen x = find(s, "tok6", 0, AT_OK);
    assert_string_equal(x.state, "started");
    assert_string_equal(x.vals[0], "1");
    assert_int_equal(db_long(s, "SELECT count(*) FROM administrations"), 3);
    store_close(s);
}

struct racer {
    const char *db;
    long id;
    at_status rc;
};

static void *race(void *arg)
{
    struct racer *r = arg;
    store *s = NULL;
    at_err err;
    if (store_open(r->db, STORE_WRITE, &s, &err) != AT_OK) {
        r->rc = AT_EIO;
        return NULL;
    }
    const char *v[3] = { "5", NULL, NULL };
    admin_rec rec = { .status = "partial", .values = v, .n = 3 };
    long aid;
    r->rc = store_invite_answer(s, r->id, &rec, NULL, &aid, &err);
    store_close(s);
    return NULL;
}

/* Eight connections save one link at the same moment: one saves it. */
static void test_answer_race(void **state)
{
    fixture *f = *state;
    store *s = seed(f);
    at_err err;
    long id = 0;
    assert_int_equal(add(s, "tok1", "code1", 1, NULL, &id, &err), AT_OK);
    store_close(s);
    enum { N = 8 };
    pthread_t th[N];
    struct racer r[N];
    for (int i = 0; i < N; i++) {
        r[i] = (struct racer){ f->db, id, AT_OK };
        assert_int_equal(pthread_create(&th[i], NULL, race, &r[i]), 0);
    }
    int ok = 0, taken = 0;
    for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        ok += r[i].rc == AT_OK;
        taken += r[i].rc == AT_EEXIST;
    }
    assert_int_equal(ok, 1);
    assert_int_equal(taken, N - 1);
    s = open_ok(f->db, STORE_READ);
    assert_int_equal(db_long(s, "SELECT count(*) FROM administrations"), 1);
    store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_add_find, setup, teardown),
        cmocka_unit_test_setup_teardown(test_progress_list_revoke, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_answer_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_answer_race, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
