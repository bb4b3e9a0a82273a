/* serve_load: a load driver for collect serve (tests/bench/serve.sh).
 *
 * Each simulated client holds one keep-alive connection and answers the
 * client post-session questionnaire through its own link, one question a
 * request, then saves: GET the link, one POST per question, one POST to
 * save.  All clients run at once from one thread (poll over the sockets).
 * The requests say they take any type, so the server answers each move
 * with the next screen at once (200) rather than a redirect.
 *
 * usage: serve_load HOST PORT[,PORT...] LINKS_FILE   (one /s/TOKEN path a line)
 * With several ports (several servers on one study), the clients are dealt
 * out to them in turn: client i talks to port i modulo their number.
 * prints: servers, clients, completed, requests, seconds, requests/s, completed/s,
 * p50 and p99 latency (ms), failures. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* the answers, question by question (fields of one screen together) */
static const char *const steps[] = {
    "bond_1=4", "goal_1=4", "task_1=4", "bond_2=4", "goal_2=4", "task_2=2", "rupture=1",
    "rupture_kind___1=1&rupture_kind___3=1", "tension=3", "addressed=0", "resolution=2",
    "followup=1", "comment=thanks+for+today",
};
#define NSTEPS (sizeof steps / sizeof steps[0])

typedef struct client {
    int fd, port;
    char path[128];
    size_t step;            /* 0: GET; 1..NSTEPS: answers; NSTEPS + 1: save; past: done */
    char stamp[24];
    char out[1024];
    size_t outlen, outoff;
    char *in;
    size_t inlen, incap;
    double sent;
    int done, failed;
} client;

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static double *lat;
static size_t nlat, latcap;

