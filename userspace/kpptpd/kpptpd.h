/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kpptpd: the PPTP control plane daemon.  One process, one epoll loop:
 *   main.c   options, signals, the loop, the startup sweep, shutdown
 *   conn.c   TCP 1723: accept with limits, framing, the pptp_ctrl glue
 *   call.c   per call: the kernel call (netlink), pppd, the state file
 *   conf.c   kpptpd.conf / pptpd.conf and the address pools
 *   reload.c SIGHUP: the configuration read again, applied to what is new
 *   relay.c  calls passed on to a next hop, PPP spliced in the kernel
 *   splice.c the kernel side of that: PX sockets, the channel bridge
 *   l2tp.c   a relay's next hop as a static L2TPv3 session
 *   dm.c     RADIUS Disconnect-Messages (RFC 5176); radius.c the packets
 *   ctlsock.c the control socket (kpptpctl): get, set, monitor events
 *   pppd.c   pppd processes: start, signal and reap through a pidfd
 *   pppdlog.c what pppd's log lines say (interface, user, addresses), for
 *            a pppd whose kpptp.so does not report (../lib/report.h)
 *   log.c    log lines to stderr or syslog
 */
#ifndef KPPTPD_H
#define KPPTPD_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "../lib/ctlproto.h"
#include "../lib/nl.h"
#include "../lib/report.h"
#include "../pptp/pptp_ctrl.h"
#include "conf.h"
#include "timerq.h"

/* ---- log.c */
void log_open(bool syslog, bool debug);
void log_to_file(FILE *f);	/* tests: instead of stderr; NULL: nowhere */
void log_flush(void);		/* the lines of this turn of the loop */
__attribute__((format(printf, 2, 3)))
void log_msg(int prio, const char *fmt, ...);
#define err(...)	log_msg(3, __VA_ARGS__)
#define warn(...)	log_msg(4, __VA_ARGS__)
#define info(...)	log_msg(6, __VA_ARGS__)
#define dbg(...)	log_msg(7, __VA_ARGS__)

/* ---- main.c: what every part shares */
struct conn;
struct call;
struct relay;

enum ev_kind {
	EV_LISTEN, EV_SIGNAL, EV_CONN, EV_CALL, EV_PPPD_OUT, EV_PPPD_REPORT,
	EV_CTL_LISTEN, EV_CTL_CLIENT, EV_RELAY_CHAN, EV_DM,
};

/* epoll's data.ptr points at one of these, first in its owner */
struct ev {
	enum ev_kind kind;
};

struct daemon {
	struct conf conf;
	struct kpptp_nl *nl;
	int epfd;
	struct ev listen_ev;
	int listen_fd;
	struct conn *conns;
	unsigned int nconns;
	struct call *calls;		/* every call, also dying ones */
	struct call *dead_calls;	/* freed after the epoll batch */
	unsigned int ncalls;		/* calls until pppd is reaped */
	bool stopping;
	uint64_t redial_at;		/* client role: next connect, or 0 */
	/* for the control socket and reload */
	const char *conf_path;
	const char *sock_opt;		/* -S, or NULL */
	bool use_syslog, debug_opt;	/* -s, -d */
	uint64_t started;		/* now_ms() at start */
	uint32_t next_conn_id;
	uint64_t conns_accepted, conns_refused;
	uint64_t calls_accepted, calls_refused;
	uint64_t refused[CP_NREFUSALS];	/* the two above, by reason */
	uint64_t reloads, reloads_failed;
};

extern struct daemon kd;

/* A connection or call refused for @r: counted by reason and in all. */
void count_refusal(enum cp_refusal r);
uint64_t now_ms(void);
int ev_add(int fd, uint32_t events, struct ev *ev);
int ev_mod(int fd, uint32_t events, struct ev *ev);
/* A listening TCP socket on @addr (network order) @port, or -1 + errno. */
int listener_open(uint32_t addr, uint16_t port);
const char *ipstr(uint32_t addr, char *buf);	/* INET_ADDRSTRLEN */

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

