// SPDX-License-Identifier: GPL-2.0
/*
 * Calls and the per-namespace call table.
 *
 * The table is an XArray keyed by local call ID: IDs are dense 16-bit
 * numbers, lookups are lockless under RCU, and xa_alloc() finds a free ID
 * without a bitmap of our own.  A second index, an rhashtable keyed by peer
 * address and peer call ID, keeps two calls from talking to the same peer
 * call without scanning every call.  Every change to either, and every
 * change of a call's registered/attached/dead state, happens under kn->lock.
 */

#include <linux/capability.h>
#include <linux/netdevice.h>
#include <linux/random.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/route.h>

#include "call.h"
#include "capture.h"
#include "recv.h"
#include "channel.h"
#include "netlink.h"
#include "xmit.h"

static unsigned int kpptp_net_id __read_mostly;

struct kpptp_net *kpptp_net(const struct net *net)
{
	return net_generic(net, kpptp_net_id);
}

static void kpptp_call_free(struct kpptp_call *call)
{
	/* empty since kpptp_call_finish() (counted there): a safety net */
	skb_queue_purge(&call->early);
	dst_cache_destroy(&call->dst_cache);
	free_percpu(call->stats);
	kfree(call);
}

void kpptp_call_put(struct kpptp_call *call)
{
	if (refcount_dec_and_test(&call->refcnt))
		kpptp_call_free(call);
}

static struct kpptp_call *kpptp_call_alloc(struct net *net,
					   const struct kpptp_call_cfg *cfg)
{
	struct kpptp_call *call;

	/* Whoever makes a call pays for it: charged to their memory cgroup. */
	call = kzalloc(sizeof(*call), GFP_KERNEL_ACCOUNT);
	if (!call)
		return NULL;
	call->stats = __netdev_alloc_pcpu_stats(struct kpptp_call_stats,
						GFP_KERNEL_ACCOUNT);
	if (!call->stats)
		goto err_free;
	if (dst_cache_init(&call->dst_cache, GFP_KERNEL_ACCOUNT))
		goto err_stats;

	call->net = net;
	skb_queue_head_init(&call->early);
	call->local_addr = cfg->local_addr;
	call->peer_addr = cfg->peer_addr;
	call->peer_id = cfg->peer_id;
	call->peer_unknown = cfg->peer_unknown;
	call->owner = cfg->owner;
	call->attached = cfg->owner == KPPTP_OWNER_SOCKET;
	call->flags = cfg->flags;
	call->created = get_jiffies_64();
	kpptp_window_init(&call->win, &cfg->win);
	refcount_set(&call->refcnt, 1);
	INIT_LIST_HEAD(&call->gc_node);
	return call;

err_stats:
	free_percpu(call->stats);
err_free:
	kfree(call);
	return NULL;
}

/* Store @call under a free ID: the one asked for, or a random one. */
static int kpptp_call_insert(struct kpptp_net *kn, struct kpptp_call *call,
			     u16 want, struct netlink_ext_ack *extack)
{
	u32 id, start;
	int err;

	lockdep_assert_held(&kn->lock);

	if (want) {
		err = xa_insert(&kn->calls, want, call, GFP_KERNEL_ACCOUNT);
		if (err == -EBUSY) {
			NL_SET_ERR_MSG(extack, "call ID in use");
			return -EEXIST;
		}
		id = want;
	} else {
		/* Random IDs make blind injection into a call harder. */
		start = 1 + get_random_u32_below(U16_MAX);
		err = xa_alloc(&kn->calls, &id, call,
			       XA_LIMIT(start, U16_MAX), GFP_KERNEL_ACCOUNT);
		if (err == -EBUSY && start > 1)
			err = xa_alloc(&kn->calls, &id, call,
				       XA_LIMIT(1, start - 1),
				       GFP_KERNEL_ACCOUNT);
		if (err == -EBUSY) {
			NL_SET_ERR_MSG(extack, "no free call ID");
			return -ENOSPC;
		}
	}
	if (err)
		return err;
	call->local_id = id;
	kn->ncalls++;
	return 0;
}

