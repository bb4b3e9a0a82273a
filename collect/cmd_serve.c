/* collect serve: the web questionnaire for private links, on
 * libmicrohttpd.  This file is the HTTP side (sockets, TLS, bodies,
 * headers, the log, shutdown); serve/handler.c answers the requests. */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "opt.h"
#include "serve/serve.h"

#define IDLE_TIMEOUT_S 20      /* a connection quiet this long is closed */
#define THREADS 4              /* requests answered at once, each with its own study connection */
#define PER_ADDRESS 50         /* connections one address may hold at once, by default on
                                  an address other than loopback (on loopback every
                                  connection is a reverse proxy's); --per-address sets it */
#define MAX_CONNECTIONS 1000  /* connections held at once, from all addresses */
#define REQUEST_DEADLINE_S 30  /* a request not received whole this long after it began (a
                                  sender of a byte now and then, which the idle timeout
                                  never closes) has its connection cut */
#define BUSY_WAIT_S 30         /* how long a save waits for a busy study ($ATTUNE_WAIT) */
#define BODY_CUT (16 * SERVE_MAX_BODY) /* a body sent without a length is read no further than
                                  this: its 413 can only follow its end, which a sender may
                                  put off for ever, so past this it is dropped unanswered */

static void usage(void)
{
    fputs("usage: collect serve [--listen HOST:PORT] [--tls-cert FILE --tls-key FILE]\n"
          "                     [--base-url URL] [--insecure-http] [--per-address N]\n"
          "                     [--trust-proxy ADDR]\n"
          "\n"
          "Serves the questionnaires of the study's private links ('collect invite') to\n"
          "the respondents' own browsers, one question a screen, until Ctrl-C or SIGTERM\n"
          "(requests under way are finished first).  The first line on stderr is\n"
          "'listening on URL'; then one line per request (method, kind of address,\n"
          "status, time), never a link's token, an access code or the address it opens.\n"
          "\n"
          "Without --listen, " SERVE_DEFAULT_LISTEN "; port 0 picks a free one, [::1]:PORT\n"
          "is IPv6.  An address other than loopback needs --tls-cert and --tls-key, or\n"
          "--insecure-http for a network you trust (answers would cross it unencrypted).\n"
          "There one address holds at most 50 connections at once (--per-address N sets\n"
          "another number, 0 none: a reverse proxy on another machine is one address);\n"
          "on loopback there is no such limit unless --per-address is given.\n"
          "\n"
          "More than 20 unknown links, or 20 wrong access codes, in a minute from one\n"
          "address are turned away (429) for the rest of it; a good link never is, nor\n"
          "the address a browser goes on at once its code fits.  Behind a reverse proxy\n"
          "every request has the proxy's address, so everyone behind it shares one\n"
          "count of bad guesses, unless --trust-proxy ADDR names the proxy: a request from\n"
          "ADDR then counts by the last address of its X-Forwarded-For header, the one the\n"
          "proxy took it from (nginx: proxy_set_header X-Forwarded-For\n"
          "$proxy_add_x_forwarded_for).  Give it only when no one but the proxy can reach\n"
          "serve's address: anyone else there could name any address.\n"
          "\n"
          "The pages are built into this program; nothing is read from disk or fetched\n"
          "from any other host.  Answers so far are kept in the study as they are given,\n"
          "so a closed page resumes; a saved link then answers 410.\n", stdout);
}

/* ---- one request's state between libmicrohttpd's calls ------------------- */

typedef struct conn {
    struct timespec start;
    const char *method;          /* as the log names it (serve_log_method) */
    const char *route;
    int status;
    size_t body;                 /* bytes of the body seen so far */
    int too_big, bad_type;
    int unread;                  /* the post processor could not parse the body */
    struct MHD_PostProcessor *pp;
    serve_form form;
} conn;

static serve_app app;
static atomic_int inflight;

