// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for kpptpd/conf.c: arbitrary text as kpptpd.conf.  A
 * refusal names a line; an accepted configuration has consistent pools
 * that can be drained and refilled, and relay rules that match in order.
 *
 *	make -C userspace fuzz && userspace/build/fuzz_kpptpd_conf -max_total_time=60
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "fuzz_resolve.h"

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
		/* relay rules: a next hop each; a rule's own phone number,
		 * address or prefix matches it or an earlier rule */
		for (n = 0; n < c.nrelays; n++) {
			const struct relay_rule *rr = &c.relays[n], *m;

			m = conf_relay_match(&c, rr->phone, rr->addr,
					     rr->addr);
			if (!rr->port || !rr->hop[0] || !m || m > rr)
				abort();
		}
	}
	conf_free(&c);
	free(text);
	return 0;
}
