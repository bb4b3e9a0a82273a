/* progress.c: progress lines for long work. */
#include "progress.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

double progress_clock(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

void progress_init(progress *p, const char *unit, int stages, long total, double now)
{
    memset(p, 0, sizeof *p);
    p->unit = unit;
    p->stages = stages < 1 ? 1 : stages;
    p->drawn = -1;
    progress_stage(p, 1, total, now);
}

void progress_stage(progress *p, int stage, long total, double now)
{
    p->stage = stage;
    p->total = total > 0 ? total : 0;
    p->done = 0;
    p->begun = now;
}

int progress_step(progress *p, long done, long shown, double now)
{
    p->done = done;
    p->shown = shown;
    if (p->drawn >= 0 && now - p->drawn < 0.2)
        return 0;
    p->drawn = now;
    return 1;
}

/* 12345678 as "12,345,678" */
static void grouped(long n, char *buf, size_t size)
{
    char digits[32];
    snprintf(digits, sizeof digits, "%ld", n < 0 ? 0 : n);
    size_t len = strlen(digits), o = 0;
    for (size_t i = 0; i < len && o + 2 < size; i++) {
        if (i && (len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
}

/* a time left as a person says it: "about 4 s", "about 2 min 5 s",
 * "about 1 h 20 min", "under 1 s" */
static void duration(double secs, char *buf, size_t size)
{
    long s = (long)(secs + 0.5);
    if (secs < 1)
        snprintf(buf, size, "under 1 s");
    else if (s < 60)
        snprintf(buf, size, "about %ld s", s);
    else if (s < 3600)
        snprintf(buf, size, "about %ld min %ld s", s / 60, s % 60);
    else
        snprintf(buf, size, "about %ld h %ld min", s / 3600, s % 3600 / 60);
}

void progress_text(const progress *p, double now, char *buf, size_t size)
{
    char count[32], rate[32], left[32];
    size_t o = 0;
    buf[0] = '\0';
    if (p->stages > 1)
        o += (size_t)snprintf(buf, size, "pass %d of %d: ", p->stage, p->stages);
    grouped(p->shown, count, sizeof count);
    if (o < size)
        o += (size_t)snprintf(buf + o, size - o, "%s %s", count, p->unit);
    double elapsed = now - p->begun;
    /* a rate from less than half a second says little */
    if (elapsed < 0.5 || p->done <= 0 || o >= size)
        return;
    double per_s = (double)p->done / elapsed;
    grouped((long)(p->shown / elapsed + 0.5), rate, sizeof rate);
    o += (size_t)snprintf(buf + o, size - o, ", %s %s/s", rate, p->unit);
    if (!p->total || o >= size)
        return;
    long rest = p->total > p->done ? p->total - p->done : 0;
    double secs = (double)rest / per_s + (double)(p->stages - p->stage) * (double)p->total / per_s;
    duration(secs, left, sizeof left);
    snprintf(buf + o, size - o, ", %s left", left);
}

at_status progress_count_lines(const char *path, long *lines, at_err *err)
{
    FILE *fp = fopen(path, "rb");
    *lines = 0;
    if (!fp)
        return at_fail(err, AT_EIO, "'%s': %s", path, strerror(errno));
    char buf[65536];
    size_t n;
    int last = '\n';
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0) {
        for (char *q = buf; (q = memchr(q, '\n', (size_t)(buf + n - q))); q++)
            (*lines)++;
        last = (unsigned char)buf[n - 1];
    }
    at_status rc = AT_OK;
    if (ferror(fp))
        rc = at_fail(err, AT_EIO, "'%s': %s", path, strerror(errno));
    fclose(fp);
    if (last != '\n')
        (*lines)++;
    return rc;
}