/* ---- fdlimit.c: the file descriptor limit */
/* At start: the soft limit raised to the hard one, a spare held. */
void fdlimit_raise(void);
/* In pppd's child, before exec: the soft limit we were started with. */
void fdlimit_child(void);
/* What @c's connections and max-calls can need at once. */
unsigned long long fdlimit_needed(const struct conf *c);
/* A warning when fdlimit_needed() is over the limit (start, reload). */
void fdlimit_check(const struct conf *c);
/* After EMFILE/ENFILE: takes the waiting connection off @listen_fd's
 * queue in the spare's slot and closes it (@sa may be NULL): 1, or 0 when
 * none was waiting, -1 when there is no spare or its slot was taken. */
int fdlimit_shed(int listen_fd, struct sockaddr *sa, socklen_t *len);
void fdlimit_spare(void);		/* hold the spare again */
/* No spare either: the caller takes its listener out of epoll, and
 * @resume, called from fdlimit_timers() a second later, puts it back. */
void fdlimit_pause(void (*resume)(void), uint64_t now);
uint64_t fdlimit_next_timer(void);
void fdlimit_timers(uint64_t now);
unsigned long long fdlimit_current(void);	/* the soft limit */

/* ---- dm.c: RADIUS Disconnect-Messages */
struct dm_stats {
	uint64_t received, acks, naks, disconnected;
	uint64_t dropped[CP_DM_NDROPS];	/* by enum cp_dm_drop */
};

extern struct dm_stats dm_stats;
/* Listen as kd.conf says (start, reload): 0, or -1 (logged; off). */
int dm_apply(void);
void dm_event(void);		/* the socket is readable */

/* ---- log.c: peer text made safe for one log line */
/* @in with control characters, '\\' and bytes >= 0x7f as \xNN, in @out
 * (truncated to @outlen); returns @out. */
char *log_escape(const char *in, char *out, size_t outlen);

/* ---- conn.c */
#ifndef CONN_OUT_MAX
#define CONN_OUT_MAX 65536	/* unsent bytes before we give up on a peer */
#endif

struct conn {
	struct ev ev;
	struct conn *next, **pprev;	/* kd.conns */
	struct conn *next_closed;	/* closed, to reap (conn_reap()) */
	int fd;
	uint32_t id;			/* for kpptpctl, from 1 */
	uint64_t started;
	struct sockaddr_in peer, local;
	char name[32];			/* "a.b.c.d:port" */
	struct pptp_ctrl ctrl;
	struct call **calls;		/* per pptp_ctrl slot */
	uint8_t in[PPTP_MSG_MAX];
	size_t inlen;
	uint8_t *out;			/* unsent bytes, allocated as needed */
	size_t outlen, outcap;
	int new_slot;			/* CALL_NEW to serve after input */
	bool closed;			/* CLOSE seen: flush, then free */
	bool want_out;
	bool connecting;		/* client role: connect() under way */
	bool call_opened;		/* client role: our call was placed */
	bool relay_hop;			/* to a relay's next hop: no redial */
	struct relay *relay;		/* ... its relay, until closed */
	const char *abort_why;		/* abort once the state machine returns */
	unsigned int npending;		/* calls with close_pending */
	uint64_t connect_deadline;	/* client role: connect() gives up */
	struct timer_node timer;	/* its next deadline (conn_rearm()) */
	struct src_conns *src;		/* accepted: its source's count */
	uint64_t timer_pass;		/* conn_timers() pass that last fired it */
	/* call setups this second (max-call-rate) */
	uint64_t rate_sec;
	unsigned int rate_n;
	/* Echo: requests we sent, their replies, the peer's requests */
	uint64_t echo_sent, echo_replies, echo_received;
	int64_t echo_rtt_ms;		/* last round trip, -1 before one */
	char last_log[192];		/* why it closed, when it did */
};

void conn_accept(void);
/* Serve an accepted connection on @fd (nonblocking) from @peer; 0 or -1
 * (refused, logged, @fd closed). */
