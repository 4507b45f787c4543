// SPDX-License-Identifier: GPL-2.0
/*
 * Control connections: TCP accept with limits (total, per source address),
 * the byte stream cut into messages by pptp_msg_decode(), and the actions
 * of each connection's pptp_ctrl carried out: sends are buffered (a peer
 * that stops reading is dropped), calls made and ended through call.c.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include "kpptpd.h"

/* Open connections by their next deadline (conn_rearm()). */
static struct timerq timers;
static uint64_t timer_pass;	/* conn_timers() calls so far */
static struct conn *closed_conns;	/* closed, not reaped yet */
static unsigned int nclosed;		/* how many */

/*
 * The send buffer grows as needed, up to CONN_OUT_MAX, and goes as soon as
 * it empties: with a 64 KiB buffer in every connection, 10,000 idle ones
 * took 517 MiB, and even the 512 bytes of one reply were a third of an
 * idle connection's memory.  A malloc() per burst costs far less than
 * the send() it comes with.
 */

static int out_reserve(struct conn *c, size_t n)
{
	size_t cap = c->outcap ? c->outcap : 512;
	uint8_t *p;

	while (cap < c->outlen + n)
		cap *= 2;
	if (cap == c->outcap)
		return 0;
	p = realloc(c->out, cap);
	if (!p)
		return -1;
	c->out = p;
	c->outcap = cap;
	return 0;
}

static void out_release(struct conn *c)
{
	free(c->out);
	c->out = NULL;
	c->outcap = 0;
}

/*
 * What actions asked for that would re-enter the state machine (an abort
 * from a failed send, a call whose pppd did not start), done once it has
 * returned.  Every entry into a connection's pptp_ctrl from here is
 * followed by settle(), through conn_flush() or directly.
 */
static void settle(struct conn *c)
{
	unsigned int i;

	while (c->abort_why || c->npending) {
		if (c->abort_why) {
			pptp_ctrl_abort(&c->ctrl, c->abort_why);
			c->npending = 0;	/* the abort ended them all */
			break;
		}
		for (i = 0; i < c->ctrl.cfg.max_calls && c->npending; i++) {
			struct call *k = c->calls[i];

			if (!k || !k->close_pending)
				continue;
			k->close_pending = false;
			c->npending--;
			pptp_ctrl_call_close(&c->ctrl, (int)i, now_ms());
		}
		c->npending = 0;
	}
}

/*
 * Put @c in the timer queue at its next deadline, or take it out.  Only
 * the connection's own state machine moves its deadlines, and every entry
 * into it ends in conn_flush(), which calls this.
 */
static void conn_rearm(struct conn *c)
{
	uint64_t at;

	if (c->closed)
		at = PPTP_NO_TIMER;
	else if (c->connecting)
		at = c->connect_deadline;
	else
		at = pptp_ctrl_next_timer(&c->ctrl);
	if (at == PPTP_NO_TIMER)
		timerq_del(&timers, &c->timer);
	else
		timerq_set(&timers, &c->timer, at);
}

static void conn_flush(struct conn *c)
{
	settle(c);
	while (c->outlen) {
		ssize_t n = send(c->fd, c->out, c->outlen, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				c->outlen = 0;	/* lost: the read side sees it */
			break;
		}
		memmove(c->out, c->out + n, c->outlen - (size_t)n);
		c->outlen -= (size_t)n;
	}
	if (!c->outlen)
		out_release(c);
	if (!c->closed && (c->outlen != 0) != c->want_out) {
		c->want_out = c->outlen != 0;
		ev_mod(c->fd, EPOLLIN | (c->want_out ? EPOLLOUT : 0), &c->ev);
	}
	conn_rearm(c);
}

static void send_msg(struct conn *c, const struct pptp_msg *m)
{
	uint8_t buf[PPTP_MSG_MAX];
	size_t n = pptp_msg_encode(m, buf, sizeof(buf));

	if (!n) {
		err("%s: cannot encode %s", c->name, pptp_type_abbrev(m->type));
		return;
	}
	/*
	 * We are inside the state machine here: an abort now would end
	 * calls under its feet (twice, as it went on).  settle() aborts
	 * once it has returned; what it sends until then goes nowhere.
	 */
	if (c->abort_why)
		return;
	if (c->outlen + n > CONN_OUT_MAX) {
		warn("%s: peer does not read: %zu bytes unsent, dropping it",
		     c->name, c->outlen);
		c->outlen = 0;
		c->abort_why = "send buffer full";
		return;
	}
	if (out_reserve(c, n)) {
		err("%s: out of memory for %s", c->name,
		    pptp_type_abbrev(m->type));
		c->abort_why = "out of memory";
		return;
	}
	dbg("%s: send %s", c->name, pptp_type_abbrev(m->type));
	if (m->type == PPTP_ECHORQ)
		c->echo_sent++;
	memcpy(c->out + c->outlen, buf, n);
	c->outlen += n;
}

