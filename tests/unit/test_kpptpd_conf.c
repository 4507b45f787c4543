// SPDX-License-Identifier: GPL-2.0
/*
 * kpptpd/conf.c: kpptpd.conf and pptpd.conf directives, the errors for bad
 * lines (file and line named, input quoted), and the address pools.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
	CHECK(c.remote.n == 6 && c.remote.addr[4] == 0xc0a800ee &&
	      c.remote.addr[5] == 0xc0a800f5);
	CHECK(c.listen == inet_addr("10.0.0.2"));
	CHECK(c.max_conns == 7);
	CHECK(c.ctrl.handshake_ms == 15000);
	CHECK(!c.ipparam);
	CHECK(c.logwtmp);
	conf_free(&c);
}

/* Each pptpd.conf(5) directive: done as pptpd does, or refused saying
 * what to do, never taken and dropped. */
static bool has_note(const struct conf *c, const char *what)
{
	unsigned int i;

	for (i = 0; i < c->nnotes; i++)
		if (strstr(c->notes[i], what))
			return true;
	return false;
}

TEST(pptpd_ppp_is_the_pppd_path)
{
	struct conf c;

	CHECK(parse(&c, "ppp /opt/ppp/sbin/pppd\n") == 0);
	CHECK_STR(c.pppd, "/opt/ppp/sbin/pppd");
	CHECK(!c.no_pppd);
	conf_free(&c);
	/* the last one wins, as with pppd */
	CHECK(parse(&c, "pppd none\nppp /usr/sbin/pppd\n") == 0);
	CHECK_STR(c.pppd, "/usr/sbin/pppd");
	CHECK(!c.no_pppd);
	conf_free(&c);
}

TEST(pptpd_logwtmp_runs_the_wtmp_plugin)
{
	struct conf c;

	CHECK(parse(&c, "localip 10.0.0.1\nremoteip 10.0.0.2\n") == 0);
	CHECK(!c.logwtmp);
	CHECK(conf_check_files(&c, errbuf, sizeof(errbuf)) == 0);
	conf_free(&c);
	CHECK(parse(&c, "logwtmp\n") == 0);
	CHECK(c.logwtmp);
	CHECK_STR(c.logwtmp_plugin, "/usr/lib/pptpd/pptpd-logwtmp.so");
	conf_free(&c);
	CHECK(parse(&c, "logwtmp\nlogwtmp-plugin /nonexistent/wtmp.so\n") == 0);
	CHECK(conf_check_files(&c, errbuf, sizeof(errbuf)) == -1);
	CHECK_HAS(errbuf, "logwtmp: pptpd's pppd plugin /nonexistent/wtmp.so: No such file");
	CHECK_HAS(errbuf, "install pptpd");
	conf_free(&c);
	CHECK(parse(&c, "logwtmp\nlogwtmp-plugin /dev/null\n") == 0);
	CHECK(conf_check_files(&c, errbuf, sizeof(errbuf)) == 0);
	conf_free(&c);
	CHECK(parse(&c, "logwtmp\nnologwtmp\n") == 0);
	CHECK(!c.logwtmp);
	conf_free(&c);
}

TEST(pptpd_pidfile)
{
	struct conf c;

	CHECK(parse(&c, "\n") == 0);
	CHECK(c.pidfile == NULL);
	conf_free(&c);
	CHECK(parse(&c, "pidfile /run/pptpd.pid\n") == 0);
	CHECK_STR(errbuf, "");
	CHECK_STR(c.pidfile, "/run/pptpd.pid");
	conf_free(&c);
}

