// SPDX-License-Identifier: GPL-2.0
/*
 * Control connection and call state machines: see pptp_ctrl.h.  Every
 * output goes through emit(); nothing here touches a socket or a clock.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pptp_ctrl.h"

void pptp_ctrl_cfg_default(struct pptp_ctrl_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->handshake_ms = 10000;
	cfg->echo_ms = 60000;
	cfg->echo_wait_ms = 30000;
	cfg->idle_ms = 0;
	cfg->call_ms = 30000;
	cfg->stop_ms = 5000;
	cfg->max_calls = 16;
	cfg->max_invalid = 20;
	cfg->window = 64;
	cfg->ppd = 0;
	strcpy(cfg->host, "kpptp");
	strcpy(cfg->vendor, "kpptp");
}

const char *pptp_ctrl_state_name(enum pptp_ctrl_state s)
{
	static const char *const n[] = {
		[PPTP_CTRL_WAIT_SCCRQ] = "wait_sccrq",
		[PPTP_CTRL_IDLE] = "idle",
		[PPTP_CTRL_WAIT_SCCRP] = "wait_sccrp",
		[PPTP_CTRL_ESTABLISHED] = "established",
		[PPTP_CTRL_WAIT_STOPCCRP] = "wait_stopccrp",
		[PPTP_CTRL_CLOSED] = "closed",
	};

	return (unsigned int)s < sizeof(n) / sizeof(n[0]) ? n[s] : "?";
}

const char *pptp_call_state_name(enum pptp_call_state s)
{
	static const char *const n[] = {
		[PPTP_CALL_FREE] = "free",
		[PPTP_CALL_WAIT_KERNEL] = "wait_kernel",
		[PPTP_CALL_WAIT_OCRP] = "wait_ocrp",
		[PPTP_CALL_WAIT_ICRP] = "wait_icrp",
		[PPTP_CALL_WAIT_ICCN] = "wait_iccn",
		[PPTP_CALL_UP] = "up",
		[PPTP_CALL_WAIT_CDN] = "wait_cdn",
	};

	return (unsigned int)s < sizeof(n) / sizeof(n[0]) ? n[s] : "?";
}

/* ------------------------------------------------------------ outputs */

static void emit(struct pptp_ctrl *c, struct pptp_act *a)
{
	c->emit(c->arg, a);
}

static void send_msg(struct pptp_ctrl *c, const struct pptp_msg *m)
{
	struct pptp_act a = { .type = PPTP_ACT_SEND, .slot = -1 };

	a.msg = *m;
	emit(c, &a);
}

__attribute__((format(printf, 3, 4)))
static void say(struct pptp_ctrl *c, bool warn, const char *fmt, ...)
{
	struct pptp_act a = { .type = PPTP_ACT_LOG, .slot = -1, .warn = warn };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a.text, sizeof(a.text), fmt, ap);
	va_end(ap);
	emit(c, &a);
}

/*
 * A message that makes no sense where it came (an unknown call ID, the
 * wrong state or role): counted, and only the first few logged, so that a
 * peer cannot fill the log; pptp_ctrl_input() closes the connection once
 * there were cfg.max_invalid.
 */
#define INVALID_LOGGED 5

__attribute__((format(printf, 2, 3)))
static void bogus(struct pptp_ctrl *c, const char *fmt, ...)
{
	struct pptp_act a = { .type = PPTP_ACT_LOG, .slot = -1, .warn = true };
	va_list ap;
	int n;

	if (++c->ninvalid > INVALID_LOGGED)
		return;
	va_start(ap, fmt);
	n = vsnprintf(a.text, sizeof(a.text), fmt, ap);
	va_end(ap);
	if (c->ninvalid == INVALID_LOGGED && n >= 0 &&
	    (size_t)n < sizeof(a.text))
		snprintf(a.text + n, sizeof(a.text) - (size_t)n,
			 " (further ones not logged)");
	emit(c, &a);
}

static void call_act(struct pptp_ctrl *c, enum pptp_act_type type, int slot)
{
	struct pptp_act a = { .type = type, .slot = slot };

	a.call = c->calls[slot];
	emit(c, &a);
}

