// SPDX-License-Identifier: GPL-2.0
/*
 * kpptpctl's side of the kpptpd control socket (lib/ctlproto.h): connect,
 * one request, its reply; and the strict parsers that turn a get reply
 * into struct kd_info and an event record into struct kd_event.  The
 * parsers only read the buffer they are given (unit-tested and fuzzed):
 * every key must be one the daemon sends, in its place, once; every number
 * in range; every string within its size.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "kpptpctl.h"

#define REPLY_LIMIT (32U << 20)
#define TIMEOUT_MS 10000

/* ------------------------------------------------------------ fields */

enum ftype { F_U64, F_U32, F_U16, F_I64, F_STR, F_IPV4 };

struct field {
	const char *key;
	enum ftype type;
	size_t off;
	size_t size;		/* F_STR: the buffer */
	uint64_t max;		/* numbers */
};

#define U64(s, k, m)	{ #k, F_U64, offsetof(s, m), 0, UINT64_MAX }
#define U32(s, k, m)	{ #k, F_U32, offsetof(s, m), 0, UINT32_MAX }
#define U16(s, k, m)	{ #k, F_U16, offsetof(s, m), 0, 65535 }
#define I64(s, k, m)	{ #k, F_I64, offsetof(s, m), 0, INT64_MAX }
#define STR(s, k, m)	{ #k, F_STR, offsetof(s, m), sizeof(((s *)0)->m), 0 }
#define IP4(s, k, m)	{ #k, F_IPV4, offsetof(s, m), 0, 0 }
/* "refused_NAME": kd_info.refused[R], NAME being cp_refusal_name(R) */
#define REFUSED(n, r)	{ "refused_" #n, F_U64, \
			  offsetof(struct kd_info, refused[r]), 0, UINT64_MAX }

/* "dm_dropped_NAME": kd_info.dm_dropped[D], NAME being cp_dm_drop_name(D) */
#define DM_DROPPED(n, d) { "dm_dropped_" #n, F_U64, \
			  offsetof(struct kd_info, dm_dropped[d]), 0, UINT64_MAX }

static const struct field daemon_fields[] = {
	U32(struct kd_info, pid, pid),
	STR(struct kd_info, version, version),
	U64(struct kd_info, uptime_ms, uptime_ms),
	STR(struct kd_info, role, role),
	STR(struct kd_info, listen, listen),
	STR(struct kd_info, connect, connect),
	STR(struct kd_info, config, config),
	U32(struct kd_info, connections, connections),
	U32(struct kd_info, calls, calls),
	U32(struct kd_info, max_connections, max_connections),
	U32(struct kd_info, max_per_source, max_per_source),
	U32(struct kd_info, max_calls, max_calls),
	U32(struct kd_info, max_calls_per_connection, max_calls_per_connection),
	U32(struct kd_info, max_call_rate, max_call_rate),
	U32(struct kd_info, max_calls_per_source, max_calls_per_source),
	U32(struct kd_info, max_invalid_messages, max_invalid_messages),
	U32(struct kd_info, idle_timeout_ms, idle_timeout_ms),
	U64(struct kd_info, conns_accepted, conns_accepted),
	U64(struct kd_info, conns_refused, conns_refused),
	U64(struct kd_info, calls_accepted, calls_accepted),
	U64(struct kd_info, calls_refused, calls_refused),
	REFUSED(connections, CP_REFUSED_CONNECTIONS),
	REFUSED(max_per_source, CP_REFUSED_MAX_PER_SOURCE),
	REFUSED(conn_setup, CP_REFUSED_CONN_SETUP),
	REFUSED(fd_limit, CP_REFUSED_FD_LIMIT),
	REFUSED(max_calls, CP_REFUSED_MAX_CALLS),
	REFUSED(max_call_rate, CP_REFUSED_MAX_CALL_RATE),
	REFUSED(max_calls_per_source, CP_REFUSED_MAX_CALLS_PER_SOURCE),
	REFUSED(shutting_down, CP_REFUSED_SHUTTING_DOWN),
	REFUSED(client_role, CP_REFUSED_CLIENT_ROLE),
	REFUSED(pool_exhausted, CP_REFUSED_POOL_EXHAUSTED),
	REFUSED(kernel, CP_REFUSED_KERNEL),
	REFUSED(out_of_memory, CP_REFUSED_OUT_OF_MEMORY),
	REFUSED(relay, CP_REFUSED_RELAY),
	REFUSED(max_calls_per_connection, CP_REFUSED_MAX_CALLS_PER_CONNECTION),
	REFUSED(call_id_in_use, CP_REFUSED_CALL_ID_IN_USE),
	REFUSED(wrong_role, CP_REFUSED_WRONG_ROLE),
	U64(struct kd_info, reloads, reloads),
	U64(struct kd_info, reloads_failed, reloads_failed),
	U64(struct kd_info, dm_received, dm_received),
	U64(struct kd_info, dm_acks, dm_acks),
	U64(struct kd_info, dm_naks, dm_naks),
	U64(struct kd_info, dm_disconnected, dm_disconnected),
	DM_DROPPED(unknown_client, CP_DM_DROP_UNKNOWN_CLIENT),
	DM_DROPPED(malformed, CP_DM_DROP_MALFORMED),
	DM_DROPPED(bad_authenticator, CP_DM_DROP_BAD_AUTHENTICATOR),
	DM_DROPPED(not_a_request, CP_DM_DROP_NOT_A_REQUEST),
	DM_DROPPED(stale_timestamp, CP_DM_DROP_STALE),
	{ .key = NULL },
};

