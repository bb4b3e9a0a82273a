/* page.c: the HTML of the questionnaire's screens (serve.h).
 *
 * Plain forms that work without JavaScript, one question a screen: a
 * choice question is a fieldset whose legend is the question, each option
 * a radio button or checkbox with its own label; other questions a label
 * tied to its input.  The first button of a form is the one Enter presses,
 * so Next comes first in the markup (the stylesheet puts Back on the left).
 * Every text from a dictionary goes through html_escape; nothing names the
 * client, the therapist or the instrument's technical name. */
#include "serve.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"

#define CODE_MAX 40             /* the most the access-code field takes */

/* Escaped text with its line breaks kept. */
static void text_lines(sbuf *out, const char *s)
{
    sbuf tmp = SBUF_INIT;
    html_escape(&tmp, s);
    for (const char *p = sbuf_str(&tmp); *p; p++) {
        if (*p == '\n')
            sbuf_adds(out, "<br>");
        else if (*p != '\r')
            sbuf_addc(out, *p);
    }
    sbuf_release(&tmp);
}

/* A message for the respondent as a sentence: a capital first letter and a
 * full stop (the flow's reasons are written to follow other words). */
static void error_line(sbuf *out, const char *why)
{
    size_t n = strlen(why);
    sbuf_adds(out, "<p class=\"error\" id=\"error\" role=\"alert\">");
    if (n && why[0] >= 'a' && why[0] <= 'z') {
        sbuf_addc(out, (char)(why[0] - 'a' + 'A'));
        why++, n--;
    }
    html_escape(out, why);
    if (n && why[n - 1] != '.' && why[n - 1] != '?' && why[n - 1] != '!')
        sbuf_addc(out, '.');
    sbuf_adds(out, "</p>\n");
}

static void head(sbuf *out, const char *title)
{
    sbuf_adds(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
              "<meta name=\"referrer\" content=\"no-referrer\">\n<title>");
    html_escape(out, title);
    sbuf_adds(out, "</title>\n<link rel=\"stylesheet\" href=\"/style.css\">\n</head>\n"
              "<body>\n<main>\n");
}

static void foot(sbuf *out)
{
    sbuf_adds(out, "</main>\n</body>\n</html>\n");
}

/* The review's stamp: "r" and the start of a digest of the answers it
 * lists, so that a review left open in another tab, whose answers have been
 * changed since in this one, neither saves answers it did not show nor
 * changes a question by a number that now names another. */
static void review_stamp(const flow *fl, char buf[24])
{
    const dict_instrument *in = flow_instrument(fl);
    const char *const *v = flow_values(fl);
    sbuf all = SBUF_INIT;
    char hex[65];
    for (size_t c = 0; c < in->ncols; c++) {
        /* a blank apart from any value: each value is led by its length */
        if (v[c])
            sbuf_addf(&all, "%zu:%s", strlen(v[c]), v[c]);
        else
            sbuf_adds(&all, "-");
    }
    store_sha256(all.len ? all.buf : "", all.len, hex);
    sbuf_release(&all);
    snprintf(buf, 24, "r%.16s", hex);
}

void page_stamp(const flow *fl, char buf[24])
{
    switch (flow_where(fl)) {
    case FLOW_QUESTION:
        snprintf(buf, 24, "q%zu", flow_field(fl));
        break;
    case FLOW_REVIEW:
        review_stamp(fl, buf);
        break;
    default:
        snprintf(buf, 24, "d");
        break;
    }
}

int page_stamp_fits(const flow *fl, const char *at)
{
    char stamp[24];
    if (!at)
        return flow_where(fl) != FLOW_REVIEW;
    page_stamp(fl, stamp);
    return strcmp(at, stamp) == 0;
}

static void form_open(sbuf *out, const flow *fl, const page_form *pf)
{
    char stamp[24];
    page_stamp(fl, stamp);
    sbuf_adds(out, "<form method=\"post\" action=\"");
    html_escape(out, pf->action);
    sbuf_adds(out, "\" novalidate>\n<input type=\"hidden\" name=\"" FORM_STAMP "\" value=\"");
    sbuf_adds(out, stamp);
    sbuf_adds(out, "\">\n");
    if (pf->code) {
        sbuf_adds(out, "<input type=\"hidden\" name=\"" FORM_CODE "\" value=\"");
        html_escape(out, pf->code);
        sbuf_adds(out, "\">\n");
    }
}

