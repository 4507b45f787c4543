#!/bin/bash
# kpptp.ko against pptp-linux's userspace GRE (its own acks, its own
# reorder buffer), both directions, clean and through 5% reordering.
#
#   n1: pptp-pac.py (control, TCP 1723) + pppd/kpptp.so on a kpptp call
#    |  veth 10.0.0.1 <-> 10.0.0.2
#   n2: pppd pty "pptp 10.0.0.1" (pptp-linux 1.10: control and GRE)
#
# The control side in n1 is a test stub that creates the kernel call with
# the peer's call ID, window and processing delay from its
# Outgoing-Call-Request; the data path is what this test is about.
. "$(dirname "$0")/lib.sh"
setup_veth_pair
SEQ=$KPPTP_SRC/tests/tools/seqcheck.py
PAC=$KPPTP_SRC/tests/tools/pptp-pac.py
command -v pptp >/dev/null || fail "pptp-linux is not installed in the guest"

# pptp-linux's packets leave from the pptp process; pinned with netem's
# timer and unmigrated timers, one CPU handles the whole path (see 25)
tm=$(cat /proc/sys/kernel/timer_migration)
echo 0 >/proc/sys/kernel/timer_migration
on_cleanup "echo $tm >/proc/sys/kernel/timer_migration"

n1 python3 "$PAC" --listen 10.0.0.1 --ctl "$CTL" --call-file "$TMP/call" >"$TMP/pac.log" 2>&1 &
wait_for "grep -q listening $TMP/pac.log" 10 || fail "pac: $(cat "$TMP/pac.log")"
n2 taskset -c 0 pppd pty "pptp 10.0.0.1 --nolaunchpppd --loglevel 1" \
	192.168.100.2:192.168.100.1 noauth nodetach nodefaultroute noipdefault \
	noccp novj nobsdcomp nodeflate mtu 1400 mru 1400 lcp-echo-interval 0 \
	logfile "$TMP/pppd-n2.log" debug >/dev/null 2>&1 &
wait_for "[ -s $TMP/call ]" 20 || fail "no call: $(cat "$TMP/pac.log")"
id=$(cat "$TMP/call")
grep "^call" "$TMP/pac.log"
start_pppd n1 "$id" 192.168.100.1:192.168.100.2
wait_link n1 ppp0 192.168.100.2 30 ||
	fail "no PPP link in n1: $(tail -5 "$TMP/pppd-n2.log")"
wait_link n2 ppp0 192.168.100.1 30 ||
	fail "no PPP link in n2: $(tail -5 "$TMP/pppd-n2.log")"

n1 ping -q -c 20 -i 0.05 -W 2 192.168.100.2 >/dev/null || fail "ping n1 -> n2"
n2 ping -q -c 20 -i 0.05 -W 2 192.168.100.1 >/dev/null || fail "ping n2 -> n1"
pass "PPP over kpptp.ko <-> pptp-linux, ping both ways"

iperf() { # iperf FROM TO_ADDR SERVER: kbit/s
	"$3" iperf3 -s -D -1
	wait_listen "$3" tcp 5201
	"$1" iperf3 -c "$2" -t 3 -J --connect-timeout 5000 >"$TMP/iperf.json" || { echo 0; return; }
	python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e3))' "$TMP/iperf.json"
}
# 1 Mbit/s each way; a debug kernel with pptp-linux in userspace may make
# less than that, so there it is divided by its slowness (250 kbit/s)
floor=$((1000 / ${KPPTP_TIMEOUT_SCALE:-1}))
up=$(iperf n1 192.168.100.2 n2)
down=$(iperf n2 192.168.100.1 n1)
[ "$up" -ge "$floor" ] && [ "$down" -ge "$floor" ] ||
	fail "iperf3: kpptp -> pptp-linux $up, back $down kbit/s (at least $floor each way)"
expect_eq "$(call_field n1 "$id" rx_invalid)" 0 "rx_invalid from pptp-linux"
# what iperf3 received n2 -> n1 (the last run) came through the kernel
# call, in packets of at most 1500 bytes, with the 40 pings
least=$(python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["end"]["sum_received"]["bytes"]) // 1500 + 40)' "$TMP/iperf.json")
rx=$(call_field n1 "$id" rx_packets)
[ "$rx" -ge "$least" ] || fail "$rx packets received, fewer than the $least iperf3 and ping imply"
rtt=$(call_field n1 "$id" rtt_us)
pass "TCP kpptp -> pptp-linux $up kbit/s, pptp-linux -> kpptp $down kbit/s; RTT estimate $rtt us"

# 5% reordering (1 ms delay) both ways: what reaches the far side of PPP
# is in order, kpptp's doing one way, pptp-linux's the other
n1 tc qdisc add dev veth1 root netem delay 1ms reorder 5% 50%
n2 tc qdisc add dev veth2 root netem delay 1ms reorder 5% 50%
flow() { # flow FROM_NS TO_NS TO_ADDR: 2000 numbered datagrams
	"$2" python3 "$SEQ" recv 7000 2000 >"$TMP/seq" &
	local rpid=$!
	wait_listen "$2" udp 7000
	"$1" taskset -c 0 python3 "$SEQ" send "$3" 7000 2000
	wait "$rpid"
	cat "$TMP/seq"
}
r0=$(call_field n1 "$id" rx_reordered)
into=$(flow n2 n1 192.168.100.1)
read -r _ got _ inv _ dups <<<"$into"
[ "$inv" = 0 ] && [ "$dups" = 0 ] || fail "pptp-linux -> kpptp: $into"
[ "$got" -ge 1900 ] || fail "pptp-linux -> kpptp: $into"
reordered=$(( $(call_field n1 "$id" rx_reordered) - r0 ))
out=$(flow n1 n2 192.168.100.2)
echo "kpptp -> pptp-linux through 5% reordering: $out (pptp-linux's reordering)"
pass "pptp-linux -> kpptp through 5% reordering: $got of 2000 in order, $reordered put back in order"
up=$(iperf n1 192.168.100.2 n2)
down=$(iperf n2 192.168.100.1 n1)
echo "TCP through 5% reordering: kpptp -> pptp-linux $up kbit/s, pptp-linux -> kpptp $down kbit/s"
n1 tc qdisc del dev veth1 root
n2 tc qdisc del dev veth2 root

# pptp-linux hangs up: its pppd ends, the control connection closes
pkill -f "pptp 10.0.0.1" || true
wait_for "! n1 ip link show ppp0 >/dev/null 2>&1 || ! pgrep -f 'pptp 10.0.0.1' >/dev/null" 10
n1 "$CTL" call del id "$id"
no_calls_left n1 || fail "calls left in n1"
pass "teardown"
