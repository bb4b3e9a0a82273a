/* progress.h: how far a long piece of work has come, and how long the rest
 * should take, as a line of text for a person to read.
 *
 * The work is counted in units (rows of a file, administrations read), in
 * one or more stages of about the same size (the passes over a study).
 * Times are seconds on a monotonic clock, given by the caller
 * (progress_clock, or made-up times in tests); nothing here prints: the
 * tools write the text where they choose. */
#ifndef ATTUNE_PROGRESS_H
#define ATTUNE_PROGRESS_H

#include <stddef.h>
#include "util.h"

typedef struct progress {
    const char *unit;   /* "rows": what the shown count counts */
    int stage, stages;  /* the stage under way (1 ...) of stages */
    long total;         /* the units of this stage; 0: not known */
    long done;          /* units of this stage done so far */
    long shown;         /* the count shown (rows saved) */
    double begun;       /* when this stage began */
    double drawn;       /* when progress_step last said to draw; < 0: never */
} progress;

/* Seconds on a monotonic clock. */
double progress_clock(void);

/* Starts the work at now: stages of total units each (0: not known). */
void progress_init(progress *p, const char *unit, int stages, long total, double now);
/* Starts stage (1 ...) at now, with total units (0: not known). */
void progress_stage(progress *p, int stage, long total, double now);
/* Records done units of the stage and the count to show; 1 when the line
 * is due to be drawn again (at most every 0.2 s), else 0. */
int progress_step(progress *p, long done, long shown, double now);

/* The line at now, e.g. "12,000 rows, 2,400 rows/s, about 5 s left" or,
 * with stages, "pass 1 of 2: 12,000 administrations, 9,100/s, about 3 s
 * left"; the rate and the time left only once they can be told. */
void progress_text(const progress *p, double now, char *buf, size_t size);

/* The lines of a file (newlines, plus a last line without one): the size
 * of an import before it starts. */
at_status progress_count_lines(const char *path, long *lines, at_err *err);

#endif
