/* html.h: text for HTML and SVG pages. */
#ifndef ATTUNE_HTML_H
#define ATTUNE_HTML_H

#include "util.h"

/* Appends s to out with the characters that mean something in HTML and
 * XML (& < > " ') written as character references, and control characters
 * other than tab and newline dropped, so any text from a study can go into
 * an element or a quoted attribute.  NULL appends nothing. */
void html_escape(sbuf *out, const char *s);

#endif
