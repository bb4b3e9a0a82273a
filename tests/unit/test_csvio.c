/* Unit tests for csvio: line numbers, quoting, malformed input, round
 * trips, and rows written to files whole. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvio.h"

typedef struct collected {
    sbuf text;   /* rows as "line:f1|f2|...\n" */
    int stop_after;
} collected;

static int collect_row(const csvrow *row, void *ctx)
{
    collected *c = ctx;
    sbuf_addf(&c->text, "%ld:", row->line);
    for (size_t i = 0; i < row->n; i++)
        sbuf_addf(&c->text, "%s%s", i ? "|" : "", row->fields[i]);
    sbuf_addc(&c->text, '\n');
    return c->stop_after && (int)row->index + 1 >= c->stop_after;
}

static void check_parse(const char *in, const char *want)
{
    collected c = { SBUF_INIT, 0 };
    at_err err;
    assert_int_equal(csvin_read_mem("t.csv", in, strlen(in), collect_row, &c, &err), AT_OK);
    assert_string_equal(sbuf_str(&c.text), want);
    sbuf_release(&c.text);
}

static void test_lines_and_quotes(void **state)
{
    (void)state;
    check_parse("a,b\n1,2\n", "1:a|b\n2:1|2\n");
    check_parse("a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\r\n", "1:a|b\n2:x, y|say \"hi\"\n");
    /* a quoted field spanning lines: the next row's line number is still right */
    check_parse("a,b\n\"one\ntwo\",3\n4,5\n", "1:a|b\n2:one\ntwo|3\n4:4|5\n");
    /* blank lines are skipped and do not shift numbering */
    check_parse("a\n\n\nb\n", "1:a\n4:b\n");
    /* no final newline, byte order mark, empty cells */
    check_parse("\xEF\xBB\xBFh1,h2\n,x", "1:h1|h2\n2:|x\n");
}

static void test_malformed(void **state)
{
    (void)state;
    const char *bad = "a,b\n1,2\n\"open,3\n";
    collected c = { SBUF_INIT, 0 };
    at_err err;
    assert_int_equal(csvin_read_mem("bad.csv", bad, strlen(bad), collect_row, &c, &err), AT_EINVAL);
    assert_non_null(strstr(err.msg, "'bad.csv' line 3"));
    sbuf_release(&c.text);
}

static void test_stop_early(void **state)
{
    (void)state;
    const char *in = "a\nb\nc\n";
    collected c = { SBUF_INIT, 2 };
    at_err err;
    assert_int_equal(csvin_read_mem("t.csv", in, strlen(in), collect_row, &c, &err), AT_OK);
    assert_string_equal(sbuf_str(&c.text), "1:a\n2:b\n");
    sbuf_release(&c.text);
}

/* Reads in[0..len) and returns the error message ("" when it reads). */
static const char *read_error(const char *in, size_t len, at_err *err)
{
    collected c = { SBUF_INIT, 0 };
    if (csvin_read_mem("t.csv", in, len, collect_row, &c, err) == AT_OK)
        err->msg[0] = '\0';
    sbuf_release(&c.text);
    return err->msg;
}

