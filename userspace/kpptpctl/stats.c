// SPDX-License-Identifier: GPL-2.0
/*
 * kpptpctl stats, kpptpctl net show: the namespace's calls, call limit and
 * counters of packets no call could take
 */
#include <inttypes.h>

#include "kpptpctl.h"

int cmd_stats(struct ctl *ctl, int argc, char **argv)
{
	struct printer *p = &ctl->pr;
	struct kpptp_net_info net;
	unsigned int i;
	int err;

	(void)argv;
	if (argc)
		return ctl_usage_error(ctl, "takes no arguments");
	err = ctl_net_get(&net, "stats");
	if (err)
		return err;

	/* text: "name value" per line, the names being the JSON keys */
	pr_open_obj(p, NULL);
	pr_uint(p, "calls", "calls %s\n", net.calls);
	if (net.has_max_calls)
		pr_uint(p, "max_calls", "max_calls %s\n", net.max_calls);
	pr_open_obj(p, "stats");
	for (i = 1; i <= KPPTP_NSTATS_A_MAX; i++) {
		const char *name = kpptp_net_stat_name(i);

		if (!name || !(net.stats_set & (1ULL << i)))
			continue;
		pr_uint(p, name, NULL, net.stats[i]);
		pr_text(p, "%s %" PRIu64 "\n", name, net.stats[i]);
	}
	pr_close_obj(p);
	pr_close_obj(p);
	return EXIT_OK;
}
