// SPDX-License-Identifier: GPL-2.0
/*
 * pptp-load: a PPTP client (PNS) load generator for kpptpd and pptpd.
 *
 * usage:
 *   pptp-load setups --server ADDR [--conns C] [--seconds T] [--per-conn]
 *                    [--check-cmd CMD] [--check-every S] [--server-pid PID]
 *   pptp-load idle --server ADDR --conns N [--inflight K] [--server-pid PID]
 *                  [--hold S] [--calls M]
 *   (--port P: default 1723; --source ADDR: connect from ADDR, e.g. so that
 *   two generators' call IDs, keyed by the client's address in the kernel,
 *   do not meet)
 *
 * setups: C control connections (SCCRQ/SCCRP), on each over and over
 *   Outgoing-Call-Request -> Outgoing-Call-Reply -> Call-Clear-Request ->
 *   Call-Disconnect-Notify for T seconds, then Stop-Control-Connection.
 *   With --per-conn every cycle is a whole connection (connect, SCCRQ,
 *   OCRQ, CCRQ, StopCCRQ, close), as Windows clients place one call per
 *   connection.  Every reply is checked: result codes (SCCRP 1, OCRP 1
 *   "connected", CDN 4 "call disconnect request", StopCCRP 1), OCRP naming
 *   our call ID, a server call ID not in use by another of our calls, CDN
 *   naming the server's ID.  With --check-cmd (e.g. "ip netns exec NS
 *   kpptpctl -j call show id {id}"), one call every --check-every seconds
 *   is held up while the command shows the kernel call, which must carry
 *   our call ID as its peer ID.  Reports full cycles per second, setup
 *   latency (OCRQ sent to OCRP received) p50/p99, failures, the CPU time
 *   the generator and (--server-pid) the server used, and where the server
 *   spent its time (sampled /proc/PID/wchan): whichever is near 1 CPU, or
 *   blocked, is the bottleneck.
 *
 * idle: N control connections (SCCRQ/SCCRP; at most K handshakes under way
 *   at once), kept idle (Echo-Requests are answered), then after --hold
 *   seconds stopped politely (StopCCRQ/StopCCRP).  Reports the time to
 *   open them, the server's VmRSS/VmHWM before and with them open, and the
 *   kernel's Slab (/proc/meminfo; both ends' sockets live in this machine).
 *   With --calls M each connection places M calls, one after another, and
 *   holds them (a setups run beside it then meets N * M calls): the
 *   connection counts as open once all M are up, and the StopCCRQ ends
 *   them (the server's CDNs before its StopCCRP are expected).
 *
 * Output: one JSON object on stdout; progress on stderr.  Exit status 1 if
 * any cycle or connection failed, 2 on bad usage.
 *
 * It is C, one epoll loop, because the Python generator it replaces needed
 * a whole CPU for 500 setups a second in the test guest and became what
 * was measured.  It does the same work and the same checks.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAGIC 0x1A2B3C4Du
enum {
	SCCRQ = 1, SCCRP, STOPCCRQ, STOPCCRP, ECHORQ, ECHORP, OCRQ, OCRP,
	ICRQ, ICRP, ICCN, CCRQ, CDN, WEN, SLI
};
static const char *const names[] = {
	"?", "SCCRQ", "SCCRP", "StopCCRQ", "StopCCRP", "ECHORQ", "ECHORP",
	"OCRQ", "OCRP", "ICRQ", "ICRP", "ICCN", "CCRQ", "CDN", "WEN", "SLI"
};
#define WINDOW 64
#define TIMEOUT_S 30.0
#define RETRY_S 0.1		/* after a failure, before connecting again */
#define SAMPLES 5		/* failure texts kept */

enum state {
	S_IDLE,			/* not connected (setups: wait to retry) */
	S_CONNECTING, S_SCCRP, S_OCRP, S_CHECK, S_CDN, S_STOPCCRP,
	S_OPEN,			/* idle mode: handshaken, held */
	S_DONE			/* idle mode: failed or stopped */
};

struct lconn {
	int fd;
	enum state state;
	uint8_t in[2048];
	size_t inlen;
	double deadline;	/* of the reply awaited, or the retry */
	double t_ocrq;
	uint16_t our_id, sid, serial;
	unsigned int echoes;
	unsigned int held;	/* idle --calls: calls up on it */
	bool live;		/* sid is in the live set */
	bool closed_by_peer;
};

