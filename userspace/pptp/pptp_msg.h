/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PPTP control messages (RFC 2637 section 2): one struct per message, a
 * strict decoder and an encoder.  No I/O and no state: the control
 * connection and call state machines (pptp_ctrl.h) use these, the daemon
 * feeds them bytes from TCP 1723.
 *
 *	struct pptp_msg m;
 *	struct pptp_msg_error e;
 *	int n = pptp_msg_decode(buf, len, &m, &e);
 *	n > 0: one message of n bytes decoded into m
 *	n == 0: not a whole message yet, read more
 *	n < 0: -PPTP_E_*, e.msg says what was wrong (the stream is unusable)
 *
 * Every message has a fixed length (RFC 2637), and the decoder insists on
 * it: a header whose length field is not the message's size is refused
 * before the body is read, so a peer cannot make us buffer more than
 * PPTP_MSG_MAX bytes.  Strings (host name, vendor, phone numbers) are
 * 64-byte fields on the wire, NUL padded; decoded they are always
 * NUL terminated.
 */
#ifndef KPPTP_PPTP_MSG_H
#define KPPTP_PPTP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PPTP_PORT		1723
#define PPTP_MAGIC		0x1A2B3C4DU
#define PPTP_MSG_CONTROL	1	/* PPTP message type: control */
#define PPTP_VERSION		0x0100
#define PPTP_HDR_LEN		12
#define PPTP_MSG_MAX		220	/* Incoming-Call-Request, the largest */
#define PPTP_STR_LEN		64
#define PPTP_STATS_LEN		128

/* Control message types */
enum pptp_type {
	PPTP_SCCRQ = 1,		/* Start-Control-Connection-Request */
	PPTP_SCCRP,		/* Start-Control-Connection-Reply */
	PPTP_STOPCCRQ,		/* Stop-Control-Connection-Request */
	PPTP_STOPCCRP,		/* Stop-Control-Connection-Reply */
	PPTP_ECHORQ,		/* Echo-Request */
	PPTP_ECHORP,		/* Echo-Reply */
	PPTP_OCRQ,		/* Outgoing-Call-Request */
	PPTP_OCRP,		/* Outgoing-Call-Reply */
	PPTP_ICRQ,		/* Incoming-Call-Request */
	PPTP_ICRP,		/* Incoming-Call-Reply */
	PPTP_ICCN,		/* Incoming-Call-Connected */
	PPTP_CCRQ,		/* Call-Clear-Request */
	PPTP_CDN,		/* Call-Disconnect-Notify */
	PPTP_WEN,		/* WAN-Error-Notify */
	PPTP_SLI,		/* Set-Link-Info */
	PPTP_TYPE_MAX = PPTP_SLI
};

/* Framing and bearer capability / type bits */
#define PPTP_FRAMING_ASYNC	1
#define PPTP_FRAMING_SYNC	2
#define PPTP_BEARER_ANALOG	1
#define PPTP_BEARER_DIGITAL	2

/* Result codes, per message (RFC 2637 2.x) */
enum { PPTP_SCCRP_OK = 1, PPTP_SCCRP_GENERAL, PPTP_SCCRP_EXISTS,
       PPTP_SCCRP_NOT_AUTHORIZED, PPTP_SCCRP_BAD_VERSION };
enum { PPTP_STOP_NONE = 1, PPTP_STOP_BAD_VERSION, PPTP_STOP_LOCAL_SHUTDOWN };
enum { PPTP_STOPCCRP_OK = 1, PPTP_STOPCCRP_GENERAL };
enum { PPTP_ECHORP_OK = 1, PPTP_ECHORP_GENERAL };
enum { PPTP_OCRP_CONNECTED = 1, PPTP_OCRP_GENERAL, PPTP_OCRP_NO_CARRIER,
       PPTP_OCRP_BUSY, PPTP_OCRP_NO_DIALTONE, PPTP_OCRP_TIMEOUT,
       PPTP_OCRP_REFUSED };
enum { PPTP_ICRP_CONNECT = 1, PPTP_ICRP_GENERAL, PPTP_ICRP_REFUSED };
enum { PPTP_CDN_LOST_CARRIER = 1, PPTP_CDN_GENERAL, PPTP_CDN_ADMIN,
       PPTP_CDN_REQUEST };
/* General error codes (RFC 2637 2.16 "Error Code") */
enum { PPTP_ERR_NONE = 0, PPTP_ERR_NOT_CONNECTED, PPTP_ERR_BAD_FORMAT,
       PPTP_ERR_BAD_VALUE, PPTP_ERR_NO_RESOURCE, PPTP_ERR_BAD_CALL_ID,
       PPTP_ERR_PAC_ERROR };

