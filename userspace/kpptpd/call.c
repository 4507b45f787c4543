// SPDX-License-Identifier: GPL-2.0
/*
 * One PPTP call: a kernel call made over netlink (the kernel picks a random
 * unused ID), an address pair from the pools, and pppd attached to the call
 * with kpptp.so, watched through a pidfd.  Whichever side ends first, the
 * other follows: call_down() (the PPTP side is over) stops pppd and deletes
 * the kernel call; pppd exiting tells the connection (CDN).  The record
 * lives until pppd is reaped, so its addresses are not handed out while
 * pppd may still hold them.
 *
 * What pppd does comes from kpptp.so, which kpptpd asks for reports
 * ("kpptp_report 3"): records on a pipe of their own (../lib/report.h)
 * with pppd's phase, the interface, the name the peer authenticated with
 * and IPCP's addresses, whatever pppd's options do with its log.
 * pppd's standard output is a pipe to us too: with nodetach it logs there
 * unless its options say logfile or nologfd (pptpd's do).  Its lines are
 * logged (debug), and read for the same facts (pppdlog.c) only until
 * kpptp.so says it reports (its hello record): a peer's name can make a
 * log line say anything, a record says what pppd knows.  The report pipe
 * is read before the log, every time, so a log line never beats the
 * records pppd wrote before it.
 *
 * With "pppd none" a call is only the PPTP exchange, the kernel call and
 * its addresses: no pppd is started, and the call lasts until the peer
 * clears it or the connection ends (call_down()).  For measuring kpptpd
 * itself, and for tests.
 *
 * The state file (state.h) lists the kernel calls we made with their peer,
 * so that after a crash the next kpptpd deletes them (their pppd, if still
 * running, then sees a hangup and exits).  It stays locked while we run.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kpptpd.h"
#include "pppdlog.h"
#include "state.h"

#define STR_(x) #x
#define STR(x) STR_(x)

static int state_fd = -1;	/* the state file, locked (state.h) */
static char *state_mem;		/* ... mapped shared (state_map()) */

/*
 * Each of our calls has a slot in the locked file, its record at
 * slot * STATE_REC_LEN (state.h), written when the call is made, when it
 * learns its peer's call ID, and (blank) when it ends: one small store
 * however many calls there are, into the file's mapping (a file in
 * memory: tmpfs, as /run), or a pwrite() when the slot is new (which
 * extends the file) or the file is on a disk.  Writing the whole list at
 * every change cost kpptpd O(calls) per setup (at 30,000 calls, a
 * megabyte formatted and written for each).  Slots given back are reused
 * (a stack); the file is cut to nothing whenever the last call ends.
 */
static struct {
	unsigned int *free;	/* slots given back */
	unsigned int nfree, cap;
	unsigned int used;	/* slots handed out: the file's length */
} slots;

static void slots_reset(void)
{
	slots.used = 0;
	slots.nfree = 0;
}

static void state_reset(void)
{
	slots_reset();
	if (state_fd >= 0 && ftruncate(state_fd, 0))
		warn("state file %s: %s", kd.conf.state_file,
		     strerror(errno));
}

int call_state_lock(void)
{
	char why[512];
	int err = 0;

	if (state_fd >= 0) {	/* a second daemon in one process: tests */
		state_unmap(state_mem);
		close(state_fd);
	}
	state_mem = NULL;
	state_fd = -1;
	slots_reset();
	if (!kd.conf.state_file || !*kd.conf.state_file)
		return 0;
	state_fd = state_lock(kd.conf.state_file, why, sizeof(why));
	if (state_fd < 0) {
		err("%s", why);
		return -1;
	}
	/* elsewhere a store can still fail (a full copy-on-write disk): as
	 * SIGBUS then, where pwrite() only returns an error */
	if (!state_mappable(state_fd))
		return 0;
	state_mem = state_map(state_fd, &err);
	if (!state_mem)
		warn("state file %s: mmap: %s; writing records instead",
		     kd.conf.state_file, strerror(-err));
	return 0;
}

/*
 * Write call @k's record (or a blank one: NULL) into @slot: a store into
 * the mapping when the file holds the slot, else (@grow) a write that
 * extends the file; 0 or -errno.
 */
