// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink family "kpptp": see include/uapi/linux/kpptp.h for the
 * API and Documentation/netlink/specs/kpptp.yaml for its specification.
 */

#include <linux/jiffies.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "call.h"
#include "capture.h"
#include "compat.h"
#include "netlink.h"

static struct genl_family kpptp_genl_family;

enum kpptp_mcgrp { KPPTP_MCGRP_EVENTS };

/* Events carry what CALL_GET does, so listening needs the same right. */
static const struct genl_multicast_group kpptp_mcgrps[] = {
	[KPPTP_MCGRP_EVENTS] = { .name = KPPTP_GENL_MCGRP_EVENTS,
				 .flags = GENL_MCAST_CAP_NET_ADMIN },
};

/*
 * Beyond the s16 bounds of NLA_POLICY_MAX() and NLA_POLICY_RANGE().  Not const: the policy's
 * pointer to it is const in 6.12 but not in 6.1, which would warn.
 */
static struct netlink_range_validation kpptp_max_calls_range = {
	.max = U16_MAX,
};

static struct netlink_range_validation kpptp_capture_snaplen_range = {
	.min = 1,
	.max = KPPTP_CAPTURE_SNAPLEN_MAX,
};

static struct netlink_range_validation kpptp_capture_rate_range = {
	.min = 1,
	.max = KPPTP_CAPTURE_RATE_MAX,
};

/*
 * One policy per command, each accepting exactly the attributes that the
 * command's request lists in Documentation/netlink/specs/kpptp.yaml: strict
 * validation refuses everything else (output-only attributes included) with
 * EINVAL.  tests/netlink-spec-check.py fails when these and the spec differ.
 */
#define KPPTP_POLICY_CALL_PARAMS					\
	[KPPTP_A_CALL_ID]		= { .type = NLA_U16 },		\
	[KPPTP_A_PEER_CALL_ID]		= { .type = NLA_U16 },		\
	[KPPTP_A_RECV_WINDOW]		=				\
		NLA_POLICY_RANGE(NLA_U16, 1, KPPTP_MAX_WINDOW),		\
	[KPPTP_A_PEER_RECV_WINDOW]	=				\
		NLA_POLICY_RANGE(NLA_U16, 1, KPPTP_MAX_WINDOW),		\
	[KPPTP_A_PEER_PPD]		= { .type = NLA_U16 },		\
	[KPPTP_A_FLAGS]			=				\
		NLA_POLICY_MASK(NLA_U32, KPPTP_F_ALL),			\
	[KPPTP_A_REORDER_TIMEOUT]	=				\
		NLA_POLICY_RANGE(NLA_U32, 0, KPPTP_MAX_REORDER_MS),	\
	[KPPTP_A_REORDER_DEPTH]		=				\
		NLA_POLICY_RANGE(NLA_U16, 0, KPPTP_MAX_REORDER_DEPTH),	\
	[KPPTP_A_ACK_DELAY]		=				\
		NLA_POLICY_RANGE(NLA_U32, 0, KPPTP_MAX_ACK_DELAY_MS)

static const struct nla_policy kpptp_call_new_policy[KPPTP_A_MAX + 1] = {
	KPPTP_POLICY_CALL_PARAMS,
	[KPPTP_A_LOCAL_ADDR]		= { .type = NLA_BE32 },
	[KPPTP_A_PEER_ADDR]		= { .type = NLA_BE32 },
};

static const struct nla_policy kpptp_call_set_policy[KPPTP_A_MAX + 1] = {
	KPPTP_POLICY_CALL_PARAMS,
	[KPPTP_A_FLAGS_MASK]		= NLA_POLICY_MASK(NLA_U32, KPPTP_F_ALL),
};

/* CALL_DEL, CALL_GET */
static const struct nla_policy kpptp_call_id_policy[KPPTP_A_MAX + 1] = {
	[KPPTP_A_CALL_ID]		= { .type = NLA_U16 },
};

/* NET_GET takes no attributes: an empty policy refuses any. */
static const struct nla_policy kpptp_no_attr_policy[KPPTP_A_MAX + 1] = {
};

