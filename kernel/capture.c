// SPDX-License-Identifier: GPL-2.0
/*
 * Capture: a copy of one call's PPP frames, both directions, for the
 * netlink socket that asked for it (kpptpctl call capture).
 *
 * Off, the data path passes a static branch that is patched out.  On, each
 * frame takes a token from the capture's bucket (the rate its admin chose)
 * and becomes one netlink message, sent without blocking: a reader that
 * falls behind loses frames and reads ENOBUFS, and never makes the kernel
 * hold more than its socket's receive buffer.  A capture ends with its
 * socket (NETLINK_URELEASE) or with its call.
 */

#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/math64.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <net/sock.h>
#include <net/netlink.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "call.h"
#include "capture.h"
#include "netlink.h"

struct kpptp_capture {
	struct kpptp_call *call;	/* no reference: the call's unlink
					 * stops the capture first
					 */
	struct list_head node;		/* in kn->captures, under kn->lock */
	struct rcu_head rcu;
	struct sock *sk;		/* the capturing socket, held */
	u32 portid;			/* its port ID */
	u32 snaplen;
	u64 cost_ns;			/* a frame's share of one second */
	spinlock_t lock;		/* the bucket (credit_ns, last_ns), and
					 * time stamp + send, so that frames
					 * reach the socket in time order
					 */
	u64 credit_ns;
	u64 last_ns;
	atomic64_t dropped;		/* over the rate, or no memory */
	bool gone;			/* the socket is gone: send nothing */
};

DEFINE_STATIC_KEY_DEFERRED_FALSE(kpptp_capture_used, HZ);

/* One frame's worth of the bucket, which holds at most one second's. */
static bool kpptp_capture_admit(struct kpptp_capture *c)
{
	bool ok;
	u64 now;

	spin_lock_bh(&c->lock);
	now = ktime_get_ns();	/* under the lock: never before last_ns */
	c->credit_ns = min_t(u64, c->credit_ns + (now - c->last_ns),
			     NSEC_PER_SEC);
	c->last_ns = now;
	ok = c->credit_ns >= c->cost_ns;
	if (ok)
		c->credit_ns -= c->cost_ns;
	spin_unlock_bh(&c->lock);
	return ok;
}

/*
 * Receive (softirq) and transmit (bottom halves off) both come here, on
 * any CPU.  The time is taken and the message queued under the capture's
 * lock: otherwise a frame stamped on one CPU could reach the socket after
 * a later one from another, and a pcap's times would go backwards.
 * Sending never blocks (netlink_unicast() with no timeout).
 */
void __kpptp_capture_frame(struct kpptp_call *call, const struct sk_buff *skb,
			   unsigned int offset, unsigned int len, u8 dir)
{
	struct kpptp_capture *c;
	struct sk_buff *msg;
	struct nlattr *time;
	u64 now;
	int err;

	rcu_read_lock();
	c = rcu_dereference(call->capture);
	if (!c || READ_ONCE(c->gone))
		goto out;
	if (!kpptp_capture_admit(c))
		goto drop;
	msg = kpptp_nl_capture_msg(call, skb, offset, len,
				   min(len, c->snaplen), dir,
				   atomic64_read(&c->dropped), &time);
	if (!msg)
		goto drop;
	spin_lock_bh(&c->lock);
	/*
	 * A closed socket's port ID is free before its release reaches us
	 * (kpptp_capture_release): an unprivileged socket could bind it and
	 * get the frames.  Dead, it gets none; what is left is the moment
	 * between netlink_remove() and sock_orphan() in netlink_release().
	 */
	if (sock_flag(c->sk, SOCK_DEAD)) {
		spin_unlock_bh(&c->lock);
		WRITE_ONCE(c->gone, true);
		nlmsg_free(msg);
		goto out;
	}
	now = ktime_get_real_ns();
	memcpy(nla_data(time), &now, sizeof(now));
	err = kpptp_nl_capture_send(call, msg, c->portid);
	spin_unlock_bh(&c->lock);
	if (err == -ECONNREFUSED)	/* closed; its release stops us */
		WRITE_ONCE(c->gone, true);
	/* -EAGAIN: the reader's buffer is full, and it reads ENOBUFS */
	goto out;
drop:
	atomic64_inc(&c->dropped);
out:
	rcu_read_unlock();
}

