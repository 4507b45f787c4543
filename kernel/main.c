// SPDX-License-Identifier: GPL-2.0
/*
 * kpptp: PPTP (RFC 2637) enhanced-GRE data path for ppp_generic.
 */

#include <linux/module.h>
#include <linux/if_pppox.h>
#include <net/genetlink.h>

#include "call.h"
#include "capture.h"
#include "netlink.h"
#include "pppox.h"
#include "recv.h"

static int __init kpptp_init(void)
{
	int err;

	err = kpptp_net_init_module();
	if (err)
		return err;
	err = kpptp_recv_init();
	if (err)
		goto err_net;
	err = kpptp_pppox_init();
	if (err)
		goto err_recv;
	err = kpptp_capture_init();
	if (err)
		goto err_pppox;
	err = kpptp_genl_init();
	if (err)
		goto err_capture;
	pr_info("PPTP enhanced GRE data path loaded\n");
	return 0;

err_capture:
	kpptp_capture_exit();
err_pppox:
	kpptp_pppox_exit();
err_recv:
	kpptp_recv_exit();
err_net:
	kpptp_net_exit_module();
	return err;
}

static void __exit kpptp_exit(void)
{
	kpptp_genl_exit();
	kpptp_capture_exit();
	kpptp_pppox_exit();
	kpptp_recv_exit();
	kpptp_net_exit_module();
	kpptp_capture_drain();
}

module_init(kpptp_init);
module_exit(kpptp_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("PPTP (RFC 2637) enhanced GRE data path");
MODULE_AUTHOR("kpptp developers");
MODULE_ALIAS_NET_PF_PROTO(PF_PPPOX, PX_PROTO_PPTP);
MODULE_ALIAS_GENL_FAMILY(KPPTP_GENL_NAME);
