// SPDX-License-Identifier: GPL-2.0
/*
 * kpptpctl without a kernel: the call key grammar, the whole command line up
 * to the point where it would talk to the kernel (exit status, messages on
 * stderr, usage), and the call printer in its layouts, text and JSON.
 */
#include <arpa/inet.h>
#include <unistd.h>

#include "json_check.h"
#include "kpptpctl.h"
#include "unit.h"

/* ------------------------------------------------------- running kpptpctl */

struct run {
	int status;
	char *out, *err;
};

static char *slurp(FILE *f)
{
	long n;
	char *buf;

	fflush(f);
	n = ftell(f);
	buf = calloc(1, (size_t)(n > 0 ? n : 0) + 1);
	rewind(f);
	if (buf && n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n)
		buf[0] = 0;
	fclose(f);
	return buf;
}

/* kpptpctl_main() with stdout and stderr captured. */
static void run_argv(struct run *r, char **argv)
{
	FILE *out = tmpfile(), *err = tmpfile();
	int argc = 0, saved_out, saved_err;

	while (argv[argc])
		argc++;
	fflush(stdout);
	fflush(stderr);
	saved_out = dup(1);
	saved_err = dup(2);
	dup2(fileno(out), 1);
	dup2(fileno(err), 2);
	r->status = kpptpctl_main(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	r->out = slurp(out);
	r->err = slurp(err);
}

#define RUN(r, ...) run_argv(r, (char *[]){ "kpptpctl", __VA_ARGS__, NULL })

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

/* A usage error: exit 1, nothing on stdout, @msg on stderr. */
static void expect_usage(struct run *r, const char *msg)
{
	CHECK(r->status == EXIT_USAGE);
	CHECK_STR(r->out, "");
	CHECK(!strncmp(r->err, "kpptpctl: ", 10));
	CHECK_HAS(r->err, msg);
	run_free(r);
}

/* ------------------------------------------------------- the key grammar */

static int parse(const char *line, unsigned int mode, struct call_args *a,
		 struct parse_error *e)
{
	static char buf[512];
	char *argv[64];
	int argc = 0;
	char *tok;

	snprintf(buf, sizeof(buf), "%s", line);
	for (tok = strtok(buf, " "); tok; tok = strtok(NULL, " "))
		argv[argc++] = tok;
	e->msg[0] = 0;
	return parse_call_args(argc, argv, mode, a, e);
}

TEST(add_every_key)
{
	struct parse_error e;
	struct call_args a;

	CHECK(parse("peer 10.0.0.2 peer-id 200 id 100 local 10.0.0.1 window 32 "
		    "peer-window 16 peer-ppd 3 tx-window on reorder off "
		    "reorder-timeout 20 reorder-depth 64 ack-delay 100",
		    CALL_ADD, &a, &e) == 0);
	CHECK_STR(e.msg, "");
	CHECK(a.cfg.id == 100 && a.cfg.peer_id == 200);
	CHECK(a.cfg.peer_addr == inet_addr("10.0.0.2"));
	CHECK(a.cfg.local_addr == inet_addr("10.0.0.1"));
	CHECK(a.cfg.recv_window == 32 && a.cfg.peer_recv_window == 16);
	CHECK(a.cfg.peer_ppd == 3 && a.cfg.reorder_depth == 64);
	CHECK(a.cfg.reorder_timeout_ms == 20 && a.cfg.ack_delay_ms == 100);
	CHECK(a.cfg.flags == (KPPTP_F_TX_WINDOW | KPPTP_F_NO_REORDER));
	CHECK(a.cfg.set == 0x1ffcU);	/* KPPTP_A_CALL_ID .. KPPTP_A_ACK_DELAY */
	CHECK_STR(a.key[KPPTP_A_RECV_WINDOW], "window");
	CHECK_STR(a.text[KPPTP_A_RECV_WINDOW], "32");
}

TEST(add_minimal)
{
	struct parse_error e;
	struct call_args a;

	CHECK(parse("peer 10.0.0.2 peer-id 0", CALL_ADD, &a, &e) == 0);
	CHECK(a.cfg.set == (KPPTP_CFG(KPPTP_A_PEER_ADDR) |
			    KPPTP_CFG(KPPTP_A_PEER_CALL_ID)));
	CHECK(a.cfg.peer_id == 0);	/* a peer may use call ID 0 */
	/* a flag key alone still sends the whole flags word */
	CHECK(parse("peer 10.0.0.2 peer-id 1 reorder on", CALL_ADD, &a, &e) == 0);
	CHECK((a.cfg.set & KPPTP_CFG(KPPTP_A_FLAGS)) && a.cfg.flags == 0);
}

TEST(set_flags_merge)
{
	struct parse_error e;
	struct call_args a;

	CHECK(parse("id 100 tx-window on", CALL_SET, &a, &e) == 0);
	CHECK(a.has_flags && !(a.cfg.set & KPPTP_CFG(KPPTP_A_FLAGS)));
	/* "tx-window on" must not turn reordering back on */
	CHECK(call_args_flags(&a, KPPTP_F_NO_REORDER) ==
	      (KPPTP_F_TX_WINDOW | KPPTP_F_NO_REORDER));
	CHECK(parse("id 100 reorder on", CALL_SET, &a, &e) == 0);
	CHECK(call_args_flags(&a, KPPTP_F_NO_REORDER | KPPTP_F_TX_WINDOW) ==
	      KPPTP_F_TX_WINDOW);
	CHECK(parse("id 100 peer-id 0 window 4", CALL_SET, &a, &e) == 0);
	CHECK(!a.has_flags);
}

TEST(grammar_errors)
{
	static const struct {
		unsigned int mode;
		const char *line, *msg;
	} cases[] = {
		{ CALL_ADD, "peer-id 5", "missing \"peer ADDR\"" },
		{ CALL_ADD, "peer 10.0.0 peer-id 5",
		  "invalid peer address \"10.0.0\": not an IPv4 address (a.b.c.d)" },
		{ CALL_ADD, "peer 10.0.0.2 peer-id 5 local 1.2.3",
		  "invalid local address \"1.2.3\": not an IPv4 address (a.b.c.d)" },
		{ CALL_ADD, "id 0 peer 10.0.0.2 peer-id 5",
		  "invalid call ID \"0\": must be 1-65535" },
		{ CALL_ADD, "id 65536 peer 10.0.0.2 peer-id 5",
		  "invalid call ID \"65536\": must be 1-65535" },
		{ CALL_ADD, "peer 10.0.0.2 peer-id -1",
		  "invalid peer call ID \"-1\": not a decimal number" },
		{ CALL_ADD, "peer 10.0.0.2 peer-id 5 colour red",
		  "unknown key \"colour\" (see 'kpptpctl call add help')" },
		{ CALL_SET, "window 4", "missing \"id ID\"" },
		{ CALL_SET, "id 100", "nothing to change" },
		{ CALL_SET, "id 100 peer 10.0.0.3",
		  "\"peer\" cannot be given to call set (delete the call and add it again)" },
		{ CALL_SET, "id 100 local 10.0.0.3",
		  "\"local\" cannot be given to call set" },
		{ CALL_SET, "id 100 colour red",
		  "unknown key \"colour\" (see 'kpptpctl call set help')" },
		{ CALL_SET, "id 100 window", "\"window\" needs a value (N)" },
		{ CALL_SET, "id 100 window 1 window 2", "\"window\" is given twice" },
		{ CALL_SET, "id 100 tx-window on tx-window off",
		  "\"tx-window\" is given twice" },
		{ CALL_SET, "id 100 window 65536",
		  "invalid window \"65536\": must be 0-65535" },
		{ CALL_SET, "id 100 ack-delay 4294967296",
		  "invalid ack-delay \"4294967296\": must be 0-4294967295" },
		{ CALL_SET, "id 100 reorder maybe",
		  "invalid reorder \"maybe\": must be on or off" },
	};
	struct parse_error e;
	struct call_args a;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK(parse(cases[i].line, cases[i].mode, &a, &e) == -1);
		CHECK_HAS(e.msg, cases[i].msg);
	}
}

