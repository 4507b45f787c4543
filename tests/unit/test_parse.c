// SPDX-License-Identifier: GPL-2.0
/* lib/parse.c: values people type, and errors that quote them. */
#include <arpa/inet.h>

#include "parse.h"
#include "unit.h"

TEST(call_id_range)
{
	struct parse_error e;
	uint16_t id = 7;

	CHECK(parse_call_id("call ID", "1", &id, &e) == 0 && id == 1);
	CHECK(parse_call_id("call ID", "65535", &id, &e) == 0 && id == 65535);
	CHECK(parse_call_id("call ID", "0", &id, &e) == -1);
	CHECK_STR(e.msg, "invalid call ID \"0\": must be 1-65535");
	CHECK(parse_call_id("call ID", "65536", &id, &e) == -1);
	CHECK_STR(e.msg, "invalid call ID \"65536\": must be 1-65535");
	CHECK(id == 65535);	/* untouched on failure */
}

TEST(numbers_are_plain_decimal)
{
	static const char *const bad[] = {
		"", "-1", "+1", " 1", "1 ", "0x10", "1e3", "12abc", "1.0",
		"99999999999999999999999999",
	};
	struct parse_error e;
	uint16_t id;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(parse_call_id("call ID", bad[i], &id, &e) == -1);
		CHECK_HAS(e.msg, "invalid call ID \"");
	}
	CHECK(parse_call_id("call ID", "007", &id, &e) == 0 && id == 7);
	CHECK(parse_call_id("call ID", "12abc", &id, &e) == -1);
	CHECK_STR(e.msg, "invalid call ID \"12abc\": not a decimal number");
	CHECK(parse_call_id("call ID", "", &id, &e) == -1);
	CHECK_STR(e.msg, "invalid call ID \"\": empty");
	CHECK(parse_call_id("call ID", "99999999999999999999999999", &id, &e) == -1);
	CHECK_HAS(e.msg, "must be 1-65535");
}

TEST(widths)
{
	struct parse_error e;
	uint16_t v16;
	uint32_t v32;
	uint64_t v64;

	CHECK(parse_u16("window", "0", &v16, &e) == 0 && v16 == 0);
	CHECK(parse_u16("window", "65535", &v16, &e) == 0 && v16 == 65535);
	CHECK(parse_u16("window", "65536", &v16, &e) == -1);
	CHECK_STR(e.msg, "invalid window \"65536\": must be 0-65535");
	CHECK(parse_u32("ack-delay", "4294967295", &v32, &e) == 0 &&
	      v32 == 4294967295U);
	CHECK(parse_u32("ack-delay", "4294967296", &v32, &e) == -1);
	CHECK(parse_uint("x", "18446744073709551615", 0, UINT64_MAX, &v64, &e) == 0 &&
	      v64 == UINT64_MAX);
	CHECK(parse_uint("x", "18446744073709551616", 0, UINT64_MAX - 1, &v64, &e) == -1);
	CHECK(parse_uint("x", "5", 6, 9, &v64, &e) == -1);
	CHECK_STR(e.msg, "invalid x \"5\": must be 6-9");
}

TEST(ipv4)
{
	static const char *const bad[] = {
		"10.0.0", "10.0.0.256", "::1", "10.0.0.2 ", " 10.0.0.2", "",
		"1.2.3.4.5", "host.example", "10.1",
	};
	struct parse_error e;
	uint32_t a = 0;
	size_t i;

	CHECK(parse_ipv4("peer address", "10.0.0.2", &a, &e) == 0 &&
	      a == inet_addr("10.0.0.2"));
	CHECK(parse_ipv4("peer address", "255.255.255.255", &a, &e) == 0 &&
	      a == 0xffffffffU);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(parse_ipv4("peer address", bad[i], &a, &e) == -1);
	CHECK(parse_ipv4("peer address", "10.0.0", &a, &e) == -1);
	CHECK_STR(e.msg,
		  "invalid peer address \"10.0.0\": not an IPv4 address (a.b.c.d)");
}

TEST(on_off)
{
	struct parse_error e;
	int on = -1;

	CHECK(parse_on_off("reorder", "on", &on, &e) == 0 && on == 1);
	CHECK(parse_on_off("reorder", "off", &on, &e) == 0 && on == 0);
	CHECK(parse_on_off("reorder", "yes", &on, &e) == -1);
	CHECK_STR(e.msg, "invalid reorder \"yes\": must be on or off");
	CHECK(parse_on_off("reorder", "ON", &on, &e) == -1);
	CHECK(parse_on_off("reorder", "", &on, &e) == -1);
}

TEST(quoting)
{
	char buf[256], small[12], big[500];

	CHECK_STR(parse_quote("plain", buf, sizeof(buf)), "\"plain\"");
	CHECK_STR(parse_quote("", buf, sizeof(buf)), "\"\"");
	CHECK_STR(parse_quote("a\"b\\c", buf, sizeof(buf)), "\"a\\\"b\\\\c\"");
	CHECK_STR(parse_quote("a\nb\tc\x7f\xff", buf, sizeof(buf)),
		  "\"a\\x0ab\\x09c\\x7f\\xff\"");
	/* long input is cut, and says so */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	parse_quote(big, buf, sizeof(buf));
	CHECK(strlen(buf) < 60);
	CHECK(!strcmp(buf + strlen(buf) - 4, "\"..."));
	/* a small buffer is never overrun and stays terminated */
	parse_quote("abcdefghijklmnop", small, sizeof(small));
	CHECK(strlen(small) < sizeof(small));
	CHECK_HAS(small, "...");
}

TEST(error_quotes_hostile_input)
{
	struct parse_error e;
	uint16_t id;

	CHECK(parse_call_id("call ID", "1\n2", &id, &e) == -1);
	CHECK_STR(e.msg, "invalid call ID \"1\\x0a2\": not a decimal number");
	CHECK(strchr(e.msg, '\n') == NULL);
}
