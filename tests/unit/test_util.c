/* Unit tests for util: strict number parsing, dates, number formatting
 * (checked against the C library's printf), reading files and streams,
 * command-line option values, and output files written whole or not at all.  Day numbers were computed independently
 * with Python's datetime: (date(y, m, d) - date(1970, 1, 1)).days. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <float.h>
#include <gsl/gsl_rng.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store_fixture.h"
#include "util.h"

static void test_parse_numbers(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        int ok;
        double want;
    } doubles[] = {
        { "3.5", 1, 3.5 },        { "  -2 ", 1, -2 },     { "1e3", 1, 1000 },
        { ".25", 1, 0.25 },       { "", 0, 0 },           { "   ", 0, 0 },
        { "12abc", 0, 0 },        { "1 2", 0, 0 },        { "abc", 0, 0 },
        { "1e999", 0, 0 },        /* out of range */      { "inf", 0, 0 },
        { "nan", 0, 0 },          { "-infinity", 0, 0 },
    };
    for (size_t i = 0; i < sizeof doubles / sizeof doubles[0]; i++) {
        double x = -12345;
        int ok = util_parse_double(doubles[i].in, &x);
        if (ok != doubles[i].ok)
            fail_msg("util_parse_double('%s') = %d, want %d", doubles[i].in, ok, doubles[i].ok);
        if (ok && x != doubles[i].want)
            fail_msg("util_parse_double('%s') gave %.17g", doubles[i].in, x);
        if (!ok && x != -12345)
            fail_msg("util_parse_double('%s') changed its output on failure", doubles[i].in);
    }
    assert_false(util_parse_double(NULL, &(double){ 0 }));

    static const struct {
        const char *in;
        int ok;
        long want;
    } longs[] = {
        { "42", 1, 42 },   { " +7 ", 1, 7 },  { "-3", 1, -3 },  { "4.5", 0, 0 },
        { "0x10", 0, 0 },  { "", 0, 0 },      { "9x", 0, 0 },
        { "99999999999999999999999", 0, 0 },  /* does not fit a long */
    };
    for (size_t i = 0; i < sizeof longs / sizeof longs[0]; i++) {
        long v = -12345;
        int ok = util_parse_long(longs[i].in, &v);
        if (ok != longs[i].ok || (ok && v != longs[i].want))
            fail_msg("util_parse_long('%s') = %d (%ld), want %d (%ld)", longs[i].in, ok, v,
                     longs[i].ok, longs[i].want);
    }
}

/* Spaces and tabs go from both ends, and nothing else: not a newline, not a
 * space inside. */
static void test_trim(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
    } cases[] = {
        { "  a b\t", "a b" }, { "\t\t", "" }, { "", "" }, { "x", "x" },
        { " \nx\n ", "\nx\n" }, { "a  ", "a" }, { "\t a", "a" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[32];
        snprintf(buf, sizeof buf, "%s", cases[i].in);
        const char *got = util_trim(buf);
        assert_true(got >= buf && got <= buf + strlen(cases[i].in));
        assert_string_equal(got, cases[i].want);
    }
}

static void test_dates(void **state)
{
    (void)state;
    static const struct {
        const char *date;
        int valid;
    } dates[] = {
        { "2026-03-01", 1 }, { "2024-02-29", 1 }, { "2000-02-29", 1 },  /* 400-year leap */
        { "2026-02-29", 0 }, { "1900-02-29", 0 },                      /* 100-year: none */
        { "2026-02-30", 0 }, { "2026-04-31", 0 }, { "2026-13-01", 0 },
        { "2026-00-10", 0 }, { "2026-3-01", 0 },  { "2026/03/01", 0 },
        { "2026-03-01x", 0 }, { "", 0 },
    };
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++)
        if (util_valid_iso_date(dates[i].date) != dates[i].valid)
            fail_msg("util_valid_iso_date('%s') is %d", dates[i].date, !dates[i].valid);
    assert_false(util_valid_iso_date(NULL));

    assert_int_equal(util_iso_date_days("1970-01-01"), 0);
    assert_int_equal(util_iso_date_days("1969-12-31"), -1);
    assert_int_equal(util_iso_date_days("2020-01-01"), 18262);
    assert_int_equal(util_iso_date_days("2000-03-01"), 11017);
    assert_int_equal(util_iso_date_days("2026-02-28"), 20512);
    assert_int_equal(util_iso_date_days("1600-03-01"), -135080);

    char today[11], now[21];
    util_today_iso(today);
    util_now_iso(now);
    assert_true(util_valid_iso_date(today));
    assert_int_equal(strlen(now), 20);
    assert_int_equal(now[10], 'T');
    assert_int_equal(now[19], 'Z');
}

