// SPDX-License-Identifier: GPL-2.0
/*
 * The PPTP control connection of kpptp.so's pptp_server mode: see
 * pptp_client.h.  The messages and the protocol are pptp_msg.c's and
 * pptp_ctrl.c's; this file moves bytes and waits.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "pptp_client.h"

/* ------------------------------------------------------------ names */

#define NAME(table, i) \
	((i) < sizeof(table) / sizeof((table)[0]) && (table)[i] ? (table)[i] : "?")

const char *pptp_sccrp_result_name(unsigned int result)
{
	static const char *const n[] = {
		[PPTP_SCCRP_OK] = "successful",
		[PPTP_SCCRP_GENERAL] = "general error",
		[PPTP_SCCRP_EXISTS] = "command channel already exists",
		[PPTP_SCCRP_NOT_AUTHORIZED] = "not authorized",
		[PPTP_SCCRP_BAD_VERSION] = "protocol version not supported",
	};

	return NAME(n, result);
}

const char *pptp_ocrp_result_name(unsigned int result)
{
	static const char *const n[] = {
		[PPTP_OCRP_CONNECTED] = "connected",
		[PPTP_OCRP_GENERAL] = "general error",
		[PPTP_OCRP_NO_CARRIER] = "no carrier",
		[PPTP_OCRP_BUSY] = "busy",
		[PPTP_OCRP_NO_DIALTONE] = "no dial tone",
		[PPTP_OCRP_TIMEOUT] = "time-out",
		[PPTP_OCRP_REFUSED] = "do not accept",
	};

	return NAME(n, result);
}

const char *pptp_cdn_result_name(unsigned int result)
{
	static const char *const n[] = {
		[PPTP_CDN_LOST_CARRIER] = "lost carrier",
		[PPTP_CDN_GENERAL] = "general error",
		[PPTP_CDN_ADMIN] = "admin shutdown",
		[PPTP_CDN_REQUEST] = "request",
	};

	return NAME(n, result);
}

const char *pptp_error_name(unsigned int error)
{
	static const char *const n[] = {
		[PPTP_ERR_NONE] = "none",
		[PPTP_ERR_NOT_CONNECTED] = "not connected",
		[PPTP_ERR_BAD_FORMAT] = "bad format",
		[PPTP_ERR_BAD_VALUE] = "bad value",
		[PPTP_ERR_NO_RESOURCE] = "no resource",
		[PPTP_ERR_BAD_CALL_ID] = "bad call ID",
		[PPTP_ERR_PAC_ERROR] = "PAC error",
	};

	return NAME(n, error);
}

const char *pptp_stop_reason_name(unsigned int reason)
{
	static const char *const n[] = {
		[PPTP_STOP_NONE] = "general request",
		[PPTP_STOP_BAD_VERSION] = "protocol version not supported",
		[PPTP_STOP_LOCAL_SHUTDOWN] = "local shutdown",
	};

	return NAME(n, reason);
}

