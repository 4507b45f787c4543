/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Strict parsing of the values people type: numbers, call IDs, IPv4
 * addresses, on/off.  Shared by kpptpctl, the pppd plugin and the daemon.
 *
 * Each parser returns 0, or -1 with a message in @e that names the value and
 * quotes the input, ready to be prefixed with the program's name:
 *	invalid peer address "10.0.0": not an IPv4 address (a.b.c.d)
 * Nothing here prints, and nothing uses <stdbool.h>: the pppd 2.4 headers
 * define their own bool, and the plugin includes both.
 */
#ifndef KPPTP_PARSE_H
#define KPPTP_PARSE_H

#include <stddef.h>
#include <stdint.h>

struct parse_error {
	char msg[384];
};

/* Decimal only: no sign, no spaces, no 0x; min <= value <= max. */
int parse_uint(const char *what, const char *text, uint64_t min, uint64_t max,
	       uint64_t *out, struct parse_error *e);
int parse_u16(const char *what, const char *text, uint16_t *out,
	      struct parse_error *e);
int parse_u32(const char *what, const char *text, uint32_t *out,
	      struct parse_error *e);
/* A local call ID: 1-65535 (0 is never a call's ID). */
int parse_call_id(const char *what, const char *text, uint16_t *out,
		  struct parse_error *e);
/* Dotted-quad IPv4 address; *be_out in network byte order. */
int parse_ipv4(const char *what, const char *text, uint32_t *be_out,
	       struct parse_error *e);
/* "on" -> 1, "off" -> 0. */
int parse_on_off(const char *what, const char *text, int *out,
		 struct parse_error *e);

/*
 * Write @text to @buf as a double-quoted string, with non-printable bytes,
 * quotes and backslashes escaped and very long input cut short; returns buf.
 */
const char *parse_quote(const char *text, char *buf, size_t size);

/* Fill @e: "invalid WHAT \"TEXT\": WHY"; returns -1. */
int parse_fail(struct parse_error *e, const char *what, const char *text,
	       const char *why);

#endif /* KPPTP_PARSE_H */
