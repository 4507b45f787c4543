// SPDX-License-Identifier: GPL-2.0
/*
 * plugin/pptp_client.c, kpptp.so's control connection to a PPTP server,
 * against scripted servers on loopback TCP: each test forks a server that
 * plays one exchange (well-formed, refusing, silent, malformed, hanging up)
 * and checks what the client sent; the client's answers and its "why" are
 * checked here.  A server reports through its exit status.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pptp_msg.h"
#include "../plugin/pptp_client.h"
#include "unit.h"

static char logbuf[8192];

static void collect(void *arg, enum pptp_client_level level, const char *text)
{
	(void)arg;
	(void)level;
	strncat(logbuf, text, sizeof(logbuf) - strlen(logbuf) - 2);
	strcat(logbuf, "\n");
}

/* ------------------------------------------------------------ server */

/* The server side: fails by exiting with the line number. */
#define SRV_CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "    server: %s:%d: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			_exit(__LINE__ & 0x7f ? __LINE__ & 0x7f : 1);	\
		}							\
	} while (0)

static int srv_fd;

static void srv_send_raw(const void *buf, size_t len)
{
	SRV_CHECK(send(srv_fd, buf, len, MSG_NOSIGNAL) == (ssize_t)len);
}

static void srv_send(const struct pptp_msg *m)
{
	uint8_t buf[PPTP_MSG_MAX];
	size_t n = pptp_msg_encode(m, buf, sizeof(buf));

	SRV_CHECK(n > 0);
	srv_send_raw(buf, n);
}

/* The next message from the client, of @type. */
static void srv_expect(struct pptp_msg *m, unsigned int type)
{
	static uint8_t buf[4 * PPTP_MSG_MAX];
	static size_t len;
	struct pptp_msg_error e;
	int r;

	while ((r = pptp_msg_decode(buf, len, m, &e)) == 0) {
		ssize_t n = recv(srv_fd, buf + len, sizeof(buf) - len, 0);

		SRV_CHECK(n > 0);
		len += (size_t)n;
	}
	SRV_CHECK(r > 0);
	memmove(buf, buf + r, len - (size_t)r);
	len -= (size_t)r;
	if (m->type != type)
		fprintf(stderr, "    server: got %s, wanted %s\n",
			pptp_type_abbrev(m->type), pptp_type_abbrev(type));
	SRV_CHECK(m->type == type);
}

/* EOF from the client: it closed the connection. */
static void srv_expect_eof(void)
{
	char c;

	SRV_CHECK(recv(srv_fd, &c, 1, 0) == 0);
}

static void srv_sccrp(uint8_t result)
{
	struct pptp_msg m;

	pptp_msg_init(&m, PPTP_SCCRP);
	m.sccrp.version = PPTP_VERSION;
	m.sccrp.result = result;
	m.sccrp.framing = 3;
	m.sccrp.bearer = 3;
	strcpy(m.sccrp.host, "testpac");
	strcpy(m.sccrp.vendor, "unit");
	srv_send(&m);
}

static void srv_handshake(void)
{
	struct pptp_msg m;

	srv_expect(&m, PPTP_SCCRQ);
	SRV_CHECK(m.sccrq.version == PPTP_VERSION);
	srv_sccrp(PPTP_SCCRP_OK);
}

/* OCRQ in, OCRP out; the client's call ID */
static uint16_t srv_call(uint8_t result, uint16_t our_id)
{
	struct pptp_msg m, r;

	srv_expect(&m, PPTP_OCRQ);
	SRV_CHECK(m.ocrq.window == 48);
	SRV_CHECK(!strcmp(m.ocrq.phone, "5551234"));
	pptp_msg_init(&r, PPTP_OCRP);
	r.ocrp.call_id = our_id;
	r.ocrp.peer_call_id = m.ocrq.call_id;
	r.ocrp.result = result;
	r.ocrp.error = result == PPTP_OCRP_CONNECTED ? 0 : PPTP_ERR_NO_RESOURCE;
	r.ocrp.window = 32;
	r.ocrp.ppd = 5;
	srv_send(&r);
	return m.ocrq.call_id;
}

