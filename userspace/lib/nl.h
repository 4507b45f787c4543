/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KPPTP_NL_H
#define KPPTP_NL_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/kpptp.h>

/* A call as the kernel describes it (CALL_GET, CALL_NEW reply, events). */
struct kpptp_call_info {
	uint8_t cmd;			/* KPPTP_CMD_* of the message */
	uint16_t id, peer_id;
	uint32_t local_addr, peer_addr;	/* network byte order */
	uint16_t recv_window, peer_recv_window, peer_ppd, reorder_depth;
	uint32_t flags, reorder_timeout, ack_delay;
	uint8_t owner;
	bool attached;
	bool has_channel;
	uint32_t channel;
	char ifname[32];
	uint64_t age_ms;
	bool has_stats;
	uint64_t stats[KPPTP_STATS_A_MAX + 1];
	bool has_del_reason;
	uint8_t del_reason;
};

struct kpptp_net_info {
	uint32_t calls;
	uint64_t stats[KPPTP_NSTATS_A_MAX + 1];
};

/* What CALL_NEW / CALL_SET send; a has_* flag says the field is given. */
struct kpptp_call_req {
	uint16_t id;
	bool has_id;
	uint16_t peer_id;
	bool has_peer_id;
	uint32_t local_addr, peer_addr;
	bool has_local_addr, has_peer_addr;
	uint32_t u32[KPPTP_A_MAX + 1];	/* window, timer and flag attributes */
	bool has[KPPTP_A_MAX + 1];
};

struct kpptp_nl;

typedef int (*kpptp_call_fn)(const struct kpptp_call_info *call, void *arg);

/* All return 0 or a negative errno; kpptp_nl_error() has the kernel's text. */
struct kpptp_nl *kpptp_nl_open(void);
void kpptp_nl_close(struct kpptp_nl *nl);
const char *kpptp_nl_error(struct kpptp_nl *nl);
int kpptp_nl_call_new(struct kpptp_nl *nl, const struct kpptp_call_req *req,
		      struct kpptp_call_info *out);
int kpptp_nl_call_set(struct kpptp_nl *nl, const struct kpptp_call_req *req);
int kpptp_nl_call_del(struct kpptp_nl *nl, uint16_t id);
int kpptp_nl_call_get(struct kpptp_nl *nl, uint16_t id,
		      struct kpptp_call_info *out);
int kpptp_nl_call_dump(struct kpptp_nl *nl, kpptp_call_fn fn, void *arg);
int kpptp_nl_net_get(struct kpptp_nl *nl, struct kpptp_net_info *out);
/* Subscribe to "events" and call @fn for each until it returns non-zero. */
int kpptp_nl_monitor(struct kpptp_nl *nl, kpptp_call_fn fn, void *arg);

/* Exposed for unit tests: message <-> struct without a kernel. */
struct nl_msg;
int kpptp_nl_put_req(struct nl_msg *msg, const struct kpptp_call_req *req);
int kpptp_nl_parse_call(struct nl_msg *msg, struct kpptp_call_info *out);

#endif
