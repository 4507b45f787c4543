// SPDX-License-Identifier: GPL-2.0
/*
 * A transparent relay's next hop as a static L2TPv3 PPP session, for
 * relay.c.  The tunnel is the administrator's ("ip l2tp add tunnel ...
 * encap udp"): a static tunnel has no control connection, so nothing here
 * speaks L2TP.  Each relayed call takes the lowest session ID of its rule's
 * range that no socket holds: a PX_PROTO_OL2TP socket connected to (tunnel,
 * session, peer session) makes the kernel's session (l2tp_ppp) and its ppp
 * channel, or takes over one made by netlink that has none; closing the
 * socket deletes the session.  The client's call is then bridged to that
 * channel as to a PPTP call's (splice.c).  The peer holds the same
 * sessions, each with a pppd on it (pppol2tp.so).  Faked in the unit tests.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>		/* before the linux/ headers: theirs yield */
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_pppox.h>
#include <linux/l2tp.h>
#include <linux/ppp-ioctl.h>
#include <netlink/genl/genl.h>

#include "kpptpd.h"

/* A socket on session @id of @rule's tunnel, its channel in *@chan and
 * the far end's session in *@peer; -1 with errno and @why.  EEXIST: some
 * socket holds the session; EPROTOTYPE: it is not a PPP session (an
 * Ethernet pseudowire, as "ip l2tp add session" makes). */
static int session_open(const struct relay_rule *rule, uint32_t id,
			int *chan, uint32_t *peer, char *why, size_t whylen)
{
	union {	/* sockaddr_pppol2tpv3 is packed: no cast of its address */
		struct sockaddr sa;
		struct sockaddr_pppol2tpv3 v3;
	} u = { .v3 = { .sa_family = AF_PPPOX,
			.sa_protocol = PX_PROTO_OL2TP } };
	socklen_t len = sizeof(u.v3);
	int fd, e;

	u.v3.pppol2tp.fd = -1;	/* the tunnel exists: no socket of ours */
	u.v3.pppol2tp.s_tunnel = rule->l2tp_tunnel;
	u.v3.pppol2tp.s_session = id;
	u.v3.pppol2tp.d_session = rule->l2tp_peer + (id - rule->l2tp_first);
	fd = socket(AF_PPPOX, SOCK_DGRAM | SOCK_CLOEXEC, PX_PROTO_OL2TP);
	if (fd < 0) {
		snprintf(why, whylen, "PPPoL2TP socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, &u.sa, sizeof(u.v3))) {
		e = errno;
		if (e == ENOENT)
			snprintf(why, whylen, "no L2TP tunnel %u (ip l2tp add tunnel tunnel_id %u ...)",
				 rule->l2tp_tunnel, rule->l2tp_tunnel);
		else
			snprintf(why, whylen, "L2TP tunnel %u session %u: %s",
				 rule->l2tp_tunnel, id, strerror(e));
		close(fd);
		errno = e;
		return -1;
	}
	if (ioctl(fd, PPPIOCGCHAN, chan) ||
	    getsockname(fd, &u.sa, &len)) {
		e = errno;
		snprintf(why, whylen, "channel of L2TP session %u: %s", id,
			 strerror(e));
		close(fd);
		errno = e;
		return -1;
	}
	/*
	 * The kernel finds a v3 session by its ID alone when the ID is unique
	 * in the namespace, so a PPP session nobody holds in another tunnel
	 * would be taken over: better give it up (closing deletes it; the
	 * docs say the range's IDs must be the tunnel's own) than bridge the
	 * client into a tunnel its rule does not name.
	 */
	if (u.v3.pppol2tp.s_tunnel != rule->l2tp_tunnel) {
		snprintf(why, whylen, "L2TP session %u belongs to tunnel %u",
			 id, u.v3.pppol2tp.s_tunnel);
		close(fd);
		errno = EEXIST;
		return -1;
	}
	/* a session made by netlink keeps the peer session it was given */
	*peer = u.v3.pppol2tp.d_session;
	return fd;
}

/* The lowest free session of @rule: its socket, the ID in *@session.  A
 * session some socket holds, or another tunnel's Ethernet session of that
 * ID (v3 session IDs are looked up per namespace), is skipped; the range
 * is short (at most RELAY_L2TP_MAX_SESSIONS), so trying each in turn is
 * cheap enough. */
static int session_take(const struct relay_rule *rule, uint32_t *session,
			uint32_t *peer, int *chan, char *why, size_t whylen)
{
	uint32_t id = rule->l2tp_first;
	int fd;

	for (;;) {
		fd = session_open(rule, id, chan, peer, why, whylen);
		if (fd >= 0) {
			*session = id;
			return fd;
		}
		if (errno != EEXIST && errno != EPROTOTYPE)
			return -1;
		if (id == rule->l2tp_last)
			break;
		id++;
	}
	snprintf(why, whylen, "L2TP tunnel %u: sessions %u-%u all in use",
		 rule->l2tp_tunnel, rule->l2tp_first, rule->l2tp_last);
	return -1;
}

int l2tp_attach(uint16_t a, const struct relay_rule *rule, int fds[2],
		int chan[2], uint32_t *session, uint32_t *peer, char *why,
		size_t whylen)
{
	fds[1] = -1;
	fds[0] = splice_attach_call(a, &chan[0], why, whylen);
	if (fds[0] < 0)
		return -1;
	fds[1] = session_take(rule, session, peer, &chan[1], why, whylen);
	if (fds[1] >= 0)
		return 0;
	splice_end(fds);
	return -1;
}

int l2tp_splice(uint16_t a, const struct relay_rule *rule, int fds[2],
		uint32_t *session, uint32_t *peer, char *why, size_t whylen)
{
	int chan[2];

	if (l2tp_attach(a, rule, fds, chan, session, peer, why, whylen))
		return -1;
	return splice_join(fds, chan, why, whylen);
}

/* ---- at start and reload: do the rules' tunnels exist? */

static void on_tunnel(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[L2TP_ATTR_MAX + 1];

	if (!genlmsg_parse(nlh, 0, tb, L2TP_ATTR_MAX, NULL) &&
	    tb[L2TP_ATTR_PROTO_VERSION])
		*(int *)arg = nla_get_u8(tb[L2TP_ATTR_PROTO_VERSION]);
}

/* Tunnel @id's L2TP version (2 or 3), 0 if there is none, -errno if the
 * kernel cannot say (lib/nl.c's request, on kpptpd's netlink socket). */
static int tunnel_version(int family, uint32_t id)
{
	struct nl_msg *m = nlmsg_alloc();
	int version = -EPROTO, err;

	if (!m || !genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, 0,
			       L2TP_CMD_TUNNEL_GET, L2TP_GENL_VERSION) ||
	    nla_put_u32(m, L2TP_ATTR_CONN_ID, id)) {
		nlmsg_free(m);
		return -ENOMEM;
	}
	err = kpptp_nl_request(kd.nl, m, on_tunnel, &version);
	if (err == -ENODEV)	/* l2tp_netlink's "no such tunnel" */
		return 0;
	return err ? err : version;
}