/* ---- the request deadline ----------------------------------------------
 * libmicrohttpd closes a connection idle for IDLE_TIMEOUT_S, but one that
 * sends a byte of its headers or body now and then is never idle.  Each
 * connection is watched from when it opens, and again from the end of each
 * request on it, until its next request is received whole; the main
 * thread looks every second and shuts the socket of one still receiving
 * after REQUEST_DEADLINE_S, which the library then closes.  A connection
 * leaves the list (under watch_lock) when the library says it closes it,
 * before its socket is closed, so no socket is shut that is not its. */
typedef struct watched {
    MHD_socket fd;
    struct timespec since;       /* when its request began */
    int receiving;               /* that request not yet received whole */
    int cut;
    struct watched *prev, *next;
} watched;

static pthread_mutex_t watch_lock = PTHREAD_MUTEX_INITIALIZER;
static watched *watch_head;

static void on_connection(void *cls, struct MHD_Connection *mc, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    (void)cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CONNECTION_FD);
        watched *w = xcalloc(1, sizeof *w);
        w->fd = ci ? ci->connect_fd : MHD_INVALID_SOCKET;
        w->receiving = 1;
        clock_gettime(CLOCK_MONOTONIC, &w->since);
        pthread_mutex_lock(&watch_lock);
        w->next = watch_head;
        if (watch_head)
            watch_head->prev = w;
        watch_head = w;
        pthread_mutex_unlock(&watch_lock);
        *socket_context = w;
        return;
    }
    watched *w = *socket_context;
    if (!w)
        return;
    pthread_mutex_lock(&watch_lock);
    if (w->prev)
        w->prev->next = w->next;
    else
        watch_head = w->next;
    if (w->next)
        w->next->prev = w->prev;
    pthread_mutex_unlock(&watch_lock);
    free(w);
    *socket_context = NULL;
}

/* The request on mc is received whole (receiving 0), or over and the next
 * one on the connection begins (1). */
static void watch_request(struct MHD_Connection *mc, int receiving)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(mc, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    watched *w = ci ? ci->socket_context : NULL;
    if (!w)
        return;
    pthread_mutex_lock(&watch_lock);
    w->receiving = receiving;
    if (receiving)
        clock_gettime(CLOCK_MONOTONIC, &w->since);
    pthread_mutex_unlock(&watch_lock);
}

static void watch_sweep(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    pthread_mutex_lock(&watch_lock);
    for (watched *w = watch_head; w; w = w->next)
        if (w->receiving && !w->cut && w->fd != MHD_INVALID_SOCKET &&
            now.tv_sec - w->since.tv_sec >= REQUEST_DEADLINE_S) {
            shutdown(w->fd, SHUT_RDWR);
            w->cut = 1;
        }
    pthread_mutex_unlock(&watch_lock);
}

static void conn_free(conn *c)
{
    if (!c)
        return;
    if (c->pp)
        MHD_destroy_post_processor(c->pp);
    serve_form_release(&c->form);
    free(c);
}

static enum MHD_Result on_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *filename, const char *content_type,
                                const char *transfer_encoding, const char *data, uint64_t off,
                                size_t size)
{
    (void)kind, (void)filename, (void)content_type, (void)transfer_encoding;
    conn *c = cls;
    /* too_many or nul is set on the form when it cannot take this */
    return serve_form_add(&c->form, key, data, off, size) ? MHD_YES : MHD_NO;
}

static void security_headers(struct MHD_Response *r)
{
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'none'; style-src 'self'; form-action 'self'; "
                            "frame-ancestors 'none'; base-uri 'none'");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
}