static const struct nla_policy kpptp_call_capture_policy[KPPTP_A_MAX + 1] = {
	[KPPTP_A_CALL_ID]		= { .type = NLA_U16 },
	[KPPTP_A_CAPTURE_SNAPLEN]	=
		NLA_POLICY_FULL_RANGE(NLA_U32, &kpptp_capture_snaplen_range),
	[KPPTP_A_CAPTURE_RATE]		=
		NLA_POLICY_FULL_RANGE(NLA_U32, &kpptp_capture_rate_range),
};

static const struct nla_policy kpptp_net_set_policy[KPPTP_A_MAX + 1] = {
	[KPPTP_A_MAX_CALLS]		=
		NLA_POLICY_FULL_RANGE(NLA_U32, &kpptp_max_calls_range),
};

static int kpptp_put_stats(struct sk_buff *skb, struct kpptp_call *call)
{
	struct kpptp_window_tx_info tx;
	struct kpptp_call_stats s;
	struct nlattr *nest;

	kpptp_call_read_stats(call, &s);
	nest = nla_nest_start(skb, KPPTP_A_STATS);
	if (!nest)
		return -EMSGSIZE;
#define PUT(attr, f) \
	nla_put_u64_64bit(skb, KPPTP_STATS_A_##attr, u64_stats_read(&s.f), \
			  KPPTP_STATS_A_PAD)
	if (PUT(RX_PACKETS, rx_packets) || PUT(RX_BYTES, rx_bytes) ||
	    PUT(TX_PACKETS, tx_packets) || PUT(TX_BYTES, tx_bytes) ||
	    PUT(RX_INVALID, rx_invalid) || PUT(RX_DROPPED, rx_dropped) ||
	    PUT(RX_REORDERED, rx_reordered) || PUT(RX_LOST, rx_lost) ||
	    PUT(RX_DUPLICATE, rx_duplicate) || PUT(RX_ACKS, rx_acks) ||
	    PUT(TX_ACKS, tx_acks) || PUT(TX_DROPPED, tx_dropped) ||
	    PUT(ACK_TIMEOUTS, ack_timeouts) ||
	    PUT(WINDOW_STALLS, window_stalls) ||
	    PUT(RX_OUT_OF_RANGE, rx_out_of_range) ||
	    PUT(RX_FLUSHED, rx_flushed) || PUT(RX_TOO_LONG, rx_too_long))
		goto cancel;
#undef PUT
	kpptp_window_tx_info(&call->win, &tx);
	if (nla_put_u32(skb, KPPTP_STATS_A_SEND_WINDOW, tx.send_window) ||
	    nla_put_u32(skb, KPPTP_STATS_A_RTT_US, tx.rtt_us) ||
	    nla_put_u32(skb, KPPTP_STATS_A_ATO_US, tx.ato_us))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* The channel's attributes; the caller keeps the channel registered. */
static int kpptp_put_channel(struct sk_buff *skb, struct kpptp_call *call)
{
	const char *ifname;
	int index;

	if (!call->registered)
		return 0;
	index = ppp_channel_index(&call->chan);
	if (index >= 0 && nla_put_u32(skb, KPPTP_A_CHANNEL, index))
		return -EMSGSIZE;
	ifname = ppp_dev_name(&call->chan);
	if (ifname && nla_put_string(skb, KPPTP_A_IFNAME, ifname))
		return -EMSGSIZE;
	return 0;
}

static int kpptp_fill_call(struct sk_buff *skb, struct kpptp_call *call,
			   u32 portid, u32 seq, int flags, u8 cmd, u8 reason)
{
	const struct kpptp_window_cfg *wc = &call->win.cfg;
	u64 age = jiffies64_to_msecs(get_jiffies_64() - call->created);
	u64 capture_dropped = 0;
	u32 capture = kpptp_capture_portid(call, &capture_dropped);
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &kpptp_genl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;

	if (nla_put_u16(skb, KPPTP_A_CALL_ID, call->local_id) ||
	    (!READ_ONCE(call->peer_unknown) &&
	     nla_put_u16(skb, KPPTP_A_PEER_CALL_ID, READ_ONCE(call->peer_id))) ||
	    nla_put_in_addr(skb, KPPTP_A_LOCAL_ADDR, call->local_addr) ||
	    nla_put_in_addr(skb, KPPTP_A_PEER_ADDR,
			    READ_ONCE(call->peer_addr)) ||
	    nla_put_u16(skb, KPPTP_A_RECV_WINDOW, wc->recv_window) ||
	    nla_put_u16(skb, KPPTP_A_PEER_RECV_WINDOW, wc->peer_recv_window) ||
	    nla_put_u16(skb, KPPTP_A_PEER_PPD, wc->peer_ppd) ||
	    nla_put_u32(skb, KPPTP_A_FLAGS, call->flags) ||
	    nla_put_u32(skb, KPPTP_A_REORDER_TIMEOUT, wc->reorder_timeout_ms) ||
	    nla_put_u16(skb, KPPTP_A_REORDER_DEPTH, wc->reorder_depth) ||
	    nla_put_u32(skb, KPPTP_A_ACK_DELAY, wc->ack_delay_ms) ||
	    nla_put_u8(skb, KPPTP_A_OWNER, call->owner) ||
	    (call->attached && nla_put_flag(skb, KPPTP_A_ATTACHED)) ||
	    nla_put_u64_64bit(skb, KPPTP_A_AGE_MS, age, KPPTP_A_PAD) ||
	    (capture &&
	     (nla_put_u32(skb, KPPTP_A_CAPTURE_PORTID, capture) ||
	      nla_put_u64_64bit(skb, KPPTP_A_CAPTURE_DROPPED, capture_dropped,
				KPPTP_A_PAD))) ||
	    kpptp_put_channel(skb, call) || kpptp_put_stats(skb, call) ||
	    (cmd == KPPTP_CMD_CALL_DEL &&
	     nla_put_u8(skb, KPPTP_A_DEL_REASON, reason))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * Describe a live call.  The namespace lock keeps a concurrent delete from
 * unregistering the channel while we read its index and interface.
 */
static int kpptp_fill_live_call(struct sk_buff *skb, struct kpptp_call *call,
				u32 portid, u32 seq, int flags, u8 cmd)
{
	struct kpptp_net *kn = kpptp_net(call->net);
	int err;

	mutex_lock(&kn->lock);
	err = call->dead ? -ENOENT :
	      kpptp_fill_call(skb, call, portid, seq, flags, cmd, 0);
	mutex_unlock(&kn->lock);
	return err;
}

/*
 * Multicast a call event; losing one under memory pressure is harmless.  A
 * CALL_DEL event is sent by the deleter before it unregisters the channel.
 */
/* Cleared at module exit before the family goes: late events are dropped. */
static bool kpptp_genl_live;

void kpptp_nl_notify(struct kpptp_call *call, u8 cmd, u8 reason)
{
	struct sk_buff *skb;
	int err;

	if (!READ_ONCE(kpptp_genl_live) ||
	    !genl_has_listeners(&kpptp_genl_family, call->net,
				KPPTP_MCGRP_EVENTS))
		return;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return;
	if (cmd == KPPTP_CMD_CALL_DEL)
		err = kpptp_fill_call(skb, call, 0, 0, 0, cmd, reason);
	else
		err = kpptp_fill_live_call(skb, call, 0, 0, 0, cmd);
	if (err) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_multicast_netns(&kpptp_genl_family, call->net, skb, 0,
				KPPTP_MCGRP_EVENTS, GFP_KERNEL);
}

/*
 * A captured frame's message (capture.c), its time left at 0 for the
 * sender to fill in at @time; softirq or bottom halves off.  NULL if
 * there is no memory, or the family is going.
 */
struct sk_buff *kpptp_nl_capture_msg(struct kpptp_call *call,
				     const struct sk_buff *skb,
				     unsigned int offset, unsigned int len,
				     unsigned int caplen, u8 dir, u64 dropped,
				     struct nlattr **time)
{
	struct sk_buff *msg;
	struct nlattr *data;
	size_t size;
	void *hdr;

	if (!READ_ONCE(kpptp_genl_live))
		return NULL;
	size = nla_total_size(sizeof(u16)) + nla_total_size(sizeof(u8)) +
	       2 * nla_total_size_64bit(sizeof(u64)) +
	       nla_total_size(sizeof(u32)) + nla_total_size(caplen);
	msg = genlmsg_new(size, GFP_ATOMIC);
	if (!msg)
		return NULL;
	hdr = genlmsg_put(msg, 0, 0, &kpptp_genl_family, 0,
			  KPPTP_CMD_CAPTURE_FRAME);
	if (!hdr ||
	    nla_put_u16(msg, KPPTP_A_CALL_ID, call->local_id) ||
	    nla_put_u8(msg, KPPTP_A_CAPTURE_DIR, dir) ||
	    nla_put_u32(msg, KPPTP_A_CAPTURE_LEN, len) ||
	    nla_put_u64_64bit(msg, KPPTP_A_CAPTURE_DROPPED, dropped,
			      KPPTP_A_PAD))
		goto nomem;
	*time = nla_reserve_64bit(msg, KPPTP_A_CAPTURE_TIME, sizeof(u64),
				  KPPTP_A_PAD);
	data = nla_reserve(msg, KPPTP_A_CAPTURE_DATA, caplen);
	if (!*time || !data ||
	    skb_copy_bits(skb, offset, nla_data(data), caplen))
		goto nomem;
	genlmsg_end(msg, hdr);
	return msg;

nomem:
	nlmsg_free(msg);
	return NULL;
}

/* -ECONNREFUSED: the socket is gone; -EAGAIN: its buffer is full. */
int kpptp_nl_capture_send(struct kpptp_call *call, struct sk_buff *msg,
			  u32 portid)
{
	return genlmsg_unicast(call->net, msg, portid);
}

static void kpptp_parse_cfg(struct nlattr **attrs, struct kpptp_call_cfg *cfg)
{
	struct kpptp_window_cfg *wc = &cfg->win;

	if (attrs[KPPTP_A_PEER_CALL_ID])
		cfg->peer_id = nla_get_u16(attrs[KPPTP_A_PEER_CALL_ID]);
	if (attrs[KPPTP_A_RECV_WINDOW])
		wc->recv_window = nla_get_u16(attrs[KPPTP_A_RECV_WINDOW]);
	if (attrs[KPPTP_A_PEER_RECV_WINDOW])
		wc->peer_recv_window =
			nla_get_u16(attrs[KPPTP_A_PEER_RECV_WINDOW]);
	if (attrs[KPPTP_A_PEER_PPD])
		wc->peer_ppd = nla_get_u16(attrs[KPPTP_A_PEER_PPD]);
	/* FLAGS_MASK, if given, names the bits FLAGS changes; else all */
	if (attrs[KPPTP_A_FLAGS] || attrs[KPPTP_A_FLAGS_MASK]) {
		u32 mask = KPPTP_F_ALL, val = 0;

		if (attrs[KPPTP_A_FLAGS_MASK])
			mask = nla_get_u32(attrs[KPPTP_A_FLAGS_MASK]);
		if (attrs[KPPTP_A_FLAGS])
			val = nla_get_u32(attrs[KPPTP_A_FLAGS]);
		cfg->flags = (cfg->flags & ~mask) | (val & mask);
	}
	if (attrs[KPPTP_A_REORDER_TIMEOUT])
		wc->reorder_timeout_ms =
			nla_get_u32(attrs[KPPTP_A_REORDER_TIMEOUT]);
	if (attrs[KPPTP_A_REORDER_DEPTH])
		wc->reorder_depth = nla_get_u16(attrs[KPPTP_A_REORDER_DEPTH]);
	if (attrs[KPPTP_A_ACK_DELAY])
		wc->ack_delay_ms = nla_get_u32(attrs[KPPTP_A_ACK_DELAY]);
}

static int kpptp_reply_call(struct genl_info *info, struct kpptp_call *call,
			    u8 cmd)
{
	struct sk_buff *msg;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	err = kpptp_fill_live_call(msg, call, info->snd_portid, info->snd_seq,
				   0, cmd);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

static int kpptp_nl_call_new(struct sk_buff *skb, struct genl_info *info)
{
	struct kpptp_call_cfg cfg = { .owner = KPPTP_OWNER_NETLINK };
	struct nlattr **attrs = info->attrs;
	struct kpptp_call *call;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, KPPTP_A_PEER_ADDR))
		return -EINVAL;
	/* without it the call waits for CALL_SET to name the peer call */
	cfg.peer_unknown = !attrs[KPPTP_A_PEER_CALL_ID];

	cfg.peer_addr = nla_get_in_addr(attrs[KPPTP_A_PEER_ADDR]);
	if (!cfg.peer_addr || ipv4_is_multicast(cfg.peer_addr) ||
	    ipv4_is_lbcast(cfg.peer_addr)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[KPPTP_A_PEER_ADDR],
				    "peer must be a unicast address");
		return -EINVAL;
	}
	if (attrs[KPPTP_A_LOCAL_ADDR])
		cfg.local_addr = nla_get_in_addr(attrs[KPPTP_A_LOCAL_ADDR]);
	if (attrs[KPPTP_A_CALL_ID])
		cfg.local_id = nla_get_u16(attrs[KPPTP_A_CALL_ID]);
	kpptp_window_cfg_defaults(&cfg.win);
	kpptp_parse_cfg(attrs, &cfg);

	call = kpptp_call_create(genl_info_net(info), &cfg, info->extack);
	if (IS_ERR(call))
		return PTR_ERR(call);

	err = kpptp_reply_call(info, call, KPPTP_CMD_CALL_NEW);
	if (err)	/* the caller cannot learn the ID: undo */
		kpptp_call_delete(call, KPPTP_DEL_NETLINK);
	kpptp_call_put(call);
	return err;
}

/* A referenced call named by KPPTP_A_CALL_ID, or an ERR_PTR. */
static struct kpptp_call *kpptp_nl_get_call(struct genl_info *info)
{
	struct nlattr *attr = info->attrs[KPPTP_A_CALL_ID];
	struct kpptp_call *call;

	if (GENL_REQ_ATTR_CHECK(info, KPPTP_A_CALL_ID))
		return ERR_PTR(-EINVAL);
	call = kpptp_call_get_by_id(genl_info_net(info), nla_get_u16(attr));
	if (!call) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "no such call");
		return ERR_PTR(-ENOENT);
	}
	return call;
}