/* A call event for monitors, with the fields every call event has; NULL
 * if nobody listens. */
static struct cp_buf *call_event_begin(const char *kind, const struct conn *c,
				       const struct pptp_call *pc)
{
	struct cp_buf *e = mon_begin(kind);

	if (!e)
		return NULL;
	cp_put(e, "conn", "%u", c->id);
	cp_put(e, "call", "%u", pc->local_id);
	cp_put(e, "peer_call_id", "%u", pc->peer_id);
	cp_put(e, "peer", "%s", c->name);
	return e;
}

static void call_up_event(const struct conn *c, const struct call *k,
			  const struct pptp_call *pc)
{
	struct cp_buf *e = call_event_begin("call_up", c, pc);
	char a[INET_ADDRSTRLEN];

	if (!e)
		return;
	if (k->pool_idx >= 0) {
		cp_put(e, "local_ip", "%s", ipstr(k->local_ip, a));
		cp_put(e, "remote_ip", "%s", ipstr(k->remote_ip, a));
	}
	cp_put(e, "pppd_pid", "%d", (int)k->pppd.pid);
	mon_send(e);
}

static void call_down_event(const struct conn *c, const struct pptp_call *pc,
			    const struct call *k)
{
	struct cp_buf *e = call_event_begin("call_down", c, pc);

	if (!e)
		return;
	if (k && k->pppd.pid)
		cp_put(e, "pppd_pid", "%d", (int)k->pppd.pid);
	if (k)
		cp_put(e, "uptime_ms", "%llu",
		       (unsigned long long)(now_ms() - k->created));
	mon_send(e);
}

/*
 * Warnings peers cause (their nonsense, refusals) are throttled for all
 * connections together: LOG_BURST lines at once, then LOG_RATE a second;
 * the lines left out are counted, and said once lines pass again.  Info
 * lines (a connection or call begins or ends) follow the limits on those.
 */
#define LOG_BURST 50
#define LOG_RATE 10

static bool log_peer_ok(void)
{
	static unsigned int tokens = LOG_BURST, dropped;
	static uint64_t last;
	uint64_t now = now_ms(), add = (now - last) * LOG_RATE / 1000;

	if (add) {
		tokens = add >= LOG_BURST - tokens ? LOG_BURST :
			 tokens + (unsigned int)add;
		last = now;
	}
	if (!tokens) {
		dropped++;
		return false;
	}
	tokens--;
	if (dropped) {
		warn("%u log lines about peers left out (more than %u a second)",
		     dropped, LOG_RATE);
		dropped = 0;
	}
	return true;
}

/*
 * Call setups per second from one source address, in buckets by a keyed
 * hash of the address: sources that share a bucket share its count, which
 * errs on the side of refusing.
 */
#define SRC_BUCKETS 1024

static struct src_rate {
	uint64_t sec;
	unsigned int n;
} src_rate[SRC_BUCKETS];

static unsigned int src_hash(uint32_t addr)
{
	static uint32_t key;

	/* not guessable, so that a source cannot pick one to share */
	if (!key && getrandom(&key, sizeof(key), GRND_NONBLOCK) != sizeof(key))
		key = (uint32_t)now_ms();
	key |= 1;
	return ((addr ^ key) * 0x9e3779b1u) >> 22;
}

static struct src_rate *src_bucket(uint32_t addr)
{
	return &src_rate[src_hash(addr)];
}

/*
 * Open accepted connections per source address (max-per-source), exact:
 * counted as they open and close, since counting them with a walk of all
 * connections made each accept cost O(connections).
 */
struct src_conns {
	struct src_conns *next;
	uint32_t addr;
	unsigned int n;
};

static struct src_conns *src_conns[SRC_BUCKETS];

static struct src_conns *src_conns_find(uint32_t addr)
{
	struct src_conns *s = src_conns[src_hash(addr)];

	while (s && s->addr != addr)
		s = s->next;
	return s;
}

static unsigned int conns_from(uint32_t addr)
{
	const struct src_conns *s = src_conns_find(addr);

	return s ? s->n : 0;
}

/* @c, from @addr, counts for its source from now on; -ENOMEM if it cannot. */
static int src_conns_add(struct conn *c, uint32_t addr)
{
	struct src_conns *s = src_conns_find(addr);

	if (!s) {
		unsigned int h = src_hash(addr);

		s = calloc(1, sizeof(*s));
		if (!s)
			return -ENOMEM;
		s->addr = addr;
		s->next = src_conns[h];
		src_conns[h] = s;
	}
	s->n++;
	c->src = s;
	return 0;
}

