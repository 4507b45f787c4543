// SPDX-License-Identifier: GPL-2.0
/*
 * Receive: the GRE version 1 handler.  Validates the enhanced GRE header
 * strictly (RFC 2637 4.1), finds the call, takes the ack, and gives in-order
 * PPP frames to ppp_generic.  Every packet that is not delivered is counted,
 * per namespace when it cannot be tied to a call, per call otherwise.
 */

#include <linux/if_tunnel.h>
#include <linux/ip.h>
#include <linux/ppp_defs.h>
#include <linux/skbuff.h>
#include <net/gre.h>
#include <net/pptp.h>

#include "call.h"
#include "capture.h"
#include "recv.h"

/*
 * The longest PPP frame accepted: pppd's largest MRU (16384) plus the
 * address/control and protocol fields and an MPPE/CCP header, with room to
 * spare.  A peer cannot send more to pppd; a longer payload only pins
 * memory (reassembled datagrams of up to 64 KB).
 */
#define KPPTP_MAX_FRAME		(16384 + 64)
/*
 * Frames kept for a call whose channel is not there yet: LCP's first
 * exchange, with room for a peer that starts CCP or IPCP early.
 */
#define KPPTP_EARLY_MAX		8

/* Flags a PPTP GRE header may carry: C, R, s, Recur and Flags must be 0. */
#define KPPTP_GRE_ALLOWED (GRE_KEY | GRE_SEQ | GRE_ACK | GRE_VERSION)

struct kpptp_gre_fields {
	unsigned int hdrlen;
	u16 call_id;
	u16 payload_len;
	bool has_seq, has_ack;
	u32 seq, ack;
};

/* Parse the header at skb->data; false if it is not valid PPTP GRE. */
static bool kpptp_parse_gre(struct sk_buff *skb, struct kpptp_gre_fields *f)
{
	const struct pptp_gre_header *hdr;
	__be16 flags;
	__be32 *word;

	/* gre_demux pulled 12 bytes before it chose us by version */
	if (!pskb_may_pull(skb, 8))
		return false;
	hdr = (const struct pptp_gre_header *)skb->data;
	flags = hdr->gre_hd.flags;
	if ((flags & ~KPPTP_GRE_ALLOWED) || !(flags & GRE_KEY) ||
	    (flags & GRE_VERSION) != GRE_VERSION_1 ||
	    hdr->gre_hd.protocol != GRE_PROTO_PPP)
		return false;

	f->has_seq = flags & GRE_SEQ;
	f->has_ack = flags & GRE_ACK;
	if (!f->has_seq && !f->has_ack)
		return false;
	f->hdrlen = 8 + (f->has_seq ? 4 : 0) + (f->has_ack ? 4 : 0);
	if (!pskb_may_pull(skb, f->hdrlen))
		return false;

	hdr = (const struct pptp_gre_header *)skb->data;
	f->call_id = ntohs(hdr->call_id);
	f->payload_len = ntohs(hdr->payload_len);
	word = (__be32 *)(skb->data + 8);
	if (f->has_seq)
		f->seq = ntohl(*word++);
	if (f->has_ack)
		f->ack = ntohl(*word);
	return true;
}

/*
 * Strip the GRE header and the PPP address/control field: -EINVAL if the
 * frame is malformed, -ENOMEM if it could not be made writable.
 */
static int kpptp_pull_ppp(struct sk_buff *skb,
			  const struct kpptp_gre_fields *f)
{
	if (pskb_trim(skb, f->hdrlen + f->payload_len))
		return -ENOMEM;
	__skb_pull(skb, f->hdrlen);
	if (!pskb_may_pull(skb, 2))
		return -EINVAL;
	if (skb->data[0] == PPP_ALLSTATIONS && skb->data[1] == PPP_UI) {
		__skb_pull(skb, 2);
		if (!pskb_may_pull(skb, 1))
			return -EINVAL;
	}
	/*
	 * Protocol field compressed by the peer: ppp_generic wants 2 bytes.
	 * The byte before it belongs to a header that a clone may share (a
	 * packet socket such as tcpdump, TEE): write only into our own.
	 */
	if (skb->data[0] & 1) {
		if (skb_cow_head(skb, 1))
			return -ENOMEM;
		*(u8 *)skb_push(skb, 1) = 0;
	}
	return 0;
}

