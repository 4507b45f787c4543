// SPDX-License-Identifier: GPL-2.0
/*
 * RADIUS Disconnect-Messages (RFC 5176): a RADIUS server (or an operator
 * with radclient) ends sessions.  One UDP socket ("radius-dm-listen"),
 * requests taken only from the "radius-dm-client" addresses, each signed
 * with that client's secret (radius.c).  A request names sessions by any of
 * User-Name, Acct-Session-Id (radius.so's, which holds pppd's pid),
 * Framed-IP-Address, NAS-Port (the number in the interface's name,
 * radius.so's), Calling-Station-Id; a session must match every one given.
 * Each one matching is disconnected as "kpptpctl call disconnect" does it
 * (pppd first: accounting Stop with Admin-Reset, then Call-Disconnect-
 * Notify), and the answer is a Disconnect-ACK, or a Disconnect-NAK with the
 * Error-Cause the RFC gives (508 when an Acct-Session-Id fits more than one
 * session: pppd 2.4's hold only a time).
 *
 * Dropped without an answer, with a log line (at most one a second, the
 * rest counted): packets from an unknown address, malformed ones, a wrong
 * authenticator (wrong secret or forged), codes that are not requests, and
 * an Event-Timestamp more than DM_WINDOW_S off our clock (a replay, RFC
 * 5176 3.5).  A retransmission (the same client, ID and authenticator
 * within DM_DUP_MS) gets the first answer again, and changes nothing.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "kpptpd.h"
#include "radius.h"

#define DM_WINDOW_S	300	/* Event-Timestamp's window (RFC 5176 3.5) */
#define DM_DUP_MS	30000	/* a retransmission gets the first answer */
#define DM_CACHE	32	/* answers kept for retransmissions */

struct dm_answer {
	uint64_t at;		/* now_ms() when sent, 0: free */
	struct sockaddr_in from;
	uint8_t id, auth[RAD_AUTH_LEN];
	uint16_t len;
	uint8_t pkt[64];	/* ours are small: Error-Cause, M-A */
};

static struct ev dm_ev = { EV_DM };
static int dm_fd = -1;
static uint32_t dm_addr;	/* bound to, network order */
static uint16_t dm_port;
static uint32_t nas_ip;		/* nas_ip_lookup()'s, network order */
static struct dm_answer cache[DM_CACHE];
static unsigned int cache_next;
static uint64_t log_sec;	/* drops logged this second */
static unsigned int log_n;

struct dm_stats dm_stats;

/* a drop's log line, at most one a second (a flood of forgeries must
 * not fill the log); the counters have them all */
__attribute__((format(printf, 2, 3)))
static void drop(enum cp_dm_drop why, const char *fmt, ...)
{
	uint64_t sec = now_ms() / 1000;
	char line[256];
	va_list ap;

	dm_stats.dropped[why]++;
	if (sec != log_sec) {
		log_sec = sec;
		log_n = 0;
	}
	if (log_n++)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	warn("RADIUS Disconnect-Message dropped: %s", line);
}

static const struct dm_client *client_of(uint32_t addr)
{
	unsigned int i;

	for (i = 0; i < kd.conf.ndm_clients; i++)
		if (kd.conf.dm_clients[i].addr == addr)
			return &kd.conf.dm_clients[i];
	return NULL;
}

/*
 * radius.so's NAS-IP-Address: what this host's name resolves to, looked
 * up when the socket is set up (start, reload), never while a request
 * waits (a resolver may take seconds); 0 if it does not resolve.
 */
static uint32_t nas_ip_lookup(void)
{
	struct addrinfo hints = { .ai_family = AF_INET }, *ai;
	char host[256];
	uint32_t a = 0;

	if (gethostname(host, sizeof(host)) || getaddrinfo(host, NULL, &hints, &ai))
		return 0;
	a = ((struct sockaddr_in *)ai->ai_addr)->sin_addr.s_addr;
	freeaddrinfo(ai);
	return a;
}

/* the request names this NAS, if it names one (403 if not) */
static bool for_us(const struct rad_request *r)
{
	uint32_t a = r->nas_ip.v;
	char host[256];

	/* ours: radius.so's, or one we listen on (0.0.0.0 is no address) */
	if (r->nas_ip.set &&
	    (!a || (a != nas_ip && a != kd.conf.listen && a != dm_addr)))
		return false;
	if (r->nas_identifier.set &&
	    (gethostname(host, sizeof(host)) ||
	     strcmp(r->nas_identifier.s, host)))
		return false;
	return true;
}

static bool names_a_session(const struct rad_request *r)
{
	return r->user.set || r->acct_session_id.set || r->framed_ip.set ||
	       r->nas_port.set || r->calling_station_id.set;
}

