/* libFuzzer harness for the web questionnaire's posted forms: any bytes as
 * the bodies (application/x-www-form-urlencoded) of a respondent's requests
 * to one private link of a fresh study, answered by collect serve's own
 * routes and pages (serve_form_add, serve_handle: the flow of lib/flow.h,
 * the store's link, the HTML of the next screen), without a socket.
 *
 * The input: a first byte of choices, then one request body a line.
 *   bit 0    the instrument: client_post_session (branching, a checkbox,
 *            scales) or the test dictionary export_demo (validated text,
 *            dates, identifiers);
 *   bit 1    by the link (POST /s/TOKEN) or by the access code (POST /code,
 *            the code put first in each body);
 *   bit 2    a browser (a moved form answers 303) or not;
 *   bits 3-7 how long the pieces are in which a value is handed over
 *            (1-32 bytes), as the post processor splits long values.
 * An empty line is a GET of the screen the link is at (by the code, a POST
 * of the code alone).  The urlencoded
 * decoding here stands in for libmicrohttpd's post processor (which reads
 * its connection's headers): names and values split at '&' and the first
 * '=', '+' as a space, %XX as its byte, a malformed escape kept as typed.
 *
 * After each request: a known status, a page for every status but 303, a
 * 303 sent back to the same address, and no "<fz" in a page (form.dict
 * and a seed post it: a value shown again unescaped would put it there). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dict.h"
#include "serve.h"
#include "store.h"
#include "weblink.h"

#define MAX_REQUESTS 64

static const char *const files[2] = { ATTUNE_SOURCE_DIR "/instruments/client_post_session.csv",
                                      ATTUNE_SOURCE_DIR "/tests/data/export_demo.csv" };

static char work_db[512], wal[520], shm[520];
static char *template_bytes;       /* the study made once, copied before each input */
static size_t template_len;
static char tokens[2][WEBLINK_TOKEN_LEN + 4], codes[2][WEBLINK_CODE_LEN + 2];

static char work_dir[400];
/* ATTUNE_FUZZ_TRACE=1: each reply's status and title on stderr, to see
 * how far a seed gets. */
static int trace;

static void tidy(void)
{
    unlink(work_db);
    unlink(wal);
    unlink(shm);
    rmdir(work_dir);
}

static void die(const char *what, const at_err *err)
{
    fprintf(stderr, "fuzz_form: %s: %s\n", what, err ? err->msg : "failed");
    abort();
}

/* Adds the one form of file to s; its version's id into *id. */
static void add_instrument(store *s, const char *file, long *id)
{
    char *text = NULL;
    size_t len = 0;
    dict_file d;
    at_err err;
    if (util_read_file(file, &text, &len, &err) != AT_OK ||
        dict_parse(file, text, len, NULL, &d, NULL, &err) != AT_OK)
        die(file, &err);
    const dict_instrument *in = &d.forms[0];
    sbuf form = SBUF_INIT;
    dict_write_form(in, &form);
    const char **cols = xcalloc(in->ncols, sizeof *cols);
    for (size_t c = 0; c < in->ncols; c++)
        cols[c] = in->cols[c].name;
    long version = 0;
    int added = 0;
    if (store_instrument_add(s, in->name, sbuf_str(&form), in->record_id, cols, in->ncols, id,
                             &version, &added, &err) != AT_OK)
        die(file, &err);
    free(cols);
    sbuf_release(&form);
    dict_release(&d);
    free(text);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
    char dir[400];
    snprintf(dir, sizeof dir, "%s/attune-fuzz-form.XXXXXX", tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        die("mkdtemp", NULL);
    char template_db[512];
    snprintf(template_db, sizeof template_db, "%s/template.db", dir);
    snprintf(work_db, sizeof work_db, "%s/work.db", dir);
    snprintf(wal, sizeof wal, "%s-wal", work_db);
    snprintf(shm, sizeof shm, "%s-shm", work_db);

    store *s = NULL;
    at_err err;
    if (store_open(template_db, STORE_CREATE, &s, &err) != AT_OK ||
        store_therapist_add(s, "T01", NULL, &err) != AT_OK ||
        store_client_add(s, "C01", "T01", &err) != AT_OK)
        die("the study", &err);
    char until[21];
    weblink_time_iso(time(NULL) + 366L * 86400, until);
    for (int i = 0; i < 2; i++) {
        long iid = 0, id = 0;
        add_instrument(s, files[i], &iid);
        char th[65], ch[65];
        if (weblink_new(tokens[i], codes[i], &err) != AT_OK)
            die("a link", &err);
        weblink_token_hash(tokens[i], strlen(tokens[i]), th);
        weblink_code_hash(codes[i], ch);
        invite_rec r = { .client = "C01", .session = 1 + i, .instrument_id = iid,
                         .rater = "client", .token_hash = th, .code_hash = ch,
                         .expires_at = until };
        if (store_invite_add(s, &r, &id, &err) != AT_OK)
            die("a link", &err);
    }
    store_close(s);
    if (util_read_file(template_db, &template_bytes, &template_len, &err) != AT_OK)
        die("the study", &err);
    unlink(template_db);
    snprintf(work_dir, sizeof work_dir, "%s", dir);
    atexit(tidy);
    trace = getenv("ATTUNE_FUZZ_TRACE") != NULL;
    return 0;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes p[0..n) in place ('+' a space, %XX a byte); the new length. */
static size_t url_decode(char *p, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '+') {
            p[o++] = ' ';
        } else if (p[i] == '%' && i + 2 < n && hexval(p[i + 1]) >= 0 &&
                   hexval(p[i + 2]) >= 0) {
            p[o++] = (char)(hexval(p[i + 1]) * 16 + hexval(p[i + 2]));
            i += 2;
        } else {
            p[o++] = p[i];
        }
    }
    return o;
}

