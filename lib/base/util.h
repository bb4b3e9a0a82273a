/* util.h: status codes, error messages, growable strings, message lists,
 * number and date parsing, reading files, output files written whole, and
 * command-line option values.
 *
 * Ownership: an at_err belongs to the caller; lib/ functions fill it and
 * return the same status they store in it.  sbuf_detach hands the buffer to
 * the caller, who frees it with free().  Every *_release accepts a zeroed or
 * already-released object. */
#ifndef ATTUNE_UTIL_H
#define ATTUNE_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <pthread.h>
#include <stdio.h>

typedef enum at_status {
    AT_OK = 0,
    AT_EINVAL,    /* bad input: a value, a file, a usage */
    AT_EIO,       /* a file could not be read or written */
    AT_ENOMEM,    /* out of memory */
    AT_EDB,       /* SQLite reported an error */
    AT_ENOTFOUND, /* a named thing does not exist */
    AT_EEXIST,    /* a named thing already exists */
    AT_EVERSION,  /* the store was made by a newer attune */
    AT_ENOTSTORE, /* the file is not an attune store */
    AT_EBUSY      /* another program kept the store busy past the wait */
} at_status;

typedef struct at_err {
    at_status code;
    char msg[1024];
} at_err;

/* Returns a short description of a status code. */
const char *at_strerror(at_status code);

