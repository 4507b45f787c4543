// SPDX-License-Identifier: GPL-2.0
/*
 * The kpptp generic netlink client on libnl-3 / libnl-genl-3; see nl.h.
 *
 * A request is one transaction: send, then read until the kernel's ACK,
 * NLMSG_DONE or error, running a parser on each reply in between.  Errors
 * keep the extended ACK (message, blamed attribute, its policy range) for
 * the caller to show.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "codec.h"
#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct kpptp_nl {
	struct nl_sock *sk;
	int family;
	struct kpptp_nl_error error;
};

/* One request and what its replies fill in. */
struct txn {
	struct kpptp_nl *nl;
	struct nl_msg *req;		/* kept to map the blamed attribute */
	int (*parse)(struct nlmsghdr *nlh, struct txn *t);
	kpptp_call_cb cb;
	void (*other)(struct nlmsghdr *nlh, void *arg);	/* kpptp_nl_request() */
	void *cb_arg;
	bool cb_stopped;
	void *out;
	int replies;
	bool done;
	int result;			/* the kernel's errno, or a parse error */
	bool any_seq;			/* unsolicited messages may come too */
};

static int any_seq(struct nl_msg *msg, void *arg);

/* libnl's error codes, as errno for our callers. */
static int nlerr_to_errno(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case NLE_NOMEM:		return -ENOMEM;
	case NLE_AGAIN:		return -EAGAIN;
	case NLE_INTR:		return -EINTR;
	case NLE_PERM:		return -EPERM;
	case NLE_NOACCESS:	return -EACCES;
	case NLE_OBJ_NOTFOUND:	return -ENOENT;
	case NLE_EXIST:		return -EEXIST;
	case NLE_BUSY:		return -EBUSY;
	case NLE_INVAL:		return -EINVAL;
	case NLE_RANGE:		return -ERANGE;
	case NLE_MSGSIZE:	return -EMSGSIZE;
	case NLE_OPNOTSUPP:	return -EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:	return -EAFNOSUPPORT;
	case NLE_NODEV:		return -ENODEV;
	default:		return -EIO;
	}
}

/* A failure on our side of the socket: keep libnl's words for it. */
static int local_error(struct kpptp_nl *nl, const char *what, int nlerr)
{
	nl->error.code = nlerr_to_errno(nlerr);
	snprintf(nl->error.msg, sizeof(nl->error.msg), "%s: %s", what,
		 nl_geterror(nlerr));
	return nl->error.code;
}

int kpptp_nl_open(struct kpptp_nl **out)
{
	struct kpptp_nl *nl;
	int one = 1, err;

	*out = NULL;
	nl = calloc(1, sizeof(*nl));
	if (!nl)
		return -ENOMEM;
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		free(nl);
		return -ENOMEM;
	}
	err = genl_connect(nl->sk);
	if (err < 0)
		goto fail;
	/*
	 * One recvmsg() per message, not a peek for its size and then the
	 * read: half of kpptpd's netlink reads under load.  The kernel never
	 * sends a message larger than 32 KiB (its dump skbs are capped at
	 * that), so a 64 KiB buffer takes any whole.
	 */
	err = nl_socket_set_msg_buf_size(nl->sk, 65536);
	if (err < 0)
		goto fail;
	nl_socket_disable_msg_peek(nl->sk);
	/* The kernel's reasons (extended ACK) without an echo of our request */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	nl->family = genl_ctrl_resolve(nl->sk, KPPTP_GENL_NAME);
	if (nl->family < 0) {
		err = nl->family;
		goto fail;
	}
	*out = nl;
	return 0;
fail:
	err = nlerr_to_errno(err);
	kpptp_nl_close(nl);
	return err;
}

void kpptp_nl_close(struct kpptp_nl *nl)
{
	if (!nl)
		return;
	nl_socket_free(nl->sk);
	free(nl);
}

uint32_t kpptp_nl_portid(const struct kpptp_nl *nl)
{
	return nl_socket_get_local_port(nl->sk);
}

const struct kpptp_nl_error *kpptp_nl_error(const struct kpptp_nl *nl)
{
	return &nl->error;
}

int kpptp_nl_fd(const struct kpptp_nl *nl)
{
	return nl_socket_get_fd(nl->sk);
}

/* The attribute at byte @offs of the request we sent, or 0. */
static int blamed_attr(struct nl_msg *req, uint32_t offs)
{
	struct nlmsghdr *nlh = nlmsg_hdr(req);
	struct nlattr *a;

	if (offs < NLMSG_HDRLEN + GENL_HDRLEN ||
	    (uint64_t)offs + NLA_HDRLEN > nlh->nlmsg_len)
		return 0;
	a = (struct nlattr *)((char *)nlh + offs);
	return nla_type(a);
}

