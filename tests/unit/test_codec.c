// SPDX-License-Identifier: GPL-2.0
/*
 * lib/codec.c and lib/model.c without a kernel: requests carry exactly the
 * attributes asked for, with the uapi widths; replies and events as the
 * kernel builds them parse into the model; malformed ones are refused.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "codec.h"
#include "json_check.h"
#include "unit.h"

#define FAMILY 0x1234

static struct nl_msg *new_msg(uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	CHECK(msg && genlmsg_put(msg, 0, 0, FAMILY, 0, 0, cmd,
				 KPPTP_GENL_VERSION));
	return msg;
}

static void parse_attrs(struct nl_msg *msg, struct nlattr **tb)
{
	CHECK(genlmsg_parse(nlmsg_hdr(msg), 0, tb, KPPTP_A_MAX, NULL) == 0);
}

/* A call with every settable field given. */
static struct kpptp_call_cfg full_cfg(void)
{
	struct kpptp_call_cfg cfg = {
		.id = 100, .peer_id = 4242,
		.local_addr = inet_addr("10.0.0.1"),
		.peer_addr = inet_addr("10.0.0.2"),
		.recv_window = 32, .peer_recv_window = 16, .peer_ppd = 3,
		.flags = KPPTP_F_TX_WINDOW | KPPTP_F_NO_REORDER,
		.reorder_timeout_ms = 70000, .reorder_depth = 99,
		.ack_delay_ms = 100000,
	};
	int a;

	for (a = KPPTP_A_CALL_ID; a <= KPPTP_A_ACK_DELAY; a++)
		cfg.set |= KPPTP_CFG(a);
	return cfg;
}

TEST(request_has_only_what_is_set)
{
	struct kpptp_call_cfg cfg = {
		.set = KPPTP_CFG(KPPTP_A_PEER_CALL_ID) |
		       KPPTP_CFG(KPPTP_A_PEER_ADDR) |
		       KPPTP_CFG(KPPTP_A_REORDER_TIMEOUT),
		.peer_id = 4242, .peer_addr = inet_addr("10.0.0.2"),
		.reorder_timeout_ms = 50,
		.id = 9, .recv_window = 9,	/* not in .set: not sent */
	};
	struct nlattr *tb[KPPTP_A_MAX + 1];
	struct nl_msg *msg = new_msg(KPPTP_CMD_CALL_NEW);
	int a, n = 0;

	CHECK(kpptp_put_call_cfg(msg, &cfg) == 0);
	parse_attrs(msg, tb);
	for (a = 1; a <= KPPTP_A_MAX; a++)
		n += !!tb[a];
	CHECK(n == 3);
	CHECK(tb[KPPTP_A_PEER_CALL_ID] && nla_len(tb[KPPTP_A_PEER_CALL_ID]) == 2 &&
	      nla_get_u16(tb[KPPTP_A_PEER_CALL_ID]) == 4242);
	CHECK(tb[KPPTP_A_PEER_ADDR] && nla_len(tb[KPPTP_A_PEER_ADDR]) == 4 &&
	      nla_get_u32(tb[KPPTP_A_PEER_ADDR]) == inet_addr("10.0.0.2"));
	CHECK(tb[KPPTP_A_REORDER_TIMEOUT] &&
	      nla_len(tb[KPPTP_A_REORDER_TIMEOUT]) == 4 &&
	      nla_get_u32(tb[KPPTP_A_REORDER_TIMEOUT]) == 50);
	nlmsg_free(msg);
}