/* Hand one in-order frame to PPP; rx_lock keeps frames in order. */
void kpptp_rx_deliver(struct kpptp_window *win, struct sk_buff *skb)
{
	struct kpptp_call *call = container_of(win, struct kpptp_call, win);

	kpptp_stat_inc(call, rx_packets);
	kpptp_stat_add(call, rx_bytes, skb->len);
	skb->ip_summed = CHECKSUM_NONE;
	skb_set_network_header(skb, 0);
	ppp_input(&call->chan, skb);
}

void kpptp_rx_count(struct kpptp_window *win, enum kpptp_rx_event ev, u32 n)
{
	struct kpptp_call *call = container_of(win, struct kpptp_call, win);

	switch (ev) {
	case KPPTP_RX_REORDERED:
		kpptp_stat_add(call, rx_reordered, n);
		break;
	case KPPTP_RX_LOST:
		kpptp_stat_add(call, rx_lost, n);
		break;
	case KPPTP_RX_DUPLICATE:
		kpptp_stat_add(call, rx_duplicate, n);
		break;
	case KPPTP_RX_OUT_OF_RANGE:
		kpptp_stat_add(call, rx_out_of_range, n);
		break;
	case KPPTP_RX_FLUSHED:
		kpptp_stat_add(call, rx_flushed, n);
		break;
	case KPPTP_TX_ACK_TIMEOUT:
		kpptp_stat_add(call, ack_timeouts, n);
		break;
	}
}

static void kpptp_deliver(struct kpptp_call *call, struct sk_buff *skb,
			  const struct kpptp_gre_fields *f)
{
	bool reorder = !(READ_ONCE(call->flags) & KPPTP_F_NO_REORDER);

	spin_lock(&call->win.rx_lock);
	kpptp_window_rx(&call->win, skb, f->seq, reorder);
	spin_unlock(&call->win.rx_lock);
}

/* A data frame for a live call, its GRE header at skb->data. */
static void kpptp_rx_frame(struct kpptp_call *call, struct sk_buff *skb,
			   const struct kpptp_gre_fields *f)
{
	int err = kpptp_pull_ppp(skb, f);

	if (err) {
		if (err == -ENOMEM)
			kpptp_stat_inc(call, rx_dropped);
		else
			kpptp_stat_inc(call, rx_invalid);
		kfree_skb(skb);
		return;
	}
	skb_dst_drop(skb);
	nf_reset_ct(skb);
	kpptp_deliver(call, skb, f);
}

/*
 * Frames for a call whose channel is not there yet: its owner (pppd with
 * kpptp.so) has not bound it.  The peer's first LCP Configure-Request
 * often falls in that gap, between the control connection's answer and
 * pppd's start, and losing it costs the peer its restart timer (3 s) on
 * every login, and on every hop of a relay chain.  A few are kept, without
 * their route or conntrack entry, for kpptp_rx_early_flush().
 * Returns KEPT, LIVE (the channel came meanwhile: deliver) or DROP.
 */
enum { EARLY_KEPT, EARLY_LIVE, EARLY_DROP };

static int kpptp_rx_early(struct kpptp_call *call, struct sk_buff *skb)
{
	struct sk_buff_head *q = &call->early;
	int ret = EARLY_DROP;

	spin_lock(&q->lock);
	if (READ_ONCE(call->dead))
		goto out;
	/* pairs with the release in kpptp_channel_register() */
	if (smp_load_acquire(&call->registered) && !call->early_flushing) {
		ret = EARLY_LIVE;
	} else if (skb_queue_len(q) < KPPTP_EARLY_MAX) {
		skb_dst_drop(skb);
		nf_reset_ct(skb);
		skb->dev = NULL;
		__skb_queue_tail(q, skb);
		ret = EARLY_KEPT;
	}
out:
	spin_unlock(&q->lock);
	return ret;
}

/* Move what the call kept to @early (process context). */
static void kpptp_rx_early_take(struct kpptp_call *call,
				struct sk_buff_head *early)
{
	__skb_queue_head_init(early);
	spin_lock_bh(&call->early.lock);
	skb_queue_splice_init(&call->early, early);
	spin_unlock_bh(&call->early.lock);
}

/*
 * The channel is registered (process context): what came before it goes
 * through the window as if it came now, in order.  Frames that come
 * meanwhile queue behind (early_flushing); once a take finds the queue
 * empty, the flag goes, under the queue's lock, and frames from then on
 * are delivered directly.
 */