TEST(attribute_keys)
{
	CHECK_STR(call_attr_key(KPPTP_A_RECV_WINDOW), "window");
	CHECK_STR(call_attr_key(KPPTP_A_FLAGS), "tx-window");
	CHECK_STR(call_attr_key(KPPTP_A_PEER_ADDR), "peer");
	CHECK_STR(call_attr_key(KPPTP_A_STATS), "attribute 18");
}

/* ------------------------------------------------------- the command line */

TEST(unknown_commands_and_options)
{
	struct run r;

	RUN(&r, "frobnicate");
	expect_usage(&r, "kpptpctl: unknown command \"frobnicate\"; try 'kpptpctl help'\n");
	RUN(&r, "call", "frob");
	expect_usage(&r, "unknown call command \"frob\"; expected add, set, del, show or disconnect");
	RUN(&r, "-x");
	expect_usage(&r, "unknown option \"-x\"");
	RUN(&r, "--colour");
	expect_usage(&r, "unknown option \"--colour\"");
	RUN(&r, "bad\x01input");
	expect_usage(&r, "unknown command \"bad\\x01input\"");
}

TEST(usage_errors_name_the_command)
{
	struct run r;

	RUN(&r, "call", "add", "peer-id", "5");
	expect_usage(&r, "kpptpctl: call add: missing \"peer ADDR\"\n"
		     "usage: kpptpctl call add peer ADDR [ peer-id ID ]");
	RUN(&r, "call", "add", "peer", "10.0.0", "peer-id", "5");
	expect_usage(&r, "invalid peer address \"10.0.0\"");
	RUN(&r, "call", "set", "id", "100", "colour", "red");
	expect_usage(&r, "kpptpctl: call set: unknown key \"colour\"");
	RUN(&r, "call", "del");
	expect_usage(&r, "call del: expected \"id ID\"\nusage: kpptpctl call del id ID\n");
	RUN(&r, "call", "del", "id", "0");
	expect_usage(&r, "invalid call ID \"0\": must be 1-65535");
	RUN(&r, "call", "delete", "id", "x");
	expect_usage(&r, "invalid call ID \"x\": not a decimal number");
	RUN(&r, "call", "show", "id");
	expect_usage(&r, "call show: expected nothing or \"id ID\"");
	RUN(&r, "show", "id", "70000");
	expect_usage(&r, "invalid call ID \"70000\": must be 1-65535");
	RUN(&r, "call", "list", "extra");
	expect_usage(&r, "call show: expected nothing or \"id ID\"");
	RUN(&r, "stats", "now");
	expect_usage(&r, "kpptpctl: stats: takes no arguments");
	RUN(&r, "monitor", "all");
	expect_usage(&r, "kpptpctl: monitor: takes no arguments");
	RUN(&r, "net", "set", "max-calls");
	expect_usage(&r, "kpptpctl: net set: expected \"max-calls N\"");
	RUN(&r, "net", "set", "max-calls", "65536");
	expect_usage(&r, "invalid max-calls \"65536\": must be 0-65535");
	RUN(&r, "call", "capture", "id", "5", "write", "-", "linktype", "9");
	expect_usage(&r, "call capture: invalid linktype \"9\" (PPP_WITH_DIR or PPP_PPPD)");
	RUN(&r, "call", "capture", "id", "5", "linktype", "ppp_pppd");
	expect_usage(&r, "call capture: \"linktype\" needs \"write FILE\"");
}

