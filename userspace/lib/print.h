/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KPPTP_PRINT_H
#define KPPTP_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/*
 * One printing path for text and JSON, in the manner of iproute2's
 * print_*(): each call names a JSON key and a text format; in JSON mode the
 * format is ignored, in text mode the key is.  Keys are snake_case.
 */
struct printer {
	FILE *out;
	bool json;
	bool pretty;
	int depth;
	bool need_comma[16];
};

void printer_init(struct printer *p, FILE *out, bool json, bool pretty);
void print_open_object(struct printer *p, const char *key);
void print_close_object(struct printer *p);
void print_open_array(struct printer *p, const char *key);
void print_close_array(struct printer *p);
void print_u64(struct printer *p, const char *key, const char *fmt, uint64_t v);
void print_string(struct printer *p, const char *key, const char *fmt,
		  const char *s);
void print_bool(struct printer *p, const char *key, const char *fmt, bool v);
void print_text(struct printer *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void print_json_string(FILE *out, const char *s);

#endif
