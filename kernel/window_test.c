// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for window.c: serial number arithmetic (kpptp_window_seq),
 * the receive window (kpptp_window), acks and the send window
 * (kpptp_window_ack).
 * Built into kpptp_test.ko by tests/kunit/Kbuild, never into kpptp.ko.
 *
 * window.c talks to its owner only through the callbacks declared in
 * window.h.  Here the owner is a recorder: it writes down every sequence
 * number delivered, every counted event, every ack sent and every wake of
 * the transmit queue, for the one window the running test owns.  Timers
 * are made long so they never expire on their own; a test "fires" a
 * pending timer by calling its function (fire(), fire_reorder(),
 * fire_tx()), so every run sees the same events in the same order.  One
 * case lets the real timers run, to check that they are armed and work in
 * softirq context.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/prandom.h>
#include <linux/skbuff.h>
#include <linux/unaligned.h>

#include "window.h"

#define REC_MAX		2048
/*
 * Timers that never expire during a case, however slow the host (beyond
 * the netlink limits: window.c takes any value).
 */
#define NEVER_MS	(3600 * 1000)

/* The window of the running test and what window.c told its owner. */
struct rec {
	struct kpptp_window win;
	u32 delivered[REC_MAX];
	unsigned int n_delivered;
	u64 events[KPPTP_TX_ACK_TIMEOUT + 1];	/* kpptp_rx_count() sums */
	u32 acks[REC_MAX];			/* standalone acks sent */
	unsigned int n_acks;
	unsigned int send_ack_calls;
	unsigned int tx_wakes;
	unsigned int overflow;		/* records beyond REC_MAX */
	unsigned int stray;		/* callbacks for another window */
};

static struct rec *rec;
static atomic_t skbs;		/* test skbs not yet freed */

/* A callback for our window?  Anything else is counted and ignored. */
static bool rec_mine(struct kpptp_window *win)
{
	if (rec && win == &rec->win)
		return true;
	if (rec)
		rec->stray++;
	return false;
}

/*
 * ---- The owner's callbacks (window.h), all in this one place. ----
 * A new callback in window.h needs one more function here.
 */

void kpptp_rx_deliver(struct kpptp_window *win, struct sk_buff *skb)
{
	lockdep_assert_held(&win->rx_lock);
	if (rec_mine(win)) {
		if (rec->n_delivered < REC_MAX)
			rec->delivered[rec->n_delivered++] =
				get_unaligned((u32 *)skb->data);
		else
			rec->overflow++;
	}
	consume_skb(skb);
}

void kpptp_rx_count(struct kpptp_window *win, enum kpptp_rx_event ev, u32 n)
{
	lockdep_assert(lockdep_is_held(&win->rx_lock) ||
		       lockdep_is_held(&win->tx_lock));
	if (rec_mine(win) && ev < ARRAY_SIZE(rec->events))
		rec->events[ev] += n;
}

/* Like xmit.c: an ack-only packet goes out if take_ack says one is due. */
void kpptp_send_ack(struct kpptp_window *win)
{
	u32 ack;

	if (!rec_mine(win))
		return;
	rec->send_ack_calls++;
	if (!kpptp_window_take_ack(win, &ack))
		return;
	if (rec->n_acks < REC_MAX)
		rec->acks[rec->n_acks++] = ack;
	else
		rec->overflow++;
}

void kpptp_tx_wake(struct kpptp_window *win)
{
	lockdep_assert_not_held(&win->tx_lock);
	if (rec_mine(win))
		rec->tx_wakes++;
}

/* ---- Helpers ---- */

static void skb_freed(struct sk_buff *skb)
{
	atomic_dec(&skbs);
}

/*
 * A packet of @len bytes (at least 4) carrying its sequence number first,
 * so delivery shows it.
 */
static struct sk_buff *mkskb(struct kunit *test, u32 seq, unsigned int len)
{
	struct sk_buff *skb = alloc_skb(len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, skb);
	put_unaligned(seq, (u32 *)skb_put_zero(skb, len));
	skb->destructor = skb_freed;
	atomic_inc(&skbs);
	return skb;
}

/* Receive a packet of @len bytes as recv.c does: softirq, rx_lock held. */
static void rx_len(struct kunit *test, u32 seq, bool reorder,
		   unsigned int len)
{
	struct sk_buff *skb = mkskb(test, seq, len);

	spin_lock_bh(&rec->win.rx_lock);
	kpptp_window_rx(&rec->win, skb, seq, reorder);
	spin_unlock_bh(&rec->win.rx_lock);
}

static void rx(struct kunit *test, u32 seq, bool reorder)
{
	rx_len(test, seq, reorder, sizeof(seq));
}

/* Expire a pending timer now, in softirq context like the timer wheel. */
static bool fire(struct timer_list *t)
{
	if (!timer_delete(t))
		return false;
	local_bh_disable();
	t->function(t);
	local_bh_enable();
	return true;
}

static bool reorder_pending(void)
{
	return hrtimer_is_queued(&rec->win.reorder_timer);
}

/*
 * Expire the reorder timer now, as if the gap at the head had waited its
 * full time (the timer function checks gap_start_ns against the allowed
 * wait, at most reorder_timeout_ms: 1 ms for the call).  A re-armed timer
 * is pushed back out of reach before bottom halves come back on, so it
 * cannot run on its own (UML has one CPU) and only the test decides when a
 * gap is given up.
 */
static bool fire_reorder(void)
{
	struct kpptp_window *win = &rec->win;
	u32 timeout_ms = win->cfg.reorder_timeout_ms;
	bool fired = false;

	local_bh_disable();
	if (hrtimer_try_to_cancel(&win->reorder_timer) == 1) {
		spin_lock(&win->rx_lock);
		win->cfg.reorder_timeout_ms = 1;
		win->gap_start_ns = 0;
		spin_unlock(&win->rx_lock);
		win->reorder_timer.function(&win->reorder_timer);
		spin_lock(&win->rx_lock);
		win->cfg.reorder_timeout_ms = timeout_ms;
		if (hrtimer_try_to_cancel(&win->reorder_timer) == 1)
			hrtimer_start(&win->reorder_timer, ms_to_ktime(NEVER_MS),
				      HRTIMER_MODE_REL_SOFT);
		spin_unlock(&win->rx_lock);
		fired = true;
	}
	local_bh_enable();
	return fired;
}

/*
 * Send one data packet (xmit.c: bottom halves off); false if the send
 * window is full and @enforce.  The ack timeout (tx_timer) is taken back
 * before bottom halves come back on: tests expire it with fire_tx().
 */
static bool send(bool enforce, u32 *seq, bool *has_ack, u32 *ack)
{
	bool ok;

	local_bh_disable();
	ok = kpptp_window_tx_seq(&rec->win, enforce, seq, ack, has_ack);
	timer_delete(&rec->win.tx_timer);
	local_bh_enable();
	return ok;
}

static u32 tx_seq(bool *has_ack, u32 *ack)
{
	u32 seq = 0;

	send(false, &seq, has_ack, ack);
	return seq;
}

/* The peer did not ack in time (RFC 2637 4.4). */
static void fire_tx(void)
{
	local_bh_disable();
	rec->win.tx_deadline = jiffies;
	rec->win.tx_timer.function(&rec->win.tx_timer);
	timer_delete(&rec->win.tx_timer);
	local_bh_enable();
}

static bool take_ack(u32 *ack)
{
	bool due;

	local_bh_disable();
	due = kpptp_window_take_ack(&rec->win, ack);
	local_bh_enable();
	return due;
}

/*
 * The transmit side's ack state.  window.c has no accessor for it; these
 * two are the only places that know the fields.
 */
/* The oldest sequence number not acked. */
static u32 tx_una(void)
{
	return rec->win.tx_una;
}

