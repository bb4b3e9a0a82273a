/* util.c: status codes, growable strings, message lists, small parsers,
 * reading files, output files written whole, option values. */
#define _GNU_SOURCE         /* realpath; sync_file_range where there is one */
#include "util.h"
#include "version.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const char *at_strerror(at_status code)
{
    switch (code) {
    case AT_OK: return "success";
    case AT_EINVAL: return "invalid input";
    case AT_EIO: return "input/output error";
    case AT_ENOMEM: return "out of memory";
    case AT_EDB: return "database error";
    case AT_ENOTFOUND: return "not found";
    case AT_EEXIST: return "already exists";
    case AT_EVERSION: return "made by a newer attune";
    case AT_ENOTSTORE: return "not an attune store";
    case AT_EBUSY: return "busy";
    }
    return "unknown error";
}

at_status at_fail(at_err *err, at_status code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

void at_err_clear(at_err *err)
{
    if (err) {
        err->code = AT_OK;
        err->msg[0] = '\0';
    }
}

/* Out of memory cannot be reported usefully, so it ends the process. */
static void out_of_memory(void) __attribute__((noreturn));

static void out_of_memory(void)
{
    fputs("attune: out of memory\n", stderr);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        out_of_memory();
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        out_of_memory();
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        out_of_memory();
    return q;
}

char *xstrdup(const char *s)
{
    return s ? xstrndup(s, strlen(s)) : NULL;
}

size_t util_code_index(char ***list, size_t *n, size_t *cap, const char *s)
{
    for (size_t i = *n; i-- > 0;)
        if (strcmp((*list)[i], s) == 0)
            return i;
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 4;
        *list = xrealloc(*list, *cap * sizeof **list);
    }
    (*list)[*n] = xstrdup(s);
    return (*n)++;
}

void util_copy(char *dst, size_t size, const char *s)
{
    size_t n = strlen(s);
    if (n >= size)
        n = size - 1;
    memcpy(dst, s, n);
    dst[n] = '\0';
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void sbuf_init(sbuf *sb)
{
    sb->buf = NULL;
    sb->len = sb->cap = 0;
}

void sbuf_release(sbuf *sb)
{
    if (!sb)
        return;
    free(sb->buf);
    sbuf_init(sb);
}

void sbuf_reset(sbuf *sb)
{
    sb->len = 0;
    if (sb->buf)
        sb->buf[0] = '\0';
}

void sbuf_grow(sbuf *sb, size_t extra)
{
    if (sb->len + extra + 1 <= sb->cap)
        return;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < sb->len + extra + 1)
        cap *= 2;
    sb->buf = xrealloc(sb->buf, cap);
    sb->cap = cap;
}

void sbuf_add(sbuf *sb, const char *s, size_t n)
{
    sbuf_grow(sb, n);
    memcpy(sb->buf + sb->len, s, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
}

void sbuf_adds(sbuf *sb, const char *s)
{
    sbuf_add(sb, s, strlen(s));
}

void sbuf_addc(sbuf *sb, char c)
{
    sbuf_add(sb, &c, 1);
}

void sbuf_add_visible(sbuf *sb, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            sbuf_addf(sb, "\\x%02x", *p);
        else
            sbuf_addc(sb, (char)*p);
    }
}

void sbuf_vaddf(sbuf *sb, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        return;
    sbuf_grow(sb, (size_t)n);
    vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
}

void sbuf_addf(sbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sbuf_vaddf(sb, fmt, ap);
    va_end(ap);
}

char *sbuf_detach(sbuf *sb)
{
    char *s = sb->buf ? sb->buf : xstrdup("");
    sbuf_init(sb);
    return s;
}

const char *sbuf_str(const sbuf *sb)
{
    return sb->buf ? sb->buf : "";
}

void msgs_addf(at_msgs *m, const char *fmt, ...)
{
    sbuf sb = SBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    sbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 8;
        m->items = xrealloc(m->items, m->cap * sizeof *m->items);
    }
    m->items[m->n++] = sbuf_detach(&sb);
}

void msgs_release(at_msgs *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++)
        free(m->items[i]);
    free(m->items);
    m->items = NULL;
    m->n = m->cap = 0;
}

