// SPDX-License-Identifier: GPL-2.0
/*
 * RFC 2637 4.2 sequence numbers and acknowledgements.
 *
 * Sequence numbers are compared with serial arithmetic, so a call survives
 * the 32-bit wrap.  A packet is delivered only if it is newer than every
 * packet delivered before it: PPP never sees a duplicate or a late frame.
 * Early packets wait in a short sorted queue for the gap before them.
 */

#include <linux/jiffies.h>

#include "window.h"

void kpptp_window_cfg_defaults(struct kpptp_window_cfg *cfg)
{
	cfg->recv_window = KPPTP_DEFAULT_WINDOW;
	cfg->peer_recv_window = KPPTP_DEFAULT_WINDOW;
	cfg->peer_ppd = 0;
	cfg->reorder_depth = KPPTP_DEFAULT_REORDER_DEPTH;
	cfg->reorder_timeout_ms = KPPTP_DEFAULT_REORDER_MS;
	cfg->ack_delay_ms = KPPTP_DEFAULT_ACK_DELAY_MS;
}

/*
 * The ack to send, if the peer has not been told about the latest in-order
 * packet yet; marks it sent.  Caller holds tx_lock.
 */
static bool kpptp_pick_ack(struct kpptp_window *win, u32 *ack)
{
	u32 rx_seq;

	lockdep_assert_held(&win->tx_lock);

	/* pairs with the release in kpptp_deliver_seq() */
	if (!smp_load_acquire(&win->rx_started))
		return false;
	rx_seq = READ_ONCE(win->rx_seq);
	if (win->ack_sent_valid && win->ack_sent == rx_seq)
		return false;
	WRITE_ONCE(win->ack_sent, rx_seq);
	WRITE_ONCE(win->ack_sent_valid, true);
	*ack = rx_seq;
	return true;
}

/* The ack for an ack-only packet, if one is due. */
bool kpptp_window_take_ack(struct kpptp_window *win, u32 *ack)
{
	bool due;

	spin_lock(&win->tx_lock);
	due = kpptp_pick_ack(win, ack);
	spin_unlock(&win->tx_lock);
	return due;
}

/* New parameters from CALL_SET; the data path reads them under its locks. */
void kpptp_window_set_cfg(struct kpptp_window *win,
			  const struct kpptp_window_cfg *cfg)
{
	spin_lock_bh(&win->rx_lock);
	spin_lock(&win->tx_lock);
	win->cfg = *cfg;
	spin_unlock(&win->tx_lock);
	spin_unlock_bh(&win->rx_lock);
}

/* The sequence number of a packet waiting in the reorder queue. */
struct kpptp_skb_cb {
	u32 seq;
};

static u32 *kpptp_skb_seq(struct sk_buff *skb)
{
	BUILD_BUG_ON(sizeof(struct kpptp_skb_cb) > sizeof(skb->cb));
	return &((struct kpptp_skb_cb *)skb->cb)->seq;
}

/*
 * RFC 2637 4.2: acknowledge what was delivered.  Data going the other way
 * carries the ack for free; otherwise an ack-only packet goes after
 * ack_delay, or at once when half the window we advertised is unacked.
 */
static void kpptp_ack_schedule(struct kpptp_window *win)
{
	u32 unacked = win->rx_seq - READ_ONCE(win->ack_sent);

	if (!READ_ONCE(win->ack_sent_valid) ||
	    unacked >= max_t(u32, 1, win->cfg.recv_window / 2) ||
	    !win->cfg.ack_delay_ms)
		kpptp_send_ack(win);
	else if (!timer_pending(&win->ack_timer))
		mod_timer(&win->ack_timer,
			  jiffies + msecs_to_jiffies(win->cfg.ack_delay_ms));
}

static void kpptp_ack_timeout(struct timer_list *t)
{
	struct kpptp_window *win = from_timer(win, t, ack_timer);

	kpptp_send_ack(win);
}

static void kpptp_deliver_seq(struct kpptp_window *win, struct sk_buff *skb,
			      u32 seq)
{
	WRITE_ONCE(win->rx_seq, seq);
	/* pairs with the acquire in tx_seq: rx_seq is set before it is used */
	smp_store_release(&win->rx_started, true);
	kpptp_rx_deliver(win, skb);
	kpptp_ack_schedule(win);
}

/* Give the gap at the head of the reorder queue a full timeout. */
static void kpptp_reorder_arm(struct kpptp_window *win)
{
	mod_timer(&win->reorder_timer, jiffies +
		  max(1UL, msecs_to_jiffies(win->cfg.reorder_timeout_ms)));
}

/* Deliver queued packets for as long as they continue the sequence. */
static void kpptp_drain(struct kpptp_window *win)
{
	struct sk_buff *skb;

	while ((skb = skb_peek(&win->reorder_q)) &&
	       *kpptp_skb_seq(skb) == win->rx_seq + 1) {
		__skb_unlink(skb, &win->reorder_q);
		kpptp_rx_count(win, KPPTP_RX_REORDERED, 1);
		kpptp_deliver_seq(win, skb, *kpptp_skb_seq(skb));
	}
}

/* Declare the gap before the oldest queued packet lost and move on. */
static void kpptp_skip_gap(struct kpptp_window *win)
{
	struct sk_buff *skb = skb_peek(&win->reorder_q);

	if (!skb)
		return;
	kpptp_rx_count(win, KPPTP_RX_LOST, *kpptp_skb_seq(skb) - win->rx_seq - 1);
	win->rx_seq = *kpptp_skb_seq(skb) - 1;
	kpptp_drain(win);
}