/* @c closed: it counts no more; a source with none left is forgotten. */
static void src_conns_put(struct conn *c)
{
	struct src_conns **pp, *s = c->src;

	if (!s)
		return;
	c->src = NULL;
	if (--s->n)
		return;
	for (pp = &src_conns[src_hash(s->addr)]; *pp != s; pp = &(*pp)->next)
		;
	*pp = s->next;
	free(s);
}

static void on_act(void *arg, const struct pptp_act *a)
{
	struct conn *c = arg;
	struct call *k;

	switch (a->type) {
	case PPTP_ACT_SEND:
		send_msg(c, &a->msg);
		break;
	case PPTP_ACT_CALL_NEW:
		c->new_slot = a->slot;
		break;
	case PPTP_ACT_CALL_UP:
		k = c->calls[a->slot];
		if (!k)
			break;
		if ((c->ctrl.role == PPTP_ROLE_PNS && !a->call.incoming &&
		     call_set_peer(k, &a->call)) ||
		    (k->relay && c->relay_hop && relay_up(k)) ||
		    (!k->relay && call_start_pppd(k, &a->call))) {
			/* settle() ends it, once the state machine returns */
			k->close_pending = true;
			c->npending++;
			break;
		}
		call_up_event(c, k, &a->call);
		break;
	case PPTP_ACT_CALL_DOWN:
		k = c->calls[a->slot];
		c->calls[a->slot] = NULL;
		if (k && k->close_pending) {
			k->close_pending = false;
			c->npending--;
		}
		call_down_event(c, &a->call, k);
		if (k)
			call_down(k);
		break;
	case PPTP_ACT_CLOSE:
		if (!c->closed) {
			c->next_closed = closed_conns;
			closed_conns = c;
			nclosed++;
		}
		c->closed = true;
		src_conns_put(c);
		if (c->relay)
			relay_conn_closed(c);
		break;
	case PPTP_ACT_CALL_REFUSED:
		count_refusal(a->refusal == PPTP_REFUSAL_CONN_LIMIT ?
			      CP_REFUSED_MAX_CALLS_PER_CONNECTION :
			      a->refusal == PPTP_REFUSAL_ID_IN_USE ?
			      CP_REFUSED_CALL_ID_IN_USE : CP_REFUSED_WRONG_ROLE);
		break;
	case PPTP_ACT_LOG:
		if (!a->warn || log_peer_ok())
			log_msg(a->warn ? LOG_WARNING : LOG_INFO, "%s: %s",
				c->name, a->text);
		snprintf(c->last_log, sizeof(c->last_log), "%s", a->text);
		break;
	}
}

/* max-call-rate and max-calls-per-source: every request counts, also
 * the ones refused. */
static bool setup_rate_ok(struct conn *c, enum cp_refusal *reason,
			  char *why, size_t whylen)
{
	struct src_rate *r = src_bucket(c->peer.sin_addr.s_addr);
	uint64_t sec = now_ms() / 1000;
	char a[INET_ADDRSTRLEN];

	if (c->rate_sec != sec) {
		c->rate_sec = sec;
		c->rate_n = 0;
	}
	if (r->sec != sec) {
		r->sec = sec;
		r->n = 0;
	}
	c->rate_n++;
	r->n++;
	if (kd.conf.max_call_rate && c->rate_n > kd.conf.max_call_rate) {
		*reason = CP_REFUSED_MAX_CALL_RATE;
		snprintf(why, whylen, "more than %u call setups a second on this connection (max-call-rate)",
			 kd.conf.max_call_rate);
		return false;
	}
	if (kd.conf.max_calls_per_source &&
	    r->n > kd.conf.max_calls_per_source) {
		*reason = CP_REFUSED_MAX_CALLS_PER_SOURCE;
		snprintf(why, whylen, "more than %u call setups a second from %s (max-calls-per-source)",
			 kd.conf.max_calls_per_source,
			 ipstr(c->peer.sin_addr.s_addr, a));
		return false;
	}
	return true;
}