static void close_conn(struct pptp_ctrl *c)
{
	struct pptp_act a = { .type = PPTP_ACT_CLOSE, .slot = -1 };

	c->state = PPTP_CTRL_CLOSED;
	emit(c, &a);
}

/* ------------------------------------------------------------ calls */

static int call_alloc(struct pptp_ctrl *c, uint64_t now)
{
	unsigned int i;

	for (i = 0; i < c->cfg.max_calls; i++) {
		if (c->calls[i].state == PPTP_CALL_FREE) {
			memset(&c->calls[i], 0, sizeof(c->calls[i]));
			c->calls[i].deadline = PPTP_NO_TIMER;
			c->ncalls++;
			(void)now;
			return (int)i;
		}
	}
	return -1;
}

/* @slot is over: CALL_DOWN (if the caller knows the call) and free it. */
static void call_end(struct pptp_ctrl *c, int slot, uint64_t now)
{
	call_act(c, PPTP_ACT_CALL_DOWN, slot);
	c->calls[slot].state = PPTP_CALL_FREE;
	if (--c->ncalls == 0)
		c->idle_since = now;
}

static int find_by(const struct pptp_ctrl *c, bool peer, uint16_t id)
{
	unsigned int i;

	for (i = 0; i < c->cfg.max_calls; i++) {
		const struct pptp_call *k = &c->calls[i];

		if (k->state != PPTP_CALL_FREE &&
		    (peer ? k->peer_id : k->local_id) == id)
			return (int)i;
	}
	return -1;
}

int pptp_ctrl_find_local(const struct pptp_ctrl *c, uint16_t local_id)
{
	return find_by(c, false, local_id);
}

/* ------------------------------------------------------------ lifecycle */

int pptp_ctrl_init(struct pptp_ctrl *c, enum pptp_role role,
		   const struct pptp_ctrl_cfg *cfg, uint64_t now,
		   pptp_emit_fn emit_fn, void *arg)
{
	memset(c, 0, sizeof(*c));
	if (!cfg->max_calls)
		return -EINVAL;
	c->calls = calloc(cfg->max_calls, sizeof(*c->calls));
	if (!c->calls)
		return -ENOMEM;
	c->cfg = *cfg;
	c->role = role;
	c->emit = emit_fn;
	c->arg = arg;
	c->last_rx = now;
	c->idle_since = now;
	c->next_serial = 1;
	if (role == PPTP_ROLE_PAC) {
		c->state = PPTP_CTRL_WAIT_SCCRQ;
		c->deadline = now + cfg->handshake_ms;
	} else {
		c->state = PPTP_CTRL_IDLE;
		c->deadline = PPTP_NO_TIMER;
	}
	return 0;
}

void pptp_ctrl_free(struct pptp_ctrl *c)
{
	free(c->calls);
	c->calls = NULL;
}

static void fill_start(const struct pptp_ctrl *c, struct pptp_msg *m,
		       unsigned int type)
{
	pptp_msg_init(m, type);
	m->sccrq.version = PPTP_VERSION;
	m->sccrq.framing = PPTP_FRAMING_ASYNC | PPTP_FRAMING_SYNC;
	m->sccrq.bearer = PPTP_BEARER_ANALOG | PPTP_BEARER_DIGITAL;
	m->sccrq.max_channels = (uint16_t)c->cfg.max_calls;
	m->sccrq.firmware = 1;
	memcpy(m->sccrq.host, c->cfg.host, sizeof(m->sccrq.host));
	memcpy(m->sccrq.vendor, c->cfg.vendor, sizeof(m->sccrq.vendor));
}

void pptp_ctrl_start(struct pptp_ctrl *c, uint64_t now)
{
	struct pptp_msg m;

	if (c->role != PPTP_ROLE_PNS || c->state != PPTP_CTRL_IDLE)
		return;
	fill_start(c, &m, PPTP_SCCRQ);
	send_msg(c, &m);
	c->state = PPTP_CTRL_WAIT_SCCRP;
	c->deadline = now + c->cfg.handshake_ms;
}

