// SPDX-License-Identifier: GPL-2.0
/*
 * kpptpd.conf (and pptpd.conf) parsing, and the address pools.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/ctlproto.h"
#include "../lib/parse.h"
#include "conf.h"

void conf_init(struct conf *c)
{
	memset(c, 0, sizeof(*c));
	c->port = PPTP_PORT;
	c->max_conns = 100;
	c->max_per_source = 4;
	c->max_calls = 100;
	c->max_call_rate = 5;
	c->max_calls_per_source = 10;
	c->ipv6 = CONF_IPV6_PPPD;
	pptp_ctrl_cfg_default(&c->ctrl);
	c->ctrl.max_calls = 4;
	c->ctrl.idle_ms = 60000;	/* a connection that places no call */
	c->pppd = strdup("/usr/sbin/pppd");
	c->plugin = strdup("kpptp.so");
	c->ipparam = true;
	c->state_file = strdup("/run/kpptpd.calls");
	c->control_socket = strdup(KPPTPD_SOCK_DEFAULT);
	c->redial_ms = 10000;
	c->connect_ms = 10000;
	c->relay_login_ms = 30000;
	c->logwtmp_plugin = strdup(PPTPD_LOGWTMP_PLUGIN);
	c->radius_plugin = strdup("radius.so");
}

static void pool_free(struct pool *p)
{
	free(p->addr);
	free(p->used);
	memset(p, 0, sizeof(*p));
}

void conf_free(struct conf *c)
{
	unsigned int i;

	pool_free(&c->local);
	pool_free(&c->remote);
	free(c->pppd);
	free(c->plugin);
	free(c->option);
	free(c->state_file);
	free(c->control_socket);
	for (i = 0; i < c->nppp_args; i++)
		free(c->ppp_args[i]);
	free(c->logwtmp_plugin);
	free(c->pidfile);
	free(c->connect_host);
	for (i = 0; i < c->nnotes; i++)
		free(c->notes[i]);
	free(c->relays);
	free(c->relay_list_path);
	free(c->radius_config);
	free(c->radius_plugin);
	rl_free(&c->rl);
	memset(c, 0, sizeof(*c));
}

struct ctx {
	const char *name;
	unsigned int line;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 2, 3)))