static int state_write(const struct call *k, unsigned int slot,
		       const struct state_rec *rec, bool grow)
{
	int r = 0;

	if (grow || !state_mem)
		r = state_put(state_fd, slot, rec);
	else
		state_store(state_mem, slot, rec);
	if (r)
		warn("state file %s: call %u: %s", kd.conf.state_file, k->id,
		     strerror(-r));
	return r;
}

static void state_record(const struct call *k)
{
	struct state_rec rec = { k->id, k->peer_id, k->peer_addr };

	if (state_fd < 0 || k->state_slot < 0)
		return;
	state_write(k, (unsigned int)k->state_slot, &rec, false);
}

static void state_slot_take(struct call *k)
{
	struct state_rec rec = { k->id, k->peer_id, k->peer_addr };

	k->state_slot = -1;
	if (state_fd < 0)
		return;
	if (slots.nfree) {
		k->state_slot = (int)slots.free[--slots.nfree];
		state_record(k);
		return;
	}
	/* a new slot at the file's end; not ours if the file did not grow,
	 * so that no store ever lands past the end (SIGBUS) */
	if (slots.used >= STATE_MAX_SLOTS ||
	    state_write(k, slots.used, &rec, true))
		return;
	k->state_slot = (int)slots.used++;
}

static void state_slot_give(struct call *k)
{
	unsigned int s = (unsigned int)k->state_slot;

	if (state_fd < 0 || k->state_slot < 0)
		return;
	k->state_slot = -1;
	state_write(k, s, NULL, false);
	if (slots.nfree == slots.cap) {
		unsigned int cap = slots.cap ? 2 * slots.cap : 64;
		unsigned int *f = realloc(slots.free, cap * sizeof(*f));

		if (!f)
			return;	/* not reused: the file keeps a blank line */
		slots.free = f;
		slots.cap = cap;
	}
	slots.free[slots.nfree++] = s;
}

/*
 * Calls an earlier kpptpd recorded: deleted if the kernel's call with the
 * ID still has the recorded peer (address and call ID), else someone
 * else's now and left alone.
 */
void call_sweep_stale(void)
{
	unsigned int n = 0;
	char line[128];
	FILE *f;

	if (state_fd < 0)
		return;
	f = fdopen(dup(state_fd), "r");
	if (!f) {
		warn("state file %s: %s", kd.conf.state_file, strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		struct kpptp_call_info info;
		struct state_rec rec;
		char a[INET_ADDRSTRLEN];
		int r;

		line[strcspn(line, "\n")] = '\0';
		if (state_parse(line, &rec)) {
			if (line[strspn(line, " ")])	/* not a free slot */
				warn("state file %s: line \"%.40s\" names no call with its peer: nothing deleted for it",
				     kd.conf.state_file, line);
			continue;
		}
		r = kpptp_call_get(kd.nl, rec.id, &info);
		if (r == -ENOENT) {
			route_sweep(rec.id);	/* a relay pair's routing */
			continue;
		}
		if (!r && !state_matches(&rec, &info)) {
			info("call %u is not the one an earlier kpptpd left (peer %s call ID %u now): left alone",
			     rec.id, ipstr(info.cfg.peer_addr, a),
			     info.cfg.peer_id);
			continue;
		}
		if (!r)
			r = kpptp_call_del(kd.nl, rec.id);
		if (!r) {
			info("removed call %u left by an earlier kpptpd", rec.id);
			route_sweep(rec.id);
			n++;
		} else if (r != -ENOENT) {
			warn("cannot remove stale call %u: %s", rec.id,
			     kpptp_nl_error(kd.nl)->msg[0] ?
			     kpptp_nl_error(kd.nl)->msg : strerror(-r));
		}
	}
	fclose(f);
	if (n)
		info("startup: %u stale calls removed", n);
	state_reset();		/* none of ours yet */
}

static const char *ip(uint32_t a, char *buf)
{
	struct in_addr in = { a };

	return inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN);
}