/* All calls down without telling the peer (StopCCRQ clears them). */
static void all_calls_down(struct pptp_ctrl *c, uint64_t now)
{
	unsigned int i;

	for (i = 0; i < c->cfg.max_calls; i++)
		if (c->calls[i].state != PPTP_CALL_FREE)
			call_end(c, (int)i, now);
}

void pptp_ctrl_abort(struct pptp_ctrl *c, const char *why)
{
	if (c->state == PPTP_CTRL_CLOSED)
		return;
	if (why)
		say(c, true, "control connection closed: %s", why);
	all_calls_down(c, c->last_rx);
	close_conn(c);
}

static void send_cdn(struct pptp_ctrl *c, const struct pptp_call *k,
		     uint8_t result)
{
	struct pptp_msg m;

	pptp_msg_init(&m, PPTP_CDN);
	m.cdn.call_id = k->local_id;
	m.cdn.result = result;
	send_msg(c, &m);
}

void pptp_ctrl_stop(struct pptp_ctrl *c, uint8_t reason, uint64_t now)
{
	struct pptp_msg m;
	unsigned int i;

	if (c->state != PPTP_CTRL_ESTABLISHED) {
		pptp_ctrl_abort(c, NULL);
		return;
	}
	for (i = 0; i < c->cfg.max_calls; i++) {
		struct pptp_call *k = &c->calls[i];

		if (k->state == PPTP_CALL_FREE)
			continue;
		if (c->role == PPTP_ROLE_PAC && k->state == PPTP_CALL_UP)
			send_cdn(c, k, PPTP_CDN_ADMIN);
		call_end(c, (int)i, now);
	}
	pptp_msg_init(&m, PPTP_STOPCCRQ);
	m.stopccrq.reason = reason;
	send_msg(c, &m);
	c->state = PPTP_CTRL_WAIT_STOPCCRP;
	c->deadline = now + c->cfg.stop_ms;
}

/* ------------------------------------------------------------ call API */

static void reply_call(struct pptp_ctrl *c, const struct pptp_call *k,
		       uint8_t result, uint8_t error)
{
	struct pptp_msg m;

	if (k->incoming) {
		pptp_msg_init(&m, PPTP_ICRP);
		m.icrp.call_id = k->local_id;
		m.icrp.peer_call_id = k->peer_id;
		m.icrp.result = result;
		m.icrp.error = error;
		m.icrp.window = c->cfg.window;
		m.icrp.delay = c->cfg.ppd;
	} else {
		pptp_msg_init(&m, PPTP_OCRP);
		m.ocrp.call_id = k->local_id;
		m.ocrp.peer_call_id = k->peer_id;
		m.ocrp.result = result;
		m.ocrp.error = error;
		m.ocrp.speed = 100000000;
		m.ocrp.window = c->cfg.window;
		m.ocrp.ppd = c->cfg.ppd;
	}
	send_msg(c, &m);
}

static bool slot_ok(const struct pptp_ctrl *c, int slot)
{
	return slot >= 0 && (unsigned int)slot < c->cfg.max_calls &&
	       c->calls[slot].state != PPTP_CALL_FREE;
}

void pptp_ctrl_call_created(struct pptp_ctrl *c, int slot, uint16_t local_id,
			    uint64_t now)
{
	struct pptp_call *k;

	if (!slot_ok(c, slot) || c->calls[slot].state != PPTP_CALL_WAIT_KERNEL)
		return;
	k = &c->calls[slot];
	k->local_id = local_id;
	if (k->incoming) {
		/* PNS answering an ICRQ: wait for ICCN */
		reply_call(c, k, PPTP_ICRP_CONNECT, PPTP_ERR_NONE);
		k->state = PPTP_CALL_WAIT_ICCN;
		k->deadline = now + c->cfg.call_ms;
		return;
	}
	reply_call(c, k, PPTP_OCRP_CONNECTED, PPTP_ERR_NONE);
	k->state = PPTP_CALL_UP;
	call_act(c, PPTP_ACT_CALL_UP, slot);
}