static void test_fmt_num(void **state)
{
    (void)state;
    char buf[32];
    assert_string_equal(fmt_num(0.1 + 0.2, buf), "0.3");          /* 15 significant digits */
    assert_string_equal(fmt_num(2.0 / 3.0, buf), "0.666666666666667");
    assert_string_equal(fmt_num(-1e-20, buf), "-1e-20");
    assert_string_equal(fmt_num(NAN, buf), "");                   /* never NaN in a CSV */
    assert_string_equal(fmt_num(INFINITY, buf), "");
    assert_string_equal(fmt_num(-INFINITY, buf), "");
}

/* fmt_num writes whole numbers and most others without printf; its text
 * must still be exactly what printf's %.15g writes for every finite input.
 * The reference is the C library's own snprintf("%.15g"). */
static long g15_checked;

static void expect_g15(double x)
{
    char got[32], want[64];
    fmt_num(x, got);
    snprintf(want, sizeof want, "%.15g", x);
    if (strcmp(got, want) != 0)
        fail_msg("fmt_num(%a = %.17g) gives '%s', %%.15g gives '%s'", x, x, got, want);
    g15_checked++;
}

/* x, its neighbours one step either way, and -x for each */
static void expect_g15_near(double x)
{
    double v[] = { x, nextafter(x, -INFINITY), nextafter(x, INFINITY) };
    for (size_t i = 0; i < 3; i++) {
        if (!isfinite(v[i]))
            continue;           /* past DBL_MAX: an empty cell, tested above */
        expect_g15(v[i]);
        expect_g15(-v[i]);
    }
}

