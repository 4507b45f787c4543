#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The data path of a transparent relay (issue 11): a gateway splices two
# PPTP calls in the kernel with ppp_generic's channel bridge
# (PPPIOCBRIDGECHAN, tests/tools/pptp-bridge.c), and pppd on the client
# and on the server negotiate LCP, MS-CHAPv2 and MPPE-128 end to end
# through it.  Shown: the client gets the server's addresses and pings
# through; the gateway runs no pppd and has no ppp interface; every frame
# it forwards once MPPE is up is PPP protocol 0x00FD (encrypted), and the
# ping's payload pattern never appears on its wire; both calls' counters
# on the gateway move, each hop with its own sequence numbers; and a
# client hang-up goes end to end (LCP), the server's pppd exiting.
#
#	n1 (client)            n2 (gateway)                n3 (server)
#	call 100 ---- veth ---- call 10 =bridge= call 20 ---- veth ---- call 300
#	pppd (alice)          10.0.0.2 | 10.0.1.2                    pppd (auth)
#	10.0.0.1                                                     10.0.1.3
. "$(dirname "$0")/lib.sh"

setup_gateway_chain	# no forwarding on n2: only the bridge can carry PPP
bridged_calls
pass "calls 10 and 20 bridged on the gateway"

mschap_pppd_pair 100 300 "br1dge-S3cret"
wait_link n1 ppp0 192.168.30.1 60 ||
	{ cat "$TMP"/pppd-*.log; fail "no link through the bridge"; }
grep -q "MPPE 128-bit stateless compression enabled" "$TMP/pppd-client.log" ||
	fail "client: no MPPE-128"
pppd_authenticated "$TMP/pppd-server.log" alice ||
	fail "server: alice not authenticated"
expect_eq "$(n1 ip -4 -o addr show dev ppp0 | awk '{ print $4, $6 }')" \
	"192.168.30.10 192.168.30.1/32" "client's addresses"
pass "MS-CHAPv2 and MPPE-128 end to end; the client has the server's pair"

# the gateway: no pppd, no ppp interface, only the bridge
for pid in $(ns_pids "$NS2"); do
	[ "$(cat "/proc/$pid/comm" 2>/dev/null)" != pppd ] || fail "pppd runs on the gateway"
done
[ -z "$(n2 ip -o link show type ppp)" ] || fail "a ppp interface on the gateway"
pass "no pppd and no ppp interface on the gateway"

rx10=$(call_field n2 10 rx_packets)
tx20=$(call_field n2 20 tx_packets)
capture_start n2 veth3 "$TMP/cap.pcap" 'ip proto 47'
# a payload pattern that would show in cleartext
n1 ping -q -c 40 -i 0.02 -W 2 -p 5a5a1234cafe 192.168.30.1 >/dev/null ||
	fail "ping through the bridge"
capture_stop "$TMP/cap.pcap" 80	# 40 frames each way
[ "$(call_field n2 10 rx_packets)" -ge $((rx10 + 40)) ] &&
	[ "$(call_field n2 20 tx_packets)" -ge $((tx20 + 40)) ] ||
	fail "gateway counters: call 10 rx $rx10 -> $(call_field n2 10 rx_packets), call 20 tx $tx20 -> $(call_field n2 20 tx_packets)"
pass "ping through the bridge; the gateway's calls count it"

python3 "$KPPTP_SRC/tests/tools/gre-ppp-check.py" "$TMP/cap.pcap" --gateway 10.0.1.2 \
	--frames 80 --pattern 5a5a1234cafe || fail "capture on the gateway"
pass "only encrypted frames (0x00FD) cross the gateway"

# the client hangs up: LCP Terminate goes through, the server's pppd ends
pkill -f "kpptp_call 100 "
wait_for "! pgrep -f 'kpptp_call 300 '" 30 ||
	fail "the server's pppd outlived the client's hang-up"
pass "a client hang-up reaches the server through the bridge"
pkill -f "pptp-bridge 10 20"
wait_for "! n2 $CTL call show id 10 && ! n2 $CTL call show id 20" 10 ||
	fail "the gateway's calls outlived pptp-bridge"
pass "closing the bridge's sockets deletes the gateway's calls"
