/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KPPTP_WINDOW_H
#define _KPPTP_WINDOW_H

#include <linux/hrtimer.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/time64.h>
#include <linux/timer.h>
#include <linux/types.h>

/* Defaults, documented in Documentation/networking/kpptp.rst. */
#define KPPTP_DEFAULT_WINDOW		64	/* packets, Cisco/FreeBSD use 16-64 */
#define KPPTP_MAX_WINDOW		8192
#define KPPTP_DEFAULT_REORDER_MS	20
#define KPPTP_MAX_REORDER_MS		2000
#define KPPTP_DEFAULT_REORDER_DEPTH	64
#define KPPTP_MAX_REORDER_DEPTH		1024
#define KPPTP_MIN_REORDER_LIMIT		4	/* adaptive floor, packets */
#define KPPTP_MIN_REORDER_US		1000	/* adaptive floor, as FreeBSD */
/*
 * The reorder queue also holds at most this much memory (skb truesize) per
 * packet of reorder_depth, and at least KPPTP_MIN_REORDER_BYTES: a full
 * queue of 1500-byte frames fits, 1024 reassembled 64 KB datagrams do not.
 */
#define KPPTP_REORDER_BYTES_PER_PKT	4096
#define KPPTP_MIN_REORDER_BYTES		(64 * 1024)
#define KPPTP_DEFAULT_ACK_DELAY_MS	100	/* what Windows peers do */
#define KPPTP_MAX_ACK_DELAY_MS		5000
/* RFC 2637 4.4 ack timeout: initial RTT when the peer gave no delay */
#define KPPTP_DEFAULT_RTT_US		(100 * USEC_PER_MSEC)
#define KPPTP_MIN_ATO_US		(10 * USEC_PER_MSEC)
#define KPPTP_MAX_ATO_US		(5 * USEC_PER_SEC)
/*
 * A data packet further from the expected sequence number, either way,
 * than the window we advertised plus the reorder depth (and at least
 * KPPTP_MIN_SEQ_JUMP) is not believed on its own: a forged or stray packet
 * (an earlier call with the same ID, a corrupted header) must not make the
 * genuine ones look late.  KPPTP_RESYNC_PACKETS such packets in a row, each
 * close to the one before, restart the sequence there: the peer restarted
 * it, or lost more than that many.
 */
#define KPPTP_MIN_SEQ_JUMP		128
#define KPPTP_RESYNC_PACKETS		4

struct kpptp_window_cfg {
	u16 recv_window;	/* we advertised, packets */
	u16 peer_recv_window;	/* the peer advertised, packets */
	u16 peer_ppd;		/* peer's packet processing delay, 1/10 s */
	u16 reorder_depth;	/* packets */
	u32 reorder_timeout_ms;
	u32 ack_delay_ms;
};

/*
 * RFC 2637 4.2 sequence and acknowledgment state of one call.
 *
 * Receive side: rx_lock is held from the sequence check until the packet has
 * been handed to ppp_generic, so two CPUs receiving for the same call can
 * never deliver out of order.  Transmit side: ppp_generic serialises
 * start_xmit per channel; tx_lock also covers acks arriving on receive.
 */
struct kpptp_window {
	struct kpptp_window_cfg cfg;	/* written under the namespace lock */

	spinlock_t rx_lock;		/* rx_*, reorder_q, delivery */
	/*
	 * Read under tx_lock for the ack to send: every write is a
	 * WRITE_ONCE, rx_started a release after rx_seq is first set.
	 */
	u32 rx_seq;			/* highest sequence given to PPP */
	bool rx_started;		/* rx_seq is valid */
	bool rx_stopped;		/* kpptp_window_flush(): drop all */
	u32 reorder_extent;		/* packets seen to overtake one, recently */
	u32 rx_far_seq;			/* last out-of-range sequence seen */
	u32 rx_far;			/* out-of-range packets in a row */
	struct sk_buff_head reorder_q;	/* early packets, ascending seq */
	u32 reorder_bytes;		/* their truesize */
	struct hrtimer reorder_timer;	/* gives up the gap at the head */
	u64 gap_start_ns;		/* when the head gap began to wait */
	u32 reorder_wait_us;		/* recent time a gap took to fill */
	u32 skip_lo, skip_hi;		/* the gap given up last ... */
	u64 skip_gap_start_ns;		/* ... and when it began to wait */
	bool skip_valid;
	struct timer_list ack_timer;	/* standalone ack after ack_delay */

