// SPDX-License-Identifier: GPL-2.0
/*
 * lib/report.c: kpptp.so's records to kpptpd (report.h).  The writer's
 * records read back as written, escapes and all; the reader takes a
 * record only whole and as specified, drops a bad one through its end
 * (and no further), and survives any split of the byte stream.
 */
#include <arpa/inet.h>
#include <string.h>

#include "report.h"
#include "unit.h"

/* What report_input() handed over: good records and the bad ones' why. */
static struct report_rec got[16];
static char bad_why[16][160];
static unsigned int ngot, nbad;

static void collect(void *arg, const struct report_rec *r, const char *why)
{
	(void)arg;
	if (r && ngot < 16)
		got[ngot++] = *r;
	if (!r && nbad < 16)
		snprintf(bad_why[nbad++], sizeof(bad_why[0]), "%s", why);
}

/* @text fed @chunk bytes at a time into a fresh reader */
static void feed(struct report_in *in, const char *text, size_t len,
		 size_t chunk)
{
	size_t i;

	report_in_init(in);
	ngot = nbad = 0;
	memset(got, 0, sizeof(got));
	for (i = 0; i < len; i += chunk)
		report_input(in, text + i, len - i < chunk ? len - i : chunk,
			     collect, NULL);
}

static int parse(const char *text, struct report_rec *r, char *why)
{
	return report_parse(text, strlen(text), r, why, 160);
}

TEST(report_good_records)
{
	static const char text[] =
		"event=hello\nversion=1\n\n"
		"event=phase\nphase=authenticate\n\n"
		"event=ifname\nifname=ppp7\n\n"
		"event=auth\nuser=alice\n\n"
		"event=ip_up\nremote_ip=192.168.0.20\nlocal_ip=192.168.0.1\n\n"
		"event=ip_down\n\n";
	struct report_in in;
	size_t chunk;

	/* whole, and split anywhere */
	for (chunk = 1; chunk <= sizeof(text); chunk++) {
		feed(&in, text, sizeof(text) - 1, chunk);
		CHECK(ngot == 6 && nbad == 0);
		if (ngot != 6 || nbad)
			break;
	}
	CHECK(got[0].event == REPORT_HELLO && got[0].version == 1);
	CHECK(got[1].event == REPORT_PHASE);
	CHECK_STR(report_phases[got[1].phase], "authenticate");
	CHECK(got[2].event == REPORT_IFNAME);
	CHECK_STR(got[2].ifname, "ppp7");
	CHECK(got[3].event == REPORT_AUTH);
	CHECK_STR(got[3].user, "alice");
	CHECK(got[4].event == REPORT_IP_UP);
	CHECK(got[4].local_ip == inet_addr("192.168.0.1"));
	CHECK(got[4].remote_ip == inet_addr("192.168.0.20"));
	CHECK(got[5].event == REPORT_IP_DOWN);
	CHECK(in.records == 6 && in.bad == 0 && in.len == 0);
}

/* A peer picks its name: what the writer escapes comes back as it was. */
TEST(report_user_escaped_round_trip)
{
	static const char *const names[] = {
		"admin authenticated with CHAP",
		"x\nevent=auth\nuser=admin\n\n",
		"back\\slash \"quoted\" \x1b[31m\x7f\xff",
		"=",
	};
	char rec[REPORT_REC_MAX], name[REPORT_USER_MAX + 1], why[160];
	struct report_rec r;
	struct report_in in;
	size_t i, n;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *kv[] = { "user", names[i], NULL };

		n = report_record(rec, sizeof(rec), "auth", kv);
		CHECK(n > 0 && n == strlen(rec));
		/* one record: a single empty line, at its end */
		CHECK(strstr(rec, "\n\n") == rec + n - 2);
		CHECK(parse(rec, &r, why) == 0 && r.event == REPORT_AUTH);
		CHECK_STR(r.user, names[i]);
		feed(&in, rec, n, 3);
		CHECK(ngot == 1 && nbad == 0);
		CHECK_STR(got[0].user, names[i]);
	}
	/* as the control socket writes values: printable ASCII */
	{
		const char *kv[] = { "user", names[1], NULL };

		report_record(rec, sizeof(rec), "auth", kv);
		CHECK_STR(rec, "event=auth\nuser=x\\x0aevent=auth\\x0auser=admin\\x0a\\x0a\n\n");
	}
	/* the longest name pppd has, every byte escaped: still one record */
	memset(name, 0x01, REPORT_USER_MAX);
	name[REPORT_USER_MAX] = '\0';
	{
		const char *kv[] = { "user", name, NULL };

		n = report_record(rec, sizeof(rec), "auth", kv);
		CHECK(n > 4 * REPORT_USER_MAX && n < REPORT_REC_MAX);
		CHECK(parse(rec, &r, why) == 0);
		CHECK_STR(r.user, name);
	}
	/* the writer refuses what does not fit, rather than cut it */
	CHECK(report_record(rec, 20, "auth", (const char *[]){ "user",
			    "a-name-longer-than-the-buffer", NULL }) == 0);
}