static void call_refuse(struct pptp_ctrl *c, int slot, bool decline,
			const char *why)
{
	struct pptp_call *k;
	uint8_t result;

	if (!slot_ok(c, slot) || c->calls[slot].state != PPTP_CALL_WAIT_KERNEL)
		return;
	k = &c->calls[slot];
	say(c, true, "call from peer call ID %u refused: %s", k->peer_id, why);
	k->local_id = 0;
	if (decline)
		result = k->incoming ? PPTP_ICRP_REFUSED : PPTP_OCRP_REFUSED;
	else
		result = k->incoming ? PPTP_ICRP_GENERAL : PPTP_OCRP_GENERAL;
	reply_call(c, k, result,
		   decline ? PPTP_ERR_NONE : PPTP_ERR_NO_RESOURCE);
	/* the caller made nothing: no CALL_DOWN */
	k->state = PPTP_CALL_FREE;
	if (--c->ncalls == 0)
		c->idle_since = c->last_rx;
}

void pptp_ctrl_call_refused(struct pptp_ctrl *c, int slot, const char *why)
{
	call_refuse(c, slot, false, why);
}

void pptp_ctrl_call_declined(struct pptp_ctrl *c, int slot, const char *why)
{
	call_refuse(c, slot, true, why);
}

int pptp_ctrl_call_open(struct pptp_ctrl *c, uint16_t local_id, uint64_t now)
{
	struct pptp_call *k;
	struct pptp_msg m;
	int slot;

	if (c->state != PPTP_CTRL_ESTABLISHED)
		return -1;
	slot = call_alloc(c, now);
	if (slot < 0)
		return -1;
	k = &c->calls[slot];
	k->local_id = local_id;
	k->serial = c->next_serial++;
	k->deadline = now + c->cfg.call_ms;
	if (c->role == PPTP_ROLE_PNS) {
		pptp_msg_init(&m, PPTP_OCRQ);
		m.ocrq.call_id = local_id;
		m.ocrq.serial = k->serial;
		m.ocrq.min_bps = 2400;
		m.ocrq.max_bps = 100000000;
		m.ocrq.bearer = 3;
		m.ocrq.framing = 3;
		m.ocrq.window = c->cfg.window;
		m.ocrq.ppd = c->cfg.ppd;
		memcpy(m.ocrq.phone, c->cfg.phone, sizeof(m.ocrq.phone));
		k->state = PPTP_CALL_WAIT_OCRP;
	} else {
		pptp_msg_init(&m, PPTP_ICRQ);
		m.icrq.call_id = local_id;
		m.icrq.serial = k->serial;
		m.icrq.bearer = 3;
		k->incoming = true;
		k->state = PPTP_CALL_WAIT_ICRP;
	}
	send_msg(c, &m);
	return slot;
}

void pptp_ctrl_call_close(struct pptp_ctrl *c, int slot, uint64_t now)
{
	struct pptp_call *k;
	struct pptp_msg m;

	if (!slot_ok(c, slot))
		return;
	k = &c->calls[slot];
	if (c->state != PPTP_CTRL_ESTABLISHED) {
		call_end(c, slot, now);
		return;
	}
	if (c->role == PPTP_ROLE_PNS && k->state == PPTP_CALL_UP) {
		pptp_msg_init(&m, PPTP_CCRQ);
		m.ccrq.call_id = k->local_id;
		send_msg(c, &m);
		k->state = PPTP_CALL_WAIT_CDN;
		k->deadline = now + c->cfg.call_ms;
		return;
	}
	if (k->state == PPTP_CALL_UP || k->state == PPTP_CALL_WAIT_ICRP)
		send_cdn(c, k, PPTP_CDN_ADMIN);
	else if (k->state == PPTP_CALL_WAIT_ICCN ||
		 k->state == PPTP_CALL_WAIT_OCRP) {
		pptp_msg_init(&m, PPTP_CCRQ);
		m.ccrq.call_id = k->local_id;
		send_msg(c, &m);
	}
	call_end(c, slot, now);
}

/* ------------------------------------------------------------ input */