/* Serve a CALL_NEW: limits, addresses, the kernel call. */
static void serve_new(struct conn *c)
{
	const struct relay_rule *rule;
	int slot = c->new_slot;
	enum cp_refusal reason;
	struct pptp_call *pc;
	struct call *k;
	char why[256];

	c->new_slot = -1;
	/* gone already if the connection was aborted since */
	if (slot < 0 || c->closed ||
	    c->ctrl.calls[slot].state != PPTP_CALL_WAIT_KERNEL)
		return;
	pc = &c->ctrl.calls[slot];
	if (c->ctrl.role == PPTP_ROLE_PNS) {
		/* we place our one call; the server has none to offer */
		count_refusal(CP_REFUSED_CLIENT_ROLE);
		pptp_ctrl_call_declined(&c->ctrl, slot,
					"this client places its own call and takes none (Incoming-Call-Request)");
		return;
	}
	if (kd.stopping) {
		count_refusal(CP_REFUSED_SHUTTING_DOWN);
		pptp_ctrl_call_refused(&c->ctrl, slot, "shutting down");
		return;
	}
	if (!setup_rate_ok(c, &reason, why, sizeof(why))) {
		count_refusal(reason);
		pptp_ctrl_call_refused(&c->ctrl, slot, why);
		return;
	}
	/* dying calls count until their pppd is reaped */
	if (kd.ncalls >= kd.conf.max_calls) {
		snprintf(why, sizeof(why), "limit of %u calls reached (max-calls)",
			 kd.conf.max_calls);
		count_refusal(CP_REFUSED_MAX_CALLS);
		pptp_ctrl_call_refused(&c->ctrl, slot, why);
		return;
	}
	/* the rules in use when the call came: a reload changes new ones */
	rule = conf_relay_match(&kd.conf, pc->phone, c->local.sin_addr.s_addr,
				c->peer.sin_addr.s_addr);
	if (rule) {
		relay_serve(c, slot, pc, rule);
		return;
	}
	k = call_create(c, slot, pc, c->peer.sin_addr.s_addr,
			c->local.sin_addr.s_addr, false, &reason, why,
			sizeof(why));
	if (!k) {
		count_refusal(reason);
		pptp_ctrl_call_refused(&c->ctrl, slot, why);
		return;
	}
	kd.calls_accepted++;
	c->calls[slot] = k;
	pptp_ctrl_call_created(&c->ctrl, slot, k->id, now_ms());
}

/* Client role: once the control connection is up, place our call. */
static void open_call(struct conn *c)
{
	struct pptp_call pc = { .peer_id = 0 };
	enum cp_refusal reason;
	struct call *k;
	char why[256];
	int slot;

	if (c->ctrl.role != PPTP_ROLE_PNS || c->call_opened ||
	    c->ctrl.state != PPTP_CTRL_ESTABLISHED)
		return;
	c->call_opened = true;
	/* the peer's ID comes with the reply: the kernel call waits for it */
	k = call_create(c, -1, &pc, c->peer.sin_addr.s_addr,
			c->local.sin_addr.s_addr, c->relay_hop, &reason, why,
			sizeof(why));
	if (!k) {
		warn("%s: cannot place a call: %s", c->name, why);
		pptp_ctrl_stop(&c->ctrl, PPTP_STOP_NONE, now_ms());
		return;
	}
	slot = pptp_ctrl_call_open(&c->ctrl, k->id, now_ms());
	if (slot < 0) {
		call_down(k);
		pptp_ctrl_stop(&c->ctrl, PPTP_STOP_NONE, now_ms());
		return;
	}
	k->slot = slot;
	c->calls[slot] = k;
	if (c->relay)
		relay_placed(c, k);
	info("%s: call %u placed (Outgoing-Call-Request)", c->name, k->id);
}

/* Client role: our call is over: end the connection (we redial). */
static void client_done(struct conn *c)
{
	if (c->ctrl.role == PPTP_ROLE_PNS && c->call_opened && !c->closed &&
	    !c->ctrl.ncalls && c->ctrl.state == PPTP_CTRL_ESTABLISHED) {
		info("%s: our call ended: closing the control connection",
		     c->name);
		pptp_ctrl_stop(&c->ctrl, PPTP_STOP_NONE, now_ms());
	}
}

void count_refusal(enum cp_refusal r)
{
	kd.refused[r]++;
	if (r < CP_FIRST_CALL_REFUSAL)
		kd.conns_refused++;
	else
		kd.calls_refused++;
}

static void refuse(int fd, const char *name, enum cp_refusal r,
		   const char *why)
{
	struct cp_buf *e = mon_begin("conn_refused");

	if (log_peer_ok())
		warn("%s: refused: %s", name, why);
	if (fd >= 0)
		close(fd);
	count_refusal(r);
	if (e) {
		cp_put(e, "peer", "%s", name);
		cp_put(e, "reason", "%s", why);
		mon_send(e);
	}
}

/* A new connection joins the list, with an ID kpptpctl can name. */
static void conn_link(struct conn *c)
{
	c->id = ++kd.next_conn_id;
	if (!c->id)
		c->id = ++kd.next_conn_id;
	c->started = now_ms();
	c->echo_rtt_ms = -1;
	c->next = kd.conns;
	if (c->next)
		c->next->pprev = &c->next;
	c->pprev = &kd.conns;
	kd.conns = c;
	kd.nconns++;
	conn_rearm(c);
}

