/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What kpptp.c (options, attaching to calls) and dial.c (the pptp_server
 * mode: control connection and kernel call) share.  No <stdbool.h> here:
 * see pppd_compat.h.
 */
#ifndef KPPTP_PLUGIN_H
#define KPPTP_PLUGIN_H

#include <stdint.h>

/* Attach a new PX_PROTO_PPTP socket to the netlink call @id (bind): the
 * socket, or -1 after an error() saying why.  @quiet: log at debug level. */
int kpptp_attach(uint16_t id, int quiet);
/* The first half: bind() alone, the socket then owns the call even while
 * it waits for its peer call ID (no channel yet). */
int kpptp_bind_call(uint16_t id);
/* The second half: the call has a channel for pppd; 0, or -1 after an
 * error(). */
int kpptp_check_channel(int fd, uint16_t id, int quiet);

/* pptp_server mode, pptp.so's options */
struct kpptp_dial {
	const char *server;	/* pptp_server: host name or address */
	const char *phone;	/* pptp_phone, or NULL */
	int window;		/* our receive window to announce, packets */
	int send_window;	/* pptp_window N: send at most N unacked
				 * (and no more than the server's window);
				 * 0: no send window (kpptp.ko's default) */
	int reorder_ms;		/* kpptp_reorder_ms: -1 default, 0 none */
};

/*
 * Connect to the server, place a call, make and attach its kernel call:
 * the attached socket (*@id: the call's ID), or -1 after an error().
 * While the link is up a pppd timer serves the control connection and
 * hangs the link up when the server ends the call.
 */
int kpptp_dial(const struct kpptp_dial *d, uint16_t *id);
/* The link is down: clear the call, stop the control connection. */
void kpptp_dial_hangup(void);
/* In a child pppd forks: close our descriptors, say nothing. */
void kpptp_dial_close(void);

/* kpptp_hold_ipcp (hold.c): IPCP waits for kpptpd's ipcp_go on the
 * report socket @fd; 0, or -1 after an option error. */
extern int kpptp_hold_ipcp;
int kpptp_hold_setup(int fd);
/* IPCP still waits for ipcp_go: the socket's input is hold.c's */
int kpptp_hold_pending(void);

#endif /* KPPTP_PLUGIN_H */