static struct {
	bool setups;
	struct sockaddr_in server, source;
	unsigned int conns, inflight, calls;
	double seconds, hold, check_every;
	bool per_conn;
	const char *check_cmd;
	int server_pid;
} o = { .conns = 8, .inflight = 64, .seconds = 10, .hold = 2,
	.check_every = 1 };

static int epfd;
static struct lconn *conn;
static double t_end;
static bool ending;
static unsigned long cycles, checked;
static unsigned int nfail;
static char samples[SAMPLES][256];
static double *lat;
static size_t nlat, caplat;
static uint8_t live[65536 / 8];
static uint16_t last_call_id;
/* the one check command running: its pipe, pid, output, connection */
static struct {
	int fd;
	pid_t pid;
	char out[4096];
	size_t len;
	struct lconn *c;
	double next;
} chk = { .fd = -1 };

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void fail(const char *fmt, ...)
{
	char text[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (nfail < SAMPLES) {
		snprintf(samples[nfail], sizeof(samples[0]), "%s", text);
		fprintf(stderr, "pptp-load: %s\n", text);
	}
	nfail++;
}

/* ---------------------------------------------------------- messages */

static size_t put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
	return 2;
}

static size_t put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
	return 4;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/* header of a control message of @len bytes in all */
static size_t header(uint8_t *p, uint16_t len, uint16_t type)
{
	memset(p, 0, len);
	put16(p, len);
	put16(p + 2, 1);
	put32(p + 4, MAGIC);
	put16(p + 8, type);
	return 12;
}

static void send_all(struct lconn *c, const uint8_t *p, size_t n)
{
	/* a few hundred bytes on an idle socket: a short write would mean
	 * the server stopped reading, which the reply's timeout reports */
	while (n) {
		ssize_t r = send(c->fd, p, n, MSG_NOSIGNAL);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return;
		p += r;
		n -= (size_t)r;
	}
}

static void send_sccrq(struct lconn *c)
{
	uint8_t m[156];
	size_t i = header(m, sizeof(m), SCCRQ);

	i += put16(m + i, 0x0100);
	i += 2;
	i += put32(m + i, 1);		/* framing: async */
	i += put32(m + i, 1);		/* bearer: analog */
	i += put16(m + i, 0);
	i += put16(m + i, 1);		/* firmware */
	memcpy(m + i, "pptp-load", 9);
	memcpy(m + i + 64, "kpptp", 5);
	send_all(c, m, sizeof(m));
}

static void send_stopccrq(struct lconn *c)
{
	uint8_t m[16];

	header(m, sizeof(m), STOPCCRQ);
	m[12] = 1;
	send_all(c, m, sizeof(m));
}

static void send_ocrq(struct lconn *c)
{
	uint8_t m[168];
	size_t i = header(m, sizeof(m), OCRQ);

	i += put16(m + i, c->our_id);
	i += put16(m + i, c->serial);
	i += put32(m + i, 2400);
	i += put32(m + i, 100000000);
	i += put32(m + i, 3);
	i += put32(m + i, 3);
	i += put16(m + i, WINDOW);
	send_all(c, m, sizeof(m));
}

static void send_ccrq(struct lconn *c)
{
	uint8_t m[16];

	header(m, sizeof(m), CCRQ);
	put16(m + 12, c->our_id);
	send_all(c, m, sizeof(m));
}

static void send_echorp(struct lconn *c, const uint8_t *body)
{
	uint8_t m[20];

	header(m, sizeof(m), ECHORP);
	memcpy(m + 12, body, 4);
	m[16] = 1;
	send_all(c, m, sizeof(m));
}

/* -------------------------------------------------------- connections */

static void conn_close(struct lconn *c)
{
	if (c->fd >= 0)
		close(c->fd);	/* leaves epoll with it */
	c->fd = -1;
	c->inlen = 0;
	if (c->live)
		live[c->sid / 8] &= (uint8_t)~(1u << (c->sid % 8));
	c->live = false;
}