/* The id of field f's input, or of option k of it: the field name is a
 * REDCap name (letters, digits, underscores), the code may be anything, so
 * options go by their index. */
static void input_id(sbuf *out, const dict_field *f, long k)
{
    sbuf_adds(out, "f-");
    html_escape(out, f->name);
    if (k >= 0)
        sbuf_addf(out, "-%ld", k);
}

static int checked(const dict_field *f, const char *const *vals, size_t k)
{
    if (f->type == FT_CHECKBOX) {
        const char *v = vals[f->col + k];
        return v && strcmp(v, "1") == 0;
    }
    const char *v = vals[f->col];
    return v && strcmp(v, f->choices[k].code) == 0;
}

/* invalid: the answer was refused (error tells why): each input says so */
static void choices(sbuf *out, const dict_instrument *in, const dict_field *f, const char *const *vals,
                    const char *described, int invalid)
{
    int box = f->type == FT_CHECKBOX;
    sbuf_addf(out, "<fieldset%s%s%s>\n<legend><h1>", described ? " aria-describedby=\"" : "",
              described ? described : "", described ? "\"" : "");
    text_lines(out, f->label);
    sbuf_adds(out, "</h1></legend>\n");
    /* said unless the question says it already ("tick all that apply") */
    if (box && !strstr(f->label, "all that") && !strstr(f->label, "All that"))
        sbuf_adds(out, "<p class=\"hint\" id=\"hint\">You can choose more than one.</p>\n");
    sbuf_adds(out, "<div class=\"choices\">\n");
    for (size_t k = 0; k < f->nchoices; k++) {
        sbuf_adds(out, "<div class=\"choice\"><input type=\"");
        sbuf_adds(out, box ? "checkbox" : "radio");
        sbuf_adds(out, "\" id=\"");
        input_id(out, f, (long)k);
        sbuf_adds(out, "\" name=\"");
        /* a checkbox option is its own column, name___code */
        html_escape(out, box ? in->cols[f->col + k].name : f->name);
        sbuf_adds(out, "\" value=\"");
        html_escape(out, box ? "1" : f->choices[k].code);
        sbuf_addc(out, '"');
        if (invalid)
            sbuf_adds(out, " aria-invalid=\"true\"");
        if (checked(f, vals, k))
            sbuf_adds(out, " checked");
        sbuf_adds(out, "><label for=\"");
        input_id(out, f, (long)k);
        sbuf_adds(out, "\">");
        text_lines(out, f->choices[k].label);
        sbuf_adds(out, "</label></div>\n");
    }
    sbuf_adds(out, "</div>\n</fieldset>\n");
}

/* What a text answer is to look like, for the hint under it. */
static const char *text_kind(const dict_field *f)
{
    switch (f->valid) {
    case FV_INTEGER: return "a whole number";
    case FV_NUMBER: case FV_NUMBER_1DP: case FV_NUMBER_2DP: case FV_NUMBER_3DP:
    case FV_NUMBER_4DP: case FV_NUMBER_COMMA: case FV_NUMBER_1DP_COMMA:
    case FV_NUMBER_2DP_COMMA: case FV_NUMBER_3DP_COMMA: case FV_NUMBER_4DP_COMMA:
        return "a number";
    case FV_DATE_YMD: case FV_DATE_MDY: case FV_DATE_DMY: return "a date";
    case FV_DATETIME_YMD: case FV_DATETIME_MDY: case FV_DATETIME_DMY:
        return "a date and time, as 2026-03-09 14:30";
    case FV_DATETIME_SECONDS_YMD: case FV_DATETIME_SECONDS_MDY: case FV_DATETIME_SECONDS_DMY:
        return "a date and time, as 2026-03-09 14:30:00";
    case FV_TIME: return "a time, as 14:30";
    case FV_TIME_MM_SS: return "minutes and seconds, as 05:30";
    case FV_EMAIL: return "an email address";
    case FV_PHONE: return "a phone number";
    default: return NULL;
    }
}