/* Everything before seq was sent and acked: a call far into its life. */
static void all_acked_before(u32 seq)
{
	rec->win.tx_seq = seq;
	rec->win.tx_una = seq;
}

static void ack_rcvd(u32 ack)
{
	local_bh_disable();
	kpptp_window_ack_rcvd(&rec->win, ack);
	local_bh_enable();
}

static void set_cfg(const struct kpptp_window_cfg *cfg)
{
	local_bh_disable();
	kpptp_window_set_cfg(&rec->win, cfg);
	local_bh_enable();
}

static unsigned int queued(void)
{
	unsigned int n;

	spin_lock_bh(&rec->win.rx_lock);
	n = skb_queue_len(&rec->win.reorder_q);
	spin_unlock_bh(&rec->win.rx_lock);
	return n;
}

/* Defaults, except timers that never expire during a case. */
static int window_init(struct kunit *test)
{
	struct kpptp_window_cfg cfg;

	rec = kunit_kzalloc(test, sizeof(*rec), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, rec);
	atomic_set(&skbs, 0);
	kpptp_window_cfg_defaults(&cfg);
	cfg.reorder_timeout_ms = NEVER_MS;
	cfg.ack_delay_ms = NEVER_MS;
	kpptp_window_init(&rec->win, &cfg);
	return 0;
}

/* Every case ends by stopping its window: nothing may be left behind. */
static void window_exit(struct kunit *test)
{
	kpptp_window_stop(&rec->win);
	KUNIT_EXPECT_FALSE(test, reorder_pending());
	KUNIT_EXPECT_FALSE(test, timer_pending(&rec->win.ack_timer));
	KUNIT_EXPECT_FALSE(test, timer_pending(&rec->win.tx_timer));
	KUNIT_EXPECT_TRUE(test, skb_queue_empty(&rec->win.reorder_q));
	KUNIT_EXPECT_EQ(test, rec->win.reorder_bytes, 0);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&skbs), 0, "skbs leaked");
	KUNIT_EXPECT_EQ(test, rec->stray, 0);
	KUNIT_EXPECT_EQ(test, rec->overflow, 0);
	rec = NULL;
}

/* ---- kpptp_window_seq: serial number arithmetic ---- */

struct seq_case {
	const char *name;
	u32 a, b;
	bool after;	/* kpptp_seq_after(a, b) */
};

static const struct seq_case seq_cases[] = {
	{ "next", 1, 0, true },
	{ "previous", 0, 1, false },
	{ "equal", 7, 7, false },
	{ "equal_at_max", 0xffffffff, 0xffffffff, false },
	{ "wrap_0_after_max", 0, 0xffffffff, true },
	{ "wrap_max_before_0", 0xffffffff, 0, false },
	{ "wrap_5_after_max-5", 5, 0xfffffffa, true },
	{ "ahead_2^31-1", 0x7fffffff, 0, true },
	{ "behind_2^31-1", 0, 0x7fffffff, false },
	{ "2^31_apart_is_not_after", 0x80000000, 0, false },
	{ "2^31_apart_other_way", 0, 0x80000000, false },
	{ "ahead_2^31+1_is_behind", 0x80000001, 0, false },
	{ "behind_2^31+1_is_ahead", 0, 0x80000001, true },
	{ "wrap_2^31-1_across_0", 0x7ffffffe, 0xffffffff, true },
	{ "wrap_2^31_across_0", 0x7fffffff, 0xffffffff, false },
};

KUNIT_ARRAY_PARAM_DESC(seq_cases, seq_cases, name);

static void seq_after_test(struct kunit *test)
{
	const struct seq_case *c = test->param_value;

	KUNIT_EXPECT_EQ_MSG(test, kpptp_seq_after(c->a, c->b), c->after,
			    "kpptp_seq_after(%#x, %#x)", c->a, c->b);
}

static struct kunit_case seq_test_cases[] = {
	KUNIT_CASE_PARAM(seq_after_test, seq_cases_gen_params),
	{}
};

static struct kunit_suite seq_suite = {
	.name = "kpptp_window_seq",
	.test_cases = seq_test_cases,
};

/* ---- kpptp_window: the receive window ---- */

/* Script steps besides sequence numbers (which are below 2^32). */
#define T	0x100000000ULL	/* the reorder timer must be pending: fire it */
#define NOT	0x200000000ULL	/* the reorder timer must not be pending */
#define END	0x300000000ULL	/* end of a script or of the expected list */

struct rx_case {
	const char *name;
	bool no_reorder;	/* kpptp_window_rx(..., reorder = false) */
	u16 window;		/* recv_window, if not the default */
	u16 depth;		/* reorder_depth, if not the default */
	bool depth_0;		/* reorder_depth 0: no queue */
	bool timeout_0;		/* reorder_timeout_ms 0: no queue */
	u64 in[16];		/* arrivals and timer steps, up to END */
	u64 out[16];		/* sequence numbers delivered, up to END */
	u32 lost, dup, reordered, oor;	/* oor: KPPTP_RX_OUT_OF_RANGE */
	u32 flushed;			/* KPPTP_RX_FLUSHED */
	unsigned int left;	/* still in the reorder queue at the end */
};

