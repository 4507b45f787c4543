// SPDX-License-Identifier: GPL-2.0
/*
 * The kpptp generic netlink client, on libnl-3 / libnl-genl-3.  Used by
 * kpptpctl, the pppd plugin and the daemon.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include <sys/socket.h>

#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct kpptp_nl {
	struct nl_sock *sk;
	int family;
	char error[256];	/* extack message of the last failure */
};

/* Which request attributes are u16 and which u32 on the wire. */
static const uint8_t attr_is_u16[KPPTP_A_MAX + 1] = {
	[KPPTP_A_RECV_WINDOW] = 1, [KPPTP_A_PEER_RECV_WINDOW] = 1,
	[KPPTP_A_PEER_PPD] = 1, [KPPTP_A_REORDER_DEPTH] = 1,
};

struct kpptp_nl *kpptp_nl_open(void)
{
	struct kpptp_nl *nl = calloc(1, sizeof(*nl));
	int one = 1;

	if (!nl)
		return NULL;
	nl->sk = nl_socket_alloc();
	if (!nl->sk || genl_connect(nl->sk))
		goto err;
	nl->family = genl_ctrl_resolve(nl->sk, KPPTP_GENL_NAME);
	if (nl->family < 0)
		goto err;
	/* the kernel's error strings (extended ACK) */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	return nl;
err:
	kpptp_nl_close(nl);
	return NULL;
}

void kpptp_nl_close(struct kpptp_nl *nl)
{
	if (!nl)
		return;
	if (nl->sk)
		nl_socket_free(nl->sk);
	free(nl);
}

const char *kpptp_nl_error(struct kpptp_nl *nl)
{
	return nl->error;
}

int kpptp_nl_put_req(struct nl_msg *msg, const struct kpptp_call_req *req)
{
	int a;

	if (req->has_id && nla_put_u16(msg, KPPTP_A_CALL_ID, req->id))
		return -EMSGSIZE;
	if (req->has_peer_id &&
	    nla_put_u16(msg, KPPTP_A_PEER_CALL_ID, req->peer_id))
		return -EMSGSIZE;
	if (req->has_local_addr &&
	    nla_put_u32(msg, KPPTP_A_LOCAL_ADDR, req->local_addr))
		return -EMSGSIZE;
	if (req->has_peer_addr &&
	    nla_put_u32(msg, KPPTP_A_PEER_ADDR, req->peer_addr))
		return -EMSGSIZE;
	for (a = 0; a <= KPPTP_A_MAX; a++) {
		if (!req->has[a])
			continue;
		if (attr_is_u16[a] ? nla_put_u16(msg, a, req->u32[a]) :
				     nla_put_u32(msg, a, req->u32[a]))
			return -EMSGSIZE;
	}
	return 0;
}

static void parse_stats(struct nlattr *nest, uint64_t *stats, int max)
{
	struct nlattr *a;
	int rem;

	nla_for_each_nested(a, nest, rem) {
		int t = nla_type(a);

		if (t > max)
			continue;
		if (nla_len(a) == 8)
			stats[t] = nla_get_u64(a);
		else if (nla_len(a) == 4)
			stats[t] = nla_get_u32(a);
	}
}

int kpptp_nl_parse_call(struct nl_msg *msg, struct kpptp_call_info *c)
{
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));
	struct nlattr *tb[KPPTP_A_MAX + 1];

	memset(c, 0, sizeof(*c));
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, KPPTP_A_MAX, NULL))
		return -EINVAL;
	if (!tb[KPPTP_A_CALL_ID])
		return -EINVAL;
	c->cmd = gh->cmd;
	c->id = nla_get_u16(tb[KPPTP_A_CALL_ID]);