static void bound(sbuf *out, const dict_field *f, int is_min)
{
    /* the bound as the dictionary wrote it */
    html_escape(out, f->cols[is_min ? DC_MIN : DC_MAX]);
}

/* After a number's range: how many decimals it takes, and after a point or
 * a comma, as its check wants them ("" when any number will do). */
static const char *decimals(const dict_field *f)
{
    switch (f->valid) {
    case FV_NUMBER_1DP: return ", with 1 decimal, as 2.5";
    case FV_NUMBER_2DP: return ", with 2 decimals, as 2.50";
    case FV_NUMBER_3DP: return ", with 3 decimals, as 2.500";
    case FV_NUMBER_4DP: return ", with 4 decimals, as 2.5000";
    case FV_NUMBER_COMMA: return ", with a comma before any decimals, as 2,5";
    case FV_NUMBER_1DP_COMMA: return ", with 1 decimal after a comma, as 2,5";
    case FV_NUMBER_2DP_COMMA: return ", with 2 decimals after a comma, as 2,50";
    case FV_NUMBER_3DP_COMMA: return ", with 3 decimals after a comma, as 2,500";
    case FV_NUMBER_4DP_COMMA: return ", with 4 decimals after a comma, as 2,5000";
    default: return "";
    }
}

/* The hint under a text or slider input: its kind and range. */
static int hint(sbuf *out, const dict_field *f)
{
    const char *kind = f->type == FT_SLIDER ? "a number" : text_kind(f);
    /* a field note says what to type in the dictionary's own words */
    if (f->note[0] && f->type != FT_SLIDER)
        kind = NULL;
    int lo = f->has_min && f->cols[DC_MIN][0], hi = f->has_max && f->cols[DC_MAX][0];
    if (f->type == FT_SLIDER) {
        lo = hi = 1;
    }
    if (!kind && !lo && !hi)
        return 0;
    sbuf_adds(out, "<p class=\"hint\" id=\"hint\">");
    if (f->type == FT_SLIDER) {
        double lo_v = f->has_min ? f->min : 0, hi_v = f->has_max ? f->max : 100;
        char a[32], b[32], m[32];
        fmt_num(lo_v, a);
        fmt_num(hi_v, b);
        fmt_num((lo_v + hi_v) / 2, m);
        sbuf_addf(out, "A number from %s to %s", a, b);
        /* the labels "left | middle | right" (or "left | right") at their ends */
        char *labels = html_to_text(f->cols[DC_CHOICES]);   /* a slider's, as text */
        char *part[3] = { NULL, NULL, NULL };
        size_t np = 0;
        for (char *p = labels, *bar; p && np < 3; p = bar ? bar + 1 : NULL) {
            bar = strchr(p, '|');
            if (bar)
                *bar = '\0';
            while (*p == ' ')
                p++;
            size_t len = strlen(p);
            while (len && p[len - 1] == ' ')
                p[--len] = '\0';
            part[np++] = p;
        }
        const char *at[3] = { a, np == 3 ? m : b, b };
        for (size_t k = 0; k < np && labels[0]; k++) {
            if (!part[k][0])
                continue;
            sbuf_adds(out, k ? "; " : ": ");
            sbuf_addf(out, "%s is ", k == np - 1 ? b : at[k]);
            html_escape(out, part[k]);
        }
        free(labels);
        sbuf_adds(out, ".</p>\n");
        return 1;
    }
    if (kind) {
        char first[64];
        snprintf(first, sizeof first, "%s", kind);
        first[0] = (char)(first[0] - 'a' + 'A');
        sbuf_adds(out, first);
    } else {
        sbuf_adds(out, "An answer");
    }
    if (lo && hi) {
        sbuf_adds(out, " from ");
        bound(out, f, 1);
        sbuf_adds(out, " to ");
        bound(out, f, 0);
    } else if (lo) {
        sbuf_adds(out, ", at least ");
        bound(out, f, 1);
    } else if (hi) {
        sbuf_adds(out, ", at most ");
        bound(out, f, 0);
    }
    if (kind && f->type != FT_SLIDER)
        sbuf_adds(out, decimals(f));
    sbuf_adds(out, ".</p>\n");
    return 1;
}

