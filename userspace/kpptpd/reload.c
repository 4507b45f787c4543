// SPDX-License-Identifier: GPL-2.0
/*
 * Reload (SIGHUP, systemctl reload, kpptpctl daemon reload): the
 * configuration file is read again into a new struct conf; if it parses,
 * it replaces the old one.  Everything read when a connection or call is
 * made (limits, pools, pppd options, timers, echo, window) then applies to
 * new ones only: a connection copied its pptp_ctrl_cfg when it began, a
 * call its pppd arguments when pppd started.  The address pool carries
 * over the addresses live calls hold.  A changed listen address or port
 * is bound before the old listener is closed, so a failure leaves
 * everything as it was.  Not changed by a reload: the role (server or
 * client), the state file and the control socket (restart for those).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "kpptpd.h"

/* What the running daemon keeps whatever the file says now. */
static void keep(char **slot, const char *old, const char *what)
{
	if (!strcmp(*slot, old))
		return;
	info("reload: %s stays %s until a restart (the file says %s)", what,
	     *old ? old : "none", **slot ? *slot : "none");
	free(*slot);
	*slot = strdup(old);
}

/* The pidfile is written at start and removed at exit: it stays. */
static void keep_pidfile(struct conf *nc)
{
	const char *old = kd.conf.pidfile ? kd.conf.pidfile : "";

	if (!nc->pidfile)
		nc->pidfile = strdup("");
	keep(&nc->pidfile, old, "pidfile");
	if (nc->pidfile && !*nc->pidfile) {
		free(nc->pidfile);
		nc->pidfile = NULL;
	}
}

/* The addresses live calls hold are taken in the new pool too. */
static void pool_carry(struct conf *nc)
{
	struct call *k;
	unsigned int i;

	for (k = kd.calls; k; k = k->next) {
		uint32_t a;

		if (k->pool_idx < 0)
			continue;
		a = kd.conf.remote.addr[k->pool_idx];
		k->pool_idx = -1;	/* not in the new pool: not returned */
		for (i = 0; i < nc->remote.n; i++) {
			if (nc->remote.addr[i] == a &&
			    !pool_used(&nc->remote, i)) {
				pool_claim(&nc->remote, i);
				k->pool_idx = (int)i;
				break;
			}
		}
	}
}

static void reload_event(bool ok, const char *why)
{
	struct cp_buf *e = mon_begin("reload");

	if (!e)
		return;
	cp_put(e, "result", "%s", ok ? "ok" : "failed");
	cp_put(e, "config", "%s", kd.conf_path);
	if (why)
		cp_put(e, "reason", "%s", why);
	mon_send(e);
}

int daemon_reload(char *why, size_t whylen)
{
	char a[INET_ADDRSTRLEN], errbuf[512];
	bool rebind;
	struct conf nc;
	int fd = -1;

	conf_init(&nc);
	if (conf_load(&nc, kd.conf_path, errbuf, sizeof(errbuf)) ||
	    conf_check_files(&nc, errbuf, sizeof(errbuf))) {
		snprintf(why, whylen, "%s", errbuf);
		goto fail;
	}
	if (!nc.connect != !kd.conf.connect) {
		snprintf(why, whylen, "%s: switching between server and client role needs a restart",
			 kd.conf_path);
		goto fail;
	}
	keep(&nc.state_file, kd.conf.state_file, "state-file");
	if (nc.pidfile || kd.conf.pidfile)
		keep_pidfile(&nc);
	if (kd.sock_opt) {	/* -S */
		free(nc.control_socket);
		nc.control_socket = strdup(kd.conf.control_socket);
	} else {
		keep(&nc.control_socket, kd.conf.control_socket,
		     "control-socket");
	}
	if (!nc.state_file || !nc.control_socket) {
		snprintf(why, whylen, "out of memory");
		goto fail;
	}
	rebind = !nc.connect && kd.listen_fd >= 0 &&
		 (nc.listen != kd.conf.listen || nc.port != kd.conf.port);
	if (rebind) {
		fd = listener_open(nc.listen, nc.port);
		if (fd < 0 || ev_add(fd, EPOLLIN, &kd.listen_ev)) {
			snprintf(why, whylen, "cannot listen on %s port %u: %s",
				 ipstr(nc.listen, a), nc.port, strerror(errno));
			if (fd >= 0)
				close(fd);
			goto fail;
		}
	}

	/* from here on nothing fails: the new configuration takes over */
	pool_carry(&nc);
	conf_free(&kd.conf);
	kd.conf = nc;
	if (rebind) {
		epoll_ctl(kd.epfd, EPOLL_CTL_DEL, kd.listen_fd, NULL);
		close(kd.listen_fd);
		kd.listen_fd = fd;
		info("reload: listening on %s port %u now",
		     ipstr(kd.conf.listen, a), kd.conf.port);
	}
	log_open(kd.use_syslog, kd.debug_opt || kd.conf.debug);
	dm_apply();	/* a port it cannot have is logged, the old one kept */
	for (unsigned int i = 0; i < kd.conf.nnotes; i++)
		info("reload: %s", kd.conf.notes[i]);
	kd.reloads++;
	info("reloaded %s: max %u connections, %u per source, %u calls; for new connections and calls",
	     kd.conf_path, kd.conf.max_conns, kd.conf.max_per_source,
	     kd.conf.max_calls);
	fdlimit_check(&kd.conf);
	l2tp_check_rules(&kd.conf);
	reload_event(true, NULL);
	return 0;
fail:
	conf_free(&nc);
	kd.reloads_failed++;
	err("reload failed, keeping the configuration in use: %s", why);
	reload_event(false, why);
	return -1;
}
