// SPDX-License-Identifier: GPL-2.0
/* RADIUS Disconnect-Messages (RFC 5176): see radius.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "radius.h"

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static int fail(char *why, size_t whylen, const char *what)
{
	snprintf(why, whylen, "%s", what);
	return -1;
}

static void take_text(struct rad_request *r, struct rad_text *t,
		      uint8_t type, const uint8_t *v, size_t len)
{
	if (memchr(v, '\0', len) || t->set) {	/* one of each */
		if (!r->invalid)
			r->invalid = type;
		return;
	}
	memcpy(t->s, v, len);
	t->s[len] = '\0';
	t->set = true;
}

static void take_num(struct rad_request *r, struct rad_num *x, uint8_t type,
		     const uint8_t *v, size_t len, bool address)
{
	if (len != 4 || x->set) {
		if (!r->invalid)
			r->invalid = type;
		return;
	}
	x->set = true;
	x->v = address ? (uint32_t)v[0] | (uint32_t)v[1] << 8 |
			 (uint32_t)v[2] << 16 | (uint32_t)v[3] << 24 :
			 get32(v);
}

int rad_parse(const uint8_t *pkt, size_t n, struct rad_request *r,
	      char *why, size_t whylen)
{
	size_t off;

	memset(r, 0, sizeof(*r));
	if (n < RAD_HDR_LEN)
		return fail(why, whylen, "shorter than a RADIUS header");
	r->code = pkt[0];
	r->id = pkt[1];
	r->len = get16(pkt + 2);
	memcpy(r->auth, pkt + 4, RAD_AUTH_LEN);
	/* octets past Length are padding; fewer than Length, a bad packet */
	if (r->len < RAD_HDR_LEN || r->len > RAD_MAX_LEN || r->len > n)
		return fail(why, whylen, "Length field out of range");
	for (off = RAD_HDR_LEN; off < r->len; ) {
		uint8_t type, alen;
		const uint8_t *v;

		if (r->len - off < 2)
			return fail(why, whylen, "attribute header past Length");
		type = pkt[off];
		alen = pkt[off + 1];
		if (alen < 2 || alen > r->len - off)
			return fail(why, whylen, "attribute length out of range");
		v = pkt + off + 2;
		switch (type) {
		case RAD_USER_NAME:
			take_text(r, &r->user, type, v, alen - 2u);
			break;
		case RAD_ACCT_SESSION_ID:
			take_text(r, &r->acct_session_id, type, v, alen - 2u);
			break;
		case RAD_CALLING_STATION_ID:
			take_text(r, &r->calling_station_id, type, v, alen - 2u);
			break;
		case RAD_NAS_IDENTIFIER:
			take_text(r, &r->nas_identifier, type, v, alen - 2u);
			break;
		case RAD_NAS_IP_ADDRESS:
			take_num(r, &r->nas_ip, type, v, alen - 2u, true);
			break;
		case RAD_FRAMED_IP_ADDRESS:
			take_num(r, &r->framed_ip, type, v, alen - 2u, true);
			break;
		case RAD_NAS_PORT:
			take_num(r, &r->nas_port, type, v, alen - 2u, false);
			break;
		case RAD_EVENT_TIMESTAMP:
			take_num(r, &r->event_timestamp, type, v, alen - 2u,
				 false);
			break;
		case RAD_MESSAGE_AUTHENTICATOR:
			if (alen != 2 + RAD_AUTH_LEN || r->message_authenticator)
				return fail(why, whylen,
					    "Message-Authenticator not 16 bytes, or twice");
			r->message_authenticator = (uint16_t)(off + 2);
			break;
		case RAD_PROXY_STATE:
			if (r->nproxy_state == RAD_MAX_PROXY_STATE) {
				if (!r->unsupported)
					r->unsupported = type;
				break;
			}
			r->proxy_state[r->nproxy_state++] = (uint16_t)off;
			break;
		default:
			if (!r->unsupported)
				r->unsupported = type;
		}
		off += alen;
	}
	return 0;
}

/* MD5(@buf[0..len) || @secret) into @md */
static bool md5_with_secret(const uint8_t *buf, size_t len, const char *secret,
			    uint8_t md[RAD_AUTH_LEN])
{
	size_t slen = strlen(secret);
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_md5(), NULL) &&
		  EVP_DigestUpdate(ctx, buf, len) &&
		  EVP_DigestUpdate(ctx, secret, slen) &&
		  EVP_DigestFinal_ex(ctx, md, &mdlen) && mdlen == RAD_AUTH_LEN;

	EVP_MD_CTX_free(ctx);
	return ok;
}

