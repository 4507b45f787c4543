/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A queue of deadlines, earliest first (a binary min-heap), for objects
 * that embed a struct timer_node: setting, moving and removing a deadline
 * cost O(log n), finding the earliest O(1).  kpptpd used to walk every
 * connection on each turn of its loop to find the next deadline; with
 * 10,000 connections that walk was most of its work.
 *
 * A zeroed timer_node is not queued.  Not thread-safe (kpptpd has one).
 */
#ifndef KPPTPD_TIMERQ_H
#define KPPTPD_TIMERQ_H

#include <stdbool.h>
#include <stdint.h>

struct timer_node {
	uint64_t at;		/* the deadline, while queued */
	unsigned int pos;	/* 1 + index in the heap; 0: not queued */
};

struct timerq {
	struct timer_node **heap;
	unsigned int n, cap;
};

/* Room for @n nodes in all, so that timerq_set() cannot fail; 0 or -ENOMEM. */
int timerq_reserve(struct timerq *q, unsigned int n);
/* Queue @t at @at, or move it there if queued; needs the room reserved. */
void timerq_set(struct timerq *q, struct timer_node *t, uint64_t at);
/* Take @t out of the queue, if it is in. */
void timerq_del(struct timerq *q, struct timer_node *t);
/* The earliest node, or NULL. */
static inline struct timer_node *timerq_first(const struct timerq *q)
{
	return q->n ? q->heap[0] : NULL;
}

static inline bool timerq_queued(const struct timer_node *t)
{
	return t->pos != 0;
}

void timerq_free(struct timerq *q);

#endif
