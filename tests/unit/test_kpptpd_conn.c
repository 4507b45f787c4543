// SPDX-License-Identifier: GPL-2.0
/*
 * kpptpd/conn.c and call.c with the state machine, against a peer played
 * here over a socketpair; the kernel and pppd are faked (kpptpd_fake.c).
 * Limits on calls and their rate, idle connections, hostile text and
 * nonsense, sends that overflow, and call lifetimes.  Built with
 * CONN_OUT_MAX 1024 (and with ASan where the compiler has it).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kpptpd_fake.h"
#include "state.h"
#include "unit.h"

#define MAXMSG 256

static struct pptp_msg rx[MAXMSG];	/* what the peer received */
static unsigned int nrx;
static bool rx_eof;

static struct pptp_msg msg(unsigned int type)
{
	struct pptp_msg m;

	pptp_msg_init(&m, type);
	return m;
}

static void put(int fd, const struct pptp_msg *m)
{
	uint8_t buf[PPTP_MSG_MAX];
	size_t n = pptp_msg_encode(m, buf, sizeof(buf));

	CHECK(n && write(fd, buf, n) == (ssize_t)n);
}

/* The peer sends @m; the daemon reads it (one epoll event). */
static void peer_send(int fd, struct conn *c, const struct pptp_msg *m)
{
	put(fd, m);
	conn_event(c, EPOLLIN);
}

/* Everything the daemon sent so far, in rx[]. */
static void peer_read(int fd)
{
	static uint8_t buf[1 << 16];
	size_t len = 0, off = 0;
	ssize_t n;

	nrx = 0;
	rx_eof = false;
	while ((n = read(fd, buf + len, sizeof(buf) - len)) > 0)
		len += (size_t)n;
	if (n == 0)
		rx_eof = true;
	while (off < len && nrx < MAXMSG) {
		struct pptp_msg_error e;
		int r = pptp_msg_decode(buf + off, len - off, &rx[nrx], &e);

		if (r <= 0)
			break;
		off += (size_t)r;
		nrx++;
	}
}

static const struct pptp_msg *got(unsigned int type)
{
	unsigned int i;

	for (i = 0; i < nrx; i++)
		if (rx[i].type == type)
			return &rx[i];
	return NULL;
}

static struct pptp_msg sccrq(const char *host)
{
	struct pptp_msg m = msg(PPTP_SCCRQ);

	m.sccrq.version = PPTP_VERSION;
	snprintf(m.sccrq.host, sizeof(m.sccrq.host), "%s", host);
	return m;
}

static struct pptp_msg ocrq(uint16_t id)
{
	struct pptp_msg m = msg(PPTP_OCRQ);

	m.ocrq.call_id = id;
	m.ocrq.bearer = 3;
	m.ocrq.framing = 3;
	m.ocrq.window = 32;
	return m;
}

static struct pptp_msg ccrq(uint16_t id)
{
	struct pptp_msg m = msg(PPTP_CCRQ);

	m.ccrq.call_id = id;
	return m;
}

/* A handshaken connection from @src (0: 10.0.0.1); the peer's fd. */
static int up(uint32_t src, struct conn **c)
{
	struct pptp_msg m = sccrq("client");
	int fd = fake_connect(src, c);

	CHECK(fd >= 0);
	if (fd < 0)
		return -1;
	peer_send(fd, *c, &m);
	peer_read(fd);
	CHECK(got(PPTP_SCCRP) && got(PPTP_SCCRP)->sccrp.result == PPTP_SCCRP_OK);
	return fd;
}

/* The peer asks for call @id: the OCRP's result (0: no reply). */
static unsigned int call(int fd, struct conn *c, uint16_t id)
{
	struct pptp_msg m = ocrq(id);

	peer_send(fd, c, &m);
	peer_read(fd);
	return got(PPTP_OCRP) ? got(PPTP_OCRP)->ocrp.result : 0;
}

static void clear(int fd, struct conn *c, uint16_t id)
{
	struct pptp_msg m = ccrq(id);

	peer_send(fd, c, &m);
	peer_read(fd);
	CHECK(got(PPTP_CDN) != NULL);
}

static struct call *call_of(uint16_t peer_id)
{
	struct call *k;

	for (k = kd.calls; k; k = k->next)
		if (k->conn && k->conn->ctrl.calls[k->slot].peer_id == peer_id)
			return k;
	return NULL;
}

/* Counts agree with the lists, and nothing wrapped. */
static void check_counts(void)
{
	CHECK(kd.ncalls == fake_ncalls_listed());
	CHECK(kd.ncalls <= kd.conf.max_calls + 1000);
}

/* ------------------------------------------------------------ 4.1 */

TEST(call_counts_until_pppd_reaped)
{
	struct conn *c;
	struct call *k;
	int fd;

	CHECK(fake_daemon_init("max-calls 1\n") == 0);
	fd = up(0, &c);
	CHECK(call(fd, c, 1) == PPTP_OCRP_CONNECTED);
	k = call_of(1);
	CHECK(k && k->pppd.pid && fake_pppd_running == 1);
	clear(fd, c, 1);
	fake_batch_end();
	/* pppd was told to stop but runs: the call still counts */
	CHECK(kd.ncalls == 1 && fake_pppd_running == 1);
	CHECK(call(fd, c, 2) == PPTP_OCRP_GENERAL);
	CHECK(got(PPTP_OCRP)->ocrp.error == PPTP_ERR_NO_RESOURCE);
	CHECK(fake_pppd_running == 1);
	CHECK(kd.refused[CP_REFUSED_MAX_CALLS] == 1 && kd.calls_refused == 1);
	fake_now += 2000;
	fake_pppd_exit(k);
	fake_batch_end();
	CHECK(kd.ncalls == 0 && fake_pppd_running == 0);
	CHECK(call(fd, c, 3) == PPTP_OCRP_CONNECTED);
	check_counts();
	close(fd);
	fake_daemon_free();
}

/* "ipv6 on": pppd negotiates IPV6CP, with interface identifiers made of
 * the call's IPv4 pair; "ipv6 off": noipv6 (pppd 2.5 would negotiate it);
 * no ipv6 line: pppd is given nothing about IPv6. */
TEST(ipv6_identifiers_from_the_pool)
{
	struct conn *c;
	int fd;

	CHECK(fake_daemon_init("localip 192.168.9.1\n"
			       "remoteip 192.168.9.20-21\nipv6 on\n") == 0);
	fd = up(0, &c);
	CHECK(call(fd, c, 1) == PPTP_OCRP_CONNECTED);
	CHECK_HAS(fake_last_argv,
		  " 192.168.9.1:192.168.9.20 +ipv6 ipv6 ::192.168.9.1,::192.168.9.20 ");
	CHECK(call(fd, c, 2) == PPTP_OCRP_CONNECTED);
	CHECK_HAS(fake_last_argv, " ipv6 ::192.168.9.1,::192.168.9.21 ");
	/* a pool of two: the third call is refused, counted by its reason */
	CHECK(call(fd, c, 3) == PPTP_OCRP_GENERAL);
	CHECK(kd.refused[CP_REFUSED_POOL_EXHAUSTED] == 1 && kd.calls_refused == 1);
	close(fd);
	fake_daemon_free();

	CHECK(fake_daemon_init("localip 192.168.9.1\n"
			       "remoteip 192.168.9.20\n") == 0);
	fd = up(0, &c);
	CHECK(call(fd, c, 1) == PPTP_OCRP_CONNECTED);
	CHECK(strstr(fake_last_argv, " 192.168.9.1:192.168.9.20 "));
	CHECK(!strstr(fake_last_argv, "ipv6"));
	close(fd);
	fake_daemon_free();

	CHECK(fake_daemon_init("localip 192.168.9.1\n"
			       "remoteip 192.168.9.20\nipv6 off\n") == 0);
	fd = up(0, &c);
	CHECK(call(fd, c, 1) == PPTP_OCRP_CONNECTED);
	CHECK_HAS(fake_last_argv, " 192.168.9.1:192.168.9.20 noipv6 ");
	CHECK(!strstr(fake_last_argv, "+ipv6"));
	close(fd);
	fake_daemon_free();
}

/* "tx-window on": calls are made with the RFC 2637 4.2 send window, which
 * the kernel cannot switch on later; off (the default), without it. */
TEST(tx_window_set_when_the_call_is_made)
{
	struct conn *c;
	int fd;

	CHECK(fake_daemon_init("tx-window on\n") == 0);
	fd = up(0, &c);
	CHECK(call(fd, c, 1) == PPTP_OCRP_CONNECTED);
	CHECK(fake_last_flags == KPPTP_F_TX_WINDOW);
	close(fd);
	fake_daemon_free();

	CHECK(fake_daemon_init("") == 0);
	fd = up(0, &c);
	CHECK(call(fd, c, 1) == PPTP_OCRP_CONNECTED);
	CHECK(fake_last_flags == 0);
	close(fd);
	fake_daemon_free();
}

TEST(call_setups_limited_per_connection)
{
	struct conn *c;
	int fd, i;

	CHECK(fake_daemon_init("max-call-rate 3\nmax-calls-per-source 0\n") == 0);
	fd = up(0, &c);
	for (i = 1; i <= 3; i++) {
		CHECK(call(fd, c, (uint16_t)i) == PPTP_OCRP_CONNECTED);
		clear(fd, c, (uint16_t)i);
		fake_pppd_exit(kd.calls);
		fake_batch_end();
	}
	CHECK(call(fd, c, 4) == PPTP_OCRP_GENERAL);
	CHECK(fake_calls_made == 3);
	CHECK(kd.refused[CP_REFUSED_MAX_CALL_RATE] == 1 && kd.calls_refused == 1);
	fake_now += 1000;
	CHECK(call(fd, c, 5) == PPTP_OCRP_CONNECTED);
	CHECK(fake_calls_made == 4);
	check_counts();
	close(fd);
	fake_daemon_free();
}

/* Refusals by the connection's own state machine are counted too: the
 * per-connection limit and a peer call ID reused while live. */