struct pptp_sccrq {			/* also the Reply */
	uint16_t version;
	uint8_t result, error;		/* Reply only */
	uint32_t framing, bearer;
	uint16_t max_channels, firmware;
	char host[PPTP_STR_LEN + 1];
	char vendor[PPTP_STR_LEN + 1];
};

struct pptp_stopccrq {			/* also the Reply */
	uint8_t reason;			/* Request: PPTP_STOP_*; Reply: result */
	uint8_t error;			/* Reply only */
};

struct pptp_echo {			/* Request and Reply */
	uint32_t id;
	uint8_t result, error;		/* Reply only */
};

struct pptp_ocrq {
	uint16_t call_id, serial;
	uint32_t min_bps, max_bps, bearer, framing;
	uint16_t window, ppd;
	char phone[PPTP_STR_LEN + 1];
	char subaddr[PPTP_STR_LEN + 1];
};

struct pptp_ocrp {
	uint16_t call_id, peer_call_id;
	uint8_t result, error;
	uint16_t cause;
	uint32_t speed;
	uint16_t window, ppd;
	uint32_t channel;
};

struct pptp_icrq {
	uint16_t call_id, serial;
	uint32_t bearer, channel;
	char dialed[PPTP_STR_LEN + 1];
	char dialing[PPTP_STR_LEN + 1];
	char subaddr[PPTP_STR_LEN + 1];
};

struct pptp_icrp {
	uint16_t call_id, peer_call_id;
	uint8_t result, error;
	uint16_t window, delay;
};

struct pptp_iccn {
	uint16_t peer_call_id;
	uint32_t speed;
	uint16_t window, delay;
	uint32_t framing;
};

struct pptp_ccrq {
	uint16_t call_id;
};

struct pptp_cdn {
	uint16_t call_id;
	uint8_t result, error;
	uint16_t cause;
	char stats[PPTP_STATS_LEN + 1];
};

struct pptp_wen {
	uint16_t peer_call_id;
	uint32_t crc, framing, hw_overruns, buf_overruns, timeouts, alignment;
};

struct pptp_sli {
	uint16_t peer_call_id;
	uint32_t send_accm, recv_accm;
};

struct pptp_msg {
	uint16_t type;			/* enum pptp_type */
	union {
		struct pptp_sccrq sccrq, sccrp;
		struct pptp_stopccrq stopccrq, stopccrp;
		struct pptp_echo echorq, echorp;
		struct pptp_ocrq ocrq;
		struct pptp_ocrp ocrp;
		struct pptp_icrq icrq;
		struct pptp_icrp icrp;
		struct pptp_iccn iccn;
		struct pptp_ccrq ccrq;
		struct pptp_cdn cdn;
		struct pptp_wen wen;
		struct pptp_sli sli;
	};
};

/* Why a message was refused */
enum pptp_err {
	PPTP_E_OK,
	PPTP_E_LENGTH = 1,	/* length field not this message's size */
	PPTP_E_MSGTYPE,		/* PPTP message type not 1 (control) */
	PPTP_E_COOKIE,		/* magic cookie not 0x1A2B3C4D */
	PPTP_E_CTRLTYPE,	/* control message type not 1..15 */
	PPTP_E_FIELD,		/* a field outside its range */
	PPTP_E_ENCODE,		/* encode: buffer too small or unknown type */
};

struct pptp_msg_error {
	enum pptp_err code;
	char msg[128];
};

/* The wire size of control message @type, 0 if @type is unknown. */
size_t pptp_msg_size(unsigned int type);
/* "Start-Control-Connection-Request", or "unknown" */
const char *pptp_type_name(unsigned int type);
/* "SCCRQ" etc., for logs */
const char *pptp_type_abbrev(unsigned int type);
const char *pptp_err_name(enum pptp_err code);

int pptp_msg_decode(const uint8_t *buf, size_t len, struct pptp_msg *m,
		    struct pptp_msg_error *e);
/*
 * The whole messages at the start of a receive buffer, @buf[0..*@len): @fn
 * for each in turn until it returns false, then the bytes used are removed
 * from the front (*@len shrinks).  0, or -PPTP_E_* from the decoder with
 * @e saying why (the stream is unusable).
 */
int pptp_msg_drain(uint8_t *buf, size_t *len,
		   bool (*fn)(const struct pptp_msg *m, void *arg), void *arg,
		   struct pptp_msg_error *e);
/* Bytes written (pptp_msg_size(m->type)), or 0 if @size is too small or
 * the type is unknown. */
size_t pptp_msg_encode(const struct pptp_msg *m, uint8_t *buf, size_t size);

/* A message of @type with everything zero. */
void pptp_msg_init(struct pptp_msg *m, unsigned int type);

#endif /* KPPTP_PPTP_MSG_H */