static void conn_event_accepted(const struct conn *c)
{
	struct cp_buf *e = mon_begin(c->ctrl.role == PPTP_ROLE_PAC ?
				     "conn_accepted" : "conn_connecting");

	if (!e)
		return;
	cp_put(e, "conn", "%u", c->id);
	cp_put(e, "peer", "%s", c->name);
	mon_send(e);
}

/*
 * The table is full: make room by closing the handshaken connection that
 * has gone longest without a call, if there is one.  A peer that connects,
 * shakes hands and then does nothing holds no slot a client needs; one
 * that does not shake hands is gone after handshake-timeout anyway.
 */
static bool evict_idle(void)
{
	struct conn *c, *best = NULL;
	char why[96];

	for (c = kd.conns; c; c = c->next) {
		if (c->closed || c->ctrl.role != PPTP_ROLE_PAC ||
		    c->ctrl.ncalls || c->ctrl.state != PPTP_CTRL_ESTABLISHED)
			continue;
		if (!best || c->ctrl.idle_since < best->ctrl.idle_since)
			best = c;
	}
	if (!best)
		return false;
	snprintf(why, sizeof(why),
		 "evicted for a new connection: no call for %llu ms",
		 (unsigned long long)(now_ms() - best->ctrl.idle_since));
	pptp_ctrl_stop(&best->ctrl, PPTP_STOP_NONE, now_ms());
	pptp_ctrl_abort(&best->ctrl, why);
	conn_flush(best);
	return true;
}

int conn_add(int fd, const struct sockaddr_in *peer)
{
	socklen_t len;
	struct conn *c;
	char name[32], why[160], a[INET_ADDRSTRLEN];
	int one = 1;

	snprintf(name, sizeof(name), "%s:%u",
		 ipstr(peer->sin_addr.s_addr, a), ntohs(peer->sin_port));
	if (kd.stopping) {
		close(fd);
		return -1;
	}
	/* closed ones are freed after this batch: they count no more */
	if (kd.nconns - nclosed >= kd.conf.max_conns && !evict_idle()) {
		snprintf(why, sizeof(why),
			 "limit of %u control connections reached (connections)",
			 kd.conf.max_conns);
		refuse(fd, name, CP_REFUSED_CONNECTIONS, why);
		return -1;
	}
	if (conns_from(peer->sin_addr.s_addr) >= kd.conf.max_per_source) {
		snprintf(why, sizeof(why),
			 "limit of %u control connections from %s reached (max-per-source)",
			 kd.conf.max_per_source, a);
		refuse(fd, name, CP_REFUSED_MAX_PER_SOURCE, why);
		return -1;
	}
	c = calloc(1, sizeof(*c));
	if (c)
		c->calls = calloc(kd.conf.ctrl.max_calls, sizeof(*c->calls));
	if (!c || !c->calls || timerq_reserve(&timers, kd.nconns + 1) ||
	    src_conns_add(c, peer->sin_addr.s_addr)) {
		if (c)
			free(c->calls);
		free(c);
		refuse(fd, name, CP_REFUSED_CONN_SETUP, "out of memory");
		return -1;
	}
	c->ev.kind = EV_CONN;
	c->fd = fd;
	c->peer = *peer;
	c->new_slot = -1;
	len = sizeof(c->local);
	getsockname(fd, (struct sockaddr *)&c->local, &len);
	snprintf(c->name, sizeof(c->name), "%s", name);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (pptp_ctrl_init(&c->ctrl, PPTP_ROLE_PAC, &kd.conf.ctrl, now_ms(),
			   on_act, c) || ev_add(fd, EPOLLIN, &c->ev)) {
		pptp_ctrl_free(&c->ctrl);
		src_conns_put(c);
		free(c->calls);
		free(c);
		refuse(fd, name, CP_REFUSED_CONN_SETUP,
		       "cannot set up the connection");
		return -1;
	}
	conn_link(c);
	kd.conns_accepted++;
	info("%s: control connection accepted (%u open)", c->name, kd.nconns);
	conn_event_accepted(c);
	return 0;
}

/*
 * Out of file descriptors: the waiting connection is taken in the spare's
 * slot and refused, so that it leaves the listen queue (and the loop does
 * not wake for it again and again).  As fdlimit_shed().
 */
static int refuse_fd_limit(void)
{
	struct sockaddr_in peer;
	socklen_t len = sizeof(peer);
	char name[32], why[96], a[INET_ADDRSTRLEN];
	int r = fdlimit_shed(kd.listen_fd, (struct sockaddr *)&peer, &len);

	if (r <= 0)
		return r;
	snprintf(name, sizeof(name), "%s:%u",
		 ipstr(peer.sin_addr.s_addr, a), ntohs(peer.sin_port));
	snprintf(why, sizeof(why),
		 "out of file descriptors (limit %llu; %u connections, %u calls)",
		 fdlimit_current(), kd.nconns, kd.ncalls);
	refuse(-1, name, CP_REFUSED_FD_LIMIT, why);
	return 1;
}

