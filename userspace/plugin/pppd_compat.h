/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pppd plugin API, both generations, under the pppd 2.5 names.
 *
 * pppd 2.5 renamed the plugin API (ppp_add_options, ppp_generic_establish,
 * ppp_set_modem, ...) and split it over <pppd/pppd.h> and <pppd/options.h>;
 * pppd 2.4 (Debian bookworm, RHEL 9) has the old names and globals.  We test
 * for the feature (2.5 installs pppdconf.h), not for a version number, and
 * map the few 2.4 names the plugin uses onto the 2.5 ones.
 *
 * Include this before any other header that might define bool: pppd 2.4's
 * pppd.h has "typedef unsigned char bool" and cannot meet <stdbool.h>.
 */
#ifndef KPPTP_PPPD_COMPAT_H
#define KPPTP_PPPD_COMPAT_H

#if __has_include(<pppd/pppdconf.h>)

#include <pppd/pppd.h>
#include <pppd/options.h>
#include <pppd/fsm.h>
#include <pppd/lcp.h>
#include <pppd/ccp.h>
#include <pppd/ipcp.h>
#include <signal.h>

/* pppd got SIGTERM, SIGINT or SIGHUP: give up what blocks the connect */
static inline int kpptp_quit_asked(void)
{
	return ppp_signaled(SIGTERM) || ppp_signaled(SIGHUP);
}

#else /* pppd 2.4 */

#include <string.h>
#include <pppd/pppd.h>
#include <pppd/fsm.h>
#include <pppd/lcp.h>
#include <pppd/ccp.h>
#include <pppd/ipcp.h>

#ifndef PPPD_VERSION
#define PPPD_VERSION VERSION		/* from <pppd/patchlevel.h> */
#endif

#define ppp_add_options(opts)		add_options(opts)
#define ppp_option_error		option_error
#define ppp_generic_establish		generic_establish_ppp
#define ppp_generic_disestablish	generic_disestablish_ppp
#define ppp_timeout(f, arg, s, us)	timeout(f, arg, s, us)
#define ppp_untimeout(f, arg)		untimeout(f, arg)

static inline int kpptp_quit_asked(void)
{
	return got_sigterm != 0;	/* 2.4 keeps SIGHUP to itself */
}

static inline void ppp_set_modem(int on)
{
	modem = on;
}

static inline void ppp_set_remote_number(const char *number)
{
	strlcpy(remote_number, number, sizeof(remote_number));
}

static inline void ppp_set_pppdevnam(const char *name)
{
	strlcpy(ppp_devnam, name, sizeof(ppp_devnam));
}

/* 2.5's notifier types are 2.4's lists; the callbacks are the same */
#define NF_PHASE_CHANGE		(&phasechange)
#define NF_AUTH_UP		(&auth_up_notifier)
#define NF_IP_UP		(&ip_up_notifier)
#define NF_IP_DOWN		(&ip_down_notifier)
#define ppp_add_notify(type, fn, ctx)	add_notifier(type, fn, ctx)
typedef void ppp_notify_fn(void *ctx, int arg);

static inline const char *ppp_peer_authname(char *buf, size_t bufsz)
{
	strlcpy(buf, peer_authname, bufsz);
	return buf;
}

static inline int ppp_get_ifname(char *buf, size_t bufsz)
{
	return (int)strlcpy(buf, ifname, bufsz);
}

#endif /* pppd 2.4 */

#endif /* KPPTP_PPPD_COMPAT_H */