static void record(double ms)
{
    if (nlat == latcap) {
        latcap = latcap ? 2 * latcap : 4096;
        lat = realloc(lat, latcap * sizeof *lat);
    }
    lat[nlat++] = ms;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void make_request(client *c, const char *host)
{
    if (c->step == 0) {
        c->outlen = (size_t)snprintf(c->out, sizeof c->out,
                                     "GET %s HTTP/1.1\r\nHost: %s\r\nAccept: */*\r\n\r\n", c->path,
                                     host);
    } else {
        char body[256];
        if (c->step <= NSTEPS)
            snprintf(body, sizeof body, "_at=%s&action=next&%s", c->stamp, steps[c->step - 1]);
        else
            snprintf(body, sizeof body, "_at=%s&action=save", c->stamp);
        c->outlen = (size_t)snprintf(c->out, sizeof c->out,
                                     "POST %s HTTP/1.1\r\nHost: %s\r\nAccept: */*\r\n"
                                     "Content-Type: application/x-www-form-urlencoded\r\n"
                                     "Content-Length: %zu\r\n\r\n%s",
                                     c->path, host, strlen(body), body);
    }
    c->outoff = 0;
    c->inlen = 0;
    c->sent = now_ms();
}

/* A whole response in c->in: its status, body start and length; 0 when
 * more is to come. */
static int complete(client *c, int *status, const char **body, size_t *blen)
{
    if (c->inlen < 4)
        return 0;
    c->in[c->inlen] = '\0';
    char *end = strstr(c->in, "\r\n\r\n");
    if (!end)
        return 0;
    const char *cl = strcasestr(c->in, "\r\ncontent-length:");
    size_t len = cl && cl < end ? strtoul(cl + 17, NULL, 10) : 0;
    size_t have = c->inlen - (size_t)(end + 4 - c->in);
    if (have < len)
        return 0;
    *status = atoi(c->in + 9);
    *body = end + 4;
    *blen = len;
    return 1;
}

static void stamp_of(client *c, const char *body)
{
    const char *p = strstr(body, "name=\"_at\" value=\"");
    c->stamp[0] = '\0';
    if (p) {
        p += 17;
        size_t n = strcspn(p, "\"");
        if (n < sizeof c->stamp) {
            memcpy(c->stamp, p, n);
            c->stamp[n] = '\0';
        }
    }
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: serve_load HOST PORT[,PORT...] LINKS_FILE\n");
        return 2;
    }
    const char *host = argv[1];
    int ports[64];
    size_t nports = 0;
    for (char *p = argv[2]; *p && nports < sizeof ports / sizeof ports[0];) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p || v <= 0 || v > 65535 || (*end && *end != ',')) {
            fprintf(stderr, "serve_load: '%s' is not a list of ports\n", argv[2]);
            return 2;
        }
        ports[nports++] = (int)v;
        p = *end ? end + 1 : end;
    }
    if (!nports) {
        fprintf(stderr, "serve_load: no port given\n");
        return 2;
    }
    FILE *fp = fopen(argv[3], "r");
    if (!fp) {
        perror(argv[3]);
        return 1;
    }
    client *cs = NULL;
    size_t n = 0, cap = 0;
    char line[128];
    while (fgets(line, sizeof line, fp)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!*line)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 256;
            cs = realloc(cs, cap * sizeof *cs);
        }
        memset(&cs[n], 0, sizeof cs[n]);
        snprintf(cs[n].path, sizeof cs[n].path, "%s", line);
        n++;
    }
    fclose(fp);
    struct sockaddr_in sa = { .sin_family = AF_INET };
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        fprintf(stderr, "serve_load: '%s' is not an IPv4 address\n", host);
        return 2;
    }
    struct pollfd *pf = calloc(n, sizeof *pf);
    double t0 = now_ms();
    for (size_t i = 0; i < n; i++) {
        client *c = &cs[i];
        c->port = ports[i % nports];
        sa.sin_port = htons((uint16_t)c->port);
        c->incap = 1 << 16;
        c->in = malloc(c->incap + 1);
        c->fd = socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (connect(c->fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
            perror("connect");
            return 1;
        }
        fcntl(c->fd, F_SETFL, O_NONBLOCK);
        make_request(c, host);
    }
    size_t active = n, completed = 0, failures = 0, requests = 0;
    while (active) {
        for (size_t i = 0; i < n; i++) {
            pf[i].fd = cs[i].done ? -1 : cs[i].fd;
            pf[i].events = cs[i].outoff < cs[i].outlen ? POLLOUT : POLLIN;
            pf[i].revents = 0;
        }
        if (poll(pf, n, 30000) <= 0) {
            fprintf(stderr, "serve_load: no progress for 30 s\n");
            return 1;
        }
        for (size_t i = 0; i < n; i++) {
            client *c = &cs[i];
            if (c->done || !pf[i].revents)
                continue;
            if (c->outoff < c->outlen) {
                ssize_t w = write(c->fd, c->out + c->outoff, c->outlen - c->outoff);
                if (w > 0)
                    c->outoff += (size_t)w;
                else if (w < 0 && errno != EAGAIN)
                    c->failed = c->done = 1;
                continue;
            }
            ssize_t r = read(c->fd, c->in + c->inlen, c->incap - c->inlen);
            if (r <= 0) {
                if (r < 0 && errno == EAGAIN)
                    continue;
                c->failed = c->done = 1;
                active--;
                failures++;
                continue;
            }
            c->inlen += (size_t)r;
            int status;
            const char *body;
            size_t blen;
            if (!complete(c, &status, &body, &blen))
                continue;
            record(now_ms() - c->sent);
            requests++;
            int want_save = c->step == NSTEPS + 1;
            if (status != 200 || (!want_save && !memmem(body, blen, "name=\"_at\"", 10)) ||
                (want_save && !memmem(body, blen, "Thank you", 9))) {
                fprintf(stderr, "serve_load: %s (port %d) step %zu: status %d\n", c->path, c->port,
                        c->step, status);
                c->failed = c->done = 1;
                active--;
                failures++;
                continue;
            }
            if (want_save) {
                c->done = 1;
                active--;
                completed++;
                close(c->fd);
                continue;
            }
            stamp_of(c, body);
            c->step++;
            make_request(c, host);
        }
    }
    double secs = (now_ms() - t0) / 1e3;
    qsort(lat, nlat, sizeof *lat, cmp);
    double p50 = nlat ? lat[nlat / 2] : 0, p99 = nlat ? lat[(size_t)((double)nlat * 0.99)] : 0;
    printf("servers %zu\n", nports);
    printf("clients %zu\ncompleted %zu\nrequests %zu\nseconds %.3f\nrequests_per_s %.0f\n"
           "completed_per_s %.1f\np50_ms %.2f\np99_ms %.2f\nfailures %zu\n",
           n, completed, requests, secs, (double)requests / secs, (double)completed / secs, p50,
           p99, failures);
    return failures ? 1 : 0;
}
