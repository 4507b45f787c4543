// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink messages without a kernel: a CALL_NEW request carries exactly the
 * attributes asked for, with the right widths, and a reply parses back.
 */
#include <arpa/inet.h>
#include <string.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "nl.h"
#include "unit.h"

int main(void)
{
	struct kpptp_call_req req = { 0 };
	struct nlattr *tb[KPPTP_A_MAX + 1];
	struct kpptp_call_info c;
	struct nlattr *nest;
	struct nl_msg *msg;

	req.has_peer_id = true;
	req.peer_id = 4242;
	req.has_peer_addr = true;
	req.peer_addr = inet_addr("10.0.0.2");
	req.has[KPPTP_A_RECV_WINDOW] = true;
	req.u32[KPPTP_A_RECV_WINDOW] = 32;
	req.has[KPPTP_A_REORDER_TIMEOUT] = true;
	req.u32[KPPTP_A_REORDER_TIMEOUT] = 50;

	msg = nlmsg_alloc();
	genlmsg_put(msg, 0, 0, 99, 0, 0, KPPTP_CMD_CALL_NEW, 1);
	CHECK(kpptp_nl_put_req(msg, &req) == 0);
	CHECK(genlmsg_parse(nlmsg_hdr(msg), 0, tb, KPPTP_A_MAX, NULL) == 0);
	CHECK(tb[KPPTP_A_CALL_ID] == NULL);	/* 0 was not asked for */
	CHECK(tb[KPPTP_A_LOCAL_ADDR] == NULL);
	CHECK(tb[KPPTP_A_PEER_CALL_ID] && nla_len(tb[KPPTP_A_PEER_CALL_ID]) == 2 &&
	      nla_get_u16(tb[KPPTP_A_PEER_CALL_ID]) == 4242);
	CHECK(tb[KPPTP_A_PEER_ADDR] && nla_len(tb[KPPTP_A_PEER_ADDR]) == 4 &&
	      nla_get_u32(tb[KPPTP_A_PEER_ADDR]) == inet_addr("10.0.0.2"));
	CHECK(tb[KPPTP_A_RECV_WINDOW] && nla_len(tb[KPPTP_A_RECV_WINDOW]) == 2);
	CHECK(tb[KPPTP_A_REORDER_TIMEOUT] &&
	      nla_len(tb[KPPTP_A_REORDER_TIMEOUT]) == 4 &&
	      nla_get_u32(tb[KPPTP_A_REORDER_TIMEOUT]) == 50);
	CHECK(tb[KPPTP_A_FLAGS] == NULL);
	nlmsg_free(msg);

	/* A reply as the kernel builds it parses into the shared model. */
	msg = nlmsg_alloc();
	genlmsg_put(msg, 0, 0, 99, 0, 0, KPPTP_CMD_CALL_DEL, 1);
	nla_put_u16(msg, KPPTP_A_CALL_ID, 100);
	nla_put_u16(msg, KPPTP_A_PEER_CALL_ID, 200);
	nla_put_u32(msg, KPPTP_A_PEER_ADDR, inet_addr("10.0.0.2"));
	nla_put_u8(msg, KPPTP_A_OWNER, KPPTP_OWNER_SOCKET);
	nla_put_flag(msg, KPPTP_A_ATTACHED);
	nla_put_u32(msg, KPPTP_A_CHANNEL, 3);
	nla_put_string(msg, KPPTP_A_IFNAME, "ppp0");
	nla_put_u8(msg, KPPTP_A_DEL_REASON, KPPTP_DEL_SOCKET);
	nest = nla_nest_start(msg, KPPTP_A_STATS);
	nla_put_u64(msg, KPPTP_STATS_A_RX_PACKETS, 1ULL << 40);
	nla_put_u32(msg, KPPTP_STATS_A_SEND_WINDOW, 16);
	nla_nest_end(msg, nest);
	CHECK(kpptp_nl_parse_call(msg, &c) == 0);
	CHECK(c.cmd == KPPTP_CMD_CALL_DEL && c.id == 100 && c.peer_id == 200);
	CHECK(c.owner == KPPTP_OWNER_SOCKET && c.attached);
	CHECK(c.has_channel && c.channel == 3 && !strcmp(c.ifname, "ppp0"));
	CHECK(c.has_del_reason && c.del_reason == KPPTP_DEL_SOCKET);
	CHECK(c.has_stats && c.stats[KPPTP_STATS_A_RX_PACKETS] == 1ULL << 40);
	CHECK(c.stats[KPPTP_STATS_A_SEND_WINDOW] == 16);
	nlmsg_free(msg);

	/* A message without a call ID is refused, not half-parsed. */
	msg = nlmsg_alloc();
	genlmsg_put(msg, 0, 0, 99, 0, 0, KPPTP_CMD_CALL_GET, 1);
	nla_put_u16(msg, KPPTP_A_PEER_CALL_ID, 200);
	CHECK(kpptp_nl_parse_call(msg, &c) != 0);
	nlmsg_free(msg);
	return unit_done();
}