TEST(help_is_generated_from_the_tables)
{
	static const char *const words[] = {
		"call add peer ADDR [ peer-id ID ]", "call set id ID", "call del id ID",
		"call show [ id ID ]", "stats", "monitor", "OPTIONS :=",
		"window N", "peer-window N", "peer-ppd N", "tx-window on|off",
		"reorder on|off", "reorder-timeout MS", "reorder-depth N",
		"ack-delay MS", "-j", "-p", "-s", "Exit status",
	};
	struct run r;
	size_t i;

	RUN(&r, "-h");
	CHECK(r.status == EXIT_OK);
	CHECK_STR(r.err, "");
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		CHECK_HAS(r.out, words[i]);
	run_free(&r);
	RUN(&r, "help");
	CHECK(r.status == EXIT_OK && strstr(r.out, "Usage: kpptpctl"));
	run_free(&r);
	RUN(&r, "call", "add", "help");
	CHECK(r.status == EXIT_OK);
	CHECK_HAS(r.out, "usage: kpptpctl call add peer ADDR [ peer-id ID ] [ id ID ]");
	CHECK_HAS(r.out, "ack-delay");
	run_free(&r);
	RUN(&r, "call", "del", "help");
	CHECK(r.status == EXIT_OK);
	CHECK_STR(r.out, "usage: kpptpctl call del id ID\n");
	run_free(&r);
	RUN(&r, "-V");
	CHECK(r.status == EXIT_OK && !strncmp(r.out, "kpptpctl ", 9));
	run_free(&r);
}

