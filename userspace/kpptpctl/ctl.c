// SPDX-License-Identifier: GPL-2.0
/*
 * kpptpctl: configure and inspect kpptp.ko calls, iproute2 style.
 *
 * The command table below is the whole grammar: dispatch and the usage text
 * both come from it.  Each command lives in its own file.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "kpptpctl.h"

#ifndef KPPTP_VERSION
#define KPPTP_VERSION "0.1"
#endif

static const struct command commands[] = {
	{ "call add", cmd_call_add,
	  "peer ADDR [ peer-id ID ] [ id ID ] [ local ADDR ] [ OPTIONS ]",
	  "create a call and print it; without id the kernel picks one" },
	{ "call set", cmd_call_set, "id ID [ peer-id ID ] [ OPTIONS ]",
	  "change a call" },
	{ "call del", cmd_call_del, "id ID",
	  "delete a call; an attached pppd sees a hangup" },
	{ "call show", cmd_call_show, "[ id ID ]",
	  "list calls; -s: counters, -s -s: all counters and settings" },
	{ "call capture", cmd_call_capture,
	  "id ID [ write FILE ] [ count N ] [ snaplen N ] [ rate N ]\n"
	  "      [ linktype PPP_WITH_DIR | PPP_PPPD ]",
	  "the call's PPP frames, both directions, as lines or a pcap FILE\n"
	  "      (- for stdout), until interrupted, N frames or the call's end;\n"
	  "      snaplen: bytes kept of each frame; rate: frames/s (10000);\n"
	  "      linktype: PPP_WITH_DIR for Wireshark (default), PPP_PPPD for\n"
	  "      tcpdump" },
	{ "call disconnect", cmd_call_disconnect, "id ID",
	  "kpptpd clears its call ID (CDN or CCRQ) and stops its pppd" },
	{ "conn show", cmd_conn_show, "[ id ID ]",
	  "kpptpd's control connections and their calls; -s: kernel counters" },
	{ "conn disconnect", cmd_conn_disconnect, "id ID",
	  "kpptpd ends control connection ID (its calls, then StopCCRQ)" },
	{ "daemon show", cmd_daemon_show, "",
	  "kpptpd: pid, uptime, role, address, configuration, counters" },
	{ "daemon reload", cmd_daemon_reload, "",
	  "kpptpd reads its configuration again (as on SIGHUP)" },
	{ "stats", cmd_stats, "",
	  "namespace-wide counters of packets no call could take" },
	{ "net show", cmd_stats, "",
	  "the namespace: calls, max-calls, and the counters of stats" },
	{ "net set", cmd_net_set, "max-calls N",
	  "most calls the namespace may hold (0-65535; default 65535,\n"
	  "      1024 in a namespace of a user namespace)" },
	{ "metrics", cmd_metrics, "",
	  "the counters of stats and daemon show in Prometheus text format" },
	{ "monitor", cmd_monitor, "",
	  "print call events ([NEW], [SET], [DEL]) as they happen, and\n"
	  "      kpptpd's ([CONN-ACCEPTED], [CALL-UP], ...) when it runs" },
};

/* Other spellings; not listed in the usage text beyond a mention. */
static const struct {
	const char *name, *target;
} aliases[] = {
	{ "show", "call show" },
	{ "list", "call show" },
	{ "call list", "call show" },
	{ "call delete", "call del" },
	{ "capture", "call capture" },
	{ "conn", "conn show" },
	{ "conn list", "conn show" },
	{ "daemon", "daemon show" },
	{ "net", "net show" },
};

static void usage(FILE *out)
{
	size_t i;

	fprintf(out,
		"Usage: kpptpctl [ -j [ -p ] ] [ -s [ -s ] ] [ -S PATH ] COMMAND [ ARGS ]\n"
		"       kpptpctl [ OPTIONS ] -b FILE\n"
		"       kpptpctl { -h | help | -V }\n"
		"\n"
		"Commands (no command: call show; also show, call list):\n");
	for (i = 0; i < ARRAY_SIZE(commands); i++) {
		fprintf(out, "  %s%s%s\n", commands[i].name,
			*commands[i].args ? " " : "", commands[i].args);
		fprintf(out, "      %s\n", commands[i].help);
	}
	fprintf(out, "\n");
	call_options_usage(out);
	fprintf(out,
		"\n"
		"Options:\n"
		"  -j, --json     JSON output (snake_case keys)\n"
		"  -p, --pretty   pretty-printed JSON (implies -j)\n"
		"  -s, --stats    counters; twice: all counters and settings\n"
		"  -b, --batch FILE  one command per line from FILE (- for stdin),\n"
		"                 stopping at the first that fails\n"
		"  -S, --socket PATH  kpptpd's control socket (default $"
		KPPTPD_SOCK_ENV ", else " KPPTPD_SOCK_DEFAULT ")\n"
		"  -h, --help     this text\n"
		"  -V, --version  the version\n"
		"\n"
		"Exit status: 0 ok, 1 usage error, 2 refused by the kernel or"
		" kpptpd, or\nkpptp.ko not loaded, or kpptpd not running.\n");
}