/* Each attribute with its width in <linux/kpptp.h>. */
TEST(request_widths)
{
	static const struct {
		int attr, len;
	} widths[] = {
		{ KPPTP_A_CALL_ID, 2 }, { KPPTP_A_PEER_CALL_ID, 2 },
		{ KPPTP_A_LOCAL_ADDR, 4 }, { KPPTP_A_PEER_ADDR, 4 },
		{ KPPTP_A_RECV_WINDOW, 2 }, { KPPTP_A_PEER_RECV_WINDOW, 2 },
		{ KPPTP_A_PEER_PPD, 2 }, { KPPTP_A_FLAGS, 4 },
		{ KPPTP_A_REORDER_TIMEOUT, 4 }, { KPPTP_A_REORDER_DEPTH, 2 },
		{ KPPTP_A_ACK_DELAY, 4 },
	};
	struct kpptp_call_cfg cfg = full_cfg();
	struct nlattr *tb[KPPTP_A_MAX + 1];
	struct nl_msg *msg = new_msg(KPPTP_CMD_CALL_NEW);
	size_t i;

	CHECK(kpptp_put_call_cfg(msg, &cfg) == 0);
	parse_attrs(msg, tb);
	for (i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
		struct nlattr *a = tb[widths[i].attr];

		CHECK(a && nla_len(a) == widths[i].len);
	}
	/* addresses go out as they are: network byte order */
	CHECK(!memcmp(nla_data(tb[KPPTP_A_LOCAL_ADDR]), "\x0a\x00\x00\x01", 4));
	nlmsg_free(msg);
}

TEST(config_round_trip)
{
	struct kpptp_call_cfg cfg = full_cfg();
	struct kpptp_call_info info;
	struct nl_msg *msg = new_msg(KPPTP_CMD_CALL_NEW);

	CHECK(kpptp_put_call_cfg(msg, &cfg) == 0);
	CHECK(kpptp_parse_call(nlmsg_hdr(msg), &info) == 0);
	CHECK(info.cmd == KPPTP_CMD_CALL_NEW);
	CHECK(info.cfg.set == cfg.set);
	/* field by field: the structs' padding is not theirs to compare */
	CHECK(info.cfg.id == cfg.id && info.cfg.peer_id == cfg.peer_id);
	CHECK(info.cfg.local_addr == cfg.local_addr);
	CHECK(info.cfg.peer_addr == cfg.peer_addr);
	CHECK(info.cfg.recv_window == cfg.recv_window);
	CHECK(info.cfg.peer_recv_window == cfg.peer_recv_window);
	CHECK(info.cfg.peer_ppd == cfg.peer_ppd);
	CHECK(info.cfg.flags == cfg.flags);
	CHECK(info.cfg.reorder_timeout_ms == cfg.reorder_timeout_ms);
	CHECK(info.cfg.reorder_depth == cfg.reorder_depth);
	CHECK(info.cfg.ack_delay_ms == cfg.ack_delay_ms);
	CHECK(!info.attached && !info.has_channel && !info.has_stats &&
	      !info.has_del_reason && !info.ifname[0]);
	nlmsg_free(msg);
}

TEST(empty_config_is_empty)
{
	struct kpptp_call_cfg cfg = { .id = 5 };
	struct nl_msg *msg = new_msg(KPPTP_CMD_CALL_SET);

	CHECK(kpptp_put_call_cfg(msg, &cfg) == 0);
	CHECK(genlmsg_attrlen(genlmsg_hdr(nlmsg_hdr(msg)), 0) == 0);
	nlmsg_free(msg);
}

/* A CALL_DEL event as the kernel sends it. */
static struct nl_msg *del_event(void)
{
	struct nl_msg *msg = new_msg(KPPTP_CMD_CALL_DEL);
	struct nlattr *nest;

	nla_put_u16(msg, KPPTP_A_CALL_ID, 100);
	nla_put_u16(msg, KPPTP_A_PEER_CALL_ID, 200);
	nla_put_u32(msg, KPPTP_A_PEER_ADDR, inet_addr("10.0.0.2"));
	nla_put_u8(msg, KPPTP_A_OWNER, KPPTP_OWNER_SOCKET);
	nla_put_flag(msg, KPPTP_A_ATTACHED);
	nla_put_u32(msg, KPPTP_A_CHANNEL, 3);
	nla_put_string(msg, KPPTP_A_IFNAME, "ppp0");
	nla_put_u64(msg, KPPTP_A_AGE_MS, 62123);
	nla_put_u8(msg, KPPTP_A_DEL_REASON, KPPTP_DEL_SOCKET);
	nest = nla_nest_start(msg, KPPTP_A_STATS);
	nla_put_u64(msg, KPPTP_STATS_A_RX_PACKETS, 1ULL << 40);
	nla_put_u64(msg, KPPTP_STATS_A_TX_BYTES, 12345);
	nla_put_u32(msg, KPPTP_STATS_A_SEND_WINDOW, 16);
	nla_put_u32(msg, KPPTP_STATS_A_RTT_US, 1500);
	nla_nest_end(msg, nest);
	return msg;
}

