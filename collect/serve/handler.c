/* handler.c: the routes of collect serve (serve.h).
 *
 *   GET  /s/TOKEN   the screen the link is at (a question or the review)
 *   POST /s/TOKEN   a move (next, back, skip, change-K, save); a browser is
 *                   then sent to GET the same URL (303), another client gets
 *                   the next screen at once; a save is answered with the
 *                   thank-you page at once (200)
 *   GET  /code, /   the access-code form
 *   POST /code      the code: a browser is sent on (303) to /c/ID, the
 *                   visit's address (visits, serve.h), never one with the
 *                   code; another client gets the screen at once, and from
 *                   then on posts its moves here, the code riding along in
 *                   the form
 *   GET  /c/ID      as GET /s/TOKEN, for the link the code opened
 *   POST /c/ID      as POST /s/TOKEN
 *   GET  /style.css the stylesheet
 * A link that is unknown answers 404, one expired or revoked 410, both with
 * the same page; an answered one 410 with the thank-you page.  Unknown
 * tokens and wrong codes count towards the bad-guess limit (find_guarded
 * says how).  Every move is kept in the store before it is answered, so a
 * closed page resumes where it was; one that cannot be kept (the study busy
 * past the wait) shows its screen again, with what was typed, to send again.
 * Each request has a study connection of its own (conn_take), so one
 * waiting on a busy study holds up no other. */
#include "serve.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "weblink.h"

static serve_conn *conn_open(const char *db, at_err *err)
{
    store *s = NULL;
    if (store_open(db, STORE_WRITE, &s, err) != AT_OK)
        return NULL;
    serve_conn *c = xcalloc(1, sizeof *c);
    c->s = s;
    c->cat = record_catalog_new(s);
    return c;
}

static void conn_free(serve_conn *c)
{
    if (!c)
        return;
    record_catalog_free(c->cat);
    store_close(c->s);
    free(c);
}

at_status serve_app_init(serve_app *app, const char *db, at_err *err)
{
    memset(app, 0, sizeof *app);
    pthread_mutex_init(&app->lock, NULL);
    app->db = xstrdup(db ? db : "");
    ratelimit_init(&app->rl);
    visits_init(&app->visits);
    app->spare = conn_open(app->db, err);
    return app->spare ? AT_OK : err ? err->code : AT_EDB;
}

void serve_app_release(serve_app *app)
{
    while (app->spare) {
        serve_conn *c = app->spare;
        app->spare = c->next;
        conn_free(c);
    }
    free(app->db);
    app->db = NULL;
    pthread_mutex_destroy(&app->lock);
}

/* A connection for this request alone: a spare one, else a new one (NULL
 * when the study cannot be opened now).  Given back by conn_give. */
static serve_conn *conn_take(serve_app *app)
{
    pthread_mutex_lock(&app->lock);
    serve_conn *c = app->spare;
    if (c) {
        app->spare = c->next;
        c->next = NULL;
    }
    pthread_mutex_unlock(&app->lock);
    if (c)
        return c;
    at_err err;
    return conn_open(app->db, &err);
}

static void conn_give(serve_app *app, serve_conn *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&app->lock);
    c->next = app->spare;
    app->spare = c;
    pthread_mutex_unlock(&app->lock);
}

void serve_response_release(serve_response *rp)
{
    sbuf_release(&rp->body);
}

static const char html_type[] = "text/html; charset=utf-8";

static void reply(serve_response *rp, int status)
{
    rp->status = status;
    rp->type = html_type;
}

static const char *field_of(const serve_request *rq, const char *name)
{
    for (size_t i = 0; i < rq->nfields; i++)
        if (strcmp(rq->fields[i].name, name) == 0)
            return rq->fields[i].value;
    return NULL;
}

static long now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long)t.tv_sec;
}

/* A link as read from the store, copied out of the store's callback. */
typedef struct link {
    long id;
    long instrument_id;
    char state[16];
    char rater[16];
    char *client;       /* the link's client and session */
    long session;
    char *flow_state;
    size_t n;
    char **values;
} link;

