#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 400
# TCP through a lossy, reordering underlay, in one boot: plain veth, the
# in-tree pptp.ko and kpptp.ko over the same static PPP link (pptp-static,
# PX_PROTO_PPTP sockets), iperf3 single stream under clean, 5% reorder +
# 1 ms delay, and 1% loss (netem on both veth ends; tests/bench/lib.sh);
# each figure the better of two 3 s runs.
# Judged: only what works or does not, with margins wider than the noise
# (a ratio of two 3 s runs moved 0.90-1.53 clean and 0.54-1.6 with loss
# across boots of one commit): the reorder queue keeps TCP through 5%
# reordering at >= 2x pptp.ko (which drops every late packet), and clean
# and 1% loss kpptp >= 0.25x pptp.ko (a broken datapath, not a slow one).
# The performance targets (issue 10) are printed for information only:
# make bench judges them on medians of interleaved runs.
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
info() { # info TEXT A B FACTOR: a target of make bench, printed only
	local v="met"
	at_least "$2" "$3" "$4" || v="not met"
	echo "information (make bench judges it on medians): $1 >= $4 x: $v here (ratio $(ratio "$2" "$3"))"
}
info "clean TCP: kpptp / pptp.ko" "${mbps[kpptp,clean]}" "${mbps[pptp.ko,clean]}" 1.3
info "loss 1%: kpptp / pptp.ko" "${mbps[kpptp,loss]}" "${mbps[pptp.ko,loss]}" 1.0
check "reorder 5%: kpptp vs pptp.ko" "${mbps[kpptp,reorder]}" "${mbps[pptp.ko,reorder]}" 2
check "loss 1%: kpptp vs pptp.ko" "${mbps[kpptp,loss]}" "${mbps[pptp.ko,loss]}" 0.25
check "clean: kpptp vs pptp.ko" "${mbps[kpptp,clean]}" "${mbps[pptp.ko,clean]}" 0.25
use_module kpptp
[ "$bad" -eq 0 ] || fail "$bad functional guard(s) failed"
