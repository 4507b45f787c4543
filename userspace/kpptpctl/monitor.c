// SPDX-License-Identifier: GPL-2.0
/* kpptpctl monitor: one tagged line (or JSON object) per call event. */
#include <stdio.h>

#include "kpptpctl.h"

static int on_event(const struct kpptp_call_info *c, void *arg)
{
	static const char *const reasons[] = { "netlink", "socket", "netns" };
	struct ctl *ctl = arg;
	const char *tag;

	switch (c->cmd) {
	case KPPTP_CMD_CALL_NEW: tag = "NEW"; break;
	case KPPTP_CMD_CALL_SET: tag = "SET"; break;
	case KPPTP_CMD_CALL_DEL: tag = "DEL"; break;
	default: return 0;
	}
	print_open_object(&ctl->pr, NULL);
	print_string(&ctl->pr, "event", "[%s] ", tag);
	if (c->has_del_reason)
		print_string(&ctl->pr, "reason", "reason %s: ",
			     c->del_reason < 3 ? reasons[c->del_reason] : "?");
	print_call(ctl, "call", c);
	print_close_object(&ctl->pr);
	fflush(stdout);
	return 0;
}

int cmd_monitor(struct ctl *ctl, int argc, char **argv)
{
	struct kpptp_nl *nl;
	int err;

	if (argc) {
		fprintf(stderr, "kpptpctl: monitor takes no arguments, not \"%s\"\n",
			argv[0]);
		return EXIT_USAGE;
	}
	nl = ctl_open();
	if (!nl)
		return EXIT_KERNEL;
	setvbuf(stdout, NULL, _IOLBF, 0);
	err = kpptp_nl_monitor(nl, on_event, ctl);
	if (err)
		err = ctl_kernel_error(nl, "monitor", err);
	kpptp_nl_close(nl);
	return err;
}
