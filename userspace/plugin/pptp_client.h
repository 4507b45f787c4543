/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One PPTP control connection in the PNS (client) role, for one call: TCP
 * port 1723 to the server, the byte stream cut into messages by
 * pptp_msg_decode(), and the state machines of pptp_ctrl.c fed with them.
 * No pppd and no netlink here (kpptp.so's dial.c does those), so the host
 * unit tests can play a server against it.
 *
 *	struct pptp_client cl;
 *	pptp_client_init(&cl, log_fn, arg);
 *	if (pptp_client_connect(&cl, &server, &cfg) ||		SCCRQ/SCCRP
 *	    pptp_client_call(&cl, local_id))			OCRQ/OCRP
 *		... cl.why says what went wrong; pptp_client_hangup()
 *	cl.call: the server's call ID, window and processing delay
 *	while the link is up: pptp_client_poll() now and then (never blocks):
 *		-1: the call is over (CDN, Stop-Control-Connection-Request,
 *		    TCP lost, no Echo-Reply), cl.why says how
 *	pptp_client_hangup(&cl, ms): CCRQ, wait for CDN, StopCCRQ, wait for
 *		StopCCRP, close; each wait at most @ms
 *
 * The blocking steps wait at most cfg.handshake_ms (TCP connect, SCCRP) and
 * cfg.call_ms (OCRP); a poll() interrupted by a signal gives up when the
 * @interrupted callback says so (pppd asked to quit).
 */
#ifndef KPPTP_PPTP_CLIENT_H
#define KPPTP_PPTP_CLIENT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../pptp/pptp_ctrl.h"

enum pptp_client_level { PPTP_CLIENT_DEBUG, PPTP_CLIENT_INFO,
			 PPTP_CLIENT_WARN };

typedef void (*pptp_client_log_fn)(void *arg, enum pptp_client_level level,
				   const char *text);

struct pptp_client {
	int fd;				/* TCP, -1 when closed */
	struct sockaddr_in server, local;
	struct pptp_ctrl ctrl;
	bool ctrl_ok;			/* ctrl initialised */
	bool closed;			/* the state machine said close */
	int slot;			/* our call in ctrl, -1 if none */
	int refuse_slot;		/* a call the server offered us */
	bool call_up, call_down;
	struct pptp_call call;		/* as it came up */
	uint32_t call_ms;		/* wait for the Outgoing-Call-Reply */
	uint8_t in[PPTP_MSG_MAX];
	size_t inlen;
	uint8_t out[4 * PPTP_MSG_MAX];
	size_t outlen;
	char why[256];			/* first problem since the last step */
	pptp_client_log_fn log;
	void *log_arg;
	bool (*interrupted)(void);	/* may be NULL */
};

void pptp_client_init(struct pptp_client *cl, pptp_client_log_fn log,
		      void *log_arg);
/* TCP to @server, then the control connection handshake.  0 or -1. */
int pptp_client_connect(struct pptp_client *cl,
			const struct sockaddr_in *server,
			const struct pptp_ctrl_cfg *cfg);
/* Outgoing-Call-Request with our @local_id, wait for the reply.  0 or -1. */
int pptp_client_call(struct pptp_client *cl, uint16_t local_id);
/* Serve whatever arrived, run the timers.  0: the call is up; -1: over. */
int pptp_client_poll(struct pptp_client *cl);
/* Clear our call and the connection politely, each step within @wait_ms. */
void pptp_client_hangup(struct pptp_client *cl, uint32_t wait_ms);
/* Close without a word (a child process, or after hangup). */
void pptp_client_close(struct pptp_client *cl);

/* RFC 2637 result code names, "?" if unknown */
const char *pptp_sccrp_result_name(unsigned int result);
const char *pptp_ocrp_result_name(unsigned int result);
const char *pptp_cdn_result_name(unsigned int result);
const char *pptp_error_name(unsigned int error);
const char *pptp_stop_reason_name(unsigned int reason);

#endif /* KPPTP_PPTP_CLIENT_H */