static int kpptp_nl_call_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct kpptp_call_cfg cfg;
	struct kpptp_net *kn;
	struct kpptp_call *call;
	int err;

	if (attrs[KPPTP_A_PEER_ADDR] || attrs[KPPTP_A_LOCAL_ADDR]) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    attrs[KPPTP_A_PEER_ADDR] ?:
				    attrs[KPPTP_A_LOCAL_ADDR],
				    "addresses of a call cannot change");
		return -EINVAL;
	}
	call = kpptp_nl_get_call(info);
	if (IS_ERR(call))
		return PTR_ERR(call);

	kn = kpptp_net(call->net);
	mutex_lock(&kn->lock);
	/* Deleted since the lookup: its CALL_DEL event reads the settings
	 * without the lock, so they must not change any more.
	 */
	if (call->dead) {
		err = -ENOENT;
		goto out_unlock;
	}
	cfg.peer_id = call->peer_id;
	cfg.flags = call->flags;
	cfg.win = call->win.cfg;
	kpptp_parse_cfg(attrs, &cfg);
	if ((cfg.flags ^ call->flags) & KPPTP_F_TX_WINDOW) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[KPPTP_A_FLAGS] ?:
				    attrs[KPPTP_A_FLAGS_MASK],
				    "the transmit window is chosen when the call is created");
		err = -EINVAL;
		goto out_unlock;
	}
	if (attrs[KPPTP_A_PEER_CALL_ID])
		err = kpptp_call_set_peer_id(call, cfg.peer_id);
	else
		err = 0;
	if (err == -EEXIST)
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[KPPTP_A_PEER_CALL_ID],
				    "a call to that peer call ID exists");
	else if (err == -EHOSTUNREACH)
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[KPPTP_A_PEER_CALL_ID],
				    "no route to the peer");
	if (err)
		goto out_unlock;
	WRITE_ONCE(call->flags, cfg.flags);
	kpptp_window_set_cfg(&call->win, &cfg.win);
