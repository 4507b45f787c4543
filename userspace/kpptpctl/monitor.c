// SPDX-License-Identifier: GPL-2.0
/*
 * kpptpctl monitor: one line per call event of the kernel,
 *	[NEW] call 100 peer 10.0.0.2 peer-id 200 local - owner netlink ...
 *	[DEL] call 100 reason socket peer 10.0.0.2 ... rx_packets 12 ...
 * and, when kpptpd answers on its control socket, one per daemon event,
 *	[CONN-ACCEPTED] conn 3 peer 10.0.0.1:40000
 *	[CALL-UP] conn 3 call 4711 peer-call-id 0 peer 10.0.0.1:40000 ...
 *	[RELOAD] result failed config /etc/kpptpd.conf reason "..."
 * or with -j one JSON object per line: the kernel's with "event" new, set
 * or del, kpptpd's with its event name and "source": "kpptpd".  Without
 * kpptpd (no socket at the default path) the kernel's events only; a
 * socket named by -S or $KPPTPD_SOCKET must answer.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kpptpctl.h"

static int on_event(const struct kpptp_call_info *call, void *arg)
{
	struct ctl *ctl = arg;
	const char *event = kpptp_event_name(call->cmd);

	if (!event)
		return 0;	/* a newer kernel's event: not ours to print */
	print_call(ctl, call, LAYOUT_LINE, event);
	fflush(stdout);
	return 0;
}

static void print_kd_event(struct ctl *ctl, const struct kd_event *ev)
{
	struct printer *p = &ctl->pr;
	char tag[32], buf[2048], a[INET_ADDRSTRLEN];
	size_t i;

	for (i = 0; ev->name[i] && i < sizeof(tag) - 1; i++)
		tag[i] = ev->name[i] == '_' ? '-' :
			 (char)toupper((unsigned char)ev->name[i]);
	tag[i] = '\0';
	pr_open_obj(p, NULL);
	pr_text(p, "[%s]", tag);
	pr_string(p, "event", NULL, ev->name);
	pr_string(p, "source", NULL, "kpptpd");
	pr_uint(p, "time_ms", NULL, ev->time_ms);
	if (kd_event_has(ev, "conn"))
		pr_uint(p, "conn", " conn %s", ev->conn);
	if (kd_event_has(ev, "call"))
		pr_uint(p, "call", " call %s", ev->call);
	if (kd_event_has(ev, "peer_call_id"))
		pr_uint(p, "peer_call_id", " peer-call-id %s", ev->peer_call_id);
	if (kd_event_has(ev, "peer"))
		pr_string(p, "peer", " peer %s",
			  ctl_safe(ctl, ev->peer, buf, sizeof(buf)));
	if (kd_event_has(ev, "ifname"))
		pr_string(p, "ifname", " ifname %s",
			  ctl_safe(ctl, ev->ifname, buf, sizeof(buf)));
	if (kd_event_has(ev, "user"))
		pr_string(p, "user", " user %s",
			  ctl_safe(ctl, ev->user, buf, sizeof(buf)));
	if (kd_event_has(ev, "local_ip"))
		pr_string(p, "local_ip", " local %s", addr_str(ev->local_ip, a));
	if (kd_event_has(ev, "remote_ip"))
		pr_string(p, "remote_ip", " remote %s",
			  addr_str(ev->remote_ip, a));
	if (kd_event_has(ev, "pppd_pid"))
		pr_uint(p, "pppd_pid", " pppd %s", ev->pppd_pid);
	if (kd_event_has(ev, "status"))
		pr_uint(p, "status", " status %s", ev->status);
	if (kd_event_has(ev, "signal"))
		pr_uint(p, "signal", " signal %s", ev->signal);
	if (kd_event_has(ev, "uptime_ms")) {
		pr_uint(p, "uptime_ms", NULL, ev->uptime_ms);
		pr_text(p, " age %s", age_str(ev->uptime_ms, buf, sizeof(buf)));
	}
	if (kd_event_has(ev, "result"))
		pr_string(p, "result", " result %s",
			  ctl_safe(ctl, ev->result, buf, sizeof(buf)));
	if (kd_event_has(ev, "config"))
		pr_string(p, "config", " config %s",
			  ctl_safe(ctl, ev->config, buf, sizeof(buf)));
	if (kd_event_has(ev, "reason"))
		pr_string(p, "reason", " reason \"%s\"",
			  ctl_safe(ctl, ev->reason, buf, sizeof(buf)));
	pr_text(p, "\n");
	pr_close_obj(p);
	fflush(stdout);
}

