// SPDX-License-Identifier: GPL-2.0
/* lib/print.c: the same calls print text or JSON; JSON escaping. */
#include <stdlib.h>

#include "json_check.h"
#include "print.h"
#include "unit.h"

struct out {
	char *buf;
	size_t len;
	FILE *f;
};

static struct printer *open_out(struct out *o, struct printer *p, bool json,
				bool pretty)
{
	o->buf = NULL;
	o->f = open_memstream(&o->buf, &o->len);
	pr_init(p, o->f, json, pretty);
	return p;
}

static const char *close_out(struct out *o)
{
	fclose(o->f);
	return o->buf;
}

/* Every kind of call, as a command's output would use them. */
static void sample(struct printer *p)
{
	pr_open_arr(p, NULL);
	pr_open_obj(p, NULL);
	pr_uint(p, "id", "%-5s|", 7);
	pr_string(p, "ifname", "%s|", "ppp0");
	pr_string(p, "local", "%s|", NULL);
	pr_bool(p, "attached", "%s|", true);
	pr_on_off(p, "reorder", "%s|", false);
	pr_uint(p, "age_ms", NULL, 1234);
	pr_text(p, "\n");
	pr_open_obj(p, "stats");
	pr_uint(p, "rx_packets", " rx %s", UINT64_MAX);
	pr_close_obj(p);
	pr_open_arr(p, "empty");
	pr_close_arr(p);
	pr_close_obj(p);
	pr_open_obj(p, NULL);
	pr_uint(p, "id", "%s\n", 8);
	pr_close_obj(p);
	pr_close_arr(p);
}

TEST(json_compact)
{
	struct printer p;
	struct out o;

	sample(open_out(&o, &p, true, false));
	CHECK_STR(close_out(&o),
		  "[{\"id\":7,\"ifname\":\"ppp0\",\"local\":null,\"attached\":true,"
		  "\"reorder\":false,\"age_ms\":1234,"
		  "\"stats\":{\"rx_packets\":18446744073709551615},\"empty\":[]},"
		  "{\"id\":8}]\n");
	free(o.buf);
}

TEST(text_from_the_same_calls)
{
	struct printer p;
	struct out o;

	sample(open_out(&o, &p, false, false));
	CHECK_STR(close_out(&o),
		  "7    |ppp0|-|yes|off|\n rx 18446744073709551615" "8\n");
	free(o.buf);
}

TEST(json_pretty)
{
	struct printer p;
	struct out o;

	sample(open_out(&o, &p, true, true));
	CHECK_STR(close_out(&o),
		  "[\n"
		  "    {\n"
		  "        \"id\": 7,\n"
		  "        \"ifname\": \"ppp0\",\n"
		  "        \"local\": null,\n"
		  "        \"attached\": true,\n"
		  "        \"reorder\": false,\n"
		  "        \"age_ms\": 1234,\n"
		  "        \"stats\": {\n"
		  "            \"rx_packets\": 18446744073709551615\n"
		  "        },\n"
		  "        \"empty\": []\n"
		  "    },\n"
		  "    {\n"
		  "        \"id\": 8\n"
		  "    }\n"
		  "]\n");
	free(o.buf);
}

TEST(pretty_needs_json)
{
	struct printer p;
	struct out o;

	open_out(&o, &p, false, true);
	CHECK(!p.pretty && !p.json);
	close_out(&o);
	free(o.buf);
}

TEST(outputs_are_valid_json)
{
	struct json_check c;
	struct printer p;
	struct out o;
	int pretty;

	for (pretty = 0; pretty <= 1; pretty++) {
		sample(open_out(&o, &p, true, pretty));
		close_out(&o);
		CHECK(json_check(&c, o.buf) == 0);
		CHECK(c.values == 1 && c.keys == 10 && !c.bad_key[0]);
		free(o.buf);
	}
}

TEST(empty_array)
{
	struct printer p;
	struct out o;

	open_out(&o, &p, true, false);
	pr_open_arr(&p, NULL);
	pr_close_arr(&p);
	CHECK_STR(close_out(&o), "[]\n");
	free(o.buf);
	open_out(&o, &p, true, true);
	pr_open_arr(&p, NULL);
	pr_close_arr(&p);
	CHECK_STR(close_out(&o), "[]\n");
	free(o.buf);
}

