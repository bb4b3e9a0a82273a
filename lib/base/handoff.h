/* handoff.h: batches of work handed from one thread to another, in order.
 *
 * A producer thread takes an empty item (waiting while the consumer still
 * holds them all), fills it and sends it; the consumer receives the items
 * in the order they were sent and gives each back when done with it.  A
 * fixed number of items circulate, so memory stays bounded whatever the
 * size of the work.  Items are the caller's structs with a handoff_item as
 * their first member.
 *
 * Ownership: the handoff holds the items given to it; handoff_free frees it
 * and returns nothing (the caller frees its items after draining them with
 * handoff_drain). */
#ifndef ATTUNE_HANDOFF_H
#define ATTUNE_HANDOFF_H

typedef struct handoff_item {
    struct handoff_item *next;
} handoff_item;

typedef struct handoff handoff;

handoff *handoff_new(void);
void handoff_free(handoff *h);     /* NULL is fine */

/* Adds an empty item (before starting, or the consumer giving one back). */
void handoff_give(handoff *h, handoff_item *it);
/* Producer: an empty item, waiting for one; NULL once the consumer has
 * cancelled. */
handoff_item *handoff_take(handoff *h);
/* Producer: sends a filled item. */
void handoff_send(handoff *h, handoff_item *it);
/* Producer: nothing more will be sent. */
void handoff_finish(handoff *h);
/* Consumer: the next item sent, waiting for it; NULL after the last. */
handoff_item *handoff_receive(handoff *h);
/* Consumer: stops the producer (its next handoff_take returns NULL). */
void handoff_cancel(handoff *h);
/* Takes back every item the handoff holds, one per call; NULL when none. */
handoff_item *handoff_drain(handoff *h);

#endif
