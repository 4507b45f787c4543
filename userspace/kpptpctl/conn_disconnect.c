// SPDX-License-Identifier: GPL-2.0
/*
 * kpptpctl conn disconnect id ID: kpptpd ends the control connection
 * politely (its calls cleared, Stop-Control-Connection-Request).
 */
#include <stdio.h>

#include "kpptpctl.h"

int cmd_conn_disconnect(struct ctl *ctl, int argc, char **argv)
{
	char req[64];
	uint32_t id;
	int err;

	err = ctl_parse_kd_id(ctl, argc, argv, UINT32_MAX, &id);
	if (err)
		return err;
	snprintf(req, sizeof(req), "set=1\ndisconnect_conn=%u\n\n", id);
	return kd_set(ctl, "conn disconnect", req);
}
