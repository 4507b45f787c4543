// SPDX-License-Identifier: GPL-2.0
/*
 * The relay list (relaylist.h): parsed whole or not at all, so that a
 * reload with a broken file keeps the list in use.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/parse.h"
#include "conf.h"
#include "relaylist.h"

#define RL_MAX_WORDS (4 + RL_MAX_OPTS)
#define RL_MAX_ENTRIES 65536
#define RL_FILE_MAX (1 << 22)

__attribute__((format(printf, 5, 6)))
static int fail(char *err, size_t errlen, const char *name, unsigned int line,
		const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "%s:%u: %s", name, line, msg);
	return -1;
}

/*
 * Split @line in place into words: blanks separate, "..." keeps blanks,
 * '\' escapes '"' and '\' inside quotes, '#' outside quotes ends the
 * line.  The number of words, or -1 and @why.
 */
static int split(char *line, char *w[], int max, const char **why)
{
	char *r = line, *o = line;
	int n = 0;

	for (;;) {
		r += strspn(r, " \t\r");
		if (!*r || *r == '#')
			return n;
		if (n == max) {
			*why = "too many words";
			return -1;
		}
		w[n++] = o;
		if (*r == '"') {
			for (r++; *r != '"'; r++) {
				if (!*r) {
					*why = "a quote that does not end";
					return -1;
				}
				if (*r == '\\' && (r[1] == '"' || r[1] == '\\'))
					r++;
				*o++ = *r;
			}
			r++;
			if (*r && !strchr(" \t\r", *r)) {
				*why = "text straight after a closing quote";
				return -1;
			}
		} else {
			while (*r && !strchr(" \t\r#", *r))
				*o++ = *r++;
		}
		if (*r && *r != '#')
			r++;
		else if (*r == '#')
			*r = '\0';	/* ends the line after this word */
		*o++ = '\0';
	}
}

static int take_opts(char *dst[], unsigned int *n, char *w[], int nw)
{
	int i;

	for (i = 0; i < nw; i++) {
		if (!*w[i])
			return -1;
		dst[i] = strdup(w[i]);
		if (!dst[i])
			return -1;
		*n = (unsigned int)i + 1;
	}
	return 0;
}

static void entry_free(struct rl_entry *e)
{
	unsigned int i;

	if (e->secret)
		explicit_bzero(e->secret, strlen(e->secret));
	free(e->secret);
	free(e->user);
	free(e->realm);
	free(e->hop);
	free(e->next_user);
	for (i = 0; i < e->nopts; i++)
		free(e->opts[i]);
	memset(e, 0, sizeof(*e));
}

void rl_free(struct relay_list *rl)
{
	unsigned int i;

	for (i = 0; i < rl->n; i++)
		entry_free(&rl->e[i]);
	for (i = 0; i < rl->ndefaults; i++)
		free(rl->defaults[i]);
	free(rl->e);
	free(rl->path);
	memset(rl, 0, sizeof(*rl));
}

