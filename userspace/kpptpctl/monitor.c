// SPDX-License-Identifier: GPL-2.0
/*
 * kpptpctl monitor: one line per call event,
 *	[NEW] call 100 peer 10.0.0.2 peer-id 200 local - owner netlink ...
 *	[DEL] call 100 reason socket peer 10.0.0.2 ... rx_packets 12 ...
 * or with -j one JSON object per line, its "event" key new, set or del.
 */
#include <errno.h>
#include <stdio.h>

#include "kpptpctl.h"

static int on_event(const struct kpptp_call_info *call, void *arg)
{
	struct ctl *ctl = arg;
	const char *event = kpptp_event_name(call->cmd);

	if (!event)
		return 0;	/* a newer kernel's event: not ours to print */
	print_call(ctl, call, LAYOUT_LINE, event);
	fflush(stdout);
	return 0;
}

int cmd_monitor(struct ctl *ctl, int argc, char **argv)
{
	struct kpptp_nl *nl;
	int err;

	(void)argv;
	if (argc)
		return ctl_usage_error(ctl, "takes no arguments");
	err = ctl_open(&nl);
	if (err)
		return err;
	err = kpptp_nl_subscribe(nl);
	if (err) {
		err = ctl_kernel_error(nl, err, "monitor", NULL);
		kpptp_nl_close(nl);
		return err;
	}
	for (;;) {
		err = kpptp_nl_read_events(nl, on_event, ctl);
		if (err == -ENOBUFS) {
			/* keep going: the next events still come */
			ctl_error("monitor: %s", kpptp_nl_error(nl)->msg);
			continue;
		}
		if (err < 0)
			break;
	}
	err = ctl_kernel_error(nl, err, "monitor", NULL);
	kpptp_nl_close(nl);
	return err;
}
