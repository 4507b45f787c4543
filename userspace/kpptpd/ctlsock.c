// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket: a unix stream socket (default /run/kpptpd.sock, mode
 * 0600) speaking the protocol of lib/ctlproto.h to kpptpctl.  Requests:
 *
 *	get=1		the daemon, its connections and their calls
 *	set=1		disconnect_conn=ID, disconnect_call=ID, reload=1
 *	monitor=1	then one record per daemon event, until closed
 *
 * Nothing here blocks: requests are read into a fixed buffer (a longer one
 * is refused and the client closed), replies and events queue on the
 * client, and a client that does not read is closed rather than waited
 * for (REPLY_MAX for one reply, MONITOR_MAX of unread events).  A client
 * that sends no complete request for IDLE_MS is closed; at most
 * CLIENTS_MAX are served at once.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "kpptpd.h"

#ifndef KPPTP_VERSION
#define KPPTP_VERSION "0.1"
#endif

#define CLIENTS_MAX	64
#define REPLY_MAX	(16U << 20)	/* one get reply */
#define MONITOR_MAX	(256U << 10)	/* unread events of one client */
#define EVENT_MAX	4096		/* one event record */
#define IDLE_MS		30000
#define SET_MAX		32		/* keys in one set request */

struct client {
	struct ev ev;
	struct client *next;
	unsigned int id;
	int fd;
	char in[CP_REQ_MAX];
	size_t inlen;
	struct cp_buf out;
	size_t outoff;		/* bytes of @out already sent */
	uint64_t idle_until;	/* no request by then: closed (not monitor) */
	bool monitor;
	bool closed;
	bool close_when_sent;
	uint32_t events;	/* epoll interest */
};

static struct {
	int fd;
	struct ev ev;
	char *path;
	struct client *clients;
	unsigned int n, next_id;
	struct cp_buf event;
} cs = { .fd = -1 };

