// SPDX-License-Identifier: GPL-2.0
/*
 * kpptpctl [ -s [ -s ] ] conn show [ id ID ]: kpptpd's control connections
 * and their calls, with -s each call's kernel counters:
 *
 *	conn 1 peer 10.0.0.1:40000 local 10.0.0.2:1723 server established age 12.3s
 *	    peer-hostname h peer-vendor v echo-sent 1 echo-replies 1 ...
 *	    call 4711 peer-call-id 32768 state up ifname ppp0 user alice
 *	        local 192.168.200.1 remote 192.168.200.10 pppd 1234 ppp up age 10.1s
 *
 * A relayed call ends its second line with "relay HOST:PORT relay-mode
 * MODE [relay-user NAME] relay-call ID" (the next hop, transparent or
 * terminating, the name used there, the kernel call it is paired with).
 *
 * or a JSON array of connection objects, each with a "calls" array.
 */
#include <arpa/inet.h>
#include <string.h>

#include "kpptpctl.h"

static void print_kd_call(struct ctl *ctl, struct kpptp_nl *nl,
			  const struct kd_call *k)
{
	struct printer *p = &ctl->pr;
	char a[INET_ADDRSTRLEN], buf[1024];
	struct kpptp_call_info info;

	pr_open_obj(p, NULL);
	pr_uint(p, "id", "    call %s", k->id);
	pr_uint(p, "peer_call_id", " peer-call-id %s", k->peer_id);
	pr_string(p, "state", " state %s", ctl_safe(ctl, k->state, buf, sizeof(buf)));
	if (k->kernel_id)
		pr_uint(p, "kernel_call_id", " kernel-call %s", k->kernel_id);
	pr_string(p, "ifname", " ifname %s",
		  k->ifname[0] ? ctl_safe(ctl, k->ifname, buf, sizeof(buf)) : NULL);
	pr_string(p, "user", " user %s",
		  k->user[0] ? ctl_safe(ctl, k->user, buf, sizeof(buf)) : NULL);
	pr_text(p, "\n        ");
	pr_string(p, "local_ip", "local %s", addr_str(k->local_ip, a));
	pr_string(p, "remote_ip", " remote %s", addr_str(k->remote_ip, a));
	if (k->pppd_pid)
		pr_uint(p, "pppd_pid", " pppd %s", k->pppd_pid);
	else
		pr_string(p, "pppd_pid", " pppd %s", NULL);
	pr_string(p, "ppp", " ppp %s", ctl_safe(ctl, k->ppp, buf, sizeof(buf)));
	pr_uint(p, "uptime_ms", NULL, k->uptime_ms);
	pr_text(p, " age %s", age_str(k->uptime_ms, buf, sizeof(buf)));
	/* a relayed call: the next hop, and the call it is spliced to */
	if (k->relay[0])
		pr_string(p, "relay", " relay %s",
			  ctl_safe(ctl, k->relay, buf, sizeof(buf)));
	if (k->relay_mode[0])
		pr_string(p, "relay_mode", " relay-mode %s",
			  ctl_safe(ctl, k->relay_mode, buf, sizeof(buf)));
	if (k->relay_user[0])
		pr_string(p, "relay_user", " relay-user %s",
			  ctl_safe(ctl, k->relay_user, buf, sizeof(buf)));
	if (k->relay_call_id)
		pr_uint(p, "relay_call_id", " relay-call %s",
			k->relay_call_id);
	if (k->relay_l2tp_session)
		pr_uint(p, "relay_l2tp_session", " relay-session %s",
			k->relay_l2tp_session);
	pr_text(p, "\n");
	/* -s: the kernel's counters of the call */
	if (nl && k->kernel_id && !kpptp_call_get(nl, k->kernel_id, &info) &&
	    info.has_stats) {
		print_counters(p, &info, ctl->stats, LAYOUT_TABLE, "        ");
	}
	pr_close_obj(p);
}

static void print_kd_conn(struct ctl *ctl, struct kpptp_nl *nl,
			  const struct kd_conn *c)
{
	struct printer *p = &ctl->pr;
	char buf[1024];
	unsigned int i;

	pr_open_obj(p, NULL);
	pr_uint(p, "id", "conn %s", c->id);
	pr_string(p, "peer", " peer %s", ctl_safe(ctl, c->peer, buf, sizeof(buf)));
	pr_string(p, "local", " local %s",
		  c->local[0] ? ctl_safe(ctl, c->local, buf, sizeof(buf)) : NULL);
	pr_string(p, "role", " %s", ctl_safe(ctl, c->role, buf, sizeof(buf)));
	pr_string(p, "state", " %s", ctl_safe(ctl, c->state, buf, sizeof(buf)));
	pr_uint(p, "uptime_ms", NULL, c->uptime_ms);
	pr_text(p, " age %s\n", age_str(c->uptime_ms, buf, sizeof(buf)));
	pr_string(p, "peer_hostname", "    peer-hostname \"%s\"",
		  ctl_safe(ctl, c->peer_hostname, buf, sizeof(buf)));
	pr_string(p, "peer_vendor", " peer-vendor \"%s\"",
		  ctl_safe(ctl, c->peer_vendor, buf, sizeof(buf)));
	pr_open_obj(p, "echo");
	pr_uint(p, "sent", " echo-sent %s", c->echo_sent);
	pr_uint(p, "replies", " echo-replies %s", c->echo_replies);
	pr_uint(p, "received", " echo-received %s", c->echo_received);
	if (c->echo_rtt_ms >= 0)
		pr_uint(p, "rtt_ms", " echo-rtt %sms", (uint64_t)c->echo_rtt_ms);
	pr_close_obj(p);
	pr_text(p, "\n");
	pr_open_arr(p, "calls");
	for (i = 0; i < c->ncalls; i++)
		print_kd_call(ctl, nl, &c->calls[i]);
	pr_close_arr(p);
	pr_close_obj(p);
}

int cmd_conn_show(struct ctl *ctl, int argc, char **argv)
{
	struct kpptp_nl *nl = NULL;
	struct kd_info d;
	uint32_t id = 0;
	unsigned int i;
	int err;

	if (argc) {
		err = ctl_parse_kd_id(ctl, argc, argv, UINT32_MAX, &id);
		if (err)
			return err;
	}
	err = kd_get(ctl, &d);
	if (err)
		return err;
	if (ctl->stats) {
		err = ctl_open(&nl);
		if (err) {
			kd_info_free(&d);
			return err;
		}
	}
	if (id) {
		for (i = 0; i < d.nconns && d.conns[i].id != id; i++)
			;
		if (i == d.nconns) {
			ctl_error("conn show: no control connection %u", id);
			err = EXIT_KERNEL;
			goto out;
		}
	}
	pr_open_arr(&ctl->pr, NULL);
	for (i = 0; i < d.nconns; i++)
		if (!id || d.conns[i].id == id)
			print_kd_conn(ctl, nl, &d.conns[i]);
	pr_close_arr(&ctl->pr);
out:
	if (nl)
		kpptp_nl_close(nl);
	kd_info_free(&d);
	return err;
}
