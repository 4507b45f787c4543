// SPDX-License-Identifier: GPL-2.0
/*
 * One call, printed by call show (a table), call add and monitor (a line),
 * as text or JSON from the same calls.  Text counter names are the JSON
 * keys; text settings are spelt as call set takes them.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>

#include "kpptpctl.h"

/* Which counters -s shows in text, in which group (one line each). */
static const struct {
	uint8_t attr;
	uint8_t level;		/* -s count that shows it */
	uint8_t group;
} counters[] = {
	{ KPPTP_STATS_A_RX_PACKETS, 1, 0 },
	{ KPPTP_STATS_A_RX_BYTES, 1, 0 },
	{ KPPTP_STATS_A_TX_PACKETS, 1, 0 },
	{ KPPTP_STATS_A_TX_BYTES, 1, 0 },
	{ KPPTP_STATS_A_RX_INVALID, 1, 1 },
	{ KPPTP_STATS_A_RX_DROPPED, 1, 1 },
	{ KPPTP_STATS_A_RX_REORDERED, 1, 1 },
	{ KPPTP_STATS_A_RX_LOST, 1, 1 },
	{ KPPTP_STATS_A_RX_DUPLICATE, 1, 1 },
	{ KPPTP_STATS_A_RX_OUT_OF_RANGE, 2, 1 },
	{ KPPTP_STATS_A_RX_FLUSHED, 2, 1 },
	{ KPPTP_STATS_A_RX_TOO_LONG, 2, 1 },
	{ KPPTP_STATS_A_TX_DROPPED, 2, 1 },
	{ KPPTP_STATS_A_RX_ACKS, 1, 2 },
	{ KPPTP_STATS_A_TX_ACKS, 1, 2 },
	{ KPPTP_STATS_A_WINDOW_STALLS, 1, 2 },
	{ KPPTP_STATS_A_ACK_TIMEOUTS, 2, 2 },
	{ KPPTP_STATS_A_SEND_WINDOW, 1, 2 },
	{ KPPTP_STATS_A_RTT_US, 1, 2 },
	{ KPPTP_STATS_A_ATO_US, 2, 2 },
};

#define INDENT "    "

