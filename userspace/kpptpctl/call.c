// SPDX-License-Identifier: GPL-2.0
/* kpptpctl call { add | set | del | show } */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "../lib/parse.h"
#include "kpptpctl.h"

static const char *const stat_keys[KPPTP_STATS_A_MAX + 1] = {
	[KPPTP_STATS_A_RX_PACKETS] = "rx_packets",
	[KPPTP_STATS_A_RX_BYTES] = "rx_bytes",
	[KPPTP_STATS_A_TX_PACKETS] = "tx_packets",
	[KPPTP_STATS_A_TX_BYTES] = "tx_bytes",
	[KPPTP_STATS_A_RX_INVALID] = "rx_invalid",
	[KPPTP_STATS_A_RX_DROPPED] = "rx_dropped",
	[KPPTP_STATS_A_RX_REORDERED] = "rx_reordered",
	[KPPTP_STATS_A_RX_LOST] = "rx_lost",
	[KPPTP_STATS_A_RX_DUPLICATE] = "rx_duplicate",
	[KPPTP_STATS_A_RX_ACKS] = "rx_acks",
	[KPPTP_STATS_A_TX_ACKS] = "tx_acks",
	[KPPTP_STATS_A_TX_DROPPED] = "tx_dropped",
	[KPPTP_STATS_A_ACK_TIMEOUTS] = "ack_timeouts",
	[KPPTP_STATS_A_WINDOW_STALLS] = "window_stalls",
	[KPPTP_STATS_A_SEND_WINDOW] = "send_window",
	[KPPTP_STATS_A_RTT_US] = "rtt_us",
	[KPPTP_STATS_A_ATO_US] = "ato_us",
};

/* The value keys of call add/set: name, attribute, limits. */
static const struct {
	const char *name;
	int attr;
	uint32_t min, max;
} value_keys[] = {
	{ "window", KPPTP_A_RECV_WINDOW, 1, 8192 },
	{ "peer-window", KPPTP_A_PEER_RECV_WINDOW, 1, 8192 },
	{ "peer-ppd", KPPTP_A_PEER_PPD, 0, 65535 },
	{ "reorder-timeout", KPPTP_A_REORDER_TIMEOUT, 0, 2000 },
	{ "reorder-depth", KPPTP_A_REORDER_DEPTH, 0, 1024 },
	{ "ack-delay", KPPTP_A_ACK_DELAY, 0, 5000 },
};

