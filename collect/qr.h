/* qr.h: a link as a QR code (libqrencode), for a phone's camera: drawn in
 * the terminal, or written as a PNG (cairo) or SVG file. */
#ifndef COLLECT_QR_H
#define COLLECT_QR_H

#include <stdio.h>
#include "util.h"

/* Draws text's QR code on fp with Unicode half blocks, two modules a line,
 * dark and light set by colour so it reads on any terminal background. */
at_status qr_terminal(const char *text, FILE *fp, at_err *err);
/* Writes text's QR code for path (PNG when it ends in .png, SVG when .svg,
 * any case), for a file that must be there only when what it is for is
 * done: into a new file beside path (a temporary name, mode 0600), sent to
 * disk; outfile_commit then puts it at path, outfile_release drops it.  On
 * failure nothing is left behind and o needs no release. */
at_status qr_file_begin(outfile *o, const char *text, const char *path, at_err *err);
/* Whether path names a kind of file qr_file_begin writes. */
int qr_file_kind_ok(const char *path);

#endif