#define U16(attr, f) if (tb[attr]) c->f = nla_get_u16(tb[attr])
#define U32(attr, f) if (tb[attr]) c->f = nla_get_u32(tb[attr])
	U16(KPPTP_A_PEER_CALL_ID, peer_id);
	U32(KPPTP_A_LOCAL_ADDR, local_addr);
	U32(KPPTP_A_PEER_ADDR, peer_addr);
	U16(KPPTP_A_RECV_WINDOW, recv_window);
	U16(KPPTP_A_PEER_RECV_WINDOW, peer_recv_window);
	U16(KPPTP_A_PEER_PPD, peer_ppd);
	U32(KPPTP_A_FLAGS, flags);
	U32(KPPTP_A_REORDER_TIMEOUT, reorder_timeout);
	U16(KPPTP_A_REORDER_DEPTH, reorder_depth);
	U32(KPPTP_A_ACK_DELAY, ack_delay);
#undef U16
#undef U32
	if (tb[KPPTP_A_OWNER])
		c->owner = nla_get_u8(tb[KPPTP_A_OWNER]);
	c->attached = tb[KPPTP_A_ATTACHED] != NULL;
	if (tb[KPPTP_A_CHANNEL]) {
		c->has_channel = true;
		c->channel = nla_get_u32(tb[KPPTP_A_CHANNEL]);
	}
	if (tb[KPPTP_A_IFNAME])
		nla_strlcpy(c->ifname, tb[KPPTP_A_IFNAME], sizeof(c->ifname));
	if (tb[KPPTP_A_AGE_MS])
		c->age_ms = nla_get_u64(tb[KPPTP_A_AGE_MS]);
	if (tb[KPPTP_A_STATS]) {
		c->has_stats = true;
		parse_stats(tb[KPPTP_A_STATS], c->stats, KPPTP_STATS_A_MAX);
	}
	if (tb[KPPTP_A_DEL_REASON]) {
		c->has_del_reason = true;
		c->del_reason = nla_get_u8(tb[KPPTP_A_DEL_REASON]);
	}
	return 0;
}

/* Keep the extended ACK message of an error for kpptp_nl_error(). */
static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *err, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)err - NLMSG_HDRLEN);
	struct kpptp_nl *nl = ((void **)arg)[0];
	int *result = ((void **)arg)[1];
	struct nlattr *a;
	size_t off;
	int rem;

	(void)nla;
	*result = err->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	off = sizeof(*err);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - NLMSG_HDRLEN;
	rem = (int)(nlh->nlmsg_len - NLMSG_HDRLEN - off);
	for (a = (struct nlattr *)((char *)err + off); nla_ok(a, rem);
	     a = nla_next(a, &rem)) {
		if (nla_type(a) == NLMSGERR_ATTR_MSG)
			nla_strlcpy(nl->error, a, sizeof(nl->error));
	}
	return NL_STOP;
}

struct call_ctx {
	kpptp_call_fn fn;
	void *arg;
	int result;
};

static int on_call(struct nl_msg *msg, void *arg)
{
	struct call_ctx *ctx = arg;
	struct kpptp_call_info c;

	if (kpptp_nl_parse_call(msg, &c))
		return NL_SKIP;
	if (ctx->fn && ctx->fn(&c, ctx->arg)) {
		ctx->result = 1;
		return NL_STOP;
	}
	return NL_OK;
}

/* Send @msg (consumed) and run @parse on every reply until the ACK. */
static int transact(struct kpptp_nl *nl, struct nl_msg *msg,
		    nl_recvmsg_msg_cb_t parse, void *parse_arg)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int result = 0, err;
	void *err_arg[2] = { nl, &result };

	nl->error[0] = 0;
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, err_arg);
	if (parse)
		nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, parse, parse_arg);
	err = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	if (err < 0) {
		nl_cb_put(cb);
		return -EIO;
	}
	err = nl_recvmsgs(nl->sk, cb);
	nl_cb_put(cb);
	if (result < 0)
		return result;
	return err < 0 ? -EIO : 0;
}

