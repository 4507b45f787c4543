// SPDX-License-Identifier: GPL-2.0
/*
 * Relay pair routing messages (relayroute.h).  Built with libnl-3's core
 * (nlmsg, nla_put): libnl-route would be one more library on every install
 * for four kinds of message.
 */
#include <errno.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <sys/socket.h>

#include "relayroute.h"

/* a pppd has one interface, in at most one pair */
#define FORGET_MAX 4

struct nl_sock *relayroute_open(int *err)
{
	struct nl_sock *sk = nl_socket_alloc();

	if (!sk) {
		*err = -NLE_NOMEM;
		return NULL;
	}
	*err = nl_connect(sk, NETLINK_ROUTE);
	if (*err) {
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

int relayroute_do(struct nl_sock *sk, struct nl_msg *msg)
{
	int err = nl_send_auto(sk, msg);

	nlmsg_free(msg);
	return err < 0 ? err : nl_wait_for_ack(sk);
}

int relayroute_rule(struct nl_sock *sk, int cmd, const char *iif,
		    uint32_t table)
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
	    nla_put_u32(m, FRA_PRIORITY, RELAYROUTE_PREF)) {
		nlmsg_free(m);
		return -NLE_NOMEM;
	}
	return relayroute_do(sk, m);
}

/*
 * @cmd RTM_NEWROUTE: "default dev @oif", or @oif 0 "unreachable default"
 * at the worst metric.  RTM_DELROUTE: the first default route of @table,
 * whatever its kind (type unspecified, scope "nowhere": ip route del's
 * wildcards).
 */
static int relayroute_route(struct nl_sock *sk, int cmd, uint32_t table,
			    unsigned int oif)
{
	struct rtmsg h = {
		.rtm_family = AF_INET,
		.rtm_table = RT_TABLE_UNSPEC,
		.rtm_protocol = RTPROT_STATIC,
		.rtm_scope = oif ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE,
		.rtm_type = oif ? RTN_UNICAST : RTN_UNREACHABLE,
	};
	struct nl_msg *m;

	if (cmd == RTM_DELROUTE) {
		h.rtm_protocol = 0;
		h.rtm_scope = RT_SCOPE_NOWHERE;
		h.rtm_type = RTN_UNSPEC;
	}
	m = nlmsg_alloc_simple(cmd, NLM_F_ACK | (cmd == RTM_NEWROUTE ?
				NLM_F_CREATE | NLM_F_EXCL : 0));
	if (!m || nlmsg_append(m, &h, sizeof(h), NLMSG_ALIGNTO) ||
	    nla_put_u32(m, RTA_TABLE, table) ||
	    (oif && nla_put_u32(m, RTA_OIF, oif)) ||
	    (cmd == RTM_NEWROUTE && !oif &&
	     nla_put_u32(m, RTA_PRIORITY, 0xffffffffu))) {
		nlmsg_free(m);
		return -NLE_NOMEM;
	}
	return relayroute_do(sk, m);
}

int relayroute_add(struct nl_sock *sk, uint32_t table, unsigned int oif)
{
	return relayroute_route(sk, RTM_NEWROUTE, table, oif);
}

int relayroute_flush(struct nl_sock *sk, uint32_t table)
{
	int i, err = 0;

	/* a pair's table has two default routes; a few more rounds for
	 * what someone added by hand */
	for (i = 0; i < 8 && !err; i++)
		err = relayroute_route(sk, RTM_DELROUTE, table, 0);
	return err == -NLE_OBJ_NOTFOUND ? 0 : err;
}

struct forget {
	const char *ifname;
	uint32_t table[FORGET_MAX];
	unsigned int n;
};

/* One rule of the dump: a relay rule from @arg's interface? */
static int forget_rule(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct fib_rule_hdr *frh = nlmsg_data(nlh);
	struct nlattr *tb[FRA_MAX + 1];
	struct forget *f = arg;
	uint32_t table;

	if (nlmsg_parse(nlh, sizeof(*frh), tb, FRA_MAX, NULL) ||
	    frh->family != AF_INET || !tb[FRA_IIFNAME] ||
	    nla_strcmp(tb[FRA_IIFNAME], f->ifname) ||
	    !tb[FRA_PRIORITY] ||
	    nla_get_u32(tb[FRA_PRIORITY]) != RELAYROUTE_PREF)
		return NL_OK;
	table = tb[FRA_TABLE] ? nla_get_u32(tb[FRA_TABLE]) : frh->table;
	if (table >= RELAYROUTE_TABLE_IN && table < RELAYROUTE_TABLE_END &&
	    f->n < FORGET_MAX)
		f->table[f->n++] = table;
	return NL_OK;
}

int relayroute_forget_iif(struct nl_sock *sk, const char *ifname)
{
	struct fib_rule_hdr h = { .family = AF_INET };
	struct forget f = { .ifname = ifname };
	struct nl_cb *cb;
	unsigned int i;
	int err;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return -NLE_NOMEM;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, forget_rule, &f);
	err = nl_send_simple(sk, RTM_GETRULE, NLM_F_DUMP, &h, sizeof(h));
	if (err >= 0)
		err = nl_recvmsgs(sk, cb);
	nl_cb_put(cb);
	if (err < 0)
		return err;
	for (i = 0; i < f.n; i++) {
		err = relayroute_rule(sk, RTM_DELRULE, ifname, f.table[i]);
		if (!err)
			err = relayroute_flush(sk, f.table[i]);
		if (err)
			return err;
	}
	return f.n;
}
