// SPDX-License-Identifier: GPL-2.0
/*
 * kpptpctl daemon reload: kpptpd reads its configuration again, as on
 * SIGHUP, and says why not if the file is broken (the old one stays).
 */
#include "kpptpctl.h"

int cmd_daemon_reload(struct ctl *ctl, int argc, char **argv)
{
	(void)argv;
	if (argc)
		return ctl_usage_error(ctl, "takes no arguments");
	return kd_set(ctl, "daemon reload", "set=1\nreload=1\n\n");
}