static const struct field conn_fields[] = {
	U32(struct kd_conn, conn, id),
	STR(struct kd_conn, peer, peer),
	STR(struct kd_conn, local, local),
	STR(struct kd_conn, role, role),
	STR(struct kd_conn, state, state),
	U64(struct kd_conn, uptime_ms, uptime_ms),
	STR(struct kd_conn, peer_hostname, peer_hostname),
	STR(struct kd_conn, peer_vendor, peer_vendor),
	U64(struct kd_conn, echo_sent, echo_sent),
	U64(struct kd_conn, echo_replies, echo_replies),
	U64(struct kd_conn, echo_received, echo_received),
	I64(struct kd_conn, echo_rtt_ms, echo_rtt_ms),
	{ .key = NULL },
};

static const struct field call_fields[] = {
	U16(struct kd_call, call, id),
	U16(struct kd_call, peer_call_id, peer_id),
	STR(struct kd_call, call_state, state),
	U16(struct kd_call, kernel_call_id, kernel_id),
	STR(struct kd_call, ifname, ifname),
	STR(struct kd_call, user, user),
	IP4(struct kd_call, local_ip, local_ip),
	IP4(struct kd_call, remote_ip, remote_ip),
	U32(struct kd_call, pppd_pid, pppd_pid),
	STR(struct kd_call, ppp, ppp),
	U64(struct kd_call, uptime_ms, uptime_ms),
	STR(struct kd_call, relay, relay),
	STR(struct kd_call, relay_mode, relay_mode),
	STR(struct kd_call, relay_user, relay_user),
	U16(struct kd_call, relay_call_id, relay_call_id),
	U32(struct kd_call, relay_l2tp_session, relay_l2tp_session),
	{ .key = NULL },
};

static const struct field event_fields[] = {
	STR(struct kd_event, event, name),
	U64(struct kd_event, time, time_ms),
	U32(struct kd_event, conn, conn),
	U16(struct kd_event, call, call),
	U16(struct kd_event, peer_call_id, peer_call_id),
	STR(struct kd_event, peer, peer),
	IP4(struct kd_event, local_ip, local_ip),
	IP4(struct kd_event, remote_ip, remote_ip),
	U32(struct kd_event, pppd_pid, pppd_pid),
	U32(struct kd_event, status, status),
	U32(struct kd_event, signal, signal),
	U64(struct kd_event, uptime_ms, uptime_ms),
	STR(struct kd_event, ifname, ifname),
	STR(struct kd_event, user, user),
	STR(struct kd_event, reason, reason),
	STR(struct kd_event, result, result),
	STR(struct kd_event, config, config),
	{ .key = NULL },
};

