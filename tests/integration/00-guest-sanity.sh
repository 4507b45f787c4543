#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The guest is what the other tests expect: trixie's 6.12 kernel and pppd
# 2.5 (KPPTP_GUEST=bookworm: 6.1 and pppd 2.4), the PPP modules, /dev/ppp,
# working network namespaces and veth, and kpptp.ko loaded by the runner.  Every check runs; the test fails at the
# end if any did.
. "$(dirname "$0")/lib.sh"

failed=0
check() {
	local what=$1
	shift
	if "$@"; then
		pass "$what"
	else
		echo "not ok - $what" >&2
		failed=$((failed + 1))
	fi
}

case ${KPPTP_GUEST:-trixie} in
bookworm) KERNEL=6.1 PPPD=2.4 ;;
*) KERNEL=6.12 PPPD=2.5 ;;
esac
kernel_is() { [[ $(uname -r) == "$KERNEL".* ]]; }
module_loaded() { grep -q "^$1 " /proc/modules; }
dev_ppp() {
	[ -c /dev/ppp ] || mknod -m 600 /dev/ppp c 108 0
	[ -c /dev/ppp ] && exec 3<>/dev/ppp && exec 3>&-
}
pppd_is() { [[ $(pppd --version 2>&1) == *"version $PPPD."* ]]; }
veth_ping() { setup_veth_pair && n1 ping -q -c 2 -i 0.2 -W 2 10.0.0.2 >/dev/null && n2 ping -q -c 1 -W 2 10.0.0.1 >/dev/null; }
tools_present() {
	local t
	for t in ip tc tcpdump iperf3 python3 pptp pptpd modprobe ethtool sparse gcc make; do
		command -v "$t" >/dev/null || { echo "missing: $t" >&2; return 1; }
	done
}
in_tree_pptp_idle() { ! module_loaded pptp; }
# guest-init's pin_static_keys: the keys a stale int3 under TCG hit
static_keys_pinned() {
	nft list table inet kpptp_pin >/dev/null &&
		kill -0 "$(cat /run/kpptp-pin.pid)" ||
		{ cat /run/kpptp-pin.err; ps -o pid,args -p "$(cat /run/kpptp-pin.pid)"; false; }
}

echo "kernel: $(uname -r)"
echo "pppd: $(pppd --version 2>&1)"
check "kernel $KERNEL" kernel_is
check "ppp_generic loaded" module_loaded ppp_generic
check "/dev/ppp usable" dev_ppp
check "pppd $PPPD" pppd_is
check "test tools installed" tools_present
check "netns and veth ping" veth_ping
check "in-tree pptp.ko not loaded" in_tree_pptp_idle
check "kpptp.ko loaded" module_loaded kpptp
check "static keys pinned (netfilter hooks, timestamps)" static_keys_pinned

[ "$failed" -eq 0 ] || fail "$failed check(s) failed"
