// SPDX-License-Identifier: GPL-2.0
/*
 * The edges of kpptpd faked for its connection and call code: see
 * kpptpd_fake.h.  Kernel call IDs are handed out from 1 and remembered in a
 * bitmap; pppd "processes" are numbers that exit when told to.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kpptpd_fake.h"

struct daemon kd;
uint64_t fake_now = 1000000;
unsigned int fake_kernel_calls, fake_calls_made, fake_call_down_events;
unsigned int fake_pppd_running;
bool fake_spawn_fails;
char fake_last_argv[1024];
unsigned int fake_last_recv_window;
uint32_t fake_last_flags;
unsigned int fake_splices;
bool fake_splice_fails;

static bool kernel_live[65536];
static uint16_t next_id;
static pid_t next_pid = 1000;
static struct kpptp_nl_error nl_err;

/* ---- main.c */
uint64_t now_ms(void)
{
	return fake_now;
}

int ev_add(int fd, uint32_t events, struct ev *ev)
{
	(void)fd, (void)events, (void)ev;
	return 0;
}

const struct ev *fake_ev_mod_ev;
uint32_t fake_ev_mod_events;

int ev_mod(int fd, uint32_t events, struct ev *ev)
{
	(void)fd;
	fake_ev_mod_ev = ev;
	fake_ev_mod_events = events;
	return 0;
}

const char *ipstr(uint32_t addr, char *buf)
{
	struct in_addr in = { addr };

	return inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN);
}

/* ---- ctlsock.c: nobody listens, but the events are counted */
struct cp_buf *mon_begin(const char *name)
{
	if (!strcmp(name, "call_down"))
		fake_call_down_events++;
	return NULL;
}

void mon_send(struct cp_buf *b)
{
	(void)b;
}

/* ---- lib/nl.c */
const struct kpptp_nl_error *kpptp_nl_error(const struct kpptp_nl *nl)
{
	(void)nl;
	return &nl_err;
}

int kpptp_call_new(struct kpptp_nl *nl, const struct kpptp_call_cfg *cfg,
		   struct kpptp_call_info *info)
{
	unsigned int i;

	(void)nl;
	for (i = 0; i < 65535; i++) {
		if (!++next_id)
			next_id = 1;
		if (!kernel_live[next_id])
			break;
	}
	if (kernel_live[next_id])
		return -EBUSY;
	kernel_live[next_id] = true;
	fake_last_recv_window = cfg->recv_window;
	fake_last_flags = cfg->set & KPPTP_CFG(KPPTP_A_FLAGS) ? cfg->flags : 0;
	fake_kernel_calls++;
	fake_calls_made++;
	memset(info, 0, sizeof(*info));
	info->cfg = *cfg;
	info->cfg.id = next_id;
	return 0;
}

int kpptp_call_set(struct kpptp_nl *nl, const struct kpptp_call_cfg *cfg)
{
	(void)nl;
	return kernel_live[cfg->id] ? 0 : -ENOENT;
}

int kpptp_call_del(struct kpptp_nl *nl, uint16_t id)
{
	(void)nl;
	if (!kernel_live[id])
		return -ENOENT;
	kernel_live[id] = false;
	fake_kernel_calls--;
	return 0;
}

int kpptp_call_get(struct kpptp_nl *nl, uint16_t id,
		   struct kpptp_call_info *info)
{
	(void)nl, (void)id, (void)info;
	return -ENOENT;
}

/* ---- pppd.c */

/* the pppd end of the pipes, for the test to write to */
static struct {
	pid_t pid;
	int out, rep;
} pipes[64];

static void pipes_close(pid_t pid)
{
	unsigned int i;

	for (i = 0; i < sizeof(pipes) / sizeof(pipes[0]); i++) {
		if (pipes[i].pid != pid)
			continue;
		close(pipes[i].out);
		close(pipes[i].rep);
		pipes[i].pid = 0;
	}
}

int fake_pppd_fd(const struct call *k, bool report)
{
	unsigned int i;

	for (i = 0; i < sizeof(pipes) / sizeof(pipes[0]); i++)
		if (pipes[i].pid && pipes[i].pid == k->pppd.pid)
			return report ? pipes[i].rep : pipes[i].out;
	return -1;
}

