// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <string.h>

#include "print.h"

void printer_init(struct printer *p, FILE *out, bool json, bool pretty)
{
	memset(p, 0, sizeof(*p));
	p->out = out;
	p->json = json;
	p->pretty = pretty;
}

void print_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/* Comma, indentation and key before a JSON value. */
static void json_prefix(struct printer *p, const char *key)
{
	if (p->need_comma[p->depth])
		fputc(',', p->out);
	p->need_comma[p->depth] = true;
	if (p->pretty && p->depth) {
		fputc('\n', p->out);
		fprintf(p->out, "%*s", 2 * p->depth, "");
	}
	if (key) {
		print_json_string(p->out, key);
		fputs(p->pretty ? ": " : ":", p->out);
	}
}

static void json_open(struct printer *p, const char *key, char c)
{
	if (!p->json)
		return;
	json_prefix(p, key);
	fputc(c, p->out);
	if (p->depth < 15)
		p->depth++;
	p->need_comma[p->depth] = false;
}

static void json_close(struct printer *p, char c)
{
	if (!p->json)
		return;
	if (p->pretty && p->need_comma[p->depth])
		fprintf(p->out, "\n%*s", 2 * (p->depth - 1), "");
	if (p->depth)
		p->depth--;
	fputc(c, p->out);
	if (!p->depth)
		fputc('\n', p->out);
}

void print_open_object(struct printer *p, const char *key)
{
	json_open(p, key, '{');
}

void print_close_object(struct printer *p)
{
	json_close(p, '}');
}

void print_open_array(struct printer *p, const char *key)
{
	json_open(p, key, '[');
}

void print_close_array(struct printer *p)
{
	json_close(p, ']');
}

void print_u64(struct printer *p, const char *key, const char *fmt, uint64_t v)
{
	if (p->json) {
		json_prefix(p, key);
		fprintf(p->out, "%llu", (unsigned long long)v);
	} else if (fmt) {
		fprintf(p->out, fmt, (unsigned long long)v);
	}
}

void print_string(struct printer *p, const char *key, const char *fmt,
		  const char *s)
{
	if (p->json) {
		json_prefix(p, key);
		print_json_string(p->out, s);
	} else if (fmt) {
		fprintf(p->out, fmt, s);
	}
}

void print_bool(struct printer *p, const char *key, const char *fmt, bool v)
{
	if (p->json) {
		json_prefix(p, key);
		fputs(v ? "true" : "false", p->out);
	} else if (fmt) {
		fprintf(p->out, fmt, v ? "yes" : "no");
	}
}

/* Text-only output: headers, separators, newlines. */
void print_text(struct printer *p, const char *fmt, ...)
{
	va_list ap;

	if (p->json)
		return;
	va_start(ap, fmt);
	vfprintf(p->out, fmt, ap);
	va_end(ap);
}
