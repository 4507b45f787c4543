// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for kpptpd's connection and call handling: conn.c and
 * call.c with the state machine, netlink and pppd faked at their edges
 * (tests/unit/kpptpd_fake.c), up to three peers on socketpairs.  The input
 * is a configuration byte, then operations:
 *
 *	0 N BYTES...	the current peer sends N raw bytes
 *	1 T		T * 250 ms pass, the timers run
 *	2 I		pppd of the I-th call exits (then an event for
 *			its output pipe in the same batch)
 *	3		the current peer reads what it was sent
 *	4		kpptpctl disconnects the current connection
 *	5 I		kpptpctl disconnects the I-th call
 *	6 I		switch to peer I, connecting it if it has no connection
 *	7		the current peer closes its end
 *	8 TYPE A B R	the current peer sends a well-formed message of TYPE
 *			with call IDs A, B and result R
 *	9 W		a reload changes the window to W + 1
 *
 * Each operation ends an epoll batch (connections and calls reaped).
 * Checked after each: every count agrees with its list (ncalls never
 * wraps), a closed connection is in state closed, each call and its
 * connection slot point at each other, no call ended twice, no more pppd
 * running than max-calls; and at the
 * end, once all connections are gone and every pppd exited: every kernel
 * call made was deleted and had exactly one call_down, no pppd runs, the
 * pool is whole.  Built with CONN_OUT_MAX 1024 so that a peer that does
 * not read overflows soon.
 *
 *	make -C userspace fuzz && userspace/build/fuzz_kpptpd_conn -max_total_time=60
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "kpptpd_fake.h"

#define NPEERS 3

struct peer {
	int fd;			/* our end, -1 if none */
	uint32_t conn_id;	/* its connection, 0 once gone */
};

static struct peer peers[NPEERS];

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_kpptpd_conn: %s\n", what);
	abort();
}

static struct conn *conn_of(const struct peer *p)
{
	return p->conn_id ? conn_find(p->conn_id) : NULL;
}

static void check(void)
{
	const struct conn *c;
	const struct call *k;
	unsigned int i, n;

	if (kd.ncalls != fake_ncalls_listed())
		fail("kd.ncalls is not the number of calls");
	if (fake_call_down_events > fake_calls_made)
		fail("more call_down events than calls");
	/* a call counts until its pppd is reaped */
	if (fake_pppd_running > kd.conf.max_calls ||
	    fake_kernel_calls > kd.conf.max_calls)
		fail("more pppd or kernel calls than max-calls");
	for (c = kd.conns; c; c = c->next) {
		if (c->closed != (c->ctrl.state == PPTP_CTRL_CLOSED))
			fail("closed and the state machine's state disagree");
		for (i = n = 0; i < c->ctrl.cfg.max_calls; i++) {
			n += c->ctrl.calls[i].state != PPTP_CALL_FREE;
			k = c->calls[i];
			if (!k)
				continue;
			if (k->conn != c || k->slot != (int)i || k->dead)
				fail("a connection's slot names another call");
			if (c->ctrl.calls[i].state == PPTP_CALL_FREE)
				fail("a free slot holds a call");
		}
		if (n != c->ctrl.ncalls || n > c->ctrl.cfg.max_calls)
			fail("pptp_ctrl ncalls is not its calls");
	}
	for (k = kd.calls; k; k = k->next) {
		if (k->dead)
			fail("a freed call is listed");
		if (k->conn && k->conn->calls[k->slot] != k)
			fail("a call's connection does not know it");
	}
}

static void batch_end(void)
{
	const struct conn *c;

	/* before the reap: closed ones are still there to look at */
	for (c = kd.conns; c; c = c->next)
		if (c->closed && c->ctrl.state != PPTP_CTRL_CLOSED)
			fail("a closed connection went back to a live state");
	fake_batch_end();
	check();
}

static struct call *nth_call(unsigned int i, bool with_pppd, bool with_conn)
{
	unsigned int n = 0;
	struct call *k;

	for (k = kd.calls; k; k = k->next)
		if ((!with_pppd || k->pppd.pid) && (!with_conn || k->conn))
			n++;
	if (!n)
		return NULL;
	i %= n;
	for (k = kd.calls; k; k = k->next)
		if ((!with_pppd || k->pppd.pid) && (!with_conn || k->conn) &&
		    !i--)
			return k;
	return NULL;
}

static void send_raw(struct peer *p, const uint8_t *b, size_t n)
{
	struct conn *c = conn_of(p);

	if (p->fd < 0 || !c)
		return;
	if (write(p->fd, b, n) < 0)
		return;
	conn_event(c, EPOLLIN);
}

