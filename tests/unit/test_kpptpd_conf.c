// SPDX-License-Identifier: GPL-2.0
/*
 * kpptpd/conf.c: kpptpd.conf and pptpd.conf directives, the errors for bad
 * lines (file and line named, input quoted), and the address pools.
 */
#include <arpa/inet.h>
#include <string.h>

#include "conf.h"
#include "pppdlog.h"
#include "unit.h"

static char errbuf[512];

static int parse(struct conf *c, const char *text)
{
	conf_init(c);
	errbuf[0] = '\0';
	return conf_parse(c, "t.conf", text, errbuf, sizeof(errbuf));
}

TEST(pptpd_conf_accepted)
{
	struct conf c;

	CHECK(parse(&c,
		    "# pptpd.conf\n"
		    "option /etc/ppp/pptpd-options\n"
		    "logwtmp\n"
		    "  localip 192.168.0.1   # the server\n"
		    "remoteip 192.168.0.234-238,192.168.0.245\n"
		    "listen 10.0.0.2\n"
		    "connections 7\n"
		    "stimeout 15\n"
		    "noipparam\n"
		    "speed 115200\n") == 0);
	CHECK_STR(errbuf, "");
	CHECK_STR(c.option, "/etc/ppp/pptpd-options");
	CHECK(c.local.n == 1 && c.remote.n == 6);
	CHECK(c.remote.addr[4] == 0xc0a800ee && c.remote.addr[5] == 0xc0a800f5);
	CHECK(c.listen == inet_addr("10.0.0.2"));
	CHECK(c.max_conns == 7);
	CHECK(c.ctrl.handshake_ms == 15000);
	CHECK(!c.ipparam);
	conf_free(&c);
}

TEST(kpptpd_directives)
{
	struct conf c;

	CHECK(parse(&c,
		    "port 1724\nmax-per-source 2\nmax-calls 9\n"
		    "max-calls-per-connection 3\necho-interval 30\n"
		    "echo-timeout 5\nidle-timeout 600\ncall-timeout 20\n"
		    "window 32\nhostname vpn gw\npppd /usr/sbin/pppd\n"
		    "plugin /x/kpptp.so\nppp-arg logfile /tmp/l  debug\n"
		    "state-file /tmp/s\n") == 0);
	CHECK_STR(errbuf, "");
	CHECK(c.port == 1724 && c.max_per_source == 2 && c.max_calls == 9);
	CHECK(c.ctrl.max_calls == 3 && c.ctrl.echo_ms == 30000);
	CHECK(c.ctrl.echo_wait_ms == 5000 && c.ctrl.idle_ms == 600000);
	CHECK(c.ctrl.call_ms == 20000 && c.ctrl.window == 32);
	CHECK_STR(c.ctrl.host, "vpn gw");
	CHECK(c.nppp_args == 3);
	CHECK_STR(c.ppp_args[0], "logfile");
	CHECK_STR(c.ppp_args[1], "/tmp/l");
	CHECK_STR(c.ppp_args[2], "debug");
	CHECK_STR(c.state_file, "/tmp/s");
	conf_free(&c);
}

TEST(bad_lines_named)
{
	struct conf c;

	CHECK(parse(&c, "\n\nfrobnicate 1\n") == -1);
	CHECK_STR(errbuf, "t.conf:3: unknown directive \"frobnicate\"");
	conf_free(&c);
	CHECK(parse(&c, "localip 10.0.0\n") == -1);
	CHECK_HAS(errbuf, "t.conf:1: invalid localip \"10.0.0\"");
	conf_free(&c);
	CHECK(parse(&c, "remoteip 10.0.0.9-3\nlocalip 1.1.1.1\n") == -1);
	CHECK_HAS(errbuf, "t.conf:1: remoteip:");
	conf_free(&c);
	CHECK(parse(&c, "connections 0\n") == -1);
	CHECK_HAS(errbuf, "t.conf:1:");
	conf_free(&c);
	CHECK(parse(&c, "listen 1.2.3.4 5.6.7.8\n") == -1);
	CHECK_HAS(errbuf, "one value expected");
	conf_free(&c);
	CHECK(parse(&c, "noipparam yes\n") == -1);
	CHECK_STR(errbuf, "t.conf:1: noipparam takes no value");
	conf_free(&c);
	CHECK(parse(&c, "option\n") == -1);
	CHECK_STR(errbuf, "t.conf:1: option needs a value");
	conf_free(&c);
	CHECK(parse(&c, "remoteip 10.0.0.2\n") == -1);
	CHECK_STR(errbuf, "t.conf:0: remoteip without localip");
	conf_free(&c);
	CHECK(parse(&c, "delegate\n") == -1);
	conf_free(&c);
}

