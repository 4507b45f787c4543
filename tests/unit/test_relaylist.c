// SPDX-License-Identifier: GPL-2.0
/*
 * kpptpd/relaylist.c: the relay list of a terminating gateway: entries,
 * quoting, defaults, every refused line with its file and line, the file's
 * mode, and which user goes where.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "relaylist.h"
#include "unit.h"

static char errbuf[512];

static int parse(struct relay_list *rl, const char *text)
{
	memset(rl, 0, sizeof(*rl));
	errbuf[0] = '\0';
	return rl_parse(rl, "rl", text, errbuf, sizeof(errbuf));
}

TEST(relay_list_entries_quotes_and_defaults)
{
	struct relay_list rl;

	CHECK(parse(&rl,
		    "# who goes where\n"
		    "defaults require-mppe-128 mtu 1400\n"
		    "alice@dept 10.0.1.3 alice \"two words \\\" \\\\\" # c\n"
		    "*@lab 10.0.2.3:1724 = s3cret nodeflate\n") == 0);
	CHECK_STR(errbuf, "");
	CHECK(rl.n == 2 && rl.ndefaults == 3);
	CHECK_STR(rl.defaults[2], "1400");
	CHECK_STR(rl.e[0].user, "alice");
	CHECK_STR(rl.e[0].realm, "dept");
	CHECK(rl.e[0].to == inet_addr("10.0.1.3") && rl.e[0].port == 1723);
	CHECK_STR(rl.e[0].hop, "10.0.1.3:1723");
	CHECK_STR(rl.e[0].secret, "two words \" \\");
	CHECK(rl.e[0].nopts == 0);
	CHECK(rl.e[1].port == 1724 && !rl.e[1].next_user);
	CHECK(rl.e[1].nopts == 1 && !strcmp(rl.e[1].opts[0], "nodeflate"));
	CHECK(rl.e[1].line == 4);
	rl_free(&rl);
}

TEST(relay_list_lookup)
{
	const struct rl_entry *e;
	struct relay_list rl;
	char next[RL_NAME_MAX + 1];
	const char *why;

	CHECK(parse(&rl, "alice@dept 10.0.1.3 al x\n"
			 "*@dept 10.0.1.4 = y\n"
			 "bob@a@b 10.0.1.5 bob z\n") == 0);
	e = rl_lookup(&rl, "alice@dept", next, &why);
	CHECK(e == &rl.e[0] && !why);
	CHECK_STR(next, "al");
	/* the wildcard, with the name before the realm */
	e = rl_lookup(&rl, "carol@dept", next, &why);
	CHECK(e == &rl.e[1]);
	CHECK_STR(next, "carol");
	/* the realm is after the last '@' */
	e = rl_lookup(&rl, "bob@a@b", next, &why);
	CHECK(e == &rl.e[2]);
	/* no realm: this gateway is the end */
	CHECK(!rl_lookup(&rl, "alice", next, &why) && !why);
	/* an unknown realm: refused */
	CHECK(!rl_lookup(&rl, "alice@other", next, &why) && why);
	CHECK(!rl_lookup(&rl, "alice@", next, &why) && why);
	/* the wildcard needs a name to pass on */
	CHECK(!rl_lookup(&rl, "@dept", next, &why) && why);
	rl_free(&rl);
}

static void refused(const char *text, const char *msg)
{
	struct relay_list rl;

	CHECK(parse(&rl, "alice@dept 10.0.1.3 al x\n") == 0);
	errbuf[0] = '\0';
	CHECK(rl_parse(&rl, "rl", text, errbuf, sizeof(errbuf)) == -1);
	CHECK_STR(errbuf, msg);
	/* the list in use stays */
	CHECK(rl.n == 1 && !strcmp(rl.e[0].user, "alice"));
	rl_free(&rl);
}

