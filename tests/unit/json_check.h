/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small strict JSON reader for the tests: is this output valid JSON (one
 * value per line with -j, JSON Lines for monitor), and are all its object
 * keys snake_case?
 */
#ifndef KPPTP_JSON_CHECK_H
#define KPPTP_JSON_CHECK_H

#include <ctype.h>
#include <stdio.h>
#include <string.h>

struct json_check {
	const char *p;
	int values;		/* top-level values read */
	int keys;		/* object keys seen */
	char bad_key[64];	/* first key that is not snake_case */
	const char *error;	/* what was wrong, NULL if valid */
	size_t error_at;	/* offset of the problem */
};

static int jc_value(struct json_check *c, const char *start, int depth);

static void jc_ws(struct json_check *c)
{
	while (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r')
		c->p++;
}

static int jc_fail(struct json_check *c, const char *start, const char *why)
{
	if (!c->error) {
		c->error = why;
		c->error_at = (size_t)(c->p - start);
	}
	return -1;
}

static int jc_string(struct json_check *c, const char *start, char *copy,
		     size_t size)
{
	size_t n = 0;
	int i;

	if (*c->p != '"')
		return jc_fail(c, start, "expected a string");
	c->p++;
	while (*c->p != '"') {
		unsigned char ch = (unsigned char)*c->p;

		if (!ch || ch < 0x20)
			return jc_fail(c, start, "raw control character in string");
		if (ch == '\\') {
			c->p++;
			if (*c->p == 'u') {
				for (i = 1; i <= 4; i++)
					if (!isxdigit((unsigned char)c->p[i]))
						return jc_fail(c, start, "bad \\u escape");
				c->p += 4;
			} else if (!strchr("\"\\/bfnrt", *c->p) || !*c->p) {
				return jc_fail(c, start, "bad escape");
			}
		}
		if (copy && n + 1 < size)
			copy[n++] = *c->p;
		c->p++;
	}
	c->p++;
	if (copy)
		copy[n] = 0;
	return 0;
}

static int jc_snake(const char *k)
{
	size_t i, n = strlen(k);

	if (!n || k[0] < 'a' || k[0] > 'z' || k[n - 1] == '_')
		return 0;
	for (i = 0; i < n; i++) {
		if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') ||
		      k[i] == '_'))
			return 0;
		if (k[i] == '_' && k[i + 1] == '_')
			return 0;
	}
	return 1;
}

static int jc_number(struct json_check *c, const char *start)
{
	if (*c->p == '-')
		c->p++;
	if (*c->p == '0')
		c->p++;
	else if (*c->p >= '1' && *c->p <= '9')
		while (isdigit((unsigned char)*c->p))
			c->p++;
	else
		return jc_fail(c, start, "bad number");
	if (*c->p == '.') {
		c->p++;
		if (!isdigit((unsigned char)*c->p))
			return jc_fail(c, start, "bad fraction");
		while (isdigit((unsigned char)*c->p))
			c->p++;
	}
	if (*c->p == 'e' || *c->p == 'E') {
		c->p++;
		if (*c->p == '+' || *c->p == '-')
			c->p++;
		if (!isdigit((unsigned char)*c->p))
			return jc_fail(c, start, "bad exponent");
		while (isdigit((unsigned char)*c->p))
			c->p++;
	}
	return 0;
}

static int jc_value(struct json_check *c, const char *start, int depth)
{
	char key[64];

	if (depth > 32)
		return jc_fail(c, start, "too deep");
	jc_ws(c);
	switch (*c->p) {
	case '{':
		c->p++;
		jc_ws(c);
		if (*c->p == '}') {
			c->p++;
			return 0;
		}
		for (;;) {
			jc_ws(c);
			if (jc_string(c, start, key, sizeof(key)))
				return -1;
			c->keys++;
			if (!jc_snake(key) && !c->bad_key[0])
				snprintf(c->bad_key, sizeof(c->bad_key), "%s", key);
			jc_ws(c);
			if (*c->p++ != ':')
				return jc_fail(c, start, "expected ':'");
			if (jc_value(c, start, depth + 1))
				return -1;
			jc_ws(c);
			if (*c->p == ',') {
				c->p++;
				continue;
			}
			if (*c->p++ == '}')
				return 0;
			return jc_fail(c, start, "expected ',' or '}'");
		}
	case '[':
		c->p++;
		jc_ws(c);
		if (*c->p == ']') {
			c->p++;
			return 0;
		}
		for (;;) {
			if (jc_value(c, start, depth + 1))
				return -1;
			jc_ws(c);
			if (*c->p == ',') {
				c->p++;
				continue;
			}
			if (*c->p++ == ']')
				return 0;
			return jc_fail(c, start, "expected ',' or ']'");
		}
	case '"':
		return jc_string(c, start, NULL, 0);
	case 't':
		if (strncmp(c->p, "true", 4))
			return jc_fail(c, start, "bad literal");
		c->p += 4;
		return 0;
	case 'f':
		if (strncmp(c->p, "false", 5))
			return jc_fail(c, start, "bad literal");
		c->p += 5;
		return 0;
	case 'n':
		if (strncmp(c->p, "null", 4))
			return jc_fail(c, start, "bad literal");
		c->p += 4;
		return 0;
	default:
		return jc_number(c, start);
	}
}

/*
 * Read @text: one or more top-level values, each ending its line.  Returns
 * 0 if all are valid; c->error says what is not.
 */
static inline int json_check(struct json_check *c, const char *text)
{
	memset(c, 0, sizeof(*c));
	c->p = text;
	jc_ws(c);
	if (!*c->p)
		return jc_fail(c, text, "no value");
	while (*c->p) {
		if (jc_value(c, text, 0))
			return -1;
		c->values++;
		while (*c->p == ' ' || *c->p == '\t')
			c->p++;
		if (*c->p != '\n')
			return jc_fail(c, text, "a top-level value must end its line");
		jc_ws(c);
	}
	return 0;
}

#endif /* KPPTP_JSON_CHECK_H */