TEST(event_parses)
{
	struct kpptp_call_info c;
	struct nl_msg *msg = del_event();

	CHECK(kpptp_parse_call(nlmsg_hdr(msg), &c) == 0);
	CHECK(c.cmd == KPPTP_CMD_CALL_DEL);
	CHECK(c.cfg.id == 100 && c.cfg.peer_id == 200);
	CHECK(c.cfg.peer_addr == inet_addr("10.0.0.2"));
	CHECK(!(c.cfg.set & KPPTP_CFG(KPPTP_A_LOCAL_ADDR)));
	CHECK(c.owner == KPPTP_OWNER_SOCKET && c.attached);
	CHECK(c.has_channel && c.channel == 3);
	CHECK_STR(c.ifname, "ppp0");
	CHECK(c.age_ms == 62123);
	CHECK(c.has_del_reason && c.del_reason == KPPTP_DEL_SOCKET);
	CHECK(c.has_stats);
	CHECK(c.stats[KPPTP_STATS_A_RX_PACKETS] == 1ULL << 40);
	CHECK(c.stats[KPPTP_STATS_A_TX_BYTES] == 12345);
	CHECK(c.stats[KPPTP_STATS_A_SEND_WINDOW] == 16);
	CHECK(c.stats[KPPTP_STATS_A_RTT_US] == 1500);
	CHECK(c.stats_set == ((1ULL << KPPTP_STATS_A_RX_PACKETS) |
			      (1ULL << KPPTP_STATS_A_TX_BYTES) |
			      (1ULL << KPPTP_STATS_A_SEND_WINDOW) |
			      (1ULL << KPPTP_STATS_A_RTT_US)));
	nlmsg_free(msg);
}

TEST(newer_attributes_are_ignored)
{
	struct kpptp_call_info c;
	struct nl_msg *msg = new_msg(KPPTP_CMD_CALL_GET);
	struct nlattr *nest;

	nla_put_u16(msg, KPPTP_A_CALL_ID, 7);
	nla_put_u32(msg, KPPTP_A_MAX + 5, 1);
	nest = nla_nest_start(msg, KPPTP_A_STATS);
	nla_put_u64(msg, KPPTP_STATS_A_MAX + 3, 9);
	nla_nest_end(msg, nest);
	CHECK(kpptp_parse_call(nlmsg_hdr(msg), &c) == 0 && c.cfg.id == 7);
	CHECK(c.has_stats && c.stats_set == 0);
	nlmsg_free(msg);
}

/* One malformed reply per case: each must be refused, not half-read. */
TEST(malformed_replies)
{
	struct kpptp_net_info n;
	struct kpptp_call_info c;
	struct nl_msg *msg;
	struct nlattr *nest;

	/* no call ID */
	msg = new_msg(KPPTP_CMD_CALL_GET);
	nla_put_u16(msg, KPPTP_A_PEER_CALL_ID, 200);
	CHECK(kpptp_parse_call(nlmsg_hdr(msg), &c) == -EINVAL);
	nlmsg_free(msg);

	/* a call ID of one byte */
	msg = new_msg(KPPTP_CMD_CALL_GET);
	nla_put_u8(msg, KPPTP_A_CALL_ID, 1);
	CHECK(kpptp_parse_call(nlmsg_hdr(msg), &c) == -EINVAL);
	nlmsg_free(msg);

	/* a 64-bit counter sent as 32 bits */
	msg = new_msg(KPPTP_CMD_CALL_GET);
	nla_put_u16(msg, KPPTP_A_CALL_ID, 1);
	nest = nla_nest_start(msg, KPPTP_A_STATS);
	nla_put_u32(msg, KPPTP_STATS_A_RX_BYTES, 1);
	nla_nest_end(msg, nest);
	CHECK(kpptp_parse_call(nlmsg_hdr(msg), &c) == -EINVAL);
	nlmsg_free(msg);

	/* an interface name longer than IFNAMSIZ */
	msg = new_msg(KPPTP_CMD_CALL_GET);
	nla_put_u16(msg, KPPTP_A_CALL_ID, 1);
	nla_put_string(msg, KPPTP_A_IFNAME, "ppp0123456789abcdef");
	CHECK(kpptp_parse_call(nlmsg_hdr(msg), &c) == -EINVAL);
	nlmsg_free(msg);

	/* a name without its terminating NUL */
	msg = new_msg(KPPTP_CMD_CALL_GET);
	nla_put_u16(msg, KPPTP_A_CALL_ID, 1);
	nla_put(msg, KPPTP_A_IFNAME, 4, "ppp0");
	CHECK(kpptp_parse_call(nlmsg_hdr(msg), &c) == -EINVAL);
	nlmsg_free(msg);

	/* shorter than a generic netlink header */
	msg = nlmsg_alloc_simple(FAMILY, 0);
	CHECK(kpptp_parse_call(nlmsg_hdr(msg), &c) == -EINVAL);
	CHECK(kpptp_parse_net(nlmsg_hdr(msg), &n) == -EINVAL);
	nlmsg_free(msg);
}

