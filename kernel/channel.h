/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KPPTP_CHANNEL_H
#define _KPPTP_CHANNEL_H

struct kpptp_call;

int kpptp_channel_register(struct kpptp_call *call);
void kpptp_channel_unregister(struct kpptp_call *call);

#endif /* _KPPTP_CHANNEL_H */
