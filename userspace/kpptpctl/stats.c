// SPDX-License-Identifier: GPL-2.0
/* kpptpctl stats: packets the namespace could not give to any call. */
#include <stdio.h>

#include "kpptpctl.h"

int cmd_stats(struct ctl *ctl, int argc, char **argv)
{
	struct printer *p = &ctl->pr;
	struct kpptp_net_info n;
	struct kpptp_nl *nl;
	int err;

	if (argc) {
		fprintf(stderr, "kpptpctl: stats takes no arguments, not \"%s\"\n",
			argv[0]);
		return EXIT_USAGE;
	}
	nl = ctl_open();
	if (!nl)
		return EXIT_KERNEL;
	err = kpptp_nl_net_get(nl, &n);
	if (err) {
		err = ctl_kernel_error(nl, "stats", err);
		kpptp_nl_close(nl);
		return err;
	}
	print_open_object(p, NULL);
	print_u64(p, "calls", "calls %llu\n", n.calls);
	print_u64(p, "rx_malformed", "rx_malformed %llu\n",
		  n.stats[KPPTP_NSTATS_A_RX_MALFORMED]);
	print_u64(p, "rx_unknown_call", "rx_unknown_call %llu\n",
		  n.stats[KPPTP_NSTATS_A_RX_UNKNOWN_CALL]);
	print_u64(p, "rx_wrong_peer", "rx_wrong_peer %llu\n",
		  n.stats[KPPTP_NSTATS_A_RX_WRONG_PEER]);
	print_close_object(p);
	kpptp_nl_close(nl);
	return 0;
}
