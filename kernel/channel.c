// SPDX-License-Identifier: GPL-2.0
/*
 * The ppp_generic side of a call: channel registration and channel ops.
 */

#include <linux/ip.h>
#include <linux/ppp-ioctl.h>
#include <linux/ppp_defs.h>
#include <net/pptp.h>
#include <net/route.h>

#include "call.h"
#include "channel.h"
#include "compat.h"
#include "recv.h"
#include "xmit.h"

static int kpptp_chan_ioctl(struct ppp_channel *chan, unsigned int cmd,
			    unsigned long arg)
{
	struct kpptp_call *call = chan->private;
	int __user *p = (int __user *)arg;
	int val;

	switch (cmd) {
	case PPPIOCGFLAGS:
		val = READ_ONCE(call->ppp_flags);
		return put_user(val, p) ? -EFAULT : 0;
	case PPPIOCSFLAGS:
		if (get_user(val, p))
			return -EFAULT;
		/* Only the compression bits mean anything on a sync link. */
		WRITE_ONCE(call->ppp_flags, val & (SC_COMP_PROT | SC_COMP_AC));
		return 0;
	default:
		return -ENOTTY;
	}
}

static const struct ppp_channel_ops kpptp_chan_ops = {
	.start_xmit = kpptp_xmit,
	.ioctl = kpptp_chan_ioctl,
};

/*
 * Register the call's channel in its namespace.  The route to the peer sets
 * the channel MTU and the headroom ppp_generic reserves for us, so transmit
 * never has to reallocate.  Called with the namespace lock held.
 */
int kpptp_channel_register(struct kpptp_call *call)
{
	struct flowi4 fl4 = {};
	struct rtable *rt;
	int mtu, err;

	lockdep_assert_held(&kpptp_net(call->net)->lock);

	rt = kpptp_route(call, &fl4);
	if (IS_ERR(rt))
		return -EHOSTUNREACH;

	mtu = dst_mtu(&rt->dst);
	call->chan.hdrlen = LL_RESERVED_SPACE(rt->dst.dev) +
			    sizeof(struct iphdr) + PPTP_HEADER_OVERHEAD;
	ip_rt_put(rt);

	call->chan.private = call;
	call->chan.ops = &kpptp_chan_ops;
	call->chan.mtu = (mtu ?: PPP_MRU) - (int)(sizeof(struct iphdr) +
						   PPTP_HEADER_OVERHEAD);
	/*
	 * Without a transmit window start_xmit never reports busy, so the ppp
	 * device needs no qdisc.  With one it must keep its queue: a stopped
	 * queue on a queueless device drops.  Hence KPPTP_F_TX_WINDOW is
	 * fixed when the call is created.
	 */
	kpptp_chan_direct_xmit(&call->chan,
			       !(call->flags & KPPTP_F_TX_WINDOW));

	err = ppp_register_net_channel(call->net, &call->chan);
	if (err)
		return err;
	/*
	 * The channel is ready (the release pairs with kpptp_call_live()),
	 * but what came before it goes first: until the kept frames are
	 * through, frames that come queue behind them (kpptp_rx_early()).
	 */
	spin_lock_bh(&call->early.lock);
	WRITE_ONCE(call->early_flushing, true);
	/* pairs with kpptp_call_live(): whoever sees it sees the flag */
	smp_store_release(&call->registered, true);
	spin_unlock_bh(&call->early.lock);
	kpptp_rx_early_flush(call);
	return 0;
}

/*
 * Process context: ppp_generic waits for start_xmit to return.  The call is
 * dead or was never in the table, so whoever still looks at @registered
 * (lockless paths check dead too) finds the channel going or gone.
 */
void kpptp_channel_unregister(struct kpptp_call *call)
{
	if (!call->registered)
		return;
	ppp_unregister_channel(&call->chan);
	WRITE_ONCE(call->registered, false);
}
