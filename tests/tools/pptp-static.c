// SPDX-License-Identifier: GPL-2.0
/*
 * pptp-static: a PPP link over a PX_PROTO_PPTP socket with no pppd, used
 * exactly the way the in-tree pptp driver's users use it: socket(), bind()
 * (call ID 0 lets the kernel pick), connect() to the peer, PPPIOCGCHAN,
 * then /dev/ppp: PPPIOCATTCHAN, PPPIOCNEWUNIT, PPPIOCCONNECT, and IP set to
 * pass.  Works against kpptp.ko and the in-tree pptp.ko alike, so tests and
 * benchmarks compare both through the same ABI.
 *
 * usage: pptp-static --peer ADDR (--peer-id N | --peer-id-file F)
 *                    [--local ADDR] [--local-id N] [--id-file F] [--unit N]
 *                    [--drop-before bind|connect]
 *
 * Prints "call ID unit N" once the link is up, then holds it until SIGTERM
 * or SIGINT.  --id-file writes the local call ID (useful with --local-id 0)
 * and --peer-id-file waits for the peer's, so two instances can meet.
 * --drop-before becomes user nobody, with no capabilities, just before that
 * call, to show what an unprivileged user may do with a socket.
 */
#define _GNU_SOURCE	/* setresuid() */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <linux/if_pppox.h>
#include <linux/ppp-ioctl.h>
#include <linux/ppp_defs.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "pptp-static: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void usage(void)
{
	fprintf(stderr, "usage: pptp-static --peer ADDR (--peer-id N | --peer-id-file F)\n"
			"       [--local ADDR] [--local-id N] [--id-file F] [--unit N]\n"
			"       [--drop-before bind|connect]\n");
	exit(1);
}

static long number(const char *s, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || *end || v < 0 || v > max) {
		fprintf(stderr, "pptp-static: bad number \"%s\"\n", s);
		exit(1);
	}
	return v;
}

static struct in_addr address(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1) {
		fprintf(stderr, "pptp-static: bad IPv4 address \"%s\"\n", s);
		exit(1);
	}
	return a;
}

/* The source address the kernel would use towards @peer. */
static struct in_addr source_for(struct in_addr peer)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(9),
				   .sin_addr = peer };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    getsockname(fd, (struct sockaddr *)&sin, &len))
		die("finding the local address");
	close(fd);
	return sin.sin_addr;
}

static long wait_for_id(const char *path)
{
	char buf[32] = "";
	FILE *f;

	for (int i = 0; i < 300; i++) {
		f = fopen(path, "r");
		if (f && fgets(buf, sizeof(buf), f) && strchr(buf, '\n')) {
			fclose(f);
			buf[strcspn(buf, "\n")] = 0;
			return number(buf, 65535);
		}
		if (f)
			fclose(f);
		usleep(100000);
	}
	fprintf(stderr, "pptp-static: no peer call ID in %s after 30 s\n", path);
	exit(1);
}

/* Become nobody: a uid change from 0 clears every capability. */
static void drop_privileges(void)
{
	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534))
		die("dropping privileges");
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "peer", required_argument, NULL, 'p' },
		{ "peer-id", required_argument, NULL, 'P' },
		{ "peer-id-file", required_argument, NULL, 'F' },
		{ "local", required_argument, NULL, 'l' },
		{ "local-id", required_argument, NULL, 'L' },
		{ "id-file", required_argument, NULL, 'i' },
		{ "unit", required_argument, NULL, 'u' },
		{ "drop-before", required_argument, NULL, 'd' },
		{ 0 }
	};
	const char *peer_id_file = NULL, *id_file = NULL, *drop = "";
	/* the union keeps the packed sockaddr_pppox aligned for the calls */
	union {
		struct sockaddr sa;
		struct sockaddr_pppox px;
	} u = { .px = { .sa_family = AF_PPPOX, .sa_protocol = PX_PROTO_PPTP } };
	struct in_addr peer = { 0 }, local = { 0 };
	long peer_id = -1, local_id = 0;
	int unit = -1;
	struct npioctl npi = { .protocol = PPP_IP, .mode = NPMODE_PASS };
	int fd, chfd, unitfd, chan, c;
	socklen_t len;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p': peer = address(optarg); break;
		case 'P': peer_id = number(optarg, 65535); break;
		case 'F': peer_id_file = optarg; break;
		case 'l': local = address(optarg); break;
		case 'L': local_id = number(optarg, 65535); break;
		case 'i': id_file = optarg; break;
		case 'u': unit = (int)number(optarg, 1 << 20); break;
		case 'd': drop = optarg; break;
		default: usage();
		}
	}
	if (!peer.s_addr || (peer_id < 0 && !peer_id_file) || optind != argc ||
	    (*drop && strcmp(drop, "bind") && strcmp(drop, "connect")))
		usage();
	if (!local.s_addr)
		local = source_for(peer);

	fd = socket(AF_PPPOX, SOCK_STREAM, PX_PROTO_PPTP);
	if (fd < 0)
		die("socket(AF_PPPOX, PX_PROTO_PPTP)");
	u.px.sa_addr.pptp.call_id = local_id;
	u.px.sa_addr.pptp.sin_addr = local;
	if (!strcmp(drop, "bind"))
		drop_privileges();
	if (bind(fd, &u.sa, sizeof(u.px)))
		die("bind");
	len = sizeof(u.px);
	if (getsockname(fd, &u.sa, &len))
		die("getsockname");
	local_id = u.px.sa_addr.pptp.call_id;
	if (id_file) {
		FILE *f = fopen(id_file, "w");

		if (!f || fprintf(f, "%ld\n", local_id) < 0 || fclose(f))
			die(id_file);
	}
	if (peer_id_file)
		peer_id = wait_for_id(peer_id_file);

	u.px.sa_addr.pptp.call_id = peer_id;
	u.px.sa_addr.pptp.sin_addr = peer;
	if (!strcmp(drop, "connect"))
		drop_privileges();
	if (connect(fd, &u.sa, sizeof(u.px)))
		die("connect");
	if (ioctl(fd, PPPIOCGCHAN, &chan))
		die("PPPIOCGCHAN");

	chfd = open("/dev/ppp", O_RDWR);
	if (chfd < 0 || ioctl(chfd, PPPIOCATTCHAN, &chan))
		die("PPPIOCATTCHAN");
	unitfd = open("/dev/ppp", O_RDWR);
	if (unitfd < 0 || ioctl(unitfd, PPPIOCNEWUNIT, &unit))
		die("PPPIOCNEWUNIT");
	if (ioctl(chfd, PPPIOCCONNECT, &unit))
		die("PPPIOCCONNECT");
	if (ioctl(unitfd, PPPIOCSNPMODE, &npi))
		die("PPPIOCSNPMODE");

	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	printf("call %ld unit %d\n", local_id, unit);
	fflush(stdout);
	while (!stop)
		pause();
	return 0;
}