TEST(net_reply)
{
	struct kpptp_net_info n;
	struct nl_msg *msg = new_msg(KPPTP_CMD_NET_GET);
	struct nlattr *nest;

	nla_put_u32(msg, KPPTP_A_CALLS, 64);
	nest = nla_nest_start(msg, KPPTP_A_NET_STATS);
	nla_put_u64(msg, KPPTP_NSTATS_A_RX_MALFORMED, 5);
	nla_put_u64(msg, KPPTP_NSTATS_A_RX_WRONG_PEER, 1ULL << 33);
	nla_nest_end(msg, nest);
	CHECK(kpptp_parse_net(nlmsg_hdr(msg), &n) == 0);
	CHECK(n.calls == 64);
	CHECK(!n.has_max_calls);
	CHECK(n.stats[KPPTP_NSTATS_A_RX_MALFORMED] == 5);
	CHECK(n.stats[KPPTP_NSTATS_A_RX_WRONG_PEER] == 1ULL << 33);
	CHECK(n.stats_set == ((1ULL << KPPTP_NSTATS_A_RX_MALFORMED) |
			      (1ULL << KPPTP_NSTATS_A_RX_WRONG_PEER)));
	nlmsg_free(msg);
}

TEST(net_reply_max_calls)
{
	struct kpptp_net_info n;
	struct nl_msg *msg = new_msg(KPPTP_CMD_NET_GET);

	nla_put_u32(msg, KPPTP_A_CALLS, 3);
	nla_put_u32(msg, KPPTP_A_MAX_CALLS, 1024);
	CHECK(kpptp_parse_net(nlmsg_hdr(msg), &n) == 0);
	CHECK(n.calls == 3 && n.has_max_calls && n.max_calls == 1024);
	nlmsg_free(msg);
}

/* Every counter has a unique snake_case name: they are the JSON keys. */
TEST(names)
{
	const char *seen[KPPTP_STATS_A_MAX + KPPTP_NSTATS_A_MAX + 2];
	int n = 0, i, j;

	for (i = KPPTP_STATS_A_RX_PACKETS; i <= KPPTP_STATS_A_MAX; i++)
		seen[n++] = kpptp_stat_name((unsigned int)i);
	for (i = KPPTP_NSTATS_A_RX_MALFORMED; i <= KPPTP_NSTATS_A_MAX; i++)
		seen[n++] = kpptp_net_stat_name((unsigned int)i);
	for (i = 0; i < n; i++) {
		CHECK(seen[i] && jc_snake(seen[i]));
		for (j = 0; j < i; j++)
			CHECK(!seen[i] || !seen[j] || strcmp(seen[i], seen[j]));
	}
	CHECK(!kpptp_stat_name(KPPTP_STATS_A_PAD));
	CHECK(!kpptp_stat_name(KPPTP_STATS_A_MAX + 1));
	CHECK_STR(kpptp_owner_name(KPPTP_OWNER_NETLINK), "netlink");
	CHECK_STR(kpptp_owner_name(KPPTP_OWNER_SOCKET), "socket");
	CHECK(!kpptp_owner_name(7));
	CHECK_STR(kpptp_del_reason_name(KPPTP_DEL_NETNS), "netns");
	CHECK_STR(kpptp_event_name(KPPTP_CMD_CALL_NEW), "new");
	CHECK_STR(kpptp_event_name(KPPTP_CMD_CALL_SET), "set");
	CHECK_STR(kpptp_event_name(KPPTP_CMD_CALL_DEL), "del");
	CHECK(!kpptp_event_name(KPPTP_CMD_CALL_GET));
}

