// SPDX-License-Identifier: GPL-2.0
/* kpptpctl call set id ID [ peer-id ID ] [ OPTIONS ] */
#include "kpptpctl.h"

int cmd_call_set(struct ctl *ctl, int argc, char **argv)
{
	struct parse_error e;
	struct call_args a;
	struct kpptp_nl *nl;
	int err;

	if (parse_call_args(argc, argv, CALL_SET, &a, &e))
		return ctl_usage_error(ctl, "%s", e.msg);
	err = ctl_open(&nl);
	if (err)
		return err;
	/* only the flags named change: "reorder off" leaves tx-window be */
	if (a.has_flags) {
		a.cfg.flags = a.flags_set;
		a.cfg.flags_mask = a.flags_set | a.flags_clear;
		a.cfg.set |= KPPTP_CFG(KPPTP_A_FLAGS) |
			     KPPTP_CFG(KPPTP_A_FLAGS_MASK);
	}
	err = kpptp_call_set(nl, &a.cfg);
	if (err)
		goto fail;
	kpptp_nl_close(nl);
	return EXIT_OK;
fail:
	err = ctl_kernel_error(nl, err, "call set", &a);
	kpptp_nl_close(nl);
	return err;
}