TEST(state_machine_refusals_counted)
{
	struct conn *c;
	int fd;

	CHECK(fake_daemon_init("max-calls-per-connection 2\n") == 0);
	fd = up(0, &c);
	CHECK(call(fd, c, 1) == PPTP_OCRP_CONNECTED);
	CHECK(call(fd, c, 1) == PPTP_OCRP_GENERAL);
	CHECK(kd.refused[CP_REFUSED_CALL_ID_IN_USE] == 1);
	CHECK(call(fd, c, 2) == PPTP_OCRP_CONNECTED);
	CHECK(call(fd, c, 3) == PPTP_OCRP_GENERAL);
	CHECK(kd.refused[CP_REFUSED_MAX_CALLS_PER_CONNECTION] == 1);
	CHECK(kd.calls_refused == 2 && kd.conns_refused == 0);
	CHECK(fake_calls_made == 2);
	check_counts();
	close(fd);
	fake_daemon_free();
}

TEST(call_setups_limited_per_source)
{
	struct conn *c1, *c2, *c3;
	int fd1, fd2, fd3;

	CHECK(fake_daemon_init("max-call-rate 0\nmax-calls-per-source 3\n") == 0);
	fd1 = up(0, &c1);
	fd2 = up(0, &c2);
	fd3 = up(htonl(0x0a000003), &c3);
	CHECK(call(fd1, c1, 1) == PPTP_OCRP_CONNECTED);
	CHECK(call(fd1, c1, 2) == PPTP_OCRP_CONNECTED);
	CHECK(call(fd2, c2, 3) == PPTP_OCRP_CONNECTED);
	CHECK(call(fd2, c2, 4) == PPTP_OCRP_GENERAL);
	/* another source is not held back */
	CHECK(call(fd3, c3, 5) == PPTP_OCRP_CONNECTED);
	fake_now += 1000;
	CHECK(call(fd2, c2, 6) == PPTP_OCRP_CONNECTED);
	close(fd1);
	close(fd2);
	close(fd3);
	fake_daemon_free();
}

TEST(rate_limit_defaults)
{
	CHECK(fake_daemon_init("") == 0);
	CHECK(kd.conf.max_call_rate == 5 && kd.conf.max_calls_per_source == 10);
	CHECK(kd.conf.ctrl.idle_ms == 60000 && kd.conf.ctrl.max_invalid == 20);
	CHECK(kd.conf.connect_ms == 10000);
	fake_daemon_free();
}

/* ------------------------------------------------------------ 4.2 */

TEST(idle_connection_closed_by_default)
{
	struct conn *c;
	int fd;

	CHECK(fake_daemon_init("echo-interval 0\n") == 0);
	fd = up(0, &c);
	fake_now += 59000;
	conn_timers(fake_now);
	peer_read(fd);
	CHECK(!got(PPTP_STOPCCRQ) && !c->closed);
	fake_now += 1000;
	conn_timers(fake_now);
	peer_read(fd);
	CHECK(got(PPTP_STOPCCRQ) != NULL);
	fake_now += 5000;
	conn_timers(fake_now);
	CHECK(c->closed);
	fake_batch_end();
	CHECK(kd.nconns == 0);
	close(fd);
	fake_daemon_free();
}

/*
 * 200 connections that never send SCCRQ, opened 7 ms apart: each closes
 * at its own handshake deadline (10 s), not before, and the next timer is
 * always the earliest open one's.  A handshake that arrives in time
 * takes a connection off that deadline.
 */
TEST(handshake_deadlines_of_many_connections)
{
	enum { N = 200 };
	struct conn *c[N];
	uint64_t opened[N];
	int fd[N], i, early = 0, late = 0, wrong_next = 0;
	uint64_t t0;

	CHECK(fake_daemon_init("connections 1000\nmax-per-source 1000\n") == 0);
	t0 = fake_now;
	for (i = 0; i < N; i++) {
		opened[i] = fake_now;
		fd[i] = fake_connect(0, &c[i]);
		CHECK(fd[i] >= 0);
		if (fd[i] < 0) {
			fake_daemon_free();
			return;
		}
		fake_now += 7;
	}
	/* one of them shakes hands: off the handshake deadline */
	{
		struct pptp_msg m = sccrq("client");

		peer_send(fd[50], c[50], &m);
	}
	CHECK(conn_next_timer() == t0 + 10000);
	for (fake_now = t0 + 9990; fake_now < t0 + 7 * N + 10010;
	     fake_now++) {
		conn_timers(fake_now);
		for (i = 0; i < N; i++) {
			if (i == 50)
				continue;
			if (c[i]->closed && fake_now < opened[i] + 10000)
				early++;
			if (!c[i]->closed && fake_now >= opened[i] + 10000)
				late++;
		}
		for (i = 0; i < N && (i == 50 || c[i]->closed); i++)
			;
		if (i < N && conn_next_timer() != opened[i] + 10000)
			wrong_next++;
	}
	CHECK(early == 0 && late == 0 && wrong_next == 0);
	CHECK(!c[50]->closed);
	CHECK(conn_next_timer() > opened[N - 1] + 10000 &&
	      conn_next_timer() != PPTP_NO_TIMER);
	fake_batch_end();
	CHECK(kd.nconns == 1);
	for (i = 0; i < N; i++)
		close(fd[i]);
	fake_daemon_free();
}

/* max-per-source counts the open connections of each source exactly,
 * also after some have closed. */
TEST(connections_limited_per_source)
{
	uint32_t a = htonl(0x0a000001), b = htonl(0x0a000002);
	struct conn *c[4], *x;
	int fd[4], fx, i;

	CHECK(fake_daemon_init("max-per-source 3\n") == 0);
	for (i = 0; i < 3; i++)
		CHECK((fd[i] = fake_connect(a, &c[i])) >= 0);
	CHECK(fake_connect(a, &x) < 0);
	CHECK(kd.refused[CP_REFUSED_MAX_PER_SOURCE] == 1);
	CHECK((fd[3] = fake_connect(b, &c[3])) >= 0);
	/* one of a's goes: a may open one more, and only one */
	close(fd[1]);
	conn_event(c[1], EPOLLIN);
	CHECK(c[1]->closed);
	fake_batch_end();
	CHECK((fx = fake_connect(a, &x)) >= 0);
	CHECK(fake_connect(a, &x) < 0);
	CHECK(kd.refused[CP_REFUSED_MAX_PER_SOURCE] == 2);
	close(fx);
	for (i = 0; i < 4; i++)
		if (i != 1)
			close(fd[i]);
	fake_daemon_free();
}

TEST(full_table_evicts_longest_idle)
{
	struct conn *a, *b, *n, *busy;
	int fa, fb, fn, fbusy;

	CHECK(fake_daemon_init("connections 2\nmax-per-source 10\n") == 0);
	fa = up(0, &a);
	fake_now += 5000;
	fb = up(0, &b);
	fake_now += 1000;
	fn = fake_connect(0, &n);
	CHECK(fn >= 0 && n);
	CHECK(a->closed && !b->closed);
	CHECK_HAS(a->last_log, "evicted for a new connection");
	fake_batch_end();
	peer_read(fa);
	CHECK(got(PPTP_STOPCCRQ) && rx_eof);
	CHECK(kd.nconns == 2);
	if (fn < 0 || !n) {
		fake_daemon_free();
		return;
	}
	/* a connection with a call is never evicted */
	close(fn);
	conn_event(n, EPOLLIN);
	fake_batch_end();
	fbusy = up(0, &busy);
	CHECK(call(fbusy, busy, 1) == PPTP_OCRP_CONNECTED);
	CHECK(call(fb, b, 2) == PPTP_OCRP_CONNECTED);
	CHECK(fake_connect(0, &n) < 0);
	CHECK(!busy->closed && !b->closed);
	close(fa);
	close(fb);
	close(fbusy);
	fake_daemon_free();
}

/* ------------------------------------------------------------ 4.3 */

static char logbuf[65536];

/* Log lines while @fn runs, in logbuf. */
static void capture(void (*fn)(void))
{
	FILE *f = tmpfile();
	size_t n;

	log_to_file(f);
	fn();
	log_to_file(getenv("KPPTP_TEST_LOG") ? stderr : NULL);
	rewind(f);
	n = fread(logbuf, 1, sizeof(logbuf) - 1, f);
	logbuf[n] = '\0';
	fclose(f);
}

