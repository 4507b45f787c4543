// SPDX-License-Identifier: GPL-2.0
/*
 * kpptpd: PPTP server (RFC 2637 PAC) over kpptp.ko, or with "connect" a
 * client (PNS) placing one call.  Options, the epoll loop and shutdown;
 * see kpptpd(8).
 *
 *	kpptpd [-c FILE] [-S SOCKET] [-f] [-s] [-d] [-t]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "kpptpd.h"

struct daemon kd;

uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int ev_add(int fd, uint32_t events, struct ev *ev)
{
	struct epoll_event e = { .events = events, .data.ptr = ev };

	return epoll_ctl(kd.epfd, EPOLL_CTL_ADD, fd, &e);
}

int ev_mod(int fd, uint32_t events, struct ev *ev)
{
	struct epoll_event e = { .events = events, .data.ptr = ev };

	return epoll_ctl(kd.epfd, EPOLL_CTL_MOD, fd, &e);
}

const char *ipstr(uint32_t addr, char *buf)
{
	struct in_addr in = { addr };

	return inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN);
}

int listener_open(uint32_t addr, uint16_t port)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = addr,
	};
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 128)) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* pptpd's pidfile: our pid, replaced if there, not through a symlink */
static int pidfile_write(const char *path)
{
	char buf[16];
	int fd, n;

	if (!path)
		return 0;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		  0644);
	n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (fd < 0 || write(fd, buf, (size_t)n) != n) {
		err("pidfile %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: kpptpd [-c FILE] [-S SOCKET] [-f] [-s] [-d] [-t]\n"
		"  -c FILE  configuration (default /etc/kpptpd.conf; a pptpd.conf works)\n"
		"  -S PATH  control socket for kpptpctl (default " KPPTPD_SOCK_DEFAULT
		"; none: no socket)\n"
		"  -f       log to stderr (the default unless -s)\n"
		"  -s       log to syslog\n"
		"  -d       debug: log every message\n"
		"  -t       check the configuration and exit\n");
}

