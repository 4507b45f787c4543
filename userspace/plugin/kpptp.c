// SPDX-License-Identifier: GPL-2.0
/*
 * kpptp.so: a pppd plugin that runs PPP over a PPTP call of kpptp.ko, or of
 * the in-tree pptp.ko, through the PX_PROTO_PPTP socket ABI.
 *
 *   plugin kpptp.so kpptp_call ID
 *	Attach to call ID, made beforehand over netlink (kpptpctl call add,
 *	the kpptp daemon): bind() to its ID hands the call to our socket.
 *   plugin kpptp.so kpptp_peer ADDR kpptp_peer_id ID
 *		     [ kpptp_local ADDR ] [ kpptp_local_id ID ]
 *	A static call through the in-tree socket ABI alone (so pptp.ko works
 *	too): bind(local ID or 0 = any, local address), connect(peer).
 *   plugin kpptp.so pptp_client NAME pptp_sock FD
 *	As pptp.so: a PPTP server that set the socket up hands it over.
 *   ... kpptp_report FD
 *	With any of the above: report the link's events (phase, interface,
 *	the peer's authenticated name, IPCP's addresses when it opens and
 *	when the interface is up) on the pipe FD as
 *	records (../lib/report.h).  kpptpd starts pppd with it (FD 3), so
 *	that it needs nothing from pppd's log, which pptpd's options send
 *	elsewhere (nologfd, logfile).  Without it nothing is reported.
 *   ... kpptp_report FD kpptp_hold_ipcp
 *	IPCP waits until kpptpd sends the addresses to use on the report
 *	socket FD (hold.c): a terminating relay gateway's inbound call.
 *   plugin kpptp.so pptp_server HOST [ pptp_phone NUMBER ]
 *		     [ pptp_window PACKETS ] [ pptp_timeout MS ]
 *		     [ kpptp_window PACKETS ] [ kpptp_reorder_ms MS ]
 *	As pptp.so's client: call the PPTP server HOST (name or IPv4
 *	address) over its control connection, TCP port 1723, make the call
 *	in kpptp.ko and run PPP on it (dial.c, pptp_client.c).  pptp_phone
 *	goes in the Outgoing-Call-Request.  pptp_window and pptp_timeout
 *	mean what they mean to pptp.so: pptp_window N is the sliding window,
 *	N packets announced and at most N (and the server's window) sent
 *	unacknowledged; 0 turns the window off (no send window, kpptp.ko's
 *	default).  pptp_timeout is pptp.so's ack timeout in ms: kpptp.ko
 *	adapts its ack timeout to the round trip (RFC 2637 4.4) and has no
 *	setting for it, so it is logged as not applied.  kpptp's own
 *	meanings have their own names: kpptp_window is the receive window
 *	announced alone (1-8192; 0 and default: 64, or pptp_window's),
 *	kpptp_reorder_ms the call's reorder timeout (0-2000; 0: no
 *	reordering; default: the kernel's).  The control connection is kept
 *	for the life of the link; the server ending the call hangs pppd up.
 *	Needs kpptp.ko (netlink), not pptp.ko.
 *
 * pppd's generic establish code does the rest (PPPIOCGCHAN, /dev/ppp).  When
 * the link goes down pppd calls our disconnect, which closes the socket:
 * the kernel then deletes the call (after, with pptp_server, clearing the
 * call and the control connection with the server).  pptp_phone,
 * pptp_window, pptp_timeout, kpptp_window and kpptp_reorder_ms are
 * accepted and ignored (with a log line) without pptp_server, so
 * configurations can switch plugins.
 */
#include "pppd_compat.h"	/* first: pppd 2.4 defines its own bool */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/if_pppox.h>
#include <linux/ppp-ioctl.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "../lib/parse.h"
#include "../lib/relayroute.h"
#include "../lib/report.h"
#include "kpptp.h"

/* pppd refuses plugins built against another version than its own. */
__attribute__((visibility("default"))) char pppd_version[] = PPPD_VERSION;

/* Typical PPTP MTU/MRU (Windows uses it): room for IP, GRE and PPP headers
 * and an underlay such as PPPoE below the 1500-byte path. */
#define KPPTP_DEFAULT_MRU 1400

static enum {
	MODE_NONE,
	MODE_CALL,		/* kpptp_call */
	MODE_STATIC,		/* kpptp_peer ... */
	MODE_SOCK,		/* pptp_sock (pptp.so server side) */
	MODE_DIAL,		/* pptp_server (pptp.so client side) */
} mode;

#define DEFAULT_WINDOW 64	/* as kpptpd */
#define MAX_WINDOW 8192		/* the kernel's bound */
#define MAX_REORDER_MS 2000	/* the kernel's bound */

