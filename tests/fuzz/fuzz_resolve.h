/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The configuration harnesses' name lookup (conf_resolve): no DNS from a
 * fuzzer; "a.b" is 10.0.0.1, every other name is unknown.
 */
#ifndef KPPTP_FUZZ_RESOLVE_H
#define KPPTP_FUZZ_RESOLVE_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int fuzz_resolve(const char *name, uint32_t *be, char *err, size_t len)
{
	if (!strcmp(name, "a.b")) {
		*be = 0x0100000a;
		return 0;
	}
	snprintf(err, len, "unknown");
	return -1;
}

#endif