/* fdlimit_timers(), a second after conn_accept() paused the listener */
static void conn_listen_resume(void)
{
	if (kd.listen_fd >= 0 && !kd.stopping)
		ev_mod(kd.listen_fd, EPOLLIN, &kd.listen_ev);
}

/* Up to this many connections taken per wakeup: fewer turns of the loop
 * when many arrive at once, and the others not kept waiting long. */
#define ACCEPT_BATCH 16

void conn_accept(void)
{
	unsigned int i;

	if (kd.listen_fd < 0)	/* closed earlier in this batch */
		return;

	for (i = 0; i < ACCEPT_BATCH; i++) {
		struct sockaddr_in peer;
		socklen_t len = sizeof(peer);
		int fd;

		fd = accept4(kd.listen_fd, (struct sockaddr *)&peer, &len,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == ECONNABORTED || errno == EINTR)
				continue;
			if (errno == EMFILE || errno == ENFILE) {
				int r = refuse_fd_limit();

				if (r > 0)
					continue;
				if (r < 0) {
					ev_mod(kd.listen_fd, 0, &kd.listen_ev);
					fdlimit_pause(conn_listen_resume,
						      now_ms());
				}
				return;
			}
			if (errno != EAGAIN)
				warn("accept: %s", strerror(errno));
			return;
		}
		conn_add(fd, &peer);
	}
}

/* Before pptp_ctrl_input(): it forgets when the request went out. */
static void count_echo(struct conn *c, const struct pptp_msg *m)
{
	if (m->type == PPTP_ECHORQ) {
		c->echo_received++;
	} else if (m->type == PPTP_ECHORP && c->ctrl.echo_pending &&
		   m->echorp.id == c->ctrl.echo_id) {
		c->echo_replies++;
		c->echo_rtt_ms = (int64_t)(now_ms() - c->ctrl.echo_sent);
	}
}

/* One message from the peer into the state machines; false once closed. */
static bool take_msg(const struct pptp_msg *m, void *arg)
{
	struct conn *c = arg;

	dbg("%s: received %s", c->name, pptp_type_abbrev(m->type));
	count_echo(c, m);
	pptp_ctrl_input(&c->ctrl, m, now_ms());
	settle(c);
	serve_new(c);
	settle(c);
	open_call(c);
	settle(c);
	return !c->closed;
}

static void conn_read(struct conn *c)
{
	for (;;) {
		struct pptp_msg_error e;
		char why[200];
		bool full;
		ssize_t n;

		n = recv(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen, 0);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			pptp_ctrl_abort(&c->ctrl, n ? strerror(errno) :
					c->inlen ? "TCP closed mid-message" :
					"TCP closed by the peer");
			return;
		}
		c->inlen += (size_t)n;
		full = c->inlen == sizeof(c->in);
		if (pptp_msg_drain(c->in, &c->inlen, take_msg, c, &e) < 0) {
			snprintf(why, sizeof(why), "refused input: %s", e.msg);
			pptp_ctrl_abort(&c->ctrl, why);
			return;
		}
		/* a short read emptied the socket: no recv() just for EAGAIN
		 * (epoll is level-triggered, so what comes next wakes us) */
		if (c->closed || !full)
			return;
	}
}

/*
 * Client role: a server given by name is looked up again before each dial
 * (it may have moved since the start or the last reload); if the lookup
 * fails, the last address it had is dialled.
 */
static void resolve_server(void)
{
	uint32_t addr;
	char why[256] = "";
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

	if (!kd.conf.connect_host)
		return;
	if (conf_resolve(kd.conf.connect_host, &addr, why, sizeof(why))) {
		warn("connect %s: no IPv4 address now (%s); dialling %s",
		     kd.conf.connect_host, why, ipstr(kd.conf.connect, a));
		return;
	}
	if (addr != kd.conf.connect)
		info("connect %s: now %s (was %s)", kd.conf.connect_host,
		     ipstr(addr, a), ipstr(kd.conf.connect, b));
	kd.conf.connect = addr;
}

