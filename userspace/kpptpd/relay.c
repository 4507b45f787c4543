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
 * call is gone (client_done()), and never redials.  A rule's next hop may
 * instead be a static L2TPv3 session (l2tp_serve()), answered at once.
 *
 * Terminating relay (relay_authenticated()): with "relay-list" every
 * client's pppd runs with kpptp_hold_ipcp.  Once it reports the name the
 * client authenticated with, the relay list (relaylist.h) decides: a name
 * without a realm is served here (IPCP starts at once), an unknown realm
 * is hung up, and a known one is dialled at the entry's next hop, where a
 * pppd of ours logs in with the entry's name and secret (passwordfd.so,
 * from a pipe).  When that pppd's IPCP is up, the client's IPCP starts
 * with the same pair of addresses turned round (the final server's), and
 * when both are up route.c joins the two ppp interfaces.  Either side
 * ending, or the whole not up within relay-login-timeout, hangs both up,
 * with the reason in the log.
 *
 * Lifetime: a relay lives while any of its client call, its next hop
 * call or its next hop connection does.  Tearing one down runs into the
 * others' state machines, which may come back here (nested): @busy keeps
 * the relay until the outermost entry returns.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fnmatch.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kpptpd.h"

static void in_down(struct relay *r);
static void admit_end(struct relay *r);
static int admit_start(struct relay *r, struct call *in, const char *out);
static void pair_fail(struct relay *r, const char *why);
static int term_out_up(struct relay *r, struct call *k);
static void l2tp_serve(struct relay *r, const struct relay_rule *rule);

struct relay {
	struct call *in;	/* the client's call, NULL once down */
	struct call *out;	/* ours at the next hop, NULL before, after */
	struct conn *out_conn;	/* to the next hop, NULL once closed */
	int fds[2];		/* PX sockets of in, out while spliced */
	bool answered;		/* the client has its OCRP */
	unsigned int busy;	/* entries under way (nesting) */
	uint16_t in_id, out_id;	/* kernel call IDs, for get and logs */
	uint32_t l2tp_session;	/* the next hop is this L2TPv3 session, or 0 */
	char hop[PPTP_STR_LEN + 8];
	struct relay *next;	/* in pending while set-up may time out; in
				 * dead_relays once over */
	uint64_t deadline;	/* ... set up by then */
	uint32_t login_ms;	/* ... which is this long after the start */
	/* terminating mode (relay_authenticated()) */
	bool terminating;
	char *secret;		/* for the next hop's pppd, wiped once used */
	char *opts[RL_MAX_OPTS];
	unsigned int nopts;
	char next_user[RL_NAME_MAX + 1];
	const char *why;	/* why the pair ends, when it fails */
	char whybuf[320];
	bool go_sent;		/* the client's pppd may start IPCP */
	bool held;		/* the client's side routed to nowhere yet */
	bool routed;
	struct route_pair route;
	/* transparent with "allow" (admit_start()): CHAP read, then bridged */
	char allow[256];
	int chan[2];		/* the channels of in, out */
	int chfd[2];		/* /dev/ppp handles on them, -1 once bridged */
	struct relay_chan {
		struct ev ev;	/* first: epoll's pointer */
		struct relay *r;
		int side;	/* 0: the client's, 1: the next hop's */
	} ch[2];
	char seen_user[RL_NAME_MAX + 1];	/* in the client's Response */
};

/* relays still setting up (terminating, or transparent reading CHAP),
 * for relay_timers() */
static struct relay *pending;
/* relays over, freed after the epoll batch (an event of the batch may
 * still point at one: relay_chan_event()) */
static struct relay *dead_relays;

static void relay_get(struct relay *r)
{
	r->busy++;
}

static void admit_end(struct relay *r)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (r->chfd[i] < 0)
			continue;
		epoll_ctl(kd.epfd, EPOLL_CTL_DEL, r->chfd[i], NULL);
		close(r->chfd[i]);
		r->chfd[i] = -1;
	}
}