/* kpptp_* option values, and their text for pppd's option listing */
static uint16_t call_id;
static uint32_t peer_addr, local_addr;	/* network byte order */
static uint16_t peer_id, local_id;
static int peer_id_set, local_addr_set, local_id_set;
static char *call_str, *peer_str, *peer_id_str, *local_str, *local_id_str;

/* pptp.so's options */
static char *pptp_server, *pptp_client, *pptp_phone;
static int pptp_sock = -1, pptp_window = -1, pptp_timeout = -1;
/* kpptp's meanings, under their own names */
static int kpptp_window = -1, kpptp_reorder_ms = -1;

static int sock_fd = -1;	/* the PX_PROTO_PPTP socket, while connected */
static int report_fd = -1;	/* kpptp_report: kpptpd's pipe, or -1 */

/* Keep an option's text for pppd's listing of the options in effect. */
static int keep(char **slot, const char *text)
{
	free(*slot);
	*slot = strdup(text);
	if (!*slot)
		novm("kpptp option");
	return 1;
}

static int opt_call(char **argv)
{
	struct parse_error e;

	if (parse_call_id("call ID", argv[0], &call_id, &e)) {
		ppp_option_error("kpptp_call: %s", e.msg);
		return 0;
	}
	return keep(&call_str, argv[0]);
}

static int opt_peer(char **argv)
{
	struct parse_error e;

	if (parse_ipv4("peer address", argv[0], &peer_addr, &e)) {
		ppp_option_error("kpptp_peer: %s", e.msg);
		return 0;
	}
	return keep(&peer_str, argv[0]);
}

static int opt_peer_id(char **argv)
{
	struct parse_error e;

	if (parse_u16("peer call ID", argv[0], &peer_id, &e)) {
		ppp_option_error("kpptp_peer_id: %s", e.msg);
		return 0;
	}
	peer_id_set = 1;
	return keep(&peer_id_str, argv[0]);
}

static int opt_local(char **argv)
{
	struct parse_error e;

	if (parse_ipv4("local address", argv[0], &local_addr, &e)) {
		ppp_option_error("kpptp_local: %s", e.msg);
		return 0;
	}
	local_addr_set = 1;
	return keep(&local_str, argv[0]);
}

static int opt_local_id(char **argv)
{
	struct parse_error e;

	/* 0: the kernel picks a free ID */
	if (parse_u16("local call ID", argv[0], &local_id, &e)) {
		ppp_option_error("kpptp_local_id: %s", e.msg);
		return 0;
	}
	local_id_set = 1;
	return keep(&local_id_str, argv[0]);
}

/*
 * pptpd's options files hold tty options, since pptpd runs pppd on a pty:
 * Debian's and CentOS's have "lock".  pppd knows them only with its tty
 * channel, so with ours the file would stop pppd.  There is no device to
 * lock here: accepted, and said.
 */
static int opt_lock(char **argv)
{
	(void)argv;
	info("kpptp: lock: there is no serial device to lock with kpptp.so: ignored");
	return 1;
}

static int opt_nolock(char **argv)
{
	(void)argv;
	return 1;
}

