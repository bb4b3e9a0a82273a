/* meter.h: the progress line collect and analyze draw on standard error
 * during long work, only when standard error is a terminal (a pipe, a file
 * or a log gets nothing).  The counting and the text are lib/'s progress;
 * this is only where it is drawn. */
#ifndef ATTUNE_CLI_METER_H
#define ATTUNE_CLI_METER_H

#include "progress.h"

typedef struct meter {
    progress p;
    const char *tool;   /* "collect": the line's prefix */
    int on;             /* standard error is a terminal */
    int drawn;          /* a line is on the screen */
} meter;

/* Starts a meter for stages of total units each (0: not known); off when
 * standard error is not a terminal, and then every call is a no-op. */
void meter_start(meter *m, const char *tool, const char *unit, int stages, long total);
/* The same for reading the file at path, one stage whose units are its
 * lines (counted first, only when the meter is on; not known for "-"). */
void meter_start_file(meter *m, const char *tool, const char *unit, const char *path);
/* The next stage, of total units. */
void meter_stage(meter *m, int stage, long total);
/* done units of the stage, shown as the count; redrawn a few times a second. */
void meter_step(meter *m, long done, long shown);
/* Clears the line, so what follows starts on a clean line. */
void meter_end(meter *m);

#endif
