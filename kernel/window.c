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
#include <linux/math64.h>
#include <linux/ktime.h>

#include "compat.h"
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

static void kpptp_rtt_init(struct kpptp_window *win);

/*
 * New parameters from CALL_SET; the data path reads them under its locks.
 * A control daemon often learns the peer's packet processing delay only
 * after the call exists (the PNS from the Outgoing-Call-Reply): until the
 * first RTT sample, a new one seeds the estimate again.
 */
void kpptp_window_set_cfg(struct kpptp_window *win,
			  const struct kpptp_window_cfg *cfg)
{
	bool reseed;

	spin_lock_bh(&win->rx_lock);
	spin_lock(&win->tx_lock);
	reseed = cfg->peer_ppd != win->cfg.peer_ppd && !win->rtt_sampled;
	win->cfg = *cfg;
	if (reseed)
		kpptp_rtt_init(win);
	win->reorder_extent = min_t(u32, win->reorder_extent,
				    cfg->reorder_depth);
	win->reorder_wait_us = min_t(u32, win->reorder_wait_us,
				     cfg->reorder_timeout_ms * USEC_PER_MSEC);
	win->tx_window = clamp_t(u32, win->tx_window, 1, cfg->peer_recv_window);
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
	struct kpptp_window *win = timer_container_of(win, t, ack_timer);

	kpptp_send_ack(win);
}

static void kpptp_deliver_seq(struct kpptp_window *win, struct sk_buff *skb,
			      u32 seq)
{
	WRITE_ONCE(win->rx_seq, seq);
	/* pairs with the acquire in kpptp_pick_ack(): rx_seq is set first */
	smp_store_release(&win->rx_started, true);
	kpptp_rx_deliver(win, skb);
	kpptp_ack_schedule(win);
}

/*
 * How long a gap may wait, the time counterpart of kpptp_reorder_limit():
 * twice the time gaps recently took to fill, between 1 ms and
 * reorder-timeout.  Holding a loss for the full 20 ms default is what
 * collapses TCP on a lossy path: its flow behind the gap stops until then.
 */
static u64 kpptp_reorder_timeout_ns(struct kpptp_window *win)
{
	u64 max_ns = (u64)win->cfg.reorder_timeout_ms * NSEC_PER_MSEC;
	u64 ns = 2ULL * win->reorder_wait_us * NSEC_PER_USEC;

	return clamp_t(u64, ns, min_t(u64, max_ns,
				      KPPTP_MIN_REORDER_US * NSEC_PER_USEC),
		       max_ns);
}

/* The gap now at the head of the reorder queue starts its wait. */
static void kpptp_reorder_arm(struct kpptp_window *win)
{
	win->gap_start_ns = ktime_get_ns();
	hrtimer_start(&win->reorder_timer,
		      ns_to_ktime(kpptp_reorder_timeout_ns(win)),
		      HRTIMER_MODE_REL_SOFT);
}

/* Deliver queued packets for as long as they continue the sequence. */
static void kpptp_drain(struct kpptp_window *win)
{
	struct sk_buff *skb;

	while ((skb = skb_peek(&win->reorder_q)) &&
	       *kpptp_skb_seq(skb) == win->rx_seq + 1) {
		__skb_unlink(skb, &win->reorder_q);
		win->reorder_bytes -= skb->truesize;
		kpptp_rx_count(win, KPPTP_RX_REORDERED, 1);
		kpptp_deliver_seq(win, skb, *kpptp_skb_seq(skb));
	}
}

/*
 * How many early packets may wait for a gap.  A gap that is only reordering
 * fills once the packets that overtook it have arrived, so twice the recent
 * overtaking distance is enough; a gap that is a loss never fills, and
 * waiting for it only stalls the flow behind it (TCP sees no duplicate acks
 * until we give up).  The distance grows at once when a gap fills later
 * than that and shrinks by 1/8 per gap given up, so a lossy path without
 * reordering holds packets only briefly.  reorder-depth is the ceiling.
 */
static u32 kpptp_reorder_limit(struct kpptp_window *win)
{
	u32 depth = win->cfg.reorder_depth;

	return clamp_t(u32, 2 * win->reorder_extent,
		       min_t(u32, depth, KPPTP_MIN_REORDER_LIMIT), depth);
}

/*
 * The memory early packets may pin, whatever their number: a peer sending
 * large datagrams (reassembled, up to 64 KB each) must not hold
 * reorder_depth of them.
 */
