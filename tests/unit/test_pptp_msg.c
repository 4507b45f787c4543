// SPDX-License-Identifier: GPL-2.0
/*
 * pptp/pptp_msg.c: every control message survives encode -> decode with
 * the RFC 2637 sizes; headers and fields out of range are refused with
 * their own error code and a message naming the problem; partial input
 * asks for more.
 */
#include <stdint.h>
#include <string.h>

#include "pptp_msg.h"
#include "unit.h"

static const uint16_t rfc_sizes[] = {
	0, 156, 156, 16, 16, 16, 20, 168, 32, 220, 24, 28, 16, 148, 40, 24,
};

TEST(sizes_match_rfc2637)
{
	unsigned int t;

	for (t = 1; t <= PPTP_TYPE_MAX; t++)
		CHECK(pptp_msg_size(t) == rfc_sizes[t]);
	CHECK(pptp_msg_size(0) == 0);
	CHECK(pptp_msg_size(16) == 0);
	CHECK_STR(pptp_type_name(PPTP_OCRQ), "Outgoing-Call-Request");
	CHECK_STR(pptp_type_abbrev(99), "unknown");
}

/* A message of each type with every field set to something valid. */
static void sample(struct pptp_msg *m, unsigned int t)
{
	pptp_msg_init(m, t);
	switch (t) {
	case PPTP_SCCRQ: case PPTP_SCCRP:
		m->sccrq.version = PPTP_VERSION;
		m->sccrq.result = t == PPTP_SCCRP ? 1 : 0;
		m->sccrq.framing = 3;
		m->sccrq.bearer = 3;
		m->sccrq.max_channels = 7;
		m->sccrq.firmware = 0x1234;
		strcpy(m->sccrq.host, "host.example");
		memset(m->sccrq.vendor, 'v', PPTP_STR_LEN);	/* full, no NUL */
		break;
	case PPTP_STOPCCRQ: m->stopccrq.reason = 3; break;
	case PPTP_STOPCCRP: m->stopccrp.reason = 2; m->stopccrp.error = 6; break;
	case PPTP_ECHORQ: m->echorq.id = 0xdeadbeef; break;
	case PPTP_ECHORP: m->echorp.id = 7; m->echorp.result = 1; break;
	case PPTP_OCRQ:
		m->ocrq.call_id = 0xffff; m->ocrq.serial = 9;
		m->ocrq.min_bps = 2400; m->ocrq.max_bps = 10000000;
		m->ocrq.bearer = 3; m->ocrq.framing = 1;
		m->ocrq.window = 64; m->ocrq.ppd = 2;
		strcpy(m->ocrq.phone, "5551234");
		strcpy(m->ocrq.subaddr, "sub");
		break;
	case PPTP_OCRP:
		m->ocrp.call_id = 1; m->ocrp.peer_call_id = 2;
		m->ocrp.result = 7; m->ocrp.error = 4; m->ocrp.cause = 0x55;
		m->ocrp.speed = 64000; m->ocrp.window = 16; m->ocrp.ppd = 1;
		m->ocrp.channel = 0x01020304;
		break;
	case PPTP_ICRQ:
		m->icrq.call_id = 3; m->icrq.serial = 4; m->icrq.bearer = 2;
		m->icrq.channel = 5;
		strcpy(m->icrq.dialed, "111"); strcpy(m->icrq.dialing, "222");
		strcpy(m->icrq.subaddr, "333");
		break;
	case PPTP_ICRP:
		m->icrp.call_id = 5; m->icrp.peer_call_id = 6;
		m->icrp.result = 1; m->icrp.window = 32; m->icrp.delay = 3;
		break;
	case PPTP_ICCN:
		m->iccn.peer_call_id = 8; m->iccn.speed = 1000;
		m->iccn.window = 10; m->iccn.delay = 1; m->iccn.framing = 2;
		break;
	case PPTP_CCRQ: m->ccrq.call_id = 77; break;
	case PPTP_CDN:
		m->cdn.call_id = 78; m->cdn.result = 4; m->cdn.cause = 16;
		strcpy(m->cdn.stats, "bytes 1");
		break;
	case PPTP_WEN:
		m->wen.peer_call_id = 9; m->wen.crc = 1; m->wen.framing = 2;
		m->wen.hw_overruns = 3; m->wen.buf_overruns = 4;
		m->wen.timeouts = 5; m->wen.alignment = 6;
		break;
	case PPTP_SLI:
		m->sli.peer_call_id = 10; m->sli.send_accm = 0xffffffff;
		m->sli.recv_accm = 0xa0000;
		break;
	}
}