at_status util_read_stream(FILE *fp, const char *name, char **out, size_t *len, at_err *err)
{
    sbuf sb = SBUF_INIT;
    char chunk[65536];
    size_t n;
    errno = 0;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        sbuf_add(&sb, chunk, n);
    if (ferror(fp)) {
        int e = errno;
        sbuf_release(&sb);
        return at_fail(err, AT_EIO, "'%s': cannot read: %s", name, e ? strerror(e) : "read error");
    }
    if (len)
        *len = sb.len;
    *out = sbuf_detach(&sb);
    return AT_OK;
}

at_status util_read_file(const char *path, char **out, size_t *len, at_err *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return at_fail(err, AT_EIO, "'%s': %s", path, strerror(errno));
    at_status st = util_read_stream(fp, path, out, len, err);
    fclose(fp);
    return st;
}

char *utf8_put(char *w, unsigned long cp)
{
    if (cp < 0x80) {
        *w++ = (char)cp;
    } else if (cp < 0x800) {
        *w++ = (char)(0xC0 | (cp >> 6));
        *w++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *w++ = (char)(0xE0 | (cp >> 12));
        *w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *w++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *w++ = (char)(0xF0 | (cp >> 18));
        *w++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *w++ = (char)(0x80 | (cp & 0x3F));
    }
    return w;
}

size_t utf8_next(const char *s, size_t i, size_t n)
{
    for (i++; i < n && ((unsigned char)s[i] & 0xc0) == 0x80; i++)
        ;
    return i;
}

size_t utf8_check(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned c = u[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        unsigned lo = 0x80, hi = 0xBF;   /* the range of the second byte */
        if (c >= 0xC2 && c <= 0xDF)
            n = 2;
        else if (c >= 0xE0 && c <= 0xEF) {
            n = 3;
            if (c == 0xE0)
                lo = 0xA0;               /* not overlong */
            else if (c == 0xED)
                hi = 0x9F;               /* not a surrogate */
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 4;
            if (c == 0xF0)
                lo = 0x90;
            else if (c == 0xF4)
                hi = 0x8F;               /* at most U+10FFFF */
        } else {
            return i;
        }
        if (i + n > len || u[i + 1] < lo || u[i + 1] > hi)
            return i;
        for (size_t k = 2; k < n; k++)
            if ((u[i + k] & 0xC0) != 0x80)
                return i;
        i += n;
    }
    return len;
}

static const char *skip_space(const char *s)
{
    while (*s && isspace((unsigned char)*s))
        s++;
    return s;
}

/* Where the number in s starts (leading spaces skipped), NULL when s is blank. */
static const char *number_start(const char *s)
{
    if (!s)
        return NULL;
    s = skip_space(s);
    return *s ? s : NULL;
}

/* Whether strtod or strtol took a number from s, stopping at end with
 * nothing but spaces after it. */
static int number_whole(const char *s, const char *end)
{
    return end != s && errno != ERANGE && !*skip_space(end);
}

int util_parse_double(const char *s, double *out)
{
    const char *p = number_start(s);
    if (!p)
        return 0;
    char *end;
    errno = 0;
    double v = strtod(p, &end);
    if (!number_whole(p, end) || !isfinite(v))
        return 0;
    *out = v;
    return 1;
}

int util_parse_long(const char *s, long *out)
{
    const char *p = number_start(s);
    if (!p)
        return 0;
    char *end;
    errno = 0;
    long v = strtol(p, &end, 10);
    if (!number_whole(p, end))
        return 0;
    *out = v;
    return 1;
}

static int days_in_month(int y, int m)
{
    static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return d[m - 1];
}

static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

int util_valid_iso_date(const char *s)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
            return 0;
    int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
    return y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

