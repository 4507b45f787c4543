// SPDX-License-Identifier: GPL-2.0
/*
 * kpptpd/pppd.c with real processes standing in for pppd: what the child
 * inherits (signal mask and dispositions, descriptors), its output pipe,
 * kpptp.so's report pipe on descriptor 3, signals through the pidfd,
 * reaping; and that kpptpd.conf wants pppd by
 * absolute path.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kpptpd.h"
#include "unit.h"

/* All the child wrote to its standard output, once it exited. */
static void output_keep_rep(struct pppd_proc *p, char *buf, size_t len)
{
	size_t n = 0;
	ssize_t r;
	int status;

	CHECK(pppd_reap(p, &status, true) == 1);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	while (n < len - 1 && (r = read(p->outfd, buf + n, len - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = '\0';
	close(p->outfd);
}

static void output(struct pppd_proc *p, char *buf, size_t len)
{
	output_keep_rep(p, buf, len);
	close(p->repfd);
}

/* The mask in "SigIgn:\t0000000000010000" (hex) of /proc status text. */
static unsigned long long proc_mask(const char *status, const char *key)
{
	const char *p = strstr(status, key);

	return p ? strtoull(p + strlen(key), NULL, 16) : ~0ULL;
}

/* This binary as the child: its /proc status on stdout, then a moment
 * alive, so that it is not gone before the parent has its pidfd. */
__attribute__((constructor)) static void status_child(void)
{
	char buf[4096];
	FILE *f;
	size_t n;

	if (!getenv("KPPTP_TEST_STATUS"))
		return;
	f = fopen("/proc/self/status", "r");
	while (f && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stdout);
	fflush(stdout);
	usleep(300000);
	_exit(0);
}

TEST(child_gets_default_signals)
{
	char *argv[] = { "/proc/self/exe", NULL };
	struct pppd_proc p;
	sigset_t set, old;
	char buf[8192];

	/* as kpptpd might be started: SIGCHLD and SIGPIPE ignored, some
	 * signals blocked */
	signal(SIGCHLD, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, &old);
	setenv("KPPTP_TEST_STATUS", "1", 1);
	CHECK(pppd_spawn(argv, NULL, &p) == 0 && p.pid > 0 && p.pidfd >= 0);
	unsetenv("KPPTP_TEST_STATUS");
	/* kpptpd's main() does the same at its start: or nothing is reaped */
	signal(SIGCHLD, SIG_DFL);
	output(&p, buf, sizeof(buf));
	sigprocmask(SIG_SETMASK, &old, NULL);
	signal(SIGPIPE, SIG_DFL);
	CHECK(!(proc_mask(buf, "SigIgn:") & (1ULL << (SIGCHLD - 1))));
	CHECK(!(proc_mask(buf, "SigIgn:") & (1ULL << (SIGPIPE - 1))));
	CHECK(proc_mask(buf, "SigBlk:") == 0);
	CHECK(p.pid == 0 && p.pidfd == -1);
}

TEST(child_keeps_no_descriptors)
{
	char *argv[] = { "/bin/sh", "-c", "ls /proc/self/fd", NULL };
	struct pppd_proc p;
	char buf[512];
	int fd = dup(1);

	CHECK(pppd_spawn(argv, NULL, &p) == 0);
	output(&p, buf, sizeof(buf));
	close(fd);
	/* 0, 1, 2, the report pipe and ls's own directory descriptor */
	CHECK_STR(buf, "0\n1\n2\n3\n4\n");
}

/* kpptpd raises its soft limit to the hard one; pppd, which waits in
 * select(), gets the one kpptpd was started with. */
TEST(child_gets_the_starting_fd_limit)
{
	char *argv[] = { "/bin/sh", "-c", "ulimit -Sn", NULL };
	struct rlimit old, low, now;
	struct pppd_proc p;
	char buf[64];

	CHECK(getrlimit(RLIMIT_NOFILE, &old) == 0);
	if (old.rlim_max < 512) {
		printf("skip: hard limit %llu\n",
		       (unsigned long long)old.rlim_max);
		return;
	}
	low = old;
	low.rlim_cur = 300;
	CHECK(setrlimit(RLIMIT_NOFILE, &low) == 0);
	fdlimit_raise();
	CHECK(getrlimit(RLIMIT_NOFILE, &now) == 0);
	CHECK(now.rlim_cur == old.rlim_max);
	CHECK(pppd_spawn(argv, NULL, &p) == 0);
	output(&p, buf, sizeof(buf));
	CHECK_STR(buf, "300\n");
	CHECK(setrlimit(RLIMIT_NOFILE, &old) == 0);
}

TEST(fd_need_of_a_configuration)
{
	struct conf c;

	conf_init(&c);
	/* 100 connections, 100 calls at 4 each, 64 for the daemon */
	CHECK(fdlimit_needed(&c) == 564);
	c.max_conns = 30000;
	c.max_calls = 30000;
	CHECK(fdlimit_needed(&c) == 150064);
	conf_free(&c);
}

TEST(child_reports_on_descriptor_3)
{
	char *argv[] = { "/bin/sh", "-c",
			 "echo event=hello >&3; echo >&3; echo log", NULL };
	struct pppd_proc p;
	char buf[64], rep[64] = "";
	ssize_t n;

	CHECK(pppd_spawn(argv, NULL, &p) == 0 && p.repfd >= 0);
	CHECK(fcntl(p.repfd, F_GETFL) & O_NONBLOCK);
	CHECK(fcntl(p.repfd, F_GETFD) & FD_CLOEXEC);
	/* the child has exited when output() returns: all is in the pipe */
	output_keep_rep(&p, buf, sizeof(buf));
	n = read(p.repfd, rep, sizeof(rep) - 1);
	CHECK(n == 13);
	rep[n > 0 ? n : 0] = '\0';
	CHECK_STR(rep, "event=hello\n\n");
	CHECK_STR(buf, "log\n");
	close(p.repfd);
}

TEST(secret_on_descriptor_4_and_the_report_socket_answers)
{
	char *argv[] = { "/bin/sh", "-c",
			 "cat <&4; echo; read -r line <&3; echo \"$line\"; ls /proc/self/fd | tr '\\n' ' '",
			 NULL };
	struct pppd_proc p;
	char buf[128];

	CHECK(pppd_spawn(argv, "s3cret", &p) == 0 && p.repfd >= 0);
	/* the other way: kpptpd to the plugin */
	CHECK(write(p.repfd, "event=ipcp_go\n", 14) == 14);
	output(&p, buf, sizeof(buf));
	/* the secret to its end (the pipe's write end is closed), what we
	 * wrote, and nothing open beyond 4 but ls's own directory */
	CHECK_STR(buf, "s3cret\nevent=ipcp_go\n0 1 2 3 4 5 ");
}

TEST(signal_through_pidfd_and_reap)
{
	char *argv[] = { "/bin/sleep", "30", NULL };
	struct pppd_proc p;
	int status = 0;

	CHECK(pppd_spawn(argv, NULL, &p) == 0);
	CHECK(pppd_reap(&p, &status, false) == 0 && p.pid);
	CHECK(pppd_signal(&p, SIGTERM) == 0);
	CHECK(pppd_reap(&p, &status, true) == 1);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	CHECK(p.pid == 0 && p.pidfd == -1);
	/* reaped: nothing more to signal, and no pid to hit by mistake */
	CHECK(pppd_signal(&p, SIGTERM) == 0);
	close(p.outfd);
	close(p.repfd);
}

TEST(no_search_in_path)
{
	char *argv[] = { "sh", "-c", "true", NULL };
	struct pppd_proc p;
	int status = 0;

	int err = dup(2), null = open("/dev/null", O_WRONLY);

	/* a relative name is not looked up: exec fails, exit status 127
	 * (and its complaint goes to /dev/null) */
	dup2(null, 2);
	CHECK(pppd_spawn(argv, NULL, &p) == 0);
	dup2(err, 2);
	close(err);
	close(null);
	CHECK(pppd_reap(&p, &status, true) == 1);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 127);
	close(p.outfd);
	close(p.repfd);
}

TEST(conf_wants_absolute_pppd)
{
	struct conf c;
	char err[256] = "";

	conf_init(&c);
	CHECK_STR(c.pppd, "/usr/sbin/pppd");
	CHECK(conf_parse(&c, "t.conf", "pppd pppd\n", err, sizeof(err)) != 0);
	CHECK_HAS(err, "not an absolute path");
	conf_free(&c);
	conf_init(&c);
	CHECK(conf_parse(&c, "t.conf", "pppd /opt/ppp/sbin/pppd\n", err,
			 sizeof(err)) == 0);
	CHECK_STR(c.pppd, "/opt/ppp/sbin/pppd");
	conf_free(&c);
}
