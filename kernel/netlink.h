/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KPPTP_NETLINK_H
#define _KPPTP_NETLINK_H

#include <linux/types.h>

struct kpptp_call;

int kpptp_genl_init(void);
void kpptp_genl_exit(void);
void kpptp_nl_notify(struct kpptp_call *call, u8 cmd, u8 reason);

#endif /* _KPPTP_NETLINK_H */
