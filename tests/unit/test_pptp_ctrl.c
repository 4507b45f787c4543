// SPDX-License-Identifier: GPL-2.0
/*
 * pptp/pptp_ctrl.c: the control connection and call state machines driven
 * by hand-made messages and a fake clock.  Each test plays one exchange and
 * checks the actions that came out, in order.
 */
#include <string.h>

#include "pptp_ctrl.h"
#include "unit.h"

#define MAXACT 64

static struct pptp_act acts[MAXACT];
static unsigned int nacts;

static void collect(void *arg, const struct pptp_act *a)
{
	(void)arg;
	if (nacts < MAXACT)
		acts[nacts++] = *a;
}

static void reset(void)
{
	nacts = 0;
}

/* The @i-th action that is not a log line, or NULL. */
static const struct pptp_act *act(unsigned int i)
{
	unsigned int k;

	for (k = 0; k < nacts; k++)
		if (acts[k].type != PPTP_ACT_LOG && i-- == 0)
			return &acts[k];
	return NULL;
}

static unsigned int count(enum pptp_act_type t)
{
	unsigned int k, n = 0;

	for (k = 0; k < nacts; k++)
		n += acts[k].type == t;
	return n;
}

/* The reason of the last CALL_REFUSED, or -1. */
static int refusal(void)
{
	int r = -1;
	unsigned int k;

	for (k = 0; k < nacts; k++)
		if (acts[k].type == PPTP_ACT_CALL_REFUSED)
			r = (int)acts[k].refusal;
	return r;
}

static const char *logs(void)
{
	static char all[4096];
	unsigned int k;

	all[0] = '\0';
	for (k = 0; k < nacts; k++)
		if (acts[k].type == PPTP_ACT_LOG) {
			strncat(all, acts[k].text, sizeof(all) - strlen(all) - 2);
			strcat(all, "\n");
		}
	return all;
}

static int sent(unsigned int i, unsigned int type)
{
	const struct pptp_act *a = act(i);

	return a && a->type == PPTP_ACT_SEND && a->msg.type == type;
}

static struct pptp_msg msg(unsigned int type)
{
	struct pptp_msg m;

	pptp_msg_init(&m, type);
	return m;
}

static struct pptp_msg sccrq(void)
{
	struct pptp_msg m = msg(PPTP_SCCRQ);

	m.sccrq.version = PPTP_VERSION;
	strcpy(m.sccrq.host, "client");
	return m;
}

static struct pptp_msg ocrq(uint16_t id)
{
	struct pptp_msg m = msg(PPTP_OCRQ);

	m.ocrq.call_id = id;
	m.ocrq.bearer = 3;
	m.ocrq.framing = 3;
	m.ocrq.window = 64;
	m.ocrq.ppd = 1;
	return m;
}

static struct pptp_ctrl_cfg cfg(void)
{
	struct pptp_ctrl_cfg c;

	pptp_ctrl_cfg_default(&c);
	c.max_calls = 2;
	return c;
}

/* A PAC with an established control connection at t = 1000. */
static void pac_up(struct pptp_ctrl *c)
{
	struct pptp_ctrl_cfg k = cfg();
	struct pptp_msg m = sccrq();

	CHECK(pptp_ctrl_init(c, PPTP_ROLE_PAC, &k, 0, collect, NULL) == 0);
	reset();
	pptp_ctrl_input(c, &m, 1000);
	CHECK(sent(0, PPTP_SCCRP) && act(0)->msg.sccrp.result == PPTP_SCCRP_OK);
	CHECK(c->state == PPTP_CTRL_ESTABLISHED);
	reset();
}