struct call *call_create(struct conn *c, int slot, const struct pptp_call *pc,
			 uint32_t peer_addr, uint32_t local_addr,
			 bool relayed, enum cp_refusal *reason, char *why,
			 size_t whylen)
{
	struct kpptp_call_cfg cfg = { 0 };
	struct kpptp_call_info info;
	struct call *k;
	int r;

	k = calloc(1, sizeof(*k));
	if (!k) {
		*reason = CP_REFUSED_OUT_OF_MEMORY;
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	k->ev.kind = EV_CALL;
	k->conn = c;
	k->slot = slot;
	k->pool_idx = -1;
	k->state_slot = -1;
	k->pppd.pidfd = k->pppd.outfd = k->pppd.repfd = -1;
	k->outfd = -1;
	k->out_ev.kind = EV_PPPD_OUT;
	k->repfd = -1;
	k->rep_ev.kind = EV_PPPD_REPORT;
	k->phase = -1;
	k->created = now_ms();
	k->peer_addr = peer_addr;
	/* a relayed call's addresses are the next hop's business */
	if (kd.conf.remote.n && !relayed) {
		k->pool_idx = pool_take(&kd.conf, &k->local_ip, &k->remote_ip);
		if (k->pool_idx < 0) {
			*reason = CP_REFUSED_POOL_EXHAUSTED;
			snprintf(why, whylen,
				 "remoteip pool exhausted (%u addresses in use)",
				 kd.conf.remote.inuse);
			free(k);
			return NULL;
		}
	}
	cfg.set = KPPTP_CFG(KPPTP_A_PEER_ADDR) | KPPTP_CFG(KPPTP_A_LOCAL_ADDR) |
		  KPPTP_CFG(KPPTP_A_RECV_WINDOW);
	/* slot -1, our own call: the peer's ID comes with the reply, and the
	 * kernel call waits for it (call_set_peer) */
	if (slot >= 0)
		cfg.set |= KPPTP_CFG(KPPTP_A_PEER_CALL_ID);
	cfg.peer_id = pc->peer_id;
	cfg.peer_addr = peer_addr;
	cfg.local_addr = local_addr;
	/* what the connection announced (OCRP, ICRP): after a reload
	 * kd.conf may say otherwise */
	cfg.recv_window = c->ctrl.cfg.window;
	if (pc->peer_window) {
		cfg.set |= KPPTP_CFG(KPPTP_A_PEER_RECV_WINDOW);
		cfg.peer_recv_window = pc->peer_window;
	}
	cfg.set |= KPPTP_CFG(KPPTP_A_PEER_PPD);
	cfg.peer_ppd = pc->peer_ppd;
	/* not on relayed calls: a spliced call has no pppd to hold back
	 * what its window cannot take yet */
	if (kd.conf.tx_window && !relayed) {
		cfg.set |= KPPTP_CFG(KPPTP_A_FLAGS);
		cfg.flags = KPPTP_F_TX_WINDOW;
	}
	r = kpptp_call_new(kd.nl, &cfg, &info);
	if (r) {
		const char *m = kpptp_nl_error(kd.nl)->msg;

		*reason = CP_REFUSED_KERNEL;
		snprintf(why, whylen, "kernel call: %s", *m ? m : strerror(-r));
		pool_put(&kd.conf, k->pool_idx);
		free(k);
		return NULL;
	}
	k->id = info.cfg.id;
	k->peer_id = slot >= 0 ? pc->peer_id : 0;
	k->next = kd.calls;
	k->pprev = &kd.calls;
	if (kd.calls)
		kd.calls->pprev = &k->next;
	kd.calls = k;
	kd.ncalls++;
	state_slot_take(k);
	return k;
}

int call_set_peer(struct call *k, const struct pptp_call *pc)
{
	struct kpptp_call_cfg cfg = { 0 };
	int r;

	cfg.set = KPPTP_CFG(KPPTP_A_CALL_ID) | KPPTP_CFG(KPPTP_A_PEER_CALL_ID) |
		  KPPTP_CFG(KPPTP_A_PEER_PPD);
	cfg.id = k->id;
	cfg.peer_id = pc->peer_id;
	cfg.peer_ppd = pc->peer_ppd;
	if (pc->peer_window) {
		cfg.set |= KPPTP_CFG(KPPTP_A_PEER_RECV_WINDOW);
		cfg.peer_recv_window = pc->peer_window;
	}
	r = kpptp_call_set(kd.nl, &cfg);
	if (r)
		err("call %u: setting peer call ID %u: %s", k->id, pc->peer_id,
		    kpptp_nl_error(kd.nl)->msg[0] ?
		    kpptp_nl_error(kd.nl)->msg : strerror(-r));
	else {
		k->peer_id = pc->peer_id;
		state_record(k);
	}
	return r;
}

static void out_close(struct call *k)
{
	if (k->outfd < 0)
		return;
	epoll_ctl(kd.epfd, EPOLL_CTL_DEL, k->outfd, NULL);
	close(k->outfd);
	k->outfd = -1;
}

static void rep_close(struct call *k)
{
	free(k->rep);
	k->rep = NULL;
	if (k->repfd < 0)
		return;
	epoll_ctl(kd.epfd, EPOLL_CTL_DEL, k->repfd, NULL);
	close(k->repfd);
	k->repfd = -1;
}

/* "LOCAL:REMOTE", pppd's way of giving the addresses */
static const char *addrs_of(const struct call *k, char buf[40])
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

	snprintf(buf, 40, "%s:%s", ip(k->local_ip, a), ip(k->remote_ip, b));
	return buf;
}

