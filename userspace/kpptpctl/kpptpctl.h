/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kpptpctl internals: the command table, what the commands share (the
 * printer, error reporting, the call key grammar, the call printer).
 */
#ifndef KPPTPCTL_H
#define KPPTPCTL_H

#include <stdbool.h>
#include <stdio.h>

#include "../lib/model.h"
#include "../lib/nl.h"
#include "../lib/parse.h"
#include "../lib/print.h"

/* Exit status: 0 ok, 1 usage error, 2 the kernel refused or is unreachable */
enum {
	EXIT_OK = 0,
	EXIT_USAGE = 1,
	EXIT_KERNEL = 2,
};

struct ctl;

struct command {
	const char *name;	/* one or two words: "stats", "call add" */
	int (*handler)(struct ctl *ctl, int argc, char **argv);
	const char *args;	/* synopsis of what follows the name */
	const char *help;
};

struct ctl {
	struct printer pr;
	int stats;			/* how many -s */
	const struct command *cmd;	/* the command running */
	bool header_done;		/* table header printed */
};

/* The whole program; main() only calls this (the unit tests do too). */
int kpptpctl_main(int argc, char **argv);

/* One handler per file. */
int cmd_call_add(struct ctl *ctl, int argc, char **argv);
int cmd_call_set(struct ctl *ctl, int argc, char **argv);
int cmd_call_del(struct ctl *ctl, int argc, char **argv);
int cmd_call_show(struct ctl *ctl, int argc, char **argv);
int cmd_stats(struct ctl *ctl, int argc, char **argv);
int cmd_monitor(struct ctl *ctl, int argc, char **argv);

/* Errors, to stderr, prefixed "kpptpctl: ". */
void ctl_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A usage error in the running command: the message, then its synopsis. */
int ctl_usage_error(struct ctl *ctl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Open the netlink handle or say why not; 0 or EXIT_KERNEL. */
int ctl_open(struct kpptp_nl **nl);

/* ------------------------------------------------------ call key grammar */

#define CALL_ADD 1U	/* keys of "call add" */
#define CALL_SET 2U	/* keys of "call set" */

/* What "call add" / "call set" were given. */
struct call_args {
	struct kpptp_call_cfg cfg;	/* everything but the flag keys */
	uint32_t flags_set, flags_clear;/* the flag keys (tx-window, reorder) */
	bool has_flags;
	/* the key and the value as typed, per attribute, for error messages */
	const char *key[KPPTP_A_MAX + 1];
	const char *text[KPPTP_A_MAX + 1];
};

/* Parse "KEY VALUE..." for @mode; 0, or -1 with a message in @e. */
int parse_call_args(int argc, char **argv, unsigned int mode,
		    struct call_args *a, struct parse_error *e);
/* The flags a call ends up with when it had @current. */
uint32_t call_args_flags(const struct call_args *a, uint32_t current);
int ctl_parse_id(struct ctl *ctl, int argc, char **argv, const char *expected,
		 struct call_args *a, uint16_t *id);
/* "OPTIONS := ..." and one line per option, from the key table. */
void call_options_usage(FILE *out);
/* The key that sets attribute @attr ("window"), or "attribute N". */
const char *call_attr_key(int attr);

/*
 * Report a refused request: "kpptpctl: WHAT: KEY \"VALUE\": the kernel's
 * message, must be MIN-MAX (strerror)".  @a (may be NULL) maps the attribute
 * the kernel blamed back to what the user typed.  Returns EXIT_KERNEL.
 */
int ctl_kernel_error(struct kpptp_nl *nl, int err, const char *what,
		     const struct call_args *a);

/* ------------------------------------------------------ printing calls */

enum call_layout {
	LAYOUT_TABLE,	/* call show: a header and one row per call */
	LAYOUT_LINE,	/* monitor: "call 100 peer 10.0.0.2 peer-id 200 ..." */
};

/*
 * One call as a JSON object, a table row or a line, with detail after the
 * -s count.  @event (monitor: "new", "set", "del"; else NULL) leads: as the
 * tag "[NEW]" in text, as the key "event" in JSON.
 */
void print_call(struct ctl *ctl, const struct kpptp_call_info *c,
		enum call_layout layout, const char *event);

#endif /* KPPTPCTL_H */