static option_t kpptp_options[] = {
	{ "lock", o_special_noarg, (void *)opt_lock,
	  "Lock the serial device (pptpd's options: none here, ignored)",
	  0, NULL, 0, 0, NULL, 0, 0 },
	{ "nolock", o_special_noarg, (void *)opt_nolock,
	  "Do not lock the serial device (none here)",
	  0, NULL, 0, 0, NULL, 0, 0 },
	{ "kpptp_call", o_special, (void *)opt_call,
	  "Attach to this kpptp call (made with kpptpctl call add)",
	  OPT_DEVNAM | OPT_A2STRVAL, &call_str, 0, 0, NULL, 0, 0 },
	{ "kpptp_peer", o_special, (void *)opt_peer,
	  "Static call: the peer's IPv4 address",
	  OPT_A2STRVAL, &peer_str, 0, 0, NULL, 0, 0 },
	{ "kpptp_peer_id", o_special, (void *)opt_peer_id,
	  "Static call: the peer's call ID",
	  OPT_A2STRVAL, &peer_id_str, 0, 0, NULL, 0, 0 },
	{ "kpptp_local", o_special, (void *)opt_local,
	  "Static call: our IPv4 address (default: from the route)",
	  OPT_A2STRVAL, &local_str, 0, 0, NULL, 0, 0 },
	{ "kpptp_local_id", o_special, (void *)opt_local_id,
	  "Static call: our call ID (default 0: the kernel picks)",
	  OPT_A2STRVAL, &local_id_str, 0, 0, NULL, 0, 0 },
	{ "pptp_server", o_string, &pptp_server,
	  "PPTP server to call (pptp.so)",
	  0, NULL, 0, 0, NULL, 0, 0 },
	{ "pptp_client", o_string, &pptp_client,
	  "PPTP client name, with pptp_sock (pptp.so)",
	  0, NULL, 0, 0, NULL, 0, 0 },
	{ "pptp_sock", o_int, &pptp_sock,
	  "Connected PX_PROTO_PPTP socket to use (pptp.so)",
	  0, NULL, 0, 0, NULL, 0, 0 },
	{ "pptp_phone", o_string, &pptp_phone,
	  "Phone number for the Outgoing-Call-Request (pptp_server)",
	  0, NULL, 0, 0, NULL, 0, 0 },
	{ "pptp_window", o_int, &pptp_window,
	  "Sliding window, packets (pptp.so's; pptp_server; 0: off)",
	  0, NULL, 0, 0, NULL, 0, 0 },
	{ "pptp_timeout", o_int, &pptp_timeout,
	  "Ack timeout, ms (pptp.so's; kpptp.ko adapts its own)",
	  0, NULL, 0, 0, NULL, 0, 0 },
	{ "kpptp_window", o_int, &kpptp_window,
	  "Receive window to announce, packets (pptp_server; 0: 64)",
	  0, NULL, 0, 0, NULL, 0, 0 },
	{ "kpptp_reorder_ms", o_int, &kpptp_reorder_ms,
	  "Wait for reordered packets, ms (pptp_server; 0: none)",
	  0, NULL, 0, 0, NULL, 0, 0 },
	{ "kpptp_report", o_int, &report_fd,
	  "Report the link's events to kpptpd on this pipe (kpptpd sets it)",
	  0, NULL, 0, 0, NULL, 0, 0 },
	{ "kpptp_hold_ipcp", o_bool, &kpptp_hold_ipcp,
	  "IPCP waits for kpptpd's addresses (a relay gateway; kpptpd sets it)",
	  1, NULL, 0, 0, NULL, 0, 0 },
	{ NULL, 0, NULL, NULL, 0, NULL, 0, 0, NULL, 0, 0 },
};

static void __attribute__((noreturn)) option_fail(void)
{
	exit(EXIT_OPTION_ERROR);
}

static void check_dial_options(void)
{
	if (pptp_phone && strlen(pptp_phone) > 64) {
		ppp_option_error("kpptp: pptp_phone: at most 64 characters (RFC 2637), not %zu",
				 strlen(pptp_phone));
		option_fail();
	}
	if (pptp_window > MAX_WINDOW || pptp_window < -1) {
		ppp_option_error("kpptp: pptp_window %d: the sliding window, a number of packets from 1 to %u (0: no window)",
				 pptp_window, MAX_WINDOW);
		option_fail();
	}
	if (kpptp_window > MAX_WINDOW || kpptp_window < -1) {
		ppp_option_error("kpptp: kpptp_window %d: a number of packets from 1 to %u (0: the default, %u)",
				 kpptp_window, MAX_WINDOW, DEFAULT_WINDOW);
		option_fail();
	}
	if (pptp_timeout < -1) {
		ppp_option_error("kpptp: pptp_timeout %d: milliseconds, 0 or more",
				 pptp_timeout);
		option_fail();
	}
	if (kpptp_reorder_ms > MAX_REORDER_MS || kpptp_reorder_ms < -1) {
		ppp_option_error("kpptp: kpptp_reorder_ms %d: milliseconds from 0 (no reordering) to %u",
				 kpptp_reorder_ms, MAX_REORDER_MS);
		option_fail();
	}
	if (pptp_timeout >= 0)
		info("kpptp: pptp_timeout %d (pptp.so's ack timeout, ms) not applied: kpptp.ko adapts the ack timeout to the round trip (RFC 2637 4.4); kpptp_reorder_ms sets the reorder wait",
		     pptp_timeout);
}

/*
 * kpptp_report: one record per event on kpptpd's pipe, each one write()
 * under PIPE_BUF, so whole or not at all; never blocking pppd.  A record
 * that does not go is lost (kpptpd falls behind by 64 KiB: it does not
 * happen); a pipe that is gone (kpptpd died: pppd ignores SIGPIPE) ends
 * the reporting.
 */