/* One urlencoded body into form, each value in pieces of piece bytes. */
static void post_body(serve_form *form, const char *body, size_t len, size_t piece)
{
    size_t at = 0;
    while (at <= len && !form->too_many && !form->nul) {
        const char *amp = memchr(body + at, '&', len - at);
        size_t end = amp ? (size_t)(amp - body) : len;
        if (end > at) {
            char *pair = xstrndup(body + at, end - at);
            size_t plen = end - at;
            char *eq = memchr(pair, '=', plen);
            size_t klen = eq ? (size_t)(eq - pair) : plen;
            char *val = eq ? eq + 1 : pair + plen;
            size_t vlen = eq ? plen - klen - 1 : 0;
            klen = url_decode(pair, klen);
            pair[klen] = '\0';
            vlen = url_decode(val, vlen);
            /* a name with a NUL byte in it ends there, as in C strings */
            size_t off = 0;
            do {
                size_t n = vlen - off < piece ? vlen - off : piece;
                if (!serve_form_add(form, pair, val + off, off, n))
                    break;
                off += n;
            } while (off < vlen);
            free(pair);
        }
        if (!amp)
            break;
        at = end + 1;
    }
}

static void check(const serve_response *rp, const char *path)
{
    static const int known[] = { 200, 303, 404, 409, 410, 429, 500, 503 };
    int ok = 0;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        ok |= rp->status == known[i];
    if (!ok) {
        fprintf(stderr, "fuzz_form: status %d\n", rp->status);
        abort();
    }
    /* a browser's move goes back to where it was posted; its code, to its
     * visit's address /c/ID */
    int back = strcmp(rp->location, path) == 0 ||
               (strcmp(path, "/code") == 0 && strncmp(rp->location, "/c/", 3) == 0 &&
                strlen(rp->location) == 3 + VISIT_ID_LEN);
    if (rp->status == 303 ? !back : rp->body.len == 0) {
        fprintf(stderr, "fuzz_form: status %d, location '%s', %zu bytes\n", rp->status,
                rp->location, rp->body.len);
        abort();
    }
    if (rp->body.len && strstr(rp->body.buf, "<fz")) {
        fprintf(stderr, "fuzz_form: a posted value shown unescaped:\n%s\n", rp->body.buf);
        abort();
    }
}

static void trace_reply(int r, const serve_response *rp)
{
    const char *t = rp->body.len ? strstr(rp->body.buf, "<title>") : NULL;
    const char *e = t ? strstr(t, "</title>") : NULL;
    fprintf(stderr, "%d: %d %.*s\n", r, rp->status, t && e ? (int)(e - t - 7) : 0,
            t && e ? t + 7 : "");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int which = data[0] & 1, by_code = (data[0] >> 1) & 1, browser = (data[0] >> 2) & 1;
    size_t piece = 1 + (size_t)(data[0] >> 3);
    unlink(wal);
    unlink(shm);
    FILE *fp = fopen(work_db, "wb");
    if (!fp || fwrite(template_bytes, 1, template_len, fp) != template_len || fclose(fp) != 0)
        die("the study's copy", NULL);

    at_err err;
    serve_app *app = xcalloc(1, sizeof *app);
    if (serve_app_init(app, work_db, &err) != AT_OK)
        die("the study's copy", &err);
    app->who = "fuzz";
    char path[64];
    if (by_code)
        snprintf(path, sizeof path, "/code");
    else
        snprintf(path, sizeof path, "/s/%s", tokens[which]);
    sbuf body = SBUF_INIT;
    serve_form *form = xcalloc(1, sizeof *form);
    const char *p = (const char *)data + 1, *end = (const char *)data + size;
    for (int r = 0; r < MAX_REQUESTS && p <= end; r++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        sbuf_reset(&body);
        if (by_code)
            sbuf_addf(&body, "code=%s&", codes[which]);
        sbuf_add(&body, p, len);
        /* by the code every request posts (a GET of /code is the code's form) */
        int get = len == 0 && !by_code;
        if (!get)
            post_body(form, sbuf_str(&body), body.len, piece);
        serve_request rq = { .method = get ? "GET" : "POST", .path = path, .addr = "127.0.0.1",
                             .fields = form->fields, .nfields = form->n, .browser = browser };
        if (!form->too_many && !form->nul) {   /* the server answers 400 itself then */
            serve_response rp;
            serve_handle(app, &rq, &rp);
            check(&rp, path);
            if (trace)
                trace_reply(r, &rp);
            serve_response_release(&rp);
        }
        serve_form_release(form);
        if (!nl)
            break;
        p = nl + 1;
    }
    free(form);
    sbuf_release(&body);
    serve_app_release(app);
    free(app);
    return 0;
}
