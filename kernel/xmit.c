// SPDX-License-Identifier: GPL-2.0
/*
 * Transmit: PPP frame -> enhanced GRE (RFC 2637 4.1) -> IPv4.
 */

#include <linux/if_tunnel.h>
#include <linux/ip.h>
#include <linux/ppp-ioctl.h>
#include <linux/ppp_channel.h>
#include <linux/ppp_defs.h>
#include <linux/skbuff.h>
#include <net/dst_cache.h>
#include <net/ip.h>
#include <net/pptp.h>
#include <net/route.h>

#include "call.h"
#include "capture.h"
#include "xmit.h"

/* A fresh route to the peer; the caller owns the returned reference. */
struct rtable *kpptp_route(struct kpptp_call *call, struct flowi4 *fl4)
{
	memset(fl4, 0, sizeof(*fl4));
	fl4->daddr = READ_ONCE(call->peer_addr);
	fl4->saddr = call->local_addr;
	fl4->flowi4_proto = IPPROTO_GRE;
	return ip_route_output_key(call->net, fl4);
}

/* The cached route, looked up only when the cache is empty or stale. */
static struct rtable *kpptp_cached_route(struct kpptp_call *call,
					 __be32 *saddr)
{
	struct flowi4 fl4;
	struct rtable *rt;

	rt = dst_cache_get_ip4(&call->dst_cache, saddr);
	if (likely(rt))
		return rt;
	rt = kpptp_route(call, &fl4);
	if (IS_ERR(rt))
		return rt;
	dst_cache_set_ip4(&call->dst_cache, &rt->dst, fl4.saddr);
	*saddr = fl4.saddr;
	return rt;
}

/* Address/control field and protocol compression, as the peer expects. */
static bool kpptp_ppp_frame(struct kpptp_call *call, struct sk_buff *skb)
{
	u32 flags = READ_ONCE(call->ppp_flags);
	bool is_lcp;
	u8 *data;

	if (!pskb_may_pull(skb, 3))
		return false;
	data = skb->data;
	/* LCP configuration packets always go uncompressed (RFC 1661 6.5). */
	is_lcp = (data[0] << 8 | data[1]) == PPP_LCP && data[2] >= 1 &&
		 data[2] <= 7;
	if ((flags & SC_COMP_PROT) && data[0] == 0 && !is_lcp)
		skb_pull(skb, 1);
	if (!(flags & SC_COMP_AC) || is_lcp) {
		data = skb_push(skb, 2);
		data[0] = PPP_ALLSTATIONS;
		data[1] = PPP_UI;
	}
	return true;
}

/* Sequence and ack numbers of one data packet. */
struct kpptp_tx_nums {
	u32 seq, ack;
	bool has_ack;
};

static void kpptp_push_gre(struct kpptp_call *call, struct sk_buff *skb,
			   unsigned int payload_len,
			   const struct kpptp_tx_nums *n)
{
	bool has_ack = n->has_ack;
	struct pptp_gre_header *hdr;
	unsigned int hdrlen;

	hdrlen = sizeof(*hdr) - (has_ack ? 0 : sizeof(hdr->ack));
	hdr = skb_push(skb, hdrlen);
	hdr->gre_hd.flags = GRE_KEY | GRE_SEQ | GRE_VERSION_1;
	hdr->gre_hd.protocol = GRE_PROTO_PPP;
	hdr->payload_len = htons(payload_len);
	hdr->call_id = htons(READ_ONCE(call->peer_id));
	hdr->seq = htonl(n->seq);
	if (has_ack) {
		hdr->gre_hd.flags |= GRE_ACK;
		hdr->ack = htonl(n->ack);
	}
}

static void kpptp_push_ip(struct kpptp_call *call, struct sk_buff *skb,
			  struct rtable *rt, __be32 saddr)
{
	struct iphdr *iph;

	skb_reset_transport_header(skb);
	iph = skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	iph->version = 4;
	iph->ihl = sizeof(*iph) >> 2;
	iph->tos = 0;
	iph->tot_len = htons(skb->len);
	iph->frag_off = 0;
	iph->ttl = ip4_dst_hoplimit(&rt->dst);
	iph->protocol = IPPROTO_GRE;
	iph->saddr = saddr;
	iph->daddr = READ_ONCE(call->peer_addr);
	ip_select_ident(call->net, skb, NULL);
	ip_send_check(iph);
}

