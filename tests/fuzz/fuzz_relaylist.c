// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for kpptpd/relaylist.c: arbitrary text as a relay
 * list.  A refusal names the file and line and leaves the list in use as
 * it was; an accepted list has entries whose fields are all there, and
 * every entry is found again by its own name.
 *
 *	make -C userspace fuzz && userspace/build/fuzz_relaylist -max_total_time=60
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "relaylist.h"
#include "fuzz_resolve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct relay_list rl = { 0 };
	char *text, err[512], name[2 * RL_NAME_MAX + 2];
	char next[RL_NAME_MAX + 1];
	const struct rl_entry *e;
	const char *why;
	unsigned int i;

	if (size > 8192)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	conf_resolve = fuzz_resolve;
	/* a list in use, which a refused text must leave alone */
	if (rl_parse(&rl, "f", "a@b a.b c d\n", err, sizeof(err)))
		abort();
	err[0] = '\0';
	if (rl_parse(&rl, "f", text, err, sizeof(err))) {
		if (strncmp(err, "f:", 2) || rl.n != 1 || strcmp(rl.e[0].user, "a"))
			abort();
	} else {
		for (i = 0; i < rl.n; i++) {
			e = &rl.e[i];
			if (!e->user[0] || !e->realm[0] || !e->secret[0] ||
			    !e->hop || !e->port || e->nopts > RL_MAX_OPTS)
				abort();
			if (!strcmp(e->user, "*"))
				continue;
			/* the realm is after the last '@', so this splits
			 * back into the entry's user and realm */
			snprintf(name, sizeof(name), "%s@%s", e->user, e->realm);
			if (rl_lookup(&rl, name, next, &why) != e || why)
				abort();
		}
	}
	rl_free(&rl);
	free(text);
	return 0;
}