static void send_msg(struct peer *p, uint8_t type, uint8_t a, uint8_t b,
		     uint8_t r)
{
	uint8_t buf[PPTP_MSG_MAX];
	struct pptp_msg m;
	size_t n;

	pptp_msg_init(&m, (unsigned int)type % 15 + 1);
	switch (m.type) {
	case PPTP_SCCRQ:
	case PPTP_SCCRP:
		m.sccrq.version = r & 0x80 ? 0x0200 : PPTP_VERSION;
		m.sccrq.result = 1 + r % 2;
		m.sccrq.framing = m.sccrq.bearer = 3;
		snprintf(m.sccrq.host, sizeof(m.sccrq.host), "h\n%c", a);
		break;
	case PPTP_STOPCCRQ:
	case PPTP_STOPCCRP:
		m.stopccrq.reason = 1 + r % 3;
		break;
	case PPTP_ECHORQ:
	case PPTP_ECHORP:
		m.echorq.id = a;
		m.echorq.result = 1 + r % 2;
		break;
	case PPTP_OCRQ:
		m.ocrq.call_id = a;
		m.ocrq.bearer = m.ocrq.framing = 3;
		m.ocrq.window = b;
		break;
	case PPTP_OCRP:
		m.ocrp.call_id = a;
		m.ocrp.peer_call_id = b;
		m.ocrp.result = 1 + r % 7;
		break;
	case PPTP_ICRQ:
		m.icrq.call_id = a;
		m.icrq.bearer = 3;
		break;
	case PPTP_ICRP:
		m.icrp.call_id = a;
		m.icrp.peer_call_id = b;
		m.icrp.result = 1 + r % 3;
		break;
	case PPTP_ICCN:
		m.iccn.peer_call_id = b;
		m.iccn.framing = 3;
		break;
	case PPTP_CCRQ:
		m.ccrq.call_id = a;
		break;
	case PPTP_CDN:
		m.cdn.call_id = a;
		m.cdn.result = 1 + r % 4;
		break;
	case PPTP_WEN:
		m.wen.peer_call_id = b;
		break;
	case PPTP_SLI:
		m.sli.peer_call_id = b;
		break;
	}
	n = pptp_msg_encode(&m, buf, sizeof(buf));
	if (n)
		send_raw(p, buf, n);
}

static void peer_read(struct peer *p)
{
	uint8_t buf[4096];

	if (p->fd >= 0)
		while (read(p->fd, buf, sizeof(buf)) > 0)
			;
}

static void peer_connect(struct peer *p, unsigned int i)
{
	struct conn *c;

	if (conn_of(p))
		return;
	if (p->fd >= 0)
		close(p->fd);
	p->conn_id = 0;
	/* peers 0 and 1 share a source address */
	p->fd = fake_connect(htonl(0x0a000001 + (i == 2)), &c);
	if (p->fd >= 0)
		p->conn_id = c->id;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char conf[512];
	struct peer *p = &peers[0];
	size_t off = 1;
	unsigned int i;
	uint8_t cf;

	if (!size)
		return 0;
	cf = data[0];
	snprintf(conf, sizeof(conf),
		 "%s\nmax-calls %u\nmax-call-rate %u\nconnections %u\n"
		 "max-invalid-messages %u\nmax-calls-per-connection 3\n"
		 "max-calls-per-source 4\nmax-per-source 2\n"
		 "echo-interval 1\necho-timeout 1\nidle-timeout 5\n"
		 "call-timeout 2\nhandshake-timeout 2\n"
		 "localip 10.9.0.1\nremoteip 10.9.0.10-13\n",
		 cf & 1 ? "pppd none" : "pppd /usr/sbin/pppd",
		 cf & 2 ? 2 : 100, cf & 4 ? 2 : 0, cf & 8 ? 2 : 3,
		 cf & 16 ? 0 : 8);
	if (fake_daemon_init(conf))
		abort();
	for (i = 0; i < NPEERS; i++)
		peers[i] = (struct peer){ .fd = -1 };
	peer_connect(p, 0);

	while (off < size) {
		uint8_t op = data[off++] % 10;
		uint8_t arg = off < size ? data[off] : 0;
		struct conn *c = conn_of(p);
		struct call *k;

		switch (op) {
		case 0: {
			size_t n = arg;

			off++;
			if (n > size - off)
				n = size - off;
			send_raw(p, data + off, n);
			off += n;
			break;
		}
		case 1:
			off++;
			fake_now += 250u * arg;
			conn_timers(fake_now);
			break;
		case 2:
			off++;
			k = nth_call(arg, true, false);
			if (!k)
				break;
			fake_pppd_exit(k);
			/* its output pipe's event, later in the same batch */
			call_pppd_output(k);
			call_event(k);
			break;
		case 3:
			peer_read(p);
			break;
		case 4:
			if (c)
				conn_disconnect(c);
			break;
		case 5:
			off++;
			k = nth_call(arg, false, true);
			if (k)
				conn_call_disconnect(k);
			break;
		case 6:
			off++;
			p = &peers[arg % NPEERS];
			peer_connect(p, arg % NPEERS);
			break;
		case 7:
			if (p->fd >= 0) {
				close(p->fd);
				p->fd = -1;
			}
			if (c)
				conn_event(c, EPOLLIN);
			break;
		case 8:
			if (off + 4 <= size)
				send_msg(p, data[off], data[off + 1],
					 data[off + 2], data[off + 3]);
			off += 4;
			break;
		case 9:
			off++;
			kd.conf.ctrl.window = (uint16_t)(arg + 1);
			break;
		}
		batch_end();
	}

	/* the end: every connection goes, every pppd exits */
	conn_stop_all();
	for (i = 0; i < NPEERS; i++) {
		struct conn *c = conn_of(&peers[i]);

		if (c)
			pptp_ctrl_abort(&c->ctrl, "end");
	}
	batch_end();
	while (kd.calls && kd.calls->pppd.pid && !kd.calls->conn) {
		fake_pppd_exit(kd.calls);
		batch_end();
	}
	if (kd.conns || kd.calls || kd.ncalls)
		fail("connections or calls left at the end");
	if (fake_kernel_calls || fake_pppd_running)
		fail("kernel calls or pppd left at the end");
	if (fake_call_down_events != fake_calls_made)
		fail("a call did not have exactly one call_down");
	if (kd.conf.remote.inuse)
		fail("pool addresses left in use");
	for (i = 0; i < NPEERS; i++)
		if (peers[i].fd >= 0)
			close(peers[i].fd);
	fake_daemon_free();
	return 0;
}
