/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kpptpd.conf: one directive per line, "keyword [value]", '#' comments.
 * Every pptpd.conf directive does what it does for pptpd, or is refused
 * with what to do instead, so an existing pptpd.conf works; what kpptpd
 * decided on its own is in notes[], logged at start; see kpptpd.conf(5).  The address pools are
 * here too: remoteip hands one address per call, localip pairs with it
 * (or is shared when it is a single address).
 */
#ifndef KPPTPD_CONF_H
#define KPPTPD_CONF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../pptp/pptp_ctrl.h"
#include "relaylist.h"

#define CONF_MAX_ARGS 32
#define POOL_MAX 65536
#define CONF_MAX_NOTES 8

/* pptpd's pools when pptpd.conf gives none (and no delegate) */
#define PPTPD_DEFAULT_LOCALIP "192.168.0.1-100"
#define PPTPD_DEFAULT_REMOTEIP "192.168.1.1-100"
#define PPTPD_LOGWTMP_PLUGIN "/usr/lib/pptpd/pptpd-logwtmp.so"

/*
 * An address list.  The remote pool hands out its lowest free address
 * (what pptpd does); which are taken is a bitmap with a hint, the lowest
 * word that may have a free bit, so that a take costs O(1) in practice
 * with tens of thousands of calls up, not a scan of the whole pool.
 */
struct pool {
	uint32_t *addr;		/* host byte order */
	uint64_t *used;		/* bit i: addr[i] taken; bits >= n set */
	unsigned int n, inuse;
	unsigned int hint;	/* words below it are full */
};

/*
 * "relay WHAT to HOST[:PORT] [allow NAME,...]": a client's call matching
 * WHAT is passed on to that PPTP server, PPP spliced in the kernel
 * (relay.c).  The first rule that matches, in file order, wins.
 * "relay WHAT to l2tpv3 tunnel T session FIRST[-LAST] peer-session P":
 * to a static L2TPv3 PPP session in the existing tunnel T instead (l2tp.c).
 */
#define RELAY_L2TP_MAX_SESSIONS 1024 	/* in one rule's range */

enum relay_match {
	RELAY_PHONE,		/* the OCRQ's Phone Number, exactly */
	RELAY_LISTEN,		/* the local address the client reached */
	RELAY_SOURCE,		/* the client's address, in a prefix */
	RELAY_DEFAULT,		/* every call */
};

struct relay_rule {
	enum relay_match match;
	char phone[PPTP_STR_LEN + 1];	/* RELAY_PHONE */
	uint32_t addr, mask;		/* LISTEN, SOURCE: network order */
	uint32_t to;			/* the next hop, network order */
	uint16_t port;
	/* an L2TPv3 next hop: our session IDs FIRST..LAST in tunnel T, each
	 * paired with peer session P + (ID - FIRST); tunnel 0: PPTP */
	uint32_t l2tp_tunnel, l2tp_first, l2tp_last, l2tp_peer;
	char hop[PPTP_STR_LEN + 8];	/* "HOST:PORT" as written, for logs */
	unsigned int line;		/* in the file, for logs */
	/* "allow P,...": the CHAP names (fnmatch patterns) let through;
	 * "" for anyone (relay.c reads no CHAP then) */
	char allow[256];
};

/* "ipv6": no line leaves IPV6CP to pppd (2.5 negotiates it, 2.4 not) */
enum conf_ipv6 {
	CONF_IPV6_PPPD,
	CONF_IPV6_OFF,
	CONF_IPV6_ON,
};

/* "radius-dm-client ADDR SECRET": may send Disconnect-Messages (dm.c) */
struct dm_client {
	uint32_t addr;			/* network order */
	char secret[128];
};

#define CONF_MAX_DM_CLIENTS 16
#define DM_DEFAULT_PORT 3799		/* RFC 5176 */