int conn_add(int fd, const struct sockaddr_in *peer);
void conn_connect(void);		/* client role: to conf.connect */
/* A client-role connection to @addr:@port (network order, host order)
 * with @cfg, connecting; NULL and @why if it cannot even start. */
struct conn *conn_dial(uint32_t addr, uint16_t port,
		       const struct pptp_ctrl_cfg *cfg, char *why,
		       size_t whylen);
/* The state machine of @c was entered from outside its own events (relay
 * teardown): what follows from it, and its sends. */
void conn_kick(struct conn *c);
void conn_event(struct conn *c, uint32_t events);
void conn_timers(uint64_t now);
uint64_t conn_next_timer(void);
void conn_stop_all(void);
void conn_reap(void);		/* free connections marked closed */
/* pppd of a call on @c ended (call.c) */
void conn_call_ended(struct conn *c, int slot);
struct conn *conn_find(uint32_t id);
/* kpptpctl: end @c (StopCCRQ) or one call of it (CDN / CCRQ) politely */
void conn_disconnect(struct conn *c);
void conn_call_disconnect(struct call *k);
/* get: @c's keys, then its calls' */
void conn_describe(const struct conn *c, struct cp_buf *b);

/* ---- pppd.c */
struct pppd_proc {
	pid_t pid;		/* 0: none, or reaped */
	int pidfd;		/* readable once pppd exited */
	int outfd;		/* pppd's standard output, nonblocking */
	int repfd;		/* kpptp.so's reports (report.h), nonblocking */
};

#define KPPTP_SECRET_FD 4	/* passwordfd.so's, when there is a secret */

/* fork + exec @argv[0] (an absolute path) with the report socket on
 * KPPTP_REPORT_FD and, unless NULL, a pipe holding @secret on
 * KPPTP_SECRET_FD; 0, or -1 + errno. */
int pppd_spawn(char *const argv[], const char *secret, struct pppd_proc *p);
/* Through the pidfd (the pid only without pidfd_send_signal). */
int pppd_signal(const struct pppd_proc *p, int sig);
/* 1 and @status once pppd is reaped (pidfd closed, pid 0), 0 if it still
 * runs and !@block. */
int pppd_reap(struct pppd_proc *p, int *status, bool block);

/* ---- call.c */
struct call {
	struct ev ev;
	struct call *next, **pprev;	/* kd.calls; next: dead_calls */
	struct conn *conn;	/* NULL once the PPTP side is gone */
	int slot;		/* in conn's pptp_ctrl */
	uint16_t id;		/* kernel call ID */
	int pool_idx;		/* address pair, or -1 */
	uint32_t local_ip, remote_ip;	/* PPP addresses, network order */
	uint32_t peer_addr;	/* the peer's IP (GRE), network order */
	uint16_t peer_id;	/* the peer's call ID, 0 until known */
	int state_slot;		/* its record in the state file, or -1 */
	struct pppd_proc pppd;	/* pid 0 if none */
	bool dead;		/* freed after the epoll batch: ignore events */
	bool close_pending;	/* end the PPTP side once the state machine
				 * returns (pppd failed to start) */
	uint64_t started;
	uint64_t created;
	/* pppd's log lines (its standard output): logged, and read for
	 * what follows only while kpptp.so has not reported (no hello) */
	struct ev out_ev;
	int outfd;		/* -1 when closed */
	char outbuf[512];
	size_t outlen;
	/* kpptp.so's records (report.h): what pppd tells us */
	struct ev rep_ev;
	int repfd;		/* -1 when closed */
	struct report_in *rep;	/* allocated with the pipe */
	bool reported;		/* a hello came: the log says nothing more */
	int phase;		/* pppd's last reported phase, or -1 */
	char user[256];		/* the peer's authenticated name, or "" */
	char ifname[KPPTP_IFNAMSIZ];
	bool ppp_up;		/* IPCP up: addresses as pppd reported them */
	time_t up_wall;		/* ... since then (wall clock, seconds) */
	bool ppp_down;		/* IPCP went down again (reported) */
	struct relay *relay;	/* spliced to a call elsewhere, or NULL */
	bool ipcp_held;		/* pppd waits for ipcp_go (relay-list) */
	bool relay_checked;	/* ... the name was looked up */
};

