// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket's line codec; see ctlproto.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctlproto.h"

void cp_buf_init(struct cp_buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void cp_buf_free(struct cp_buf *b)
{
	free(b->data);
	cp_buf_init(b, b->max);
}

void cp_raw(struct cp_buf *b, const char *s, size_t n)
{
	if (b->overflow)
		return;
	if (b->len + n > b->max) {
		b->overflow = true;
		return;
	}
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		char *d;

		while (cap < b->len + n)
			cap *= 2;
		if (cap > b->max)
			cap = b->max;
		d = realloc(b->data, cap);
		if (!d) {
			b->overflow = true;
			return;
		}
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
}

static bool plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '\\';
}

char *cp_escape(const char *s, char *out, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	if (!n)
		return out;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (plain(c)) {
			if (o + 1 >= n)
				break;
			out[o++] = (char)c;
		} else {
			if (o + 4 >= n)
				break;
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	return out;
}

void cp_put(struct cp_buf *b, const char *key, const char *fmt, ...)
{
	char val[CP_VAL_MAX + 1], esc[4 * CP_VAL_MAX + 1];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	cp_escape(val, esc, sizeof(esc));
	cp_raw(b, key, strlen(key));
	cp_raw(b, "=", 1);
	cp_raw(b, esc, strlen(esc));
	cp_raw(b, "\n", 1);
}

void cp_end(struct cp_buf *b)
{
	cp_raw(b, "\n", 1);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int cp_next(const char *buf, size_t len, size_t *used, struct cp_pair *p,
	    char *why, size_t whylen)
{
	const char *nl = memchr(buf, '\n', len < CP_LINE_MAX ? len : CP_LINE_MAX);
	size_t k = 0, v = 0, i, end;

	*used = 0;
	if (!nl) {
		if (len >= CP_LINE_MAX) {
			snprintf(why, whylen, "line longer than %d bytes",
				 CP_LINE_MAX);
			return -1;
		}
		return CP_MORE;
	}
	end = (size_t)(nl - buf);
	*used = end + 1;
	if (end == 0)
		return CP_END;
	for (i = 0; i < end && buf[i] != '='; i++) {
		char c = buf[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_')) {
			snprintf(why, whylen,
				 "byte 0x%02x in a key (expected a-z, 0-9, _)",
				 (unsigned char)c);
			return -1;
		}
		if (k >= CP_KEY_MAX) {
			snprintf(why, whylen, "key longer than %d bytes",
				 CP_KEY_MAX);
			return -1;
		}
		p->key[k++] = c;
	}
	p->key[k] = '\0';
	if (i == end) {
		snprintf(why, whylen, "line without '='");
		return -1;
	}
	if (!k) {
		snprintf(why, whylen, "empty key");
		return -1;
	}
	for (i++; i < end; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c == '\\') {
			int hi, lo;

			if (end - i < 4 || buf[i + 1] != 'x' ||
			    (hi = hexval(buf[i + 2])) < 0 ||
			    (lo = hexval(buf[i + 3])) < 0) {
				snprintf(why, whylen,
					 "bad escape in the value of %s (\\xHH expected)",
					 p->key);
				return -1;
			}
			c = (unsigned char)(hi << 4 | lo);
			if (!c) {
				snprintf(why, whylen, "NUL in the value of %s",
					 p->key);
				return -1;
			}
			i += 3;
		} else if (!plain(c)) {
			snprintf(why, whylen,
				 "byte 0x%02x in the value of %s", c, p->key);
			return -1;
		}
		if (v >= CP_VAL_MAX) {
			snprintf(why, whylen, "value of %s longer than %d bytes",
				 p->key, CP_VAL_MAX);
			return -1;
		}
		p->val[v++] = (char)c;
	}
	p->val[v] = '\0';
	return CP_PAIR;
}

int cp_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t n = 0;

	if (!*s || (s[0] == '0' && s[1]))
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (n > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -1;
		n = n * 10 + (uint64_t)(*s - '0');
	}
	if (n < min || n > max)
		return -1;
	*out = n;
	return 0;
}

int cp_fail(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return -1;
}

const char *cp_refusal_name(unsigned int r)
{
	static const char *const names[CP_NREFUSALS] = {
		[CP_REFUSED_CONNECTIONS] = "connections",
		[CP_REFUSED_MAX_PER_SOURCE] = "max_per_source",
		[CP_REFUSED_CONN_SETUP] = "conn_setup",
		[CP_REFUSED_FD_LIMIT] = "fd_limit",
		[CP_REFUSED_MAX_CALLS] = "max_calls",
		[CP_REFUSED_MAX_CALL_RATE] = "max_call_rate",
		[CP_REFUSED_MAX_CALLS_PER_SOURCE] = "max_calls_per_source",
		[CP_REFUSED_SHUTTING_DOWN] = "shutting_down",
		[CP_REFUSED_CLIENT_ROLE] = "client_role",
		[CP_REFUSED_POOL_EXHAUSTED] = "pool_exhausted",
		[CP_REFUSED_KERNEL] = "kernel",
		[CP_REFUSED_OUT_OF_MEMORY] = "out_of_memory",
		[CP_REFUSED_RELAY] = "relay",
		[CP_REFUSED_MAX_CALLS_PER_CONNECTION] = "max_calls_per_connection",
		[CP_REFUSED_CALL_ID_IN_USE] = "call_id_in_use",
		[CP_REFUSED_WRONG_ROLE] = "wrong_role",
	};

	return r < CP_NREFUSALS ? names[r] : NULL;
}

const char *cp_dm_drop_name(unsigned int d)
{
	static const char *const names[CP_DM_NDROPS] = {
		[CP_DM_DROP_UNKNOWN_CLIENT] = "unknown_client",
		[CP_DM_DROP_MALFORMED] = "malformed",
		[CP_DM_DROP_BAD_AUTHENTICATOR] = "bad_authenticator",
		[CP_DM_DROP_NOT_A_REQUEST] = "not_a_request",
		[CP_DM_DROP_STALE] = "stale_timestamp",
	};

	return d < CP_DM_NDROPS ? names[d] : NULL;
}
