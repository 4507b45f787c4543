// SPDX-License-Identifier: GPL-2.0
/*
 * The report channel's records, written by kpptp.so and read by kpptpd;
 * see report.h.  The line codec is the control socket's (ctlproto.c).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "ctlproto.h"
#include "report.h"

const char *const report_phases[] = {
	"dead", "initialize", "serialconn", "dormant", "establish",
	"authenticate", "callback", "network", "running", "terminate",
	"disconnect", "holdoff", "master", NULL,
};

static const struct {
	const char *name;
	enum report_event event;
	const char *keys[3];	/* every one required */
} events[] = {
	{ "hello", REPORT_HELLO, { "version" } },
	{ "phase", REPORT_PHASE, { "phase" } },
	{ "ifname", REPORT_IFNAME, { "ifname" } },
	{ "auth", REPORT_AUTH, { "user" } },
	{ "ip_up", REPORT_IP_UP, { "local_ip", "remote_ip" } },
	{ "ip_down", REPORT_IP_DOWN, { NULL } },
	{ "ipcp_go", REPORT_IPCP_GO, { "local_ip", "remote_ip" } },
	{ "ipcp_up", REPORT_IPCP_UP, { "local_ip", "remote_ip" } },
};

#define NEVENTS (sizeof(events) / sizeof(events[0]))

/* "key=VALUE\n" into @buf at *@o, escaped; -1 if it does not fit */
static int put(char *buf, size_t n, size_t *o, const char *key,
	       const char *val)
{
	char esc[4 * REPORT_REC_MAX + 1];
	int w;

	if (strlen(val) > REPORT_REC_MAX)
		return -1;
	cp_escape(val, esc, sizeof(esc));
	w = snprintf(buf + *o, n - *o, "%s=%s\n", key, esc);
	if (w < 0 || (size_t)w >= n - *o)
		return -1;
	*o += (size_t)w;
	return 0;
}

size_t report_record(char *buf, size_t n, const char *event,
		     const char *const kv[])
{
	size_t o = 0;

	if (n > REPORT_REC_MAX)
		n = REPORT_REC_MAX;
	if (put(buf, n, &o, "event", event))
		return 0;
	for (; kv && kv[0] && kv[1]; kv += 2)
		if (put(buf, n, &o, kv[0], kv[1]))
			return 0;
	if (o + 1 >= n)
		return 0;
	buf[o++] = '\n';
	buf[o] = '\0';
	return o;
}

/* @p's value into @r: 0, or -1 and @why */
static int value(struct report_rec *r, const struct cp_pair *p,
		 char *why, size_t whylen)
{
	size_t len = strlen(p->val);
	struct in_addr a;
	uint64_t v;
	int i;

	if (!strcmp(p->key, "version")) {
		if (cp_uint(p->val, 1, 65535, &v))
			return cp_fail(why, whylen, "version \"%s\" is not a number from 1 to 65535",
				   p->val);
		r->version = (unsigned int)v;
	} else if (!strcmp(p->key, "phase")) {
		for (i = 0; report_phases[i]; i++)
			if (!strcmp(p->val, report_phases[i]))
				break;
		if (!report_phases[i])
			return cp_fail(why, whylen, "unknown phase \"%.40s\"",
				   p->val);
		r->phase = i;
	} else if (!strcmp(p->key, "ifname")) {
		if (!len || len > REPORT_IFNAME_MAX || strpbrk(p->val, "/ ") ||
		    !strcmp(p->val, ".") || !strcmp(p->val, ".."))
			return cp_fail(why, whylen, "ifname \"%.40s\" is not an interface name",
				   p->val);
		memcpy(r->ifname, p->val, len + 1);
	} else if (!strcmp(p->key, "user")) {
		if (!len || len > REPORT_USER_MAX)
			return cp_fail(why, whylen, "user: %s (1 to 255 bytes)",
				   len ? "too long" : "empty");
		memcpy(r->user, p->val, len + 1);
	} else {
		/* local_ip, remote_ip: dotted quads only */
		if (inet_pton(AF_INET, p->val, &a) != 1)
			return cp_fail(why, whylen, "\"%.40s\" is not an IPv4 address",
				   p->val);
		if (!strcmp(p->key, "local_ip"))
			r->local_ip = a.s_addr;
		else
			r->remote_ip = a.s_addr;
	}
	return 0;
}

int report_parse(const char *buf, size_t len, struct report_rec *r,
		 char *why, size_t whylen)
{
	unsigned int e = NEVENTS, seen = 0, i;
	struct cp_pair p;
	size_t used;
	int first = 1;

	memset(r, 0, sizeof(*r));
	for (;;) {
		int t = cp_next(buf, len, &used, &p, why, whylen);

		if (t < 0)
			return -1;
		if (t == CP_MORE)
			return cp_fail(why, whylen, "%s", "record without its end");
		buf += used;
		len -= used;
		if (t == CP_END)
			break;
		if (first) {
			first = 0;
			if (strcmp(p.key, "event"))
				return cp_fail(why, whylen, "record starts with %s, not event",
					   p.key);
			for (e = 0; e < NEVENTS; e++)
				if (!strcmp(p.val, events[e].name))
					break;
			if (e == NEVENTS)
				return cp_fail(why, whylen, "unknown event \"%.40s\"",
					   p.val);
			r->event = events[e].event;
			continue;
		}
		for (i = 0; i < 3 && events[e].keys[i]; i++)
			if (!strcmp(p.key, events[e].keys[i]))
				break;
		if (i == 3 || !events[e].keys[i])
			return cp_fail(why, whylen, "key %s in a%s %s record",
				   p.key, strchr("aeiou", events[e].name[0]) ?
				   "n" : "", events[e].name);
		if (seen & (1u << i))
			return cp_fail(why, whylen, "key %s given twice", p.key);
		seen |= 1u << i;
		if (value(r, &p, why, whylen))
			return -1;
	}
	if (first)
		return cp_fail(why, whylen, "%s", "empty record");
	if (len)
		return cp_fail(why, whylen, "%s", "bytes after the record's end");
	for (i = 0; i < 3 && events[e].keys[i]; i++)
		if (!(seen & (1u << i)))
			return cp_fail(why, whylen, "no %s", events[e].keys[i]);
	return 0;
}

void report_in_init(struct report_in *in)
{
	memset(in, 0, sizeof(*in));
}

static void record(struct report_in *in, report_fn *fn, void *arg)
{
	struct report_rec r;
	char why[160];

	if (report_parse(in->buf, in->len, &r, why, sizeof(why))) {
		in->bad++;
		fn(arg, NULL, why);
	} else {
		in->records++;
		fn(arg, &r, NULL);
	}
	in->len = 0;
}

void report_input(struct report_in *in, const char *data, size_t n,
		  report_fn *fn, void *arg)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char c = data[i];

		if (in->skip) {
			/* to the empty line that ends the record */
			if (c == '\n' && in->skip_nl)
				in->skip = 0;
			in->skip_nl = c == '\n';
			continue;
		}
		if (in->len == sizeof(in->buf)) {
			char why[64];

			snprintf(why, sizeof(why),
				 "record longer than %d bytes", REPORT_REC_MAX);
			in->bad++;
			fn(arg, NULL, why);
			in->skip = 1;
			in->skip_nl = in->buf[in->len - 1] == '\n';
			in->len = 0;
			i--;	/* this byte again, skipping */
			continue;
		}
		in->buf[in->len++] = c;
		/* an empty line: the record's end (a lone one: empty) */
		if (c == '\n' && (in->len == 1 || in->buf[in->len - 2] == '\n'))
			record(in, fn, arg);
	}
}
