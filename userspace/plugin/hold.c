// SPDX-License-Identifier: GPL-2.0
/*
 * kpptp_hold_ipcp: on a terminating relay gateway (kpptpd's relay.c) the
 * client's IPCP must not start before the next hop's IPCP is up, since the
 * client gets the addresses the final server gave.  pppd has no hook that
 * delays a network protocol, so IPCP's open is wrapped: when pppd opens
 * IPCP (after authentication and, with MPPE required, after CCP), the open
 * waits until kpptpd sends "ipcp_go" on the report socket (report.h), then
 * sets the addresses it names as the ones IPCP wants and opens it.  While
 * it waits, the peer's IPCP packets are held back from pppd (its input is
 * wrapped too): the last Configure-Request is kept and handed to IPCP
 * right after the open, so the peer gets its answer at once instead of
 * after its restart timer (3 s by default, per hop of a relay chain).
 *
 * pppd's loop gives plugins timers, not descriptors, so the socket is
 * read every HOLD_POLL_MS while IPCP waits.  kpptpd bounds the wait (it
 * hangs the call up); the socket closing ends the link here.
 */
#include "pppd_compat.h"	/* first: pppd 2.4 defines its own bool */

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "../lib/report.h"
#include "kpptp.h"

#define HOLD_POLL_MS 20

int kpptp_hold_ipcp;		/* the option */

static void (*ipcp_open_real)(int unit);
static void (*ipcp_input_real)(int unit, u_char *pkt, int len);
static u_char held_req[1500];	/* the peer's last Configure-Request */
static int held_req_len;
static struct report_in hold_in;
static int hold_fd = -1;
static int held = -1;		/* the unit whose open waits, or -1 */
static int go;			/* ipcp_go arrived */
static uint32_t go_local, go_remote;	/* network order, 0: pppd's own */

static void hold_record(void *arg, const struct report_rec *r,
			const char *why)
{
	(void)arg;
	if (!r) {
		warn("kpptp: kpptp_hold_ipcp: from kpptpd: %s: ignored", why);
		return;
	}
	if (r->event != REPORT_IPCP_GO) {
		warn("kpptp: kpptp_hold_ipcp: from kpptpd: a record that is not ipcp_go: ignored");
		return;
	}
	go = 1;
	go_local = r->local_ip;
	go_remote = r->remote_ip;
}

/* The peer may have the address kpptpd gave (else pppd's own rules). */
static int hold_allowed(uint32_t addr)
{
	return go_remote && addr == go_remote ? 1 : -1;
}

static void hold_release(int unit)
{
	ipcp_options *wo = &ipcp_wantoptions[unit];
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

	held = -1;
	if (go_local) {
		wo->ouraddr = go_local;
		wo->accept_local = 0;
	}
	if (go_remote) {
		wo->hisaddr = go_remote;
		wo->accept_remote = 0;
		allowed_address_hook = hold_allowed;
	}
	if (go_local || go_remote)
		notice("kpptp: IPCP starts with the relayed addresses %s:%s",
		       inet_ntop(AF_INET, &go_local, a, sizeof(a)),
		       inet_ntop(AF_INET, &go_remote, b, sizeof(b)));
	else
		dbglog("kpptp: IPCP starts");
	ipcp_open_real(unit);
	if (held_req_len) {
		ipcp_input_real(unit, held_req, held_req_len);
		held_req_len = 0;
	}
}

/* While IPCP waits: keep the peer's request, answer nothing yet. */
static void hold_input(int unit, u_char *pkt, int len)
{
	if (held < 0) {
		ipcp_input_real(unit, pkt, len);
		return;
	}
	if (len >= HEADERLEN && pkt[0] == CONFREQ &&
	    (size_t)len <= sizeof(held_req)) {
		memcpy(held_req, pkt, (size_t)len);
		held_req_len = len;
	}
}

/* Read what kpptpd sent; -1 when the socket is gone. */
static int hold_read(void)
{
	char buf[REPORT_REC_MAX];
	ssize_t n;

	while (!go) {
		n = read(hold_fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n <= 0)
			return -1;
		report_input(&hold_in, buf, (size_t)n, hold_record, NULL);
	}
	return 0;
}

static void hold_poll(void *arg)
{
	(void)arg;
	if (held < 0)
		return;
	if (hold_read()) {
		error("kpptp: kpptp_hold_ipcp: kpptpd closed the report socket while IPCP waited");
		held = -1;
		lcp_close(0, "kpptpd is gone");
		return;
	}
	if (go)
		hold_release(held);
	else
		ppp_timeout(hold_poll, NULL, 0, HOLD_POLL_MS * 1000);
}

static void hold_open(int unit)
{
	if (held >= 0)
		return;
	held = unit;
	dbglog("kpptp: IPCP waits for kpptpd");
	hold_poll(NULL);
}

int kpptp_hold_pending(void)
{
	return hold_fd >= 0 && !go;
}

int kpptp_hold_setup(int fd)
{
	if (fd < 0) {
		ppp_option_error("kpptp: kpptp_hold_ipcp needs kpptp_report FD (kpptpd gives both)");
		return -1;
	}
	hold_fd = fd;
	report_in_init(&hold_in);
	ipcp_open_real = ipcp_protent.open;
	ipcp_protent.open = hold_open;
	ipcp_input_real = ipcp_protent.input;
	ipcp_protent.input = hold_input;
	return 0;
}