/* "HOST[:PORT]" */
static int hop(struct rl_entry *e, const char *v, char *why, size_t whylen)
{
	char host[256];
	const char *colon = strrchr(v, ':');
	size_t hl = colon ? (size_t)(colon - v) : strlen(v);
	struct parse_error pe;
	uint16_t port = 1723;

	if (!hl || hl >= sizeof(host)) {
		snprintf(why, whylen, "next hop \"%.60s\": expected HOST or HOST:PORT",
			 v);
		return -1;
	}
	memcpy(host, v, hl);
	host[hl] = '\0';
	if (colon && (parse_u16("next hop port", colon + 1, &port, &pe) ||
		      !port)) {
		snprintf(why, whylen, "next hop \"%.60s\": port 1 to 65535",
			 v);
		return -1;
	}
	if (conf_resolve(host, &e->to, why, whylen))
		return -1;
	e->port = port;
	if (asprintf(&e->hop, "%s:%u", host, port) < 0) {
		e->hop = NULL;
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	return 0;
}

static int entry(struct relay_list *rl, char *w[], int nw, unsigned int line,
		 char *why, size_t whylen)
{
	struct rl_entry e = { .line = line }, *t;
	const char *at = strrchr(w[0], '@');
	unsigned int i;

	if (nw < 4) {
		snprintf(why, whylen, "expected NAME@REALM HOST[:PORT] NEXT-USER SECRET [PPPD-OPTION...]");
		return -1;
	}
	if (!at || at == w[0] || !at[1] || strlen(w[0]) > RL_NAME_MAX) {
		snprintf(why, whylen, "\"%.60s\" is not NAME@REALM or *@REALM",
			 w[0]);
		return -1;
	}
	for (i = 0; i < rl->n; i++) {
		if (!strncmp(rl->e[i].user, w[0], (size_t)(at - w[0])) &&
		    !rl->e[i].user[at - w[0]] &&
		    !strcmp(rl->e[i].realm, at + 1)) {
			snprintf(why, whylen, "\"%.60s\" again (first at line %u)",
				 w[0], rl->e[i].line);
			return -1;
		}
	}
	if (rl->n >= RL_MAX_ENTRIES) {
		snprintf(why, whylen, "more than %d entries", RL_MAX_ENTRIES);
		return -1;
	}
	if (!*w[2] || strlen(w[2]) > RL_NAME_MAX || !*w[3] ||
	    strlen(w[3]) > RL_NAME_MAX) {
		snprintf(why, whylen, "NEXT-USER and SECRET: 1 to %d bytes each",
			 RL_NAME_MAX);
		return -1;
	}
	e.user = strndup(w[0], (size_t)(at - w[0]));
	e.realm = strdup(at + 1);
	e.next_user = strcmp(w[2], "=") ? strdup(w[2]) : NULL;
	e.secret = strdup(w[3]);
	if (!e.user || !e.realm || (!e.next_user && strcmp(w[2], "=")) ||
	    !e.secret || take_opts(e.opts, &e.nopts, w + 4, nw - 4)) {
		snprintf(why, whylen, "out of memory, or an empty option");
		goto bad;
	}
	if (hop(&e, w[1], why, whylen))
		goto bad;
	t = realloc(rl->e, (rl->n + 1) * sizeof(*t));
	if (!t) {
		snprintf(why, whylen, "out of memory");
		goto bad;
	}
	rl->e = t;
	rl->e[rl->n++] = e;
	return 0;
bad:
	entry_free(&e);
	return -1;
}

int rl_parse(struct relay_list *rl, const char *name, const char *text,
	     char *err, size_t errlen)
{
	struct relay_list n = { 0 };
	unsigned int line = 0;
	const char *p = text;

	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char buf[2048], *w[RL_MAX_WORDS], why[384];
		const char *e = NULL;
		int nw;

		line++;
		if (len >= sizeof(buf)) {
			fail(err, errlen, name, line, "line longer than %zu bytes",
			     sizeof(buf) - 1);
			goto bad;
		}
		memcpy(buf, p, len);
		buf[len] = '\0';
		p += len + (eol ? 1 : 0);
		nw = split(buf, w, RL_MAX_WORDS, &e);
		if (nw < 0) {
			fail(err, errlen, name, line, "%s", e);
			goto bad;
		}
		if (!nw)
			continue;
		if (!strcmp(w[0], "defaults")) {
			if (n.ndefaults) {
				fail(err, errlen, name, line, "defaults given twice");
				goto bad;
			}
			if (nw == 1 || nw - 1 > RL_MAX_OPTS ||
			    take_opts(n.defaults, &n.ndefaults, w + 1, nw - 1)) {
				fail(err, errlen, name, line, "defaults: 1 to %d pppd options",
				     RL_MAX_OPTS);
				goto bad;
			}
			continue;
		}
		if (nw - 4 > RL_MAX_OPTS) {
			fail(err, errlen, name, line, "more than %d pppd options",
			     RL_MAX_OPTS);
			goto bad;
		}
		if (entry(&n, w, nw, line, why, sizeof(why))) {
			fail(err, errlen, name, line, "%s", why);
			goto bad;
		}
	}
	n.path = strdup(name);
	if (!n.path) {
		snprintf(err, errlen, "%s: out of memory", name);
		goto bad;
	}
	rl_free(rl);
	*rl = n;
	return 0;
bad:
	rl_free(&n);
	return -1;
}

int rl_load(struct relay_list *rl, const char *path, char *err,
	    size_t errlen)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	char *text;
	ssize_t n;
	int r;

	if (fd < 0) {
		snprintf(err, errlen, "relay-list %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "relay-list %s: not a regular file", path);
		close(fd);
		return -1;
	}
	if (st.st_mode & 077) {
		snprintf(err, errlen, "relay-list %s: it holds secrets but its mode is %04o: chmod 600 it",
			 path, (unsigned int)(st.st_mode & 07777));
		close(fd);
		return -1;
	}
	if (st.st_size >= RL_FILE_MAX) {
		snprintf(err, errlen, "relay-list %s: too large", path);
		close(fd);
		return -1;
	}
	text = malloc((size_t)st.st_size + 1);
	if (!text) {
		snprintf(err, errlen, "relay-list %s: out of memory", path);
		close(fd);
		return -1;
	}
	n = read(fd, text, (size_t)st.st_size);
	close(fd);
	if (n < 0 || n != st.st_size) {
		snprintf(err, errlen, "relay-list %s: cannot read it", path);
		free(text);
		return -1;
	}
	text[(size_t)n] = '\0';
	if (strlen(text) != (size_t)n) {
		snprintf(err, errlen, "relay-list %s: contains a NUL byte", path);
		r = -1;
	} else {
		r = rl_parse(rl, path, text, err, errlen);
	}
	explicit_bzero(text, (size_t)n);
	free(text);
	return r;
}

const struct rl_entry *rl_lookup(const struct relay_list *rl,
				 const char *user, char *next,
				 const char **why)
{
	const char *at = strrchr(user, '@');
	const struct rl_entry *any = NULL;
	size_t ul;
	unsigned int i;

	*why = NULL;
	if (!at)
		return NULL;
	ul = (size_t)(at - user);
	for (i = 0; i < rl->n; i++) {
		const struct rl_entry *e = &rl->e[i];

		if (strcmp(e->realm, at + 1))
			continue;
		if (strlen(e->user) == ul && !strncmp(e->user, user, ul))
			break;
		if (!strcmp(e->user, "*") && !any)
			any = e;
	}
	if (i == rl->n && !any) {
		*why = "no relay-list entry for its realm";
		return NULL;
	}
	if (i < rl->n)
		any = &rl->e[i];
	if (any->next_user)
		snprintf(next, RL_NAME_MAX + 1, "%s", any->next_user);
	else if (ul)
		snprintf(next, RL_NAME_MAX + 1, "%.*s", (int)ul, user);
	else {
		*why = "an empty name before the realm";
		return NULL;
	}
	return any;
}