static const struct rx_case rx_cases[] = {
	{ "in_order", .in = { 1, 2, 3, NOT, END },
	  .out = { 1, 2, 3, END } },
	{ "first_packet_starts_window", .in = { 1000, 1001, END },
	  .out = { 1000, 1001, END } },
	{ "starts_at_0", .in = { 0, 1, 2, END }, .out = { 0, 1, 2, END } },
	{ "starts_at_max", .in = { 0xffffffff, 0, END },
	  .out = { 0xffffffff, 0, END } },
	{ "duplicates_dropped", .in = { 1, 2, 2, 1, 3, 3, END },
	  .out = { 1, 2, 3, END }, .dup = 3 },
	{ "late_after_lost_gap", .in = { 1, 3, T, 2, END },
	  .out = { 1, 3, END }, .lost = 1, .dup = 1, .reordered = 1 },
	{ "early_held_until_gap_fills", .in = { 1, 3, 4, 2, NOT, END },
	  .out = { 1, 2, 3, 4, END }, .reordered = 2 },
	{ "reversed", .in = { 1, 5, 4, 3, 2, NOT, END },
	  .out = { 1, 2, 3, 4, 5, END }, .reordered = 3 },
	{ "duplicate_of_queued", .in = { 1, 3, 3, 2, END },
	  .out = { 1, 2, 3, END }, .dup = 1, .reordered = 1 },
	{ "partial_fill_keeps_waiting", .in = { 1, 3, 5, 2, 4, NOT, END },
	  .out = { 1, 2, 3, 4, 5, END }, .reordered = 2 },
	{ "held_until_timeout", .in = { 1, 3, 4, END }, .out = { 1, END },
	  .left = 2 },
	{ "timeout_loses_gap", .in = { 1, 3, 4, T, NOT, END },
	  .out = { 1, 3, 4, END }, .lost = 1, .reordered = 2 },
	{ "timeout_per_gap", .in = { 1, 3, 6, T, T, NOT, END },
	  .out = { 1, 3, 6, END }, .lost = 3, .reordered = 2 },
	{ "timeout_then_fill", .in = { 1, 3, 6, T, 4, 5, NOT, END },
	  .out = { 1, 3, 4, 5, 6, END }, .lost = 1, .reordered = 2 },
	{ "overflow_loses_gap", .depth = 2, .in = { 1, 3, 4, 5, 2, END },
	  .out = { 1, 3, 4, 5, END }, .lost = 1, .dup = 1, .reordered = 3 },
	{ "overflow_one_gap_at_a_time", .depth = 2, .in = { 1, 3, 5, 7, END },
	  .out = { 1, 3, END }, .lost = 1, .reordered = 1, .left = 2 },
	{ "overflow_then_timeouts", .depth = 2,
	  .in = { 1, 3, 5, 7, T, T, NOT, END }, .out = { 1, 3, 5, 7, END },
	  .lost = 3, .reordered = 3 },
	{ "depth_1", .depth = 1, .in = { 1, 3, 5, 4, END },
	  .out = { 1, 3, 4, 5, END }, .lost = 1, .reordered = 2 },
	{ "no_reorder", .no_reorder = true, .in = { 1, 3, 2, 4, NOT, END },
	  .out = { 1, 3, 4, END }, .lost = 1, .dup = 1 },
	{ "no_reorder_depth_0", .depth_0 = true,
	  .in = { 1, 4, 2, 5, NOT, END }, .out = { 1, 4, 5, END },
	  .lost = 2, .dup = 1 },
	{ "no_reorder_timeout_0", .timeout_0 = true,
	  .in = { 1, 4, 3, 6, NOT, END }, .out = { 1, 4, 6, END },
	  .lost = 3, .dup = 1 },
	{ "wrap_in_order", .in = { 0xfffffffe, 0xffffffff, 0, 1, END },
	  .out = { 0xfffffffe, 0xffffffff, 0, 1, END } },
	{ "wrap_mid_reorder", .in = { 0xfffffffe, 1, 0, 0xffffffff, NOT, END },
	  .out = { 0xfffffffe, 0xffffffff, 0, 1, END }, .reordered = 2 },
	{ "wrap_queue_order", .in = { 0xfffffffd, 1, 0xffffffff, 0, T, END },
	  .out = { 0xfffffffd, 0xffffffff, 0, 1, END }, .lost = 1,
	  .reordered = 3 },
	{ "wrap_timeout", .in = { 0xfffffffe, 1, T, 0xffffffff, 0, END },
	  .out = { 0xfffffffe, 1, END }, .lost = 2, .dup = 2, .reordered = 1 },
	{ "wrap_no_reorder", .no_reorder = true, .in = { 0xfffffffe, 1, 0, END },
	  .out = { 0xfffffffe, 1, END }, .lost = 2, .dup = 1 },
	/* believed: recv_window 64 + reorder_depth 64 either way */
	{ "jump_max_ahead", .in = { 1, 129, T, 2, END },
	  .out = { 1, 129, END }, .lost = 127, .dup = 1, .reordered = 1 },
	{ "jump_max_ahead_no_reorder", .no_reorder = true,
	  .in = { 0xffffff80, 0, 1, END },
	  .out = { 0xffffff80, 0, 1, END }, .lost = 127 },
	{ "jump_max_follows_window", .window = 1000,
	  .in = { 1, 1066, NOT, 1065, T, END }, .out = { 1, 1065, END },
	  .lost = 1063, .oor = 1, .reordered = 1 },
	{ "stray_far_ahead_dropped", .in = { 1, 130, NOT, 2, END },
	  .out = { 1, 2, END }, .oor = 1 },
	{ "forged_60000_ahead_ignored", .in = { 1, 2, 60002, 3, 4, NOT, END },
	  .out = { 1, 2, 3, 4, END }, .oor = 1 },
	{ "stray_2^31_ahead_dropped", .in = { 1, 0x80000001, 2, END },
	  .out = { 1, 2, END }, .oor = 1 },
	{ "stray_far_behind_dropped", .in = { 0x20000, 1, 0x20001, END },
	  .out = { 0x20000, 0x20001, END }, .oor = 1 },
	{ "behind_in_range_is_late", .in = { 0x20000, 0x20000 - 128, END },
	  .out = { 0x20000, END }, .dup = 1 },
	{ "far_behind_dropped", .in = { 0x20000, 0x20000 - 129, 0x20001, END },
	  .out = { 0x20000, 0x20001, END }, .oor = 1 },
	{ "four_far_ahead_restart", .in = { 1, 3, 0x80000000, 0x80000001,
	  0x80000002, 0x80000003, 2, END },
	  .out = { 1, 0x80000003, END }, .oor = 4, .flushed = 1 },
	{ "three_far_not_restart", .in = { 1, 0x1000, 0x1001, 0x1002, 2, END },
	  .out = { 1, 2, END }, .oor = 3 },
	{ "restart_behind_recovers", .in = { 1000, 1001, 5, 6, 7, 8, 9, END },
	  .out = { 1000, 1001, 8, 9, END }, .oor = 3 },
	{ "restart_reordered_recovers", .in = { 1000, 5, 7, 6, 8, 9, END },
	  .out = { 1000, 8, 9, END }, .oor = 3 },
	{ "far_run_broken_by_genuine", .in = { 1, 500, 501, 502, 2, 503, 3, END },
	  .out = { 1, 2, 3, END }, .oor = 4 },
	{ "far_apart_not_restart", .in = { 1, 1000, 5000, 9000, 13000, 2, END },
	  .out = { 1, 2, END }, .oor = 4 },
	{ "strays_apart_not_restart", .in = { 1, 0x80000000, 2, 0x80000001, 3, END },
	  .out = { 1, 2, 3, END }, .oor = 2 },
};

KUNIT_ARRAY_PARAM_DESC(rx_cases, rx_cases, name);

static void expect_delivered(struct kunit *test, const u64 *out)
{
	unsigned int i;

	for (i = 0; out[i] != END && i < rec->n_delivered; i++)
		KUNIT_EXPECT_EQ_MSG(test, rec->delivered[i], (u32)out[i],
				    "delivery %u", i);
	for (i = 0; out[i] != END; i++)
		;
	KUNIT_EXPECT_EQ_MSG(test, rec->n_delivered, i, "packets delivered");
}

static void rx_script_test(struct kunit *test)
{
	const struct rx_case *c = test->param_value;
	struct kpptp_window_cfg cfg = rec->win.cfg;
	unsigned int i;

	if (c->window)
		cfg.recv_window = c->window;
	if (c->depth)
		cfg.reorder_depth = c->depth;
	if (c->depth_0)
		cfg.reorder_depth = 0;
	if (c->timeout_0)
		cfg.reorder_timeout_ms = 0;
	set_cfg(&cfg);
	for (i = 0; c->in[i] != END; i++) {
		if (c->in[i] == T)
			KUNIT_ASSERT_TRUE_MSG(test, fire_reorder(),
					      "step %u: reorder timer not pending", i);
		else if (c->in[i] == NOT)
			KUNIT_EXPECT_FALSE_MSG(test, reorder_pending(),
					       "step %u: reorder timer pending", i);
		else
			rx(test, c->in[i], !c->no_reorder);
	}
	expect_delivered(test, c->out);
	KUNIT_EXPECT_EQ(test, rec->events[KPPTP_RX_LOST], c->lost);
	KUNIT_EXPECT_EQ(test, rec->events[KPPTP_RX_DUPLICATE], c->dup);
	KUNIT_EXPECT_EQ(test, rec->events[KPPTP_RX_REORDERED], c->reordered);
	KUNIT_EXPECT_EQ(test, rec->events[KPPTP_RX_OUT_OF_RANGE], c->oor);
	KUNIT_EXPECT_EQ(test, rec->events[KPPTP_RX_FLUSHED], c->flushed);
	KUNIT_EXPECT_EQ(test, queued(), c->left);
	/* a packet waits only while the timer runs */
	if (c->left)
		KUNIT_EXPECT_TRUE(test, reorder_pending());
}

