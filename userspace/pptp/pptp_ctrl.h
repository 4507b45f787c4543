/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PPTP control connection and call state machines (RFC 2637 sections
 * 3.1 and 3.2), without I/O: the caller feeds decoded messages, the current
 * time and local decisions in, and gets actions out through its emit
 * callback (messages to send, kernel calls to make or remove, pppd to start,
 * the connection to close, log lines).  Time is a monotonic count of
 * milliseconds chosen by the caller.
 *
 *   PAC (server role):  ... SCCRQ -> SCCRP;  OCRQ -> PPTP_ACT_CALL_NEW,
 *	the caller makes the kernel call and answers pptp_ctrl_call_created()
 *	(-> OCRP "connected", PPTP_ACT_CALL_UP) or pptp_ctrl_call_refused()
 *	(-> OCRP with an error).  CCRQ -> CDN, PPTP_ACT_CALL_DOWN.
 *   PNS (client role):  pptp_ctrl_start() -> SCCRQ;  SCCRP -> established;
 *	pptp_ctrl_call_open(local ID) -> OCRQ;  OCRP -> PPTP_ACT_CALL_UP
 *	with the peer's call ID.  ICRQ -> PPTP_ACT_CALL_NEW, then ICRP and on
 *	ICCN PPTP_ACT_CALL_UP.  pptp_ctrl_call_close() -> CCRQ, CDN -> down.
 *
 * Every call that ever got PPTP_ACT_CALL_NEW (or was opened locally) ends
 * with exactly one PPTP_ACT_CALL_DOWN, whichever side ends it.
 */
#ifndef KPPTP_PPTP_CTRL_H
#define KPPTP_PPTP_CTRL_H

#include <stdbool.h>
#include <stdint.h>

#include "pptp_msg.h"

#define PPTP_NO_TIMER UINT64_MAX

enum pptp_role {
	PPTP_ROLE_PAC,		/* server: accepts calls (pptpd's side) */
	PPTP_ROLE_PNS,		/* client: places calls (pptp-linux's side) */
};

enum pptp_ctrl_state {
	PPTP_CTRL_WAIT_SCCRQ,	/* PAC: connection accepted */
	PPTP_CTRL_IDLE,		/* PNS: not started */
	PPTP_CTRL_WAIT_SCCRP,	/* PNS: SCCRQ sent */
	PPTP_CTRL_ESTABLISHED,
	PPTP_CTRL_WAIT_STOPCCRP,
	PPTP_CTRL_CLOSED,
};

enum pptp_call_state {
	PPTP_CALL_FREE,
	PPTP_CALL_WAIT_KERNEL,	/* request in, waiting for the caller */
	PPTP_CALL_WAIT_OCRP,	/* PNS: OCRQ sent */
	PPTP_CALL_WAIT_ICRP,	/* PAC: ICRQ sent */
	PPTP_CALL_WAIT_ICCN,	/* PNS: ICRP sent */
	PPTP_CALL_UP,
	PPTP_CALL_WAIT_CDN,	/* PNS: CCRQ sent */
};

struct pptp_call {
	enum pptp_call_state state;
	bool incoming;		/* set up by ICRQ rather than OCRQ */
	uint16_t local_id;	/* ours: the peer's GRE packets carry it */
	uint16_t peer_id;
	uint16_t serial;
	uint16_t peer_window;	/* packets */
	uint16_t peer_ppd;	/* 1/10 s */
	uint64_t deadline;	/* waiting states: give up at */
	char phone[PPTP_STR_LEN + 1];	/* PAC: the OCRQ's Phone Number */
};

struct pptp_ctrl_cfg {
	uint32_t handshake_ms;	/* SCCRQ/SCCRP must arrive within */
	uint32_t echo_ms;	/* Echo-Request after this long silent; 0 off */
	uint32_t echo_wait_ms;	/* peer dead if no reply within */
	uint32_t idle_ms;	/* close a connection without calls; 0 off */
	uint32_t call_ms;	/* call setup and clear replies within */
	uint32_t stop_ms;	/* StopCCRP within */
	unsigned int max_calls;	/* per control connection */
	unsigned int max_invalid; /* messages that make no sense before
				   * the connection is closed; 0 no limit */
	uint16_t window;	/* our receive window, packets */
	uint16_t ppd;		/* our packet processing delay, 1/10 s */
	char host[PPTP_STR_LEN + 1];
	char vendor[PPTP_STR_LEN + 1];
	char phone[PPTP_STR_LEN + 1];	/* PNS: number in our OCRQ, or "" */
};

/* Defaults: 60 s echo, 30 s for a reply, window 64 */
void pptp_ctrl_cfg_default(struct pptp_ctrl_cfg *cfg);

