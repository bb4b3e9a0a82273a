/* shipped.h: finding the instruments that come with attune by name.
 *
 * 'collect instrument add NAME' takes a file, or the name of a shipped
 * instrument (client_post_session, or client_post_session.csv).  The
 * folders looked in, in order:
 *   1. each folder of $ATTUNE_INSTRUMENTS (colon-separated), when set;
 *   2. the installed folder, found from where the running collect is:
 *      BINDIR/../share/attune/instruments (as GNUInstallDirs lays out an
 *      install, so a moved or DESTDIR install still finds its own);
 *   3. the source tree's instruments/, only when the running collect is the
 *      one in the build folder it was built in. */
#ifndef COLLECT_SHIPPED_H
#define COLLECT_SHIPPED_H

#include <stddef.h>
#include "util.h"

/* The folders above that exist, in order (caller frees with msgs_release). */
void shipped_dirs(at_msgs *dirs);

/* When arg is not an existing path and has no '/', the path of the
 * instrument of that name into *path (caller frees) and 1: NAME.csv in the
 * current folder when there is one, else the shipped one; 0 when there is
 * none (then *path is NULL). */
int shipped_find(const char *arg, char **path);

/* Calls fn with each shipped instrument's name (without .csv) and path, in
 * the first folder that has one of that name, names in order. */
void shipped_each(void (*fn)(const char *name, const char *path, void *ctx), void *ctx);

/* The names of the forms the dictionary at path holds, separated by spaces,
 * added to names, and whether one of them is a template (@TEMPLATE).
 * Returns 0 when the file cannot be read as a dictionary. */
int shipped_forms(const char *path, sbuf *names, int *template);

#endif