static const struct rhashtable_params kpptp_peer_params = {
	.key_len = sizeof(struct kpptp_peer_key),
	.key_offset = offsetof(struct kpptp_call, peer_key),
	.head_offset = offsetof(struct kpptp_call, peer_node),
	.automatic_shrinking = true,
};

/*
 * Claim the peer call (@peer_addr, @peer_id) for @call: -EEXIST if another
 * call has it.  Netlink calls claim theirs at creation, socket calls at
 * connect(); a call gives it up when it is unlinked.
 */
static int kpptp_peer_claim(struct kpptp_net *kn, struct kpptp_call *call,
			    u16 peer_id, __be32 peer_addr)
{
	int err;

	lockdep_assert_held(&kn->lock);

	call->peer_key = (struct kpptp_peer_key){ .addr = peer_addr,
						  .id = peer_id };
	err = rhashtable_lookup_insert_fast(&kn->peers, &call->peer_node,
					    kpptp_peer_params);
	if (!err)
		call->peer_indexed = true;
	return err;
}

static void kpptp_peer_release(struct kpptp_net *kn, struct kpptp_call *call)
{
	lockdep_assert_held(&kn->lock);

	if (call->peer_indexed)
		rhashtable_remove_fast(&kn->peers, &call->peer_node,
				       kpptp_peer_params);
	call->peer_indexed = false;
}

/* -EHOSTUNREACH unless the peer of @call has a route. */
static int kpptp_call_check_route(struct kpptp_call *call)
{
	struct flowi4 fl4;
	struct rtable *rt;

	rt = kpptp_route(call, &fl4);
	if (IS_ERR(rt))
		return -EHOSTUNREACH;
	ip_rt_put(rt);
	return 0;
}

/*
 * Give @call its peer call ID: the call is complete.  -EEXIST if another call
 * talks to that peer call already, -EHOSTUNREACH if there is no route to it.
 *
 * The ppp channel exists only while a complete call has an owning socket,
 * as l2tp's session channel exists only while a PPPoL2TP socket is
 * connected: ppp_generic's channel holds a reference on the namespace, so a
 * channel of a netlink call with no socket would keep the namespace from
 * ever exiting, and its exit is what deletes that call.  An owning socket
 * pins the namespace itself.  Hence a call without a socket only checks
 * its route here, and kpptp_call_attach() registers its channel.
 */
static int kpptp_call_complete(struct kpptp_net *kn, struct kpptp_call *call,
			       u16 peer_id, __be32 peer_addr)
{
	u16 old_id = call->peer_id;
	__be32 old_addr = call->peer_addr;
	int err;

	lockdep_assert_held(&kn->lock);

	err = kpptp_peer_claim(kn, call, peer_id, peer_addr);
	if (err)
		return err;
	/* transmit may start once the channel is registered */
	WRITE_ONCE(call->peer_id, peer_id);
	WRITE_ONCE(call->peer_addr, peer_addr);
	if (call->attached)
		err = kpptp_channel_register(call);
	else
		err = kpptp_call_check_route(call);
	if (err) {
		/* as it was: received frames are checked against peer_addr */
		kpptp_peer_release(kn, call);
		WRITE_ONCE(call->peer_id, old_id);
		WRITE_ONCE(call->peer_addr, old_addr);
		return err;
	}
	WRITE_ONCE(call->peer_unknown, false);
	return 0;
}

/*
 * Create a call.  A netlink call whose peer call ID is known is complete at
 * once; its channel comes when a socket attaches.  One whose peer ID is not
 * known yet (a PNS before the Outgoing-Call-Reply) waits for CALL_SET, and a
 * socket's call for connect(): neither claims a peer key meanwhile, so any
 * number of calls may wait on one peer.
 * Returns the call with one reference for the caller besides the table's.
 */
