/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KPPTP_PARSE_H
#define KPPTP_PARSE_H

#include <stdbool.h>
#include <stdint.h>

/* Each returns 0, or -1 after printing "kpptpctl: invalid WHAT \"TEXT\"". */
int parse_u32(const char *what, const char *text, uint32_t min, uint32_t max,
	      uint32_t *out);
int parse_call_id(const char *what, const char *text, uint16_t *out);
int parse_ipv4(const char *what, const char *text, uint32_t *be_out);
int parse_on_off(const char *what, const char *text, bool *out);

#endif