long util_iso_date_days(const char *s)
{
    int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
    /* days from civil, proleptic Gregorian */
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void util_today_iso(char buf[11])
{
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(buf, 11, "%Y-%m-%d", &tm);
}

void util_now_iso(char buf[21])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

enum { OUTFILE_BUFSIZE = 1 << 16 };

/* The temporary files of the outfiles open now, for outfile_discard_pending:
 * fixed slots a signal handler can walk without a lock or an allocation (a
 * slot is filled, then marked in use; unmarked, then reused). */
enum { PENDING_SLOTS = 64, PENDING_PATH = 4096 };
static char pending_path[PENDING_SLOTS][PENDING_PATH];
static volatile sig_atomic_t pending_used[PENDING_SLOTS];
static pthread_mutex_t pending_lock = PTHREAD_MUTEX_INITIALIZER;

static void pending_add(const char *tmp)
{
    size_t n = strlen(tmp);
    if (n >= PENDING_PATH)
        return;
    pthread_mutex_lock(&pending_lock);
    for (int i = 0; i < PENDING_SLOTS; i++)
        if (!pending_used[i]) {
            memcpy(pending_path[i], tmp, n + 1);
            pending_used[i] = 1;
            break;
        }
    pthread_mutex_unlock(&pending_lock);
}

static void pending_drop(const char *tmp)
{
    pthread_mutex_lock(&pending_lock);
    for (int i = 0; i < PENDING_SLOTS; i++)
        if (pending_used[i] && strcmp(pending_path[i], tmp) == 0) {
            pending_used[i] = 0;
            break;
        }
    pthread_mutex_unlock(&pending_lock);
}

/* The signals that stop a tool (stop_discard_outputs handles them), blocked
 * in the calling thread; was gets the mask to put back. */
static void stops_block(sigset_t *was)
{
    sigset_t stops;
    sigemptyset(&stops);
    sigaddset(&stops, SIGINT);
    sigaddset(&stops, SIGTERM);
    sigaddset(&stops, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &stops, was);
}

int thread_start(pthread_t *t, void *(*fn)(void *), void *arg)
{
    sigset_t was;
    stops_block(&was);   /* the new thread starts with them blocked */
    int rc = pthread_create(t, NULL, fn, arg);
    pthread_sigmask(SIG_SETMASK, &was, NULL);
    return rc;
}

void outfile_discard_pending(void)
{
    for (int i = 0; i < PENDING_SLOTS; i++)
        if (pending_used[i])
            unlink(pending_path[i]);
}

at_status outfile_open(outfile *o, const char *path, at_err *err)
{
    struct stat st;
    sbuf tmp = SBUF_INIT;
    int fd = -1, e = 0;
    o->fp = NULL;
    o->path = o->tmp = o->iobuf = NULL;
    o->started = 0;
    if (!path || strcmp(path, "-") == 0) {
        o->fp = stdout;
        return AT_OK;
    }
    o->path = xstrdup(path);
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        /* a device or a pipe is written to, never replaced by a file */
        if ((o->fp = fopen(path, "w")))
            return AT_OK;
        e = errno;
        goto fail;
    }
    sbuf_addf(&tmp, "%s.XXXXXX", path);
    /* a stop that came between the file's making and its listing would
     * leave it behind: the stop waits until it is listed */
    sigset_t was;
    stops_block(&was);
    if ((fd = mkstemp(tmp.buf)) < 0) {        /* created mode 0600 */
        e = errno;
        pthread_sigmask(SIG_SETMASK, &was, NULL);
        goto fail;
    }
    o->tmp = sbuf_detach(&tmp);
    pending_add(o->tmp);
    pthread_sigmask(SIG_SETMASK, &was, NULL);
    if ((o->fp = fdopen(fd, "w"))) {
        /* tables run to hundreds of megabytes: fewer, larger writes */
        o->iobuf = xmalloc(OUTFILE_BUFSIZE);
        setvbuf(o->fp, o->iobuf, _IOFBF, OUTFILE_BUFSIZE);
        return AT_OK;
    }
    e = errno;
    close(fd);
fail:
    sbuf_release(&tmp);
    outfile_release(o);
    return at_fail(err, AT_EIO, "'%s': cannot write: %s", path, strerror(e));
}

/* Writeback is started once this much more has been written. */
#define OUTFILE_WRITEBACK ((long long)8 << 20)

void outfile_writeback(outfile *o)
{
#ifdef SYNC_FILE_RANGE_WRITE
    if (!o->fp || !o->tmp)
        return;
    int fd = fileno(o->fp);
    off_t at = lseek(fd, 0, SEEK_CUR);   /* what the stream has handed to the kernel */
    if (at < 0 || (long long)at - o->started < OUTFILE_WRITEBACK)
        return;
    /* only starts the writing: errors and the wait are fsync's, at commit */
    (void)sync_file_range(fd, (off_t)o->started, (off_t)(at - o->started),
                          SYNC_FILE_RANGE_WRITE);
    o->started = (long long)at;
#else
    (void)o;
#endif
}

