// SPDX-License-Identifier: GPL-2.0
/*
 * kpptpctl daemon show: kpptpd itself, "name value" per line (the names
 * are the JSON keys).
 */
#include "kpptpctl.h"

int cmd_daemon_show(struct ctl *ctl, int argc, char **argv)
{
	struct printer *p = &ctl->pr;
	char buf[2048];
	struct kd_info d;
	int err;

	(void)argv;
	if (argc)
		return ctl_usage_error(ctl, "takes no arguments");
	err = kd_get(ctl, &d);
	if (err)
		return err;
	pr_open_obj(p, NULL);
	pr_uint(p, "pid", "pid %s\n", d.pid);
	pr_string(p, "version", "version %s\n",
		  ctl_safe(ctl, d.version, buf, sizeof(buf)));
	pr_string(p, "role", "role %s\n", ctl_safe(ctl, d.role, buf, sizeof(buf)));
	if (d.listen[0])
		pr_string(p, "listen", "listen %s\n",
			  ctl_safe(ctl, d.listen, buf, sizeof(buf)));
	if (d.connect[0])
		pr_string(p, "connect", "connect %s\n",
			  ctl_safe(ctl, d.connect, buf, sizeof(buf)));
	pr_string(p, "config", "config %s\n",
		  ctl_safe(ctl, d.config, buf, sizeof(buf)));
	pr_string(p, "socket", "socket %s\n",
		  ctl_safe(ctl, kd_socket_path(ctl), buf, sizeof(buf)));
	pr_uint(p, "uptime_ms", NULL, d.uptime_ms);
	pr_text(p, "uptime %s\n", age_str(d.uptime_ms, buf, sizeof(buf)));
	pr_uint(p, "connections", "connections %s\n", d.connections);
	pr_uint(p, "calls", "calls %s\n", d.calls);
	pr_uint(p, "max_connections", "max_connections %s\n", d.max_connections);
	pr_uint(p, "max_per_source", "max_per_source %s\n", d.max_per_source);
	pr_uint(p, "max_calls", "max_calls %s\n", d.max_calls);
	pr_uint(p, "max_calls_per_connection", "max_calls_per_connection %s\n",
		d.max_calls_per_connection);
	/* setups a second; 0: no limit */
	pr_uint(p, "max_call_rate", "max_call_rate %s\n", d.max_call_rate);
	pr_uint(p, "max_calls_per_source", "max_calls_per_source %s\n",
		d.max_calls_per_source);
	pr_uint(p, "max_invalid_messages", "max_invalid_messages %s\n",
		d.max_invalid_messages);
	pr_uint(p, "idle_timeout_ms", NULL, d.idle_timeout_ms);
	pr_text(p, "idle_timeout %s\n", d.idle_timeout_ms ?
		age_str(d.idle_timeout_ms, buf, sizeof(buf)) : "off");
	pr_uint(p, "conns_accepted", "conns_accepted %s\n", d.conns_accepted);
	pr_uint(p, "conns_refused", "conns_refused %s\n", d.conns_refused);
	pr_uint(p, "calls_accepted", "calls_accepted %s\n", d.calls_accepted);
	pr_uint(p, "calls_refused", "calls_refused %s\n", d.calls_refused);
	pr_uint(p, "reloads", "reloads %s\n", d.reloads);
	pr_uint(p, "reloads_failed", "reloads_failed %s\n", d.reloads_failed);
	if (d.dm) {	/* RADIUS Disconnect-Messages */
		unsigned int i;

		pr_uint(p, "dm_received", "dm_received %s\n", d.dm_received);
		pr_uint(p, "dm_acks", "dm_acks %s\n", d.dm_acks);
		pr_uint(p, "dm_naks", "dm_naks %s\n", d.dm_naks);
		pr_uint(p, "dm_disconnected", "dm_disconnected %s\n",
			d.dm_disconnected);
		for (i = 0; i < CP_DM_NDROPS; i++) {
			char key[CP_KEY_MAX + 1], fmt[CP_KEY_MAX + 8];

			snprintf(key, sizeof(key), "dm_dropped_%s",
				 cp_dm_drop_name(i));
			snprintf(fmt, sizeof(fmt), "%s %%s\n", key);
			pr_uint(p, key, fmt, d.dm_dropped[i]);
		}
	}
	pr_close_obj(p);
	kd_info_free(&d);
	return EXIT_OK;
}