/* Subscribe to kpptpd's events: the socket, or -1 (said when it must be). */
static int kd_subscribe(struct ctl *ctl, struct kd_rbuf *rb)
{
	bool must = ctl->sock_path || getenv(KPPTPD_SOCK_ENV);
	char msg[CP_VAL_MAX + 1], why[256];
	int fd, r;

	fd = kd_connect(ctl, !must);
	if (fd < 0)
		return -1;
	if (kd_send(fd, "monitor=1\n\n") ||
	    kd_read_record(fd, rb, 10000) != 1) {
		ctl_error("monitor: kpptpd did not take the monitor request");
		close(fd);
		return -1;
	}
	r = kd_parse_reply(rb->data + rb->off, rb->scan - rb->off, msg,
			   sizeof(msg), why, sizeof(why));
	if (r) {
		ctl_error("monitor: kpptpd: %s", r < 0 ? why :
			  *msg ? msg : strerror(r));
		close(fd);
		return -1;
	}
	rb->off = rb->scan;
	return fd;
}

/* Every complete event in @rb; 0, or -1 when kpptpd sent nonsense. */
static int kd_events(struct ctl *ctl, int fd, struct kd_rbuf *rb)
{
	struct kd_event ev;
	char why[256];
	size_t used;
	int r;

	r = kd_read_record(fd, rb, -1);
	if (r <= 0)
		return -1;
	r = kd_parse_event(rb->data + rb->off, rb->scan - rb->off, &used, &ev,
			   why, sizeof(why));
	if (r != 1) {
		ctl_error("monitor: kpptpd's event: %s", r ? why : "cut short");
		return -1;
	}
	rb->off = rb->scan;
	print_kd_event(ctl, &ev);
	return 0;
}

int cmd_monitor(struct ctl *ctl, int argc, char **argv)
{
	struct kd_rbuf rb = { 0 };
	struct kpptp_nl *nl;
	int err, dfd;

	(void)argv;
	if (argc)
		return ctl_usage_error(ctl, "takes no arguments");
	err = ctl_open(&nl);
	if (err)
		return err;
	err = kpptp_nl_subscribe(nl);
	if (err) {
		err = ctl_kernel_error(nl, err, "monitor", NULL);
		kpptp_nl_close(nl);
		return err;
	}
	dfd = kd_subscribe(ctl, &rb);
	if (dfd < 0 && (ctl->sock_path || getenv(KPPTPD_SOCK_ENV))) {
		kpptp_nl_close(nl);
		free(rb.data);
		return EXIT_KERNEL;
	}
	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = kpptp_nl_fd(nl), .events = POLLIN },
			{ .fd = dfd, .events = POLLIN },
		};

		if (poll(pfd, dfd >= 0 ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		if (dfd >= 0 && (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    kd_events(ctl, dfd, &rb)) {
			ctl_error("monitor: kpptpd closed its control socket: kernel events only from now");
			close(dfd);
			dfd = -1;
		}
		if (!(pfd[0].revents & (POLLIN | POLLERR)))
			continue;
		err = kpptp_nl_read_events(nl, on_event, ctl);
		if (err == -ENOBUFS) {
			/* keep going: the next events still come */
			ctl_error("monitor: %s", kpptp_nl_error(nl)->msg);
			continue;
		}
		if (err < 0)
			break;
	}
	if (dfd >= 0)
		close(dfd);
	free(rb.data);
	err = ctl_kernel_error(nl, err, "monitor", NULL);
	kpptp_nl_close(nl);
	return err;
}
