// SPDX-License-Identifier: GPL-2.0
/*
 * The AF_PPPOX / PX_PROTO_PPTP socket, ABI-compatible with the in-tree
 * pptp driver so that pppd plugins and accel-ppp run unchanged:
 *
 * bind() and connect() need CAP_NET_ADMIN in the namespace's user namespace,
 * like every netlink command that changes calls:
 *
 *   bind(call_id 0)      create a call with a random free ID
 *   bind(call_id N)      create call N, or attach to netlink call N
 *   connect(peer)        set the peer, register the PPP channel
 *   PPPIOCGCHAN          the channel index, for /dev/ppp PPPIOCATTCHAN
 *   close()              delete the call
 *
 * The socket is only a handle: the call holds all state, and the socket
 * holds one reference to it from bind() until release().
 */

#include <linux/capability.h>
#include <linux/compat.h>
#include <linux/if_pppox.h>
#include <linux/in.h>
#include <linux/net.h>
#include <linux/ppp-ioctl.h>
#include <net/sock.h>

#include "call.h"
#include "compat.h"
#include "pppox.h"

struct kpptp_sock {
	struct pppox_sock po;		/* first: pppox core casts to it */
	struct kpptp_call *call;	/* under lock_sock; owned reference */
};

static struct kpptp_sock *kpptp_sk(struct sock *sk)
{
	return (struct kpptp_sock *)sk;
}

static const struct sockaddr_pppox *
kpptp_sockaddr(struct sockaddr_unsized *uaddr, int len)
{
	if (len < (int)sizeof(struct sockaddr_pppox))
		return NULL;
	return (const struct sockaddr_pppox *)uaddr;
}

static int kpptp_bind(struct socket *sock, struct sockaddr_unsized *uaddr,
		      int len)
{
	const struct sockaddr_pppox *sp = kpptp_sockaddr(uaddr, len);
	struct kpptp_call_cfg cfg = { .owner = KPPTP_OWNER_SOCKET };
	struct sock *sk = sock->sk;
	struct kpptp_call *call;
	int err = 0;

	if (!sp)
		return -EINVAL;
	/* a call claims an ID, and attaching takes over a netlink call */
	if (!ns_capable(sock_net(sk)->user_ns, CAP_NET_ADMIN))
		return -EPERM;

	lock_sock(sk);
	if (sk->sk_state & PPPOX_DEAD) {
		err = -EALREADY;
		goto out;
	}
	if (kpptp_sk(sk)->call) {
		err = -EBUSY;
		goto out;
	}

	if (sp->sa_addr.pptp.call_id) {
		err = kpptp_call_attach(sock_net(sk), sp->sa_addr.pptp.call_id,
					sp->sa_addr.pptp.sin_addr.s_addr,
					&call);
		if (!err) {
			kpptp_sk(sk)->call = call;
			sk->sk_state |= PPPOX_BOUND | PPPOX_CONNECTED;
			goto out;
		}
		if (err != -ENOENT)
			goto out;
	}

	/* No such call yet: this socket creates and owns one. */
	err = 0;
	cfg.local_id = sp->sa_addr.pptp.call_id;
	cfg.local_addr = sp->sa_addr.pptp.sin_addr.s_addr;
	kpptp_window_cfg_defaults(&cfg.win);
	call = kpptp_call_create(sock_net(sk), &cfg, NULL);
	if (IS_ERR(call)) {
		/* in-tree pptp answers EBUSY for a taken or exhausted ID */
		err = PTR_ERR(call);
		if (err != -ENOMEM && err != -EDQUOT)
			err = -EBUSY;
		goto out;
	}
	kpptp_sk(sk)->call = call;
	sk->sk_state |= PPPOX_BOUND;
out:
	release_sock(sk);
	return err;
}

static int kpptp_connect(struct socket *sock, struct sockaddr_unsized *uaddr,
			 int len, int flags)
{
	const struct sockaddr_pppox *sp = kpptp_sockaddr(uaddr, len);
	struct sock *sk = sock->sk;
	struct kpptp_call *call;
	__be32 peer;
	int err;

	if (!sp || sp->sa_protocol != PX_PROTO_PPTP)
		return -EINVAL;
	/* the peer addresses CALL_NEW accepts, no others */
	peer = sp->sa_addr.pptp.sin_addr.s_addr;
	if (!peer || ipv4_is_multicast(peer) || ipv4_is_lbcast(peer))
		return -EINVAL;
	/* connect() claims a (peer address, peer call ID) key */
	if (!ns_capable(sock_net(sk)->user_ns, CAP_NET_ADMIN))
		return -EPERM;

	lock_sock(sk);
	call = kpptp_sk(sk)->call;
	if (sk->sk_state & PPPOX_DEAD) {
		err = -EALREADY;
	} else if (!call) {
		err = -EINVAL;		/* in-tree: no local address yet */
	} else if (call->owner == KPPTP_OWNER_NETLINK) {
		/* Netlink gave the peer already; connect() may only agree. */
		err = (sp->sa_addr.pptp.call_id == READ_ONCE(call->peer_id) &&
		       peer == READ_ONCE(call->peer_addr)) ? 0 : -EISCONN;
	} else {
		err = kpptp_call_connect(call, sp->sa_addr.pptp.call_id, peer);
		if (!err)
			sk->sk_state |= PPPOX_CONNECTED;
	}
	release_sock(sk);
	return err;
}