struct kpptp_call *kpptp_call_create(struct net *net,
				     const struct kpptp_call_cfg *cfg,
				     struct netlink_ext_ack *extack)
{
	struct kpptp_net *kn = kpptp_net(net);
	struct kpptp_call *call;
	int err;

	call = kpptp_call_alloc(net, cfg);
	if (!call)
		return ERR_PTR(-ENOMEM);

	mutex_lock(&kn->lock);
	if (kn->ncalls >= kn->max_calls) {
		NL_SET_ERR_MSG(extack,
			       "call limit of the namespace reached (max-calls)");
		err = -EDQUOT;
		goto err_unlock;
	}
	if (cfg->owner == KPPTP_OWNER_NETLINK && !cfg->peer_unknown) {
		err = kpptp_call_complete(kn, call, cfg->peer_id,
					  cfg->peer_addr);
		if (err == -EEXIST)
			NL_SET_ERR_MSG(extack,
				       "a call to that peer call ID exists");
		else if (err == -EHOSTUNREACH)
			NL_SET_ERR_MSG(extack, "no route to the peer");
		if (err)
			goto err_unlock;
	}
	/*
	 * The last step that can fail: the call has no channel yet (nobody
	 * owns it), so a failure here leaves nothing registered behind.
	 */
	err = kpptp_call_insert(kn, call, cfg->local_id, extack);
	if (err)
		goto err_unlock;
	refcount_inc(&call->refcnt);
	mutex_unlock(&kn->lock);

	kpptp_nl_notify(call, KPPTP_CMD_CALL_NEW, 0);
	return call;

err_unlock:
	kpptp_peer_release(kn, call);
	mutex_unlock(&kn->lock);
	/* Never in the table, so no receiver can be using it. */
	WARN_ON_ONCE(call->registered);
	kpptp_window_stop(&call->win);
	kpptp_call_free(call);
	return ERR_PTR(err);
}

struct kpptp_call *kpptp_call_lookup_rcu(struct kpptp_net *kn, u16 id)
{
	return xa_load(&kn->calls, id);
}

/* A referenced call by ID, or NULL. */
struct kpptp_call *kpptp_call_get_by_id(struct net *net, u16 id)
{
	struct kpptp_net *kn = kpptp_net(net);
	struct kpptp_call *call;

	mutex_lock(&kn->lock);
	call = xa_load(&kn->calls, id);
	if (call)
		refcount_inc(&call->refcnt);
	mutex_unlock(&kn->lock);
	return call;
}

/*
 * bind() on a socket naming a call made over netlink: the socket takes it
 * over, if nobody owns it yet, and a complete call gets its channel now.
 * Returns -ENOENT if no such call exists.
 * A call still waiting for its peer ID may be taken too (a PNS owns its call
 * from the Outgoing-Call-Request on); PPPIOCGCHAN fails until CALL_SET
 * completes it.
 */
int kpptp_call_attach(struct net *net, u16 id, __be32 local_addr,
		      struct kpptp_call **callp)
{
	struct kpptp_net *kn = kpptp_net(net);
	struct kpptp_call *call;
	int err = 0;

	/* before any answer that tells whether call @id exists */
	if (!ns_capable(net->user_ns, CAP_NET_ADMIN))
		return -EPERM;

	mutex_lock(&kn->lock);
	call = xa_load(&kn->calls, id);
	if (!call) {
		err = -ENOENT;
	} else if (call->owner != KPPTP_OWNER_NETLINK || call->attached ||
		   (local_addr && call->local_addr &&
		    local_addr != call->local_addr)) {
		err = -EBUSY;
	} else {
		/* a complete call gets its channel with its owner */
		if (!call->peer_unknown)
			err = kpptp_channel_register(call);
		if (!err) {
			call->attached = true;
			refcount_inc(&call->refcnt);
			*callp = call;
		}
	}
	mutex_unlock(&kn->lock);
	if (!err)
		kpptp_nl_notify(call, KPPTP_CMD_CALL_SET, 0);
	return err;
}

