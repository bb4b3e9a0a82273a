/* run_prompt.c: the terminal face of the questionnaire flow (lib/answering/flow.h):
 * showing one question at a time, wrapped to the terminal's width, reading
 * the answers typed, and the review before saving. */
#include "run_prompt.h"
#include "cli.h"
#include "html.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <unistd.h>

/* The width text is wrapped to: the terminal's, else $COLUMNS, else 80. */
static size_t text_width(void)
{
    struct winsize ws;
    long cols = 0;
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
        cols = ws.ws_col;
    else if (getenv("COLUMNS"))
        util_parse_long(getenv("COLUMNS"), &cols);
    if (cols < 20)
        cols = 80;
    return (size_t)(cols > 100 ? 100 : cols) - 1;
}

size_t run_width(void)
{
    return text_width();
}

/* The next piece of a line to place whole, from p (not a space): a wide
 * character with the closing marks right after it (Chinese, Japanese and
 * Korean text breaks between any two characters, but not before such a
 * mark), else the characters up to a space or a wide character.  Its
 * length in bytes, and its columns into *cols. */
static size_t next_piece(const char *p, const char *end, size_t *cols)
{
    size_t c = 0, n = util_char_next(p, (size_t)(end - p), &c), w = c;
    int wide = c == 2, marked = 0;
    while (p + n < end && p[n] != ' ') {
        size_t l = util_char_next(p + n, (size_t)(end - p - n), &c);
        /* a closing mark stays with what it closes, Latin or not; the piece
         * ends after its marks */
        int mark = util_closing_mark(p + n, l);
        if (!mark && (wide || marked || c == 2))
            break;
        marked |= mark;
        n += l;
        w += c;
    }
    *cols = w;
    return n;
}

void run_wrap(const char *text, size_t indent, size_t width, sbuf *out)
{
    const char *p = text;
    while (*p) {
        /* one line of the text (it may hold its own line breaks) */
        size_t ln = strcspn(p, "\n");
        const char *end = p + ln;
        size_t col = 0;
        int first = 1;
        if (ln == 0) {
            sbuf_addc(out, '\n');
        }
        while (p < end) {
            const char *from = p;
            while (p < end && *p == ' ')
                p++;
            if (p == end)
                break;
            int spaced = p > from;
            size_t ww = 0;
            size_t wl = next_piece(p, end, &ww);
            size_t sep = spaced ? 1 : 0;
            if (first) {
                sbuf_addf(out, "%*s", (int)indent, "");
                col = indent;
            } else if (col + sep + ww > width) {
                sbuf_addf(out, "\n%*s", (int)indent, "");
                col = indent;
            } else if (sep) {
                sbuf_addc(out, ' ');
                col++;
            }
            sbuf_add(out, p, wl);
            col += ww;
            first = 0;
            p += wl;
        }
        if (!first)
            sbuf_addc(out, '\n');
        p = *end ? end + 1 : end;
    }
}

/* Prints text wrapped, each line indented. */
static void say(size_t indent, const char *text)
{
    sbuf sb = SBUF_INIT;
    run_wrap(text, indent, text_width(), &sb);
    fputs(sbuf_str(&sb), stdout);
    sbuf_release(&sb);
}

/* Prints head, then text wrapped with its later lines indented by indent
 * (head's width, e.g. "  3. " and 5); an empty text leaves head alone. */
static void say_hanging(const char *head, const char *text, size_t indent)
{
    sbuf sb = SBUF_INIT;
    run_wrap(text, indent, text_width(), &sb);
    const char *w = sbuf_str(&sb);
    fputs(head, stdout);
    fputs(sb.len > indent ? w + indent : "\n", stdout);
    sbuf_release(&sb);
}

void run_dialog_init(run_dialog *d, const dict_instrument *in, int echo)
{
    memset(d, 0, sizeof *d);
    d->in = in;
    d->fl = flow_new(in);
    d->printed = xcalloc(in->nfields ? in->nfields : 1, 1);
    d->echo = echo;
}

void run_dialog_release(run_dialog *d)
{
    flow_free(d->fl);
    free(d->printed);
    free(d->line);
    memset(d, 0, sizeof *d);
}

/* ---- reading ----------------------------------------------------------- */

enum { IN_LINE, IN_EOF, IN_INT };

/* The most a terminal takes in one line before Enter (Linux's line
 * discipline keeps 4,096 bytes, the last for the Enter): past it, what is
 * typed or pasted is dropped before attune can read it. */
enum { TTY_LINE_MAX = 4095 };

/* Prompts and reads one line into d->line, trimmed of surrounding spaces.
 * A line from a terminal that fills the terminal's line is asked again:
 * its end may have been dropped, and a cut answer must not be saved as if
 * it were whole. */