static unsigned int lines(const char *s)
{
	unsigned int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static unsigned int count(const char *s, const char *needle)
{
	unsigned int n = 0;

	while ((s = strstr(s, needle))) {
		n++;
		s++;
	}
	return n;
}

TEST(log_escape_control_characters)
{
	char out[64];

	CHECK_STR(log_escape("a\nb\r\x01\x7f\\z", out, sizeof(out)),
		  "a\\x0ab\\x0d\\x01\\x7f\\x5cz");
	CHECK_STR(log_escape("abc\n", out, 6), "abc");
	CHECK_STR(log_escape("ok", out, sizeof(out)), "ok");
}

static void evil_host(void)
{
	struct conn *c;
	struct pptp_msg m = sccrq("evil\nkpptpd[info]: forged line");
	int fd;

	log_open(false, false);
	fd = fake_connect(0, &c);
	peer_send(fd, c, &m);
	close(fd);
	fake_daemon_free();
}

TEST(peer_host_name_escaped_in_log)
{
	CHECK(fake_daemon_init("") == 0);
	capture(evil_host);
	CHECK_HAS(logbuf, "peer host \"evil\\x0akpptpd[info]: forged line\"");
	CHECK_HASNT(logbuf, "\nkpptpd[info]: forged");
}

static void nonsense(void)
{
	struct conn *c;
	unsigned int i;
	int fd;

	log_open(false, false);
	fd = up(0, &c);
	for (i = 0; i < 30 && !c->closed; i++) {
		struct pptp_msg m = msg(PPTP_CDN);

		m.cdn.call_id = (uint16_t)(100 + i);
		m.cdn.result = 1;
		peer_send(fd, c, &m);
	}
	CHECK(c->closed && i == 20);
	close(fd);
	fake_daemon_free();
}

TEST(nonsense_closes_connection_and_is_not_all_logged)
{
	CHECK(fake_daemon_init("") == 0);
	capture(nonsense);
	CHECK_HAS(logbuf, "CDN for unknown peer call ID 100: ignored");
	CHECK_HAS(logbuf, "20 messages that made no sense (max-invalid-messages)");
	CHECK_HASNT(logbuf, "peer call ID 106");
	CHECK(lines(logbuf) < 12);
}

/* one connection refused before the handshake */
static void refused_early(void)
{
	struct pptp_msg m = ocrq(1);
	struct conn *c;
	int fd = fake_connect(0, &c);

	peer_send(fd, c, &m);
	close(fd);
	fake_batch_end();
}

static void flood_lines(void)
{
	unsigned int i;

	log_open(false, false);
	for (i = 0; i < 200; i++)
		refused_early();
	fake_now += 10000;
	refused_early();
}

TEST(peer_log_lines_rate_limited)
{
	CHECK(fake_daemon_init("") == 0);
	capture(flood_lines);
	/* 201 refusals: 50 at once, 10 a second after */
	CHECK(count(logbuf, "OCRQ before Start-Control-Connection-Request") <= 60);
	CHECK(count(logbuf, "OCRQ before Start-Control-Connection-Request") >= 50);
	CHECK_HAS(logbuf, "log lines about peers left out");
	fake_daemon_free();
}

/* ------------------------------------------------------------ 4.6, 4.7 */

/* The send buffer nearly full: the next CDN does not fit, an echo reply
 * still does. */
static void nearly_full(int fd, struct conn *c)
{
	unsigned int i;

	for (i = 0; i < 200 && c->outlen <= CONN_OUT_MAX - 148; i++) {
		struct pptp_msg m = msg(PPTP_ECHORQ);

		m.echorq.id = i;
		peer_send(fd, c, &m);
	}
	CHECK(c->outlen > CONN_OUT_MAX - 148 && !c->closed);
}

TEST(send_overflow_while_stopping_ends_each_call_once)
{
	struct conn *c;
	int fd;

	CHECK(fake_daemon_init("pppd none\nmax-calls-per-connection 4\n") == 0);
	fd = up(0, &c);
	CHECK(call(fd, c, 1) == PPTP_OCRP_CONNECTED);
	CHECK(call(fd, c, 2) == PPTP_OCRP_CONNECTED);
	CHECK(call(fd, c, 3) == PPTP_OCRP_CONNECTED);
	CHECK(kd.ncalls == 3 && fake_call_down_events == 0);
	nearly_full(fd, c);
	/* kpptpctl conn disconnect: CDN for each call, StopCCRQ */
	conn_disconnect(c);
	CHECK(c->closed && c->ctrl.state == PPTP_CTRL_CLOSED);
	CHECK(c->ctrl.ncalls == 0);
	CHECK(fake_call_down_events == 3);
	CHECK(kd.ncalls == 0 && fake_kernel_calls == 0);
	check_counts();
	fake_batch_end();
	close(fd);
	fake_daemon_free();
}

TEST(send_overflow_in_reply_ends_each_call_once)
{
	struct conn *c;
	struct pptp_msg m = ccrq(1);
	int fd;

	CHECK(fake_daemon_init("pppd none\n") == 0);
	fd = up(0, &c);
	CHECK(call(fd, c, 1) == PPTP_OCRP_CONNECTED);
	CHECK(call(fd, c, 2) == PPTP_OCRP_CONNECTED);
	nearly_full(fd, c);
	/* the CDN for this CCRQ overflows */
	put(fd, &m);
	conn_event(c, EPOLLIN);
	CHECK(c->closed && c->ctrl.ncalls == 0);
	CHECK(fake_call_down_events == 2 && kd.ncalls == 0);
	check_counts();
	fake_batch_end();
	close(fd);
	fake_daemon_free();
}

TEST(pppd_failing_to_start_ends_call_once)
{
	struct conn *c;
	int fd;

	CHECK(fake_daemon_init("") == 0);
	fd = up(0, &c);
	fake_spawn_fails = true;
	/* the OCRP went out: the call is then disconnected (CDN) */
	CHECK(call(fd, c, 1) == PPTP_OCRP_CONNECTED);
	CHECK(got(PPTP_CDN) != NULL);
	CHECK(fake_call_down_events == 1 && kd.ncalls == 0);
	CHECK(c->ctrl.ncalls == 0 && !c->closed);
	fake_spawn_fails = false;
	CHECK(call(fd, c, 2) == PPTP_OCRP_CONNECTED);
	check_counts();
	close(fd);
	fake_daemon_free();
}

TEST(call_lives_until_batch_end)
{
	struct conn *c;
	struct call *k;
	int fd;

	CHECK(fake_daemon_init("") == 0);
	fd = up(0, &c);
	CHECK(call(fd, c, 1) == PPTP_OCRP_CONNECTED);
	k = call_of(1);
	CHECK(k != NULL);
	fake_pppd_exit(k);
	CHECK(kd.ncalls == 0 && fake_call_down_events == 1);
	/* later events of the same batch name it: nothing happens */
	CHECK(k->dead);
	call_pppd_output(k);
	call_event(k);
	CHECK(kd.ncalls == 0 && kd.dead_calls == k);
	fake_batch_end();
	CHECK(kd.dead_calls == NULL);
	check_counts();
	close(fd);
	fake_daemon_free();
}

/* ------------------------------------------------------------ 4.8 */

TEST(window_after_reload_is_the_announced_one)
{
	struct conn *c;
	int fd;

	CHECK(fake_daemon_init("window 64\n") == 0);
	fd = up(0, &c);
	/* a reload: new connections get window 10, this one keeps 64 */
	kd.conf.ctrl.window = 10;
	CHECK(call(fd, c, 1) == PPTP_OCRP_CONNECTED);
	CHECK(got(PPTP_OCRP)->ocrp.window == 64);
	CHECK(fake_last_recv_window == 64);
	close(fd);
	fake_daemon_free();
}

TEST(state_file_not_written_through_a_link)
{
	char dir[] = "/tmp/kpptpd-test-XXXXXX", conf[512], path[300];
	char victim[300], buf[64] = "";
	struct stat st;
	struct conn *c;
	FILE *f;
	int fd;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/calls", dir);
	snprintf(victim, sizeof(victim), "%s/victim", dir);
	f = fopen(victim, "w");
	fputs("precious\n", f);
	fclose(f);
	snprintf(conf, sizeof(conf), "state-file %s\n", path);

	/* a link where the state file goes: refused, the target untouched */
	CHECK(symlink(victim, path) == 0);
	CHECK(fake_daemon_init(conf) == 0);
	CHECK(call_state_lock() == -1);
	fake_daemon_free();
	f = fopen(victim, "r");
	CHECK(fgets(buf, sizeof(buf), f) != NULL);
	fclose(f);
	CHECK_STR(buf, "precious\n");
	unlink(path);

	/* an old world-readable file: made root's only, the call written */
	f = fopen(path, "w");
	fclose(f);
	chmod(path, 0644);
	CHECK(fake_daemon_init(conf) == 0);
	CHECK(call_state_lock() == 0);
	fd = up(0, &c);
	CHECK(call(fd, c, 1) == PPTP_OCRP_CONNECTED);
	fake_batch_end();	/* the loop writes it once a turn */
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	f = fopen(path, "r");
	buf[0] = '\0';
	CHECK(f && fgets(buf, sizeof(buf), f) != NULL);
	if (f)
		fclose(f);
	CHECK(atoi(buf) == kd.calls->id);
	close(fd);
	fake_daemon_free();
	unlink(path);
	unlink(victim);
	rmdir(dir);
}

/* The state file's bytes (at most @cap - 1), NUL-terminated; the length. */
static size_t state_text(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, cap - 1);

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return n > 0 ? (size_t)n : 0;
}

/* The call whose record is in slot @slot of @text, or NULL. */
static struct call *call_in_slot(const char *text, unsigned int slot)
{
	struct call *k;
	int id = atoi(text + slot * STATE_REC_LEN);

	for (k = kd.calls; k; k = k->next)
		if (k->id == id)
			return k;
	return NULL;
}

/*
 * A call made or ended writes its own record in place and nothing else:
 * a byte planted in another record's padding survives (rewriting the
 * whole list at every change cost O(calls) per setup).  Slots are reused,
 * and the file is empty again once the last call ends.
 */
TEST(state_file_written_in_place)
{
	/* on tmpfs, as /run: records are stores into kpptpd's mapping */
	char shm[] = "/dev/shm/kpptpd-slots-XXXXXX";
	char tmp[] = "/tmp/kpptpd-slots-XXXXXX", *dir, path[256], conf[300];
	char text[1024];
	struct call *k0, *k1;
	struct conn *c;
	int fd, sfd;

	dir = mkdtemp(shm);
	if (!dir)
		dir = mkdtemp(tmp);
	CHECK(dir != NULL);
	snprintf(path, sizeof(path), "%s/calls", dir);
	snprintf(conf, sizeof(conf), "state-file %s\n", path);
	CHECK(fake_daemon_init(conf) == 0);
	CHECK(call_state_lock() == 0);
	if (dir == shm) {
		sfd = open(path, O_RDONLY);
		CHECK(state_mappable(sfd));
		close(sfd);
	}
	fd = up(0, &c);
	CHECK(call(fd, c, 1) == PPTP_OCRP_CONNECTED);
	CHECK(call(fd, c, 2) == PPTP_OCRP_CONNECTED);
	CHECK(call(fd, c, 3) == PPTP_OCRP_CONNECTED);
	fake_batch_end();
	CHECK(state_text(path, text, sizeof(text)) == 3 * STATE_REC_LEN);
	k0 = call_in_slot(text, 0);
	k1 = call_in_slot(text, 1);
	CHECK(k0 && k1 && call_in_slot(text, 2));
	CHECK(text[STATE_REC_LEN - 2] == ' ' &&
	      text[STATE_REC_LEN - 1] == '\n');

	/* a marker in slot 0's padding; a fourth call, slot 1's ends */
	sfd = open(path, O_WRONLY);
	CHECK(pwrite(sfd, "X", 1, STATE_REC_LEN - 2) == 1);
	close(sfd);
	CHECK(call(fd, c, 4) == PPTP_OCRP_CONNECTED);
	fake_pppd_exit(k1);
	fake_batch_end();
	CHECK(state_text(path, text, sizeof(text)) == 4 * STATE_REC_LEN);
	CHECK(text[STATE_REC_LEN - 2] == 'X');
	CHECK(call_in_slot(text, 0) == k0 && call_in_slot(text, 3));
	CHECK(strspn(text + STATE_REC_LEN, " ") == STATE_REC_LEN - 1);

	/* the next call takes the free slot */
	CHECK(call(fd, c, 5) == PPTP_OCRP_CONNECTED);
	CHECK(state_text(path, text, sizeof(text)) == 4 * STATE_REC_LEN);
	CHECK(call_in_slot(text, 1) == call_of(5));

	while (kd.calls)
		fake_pppd_exit(kd.calls);
	fake_batch_end();
	CHECK(state_text(path, text, sizeof(text)) == 0);
	check_counts();
	close(fd);
	fake_daemon_free();
	unlink(path);
	rmdir(dir);
}

