#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 400
# TCP through a lossy, reordering underlay, in one boot: plain veth, the
# in-tree pptp.ko and kpptp.ko over the same static PPP link (pptp-static,
# PX_PROTO_PPTP sockets), iperf3 single stream under clean, 5% reorder +
# 1 ms delay, and 1% loss (netem on both veth ends; tests/bench/lib.sh);
# each figure the better of two 3 s runs.
# Targets (issue 3): reorder kpptp >= 0.6x veth, loss kpptp >= 1.5x
# pptp.ko, clean kpptp >= 0.9x pptp.ko (1.0x less a noise margin: on the
# shared 2-core host two back-to-back 3 s runs of one datapath differed by
# 5-35% within a boot; with the better of two, clean kpptp/pptp.ko came
# out 1.15-1.37 in three boots, so 0.9 fails only on a real regression or
# an unusually bad minute on the host).
. "$(dirname "$0")/../bench/lib.sh"
BENCH_T=${KPPTP_NETEM_T:-3}

# best_of_2: two runs back to back, the better one (other jobs on the host
# only ever take throughput away).
best_of_2() {
	local a b
	a=$(tcp_mbps 1)
	b=$(tcp_mbps 1)
	echo "  runs: $a $b" >&2
	python3 -c 'import sys; print(max(map(float, sys.argv[1:])))' "$a" "$b"
}

setup_veth_pair
# Condition by condition, the three datapaths back to back, so that the
# ratios compare runs seconds apart (the host's load drifts over minutes).
declare -A mbps
for cond in clean reorder loss; do
	for dp in veth pptp.ko kpptp; do
		dp_up "$dp"
		underlay "$cond"
		mbps[$dp,$cond]=$(best_of_2)
		echo "$dp $cond: ${mbps[$dp,$cond]} Mbit/s"
		if [ "$dp" = kpptp ]; then
			echo "  receiver (n2 call 2000): $(call_stats n2 2000)"
			echo "  sender   (n1 call 1000): $(call_stats n1 1000)"
		fi
		if [ "$dp" = kpptp ] && [ "$cond" = loss ]; then
			# Why, not judged: again with the receiver's reorder timeout
			# at 2 ms instead of the default, then with no reorder queue
			# (a lost packet holds the ones after it until the timeout).
			n2 "$CTL" call set id 2000 reorder-timeout 2
			echo "kpptp loss, receiver reorder-timeout 2 ms (not judged): $(tcp_mbps 1) Mbit/s"
			n2 "$CTL" call set id 2000 reorder off
			echo "kpptp loss, receiver reorder off (not judged): $(tcp_mbps 1) Mbit/s"
		fi
		underlay clean
		dp_down
	done
done

echo
printf '%-8s %8s %8s %8s %14s %12s\n' underlay veth pptp.ko kpptp kpptp/pptp.ko kpptp/veth
for cond in clean reorder loss; do
	printf '%-8s %8s %8s %8s %14s %12s\n' "$cond" "${mbps[veth,$cond]}" \
		"${mbps[pptp.ko,$cond]}" "${mbps[kpptp,$cond]}" \
		"$(ratio "${mbps[kpptp,$cond]}" "${mbps[pptp.ko,$cond]}")" \
		"$(ratio "${mbps[kpptp,$cond]}" "${mbps[veth,$cond]}")"
done
echo

bad=0
check() { # check TEXT A B FACTOR
	if at_least "$2" "$3" "$4"; then
		pass "$1: $2 >= $4 x $3 Mbit/s"
	else
		echo "not ok - $1: $2 < $4 x $3 Mbit/s (ratio $(ratio "$2" "$3"))"
		bad=$((bad + 1))
	fi
}
for k in "${!mbps[@]}"; do
	[ "${mbps[$k]}" != 0 ] || fail "iperf3 failed for $k"
done
check "reorder 5%: kpptp vs veth" "${mbps[kpptp,reorder]}" "${mbps[veth,reorder]}" 0.6
check "loss 1%: kpptp vs pptp.ko" "${mbps[kpptp,loss]}" "${mbps[pptp.ko,loss]}" 1.5
check "clean: kpptp vs pptp.ko" "${mbps[kpptp,clean]}" "${mbps[pptp.ko,clean]}" 0.9
use_module kpptp
[ "$bad" -eq 0 ] || fail "$bad throughput target(s) not met"
