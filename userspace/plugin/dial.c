// SPDX-License-Identifier: GPL-2.0
/*
 * kpptp.so's pptp_server mode, pptp.so's client role on kpptp.ko:
 *
 *   1. resolve the server, open the PPTP control connection (TCP 1723,
 *      Start-Control-Connection-Request/Reply; pptp_client.c);
 *   2. make the kernel call over netlink, the kernel picking a random
 *      unused ID, without the server's call ID (not known yet: the call
 *      waits, with no channel), and bind a PX_PROTO_PPTP socket to it at
 *      once, so that the call belongs to pppd from then on (closing the
 *      socket, whatever kills pppd, deletes it);
 *   3. Outgoing-Call-Request with that ID (pptp_phone, pptp_window),
 *      Outgoing-Call-Reply: give the kernel call the server's call ID,
 *      window and processing delay, which registers its channel; pppd runs
 *      PPP on the socket.
 *
 * While the link is up the control connection must be served: Echo-Requests
 * answered, our own echoes sent to notice a dead server, and the end of the
 * call (Call-Disconnect-Notify, Stop-Control-Connection-Request, TCP lost)
 * turned into a hang-up.  pppd's plugin API (2.4 and 2.5) has timers but no
 * way to watch a descriptor, so a pppd timer reads the non-blocking TCP
 * socket once a second (pptp_client_poll() never blocks).  We chose that
 * over a forked helper process: no signals between processes, no child to
 * reap, nothing inherited by the scripts pppd forks, and the whole state in
 * pppd.  The cost is up to a second of delay in answering an echo (the
 * server waits tens of seconds) and in noticing the server's hang-up.
 *
 * When the server ends the call we delete the kernel call over netlink:
 * the channel goes, pppd sees a hangup ("Modem hangup", exit status 16, a
 * redial with persist), then calls our disconnect.  When pppd ends the link
 * disconnect sends Call-Clear-Request, waits briefly for
 * Call-Disconnect-Notify, sends Stop-Control-Connection-Request, waits
 * briefly for the reply and closes; kpptp.c then closes the socket, which
 * deletes the kernel call.
 */
#include "pppd_compat.h"	/* first: pppd 2.4 defines its own bool */

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../lib/nl.h"
#include "kpptp.h"
#include "pptp_client.h"

#define POLL_S		1	/* serve the control connection this often */
#define SETUP_MS	10000	/* SCCRP and OCRP within */
#define HANGUP_MS	2000	/* CDN and StopCCRP within, at the end */
#define WINDOW_MAX	8192

static struct pptp_client cl;
static int active;		/* a call is up, tick() runs */
static uint16_t call_id;	/* its kernel call */
static int send_window;		/* kpptp_dial.send_window */
static int link_up;		/* warnings as warn() rather than debug */

static void client_log(void *arg, enum pptp_client_level level,
		       const char *text)
{
	(void)arg;
	switch (level) {
	case PPTP_CLIENT_DEBUG:
		dbglog("kpptp: %s", text);
		break;
	case PPTP_CLIENT_INFO:
		/* during setup kpptp_dial() tells the story */
		if (link_up)
			info("kpptp: %s", text);
		else
			dbglog("kpptp: %s", text);
		break;
	case PPTP_CLIENT_WARN:
		/* during setup the failure is reported once, by error() */
		if (link_up)
			warn("kpptp: %s", text);
		else
			dbglog("kpptp: %s", text);
		break;
	}
}

static bool quit_asked(void)
{
	return kpptp_quit_asked();
}

static int resolve(const char *host, struct sockaddr_in *sa)
{
	struct addrinfo hints = {
		.ai_family = AF_INET,
		.ai_socktype = SOCK_STREAM,
	};
	struct addrinfo *res;
	int r;

	r = getaddrinfo(host, NULL, &hints, &res);
	if (r) {
		error("kpptp: pptp_server %s: %s", host,
		      r == EAI_SYSTEM ? strerror(errno) : gai_strerror(r));
		return -1;
	}
	*sa = *(struct sockaddr_in *)res->ai_addr;
	sa->sin_port = htons(PPTP_PORT);
	freeaddrinfo(res);
	return 0;
}

