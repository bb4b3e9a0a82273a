/* say.c: the tools' messages on standard error. */
#include "say.h"

#include <stdarg.h>
#include <stdio.h>

static const char *tool = "attune";

void say_tool(const char *name)
{
    tool = name;
}

const char *say_tool_name(void)
{
    return tool;
}

static void line(const char *kind, const char *fmt, va_list ap)
{
    fprintf(stderr, "%s: %s", tool, kind);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int say_vfail(const char *fmt, va_list ap)
{
    line("", fmt, ap);
    return EXIT_FAIL;
}

int say_vusage(const char *cmd, const char *fmt, va_list ap)
{
    line("", fmt, ap);
    fprintf(stderr, "try '%s %s%s--help'\n", tool, cmd ? cmd : "", cmd ? " " : "");
    return EXIT_USAGE;
}

void say_vnote(const char *fmt, va_list ap)
{
    line("note: ", fmt, ap);
}

int say_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = say_vfail(fmt, ap);
    va_end(ap);
    return rc;
}

int say_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = say_vusage(cmd, fmt, ap);
    va_end(ap);
    return rc;
}

void say_note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say_vnote(fmt, ap);
    va_end(ap);
}