struct conn *conn_dial(uint32_t addr, uint16_t port,
		       const struct pptp_ctrl_cfg *cfg, char *why,
		       size_t whylen)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = addr,
	};
	struct conn *c;
	int fd, one = 1;

	c = calloc(1, sizeof(*c));
	if (c)
		c->calls = calloc(cfg->max_calls, sizeof(*c->calls));
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (!c || !c->calls || fd < 0) {
		snprintf(why, whylen, "connect: %s", strerror(errno));
		goto fail;
	}
	if (timerq_reserve(&timers, kd.nconns + 1)) {
		snprintf(why, whylen, "connect: out of memory");
		goto fail;
	}
	c->ev.kind = EV_CONN;
	c->fd = fd;
	c->peer = sa;
	c->new_slot = -1;
	snprintf(c->name, sizeof(c->name), "%s:%u", inet_ntoa(sa.sin_addr),
		 port);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) &&
	    errno != EINPROGRESS) {
		snprintf(why, whylen, "connect: %s", strerror(errno));
		goto fail;
	}
	if (pptp_ctrl_init(&c->ctrl, PPTP_ROLE_PNS, cfg, now_ms(),
			   on_act, c) || ev_add(fd, EPOLLOUT, &c->ev)) {
		snprintf(why, whylen, "cannot set up the connection");
		pptp_ctrl_free(&c->ctrl);
		goto fail;
	}
	c->connecting = true;
	c->connect_deadline = now_ms() + kd.conf.connect_ms;
	c->want_out = true;
	conn_link(c);
	info("%s: connecting", c->name);
	conn_event_accepted(c);
	return c;
fail:
	if (fd >= 0)
		close(fd);
	if (c)
		free(c->calls);
	free(c);
	return NULL;
}

void conn_connect(void)
{
	char why[256], a[INET_ADDRSTRLEN];

	kd.redial_at = 0;
	resolve_server();
	if (conn_dial(kd.conf.connect, kd.conf.port, &kd.conf.ctrl, why,
		      sizeof(why)))
		return;
	warn("%s:%u: %s", ipstr(kd.conf.connect, a), kd.conf.port, why);
	kd.redial_at = now_ms() + kd.conf.redial_ms;
}

/* Client role: connect() finished. */
static void connected(struct conn *c)
{
	socklen_t len = sizeof(int);
	int e = 0;

	c->connecting = false;
	getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &len);
	if (e) {
		warn("%s: connect: %s", c->name, strerror(e));
		snprintf(c->last_log, sizeof(c->last_log), "connect: %s",
			 strerror(e));
		pptp_ctrl_abort(&c->ctrl, NULL);
		return;
	}
	len = sizeof(c->local);
	getsockname(c->fd, (struct sockaddr *)&c->local, &len);
	info("%s: connected from %s", c->name, inet_ntoa(c->local.sin_addr));
	pptp_ctrl_start(&c->ctrl, now_ms());
}

void conn_event(struct conn *c, uint32_t events)
{
	if (c->closed)
		return;
	if (c->connecting) {
		connected(c);
		conn_flush(c);
		return;
	}
	if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
		conn_read(c);
	client_done(c);
	conn_flush(c);
}

void conn_kick(struct conn *c)
{
	settle(c);
	client_done(c);
	conn_flush(c);
}

void conn_call_ended(struct conn *c, int slot)
{
	c->calls[slot] = NULL;
	pptp_ctrl_call_close(&c->ctrl, slot, now_ms());
	client_done(c);
	conn_flush(c);
}

/*
 * The loop used to walk every connection three times per epoll_wait (next
 * timer, timers, reap): most of kpptpd's work with 10,000 idle ones.  Now
 * the timer queue hands over only the connections that are due, and
 * conn_reap() only the closed ones.
 */
uint64_t conn_next_timer(void)
{
	const struct timer_node *t = timerq_first(&timers);

	return t ? t->at : PPTP_NO_TIMER;
}

void conn_timers(uint64_t now)
{
	struct timer_node *t;
	struct conn *c;

	timer_pass++;
	while ((t = timerq_first(&timers)) && t->at <= now) {
		c = container_of(t, struct conn, timer);
		/* due again at once: the loop's next turn, not a spin here */
		if (c->timer_pass == timer_pass)
			break;
		c->timer_pass = timer_pass;
		if (c->closed) {	/* reaped at the end of this turn */
			timerq_del(&timers, t);
			continue;
		}
		if (c->connecting) {
			/* a blackholed server: not the kernel's 2 minutes */
			warn("%s: connect: no answer within %u ms", c->name,
			     kd.conf.connect_ms);
			snprintf(c->last_log, sizeof(c->last_log),
				 "connect timed out");
			pptp_ctrl_abort(&c->ctrl, NULL);
		} else {
			pptp_ctrl_timer(&c->ctrl, now);
			client_done(c);
		}
		conn_flush(c);	/* and its new deadline */
	}
}

void conn_stop_all(void)
{
	struct conn *c;

	for (c = kd.conns; c; c = c->next) {
		if (c->closed)
			continue;
		pptp_ctrl_stop(&c->ctrl, PPTP_STOP_LOCAL_SHUTDOWN, now_ms());
		conn_flush(c);
	}
}

