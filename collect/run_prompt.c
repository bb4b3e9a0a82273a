/* run_prompt.c: asking an instrument's questions one at a time, with
 * branching applied as answers change, going back, skipping, and a review
 * before saving. */
#include "run_prompt.h"
#include "record.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
    (void)sig;
    interrupted = 1;
}

void run_catch_interrupt(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: a read in progress returns */
    sigaction(SIGINT, &sa, NULL);
}

void run_dialog_init(run_dialog *d, const instrument *in, int echo)
{
    memset(d, 0, sizeof *d);
    d->in = in;
    d->vals = xcalloc(in->ncols ? in->ncols : 1, sizeof *d->vals);
    d->visited = xcalloc(in->nfields ? in->nfields : 1, 1);
    d->echo = echo;
}

void run_dialog_release(run_dialog *d)
{
    if (d->vals)
        record_clear(d->vals, d->in->ncols);
    free(d->vals);
    free(d->visited);
    free(d->line);
    memset(d, 0, sizeof *d);
}

int run_is_question(const field *f)
{
    return f->type != FT_CALC && f->type != FT_DESCRIPTIVE;
}

static int shown(const run_dialog *d, size_t i)
{
    return instrument_shown(d->in, i, (const char *const *)d->vals);
}

static int answered(const run_dialog *d, const field *f)
{
    for (size_t c = f->col; c < f->col + f->ncol; c++)
        if (d->vals[c])
            return 1;
    return 0;
}

static void clear_answer(run_dialog *d, const field *f)
{
    record_clear(d->vals + f->col, f->ncol);
}

void run_answer_text(const instrument *in, const field *f, char *const *vals, sbuf *out)
{
    int any = 0, ticked = 0;
    for (size_t c = f->col; c < f->col + f->ncol; c++)
        any |= vals[c] != NULL;
    if (!any) {
        sbuf_adds(out, "(skipped)");
        return;
    }
    if (f->type == FT_CHECKBOX) {
        for (size_t k = 0; k < f->nchoices; k++) {
            const char *v = vals[f->col + k];
            if (!v || strcmp(v, "1") != 0)
                continue;
            sbuf_addf(out, "%s%s %s", ticked ? "; " : "", f->choices[k].code,
                      f->choices[k].label);
            ticked = 1;
        }
        if (!ticked)
            sbuf_adds(out, "(none ticked)");
        return;
    }
    (void)in;
    const char *v = vals[f->col];
    for (size_t k = 0; k < f->nchoices; k++)
        if (strcmp(f->choices[k].code, v) == 0) {
            sbuf_addf(out, "%s %s", v, f->choices[k].label);
            return;
        }
    sbuf_adds(out, v);
}

/* ---- reading ----------------------------------------------------------- */

enum { IN_LINE, IN_EOF, IN_INT };