TEST(pptpd_default_pools)
{
	struct conf c;
	uint32_t l, r;

	/* Debian's pptpd.conf has localip and remoteip commented out */
	CHECK(parse(&c, "option /etc/ppp/pptpd-options\nlogwtmp\n") == 0);
	CHECK(c.local.n == 100 && c.remote.n == 100);
	CHECK(c.local.n == 100 && c.local.addr[0] == 0xc0a80001 &&
	      c.local.addr[99] == 0xc0a80064);
	CHECK(c.remote.n == 100 && c.remote.addr[0] == 0xc0a80101 &&
	      c.remote.addr[99] == 0xc0a80164);
	CHECK(pool_take(&c, &l, &r) == 0);
	CHECK(l == inet_addr("192.168.0.1") && r == inet_addr("192.168.1.1"));
	CHECK(has_note(&c, "no localip: 192.168.0.1-100, pptpd's default"));
	CHECK(has_note(&c, "no remoteip: 192.168.1.1-100, pptpd's default"));
	conf_free(&c);
	/* one given: the other is the default */
	CHECK(parse(&c, "remoteip 10.0.0.5-6\n") == 0);
	CHECK(c.remote.n == 2 && c.local.n == 100);
	CHECK(!has_note(&c, "no remoteip"));
	conf_free(&c);
	/* the client role has no pools */
	CHECK(parse(&c, "connect 10.0.0.1\n") == 0);
	CHECK(c.local.n == 0 && c.remote.n == 0 && c.nnotes == 0);
	conf_free(&c);
}

/* Found by fuzz_kpptpd_conf: a client role with remoteip and no localip
 * made pool_take() read a NULL local pool on the first call. */
TEST(pptpd_client_role_has_no_pools)
{
	struct conf c;
	uint32_t l, r;

	CHECK(parse(&c, "connect 10.0.0.1\nremoteip 10.1.2.3-9\n") == 0);
	CHECK(c.local.n == 0 && c.remote.n == 0);
	CHECK(has_note(&c, "connect: localip and remoteip ignored"));
	CHECK(pool_take(&c, &l, &r) == -1);
	conf_free(&c);
	CHECK(parse(&c, "localip 10.0.0.1\nconnect 10.0.0.1\n") == 0);
	CHECK(c.local.n == 0 && c.remote.n == 0);
	conf_free(&c);
}

TEST(pptpd_delegate)
{
	struct conf c;
	uint32_t l, r;

	CHECK(parse(&c, "delegate\n") == 0);
	CHECK(c.delegate && c.local.n == 0 && c.remote.n == 0);
	CHECK(pool_take(&c, &l, &r) == -1);
	CHECK(c.nnotes == 0);
	conf_free(&c);
	CHECK(parse(&c, "localip 10.0.0.1\nremoteip 10.0.0.2-9\ndelegate\n") == 0);
	CHECK(c.local.n == 0 && c.remote.n == 0);
	CHECK(has_note(&c, "delegate: localip and remoteip ignored"));
	conf_free(&c);
	CHECK(parse(&c, "delegate yes\n") == -1);
	CHECK_STR(errbuf, "t.conf:1: delegate takes no value");
	conf_free(&c);
}

TEST(pptpd_range_in_any_octet)
{
	struct conf c;

	CHECK(parse(&c, "localip 192.168.0-255.1\nremoteip 192.168.0-255.2\n") == 0);
	CHECK_STR(errbuf, "");
	CHECK(c.remote.n == 256 && c.local.n == 256);
	CHECK(c.remote.n == 256 && c.remote.addr[0] == 0xc0a80002 &&
	      c.remote.addr[1] == 0xc0a80102 && c.remote.addr[255] == 0xc0a8ff02);
	conf_free(&c);
	CHECK(parse(&c, "localip 10.0.0.1\nremoteip 10.1-2.0.7,10.0.0.5-6\n") == 0);
	CHECK(c.remote.n == 4 && c.remote.addr[1] == 0x0a020007 &&
	      c.remote.addr[3] == 0x0a000006);
	conf_free(&c);
	CHECK(parse(&c, "localip 10.0.0.1\nremoteip 10.0-1.0.1-2\n") == -1);
	CHECK_HAS(errbuf, "t.conf:2: remoteip: \"10.0-1.0.1-2\" is not a range");
	conf_free(&c);
	CHECK(parse(&c, "localip 10.0.0.1\nremoteip 10.0.9-3.1\n") == -1);
	CHECK_HAS(errbuf, "t.conf:2: remoteip: range \"10.0.9-3.1\" runs backwards");
	conf_free(&c);
	CHECK(parse(&c, "remoteip 10.0.0.1-256\n") == -1);
	CHECK_HAS(errbuf, "is not a range");
	conf_free(&c);
}

