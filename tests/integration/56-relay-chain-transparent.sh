#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Two transparent gateways in a row in front of stock pptpd (issue 11):
# each gateway splices the client's call to its call at the next hop, so
# MS-CHAPv2 and MPPE-128 run between the client and pptpd's pppd.  The
# gateways' firewalls let only TCP 1723, GRE and ICMP from neighbours in.
# Shown: the server's pair, ping and iperf3 behind the server, no pppd and
# no ppp interface on either gateway, and the client hanging up clears
# every hop (the time is reported).
#
#	n1 client --- n2 gw2 ------------ n3 gw3 ------------ n4 pptpd
#	10.0.0.1      10.0.0.2 | 10.0.1.2  10.0.1.3 | 10.0.2.3  10.0.2.4
# timeout: 400
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kpptpd-lib.sh"
. "$(dirname "$0")/relay-lib.sh"
modprobe ppp_mppe || fail "no ppp_mppe module"

setup_relay_chain 2
install -m 600 /dev/null /etc/ppp/chap-secrets
echo 'alice srv "end-to-end" *' >/etc/ppp/chap-secrets

relay_pptpd_server n4 10.0.2.4
relay_gateway n3 gw3 10.0.1.3 "relay default to 10.0.2.4"
relay_gateway n2 gw2 10.0.0.2 "relay default to 10.0.1.3"

t0=$(date +%s%N)
relay_client ok alice 10.0.0.2 srv
wait_link n1 ppp0 192.168.30.1 120 || kpptpd_fail "no link through two gateways"
login_ms=$((($(date +%s%N) - t0) / 1000000))
grep -q "MPPE 128-bit stateless compression enabled" "$TMP/pppd-srv.log" ||
	kpptpd_fail "pptpd's pppd: no MPPE-128"
relay_check_link
pass "two transparent gateways to pptpd: MPPE-128 end to end, ping and iperf3 $RELAY_MBPS Mbit/s (link up after $login_ms ms)"

for ns in n2 n3; do
	for pid in $(ns_pids "$(ns_of "$ns")"); do
		[ "$(cat "/proc/$pid/comm" 2>/dev/null)" != pppd ] ||
			kpptpd_fail "pppd runs on gateway $ns"
	done
	[ -z "$("$ns" ip -o link show type ppp)" ] || kpptpd_fail "a ppp interface on gateway $ns"
done
pass "no pppd and no ppp interface on either gateway"

t0=$(date +%s%N)
pkill -f "ipparam ok"
wait_for "relay_chain_clear n2 n3 && [ -z \"\$(pgrep pptpctrl)\" ]" 15 ||
	kpptpd_fail "left: $(relay_chain_state n2 n3), pptpctrl $(pgrep -a pptpctrl || :)"
pass "client hang-up: both gateways and pptpd cleared (seen after $((($(date +%s%N) - t0) / 1000000)) ms)"