static void conn_event_closed(const struct conn *c)
{
	struct cp_buf *e = mon_begin("conn_closed");

	if (!e)
		return;
	cp_put(e, "conn", "%u", c->id);
	cp_put(e, "peer", "%s", c->name);
	cp_put(e, "uptime_ms", "%llu",
	       (unsigned long long)(now_ms() - c->started));
	if (c->last_log[0])
		cp_put(e, "reason", "%s", c->last_log);
	mon_send(e);
}

void conn_reap(void)
{
	struct conn *c;

	while ((c = closed_conns)) {
		closed_conns = c->next_closed;
		nclosed--;
		conn_flush(c);		/* the last replies, best effort */
		*c->pprev = c->next;
		if (c->next)
			c->next->pprev = c->pprev;
		kd.nconns--;
		info("%s: control connection closed (%u open)", c->name,
		     kd.nconns);
		conn_event_closed(c);
		close(c->fd);
		if (c->ctrl.role == PPTP_ROLE_PNS && !c->relay_hop &&
		    !kd.stopping) {
			kd.redial_at = now_ms() + kd.conf.redial_ms;
			info("connecting again in %u s", kd.conf.redial_ms / 1000);
		}
		timerq_del(&timers, &c->timer);
		pptp_ctrl_free(&c->ctrl);
		out_release(c);
		free(c->calls);
		free(c);
	}
}

struct conn *conn_find(uint32_t id)
{
	struct conn *c;

	for (c = kd.conns; c; c = c->next)
		if (c->id == id && !c->closed)
			return c;
	return NULL;
}

void conn_disconnect(struct conn *c)
{
	info("%s: disconnect asked for by kpptpctl", c->name);
	snprintf(c->last_log, sizeof(c->last_log), "disconnected by kpptpctl");
	if (c->connecting || c->ctrl.state != PPTP_CTRL_ESTABLISHED)
		pptp_ctrl_abort(&c->ctrl, "disconnected by kpptpctl");
	else
		pptp_ctrl_stop(&c->ctrl, PPTP_STOP_NONE, now_ms());
	conn_flush(c);
}

void conn_call_disconnect(struct call *k)
{
	struct conn *c = k->conn;

	info("%s: call %u: disconnect asked for by kpptpctl", c->name, k->id);
	/*
	 * pppd first, the PPTP side when it exits (call_event()): it ends
	 * LCP with the peer while the call still carries it, and knows the
	 * administrator asked (RADIUS accounting says Admin-Reset, not
	 * Lost-Carrier as after the hangup a deleted call would be).
	 */
	if (k->pppd.pid) {
		pppd_signal(&k->pppd, SIGTERM);
		return;
	}
	/* the slot keeps @k: the CALL_DOWN it brings stops pppd */
	pptp_ctrl_call_close(&c->ctrl, k->slot, now_ms());
	client_done(c);
	conn_flush(c);
}

void conn_describe(const struct conn *c, struct cp_buf *b)
{
	const struct pptp_ctrl *t = &c->ctrl;
	unsigned int i;

	cp_put(b, "conn", "%u", c->id);
	cp_put(b, "peer", "%s", c->name);
	if (c->local.sin_family == AF_INET)
		cp_put(b, "local", "%s:%u", inet_ntoa(c->local.sin_addr),
		       ntohs(c->local.sin_port));
	cp_put(b, "role", "%s", t->role == PPTP_ROLE_PAC ? "server" : "client");
	cp_put(b, "state", "%s", c->connecting ? "connecting" :
	       pptp_ctrl_state_name(t->state));
	cp_put(b, "uptime_ms", "%llu",
	       (unsigned long long)(now_ms() - c->started));
	if (t->peer_host[0])
		cp_put(b, "peer_hostname", "%s", t->peer_host);
	if (t->peer_vendor[0])
		cp_put(b, "peer_vendor", "%s", t->peer_vendor);
	cp_put(b, "echo_sent", "%llu", (unsigned long long)c->echo_sent);
	cp_put(b, "echo_replies", "%llu", (unsigned long long)c->echo_replies);
	cp_put(b, "echo_received", "%llu",
	       (unsigned long long)c->echo_received);
	if (c->echo_rtt_ms >= 0)
		cp_put(b, "echo_rtt_ms", "%lld", (long long)c->echo_rtt_ms);
	for (i = 0; i < t->cfg.max_calls; i++) {
		const struct pptp_call *pc = &t->calls[i];

		if (pc->state == PPTP_CALL_FREE)
			continue;
		cp_put(b, "call", "%u", pc->local_id);
		cp_put(b, "peer_call_id", "%u", pc->peer_id);
		cp_put(b, "call_state", "%s", pptp_call_state_name(pc->state));
		if (c->calls[i])
			call_describe(c->calls[i], b);
	}
}
