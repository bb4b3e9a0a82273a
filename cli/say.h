/* say.h: how collect and analyze speak on the command line: exit codes,
 * failures, usage errors and notes on standard error, each line starting
 * with the tool's name ("collect: 'x.csv' line 4: ..."). */
#ifndef ATTUNE_CLI_SAY_H
#define ATTUNE_CLI_SAY_H

#include <stdarg.h>

/* Exit codes */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

/* The tool's name for every message ("collect"); set once in main. */
void say_tool(const char *name);
const char *say_tool_name(void);

/* "TOOL: <message>"; returns EXIT_FAIL. */
int say_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "TOOL: <message>" and "try 'TOOL CMD --help'" (or 'TOOL --help' when cmd is
 * NULL); returns EXIT_USAGE. */
int say_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "TOOL: note: <message>" */
void say_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The same with a va_list, for a tool's own wrappers. */
int say_vfail(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
int say_vusage(const char *cmd, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void say_vnote(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

#endif