TEST(pac_handshake_and_outgoing_call)
{
	struct pptp_ctrl c;
	struct pptp_msg m = ocrq(4242);

	pac_up(&c);
	pptp_ctrl_input(&c, &m, 2000);
	CHECK(nacts == 1 && act(0)->type == PPTP_ACT_CALL_NEW);
	CHECK(act(0)->call.peer_id == 4242 && act(0)->call.peer_window == 64);
	CHECK(act(0)->call.peer_ppd == 1 && !act(0)->call.incoming);
	reset();
	pptp_ctrl_call_created(&c, 0, 777, 2001);
	CHECK(sent(0, PPTP_OCRP));
	CHECK(act(0)->msg.ocrp.call_id == 777);
	CHECK(act(0)->msg.ocrp.peer_call_id == 4242);
	CHECK(act(0)->msg.ocrp.result == PPTP_OCRP_CONNECTED);
	CHECK(act(1)->type == PPTP_ACT_CALL_UP && act(1)->call.local_id == 777);
	reset();

	/* the PNS clears it: CDN with our ID, the call goes down */
	m = msg(PPTP_CCRQ);
	m.ccrq.call_id = 4242;
	pptp_ctrl_input(&c, &m, 3000);
	CHECK(sent(0, PPTP_CDN) && act(0)->msg.cdn.call_id == 777);
	CHECK(act(0)->msg.cdn.result == PPTP_CDN_REQUEST);
	CHECK(act(1)->type == PPTP_ACT_CALL_DOWN && act(1)->call.local_id == 777);
	CHECK(c.ncalls == 0);
	pptp_ctrl_free(&c);
}

TEST(pac_refuses_calls_over_the_limit_and_duplicates)
{
	struct pptp_ctrl c;
	struct pptp_msg m;

	pac_up(&c);
	m = ocrq(1);
	pptp_ctrl_input(&c, &m, 2000);
	pptp_ctrl_call_created(&c, 0, 11, 2000);
	/* the same peer call ID again */
	reset();
	pptp_ctrl_input(&c, &m, 2001);
	CHECK(sent(0, PPTP_OCRP) && act(0)->msg.ocrp.result == PPTP_OCRP_GENERAL);
	CHECK(act(0)->msg.ocrp.error == PPTP_ERR_BAD_VALUE);
	CHECK_HAS(logs(), "peer call ID 1 already in use");
	CHECK(count(PPTP_ACT_CALL_REFUSED) == 1 &&
	      refusal() == (int)PPTP_REFUSAL_ID_IN_USE);
	m = ocrq(2);
	pptp_ctrl_input(&c, &m, 2002);
	pptp_ctrl_call_created(&c, 1, 12, 2002);
	reset();
	m = ocrq(3);
	pptp_ctrl_input(&c, &m, 2003);
	CHECK(nacts == 3 && sent(0, PPTP_OCRP));
	CHECK(act(0)->msg.ocrp.error == PPTP_ERR_NO_RESOURCE);
	CHECK_HAS(logs(), "limit of 2 calls per connection");
	CHECK(count(PPTP_ACT_CALL_REFUSED) == 1 &&
	      refusal() == (int)PPTP_REFUSAL_CONN_LIMIT);
	/* the daemon refuses too (no ID, a pool empty): no CALL_DOWN */
	m = msg(PPTP_CCRQ);
	m.ccrq.call_id = 2;
	pptp_ctrl_input(&c, &m, 2004);
	reset();
	m = ocrq(5);
	pptp_ctrl_input(&c, &m, 2005);
	CHECK(act(0)->type == PPTP_ACT_CALL_NEW);
	reset();
	pptp_ctrl_call_refused(&c, act(0) ? 1 : 1, "address pool empty");
	CHECK(sent(0, PPTP_OCRP) && act(0)->msg.ocrp.result == PPTP_OCRP_GENERAL);
	CHECK(count(PPTP_ACT_CALL_DOWN) == 0);
	CHECK_HAS(logs(), "address pool empty");
	CHECK(c.ncalls == 1);
	pptp_ctrl_free(&c);
}

TEST(pac_refuses_anything_before_sccrq)
{
	struct pptp_ctrl_cfg k = cfg();
	struct pptp_ctrl c;
	struct pptp_msg m = ocrq(1);

	pptp_ctrl_init(&c, PPTP_ROLE_PAC, &k, 0, collect, NULL);
	reset();
	pptp_ctrl_input(&c, &m, 1);
	CHECK(count(PPTP_ACT_CLOSE) == 1 && count(PPTP_ACT_CALL_NEW) == 0);
	CHECK_HAS(logs(), "refused: OCRQ before Start-Control-Connection-Request");
	pptp_ctrl_free(&c);
}

