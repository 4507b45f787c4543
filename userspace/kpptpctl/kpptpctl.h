/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KPPTPCTL_H
#define KPPTPCTL_H

#include <stdbool.h>

#include "../lib/nl.h"
#include "../lib/print.h"

/* Exit codes: 0 ok, 1 usage, 2 the kernel refused or is unreachable. */
enum { EXIT_USAGE = 1, EXIT_KERNEL = 2 };

struct ctl {
	struct printer pr;
	int stats;		/* -s count */
	const char *prog;
};

struct command {
	const char *name;
	int (*handler)(struct ctl *ctl, int argc, char **argv);
	const char *args;
	const char *help;
};

int cmd_call(struct ctl *ctl, int argc, char **argv);
int cmd_show(struct ctl *ctl, int argc, char **argv);
int cmd_stats(struct ctl *ctl, int argc, char **argv);
int cmd_monitor(struct ctl *ctl, int argc, char **argv);

/* Shared by the commands. */
struct kpptp_nl *ctl_open(void);
int ctl_kernel_error(struct kpptp_nl *nl, const char *what, int err);
void print_call(struct ctl *ctl, const char *key,
		const struct kpptp_call_info *c);
void print_call_header(struct ctl *ctl);
/* Parse "key value" pairs of call add/set into @req; -1 on bad input. */
int parse_call_args(int argc, char **argv, struct kpptp_call_req *req,
		    bool is_add);

#endif
