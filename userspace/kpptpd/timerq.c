// SPDX-License-Identifier: GPL-2.0
/*
 * kpptpd/timerq.c: deadlines in a binary min-heap (timerq.h).  Written
 * here because kpptpd uses no event library that would bring one, and a
 * heap is a page of code.
 */
#include <errno.h>
#include <stdlib.h>

#include "timerq.h"

int timerq_reserve(struct timerq *q, unsigned int n)
{
	unsigned int cap = q->cap ? q->cap : 64;
	struct timer_node **h;

	if (n <= q->cap)
		return 0;
	while (cap < n)
		cap *= 2;
	h = realloc(q->heap, cap * sizeof(*h));
	if (!h)
		return -ENOMEM;
	q->heap = h;
	q->cap = cap;
	return 0;
}

static void place(struct timerq *q, struct timer_node *t, unsigned int i)
{
	q->heap[i] = t;
	t->pos = i + 1;
}

static void sift_up(struct timerq *q, unsigned int i)
{
	struct timer_node *t = q->heap[i];

	while (i) {
		unsigned int parent = (i - 1) / 2;

		if (q->heap[parent]->at <= t->at)
			break;
		place(q, q->heap[parent], i);
		i = parent;
	}
	place(q, t, i);
}

static void sift_down(struct timerq *q, unsigned int i)
{
	struct timer_node *t = q->heap[i];

	for (;;) {
		unsigned int c = 2 * i + 1;

		if (c >= q->n)
			break;
		if (c + 1 < q->n && q->heap[c + 1]->at < q->heap[c]->at)
			c++;
		if (t->at <= q->heap[c]->at)
			break;
		place(q, q->heap[c], i);
		i = c;
	}
	place(q, t, i);
}

void timerq_set(struct timerq *q, struct timer_node *t, uint64_t at)
{
	uint64_t old = t->at;

	t->at = at;
	if (!t->pos) {
		/* the caller reserved room: not reserving it is a bug */
		if (q->n >= q->cap)
			abort();
		place(q, t, q->n++);
		sift_up(q, q->n - 1);
	} else if (at < old) {
		sift_up(q, t->pos - 1);
	} else if (at > old) {
		sift_down(q, t->pos - 1);
	}
}

void timerq_del(struct timerq *q, struct timer_node *t)
{
	unsigned int i = t->pos - 1;
	struct timer_node *last;

	if (!t->pos)
		return;
	t->pos = 0;
	last = q->heap[--q->n];
	if (last == t)
		return;
	place(q, last, i);
	/* the last node may belong above or below the hole */
	if (i && q->heap[(i - 1) / 2]->at > last->at)
		sift_up(q, i);
	else
		sift_down(q, i);
}

void timerq_free(struct timerq *q)
{
	free(q->heap);
	q->heap = NULL;
	q->n = q->cap = 0;
}
