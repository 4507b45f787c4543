// SPDX-License-Identifier: GPL-2.0
/*
 * Transparent relay: a client's call that a relay rule matches is not
 * terminated here but passed on.  Its kernel call is made as for any call,
 * the client is not answered yet; a client-role connection goes to the
 * rule's next hop and places a call there with the client's phone number.
 * Once the next hop answers, the two kernel calls are spliced (splice.c)
 * and only then the client gets its OCRP, so that none of its first LCP
 * frames arrive before the bridge.  Neither call has the kernel's transmit
 * window (KPPTP_F_TX_WINDOW; kpptpd never sets it): the bridge drops a
 * frame when the other channel is busy, and a window would make it so.
 * No pppd runs for either call: PPP, its authentication and MPPE run
 * between the client and the next hop.
 *
 * Whatever ends one call ends the other: its CALL_DOWN (call_down())
 * comes here, and the pair is cleared towards its own peer (CCRQ to the
 * next hop, CDN to the client), or refused while the client waits.  The
 * connection to the next hop carries this one call: it stops once the
 * call is gone (client_done()), and never redials.
 *
 * Lifetime: a relay lives while any of its client call, its next hop
 * call or its next hop connection does.  Tearing one down runs into the
 * others' state machines, which may come back here (nested): @busy keeps
 * the relay until the outermost entry returns.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpptpd.h"

struct relay {
	struct call *in;	/* the client's call, NULL once down */
	struct call *out;	/* ours at the next hop, NULL before, after */
	struct conn *out_conn;	/* to the next hop, NULL once closed */
	int fds[2];		/* PX sockets of in, out while spliced */
	bool answered;		/* the client has its OCRP */
	unsigned int busy;	/* entries under way (nesting) */
	uint16_t in_id, out_id;	/* kernel call IDs, for get and logs */
	char hop[PPTP_STR_LEN + 8];
};

static void relay_get(struct relay *r)
{
	r->busy++;
}

static void relay_put(struct relay *r)
{
	if (--r->busy || r->in || r->out || r->out_conn)
		return;
	splice_end(r->fds);
	free(r);
}

/* The client waits for its OCRP: refuse it, its kernel call goes. */
static void relay_refuse(struct relay *r, const char *why)
{
	struct call *k = r->in;
	struct conn *c = k->conn;
	char text[256];

	r->in = NULL;
	k->relay = NULL;
	splice_end(r->fds);
	c->calls[k->slot] = NULL;
	kd.calls_refused++;
	snprintf(text, sizeof(text), "relay to %s: %s", r->hop, why);
	/* logs it, with the client's call ID; no CALL_DOWN follows */
	pptp_ctrl_call_refused(&c->ctrl, k->slot, text);
	call_down(k);
	conn_kick(c);
}

void relay_serve(struct conn *c, int slot, const struct pptp_call *pc,
		 const struct relay_rule *rule)
{
	struct pptp_ctrl_cfg cfg = kd.conf.ctrl;
	char why[256], esc[4 * sizeof(pc->phone)];
	struct relay *r;
	struct call *k;

	k = call_create(c, slot, pc, c->peer.sin_addr.s_addr,
			c->local.sin_addr.s_addr, true, why, sizeof(why));
	if (!k) {
		kd.calls_refused++;
		pptp_ctrl_call_refused(&c->ctrl, slot, why);
		return;
	}
	c->calls[slot] = k;
	r = calloc(1, sizeof(*r));
	if (!r) {
		c->calls[slot] = NULL;
		kd.calls_refused++;
		pptp_ctrl_call_refused(&c->ctrl, slot, "out of memory");
		call_down(k);
		return;
	}
	r->fds[0] = r->fds[1] = -1;
	r->in = k;
	r->in_id = k->id;
	k->relay = r;
	snprintf(r->hop, sizeof(r->hop), "%s", rule->hop);
	relay_get(r);
	info("%s: call %u (peer call ID %u, phone \"%s\"): relayed to %s (relay rule at line %u)",
	     c->name, k->id, pc->peer_id,
	     log_escape(pc->phone, esc, sizeof(esc)), r->hop, rule->line);
	/* the next hop gets the number the client asked for */
	memcpy(cfg.phone, pc->phone, sizeof(cfg.phone));
	r->out_conn = conn_dial(rule->to, rule->port, &cfg, why, sizeof(why));
	if (!r->out_conn) {
		relay_refuse(r, why);
	} else {
		r->out_conn->relay = r;
		r->out_conn->relay_hop = true;
	}
	relay_put(r);
}