static void conn_open(struct lconn *c)
{
	struct epoll_event ev = { .events = EPOLLOUT, .data.ptr = c };
	int one = 1;

	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		fail("connect: %s", strerror(errno));
		c->state = S_IDLE;
		c->deadline = now() + RETRY_S;
		return;
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if ((o.source.sin_family &&
	     bind(c->fd, (struct sockaddr *)&o.source, sizeof(o.source))) ||
	    (connect(c->fd, (struct sockaddr *)&o.server, sizeof(o.server)) &&
	     errno != EINPROGRESS) ||
	    epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev)) {
		fail("connect: %s", strerror(errno));
		conn_close(c);
		c->state = S_IDLE;
		c->deadline = now() + RETRY_S;
		return;
	}
	c->state = S_CONNECTING;
	c->deadline = now() + TIMEOUT_S;
}

/* Setups: @c failed (logged): closed, and dialled again after a pause;
 * idle: it is done. */
static void conn_failed(struct lconn *c)
{
	conn_close(c);
	c->state = o.setups && !ending ? S_IDLE : S_DONE;
	c->deadline = now() + RETRY_S;
}

static void start_cycle(struct lconn *c)
{
	last_call_id = last_call_id % 65535 + 1;
	c->our_id = last_call_id;
	c->serial++;
	c->t_ocrq = now();
	send_ocrq(c);
	c->state = S_OCRP;
	c->deadline = c->t_ocrq + TIMEOUT_S;
}

static void stop(struct lconn *c)
{
	send_stopccrq(c);
	c->state = S_STOPCCRP;
	c->deadline = now() + TIMEOUT_S;
}

/* @c was stopped: setups dial again at the end of this turn (not here:
 * its input is still being read), unless it is the end. */
static bool redial;

static void stopped(struct lconn *c)
{
	conn_close(c);
	c->state = o.setups && !ending ? S_IDLE : S_DONE;
	c->deadline = 0;
	redial = true;
}

/* What a setups connection does once free: another cycle, or the end. */
static void next_step(struct lconn *c)
{
	if (ending)
		stop(c);
	else
		start_cycle(c);
}

static void start_check(struct lconn *c)
{
	char cmd[1024], id[8];
	const char *p, *q;
	int pipefd[2];
	size_t n = 0;

	snprintf(id, sizeof(id), "%u", c->sid);
	for (p = o.check_cmd; *p && n < sizeof(cmd) - 8; p++) {
		q = strncmp(p, "{id}", 4) ? NULL : id;
		if (q) {
			n += (size_t)snprintf(cmd + n, sizeof(cmd) - n, "%s", q);
			p += 3;
		} else {
			cmd[n++] = *p;
		}
	}
	cmd[n] = '\0';
	if (pipe2(pipefd, O_CLOEXEC)) {
		fail("check: pipe: %s", strerror(errno));
		conn_failed(c);
		return;
	}
	chk.pid = fork();
	if (chk.pid == 0) {
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	if (chk.pid < 0) {
		close(pipefd[0]);
		fail("check: fork: %s", strerror(errno));
		conn_failed(c);
		return;
	}
	chk.fd = pipefd[0];
	chk.len = 0;
	chk.c = c;
	epoll_ctl(epfd, EPOLL_CTL_ADD, chk.fd,
		  &(struct epoll_event){ .events = EPOLLIN, .data.ptr = &chk });
	c->state = S_CHECK;
	c->deadline = now() + TIMEOUT_S;
}

/* The number after "key": in @json, or -1. */
static long json_int(const char *json, const char *key)
{
	char k[32];
	const char *p;

	snprintf(k, sizeof(k), "\"%s\"", key);
	p = strstr(json, k);
	if (!p)
		return -1;
	p += strlen(k);
	while (*p == ' ' || *p == ':')
		p++;
	return *p >= '0' && *p <= '9' ? strtol(p, NULL, 10) : -1;
}

static void check_done(void)
{
	struct lconn *c = chk.c;
	int status = 0;
	long id, peer;

	epoll_ctl(epfd, EPOLL_CTL_DEL, chk.fd, NULL);
	close(chk.fd);
	chk.fd = -1;
	waitpid(chk.pid, &status, 0);
	chk.out[chk.len] = '\0';
	chk.c = NULL;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		chk.out[strcspn(chk.out, "\n")] = '\0';
		fail("kernel call %u not found while up: %s", c->sid, chk.out);
		conn_failed(c);
		return;
	}
	id = json_int(chk.out, "id");
	peer = json_int(chk.out, "peer_id");
	if (id != c->sid || peer != c->our_id) {
		fail("kernel call %u: id %ld peer_id %ld, expected peer_id %u",
		     c->sid, id, peer, c->our_id);
		conn_failed(c);
		return;
	}
	checked++;
	send_ccrq(c);
	c->state = S_CDN;
	c->deadline = now() + TIMEOUT_S;
}

