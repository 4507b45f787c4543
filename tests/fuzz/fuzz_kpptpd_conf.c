// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for kpptpd/conf.c: arbitrary text as kpptpd.conf.  A
 * refusal names a line; an accepted configuration has consistent pools
 * that can be drained and refilled.
 *
 *	make -C userspace fuzz && userspace/build/fuzz_kpptpd_conf -max_total_time=60
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

/* no DNS from the fuzzer: one name resolves, the others do not */
static int fuzz_resolve(const char *name, uint32_t *be, char *err, size_t len)
{
	if (!strcmp(name, "a.b")) {
		*be = 0x0100000a;
		return 0;
	}
	snprintf(err, len, "unknown");
	return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, err[512];
	struct conf c;
	uint32_t l, r;
	unsigned int n = 0;

	if (size > 8192)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	conf_resolve = fuzz_resolve;
	conf_init(&c);
	err[0] = '\0';
	if (conf_parse(&c, "f", text, err, sizeof(err))) {
		if (strncmp(err, "f:", 2))
			abort();	/* every error names the file and line */
	} else {
		while (pool_take(&c, &l, &r) >= 0)
			n++;
		if (n != c.remote.n || c.remote.inuse != n)
			abort();
		while (n--)
			pool_put(&c, (int)n);
		if (c.remote.inuse)
			abort();
	}
	conf_free(&c);
	free(text);
	return 0;
}