int pppd_spawn(char *const argv[], const char *secret, struct pppd_proc *p)
{
	int out[2], rep[2];
	unsigned int i;

	size_t len = 0;

	(void)secret;
	fake_last_argv[0] = '\0';
	for (i = 0; argv[i] && len < sizeof(fake_last_argv); i++)
		len += (size_t)snprintf(fake_last_argv + len,
					sizeof(fake_last_argv) - len, "%s%s",
					i ? " " : "", argv[i]);
	p->pid = 0;
	p->pidfd = p->outfd = p->repfd = -1;
	if (fake_spawn_fails) {
		errno = EAGAIN;
		return -1;
	}
	p->pid = next_pid++;
	fake_pppd_running++;
	for (i = 0; i < sizeof(pipes) / sizeof(pipes[0]); i++)
		if (!pipes[i].pid)
			break;
	if (i == sizeof(pipes) / sizeof(pipes[0]))
		return 0;	/* a pppd that says nothing */
	if (pipe2(out, O_CLOEXEC | O_NONBLOCK))
		return 0;
	/* as pppd.c: a socket pair, kpptpd writes ipcp_go back on it */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0,
		       rep)) {
		close(out[0]);
		close(out[1]);
		return 0;
	}
	pipes[i].pid = p->pid;
	pipes[i].out = out[1];
	pipes[i].rep = rep[1];
	p->outfd = out[0];
	p->repfd = rep[0];
	return 0;
}

/* A pidfd of -2: told to exit (fake_pppd_exit()), may be reaped. */
int pppd_signal(const struct pppd_proc *p, int sig)
{
	(void)p, (void)sig;
	return 0;
}

static int exit_status;	/* of the pppd fake_pppd_exit_status() ends */

int pppd_reap(struct pppd_proc *p, int *status, bool block)
{
	if (!p->pid)
		return 1;
	if (p->pidfd != -2 && !block)
		return 0;
	if (status)
		*status = exit_status << 8;	/* WEXITSTATUS() */
	exit_status = 0;
	pipes_close(p->pid);
	p->pid = 0;
	p->pidfd = -1;
	fake_pppd_running--;
	return 1;
}

void fake_pppd_exit_status(struct call *k, int status)
{
	if (!k->pppd.pid || k->dead)
		return;
	k->pppd.pidfd = -2;
	exit_status = status;
	call_event(k);
}

void fake_pppd_exit(struct call *k)
{
	fake_pppd_exit_status(k, 0);
}

/* ---- the daemon */
int fake_daemon_init(const char *text)
{
	char err[512];

	/* kpptpd's log lines only with KPPTP_TEST_LOG=1 */
	if (!getenv("KPPTP_TEST_LOG"))
		log_to_file(NULL);
	memset(&kd, 0, sizeof(kd));
	memset(kernel_live, 0, sizeof(kernel_live));
	fake_kernel_calls = fake_calls_made = fake_call_down_events = 0;
	fake_pppd_running = 0;
	fake_spawn_fails = false;
	fake_splices = 0;
	fake_splice_fails = false;
	fake_route_log[0] = 0;
	fake_route_fails = false;
	fake_now += 60000;	/* the log throttle is full again */
	conf_init(&kd.conf);
	free(kd.conf.state_file);
	kd.conf.state_file = strdup("");
	kd.epfd = -1;
	kd.listen_fd = -1;
	if (conf_parse(&kd.conf, "fake.conf", text ? text : "", err,
		       sizeof(err))) {
		printf("    %s\n", err);
		return -1;
	}
	return 0;
}

void fake_daemon_free(void)
{
	struct conn *c;

	for (c = kd.conns; c; c = c->next)
		pptp_ctrl_abort(&c->ctrl, NULL);
	conn_reap();
	while (kd.calls) {
		struct call *k = kd.calls;

		k->pppd.pidfd = -2;
		if (k->pppd.pid)
			call_event(k);
		else if (k->conn)
			call_down(k);
		else
			break;		/* a leak: the test's counts show it */
	}
	call_reap();
	relay_reap();
	/* a listener a test left paused: not the next test's business */
	kd.listen_fd = -1;
	fdlimit_timers(UINT64_MAX);
	conf_free(&kd.conf);
}

int fake_connect(uint32_t src, struct conn **c)
{
	struct sockaddr_in peer = {
		.sin_family = AF_INET,
		.sin_port = htons(40000),
		.sin_addr.s_addr = src ? src : htonl(0x0a000001),
	};
	int sv[2], small = 1;

	*c = NULL;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
		       sv))
		return -1;
	/* a peer that does not read fills it soon */
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
	if (conn_add(sv[0], &peer)) {
		close(sv[1]);
		return -1;
	}
	*c = kd.conns;
	return sv[1];
}

void fake_batch_end(void)
{
	conn_reap();
	call_reap();
	relay_reap();
}

unsigned int fake_ncalls_listed(void)
{
	unsigned int n = 0;
	struct call *k;

	for (k = kd.calls; k; k = k->next)
		n++;
	return n;
}