static void check_output(void)
{
	ssize_t n = read(chk.fd, chk.out + chk.len, sizeof(chk.out) - 1 - chk.len);

	if (n > 0) {
		chk.len += (size_t)n;
		if (chk.len < sizeof(chk.out) - 1)
			return;
	} else if (n < 0 && errno == EINTR) {
		return;
	}
	check_done();
}

/* One message from the server; false if @c failed on it. */
static bool take(struct lconn *c, unsigned int type, const uint8_t *b,
		 size_t len)
{
	static const unsigned int want[] = {
		[S_SCCRP] = SCCRP, [S_OCRP] = OCRP, [S_CDN] = CDN,
		[S_STOPCCRP] = STOPCCRP,
	};
	double t = now();

	if (type == ECHORQ) {
		if (len >= 4)
			send_echorp(c, b);
		c->echoes++;
		return true;
	}
	if (type == SLI)		/* Set-Link-Info: nothing to do */
		return true;
	if (type == CDN && c->state == S_STOPCCRP && c->held)
		return true;	/* a held call cleared by our StopCCRQ */
	if (c->state >= sizeof(want) / sizeof(want[0]) || !want[c->state] ||
	    type != want[c->state]) {
		fail("expected %s, got %s",
		     c->state < sizeof(want) / sizeof(want[0]) && want[c->state] ?
		     names[want[c->state]] : "nothing",
		     type < sizeof(names) / sizeof(names[0]) ? names[type] : "?");
		return false;
	}
	switch (c->state) {
	case S_SCCRP:
		if (len < 4 || b[2] != 1) {
			fail("SCCRP result %d error %d", len > 2 ? b[2] : -1,
			     len > 3 ? b[3] : -1);
			return false;
		}
		if (o.setups)
			next_step(c);
		else if (o.calls)
			start_cycle(c);
		else
			c->state = S_OPEN;
		return true;
	case S_OCRP:
		if (len < 6)
			return fail("OCRP too short"), false;
		c->sid = get16(b);
		if (b[4] != 1) {
			fail("OCRP result %d error %d", b[4], b[5]);
			return false;
		}
		if (get16(b + 2) != c->our_id) {
			fail("OCRP for call %u, we sent %u", get16(b + 2), c->our_id);
			return false;
		}
		if (live[c->sid / 8] & (1u << (c->sid % 8))) {
			fail("OCRP gives call ID %u, in use by another of our calls",
			     c->sid);
			return false;
		}
		live[c->sid / 8] |= (uint8_t)(1u << (c->sid % 8));
		if (!o.setups) {	/* idle --calls: held, not cleared */
			if (++c->held < o.calls)
				start_cycle(c);
			else
				c->state = S_OPEN;
			return true;
		}
		c->live = true;
		if (nlat == caplat) {
			caplat = caplat ? caplat * 2 : 4096;
			lat = realloc(lat, caplat * sizeof(*lat));
			if (!lat)
				abort();
		}
		lat[nlat++] = t - c->t_ocrq;
		if (o.check_cmd && chk.fd < 0 && t >= chk.next) {
			chk.next = t + o.check_every;
			start_check(c);
			return c->state == S_CHECK;
		}
		send_ccrq(c);
		c->state = S_CDN;
		c->deadline = t + TIMEOUT_S;
		return true;
	case S_CDN:
		live[c->sid / 8] &= (uint8_t)~(1u << (c->sid % 8));
		c->live = false;
		if (len < 3)
			return fail("CDN too short"), false;
		if (get16(b) != c->sid) {
			fail("CDN for call %u, expected %u", get16(b), c->sid);
			return false;
		}
		if (b[2] != 4) {
			fail("CDN result %d, expected 4 (request)", b[2]);
			return false;
		}
		if (t <= t_end)
			cycles++;
		if (o.per_conn || ending)
			stop(c);
		else
			start_cycle(c);
		return true;
	case S_STOPCCRP:
		if (len < 1 || b[0] != 1) {
			fail("StopCCRP result %d", len ? b[0] : -1);
			return false;
		}
		stopped(c);
		return true;
	default:
		return false;
	}
}