static enum MHD_Result send_reply(struct MHD_Connection *mc, conn *c, serve_response *rp)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        rp->body.len, rp->body.len ? rp->body.buf : (void *)"", MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    security_headers(r);
    MHD_add_response_header(r, "Content-Type", rp->type);
    if (rp->status == 303 && rp->location[0])
        MHD_add_response_header(r, "Location", rp->location);
    if (rp->retry_after > 0) {
        char secs[24];
        snprintf(secs, sizeof secs, "%ld", rp->retry_after);
        MHD_add_response_header(r, "Retry-After", secs);
    }
    if (rp->status == 405 && rp->allow)
        MHD_add_response_header(r, "Allow", rp->allow);
    if (rp->status == 413 || rp->status == 400)
        MHD_add_response_header(r, "Connection", "close");
    c->status = rp->status;
    c->route = rp->route;
    enum MHD_Result ok = MHD_queue_response(mc, (unsigned)rp->status, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result send_note(struct MHD_Connection *mc, conn *c, int status,
                                 const char *title, const char *text)
{
    serve_response rp = { .status = status, .type = "text/html; charset=utf-8",
                          .route = c->route ? c->route : "other" };
    sbuf_init(&rp.body);
    page_note(&rp.body, title, text);
    enum MHD_Result ok = send_reply(mc, c, &rp);
    serve_response_release(&rp);
    return ok;
}

static const char *route_of(const char *url)
{
    if (strncmp(url, "/s/", 3) == 0)
        return SERVE_ROUTE_LINK;
    if (strncmp(url, "/c/", 3) == 0)
        return SERVE_ROUTE_VISIT;
    if (strcmp(url, "/code") == 0 || strcmp(url, "/") == 0 || strcmp(url, "/style.css") == 0)
        return url;
    return "other";
}

/* The reverse proxy whose X-Forwarded-For is believed (--trust-proxy), as
 * inet_ntop writes it, or NULL */
static const char *trusted_proxy;

/* Keeps the last X-Forwarded-For header's value: a proxy that adds a line
 * of its own rather than adding to the one it was sent puts it last. */
static enum MHD_Result last_forwarded(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    (void)kind;
    if (key && value && strcasecmp(key, "X-Forwarded-For") == 0)
        *(const char **)cls = value;
    return MHD_YES;
}

/* The address the bad-guess limit counts the request by (ratelimit_key) */
static void client_addr(struct MHD_Connection *mc, char *buf, size_t size)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char peer[INET6_ADDRSTRLEN] = "?";
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;
    if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, peer,
                  sizeof peer);
    else if (sa && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, peer,
                  sizeof peer);
    const char *forwarded = NULL;
    if (trusted_proxy)
        MHD_get_connection_values(mc, MHD_HEADER_KIND, last_forwarded, &forwarded);
    ratelimit_key(peer, forwarded, trusted_proxy, buf, size);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *mc, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)cls;
    conn *c = *con_cls;
    if (!c) {
        c = xcalloc(1, sizeof *c);
        clock_gettime(CLOCK_MONOTONIC, &c->start);
        c->method = serve_log_method(method);
        c->route = route_of(url);
        *con_cls = c;
        atomic_fetch_add(&inflight, 1);
        /* HTTP/1.1 makes the Host header a must (RFC 9112, 3.2), and a
         * request without one is answered 400 */
        if (strcmp(version, MHD_HTTP_VERSION_1_1) == 0 &&
            !MHD_lookup_connection_value(mc, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST))
            return send_note(mc, c, 400, "Not understood", "The request named no host.");
        if (strcmp(method, "POST") == 0) {
            const char *len = MHD_lookup_connection_value(mc, MHD_HEADER_KIND,
                                                          MHD_HTTP_HEADER_CONTENT_LENGTH);
            long n = 0;
            if (len && (!util_parse_long(len, &n) || n > SERVE_MAX_BODY))
                return send_note(mc, c, 413, "Too much at once",
                                 "The form sent more than this questionnaire takes.");
            if (serve_takes_form(method, url)) {
                c->pp = MHD_create_post_processor(mc, 4096, on_field, c);
                if (!c->pp)
                    c->bad_type = 1;
            }
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        c->body += *upload_data_size;
        if (c->body > SERVE_MAX_BODY)
            c->too_big = 1;
        /* libmicrohttpd takes a reply only before the body or after its
         * end: a body past the limit is counted, not kept, until it ends
         * (413), or until it passes BODY_CUT, when the connection is
         * closed */
        if (c->body > BODY_CUT)
            return MHD_NO;
        if (!c->too_big && !c->unread && c->pp &&
            MHD_post_process(c->pp, upload_data, *upload_data_size) != MHD_YES)
            c->unread = 1;
        *upload_data_size = 0;
        return MHD_YES;
    }
    watch_request(mc, 0);
    /* the body is all in: a post processor left midway (a field or an
     * escape cut short) says so here; one that found no field in a body
     * (a multipart body whose parts are not under its boundary, taken for
     * a preamble) read nothing of it */
    if (c->pp) {
        enum MHD_Result whole = MHD_destroy_post_processor(c->pp);
        c->pp = NULL;
        if (!c->too_big && (whole != MHD_YES || (c->body > 0 && c->form.n == 0)))
            c->unread = 1;
    }
    if (c->too_big)
        return send_note(mc, c, 413, "Too much at once",
                         "The form sent more than this questionnaire takes.");
    if (c->form.nul)
        return send_note(mc, c, 400, "Not understood",
                         "The form held a character no answer may have (a NUL byte). Nothing "
                         "of it was kept.");
    if (c->form.too_many || c->unread || c->bad_type)
        return send_note(mc, c, 400, "Not understood", "The form could not be read.");
    char addr[64];
    client_addr(mc, addr, sizeof addr);
    const char *accept = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
    serve_request rq = { .method = method, .path = url, .addr = addr, .fields = c->form.fields,
                         .nfields = c->form.n,
                         .browser = accept && strstr(accept, "text/html") != NULL };
    serve_response rp;
    serve_handle(&app, &rq, &rp);
    enum MHD_Result ok = send_reply(mc, c, &rp);
    serve_response_release(&rp);
    return ok;
}

