/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KPPTP_RECV_H
#define _KPPTP_RECV_H

int kpptp_recv_init(void);
void kpptp_recv_exit(void);

#endif /* _KPPTP_RECV_H */
