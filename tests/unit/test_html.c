/* test_html: html_escape, the one escaping of text for the report page and
 * its SVG charts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
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

static void check_text(const char *in, const char *want)
{
    char *got = html_to_text(in);
    assert_string_equal(got, want);
    free(got);
}

/* REDCap's rich text as the text a person reads. */
static void test_rich_text(void **state)
{
    (void)state;
    /* plain text is copied as it is, spaces and all */
    check_text("How was today?  ", "How was today?  ");
    check_text(NULL, "");
    /* tags go, their text stays; attributes and case do not matter */
    check_text("<b>Today</b>, did you feel <SPAN style=\"color:red\">heard</SPAN>?",
               "Today, did you feel heard?");
    /* a line break for <br> and the end of a paragraph or list item; none at the end */
    check_text("<p>First</p><p>Second<br/>line</p>", "First\nSecond\nline");
    check_text("<ul><li>one</li><li>two</li></ul>", "one\ntwo");
    /* references decoded, numeric ones as UTF-8 */
    check_text("caf&#233; caf&#xE9; &amp; &lt;b&gt; &quot;x&quot; a&nbsp;b",
               "caf\xc3\xa9 caf\xc3\xa9 & <b> \"x\" a b");
    /* named references to accented letters, as an editor writes them for
     * a label in French, Spanish or German; a soft hyphen is no text */
    check_text("caf&eacute; &Agrave; &ntilde; &szlig;&yuml; &euro;5 &ndash; &shy;x &Eacute",
               "caf\xc3\xa9 \xc3\x80 \xc3\xb1 \xc3\x9f\xc3\xbf \xe2\x82\xac" "5 \xe2\x80\x93 x &Eacute");
    check_text("&AElig;&aelig;&OElig;", "\xc3\x86\xc3\xa6\xc5\x92");
    check_text("&#0;x &#xD800; &#1114112;", "x \xef\xbf\xbd \xef\xbf\xbd");
    /* a '<' or '&' that begins no tag or reference is text */
    check_text("score < 3 & more <= 4, a <3", "score < 3 & more <= 4, a <3");
    check_text("a &unknown; b & c;", "a &unknown; b & c;");
    /* a tag never closed is text */
    check_text("1 <b 2", "1 <b 2");
    /* a script's and a style's content is not text */
    check_text("<script>alert('x')</script>Hi<style>p{x:y}</style>!", "Hi!");
    check_text("Hi<script>never closed", "Hi");
    /* comments, also with a '>' inside */
    check_text("a<!-- note -->b", "ab");
    check_text("a<!-- a > b -->c", "ac");
    /* a '>' inside a quoted attribute value does not end the tag */
    check_text("<span title=\"a > b\">heard</span>?", "heard?");
    check_text("<span title = 'x>y' class=c>heard</span>", "heard");
    check_text("<a href=x>y</a> 2 > 1", "y 2 > 1");
    /* a quote never closed: the first '>' after it ends the tag */
    check_text("<span title=\"open>heard</span>", "heard");
    /* a block begins a line whatever came before; line ends written in the
     * source beside a block's count once; no break at the start */
    check_text("Over the last week:<ul><li>sleep</li><li>mood</li></ul>",
               "Over the last week:\nsleep\nmood");
    check_text("Intro<p>Para</p>", "Intro\nPara");
    check_text("<p>Hello</p>\r\n<p>World</p>", "Hello\nWorld");
    check_text("<br>one<br>", "one");
    /* table cells side by side */
    check_text("<table><tr><td>a</td><td>b</td></tr><tr><th>c</th></tr></table>", "a b\nc");
    /* a reference to a control character is no text, nor is one written */
    check_text("a&#27;[31mb&#1;c&#x9f;d", "a[31mbcd");
    check_text("a\x1b[31mb<b>x</b>\xc2\x9b", "a[31mbx");
    check_text("First line\rSecond line", "First line\nSecond line");
    check_text("tab\there", "tab\there");
    /* indented HTML: line ends and indentation of the source are no text */
    check_text("<table>\n<tr>\n<td>a</td>\n<td>b</td>\n</tr>\n</table>", "a b");
    check_text("<p>Hello</p> <p>World</p>", "Hello\nWorld");
    check_text("<ul>\n  <li>a</li>\n  <li>b</li>\n</ul>", "a\nb");
    /* a blank line written in the source stays one, markup or not */
    check_text("Para one\n\n\nPara two <b>x</b>", "Para one\n\nPara two x");
    /* the empty comments */
    check_text("a<!-->b<!--->c", "abc");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_markup),
        cmocka_unit_test(test_controls_and_utf8),
        cmocka_unit_test(test_null_appends_nothing),
        cmocka_unit_test(test_rich_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