static int kpptp_getname(struct socket *sock, struct sockaddr *uaddr,
			 int peer)
{
	struct sockaddr_pppox sp = {
		.sa_family = AF_PPPOX,
		.sa_protocol = PX_PROTO_PPTP,
	};
	struct sock *sk = sock->sk;
	struct kpptp_call *call;

	lock_sock(sk);
	call = kpptp_sk(sk)->call;
	if (call) {
		sp.sa_addr.pptp.call_id = peer ? READ_ONCE(call->peer_id) :
						 call->local_id;
		sp.sa_addr.pptp.sin_addr.s_addr =
			peer ? READ_ONCE(call->peer_addr) : call->local_addr;
	}
	release_sock(sk);

	memcpy(uaddr, &sp, sizeof(sp));
	return sizeof(sp);
}

static int kpptp_ioctl(struct socket *sock, unsigned int cmd,
		       unsigned long arg)
{
	struct sock *sk = sock->sk;
	int index, err;

	if (cmd != PPPIOCGCHAN)
		return -ENOTTY;

	lock_sock(sk);
	err = -ENOTCONN;
	if (kpptp_sk(sk)->call && (sk->sk_state & PPPOX_CONNECTED)) {
		index = kpptp_call_channel_index(kpptp_sk(sk)->call);
		err = index;
		if (index >= 0)
			err = put_user(index, (int __user *)arg) ? -EFAULT : 0;
	}
	release_sock(sk);
	return err;
}

#ifdef CONFIG_COMPAT
static int kpptp_compat_ioctl(struct socket *sock, unsigned int cmd,
			      unsigned long arg)
{
	return kpptp_ioctl(sock, cmd, (unsigned long)compat_ptr(arg));
}
#endif

static int kpptp_release(struct socket *sock)
{
	struct sock *sk = sock->sk;
	struct kpptp_call *call;

	if (!sk)
		return 0;

	lock_sock(sk);
	call = kpptp_sk(sk)->call;
	kpptp_sk(sk)->call = NULL;
	sk->sk_state = PPPOX_DEAD;
	sock_orphan(sk);
	sock->sk = NULL;
	release_sock(sk);

	if (call) {
		kpptp_call_delete(call, KPPTP_DEL_SOCKET);
		kpptp_call_put(call);
	}
	sock_put(sk);
	return 0;
}

static const struct proto_ops kpptp_proto_ops = {
	.family = AF_PPPOX,
	.owner = THIS_MODULE,
	.release = kpptp_release,
	.bind = kpptp_bind,
	.connect = kpptp_connect,
	.socketpair = sock_no_socketpair,
	.accept = sock_no_accept,
	.getname = kpptp_getname,
	.listen = sock_no_listen,
	.shutdown = sock_no_shutdown,
	.sendmsg = sock_no_sendmsg,
	.recvmsg = sock_no_recvmsg,
	.mmap = sock_no_mmap,
	.ioctl = kpptp_ioctl,
#ifdef CONFIG_COMPAT
	.compat_ioctl = kpptp_compat_ioctl,
#endif
};

static struct proto kpptp_sk_proto __read_mostly = {
	.name = "KPPTP",
	.owner = THIS_MODULE,
	.obj_size = sizeof(struct kpptp_sock),
};

static int kpptp_create(struct net *net, struct socket *sock, int kern)
{
	struct sock *sk;

	sk = sk_alloc(net, PF_PPPOX, GFP_KERNEL, &kpptp_sk_proto, kern);
	if (!sk)
		return -ENOMEM;

	sock_init_data(sock, sk);
	sock->state = SS_UNCONNECTED;
	sock->ops = &kpptp_proto_ops;
	sk->sk_state = PPPOX_NONE;
	sk->sk_type = SOCK_STREAM;
	sk->sk_family = PF_PPPOX;
	sk->sk_protocol = PX_PROTO_PPTP;
	return 0;
}

static const struct pppox_proto kpptp_pppox_proto = {
	.create = kpptp_create,
	.owner = THIS_MODULE,
};

int kpptp_pppox_init(void)
{
	int err;

	err = proto_register(&kpptp_sk_proto, 0);
	if (err)
		return err;
	err = register_pppox_proto(PX_PROTO_PPTP, &kpptp_pppox_proto);
	if (err) {
		pr_err("PX_PROTO_PPTP sockets are already provided, most likely by pptp.ko: 'rmmod pptp' first\n");
		proto_unregister(&kpptp_sk_proto);
	}
	return err;
}

void kpptp_pppox_exit(void)
{
	unregister_pppox_proto(PX_PROTO_PPTP);
	proto_unregister(&kpptp_sk_proto);
}