/*
 * "::LOCAL,::REMOTE": IPV6CP interface identifiers made of the call's IPv4
 * pair (pppd's "ipv6" option), so that each end's link-local address,
 * fe80::a.b.c.d, is known before the call and differs between calls.
 */
static const char *ifaceids_of(const struct call *k, char buf[40])
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

	snprintf(buf, 40, "::%s,::%s", ip(k->local_ip, a),
		 ip(k->remote_ip, b));
	return buf;
}

static int spawn(struct call *k, const char **argv, const char *secret);

/*
 * radius.so's arguments for call @k: the number put in @argv.  Its NAS-Port
 * is the number in the interface's name, so the interface is named after
 * the call (pppd's "unit": pppID, or another free unit if that one is
 * taken); Calling-Station-Id is "remotenumber".  RADIUS gives the client's
 * address; ours is localip's one address, in @addrs, or pppd's choice.
 */
static unsigned int radius_args(const char **argv, struct call *k,
				const char *idbuf, char addrs[40])
{
	char a[INET_ADDRSTRLEN];
	unsigned int n = 0;

	argv[n++] = "plugin";
	argv[n++] = kd.conf.radius_plugin;
	argv[n++] = "radius-config-file";
	argv[n++] = kd.conf.radius_config;
	argv[n++] = "unit";
	argv[n++] = idbuf;
	if (kd.conf.local.n == 1) {
		k->local_ip = htonl(kd.conf.local.addr[0]);
		snprintf(addrs, 40, "%s:", ip(k->local_ip, a));
		argv[n++] = addrs;
	}
	return n;
}

/* pppd with kpptp.so on call @k, reporting, in the foreground: the
 * number of arguments put in @argv (@idbuf holds the ID). */
static unsigned int argv_start(const char **argv, const struct call *k,
			       char idbuf[8])
{
	unsigned int n = 0;

	snprintf(idbuf, 8, "%u", k->id);
	argv[n++] = kd.conf.pppd;
	argv[n++] = "plugin";
	argv[n++] = kd.conf.plugin;
	argv[n++] = "kpptp_call";
	argv[n++] = idbuf;
	argv[n++] = "kpptp_report";
	argv[n++] = STR(KPPTP_REPORT_FD);
	argv[n++] = "nodetach";
	return n;
}