static void test_fmt_num_is_printf(void **state)
{
    (void)state;
    static const double edges[] = {
        0.0, 1.0, 0.5, 2.5, 0.1, 0.3, 1.0 / 3.0, 2.0 / 3.0,
        999999999999999.0, 1e15, 1e15 + 2, 1e16, 1e17, 9.2233720368547758e18, 1e300,
        999999999999999.4, 999999999999999.5, 999999999999999.9,   /* round to 1e15 */
        99999999999999.95, 9.9999999999999995, 0.99999999999999995,
        123456789012345.5, 123456789012344.5,                     /* ties at the 15th digit */
        0.0001, 0.00010000000000000001, 0.000099999999999999991, 1e-5, 1e-300,
        DBL_MIN, DBL_TRUE_MIN, DBL_MAX, DBL_EPSILON,
    };
    g15_checked = 0;
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
        expect_g15_near(edges[i]);

    char buf[32];
    assert_string_equal(fmt_num(-0.0, buf), "-0");            /* as %.15g writes it */
    expect_g15(-0.0);

    /* integers, halves, and the means of a few items */
    for (long k = -20000; k <= 20000; k++) {
        expect_g15((double)k);
        expect_g15((double)k + 0.5);
        for (int n = 3; n <= 12; n++)
            expect_g15((double)k / n);
    }
    /* one or two decimals (quarters, hundredths), which have a short way
     * of their own, and the doubles next to them, which do not */
    for (long k = -300000; k <= 300000; k += 7) {
        expect_g15_near((double)k / 100.0);
        expect_g15((double)k / 4.0);
        expect_g15((double)k / 20.0);
        expect_g15((double)k * 1000003.0 / 100.0);   /* up to 3e9, two decimals */
    }
    static const double short_edges[] = {
        999999999999.99, 999999999999.5, 999999999999.25, 1e12 - 0.01, 1e12 + 0.5,
        1e12 + 0.25, 99999999999.95, 0.01, 0.05, 0.1, 0.15, 0.35, 4.35, 1.005, 2.675,
    };
    for (size_t i = 0; i < sizeof short_edges / sizeof short_edges[0]; i++)
        expect_g15_near(short_edges[i]);
    for (int e = 0; e <= 62; e++)
        expect_g15_near(ldexp(1.0, e));
    for (int e = -20; e <= 22; e++)
        expect_g15_near(pow(10.0, e));

    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 20251125);
    /* exact ties: t odd and x = t / 2^k, so x has 16 significant digits
     * ending in 5 (t * 5^k has 16 digits) and %.15g rounds it to even */
    for (int k = 1; k <= 20; k++) {
        double lo = 1e15 / pow(5.0, k), hi = 1e16 / pow(5.0, k);
        for (int i = 0; i < 2000; i++) {
            double t = floor(lo + (hi - lo) * gsl_rng_uniform(rng));
            if (fmod(t, 2.0) == 0.0)
                t += 1.0;
            expect_g15(ldexp(t, -k));
            expect_g15(-ldexp(t, -k));
        }
    }
    /* random values over every decimal scale the tables meet and past them */
    for (int e = -12; e <= 18; e++)
        for (int i = 0; i < 3000; i++)
            expect_g15_near(gsl_rng_uniform(rng) * pow(10.0, e));
    /* random bit patterns: any double at all */
    for (int i = 0; i < 100000; i++) {
        uint64_t bits = ((uint64_t)gsl_rng_get(rng) << 32) | (uint64_t)gsl_rng_get(rng);
        double x;
        memcpy(&x, &bits, sizeof x);
        if (isfinite(x))
            expect_g15(x);
    }
    /* whole numbers up to 2^53 and past */
    for (int i = 0; i < 50000; i++) {
        double x = floor(gsl_rng_uniform(rng) * 9007199254740992.0);
        expect_g15(x);
        expect_g15(-x);
        expect_g15(x * 4);
    }
    gsl_rng_free(rng);
    assert_true(g15_checked > 1000000);
}

/* fmt_int is %lld. */
static void test_fmt_int(void **state)
{
    (void)state;
    char got[32], want[32];
    long long xs[] = { 0, 1, -1, 9, 10, -10, 99, 100, 123456789, -987654321,
                       LLONG_MAX, LLONG_MIN, LLONG_MIN + 1, LONG_MAX, LONG_MIN };
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        size_t n = fmt_int(xs[i], got);
        snprintf(want, sizeof want, "%lld", xs[i]);
        assert_string_equal(got, want);
        assert_int_equal(n, strlen(want));
    }
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 7);
    for (int i = 0; i < 100000; i++) {
        uint64_t bits = ((uint64_t)gsl_rng_get(rng) << 32) | (uint64_t)gsl_rng_get(rng);
        bits >>= gsl_rng_uniform_int(rng, 64);   /* every length of number */
        long long x;
        memcpy(&x, &bits, sizeof x);
        if (x != LLONG_MIN && gsl_rng_uniform(rng) < 0.5)
            x = -x;
        size_t n = fmt_int(x, got);
        snprintf(want, sizeof want, "%lld", x);
        if (strcmp(got, want) != 0 || n != strlen(want))
            fail_msg("fmt_int(%lld) gives '%s'", x, got);
    }
    gsl_rng_free(rng);
}

/* ---- files ----------------------------------------------------------- */

/* a private temporary folder per test: store_fixture.h's setup and teardown */

