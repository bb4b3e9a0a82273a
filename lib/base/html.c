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

/* The names of HTML's references to U+00A0 to U+00FF, in that order. */
static const char *const latin1[96] = {
    "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy",
    "ordf", "laquo", "not", "shy", "reg", "macr", "deg", "plusmn", "sup2", "sup3", "acute",
    "micro", "para", "middot", "cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34",
    "iquest", "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil",
    "Egrave", "Eacute", "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml", "ETH", "Ntilde",
    "Ograve", "Oacute", "Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute",
    "Ucirc", "Uuml", "Yacute", "THORN", "szlig", "agrave", "aacute", "acirc", "atilde", "auml",
    "aring", "aelig", "ccedil", "egrave", "eacute", "ecirc", "euml", "igrave", "iacute",
    "icirc", "iuml", "eth", "ntilde", "ograve", "oacute", "ocirc", "otilde", "ouml", "divide",
    "oslash", "ugrave", "uacute", "ucirc", "uuml", "yacute", "thorn", "yuml",
};

/* Other named references a rich-text editor writes: punctuation, the
 * letters of Latin-9 beyond Latin-1, arrows and a few signs. */
static const struct {
    const char *name;
    unsigned long cp;
} named[] = {
    { "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' }, { "apos", '\'' },
    { "OElig", 0x152 }, { "oelig", 0x153 }, { "Scaron", 0x160 }, { "scaron", 0x161 },
    { "Yuml", 0x178 }, { "fnof", 0x192 }, { "circ", 0x2c6 }, { "tilde", 0x2dc },
    { "ensp", 0x2002 }, { "emsp", 0x2003 }, { "thinsp", 0x2009 }, { "ndash", 0x2013 },
    { "mdash", 0x2014 }, { "lsquo", 0x2018 }, { "rsquo", 0x2019 }, { "sbquo", 0x201a },
    { "ldquo", 0x201c }, { "rdquo", 0x201d }, { "bdquo", 0x201e }, { "dagger", 0x2020 },
    { "Dagger", 0x2021 }, { "bull", 0x2022 }, { "hellip", 0x2026 }, { "permil", 0x2030 },
    { "prime", 0x2032 }, { "Prime", 0x2033 }, { "lsaquo", 0x2039 }, { "rsaquo", 0x203a },
    { "euro", 0x20ac }, { "trade", 0x2122 }, { "larr", 0x2190 }, { "uarr", 0x2191 },
    { "rarr", 0x2192 }, { "darr", 0x2193 }, { "harr", 0x2194 }, { "minus", 0x2212 },
    { "ne", 0x2260 }, { "le", 0x2264 }, { "ge", 0x2265 },
};

/* The character reference at s ("&amp;", "&eacute;", "&#233;", "&#xE9;"),
 * appended as text (a no-break space as a space, a soft hyphen as
 * nothing); returns its length, 0 when s is not one this knows (the '&' is
 * then text). */
static size_t reference(const char *s, sbuf *out)
{
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
    unsigned long cp = 0;
    for (size_t i = 0; i < sizeof latin1 / sizeof latin1[0] && !cp; i++)
        if (strlen(latin1[i]) == n && strncmp(s + 1, latin1[i], n) == 0)
            cp = 0xa0 + i;
    for (size_t i = 0; i < sizeof named / sizeof named[0] && !cp; i++)
        if (strlen(named[i].name) == n && strncmp(s + 1, named[i].name, n) == 0)
            cp = named[i].cp;
    if (!cp)
        return 0;
    if (cp == 0xa0)
        sbuf_addc(out, ' ');
    else if (cp != 0xad)
        put_code_point(out, cp);
    return n + 2;
}

/* The '>' that ends the tag at p, past any '>' inside a quoted attribute
 * value (<span title="a > b">); NULL when the tag has no end.  A quote left
 * open is taken as text of the tag, so the first '>' after it ends it. */
static const char *tag_end(const char *p)
{
    for (const char *q = p + 1; *q; q++) {
        if (*q == '>')
            return q;
        if (*q != '=')
            continue;
        q += strspn(q + 1, " \t\r\n");   /* name = "value" */
        if (q[1] == '"' || q[1] == '\'') {
            const char *close = strchr(q + 2, q[1]);
            if (!close)
                return strchr(q + 1, '>');
            q = close;
        }
    }
    return NULL;
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
            const char *gt = tag_end(p);
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