static void command_usage(FILE *out, const struct command *cmd)
{
	fprintf(out, "usage: kpptpctl %s%s%s\n", cmd->name,
		*cmd->args ? " " : "", cmd->args);
	if (strstr(cmd->args, "OPTIONS"))
		call_options_usage(out);
}

void ctl_error(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("kpptpctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int ctl_usage_error(struct ctl *ctl, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("kpptpctl: ", stderr);
	if (ctl->cmd)
		fprintf(stderr, "%s: ", ctl->cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (ctl->cmd)
		fprintf(stderr, "usage: kpptpctl %s%s%s\n", ctl->cmd->name,
			*ctl->cmd->args ? " " : "", ctl->cmd->args);
	else
		fprintf(stderr, "Try 'kpptpctl help'.\n");
	return EXIT_USAGE;
}

int ctl_open(struct kpptp_nl **nl)
{
	int err = kpptp_nl_open(nl);

	if (!err)
		return EXIT_OK;
	if (err == -ENOENT)
		ctl_error("the \"%s\" generic netlink family does not exist: is kpptp.ko loaded? (modprobe kpptp)",
			  KPPTP_GENL_NAME);
	else
		ctl_error("cannot open a generic netlink socket: %s",
			  strerror(-err));
	return EXIT_KERNEL;
}

int ctl_net_get(struct kpptp_net_info *net, const char *what)
{
	struct kpptp_nl *nl;
	int err = ctl_open(&nl);

	if (err)
		return err;
	err = kpptp_net_get(nl, net);
	if (err)
		err = ctl_kernel_error(nl, err, what, NULL);
	kpptp_nl_close(nl);
	return err;
}

int ctl_kernel_error(struct kpptp_nl *nl, int err, const char *what,
		     const struct call_args *a)
{
	const struct kpptp_nl_error *ne = kpptp_nl_error(nl);
	char subject[256] = "", range[64] = "", q[256];
	const char *msg = ne->msg[0] ? ne->msg : strerror(-err);
	int attr = ne->attr;

	/* what the user typed for the attribute the kernel blamed */
	if (attr > 0 && attr <= KPPTP_A_MAX && a && a->key[attr])
		snprintf(subject, sizeof(subject), "%s %s: ", a->key[attr],
			 parse_quote(a->text[attr], q, sizeof(q)));
	else if (ne->missing_attr > 0)
		snprintf(subject, sizeof(subject), "missing %s: ",
			 call_attr_key(ne->missing_attr));
	if (ne->has_range)
		snprintf(range, sizeof(range), ", must be %llu-%llu",
			 (unsigned long long)ne->min,
			 (unsigned long long)ne->max);
	fflush(stdout);
	fprintf(stderr, "kpptpctl: %s: %s%s%s", what, subject, msg, range);
	if (ne->msg[0] && err < 0)
		fprintf(stderr, " (%s)", strerror(-err));
	if (err == -EPERM || err == -EACCES)
		fputs(" (kpptp.ko needs CAP_NET_ADMIN over the namespace)",
		      stderr);
	fputc('\n', stderr);
	return EXIT_KERNEL;
}

/* The command named by the first one or two words of @argv, or NULL. */
static const struct command *find(int argc, char **argv, int *words)
{
	char two[64];
	const char *name;
	size_t i;
	int w;

	for (w = argc >= 2 ? 2 : 1; w >= 1; w--) {
		if (w == 2)
			snprintf(two, sizeof(two), "%s %s", argv[0], argv[1]);
		name = w == 2 ? two : argv[0];
		for (i = 0; i < ARRAY_SIZE(aliases); i++)
			if (!strcmp(name, aliases[i].name))
				name = aliases[i].target;
		for (i = 0; i < ARRAY_SIZE(commands); i++) {
			if (!strcmp(name, commands[i].name)) {
				*words = w;
				return &commands[i];
			}
		}
	}
	return NULL;
}

static int run(struct ctl *ctl, int argc, char **argv)
{
	static char *show[] = { "call", "show" };
	const struct command *cmd;
	char q[256];
	int words;

	if (argc == 0 || (argc == 1 && !strcmp(argv[0], "call"))) {
		argc = 2;
		argv = show;
	}
	if (!strcmp(argv[0], "help") ||
	    (argc == 2 && !strcmp(argv[0], "call") && !strcmp(argv[1], "help"))) {
		usage(stdout);
		return EXIT_OK;
	}
	cmd = find(argc, argv, &words);
	if (!cmd) {
		if (!strcmp(argv[0], "call"))
			ctl_error("unknown call command %s; expected add, set, del, show or disconnect",
				  parse_quote(argv[1], q, sizeof(q)));
		else
			ctl_error("unknown command %s; try 'kpptpctl help'",
				  parse_quote(argv[0], q, sizeof(q)));
		return EXIT_USAGE;
	}
	argc -= words;
	argv += words;
	if (argc == 1 && !strcmp(argv[0], "help")) {
		command_usage(stdout, cmd);
		return EXIT_OK;
	}
	ctl->cmd = cmd;
	return cmd->handler(ctl, argc, argv);
}

/*
 * -b FILE: each line a command line without "kpptpctl" and its options,
 * words separated by blanks, "#" to the end of the line a comment, as
 * "ip -batch" reads them.  One process for many commands: making tens of
 * thousands of calls is a matter of seconds, not of process starts.
 * Stops at the first command that fails, naming its line.
 */
static int run_batch(struct ctl *ctl, const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char *line = NULL, *words[64], *save, q[256];
	unsigned long lineno = 0;
	int status = EXIT_OK;
	size_t cap = 0;

	if (!f) {
		ctl_error("batch %s: %s", parse_quote(path, q, sizeof(q)),
			  strerror(errno));
		return EXIT_FAILURE;
	}
	while (status == EXIT_OK && getline(&line, &cap, f) != -1) {
		char *w;
		int n = 0;

		lineno++;
		line[strcspn(line, "#\n")] = '\0';
		for (w = strtok_r(line, " \t\r", &save); w;
		     w = strtok_r(NULL, " \t\r", &save)) {
			if (n == (int)ARRAY_SIZE(words)) {
				ctl_error("batch %s:%lu: more than %zu words",
					  parse_quote(path, q, sizeof(q)),
					  lineno, ARRAY_SIZE(words));
				status = EXIT_USAGE;
				break;
			}
			words[n++] = w;
		}
		if (status != EXIT_OK || !n)
			continue;
		status = run(ctl, n, words);
		if (status != EXIT_OK)
			ctl_error("batch %s:%lu: stopped here",
				  parse_quote(path, q, sizeof(q)), lineno);
	}
	if (status == EXIT_OK && ferror(f)) {
		ctl_error("batch %s: %s", parse_quote(path, q, sizeof(q)),
			  strerror(errno));
		status = EXIT_FAILURE;
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return status;
}

int kpptpctl_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "stats", no_argument, NULL, 's' },
		{ "socket", required_argument, NULL, 'S' },
		{ "batch", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false, pretty = false;
	const char *batch = NULL;
	struct ctl ctl = { 0 };
	char q[256], opt[3];
	int c, status;

	optind = 0;	/* full getopt reset: the unit tests call us often */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:jpsS:b:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'p':
			json = pretty = true;
			break;
		case 's':
			ctl.stats++;
			break;
		case 'S':
			ctl.sock_path = optarg;
			break;
		case 'b':
			batch = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("kpptpctl %s (kpptp genl family version %d)\n",
			       KPPTP_VERSION, KPPTP_GENL_VERSION);
			return EXIT_OK;
		case ':':
			snprintf(opt, sizeof(opt), "-%c", optopt);
			ctl_error("option %s needs a value; try 'kpptpctl help'",
				  opt);
			return EXIT_USAGE;
		default:
			if (optopt) {
				snprintf(opt, sizeof(opt), "-%c", optopt);
				ctl_error("unknown option %s; try 'kpptpctl help'",
					  parse_quote(opt, q, sizeof(q)));
			} else {
				ctl_error("unknown option %s; try 'kpptpctl help'",
					  parse_quote(argv[optind - 1], q,
						      sizeof(q)));
			}
			return EXIT_USAGE;
		}
	}
	pr_init(&ctl.pr, stdout, json, pretty);
	if (batch && optind < argc) {
		ctl_error("-b %s: no command after it; the commands are in the file",
			  parse_quote(batch, q, sizeof(q)));
		return EXIT_USAGE;
	}
	status = batch ? run_batch(&ctl, batch) :
			 run(&ctl, argc - optind, argv + optind);
	if (fflush(stdout) == EOF && status == EXIT_OK) {
		ctl_error("writing the output: %s", strerror(errno));
		status = EXIT_FAILURE;
	}
	return status;
}