static const char *nl_why(struct kpptp_nl *nl, int r)
{
	const char *m = kpptp_nl_error(nl)->msg;

	return *m ? m : strerror(-r);
}

/* The kernel call, before the server's call ID is known: it waits for it. */
static int call_new(struct kpptp_nl *nl, const struct kpptp_dial *d)
{
	struct kpptp_call_cfg cfg = { 0 };
	struct kpptp_call_info info;
	char peer[INET_ADDRSTRLEN];
	int r;

	cfg.set = KPPTP_CFG(KPPTP_A_PEER_ADDR) |
		  KPPTP_CFG(KPPTP_A_LOCAL_ADDR) |
		  KPPTP_CFG(KPPTP_A_RECV_WINDOW);
	cfg.peer_addr = cl.server.sin_addr.s_addr;
	cfg.local_addr = cl.local.sin_addr.s_addr;	/* GRE as TCP goes */
	cfg.recv_window = (uint16_t)d->window;
	if (d->send_window > 0) {
		/* pptp.so's sliding window: sends wait for acks */
		cfg.set |= KPPTP_CFG(KPPTP_A_FLAGS);
		cfg.flags |= KPPTP_F_TX_WINDOW;
	}
	if (d->reorder_ms == 0) {
		/* no wait: packets go up as they come, late ones dropped */
		cfg.set |= KPPTP_CFG(KPPTP_A_FLAGS);
		cfg.flags |= KPPTP_F_NO_REORDER;
	} else if (d->reorder_ms > 0) {
		cfg.set |= KPPTP_CFG(KPPTP_A_REORDER_TIMEOUT);
		cfg.reorder_timeout_ms = (uint32_t)d->reorder_ms;
	}
	r = kpptp_call_new(nl, &cfg, &info);
	if (r) {
		inet_ntop(AF_INET, &cfg.peer_addr, peer, sizeof(peer));
		error("kpptp: cannot make the kernel call to %s: %s", peer,
		      nl_why(nl, r));
		return -1;
	}
	call_id = info.cfg.id;
	return 0;
}

/* The Outgoing-Call-Reply's figures into the kernel call. */
static int call_set_peer(struct kpptp_nl *nl)
{
	struct kpptp_call_cfg cfg = { 0 };
	int r;

	cfg.set = KPPTP_CFG(KPPTP_A_CALL_ID) | KPPTP_CFG(KPPTP_A_PEER_CALL_ID) |
		  KPPTP_CFG(KPPTP_A_PEER_PPD);
	cfg.id = call_id;
	cfg.peer_id = cl.call.peer_id;
	cfg.peer_ppd = cl.call.peer_ppd;
	/* a window of 0 is no window: the kernel's default stands */
	if (cl.call.peer_window) {
		cfg.set |= KPPTP_CFG(KPPTP_A_PEER_RECV_WINDOW);
		cfg.peer_recv_window = cl.call.peer_window > WINDOW_MAX ?
				       WINDOW_MAX : cl.call.peer_window;
	}
	/* pptp_window N: our sliding window, within the server's */
	if (send_window > 0 && (!cl.call.peer_window ||
				send_window < cfg.peer_recv_window)) {
		cfg.set |= KPPTP_CFG(KPPTP_A_PEER_RECV_WINDOW);
		cfg.peer_recv_window = (uint16_t)send_window;
	}
	r = kpptp_call_set(nl, &cfg);
	if (r)
		error("kpptp: call %u: setting the server's call ID %u: %s",
		      call_id, cfg.peer_id, nl_why(nl, r));
	return r ? -1 : 0;
}