out_unlock:
	mutex_unlock(&kn->lock);
	if (!err)
		kpptp_nl_notify(call, KPPTP_CMD_CALL_SET, 0);
	kpptp_call_put(call);
	return err;
}

static int kpptp_nl_call_del(struct sk_buff *skb, struct genl_info *info)
{
	struct kpptp_call *call = kpptp_nl_get_call(info);

	if (IS_ERR(call))
		return PTR_ERR(call);
	kpptp_call_delete(call, KPPTP_DEL_NETLINK);
	kpptp_call_put(call);
	return 0;
}

/* Frames go to the requesting socket until it closes or the call goes. */
static int kpptp_nl_call_capture(struct sk_buff *skb, struct genl_info *info)
{
	u32 snaplen = KPPTP_CAPTURE_SNAPLEN_MAX, rate = KPPTP_CAPTURE_RATE_DEFAULT;
	struct nlattr **attrs = info->attrs;
	struct kpptp_call *call;
	int err;

	if (attrs[KPPTP_A_CAPTURE_SNAPLEN])
		snaplen = nla_get_u32(attrs[KPPTP_A_CAPTURE_SNAPLEN]);
	if (attrs[KPPTP_A_CAPTURE_RATE])
		rate = nla_get_u32(attrs[KPPTP_A_CAPTURE_RATE]);
	call = kpptp_nl_get_call(info);
	if (IS_ERR(call))
		return PTR_ERR(call);
	err = kpptp_capture_start(call, NETLINK_CB(skb).sk, info->snd_portid,
				  snaplen, rate);
	if (err == -EBUSY)
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[KPPTP_A_CALL_ID],
				    "the call is being captured by another socket");
	else if (err == -ENOENT)
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[KPPTP_A_CALL_ID],
				    "no such call");
	kpptp_call_put(call);
	return err;
}

