/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The data model shared by kpptpctl, the daemon and the tests: a call's
 * configuration (what CALL_NEW / CALL_SET send), everything the kernel
 * reports about a call (CALL_GET, replies, events), the namespace figures
 * (NET_GET), and the names they are printed under.  The netlink encoding
 * lives in codec.c, the transport in nl.c.
 */
#ifndef KPPTP_MODEL_H
#define KPPTP_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/kpptp.h>

/* Bit for attribute @attr in kpptp_call_cfg.set (all KPPTP_A_* < 32). */
#define KPPTP_CFG(attr) (1U << (attr))

/* The settable part of a call; @set says which fields are given. */
struct kpptp_call_cfg {
	uint32_t set;			/* KPPTP_CFG(KPPTP_A_*) bits */
	uint16_t id;			/* KPPTP_A_CALL_ID */
	uint16_t peer_id;		/* KPPTP_A_PEER_CALL_ID */
	uint32_t local_addr;		/* KPPTP_A_LOCAL_ADDR, network order */
	uint32_t peer_addr;		/* KPPTP_A_PEER_ADDR, network order */
	uint16_t recv_window;		/* KPPTP_A_RECV_WINDOW, packets */
	uint16_t peer_recv_window;	/* KPPTP_A_PEER_RECV_WINDOW, packets */
	uint16_t peer_ppd;		/* KPPTP_A_PEER_PPD, 1/10 s */
	uint32_t flags;			/* KPPTP_A_FLAGS, KPPTP_F_* */
	uint32_t flags_mask;		/* KPPTP_A_FLAGS_MASK: bits to change */
	uint32_t reorder_timeout_ms;	/* KPPTP_A_REORDER_TIMEOUT */
	uint16_t reorder_depth;		/* KPPTP_A_REORDER_DEPTH, packets */
	uint32_t ack_delay_ms;		/* KPPTP_A_ACK_DELAY */
};

#define KPPTP_IFNAMSIZ 16

/* A call as the kernel describes it. */
struct kpptp_call_info {
	uint8_t cmd;			/* KPPTP_CMD_* of the message */
	struct kpptp_call_cfg cfg;	/* cfg.set: attributes present */
	uint8_t owner;			/* KPPTP_OWNER_* */
	bool attached;
	bool has_channel;
	uint32_t channel;
	char ifname[KPPTP_IFNAMSIZ];	/* "" when not bridged to a unit */
	uint64_t age_ms;
	bool has_stats;
	uint64_t stats_set;		/* bit (1 << KPPTP_STATS_A_*) */
	uint64_t stats[KPPTP_STATS_A_MAX + 1];
	bool has_del_reason;
	uint8_t del_reason;		/* KPPTP_DEL_* */
	uint32_t capture_portid;	/* socket capturing the call, or 0 */
	uint64_t capture_dropped;	/* ... frames it did not capture */
};

/* CAPTURE_FRAME: one PPP frame of a captured call. */
struct kpptp_frame {
	uint16_t call_id;
	uint8_t dir;			/* KPPTP_CAPTURE_IN or _OUT */
	uint64_t time_ns;		/* CLOCK_REALTIME */
	uint32_t len;			/* the frame's whole length */
	uint64_t dropped;		/* frames not captured so far */
	const uint8_t *data;		/* points into the message */
	uint32_t caplen;		/* bytes at data, <= len */
};

/* NET_GET: namespace-wide figures. */
struct kpptp_net_info {
	uint32_t calls;
	bool has_max_calls;		/* kernels before the limit lack it */
	uint32_t max_calls;
	uint64_t stats_set;		/* bit (1 << KPPTP_NSTATS_A_*) */
	uint64_t stats[KPPTP_NSTATS_A_MAX + 1];
};

/* Names as printed (snake_case, also the JSON keys); NULL if unknown. */
const char *kpptp_owner_name(unsigned int owner);
const char *kpptp_del_reason_name(unsigned int reason);
const char *kpptp_event_name(unsigned int cmd);		/* new, set, del */
const char *kpptp_stat_name(unsigned int attr);		/* KPPTP_STATS_A_* */
const char *kpptp_net_stat_name(unsigned int attr);	/* KPPTP_NSTATS_A_* */

#endif /* KPPTP_MODEL_H */
