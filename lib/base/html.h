/* html.h: text for HTML and SVG pages. */
#ifndef ATTUNE_HTML_H
#define ATTUNE_HTML_H

#include "util.h"

/* Appends s to out with the characters that mean something in HTML and
 * XML (& < > " ') written as character references, and control characters
 * other than tab and newline dropped, so any text from a study can go into
 * an element or a quoted attribute.  NULL appends nothing. */
void html_escape(sbuf *out, const char *s);

/* The text of s, which may be rich text as REDCap's editor writes it
 * (<b>, <span style=...>, <p>, <br>, &amp;, &#233;): tags dropped, a line
 * break for <br> and the end of a paragraph, list item or heading, the
 * numeric character references and the named ones of Latin-1 letters and
 * common punctuation decoded; a '<' that begins no tag ("score
 * < 3") and an '&' that begins no reference stay as they are.  A new
 * string (a copy of s when it holds neither '<' nor '&'); NULL gives "". */
char *html_to_text(const char *s);

#endif