static int copy_link(const invite_view *v, void *ctx)
{
    link *l = ctx;
    l->id = v->id;
    l->instrument_id = v->instrument_id;
    snprintf(l->state, sizeof l->state, "%s", v->state);
    snprintf(l->rater, sizeof l->rater, "%s", v->rater ? v->rater : "client");
    l->client = xstrdup(v->client);
    l->session = v->session;
    l->flow_state = xstrdup(v->flow_state);
    l->n = v->n;
    l->values = xcalloc(v->n ? v->n : 1, sizeof *l->values);
    for (size_t i = 0; i < v->n; i++)
        l->values[i] = xstrdup(v->values[i]);
    return 0;
}

static void link_release(link *l)
{
    for (size_t i = 0; l->values && i < l->n; i++)
        free(l->values[i]);
    free(l->values);
    free(l->client);
    free(l->flow_state);
    memset(l, 0, sizeof *l);
}

/* The answers to keep: the flow's, calc columns left blank (they are
 * computed again whenever read). */
static const char **kept_values(const dict_instrument *in, const flow *fl)
{
    const char *const *v = flow_values(fl);
    const char **out = xcalloc(in->ncols ? in->ncols : 1, sizeof *out);
    for (size_t c = 0; c < in->ncols; c++)
        out[c] = in->fields[in->cols[c].field].type == FT_CALC ? NULL : v[c];
    return out;
}

static void server_error(serve_response *rp, const char *why)
{
    reply(rp, 500);
    sbuf_reset(&rp->body);
    page_note(&rp->body, "Something went wrong",
              why ? why : "The questionnaire could not be shown just now. Your answers so far "
              "are kept; please try again in a moment.");
}

/* The screen the flow is at. */
static void render(serve_response *rp, const flow *fl, const page_form *pf, int status)
{
    reply(rp, status);
    sbuf_reset(&rp->body);
    if (flow_where(fl) == FLOW_QUESTION)
        page_question(&rp->body, fl, pf);
    else if (flow_where(fl) == FLOW_REVIEW)
        page_review(&rp->body, fl, pf);
    else
        page_thanks(&rp->body, fl);
}

/* Applies the answer the form posts for the question on screen. */
static int take_posted(const serve_request *rq, flow *fl, char *why, size_t whysz,
                       const char **typed)
{
    const dict_instrument *in = flow_instrument(fl);
    const dict_field *f = &in->fields[flow_field(fl)];
    const char **cols = xcalloc(f->ncol ? f->ncol : 1, sizeof *cols);
    if (f->type == FT_CHECKBOX)
        for (size_t k = 0; k < f->ncol; k++)
            cols[k] = field_of(rq, in->cols[f->col + k].name);
    else
        cols[0] = field_of(rq, f->name);
    *typed = f->type == FT_CHECKBOX ? NULL : cols[0];
    int ok = flow_answer_columns(fl, cols, why, whysz);
    free(cols);
    return ok;
}

/* A move posted at the screen fl is at.  Returns 1 when the flow moved
 * (to be kept), 0 when it stays with a message in why (typed: the refused
 * answer, to show again). */
static int move(const serve_request *rq, flow *fl, const char *action, char *why, size_t whysz,
                const char **typed)
{
    *typed = NULL;
    why[0] = '\0';
    if (flow_where(fl) == FLOW_QUESTION) {
        if (strcmp(action, "next") == 0)
            return take_posted(rq, fl, why, whysz, typed) && flow_next(fl, why, whysz);
        if (strcmp(action, "back") == 0) {
            /* what was typed is kept when it is a valid answer */
            char ignored[256];
            const char *t;
            take_posted(rq, fl, ignored, sizeof ignored, &t);
            flow_back(fl);
            return 1;
        }
        if (strcmp(action, "skip") == 0)
            return flow_skip(fl, why, whysz);
        return 0;
    }
    if (flow_where(fl) == FLOW_REVIEW && strncmp(action, "change-", 7) == 0) {
        long k = 0;
        if (util_parse_long(action + 7, &k) && k > 0 && flow_change(fl, (size_t)k))
            return 1;
    }
    return 0;
}