/*
 * Valid input gets as far as the kernel: exit 2 and a message, whether
 * kpptp.ko is missing (the build host) or has no call 65535 (a guest).
 * Only a read-only command is used here.
 */
TEST(kernel_errors_exit_2)
{
	struct run r;

	RUN(&r, "-j", "call", "show", "id", "65535");
	if (r.status == EXIT_OK) {	/* someone made call 65535: fine */
		run_free(&r);
		return;
	}
	CHECK(r.status == EXIT_KERNEL);
	CHECK(!strncmp(r.err, "kpptpctl: ", 10));
	CHECK(strstr(r.err, "is kpptp.ko loaded?") ||
	      strstr(r.err, "call show: id \"65535\": no such call"));
	CHECK_STR(r.out, "");
	run_free(&r);
}

/* ------------------------------------------------------- the call printer */

static struct kpptp_call_info sample_call(void)
{
	struct kpptp_call_info c = {
		.cmd = KPPTP_CMD_CALL_GET,
		.cfg = {
			.id = 100, .peer_id = 200,
			.peer_addr = inet_addr("10.0.0.2"),
			.recv_window = 32, .peer_recv_window = 16,
			.peer_ppd = 3,
			.flags = KPPTP_F_TX_WINDOW | KPPTP_F_NO_REORDER,
			.reorder_timeout_ms = 20, .reorder_depth = 64,
			.ack_delay_ms = 100,
		},
		.owner = KPPTP_OWNER_NETLINK, .attached = true,
		.has_channel = true, .channel = 3, .ifname = "ppp0",
		.age_ms = 62123, .has_stats = true,
	};
	int a;

	for (a = KPPTP_A_CALL_ID; a <= KPPTP_A_ACK_DELAY; a++)
		if (a != KPPTP_A_LOCAL_ADDR)
			c.cfg.set |= KPPTP_CFG(a);
	for (a = KPPTP_STATS_A_RX_PACKETS; a <= KPPTP_STATS_A_MAX; a++) {
		c.stats[a] = (uint64_t)a - 1;	/* rx_packets 1, rx_bytes 2 ... */
		c.stats_set |= 1ULL << a;
	}
	return c;
}

static char *print(const struct kpptp_call_info *c, int stats, bool json,
		   enum call_layout layout, const char *event)
{
	struct ctl ctl = { .stats = stats };
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	pr_init(&ctl.pr, f, json, false);
	print_call(&ctl, c, layout, event);
	fclose(f);
	return buf;
}

#define HEADER "ID     PEER-ID PEER            LOCAL           OWNER   ATTACHED CHANNEL IFNAME    AGE\n"
#define ROW    "100    200     10.0.0.2        -               netlink yes      3       ppp0      1m02s\n"

TEST(table)
{
	struct kpptp_call_info c = sample_call();
	char *s;

	s = print(&c, 0, false, LAYOUT_TABLE, NULL);
	CHECK_STR(s, HEADER ROW);
	free(s);
	c.has_channel = false;
	c.ifname[0] = 0;
	c.attached = false;
	c.owner = 9;
	c.age_ms = 3 * 86400000ULL + 4 * 3600000ULL;
	s = print(&c, 0, false, LAYOUT_TABLE, NULL);
	CHECK_STR(s, HEADER
		  "100    200     10.0.0.2        -               9       no       -       -         3d04h\n");
	free(s);
	/* a call still waiting for the peer's ID (a PNS before the reply) */
	c.cfg.set &= ~KPPTP_CFG(KPPTP_A_PEER_CALL_ID);
	s = print(&c, 0, false, LAYOUT_TABLE, NULL);
	CHECK_HAS(s, "\n100    -       10.0.0.2 ");
	free(s);
	s = print(&c, 0, true, LAYOUT_TABLE, NULL);
	CHECK_HAS(s, "\"peer_id\":null");
	free(s);
}

