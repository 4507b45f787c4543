// SPDX-License-Identifier: GPL-2.0
/*
 * kpptpd/timerq.c against a plain array searched by brute force: random
 * sets, moves (earlier and later) and removals, the earliest deadline
 * checked after each, and the heap's own order and back-pointers.
 */
#include <stdint.h>
#include <stdlib.h>

#include "timerq.h"
#include "unit.h"

#define N 300

static struct timer_node nodes[N];

/* Every parent no later than its children, every pos right. */
static int heap_ok(const struct timerq *q)
{
	unsigned int i;

	for (i = 0; i < q->n; i++) {
		if (q->heap[i]->pos != i + 1)
			return 0;
		if (i && q->heap[(i - 1) / 2]->at > q->heap[i]->at)
			return 0;
	}
	return 1;
}

static uint64_t earliest(void)
{
	uint64_t t = UINT64_MAX;
	unsigned int i;

	for (i = 0; i < N; i++)
		if (timerq_queued(&nodes[i]) && nodes[i].at < t)
			t = nodes[i].at;
	return t;
}

TEST(random_operations_keep_the_earliest_first)
{
	struct timerq q = { 0 };
	unsigned int i, step, queued = 0, bad = 0;

	srandom(1);
	CHECK(timerq_first(&q) == NULL);
	CHECK(timerq_reserve(&q, N) == 0 && q.cap >= N);
	for (step = 0; step < 20000; step++) {
		struct timer_node *t = &nodes[random() % N];
		const struct timer_node *f;

		if (random() % 4 == 0) {
			queued -= timerq_queued(t);
			timerq_del(&q, t);
		} else {
			queued += !timerq_queued(t);
			/* few distinct values: equal deadlines are common */
			timerq_set(&q, t, (uint64_t)(random() % 500));
		}
		f = timerq_first(&q);
		if (q.n != queued || !heap_ok(&q) ||
		    (f ? f->at : UINT64_MAX) != earliest())
			bad++;
	}
	CHECK(bad == 0);
	/* taking the first each time gives them all in order */
	for (i = 0; q.n; i++) {
		struct timer_node *t = timerq_first(&q);
		uint64_t at = t->at;

		timerq_del(&q, t);
		CHECK(!timerq_queued(t));
		CHECK(!timerq_first(&q) || timerq_first(&q)->at >= at);
	}
	CHECK(i == queued);
	timerq_free(&q);
}

TEST(removing_what_is_not_queued_does_nothing)
{
	struct timerq q = { 0 };
	struct timer_node a = { 0 }, b = { 0 };

	CHECK(timerq_reserve(&q, 2) == 0);
	timerq_del(&q, &a);
	CHECK(q.n == 0);
	timerq_set(&q, &a, 5);
	timerq_set(&q, &b, 3);
	timerq_set(&q, &b, 3);		/* the same deadline again */
	CHECK(q.n == 2 && timerq_first(&q) == &b);
	timerq_set(&q, &b, 9);		/* moved later: a comes first */
	CHECK(timerq_first(&q) == &a);
	timerq_del(&q, &a);
	timerq_del(&q, &a);
	CHECK(q.n == 1 && timerq_first(&q) == &b && b.pos == 1);
	timerq_free(&q);
}