static void report(const char *event, const char *const kv[])
{
	char rec[REPORT_REC_MAX];
	size_t n;

	if (report_fd < 0)
		return;
	n = report_record(rec, sizeof(rec), event, kv);
	if (!n) {
		warn("kpptp: kpptp_report: %s record too long: not sent", event);
		return;
	}
	if (write(report_fd, rec, n) == (ssize_t)n)
		return;
	if (errno == EAGAIN) {
		warn("kpptp: kpptp_report: pipe full, %s record lost", event);
		return;
	}
	warn("kpptp: kpptp_report %d: %m: reporting stops", report_fd);
	close(report_fd);
	report_fd = -1;
}

static void report_phase(void *ctx, int arg)
{
	char name[REPORT_IFNAME_MAX + 1] = "";
	const char *kv[3] = { "phase", NULL, NULL };
	int n;

	(void)ctx;
	for (n = 0; report_phases[n]; n++)
		if (n == arg)
			break;
	if (!report_phases[n])
		return;
	kv[1] = report_phases[n];
	report("phase", kv);
	/* the unit is made (and renamed) before LCP starts */
	if (arg == PHASE_ESTABLISH) {
		ppp_get_ifname(name, sizeof(name));
		kv[0] = "ifname";
		kv[1] = name;
		if (*name)
			report("ifname", kv);
	}
}

static void report_auth(void *ctx, int arg)
{
	char user[MAXNAMELEN];
	const char *kv[] = { "user", user, NULL };

	(void)ctx;
	(void)arg;
	user[0] = '\0';
	ppp_peer_authname(user, sizeof(user));
	if (*user)	/* empty: the peer did not authenticate */
		report("auth", kv);
}

/* @event with the link's two IPv4 addresses (network order). */
static void report_addrs(const char *event, uint32_t local, uint32_t remote)
{
	char l[INET_ADDRSTRLEN], r[INET_ADDRSTRLEN];
	const char *kv[] = { "local_ip", l, "remote_ip", r, NULL };
	struct in_addr a = { .s_addr = local }, b = { .s_addr = remote };

	inet_ntop(AF_INET, &a, l, sizeof(l));
	inet_ntop(AF_INET, &b, r, sizeof(r));
	report(event, kv);
}

static void report_ip_up(void *ctx, int arg)
{
	(void)ctx;
	(void)arg;
	report_addrs("ip_up", ipcp_gotoptions[0].ouraddr,
		     ipcp_hisoptions[0].hisaddr);
}

/*
 * IPCP reached Opened: pppd's ipcp_up() now sets the interface's addresses,
 * runs the ip-pre-up script and waits for it, and only then brings the
 * interface up and calls NF_IP_UP.  A terminating relay's gateway can start
 * the client's IPCP with these addresses at once (kpptpd's relay.c), so
 * the script is not on every hop's path.  pppd has no notifier here: the
 * FSM's "up" callback is wrapped.  The addresses are the ones ipcp_up()
 * uses (a peer that did not negotiate its address gets the one we wanted
 * for it); none is reported when one is missing, ipcp_up() refuses that.
 */
static fsm_callbacks ipcp_callbacks_wrapped;
static void (*ipcp_up_real)(fsm *f);

static void report_ipcp_up(fsm *f)
{
	const ipcp_options *ho = &ipcp_hisoptions[f->unit];
	uint32_t local = ipcp_gotoptions[f->unit].ouraddr;
	uint32_t remote = ho->neg_addr || ho->old_addrs ? ho->hisaddr :
			  ipcp_wantoptions[f->unit].hisaddr;

	if (local && remote)
		report_addrs("ipcp_up", local, remote);
	ipcp_up_real(f);
}

static void report_ipcp_opened(void)
{
	fsm *f = &ipcp_fsm[0];

	if (!f->callbacks || !f->callbacks->up)
		return;		/* not a pppd this was built for: no report */
	ipcp_callbacks_wrapped = *f->callbacks;
	ipcp_up_real = f->callbacks->up;
	ipcp_callbacks_wrapped.up = report_ipcp_up;
	f->callbacks = &ipcp_callbacks_wrapped;
}

static void report_ip_down(void *ctx, int arg)
{
	(void)ctx;
	(void)arg;
	report("ip_down", NULL);
}

/*
 * A terminating relay's routing refers to this link's interface by name
 * (../lib/relayroute.h): kpptpd removes it when the pair goes down, but a
 * kpptpd that was killed cannot, and rules naming a ppp interface would
 * catch the next link to get that name.  This pppd removes the relay
 * rules on its own interface, and their tables; the other pppd of the
 * pair does the same for its.
 */