static void test_not_text(void **state)
{
    (void)state;
    at_err err;
    static const struct {
        const char *in;
        size_t len;
        const char *msg;
    } cases[] = {
        /* a NUL anywhere: file, line (of the NUL, inside a quoted cell too), column */
        { "a,b\n1,2\0x\n", 10, "'t.csv' line 2: 'b': the cell holds a NUL byte" },
        { "a,b\n1,\"2\n\0\"\n", 11, "'t.csv' line 3: 'b': the cell holds a NUL byte" },
        { "a\0,b\n", 5, "'t.csv' line 1: column 1: the cell holds a NUL byte" },
        /* not UTF-8: Latin-1, a stray continuation byte, overlong, surrogate, past U+10FFFF,
         * cut short at the end of the cell */
        { "a,b\n1,caf\xe9\n", 11, "'t.csv' line 2: 'b': not UTF-8 text (byte 4 of the cell is 0xE9)" },
        { "a,b\n\x80,2\n", 8, "'t.csv' line 2: 'a': not UTF-8 text (byte 1 of the cell is 0x80)" },
        { "a,b\n\xc1\xbf,2\n", 9, "'t.csv' line 2: 'a': not UTF-8 text (byte 1" },
        { "a,b\n\xe0\x9f\xbf,2\n", 10, "'t.csv' line 2: 'a': not UTF-8 text (byte 1" },
        { "a,b\n\xed\xb0\x80,2\n", 10, "'t.csv' line 2: 'a': not UTF-8 text (byte 1" },
        { "a,b\n\xf4\x90\x80\x80,2\n", 11, "'t.csv' line 2: 'a': not UTF-8 text (byte 1" },
        { "a,b\n1,x\xe2\x82\n", 10, "'t.csv' line 2: 'b': not UTF-8 text (byte 2" },
        /* UTF-16 and UTF-32, by byte order mark or by zero bytes */
        { "\xff\xfe" "a\0,\0b\0", 8, "'t.csv': the file is UTF-16LE text" },
        { "\xfe\xff\0a\0,\0b", 8, "'t.csv': the file is UTF-16BE text" },
        { "a\0,\0b\0\n\0", 8, "'t.csv': the file is UTF-16LE text" },
        { "\0a\0,\0b\0\n", 8, "'t.csv': the file is UTF-16BE text" },
        { "\xff\xfe\0\0a\0\0\0", 8, "'t.csv': the file is UTF-32LE text" },
        { "\0\0\xfe\xff\0\0\0a", 8, "'t.csv': the file is UTF-32BE text" },
        { "a\0\0\0,\0\0\0", 8, "'t.csv': the file is UTF-32LE text" },
        { "\0\0\0a\0\0\0,", 8, "'t.csv': the file is UTF-32BE text" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = read_error(cases[i].in, cases[i].len, &err);
        if (strncmp(got, cases[i].msg, strlen(cases[i].msg)) != 0)
            fail_msg("case %zu: got '%s', want '%s...'", i, got, cases[i].msg);
    }
    /* well-formed UTF-8 of every length reads */
    check_parse("a,b\n\xc3\xa9,\xe2\x82\xac\xf0\x9f\x98\x80\n", "1:a|b\n2:\xc3\xa9|\xe2\x82\xac\xf0\x9f\x98\x80\n");
    assert_string_equal(read_error("\xef\xbb\xbf" "a\n", 5, &err), "");
}

static void test_cell_limit(void **state)
{
    (void)state;
    at_err err;
    size_t n = CSVIN_MAX_CELL;
    char *in = xmalloc(n + 64);
    for (int extra = 0; extra <= 1; extra++) {
        /* "h\n" then a cell of n + extra x's, unquoted, then quoted across a line break */
        for (int quoted = 0; quoted <= 1; quoted++) {
            size_t k = 0;
            memcpy(in, "h\n", 2);
            k = 2;
            if (quoted)
                in[k++] = '"';
            memset(in + k, 'x', n + (size_t)extra);
            if (quoted)
                in[k + 10] = '\n';
            k += n + (size_t)extra;
            if (quoted)
                in[k++] = '"';
            in[k++] = '\n';
            const char *got = read_error(in, k, &err);
            if (extra)
                assert_string_equal(got, "'t.csv' line 2: 'h': the cell is longer than 1 MB "
                                         "(1048576 bytes), the most attune reads in one cell");
            else
                assert_string_equal(got, "");
        }
    }
    free(in);
}

static void test_write_quoting(void **state)
{
    (void)state;
    sbuf out = SBUF_INIT;
    csvout w;
    csvout_init_buf(&w, &out);
    const char *row[] = { "plain", "", "a,b", "he said \"no\"", " pad", "two\nlines",
                          "\ttab", "tab\t" };
    csvout_row(&w, row, 8);
    csvout_num(&w, 0.1 + 0.2);
    csvout_num(&w, 0.0 / 0.0);
    csvout_int(&w, -42);
    csvout_end(&w);
    assert_string_equal(sbuf_str(&out),
        "plain,,\"a,b\",\"he said \"\"no\"\"\",\" pad\",\"two\nlines\",\"\ttab\",\"tab\t\"\n"
        "0.3,,-42\n");
    /* what is written reads back to the same fields */
    collected c = { SBUF_INIT, 0 };
    at_err err;
    assert_int_equal(csvin_read_mem("w.csv", out.buf, out.len, collect_row, &c, &err), AT_OK);
    assert_string_equal(sbuf_str(&c.text),
        "1:plain||a,b|he said \"no\"| pad|two\nlines|\ttab|tab\t\n3:0.3||-42\n");
    sbuf_release(&c.text);
    sbuf_release(&out);
}

/* Fields already written as CSV, appended to rows: with the comma before
 * them only when the row has fields, and counted, so the next field gets
 * its comma too. */
/* A first cell that starts with U+FEFF must not read back as a byte order
 * mark (found by tests/fuzz/fuzz_csv). */
static void test_write_leading_bom(void **state)
{
    (void)state;
    sbuf out = SBUF_INIT;
    csvout w;
    csvout_init_buf(&w, &out);
    const char *row[] = { "\xEF\xBB\xBFx", "y" };
    csvout_row(&w, row, 2);
    collected c = { SBUF_INIT, 0 };
    at_err err;
    assert_int_equal(csvin_read_mem("w.csv", out.buf, out.len, collect_row, &c, &err), AT_OK);
    assert_string_equal(sbuf_str(&c.text), "1:\xEF\xBB\xBFx|y\n");
    sbuf_release(&c.text);
    sbuf_release(&out);
}

static void test_write_fields(void **state)
{
    (void)state;
    sbuf lead = SBUF_INIT, out = SBUF_INIT;
    csvout lw, w;
    csvout_init_buf(&lw, &lead);
    csvout_field(&lw, "x,y");
    csvout_int(&lw, 3);
    csvout_field(&lw, NULL);
    assert_string_equal(sbuf_str(&lead), "\"x,y\",3,");
    assert_int_equal(lw.nfields, 3);

    csvout_init_buf(&w, &out);
    csvout_fields(&w, lead.buf, lead.len, lw.nfields);
    csvout_field(&w, "s1");
    csvout_end(&w);
    csvout_field(&w, "first");
    csvout_fields(&w, lead.buf, lead.len, lw.nfields);
    csvout_end(&w);
    csvout_fields(&w, "ignored", 7, 0);           /* no fields: nothing */
    csvout_field(&w, "only");
    csvout_end(&w);
    assert_string_equal(sbuf_str(&out), "\"x,y\",3,,s1\nfirst,\"x,y\",3,\nonly\n");

    collected c = { SBUF_INIT, 0 };
    at_err err;
    assert_int_equal(csvin_read_mem("f.csv", out.buf, out.len, collect_row, &c, &err), AT_OK);
    assert_string_equal(sbuf_str(&c.text), "1:x,y|3||s1\n2:first|x,y|3|\n3:only\n");
    sbuf_release(&c.text);
    sbuf_release(&lead);
    sbuf_release(&out);
}

/* The whole text of an open file. */
static char *file_text(FILE *fp, long *len)
{
    assert_int_equal(fflush(fp), 0);
    *len = ftell(fp);
    char *text = xmalloc((size_t)*len + 1);
    rewind(fp);
    assert_int_equal(fread(text, 1, (size_t)*len, fp), (size_t)*len);
    text[*len] = '\0';
    return text;
}

/* Written to a file, a row goes out when it ends, in one piece or, longer
 * than the writer's room, in several, and the file gets the very bytes a
 * buffer gets. */
static void test_write_file_rows(void **state)
{
    (void)state;
    FILE *fp = tmpfile();
    assert_non_null(fp);
    sbuf buf = SBUF_INIT, want = SBUF_INIT;
    csvout wf, wb;
    csvout_init_file(&wf, fp);
    csvout_init_buf(&wb, &buf);

    csvout_field(&wf, "a");
    csvout_int(&wf, 7);
    assert_int_equal(fflush(fp), 0);
    assert_int_equal(ftell(fp), 0);               /* the row has not ended */
    csvout_end(&wf);
    assert_int_equal(fflush(fp), 0);
    assert_int_equal(ftell(fp), 4);
    sbuf_adds(&want, "a,7\n");

    /* a cell of 2 x 3000 characters around a quote, which doubles, and then
     * 2000 numbered cells: both longer than the room, together too */
    sbuf big = SBUF_INIT;
    for (int i = 0; i < 3000; i++)
        sbuf_addc(&big, 'x');
    sbuf_addc(&big, '"');
    for (int i = 0; i < 3000; i++)
        sbuf_addc(&big, 'y');
    assert_true(big.len > CSVOUT_ROOM);
    for (csvout *w = &wf; w; w = w == &wf ? &wb : NULL) {
        csvout_field(w, "lead");
        csvout_field(w, big.buf);
        for (long i = 0; i < 2000; i++)
            csvout_int(w, i);
        csvout_end(w);
        csvout_int(w, LONG_MIN);
        csvout_int(w, LONG_MAX);
        csvout_num(w, -0.0);
        csvout_num(w, 2.5);
        csvout_num(w, 1e15);
        csvout_field(w, " two words");
        csvout_end(w);
    }
    sbuf_adds(&want, "lead,\"");
    sbuf_add(&want, big.buf, 3000);
    sbuf_adds(&want, "\"\"");
    sbuf_adds(&want, big.buf + 3001);
    sbuf_addc(&want, '"');
    for (long i = 0; i < 2000; i++)
        sbuf_addf(&want, ",%ld", i);
    sbuf_addf(&want, "\n%ld,%ld,-0,2.5,1e+15,\" two words\"\n", LONG_MIN, LONG_MAX);

    long len;
    char *text = file_text(fp, &len);
    assert_int_equal((size_t)len, want.len);
    assert_string_equal(text, want.buf);
    assert_int_equal(buf.len + 4, want.len);      /* the buffer lacks the first row only */
    assert_memory_equal(buf.buf, want.buf + 4, buf.len);
    free(text);
    fclose(fp);
    sbuf_release(&big);
    sbuf_release(&buf);
    sbuf_release(&want);
}

/* A file by name, standard input as "-" (named <stdin> in messages), and a
 * file that is not there. */
static void test_read_file(void **state)
{
    (void)state;
    char path[] = "/tmp/attune-csvio-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *text = "a,b\n1,\"2\n3\"\n\"open,4\n";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);

    collected c = { SBUF_INIT, 2 };   /* stop before the bad row */
    at_err err;
    assert_int_equal(csvin_read_file(path, collect_row, &c, &err), AT_OK);
    assert_string_equal(sbuf_str(&c.text), "1:a|b\n2:1|2\n3\n");
    sbuf_reset(&c.text);

    assert_non_null(freopen(path, "r", stdin));
    c.stop_after = 0;
    assert_int_equal(csvin_read_file("-", collect_row, &c, &err), AT_EINVAL);
    assert_string_equal(err.msg, "'<stdin>' line 4: malformed CSV (a quoted field is not closed)");
    assert_string_equal(sbuf_str(&c.text), "1:a|b\n2:1|2\n3\n");
    sbuf_release(&c.text);

    unlink(path);
    assert_int_equal(csvin_read_file(path, collect_row, &c, &err), AT_EIO);
    assert_non_null(strstr(err.msg, "No such file or directory"));
}

