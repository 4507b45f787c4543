// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for pptp/pptp_msg.c and the state machines behind it:
 * arbitrary bytes as a TCP 1723 stream.  Each message the decoder accepts
 * must encode back to the very same bytes (apart from reserved fields and
 * string padding, which are normalised, so it is decoded again and
 * compared), and is fed to a PAC and a PNS state machine, whose call
 * requests are granted.  Nothing may read outside the input, and a refusal
 * must carry its code and a message.
 *
 *	make -C userspace fuzz && userspace/build/fuzz_pptp_msg -max_total_time=60
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pptp_ctrl.h"

struct sink {
	struct pptp_ctrl *c;
	int pending;		/* slot of a CALL_NEW to grant, or -1 */
	unsigned int up, down;
};

static void on_act(void *arg, const struct pptp_act *a)
{
	struct sink *s = arg;
	uint8_t buf[PPTP_MSG_MAX];

	switch (a->type) {
	case PPTP_ACT_SEND:
		if (!pptp_msg_encode(&a->msg, buf, sizeof(buf)))
			abort();	/* we must always be able to send */
		break;
	case PPTP_ACT_CALL_NEW:
		s->pending = a->slot;
		s->up++;
		break;
	case PPTP_ACT_CALL_DOWN:
		s->down++;
		break;
	default:
		break;
	}
}

static void feed(struct pptp_ctrl *c, struct sink *s, const struct pptp_msg *m,
		 uint64_t now)
{
	s->pending = -1;
	pptp_ctrl_input(c, m, now);
	if (s->pending >= 0)
		pptp_ctrl_call_created(c, s->pending,
				       (uint16_t)(s->pending + 1), now);
	pptp_ctrl_timer(c, now);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pptp_ctrl pac, pns;
	struct sink spac = { &pac, -1, 0, 0 }, spns = { &pns, -1, 0, 0 };
	struct pptp_ctrl_cfg cfg;
	struct pptp_msg_error e;
	struct pptp_msg m, m2;
	uint8_t buf[PPTP_MSG_MAX], buf2[PPTP_MSG_MAX];
	uint64_t now = 0;
	size_t off = 0;

	pptp_ctrl_cfg_default(&cfg);
	cfg.max_calls = 4;
	cfg.echo_ms = 100;
	if (pptp_ctrl_init(&pac, PPTP_ROLE_PAC, &cfg, 0, on_act, &spac) ||
	    pptp_ctrl_init(&pns, PPTP_ROLE_PNS, &cfg, 0, on_act, &spns))
		abort();
	pptp_ctrl_start(&pns, 0);
	while (off < size) {
		/* copy, so ASan sees an overread past this message's end */
		size_t left = size - off;
		uint8_t *p = malloc(left);
		int n;

		memcpy(p, data + off, left);
		n = pptp_msg_decode(p, left, &m, &e);
		free(p);
		if (n < 0) {
			if (e.code == PPTP_E_OK || !e.msg[0] || -n != (int)e.code)
				abort();
			break;
		}
		if (n == 0)
			break;
		if ((size_t)n != pptp_msg_size(m.type))
			abort();
		if (pptp_msg_encode(&m, buf, sizeof(buf)) != (size_t)n ||
		    pptp_msg_decode(buf, (size_t)n, &m2, &e) != n ||
		    pptp_msg_encode(&m2, buf2, sizeof(buf2)) != (size_t)n ||
		    memcmp(buf, buf2, (size_t)n))
			abort();
		now += 37;
		feed(&pac, &spac, &m, now);
		feed(&pns, &spns, &m, now);
		off += (size_t)n;
	}
	pptp_ctrl_abort(&pac, "end");
	pptp_ctrl_abort(&pns, "end");
	/* every call made was ended exactly once */
	if (spac.up != spac.down || spns.up != spns.down || pac.ncalls ||
	    pns.ncalls)
		abort();
	pptp_ctrl_free(&pac);
	pptp_ctrl_free(&pns);
	return 0;
}
