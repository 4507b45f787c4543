/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KPPTP_NETLINK_H
#define _KPPTP_NETLINK_H

#include <linux/types.h>

struct kpptp_call;
struct nlattr;
struct sk_buff;

int kpptp_genl_init(void);
void kpptp_genl_exit(void);
void kpptp_nl_notify(struct kpptp_call *call, u8 cmd, u8 reason);
struct sk_buff *kpptp_nl_capture_msg(struct kpptp_call *call,
				     const struct sk_buff *skb,
				     unsigned int offset, unsigned int len,
				     unsigned int caplen, u8 dir, u64 dropped,
				     struct nlattr **time);
int kpptp_nl_capture_send(struct kpptp_call *call, struct sk_buff *msg,
			  u32 portid);

#endif /* _KPPTP_NETLINK_H */