TEST(table_with_counters)
{
	struct kpptp_call_info c = sample_call();
	char *s;

	s = print(&c, 1, false, LAYOUT_TABLE, NULL);
	CHECK_STR(s, HEADER ROW
		  "    rx_packets 1 rx_bytes 2 tx_packets 3 tx_bytes 4\n"
		  "    rx_invalid 5 rx_dropped 6 rx_reordered 7 rx_lost 8 rx_duplicate 9\n"
		  "    rx_acks 10 tx_acks 11 window_stalls 14 send_window 15 rtt_us 16\n");
	free(s);
	s = print(&c, 2, false, LAYOUT_TABLE, NULL);
	CHECK_STR(s, HEADER ROW
		  "    window 32 peer-window 16 peer-ppd 3 tx-window on reorder off"
		  " reorder-timeout 20 reorder-depth 64 ack-delay 100\n"
		  "    rx_packets 1 rx_bytes 2 tx_packets 3 tx_bytes 4\n"
		  "    rx_invalid 5 rx_dropped 6 rx_reordered 7 rx_lost 8 rx_duplicate 9 rx_out_of_range 18 rx_flushed 19 rx_too_long 20 tx_dropped 12\n"
		  "    rx_acks 10 tx_acks 11 window_stalls 14 ack_timeouts 13 send_window 15 rtt_us 16 ato_us 17\n");
	free(s);
}

TEST(event_lines)
{
	struct kpptp_call_info c = sample_call();
	char *s;

	c.cmd = KPPTP_CMD_CALL_NEW;
	s = print(&c, 0, false, LAYOUT_LINE, "new");
	CHECK_STR(s, "[NEW] call 100 peer 10.0.0.2 peer-id 200 local - owner netlink"
		  " attached yes channel 3 ifname ppp0 age 1m02s\n");
	free(s);
	/* a deleted call: why, and its final counters */
	c.cmd = KPPTP_CMD_CALL_DEL;
	c.has_del_reason = true;
	c.del_reason = KPPTP_DEL_SOCKET;
	s = print(&c, 0, false, LAYOUT_LINE, "del");
	CHECK(!strncmp(s, "[DEL] call 100 reason socket peer 10.0.0.2 peer-id 200 ", 55));
	CHECK_HAS(s, " age 1m02s rx_packets 1 rx_bytes 2 tx_packets 3 tx_bytes 4 ");
	CHECK_HASNT(s, "window 32");
	CHECK(s[strlen(s) - 1] == '\n' && s[strlen(s) - 2] != ' ');
	free(s);
	/* monitor -s: settings on the line too */
	s = print(&c, 1, false, LAYOUT_LINE, "set");
	CHECK_HAS(s, "[SET] call 100 ");
	CHECK_HAS(s, " window 32 peer-window 16 ");
	free(s);
}

TEST(json_call)
{
	struct kpptp_call_info c = sample_call();
	struct json_check jc;
	char *s;
	int stats, layout;

	/* both layouts give the same object; every key is snake_case */
	for (layout = LAYOUT_TABLE; layout <= LAYOUT_LINE; layout++) {
		for (stats = 0; stats <= 2; stats++) {
			s = print(&c, stats, true, layout, NULL);
			CHECK(json_check(&jc, s) == 0);
			CHECK(jc.values == 1 && !jc.bad_key[0]);
			CHECK(!strncmp(s, "{\"id\":100,", 10));
			CHECK_HAS(s, "\"local\":null,");
			CHECK_HAS(s, "\"channel\":3,\"ifname\":\"ppp0\",\"age_ms\":62123,");
			CHECK_HAS(s, "\"recv_window\":32,\"peer_recv_window\":16,"
				  "\"peer_ppd\":3,\"tx_window\":true,\"reorder\":false,"
				  "\"reorder_timeout_ms\":20,\"reorder_depth\":64,"
				  "\"ack_delay_ms\":100");
			if (stats)
				CHECK_HAS(s, "\"stats\":{\"rx_packets\":1,");
			else
				CHECK_HASNT(s, "\"stats\"");
			/* JSON has every counter at any -s level */
			if (stats)
				CHECK_HAS(s, "\"ato_us\":17}}\n");
			free(s);
		}
	}
}

TEST(json_event)
{
	struct kpptp_call_info c = sample_call();
	struct json_check jc;
	char *s;

	c.has_channel = false;
	c.ifname[0] = 0;
	c.has_del_reason = true;
	c.del_reason = KPPTP_DEL_NETLINK;
	s = print(&c, 0, true, LAYOUT_LINE, "del");
	CHECK(json_check(&jc, s) == 0 && !jc.bad_key[0]);
	CHECK(!strncmp(s, "{\"event\":\"del\",\"id\":100,\"reason\":\"netlink\",", 43));
	CHECK_HAS(s, "\"channel\":null,\"ifname\":null,");
	CHECK_HAS(s, "\"stats\":{");	/* the final counters, even without -s */
	free(s);
}

/* ------------------------------------------------------- a fake kpptpd */