/* the resolver the tests use: one name known */
static int fake_resolve(const char *name, uint32_t *be, char *err, size_t len)
{
	if (!strcmp(name, "vpn.example")) {
		*be = inet_addr("10.9.8.7");
		return 0;
	}
	snprintf(err, len, "Name or service not known");
	return -1;
}

/* Whether this system's resolver maps "localhost" to 127.0.0.1. */
static bool localhost_resolves(void)
{
	struct addrinfo hints = { .ai_family = AF_INET }, *res = NULL;
	bool ok;

	if (getaddrinfo("localhost", NULL, &hints, &res))
		return false;
	ok = ((struct sockaddr_in *)res->ai_addr)->sin_addr.s_addr ==
	     inet_addr("127.0.0.1");
	freeaddrinfo(res);
	return ok;
}

TEST(host_names_resolved)
{
	conf_resolve_fn *saved = conf_resolve;
	struct conf c;

	conf_resolve = fake_resolve;
	CHECK(parse(&c, "listen vpn.example\nlocalip vpn.example\n"
			"remoteip 10.0.0.5,vpn.example\n") == 0);
	CHECK_STR(errbuf, "");
	CHECK(c.listen == inet_addr("10.9.8.7"));
	CHECK(c.local.n == 1 && c.local.addr[0] == 0x0a090807);
	CHECK(c.remote.n == 2 && c.remote.addr[1] == 0x0a090807);
	conf_free(&c);
	CHECK(parse(&c, "connect vpn.example\n") == 0);
	CHECK(c.connect == inet_addr("10.9.8.7"));
	conf_free(&c);
	CHECK(parse(&c, "connect nowhere.example\n") == -1);
	CHECK_STR(errbuf, "t.conf:1: server address \"nowhere.example\": no IPv4 address for this host name: Name or service not known");
	conf_free(&c);
	/* not a host name: the address error as before */
	CHECK(parse(&c, "connect 10.0.0\n") == -1);
	CHECK_HAS(errbuf, "invalid server address \"10.0.0\"");
	conf_free(&c);
	conf_resolve = saved;
	/* the real resolver, where /etc/hosts has localhost (a bare
	 * debootstrap root has no /etc/hosts at all)
	 */
	if (!localhost_resolves())
		return;
	CHECK(parse(&c, "connect localhost\n") == 0);
	CHECK_STR(errbuf, "");
	CHECK(c.connect == inet_addr("127.0.0.1"));
	conf_free(&c);
}

TEST(pptpd_speed_noted)
{
	struct conf c;

	CHECK(parse(&c, "speed 115200\n") == 0);
	CHECK(has_note(&c, "t.conf:1: speed 115200 ignored: pppd has no tty"));
	conf_free(&c);
}

TEST(pptpd_refused_with_what_to_do)
{
	struct conf c;

	CHECK(parse(&c, "bcrelay eth1\n") == -1);
	CHECK_HAS(errbuf, "t.conf:1: bcrelay: kpptpd does not start bcrelay: run \"bcrelay -i eth1");
	conf_free(&c);
	CHECK(parse(&c, "\nvrf blue\n") == -1);
	CHECK_HAS(errbuf, "t.conf:2: vrf: kpptpd cannot use a VRF: remove this line");
	conf_free(&c);
}

