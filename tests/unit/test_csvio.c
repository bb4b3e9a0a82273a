/* Unit tests for csvio: line numbers, quoting, malformed input, round trips. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
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

static void test_write_quoting(void **state)
{
    (void)state;
    sbuf out = SBUF_INIT;
    csvout w;
    csvout_init_buf(&w, &out);
    const char *row[] = { "plain", "", "a,b", "he said \"no\"", " pad", "two\nlines" };
    csvout_row(&w, row, 6);
    csvout_num(&w, 0.1 + 0.2);
    csvout_num(&w, 0.0 / 0.0);
    csvout_int(&w, -42);
    csvout_end(&w);
    assert_string_equal(sbuf_str(&out),
        "plain,,\"a,b\",\"he said \"\"no\"\"\",\" pad\",\"two\nlines\"\n"
        "0.3,,-42\n");
    /* what is written reads back to the same fields */
    collected c = { SBUF_INIT, 0 };
    at_err err;
    assert_int_equal(csvin_read_mem("w.csv", out.buf, out.len, collect_row, &c, &err), AT_OK);
    assert_string_equal(sbuf_str(&c.text),
        "1:plain||a,b|he said \"no\"| pad|two\nlines\n3:0.3||-42\n");
    sbuf_release(&c.text);
    sbuf_release(&out);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines_and_quotes),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_stop_early),
        cmocka_unit_test(test_write_quoting),
        cmocka_unit_test(test_read_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
