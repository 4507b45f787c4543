// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for lib/codec.c: arbitrary bytes as the payload of a
 * generic netlink message from the kernel (reply or event), parsed as a call
 * and as namespace figures.  Whatever comes in, the parsers must neither
 * read outside the message nor leave a half-filled result on success.
 *
 *	make -C userspace fuzz && userspace/build/fuzz_codec -max_total_time=60
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>

#include "codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kpptp_call_info call;
	struct kpptp_net_info net;
	struct nlmsghdr *nlh;
	size_t len;

	if (size > 65536)
		return 0;
	/* exactly the message's size, so ASan sees any overread */
	len = NLMSG_HDRLEN + size;
	nlh = malloc(len);
	if (!nlh)
		return 0;
	memset(nlh, 0, NLMSG_HDRLEN);
	nlh->nlmsg_len = (uint32_t)len;
	nlh->nlmsg_type = 0x20;
	memcpy((char *)nlh + NLMSG_HDRLEN, data, size);

	if (!kpptp_parse_call(nlh, &call)) {
		if (!(call.cfg.set & KPPTP_CFG(KPPTP_A_CALL_ID)))
			abort();	/* a call without an ID was accepted */
		if (memchr(call.ifname, 0, sizeof(call.ifname)) == NULL)
			abort();	/* unterminated interface name */
	}
	kpptp_parse_net(nlh, &net);
	free(nlh);
	return 0;
}
