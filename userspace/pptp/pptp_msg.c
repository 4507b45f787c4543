// SPDX-License-Identifier: GPL-2.0
/*
 * RFC 2637 control messages: fixed-size big-endian records behind a 12-byte
 * header (length, message type 1, magic cookie, control message type,
 * reserved).  Decoding checks the header, then each field with a defined
 * range; reserved fields are ignored (RFC 2637: "MUST be 0" is on the
 * sender).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pptp_msg.h"

static const struct {
	const char *name, *abbrev;
	uint16_t size;
} types[PPTP_TYPE_MAX + 1] = {
	[PPTP_SCCRQ] = { "Start-Control-Connection-Request", "SCCRQ", 156 },
	[PPTP_SCCRP] = { "Start-Control-Connection-Reply", "SCCRP", 156 },
	[PPTP_STOPCCRQ] = { "Stop-Control-Connection-Request", "StopCCRQ", 16 },
	[PPTP_STOPCCRP] = { "Stop-Control-Connection-Reply", "StopCCRP", 16 },
	[PPTP_ECHORQ] = { "Echo-Request", "ECHORQ", 16 },
	[PPTP_ECHORP] = { "Echo-Reply", "ECHORP", 20 },
	[PPTP_OCRQ] = { "Outgoing-Call-Request", "OCRQ", 168 },
	[PPTP_OCRP] = { "Outgoing-Call-Reply", "OCRP", 32 },
	[PPTP_ICRQ] = { "Incoming-Call-Request", "ICRQ", 220 },
	[PPTP_ICRP] = { "Incoming-Call-Reply", "ICRP", 24 },
	[PPTP_ICCN] = { "Incoming-Call-Connected", "ICCN", 28 },
	[PPTP_CCRQ] = { "Call-Clear-Request", "CCRQ", 16 },
	[PPTP_CDN] = { "Call-Disconnect-Notify", "CDN", 148 },
	[PPTP_WEN] = { "WAN-Error-Notify", "WEN", 40 },
	[PPTP_SLI] = { "Set-Link-Info", "SLI", 24 },
};

size_t pptp_msg_size(unsigned int type)
{
	return type && type <= PPTP_TYPE_MAX ? types[type].size : 0;
}

const char *pptp_type_name(unsigned int type)
{
	return type && type <= PPTP_TYPE_MAX ? types[type].name : "unknown";
}

const char *pptp_type_abbrev(unsigned int type)
{
	return type && type <= PPTP_TYPE_MAX ? types[type].abbrev : "unknown";
}

const char *pptp_err_name(enum pptp_err code)
{
	switch (code) {
	case PPTP_E_OK: return "ok";
	case PPTP_E_LENGTH: return "bad length";
	case PPTP_E_MSGTYPE: return "bad message type";
	case PPTP_E_COOKIE: return "bad magic cookie";
	case PPTP_E_CTRLTYPE: return "bad control message type";
	case PPTP_E_FIELD: return "field out of range";
	case PPTP_E_ENCODE: return "cannot encode";
	}
	return "unknown error";
}

void pptp_msg_init(struct pptp_msg *m, unsigned int type)
{
	memset(m, 0, sizeof(*m));
	m->type = (uint16_t)type;
}

/* ------------------------------------------------------------ decoding */

struct rd {
	const uint8_t *p;
};

static uint8_t g8(struct rd *r)
{
	return *r->p++;
}

static uint16_t g16(struct rd *r)
{
	uint16_t v = (uint16_t)(r->p[0] << 8 | r->p[1]);

	r->p += 2;
	return v;
}

static uint32_t g32(struct rd *r)
{
	uint32_t v = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 |
		     (uint32_t)r->p[2] << 8 | r->p[3];

	r->p += 4;
	return v;
}

static void skip(struct rd *r, size_t n)
{
	r->p += n;
}

