/* logline.c: libmicrohttpd's own messages made fit for the log (serve.h). */
#include "serve.h"

#include <string.h>

void serve_log_clean(sbuf *out, const char *msg)
{
    const char *p = msg;
    while (*p) {
        if (strncmp(p, "/s/", 3) == 0 || strncmp(p, "/c/", 3) == 0) {
            /* the path of a link's or a visit's request, as the library
             * quotes it: the token or ID and whatever else the address
             * held up to a quote or a space */
            sbuf_adds(out, p[1] == 's' ? SERVE_ROUTE_LINK : SERVE_ROUTE_VISIT);
            p += 3;
            while (*p && !strchr(" '`\"", *p) && (unsigned char)*p >= 0x20)
                p++;
            continue;
        }
        unsigned char c = (unsigned char)*p++;
        if (c == '\n' && !*p)
            sbuf_addc(out, '\n');
        else
            sbuf_addc(out, c < 0x20 || c >= 0x7f ? '?' : (char)c);
    }
}

const char *serve_log_method(const char *method)
{
    static const char *const known[] = { "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS",
                                         "PATCH", "TRACE", "CONNECT" };
    for (size_t i = 0; method && i < sizeof known / sizeof known[0]; i++)
        if (strcmp(method, known[i]) == 0)
            return known[i];
    return "other";
}