/*
 * Store @p into @obj by @table; @seen marks the fields already given.
 * 1: stored, 0: not a key of this table, -1: bad value or repeated key.
 */
static int store(const struct field *table, void *obj, uint64_t *seen,
		 const struct cp_pair *p, char *why, size_t whylen)
{
	char *base = obj, q[80];
	unsigned int i;
	uint64_t v;

	for (i = 0; table[i].key; i++)
		if (!strcmp(table[i].key, p->key))
			break;
	if (!table[i].key)
		return 0;
	if (*seen & (1ULL << i))
		return cp_fail(why, whylen, "key %s given twice", p->key);
	*seen |= 1ULL << i;
	switch (table[i].type) {
	case F_STR:
		if (strlen(p->val) >= table[i].size)
			return cp_fail(why, whylen, "%s: longer than %zu bytes",
				   p->key, table[i].size - 1);
		strcpy(base + table[i].off, p->val);
		return 1;
	case F_IPV4: {
		struct in_addr a;

		if (inet_pton(AF_INET, p->val, &a) != 1)
			return cp_fail(why, whylen, "%s=%s: not an IPv4 address",
				   p->key, cp_escape(p->val, q, sizeof(q)));
		memcpy(base + table[i].off, &a.s_addr, sizeof(uint32_t));
		return 1;
	}
	case F_I64:
		if (p->val[0] == '-' && !strcmp(p->val, "-1")) {
			int64_t m = -1;

			memcpy(base + table[i].off, &m, sizeof(m));
			return 1;
		}
		/* fall through */
	default:
		break;
	}
	if (cp_uint(p->val, 0, table[i].max, &v))
		return cp_fail(why, whylen, "%s=%s: not a number up to %llu",
			   p->key, cp_escape(p->val, q, sizeof(q)),
			   (unsigned long long)table[i].max);
	switch (table[i].type) {
	case F_U64: {
		memcpy(base + table[i].off, &v, sizeof(v));
		break;
	}
	case F_I64: {
		int64_t s = (int64_t)v;

		memcpy(base + table[i].off, &s, sizeof(s));
		break;
	}
	case F_U32: {
		uint32_t u = (uint32_t)v;

		memcpy(base + table[i].off, &u, sizeof(u));
		break;
	}
	case F_U16: {
		uint16_t u = (uint16_t)v;

		memcpy(base + table[i].off, &u, sizeof(u));
		break;
	}
	default:
		break;
	}
	return 1;
}

/* ------------------------------------------------------------ get */

void kd_info_free(struct kd_info *d)
{
	unsigned int i;

	for (i = 0; i < d->nconns; i++)
		free(d->conns[i].calls);
	free(d->conns);
	memset(d, 0, sizeof(*d));
}

/* "errno=N" ends a reply; 0 or the daemon's errno (positive). */
static int end_errno(const struct cp_pair *p, int *out, char *why,
		     size_t whylen)
{
	uint64_t v;

	if (cp_uint(p->val, 0, 4095, &v))
		return cp_fail(why, whylen, "errno=%s: not an errno value",
			   p->val);
	*out = (int)v;
	return 0;
}

int kd_parse_reply(const char *buf, size_t len, char *msg, size_t msglen,
		   char *why, size_t whylen)
{
	struct cp_pair p;
	size_t used;
	int r, e = -1;

	if (msglen)
		msg[0] = '\0';
	while ((r = cp_next(buf, len, &used, &p, why, whylen)) == CP_PAIR) {
		buf += used;
		len -= used;
		if (e >= 0)
			return cp_fail(why, whylen, "%s after errno", p.key);
		if (!strcmp(p.key, "message"))
			snprintf(msg, msglen, "%s", p.val);
		else if (!strcmp(p.key, "errno")) {
			if (end_errno(&p, &e, why, whylen))
				return -1;
		} else
			return cp_fail(why, whylen, "unexpected key %s", p.key);
	}
	if (r < 0)
		return -1;
	if (r == CP_MORE)
		return cp_fail(why, whylen, "reply cut short");
	if (e < 0)
		return cp_fail(why, whylen, "reply without errno");
	if (len != used)
		return cp_fail(why, whylen, "bytes after the reply");
	return e;
}