void l2tp_check_rules(const struct conf *c)
{
	const struct relay_rule *r;
	int family = 0, v;
	unsigned int i;

	for (i = 0; i < c->nrelays; i++) {
		r = &c->relays[i];
		if (!r->l2tp_tunnel)
			continue;
		if (!family)
			family = kpptp_nl_resolve(kd.nl, L2TP_GENL_NAME);
		if (family == -ENOENT) {
			warn("relay to l2tpv3 tunnel %u: this kernel has no L2TP (modprobe l2tp_netlink l2tp_ppp): such calls will be refused",
			     r->l2tp_tunnel);
			return;
		}
		if (family < 0) {
			warn("relay to l2tpv3 tunnel %u: cannot look for it: %s",
			     r->l2tp_tunnel, strerror(-family));
			return;
		}
		v = tunnel_version(family, r->l2tp_tunnel);
		if (v == 0)
			warn("relay to l2tpv3 tunnel %u: no such tunnel yet: calls for it are refused until it exists (ip l2tp add tunnel tunnel_id %u ...)",
			     r->l2tp_tunnel, r->l2tp_tunnel);
		else if (v == 2)
			warn("relay to l2tpv3 tunnel %u: it is an L2TPv2 tunnel: calls for it will be refused",
			     r->l2tp_tunnel);
		else if (v < 0)
			warn("relay to l2tpv3 tunnel %u: cannot look for it: %s",
			     r->l2tp_tunnel, strerror(-v));
		/* the socket may hold the rest of a reply: no more asking */
		if (v == -EIO || v == -ENOMEM)
			return;
	}
}