enum pptp_act_type {
	PPTP_ACT_SEND,		/* send @msg */
	PPTP_ACT_CALL_NEW,	/* make a kernel call for @call (peer_id
				 * etc.), then call_created/_refused(@slot) */
	PPTP_ACT_CALL_UP,	/* @call is up: start PPP on it */
	PPTP_ACT_CALL_DOWN,	/* @call is over: stop PPP, delete it */
	PPTP_ACT_CLOSE,		/* close the connection (after the sends) */
	PPTP_ACT_LOG,		/* @text at @warn (true) or info level */
	PPTP_ACT_CALL_REFUSED,	/* a call request refused here, before any
				 * CALL_NEW (already answered): @refusal */
};

/* Why the state machine itself refused a call request (CALL_REFUSED). */
enum pptp_refusal {
	PPTP_REFUSAL_WRONG_ROLE,	/* OCRQ to a PNS, ICRQ to a PAC */
	PPTP_REFUSAL_ID_IN_USE,		/* the peer's call ID is taken */
	PPTP_REFUSAL_CONN_LIMIT,	/* cfg.max_calls on this connection */
};

struct pptp_act {
	enum pptp_act_type type;
	int slot;			/* CALL_*: index of the call */
	struct pptp_call call;		/* CALL_*: the call, as it was */
	struct pptp_msg msg;		/* SEND */
	bool warn;			/* LOG */
	enum pptp_refusal refusal;	/* CALL_REFUSED */
	char text[192];			/* LOG */
};

typedef void (*pptp_emit_fn)(void *arg, const struct pptp_act *act);

struct pptp_ctrl {
	struct pptp_ctrl_cfg cfg;
	enum pptp_role role;
	enum pptp_ctrl_state state;
	uint64_t deadline;	/* handshake or StopCCRP */
	uint64_t last_rx;	/* last valid message */
	uint64_t idle_since;	/* no calls since (established) */
	bool echo_pending;
	uint32_t echo_id;
	uint64_t echo_sent;
	uint16_t next_serial;
	unsigned int ncalls;
	unsigned int ninvalid;	/* messages that made no sense */
	struct pptp_call *calls;	/* cfg.max_calls slots */
	char peer_host[PPTP_STR_LEN + 1];
	char peer_vendor[PPTP_STR_LEN + 1];
	pptp_emit_fn emit;
	void *arg;
};

int pptp_ctrl_init(struct pptp_ctrl *c, enum pptp_role role,
		   const struct pptp_ctrl_cfg *cfg, uint64_t now,
		   pptp_emit_fn emit, void *arg);
void pptp_ctrl_free(struct pptp_ctrl *c);

/* PNS: send SCCRQ. */
void pptp_ctrl_start(struct pptp_ctrl *c, uint64_t now);
/* A decoded message from the peer. */
void pptp_ctrl_input(struct pptp_ctrl *c, const struct pptp_msg *m,
		     uint64_t now);
/* Run the timers; the next one is due at pptp_ctrl_next_timer(). */
void pptp_ctrl_timer(struct pptp_ctrl *c, uint64_t now);
uint64_t pptp_ctrl_next_timer(const struct pptp_ctrl *c);

/* The answer to PPTP_ACT_CALL_NEW for @slot. */
void pptp_ctrl_call_created(struct pptp_ctrl *c, int slot, uint16_t local_id,
			    uint64_t now);
void pptp_ctrl_call_refused(struct pptp_ctrl *c, int slot, const char *why);
/* The same with "Do Not Accept" (OCRP/ICRP): we take no such calls. */
void pptp_ctrl_call_declined(struct pptp_ctrl *c, int slot, const char *why);
/* Place a call (PNS: OCRQ; PAC: ICRQ) with our @local_id; the slot or -1. */
int pptp_ctrl_call_open(struct pptp_ctrl *c, uint16_t local_id, uint64_t now);
/* PPP on @slot ended here: tell the peer, the call goes down. */
void pptp_ctrl_call_close(struct pptp_ctrl *c, int slot, uint64_t now);
int pptp_ctrl_find_local(const struct pptp_ctrl *c, uint16_t local_id);
/* Shut down politely: clear the calls, StopCCRQ, wait for StopCCRP. */
void pptp_ctrl_stop(struct pptp_ctrl *c, uint8_t reason, uint64_t now);
/* The connection is lost (TCP, bad input): calls down, close, no sends. */
void pptp_ctrl_abort(struct pptp_ctrl *c, const char *why);

const char *pptp_ctrl_state_name(enum pptp_ctrl_state s);
const char *pptp_call_state_name(enum pptp_call_state s);

#endif /* KPPTP_PPTP_CTRL_H */
