// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for kpptp.so's records as kpptpd reads them
 * (lib/report.c): arbitrary bytes fed in pieces whose sizes the input's
 * first byte picks.  Every record taken must make sense (strings
 * terminated, within their limits, a known event and phase), every one
 * refused must say why, and the reader's buffer never overflows.
 *
 *	make -C userspace fuzz && userspace/build/fuzz_report -max_total_time=60
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

static void check(void *arg, const struct report_rec *r, const char *why)
{
	(void)arg;
	if (!r) {
		if (!why || !*why)
			abort();
		return;
	}
	if (r->event < REPORT_HELLO || r->event > REPORT_IP_DOWN ||
	    strlen(r->user) > REPORT_USER_MAX ||
	    strlen(r->ifname) > REPORT_IFNAME_MAX || r->phase < 0 ||
	    r->phase > 12)
		abort();
	if (r->event == REPORT_AUTH && !r->user[0])
		abort();
	if (r->event == REPORT_HELLO && !r->version)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct report_in in;
	size_t chunk, i;

	if (!size)
		return 0;
	chunk = data[0] ? data[0] : 4096;
	data++, size--;
	report_in_init(&in);
	for (i = 0; i < size; i += chunk)
		report_input(&in, (const char *)data + i,
			     size - i < chunk ? size - i : chunk, check, NULL);
	if (in.len > sizeof(in.buf))
		abort();
	return 0;
}