TEST(relay_list_bad_lines)
{
	refused("\nalice 10.0.1.3 al x\n",
		"rl:2: \"alice\" is not NAME@REALM or *@REALM");
	refused("a@b 10.0.1.3 al\n",
		"rl:1: expected NAME@REALM HOST[:PORT] NEXT-USER SECRET [PPPD-OPTION...]");
	refused("a@b 10.0.1.3:0 al x\n",
		"rl:1: next hop \"10.0.1.3:0\": port 1 to 65535");
	refused("a@b 10.0.1.3:x al x\n",
		"rl:1: next hop \"10.0.1.3:x\": port 1 to 65535");
	refused("a@b 10.0.1.3 al \"x\n", "rl:1: a quote that does not end");
	refused("a@b 10.0.1.3 al \"x\"y\n",
		"rl:1: text straight after a closing quote");
	refused("a@b 10.0.1.3 al \"\"\n",
		"rl:1: NEXT-USER and SECRET: 1 to 255 bytes each");
	refused("a@b 10.0.1.3 al x\na@b 10.0.1.4 al x\n",
		"rl:2: \"a@b\" again (first at line 1)");
	refused("defaults\n", "rl:1: defaults: 1 to 16 pppd options");
	refused("defaults a\ndefaults b\n", "rl:2: defaults given twice");
	refused("a@b 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20\n",
		"rl:1: too many words");
}

TEST(relay_list_file_mode)
{
	char path[] = "/tmp/kpptp-rl-XXXXXX";
	struct relay_list rl = { 0 };
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	CHECK(write(fd, "a@b 10.0.1.3 al x\n", 18) == 18);
	close(fd);
	CHECK(chmod(path, 0640) == 0);
	CHECK(rl_load(&rl, path, errbuf, sizeof(errbuf)) == -1);
	CHECK(strstr(errbuf, "holds secrets but its mode is 0640: chmod 600 it"));
	CHECK(chmod(path, 0600) == 0);
	CHECK(rl_load(&rl, path, errbuf, sizeof(errbuf)) == 0 && rl.n == 1);
	CHECK_STR(rl.path, path);
	rl_free(&rl);
	unlink(path);
}

TEST(conf_relay_list_directive)
{
	struct conf c;

	conf_init(&c);
	CHECK(conf_parse(&c, "t.conf", "relay-list etc/rl\n", errbuf,
			 sizeof(errbuf)) == -1);
	CHECK_STR(errbuf, "t.conf:1: relay-list etc/rl: give an absolute path");
	conf_free(&c);
	conf_init(&c);
	CHECK(conf_parse(&c, "t.conf", "relay-list /etc/rl\nconnect 10.0.0.1\n",
			 errbuf, sizeof(errbuf)) == -1);
	CHECK(strstr(errbuf, "needs the server role and pppd (remove connect or relay-list)"));
	conf_free(&c);
	conf_init(&c);
	CHECK(conf_parse(&c, "t.conf", "relay-list /etc/rl\n", errbuf,
			 sizeof(errbuf)) == 0);
	CHECK_STR(c.relay_list_path, "/etc/rl");
	conf_free(&c);
}

TEST(conf_relay_rule_allow)
{
	struct conf c;

	conf_init(&c);
	CHECK(conf_parse(&c, "t.conf",
			 "relay default to 10.0.1.3 allow alice,ops-*\n"
			 "relay phone 5 to 10.0.1.4\n", errbuf,
			 sizeof(errbuf)) == 0);
	CHECK(c.nrelays == 2);
	CHECK_STR(c.relays[0].allow, "alice,ops-*");
	CHECK_STR(c.relays[1].allow, "");
	conf_free(&c);
	conf_init(&c);
	CHECK(conf_parse(&c, "t.conf", "relay default to 10.0.1.3 allow\n",
			 errbuf, sizeof(errbuf)) == -1);
	CHECK(strstr(errbuf, "t.conf:1: relay default: expected"));
	conf_free(&c);
	conf_init(&c);
	CHECK(conf_parse(&c, "t.conf", "relay default to 10.0.1.3 allow a,,b\n",
			 errbuf, sizeof(errbuf)) == -1);
	CHECK(strstr(errbuf, "names (shell patterns) separated by commas"));
	conf_free(&c);
	conf_init(&c);
	CHECK(conf_parse(&c, "t.conf", "relay default to 10.0.1.3 deny a\n",
			 errbuf, sizeof(errbuf)) == -1);
	conf_free(&c);
}
