// SPDX-License-Identifier: GPL-2.0
/*
 * Log lines: to syslog (daemon facility) or to stderr with a timestamp.
 * Every line is escaped: peers name themselves (host name, vendor) and
 * pppd prints what it is sent, and neither may start a line of its own.
 */
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <time.h>

#include "kpptpd.h"

static bool use_syslog, debug_on;
static FILE *out;	/* without syslog: stderr, or NULL for nowhere */
static bool out_set;

void log_to_file(FILE *f)
{
	out = f;
	out_set = true;
}

/*
 * Lines to stderr are written once per turn of the loop (log_flush()), and
 * at once from warning up: a line per call setup and per call end, each
 * its own write(), were a tenth of kpptpd's system calls under load.
 */
void log_open(bool sys, bool debug)
{
	static char buf[16384];
	static bool buffered;

	use_syslog = sys;
	debug_on = debug;
	if (sys)
		openlog("kpptpd", LOG_PID, LOG_DAEMON);
	if (!buffered) {
		setvbuf(stderr, buf, _IOFBF, sizeof(buf));
		buffered = true;
	}
}

void log_flush(void)
{
	fflush(stderr);
}

char *log_escape(const char *in, char *out, size_t outlen)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	if (!outlen)
		return out;
	for (; *in; in++) {
		unsigned char ch = (unsigned char)*in;

		if (ch >= 0x20 && ch < 0x7f && ch != '\\') {
			if (o + 1 >= outlen)
				break;
			out[o++] = (char)ch;
			continue;
		}
		if (o + 4 >= outlen)
			break;
		out[o++] = '\\';
		out[o++] = 'x';
		out[o++] = hex[ch >> 4];
		out[o++] = hex[ch & 15];
	}
	out[o] = '\0';
	return out;
}

void log_msg(int prio, const char *fmt, ...)
{
	static const char *const level[] = {
		"emerg", "alert", "crit", "error", "warning", "notice",
		"info", "debug",
	};
	char raw[1024], line[1024];
	va_list ap;

	if (prio == LOG_DEBUG && !debug_on)
		return;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	log_escape(raw, line, sizeof(line));
	if (use_syslog) {
		syslog(prio, "%s", line);
	} else {
		/* the second's text is made once: two lines per call setup */
		static char when[32];
		static time_t when_sec = -1;
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		if (ts.tv_sec != when_sec) {
			struct tm tm;

			localtime_r(&ts.tv_sec, &tm);
			strftime(when, sizeof(when), "%H:%M:%S", &tm);
			when_sec = ts.tv_sec;
		}
		if (!out_set)
			out = stderr;
		if (!out)
			return;
		fprintf(out, "%s.%03ld kpptpd[%s]: %s\n", when,
			ts.tv_nsec / 1000000, level[prio & 7], line);
		if (prio <= LOG_WARNING)
			fflush(out);
	}
}