int call_start_pppd(struct call *k, const struct pptp_call *pc)
{
	char idbuf[8], addrs[40], ids[40];
	char peer[INET_ADDRSTRLEN];
	const char *argv[36 + CONF_MAX_ARGS];
	unsigned int n, i;

	if (kd.conf.no_pppd) {
		info("call %u: peer %s call ID %u window %u: up without pppd%s%s",
		     k->id, ip(k->peer_addr, peer), pc->peer_id,
		     pc->peer_window, k->pool_idx >= 0 ? " with " : "",
		     k->pool_idx >= 0 ? addrs_of(k, addrs) : "");
		return 0;
	}
	n = argv_start(argv, k, idbuf);
	/* a gateway: the user's name decides where IPCP's addresses come
	 * from (relay.c) */
	k->ipcp_held = kd.conf.rl.path;
	if (k->ipcp_held)
		argv[n++] = "kpptp_hold_ipcp";
	if (kd.conf.logwtmp) {	/* pptpd's wtmp plugin, as pptpd runs it */
		argv[n++] = "plugin";
		argv[n++] = kd.conf.logwtmp_plugin;
	}
	if (kd.conf.option) {
		argv[n++] = "file";
		argv[n++] = kd.conf.option;
	}
	if (k->pool_idx >= 0)
		argv[n++] = addrs_of(k, addrs);
	if (kd.conf.radius_config)
		n += radius_args(argv + n, k, idbuf, addrs);
	/* pppd 2.5 negotiates IPV6CP unless told not to, 2.4 only if told */
	if (kd.conf.ipv6 == CONF_IPV6_ON) {
		argv[n++] = "+ipv6";
		if (k->pool_idx >= 0) {
			argv[n++] = "ipv6";
			argv[n++] = ifaceids_of(k, ids);
		}
	} else if (kd.conf.ipv6 == CONF_IPV6_OFF) {
		argv[n++] = "noipv6";
	}
	ip(k->peer_addr, peer);
	if (kd.conf.ipparam) {
		argv[n++] = "ipparam";
		argv[n++] = peer;
	}
	argv[n++] = "remotenumber";
	argv[n++] = peer;
	if (kd.conf.logwtmp) {
		argv[n++] = "pptpd-original-ip";
		argv[n++] = peer;
	}
	for (i = 0; i < kd.conf.nppp_args; i++)
		argv[n++] = kd.conf.ppp_args[i];
	argv[n] = NULL;
	if (spawn(k, argv, NULL))
		return -1;
	info("call %u: peer %s call ID %u window %u: pppd %d started%s%s",
	     k->id, peer, pc->peer_id, pc->peer_window, k->pppd.pid,
	     k->pool_idx >= 0 ? " with " : "",
	     k->pool_idx >= 0 ? addrs : "");
	return 0;
}

int call_start_relay_pppd(struct call *k, const char *user,
			  const char *secret, const char *const opts[],
			  unsigned int nopts)
{
	const char *argv[24 + RL_MAX_OPTS];
	char idbuf[8];
	unsigned int n, i;

	n = argv_start(argv, k, idbuf);
	/* a client of the next hop: it does not authenticate the server,
	 * takes the address it is given and touches no other route */
	argv[n++] = "noauth";
	argv[n++] = "noipdefault";
	argv[n++] = "nodefaultroute";
	argv[n++] = "user";
	argv[n++] = user;
	argv[n++] = "plugin";
	argv[n++] = "passwordfd.so";
	argv[n++] = "passwordfd";
	argv[n++] = STR(KPPTP_SECRET_FD);
	for (i = 0; i < nopts && i < RL_MAX_OPTS; i++)
		argv[n++] = opts[i];
	argv[n] = NULL;
	if (spawn(k, argv, secret))
		return -1;
	info("call %u: pppd %d started to log in as the relayed user", k->id,
	     k->pppd.pid);
	return 0;
}

/* pppd for @k with @argv, watched; 0, or -1 (logged, nothing left) */
static int spawn(struct call *k, const char **argv, const char *secret)
{
	if (pppd_spawn((char *const *)argv, secret, &k->pppd)) {
		err("call %u: starting %s: %s", k->id, argv[0],
		    strerror(errno));
		return -1;
	}
	k->started = now_ms();
	k->outfd = k->pppd.outfd;
	if (k->outfd >= 0 && ev_add(k->outfd, EPOLLIN, &k->out_ev)) {
		close(k->outfd);
		k->outfd = -1;
	}
	/* without it, the log is all we learn from */
	k->repfd = k->pppd.repfd;
	k->rep = k->repfd >= 0 ? malloc(sizeof(*k->rep)) : NULL;
	if (k->rep)
		report_in_init(k->rep);
	if (k->repfd >= 0 && (!k->rep || ev_add(k->repfd, EPOLLIN, &k->rep_ev)))
		rep_close(k);
	if (ev_add(k->pppd.pidfd, EPOLLIN, &k->ev)) {
		err("call %u: watching pppd %d: %s", k->id, k->pppd.pid,
		    strerror(errno));
		pppd_signal(&k->pppd, SIGKILL);
		pppd_reap(&k->pppd, NULL, true);
		out_close(k);
		rep_close(k);
		return -1;
	}
	return 0;
}

