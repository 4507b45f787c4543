// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for kpptpctl's call key grammar and lib/parse.c:
 * arbitrary bytes, split at NULs into an argument vector, parsed as the
 * arguments of call add and of call set.  Accepted input must be complete
 * (the required keys present); refused input must come with a message.
 *
 *	make -C userspace fuzz && userspace/build/fuzz_callargs -max_total_time=60
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kpptpctl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct parse_error e;
	struct call_args a;
	char *buf, *argv[64];
	int argc = 0;
	size_t i, start = 0;

	if (size > 4096)
		return 0;
	buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = 0;
	for (i = 0; i <= size && argc < 64; i++) {
		if (buf[i])
			continue;
		argv[argc++] = buf + start;
		start = i + 1;
	}

	e.msg[0] = 0;
	if (parse_call_args(argc, argv, CALL_ADD, &a, &e)) {
		if (!e.msg[0])
			abort();
	} else if (!(a.cfg.set & KPPTP_CFG(KPPTP_A_PEER_ADDR)) ||
		   !(a.cfg.set & KPPTP_CFG(KPPTP_A_PEER_CALL_ID)) ||
		   ((a.cfg.set & KPPTP_CFG(KPPTP_A_CALL_ID)) && !a.cfg.id)) {
		abort();
	}
	e.msg[0] = 0;
	if (parse_call_args(argc, argv, CALL_SET, &a, &e)) {
		if (!e.msg[0])
			abort();
	} else if (!a.cfg.id || (a.cfg.set & KPPTP_CFG(KPPTP_A_PEER_ADDR))) {
		abort();
	}
	free(buf);
	return 0;
}