void kpptp_rx_early_flush(struct kpptp_call *call)
{
	struct kpptp_gre_fields f;
	struct sk_buff_head early;
	struct sk_buff *skb;

	for (;;) {
		__skb_queue_head_init(&early);
		spin_lock_bh(&call->early.lock);
		skb_queue_splice_init(&call->early, &early);
		if (skb_queue_empty(&early))
			WRITE_ONCE(call->early_flushing, false);
		spin_unlock_bh(&call->early.lock);
		if (skb_queue_empty(&early))
			return;
		local_bh_disable();
		while ((skb = __skb_dequeue(&early))) {
			/* parsed and checked when it came: only the fields */
			if (kpptp_parse_gre(skb, &f)) {
				kpptp_rx_frame(call, skb, &f);
			} else {
				kpptp_stat_inc(call, rx_invalid);
				kfree_skb(skb);
			}
		}
		local_bh_enable();
	}
}

/*
 * The call is unlinked: what it kept for a channel that never came was
 * received and never delivered, which rx_flushed counts (every packet in
 * exactly one counter).
 */
void kpptp_rx_early_purge(struct kpptp_call *call)
{
	struct sk_buff_head early;
	u32 n;

	kpptp_rx_early_take(call, &early);
	n = skb_queue_len(&early);
	__skb_queue_purge(&early);
	if (!n)
		return;
	local_bh_disable();
	kpptp_stat_add(call, rx_flushed, n);
	local_bh_enable();
}

static int kpptp_gre_rcv(struct sk_buff *skb)
{
	struct kpptp_net *kn = kpptp_net(dev_net(skb->dev));
	struct kpptp_gre_fields f;
	struct kpptp_call *call;

	if (skb->pkt_type != PACKET_HOST || !kpptp_parse_gre(skb, &f)) {
		kpptp_net_stat_inc(kn, rx_malformed);
		goto drop;
	}

	rcu_read_lock();
	call = kpptp_call_lookup_rcu(kn, f.call_id);
	if (!call) {
		kpptp_net_stat_inc(kn, rx_unknown_call);
		goto drop_unlock;
	}
	if (ip_hdr(skb)->saddr != READ_ONCE(call->peer_addr)) {
		kpptp_net_stat_inc(kn, rx_wrong_peer);
		goto drop_unlock;
	}
	/* Data needs S and a payload; an ack-only packet has neither. */
	if (f.has_seq != !!f.payload_len ||
	    skb->len < f.hdrlen + f.payload_len) {
		kpptp_stat_inc(call, rx_invalid);
		goto drop_unlock;
	}
	if (f.payload_len > KPPTP_MAX_FRAME) {
		kpptp_stat_inc(call, rx_too_long);
		goto drop_unlock;
	}
	if (f.has_ack)
		kpptp_window_ack_rcvd(&call->win, f.ack);
	if (f.has_seq)	/* as it came: before reordering, early ones too */
		kpptp_capture_frame(call, skb, f.hdrlen, f.payload_len,
				    KPPTP_CAPTURE_IN);
	if (!f.has_seq) {
		kpptp_stat_inc(call, rx_acks);
		rcu_read_unlock();
		consume_skb(skb);
		return NET_RX_SUCCESS;
	}
	if (unlikely(!kpptp_call_live(call) ||
		     READ_ONCE(call->early_flushing))) {
		switch (kpptp_rx_early(call, skb)) {
		case EARLY_KEPT:
			rcu_read_unlock();
			return NET_RX_SUCCESS;
		case EARLY_DROP:
			kpptp_stat_inc(call, rx_dropped);
			goto drop_unlock;
		}
	}
	kpptp_rx_frame(call, skb, &f);
	rcu_read_unlock();
	return NET_RX_SUCCESS;

drop_unlock:
	rcu_read_unlock();
drop:
	kfree_skb(skb);
	return NET_RX_DROP;
}

static const struct gre_protocol kpptp_gre_protocol = {
	.handler = kpptp_gre_rcv,
};

int kpptp_recv_init(void)
{
	int err = gre_add_protocol(&kpptp_gre_protocol, GREPROTO_PPTP);

	if (err)
		pr_err("GRE version 1 is already handled, most likely by pptp.ko: 'rmmod pptp' first\n");
	return err;
}

void kpptp_recv_exit(void)
{
	gre_del_protocol(&kpptp_gre_protocol, GREPROTO_PPTP);
}