/* connect() on a socket that created its own call. */
int kpptp_call_connect(struct kpptp_call *call, u16 peer_id, __be32 peer_addr)
{
	struct kpptp_net *kn = kpptp_net(call->net);
	int err;

	mutex_lock(&kn->lock);
	if (call->dead) {
		err = -ENOTCONN;
		goto out;
	}
	if (call->registered) {
		err = -EBUSY;
		goto out;
	}
	err = kpptp_call_complete(kn, call, peer_id, peer_addr);
	if (err == -EEXIST)
		err = -EALREADY;	/* what the in-tree driver says */
out:
	mutex_unlock(&kn->lock);
	if (!err)
		kpptp_nl_notify(call, KPPTP_CMD_CALL_SET, 0);
	return err;
}

/*
 * CALL_SET of the peer call ID, with the namespace lock held: -EEXIST if
 * another call talks to that peer call already.  A netlink call still
 * waiting for its peer ID is completed by it (-EHOSTUNREACH: no route).
 */
int kpptp_call_set_peer_id(struct kpptp_call *call, u16 peer_id)
{
	struct kpptp_net *kn = kpptp_net(call->net);
	u16 old = call->peer_id;
	int err;

	lockdep_assert_held(&kn->lock);

	if (call->dead)
		return -ENOENT;
	if (call->peer_unknown)
		return kpptp_call_complete(kn, call, peer_id, call->peer_addr);
	if (peer_id == old || !call->peer_indexed) {
		WRITE_ONCE(call->peer_id, peer_id);
		return 0;
	}
	kpptp_peer_release(kn, call);
	err = kpptp_peer_claim(kn, call, peer_id, call->peer_addr);
	if (err) {
		WARN_ON_ONCE(kpptp_peer_claim(kn, call, old, call->peer_addr));
		return err;
	}
	WRITE_ONCE(call->peer_id, peer_id);
	return 0;
}

/* The channel index for PPPIOCGCHAN, or -ENOTCONN. */
int kpptp_call_channel_index(struct kpptp_call *call)
{
	struct kpptp_net *kn = kpptp_net(call->net);
	int index = -ENOTCONN;

	mutex_lock(&kn->lock);
	if (!call->dead && call->registered)
		index = ppp_channel_index(&call->chan);
	mutex_unlock(&kn->lock);
	return index;
}

/* Take @call out of the table.  Returns false if it was already gone. */
static bool kpptp_call_unlink(struct kpptp_net *kn, struct kpptp_call *call)
{
	lockdep_assert_held(&kn->lock);

	if (call->dead)
		return false;
	WRITE_ONCE(call->dead, true);
	kpptp_capture_stop(kn, call);
	xa_erase(&kn->calls, call->local_id);
	kpptp_peer_release(kn, call);
	kn->ncalls--;
	kn->had_calls = true;
	return true;
}

/* Deletes wait for a grace period here, not in the caller. */
static struct workqueue_struct *kpptp_del_wq;

/*
 * The end of an unlinked call, a grace period after the unlink: no receiver
 * can still be inside ppp_input() for it.
 */
static void kpptp_call_finish(struct kpptp_call *call)
{
	kpptp_window_stop(&call->win);
	kpptp_rx_early_purge(call);	/* a namespace's exit comes here */
	/* Only now are the counters final: a receiver that found the call
	 * before the unlink may have counted a packet until the grace period
	 * ended.
	 */
	if (call->del_notify)
		kpptp_nl_notify(call, KPPTP_CMD_CALL_DEL, call->del_reason);
	kpptp_channel_unregister(call);		/* pppd sees a hangup */
	kpptp_call_put(call);
}

static void kpptp_call_finish_work(struct work_struct *work)
{
	kpptp_call_finish(container_of(to_rcu_work(work), struct kpptp_call,
				       del_work));
}

