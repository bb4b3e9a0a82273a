/* test_html: html_escape, the one escaping of text for the report page and
 * its SVG charts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "html.h"

static void expect(const char *in, const char *out)
{
    sbuf sb = SBUF_INIT;
    html_escape(&sb, in);
    assert_string_equal(sbuf_str(&sb), out);
    sbuf_release(&sb);
}

static void test_markup(void **state)
{
    (void)state;
    expect("plain words", "plain words");
    expect("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;");
    expect("a & b \"c\" 'd'", "a &amp; b &quot;c&quot; &#39;d&#39;");
    expect("&amp;", "&amp;amp;");
    expect("", "");
}

static void test_controls_and_utf8(void **state)
{
    (void)state;
    expect("line\none\ttab", "line\none\ttab");
    expect("bell\a esc\x1b[31m del\x7f", "bell esc[31m del");
    expect("gr\xc3\xbc\xc3\x9f \xe2\x80\x9cq\xe2\x80\x9d", "gr\xc3\xbc\xc3\x9f \xe2\x80\x9cq\xe2\x80\x9d");
    /* bytes that are not UTF-8 become U+FFFD, so the page stays well-formed */
    expect("a\xff" "b", "a\xef\xbf\xbd" "b");
    expect("\xc3", "\xef\xbf\xbd");
    expect("\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd");          /* overlong '/' */
    expect("\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); /* a surrogate */
}

static void test_null_appends_nothing(void **state)
{
    (void)state;
    sbuf sb = SBUF_INIT;
    sbuf_adds(&sb, "x");
    html_escape(&sb, NULL);
    assert_string_equal(sbuf_str(&sb), "x");
    sbuf_release(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_markup),
        cmocka_unit_test(test_controls_and_utf8),
        cmocka_unit_test(test_null_appends_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