int ctlsock_open(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	mode_t old;
	int fd, probe;

	if (!path || !*path)
		return 0;		/* "control-socket none" */
	if (strlen(path) >= sizeof(sa.sun_path)) {
		err("control socket %s: path longer than %zu bytes", path,
		    sizeof(sa.sun_path) - 1);
		return -1;
	}
	strcpy(sa.sun_path, path);

	/* a kpptpd answering there owns the calls: leave it alone */
	probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (probe >= 0 && !connect(probe, (struct sockaddr *)&sa, sizeof(sa))) {
		close(probe);
		err("control socket %s: another kpptpd is running (it answers there)",
		    path);
		return -1;
	}
	if (probe >= 0)
		close(probe);
	if (!lstat(path, &st)) {
		if (!S_ISSOCK(st.st_mode)) {
			err("control socket %s: exists and is not a socket",
			    path);
			return -1;
		}
		info("control socket %s: removing a stale one", path);
		unlink(path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err("control socket: %s", strerror(errno));
		return -1;
	}
	/*
	 * bind() makes the file with the socket's own mode less the umask:
	 * 0600 set on the socket, never by a chmod() of the path, which
	 * someone could have swapped for a link by then.
	 */
	old = umask(0177);
	if (fchmod(fd, 0600) || bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		umask(old);
		err("control socket %s: bind: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	umask(old);
	if (listen(fd, 16)) {
		err("control socket %s: %s", path, strerror(errno));
		unlink(path);
		close(fd);
		return -1;
	}
	cs.path = strdup(path);
	cs.ev.kind = EV_CTL_LISTEN;
	if (!cs.path || ev_add(fd, EPOLLIN, &cs.ev)) {
		err("control socket %s: %s", path, strerror(errno));
		unlink(path);
		close(fd);
		free(cs.path);
		cs.path = NULL;
		return -1;
	}
	cs.fd = fd;
	cp_buf_init(&cs.event, EVENT_MAX);
	info("control socket %s", path);
	return 0;
}

static void client_free(struct client *cl)
{
	epoll_ctl(kd.epfd, EPOLL_CTL_DEL, cl->fd, NULL);
	close(cl->fd);
	cp_buf_free(&cl->out);
	free(cl);
	cs.n--;
}

void ctlsock_close(void)
{
	struct client *cl;

	while ((cl = cs.clients)) {
		cs.clients = cl->next;
		client_free(cl);
	}
	if (cs.fd < 0)
		return;
	epoll_ctl(kd.epfd, EPOLL_CTL_DEL, cs.fd, NULL);
	close(cs.fd);
	cs.fd = -1;
	unlink(cs.path);
	free(cs.path);
	cs.path = NULL;
	cp_buf_free(&cs.event);
}

/* fdlimit_timers(), a second after ctlsock_accept() paused the socket */
static void ctlsock_listen_resume(void)
{
	if (cs.fd >= 0)
		ev_mod(cs.fd, EPOLLIN, &cs.ev);
}

void ctlsock_accept(void)
{
	struct client *cl;
	int fd;

	fd = accept4(cs.fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0 && (errno == EMFILE || errno == ENFILE)) {
		/* off the queue, or the loop wakes for it again and again */
		int r = fdlimit_shed(cs.fd, NULL, NULL);

		if (r > 0)
			warn("control socket: refused a client: out of file descriptors");
		if (r < 0) {
			ev_mod(cs.fd, 0, &cs.ev);
			fdlimit_pause(ctlsock_listen_resume, now_ms());
		}
		return;
	}
	if (fd < 0) {
		if (errno != EAGAIN && errno != EINTR)
			warn("control socket: accept: %s", strerror(errno));
		return;
	}
	if (cs.n >= CLIENTS_MAX) {
		warn("control socket: refused a client: %u connected already",
		     cs.n);
		close(fd);
		return;
	}
	cl = calloc(1, sizeof(*cl));
	if (!cl) {
		close(fd);
		return;
	}
	cl->ev.kind = EV_CTL_CLIENT;
	cl->fd = fd;
	cl->id = ++cs.next_id;
	cl->idle_until = now_ms() + IDLE_MS;
	cp_buf_init(&cl->out, REPLY_MAX);
	cl->events = EPOLLIN;
	if (ev_add(fd, EPOLLIN, &cl->ev)) {
		warn("control socket: %s", strerror(errno));
		close(fd);
		free(cl);
		return;
	}
	cl->next = cs.clients;
	cs.clients = cl;
	cs.n++;
	dbg("control client %u connected", cl->id);
}

static bool pending(const struct client *cl)
{
	return cl->out.len > cl->outoff;
}

static void client_flush(struct client *cl)
{
	while (pending(cl)) {
		ssize_t n = send(cl->fd, cl->out.data + cl->outoff,
				 cl->out.len - cl->outoff, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				cl->closed = true;
			break;
		}
		cl->outoff += (size_t)n;
	}
	if (!pending(cl)) {
		cl->out.len = cl->outoff = 0;
		if (cl->close_when_sent)
			cl->closed = true;
	} else if (cl->outoff > cl->out.len / 2) {
		memmove(cl->out.data, cl->out.data + cl->outoff,
			cl->out.len - cl->outoff);
		cl->out.len -= cl->outoff;
		cl->outoff = 0;
	}
}

/*
 * What to wait for: a request client gets one reply at a time (no reading
 * while its reply is unsent), a monitor client is always read (its input
 * is thrown away, its EOF noticed).
 */
static void client_update(struct client *cl)
{
	uint32_t want;

	if (cl->closed)
		return;
	if (cl->close_when_sent || (pending(cl) && !cl->monitor))
		want = EPOLLOUT;
	else
		want = EPOLLIN | (pending(cl) ? EPOLLOUT : 0);
	if (want != cl->events) {
		cl->events = want;
		ev_mod(cl->fd, want, &cl->ev);
	}
}

static void reply_errno(struct client *cl, int e, const char *msg)
{
	if (msg)
		cp_put(&cl->out, "message", "%s", msg);
	cp_put(&cl->out, "errno", "%d", e);
	cp_end(&cl->out);
}

static void get_reply(struct client *cl)
{
	struct cp_buf *b = &cl->out;
	size_t start = b->len;
	char a[INET_ADDRSTRLEN];
	struct conn *c;
	unsigned int i;

	cp_put(b, "pid", "%d", (int)getpid());
	cp_put(b, "version", "%s", KPPTP_VERSION);
	cp_put(b, "uptime_ms", "%llu",
	       (unsigned long long)(now_ms() - kd.started));
	if (kd.conf.connect) {
		cp_put(b, "role", "client");
		cp_put(b, "connect", "%s:%u", ipstr(kd.conf.connect, a),
		       kd.conf.port);
	} else {
		cp_put(b, "role", "server");
		cp_put(b, "listen", "%s:%u", ipstr(kd.conf.listen, a),
		       kd.conf.port);
	}
	cp_put(b, "config", "%s", kd.conf_path);
	cp_put(b, "connections", "%u", kd.nconns);
	cp_put(b, "calls", "%u", kd.ncalls);
	cp_put(b, "max_connections", "%u", kd.conf.max_conns);
	cp_put(b, "max_per_source", "%u", kd.conf.max_per_source);
	cp_put(b, "max_calls", "%u", kd.conf.max_calls);
	cp_put(b, "max_calls_per_connection", "%u", kd.conf.ctrl.max_calls);
	cp_put(b, "max_call_rate", "%u", kd.conf.max_call_rate);
	cp_put(b, "max_calls_per_source", "%u", kd.conf.max_calls_per_source);
	cp_put(b, "max_invalid_messages", "%u", kd.conf.ctrl.max_invalid);
	cp_put(b, "idle_timeout_ms", "%u", kd.conf.ctrl.idle_ms);
	cp_put(b, "conns_accepted", "%llu",
	       (unsigned long long)kd.conns_accepted);
	cp_put(b, "conns_refused", "%llu",
	       (unsigned long long)kd.conns_refused);
	cp_put(b, "calls_accepted", "%llu",
	       (unsigned long long)kd.calls_accepted);
	cp_put(b, "calls_refused", "%llu",
	       (unsigned long long)kd.calls_refused);
	for (i = 0; i < CP_NREFUSALS; i++) {
		char key[CP_KEY_MAX + 1];

		snprintf(key, sizeof(key), "refused_%s", cp_refusal_name(i));
		cp_put(b, key, "%llu", (unsigned long long)kd.refused[i]);
	}
	if (kd.conf.dm_port) {
		cp_put(b, "dm_received", "%llu",
		       (unsigned long long)dm_stats.received);
		cp_put(b, "dm_acks", "%llu", (unsigned long long)dm_stats.acks);
		cp_put(b, "dm_naks", "%llu", (unsigned long long)dm_stats.naks);
		cp_put(b, "dm_disconnected", "%llu",
		       (unsigned long long)dm_stats.disconnected);
		for (i = 0; i < CP_DM_NDROPS; i++) {
			char key[CP_KEY_MAX + 1];

			snprintf(key, sizeof(key), "dm_dropped_%s",
				 cp_dm_drop_name(i));
			cp_put(b, key, "%llu",
			       (unsigned long long)dm_stats.dropped[i]);
		}
	}
	cp_put(b, "reloads", "%llu", (unsigned long long)kd.reloads);
	cp_put(b, "reloads_failed", "%llu",
	       (unsigned long long)kd.reloads_failed);
	for (c = kd.conns; c; c = c->next)
		if (!c->closed)
			conn_describe(c, b);
	if (b->overflow) {
		warn("control client %u: get reply larger than %u bytes",
		     cl->id, REPLY_MAX);
		b->overflow = false;
		b->len = start;
		reply_errno(cl, EMSGSIZE, "reply too large");
		return;
	}
	reply_errno(cl, 0, NULL);
}

struct set_op {
	enum { OP_CONN, OP_CALL, OP_RELOAD } op;
	uint32_t id;
};

/* @buf: the lines after "set=1", up to the empty line */
static void set_request(struct client *cl, const char *buf, size_t len)
{
	struct set_op ops[SET_MAX];
	char why[256], q[80];
	unsigned int n = 0, i;
	struct cp_pair p;
	size_t used;
	uint64_t v;
	int r;

	while ((r = cp_next(buf, len, &used, &p, why, sizeof(why))) == CP_PAIR) {
		buf += used;
		len -= used;
		if (n >= SET_MAX) {
			reply_errno(cl, EINVAL, "too many keys");
			return;
		}
		if (!strcmp(p.key, "disconnect_conn")) {
			if (cp_uint(p.val, 1, UINT32_MAX, &v)) {
				snprintf(why, sizeof(why), "disconnect_conn=%s: not a connection ID",
					 cp_escape(p.val, q, sizeof(q)));
				goto invalid;
			}
			if (!conn_find((uint32_t)v)) {
				snprintf(why, sizeof(why), "no control connection %llu",
					 (unsigned long long)v);
				reply_errno(cl, ENOENT, why);
				return;
			}
			ops[n++] = (struct set_op){ OP_CONN, (uint32_t)v };
		} else if (!strcmp(p.key, "disconnect_call")) {
			if (cp_uint(p.val, 1, 65535, &v)) {
				snprintf(why, sizeof(why), "disconnect_call=%s: not a call ID",
					 cp_escape(p.val, q, sizeof(q)));
				goto invalid;
			}
			if (!call_find((uint16_t)v)) {
				snprintf(why, sizeof(why), "no call %llu",
					 (unsigned long long)v);
				reply_errno(cl, ENOENT, why);
				return;
			}
			ops[n++] = (struct set_op){ OP_CALL, (uint32_t)v };
		} else if (!strcmp(p.key, "reload") && !strcmp(p.val, "1")) {
			ops[n++] = (struct set_op){ OP_RELOAD, 0 };
		} else {
			snprintf(why, sizeof(why), "unknown key %s in a set request",
				 cp_escape(p.key, q, sizeof(q)));
			goto invalid;
		}
	}
	if (r < 0)
		goto invalid;
	/* every key was valid: now act */
	for (i = 0; i < n; i++) {
		struct conn *c;
		struct call *k;

		switch (ops[i].op) {
		case OP_CONN:
			if ((c = conn_find(ops[i].id)))
				conn_disconnect(c);
			break;
		case OP_CALL:
			if ((k = call_find((uint16_t)ops[i].id)))
				conn_call_disconnect(k);
			break;
		case OP_RELOAD:
			info("reload asked for by kpptpctl");
			if (daemon_reload(why, sizeof(why))) {
				reply_errno(cl, EINVAL, why);
				return;
			}
			break;
		}
	}
	reply_errno(cl, 0, NULL);
	return;
invalid:
	warn("control client %u: %s: EINVAL", cl->id, why);
	reply_errno(cl, EINVAL, why);
}

/* One request in @buf (@len bytes, the final empty line excluded). */
static void request(struct client *cl, const char *buf, size_t len)
{
	char why[256], q[80], q2[80];
	struct cp_pair p;
	size_t used;
	int r;

	r = cp_next(buf, len, &used, &p, why, sizeof(why));
	if (r != CP_PAIR) {
		if (r != -1)
			snprintf(why, sizeof(why), "empty request");
		goto invalid;
	}
	buf += used;
	len -= used;
	if (!strcmp(p.val, "1") && !strcmp(p.key, "set")) {
		set_request(cl, buf, len);
		return;
	}
	if (len) {
		snprintf(why, sizeof(why), "%s=%s takes no other keys",
			 cp_escape(p.key, q, sizeof(q)),
			 cp_escape(p.val, q2, sizeof(q2)));
		goto invalid;
	}
	if (!strcmp(p.key, "get") && !strcmp(p.val, "1")) {
		get_reply(cl);
	} else if (!strcmp(p.key, "monitor") && !strcmp(p.val, "1")) {
		cl->monitor = true;
		cl->out.max = MONITOR_MAX;
		reply_errno(cl, 0, NULL);
		dbg("control client %u: monitor", cl->id);
	} else {
		snprintf(why, sizeof(why),
			 "unknown request %s (get=1, set=1 or monitor=1)",
			 cp_escape(p.key, q, sizeof(q)));
		goto invalid;
	}
	return;
invalid:
	warn("control client %u: %s: EINVAL", cl->id, why);
	reply_errno(cl, EINVAL, why);
}

/* Serve the complete requests in cl->in, while each reply goes out. */
static void requests(struct client *cl)
{
	size_t off = 0;

	while (!cl->monitor && !cl->closed && !cl->close_when_sent &&
	       !pending(cl)) {
		const char *end = NULL, *s = cl->in + off;
		size_t left = cl->inlen - off, i;

		/* a record ends with an empty line: "\n\n", or "\n" first */
		if (left && s[0] == '\n') {
			off++;		/* a stray empty line: nothing asked */
			continue;
		}
		for (i = 1; i < left; i++) {
			if (s[i] == '\n' && s[i - 1] == '\n') {
				end = s + i;
				break;
			}
		}
		if (!end)
			break;
		request(cl, s, (size_t)(end - s));
		off += (size_t)(end - s) + 1;
		cl->idle_until = now_ms() + IDLE_MS;
		client_flush(cl);
	}
	memmove(cl->in, cl->in + off, cl->inlen - off);
	cl->inlen -= off;
	if (cl->monitor)
		cl->inlen = 0;	/* what a monitor client says is ignored */
}

static void client_read(struct client *cl)
{
	for (;;) {
		ssize_t n;

		if (cl->closed || cl->close_when_sent ||
		    (pending(cl) && !cl->monitor))
			return;
		if (cl->inlen == sizeof(cl->in)) {
			/* full, and no complete request in it */
			warn("control client %u: request longer than %zu bytes: closed",
			     cl->id, sizeof(cl->in));
			reply_errno(cl, EMSGSIZE, "request too long");
			cl->close_when_sent = true;
			return;
		}
		n = recv(cl->fd, cl->in + cl->inlen, sizeof(cl->in) - cl->inlen,
			 0);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			cl->closed = true;
			return;
		}
		cl->inlen += (size_t)n;
		requests(cl);
	}
}

void ctlsock_event(struct ev *ev, uint32_t events)
{
	struct client *cl = (struct client *)ev;

	if (cl->closed)
		return;
	if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
		client_read(cl);
	client_flush(cl);
	if (events & EPOLLOUT)
		requests(cl);	/* those waiting for the last reply to go */
	if ((events & (EPOLLERR | EPOLLHUP)) && !(events & EPOLLIN))
		cl->closed = true;
	client_update(cl);
}

void ctlsock_timers(uint64_t now)
{
	struct client *cl;

	for (cl = cs.clients; cl; cl = cl->next) {
		if (cl->monitor || cl->closed || now < cl->idle_until)
			continue;
		dbg("control client %u: no request for %u s: closed", cl->id,
		    IDLE_MS / 1000);
		cl->closed = true;
	}
}

uint64_t ctlsock_next_timer(void)
{
	uint64_t t = PPTP_NO_TIMER;
	struct client *cl;

	for (cl = cs.clients; cl; cl = cl->next)
		if (!cl->monitor && !cl->closed && cl->idle_until < t)
			t = cl->idle_until;
	return t;
}

void ctlsock_reap(void)
{
	struct client **pp = &cs.clients, *cl;

	while ((cl = *pp)) {
		if (!cl->closed) {
			pp = &cl->next;
			continue;
		}
		*pp = cl->next;
		dbg("control client %u closed", cl->id);
		client_free(cl);
	}
}

struct cp_buf *mon_begin(const char *name)
{
	struct client *cl;
	struct timespec ts;

	for (cl = cs.clients; cl; cl = cl->next)
		if (cl->monitor && !cl->closed)
			break;
	if (!cl)
		return NULL;
	cs.event.len = 0;
	cs.event.overflow = false;
	clock_gettime(CLOCK_REALTIME, &ts);
	cp_put(&cs.event, "event", "%s", name);
	cp_put(&cs.event, "time", "%llu",
	       (unsigned long long)ts.tv_sec * 1000 +
	       (unsigned long long)ts.tv_nsec / 1000000);
	return &cs.event;
}

void mon_send(struct cp_buf *b)
{
	struct client *cl;

	cp_end(b);
	if (b->overflow) {
		warn("control socket: an event larger than %u bytes dropped",
		     EVENT_MAX);
		return;
	}
	for (cl = cs.clients; cl; cl = cl->next) {
		if (!cl->monitor || cl->closed)
			continue;
		cp_raw(&cl->out, b->data, b->len);
		if (cl->out.overflow) {
			warn("control client %u: does not read its events (%zu bytes queued): closed",
			     cl->id, cl->out.len - cl->outoff);
			cl->closed = true;
			continue;
		}
		client_flush(cl);
		client_update(cl);
	}
}
