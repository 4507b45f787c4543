// SPDX-License-Identifier: GPL-2.0
/*
 * Policy routing for a terminating relay pair (relay.c): everything that
 * arrives on the client's ppp interface leaves by its paired next-hop
 * interface, and back, whatever else the gateway routes.  Per pair:
 *
 *	ip rule add pref 100 iif IN lookup 65536+ID
 *	ip route add default dev OUT table 65536+ID
 *	ip route add unreachable default metric 4294967295 table 65536+ID
 *	(and the same from OUT to IN in table 131072+ID)
 *
 * ID is the inbound kernel call's, unique while the pair lives.  The
 * unreachable routes keep a pair's packets from falling through to the
 * main table when an interface goes.  The addresses pppd set on both
 * interfaces are removed: they are the final server's pair, and as local
 * addresses of the gateway they would catch the client's packets for the
 * server.  Forwarding is switched on for the two interfaces only.
 *
 * The messages are built with libnl-3's core (nlmsg, nla_put): libnl-route
 * would be one more library on every install for five messages.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fib_rules.h>
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

#define RULE_PREF 100
#define TABLE_IN 65536u		/* + ID: from the client's interface */
#define TABLE_OUT 131072u	/* + ID: from the next hop's */

static struct nl_sock *rtnl;

static int rtnl_open(char *why, size_t whylen)
{
	int err;

	if (rtnl)
		return 0;
	rtnl = nl_socket_alloc();
	if (!rtnl) {
		snprintf(why, whylen, "rtnetlink: out of memory");
		return -1;
	}
	err = nl_connect(rtnl, NETLINK_ROUTE);
	if (err) {
		snprintf(why, whylen, "rtnetlink: %s", nl_geterror(err));
		nl_socket_free(rtnl);
		rtnl = NULL;
		return -1;
	}
	return 0;
}

/* Send @msg (freed) and wait for the kernel's answer: 0 or libnl's
 * negative code (nl_geterror()). */
static int rtnl_do(struct nl_msg *msg)
{
	int err = nl_send_auto(rtnl, msg);

	nlmsg_free(msg);
	return err < 0 ? err : nl_wait_for_ack(rtnl);
}

/* @iif NULL: any (deleting what an earlier kpptpd left) */
static int rule(int cmd, const char *iif, uint32_t table)
{
	struct fib_rule_hdr h = {
		.family = AF_INET,
		.action = FR_ACT_TO_TBL,
	};
	struct nl_msg *m;

	m = nlmsg_alloc_simple(cmd, NLM_F_ACK | (cmd == RTM_NEWRULE ?
				NLM_F_CREATE | NLM_F_EXCL : 0));
	if (!m || nlmsg_append(m, &h, sizeof(h), NLMSG_ALIGNTO) ||
	    (iif && nla_put_string(m, FRA_IIFNAME, iif)) ||
	    nla_put_u32(m, FRA_TABLE, table) ||
	    nla_put_u32(m, FRA_PRIORITY, RULE_PREF)) {
		nlmsg_free(m);
		return -NLE_NOMEM;
	}
	return rtnl_do(m);
}

/* default dev @oif (or, @oif 0, unreachable at the worst metric) */
static int route(int cmd, uint32_t table, unsigned int oif)
{
	struct rtmsg h = {
		.rtm_family = AF_INET,
		.rtm_table = RT_TABLE_UNSPEC,
		.rtm_protocol = RTPROT_STATIC,
		.rtm_scope = oif ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE,
		.rtm_type = oif ? RTN_UNICAST : RTN_UNREACHABLE,
	};
	struct nl_msg *m;

	m = nlmsg_alloc_simple(cmd, NLM_F_ACK | (cmd == RTM_NEWROUTE ?
				NLM_F_CREATE | NLM_F_EXCL : 0));
	if (!m || nlmsg_append(m, &h, sizeof(h), NLMSG_ALIGNTO) ||
	    nla_put_u32(m, RTA_TABLE, table) ||
	    (oif && nla_put_u32(m, RTA_OIF, oif)) ||
	    (!oif && nla_put_u32(m, RTA_PRIORITY, 0xffffffffu))) {
		nlmsg_free(m);
		return -NLE_NOMEM;
	}
	return rtnl_do(m);
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
	return rtnl_do(m);
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

/* One direction: from @iif to @oif */
static int direction(const char *iif, const char *oif, uint32_t table,
		     char *why, size_t whylen)
{
	unsigned int out = if_nametoindex(oif);
	int r;

	if (!out) {
		snprintf(why, whylen, "interface %s: %s", oif, strerror(errno));
		return -1;
	}
	r = route(RTM_NEWROUTE, table, out);
	if (!r)
		r = route(RTM_NEWROUTE, table, 0);
	if (!r)
		r = rule(RTM_NEWRULE, iif, table);
	if (r) {
		snprintf(why, whylen, "routing from %s to %s (table %u): %s",
			 iif, oif, table, nl_geterror(r));
		return -1;
	}
	return forwarding_on(iif, why, whylen);
}

int route_pair_up(const struct route_pair *p, char *why, size_t whylen)
{
	unsigned int i;
	int r;

	if (rtnl_open(why, whylen))
		return -1;
	for (i = 0; i < 2; i++) {
		unsigned int ifindex = if_nametoindex(p->ifname[i]);

		if (!ifindex) {
			snprintf(why, whylen, "interface %s: %s", p->ifname[i],
				 strerror(errno));
			goto undo;
		}
		r = addr_del(ifindex, p->local[i], p->remote[i]);
		if (r && r != -NLE_NOADDR && r != -NLE_OBJ_NOTFOUND) {
			snprintf(why, whylen, "removing the address of %s: %s",
				 p->ifname[i], nl_geterror(r));
			goto undo;
		}
	}
	if (direction(p->ifname[0], p->ifname[1], TABLE_IN + p->id, why,
		      whylen) ||
	    direction(p->ifname[1], p->ifname[0], TABLE_OUT + p->id, why,
		      whylen))
		goto undo;
	return 0;
undo:
	route_pair_down(p);
	return -1;
}

void route_pair_down(const struct route_pair *p)
{
	const uint32_t table[2] = { TABLE_IN + p->id, TABLE_OUT + p->id };
	char why[128];
	unsigned int i, out;

	if (rtnl_open(why, sizeof(why))) {
		warn("relay: %s: the routing of pair %u stays", why, p->id);
		return;
	}
	/* each may be gone with its interface, or never made */
	for (i = 0; i < 2; i++) {
		rule(RTM_DELRULE, p->ifname[i], table[i]);
		route(RTM_DELROUTE, table[i], 0);
		out = if_nametoindex(p->ifname[1 - i]);
		if (out)
			route(RTM_DELROUTE, table[i], out);
	}
}

void route_sweep(uint16_t id)
{
	const uint32_t table[2] = { TABLE_IN + id, TABLE_OUT + id };
	char why[128];
	unsigned int i, n = 0;

	if (rtnl_open(why, sizeof(why)))
		return;
	for (i = 0; i < 2; i++) {
		while (!rule(RTM_DELRULE, NULL, table[i]))
			n++;
		route(RTM_DELROUTE, table[i], 0);
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
