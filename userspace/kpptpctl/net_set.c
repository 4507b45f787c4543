// SPDX-License-Identifier: GPL-2.0
/* kpptpctl net set max-calls N: the namespace's call limit */
#include <string.h>

#include "kpptpctl.h"

int cmd_net_set(struct ctl *ctl, int argc, char **argv)
{
	struct parse_error e;
	struct kpptp_nl *nl;
	uint64_t max;
	int err;

	if (argc != 2 || strcmp(argv[0], "max-calls"))
		return ctl_usage_error(ctl, "expected \"max-calls N\"");
	if (parse_uint("max-calls", argv[1], 0, 65535, &max, &e))
		return ctl_usage_error(ctl, "%s", e.msg);
	err = ctl_open(&nl);
	if (err)
		return err;
	err = kpptp_net_set_max_calls(nl, (uint32_t)max);
	if (err)
		err = ctl_kernel_error(nl, err, "net set", NULL);
	kpptp_nl_close(nl);
	return err;
}