static void on_sccrq(struct pptp_ctrl *c, const struct pptp_msg *m,
		     uint64_t now)
{
	struct pptp_msg r;

	if (c->role != PPTP_ROLE_PAC || c->state != PPTP_CTRL_WAIT_SCCRQ) {
		bogus(c, "unexpected SCCRQ in state %s: ignored",
		     pptp_ctrl_state_name(c->state));
		return;
	}
	memcpy(c->peer_host, m->sccrq.host, sizeof(c->peer_host));
	memcpy(c->peer_vendor, m->sccrq.vendor, sizeof(c->peer_vendor));
	fill_start(c, &r, PPTP_SCCRP);
	if (m->sccrq.version != PPTP_VERSION) {
		r.sccrp.result = PPTP_SCCRP_BAD_VERSION;
		send_msg(c, &r);
		say(c, true, "refused: protocol version 0x%04x, not 0x%04x",
		     m->sccrq.version, PPTP_VERSION);
		pptp_ctrl_abort(c, NULL);
		return;
	}
	r.sccrp.result = PPTP_SCCRP_OK;
	send_msg(c, &r);
	c->state = PPTP_CTRL_ESTABLISHED;
	c->deadline = PPTP_NO_TIMER;
	c->idle_since = now;
	say(c, false, "control connection up (peer host \"%s\" vendor \"%s\")",
	     c->peer_host, c->peer_vendor);
}

static void on_sccrp(struct pptp_ctrl *c, const struct pptp_msg *m,
		     uint64_t now)
{
	if (c->role != PPTP_ROLE_PNS || c->state != PPTP_CTRL_WAIT_SCCRP) {
		bogus(c, "unexpected SCCRP in state %s: ignored",
		     pptp_ctrl_state_name(c->state));
		return;
	}
	memcpy(c->peer_host, m->sccrp.host, sizeof(c->peer_host));
	memcpy(c->peer_vendor, m->sccrp.vendor, sizeof(c->peer_vendor));
	if (m->sccrp.result != PPTP_SCCRP_OK) {
		say(c, true, "peer refused the control connection: result %u error %u",
		     m->sccrp.result, m->sccrp.error);
		pptp_ctrl_abort(c, NULL);
		return;
	}
	c->state = PPTP_CTRL_ESTABLISHED;
	c->deadline = PPTP_NO_TIMER;
	c->idle_since = now;
	say(c, false, "control connection up (peer host \"%s\" vendor \"%s\")",
	     c->peer_host, c->peer_vendor);
}

/* A call request refused here: the daemon counts it by @why. */
static void refused(struct pptp_ctrl *c, enum pptp_refusal why)
{
	struct pptp_act a = { .type = PPTP_ACT_CALL_REFUSED, .slot = -1,
			      .refusal = why };

	emit(c, &a);
}

/* OCRQ (PAC) or ICRQ (PNS): a call the peer asks us to carry. */
static void on_call_request(struct pptp_ctrl *c, const struct pptp_msg *m,
			    uint64_t now)
{
	bool incoming = m->type == PPTP_ICRQ;
	uint16_t peer_id = incoming ? m->icrq.call_id : m->ocrq.call_id;
	struct pptp_call tmp = { .incoming = incoming, .peer_id = peer_id };
	struct pptp_call *k;
	int slot;

	if ((c->role == PPTP_ROLE_PAC) == incoming) {
		bogus(c, "refused %s: not valid for our role",
		     pptp_type_abbrev(m->type));
		reply_call(c, &tmp, incoming ? PPTP_ICRP_GENERAL :
			   PPTP_OCRP_GENERAL, PPTP_ERR_BAD_FORMAT);
		refused(c, PPTP_REFUSAL_WRONG_ROLE);
		return;
	}
	if (find_by(c, true, peer_id) >= 0) {
		bogus(c, "refused %s: peer call ID %u already in use",
		     pptp_type_abbrev(m->type), peer_id);
		reply_call(c, &tmp, incoming ? PPTP_ICRP_GENERAL :
			   PPTP_OCRP_GENERAL, PPTP_ERR_BAD_VALUE);
		refused(c, PPTP_REFUSAL_ID_IN_USE);
		return;
	}
	slot = call_alloc(c, now);
	if (slot < 0) {
		say(c, true, "refused %s for peer call ID %u: limit of %u calls per connection",
		     pptp_type_abbrev(m->type), peer_id, c->cfg.max_calls);
		reply_call(c, &tmp, incoming ? PPTP_ICRP_GENERAL :
			   PPTP_OCRP_GENERAL, PPTP_ERR_NO_RESOURCE);
		refused(c, PPTP_REFUSAL_CONN_LIMIT);
		return;
	}
	k = &c->calls[slot];
	k->incoming = incoming;
	k->peer_id = peer_id;
	if (incoming) {
		k->serial = m->icrq.serial;
		/* ICCN carries the window */
	} else {
		k->serial = m->ocrq.serial;
		k->peer_window = m->ocrq.window;
		k->peer_ppd = m->ocrq.ppd;
		/* a relay rule may choose the next hop by it */
		memcpy(k->phone, m->ocrq.phone, sizeof(k->phone));
	}
	k->state = PPTP_CALL_WAIT_KERNEL;
	call_act(c, PPTP_ACT_CALL_NEW, slot);
}