int kd_parse_get(const char *buf, size_t len, struct kd_info *d,
		 char *msg, size_t msglen, char *why, size_t whylen)
{
	uint64_t seen_d = 0, seen_conn = 0, seen_call = 0;
	struct kd_conn *c = NULL;
	struct kd_call *k = NULL;
	struct cp_pair p;
	size_t used;
	int r, e = -1;

	memset(d, 0, sizeof(*d));
	if (msglen)
		msg[0] = '\0';
	while ((r = cp_next(buf, len, &used, &p, why, whylen)) == CP_PAIR) {
		buf += used;
		len -= used;
		if (e >= 0) {
			cp_fail(why, whylen, "%s after errno", p.key);
			goto fail;
		}
		if (!strcmp(p.key, "errno")) {
			if (end_errno(&p, &e, why, whylen))
				goto fail;
			continue;
		}
		if (!strcmp(p.key, "message") && !c) {
			snprintf(msg, msglen, "%s", p.val);
			continue;
		}
		if (!strcmp(p.key, "conn")) {
			struct kd_conn *n;

			if (d->nconns >= KD_CONNS_MAX) {
				cp_fail(why, whylen, "more than %u connections",
				    KD_CONNS_MAX);
				goto fail;
			}
			n = realloc(d->conns, (d->nconns + 1) * sizeof(*n));
			if (!n) {
				cp_fail(why, whylen, "out of memory");
				goto fail;
			}
			d->conns = n;
			c = &d->conns[d->nconns++];
			memset(c, 0, sizeof(*c));
			c->echo_rtt_ms = -1;
			k = NULL;
			seen_conn = 0;
		} else if (!strcmp(p.key, "call")) {
			struct kd_call *n;

			if (!c) {
				cp_fail(why, whylen, "call outside a connection");
				goto fail;
			}
			if (c->ncalls >= KD_CALLS_MAX) {
				cp_fail(why, whylen, "more than %u calls on a connection",
				    KD_CALLS_MAX);
				goto fail;
			}
			n = realloc(c->calls, (c->ncalls + 1) * sizeof(*n));
			if (!n) {
				cp_fail(why, whylen, "out of memory");
				goto fail;
			}
			c->calls = n;
			k = &c->calls[c->ncalls++];
			memset(k, 0, sizeof(*k));
			seen_call = 0;
		}
		if (k)
			r = store(call_fields, k, &seen_call, &p, why, whylen);
		else if (c)
			r = store(conn_fields, c, &seen_conn, &p, why, whylen);
		else
			r = store(daemon_fields, d, &seen_d, &p, why, whylen);
		if (r < 0)
			goto fail;
		if (!r) {
			char q[80];

			cp_fail(why, whylen, "unknown key %s in %s",
			    cp_escape(p.key, q, sizeof(q)),
			    k ? "a call" : c ? "a connection" : "the daemon part");
			goto fail;
		}
	}
	if (r < 0)
		goto fail;
	if (r == CP_MORE) {
		cp_fail(why, whylen, "reply cut short");
		goto fail;
	}
	if (e < 0) {
		cp_fail(why, whylen, "reply without errno");
		goto fail;
	}
	if (len != used) {
		cp_fail(why, whylen, "bytes after the reply");
		goto fail;
	}
	if (e) {		/* the daemon's error: no content */
		kd_info_free(d);
		return e;
	}
	if (!(seen_d & 1)) {
		cp_fail(why, whylen, "reply without the daemon's pid");
		goto fail;
	}
	for (r = 0; daemon_fields[r].key; r++)
		if (!strcmp(daemon_fields[r].key, "dm_received"))
			d->dm = seen_d >> r & 1;
	return 0;
fail:
	kd_info_free(d);
	return -1;
}

/* ------------------------------------------------------------ events */

static const char *const event_names[] = {
	"conn_accepted", "conn_connecting", "conn_refused", "conn_closed",
	"call_up", "ppp_up", "call_down", "pppd_exit", "reload", NULL,
};