/* Queue an early packet in sequence order; false if it is a duplicate. */
static bool kpptp_queue_early(struct kpptp_window *win, struct sk_buff *skb,
			      u32 seq)
{
	struct sk_buff *pos;

	skb_queue_reverse_walk(&win->reorder_q, pos) {
		if (*kpptp_skb_seq(pos) == seq)
			return false;
		if (kpptp_seq_after(seq, *kpptp_skb_seq(pos))) {
			*kpptp_skb_seq(skb) = seq;
			__skb_queue_after(&win->reorder_q, pos, skb);
			return true;
		}
	}
	*kpptp_skb_seq(skb) = seq;
	__skb_queue_head(&win->reorder_q, skb);
	return true;
}

/*
 * RFC 2637 4.3: deliver in order, hold early packets until the gap fills,
 * the reorder timeout passes or the queue is full, drop duplicates and
 * late packets.  Caller holds rx_lock; the packet is always consumed.
 */
void kpptp_window_rx(struct kpptp_window *win, struct sk_buff *skb, u32 seq,
		     bool reorder)
{
	const struct kpptp_window_cfg *cfg = &win->cfg;
	u32 queued;

	lockdep_assert_held(&win->rx_lock);

	if (win->rx_started && !kpptp_seq_after(seq, win->rx_seq)) {
		kpptp_rx_count(win, KPPTP_RX_DUPLICATE, 1);
		kfree_skb(skb);
		return;
	}
	if (!win->rx_started || seq == win->rx_seq + 1) {
		queued = skb_queue_len(&win->reorder_q);
		kpptp_deliver_seq(win, skb, seq);
		kpptp_drain(win);
		/* a gap filled: the next gap at the head gets its own wait */
		if (skb_queue_empty(&win->reorder_q))
			del_timer(&win->reorder_timer);
		else if (skb_queue_len(&win->reorder_q) != queued)
			kpptp_reorder_arm(win);
		return;
	}
	/* Early.  Without a reorder queue the gap is lost at once. */
	if (!reorder || !cfg->reorder_depth || !cfg->reorder_timeout_ms) {
		kpptp_rx_count(win, KPPTP_RX_LOST, seq - win->rx_seq - 1);
		kpptp_deliver_seq(win, skb, seq);
		return;
	}
	if (!kpptp_queue_early(win, skb, seq)) {
		kpptp_rx_count(win, KPPTP_RX_DUPLICATE, 1);
		kfree_skb(skb);
		return;
	}
	while (skb_queue_len(&win->reorder_q) > cfg->reorder_depth)
		kpptp_skip_gap(win);
	if (!skb_queue_empty(&win->reorder_q) &&
	    !timer_pending(&win->reorder_timer))
		kpptp_reorder_arm(win);
}

/* The gap at the head waited long enough: give it up, wait for the next. */
static void kpptp_reorder_timeout(struct timer_list *t)
{
	struct kpptp_window *win = from_timer(win, t, reorder_timer);

	spin_lock_bh(&win->rx_lock);
	kpptp_skip_gap(win);
	if (!skb_queue_empty(&win->reorder_q))
		kpptp_reorder_arm(win);
	spin_unlock_bh(&win->rx_lock);
}

/*
 * Stop the timer and drop what is queued.  Called once no receiver can
 * reach the call any more and before its channel is unregistered.
 */
void kpptp_window_stop(struct kpptp_window *win)
{
	/* the reorder timer delivers and so can arm the ack timer: first */
	del_timer_sync(&win->reorder_timer);
	del_timer_sync(&win->ack_timer);
	spin_lock_bh(&win->rx_lock);
	__skb_queue_purge(&win->reorder_q);
	spin_unlock_bh(&win->rx_lock);
}

/* An ack from the peer, piggybacked or standalone. */
void kpptp_window_ack_rcvd(struct kpptp_window *win, u32 ack)
{
	spin_lock(&win->tx_lock);
	/* Acks for sequence numbers never sent are bogus; ignore them. */
	if (kpptp_seq_after(win->tx_seq, ack) &&
	    (!win->tx_acked_valid || kpptp_seq_after(ack, win->tx_acked))) {
		win->tx_acked = ack;
		win->tx_acked_valid = true;
	}
	spin_unlock(&win->tx_lock);
}

/*
 * Sequence number for the next data packet, and the ack to piggyback on it
 * if the peer has not been told about the latest in-order packet yet.
 */
u32 kpptp_window_tx_seq(struct kpptp_window *win, u32 *ack, bool *has_ack)
{
	u32 seq;

	spin_lock(&win->tx_lock);
	seq = win->tx_seq++;
	*has_ack = kpptp_pick_ack(win, ack);
	spin_unlock(&win->tx_lock);
	return seq;
}

void kpptp_window_init(struct kpptp_window *win,
		       const struct kpptp_window_cfg *cfg)
{
	memset(win, 0, sizeof(*win));
	win->cfg = *cfg;
	spin_lock_init(&win->rx_lock);
	spin_lock_init(&win->tx_lock);
	__skb_queue_head_init(&win->reorder_q);
	timer_setup(&win->reorder_timer, kpptp_reorder_timeout, 0);
	timer_setup(&win->ack_timer, kpptp_ack_timeout, 0);
}
