// SPDX-License-Identifier: GPL-2.0
/*
 * RFC 2637 4.2 sequence numbers and acknowledgements.
 *
 * Sequence numbers are compared with serial arithmetic, so a call survives
 * the 32-bit wrap.  A packet is delivered only if it is newer than every
 * packet delivered before it: PPP never sees a duplicate or a late frame.
 */

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

void kpptp_window_init(struct kpptp_window *win,
		       const struct kpptp_window_cfg *cfg)
{
	memset(win, 0, sizeof(*win));
	win->cfg = *cfg;
	spin_lock_init(&win->rx_lock);
	spin_lock_init(&win->tx_lock);
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

/* Caller holds rx_lock until the packet is delivered or dropped. */
enum kpptp_rx_verdict kpptp_window_rx(struct kpptp_window *win, u32 seq)
{
	lockdep_assert_held(&win->rx_lock);

	if (win->rx_started && !kpptp_seq_after(seq, win->rx_seq))
		return KPPTP_RX_DUPLICATE;
	/* A gap is given up at once; the reorder queue comes on top. */
	WRITE_ONCE(win->rx_seq, seq);
	/* pairs with the acquire in tx_seq: rx_seq is set before it is used */
	smp_store_release(&win->rx_started, true);
	return KPPTP_RX_DELIVER;
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
	u32 seq, rx_seq;

	spin_lock(&win->tx_lock);
	seq = win->tx_seq++;
	*has_ack = false;
	/* pairs with the release in kpptp_window_rx() */
	if (smp_load_acquire(&win->rx_started)) {
		rx_seq = READ_ONCE(win->rx_seq);
		if (!win->ack_sent_valid || win->ack_sent != rx_seq) {
			win->ack_sent = rx_seq;
			win->ack_sent_valid = true;
			*ack = rx_seq;
			*has_ack = true;
		}
	}
	spin_unlock(&win->tx_lock);
	return seq;
}
