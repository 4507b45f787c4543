// SPDX-License-Identifier: GPL-2.0
/*
 * kpptpctl: configure and inspect kpptp calls (iproute2 style).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "kpptpctl.h"

#define KPPTP_VERSION "0.1"

static const struct command commands[] = {
	{ "call", cmd_call, "{ add | set | del | show } ...",
	  "create, change, delete and list calls" },
	{ "show", cmd_show, "[ id ID ]", "list calls (same as 'call show')" },
	{ "stats", cmd_stats, "", "namespace-wide receive drop counters" },
	{ "monitor", cmd_monitor, "", "print call events as they happen" },
};

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "Usage: kpptpctl [ -j [ -p ] ] [ -s [ -s ] ] COMMAND\n"
		     "       kpptpctl { -h | help | -V }\n\nCommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-8s %-34s %s\n", commands[i].name,
			commands[i].args, commands[i].help);
	fprintf(out,
		"\ncall add peer ADDR peer-id ID [ id ID ] [ local ADDR ] [ OPTIONS ]\n"
		"call set id ID [ peer-id ID ] [ OPTIONS ]\n"
		"call del id ID\n"
		"call show [ id ID ]\n"
		"OPTIONS := [ window N ] [ peer-window N ] [ peer-ppd N ]\n"
		"           [ tx-window on|off ] [ reorder on|off ]\n"
		"           [ reorder-timeout MS ] [ reorder-depth N ] [ ack-delay MS ]\n"
		"\nOptions: -j JSON, -p pretty JSON, -s statistics (twice: all)\n");
}

struct kpptp_nl *ctl_open(void)
{
	struct kpptp_nl *nl = kpptp_nl_open();

	if (!nl)
		fprintf(stderr, "kpptpctl: cannot reach the kpptp generic netlink family: is kpptp.ko loaded?\n");
	return nl;
}

int ctl_kernel_error(struct kpptp_nl *nl, const char *what, int err)
{
	const char *msg = kpptp_nl_error(nl);

	fprintf(stderr, "kpptpctl: %s: %s%s%s\n", what, strerror(-err),
		*msg ? ": " : "", msg);
	return EXIT_KERNEL;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "stats", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 }
	};
	bool json = false, pretty = false;
	struct ctl ctl = { .prog = argv[0] };
	size_t i;
	int c;

	while ((c = getopt_long(argc, argv, "+jpshV", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'p': pretty = true; break;
		case 's': ctl.stats++; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("kpptpctl %s\n", KPPTP_VERSION); return 0;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	printer_init(&ctl.pr, stdout, json, pretty);
	argc -= optind;
	argv += optind;
	if (argc == 0)
		return cmd_show(&ctl, 0, argv);
	if (!strcmp(argv[0], "help")) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!strcmp(argv[0], commands[i].name))
			return commands[i].handler(&ctl, argc - 1, argv + 1);
	}
	fprintf(stderr, "kpptpctl: unknown command \"%s\"; try 'kpptpctl help'\n",
		argv[0]);
	return EXIT_USAGE;
}