/* The range the kernel's policy allows for the blamed attribute. */
static void policy_range(struct kpptp_nl_error *err, struct nlattr *policy)
{
	struct nlattr *tb[NL_POLICY_TYPE_ATTR_MAX + 1];

	if (nla_parse_nested(tb, NL_POLICY_TYPE_ATTR_MAX, policy, NULL))
		return;
	if (tb[NL_POLICY_TYPE_ATTR_MIN_VALUE_U] &&
	    tb[NL_POLICY_TYPE_ATTR_MAX_VALUE_U]) {
		err->has_range = true;
		err->min = nla_get_u64(tb[NL_POLICY_TYPE_ATTR_MIN_VALUE_U]);
		err->max = nla_get_u64(tb[NL_POLICY_TYPE_ATTR_MAX_VALUE_U]);
	}
}

/*
 * libnl hands us the nlmsgerr inside the NLMSG_ERROR message; the extended
 * ACK attributes follow it (after the echoed request unless capped).
 */
static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	struct txn *t = arg;
	struct kpptp_nl_error *err = &t->nl->error;
	size_t off = sizeof(*e);

	(void)who;
	t->done = true;
	t->result = e->error < 0 ? e->error : -EIO;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	if (NLMSG_HDRLEN + off >= nlh->nlmsg_len ||
	    nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)e + off),
		      (int)(nlh->nlmsg_len - NLMSG_HDRLEN - off), NULL))
		return NL_STOP;
	if (tb[NLMSGERR_ATTR_MSG])
		nla_strlcpy(err->msg, tb[NLMSGERR_ATTR_MSG], sizeof(err->msg));
	if (tb[NLMSGERR_ATTR_OFFS] && t->req)
		err->attr = blamed_attr(t->req,
					nla_get_u32(tb[NLMSGERR_ATTR_OFFS]));
	if (tb[NLMSGERR_ATTR_MISS_TYPE])
		err->missing_attr = (int)nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);
	if (tb[NLMSGERR_ATTR_POLICY])
		policy_range(err, tb[NLMSGERR_ATTR_POLICY]);
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct txn *t = arg;

	(void)msg;
	t->done = true;
	return NL_STOP;
}

/* NLMSG_DONE ends a dump; its payload is the dump's status. */
static int on_finish(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct txn *t = arg;
	int status;

	t->done = true;
	if (nlmsg_datalen(nlh) >= (int)sizeof(status)) {
		memcpy(&status, nlmsg_data(nlh), sizeof(status));
		if (status < 0)
			t->result = status;
	}
	return NL_STOP;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct txn *t = arg;
	int err;

	if (!t->parse)
		return NL_OK;
	err = t->parse(nlmsg_hdr(msg), t);
	if (err && !t->result)
		t->result = err;
	return NL_OK;
}

/* Send @t->req, read its replies to the end; returns 0 or -errno. */
static int transact(struct txn *t)
{
	struct kpptp_nl *nl = t->nl;
	struct nl_cb *cb;
	int err;

	memset(&nl->error, 0, sizeof(nl->error));
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(t->req);
		return nl->error.code = -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, t);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, t);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, t);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, t);
	if (t->any_seq)
		nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, any_seq, NULL);

	err = nl_send_auto(nl->sk, t->req);
	if (err < 0) {
		local_error(nl, "sending the request", err);
		goto out;
	}
	while (!t->done) {
		err = nl_recvmsgs(nl->sk, cb);
		if (t->done)
			break;
		/* An interrupted dump still delivered whole messages. */
		if (err < 0 && err != -NLE_DUMP_INTR) {
			local_error(nl, "reading the reply", err);
			goto out;
		}
	}
	nl->error.code = t->result;
	if (t->result && !nl->error.msg[0] && t->result == -EPROTO)
		snprintf(nl->error.msg, sizeof(nl->error.msg),
			 "malformed reply from the kernel");
out:
	nl_cb_put(cb);
	nlmsg_free(t->req);
	t->req = NULL;
	return nl->error.code;
}

static struct nl_msg *new_request(struct kpptp_nl *nl, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
				flags, cmd, KPPTP_GENL_VERSION)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

static int parse_one_call(struct nlmsghdr *nlh, struct txn *t)
{
	struct kpptp_call_info info;

	if (kpptp_parse_call(nlh, &info))
		return -EPROTO;
	t->replies++;
	if (t->out)
		*(struct kpptp_call_info *)t->out = info;
	if (t->cb && !t->cb_stopped && t->cb(&info, t->cb_arg))
		t->cb_stopped = true;	/* keep reading: drain the dump */
	return 0;
}

