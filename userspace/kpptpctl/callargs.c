// SPDX-License-Identifier: GPL-2.0
/*
 * The "KEY VALUE" grammar of call add and call set.  One table says what
 * each key is; parsing, the usage text and the error messages come from it.
 *
 * Values are checked for form and width here (an ID is 1-65535, a window
 * fits 16 bits); the limits that are policy (largest window, longest
 * timeout) are the kernel's, which reports them back with the range.
 */
#include <stdio.h>
#include <string.h>

#include "kpptpctl.h"

enum key_kind {
	K_CALL_ID,	/* local call ID, 1-65535 */
	K_PEER_ID,	/* peer's call ID, any 16-bit value */
	K_ADDR,		/* IPv4 address */
	K_U16,
	K_U32,
	K_FLAG,		/* on: set the flag */
	K_NOFLAG,	/* on: clear the flag */
};

struct call_key {
	const char *name;
	int attr;		/* KPPTP_A_* */
	enum key_kind kind;
	uint32_t flag;		/* K_FLAG, K_NOFLAG: the KPPTP_F_* bit */
	unsigned int modes;	/* CALL_ADD, CALL_SET */
	bool option;		/* listed under OPTIONS */
	const char *arg;	/* what the value is, in the usage text */
	const char *help;
};

static const struct call_key keys[] = {
	{ "id", KPPTP_A_CALL_ID, K_CALL_ID, 0, CALL_ADD | CALL_SET, false,
	  "ID", "our call ID (1-65535), the one the peer sends to" },
	{ "peer", KPPTP_A_PEER_ADDR, K_ADDR, 0, CALL_ADD, false,
	  "ADDR", "the peer's IPv4 address" },
	{ "peer-id", KPPTP_A_PEER_CALL_ID, K_PEER_ID, 0, CALL_ADD | CALL_SET,
	  false, "ID", "the peer's call ID (0-65535)" },
	{ "local", KPPTP_A_LOCAL_ADDR, K_ADDR, 0, CALL_ADD, false,
	  "ADDR", "our IPv4 address (default: from the route)" },
	{ "window", KPPTP_A_RECV_WINDOW, K_U16, 0, CALL_ADD | CALL_SET, true,
	  "N", "receive window we advertised, packets" },
	{ "peer-window", KPPTP_A_PEER_RECV_WINDOW, K_U16, 0,
	  CALL_ADD | CALL_SET, true,
	  "N", "receive window the peer advertised, packets" },
	{ "peer-ppd", KPPTP_A_PEER_PPD, K_U16, 0, CALL_ADD | CALL_SET, true,
	  "N", "peer's packet processing delay, 1/10 s (first RTT)" },
	{ "tx-window", KPPTP_A_FLAGS, K_FLAG, KPPTP_F_TX_WINDOW,
	  CALL_ADD | CALL_SET, true,
	  "on|off", "stop sending while the send window is full (off; add only)" },
	{ "reorder", KPPTP_A_FLAGS, K_NOFLAG, KPPTP_F_NO_REORDER,
	  CALL_ADD | CALL_SET, true,
	  "on|off", "hold early packets to deliver them in order (on)" },
	{ "reorder-timeout", KPPTP_A_REORDER_TIMEOUT, K_U32, 0,
	  CALL_ADD | CALL_SET, true,
	  "MS", "longest an early packet may wait, ms (adaptive below)" },
	{ "reorder-depth", KPPTP_A_REORDER_DEPTH, K_U16, 0,
	  CALL_ADD | CALL_SET, true,
	  "N", "most early packets that may wait (adaptive below)" },
	{ "ack-delay", KPPTP_A_ACK_DELAY, K_U32, 0, CALL_ADD | CALL_SET, true,
	  "MS", "delay before a standalone ack, ms (0: at once)" },
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static const struct call_key *find_key(const char *name)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (!strcmp(keys[i].name, name))
			return &keys[i];
	return NULL;
}

const char *call_attr_key(int attr)
{
	static char buf[32];
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (keys[i].attr == attr && keys[i].kind != K_NOFLAG)
			return keys[i].name;
	snprintf(buf, sizeof(buf), "attribute %d", attr);
	return buf;
}

void call_options_usage(FILE *out)
{
	size_t i, col;

	fputs("OPTIONS :=", out);
	col = 10;
	for (i = 0; i < NKEYS; i++) {
		size_t len;

		if (!keys[i].option)
			continue;
		len = strlen(keys[i].name) + strlen(keys[i].arg) + 6;
		if (col + len > 78) {
			fputs("\n          ", out);
			col = 10;
		}
		fprintf(out, " [ %s %s ]", keys[i].name, keys[i].arg);
		col += len;
	}
	fputc('\n', out);
	for (i = 0; i < NKEYS; i++)
		fprintf(out, "  %-16s%-8s%s%s\n", keys[i].name, keys[i].arg,
			keys[i].help,
			keys[i].modes == CALL_ADD ? " (call add only)" : "");
}

static int parse_value(const struct call_key *k, const char *text,
		       struct call_args *a, struct parse_error *e)
{
	struct kpptp_call_cfg *cfg = &a->cfg;
	uint16_t v16 = 0;
	uint32_t v32 = 0;
	int on, err = 0;