int kd_parse_event(const char *buf, size_t len, size_t *used,
		   struct kd_event *ev, char *why, size_t whylen)
{
	uint64_t seen = 0;
	struct cp_pair p;
	size_t off = 0, n;
	unsigned int i;
	int r;

	*used = 0;
	memset(ev, 0, sizeof(*ev));
	for (;;) {
		r = cp_next(buf + off, len - off, &n, &p, why, whylen);
		if (r <= 0)
			return r;	/* CP_MORE (0) or -1 */
		off += n;
		if (r == CP_END)
			break;
		if (!seen && strcmp(p.key, "event"))
			return cp_fail(why, whylen, "an event record must start with event=");
		r = store(event_fields, ev, &seen, &p, why, whylen);
		if (r < 0)
			return -1;
		if (!r) {
			char q[80];

			return cp_fail(why, whylen, "unknown key %s in an event",
				   cp_escape(p.key, q, sizeof(q)));
		}
		ev->seen = seen;
	}
	if (!seen)
		return cp_fail(why, whylen, "empty event record");
	for (i = 0; event_names[i]; i++)
		if (!strcmp(ev->name, event_names[i]))
			break;
	if (!event_names[i]) {
		char q[80];

		return cp_fail(why, whylen, "unknown event %s",
			   cp_escape(ev->name, q, sizeof(q)));
	}
	*used = off;
	return 1;
}

bool kd_event_has(const struct kd_event *ev, const char *key)
{
	unsigned int i;

	for (i = 0; event_fields[i].key; i++)
		if (!strcmp(event_fields[i].key, key))
			return ev->seen & (1ULL << i);
	return false;
}

/* ------------------------------------------------------------ transport */

const char *kd_socket_path(const struct ctl *ctl)
{
	const char *env = getenv(KPPTPD_SOCK_ENV);

	if (ctl->sock_path)
		return ctl->sock_path;
	return env && *env ? env : KPPTPD_SOCK_DEFAULT;
}

void kd_connect_error(const struct ctl *ctl, int e)
{
	const char *path = kd_socket_path(ctl);

	if (e == ENOENT || e == ECONNREFUSED)
		ctl_error("kpptpd is not running: nothing answers on %s (-S PATH or %s=PATH for another socket)",
			  path, KPPTPD_SOCK_ENV);
	else
		ctl_error("cannot reach kpptpd on %s: %s%s", path, strerror(e),
			  e == EACCES ? " (the control socket is root's)" : "");
}

int kd_connect(struct ctl *ctl, bool quiet)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *path = kd_socket_path(ctl);
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		ctl_error("control socket %s: path too long", path);
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		ctl_error("socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int e = errno;

		close(fd);
		if (!quiet)
			kd_connect_error(ctl, e);
		errno = e;
		return -1;
	}
	return fd;
}

int kd_send(int fd, const char *req)
{
	size_t len = strlen(req), off = 0;

	while (off < len) {
		ssize_t n = send(fd, req + off, len - off, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ctl_error("kpptpd control socket: send: %s",
				  strerror(errno));
			return -1;
		}
		off += (size_t)n;
	}
	return 0;
}

int kd_read_record(int fd, struct kd_rbuf *rb, int timeout_ms)
{
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		size_t i;
		ssize_t n;

		/* a record ends at the first empty line */
		for (i = rb->scan; i < rb->len; i++) {
			if (rb->data[i] == '\n' &&
			    (i == rb->off || rb->data[i - 1] == '\n')) {
				rb->scan = i + 1;
				return 1;
			}
		}
		rb->scan = rb->len;
		if (rb->len - rb->off >= REPLY_LIMIT) {
			ctl_error("kpptpd's reply is longer than %u bytes",
				  REPLY_LIMIT);
			return -1;
		}
		if (rb->len == rb->cap) {
			size_t cap = rb->cap ? rb->cap * 2 : 65536;
			char *d;

			if (rb->off) {	/* drop what was consumed first */
				memmove(rb->data, rb->data + rb->off,
					rb->len - rb->off);
				rb->len -= rb->off;
				rb->scan -= rb->off;
				rb->off = 0;
				continue;
			}
			d = realloc(rb->data, cap);
			if (!d) {
				ctl_error("out of memory");
				return -1;
			}
			rb->data = d;
			rb->cap = cap;
		}
		if (timeout_ms >= 0) {
			int r = poll(&pfd, 1, timeout_ms);

			if (r == 0) {
				ctl_error("kpptpd did not answer within %d s",
					  timeout_ms / 1000);
				return -1;
			}
		}
		n = recv(fd, rb->data + rb->len, rb->cap - rb->len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ctl_error("kpptpd control socket: %s", strerror(errno));
			return -1;
		}
		if (n == 0)
			return 0;
		rb->len += (size_t)n;
	}
}