/* The reorder queue holds exactly reorder_depth packets, in order. */
static void rx_queue_depth_test(struct kunit *test)
{
	unsigned int depth = rec->win.cfg.reorder_depth, i;

	rx(test, 0, true);
	for (i = 0; i < depth; i++)
		rx(test, 2 + i, true);
	KUNIT_EXPECT_EQ(test, queued(), depth);
	KUNIT_EXPECT_EQ(test, rec->n_delivered, 1);
	rx(test, 2 + depth, true);	/* one too many: gap 1 is lost */
	KUNIT_EXPECT_EQ(test, queued(), 0);
	KUNIT_EXPECT_EQ(test, rec->events[KPPTP_RX_LOST], 1);
	KUNIT_EXPECT_EQ(test, rec->n_delivered, depth + 2);
	for (i = 1; i < rec->n_delivered; i++)
		KUNIT_EXPECT_EQ(test, rec->delivered[i], i + 1);
}

/* The truesize of what waits in the reorder queue, counted again. */
static u32 queued_truesize(void)
{
	struct sk_buff *skb;
	u32 sum = 0;

	spin_lock_bh(&rec->win.rx_lock);
	skb_queue_walk(&rec->win.reorder_q, skb)
		sum += skb->truesize;
	spin_unlock_bh(&rec->win.rx_lock);
	return sum;
}

/*
 * The reorder queue is bounded in memory as well as in packets: large
 * early packets (a peer sending reassembled 30 KB datagrams, each after a
 * gap) are given up once reorder_depth x 4 KB is held, while a full queue
 * of 1500-byte frames still fits.
 */
static void reorder_queue_bytes_test(struct kunit *test)
{
	u32 depth = rec->win.cfg.reorder_depth, i, max_bytes, seq;

	max_bytes = max_t(u32, KPPTP_MIN_REORDER_BYTES,
			  depth * KPPTP_REORDER_BYTES_PER_PKT);
	rx(test, 0, true);
	for (i = 0; i < depth; i++)
		rx_len(test, 2 + i, true, 1500);
	KUNIT_EXPECT_EQ(test, queued(), depth);
	KUNIT_EXPECT_EQ(test, rec->win.reorder_bytes, queued_truesize());
	KUNIT_EXPECT_LE(test, rec->win.reorder_bytes, max_bytes);
	rx(test, 1, true);
	KUNIT_EXPECT_EQ(test, queued(), 0);
	KUNIT_EXPECT_EQ(test, rec->win.reorder_bytes, 0);

	seq = depth + 1;
	for (i = 0; i < depth; i++) {
		seq += 2;			/* a gap before each */
		rx_len(test, seq, true, 30000);
		KUNIT_EXPECT_LE(test, rec->win.reorder_bytes, max_bytes);
		KUNIT_EXPECT_EQ(test, rec->win.reorder_bytes, queued_truesize());
	}
	KUNIT_EXPECT_GT(test, queued(), 0);
	KUNIT_EXPECT_LT(test, queued(), depth / 4);
	KUNIT_EXPECT_GT(test, rec->events[KPPTP_RX_LOST], 0);
}

/* Queue @n early packets after a one-packet gap; true if none overflowed. */
static bool hold_after_gap(struct kunit *test, u32 *seq, unsigned int n)
{
	u64 lost = rec->events[KPPTP_RX_LOST];
	unsigned int i;

	for (i = 0; i < n; i++)
		rx(test, *seq + 2 + i, true);
	*seq += n + 1;
	return rec->events[KPPTP_RX_LOST] == lost && queued() == n;
}

/*
 * The queue limit follows the reordering seen: it starts at reorder_depth,
 * loses 1/8 per gap given up down to 4 packets (a lossy path holds little),
 * and grows at once to twice what overtook a gap that filled.
 */
static void reorder_limit_adapts_test(struct kunit *test)
{
	u32 seq = 0, i;

	rx(test, seq, true);
	KUNIT_EXPECT_TRUE(test, hold_after_gap(test, &seq, 64));
	KUNIT_EXPECT_TRUE(test, fire_reorder());
	for (i = 0; i < 20; i++) {		/* a lossy path */
		KUNIT_ASSERT_TRUE(test, hold_after_gap(test, &seq, 1));
		KUNIT_ASSERT_TRUE(test, fire_reorder());
	}
	KUNIT_EXPECT_TRUE(test, hold_after_gap(test, &seq, 4));
	rx(test, seq + 1, true);		/* the 5th: gap given up */
	KUNIT_EXPECT_EQ(test, queued(), 0);
	seq++;
	KUNIT_EXPECT_EQ(test, rec->win.rx_seq, seq);

	/* 4 packets overtake one that then arrives: the limit becomes 8 */
	KUNIT_EXPECT_TRUE(test, hold_after_gap(test, &seq, 4));
	rx(test, seq - 4, true);
	KUNIT_EXPECT_EQ(test, queued(), 0);
	KUNIT_EXPECT_TRUE(test, hold_after_gap(test, &seq, 8));
	rx(test, seq + 1, true);		/* the 9th */
	KUNIT_EXPECT_EQ(test, queued(), 0);
	KUNIT_EXPECT_EQ(test, rec->win.rx_seq, seq + 1);
}

/*
 * A packet of a gap given up arrives after all: that was reordering, and
 * the limit grows to let the same displacement wait next time.
 */
static void late_arrival_raises_limit_test(struct kunit *test)
{
	u32 seq = 0, late, i;
	u64 lost, dups;

	rx(test, seq, true);
	for (i = 0; i < 30; i++) {		/* a lossy path: limit 4 */
		KUNIT_ASSERT_TRUE(test, hold_after_gap(test, &seq, 1));
		KUNIT_ASSERT_TRUE(test, fire_reorder());
	}
	KUNIT_EXPECT_LE(test, rec->win.reorder_extent, 2);
	lost = rec->events[KPPTP_RX_LOST];
	dups = rec->events[KPPTP_RX_DUPLICATE];
	late = seq + 1;
	for (i = 0; i < 8; i++)			/* 8 overtake it: given up */
		rx(test, seq + 2 + i, true);
	seq += 9;
	KUNIT_EXPECT_EQ(test, rec->events[KPPTP_RX_LOST], lost + 1);
	KUNIT_EXPECT_EQ(test, rec->win.rx_seq, seq);
	rx(test, late, true);			/* ... and it arrives */
	KUNIT_EXPECT_EQ(test, rec->events[KPPTP_RX_DUPLICATE], dups + 1);
	KUNIT_EXPECT_GE(test, rec->win.reorder_extent, 8);
	/* the same displacement now waits and is delivered in order */
	KUNIT_EXPECT_TRUE(test, hold_after_gap(test, &seq, 8));
	rx(test, seq - 8, true);
	KUNIT_EXPECT_EQ(test, queued(), 0);
	KUNIT_EXPECT_EQ(test, rec->events[KPPTP_RX_LOST], lost + 1);
	/* a second late packet of the same gap teaches nothing new */
	rx(test, late, true);
	KUNIT_EXPECT_EQ(test, rec->events[KPPTP_RX_DUPLICATE], dups + 2);
}

/*
 * The time a gap may wait follows the reordering seen: it starts at the
 * full reorder_timeout, loses 1/8 per gap given up
 * (a loss holds the flow at least 1 ms, not 20), and grows at once to what
 * a gap that filled was waited for.
 */
static void reorder_wait_adapts_test(struct kunit *test)
{
	struct kpptp_window_cfg cfg = rec->win.cfg;
	u32 seq = 0, i;

	cfg.reorder_timeout_ms = 20;
	set_cfg(&cfg);
	/* a lower timeout caps the estimate: the full 20 ms for now */
	KUNIT_EXPECT_EQ(test, rec->win.reorder_wait_us, 20000);
	rx(test, seq, true);
	for (i = 0; i < 40; i++) {		/* a lossy path */
		KUNIT_ASSERT_TRUE(test, hold_after_gap(test, &seq, 1));
		KUNIT_ASSERT_TRUE(test, fire_reorder());
	}
	KUNIT_EXPECT_LT(test, rec->win.reorder_wait_us, 1000);
	/* a gap that fills after 5 ms: the next gap may wait twice that */
	KUNIT_EXPECT_TRUE(test, hold_after_gap(test, &seq, 1));
	spin_lock_bh(&rec->win.rx_lock);
	rec->win.gap_start_ns -= 5 * NSEC_PER_MSEC;
	spin_unlock_bh(&rec->win.rx_lock);
	rx(test, seq - 1, true);
	KUNIT_EXPECT_EQ(test, queued(), 0);
	KUNIT_EXPECT_GE(test, rec->win.reorder_wait_us, 5000);
	KUNIT_EXPECT_LE(test, rec->win.reorder_wait_us, 20000);
}