static char *path_in(const fixture *t, const char *name)
{
    sbuf sb = SBUF_INIT;
    sbuf_addf(&sb, "%s/%s", t->dir, name);
    return sbuf_detach(&sb);
}

/* The names in the folder, sorted, joined by spaces. */
static void list_dir(const fixture *t, sbuf *out)
{
    char *names[16];
    size_t n = 0;
    DIR *d = opendir(t->dir);
    struct dirent *e;
    assert_non_null(d);
    while ((e = readdir(d)) != NULL && n < 16)
        if (e->d_name[0] != '.')
            names[n++] = xstrdup(e->d_name);
    closedir(d);
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char *x = names[j];
            names[j] = names[j - 1];
            names[j - 1] = x;
        }
    sbuf_reset(out);
    for (size_t i = 0; i < n; i++) {
        sbuf_addf(out, "%s%s", i ? " " : "", names[i]);
        free(names[i]);
    }
}

static void test_read_file_and_stream(void **state)
{
    fixture *t = *state;
    char *path = path_in(t, "in.txt"), *text = NULL;
    size_t len = 0;
    at_err err;
    write_text(path, "a\nb");
    assert_int_equal(util_read_file(path, &text, &len, &err), AT_OK);
    assert_int_equal(len, 3);
    assert_string_equal(text, "a\nb");
    free(text);

    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    assert_int_equal(fgetc(fp), 'a');   /* a stream is read from where it stands */
    assert_int_equal(util_read_stream(fp, "in", &text, &len, &err), AT_OK);
    fclose(fp);
    assert_int_equal(len, 2);
    assert_string_equal(text, "\nb");
    free(text);

    char *missing = path_in(t, "missing.txt");
    text = NULL;
    assert_int_equal(util_read_file(missing, &text, &len, &err), AT_EIO);
    assert_null(text);
    sbuf want = SBUF_INIT;
    sbuf_addf(&want, "'%s': No such file or directory", missing);
    assert_string_equal(err.msg, want.buf);
    sbuf_release(&want);
    free(missing);
    free(path);
}

