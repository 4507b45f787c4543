// SPDX-License-Identifier: GPL-2.0
/*
 * kpptpctl call capture id ID [ write FILE ] [ count N ] [ snaplen N ]
 *                             [ rate N ] [ linktype PPP_WITH_DIR|PPP_PPPD ]
 *
 * One call's PPP frames, both directions, from the kernel's capture
 * (KPPTP_CMD_CALL_CAPTURE): one line per frame,
 *	12:00:01.123456 in  call 5 len 14 lcp echo-request id 3
 * (-j: one JSON object per frame), or with "write FILE" a pcap file for
 * Wireshark (or, with "linktype PPP_PPPD", tcpdump); "-" is stdout.  It
 * ends on SIGINT or SIGTERM, after "count" frames, or when the call is
 * deleted, and says on stderr how many frames it captured and lost.  The
 * kernel stops capturing when this program's socket closes.  After a
 * second without frames, and after frames were lost, it asks the kernel
 * (on a second socket) whether the capture still runs: a lost CALL_DEL
 * event, or calls gone with their namespace or module (no events), must
 * not leave it waiting for ever.
 */
#define _GNU_SOURCE	/* ppoll */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "kpptpctl.h"

struct capture {
	struct ctl *ctl;
	uint16_t id;
	FILE *pcap;			/* write FILE, or NULL: text/JSON */
	uint32_t linktype;		/* of the pcap file */
	uint64_t count;			/* stop after this many; 0: never */
	uint64_t frames;		/* captured */
	uint64_t dropped;		/* the kernel's count, latest */
	uint64_t overruns;		/* ENOBUFS reads: frames lost */
	bool deleted;			/* the call's CALL_DEL came */
	bool ended;			/* the kernel no longer captures */
	int write_errno;		/* writing FILE failed */
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

/*
 * pcap's file format (the classic one, microsecond times) by hand: two
 * fixed headers are less than linking libpcap into kpptpctl for them.
 *
 * Two link types, because no one PPP link type is decoded by both tools
 * (tried: tcpdump 4.99.5, TShark 4.0.17 and Debian 13's):
 * PPP_WITH_DIR (204, the default) is a direction byte before the frame;
 * Wireshark decodes it, tcpdump prints "UNSUPPORTED" and the bytes.
 * PPP_PPPD (166) is HDLC-like framing with the direction byte in the
 * address field's place; tcpdump decodes it, Wireshark refuses the file
 * ("network type 166 unknown or unsupported").  Either way each frame
 * gets its address and control fields and a full 2-byte protocol field,
 * whether or not the peer compressed them, so that both read it the same.
 */
#define PCAP_MAGIC		0xa1b2c3d4
#define LINKTYPE_PPP_PPPD	166
#define LINKTYPE_PPP_WITH_DIR	204
#define PCAP_PPP_HDR_MAX	4	/* direction, 0xff, 0x03, protocol's 0 */

static int pcap_header(FILE *f, uint32_t snaplen, uint32_t linktype)
{
	const struct {
		uint32_t magic;
		uint16_t major, minor;
		int32_t thiszone;
		uint32_t sigfigs, snaplen, linktype;
	} h = { PCAP_MAGIC, 2, 4, 0, 0, snaplen + PCAP_PPP_HDR_MAX,
		linktype };

	return fwrite(&h, sizeof(h), 1, f) == 1 ? 0 : -1;
}

static int pcap_record(FILE *f, uint32_t linktype,
		       const struct kpptp_frame *fr)
{
	const uint8_t *d = fr->data;
	uint32_t skip = 0, n = 0;
	uint8_t hdr[PCAP_PPP_HDR_MAX];
	struct {
		uint32_t sec, usec, caplen, len;
	} h;

	hdr[n++] = fr->dir == KPPTP_CAPTURE_OUT;	/* 0 in, 1 out */
	if (linktype == LINKTYPE_PPP_WITH_DIR)
		hdr[n++] = 0xff;
	hdr[n++] = 0x03;
	if (fr->caplen >= 2 && d[0] == 0xff && d[1] == 0x03)
		skip = 2;
	if (fr->caplen > skip && (d[skip] & 1))
		hdr[n++] = 0;	/* the protocol's compressed high byte */
	h.sec = (uint32_t)(fr->time_ns / 1000000000);
	h.usec = (uint32_t)(fr->time_ns % 1000000000 / 1000);
	h.caplen = n + fr->caplen - skip;
	h.len = n + fr->len - skip;
	if (fwrite(&h, sizeof(h), 1, f) != 1 || fwrite(hdr, n, 1, f) != 1 ||
	    (fr->caplen > skip &&
	     fwrite(d + skip, fr->caplen - skip, 1, f) != 1))
		return -1;
	return 0;
}

/* ------------------------------------------------------ text and JSON */

static const char *proto_name(unsigned int proto)
{
	switch (proto) {
	case 0x0021: return "ip";
	case 0x0057: return "ipv6";
	case 0x00fd: return "compressed";	/* MPPE/MPPC (CCP) data */
	case 0x8021: return "ipcp";
	case 0x8057: return "ipv6cp";
	case 0x80fd: return "ccp";
	case 0xc021: return "lcp";
	case 0xc023: return "pap";
	case 0xc223: return "chap";
	default: return NULL;
	}
}

/* Codes of LCP and the NCPs sharing its packet format (RFC 1661 5, 1962) */
static const char *const cp_codes[] = {
	NULL, "configure-request", "configure-ack", "configure-nak",
	"configure-reject", "terminate-request", "terminate-ack",
	"code-reject", "protocol-reject", "echo-request", "echo-reply",
	"discard-request", "identification", "time-remaining",
	"reset-request", "reset-ack",
};
static const char *const chap_codes[] = {
	NULL, "challenge", "response", "success", "failure",
};
static const char *const pap_codes[] = {
	NULL, "authenticate-request", "authenticate-ack", "authenticate-nak",
};

static const char *code_name(unsigned int proto, unsigned int code)
{
	switch (proto) {
	case 0xc223:
		return code < ARRAY_SIZE(chap_codes) ? chap_codes[code] : NULL;
	case 0xc023:
		return code < ARRAY_SIZE(pap_codes) ? pap_codes[code] : NULL;
	case 0xc021: case 0x8021: case 0x8057: case 0x80fd:
		return code < ARRAY_SIZE(cp_codes) ? cp_codes[code] : NULL;
	default:
		return NULL;
	}
}

static void print_frame(struct capture *c, const struct kpptp_frame *fr)
{
	struct printer *p = &c->ctl->pr;
	const uint8_t *d = fr->data;
	uint32_t n = fr->caplen;
	unsigned int proto;
	char buf[64], tbuf[32];
	const char *name;
	time_t sec = (time_t)(fr->time_ns / 1000000000);
	struct tm tm;

	pr_open_obj(p, NULL);
	localtime_r(&sec, &tm);
	strftime(tbuf, sizeof(tbuf), "%H:%M:%S", &tm);
	pr_uint(p, "time_ns", NULL, fr->time_ns);
	pr_text(p, "%s.%06u ", tbuf,
		(unsigned int)(fr->time_ns % 1000000000 / 1000));
	pr_string(p, "dir", "%-3s ", fr->dir == KPPTP_CAPTURE_OUT ? "out" : "in");
	pr_uint(p, "call", "call %s ", fr->call_id);
	pr_uint(p, "len", "len %s", fr->len);
	pr_uint(p, "caplen", NULL, fr->caplen);

	/* the address/control field and a compressed protocol field */
	if (n >= 2 && d[0] == 0xff && d[1] == 0x03) {
		d += 2;
		n -= 2;
	}
	if (n >= 1 && (d[0] & 1)) {
		proto = d[0];
		d++;
		n--;
	} else if (n >= 2) {
		proto = (unsigned int)d[0] << 8 | d[1];
		d += 2;
		n -= 2;
	} else {
		pr_text(p, " (cut short)\n");
		pr_close_obj(p);
		return;
	}
	name = proto_name(proto);
	if (!name) {
		snprintf(buf, sizeof(buf), "0x%04x", proto);
		name = buf;
	}
	pr_string(p, "protocol", " %s", name);
	if (n >= 2 && code_name(proto, d[0])) {
		pr_string(p, "code", " %s", code_name(proto, d[0]));
		pr_uint(p, "id", " id %s", d[1]);
	}
	pr_text(p, "\n");
	pr_close_obj(p);
}

static int on_frame(const struct kpptp_frame *fr, void *arg)
{
	struct capture *c = arg;

	if (fr->call_id != c->id)
		return 0;	/* not ours (an earlier capture's straggler) */
	c->dropped = fr->dropped;
	if (c->pcap) {
		if (pcap_record(c->pcap, c->linktype, fr)) {
			c->write_errno = errno;
			return 1;
		}
	} else {
		print_frame(c, fr);
	}
	c->frames++;
	return c->count && c->frames >= c->count;
}

static int on_event(const struct kpptp_call_info *call, void *arg)
{
	struct capture *c = arg;

	if (call->cmd != KPPTP_CMD_CALL_DEL || call->cfg.id != c->id)
		return 0;
	c->deleted = true;
	return 1;
}

static int parse_args(struct ctl *ctl, int argc, char **argv,
		      struct capture *c, const char **file, uint32_t *snaplen,
		      uint32_t *rate)
{
	struct parse_error e;
	bool have_id = false, have_linktype = false;
	int i;

	for (i = 0; i < argc; i += 2) {
		const char *key = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		int r;

		if (!val)
			return ctl_usage_error(ctl, "\"%s\" needs a value", key);
		if (!strcmp(key, "id")) {
			r = parse_call_id("call ID", val, &c->id, &e);
			have_id = true;
		} else if (!strcmp(key, "write")) {
			*file = val;
			r = 0;
		} else if (!strcmp(key, "count")) {
			r = parse_uint("count", val, 1, UINT64_MAX, &c->count,
				       &e);
		} else if (!strcmp(key, "snaplen")) {
			uint64_t v;

			/* 4: the pcap record's header is rebuilt from them */
			r = parse_uint("snaplen", val, 4, 65535, &v, &e);
			*snaplen = (uint32_t)v;
		} else if (!strcmp(key, "rate")) {
			uint64_t v;

			r = parse_uint("rate", val, 1, 1000000, &v, &e);
			*rate = (uint32_t)v;
		} else if (!strcmp(key, "linktype")) {
			if (!strcasecmp(val, "PPP_WITH_DIR"))
				c->linktype = LINKTYPE_PPP_WITH_DIR;
			else if (!strcasecmp(val, "PPP_PPPD"))
				c->linktype = LINKTYPE_PPP_PPPD;
			else
				return ctl_usage_error(ctl,
					"invalid linktype \"%s\" (PPP_WITH_DIR or PPP_PPPD)",
					val);
			have_linktype = true;
			r = 0;
		} else {
			return ctl_usage_error(ctl, "unknown key \"%s\"", key);
		}
		if (r)
			return ctl_usage_error(ctl, "%s", e.msg);
	}
	if (!have_id)
		return ctl_usage_error(ctl, "expected \"id ID\"");
	if (have_linktype && !*file)
		return ctl_usage_error(ctl, "\"linktype\" needs \"write FILE\"");
	return 0;
}

/*
 * Does the kernel still capture the call for @nl?  Asked on a handle of
 * its own (@nl's carries frames).  Takes the not-captured count while at
 * it.  0: yes; 1: no (c->deleted or c->ended says why); <0: error.
 */
static int capture_check(struct kpptp_nl *nl, struct capture *c)
{
	struct kpptp_call_info info;
	struct kpptp_nl *q;
	int err;

	if (kpptp_nl_open(&q))
		return 0;	/* cannot ask: keep going */
	err = kpptp_call_get(q, c->id, &info);
	kpptp_nl_close(q);
	if (err == -ENOENT) {
		c->deleted = true;
		return 1;
	}
	if (err)
		return 0;
	if (info.capture_portid != kpptp_nl_portid(nl)) {
		c->ended = true;
		return 1;
	}
	c->dropped = info.capture_dropped;
	return 0;
}

/* Read until a signal, the count, the call's end or an error. */
static int capture_loop(struct kpptp_nl *nl, struct capture *c,
			const sigset_t *waitmask)
{
	const struct timespec second = { .tv_sec = 1 };
	int r = 0;

	while (!stop_signal) {
		struct pollfd pfd = { .fd = kpptp_nl_fd(nl), .events = POLLIN };

		if (c->pcap && fflush(c->pcap)) {
			c->write_errno = errno;
			return 1;
		}
		fflush(stdout);
		r = ppoll(&pfd, 1, &second, waitmask);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0) {	/* a quiet second */
			r = capture_check(nl, c);
			if (r)
				return r;
			continue;
		}
		r = kpptp_nl_read(nl, on_event, on_frame, c);
		if (r == -ENOBUFS) {
			/* frames lost, and maybe the CALL_DEL event */
			c->overruns++;
			r = capture_check(nl, c);
			if (r)
				return r;
			continue;
		}
		if (r)
			return r;
	}
	return 0;
}

