/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KPPTP_XMIT_H
#define _KPPTP_XMIT_H

#include <linux/types.h>

struct flowi4;
struct kpptp_call;
struct ppp_channel;
struct rtable;
struct sk_buff;

struct rtable *kpptp_route(struct kpptp_call *call, struct flowi4 *fl4);
int kpptp_xmit(struct ppp_channel *chan, struct sk_buff *skb);

#endif /* _KPPTP_XMIT_H */
