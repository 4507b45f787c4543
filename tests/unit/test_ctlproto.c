// SPDX-License-Identifier: GPL-2.0
/*
 * The kpptpd control socket protocol: lib/ctlproto.c (the line codec, the
 * daemon's writer) and kpptpctl/daemon.c (the strict parsers of get
 * replies, set replies and monitor events, and reading records off a
 * socket in pieces).
 */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kpptpctl.h"
#include "unit.h"

static char why[256], msg[CP_VAL_MAX + 1];

/* A reply as kpptpd writes it: a daemon part, one connection, one call. */
static const char reply[] =
	"pid=812\n"
	"version=0.1\n"
	"uptime_ms=61000\n"
	"role=server\n"
	"listen=10.0.0.2:1723\n"
	"config=/tmp/kpptpd.conf\n"
	"connections=1\n"
	"calls=1\n"
	"max_connections=100\n"
	"max_per_source=4\n"
	"max_calls=100\n"
	"max_calls_per_connection=64\n"
	"max_call_rate=5\n"
	"max_calls_per_source=10\n"
	"max_invalid_messages=20\n"
	"idle_timeout_ms=60000\n"
	"conns_accepted=3\n"
	"conns_refused=1\n"
	"calls_accepted=2\n"
	"calls_refused=0\n"
	"refused_connections=0\n"
	"refused_max_per_source=1\n"
	"refused_conn_setup=0\n"
	"refused_max_calls=0\n"
	"refused_max_call_rate=0\n"
	"refused_max_calls_per_source=0\n"
	"refused_shutting_down=0\n"
	"refused_client_role=0\n"
	"refused_pool_exhausted=0\n"
	"refused_kernel=0\n"
	"refused_out_of_memory=0\n"
	"refused_relay=7\n"
	"reloads=1\n"
	"reloads_failed=1\n"
	"conn=3\n"
	"peer=10.0.0.1:40312\n"
	"local=10.0.0.2:1723\n"
	"role=server\n"
	"state=established\n"
	"uptime_ms=5000\n"
	"peer_hostname=host\\x0a\\x1b[31mred\n"
	"peer_vendor=linux\n"
	"echo_sent=2\n"
	"echo_replies=1\n"
	"echo_received=0\n"
	"echo_rtt_ms=3\n"
	"call=4711\n"
	"peer_call_id=32768\n"
	"call_state=up\n"
	"kernel_call_id=4711\n"
	"ifname=ppp0\n"
	"user=alice\n"
	"local_ip=192.168.200.1\n"
	"remote_ip=192.168.200.10\n"
	"pppd_pid=900\n"
	"ppp=up\n"
	"uptime_ms=4000\n"
	"call=4712\n"
	"peer_call_id=900\n"
	"call_state=up\n"
	"kernel_call_id=4712\n"
	"ppp=relayed\n"
	"uptime_ms=3000\n"
	"relay=10.0.1.3:1723\n"
	"relay_call_id=4713\n"
	"errno=0\n"
	"\n";

static int get(const char *text, struct kd_info *d)
{
	why[0] = '\0';
	return kd_parse_get(text, strlen(text), d, msg, sizeof(msg), why,
			    sizeof(why));
}

/* Every reason the daemon writes (cp_refusal_name()) is a key kpptpctl
 * reads into its place: a reason added on one side only fails here. */
TEST(refusal_keys_match_the_names)
{
	struct kd_info d;
	char text[2048];
	size_t len = 0;
	unsigned int i;

	len += (size_t)snprintf(text, sizeof(text), "pid=1\n");
	for (i = 0; i < CP_NREFUSALS; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"refused_%s=%u\n", cp_refusal_name(i),
					100 + i);
	snprintf(text + len, sizeof(text) - len, "errno=0\n\n");
	CHECK(get(text, &d) == 0);
	CHECK_STR(why, "");
	for (i = 0; i < CP_NREFUSALS; i++)
		CHECK(d.refused[i] == 100 + i);
	kd_info_free(&d);
}