	spinlock_t tx_lock;		/* tx_*, ack_sent, rtt, ato */
	u32 tx_seq;			/* next sequence number to send */
	u32 tx_una;			/* oldest sequence not acked yet */
	u32 tx_window;			/* send window, packets (RFC 4.2) */
	u32 tx_acked_run;		/* acked since the window last grew */
	bool tx_stalled;		/* told ppp_generic we are busy */
	struct timer_list tx_timer;	/* ack timeout for tx_una */
	unsigned long tx_deadline;	/* jiffies: tx_una times out */
	u32 rtt_seq;			/* the packet being timed */
	bool rtt_timing;
	u64 rtt_start_ns;
	bool rtt_sampled;		/* rtt_us has learnt from an ack */
	u32 rtt_us;			/* RFC 4.4 smoothed RTT */
	u32 dev_us;			/* RFC 4.4 mean deviation */
	u32 ato_us;			/* RFC 4.4 ack timeout */
	/* written with WRITE_ONCE, read under rx_lock to schedule acks */
	u32 ack_sent;			/* rx_seq value last sent as ack */
	bool ack_sent_valid;
};

/* Serial number arithmetic on 32-bit sequence numbers (RFC 1982). */
static inline bool kpptp_seq_after(u32 a, u32 b)
{
	return (s32)(a - b) > 0;
}

/* What the window reports to its owner, to be counted. */
enum kpptp_rx_event {
	KPPTP_RX_REORDERED,	/* an early packet was delivered in order */
	KPPTP_RX_LOST,		/* sequence numbers given up on */
	KPPTP_RX_DUPLICATE,	/* duplicate or late packet dropped */
	KPPTP_RX_OUT_OF_RANGE,	/* sequence too far off, dropped */
	KPPTP_RX_FLUSHED,	/* received, dropped undelivered: the queue */
				/* was purged, or the window stopped */
	KPPTP_TX_ACK_TIMEOUT,	/* RFC 4.4: the peer did not ack in time */
};

/*
 * Provided by the owner of the window.  kpptp_rx_deliver is called with
 * rx_lock held, kpptp_rx_count with rx_lock or tx_lock held, the other two
 * with no window lock held.
 */
void kpptp_rx_deliver(struct kpptp_window *win, struct sk_buff *skb);
void kpptp_rx_count(struct kpptp_window *win, enum kpptp_rx_event ev, u32 n);
/* Send an ack-only packet if one is due (kpptp_window_take_ack). */
void kpptp_send_ack(struct kpptp_window *win);
/* The send window has room again: restart transmission. */
void kpptp_tx_wake(struct kpptp_window *win);

void kpptp_window_init(struct kpptp_window *win,
		       const struct kpptp_window_cfg *cfg);
void kpptp_window_cfg_defaults(struct kpptp_window_cfg *cfg);
void kpptp_window_set_cfg(struct kpptp_window *win,
			  const struct kpptp_window_cfg *cfg);
void kpptp_window_rx(struct kpptp_window *win, struct sk_buff *skb, u32 seq,
		     bool reorder);
void kpptp_window_flush(struct kpptp_window *win);
void kpptp_window_stop(struct kpptp_window *win);
void kpptp_window_ack_rcvd(struct kpptp_window *win, u32 ack);
bool kpptp_window_tx_seq(struct kpptp_window *win, bool enforce, u32 *seq,
			 u32 *ack, bool *has_ack);
bool kpptp_window_take_ack(struct kpptp_window *win, u32 *ack);

/* Live transmit state for statistics. */
struct kpptp_window_tx_info {
	u32 send_window;
	u32 rtt_us;
	u32 ato_us;
};

void kpptp_window_tx_info(struct kpptp_window *win,
			  struct kpptp_window_tx_info *info);

#endif /* _KPPTP_WINDOW_H */
