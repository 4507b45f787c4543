#!/bin/bash
# RFC 2637 4.2 and 4.4, the sending side.
#
#   n1 (call 100, tx-window on, peer-window 8) ==== veth ==== n2 (call 200)
#
# With tx-window on kpptp keeps at most the send window unacked, tells
# ppp_generic it is busy when the window is full and restarts it on the next
# ack; the RTT estimate follows the path's delay; against a peer that stops
# acking the window shrinks to 1 but sending never stops for good.  With
# tx-window off (the default) nothing ever waits, however late the peer acks.
. "$(dirname "$0")/lib.sh"
setup_veth_pair
SEQ=$KPPTP_SRC/tests/tools/seqcheck.py

n1 "$CTL" call add id 100 peer 10.0.0.2 peer-id 200 tx-window on peer-window 8 >/dev/null
n2 "$CTL" call add id 200 peer 10.0.0.1 peer-id 100 window 8 >/dev/null
expect_eq "$(call_field n1 100 send_window)" 4 "initial send window (half the peer's)"
expect_eq "$(call_field n1 100 ato_us)" 300000 "initial ack timeout (no peer ppd: RTT 100 ms)"
start_pppd n1 100 192.168.100.1:192.168.100.2
start_pppd n2 200 192.168.100.2:192.168.100.1
wait_link n1 ppp0 192.168.100.2 30
wait_link n2 ppp0 192.168.100.1 30
# a call that enforces a window keeps a queue on its ppp unit
n1 ip link show ppp0 | grep -q noqueue && fail "tx-window call on a queueless ppp unit"
# (a kernel without ppp_channel.direct_xmit keeps the qdisc: kernel/compat.h)
kver=$(uname -r)
if grep -qs 'direct_xmit;' "/usr/src/linux-headers-${kver%-amd64}-common/include/linux/ppp_channel.h"; then
	n2 ip link show ppp0 | grep -q noqueue || fail "default call with a qdisc on its ppp unit"
else
	echo "# $(uname -r) has no ppp_channel.direct_xmit: the default call keeps its qdisc"
fi

# --- the RTT estimate follows 20 ms of delay on the path of the acks
n2 tc qdisc add dev veth2 root netem delay 20ms
n1 ping -q -c 25 -i 0.2 -W 2 192.168.100.2 >/dev/null || fail "ping with delay"
rtt=$(call_field n1 100 rtt_us)
ato=$(call_field n1 100 ato_us)
[ "$rtt" -ge 20000 ] && [ "$rtt" -le 80000 ] || fail "rtt_us $rtt with a 20 ms path"
[ "$ato" -ge "$rtt" ] || fail "ato_us $ato below rtt_us $rtt"
pass "RTT estimate $rtt us, ack timeout $ato us for a 20 ms path"
n2 tc qdisc del dev veth2 root

# --- TCP through the window: it stalls and is woken, and it keeps going
stalls0=$(call_field n1 100 window_stalls)
# A debug kernel sends so slowly that acks come back before 8 packets are
# out; 20 ms on the ack path makes the window the limit there too (8
# packets per 20 ms is 4.5 Mbit/s, above its floor of 1)
if [ "${KPPTP_TIMEOUT_SCALE:-1}" -gt 1 ]; then
	n2 tc qdisc add dev veth2 root netem delay 20ms
fi
n2 iperf3 -s -D -1
wait_listen n2 tcp 5201
n1 iperf3 -c 192.168.100.2 -t 4 -J --connect-timeout 5000 >"$TMP/iperf.json"
mbit=$(python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e6))' "$TMP/iperf.json")
stalls=$(( $(call_field n1 100 window_stalls) - stalls0 ))
win=$(call_field n1 100 send_window)
[ "${KPPTP_TIMEOUT_SCALE:-1}" -eq 1 ] || n2 tc qdisc del dev veth2 root
[ "$stalls" -gt 0 ] || fail "iperf3 never filled an 8-packet window"
# 4 to start with, 8 once acked; an ack timeout (a stall of the emulated
# guest longer than ATO does it) halves it
[ "$win" -ge 1 ] && [ "$win" -le 8 ] || fail "send window $win (peer's is 8)"
[ "$mbit" -ge "$(mbit_floor 10)" ] || fail "iperf3 $mbit Mbit/s through the window"
pass "TCP $mbit Mbit/s through a window of $win, $stalls stalls woken"

# --- tx-window off (n2) and a peer that acks late (n1: 2 s, huge window):
# one-way datagrams n2 -> n1 never wait
n1 "$CTL" call set id 100 ack-delay 2000 window 8192
rx0=$(call_field n1 100 rx_packets)
n1 python3 "$SEQ" recv 7000 3000 >"$TMP/seq" &
rpid=$!
wait_listen n1 udp 7000
n2 python3 "$SEQ" send 192.168.100.1 7000 3000
wait "$rpid"
read -r _ got _ inv _ dups <"$TMP/seq"
[ "$inv" = 0 ] && [ "$dups" = 0 ] || fail "$(cat "$TMP/seq")"
rx=$(( $(call_field n1 100 rx_packets) - rx0 ))
[ "$rx" -ge 3000 ] || fail "PPP got $rx of 3000 datagrams (socket: $got)"
expect_eq "$(call_field n2 200 window_stalls)" 0 "window stalls with tx-window off"
pass "tx-window off, peer acking late: all 3000 datagrams to PPP ($got to the socket), no stall"

# --- the peer goes silent: its call is deleted (its pppd hangs up), n1's
# pppd does not notice (no LCP echo) and keeps sending into the void
n2 "$CTL" call del id 200
to0=$(call_field n1 100 ack_timeouts)
n1 python3 "$SEQ" send 192.168.100.2 7001 100000 &
spid=$!
on_cleanup "kill $spid 2>/dev/null"
sleep 2
tx_a=$(call_field n1 100 tx_packets)
sleep 8
tx_b=$(call_field n1 100 tx_packets)
kill "$spid" 2>/dev/null || true
timeouts=$(( $(call_field n1 100 ack_timeouts) - to0 ))
win=$(call_field n1 100 send_window)
[ "$timeouts" -ge 5 ] || fail "only $timeouts ack timeouts against a silent peer"
expect_eq "$win" 1 "send window after repeated timeouts"
[ "$tx_b" -gt "$tx_a" ] || fail "sending stopped for good ($tx_a -> $tx_b)"
[ "$(net_field n2 rx_unknown_call)" -gt 0 ] || fail "n2 saw nothing"
pass "silent peer: $timeouts ack timeouts, window 1, still sending ($((tx_b - tx_a)) packets in 8 s)"