static void srv_cdn(uint16_t our_id, uint8_t result)
{
	struct pptp_msg m;

	pptp_msg_init(&m, PPTP_CDN);
	m.cdn.call_id = our_id;
	m.cdn.result = result;
	srv_send(&m);
}

/* StopCCRQ in, StopCCRP out, then the client closes. */
static void srv_stop(void)
{
	struct pptp_msg m;

	srv_expect(&m, PPTP_STOPCCRQ);
	pptp_msg_init(&m, PPTP_STOPCCRP);
	m.stopccrp.reason = PPTP_STOPCCRP_OK;
	srv_send(&m);
	srv_expect_eof();
}

static int listen_fd = -1;
static struct sockaddr_in srv_addr;
static pid_t srv_pid;

/* Fork a server running @play on the next connection. */
static void serve(void (*play)(void))
{
	socklen_t len = sizeof(srv_addr);

	listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	srv_addr = (struct sockaddr_in){
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	if (listen_fd < 0 ||
	    bind(listen_fd, (struct sockaddr *)&srv_addr, sizeof(srv_addr)) ||
	    listen(listen_fd, 1) ||
	    getsockname(listen_fd, (struct sockaddr *)&srv_addr, &len)) {
		perror("test server");
		exit(2);
	}
	fflush(stdout);
	srv_pid = fork();
	if (srv_pid < 0) {
		perror("fork");
		exit(2);
	}
	if (srv_pid == 0) {
		srv_fd = accept(listen_fd, NULL, NULL);
		SRV_CHECK(srv_fd >= 0);
		play();
		_exit(0);
	}
	close(listen_fd);
	listen_fd = -1;
}

/* The server's verdict: 0 if its checks passed. */
static int served(void)
{
	int status = -1;

	if (waitpid(srv_pid, &status, 0) != srv_pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* ------------------------------------------------------------ client */

static struct pptp_client cl;
static struct pptp_ctrl_cfg cfg;

static void client_start(void)
{
	logbuf[0] = '\0';
	pptp_ctrl_cfg_default(&cfg);
	cfg.max_calls = 1;
	cfg.window = 48;
	cfg.handshake_ms = 2000;
	cfg.call_ms = 2000;
	cfg.stop_ms = 1000;
	pptp_client_init(&cl, collect, NULL);
}

static int client_connect(void)
{
	snprintf(cfg.phone, sizeof(cfg.phone), "5551234");
	return pptp_client_connect(&cl, &srv_addr, &cfg);
}

/* Poll until the client gives up on the call, at most @ms. */
static int poll_until_down(int ms)
{
	for (; ms > 0; ms -= 10) {
		if (pptp_client_poll(&cl))
			return 0;
		usleep(10000);
	}
	return -1;
}

static bool has(const char *text, const char *part)
{
	if (strstr(text, part))
		return true;
	printf("    \"%s\" not in \"%s\"\n", part, text);
	return false;
}

/* ------------------------------------------------------------ tests */

static void play_full_call(void)
{
	struct pptp_msg m;
	uint16_t cid;

	srv_handshake();
	cid = srv_call(PPTP_OCRP_CONNECTED, 777);
	SRV_CHECK(cid == 4242);
	/* the client answers our echo while the link is up */
	pptp_msg_init(&m, PPTP_ECHORQ);
	m.echorq.id = 0xdeadbeef;
	srv_send(&m);
	srv_expect(&m, PPTP_ECHORP);
	SRV_CHECK(m.echorp.id == 0xdeadbeef);
	SRV_CHECK(m.echorp.result == PPTP_ECHORP_OK);
	/* then we end the call: CDN; the client stops the connection */
	srv_cdn(777, PPTP_CDN_ADMIN);
	srv_stop();
}

TEST(call_up_echo_then_server_hangs_up)
{
	serve(play_full_call);
	client_start();
	CHECK(client_connect() == 0);
	CHECK(!strcmp(cl.ctrl.peer_host, "testpac"));
	CHECK(pptp_client_call(&cl, 4242) == 0);
	CHECK(cl.call.peer_id == 777);
	CHECK(cl.call.peer_window == 32);
	CHECK(cl.call.peer_ppd == 5);
	CHECK(pptp_client_poll(&cl) == 0);
	CHECK(poll_until_down(3000) == 0);
	CHECK(has(cl.why, "the server disconnected the call: result 3 (admin shutdown)"));
	pptp_client_hangup(&cl, 1000);
	CHECK(cl.fd < 0);
	CHECK(served() == 0);
}

static void play_client_clears(void)
{
	struct pptp_msg m;

	srv_handshake();
	srv_call(PPTP_OCRP_CONNECTED, 900);
	srv_expect(&m, PPTP_CCRQ);
	SRV_CHECK(m.ccrq.call_id == 17);
	srv_cdn(900, PPTP_CDN_REQUEST);
	srv_stop();
}

TEST(client_hangup_clears_call_then_connection)
{
	serve(play_client_clears);
	client_start();
	CHECK(client_connect() == 0);
	CHECK(pptp_client_call(&cl, 17) == 0);
	pptp_client_hangup(&cl, 1000);
	CHECK(cl.fd < 0);
	CHECK(cl.slot < 0);
	CHECK(served() == 0);
}

static void play_refuse_connection(void)
{
	struct pptp_msg m;

	srv_expect(&m, PPTP_SCCRQ);
	srv_sccrp(PPTP_SCCRP_NOT_AUTHORIZED);
	srv_expect_eof();
}

TEST(refused_control_connection)
{
	serve(play_refuse_connection);
	client_start();
	CHECK(client_connect() == -1);
	CHECK(has(cl.why, "the server refused the control connection: result 4 (not authorized)"));
	pptp_client_hangup(&cl, 500);
	CHECK(served() == 0);
}

static void play_refuse_call(void)
{
	srv_handshake();
	srv_call(PPTP_OCRP_REFUSED, 0);
	srv_stop();
}

TEST(refused_call)
{
	serve(play_refuse_call);
	client_start();
	CHECK(client_connect() == 0);
	CHECK(pptp_client_call(&cl, 5) == -1);
	CHECK(has(cl.why, "the server refused the call: result 7 (do not accept), error 4 (no resource)"));
	pptp_client_hangup(&cl, 1000);
	CHECK(served() == 0);
}

static void play_bad_cookie(void)
{
	uint8_t buf[PPTP_MSG_MAX];
	struct pptp_msg m;
	size_t n;

	srv_expect(&m, PPTP_SCCRQ);
	pptp_msg_init(&m, PPTP_SCCRP);
	m.sccrp.version = PPTP_VERSION;
	m.sccrp.result = PPTP_SCCRP_OK;
	n = pptp_msg_encode(&m, buf, sizeof(buf));
	buf[4] ^= 0xff;			/* the magic cookie */
	srv_send_raw(buf, n);
	srv_expect_eof();
}

TEST(bad_magic_cookie)
{
	serve(play_bad_cookie);
	client_start();
	CHECK(client_connect() == -1);
	CHECK(has(cl.why, "malformed message from the server: magic cookie 0xe52b3c4d"));
	pptp_client_hangup(&cl, 500);
	CHECK(served() == 0);
}

static void play_garbage(void)
{
	static const char http[] = "HTTP/1.1 400 Bad Request\r\n\r\n";
	struct pptp_msg m;

	srv_expect(&m, PPTP_SCCRQ);
	srv_send_raw(http, sizeof(http) - 1);
	srv_expect_eof();
}

TEST(garbage_instead_of_a_reply)
{
	serve(play_garbage);
	client_start();
	CHECK(client_connect() == -1);
	CHECK(has(cl.why, "malformed message from the server"));
	pptp_client_hangup(&cl, 500);
	CHECK(served() == 0);
}

static void play_silent(void)
{
	struct pptp_msg m;

	srv_expect(&m, PPTP_SCCRQ);
	srv_expect_eof();
}

TEST(silent_server_times_out)
{
	serve(play_silent);
	client_start();
	cfg.handshake_ms = 300;
	CHECK(client_connect() == -1);
	CHECK(has(cl.why, "no Start-Control-Connection-Reply from the server within 300 ms"));
	pptp_client_hangup(&cl, 500);
	CHECK(served() == 0);
}

static void play_silent_call(void)
{
	struct pptp_msg m;

	srv_handshake();
	srv_expect(&m, PPTP_OCRQ);
	/* no reply: the client gives up, clears the call and stops */
	srv_expect(&m, PPTP_CCRQ);
	srv_stop();
}

TEST(no_call_reply_times_out)
{
	serve(play_silent_call);
	client_start();
	cfg.call_ms = 300;
	CHECK(client_connect() == 0);
	CHECK(pptp_client_call(&cl, 6) == -1);
	CHECK(has(cl.why, "no Outgoing-Call-Reply from the server within 300 ms"));
	pptp_client_hangup(&cl, 1000);
	CHECK(served() == 0);
}

static void play_close_mid_message(void)
{
	uint8_t buf[PPTP_MSG_MAX];
	struct pptp_msg m;
	size_t n;

	srv_expect(&m, PPTP_SCCRQ);
	pptp_msg_init(&m, PPTP_SCCRP);
	m.sccrp.version = PPTP_VERSION;
	m.sccrp.result = PPTP_SCCRP_OK;
	n = pptp_msg_encode(&m, buf, sizeof(buf));
	srv_send_raw(buf, n / 2);
}

TEST(tcp_closed_mid_message)
{
	serve(play_close_mid_message);
	client_start();
	CHECK(client_connect() == -1);
	CHECK(has(cl.why, "the server closed the control connection (TCP) in the middle of a message"));
	pptp_client_hangup(&cl, 500);
	CHECK(served() == 0);
}

static void play_stop_while_up(void)
{
	struct pptp_msg m;

	srv_handshake();
	srv_call(PPTP_OCRP_CONNECTED, 31);
	pptp_msg_init(&m, PPTP_STOPCCRQ);
	m.stopccrq.reason = PPTP_STOP_LOCAL_SHUTDOWN;
	srv_send(&m);
	srv_expect(&m, PPTP_STOPCCRP);
	srv_expect_eof();
}

TEST(server_stops_the_connection)
{
	serve(play_stop_while_up);
	client_start();
	CHECK(client_connect() == 0);
	CHECK(pptp_client_call(&cl, 8) == 0);
	CHECK(poll_until_down(3000) == 0);
	CHECK(has(cl.why, "the server stopped the control connection: reason 3 (local shutdown)"));
	pptp_client_hangup(&cl, 500);
	CHECK(served() == 0);
}

static void play_offer_call(void)
{
	uint8_t buf[2 * PPTP_MSG_MAX];
	struct pptp_msg m;
	size_t n;

	srv_expect(&m, PPTP_SCCRQ);
	/* the reply and, in the same segment, an Incoming-Call-Request: a
	 * client takes no calls */
	pptp_msg_init(&m, PPTP_SCCRP);
	m.sccrp.version = PPTP_VERSION;
	m.sccrp.result = PPTP_SCCRP_OK;
	n = pptp_msg_encode(&m, buf, sizeof(buf));
	pptp_msg_init(&m, PPTP_ICRQ);
	m.icrq.call_id = 55;
	m.icrq.serial = 1;
	m.icrq.bearer = PPTP_BEARER_ANALOG;
	n += pptp_msg_encode(&m, buf + n, sizeof(buf) - n);
	srv_send_raw(buf, n);
	srv_expect(&m, PPTP_ICRP);
	SRV_CHECK(m.icrp.peer_call_id == 55);
	SRV_CHECK(m.icrp.result != PPTP_ICRP_CONNECT);
	srv_call(PPTP_OCRP_CONNECTED, 32);
	srv_expect(&m, PPTP_CCRQ);
	srv_cdn(32, PPTP_CDN_REQUEST);
	srv_stop();
}

TEST(incoming_call_refused_own_call_works)
{
	serve(play_offer_call);
	client_start();
	CHECK(client_connect() == 0);
	CHECK(pptp_client_call(&cl, 9) == 0);
	CHECK(cl.call.peer_id == 32);
	pptp_client_hangup(&cl, 1000);
	CHECK(served() == 0);
}

static void play_dead_after_call(void)
{
	struct pptp_msg m;

	srv_handshake();
	srv_call(PPTP_OCRP_CONNECTED, 40);
	/* the client's echo goes unanswered */
	srv_expect(&m, PPTP_ECHORQ);
	srv_expect_eof();
}

TEST(silent_server_found_dead_by_echo)
{
	serve(play_dead_after_call);
	client_start();
	cfg.echo_ms = 200;
	cfg.echo_wait_ms = 200;
	CHECK(client_connect() == 0);
	CHECK(pptp_client_call(&cl, 10) == 0);
	CHECK(poll_until_down(3000) == 0);
	CHECK(has(cl.why, "peer dead: no Echo-Reply within 200 ms"));
	pptp_client_hangup(&cl, 500);
	CHECK(cl.fd < 0);
	CHECK(served() == 0);
}

static void play_wen_then_cdn(void)
{
	struct pptp_msg m;

	srv_handshake();
	srv_call(PPTP_OCRP_CONNECTED, 41);
	pptp_msg_init(&m, PPTP_WEN);
	m.wen.peer_call_id = 11;
	m.wen.crc = 3;
	srv_send(&m);
	usleep(200000);
	srv_cdn(41, PPTP_CDN_LOST_CARRIER);
	srv_stop();
}

TEST(reason_is_the_end_not_an_earlier_warning)
{
	serve(play_wen_then_cdn);
	client_start();
	CHECK(client_connect() == 0);
	CHECK(pptp_client_call(&cl, 11) == 0);
	CHECK(poll_until_down(3000) == 0);
	CHECK(has(logbuf, "WAN-Error-Notify for call 11: crc 3"));
	CHECK(has(cl.why, "the server disconnected the call: result 1 (lost carrier)"));
	pptp_client_hangup(&cl, 1000);
	CHECK(served() == 0);
}

TEST(nobody_listening)
{
	struct sockaddr_in none;
	socklen_t len = sizeof(none);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	/* a port that was free a moment ago */
	none = (struct sockaddr_in){ .sin_family = AF_INET,
				     .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	CHECK(fd >= 0 && !bind(fd, (struct sockaddr *)&none, sizeof(none)) &&
	      !getsockname(fd, (struct sockaddr *)&none, &len));
	close(fd);
	client_start();
	CHECK(pptp_client_connect(&cl, &none, &cfg) == -1);
	CHECK(has(cl.why, "Connection refused"));
	CHECK(cl.fd < 0);
	pptp_client_hangup(&cl, 500);
}

TEST(result_names)
{
	CHECK_STR(pptp_ocrp_result_name(PPTP_OCRP_BUSY), "busy");
	CHECK_STR(pptp_ocrp_result_name(200), "?");
	CHECK_STR(pptp_cdn_result_name(0), "?");
	CHECK_STR(pptp_error_name(PPTP_ERR_BAD_CALL_ID), "bad call ID");
	CHECK_STR(pptp_sccrp_result_name(PPTP_SCCRP_BAD_VERSION),
		  "protocol version not supported");
}
