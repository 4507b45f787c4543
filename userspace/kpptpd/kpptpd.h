/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kpptpd: the PPTP control plane daemon.  One process, one epoll loop:
 *   main.c   options, signals, the loop, the startup sweep, shutdown
 *   conn.c   TCP 1723: accept with limits, framing, the pptp_ctrl glue
 *   call.c   per call: the kernel call (netlink), pppd, the state file
 *   conf.c   kpptpd.conf / pptpd.conf and the address pools
 *   log.c    log lines to stderr or syslog
 */
#ifndef KPPTPD_H
#define KPPTPD_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../lib/nl.h"
#include "../pptp/pptp_ctrl.h"
#include "conf.h"

/* ---- log.c */
void log_open(bool syslog, bool debug);
__attribute__((format(printf, 2, 3)))
void log_msg(int prio, const char *fmt, ...);
#define err(...)	log_msg(3, __VA_ARGS__)
#define warn(...)	log_msg(4, __VA_ARGS__)
#define info(...)	log_msg(6, __VA_ARGS__)
#define dbg(...)	log_msg(7, __VA_ARGS__)

/* ---- main.c: what every part shares */
struct conn;
struct call;

enum ev_kind { EV_LISTEN, EV_SIGNAL, EV_CONN, EV_CALL };

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
	unsigned int ncalls;		/* calls that count against limits */
	bool stopping;
	uint64_t redial_at;		/* client role: next connect, or 0 */
};

extern struct daemon kd;

uint64_t now_ms(void);
int ev_add(int fd, uint32_t events, struct ev *ev);
int ev_mod(int fd, uint32_t events, struct ev *ev);

/* ---- conn.c */
void conn_accept(void);
void conn_connect(void);		/* client role: to conf.connect */
void conn_event(struct conn *c, uint32_t events);
void conn_timers(uint64_t now);
uint64_t conn_next_timer(void);
void conn_stop_all(void);
void conn_reap(void);		/* free connections marked closed */
/* pppd of a call on @c ended (call.c) */
void conn_call_ended(struct conn *c, int slot);

/* ---- call.c */
struct call {
	struct ev ev;
	struct call *next;
	struct conn *conn;	/* NULL once the PPTP side is gone */
	int slot;		/* in conn's pptp_ctrl */
	uint16_t id;		/* kernel call ID */
	int pool_idx;		/* address pair, or -1 */
	uint32_t local_ip, remote_ip;	/* PPP addresses, network order */
	uint32_t peer_addr;	/* the peer's IP (GRE), network order */
	pid_t pid;		/* pppd, 0 if none */
	int pidfd;
	uint64_t started;
};

/* Make the kernel call for a PPTP call request (@slot -1: our own outgoing
 * call, peer ID not known yet); NULL + @why on failure. */
struct call *call_create(struct conn *c, int slot, const struct pptp_call *pc,
			 uint32_t peer_addr, uint32_t local_addr,
			 char *why, size_t whylen);
int call_start_pppd(struct call *k, const struct pptp_call *pc);
/* Client role: the server answered; give the kernel call its peer. */
int call_set_peer(struct call *k, const struct pptp_call *pc);
/* The PPTP side is over: stop pppd, delete the kernel call. */
void call_down(struct call *k);
void call_event(struct call *k);	/* pidfd readable: pppd exited */
void call_sweep_stale(void);		/* startup: remove calls we owned */
void call_kill_all(void);		/* shutdown */

#endif /* KPPTPD_H */
