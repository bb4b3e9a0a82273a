/* Unit tests for lib/handoff: items sent by one thread arrive at another in
 * the order sent, with a bounded number in flight, and a cancel stops the
 * producer. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdlib.h>

#include "handoff.h"

typedef struct item {
    handoff_item link;
    long value;
} item;

typedef struct run {
    handoff *h;
    long count;         /* items to send */
    long sent;
} run;

static void *producer(void *arg)
{
    run *r = arg;
    for (long i = 0; i < r->count; i++) {
        item *it = (item *)handoff_take(r->h);
        if (!it)
            break;
        it->value = i;
        handoff_send(r->h, &it->link);
        r->sent++;
    }
    handoff_finish(r->h);
    return NULL;
}

static void test_order(void **state)
{
    (void)state;
    handoff *h = handoff_new();
    item pool[3];
    for (int k = 0; k < 3; k++)
        handoff_give(h, &pool[k].link);
    run r = { h, 20000, 0 };
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, producer, &r), 0);
    long next = 0;
    item *it;
    while ((it = (item *)handoff_receive(h))) {
        assert_int_equal(it->value, next);
        assert_true(it >= pool && it < pool + 3);   /* only the three circulate */
        next++;
        handoff_give(h, &it->link);
    }
    pthread_join(t, NULL);
    assert_int_equal(next, 20000);
    int back = 0;
    while (handoff_drain(h))
        back++;
    assert_int_equal(back, 3);
    handoff_free(h);
}

static void test_cancel(void **state)
{
    (void)state;
    handoff *h = handoff_new();
    item pool[2];
    for (int k = 0; k < 2; k++)
        handoff_give(h, &pool[k].link);
    run r = { h, 1000000, 0 };
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, producer, &r), 0);
    item *it = (item *)handoff_receive(h);
    assert_non_null(it);
    assert_int_equal(it->value, 0);
    handoff_cancel(h);
    handoff_give(h, &it->link);
    while ((it = (item *)handoff_receive(h)))
        ;
    pthread_join(t, NULL);
    assert_true(r.sent < 1000000);
    handoff_free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order),
        cmocka_unit_test(test_cancel),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