/* The attributes a screen reader reads beside an input's label: what
 * describes it (ids, or NULL) and whether its answer was refused. */
static void aria_attrs(sbuf *out, const char *described, int invalid)
{
    if (described)
        sbuf_addf(out, " aria-describedby=\"%s\"", described);
    if (invalid)
        sbuf_adds(out, " aria-invalid=\"true\"");
}

static void single(sbuf *out, const dict_field *f, const char *value, const char *described,
                   int invalid)
{
    sbuf_adds(out, "<h1><label for=\"");
    input_id(out, f, -1);
    sbuf_adds(out, "\">");
    text_lines(out, f->label);
    sbuf_adds(out, "</label></h1>\n");
    sbuf desc = SBUF_INIT;
    int has_hint = hint(out, f);
    if (described)
        sbuf_adds(&desc, described);
    if (has_hint)
        sbuf_adds(&desc, desc.len ? " hint" : "hint");
    const char *aria = desc.len ? desc.buf : NULL;
    if (f->type == FT_NOTES) {
        sbuf_adds(out, "<textarea rows=\"5\" id=\"");
        input_id(out, f, -1);
        sbuf_adds(out, "\" name=\"");
        html_escape(out, f->name);
        sbuf_addc(out, '"');
        aria_attrs(out, aria, invalid);
        sbuf_adds(out, ">");
        html_escape(out, value);
        sbuf_adds(out, "</textarea>\n");
    } else if (f->type == FT_DROPDOWN) {
        sbuf_adds(out, "<select id=\"");
        input_id(out, f, -1);
        sbuf_adds(out, "\" name=\"");
        html_escape(out, f->name);
        sbuf_addc(out, '"');
        aria_attrs(out, aria, invalid);
        sbuf_adds(out, ">\n<option value=\"\">Choose one</option>\n");
        for (size_t k = 0; k < f->nchoices; k++) {
            sbuf_adds(out, "<option value=\"");
            html_escape(out, f->choices[k].code);
            sbuf_addc(out, '"');
            if (value && strcmp(value, f->choices[k].code) == 0)
                sbuf_adds(out, " selected");
            sbuf_adds(out, ">");
            html_escape(out, f->choices[k].label);
            sbuf_adds(out, "</option>\n");
        }
        sbuf_adds(out, "</select>\n");
    } else {
        const char *type = "text", *mode = NULL;
        if (f->type == FT_SLIDER || f->valid == FV_INTEGER)
            mode = "numeric";
        else if (f->valid == FV_NUMBER || f->valid == FV_NUMBER_1DP ||
                 f->valid == FV_NUMBER_2DP || f->valid == FV_NUMBER_3DP ||
                 f->valid == FV_NUMBER_4DP)
            mode = "decimal";   /* (a decimal comma keeps the whole keyboard: a phone's
                                   number pad may offer only its own locale's mark) */
        else if (f->valid == FV_DATE_YMD || f->valid == FV_DATE_MDY || f->valid == FV_DATE_DMY)
            type = "date";
        else if (f->valid == FV_EMAIL)
            type = "email";
        else if (f->valid == FV_PHONE)
            type = "tel";
        sbuf_addf(out, "<input type=\"%s\" id=\"", type);
        input_id(out, f, -1);
        sbuf_adds(out, "\" name=\"");
        html_escape(out, f->name);
        sbuf_adds(out, "\" value=\"");
        html_escape(out, value);
        sbuf_addc(out, '"');
        if (mode)
            sbuf_addf(out, " inputmode=\"%s\"", mode);
        aria_attrs(out, aria, invalid);
        sbuf_adds(out, " autocomplete=\"off\">\n");
    }
    sbuf_release(&desc);
}