#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

static char fake_path[108];

/*
 * A child that answers one request on a fresh socket: it reads up to the
 * empty line, writes @reply, and exits 0 if the request was @want.
 */
static pid_t fake_kpptpd(const char *want, const char *reply)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;
	pid_t pid;

	snprintf(fake_path, sizeof(fake_path), "/tmp/kpptpctl-test-%d.sock",
		 (int)getpid());
	unlink(fake_path);
	strcpy(sa.sun_path, fake_path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(fd, 1))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char req[4096];
		size_t n = 0;
		int c = accept(fd, NULL, NULL);
		ssize_t r;

		while (n < sizeof(req) - 1 &&
		       (r = read(c, req + n, sizeof(req) - 1 - n)) > 0) {
			n += (size_t)r;
			req[n] = 0;
			if (strstr(req, "\n\n"))
				break;
		}
		req[n] = 0;
		if (write(c, reply, strlen(reply)) < 0)
			_exit(2);
		close(c);
		_exit(strcmp(req, want) ? 1 : 0);
	}
	close(fd);
	return pid;
}

static int fake_done(pid_t pid)
{
	int status = -1;

	waitpid(pid, &status, 0);
	unlink(fake_path);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static const char fake_get[] =
	"pid=812\nversion=0.1\nuptime_ms=61000\nrole=server\n"
	"listen=10.0.0.2:1723\nconfig=/etc/kpptpd.conf\nconnections=1\n"
	"calls=1\n"
	"conn=3\npeer=10.0.0.1:40312\nlocal=10.0.0.2:1723\nrole=server\n"
	"state=established\nuptime_ms=5000\n"
	"peer_hostname=host\\x1b[31mred\npeer_vendor=linux\n"
	"echo_sent=2\necho_replies=1\necho_received=0\necho_rtt_ms=3\n"
	"call=4711\npeer_call_id=32768\ncall_state=up\nkernel_call_id=4711\n"
	"ifname=ppp0\nuser=alice\nlocal_ip=192.168.200.1\n"
	"remote_ip=192.168.200.10\npppd_pid=900\nppp=up\nuptime_ms=4000\n"
	"call=4712\npeer_call_id=900\ncall_state=up\nkernel_call_id=4712\n"
	"ppp=relayed\nuptime_ms=3000\nrelay=10.0.1.3:1723\n"
	"relay_mode=transparent\nrelay_call_id=4713\n"
	"call=4714\npeer_call_id=901\ncall_state=up\nkernel_call_id=4714\n"
	"ifname=ppp1\nuser=alice@dept\nppp=up\nuptime_ms=2000\n"
	"relay=10.0.1.3:1723\nrelay_mode=terminating\nrelay_user=alice\n"
	"relay_call_id=4715\n"
	"errno=0\n\n";

TEST(conn_show_from_kpptpd)
{
	struct json_check jc;
	struct run r;
	pid_t pid;

	pid = fake_kpptpd("get=1\n\n", fake_get);
	CHECK(pid > 0);
	RUN(&r, "-S", fake_path, "conn", "show");
	CHECK(fake_done(pid) == 0);
	CHECK(r.status == 0);
	CHECK_STR(r.out,
		  "conn 3 peer 10.0.0.1:40312 local 10.0.0.2:1723 server established age 5.0s\n"
		  "    peer-hostname \"host\\x1b[31mred\" peer-vendor \"linux\" echo-sent 2 echo-replies 1 echo-received 0 echo-rtt 3ms\n"
		  "    call 4711 peer-call-id 32768 state up kernel-call 4711 ifname ppp0 user alice\n"
		  "        local 192.168.200.1 remote 192.168.200.10 pppd 900 ppp up age 4.0s\n"
		  "    call 4712 peer-call-id 900 state up kernel-call 4712 ifname - user -\n"
		  "        local - remote - pppd - ppp relayed age 3.0s relay 10.0.1.3:1723 relay-mode transparent relay-call 4713\n"
		  "    call 4714 peer-call-id 901 state up kernel-call 4714 ifname ppp1 user alice@dept\n"
		  "        local - remote - pppd - ppp up age 2.0s relay 10.0.1.3:1723 relay-mode terminating relay-user alice relay-call 4715\n");
	CHECK_HASNT(r.out, "\x1b");	/* a peer cannot drive the terminal */
	run_free(&r);

	pid = fake_kpptpd("get=1\n\n", fake_get);
	RUN(&r, "-S", fake_path, "-j", "conn", "show");
	CHECK(fake_done(pid) == 0);
	CHECK(r.status == 0);
	CHECK(json_check(&jc, r.out) == 0 && !jc.bad_key[0]);
	CHECK_HAS(r.out, "\"peer_hostname\":\"host\\u001b[31mred\"");
	CHECK_HAS(r.out, "\"calls\":[{\"id\":4711,\"peer_call_id\":32768,\"state\":\"up\",\"kernel_call_id\":4711,\"ifname\":\"ppp0\",\"user\":\"alice\"");
	CHECK_HAS(r.out, "\"echo\":{\"sent\":2,\"replies\":1,\"received\":0,\"rtt_ms\":3}");
	CHECK_HAS(r.out, "\"ppp\":\"relayed\",\"uptime_ms\":3000,\"relay\":\"10.0.1.3:1723\",\"relay_mode\":\"transparent\",\"relay_call_id\":4713}");
	CHECK_HAS(r.out, "\"relay_mode\":\"terminating\",\"relay_user\":\"alice\",\"relay_call_id\":4715}");
	run_free(&r);

	/* only one connection asked for: not there */
	pid = fake_kpptpd("get=1\n\n", fake_get);
	RUN(&r, "-S", fake_path, "conn", "show", "id", "4");
	CHECK(fake_done(pid) == 0);
	CHECK(r.status == 2);
	CHECK_HAS(r.err, "kpptpctl: conn show: no control connection 4");
	run_free(&r);
}

TEST(kpptpd_errors_and_bad_replies)
{
	struct run r;
	pid_t pid;

	pid = fake_kpptpd("set=1\ndisconnect_call=9\n\n",
			  "message=no call 9\nerrno=2\n\n");
	RUN(&r, "-S", fake_path, "call", "disconnect", "id", "9");
	CHECK(fake_done(pid) == 0);
	CHECK(r.status == 2);
	CHECK_STR(r.err, "kpptpctl: call disconnect: no call 9 (No such file or directory)\n");
	run_free(&r);

	pid = fake_kpptpd("set=1\ndisconnect_conn=3\n\n", "errno=0\n\n");
	RUN(&r, "-S", fake_path, "conn", "disconnect", "3");
	CHECK(fake_done(pid) == 0);
	CHECK(r.status == 0 && !r.out[0] && !r.err[0]);
	run_free(&r);

	pid = fake_kpptpd("set=1\nreload=1\n\n", "errno=0\n\n");
	RUN(&r, "-S", fake_path, "daemon", "reload");
	CHECK(fake_done(pid) == 0);
	CHECK(r.status == 0);
	run_free(&r);

	pid = fake_kpptpd("get=1\n\n", "pid=1\nsecret=2\nerrno=0\n\n");
	RUN(&r, "-S", fake_path, "daemon", "show");
	CHECK(fake_done(pid) == 0);
	CHECK(r.status == 2 && !r.out[0]);
	CHECK_STR(r.err, "kpptpctl: kpptpd's reply: unknown key secret in the daemon part\n");
	run_free(&r);

	pid = fake_kpptpd("get=1\n\n", "pid=1\n");
	RUN(&r, "-S", fake_path, "daemon", "show");
	CHECK(fake_done(pid) == 0);
	CHECK(r.status == 2);
	CHECK_STR(r.err, "kpptpctl: kpptpd closed the control socket without a reply\n");
	run_free(&r);

	RUN(&r, "-S", "/nonexistent/kpptpd.sock", "conn", "show");
	CHECK(r.status == 2);
	CHECK_HAS(r.err, "kpptpctl: kpptpd is not running: nothing answers on /nonexistent/kpptpd.sock");
	run_free(&r);

	RUN(&r, "conn", "disconnect", "id", "x");
	CHECK(r.status == 1);
	CHECK_HAS(r.err, "kpptpctl: conn disconnect: ID \"x\": expected a number 1-4294967295");
	run_free(&r);
	RUN(&r, "call", "disconnect", "70000");
	CHECK(r.status == 1);
	CHECK_HAS(r.err, "expected a number 1-65535");
	run_free(&r);
	RUN(&r, "-S");
	CHECK(r.status == 1);
	CHECK_HAS(r.err, "option -S needs a value");
	run_free(&r);
}

/* kpptpctl metrics' text: every family with HELP and TYPE before its
 * samples, drops and refusals labelled by reason, and without a kpptpd
 * only kpptpd_up 0 of the daemon's. */
TEST(metrics_text)
{
	struct kpptp_net_info net = { .calls = 3, .has_max_calls = true,
				      .max_calls = 65535 };
	struct kd_info d = { .uptime_ms = 61500, .connections = 2,
			     .calls = 3, .conns_accepted = 9,
			     .calls_accepted = 7, .reloads = 2 };
	FILE *f = tmpfile();
	char *out, *line, *save = NULL;
	char family[64] = "";

	net.stats_set = (1ULL << KPPTP_NSTATS_A_RX_MALFORMED) |
			(1ULL << KPPTP_NSTATS_A_RX_UNKNOWN_CALL);
	net.stats[KPPTP_NSTATS_A_RX_MALFORMED] = 4;
	net.stats[KPPTP_NSTATS_A_RX_UNKNOWN_CALL] = 5;
	d.refused[CP_REFUSED_MAX_PER_SOURCE] = 1;
	d.refused[CP_REFUSED_POOL_EXHAUSTED] = 6;
	metrics_print(f, &net, &d);
	out = slurp(f);
	CHECK_HAS(out, "# TYPE kpptp_calls gauge\nkpptp_calls 3\n");
	CHECK_HAS(out, "kpptp_max_calls 65535\n");
	CHECK_HAS(out, "# TYPE kpptp_dropped_packets_total counter\n"
		  "kpptp_dropped_packets_total{reason=\"rx_malformed\"} 4\n"
		  "kpptp_dropped_packets_total{reason=\"rx_unknown_call\"} 5\n#");
	CHECK_HAS(out, "kpptpd_up 1\n");
	CHECK_HAS(out, "kpptpd_uptime_seconds 61\n");
	CHECK_HAS(out, "kpptpd_connections_refused_total{reason=\"max_per_source\"} 1\n");
	CHECK_HAS(out, "kpptpd_calls_refused_total{reason=\"pool_exhausted\"} 6\n");
	CHECK_HAS(out, "kpptpd_calls_refused_total{reason=\"max_calls\"} 0\n");
	CHECK_HASNT(out, "kpptpd_connections_refused_total{reason=\"max_calls\"}");
	CHECK_HAS(out, "kpptpd_reloads_total 2\n");
	/* each sample belongs to the family whose TYPE came last */
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "# TYPE ", 7)) {
			snprintf(family, sizeof(family), "%.*s",
				 (int)strcspn(line + 7, " "), line + 7);
			continue;
		}
		if (line[0] == '#')
			continue;
		CHECK(family[0] && !strncmp(line, family, strlen(family)) &&
		      strchr("{ ", line[strlen(family)]));
	}
	free(out);

	f = tmpfile();
	metrics_print(f, &net, NULL);
	out = slurp(f);
	CHECK_HAS(out, "kpptpd_up 0\n");
	CHECK_HASNT(out, "kpptpd_calls");
	CHECK_HAS(out, "kpptp_calls 3\n");
	free(out);
}