/* A NUL-padded field of @n bytes into @dst (n + 1 bytes), terminated. */
static void gstr(struct rd *r, char *dst, size_t n)
{
	size_t len = strnlen((const char *)r->p, n);

	memcpy(dst, r->p, len);
	dst[len] = '\0';
	r->p += n;
}

__attribute__((format(printf, 3, 4)))
static int refuse(struct pptp_msg_error *e, enum pptp_err code,
		  const char *fmt, ...)
{
	va_list ap;

	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -(int)code;
}

/* @v must be in [lo, hi]: the field is named in the error. */
static int out_of_range(struct pptp_msg_error *e, unsigned int type,
			const char *field, uint32_t v, uint32_t lo, uint32_t hi)
{
	if (v >= lo && v <= hi)
		return 0;
	return refuse(e, PPTP_E_FIELD, "%s: %s %u not in %u..%u",
		      pptp_type_abbrev(type), field, v, lo, hi);
}

#define RANGE(type, field, v, lo, hi)					\
	do {								\
		int err_ = out_of_range(e, type, field, v, lo, hi);	\
		if (err_)						\
			return err_;					\
	} while (0)

#define ERRCODE(type, v) RANGE(type, "error code", v, 0, PPTP_ERR_PAC_ERROR)

static int decode_body(struct rd *r, struct pptp_msg *m,
		       struct pptp_msg_error *e)
{
	unsigned int t = m->type;