static struct nl_msg *frame_msg(uint8_t cmd, uint32_t len, const void *data,
				int datalen, bool with_dir)
{
	struct nl_msg *msg = new_msg(cmd);

	nla_put_u16(msg, KPPTP_A_CALL_ID, 9);
	if (with_dir)
		nla_put_u8(msg, KPPTP_A_CAPTURE_DIR, KPPTP_CAPTURE_OUT);
	nla_put_u64(msg, KPPTP_A_CAPTURE_TIME, 1700000000123456789ULL);
	nla_put_u32(msg, KPPTP_A_CAPTURE_LEN, len);
	nla_put_u64(msg, KPPTP_A_CAPTURE_DROPPED, 4);
	nla_put(msg, KPPTP_A_CAPTURE_DATA, datalen, data);
	return msg;
}

TEST(capture_frames)
{
	static const uint8_t lcp[] = { 0xff, 0x03, 0xc0, 0x21, 9, 3, 0, 8 };
	struct kpptp_frame f;
	struct nl_msg *msg;

	/* a whole frame, and one cut to a snaplen of 4 */
	msg = frame_msg(KPPTP_CMD_CAPTURE_FRAME, sizeof(lcp), lcp, sizeof(lcp),
			true);
	CHECK(kpptp_parse_frame(nlmsg_hdr(msg), &f) == 0);
	CHECK(f.call_id == 9 && f.dir == KPPTP_CAPTURE_OUT);
	CHECK(f.time_ns == 1700000000123456789ULL && f.dropped == 4);
	CHECK(f.len == 8 && f.caplen == 8 && !memcmp(f.data, lcp, 8));
	nlmsg_free(msg);
	msg = frame_msg(KPPTP_CMD_CAPTURE_FRAME, 1500, lcp, 4, true);
	CHECK(kpptp_parse_frame(nlmsg_hdr(msg), &f) == 0);
	CHECK(f.len == 1500 && f.caplen == 4);
	nlmsg_free(msg);

	/* refused: more data than the frame had, no direction, not a frame */
	msg = frame_msg(KPPTP_CMD_CAPTURE_FRAME, 2, lcp, 4, true);
	CHECK(kpptp_parse_frame(nlmsg_hdr(msg), &f) == -EINVAL);
	nlmsg_free(msg);
	msg = frame_msg(KPPTP_CMD_CAPTURE_FRAME, 8, lcp, 8, false);
	CHECK(kpptp_parse_frame(nlmsg_hdr(msg), &f) == -EINVAL);
	nlmsg_free(msg);
	msg = frame_msg(KPPTP_CMD_CALL_GET, 8, lcp, 8, true);
	CHECK(kpptp_parse_frame(nlmsg_hdr(msg), &f) == -EINVAL);
	nlmsg_free(msg);
}

TEST(capture_portid_of_a_call)
{
	struct kpptp_call_info c;
	struct nl_msg *msg = new_msg(KPPTP_CMD_CALL_GET);

	nla_put_u16(msg, KPPTP_A_CALL_ID, 7);
	CHECK(kpptp_parse_call(nlmsg_hdr(msg), &c) == 0 && !c.capture_portid);
	nla_put_u32(msg, KPPTP_A_CAPTURE_PORTID, 4242);
	nla_put_u64(msg, KPPTP_A_CAPTURE_DROPPED, 17);
	CHECK(kpptp_parse_call(nlmsg_hdr(msg), &c) == 0 &&
	      c.capture_portid == 4242 && c.capture_dropped == 17);
	nlmsg_free(msg);
}