/* Fills err (may be NULL) with code and a printf-style message; returns code. */
at_status at_fail(at_err *err, at_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Clears err to AT_OK with an empty message. */
void at_err_clear(at_err *err);

/* A growable NUL-terminated string. */
typedef struct sbuf {
    char *buf;
    size_t len;
    size_t cap;
} sbuf;

#define SBUF_INIT { NULL, 0, 0 }

void sbuf_init(sbuf *sb);
void sbuf_release(sbuf *sb);
void sbuf_reset(sbuf *sb);                       /* len = 0, keeps memory */
void sbuf_grow(sbuf *sb, size_t extra);           /* room for extra more bytes and a NUL */
void sbuf_add(sbuf *sb, const char *s, size_t n);
void sbuf_adds(sbuf *sb, const char *s);
void sbuf_addc(sbuf *sb, char c);
/* s with each control byte (below 0x20, and 0x7f) written as \xNN, so text
 * quoted from a file cannot act on the terminal that shows a message */
void sbuf_add_visible(sbuf *sb, const char *s);
/* The columns a terminal gives s[0..n) (UTF-8): two for a wide character
 * (Chinese, Japanese, Korean), none for a combining mark or a control byte,
 * as wcwidth counts them in a UTF-8 locale whatever the program's. */
size_t util_text_cols(const char *s, size_t n);
/* The length of the character at s[0..n) (its UTF-8 bytes; a stray byte is
 * one), and its columns into *cols when cols is not NULL. */
size_t util_char_next(const char *s, size_t n, size_t *cols);
/* Whether the character s[0..len) is a closing mark of Chinese or Japanese
 * text (。，、！？：；）」』】), which a line never starts with. */
int util_closing_mark(const char *s, size_t len);
void sbuf_addf(sbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sbuf_vaddf(sbuf *sb, const char *fmt, va_list ap);
/* Returns the string (never NULL) and leaves sb empty; the caller owns it. */
char *sbuf_detach(sbuf *sb);
/* Returns the current contents ("" when empty); sb still owns it. */
const char *sbuf_str(const sbuf *sb);

/* A list of messages, for checks that report every problem, not only the first. */
typedef struct at_msgs {
    char **items;
    size_t n;
    size_t cap;
} at_msgs;

#define AT_MSGS_INIT { NULL, 0, 0 }

void msgs_addf(at_msgs *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void msgs_release(at_msgs *m);

/* Allocation helpers: abort the process with a message on out-of-memory,
 * as an out-of-memory condition cannot be reported usefully. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);          /* NULL stays NULL */
char *xstrndup(const char *s, size_t n);
/* Copies s into dst of size bytes (size > 0), cut short to fit; always ends
 * with a NUL.  What snprintf(dst, size, "%s", s) does, without the format. */
void util_copy(char *dst, size_t size, const char *s);
/* The index of s in the list of distinct strings list[0..*n), a copy of s
 * added at the end when it is not there (the list grows as needed; the
 * caller frees the strings and the list).  The latest are looked at first:
 * a client's rows mostly repeat the code just added. */
size_t util_code_index(char ***list, size_t *n, size_t *cap, const char *s);

/* Reads a whole file into a NUL-terminated buffer the caller frees. */
at_status util_read_file(const char *path, char **out, size_t *len, at_err *err);
/* Reads what is left of an open stream the same way; name is used in the
 * message when reading fails. */
at_status util_read_stream(FILE *fp, const char *name, char **out, size_t *len, at_err *err);

/* An output file written whole or not at all.  outfile_open writes into a
 * new temporary file beside path, created mode 0600 (answers about therapy
 * are health data even without names); outfile_commit flushes it to disk
 * and renames it over path, so no one sees half a file and a failed run
 * leaves an older file as it was.  path NULL or "-" is standard output, and
 * a path that exists and is not a regular file (a terminal, /dev/null, a
 * pipe) is written directly.  outfile_release discards what was not
 * committed and accepts a zeroed or already-released outfile. */
typedef struct outfile {
    FILE *fp;          /* where to write */
    char *path;        /* NULL: standard output */
    char *tmp;         /* the temporary file, NULL when writing directly */
    char *iobuf;       /* the temporary file's stream buffer (large, for big tables) */
    long long started; /* the bytes whose writing to disk outfile_writeback started */
} outfile;

#define OUTFILE_INIT { NULL, NULL, NULL, NULL, 0 }

at_status outfile_open(outfile *o, const char *path, at_err *err);
/* Refuses an output path that would overwrite the study: the study file
 * itself or one of the files SQLite keeps beside it (-wal, -shm,
 * -journal), whether named by the same path once links are resolved or
 * reaching the same file (device and inode) by another name.  out NULL or
 * "-" (standard output) is fine.  Returns AT_OK, or AT_EINVAL with a
 * message naming the output path. */
at_status outpath_check(const char *out, const char *study, at_err *err);
/* Whether two output paths are one file: the same path once links are
 * resolved, or the same file (device and inode) by another name; NULL and
 * "-" are standard output, the same as each other and no file. */
int outpath_same(const char *a, const char *b);
at_status outfile_commit(outfile *o, at_err *err);
/* Starts the kernel writing to disk what has been written to a temporary
 * file since the last call, once that is 8 MB or more, and returns
 * without waiting (Linux's sync_file_range; elsewhere nothing).  A long
 * run that calls it now and then finds most of its tables on disk already
 * when outfile_commit's fsync comes, rather than hundreds of megabytes to
 * write then.  Changes nothing of what is written or when it is whole. */
void outfile_writeback(outfile *o);
void outfile_release(outfile *o);
/* Removes the temporary file of every outfile opened and neither committed
 * nor released, so that an output cut off leaves no partial copy of the
 * study's data behind.  Async-signal-safe: for a program's handler of
 * SIGINT, SIGTERM and SIGHUP (lib/ installs none). */
void outfile_discard_pending(void);
/* pthread_create with SIGINT, SIGTERM and SIGHUP blocked in the new thread,
 * so that a stop is taken by the thread that opens the outputs, never by a
 * worker.  outfile_open blocks a stop while it makes and lists a new file,
 * which only helps when no other thread can take the stop meanwhile. */
int thread_start(pthread_t *t, void *(*fn)(void *), void *arg);

/* Where the first byte that is not part of well-formed UTF-8 lies in
 * s[0..len) (overlong forms, surrogates and code points past U+10FFFF are
 * not well formed); len when every byte is. */
size_t utf8_check(const char *s, size_t len);

/* The end of the character that starts at s[i] (i < n): i + 1 and any
 * continuation bytes after it, up to n.  Cutting text there never splits
 * a character. */
/* Writes code point cp (at most 0x10FFFF) as UTF-8 at w (up to 4 bytes);
 * returns the byte after it. */
char *utf8_put(char *w, unsigned long cp);
size_t utf8_next(const char *s, size_t i, size_t n);

/* Strict number parsing: the whole string (surrounding spaces allowed) must be
 * a number.  Return 1 on success, 0 otherwise. */
int util_parse_double(const char *s, double *out);
int util_parse_long(const char *s, long *out);
/* Cuts the spaces and tabs around s, in place; returns its new start. */
char *util_trim(char *s);

/* Checks YYYY-MM-DD and that the day exists (2026-02-30 is refused). */
int util_valid_iso_date(const char *s);
/* Days since 1970-01-01 for a valid ISO date; used for week arithmetic. */
long util_iso_date_days(const char *s);
/* Today's date (local time) as YYYY-MM-DD into buf[11]. */
void util_today_iso(char buf[11]);
/* Current time as YYYY-MM-DDTHH:MM:SSZ (UTC) into buf[21]. */
void util_now_iso(char buf[21]);

/* fmt.c: formats a number with 15 significant digits into buf[32], the
 * very text printf's %.15g writes (the common values take a faster path to
 * it); NaN and infinities become "". */
const char *fmt_num(double x, char buf[32]);
/* Writes x in decimal, as %lld does, into buf[32]; returns the length. */
size_t fmt_int(long long x, char buf[32]);

/* What --version says after the tool's name: "0.2.0 (attune)", or from a
 * git checkout "0.2.0 (attune; git 102885e)" (as the checkout was when the
 * build was configured).  A static string. */
const char *version_text(void);

#endif
