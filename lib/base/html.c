/* html.c: escaping text for HTML and SVG. */
#include "html.h"

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