/* A relay for the client's call @k, held once (relay_put()), or NULL */
static struct relay *relay_new(struct call *k)
{
	struct relay *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->fds[0] = r->fds[1] = -1;
	r->chfd[0] = r->chfd[1] = -1;
	r->in = k;
	r->in_id = k->id;
	k->relay = r;
	relay_get(r);
	return r;
}

/* Set-up under way: pair_fail() if not done within relay-login-timeout */
static void pending_add(struct relay *r)
{
	r->login_ms = kd.conf.relay_login_ms;
	r->deadline = now_ms() + r->login_ms;
	r->next = pending;
	pending = r;
}

static void pending_unlist(struct relay *r)
{
	struct relay **pp;

	for (pp = &pending; *pp; pp = &(*pp)->next) {
		if (*pp == r) {
			*pp = r->next;
			break;
		}
	}
	r->deadline = 0;
}

static void wipe_secret(struct relay *r)
{
	if (!r->secret)
		return;
	explicit_bzero(r->secret, strlen(r->secret));
	free(r->secret);
	r->secret = NULL;
}

static void relay_put(struct relay *r)
{
	unsigned int i;

	if (--r->busy || r->in || r->out || r->out_conn)
		return;
	splice_end(r->fds);
	admit_end(r);
	pending_unlist(r);
	wipe_secret(r);
	for (i = 0; i < r->nopts; i++)
		free(r->opts[i]);
	r->nopts = 0;
	r->busy = 1;	/* never again */
	r->next = dead_relays;
	dead_relays = r;
}

void relay_reap(void)
{
	struct relay *r;

	while ((r = dead_relays)) {
		dead_relays = r->next;
		free(r);
	}
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
	count_refusal(CP_REFUSED_RELAY);
	snprintf(text, sizeof(text), "relay to %s: %s", r->hop, why);
	/* logs it, with the client's call ID; no CALL_DOWN follows */
	pptp_ctrl_call_refused(&c->ctrl, k->slot, text);
	call_down(k);
	conn_kick(c);
}

/* The client's call is bridged, or paired to read CHAP: its OCRP. */
static void relay_answer(struct relay *r)
{
	struct call *in = r->in;
	struct conn *c = in->conn;

	r->answered = true;
	kd.calls_accepted++;
	pptp_ctrl_call_created(&c->ctrl, in->slot, in->id, now_ms());
	conn_kick(c);
}

/* ------------------------------------------------------ terminating */

/* pppd's exit status when the peer refused our login (pppd.h) */
#define PPPD_EXIT_AUTH_TOPEER_FAILED 19

/* The client's call @k is cleared (CDN); its CALL_DOWN follows. */
static void hang_up(struct call *k)
{
	struct conn *c = k->conn;

	if (!c)
		return;
	pptp_ctrl_call_close(&c->ctrl, k->slot, now_ms());
	conn_kick(c);
}

/* The pair cannot be made, or breaks: both sides go, the reason logged. */
static void pair_fail(struct relay *r, const char *why)
{
	char esc[4 * RL_NAME_MAX + 4];

	relay_get(r);
	pending_unlist(r);
	if (!r->why) {
		snprintf(r->whybuf, sizeof(r->whybuf), "%s", why);
		r->why = r->whybuf;
	}
	warn("call %u: relay of user \"%s\" to %s failed: %s: hanging up",
	     r->in_id, log_escape(r->in && r->in->user[0] ? r->in->user :
				  r->seen_user, esc, sizeof(esc)),
	     r->hop, why);
	if (r->in)
		hang_up(r->in);		/* in_down() clears the rest */
	else if (r->out && r->out->conn)
		in_down(r);
	relay_put(r);
}

/* Tell the pppd of the client's call @k that IPCP may start, with these
 * addresses (0: its own); 0, or -1 (logged). */
static int send_go(struct call *k, uint32_t local, uint32_t remote)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN], rec[REPORT_REC_MAX];
	const char *kv[] = { "local_ip", ipstr(local, a),
			     "remote_ip", ipstr(remote, b), NULL };
	size_t n = report_record(rec, sizeof(rec), "ipcp_go", kv);

	if (k->repfd >= 0 && write(k->repfd, rec, n) == (ssize_t)n)
		return 0;
	warn("call %u: cannot let pppd start IPCP: %s", k->id,
	     k->repfd < 0 ? "kpptp.so's report socket is closed" :
	     strerror(errno));
	return -1;
}

