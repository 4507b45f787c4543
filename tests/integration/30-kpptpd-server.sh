#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kpptpd as the PPTP server, a real pptp-linux + pppd client against it:
# control connection, Outgoing-Call-Request, kernel call, pppd with
# kpptp.so and an address from the pool; ping and iperf3 through the link;
# teardown started by the client (CCRQ), by the server's pppd (CDN) and by
# the daemon's shutdown, each leaving no call, no pppd behind.
#
#	$NS1 (client)                        $NS2 (server)
#	pppd pty "pptp 10.0.0.2"   -- TCP 1723, GRE --   kpptpd -> kpptp.ko
#	ppp0 192.168.200.10                            ppp0 192.168.200.1
#	(pptp-linux: userspace GRE)                    (pppd + kpptp.so)
# timeout: 400
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kpptpd-lib.sh"
setup_veth_pair

kpptpd_conf >"$TMP/kpptpd.conf"
start_kpptpd n2 "$TMP/kpptpd.conf"

# 1: client connects, the call comes up
t0=$(date +%s%N)
start_pptp_client n1 10.0.0.2 a
wait_link n1 ppp0 192.168.200.1 60 || kpptpd_fail "the client's link did not come up"
t1=$(date +%s%N)
pass "pptp-linux client up through kpptpd in $(((t1 - t0) / 1000000)) ms"

id=$(n2 "$CTL" -j call show | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d[0]["id"])')
[ "$(call_field n2 "$id" attached)" = True ] || kpptpd_fail "call $id not attached to pppd"
[ "$(call_field n2 "$id" peer)" = 10.0.0.1 ] || kpptpd_fail "call $id peer"
grep -q "call $id: peer 10.0.0.1 .*pppd [0-9]* started with 192.168.200.1:192.168.200.10" \
	"$TMP/kpptpd.log" || kpptpd_fail "no start line for call $id"
pass "kernel call $id made by kpptpd, pppd attached"

# kpptpd runs with its soft file limit raised to the hard one; pppd,
# which waits in select(), with the soft limit kpptpd was started with
nofile() { awk '/^Max open files/ { print $4 "/" $5 }' "/proc/$1/limits"; }
kp=$(cat "$TMP/kpptpd.pid")
pp=$(pgrep -of "kpptp_call $id ")
hard=$(ulimit -Hn)
soft=$(ulimit -Sn)
[ "$soft" != "$hard" ] || kpptpd_fail "the test's own soft and hard limits are both $soft"
[ "$(nofile "$kp")" = "$hard/$hard" ] || kpptpd_fail "kpptpd's file limit $(nofile "$kp"), want $hard/$hard"
[ "$(nofile "$pp")" = "$soft/$hard" ] || kpptpd_fail "pppd's file limit $(nofile "$pp"), want $soft/$hard"
pass "file limits: kpptpd $hard, its pppd $soft as started"

n1 ping -q -c 10 -i 0.1 -W 2 192.168.200.1 >/dev/null || kpptpd_fail "ping"
pass "ping over the PPP link"

n2 iperf3 -s -D -1 -B 192.168.200.1 -p 5201
wait_listen n2 tcp 5201
n1 iperf3 -c 192.168.200.1 -t 5 -J --connect-timeout 5000 >"$TMP/iperf.json" ||
	kpptpd_fail "iperf3"
mbps=$(python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e6, 1))' "$TMP/iperf.json")
pass "iperf3 $mbps Mbit/s client -> kpptpd's call"
rx=$(call_field n2 "$id" rx_packets)
[ "$rx" -gt 500 ] || kpptpd_fail "kernel call saw only $rx packets"
pass "the kernel call carried it ($rx packets received)"

# 2: the client hangs up: pptp-linux sends Call-Clear-Request
pkill -TERM -f "pppd pty pptp 10.0.0.2 .*ipparam a" || true
wait_for "! n2 $CTL call show id $id" 30 || kpptpd_fail "call $id left after the client hung up"
wait_for "! pgrep -f 'kpptp_call $id '" 30 || kpptpd_fail "server pppd left"
grep -q "call $id cleared by the peer (CCRQ)" "$TMP/kpptpd.log" ||
	kpptpd_fail "no CCRQ line"
no_calls_left n2
pass "client hangup: CCRQ, server pppd gone, kernel call gone"

# 3: the server's pppd ends: its LCP Terminate or kpptpd's
# Call-Disconnect-Notify ends the client, whichever comes first
start_pptp_client n1 10.0.0.2 b
wait_link n1 ppp0 192.168.200.1 60 || kpptpd_fail "second session"
id=$(n2 "$CTL" -j call show | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d[0]["id"])')
pkill -TERM -f "kpptp_call $id " || true
wait_for "! pgrep -f 'pppd pty pptp 10.0.0.2 .*ipparam b'" 40 ||
	kpptpd_fail "client pppd still running after the server's pppd ended"
wait_for "! n2 $CTL call show id $id" 10
no_calls_left n2
pass "server pppd exit: client gone, kernel call gone"

# 4: kpptpd shuts down with a call up
start_pptp_client n1 10.0.0.2 c
wait_link n1 ppp0 192.168.200.1 60 || kpptpd_fail "third session"
kill -TERM "$(cat "$TMP/kpptpd.pid")"
wait_for "! kill -0 $(cat "$TMP/kpptpd.pid")" 20 || kpptpd_fail "kpptpd did not stop"
wait_for "! pgrep -f 'kpptp_call '" 20 || kpptpd_fail "server pppd left after shutdown"
wait_for "! pgrep -f 'pppd pty pptp 10.0.0.2 .*ipparam c'" 40 ||
	kpptpd_fail "client pppd still running after kpptpd stopped"
no_calls_left n2
grep -q "stopped" "$TMP/kpptpd.log" || kpptpd_fail "no 'stopped' line"
pass "kpptpd shutdown: calls cleared, pppd stopped on both sides"
