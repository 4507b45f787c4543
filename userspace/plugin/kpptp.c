// SPDX-License-Identifier: GPL-2.0
/*
 * kpptp.so: pppd plugin that runs PPP over a kpptp.ko call.
 *
 *   plugin kpptp.so kpptp_call ID
 *	attach to a call made over netlink (kpptpctl call add, kpptpd)
 *   plugin kpptp.so kpptp_peer ADDR kpptp_peer_id ID [kpptp_local ADDR]
 *		     [kpptp_local_id ID]
 *	a static call through the in-tree PX_PROTO_PPTP socket ABI, which
 *	works with pptp.ko too
 *
 * The socket is handed to pppd's generic establish code (PPPIOCGCHAN and
 * /dev/ppp); closing it when the link goes down deletes the call.  The
 * option names of the pptp.so plugin are accepted so its users can switch.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_pppox.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <pppd/pppd.h>
#include <pppd/options.h>
#include <pppd/fsm.h>
#include <pppd/lcp.h>

char pppd_version[] = PPPD_VERSION;

static int call_id = -1;	/* kpptp_call */
static char *peer_addr;		/* static link */
static int peer_id = -1;
static char *local_addr;
static int local_id;
/* pptp.so option names */
static char *pptp_server, *pptp_client, *pptp_phone;
static int pptp_sock = -1, pptp_window = -1, pptp_timeout = -1;

static int sock_fd = -1;

static int set_call(char **argv)
{
	if (!ppp_int_option(*argv, &call_id) || call_id < 1 ||
	    call_id > 65535) {
		ppp_option_error("kpptp_call: invalid call ID \"%s\"", *argv);
		return 0;
	}
	return 1;
}

/* pppd option tables leave the trailing fields to their zero default. */
static struct option kpptp_options[] = {
	{ "kpptp_call", o_special, (void *)set_call,
	  "Attach to the kpptp call with this local call ID", OPT_DEVNAM },
	{ "kpptp_peer", o_string, &peer_addr,
	  "Static call: peer IPv4 address", OPT_PRIO },
	{ "kpptp_peer_id", o_int, &peer_id,
	  "Static call: peer call ID", OPT_PRIO | OPT_LIMITS, NULL, 65535, 0 },
	{ "kpptp_local", o_string, &local_addr,
	  "Static call: local IPv4 address", OPT_PRIO },
	{ "kpptp_local_id", o_int, &local_id,
	  "Static call: local call ID (0: any)", OPT_PRIO | OPT_LIMITS, NULL,
	  65535, 0 },
	{ "pptp_server", o_string, &pptp_server,
	  "PPTP server (pptp.so compatibility)", OPT_PRIO },
	{ "pptp_client", o_string, &pptp_client,
	  "PPTP client address (pptp.so compatibility)", OPT_PRIO },
	{ "pptp_phone", o_string, &pptp_phone,
	  "PPTP phone number (pptp.so compatibility)", OPT_PRIO },
	{ "pptp_sock", o_int, &pptp_sock,
	  "PPTP control socket (pptp.so compatibility)", OPT_PRIO },
	{ "pptp_window", o_int, &pptp_window,
	  "PPTP receive window (pptp.so compatibility)", OPT_PRIO },
	{ "pptp_timeout", o_int, &pptp_timeout,
	  "PPTP control timeout (pptp.so compatibility)", OPT_PRIO },
	{ NULL }
};

static int parse_addr(const char *what, const char *text, struct in_addr *a)
{
	if (inet_pton(AF_INET, text, a) == 1)
		return 0;
	error("kpptp: invalid %s \"%s\"", what, text);
	return -1;
}

/* The source address the kernel would pick for @peer. */
static int source_for(struct in_addr peer, struct in_addr *out)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(1723), .sin_addr = peer };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	int err = -1;

	if (fd >= 0 && !connect(fd, (struct sockaddr *)&sin, sizeof(sin)) &&
	    !getsockname(fd, (struct sockaddr *)&sin, &len)) {
		*out = sin.sin_addr;
		err = 0;
	}
	if (fd >= 0)
		close(fd);
	return err;
}

