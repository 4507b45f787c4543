// SPDX-License-Identifier: GPL-2.0
/*
 * kpptpctl call disconnect id ID: kpptpd clears one of its calls the PPTP
 * way (Call-Disconnect-Notify as the server, Call-Clear-Request as the
 * client) and stops its pppd; the ID is ours, also the kernel call's.
 * (call del removes the kernel call under kpptpd's feet instead.)
 */
#include <stdio.h>

#include "kpptpctl.h"

int cmd_call_disconnect(struct ctl *ctl, int argc, char **argv)
{
	char req[64];
	uint32_t id;
	int err;

	err = ctl_parse_kd_id(ctl, argc, argv, 65535, &id);
	if (err)
		return err;
	snprintf(req, sizeof(req), "set=1\ndisconnect_call=%u\n\n", id);
	return kd_set(ctl, "call disconnect", req);
}
