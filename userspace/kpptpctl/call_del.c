// SPDX-License-Identifier: GPL-2.0
/* kpptpctl call del id ID */
#include "kpptpctl.h"

int cmd_call_del(struct ctl *ctl, int argc, char **argv)
{
	struct call_args a = { 0 };
	struct kpptp_nl *nl;
	uint16_t id;
	int err;

	err = ctl_parse_id(ctl, argc, argv, "expected \"id ID\"", &a, &id);
	if (err)
		return err;
	err = ctl_open(&nl);
	if (err)
		return err;
	err = kpptp_call_del(nl, id);
	if (err)
		err = ctl_kernel_error(nl, err, "call del", &a);
	kpptp_nl_close(nl);
	return err;
}
