/* serve.h: the web face of the questionnaire flow (collect serve).
 *
 * Three layers, each knowing less than the one above it:
 *   cmd_serve.c  libmicrohttpd: sockets, TLS, request bodies, headers,
 *                shutdown, the log line;
 *   handler.c    routes: a request (method, path, posted fields, the
 *                client's address) becomes a response (status, page), by
 *                way of the store's links and lib/answering/flow.h;
 *   page.c       the HTML of each screen; ratelimit.c the bad-guess limit;
 *                baseurl.c the address links are made with; logline.c
 *                the library's messages made fit for the log.
 * Nothing here writes to a terminal but cmd_serve.c. */
#ifndef COLLECT_SERVE_H
#define COLLECT_SERVE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "flow.h"
#include "record.h"
#include "store.h"
#include "util.h"

#define SERVE_DEFAULT_LISTEN "127.0.0.1:8080"
#define SERVE_DEFAULT_BASE "http://127.0.0.1:8080"
/* How the log names a request for a link: never with its token. */
#define SERVE_ROUTE_LINK "/s/\xe2\x80\xa6"
#define SERVE_MAX_BODY (64 * 1024)
/* The names of the form's own hidden fields (its screen stamp and, on the
 * access-code route, the code): they start with '_', as no dictionary field
 * can, so no question's answer is ever taken for them.  The buttons are
 * named "action", a name a questionnaire given on the web may not use
 * (collect invite refuses such a form). */
#define FORM_STAMP "_at"
#define FORM_CODE "_code"
#define FORM_ACTION "action"

/* ---- the bad-guess limit (ratelimit.c) --------------------------------- */

/* More than RATE_MAX unknown tokens, or more than RATE_MAX wrong access
 * codes, from one address within RATE_WINDOW seconds: that address is
 * turned away (429) from links it does not hold, or from the code's form,
 * until the oldest of them is a window old (the routes count the two
 * apart, under keys of their own).  A fixed table of the addresses seen
 * last; the one least recently seen makes room. */
#define RATE_MAX 20
#define RATE_WINDOW 60
#define RATE_SLOTS 1024

typedef struct rate_slot {
    char addr[64];             /* what is counted: a kind of guess and an address */
    long hits[RATE_MAX];   /* times of the last RATE_MAX bad guesses, a ring */
    size_t n, next;
    long last;
} rate_slot;

typedef struct ratelimit {
    rate_slot slots[RATE_SLOTS];
} ratelimit;

void ratelimit_init(ratelimit *rl);
/* Records a bad guess from addr at time now (seconds). */
void ratelimit_hit(ratelimit *rl, const char *addr, long now);
/* Whether addr is turned away at time now; the seconds until it is not
 * into *retry (when not NULL). */
int ratelimit_blocked(const ratelimit *rl, const char *addr, long now, long *retry);
/* The address a request counts by, into out (size at least 48): peer, the
 * connection's (as inet_ntop writes it), unless peer is trusted, the
 * reverse proxy's address that --trust-proxy names (NULL: none), and
 * forwarded, the request's X-Forwarded-For, is given: then the last
 * address in it, the one the proxy took the request from (what comes
 * before it is the visitor's to make up), when that is an address.  An
 * IPv6 address counts by its /64, which one host may hold whole. */
void ratelimit_key(const char *peer, const char *forwarded, const char *trusted, char *out,
                   size_t size);

/* ---- the access code's visits (visit.c) --------------------------------- */

/* A browser that opens a questionnaire by its access code is sent on (303)
 * to an address of its own, /c/ID, and goes on there as by a link (each
 * move posted, then a 303 back), so that the browser's Back and reload lead
 * to the screen it is at, and the code itself travels no further: it is in
 * no address and, from then on, in no page.  ID is as random as a link's
 * token, lives in this server's memory alone, and is forgotten once unused
 * for VISIT_IDLE seconds, VISIT_LIFE seconds after it was made however much
 * it is used, or when the server stops: the code is then asked again.  One ID for each link whose code was typed (typed again, the same
 * ID); a fixed table, the least recently used making room. */