	switch (t) {
	case PPTP_SCCRQ:
	case PPTP_SCCRP: {
		struct pptp_sccrq *s = &m->sccrq;

		s->version = g16(r);
		if (t == PPTP_SCCRP) {
			s->result = g8(r);
			s->error = g8(r);
			RANGE(t, "result code", s->result, PPTP_SCCRP_OK,
			      PPTP_SCCRP_BAD_VERSION);
			ERRCODE(t, s->error);
		} else {
			skip(r, 2);
		}
		s->framing = g32(r);
		s->bearer = g32(r);
		s->max_channels = g16(r);
		s->firmware = g16(r);
		gstr(r, s->host, PPTP_STR_LEN);
		gstr(r, s->vendor, PPTP_STR_LEN);
		break;
	}
	case PPTP_STOPCCRQ:
		m->stopccrq.reason = g8(r);
		RANGE(t, "reason", m->stopccrq.reason, PPTP_STOP_NONE,
		      PPTP_STOP_LOCAL_SHUTDOWN);
		break;
	case PPTP_STOPCCRP:
		m->stopccrp.reason = g8(r);
		m->stopccrp.error = g8(r);
		RANGE(t, "result code", m->stopccrp.reason, PPTP_STOPCCRP_OK,
		      PPTP_STOPCCRP_GENERAL);
		ERRCODE(t, m->stopccrp.error);
		break;
	case PPTP_ECHORQ:
		m->echorq.id = g32(r);
		break;
	case PPTP_ECHORP:
		m->echorp.id = g32(r);
		m->echorp.result = g8(r);
		m->echorp.error = g8(r);
		RANGE(t, "result code", m->echorp.result, PPTP_ECHORP_OK,
		      PPTP_ECHORP_GENERAL);
		ERRCODE(t, m->echorp.error);
		break;
	case PPTP_OCRQ: {
		struct pptp_ocrq *o = &m->ocrq;
		uint16_t phone_len;

		o->call_id = g16(r);
		o->serial = g16(r);
		o->min_bps = g32(r);
		o->max_bps = g32(r);
		o->bearer = g32(r);
		o->framing = g32(r);
		o->window = g16(r);
		o->ppd = g16(r);
		phone_len = g16(r);
		skip(r, 2);
		gstr(r, o->phone, PPTP_STR_LEN);
		gstr(r, o->subaddr, PPTP_STR_LEN);
		RANGE(t, "bearer type", o->bearer, 1, 3);
		RANGE(t, "framing type", o->framing, 1, 3);
		RANGE(t, "phone number length", phone_len, 0, PPTP_STR_LEN);
		break;
	}
	case PPTP_OCRP: {
		struct pptp_ocrp *o = &m->ocrp;

		o->call_id = g16(r);
		o->peer_call_id = g16(r);
		o->result = g8(r);
		o->error = g8(r);
		o->cause = g16(r);
		o->speed = g32(r);
		o->window = g16(r);
		o->ppd = g16(r);
		o->channel = g32(r);
		RANGE(t, "result code", o->result, PPTP_OCRP_CONNECTED,
		      PPTP_OCRP_REFUSED);
		ERRCODE(t, o->error);
		break;
	}
	case PPTP_ICRQ: {
		struct pptp_icrq *i = &m->icrq;
		uint16_t dialed_len, dialing_len;

		i->call_id = g16(r);
		i->serial = g16(r);
		i->bearer = g32(r);
		i->channel = g32(r);
		dialed_len = g16(r);
		dialing_len = g16(r);
		gstr(r, i->dialed, PPTP_STR_LEN);
		gstr(r, i->dialing, PPTP_STR_LEN);
		gstr(r, i->subaddr, PPTP_STR_LEN);
		RANGE(t, "bearer type", i->bearer, 1, 3);
		RANGE(t, "dialed number length", dialed_len, 0, PPTP_STR_LEN);
		RANGE(t, "dialing number length", dialing_len, 0, PPTP_STR_LEN);
		break;
	}
	case PPTP_ICRP: {
		struct pptp_icrp *i = &m->icrp;

		i->call_id = g16(r);
		i->peer_call_id = g16(r);
		i->result = g8(r);
		i->error = g8(r);
		i->window = g16(r);
		i->delay = g16(r);
		RANGE(t, "result code", i->result, PPTP_ICRP_CONNECT,
		      PPTP_ICRP_REFUSED);
		ERRCODE(t, i->error);
		break;
	}
	case PPTP_ICCN: {
		struct pptp_iccn *i = &m->iccn;

		i->peer_call_id = g16(r);
		skip(r, 2);
		i->speed = g32(r);
		i->window = g16(r);
		i->delay = g16(r);
		i->framing = g32(r);
		RANGE(t, "framing type", i->framing, 1, 3);
		break;
	}
	case PPTP_CCRQ:
		m->ccrq.call_id = g16(r);
		break;
	case PPTP_CDN: {
		struct pptp_cdn *c = &m->cdn;

		c->call_id = g16(r);
		c->result = g8(r);
		c->error = g8(r);
		c->cause = g16(r);
		skip(r, 2);
		gstr(r, c->stats, PPTP_STATS_LEN);
		RANGE(t, "result code", c->result, PPTP_CDN_LOST_CARRIER,
		      PPTP_CDN_REQUEST);
		ERRCODE(t, c->error);
		break;
	}
	case PPTP_WEN: {
		struct pptp_wen *w = &m->wen;

		w->peer_call_id = g16(r);
		skip(r, 2);
		w->crc = g32(r);
		w->framing = g32(r);
		w->hw_overruns = g32(r);
		w->buf_overruns = g32(r);
		w->timeouts = g32(r);
		w->alignment = g32(r);
		break;
	}
	case PPTP_SLI:
		m->sli.peer_call_id = g16(r);
		skip(r, 2);
		m->sli.send_accm = g32(r);
		m->sli.recv_accm = g32(r);
		break;
	}
	return 0;
}

int pptp_msg_decode(const uint8_t *buf, size_t len, struct pptp_msg *m,
		    struct pptp_msg_error *e)
{
	struct rd r = { buf };
	uint16_t length, msgtype, type;
	uint32_t cookie;
	int err;

