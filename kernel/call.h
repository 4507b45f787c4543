/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KPPTP_CALL_H
#define _KPPTP_CALL_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/ppp_channel.h>
#include <linux/refcount.h>
#include <linux/rhashtable-types.h>
#include <linux/types.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <net/dst_cache.h>
#include <linux/kpptp.h>

#include "window.h"

struct kpptp_capture;
struct net;
struct sk_buff;

/*
 * One counter set per CPU, so the data path shares no cache line.  Kept per
 * CPU although rx_lock serialises most receive updates: transmit (from
 * ppp_generic on any CPU, under no lock of ours), the ack and reorder timers
 * and receive all count concurrently, and one shared set would need atomics
 * or a lock on every packet.  The cost, 120 bytes per possible CPU per call,
 * is charged to the memory cgroup of whoever made the call.
 */
struct kpptp_call_stats {
	u64_stats_t rx_packets;
	u64_stats_t rx_bytes;
	u64_stats_t tx_packets;
	u64_stats_t tx_bytes;
	u64_stats_t rx_invalid;
	u64_stats_t rx_dropped;
	u64_stats_t rx_reordered;
	u64_stats_t rx_lost;
	u64_stats_t rx_duplicate;
	u64_stats_t rx_acks;
	u64_stats_t tx_acks;
	u64_stats_t tx_dropped;
	u64_stats_t ack_timeouts;
	u64_stats_t window_stalls;
	u64_stats_t rx_out_of_range;
	u64_stats_t rx_flushed;
	u64_stats_t rx_too_long;
	struct u64_stats_sync syncp;
};

/* Which peer call a call talks to: at most one call per key and namespace. */
struct kpptp_peer_key {
	__be32 addr;
	u16 id;
	u16 zero;		/* keys are compared as bytes */
};

/*
 * A call: one PPTP session and its ppp_generic channel.
 *
 * References: the namespace's call table holds one from creation until the
 * call is unlinked; an owning PX_PROTO_PPTP socket holds one while it lives.
 * The receive path uses no reference: it looks calls up under RCU, and
 * kpptp_call_unlink() waits for a grace period before the channel goes.
 * @net is not refcounted: a call never outlives its namespace (pernet exit
 * deletes them all, and a user socket pins its namespace).  Nor may a call
 * with no socket pin it: ppp_generic's channel holds a namespace reference,
 * so @chan is registered only while a socket owns the call.
 */
struct kpptp_call {
	struct ppp_channel chan;
	struct kpptp_window win;
	struct dst_cache dst_cache;
	struct kpptp_call_stats __percpu *stats;
	struct net *net;
	/* data frames that came before the channel, for it (recv.c) */
	struct sk_buff_head early;
	bool early_flushing;	/* under early.lock: they are being delivered,
				 * and new frames queue behind them
				 */
	/* set and cleared under the namespace's lock (capture.c) */
	struct kpptp_capture __rcu *capture;

	__be32 local_addr;
	__be32 peer_addr;	/* WRITE_ONCE: read locklessly on receive */
	u16 local_id;
	u16 peer_id;		/* WRITE_ONCE: read locklessly on transmit */
	bool peer_unknown;	/* netlink call waiting for its peer ID */
	u32 flags;		/* KPPTP_F_* */
	u32 ppp_flags;		/* SC_COMP_* from PPPIOCSFLAGS */
	u8 owner;		/* KPPTP_OWNER_* */

	/* The fields below are protected by the namespace's lock. */
	struct rhash_head peer_node;	/* in kn->peers while peer_indexed */
	struct kpptp_peer_key peer_key;
	bool peer_indexed;
	bool registered;	/* chan is registered with ppp_generic (complete
				 * and attached); set with release, cleared
				 * once unregistered
				 */
	bool attached;		/* an owning socket exists */
	bool dead;		/* unlinked, going away */
	u64 created;		/* jiffies_64 */

	refcount_t refcnt;
	struct list_head gc_node;	/* batch teardown on namespace exit */
	struct rcu_work del_work;	/* kpptp_call_delete()'s second half */
	u8 del_reason;			/* KPPTP_DEL_*, for the CALL_DEL event */
	bool del_notify;		/* send CALL_DEL when finished */
};