const char *addr_str(uint32_t be, char *buf)
{
	struct in_addr a = { .s_addr = be };

	if (!be)
		return NULL;	/* JSON null, text "-" */
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

/* "12.3s", "5m03s", "2h05m", "3d04h" */
const char *age_str(uint64_t ms, char *buf, size_t size)
{
	uint64_t s = ms / 1000;

	if (s < 60)
		snprintf(buf, size, "%u.%us", (unsigned int)s,
			 (unsigned int)(ms % 1000 / 100));
	else if (s < 3600)
		snprintf(buf, size, "%um%02us", (unsigned int)(s / 60),
			 (unsigned int)(s % 60));
	else if (s < 86400)
		snprintf(buf, size, "%uh%02um", (unsigned int)(s / 3600),
			 (unsigned int)(s % 3600 / 60));
	else
		snprintf(buf, size, "%llud%02uh", (unsigned long long)(s / 86400),
			 (unsigned int)(s % 86400 / 3600));
	return buf;
}

/* A call waiting for its peer's ID (a PNS before the reply) has none: "-". */
static void print_peer_id(struct printer *p, const char *fmt,
			  const struct kpptp_call_cfg *cfg)
{
	if (cfg->set & KPPTP_CFG(KPPTP_A_PEER_CALL_ID))
		pr_uint(p, "peer_id", fmt, cfg->peer_id);
	else
		pr_string(p, "peer_id", fmt, NULL);
}

static void print_header(struct ctl *ctl)
{
	if (ctl->header_done)
		return;
	ctl->header_done = true;
	pr_text(&ctl->pr, "%-6s %-7s %-15s %-15s %-7s %-8s %-7s %-9s %s\n",
		"ID", "PEER-ID", "PEER", "LOCAL", "OWNER", "ATTACHED",
		"CHANNEL", "IFNAME", "AGE");
}

static void print_settings(struct printer *p, const struct kpptp_call_cfg *cfg,
			   const char *lead)
{
	pr_text(p, "%s", lead);
	if (cfg->set & KPPTP_CFG(KPPTP_A_RECV_WINDOW))
		pr_uint(p, "recv_window", " window %s", cfg->recv_window);
	if (cfg->set & KPPTP_CFG(KPPTP_A_PEER_RECV_WINDOW))
		pr_uint(p, "peer_recv_window", " peer-window %s",
			cfg->peer_recv_window);
	if (cfg->set & KPPTP_CFG(KPPTP_A_PEER_PPD))
		pr_uint(p, "peer_ppd", " peer-ppd %s", cfg->peer_ppd);
	if (cfg->set & KPPTP_CFG(KPPTP_A_FLAGS)) {
		pr_on_off(p, "tx_window", " tx-window %s",
			  cfg->flags & KPPTP_F_TX_WINDOW);
		pr_on_off(p, "reorder", " reorder %s",
			  !(cfg->flags & KPPTP_F_NO_REORDER));
	}
	if (cfg->set & KPPTP_CFG(KPPTP_A_REORDER_TIMEOUT))
		pr_uint(p, "reorder_timeout_ms", " reorder-timeout %s",
			cfg->reorder_timeout_ms);
	if (cfg->set & KPPTP_CFG(KPPTP_A_REORDER_DEPTH))
		pr_uint(p, "reorder_depth", " reorder-depth %s",
			cfg->reorder_depth);
	if (cfg->set & KPPTP_CFG(KPPTP_A_ACK_DELAY))
		pr_uint(p, "ack_delay_ms", " ack-delay %s", cfg->ack_delay_ms);
}

/*
 * The "stats" object.  JSON has every counter the kernel sent; text shows
 * "name value" for those of level <= @level, a line per group in a table,
 * all on the line otherwise.
 */
void print_counters(struct printer *p, const struct kpptp_call_info *c,
		    int level, enum call_layout layout, const char *indent)
{
	int group = -1;
	size_t i;

	pr_open_obj(p, "stats");
	for (i = 0; i < sizeof(counters) / sizeof(counters[0]); i++) {
		unsigned int a = counters[i].attr;
		const char *name = kpptp_stat_name(a);

		if (!(c->stats_set & (1ULL << a)))
			continue;
		pr_uint(p, name, NULL, c->stats[a]);
		if (counters[i].level > level)
			continue;
		if (layout == LAYOUT_TABLE && counters[i].group != group) {
			pr_text(p, "%s%s%s %" PRIu64,
				group < 0 ? "" : "\n", indent, name, c->stats[a]);
			group = counters[i].group;
		} else {
			pr_text(p, " %s %" PRIu64, name, c->stats[a]);
		}
	}
	if (layout == LAYOUT_TABLE && group >= 0)
		pr_text(p, "\n");
	pr_close_obj(p);
}

void print_call(struct ctl *ctl, const struct kpptp_call_info *c,
		enum call_layout layout, const char *event)
{
	const bool table = layout == LAYOUT_TABLE;
	const struct kpptp_call_cfg *cfg = &c->cfg;
	struct printer *p = &ctl->pr;
	char addr[INET_ADDRSTRLEN], buf[32];
	const char *owner;
	int level = ctl->stats;

	if (table)
		print_header(ctl);
	pr_open_obj(p, NULL);
	if (event) {
		size_t i;

		for (i = 0; event[i] && i < sizeof(buf) - 1; i++)
			buf[i] = (char)toupper((unsigned char)event[i]);
		buf[i] = 0;
		pr_text(p, "[%s] ", buf);
		pr_string(p, "event", NULL, event);
	}
	pr_uint(p, "id", table ? "%-6s " : "call %s ", cfg->id);
	if (c->has_del_reason) {
		const char *r = kpptp_del_reason_name(c->del_reason);

		if (!r) {
			snprintf(buf, sizeof(buf), "%u", c->del_reason);
			r = buf;
		}
		pr_string(p, "reason", "reason %s ", r);
	}
	if (table) {
		print_peer_id(p, "%-7s ", cfg);
		pr_string(p, "peer", "%-15s ", addr_str(cfg->peer_addr, addr));
	} else {
		pr_string(p, "peer", "peer %s ", addr_str(cfg->peer_addr, addr));
		print_peer_id(p, "peer-id %s ", cfg);
	}
	pr_string(p, "local", table ? "%-15s " : "local %s ",
		  addr_str(cfg->local_addr, addr));
	owner = kpptp_owner_name(c->owner);
	if (!owner) {
		snprintf(buf, sizeof(buf), "%u", c->owner);
		owner = buf;
	}
	pr_string(p, "owner", table ? "%-7s " : "owner %s ", owner);
	pr_bool(p, "attached", table ? "%-8s " : "attached %s ", c->attached);
	if (c->has_channel)
		pr_uint(p, "channel", table ? "%-7s " : "channel %s ",
			c->channel);
	else
		pr_string(p, "channel", table ? "%-7s " : "channel %s ", NULL);
	pr_string(p, "ifname", table ? "%-9s " : "ifname %s ",
		  c->ifname[0] ? c->ifname : NULL);
	pr_uint(p, "age_ms", NULL, c->age_ms);
	pr_text(p, table ? "%s" : "age %s",
		age_str(c->age_ms, buf, sizeof(buf)));
	if (c->capture_portid)
		pr_uint(p, "capture_portid", " capture-portid %s",
			c->capture_portid);
	if (table)
		pr_text(p, "\n");

	/* JSON always has the settings; text with -s -s (table) or -s */
	if (p->json || level >= (table ? 2 : 1)) {
		/* each setting starts with a space: indent a table by one less */
		print_settings(p, cfg, table ? "   " : "");
		if (table)
			pr_text(p, "\n");
	}

	/* counters with -s, and always the final ones of a deleted call */
	if (c->has_stats && (level || c->has_del_reason))
		print_counters(p, c, level ? level : 1, layout, INDENT);
	if (!table)
		pr_text(p, "\n");
	pr_close_obj(p);
}
