/* opt.c: option tables: parsing, help lines, completion. */
#include "opt.h"

#include <string.h>

#include "say.h"

/* The spec arg names (NAME or NAME=VALUE), with the inline value. */
static const opt_spec *find(const opt_spec *specs, const char *arg, const char **inline_value)
{
    *inline_value = NULL;
    for (const opt_spec *s = specs; s->name; s++) {
        size_t n = strlen(s->name);
        if (strncmp(arg, s->name, n) != 0)
            continue;
        if (arg[n] == '\0')
            return s;
        if (arg[n] == '=') {
            *inline_value = arg + n + 1;
            return s;
        }
    }
    return NULL;
}

int opt_parse(const char *cmd, int argc, char **argv, int first, const opt_spec *specs,
              opt_args *args)
{
    int options = 1;
    if (args)
        args->n = 0;
    for (int i = first; i < argc; i++) {
        const char *a = argv[i], *v;
        if (options && strcmp(a, "--") == 0) {
            options = 0;
            continue;
        }
        if (options && a[0] == '-' && a[1]) {
            const opt_spec *s = find(specs, a, &v);
            if (!s)
                return say_usage(cmd, "unknown option '%s'", a);
            if (!s->metavar) {
                if (v)
                    return say_usage(cmd, "'%s' takes no value", s->name);
                *s->flag = 1;
                continue;
            }
            if (!v) {
                if (i + 1 >= argc)
                    return say_usage(cmd, "'%s' needs a value", s->name);
                v = argv[++i];
            }
            *s->value = v;
            continue;
        }
        if (args && args->stop) {
            args->v[0] = a;
            args->n = 1;
            args->next = i;
            return EXIT_OK;
        }
        if (args && args->max == 0 && args->noun)
            return say_usage(cmd, "'%s' takes no arguments ('%s')", args->noun, a);
        if (!args || args->max == 0)
            return say_usage(cmd, "unexpected argument '%s'", a);
        const char **into = args->into ? args->into : args->v;
        int room = args->into ? args->max : (args->max < 8 ? args->max : 8);
        if (args->n == room)
            return args->max == 1
                       ? say_usage(cmd, "one %s at a time ('%s' and '%s')", args->noun, into[0],
                                   a)
                       : say_usage(cmd, "too many arguments ('%s')", a);
        into[args->n++] = a;
    }
    return EXIT_OK;
}

/* Writes text from column at, wrapped at word boundaries before column 79,
 * each further line indented to at. */
static void wrapped(FILE *fp, const char *text, size_t at)
{
    size_t col = at;
    while (*text) {
        size_t word = strcspn(text, " ");
        if (col > at && col + 1 + word > 79) {
            fprintf(fp, "\n%*s", (int)at, "");
            col = at;
        } else if (col > at) {
            fputc(' ', fp);
            col++;
        }
        fwrite(text, 1, word, fp);
        col += word;
        text += word;
        while (*text == ' ')
            text++;
    }
    fputc('\n', fp);
}

/* A name column wider than this puts a long name on a line of its own. */
enum { NAME_COLUMN_MAX = 22 };

size_t opt_width(const opt_spec *specs)
{
    size_t wide = 0;
    for (const opt_spec *s = specs; s->name; s++) {
        size_t n = strlen(s->name) + (s->metavar ? strlen(s->metavar) + 1 : 0);
        if (s->help && n > wide && n <= NAME_COLUMN_MAX)
            wide = n;
    }
    return wide;
}

void opt_help_at(FILE *fp, const opt_spec *specs, size_t wide)
{
    for (const opt_spec *s = specs; s->name; s++) {
        char left[128];
        if (!s->help)
            continue;   /* an alias, or explained elsewhere */
        snprintf(left, sizeof left, "%s%s%s", s->name, s->metavar ? " " : "",
                 s->metavar ? s->metavar : "");
        if (strlen(left) > wide)
            fprintf(fp, "  %s\n%*s", left, (int)(2 + wide + 2), "");
        else
            fprintf(fp, "  %-*s  ", (int)wide, left);
        wrapped(fp, s->help, 2 + wide + 2);
    }
}

void opt_help(FILE *fp, const opt_spec *specs)
{
    opt_help_at(fp, specs, opt_width(specs));
}

int opt_complete(int argc, char **argv, int at, const opt_spec *specs)
{
    if (argc <= at || strcmp(argv[at], "--complete-options") != 0)
        return 0;
    for (const opt_spec *s = specs; s->name; s++)
        printf("%s%s%s\n", s->name, s->metavar ? " " : "", s->metavar ? s->metavar : "");
    return 1;
}