static int read_line(run_dialog *d)
{
    ssize_t n;
    for (;;) {
        fputs("> ", stdout);
        fflush(stdout);
        if (cli_stop_signal())
            return IN_INT;
        n = getline(&d->line, &d->cap, stdin);
        if (cli_stop_signal())
            return IN_INT;
        if (n < 0)
            return IN_EOF;
        size_t body = (size_t)n - (n && d->line[n - 1] == '\n');   /* without the Enter */
        if (d->echo || body < TTY_LINE_MAX)
            break;
        say(3, "not accepted: the terminal takes at most 4,095 bytes in one line, and this "
               "line filled it, so its end may have been cut off; please type a shorter "
               "answer");
    }
    char *s = d->line;
    size_t len = (size_t)n;
    while (len && (s[len - 1] == '\n' || s[len - 1] == '\r' || s[len - 1] == ' ' ||
                   s[len - 1] == '\t'))
        s[--len] = '\0';
    size_t lead = strspn(s, " \t");
    memmove(s, s + lead, len - lead + 1);
    if (d->echo)
        printf("%s\n", s);
    return IN_LINE;
}

/* Whether b is an answer to field f rather than the back key: f has a
 * choice coded b (codes are taken in any case).  < goes back everywhere, as
 * no choice code can be <. */
static int b_is_choice(const dict_field *f)
{
    if (f->type != FT_RADIO && f->type != FT_DROPDOWN && f->type != FT_CHECKBOX)
        return 0;
    for (size_t c = 0; c < f->nchoices; c++)
        if (strcasecmp(f->choices[c].code, "b") == 0)
            return 1;
    return 0;
}

/* The keys, each beside what it does, wrapped to the width as the
 * questions are; on field f b may be a choice. */
static void show_keys(const dict_field *f)
{
    int b_choice = b_is_choice(f);
    const char *const keys[][2] = {
        { "Enter alone", "skip a question that is not required\n(or keep the answer shown as "
                         "'now')" },
        { "-", "clear an answer given before" },
        { b_choice ? "<" : "< or b",
          b_choice ? "go back one question (b is a choice here)" : "go back one question" },
        { "?", "show these keys" },
        { "Ctrl-C or Ctrl-D", "stop here: nothing goes into the study, and the "
                              "answers so far are set aside in a file" },
    };
    say(3, "keys: type the answer and press Enter");
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        char head[32];
        int n = snprintf(head, sizeof head, "     %-11s  ", keys[k][0]);
        say_hanging(head, keys[k][1], (size_t)n);
    }
}

/* ---- showing a question ------------------------------------------------ */

/* The slider's labels "left | middle | right" beside its range. */
static void slider_hint(const dict_field *f)
{
    /* a slider without validation min/max still has its 0-100 bounds */
    char lobuf[32], hibuf[32];
    const char *lo = f->cols[DC_MIN][0] ? f->cols[DC_MIN] : fmt_num(f->min, lobuf);
    const char *hi = f->cols[DC_MAX][0] ? f->cols[DC_MAX] : fmt_num(f->max, hibuf);
    sbuf sb = SBUF_INIT;
    sbuf_addf(&sb, "(a number from %s to %s", lo, hi);
    char *labels = html_to_text(f->cols[DC_CHOICES]);   /* a slider's, as text */
    char *part[3] = { NULL, NULL, NULL };
    size_t np = 0;
    for (char *p = labels; p && np < 3;) {
        char *bar = strchr(p, '|');
        if (bar)
            *bar = '\0';
        while (*p == ' ')
            p++;
        size_t n = strlen(p);
        while (n && p[n - 1] == ' ')
            p[--n] = '\0';
        part[np++] = p;
        p = bar ? bar + 1 : NULL;
    }
    const char *left = np >= 1 ? part[0] : "";
    const char *middle = np == 3 ? part[1] : "";
    const char *right = np == 3 ? part[2] : np == 2 ? part[1] : "";
    if (*left)
        sbuf_addf(&sb, "; %s = %s", lo, left);
    if (*middle) {
        double a = f->has_min ? f->min : 0, b = f->has_max ? f->max : 100;
        sbuf_addf(&sb, "; %g = %s", (a + b) / 2, middle);
    }
    if (*right)
        sbuf_addf(&sb, "; %s = %s", hi, right);
    sbuf_addc(&sb, ')');
    say(3, sbuf_str(&sb));
    sbuf_release(&sb);
    free(labels);
}