/* every identifying attribute of @r matches call @k */
static bool matches(const struct rad_request *r, const struct call *k,
		    uint64_t now)
{
	char a[INET_ADDRSTRLEN];
	unsigned int port;

	if (!k->conn || k->dead)
		return false;
	if (r->user.set && strcmp(r->user.s, k->user))
		return false;
	if (r->framed_ip.set && (!k->ppp_up || r->framed_ip.v != k->remote_ip))
		return false;
	if (r->nas_port.set &&
	    (sscanf(k->ifname, "ppp%u", &port) != 1 || port != r->nas_port.v))
		return false;
	if (r->calling_station_id.set &&
	    strcmp(r->calling_station_id.s, ipstr(k->peer_addr, a)))
		return false;
	if (r->acct_session_id.set) {
		uint32_t t, pid;
		/* the wall clock when this pppd started, to the second */
		time_t born = time(NULL) - (time_t)((now - k->started) / 1000);

		if (rad_session_id_parse(r->acct_session_id.s, &t, &pid) ||
		    !k->pppd.pid)
			return false;
		/* pppd 2.4's has only the time radius.so's Start went,
		 * when IPCP came up */
		if (!pid)
			return k->ppp_up && labs((long)(k->up_wall - (time_t)t)) <= 1;
		if (pid != (uint32_t)k->pppd.pid || (time_t)t + 2 < born)
			return false;
	}
	return true;
}

static void send_answer(const uint8_t *pkt, const struct rad_request *r,
			const struct sockaddr_in *from, const char *secret,
			uint8_t code, unsigned int cause)
{
	struct dm_answer *c = &cache[cache_next++ % DM_CACHE];
	uint8_t out[RAD_MAX_LEN];
	size_t n = rad_answer(out, pkt, r, code, cause, secret);

	if (sendto(dm_fd, out, n, 0, (const struct sockaddr *)from,
		   sizeof(*from)) < 0)
		warn("RADIUS: answer to %s: %s", inet_ntoa(from->sin_addr),
		     strerror(errno));
	if (code == RAD_DISCONNECT_ACK)
		dm_stats.acks++;
	else
		dm_stats.naks++;
	/* Proxy-States can make an answer long: only short ones are kept,
	 * a retransmission of another is served again (and finds nothing) */
	if (n > sizeof(c->pkt)) {
		c->at = 0;
		return;
	}
	c->at = now_ms();
	c->from = *from;
	c->id = r->id;
	memcpy(c->auth, r->auth, RAD_AUTH_LEN);
	c->len = (uint16_t)n;
	memcpy(c->pkt, out, n);
}

static bool answered_before(const struct rad_request *r,
			    const struct sockaddr_in *from, uint64_t now)
{
	unsigned int i;

	for (i = 0; i < DM_CACHE; i++) {
		struct dm_answer *c = &cache[i];

		if (!c->at || now - c->at > DM_DUP_MS || c->id != r->id ||
		    c->from.sin_addr.s_addr != from->sin_addr.s_addr ||
		    c->from.sin_port != from->sin_port ||
		    memcmp(c->auth, r->auth, RAD_AUTH_LEN))
			continue;
		info("RADIUS Disconnect-Request from %s ID %u: a retransmission, answered as before",
		     inet_ntoa(from->sin_addr), r->id);
		sendto(dm_fd, c->pkt, c->len, 0,
		       (const struct sockaddr *)from, sizeof(*from));
		return true;
	}
	return false;
}

/* a signed Disconnect-Request from @cl: do it, answer */
static void disconnect(const uint8_t *pkt, const struct rad_request *r,
		       const struct sockaddr_in *from,
		       const struct dm_client *cl)
{
	const char *src = inet_ntoa(from->sin_addr);
	unsigned int cause = 0, n = 0;
	uint64_t now = now_ms();
	struct call *k, *next;
	char list[160] = "";

	if (r->invalid)
		cause = RAD_ERR_INVALID_ATTRIBUTE_VALUE;
	else if (r->unsupported)
		cause = RAD_ERR_UNSUPPORTED_ATTRIBUTE;
	else if (!names_a_session(r))
		cause = RAD_ERR_MISSING_ATTRIBUTE;
	else if (!for_us(r))
		cause = RAD_ERR_NAS_ID_MISMATCH;
	if (cause) {
		info("RADIUS Disconnect-Request from %s ID %u: NAK, Error-Cause %u (attribute %u)",
		     src, r->id, cause, r->invalid ? r->invalid : r->unsupported);
		send_answer(pkt, r, from, cl->secret, RAD_DISCONNECT_NAK, cause);
		return;
	}
	for (k = kd.calls; k; k = k->next)
		n += matches(r, k, now);
	/* an Acct-Session-Id names one session: pppd 2.4's may fit more
	 * than one (the time alone), and then it names none for sure */
	if (n > 1 && r->acct_session_id.set) {
		info("RADIUS Disconnect-Request from %s ID %u: Acct-Session-Id %s fits %u sessions: NAK, Error-Cause 508",
		     src, r->id, r->acct_session_id.s, n);
		send_answer(pkt, r, from, cl->secret, RAD_DISCONNECT_NAK,
			    RAD_ERR_MULTIPLE_SESSIONS);
		return;
	}
	n = 0;
	for (k = kd.calls; k; k = next) {
		next = k->next;
		if (!matches(r, k, now))
			continue;
		n++;
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
			 "%s%u", n > 1 ? ", " : "", k->id);
		conn_call_disconnect(k);
	}
	if (!n) {
		info("RADIUS Disconnect-Request from %s ID %u: no such session: NAK, Error-Cause 503",
		     src, r->id);
		send_answer(pkt, r, from, cl->secret, RAD_DISCONNECT_NAK,
			    RAD_ERR_SESSION_NOT_FOUND);
		return;
	}
	info("RADIUS Disconnect-Request from %s ID %u: disconnecting call%s %s: ACK",
	     src, r->id, n > 1 ? "s" : "", list);
	dm_stats.disconnected += n;
	send_answer(pkt, r, from, cl->secret, RAD_DISCONNECT_ACK, 0);
}

