/* html.c: escaping text for HTML and SVG. */
#define _GNU_SOURCE         /* strcasestr */
#include "html.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The length of the well-formed UTF-8 sequence at s, 0 when it is not one. */
static size_t utf8_len(const unsigned char *s)
{
    size_t n;
    unsigned long cp;
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        n = 2, cp = s[0] & 0x1f;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        n = 3, cp = s[0] & 0x0f;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        n = 4, cp = s[0] & 0x07;
    else
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

void html_escape(sbuf *out, const char *s)
{
    if (!s)
        return;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned char c = *p;
        switch (c) {
        case '&': sbuf_adds(out, "&amp;"); p++; continue;
        case '<': sbuf_adds(out, "&lt;"); p++; continue;
        case '>': sbuf_adds(out, "&gt;"); p++; continue;
        case '"': sbuf_adds(out, "&quot;"); p++; continue;
        case '\'': sbuf_adds(out, "&#39;"); p++; continue;
        default: break;
        }
        if (c < 0x20 || c == 0x7f) {
            if (c == '\t' || c == '\n')
                sbuf_addc(out, (char)c);
            p++;
            continue;
        }
        size_t n = utf8_len(p);
        if (n == 0) {
            sbuf_adds(out, "\xef\xbf\xbd");   /* U+FFFD for a byte that is not UTF-8 */
            p++;
            continue;
        }
        sbuf_add(out, (const char *)p, n);
        p += n;
    }
}

/* ---- REDCap's rich text as plain text ------------------------------------ */

/* Whether the tag name[0..n) is one whose start and end (and, for br,
 * itself) begin a new line of text: a paragraph, a list or its item, a
 * heading, a table row. */
static int breaks_line(const char *name, size_t n)
{
    static const char *const blocks[] = { "br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4",
                                          "h5", "h6", "blockquote", "ul", "ol", "table" };
    for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++)
        if (strlen(blocks[i]) == n && strncasecmp(name, blocks[i], n) == 0)
            return 1;
    return 0;
}

/* Drops the spaces and tabs at the end of out. */
static void trim_end(sbuf *out)
{
    while (out->len && (out->buf[out->len - 1] == ' ' || out->buf[out->len - 1] == '\t'))
        out->buf[--out->len] = '\0';
}

/* A line break, unless the text is empty or ends with one already (so
 * the breaks of nested and adjacent blocks count once), without the
 * spaces before it. */
static void line_break(sbuf *out)
{
    trim_end(out);
    if (out->len && out->buf[out->len - 1] != '\n')
        sbuf_addc(out, '\n');
}

/* Whether s needs more than a copy: markup, a reference, a CR, or a
 * control character (C0 but tab and line feed, DEL, C1). */
