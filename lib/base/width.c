/* width.c: how many columns of a terminal text takes (util.h). */
#define _GNU_SOURCE         /* newlocale, uselocale */
#include "util.h"

#include <langinfo.h>
#include <locale.h>
#include <pthread.h>
#include <string.h>
#include <wchar.h>

static locale_t utf8_loc;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;

static void utf8_open(void)
{
    /* C.UTF-8 where the C library has it built in, else the user's own
     * when it is UTF-8, else a common one */
    utf8_loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    if (!utf8_loc) {
        locale_t own = newlocale(LC_CTYPE_MASK, "", (locale_t)0);
        if (own && strcmp(nl_langinfo_l(CODESET, own), "UTF-8") == 0)
            utf8_loc = own;
        else if (own)
            freelocale(own);
    }
    if (!utf8_loc)
        utf8_loc = newlocale(LC_CTYPE_MASK, "en_US.UTF-8", (locale_t)0);
}

/* The columns of the character of length len at s (wcwidth under a UTF-8
 * locale, whatever the program's own); 1 for any character without one. */
static size_t char_cols(const char *s, size_t len)
{
    if (!utf8_loc)
        return 1;
    locale_t old = uselocale(utf8_loc);
    mbstate_t st;
    memset(&st, 0, sizeof st);
    wchar_t wc;
    size_t got = mbrtowc(&wc, s, len, &st);
    int w = got == (size_t)-1 || got == (size_t)-2 ? 1 : wcwidth(wc);
    uselocale(old);
    return w < 0 ? 1 : (size_t)w;
}

size_t util_char_next(const char *s, size_t n, size_t *cols)
{
    if (!n)
        return 0;
    unsigned char b = (unsigned char)s[0];
    size_t len = b < 0x80 ? 1 : utf8_next(s, 0, n);
    if (cols) {
        if (b < 0x80)
            *cols = b >= 0x20 && b != 0x7f;
        else {
            pthread_once(&utf8_once, utf8_open);
            *cols = char_cols(s, len);
        }
    }
    return len;
}

size_t util_text_cols(const char *s, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n;) {
        size_t c = 0;
        i += util_char_next(s + i, n - i, &c);
        w += c;
    }
    return w;
}

int util_closing_mark(const char *s, size_t len)
{
    static const char *const marks[] = { "\u3002", "\uFF0C", "\u3001", "\uFF01", "\uFF1F",
                                         "\uFF1A", "\uFF1B", "\uFF09", "\u300D", "\u300F",
                                         "\u3011" };
    for (size_t k = 0; k < sizeof marks / sizeof marks[0]; k++)
        if (strlen(marks[k]) == len && memcmp(marks[k], s, len) == 0)
            return 1;
    return 0;
}