static int term_copy(struct relay *r, const struct rl_entry *e,
		     const char *next)
{
	char *const *opts = e->nopts ? e->opts : kd.conf.rl.defaults;
	unsigned int n = e->nopts ? e->nopts : kd.conf.rl.ndefaults, i;

	snprintf(r->hop, sizeof(r->hop), "%s", e->hop);
	snprintf(r->next_user, sizeof(r->next_user), "%s", next);
	r->secret = strdup(e->secret);
	if (!r->secret)
		return -1;
	for (i = 0; i < n; i++) {
		r->opts[i] = strdup(opts[i]);
		if (!r->opts[i])
			return -1;
		r->nopts = i + 1;
	}
	return 0;
}

void relay_authenticated(struct call *k)
{
	char next[RL_NAME_MAX + 1], esc[4 * RL_NAME_MAX + 4], why[256];
	struct pptp_ctrl_cfg cfg = kd.conf.ctrl;
	const struct rl_entry *e;
	const char *no;
	struct relay *r;

	if (!k->ipcp_held || k->relay_checked || !k->conn)
		return;
	k->relay_checked = true;
	log_escape(k->user, esc, sizeof(esc));
	/* a reload may have removed the list since pppd started */
	no = NULL;
	e = NULL;
	if (kd.conf.rl.path)
		e = rl_lookup(&kd.conf.rl, k->user, next, &no);
	if (!e && no) {
		warn("%s: call %u: user \"%s\": %s (relay-list %s): hanging up",
		     k->conn->name, k->id, esc, no, kd.conf.rl.path);
		hang_up(k);
		return;
	}
	if (!e) {
		info("%s: call %u: %s%s%s has no realm: not relayed",
		     k->conn->name, k->id, *esc ? "user \"" : "a peer with no name",
		     esc, *esc ? "\"" : "");
		if (send_go(k, 0, 0))
			hang_up(k);
		return;
	}
	r = relay_new(k);
	if (!r) {
		warn("call %u: relay: out of memory: hanging up", k->id);
		hang_up(k);
		return;
	}
	r->terminating = true;
	r->answered = true;	/* the client's call is up: hang up, not refuse */
	pending_add(r);
	if (term_copy(r, e, next)) {
		pair_fail(r, "out of memory");
		goto out;
	}
	info("%s: call %u: user \"%s\": relayed to %s as \"%s\" (relay-list line %u)",
	     k->conn->name, k->id, esc, r->hop,
	     log_escape(next, why, sizeof(why)), e->line);
	cfg.phone[0] = '\0';
	r->out_conn = conn_dial(e->to, e->port, &cfg, why, sizeof(why));
	if (!r->out_conn) {
		pair_fail(r, why);
	} else {
		r->out_conn->relay = r;
		r->out_conn->relay_hop = true;
	}
out:
	relay_put(r);
}

/* Our call at the next hop is up: its pppd logs in there. */
static int term_out_up(struct relay *r, struct call *k)
{
	int ret;

	if (!r->in || !r->secret)
		return -1;
	ret = call_start_relay_pppd(k, r->next_user, r->secret,
				    (const char *const *)r->opts, r->nopts);
	wipe_secret(r);
	if (ret && !r->why) {
		snprintf(r->whybuf, sizeof(r->whybuf),
			 "cannot start pppd for the next hop");
		r->why = r->whybuf;
	}
	return ret;
}

/* The client's pppd may start IPCP with the pair the next hop gave us
 * (@local ours there, @remote its); 0, or -1 once the pair failed. */
static int client_ipcp_go(struct relay *r, uint32_t local, uint32_t remote)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

	if (r->go_sent)
		return 0;
	r->go_sent = true;
	info("call %u: the next hop %s gave %s:%s: the client's IPCP (call %u) starts with them",
	     r->out->id, r->hop, ipstr(local, a), ipstr(remote, b), r->in_id);
	/* the client gets what the final server gave us */
	if (send_go(r->in, remote, local)) {
		pair_fail(r, "cannot let the client's pppd start IPCP");
		return -1;
	}
	return 0;
}

