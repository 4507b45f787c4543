// SPDX-License-Identifier: GPL-2.0
/* kpptpctl call add peer ADDR [ peer-id ID ] [ id ID ] [ local ADDR ] [ OPTIONS ] */
#include "kpptpctl.h"

int cmd_call_add(struct ctl *ctl, int argc, char **argv)
{
	struct kpptp_call_info call;
	struct parse_error e;
	struct call_args a;
	struct kpptp_nl *nl;
	int err;

	if (parse_call_args(argc, argv, CALL_ADD, &a, &e))
		return ctl_usage_error(ctl, "%s", e.msg);
	err = ctl_open(&nl);
	if (err)
		return err;
	err = kpptp_call_new(nl, &a.cfg, &call);
	if (err) {
		err = ctl_kernel_error(nl, err, "call add", &a);
	} else {
		/* the ID may be the kernel's choice: say which */
		print_call(ctl, &call, LAYOUT_TABLE, NULL);
	}
	kpptp_nl_close(nl);
	return err;
}