static void test_code_index(void **state)
{
    (void)state;
    char **list = NULL;
    size_t n = 0, cap = 0;
    char code[16];
    /* a hundred codes, each added once whatever the order they come in */
    for (int round = 0; round < 3; round++)
        for (int i = 0; i < 100; i++) {
            int k = round == 1 ? 99 - i : i;
            snprintf(code, sizeof code, "T%02d", k);
            assert_int_equal(util_code_index(&list, &n, &cap, code), (size_t)k);
        }
    assert_int_equal(n, 100);
    assert_true(cap >= n);
    assert_string_equal(list[42], "T42");
    assert_int_equal(util_code_index(&list, &n, &cap, ""), 100);   /* "" is a code too */
    assert_int_equal(util_code_index(&list, &n, &cap, ""), 100);
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

static void test_outfile(void **state)
{
    fixture *t = *state;
    char *path = path_in(t, "table.csv");
    sbuf names = SBUF_INIT;
    at_err err;
    outfile o = OUTFILE_INIT;

    /* a new file appears only when committed, whole, mode 0600 */
    assert_int_equal(outfile_open(&o, path, &err), AT_OK);
    fputs("x,y\n1,2\n", o.fp);
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(outfile_commit(&o, &err), AT_OK);
    assert_null(o.fp);
    char *text;
    size_t len;
    assert_int_equal(util_read_file(path, &text, &len, &err), AT_OK);
    assert_string_equal(text, "x,y\n1,2\n");
    free(text);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    list_dir(t, &names);
    assert_string_equal(names.buf, "table.csv");   /* no temporary file is left */

    /* a table far larger than the stream's buffer arrives whole */
    sbuf big = SBUF_INIT;
    for (int i = 0; i < 100000; i++)
        sbuf_addf(&big, "%d,%d\n", i, -i);
    assert_int_equal(outfile_open(&o, path, &err), AT_OK);
    for (size_t at = 0; at < big.len; at += 1000)
        fwrite(big.buf + at, 1, big.len - at < 1000 ? big.len - at : 1000, o.fp);
    assert_int_equal(outfile_commit(&o, &err), AT_OK);
    assert_int_equal(util_read_file(path, &text, &len, &err), AT_OK);
    assert_int_equal(len, big.len);
    assert_memory_equal(text, big.buf, len);
    free(text);
    sbuf_release(&big);

    /* writeback started part way changes nothing of what arrives: it
     * starts once 8 MB more than before have reached the kernel */
    assert_int_equal(outfile_open(&o, path, &err), AT_OK);
    char chunk[4096];
    size_t written = 0;
    for (int i = 0; i < 2300; i++) {        /* 9.4 MB, the bytes counting up */
        for (size_t k = 0; k < sizeof chunk; k++)
            chunk[k] = (char)((written + k) % 251);
        fwrite(chunk, 1, sizeof chunk, o.fp);
        written += sizeof chunk;
        outfile_writeback(&o);
        if (i == 1000)                       /* 4 MB: not yet */
            assert_int_equal(o.started, 0);
    }
#ifdef __linux__
    assert_true(o.started >= (8LL << 20) && o.started <= (long long)written);
#endif
    assert_int_equal(outfile_commit(&o, &err), AT_OK);
    assert_int_equal(util_read_file(path, &text, &len, &err), AT_OK);
    assert_int_equal(len, written);
    for (size_t k = 0; k < len; k++)
        if (text[k] != (char)(k % 251))
            fail_msg("byte %zu differs", k);
    free(text);
    outfile so = OUTFILE_INIT;               /* standard output: nothing to start */
    assert_int_equal(outfile_open(&so, "-", &err), AT_OK);
    outfile_writeback(&so);
    assert_int_equal(so.started, 0);

    assert_int_equal(outfile_open(&o, path, &err), AT_OK);
    fputs("x,y\n1,2\n", o.fp);
    assert_int_equal(outfile_commit(&o, &err), AT_OK);

    /* released without a commit: the older file stays as it was */
    assert_int_equal(outfile_open(&o, path, &err), AT_OK);
    fputs("half a tab", o.fp);
    outfile_release(&o);
    outfile_release(&o);                           /* twice is harmless */
    assert_int_equal(util_read_file(path, &text, &len, &err), AT_OK);
    assert_string_equal(text, "x,y\n1,2\n");
    free(text);
    list_dir(t, &names);
    assert_string_equal(names.buf, "table.csv");

    /* cut off (a program's signal handler): every output not yet committed
     * loses its temporary file, the older file stays as it was, and an
     * output committed before, or released, is not touched */
    char *other = path_in(t, "other.csv");
    outfile o2 = OUTFILE_INIT, o3 = OUTFILE_INIT;
    assert_int_equal(outfile_open(&o, path, &err), AT_OK);
    assert_int_equal(outfile_open(&o2, other, &err), AT_OK);
    assert_int_equal(outfile_open(&o3, other, &err), AT_OK);
    fputs("half", o.fp);
    fputs("whole\n", o3.fp);
    assert_int_equal(outfile_commit(&o3, &err), AT_OK);
    list_dir(t, &names);
    assert_non_null(strstr(names.buf, "table.csv."));
    outfile_discard_pending();
    list_dir(t, &names);
    assert_string_equal(names.buf, "other.csv table.csv");
    assert_int_equal(util_read_file(path, &text, &len, &err), AT_OK);
    assert_string_equal(text, "x,y\n1,2\n");
    free(text);
    assert_int_equal(util_read_file(other, &text, &len, &err), AT_OK);
    assert_string_equal(text, "whole\n");
    free(text);
    outfile_release(&o);
    outfile_release(&o2);
    unlink(other);
    free(other);

    /* a folder that does not exist */
    char *bad = path_in(t, "no/such.csv");
    assert_int_equal(outfile_open(&o, bad, &err), AT_EIO);
    assert_null(o.fp);
    sbuf want = SBUF_INIT;
    sbuf_addf(&want, "'%s': cannot write: No such file or directory", bad);
    assert_string_equal(err.msg, want.buf);
    sbuf_release(&want);
    free(bad);

    /* something that is not a regular file (here a pipe; /dev/null is
     * another) is written to, never replaced by a file */
    char *fifo = path_in(t, "pipe");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    int rd = open(fifo, O_RDONLY | O_NONBLOCK);   /* a reader, so opening to write does not wait */
    assert_true(rd >= 0);
    assert_int_equal(outfile_open(&o, fifo, &err), AT_OK);
    fputs("through\n", o.fp);
    assert_int_equal(outfile_commit(&o, &err), AT_OK);
    char got[16] = "";
    assert_int_equal(read(rd, got, sizeof got - 1), 8);
    assert_string_equal(got, "through\n");
    close(rd);
    assert_int_equal(stat(fifo, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
    list_dir(t, &names);
    assert_string_equal(names.buf, "pipe table.csv");
    free(fifo);

    /* "-" and NULL are standard output */
    assert_int_equal(outfile_open(&o, "-", &err), AT_OK);
    assert_ptr_equal(o.fp, stdout);
    assert_int_equal(outfile_commit(&o, &err), AT_OK);
    assert_int_equal(outfile_open(&o, NULL, &err), AT_OK);
    assert_ptr_equal(o.fp, stdout);
    outfile_release(&o);
    assert_int_equal(outfile_commit(&o, &err), AT_EIO);   /* nothing open */

    sbuf_release(&names);
    free(path);
}

/* Every name that reaches the study or a file beside it is refused: the
 * same spelling or another, a symbolic link, a hard link, a file that does
 * not exist yet; other files are not. */
static void test_outpath_check(void **state)
{
    fixture *t = *state;
    char *study = path_in(t, "s.db"), *wal = path_in(t, "s.db-wal"), *sym = path_in(t, "l.db"),
         *hard = path_in(t, "h.db"), *other = path_in(t, "out.csv");
    at_err err;
    FILE *fp = fopen(study, "w");
    assert_non_null(fp);
    fclose(fp);
    assert_int_equal(symlink("s.db", sym), 0);
    assert_int_equal(link(study, hard), 0);
    sbuf dotted = SBUF_INIT, slashed = SBUF_INIT;
    sbuf_addf(&dotted, "%s/./s.db-shm", t->dir);
    sbuf_addf(&slashed, "%s//s.db-journal", t->dir);
    const char *refused[] = { study, wal, sym, hard, dotted.buf, slashed.buf };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        if (outpath_check(refused[i], study, &err) != AT_EINVAL)
            fail_msg("'%s' was not refused", refused[i]);
        assert_non_null(strstr(err.msg, "writing there would destroy the study"));
    }
    assert_int_equal(outpath_check(study, sym, &err), AT_EINVAL);    /* the study by its link */
    assert_int_equal(outpath_check(study, hard, &err), AT_EINVAL);   /* and by its other name */
    assert_int_equal(outpath_check(wal, study, &err), AT_EINVAL);
    assert_non_null(strstr(err.msg, "is the study's write-ahead log"));
    assert_int_equal(outpath_check(other, study, &err), AT_OK);
    assert_int_equal(outpath_check(NULL, study, &err), AT_OK);
    assert_int_equal(outpath_check("-", study, &err), AT_OK);
    assert_int_equal(outpath_check("/no/such/folder/s.db", study, &err), AT_OK);
    /* two outputs: standard output (NULL or "-") is one, and no file */
    assert_true(outpath_same(NULL, "-"));
    assert_false(outpath_same("-", study));
    assert_true(outpath_same(sym, hard));
    assert_false(outpath_same(other, dotted.buf));
    sbuf not_yet = SBUF_INIT;
    sbuf_addf(&not_yet, "%s/./out.csv", t->dir);
    assert_true(outpath_same(other, not_yet.buf));   /* neither exists yet */
    sbuf_release(&not_yet);
    unlink(sym);
    unlink(hard);
    unlink(study);
    sbuf_release(&dotted);
    sbuf_release(&slashed);
    free(study);
    free(wal);
    free(sym);
    free(hard);
    free(other);
}

static void test_utf8_check(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t len, bad;
    } cases[] = {
        { "plain", 5, 5 },
        { "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf", 19, 19 },
        { "caf\xe9", 4, 3 },                  /* Latin-1 */
        { "\x80", 1, 0 },                     /* a continuation byte alone */
        { "a\xc0\xaf", 3, 1 },                /* overlong '/' */
        { "\xc2", 1, 0 },                     /* cut short */
        { "\xe0\x9f\xbf", 3, 0 },             /* overlong three-byte form */
        { "\xed\xa0\x80", 3, 0 },             /* a UTF-16 surrogate */
        { "\xef\xbf", 2, 0 },                 /* cut short */
        { "ab\xe2\x82x", 5, 2 },              /* bad third byte */
        { "\xf0\x8f\xbf\xbf", 4, 0 },         /* overlong four-byte form */
        { "\xf4\x90\x80\x80", 4, 0 },         /* past U+10FFFF */
        { "\xf5\x80\x80\x80", 4, 0 },
        { "\xff", 1, 0 },
        { "ok\0", 3, 3 },                     /* NUL is ASCII; csvio refuses it apart */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t got = utf8_check(cases[i].s, cases[i].len);
        if (got != cases[i].bad)
            fail_msg("case %zu: %zu, want %zu", i, got, cases[i].bad);
    }
}

/* utf8_next steps over a whole character (1 to 4 bytes), never past n. */
static void test_utf8_next(void **state)
{
    (void)state;
    const char *s = "a\xc3\xa9\xe2\x80\xa6\xf0\x9f\x99\x82z";   /* a, e-acute, ellipsis, emoji, z */
    const size_t want[] = { 1, 3, 6, 10, 11 };
    size_t i = 0;
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        i = utf8_next(s, i, strlen(s));
        assert_int_equal(i, want[k]);
    }
    assert_int_equal(utf8_next(s, 6, 8), 8);   /* a character cut by n ends at n */
}

