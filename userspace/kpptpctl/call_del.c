// SPDX-License-Identifier: GPL-2.0
/* kpptpctl call del id ID */
#include <string.h>

#include "kpptpctl.h"

int cmd_call_del(struct ctl *ctl, int argc, char **argv)
{
	struct call_args a = { .key[KPPTP_A_CALL_ID] = "id" };
	struct parse_error e;
	struct kpptp_nl *nl;
	uint16_t id;
	int err;

	if (argc != 2 || strcmp(argv[0], "id"))
		return ctl_usage_error(ctl, "expected \"id ID\"");
	if (parse_call_id("call ID", argv[1], &id, &e))
		return ctl_usage_error(ctl, "%s", e.msg);
	a.text[KPPTP_A_CALL_ID] = argv[1];
	err = ctl_open(&nl);
	if (err)
		return err;
	err = kpptp_call_del(nl, id);
	if (err)
		err = ctl_kernel_error(nl, err, "call del", &a);
	kpptp_nl_close(nl);
	return err;
}
