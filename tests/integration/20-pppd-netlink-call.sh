#!/bin/bash
# pppd on both ends, attached with kpptp.so to calls made with kpptpctl:
# LCP/IPCP negotiate over kpptp.ko, ping and a 10 s iperf3 pass, counters
# move, and the call goes away with pppd.
. "$(dirname "$0")/lib.sh"
setup_veth_pair

n1 "$CTL" call add id 100 peer 10.0.0.2 peer-id 200 >/dev/null
n2 "$CTL" call add id 200 peer 10.0.0.1 peer-id 100 >/dev/null
start_pppd n1 100 192.168.100.1:192.168.100.2
start_pppd n2 200 192.168.100.2:192.168.100.1
wait_link n1 ppp0 192.168.100.2 30 ||
	{ cat "$TMP"/pppd-*.log; exit 1; }
wait_link n2 ppp0 192.168.100.1 30
grep -q "kpptp: attached to call 100" "$TMP/pppd-n1.log" || fail "plugin log"
pass "LCP and IPCP up"

[ "$(call_field n1 100 attached)" = True ] || fail "not attached"
[ "$(call_field n1 100 ifname)" = ppp0 ] || fail "ifname"

n1 ping -q -c 20 -i 0.05 -W 2 192.168.100.2 >/dev/null || fail "ping"
pass "ping"

n2 iperf3 -s -D -1 -p 5201
wait_listen n2 tcp 5201
n1 iperf3 -c 192.168.100.2 -t 10 -J --connect-timeout 5000 >"$TMP/iperf.json"
mbps=$(python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e6))' "$TMP/iperf.json")
[ "$mbps" -ge "$(mbit_floor 6)" ] || fail "iperf3 only $mbps Mbit/s"
pass "iperf3 $mbps Mbit/s over pppd + kpptp.ko"

rx=$(call_field n2 200 rx_packets)
tx=$(call_field n1 100 tx_packets)
[ "$rx" -gt 1000 ] && [ "$tx" -gt 1000 ] || fail "counters rx=$rx tx=$tx"
[ "$(call_field n2 200 rx_invalid)" = 0 ] || fail "rx_invalid on a clean link"
[ "$(call_field n1 100 tx_dropped)" = 0 ] || fail "tx_dropped on a clean link"
pass "counters rx $rx tx $tx"

# pppd ends -> its socket closes -> the call is deleted; the other side's
# pppd sees LCP terminate and its call goes too.
pkill -f "kpptp_call 100"
wait_for "! n1 $CTL call show id 100" 20
wait_for "! pgrep -f 'kpptp_call 200'" 30
wait_for "! n2 $CTL call show id 200" 10
pass "calls deleted with pppd"
no_calls_left n1 n2