int kd_get(struct ctl *ctl, struct kd_info *d)
{
	int fd = kd_connect(ctl, false);

	return fd < 0 ? EXIT_KERNEL : kd_get_on(fd, d);
}

int kd_get_on(int fd, struct kd_info *d)
{
	struct kd_rbuf rb = { 0 };
	char msg[CP_VAL_MAX + 1], why[256];
	int r;

	if (kd_send(fd, "get=1\n\n")) {
		close(fd);
		return EXIT_KERNEL;
	}
	r = kd_read_record(fd, &rb, TIMEOUT_MS);
	close(fd);
	if (r == 0)
		ctl_error("kpptpd closed the control socket without a reply");
	if (r <= 0) {
		free(rb.data);
		return EXIT_KERNEL;
	}
	r = kd_parse_get(rb.data, rb.scan, d, msg, sizeof(msg), why,
			 sizeof(why));
	free(rb.data);
	if (r < 0) {
		ctl_error("kpptpd's reply: %s", why);
		return EXIT_KERNEL;
	}
	if (r > 0) {
		ctl_error("kpptpd: get: %s", *msg ? msg : strerror(r));
		kd_info_free(d);
		return EXIT_KERNEL;
	}
	return EXIT_OK;
}

int kd_set(struct ctl *ctl, const char *what, const char *req)
{
	struct kd_rbuf rb = { 0 };
	char msg[CP_VAL_MAX + 1], why[256], q[CP_VAL_MAX * 4 + 1];
	int fd, r;

	fd = kd_connect(ctl, false);
	if (fd < 0)
		return EXIT_KERNEL;
	if (kd_send(fd, req)) {
		close(fd);
		return EXIT_KERNEL;
	}
	r = kd_read_record(fd, &rb, TIMEOUT_MS);
	close(fd);
	if (r == 0)
		ctl_error("kpptpd closed the control socket without a reply");
	if (r <= 0) {
		free(rb.data);
		return EXIT_KERNEL;
	}
	r = kd_parse_reply(rb.data, rb.scan, msg, sizeof(msg), why,
			   sizeof(why));
	free(rb.data);
	if (r < 0) {
		ctl_error("kpptpd's reply: %s", why);
		return EXIT_KERNEL;
	}
	if (r > 0) {
		ctl_error("%s: %s (%s)", what,
			  *msg ? cp_escape(msg, q, sizeof(q)) : strerror(r),
			  strerror(r));
		return EXIT_KERNEL;
	}
	return EXIT_OK;
}

const char *ctl_safe(const struct ctl *ctl, const char *s, char *buf,
		     size_t size)
{
	return ctl->pr.json ? s : cp_escape(s, buf, size);
}

int ctl_parse_kd_id(struct ctl *ctl, int argc, char **argv, uint64_t max,
		    uint32_t *id)
{
	const char *text;
	char q[80];
	uint64_t v;

	if (argc == 2 && !strcmp(argv[0], "id"))
		text = argv[1];
	else if (argc == 1)
		text = argv[0];
	else
		return ctl_usage_error(ctl, "expected \"id ID\"");
	if (cp_uint(text, 1, max, &v))
		return ctl_usage_error(ctl, "ID %s: expected a number 1-%llu",
				       parse_quote(text, q, sizeof(q)),
				       (unsigned long long)max);
	*id = (uint32_t)v;
	return EXIT_OK;
}
