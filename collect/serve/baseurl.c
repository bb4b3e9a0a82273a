/* baseurl.c: the address links are made with (serve.h). */
#include "serve.h"

#include <stdio.h>
#include <string.h>

int serve_base_url(const char *given, char **out, char *why, size_t whysz)
{
    const char *b = given ? given : SERVE_DEFAULT_BASE;
    *out = NULL;
    size_t scheme = strncmp(b, "http://", 7) == 0 ? 7 : strncmp(b, "https://", 8) == 0 ? 8 : 0;
    if (!scheme) {
        snprintf(why, whysz, "'--base-url' takes an http:// or https:// URL, not '%s'", b);
        return 0;
    }
    for (const char *p = b; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == '"' || *p == '<' || *p == '>' || *p == '?' ||
            *p == '#' || *p == '\\') {
            snprintf(why, whysz, "'--base-url' '%s' is not a plain URL", b);
            return 0;
        }
    const char *host = b + scheme, *slash = strchr(host, '/');
    size_t hl = slash ? (size_t)(slash - host) : strlen(host);
    if (!hl) {
        snprintf(why, whysz, "'--base-url' '%s' names no host", b);
        return 0;
    }
    if (slash && slash[strspn(slash, "/")] != '\0') {
        snprintf(why, whysz, "'--base-url' takes a server's address without a path (as "
                 "https://attune.clinic.lan), not '%s': the pages are served from the root, "
                 "so forward a host's root to 'collect serve'", b);
        return 0;
    }
    *out = xstrndup(b, scheme + hl);
    return 1;
}