/* monitor -j: one object per line, no commas between them */
TEST(json_lines)
{
	struct json_check c;
	struct printer p;
	struct out o;
	int i;

	open_out(&o, &p, true, false);
	for (i = 1; i <= 3; i++) {
		pr_open_obj(&p, NULL);
		pr_string(&p, "event", NULL, "new");
		pr_uint(&p, "id", NULL, (uint64_t)i);
		pr_close_obj(&p);
	}
	CHECK_STR(close_out(&o), "{\"event\":\"new\",\"id\":1}\n"
		  "{\"event\":\"new\",\"id\":2}\n{\"event\":\"new\",\"id\":3}\n");
	CHECK(json_check(&c, o.buf) == 0 && c.values == 3);
	free(o.buf);
}

static const char *json_string(const char *s, char **buf)
{
	size_t len;
	FILE *f = open_memstream(buf, &len);

	pr_json_string(f, s);
	fclose(f);
	return *buf;
}

TEST(escaping)
{
	struct json_check c;
	char *b = NULL;

	CHECK_STR(json_string("a\"b\\c/d", &b), "\"a\\\"b\\\\c/d\"");
	free(b);
	CHECK_STR(json_string("\b\f\n\r\t", &b), "\"\\b\\f\\n\\r\\t\"");
	free(b);
	CHECK_STR(json_string("a\x01z\x1f\x7f", &b), "\"a\\u0001z\\u001f\\u007f\"");
	free(b);
	/* valid UTF-8 passes through, whatever its length */
	CHECK_STR(json_string("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", &b),
		  "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");
	free(b);
	/* anything else becomes U+FFFD, so the output stays valid JSON */
	CHECK_STR(json_string("a\xff" "b", &b), "\"a\\ufffdb\"");
	free(b);
	CHECK_STR(json_string("\xe2\x82", &b), "\"\\ufffd\\ufffd\"");
	free(b);
	CHECK_STR(json_string("\xc0\xaf", &b), "\"\\ufffd\\ufffd\"");	/* overlong */
	free(b);
	CHECK_STR(json_string("\xed\xa0\x80", &b),			/* surrogate */
		  "\"\\ufffd\\ufffd\\ufffd\"");
	free(b);
	CHECK_STR(json_string("\xf4\x90\x80\x80", &b),			/* > U+10FFFF */
		  "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	free(b);
	/* and whatever went in, what comes out is a valid JSON string */
	json_string("\x01\"\\\n\xff\xc3\xa9\xed\xa0", &b);
	{
		char line[128];

		snprintf(line, sizeof(line), "%s\n", b);
		CHECK(json_check(&c, line) == 0);
	}
	free(b);
}

TEST(escaped_values_and_keys)
{
	struct json_check c;
	struct printer p;
	struct out o;

	open_out(&o, &p, true, false);
	pr_open_obj(&p, NULL);
	pr_string(&p, "ifname", NULL, "we\"ird\\\n\xff");
	pr_close_obj(&p);
	close_out(&o);
	CHECK_STR(o.buf, "{\"ifname\":\"we\\\"ird\\\\\\n\\ufffd\"}\n");
	CHECK(json_check(&c, o.buf) == 0);
	free(o.buf);
}

/* the checker used by the other tests does catch what it must */
TEST(checker_sanity)
{
	struct json_check c;

	CHECK(json_check(&c, "{\"a_b\":[1,-2.5e3,true,null,\"x\"]}\n") == 0);
	CHECK(!c.bad_key[0]);
	CHECK(json_check(&c, "{\"rxPackets\":1}\n") == 0);
	CHECK_STR(c.bad_key, "rxPackets");
	CHECK(json_check(&c, "{\"rx-packets\":1}\n") == 0);
	CHECK_STR(c.bad_key, "rx-packets");
	CHECK(json_check(&c, "{\"a\":1,}\n") != 0);
	CHECK(json_check(&c, "[1 2]\n") != 0);
	CHECK(json_check(&c, "{\"a\":1}{\"b\":2}\n") != 0);
	CHECK(json_check(&c, "\"a\nb\"\n") != 0);
	CHECK(json_check(&c, "{\"a\":01}\n") != 0);
}
