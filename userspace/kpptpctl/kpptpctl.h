/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kpptpctl internals: the command table, what the commands share (the
 * printer, error reporting, the call key grammar, the call printer).
 */
#ifndef KPPTPCTL_H
#define KPPTPCTL_H

#include <stdbool.h>
#include <stdio.h>

#include "../lib/ctlproto.h"
#include "../lib/model.h"
#include "../lib/nl.h"
#include "../lib/parse.h"
#include "../lib/print.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Exit status: 0 ok, 1 usage error, 2 the kernel or kpptpd refused or is
 * unreachable */
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
	const char *sock_path;		/* -S, or NULL: $KPPTPD_SOCKET, default */
};

/* The whole program; main() only calls this (the unit tests do too). */
int kpptpctl_main(int argc, char **argv);

/* One handler per file. */
int cmd_call_add(struct ctl *ctl, int argc, char **argv);
int cmd_call_set(struct ctl *ctl, int argc, char **argv);
int cmd_call_del(struct ctl *ctl, int argc, char **argv);
int cmd_call_capture(struct ctl *ctl, int argc, char **argv);
int cmd_call_show(struct ctl *ctl, int argc, char **argv);
int cmd_stats(struct ctl *ctl, int argc, char **argv);
int cmd_net_set(struct ctl *ctl, int argc, char **argv);
int cmd_monitor(struct ctl *ctl, int argc, char **argv);
int cmd_conn_show(struct ctl *ctl, int argc, char **argv);
int cmd_conn_disconnect(struct ctl *ctl, int argc, char **argv);
int cmd_call_disconnect(struct ctl *ctl, int argc, char **argv);
int cmd_daemon_show(struct ctl *ctl, int argc, char **argv);
int cmd_daemon_reload(struct ctl *ctl, int argc, char **argv);
int cmd_metrics(struct ctl *ctl, int argc, char **argv);

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
/* The namespace's figures (stats, metrics): EXIT_OK, or the error printed
 * with @what and its exit status. */
int ctl_net_get(struct kpptp_net_info *net, const char *what);
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
/* The "stats" object of @c: JSON all, text those of -s @level, each
 * table line led by @indent. */
void print_counters(struct printer *p, const struct kpptp_call_info *c,
		    int level, enum call_layout layout, const char *indent);
/* "12.3s", "5m03s", "2h05m", "3d04h" */
const char *age_str(uint64_t ms, char *buf, size_t size);
/* @be (network order) as text, or NULL (JSON null, text "-") for 0 */
const char *addr_str(uint32_t be, char *buf);
/* @s for output: as it is in JSON, escaped (\xHH) in text */
const char *ctl_safe(const struct ctl *ctl, const char *s, char *buf,
		     size_t size);

/* ------------------------------------------------------ kpptpd (daemon.c) */

#define KD_CONNS_MAX 65536
#define KD_CALLS_MAX 1024

/* What kpptpd's get reply says; strings as received (unescaped). */
struct kd_call {
	uint16_t id;			/* our PPTP call ID */
	uint16_t peer_id;
	uint16_t kernel_id;		/* the kernel call, 0: none */
	char state[24];			/* PPTP call state */
	char ifname[KPPTP_IFNAMSIZ];
	char user[256];			/* "" unknown */
	uint32_t local_ip, remote_ip;	/* network order, 0 unknown */
	uint32_t pppd_pid;
	char ppp[16];			/* none, starting, up, relayed, or
					 * pppd's phase */
	uint64_t uptime_ms;
	char relay[72];			/* relayed: the next hop, or "" */
	char relay_mode[16];		/* ... transparent, terminating */
	char relay_user[256];		/* ... terminating: name there */
	uint16_t relay_call_id;		/* ... the paired kernel call, 0 */
	uint32_t relay_l2tp_session;	/* ... or L2TPv3 session, 0 */
};

struct kd_conn {
	uint32_t id;
	char peer[32], local[32];	/* a.b.c.d:port */
	char role[8];			/* server, client */
	char state[24];
	uint64_t uptime_ms;
	char peer_hostname[65], peer_vendor[65];
	uint64_t echo_sent, echo_replies, echo_received;
	int64_t echo_rtt_ms;		/* -1: none yet */
	unsigned int ncalls;
	struct kd_call *calls;
};

