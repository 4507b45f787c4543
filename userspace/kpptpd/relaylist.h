/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The relay list of a terminating gateway ("relay-list FILE" in
 * kpptpd.conf): which authenticated users are passed on, to which next
 * hop, with which name and secret there.  One entry per line, '#'
 * comments, words separated by blanks, a word in double quotes may hold
 * blanks ('\' escapes '"' and '\'):
 *
 *	defaults PPPD-OPTION...
 *	NAME@REALM HOST[:PORT] NEXT-USER SECRET [PPPD-OPTION...]
 *
 * NAME may be '*' (every user of REALM); NEXT-USER '=' means the name
 * without "@REALM".  The pppd options (the entry's, else the defaults)
 * go to the pppd that logs in at the next hop.  The file holds secrets:
 * it is refused when its group or others may read it.  A name without
 * '@' is not relayed (this gateway is its end); a name with '@' whose
 * realm no entry names is refused.
 */
#ifndef KPPTPD_RELAYLIST_H
#define KPPTPD_RELAYLIST_H

#include <stddef.h>
#include <stdint.h>

#define RL_MAX_OPTS 16
#define RL_NAME_MAX 255		/* pppd's MAXNAMELEN - 1 */

struct rl_entry {
	char *user;		/* before '@', or "*" */
	char *realm;		/* after the last '@' */
	uint32_t to;		/* the next hop, network order */
	uint16_t port;
	char *hop;		/* "HOST:PORT" as written, for logs */
	char *next_user;	/* NULL: the user's name without "@REALM" */
	char *secret;
	char *opts[RL_MAX_OPTS];
	unsigned int nopts;	/* 0: the defaults */
	unsigned int line;
};

struct relay_list {
	char *path;
	struct rl_entry *e;
	unsigned int n;
	char *defaults[RL_MAX_OPTS];
	unsigned int ndefaults;
};

/* @text (a whole file) into @rl: 0, or -1 and @err "FILE:LINE: what". */
int rl_parse(struct relay_list *rl, const char *name, const char *text,
	     char *err, size_t errlen);
/* Read @path (refused when group or others may read it) into @rl. */
int rl_load(struct relay_list *rl, const char *path, char *err,
	    size_t errlen);
void rl_free(struct relay_list *rl);	/* secrets wiped */

/*
 * For the authenticated @user: NULL and *@why NULL when it has no '@'
 * (not relayed); NULL and *@why set when it must be refused; else the
 * entry, with the next hop's name in @next (RL_NAME_MAX + 1 bytes).
 */
const struct rl_entry *rl_lookup(const struct relay_list *rl,
				 const char *user, char *next,
				 const char **why);

#endif /* KPPTPD_RELAYLIST_H */