struct conf {
	uint32_t listen;		/* network order, 0: any */
	uint16_t port;
	unsigned int max_conns;		/* control connections, total */
	unsigned int max_per_source;	/* ... from one address */
	unsigned int max_calls;		/* calls, total, until pppd exits */
	unsigned int max_call_rate;	/* setups a second per connection */
	unsigned int max_calls_per_source; /* setups a second per address */
	struct pptp_ctrl_cfg ctrl;	/* timers, per-connection call limit */
	struct pool local, remote;
	char *pppd;			/* pppd binary */
	bool no_pppd;			/* "pppd none": calls without PPP */
	char *plugin;			/* kpptp.so */
	char *option;			/* pppd options file (pptpd's "option") */
	char *ppp_args[CONF_MAX_ARGS];	/* extra pppd arguments */
	unsigned int nppp_args;
	bool ipparam;			/* pass ipparam CLIENT-IP (pptpd's) */
	enum conf_ipv6 ipv6;		/* IPV6CP: "ipv6 on|off", or no line */
	bool tx_window;			/* "tx-window on": calls keep to the
					 * peer's receive window (RFC 2637 4.2) */
	char *state_file;		/* calls we own, for restart cleanup */
	char *control_socket;		/* kpptpctl's unix socket, "" none */
	uint32_t connect;		/* client role: server, network order */
	char *connect_host;		/* ... its name, resolved again on
					 * every dial; NULL for an address */
	uint32_t redial_ms;		/* client role: reconnect after */
	uint32_t connect_ms;		/* client role: TCP connect within */
	uint32_t relay_login_ms;	/* a relayed login is up within */
	bool debug;
	/* pptpd.conf's own directives (conf_pptpd_directive()) */
	bool delegate;			/* no pools: pppd picks addresses */
	bool logwtmp;			/* pppd runs pptpd's wtmp plugin */
	char *logwtmp_plugin;		/* ... this one */
	char *pidfile;			/* our pid, written at start, or NULL */
	char *notes[CONF_MAX_NOTES];	/* to log at start: what we did */
	unsigned int nnotes;
	struct relay_rule *relays;	/* in file order */
	unsigned int nrelays;
	/* terminating relay: "relay-list FILE", read by conf_load() */
	char *relay_list_path;		/* NULL: none */
	struct relay_list rl;
	/* "radius-config FILE": pppd authenticates and accounts with
	 * radius.so (its radiusclient.conf); NULL: not */
	char *radius_config;
	char *radius_plugin;		/* "radius-plugin": radius.so */
	/* "radius-dm-listen ADDR[:PORT]": port 0 when not given */
	uint32_t dm_addr;		/* network order */
	uint16_t dm_port;
	struct dm_client dm_clients[CONF_MAX_DM_CLIENTS];
	unsigned int ndm_clients;
};

void conf_init(struct conf *c);
void conf_free(struct conf *c);
/* Parse @text (a whole file); on error 0 is not returned and @err (size
 * @errlen) says "FILE:LINE: what". */
int conf_parse(struct conf *c, const char *name, const char *text,
	       char *err, size_t errlen);
/* conf_parse() on the file at @path, then the relay list it names. */
int conf_load(struct conf *c, const char *path, char *err, size_t errlen);
/* What parsing cannot see: files the configuration names must exist.
 * 0, or -1 and @err saying what to do. */
int conf_check_files(const struct conf *c, char *err, size_t errlen);

/*
 * Host names in listen, connect, localip and remoteip: IPv4 only, resolved
 * when the file is read (start, reload).  0, or -1 and @err.  The default
 * uses getaddrinfo(); tests and the fuzzer put in their own.
 */
typedef int conf_resolve_fn(const char *name, uint32_t *be_addr, char *err,
			    size_t errlen);
extern conf_resolve_fn *conf_resolve;
int conf_getaddrinfo(const char *name, uint32_t *be_addr, char *err,
		     size_t errlen);

/* The relay rule for a call (the OCRQ's @phone, the local address the
 * client reached and its own, network order), or NULL: terminate it. */
const struct relay_rule *conf_relay_match(const struct conf *c,
					  const char *phone, uint32_t local,
					  uint32_t peer);

/* Take an address pair for a call: index, or -1 when the pool is empty. */
int pool_take(struct conf *c, uint32_t *local, uint32_t *remote);
void pool_put(struct conf *c, int idx);
/* Address @i of @p: is it taken; take it (reload: what live calls hold). */
bool pool_used(const struct pool *p, unsigned int i);
void pool_claim(struct pool *p, unsigned int i);

#endif /* KPPTPD_CONF_H */
