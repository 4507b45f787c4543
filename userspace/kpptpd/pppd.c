// SPDX-License-Identifier: GPL-2.0
/*
 * pppd processes: started with their standard output on a pipe to us and
 * kpptp.so's report socket on KPPTP_REPORT_FD (report.h), signalled and
 * reaped through a pidfd, so that a pid reused after pppd was reaped
 * elsewhere can never be signalled by mistake.  The only place kpptpd
 * forks; the unit tests and the fuzzer replace this file
 * (tests/unit/kpptpd_fake.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kpptpd.h"
#include "../lib/report.h"

/* The syscalls themselves: glibc before 2.36 has no wrappers. */
static int sys_pidfd_open(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	errno = ENOSYS;
	return -1;
#endif
}

static int sys_pidfd_send_signal(int pidfd, int sig)
{
#ifdef SYS_pidfd_send_signal
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
#else
	(void)pidfd;
	(void)sig;
	errno = ENOSYS;
	return -1;
#endif
}

static void close_pair(int fd[2])
{
	int e = errno;

	if (fd[0] >= 0) {
		close(fd[0]);
		close(fd[1]);
	}
	fd[0] = fd[1] = -1;
	errno = e;
}

/* A pipe holding @secret, its write end closed: passwordfd.so reads it
 * to its end when it parses its option. */
static int secret_pipe(const char *secret, int fd[2])
{
	size_t len = strlen(secret);

	fd[0] = fd[1] = -1;
	if (pipe2(fd, O_CLOEXEC))
		return -1;
	if (write(fd[1], secret, len) != (ssize_t)len) {
		close_pair(fd);
		errno = EIO;
		return -1;
	}
	close(fd[1]);
	fd[1] = -1;
	return 0;
}

int pppd_spawn(char *const argv[], const char *secret, struct pppd_proc *p)
{
	int out[2], rep[2], sec[2] = { -1, -1 };
	pid_t pid;

	p->pid = 0;
	p->pidfd = p->outfd = p->repfd = -1;
	/* no report socket, no pppd: what else would be on descriptor 3 */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, rep))
		return -1;
	if (secret && secret_pipe(secret, sec)) {
		close_pair(rep);
		return -1;
	}
	if (pipe2(out, O_CLOEXEC))
		out[0] = out[1] = -1;
	pid = fork();
	if (pid < 0) {
		close_pair(out);
		close_pair(rep);
		if (sec[0] >= 0)
			close(sec[0]);
		return -1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		sigset_t none;

		/*
		 * Our blocked signals (signalfd) must not stay blocked, and
		 * what we ignore must not stay ignored: pppd counts on
		 * SIGCHLD for its scripts.
		 */
		signal(SIGPIPE, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		setsid();
		fdlimit_child();	/* pppd uses select() */
		if (null >= 0) {
			dup2(null, 0);
			dup2(out[1] >= 0 ? out[1] : null, 1);
		}
		/* dup2() clears close-on-exec, but not onto itself */
		if (rep[1] == KPPTP_REPORT_FD ?
		    fcntl(rep[1], F_SETFD, 0) :
		    dup2(rep[1], KPPTP_REPORT_FD) < 0)
			_exit(127);
		if (sec[0] >= 0 && dup2(sec[0], KPPTP_SECRET_FD) < 0)
			_exit(127);
		close_range(sec[0] >= 0 ? KPPTP_SECRET_FD + 1 :
			    KPPTP_REPORT_FD + 1, ~0U, 0);
		execv(argv[0], argv);
		fprintf(stderr, "kpptpd: exec %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	p->pid = pid;
	if (sec[0] >= 0)
		close(sec[0]);
	close(rep[1]);
	p->repfd = rep[0];
	if (fcntl(p->repfd, F_SETFL, O_NONBLOCK)) {
		close(p->repfd);
		p->repfd = -1;
	}
	if (out[0] >= 0) {
		close(out[1]);
		p->outfd = out[0];
		if (fcntl(p->outfd, F_SETFL, O_NONBLOCK)) {
			close(p->outfd);
			p->outfd = -1;
		}
	}
	p->pidfd = sys_pidfd_open(pid);
	if (p->pidfd < 0) {
		int e = errno;

		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		if (p->outfd >= 0)
			close(p->outfd);
		if (p->repfd >= 0)
			close(p->repfd);
		p->pid = 0;
		p->outfd = p->repfd = -1;
		errno = e;
		return -1;
	}
	return 0;
}

int pppd_signal(const struct pppd_proc *p, int sig)
{
	if (!p->pid)
		return 0;
	if (p->pidfd >= 0 && !sys_pidfd_send_signal(p->pidfd, sig))
		return 0;
	/* no pidfd_send_signal() (seccomp, old kernel): the pid is still
	 * ours, as we have not reaped it */
	if (p->pidfd < 0 || errno == ENOSYS)
		return kill(p->pid, sig);
	return -1;
}

int pppd_reap(struct pppd_proc *p, int *status, bool block)
{
	pid_t r;

	if (!p->pid)
		return 1;
	do
		r = waitpid(p->pid, status, block ? 0 : WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return 0;
	if (p->pidfd >= 0)
		close(p->pidfd);
	p->pidfd = -1;
	p->pid = 0;
	return 1;
}
