#!/bin/bash
# RFC 2637 4.2 acks without data to carry them: a one-way flow gets
# standalone ack-only packets (S=0, A=1), one per half receive window or
# after ack-delay, and the peer counts them.  ack-delay 0 acks every packet.
. "$(dirname "$0")/lib.sh"
setup_veth_pair
SEQ=$KPPTP_SRC/tests/tools/seqcheck.py

n1 "$CTL" call add id 100 peer 10.0.0.2 peer-id 200 window 64 >/dev/null
n2 "$CTL" call add id 200 peer 10.0.0.1 peer-id 100 >/dev/null
start_pppd n1 100 192.168.100.1:192.168.100.2
start_pppd n2 200 192.168.100.2:192.168.100.1
wait_link n1 ppp0 192.168.100.2 30
wait_link n2 ppp0 192.168.100.1 30
sleep 1	# let the acks for LCP/IPCP and the pings go out (not a readiness wait)

flow() { # flow COUNT: COUNT datagrams n2 -> n1, nothing back
	n1 python3 "$SEQ" recv 7000 "$1" >"$TMP/seq" &
	local rpid=$!
	wait_listen n1 udp 7000
	n2 python3 "$SEQ" send 192.168.100.1 7000 "$1"
	wait "$rpid"
	sleep 0.5	# the last ack goes after ack-delay (100 ms)
}

acks0=$(call_field n1 100 tx_acks)
flow 2000
grep -q "received 2000 " "$TMP/seq" || fail "$(cat "$TMP/seq")"
sent=$(( $(call_field n1 100 tx_acks) - acks0 ))
[ "$sent" -gt 0 ] || fail "no standalone acks for a one-way flow"
# one per 32 packets (half of window 64), plus timer acks while idle
[ "$sent" -le 200 ] || fail "$sent acks for 2000 packets"
# the last ack may still be on its way on a loaded host: wait for it
wait_for "[ \"\$(call_field n2 200 rx_acks)\" = \"\$(call_field n1 100 tx_acks)\" ]" 10 ||
	fail "n1 sent $(call_field n1 100 tx_acks) acks, n2 counted $(call_field n2 200 rx_acks)"
pass "2000 packets one way, $sent standalone acks"

n1 "$CTL" call set id 100 ack-delay 0
acks0=$(call_field n1 100 tx_acks)
flow 200
sent=$(( $(call_field n1 100 tx_acks) - acks0 ))
[ "$sent" -ge 190 ] || fail "ack-delay 0: only $sent acks for 200 packets"
pass "ack-delay 0: $sent acks for 200 packets"