static void on_ocrp(struct pptp_ctrl *c, const struct pptp_msg *m,
		    uint64_t now)
{
	int slot = find_by(c, false, m->ocrp.peer_call_id);
	struct pptp_call *k;

	if (slot < 0 || c->calls[slot].state != PPTP_CALL_WAIT_OCRP) {
		bogus(c, "OCRP for unknown call ID %u: ignored",
		     m->ocrp.peer_call_id);
		return;
	}
	k = &c->calls[slot];
	if (m->ocrp.result != PPTP_OCRP_CONNECTED) {
		say(c, true, "call %u refused by the peer: result %u error %u cause %u",
		     k->local_id, m->ocrp.result, m->ocrp.error, m->ocrp.cause);
		call_end(c, slot, now);
		return;
	}
	k->peer_id = m->ocrp.call_id;
	k->peer_window = m->ocrp.window;
	k->peer_ppd = m->ocrp.ppd;
	k->state = PPTP_CALL_UP;
	k->deadline = PPTP_NO_TIMER;
	call_act(c, PPTP_ACT_CALL_UP, slot);
}

static void on_icrp(struct pptp_ctrl *c, const struct pptp_msg *m,
		    uint64_t now)
{
	int slot = find_by(c, false, m->icrp.peer_call_id);
	struct pptp_call *k;
	struct pptp_msg r;

	if (slot < 0 || c->calls[slot].state != PPTP_CALL_WAIT_ICRP) {
		bogus(c, "ICRP for unknown call ID %u: ignored",
		     m->icrp.peer_call_id);
		return;
	}
	k = &c->calls[slot];
	if (m->icrp.result != PPTP_ICRP_CONNECT) {
		say(c, true, "call %u refused by the peer: result %u error %u",
		     k->local_id, m->icrp.result, m->icrp.error);
		call_end(c, slot, now);
		return;
	}
	k->peer_id = m->icrp.call_id;
	k->peer_window = m->icrp.window;
	k->peer_ppd = m->icrp.delay;
	pptp_msg_init(&r, PPTP_ICCN);
	r.iccn.peer_call_id = k->peer_id;
	r.iccn.speed = 100000000;
	r.iccn.window = c->cfg.window;
	r.iccn.delay = c->cfg.ppd;
	r.iccn.framing = 3;
	send_msg(c, &r);
	k->state = PPTP_CALL_UP;
	k->deadline = PPTP_NO_TIMER;
	call_act(c, PPTP_ACT_CALL_UP, slot);
}

static void on_iccn(struct pptp_ctrl *c, const struct pptp_msg *m)
{
	int slot = find_by(c, false, m->iccn.peer_call_id);
	struct pptp_call *k;

	if (slot < 0 || c->calls[slot].state != PPTP_CALL_WAIT_ICCN) {
		bogus(c, "ICCN for unknown call ID %u: ignored",
		     m->iccn.peer_call_id);
		return;
	}
	k = &c->calls[slot];
	k->peer_window = m->iccn.window;
	k->peer_ppd = m->iccn.delay;
	k->state = PPTP_CALL_UP;
	k->deadline = PPTP_NO_TIMER;
	call_act(c, PPTP_ACT_CALL_UP, slot);
}