TEST(codec_escapes_and_reads_back)
{
	struct cp_buf b;
	struct cp_pair p;
	char out[64];
	size_t used;

	cp_buf_init(&b, 1024);
	cp_put(&b, "peer_hostname", "%s", "a\\b\n\x7f\xc3\xa9 z");
	cp_end(&b);
	CHECK(!b.overflow);
	CHECK(b.len == strlen("peer_hostname=a\\x5cb\\x0a\\x7f\\xc3\\xa9 z\n\n"));
	CHECK(!memcmp(b.data, "peer_hostname=a\\x5cb\\x0a\\x7f\\xc3\\xa9 z\n\n",
		      b.len));
	CHECK(cp_next(b.data, b.len, &used, &p, why, sizeof(why)) == CP_PAIR);
	CHECK_STR(p.key, "peer_hostname");
	CHECK_STR(p.val, "a\\b\n\x7f\xc3\xa9 z");
	CHECK(cp_next(b.data + used, b.len - used, &used, &p, why,
		      sizeof(why)) == CP_END);
	cp_buf_free(&b);

	CHECK_STR(cp_escape("x\ty", out, sizeof(out)), "x\\x09y");
	/* truncated at a whole escape, never half of one */
	CHECK_STR(cp_escape("\x01\x02", out, 7), "\\x01");
}

TEST(codec_writer_is_bounded)
{
	struct cp_buf b;
	int i;

	cp_buf_init(&b, 100);
	for (i = 0; i < 20; i++)
		cp_put(&b, "key", "%d", i);
	CHECK(b.overflow);
	CHECK(b.len <= 100);
	cp_buf_free(&b);
}

TEST(codec_refuses_bad_lines)
{
	static const char *const bad[] = {
		"Key=1\n", "=1\n", "noequals\n", "k=\\x00\n", "k=\\q1\n",
		"k=\\x4\n", "k=a\tb\n", "k=\xc3\xa9\n",
		"k=\r\n",
		"a_key_that_is_longer_than_thirty_two=1\n",
	};
	struct cp_pair p;
	char line[CP_LINE_MAX + 10];
	size_t used, i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		CHECK(cp_next(bad[i], strlen(bad[i]), &used, &p, why,
			      sizeof(why)) == -1);
		CHECK(why[0]);
	}
	/* incomplete: more to come, unless it is already too long */
	CHECK(cp_next("get=1", 5, &used, &p, why, sizeof(why)) == CP_MORE);
	memset(line, 'a', sizeof(line));
	line[0] = 'k';
	line[1] = '=';
	CHECK(cp_next(line, sizeof(line), &used, &p, why, sizeof(why)) == -1);
	CHECK_HAS(why, "longer than");
	/* a value of CP_VAL_MAX + 1 bytes */
	memset(line, 'v', CP_VAL_MAX + 3);
	line[0] = 'k';
	line[1] = '=';
	line[CP_VAL_MAX + 3] = '\n';
	CHECK(cp_next(line, CP_VAL_MAX + 4, &used, &p, why, sizeof(why)) == -1);
	CHECK_HAS(why, "value of k longer than");

	CHECK(cp_uint("0", 0, 10, &(uint64_t){ 0 }) == 0);
	CHECK(cp_uint("010", 0, 100, &(uint64_t){ 0 }) == -1);
	CHECK(cp_uint("11", 0, 10, &(uint64_t){ 0 }) == -1);
	CHECK(cp_uint("18446744073709551616", 0, UINT64_MAX,
		      &(uint64_t){ 0 }) == -1);
	CHECK(cp_uint("", 0, 10, &(uint64_t){ 0 }) == -1);
	CHECK(cp_uint("-1", 0, 10, &(uint64_t){ 0 }) == -1);
}