/* The server ended the call: take the channel away, pppd hangs up. */
static void kernel_hangup(void)
{
	struct kpptp_nl *nl;
	int r;

	r = kpptp_nl_open(&nl);
	if (!r) {
		r = kpptp_call_del(nl, call_id);
		if (r && r != -ENOENT)
			warn("kpptp: deleting call %u: %s", call_id,
			     nl_why(nl, r));
		kpptp_nl_close(nl);
	}
	if (r && r != -ENOENT) {
		warn("kpptp: hanging up with SIGHUP instead");
		kill(getpid(), SIGHUP);
	}
}

static void tick(void *arg)
{
	(void)arg;
	if (!active)
		return;
	if (!pptp_client_poll(&cl)) {
		ppp_timeout(tick, NULL, POLL_S, 0);
		return;
	}
	notice("kpptp: %s: hanging up call %u", cl.why, call_id);
	kernel_hangup();
}

int kpptp_dial(const struct kpptp_dial *d, uint16_t *id)
{
	char server[INET_ADDRSTRLEN];
	struct pptp_ctrl_cfg cfg;
	struct kpptp_nl *nl = NULL;
	struct sockaddr_in sa;
	int fd = -1, r;

	active = 0;
	link_up = 0;
	call_id = 0;
	send_window = d->send_window;
	if (resolve(d->server, &sa))
		return -1;
	inet_ntop(AF_INET, &sa.sin_addr, server, sizeof(server));

	pptp_ctrl_cfg_default(&cfg);
	cfg.max_calls = 1;
	cfg.window = (uint16_t)d->window;
	cfg.handshake_ms = SETUP_MS;
	cfg.call_ms = SETUP_MS;
	cfg.stop_ms = HANGUP_MS;
	pptp_client_init(&cl, client_log, NULL);
	cl.interrupted = quit_asked;

	info("kpptp: connecting to the PPTP server %s (%s) on TCP port %u",
	     d->server, server, PPTP_PORT);
	if (d->phone)
		snprintf(cfg.phone, sizeof(cfg.phone), "%s", d->phone);
	if (pptp_client_connect(&cl, &sa, &cfg))
		goto fail_ctrl;
	info("kpptp: control connection to %s up (server host \"%s\" vendor \"%s\")",
	     server, cl.ctrl.peer_host, cl.ctrl.peer_vendor);

	r = kpptp_nl_open(&nl);
	if (r) {
		error("kpptp: the kpptp netlink family: %s",
		      r == -ENOENT ? "not found (load kpptp.ko: pptp_server needs it, pptp.ko will not do)" :
		      strerror(-r));
		goto fail;
	}
	if (call_new(nl, d))
		goto fail;
	fd = kpptp_bind_call(call_id);
	if (fd < 0) {
		kpptp_call_del(nl, call_id);
		goto fail;
	}
	if (pptp_client_call(&cl, call_id))
		goto fail_ctrl;
	if (call_set_peer(nl) || kpptp_check_channel(fd, call_id, 1))
		goto fail;
	kpptp_nl_close(nl);

	info("kpptp: call %u to %s: server call ID %u, window %u, processing delay %u.%u s",
	     call_id, server, cl.call.peer_id, cl.call.peer_window,
	     cl.call.peer_ppd / 10, cl.call.peer_ppd % 10);
	*id = call_id;
	active = 1;
	link_up = 1;
	ppp_timeout(tick, NULL, POLL_S, 0);
	return fd;

fail_ctrl:
	error("kpptp: pptp_server %s: %s", d->server,
	      cl.why[0] ? cl.why : "the control connection failed");
fail:
	if (fd >= 0)
		close(fd);	/* deletes the kernel call */
	kpptp_nl_close(nl);
	pptp_client_hangup(&cl, HANGUP_MS);
	return -1;
}

void kpptp_dial_hangup(void)
{
	ppp_untimeout(tick, NULL);
	if (!active)
		return;
	active = 0;
	link_up = 0;
	pptp_client_hangup(&cl, HANGUP_MS);
	info("kpptp: call %u cleared, control connection closed", call_id);
}

void kpptp_dial_close(void)
{
	if (cl.fd >= 0)
		close(cl.fd);
	cl.fd = -1;
}
