// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for RADIUS Disconnect-Messages as kpptpd reads them
 * (kpptpd/radius.c): arbitrary bytes as a received datagram.  A packet
 * taken must make sense (its Length within what came, texts terminated,
 * Proxy-States inside it), and the answer built to it must be a well-formed
 * RADIUS packet that parses again with the request's ID.
 *
 *	make -C userspace fuzz && userspace/build/fuzz_radius -max_total_time=60
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "radius.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t out[RAD_MAX_LEN];
	struct rad_request r, a;
	char why[128];
	unsigned int i;
	size_t n;

	if (rad_parse(data, size, &r, why, sizeof(why))) {
		if (!why[0])
			abort();
		return 0;
	}
	if (r.len < RAD_HDR_LEN || r.len > size ||
	    strlen(r.user.s) >= sizeof(r.user.s) ||
	    r.nproxy_state > RAD_MAX_PROXY_STATE)
		abort();
	for (i = 0; i < r.nproxy_state; i++)
		if (r.proxy_state[i] + data[r.proxy_state[i] + 1] > r.len ||
		    data[r.proxy_state[i]] != RAD_PROXY_STATE)
			abort();
	(void)rad_request_signed(data, &r, "s3cret");
	n = rad_answer(out, data, &r, RAD_DISCONNECT_NAK, 503, "s3cret");
	if (n < RAD_HDR_LEN || n > RAD_MAX_LEN ||
	    rad_parse(out, n, &a, why, sizeof(why)) || a.id != r.id ||
	    a.len != n || a.nproxy_state != r.nproxy_state)
		abort();
	return 0;
}