/*
 * A gap given up because the queue overflowed: the gap behind it starts
 * its own wait then.  Inheriting the start of the gap given up, it filled
 * "after" the time the first gap had waited, and the wait estimate grew by
 * that much (the timer also gave it up early).
 */
static void overflow_next_gap_starts_wait_test(struct kunit *test)
{
	struct kpptp_window_cfg cfg = rec->win.cfg;

	cfg.reorder_depth = 2;
	cfg.reorder_timeout_ms = 20;
	set_cfg(&cfg);
	rx(test, 0, true);
	rx(test, 2, true);
	rx(test, 3, true);		/* gap 1 waits */
	KUNIT_ASSERT_EQ(test, queued(), 2);
	spin_lock_bh(&rec->win.rx_lock);
	rec->win.reorder_wait_us = 0;
	rec->win.gap_start_ns -= 15 * NSEC_PER_MSEC;	/* for 15 ms */
	spin_unlock_bh(&rec->win.rx_lock);
	rx(test, 5, true);		/* overflow: gap 1 given up, gap 4 waits */
	KUNIT_EXPECT_EQ(test, rec->events[KPPTP_RX_LOST], 1);
	KUNIT_ASSERT_EQ(test, queued(), 1);
	KUNIT_EXPECT_TRUE(test, reorder_pending());
	rx(test, 4, true);		/* gap 4 fills at once */
	KUNIT_EXPECT_EQ(test, queued(), 0);
	KUNIT_EXPECT_LT(test, rec->win.reorder_wait_us, 5000);
	KUNIT_EXPECT_EQ(test, rec->n_delivered, 5);
}

/*
 * The real timers: a 1 ms reorder timeout gives up the gap and the ack
 * timer acks what that delivered, both from softirq (lockdep watches).
 */
static void rx_real_timers_test(struct kunit *test)
{
	struct kpptp_window_cfg cfg = rec->win.cfg;
	unsigned long end;

	cfg.reorder_timeout_ms = 1;
	cfg.ack_delay_ms = 1;
	set_cfg(&cfg);
	rx(test, 10, true);
	rx(test, 12, true);
	KUNIT_EXPECT_EQ(test, rec->n_delivered, 1);
	KUNIT_EXPECT_TRUE(test, reorder_pending());
	end = jiffies + 2 * HZ;
	while ((READ_ONCE(rec->n_delivered) < 2 || READ_ONCE(rec->n_acks) < 2) &&
	       time_before(jiffies, end))
		msleep(20);
	KUNIT_ASSERT_EQ(test, READ_ONCE(rec->n_delivered), 2);
	KUNIT_EXPECT_EQ(test, rec->delivered[1], 12);
	KUNIT_EXPECT_EQ(test, rec->events[KPPTP_RX_LOST], 1);
	KUNIT_ASSERT_EQ(test, READ_ONCE(rec->n_acks), 2);
	KUNIT_EXPECT_EQ(test, rec->acks[0], 10);
	KUNIT_EXPECT_EQ(test, rec->acks[1], 12);
}

/* Stop with early packets queued and both timers armed. */
static void stop_test(struct kunit *test)
{
	rx(test, 1, true);
	rx(test, 2, true);	/* second ack waits for the ack timer */
	rx(test, 4, true);
	rx(test, 5, true);
	KUNIT_EXPECT_EQ(test, queued(), 2);
	KUNIT_EXPECT_TRUE(test, reorder_pending());
	KUNIT_EXPECT_TRUE(test, timer_pending(&rec->win.ack_timer));
	KUNIT_EXPECT_EQ(test, atomic_read(&skbs), 2);
	kpptp_window_stop(&rec->win);
	KUNIT_EXPECT_FALSE(test, reorder_pending());
	KUNIT_EXPECT_FALSE(test, timer_pending(&rec->win.ack_timer));
	KUNIT_EXPECT_EQ(test, queued(), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&skbs), 0);
	/* dropping the queue is not loss the peer caused: flushed */
	KUNIT_EXPECT_EQ(test, rec->events[KPPTP_RX_LOST], 0);
	KUNIT_EXPECT_EQ(test, rec->events[KPPTP_RX_FLUSHED], 2);
	KUNIT_EXPECT_EQ(test, rec->n_delivered, 2);
	/* a packet still reaching a stopped window is dropped and counted */
	rx(test, 3, true);
	KUNIT_EXPECT_EQ(test, rec->events[KPPTP_RX_FLUSHED], 3);
	KUNIT_EXPECT_EQ(test, rec->n_delivered, 2);
}

/*
 * Reordering switched off (KPPTP_F_NO_REORDER, or reorder_depth or
 * reorder_timeout_ms set to 0 by CALL_SET) while early packets wait: what
 * waits goes first, in order, and only real gaps count as lost.
 */
static void reorder_off_with_queue(struct kunit *test, bool by_cfg)
{
	struct kpptp_window_cfg cfg = rec->win.cfg;
	unsigned int i;

	rx(test, 1, true);
	rx(test, 3, true);
	KUNIT_ASSERT_EQ(test, queued(), 1);
	if (by_cfg) {
		cfg.reorder_depth = 0;
		set_cfg(&cfg);
	}
	rx(test, 5, by_cfg);
	fire_reorder();
	rx(test, 6, by_cfg);
	for (i = 1; i < rec->n_delivered; i++)
		KUNIT_EXPECT_TRUE_MSG(test, kpptp_seq_after(rec->delivered[i],
							    rec->delivered[i - 1]),
				      "delivered %u after %u",
				      rec->delivered[i], rec->delivered[i - 1]);
	/* 3 was received: only 2 and 4 are lost */
	KUNIT_EXPECT_EQ(test, rec->events[KPPTP_RX_LOST], 2);
	KUNIT_EXPECT_EQ(test, rec->win.rx_seq, 6);
}

static void reorder_off_with_queue_by_flag_test(struct kunit *test)
{
	reorder_off_with_queue(test, false);
}

static void reorder_off_with_queue_by_cfg_test(struct kunit *test)
{
	reorder_off_with_queue(test, true);
}

/* Randomised: a sequence shuffled locally, with duplicates and drops. */
struct prop_case {
	const char *name;
	u64 seed;
	u32 base;		/* first sequence number */
	unsigned int n;		/* sequence numbers sent */
	unsigned int spread;	/* how far a packet may move */
	unsigned int drop_pct, dup_pct, timer_pct;
	u16 depth;
	bool no_reorder;
};

static const struct prop_case prop_cases[] = {
	{ "mild", 1, 100, 500, 4, 2, 2, 2, 64 },
	{ "heavy", 2, 0, 1000, 40, 10, 10, 5, 64 },
	{ "wrap", 3, 0xffffff00, 600, 16, 5, 5, 3, 64 },
	{ "shallow_queue", 4, 0xfffffff0, 800, 30, 5, 10, 1, 3 },
	{ "no_timer", 5, 7, 800, 64, 5, 5, 0, 16 },
	{ "no_reorder", 6, 0xfffffe00, 800, 8, 5, 5, 2, 64, true },
	{ "duplicate_storm", 7, 0x7ffffff0, 400, 8, 0, 60, 2, 8 },
};

