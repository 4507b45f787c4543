/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One printing path for text and JSON, in the manner of iproute2's
 * print_*() helpers.  Each call names a JSON key and a text format; in JSON
 * mode the format is ignored, in text mode the key is:
 *
 *	pr_open_obj(p, NULL);
 *	pr_uint(p, "id", "%-6s ", call->id);       text "100    "
 *	pr_string(p, "ifname", "%s\n", name);      JSON "ifname":"ppp0"
 *	pr_close_obj(p);
 *
 * Text formats take exactly one "%s" (width and flags allowed): the printer
 * turns every value into a string first, so a format can never disagree with
 * the value's type.  A NULL format prints nothing in text mode.  Keys are
 * snake_case; a NULL key is for array members and the top level.  A JSON
 * value that closes at the top level ends its line (JSON Lines for streams).
 */
#ifndef KPPTP_PRINT_H
#define KPPTP_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define PR_MAX_DEPTH 16

struct printer {
	FILE *out;
	bool json;
	bool pretty;
	int depth;
	bool has_member[PR_MAX_DEPTH];	/* a value was printed at this depth */
};

void pr_init(struct printer *p, FILE *out, bool json, bool pretty);

void pr_open_obj(struct printer *p, const char *key);
void pr_close_obj(struct printer *p);
void pr_open_arr(struct printer *p, const char *key);
void pr_close_arr(struct printer *p);

void pr_uint(struct printer *p, const char *key, const char *fmt, uint64_t v);
/* @s NULL: JSON null, text "-" */
void pr_string(struct printer *p, const char *key, const char *fmt,
	       const char *s);
/* text: "yes"/"no" */
void pr_bool(struct printer *p, const char *key, const char *fmt, bool v);
/* text: "on"/"off" */
void pr_on_off(struct printer *p, const char *key, const char *fmt, bool v);
/* Text only: headers, labels, separators, newlines. */
void pr_text(struct printer *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* @s as a JSON string: escaped, invalid UTF-8 replaced by U+FFFD. */
void pr_json_string(FILE *out, const char *s);

#endif /* KPPTP_PRINT_H */
