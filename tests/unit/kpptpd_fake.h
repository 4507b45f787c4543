/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kpptpd's connection and call handling (conn.c, call.c, the state
 * machine) without the kernel, without pppd and without main.c: the
 * netlink calls, pppd processes, the clock, epoll, monitor events and a
 * relay pair's routing (route.c) are faked here (kpptpd_fake.c), for
 * test_kpptpd_conn and fuzz_kpptpd_conn.
 * A connection is one end of a socketpair handed to conn_add(); the test
 * plays the peer on the other end.
 */
#ifndef KPPTPD_FAKE_H
#define KPPTPD_FAKE_H

#include <stdbool.h>
#include <stdint.h>

#include "kpptpd.h"

extern uint64_t fake_now;		/* now_ms() */
/* the last ev_mod(): which event source, what interest */
extern const struct ev *fake_ev_mod_ev;
extern uint32_t fake_ev_mod_events;
extern unsigned int fake_kernel_calls;	/* made and not deleted */
extern unsigned int fake_calls_made;	/* kpptp_call_new() successes */
extern unsigned int fake_call_down_events;	/* "call_down" monitor events */
extern unsigned int fake_pppd_running;	/* spawned, not reaped */
extern bool fake_spawn_fails;		/* pppd_spawn() fails */
extern char fake_last_argv[1024];	/* the last pppd's, blank-separated */
extern unsigned int fake_last_recv_window;	/* of the last call made */
extern uint32_t fake_last_flags;	/* KPPTP_F_* of the last call made */
extern unsigned int fake_splices;	/* splice_calls() pairs open */
extern bool fake_splice_fails;		/* splice_calls() fails */
extern uint32_t fake_l2tp_session;	/* l2tp_splice() gave it last */
/* what relay.c asked of route.c, one "OP ARGS;" each (kpptpd_fake.c) */
extern char fake_route_log[1024];
extern bool fake_route_fails;		/* the next route_* step fails */

/* kd set up for a server with "pppd /usr/sbin/pppd" (faked) and @conf
 * lines applied; 0 or -1 (printed). */
int fake_daemon_init(const char *conf);
void fake_daemon_free(void);
/* A connection from 10.0.0.1 (or @src): the peer's end of the socketpair,
 * the daemon's connection in @c.  -1 if refused. */
int fake_connect(uint32_t src, struct conn **c);
/* pppd of @k exits now (as if it got its signal), and its pidfd event is
 * served: call_event().  @k must not be used after the epoll batch. */
void fake_pppd_exit(struct call *k);
/* ... with exit status @status */
void fake_pppd_exit_status(struct call *k, int status);
/* The pppd end of @k's pipes: its log (standard output), or kpptp.so's
 * report socket; -1 if @k has no pppd. */
int fake_pppd_fd(const struct call *k, bool report);
/* The end of an epoll batch: reap connections and calls. */
void fake_batch_end(void);
/* The number of calls on kd.calls. */
unsigned int fake_ncalls_listed(void);

#endif /* KPPTPD_FAKE_H */