struct kd_info {
	uint32_t pid;
	char version[32];
	uint64_t uptime_ms;
	char role[8];
	char listen[32], connect[32];
	char config[CP_VAL_MAX + 1];
	uint32_t connections, calls;
	uint32_t max_connections, max_per_source, max_calls;
	uint32_t max_calls_per_connection, max_call_rate, max_calls_per_source;
	uint32_t max_invalid_messages, idle_timeout_ms;
	uint64_t conns_accepted, conns_refused;
	uint64_t calls_accepted, calls_refused;
	uint64_t refused[CP_NREFUSALS];	/* the two above, by reason */
	uint64_t reloads, reloads_failed;
	/* RADIUS Disconnect-Messages, when kpptpd listens for them */
	uint64_t dm_received, dm_acks, dm_naks, dm_disconnected;
	uint64_t dm_dropped[CP_DM_NDROPS];	/* by enum cp_dm_drop */
	bool dm;			/* the dm_ keys came */
	unsigned int nconns;
	struct kd_conn *conns;
};

/* A monitor record; @seen: which event keys were present. */
struct kd_event {
	uint64_t seen;
	char name[24];
	uint64_t time_ms;
	uint32_t conn;
	uint16_t call, peer_call_id;
	char peer[32];
	uint32_t local_ip, remote_ip;
	uint32_t pppd_pid, status, signal;
	uint64_t uptime_ms;
	char ifname[KPPTP_IFNAMSIZ];
	char user[256];
	char reason[CP_VAL_MAX + 1];
	char result[16];
	char config[CP_VAL_MAX + 1];
};

/*
 * The parsers: @buf holds one reply record up to and including its empty
 * line.  kd_parse_get: 0 and @d filled (free with kd_info_free), the
 * daemon's errno (> 0, its message in @msg), or -1 and @why.
 * kd_parse_reply: the same for a reply with no content (set, monitor).
 */
int kd_parse_get(const char *buf, size_t len, struct kd_info *d,
		 char *msg, size_t msglen, char *why, size_t whylen);
void kd_info_free(struct kd_info *d);
int kd_parse_reply(const char *buf, size_t len, char *msg, size_t msglen,
		   char *why, size_t whylen);
/* One event from @buf: 1 (*@used bytes taken), 0: incomplete, -1: @why. */
int kd_parse_event(const char *buf, size_t len, size_t *used,
		   struct kd_event *ev, char *why, size_t whylen);
bool kd_event_has(const struct kd_event *ev, const char *key);

/* Transport: the socket path in use, connect (-1, said unless @quiet). */
const char *kd_socket_path(const struct ctl *ctl);
/* Say why connecting to kpptpd failed with errno @e. */
void kd_connect_error(const struct ctl *ctl, int e);
int kd_connect(struct ctl *ctl, bool quiet);
int kd_send(int fd, const char *req);

/* Bytes read from kpptpd: records are data[off..scan) after a 1 return. */
struct kd_rbuf {
	char *data;
	size_t len, cap;
	size_t off;		/* start of the current record */
	size_t scan;		/* end of it, once complete */
};
/* Read until a record is complete: 1, 0 (EOF), -1 (said). @timeout_ms -1:
 * wait for ever. */
int kd_read_record(int fd, struct kd_rbuf *rb, int timeout_ms);

/* One request, one reply; EXIT_OK or EXIT_KERNEL (said). */
int kd_get(struct ctl *ctl, struct kd_info *d);
/* kd_get() on @fd, a connection kd_connect() made; closes it. */
int kd_get_on(int fd, struct kd_info *d);

/* kpptpctl metrics' text for @net and, unless NULL (no kpptpd), @d. */
void metrics_print(FILE *out, const struct kpptp_net_info *net,
		   const struct kd_info *d);
int kd_set(struct ctl *ctl, const char *what, const char *req);

/* A call ID or connection ID argument: "id ID" or just "ID". */
int ctl_parse_kd_id(struct ctl *ctl, int argc, char **argv, uint64_t max,
		    uint32_t *id);

#endif /* KPPTPCTL_H */