TEST(pac_bad_version)
{
	struct pptp_ctrl_cfg k = cfg();
	struct pptp_ctrl c;
	struct pptp_msg m = sccrq();

	m.sccrq.version = 0x0200;
	pptp_ctrl_init(&c, PPTP_ROLE_PAC, &k, 0, collect, NULL);
	reset();
	pptp_ctrl_input(&c, &m, 1);
	CHECK(sent(0, PPTP_SCCRP));
	CHECK(act(0)->msg.sccrp.result == PPTP_SCCRP_BAD_VERSION);
	CHECK(act(1)->type == PPTP_ACT_CLOSE);
	pptp_ctrl_free(&c);
}

TEST(handshake_timeout)
{
	struct pptp_ctrl_cfg k = cfg();
	struct pptp_ctrl c;

	k.handshake_ms = 5000;
	pptp_ctrl_init(&c, PPTP_ROLE_PAC, &k, 100, collect, NULL);
	CHECK(pptp_ctrl_next_timer(&c) == 5100);
	reset();
	pptp_ctrl_timer(&c, 5099);
	CHECK(nacts == 0);
	pptp_ctrl_timer(&c, 5100);
	CHECK(count(PPTP_ACT_CLOSE) == 1);
	CHECK_HAS(logs(), "no SCCRQ within 5000 ms");
	CHECK(pptp_ctrl_next_timer(&c) == PPTP_NO_TIMER);
	pptp_ctrl_free(&c);
}

TEST(echo_keepalive_and_dead_peer)
{
	struct pptp_ctrl c;
	struct pptp_msg m = ocrq(9);

	pac_up(&c);		/* last message at 1000 */
	pptp_ctrl_input(&c, &m, 1000);
	pptp_ctrl_call_created(&c, 0, 99, 1000);
	CHECK(pptp_ctrl_next_timer(&c) == 61000);
	reset();
	pptp_ctrl_timer(&c, 60999);
	CHECK(nacts == 0);
	pptp_ctrl_timer(&c, 61000);
	CHECK(nacts == 1 && sent(0, PPTP_ECHORQ));
	CHECK(pptp_ctrl_next_timer(&c) == 91000);
	/* an answer (any message) clears it */
	reset();
	m = msg(PPTP_ECHORP);
	m.echorp.id = act(0) ? 1 : 1;
	m.echorp.result = 1;
	pptp_ctrl_input(&c, &m, 62000);
	CHECK(pptp_ctrl_next_timer(&c) == 122000);
	pptp_ctrl_timer(&c, 122000);
	CHECK(sent(0, PPTP_ECHORQ));
	reset();
	pptp_ctrl_timer(&c, 152000);
	CHECK(act(0)->type == PPTP_ACT_CALL_DOWN && act(0)->call.local_id == 99);
	CHECK(act(1)->type == PPTP_ACT_CLOSE);
	CHECK_HAS(logs(), "peer dead: no Echo-Reply within 30000 ms");
	pptp_ctrl_free(&c);
}

TEST(echo_request_answered)
{
	struct pptp_ctrl c;
	struct pptp_msg m = msg(PPTP_ECHORQ);

	pac_up(&c);
	m.echorq.id = 0x01020304;
	pptp_ctrl_input(&c, &m, 2000);
	CHECK(sent(0, PPTP_ECHORP) && act(0)->msg.echorp.id == 0x01020304);
	CHECK(act(0)->msg.echorp.result == PPTP_ECHORP_OK);
	pptp_ctrl_free(&c);
}