/* ---- splice.c: no PX sockets here; descriptors of /dev/null instead */
/* the steps for a relay with "allow": not faked, they fail */
int splice_attach(uint16_t a, uint16_t b, int fds[2], int chan[2],
		  char *why, size_t whylen)
{
	(void)a, (void)b, (void)chan;
	fds[0] = fds[1] = -1;
	snprintf(why, whylen, "not faked");
	return -1;
}

int splice_chan_open(int chan, char *why, size_t whylen)
{
	(void)chan;
	snprintf(why, whylen, "not faked");
	return -1;
}

int splice_bridge(int fd, int chan_b, char *why, size_t whylen)
{
	(void)fd, (void)chan_b;
	snprintf(why, whylen, "not faked");
	return -1;
}

int splice_calls(uint16_t a, uint16_t b, int fds[2], char *why,
		 size_t whylen)
{
	fds[0] = fds[1] = -1;
	if (fake_splice_fails || !kernel_live[a] || !kernel_live[b]) {
		snprintf(why, whylen, "bridging calls %u and %u: faked failure",
			 a, b);
		return -1;
	}
	fds[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	fds[1] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	fake_splices++;
	return 0;
}

/* ---- route.c: a terminating pair's policy routing, recorded instead of
 * made (over rtnetlink it would change the host's own routing) */
char fake_route_log[1024];
bool fake_route_fails;

static void __attribute__((format(printf, 1, 2)))
route_log(const char *fmt, ...)
{
	size_t n = strlen(fake_route_log);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fake_route_log + n, sizeof(fake_route_log) - n, fmt, ap);
	va_end(ap);
}

/* "OP ID", then side @side's (or, -1, both sides') interface and
 * addresses, then ";" */
static void route_note(const char *op, const struct route_pair *p, int side)
{
	char l[INET_ADDRSTRLEN], r[INET_ADDRSTRLEN];
	int i;

	route_log("%s %u", op, p->id);
	for (i = 0; i < 2; i++) {
		if (side >= 0 && i != side)
			continue;
		inet_ntop(AF_INET, &p->local[i], l, sizeof(l));
		inet_ntop(AF_INET, &p->remote[i], r, sizeof(r));
		route_log(" %s %s:%s", p->ifname[i], l, r);
	}
	route_log(";");
}

static int route_result(char *why, size_t whylen)
{
	if (!fake_route_fails)
		return 0;
	fake_route_fails = false;
	snprintf(why, whylen, "routing: faked failure");
	return -1;
}

int route_pair_up(const struct route_pair *p, bool held, char *why,
		  size_t whylen)
{
	route_note(held ? "up-held" : "up", p, -1);
	return route_result(why, whylen);
}

int route_hold_in(const struct route_pair *p, char *why, size_t whylen)
{
	route_note("hold", p, 0);
	return route_result(why, whylen);
}

int route_addr_off(const struct route_pair *p, unsigned int side, char *why,
		   size_t whylen)
{
	route_note("off", p, (int)side);
	return route_result(why, whylen);
}

void route_pair_down(const struct route_pair *p)
{
	route_log("down %u;", p->id);
}

void route_sweep(uint16_t id)
{
	route_log("sweep %u;", id);
}

void route_close(void)
{
}

/* ---- l2tp.c: a session of the rule's range, as splice_calls() above;
 * the steps for "allow" fail as there */
uint32_t fake_l2tp_session;	/* the last one given */

int l2tp_attach(uint16_t a, const struct relay_rule *rule, int fds[2],
		int chan[2], uint32_t *session, uint32_t *peer, char *why,
		size_t whylen)
{
	(void)rule, (void)session, (void)peer;
	return splice_attach(a, a, fds, chan, why, whylen);
}

void l2tp_check_rules(const struct conf *c)
{
	(void)c;	/* the guest's test 66 looks for real tunnels */
}

int l2tp_splice(uint16_t a, const struct relay_rule *rule, int fds[2],
		uint32_t *session, uint32_t *peer, char *why, size_t whylen)
{
	fds[0] = fds[1] = -1;
	if (fake_splice_fails || !kernel_live[a]) {
		snprintf(why, whylen, "L2TP tunnel %u: faked failure",
			 rule->l2tp_tunnel);
		return -1;
	}
	fds[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	fds[1] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	fake_splices++;
	*session = fake_l2tp_session = rule->l2tp_first;
	*peer = rule->l2tp_peer;
	return 0;
}

void splice_end(int fds[2])
{
	int i;

	for (i = 0; i < 2; i++) {
		if (fds[i] >= 0) {
			close(fds[i]);
			if (!i)
				fake_splices--;
		}
		fds[i] = -1;
	}
}