	switch (k->kind) {
	case K_CALL_ID:
		err = parse_call_id("call ID", text, &v16, e);
		break;
	case K_PEER_ID:
		err = parse_u16("peer call ID", text, &v16, e);
		break;
	case K_ADDR:
		err = parse_ipv4(k->attr == KPPTP_A_PEER_ADDR ?
				 "peer address" : "local address",
				 text, &v32, e);
		break;
	case K_U16:
		err = parse_u16(k->name, text, &v16, e);
		break;
	case K_U32:
		err = parse_u32(k->name, text, &v32, e);
		break;
	case K_FLAG:
	case K_NOFLAG:
		if (parse_on_off(k->name, text, &on, e))
			return -1;
		if (on == (k->kind == K_FLAG)) {
			a->flags_set |= k->flag;
			a->flags_clear &= ~k->flag;
		} else {
			a->flags_clear |= k->flag;
			a->flags_set &= ~k->flag;
		}
		a->has_flags = true;
		return 0;
	}
	if (err)
		return -1;

	switch (k->attr) {
	case KPPTP_A_CALL_ID:		cfg->id = v16; break;
	case KPPTP_A_PEER_CALL_ID:	cfg->peer_id = v16; break;
	case KPPTP_A_PEER_ADDR:		cfg->peer_addr = v32; break;
	case KPPTP_A_LOCAL_ADDR:	cfg->local_addr = v32; break;
	case KPPTP_A_RECV_WINDOW:	cfg->recv_window = v16; break;
	case KPPTP_A_PEER_RECV_WINDOW:	cfg->peer_recv_window = v16; break;
	case KPPTP_A_PEER_PPD:		cfg->peer_ppd = v16; break;
	case KPPTP_A_REORDER_TIMEOUT:	cfg->reorder_timeout_ms = v32; break;
	case KPPTP_A_REORDER_DEPTH:	cfg->reorder_depth = v16; break;
	case KPPTP_A_ACK_DELAY:		cfg->ack_delay_ms = v32; break;
	}
	cfg->set |= KPPTP_CFG(k->attr);
	return 0;
}

int parse_call_args(int argc, char **argv, unsigned int mode,
		    struct call_args *a, struct parse_error *e)
{
	const char *cmd = mode == CALL_ADD ? "call add" : "call set";
	const struct call_key *k;
	bool seen[NKEYS] = { false };
	char q[128];
	int i;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < argc; i += 2) {
		k = find_key(argv[i]);
		if (!k) {
			snprintf(e->msg, sizeof(e->msg),
				 "unknown key %s (see 'kpptpctl %s help')",
				 parse_quote(argv[i], q, sizeof(q)), cmd);
			return -1;
		}
		if (!(k->modes & mode)) {
			snprintf(e->msg, sizeof(e->msg),
				 "\"%s\" cannot be given to %s%s", k->name,
				 cmd, mode == CALL_SET ?
				 " (delete the call and add it again)" : "");
			return -1;
		}
		if (seen[k - keys]) {
			snprintf(e->msg, sizeof(e->msg),
				 "\"%s\" is given twice", k->name);
			return -1;
		}
		seen[k - keys] = true;
		if (i + 1 >= argc) {
			snprintf(e->msg, sizeof(e->msg),
				 "\"%s\" needs a value (%s)", k->name, k->arg);
			return -1;
		}
		if (parse_value(k, argv[i + 1], a, e))
			return -1;
		a->key[k->attr] = k->name;
		a->text[k->attr] = argv[i + 1];
	}

	if (mode == CALL_ADD) {
		if (!(a->cfg.set & KPPTP_CFG(KPPTP_A_PEER_ADDR))) {
			snprintf(e->msg, sizeof(e->msg),
				 "missing \"peer ADDR\"");
			return -1;
		}
		/* no peer-id: the call waits for "call set peer-id" */
		/* a new call starts from no flags: tx-window off, reorder on */
		if (a->has_flags) {
			a->cfg.flags = call_args_flags(a, 0);
			a->cfg.set |= KPPTP_CFG(KPPTP_A_FLAGS);
		}
	} else {
		if (!(a->cfg.set & KPPTP_CFG(KPPTP_A_CALL_ID))) {
			snprintf(e->msg, sizeof(e->msg), "missing \"id ID\"");
			return -1;
		}
		if (a->cfg.set == KPPTP_CFG(KPPTP_A_CALL_ID) && !a->has_flags) {
			snprintf(e->msg, sizeof(e->msg), "nothing to change");
			return -1;
		}
	}
	return 0;
}

uint32_t call_args_flags(const struct call_args *a, uint32_t current)
{
	return (current | a->flags_set) & ~a->flags_clear;
}

/*
 * The "id ID" that call del and call show take: 0, or the exit status of a
 * usage error (@expected is its message for anything but "id ID").  The ID
 * is also recorded in @a, so that kernel errors quote it.
 */
int ctl_parse_id(struct ctl *ctl, int argc, char **argv, const char *expected,
		 struct call_args *a, uint16_t *id)
{
	struct parse_error e;

	if (argc != 2 || strcmp(argv[0], "id"))
		return ctl_usage_error(ctl, "%s", expected);
	if (parse_call_id("call ID", argv[1], id, &e))
		return ctl_usage_error(ctl, "%s", e.msg);
	a->key[KPPTP_A_CALL_ID] = "id";
	a->text[KPPTP_A_CALL_ID] = argv[1];
	return 0;
}