/* Prompts and reads one line into d->line, trimmed of surrounding spaces. */
static int read_line(run_dialog *d)
{
    fputs("> ", stdout);
    fflush(stdout);
    if (interrupted)
        return IN_INT;
    ssize_t n = getline(&d->line, &d->cap, stdin);
    if (interrupted)
        return IN_INT;
    if (n < 0)
        return IN_EOF;
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

static void show_keys(void)
{
    fputs("   keys: type the answer and press Enter\n"
          "     Enter alone  skip a question that is not required\n"
          "                  (or keep the answer shown as 'now')\n"
          "     -            clear an answer given before\n"
          "     b            go back one question\n"
          "     ?            show these keys\n"
          "     Ctrl-D or Ctrl-C  stop without saving anything\n", stdout);
}

/* ---- showing a question ------------------------------------------------ */

static const char *valid_hint(field_valid v)
{
    switch (v) {
    case FV_NONE: return "text on one line";
    case FV_INTEGER: return "a whole number";
    case FV_NUMBER: return "a number";
    case FV_NUMBER_1DP: return "a number with 1 decimal, e.g. 2.5";
    case FV_NUMBER_2DP: return "a number with 2 decimals, e.g. 2.50";
    case FV_NUMBER_3DP: return "a number with 3 decimals";
    case FV_NUMBER_4DP: return "a number with 4 decimals";
    case FV_NUMBER_COMMA: return "a number, with a decimal comma";
    case FV_NUMBER_1DP_COMMA: return "a number with 1 decimal after a comma, e.g. 2,5";
    case FV_NUMBER_2DP_COMMA: return "a number with 2 decimals after a comma, e.g. 2,50";
    case FV_NUMBER_3DP_COMMA: return "a number with 3 decimals after a comma";
    case FV_NUMBER_4DP_COMMA: return "a number with 4 decimals after a comma";
    case FV_DATE_YMD: return "a date, YYYY-MM-DD";
    case FV_DATE_MDY: return "a date, MM-DD-YYYY";
    case FV_DATE_DMY: return "a date, DD-MM-YYYY";
    case FV_DATETIME_YMD: return "a date and time, YYYY-MM-DD HH:MM";
    case FV_DATETIME_MDY: return "a date and time, MM-DD-YYYY HH:MM";
    case FV_DATETIME_DMY: return "a date and time, DD-MM-YYYY HH:MM";
    case FV_DATETIME_SECONDS_YMD: return "a date and time, YYYY-MM-DD HH:MM:SS";
    case FV_DATETIME_SECONDS_MDY: return "a date and time, MM-DD-YYYY HH:MM:SS";
    case FV_DATETIME_SECONDS_DMY: return "a date and time, DD-MM-YYYY HH:MM:SS";
    case FV_TIME: return "a time, HH:MM";
    case FV_TIME_MM_SS: return "minutes and seconds, MM:SS";
    case FV_EMAIL: return "an email address";
    case FV_ALPHA_ONLY: return "letters only";
    case FV_PHONE: return "a phone number";
    case FV_ZIPCODE: return "a zip code";
    }
    return "text";
}

/* The slider's labels "left | middle | right" beside its range. */
static void slider_hint(const field *f)
{
    /* a slider without validation min/max still has its 0-100 bounds */
    char lobuf[32], hibuf[32];
    const char *lo = f->cols[DC_MIN][0] ? f->cols[DC_MIN] : fmt_num(f->min, lobuf);
    const char *hi = f->cols[DC_MAX][0] ? f->cols[DC_MAX] : fmt_num(f->max, hibuf);
    printf("   (a number from %s to %s", lo, hi);
    char *labels = xstrdup(f->cols[DC_CHOICES]);
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
        printf("; %s = %s", lo, left);
    if (*middle) {
        double a = f->has_min ? f->min : 0, b = f->has_max ? f->max : 100;
        printf("; %g = %s", (a + b) / 2, middle);
    }
    if (*right)
        printf("; %s = %s", hi, right);
    puts(")");
    free(labels);
}

static void show_range(const field *f, sbuf *sb)
{
    if (f->has_min && f->has_max)
        sbuf_addf(sb, ", from %s to %s", f->cols[DC_MIN], f->cols[DC_MAX]);
    else if (f->has_min)
        sbuf_addf(sb, ", %s or more", f->cols[DC_MIN]);
    else if (f->has_max)
        sbuf_addf(sb, ", at most %s", f->cols[DC_MAX]);
}

/* Position of question fi among the questions shown now: k of n. */
static void position(const run_dialog *d, size_t fi, size_t *k, size_t *n)
{
    *k = *n = 0;
    for (size_t i = 0; i < d->in->nfields; i++) {
        if (!run_is_question(&d->in->fields[i]) || !shown(d, i))
            continue;
        (*n)++;
        if (i == fi)
            *k = *n;
    }
}

static void show_question(const run_dialog *d, size_t fi)
{
    const field *f = &d->in->fields[fi];
    size_t k, n;
    position(d, fi, &k, &n);
    if (f->cols[DC_SECTION][0] && !d->visited[fi])
        printf("\n-- %s --\n", f->cols[DC_SECTION]);
    printf("\n%zu of %zu. %s%s\n", k, n, f->label, f->required ? " (required)" : "");
    if (f->cols[DC_NOTE][0])
        printf("   %s\n", f->cols[DC_NOTE]);
    for (size_t c = 0; c < f->nchoices; c++)
        printf("   %3s  %s\n", f->choices[c].code, f->choices[c].label);
    sbuf hint = SBUF_INIT;
    if (f->type == FT_CHECKBOX)
        puts("   (one or more codes, separated by commas or spaces)");
    else if (f->type == FT_SLIDER)
        slider_hint(f);
    else if (f->type == FT_NOTES)
        puts("   (text on one line)");
    else if (f->type == FT_TEXT) {
        sbuf_adds(&hint, valid_hint(f->valid));
        show_range(f, &hint);
        printf("   (%s)\n", sbuf_str(&hint));
    }
    if (answered(d, f)) {
        sbuf_reset(&hint);
        run_answer_text(d->in, f, d->vals, &hint);
        printf("   now: %s (Enter keeps it%s)\n", sbuf_str(&hint),
               f->required ? "" : ", - clears it");
    }
    sbuf_release(&hint);
}

/* ---- taking an answer -------------------------------------------------- */

static int set_value(run_dialog *d, const field *f, const char *a, char *why, size_t whysz)
{
    char *out = NULL;
    if (!field_normalize(f, a, &out, why, whysz))
        return 0;
    free(d->vals[f->col]);
    d->vals[f->col] = out;
    return 1;
}

/* Takes checkbox codes separated by commas or spaces (case does not matter). */
static int set_checkbox(run_dialog *d, const field *f, const char *a, char *why, size_t whysz)
{
    unsigned char *tick = xcalloc(f->nchoices ? f->nchoices : 1, 1);
    char *copy = xstrdup(a);
    int ok = 0, any = 0;
    for (char *tok = copy; *tok;) {
        size_t n = strcspn(tok, ", \t;");
        if (n == 0) {
            tok++;
            continue;
        }
        char save = tok[n];
        tok[n] = '\0';
        size_t k = 0;
        while (k < f->nchoices && strcasecmp(f->choices[k].code, tok) != 0)
            k++;
        if (k == f->nchoices) {
            sbuf codes = SBUF_INIT;
            for (size_t c = 0; c < f->nchoices; c++)
                sbuf_addf(&codes, "%s%s", c ? ", " : "", f->choices[c].code);
            snprintf(why, whysz, "'%s' is not one of the codes (%s)", tok, sbuf_str(&codes));
            sbuf_release(&codes);
            goto out;
        }
        tick[k] = 1;
        any = 1;
        tok[n] = save;
        tok += n;
    }
    if (!any) {
        snprintf(why, whysz, "type one or more codes");
        goto out;
    }
    for (size_t k = 0; k < f->nchoices; k++) {
        free(d->vals[f->col + k]);
        d->vals[f->col + k] = xstrdup(tick[k] ? "1" : "0");
    }
    ok = 1;
out:
    free(copy);
    free(tick);
    return ok;
}

enum { ASK_DONE, ASK_BACK, ASK_EOF, ASK_INT };

static int ask(run_dialog *d, size_t fi, int can_back)
{
    const field *f = &d->in->fields[fi];
    show_question(d, fi);
    for (;;) {
        int r = read_line(d);
        if (r != IN_LINE)
            return r == IN_EOF ? ASK_EOF : ASK_INT;
        const char *a = d->line;
        if (strcmp(a, "?") == 0) {
            show_keys();
            continue;
        }
        if (strcmp(a, "b") == 0 || strcmp(a, "B") == 0) {
            if (can_back)
                return ASK_BACK;
            puts("   (there is no question to go back to)");
            continue;
        }
        if (!*a && answered(d, f))
            return ASK_DONE;
        if (!*a || strcmp(a, "-") == 0) {
            if (f->required) {
                puts("   this question needs an answer");
                continue;
            }
            clear_answer(d, f);
            return ASK_DONE;
        }
        char why[512];
        int ok = f->type == FT_CHECKBOX ? set_checkbox(d, f, a, why, sizeof why)
                                        : set_value(d, f, a, why, sizeof why);
        if (ok)
            return ASK_DONE;
        /* reasons may leave out their subject ("is 7, allowed 1-5") */
        printf("   not accepted: %s%s\n", strncmp(why, "is ", 3) == 0 ? "the answer " : "", why);
    }
}

/* ---- branching and the order of questions ------------------------------ */

/* Recomputes calc columns and clears every hidden question, until nothing
 * changes (clearing one answer may hide another question). */
static void apply_branching(run_dialog *d)
{
    const instrument *in = d->in;
    for (size_t pass = 0; pass <= in->nfields; pass++) {
        int changed = 0;
        instrument_compute(in, d->vals);
        for (size_t i = 0; i < in->nfields; i++) {
            const field *f = &in->fields[i];
            if (f->type == FT_CALC || shown(d, i))
                continue;
            d->visited[i] = 0;
            if (answered(d, f)) {
                clear_answer(d, f);
                changed = 1;
            }
        }
        if (!changed)
            break;
    }
}

/* The next shown question after field `after` not asked yet; descriptive
 * text passed on the way is printed once. */
static long next_question(run_dialog *d, long after)
{
    for (size_t i = (size_t)(after + 1); i < d->in->nfields; i++) {
        const field *f = &d->in->fields[i];
        if (f->type == FT_CALC || !shown(d, i))
            continue;
        if (f->type == FT_DESCRIPTIVE) {
            if (!d->visited[i]) {
                if (f->cols[DC_SECTION][0])
                    printf("\n-- %s --\n", f->cols[DC_SECTION]);
                printf("\n%s\n", f->label);
                d->visited[i] = 1;
            }
            continue;
        }
        if (!d->visited[i])
            return (long)i;
    }
    return -1;
}

enum { WALK_OK, WALK_EOF, WALK_INT };

/* Asks first (when >= 0) and then every shown question not asked yet, in
 * order; b goes back through the questions asked in this walk. */
static int walk(run_dialog *d, long first)
{
    size_t *asked = xmalloc((d->in->nfields + 1) * sizeof *asked);
    size_t nasked = 0;
    int rc = WALK_OK;
    long cur = first >= 0 ? first : next_question(d, -1);
    while (cur >= 0) {
        while (nasked && !shown(d, asked[nasked - 1]))
            nasked--;
        int r = ask(d, (size_t)cur, nasked > 0);
        if (r == ASK_EOF || r == ASK_INT) {
            rc = r == ASK_EOF ? WALK_EOF : WALK_INT;
            break;
        }
        if (r == ASK_BACK) {
            d->visited[cur] = 0;
            cur = (long)asked[--nasked];
            continue;
        }
        d->visited[cur] = 1;
        apply_branching(d);
        asked[nasked++] = (size_t)cur;
        cur = next_question(d, cur);
    }
    free(asked);
    return rc;
}

/* ---- review ------------------------------------------------------------ */

/* Lists the shown questions with their answers; returns how many. */
static size_t list_answers(const run_dialog *d)
{
    sbuf sb = SBUF_INIT;
    size_t n = 0;
    puts("\nYour answers:");
    for (size_t i = 0; i < d->in->nfields; i++) {
        const field *f = &d->in->fields[i];
        if (!run_is_question(f) || !shown(d, i))
            continue;
        sbuf_reset(&sb);
        run_answer_text(d->in, f, d->vals, &sb);
        printf("%3zu. %s\n      %s\n", ++n, f->label, sbuf_str(&sb));
    }
    sbuf_release(&sb);
    return n;
}

static long nth_question(const run_dialog *d, long k)
{
    for (size_t i = 0; i < d->in->nfields; i++)
        if (run_is_question(&d->in->fields[i]) && shown(d, i) && --k == 0)
            return (long)i;
    return -1;
}

static run_end review(run_dialog *d)
{
    for (;;) {
        size_t n = list_answers(d);
        if (n)
            printf("\nType y to save, or a number from 1 to %zu to change that answer.\n", n);
        else
            puts("\nType y to save.");
        for (;;) {
            int r = read_line(d);
            if (r != IN_LINE)
                return r == IN_EOF ? RUN_EOF : RUN_INTERRUPTED;
            const char *a = d->line;
            if (strcasecmp(a, "y") == 0 || strcasecmp(a, "yes") == 0)
                return RUN_SAVE;
            long k;
            if (parse_long(a, &k) && k >= 1 && (size_t)k <= n) {
                int w = walk(d, nth_question(d, k));
                if (w != WALK_OK)
                    return w == WALK_EOF ? RUN_EOF : RUN_INTERRUPTED;
                break;
            }
            if (strcmp(a, "?") == 0)
                fputs("   keys: y saves; a question's number changes its answer;\n"
                      "         Ctrl-D or Ctrl-C stops without saving anything\n", stdout);
            else if (n)
                printf("   type y to save, or a number from 1 to %zu\n", n);
            else
                puts("   type y to save");
        }
    }
}

run_end run_dialog_go(run_dialog *d)
{
    puts("Type your answer and press Enter; ? shows the keys.");
    apply_branching(d);
    int w = walk(d, -1);
    if (w != WALK_OK)
        return w == WALK_EOF ? RUN_EOF : RUN_INTERRUPTED;
    return review(d);
}