static void show_range(const dict_field *f, sbuf *sb)
{
    if (f->has_min && f->has_max)
        sbuf_addf(sb, ", from %s to %s", f->cols[DC_MIN], f->cols[DC_MAX]);
    else if (f->has_min)
        sbuf_addf(sb, ", %s or more", f->cols[DC_MIN]);
    else if (f->has_max)
        sbuf_addf(sb, ", at most %s", f->cols[DC_MAX]);
}

/* A radio or dropdown with choices labelled Yes and No takes y and n. */
static int offers_yes_no(const dict_field *f)
{
    int yes = 0, no = 0;
    if (f->type != FT_RADIO && f->type != FT_DROPDOWN)
        return 0;
    for (size_t c = 0; c < f->nchoices; c++) {
        yes |= strcasecmp(f->choices[c].label, "yes") == 0;
        no |= strcasecmp(f->choices[c].label, "no") == 0;
    }
    return yes && no;
}

/* Section headers and descriptive texts are printed once each. */
static void show_section(run_dialog *d, size_t fi)
{
    const dict_field *f = &d->in->fields[fi];
    if (f->section[0] && !(d->printed[fi] & 2)) {
        sbuf sb = SBUF_INIT;
        sbuf_addf(&sb, "-- %s --", f->section);
        putchar('\n');
        say(0, sbuf_str(&sb));
        sbuf_release(&sb);
        d->printed[fi] |= 2;
    }
}

static void show_texts(run_dialog *d, const size_t *idx, size_t n)
{
    for (size_t t = 0; t < n; t++) {
        show_section(d, idx[t]);
        if (d->printed[idx[t]] & 1)
            continue;
        putchar('\n');
        say(0, d->in->fields[idx[t]].label);
        d->printed[idx[t]] |= 1;
    }
}

static void show_question(run_dialog *d)
{
    size_t fi = flow_field(d->fl);
    const dict_field *f = &d->in->fields[fi];
    size_t *idx = xmalloc((d->in->nfields + 1) * sizeof *idx);
    size_t nt = flow_texts(d->fl, idx, d->in->nfields);
    show_texts(d, idx, nt);
    free(idx);
    show_section(d, fi);
    char pos[64];
    flow_position_text(d->fl, pos, sizeof pos, NULL);
    printf("\n%s\n", pos);
    sbuf sb = SBUF_INIT;
    sbuf_addf(&sb, "%s%s", f->label, f->required ? " (needs an answer)" : "");
    say(0, sbuf_str(&sb));
    if (f->note[0])
        say(3, f->note);
    for (size_t c = 0; c < f->nchoices; c++) {
        char head[64];
        snprintf(head, sizeof head, "   %3s  ", f->choices[c].code);
        say_hanging(head, f->choices[c].label, 8);
    }
    sbuf_reset(&sb);
    if (f->type == FT_CHECKBOX)
        say(3, "(one or more codes, separated by commas or spaces)");
    else if (f->type == FT_YESNO || offers_yes_no(f))
        say(3, "(y or n works too)");
    else if (f->type == FT_TRUEFALSE)
        say(3, "(t or f works too)");
    else if (f->type == FT_SLIDER)
        slider_hint(f);
    else if (f->type == FT_NOTES)
        say(3, "(text on one line)");
    else if (f->type == FT_TEXT) {
        sbuf_addf(&sb, "(%s", field_valid_hint(f->valid));
        show_range(f, &sb);
        sbuf_addc(&sb, ')');
        say(3, sbuf_str(&sb));
    }
    if (b_is_choice(f))
        say(3, "(b is a choice here; < goes back)");
    if (flow_answered(d->fl, fi)) {
        sbuf_reset(&sb);
        sbuf_adds(&sb, "now: ");
        flow_answer_text(d->in, f, flow_values(d->fl), &sb);
        sbuf_addf(&sb, " (Enter keeps it%s)", f->required ? "" : ", - clears it");
        say(3, sbuf_str(&sb));
    }
    sbuf_release(&sb);
}

/* ---- taking an answer -------------------------------------------------- */

enum { ASK_MOVED, ASK_EOF, ASK_INT };

