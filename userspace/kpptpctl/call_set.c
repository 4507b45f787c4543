// SPDX-License-Identifier: GPL-2.0
/* kpptpctl call set id ID [ peer-id ID ] [ OPTIONS ] */
#include "kpptpctl.h"

int cmd_call_set(struct ctl *ctl, int argc, char **argv)
{
	struct kpptp_call_info now;
	struct parse_error e;
	struct call_args a;
	struct kpptp_nl *nl;
	int err;

	if (parse_call_args(argc, argv, CALL_SET, &a, &e))
		return ctl_usage_error(ctl, "%s", e.msg);
	err = ctl_open(&nl);
	if (err)
		return err;
	/*
	 * KPPTP_A_FLAGS replaces all the flags: "tx-window on" alone must not
	 * turn reordering back on, so merge into the call's current flags.
	 */
	if (a.has_flags) {
		err = kpptp_call_get(nl, a.cfg.id, &now);
		if (err)
			goto fail;
		a.cfg.flags = call_args_flags(&a, now.cfg.flags);
		a.cfg.set |= KPPTP_CFG(KPPTP_A_FLAGS);
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
