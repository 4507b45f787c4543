/* SPDX-License-Identifier: GPL-2.0 */
/* A minimal unit test harness: CHECK() counts, main prints the summary. */
#ifndef KPPTP_UNIT_H
#define KPPTP_UNIT_H
#include <stdio.h>

static int unit_pass, unit_fail;

#define CHECK(cond) do {						\
	if (cond) {							\
		unit_pass++;						\
	} else {							\
		unit_fail++;						\
		fprintf(stderr, "%s:%d: CHECK(%s) failed\n",		\
			__FILE__, __LINE__, #cond);			\
	}								\
} while (0)

static inline int unit_done(void)
{
	printf("%d passed, %d failed\n", unit_pass, unit_fail);
	return unit_fail ? 1 : 0;
}
#endif
