#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Two terminating gateways in a row (issue 11): the client logs in at gw2
# as alice@r2, gw2 logs in at gw3 as alice@r3 (its relay list), gw3 at the
# kpptpd server as alice.  Every gateway's firewall lets only TCP 1723,
# GRE and ICMP from its neighbours in and forwards only between ppp
# interfaces.  Shown: the client gets the server's pair and reaches a host
# behind it (ping, iperf3); each gateway shows its pair; the client
# hanging up, kpptpctl conn disconnect on the middle gateway, and kill -9
# of its kpptpd each clear every hop, rule, route and pppd; with its pppds
# killed too, the rules go when that kpptpd starts again (the times are
# reported, not gated).
#
#	n1 client --- n2 gw2 ------------- n3 gw3 ------------- n4 server
#	alice@r2      alice@r2 -> alice@r3  alice@r3 -> alice    kpptpd
#	10.0.0.1      10.0.0.2 | 10.0.1.2   10.0.1.3 | 10.0.2.3  10.0.2.4
# timeout: 500
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
pppd_authenticated "$TMP/pppd-srv.log" alice ||
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

# the middle gateway's administrator ends the session: both ways clear
relay_client again alice@r2 10.0.0.2 gw2
wait_link n1 ppp0 192.168.30.1 120 || kpptpd_fail "no link through two gateways (again)"
cid=$(relay_ctl gw3 -j conn show | python3 -c '
import json, sys
print([c["id"] for c in json.load(sys.stdin) if c["role"] == "server"][0])')
t0=$(date +%s%N)
relay_ctl gw3 conn disconnect "$cid"
wait_for "relay_chain_clear n2 n3 n4 && ! pgrep -f 'ipparam again' >/dev/null" 15 ||
	kpptpd_fail "left after conn disconnect at gw3: $(relay_chain_state n2 n3 n4)"
pass "conn disconnect at the middle gateway: client, both gateways and the server cleared (seen after $((($(date +%s%N) - t0) / 1000000)) ms)"

# kill -9 the middle gateway's kpptpd: its pppds see their report socket
# close, remove the pair's rules and routes and hang up; its neighbours
# see TCP close
relay_client third alice@r2 10.0.0.2 gw2
wait_link n1 ppp0 192.168.30.1 120 || kpptpd_fail "no link through two gateways (third)"
expect_eq "$(_relay_rules n3)" 2 "rules on gw3 while the pair is up"
expect_eq "$(_relay_routes n3)" 4 "routes in gw3's pair tables while the pair is up"
t0=$(date +%s%N)
kill -KILL "$(cat "$TMP/kpptpd-gw3.pid")"
wait_for "relay_chain_clear n2 n3 n4" 20 ||
	kpptpd_fail "left after kill -9 of gw3's kpptpd: $(relay_chain_state n2 n3 n4)"
t=$((($(date +%s%N) - t0) / 1000000))
grep -rqs "kpptp: removed the relay routing of ppp[0-9]* (1 rule(s))" "$TMP" ||
	kpptpd_fail "no pppd on gw3 logged removing the relay routing"
pass "kill -9 of the middle gateway's kpptpd: every call, pppd, rule and route gone after $t ms"

# kill -9 of that kpptpd and its pppds at once: nothing is left to remove
# the rules but kpptpd's next start, which sweeps what its state file names
: >"$TMP/kpptpd-gw3.log"
start_kpptpd n3 "$TMP/gw3.conf" kpptpd-gw3
relay_client fourth alice@r2 10.0.0.2 gw2
wait_link n1 ppp0 192.168.30.1 120 || kpptpd_fail "no link through two gateways (fourth)"
pid=$(cat "$TMP/kpptpd-gw3.pid")
kill -STOP "$pid"
pkill -KILL -P "$pid" -x pppd
kill -KILL "$pid"
wait_for "[ \"\$(calls_in n2)\" = 0 ] && [ \"\$(calls_in n4)\" = 0 ] && ! pgrep -x pppd >/dev/null" 20 ||
	kpptpd_fail "left after kill -9 of gw3's kpptpd and pppds: $(relay_chain_state n2 n3 n4)"
expect_eq "$(_relay_rules n3)" 2 "rules on gw3 with its kpptpd and pppds killed"
: >"$TMP/kpptpd-gw3.log"
start_kpptpd n3 "$TMP/gw3.conf" kpptpd-gw3
wait_for "relay_chain_clear n3" 10 || kpptpd_fail "gw3's restarted kpptpd left: $(relay_chain_state n3)"
grep -q "removed 2 relay rule(s) of call" "$TMP/kpptpd-gw3.log" ||
	kpptpd_fail "no sweep line in gw3's log"
pass "kill -9 of the middle gateway's kpptpd and pppds: neighbours cleared, its rules and routes swept when it starts again"