static void button(sbuf *out, const char *value, const char *cls, const char *text)
{
    sbuf_addf(out, "<button type=\"submit\" name=\"" FORM_ACTION "\" value=\"%s\"%s%s%s>%s</button>\n",
              value, cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "", text);
}

/* The section header a field opens, a descriptive text's as a question's. */
static void section(sbuf *out, const dict_field *f)
{
    if (!f->section[0])
        return;
    sbuf_adds(out, "<p class=\"section\">");
    text_lines(out, f->section);
    sbuf_adds(out, "</p>\n");
}

void page_question(sbuf *out, const flow *fl, const page_form *pf)
{
    const dict_instrument *in = flow_instrument(fl);
    const dict_field *f = &in->fields[flow_field(fl)];
    const char *const *vals = flow_values(fl);
    size_t k = 0, n = 0;
    int exact = 1;
    flow_position(fl, &k, &n, &exact);
    char pos[64], title[96];
    flow_position_text(fl, pos, sizeof pos, &n);
    snprintf(title, sizeof title, "%s%s", pf->error ? "Please check: " : "", pos);
    head(out, title);
    form_open(out, fl, pf);
    sbuf_addf(out, "<p class=\"progress\"><progress max=\"%zu\" value=\"%zu\" aria-hidden=\"true\">"
              "</progress>%s</p>\n", n ? n : 1, k ? k - 1 : 0, pos);
    size_t idx[64];
    size_t nt = flow_texts(fl, idx, sizeof idx / sizeof idx[0]);
    for (size_t i = 0; i < nt && i < sizeof idx / sizeof idx[0]; i++) {
        section(out, &in->fields[idx[i]]);
        sbuf_adds(out, "<p class=\"text\">");
        text_lines(out, in->fields[idx[i]].label);
        sbuf_adds(out, "</p>\n");
    }
    section(out, f);
    sbuf_adds(out, "<div class=\"question\">\n");
    if (pf->error)
        error_line(out, pf->error);
    sbuf desc = SBUF_INIT;
    if (pf->error)
        sbuf_adds(&desc, "error");
    if (f->note[0])
        sbuf_adds(&desc, desc.len ? " note" : "note");
    /* said unless the question says it already */
    int optional = !f->required && f->type != FT_NOTES && !strstr(f->label, "(optional)") &&
                   !strstr(f->note, "(optional)");
    if (optional)
        sbuf_adds(&desc, desc.len ? " optional" : "optional");
    int choice = f->type == FT_RADIO || f->type == FT_YESNO || f->type == FT_TRUEFALSE ||
                 f->type == FT_CHECKBOX;
    if (choice) {
        if (f->type == FT_CHECKBOX && !strstr(f->label, "all that") &&
            !strstr(f->label, "All that"))
            sbuf_adds(&desc, desc.len ? " hint" : "hint");
        choices(out, in, f, vals, desc.len ? desc.buf : NULL, pf->refused);
    } else {
        single(out, f, pf->typed ? pf->typed : vals[f->col], desc.len ? desc.buf : NULL,
               pf->refused);
    }
    if (f->note[0]) {
        sbuf_adds(out, "<p class=\"note\" id=\"note\">");
        text_lines(out, f->note);
        sbuf_adds(out, "</p>\n");
    }
    if (optional)
        sbuf_adds(out, flow_answered(fl, flow_field(fl))
                           ? "<p class=\"optional\" id=\"optional\">You may leave this one out: "
                             "Clear and skip takes your answer away.</p>\n"
                           : "<p class=\"optional\" id=\"optional\">You may leave this one out.</p>\n");
    sbuf_release(&desc);
    sbuf_adds(out, "</div>\n<div class=\"actions\">\n");
    button(out, "next", "primary", "Next");
    /* Back is offered from the second question on, and when changing an
     * answer from the review (it leads back there) */
    if (flow_can_back(fl))
        button(out, "back", "back", "Back");
    /* Skip leaves the question without an answer: one given before (the
     * question opened again by Back or Change) goes, and the button says
     * so, for it is the only way to take back a choice of a radio button
     * without a script; Next keeps it */
    if (!f->required)
        button(out, "skip", "skip", flow_answered(fl, flow_field(fl)) ? "Clear and skip" : "Skip");
    sbuf_adds(out, "</div>\n</form>\n");
    foot(out);
}

