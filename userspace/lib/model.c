// SPDX-License-Identifier: GPL-2.0
/* Names of the model's enumerations and counters; see model.h. */
#include <stddef.h>

#include "model.h"

#define NAME(table, i) \
	((i) < sizeof(table) / sizeof((table)[0]) ? (table)[i] : NULL)

const char *kpptp_owner_name(unsigned int owner)
{
	static const char *const names[] = {
		[KPPTP_OWNER_NETLINK] = "netlink",
		[KPPTP_OWNER_SOCKET] = "socket",
	};

	return NAME(names, owner);
}

const char *kpptp_del_reason_name(unsigned int reason)
{
	static const char *const names[] = {
		[KPPTP_DEL_NETLINK] = "netlink",
		[KPPTP_DEL_SOCKET] = "socket",
		[KPPTP_DEL_NETNS] = "netns",
	};

	return NAME(names, reason);
}

const char *kpptp_event_name(unsigned int cmd)
{
	static const char *const names[] = {
		[KPPTP_CMD_CALL_NEW] = "new",
		[KPPTP_CMD_CALL_SET] = "set",
		[KPPTP_CMD_CALL_DEL] = "del",
	};

	return NAME(names, cmd);
}

const char *kpptp_stat_name(unsigned int attr)
{
	static const char *const names[KPPTP_STATS_A_MAX + 1] = {
		[KPPTP_STATS_A_RX_PACKETS] = "rx_packets",
		[KPPTP_STATS_A_RX_BYTES] = "rx_bytes",
		[KPPTP_STATS_A_TX_PACKETS] = "tx_packets",
		[KPPTP_STATS_A_TX_BYTES] = "tx_bytes",
		[KPPTP_STATS_A_RX_INVALID] = "rx_invalid",
		[KPPTP_STATS_A_RX_DROPPED] = "rx_dropped",
		[KPPTP_STATS_A_RX_REORDERED] = "rx_reordered",
		[KPPTP_STATS_A_RX_LOST] = "rx_lost",
		[KPPTP_STATS_A_RX_DUPLICATE] = "rx_duplicate",
		[KPPTP_STATS_A_RX_ACKS] = "rx_acks",
		[KPPTP_STATS_A_TX_ACKS] = "tx_acks",
		[KPPTP_STATS_A_TX_DROPPED] = "tx_dropped",
		[KPPTP_STATS_A_ACK_TIMEOUTS] = "ack_timeouts",
		[KPPTP_STATS_A_WINDOW_STALLS] = "window_stalls",
		[KPPTP_STATS_A_SEND_WINDOW] = "send_window",
		[KPPTP_STATS_A_RTT_US] = "rtt_us",
		[KPPTP_STATS_A_ATO_US] = "ato_us",
		[KPPTP_STATS_A_RX_OUT_OF_RANGE] = "rx_out_of_range",
		[KPPTP_STATS_A_RX_FLUSHED] = "rx_flushed",
		[KPPTP_STATS_A_RX_TOO_LONG] = "rx_too_long",
	};

	return NAME(names, attr);
}

const char *kpptp_net_stat_name(unsigned int attr)
{
	static const char *const names[KPPTP_NSTATS_A_MAX + 1] = {
		[KPPTP_NSTATS_A_RX_MALFORMED] = "rx_malformed",
		[KPPTP_NSTATS_A_RX_UNKNOWN_CALL] = "rx_unknown_call",
		[KPPTP_NSTATS_A_RX_WRONG_PEER] = "rx_wrong_peer",
	};

	return NAME(names, attr);
}