static u32 kpptp_reorder_bytes_max(struct kpptp_window *win)
{
	return max_t(u32, KPPTP_MIN_REORDER_BYTES,
		     (u32)win->cfg.reorder_depth * KPPTP_REORDER_BYTES_PER_PKT);
}

/* Microseconds since @start_ns, a ktime_get_ns() value. */
static u64 kpptp_us_since(u64 start_ns)
{
	return div_u64(ktime_get_ns() - start_ns, NSEC_PER_USEC);
}

/*
 * Reordering seen: @overtaken packets arrived before one whose gap began
 * to wait at @since_ns.  Raises the estimates at once, up to reorder-depth
 * and reorder-timeout; giving a gap up lowers them by 1/8 (kpptp_skip_gap).
 */
static void kpptp_reorder_seen(struct kpptp_window *win, u32 overtaken,
			       u64 since_ns)
{
	win->reorder_extent = max(win->reorder_extent,
				  min_t(u32, overtaken,
					win->cfg.reorder_depth));
	win->reorder_wait_us = max_t(u64, win->reorder_wait_us,
				     min_t(u64, kpptp_us_since(since_ns),
					   win->cfg.reorder_timeout_ms *
					   USEC_PER_MSEC));
}

/*
 * Declare the gap before the oldest queued packet lost and move on.  The
 * next gap, if packets still wait behind one, starts its own wait now: it
 * must not inherit the start of the gap given up, or it would be given up
 * early and, when it fills, make the wait estimate grow by the time the
 * previous gap waited.
 */
static void kpptp_skip_gap(struct kpptp_window *win)
{
	struct sk_buff *skb = skb_peek(&win->reorder_q);

	if (!skb)
		return;
	/* rounded up, so that the estimates can reach the floors */
	win->reorder_extent -= DIV_ROUND_UP(win->reorder_extent, 8);
	win->reorder_wait_us -= DIV_ROUND_UP(win->reorder_wait_us, 8);
	win->skip_lo = win->rx_seq + 1;
	win->skip_hi = *kpptp_skb_seq(skb) - 1;
	win->skip_gap_start_ns = win->gap_start_ns;
	win->skip_valid = true;
	kpptp_rx_count(win, KPPTP_RX_LOST, *kpptp_skb_seq(skb) - win->rx_seq - 1);
	WRITE_ONCE(win->rx_seq, *kpptp_skb_seq(skb) - 1);
	kpptp_drain(win);
	if (!skb_queue_empty(&win->reorder_q))
		kpptp_reorder_arm(win);
}

/*
 * A packet from the gap given up last arrived after all: that gap was
 * reordering, not loss, and we gave up too early.  Learn from it as from a
 * gap that filled, or a path whose reordering exceeds the estimates would
 * keep losing its late packets.  Once per gap given up.
 */
static void kpptp_late_arrival(struct kpptp_window *win, u32 seq)
{
	if (!win->skip_valid || kpptp_seq_after(win->skip_lo, seq) ||
	    kpptp_seq_after(seq, win->skip_hi))
		return;
	win->skip_valid = false;
	kpptp_reorder_seen(win, win->rx_seq - seq, win->skip_gap_start_ns);
}

/*
 * Reordering is off: give up the gap before @seq at once.  Packets queued
 * while it was on and older than @seq go first, so the sequence PPP sees
 * still only ever increases.
 */
static void kpptp_deliver_early(struct kpptp_window *win, struct sk_buff *skb,
				u32 seq)
{
	struct sk_buff *head;

	while ((head = skb_peek(&win->reorder_q)) &&
	       !kpptp_seq_after(*kpptp_skb_seq(head), seq))
		kpptp_skip_gap(win);
	if (!kpptp_seq_after(seq, win->rx_seq)) {	/* was queued already */
		kpptp_rx_count(win, KPPTP_RX_DUPLICATE, 1);
		kfree_skb(skb);
		return;
	}
	kpptp_rx_count(win, KPPTP_RX_LOST, seq - win->rx_seq - 1);
	kpptp_deliver_seq(win, skb, seq);
}

/*
 * Drop everything the reorder queue holds: packets received that will never
 * be delivered, counted so that every packet received shows somewhere.
 */
static void kpptp_reorder_flush(struct kpptp_window *win)
{
	u32 n = skb_queue_len(&win->reorder_q);

	if (!n)
		return;
	__skb_queue_purge(&win->reorder_q);
	win->reorder_bytes = 0;
	kpptp_rx_count(win, KPPTP_RX_FLUSHED, n);
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
			win->reorder_bytes += skb->truesize;
			return true;
		}
	}
	*kpptp_skb_seq(skb) = seq;
	__skb_queue_head(&win->reorder_q, skb);
	win->reorder_bytes += skb->truesize;
	return true;
}

