/* handoff.c: batches of work from one thread to another (handoff.h). */
#include "handoff.h"

#include <pthread.h>
#include <stdlib.h>

#include "util.h"

struct handoff {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    handoff_item *empty;                /* items to fill */
    handoff_item *sent, *sent_tail;     /* filled, in order */
    int finished, cancelled;
};

handoff *handoff_new(void)
{
    handoff *h = xcalloc(1, sizeof *h);
    pthread_mutex_init(&h->mu, NULL);
    pthread_cond_init(&h->cv, NULL);
    return h;
}

void handoff_free(handoff *h)
{
    if (!h)
        return;
    pthread_mutex_destroy(&h->mu);
    pthread_cond_destroy(&h->cv);
    free(h);
}

void handoff_give(handoff *h, handoff_item *it)
{
    pthread_mutex_lock(&h->mu);
    it->next = h->empty;
    h->empty = it;
    pthread_cond_broadcast(&h->cv);
    pthread_mutex_unlock(&h->mu);
}

handoff_item *handoff_take(handoff *h)
{
    pthread_mutex_lock(&h->mu);
    while (!h->empty && !h->cancelled)
        pthread_cond_wait(&h->cv, &h->mu);
    handoff_item *it = NULL;
    if (!h->cancelled) {
        it = h->empty;
        h->empty = it->next;
        it->next = NULL;
    }
    pthread_mutex_unlock(&h->mu);
    return it;
}

void handoff_send(handoff *h, handoff_item *it)
{
    pthread_mutex_lock(&h->mu);
    it->next = NULL;
    if (h->sent_tail)
        h->sent_tail->next = it;
    else
        h->sent = it;
    h->sent_tail = it;
    pthread_cond_broadcast(&h->cv);
    pthread_mutex_unlock(&h->mu);
}

void handoff_finish(handoff *h)
{
    pthread_mutex_lock(&h->mu);
    h->finished = 1;
    pthread_cond_broadcast(&h->cv);
    pthread_mutex_unlock(&h->mu);
}

handoff_item *handoff_receive(handoff *h)
{
    pthread_mutex_lock(&h->mu);
    while (!h->sent && !h->finished)
        pthread_cond_wait(&h->cv, &h->mu);
    handoff_item *it = h->sent;
    if (it) {
        h->sent = it->next;
        if (!h->sent)
            h->sent_tail = NULL;
        it->next = NULL;
    }
    pthread_mutex_unlock(&h->mu);
    return it;
}

void handoff_cancel(handoff *h)
{
    pthread_mutex_lock(&h->mu);
    h->cancelled = 1;
    pthread_cond_broadcast(&h->cv);
    pthread_mutex_unlock(&h->mu);
}

handoff_item *handoff_drain(handoff *h)
{
    pthread_mutex_lock(&h->mu);
    handoff_item *it = h->empty;
    if (it) {
        h->empty = it->next;
    } else if ((it = h->sent)) {
        h->sent = it->next;
        if (!h->sent)
            h->sent_tail = NULL;
    }
    pthread_mutex_unlock(&h->mu);
    return it;
}