/* Shows the question on screen and reads lines until the flow moves. */
static int ask(run_dialog *d)
{
    size_t fi = flow_field(d->fl);
    const dict_field *f = &d->in->fields[fi];
    char why[512];
    show_question(d);
    for (;;) {
        int r = read_line(d);
        if (r != IN_LINE)
            return r == IN_EOF ? ASK_EOF : ASK_INT;
        const char *a = d->line;
        if (strcmp(a, "?") == 0) {
            show_keys(f);
            continue;
        }
        if (strcmp(a, "<") == 0 || ((strcmp(a, "b") == 0 || strcmp(a, "B") == 0) &&
                                    !b_is_choice(f))) {
            if (flow_back(d->fl))
                return ASK_MOVED;
            puts("   (there is no question to go back to)");
            continue;
        }
        if (!*a && flow_answered(d->fl, fi)) {
            flow_next(d->fl, why, sizeof why);
            return ASK_MOVED;
        }
        if (!*a || strcmp(a, "-") == 0) {
            if (f->required) {
                puts("   this question needs an answer");
                continue;
            }
            flow_skip(d->fl, why, sizeof why);
            return ASK_MOVED;
        }
        const char *not_utf8 = cli_not_utf8(a);
        if (not_utf8)
            snprintf(why, sizeof why, "%s", not_utf8);
        else if (flow_answer_typed(d->fl, a, why, sizeof why) &&
                 flow_next(d->fl, why, sizeof why))
            return ASK_MOVED;
        sbuf sb = SBUF_INIT;
        sbuf_addf(&sb, "not accepted: %s", why);
        say(3, sbuf_str(&sb));
        sbuf_release(&sb);
    }
}

/* ---- review ------------------------------------------------------------ */

/* Lists the shown questions with their answers; returns how many. */
static size_t list_answers(const run_dialog *d)
{
    sbuf sb = SBUF_INIT, line = SBUF_INIT;
    size_t *idx = xmalloc((d->in->nfields + 1) * sizeof *idx);
    size_t n = flow_review_list(d->fl, idx, d->in->nfields);
    size_t width = text_width();
    puts("\nYour answers:");
    for (size_t k = 0; k < n; k++) {
        const dict_field *f = &d->in->fields[idx[k]];
        char head[32];
        snprintf(head, sizeof head, "%3zu. ", k + 1);
        say_hanging(head, f->label, 5);
        sbuf_reset(&line);
        flow_answer_text(d->in, f, flow_values(d->fl), &line);
        sbuf_reset(&sb);
        run_wrap(sbuf_str(&line), 6, width, &sb);
        fputs(sbuf_str(&sb), stdout);
    }
    free(idx);
    sbuf_release(&sb);
    sbuf_release(&line);
    return n;
}

static void review_choices(size_t n)
{
    char b[128];
    if (n)
        snprintf(b, sizeof b, "Type y to save, a number from 1 to %zu to change that answer,\n"
                 "or q to stop without saving.", n);
    else
        snprintf(b, sizeof b, "Type y to save, or q to stop without saving.");
    say(0, b);
}

static run_end review(run_dialog *d)
{
    size_t n = list_answers(d);
    putchar('\n');
    review_choices(n);
    for (;;) {
        int r = read_line(d);
        if (r != IN_LINE)
            return r == IN_EOF ? RUN_EOF : RUN_INTERRUPTED;
        const char *a = d->line;
        if (strcasecmp(a, "y") == 0 || strcasecmp(a, "yes") == 0)
            return RUN_SAVE;
        if (strcasecmp(a, "q") == 0)
            return RUN_QUIT;
        long k;
        if (util_parse_long(a, &k) && k >= 1 && (size_t)k <= n && flow_change(d->fl, (size_t)k))
            return RUN_CONTINUE;
        char b[128];
        if (strcmp(a, "?") == 0)
            say_hanging("   keys: ", "y saves; a question's number changes its answer;\n"
                        "q stops without saving anything;\nCtrl-C or Ctrl-D stops and sets the "
                        "answers aside in a file", 9);
        else if (n) {
            snprintf(b, sizeof b, "type y to save, a number from 1 to %zu, or q to stop", n);
            say(3, b);
        } else
            say(3, "type y to save, or q to stop");
    }
}

run_end run_dialog_go(run_dialog *d)
{
    say(0, "Type your answer and press Enter; ? shows the keys.");
    for (;;) {
        switch (flow_where(d->fl)) {
        case FLOW_QUESTION: {
            int r = ask(d);
            if (r != ASK_MOVED)
                return r == ASK_EOF ? RUN_EOF : RUN_INTERRUPTED;
            break;
        }
        case FLOW_REVIEW: {
            run_end e = review(d);
            if (e != RUN_CONTINUE)
                return e;
            break;
        }
        case FLOW_DONE:
            return RUN_SAVE;
        }
    }
}

void run_say(const char *text)
{
    say(0, text);
}

void run_say_closing(const run_dialog *d)
{
    size_t *idx = xmalloc((d->in->nfields + 1) * sizeof *idx);
    size_t n = flow_closing(d->fl, idx, d->in->nfields);
    putchar('\n');
    if (!n)
        say(0, flow_closing_default(d->fl));
    for (size_t t = 0; t < n; t++)
        say(0, d->in->fields[idx[t]].label);
    free(idx);
}
