/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KPPTP_PPPOX_H
#define _KPPTP_PPPOX_H

int kpptp_pppox_init(void);
void kpptp_pppox_exit(void);

#endif /* _KPPTP_PPPOX_H */