static struct nl_msg *new_msg(struct kpptp_nl *nl, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
				flags | NLM_F_ACK, cmd, KPPTP_GENL_VERSION)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

static int copy_call(const struct kpptp_call_info *c, void *arg)
{
	*(struct kpptp_call_info *)arg = *c;
	return 0;
}

static int request(struct kpptp_nl *nl, uint8_t cmd,
		   const struct kpptp_call_req *req,
		   struct kpptp_call_info *out)
{
	struct call_ctx ctx = { .fn = copy_call, .arg = out };
	struct nl_msg *msg = new_msg(nl, cmd, 0);

	if (!msg)
		return -ENOMEM;
	if (kpptp_nl_put_req(msg, req)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return transact(nl, msg, out ? on_call : NULL, &ctx);
}

int kpptp_nl_call_new(struct kpptp_nl *nl, const struct kpptp_call_req *req,
		      struct kpptp_call_info *out)
{
	return request(nl, KPPTP_CMD_CALL_NEW, req, out);
}

int kpptp_nl_call_set(struct kpptp_nl *nl, const struct kpptp_call_req *req)
{
	return request(nl, KPPTP_CMD_CALL_SET, req, NULL);
}

int kpptp_nl_call_del(struct kpptp_nl *nl, uint16_t id)
{
	struct kpptp_call_req req = { .id = id, .has_id = true };

	return request(nl, KPPTP_CMD_CALL_DEL, &req, NULL);
}

int kpptp_nl_call_get(struct kpptp_nl *nl, uint16_t id,
		      struct kpptp_call_info *out)
{
	struct kpptp_call_req req = { .id = id, .has_id = true };

	return request(nl, KPPTP_CMD_CALL_GET, &req, out);
}

int kpptp_nl_call_dump(struct kpptp_nl *nl, kpptp_call_fn fn, void *arg)
{
	struct call_ctx ctx = { .fn = fn, .arg = arg };
	struct nl_msg *msg = new_msg(nl, KPPTP_CMD_CALL_GET, NLM_F_DUMP);

	if (!msg)
		return -ENOMEM;
	return transact(nl, msg, on_call, &ctx);
}

static int on_net(struct nl_msg *msg, void *arg)
{
	struct kpptp_net_info *out = arg;
	struct nlattr *tb[KPPTP_A_MAX + 1];

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, KPPTP_A_MAX, NULL))
		return NL_SKIP;
	if (tb[KPPTP_A_CALLS])
		out->calls = nla_get_u32(tb[KPPTP_A_CALLS]);
	if (tb[KPPTP_A_NET_STATS])
		parse_stats(tb[KPPTP_A_NET_STATS], out->stats,
			    KPPTP_NSTATS_A_MAX);
	return NL_OK;
}

int kpptp_nl_net_get(struct kpptp_nl *nl, struct kpptp_net_info *out)
{
	struct nl_msg *msg = new_msg(nl, KPPTP_CMD_NET_GET, 0);

	memset(out, 0, sizeof(*out));
	if (!msg)
		return -ENOMEM;
	return transact(nl, msg, on_net, out);
}

int kpptp_nl_monitor(struct kpptp_nl *nl, kpptp_call_fn fn, void *arg)
{
	struct call_ctx ctx = { .fn = fn, .arg = arg };
	int grp, err;

	grp = genl_ctrl_resolve_grp(nl->sk, KPPTP_GENL_NAME,
				    KPPTP_GENL_MCGRP_EVENTS);
	if (grp < 0)
		return -ENOENT;
	if (nl_socket_add_membership(nl->sk, grp))
		return -EIO;
	nl_socket_disable_seq_check(nl->sk);
	nl_socket_modify_cb(nl->sk, NL_CB_VALID, NL_CB_CUSTOM, on_call, &ctx);
	while (!ctx.result) {
		err = nl_recvmsgs_default(nl->sk);
		if (err < 0 && err != -NLE_INTR)
			return -EIO;
	}
	return 0;
}
