// SPDX-License-Identifier: GPL-2.0
/*
 * l2tp-ppp: the far end of a static L2TPv3 PPP pseudowire, for the relay
 * tests: connects a PX_PROTO_OL2TP socket to session SESSION (peer session
 * PEER) of the existing L2TPv3 tunnel TUNNEL ("ip l2tp add tunnel ...",
 * fd -1: the kernel's tunnel socket carries it), which makes the session
 * and its ppp channel, then runs COMMAND with the socket as descriptor 3:
 * "pppd plugin pppol2tp.so pppol2tp 3 ...", as an L2TP daemon hands it
 * over.  The session goes when the socket closes (pppd exits).
 *
 * usage: l2tp-ppp TUNNEL SESSION PEER COMMAND [ARG...]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_pppox.h>

static unsigned int number(const char *what, const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || !*s || *end || !v || v > 0xffffffffUL) {
		fprintf(stderr, "l2tp-ppp: bad %s \"%s\"\n", what, s);
		exit(2);
	}
	return (unsigned int)v;
}

int main(int argc, char **argv)
{
	union {	/* sockaddr_pppol2tpv3 is packed: no cast of its address */
		struct sockaddr sa;
		struct sockaddr_pppol2tpv3 v3;
	} u = { .v3 = { .sa_family = AF_PPPOX,
			.sa_protocol = PX_PROTO_OL2TP } };
	int fd;

	if (argc < 5) {
		fprintf(stderr, "usage: l2tp-ppp TUNNEL SESSION PEER COMMAND [ARG...]\n");
		return 2;
	}
	u.v3.pppol2tp.fd = -1;
	u.v3.pppol2tp.s_tunnel = number("tunnel", argv[1]);
	u.v3.pppol2tp.s_session = number("session", argv[2]);
	u.v3.pppol2tp.d_session = number("peer session", argv[3]);
	fd = socket(AF_PPPOX, SOCK_DGRAM, PX_PROTO_OL2TP);
	if (fd < 0 || connect(fd, &u.sa, sizeof(u.v3))) {
		fprintf(stderr, "l2tp-ppp: tunnel %s session %s: %s\n", argv[1],
			argv[2], strerror(errno));
		return 1;
	}
	if (fd != 3 && (dup2(fd, 3) < 0 || close(fd))) {
		perror("l2tp-ppp: dup2");
		return 1;
	}
	execvp(argv[4], argv + 4);
	fprintf(stderr, "l2tp-ppp: %s: %s\n", argv[4], strerror(errno));
	return 127;
}