static void on_done(void *cls, struct MHD_Connection *mc, void **con_cls,
                    enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    conn *c = *con_cls;
    if (!c) {
        watch_request(mc, 1);
        return;
    }
    struct timespec end;
    clock_gettime(CLOCK_MONOTONIC, &end);
    double ms = (double)(end.tv_sec - c->start.tv_sec) * 1e3 +
                (double)(end.tv_nsec - c->start.tv_nsec) / 1e6;
    if (c->status)
        fprintf(stderr, "%s %s %d %.1f ms\n", c->method, c->route, c->status, ms);
    else
        fprintf(stderr, "%s %s - %.1f ms (%s)\n", c->method, c->route, ms,
                toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED ? "timed out" : "dropped");
    conn_free(c);
    *con_cls = NULL;
    atomic_fetch_sub(&inflight, 1);
    watch_request(mc, 1);
}

/* ---- the command -------------------------------------------------------- */

struct serve_args {
    const char *listen, *cert, *key, *base, *per_address, *trust_proxy;
    int insecure;
    long per;                  /* --per-address, -1 when not given */
};

static int parse_args(int argc, char **argv, const opt_spec *opts, struct serve_args *a)
{
    if (opt_parse("serve", argc, argv, 1, opts, NULL) != EXIT_OK)
        return EXIT_USAGE;
    if (!a->listen)
        a->listen = SERVE_DEFAULT_LISTEN;
    if (!a->cert != !a->key)
        return cli_usage("serve", "'--tls-cert' and '--tls-key' go together");
    a->per = -1;
    if (a->per_address && (!util_parse_long(a->per_address, &a->per) || a->per < 0 ||
                           a->per > MAX_CONNECTIONS))
        return cli_usage("serve", "'--per-address' takes a number of connections from 1 to "
                         "%d, or 0 for no limit, not '%s'", MAX_CONNECTIONS, a->per_address);
    if (a->trust_proxy) {
        /* kept as inet_ntop writes it, as the connection's address is */
        static char canon[INET6_ADDRSTRLEN];
        unsigned char ip[16];
        int v6 = strchr(a->trust_proxy, ':') != NULL;
        if (inet_pton(v6 ? AF_INET6 : AF_INET, a->trust_proxy, ip) != 1 ||
            !inet_ntop(v6 ? AF_INET6 : AF_INET, ip, canon, sizeof canon))
            return cli_usage("serve", "'--trust-proxy' takes the reverse proxy's IP address "
                             "(as 127.0.0.1 or ::1), not '%s'", a->trust_proxy);
        trusted_proxy = canon;
    }
    char *base = NULL, why[256];
    if (a->base && !serve_base_url(a->base, &base, why, sizeof why))
        return cli_usage("serve", "%s", why);
    free(base);
    return EXIT_OK;
}