static int kpptp_nl_call_get(struct sk_buff *skb, struct genl_info *info)
{
	struct kpptp_call *call = kpptp_nl_get_call(info);
	int err;

	if (IS_ERR(call))
		return PTR_ERR(call);
	err = kpptp_reply_call(info, call, KPPTP_CMD_CALL_GET);
	kpptp_call_put(call);
	return err;
}

/* cb->args[0]: the call ID to continue from; past U16_MAX when done. */
static int kpptp_nl_call_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct kpptp_net *kn = kpptp_net(sock_net(skb->sk));
	unsigned long id = cb->args[0];
	struct kpptp_call *call;
	int err;

	mutex_lock(&kn->lock);
	xa_for_each_start(&kn->calls, id, call, id) {
		err = kpptp_fill_call(skb, call, NETLINK_CB(cb->skb).portid,
				      cb->nlh->nlmsg_seq, NLM_F_MULTI,
				      KPPTP_CMD_CALL_GET, 0);
		if (err)	/* skb full: continue here next round */
			goto out;
	}
	id = U16_MAX + 1;
out:
	mutex_unlock(&kn->lock);
	cb->args[0] = id;
	return skb->len;
}

static int kpptp_nl_net_get(struct sk_buff *skb, struct genl_info *info)
{
	struct kpptp_net *kn = kpptp_net(genl_info_net(info));
	struct kpptp_net_stats s;
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &kpptp_genl_family, 0,
				KPPTP_CMD_NET_GET);
	if (!hdr)
		goto nomem;

	kpptp_net_read_stats(kn, &s);
	if (nla_put_u32(msg, KPPTP_A_CALLS, READ_ONCE(kn->ncalls)) ||
	    nla_put_u32(msg, KPPTP_A_MAX_CALLS, READ_ONCE(kn->max_calls)))
		goto nomem;
	nest = nla_nest_start(msg, KPPTP_A_NET_STATS);
	if (!nest ||
	    nla_put_u64_64bit(msg, KPPTP_NSTATS_A_RX_MALFORMED,
			      u64_stats_read(&s.rx_malformed),
			      KPPTP_NSTATS_A_PAD) ||
	    nla_put_u64_64bit(msg, KPPTP_NSTATS_A_RX_UNKNOWN_CALL,
			      u64_stats_read(&s.rx_unknown_call),
			      KPPTP_NSTATS_A_PAD) ||
	    nla_put_u64_64bit(msg, KPPTP_NSTATS_A_RX_WRONG_PEER,
			      u64_stats_read(&s.rx_wrong_peer),
			      KPPTP_NSTATS_A_PAD))
		goto nomem;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nomem:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/*
 * The namespace's own admin may lower its limit, and raise it back up to
 * the default, but only the initial namespace's admin beyond: a user who
 * made a user namespace must not grant themselves more.
 */
