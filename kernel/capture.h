/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KPPTP_CAPTURE_H
#define _KPPTP_CAPTURE_H

#include <linux/jump_label.h>
#include <linux/jump_label_ratelimit.h>
#include <linux/types.h>

struct kpptp_call;
struct kpptp_net;
struct sk_buff;
struct sock;

#define KPPTP_CAPTURE_SNAPLEN_MAX	65535
#define KPPTP_CAPTURE_RATE_DEFAULT	10000
#define KPPTP_CAPTURE_RATE_MAX		1000000

/*
 * On while any call of any namespace is captured.  Deferred: switching it
 * patches kernel text on every CPU, and any user who can make a user
 * namespace may start and stop captures there in a loop.
 */
extern struct static_key_false_deferred kpptp_capture_used;

void __kpptp_capture_frame(struct kpptp_call *call, const struct sk_buff *skb,
			   unsigned int offset, unsigned int len, u8 dir);

/*
 * The @len bytes at @offset of @skb are a PPP frame of @call, going in
 * direction @dir (KPPTP_CAPTURE_*).  With no capture anywhere this is a
 * patched-out jump: the data path pays nothing.
 */
static inline void kpptp_capture_frame(struct kpptp_call *call,
				       const struct sk_buff *skb,
				       unsigned int offset, unsigned int len,
				       u8 dir)
{
	if (static_branch_unlikely(&kpptp_capture_used.key))
		__kpptp_capture_frame(call, skb, offset, len, dir);
}

int kpptp_capture_start(struct kpptp_call *call, struct sock *sk, u32 portid,
			u32 snaplen, u32 rate);
void kpptp_capture_stop(struct kpptp_net *kn, struct kpptp_call *call);
u32 kpptp_capture_portid(struct kpptp_call *call, u64 *dropped);
int kpptp_capture_init(void);
void kpptp_capture_exit(void);
void kpptp_capture_drain(void);

#endif /* _KPPTP_CAPTURE_H */
