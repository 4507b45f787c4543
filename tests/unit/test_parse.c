// SPDX-License-Identifier: GPL-2.0
/* Command-line value parsing: ranges, junk, and errors that quote input. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"
#include "unit.h"

int main(void)
{
	uint32_t v, a;
	uint16_t id;
	bool on;

	freopen("/dev/null", "w", stderr);	/* the errors are expected */
	CHECK(parse_call_id("id", "1", &id) == 0 && id == 1);
	CHECK(parse_call_id("id", "65535", &id) == 0 && id == 65535);
	CHECK(parse_call_id("id", "65536", &id) == -1);
	CHECK(parse_call_id("id", "-1", &id) == -1);
	CHECK(parse_call_id("id", "", &id) == -1);
	CHECK(parse_call_id("id", "12abc", &id) == -1);
	CHECK(parse_call_id("id", " 5", &id) == -1);
	CHECK(parse_call_id("id", "99999999999999999999", &id) == -1);
	CHECK(parse_u32("w", "8192", 1, 8192, &v) == 0 && v == 8192);
	CHECK(parse_u32("w", "0", 1, 8192, &v) == -1);
	CHECK(parse_u32("w", "8193", 1, 8192, &v) == -1);
	CHECK(parse_ipv4("peer", "10.0.0.2", &a) == 0 &&
	      a == inet_addr("10.0.0.2"));
	CHECK(parse_ipv4("peer", "10.0.0", &a) == -1);
	CHECK(parse_ipv4("peer", "10.0.0.256", &a) == -1);
	CHECK(parse_ipv4("peer", "::1", &a) == -1);
	CHECK(parse_on_off("x", "on", &on) == 0 && on);
	CHECK(parse_on_off("x", "off", &on) == 0 && !on);
	CHECK(parse_on_off("x", "yes", &on) == -1);

	/* The error message names the value and quotes the input. */
	{
		char buf[256] = "";
		FILE *f = fmemopen(buf, sizeof(buf), "w");
		FILE *saved = stderr;

		stderr = f;
		parse_call_id("peer call ID", "70000", &id);
		fclose(f);
		stderr = saved;
		CHECK(strstr(buf, "peer call ID") != NULL);
		CHECK(strstr(buf, "\"70000\"") != NULL);
		CHECK(strstr(buf, "0-65535") != NULL);
	}
	return unit_done();
}