	e->code = PPTP_E_OK;
	e->msg[0] = '\0';
	if (len < 2)
		return 0;
	/* Refuse a bad length at once, so a peer cannot make us wait for it */
	length = g16(&r);
	if (length < PPTP_HDR_LEN || length > PPTP_MSG_MAX)
		return refuse(e, PPTP_E_LENGTH,
			      "length %u not in %u..%u", length, PPTP_HDR_LEN,
			      PPTP_MSG_MAX);
	if (len < PPTP_HDR_LEN)
		return 0;
	msgtype = g16(&r);
	cookie = g32(&r);
	type = g16(&r);
	skip(&r, 2);
	if (msgtype != PPTP_MSG_CONTROL)
		return refuse(e, PPTP_E_MSGTYPE,
			      "PPTP message type %u, not 1 (control)", msgtype);
	if (cookie != PPTP_MAGIC)
		return refuse(e, PPTP_E_COOKIE,
			      "magic cookie 0x%08x, not 0x%08x", cookie,
			      PPTP_MAGIC);
	if (!pptp_msg_size(type))
		return refuse(e, PPTP_E_CTRLTYPE,
			      "control message type %u not in 1..%u", type,
			      PPTP_TYPE_MAX);
	if (length != pptp_msg_size(type))
		return refuse(e, PPTP_E_LENGTH, "%s: length %u, not %zu",
			      pptp_type_abbrev(type), length,
			      pptp_msg_size(type));
	if (len < length)
		return 0;
	pptp_msg_init(m, type);
	err = decode_body(&r, m, e);
	return err ? err : length;
}

int pptp_msg_drain(uint8_t *buf, size_t *len,
		   bool (*fn)(const struct pptp_msg *m, void *arg), void *arg,
		   struct pptp_msg_error *e)
{
	struct pptp_msg m;
	size_t off = 0;
	int r;

	for (;;) {
		r = pptp_msg_decode(buf + off, *len - off, &m, e);
		if (r <= 0)
			break;
		off += (size_t)r;
		if (!fn(&m, arg)) {
			r = 0;
			break;
		}
	}
	memmove(buf, buf + off, *len - off);
	*len -= off;
	return r < 0 ? r : 0;
}

/* ------------------------------------------------------------ encoding */

struct wr {
	uint8_t *p;
};

static void p8(struct wr *w, uint8_t v)
{
	*w->p++ = v;
}

static void p16(struct wr *w, uint16_t v)
{
	p8(w, (uint8_t)(v >> 8));
	p8(w, (uint8_t)v);
}

static void p32(struct wr *w, uint32_t v)
{
	p16(w, (uint16_t)(v >> 16));
	p16(w, (uint16_t)v);
}

/* @s, truncated to @n bytes, NUL padded */
static void pstr(struct wr *w, const char *s, size_t n)
{
	size_t len = strnlen(s, n);

	memcpy(w->p, s, len);
	memset(w->p + len, 0, n - len);
	w->p += n;
}

