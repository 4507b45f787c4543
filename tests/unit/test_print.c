// SPDX-License-Identifier: GPL-2.0
/* The text/JSON printer: same calls, both outputs, escaping. */
#include <string.h>

#include "print.h"
#include "unit.h"

static void sample(struct printer *p)
{
	print_open_array(p, NULL);
	print_open_object(p, NULL);
	print_u64(p, "id", "id %llu ", 7);
	print_string(p, "ifname", "dev %s ", "ppp\"0\\\n");
	print_bool(p, "attached", "attached %s", true);
	print_text(p, "\n");
	print_open_object(p, "stats");
	print_u64(p, "rx_packets", " rx %llu", 18446744073709551615ULL);
	print_close_object(p);
	print_close_object(p);
	print_open_object(p, NULL);
	print_u64(p, "id", "id %llu\n", 8);
	print_close_object(p);
	print_close_array(p);
}

int main(void)
{
	char buf[1024];
	struct printer p;
	FILE *f;

	f = fmemopen(buf, sizeof(buf), "w");
	printer_init(&p, f, true, false);
	sample(&p);
	fclose(f);
	CHECK(!strcmp(buf, "[{\"id\":7,\"ifname\":\"ppp\\\"0\\\\\\n\",\"attached\":true,"
		      "\"stats\":{\"rx_packets\":18446744073709551615}},{\"id\":8}]\n"));

	f = fmemopen(buf, sizeof(buf), "w");
	printer_init(&p, f, false, false);
	sample(&p);
	fclose(f);
	CHECK(!strcmp(buf, "id 7 dev ppp\"0\\\n attached yes\n rx 18446744073709551615id 8\n"));

	f = fmemopen(buf, sizeof(buf), "w");
	printer_init(&p, f, true, true);
	sample(&p);
	fclose(f);
	CHECK(strstr(buf, "\n  {\n    \"id\": 7,") != NULL);
	CHECK(buf[strlen(buf) - 2] == ']');

	/* control characters become \u escapes */
	f = fmemopen(buf, sizeof(buf), "w");
	print_json_string(f, "a\x01z");
	fclose(f);
	CHECK(!strcmp(buf, "\"a\\u0001z\""));
	return unit_done();
}