/* The final save of link l with the answers of fl. */
static at_status save(serve_app *app, serve_conn *sc, const link *l, const dict_instrument *in,
                      flow *fl, at_err *err)
{
    const char **vals = kept_values(in, fl);
    admin_rec rec = { .status = flow_status(fl), .source = "web", .values = vals,
                      .n = in->ncols, .rater = "client" };
    long aid = 0;
    at_status rc = store_invite_answer(sc->s, l->id, &rec, app->who, &aid, err);
    free(vals);
    if (rc == AT_OK)
        flow_mark_saved(fl);
    return rc;
}

/* The review's number (1-based, as flow_change takes it) of the first
 * shown question that needs an answer and has none, or 0.  The review can
 * hold one: a question that a changed answer newly shows and that Back
 * left behind on the way to the review, or a required answer cleared
 * before Back.  A save is refused then, as 'collect run' refuses it. */
static size_t first_missing(const flow *fl)
{
    const dict_instrument *in = flow_instrument(fl);
    size_t n = flow_review_list(fl, NULL, 0), k = 0;
    size_t *idx = xcalloc(n ? n : 1, sizeof *idx);
    flow_review_list(fl, idx, n);
    for (size_t i = 0; i < n && !k; i++)
        if (in->fields[idx[i]].required && !flow_answered(fl, idx[i]))
            k = i + 1;
    free(idx);
    return k;
}

/* Whether link l's session is dated later than today (store_session_later),
 * which a save refused as invalid asks: its date into when. */
static int session_to_come(serve_conn *sc, const link *l, char *when, size_t size)
{
    session_info si = { 0 };
    at_err err;
    int later = store_session_get(sc->s, l->client, l->session, &si, &err) == AT_OK &&
                store_session_later(si.date, NULL);
    if (later)
        snprintf(when, size, "%s", si.date);
    session_info_release(&si);
    return later;
}

/* Keeps the answers and the place of fl in link l. */
static at_status keep(serve_conn *sc, const link *l, const dict_instrument *in, const flow *fl,
                      at_err *err)
{
    const char **vals = kept_values(in, fl);
    char *state = flow_state_write(fl);
    at_status rc = store_invite_progress(sc->s, l->id, vals, in->ncols, state, err);
    free(state);
    free(vals);
    return rc;
}

/* The flow of link l at the screen kept for it. */
static flow *link_flow(const link *l, const dict_instrument *in)
{
    flow *fl = flow_new(in);
    flow_set_rater(fl, l->rater);
    if (l->flow_state)
        flow_state_read(fl, (const char *const *)l->values, l->flow_state);
    return fl;
}

/* Save not kept (the study busy past the wait): the review again, with
 * why, so that the same button sends it again. */
static void not_saved_now(serve_response *rp, const flow *fl, page_form *pf)
{
    pf->error = "Your answers could not be saved just now. Nothing is lost: please "
                "press Save again in a moment.";
    render(rp, fl, pf, 503);
}

/* The answer for link l when it is no longer open (410): the thank-you
 * page when it is answered, else the page of a link (by_code: of an access
 * code) that is not open. */
static void closed(serve_response *rp, const link *l, const dict_instrument *in, int answered,
                   int by_code)
{
    reply(rp, 410);
    sbuf_reset(&rp->body);
    if (answered) {
        flow *done = flow_new(in);
        flow_set_rater(done, l->rater);
        page_thanks(&rp->body, done);
        flow_free(done);
    } else {
        page_closed(&rp->body, by_code);
    }
}

/* Whether the link found by hash (as find_guarded was given it) is answered
 * now: a move or a save that found it no longer open asks, so that a save
 * sent twice at once (a double tap) is thanked for both times, not told
 * that the link is closed. */
static int answered_now(serve_conn *sc, const char *hash, int by_code)
{
    link now = { 0 };
    at_err err;
    int yes = store_invite_find(sc->s, hash, by_code, copy_link, &now, &err) == AT_OK &&
              strcmp(now.state, "answered") == 0;
    link_release(&now);
    return yes;
}

/* A request for link l (found by hash, a token's or by_code an access
 * code's): GET shows it, POST moves it. */