static void report_forget_routes(void)
{
	char name[REPORT_IFNAME_MAX + 1] = "";
	struct nl_sock *sk;
	int n;

	ppp_get_ifname(name, sizeof(name));
	if (!*name)
		return;
	sk = relayroute_open(&n);
	if (sk)
		n = relayroute_forget_iif(sk, name);
	if (n > 0)
		notice("kpptp: removed the relay routing of %s (%d rule(s))",
		       name, n);
	else if (n < 0)
		warn("kpptp: relay routing of %s: %s", name, nl_geterror(n));
	if (sk)
		nl_socket_free(sk);
}

/*
 * kpptpd gave a socket: when it closes, kpptpd is gone (killed, crashed),
 * and with it whatever it did for this link (the control connection, a
 * relay's other half): hang up rather than stay up for nobody, and
 * remove the relay routing kpptpd can no longer remove.  Checked once a
 * second; input kpptpd sent that hold.c does not wait for is read and
 * dropped.
 */
static void report_watch(void *arg)
{
	char buf[256];
	ssize_t n;

	(void)arg;
	if (report_fd < 0)
		return;
	while (!kpptp_hold_pending()) {
		n = recv(report_fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0)
			continue;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		notice("kpptp: kpptpd closed the report socket: hanging up");
		close(report_fd);
		report_fd = -1;
		report_forget_routes();
		lcp_close(0, "kpptpd is gone");
		return;
	}
	ppp_timeout(report_watch, NULL, 1, 0);
}

/* Take kpptpd's pipe: not for pppd's children (scripts), never blocking. */
static void report_setup(void)
{
	static const char *const hello[] = { "version", "1", NULL };
	struct stat st;

	if (report_fd < 0)
		return;
	if (report_fd <= 2 || fstat(report_fd, &st) ||
	    !(S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))) {
		ppp_option_error("kpptp: kpptp_report %d: not a pipe open for kpptpd (%s)",
				 report_fd, report_fd <= 2 ?
				 "0, 1 and 2 are pppd's" : "nothing reported");
		report_fd = -1;
		return;
	}
	if (fcntl(report_fd, F_SETFD, FD_CLOEXEC) ||
	    fcntl(report_fd, F_SETFL, O_NONBLOCK)) {
		error("kpptp: kpptp_report %d: %m: nothing reported", report_fd);
		close(report_fd);
		report_fd = -1;
		return;
	}
	ppp_add_notify(NF_PHASE_CHANGE, report_phase, NULL);
	ppp_add_notify(NF_AUTH_UP, report_auth, NULL);
	ppp_add_notify(NF_IP_UP, report_ip_up, NULL);
	ppp_add_notify(NF_IP_DOWN, report_ip_down, NULL);
	report_ipcp_opened();
	report("hello", hello);
	if (S_ISSOCK(st.st_mode))
		ppp_timeout(report_watch, NULL, 1, 0);
}

static void kpptp_check_options(void)
{
	int modes = !!call_str + !!peer_str + (pptp_sock >= 0) + !!pptp_server;

	if (modes > 1) {
		ppp_option_error("kpptp: kpptp_call, kpptp_peer, pptp_sock and pptp_server are four ways to get a call: give one");
		option_fail();
	}
	if (!modes) {
		ppp_option_error("kpptp: no call given: use pptp_server HOST, kpptp_call ID, or kpptp_peer ADDR and kpptp_peer_id ID");
		option_fail();
	}
	if (pptp_server && !*pptp_server) {
		ppp_option_error("kpptp: pptp_server needs a host name or address");
		option_fail();
	}
	if (peer_str && !peer_id_set) {
		ppp_option_error("kpptp: kpptp_peer %s needs kpptp_peer_id ID",
				 peer_str);
		option_fail();
	}
	if (!peer_str && (peer_id_set || local_addr_set || local_id_set)) {
		ppp_option_error("kpptp: kpptp_peer_id, kpptp_local and kpptp_local_id belong to a static call: add kpptp_peer ADDR");
		option_fail();
	}
	if (pptp_client && pptp_sock < 0) {
		ppp_option_error("kpptp: pptp_client %s needs pptp_sock FD",
				 pptp_client);
		option_fail();
	}
	report_setup();
	if (kpptp_hold_ipcp && kpptp_hold_setup(report_fd))
		option_fail();
	if (pptp_server) {
		check_dial_options();
		mode = MODE_DIAL;
		return;
	}
	if (pptp_phone || pptp_window >= 0 || pptp_timeout >= 0 ||
	    kpptp_window >= 0 || kpptp_reorder_ms >= 0)
		info("kpptp: pptp_phone, pptp_window, pptp_timeout, kpptp_window and kpptp_reorder_ms belong to pptp_server and are ignored here (windows are set per call: kpptpctl call set)");

	mode = call_str ? MODE_CALL : peer_str ? MODE_STATIC : MODE_SOCK;
}

