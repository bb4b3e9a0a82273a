/* Every expression the parser accepts can be bound, evaluated and freed on
 * a 256 KB stack.  For each way an expression grows deep (chains of each
 * operator, parentheses, unary minus, not, ^, nested calls), the longest
 * one that still parses is built and then parsed, bound, evaluated and
 * freed on a thread whose stack is 256 KB; an overflow crashes the test
 * (under AddressSanitizer it reports a stack overflow).  The value is
 * checked too, and each shape must reach a useful length, so that a
 * parser refusing everything cannot pass. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"

enum { STACK = 256 * 1024, LONGEST = 2000 };

/* An expression of n levels: head repeated n times, then core, then tail
 * repeated n times. */
static char *build(const char *head, const char *core, const char *tail, int n)
{
    sbuf sb = SBUF_INIT;
    for (int i = 0; i < n; i++)
        sbuf_adds(&sb, head);
    sbuf_adds(&sb, core);
    for (int i = 0; i < n; i++)
        sbuf_adds(&sb, tail);
    return sbuf_detach(&sb);
}

static long resolve(const char *field, const char *code, void *ctx)
{
    (void)ctx;
    return strcmp(field, "x") == 0 && !code ? 0 : -1;
}

typedef struct job {
    const char *src;
    at_status st;
    char value[64];
} job;

static void *parse_and_eval(void *arg)
{
    job *j = arg;
    const char *vals[] = { "1" };
    expr *e = NULL;
    at_err err;
    j->st = expr_parse(j->src, &e, NULL, &err);
    if (j->st == AT_OK)
        j->st = expr_bind(e, resolve, NULL, &err);
    if (j->st == AT_OK)
        xval_format(expr_eval(e, vals), j->value);
    expr_free(e);
    return NULL;
}

/* Runs parse_and_eval on a thread with a STACK-byte stack. */
static void on_small_stack(job *j)
{
    pthread_attr_t at;
    pthread_t t;
    assert_int_equal(pthread_attr_init(&at), 0);
    assert_int_equal(pthread_attr_setstacksize(&at, STACK), 0);
    assert_int_equal(pthread_create(&t, &at, parse_and_eval, j), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    pthread_attr_destroy(&at);
}

/* The largest n for which the shape parses (on the main stack). */
static int longest(const char *head, const char *core, const char *tail)
{
    int lo = 0, hi = LONGEST;           /* lo parses; find the last n that does */
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        char *src = build(head, core, tail, mid);
        expr *e = NULL;
        at_err err;
        if (expr_parse(src, &e, NULL, &err) == AT_OK)
            lo = mid;
        else
            hi = mid - 1;
        expr_free(e);
        free(src);
    }
    return lo;
}

static void test_deepest_on_small_stack(void **state)
{
    (void)state;
    static const struct {
        const char *head, *core, *tail, *value;
    } shapes[] = {
        { "", "[x]", " - 1", NULL },          /* value depends on n: checked below */
        { "", "[x]", " + [x]", NULL },
        { "", "[x]", " * 1", "1" },
        { "", "[x]", " / 1", "1" },
        { "", "[x]", " = 1", NULL },
        { "", "[x]", " < 2", "1" },
        { "", "[x]", " and 1", "1" },
        { "", "[x]", " or 0", "1" },
        { "", "[x]", "^1", "1" },
        { "(", "[x]", ")", "1" },
        { "-", "[x]", "", NULL },
        { "not ", "[x]", "", NULL },
        { "abs(", "[x]", ")", "1" },
        { "sqrt(", "[x]", ")", "1" },
        { "sum(", "[x]", ", 0)", "1" },
        { "round(", "[x]", ", 2)", "1" },
        { "if([x] = 1, ", "[x]", ", 0)", "1" },
        { "max(0, ", "[x]", ")", "1" },
        { "(1 + ", "[x]", " - 1)", "1" },
        { "(0 + (", "[x]", "))*1", "1" },
    };
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        int n = longest(shapes[i].head, shapes[i].core, shapes[i].tail);
        if (n < 20)
            fail_msg("'%s%s%s': only %d levels parse", shapes[i].head, shapes[i].core,
                     shapes[i].tail, n);
        char *src = build(shapes[i].head, shapes[i].core, shapes[i].tail, n);
        job j = { .src = src, .st = AT_EINVAL };
        on_small_stack(&j);
        if (j.st != AT_OK)
            fail_msg("'%s%s%s' at %d levels: parsed on the main stack, not on 256 KB",
                     shapes[i].head, shapes[i].core, shapes[i].tail, n);
        char want[64];
        const char *w = shapes[i].value;
        if (!w) {
            if (strcmp(shapes[i].tail, " - 1") == 0)
                snprintf(want, sizeof want, "%d", 1 - n);
            else if (strcmp(shapes[i].tail, " + [x]") == 0)
                snprintf(want, sizeof want, "%d", 1 + n);
            else if (strcmp(shapes[i].tail, " = 1") == 0)
                snprintf(want, sizeof want, "1");          /* 1 = 1 = 1 ... stays 1 */
            else if (strcmp(shapes[i].head, "-") == 0)
                snprintf(want, sizeof want, "%d", n % 2 ? -1 : 1);
            else
                snprintf(want, sizeof want, "%d", n % 2 ? 0 : 1);   /* not not ... 1 */
            w = want;
        }
        if (strcmp(j.value, w) != 0)
            fail_msg("'%s%s%s' at %d levels is %s, want %s", shapes[i].head, shapes[i].core,
                     shapes[i].tail, n, j.value, w);
        free(src);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deepest_on_small_stack),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
