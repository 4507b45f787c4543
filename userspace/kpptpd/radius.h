/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RADIUS Disconnect-Messages (RFC 5176) as a NAS receives them: parse a
 * request, check its Request Authenticator (RFC 5176 3.5, computed as for
 * Accounting-Request, RFC 2866 3) and Message-Authenticator (RFC 3579 3.2),
 * and build the answer.  No I/O and no sessions: kpptpd's dm.c has those.
 * MD5 and HMAC-MD5 are OpenSSL's (libcrypto).
 */
#ifndef KPPTP_RADIUS_H
#define KPPTP_RADIUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RAD_DISCONNECT_REQUEST	40
#define RAD_DISCONNECT_ACK	41
#define RAD_DISCONNECT_NAK	42
#define RAD_COA_REQUEST		43
#define RAD_COA_ACK		44
#define RAD_COA_NAK		45

#define RAD_HDR_LEN	20
#define RAD_MAX_LEN	4096	/* RFC 2865 3 */
#define RAD_AUTH_LEN	16
#define RAD_MAX_PROXY_STATE 8

/* the attributes a Disconnect-Request may carry that we know */
enum {
	RAD_USER_NAME = 1,
	RAD_NAS_IP_ADDRESS = 4,
	RAD_NAS_PORT = 5,
	RAD_FRAMED_IP_ADDRESS = 8,
	RAD_CALLING_STATION_ID = 31,
	RAD_NAS_IDENTIFIER = 32,
	RAD_PROXY_STATE = 33,
	RAD_ACCT_SESSION_ID = 44,
	RAD_EVENT_TIMESTAMP = 55,
	RAD_MESSAGE_AUTHENTICATOR = 80,
	RAD_ERROR_CAUSE = 101,
};

/* Error-Cause values (RFC 5176 3.6) we answer with */
enum {
	RAD_ERR_UNSUPPORTED_ATTRIBUTE = 401,
	RAD_ERR_MISSING_ATTRIBUTE = 402,
	RAD_ERR_NAS_ID_MISMATCH = 403,
	RAD_ERR_UNSUPPORTED_EXTENSION = 406,
	RAD_ERR_INVALID_ATTRIBUTE_VALUE = 407,
	RAD_ERR_SESSION_NOT_FOUND = 503,
	RAD_ERR_MULTIPLE_SESSIONS = 508,
};

/* a text attribute: its bytes, NUL-terminated (one with a NUL inside is
 * an invalid value) */
struct rad_text {
	bool set;
	char s[254];
};

struct rad_num {
	bool set;
	uint32_t v;		/* host order; an address in network order */
};

struct rad_request {
	uint8_t code, id;
	uint16_t len;		/* the Length field: what is signed */
	uint8_t auth[RAD_AUTH_LEN];
	struct rad_text user, acct_session_id, calling_station_id,
			nas_identifier;
	struct rad_num nas_ip, nas_port, framed_ip, event_timestamp;
	/* where the Message-Authenticator's value is in the packet, 0:
	 * there is none */
	uint16_t message_authenticator;
	/* Proxy-State attributes, echoed in the answer in their order
	 * (RFC 5176 3): offset of each (its type octet) in the packet */
	uint16_t proxy_state[RAD_MAX_PROXY_STATE];
	unsigned int nproxy_state;
	uint8_t unsupported;	/* first attribute we do not know, or 0 */
	uint8_t invalid;	/* first attribute with a bad value, or 0 */
};

/*
 * @pkt (@n bytes, as received) into @r.  0, or -1 and @why: malformed,
 * to be dropped silently (RFC 2865 3: bad Length, an attribute running
 * past it, a Message-Authenticator not 16 bytes long).  An attribute we
 * do not know or with a bad value is no error here: see @r->unsupported
 * and @r->invalid.
 */
int rad_parse(const uint8_t *pkt, size_t n, struct rad_request *r,
	      char *why, size_t whylen);

/* @pkt's Request Authenticator and, if it has one, Message-Authenticator
 * are right for @secret (constant-time comparisons). */
bool rad_request_signed(const uint8_t *pkt, const struct rad_request *r,
			const char *secret);

/*
 * The answer to request @r (@pkt) in @out (at least RAD_MAX_LEN bytes):
 * @code with Error-Cause @error_cause (0: none), the request's
 * Proxy-States, a Message-Authenticator if the request had one, and the
 * Response Authenticator.  Its length.
 */
size_t rad_answer(uint8_t *out, const uint8_t *pkt,
		  const struct rad_request *r, uint8_t code,
		  unsigned int error_cause, const char *secret);

/*
 * radius.so's Acct-Session-Id (rc_mksid(): "%08lX%04X%02hX", the time,
 * pppd's pid, a counter) into the two that identify a session.  pppd 2.4
 * (Debian 12) formats it with its own slprintf(), which knows neither l
 * nor h: "%lX", the time in 8 lower-case digits, "%hX"; @pid is 0 then.
 * 0, or -1 for anything else.
 */
int rad_session_id_parse(const char *sid, uint32_t *time, uint32_t *pid);

#endif /* KPPTP_RADIUS_H */