/* -b FILE: commands line by line, comments and blank lines skipped,
 * stopping at the first failure with its line named. */
TEST(batch_file)
{
	char path[] = "/tmp/kpptpctl-batch-XXXXXX";
	const char text[] = "# a comment\n\ncall help   # help, then\n"
			    "call frob id 1\ncall help\n";
	const char *usage;
	struct run r;
	int fd = mkstemp(path);

	CHECK(fd >= 0 && write(fd, text, sizeof(text) - 1) == sizeof(text) - 1);
	close(fd);
	RUN(&r, "-b", path);
	CHECK(r.status == 1);
	CHECK_HAS(r.err, "kpptpctl: unknown call command \"frob\"");
	CHECK_HAS(r.err, ":4: stopped here\n");
	/* the usage printed once: the line after the failure did not run */
	usage = strstr(r.out, "Usage: kpptpctl");
	CHECK(usage && !strstr(usage + 1, "Usage: kpptpctl"));
	run_free(&r);

	RUN(&r, "-b", path, "call", "show");
	CHECK(r.status == 1);
	CHECK_HAS(r.err, "no command after it");
	run_free(&r);
	RUN(&r, "-b", "/nonexistent/batch");
	CHECK(r.status != 0);
	CHECK_HAS(r.err, "No such file or directory");
	run_free(&r);
	unlink(path);
}