/*
 * The call is over on both sides: it leaves the list (and the limits) now,
 * but its memory only in call_reap(), after the epoll batch, since a later
 * event of the same batch may still name it.
 */
static void call_free(struct call *k)
{
	out_close(k);
	rep_close(k);
	if (k->pppd.pidfd >= 0) {
		epoll_ctl(kd.epfd, EPOLL_CTL_DEL, k->pppd.pidfd, NULL);
		close(k->pppd.pidfd);
		k->pppd.pidfd = -1;
	}
	*k->pprev = k->next;	/* the list is doubly linked: O(1) */
	if (k->next)
		k->next->pprev = k->pprev;
	pool_put(&kd.conf, k->pool_idx);
	k->pool_idx = -1;
	kd.ncalls--;
	state_slot_give(k);
	if (!kd.calls)
		state_reset();
	k->dead = true;
	k->next = kd.dead_calls;
	kd.dead_calls = k;
}

void call_reap(void)
{
	struct call *k;

	while ((k = kd.dead_calls)) {
		kd.dead_calls = k->next;
		free(k);
	}
}

static void kernel_del(struct call *k)
{
	int r = kpptp_call_del(kd.nl, k->id);

	if (r && r != -ENOENT)
		warn("call %u: delete: %s", k->id,
		     kpptp_nl_error(kd.nl)->msg[0] ?
		     kpptp_nl_error(kd.nl)->msg : strerror(-r));
}

/* The call counts against max-calls until pppd is reaped (call_event()):
 * a peer clearing calls as fast as it makes them cannot have more pppd
 * running than the limit. */
void call_down(struct call *k)
{
	if (!k->conn)
		return;
	if (k->relay)		/* its pair follows (or when pppd exits) */
		relay_call_down(k);
	k->conn = NULL;
	kernel_del(k);		/* pppd sees a hangup */
	if (k->pppd.pid) {
		info("call %u: PPTP side ended, stopping pppd %d", k->id,
		     k->pppd.pid);
		pppd_signal(&k->pppd, SIGTERM);
	} else {
		call_free(k);
	}
}

static void pppd_exit_event(const struct call *k, pid_t pid, int status)
{
	struct cp_buf *e = mon_begin("pppd_exit");

	if (!e)
		return;
	if (k->conn)
		cp_put(e, "conn", "%u", k->conn->id);
	cp_put(e, "call", "%u", k->id);
	if (k->user[0])
		cp_put(e, "user", "%s", k->user);
	cp_put(e, "pppd_pid", "%d", (int)pid);
	if (WIFEXITED(status))
		cp_put(e, "status", "%d", WEXITSTATUS(status));
	else
		cp_put(e, "signal", "%d", WTERMSIG(status));
	cp_put(e, "uptime_ms", "%llu",
	       (unsigned long long)(now_ms() - k->started));
	mon_send(e);
}

void call_event(struct call *k)
{
	struct conn *c = k->conn;
	pid_t pid = k->pppd.pid;
	int status = 0;

	/* reaped, the pidfd closes and leaves the epoll set */
	if (k->dead || !pid || !pppd_reap(&k->pppd, &status, false))
		return;
	if (WIFEXITED(status))
		info("call %u: pppd %d exited with status %d after %llu ms",
		     k->id, pid, WEXITSTATUS(status),
		     (unsigned long long)(now_ms() - k->started));
	else
		info("call %u: pppd %d killed by signal %d", k->id, pid,
		     WTERMSIG(status));
	call_pppd_output(k);	/* its last words (reports first) */
	pppd_exit_event(k, pid, status);
	kernel_del(k);
	if (c) {
		k->conn = NULL;
		conn_call_ended(c, k->slot);
	}
	/* after our own PPTP side: the pair's teardown may end this
	 * connection, which must not find the call still on it */
	if (k->relay)
		relay_pppd_exited(k, status);
	call_free(k);
}