static void dm_packet(const uint8_t *pkt, size_t n,
		      const struct sockaddr_in *from)
{
	const char *src = inet_ntoa(from->sin_addr);
	const struct dm_client *cl = client_of(from->sin_addr.s_addr);
	struct rad_request r;
	char why[128];
	uint8_t code;

	dm_stats.received++;
	if (!cl) {
		drop(CP_DM_DROP_UNKNOWN_CLIENT, "from %s, not a radius-dm-client",
		     src);
		return;
	}
	if (rad_parse(pkt, n, &r, why, sizeof(why))) {
		drop(CP_DM_DROP_MALFORMED, "from %s: %s", src, why);
		return;
	}
	if (r.code != RAD_DISCONNECT_REQUEST && r.code != RAD_COA_REQUEST) {
		drop(CP_DM_DROP_NOT_A_REQUEST, "from %s: code %u", src, r.code);
		return;
	}
	if (!rad_request_signed(pkt, &r, cl->secret)) {
		drop(CP_DM_DROP_BAD_AUTHENTICATOR,
		     "from %s ID %u: authenticator wrong (not our shared secret?)",
		     src, r.id);
		return;
	}
	if (answered_before(&r, from, now_ms()))
		return;
	if (r.event_timestamp.set &&
	    labs((long)(time(NULL) - (time_t)r.event_timestamp.v)) > DM_WINDOW_S) {
		drop(CP_DM_DROP_STALE,
		     "from %s ID %u: Event-Timestamp %u s off our clock (a replay?)",
		     src, r.id,
		     (unsigned int)labs((long)(time(NULL) - (time_t)r.event_timestamp.v)));
		return;
	}
	code = r.code;
	if (code == RAD_COA_REQUEST) {
		/* RFC 5176 3.6: a NAS without CoA says so */
		info("RADIUS CoA-Request from %s ID %u: not supported: NAK, Error-Cause 406",
		     src, r.id);
		send_answer(pkt, &r, from, cl->secret, RAD_COA_NAK,
			    RAD_ERR_UNSUPPORTED_EXTENSION);
		return;
	}
	disconnect(pkt, &r, from, cl);
}

void dm_event(void)
{
	uint8_t pkt[RAD_MAX_LEN + 1];
	struct sockaddr_in from;
	socklen_t flen;
	ssize_t n;

	for (;;) {
		flen = sizeof(from);
		n = recvfrom(dm_fd, pkt, sizeof(pkt), MSG_DONTWAIT,
			     (struct sockaddr *)&from, &flen);
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				warn("RADIUS Disconnect-Messages: receive: %s",
				     strerror(errno));
			return;
		}
		if (flen != sizeof(from) || from.sin_family != AF_INET)
			continue;
		dm_packet(pkt, (size_t)n, &from);
	}
}

static void dm_close(void)
{
	if (dm_fd < 0)
		return;
	epoll_ctl(kd.epfd, EPOLL_CTL_DEL, dm_fd, NULL);
	close(dm_fd);
	dm_fd = -1;
}

int dm_apply(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	char a[INET_ADDRSTRLEN];
	int fd;

	if (!kd.conf.dm_port) {
		if (dm_fd >= 0)
			info("RADIUS Disconnect-Messages: no longer listening");
		dm_close();
		return 0;
	}
	nas_ip = nas_ip_lookup();
	if (dm_fd >= 0 && dm_addr == kd.conf.dm_addr &&
	    dm_port == kd.conf.dm_port)
		return 0;
	sa.sin_addr.s_addr = kd.conf.dm_addr;
	sa.sin_port = htons(kd.conf.dm_port);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    ev_add(fd, EPOLLIN, &dm_ev)) {
		err("RADIUS Disconnect-Messages: cannot listen on %s UDP port %u: %s",
		    ipstr(kd.conf.dm_addr, a), kd.conf.dm_port,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	dm_close();
	dm_fd = fd;
	dm_addr = kd.conf.dm_addr;
	dm_port = kd.conf.dm_port;
	info("RADIUS Disconnect-Messages: listening on %s UDP port %u (%u client%s)",
	     ipstr(dm_addr, a), dm_port, kd.conf.ndm_clients,
	     kd.conf.ndm_clients == 1 ? "" : "s");
	return 0;
}
