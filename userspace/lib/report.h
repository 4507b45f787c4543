/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The report channel: what kpptp.so, inside pppd, tells kpptpd about the
 * link, instead of kpptpd reading it from pppd's log.  kpptpd starts pppd
 * with a unix stream socket on descriptor KPPTP_REPORT_FD and "kpptp_report
 * 3" (a pipe works as well where nothing is sent back); the plugin writes
 * one record per event, in the control socket's line format (ctlproto.h:
 * "key=value" lines, values escaped as \xHH, an empty line ends the
 * record), each with one write() of at most REPORT_REC_MAX bytes; the
 * reader does not count on a record arriving in one read:
 *
 *	event=hello	version=1	the plugin reports: pppd's log is no
 *					longer read for what follows
 *	event=phase	phase=NAME	pppd's phase: dead, initialize,
 *					serialconn, dormant, establish,
 *					authenticate, callback, network,
 *					running, terminate, disconnect,
 *					holdoff, master
 *	event=ifname	ifname=NAME	the interface (at establish)
 *	event=auth	user=NAME	the peer authenticated as NAME (any
 *					bytes but NUL, 1-255 of them)
 *	event=ipcp_up	local_ip=A	IPCP reached Opened with these
 *			remote_ip=B	addresses, before pppd set them on the
 *					interface and ran its ip-pre-up script
 *	event=ip_up	local_ip=A	IPCP is up with these addresses (the
 *			remote_ip=B	interface has them and is up)
 *	event=ip_down			IPCP went down
 *
 * and one that goes the other way, from kpptpd to a pppd started with
 * "kpptp_hold_ipcp" (a terminating relay gateway, relay.c): the channel
 * is a socket pair, and that pppd's IPCP does not start until
 *
 *	event=ipcp_go	local_ip=A	IPCP may start, with these addresses
 *			remote_ip=B	(ours, the peer's; 0.0.0.0: what
 *					pppd's options say)
 *
 * The reader is strict: the first line names the event, every key the
 * event has must be there once and no other; a bad record is dropped as a
 * whole (through its empty line) and counted, never applied in part.
 * No <stdbool.h> here: the plugin includes this after pppd 2.4's headers.
 */
#ifndef KPPTP_REPORT_H
#define KPPTP_REPORT_H

#include <stddef.h>
#include <stdint.h>

#define KPPTP_REPORT_FD 3	/* where kpptpd puts the pipe in pppd */
#define REPORT_VERSION 1
#define REPORT_USER_MAX 255	/* pppd's MAXNAMELEN - 1 */
#define REPORT_IFNAME_MAX 15	/* IFNAMSIZ - 1 */
#define REPORT_REC_MAX 1536	/* a record, escaped: under PIPE_BUF */

enum report_event {
	REPORT_HELLO = 1,
	REPORT_PHASE,
	REPORT_IFNAME,
	REPORT_AUTH,
	REPORT_IP_UP,
	REPORT_IP_DOWN,
	REPORT_IPCP_GO,		/* kpptpd to kpptp.so */
	REPORT_IPCP_UP,
};

struct report_rec {
	enum report_event event;
	unsigned int version;			/* hello */
	int phase;				/* phase: index in the names */
	char ifname[REPORT_IFNAME_MAX + 1];	/* ifname */
	char user[REPORT_USER_MAX + 1];		/* auth */
	uint32_t local_ip, remote_ip;		/* ip_up, ipcp_up, ipcp_go: network
						 * order */
};

/* pppd's phase names, indexed by its PHASE_ numbers; NULL-terminated */
extern const char *const report_phases[];

/* ------------------------------------------------------------ writing */

/*
 * Record @event with the key/value pairs @kv (NULL-terminated, key then
 * value) into @buf: its length, or 0 when it does not fit in @n bytes or
 * in REPORT_REC_MAX.
 */
size_t report_record(char *buf, size_t n, const char *event,
		     const char *const kv[]);

/* ------------------------------------------------------------ reading */

/* One complete record (through its empty line) at @buf: 0 and @r, or -1
 * and @why. */
int report_parse(const char *buf, size_t len, struct report_rec *r,
		 char *why, size_t whylen);

/* For every record: @r, or NULL and @why (a bad record, dropped). */
typedef void report_fn(void *arg, const struct report_rec *r,
		       const char *why);

/* The reader's state between reads of the pipe. */
struct report_in {
	char buf[REPORT_REC_MAX];
	size_t len;
	int skip;		/* dropping a record too long, to its end */
	int skip_nl;		/* ... the last byte dropped was '\n' */
	unsigned long records, bad;
};

void report_in_init(struct report_in *in);
/* @n bytes read from the pipe: every record they complete goes to @fn. */
void report_input(struct report_in *in, const char *data, size_t n,
		  report_fn *fn, void *arg);

#endif /* KPPTP_REPORT_H */