static void conn_readable(struct lconn *c)
{
	for (;;) {
		ssize_t n = recv(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen, 0);
		size_t off = 0;

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			if (c->state == S_STOPCCRP) {	/* closing is fine */
				stopped(c);
				return;
			}
			if (c->state == S_OPEN)
				c->closed_by_peer = true;
			else
				fail("expected %s, got connection closed",
				     c->state == S_SCCRP ? "SCCRP" :
				     c->state == S_OCRP ? "OCRP" :
				     c->state == S_CDN ? "CDN" : "nothing");
			conn_failed(c);
			return;
		}
		c->inlen += (size_t)n;
		while (c->inlen - off >= 12) {
			const uint8_t *h = c->in + off;
			uint16_t len = get16(h);

			if (get16(h + 2) != 1 || get32(h + 4) != MAGIC || len < 12) {
				fail("bad header %02x%02x%02x%02x%02x%02x%02x%02x",
				     h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]);
				conn_failed(c);
				return;
			}
			if (len > sizeof(c->in)) {
				fail("message of %u bytes", len);
				conn_failed(c);
				return;
			}
			if (c->inlen - off < len)
				break;
			if (!take(c, get16(h + 8), h + 12, len - 12u)) {
				conn_failed(c);
				return;
			}
			if (c->fd < 0)
				return;
			off += len;
		}
		memmove(c->in, c->in + off, c->inlen - off);
		c->inlen -= off;
		if ((size_t)n < sizeof(c->in))
			return;
	}
}

static void conn_event(struct lconn *c, uint32_t events)
{
	if (c->state == S_CONNECTING) {
		int e = 0;
		socklen_t l = sizeof(e);

		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &l);
		if (e) {
			fail("connect: %s", strerror(e));
			conn_failed(c);
			return;
		}
		epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd,
			  &(struct epoll_event){ .events = EPOLLIN, .data.ptr = c });
		send_sccrq(c);
		c->state = S_SCCRP;
		c->deadline = now() + TIMEOUT_S;
		return;
	}
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		conn_readable(c);
}

static void timed_out(struct lconn *c)
{
	static const char *const what[] = {
		[S_CONNECTING] = "connect", [S_SCCRP] = "SCCRP",
		[S_OCRP] = "OCRP", [S_CHECK] = "kernel call check",
		[S_CDN] = "CDN", [S_STOPCCRP] = "StopCCRP",
	};

	if (c->state == S_CHECK) {	/* check_done() reports it */
		kill(chk.pid, SIGKILL);
		check_done();
		return;
	}
	fail("no %s within %.0f s", what[c->state], TIMEOUT_S);
	conn_failed(c);
}

/* ------------------------------------------------------------ /proc */

static long long cpu_ticks(int pid)
{
	char path[64], buf[1024], *p;
	unsigned long long ut = 0, st = 0;
	FILE *f;

	if (!pid)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	p = strrchr(buf, ')');
	if (p)
		sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
		       &ut, &st);
	return (long long)(ut + st);
}