TEST(get_reply_parsed)
{
	struct kd_info d;
	struct kd_call *k;
	struct kd_conn *c;
	struct in_addr a;

	CHECK(get(reply, &d) == 0);
	CHECK_STR(why, "");
	CHECK(d.pid == 812);
	CHECK_STR(d.role, "server");
	CHECK_STR(d.listen, "10.0.0.2:1723");
	CHECK(d.conns_refused == 1 && d.reloads_failed == 1);
	CHECK(d.refused[CP_REFUSED_MAX_PER_SOURCE] == 1 &&
	      d.refused[CP_REFUSED_RELAY] == 7 &&
	      d.refused[CP_REFUSED_CONNECTIONS] == 0);
	/* the table's keys are the names the daemon writes */
	for (unsigned int i = 0; i < CP_NREFUSALS; i++)
		CHECK(cp_refusal_name(i) != NULL);
	CHECK(cp_refusal_name(CP_NREFUSALS) == NULL);
	CHECK(d.max_calls_per_connection == 64 && d.max_call_rate == 5 &&
	      d.max_calls_per_source == 10 && d.max_invalid_messages == 20 &&
	      d.idle_timeout_ms == 60000);
	CHECK(d.nconns == 1);
	if (d.nconns != 1)
		return;
	c = &d.conns[0];
	CHECK(c->id == 3);
	CHECK_STR(c->peer, "10.0.0.1:40312");
	CHECK_STR(c->peer_hostname, "host\n\x1b[31mred");
	CHECK(c->echo_sent == 2 && c->echo_replies == 1 && c->echo_rtt_ms == 3);
	CHECK(c->ncalls == 2);
	if (c->ncalls != 2)
		return;
	/* a relayed call: its next hop and its pair */
	CHECK_STR(c->calls[1].relay, "10.0.1.3:1723");
	CHECK(c->calls[1].relay_call_id == 4713);
	CHECK_STR(c->calls[1].ppp, "relayed");
	CHECK(c->calls[0].relay[0] == '\0' && !c->calls[0].relay_call_id);
	k = &c->calls[0];
	CHECK(k->id == 4711 && k->peer_id == 32768 && k->kernel_id == 4711);
	CHECK_STR(k->ifname, "ppp0");
	CHECK_STR(k->user, "alice");
	inet_pton(AF_INET, "192.168.200.10", &a);
	CHECK(k->remote_ip == a.s_addr);
	CHECK(k->pppd_pid == 900);
	kd_info_free(&d);
}

TEST(get_reply_without_connections)
{
	struct kd_info d;

	CHECK(get("pid=1\nerrno=0\n\n", &d) == 0);
	CHECK(d.nconns == 0 && d.conns == NULL);
	CHECK(d.conns_accepted == 0);
	/* no connection has an RTT until one is reported */
	CHECK(get("pid=1\nconn=1\nerrno=0\n\n", &d) == 0);
	CHECK(d.nconns == 1 && d.conns[0].echo_rtt_ms == -1);
	kd_info_free(&d);
}

TEST(get_reply_refused_when_wrong)
{
	static const struct {
		const char *text, *why;
	} bad[] = {
		{ "pid=1\nfrob=2\nerrno=0\n\n", "unknown key frob in the daemon part" },
		{ "pid=1\npid=2\nerrno=0\n\n", "key pid given twice" },
		{ "pid=1\ncall=2\nerrno=0\n\n", "call outside a connection" },
		{ "pid=1\nconn=1\nfrob=1\nerrno=0\n\n", "unknown key frob in a connection" },
		{ "pid=1\nconn=1\ncall=1\npeer=x\nerrno=0\n\n", "unknown key peer in a call" },
		{ "pid=1\nconn=1\ncall=65536\nerrno=0\n\n", "call=65536: not a number up to 65535" },
		{ "pid=-1\nerrno=0\n\n", "pid=-1: not a number" },
		{ "pid=1\nconn=1\ncall=1\nremote_ip=300.1.1.1\nerrno=0\n\n", "not an IPv4 address" },
		{ "pid=1\nconn=1\nrole=serverxx\nerrno=0\n\n", "role: longer than 7 bytes" },
		{ "pid=1\nerrno=0\n", "reply cut short" },
		{ "pid=1\n\n", "reply without errno" },
		{ "pid=1\nerrno=0\npid=2\n\n", "pid after errno" },
		{ "pid=1\nerrno=0\n\nmore", "bytes after the reply" },
		{ "pid=1\nerrno=99999\n\n", "not an errno value" },
		{ "errno=0\n\n", "without the daemon's pid" },
	};
	struct kd_info d;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(get(bad[i].text, &d) == -1);
		CHECK_HAS(why, bad[i].why);
		CHECK(d.conns == NULL);
	}
}