void relay_placed(struct conn *c, struct call *k)
{
	struct relay *r = c->relay;

	r->out = k;
	r->out_id = k->id;
	k->relay = r;
}

int relay_up(struct call *k)
{
	struct relay *r = k->relay;
	struct call *in = r->in;
	struct conn *c;
	char why[256];
	int ret = -1;

	relay_get(r);
	if (!in)
		goto out;
	if (splice_calls(in->id, k->id, r->fds, why, sizeof(why))) {
		err("call %u: cannot splice it to call %u: %s", in->id, k->id,
		    why);
		relay_refuse(r, why);
		goto out;
	}
	c = in->conn;
	r->answered = true;
	kd.calls_accepted++;
	info("%s: call %u spliced to call %u at %s (peer call ID %u): answering",
	     c->name, in->id, k->id, r->hop, k->peer_id);
	pptp_ctrl_call_created(&c->ctrl, in->slot, in->id, now_ms());
	conn_kick(c);
	ret = 0;
out:
	relay_put(r);
	return ret;
}

/* The client's call is over: clear ours at the next hop, or stop
 * dialling it. */
static void in_down(struct relay *r)
{
	struct conn *oc = r->out_conn;

	r->in = NULL;
	if (r->out && r->out->conn) {
		oc = r->out->conn;
		info("%s: call %u: the client's call %u ended: clearing it",
		     oc->name, r->out->id, r->in_id);
		pptp_ctrl_call_close(&oc->ctrl, r->out->slot, now_ms());
		conn_kick(oc);
	} else if (oc && !oc->closed) {
		snprintf(oc->last_log, sizeof(oc->last_log),
			 "the client's call ended");
		if (oc->connecting || oc->ctrl.state != PPTP_CTRL_ESTABLISHED)
			pptp_ctrl_abort(&oc->ctrl, "the client's call ended");
		else
			pptp_ctrl_stop(&oc->ctrl, PPTP_STOP_NONE, now_ms());
		conn_kick(oc);
	}
}

/* Our call at the next hop is over: the client's follows. */
static void out_down(struct relay *r, struct call *k)
{
	struct conn *oc = k->conn, *c;
	struct call *in = r->in;
	char why[200];

	r->out = NULL;
	if (!in)
		return;
	if (!r->answered) {
		snprintf(why, sizeof(why), "%s",
			 oc && oc->last_log[0] ? oc->last_log :
			 "call ended before it was answered");
		relay_refuse(r, why);
		return;
	}
	c = in->conn;
	info("%s: call %u: its pair %u at %s ended: clearing it", c->name,
	     in->id, k->id, r->hop);
	/* brings its CALL_DOWN: @in is gone after this */
	pptp_ctrl_call_close(&c->ctrl, in->slot, now_ms());
	conn_kick(c);
}

void relay_call_down(struct call *k)
{
	struct relay *r = k->relay;

	relay_get(r);
	k->relay = NULL;
	/* both kernel calls go with the sockets */
	splice_end(r->fds);
	if (k == r->in)
		in_down(r);
	else if (k == r->out)
		out_down(r, k);
	relay_put(r);
}

void relay_conn_closed(struct conn *c)
{
	struct relay *r = c->relay;

	relay_get(r);
	c->relay = NULL;
	r->out_conn = NULL;
	/* its calls went down first: if ours never came up, say why */
	if (r->in && !r->out && !r->answered)
		relay_refuse(r, c->last_log[0] ? c->last_log :
			     "connection closed");
	relay_put(r);
}

void relay_describe(const struct call *k, struct cp_buf *b)
{
	const struct relay *r = k->relay;
	uint16_t pair = k == r->in ? r->out_id : r->in_id;

	cp_put(b, "relay", "%s", r->hop);
	if (pair && (k == r->in ? r->out : r->in))
		cp_put(b, "relay_call_id", "%u", pair);
}