/* HOST:PORT (or [V6]:PORT) into a socket address; 0 after the usage error. */
static int resolve(const char *listen, struct sockaddr_storage *ss, char *host, size_t hsz,
                   long *port)
{
    const char *colon = strrchr(listen, ':');
    const char *h = listen;
    size_t hl = colon ? (size_t)(colon - listen) : 0;
    if (colon && hl >= 2 && listen[0] == '[' && listen[hl - 1] == ']')
        h++, hl -= 2;
    if (!colon || !hl || hl >= hsz || !util_parse_long(colon + 1, port) || *port < 0 ||
        *port > 65535) {
        cli_usage("serve", "'--listen' takes HOST:PORT (as 127.0.0.1:8080), not '%s'", listen);
        return 0;
    }
    memcpy(host, h, hl);
    host[hl] = '\0';
    struct addrinfo hints = { .ai_flags = AI_NUMERICHOST, .ai_socktype = SOCK_STREAM }, *res;
    if (getaddrinfo(host, NULL, &hints, &res) != 0) {
        cli_usage("serve", "'--listen': '%s' is not an IP address (as 127.0.0.1 or ::1)", host);
        return 0;
    }
    memset(ss, 0, sizeof *ss);
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    if (ss->ss_family == AF_INET)
        ((struct sockaddr_in *)(void *)ss)->sin_port = htons((uint16_t)*port);
    else
        ((struct sockaddr_in6 *)(void *)ss)->sin6_port = htons((uint16_t)*port);
    return 1;
}

static int is_loopback(const struct sockaddr_storage *ss)
{
    if (ss->ss_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)(const void *)ss)->sin_addr.s_addr) >> 24) ==
               127;
    return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)(const void *)ss)->sin6_addr);
}

/* The library's messages name a request by its address: never a token in
 * the log (serve_log_clean) */
static void log_mhd(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    sbuf msg = SBUF_INIT, line = SBUF_INIT;
    sbuf_vaddf(&msg, fmt, ap);
    sbuf_adds(&line, "collect: serve: ");
    serve_log_clean(&line, sbuf_str(&msg));
    fputs(sbuf_str(&line), stderr);
    sbuf_release(&line);
    sbuf_release(&msg);
}