size_t pptp_msg_encode(const struct pptp_msg *m, uint8_t *buf, size_t size)
{
	size_t len = pptp_msg_size(m->type);
	struct wr w = { buf };

	if (!len || size < len)
		return 0;
	p16(&w, (uint16_t)len);
	p16(&w, PPTP_MSG_CONTROL);
	p32(&w, PPTP_MAGIC);
	p16(&w, m->type);
	p16(&w, 0);
	switch (m->type) {
	case PPTP_SCCRQ:
	case PPTP_SCCRP:
		p16(&w, m->sccrq.version);
		if (m->type == PPTP_SCCRP) {
			p8(&w, m->sccrp.result);
			p8(&w, m->sccrp.error);
		} else {
			p16(&w, 0);
		}
		p32(&w, m->sccrq.framing);
		p32(&w, m->sccrq.bearer);
		p16(&w, m->sccrq.max_channels);
		p16(&w, m->sccrq.firmware);
		pstr(&w, m->sccrq.host, PPTP_STR_LEN);
		pstr(&w, m->sccrq.vendor, PPTP_STR_LEN);
		break;
	case PPTP_STOPCCRQ:
	case PPTP_STOPCCRP:
		p8(&w, m->stopccrq.reason);
		p8(&w, m->type == PPTP_STOPCCRP ? m->stopccrp.error : 0);
		p16(&w, 0);
		break;
	case PPTP_ECHORQ:
		p32(&w, m->echorq.id);
		break;
	case PPTP_ECHORP:
		p32(&w, m->echorp.id);
		p8(&w, m->echorp.result);
		p8(&w, m->echorp.error);
		p16(&w, 0);
		break;
	case PPTP_OCRQ:
		p16(&w, m->ocrq.call_id);
		p16(&w, m->ocrq.serial);
		p32(&w, m->ocrq.min_bps);
		p32(&w, m->ocrq.max_bps);
		p32(&w, m->ocrq.bearer);
		p32(&w, m->ocrq.framing);
		p16(&w, m->ocrq.window);
		p16(&w, m->ocrq.ppd);
		p16(&w, (uint16_t)strnlen(m->ocrq.phone, PPTP_STR_LEN));
		p16(&w, 0);
		pstr(&w, m->ocrq.phone, PPTP_STR_LEN);
		pstr(&w, m->ocrq.subaddr, PPTP_STR_LEN);
		break;
	case PPTP_OCRP:
		p16(&w, m->ocrp.call_id);
		p16(&w, m->ocrp.peer_call_id);
		p8(&w, m->ocrp.result);
		p8(&w, m->ocrp.error);
		p16(&w, m->ocrp.cause);
		p32(&w, m->ocrp.speed);
		p16(&w, m->ocrp.window);
		p16(&w, m->ocrp.ppd);
		p32(&w, m->ocrp.channel);
		break;
	case PPTP_ICRQ:
		p16(&w, m->icrq.call_id);
		p16(&w, m->icrq.serial);
		p32(&w, m->icrq.bearer);
		p32(&w, m->icrq.channel);
		p16(&w, (uint16_t)strnlen(m->icrq.dialed, PPTP_STR_LEN));
		p16(&w, (uint16_t)strnlen(m->icrq.dialing, PPTP_STR_LEN));
		pstr(&w, m->icrq.dialed, PPTP_STR_LEN);
		pstr(&w, m->icrq.dialing, PPTP_STR_LEN);
		pstr(&w, m->icrq.subaddr, PPTP_STR_LEN);
		break;
	case PPTP_ICRP:
		p16(&w, m->icrp.call_id);
		p16(&w, m->icrp.peer_call_id);
		p8(&w, m->icrp.result);
		p8(&w, m->icrp.error);
		p16(&w, m->icrp.window);
		p16(&w, m->icrp.delay);
		p16(&w, 0);
		break;
	case PPTP_ICCN:
		p16(&w, m->iccn.peer_call_id);
		p16(&w, 0);
		p32(&w, m->iccn.speed);
		p16(&w, m->iccn.window);
		p16(&w, m->iccn.delay);
		p32(&w, m->iccn.framing);
		break;
	case PPTP_CCRQ:
		p16(&w, m->ccrq.call_id);
		p16(&w, 0);
		break;
	case PPTP_CDN:
		p16(&w, m->cdn.call_id);
		p8(&w, m->cdn.result);
		p8(&w, m->cdn.error);
		p16(&w, m->cdn.cause);
		p16(&w, 0);
		pstr(&w, m->cdn.stats, PPTP_STATS_LEN);
		break;
	case PPTP_WEN:
		p16(&w, m->wen.peer_call_id);
		p16(&w, 0);
		p32(&w, m->wen.crc);
		p32(&w, m->wen.framing);
		p32(&w, m->wen.hw_overruns);
		p32(&w, m->wen.buf_overruns);
		p32(&w, m->wen.timeouts);
		p32(&w, m->wen.alignment);
		break;
	case PPTP_SLI:
		p16(&w, m->sli.peer_call_id);
		p16(&w, 0);
		p32(&w, m->sli.send_accm);
		p32(&w, m->sli.recv_accm);
		break;
	}
	if ((size_t)(w.p - buf) != len)	/* a table/encoder mismatch */
		return 0;
	return len;
}