/*
 * How far from the expected sequence number a packet is believed.  A peer
 * that respects our window sends at most recv_window beyond what we acked,
 * and the reorder queue can hold the ack back by reorder_depth more; a late
 * packet is at most about as far behind.  Believing more lets one forged
 * packet make every genuine one look late until the peer catches up.
 */
static u32 kpptp_seq_jump_max(const struct kpptp_window *win)
{
	return max_t(u32, KPPTP_MIN_SEQ_JUMP,
		     (u32)win->cfg.recv_window + win->cfg.reorder_depth);
}

/*
 * Whether @seq is close enough to the expected one to be believed.
 * KPPTP_RESYNC_PACKETS out-of-range packets in a row, each close to the
 * one before, restart the sequence at the last: the peer restarted it or
 * lost that many (RFC 2637 sets no bound), and a call must recover; a
 * packet in range in between starts the count again.
 */
static bool kpptp_seq_in_range(struct kpptp_window *win, u32 seq)
{
	s32 max = kpptp_seq_jump_max(win);
	s32 dist = seq - win->rx_seq;
	s32 from_far = seq - win->rx_far_seq;

	if (dist <= max && dist >= -max) {
		win->rx_far = 0;
		return true;
	}
	if (win->rx_far && from_far <= max && from_far >= -max)
		win->rx_far++;
	else
		win->rx_far = 1;
	win->rx_far_seq = seq;
	if (win->rx_far < KPPTP_RESYNC_PACKETS)
		return false;
	/* What waits for the old sequence will never be delivered now. */
	kpptp_reorder_flush(win);
	hrtimer_try_to_cancel(&win->reorder_timer);
	win->rx_far = 0;
	win->skip_valid = false;
	WRITE_ONCE(win->rx_seq, seq - 1);
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
	u32 queued, limit;

	lockdep_assert_held(&win->rx_lock);

	if (unlikely(win->rx_stopped)) {
		kpptp_rx_count(win, KPPTP_RX_FLUSHED, 1);
		kfree_skb(skb);
		return;
	}
	if (win->rx_started && !kpptp_seq_in_range(win, seq)) {
		kpptp_rx_count(win, KPPTP_RX_OUT_OF_RANGE, 1);
		kfree_skb(skb);
		return;
	}
	if (win->rx_started && !kpptp_seq_after(seq, win->rx_seq)) {
		kpptp_late_arrival(win, seq);
		kpptp_rx_count(win, KPPTP_RX_DUPLICATE, 1);
		kfree_skb(skb);
		return;
	}
	if (!win->rx_started || seq == win->rx_seq + 1) {
		queued = skb_queue_len(&win->reorder_q);
		if (queued)	/* a gap filled: @queued packets overtook it */
			kpptp_reorder_seen(win, queued, win->gap_start_ns);
		kpptp_deliver_seq(win, skb, seq);
		kpptp_drain(win);
		/* a gap filled: the next gap at the head gets its own wait */
		if (skb_queue_empty(&win->reorder_q))
			hrtimer_try_to_cancel(&win->reorder_timer);
		else if (skb_queue_len(&win->reorder_q) != queued)
			kpptp_reorder_arm(win);
		return;
	}
	/* Early.  Without a reorder queue the gap is lost at once. */
	if (!reorder || !cfg->reorder_depth || !cfg->reorder_timeout_ms) {
		kpptp_deliver_early(win, skb, seq);
		return;
	}
	if (!kpptp_queue_early(win, skb, seq)) {
		kpptp_rx_count(win, KPPTP_RX_DUPLICATE, 1);
		kfree_skb(skb);
		return;
	}
	limit = kpptp_reorder_limit(win);
	while (skb_queue_len(&win->reorder_q) > limit ||
	       (win->reorder_bytes > kpptp_reorder_bytes_max(win) &&
		!skb_queue_empty(&win->reorder_q)))
		kpptp_skip_gap(win);
	if (!skb_queue_empty(&win->reorder_q) &&
	    !hrtimer_is_queued(&win->reorder_timer))
		kpptp_reorder_arm(win);
}

/*
 * The gap at the head may have waited long enough: give it up and let the
 * next one wait.  The head may have changed since the timer was set, and
 * the allowed wait with it: the deadline is checked again under the lock.
 */