int cmd_serve(int argc, char **argv, const char *db)
{
    struct serve_args a = { 0 };
    const opt_spec opts[] = {
        { "--listen", "HOST:PORT", "where to listen (default " SERVE_DEFAULT_LISTEN ")", &a.listen,
          NULL },
        { "--tls-cert", "FILE", "serve HTTPS with this PEM certificate (chain) ...", &a.cert,
          NULL },
        { "--tls-key", "FILE", "... and its PEM private key", &a.key, NULL },
        { "--base-url", "URL", "the address respondents use, when a reverse proxy is in front "
                               "(printed with 'listening on')", &a.base, NULL },
        { "--insecure-http", NULL, "allow plain HTTP on an address other than loopback", NULL,
          &a.insecure },
        { "--per-address", "N", "connections one address may hold at once (default 50 "
                                "beyond loopback, no limit on it; 0: none)", &a.per_address,
          NULL },
        { "--trust-proxy", "ADDR", "the reverse proxy at ADDR names each visitor's address in "
                                   "X-Forwarded-For: count bad guesses by it", &a.trust_proxy,
          NULL },
        { NULL, NULL, NULL, NULL, NULL } };
    if (cli_help_or_complete(argc, argv, opts, usage))
        return EXIT_OK;
    int rc = parse_args(argc, argv, opts, &a);
    if (rc != EXIT_OK)
        return rc;
    struct sockaddr_storage ss;
    char host[64];
    long port = 0;
    if (!resolve(a.listen, &ss, host, sizeof host, &port))
        return EXIT_USAGE;
    int tls = a.cert != NULL;
    if (!tls && !is_loopback(&ss) && !a.insecure)
        return cli_usage("serve", "'%s' is not a loopback address: give --tls-cert "
                         "and --tls-key, or listen on loopback behind a TLS reverse proxy, or say "
                         "--insecure-http for a network you trust", host);
    char *cert = NULL, *key = NULL;
    at_err err;
    if (tls && (util_read_file(a.cert, &cert, NULL, &err) != AT_OK ||
                util_read_file(a.key, &key, NULL, &err) != AT_OK)) {
        free(cert);
        return cli_fail("%s", err.msg);
    }

    /* a save that meets a busy study waits (BUSY_WAIT_S, or $ATTUNE_WAIT
     * seconds); the answers so far are already kept in the link, and one
     * not kept when the wait runs out is shown again to send again */
    store_wait_defaults(cli_wait_ms(BUSY_WAIT_S * 1000L), 1000, NULL, NULL);
    if (serve_app_init(&app, db, &err) != AT_OK) {
        serve_app_release(&app);
        free(cert);
        free(key);
        return cli_fail("%s", err.msg);
    }
    app.who = cli_who();

    /* the signals are taken by this thread alone (sigwait): the server's
     * threads, started after this, inherit the mask */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ITC |
                     MHD_USE_ERROR_LOG;
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    if (tls)
        flags |= MHD_USE_TLS;
    unsigned per_address = a.per >= 0       ? (unsigned)a.per
                           : is_loopback(&ss) ? 0u
                                              : (unsigned)PER_ADDRESS;   /* 0: no limit */
    struct MHD_Daemon *d =
        tls ? MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, on_request, NULL,
                               MHD_OPTION_EXTERNAL_LOGGER, log_mhd, NULL,
                               MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                               MHD_OPTION_THREAD_POOL_SIZE, (unsigned)THREADS,
                               MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_TIMEOUT_S,
                               MHD_OPTION_CONNECTION_LIMIT, (unsigned)MAX_CONNECTIONS,
                               MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
                               MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
                               MHD_OPTION_HTTPS_MEM_CERT, cert, MHD_OPTION_HTTPS_MEM_KEY, key,
                               MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_address, MHD_OPTION_END)
            : MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, on_request, NULL,
                               MHD_OPTION_EXTERNAL_LOGGER, log_mhd, NULL,
                               MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                               MHD_OPTION_THREAD_POOL_SIZE, (unsigned)THREADS,
                               MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_TIMEOUT_S,
                               MHD_OPTION_CONNECTION_LIMIT, (unsigned)MAX_CONNECTIONS,
                               MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
                               MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
                               MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_address, MHD_OPTION_END);
    if (!d) {
        rc = cli_fail("cannot listen on %s: %s", a.listen,
                      errno ? strerror(errno) : "the server did not start");
        goto out;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    long real = di ? (long)di->port : port;
    int v6 = ss.ss_family == AF_INET6;
    /* one write, so a program reading the log never sees half the line */
    fprintf(stderr, "listening on %s://%s%s%s:%ld%s%s%s\n", tls ? "https" : "http",
            v6 ? "[" : "", host, v6 ? "]" : "", real, a.base ? " (links: " : "",
            a.base ? a.base : "", a.base ? ")" : "");
    fflush(stderr);

    int sig = 0;
    for (;;) {
        struct timespec second = { 1, 0 };
        sig = sigtimedwait(&stop, NULL, &second);
        if (sig > 0)
            break;
        watch_sweep();
    }
    /* no new connections; the requests under way are answered first */
    MHD_socket ls = MHD_quiesce_daemon(d);
    for (int waited = 0; atomic_load(&inflight) > 0 && waited < 10000; waited += 10) {
        struct timespec t = { 0, 10 * 1000000 };
        nanosleep(&t, NULL);
    }
    MHD_stop_daemon(d);
    if (ls != MHD_INVALID_SOCKET)
        close(ls);
    fprintf(stderr, "stopped (%s)\n", sig == SIGINT ? "interrupt" : "terminate");
    rc = EXIT_OK;
out:
    serve_app_release(&app);
    free(cert);
    free(key);
    return rc;
}