/* util_copy against snprintf's "%s": every length around the size. */
static void test_copy(void **state)
{
    (void)state;
    const char *src = "therapist-observer";
    for (size_t size = 1; size <= 24; size++) {
        for (size_t len = 0; len <= strlen(src); len++) {
            char want[32], got[32];
            memset(want, 'x', sizeof want);
            memset(got, 'x', sizeof got);
            char part[32];
            memcpy(part, src, len);
            part[len] = '\0';
            assert_int_equal(snprintf(want, size, "%s", part), (int)len);
            util_copy(got, size, part);
            assert_memory_equal(want, got, sizeof want < size + 1 ? sizeof want : size + 1);
        }
    }
}

static void test_strerror(void **state)
{
    (void)state;
    assert_string_equal(at_strerror(AT_OK), "success");
    assert_string_equal(at_strerror(AT_ENOTSTORE), "not an attune store");
    for (int c = AT_OK; c <= AT_EBUSY; c++)
        assert_string_not_equal(at_strerror((at_status)c), "unknown error");
    assert_string_equal(at_strerror((at_status)99), "unknown error");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_numbers),
        cmocka_unit_test(test_trim),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_fmt_num),
        cmocka_unit_test(test_fmt_num_is_printf),
        cmocka_unit_test(test_code_index),
        cmocka_unit_test(test_copy),
        cmocka_unit_test(test_fmt_int),
        cmocka_unit_test_setup_teardown(test_read_file_and_stream, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outfile, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outpath_check, setup, teardown),
        cmocka_unit_test(test_utf8_check),
        cmocka_unit_test(test_utf8_next),
        cmocka_unit_test(test_strerror),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