/* An answer as the respondent gave it: the wording of the options chosen
 * (no codes), else the value. */
static void answer_words(const dict_field *f, const char *const *vals, sbuf *out)
{
    if (f->nchoices && f->type != FT_SLIDER) {
        for (size_t k = 0; k < f->nchoices; k++)
            if (checked(f, vals, k)) {
                if (out->len)
                    sbuf_adds(out, "\n");
                sbuf_adds(out, f->choices[k].label);
            }
        return;
    }
    sbuf_adds(out, vals[f->col] ? vals[f->col] : "");
}

void page_review(sbuf *out, const flow *fl, const page_form *pf)
{
    const dict_instrument *in = flow_instrument(fl);
    const char *const *vals = flow_values(fl);
    size_t n = flow_review_list(fl, NULL, 0);
    size_t *idx = xcalloc(n ? n : 1, sizeof *idx);
    flow_review_list(fl, idx, n);
    head(out, "Your answers");
    form_open(out, fl, pf);
    sbuf_adds(out, "<h1>Your answers</h1>\n");
    if (pf->error)
        error_line(out, pf->error);
    sbuf_adds(out, "<p>Please look over your answers. You can change any of them now; once "
              "they are saved they cannot be changed here.</p>\n<ol class=\"review\">\n");
    sbuf ans = SBUF_INIT;
    for (size_t i = 0; i < n; i++) {
        const dict_field *f = &in->fields[idx[i]];
        sbuf_reset(&ans);
        if (flow_answered(fl, idx[i]))
            answer_words(f, vals, &ans);
        sbuf_addf(out, "<li><p class=\"q\" id=\"q-%zu\">", i + 1);
        text_lines(out, f->label);
        sbuf_addf(out, "</p>\n<p class=\"a\" id=\"a-%zu\">", i + 1);
        if (ans.len)
            text_lines(out, ans.buf);
        else
            sbuf_adds(out, "<span class=\"none\">No answer</span>");
        /* a screen reader reads the question and the answer with the button */
        sbuf_addf(out, "</p>\n<button type=\"submit\" name=\"" FORM_ACTION "\" value=\"change-%zu\" "
                  "class=\"change\" aria-describedby=\"q-%zu a-%zu\">Change<span class=\"vh\"> "
                  "answer %zu</span></button></li>\n", i + 1, i + 1, i + 1, i + 1);
    }
    sbuf_release(&ans);
    free(idx);
    sbuf_adds(out, "</ol>\n<div class=\"actions\">\n");
    button(out, "save", "primary", "Save my answers");
    sbuf_adds(out, "</div>\n</form>\n");
    foot(out);
}

void page_thanks(sbuf *out, const flow *fl)
{
    const dict_instrument *in = flow_instrument(fl);
    size_t idx[32];
    size_t n = flow_closing(fl, idx, sizeof idx / sizeof idx[0]);
    head(out, "All done");
    sbuf_adds(out, "<h1>All done</h1>\n");
    if (!n) {
        sbuf_adds(out, "<p>");
        html_escape(out, flow_closing_default(fl));
        sbuf_adds(out, "</p>\n");
    }
    for (size_t i = 0; i < n && i < sizeof idx / sizeof idx[0]; i++) {
        sbuf_adds(out, "<p>");
        text_lines(out, in->fields[idx[i]].label);
        sbuf_adds(out, "</p>\n");
    }
    sbuf_adds(out, "<p class=\"small\">You can close this page now.</p>\n");
    foot(out);
}

void page_closed(sbuf *out, int by_code)
{
    if (!by_code) {
        page_note(out, "This link is not open",
                  "There is no questionnaire to answer here. The link may be mistyped, or no "
                  "longer open. If you expected one, please ask the person who gave you the "
                  "link for a new one.");
        return;
    }
    head(out, "This code is not open");
    sbuf_adds(out, "<h1>This code is not open</h1>\n<p>The questionnaire of this access code "
              "is no longer open (it has expired or been closed). If you expected one, please "
              "ask the person who gave you the code for a new one.</p>\n"
              "<p><a href=\"/code\">Type another code</a></p>\n");
    foot(out);
}