/* CCRQ: the PNS clears a call, named by its own call ID. */
static void on_ccrq(struct pptp_ctrl *c, const struct pptp_msg *m,
		    uint64_t now)
{
	int slot = find_by(c, true, m->ccrq.call_id);

	if (slot < 0) {
		bogus(c, "CCRQ for unknown peer call ID %u: ignored",
		     m->ccrq.call_id);
		return;
	}
	say(c, false, "call %u cleared by the peer (CCRQ)",
	     c->calls[slot].local_id);
	send_cdn(c, &c->calls[slot], PPTP_CDN_REQUEST);
	call_end(c, slot, now);
}

/* CDN: the PAC ended a call, named by its (our peer's) call ID. */
static void on_cdn(struct pptp_ctrl *c, const struct pptp_msg *m,
		   uint64_t now)
{
	int slot = find_by(c, true, m->cdn.call_id);

	if (slot < 0) {
		bogus(c, "CDN for unknown peer call ID %u: ignored",
		     m->cdn.call_id);
		return;
	}
	say(c, false, "call %u disconnected by the peer (CDN result %u cause %u)",
	     c->calls[slot].local_id, m->cdn.result, m->cdn.cause);
	call_end(c, slot, now);
}

void pptp_ctrl_input(struct pptp_ctrl *c, const struct pptp_msg *m,
		     uint64_t now)
{
	struct pptp_msg r;

	if (c->state == PPTP_CTRL_CLOSED)
		return;
	c->last_rx = now;
	c->echo_pending = false;	/* the peer is alive */

	/* Before the handshake only the start messages are valid */
	if (c->state == PPTP_CTRL_WAIT_SCCRQ && m->type != PPTP_SCCRQ) {
		say(c, true, "refused: %s before Start-Control-Connection-Request",
		     pptp_type_abbrev(m->type));
		pptp_ctrl_abort(c, NULL);
		return;
	}
	if (c->state == PPTP_CTRL_WAIT_SCCRP && m->type != PPTP_SCCRP &&
	    m->type != PPTP_STOPCCRQ) {
		say(c, true, "%s before Start-Control-Connection-Reply",
		     pptp_type_abbrev(m->type));
		pptp_ctrl_abort(c, NULL);
		return;
	}

	switch (m->type) {
	case PPTP_SCCRQ:
		on_sccrq(c, m, now);
		break;
	case PPTP_SCCRP:
		on_sccrp(c, m, now);
		break;
	case PPTP_STOPCCRQ:
		say(c, false, "peer stops the control connection (reason %u)",
		     m->stopccrq.reason);
		all_calls_down(c, now);
		pptp_msg_init(&r, PPTP_STOPCCRP);
		r.stopccrp.reason = PPTP_STOPCCRP_OK;
		send_msg(c, &r);
		close_conn(c);
		break;
	case PPTP_STOPCCRP:
		if (c->state == PPTP_CTRL_WAIT_STOPCCRP)
			close_conn(c);
		break;
	case PPTP_ECHORQ:
		pptp_msg_init(&r, PPTP_ECHORP);
		r.echorp.id = m->echorq.id;
		r.echorp.result = PPTP_ECHORP_OK;
		send_msg(c, &r);
		break;
	case PPTP_ECHORP:
		break;
	case PPTP_OCRQ:
	case PPTP_ICRQ:
		if (c->state == PPTP_CTRL_ESTABLISHED)
			on_call_request(c, m, now);
		else
			bogus(c, "%s in state %s: ignored",
			      pptp_type_abbrev(m->type),
			      pptp_ctrl_state_name(c->state));
		break;
	case PPTP_OCRP:
		on_ocrp(c, m, now);
		break;
	case PPTP_ICRP:
		on_icrp(c, m, now);
		break;
	case PPTP_ICCN:
		on_iccn(c, m);
		break;
	case PPTP_CCRQ:
		on_ccrq(c, m, now);
		break;
	case PPTP_CDN:
		on_cdn(c, m, now);
		break;
	case PPTP_WEN:
		say(c, true, "WAN-Error-Notify for call %u: crc %u framing %u overruns %u/%u timeouts %u alignment %u",
		     m->wen.peer_call_id, m->wen.crc, m->wen.framing,
		     m->wen.hw_overruns, m->wen.buf_overruns, m->wen.timeouts,
		     m->wen.alignment);
		break;
	case PPTP_SLI:
		/* ACCMs are pppd's business; sync framing ignores them */
		break;
	}
	if (c->cfg.max_invalid && c->ninvalid >= c->cfg.max_invalid &&
	    c->state != PPTP_CTRL_CLOSED) {
		char why[96];

		snprintf(why, sizeof(why),
			 "%u messages that made no sense (max-invalid-messages)",
			 c->ninvalid);
		pptp_ctrl_abort(c, why);
	}
}

