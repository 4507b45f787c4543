// SPDX-License-Identifier: GPL-2.0
/*
 * Two kernel calls spliced by ppp_generic's channel bridge, for relay.c:
 * each call gets a PX_PROTO_PPTP socket bound to its ID (the socket owns
 * the call's ppp channel from then on: closing it deletes the call), and
 * /dev/ppp attaches to the first channel and bridges it to the second.
 * Every frame one call receives is then sent on the other as it is, so
 * LCP, authentication and MPPE run between the far ends.  The /dev/ppp
 * handle is not needed once the bridge is made; the sockets are.  Faked
 * in the unit tests (tests/unit/kpptpd_fake.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>		/* before the linux/ headers: theirs yield */
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_pppox.h>
#include <linux/ppp-ioctl.h>

#include "kpptpd.h"

#ifndef PPPIOCBRIDGECHAN	/* Linux 5.11 */
#define PPPIOCBRIDGECHAN _IOW('t', 53, int)
#endif

int splice_attach_call(uint16_t id, int *chan, char *why, size_t whylen)
{
	union {	/* sockaddr_pppox is packed: no cast of its address */
		struct sockaddr sa;
		struct sockaddr_pppox px;
	} u = { .px = { .sa_family = AF_PPPOX,
			.sa_protocol = PX_PROTO_PPTP } };
	int fd;

	u.px.sa_addr.pptp.call_id = id;
	fd = socket(AF_PPPOX, SOCK_STREAM | SOCK_CLOEXEC, PX_PROTO_PPTP);
	if (fd < 0) {
		snprintf(why, whylen, "PPTP socket: %s", strerror(errno));
		return -1;
	}
	if (bind(fd, &u.sa, sizeof(u.px))) {
		snprintf(why, whylen, "PPTP socket on call %u: %s", id,
			 strerror(errno));
		close(fd);
		return -1;
	}
	if (ioctl(fd, PPPIOCGCHAN, chan)) {
		snprintf(why, whylen, "channel of call %u: %s", id,
			 strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int splice_attach(uint16_t a, uint16_t b, int fds[2], int chan[2],
		  char *why, size_t whylen)
{
	fds[0] = splice_attach_call(a, &chan[0], why, whylen);
	fds[1] = fds[0] < 0 ? -1 :
		 splice_attach_call(b, &chan[1], why, whylen);
	if (fds[1] >= 0)
		return 0;
	splice_end(fds);
	return -1;
}

int splice_chan_open(int chan, char *why, size_t whylen)
{
	int fd = open("/dev/ppp", O_RDWR | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0) {
		snprintf(why, whylen, "/dev/ppp: %s", strerror(errno));
		return -1;
	}
	if (ioctl(fd, PPPIOCATTCHAN, &chan)) {
		snprintf(why, whylen, "attaching to channel %d: %s", chan,
			 strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int splice_bridge(int fd, int chan_b, char *why, size_t whylen)
{
	if (!ioctl(fd, PPPIOCBRIDGECHAN, &chan_b))
		return 0;
	snprintf(why, whylen, "bridging to channel %d: %s", chan_b,
		 strerror(errno));
	return -1;
}

int splice_join(int fds[2], const int chan[2], char *why, size_t whylen)
{
	int ppp = splice_chan_open(chan[0], why, whylen);

	if (ppp < 0 || splice_bridge(ppp, chan[1], why, whylen)) {
		if (ppp >= 0)
			close(ppp);
		splice_end(fds);
		return -1;
	}
	close(ppp);	/* the bridge holds both channels */
	return 0;
}

int splice_calls(uint16_t a, uint16_t b, int fds[2], char *why,
		 size_t whylen)
{
	int chan[2];

	if (splice_attach(a, b, fds, chan, why, whylen))
		return -1;
	return splice_join(fds, chan, why, whylen);
}

void splice_end(int fds[2])
{
	int i;

	for (i = 0; i < 2; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
}
