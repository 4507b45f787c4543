// SPDX-License-Identifier: GPL-2.0
/* Strict parsing of command-line and option values; see parse.h. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"

/* Longest input quoted in full; longer input is cut and marked "...". */
#define QUOTE_MAX 48

const char *parse_quote(const char *text, char *buf, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0, i;

	if (size < 8) {
		if (size)
			buf[0] = 0;
		return buf;
	}
	buf[n++] = '"';
	for (i = 0; text[i]; i++) {
		unsigned char c = (unsigned char)text[i];

		/* room for the worst case (4), the closing quote, "..." and NUL */
		if (i == QUOTE_MAX || n + 4 + 1 + 3 + 1 > size) {
			memcpy(buf + n, "\"...", 4);
			n += 4;
			buf[n] = 0;
			return buf;
		}
		if (c == '"' || c == '\\') {
			buf[n++] = '\\';
			buf[n++] = (char)c;
		} else if (c < 0x20 || c >= 0x7f) {
			buf[n++] = '\\';
			buf[n++] = 'x';
			buf[n++] = hex[c >> 4];
			buf[n++] = hex[c & 15];
		} else {
			buf[n++] = (char)c;
		}
	}
	buf[n++] = '"';
	buf[n] = 0;
	return buf;
}

int parse_fail(struct parse_error *e, const char *what, const char *text,
	       const char *why)
{
	char q[QUOTE_MAX * 4 + 8];

	snprintf(e->msg, sizeof(e->msg), "invalid %s %s: %s", what,
		 parse_quote(text, q, sizeof(q)), why);
	return -1;
}

int parse_uint(const char *what, const char *text, uint64_t min, uint64_t max,
	       uint64_t *out, struct parse_error *e)
{
	char why[64];
	uint64_t v = 0;
	const char *p;

	if (!*text)
		return parse_fail(e, what, text, "empty");
	for (p = text; *p; p++) {
		if (*p < '0' || *p > '9')
			return parse_fail(e, what, text, "not a decimal number");
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			v = UINT64_MAX;	/* saturate: reported as too big */
		else
			v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v < min || v > max) {
		snprintf(why, sizeof(why), "must be %llu-%llu",
			 (unsigned long long)min, (unsigned long long)max);
		return parse_fail(e, what, text, why);
	}
	*out = v;
	return 0;
}

int parse_u16(const char *what, const char *text, uint16_t *out,
	      struct parse_error *e)
{
	uint64_t v;

	if (parse_uint(what, text, 0, UINT16_MAX, &v, e))
		return -1;
	*out = (uint16_t)v;
	return 0;
}

int parse_u32(const char *what, const char *text, uint32_t *out,
	      struct parse_error *e)
{
	uint64_t v;

	if (parse_uint(what, text, 0, UINT32_MAX, &v, e))
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int parse_call_id(const char *what, const char *text, uint16_t *out,
		  struct parse_error *e)
{
	uint64_t v;

	if (parse_uint(what, text, 1, UINT16_MAX, &v, e))
		return -1;
	*out = (uint16_t)v;
	return 0;
}

int parse_ipv4(const char *what, const char *text, uint32_t *be_out,
	       struct parse_error *e)
{
	struct in_addr a;

	/* inet_pton() takes exactly a.b.c.d, unlike inet_aton()'s "10.1" */
	if (inet_pton(AF_INET, text, &a) != 1)
		return parse_fail(e, what, text,
				  "not an IPv4 address (a.b.c.d)");
	*be_out = a.s_addr;
	return 0;
}

int parse_on_off(const char *what, const char *text, int *out,
		 struct parse_error *e)
{
	if (!strcmp(text, "on")) {
		*out = 1;
		return 0;
	}
	if (!strcmp(text, "off")) {
		*out = 0;
		return 0;
	}
	return parse_fail(e, what, text, "must be on or off");
}