static const char *addr_str(uint32_t be, char *buf)
{
	struct in_addr a = { .s_addr = be };

	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

static int set_flag(struct kpptp_call_req *req, const char *key,
		    const char *val, uint32_t bit, bool on_sets)
{
	bool on;

	if (parse_on_off(key, val, &on))
		return -1;
	req->has[KPPTP_A_FLAGS] = true;
	if (on == on_sets)
		req->u32[KPPTP_A_FLAGS] |= bit;
	else
		req->u32[KPPTP_A_FLAGS] &= ~bit;
	return 0;
}

int parse_call_args(int argc, char **argv, struct kpptp_call_req *req,
		    bool is_add)
{
	size_t k;
	int i;

	memset(req, 0, sizeof(*req));
	for (i = 0; i < argc; i += 2) {
		const char *key = argv[i], *val = argv[i + 1];
		bool found = false;

		if (i + 1 >= argc) {
			fprintf(stderr, "kpptpctl: \"%s\" needs a value\n", key);
			return -1;
		}
		if (!strcmp(key, "id")) {
			if (parse_call_id("call ID", val, &req->id))
				return -1;
			req->has_id = true;
		} else if (!strcmp(key, "peer-id")) {
			if (parse_call_id("peer call ID", val, &req->peer_id))
				return -1;
			req->has_peer_id = true;
		} else if (is_add && !strcmp(key, "peer")) {
			if (parse_ipv4("peer address", val, &req->peer_addr))
				return -1;
			req->has_peer_addr = true;
		} else if (is_add && !strcmp(key, "local")) {
			if (parse_ipv4("local address", val, &req->local_addr))
				return -1;
			req->has_local_addr = true;
		} else if (!strcmp(key, "tx-window")) {
			if (set_flag(req, key, val, KPPTP_F_TX_WINDOW, true))
				return -1;
		} else if (!strcmp(key, "reorder")) {
			if (set_flag(req, key, val, KPPTP_F_NO_REORDER, false))
				return -1;
		} else {
			for (k = 0; k < sizeof(value_keys) / sizeof(value_keys[0]); k++) {
				if (strcmp(key, value_keys[k].name))
					continue;
				if (parse_u32(key, val, value_keys[k].min,
					      value_keys[k].max,
					      &req->u32[value_keys[k].attr]))
					return -1;
				req->has[value_keys[k].attr] = true;
				found = true;
			}
			if (!found) {
				fprintf(stderr, "kpptpctl: unknown key \"%s\"\n", key);
				return -1;
			}
		}
	}
	if (is_add && (!req->has_peer_addr || !req->has_peer_id)) {
		fprintf(stderr, "kpptpctl: call add needs \"peer ADDR\" and \"peer-id ID\"\n");
		return -1;
	}
	if (!is_add && !req->has_id) {
		fprintf(stderr, "kpptpctl: call set needs \"id ID\"\n");
		return -1;
	}
	if (req->has_id && !req->id && !is_add) {
		fprintf(stderr, "kpptpctl: invalid call ID \"0\": must be 1-65535\n");
		return -1;
	}
	return 0;
}

void print_call_header(struct ctl *ctl)
{
	print_text(&ctl->pr, "%-6s %-7s %-15s %-15s %-7s %-8s %-7s %-8s %s\n",
		   "ID", "PEER-ID", "PEER", "LOCAL", "OWNER", "ATTACHED",
		   "CHANNEL", "IFNAME", "AGE");
}

static void print_stats(struct ctl *ctl, const struct kpptp_call_info *c)
{
	struct printer *p = &ctl->pr;
	int i;

	print_open_object(p, "stats");
	print_u64(p, "rx_packets", "    rx %llu pkts",
		  c->stats[KPPTP_STATS_A_RX_PACKETS]);
	print_u64(p, "rx_bytes", " %llu bytes",
		  c->stats[KPPTP_STATS_A_RX_BYTES]);
	print_u64(p, "tx_packets", ", tx %llu pkts",
		  c->stats[KPPTP_STATS_A_TX_PACKETS]);
	print_u64(p, "tx_bytes", " %llu bytes\n",
		  c->stats[KPPTP_STATS_A_TX_BYTES]);
	print_text(p, "   ");
	for (i = KPPTP_STATS_A_RX_INVALID; i <= KPPTP_STATS_A_MAX; i++) {
		char fmt[48];

		/* -s shows the counters that moved, -s -s all of them */
		if (!p->json && ctl->stats < 2 && !c->stats[i])
			continue;
		snprintf(fmt, sizeof(fmt), " %s %%llu", stat_keys[i]);
		print_u64(p, stat_keys[i], fmt, c->stats[i]);
	}
	print_text(p, "\n");
	print_close_object(p);
}

void print_call(struct ctl *ctl, const char *key,
		const struct kpptp_call_info *c)
{
	static const char *const owners[] = { "netlink", "socket" };
	struct printer *p = &ctl->pr;
	char a[INET_ADDRSTRLEN], age[32];

	print_open_object(p, key);
	print_u64(p, "id", "%-6llu ", c->id);
	print_u64(p, "peer_id", "%-7llu ", c->peer_id);
	print_string(p, "peer", "%-15s ", addr_str(c->peer_addr, a));
	print_string(p, "local", "%-15s ", addr_str(c->local_addr, a));
	print_string(p, "owner", "%-7s ", c->owner < 2 ? owners[c->owner] : "?");
	print_bool(p, "attached", "%-8s ", c->attached);
	if (c->has_channel)
		print_u64(p, "channel", "%-7llu ", c->channel);
	else
		print_text(p, "%-7s ", "-");
	print_string(p, "ifname", "%-8s ", c->ifname[0] ? c->ifname : "-");
	snprintf(age, sizeof(age), "%llu.%llus",
		 (unsigned long long)c->age_ms / 1000,
		 (unsigned long long)c->age_ms % 1000 / 100);
	print_u64(p, "age_ms", NULL, c->age_ms);
	print_text(p, "%s\n", age);
	if (ctl->stats || p->json) {
		print_u64(p, "recv_window", "    window %llu", c->recv_window);
		print_u64(p, "peer_recv_window", " peer-window %llu",
			  c->peer_recv_window);
		print_u64(p, "peer_ppd", " peer-ppd %llu", c->peer_ppd);
		print_bool(p, "tx_window", " tx-window %s",
			   c->flags & KPPTP_F_TX_WINDOW);
		print_bool(p, "reorder", " reorder %s",
			   !(c->flags & KPPTP_F_NO_REORDER));
		print_u64(p, "reorder_timeout_ms", " reorder-timeout %llums",
			  c->reorder_timeout);
		print_u64(p, "reorder_depth", " reorder-depth %llu",
			  c->reorder_depth);
		print_u64(p, "ack_delay_ms", " ack-delay %llums\n", c->ack_delay);
	}
	if (ctl->stats && c->has_stats)
		print_stats(ctl, c);
	print_close_object(p);
}

static int show_one(const struct kpptp_call_info *c, void *arg)
{
	print_call(arg, NULL, c);
	return 0;
}

static int call_show(struct ctl *ctl, int argc, char **argv)
{
	struct kpptp_call_info c;
	struct kpptp_nl *nl;
	uint16_t id = 0;
	int err;

	if (argc == 2 && !strcmp(argv[0], "id")) {
		if (parse_call_id("call ID", argv[1], &id))
			return EXIT_USAGE;
	} else if (argc) {
		fprintf(stderr, "kpptpctl: call show takes only \"id ID\", not \"%s\"\n",
			argv[0]);
		return EXIT_USAGE;
	}
	nl = ctl_open();
	if (!nl)
		return EXIT_KERNEL;
	print_call_header(ctl);
	print_open_array(&ctl->pr, NULL);
	if (id) {
		err = kpptp_nl_call_get(nl, id, &c);
		if (!err)
			print_call(ctl, NULL, &c);
	} else {
		err = kpptp_nl_call_dump(nl, show_one, ctl);
	}
	print_close_array(&ctl->pr);
	if (err)
		err = ctl_kernel_error(nl, "call show", err);
	kpptp_nl_close(nl);
	return err;
}

static int call_change(struct ctl *ctl, int argc, char **argv, bool is_add)
{
	struct kpptp_call_req req;
	struct kpptp_call_info c;
	struct kpptp_nl *nl;
	int err;

	if (parse_call_args(argc, argv, &req, is_add))
		return EXIT_USAGE;
	nl = ctl_open();
	if (!nl)
		return EXIT_KERNEL;
	if (is_add) {
		err = kpptp_nl_call_new(nl, &req, &c);
		if (!err) {
			print_call_header(ctl);
			print_call(ctl, NULL, &c);
		}
	} else {
		err = kpptp_nl_call_set(nl, &req);
	}
	if (err)
		err = ctl_kernel_error(nl, is_add ? "call add" : "call set", err);
	kpptp_nl_close(nl);
	return err;
}

static int call_del(struct ctl *ctl, int argc, char **argv)
{
	struct kpptp_nl *nl;
	uint16_t id;
	int err;

	(void)ctl;
	if (argc != 2 || strcmp(argv[0], "id")) {
		fprintf(stderr, "kpptpctl: usage: call del id ID\n");
		return EXIT_USAGE;
	}
	if (parse_call_id("call ID", argv[1], &id))
		return EXIT_USAGE;
	nl = ctl_open();
	if (!nl)
		return EXIT_KERNEL;
	err = kpptp_nl_call_del(nl, id);
	if (err)
		err = ctl_kernel_error(nl, "call del", err);
	kpptp_nl_close(nl);
	return err;
}

int cmd_call(struct ctl *ctl, int argc, char **argv)
{
	if (argc == 0 || !strcmp(argv[0], "show") || !strcmp(argv[0], "list"))
		return call_show(ctl, argc ? argc - 1 : 0, argv + 1);
	if (!strcmp(argv[0], "add"))
		return call_change(ctl, argc - 1, argv + 1, true);
	if (!strcmp(argv[0], "set"))
		return call_change(ctl, argc - 1, argv + 1, false);
	if (!strcmp(argv[0], "del") || !strcmp(argv[0], "delete"))
		return call_del(ctl, argc - 1, argv + 1);
	fprintf(stderr, "kpptpctl: unknown call command \"%s\"\n", argv[0]);
	return EXIT_USAGE;
}

int cmd_show(struct ctl *ctl, int argc, char **argv)
{
	return call_show(ctl, argc, argv);
}