KUNIT_ARRAY_PARAM_DESC(prop_cases, prop_cases, name);

static void rx_property_test(struct kunit *test)
{
	const struct prop_case *c = test->param_value;
	struct kpptp_window_cfg cfg = rec->win.cfg;
	unsigned int n_in = 0, i, j, d, span;
	struct rnd_state rnd;
	u32 *in, first;
	bool *seen;

	prandom_seed_state(&rnd, c->seed);
	cfg.reorder_depth = c->depth;
	set_cfg(&cfg);
	in = kunit_kcalloc(test, 2 * c->n, sizeof(*in), GFP_KERNEL);
	seen = kunit_kcalloc(test, c->n, sizeof(*seen), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, in);
	KUNIT_ASSERT_NOT_NULL(test, seen);
	KUNIT_ASSERT_LE(test, c->n, REC_MAX);

	/* offsets 0..n-1, some dropped, some twice */
	for (i = 0; i < c->n; i++) {
		if (prandom_u32_state(&rnd) % 100 < c->drop_pct)
			continue;
		in[n_in++] = i;
		if (prandom_u32_state(&rnd) % 100 < c->dup_pct)
			in[n_in++] = i;
	}
	/* each moves by up to spread places */
	for (i = 0; i < n_in; i++) {
		j = i + prandom_u32_state(&rnd) % c->spread;
		if (j < n_in)
			swap(in[i], in[j]);
	}
	for (i = 0; i < n_in; i++) {
		rx(test, c->base + in[i], !c->no_reorder);
		if (prandom_u32_state(&rnd) % 100 < c->timer_pct)
			fire_reorder();
	}
	/* give up what is left, one gap at a time */
	for (i = 0; fire_reorder(); i++)
		KUNIT_ASSERT_LT(test, i, c->n);
	KUNIT_EXPECT_EQ(test, queued(), 0);

	KUNIT_ASSERT_GT(test, rec->n_delivered, 0);
	first = rec->delivered[0];
	KUNIT_EXPECT_EQ(test, first, c->base + in[0]);
	for (i = 0; i < rec->n_delivered; i++) {
		d = rec->delivered[i] - c->base;
		KUNIT_ASSERT_LT_MSG(test, d, c->n, "delivered %#x, never sent",
				    rec->delivered[i]);
		KUNIT_ASSERT_FALSE_MSG(test, seen[d], "delivered %#x twice",
				       rec->delivered[i]);
		seen[d] = true;
		if (i)
			KUNIT_ASSERT_TRUE_MSG(test,
					      kpptp_seq_after(rec->delivered[i],
							      rec->delivered[i - 1]),
					      "delivered %#x after %#x",
					      rec->delivered[i], rec->delivered[i - 1]);
	}
	/* every packet was delivered or dropped as a duplicate or late */
	KUNIT_EXPECT_EQ(test, rec->n_delivered + rec->events[KPPTP_RX_DUPLICATE] +
			rec->events[KPPTP_RX_OUT_OF_RANGE] +
			rec->events[KPPTP_RX_FLUSHED], n_in);
	/* every number from the first to the last delivered: delivered or lost */
	span = rec->win.rx_seq - first + 1;
	KUNIT_EXPECT_EQ(test, rec->n_delivered + rec->events[KPPTP_RX_LOST], span);
	KUNIT_EXPECT_EQ(test, rec->delivered[rec->n_delivered - 1], rec->win.rx_seq);
	KUNIT_EXPECT_LE(test, rec->events[KPPTP_RX_REORDERED], rec->n_delivered);
	if (c->no_reorder)
		KUNIT_EXPECT_EQ(test, rec->events[KPPTP_RX_REORDERED], 0);
}

static struct kunit_case window_test_cases[] = {
	KUNIT_CASE_PARAM(rx_script_test, rx_cases_gen_params),
	KUNIT_CASE(rx_queue_depth_test),
	KUNIT_CASE(reorder_queue_bytes_test),
	KUNIT_CASE(reorder_limit_adapts_test),
	KUNIT_CASE(reorder_wait_adapts_test),
	KUNIT_CASE(late_arrival_raises_limit_test),
	KUNIT_CASE(overflow_next_gap_starts_wait_test),
	KUNIT_CASE_PARAM(rx_property_test, prop_cases_gen_params),
	KUNIT_CASE(rx_real_timers_test),
	KUNIT_CASE(stop_test),
	KUNIT_CASE(reorder_off_with_queue_by_flag_test),
	KUNIT_CASE(reorder_off_with_queue_by_cfg_test),
	{}
};

static struct kunit_suite window_suite = {
	.name = "kpptp_window",
	.init = window_init,
	.exit = window_exit,
	.test_cases = window_test_cases,
};

/* ---- kpptp_window_ack: sequence numbers and acks we send and get ---- */

static void tx_seq_counts_from_0_test(struct kunit *test)
{
	bool has_ack;
	u32 i, ack;

	for (i = 0; i < 5; i++)
		KUNIT_EXPECT_EQ(test, tx_seq(&has_ack, &ack), i);
	all_acked_before(0xfffffffe);
	KUNIT_EXPECT_EQ(test, tx_seq(&has_ack, &ack), 0xfffffffe);
	KUNIT_EXPECT_EQ(test, tx_seq(&has_ack, &ack), 0xffffffff);
	KUNIT_EXPECT_EQ(test, tx_seq(&has_ack, &ack), 0);
}

static void no_ack_before_data_test(struct kunit *test)
{
	bool has_ack = true;
	u32 ack;

	tx_seq(&has_ack, &ack);
	KUNIT_EXPECT_FALSE(test, has_ack);
	KUNIT_EXPECT_FALSE(test, take_ack(&ack));
	KUNIT_EXPECT_EQ(test, rec->send_ack_calls, 0);
}

/* The first packet is acked at once; a piggyback carries only news. */
static void piggyback_test(struct kunit *test)
{
	bool has_ack;
	u32 ack;

	rx(test, 40, true);
	KUNIT_ASSERT_EQ(test, rec->n_acks, 1);
	KUNIT_EXPECT_EQ(test, rec->acks[0], 40);
	tx_seq(&has_ack, &ack);
	KUNIT_EXPECT_FALSE(test, has_ack);	/* 40 was acked already */

	rx(test, 41, true);
	rx(test, 42, true);
	KUNIT_EXPECT_EQ(test, rec->n_acks, 1);	/* the ack timer waits */
	KUNIT_EXPECT_TRUE(test, timer_pending(&rec->win.ack_timer));
	tx_seq(&has_ack, &ack);
	KUNIT_EXPECT_TRUE(test, has_ack);
	KUNIT_EXPECT_EQ(test, ack, 42);
	tx_seq(&has_ack, &ack);
	KUNIT_EXPECT_FALSE(test, has_ack);	/* nothing new */

	/* the piggyback made the standalone ack unnecessary */
	KUNIT_EXPECT_TRUE(test, fire(&rec->win.ack_timer));
	KUNIT_EXPECT_EQ(test, rec->n_acks, 1);
	KUNIT_EXPECT_FALSE(test, take_ack(&ack));

	/* a late packet is no news */
	rx(test, 41, true);
	tx_seq(&has_ack, &ack);
	KUNIT_EXPECT_FALSE(test, has_ack);
}

/* Without data to piggyback on, the ack timer sends the ack. */
static void ack_timer_test(struct kunit *test)
{
	rx(test, 7, true);
	rx(test, 8, true);
	rx(test, 9, true);
	KUNIT_ASSERT_EQ(test, rec->n_acks, 1);
	KUNIT_EXPECT_TRUE(test, fire(&rec->win.ack_timer));
	KUNIT_ASSERT_EQ(test, rec->n_acks, 2);
	KUNIT_EXPECT_EQ(test, rec->acks[1], 9);
	KUNIT_EXPECT_FALSE(test, timer_pending(&rec->win.ack_timer));
	/* an early packet is not acked: it has not been delivered */
	rx(test, 11, true);
	KUNIT_EXPECT_FALSE(test, timer_pending(&rec->win.ack_timer));
	rx(test, 10, true);
	KUNIT_EXPECT_TRUE(test, fire(&rec->win.ack_timer));
	KUNIT_ASSERT_EQ(test, rec->n_acks, 3);
	KUNIT_EXPECT_EQ(test, rec->acks[2], 11);
}

