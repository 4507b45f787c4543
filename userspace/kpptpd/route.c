// SPDX-License-Identifier: GPL-2.0
/*
 * Policy routing for a terminating relay pair (relay.c): everything that
 * arrives on the client's ppp interface leaves by its paired next-hop
 * interface, and back, whatever else the gateway routes (the rules and
 * tables: ../lib/relayroute.h).  The unreachable routes keep a pair's
 * packets from falling through to the main table when an interface goes.
 * The addresses pppd set on both interfaces are removed: they are the
 * final server's pair, and as local addresses of the gateway they would
 * catch the client's packets for the server.  Forwarding is switched on
 * for the two interfaces only.  The client's side can come up first (its
 * IPCP starts as soon as the next hop's is Opened, while the next hop's
 * pppd still runs its ip-pre-up script): it is then routed to nowhere
 * until the pair is whole (route_hold_in()).  When kpptpd is killed, each
 * pppd of a pair removes what refers to its interface (kpptp.so,
 * report_watch()).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kpptpd.h"
#include "../lib/relayroute.h"

static struct nl_sock *rtnl;

static int rtnl_open(char *why, size_t whylen)
{
	int err;

	if (rtnl)
		return 0;
	rtnl = relayroute_open(&err);
	if (!rtnl) {
		snprintf(why, whylen, "rtnetlink: %s", nl_geterror(err));
		return -1;
	}
	return 0;
}

/* The address pppd set: @local, peer @peer, /32 */
static int addr_del(unsigned int ifindex, uint32_t local, uint32_t peer)
{
	struct ifaddrmsg h = {
		.ifa_family = AF_INET,
		.ifa_prefixlen = 32,
		.ifa_index = ifindex,
	};
	struct nl_msg *m = nlmsg_alloc_simple(RTM_DELADDR, NLM_F_ACK);

	if (!m || nlmsg_append(m, &h, sizeof(h), NLMSG_ALIGNTO) ||
	    nla_put_u32(m, IFA_LOCAL, local) ||
	    nla_put_u32(m, IFA_ADDRESS, peer)) {
		nlmsg_free(m);
		return -NLE_NOMEM;
	}
	return relayroute_do(rtnl, m);
}

static int forwarding_on(const char *ifname, char *why, size_t whylen)
{
	char path[96];
	int fd, r;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/forwarding",
		 ifname);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	r = fd >= 0 && write(fd, "1", 1) == 1 ? 0 : -1;
	if (r)
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return r;
}

/* @iif's rule to @table and the table's unreachable default */
static int to_nowhere(const char *iif, uint32_t table, char *why,
		      size_t whylen)
{
	int r = relayroute_add(rtnl, table, 0);

	if (!r)
		r = relayroute_rule(rtnl, RTM_NEWRULE, iif, table);
	if (r)
		snprintf(why, whylen, "routing from %s (table %u): %s", iif,
			 table, nl_geterror(r));
	return r ? -1 : 0;
}

/* One direction: from @iif to @oif; @held: to_nowhere() was done */
static int direction(const char *iif, const char *oif, uint32_t table,
		     bool held, char *why, size_t whylen)
{
	unsigned int out = if_nametoindex(oif);
	int r;

	if (!out) {
		snprintf(why, whylen, "interface %s: %s", oif, strerror(errno));
		return -1;
	}
	r = relayroute_add(rtnl, table, out);
	if (r) {
		snprintf(why, whylen, "routing from %s to %s (table %u): %s",
			 iif, oif, table, nl_geterror(r));
		return -1;
	}
	if (!held && to_nowhere(iif, table, why, whylen))
		return -1;
	return forwarding_on(iif, why, whylen);
}

/* pppd's address on side @i of @p, if it is still there */
static int addr_gone(const struct route_pair *p, unsigned int i, char *why,
		     size_t whylen)
{
	unsigned int ifindex = if_nametoindex(p->ifname[i]);
	int r;

	if (!ifindex) {
		snprintf(why, whylen, "interface %s: %s", p->ifname[i],
			 strerror(errno));
		return -1;
	}
	r = addr_del(ifindex, p->local[i], p->remote[i]);
	if (r && r != -NLE_NOADDR && r != -NLE_OBJ_NOTFOUND) {
		snprintf(why, whylen, "removing the address of %s: %s",
			 p->ifname[i], nl_geterror(r));
		return -1;
	}
	return 0;
}

int route_addr_off(const struct route_pair *p, unsigned int side, char *why,
		   size_t whylen)
{
	if (rtnl_open(why, whylen))
		return -1;
	return addr_gone(p, side, why, whylen);
}

int route_hold_in(const struct route_pair *p, char *why, size_t whylen)
{
	if (rtnl_open(why, whylen))
		return -1;
	if (addr_gone(p, 0, why, whylen) ||
	    to_nowhere(p->ifname[0], RELAYROUTE_TABLE_IN + p->id, why, whylen)) {
		route_pair_down(p);
		return -1;
	}
	return 0;
}

int route_pair_up(const struct route_pair *p, bool held, char *why,
		  size_t whylen)
{
	if (rtnl_open(why, whylen))
		return -1;
	if (addr_gone(p, 0, why, whylen) || addr_gone(p, 1, why, whylen) ||
	    direction(p->ifname[0], p->ifname[1], RELAYROUTE_TABLE_IN + p->id,
		      held, why, whylen) ||
	    direction(p->ifname[1], p->ifname[0], RELAYROUTE_TABLE_OUT + p->id,
		      false, why, whylen)) {
		route_pair_down(p);
		return -1;
	}
	return 0;
}

void route_pair_down(const struct route_pair *p)
{
	const uint32_t table[2] = {
		RELAYROUTE_TABLE_IN + p->id, RELAYROUTE_TABLE_OUT + p->id
	};
	char why[128];
	unsigned int i;

	if (rtnl_open(why, sizeof(why))) {
		warn("relay: %s: the routing of pair %u stays", why, p->id);
		return;
	}
	/* each may be gone with its interface, or never made (the next
	 * hop's side of a held pair has no name yet) */
	for (i = 0; i < 2; i++) {
		if (p->ifname[i][0])
			relayroute_rule(rtnl, RTM_DELRULE, p->ifname[i],
					table[i]);
		relayroute_flush(rtnl, table[i]);
	}
}

void route_sweep(uint16_t id)
{
	const uint32_t table[2] = {
		RELAYROUTE_TABLE_IN + id, RELAYROUTE_TABLE_OUT + id
	};
	char why[128];
	unsigned int i, n = 0;

	if (rtnl_open(why, sizeof(why)))
		return;
	for (i = 0; i < 2; i++) {
		while (!relayroute_rule(rtnl, RTM_DELRULE, NULL, table[i]))
			n++;
		relayroute_flush(rtnl, table[i]);
	}
	if (n)
		info("removed %u relay rule(s) of call %u left by an earlier kpptpd",
		     n, id);
}

void route_close(void)
{
	if (rtnl)
		nl_socket_free(rtnl);
	rtnl = NULL;
}
