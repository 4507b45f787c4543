/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kpptpd control socket protocol, after WireGuard's cross-platform
 * userspace API: text lines "key=value", a record ends with an empty line.
 *
 *	request			reply
 *	get=1\n\n		daemon keys, then per connection "conn=ID"
 *				and its keys, per call "call=ID" and its keys,
 *				then errno=0\n\n
 *	set=1\n			errno=0\n\n, or message=WHY\nerrno=N\n\n
 *	disconnect_conn=ID\n
 *	  (or disconnect_call=ID, reload=1)\n\n
 *	monitor=1\n\n		errno=0\n\n, then one record per daemon event
 *				until either side closes:
 *				event=NAME\ntime=UNIX_MS\n...\n\n
 *
 * Keys are [a-z0-9_], at most CP_KEY_MAX bytes.  Values are printable ASCII;
 * any other byte, and '\', is written as \xHH, so a value is one line
 * whatever a peer put in its hostname.  A request is at most CP_REQ_MAX
 * bytes.  The writer (cp_buf) is the daemon's, the reader (cp_next) both
 * sides'; kpptpctl turns replies into a model in kpptpctl/daemon.c.
 */
#ifndef KPPTP_CTLPROTO_H
#define KPPTP_CTLPROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KPPTPD_SOCK_DEFAULT "/run/kpptpd.sock"
#define KPPTPD_SOCK_ENV "KPPTPD_SOCKET"

#define CP_KEY_MAX 32
#define CP_VAL_MAX 512		/* after unescaping */
#define CP_LINE_MAX (CP_KEY_MAX + 1 + 4 * CP_VAL_MAX + 1)
#define CP_REQ_MAX 4096

/*
 * Why kpptpd refused a control connection (the first four) or a call: the
 * daemon counts each, and sends them as "refused_NAME" keys, NAME from
 * cp_refusal_name(); conns_refused and calls_refused are their sums.
 */
enum cp_refusal {
	CP_REFUSED_CONNECTIONS,		/* "connections" reached */
	CP_REFUSED_MAX_PER_SOURCE,
	CP_REFUSED_CONN_SETUP,		/* no memory, no epoll slot */
	CP_REFUSED_FD_LIMIT,		/* out of file descriptors */
	CP_REFUSED_MAX_CALLS,
	CP_REFUSED_MAX_CALL_RATE,
	CP_REFUSED_MAX_CALLS_PER_SOURCE,
	CP_REFUSED_SHUTTING_DOWN,
	CP_REFUSED_CLIENT_ROLE,		/* a call offered to the client role */
	CP_REFUSED_POOL_EXHAUSTED,	/* remoteip */
	CP_REFUSED_KERNEL,		/* kpptp.ko refused the call */
	CP_REFUSED_OUT_OF_MEMORY,
	CP_REFUSED_RELAY,		/* the next hop did not take it */
	/* by the connection's state machine, before any of the above */
	CP_REFUSED_MAX_CALLS_PER_CONNECTION,
	CP_REFUSED_CALL_ID_IN_USE,	/* the peer reused a live call ID */
	CP_REFUSED_WRONG_ROLE,		/* OCRQ to our client, ICRQ to server */
	CP_NREFUSALS
};
#define CP_FIRST_CALL_REFUSAL CP_REFUSED_MAX_CALLS

/* "max_calls" for CP_REFUSED_MAX_CALLS, ...; NULL out of range */
const char *cp_refusal_name(unsigned int r);

/*
 * RADIUS Disconnect-Messages dropped unanswered (kpptpd's dm.c), by
 * reason: "dm_dropped_NAME" in kpptpd's get reply, NAME from
 * cp_dm_drop_name().
 */
enum cp_dm_drop {
	CP_DM_DROP_UNKNOWN_CLIENT,	/* not a radius-dm-client address */
	CP_DM_DROP_MALFORMED,
	CP_DM_DROP_BAD_AUTHENTICATOR,	/* wrong secret, or forged */
	CP_DM_DROP_NOT_A_REQUEST,	/* a code we do not serve */
	CP_DM_DROP_STALE,		/* Event-Timestamp out of window */
	CP_DM_NDROPS
};

const char *cp_dm_drop_name(unsigned int d);

/* ------------------------------------------------------------ writing */

struct cp_buf {
	char *data;
	size_t len, cap;
	size_t max;		/* never grows beyond: @overflow instead */
	bool overflow;
};

void cp_buf_init(struct cp_buf *b, size_t max);
void cp_buf_free(struct cp_buf *b);
/* Append raw bytes (already in protocol form). */
void cp_raw(struct cp_buf *b, const char *s, size_t n);
/* "key=VALUE\n", VALUE formatted then escaped. */
void cp_put(struct cp_buf *b, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The end of a record: "\n". */
void cp_end(struct cp_buf *b);
/* Escape @s into @out (size @n, always terminated); returns @out. */
char *cp_escape(const char *s, char *out, size_t n);

/* ------------------------------------------------------------ reading */

struct cp_pair {
	char key[CP_KEY_MAX + 1];
	char val[CP_VAL_MAX + 1];	/* unescaped, no NUL inside */
};

enum {
	CP_MORE = 0,		/* no complete line yet */
	CP_PAIR = 1,		/* @p holds a key and value */
	CP_END = 2,		/* an empty line: the record ended */
};

/*
 * One line from @buf (@len bytes): CP_PAIR, CP_END, CP_MORE, or -1 with
 * @why (size @whylen) saying what is wrong.  *@used is how many bytes the
 * line took (0 for CP_MORE).
 */
int cp_next(const char *buf, size_t len, size_t *used, struct cp_pair *p,
	    char *why, size_t whylen);

/* A decimal in [min, max]: 0, or -1. */
int cp_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* A reader's complaint: format it into @why (size @whylen); returns -1. */
int cp_fail(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* KPPTP_CTLPROTO_H */