static void on_link(serve_app *app, serve_conn *sc, const serve_request *rq, serve_response *rp,
                    link *l, const char *hash, int by_code, const char *self, const char *code)
{
    at_err err;
    const dict_instrument *in = record_catalog_get(sc->cat, l->instrument_id, &err);
    if (!in) {
        server_error(rp, NULL);
        return;
    }
    if (strcmp(l->state, "pending") != 0 && strcmp(l->state, "started") != 0) {
        closed(rp, l, in, strcmp(l->state, "answered") == 0, by_code);
        return;
    }
    flow *fl = link_flow(l, in);
    page_form pf = { .action = self, .code = code };
    const char *action = field_of(rq, FORM_ACTION);
    int posted = strcmp(rq->method, "POST") == 0 && action;
    if (!posted) {
        render(rp, fl, &pf, 200);
        flow_free(fl);
        return;
    }
    /* a form sent from another screen than the one the flow is at (sent
     * twice, or from a page left open elsewhere) does not move it */
    if (!page_stamp_fits(fl, field_of(rq, FORM_STAMP))) {
        render(rp, fl, &pf, 200);
        flow_free(fl);
        return;
    }
    size_t missing = strcmp(action, "save") == 0 && flow_where(fl) == FLOW_REVIEW
                         ? first_missing(fl) : 0;
    if (missing) {
        /* not saved: the question that needs its answer, kept as the
         * screen the link is at, with why */
        flow_change(fl, missing);
        at_status rc = keep(sc, l, in, fl, &err);
        if (rc == AT_EEXIST) {
            closed(rp, l, in, answered_now(sc, hash, by_code), by_code);
        } else if (rc != AT_OK) {
            flow_free(fl);
            fl = link_flow(l, in);
            not_saved_now(rp, fl, &pf);
        } else {
            pf.error = "this question needs an answer before your answers can be saved";
            pf.refused = 1;
            render(rp, fl, &pf, 200);
        }
        flow_free(fl);
        return;
    }
    if (strcmp(action, "save") == 0 && flow_where(fl) == FLOW_REVIEW) {
        char when[11];
        at_status rc = save(app, sc, l, in, fl, &err);
        if (rc == AT_EEXIST) {
            /* answered meanwhile (the same Save sent twice, or from
             * another tab), revoked or expired */
            closed(rp, l, in, answered_now(sc, hash, by_code), by_code);
        } else if (rc == AT_EINVAL && session_to_come(sc, l, when, sizeof when)) {
            /* a link made ahead for a session still to come: the answers
             * stay with the link, and Save works once the session's day
             * has come (or its date is corrected) */
            char text[400];
            snprintf(text, sizeof text,
                     "Not saved yet: this questionnaire is about your session of %s, and a "
                     "session's questionnaire is saved after the session. Nothing is lost: "
                     "your answers are kept with this link. Please open it again after your "
                     "session and press Save, or tell the person who gave it to you.", when);
            /* the review again, with why, so that the answers can still be
             * read and changed, and Save pressed once the day has come */
            pf.error = text;
            render(rp, fl, &pf, 409);
        } else if (rc == AT_EINVAL) {
            reply(rp, 409);
            page_note(&rp->body, "Not saved",
                      "These answers cannot be saved through this link: the questionnaire "
                      "for this session has been recorded another way. Your answers are kept "
                      "with the link; please tell the person who gave it to you.");
        } else if (rc != AT_OK) {
            not_saved_now(rp, fl, &pf);
        } else {
            /* the thank-you page at once, a browser's too (no 303): its
             * closing text is the one these answers choose (a form may say
             * something else to one who reported a strain), which the
             * link's address, holding no answers once saved, cannot show */
            render(rp, fl, &pf, 200);
        }
        flow_free(fl);
        return;
    }
    char why[256];
    const char *typed = NULL;
    if (!move(rq, fl, action, why, sizeof why, &typed)) {
        pf.error = why[0] ? why : NULL;
        pf.refused = pf.error != NULL;
        pf.typed = typed;
        render(rp, fl, &pf, 200);
        flow_free(fl);
        return;
    }
    at_status rc = keep(sc, l, in, fl, &err);
    if (rc == AT_EEXIST) {
        /* saved meanwhile (from another tab), revoked or expired */
        closed(rp, l, in, answered_now(sc, hash, by_code), by_code);
    } else if (rc != AT_OK) {
        /* not kept (the study busy past the wait, as a final save can be):
         * the screen it was sent from again, what was typed filled in, so
         * that the same button sends it again */
        flow_free(fl);
        fl = link_flow(l, in);
        if (flow_where(fl) == FLOW_QUESTION) {
            char ignored[256];
            take_posted(rq, fl, ignored, sizeof ignored, &typed);
            pf.typed = typed;
        }
        pf.error = "Your answer could not be kept just now. It is filled in below: please "
                   "send it again in a moment.";
        render(rp, fl, &pf, 503);
    } else if (rq->browser && !code) {
        reply(rp, 303);
        snprintf(rp->location, sizeof rp->location, "%s", self);
    } else {
        render(rp, fl, &pf, 200);
    }
    flow_free(fl);
}

