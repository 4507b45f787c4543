// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the kpptpd control socket protocol as kpptpctl
 * reads it (kpptpctl/daemon.c over lib/ctlproto.c): arbitrary bytes as a
 * get reply, as a set reply and as a stream of monitor events.  Accepted
 * input must make sense (strings terminated and within their buffers, a
 * refusal always says why); and any string, escaped by the daemon's
 * writer, must read back as itself.
 *
 *	make -C userspace fuzz && userspace/build/fuzz_ctlproto -max_total_time=60
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kpptpctl.h"

static void get_reply(const char *buf, size_t size)
{
	char msg[CP_VAL_MAX + 1], why[256] = "";
	struct kd_info d;
	unsigned int i, j;
	int r;

	r = kd_parse_get(buf, size, &d, msg, sizeof(msg), why, sizeof(why));
	if (r < 0) {
		if (!why[0] || d.conns)
			abort();
		return;
	}
	if (r > 0)
		return;
	if (strlen(d.role) >= sizeof(d.role) || d.nconns > KD_CONNS_MAX)
		abort();
	for (i = 0; i < d.nconns; i++) {
		const struct kd_conn *c = &d.conns[i];

		if (strlen(c->peer_hostname) >= sizeof(c->peer_hostname) ||
		    c->ncalls > KD_CALLS_MAX)
			abort();
		for (j = 0; j < c->ncalls; j++)
			if (strlen(c->calls[j].user) >= sizeof(c->calls[j].user))
				abort();
	}
	kd_info_free(&d);
}

static void events(const char *buf, size_t size)
{
	struct kd_event ev;
	char why[256];
	size_t used;

	while (size) {
		why[0] = '\0';
		if (kd_parse_event(buf, size, &used, &ev, why, sizeof(why)) != 1) {
			if (used)
				abort();
			return;
		}
		if (!used || used > size || !ev.name[0])
			abort();
		buf += used;
		size -= used;
	}
}

/* The writer's escaping read back by the reader. */
static void round_trip(const char *data, size_t size)
{
	char val[CP_VAL_MAX + 1], why[256];
	struct cp_pair p;
	struct cp_buf b;
	size_t n = size < CP_VAL_MAX ? size : CP_VAL_MAX, used;

	memcpy(val, data, n);
	val[n] = '\0';
	cp_buf_init(&b, 8192);
	cp_put(&b, "k", "%s", val);
	if (b.overflow ||
	    cp_next(b.data, b.len, &used, &p, why, sizeof(why)) != CP_PAIR ||
	    used != b.len || strcmp(p.val, val))
		abort();
	cp_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char msg[CP_VAL_MAX + 1], why[256];
	char *buf;

	if (size > 1 << 16)
		return 0;
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	get_reply(buf, size);
	why[0] = '\0';
	if (kd_parse_reply(buf, size, msg, sizeof(msg), why, sizeof(why)) < 0 &&
	    !why[0])
		abort();
	events(buf, size);
	round_trip(buf, size);
	free(buf);
	return 0;
}
