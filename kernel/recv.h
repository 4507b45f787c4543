/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KPPTP_RECV_H
#define _KPPTP_RECV_H

struct kpptp_call;

int kpptp_recv_init(void);
void kpptp_rx_early_flush(struct kpptp_call *call);
void kpptp_rx_early_purge(struct kpptp_call *call);
void kpptp_recv_exit(void);

#endif /* _KPPTP_RECV_H */