/* A DO request carrying @cfg; @out receives the reply's call, if any. */
static int call_request(struct kpptp_nl *nl, uint8_t cmd,
			const struct kpptp_call_cfg *cfg,
			struct kpptp_call_info *out)
{
	struct txn t = { .nl = nl, .out = out };
	int err;

	/* a reply nobody reads is not parsed: CALL_DEL's, in every setup */
	if (out)
		t.parse = parse_one_call;
	t.req = new_request(nl, cmd, 0);
	if (!t.req)
		return nl->error.code = -ENOMEM;
	if (kpptp_put_call_cfg(t.req, cfg)) {
		nlmsg_free(t.req);
		return nl->error.code = -EMSGSIZE;
	}
	err = transact(&t);
	if (!err && out && !t.replies) {
		snprintf(nl->error.msg, sizeof(nl->error.msg),
			 "the kernel sent no call in its reply");
		err = nl->error.code = -EPROTO;
	}
	return err;
}

int kpptp_call_new(struct kpptp_nl *nl, const struct kpptp_call_cfg *cfg,
		   struct kpptp_call_info *out)
{
	struct kpptp_call_info info;

	return call_request(nl, KPPTP_CMD_CALL_NEW, cfg, out ? out : &info);
}

int kpptp_call_set(struct kpptp_nl *nl, const struct kpptp_call_cfg *cfg)
{
	return call_request(nl, KPPTP_CMD_CALL_SET, cfg, NULL);
}

int kpptp_call_del(struct kpptp_nl *nl, uint16_t id)
{
	struct kpptp_call_cfg cfg = {
		.set = KPPTP_CFG(KPPTP_A_CALL_ID), .id = id,
	};

	return call_request(nl, KPPTP_CMD_CALL_DEL, &cfg, NULL);
}

int kpptp_call_get(struct kpptp_nl *nl, uint16_t id,
		   struct kpptp_call_info *out)
{
	struct kpptp_call_cfg cfg = {
		.set = KPPTP_CFG(KPPTP_A_CALL_ID), .id = id,
	};

	return call_request(nl, KPPTP_CMD_CALL_GET, &cfg, out);
}

int kpptp_call_dump(struct kpptp_nl *nl, kpptp_call_cb cb, void *arg)
{
	struct txn t = {
		.nl = nl, .parse = parse_one_call, .cb = cb, .cb_arg = arg,
	};

	t.req = new_request(nl, KPPTP_CMD_CALL_GET, NLM_F_DUMP);
	if (!t.req)
		return nl->error.code = -ENOMEM;
	return transact(&t);
}

int kpptp_nl_resolve(struct kpptp_nl *nl, const char *family)
{
	int id = genl_ctrl_resolve(nl->sk, family);

	return id < 0 ? nlerr_to_errno(id) : id;
}

static int parse_other(struct nlmsghdr *nlh, struct txn *t)
{
	t->other(nlh, t->cb_arg);
	return 0;
}

int kpptp_nl_request(struct kpptp_nl *nl, struct nl_msg *req,
		     void (*parse)(struct nlmsghdr *nlh, void *arg), void *arg)
{
	struct txn t = {
		.nl = nl, .req = req, .parse = parse_other, .other = parse,
		.cb_arg = arg,
	};

	return transact(&t);
}

static int parse_net(struct nlmsghdr *nlh, struct txn *t)
{
	if (kpptp_parse_net(nlh, t->out))
		return -EPROTO;
	t->replies++;
	return 0;
}

int kpptp_net_get(struct kpptp_nl *nl, struct kpptp_net_info *out)
{
	struct txn t = { .nl = nl, .parse = parse_net, .out = out };
	int err;

	memset(out, 0, sizeof(*out));
	t.req = new_request(nl, KPPTP_CMD_NET_GET, 0);
	if (!t.req)
		return nl->error.code = -ENOMEM;
	err = transact(&t);
	if (!err && !t.replies) {
		snprintf(nl->error.msg, sizeof(nl->error.msg),
			 "the kernel sent no reply");
		err = nl->error.code = -EPROTO;
	}
	return err;
}

int kpptp_net_set_max_calls(struct kpptp_nl *nl, uint32_t max_calls)
{
	struct txn t = { .nl = nl };

	t.req = new_request(nl, KPPTP_CMD_NET_SET, 0);
	if (!t.req)
		return nl->error.code = -ENOMEM;
	if (nla_put_u32(t.req, KPPTP_A_MAX_CALLS, max_calls)) {
		nlmsg_free(t.req);
		return nl->error.code = -EMSGSIZE;
	}
	return transact(&t);
}