/* ack_delay_ms = 0: every delivery is acked at once. */
static void ack_delay_0_test(struct kunit *test)
{
	struct kpptp_window_cfg cfg = rec->win.cfg;
	u32 i;

	cfg.ack_delay_ms = 0;
	set_cfg(&cfg);
	for (i = 0; i < 5; i++)
		rx(test, 0xfffffffe + i, true);
	KUNIT_ASSERT_EQ(test, rec->n_acks, 5);
	for (i = 0; i < 5; i++)
		KUNIT_EXPECT_EQ(test, rec->acks[i], 0xfffffffe + i);
	KUNIT_EXPECT_FALSE(test, timer_pending(&rec->win.ack_timer));
}

/* A standalone ack goes at once when half the advertised window is unacked. */
static const u16 ack_windows[] = { 1, 2, 3, 8, 64, 1000 };

static void ack_window_desc(const u16 *w, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "recv_window_%u", *w);
}

KUNIT_ARRAY_PARAM(ack_windows, ack_windows, ack_window_desc);

static void ack_half_window_test(struct kunit *test)
{
	const u16 *w = test->param_value;
	struct kpptp_window_cfg cfg = rec->win.cfg;
	u32 half = max_t(u32, 1, *w / 2), seq = 0xfffffff0, i;

	cfg.recv_window = *w;
	set_cfg(&cfg);
	rx(test, seq, true);
	KUNIT_ASSERT_EQ(test, rec->n_acks, 1);
	for (i = 1; i < half; i++)
		rx(test, seq + i, true);
	KUNIT_EXPECT_EQ_MSG(test, rec->n_acks, 1, "acked before %u unacked", half);
	rx(test, seq + half, true);
	KUNIT_ASSERT_EQ(test, rec->n_acks, 2);
	KUNIT_EXPECT_EQ(test, rec->acks[1], seq + half);
	/* a jump over a lost gap counts as unacked too */
	rx(test, seq + 2 * half + 1, false);
	KUNIT_ASSERT_EQ(test, rec->n_acks, 3);
	KUNIT_EXPECT_EQ(test, rec->acks[2], seq + 2 * half + 1);
}

/* The peer's acks: only newer ones, only for what we sent. */
static void ack_rcvd_test(struct kunit *test)
{
	bool has_ack;
	u32 i, ack;

	for (i = 0; i < 10; i++)
		tx_seq(&has_ack, &ack);		/* sent 0..9 */
	KUNIT_EXPECT_EQ(test, tx_una(), 0);
	ack_rcvd(10);				/* never sent */
	KUNIT_EXPECT_EQ(test, tx_una(), 0);
	ack_rcvd(5);
	KUNIT_EXPECT_EQ(test, tx_una(), 6);
	ack_rcvd(3);				/* old */
	KUNIT_EXPECT_EQ(test, tx_una(), 6);
	ack_rcvd(5);
	KUNIT_EXPECT_EQ(test, tx_una(), 6);
	ack_rcvd(0x80000005);			/* far away */
	KUNIT_EXPECT_EQ(test, tx_una(), 6);
	ack_rcvd(9);
	KUNIT_EXPECT_EQ(test, tx_una(), 10);
	ack_rcvd(10);
	KUNIT_EXPECT_EQ(test, tx_una(), 10);
}

static void ack_rcvd_wrap_test(struct kunit *test)
{
	bool has_ack;
	u32 i, ack;

	all_acked_before(0xfffffffe);
	for (i = 0; i < 4; i++)
		tx_seq(&has_ack, &ack);		/* sent fffffffe..1 */
	ack_rcvd(0xffffffff);
	KUNIT_EXPECT_EQ(test, tx_una(), 0);
	ack_rcvd(1);
	KUNIT_EXPECT_EQ(test, tx_una(), 2);
	ack_rcvd(0);				/* old, across the wrap */
	KUNIT_EXPECT_EQ(test, tx_una(), 2);
	ack_rcvd(0xfffffffe);
	KUNIT_EXPECT_EQ(test, tx_una(), 2);
	ack_rcvd(2);				/* not sent yet */
	KUNIT_EXPECT_EQ(test, tx_una(), 2);
}

/* Acks for numbers before the first one sent (0) were never sent either. */
static void ack_before_any_sent_test(struct kunit *test)
{
	ack_rcvd(0xffffffff);
	KUNIT_EXPECT_EQ(test, tx_una(), 0);
}

static void ack_before_first_sent_test(struct kunit *test)
{
	bool has_ack;
	u32 i, ack;

	for (i = 0; i < 10; i++)
		tx_seq(&has_ack, &ack);		/* sent 0..9 */
	ack_rcvd(0x80000011);
	KUNIT_EXPECT_EQ(test, tx_una(), 0);
}

static u32 send_window(void)
{
	struct kpptp_window_tx_info info;

	kpptp_window_tx_info(&rec->win, &info);
	return info.send_window;
}

/*
 * RFC 2637 4.2 send window: half what the peer advertised to start with;
 * full, the sender stalls until an ack makes room (kpptp_tx_wake); a
 * whole window acked opens it by one, up to the peer's window.
 */
static void send_window_test(struct kunit *test)
{
	u32 w = send_window(), i, seq, ack;
	bool has_ack;

	KUNIT_ASSERT_EQ(test, w, KPPTP_DEFAULT_WINDOW / 2);
	for (i = 0; i < w; i++) {
		KUNIT_ASSERT_TRUE(test, send(true, &seq, &has_ack, &ack));
		KUNIT_EXPECT_EQ(test, seq, i);
	}
	KUNIT_EXPECT_FALSE(test, send(true, &seq, &has_ack, &ack));
	KUNIT_EXPECT_EQ(test, rec->tx_wakes, 0);
	/* without enforce (LCP, control) a packet still goes */
	KUNIT_EXPECT_TRUE(test, send(false, &seq, &has_ack, &ack));
	KUNIT_EXPECT_EQ(test, seq, w);

	/* w + 1 in flight: acking 0 and 1 leaves room for one */
	ack_rcvd(0);
	KUNIT_EXPECT_EQ(test, rec->tx_wakes, 1);
	KUNIT_EXPECT_FALSE(test, send(true, &seq, &has_ack, &ack));
	ack_rcvd(1);
	KUNIT_EXPECT_EQ(test, rec->tx_wakes, 2);
	KUNIT_EXPECT_TRUE(test, send(true, &seq, &has_ack, &ack));
	KUNIT_EXPECT_FALSE(test, send(true, &seq, &has_ack, &ack));
	ack_rcvd(2);
	KUNIT_EXPECT_EQ(test, rec->tx_wakes, 3);
	ack_rcvd(3);			/* not stalled: no wake */
	KUNIT_EXPECT_EQ(test, rec->tx_wakes, 3);
	KUNIT_EXPECT_EQ(test, send_window(), w);
	ack_rcvd(w);			/* w + 1 acked in all */
	KUNIT_EXPECT_EQ(test, send_window(), w + 1);
}

static void send_window_ceiling_test(struct kunit *test)
{
	struct kpptp_window_cfg cfg = rec->win.cfg;
	u32 i, seq, ack;
	bool has_ack;

	cfg.peer_recv_window = 2;
	set_cfg(&cfg);
	KUNIT_EXPECT_EQ(test, send_window(), 2);
	for (i = 0; i < 50; i++) {
		send(false, &seq, &has_ack, &ack);
		ack_rcvd(seq);
	}
	KUNIT_EXPECT_EQ(test, send_window(), 2);
}