/*
 * The next hop's IPCP reached Opened (kpptp.so reports it before pppd sets
 * the interface up, which waits for pppd's ip-pre-up script): the client's
 * IPCP starts now, in parallel with that script, instead of after it.
 */
void relay_ipcp_up(struct call *k, uint32_t local, uint32_t remote)
{
	struct relay *r = k->relay;

	if (r->terminating && r->in && k == r->out)
		client_ipcp_go(r, local, remote);
}

/* Side @side (0: the client's, 1: the next hop's) of the pair's routing
 * as call @k's pppd reported it: its interface and addresses. */
static void route_side(struct relay *r, unsigned int side,
		       const struct call *k)
{
	r->route.id = r->in->id;
	memcpy(r->route.ifname[side], k->ifname, sizeof(k->ifname));
	r->route.local[side] = k->local_ip;
	r->route.remote[side] = k->remote_ip;
}

/* The client's side is up, the next hop's not yet: its packets go nowhere
 * (and not to the addresses pppd gave the gateway) until both are. */
static void hold_client_side(struct relay *r)
{
	char why[256];

	if (!r->in->ifname[0]) {
		pair_fail(r, "pppd did not report an interface");
		return;
	}
	route_side(r, 0, r->in);
	if (route_hold_in(&r->route, why, sizeof(why))) {
		pair_fail(r, why);
		return;
	}
	r->held = true;
}

/* IPCP of side @side (0: the client's) came up again, and pppd put its
 * addresses back on the interface: off again, else the gateway would
 * answer for the final server (or the client). */
static void readdressed(struct relay *r, struct call *k, unsigned int side)
{
	char why[256];

	route_side(r, side, k);
	if (route_addr_off(&r->route, side, why, sizeof(why)))
		pair_fail(r, why);
}

void relay_ppp_up(struct call *k)
{
	struct relay *r = k->relay;
	struct call *in = r->in, *out = r->out;
	char a[INET_ADDRSTRLEN], why[256];

	if (!r->terminating || !in || !out)
		return;
	if (r->routed || (r->held && k == in)) {
		readdressed(r, k, k == in ? 0 : 1);
		return;
	}
	/* no ipcp_up came first (a kpptp.so that does not send it) */
	if (k == out && client_ipcp_go(r, k->local_ip, k->remote_ip))
		return;
	/* the routing wants both interfaces up: whichever is last makes it */
	if (!in->ppp_up)
		return;
	if (!out->ppp_up) {
		hold_client_side(r);
		return;
	}
	if (!in->ifname[0] || !out->ifname[0]) {
		pair_fail(r, "pppd did not report an interface");
		return;
	}
	route_side(r, 0, in);
	route_side(r, 1, out);
	if (route_pair_up(&r->route, r->held, why, sizeof(why))) {
		r->held = false;	/* route_pair_up() undid it */
		pair_fail(r, why);
		return;
	}
	r->routed = true;
	r->held = false;
	pending_unlist(r);
	info("call %u: relayed: %s (client %s) <-> %s (call %u at %s)",
	     in->id, in->ifname, ipstr(in->remote_ip, a), out->ifname,
	     out->id, r->hop);
}

void relay_pppd_exited(struct call *k, int status)
{
	struct relay *r = k->relay;

	if (r->terminating && k == r->out && !r->why) {
		if (WIFEXITED(status) &&
		    WEXITSTATUS(status) == PPPD_EXIT_AUTH_TOPEER_FAILED)
			snprintf(r->whybuf, sizeof(r->whybuf),
				 "the next hop refused the login of \"%s\"",
				 r->next_user);
		else
			snprintf(r->whybuf, sizeof(r->whybuf),
				 "its pppd %s %d", WIFEXITED(status) ?
				 "exited with status" : "was killed by signal",
				 WIFEXITED(status) ? WEXITSTATUS(status) :
				 WTERMSIG(status));
		r->why = r->whybuf;
	}
	relay_call_down(k);
}

