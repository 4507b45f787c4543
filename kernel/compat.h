/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shims for other kernels, tested by feature, so the other files stay clean
 * and use today's names (6.1 to 7.3 build: tests/kbuild.sh).
 */
#ifndef _KPPTP_COMPAT_H
#define _KPPTP_COMPAT_H

#include <linux/hrtimer.h>
#include <linux/ppp_channel.h>
#include <linux/timer.h>
#include <net/genetlink.h>

/*
 * Before GENL_MCAST_CAP_NET_ADMIN (6.7, and the stable trees it went back
 * to), genl_bind() required CAP_NET_ADMIN over the namespace for a group
 * flagged GENL_UNS_ADMIN_PERM (since 5.12): the same check, its old name.
 */
#ifndef GENL_MCAST_CAP_NET_ADMIN
#define GENL_MCAST_CAP_NET_ADMIN GENL_UNS_ADMIN_PERM
#endif

/* from_timer() became timer_container_of() (7.3 has only the latter); macros */
#ifndef timer_container_of
#define timer_container_of(var, callback_timer, timer_fieldname) \
	from_timer(var, callback_timer, timer_fieldname)
#endif

/*
 * hrtimer_setup() replaced hrtimer_init() (6.12 has only the old one, 7.3
 * only the new).  A function, not a macro: Kbuild looks for it in the
 * headers (KPPTP_HAVE_*).
 */
#ifndef KPPTP_HAVE_HRTIMER_SETUP
static inline void hrtimer_setup(struct hrtimer *timer,
				 enum hrtimer_restart (*function)(struct hrtimer *),
				 clockid_t clock_id, enum hrtimer_mode mode)
{
	hrtimer_init(timer, clock_id, mode);
	timer->function = function;
}
#endif

/* proto_ops' bind and connect take a struct sockaddr_unsized in 7.3, not 6.12 */
#ifndef KPPTP_HAVE_SOCKADDR_UNSIZED
#define sockaddr_unsized sockaddr
#endif

/*
 * ppp_channel.direct_xmit: the ppp unit transmits without a qdisc (in 6.12
 * and later 6.1 updates as Debian builds them, not in bookworm's 6.1.0-50).
 * Without it the unit keeps its queue, which is only slower.
 */
static inline void kpptp_chan_direct_xmit(struct ppp_channel *chan, bool on)
{
#ifdef KPPTP_HAVE_PPP_DIRECT_XMIT
	chan->direct_xmit = on;
#endif
}

#endif /* _KPPTP_COMPAT_H */
