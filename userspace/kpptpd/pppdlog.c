// SPDX-License-Identifier: GPL-2.0
/*
 * What a line of pppd's log says about its call: the interface, the name
 * the peer authenticated with, the addresses IPCP settled on.  The lines
 * are pppd's own (main.c, auth.c, upap.c, ipcp.c), the same in 2.4 and 2.5
 * but for authentication:
 *
 *	Using interface ppp0
 *	Renamed interface ppp0 to vpn0
 *	Peer alice authenticated with CHAP		(2.5)
 *	PAP peer authentication succeeded for alice	(2.4, 2.5)
 *	CHAP peer authentication succeeded for alice	(2.4)
 *	local  IP address 192.168.0.1
 *	remote IP address 192.168.0.20
 *
 * Names are printed with pppd's %q: no quotes, unprintable bytes escaped.
 * A name can hold anything, so a line says a peer authenticated only if
 * it ends with the protocol: "Peer admin authenticated with CHAP failed
 * CHAP authentication" is someone failing as "admin authenticated with
 * CHAP".  This is kpptpd's fallback: kpptp.so's reports (report.h) say
 * the same without guessing.
 */
#include <arpa/inet.h>
#include <string.h>

#include "pppdlog.h"

/* @s (@n bytes, quotes stripped) into @out: 0, or -1 when empty */
static int text(char *out, size_t outlen, const char *s, size_t n)
{
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		s++;
		n -= 2;
	}
	if (!n || !outlen)
		return -1;
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

static int ip(const char *line, const char *prefix, uint32_t *addr)
{
	struct in_addr in;
	size_t n = strlen(prefix);

	if (strncmp(line, prefix, n) || inet_pton(AF_INET, line + n, &in) != 1)
		return -1;
	*addr = in.s_addr;
	return 0;
}

int pppd_log_line(const char *line, char *out, size_t outlen, uint32_t *addr)
{
	static const char auth[] = " authenticated with ";
	static const char ok[] = " peer authentication succeeded for ";
	const char *name = NULL, *p, *q;
	size_t n = 0;
	int kind = PPPD_LOG_OTHER;

	if (!strncmp(line, "Using interface ", 16)) {
		name = line + 16;
		n = strlen(name);
		kind = PPPD_LOG_IFNAME;
	} else if (!strncmp(line, "Renamed interface ", 18) &&
		   (p = strstr(line + 18, " to "))) {
		name = p + 4;
		n = strlen(name);
		kind = PPPD_LOG_IFNAME;
	} else if (!strncmp(line, "Peer ", 5) && (p = strstr(line + 5, auth))) {
		/* the last one, then one word: a name may hold the phrase */
		while ((q = strstr(p + 1, auth)))
			p = q;
		q = p + sizeof(auth) - 1;
		if (!*q || strchr(q, ' '))
			return PPPD_LOG_OTHER;
		name = line + 5;
		n = (size_t)(p - name);
		kind = PPPD_LOG_USER;
	} else if ((p = strstr(line, ok)) && p > line && p - line <= 16 &&
		   !memchr(line, ' ', (size_t)(p - line))) {
		/* "PROTOCOL peer authentication succeeded for NAME" */
		name = p + sizeof(ok) - 1;
		n = strlen(name);
		kind = PPPD_LOG_USER;
	} else if (!ip(line, "local  IP address ", addr)) {
		return PPPD_LOG_LOCAL_IP;
	} else if (!ip(line, "remote IP address ", addr)) {
		return PPPD_LOG_REMOTE_IP;
	}
	if (!name || text(out, outlen, name, n))
		return PPPD_LOG_OTHER;
	return kind;
}
