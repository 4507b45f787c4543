// SPDX-License-Identifier: GPL-2.0
/* kpptpctl [ -s [ -s ] ] call show [ id ID ]: a table, or a JSON array */
#include "kpptpctl.h"

static int show_one(const struct kpptp_call_info *call, void *arg)
{
	print_call(arg, call, LAYOUT_TABLE, NULL);
	return 0;
}

int cmd_call_show(struct ctl *ctl, int argc, char **argv)
{
	struct call_args a = { 0 };
	struct kpptp_call_info call;
	struct kpptp_nl *nl;
	uint16_t id = 0;
	int err;

	if (argc) {
		err = ctl_parse_id(ctl, argc, argv,
				   "expected nothing or \"id ID\"", &a, &id);
		if (err)
			return err;
	}
	err = ctl_open(&nl);
	if (err)
		return err;
	if (id) {
		err = kpptp_call_get(nl, id, &call);
		if (!err) {
			pr_open_arr(&ctl->pr, NULL);
			print_call(ctl, &call, LAYOUT_TABLE, NULL);
			pr_close_arr(&ctl->pr);
		}
	} else {
		/* streamed: a failure halfway still closes the JSON array */
		pr_open_arr(&ctl->pr, NULL);
		err = kpptp_call_dump(nl, show_one, ctl);
		pr_close_arr(&ctl->pr);
	}
	if (err)
		err = ctl_kernel_error(nl, err, "call show", &a);
	kpptp_nl_close(nl);
	return err;
}
