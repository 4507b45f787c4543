#!/bin/bash
# Module lifetime: unloading with live calls (netlink-made, in several
# namespaces) is clean; a socket in use pins the module; a namespace that
# goes away takes its calls along; exclusivity with pptp.ko.
. "$(dirname "$0")/lib.sh"
setup_veth_pair

for i in $(seq 1 64); do
	echo "call add id $i peer 10.0.0.2 peer-id $i"
done | while read -r line; do n1 "$CTL" $line >/dev/null; done
n2 "$CTL" call add id 7 peer 10.0.0.1 peer-id 7 >/dev/null
[ "$(net_field n1 calls)" = 64 ] || fail "64 calls expected"
pass "64 calls in n1, 1 in n2"

# A namespace going away deletes its calls.
setup_ns n3
ip link add veth3 netns "$NS3" type veth peer name veth4 netns "$NS2"
n3 ip addr add 10.0.1.1/24 dev veth3
n3 ip link set veth3 up
n3 "$CTL" call add id 9 peer 10.0.1.2 peer-id 9 >/dev/null
ip netns del "$NS3"
pass "namespace with a call deleted"

# A socket holding a call pins the module.
n1 "$STATIC" --peer 10.0.0.2 --local-id 1000 --peer-id 1000 >"$TMP/s1" &
wait_for "grep -q unit $TMP/s1"
if rmmod kpptp 2>/dev/null; then
	fail "rmmod succeeded with a socket open"
fi
pkill -f "local-id 1000"
wait_for "! pgrep -f 'local-id 1000'"
pass "an open socket pins the module"

# an exiting process leaves pgrep's sight (its mm goes) before its files
# close: the module may be pinned a moment longer
wait_for "rmmod kpptp 2>/dev/null" 10 || fail "rmmod with 65 netlink calls: $(rmmod kpptp 2>&1)"
grep -q '^kpptp ' /proc/modules && fail "still loaded"
pass "unloaded with live calls"

# Exclusive with pptp.ko, both ways, with a clear message.
modprobe pptp
if insmod "$KPPTP_KO" 2>/dev/null; then
	fail "kpptp.ko loaded next to pptp.ko"
fi
dmesg | grep -q "kpptp: GRE version 1 is already handled, most likely by pptp.ko" ||
	fail "no clear message: $(dmesg | tail -3)"
rmmod pptp
insmod "$KPPTP_KO"
if modprobe pptp 2>/dev/null; then
	fail "pptp.ko loaded next to kpptp.ko"
fi
pass "exclusive with pptp.ko"
[ "$(n1 "$CTL" -j show)" = "[]" ] || fail "calls survived the reload"
