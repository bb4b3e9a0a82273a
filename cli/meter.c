/* meter.c: drawing the progress line on a terminal. */
#include "meter.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

void meter_start(meter *m, const char *tool, const char *unit, int stages, long total)
{
    m->tool = tool;
    m->on = isatty(STDERR_FILENO);
    m->drawn = 0;
    progress_init(&m->p, unit, stages, total, progress_clock());
}

void meter_start_file(meter *m, const char *tool, const char *unit, const char *path)
{
    long lines = 0;
    at_err err;
    meter_start(m, tool, unit, 1, 0);
    if (m->on && strcmp(path, "-") != 0 && progress_count_lines(path, &lines, &err) == AT_OK)
        m->p.total = lines;
}

void meter_stage(meter *m, int stage, long total)
{
    if (m->on)
        progress_stage(&m->p, stage, total, progress_clock());
}

void meter_step(meter *m, long done, long shown)
{
    if (!m->on)
        return;
    double now = progress_clock();
    if (!progress_step(&m->p, done, shown, now))
        return;
    char text[160];
    progress_text(&m->p, now, text, sizeof text);
    /* back to the line's start, the text, the rest of the line cleared */
    fprintf(stderr, "\r%s: %s\033[K", m->tool, text);
    fflush(stderr);
    m->drawn = 1;
}

void meter_end(meter *m)
{
    if (m->on && m->drawn)
        fputs("\r\033[K", stderr);
    m->drawn = 0;
}