/* Make the kernel call for a PPTP call request (@slot -1: our own outgoing
 * call, peer ID not known yet); NULL + @reason and @why on failure. */
struct call *call_create(struct conn *c, int slot, const struct pptp_call *pc,
			 uint32_t peer_addr, uint32_t local_addr,
			 bool relayed, enum cp_refusal *reason, char *why,
			 size_t whylen);
int call_start_pppd(struct call *k, const struct pptp_call *pc);
/* A terminating relay's call at the next hop: pppd logs in there as
 * @user with @secret (passwordfd.so) and pppd options @opts. */
int call_start_relay_pppd(struct call *k, const char *user,
			  const char *secret, const char *const opts[],
			  unsigned int nopts);
/* Client role: the server answered; give the kernel call its peer. */
int call_set_peer(struct call *k, const struct pptp_call *pc);
/* The PPTP side is over: stop pppd, delete the kernel call. */
void call_down(struct call *k);
void call_event(struct call *k);	/* pidfd readable: pppd exited */
void call_pppd_output(struct call *k);	/* pppd wrote log lines */
void call_pppd_report(struct call *k);	/* kpptp.so wrote records */
struct call *call_find(uint16_t id);	/* a live call (not dying) */
void call_describe(const struct call *k, struct cp_buf *b);
/* startup: lock the state file (-1, logged: another kpptpd has it) */
int call_state_lock(void);
void call_sweep_stale(void);		/* startup: remove calls we owned */
void call_kill_all(void);		/* shutdown */
void call_reap(void);			/* free the calls that ended */

/* ---- relay.c */
/* Server role: @slot of @c asks for a call that @rule passes on.  The
 * kernel call is made and the next hop dialled; the client is answered
 * once the next hop's call is up and spliced, or refused. */
void relay_serve(struct conn *c, int slot, const struct pptp_call *pc,
		 const struct relay_rule *rule);
/* Our call @k was placed on the next hop's connection @c. */
void relay_placed(struct conn *c, struct call *k);
/* Our call at the next hop is up (@k, peer known): splice, answer the
 * client; -1 if that failed (@k is then to be closed). */
int relay_up(struct call *k);
/* @k's PPTP side is over (call_down()): its pair follows (for the next
 * hop's call of a terminating relay, once its pppd has exited). */
void relay_call_down(struct call *k);
/* The next hop's connection @c closed. */
void relay_conn_closed(struct conn *c);
/* get: the pair of @k */
void relay_describe(const struct call *k, struct cp_buf *b);
/* Terminating: the client's call @k authenticated (k->user), or reached
 * pppd's network phase without a name: relay it, hang it up, or let its
 * IPCP start.  Once per call. */
void relay_authenticated(struct call *k);
/* @k, one side of a terminating pair, has IPCP up (its interface too). */
void relay_ppp_up(struct call *k);
/* @k, one side of a pair, has IPCP Opened with these addresses (network
 * order), before its pppd's ip-pre-up script and interface. */
void relay_ipcp_up(struct call *k, uint32_t local, uint32_t remote);
/* The pppd of @k, in a pair, exited with @status: its pair follows. */
void relay_pppd_exited(struct call *k, int status);
void relay_timers(uint64_t now);
/* A channel handle of a relay that reads CHAP is readable. */
void relay_chan_event(struct ev *ev);
void relay_reap(void);		/* free the relays that ended */
uint64_t relay_next_timer(void);
/* @k is spliced in the kernel (transparent): no PPP here */
bool relay_spliced(const struct call *k);

/* ---- splice.c */
/* PX sockets on kernel calls @a and @b in @fds, the channels bridged;
 * 0, or -1 and @why (nothing left open).  Closing a socket deletes its
 * call. */
int splice_calls(uint16_t a, uint16_t b, int fds[2], char *why,
		 size_t whylen);