/*
 * An ack-only packet (S=0, A=1, no payload; the ack takes the place of the
 * sequence number).  Softirq context: the receive path or the ack timer.
 */
void kpptp_send_ack(struct kpptp_window *win)
{
	struct kpptp_call *call = container_of(win, struct kpptp_call, win);
	struct pptp_gre_header *hdr;
	struct sk_buff *skb;
	struct rtable *rt;
	unsigned int len;
	__be32 saddr;
	u32 ack;

	if (unlikely(!kpptp_call_live(call)))
		return;
	if (!kpptp_window_take_ack(win, &ack))
		return;
	rt = kpptp_cached_route(call, &saddr);
	if (IS_ERR(rt))
		goto drop;
	len = offsetof(struct pptp_gre_header, ack);
	skb = alloc_skb(LL_RESERVED_SPACE(rt->dst.dev) + sizeof(struct iphdr) +
			len, GFP_ATOMIC);
	if (!skb) {
		ip_rt_put(rt);
		goto drop;
	}
	skb_reserve(skb, LL_RESERVED_SPACE(rt->dst.dev) + sizeof(struct iphdr));
	hdr = skb_put(skb, len);
	hdr->gre_hd.flags = GRE_KEY | GRE_ACK | GRE_VERSION_1;
	hdr->gre_hd.protocol = GRE_PROTO_PPP;
	hdr->payload_len = 0;
	hdr->call_id = htons(READ_ONCE(call->peer_id));
	hdr->seq = htonl(ack);
	kpptp_push_ip(call, skb, rt, saddr);
	skb_dst_set(skb, &rt->dst);
	skb->ip_summed = CHECKSUM_NONE;
	kpptp_stat_inc(call, tx_acks);
	ip_local_out(call->net, NULL, skb);
	return;
drop:
	kpptp_stat_inc(call, tx_dropped);
}

/* The peer acked or an ack timed out: ppp_generic may send again. */
void kpptp_tx_wake(struct kpptp_window *win)
{
	struct kpptp_call *call = container_of(win, struct kpptp_call, win);

	if (kpptp_call_live(call))
		ppp_output_wakeup(&call->chan);
}

/*
 * ppp_generic's start_xmit, called with the channel's transmit lock held and
 * bottom halves off.  Returns 0 (busy, skb untouched: ppp_generic keeps it
 * and stops the queue) when the send window is full; otherwise consumes the
 * skb and returns 1, dropping and counting a packet that cannot be sent.
 */
int kpptp_xmit(struct ppp_channel *chan, struct sk_buff *skb)
{
	struct kpptp_call *call = chan->private;
	unsigned int payload_len;
	struct kpptp_tx_nums n;
	struct rtable *rt;
	__be32 saddr;

	if (unlikely(READ_ONCE(call->dead)))
		goto drop;
	/* before anything changes the skb: a busy skb comes back unchanged */
	if (!kpptp_window_tx_seq(&call->win, READ_ONCE(call->flags) & KPPTP_F_TX_WINDOW,
				 &n.seq, &n.ack, &n.has_ack)) {
		kpptp_stat_inc(call, window_stalls);
		return 0;
	}

	rt = kpptp_cached_route(call, &saddr);
	if (IS_ERR(rt))
		goto drop;
	/* ppp_generic reserved chan.hdrlen; this only copies if it did not. */
	if (skb_cow_head(skb, LL_RESERVED_SPACE(rt->dst.dev) +
			      sizeof(struct iphdr) + PPTP_HEADER_OVERHEAD))
		goto drop_rt;
	if (!kpptp_ppp_frame(call, skb))
		goto drop_rt;

	payload_len = skb->len;
	kpptp_capture_frame(call, skb, 0, payload_len, KPPTP_CAPTURE_OUT);
	kpptp_push_gre(call, skb, payload_len, &n);
	kpptp_push_ip(call, skb, rt, saddr);

	memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
	skb_dst_drop(skb);
	skb_dst_set(skb, &rt->dst);
	nf_reset_ct(skb);
	skb->ip_summed = CHECKSUM_NONE;
	skb->mark = 0;

	kpptp_stat_inc(call, tx_packets);
	kpptp_stat_add(call, tx_bytes, payload_len);
	ip_local_out(call->net, skb->sk, skb);
	return 1;

drop_rt:
	ip_rt_put(rt);
drop:
	kpptp_stat_inc(call, tx_dropped);
	kfree_skb(skb);
	return 1;
}