int main(int argc, char **argv)
{
	const char *path = "/etc/kpptpd.conf", *sock = NULL;
	bool use_syslog = false, test = false, debug = false;
	struct ev signal_ev = { EV_SIGNAL };
	char errbuf[512];
	sigset_t sigs;
	int opt, sfd, r;

	while ((opt = getopt(argc, argv, "c:S:fsdth")) != -1) {
		switch (opt) {
		case 'c': path = optarg; break;
		case 'S': sock = optarg; break;
		case 'f': use_syslog = false; break;
		case 's': use_syslog = true; break;
		case 'd': debug = true; break;
		case 't': test = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 1;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 1;
	}
	conf_init(&kd.conf);
	if (conf_load(&kd.conf, path, errbuf, sizeof(errbuf)) ||
	    conf_check_files(&kd.conf, errbuf, sizeof(errbuf))) {
		fprintf(stderr, "kpptpd: %s\n", errbuf);
		return 1;
	}
	if (test) {
		unsigned int i;

		for (i = 0; i < kd.conf.nnotes; i++)
			printf("%s\n", kd.conf.notes[i]);
		printf("%s: ok\n", path);
		return 0;
	}
	if (sock) {
		/* -S wins over the file, also after a reload */
		free(kd.conf.control_socket);
		kd.conf.control_socket = strdup(strcmp(sock, "none") ? sock : "");
		kd.sock_opt = sock;
	}
	kd.conf_path = path;
	kd.use_syslog = use_syslog;
	kd.debug_opt = debug;
	kd.started = now_ms();
	log_open(use_syslog, debug || kd.conf.debug);
	for (r = 0; r < (int)kd.conf.nnotes; r++)
		info("%s", kd.conf.notes[r]);

	fdlimit_raise();
	kd.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (kd.epfd < 0) {
		err("epoll: %s", strerror(errno));
		return 1;
	}
	/* before the sweep: a second kpptpd must not touch the first's calls */
	if (ctlsock_open(kd.conf.control_socket))
		return 1;
	if (call_state_lock()) {
		ctlsock_close();
		return 1;
	}
	r = kpptp_nl_open(&kd.nl);
	if (r) {
		err("cannot reach kpptp.ko over netlink: %s", r == -ENOENT ?
		    "the \"kpptp\" family does not exist (modprobe kpptp)" :
		    strerror(-r));
		ctlsock_close();
		return 1;
	}
	call_sweep_stale();
	l2tp_check_rules(&kd.conf);
	if (pidfile_write(kd.conf.pidfile)) {
		kpptp_nl_close(kd.nl);
		ctlsock_close();
		return 1;
	}

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* inherited as ignored, pppd would be reaped before we see it */
	signal(SIGCHLD, SIG_DFL);
	sfd = signalfd(-1, &sigs, SFD_NONBLOCK | SFD_CLOEXEC);
	kd.listen_ev.kind = EV_LISTEN;
	kd.listen_fd = kd.conf.connect ? -1 :
		       listener_open(kd.conf.listen, kd.conf.port);
	if (kd.listen_fd < 0 && !kd.conf.connect) {
		err("cannot listen on %s port %u: %s",
		    inet_ntoa((struct in_addr){ kd.conf.listen }), kd.conf.port,
		    strerror(errno));
		ctlsock_close();
		return 1;
	}
	if (sfd < 0 || ev_add(sfd, EPOLLIN, &signal_ev) ||
	    (kd.listen_fd >= 0 &&
	     ev_add(kd.listen_fd, EPOLLIN, &kd.listen_ev))) {
		err("setup: %s", strerror(errno));
		ctlsock_close();
		return 1;
	}
	if (dm_apply()) {
		ctlsock_close();
		return 1;
	}
	if (kd.conf.connect) {
		info("client role: calling %s port %u",
		     inet_ntoa((struct in_addr){ kd.conf.connect }), kd.conf.port);
		conn_connect();
	} else {
		info("listening on %s port %u (max %u connections, %u per source, %u calls)",
		     inet_ntoa((struct in_addr){ kd.conf.listen }),
		     kd.conf.port, kd.conf.max_conns, kd.conf.max_per_source,
		     kd.conf.max_calls);
	}
	fdlimit_check(&kd.conf);

	for (;;) {
		struct epoll_event evs[32];
		uint64_t next, now = now_ms();
		int timeout = -1, n, i;

		next = conn_next_timer();
		if (ctlsock_next_timer() < next)
			next = ctlsock_next_timer();
		if (relay_next_timer() < next)
			next = relay_next_timer();
		if (fdlimit_next_timer() < next)
			next = fdlimit_next_timer();
		if (kd.redial_at && kd.redial_at < next)
			next = kd.redial_at;
		if (next != PPTP_NO_TIMER)
			timeout = next <= now ? 0 :
				  (int)(next - now > 3600000 ? 3600000 : next - now);
		if (kd.stopping && !kd.conns)
			break;
		/* what this turn logged, before the loop sleeps */
		log_flush();
		n = epoll_wait(kd.epfd, evs, 32, timeout);
		if (n < 0 && errno != EINTR) {
			err("epoll_wait: %s", strerror(errno));
			break;
		}
		for (i = 0; i < n; i++) {
			struct ev *ev = evs[i].data.ptr;

			switch (ev->kind) {
			case EV_LISTEN:
				conn_accept();
				break;
			case EV_SIGNAL: {
				struct signalfd_siginfo si;

				while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
					if (si.ssi_signo == SIGHUP) {
						char why[512];

						if (kd.stopping)
							continue;
						info("SIGHUP: reloading %s", kd.conf_path);
						daemon_reload(why, sizeof(why));
						continue;
					}
					if (kd.stopping)
						continue;
					info("signal %u: shutting down", si.ssi_signo);
					kd.stopping = true;
					if (kd.listen_fd >= 0) {
						epoll_ctl(kd.epfd, EPOLL_CTL_DEL,
							  kd.listen_fd, NULL);
						close(kd.listen_fd);
						/* a later event of this batch
						 * must not accept on the number */
						kd.listen_fd = -1;
					}
					conn_stop_all();
				}
				break;
			}
			case EV_CONN:
				conn_event((struct conn *)ev, evs[i].events);
				break;
			case EV_CALL:
				call_event((struct call *)ev);
				break;
			case EV_PPPD_OUT:
				call_pppd_output(container_of(ev, struct call,
							      out_ev));
				break;
			case EV_PPPD_REPORT:
				call_pppd_report(container_of(ev, struct call,
							      rep_ev));
				break;
			case EV_CTL_LISTEN:
				ctlsock_accept();
				break;
			case EV_CTL_CLIENT:
				ctlsock_event(ev, evs[i].events);
				break;
			case EV_RELAY_CHAN:
				relay_chan_event(ev);
				break;
			case EV_DM:
				dm_event();
				break;
			}
		}
		/* only now: later events of this batch may name a closed one */
		conn_timers(now_ms());
		ctlsock_timers(now_ms());
		relay_timers(now_ms());
		fdlimit_timers(now_ms());
		conn_reap();
		call_reap();
		relay_reap();
		ctlsock_reap();
		if (kd.redial_at && !kd.stopping && now_ms() >= kd.redial_at)
			conn_connect();
	}
	call_kill_all();
	kpptp_nl_close(kd.nl);
	route_close();
	ctlsock_close();
	if (kd.conf.pidfile)
		unlink(kd.conf.pidfile);
	info("stopped");
	conf_free(&kd.conf);
	return 0;
}
