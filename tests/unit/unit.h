/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny unit test harness.  A test file includes this once and defines
 * tests; main() runs them all in order:
 *
 *	TEST(parse_ids)
 *	{
 *		CHECK(parse_call_id(...) == 0);
 *		CHECK_STR(buf, "expected");
 *	}
 *
 * A test passes when none of its checks failed; each failed check prints
 * where and what.  Output: "ok - NAME" / "not ok - NAME" per test, then
 * "N passed, N failed" (tests, not checks); exit status 1 on any failure.
 */
#ifndef KPPTP_UNIT_H
#define KPPTP_UNIT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct unit_test {
	const char *name;
	void (*fn)(void);
	struct unit_test *next;
};

static struct unit_test *unit_head, **unit_tail = &unit_head;
static int unit_failed_checks;

static inline void unit_register(struct unit_test *t)
{
	*unit_tail = t;
	unit_tail = &t->next;
}

#define TEST(name)							\
	static void test_##name(void);					\
	static struct unit_test unit_##name = { #name, test_##name, NULL }; \
	__attribute__((constructor)) static void unit_reg_##name(void)	\
	{								\
		unit_register(&unit_##name);				\
	}								\
	static void test_##name(void)

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			unit_failed_checks++;				\
			printf("    %s:%d: CHECK(%s) failed\n",		\
			       __FILE__, __LINE__, #cond);		\
		}							\
	} while (0)

/* Strings compared in full, both shown on failure. */
#define CHECK_STR(actual, expected)					\
	do {								\
		const char *a_ = (actual), *e_ = (expected);		\
		if (!a_ || strcmp(a_, e_)) {				\
			unit_failed_checks++;				\
			printf("    %s:%d: %s\n      is: \"%s\"\n"	\
			       "    want: \"%s\"\n", __FILE__, __LINE__, \
			       #actual, a_ ? a_ : "(null)", e_);	\
		}							\
	} while (0)

/* @needle must (not) occur in @hay; @hay is shown on failure. */
#define CHECK_HAS(hay, needle)	unit_check_has(__FILE__, __LINE__, hay, needle, 1)
#define CHECK_HASNT(hay, needle) unit_check_has(__FILE__, __LINE__, hay, needle, 0)

static inline void unit_check_has(const char *file, int line, const char *hay,
				  const char *needle, int want)
{
	if ((hay && strstr(hay, needle)) ? want : !want)
		return;
	unit_failed_checks++;
	printf("    %s:%d: \"%s\" %s in:\n%s\n", file, line, needle,
	       want ? "not found" : "found", hay ? hay : "(null)");
}

int main(void)
{
	struct unit_test *t;
	int passed = 0, failed = 0;

	setvbuf(stdout, NULL, _IONBF, 0);
	for (t = unit_head; t; t = t->next) {
		int before = unit_failed_checks;

		t->fn();
		if (unit_failed_checks == before) {
			passed++;
			printf("ok - %s\n", t->name);
		} else {
			failed++;
			printf("not ok - %s\n", t->name);
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

#endif /* KPPTP_UNIT_H */
