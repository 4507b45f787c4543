/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The policy routing of a terminating relay pair, as rtnetlink messages
 * (libnl-3 core): kpptpd sets it up and takes it down (kpptpd/route.c);
 * kpptp.so, inside a relay's pppd, removes what refers to its interface
 * when kpptpd is gone (killed) and cannot.  Per pair, ID the inbound
 * kernel call's:
 *
 *	ip rule add pref 100 iif IN lookup 65536+ID
 *	ip route add default dev OUT table 65536+ID
 *	ip route add unreachable default metric 4294967295 table 65536+ID
 *	(and the same from OUT to IN in table 131072+ID)
 *
 * The functions return libnl's negative codes (nl_geterror()) on failure.
 */
#ifndef KPPTP_RELAYROUTE_H
#define KPPTP_RELAYROUTE_H

#include <stdint.h>

struct nl_msg;
struct nl_sock;

#define RELAYROUTE_PREF 100
#define RELAYROUTE_TABLE_IN 65536u	/* + ID: from the client's interface */
#define RELAYROUTE_TABLE_OUT 131072u	/* + ID: from the next hop's */
#define RELAYROUTE_TABLE_END 196608u	/* past the last */

/* A NETLINK_ROUTE socket, or NULL and the error in *@err */
struct nl_sock *relayroute_open(int *err);

/* Send @msg (freed) and wait for the kernel's answer: 0 or an error. */
int relayroute_do(struct nl_sock *sk, struct nl_msg *msg);

/* RTM_NEWRULE or RTM_DELRULE of "pref 100 iif @iif lookup @table";
 * @iif NULL deletes the rule whatever its interface.  0 or an error. */
int relayroute_rule(struct nl_sock *sk, int cmd, const char *iif,
		    uint32_t table);

/* Add "default dev @oif table @table", or with @oif 0 the unreachable
 * default at the worst metric.  0 or an error. */
int relayroute_add(struct nl_sock *sk, uint32_t table, unsigned int oif);

/* Delete the default routes of @table (a pair's has two; at most 8 go):
 * 0 once one is not found, or the error that stopped it. */
int relayroute_flush(struct nl_sock *sk, uint32_t table);

/* Delete the relay rules whose input interface is @ifname and flush their
 * tables: how many rules went, or a negative code. */
int relayroute_forget_iif(struct nl_sock *sk, const char *ifname);

#endif