static const char *ntoa(uint32_t be, char *buf)
{
	struct in_addr a = { .s_addr = be };

	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

static int new_socket(void)
{
	int fd = socket(AF_PPPOX, SOCK_STREAM | SOCK_CLOEXEC, PX_PROTO_PPTP);

	if (fd < 0)
		error("kpptp: socket(AF_PPPOX, PX_PROTO_PPTP): %m (is kpptp.ko, or pptp.ko, loaded?)");
	return fd;
}

/* sockaddr_pppox is packed: pass it to the socket calls through a union. */
union pptp_sockaddr {
	struct sockaddr sa;
	struct sockaddr_pppox px;
};

static union pptp_sockaddr pptp_addr(uint16_t id, uint32_t addr)
{
	union pptp_sockaddr u;

	memset(&u, 0, sizeof(u));
	u.px.sa_family = AF_PPPOX;
	u.px.sa_protocol = PX_PROTO_PPTP;
	u.px.sa_addr.pptp.call_id = id;
	u.px.sa_addr.pptp.sin_addr.s_addr = addr;
	return u;
}

/* kpptp_call: bind() to a netlink call's ID attaches our socket to it. */
int kpptp_attach(uint16_t id, int quiet)
{
	int fd = kpptp_bind_call(id);

	if (fd < 0)
		return -1;
	if (kpptp_check_channel(fd, id, quiet)) {
		close(fd);	/* deletes whatever call bind() made */
		return -1;
	}
	return fd;
}

int kpptp_bind_call(uint16_t id)
{
	union pptp_sockaddr sp = pptp_addr(id, 0);
	int fd;

	fd = new_socket();
	if (fd < 0)
		return -1;
	if (bind(fd, &sp.sa, sizeof(sp.px)) < 0) {
		if (errno == EBUSY)
			error("kpptp: call %u is taken: another pppd is attached to it, or it was not made over netlink",
			      id);
		else if (errno == EPERM)
			error("kpptp: attaching to call %u needs CAP_NET_ADMIN: %m",
			      id);
		else
			error("kpptp: bind to call %u: %m", id);
		close(fd);
		return -1;
	}
	return fd;
}

int kpptp_check_channel(int fd, uint16_t id, int quiet)
{
	union pptp_sockaddr sp;
	socklen_t len = sizeof(sp.px);
	char peer[INET_ADDRSTRLEN];
	int chan;

	/*
	 * A free ID makes bind() create a new call instead, one that has no
	 * peer and so no channel yet: that means there was no call to attach.
	 * A netlink call waiting for its peer call ID has none either.
	 */
	if (ioctl(fd, PPPIOCGCHAN, &chan) < 0) {
		if (errno == ENOTCONN)
			error("kpptp: call %u has no channel: there is no such call in this network namespace, or its peer call ID is not set yet (kpptpctl call add id %u peer ADDR peer-id ID; kpptp_call needs kpptp.ko)",
			      id, id);
		else
			error("kpptp: call %u: PPPIOCGCHAN: %m", id);
		return -1;
	}
	if (getpeername(fd, &sp.sa, &len) < 0)
		sp = pptp_addr(0, 0);
	(quiet ? dbglog : info)("kpptp: attached to call %u (channel %d), peer %s call %u",
				id, chan,
				ntoa(sp.px.sa_addr.pptp.sin_addr.s_addr, peer),
				sp.px.sa_addr.pptp.call_id);
	ppp_set_remote_number(peer);
	return 0;
}

/* The source address the kernel would use towards @peer. */
static int source_for(uint32_t peer, uint32_t *out)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(1723),	/* any: nothing is sent */
		.sin_addr.s_addr = peer,
	};
	socklen_t len = sizeof(sin);
	int fd, err = -1;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (!connect(fd, (struct sockaddr *)&sin, sizeof(sin)) &&
	    !getsockname(fd, (struct sockaddr *)&sin, &len)) {
		*out = sin.sin_addr.s_addr;
		err = 0;
	}
	close(fd);
	return err;
}

