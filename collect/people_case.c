/* people_case.c: codes that differ only in case.  The analyses take "C01"
 * and "c01" for two people, which is most likely a slip of the shift key;
 * the commands that create people say so when they make such a pair. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "people.h"

static int note_code(const char *code, const char *other, void *ctx)
{
    (void)other;
    int added;
    strmap_put(ctx, code, &added);
    return 0;
}

static at_status each_code(store *s, int therapists,
                           int (*fn)(const char *code, const char *other, void *ctx), void *ctx,
                           at_err *err)
{
    return therapists ? store_therapist_each(s, fn, ctx, err)
                      : store_client_each(s, fn, ctx, err);
}

void people_case_start(store *s, case_watch *w)
{
    at_err err;
    for (int k = 0; k < 2; k++)
        if (each_code(s, k, note_code, &w->before[k], &err) != AT_OK)
            w->failed = 1;
}

struct twins {
    case_watch *w;
    int kind;                /* 0 clients, 1 therapists */
    strmap lower;            /* code in lower case -> the first code so spelled */
    const char *cmd;
    size_t told, more;
};

static int check_code(const char *code, const char *other, void *ctx)
{
    (void)other;
    struct twins *t = ctx;
    char low[128];
    size_t n = strlen(code);
    if (n >= sizeof low)
        return 0;
    for (size_t i = 0; i <= n; i++)
        low[i] = (char)tolower((unsigned char)code[i]);
    int added;
    void **first = strmap_put(&t->lower, low, &added);
    if (added) {
        *first = xstrdup(code);
        return 0;
    }
    const char *twin = *first;
    int code_new = !strmap_get(&t->w->before[t->kind], code);
    int twin_new = !strmap_get(&t->w->before[t->kind], twin);
    if (!code_new && !twin_new)
        return 0;   /* a pair made before: said then */
    if (t->told == 10) {
        t->more++;
        return 0;
    }
    t->told++;
    const char *kind = t->kind ? "therapist" : "client";
    const char *sep = t->cmd ? ": " : "";
    const char *cmd = t->cmd ? t->cmd : "";
    if (code_new && twin_new)
        fprintf(stderr, "collect: warning: %s%sthe new %ss '%s' and '%s' differ only in case: "
                "they are two %ss\n", cmd, sep, kind, twin, code, kind);
    else
        fprintf(stderr, "collect: warning: %s%s%s '%s' differs from the existing %s '%s' "
                "only in case: they are two %ss\n", cmd, sep, kind, code_new ? code : twin,
                kind, code_new ? twin : code, kind);
    return 0;
}

void people_case_report(store *s, case_watch *w, const char *cmd)
{
    if (w->failed)
        return;
    for (int k = 0; k < 2; k++) {
        struct twins t = { w, k, STRMAP_INIT, cmd, 0, 0 };
        at_err err;
        each_code(s, k, check_code, &t, &err);
        if (t.more)
            fprintf(stderr, "collect: warning: %s%s... and %zu more %s codes that differ from "
                    "another only in case\n", cmd ? cmd : "", cmd ? ": " : "", t.more,
                    k ? "therapist" : "client");
        strmap_release(&t.lower, free);
    }
}

void people_case_release(case_watch *w)
{
    for (int k = 0; k < 2; k++)
        strmap_release(&w->before[k], NULL);
}