void splice_end(int fds[2]);	/* close what is open, -1 */
/* The steps of splice_calls(), for a relay that reads CHAP before it
 * bridges: PX sockets on @a and @b in @fds, their channels in @chan;
 * a nonblocking /dev/ppp handle on channel @chan (frames read and written
 * as they are); the channel of handle @fd bridged to @chan_b.  0 or a
 * descriptor, or -1 and @why. */
int splice_attach(uint16_t a, uint16_t b, int fds[2], int chan[2],
		  char *why, size_t whylen);
int splice_chan_open(int chan, char *why, size_t whylen);
int splice_bridge(int fd, int chan_b, char *why, size_t whylen);
/* A PX socket on call @id, its channel in *@chan; -1 and @why. */
int splice_attach_call(uint16_t id, int *chan, char *why, size_t whylen);
/* Bridge channels @chan of the sockets @fds; on failure they are closed. */
int splice_join(int fds[2], const int chan[2], char *why, size_t whylen);

/* ---- l2tp.c: the next hop as a static L2TPv3 session (relay ... l2tpv3) */
/* As splice_attach(), with a free session of @rule on the other side
 * (its ID in *@session, the far end's in *@peer) instead of a second call. */
int l2tp_attach(uint16_t a, const struct relay_rule *rule, int fds[2],
		int chan[2], uint32_t *session, uint32_t *peer, char *why,
		size_t whylen);
/* Warn about each l2tpv3 rule of @c whose tunnel is missing or not v3. */
void l2tp_check_rules(const struct conf *c);
/* As splice_calls(), with a free session of @rule for the second call. */
int l2tp_splice(uint16_t a, const struct relay_rule *rule, int fds[2],
		uint32_t *session, uint32_t *peer, char *why, size_t whylen);

/* ---- route.c */
struct route_pair {
	uint16_t id;			/* the inbound kernel call's */
	char ifname[2][KPPTP_IFNAMSIZ];	/* the client's, the next hop's */
	uint32_t local[2], remote[2];	/* pppd's addresses on them */
};

/* The policy routing of a terminating relay pair; 0, or -1 and @why
 * (nothing left).  @held: route_hold_in() made the client's side. */
int route_pair_up(const struct route_pair *p, bool held, char *why,
		  size_t whylen);
/* The client's side alone (ifname[0] and its addresses), routed to
 * nowhere until route_pair_up(): pppd's addresses removed, the rule and
 * the unreachable route.  0, or -1 and @why (nothing left). */
int route_hold_in(const struct route_pair *p, char *why, size_t whylen);
/* pppd's addresses off side @side (0, 1) again, after IPCP came up anew
 * on a pair already routed or held; 0, or -1 and @why. */
int route_addr_off(const struct route_pair *p, unsigned int side, char *why,
		   size_t whylen);
void route_pair_down(const struct route_pair *p);	/* what is there */
/* The rules and routes a pair of call @id had, which an earlier kpptpd
 * left (call_sweep_stale()). */
void route_sweep(uint16_t id);
void route_close(void);

/* ---- ctlsock.c */
/* Bind @path; -1 (logged) if it cannot or another kpptpd answers there. */
int ctlsock_open(const char *path);
void ctlsock_close(void);		/* and remove the socket file */
void ctlsock_accept(void);
void ctlsock_event(struct ev *ev, uint32_t events);
void ctlsock_reap(void);		/* free clients marked closed */
void ctlsock_timers(uint64_t now);
uint64_t ctlsock_next_timer(void);
/*
 * A daemon event for monitor clients: mon_begin() gives a record holding
 * "event=NAME" and "time=", or NULL when nobody listens; add keys with
 * cp_put(), then mon_send().
 */
struct cp_buf *mon_begin(const char *name);
void mon_send(struct cp_buf *b);

/* ---- reload.c */
/* SIGHUP or kpptpctl: 0 if the new configuration is in use, else -1 and
 * @why; the old one then stays. */
int daemon_reload(char *why, size_t whylen);

#endif /* KPPTPD_H */