TEST(report_bad_records)
{
	static const struct {
		const char *text;
		const char *why;
	} cases[] = {
		{ "\n", "empty record" },
		{ "version=1\nevent=hello\n\n", "starts with version" },
		{ "event=bye\n\n", "unknown event \"bye\"" },
		{ "event=hello\n\n", "no version" },
		{ "event=hello\nversion=0\n\n", "version \"0\"" },
		{ "event=hello\nversion=1\nversion=1\n\n", "given twice" },
		{ "event=auth\nuser=a\nuser=b\n\n", "given twice" },
		{ "event=auth\n\n", "no user" },
		{ "event=auth\nuser=\n\n", "user: empty" },
		{ "event=auth\nuser=a\nlocal_ip=1.2.3.4\n\n",
		  "key local_ip in an auth record" },
		{ "event=auth\nuser=a\\x00b\n\n", "NUL" },
		{ "event=auth\nuser=a\\x4\n\n", "bad escape" },
		{ "event=auth\nuser=tab\there\n\n", "byte 0x09" },
		{ "event=auth\nUser=a\n\n", "byte 0x55 in a key" },
		{ "event=phase\nphase=flying\n\n", "unknown phase" },
		{ "event=ifname\nifname=a/b\n\n", "not an interface name" },
		{ "event=ifname\nifname=abcdefghijklmnop\n\n",
		  "not an interface name" },
		{ "event=ip_up\nlocal_ip=1.2.3.4\n\n", "no remote_ip" },
		{ "event=ip_up\nlocal_ip=1.2.3.4\nremote_ip=1.2.3.400\n\n",
		  "not an IPv4 address" },
		{ "event=ip_up\nlocal_ip=1.2.3.4\nremote_ip= 1.2.3.5\n\n",
		  "not an IPv4 address" },
		{ "event=ip_down\nuser=x\n\n", "key user in an ip_down record" },
	};
	struct report_rec r;
	struct report_in in;
	char why[160];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *t = cases[i].text;

		CHECK(parse(t, &r, why) == -1);
		CHECK_HAS(why, cases[i].why);
		/* in a stream: that record dropped, the next one taken */
		feed(&in, t, strlen(t), 1);
		report_input(&in, "event=auth\nuser=bob\n\n", 21, collect,
			     NULL);
		CHECK(nbad == 1 && ngot == 1 && in.bad == 1);
		CHECK(ngot == 1 && !strcmp(got[0].user, "bob"));
		if (nbad != 1 || ngot != 1)
			printf("    case %zu: %u bad, %u good\n", i, nbad, ngot);
	}
	/* a user longer than pppd's names: escaped it still fits a line */
	{
		char rec[REPORT_REC_MAX];
		char name[REPORT_USER_MAX + 2];

		memset(name, 'a', sizeof(name) - 1);
		name[sizeof(name) - 1] = '\0';
		snprintf(rec, sizeof(rec), "event=auth\nuser=%s\n\n", name);
		CHECK(parse(rec, &r, why) == -1);
		CHECK_HAS(why, "user: too long");
	}
}

/* A record longer than the reader holds: dropped to its end, no further. */
TEST(report_oversized_record)
{
	static char text[3 * REPORT_REC_MAX];
	struct report_in in;
	size_t n, chunk;

	for (chunk = 1; chunk <= 4096; chunk *= 8) {
		n = (size_t)snprintf(text, sizeof(text), "event=auth\nuser=");
		memset(text + n, 'x', 2 * REPORT_REC_MAX);
		n += 2 * REPORT_REC_MAX;
		/* lines and empty-looking bits inside do not end it early */
		memcpy(text + n - 40, "\nuser=y\n", 8);
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "\n\nevent=auth\nuser=carol\n\n");
		feed(&in, text, n, chunk);
		CHECK(nbad == 1 && in.bad == 1);
		CHECK_HAS(bad_why[0], "record longer than");
		CHECK(ngot == 1 && !strcmp(got[0].user, "carol"));
	}
	/* cut off exactly at the buffer's size, then the end */
	memset(text, 'z', sizeof(text));
	n = (size_t)snprintf(text, sizeof(text), "event=auth\nuser=");
	text[REPORT_REC_MAX - 1] = '\n';
	text[REPORT_REC_MAX] = '\n';
	memcpy(text + REPORT_REC_MAX + 1, "event=ip_down\n\n", 15);
	feed(&in, text, REPORT_REC_MAX + 16, 7);
	CHECK(nbad == 1 && ngot == 1 && got[0].event == REPORT_IP_DOWN);
}