void relay_timers(uint64_t now)
{
	struct relay *r, *next;
	char why[96];

	for (r = pending; r; r = next) {
		next = r->next;
		if (now < r->deadline)
			continue;
		snprintf(why, sizeof(why), "%s within %u s (relay-login-timeout)",
			 r->terminating ?
			 "the link through the next hop was not up" :
			 "no CHAP Success from the next hop",
			 r->login_ms / 1000);
		pair_fail(r, why);
	}
}

uint64_t relay_next_timer(void)
{
	uint64_t next = PPTP_NO_TIMER;
	const struct relay *r;

	for (r = pending; r; r = r->next)
		if (r->deadline < next)
			next = r->deadline;
	return next;
}

bool relay_spliced(const struct call *k)
{
	return k->relay && !k->relay->terminating;
}

/* ------------------------------------------------ transparent, allow */

/*
 * A transparent rule with "allow": both sides have their sockets (the
 * caller attached them), but instead of the bridge a /dev/ppp handle on
 * each channel, and
 * kpptpd passes the frames (LCP, CHAP) between them until the next hop's
 * CHAP Success.  The client's CHAP Response carries the user's name in
 * clear; a name no pattern allows ends the pair before the server sees
 * the Response.  After the Success the channels are bridged, what queued
 * meanwhile is passed on, and the handles close: no data frame (and
 * nothing after authentication) ever reaches kpptpd.  No Success within
 * relay-login-timeout, or a client that uses no CHAP, ends the pair too.
 */
static int admit_start(struct relay *r, struct call *in, const char *out)
{
	struct conn *c = in->conn;
	char why[256];
	int i;

	for (i = 0; i < 2; i++) {
		r->ch[i].ev.kind = EV_RELAY_CHAN;
		r->ch[i].r = r;
		r->ch[i].side = i;
		r->chfd[i] = splice_chan_open(r->chan[i], why, sizeof(why));
		if (r->chfd[i] < 0)
			goto fail;
		if (ev_add(r->chfd[i], EPOLLIN, &r->ch[i].ev)) {
			snprintf(why, sizeof(why), "epoll: %s", strerror(errno));
			close(r->chfd[i]);
			r->chfd[i] = -1;
			goto fail;
		}
	}
	pending_add(r);
	info("%s: call %u paired with %s: answering; CHAP is read until the next hop's Success",
	     c->name, in->id, out);
	relay_answer(r);
	return 0;
fail:
	err("call %u: cannot pair it with %s: %s", in->id, out, why);
	admit_end(r);
	relay_refuse(r, why);
	return -1;
}

static bool admit_allowed(const char *allow, const char *name)
{
	char list[sizeof(((struct relay *)0)->allow)], *save = NULL, *p;

	snprintf(list, sizeof(list), "%s", allow);
	for (p = strtok_r(list, ",", &save); p; p = strtok_r(NULL, ",", &save))
		if (!fnmatch(p, name, 0))
			return true;
	return false;
}

/* The name of a CHAP Response (RFC 1994: code 2, id, length, value size,
 * value, name) in a PPP frame of @n bytes; false if it has none. */
static bool chap_response_name(const uint8_t *f, size_t n, char *name,
			       size_t size)
{
	size_t len, vs, off;

	if (n < 7 || f[2] != 2)
		return false;
	len = (size_t)f[4] << 8 | f[5];
	vs = f[6];
	off = 4 + 1 + vs;	/* from the CHAP header */
	if (len + 2 > n || len < off || len - off >= size ||
	    memchr(f + 2 + off, '\0', len - off))
		return false;
	memcpy(name, f + 2 + off, len - off);
	name[len - off] = '\0';
	return len > off;
}