TEST(peer_stop_takes_every_call_down)
{
	struct pptp_ctrl c;
	struct pptp_msg m;

	pac_up(&c);
	m = ocrq(1);
	pptp_ctrl_input(&c, &m, 2000);
	pptp_ctrl_call_created(&c, 0, 11, 2000);
	m = ocrq(2);
	pptp_ctrl_input(&c, &m, 2000);
	pptp_ctrl_call_created(&c, 1, 12, 2000);
	reset();
	m = msg(PPTP_STOPCCRQ);
	m.stopccrq.reason = PPTP_STOP_NONE;
	pptp_ctrl_input(&c, &m, 3000);
	CHECK(count(PPTP_ACT_CALL_DOWN) == 2);
	CHECK(count(PPTP_ACT_SEND) == 1 && sent(2, PPTP_STOPCCRP));
	CHECK(act(3)->type == PPTP_ACT_CLOSE);
	pptp_ctrl_free(&c);
}

TEST(local_stop_and_abort)
{
	struct pptp_ctrl c;
	struct pptp_msg m = ocrq(1);

	pac_up(&c);
	pptp_ctrl_input(&c, &m, 2000);
	pptp_ctrl_call_created(&c, 0, 11, 2000);
	reset();
	pptp_ctrl_stop(&c, PPTP_STOP_LOCAL_SHUTDOWN, 3000);
	CHECK(sent(0, PPTP_CDN) && act(0)->msg.cdn.result == PPTP_CDN_ADMIN);
	CHECK(act(1)->type == PPTP_ACT_CALL_DOWN);
	CHECK(sent(2, PPTP_STOPCCRQ));
	CHECK(c.state == PPTP_CTRL_WAIT_STOPCCRP);
	reset();
	pptp_ctrl_timer(&c, 7999);
	CHECK(nacts == 0);
	pptp_ctrl_timer(&c, 8000);
	CHECK(act(0)->type == PPTP_ACT_CLOSE);
	pptp_ctrl_free(&c);

	pac_up(&c);
	m = ocrq(1);
	pptp_ctrl_input(&c, &m, 2000);
	pptp_ctrl_call_created(&c, 0, 11, 2000);
	reset();
	pptp_ctrl_abort(&c, "TCP connection lost");
	CHECK(count(PPTP_ACT_SEND) == 0 && count(PPTP_ACT_CALL_DOWN) == 1);
	CHECK(count(PPTP_ACT_CLOSE) == 1);
	CHECK_HAS(logs(), "TCP connection lost");
	reset();
	pptp_ctrl_abort(&c, "again");
	CHECK(nacts == 0);
	pptp_ctrl_free(&c);
}

TEST(pac_local_hangup_sends_cdn)
{
	struct pptp_ctrl c;
	struct pptp_msg m = ocrq(1);

	pac_up(&c);
	pptp_ctrl_input(&c, &m, 2000);
	pptp_ctrl_call_created(&c, 0, 11, 2000);
	reset();
	pptp_ctrl_call_close(&c, pptp_ctrl_find_local(&c, 11), 2500);
	CHECK(sent(0, PPTP_CDN) && act(0)->msg.cdn.call_id == 11);
	CHECK(act(1)->type == PPTP_ACT_CALL_DOWN);
	CHECK(pptp_ctrl_find_local(&c, 11) == -1);
	pptp_ctrl_free(&c);
}

TEST(idle_timeout)
{
	struct pptp_ctrl_cfg k = cfg();
	struct pptp_ctrl c;
	struct pptp_msg m = sccrq();

	k.idle_ms = 10000;
	k.echo_ms = 0;
	pptp_ctrl_init(&c, PPTP_ROLE_PAC, &k, 0, collect, NULL);
	pptp_ctrl_input(&c, &m, 1000);
	CHECK(pptp_ctrl_next_timer(&c) == 11000);
	reset();
	pptp_ctrl_timer(&c, 11000);
	CHECK(sent(0, PPTP_STOPCCRQ));
	pptp_ctrl_free(&c);
}

