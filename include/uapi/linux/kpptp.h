/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * kpptp: PPTP (RFC 2637) enhanced-GRE data path, configured over generic
 * netlink.  The source of truth for this API is
 * Documentation/netlink/specs/kpptp.yaml; this header and that spec must agree.
 *
 * Generic netlink family "kpptp", version 1, multicast group "events".
 * All commands act on the network namespace of the netlink socket.  Every
 * command, reads included, needs CAP_NET_ADMIN over that namespace (in its
 * owning user namespace), and so does joining the "events" group: replies
 * and events carry client addresses and call IDs.  Without it: -EPERM.
 * Errors come back as a negative errno in the netlink ACK,
 * with an extended ACK message and the offending attribute where one applies
 * (e.g. -EEXIST "call ID in use", -ENOENT "no such call", -EINVAL with the
 * attribute that failed the strict policy, -EDQUOT "call limit of the
 * namespace reached").
 *
 * A call is one PPTP session: a local call ID (the ID the peer puts in the GRE
 * header it sends us), the peer's call ID and address, and one ppp_generic
 * channel.  Calls are kept per network namespace; IDs are 16 bit, never 0.
 *
 * KPPTP_CMD_CALL_NEW (DO, admin)
 *   Creates a call.  Reply: one
 *   KPPTP_CMD_CALL_NEW message describing the call, as CALL_GET would.
 *   KPPTP_A_CALL_ID          u16   optional; absent or 0: a random unused ID
 *   KPPTP_A_PEER_CALL_ID     u16   optional; absent: the peer's ID is not
 *                                  known yet (a PNS that has sent its
 *                                  Outgoing-Call-Request).  Such a call has
 *                                  no channel and no peer ID in replies
 *                                  until CALL_SET gives one; any number may
 *                                  wait on one peer address.  A socket may
 *                                  bind() to it meanwhile and own it, but
 *                                  PPPIOCGCHAN is -ENOTCONN until then.
 *   KPPTP_A_PEER_ADDR        be32  required; IPv4 address of the peer
 *   KPPTP_A_LOCAL_ADDR       be32  optional; 0: chosen by the route lookup
 *   KPPTP_A_RECV_WINDOW      u16   optional; window we advertised, packets,
 *                                  1-8192, default 64
 *   KPPTP_A_PEER_RECV_WINDOW u16   optional; window the peer advertised,
 *                                  1-8192, default 64
 *   KPPTP_A_PEER_PPD         u16   optional; peer's packet processing delay,
 *                                  1/10 s (RFC 2637 4.4 initial RTT; 0, the
 *                                  default: 100 ms); CALL_SET seeds the
 *                                  RTT again until the first ack sample
 *   KPPTP_A_FLAGS            u32   optional; KPPTP_F_* bits, default 0
 *   KPPTP_A_REORDER_TIMEOUT  u32   optional; longest ms an early packet may
 *                                  wait, 0-2000, default 20 (0: no
 *                                  reordering); the wait adapts below it
 *   KPPTP_A_REORDER_DEPTH    u16   optional; most packets the reorder queue
 *                                  holds, 0-1024, default 64 (0: no
 *                                  reordering); adapts below it
 *   KPPTP_A_ACK_DELAY        u32   optional; ms before a standalone ack,
 *                                  0-5000, default 100 (0: ack every packet)
 *
 * KPPTP_CMD_CALL_SET (DO, admin)
 *   Changes a call.  KPPTP_A_CALL_ID is required; every other attribute of
 *   CALL_NEW except KPPTP_A_PEER_ADDR and KPPTP_A_LOCAL_ADDR may be given.
 *   KPPTP_A_FLAGS_MASK       u32   optional; only these KPPTP_F_* bits are
 *                                  set from KPPTP_A_FLAGS (absent: 0);
 *                                  without a mask KPPTP_A_FLAGS replaces all
 *   KPPTP_F_TX_WINDOW cannot change once the call exists (-EINVAL).
 *   KPPTP_A_PEER_CALL_ID on a call waiting for it completes the call and,
 *   if a socket owns it, registers the channel (-EHOSTUNREACH: no route to
 *   the peer).  Either way -EEXIST if another
 *   call of the namespace talks to that peer call already.
 *   Multicasts a CALL_SET event.  No reply beyond the ACK.
 *
 * KPPTP_CMD_CALL_DEL (DO, admin)
 *   KPPTP_A_CALL_ID          u16   required
 *   Unregisters the channel (pppd sees a hangup) and frees the call.
 *
 * KPPTP_CMD_CALL_GET (DO, DUMP, admin)
 *   DO with KPPTP_A_CALL_ID returns that call; DUMP returns every call of the
 *   namespace.  Each reply carries the CALL_NEW attributes (with their
 *   current values) plus:
 *   KPPTP_A_OWNER            u8    KPPTP_OWNER_*: who created the call
 *   KPPTP_A_ATTACHED         flag  a PX_PROTO_PPTP socket owns the call
 *   KPPTP_A_CHANNEL          u32   ppp_generic channel index
 *                                  (PPPIOCATTCHAN), present while registered:
 *                                  while a socket owns the complete call
 *   KPPTP_A_IFNAME           string ppp interface the channel is bridged to
 *   KPPTP_A_AGE_MS           u64   ms since the call was created
 *   KPPTP_A_STATS            nest  KPPTP_STATS_A_* below
 *
 * KPPTP_CMD_NET_GET (DO, admin)
 *   Namespace-wide figures for packets that could not be given to a call.
 *   KPPTP_A_CALLS            u32   number of calls
 *   KPPTP_A_MAX_CALLS        u32   most calls the namespace may hold
 *   KPPTP_A_NET_STATS        nest  KPPTP_NSTATS_A_* below
 *
 * KPPTP_CMD_NET_SET (DO, admin)
 *   KPPTP_A_MAX_CALLS        u32   required; 0-65535: CALL_NEW and bind()
 *                                  beyond it fail with -EDQUOT ("call limit
 *                                  of the namespace reached"); calls already
 *                                  made stay.  Default 65535 in a namespace
 *                                  of the initial user namespace, 1024 in
 *                                  others; above that default needs
 *                                  CAP_NET_ADMIN in the initial user
 *                                  namespace (-EPERM).  Memory a call uses
 *                                  is charged to the creator's memory cgroup.
 *
 * KPPTP_CMD_CALL_CAPTURE (DO, admin)
 *   Starts capturing a call's PPP frames, both directions, to the netlink
 *   socket that sent this request, until that socket is closed or the call
 *   is deleted.  -EBUSY if another socket captures the call.
 *   KPPTP_A_CALL_ID          u16   required
 *   KPPTP_A_CAPTURE_SNAPLEN  u32   optional; bytes kept of each frame,
 *                                  1-65535, default 65535
 *   KPPTP_A_CAPTURE_RATE     u32   optional; frames per second, 1-1000000,
 *                                  default 10000 (a burst of up to one
 *                                  second's worth); frames beyond are
 *                                  counted in KPPTP_A_CAPTURE_DROPPED
 *   Each frame comes as a KPPTP_CMD_CAPTURE_FRAME message, sent to the
 *   socket without blocking: when its receive buffer is full the frame is
 *   lost and the socket reads ENOBUFS, as for any netlink overrun.  A frame
 *   is what the GRE packet carries, the PPP address/control field included
 *   when the sender put one: received frames as they arrive (before
 *   reordering, duplicates too), sent frames as they leave.
 *
 * KPPTP_CMD_CAPTURE_FRAME (kernel to the capturing socket only)
 *   KPPTP_A_CALL_ID          u16
 *   KPPTP_A_CAPTURE_DIR      u8    KPPTP_CAPTURE_IN or KPPTP_CAPTURE_OUT
 *   KPPTP_A_CAPTURE_TIME     u64   CLOCK_REALTIME, ns
 *   KPPTP_A_CAPTURE_LEN      u32   the frame's length
 *   KPPTP_A_CAPTURE_DROPPED  u64   frames not captured so far (over the rate)
 *   KPPTP_A_CAPTURE_DATA     binary the frame's first SNAPLEN bytes
 *
 * CALL_GET replies and events carry KPPTP_A_CAPTURE_PORTID (u32), the
 * capturing socket's port ID, and KPPTP_A_CAPTURE_DROPPED while a capture
 * runs.
 *
 * Events (group "events", admin to join): CALL_NEW after a call is created,
 * CALL_SET after it changed, CALL_DEL when it is gone (with
 * KPPTP_A_DEL_REASON and the final KPPTP_A_STATS).  CALL_DEL comes an RCU
 * grace period after the delete, once no packet can reach the call, so its
 * counters are final; a new call with the same ID may be announced first.
 * Event messages carry the same attributes as CALL_GET.
 *
 * Attaching pppd: a PX_PROTO_PPTP socket (AF_PPPOX, SOCK_STREAM) behaves as
 * in the in-tree pptp driver: bind() with call_id 0 allocates an ID, bind()
 * with a free ID claims it, connect() sets the peer and registers the
 * channel, PPPIOCGCHAN returns the channel index.  Unlike in-tree, bind() and
 * connect() need CAP_NET_ADMIN over the socket's namespace (-EPERM), and
 * connect() refuses a peer that is 0, multicast or broadcast (-EINVAL), as
 * CALL_NEW does.  Additionally, bind() to the ID of a call made with CALL_NEW
 * that no socket owns yet attaches the socket to it (sin_addr must be 0, or
 * the call's local address if it has one).  That registers its channel (a
 * call with no socket has none: the channel would pin the namespace), so
 * PPPIOCGCHAN works at once and connect() is optional (it must name the
 * call's peer or fails with -EISCONN).  Whatever made it, a call ends when
 * its owning socket is closed, on CALL_DEL, or when its namespace goes away.
 */
#ifndef _UAPI_LINUX_KPPTP_H
#define _UAPI_LINUX_KPPTP_H

#include <linux/types.h>

#define KPPTP_GENL_NAME		"kpptp"
#define KPPTP_GENL_VERSION	1
#define KPPTP_GENL_MCGRP_EVENTS	"events"

enum kpptp_cmd {
	KPPTP_CMD_UNSPEC,
	KPPTP_CMD_CALL_NEW,
	KPPTP_CMD_CALL_DEL,
	KPPTP_CMD_CALL_SET,
	KPPTP_CMD_CALL_GET,
	KPPTP_CMD_NET_GET,
	KPPTP_CMD_NET_SET,
	KPPTP_CMD_CALL_CAPTURE,
	KPPTP_CMD_CAPTURE_FRAME,

	__KPPTP_CMD_MAX
};

#define KPPTP_CMD_MAX (__KPPTP_CMD_MAX - 1)

/* KPPTP_A_FLAGS */
enum kpptp_call_flags {
	/* Enforce the send window on transmit (RFC 2637 4.2): start_xmit
	 * reports busy while it is full.  Off by default: Windows peers ignore
	 * windows and ack late.  Fixed when the call is created.
	 */
	KPPTP_F_TX_WINDOW = 1U << 0,
	/* Hold early packets for reordering; off: drop anything out of order */
	KPPTP_F_NO_REORDER = 1U << 1,
};

#define KPPTP_F_ALL (KPPTP_F_TX_WINDOW | KPPTP_F_NO_REORDER)

/* KPPTP_A_OWNER */
enum kpptp_owner {
	KPPTP_OWNER_NETLINK,	/* KPPTP_CMD_CALL_NEW */
	KPPTP_OWNER_SOCKET,	/* bind() on a PX_PROTO_PPTP socket */
};

/* KPPTP_A_DEL_REASON */
enum kpptp_del_reason {
	KPPTP_DEL_NETLINK,	/* KPPTP_CMD_CALL_DEL */
	KPPTP_DEL_SOCKET,	/* the owning socket was closed */
	KPPTP_DEL_NETNS,	/* the namespace or the module went away */
};

/* KPPTP_A_CAPTURE_DIR */
enum kpptp_capture_dir {
	KPPTP_CAPTURE_IN,	/* received from the peer */
	KPPTP_CAPTURE_OUT,	/* sent to the peer */
};

enum kpptp_attr {
	KPPTP_A_UNSPEC,
	KPPTP_A_PAD,
	KPPTP_A_CALL_ID,		/* u16 */
	KPPTP_A_PEER_CALL_ID,		/* u16 */
	KPPTP_A_LOCAL_ADDR,		/* be32 */
	KPPTP_A_PEER_ADDR,		/* be32 */
	KPPTP_A_RECV_WINDOW,		/* u16 */
	KPPTP_A_PEER_RECV_WINDOW,	/* u16 */
	KPPTP_A_PEER_PPD,		/* u16, 1/10 s */
	KPPTP_A_FLAGS,			/* u32, KPPTP_F_* */
	KPPTP_A_REORDER_TIMEOUT,	/* u32, ms */
	KPPTP_A_REORDER_DEPTH,		/* u16, packets */
	KPPTP_A_ACK_DELAY,		/* u32, ms */
	KPPTP_A_OWNER,			/* u8, KPPTP_OWNER_* */
	KPPTP_A_ATTACHED,		/* flag */
	KPPTP_A_CHANNEL,		/* u32 */
	KPPTP_A_IFNAME,			/* string */
	KPPTP_A_AGE_MS,			/* u64 */
	KPPTP_A_STATS,			/* nest, KPPTP_STATS_A_* */
	KPPTP_A_DEL_REASON,		/* u8, KPPTP_DEL_* */
	KPPTP_A_CALLS,			/* u32 */
	KPPTP_A_NET_STATS,		/* nest, KPPTP_NSTATS_A_* */
	KPPTP_A_FLAGS_MASK,		/* u32, KPPTP_F_* */
	KPPTP_A_MAX_CALLS,		/* u32 */
	KPPTP_A_CAPTURE_SNAPLEN,	/* u32, bytes */
	KPPTP_A_CAPTURE_RATE,		/* u32, frames per second */
	KPPTP_A_CAPTURE_PORTID,		/* u32 */
	KPPTP_A_CAPTURE_DIR,		/* u8, KPPTP_CAPTURE_* */
	KPPTP_A_CAPTURE_TIME,		/* u64, ns, CLOCK_REALTIME */
	KPPTP_A_CAPTURE_LEN,		/* u32, bytes */
	KPPTP_A_CAPTURE_DROPPED,	/* u64, frames */
	KPPTP_A_CAPTURE_DATA,		/* binary */

	__KPPTP_A_LAST
};

#define KPPTP_A_MAX (__KPPTP_A_LAST - 1)

/* Per call, inside KPPTP_A_STATS.  Counters are u64, state is u32. */
enum kpptp_stats_attr {
	KPPTP_STATS_A_UNSPEC,
	KPPTP_STATS_A_PAD,
	KPPTP_STATS_A_RX_PACKETS,	/* data packets given to PPP */
	KPPTP_STATS_A_RX_BYTES,		/* their PPP payload bytes */
	KPPTP_STATS_A_TX_PACKETS,	/* data packets sent */
	KPPTP_STATS_A_TX_BYTES,		/* their PPP payload bytes */
	KPPTP_STATS_A_RX_INVALID,	/* from the peer, but malformed */
	KPPTP_STATS_A_RX_DROPPED,	/* valid, but no channel or no memory */
	KPPTP_STATS_A_RX_REORDERED,	/* arrived early, delivered in order */
	KPPTP_STATS_A_RX_LOST,		/* sequence numbers given up on */
	KPPTP_STATS_A_RX_DUPLICATE,	/* duplicate or late, dropped */
					/* (too far off: RX_OUT_OF_RANGE) */
	KPPTP_STATS_A_RX_ACKS,		/* ack-only packets received */
	KPPTP_STATS_A_TX_ACKS,		/* ack-only packets sent */
	KPPTP_STATS_A_TX_DROPPED,	/* no route or no memory */
	KPPTP_STATS_A_ACK_TIMEOUTS,	/* RFC 2637 4.4 ack timeouts */
	KPPTP_STATS_A_WINDOW_STALLS,	/* transmit stopped on a full window */
	KPPTP_STATS_A_SEND_WINDOW,	/* u32, current send window, packets */
	KPPTP_STATS_A_RTT_US,		/* u32, smoothed RTT estimate */
	KPPTP_STATS_A_ATO_US,		/* u32, current ack timeout */
	KPPTP_STATS_A_RX_OUT_OF_RANGE,	/* sequence further than recv window */
					/* + reorder depth (>= 128), dropped */
	KPPTP_STATS_A_RX_FLUSHED,	/* received, dropped undelivered: still */
					/* queued for reordering when the call */
					/* was deleted or the sequence restarted */
	KPPTP_STATS_A_RX_TOO_LONG,	/* PPP frame over 16448 bytes, dropped */

	__KPPTP_STATS_A_LAST
};

#define KPPTP_STATS_A_MAX (__KPPTP_STATS_A_LAST - 1)

/* Per namespace, inside KPPTP_A_NET_STATS, all u64. */
enum kpptp_net_stats_attr {
	KPPTP_NSTATS_A_UNSPEC,
	KPPTP_NSTATS_A_PAD,
	KPPTP_NSTATS_A_RX_MALFORMED,	/* bad GRE v1 header, short, truncated */
	KPPTP_NSTATS_A_RX_UNKNOWN_CALL,	/* no call with that ID */
	KPPTP_NSTATS_A_RX_WRONG_PEER,	/* call exists, source is not its peer */

	__KPPTP_NSTATS_A_LAST
};

#define KPPTP_NSTATS_A_MAX (__KPPTP_NSTATS_A_LAST - 1)

#endif /* _UAPI_LINUX_KPPTP_H */
