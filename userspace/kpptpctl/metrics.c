// SPDX-License-Identifier: GPL-2.0
/*
 * kpptpctl metrics: the namespace's kpptp.ko counters and kpptpd's, in the
 * Prometheus text exposition format (version 0.0.4), for node_exporter's
 * textfile collector or any scraper that runs a command.  Names and types
 * are listed in kpptpctl(8); a family is printed whole or not at all.
 */
#include <errno.h>
#include <inttypes.h>

#include "kpptpctl.h"

static void family(FILE *out, const char *name, const char *type,
		   const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void sample(FILE *out, const char *name, uint64_t v)
{
	fprintf(out, "%s %" PRIu64 "\n", name, v);
}

/* A family of one sample; @type "gauge" or "counter". */
static void single(FILE *out, const char *name, const char *type,
		   const char *help, uint64_t v)
{
	family(out, name, type, help);
	sample(out, name, v);
}

/* label values here are our own names: [a-z_], nothing to escape */
static void labelled(FILE *out, const char *name, const char *label,
		     const char *value, uint64_t v)
{
	fprintf(out, "%s{%s=\"%s\"} %" PRIu64 "\n", name, label, value, v);
}

static void kernel_metrics(FILE *out, const struct kpptp_net_info *net)
{
	unsigned int i;

	single(out, "kpptp_calls", "gauge",
	       "Calls kpptp.ko holds in this network namespace.", net->calls);
	if (net->has_max_calls)
		single(out, "kpptp_max_calls", "gauge",
		       "Most calls this network namespace may hold.",
		       net->max_calls);
	family(out, "kpptp_dropped_packets_total", "counter",
	       "GRE packets no call could take, by reason.");
	for (i = 1; i <= KPPTP_NSTATS_A_MAX; i++) {
		const char *name = kpptp_net_stat_name(i);

		if (name && (net->stats_set & (1ULL << i)))
			labelled(out, "kpptp_dropped_packets_total", "reason",
				 name, net->stats[i]);
	}
}

static void refusals(FILE *out, const char *name, const char *help,
		     const struct kd_info *d, unsigned int from,
		     unsigned int to)
{
	unsigned int r;

	family(out, name, "counter", help);
	for (r = from; r < to; r++)
		labelled(out, name, "reason", cp_refusal_name(r),
			 d->refused[r]);
}

/* RADIUS Disconnect-Messages, when kpptpd listens for them */
static void dm_metrics(FILE *out, const struct kd_info *d)
{
	const char *name = "kpptpd_radius_dm_requests_total";
	unsigned int i;

	family(out, name, "counter",
	       "RADIUS Disconnect-Messages received, by what became of them.");
	labelled(out, name, "result", "ack", d->dm_acks);
	labelled(out, name, "result", "nak", d->dm_naks);
	for (i = 0; i < CP_DM_NDROPS; i++) {
		char v[CP_KEY_MAX + 1];

		snprintf(v, sizeof(v), "dropped_%s", cp_dm_drop_name(i));
		labelled(out, name, "result", v, d->dm_dropped[i]);
	}
	single(out, "kpptpd_radius_dm_disconnected_total", "counter",
	       "Sessions ended by RADIUS Disconnect-Requests.",
	       d->dm_disconnected);
}

static void daemon_metrics(FILE *out, const struct kd_info *d)
{
	single(out, "kpptpd_up", "gauge",
	       "1 if kpptpd answered on its control socket, else 0.", !!d);
	if (!d)
		return;
	single(out, "kpptpd_uptime_seconds", "gauge",
	       "Seconds since kpptpd started.", d->uptime_ms / 1000);
	single(out, "kpptpd_connections", "gauge",
	       "Control connections kpptpd holds.", d->connections);
	single(out, "kpptpd_calls", "gauge",
	       "Calls kpptpd holds (sessions), counting those whose pppd is still exiting.",
	       d->calls);
	single(out, "kpptpd_connections_accepted_total", "counter",
	       "Control connections accepted.", d->conns_accepted);
	refusals(out, "kpptpd_connections_refused_total",
		 "Control connections refused, by reason.", d, 0,
		 CP_FIRST_CALL_REFUSAL);
	single(out, "kpptpd_calls_accepted_total", "counter",
	       "Call setups accepted.", d->calls_accepted);
	refusals(out, "kpptpd_calls_refused_total",
		 "Call setups refused, by reason.", d, CP_FIRST_CALL_REFUSAL,
		 CP_NREFUSALS);
	single(out, "kpptpd_reloads_total", "counter",
	       "Configuration reloads, failed ones included.", d->reloads);
	single(out, "kpptpd_reloads_failed_total", "counter",
	       "Configuration reloads refused (the old configuration stayed).",
	       d->reloads_failed);
	if (d->dm)
		dm_metrics(out, d);
}

void metrics_print(FILE *out, const struct kpptp_net_info *net,
		   const struct kd_info *d)
{
	kernel_metrics(out, net);
	daemon_metrics(out, d);
}

int cmd_metrics(struct ctl *ctl, int argc, char **argv)
{
	struct kpptp_net_info net;
	struct kd_info d;
	bool have_daemon = false;
	int err, fd;

	(void)argv;
	if (argc)
		return ctl_usage_error(ctl, "takes no arguments");
	if (ctl->pr.json)
		return ctl_usage_error(ctl, "Prometheus text only: no -j");
	err = ctl_net_get(&net, "metrics");
	if (err)
		return err;
	/* no kpptpd on the socket is a state to report (kpptpd_up 0), not
	 * an error; a socket we may not use, or a bad answer, is */
	fd = kd_connect(ctl, true);
	if (fd < 0 && errno != ENOENT && errno != ECONNREFUSED) {
		kd_connect_error(ctl, errno);
		return EXIT_KERNEL;
	}
	if (fd >= 0) {
		err = kd_get_on(fd, &d);
		if (err)
			return err;
		have_daemon = true;
	}
	metrics_print(ctl->pr.out, &net, have_daemon ? &d : NULL);
	if (have_daemon)
		kd_info_free(&d);
	return EXIT_OK;
}