/* PNS: SCCRQ, SCCRP, OCRQ, OCRP, CCRQ, CDN */
TEST(pns_outgoing_call)
{
	struct pptp_ctrl_cfg k = cfg();
	struct pptp_ctrl c;
	struct pptp_msg m;
	int slot;

	snprintf(k.phone, sizeof(k.phone), "5551234");
	pptp_ctrl_init(&c, PPTP_ROLE_PNS, &k, 0, collect, NULL);
	reset();
	CHECK(pptp_ctrl_call_open(&c, 5, 0) == -1);	/* not yet */
	pptp_ctrl_start(&c, 0);
	CHECK(sent(0, PPTP_SCCRQ) && act(0)->msg.sccrq.version == PPTP_VERSION);
	m = msg(PPTP_SCCRP);
	m.sccrp.version = PPTP_VERSION;
	m.sccrp.result = PPTP_SCCRP_OK;
	pptp_ctrl_input(&c, &m, 10);
	CHECK(c.state == PPTP_CTRL_ESTABLISHED);
	reset();
	slot = pptp_ctrl_call_open(&c, 500, 20);
	CHECK(slot == 0 && sent(0, PPTP_OCRQ) && act(0)->msg.ocrq.call_id == 500);
	CHECK(act(0)->msg.ocrq.window == 64);
	CHECK(!strcmp(act(0)->msg.ocrq.phone, "5551234"));
	reset();
	m = msg(PPTP_OCRP);
	m.ocrp.call_id = 900;
	m.ocrp.peer_call_id = 500;
	m.ocrp.result = PPTP_OCRP_CONNECTED;
	m.ocrp.window = 16;
	pptp_ctrl_input(&c, &m, 30);
	CHECK(act(0)->type == PPTP_ACT_CALL_UP && act(0)->call.peer_id == 900);
	CHECK(act(0)->call.peer_window == 16);
	reset();
	pptp_ctrl_call_close(&c, slot, 40);
	CHECK(sent(0, PPTP_CCRQ) && act(0)->msg.ccrq.call_id == 500);
	CHECK(count(PPTP_ACT_CALL_DOWN) == 0);
	reset();
	m = msg(PPTP_CDN);
	m.cdn.call_id = 900;
	m.cdn.result = PPTP_CDN_REQUEST;
	pptp_ctrl_input(&c, &m, 50);
	CHECK(act(0)->type == PPTP_ACT_CALL_DOWN && act(0)->call.local_id == 500);
	pptp_ctrl_free(&c);
}

TEST(pns_call_refused_and_timeout)
{
	struct pptp_ctrl_cfg k = cfg();
	struct pptp_ctrl c;
	struct pptp_msg m;

	pptp_ctrl_init(&c, PPTP_ROLE_PNS, &k, 0, collect, NULL);
	pptp_ctrl_start(&c, 0);
	m = msg(PPTP_SCCRP);
	m.sccrp.version = PPTP_VERSION;
	m.sccrp.result = PPTP_SCCRP_OK;
	pptp_ctrl_input(&c, &m, 10);
	pptp_ctrl_call_open(&c, 1, 100);
	reset();
	m = msg(PPTP_OCRP);
	m.ocrp.peer_call_id = 1;
	m.ocrp.result = PPTP_OCRP_BUSY;
	pptp_ctrl_input(&c, &m, 200);
	CHECK(act(0)->type == PPTP_ACT_CALL_DOWN);
	CHECK_HAS(logs(), "call 1 refused by the peer: result 4");
	pptp_ctrl_call_open(&c, 2, 1000);
	CHECK(pptp_ctrl_next_timer(&c) == 31000);
	reset();
	pptp_ctrl_timer(&c, 31000);
	CHECK(act(0)->type == PPTP_ACT_CALL_DOWN && act(0)->call.local_id == 2);
	CHECK_HAS(logs(), "no answer in state wait_ocrp");
	pptp_ctrl_free(&c);
}

TEST(pns_refused_control_connection)
{
	struct pptp_ctrl_cfg k = cfg();
	struct pptp_ctrl c;
	struct pptp_msg m = msg(PPTP_SCCRP);

	pptp_ctrl_init(&c, PPTP_ROLE_PNS, &k, 0, collect, NULL);
	pptp_ctrl_start(&c, 0);
	reset();
	m.sccrp.result = PPTP_SCCRP_NOT_AUTHORIZED;
	pptp_ctrl_input(&c, &m, 10);
	CHECK(count(PPTP_ACT_CLOSE) == 1);
	CHECK_HAS(logs(), "peer refused the control connection: result 4");
	pptp_ctrl_free(&c);
}

