// SPDX-License-Identifier: GPL-2.0
/* kpptp genl attributes <-> model; see codec.h and <linux/kpptp.h>. */
#include <errno.h>
#include <string.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "codec.h"

/* What each attribute looks like on the wire (uapi widths). */
static const struct nla_policy call_policy[KPPTP_A_MAX + 1] = {
	[KPPTP_A_CALL_ID]		= { .type = NLA_U16 },
	[KPPTP_A_PEER_CALL_ID]		= { .type = NLA_U16 },
	[KPPTP_A_LOCAL_ADDR]		= { .type = NLA_U32 },
	[KPPTP_A_PEER_ADDR]		= { .type = NLA_U32 },
	[KPPTP_A_RECV_WINDOW]		= { .type = NLA_U16 },
	[KPPTP_A_PEER_RECV_WINDOW]	= { .type = NLA_U16 },
	[KPPTP_A_PEER_PPD]		= { .type = NLA_U16 },
	[KPPTP_A_FLAGS]			= { .type = NLA_U32 },
	[KPPTP_A_REORDER_TIMEOUT]	= { .type = NLA_U32 },
	[KPPTP_A_REORDER_DEPTH]		= { .type = NLA_U16 },
	[KPPTP_A_ACK_DELAY]		= { .type = NLA_U32 },
	[KPPTP_A_OWNER]			= { .type = NLA_U8 },
	[KPPTP_A_ATTACHED]		= { .type = NLA_FLAG },
	[KPPTP_A_CHANNEL]		= { .type = NLA_U32 },
	[KPPTP_A_IFNAME]		= { .type = NLA_STRING,
					    .maxlen = KPPTP_IFNAMSIZ },
	[KPPTP_A_AGE_MS]		= { .type = NLA_U64 },
	[KPPTP_A_STATS]			= { .type = NLA_NESTED },
	[KPPTP_A_DEL_REASON]		= { .type = NLA_U8 },
	[KPPTP_A_CALLS]			= { .type = NLA_U32 },
	[KPPTP_A_NET_STATS]		= { .type = NLA_NESTED },
	[KPPTP_A_MAX_CALLS]		= { .type = NLA_U32 },
	[KPPTP_A_CAPTURE_SNAPLEN]	= { .type = NLA_U32 },
	[KPPTP_A_CAPTURE_RATE]		= { .type = NLA_U32 },
	[KPPTP_A_CAPTURE_PORTID]	= { .type = NLA_U32 },
	[KPPTP_A_CAPTURE_DIR]		= { .type = NLA_U8 },
	[KPPTP_A_CAPTURE_TIME]		= { .type = NLA_U64 },
	[KPPTP_A_CAPTURE_LEN]		= { .type = NLA_U32 },
	[KPPTP_A_CAPTURE_DROPPED]	= { .type = NLA_U64 },
	[KPPTP_A_CAPTURE_DATA]		= { .type = NLA_UNSPEC },
};

/* Per-call statistics: counters are u64, the window state u32. */
static const struct nla_policy stats_policy[KPPTP_STATS_A_MAX + 1] = {
	[KPPTP_STATS_A_RX_PACKETS]	= { .type = NLA_U64 },
	[KPPTP_STATS_A_RX_BYTES]	= { .type = NLA_U64 },
	[KPPTP_STATS_A_TX_PACKETS]	= { .type = NLA_U64 },
	[KPPTP_STATS_A_TX_BYTES]	= { .type = NLA_U64 },
	[KPPTP_STATS_A_RX_INVALID]	= { .type = NLA_U64 },
	[KPPTP_STATS_A_RX_DROPPED]	= { .type = NLA_U64 },
	[KPPTP_STATS_A_RX_REORDERED]	= { .type = NLA_U64 },
	[KPPTP_STATS_A_RX_LOST]		= { .type = NLA_U64 },
	[KPPTP_STATS_A_RX_DUPLICATE]	= { .type = NLA_U64 },
	[KPPTP_STATS_A_RX_ACKS]		= { .type = NLA_U64 },
	[KPPTP_STATS_A_TX_ACKS]		= { .type = NLA_U64 },
	[KPPTP_STATS_A_TX_DROPPED]	= { .type = NLA_U64 },
	[KPPTP_STATS_A_ACK_TIMEOUTS]	= { .type = NLA_U64 },
	[KPPTP_STATS_A_WINDOW_STALLS]	= { .type = NLA_U64 },
	[KPPTP_STATS_A_SEND_WINDOW]	= { .type = NLA_U32 },
	[KPPTP_STATS_A_RTT_US]		= { .type = NLA_U32 },
	[KPPTP_STATS_A_ATO_US]		= { .type = NLA_U32 },
	[KPPTP_STATS_A_RX_OUT_OF_RANGE]	= { .type = NLA_U64 },
	[KPPTP_STATS_A_RX_FLUSHED]	= { .type = NLA_U64 },
	[KPPTP_STATS_A_RX_TOO_LONG]	= { .type = NLA_U64 },
};