#define VISIT_IDLE (60 * 60)
#define VISIT_LIFE (12 * 60 * 60)
#define VISIT_SLOTS 4096
#define VISIT_ID_LEN 32            /* a token's length (WEBLINK_TOKEN_LEN) */
#define SERVE_ROUTE_VISIT "/c/\xe2\x80\xa6"   /* how the log names /c/ID */

typedef struct visit {
    char id[VISIT_ID_LEN + 1];     /* "" for an empty slot */
    char hash[65];                 /* the hash the link was found by */
    long last;                     /* when last used (seconds) */
    long born;                     /* when made */
} visit;

typedef struct visits {
    visit slots[VISIT_SLOTS];
} visits;

void visits_init(visits *v);
/* The ID of the visit to the link found by hash, at now, into id: the one
 * it has while fresh, else a new one.  0 when the operating system gives
 * no random bytes. */
int visits_open(visits *v, const char *hash, long now, char id[VISIT_ID_LEN + 1]);
/* The hash of the link of visit id into hash, its use at now recorded; 0
 * when id is not one, was unused for VISIT_IDLE seconds or was made
 * VISIT_LIFE seconds ago.  IDs are compared in time that does not depend
 * on where they differ. */
int visits_find(visits *v, const char *id, long now, char hash[65]);

/* ---- pages (page.c) ----------------------------------------------------- */

/* One field of a posted form (routes, below). */
typedef struct serve_field {
    char *name, *value;
} serve_field;

typedef struct page_form {
    const char *action;      /* where the form posts: "/s/TOKEN" or "/code" */
    const char *code;        /* the access code to post back (the /code way), or NULL */
    const char *error;       /* a sentence for the respondent, or NULL */
    const char *typed;       /* the refused answer, shown again to correct, or NULL */
    int refused;             /* error says why the answer was refused: its inputs are
                                marked invalid (not so when the study was busy) */
} page_form;

/* A screen's stamp ("q12"; the review's "r" and a digest of its answers):
 * posted back, so a form sent twice (a reload, a double tap) moves the flow
 * once, and a review left open in another tab acts on no answers it did not
 * show. */
void page_stamp(const flow *fl, char buf[24]);
/* Whether a form posted with stamp at (the FORM_STAMP field, NULL when it has
 * none) was sent from the screen fl is at.  A question's form without
 * one, as a script may send, is taken as sent from there; a review's must
 * carry the stamp of the answers it showed. */
int page_stamp_fits(const flow *fl, const char *at);

/* Whole pages into out (appended). */
void page_question(sbuf *out, const flow *fl, const page_form *pf);
void page_review(sbuf *out, const flow *fl, const page_form *pf);
/* The end: the form's closing text (flow_closing) or flow_closing_default;
 * no answer is shown. */
void page_thanks(sbuf *out, const flow *fl);
/* The one page for a link that is unknown, expired or revoked; by_code,
 * for an access code that is expired or revoked, with the way back to the
 * code's form. */
void page_closed(sbuf *out, int by_code);
/* The access-code form; error NULL or a sentence, typed the code that was
 * refused (filled in again to correct) or NULL.  keep: the n fields of a
 * move that found its visit forgotten (visits), posted again with the
 * code, each escaped, so that what was sent is not lost; NULL: none. */
void page_code(sbuf *out, const char *error, const char *typed, const serve_field *keep,
               size_t n);
/* The page of a request turned away by the bad-guess limit (429).  With
 * fields (a move posted through the access code), a form that posts those
 * n fields again to /code as they came, with a Send again button: what was
 * typed is not lost.  fields NULL: the page alone. */
void page_wait(sbuf *out, const serve_field *fields, size_t n);
/* A short page with a heading and one paragraph (429, 413, 500, ...). */
void page_note(sbuf *out, const char *title, const char *text);

/* The stylesheet served at /style.css (assets.c). */
extern const char serve_style_css[];

/* ---- a posted form (form.c) -------------------------------------------- */

#define SERVE_MAX_FIELDS 512

/* The fields of one POST, in the order posted (a name posted twice is two
 * fields; the routes read the first). */
typedef struct serve_form {
    serve_field fields[SERVE_MAX_FIELDS];
    size_t n;
    int too_many;                /* more than SERVE_MAX_FIELDS were posted */
    int nul;                     /* a value held a NUL byte (%00): no answer has one */
} serve_form;

