/* stop.c: removing unfinished outputs when a tool is stopped. */
#include "stop.h"

#include <signal.h>
#include <string.h>

#include "util.h"

static void on_stop(int sig)
{
    outfile_discard_pending();
    signal(sig, SIG_DFL);
    raise(sig);   /* delivered once this handler returns: the usual ending */
}

void stop_handle(void (*fn)(int))
{
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction was;
        if (sigaction(sigs[i], NULL, &was) == 0 && was.sa_handler == SIG_IGN)
            continue;
        sigaction(sigs[i], &sa, NULL);
    }
}

void stop_discard_outputs(void)
{
    stop_handle(on_stop);
}
