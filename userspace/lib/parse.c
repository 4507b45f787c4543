// SPDX-License-Identifier: GPL-2.0
/* Strict parsing of command-line values, with errors that quote the input. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

static int invalid(const char *what, const char *text, const char *why)
{
	fprintf(stderr, "kpptpctl: invalid %s \"%s\": %s\n", what, text, why);
	return -1;
}

int parse_u32(const char *what, const char *text, uint32_t min, uint32_t max,
	      uint32_t *out)
{
	unsigned long long v;
	char *end;
	char why[64];

	if (!*text || *text == '-' || *text == '+' || *text == ' ')
		return invalid(what, text, "not a number");
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno || *end)
		return invalid(what, text, "not a number");
	if (v < min || v > max) {
		snprintf(why, sizeof(why), "must be %u-%u", min, max);
		return invalid(what, text, why);
	}
	*out = (uint32_t)v;
	return 0;
}

int parse_call_id(const char *what, const char *text, uint16_t *out)
{
	uint32_t v;

	if (parse_u32(what, text, 0, 65535, &v))
		return -1;
	*out = (uint16_t)v;
	return 0;
}

int parse_ipv4(const char *what, const char *text, uint32_t *be_out)
{
	struct in_addr a;

	if (inet_pton(AF_INET, text, &a) != 1)
		return invalid(what, text, "not an IPv4 address");
	*be_out = a.s_addr;
	return 0;
}

int parse_on_off(const char *what, const char *text, bool *out)
{
	if (!strcmp(text, "on")) {
		*out = true;
		return 0;
	}
	if (!strcmp(text, "off")) {
		*out = false;
		return 0;
	}
	return invalid(what, text, "must be on or off");
}