/* Takes one piece of a field as libmicrohttpd's post processor gives it
 * (key and data decoded; data is size bytes at offset off of the value, a
 * long value coming in several pieces).  key NULL is ignored.  Returns 1,
 * or 0 when the form cannot be taken: too_many set when it already holds
 * SERVE_MAX_FIELDS, nul when the piece holds a NUL byte (a C string would
 * end there and keep only what came before). */
int serve_form_add(serve_form *f, const char *key, const char *data, uint64_t off, size_t size);
/* Frees the fields; f is empty again.  A zeroed serve_form is empty. */
void serve_form_release(serve_form *f);

/* ---- routes (handler.c) ------------------------------------------------- */

typedef struct serve_request {
    const char *method;          /* "GET", "HEAD" or "POST" */
    const char *path;
    const char *addr;            /* the client's address, for the bad-guess limit */
    const serve_field *fields;   /* a POST's form fields */
    size_t nfields;
    int browser;                 /* it takes text/html: a moved form answers 303 */
} serve_request;

typedef struct serve_response {
    int status;
    const char *type;            /* Content-Type */
    sbuf body;
    char location[96];           /* for 303: the path to GET */
    long retry_after;            /* for 429: seconds, 0 none */
    const char *allow;           /* for 405: the methods the address takes */
    const char *route;           /* what the log line names: "/s/…", "/code", ... */
} serve_response;

/* A connection to the study with its catalog: one request's at a time. */
typedef struct serve_conn {
    store *s;
    record_catalog *cat;
    struct serve_conn *next;
} serve_conn;

typedef struct serve_app {
    pthread_mutex_t lock;        /* the bad-guess limit and the spare connections; never held
                                    across a call into the store, so a request waiting on a
                                    busy study holds up no other */
    char *db;                    /* the study, as given to store_open */
    serve_conn *spare;           /* the connections no request holds now */
    ratelimit rl;
    visits visits;               /* under lock too */
    const char *who;             /* recorded beside the account in the audit trail */
} serve_app;

/* Opens the study db (NULL or "": the default) once, so that one that
 * cannot be opened is told at once (AT_OK or the store's status and err).
 * Each request then has a connection of its own: a spare one, or one
 * opened for it when every one is in use, so there are as many as requests
 * answered at once (the server's threads).  No two threads use one
 * connection at once. */
at_status serve_app_init(serve_app *app, const char *db, at_err *err);
/* Closes the connections; none may be in use. */
void serve_app_release(serve_app *app);
/* Whether a request's body is a form to read: a POST to a link or to
 * /code.  Any other body is not read (its size still counts). */
int serve_takes_form(const char *method, const char *path);
/* Answers one request (any thread). */
void serve_handle(serve_app *app, const serve_request *rq, serve_response *rp);
void serve_response_release(serve_response *rp);

/* ---- the log (logline.c) ---------------------------------------------- */

/* One of libmicrohttpd's messages, formatted, into out (appended) as the
 * log may show it: the library names the request it failed to answer by
 * its address, so a link's path /s/TOKEN becomes SERVE_ROUTE_LINK, and a
 * byte that is not printable ASCII (the address is the visitor's, and a
 * terminal may take an escape in it as a command) becomes '?'; a final
 * newline is kept. */
void serve_log_clean(sbuf *out, const char *msg);
/* How the log names a request's method: one of HTTP's own (GET, HEAD,
 * POST, PUT, DELETE, OPTIONS, PATCH, TRACE, CONNECT) as it is, anything
 * else "other", so that no byte of the visitor's choosing reaches the log.
 * A static string. */
const char *serve_log_method(const char *method);

/* ---- the links' address (baseurl.c) ------------------------------------ */

/* The base URL links are made with (given NULL: SERVE_DEFAULT_BASE), into
 * *out without a trailing slash (caller frees).  It must be http:// or
 * https://, a host and maybe a port, and no path but "/": the pages, their
 * stylesheet, forms and redirects are at the root of the server (/s/TOKEN,
 * /code, /style.css), so a reverse proxy forwards a host's root, not one of
 * its folders.  Returns 0 with why (one line naming '--base-url') when
 * refused. */
int serve_base_url(const char *given, char **out, char *why, size_t whysz);

#endif