static bool hmac_md5(const uint8_t *buf, size_t len, const char *secret,
		     uint8_t md[RAD_AUTH_LEN])
{
	unsigned int mdlen = 0;

	return HMAC(EVP_md5(), secret, (int)strlen(secret), buf, len, md,
		    &mdlen) && mdlen == RAD_AUTH_LEN;
}

bool rad_request_signed(const uint8_t *pkt, const struct rad_request *r,
			const char *secret)
{
	uint8_t buf[RAD_MAX_LEN], md[RAD_AUTH_LEN];
	uint16_t ma = r->message_authenticator;

	/* Request Authenticator: MD5 of the packet with 16 zero octets in
	 * its place, then the secret (RFC 5176 3.5) */
	memcpy(buf, pkt, r->len);
	memset(buf + 4, 0, RAD_AUTH_LEN);
	if (!md5_with_secret(buf, r->len, secret, md) ||
	    CRYPTO_memcmp(md, r->auth, RAD_AUTH_LEN))
		return false;
	if (!ma)
		return true;
	/* Message-Authenticator: HMAC-MD5 over the same zeroed header,
	 * its own value zeroed too */
	memset(buf + ma, 0, RAD_AUTH_LEN);
	return hmac_md5(buf, r->len, secret, md) &&
	       !CRYPTO_memcmp(md, pkt + ma, RAD_AUTH_LEN);
}

size_t rad_answer(uint8_t *out, const uint8_t *pkt,
		  const struct rad_request *r, uint8_t code,
		  unsigned int error_cause, const char *secret)
{
	uint8_t md[RAD_AUTH_LEN];
	size_t len = RAD_HDR_LEN, ma = 0;
	unsigned int i;

	out[0] = code;
	out[1] = r->id;
	memcpy(out + 4, r->auth, RAD_AUTH_LEN);
	if (error_cause) {
		out[len++] = RAD_ERROR_CAUSE;
		out[len++] = 6;
		out[len++] = 0;
		out[len++] = 0;
		out[len++] = (uint8_t)(error_cause >> 8);
		out[len++] = (uint8_t)error_cause;
	}
	/* the request fit in RAD_MAX_LEN with these: so does the answer */
	for (i = 0; i < r->nproxy_state; i++) {
		const uint8_t *a = pkt + r->proxy_state[i];

		memcpy(out + len, a, a[1]);
		len += a[1];
	}
	if (r->message_authenticator) {
		ma = len;
		out[len++] = RAD_MESSAGE_AUTHENTICATOR;
		out[len++] = 2 + RAD_AUTH_LEN;
		memset(out + len, 0, RAD_AUTH_LEN);
		len += RAD_AUTH_LEN;
	}
	out[2] = (uint8_t)(len >> 8);
	out[3] = (uint8_t)len;
	/* a response's Message-Authenticator covers the request's
	 * authenticator (RFC 3579 3.2); the Response Authenticator then
	 * covers it (RFC 2865 3) */
	if (ma && hmac_md5(out, len, secret, md))
		memcpy(out + ma + 2, md, RAD_AUTH_LEN);
	if (md5_with_secret(out, len, secret, md))
		memcpy(out + 4, md, RAD_AUTH_LEN);
	return len;
}

int rad_session_id_parse(const char *sid, uint32_t *time, uint32_t *pid)
{
	size_t n = strlen(sid), i;
	char t[9], p[9];

	/* pppd 2.4's: no pid, the time in lower case */
	if (n == 14 && !strncmp(sid, "%lX", 3) && !strcmp(sid + 11, "%hX")) {
		for (i = 3; i < 11; i++)
			if (!strchr("0123456789abcdef", sid[i]))
				return -1;
		memcpy(t, sid + 3, 8);
		t[8] = '\0';
		*time = (uint32_t)strtoul(t, NULL, 16);
		*pid = 0;
		return 0;
	}
	/* 8 digits of time, 4 to 8 of pid, 2 of counter */
	if (n < 14 || n > 18)
		return -1;
	for (i = 0; i < n; i++)
		if (!strchr("0123456789ABCDEF", sid[i]))
			return -1;
	memcpy(t, sid, 8);
	t[8] = '\0';
	memcpy(p, sid + 8, n - 10);
	p[n - 10] = '\0';
	*time = (uint32_t)strtoul(t, NULL, 16);
	*pid = (uint32_t)strtoul(p, NULL, 16);
	return *pid ? 0 : -1;
}