/* kpptp_peer: bind() and connect(), the in-tree pptp driver's way. */
static int static_call(void)
{
	union pptp_sockaddr sp;
	socklen_t len = sizeof(sp.px);
	char peer[INET_ADDRSTRLEN], local[INET_ADDRSTRLEN];
	uint32_t src = local_addr;
	int fd, chan;

	ntoa(peer_addr, peer);
	if (!local_addr_set && source_for(peer_addr, &src) < 0) {
		error("kpptp: no route to the peer %s: %m", peer);
		return -1;
	}
	ntoa(src, local);
	fd = new_socket();
	if (fd < 0)
		return -1;
	sp = pptp_addr(local_id, src);
	if (bind(fd, &sp.sa, sizeof(sp.px)) < 0) {
		if (errno == EBUSY)
			error("kpptp: bind to %s call %u: the call ID is in use",
			      local, local_id);
		else
			error("kpptp: bind to %s call %u: %m", local, local_id);
		goto fail;
	}
	if (getsockname(fd, &sp.sa, &len) < 0) {
		error("kpptp: getsockname: %m");
		goto fail;
	}
	local_id = sp.px.sa_addr.pptp.call_id;	/* the kernel's pick for 0 */
	sp = pptp_addr(peer_id, peer_addr);
	if (connect(fd, &sp.sa, sizeof(sp.px)) < 0) {
		if (errno == EALREADY)
			error("kpptp: call %u: another call already goes to %s call %u",
			      local_id, peer, peer_id);
		else
			error("kpptp: call %u: connect to %s call %u: %m",
			      local_id, peer, peer_id);
		goto fail;
	}
	if (ioctl(fd, PPPIOCGCHAN, &chan) < 0) {
		error("kpptp: call %u: PPPIOCGCHAN: %m", local_id);
		goto fail;
	}
	info("kpptp: call %u from %s to %s call %u (channel %d)", local_id,
	     local, peer, peer_id, chan);
	ppp_set_remote_number(peer);
	return fd;
fail:
	close(fd);
	return -1;
}

/* pptp_sock: a connected socket handed over by a PPTP server (pptp.so). */
static int handed_socket(void)
{
	union pptp_sockaddr sp;
	socklen_t len = sizeof(sp.px);
	char peer[INET_ADDRSTRLEN];
	int chan;

	if (getsockname(pptp_sock, &sp.sa, &len) < 0 ||
	    len < sizeof(sp.px.sa_family) || sp.px.sa_family != AF_PPPOX) {
		error("kpptp: pptp_sock %d is not a PPTP socket", pptp_sock);
		return -1;
	}
	if (ioctl(pptp_sock, PPPIOCGCHAN, &chan) < 0) {
		error("kpptp: pptp_sock %d: PPPIOCGCHAN: %m (not connected?)",
		      pptp_sock);
		return -1;
	}
	fcntl(pptp_sock, F_SETFD, FD_CLOEXEC);
	len = sizeof(sp.px);
	if (getpeername(pptp_sock, &sp.sa, &len) < 0)
		sp = pptp_addr(0, 0);
	info("kpptp: using the PPTP socket of %s (fd %d, channel %d), peer %s call %u",
	     pptp_client ? pptp_client : "the caller", pptp_sock, chan,
	     ntoa(sp.px.sa_addr.pptp.sin_addr.s_addr, peer),
	     sp.px.sa_addr.pptp.call_id);
	ppp_set_remote_number(peer);
	return pptp_sock;
}

/* pptp_server: the control connection and a kernel call (dial.c) */
static int dial(uint16_t *id)
{
	struct kpptp_dial d = {
		.server = pptp_server,
		.phone = pptp_phone,
		.window = kpptp_window > 0 ? kpptp_window :
			  pptp_window > 0 ? pptp_window : DEFAULT_WINDOW,
		.send_window = pptp_window > 0 ? pptp_window : 0,
		.reorder_ms = kpptp_reorder_ms,
	};

	return kpptp_dial(&d, id);
}

static int kpptp_connect(void)
{
	char name[64];
	int fd;

	switch (mode) {
	case MODE_CALL:
		fd = kpptp_attach(call_id, 0);
		snprintf(name, sizeof(name), "kpptp call %u", call_id);
		break;
	case MODE_DIAL:
		fd = dial(&local_id);
		snprintf(name, sizeof(name), "kpptp call %u to %.32s",
			 local_id, pptp_server);
		break;
	case MODE_STATIC:
		fd = static_call();
		snprintf(name, sizeof(name), "kpptp call %u", local_id);
		break;
	case MODE_SOCK:
		fd = handed_socket();
		snprintf(name, sizeof(name), "pptp (%s)",
			 pptp_client ? pptp_client : "server");
		break;
	default:
		fd = -1;
		break;
	}
	if (fd < 0)
		return -1;
	ppp_set_pppdevnam(name);
	sock_fd = fd;
	return fd;
}

/*
 * The link is down: closing the socket deletes the call; with pptp_server
 * the server hears of it first.  Also pppd's cleanup, so twice is fine.
 */
static void kpptp_disconnect(void)
{
	if (mode == MODE_DIAL)
		kpptp_dial_hangup();
	if (sock_fd < 0)
		return;
	close(sock_fd);
	sock_fd = -1;
	if (mode == MODE_SOCK)
		pptp_sock = -1;
}

