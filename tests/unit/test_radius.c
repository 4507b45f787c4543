// SPDX-License-Identifier: GPL-2.0
/*
 * kpptpd/radius.c: RADIUS Disconnect-Messages (RFC 5176).  The packets
 * here were made by an independent implementation (Python's hashlib and
 * hmac, following RFC 5176 3.5 and RFC 3579 3.2) with the secret "s3cret":
 * the requests must verify and the answers must come out byte for byte.
 */
#include <arpa/inet.h>
#include <string.h>

#include "radius.h"
#include "unit.h"

static uint8_t pkt[RAD_MAX_LEN + 16];
static char why[128];

static size_t unhex(const char *h, uint8_t *out)
{
	size_t n = 0;

	for (; h[0] && h[1]; h += 2) {
		unsigned int b;

		sscanf(h, "%2x", &b);
		out[n++] = (uint8_t)b;
	}
	return n;
}

static const char *hex(const uint8_t *p, size_t n)
{
	static char s[2 * RAD_MAX_LEN + 1];
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(s + 2 * i, "%02x", p[i]);
	s[2 * n] = '\0';
	return s;
}

/* User-Name alice, Acct-Session-Id, Proxy-State "px1", Message-Authenticator */
#define REQ_MA "2807004491ce223a886f42bf0ba99e39bdc4cf110107616c6963652c1236393330413142323030314132333030210570783150128f38121aa0b8d89e7d40133bff58f5e4"
/* its Disconnect-NAK: Error-Cause 503, the Proxy-State, a Message-Authenticator */
#define NAK_MA "2a070031cd54a89aa23a42e8b6298a7490aea60d6506000001f72105707831501276357978f77bac01fa9e26ea5e84327d"
/* Framed-IP-Address 192.168.200.77, NAS-Port 5, no Message-Authenticator */
#define REQ "2809002052b53d0ba8d32447f5e73fd81dc1e03e0806c0a8c84d050600000005"
#define ACK "2909001403435b99b65b36c31cec903105953d6b"

TEST(request_with_message_authenticator_verifies_and_is_answered)
{
	struct rad_request r;
	uint8_t out[RAD_MAX_LEN];
	size_t n = unhex(REQ_MA, pkt), m;

	CHECK(rad_parse(pkt, n, &r, why, sizeof(why)) == 0);
	CHECK(r.code == RAD_DISCONNECT_REQUEST && r.id == 7 && r.len == n);
	CHECK(r.user.set);
	CHECK_STR(r.user.s, "alice");
	CHECK_STR(r.acct_session_id.s, "6930A1B2001A2300");
	CHECK(r.message_authenticator && r.nproxy_state == 1);
	CHECK(!r.unsupported && !r.invalid && !r.framed_ip.set);
	CHECK(rad_request_signed(pkt, &r, "s3cret"));
	CHECK(!rad_request_signed(pkt, &r, "s3cret2"));
	m = rad_answer(out, pkt, &r, RAD_DISCONNECT_NAK,
		       RAD_ERR_SESSION_NOT_FOUND, "s3cret");
	CHECK_STR(hex(out, m), NAK_MA);
	/* a changed Message-Authenticator (Request Authenticator made
	 * right again is beyond an attacker without the secret: this only
	 * shows the HMAC is checked on its own) */
	pkt[n - 1] ^= 1;
	CHECK(!rad_request_signed(pkt, &r, "s3cret"));
}

TEST(request_without_message_authenticator)
{
	struct rad_request r;
	uint8_t out[RAD_MAX_LEN];
	size_t n = unhex(REQ, pkt), m;

	CHECK(rad_parse(pkt, n, &r, why, sizeof(why)) == 0);
	CHECK(r.framed_ip.set && r.framed_ip.v == inet_addr("192.168.200.77"));
	CHECK(r.nas_port.set && r.nas_port.v == 5);
	CHECK(!r.message_authenticator && !r.user.set);
	CHECK(rad_request_signed(pkt, &r, "s3cret"));
	m = rad_answer(out, pkt, &r, RAD_DISCONNECT_ACK, 0, "s3cret");
	CHECK_STR(hex(out, m), ACK);
	/* any bit of the packet changed: the Request Authenticator fails */
	pkt[n - 1] ^= 1;
	CHECK(rad_parse(pkt, n, &r, why, sizeof(why)) == 0);
	CHECK(!rad_request_signed(pkt, &r, "s3cret"));
	/* bytes past Length are padding, and not signed */
	unhex(REQ, pkt);
	pkt[n] = 0xff;
	CHECK(rad_parse(pkt, n + 1, &r, why, sizeof(why)) == 0 && r.len == n);
	CHECK(rad_request_signed(pkt, &r, "s3cret"));
}