int cmd_call_capture(struct ctl *ctl, int argc, char **argv)
{
	struct capture c = { .ctl = ctl, .linktype = LINKTYPE_PPP_WITH_DIR };
	uint32_t snaplen = 0, rate = 0;
	const char *file = NULL;
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block, waitmask;
	struct kpptp_nl *nl;
	int err, r;

	err = parse_args(ctl, argc, argv, &c, &file, &snaplen, &rate);
	if (err)
		return err;
	if (file) {
		c.pcap = strcmp(file, "-") ? fopen(file, "wb") : stdout;
		if (!c.pcap) {
			ctl_error("call capture: %s: %s", file, strerror(errno));
			return EXIT_USAGE;
		}
		if (pcap_header(c.pcap, snaplen ? snaplen : 65535,
				c.linktype)) {
			ctl_error("call capture: %s: %s", file, strerror(errno));
			err = EXIT_USAGE;
			goto out_file;
		}
	}
	err = ctl_open(&nl);
	if (err)
		goto out_file;

	/* signals only while waiting: none is lost between check and wait */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &waitmask);
	sigdelset(&waitmask, SIGINT);
	sigdelset(&waitmask, SIGTERM);
	sigdelset(&waitmask, SIGHUP);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	/* the call's end comes as its CALL_DEL event, on the same socket */
	r = kpptp_nl_subscribe(nl);
	if (!r)
		r = kpptp_call_capture(nl, c.id, snaplen, rate, on_event,
				       on_frame, &c);
	if (r < 0) {
		err = ctl_kernel_error(nl, r, "call capture", NULL);
		goto out_nl;
	}
	if (r == 0)
		r = capture_loop(nl, &c, &waitmask);
	if (r < 0) {
		err = ctl_kernel_error(nl, r, "call capture", NULL);
		goto out_nl;
	}
	if (c.write_errno) {
		ctl_error("call capture: writing %s: %s", file,
			  strerror(c.write_errno));
		err = EXIT_KERNEL;
	}
	/* the kernel's last count, while our socket still holds the capture */
	if (!c.deleted && !c.ended)
		capture_check(nl, &c);
	fprintf(stderr, "kpptpctl: call %u: %llu frames captured, "
		"%llu not captured (over the rate), %llu socket overruns%s\n",
		c.id, (unsigned long long)c.frames,
		(unsigned long long)c.dropped,
		(unsigned long long)c.overruns,
		c.deleted ? "; the call was deleted" :
		c.ended ? "; the capture ended" : "");
out_nl:
	kpptp_nl_close(nl);
out_file:
	if (c.pcap && c.pcap != stdout && fclose(c.pcap) && !err) {
		ctl_error("call capture: %s: %s", file, strerror(errno));
		err = EXIT_KERNEL;
	}
	return err;
}