/* A file whose lines end with a carriage return alone (classic Mac OS, a
 * spreadsheet's "CSV (Macintosh)"): its rows and errors are numbered by
 * those lines, in memory and from a file read in pieces. */
static void test_cr_lines(void **state)
{
    (void)state;
    check_parse("a,b\r1,2\r\r3,4\r", "1:a|b\n2:1|2\n4:3|4\n");
    check_parse("a,b\r\"x\ry\",2\r5,6", "1:a|b\n2:x\ry|2\n4:5|6\n");
    const char *bad = "a,b\r1,2\r\"open,3\r";
    collected c = { SBUF_INIT, 0 };
    at_err err;
    assert_int_equal(csvin_read_mem("bad.csv", bad, strlen(bad), collect_row, &c, &err),
                     AT_EINVAL);
    assert_non_null(strstr(err.msg, "'bad.csv' line 3"));
    sbuf_reset(&c.text);

    /* more lines than one piece of the reading holds: the 30,000th row on
     * line 30,001, and a bad row after it named by its line */
    sbuf in = SBUF_INIT;
    sbuf_adds(&in, "n,v\r");
    for (int i = 1; i <= 30000; i++)
        sbuf_addf(&in, "%d,x\r", i);
    sbuf_adds(&in, "\"open,1\r");
    char path[] = "/tmp/attune-csvio-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, in.buf, in.len), (ssize_t)in.len);
    close(fd);
    assert_int_equal(csvin_read_file(path, collect_row, &c, &err), AT_EINVAL);
    char want[128];
    snprintf(want, sizeof want, "'%s' line 30002: malformed CSV (a quoted field is not closed)",
             path);
    assert_string_equal(err.msg, want);
    assert_non_null(strstr(sbuf_str(&c.text), "\n30001:30000|x\n"));
    unlink(path);
    sbuf_release(&in);
    sbuf_release(&c.text);
}