/* The answer of a request turned away (429).  again: a move posted through
 * the access code, whose fields the page keeps to send again (they are the
 * sender's own, and the same whether the code fits or not), or NULL. */
static void too_many(serve_response *rp, long retry, const serve_request *again)
{
    reply(rp, 429);
    rp->retry_after = retry > 0 ? retry : 1;
    page_wait(&rp->body, again ? again->fields : NULL, again ? again->nfields : 0);
}

/* Looks a link up by the hash of its token (by_code 0) or access code (1)
 * under the bad-guess limit, whose rule is:
 *   - a link's token (192 random bits) cannot be guessed, so a request
 *     that presents one is never turned away: it is looked up first, and
 *     the guesses of others from the same address (all the clients of a
 *     reverse proxy share its) do not shut it out;
 *   - an access code is short enough to guess at, so an address over the
 *     limit is turned away before its code is looked up: the answer then
 *     tells nothing of whether the code fits (a move posted with the code
 *     gets its own fields back in the 429 page, to send again: too_many);
 *   - an unknown token and a wrong code count as bad guesses; past the
 *     limit they are answered 429 rather than 404.  Each has a count of
 *     its own, so that mistyped links and a crawler's (from everyone behind
 *     one proxy) do not shut the code's form, and codes guessed at do not
 *     stop a link's address being told unknown.
 * Returns 1 when the request is turned away (*retry seconds left);
 * otherwise *rc is the lookup's (AT_ENOTFOUND for hash NULL: a string of
 * the wrong shape), by hash or else by alt when it is given (*by_alt set
 * when that found the link).  The limit's lock is not held across the
 * store. */
static int find_guarded(serve_app *app, serve_conn *sc, const serve_request *rq,
                        const char *hash, const char *alt, int by_code, long now, link *l,
                        at_status *rc, long *retry, at_err *err, int *by_alt)
{
    *by_alt = 0;
    char key[sizeof app->rl.slots[0].addr];
    snprintf(key, sizeof key, "%s%s", by_code ? "code " : "link ", rq->addr);
    if (by_code) {
        pthread_mutex_lock(&app->lock);
        int blocked = ratelimit_blocked(&app->rl, key, now, retry);
        pthread_mutex_unlock(&app->lock);
        if (blocked)
            return 1;
    }
    *rc = hash ? store_invite_find(sc->s, hash, by_code, copy_link, l, err) : AT_ENOTFOUND;
    if (*rc == AT_ENOTFOUND && alt) {
        *rc = store_invite_find(sc->s, alt, by_code, copy_link, l, err);
        *by_alt = *rc != AT_ENOTFOUND;
    }
    if (*rc != AT_ENOTFOUND)
        return 0;
    pthread_mutex_lock(&app->lock);
    int blocked = ratelimit_blocked(&app->rl, key, now, retry);
    if (!blocked)
        ratelimit_hit(&app->rl, key, now);
    pthread_mutex_unlock(&app->lock);
    return blocked;
}