/*
 * Per namespace: the call table, keyed by local call ID.  Allocated and freed
 * by a pernet subsystem, after the namespace's devices are gone: the receive
 * path may use it (and its stats) as long as a device can deliver GRE.
 */
struct kpptp_net {
	struct xarray calls;		/* RCU readers, writers hold lock */
	struct mutex lock;		/* serialises every change to calls */
	struct rhashtable peers;	/* calls by peer, under lock */
	u32 ncalls;
	bool had_calls;		/* a call was unlinked: its end may be pending */
	u32 max_calls;			/* creation refused beyond; under lock */
	struct list_head captures;	/* kpptp_capture.node, under lock */
	struct kpptp_net_stats __percpu *stats;
};

struct kpptp_net_stats {
	u64_stats_t rx_malformed;
	u64_stats_t rx_unknown_call;
	u64_stats_t rx_wrong_peer;
	struct u64_stats_sync syncp;
};

/* Call parameters, as given over netlink or by a socket. */
struct kpptp_call_cfg {
	u16 local_id;		/* 0: pick a random unused one */
	u16 peer_id;
	bool peer_unknown;	/* netlink: peer_id comes later, by CALL_SET */
	__be32 local_addr;
	__be32 peer_addr;
	u8 owner;
	struct kpptp_window_cfg win;
	u32 flags;
};

#define kpptp_stat_add(call, field, n) do {				\
	struct kpptp_call_stats *__s = this_cpu_ptr((call)->stats);	\
	unsigned long __fl;						\
									\
	__fl = u64_stats_update_begin_irqsave(&__s->syncp);		\
	u64_stats_add(&__s->field, n);					\
	u64_stats_update_end_irqrestore(&__s->syncp, __fl);		\
} while (0)
#define kpptp_stat_inc(call, field) kpptp_stat_add(call, field, 1)

#define kpptp_net_stat_inc(kn, field) do {				\
	struct kpptp_net_stats *__s = this_cpu_ptr((kn)->stats);	\
	unsigned long __fl;						\
									\
	__fl = u64_stats_update_begin_irqsave(&__s->syncp);		\
	u64_stats_inc(&__s->field);					\
	u64_stats_update_end_irqrestore(&__s->syncp, __fl);		\
} while (0)

/*
 * Lockless paths (receive, transmit, timers): the channel is registered and
 * ready for ppp_input() and ppp_output_wakeup(), and the call is alive.
 */
static inline bool kpptp_call_live(const struct kpptp_call *call)
{
	/* pairs with the release in kpptp_channel_register() */
	return smp_load_acquire(&call->registered) && !READ_ONCE(call->dead);
}

/* Default per-namespace call limits (KPPTP_A_MAX_CALLS). */
#define KPPTP_MAX_CALLS_INIT_NS	65535	/* owned by the initial user ns */
#define KPPTP_MAX_CALLS_USER_NS	1024	/* owned by any other user ns */

struct kpptp_net *kpptp_net(const struct net *net);
u32 kpptp_net_default_max_calls(const struct net *net);
int kpptp_net_init_module(void);
void kpptp_net_exit_module(void);
void kpptp_call_drain(void);

struct kpptp_call *kpptp_call_create(struct net *net,
				     const struct kpptp_call_cfg *cfg,
				     struct netlink_ext_ack *extack);
struct kpptp_call *kpptp_call_lookup_rcu(struct kpptp_net *kn, u16 id);
struct kpptp_call *kpptp_call_get_by_id(struct net *net, u16 id);
int kpptp_call_attach(struct net *net, u16 id, __be32 local_addr,
		      struct kpptp_call **callp);
int kpptp_call_connect(struct kpptp_call *call, u16 peer_id,
		       __be32 peer_addr);
int kpptp_call_channel_index(struct kpptp_call *call);
int kpptp_call_set_peer_id(struct kpptp_call *call, u16 peer_id);
void kpptp_call_delete(struct kpptp_call *call, u8 reason);
void kpptp_call_put(struct kpptp_call *call);

void kpptp_call_read_stats(const struct kpptp_call *call,
			   struct kpptp_call_stats *sum);
void kpptp_net_read_stats(const struct kpptp_net *kn,
			  struct kpptp_net_stats *sum);

#endif /* _KPPTP_CALL_H */