/* RFC 2637 4.4: no ack in time writes off what is in flight, halves the window. */
static void ack_timeout_test(struct kunit *test)
{
	u32 w = send_window(), i, seq, ack;
	bool has_ack;

	for (i = 0; i < w; i++)
		send(true, &seq, &has_ack, &ack);
	KUNIT_EXPECT_FALSE(test, send(true, &seq, &has_ack, &ack));
	fire_tx();
	KUNIT_EXPECT_EQ(test, rec->events[KPPTP_TX_ACK_TIMEOUT], 1);
	KUNIT_EXPECT_EQ(test, rec->tx_wakes, 1);
	KUNIT_EXPECT_EQ(test, tx_una(), w);
	KUNIT_EXPECT_EQ(test, send_window(), w / 2);
	/* nothing in flight: nothing to time out */
	fire_tx();
	KUNIT_EXPECT_EQ(test, rec->events[KPPTP_TX_ACK_TIMEOUT], 1);
	/* a late ack for what was written off is old news */
	ack_rcvd(w - 1);
	KUNIT_EXPECT_EQ(test, tx_una(), w);
	for (i = 0; i < w / 2; i++)
		KUNIT_EXPECT_TRUE(test, send(true, &seq, &has_ack, &ack));
	KUNIT_EXPECT_FALSE(test, send(true, &seq, &has_ack, &ack));
}

/* Pretend the packet being timed went out @ms ago. */
static void rtt_backdate(u32 ms)
{
	local_bh_disable();
	rec->win.rtt_start_ns -= (u64)ms * NSEC_PER_MSEC;
	local_bh_enable();
}

/* Within @tol of @want (samples include the test's own few microseconds). */
#define EXPECT_NEAR(test, got, want, tol) \
	KUNIT_EXPECT_TRUE_MSG(test, (got) + (tol) >= (want) && \
			      (got) <= (want) + (tol), "%u, want %u +- %u", \
			      (u32)(got), (u32)(want), (u32)(tol))

/*
 * RFC 2637 4.4 with alpha 1/8, beta 1/4, chi 4: RTT0 100 ms without a
 * processing delay from the peer (DEV0 half of it), one 20 ms sample moves
 * RTT by an eighth of the difference and DEV by a quarter of |DIFF| - DEV;
 * a timeout doubles RTT; many samples converge on the path.
 */
static void rtt_estimate_test(struct kunit *test)
{
	u32 seq, ack, i;
	bool has_ack;

	KUNIT_EXPECT_EQ(test, rec->win.rtt_us, 100000);
	KUNIT_EXPECT_EQ(test, rec->win.dev_us, 50000);
	KUNIT_EXPECT_EQ(test, rec->win.ato_us, 300000);

	send(false, &seq, &has_ack, &ack);
	rtt_backdate(20);
	ack_rcvd(seq);
	EXPECT_NEAR(test, rec->win.rtt_us, 90000, 500);
	EXPECT_NEAR(test, rec->win.dev_us, 57500, 500);
	EXPECT_NEAR(test, rec->win.ato_us,
		    rec->win.rtt_us + 4 * rec->win.dev_us, 1);

	send(false, &seq, &has_ack, &ack);
	fire_tx();
	EXPECT_NEAR(test, rec->win.rtt_us, 180000, 1000);

	for (i = 0; i < 100; i++) {
		send(false, &seq, &has_ack, &ack);
		rtt_backdate(20);
		ack_rcvd(seq);
	}
	EXPECT_NEAR(test, rec->win.rtt_us, 20000, 500);
	/* a steady path: DEV shrinks, ATO stays above the 10 ms floor */
	KUNIT_EXPECT_LT(test, rec->win.dev_us, 2000);
	KUNIT_EXPECT_GE(test, rec->win.ato_us, rec->win.rtt_us);
	KUNIT_EXPECT_GE(test, rec->win.ato_us, 10000);
}

/* RTT0 is the peer's processing delay (1/10 s), ATO at most 5 s. */
static void rtt_from_peer_ppd_test(struct kunit *test)
{
	struct kpptp_window_cfg cfg = rec->win.cfg;

	kpptp_window_stop(&rec->win);
	cfg.peer_ppd = 5;
	kpptp_window_init(&rec->win, &cfg);
	KUNIT_EXPECT_EQ(test, rec->win.rtt_us, 500000);
	KUNIT_EXPECT_EQ(test, rec->win.ato_us, 1500000);

	kpptp_window_stop(&rec->win);
	cfg.peer_ppd = 100;
	kpptp_window_init(&rec->win, &cfg);
	KUNIT_EXPECT_EQ(test, rec->win.rtt_us, 5000000);
	KUNIT_EXPECT_EQ(test, rec->win.ato_us, 5000000);
}

/*
 * CALL_SET gives the peer's processing delay after the call was made (a
 * PNS learns it from the Outgoing-Call-Reply): it seeds the estimate as
 * at creation, until an ack has given a real sample.
 */
static void rtt_reseeded_by_peer_ppd_test(struct kunit *test)
{
	struct kpptp_window_cfg cfg = rec->win.cfg;
	u32 seq, ack, rtt;
	bool has_ack;

	KUNIT_EXPECT_EQ(test, rec->win.rtt_us, 100000);
	cfg.peer_ppd = 5;
	set_cfg(&cfg);
	KUNIT_EXPECT_EQ(test, rec->win.rtt_us, 500000);
	KUNIT_EXPECT_EQ(test, rec->win.dev_us, 250000);
	KUNIT_EXPECT_EQ(test, rec->win.ato_us, 1500000);
	cfg.peer_ppd = 0;		/* back to the default */
	set_cfg(&cfg);
	KUNIT_EXPECT_EQ(test, rec->win.rtt_us, 100000);

	send(false, &seq, &has_ack, &ack);
	rtt_backdate(20);
	ack_rcvd(seq);
	rtt = rec->win.rtt_us;
	cfg.peer_ppd = 30;		/* measured beats announced */
	set_cfg(&cfg);
	KUNIT_EXPECT_EQ(test, rec->win.rtt_us, rtt);
	cfg.ack_delay_ms = 7;		/* other changes never reseed */
	set_cfg(&cfg);
	KUNIT_EXPECT_EQ(test, rec->win.rtt_us, rtt);
}

static struct kunit_case ack_test_cases[] = {
	KUNIT_CASE(tx_seq_counts_from_0_test),
	KUNIT_CASE(no_ack_before_data_test),
	KUNIT_CASE(piggyback_test),
	KUNIT_CASE(ack_timer_test),
	KUNIT_CASE(ack_delay_0_test),
	KUNIT_CASE_PARAM(ack_half_window_test, ack_windows_gen_params),
	KUNIT_CASE(ack_rcvd_test),
	KUNIT_CASE(ack_rcvd_wrap_test),
	KUNIT_CASE(ack_before_any_sent_test),
	KUNIT_CASE(ack_before_first_sent_test),
	KUNIT_CASE(send_window_test),
	KUNIT_CASE(send_window_ceiling_test),
	KUNIT_CASE(ack_timeout_test),
	KUNIT_CASE(rtt_estimate_test),
	KUNIT_CASE(rtt_from_peer_ppd_test),
	KUNIT_CASE(rtt_reseeded_by_peer_ppd_test),
	{}
};

static struct kunit_suite ack_suite = {
	.name = "kpptp_window_ack",
	.init = window_init,
	.exit = window_exit,
	.test_cases = ack_test_cases,
};

kunit_test_suites(&seq_suite, &window_suite, &ack_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for kpptp's sequence and acknowledgment window");