void call_kill_all(void)
{
	uint64_t until = now_ms() + 3000;
	struct call *k, *next;

	for (k = kd.calls; k; k = k->next) {
		kernel_del(k);
		pppd_signal(&k->pppd, SIGTERM);
	}
	/* give pppd a moment to say goodbye, then insist */
	while (kd.calls && now_ms() < until) {
		for (k = kd.calls; k; k = next) {
			next = k->next;
			if (pppd_reap(&k->pppd, NULL, false))
				call_free(k);
		}
		usleep(20000);
	}
	while ((k = kd.calls)) {
		if (k->pppd.pid) {
			warn("call %u: pppd %d did not stop: killed", k->id,
			     k->pppd.pid);
			pppd_signal(&k->pppd, SIGKILL);
			pppd_reap(&k->pppd, NULL, true);
		}
		call_free(k);
	}
	call_reap();
}

struct call *call_find(uint16_t id)
{
	struct call *k;

	for (k = kd.calls; k; k = k->next)
		if (k->id == id && k->conn)
			return k;
	return NULL;
}

/* "up" (IPCP), pppd's reported phase, "starting" before either, "none" */
static const char *ppp_state(const struct call *k)
{
	if (k->ppp_up)
		return "up";
	if (!k->pppd.pid)
		return "none";
	if (k->reported && k->phase >= 0)
		return report_phases[k->phase];
	return "starting";
}

void call_describe(const struct call *k, struct cp_buf *b)
{
	struct kpptp_call_info info;
	char a[INET_ADDRSTRLEN];
	const char *ifname = k->ifname;

	cp_put(b, "kernel_call_id", "%u", k->id);
	/* the kernel knows the unit even when pppd logs elsewhere */
	if (!kpptp_call_get(kd.nl, k->id, &info) && info.ifname[0])
		ifname = info.ifname;
	if (*ifname)
		cp_put(b, "ifname", "%s", ifname);
	if (k->user[0])
		cp_put(b, "user", "%s", k->user);
	if (k->local_ip)
		cp_put(b, "local_ip", "%s", ipstr(k->local_ip, a));
	if (k->remote_ip)
		cp_put(b, "remote_ip", "%s", ipstr(k->remote_ip, a));
	if (k->pppd.pid)
		cp_put(b, "pppd_pid", "%d", (int)k->pppd.pid);
	cp_put(b, "ppp", "%s", relay_spliced(k) ? "relayed" : ppp_state(k));
	if (k->relay)
		relay_describe(k, b);
	cp_put(b, "uptime_ms", "%llu",
	       (unsigned long long)(now_ms() - k->created));
}

static void ppp_up_event(const struct call *k);

/* IPCP came up (kpptp.so's report, or pppd's log): true the first time */
static bool ppp_came_up(struct call *k)
{
	if (k->ppp_up)
		return false;
	k->ppp_up = true;
	k->up_wall = time(NULL);
	ppp_up_event(k);
	return true;
}

static void ppp_up_event(const struct call *k)
{
	struct cp_buf *e = mon_begin("ppp_up");
	char a[INET_ADDRSTRLEN];

	if (!e)
		return;
	if (k->conn)
		cp_put(e, "conn", "%u", k->conn->id);
	cp_put(e, "call", "%u", k->id);
	if (k->ifname[0])
		cp_put(e, "ifname", "%s", k->ifname);
	if (k->user[0])
		cp_put(e, "user", "%s", k->user);
	cp_put(e, "local_ip", "%s", ipstr(k->local_ip, a));
	cp_put(e, "remote_ip", "%s", ipstr(k->remote_ip, a));
	mon_send(e);
}

static void pppd_line(struct call *k, const char *line)
{
	char name[sizeof(k->user)];
	uint32_t a;

	dbg("call %u: pppd: %s", k->id, line);
	if (k->reported)	/* kpptp.so said it: the log has no say */
		return;
	switch (pppd_log_line(line, name, sizeof(name), &a)) {
	case PPPD_LOG_IFNAME:
		snprintf(k->ifname, sizeof(k->ifname), "%.*s",
			 (int)sizeof(k->ifname) - 1, name);
		break;
	case PPPD_LOG_USER:
		snprintf(k->user, sizeof(k->user), "%s", name);
		break;
	case PPPD_LOG_LOCAL_IP:
		k->local_ip = a;
		break;
	case PPPD_LOG_REMOTE_IP:
		k->remote_ip = a;
		/* pppd logs it once IPCP is up, after the local one */
		ppp_came_up(k);
		break;
	}
}

