/* Unit tests for the progress line: its text at made-up times, how often
 * it asks to be drawn, and counting a file's lines. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "progress.h"

static void text_at(const progress *p, double now, const char *want)
{
    char buf[160];
    progress_text(p, now, buf, sizeof buf);
    assert_string_equal(buf, want);
}

static void test_text(void **state)
{
    (void)state;
    progress p;
    progress_init(&p, "rows", 1, 100000, 10.0);
    assert_int_equal(progress_step(&p, 0, 0, 10.0), 1);
    text_at(&p, 10.0, "0 rows");
    progress_step(&p, 1000, 999, 10.2);
    /* too soon for a rate */
    text_at(&p, 10.2, "999 rows");
    progress_step(&p, 25000, 24999, 12.5);
    /* 10,000 lines a second: 75,000 to go in 7.5 s */
    text_at(&p, 12.5, "24,999 rows, 10,000 rows/s, about 8 s left");
    progress_step(&p, 99990, 99989, 20.0);
    text_at(&p, 20.0, "99,989 rows, 9,999 rows/s, under 1 s left");
    progress_step(&p, 100000, 1234567, 20.0);
    text_at(&p, 20.0, "1,234,567 rows, 123,457 rows/s, under 1 s left");
    /* past the total: nothing left, never a negative time */
    progress_step(&p, 150000, 150000, 20.0);
    text_at(&p, 20.0, "150,000 rows, 15,000 rows/s, under 1 s left");

    /* an unknown total: no time left */
    progress_init(&p, "rows", 1, 0, 0.0);
    progress_step(&p, 500, 500, 2.0);
    text_at(&p, 2.0, "500 rows, 250 rows/s");

    /* minutes and hours */
    progress_init(&p, "rows", 1, 1000000, 0.0);
    progress_step(&p, 1000, 1000, 1.0);
    text_at(&p, 1.0, "1,000 rows, 1,000 rows/s, about 16 min 39 s left");
    progress_init(&p, "rows", 1, 10000000, 0.0);
    progress_step(&p, 1000, 1000, 1.0);
    text_at(&p, 1.0, "1,000 rows, 1,000 rows/s, about 2 h 46 min left");

    /* stages: the rest of this one and the whole of those to come */
    progress_init(&p, "administrations", 2, 4000, 0.0);
    progress_step(&p, 1000, 1000, 1.0);
    text_at(&p, 1.0, "pass 1 of 2: 1,000 administrations, 1,000 administrations/s, about 7 s left");
    progress_stage(&p, 2, 4000, 5.0);
    progress_step(&p, 2000, 2000, 6.0);
    text_at(&p, 6.0, "pass 2 of 2: 2,000 administrations, 2,000 administrations/s, about 1 s left");

    /* a short buffer is cut, never overrun */
    char small[12];
    progress_text(&p, 6.0, small, sizeof small);
    assert_string_equal(small, "pass 2 of 2");
    char tiny[20];
    progress_text(&p, 6.0, tiny, sizeof tiny);
    assert_int_equal(strlen(tiny), 19);
}

static void test_step(void **state)
{
    (void)state;
    progress p;
    progress_init(&p, "rows", 0, 10, 0.0);
    assert_int_equal(p.stages, 1);
    assert_int_equal(progress_step(&p, 1, 1, 0.0), 1);
    assert_int_equal(progress_step(&p, 2, 2, 0.1), 0);
    assert_int_equal(progress_step(&p, 3, 3, 0.19), 0);
    assert_int_equal(progress_step(&p, 4, 4, 0.2), 1);
    assert_int_equal(progress_step(&p, 5, 5, 0.3), 0);
    assert_int_equal(p.done, 5);
    assert_int_equal(p.shown, 5);
    progress_stage(&p, 1, -3, 1.0);
    assert_int_equal(p.total, 0);
    assert_int_equal(p.done, 0);
    double a = progress_clock(), b = progress_clock();
    assert_true(b >= a);
}

static void count(const char *text, long want)
{
    char path[] = "/tmp/attune-progress-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    long lines = -1;
    at_err err;
    assert_int_equal(progress_count_lines(path, &lines, &err), AT_OK);
    assert_int_equal(lines, want);
    unlink(path);
}

static void test_count_lines(void **state)
{
    (void)state;
    count("", 0);
    count("a\n", 1);
    count("a\nb", 2);
    count("a\nb\n\n", 3);
    /* more than one read's worth */
    size_t n = 200000;
    char *big = malloc(n + 1);
    assert_non_null(big);
    for (size_t i = 0; i < n; i++)
        big[i] = i % 4 == 3 ? '\n' : 'x';
    big[n] = '\0';
    count(big, 50000);
    free(big);
    long lines;
    at_err err;
    assert_int_equal(progress_count_lines("/nonexistent/file.csv", &lines, &err), AT_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent/file.csv"));
    /* a folder opens but cannot be read */
    assert_int_equal(progress_count_lines("/tmp", &lines, &err), AT_EIO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_step),
        cmocka_unit_test(test_count_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