/*
 * Delete a call: unlink it at once (its ID and peer are free again), then,
 * after a grace period, send the CALL_DEL event with the final counters,
 * unregister the channel and drop the table's reference in a work item.
 * Waiting for the grace period here instead (synchronize_net) held a
 * control daemon up for one per call: kpptpd spent 84% of a call
 * setup/teardown benchmark in it.  Idempotent; process context.
 */
void kpptp_call_delete(struct kpptp_call *call, u8 reason)
{
	struct kpptp_net *kn = kpptp_net(call->net);
	bool unlinked;

	mutex_lock(&kn->lock);
	unlinked = kpptp_call_unlink(kn, call);
	mutex_unlock(&kn->lock);
	if (!unlinked)
		return;

	/* nothing waits for reordering, or for a channel, any more (counted
	 * as rx_flushed)
	 */
	kpptp_window_flush(&call->win);
	kpptp_rx_early_purge(call);
	call->del_reason = reason;
	call->del_notify = true;
	INIT_RCU_WORK(&call->del_work, kpptp_call_finish_work);
	queue_rcu_work(kpptp_del_wq, &call->del_work);
}

void kpptp_call_read_stats(const struct kpptp_call *call,
			   struct kpptp_call_stats *sum)
{
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct kpptp_call_stats *s = per_cpu_ptr(call->stats, cpu);
		struct kpptp_call_stats t;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			t = *s;
		} while (u64_stats_fetch_retry(&s->syncp, start));

#define ADD(f) u64_stats_add(&sum->f, u64_stats_read(&t.f))
		ADD(rx_packets); ADD(rx_bytes); ADD(tx_packets); ADD(tx_bytes);
		ADD(rx_invalid); ADD(rx_dropped); ADD(rx_reordered);
		ADD(rx_lost); ADD(rx_duplicate); ADD(rx_acks); ADD(tx_acks);
		ADD(tx_dropped); ADD(ack_timeouts); ADD(window_stalls);
		ADD(rx_out_of_range); ADD(rx_flushed); ADD(rx_too_long);
#undef ADD
	}
}

void kpptp_net_read_stats(const struct kpptp_net *kn,
			  struct kpptp_net_stats *sum)
{
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct kpptp_net_stats *s = per_cpu_ptr(kn->stats, cpu);
		u64 malformed, unknown, wrong_peer;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			malformed = u64_stats_read(&s->rx_malformed);
			unknown = u64_stats_read(&s->rx_unknown_call);
			wrong_peer = u64_stats_read(&s->rx_wrong_peer);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		u64_stats_add(&sum->rx_malformed, malformed);
		u64_stats_add(&sum->rx_unknown_call, unknown);
		u64_stats_add(&sum->rx_wrong_peer, wrong_peer);
	}
}

/*
 * A namespace whose owner is not the initial user namespace may have been
 * made by any user: it gets a smaller share of call IDs and memory.
 */
u32 kpptp_net_default_max_calls(const struct net *net)
{
	return net->user_ns == &init_user_ns ? KPPTP_MAX_CALLS_INIT_NS :
					       KPPTP_MAX_CALLS_USER_NS;
}

/*
 * A namespace's kpptp state lives as long as the namespace can receive: it is
 * owned by a pernet subsystem, whose exit runs after every pernet device
 * exit, so after the namespace's interfaces are gone and no GRE packet can
 * reach kpptp_gre_rcv() for it any more.  The calls go earlier, at pernet
 * device exit (kpptp_calls_exit()): their channels must be unregistered
 * before ppp_generic's own device exit.  Between the two, GRE for the
 * namespace still arrives and is counted in kn->stats as rx_unknown_call.
 */
