// SPDX-License-Identifier: GPL-2.0
/*
 * kpptpd's file descriptors: one per control connection and up to
 * FDS_PER_CALL per call, so a concentrator needs far more than the 1024
 * a service starts with (systemd's soft limit).  At start the soft limit
 * is raised to the hard one, as systemd asks of programs that need many
 * descriptors; pppd gets the soft limit back, since it waits in select()
 * and must not see descriptors past FD_SETSIZE.  When the limit is
 * reached all the same, a spare descriptor lets kpptpd take the waiting
 * connection off the listen queue and close it: without it, accept()
 * fails with EMFILE, the connection stays queued, and a level-triggered
 * epoll wakes the loop again at once, for as long as it stays there.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "kpptpd.h"

/* pidfd, pppd's report pipe and its output pipe; a relayed call's
 * next-hop connection; what a call can hold at once */
#define FDS_PER_CALL 4
/* epoll, signalfd, netlink, listeners, control socket clients, logs */
#define FDS_BASE 64

static struct rlimit start_limit;	/* as we were started, for pppd */
static bool raised;
static int spare_fd = -1;

void fdlimit_raise(void)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &start_limit))
		return;
	r = start_limit;
	if (r.rlim_cur < r.rlim_max) {
		r.rlim_cur = r.rlim_max;
		if (!setrlimit(RLIMIT_NOFILE, &r))
			raised = true;
		else
			warn("file descriptors: cannot raise the limit from %llu to %llu: %s",
			     (unsigned long long)start_limit.rlim_cur,
			     (unsigned long long)r.rlim_max, strerror(errno));
	}
	fdlimit_spare();
}

void fdlimit_child(void)
{
	if (raised)
		setrlimit(RLIMIT_NOFILE, &start_limit);
}

unsigned long long fdlimit_needed(const struct conf *c)
{
	return (unsigned long long)c->max_conns +
	       (unsigned long long)c->max_calls * FDS_PER_CALL + FDS_BASE;
}

void fdlimit_check(const struct conf *c)
{
	unsigned long long need = fdlimit_needed(c);
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &r) || r.rlim_cur == RLIM_INFINITY ||
	    need <= r.rlim_cur)
		return;
	warn("file descriptors: connections %u and max-calls %u need up to %llu, the limit is %llu: connections past it are refused (raise LimitNOFILE= or ulimit -n)",
	     c->max_conns, c->max_calls, need,
	     (unsigned long long)r.rlim_cur);
}

int fdlimit_shed(int listen_fd, struct sockaddr *sa, socklen_t *len)
{
	bool slot_lost;
	int fd;

	if (spare_fd < 0)
		return -1;
	close(spare_fd);
	spare_fd = -1;
	fd = accept4(listen_fd, sa, len, SOCK_CLOEXEC);
	/* another process took the slot: as good as no spare */
	slot_lost = fd < 0 && (errno == EMFILE || errno == ENFILE);
	if (fd >= 0)
		close(fd);
	fdlimit_spare();
	if (fd >= 0)
		return 1;
	return slot_lost || spare_fd < 0 ? -1 : 0;
}

/*
 * With no spare (the whole system out of files, ENFILE, or the limit
 * lowered under the descriptors in use) nothing can take a connection off
 * the queue: the listener sleeps for PAUSE_MS instead of waking the loop
 * at once again, and the spare is tried again when it wakes.
 */
#define PAUSE_MS 1000
#define PAUSED_MAX 2	/* the PPTP listener and the control socket */

static struct paused {
	void (*resume)(void);
	uint64_t at;
} paused[PAUSED_MAX];

void fdlimit_pause(void (*resume)(void), uint64_t now)
{
	struct paused *p, *free_slot = NULL;

	for (p = paused; p < paused + PAUSED_MAX; p++) {
		if (p->resume == resume)
			return;
		if (!p->resume && !free_slot)
			free_slot = p;
	}
	if (!free_slot)
		return;
	warn("file descriptors: none left, not even the spare: not accepting for %u ms",
	     PAUSE_MS);
	free_slot->resume = resume;
	free_slot->at = now + PAUSE_MS;
}

uint64_t fdlimit_next_timer(void)
{
	uint64_t next = PPTP_NO_TIMER;
	const struct paused *p;

	for (p = paused; p < paused + PAUSED_MAX; p++)
		if (p->resume && p->at < next)
			next = p->at;
	return next;
}

void fdlimit_timers(uint64_t now)
{
	struct paused *p;

	for (p = paused; p < paused + PAUSED_MAX; p++) {
		void (*resume)(void) = p->resume;

		if (!resume || p->at > now)
			continue;
		p->resume = NULL;
		fdlimit_spare();
		resume();
	}
}

void fdlimit_spare(void)
{
	if (spare_fd < 0)
		spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

unsigned long long fdlimit_current(void)
{
	struct rlimit r;

	return getrlimit(RLIMIT_NOFILE, &r) ? 0 : (unsigned long long)r.rlim_cur;
}
