/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shims for older kernels, tested by feature, so the other files stay clean.
 */
#ifndef _KPPTP_COMPAT_H
#define _KPPTP_COMPAT_H

#include <net/genetlink.h>

/*
 * Before GENL_MCAST_CAP_NET_ADMIN (6.7, and the stable trees it went back
 * to), genl_bind() required CAP_NET_ADMIN over the namespace for a group
 * flagged GENL_UNS_ADMIN_PERM (since 5.12): the same check, its old name.
 */
#ifndef GENL_MCAST_CAP_NET_ADMIN
#define GENL_MCAST_CAP_NET_ADMIN GENL_UNS_ADMIN_PERM
#endif

#endif /* _KPPTP_COMPAT_H */