TEST(daemon_errors_come_back)
{
	struct kd_info d;
	const char *r = "message=no call 9\nerrno=2\n\n";

	CHECK(get("message=too big\nerrno=90\n\n", &d) == 90);
	CHECK_STR(msg, "too big");
	CHECK(kd_parse_reply(r, strlen(r), msg, sizeof(msg), why,
			     sizeof(why)) == 2);
	CHECK_STR(msg, "no call 9");
	r = "errno=0\n\n";
	CHECK(kd_parse_reply(r, strlen(r), msg, sizeof(msg), why,
			     sizeof(why)) == 0);
	r = "pid=1\nerrno=0\n\n";
	CHECK(kd_parse_reply(r, strlen(r), msg, sizeof(msg), why,
			     sizeof(why)) == -1);
	CHECK_HAS(why, "unexpected key pid");
}

TEST(events_parsed_one_by_one)
{
	const char *text =
		"event=call_up\ntime=1700000000000\nconn=3\ncall=4711\n"
		"peer_call_id=0\npeer=10.0.0.1:40312\nlocal_ip=192.168.200.1\n"
		"remote_ip=192.168.200.10\npppd_pid=900\n\n"
		"event=reload\ntime=1\nresult=failed\nconfig=/x\n"
		"reason=/x:3: unknown directive \"frob\"\n\n"
		"event=conn_closed\ntime=2\nconn=3";
	struct kd_event ev;
	size_t used, off = 0;

	CHECK(kd_parse_event(text, strlen(text), &used, &ev, why,
			     sizeof(why)) == 1);
	CHECK_STR(ev.name, "call_up");
	CHECK(ev.conn == 3 && ev.call == 4711 && ev.peer_call_id == 0);
	CHECK(kd_event_has(&ev, "peer_call_id"));
	CHECK(!kd_event_has(&ev, "reason"));
	CHECK(ev.pppd_pid == 900);
	off += used;
	CHECK(kd_parse_event(text + off, strlen(text) - off, &used, &ev, why,
			     sizeof(why)) == 1);
	CHECK_STR(ev.name, "reload");
	CHECK_STR(ev.reason, "/x:3: unknown directive \"frob\"");
	CHECK(!kd_event_has(&ev, "conn"));
	off += used;
	/* the last one is not complete yet */
	CHECK(kd_parse_event(text + off, strlen(text) - off, &used, &ev, why,
			     sizeof(why)) == 0);
	CHECK(used == 0);
}

TEST(events_refused_when_wrong)
{
	static const struct {
		const char *text, *why;
	} bad[] = {
		{ "time=1\nevent=call_up\n\n", "must start with event=" },
		{ "event=frobbed\n\n", "unknown event frobbed" },
		{ "event=call_up\ncall=70000\n\n", "not a number up to 65535" },
		{ "event=call_up\nwhat=1\n\n", "unknown key what in an event" },
		{ "event=call_up\nconn=1\nconn=2\n\n", "given twice" },
		{ "event=call_up\nevent=call_up\n\n", "given twice" },
		{ "\n", "empty event record" },
	};
	struct kd_event ev;
	size_t used, i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		CHECK(kd_parse_event(bad[i].text, strlen(bad[i].text), &used,
				     &ev, why, sizeof(why)) == -1);
		CHECK_HAS(why, bad[i].why);
	}
}

/* Records arrive in pieces on a socket: each read gives a whole one. */
TEST(records_read_from_a_socket_in_pieces)
{
	struct kd_rbuf rb = { 0 };
	int sv[2];

	CHECK(!socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	CHECK(write(sv[0], "errno=0\n", 8) == 8);
	CHECK(write(sv[0], "\nevent=reload\ntime=1\n\nevent=re", 30) == 30);
	CHECK(kd_read_record(sv[1], &rb, 1000) == 1);
	CHECK(rb.scan == 9);
	rb.off = rb.scan;
	CHECK(kd_read_record(sv[1], &rb, 1000) == 1);
	CHECK(rb.scan - rb.off == 21);
	CHECK(!memcmp(rb.data + rb.off, "event=reload\ntime=1\n\n", 21));
	rb.off = rb.scan;
	CHECK(write(sv[0], "load\ntime=2\n\n", 13) == 13);
	CHECK(kd_read_record(sv[1], &rb, 1000) == 1);
	CHECK(!memcmp(rb.data + rb.off, "event=reload\ntime=2\n\n", 21));
	rb.off = rb.scan;
	close(sv[0]);
	CHECK(kd_read_record(sv[1], &rb, 1000) == 0);
	close(sv[1]);
	free(rb.data);
}