static const struct nla_policy net_stats_policy[KPPTP_NSTATS_A_MAX + 1] = {
	[KPPTP_NSTATS_A_RX_MALFORMED]	= { .type = NLA_U64 },
	[KPPTP_NSTATS_A_RX_UNKNOWN_CALL] = { .type = NLA_U64 },
	[KPPTP_NSTATS_A_RX_WRONG_PEER]	= { .type = NLA_U64 },
};

int kpptp_put_call_cfg(struct nl_msg *msg, const struct kpptp_call_cfg *cfg)
{
	const uint32_t set = cfg->set;
	int err = 0;

#define PUT(bits, attr, value) \
	do { \
		if (!err && (set & KPPTP_CFG(attr))) \
			err = nla_put_u##bits(msg, attr, value); \
	} while (0)
	PUT(16, KPPTP_A_CALL_ID, cfg->id);
	PUT(16, KPPTP_A_PEER_CALL_ID, cfg->peer_id);
	PUT(32, KPPTP_A_LOCAL_ADDR, cfg->local_addr);
	PUT(32, KPPTP_A_PEER_ADDR, cfg->peer_addr);
	PUT(16, KPPTP_A_RECV_WINDOW, cfg->recv_window);
	PUT(16, KPPTP_A_PEER_RECV_WINDOW, cfg->peer_recv_window);
	PUT(16, KPPTP_A_PEER_PPD, cfg->peer_ppd);
	PUT(32, KPPTP_A_FLAGS, cfg->flags);
	PUT(32, KPPTP_A_FLAGS_MASK, cfg->flags_mask);
	PUT(32, KPPTP_A_REORDER_TIMEOUT, cfg->reorder_timeout_ms);
	PUT(16, KPPTP_A_REORDER_DEPTH, cfg->reorder_depth);
	PUT(32, KPPTP_A_ACK_DELAY, cfg->ack_delay_ms);
#undef PUT
	return err ? -EMSGSIZE : 0;
}

/* Fill @out from a nest parsed against @policy; counters u64, state u32. */
static int parse_counters(struct nlattr *nest, int max,
			  const struct nla_policy *policy, uint64_t *out,
			  uint64_t *set)
{
	struct nlattr *tb[KPPTP_STATS_A_MAX + 1 > KPPTP_NSTATS_A_MAX + 1 ?
			  KPPTP_STATS_A_MAX + 1 : KPPTP_NSTATS_A_MAX + 1];
	int i;

	if (nla_parse_nested(tb, max, nest, policy))
		return -EINVAL;
	for (i = 1; i <= max; i++) {
		if (!tb[i] || !policy[i].type)
			continue;
		out[i] = policy[i].type == NLA_U64 ? nla_get_u64(tb[i]) :
						     nla_get_u32(tb[i]);
		*set |= 1ULL << i;
	}
	return 0;
}

