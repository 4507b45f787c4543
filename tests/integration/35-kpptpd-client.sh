#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kpptpd in the client role ("connect"): against kpptpd, so that both ends
# run on kpptp.ko (ping, iperf3, teardown from the client), and against
# pptpd (PoPToP), the reference server.
#
#	$NS1: kpptpd connect 10.0.0.2     $NS2: kpptpd, then pptpd
#	      pppd + kpptp.so                   pppd (+ kpptp.so / pty)
# timeout: 400
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kpptpd-lib.sh"
setup_veth_pair

cat >"$TMP/options.client" <<OPT
noauth
nodefaultroute
noipdefault
noccp
novj
mtu 1400
mru 1400
lcp-echo-interval 0
debug
logfile $TMP/pppd-client.log
OPT
cat >"$TMP/client.conf" <<CONF
connect 10.0.0.2
option $TMP/options.client
plugin $PLUGIN
state-file $TMP/client.calls
redial 2
CONF

# A: kpptpd -> kpptpd
kpptpd_conf >"$TMP/kpptpd.conf"
start_kpptpd n2 "$TMP/kpptpd.conf"
t0=$(date +%s%N)
start_kpptpd n1 "$TMP/client.conf" kpptpd-client
wait_link n1 ppp0 192.168.200.1 60 || kpptpd_fail "kpptpd client did not come up"
t1=$(date +%s%N)
pass "kpptpd client -> kpptpd server up in $(((t1 - t0) / 1000000)) ms"

cid=$(n1 "$CTL" -j call show | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
sid=$(n2 "$CTL" -j call show | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
expect_eq "$(call_field n1 "$cid" peer_id)" "$sid" "client call's peer ID"
expect_eq "$(call_field n2 "$sid" peer_id)" "$cid" "server call's peer ID"
pass "kernel calls $cid <-> $sid point at each other"

n1 ping -q -c 10 -i 0.1 -W 2 192.168.200.1 >/dev/null || kpptpd_fail "ping"
n2 iperf3 -s -D -1 -B 192.168.200.1 -p 5203
wait_listen n2 tcp 5203
n1 iperf3 -c 192.168.200.1 -p 5203 -t 5 -J --connect-timeout 5000 >"$TMP/iperf.json" ||
	kpptpd_fail "iperf3"
mbps=$(python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e6, 1))' "$TMP/iperf.json")
pass "ping and iperf3 $mbps Mbit/s, kpptp.ko on both ends"

kill -TERM "$(cat "$TMP/kpptpd-client.pid")"
wait_for "! kill -0 $(cat "$TMP/kpptpd-client.pid")" 20 || kpptpd_fail "client kpptpd did not stop"
wait_for "! pgrep -f 'kpptp_call '" 30 || kpptpd_fail "pppd left"
no_calls_left n1 n2
pass "client shutdown clears both ends"
kill -TERM "$(cat "$TMP/kpptpd.pid")"
wait_for "! kill -0 $(cat "$TMP/kpptpd.pid")" 20

# B: kpptpd -> pptpd
cat >"$TMP/options.pptpd" <<OPT
noauth
nodefaultroute
noccp
novj
mtu 1400
mru 1400
lcp-echo-interval 0
debug
logfile $TMP/pppd-pptpd.log
OPT
cat >"$TMP/pptpd.conf" <<CONF
option $TMP/options.pptpd
localip 192.168.201.1
remoteip 192.168.201.10-20
listen 10.0.0.2
CONF
n2 pptpd -f -c "$TMP/pptpd.conf" -p "$TMP/pptpd.pid" >"$TMP/pptpd.log" 2>&1 &
wait_for "n2 ss -ltn | grep -q ':1723 '" 10 || kpptpd_fail "pptpd did not listen"
: >"$TMP/kpptpd-client.log"
start_kpptpd n1 "$TMP/client.conf" kpptpd-client
wait_link n1 ppp0 192.168.201.1 60 || kpptpd_fail "kpptpd client -> pptpd did not come up"
n1 ping -q -c 10 -i 0.1 -W 2 192.168.201.1 >/dev/null || kpptpd_fail "ping through pptpd"
pass "kpptpd client -> pptpd (PoPToP) up, ping passes"
kill -TERM "$(cat "$TMP/kpptpd-client.pid")"
wait_for "! pgrep -f 'kpptp_call '" 30 || kpptpd_fail "pppd left"
no_calls_left n1
pass "client shutdown against pptpd"