static int needs_work(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p == '<' || *p == '&' || *p == '\r' || (*p < 0x20 && *p != '\n' && *p != '\t') ||
            *p == 0x7f || (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
            return 1;
    return 0;
}

/* Appends code point cp as UTF-8: nothing for a control character, U+FFFD
 * for a code point that cannot be one. */
static void put_code_point(sbuf *out, unsigned long cp)
{
    char b[4];
    if ((cp < 0x20 && cp != '\t' && cp != '\n') || (cp >= 0x7f && cp < 0xa0))
        return;   /* a control character is no text */
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        cp = 0xfffd;
    sbuf_add(out, b, (size_t)(utf8_put(b, cp) - b));
}

/* The character reference at s ("&amp;", "&#233;", "&#xE9;"), appended as
 * text; returns its length, 0 when s is not one this knows (the '&' is
 * then text). */
static size_t reference(const char *s, sbuf *out)
{
    static const struct { const char *name, *text; } named[] = {
        { "amp", "&" }, { "lt", "<" }, { "gt", ">" }, { "quot", "\"" }, { "apos", "'" },
        { "nbsp", " " }, { "ndash", "\xe2\x80\x93" }, { "mdash", "\xe2\x80\x94" },
        { "hellip", "\xe2\x80\xa6" }, { "rsquo", "\xe2\x80\x99" }, { "lsquo", "\xe2\x80\x98" },
        { "rdquo", "\xe2\x80\x9d" }, { "ldquo", "\xe2\x80\x9c" },
    };
    const char *semi = strchr(s, ';');
    if (!semi || semi - s > 12)
        return 0;
    size_t n = (size_t)(semi - s) - 1;
    if (s[1] == '#') {
        char *end = NULL;
        int hex = s[2] == 'x' || s[2] == 'X';
        unsigned char first = (unsigned char)s[hex ? 3 : 2];
        if (hex ? !isxdigit(first) : !isdigit(first))
            return 0;
        unsigned long cp = strtoul(s + (hex ? 3 : 2), &end, hex ? 16 : 10);
        if (end != semi)
            return 0;
        put_code_point(out, cp);
        return n + 2;
    }
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (strlen(named[i].name) == n && strncmp(s + 1, named[i].name, n) == 0) {
            sbuf_adds(out, named[i].text);
            return n + 2;
        }
    return 0;
}

char *html_to_text(const char *s)
{
    if (!s)
        return xstrdup("");
    if (!needs_work(s))
        return xstrdup(s);
    sbuf out = SBUF_INIT;
    int after_tag = 0;   /* the text ends with a line break a tag made */
    int table = 0;       /* inside a table: a line end in the source is a space */
    for (const char *p = s; *p;) {
        unsigned char c = (unsigned char)*p;
        if (c == '&') {
            size_t n = reference(p, &out);
            if (n) {
                p += n;
                after_tag = 0;
                continue;
            }
        } else if (strncmp(p, "<!--", 4) == 0) {
            /* a comment, also the empty ones <!--> and <!---> */
            const char *end = p[4] == '>'                  ? p + 2
                              : p[4] == '-' && p[5] == '>' ? p + 3
                                                           : strstr(p + 4, "-->");
            if (!end)
                break;
            p = end + 3;
            continue;
        } else if (c == '<' && (isalpha((unsigned char)p[1]) || p[1] == '/' || p[1] == '!')) {
            const char *gt = strchr(p, '>');
            if (gt) {
                int closing = p[1] == '/';
                const char *name = p + 1 + closing;
                size_t n = strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                        "0123456789");
                int cell = n == 2 && (strncasecmp(name, "td", 2) == 0 ||
                                      strncasecmp(name, "th", 2) == 0);
                if (n == 5 && strncasecmp(name, "table", 5) == 0)
                    table += closing ? (table > 0 ? -1 : 0) : 1;
                if (breaks_line(name, n)) {
                    line_break(&out);
                    after_tag = 1;
                } else if (!closing && cell && out.len && !strchr(" \n", out.buf[out.len - 1])) {
                    sbuf_addc(&out, ' ');   /* table cells side by side */
                }
                p = gt + 1;
                /* a script's or a style's content is not text */
                if (!closing && ((n == 6 && strncasecmp(name, "script", 6) == 0) ||
                                 (n == 5 && strncasecmp(name, "style", 5) == 0))) {
                    const char *end = strcasestr(p, n == 6 ? "</script" : "</style");
                    if (!end)
                        break;
                    p = end;
                }
                continue;
            }
        }
        if (c == '\r' || c == '\n') {
            /* a line end written in the source (CR LF, LF or CR alone): a
             * space inside a table, nothing beside a tag's break, else a
             * line break (two make one blank line, no more) */
            p += c == '\r' && p[1] == '\n' ? 2 : 1;
            if (table) {
                if (out.len && !strchr(" \n", out.buf[out.len - 1]))
                    sbuf_addc(&out, ' ');
            } else if (!after_tag) {
                trim_end(&out);
                if (out.len && !(out.len >= 2 && out.buf[out.len - 1] == '\n' &&
                                 out.buf[out.len - 2] == '\n'))
                    sbuf_addc(&out, '\n');
            }
            continue;
        }
        if ((c == ' ' || c == '\t') && (!out.len || out.buf[out.len - 1] == '\n')) {
            p++;   /* the indentation of a line of the source */
            continue;
        }
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
            p++;   /* a control character is no text */
            continue;
        }
        if (c == 0xc2 && (unsigned char)p[1] >= 0x80 && (unsigned char)p[1] <= 0x9f) {
            p += 2;
            continue;
        }
        sbuf_addc(&out, *p++);
        after_tag = 0;
    }
    /* no line break left at the end, nor spaces before one */
    while (out.len && (out.buf[out.len - 1] == '\n' || out.buf[out.len - 1] == ' ' ||
                       out.buf[out.len - 1] == '\t'))
        out.buf[--out.len] = '\0';
    return sbuf_detach(&out);
}
