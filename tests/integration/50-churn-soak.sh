#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 600
# Soak: calls created and deleted over netlink many times, then network
# namespaces created and deleted with live calls in them.  Afterwards the
# unreclaimable slab is back near its starting level, and every namespace
# was freed (the net_namespace slab cache's object count is back).
#
# Sizes: KPPTP_SOAK_CALLS (default 5000) and KPPTP_SOAK_NETNS (default 50)
# here; "make soak" runs 100000 and 1000.
. "$(dirname "$0")/lib.sh"
KFUZZ=$KPPTP_SRC/tests/tools/kpptp-kfuzz.py
CALLS=${KPPTP_SOAK_CALLS:-5000}
NETNS=${KPPTP_SOAK_NETNS:-50}
setup_veth_pair

# settle: let RCU callbacks and deferred frees run, then drop caches.
settle() {
	sleep 2
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 1
}
sunreclaim() { sed -n 's/^SUnreclaim: *\([0-9]*\) kB/\1/p' /proc/meminfo; }
netns_objs() { awk '$1 == "net_namespace" { print $2 }' /proc/slabinfo; }

# A first round warms the caches: what grows then is not a leak.
n1 python3 "$KFUZZ" churn --cycles 200 --batch 100 --peer 10.0.0.2 >/dev/null
settle
slab0=$(sunreclaim)
ns0=$(netns_objs)

n1 python3 "$KFUZZ" churn --cycles "$CALLS" --batch 100 --peer 10.0.0.2
no_calls_left n1

for ((i = 0; i < NETNS; i++)); do
	ns=$NS_PREFIX-s$i
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	ip -n "$ns" link add d0 type dummy	# a route to the calls' peer
	ip -n "$ns" addr add 10.0.0.1/24 dev d0
	ip -n "$ns" link set d0 up
	for id in 1 2 3 4 5 6 7 8; do
		ip netns exec "$ns" "$CTL" call add id "$id" peer 10.0.0.2 peer-id "$id" >/dev/null
	done
	ip netns del "$ns"
done
echo "$NETNS namespaces deleted with 8 live calls each"

# Namespaces are freed by a workqueue after an RCU grace period.
for ((i = 0; i < 30; i++)); do
	settle
	[ "$(netns_objs)" -le "$ns0" ] && break
done
slab1=$(sunreclaim)
ns1=$(netns_objs)
echo "SUnreclaim ${slab0} kB -> ${slab1} kB ($((slab1 - slab0)) kB); net_namespace objects $ns0 -> $ns1"
[ "$ns1" -le "$ns0" ] || fail "$((ns1 - ns0)) network namespaces were not freed"
pass "every namespace freed"
# A call costs about 2 kB with its per-CPU counters: a leak of one per cycle
# would show as megabytes.  Allow 1 MB of noise.
[ $((slab1 - slab0)) -lt 1024 ] || fail "unreclaimable slab grew by $((slab1 - slab0)) kB"
pass "slab back to its starting level"