static int __net_init kpptp_net_init(struct net *net)
{
	struct kpptp_net *kn = kpptp_net(net);
	int err;

	xa_init_flags(&kn->calls, XA_FLAGS_ALLOC1);
	mutex_init(&kn->lock);
	INIT_LIST_HEAD(&kn->captures);
	kn->max_calls = kpptp_net_default_max_calls(net);
	err = rhashtable_init(&kn->peers, &kpptp_peer_params);
	if (err)
		return err;
	kn->stats = netdev_alloc_pcpu_stats(struct kpptp_net_stats);
	if (!kn->stats) {
		rhashtable_destroy(&kn->peers);
		return -ENOMEM;
	}
	return 0;
}

static void __net_exit kpptp_net_exit(struct net *net)
{
	struct kpptp_net *kn = kpptp_net(net);

	WARN_ON_ONCE(!xa_empty(&kn->calls));
	WARN_ON_ONCE(!list_empty(&kn->captures));
	xa_destroy(&kn->calls);
	rhashtable_destroy(&kn->peers);
	free_percpu(kn->stats);
}

static struct pernet_operations kpptp_net_ops = {
	.init = kpptp_net_init,
	.exit = kpptp_net_exit,
	.id = &kpptp_net_id,
	.size = sizeof(struct kpptp_net),
};

/* Unlink every call of a namespace that is going onto @gone; did it ever
 * have one?
 */
static bool __net_exit kpptp_calls_unlink_all(struct kpptp_net *kn,
					      struct list_head *gone)
{
	struct kpptp_call *call;
	unsigned long id;
	bool had_calls;

	mutex_lock(&kn->lock);
	xa_for_each(&kn->calls, id, call) {
		kpptp_call_unlink(kn, call);
		list_add_tail(&call->gc_node, gone);
	}
	had_calls = kn->had_calls;
	mutex_unlock(&kn->lock);
	return had_calls;
}

/*
 * Namespaces (or the module) are going: delete every call of the whole
 * batch with a single grace period, so that tearing down many namespaces
 * pays the waits once.  No events are sent; nobody is left to listen.  A
 * batch in which no namespace ever had a call skips the waits: every
 * namespace teardown on the machine passes through here.
 */
static void __net_exit kpptp_calls_exit_batch(struct list_head *net_list)
{
	struct kpptp_call *call, *tmp;
	bool had_calls = false;
	struct net *net;
	LIST_HEAD(gone);

	list_for_each_entry(net, net_list, exit_list)
		had_calls |= kpptp_calls_unlink_all(kpptp_net(net), &gone);
	if (!had_calls)
		return;

	/* Deletes still waiting for their grace period finish first: their
	 * channels must go before ppp_generic's namespace does.
	 */
	rcu_barrier();
	flush_workqueue(kpptp_del_wq);
	synchronize_net();
	list_for_each_entry_safe(call, tmp, &gone, gc_node) {
		list_del(&call->gc_node);
		kpptp_call_finish(call);
	}
}

static struct pernet_operations kpptp_calls_ops = {
	.exit_batch = kpptp_calls_exit_batch,
};

int kpptp_net_init_module(void)
{
	int err;

	kpptp_del_wq = alloc_workqueue("kpptp_del", 0, 0);
	if (!kpptp_del_wq)
		return -ENOMEM;
	err = register_pernet_subsys(&kpptp_net_ops);
	if (err)
		goto err_wq;
	err = register_pernet_device(&kpptp_calls_ops);
	if (err)
		goto err_subsys;
	return 0;

err_subsys:
	unregister_pernet_subsys(&kpptp_net_ops);
err_wq:
	destroy_workqueue(kpptp_del_wq);
	return err;
}

/* Finish the deletes still waiting for their grace period (module exit). */
void kpptp_call_drain(void)
{
	rcu_barrier();
	flush_workqueue(kpptp_del_wq);
}

void kpptp_net_exit_module(void)
{
	/* every namespace's call exit has drained the deletes */
	unregister_pernet_device(&kpptp_calls_ops);
	unregister_pernet_subsys(&kpptp_net_ops);
	destroy_workqueue(kpptp_del_wq);
}