/*
 * Frames go to @sk, the requesting netlink socket, by its @portid;
 * process context.
 * -ENOENT if the call is gone, -EBUSY if it is captured.
 */
int kpptp_capture_start(struct kpptp_call *call, struct sock *sk, u32 portid,
			u32 snaplen, u32 rate)
{
	struct kpptp_net *kn = kpptp_net(call->net);
	struct kpptp_capture *c;
	int err = 0;

	c = kzalloc(sizeof(*c), GFP_KERNEL_ACCOUNT);
	if (!c)
		return -ENOMEM;
	c->call = call;
	sock_hold(sk);
	c->sk = sk;
	c->portid = portid;
	c->snaplen = snaplen;
	c->cost_ns = div_u64(NSEC_PER_SEC, rate);
	spin_lock_init(&c->lock);
	c->credit_ns = NSEC_PER_SEC;
	c->last_ns = ktime_get_ns();
	atomic64_set(&c->dropped, 0);

	/* before the capture is visible: the data path must look for it */
	static_branch_deferred_inc(&kpptp_capture_used);
	mutex_lock(&kn->lock);
	if (call->dead) {
		err = -ENOENT;
	} else if (rcu_access_pointer(call->capture)) {
		err = -EBUSY;
	} else {
		list_add(&c->node, &kn->captures);
		rcu_assign_pointer(call->capture, c);
	}
	mutex_unlock(&kn->lock);
	if (err) {
		static_branch_slow_dec_deferred(&kpptp_capture_used);
		sock_put(sk);
		kfree(c);
	}
	return err;
}

static void kpptp_capture_free_rcu(struct rcu_head *head)
{
	struct kpptp_capture *c = container_of(head, struct kpptp_capture,
					       rcu);

	sock_put(c->sk);
	kfree(c);
}

/* End @call's capture, if it has one; kn->lock held, process context. */
void kpptp_capture_stop(struct kpptp_net *kn, struct kpptp_call *call)
{
	struct kpptp_capture *c;

	c = rcu_dereference_protected(call->capture,
				      lockdep_is_held(&kn->lock));
	if (!c)
		return;
	RCU_INIT_POINTER(call->capture, NULL);
	list_del(&c->node);
	call_rcu(&c->rcu, kpptp_capture_free_rcu);
	static_branch_slow_dec_deferred(&kpptp_capture_used);
}

/*
 * The capturing socket's port ID, or 0 when the call is not captured, and
 * how many frames the capture has not captured so far.
 */
u32 kpptp_capture_portid(struct kpptp_call *call, u64 *dropped)
{
	struct kpptp_capture *c;
	u32 portid = 0;

	rcu_read_lock();
	c = rcu_dereference(call->capture);
	if (c && !READ_ONCE(c->gone)) {
		portid = c->portid;
		*dropped = atomic64_read(&c->dropped);
	}
	rcu_read_unlock();
	return portid;
}

/* A generic netlink socket was closed: end the captures it received. */
static int kpptp_capture_release(struct notifier_block *nb,
				 unsigned long event, void *ptr)
{
	struct netlink_notify *n = ptr;
	struct kpptp_capture *c, *tmp;
	struct kpptp_net *kn;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC)
		return NOTIFY_DONE;
	kn = kpptp_net(n->net);
	/* every genl socket's close comes here: most find no capture */
	if (list_empty_careful(&kn->captures))
		return NOTIFY_DONE;
	mutex_lock(&kn->lock);
	list_for_each_entry_safe(c, tmp, &kn->captures, node)
		if (c->portid == n->portid)
			kpptp_capture_stop(kn, c->call);
	mutex_unlock(&kn->lock);
	return NOTIFY_DONE;
}

static struct notifier_block kpptp_capture_notifier = {
	.notifier_call = kpptp_capture_release,
};

int kpptp_capture_init(void)
{
	return netlink_register_notifier(&kpptp_capture_notifier);
}

void kpptp_capture_exit(void)
{
	netlink_unregister_notifier(&kpptp_capture_notifier);
}

/* Module exit, once every call (and so every capture) is gone. */
void kpptp_capture_drain(void)
{
	rcu_barrier();		/* the sockets held by kpptp_capture_free_rcu */
	static_key_deferred_flush(&kpptp_capture_used);
}
