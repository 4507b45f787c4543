#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# intree.sh: place kpptp in a kernel source tree, for packagers who build
# it with the kernel rather than with DKMS.
#
# usage: scripts/intree.sh KSRC
#
# KSRC gets:
#   drivers/net/ppp/kpptp/      kernel/*.[ch] (not the KUnit suites), a
#                               Makefile and a Kconfig
#   include/uapi/linux/kpptp.h  the netlink API
#   drivers/net/ppp/Kconfig     'source "drivers/net/ppp/kpptp/Kconfig"'
#                               after the PPTP entry
#   drivers/net/ppp/Makefile    obj-$(CONFIG_PPTP_KPPTP) += pppox.o kpptp/
#
# CONFIG_PPTP_KPPTP (tristate) depends on PPP and NET_IPGRE_DEMUX and
# excludes CONFIG_PPTP: both claim GRE version 1 and PX_PROTO_PPTP.  Run it
# again to update the files; the two hooks are added once.  Then, e.g.:
#
#	scripts/config --disable PPTP --module PPTP_KPPTP && make olddefconfig
#	make drivers/net/ppp/kpptp/kpptp.ko
set -eu

SRC=$(cd "$(dirname "$0")/.." && pwd)
KSRC=${1:?usage: scripts/intree.sh KSRC}
PPP=$KSRC/drivers/net/ppp
DIR=$PPP/kpptp

[ -f "$PPP/Kconfig" ] && [ -f "$PPP/Makefile" ] && grep -q '^config PPTP$' "$PPP/Kconfig" ||
	{ echo "intree.sh: $KSRC is not a kernel tree with drivers/net/ppp and PPTP" >&2; exit 1; }

mkdir -p "$DIR"
rm -f "$DIR"/*.[ch]
for f in "$SRC"/kernel/*.[ch]; do
	case $f in *_test.c) continue ;; esac
	cp "$f" "$DIR/"
done
cp "$SRC/include/uapi/linux/kpptp.h" "$KSRC/include/uapi/linux/kpptp.h"

objs=$(cd "$DIR" && ls ./*.c | sed 's|^\./||; s|\.c$|.o|' | tr '\n' ' ' | sed 's/ $//')
cat >"$DIR/Makefile" <<EOF
# SPDX-License-Identifier: GPL-2.0
# kpptp: PPTP's enhanced GRE data path (placed by kpptp's scripts/intree.sh)
ccflags-y := -D'pr_fmt(fmt)=KBUILD_MODNAME ": " fmt'
# feature tests for compat.h, as in kpptp's own Kbuild
ccflags-y += \$(shell grep -qs 'void hrtimer_setup' \\
	\$(srctree)/include/linux/hrtimer.h && echo -DKPPTP_HAVE_HRTIMER_SETUP)
ccflags-y += \$(shell grep -qs 'struct sockaddr_unsized {' \\
	\$(srctree)/include/linux/socket.h && echo -DKPPTP_HAVE_SOCKADDR_UNSIZED)
ccflags-y += \$(shell grep -qs 'direct_xmit;' \\
	\$(srctree)/include/linux/ppp_channel.h && echo -DKPPTP_HAVE_PPP_DIRECT_XMIT)

obj-\$(CONFIG_PPTP_KPPTP) += kpptp.o
kpptp-y := $objs
EOF

cat >"$DIR/Kconfig" <<'EOF'
# SPDX-License-Identifier: GPL-2.0
config PPTP_KPPTP
	tristate "PPTP (RFC 2637) enhanced GRE data path: kpptp"
	depends on PPP && NET_IPGRE_DEMUX && INET
	depends on PPTP = n
	select DST_CACHE
	help
	  kpptp carries the data of PPTP calls (RFC 2637) in the kernel:
	  GRE version 1 with the RFC's sliding window (sequence and
	  acknowledgment numbers, receive reordering, a transmit window,
	  adaptive acknowledgment timeouts), one ppp_generic channel per
	  call, per network namespace, configured over the generic netlink
	  family "kpptp" (include/uapi/linux/kpptp.h).  Its PX_PROTO_PPTP
	  sockets keep the interface of the PPTP driver above, which it
	  replaces: the two cannot be built together.  The control protocol
	  (TCP 1723) stays in userspace: kpptpd, or pppd with kpptp.so.

	  To compile this driver as a module, choose M here: the module
	  will be called kpptp.  If unsure, say N.
EOF

# the hooks, once
if ! grep -q 'drivers/net/ppp/kpptp/Kconfig' "$PPP/Kconfig"; then
	# right after PPTP's entry: before whatever construct comes next
	awk 'done == 0 && seen && /^(config|menuconfig|if|endif|choice|endchoice|source|comment|menu|endmenu)( |$)/ {
		print "source \"drivers/net/ppp/kpptp/Kconfig\"\n"; done = 1 }
	     /^config PPTP$/ { seen = 1 }
	     { print }
	     END { if (seen && !done) print "\nsource \"drivers/net/ppp/kpptp/Kconfig\"" }' \
		"$PPP/Kconfig" >"$PPP/Kconfig.kpptp"
	mv "$PPP/Kconfig.kpptp" "$PPP/Kconfig"
	grep -q '^source "drivers/net/ppp/kpptp/Kconfig"$' "$PPP/Kconfig" ||
		{ echo "intree.sh: could not hook kpptp into $PPP/Kconfig" >&2; exit 1; }
fi
grep -q 'CONFIG_PPTP_KPPTP' "$PPP/Makefile" ||
	echo 'obj-$(CONFIG_PPTP_KPPTP) += pppox.o kpptp/' >>"$PPP/Makefile"
echo "intree.sh: kpptp placed in $DIR (CONFIG_PPTP_KPPTP)"