static enum hrtimer_restart kpptp_reorder_timeout(struct hrtimer *t)
{
	struct kpptp_window *win = container_of(t, struct kpptp_window,
						reorder_timer);
	u64 now, deadline;

	spin_lock_bh(&win->rx_lock);
	if (!skb_queue_empty(&win->reorder_q)) {
		now = ktime_get_ns();
		deadline = win->gap_start_ns + kpptp_reorder_timeout_ns(win);
		if (now < deadline)
			hrtimer_start(t, ns_to_ktime(deadline - now),
				      HRTIMER_MODE_REL_SOFT);
		else
			kpptp_skip_gap(win);	/* arms for the next gap */
	}
	spin_unlock_bh(&win->rx_lock);
	return HRTIMER_NORESTART;
}

/*
 * The call is going: drop what waits in the reorder queue, and every packet
 * that still reaches the window, as flushed.  A deleter calls this before
 * it reports the call's final counters.  Process context.
 */
void kpptp_window_flush(struct kpptp_window *win)
{
	spin_lock_bh(&win->rx_lock);
	win->rx_stopped = true;
	kpptp_reorder_flush(win);
	spin_unlock_bh(&win->rx_lock);
}

/*
 * Stop the timers and flush.  Called once no receiver can reach the call
 * any more and before its channel is unregistered.
 */
void kpptp_window_stop(struct kpptp_window *win)
{
	/* the reorder timer delivers and so can arm the ack timer: first */
	hrtimer_cancel(&win->reorder_timer);
	timer_delete_sync(&win->ack_timer);
	timer_delete_sync(&win->tx_timer);
	kpptp_window_flush(win);
}

/* RFC 2637 4.4: ATO = min(RTT + chi DEV, max), with chi 4 and a floor. */
static void kpptp_ato_update(struct kpptp_window *win)
{
	u64 ato = (u64)win->rtt_us + 4 * (u64)win->dev_us;

	win->ato_us = clamp_t(u64, ato, KPPTP_MIN_ATO_US, KPPTP_MAX_ATO_US);
}

/* The first RTT estimate is the peer's packet processing delay. */
static void kpptp_rtt_init(struct kpptp_window *win)
{
	u64 ppd_us = (u64)win->cfg.peer_ppd * 100 * USEC_PER_MSEC;

	win->rtt_us = ppd_us ? min_t(u64, ppd_us, KPPTP_MAX_ATO_US) :
			       KPPTP_DEFAULT_RTT_US;
	win->dev_us = win->rtt_us / 2;
	kpptp_ato_update(win);
}

/*
 * RFC 2637 4.4 with alpha 1/8 and beta 1/4:
 * DIFF = SAMPLE - RTT, RTT += alpha DIFF, DEV += beta (|DIFF| - DEV).
 * Microseconds are fine enough that no further scaling is needed.
 */
static void kpptp_rtt_sample(struct kpptp_window *win, u64 sample_us)
{
	s64 diff = (s64)min_t(u64, sample_us, KPPTP_MAX_ATO_US) - win->rtt_us;

	win->rtt_sampled = true;
	win->rtt_us += div_s64(diff, 8);
	win->dev_us += div_s64(abs(diff) - (s64)win->dev_us, 4);
	kpptp_ato_update(win);
}

static unsigned long kpptp_ato_deadline(struct kpptp_window *win)
{
	return jiffies + max(1UL, usecs_to_jiffies(win->ato_us));
}

/*
 * An ack from the peer, piggybacked or standalone.  Acks are cumulative;
 * acks for packets never sent or already acked are ignored.  An ack frees
 * window space, takes an RTT sample and, once a whole window has been
 * acked, opens the window by one packet (RFC 2637 4.2).
 */
void kpptp_window_ack_rcvd(struct kpptp_window *win, u32 ack)
{
	bool wake;
	u32 acked;

	spin_lock(&win->tx_lock);
	if (!kpptp_seq_after(win->tx_seq, ack) ||
	    kpptp_seq_after(win->tx_una, ack)) {
		spin_unlock(&win->tx_lock);
		return;
	}
	acked = ack - win->tx_una + 1;
	win->tx_una = ack + 1;
	if (win->rtt_timing && !kpptp_seq_after(win->rtt_seq, ack)) {
		win->rtt_timing = false;
		kpptp_rtt_sample(win, kpptp_us_since(win->rtt_start_ns));
	}
	win->tx_acked_run += acked;
	if (win->tx_acked_run >= win->tx_window) {
		win->tx_acked_run = 0;
		if (win->tx_window < win->cfg.peer_recv_window)
			win->tx_window++;
	}
	/* the oldest unacked packet gets a full timeout from now */
	if (win->tx_seq != win->tx_una)
		win->tx_deadline = kpptp_ato_deadline(win);
	wake = win->tx_stalled;
	win->tx_stalled = false;
	spin_unlock(&win->tx_lock);

	if (wake)
		kpptp_tx_wake(win);
}