/* One frame from @side; false once the pair is bridged or over. */
static bool admit_frame(struct relay *r, int side, const uint8_t *f,
			size_t n)
{
	bool chap = n >= 6 && f[0] == 0xc2 && f[1] == 0x23;
	char name[RL_NAME_MAX + 1], esc[4 * RL_NAME_MAX + 4], why[320];
	int i;

	if (chap && side == 0 && f[2] == 2) {
		if (!chap_response_name(f, n, name, sizeof(name))) {
			pair_fail(r, "a CHAP Response without a name");
			return false;
		}
		snprintf(r->seen_user, sizeof(r->seen_user), "%s", name);
		log_escape(name, esc, sizeof(esc));
		if (!admit_allowed(r->allow, name)) {
			snprintf(why, sizeof(why),
				 "the name is not allowed through this gateway (allow %s)",
				 r->allow);
			pair_fail(r, why);
			return false;
		}
		info("call %u: CHAP name \"%s\" allowed: passed to %s",
		     r->in_id, esc, r->hop);
	}
	if (write(r->chfd[!side], f, n) != (ssize_t)n)
		dbg("call %u: a frame not passed on: %s", r->in_id,
		    strerror(errno));
	if (!chap || side != 1 || f[2] != 3)
		return true;
	/* the next hop's Success: bridge, then what queued meanwhile */
	if (!r->seen_user[0]) {
		pair_fail(r, "a CHAP Success for no Response we saw");
		return false;
	}
	if (splice_bridge(r->chfd[0], r->chan[1], why, sizeof(why))) {
		pair_fail(r, why);
		return false;
	}
	for (i = 0; i < 2; i++) {
		uint8_t buf[2048];
		ssize_t m;

		while ((m = read(r->chfd[i], buf, sizeof(buf))) > 0)
			if (write(r->chfd[!i], buf, (size_t)m) != m)
				break;
	}
	admit_end(r);
	pending_unlist(r);
	if (r->l2tp_session)
		snprintf(why, sizeof(why), "L2TP session %u", r->l2tp_session);
	else
		snprintf(why, sizeof(why), "call %u", r->out_id);
	info("call %u: \"%s\" authenticated at %s: spliced to %s", r->in_id,
	     log_escape(r->seen_user, esc, sizeof(esc)), r->hop, why);
	return false;
}

void relay_chan_event(struct ev *ev)
{
	struct relay_chan *ch = (struct relay_chan *)ev;
	struct relay *r = ch->r;
	uint8_t buf[2048];
	ssize_t n;

	relay_get(r);
	while (r->chfd[ch->side] >= 0) {
		n = read(r->chfd[ch->side], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)	/* drained, or the channel went */
			break;
		if (!admit_frame(r, ch->side, buf, (size_t)n))
			break;
	}
	relay_put(r);
}

/* ------------------------------------------------------ transparent */

