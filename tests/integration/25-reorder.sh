#!/bin/bash
# Reordering on the underlay (tc netem): kpptp.ko holds early packets and
# delivers in order, so PPP never sees an inversion or a duplicate; with
# reordering switched off it drops instead, still never out of order.
. "$(dirname "$0")/lib.sh"
setup_veth_pair
SEQ=$KPPTP_SRC/tests/tools/seqcheck.py

n1 "$CTL" call add id 100 peer 10.0.0.2 peer-id 200 >/dev/null
n2 "$CTL" call add id 200 peer 10.0.0.1 peer-id 100 >/dev/null
start_pppd n1 100 192.168.100.1:192.168.100.2
start_pppd n2 200 192.168.100.2:192.168.100.1
wait_link n1 ppp0 192.168.100.2 30
wait_link n2 ppp0 192.168.100.1 30

# n2 -> n1 is reordered (and duplicated) on the wire
n2 tc qdisc add dev veth2 root netem delay 2ms reorder 25% 50% duplicate 2%

# What ppp_generic delivers goes through netif_rx() into the backlog of the
# CPU that delivered it, and two CPUs' backlogs race each other: frames
# handed over in order on different CPUs can still reach the socket out of
# order, after kpptp.  A NIC steers a tunnel to one CPU; here the sender is
# pinned, so netem's (pinned) timer and our receive path stay on CPU 0, and
# timers do not migrate.  Then the socket sees exactly what kpptp delivered.
tm=$(cat /proc/sys/kernel/timer_migration)
echo 0 >/proc/sys/kernel/timer_migration
on_cleanup "echo $tm >/proc/sys/kernel/timer_migration"

run() { # run LABEL: 2000 numbered datagrams n2 -> n1, prints the result
	n1 python3 "$SEQ" recv 7000 2000 >"$TMP/seq" &
	local rpid=$!
	wait_listen n1 udp 7000
	n2 taskset -c 0 python3 "$SEQ" send 192.168.100.1 7000 2000
	wait "$rpid"
	echo "$1: $(cat "$TMP/seq")"
}

run reorder
read -r _ got _ inv _ dups <"$TMP/seq"
[ "$inv" = 0 ] && [ "$dups" = 0 ] || fail "PPP saw $inv inversions, $dups duplicates"
reordered=$(call_field n1 100 rx_reordered)
dup=$(call_field n1 100 rx_duplicate)
[ "$reordered" -gt 50 ] || fail "only $reordered packets reordered"
[ "$dup" -gt 0 ] || fail "netem duplicates not counted"
[ "$got" -gt 1900 ] || fail "only $got of 2000 arrived"
pass "reorder queue: $got delivered in order, $reordered reordered, $dup duplicates dropped"

n1 "$CTL" call set id 100 reorder off
lost_before=$(call_field n1 100 rx_lost)
run no-reorder
read -r _ got _ inv _ dups <"$TMP/seq"
[ "$inv" = 0 ] && [ "$dups" = 0 ] || fail "PPP saw $inv inversions, $dups duplicates"
lost=$(( $(call_field n1 100 rx_lost) - lost_before ))
[ "$lost" -gt 50 ] || fail "reorder off but only $lost lost"
pass "reorder off: $got delivered in order, $lost given up"

# TCP through the reordering, with and without the queue (the drop-only
# figure is what the in-tree driver's behaviour costs; printed, not judged)
iperf() { # iperf PORT: 5 s n2 -> n1, prints Mbit/s (a port per run: the
	# last run's one-shot server may still be listening as it exits)
	n1 iperf3 -s -D -1 -p "$1"
	wait_listen n1 tcp "$1"
	n2 iperf3 -c 192.168.100.1 -p "$1" -t 5 -J --connect-timeout 5000 >"$TMP/iperf.json"
	python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e6))' "$TMP/iperf.json"
}
off=$(iperf 5201)
n1 "$CTL" call set id 100 reorder on
on=$(iperf 5202)
echo "iperf3 through 25% reordering: $on Mbit/s with the reorder queue, $off Mbit/s dropping"
[ "$on" -ge "$(mbit_floor 6)" ] || fail "iperf3 $on Mbit/s"
pass "iperf3 $on Mbit/s through 25% reordering (drop-only: $off)"