static int kpptp_nl_net_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *attr = info->attrs[KPPTP_A_MAX_CALLS];
	struct net *net = genl_info_net(info);
	struct kpptp_net *kn = kpptp_net(net);
	u32 max;

	if (GENL_REQ_ATTR_CHECK(info, KPPTP_A_MAX_CALLS))
		return -EINVAL;
	max = nla_get_u32(attr);
	if (max > kpptp_net_default_max_calls(net) &&
	    !netlink_capable(skb, CAP_NET_ADMIN)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "above the default needs CAP_NET_ADMIN in the initial user namespace");
		return -EPERM;
	}
	mutex_lock(&kn->lock);
	WRITE_ONCE(kn->max_calls, max);
	mutex_unlock(&kn->lock);
	return 0;
}

static const struct genl_ops kpptp_genl_ops[] = {
	{
		.cmd = KPPTP_CMD_CALL_NEW,
		.doit = kpptp_nl_call_new,
		.policy = kpptp_call_new_policy,
		.maxattr = KPPTP_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = KPPTP_CMD_CALL_DEL,
		.doit = kpptp_nl_call_del,
		.policy = kpptp_call_id_policy,
		.maxattr = KPPTP_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = KPPTP_CMD_CALL_SET,
		.doit = kpptp_nl_call_set,
		.policy = kpptp_call_set_policy,
		.maxattr = KPPTP_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = KPPTP_CMD_CALL_GET,
		.doit = kpptp_nl_call_get,
		.dumpit = kpptp_nl_call_dump,
		.policy = kpptp_call_id_policy,
		.maxattr = KPPTP_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,	/* peer addresses, call IDs */
	}, {
		.cmd = KPPTP_CMD_NET_GET,
		.doit = kpptp_nl_net_get,
		.policy = kpptp_no_attr_policy,
		.maxattr = KPPTP_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = KPPTP_CMD_NET_SET,
		.doit = kpptp_nl_net_set,
		.policy = kpptp_net_set_policy,
		.maxattr = KPPTP_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = KPPTP_CMD_CALL_CAPTURE,
		.doit = kpptp_nl_call_capture,
		.policy = kpptp_call_capture_policy,
		.maxattr = KPPTP_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,	/* the user's traffic */
	},
};

static struct genl_family kpptp_genl_family __ro_after_init = {
	.name = KPPTP_GENL_NAME,
	.version = KPPTP_GENL_VERSION,
	.netnsok = true,
	.module = THIS_MODULE,
	.ops = kpptp_genl_ops,
	.n_ops = ARRAY_SIZE(kpptp_genl_ops),
	.resv_start_op = KPPTP_CMD_NET_GET + 1,
	.mcgrps = kpptp_mcgrps,
	.n_mcgrps = ARRAY_SIZE(kpptp_mcgrps),
};

int kpptp_genl_init(void)
{
	int err = genl_register_family(&kpptp_genl_family);

	if (!err)
		WRITE_ONCE(kpptp_genl_live, true);
	return err;
}

void kpptp_genl_exit(void)
{
	/* A delete's CALL_DEL event is sent from a work item after a grace
	 * period: those still pending must not see the family go.
	 */
	WRITE_ONCE(kpptp_genl_live, false);
	kpptp_call_drain();
	genl_unregister_family(&kpptp_genl_family);
}