/* Incoming calls: PNS answers ICRQ (ICRP, then ICCN); PAC places them. */
TEST(incoming_calls_both_roles)
{
	struct pptp_ctrl_cfg k = cfg();
	struct pptp_ctrl c;
	struct pptp_msg m;
	int slot;

	pptp_ctrl_init(&c, PPTP_ROLE_PNS, &k, 0, collect, NULL);
	pptp_ctrl_start(&c, 0);
	m = msg(PPTP_SCCRP);
	m.sccrp.version = PPTP_VERSION;
	m.sccrp.result = PPTP_SCCRP_OK;
	pptp_ctrl_input(&c, &m, 10);
	reset();
	m = msg(PPTP_ICRQ);
	m.icrq.call_id = 70;
	m.icrq.bearer = 1;
	pptp_ctrl_input(&c, &m, 20);
	CHECK(act(0)->type == PPTP_ACT_CALL_NEW && act(0)->call.incoming);
	reset();
	pptp_ctrl_call_created(&c, 0, 71, 21);
	CHECK(sent(0, PPTP_ICRP) && act(0)->msg.icrp.call_id == 71);
	CHECK(act(0)->msg.icrp.peer_call_id == 70);
	CHECK(count(PPTP_ACT_CALL_UP) == 0);
	reset();
	m = msg(PPTP_ICCN);
	m.iccn.peer_call_id = 71;
	m.iccn.framing = 1;
	m.iccn.window = 8;
	pptp_ctrl_input(&c, &m, 22);
	CHECK(act(0)->type == PPTP_ACT_CALL_UP && act(0)->call.peer_window == 8);
	pptp_ctrl_free(&c);

	pac_up(&c);
	slot = pptp_ctrl_call_open(&c, 33, 2000);
	CHECK(slot == 0 && sent(0, PPTP_ICRQ) && act(0)->msg.icrq.call_id == 33);
	reset();
	m = msg(PPTP_ICRP);
	m.icrp.call_id = 44;
	m.icrp.peer_call_id = 33;
	m.icrp.result = PPTP_ICRP_CONNECT;
	pptp_ctrl_input(&c, &m, 2001);
	CHECK(sent(0, PPTP_ICCN) && act(0)->msg.iccn.peer_call_id == 44);
	CHECK(act(1)->type == PPTP_ACT_CALL_UP && act(1)->call.peer_id == 44);
	/* the PAC does not take an ICRQ */
	reset();
	m = msg(PPTP_ICRQ);
	m.icrq.call_id = 1;
	pptp_ctrl_input(&c, &m, 2002);
	CHECK(sent(0, PPTP_ICRP) && act(0)->msg.icrp.result == PPTP_ICRP_GENERAL);
	CHECK_HAS(logs(), "refused ICRQ: not valid for our role");
	pptp_ctrl_free(&c);
}

TEST(unknown_call_messages_are_logged_and_ignored)
{
	struct pptp_ctrl c;
	struct pptp_msg m = msg(PPTP_CCRQ);

	pac_up(&c);
	m.ccrq.call_id = 1234;
	pptp_ctrl_input(&c, &m, 2000);
	CHECK(count(PPTP_ACT_SEND) == 0 && count(PPTP_ACT_CLOSE) == 0);
	CHECK_HAS(logs(), "CCRQ for unknown peer call ID 1234");
	m = msg(PPTP_SCCRQ);
	m.sccrq.version = PPTP_VERSION;
	pptp_ctrl_input(&c, &m, 2001);
	CHECK_HAS(logs(), "unexpected SCCRQ in state established");
	CHECK(c.state == PPTP_CTRL_ESTABLISHED);
	pptp_ctrl_free(&c);
}