/* A TCP listener on 127.0.0.1 with a full accept queue when @full (a
 * connect() to it then hangs), its port in *@port. */
static int listener(bool full, uint16_t *port, int *filler)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	*filler = -1;
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(fd, full ? 0 : 4) ||
	    getsockname(fd, (struct sockaddr *)&sa, &len))
		return -1;
	*port = ntohs(sa.sin_port);
	if (full) {
		*filler = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		CHECK(connect(*filler, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	}
	return fd;
}

/*
 * Out of file descriptors, waiting connections are taken in the spare's
 * slot and refused, so the listen queue drains (no busy loop on it), and
 * the spare comes back for the next time.
 */
/*
 * kpptpd listening on @lfd (non-blocking, its spare held) with @n clients
 * waiting in the queue, @sa the address they connected to.
 */
static void queued_clients(int lfd, uint16_t port, struct sockaddr_in *sa,
			   int *cli, int n)
{
	int i;

	*sa = (struct sockaddr_in){ .sin_family = AF_INET,
				    .sin_port = htons(port),
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	CHECK(lfd >= 0 && fcntl(lfd, F_SETFL, O_NONBLOCK) == 0);
	CHECK(fake_daemon_init("") == 0);
	kd.listen_fd = lfd;
	fdlimit_spare();
	for (i = 0; i < n; i++) {
		cli[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		CHECK(connect(cli[i], (struct sockaddr *)sa, sizeof(*sa)) == 0);
	}
}

TEST(out_of_descriptors_refuses_and_drains_the_queue)
{
	struct sockaddr_in sa;
	struct rlimit old, full;
	struct pollfd pfd;
	int lfd, filler, cli[3], i, fd;
	uint16_t port;
	char b;

	lfd = listener(false, &port, &filler);
	queued_clients(lfd, port, &sa, cli, 3);
	/* no descriptor left: the lowest free one is the limit */
	fd = dup(0);
	close(fd);
	CHECK(getrlimit(RLIMIT_NOFILE, &old) == 0);
	full = old;
	full.rlim_cur = (rlim_t)fd;
	CHECK(setrlimit(RLIMIT_NOFILE, &full) == 0);
	conn_accept();
	CHECK(setrlimit(RLIMIT_NOFILE, &old) == 0);
	CHECK(kd.refused[CP_REFUSED_FD_LIMIT] == 3 && kd.conns_refused == 3);
	CHECK(kd.nconns == 0);
	CHECK(fdlimit_next_timer() == PPTP_NO_TIMER);	/* the spare is back */
	for (i = 0; i < 3; i++) {	/* each peer sees its connection end */
		pfd = (struct pollfd){ .fd = cli[i], .events = POLLIN };
		CHECK(poll(&pfd, 1, 2000) == 1 && read(cli[i], &b, 1) == 0);
		close(cli[i]);
	}
	CHECK(accept(lfd, NULL, NULL) < 0 && errno == EAGAIN);
	/* with descriptors again, the next one is taken as usual */
	cli[0] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CHECK(connect(cli[0], (struct sockaddr *)&sa, sizeof(sa)) == 0);
	conn_accept();
	CHECK(kd.nconns == 1 && kd.refused[CP_REFUSED_FD_LIMIT] == 3);
	close(cli[0]);
	kd.listen_fd = -1;
	close(lfd);
	fake_daemon_free();
}

/*
 * No spare either (the limit under the descriptors in use, as with ENFILE
 * for the whole system): nothing can take the connection off the queue,
 * so the listener leaves epoll for a second instead of waking the loop
 * again at once, and comes back with the spare.
 */
TEST(no_spare_pauses_the_listener)
{
	struct sockaddr_in sa;
	struct rlimit old, none;
	int lfd, filler, cli;
	uint16_t port;

	lfd = listener(false, &port, &filler);
	queued_clients(lfd, port, &sa, &cli, 1);
	CHECK(getrlimit(RLIMIT_NOFILE, &old) == 0);
	none = old;
	none.rlim_cur = 3;	/* under every descriptor the spare can get */
	CHECK(setrlimit(RLIMIT_NOFILE, &none) == 0);
	fake_ev_mod_ev = NULL;
	conn_accept();		/* the spare is spent and cannot come back */
	CHECK(fake_ev_mod_ev == &kd.listen_ev && fake_ev_mod_events == 0);
	CHECK(fdlimit_next_timer() == fake_now + 1000);
	fake_ev_mod_ev = NULL;
	conn_accept();		/* a wakeup already queued: no spare, paused */
	CHECK(fake_ev_mod_ev == &kd.listen_ev && fake_ev_mod_events == 0);
	CHECK(fdlimit_next_timer() == fake_now + 1000);
	CHECK(kd.nconns == 0 && kd.refused[CP_REFUSED_FD_LIMIT] == 0);
	CHECK(setrlimit(RLIMIT_NOFILE, &old) == 0);
	fake_ev_mod_ev = NULL;
	fdlimit_timers(fake_now + 999);
	CHECK(fake_ev_mod_ev == NULL);
	fdlimit_timers(fake_now + 1000);	/* back, with the spare */
	CHECK(fake_ev_mod_ev == &kd.listen_ev &&
	      fake_ev_mod_events == EPOLLIN);
	CHECK(fdlimit_next_timer() == PPTP_NO_TIMER);
	conn_accept();
	CHECK(kd.nconns == 1);
	close(cli);
	kd.listen_fd = -1;
	close(lfd);
	fake_daemon_free();
}

static bool client_conf(uint16_t port, const char *extra)
{
	char conf[256];

	snprintf(conf, sizeof(conf), "connect 127.0.0.1\nport %u\n%s", port,
		 extra);
	return fake_daemon_init(conf) == 0;
}

TEST(client_connect_times_out)
{
	struct conn *c;
	uint16_t port;
	int lfd, filler;

	lfd = listener(true, &port, &filler);
	CHECK(lfd >= 0);
	CHECK(client_conf(port, "connect-timeout 3\nredial 7\n"));
	conn_connect();
	c = kd.conns;
	CHECK(c && c->connecting);
	if (!c || !c->connecting) {
		close(lfd);
		return;
	}
	fake_now += 2999;
	conn_timers(fake_now);
	CHECK(!c->closed && conn_next_timer() == fake_now + 1);
	fake_now += 1;
	conn_timers(fake_now);
	CHECK(c->closed);
	CHECK_STR(c->last_log, "connect timed out");
	fake_batch_end();
	CHECK(kd.nconns == 0 && kd.redial_at == fake_now + 7000);
	close(filler);
	close(lfd);
	fake_daemon_free();
}

/* The client role's server, by name: what the name means now. */
static const char *server_now;

static int resolve_server_now(const char *name, uint32_t *be, char *err,
			      size_t len)
{
	if (!strcmp(name, "vpn.test") && server_now) {
		*be = inet_addr(server_now);
		return 0;
	}
	snprintf(err, len, "Name or service not known");
	return -1;
}

TEST(client_redial_resolves_the_name_again)
{
	conf_resolve_fn *saved = conf_resolve;
	char conf[128];
	struct conn *c;
	uint16_t port;
	int lfd, filler;

	lfd = listener(false, &port, &filler);
	CHECK(lfd >= 0);
	conf_resolve = resolve_server_now;
	server_now = "10.99.0.1";	/* where it was when kpptpd started */
	snprintf(conf, sizeof(conf), "connect vpn.test\nport %u\npppd none\n",
		 port);
	CHECK(fake_daemon_init(conf) == 0);
	CHECK(kd.conf.connect == inet_addr("10.99.0.1"));
	server_now = "127.0.0.1";	/* it moved */
	conn_connect();
	c = kd.conns;
	CHECK(c && c->peer.sin_addr.s_addr == inet_addr("127.0.0.1"));
	CHECK(kd.conf.connect == inet_addr("127.0.0.1"));
	server_now = NULL;		/* the name server is down */
	conn_connect();
	c = kd.conns;
	CHECK(c && c->peer.sin_addr.s_addr == inet_addr("127.0.0.1"));
	conf_resolve = saved;
	close(lfd);
	fake_daemon_free();
}

TEST(client_declines_incoming_calls)
{
	struct pptp_msg m;
	struct conn *c;
	uint16_t port;
	int lfd, fd, filler;

	lfd = listener(false, &port, &filler);
	CHECK(lfd >= 0);
	CHECK(client_conf(port, "pppd none\n"));
	conn_connect();
	c = kd.conns;
	fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
	CHECK(c && fd >= 0);
	if (!c || fd < 0)
		return;
	conn_event(c, EPOLLOUT);
	usleep(10000);
	peer_read(fd);
	CHECK(got(PPTP_SCCRQ) != NULL);
	m = msg(PPTP_SCCRP);
	m.sccrp.version = PPTP_VERSION;
	m.sccrp.result = PPTP_SCCRP_OK;
	peer_send(fd, c, &m);
	usleep(10000);
	peer_read(fd);
	CHECK(got(PPTP_OCRQ) != NULL && fake_calls_made == 1);
	m = msg(PPTP_ICRQ);
	m.icrq.call_id = 77;
	m.icrq.bearer = 3;
	peer_send(fd, c, &m);
	usleep(10000);
	peer_read(fd);
	CHECK(got(PPTP_ICRP) && got(PPTP_ICRP)->icrp.result == PPTP_ICRP_REFUSED);
	CHECK(got(PPTP_ICRP) && got(PPTP_ICRP)->icrp.peer_call_id == 77);
	CHECK(fake_calls_made == 1 && kd.ncalls == 1 && !c->closed);
	close(fd);
	close(lfd);
	fake_daemon_free();
}

/* ------------------------------------------------------------ reports */

/* pppd (or kpptp.so in it) writes @text to one of its pipes */
static void pppd_says(const struct call *k, bool report, const char *text)
{
	int fd = fake_pppd_fd(k, report);

	CHECK(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text));
}

/* The value of @key in what kpptpctl gets for @k, or "" */
static const char *described(const struct call *k, const char *key)
{
	static char val[CP_VAL_MAX + 1];
	struct cp_buf b;
	struct cp_pair p;
	char why[128];
	size_t off = 0, used;

	val[0] = '\0';
	cp_buf_init(&b, 65536);
	call_describe(k, &b);
	while (b.data && cp_next(b.data + off, b.len - off, &used, &p, why,
				 sizeof(why)) == CP_PAIR) {
		off += used;
		if (!strcmp(p.key, key))
			snprintf(val, sizeof(val), "%s", p.val);
	}
	cp_buf_free(&b);
	return val;
}

#define POOL "localip 192.168.0.1\nremoteip 192.168.0.10-20\n"

/* Call 1 on a fresh connection (*fd) with its pppd faked, whose pipe for
 * @report (or for its log) exists; NULL, checked, if not. */
static struct call *call_with_pppd(int *fd, bool report)
{
	struct conn *c;
	struct call *k;

	CHECK(fake_daemon_init(POOL) == 0);
	*fd = up(0, &c);
	CHECK(call(*fd, c, 1) == PPTP_OCRP_CONNECTED);
	k = call_of(1);
	CHECK(k && fake_pppd_fd(k, report) >= 0);
	return k && fake_pppd_fd(k, report) >= 0 ? k : NULL;
}

/*
 * kpptp.so reports: pppd's log is logged, not believed.  A peer named
 * "admin authenticated with CHAP" failing makes pppd log "Peer admin
 * authenticated with CHAP failed CHAP authentication"; with a name made
 * to look like the line, the succeeding "Peer ... authenticated with CHAP"
 * could name anyone.  What the records say stands.
 */
TEST(reports_beat_pppd_log)
{
	struct call *k;
	int fd;

	k = call_with_pppd(&fd, true);
	if (!k)
		return;
	CHECK_STR(described(k, "ppp"), "starting");
	pppd_says(k, true, "event=hello\nversion=1\n\n"
		  "event=phase\nphase=authenticate\n\n");
	/* written after the records, read with the log's event alone */
	pppd_says(k, false, "Peer admin authenticated with CHAP\n"
		  "remote IP address 10.9.9.10\n");
	call_pppd_output(k);
	CHECK(k->reported);
	CHECK_STR(k->user, "");
	CHECK(!k->ppp_up && k->remote_ip == inet_addr("192.168.0.10"));
	CHECK_STR(described(k, "ppp"), "authenticate");
	CHECK_STR(described(k, "user"), "");

	pppd_says(k, true, "event=auth\nuser=admin authenticated with CHAP\n\n"
		  "event=phase\nphase=network\n\n");
	pppd_says(k, false, "Peer admin authenticated with CHAP\n");
	call_pppd_output(k);
	CHECK_STR(k->user, "admin authenticated with CHAP");
	CHECK_STR(described(k, "user"), "admin authenticated with CHAP");

	/* addresses: IPCP's, not the pool's nor the log's */
	pppd_says(k, false, "local  IP address 10.9.9.9\n"
		  "remote IP address 10.9.9.10\n");
	pppd_says(k, true, "event=ip_up\nlocal_ip=192.168.0.1\n"
		  "remote_ip=192.168.7.7\n\nevent=phase\nphase=running\n\n");
	call_pppd_report(k);
	call_pppd_output(k);
	CHECK(k->ppp_up);
	CHECK_STR(described(k, "ppp"), "up");
	CHECK_STR(described(k, "local_ip"), "192.168.0.1");
	CHECK_STR(described(k, "remote_ip"), "192.168.7.7");

	/* a bad record changes nothing, not even in part */
	pppd_says(k, true, "event=auth\nuser=mallory\nuser=eve\n\n"
		  "event=ip_up\nlocal_ip=1.1.1.1\nremote_ip=1.1.1.x\n\n");
	call_pppd_report(k);
	CHECK(k->rep && k->rep->bad == 2);
	CHECK_STR(k->user, "admin authenticated with CHAP");
	CHECK_STR(described(k, "remote_ip"), "192.168.7.7");

	pppd_says(k, true, "event=ip_down\n\nevent=phase\nphase=terminate\n\n");
	call_pppd_report(k);
	CHECK(!k->ppp_up);
	CHECK_STR(described(k, "ppp"), "terminate");
	fake_pppd_exit(k);
	fake_batch_end();
	CHECK(kd.ncalls == 0);
	close(fd);
	fake_daemon_free();
}

/* A kpptp.so that does not report: the log is read, as before, but a
 * failed authentication does not name a user; records without a hello
 * first are not believed either. */
TEST(pppd_log_without_reports)
{
	struct call *k;
	int fd;

	k = call_with_pppd(&fd, false);
	if (!k)
		return;
	pppd_says(k, false, "Peer admin authenticated with CHAP failed CHAP authentication\n");
	call_pppd_output(k);
	CHECK_STR(k->user, "");
	pppd_says(k, true, "event=auth\nuser=mallory\n\n");
	pppd_says(k, false, "Peer alice authenticated with MS-CHAP-v2\n"
		  "local  IP address 192.168.0.1\nremote IP address 192.168.0.10\n");
	call_pppd_output(k);
	CHECK(!k->reported && k->rep && k->rep->bad == 1);
	CHECK_STR(k->user, "alice");
	CHECK(k->ppp_up);
	CHECK_STR(described(k, "ppp"), "up");
	fake_pppd_exit(k);
	fake_batch_end();
	close(fd);
	fake_daemon_free();
}

/* ------------------------------------------------------------ relay */

/*
 * A relay: the client (a socketpair, *cfd) asks for call 5 with phone
 * "555-1"; the next hop is a listener on 127.0.0.1 (*lfd) whose accepted
 * end is *hfd.  @answer: the next hop shakes hands and the test sees its
 * OCRQ in rx[]; the client's connection in *c, the next hop's in *o.
 */
static struct pptp_msg relay_ocrq;
static bool relay_nobody;	/* nobody listens at the next hop */

/* TCP over loopback: give it a moment before the daemon reads */
static void hop_send(int fd, struct conn *o, const struct pptp_msg *m)
{
	put(fd, m);
	usleep(10000);
	conn_event(o, EPOLLIN);
}

static bool relay_setup(int *lfd, int *cfd, int *hfd, struct conn **c,
			struct conn **o, bool answer)
{
	struct pptp_msg m = ocrq(5);
	char conf[256];
	uint16_t port;
	int filler;

	*hfd = -1;
	*lfd = listener(false, &port, &filler);
	CHECK(*lfd >= 0);
	if (relay_nobody) {	/* the port stays free: connection refused */
		close(*lfd);
		*lfd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	}
	snprintf(conf, sizeof(conf),
		 "relay phone 999 to 10.9.9.9\nrelay default to 127.0.0.1:%u\n"
		 POOL, port);
	CHECK(fake_daemon_init(conf) == 0);
	*cfd = up(0, c);
	snprintf(m.ocrq.phone, sizeof(m.ocrq.phone), "555-1");
	peer_send(*cfd, *c, &m);
	peer_read(*cfd);
	/* not answered yet: the kernel call waits, the next hop is dialled */
	CHECK(!got(PPTP_OCRP) && fake_kernel_calls == 1);
	*o = kd.conns;
	CHECK(*o && *o != *c && (*o)->relay_hop && (*o)->connecting);
	if (!*o || *o == *c)
		return false;
	CHECK(kd.conf.remote.inuse == 0);	/* no pool address taken */
	if (!answer)
		return true;
	*hfd = accept4(*lfd, NULL, NULL, SOCK_NONBLOCK);
	CHECK(*hfd >= 0);
	/* no Nagle wait for the daemon's delayed ACK between our messages */
	setsockopt(*hfd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
	conn_event(*o, EPOLLOUT);
	usleep(10000);
	peer_read(*hfd);
	CHECK(got(PPTP_SCCRQ) != NULL);
	m = msg(PPTP_SCCRP);
	m.sccrp.version = PPTP_VERSION;
	m.sccrp.result = PPTP_SCCRP_OK;
	hop_send(*hfd, *o, &m);
	usleep(10000);
	peer_read(*hfd);
	CHECK(got(PPTP_OCRQ) != NULL);
	if (!got(PPTP_OCRQ))
		return false;
	relay_ocrq = *got(PPTP_OCRQ);
	/* the client's number goes on */
	CHECK_STR(relay_ocrq.ocrq.phone, "555-1");
	CHECK(fake_kernel_calls == 2);
	return true;
}

/* The next hop answers our OCRQ with @result (call ID 900). */
static void hop_answers(int hfd, struct conn *o, unsigned int result)
{
	struct pptp_msg m = msg(PPTP_OCRP);

	m.ocrp.call_id = 900;
	m.ocrp.peer_call_id = relay_ocrq.ocrq.call_id;
	m.ocrp.result = (uint8_t)result;
	m.ocrp.window = 16;
	hop_send(hfd, o, &m);
	usleep(10000);
}

/* The client cleared: the next hop gets our Call-Clear-Request, answers
 * with a Call-Disconnect-Notify for its call 900, then gets our
 * Stop-Control-Connection-Request and answers it. */
static void hop_confirms_clear(int hfd, struct conn *o)
{
	struct pptp_msg m;

	peer_read(hfd);
	CHECK(got(PPTP_CCRQ) != NULL);
	m = msg(PPTP_CDN);
	m.cdn.call_id = 900;
	m.cdn.result = 3;
	hop_send(hfd, o, &m);
	usleep(10000);
	peer_read(hfd);
	CHECK(got(PPTP_STOPCCRQ) != NULL);
	m = msg(PPTP_STOPCCRP);
	m.stopccrp.reason = 1;
	hop_send(hfd, o, &m);
}

/* Nothing left once the batch ends but the client's connection. */
static void relay_nothing_left(const struct conn *c)
{
	fake_batch_end();
	CHECK(fake_kernel_calls == 0 && kd.ncalls == 0 && fake_splices == 0);
	CHECK(kd.nconns == 1 && kd.conns == c);
	CHECK(kd.redial_at == 0 && fake_pppd_running == 0);
	check_counts();
}

static void relay_teardown(int lfd, int cfd, int hfd)
{
	if (hfd >= 0)
		close(hfd);
	close(cfd);
	close(lfd);
	fake_daemon_free();
}

TEST(relay_splices_then_answers_and_client_clears)
{
	int lfd, cfd, hfd;
	struct conn *c, *o;
	struct call *in, *out;
	char id[8];

	if (!relay_setup(&lfd, &cfd, &hfd, &c, &o, true))
		return;
	hop_answers(hfd, o, PPTP_OCRP_CONNECTED);
	peer_read(cfd);
	CHECK(got(PPTP_OCRP) &&
	      got(PPTP_OCRP)->ocrp.result == PPTP_OCRP_CONNECTED);
	CHECK(fake_splices == 1 && fake_pppd_running == 0);
	in = call_of(5);
	out = call_of(900);
	CHECK(in && out);
	if (!in || !out)
		return;
	snprintf(id, sizeof(id), "%u", out->id);
	CHECK_STR(described(in, "relay_call_id"), id);
	CHECK_STR(described(in, "ppp"), "relayed");
	CHECK(strstr(described(in, "relay"), "127.0.0.1:") != NULL);
	snprintf(id, sizeof(id), "%u", in->id);
	CHECK_STR(described(out, "relay_call_id"), id);
	CHECK(kd.calls_accepted == 1);
	/* the client clears: CDN to it, CCRQ to the next hop */
	clear(cfd, c, 5);
	CHECK(fake_splices == 0);
	hop_confirms_clear(hfd, o);
	CHECK(o->closed && !c->closed);
	relay_nothing_left(c);
	relay_teardown(lfd, cfd, hfd);
}

/* kpptpd.conf(5): a relayed user takes two calls against max-calls. */
TEST(relay_user_takes_two_calls)
{
	int lfd, cfd, hfd;
	struct conn *c, *o;
	struct pptp_msg m;

	if (!relay_setup(&lfd, &cfd, &hfd, &c, &o, true))
		return;
	hop_answers(hfd, o, PPTP_OCRP_CONNECTED);
	peer_read(cfd);
	CHECK(got(PPTP_OCRP) &&
	      got(PPTP_OCRP)->ocrp.result == PPTP_OCRP_CONNECTED);
	CHECK(kd.ncalls == 2);
	kd.conf.max_calls = 2;
	m = ocrq(6);
	peer_send(cfd, c, &m);
	peer_read(cfd);
	CHECK(got(PPTP_OCRP) &&
	      got(PPTP_OCRP)->ocrp.result == PPTP_OCRP_GENERAL);
	CHECK(kd.ncalls == 2 && kd.calls_refused == 1);
	/* the client clears, the next hop confirms and stops */
	clear(cfd, c, 5);
	hop_confirms_clear(hfd, o);
	relay_nothing_left(c);
	relay_teardown(lfd, cfd, hfd);
}

TEST(relay_next_hop_clears_the_client)
{
	int lfd, cfd, hfd;
	struct conn *c, *o;
	struct pptp_msg m;

	if (!relay_setup(&lfd, &cfd, &hfd, &c, &o, true))
		return;
	hop_answers(hfd, o, PPTP_OCRP_CONNECTED);
	peer_read(cfd);
	CHECK(fake_splices == 1);
	m = msg(PPTP_CDN);
	m.cdn.call_id = 900;
	m.cdn.result = 3;
	hop_send(hfd, o, &m);
	peer_read(cfd);
	CHECK(got(PPTP_CDN) && got(PPTP_CDN)->cdn.call_id != 0);
	peer_read(hfd);
	CHECK(got(PPTP_STOPCCRQ) != NULL);
	/* the next hop then goes away without StopCCRP */
	close(hfd);
	hfd = -1;
	conn_event(o, EPOLLIN);
	relay_nothing_left(c);
	relay_teardown(lfd, cfd, hfd);
}

TEST(relay_next_hop_drops_tcp)
{
	int lfd, cfd, hfd;
	struct conn *c, *o;

	if (!relay_setup(&lfd, &cfd, &hfd, &c, &o, true))
		return;
	hop_answers(hfd, o, PPTP_OCRP_CONNECTED);
	close(hfd);
	hfd = -1;
	conn_event(o, EPOLLIN);
	peer_read(cfd);
	CHECK(got(PPTP_CDN) != NULL);
	relay_nothing_left(c);
	relay_teardown(lfd, cfd, hfd);
}

static FILE *log_start(void)
{
	FILE *f = tmpfile();

	log_to_file(f);
	return f;
}

static void log_end(FILE *f)
{
	size_t n;

	log_to_file(getenv("KPPTP_TEST_LOG") ? stderr : NULL);
	rewind(f);
	n = fread(logbuf, 1, sizeof(logbuf) - 1, f);
	logbuf[n] = '\0';
	fclose(f);
}

TEST(relay_next_hop_refuses_the_call)
{
	int lfd, cfd, hfd;
	struct conn *c, *o;
	FILE *f;

	if (!relay_setup(&lfd, &cfd, &hfd, &c, &o, true))
		return;
	f = log_start();
	hop_answers(hfd, o, PPTP_OCRP_GENERAL);
	log_end(f);
	peer_read(cfd);
	CHECK(got(PPTP_OCRP) &&
	      got(PPTP_OCRP)->ocrp.result == PPTP_OCRP_GENERAL);
	CHECK(strstr(logbuf, "relay to 127.0.0.1:") &&
	      strstr(logbuf, "refused by the peer: result 2"));
	CHECK(kd.calls_refused == 1 && kd.calls_accepted == 0);
	/* our connection to it stops: nothing more to carry */
	peer_read(hfd);
	CHECK(got(PPTP_STOPCCRQ) != NULL);
	close(hfd);
	hfd = -1;
	conn_event(o, EPOLLIN);
	relay_nothing_left(c);
	relay_teardown(lfd, cfd, hfd);
}

/* "relay ... to l2tpv3": nothing to dial; spliced to the rule's first
 * session and answered at once; the client's clear ends both. */
TEST(relay_l2tp_answers_at_once_and_client_clears)
{
	struct pptp_msg m = ocrq(5);
	struct conn *c;
	struct call *in;
	int cfd;

	CHECK(fake_daemon_init("relay default to l2tpv3 tunnel 7 session 100-103 peer-session 200\n"
			       POOL) == 0);
	cfd = up(0, &c);
	peer_send(cfd, c, &m);
	peer_read(cfd);
	CHECK(got(PPTP_OCRP) &&
	      got(PPTP_OCRP)->ocrp.result == PPTP_OCRP_CONNECTED);
	CHECK(fake_splices == 1 && fake_kernel_calls == 1 && kd.nconns == 1);
	CHECK(fake_l2tp_session == 100 && kd.calls_accepted == 1);
	in = call_of(5);
	CHECK(in != NULL);
	if (in) {
		CHECK_STR(described(in, "relay"), "l2tpv3 tunnel 7");
		CHECK_STR(described(in, "relay_l2tp_session"), "100");
		CHECK_STR(described(in, "ppp"), "relayed");
	}
	clear(cfd, c, 5);
	relay_nothing_left(c);
	close(cfd);
	fake_daemon_free();
}

/* No free session (or no tunnel): the client is refused, the log says
 * why, nothing is left. */
TEST(relay_l2tp_failure_refuses_the_client)
{
	struct pptp_msg m = ocrq(5);
	struct conn *c;
	FILE *f;
	int cfd;

	CHECK(fake_daemon_init("relay default to l2tpv3 tunnel 7 session 100 peer-session 200\n"
			       POOL) == 0);
	cfd = up(0, &c);
	fake_splice_fails = true;
	f = log_start();
	peer_send(cfd, c, &m);
	log_end(f);
	peer_read(cfd);
	CHECK(got(PPTP_OCRP) &&
	      got(PPTP_OCRP)->ocrp.result == PPTP_OCRP_GENERAL);
	CHECK(strstr(logbuf, "relay to l2tpv3 tunnel 7: L2TP tunnel 7: faked failure") != NULL);
	CHECK(kd.calls_refused == 1 && kd.calls_accepted == 0);
	relay_nothing_left(c);
	close(cfd);
	fake_daemon_free();
}

TEST(relay_next_hop_refuses_tcp)
{
	int lfd, cfd, hfd;
	struct conn *c, *o;
	FILE *f;

	relay_nobody = true;
	if (!relay_setup(&lfd, &cfd, &hfd, &c, &o, false))
		return;
	relay_nobody = false;
	usleep(10000);
	f = log_start();
	conn_event(o, EPOLLOUT);
	log_end(f);
	peer_read(cfd);
	CHECK(got(PPTP_OCRP) &&
	      got(PPTP_OCRP)->ocrp.result == PPTP_OCRP_GENERAL);
	CHECK(strstr(logbuf, "relay to 127.0.0.1:") &&
	      strstr(logbuf, ": connect: Connection refused"));
	relay_nothing_left(c);
	relay_teardown(lfd, cfd, hfd);
}

TEST(relay_next_hop_silent)
{
	int lfd, cfd, hfd;
	struct conn *c, *o;

	if (!relay_setup(&lfd, &cfd, &hfd, &c, &o, true))
		return;
	/* no OCRP within call-timeout */
	fake_now += kd.conf.ctrl.call_ms;
	conn_timers(fake_now);
	peer_read(cfd);
	CHECK(got(PPTP_OCRP) &&
	      got(PPTP_OCRP)->ocrp.result == PPTP_OCRP_GENERAL);
	peer_read(hfd);
	CHECK(got(PPTP_STOPCCRQ) != NULL);
	fake_now += kd.conf.ctrl.stop_ms;
	conn_timers(fake_now);
	relay_nothing_left(c);
	relay_teardown(lfd, cfd, hfd);
}

TEST(relay_client_leaves_while_dialling)
{
	int lfd, cfd, hfd;
	struct conn *c, *o;

	if (!relay_setup(&lfd, &cfd, &hfd, &c, &o, false))
		return;
	close(cfd);
	conn_event(c, EPOLLIN);
	CHECK(c->closed && o->closed);
	fake_batch_end();
	CHECK(fake_kernel_calls == 0 && kd.ncalls == 0 && kd.nconns == 0);
	CHECK(kd.redial_at == 0);
	close(lfd);
	fake_daemon_free();
}

TEST(relay_client_leaves_once_spliced)
{
	int lfd, cfd, hfd;
	struct conn *c, *o;

	if (!relay_setup(&lfd, &cfd, &hfd, &c, &o, true))
		return;
	hop_answers(hfd, o, PPTP_OCRP_CONNECTED);
	close(cfd);
	conn_event(c, EPOLLIN);
	CHECK(fake_splices == 0);
	peer_read(hfd);
	CHECK(got(PPTP_CCRQ) != NULL);
	close(hfd);
	hfd = -1;
	conn_event(o, EPOLLIN);
	fake_batch_end();
	CHECK(fake_kernel_calls == 0 && kd.ncalls == 0 && kd.nconns == 0);
	close(lfd);
	fake_daemon_free();
}

TEST(relay_splice_failure_refuses_the_client)
{
	int lfd, cfd, hfd;
	struct conn *c, *o;

	if (!relay_setup(&lfd, &cfd, &hfd, &c, &o, true))
		return;
	fake_splice_fails = true;
	hop_answers(hfd, o, PPTP_OCRP_CONNECTED);
	peer_read(cfd);
	CHECK(got(PPTP_OCRP) &&
	      got(PPTP_OCRP)->ocrp.result == PPTP_OCRP_GENERAL);
	peer_read(hfd);
	CHECK(got(PPTP_CCRQ) != NULL);
	close(hfd);
	hfd = -1;
	conn_event(o, EPOLLIN);
	relay_nothing_left(c);
	relay_teardown(lfd, cfd, hfd);
}

TEST(relay_rule_by_phone_and_unmatched_terminated)
{
	struct pptp_msg m = ocrq(7);
	struct conn *c;
	int fd;

	CHECK(fake_daemon_init("relay phone 999 to 10.9.9.9\n" POOL) == 0);
	fd = up(0, &c);
	/* no rule matches: served here, with pppd */
	CHECK(call(fd, c, 6) == PPTP_OCRP_CONNECTED);
	CHECK(fake_pppd_running == 1 && kd.nconns == 1);
	snprintf(m.ocrq.phone, sizeof(m.ocrq.phone), "999");
	peer_send(fd, c, &m);
	peer_read(fd);
	CHECK(!got(PPTP_OCRP) && kd.nconns == 2);
	CHECK(kd.conns->peer.sin_addr.s_addr == inet_addr("10.9.9.9"));
	close(fd);
	conn_event(c, EPOLLIN);
	fake_batch_end();
	CHECK(kd.nconns == 0 && fake_kernel_calls == 0);
	fake_daemon_free();
}

TEST(relay_client_clears_while_next_hop_answers)
{
	int lfd, cfd, hfd;
	struct conn *c, *o;
	struct pptp_msg m;

	if (!relay_setup(&lfd, &cfd, &hfd, &c, &o, true))
		return;
	/* our OCRQ is out, no OCRP yet: the client gives up */
	m = ccrq(5);
	peer_send(cfd, c, &m);
	peer_read(cfd);
	CHECK(got(PPTP_CDN) != NULL && !got(PPTP_OCRP));
	usleep(10000);
	peer_read(hfd);
	CHECK(got(PPTP_CCRQ) &&
	      got(PPTP_CCRQ)->ccrq.call_id == relay_ocrq.ocrq.call_id);
	CHECK(got(PPTP_STOPCCRQ) != NULL);
	/* a late OCRP finds nothing to splice */
	hop_answers(hfd, o, PPTP_OCRP_CONNECTED);
	CHECK(fake_splices == 0);
	close(hfd);
	hfd = -1;
	conn_event(o, EPOLLIN);
	relay_nothing_left(c);
	relay_teardown(lfd, cfd, hfd);
}

/* ---------------------------------------------- terminating relay */

/*
 * A gateway with a relay list naming alice@dept at a next hop we play
 * (@lfd), and the client's call 5 with its pppd (faked) reporting: the
 * client's call in *@in.
 */
static bool term_setup(int *lfd, int *cfd, struct conn **c, struct call **in)
{
	char list[128], err[256];
	uint16_t port;
	int filler;

	*lfd = listener(false, &port, &filler);
	CHECK(*lfd >= 0);
	CHECK(fake_daemon_init(POOL) == 0);
	snprintf(list, sizeof(list), "alice@dept 127.0.0.1:%u alice s3cret\n",
		 port);
	CHECK(rl_parse(&kd.conf.rl, "rl", list, err, sizeof(err)) == 0);
	*cfd = up(0, c);
	CHECK(call(*cfd, *c, 5) == PPTP_OCRP_CONNECTED);
	*in = call_of(5);
	CHECK(*in && (*in)->ipcp_held && fake_pppd_fd(*in, true) >= 0);
	if (!*in || fake_pppd_fd(*in, true) < 0)
		return false;
	pppd_says(*in, true, "event=hello\nversion=1\n\n");
	return true;
}

/* What kpptpd sent to the pppd of @k on its report socket. */
static const char *to_pppd(const struct call *k)
{
	static char buf[512];
	ssize_t n = read(fake_pppd_fd(k, true), buf, sizeof(buf) - 1);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

TEST(relay_terminating_names_without_realm_start_ipcp)
{
	struct conn *c;
	struct call *in;
	int lfd, cfd;

	if (!term_setup(&lfd, &cfd, &c, &in))
		return;
	pppd_says(in, true, "event=auth\nuser=bob\n\n");
	call_pppd_report(in);
	CHECK_STR(to_pppd(in), "event=ipcp_go\nlocal_ip=0.0.0.0\nremote_ip=0.0.0.0\n\n");
	CHECK(!in->relay && in->conn && kd.nconns == 1);
	/* once per call: a second auth (rechallenge) sends nothing */
	pppd_says(in, true, "event=auth\nuser=bob\n\nevent=phase\nphase=network\n\n");
	call_pppd_report(in);
	CHECK_STR(to_pppd(in), "");
	close(cfd);
	close(lfd);
	fake_daemon_free();
}

TEST(relay_terminating_unknown_realm_hangs_up)
{
	struct conn *c;
	struct call *in;
	int lfd, cfd;
	FILE *f;

	if (!term_setup(&lfd, &cfd, &c, &in))
		return;
	f = log_start();
	pppd_says(in, true, "event=auth\nuser=eve@elsewhere\n\n");
	call_pppd_report(in);
	log_end(f);
	CHECK(strstr(logbuf, "user \"eve@elsewhere\": no relay-list entry for its realm"));
	peer_read(cfd);
	CHECK(got(PPTP_CDN) != NULL);
	CHECK_STR(to_pppd(in), "");	/* IPCP never starts */
	fake_pppd_exit(in);
	fake_batch_end();
	CHECK(kd.ncalls == 0 && fake_kernel_calls == 0 && kd.nconns == 1);
	close(cfd);
	close(lfd);
	fake_daemon_free();
}

/*
 * The next hop refuses our login: our pppd there exits with pppd's status
 * 19 while our call is still up.  The pair's teardown ends the connection
 * to the next hop, which ended the call a second time before call_event()
 * was done with it: a double free, found in the guest.
 */
/*
 * term_setup(), then alice@dept authenticates and the gateway dials the
 * next hop (listening on *@lfd, its end *@hfd), whose call *@out answers:
 * our pppd for the next hop runs.  False (checked) when it went wrong.
 */
static bool term_out_up(int *lfd, int *cfd, struct conn **c,
			struct call **in, struct conn **o, struct call **out,
			int *hfd)
{
	struct pptp_msg m;

	if (!term_setup(lfd, cfd, c, in))
		return false;
	pppd_says(*in, true, "event=auth\nuser=alice@dept\n\n");
	call_pppd_report(*in);
	*o = kd.conns;
	CHECK(*o && *o != *c && (*o)->relay_hop);
	if (!*o || *o == *c)
		return false;
	*hfd = accept4(*lfd, NULL, NULL, SOCK_NONBLOCK);
	CHECK(*hfd >= 0);
	setsockopt(*hfd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
	conn_event(*o, EPOLLOUT);
	usleep(10000);
	peer_read(*hfd);
	CHECK(got(PPTP_SCCRQ) != NULL);
	m = msg(PPTP_SCCRP);
	m.sccrp.version = PPTP_VERSION;
	m.sccrp.result = PPTP_SCCRP_OK;
	hop_send(*hfd, *o, &m);
	usleep(10000);
	peer_read(*hfd);
	CHECK(got(PPTP_OCRQ) != NULL);
	if (!got(PPTP_OCRQ))
		return false;
	relay_ocrq = *got(PPTP_OCRQ);
	hop_answers(*hfd, *o, PPTP_OCRP_CONNECTED);
	/* our pppd logs in there */
	CHECK(fake_pppd_running == 2);
	*out = call_of(900);
	CHECK(*out && (*out)->pppd.pid);
	return *out != NULL;
}

/* Our pppd for the next hop says hello, and its IPCP is Opened with
 * 192.168.30.10 (ours there) and 192.168.30.1 (the final server's). */
static void next_hop_ipcp_opened(struct call *out)
{
	if (!out->reported)
		pppd_says(out, true, "event=hello\nversion=1\n\n");
	pppd_says(out, true, "event=ipcp_up\nlocal_ip=192.168.30.10\n"
		  "remote_ip=192.168.30.1\n\n");
	call_pppd_report(out);
}

/* Both pppd exit, the next hop goes: nothing is left. */
static void term_out_end(struct conn *o, struct call *in, struct call *out,
			 int lfd, int cfd, int hfd)
{
	fake_pppd_exit(out);
	fake_pppd_exit(in);
	close(hfd);
	conn_event(o, EPOLLIN);
	fake_batch_end();
	CHECK(kd.ncalls == 0 && fake_kernel_calls == 0 && fake_pppd_running == 0);
	check_counts();
	close(cfd);
	close(lfd);
	fake_daemon_free();
}

TEST(relay_terminating_refused_login_hangs_up_once)
{
	struct conn *c, *o;
	struct call *in, *out;
	int lfd, cfd, hfd;
	FILE *f;

	if (!term_out_up(&lfd, &cfd, &c, &in, &o, &out, &hfd))
		return;
	CHECK_STR(described(in, "relay_mode"), "terminating");
	CHECK_STR(described(in, "relay_user"), "alice");
	CHECK_STR(described(in, "ppp"), "starting");
	f = log_start();
	fake_pppd_exit_status(out, 19);
	log_end(f);
	CHECK(strstr(logbuf, "relay of user \"alice@dept\" to 127.0.0.1:") &&
	      strstr(logbuf, "failed: the next hop refused the login of \"alice\": hanging up"));
	peer_read(cfd);
	CHECK(got(PPTP_CDN) != NULL);
	peer_read(hfd);
	CHECK(got(PPTP_CDN) || got(PPTP_STOPCCRQ));
	fake_pppd_exit(in);
	close(hfd);
	conn_event(o, EPOLLIN);
	fake_batch_end();
	CHECK(kd.ncalls == 0 && fake_kernel_calls == 0 && fake_pppd_running == 0);
	CHECK(kd.nconns == 1 && kd.conns == c);
	check_counts();
	close(cfd);
	close(lfd);
	fake_daemon_free();
}

/* The client's IPCP starts when the next hop's is Opened (kpptp.so's
 * ipcp_up, before pppd's ip-pre-up script), with the pair swapped; the
 * ip_up after it sends nothing more. */
TEST(relay_terminating_ipcp_opened_starts_the_client)
{
	struct conn *c, *o;
	struct call *in, *out;
	int lfd, cfd, hfd;

	if (!term_out_up(&lfd, &cfd, &c, &in, &o, &out, &hfd))
		return;
	CHECK_STR(to_pppd(in), "");
	next_hop_ipcp_opened(out);
	CHECK_STR(to_pppd(in), "event=ipcp_go\nlocal_ip=192.168.30.1\n"
		  "remote_ip=192.168.30.10\n\n");
	pppd_says(out, true, "event=ip_up\nlocal_ip=192.168.30.10\n"
		  "remote_ip=192.168.30.1\n\n");
	call_pppd_report(out);
	CHECK(out->ppp_up);
	CHECK_STR(to_pppd(in), "");
	/* a second ipcp_up (IPCP renegotiated) sends nothing either */
	pppd_says(out, true, "event=ipcp_up\nlocal_ip=192.168.30.11\n"
		  "remote_ip=192.168.30.1\n\n");
	call_pppd_report(out);
	CHECK_STR(to_pppd(in), "");
	term_out_end(o, in, out, lfd, cfd, hfd);
}

/*
 * The client's side comes up first (the next hop's pppd still runs its
 * ip-pre-up script): it is held, then the pair routed once the next hop's
 * is up.  IPCP up again on either side (pppd puts its addresses back on
 * the interface) takes them off that side again; the routing goes with
 * the pair.  route.c is faked: fake_route_log says what was asked.
 */
TEST(relay_terminating_held_routed_readdressed)
{
	struct conn *c, *o;
	struct call *in, *out;
	int lfd, cfd, hfd;
	char want[256];
	unsigned int id;

	if (!term_out_up(&lfd, &cfd, &c, &in, &o, &out, &hfd))
		return;
	id = in->id;
	pppd_says(out, true, "event=hello\nversion=1\n\n"
		  "event=ifname\nifname=ppp2\n\n");
	call_pppd_report(out);
	next_hop_ipcp_opened(out);
	CHECK_STR(to_pppd(in), "event=ipcp_go\nlocal_ip=192.168.30.1\n"
		  "remote_ip=192.168.30.10\n\n");
	CHECK_STR(fake_route_log, "");

	/* the client's IPCP is up before the next hop's script ends */
	pppd_says(in, true, "event=ifname\nifname=ppp1\n\n"
		  "event=ip_up\nlocal_ip=192.168.30.1\n"
		  "remote_ip=192.168.30.10\n\n");
	call_pppd_report(in);
	CHECK(in->ppp_up && !out->ppp_up);
	snprintf(want, sizeof(want), "hold %u ppp1 192.168.30.1:192.168.30.10;",
		 id);
	CHECK_STR(fake_route_log, want);
	/* IPCP again while held: its addresses off again, still held */
	fake_route_log[0] = 0;
	pppd_says(in, true, "event=ip_down\n\nevent=ip_up\n"
		  "local_ip=192.168.30.1\nremote_ip=192.168.30.10\n\n");
	call_pppd_report(in);
	snprintf(want, sizeof(want), "off %u ppp1 192.168.30.1:192.168.30.10;",
		 id);
	CHECK_STR(fake_route_log, want);

	/* the next hop's side is up: the held pair is routed */
	fake_route_log[0] = 0;
	pppd_says(out, true, "event=ip_up\nlocal_ip=192.168.30.10\n"
		  "remote_ip=192.168.30.1\n\n");
	call_pppd_report(out);
	snprintf(want, sizeof(want), "up-held %u ppp1 192.168.30.1:192.168.30.10 "
		 "ppp2 192.168.30.10:192.168.30.1;", id);
	CHECK_STR(fake_route_log, want);
	CHECK_STR(to_pppd(in), "");	/* the go was sent once */

	/* IPCP again on the client's side, then on the next hop's */
	fake_route_log[0] = 0;
	pppd_says(in, true, "event=ip_down\n\nevent=ip_up\n"
		  "local_ip=192.168.30.1\nremote_ip=192.168.30.11\n\n");
	call_pppd_report(in);
	pppd_says(out, true, "event=ip_down\n\nevent=ip_up\n"
		  "local_ip=192.168.30.12\nremote_ip=192.168.30.1\n\n");
	call_pppd_report(out);
	snprintf(want, sizeof(want), "off %u ppp1 192.168.30.1:192.168.30.11;"
		 "off %u ppp2 192.168.30.12:192.168.30.1;", id, id);
	CHECK_STR(fake_route_log, want);

	/* the next hop's pppd goes: so does the pair and its routing */
	fake_route_log[0] = 0;
	fake_pppd_exit(out);
	snprintf(want, sizeof(want), "down %u;", id);
	CHECK_STR(fake_route_log, want);
	term_out_end(o, in, out, lfd, cfd, hfd);
}

/* The routing of the held side fails: the pair fails, nothing stays. */
TEST(relay_terminating_hold_fails_hangs_up)
{
	struct conn *c, *o;
	struct call *in, *out;
	int lfd, cfd, hfd;
	char want[128];
	FILE *f;

	if (!term_out_up(&lfd, &cfd, &c, &in, &o, &out, &hfd))
		return;
	next_hop_ipcp_opened(out);
	fake_route_fails = true;
	f = log_start();
	pppd_says(in, true, "event=ifname\nifname=ppp1\n\n"
		  "event=ip_up\nlocal_ip=192.168.30.1\n"
		  "remote_ip=192.168.30.10\n\n");
	call_pppd_report(in);
	log_end(f);
	CHECK(strstr(logbuf, "routing: faked failure") != NULL);
	/* the hold was undone by route_hold_in() itself: nothing more */
	snprintf(want, sizeof(want), "hold %u ppp1 192.168.30.1:192.168.30.10;",
		 in->id);
	CHECK_STR(fake_route_log, want);
	peer_read(cfd);
	CHECK(got(PPTP_CDN) != NULL);
	term_out_end(o, in, out, lfd, cfd, hfd);
}

/* A kpptp.so that does not send ipcp_up: the go comes with ip_up. */
TEST(relay_terminating_ip_up_alone_starts_the_client)
{
	struct conn *c, *o;
	struct call *in, *out;
	int lfd, cfd, hfd;

	if (!term_out_up(&lfd, &cfd, &c, &in, &o, &out, &hfd))
		return;
	pppd_says(out, true, "event=hello\nversion=1\n\n"
		  "event=ip_up\nlocal_ip=192.168.30.10\n"
		  "remote_ip=192.168.30.1\n\n");
	call_pppd_report(out);
	CHECK(out->ppp_up);
	CHECK_STR(to_pppd(in), "event=ipcp_go\nlocal_ip=192.168.30.1\n"
		  "remote_ip=192.168.30.10\n\n");
	term_out_end(o, in, out, lfd, cfd, hfd);
}