/* ------------------------------------------------------------ basics */

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Log a line; the first warning since the last step is also the "why". */
__attribute__((format(printf, 3, 4)))
static void say(struct pptp_client *cl, enum pptp_client_level level,
		const char *fmt, ...)
{
	char text[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (level == PPTP_CLIENT_WARN && !cl->why[0])
		snprintf(cl->why, sizeof(cl->why), "%s", text);
	if (cl->log)
		cl->log(cl->log_arg, level, text);
}

void pptp_client_init(struct pptp_client *cl, pptp_client_log_fn log,
		      void *log_arg)
{
	memset(cl, 0, sizeof(*cl));
	cl->fd = -1;
	cl->slot = -1;
	cl->refuse_slot = -1;
	cl->log = log;
	cl->log_arg = log_arg;
}

void pptp_client_close(struct pptp_client *cl)
{
	if (cl->fd >= 0)
		close(cl->fd);
	cl->fd = -1;
	if (cl->ctrl_ok)
		pptp_ctrl_free(&cl->ctrl);
	cl->ctrl_ok = false;
	cl->closed = true;
}

/* ------------------------------------------------------------ output */

static void flush(struct pptp_client *cl)
{
	while (cl->outlen && cl->fd >= 0) {
		ssize_t n = send(cl->fd, cl->out, cl->outlen,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				cl->outlen = 0;	/* the read side sees the loss */
			return;
		}
		memmove(cl->out, cl->out + n, cl->outlen - (size_t)n);
		cl->outlen -= (size_t)n;
	}
}

static void queue(struct pptp_client *cl, const struct pptp_msg *msg)
{
	struct pptp_msg m = *msg;
	size_t n;

	if (cl->outlen + PPTP_MSG_MAX > sizeof(cl->out))
		flush(cl);
	n = pptp_msg_encode(&m, cl->out + cl->outlen,
			    sizeof(cl->out) - cl->outlen);
	if (!n) {
		say(cl, PPTP_CLIENT_WARN, "cannot send %s: the server does not read",
		    pptp_type_abbrev(m.type));
		pptp_ctrl_abort(&cl->ctrl, NULL);
		return;
	}
	say(cl, PPTP_CLIENT_DEBUG, "sent %s", pptp_type_abbrev(m.type));
	cl->outlen += n;
}

static void on_act(void *arg, const struct pptp_act *a)
{
	struct pptp_client *cl = arg;

	switch (a->type) {
	case PPTP_ACT_SEND:
		queue(cl, &a->msg);
		break;
	case PPTP_ACT_CALL_NEW:
		/* the server offers a call (ICRQ): answered after the input */
		cl->refuse_slot = a->slot;
		break;
	case PPTP_ACT_CALL_UP:
		if (a->slot == cl->slot) {
			cl->call = a->call;
			cl->call_up = true;
		}
		break;
	case PPTP_ACT_CALL_DOWN:
		if (a->slot == cl->slot) {
			cl->call_down = true;
			cl->slot = -1;
		}
		break;
	case PPTP_ACT_CLOSE:
		cl->closed = true;
		break;
	case PPTP_ACT_LOG:
		say(cl, a->warn ? PPTP_CLIENT_WARN : PPTP_CLIENT_INFO, "%s",
		    a->text);
		break;
	case PPTP_ACT_CALL_REFUSED:	/* logged already */
		break;
	}
}

/* ------------------------------------------------------------ input */

/* What the server says about our call or the connection, in words. */
static void explain(struct pptp_client *cl, const struct pptp_msg *m)
{
	const struct pptp_call *k = cl->slot >= 0 ? &cl->ctrl.calls[cl->slot] :
				    NULL;

	switch (m->type) {
	case PPTP_SCCRP:
		if (cl->ctrl.state == PPTP_CTRL_WAIT_SCCRP &&
		    m->sccrp.result != PPTP_SCCRP_OK)
			say(cl, PPTP_CLIENT_WARN,
			    "the server refused the control connection: result %u (%s), error %u (%s)",
			    m->sccrp.result,
			    pptp_sccrp_result_name(m->sccrp.result),
			    m->sccrp.error, pptp_error_name(m->sccrp.error));
		break;
	case PPTP_OCRP:
		if (k && k->state == PPTP_CALL_WAIT_OCRP &&
		    m->ocrp.peer_call_id == k->local_id &&
		    m->ocrp.result != PPTP_OCRP_CONNECTED)
			say(cl, PPTP_CLIENT_WARN,
			    "the server refused the call: result %u (%s), error %u (%s), cause %u",
			    m->ocrp.result,
			    pptp_ocrp_result_name(m->ocrp.result),
			    m->ocrp.error, pptp_error_name(m->ocrp.error),
			    m->ocrp.cause);
		break;
	case PPTP_CDN:
		if (k && k->state != PPTP_CALL_WAIT_CDN &&
		    m->cdn.call_id == k->peer_id)
			say(cl, PPTP_CLIENT_WARN,
			    "the server disconnected the call: result %u (%s), error %u (%s), cause %u",
			    m->cdn.result, pptp_cdn_result_name(m->cdn.result),
			    m->cdn.error, pptp_error_name(m->cdn.error),
			    m->cdn.cause);
		break;
	case PPTP_STOPCCRQ:
		if (cl->ctrl.state != PPTP_CTRL_WAIT_STOPCCRP)
			say(cl, PPTP_CLIENT_WARN,
			    "the server stopped the control connection: reason %u (%s)",
			    m->stopccrq.reason,
			    pptp_stop_reason_name(m->stopccrq.reason));
		break;
	default:
		break;
	}
}

static void lost(struct pptp_client *cl, const char *fmt, const char *arg)
{
	char text[256];

	snprintf(text, sizeof(text), fmt, arg);
	say(cl, PPTP_CLIENT_WARN, "%s", text);
	pptp_ctrl_abort(&cl->ctrl, NULL);
}

/* One message from the server into the state machines; false once closed. */
static bool take_msg(const struct pptp_msg *m, void *arg)
{
	struct pptp_client *cl = arg;

	say(cl, PPTP_CLIENT_DEBUG, "received %s", pptp_type_abbrev(m->type));
	explain(cl, m);
	pptp_ctrl_input(&cl->ctrl, m, now_ms());
	if (cl->refuse_slot >= 0) {
		pptp_ctrl_call_refused(&cl->ctrl, cl->refuse_slot,
				       "kpptp.so places calls, it takes none");
		cl->refuse_slot = -1;
	}
	return !cl->closed;
}

/* Read what is there (never blocks) and feed it to the state machines. */
static void read_input(struct pptp_client *cl)
{
	while (cl->fd >= 0 && !cl->closed) {
		struct pptp_msg_error e;
		ssize_t n;

		n = recv(cl->fd, cl->in + cl->inlen, sizeof(cl->in) - cl->inlen,
			 MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n < 0) {
			lost(cl, "control connection lost: %s", strerror(errno));
			return;
		}
		if (n == 0) {
			lost(cl, "the server closed the control connection (TCP)%s",
			     cl->inlen ? " in the middle of a message" : "");
			return;
		}
		cl->inlen += (size_t)n;
		if (pptp_msg_drain(cl->in, &cl->inlen, take_msg, cl, &e) < 0) {
			lost(cl, "malformed message from the server: %s", e.msg);
			return;
		}
	}
}

/* ------------------------------------------------------------ waiting */

/*
 * Serve the connection until @done, the end of the connection, or @wait_ms
 * have passed.  0 if @done.
 */
static int run_until(struct pptp_client *cl,
		     bool (*done)(const struct pptp_client *cl),
		     uint32_t wait_ms, const char *what)
{
	uint64_t deadline = now_ms() + wait_ms;
	struct pollfd pfd;

	for (;;) {
		uint64_t now, t;
		int n;

		flush(cl);
		if (done(cl))
			return 0;
		if (cl->closed || cl->fd < 0)
			return -1;
		now = now_ms();
		if (now >= deadline) {
			say(cl, PPTP_CLIENT_WARN,
			    "no %s from the server within %u ms", what, wait_ms);
			return -1;
		}
		t = pptp_ctrl_next_timer(&cl->ctrl);
		if (now >= t) {
			pptp_ctrl_timer(&cl->ctrl, now);
			continue;
		}
		if (t > deadline)
			t = deadline;
		pfd = (struct pollfd){
			.fd = cl->fd,
			.events = POLLIN | (cl->outlen ? POLLOUT : 0),
		};
		n = poll(&pfd, 1, t - now > INT_MAX ? INT_MAX : (int)(t - now));
		if (n < 0 && errno == EINTR) {
			if (cl->interrupted && cl->interrupted()) {
				say(cl, PPTP_CLIENT_WARN,
				    "interrupted while waiting for the %s",
				    what);
				return -1;
			}
			continue;
		}
		if (n < 0) {
			lost(cl, "poll: %s", strerror(errno));
			return -1;
		}
		if (pfd.revents & (POLLIN | POLLERR | POLLHUP))
			read_input(cl);
	}
}

static bool is_established(const struct pptp_client *cl)
{
	return cl->ctrl.state == PPTP_CTRL_ESTABLISHED;
}

static bool call_settled(const struct pptp_client *cl)
{
	return cl->call_up || cl->call_down;
}

static bool call_gone(const struct pptp_client *cl)
{
	return cl->slot < 0;
}

static bool conn_gone(const struct pptp_client *cl)
{
	return cl->closed;
}

/* ------------------------------------------------------------ steps */

static int tcp_connect(struct pptp_client *cl, uint32_t timeout_ms)
{
	char addr[INET_ADDRSTRLEN + 8];
	struct pollfd pfd;
	socklen_t len;
	int one = 1, e = 0, n;

	snprintf(addr, sizeof(addr), "%s:%u", inet_ntoa(cl->server.sin_addr),
		 ntohs(cl->server.sin_port));
	cl->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (cl->fd < 0) {
		say(cl, PPTP_CLIENT_WARN, "socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(cl->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(cl->fd, (struct sockaddr *)&cl->server,
		    sizeof(cl->server)) && errno != EINPROGRESS) {
		e = errno;
		goto fail;
	}
	pfd = (struct pollfd){ .fd = cl->fd, .events = POLLOUT };
	do {
		n = poll(&pfd, 1, (int)timeout_ms);
	} while (n < 0 && errno == EINTR &&
		 !(cl->interrupted && cl->interrupted()));
	if (n <= 0) {
		e = n ? errno : ETIMEDOUT;
		goto fail;
	}
	len = sizeof(e);
	getsockopt(cl->fd, SOL_SOCKET, SO_ERROR, &e, &len);
	if (e)
		goto fail;
	len = sizeof(cl->local);
	getsockname(cl->fd, (struct sockaddr *)&cl->local, &len);
	say(cl, PPTP_CLIENT_DEBUG, "TCP connected to %s", addr);
	return 0;
fail:
	say(cl, PPTP_CLIENT_WARN, "TCP connection to %s: %s", addr,
	    strerror(e));
	close(cl->fd);
	cl->fd = -1;
	return -1;
}

int pptp_client_connect(struct pptp_client *cl,
			const struct sockaddr_in *server,
			const struct pptp_ctrl_cfg *cfg)
{
	struct pptp_ctrl_cfg c = *cfg;

	cl->why[0] = '\0';
	cl->server = *server;
	if (tcp_connect(cl, cfg->handshake_ms))
		return -1;
	/* our own waits, which say what was missing, end first */
	c.handshake_ms += 1000;
	c.call_ms += 1000;
	cl->call_ms = cfg->call_ms;
	if (pptp_ctrl_init(&cl->ctrl, PPTP_ROLE_PNS, &c, now_ms(), on_act,
			   cl)) {
		say(cl, PPTP_CLIENT_WARN, "cannot set up the control connection");
		pptp_client_close(cl);
		return -1;
	}
	cl->ctrl_ok = true;
	cl->closed = false;
	pptp_ctrl_start(&cl->ctrl, now_ms());
	if (run_until(cl, is_established, cfg->handshake_ms,
		      "Start-Control-Connection-Reply"))
		return -1;
	return 0;
}

int pptp_client_call(struct pptp_client *cl, uint16_t local_id)
{
	cl->why[0] = '\0';
	if (!cl->ctrl_ok || cl->closed || !is_established(cl)) {
		say(cl, PPTP_CLIENT_WARN, "no control connection");
		return -1;
	}
	cl->call_up = cl->call_down = false;
	cl->slot = pptp_ctrl_call_open(&cl->ctrl, local_id, now_ms());
	if (cl->slot < 0) {
		say(cl, PPTP_CLIENT_WARN, "cannot place the call");
		return -1;
	}
	if (run_until(cl, call_settled, cl->call_ms,
		      "Outgoing-Call-Reply") || !cl->call_up)
		return -1;
	cl->why[0] = '\0';
	return 0;
}

int pptp_client_poll(struct pptp_client *cl)
{
	uint64_t now;

	if (cl->fd < 0 || cl->closed || !cl->ctrl_ok)
		return -1;
	cl->why[0] = '\0';	/* all was well until now */
	read_input(cl);
	now = now_ms();
	if (!cl->closed && pptp_ctrl_next_timer(&cl->ctrl) <= now)
		pptp_ctrl_timer(&cl->ctrl, now);
	flush(cl);
	if (cl->call_down || cl->closed || cl->slot < 0) {
		if (!cl->why[0])
			say(cl, PPTP_CLIENT_WARN, "the call is over");
		return -1;
	}
	return 0;
}

void pptp_client_hangup(struct pptp_client *cl, uint32_t wait_ms)
{
	if (cl->fd < 0 || !cl->ctrl_ok) {
		pptp_client_close(cl);
		return;
	}
	if (!cl->closed && cl->slot >= 0 && is_established(cl)) {
		pptp_ctrl_call_close(&cl->ctrl, cl->slot, now_ms());
		run_until(cl, call_gone, wait_ms,
			  "Call-Disconnect-Notify");
	}
	if (!cl->closed && is_established(cl)) {
		pptp_ctrl_stop(&cl->ctrl, PPTP_STOP_NONE, now_ms());
		run_until(cl, conn_gone, wait_ms,
			  "Stop-Control-Connection-Reply");
	}
	flush(cl);
	pptp_client_close(cl);
}
