/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kpptp genl attributes <-> the model (model.h), with libnl.  Pure
 * functions of a message: no socket, so they are unit-tested without a
 * kernel and are the place a fuzzer would start.
 */
#ifndef KPPTP_CODEC_H
#define KPPTP_CODEC_H

#include "model.h"

struct nl_msg;
struct nlmsghdr;

/*
 * Append the attributes named in @cfg->set, each with its uapi width.
 * Returns 0 or -EMSGSIZE.
 */
int kpptp_put_call_cfg(struct nl_msg *msg, const struct kpptp_call_cfg *cfg);

/*
 * Parse a call message (CALL_GET reply, CALL_NEW reply, event).  Returns
 * 0, or -EINVAL if an attribute has the wrong size or the call ID is missing.
 * Attributes newer than this program are ignored.
 */
int kpptp_parse_call(struct nlmsghdr *nlh, struct kpptp_call_info *out);

/*
 * Parse a CAPTURE_FRAME message; out->data points into @nlh.  Returns 0 or
 * -EINVAL (another command, an attribute missing or of the wrong size).
 */
int kpptp_parse_frame(struct nlmsghdr *nlh, struct kpptp_frame *out);

/* Parse a NET_GET reply.  Returns 0 or -EINVAL. */
int kpptp_parse_net(struct nlmsghdr *nlh, struct kpptp_net_info *out);

#endif /* KPPTP_CODEC_H */