TEST(roundtrip_every_type)
{
	uint8_t buf[PPTP_MSG_MAX + 8];
	struct pptp_msg_error e;
	struct pptp_msg m, d;
	unsigned int t;

	for (t = 1; t <= PPTP_TYPE_MAX; t++) {
		size_t n;

		sample(&m, t);
		n = pptp_msg_encode(&m, buf, sizeof(buf));
		CHECK(n == rfc_sizes[t]);
		CHECK((buf[0] << 8 | buf[1]) == (int)n);
		CHECK(pptp_msg_decode(buf, n, &d, &e) == (int)n);
		CHECK(e.code == PPTP_E_OK);
		if (t == PPTP_SCCRQ || t == PPTP_SCCRP) {
			/* the 64-byte vendor comes back terminated */
			CHECK(strlen(d.sccrq.vendor) == PPTP_STR_LEN);
			memset(m.sccrq.vendor, 'v', PPTP_STR_LEN);
			m.sccrq.vendor[PPTP_STR_LEN] = '\0';
		}
		if (memcmp(&m, &d, sizeof(m)))
			printf("    type %u differs after the round trip\n", t);
		CHECK(!memcmp(&m, &d, sizeof(m)));
		/* every strict prefix asks for more, or fails early */
		for (size_t i = 0; i < n; i++)
			CHECK(pptp_msg_decode(buf, i, &d, &e) == 0);
	}
}

TEST(encode_refuses_small_buffer_and_unknown_type)
{
	uint8_t buf[PPTP_MSG_MAX];
	struct pptp_msg m;

	sample(&m, PPTP_OCRQ);
	CHECK(pptp_msg_encode(&m, buf, 167) == 0);
	pptp_msg_init(&m, 0);
	CHECK(pptp_msg_encode(&m, buf, sizeof(buf)) == 0);
	pptp_msg_init(&m, 16);
	CHECK(pptp_msg_encode(&m, buf, sizeof(buf)) == 0);
}

static size_t encoded(unsigned int t, uint8_t *buf)
{
	struct pptp_msg m;

	sample(&m, t);
	return pptp_msg_encode(&m, buf, PPTP_MSG_MAX);
}

static int decode(const uint8_t *buf, size_t n, struct pptp_msg_error *e)
{
	struct pptp_msg m;

	return pptp_msg_decode(buf, n, &m, e);
}

TEST(bad_headers)
{
	uint8_t buf[PPTP_MSG_MAX];
	struct pptp_msg_error e;
	size_t n;

	/* length below the header, above the largest message: at once */
	buf[0] = 0; buf[1] = 11;
	CHECK(decode(buf, 2, &e) == -PPTP_E_LENGTH);
	CHECK_STR(e.msg, "length 11 not in 12..220");
	buf[0] = 0xff; buf[1] = 0xff;
	CHECK(decode(buf, 2, &e) == -PPTP_E_LENGTH);

	n = encoded(PPTP_ECHORQ, buf);
	buf[3] = 2;				/* management message */
	CHECK(decode(buf, n, &e) == -PPTP_E_MSGTYPE);
	CHECK_HAS(e.msg, "message type 2");

	n = encoded(PPTP_ECHORQ, buf);
	buf[7] ^= 1;
	CHECK(decode(buf, n, &e) == -PPTP_E_COOKIE);
	CHECK_STR(e.msg, "magic cookie 0x1a2b3c4c, not 0x1a2b3c4d");
	/* found before the body arrives */
	CHECK(decode(buf, PPTP_HDR_LEN, &e) == -PPTP_E_COOKIE);

	n = encoded(PPTP_ECHORQ, buf);
	buf[9] = 16;
	CHECK(decode(buf, n, &e) == -PPTP_E_CTRLTYPE);
	buf[9] = 0;
	CHECK(decode(buf, n, &e) == -PPTP_E_CTRLTYPE);

	/* a valid length of another message: truncated or oversized */
	n = encoded(PPTP_SCCRQ, buf);
	buf[1] = 155;
	CHECK(decode(buf, n, &e) == -PPTP_E_LENGTH);
	CHECK_STR(e.msg, "SCCRQ: length 155, not 156");
	buf[1] = 168;
	CHECK(decode(buf, n, &e) == -PPTP_E_LENGTH);
	CHECK(e.code == PPTP_E_LENGTH);
}

/* Set byte @off of an encoded @t to @v (u8) and expect @err. */
static void field_case(unsigned int t, size_t off, unsigned int width,
		       uint32_t v, int err, const char *text)
{
	uint8_t buf[PPTP_MSG_MAX];
	struct pptp_msg_error e;
	size_t n = encoded(t, buf), i;

	for (i = 0; i < width; i++)
		buf[off + i] = (uint8_t)(v >> (8 * (width - 1 - i)));
	CHECK(decode(buf, n, &e) == err);
	if (text)
		CHECK_STR(e.msg, text);
}

