/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KPPTP_NETLINK_H
#define _KPPTP_NETLINK_H

#include <linux/types.h>

struct kpptp_call;
struct sk_buff;

int kpptp_genl_init(void);
void kpptp_genl_exit(void);
void kpptp_nl_notify(struct kpptp_call *call, u8 cmd, u8 reason);
int kpptp_nl_capture_send(struct kpptp_call *call, u32 portid,
			  const struct sk_buff *skb, unsigned int offset,
			  unsigned int len, unsigned int caplen, u8 dir,
			  u64 dropped);

#endif /* _KPPTP_NETLINK_H */