int kpptp_parse_call(struct nlmsghdr *nlh, struct kpptp_call_info *out)
{
	struct nlattr *tb[KPPTP_A_MAX + 1];
	struct kpptp_call_cfg *cfg = &out->cfg;

	memset(out, 0, sizeof(*out));
	if (!genlmsg_valid_hdr(nlh, 0) ||
	    genlmsg_parse(nlh, 0, tb, KPPTP_A_MAX, call_policy) ||
	    !tb[KPPTP_A_CALL_ID])
		return -EINVAL;
	out->cmd = genlmsg_hdr(nlh)->cmd;

#define GET(bits, attr, field) \
	do { \
		if (tb[attr]) { \
			cfg->field = nla_get_u##bits(tb[attr]); \
			cfg->set |= KPPTP_CFG(attr); \
		} \
	} while (0)
	GET(16, KPPTP_A_CALL_ID, id);
	GET(16, KPPTP_A_PEER_CALL_ID, peer_id);
	GET(32, KPPTP_A_LOCAL_ADDR, local_addr);
	GET(32, KPPTP_A_PEER_ADDR, peer_addr);
	GET(16, KPPTP_A_RECV_WINDOW, recv_window);
	GET(16, KPPTP_A_PEER_RECV_WINDOW, peer_recv_window);
	GET(16, KPPTP_A_PEER_PPD, peer_ppd);
	GET(32, KPPTP_A_FLAGS, flags);
	GET(32, KPPTP_A_REORDER_TIMEOUT, reorder_timeout_ms);
	GET(16, KPPTP_A_REORDER_DEPTH, reorder_depth);
	GET(32, KPPTP_A_ACK_DELAY, ack_delay_ms);
#undef GET

	if (tb[KPPTP_A_OWNER])
		out->owner = nla_get_u8(tb[KPPTP_A_OWNER]);
	out->attached = !!tb[KPPTP_A_ATTACHED];
	if (tb[KPPTP_A_CHANNEL]) {
		out->has_channel = true;
		out->channel = nla_get_u32(tb[KPPTP_A_CHANNEL]);
	}
	if (tb[KPPTP_A_IFNAME])
		nla_strlcpy(out->ifname, tb[KPPTP_A_IFNAME],
			    sizeof(out->ifname));
	if (tb[KPPTP_A_AGE_MS])
		out->age_ms = nla_get_u64(tb[KPPTP_A_AGE_MS]);
	if (tb[KPPTP_A_STATS]) {
		if (parse_counters(tb[KPPTP_A_STATS], KPPTP_STATS_A_MAX,
				   stats_policy, out->stats, &out->stats_set))
			return -EINVAL;
		out->has_stats = true;
	}
	if (tb[KPPTP_A_DEL_REASON]) {
		out->has_del_reason = true;
		out->del_reason = nla_get_u8(tb[KPPTP_A_DEL_REASON]);
	}
	if (tb[KPPTP_A_CAPTURE_PORTID])
		out->capture_portid = nla_get_u32(tb[KPPTP_A_CAPTURE_PORTID]);
	if (tb[KPPTP_A_CAPTURE_DROPPED])
		out->capture_dropped = nla_get_u64(tb[KPPTP_A_CAPTURE_DROPPED]);
	return 0;
}

int kpptp_parse_frame(struct nlmsghdr *nlh, struct kpptp_frame *out)
{
	struct nlattr *tb[KPPTP_A_MAX + 1];

	memset(out, 0, sizeof(*out));
	if (!genlmsg_valid_hdr(nlh, 0) ||
	    genlmsg_hdr(nlh)->cmd != KPPTP_CMD_CAPTURE_FRAME ||
	    genlmsg_parse(nlh, 0, tb, KPPTP_A_MAX, call_policy) ||
	    !tb[KPPTP_A_CALL_ID] || !tb[KPPTP_A_CAPTURE_DIR] ||
	    !tb[KPPTP_A_CAPTURE_LEN] || !tb[KPPTP_A_CAPTURE_DATA])
		return -EINVAL;
	out->call_id = nla_get_u16(tb[KPPTP_A_CALL_ID]);
	out->dir = nla_get_u8(tb[KPPTP_A_CAPTURE_DIR]);
	out->len = nla_get_u32(tb[KPPTP_A_CAPTURE_LEN]);
	if (tb[KPPTP_A_CAPTURE_TIME])
		out->time_ns = nla_get_u64(tb[KPPTP_A_CAPTURE_TIME]);
	if (tb[KPPTP_A_CAPTURE_DROPPED])
		out->dropped = nla_get_u64(tb[KPPTP_A_CAPTURE_DROPPED]);
	out->data = nla_data(tb[KPPTP_A_CAPTURE_DATA]);
	out->caplen = (uint32_t)nla_len(tb[KPPTP_A_CAPTURE_DATA]);
	/* the kernel never sends more than the frame had */
	if (out->caplen > out->len)
		return -EINVAL;
	return 0;
}

int kpptp_parse_net(struct nlmsghdr *nlh, struct kpptp_net_info *out)
{
	struct nlattr *tb[KPPTP_A_MAX + 1];

	memset(out, 0, sizeof(*out));
	if (!genlmsg_valid_hdr(nlh, 0) ||
	    genlmsg_parse(nlh, 0, tb, KPPTP_A_MAX, call_policy))
		return -EINVAL;
	if (tb[KPPTP_A_CALLS])
		out->calls = nla_get_u32(tb[KPPTP_A_CALLS]);
	if (tb[KPPTP_A_MAX_CALLS]) {
		out->has_max_calls = true;
		out->max_calls = nla_get_u32(tb[KPPTP_A_MAX_CALLS]);
	}
	if (tb[KPPTP_A_NET_STATS] &&
	    parse_counters(tb[KPPTP_A_NET_STATS], KPPTP_NSTATS_A_MAX,
			   net_stats_policy, out->stats, &out->stats_set))
		return -EINVAL;
	return 0;
}