static void on_token(serve_app *app, serve_conn *sc, const serve_request *rq,
                     serve_response *rp)
{
    const char *tok = rq->path + 3;
    long retry = 0, now = now_s();
    rp->route = SERVE_ROUTE_LINK;
    link l = { 0 };
    at_err err;
    at_status rc = AT_ENOTFOUND;
    char hash[65];
    int shaped = weblink_token_ok(tok, strlen(tok));
    if (shaped)
        weblink_token_hash(tok, strlen(tok), hash);
    int by_alt;
    int blocked = find_guarded(app, sc, rq, shaped ? hash : NULL, NULL, 0, now, &l, &rc,
                               &retry, &err, &by_alt);
    if (blocked) {
        too_many(rp, retry, NULL);
    } else if (rc == AT_ENOTFOUND) {
        reply(rp, 404);
        page_closed(&rp->body, 0);
    } else if (rc != AT_OK) {
        server_error(rp, NULL);
    } else {
        on_link(app, sc, rq, rp, &l, hash, 0, rq->path, NULL);
    }
    link_release(&l);
}

static void on_code(serve_app *app, serve_conn *sc, const serve_request *rq,
                    serve_response *rp)
{
    rp->route = "/code";
    const char *code = strcmp(rq->method, "POST") == 0 ? field_of(rq, FORM_CODE) : NULL;
    if (!code) {
        reply(rp, 200);
        page_code(&rp->body, NULL, NULL, NULL, 0);
        return;
    }
    long retry = 0, now = now_s();
    char hash[65];
    link l = { 0 };
    at_err err;
    at_status rc = AT_ENOTFOUND;
    char plain[65];
    int shaped = weblink_code_hash(code, hash) && weblink_code_hash_plain(code, plain);
    int by_alt;
    /* a link made before codes were hashed in rounds is found by the plain hash */
    int blocked = find_guarded(app, sc, rq, shaped ? hash : NULL, shaped ? plain : NULL, 1,
                               now, &l, &rc, &retry, &err, &by_alt);
    if (by_alt)
        memcpy(hash, plain, sizeof hash);
    if (blocked) {
        /* a move (any action but the code form's own) is kept to send again */
        const char *action = field_of(rq, FORM_ACTION);
        too_many(rp, retry, action && strcmp(action, "open") != 0 ? rq : NULL);
    } else if (rc == AT_ENOTFOUND) {
        /* a move carried with the code (its visit forgotten) stays on the
         * page, to go with the code once it is typed right */
        const char *action = field_of(rq, FORM_ACTION);
        int carried = action && strcmp(action, "open") != 0;
        reply(rp, 404);
        page_code(&rp->body, "That code does not open a questionnaire. Please check it and "
                  "try again.", code, carried ? rq->fields : NULL, carried ? rq->nfields : 0);
    } else if (rc != AT_OK) {
        server_error(rp, NULL);
    } else if (rq->browser) {
        /* a browser goes on at an address of its own for this visit
         * (visits), with the code in no address and no page: sent there
         * at once to open it (303), after the move it posts otherwise (a
         * form sent again from the 429 page or the code's form) */
        char id[VISIT_ID_LEN + 1], self[8 + VISIT_ID_LEN];
        pthread_mutex_lock(&app->lock);
        int made = visits_open(&app->visits, hash, now, id);
        pthread_mutex_unlock(&app->lock);
        const char *action = field_of(rq, FORM_ACTION);
        snprintf(self, sizeof self, "/c/%s", made ? id : "");
        if (!made) {
            server_error(rp, NULL);
        } else if ((!action || strcmp(action, "open") == 0) &&
                   (strcmp(l.state, "pending") == 0 || strcmp(l.state, "started") == 0)) {
            reply(rp, 303);
            snprintf(rp->location, sizeof rp->location, "%s", self);
        } else {
            on_link(app, sc, rq, rp, &l, hash, 1, self, NULL);
        }
    } else {
        on_link(app, sc, rq, rp, &l, hash, 1, "/code", code);
    }
    link_release(&l);
}

/* A request at a visit's address /c/ID (visits): as by a link, once its
 * ID is found; one forgotten (unused too long, or the server started
 * again) asks for the code again, with the fields of a move it posted, so
 * that nothing sent is lost.  An ID is not to be guessed, as a token is
 * not, and one not found is no guess at a code: it does not count towards
 * the bad-guess limit. */
