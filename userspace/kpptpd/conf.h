/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kpptpd.conf: one directive per line, "keyword [value]", '#' comments.
 * pptpd.conf's common directives mean what they mean there (localip,
 * remoteip, listen, connections, option, stimeout, noipparam), so an
 * existing pptpd.conf works; see kpptpd.conf(5).  The address pools are
 * here too: remoteip hands one address per call, localip pairs with it
 * (or is shared when it is a single address).
 */
#ifndef KPPTPD_CONF_H
#define KPPTPD_CONF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../pptp/pptp_ctrl.h"

#define CONF_MAX_ARGS 32
#define POOL_MAX 65536

struct pool {
	uint32_t *addr;		/* host byte order */
	bool *used;
	unsigned int n, inuse;
};

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
	char *state_file;		/* calls we own, for restart cleanup */
	char *control_socket;		/* kpptpctl's unix socket, "" none */
	uint32_t connect;		/* client role: server, network order */
	uint32_t redial_ms;		/* client role: reconnect after */
	uint32_t connect_ms;		/* client role: TCP connect within */
	bool debug;
};

void conf_init(struct conf *c);
void conf_free(struct conf *c);
/* Parse @text (a whole file); on error 0 is not returned and @err (size
 * @errlen) says "FILE:LINE: what". */
int conf_parse(struct conf *c, const char *name, const char *text,
	       char *err, size_t errlen);
int conf_load(struct conf *c, const char *path, char *err, size_t errlen);

/* Take an address pair for a call: index, or -1 when the pool is empty. */
int pool_take(struct conf *c, uint32_t *local, uint32_t *remote);
void pool_put(struct conf *c, int idx);

#endif /* KPPTPD_CONF_H */