/* A header with semicolons and no comma outside quotes: the file is read
 * as separated by semicolons; otherwise by commas. */
static void check_file_as(const char *in, unsigned flags, const char *want)
{
    char path[] = "/tmp/attune-csv-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, in, strlen(in)), (ssize_t)strlen(in));
    close(fd);
    collected c = { SBUF_INIT, 0 };
    at_err err;
    assert_int_equal(csvin_read_file_as(path, flags, collect_row, &c, &err), AT_OK);
    assert_string_equal(sbuf_str(&c.text), want);
    sbuf_release(&c.text);
    unlink(path);
}

static void test_semicolons(void **state)
{
    (void)state;
    check_file_as("a;b\n1,5;2\n", CSVIN_SEMICOLONS, "1:a|b\n2:1,5|2\n");
    check_file_as("\"x,y\";b\n1;2\n", CSVIN_SEMICOLONS, "1:x,y|b\n2:1|2\n");
    check_file_as("a;b,c\n1;2,3\n", CSVIN_SEMICOLONS, "1:a;b|c\n2:1;2|3\n");
    check_file_as("a\n1;2\n", CSVIN_SEMICOLONS, "1:a\n2:1;2\n");
    /* without the flag, commas only */
    check_file_as("a;b\n1;2\n", 0, "1:a;b\n2:1;2\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines_and_quotes),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_stop_early),
        cmocka_unit_test(test_not_text),
        cmocka_unit_test(test_cell_limit),
        cmocka_unit_test(test_write_quoting),
        cmocka_unit_test(test_write_leading_bom),
        cmocka_unit_test(test_write_fields),
        cmocka_unit_test(test_write_file_rows),
        cmocka_unit_test(test_read_file),
        cmocka_unit_test(test_cr_lines),
        cmocka_unit_test(test_semicolons),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