TEST(pptpd_debug_stimeout_connections_nobcrelay)
{
	struct conf c;

	CHECK(parse(&c, "debug\nstimeout 3\nconnections 2\nnobcrelay\n") == 0);
	CHECK(c.debug && c.ctrl.handshake_ms == 3000 && c.max_conns == 2);
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

TEST(relay_login_timeout)
{
	struct conf c;

	CHECK(parse(&c, "") == 0);
	CHECK(c.relay_login_ms == 30000);
	conf_free(&c);
	CHECK(parse(&c, "relay-login-timeout 90\n") == 0);
	CHECK(c.relay_login_ms == 90000);
	conf_free(&c);
	CHECK(parse(&c, "relay-login-timeout 0\n") == -1);
	CHECK_STR(errbuf, "t.conf:1: relay-login-timeout: must be at least 1 second");
	conf_free(&c);
	CHECK(parse(&c, "relay-login-timeout soon\n") == -1);
	CHECK_STR(errbuf, "t.conf:1: invalid relay-login-timeout \"soon\": not a decimal number");
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
}

TEST(ipv6_on_off_and_where_refused)
{
	struct conf c;

	CHECK(parse(&c, "ipv6 on\n") == 0 && c.ipv6 == CONF_IPV6_ON);
	conf_free(&c);
	CHECK(parse(&c, "ipv6 on\nipv6 off\n") == 0 && c.ipv6 == CONF_IPV6_OFF);
	conf_free(&c);
	CHECK(parse(&c, "tx-window on\n") == 0 && c.tx_window && c.ipv6 == CONF_IPV6_PPPD);
	conf_free(&c);
	CHECK(parse(&c, "tx-window maybe\n") == -1);
	CHECK_STR(errbuf, "t.conf:1: invalid tx-window \"maybe\": must be on or off");
	conf_free(&c);
	CHECK(parse(&c, "ipv6 yes\n") == -1);
	CHECK_STR(errbuf, "t.conf:1: invalid ipv6 \"yes\": must be on or off");
	conf_free(&c);
	CHECK(parse(&c, "ipv6 on\npppd none\n") == -1);
	CHECK_HAS(errbuf, "(remove ipv6 or \"pppd none\")");
	conf_free(&c);
	CHECK(parse(&c, "relay-list /etc/r\nipv6 on\n") == -1);
	CHECK_HAS(errbuf, "relays IPv4 only (remove ipv6 or relay-list)");
	conf_free(&c);
	/* the client role: the server it dials gives the addresses */
	CHECK(parse(&c, "connect 10.0.0.1\nipv6 on\n") == 0 && c.ipv6 == CONF_IPV6_ON);
	conf_free(&c);
	/* off is allowed anywhere: it only keeps IPV6CP away */
	CHECK(parse(&c, "relay-list /etc/r\nipv6 off\n") == 0 && c.ipv6 == CONF_IPV6_OFF);
	conf_free(&c);
}

TEST(radius_config_drops_remoteip_and_is_refused_where_meaningless)
{
	struct conf c;

	CHECK(parse(&c, "radius-config /etc/r.conf\nlocalip 10.9.0.1\nremoteip 10.9.0.10-20\n") == 0);
	CHECK_STR(c.radius_config, "/etc/r.conf");
	CHECK_STR(c.radius_plugin, "radius.so");
	/* RADIUS's Framed-IP-Address is the client's: no pool to take from */
	CHECK(c.remote.n == 0 && c.local.n == 1 && c.nnotes == 1);
	CHECK_HAS(c.notes[0], "remoteip ignored, RADIUS assigns");
	conf_free(&c);
	CHECK(parse(&c, "radius-config /etc/r.conf\nradius-plugin /x/radius.so\n") == 0);
	CHECK_STR(c.radius_plugin, "/x/radius.so");
	CHECK(c.local.n == 0 && c.remote.n == 0);
	conf_free(&c);
	CHECK(parse(&c, "radius-config /nonexistent/r.conf\n") == 0);
	CHECK(conf_check_files(&c, errbuf, sizeof(errbuf)) == -1);
	CHECK_HAS(errbuf, "radius-config /nonexistent/r.conf: No such file or directory: pppd's radius.so reads it");
	conf_free(&c);
	CHECK(parse(&c, "radius-config r.conf\n") == -1);
	CHECK_HAS(errbuf, "t.conf:1: radius-config: \"r.conf\" is not an absolute path");
	conf_free(&c);
	CHECK(parse(&c, "radius-config /r\nlocalip 10.9.0.1-2\n") == -1);
	CHECK_HAS(errbuf, "with radius-config it is one address, this end of every call (got 2)");
	conf_free(&c);
	CHECK(parse(&c, "radius-config /r\npppd none\n") == -1);
	CHECK_HAS(errbuf, "(remove \"pppd none\" or radius-config)");
	conf_free(&c);
	CHECK(parse(&c, "radius-config /r\nconnect 10.0.0.1\n") == -1);
	CHECK_HAS(errbuf, "(remove connect or radius-config)");
	conf_free(&c);
	CHECK(parse(&c, "radius-config /r\nrelay-list /etc/rl\n") == -1);
	CHECK_HAS(errbuf, "(remove relay-list or radius-config)");
	conf_free(&c);
}

TEST(radius_dm_listen_and_clients)
{
	struct conf c;

	CHECK(parse(&c, "radius-dm-listen 127.0.0.1\nradius-dm-client 10.1.1.1 s3cret\nradius-dm-client 10.1.1.2   t\n") == 0);
	CHECK(c.dm_addr == inet_addr("127.0.0.1") && c.dm_port == 3799);
	CHECK(c.ndm_clients == 2 && c.dm_clients[1].addr == inet_addr("10.1.1.2"));
	CHECK_STR(c.dm_clients[0].secret, "s3cret");
	CHECK_STR(c.dm_clients[1].secret, "t");
	conf_free(&c);
	CHECK(parse(&c, "radius-dm-listen 0.0.0.0:1700\nradius-dm-client 10.1.1.1 s\n") == 0);
	CHECK(c.dm_addr == 0 && c.dm_port == 1700);
	conf_free(&c);
	CHECK(parse(&c, "radius-dm-listen 127.0.0.1:0\n") == -1);
	CHECK_HAS(errbuf, "radius-dm-listen port");
	conf_free(&c);
	CHECK(parse(&c, "radius-dm-listen :3799\n") == -1);
	CHECK_HAS(errbuf, "radius-dm-listen: \":3799\": expected HOST or HOST:PORT");
	conf_free(&c);
	CHECK(parse(&c, "radius-dm-listen 127.0.0.1\n") == -1);
	CHECK_HAS(errbuf, "no radius-dm-client may send Disconnect-Messages");
	conf_free(&c);
	CHECK(parse(&c, "radius-dm-client 10.1.1.1 s\n") == -1);
	CHECK_HAS(errbuf, "(add radius-dm-listen ADDRESS[:PORT])");
	conf_free(&c);
	CHECK(parse(&c, "radius-dm-listen 127.0.0.1\nradius-dm-client 10.1.1.1\n") == -1);
	CHECK_HAS(errbuf, "t.conf:2: radius-dm-client: \"10.1.1.1\": expected ADDRESS SECRET");
	conf_free(&c);
	CHECK(parse(&c, "radius-dm-listen 127.0.0.1\nradius-dm-client 10.1.1.1 a b\n") == -1);
	CHECK_HAS(errbuf, "expected ADDRESS SECRET");
	conf_free(&c);
	CHECK(parse(&c, "radius-dm-listen 127.0.0.1\nconnect 10.0.0.1\nradius-dm-client 10.1.1.1 s\n") == -1);
	CHECK_HAS(errbuf, "(remove connect or radius-dm-listen)");
	conf_free(&c);
}

/* the secrets are in the file: others must not read it */
TEST(radius_dm_secrets_need_a_private_file)
{
	char path[] = "/tmp/kpptpd-conf-XXXXXX";
	const char *text = "radius-dm-listen 127.0.0.1\nradius-dm-client 10.1.1.1 s\n";
	int fd = mkstemp(path);
	struct conf c;

	CHECK(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	chmod(path, 0644);
	conf_init(&c);
	CHECK(conf_load(&c, path, errbuf, sizeof(errbuf)) == -1);
	CHECK_HAS(errbuf, "holds RADIUS secrets (radius-dm-client) but others may read it: chmod 600");
	conf_free(&c);
	chmod(path, 0640);
	conf_init(&c);
	CHECK(conf_load(&c, path, errbuf, sizeof(errbuf)) == -1);
	conf_free(&c);
	chmod(path, 0600);
	conf_init(&c);
	CHECK(conf_load(&c, path, errbuf, sizeof(errbuf)) == 0 && c.ndm_clients == 1);
	conf_free(&c);
	unlink(path);
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

	/* pptpd: a localip per call, so as many calls as localip has */
	CHECK(parse(&c, "localip 10.1.0.1-2\nremoteip 10.2.0.1-5\n") == 0);
	CHECK(c.remote.n == 2);
	CHECK(has_note(&c, "localip has 2 addresses for 5 remoteip addresses: 2 calls at most"));
	CHECK(pool_take(&c, &l, &r) == 0 && pool_take(&c, &l, &r) == 1);
	CHECK(l == inet_addr("10.1.0.2") && r == inet_addr("10.2.0.2"));
	CHECK(pool_take(&c, &l, &r) == -1);
	conf_free(&c);
}

/*
 * A large pool (what fits on one 1023-byte line: 64 ranges of 256):
 * lowest free address first, whatever is taken and given back.
 */
TEST(large_pool_lowest_free_first)
{
	char text[1024];
	size_t len;
	struct conf c;
	uint32_t l, r;
	unsigned int i, n = 64 * 256, bad = 0;

	len = (size_t)sprintf(text, "localip 10.0.0.1\nremoteip ");
	for (i = 0; i < 64; i++)
		len += (size_t)sprintf(text + len, "%s10.1.0-255.%u",
				       i ? "," : "", i);
	strcpy(text + len, "\n");
	CHECK(parse(&c, text) == 0);
	CHECK_STR(errbuf, "");
	CHECK(c.remote.n == n);
	for (i = 0; i < n; i++)
		bad += pool_take(&c, &l, &r) != (int)i;
	CHECK(bad == 0 && c.remote.inuse == n);
	CHECK(r == inet_addr("10.1.255.63") && l == inet_addr("10.0.0.1"));
	CHECK(pool_take(&c, &l, &r) == -1);
	pool_put(&c, 10000);
	pool_put(&c, 7);
	pool_put(&c, (int)n - 1);
	CHECK(c.remote.inuse == n - 3);
	CHECK(pool_take(&c, &l, &r) == 7 && r == inet_addr("10.1.7.0"));
	CHECK(pool_take(&c, &l, &r) == 10000);
	CHECK(pool_take(&c, &l, &r) == (int)n - 1);
	CHECK(pool_take(&c, &l, &r) == -1);
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
		/* failing as "admin authenticated with CHAP": no user */
		{ "Peer admin authenticated with CHAP failed CHAP authentication",
		  PPPD_LOG_OTHER, NULL },
		{ "Peer admin authenticated with CHAP authenticated with CHAP",
		  PPPD_LOG_USER, "admin authenticated with CHAP" },
		{ "Peer x authenticated with ", PPPD_LOG_OTHER, NULL },
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

/* relay rules: each form, first match in file order, the next hop */
TEST(relay_rules_match_in_order)
{
	conf_resolve_fn *saved = conf_resolve;
	const struct relay_rule *r;
	struct conf c;

	conf_resolve = fake_resolve;
	CHECK(parse(&c,
		    "relay phone 5551234 to 10.0.1.3\n"
		    "relay listen 192.0.2.1 to vpn.example:1724\n"
		    "relay source 10.8.0.0/16 to 10.0.1.4\n"
		    "relay  default  to  10.0.1.5:2000   # the rest\n") == 0);
	CHECK_STR(errbuf, "");
	CHECK(c.nrelays == 4);
	r = conf_relay_match(&c, "5551234", inet_addr("192.0.2.1"),
			     inet_addr("10.8.1.1"));
	CHECK(r && r->match == RELAY_PHONE && r->line == 1);
	CHECK(r && r->to == inet_addr("10.0.1.3") && r->port == 1723);
	CHECK(r && !strcmp(r->hop, "10.0.1.3:1723"));
	r = conf_relay_match(&c, "", inet_addr("192.0.2.1"),
			     inet_addr("10.8.1.1"));
	CHECK(r && r->match == RELAY_LISTEN && r->port == 1724);
	CHECK(r && r->to == inet_addr("10.9.8.7"));
	CHECK(r && !strcmp(r->hop, "vpn.example:1724"));
	r = conf_relay_match(&c, "", inet_addr("192.0.2.2"),
			     inet_addr("10.8.255.1"));
	CHECK(r && r->match == RELAY_SOURCE && r->line == 3);
	r = conf_relay_match(&c, "555", inet_addr("192.0.2.2"),
			     inet_addr("10.9.0.1"));
	CHECK(r && r->match == RELAY_DEFAULT && r->port == 2000);
	conf_free(&c);
	/* no default: calls no rule names are terminated here */
	CHECK(parse(&c, "relay source 0.0.0.0/0 to 10.0.1.4\n"
			"relay phone 1 to 10.0.1.3\n") == 0);
	CHECK(conf_relay_match(&c, "1", 0, inet_addr("1.2.3.4"))->line == 1);
	conf_free(&c);
	CHECK(parse(&c, "relay phone 1 to 10.0.1.3\n") == 0);
	CHECK(conf_relay_match(&c, "2", 0, 0) == NULL);
	CHECK(conf_relay_match(&c, "", 0, 0) == NULL);
	conf_free(&c);
	conf_resolve = saved;
}

/* "to l2tpv3 ...": the tunnel, the range, the peer's first session */
TEST(relay_l2tp_next_hop)
{
	const struct relay_rule *r;
	struct conf c;

	CHECK(parse(&c, "relay phone 42 to l2tpv3 tunnel 10 session 100-163 peer-session 200 allow *@lab\n"
		    "relay default to l2tpv3 tunnel 11 session 5 peer-session 6\n") == 0);
	CHECK(c.nrelays == 2);
	r = conf_relay_match(&c, "42", 0, 0);
	CHECK(r == &c.relays[0]);
	CHECK(r->l2tp_tunnel == 10 && r->l2tp_first == 100 &&
	      r->l2tp_last == 163 && r->l2tp_peer == 200);
	CHECK_STR(r->hop, "l2tpv3 tunnel 10");
	CHECK_STR(r->allow, "*@lab");
	r = &c.relays[1];
	CHECK(r->l2tp_tunnel == 11 && r->l2tp_first == 5 &&
	      r->l2tp_last == 5 && r->l2tp_peer == 6 && !r->allow[0]);
	conf_free(&c);
}

TEST(relay_bad_lines_named)
{
	conf_resolve_fn *saved = conf_resolve;
	static const struct {
		const char *text, *err;
	} bad[] = {
		{ "relay\n", "t.conf:1: relay needs a value" },
		{ "relay to 10.0.0.1\n", "t.conf:1: relay \"to\": expected \"relay phone NUMBER|listen ADDRESS|source A.B.C.D/N|default to HOST[:PORT]|l2tpv3 ... [allow NAME[,NAME...]]\"" },
		{ "relay default 10.0.0.1\n", "t.conf:1: relay default: expected" },
		{ "relay default to\n", "t.conf:1: relay default: expected" },
		{ "relay default to 10.0.0.1 now\n", "t.conf:1: relay default: expected" },
		{ "relay phone to 10.0.0.1\n", "t.conf:1: relay phone: expected" },
		{ "relay phone 1 via 10.0.0.1\n", "t.conf:1: relay phone: expected" },
		{ "relay a b c d e f g h i j k l m\n", "t.conf:1: relay: too many words" },
		{ "relay default to l2tpv3 tunnel 1 session 2\n", "t.conf:1: relay default: expected" },
		{ "relay default to l2tpv3 tunnel 1 sessions 2 peer-session 3\n",
		  "t.conf:1: relay to l2tpv3: expected \"tunnel ID session FIRST[-LAST] peer-session ID\"" },
		{ "relay default to l2tpv3 tunnel 0 session 2 peer-session 3\n",
		  "t.conf:1: invalid relay l2tpv3 tunnel \"0\": must be 1-4294967295" },
		{ "relay default to l2tpv3 tunnel 1 session 9-8 peer-session 3\n",
		  "t.conf:1: invalid relay l2tpv3 session range end \"8\": must be 9-4294967295" },
		{ "relay default to l2tpv3 tunnel 1 session 1-1025 peer-session 3\n",
		  "t.conf:1: relay l2tpv3 session 1-1025: more than 1024 sessions" },
		{ "relay default to l2tpv3 tunnel 1 session 1-2 peer-session 4294967295\n",
		  "t.conf:1: invalid relay l2tpv3 peer-session \"4294967295\": must be 1-4294967294" },
		{ "relay default to l2tpv3 tunnel 1 session 1 peer-session 2 allow\n", "t.conf:1: relay default: expected" },
		{ "relay phone 12345678901234567890123456789012345678901234567890123456789012345 to 1.2.3.4\n",
		  "longer than 64 characters" },
		{ "relay listen 10.0.0 to 10.0.0.1\n", "t.conf:1: invalid relay listen address \"10.0.0\"" },
		{ "relay source 10.0.0.0 to 10.0.0.1\n", "t.conf:1: relay source \"10.0.0.0\": expected A.B.C.D/N" },
		{ "relay source 10.0.0.0/33 to 10.0.0.1\n", "t.conf:1: invalid relay source prefix length \"33\": must be 0-32" },
		{ "relay source 10.0.0.1/8 to 10.0.0.1\n", "t.conf:1: relay source \"10.0.0.1/8\": host bits set beyond /8" },
		{ "relay source x/8 to 10.0.0.1\n", "t.conf:1: invalid relay source address \"x\"" },
		{ "\nrelay default to nowhere.example\n", "t.conf:2: relay next hop \"nowhere.example\": no IPv4 address" },
		{ "relay default to 10.0.0.1:0\n", "t.conf:1: invalid relay next hop port \"0\": must be 1-65535" },
		{ "relay default to 10.0.0.1:x\n", "t.conf:1: invalid relay next hop port \"x\"" },
		{ "relay default to :1723\n", "t.conf:1: relay: next hop \":1723\": expected HOST or HOST:PORT" },
		{ "relay default to 10.0.0.1:\n", "t.conf:1: invalid relay next hop port \"\"" },
		{ "connect 10.0.0.9\n\nrelay default to 10.0.0.1\n",
		  "t.conf:3: relay: only a server relays calls, and connect makes this a client" },
	};
	struct conf c;
	size_t i;

	conf_resolve = fake_resolve;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(parse(&c, bad[i].text) == -1);
		if (!strstr(errbuf, bad[i].err))
			printf("    \"%s\": got \"%s\"\n", bad[i].text, errbuf);
		CHECK_HAS(errbuf, bad[i].err);
		conf_free(&c);
	}
	conf_resolve = saved;
}