static long field_kb(const char *path, const char *key)
{
	char line[256];
	size_t n = strlen(key);
	long v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':') {
			v = strtol(line + n + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

static long status_kb(int pid, const char *key)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	return field_kb(path, key);
}

static double self_cpu(void)
{
	struct rusage r;

	getrusage(RUSAGE_SELF, &r);
	return r.ru_utime.tv_sec + r.ru_utime.tv_usec / 1e6 +
	       r.ru_stime.tv_sec + r.ru_stime.tv_usec / 1e6;
}

/* where the server is: "running", or the kernel function it sleeps in */
#define WHERE_MAX 32
static struct {
	char name[48];
	unsigned long n;
} where[WHERE_MAX];
static unsigned long nwhere;

static void sample_wchan(void)
{
	char path[64], buf[512], w[48] = "?", *p;
	unsigned int i;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", o.server_pid);
	f = fopen(path, "r");
	if (!f)
		return;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	p = strrchr(buf, ')');
	if (p && p[2] == 'R') {
		snprintf(w, sizeof(w), "running");
	} else {
		snprintf(path, sizeof(path), "/proc/%d/wchan", o.server_pid);
		f = fopen(path, "r");
		if (f) {
			if (fgets(w, sizeof(w), f))
				w[strcspn(w, "\n")] = '\0';
			fclose(f);
			if (!w[0])
				snprintf(w, sizeof(w), "?");
		}
	}
	for (i = 0; i < WHERE_MAX && where[i].name[0]; i++)
		if (!strcmp(where[i].name, w))
			break;
	if (i == WHERE_MAX)
		return;
	if (!where[i].name[0])
		snprintf(where[i].name, sizeof(where[i].name), "%s", w);
	where[i].n++;
	nwhere++;
}

/* ------------------------------------------------------------- loop */

/* One turn: events, then timeouts (checked every 100 ms: a 30 s timeout
 * needs no better), and the wchan sample every 10 ms. */
static void turn(void)
{
	static double next_scan, next_sample;
	struct epoll_event ev[64];
	double t = now();
	int n, i, ms = 10;
	unsigned int k;

	n = epoll_wait(epfd, ev, 64, ms);
	for (i = 0; i < n; i++) {
		if (ev[i].data.ptr == &chk)
			check_output();
		else
			conn_event(ev[i].data.ptr, ev[i].events);
	}
	t = now();
	for (k = 0; redial && k < o.conns; k++)
		if (conn[k].state == S_IDLE && !ending && !conn[k].deadline)
			conn_open(&conn[k]);
	redial = false;
	if (o.server_pid && t >= next_sample) {
		next_sample = t + 0.01;
		if (o.setups)
			sample_wchan();
	}
	if (t < next_scan)
		return;
	next_scan = t + 0.1;
	for (k = 0; k < o.conns; k++) {
		struct lconn *c = &conn[k];

		if (c->state == S_IDLE && o.setups && !ending && t >= c->deadline)
			conn_open(c);
		else if (c->state != S_IDLE && c->state != S_OPEN &&
			 c->state != S_DONE && t >= c->deadline)
			timed_out(c);
	}
}

static bool any_busy(void)
{
	unsigned int k;

	for (k = 0; k < o.conns; k++)
		if (conn[k].state != S_IDLE && conn[k].state != S_DONE &&
		    conn[k].state != S_OPEN)
			return true;
	return false;
}

static void print_samples(void)
{
	unsigned int i, j;

	printf("\"failures\": %u, \"failure_samples\": [", nfail);
	for (i = 0; i < nfail && i < SAMPLES; i++) {
		printf("%s\"", i ? ", " : "");
		for (j = 0; samples[i][j]; j++) {
			unsigned char ch = (unsigned char)samples[i][j];

			if (ch == '"' || ch == '\\')
				printf("\\%c", ch);
			else if (ch < 0x20)
				printf("\\u%04x", ch);
			else
				putchar(ch);
		}
		putchar('"');
	}
	printf("]");
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double pct(unsigned int p)
{
	size_t i = nlat * p / 100;

	return lat[i < nlat ? i : nlat - 1];
}

static int run_setups(void)
{
	long ticks = sysconf(_SC_CLK_TCK);
	double t0, wall, g0;
	long long s0;
	unsigned int k, i;

	s0 = cpu_ticks(o.server_pid);
	g0 = self_cpu();
	t0 = now();
	t_end = t0 + o.seconds;
	for (k = 0; k < o.conns; k++)
		conn_open(&conn[k]);
	while (now() < t_end)
		turn();
	/* cycles under way finish; then each connection is stopped */
	ending = true;
	for (k = 0; k < o.conns; k++)
		if (conn[k].state == S_IDLE)
			conn[k].state = S_DONE;
	while (any_busy() || chk.fd >= 0)
		turn();
	wall = now() - t0;
	qsort(lat, nlat, sizeof(*lat), cmp_double);
	printf("{\"mode\": \"setups\", \"per_conn\": %s, \"conns\": %u, "
	       "\"seconds\": %.1f, \"wall_s\": %.2f, \"cycles\": %lu, "
	       "\"setups_per_s\": %.1f, ",
	       o.per_conn ? "true" : "false", o.conns, o.seconds, wall,
	       cycles, cycles / o.seconds);
	if (nlat)
		printf("\"setup_p50_ms\": %.2f, \"setup_p99_ms\": %.2f, ",
		       pct(50) * 1000, pct(99) * 1000);
	else
		printf("\"setup_p50_ms\": null, \"setup_p99_ms\": null, ");
	print_samples();
	printf(", \"kernel_calls_checked\": %lu, \"generator_cpu\": %.2f, ",
	       checked, (self_cpu() - g0) / wall);
	if (o.server_pid)
		printf("\"server_cpu\": %.2f, ",
		       (double)(cpu_ticks(o.server_pid) - s0) / ticks / wall);
	else
		printf("\"server_cpu\": null, ");
	printf("\"server_where\": {");
	/* the four most common places */
	for (i = 0; i < 4; i++) {
		unsigned int best = WHERE_MAX;

		for (k = 0; k < WHERE_MAX && where[k].name[0]; k++)
			if (where[k].n && (best == WHERE_MAX || where[k].n > where[best].n))
				best = k;
		if (best == WHERE_MAX)
			break;
		printf("%s\"%s\": %.2f", i ? ", " : "", where[best].name,
		       (double)where[best].n / (nwhere ? nwhere : 1));
		where[best].n = 0;
	}
	printf("}}\n");
	return nfail ? 1 : 0;
}

static int run_idle(void)
{
	long ticks = sysconf(_SC_CLK_TCK);
	long rss0 = o.server_pid ? status_kb(o.server_pid, "VmRSS") : -1;
	long slab0 = field_kb("/proc/meminfo", "Slab");
	unsigned int k, next = 0, first, opening, alive = 0, opened = 0;
	unsigned int stopping;
	unsigned long echoes = 0, held = 0;
	double t0, open_s, g0, t1, hold_end;
	long long s0;

	s0 = cpu_ticks(o.server_pid);
	g0 = self_cpu();
	t0 = now();
	/* at most --inflight handshakes under way; they end about in the
	 * order they began, so only those from the first unfinished one on
	 * are counted (not all N on every turn) */
	for (first = 0;;) {
		while (first < next && (conn[first].state == S_OPEN ||
					conn[first].state == S_DONE))
			first++;
		opening = 0;
		for (k = first; k < next; k++)
			opening += conn[k].state == S_CONNECTING ||
				   conn[k].state == S_SCCRP ||
				   conn[k].state == S_OCRP;
		while (next < o.conns && opening < o.inflight) {
			conn_open(&conn[next++]);
			opening++;
		}
		if (next == o.conns && !opening)
			break;
		turn();
	}
	open_s = now() - t0;
	for (k = 0; k < o.conns; k++)
		opened += conn[k].state == S_OPEN;
	fprintf(stderr, "pptp-load: %u connections open in %.1f s\n", opened,
		open_s);
	printf("{\"mode\": \"idle\", \"conns_wanted\": %u, ", o.conns);
	{
		double gen = (self_cpu() - g0) / open_s;
		double srv = o.server_pid ?
			(double)(cpu_ticks(o.server_pid) - s0) / ticks / open_s : -1;

		hold_end = now() + o.hold;
		while (now() < hold_end)
			turn();
		for (k = 0; k < o.conns; k++) {
			alive += conn[k].state == S_OPEN;
			echoes += conn[k].echoes;
			held += conn[k].state == S_OPEN ? conn[k].held : 0;
		}
		printf("\"conns\": %u, \"calls_held\": %lu, \"open_s\": %.2f, "
		       "\"hold_s\": %.1f, ", alive, held, open_s, o.hold);
		printf("\"echoes_answered\": %lu, \"open_generator_cpu\": %.2f, ",
		       echoes, gen);
		if (o.server_pid)
			printf("\"open_server_cpu\": %.2f, ", srv);
		else
			printf("\"open_server_cpu\": null, ");
	}
	printf("\"slab_per_conn_bytes\": %ld, ",
	       (field_kb("/proc/meminfo", "Slab") - slab0) * 1024 /
	       (long)(alive ? alive : 1));
	if (o.server_pid) {
		char path[64], line[256] = "";
		long rss1 = status_kb(o.server_pid, "VmRSS");
		FILE *f;

		printf("\"rss0_kb\": %ld, \"rss_kb\": %ld, \"hwm_kb\": %ld, "
		       "\"rss_per_conn_bytes\": %ld, ", rss0, rss1,
		       status_kb(o.server_pid, "VmHWM"),
		       (rss1 - rss0) * 1024 / (long)(alive ? alive : 1));
		snprintf(path, sizeof(path), "/proc/%d/net/sockstat", o.server_pid);
		f = fopen(path, "r");
		if (f) {
			if (!fgets(line, sizeof(line), f) ||
			    !fgets(line, sizeof(line), f))
				line[0] = '\0';
			fclose(f);
		}
		line[strcspn(line, "\n")] = '\0';
		printf("\"server_sockstat\": \"%s\", ", line);
	}
	/* connections the server closed while idle are failures */
	nfail += opened - alive;
	t1 = now();
	next = 0;
	for (first = 0;;) {
		while (first < next && conn[first].state != S_STOPCCRP)
			first++;
		stopping = 0;
		for (k = first; k < next; k++)
			stopping += conn[k].state == S_STOPCCRP;
		while (next < o.conns && stopping < o.inflight) {
			if (conn[next].state == S_OPEN) {
				stop(&conn[next]);
				stopping++;
			}
			next++;
		}
		if (next == o.conns && !stopping)
			break;
		turn();
	}
	printf("\"close_s\": %.2f, ", now() - t1);
	print_samples();
	printf("}\n");
	return nfail ? 1 : 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: pptp-load setups|idle --server ADDR [--port P] [--conns N]\n"
		"       [--seconds T] [--per-conn] [--check-cmd CMD] [--check-every S]\n"
		"       [--server-pid PID] [--inflight K] [--hold S] [--calls M]\n"
		"       [--source ADDR]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned int port = 1723, k;
	const char *server = NULL;
	struct rlimit rl;
	int i, r;

	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "setups"))
		o.setups = true;
	else if (strcmp(argv[1], "idle"))
		usage();
	for (i = 2; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--per-conn")) {
			o.per_conn = true;
			continue;
		}
		if (!v)
			usage();
		i++;
		if (!strcmp(a, "--server"))
			server = v;
		else if (!strcmp(a, "--port"))
			port = (unsigned int)atoi(v);
		else if (!strcmp(a, "--conns"))
			o.conns = (unsigned int)atoi(v);
		else if (!strcmp(a, "--seconds"))
			o.seconds = atof(v);
		else if (!strcmp(a, "--check-cmd"))
			o.check_cmd = v;
		else if (!strcmp(a, "--check-every"))
			o.check_every = atof(v);
		else if (!strcmp(a, "--server-pid"))
			o.server_pid = atoi(v);
		else if (!strcmp(a, "--inflight"))
			o.inflight = (unsigned int)atoi(v);
		else if (!strcmp(a, "--hold"))
			o.hold = atof(v);
		else if (!strcmp(a, "--calls"))
			o.calls = (unsigned int)atoi(v);
		else if (!strcmp(a, "--source")) {
			o.source.sin_family = AF_INET;
			if (inet_pton(AF_INET, v, &o.source.sin_addr) != 1)
				usage();
		}
		else
			usage();
	}
	o.server.sin_family = AF_INET;
	o.server.sin_port = htons((uint16_t)port);
	if (!server || inet_pton(AF_INET, server, &o.server.sin_addr) != 1 ||
	    !o.conns || !o.inflight || !port || port > 65535 || o.seconds <= 0)
		usage();
	/* room for every connection, the check's pipe and stdio */
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < o.conns + 256) {
		rl.rlim_cur = o.conns + 256;
		if (rl.rlim_max < rl.rlim_cur)
			rl.rlim_max = rl.rlim_cur;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			fprintf(stderr, "pptp-load: cannot raise RLIMIT_NOFILE to %u: %s\n",
				o.conns + 256, strerror(errno));
	}
	conn = calloc(o.conns, sizeof(*conn));
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (!conn || epfd < 0) {
		perror("pptp-load");
		return 1;
	}
	for (k = 0; k < o.conns; k++)
		conn[k].fd = -1;
	r = o.setups ? run_setups() : run_idle();
	fflush(stdout);
	return r;
}