static int bad(struct ctx *x, const char *fmt, ...)
{
	size_t n;
	va_list ap;

	n = (size_t)snprintf(x->err, x->errlen, "%s:%u: ", x->name, x->line);
	if (n >= x->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(x->err + n, x->errlen - n, fmt, ap);
	va_end(ap);
	return -1;
}

static int pool_add(struct pool *p, uint32_t a)
{
	if (p->n >= POOL_MAX)
		return -1;
	if (!(p->n & (p->n - 1)) || !p->n) {
		unsigned int cap = p->n ? 2 * p->n : 16;
		uint32_t *na = realloc(p->addr, cap * sizeof(*na));

		if (!na)
			return -1;
		p->addr = na;
	}
	p->addr[p->n++] = a;
	return 0;
}

int conf_getaddrinfo(const char *name, uint32_t *be_addr, char *err,
		     size_t errlen)
{
	struct addrinfo hints = {
		.ai_family = AF_INET,
		.ai_socktype = SOCK_STREAM,
	}, *res;
	int r = getaddrinfo(name, NULL, &hints, &res);

	if (r) {
		snprintf(err, errlen, "%s", r == EAI_SYSTEM ?
			 strerror(errno) : gai_strerror(r));
		return -1;
	}
	*be_addr = ((const struct sockaddr_in *)res->ai_addr)->sin_addr.s_addr;
	freeaddrinfo(res);
	return 0;
}

conf_resolve_fn *conf_resolve = conf_getaddrinfo;

/* Letters, digits, '-' and '.', at least one letter: worth resolving. */
static bool host_name(const char *s)
{
	bool letter = false;

	if (!*s || strlen(s) > 253)
		return false;
	for (; *s; s++) {
		if (isalpha((unsigned char)*s))
			letter = true;
		else if (!isdigit((unsigned char)*s) && *s != '-' && *s != '.')
			return false;
	}
	return letter;
}

/* a.b.c.d, or a host name (pptpd resolves them too): its IPv4 address */
static int parse_host(struct ctx *x, const char *what, const char *v,
		      uint32_t *be)
{
	struct parse_error e;
	char why[256], q[300];

	if (!parse_ipv4(what, v, be, &e))
		return 0;
	if (!host_name(v))
		return bad(x, "%s", e.msg);
	why[0] = '\0';
	if (conf_resolve(v, be, why, sizeof(why)))
		return bad(x, "%s %s: no IPv4 address for this host name: %s",
			   what, parse_quote(v, q, sizeof(q)), why);
	return 0;
}

/* "x" or "x-y", 0..255 each: one octet of a pool item */
static const char *octet(const char *s, unsigned int *lo, unsigned int *hi,
			 bool *ranged)
{
	char *end;

	*ranged = false;
	if (!isdigit((unsigned char)*s))
		return NULL;
	*lo = *hi = (unsigned int)strtoul(s, &end, 10);
	if (end - s > 3 || *lo > 255)
		return NULL;
	if (*end != '-')
		return end;
	s = end + 1;
	if (!isdigit((unsigned char)*s))
		return NULL;
	*hi = (unsigned int)strtoul(s, &end, 10);
	if (end - s > 3 || *hi > 255)
		return NULL;
	*ranged = true;
	return end;
}

/*
 * A pptpd range: a.b.c.d with one octet a range, "192.168.0.2-254" or
 * "192.168.0-255.2" (the third octet runs, the others stay).
 */
static int pool_range(struct ctx *x, const char *kw, const char *item,
		      struct pool *p)
{
	unsigned int lo[4], hi[4], i, which = 4, v;
	const char *s = item;
	char q[80];

	for (i = 0; i < 4; i++) {
		bool ranged;

		s = octet(s, &lo[i], &hi[i], &ranged);
		if (!s || *s != (i < 3 ? '.' : '\0') || (ranged && which < 4))
			return bad(x, "%s: %s is not a range (a.b.c.d-e, or one other octet as x-y)",
				   kw, parse_quote(item, q, sizeof(q)));
		if (ranged)
			which = i;
		s++;
	}
	if (hi[which] < lo[which])
		return bad(x, "%s: range %s runs backwards", kw,
			   parse_quote(item, q, sizeof(q)));
	for (v = lo[which]; v <= hi[which]; v++) {
		uint32_t a = 0;

		for (i = 0; i < 4; i++)
			a = a << 8 | (i == which ? v : lo[i]);
		if (pool_add(p, a))
			return bad(x, "%s: more than %u addresses", kw,
				   POOL_MAX);
	}
	return 0;
}

#define POOL_WORDS(n) (((n) + 63) / 64)

/* All free but the bits past the end, which count as taken. */
static int pool_bitmap(struct pool *p)
{
	unsigned int words = POOL_WORDS(p->n);

	p->used = calloc(words, sizeof(*p->used));
	if (!p->used)
		return -1;
	if (p->n % 64)
		p->used[words - 1] = ~0ULL << (p->n % 64);
	p->hint = 0;
	return 0;
}

/* Keep the first @n addresses of @p (none taken yet): the rest count as
 * taken, past the end. */
static void pool_truncate(struct pool *p, unsigned int n)
{
	unsigned int i;

	for (i = n; i < p->n; i++)
		p->used[i / 64] |= 1ULL << (i % 64);
	p->n = n;
}

bool pool_used(const struct pool *p, unsigned int i)
{
	return p->used[i / 64] >> (i % 64) & 1;
}

void pool_claim(struct pool *p, unsigned int i)
{
	if (pool_used(p, i))
		return;
	p->used[i / 64] |= 1ULL << (i % 64);
	p->inuse++;
}

/*
 * pptpd's address list: addresses, host names and ranges (pool_range())
 * joined with commas: "192.168.0.1-20,192.168.0.245".
 */
static int parse_pool(struct ctx *x, const char *kw, const char *text,
		      struct pool *p)
{
	char *copy = strdup(text), *item, *save = NULL;
	int ret = -1;

	if (!copy)
		return bad(x, "out of memory");
	pool_free(p);
	for (item = strtok_r(copy, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		uint32_t a;

		if (strchr(item, '-') &&
		    strspn(item, "0123456789.-") == strlen(item)) {
			if (pool_range(x, kw, item, p))
				goto out;
			continue;
		}
		if (parse_host(x, kw, item, &a))
			goto out;
		if (pool_add(p, ntohl(a))) {
			bad(x, "%s: more than %u addresses", kw, POOL_MAX);
			goto out;
		}
	}
	if (!p->n) {
		bad(x, "%s: no address given", kw);
		goto out;
	}
	if (pool_bitmap(p)) {
		bad(x, "out of memory");
		goto out;
	}
	ret = 0;
out:
	free(copy);
	return ret;
}

static int set_str(struct ctx *x, char **slot, const char *v)
{
	free(*slot);
	*slot = strdup(v);
	return *slot ? 0 : bad(x, "out of memory");
}

/* seconds -> ms, 0..86400 */
static int set_secs(struct ctx *x, const char *kw, const char *v,
		    uint32_t *ms)
{
	struct parse_error e;
	uint64_t s;

	if (parse_uint(kw, v, 0, 86400, &s, &e))
		return bad(x, "%s", e.msg);
	*ms = (uint32_t)(s * 1000);
	return 0;
}

static int set_uint(struct ctx *x, const char *kw, const char *v,
		    uint64_t min, uint64_t max, unsigned int *out)
{
	struct parse_error e;
	uint64_t n;

	if (parse_uint(kw, v, min, max, &n, &e))
		return bad(x, "%s", e.msg);
	*out = (unsigned int)n;
	return 0;
}

static int set_on_off(struct ctx *x, const char *kw, const char *v,
		      unsigned int *out)
{
	struct parse_error e;
	int on;

	if (parse_on_off(kw, v, &on, &e))
		return bad(x, "%s", e.msg);
	*out = (unsigned int)on;
	return 0;
}

__attribute__((format(printf, 2, 3)))
static void note(struct conf *c, const char *fmt, ...)
{
	va_list ap;
	char *m;

	if (c->nnotes >= CONF_MAX_NOTES)
		return;
	va_start(ap, fmt);
	if (vasprintf(&m, fmt, ap) >= 0)
		c->notes[c->nnotes++] = m;
	va_end(ap);
}

/*
 * pptpd.conf(5)'s directives that kpptpd has no other use for: each one
 * does what pptpd does, or is refused with what to do instead.  1 if @kw
 * is not one of them.
 */
static int pptpd_directive(struct conf *c, struct ctx *x, const char *kw,
			   const char *v)
{
	static const char *const novalue[] = {
		"noipparam", "debug", "logwtmp", "nologwtmp", "delegate",
		"nobcrelay",
	};
	unsigned int i;

	for (i = 0; i < sizeof(novalue) / sizeof(novalue[0]); i++)
		if (!strcmp(kw, novalue[i]) && *v)
			return bad(x, "%s takes no value", kw);
	if (!strcmp(kw, "noipparam")) {
		c->ipparam = false;
		return 0;
	}
	if (!strcmp(kw, "debug")) {
		c->debug = true;
		return 0;
	}
	/* pptpd's pppd plugin writes wtmp; it learns the client's address
	 * from its option pptpd-original-ip (call_start_pppd()) */
	if (!strcmp(kw, "logwtmp") || !strcmp(kw, "nologwtmp")) {
		c->logwtmp = !strcmp(kw, "logwtmp");
		return 0;
	}
	if (!strcmp(kw, "delegate")) {
		c->delegate = true;
		return 0;
	}
	if (!strcmp(kw, "nobcrelay"))
		return 0;	/* no relay is what kpptpd does */
	if (strcmp(kw, "ppp") && strcmp(kw, "pidfile") && strcmp(kw, "speed") &&
	    strcmp(kw, "bcrelay") && strcmp(kw, "vrf") &&
	    strcmp(kw, "logwtmp-plugin"))
		return 1;
	if (!*v)
		return bad(x, "%s needs a value", kw);
	if (!strcmp(kw, "ppp")) {	/* pptpd's name for the pppd path */
		c->no_pppd = !strcmp(v, "none");
		return set_str(x, &c->pppd, v);
	}
	if (!strcmp(kw, "pidfile"))
		return set_str(x, &c->pidfile, v);
	if (!strcmp(kw, "logwtmp-plugin"))
		return set_str(x, &c->logwtmp_plugin, v);
	if (!strcmp(kw, "speed")) {
		/* a tty speed: kpptp.so gives pppd no tty */
		note(c, "%s:%u: speed %s ignored: pppd has no tty with kpptp.so (Linux pppd ignores the speed of pptpd's pty too)",
		     x->name, x->line, v);
		return 0;
	}
	if (!strcmp(kw, "bcrelay"))
		return bad(x, "bcrelay: kpptpd does not start bcrelay: run \"bcrelay -i %s -o 'ppp[0-9].*'\" (package pptpd) next to kpptpd and remove this line",
			   v);
	return bad(x, "vrf: kpptpd cannot use a VRF: remove this line (a network namespace can hold kpptpd and its calls instead)");
}

/*
 * "HOST[:PORT]" (@kw begins the error for a bad one, @what names the host
 * and the port in the others): the address, the port (@port's value when
 * none is given) and, in @host (PPTP_STR_LEN + 1 bytes), the host as
 * written.
 */
static int host_port(struct ctx *x, const char *kw, const char *what,
		     const char *v, char *host, uint32_t *addr,
		     unsigned int *port)
{
	const char *colon = strrchr(v, ':');
	size_t n = colon ? (size_t)(colon - v) : strlen(v);
	char q[300], pkw[64];

	if (!n || n > PPTP_STR_LEN)
		return bad(x, "%s %s: expected HOST or HOST:PORT", kw,
			   parse_quote(v, q, sizeof(q)));
	memcpy(host, v, n);
	host[n] = '\0';
	snprintf(pkw, sizeof(pkw), "%s port", what);
	if (colon && set_uint(x, pkw, colon + 1, 1, 65535, port))
		return -1;
	return parse_host(x, what, host, addr);
}

/* "HOST[:PORT]", the next hop of a relay rule */
static int relay_target(struct ctx *x, struct relay_rule *r, const char *v)
{
	char host[PPTP_STR_LEN + 1];
	unsigned int port = PPTP_PORT;

	if (host_port(x, "relay: next hop", "relay next hop", v, host, &r->to,
		      &port))
		return -1;
	r->port = (uint16_t)port;
	snprintf(r->hop, sizeof(r->hop), "%s:%u", host, port);
	return 0;
}

/* "l2tpv3 tunnel T session FIRST[-LAST] peer-session P" (@w, 7 words) */
static int relay_l2tp(struct ctx *x, struct relay_rule *r, char **w)
{
	static const char usage[] = "relay to l2tpv3: expected \"tunnel ID session FIRST[-LAST] peer-session ID\"";
	char *dash;

	if (strcmp(w[1], "tunnel") || strcmp(w[3], "session") ||
	    strcmp(w[5], "peer-session"))
		return bad(x, "%s", usage);
	if (set_uint(x, "relay l2tpv3 tunnel", w[2], 1, UINT32_MAX,
		    &r->l2tp_tunnel))
		return -1;
	dash = strchr(w[4], '-');
	if (dash)
		*dash = '\0';
	if (set_uint(x, "relay l2tpv3 session", w[4], 1, UINT32_MAX,
		    &r->l2tp_first))
		return -1;
	r->l2tp_last = r->l2tp_first;
	if (dash && set_uint(x, "relay l2tpv3 session range end", dash + 1,
			    r->l2tp_first, UINT32_MAX, &r->l2tp_last))
		return -1;
	if (r->l2tp_last - r->l2tp_first >= RELAY_L2TP_MAX_SESSIONS)
		return bad(x, "relay l2tpv3 session %u-%u: more than %u sessions",
			   r->l2tp_first, r->l2tp_last,
			   RELAY_L2TP_MAX_SESSIONS);
	if (set_uint(x, "relay l2tpv3 peer-session", w[6], 1,
		    UINT32_MAX - (r->l2tp_last - r->l2tp_first), &r->l2tp_peer))
		return -1;
	snprintf(r->hop, sizeof(r->hop), "l2tpv3 tunnel %u", r->l2tp_tunnel);
	return 0;
}

/* "radius-dm-listen ADDR[:PORT]": where Disconnect-Messages come (dm.c) */
static int parse_dm_listen(struct conf *c, struct ctx *x, const char *v)
{
	char host[PPTP_STR_LEN + 1];
	unsigned int port = DM_DEFAULT_PORT;

	if (host_port(x, "radius-dm-listen:", "radius-dm-listen", v,
		      host, &c->dm_addr, &port))
		return -1;
	c->dm_port = (uint16_t)port;
	return 0;
}

/* "radius-dm-client ADDR SECRET": one more client allowed to send them */
static int parse_dm_client(struct conf *c, struct ctx *x, const char *v)
{
	struct dm_client *d = &c->dm_clients[c->ndm_clients];
	size_t n = strcspn(v, " \t");
	const char *secret = v + n + strspn(v + n, " \t");
	char host[64], q[300];

	if (c->ndm_clients == CONF_MAX_DM_CLIENTS)
		return bad(x, "radius-dm-client: more than %u clients",
			   CONF_MAX_DM_CLIENTS);
	if (!n || n >= sizeof(host) || !*secret ||
	    strlen(secret) != strcspn(secret, " \t"))
		return bad(x, "radius-dm-client: %s: expected ADDRESS SECRET",
			   parse_quote(v, q, sizeof(q)));
	if (strlen(secret) >= sizeof(d->secret))
		return bad(x, "radius-dm-client: secret longer than %zu bytes",
			   sizeof(d->secret) - 1);
	memcpy(host, v, n);
	host[n] = '\0';
	if (parse_host(x, "radius-dm-client address", host, &d->addr))
		return -1;
	strcpy(d->secret, secret);
	c->ndm_clients++;
	return 0;
}

/* "A.B.C.D/N" with no host bits set */
static int relay_prefix(struct ctx *x, struct relay_rule *r, const char *v)
{
	char a[INET_ADDRSTRLEN + 1], q[300];
	const char *slash = strchr(v, '/');
	struct parse_error e;
	unsigned int len = 0;
	size_t n;

	n = slash ? (size_t)(slash - v) : 0;
	if (!slash || n >= sizeof(a))
		return bad(x, "relay source %s: expected A.B.C.D/N",
			   parse_quote(v, q, sizeof(q)));
	memcpy(a, v, n);
	a[n] = '\0';
	if (parse_ipv4("relay source address", a, &r->addr, &e))
		return bad(x, "%s", e.msg);
	if (set_uint(x, "relay source prefix length", slash + 1, 0, 32, &len))
		return -1;
	r->mask = len ? htonl(~0u << (32 - len)) : 0;
	if (r->addr & ~r->mask)
		return bad(x, "relay source %s: host bits set beyond /%u",
			   parse_quote(v, q, sizeof(q)), len);
	return 0;
}

/* "relay phone N|listen A|source P/N|default to HOST[:PORT] [allow P,...]" */
static int parse_relay(struct conf *c, struct ctx *x, const char *v)
{
	static const char usage[] = "expected \"relay phone NUMBER|listen ADDRESS|source A.B.C.D/N|default to HOST[:PORT]|l2tpv3 ... [allow NAME[,NAME...]]\"";
	char buf[1024], *w[16], *save = NULL, q[300];
	struct relay_rule r = { .line = x->line }, *t;
	unsigned int n = 0, to, tw;
	struct parse_error e;

	snprintf(buf, sizeof(buf), "%s", v);
	for (char *p = strtok_r(buf, " \t", &save); p;
	     p = strtok_r(NULL, " \t", &save)) {
		if (n == 12)
			return bad(x, "relay: too many words: %s", usage);
		w[n++] = p;
	}
	w[n] = NULL;
	if (n && !strcmp(w[0], "default")) {
		r.match = RELAY_DEFAULT;
		to = 1;
	} else if (n && !strcmp(w[0], "phone")) {
		r.match = RELAY_PHONE;
		to = 2;
	} else if (n && !strcmp(w[0], "listen")) {
		r.match = RELAY_LISTEN;
		to = 2;
	} else if (n && !strcmp(w[0], "source")) {
		r.match = RELAY_SOURCE;
		to = 2;
	} else {
		return bad(x, "relay %s: %s", parse_quote(w[0], q, sizeof(q)),
			   usage);
	}
	/* words of the target: HOST[:PORT], or l2tpv3 and six more */
	tw = n > to + 1 && !strcmp(w[to + 1], "l2tpv3") ? 7 : 1;
	if (n < to + 1 + tw || strcmp(w[to], "to") ||
	    (n != to + 1 + tw &&
	     (n != to + 3 + tw || strcmp(w[to + 1 + tw], "allow"))))
		return bad(x, "relay %s: %s", w[0], usage);
	if (n == to + 3 + tw) {
		const char *a = w[to + 2 + tw];

		if (strlen(a) >= sizeof(r.allow) || *a == ',' ||
		    strstr(a, ",,") || a[strlen(a) - 1] == ',')
			return bad(x, "relay allow %s: names (shell patterns) separated by commas, %zu characters at most",
				   parse_quote(a, q, sizeof(q)),
				   sizeof(r.allow) - 1);
		snprintf(r.allow, sizeof(r.allow), "%s", a);
	}
	switch (r.match) {
	case RELAY_PHONE:
		if (strlen(w[1]) > PPTP_STR_LEN)
			return bad(x, "relay phone %s: longer than %u characters",
				   parse_quote(w[1], q, sizeof(q)),
				   PPTP_STR_LEN);
		snprintf(r.phone, sizeof(r.phone), "%s", w[1]);
		break;
	case RELAY_LISTEN:
		if (parse_ipv4("relay listen address", w[1], &r.addr, &e))
			return bad(x, "%s", e.msg);
		r.mask = ~0u;
		break;
	case RELAY_SOURCE:
		if (relay_prefix(x, &r, w[1]))
			return -1;
		break;
	case RELAY_DEFAULT:
		break;
	}
	if (tw == 7 ? relay_l2tp(x, &r, &w[to + 1]) :
	    relay_target(x, &r, w[to + 1]))
		return -1;
	if (c->nrelays >= 1024)
		return bad(x, "relay: more than 1024 rules");
	t = realloc(c->relays, (c->nrelays + 1) * sizeof(*t));
	if (!t)
		return bad(x, "out of memory");
	c->relays = t;
	c->relays[c->nrelays++] = r;
	return 0;
}

const struct relay_rule *conf_relay_match(const struct conf *c,
					  const char *phone, uint32_t local,
					  uint32_t peer)
{
	unsigned int i;

	for (i = 0; i < c->nrelays; i++) {
		const struct relay_rule *r = &c->relays[i];

		switch (r->match) {
		case RELAY_PHONE:
			if (!strcmp(r->phone, phone))
				return r;
			break;
		case RELAY_LISTEN:
			if (r->addr == local)
				return r;
			break;
		case RELAY_SOURCE:
			if ((peer & r->mask) == r->addr)
				return r;
			break;
		case RELAY_DEFAULT:
			return r;
		}
	}
	return NULL;
}

static int directive(struct conf *c, struct ctx *x, const char *kw,
		     const char *v)
{
	unsigned int n = 0;
	int r;

	r = pptpd_directive(c, x, kw, v);
	if (r <= 0)
		return r;
	if (!*v)
		return bad(x, "%s needs a value", kw);
	if (!strcmp(kw, "listen"))
		return parse_host(x, "listen address", v, &c->listen);
	if (!strcmp(kw, "relay"))
		return parse_relay(c, x, v);
	if (!strcmp(kw, "relay-list")) {
		if (*v != '/')
			return bad(x, "relay-list %s: give an absolute path", v);
		free(c->relay_list_path);
		c->relay_list_path = strdup(v);
		return c->relay_list_path ? 0 : bad(x, "out of memory");
	}
	if (!strcmp(kw, "connect")) {
		struct parse_error e;

		if (parse_host(x, "server address", v, &c->connect))
			return -1;
		free(c->connect_host);
		c->connect_host = NULL;
		if (!parse_ipv4("", v, &(uint32_t){ 0 }, &e))
			return 0;
		/* a name: the server may move, dial what it names now */
		c->connect_host = strdup(v);
		return c->connect_host ? 0 : bad(x, "out of memory");
	}
	if (!strcmp(kw, "redial"))
		return set_secs(x, kw, v, &c->redial_ms);
	if (!strcmp(kw, "connect-timeout")) {
		if (set_secs(x, kw, v, &c->connect_ms))
			return -1;
		return c->connect_ms ? 0 :
		       bad(x, "%s: must be at least 1 second", kw);
	}
	/* a slow next hop (or a chain of them) needs more */
	if (!strcmp(kw, "relay-login-timeout")) {
		if (set_secs(x, kw, v, &c->relay_login_ms))
			return -1;
		return c->relay_login_ms ? 0 :
		       bad(x, "%s: must be at least 1 second", kw);
	}
	if (!strcmp(kw, "port")) {
		if (set_uint(x, kw, v, 1, 65535, &n))
			return -1;
		c->port = (uint16_t)n;
		return 0;
	}
	if (!strcmp(kw, "localip"))
		return parse_pool(x, kw, v, &c->local);
	if (!strcmp(kw, "remoteip"))
		return parse_pool(x, kw, v, &c->remote);
	/* pptpd: "connections" limits the clients served at once */
	if (!strcmp(kw, "connections") || !strcmp(kw, "max-connections"))
		return set_uint(x, kw, v, 1, 65535, &c->max_conns);
	if (!strcmp(kw, "max-per-source"))
		return set_uint(x, kw, v, 1, 65535, &c->max_per_source);
	if (!strcmp(kw, "max-calls"))
		return set_uint(x, kw, v, 1, 65535, &c->max_calls);
	if (!strcmp(kw, "max-calls-per-connection"))
		return set_uint(x, kw, v, 1, 1024, &c->ctrl.max_calls);
	/* call setups a second; 0: no limit */
	if (!strcmp(kw, "max-call-rate"))
		return set_uint(x, kw, v, 0, 65535, &c->max_call_rate);
	if (!strcmp(kw, "max-calls-per-source"))
		return set_uint(x, kw, v, 0, 65535, &c->max_calls_per_source);
	if (!strcmp(kw, "max-invalid-messages"))
		return set_uint(x, kw, v, 0, 65535, &c->ctrl.max_invalid);
	if (!strcmp(kw, "stimeout") || !strcmp(kw, "handshake-timeout")) {
		if (set_secs(x, kw, v, &c->ctrl.handshake_ms))
			return -1;
		return c->ctrl.handshake_ms ? 0 :
		       bad(x, "%s: must be at least 1 second", kw);
	}
	if (!strcmp(kw, "echo-interval"))
		return set_secs(x, kw, v, &c->ctrl.echo_ms);
	if (!strcmp(kw, "echo-timeout")) {
		if (set_secs(x, kw, v, &c->ctrl.echo_wait_ms))
			return -1;
		return c->ctrl.echo_wait_ms ? 0 :
		       bad(x, "%s: must be at least 1 second", kw);
	}
	if (!strcmp(kw, "idle-timeout"))
		return set_secs(x, kw, v, &c->ctrl.idle_ms);
	if (!strcmp(kw, "call-timeout"))
		return set_secs(x, kw, v, &c->ctrl.call_ms);
	if (!strcmp(kw, "window")) {
		if (set_uint(x, kw, v, 1, 65535, &n))
			return -1;
		c->ctrl.window = (uint16_t)n;
		return 0;
	}
	if (!strcmp(kw, "hostname")) {
		snprintf(c->ctrl.host, sizeof(c->ctrl.host), "%s", v);
		return 0;
	}
	if (!strcmp(kw, "ipv6")) {
		if (set_on_off(x, kw, v, &n))
			return -1;
		c->ipv6 = n ? CONF_IPV6_ON : CONF_IPV6_OFF;
		return 0;
	}
	if (!strcmp(kw, "tx-window")) {
		if (set_on_off(x, kw, v, &n))
			return -1;
		c->tx_window = n;
		return 0;
	}
	if (!strcmp(kw, "option"))
		return set_str(x, &c->option, v);
	if (!strcmp(kw, "ppp-arg")) {
		/* words separated by blanks, each one pppd argument */
		const char *w = v;

		while (*w) {
			size_t len = strcspn(w, " \t");

			if (c->nppp_args >= CONF_MAX_ARGS)
				return bad(x, "more than %u pppd arguments",
					   CONF_MAX_ARGS);
			c->ppp_args[c->nppp_args] = strndup(w, len);
			if (!c->ppp_args[c->nppp_args++])
				return bad(x, "out of memory");
			w += len;
			w += strspn(w, " \t");
		}
		return 0;
	}
	if (!strcmp(kw, "pppd")) {
		/* "none": PPTP and kernel calls only (benchmarks, tests) */
		c->no_pppd = !strcmp(v, "none");
		/* not looked up in PATH: which pppd runs is ours to say */
		if (!c->no_pppd && *v != '/')
			return bad(x, "pppd: \"%s\" is not an absolute path (for example /usr/sbin/pppd)",
				   v);
		return set_str(x, &c->pppd, v);
	}
	if (!strcmp(kw, "plugin"))
		return set_str(x, &c->plugin, v);
	if (!strcmp(kw, "radius-config")) {
		/* pppd's cwd is not ours to know: the path must not depend on it */
		if (*v != '/')
			return bad(x, "radius-config: \"%s\" is not an absolute path (for example /etc/kpptpd/radiusclient.conf)",
				   v);
		return set_str(x, &c->radius_config, v);
	}
	if (!strcmp(kw, "radius-plugin"))
		return set_str(x, &c->radius_plugin, v);
	if (!strcmp(kw, "radius-dm-listen"))
		return parse_dm_listen(c, x, v);
	if (!strcmp(kw, "radius-dm-client"))
		return parse_dm_client(c, x, v);
	if (!strcmp(kw, "state-file"))
		return set_str(x, &c->state_file, v);
	if (!strcmp(kw, "control-socket"))
		return set_str(x, &c->control_socket,
			       strcmp(v, "none") ? v : "");
	{
		char q[80];

		return bad(x, "unknown directive %s",
			   parse_quote(kw, q, sizeof(q)));
	}
}

/*
 * The pools as pptpd makes them: with delegate none (pppd picks the
 * addresses); a list not given is pptpd's default; a localip list of
 * several addresses pairs one with each remoteip address, so the calls
 * are as many as the shorter list.  The client role has no pools.
 */
static void drop_pools(struct conf *c, struct ctx *x, const char *kw,
		       const char *who_assigns)
{
	if (c->local.n || c->remote.n)
		note(c, "%s: %s: localip and remoteip ignored, %s", x->name, kw,
		     who_assigns);
	pool_free(&c->local);
	pool_free(&c->remote);
}

static int pptpd_pools(struct conf *c, struct ctx *x)
{
	if (c->delegate) {
		drop_pools(c, x, "delegate", "pppd picks the addresses (as with pptpd)");
		return 0;
	}
	if (c->radius_config) {
		/* the client's address is RADIUS's Framed-IP-Address; ours
		 * is the same on every call, or pppd's to find */
		if (c->remote.n)
			note(c, "%s: radius-config: remoteip ignored, RADIUS assigns the client's address (Framed-IP-Address)",
			     x->name);
		pool_free(&c->remote);
		if (c->local.n > 1)
			return bad(x, "localip: with radius-config it is one address, this end of every call (got %u)",
				   c->local.n);
		return 0;
	}
	if (c->connect) {
		/* a client's addresses come from the server it dials */
		drop_pools(c, x, "connect", "the server assigns the addresses");
		return 0;
	}
	if (!c->local.n) {
		if (parse_pool(x, "localip", PPTPD_DEFAULT_LOCALIP, &c->local))
			return -1;
		note(c, "%s: no localip: %s, pptpd's default (delegate: pppd picks the addresses)",
		     x->name, PPTPD_DEFAULT_LOCALIP);
	}
	if (!c->remote.n) {
		if (parse_pool(x, "remoteip", PPTPD_DEFAULT_REMOTEIP, &c->remote))
			return -1;
		note(c, "%s: no remoteip: %s, pptpd's default (delegate: pppd picks the addresses)",
		     x->name, PPTPD_DEFAULT_REMOTEIP);
	}
	if (c->local.n > 1 && c->local.n < c->remote.n) {
		note(c, "%s: localip has %u addresses for %u remoteip addresses: %u calls at most, one pair each (as with pptpd)",
		     x->name, c->local.n, c->remote.n, c->local.n);
		pool_truncate(&c->remote, c->local.n);
	}
	return 0;
}

int conf_check_files(const struct conf *c, char *err, size_t errlen)
{
	if (c->radius_config && access(c->radius_config, R_OK)) {
		snprintf(err, errlen, "radius-config %s: %s: pppd's radius.so reads it (radiusclient.conf(5) format; see kpptpd.conf(5))",
			 c->radius_config, strerror(errno));
		return -1;
	}
	if (c->logwtmp && !c->no_pppd && access(c->logwtmp_plugin, R_OK)) {
		snprintf(err, errlen, "logwtmp: pptpd's pppd plugin %s: %s: install pptpd (its package has the plugin), name it with logwtmp-plugin PATH, or remove logwtmp",
			 c->logwtmp_plugin, strerror(errno));
		return -1;
	}
	return 0;
}

int conf_parse(struct conf *c, const char *name, const char *text,
	       char *err, size_t errlen)
{
	struct ctx x = { name, 0, err, errlen };
	const char *p = text;

	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char line[1024], *kw, *v, *end;

		x.line++;
		if (len >= sizeof(line))
			return bad(&x, "line longer than %zu bytes",
				   sizeof(line) - 1);
		memcpy(line, p, len);
		line[len] = '\0';
		p += len + (eol ? 1 : 0);

		if ((end = strchr(line, '#')))
			*end = '\0';
		kw = line + strspn(line, " \t\r");
		if (!*kw)
			continue;
		v = kw + strcspn(kw, " \t\r");
		if (*v)
			*v++ = '\0';
		v += strspn(v, " \t\r");
		end = v + strlen(v);
		while (end > v && strchr(" \t\r", end[-1]))
			*--end = '\0';
		if (strlen(v) != strcspn(v, " \t") && strcmp(kw, "ppp-arg") &&
		    strcmp(kw, "hostname") && strcmp(kw, "relay") &&
		    strcmp(kw, "radius-dm-client"))
			return bad(&x, "%s: one value expected, got \"%s\"",
				   kw, v);
		if (directive(c, &x, kw, v))
			return -1;
	}
	if (c->nrelays && c->connect) {
		x.line = c->relays[0].line;
		return bad(&x, "relay: only a server relays calls, and connect makes this a client: remove one of them");
	}
	x.line = 0;
	if (c->relay_list_path && (c->connect || c->no_pppd))
		return bad(&x, "relay-list: a gateway's pppd logs users in, so it needs the server role and pppd (remove %s or relay-list)",
			   c->connect ? "connect" : "\"pppd none\"");
	if (c->radius_config && (c->connect || c->no_pppd || c->relay_list_path))
		return bad(&x, "radius-config: pppd authenticates a server's clients with RADIUS, so it needs the server role and pppd, and is not combined with a relay list (remove %s or radius-config)",
			   c->connect ? "connect" :
			   c->no_pppd ? "\"pppd none\"" : "relay-list");
	if (c->dm_port && !c->ndm_clients)
		return bad(&x, "radius-dm-listen: no radius-dm-client may send Disconnect-Messages (add radius-dm-client ADDRESS SECRET)");
	if (c->ndm_clients && !c->dm_port)
		return bad(&x, "radius-dm-client: Disconnect-Messages are not listened for (add radius-dm-listen ADDRESS[:PORT])");
	if (c->dm_port && c->connect)
		return bad(&x, "radius-dm-listen: a client's sessions are the server's to end (remove connect or radius-dm-listen)");
	if (c->ipv6 == CONF_IPV6_ON && (c->relay_list_path || c->no_pppd))
		return bad(&x, "ipv6: IPV6CP is pppd's, and a terminating gateway relays IPv4 only (remove ipv6 or %s)",
			   c->no_pppd ? "\"pppd none\"" : "relay-list");
	return pptpd_pools(c, &x);
}

int conf_load(struct conf *c, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	struct stat st;
	char *text = NULL;
	size_t cap = 0, len = 0, n;
	int ret;

	if (!f || fstat(fileno(f), &st)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	do {
		if (len + 4096 + 1 > cap) {
			char *t = realloc(text, cap = len + 65536);

			if (!t || cap > (1 << 22)) {
				free(t ? t : text);
				fclose(f);
				snprintf(err, errlen, "%s: too large", path);
				return -1;
			}
			text = t;
		}
		n = fread(text + len, 1, 4096, f);
		len += n;
	} while (n);
	fclose(f);
	text[len] = '\0';
	if (strlen(text) != len) {
		free(text);
		snprintf(err, errlen, "%s: contains a NUL byte", path);
		return -1;
	}
	ret = conf_parse(c, path, text, err, errlen);
	free(text);
	if (!ret && c->ndm_clients && (st.st_mode & 077)) {
		snprintf(err, errlen, "%s: holds RADIUS secrets (radius-dm-client) but others may read it: chmod 600 %s",
			 path, path);
		ret = -1;
	}
	if (!ret && c->relay_list_path)
		ret = rl_load(&c->rl, c->relay_list_path, err, errlen);
	return ret;
}

int pool_take(struct conf *c, uint32_t *local, uint32_t *remote)
{
	struct pool *p = &c->remote;
	unsigned int w, words = POOL_WORDS(p->n), i;

	if (!c->local.n)	/* pptpd_pools() gives a server both lists */
		return -1;
	for (w = p->hint; w < words && p->used[w] == ~0ULL; w++)
		;
	p->hint = w;
	if (w == words)
		return -1;
	i = w * 64 + (unsigned int)__builtin_ctzll(~p->used[w]);
	pool_claim(p, i);
	*remote = htonl(p->addr[i]);
	*local = htonl(c->local.addr[c->local.n > 1 ? i : 0]);
	return (int)i;
}

void pool_put(struct conf *c, int idx)
{
	struct pool *p = &c->remote;
	unsigned int i = (unsigned int)idx;

	if (idx < 0 || i >= p->n || !pool_used(p, i))
		return;
	p->used[i / 64] &= ~(1ULL << (i % 64));
	p->inuse--;
	if (i / 64 < p->hint)
		p->hint = i / 64;
}
