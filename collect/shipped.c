/* shipped.c: the shipped instruments' folders, and finding one by name. */
#define _XOPEN_SOURCE 700   /* realpath */
#include "shipped.h"
#include "dict.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int is_dir(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static int is_file(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* The folder of the running program (resolved), or "" when unknown. */
static void exe_dir(char *buf, size_t size)
{
    ssize_t n = readlink("/proc/self/exe", buf, size - 1);
    if (n <= 0) {
        buf[0] = '\0';
        return;
    }
    buf[n] = '\0';
    char *slash = strrchr(buf, '/');
    if (slash)
        *slash = '\0';
}

static void add_dir(at_msgs *dirs, const char *dir)
{
    char real[PATH_MAX];
    if (!*dir || !is_dir(dir) || !realpath(dir, real))
        return;
    for (size_t i = 0; i < dirs->n; i++)
        if (strcmp(dirs->items[i], real) == 0)
            return;
    msgs_addf(dirs, "%s", real);
}

void shipped_dirs(at_msgs *dirs)
{
    const char *env = getenv("ATTUNE_INSTRUMENTS");
    if (env && *env) {
        char *copy = xstrdup(env), *save = NULL;
        for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save))
            add_dir(dirs, d);
        free(copy);
    }
    char exe[PATH_MAX], path[PATH_MAX + 64];
    exe_dir(exe, sizeof exe);
    if (!exe[0])
        return;
    snprintf(path, sizeof path, "%s/%s", exe, ATTUNE_BIN_TO_INSTRUMENTS);
    add_dir(dirs, path);
    /* a collect still in the folder it was built in: the source tree's */
    char build[PATH_MAX];
    size_t n = realpath(ATTUNE_BUILD_DIR, build) ? strlen(build) : 0;
    if (n && strncmp(exe, build, n) == 0 && (exe[n] == '/' || exe[n] == '\0'))
        add_dir(dirs, ATTUNE_SOURCE_INSTRUMENTS);
}

/* A shipped instrument's name: letters, digits and '_' (a REDCap form name). */
static int name_ok(const char *name, size_t n)
{
    if (!n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

/* The first shipped folder's NAME.csv (name: n bytes) into *path. */
static int in_dirs(const char *name, size_t n, char **path)
{
    at_msgs dirs = AT_MSGS_INIT;
    sbuf p = SBUF_INIT;
    shipped_dirs(&dirs);
    for (size_t i = 0; i < dirs.n && !*path; i++) {
        sbuf_reset(&p);
        sbuf_addf(&p, "%s/%.*s.csv", dirs.items[i], (int)n, name);
        if (is_file(sbuf_str(&p)))
            *path = sbuf_detach(&p);
    }
    sbuf_release(&p);
    msgs_release(&dirs);
    return *path != NULL;
}

int shipped_find(const char *arg, char **path)
{
    *path = NULL;
    size_t n = strlen(arg);
    if (n > 4 && strcmp(arg + n - 4, ".csv") == 0)
        n -= 4;
    if (strchr(arg, '/') || !name_ok(arg, n) || access(arg, F_OK) == 0)
        return 0;
    /* NAME.csv in the current folder wins over a shipped NAME */
    sbuf p = SBUF_INIT;
    sbuf_addf(&p, "%.*s.csv", (int)n, arg);
    if (n == strlen(arg) && is_file(sbuf_str(&p))) {
        *path = sbuf_detach(&p);
        return 1;
    }
    sbuf_release(&p);
    return in_dirs(arg, n, path);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void shipped_each(void (*fn)(const char *name, const char *path, void *ctx), void *ctx)
{
    at_msgs dirs = AT_MSGS_INIT, names = AT_MSGS_INIT;
    shipped_dirs(&dirs);
    for (size_t i = 0; i < dirs.n; i++) {
        DIR *d = opendir(dirs.items[i]);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            size_t n = strlen(e->d_name);
            if (n > 4 && strcmp(e->d_name + n - 4, ".csv") == 0 && name_ok(e->d_name, n - 4))
                msgs_addf(&names, "%.*s", (int)(n - 4), e->d_name);
        }
        if (d)
            closedir(d);
    }
    qsort(names.items, names.n, sizeof *names.items, by_name);
    for (size_t i = 0; i < names.n; i++) {
        if (i && strcmp(names.items[i], names.items[i - 1]) == 0)
            continue;
        char *path = NULL;
        if (in_dirs(names.items[i], strlen(names.items[i]), &path))
            fn(names.items[i], path, ctx);
        free(path);
    }
    msgs_release(&names);
    msgs_release(&dirs);
}

int shipped_forms(const char *path, sbuf *names, int *template)
{
    char *text = NULL;
    size_t len = 0;
    at_err err;
    dict_file d = { 0 };
    at_msgs problems = AT_MSGS_INIT;
    int ok = util_read_file(path, &text, &len, &err) == AT_OK &&
             dict_parse(path, text, len, NULL, &d, &problems, &err) == AT_OK;
    *template = 0;
    for (size_t f = 0; ok && f < d.nforms; f++) {
        sbuf_addf(names, "%s%s", f ? " " : "", d.forms[f].name);
        *template |= d.forms[f].is_template;
    }
    dict_release(&d);
    msgs_release(&problems);
    free(text);
    return ok;
}
