/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kpptp generic netlink client (libnl-3 / libnl-genl-3): one handle per
 * socket, blocking requests, events on a handle of their own.
 *
 *	struct kpptp_nl *nl;
 *	int err = kpptp_nl_open(&nl);	(-ENOENT: kpptp.ko is not loaded)
 *	err = kpptp_call_new(nl, &cfg, &info);
 *	if (err)
 *		... kpptp_nl_error(nl)->msg is the kernel's explanation
 *
 * Every function returns 0 or a negative errno: the kernel's answer for
 * requests it refused, -EIO (and a libnl message) for transport failures.
 */
#ifndef KPPTP_NL_H
#define KPPTP_NL_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"

struct kpptp_nl;

/* Why the last request failed, from the kernel's extended ACK. */
struct kpptp_nl_error {
	int code;		/* negative errno, 0 after a success */
	char msg[256];		/* the kernel's (or libnl's) text, or "" */
	int attr;		/* KPPTP_A_* the kernel blamed, or 0 */
	int missing_attr;	/* required KPPTP_A_* that was absent, or 0 */
	bool has_range;		/* @attr's policy range, when reported */
	uint64_t min, max;
};

/* Open a request handle.  -ENOENT: the "kpptp" family does not exist. */
int kpptp_nl_open(struct kpptp_nl **out);
void kpptp_nl_close(struct kpptp_nl *nl);
const struct kpptp_nl_error *kpptp_nl_error(const struct kpptp_nl *nl);

/* CALL_NEW; @out (may be NULL) is the call as created, with its ID. */
int kpptp_call_new(struct kpptp_nl *nl, const struct kpptp_call_cfg *cfg,
		   struct kpptp_call_info *out);
/* CALL_SET: cfg->id and the fields in cfg->set. */
int kpptp_call_set(struct kpptp_nl *nl, const struct kpptp_call_cfg *cfg);
int kpptp_call_del(struct kpptp_nl *nl, uint16_t id);
int kpptp_call_get(struct kpptp_nl *nl, uint16_t id,
		   struct kpptp_call_info *out);

/*
 * Another generic netlink family on @nl's socket (kpptpd looks at the
 * kernel's L2TP tunnels): its ID, -ENOENT if there is none; then one
 * request @req of it (built by the caller, freed here), read to its ACK
 * like ours, @parse called with @arg for each reply.
 */
struct nl_msg;
struct nlmsghdr;
int kpptp_nl_resolve(struct kpptp_nl *nl, const char *family);
int kpptp_nl_request(struct kpptp_nl *nl, struct nl_msg *req,
		     void (*parse)(struct nlmsghdr *nlh, void *arg), void *arg);

/* Called per call; return non-zero to skip the rest (the dump is drained). */
typedef int (*kpptp_call_cb)(const struct kpptp_call_info *call, void *arg);
int kpptp_call_dump(struct kpptp_nl *nl, kpptp_call_cb cb, void *arg);
int kpptp_net_get(struct kpptp_nl *nl, struct kpptp_net_info *out);
/* NET_SET of the namespace's call limit. */
int kpptp_net_set_max_calls(struct kpptp_nl *nl, uint32_t max_calls);

/*
 * Events.  Join the "events" group on a handle that is then used for
 * nothing else; poll kpptp_nl_fd() and call kpptp_nl_read_events(), which
 * reads one batch (blocking if none is queued) and calls @cb per event;
 * @cb returning non-zero makes it return 1.  -ENOBUFS: the socket overran
 * and events were lost (the handle stays subscribed: resynchronise with a
 * dump).
 */
int kpptp_nl_subscribe(struct kpptp_nl *nl);
int kpptp_nl_fd(const struct kpptp_nl *nl);
/* The handle's netlink port ID (CALL_GET's capture_portid names it). */
uint32_t kpptp_nl_portid(const struct kpptp_nl *nl);
int kpptp_nl_read_events(struct kpptp_nl *nl, kpptp_call_cb cb, void *arg);

/*
 * Capture.  CALL_CAPTURE on @nl, which then receives the call's frames
 * until it is closed or the call is deleted; snaplen and rate 0 mean the
 * kernel's defaults.  Frames (and, when @nl is subscribed, events) that
 * come before the kernel's answer go to @fcb and @ecb already; afterwards
 * kpptp_nl_read() reads one batch, as kpptp_nl_read_events() does.  A
 * callback returning non-zero makes either return 1.  The handle's buffers
 * grow for frames of up to 64 KB and bursts of them.
 */
typedef int (*kpptp_frame_cb)(const struct kpptp_frame *frame, void *arg);
int kpptp_call_capture(struct kpptp_nl *nl, uint16_t id, uint32_t snaplen,
		       uint32_t rate, kpptp_call_cb ecb, kpptp_frame_cb fcb,
		       void *arg);
int kpptp_nl_read(struct kpptp_nl *nl, kpptp_call_cb ecb, kpptp_frame_cb fcb,
		  void *arg);

#endif /* KPPTP_NL_H */