/* ------------------------------------------------------------ timers */

uint64_t pptp_ctrl_next_timer(const struct pptp_ctrl *c)
{
	uint64_t t = c->deadline;
	unsigned int i;

	if (c->state == PPTP_CTRL_CLOSED)
		return PPTP_NO_TIMER;
	if (c->state == PPTP_CTRL_ESTABLISHED) {
		if (c->echo_pending) {
			if (c->echo_sent + c->cfg.echo_wait_ms < t)
				t = c->echo_sent + c->cfg.echo_wait_ms;
		} else if (c->cfg.echo_ms &&
			   c->last_rx + c->cfg.echo_ms < t) {
			t = c->last_rx + c->cfg.echo_ms;
		}
		if (c->cfg.idle_ms && !c->ncalls &&
		    c->idle_since + c->cfg.idle_ms < t)
			t = c->idle_since + c->cfg.idle_ms;
	}
	for (i = 0; i < c->cfg.max_calls; i++)
		if (c->calls[i].state != PPTP_CALL_FREE &&
		    c->calls[i].deadline < t)
			t = c->calls[i].deadline;
	return t;
}

void pptp_ctrl_timer(struct pptp_ctrl *c, uint64_t now)
{
	struct pptp_msg m;
	unsigned int i;

	switch (c->state) {
	case PPTP_CTRL_WAIT_SCCRQ:
	case PPTP_CTRL_WAIT_SCCRP:
		if (now >= c->deadline) {
			say(c, true, "refused: no %s within %u ms",
			     c->state == PPTP_CTRL_WAIT_SCCRQ ? "SCCRQ" : "SCCRP",
			     c->cfg.handshake_ms);
			pptp_ctrl_abort(c, NULL);
		}
		return;
	case PPTP_CTRL_WAIT_STOPCCRP:
		if (now >= c->deadline)
			close_conn(c);
		return;
	case PPTP_CTRL_IDLE:
	case PPTP_CTRL_CLOSED:
		return;
	case PPTP_CTRL_ESTABLISHED:
		break;
	}

	for (i = 0; i < c->cfg.max_calls; i++) {
		struct pptp_call *k = &c->calls[i];

		if (k->state == PPTP_CALL_FREE || now < k->deadline)
			continue;
		say(c, true, "call %u: no answer in state %s within %u ms",
		     k->local_id, pptp_call_state_name(k->state),
		     c->cfg.call_ms);
		call_end(c, (int)i, now);
	}
	if (c->echo_pending && now >= c->echo_sent + c->cfg.echo_wait_ms) {
		say(c, true, "peer dead: no Echo-Reply within %u ms",
		     c->cfg.echo_wait_ms);
		c->last_rx = now;
		pptp_ctrl_abort(c, NULL);
		return;
	}
	if (!c->echo_pending && c->cfg.echo_ms &&
	    now >= c->last_rx + c->cfg.echo_ms) {
		pptp_msg_init(&m, PPTP_ECHORQ);
		m.echorq.id = ++c->echo_id;
		send_msg(c, &m);
		c->echo_pending = true;
		c->echo_sent = now;
	}
	if (c->cfg.idle_ms && !c->ncalls &&
	    now >= c->idle_since + c->cfg.idle_ms) {
		say(c, false, "no calls for %u ms: closing", c->cfg.idle_ms);
		pptp_ctrl_stop(c, PPTP_STOP_NONE, now);
	}
}
