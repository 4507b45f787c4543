// SPDX-License-Identifier: GPL-2.0
/* Text and JSON output from the same calls; see print.h. */
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "print.h"

void pr_init(struct printer *p, FILE *out, bool json, bool pretty)
{
	memset(p, 0, sizeof(*p));
	p->out = out;
	p->json = json;
	p->pretty = json && pretty;
}

/* Length of the valid UTF-8 sequence at @s, or 0 if it is not one. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n, i;
	unsigned char lo = 0x80, hi = 0xbf;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;	/* overlong */
		else if (s[0] == 0xed)
			hi = 0x9f;	/* UTF-16 surrogates */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		if (s[0] == 0xf0)
			lo = 0x90;	/* overlong */
		else if (s[0] == 0xf4)
			hi = 0x8f;	/* beyond U+10FFFF */
	} else {
		return 0;
	}
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

void pr_json_string(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n;

	fputc('"', out);
	while (*s) {
		switch (*s) {
		case '"':  fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\b': fputs("\\b", out); break;
		case '\f': fputs("\\f", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\t': fputs("\\t", out); break;
		default:
			if (*s < 0x20 || *s == 0x7f) {
				fprintf(out, "\\u%04x", *s);
				break;
			}
			n = utf8_len(s);
			if (!n) {
				fputs("\\ufffd", out);
				break;
			}
			fwrite(s, 1, n, out);
			s += n;
			continue;
		}
		s++;
	}
	fputc('"', out);
}

/* Separator, indentation and key before a JSON value. */
static void json_prefix(struct printer *p, const char *key)
{
	if (p->depth > 0) {
		if (p->has_member[p->depth])
			fputc(',', p->out);
		if (p->pretty)
			fprintf(p->out, "\n%*s", 4 * p->depth, "");
	}
	p->has_member[p->depth] = true;
	if (key && p->depth > 0) {
		pr_json_string(p->out, key);
		fputs(p->pretty ? ": " : ":", p->out);
	}
}

static void json_end_value(struct printer *p)
{
	if (p->depth == 0) {
		fputc('\n', p->out);
		p->has_member[0] = false;
	}
}

static void json_open(struct printer *p, const char *key, char c)
{
	if (!p->json)
		return;
	json_prefix(p, key);
	fputc(c, p->out);
	if (p->depth < PR_MAX_DEPTH - 1)
		p->depth++;
	p->has_member[p->depth] = false;
}

static void json_close(struct printer *p, char c)
{
	if (!p->json || p->depth == 0)
		return;
	if (p->pretty && p->has_member[p->depth])
		fprintf(p->out, "\n%*s", 4 * (p->depth - 1), "");
	p->depth--;
	fputc(c, p->out);
	json_end_value(p);
}

void pr_open_obj(struct printer *p, const char *key)
{
	json_open(p, key, '{');
}

void pr_close_obj(struct printer *p)
{
	json_close(p, '}');
}

void pr_open_arr(struct printer *p, const char *key)
{
	json_open(p, key, '[');
}

void pr_close_arr(struct printer *p)
{
	json_close(p, ']');
}

/* In text mode, print @text through @fmt (which has one %s). */
static void text(struct printer *p, const char *fmt, const char *text)
{
	if (fmt)
		fprintf(p->out, fmt, text);
}

void pr_uint(struct printer *p, const char *key, const char *fmt, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	if (p->json) {
		json_prefix(p, key);
		fputs(buf, p->out);
		json_end_value(p);
	} else {
		text(p, fmt, buf);
	}
}

void pr_string(struct printer *p, const char *key, const char *fmt,
	       const char *s)
{
	if (p->json) {
		json_prefix(p, key);
		if (s)
			pr_json_string(p->out, s);
		else
			fputs("null", p->out);
		json_end_value(p);
	} else {
		text(p, fmt, s ? s : "-");
	}
}

static void print_bool(struct printer *p, const char *key, const char *fmt,
		       bool v, const char *yes, const char *no)
{
	if (p->json) {
		json_prefix(p, key);
		fputs(v ? "true" : "false", p->out);
		json_end_value(p);
	} else {
		text(p, fmt, v ? yes : no);
	}
}

void pr_bool(struct printer *p, const char *key, const char *fmt, bool v)
{
	print_bool(p, key, fmt, v, "yes", "no");
}

void pr_on_off(struct printer *p, const char *key, const char *fmt, bool v)
{
	print_bool(p, key, fmt, v, "on", "off");
}

void pr_text(struct printer *p, const char *fmt, ...)
{
	va_list ap;

	if (p->json)
		return;
	va_start(ap, fmt);
	vfprintf(p->out, fmt, ap);
	va_end(ap);
}