void relay_serve(struct conn *c, int slot, const struct pptp_call *pc,
		 const struct relay_rule *rule)
{
	struct pptp_ctrl_cfg cfg = kd.conf.ctrl;
	char why[256], esc[4 * sizeof(pc->phone)];
	enum cp_refusal reason;
	struct relay *r;
	struct call *k;

	k = call_create(c, slot, pc, c->peer.sin_addr.s_addr,
			c->local.sin_addr.s_addr, true, &reason, why,
			sizeof(why));
	if (!k) {
		count_refusal(reason);
		pptp_ctrl_call_refused(&c->ctrl, slot, why);
		return;
	}
	c->calls[slot] = k;
	r = relay_new(k);
	if (!r) {
		c->calls[slot] = NULL;
		count_refusal(CP_REFUSED_OUT_OF_MEMORY);
		pptp_ctrl_call_refused(&c->ctrl, slot, "out of memory");
		call_down(k);
		return;
	}
	snprintf(r->hop, sizeof(r->hop), "%s", rule->hop);
	snprintf(r->allow, sizeof(r->allow), "%s", rule->allow);
	info("%s: call %u (peer call ID %u, phone \"%s\"): relayed to %s (relay rule at line %u)",
	     c->name, k->id, pc->peer_id,
	     log_escape(pc->phone, esc, sizeof(esc)), r->hop, rule->line);
	if (rule->l2tp_tunnel) {
		l2tp_serve(r, rule);
		relay_put(r);
		return;
	}
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

/*
 * The next hop is a static L2TPv3 session (l2tp.c): there is nothing to
 * dial and nothing to wait for, so the client's call is spliced to a free
 * session (or paired, to read CHAP) and answered at once.  The session has
 * no end of its own: it goes when the client's call does.
 */
static void l2tp_serve(struct relay *r, const struct relay_rule *rule)
{
	struct call *in = r->in;
	struct conn *c = in->conn;
	char why[256], name[PPTP_STR_LEN + 64];
	uint32_t peer = 0;

	if (r->allow[0] ?
	    l2tp_attach(in->id, rule, r->fds, r->chan, &r->l2tp_session,
			&peer, why, sizeof(why)) :
	    l2tp_splice(in->id, rule, r->fds, &r->l2tp_session, &peer, why,
			sizeof(why))) {
		err("call %u: cannot relay it to %s: %s", in->id, r->hop, why);
		relay_refuse(r, why);
		return;
	}
	snprintf(name, sizeof(name), "session %u of %s (peer session %u)",
		 r->l2tp_session, r->hop, peer);
	if (r->allow[0]) {
		admit_start(r, in, name);
		return;
	}
	info("%s: call %u spliced to %s: answering", c->name, in->id, name);
	relay_answer(r);
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
	char why[256], name[PPTP_STR_LEN + 64];
	int ret = -1;

	if (r->terminating)
		return term_out_up(r, k);
	relay_get(r);
	if (!in)
		goto out;
	if (r->allow[0]) {
		snprintf(name, sizeof(name), "call %u at %s (peer call ID %u)",
			 k->id, r->hop, k->peer_id);
		if (splice_attach(in->id, k->id, r->fds, r->chan, why,
				  sizeof(why))) {
			err("call %u: cannot pair it with %s: %s", in->id,
			    name, why);
			relay_refuse(r, why);
			goto out;
		}
		ret = admit_start(r, in, name);
		goto out;
	}
	if (splice_calls(in->id, k->id, r->fds, why, sizeof(why))) {
		err("call %u: cannot splice it to call %u: %s", in->id, k->id,
		    why);
		relay_refuse(r, why);
		goto out;
	}
	info("%s: call %u spliced to call %u at %s (peer call ID %u): answering",
	     in->conn->name, in->id, k->id, r->hop, k->peer_id);
	relay_answer(r);
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
	char why[200], esc[4 * RL_NAME_MAX + 4];

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
	if (r->terminating && !r->routed)
		warn("call %u: relay of user \"%s\" to %s failed: %s: hanging up",
		     in->id, log_escape(in->user, esc, sizeof(esc)), r->hop,
		     r->why ? r->why : "its call there ended");
	else
		info("%s: call %u: its pair %u at %s ended%s%s: clearing it",
		     c->name, in->id, k->id, r->hop, r->why ? ": " : "",
		     r->why ? r->why : "");
	/* brings its CALL_DOWN: @in is gone after this */
	pptp_ctrl_call_close(&c->ctrl, in->slot, now_ms());
	conn_kick(c);
}

void relay_call_down(struct call *k)
{
	struct relay *r = k->relay;

	/* the next hop cleared our call: its pppd, stopping now, tells why
	 * (a refused login) when it exits: relay_pppd_exited() */
	if (r->terminating && k == r->out && k->pppd.pid)
		return;
	relay_get(r);
	k->relay = NULL;
	/* both kernel calls go with the sockets */
	splice_end(r->fds);
	admit_end(r);
	if (r->routed || r->held) {
		route_pair_down(&r->route);
		r->routed = r->held = false;
	}
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
	else if (r->in && !r->out && r->terminating)
		pair_fail(r, c->last_log[0] ? c->last_log :
			  "connection closed");
	relay_put(r);
}

void relay_describe(const struct call *k, struct cp_buf *b)
{
	const struct relay *r = k->relay;
	uint16_t pair = k == r->in ? r->out_id : r->in_id;

	cp_put(b, "relay", "%s", r->hop);
	cp_put(b, "relay_mode", "%s", r->terminating ? "terminating" :
	       "transparent");
	if (r->terminating && k == r->in)
		cp_put(b, "relay_user", "%s", r->next_user);
	if (r->l2tp_session)
		cp_put(b, "relay_l2tp_session", "%u", r->l2tp_session);
	if (pair && (k == r->in ? r->out : r->in))
		cp_put(b, "relay_call_id", "%u", pair);
}