TEST(pools_pair_and_run_out)
{
	struct conf c;
	uint32_t l, r;
	int a, b;

	CHECK(parse(&c, "localip 10.1.0.1-2\nremoteip 10.2.0.1-2\n") == 0);
	a = pool_take(&c, &l, &r);
	CHECK(a == 0 && l == inet_addr("10.1.0.1") && r == inet_addr("10.2.0.1"));
	b = pool_take(&c, &l, &r);
	CHECK(b == 1 && l == inet_addr("10.1.0.2") && r == inet_addr("10.2.0.2"));
	CHECK(pool_take(&c, &l, &r) == -1);
	pool_put(&c, a);
	pool_put(&c, a);	/* twice: no effect */
	CHECK(c.remote.inuse == 1);
	CHECK(pool_take(&c, &l, &r) == 0 && r == inet_addr("10.2.0.1"));
	conf_free(&c);

	CHECK(parse(&c, "localip 10.1.0.1-2\nremoteip 10.2.0.1-5\n") == -1);
	CHECK_HAS(errbuf, "localip has 2 addresses for 5 remoteip addresses");
	conf_free(&c);
}

/* kpptpd/pppdlog.c: what pppd's log lines say about a call */
TEST(pppd_log_lines)
{
	static const struct {
		const char *line;
		int kind;
		const char *text;
	} lines[] = {
		{ "Using interface ppp0", PPPD_LOG_IFNAME, "ppp0" },
		{ "Renamed interface ppp0 to vpn-alice", PPPD_LOG_IFNAME, "vpn-alice" },
		{ "Peer alice authenticated with CHAP", PPPD_LOG_USER, "alice" },
		{ "Peer bob smith authenticated with MS-CHAP-v2", PPPD_LOG_USER, "bob smith" },
		{ "Peer x authenticated with y authenticated with PAP", PPPD_LOG_USER,
		  "x authenticated with y" },
		{ "PAP peer authentication succeeded for carol", PPPD_LOG_USER, "carol" },
		{ "CHAP peer authentication succeeded for \"dave\"", PPPD_LOG_USER, "dave" },
		{ "Peer  authenticated with CHAP", PPPD_LOG_OTHER, NULL },
		{ "rcvd [CHAP Response id=0x1 name = \"x\"] peer authentication succeeded for eve",
		  PPPD_LOG_OTHER, NULL },
		{ "peer from calling number 10.0.0.1 authorized", PPPD_LOG_OTHER, NULL },
		{ "Using interface ", PPPD_LOG_OTHER, NULL },
		{ "local  LL address fe80::1", PPPD_LOG_OTHER, NULL },
		{ "local  IP address 192.168.0.1", PPPD_LOG_LOCAL_IP, "192.168.0.1" },
		{ "remote IP address 192.168.0.20", PPPD_LOG_REMOTE_IP, "192.168.0.20" },
		{ "remote IP address 192.168.0.300", PPPD_LOG_OTHER, NULL },
		{ "remote IP address changed to 1.2.3.4", PPPD_LOG_OTHER, NULL },
	};
	char out[64], small[16], ip[INET_ADDRSTRLEN];
	uint32_t a;
	size_t i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		int kind = pppd_log_line(lines[i].line, out, sizeof(out), &a);

		CHECK(kind == lines[i].kind);
		if (kind != lines[i].kind)
			printf("    line \"%s\": %d\n", lines[i].line, kind);
		if (kind == PPPD_LOG_IFNAME || kind == PPPD_LOG_USER)
			CHECK_STR(out, lines[i].text);
		if (kind == PPPD_LOG_LOCAL_IP || kind == PPPD_LOG_REMOTE_IP)
			CHECK_STR(inet_ntop(AF_INET, &a, ip, sizeof(ip)),
				  lines[i].text);
	}
	/* cut to the buffer */
	CHECK(pppd_log_line("Peer a-very-long-user-name authenticated with PAP",
			    small, sizeof(small), &a) == PPPD_LOG_USER);
	CHECK_STR(small, "a-very-long-use");
}
