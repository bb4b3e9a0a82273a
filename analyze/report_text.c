/* report_text.c: the report as text, a block per client wrapped to the
 * terminal's width. */
#include "report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int rtext_width(FILE *fp)
{
    struct winsize ws;
    if (fp && isatty(fileno(fp)) && ioctl(fileno(fp), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
        return ws.ws_col > 160 ? 160 : ws.ws_col;
    return 80;
}

void wrap_text(const char *s, double width, double (*wfn)(const char *s, size_t n, void *ctx),
               void *wctx, void (*line)(const char *s, size_t n, void *ctx), void *lctx)
{
    while (*s == ' ')
        s++;
    while (*s) {
        /* the longest run of whole words that fits; a hard break at '\n' */
        size_t end = 0, fit = 0;
        for (;;) {
            size_t next = end;
            while (s[next] == ' ')
                next++;
            while (s[next] && s[next] != ' ' && s[next] != '\n')
                next++;
            if (fit && wfn(s, next, wctx) > width)
                break;
            fit = end = next;
            if (!s[end] || s[end] == '\n')
                break;
        }
        if (wfn(s, fit, wctx) > width) {
            /* one word, too wide alone: the most whole characters that fit */
            size_t first = utf8_next(s, 0, fit), cut = first;
            for (size_t k = cut; k < fit;) {
                size_t n = utf8_next(s, k, fit);
                if (wfn(s, n, wctx) > width)
                    break;
                cut = k = n;
            }
            /* a closing mark (，。」) stays with the character before it:
             * the cut goes back before the marks, keeping one character */
            size_t most = cut;
            while (cut > first && cut < fit &&
                   util_closing_mark(s + cut, utf8_next(s, cut, fit) - cut)) {
                size_t b = cut - 1;
                while (b > 0 && ((unsigned char)s[b] & 0xc0) == 0x80)
                    b--;
                cut = b;
            }
            /* marks all the way back: shortening the line gains nothing */
            if (cut < fit && util_closing_mark(s + cut, utf8_next(s, cut, fit) - cut))
                cut = most;
            fit = cut;
        }
        line(s, fit, lctx);
        s += fit;
        if (*s == '\n')
            s++;
        while (*s == ' ')
            s++;
    }
}

/* The columns of s[0..n) on a terminal (a Chinese, Japanese or Korean
 * character takes two). */
static double chars(const char *s, size_t n, void *ctx)
{
    (void)ctx;
    return (double)util_text_cols(s, n);
}

typedef struct indent {
    FILE *fp;
    const char *first, *rest;
    int n;
} indent;

static void put_line(const char *s, size_t n, void *ctx)
{
    indent *in = ctx;
    fprintf(in->fp, "%s%.*s\n", in->n++ ? in->rest : in->first, (int)n, s);
}

void rtext_para(FILE *fp, const char *s, int width, const char *first, const char *rest)
{
    /* text from a questionnaire may hold control characters: none reach the terminal */
    char *clean = xstrdup(s);
    for (unsigned char *p = (unsigned char *)clean; *p; p++)
        if ((*p < 0x20 && *p != '\n') || *p == 0x7f)
            *p = '?';
    indent in = { fp, first, rest, 0 };
    wrap_text(clean, width - (double)strlen(rest), chars, NULL, put_line, &in);
    free(clean);
}

#define para rtext_para

static const char *num(double x, char buf[32])
{
    snprintf(buf, 32, "%.2f", x);
    char *e = buf + strlen(buf) - 1;
    while (*e == '0')
        *e-- = '\0';
    if (*e == '.')
        *e = '\0';
    return buf;
}

void rtext_block(FILE *fp, const rblock *b, int width)
{
    sbuf sb = SBUF_INIT;
    char n1[32];
    sbuf_adds(&sb, b->client);
    if (b->therapist && b->therapist[0])
        sbuf_addf(&sb, " (therapist %s)", b->therapist);
    sbuf_addf(&sb, ", session %ld", b->session);
    if (b->date && b->date[0])
        sbuf_addf(&sb, " on %s", b->date);
    para(fp, sb.buf, width, "", "  ");
    for (size_t i = 0; i < b->now->n; i++)
        para(fp, b->now->a[i].detail, width, "  - ", "    ");
    if (b->rupture) {
        const rlatest *r = b->rupture;
        sbuf_reset(&sb);
        sbuf_addf(&sb, "latest reported rupture: session %ld", r->session);
        if (r->by)
            sbuf_addf(&sb, " (the %s's questionnaire)", r->by);
        if (r->kinds.len)
            sbuf_addf(&sb, "; %s", r->kinds.buf);
        if (!isnan(r->tension))
            sbuf_addf(&sb, "; tension %s", num(r->tension, n1));
        sbuf_addf(&sb, "; %s", r->resolved == 1 ? "resolved" : r->resolved == 0 ? "not resolved"
                                                                           : "resolution not rated");
        para(fp, sb.buf, width, "  ", "    ");
        for (size_t i = 0; i < r->nnotes; i++) {
            sbuf_reset(&sb);
            sbuf_addf(&sb, "%s \"%s\"", r->notes[i].label, r->notes[i].text);
            para(fp, sb.buf, width, "    ", "      ");
        }
    }
    if (b->changes) {
        sbuf_reset(&sb);
        sbuf_addf(&sb, "since session %ld: %s", b->since, b->changes);
        para(fp, sb.buf, width, "  ", "    ");
    }
    fputc('\n', fp);
    sbuf_release(&sb);
}
