// SPDX-License-Identifier: GPL-2.0
/*
 * Log lines: to syslog (daemon facility) or to stderr with a timestamp.
 */
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <time.h>

#include "kpptpd.h"

static bool use_syslog, debug_on;

void log_open(bool sys, bool debug)
{
	use_syslog = sys;
	debug_on = debug;
	if (sys)
		openlog("kpptpd", LOG_PID, LOG_DAEMON);
}

void log_msg(int prio, const char *fmt, ...)
{
	static const char *const level[] = {
		"emerg", "alert", "crit", "error", "warning", "notice",
		"info", "debug",
	};
	char line[1024];
	va_list ap;

	if (prio == LOG_DEBUG && !debug_on)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (use_syslog) {
		syslog(prio, "%s", line);
	} else {
		struct timespec ts;
		struct tm tm;
		char when[32];

		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ld kpptpd[%s]: %s\n", when,
			ts.tv_nsec / 1000000, level[prio & 7], line);
	}
}