TEST(malformed_packets_are_refused_with_a_reason)
{
	struct rad_request r;
	size_t n = unhex(REQ, pkt);

	CHECK(rad_parse(pkt, 19, &r, why, sizeof(why)) == -1);
	CHECK_STR(why, "shorter than a RADIUS header");
	/* Length more than arrived, less than a header */
	CHECK(rad_parse(pkt, n - 1, &r, why, sizeof(why)) == -1);
	CHECK_STR(why, "Length field out of range");
	pkt[3] = 19;
	CHECK(rad_parse(pkt, n, &r, why, sizeof(why)) == -1);
	/* an attribute of length 1, one past the end, a header cut */
	unhex(REQ, pkt);
	pkt[21] = 1;
	CHECK(rad_parse(pkt, n, &r, why, sizeof(why)) == -1);
	CHECK_STR(why, "attribute length out of range");
	unhex(REQ, pkt);
	pkt[27] = 7;
	CHECK(rad_parse(pkt, n, &r, why, sizeof(why)) == -1);
	unhex(REQ, pkt);
	pkt[3] = 21;
	CHECK(rad_parse(pkt, n, &r, why, sizeof(why)) == -1);
	CHECK_STR(why, "attribute header past Length");
	/* a Message-Authenticator of the wrong size */
	n = unhex("280100180000000000000000000000000000000050040000", pkt);
	CHECK(rad_parse(pkt, n, &r, why, sizeof(why)) == -1);
	CHECK_HAS(why, "Message-Authenticator");
}

TEST(unknown_attributes_and_bad_values_are_noted_not_fatal)
{
	struct rad_request r;
	/* Service-Type (6), then Framed-IP-Address 3 bytes long, then
	 * User-Name with a NUL, then User-Name twice; Length set to fit */
	size_t n = unhex("2801001f00000000000000000000000000000000060600000001" "0805000102",
			 pkt);

	pkt[3] = (uint8_t)n;
	CHECK(rad_parse(pkt, n, &r, why, sizeof(why)) == 0);
	CHECK(r.unsupported == 6 && r.invalid == RAD_FRAMED_IP_ADDRESS);
	n = unhex("2801001900000000000000000000000000000000" "0105610062", pkt);
	pkt[3] = (uint8_t)n;
	CHECK(rad_parse(pkt, n, &r, why, sizeof(why)) == 0);
	CHECK(r.invalid == RAD_USER_NAME && !r.user.set);
	n = unhex("2801001e0000000000000000000000000000000001056161610105626262", pkt);
	pkt[3] = (uint8_t)n;
	CHECK(rad_parse(pkt, n, &r, why, sizeof(why)) == 0);
	CHECK(r.invalid == RAD_USER_NAME);
	CHECK_STR(r.user.s, "aaa");
}

TEST(radius_so_session_ids)
{
	uint32_t t, pid;

	/* rc_mksid(): %08lX time, %04X pid, %02hX counter */
	CHECK(rad_session_id_parse("6930A1B2001A2300", &t, &pid) == 0);
	CHECK(t == 0x6930A1B2 && pid == 0x1A23);
	CHECK(rad_session_id_parse("6930A1B212345601", &t, &pid) == 0);
	CHECK(pid == 0x123456);
	CHECK(rad_session_id_parse("6930A1B2000000", &t, &pid) == -1);
	CHECK(rad_session_id_parse("6930a1b2001A2300", &t, &pid) == -1);
	CHECK(rad_session_id_parse("6930A1B2001A23", &t, &pid) == 0 && pid == 0x1A);
	CHECK(rad_session_id_parse("6930A1B2001A2", &t, &pid) == -1);
	CHECK(rad_session_id_parse("6930A1B2123456789012", &t, &pid) == -1);
	/* pppd 2.4's slprintf(): "%lX", the time in lower case, "%hX" */
	CHECK(rad_session_id_parse("%lX6b11b511%hX", &t, &pid) == 0);
	CHECK(t == 0x6b11b511 && pid == 0);
	CHECK(rad_session_id_parse("%lX6B11B511%hX", &t, &pid) == -1);
	CHECK(rad_session_id_parse("%lX6b11b51%hX", &t, &pid) == -1);
	CHECK(rad_session_id_parse("%lX6b11b511%hY", &t, &pid) == -1);
}