void page_code(sbuf *out, const char *error, const char *typed, const serve_field *keep,
               size_t n)
{
    const char *action = "open";
    head(out, error ? "Please check: access code" : "Access code");
    sbuf_adds(out, "<form method=\"post\" action=\"/code\" novalidate>\n"
              "<h1><label for=\"code\">Your access code</label></h1>\n"
              "<p class=\"hint\" id=\"hint\">The ten letters and digits you were given, "
              "written like K7QM4-XRP2D. Small or capital letters both work.</p>\n");
    if (error)
        error_line(out, error);
    sbuf_addf(out, "<input type=\"text\" id=\"code\" name=\"" FORM_CODE "\" autocomplete=\"off\" "
              "autocapitalize=\"characters\" spellcheck=\"false\" maxlength=\"%d\" "
              "aria-describedby=\"hint%s\"", CODE_MAX, error ? " error" : "");
    /* what was typed, to correct rather than type again (no more than the
     * field holds) */
    if (typed && strlen(typed) <= CODE_MAX) {
        sbuf_adds(out, " value=\"");
        html_escape(out, typed);
        sbuf_addc(out, '"');
    }
    sbuf_adds(out, ">\n");
    /* the move's own fields, as they came; its button is this form's */
    for (size_t i = 0; keep && i < n; i++) {
        if (strcmp(keep[i].name, FORM_ACTION) == 0) {
            if (strcmp(action, "open") == 0 && keep[i].value[0] && strspn(keep[i].value,
                    "abcdefghijklmnopqrstuvwxyz0123456789-") == strlen(keep[i].value))
                action = keep[i].value;
            continue;
        }
        if (strcmp(keep[i].name, FORM_CODE) == 0)
            continue;
        sbuf_adds(out, "<input type=\"hidden\" name=\"");
        html_escape(out, keep[i].name);
        sbuf_adds(out, "\" value=\"");
        html_escape(out, keep[i].value);
        sbuf_adds(out, "\">\n");
    }
    sbuf_adds(out, "<div class=\"actions start\">\n");
    button(out, action, "primary", "Open the questionnaire");
    sbuf_adds(out, "</div>\n</form>\n");
    foot(out);
}

void page_note(sbuf *out, const char *title, const char *text)
{
    head(out, title);
    sbuf_adds(out, "<h1>");
    html_escape(out, title);
    sbuf_adds(out, "</h1>\n<p>");
    html_escape(out, text);
    sbuf_adds(out, "</p>\n");
    foot(out);
}

void page_wait(sbuf *out, const serve_field *fields, size_t n)
{
    static const char title[] = "Please wait a minute";
    head(out, title);
    sbuf_adds(out, "<h1>");
    html_escape(out, title);
    sbuf_adds(out, "</h1>\n<p>Too many links or codes that do not fit were tried from here");
    if (!fields) {
        sbuf_adds(out, ". Please wait a minute, then try again.</p>\n");
        foot(out);
        return;
    }
    sbuf_adds(out, ", so nothing can be sent from here for a minute.</p>\n");
    /* the fields as they came, each escaped: sent again as they were, the
     * move they carry is made then (its screen's stamp included) */
    sbuf_adds(out, "<form method=\"post\" action=\"/code\" novalidate>\n");
    for (size_t i = 0; i < n; i++) {
        sbuf_adds(out, "<input type=\"hidden\" name=\"");
        html_escape(out, fields[i].name);
        sbuf_adds(out, "\" value=\"");
        html_escape(out, fields[i].value);
        sbuf_adds(out, "\">\n");
    }
    sbuf_adds(out, "<p class=\"again\">Your answer is not lost: it is kept on this page. In a "
              "minute, press Send again.</p>\n<div class=\"actions start\">\n"
              "<button type=\"submit\" class=\"primary\">Send again</button>\n</div>\n"
              "</form>\n");
    foot(out);
}