void call_pppd_output(struct call *k)
{
	if (k->dead)
		return;
	/* what kpptp.so wrote before these lines, first */
	call_pppd_report(k);
	for (;;) {
		ssize_t n;
		char *nl;

		if (k->outfd < 0)
			return;
		n = read(k->outfd, k->outbuf + k->outlen,
			 sizeof(k->outbuf) - 1 - k->outlen);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			out_close(k);
			return;
		}
		k->outlen += (size_t)n;
		k->outbuf[k->outlen] = '\0';
		while ((nl = memchr(k->outbuf, '\n', k->outlen))) {
			*nl = '\0';
			pppd_line(k, k->outbuf);
			k->outlen -= (size_t)(nl + 1 - k->outbuf);
			memmove(k->outbuf, nl + 1, k->outlen);
		}
		if (k->outlen == sizeof(k->outbuf) - 1) {
			/* a line too long to be one we read: skip it */
			k->outbuf[k->outlen] = '\0';
			pppd_line(k, k->outbuf);
			k->outlen = 0;
		}
	}
}

static void report_rec(void *arg, const struct report_rec *r, const char *why)
{
	struct call *k = arg;
	char esc[4 * sizeof(k->user)];

	if (r && !k->reported && r->event != REPORT_HELLO) {
		k->rep->bad++;
		why = "a record before the hello";
		r = NULL;
	}
	if (!r) {
		/* counted (report_input()); a few are enough to see why */
		if (k->rep->bad <= 5)
			warn("call %u: kpptp.so's report: %s: ignored", k->id,
			     why);
		return;
	}
	switch (r->event) {
	case REPORT_HELLO:
		/* then the records that follow are ignored, too */
		if (r->version != REPORT_VERSION) {
			warn("call %u: kpptp.so reports in version %u, not %u: reading pppd's log instead",
			     k->id, r->version, REPORT_VERSION);
			return;
		}
		/* whatever the log said before, if anything, is forgotten */
		if (!k->reported)
			k->user[0] = '\0';
		dbg("call %u: kpptp.so reports", k->id);
		k->reported = true;
		break;
	case REPORT_PHASE:
		dbg("call %u: pppd phase %s", k->id, report_phases[r->phase]);
		k->phase = r->phase;
		/* a peer that did not authenticate reaches it with no name */
		if (!strcmp(report_phases[r->phase], "network"))
			relay_authenticated(k);
		break;
	case REPORT_IFNAME:
		snprintf(k->ifname, sizeof(k->ifname), "%s", r->ifname);
		break;
	case REPORT_AUTH:
		snprintf(k->user, sizeof(k->user), "%s", r->user);
		info("call %u: the peer authenticated as \"%s\"", k->id,
		     log_escape(k->user, esc, sizeof(esc)));
		relay_authenticated(k);
		break;
	case REPORT_IP_UP:
		k->local_ip = r->local_ip;
		k->remote_ip = r->remote_ip;
		if (ppp_came_up(k) && k->relay)
			relay_ppp_up(k);
		break;
	case REPORT_IPCP_UP:
		if (k->relay)
			relay_ipcp_up(k, r->local_ip, r->remote_ip);
		break;
	case REPORT_IP_DOWN:
		k->ppp_up = false;
		break;
	case REPORT_IPCP_GO:	/* ours to send, not pppd's */
		k->rep->bad++;
		warn("call %u: kpptp.so's report: an ipcp_go record: ignored",
		     k->id);
		break;
	}
}

void call_pppd_report(struct call *k)
{
	char buf[4096];
	ssize_t n;

	if (k->dead)
		return;
	while (k->repfd >= 0) {
		n = read(k->repfd, buf, sizeof(buf));
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			rep_close(k);
			return;
		}
		report_input(k->rep, buf, (size_t)n, report_rec, k);
	}
}
