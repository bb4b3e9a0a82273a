/* form.c: a posted form's fields as libmicrohttpd's post processor hands
 * them over (serve.h). */
#include "serve.h"

#include <stdlib.h>
#include <string.h>

int serve_form_add(serve_form *f, const char *key, const char *data, uint64_t off, size_t size)
{
    if (!key)
        return 1;
    if (size && data && memchr(data, '\0', size)) {
        f->nul = 1;
        return 0;
    }
    /* a value may come in pieces: the pieces after the first append */
    if (off > 0 && f->n && strcmp(f->fields[f->n - 1].name, key) == 0) {
        serve_field *last = &f->fields[f->n - 1];
        size_t had = strlen(last->value);
        last->value = xrealloc(last->value, had + size + 1);
        memcpy(last->value + had, data, size);
        last->value[had + size] = '\0';
        return 1;
    }
    if (f->n == SERVE_MAX_FIELDS) {
        f->too_many = 1;
        return 0;
    }
    f->fields[f->n].name = xstrdup(key);
    f->fields[f->n].value = xstrndup(data ? data : "", size);
    f->n++;
    return 1;
}

void serve_form_release(serve_form *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->fields[i].name);
        free(f->fields[i].value);
    }
    f->n = 0;
    f->too_many = 0;
    f->nul = 0;
}