static void on_visit(serve_app *app, serve_conn *sc, const serve_request *rq,
                     serve_response *rp)
{
    rp->route = SERVE_ROUTE_VISIT;
    char hash[65];
    pthread_mutex_lock(&app->lock);
    int found = visits_find(&app->visits, rq->path + 3, now_s(), hash);
    pthread_mutex_unlock(&app->lock);
    int posted = strcmp(rq->method, "POST") == 0 && field_of(rq, FORM_ACTION);
    if (!found) {
        reply(rp, 404);
        page_code(&rp->body, posted
                      ? "This page was left too long, so your access code is asked again. "
                        "Nothing is lost: your answers so far are kept, and the one you "
                        "sent goes with the code."
                      : "This page was left too long, so your access code is asked again. "
                        "Nothing is lost: your answers so far are kept.",
                  NULL, posted ? rq->fields : NULL, posted ? rq->nfields : 0);
        return;
    }
    link l = { 0 };
    at_err err;
    at_status rc = store_invite_find(sc->s, hash, 1, copy_link, &l, &err);
    if (rc == AT_ENOTFOUND) {
        reply(rp, 410);
        page_closed(&rp->body, 1);
    } else if (rc != AT_OK) {
        server_error(rp, NULL);
    } else {
        on_link(app, sc, rq, rp, &l, hash, 1, rq->path, NULL);
    }
    link_release(&l);
}

int serve_takes_form(const char *method, const char *path)
{
    return strcmp(method, "POST") == 0 &&
           (strncmp(path, "/s/", 3) == 0 || strncmp(path, "/c/", 3) == 0 ||
            strcmp(path, "/code") == 0);
}

void serve_handle(serve_app *app, const serve_request *rq, serve_response *rp)
{
    sbuf_init(&rp->body);
    rp->status = 500;
    rp->type = html_type;
    rp->location[0] = '\0';
    rp->retry_after = 0;
    rp->allow = NULL;
    rp->route = "other";
    int get = strcmp(rq->method, "GET") == 0 || strcmp(rq->method, "HEAD") == 0;
    int post = strcmp(rq->method, "POST") == 0;
    /* the stylesheet, and the front page (the access-code form, which posts
     * to /code), take GET and HEAD alone */
    int css = strcmp(rq->path, "/style.css") == 0;
    if ((css || strcmp(rq->path, "/") == 0) && !get) {
        rp->route = css ? "/style.css" : "/";
        reply(rp, 405);
        rp->allow = "GET, HEAD";
        page_note(&rp->body, "Not available", "This address takes only GET.");
        return;
    }
    if (css) {
        rp->route = "/style.css";
        rp->status = 200;
        rp->type = "text/css; charset=utf-8";
        sbuf_adds(&rp->body, serve_style_css);
        return;
    }
    if (!get && !post) {
        if (strncmp(rq->path, "/s/", 3) == 0)
            rp->route = SERVE_ROUTE_LINK;
        else if (strncmp(rq->path, "/c/", 3) == 0)
            rp->route = SERVE_ROUTE_VISIT;
        else if (strcmp(rq->path, "/code") == 0)
            rp->route = "/code";
        reply(rp, 405);
        rp->allow = "GET, HEAD, POST";
        page_note(&rp->body, "Not available", "This address takes only GET and POST.");
        return;
    }
    int token = strncmp(rq->path, "/s/", 3) == 0;
    int by_visit = strncmp(rq->path, "/c/", 3) == 0;
    int code = strcmp(rq->path, "/code") == 0 || (strcmp(rq->path, "/") == 0 && get);
    if (!token && !by_visit && !code) {
        reply(rp, 404);
        page_closed(&rp->body, 0);
        return;
    }
    serve_conn *sc = conn_take(app);
    if (!sc) {
        rp->route = token ? SERVE_ROUTE_LINK : by_visit ? SERVE_ROUTE_VISIT : "/code";
        server_error(rp, NULL);
        return;
    }
    if (token)
        on_token(app, sc, rq, rp);
    else if (by_visit)
        on_visit(app, sc, rq, rp);
    else
        on_code(app, sc, rq, rp);
    conn_give(app, sc);
}