/*
 * RFC 2637 4.4: no ack within ATO.  PPTP never retransmits, so what is in
 * flight is written off; the RTT estimate doubles and the window halves.
 * The deadline moves with every ack, the timer only when it fires early.
 */
static void kpptp_tx_timeout(struct timer_list *t)
{
	struct kpptp_window *win = timer_container_of(win, t, tx_timer);
	bool wake;

	spin_lock(&win->tx_lock);
	if (win->tx_seq == win->tx_una) {
		spin_unlock(&win->tx_lock);
		return;
	}
	if (time_before(jiffies, win->tx_deadline)) {
		mod_timer(&win->tx_timer, win->tx_deadline);
		spin_unlock(&win->tx_lock);
		return;
	}
	win->tx_una = win->tx_seq;
	win->rtt_timing = false;
	win->rtt_us = min_t(u64, 2 * (u64)win->rtt_us, KPPTP_MAX_ATO_US);
	kpptp_ato_update(win);
	win->tx_window = max(1U, win->tx_window / 2);
	win->tx_acked_run = 0;
	kpptp_rx_count(win, KPPTP_TX_ACK_TIMEOUT, 1);
	wake = win->tx_stalled;
	win->tx_stalled = false;
	spin_unlock(&win->tx_lock);

	if (wake)
		kpptp_tx_wake(win);
}

/*
 * Sequence number for the next data packet, and the ack to piggyback on it
 * if the peer has not been told about the latest in-order packet yet.
 * With @enforce, false when the send window is full: the caller reports
 * busy and kpptp_tx_wake() follows on the next ack or ack timeout.
 */
bool kpptp_window_tx_seq(struct kpptp_window *win, bool enforce, u32 *seq,
			 u32 *ack, bool *has_ack)
{
	spin_lock(&win->tx_lock);
	if (enforce && win->tx_seq - win->tx_una >= win->tx_window) {
		win->tx_stalled = true;
		spin_unlock(&win->tx_lock);
		return false;
	}
	if (win->tx_seq == win->tx_una)
		win->tx_deadline = kpptp_ato_deadline(win);
	if (!timer_pending(&win->tx_timer))
		mod_timer(&win->tx_timer, win->tx_deadline);
	*seq = win->tx_seq++;
	if (!win->rtt_timing) {
		win->rtt_timing = true;
		win->rtt_seq = *seq;
		win->rtt_start_ns = ktime_get_ns();
	}
	*has_ack = kpptp_pick_ack(win, ack);
	spin_unlock(&win->tx_lock);
	return true;
}

void kpptp_window_tx_info(struct kpptp_window *win,
			  struct kpptp_window_tx_info *info)
{
	spin_lock_bh(&win->tx_lock);
	info->send_window = win->tx_window;
	info->rtt_us = win->rtt_us;
	info->ato_us = win->ato_us;
	spin_unlock_bh(&win->tx_lock);
}

void kpptp_window_init(struct kpptp_window *win,
		       const struct kpptp_window_cfg *cfg)
{
	memset(win, 0, sizeof(*win));
	win->cfg = *cfg;
	spin_lock_init(&win->rx_lock);
	spin_lock_init(&win->tx_lock);
	__skb_queue_head_init(&win->reorder_q);
	hrtimer_setup(&win->reorder_timer, kpptp_reorder_timeout, CLOCK_MONOTONIC,
		      HRTIMER_MODE_REL_SOFT);
	timer_setup(&win->ack_timer, kpptp_ack_timeout, 0);
	timer_setup(&win->tx_timer, kpptp_tx_timeout, 0);
	/* start trusting the configuration, learn from what happens */
	win->reorder_extent = cfg->reorder_depth / 2;
	win->reorder_wait_us = cfg->reorder_timeout_ms * USEC_PER_MSEC / 2;
	win->tx_window = max(1, cfg->peer_recv_window / 2);
	kpptp_rtt_init(win);
}