static void kpptp_check_options(void)
{
	if (pptp_server || pptp_sock >= 0) {
		ppp_option_error("kpptp: pptp_server/pptp_sock need the PPTP control connection, which kpptp.so does not speak yet; create the call with kpptpctl and use kpptp_call ID");
		exit(EXIT_OPTION_ERROR);
	}
	if (call_id < 0 && (!peer_addr || peer_id < 0)) {
		ppp_option_error("kpptp: give kpptp_call ID, or kpptp_peer ADDR and kpptp_peer_id ID");
		exit(EXIT_OPTION_ERROR);
	}
	if (pptp_window >= 0 || pptp_timeout >= 0 || pptp_client || pptp_phone)
		info("kpptp: pptp_window/pptp_timeout/pptp_client/pptp_phone are accepted for pptp.so compatibility and ignored");
}

static int kpptp_connect(void)
{
	union {
		struct sockaddr sa;
		struct sockaddr_pppox px;
	} u = { .px = { .sa_family = AF_PPPOX, .sa_protocol = PX_PROTO_PPTP } };
	struct in_addr peer = { 0 }, local = { 0 };
	socklen_t len = sizeof(u.px);
	int fd;

	fd = socket(AF_PPPOX, SOCK_STREAM, PX_PROTO_PPTP);
	if (fd < 0) {
		error("kpptp: socket(AF_PPPOX, PX_PROTO_PPTP): %m (is kpptp.ko loaded?)");
		return -1;
	}
	if (call_id > 0) {
		/* A netlink call: bind() attaches, its peer is known. */
		u.px.sa_addr.pptp.call_id = call_id;
		if (bind(fd, &u.sa, sizeof(u.px)) < 0) {
			error("kpptp: attaching to call %d: %m", call_id);
			goto err;
		}
		info("kpptp: attached to call %d", call_id);
	} else {
		if (parse_addr("kpptp_peer", peer_addr, &peer))
			goto err;
		if (local_addr ? parse_addr("kpptp_local", local_addr, &local) :
				 source_for(peer, &local)) {
			error("kpptp: no local address towards %s", peer_addr);
			goto err;
		}
		u.px.sa_addr.pptp.call_id = local_id;
		u.px.sa_addr.pptp.sin_addr = local;
		if (bind(fd, &u.sa, sizeof(u.px)) < 0 ||
		    getsockname(fd, &u.sa, &len) < 0) {
			error("kpptp: bind to call %d: %m", local_id);
			goto err;
		}
		local_id = u.px.sa_addr.pptp.call_id;
		u.px.sa_addr.pptp.call_id = peer_id;
		u.px.sa_addr.pptp.sin_addr = peer;
		if (connect(fd, &u.sa, sizeof(u.px)) < 0) {
			error("kpptp: connect to %s call %d: %m", peer_addr,
			      peer_id);
			goto err;
		}
		info("kpptp: call %d connected to %s call %d", local_id,
		     peer_addr, peer_id);
	}
	sock_fd = fd;
	return fd;
err:
	close(fd);
	return -1;
}

static void kpptp_disconnect(void)
{
	if (sock_fd >= 0)
		close(sock_fd);
	sock_fd = -1;
}

static struct channel kpptp_channel = {
	.options = kpptp_options,
	.check_options = kpptp_check_options,
	.connect = kpptp_connect,
	.disconnect = kpptp_disconnect,
	.establish_ppp = ppp_generic_establish,
	.disestablish_ppp = ppp_generic_disestablish,
};

void plugin_init(void)
{
	ppp_add_options(kpptp_options);
	the_channel = &kpptp_channel;
	ppp_set_modem(0);
	/* PPTP carries PPP frames whole: no async control character maps. */
	lcp_wantoptions[0].neg_asyncmap = 0;
	lcp_allowoptions[0].neg_asyncmap = 0;
}