at_status outfile_commit(outfile *o, at_err *err)
{
    at_status rc = AT_OK;
    if (!o->fp)
        return at_fail(err, AT_EIO, "no output file is open");
    if (o->fp == stdout) {
        if (fflush(stdout) != 0 || ferror(stdout))
            rc = at_fail(err, AT_EIO, "standard output: cannot write: %s", strerror(errno));
        o->fp = NULL;
        goto out;
    }
    int bad = fflush(o->fp) != 0 || ferror(o->fp) || (o->tmp && fsync(fileno(o->fp)) != 0);
    int e = errno;
    if (fclose(o->fp) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    o->fp = NULL;
    if (!bad && o->tmp && rename(o->tmp, o->path) != 0) {
        bad = 1;
        e = errno;
    }
    if (bad) {
        rc = at_fail(err, AT_EIO, "'%s': cannot write: %s", o->path, strerror(e));
    } else if (o->tmp) {
        pending_drop(o->tmp);
        free(o->tmp);          /* renamed: nothing to discard */
        o->tmp = NULL;
    }
out:
    outfile_release(o);
    return rc;
}

void outfile_release(outfile *o)
{
    if (!o)
        return;
    if (o->fp && o->fp != stdout)
        fclose(o->fp);
    free(o->iobuf);            /* only once the stream is closed */
    if (o->tmp) {
        unlink(o->tmp);
        pending_drop(o->tmp);
    }
    free(o->tmp);
    free(o->path);
    o->fp = NULL;
    o->tmp = o->path = o->iobuf = NULL;
}

/* The path p with its links resolved, the caller frees it: the whole path
 * when it exists, else its folder resolved plus its last part; NULL when
 * even the folder does not exist. */
static char *resolved_path(const char *p)
{
    char *r = realpath(p, NULL);
    if (r)
        return r;
    const char *slash = strrchr(p, '/');
    char *dir = slash ? xstrndup(p, slash == p ? 1 : (size_t)(slash - p)) : xstrdup(".");
    char *rdir = realpath(dir, NULL);
    free(dir);
    if (!rdir)
        return NULL;
    sbuf sb = SBUF_INIT;
    sbuf_addf(&sb, "%s/%s", strcmp(rdir, "/") == 0 ? "" : rdir, slash ? slash + 1 : p);
    free(rdir);
    return sbuf_detach(&sb);
}

int outpath_same(const char *a, const char *b)
{
    int a_std = !a || strcmp(a, "-") == 0, b_std = !b || strcmp(b, "-") == 0;
    if (a_std || b_std)
        return a_std && b_std;
    struct stat sa, sb;
    if (stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
        sa.st_ino == sb.st_ino)
        return 1;
    char *ra = resolved_path(a), *rb = ra ? resolved_path(b) : NULL;
    int same = ra && rb && strcmp(ra, rb) == 0;
    free(ra);
    free(rb);
    return same;
}

at_status outpath_check(const char *out, const char *study, at_err *err)
{
    static const char *const beside[] = { "", "-wal", "-shm", "-journal" };
    static const char *const what[] = { "the study file", "the study's write-ahead log",
                                        "the study's shared-memory index",
                                        "the study's rollback journal" };
    if (!out || strcmp(out, "-") == 0 || !study)
        return AT_OK;
    at_status rc = AT_OK;
    for (size_t i = 0; i < sizeof beside / sizeof beside[0] && rc == AT_OK; i++) {
        sbuf f = SBUF_INIT;
        sbuf_addf(&f, "%s%s", study, beside[i]);
        if (outpath_same(out, f.buf))
            rc = at_fail(err, AT_EINVAL, "'%s': is %s ('%s'); writing there would destroy the "
                         "study: choose another output file", out, what[i], f.buf);
        sbuf_release(&f);
    }
    return rc;
}

const char *version_text(void)
{
    static char text[160];
    if (!text[0])
        snprintf(text, sizeof text, "%s (attune%s%s)", ATTUNE_VERSION,
                 ATTUNE_GIT_DESCRIBE[0] ? "; git " : "", ATTUNE_GIT_DESCRIBE);
    return text;
}

char *util_trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}