int kpptp_nl_subscribe(struct kpptp_nl *nl)
{
	int grp, err;

	memset(&nl->error, 0, sizeof(nl->error));
	grp = genl_ctrl_resolve_grp(nl->sk, KPPTP_GENL_NAME,
				    KPPTP_GENL_MCGRP_EVENTS);
	if (grp < 0)
		return local_error(nl, "resolving the \"" KPPTP_GENL_MCGRP_EVENTS
				   "\" group", grp);
	/* bursts of events need room */
	nl_socket_set_buffer_size(nl->sk, 1 << 20, 0);
	err = nl_socket_add_membership(nl->sk, grp);
	if (err < 0)
		return local_error(nl, "joining the events group", err);
	return 0;
}

/* Who gets what a subscribed or capturing handle reads. */
struct readers {
	kpptp_call_cb ecb;
	kpptp_frame_cb fcb;
	void *arg;
	bool stop;
};

/* Events carry no sequence number of ours. */
static int any_seq(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

/* An event or a frame to its callback; what we can't read is skipped. */
static void dispatch(struct nlmsghdr *nlh, struct readers *r)
{
	struct kpptp_call_info info;
	struct kpptp_frame frame;

	if (r->stop || !genlmsg_valid_hdr(nlh, 0))
		return;
	if (genlmsg_hdr(nlh)->cmd == KPPTP_CMD_CAPTURE_FRAME) {
		if (r->fcb && !kpptp_parse_frame(nlh, &frame) &&
		    r->fcb(&frame, r->arg))
			r->stop = true;
		return;
	}
	if (r->ecb && !kpptp_parse_call(nlh, &info) && r->ecb(&info, r->arg))
		r->stop = true;
}

static int on_event(struct nl_msg *msg, void *arg)
{
	dispatch(nlmsg_hdr(msg), arg);
	return NL_OK;
}

int kpptp_nl_read(struct kpptp_nl *nl, kpptp_call_cb ecb, kpptp_frame_cb fcb,
		  void *arg)
{
	struct readers r = { .ecb = ecb, .fcb = fcb, .arg = arg };
	struct nl_cb *c;
	int err;

	memset(&nl->error, 0, sizeof(nl->error));
	c = nl_cb_alloc(NL_CB_DEFAULT);
	if (!c)
		return nl->error.code = -ENOMEM;
	nl_cb_set(c, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, any_seq, NULL);
	nl_cb_set(c, NL_CB_VALID, NL_CB_CUSTOM, on_event, &r);
	err = nl_recvmsgs(nl->sk, c);
	nl_cb_put(c);
	/* recvmsg()'s ENOBUFS (the socket overran) comes back as NLE_NOMEM */
	if (err == -NLE_NOMEM) {
		nl->error.code = -ENOBUFS;
		snprintf(nl->error.msg, sizeof(nl->error.msg),
			 "messages were lost (receive buffer overrun)");
		return -ENOBUFS;
	}
	if (err < 0)
		return local_error(nl, "reading", err);
	return r.stop ? 1 : 0;
}

int kpptp_nl_read_events(struct kpptp_nl *nl, kpptp_call_cb cb, void *arg)
{
	return kpptp_nl_read(nl, cb, NULL, arg);
}

static int parse_unsolicited(struct nlmsghdr *nlh, struct txn *t)
{
	dispatch(nlh, t->out);
	return 0;
}

int kpptp_call_capture(struct kpptp_nl *nl, uint16_t id, uint32_t snaplen,
		       uint32_t rate, kpptp_call_cb ecb, kpptp_frame_cb fcb,
		       void *arg)
{
	struct readers r = { .ecb = ecb, .fcb = fcb, .arg = arg };
	struct txn t = { .nl = nl, .parse = parse_unsolicited, .out = &r,
			 .any_seq = true };
	int fd = nl_socket_get_fd(nl->sk), size = 4 << 20, err;

	/* Room for bursts: beyond rmem_max needs CAP_NET_ADMIN, which the
	 * request needs anyway; without it the kernel's cap applies.
	 */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	/* a 64 KB frame and its attributes in one read */
	nl_socket_set_msg_buf_size(nl->sk, 72 * 1024);

	t.req = new_request(nl, KPPTP_CMD_CALL_CAPTURE, NLM_F_ACK);
	if (!t.req ||
	    nla_put_u16(t.req, KPPTP_A_CALL_ID, id) ||
	    (snaplen && nla_put_u32(t.req, KPPTP_A_CAPTURE_SNAPLEN, snaplen)) ||
	    (rate && nla_put_u32(t.req, KPPTP_A_CAPTURE_RATE, rate))) {
		nlmsg_free(t.req);
		return nl->error.code = -ENOMEM;
	}
	err = transact(&t);
	return err ? err : r.stop ? 1 : 0;
}
