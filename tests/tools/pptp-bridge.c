// SPDX-License-Identifier: GPL-2.0
/*
 * pptp-bridge: splice two PPTP calls in the kernel, the data path of a
 * transparent relay.  Each call is a netlink call (kpptpctl call add) that
 * this tool attaches to with a PX_PROTO_PPTP socket (bind to its ID), so
 * that it gets its ppp channel; then /dev/ppp PPPIOCATTCHAN to the first
 * channel and PPPIOCBRIDGECHAN to the second: ppp_generic hands every frame
 * one call receives straight to the other's transmit, LCP, authentication
 * and MPPE included, with no pppd and no ppp interface here.
 *
 * usage: pptp-bridge CALL-ID CALL-ID
 *
 * Prints "bridged A B (channels X Y)" once done, then holds the sockets
 * (closing one deletes its call) until SIGTERM or SIGINT.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_pppox.h>
#include <linux/ppp-ioctl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef PPPIOCBRIDGECHAN	/* Linux 5.11 */
#define PPPIOCBRIDGECHAN _IOW('t', 53, int)
#endif

static void die(const char *what, const char *arg)
{
	fprintf(stderr, "pptp-bridge: %s %s: %s\n", what, arg, strerror(errno));
	exit(1);
}

/* Attach a socket to netlink call @arg; its channel index in *@chan. */
static int attach(const char *arg, int *chan)
{
	union {	/* sockaddr_pppox is packed: no cast of its address */
		struct sockaddr sa;
		struct sockaddr_pppox px;
	} u = { .px = { .sa_family = AF_PPPOX, .sa_protocol = PX_PROTO_PPTP } };
	char *end;
	long id;
	int fd;

	id = strtol(arg, &end, 10);
	if (*end || id < 1 || id > 65535) {
		fprintf(stderr, "pptp-bridge: bad call ID \"%s\"\n", arg);
		exit(1);
	}
	u.px.sa_addr.pptp.call_id = (unsigned short)id;
	fd = socket(AF_PPPOX, SOCK_STREAM, PX_PROTO_PPTP);
	if (fd < 0)
		die("socket for call", arg);
	if (bind(fd, &u.sa, sizeof(u.px)))
		die("bind to call", arg);
	if (ioctl(fd, PPPIOCGCHAN, chan))
		die("PPPIOCGCHAN of call", arg);
	return fd;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	int a, b, fd, chan_a, chan_b;

	if (argc != 3) {
		fprintf(stderr, "usage: pptp-bridge CALL-ID CALL-ID\n");
		return 1;
	}
	a = attach(argv[1], &chan_a);
	b = attach(argv[2], &chan_b);
	fd = open("/dev/ppp", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die("open", "/dev/ppp");
	if (ioctl(fd, PPPIOCATTCHAN, &chan_a))
		die("PPPIOCATTCHAN of call", argv[1]);
	if (ioctl(fd, PPPIOCBRIDGECHAN, &chan_b))
		die("PPPIOCBRIDGECHAN to call", argv[2]);
	/* the bridge holds both channels; this handle is no longer needed */
	close(fd);
	printf("bridged %s %s (channels %d %d)\n", argv[1], argv[2], chan_a,
	       chan_b);
	fflush(stdout);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	while (!stop)
		pause();
	close(a);
	close(b);
	return 0;
}