/* In children pppd forks (scripts), so they cannot keep the call alive
 * (nor write to kpptpd's report pipe). */
static void kpptp_close(void)
{
	if (sock_fd >= 0)
		close(sock_fd);
	if (report_fd >= 0)
		close(report_fd);
	if (mode == MODE_DIAL)
		kpptp_dial_close();
}

/*
 * Tell the channel which header compression the peer accepted (LCP ACFC,
 * PFC): the driver then leaves out FF 03 and the protocol field's zero byte.
 * The channel takes it through a /dev/ppp file attached to it, like the
 * one pppd holds; ours lives only for the ioctl.  Failing is harmless: the
 * full header is always valid.
 */
static void kpptp_send_config(int mtu, uint32_t accm, int pcomp, int accomp)
{
	int chan, ppp, flags;

	(void)mtu;	/* pppd sets the interface MTU itself */
	(void)accm;	/* no async control characters on a packet link */
	if (sock_fd < 0 || ioctl(sock_fd, PPPIOCGCHAN, &chan) < 0)
		return;
	ppp = open("/dev/ppp", O_RDWR | O_CLOEXEC);
	if (ppp < 0) {
		warn("kpptp: /dev/ppp: %m; sending full PPP headers");
		return;
	}
	if (ioctl(ppp, PPPIOCATTCHAN, &chan) < 0 ||
	    ioctl(ppp, PPPIOCGFLAGS, &flags) < 0) {
		warn("kpptp: channel %d: %m; sending full PPP headers", chan);
		goto out;
	}
	flags &= ~(SC_COMP_PROT | SC_COMP_AC);
	if (pcomp)
		flags |= SC_COMP_PROT;
	if (accomp)
		flags |= SC_COMP_AC;
	if (ioctl(ppp, PPPIOCSFLAGS, &flags) < 0)
		warn("kpptp: channel %d: PPPIOCSFLAGS: %m", chan);
	else
		dbglog("kpptp: channel %d sends %s address/control, %s protocol field",
		       chan, accomp ? "no" : "the", pcomp ? "compressed" : "full");
out:
	close(ppp);
}

static struct channel kpptp_channel = {
	.options = kpptp_options,
	.process_extra_options = NULL,
	.check_options = kpptp_check_options,
	.connect = kpptp_connect,
	.disconnect = kpptp_disconnect,
	.establish_ppp = ppp_generic_establish,
	.disestablish_ppp = ppp_generic_disestablish,
	.send_config = kpptp_send_config,
	.recv_config = NULL,
	.cleanup = kpptp_disconnect,
	.close = kpptp_close,
};

/*
 * pppd seeds its LCP magic numbers (srand48) with the time, its pid and the
 * host ID, before plugins load.  Two pppds that a relay gateway and a
 * server on one host start in the same instant can draw the same numbers,
 * each Nak the other's magic in lockstep, and give up with "Serial line is
 * looped back" (seen in the relay tests).  Reseed from the kernel.
 */
static void reseed_magic(void)
{
	long seed;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) == sizeof(seed))
		srand48(seed);
}

__attribute__((visibility("default"))) void plugin_init(void)
{
	reseed_magic();
	ppp_add_options(kpptp_options);
	the_channel = &kpptp_channel;
	ppp_set_modem(0);

	/*
	 * Defaults for PPTP, in the manner of pppol2tp.  Options given after
	 * "plugin kpptp.so" override them; those given before are kept.
	 * - Accept the peer's address/control and protocol field compression
	 *   (send_config passes it to the channel) but do not ask for it: the
	 *   peer then always sends full headers.
	 * - No Deflate or BSD-Compress over a lossy datagram link (PPTP peers
	 *   use MPPE/MPPC, which pppd negotiates as usual).
	 * - MTU and MRU 1400 unless set.
	 * LCP echo settings are left alone.
	 */
	lcp_wantoptions[0].neg_accompression = 0;
	lcp_wantoptions[0].neg_pcompression = 0;
	ccp_wantoptions[0].deflate = 0;
	ccp_allowoptions[0].deflate = 0;
	ccp_wantoptions[0].bsd_compress = 0;
	ccp_allowoptions[0].bsd_compress = 0;
	if (lcp_wantoptions[0].mru == DEFMRU)
		lcp_wantoptions[0].mru = KPPTP_DEFAULT_MRU;
	if (lcp_allowoptions[0].mru == MAXMRU)
		lcp_allowoptions[0].mru = KPPTP_DEFAULT_MRU;
}