TEST(field_ranges)
{
	field_case(PPTP_SCCRP, 14, 1, 0, -PPTP_E_FIELD,
		   "SCCRP: result code 0 not in 1..5");
	field_case(PPTP_SCCRP, 14, 1, 6, -PPTP_E_FIELD, NULL);
	field_case(PPTP_SCCRP, 15, 1, 7, -PPTP_E_FIELD,
		   "SCCRP: error code 7 not in 0..6");
	field_case(PPTP_STOPCCRQ, 12, 1, 4, -PPTP_E_FIELD,
		   "StopCCRQ: reason 4 not in 1..3");
	field_case(PPTP_STOPCCRP, 12, 1, 0, -PPTP_E_FIELD, NULL);
	field_case(PPTP_ECHORP, 16, 1, 3, -PPTP_E_FIELD, NULL);
	field_case(PPTP_OCRQ, 24, 4, 4, -PPTP_E_FIELD,
		   "OCRQ: bearer type 4 not in 1..3");
	field_case(PPTP_OCRQ, 28, 4, 0, -PPTP_E_FIELD,
		   "OCRQ: framing type 0 not in 1..3");
	field_case(PPTP_OCRQ, 36, 2, 65, -PPTP_E_FIELD,
		   "OCRQ: phone number length 65 not in 0..64");
	field_case(PPTP_OCRQ, 36, 2, 64, 168, NULL);
	field_case(PPTP_OCRP, 16, 1, 8, -PPTP_E_FIELD,
		   "OCRP: result code 8 not in 1..7");
	field_case(PPTP_ICRQ, 16, 4, 0, -PPTP_E_FIELD, NULL);
	field_case(PPTP_ICRQ, 24, 2, 100, -PPTP_E_FIELD,
		   "ICRQ: dialed number length 100 not in 0..64");
	field_case(PPTP_ICRQ, 26, 2, 65, -PPTP_E_FIELD, NULL);
	field_case(PPTP_ICRP, 16, 1, 4, -PPTP_E_FIELD, NULL);
	field_case(PPTP_ICCN, 24, 4, 4, -PPTP_E_FIELD,
		   "ICCN: framing type 4 not in 1..3");
	field_case(PPTP_CDN, 14, 1, 5, -PPTP_E_FIELD,
		   "CDN: result code 5 not in 1..4");
	/* reserved fields are the sender's business */
	field_case(PPTP_CCRQ, 14, 2, 0xffff, 16, NULL);
	field_case(PPTP_ECHORQ, 10, 2, 0xffff, 16, NULL);
}

TEST(stream_of_messages)
{
	uint8_t buf[3 * PPTP_MSG_MAX];
	struct pptp_msg_error e;
	struct pptp_msg m;
	size_t n = 0;
	int r;

	n += encoded(PPTP_SCCRQ, buf + n);
	n += encoded(PPTP_OCRQ, buf + n);
	n += encoded(PPTP_ECHORQ, buf + n);
	r = pptp_msg_decode(buf, n, &m, &e);
	CHECK(r == 156 && m.type == PPTP_SCCRQ);
	r = pptp_msg_decode(buf + 156, n - 156, &m, &e);
	CHECK(r == 168 && m.type == PPTP_OCRQ && m.ocrq.call_id == 0xffff);
	r = pptp_msg_decode(buf + 324, n - 324, &m, &e);
	CHECK(r == 16 && m.type == PPTP_ECHORQ && m.echorq.id == 0xdeadbeef);
}

static unsigned int drained[4], ndrained, drain_stop_after;

static bool drain_one(const struct pptp_msg *m, void *arg)
{
	(void)arg;
	drained[ndrained++] = m->type;
	return ndrained != drain_stop_after;
}

/* pptp_msg_drain: whole messages in order, a partial one kept, a stop
 * honoured, and a malformed one reported */
TEST(drain_receive_buffer)
{
	uint8_t buf[3 * PPTP_MSG_MAX];
	struct pptp_msg_error e;
	size_t n = 0;

	n += encoded(PPTP_SCCRQ, buf + n);
	n += encoded(PPTP_OCRQ, buf + n);
	n += encoded(PPTP_ECHORQ, buf + n);
	n -= 4;					/* the echo not whole yet */
	ndrained = 0;
	drain_stop_after = 0;
	CHECK(pptp_msg_drain(buf, &n, drain_one, NULL, &e) == 0);
	CHECK(ndrained == 2 && drained[0] == PPTP_SCCRQ &&
	      drained[1] == PPTP_OCRQ);
	CHECK(n == 12 && buf[8] == 0 && buf[9] == PPTP_ECHORQ);

	n = 0;
	n += encoded(PPTP_SCCRQ, buf + n);
	n += encoded(PPTP_OCRQ, buf + n);
	ndrained = 0;
	drain_stop_after = 1;			/* the caller closed */
	CHECK(pptp_msg_drain(buf, &n, drain_one, NULL, &e) == 0);
	CHECK(ndrained == 1 && n == 168 && buf[9] == PPTP_OCRQ);

	buf[4] ^= 0xff;				/* the magic cookie */
	ndrained = 0;
	drain_stop_after = 0;
	CHECK(pptp_msg_drain(buf, &n, drain_one, NULL, &e) < 0);
	CHECK(ndrained == 0 && e.msg[0]);
}
