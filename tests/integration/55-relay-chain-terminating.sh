#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Two terminating gateways in a row (issue 11): the client logs in at gw2
# as alice@r2, gw2 logs in at gw3 as alice@r3 (its relay list), gw3 at the
# kpptpd server as alice.  Every gateway's firewall lets only TCP 1723,
# GRE and ICMP from its neighbours in and forwards only between ppp
# interfaces.  Shown: the client gets the server's pair and reaches a host
# behind it (ping, iperf3); each gateway shows its pair; the client
# hanging up clears every hop, rule and pppd (the time
# it took is reported, not gated).
#
#	n1 client --- n2 gw2 ------------- n3 gw3 ------------- n4 server
#	alice@r2      alice@r2 -> alice@r3  alice@r3 -> alice    kpptpd
#	10.0.0.1      10.0.0.2 | 10.0.1.2   10.0.1.3 | 10.0.2.3  10.0.2.4
# timeout: 400
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kpptpd-lib.sh"
. "$(dirname "$0")/relay-lib.sh"
modprobe ppp_mppe || fail "no ppp_mppe module"

setup_relay_chain 2
install -m 600 /dev/null /etc/ppp/chap-secrets
cat >/etc/ppp/chap-secrets <<SECRETS
"alice@r2" gw2 "one" *
"alice@r3" gw3 "two" *
alice srv "three" *
SECRETS
for gw in gw2 gw3; do install -m 600 /dev/null "$TMP/$gw.list"; done
echo 'alice@r2 10.0.1.3 alice@r3 two' >"$TMP/gw2.list"
echo 'alice@r3 10.0.2.4 alice three' >"$TMP/gw3.list"
defaults="defaults require-mppe-128 refuse-eap refuse-pap refuse-chap refuse-mschap novj mtu 1400 mru 1400 lcp-echo-interval 0"
for gw in gw2 gw3; do echo "$defaults" >>"$TMP/$gw.list"; done

relay_kpptpd_server n4 10.0.2.4
relay_gateway n3 gw3 10.0.1.3 "relay-list $TMP/gw3.list"
relay_gateway n2 gw2 10.0.0.2 "relay-list $TMP/gw2.list"

t0=$(date +%s%N)
relay_client ok alice@r2 10.0.0.2 gw2
wait_link n1 ppp0 192.168.30.1 120 || kpptpd_fail "no link through two gateways"
login_ms=$((($(date +%s%N) - t0) / 1000000))
grep -q "Peer alice authenticated with CHAP" "$TMP/pppd-srv.log" ||
	kpptpd_fail "the server did not log alice in"
relay_check_link
pass "two terminating gateways: the server's pair, ping and iperf3 $RELAY_MBPS Mbit/s behind the server (link up after $login_ms ms)"

for gw in gw2 gw3; do
	relay_ctl "$gw" -j conn show | python3 -c '
import json, sys
calls = [k for c in json.load(sys.stdin) for k in c.get("calls", [])]
assert len(calls) == 2 and all(k["relay_mode"] == "terminating" and k["ppp"] == "up" for k in calls), calls
' || kpptpd_fail "$gw: conn show: $(relay_ctl "$gw" conn show)"
done
pass "both gateways show their terminating pair"

t0=$(date +%s%N)
pkill -f "ipparam ok"
wait_for "relay_chain_clear n2 n3 n4" 15 || kpptpd_fail "left: $(relay_chain_state n2 n3 n4)"
pass "client hang-up: every hop cleared (seen after $((($(date +%s%N) - t0) / 1000000)) ms)"
