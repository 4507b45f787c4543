/* SPDX-License-Identifier: GPL-2.0 */
/* What pppd's log lines tell kpptpd about a call; see pppdlog.c. */
#ifndef KPPTPD_PPPDLOG_H
#define KPPTPD_PPPDLOG_H

#include <stddef.h>
#include <stdint.h>

enum {
	PPPD_LOG_OTHER,
	PPPD_LOG_IFNAME,	/* @out: the interface */
	PPPD_LOG_USER,		/* @out: the authenticated peer name */
	PPPD_LOG_LOCAL_IP,	/* @addr, network order */
	PPPD_LOG_REMOTE_IP,	/* @addr: IPCP is up */
};

/* @line without its newline; @out (size @outlen) is truncated to fit. */
int pppd_log_line(const char *line, char *out, size_t outlen, uint32_t *addr);

#endif /* KPPTPD_PPPDLOG_H */
